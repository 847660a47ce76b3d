/*
 * opendata_schema.c -- the "opendata" schema: licences, organisations,
 * groups, datasets, tags, resources, resource versions (bytes as a blob,
 * at most OPENDATA_BLOB_MAX each) and the change history.
 *
 * Every row carries `tenant TEXT NOT NULL REFERENCES tenants(code)`.
 * Names are unique per tenant; ids (UUIDs) are unique everywhere.  The
 * licence table is per tenant and filled by opendata_licenses_seed() (not
 * by the migration, so backups restore into empty tables).
 */
#include "svc/opendata/opendata.h"

static const struct store_migration od_migrations[] = {
	{ 1, "opendata catalog",
	  "CREATE TABLE opendata_licenses ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " id TEXT NOT NULL,"
	  " title_ja TEXT NOT NULL, title_en TEXT NOT NULL, url TEXT NOT NULL,"
	  " is_open INTEGER NOT NULL DEFAULT 1,"
	  " PRIMARY KEY (tenant, id));"
	  "CREATE TABLE opendata_orgs ("
	  " id TEXT PRIMARY KEY,"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " is_org INTEGER NOT NULL,"              /* 1 organisation, 0 group */
	  " name TEXT NOT NULL, title TEXT NOT NULL, title_en TEXT,"
	  " description TEXT,"
	  " created BIGINT NOT NULL, modified BIGINT NOT NULL,"
	  " UNIQUE (tenant, is_org, name));"
	  "CREATE TABLE opendata_datasets ("
	  " id TEXT PRIMARY KEY,"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " name TEXT NOT NULL, title TEXT NOT NULL, title_en TEXT,"
	  " notes TEXT,"
	  " org_id TEXT NOT NULL REFERENCES opendata_orgs(id),"
	  " license_id TEXT NOT NULL,"
	  " frequency TEXT, spatial TEXT, temporal_start TEXT, temporal_end TEXT,"
	  " contact_name TEXT, contact_email TEXT, source_url TEXT, attribution TEXT,"
	  " format_id TEXT,"
	  " state TEXT NOT NULL DEFAULT 'active',"
	  " search_key TEXT NOT NULL DEFAULT '',"
	  " created BIGINT NOT NULL, modified BIGINT NOT NULL,"
	  " UNIQUE (tenant, name));"
	  "CREATE INDEX opendata_datasets_modified ON opendata_datasets (tenant, modified);"
	  "CREATE TABLE opendata_tags ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " dataset_id TEXT NOT NULL REFERENCES opendata_datasets(id),"
	  " tag TEXT NOT NULL,"
	  " PRIMARY KEY (dataset_id, tag));"
	  "CREATE INDEX opendata_tags_tag ON opendata_tags (tenant, tag);"
	  "CREATE TABLE opendata_members ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " group_id TEXT NOT NULL REFERENCES opendata_orgs(id),"
	  " dataset_id TEXT NOT NULL REFERENCES opendata_datasets(id),"
	  " PRIMARY KEY (group_id, dataset_id));"
	  "CREATE INDEX opendata_members_ds ON opendata_members (dataset_id);"
	  "CREATE TABLE opendata_resources ("
	  " id TEXT PRIMARY KEY,"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " dataset_id TEXT NOT NULL REFERENCES opendata_datasets(id),"
	  " name TEXT NOT NULL, description TEXT,"
	  " format TEXT NOT NULL, mimetype TEXT NOT NULL,"
	  " position INTEGER NOT NULL,"
	  " derived_from TEXT,"
	  " latest INTEGER NOT NULL DEFAULT 0,"
	  " size BIGINT NOT NULL DEFAULT 0, hash TEXT,"
	  " report TEXT,"
	  " created BIGINT NOT NULL, modified BIGINT NOT NULL,"
	  " UNIQUE (dataset_id, name));"
	  "CREATE INDEX opendata_resources_ds ON opendata_resources (tenant, dataset_id);"
	  "CREATE TABLE opendata_versions ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " resource_id TEXT NOT NULL REFERENCES opendata_resources(id),"
	  " version INTEGER NOT NULL,"
	  " size BIGINT NOT NULL, hash TEXT NOT NULL,"
	  " data {{BLOB}} NOT NULL,"
	  " created BIGINT NOT NULL,"
	  " PRIMARY KEY (resource_id, version));"
	  "CREATE TABLE opendata_changes ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " at BIGINT NOT NULL,"
	  " dataset_id TEXT, dataset_name TEXT,"
	  " activity TEXT NOT NULL,"              /* CKAN activity_type */
	  " summary TEXT NOT NULL);"
	  "CREATE INDEX opendata_changes_at ON opendata_changes (tenant, at);" },
	{ 2, "opendata changes by dataset (package cache validity)",
	  "CREATE INDEX opendata_changes_ds ON opendata_changes (dataset_id, id);" },
	{ 3, "opendata search key index (substring scans read the index only)",
	  "CREATE INDEX opendata_datasets_key ON opendata_datasets (tenant, state, search_key);" },
};

const struct store_module_schema opendata_schema = {
	"opendata", od_migrations,
	(int)(sizeof od_migrations / sizeof od_migrations[0])
};
