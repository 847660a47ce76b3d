/*
 * forms_schema.c -- the "forms" schema: procedures and their versions.
 *
 * A procedure is (tenant, code); each published definition is a row of
 * procedure_versions with the next version number, the definition's RFC
 * 8785 canonical JSON and its SHA-256.  Rows of procedure_versions are
 * never updated nor deleted by this module (a change is a new version),
 * so a submission that names (procedure, version) always finds the exact
 * definition it was validated against.
 */
#include "core/forms/forms.h"

static const struct store_migration forms_migrations[] = {
	{ 1, "procedures and versions",
	  "CREATE TABLE procedures ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, code));"
	  "CREATE TABLE procedure_versions ("
	  " id {{ID}},"
	  " procedure_id BIGINT NOT NULL REFERENCES procedures(id),"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " version INTEGER NOT NULL,"
	  " definition TEXT NOT NULL,"          /* canonical JSON (JCS) */
	  " sha256 TEXT NOT NULL,"
	  " title_ja TEXT NOT NULL,"
	  " title_en TEXT NOT NULL,"
	  " published_at BIGINT NOT NULL,"
	  " UNIQUE (procedure_id, version))" },
	/* the builder: one working copy per procedure, its review state;
	 * a procedure withdrawn from residents */
	{ 2, "procedure drafts and withdrawal",
	  "CREATE TABLE procedure_drafts ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " definition TEXT NOT NULL,"          /* canonical JSON (JCS) */
	  " state TEXT NOT NULL,"               /* draft, review, approved */
	  " submitted_by BIGINT,"
	  " comment TEXT,"
	  " updated_by BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " base_version INTEGER NOT NULL,"
	  " UNIQUE (tenant, code));"
	  "ALTER TABLE procedures ADD COLUMN unpublished_at BIGINT" },
};

const struct store_module_schema forms_schema = {
	"forms", forms_migrations,
	(int)(sizeof forms_migrations / sizeof forms_migrations[0])
};
