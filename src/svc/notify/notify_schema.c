/*
 * notify_schema.c -- the "notify" schema: each municipality's message
 * templates and every version of their texts.
 *
 * Invariants: (tenant, slug) is unique; a template's versions count 1, 2,
 * 3 ... without gaps ((template_id, version) unique) and the template's
 * `version` is the newest, the one in force; versions are never updated
 * or deleted (the history); ja's subject and body are never empty
 * (notify_check).  Depends on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/notify/notify.h"

static const struct store_migration notify_migrations[] = {
	{ 1, "message templates and their versions",
	  "CREATE TABLE notify_templates ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " slug TEXT NOT NULL,"
	  " channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'line')),"
	  " fields TEXT NOT NULL,"
	  " version INTEGER NOT NULL CHECK (version >= 1),"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, slug));"
	  "CREATE TABLE notify_template_versions ("
	  " id {{ID}},"
	  " template_id BIGINT NOT NULL REFERENCES notify_templates(id),"
	  " version INTEGER NOT NULL CHECK (version >= 1),"
	  " subject_ja TEXT NOT NULL,"
	  " body_ja TEXT NOT NULL,"
	  " subject_en TEXT NOT NULL DEFAULT '',"
	  " body_en TEXT NOT NULL DEFAULT '',"
	  " subject_easy TEXT NOT NULL DEFAULT '',"
	  " body_easy TEXT NOT NULL DEFAULT '',"
	  " author TEXT NOT NULL,"
	  " note TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (template_id, version))" },
};

const struct store_module_schema notify_schema = {
	"notify", notify_migrations,
	(int)(sizeof notify_migrations / sizeof notify_migrations[0])
};
