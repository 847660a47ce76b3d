/*
 * tenant_schema.c -- the "core" schema: municipalities (tenants).
 *
 * Every tenant-owned row in every other module carries `tenant TEXT NOT
 * NULL REFERENCES tenants(code)`: the six-digit 全国地方公共団体コード, so a
 * sharded PostgreSQL can split by it.
 */
#include "core/tenant/tenant.h"

static const struct store_migration core_migrations[] = {
	{ 1, "tenants",
	  "CREATE TABLE tenants ("
	  " code TEXT PRIMARY KEY,"          /* 全国地方公共団体コード, 6 digits */
	  " name_ja TEXT NOT NULL,"
	  " name_en TEXT NOT NULL,"
	  " host TEXT UNIQUE,"               /* host name that selects it      */
	  " path_prefix TEXT UNIQUE,"        /* or /t/<prefix>/...             */
	  " demo INTEGER NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL)" },
};

const struct store_module_schema tenant_schema = {
	"core", core_migrations,
	(int)(sizeof core_migrations / sizeof core_migrations[0])
};
