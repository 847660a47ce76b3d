/*
 * disaster_schema.c -- the "disaster" schema: the shelter master (one row
 * per facility, both GSI kinds as flags), the live status of each shelter
 * kept apart from it, and every change of status.
 *
 * Invariants: (tenant, key) is unique: an import updates, never
 * duplicates; a shelter has a name of one kind at least; a status row
 * exists for every shelter (made with it, version 0, unopened); the
 * history holds one row per accepted version of a shelter
 * (UNIQUE (shelter_id, version)): two writers can never both win a version.
 * Coordinates are integers of degrees x 10^6 (both backends alike).
 */
#include "store/store.h"
#include "svc/disaster/disaster.h"

static const struct store_migration disaster_migrations[] = {
	{ 1, "shelters, their status and its history",
	  "CREATE TABLE disaster_shelters ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " key TEXT NOT NULL,"
	  " emergency_id TEXT,"
	  " designated_id TEXT,"
	  " name_e TEXT,"
	  " name_d TEXT,"
	  " address TEXT NOT NULL,"
	  " lat_e6 BIGINT NOT NULL,"
	  " lon_e6 BIGINT NOT NULL,"
	  " is_emergency INTEGER NOT NULL DEFAULT 0 CHECK (is_emergency IN (0, 1)),"
	  " hazards INTEGER NOT NULL DEFAULT 0 CHECK (hazards BETWEEN 0 AND 255),"
	  " is_designated INTEGER NOT NULL DEFAULT 0 CHECK (is_designated IN (0, 1)),"
	  " accepts TEXT,"
	  " note_e TEXT,"
	  " note_d TEXT,"
	  " ward_designation TEXT,"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, key),"
	  " CHECK (name_e IS NOT NULL OR name_d IS NOT NULL));"
	  "CREATE TABLE disaster_status ("
	  " shelter_id BIGINT PRIMARY KEY REFERENCES disaster_shelters(id),"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " state TEXT NOT NULL CHECK (state IN ('unopened', 'open', 'full', 'closed')),"
	  " people INTEGER NOT NULL DEFAULT 0 CHECK (people >= 0),"
	  " needs INTEGER NOT NULL DEFAULT 0 CHECK (needs BETWEEN 0 AND 15),"
	  " note TEXT,"
	  " version BIGINT NOT NULL DEFAULT 0,"
	  " updated_at BIGINT NOT NULL DEFAULT 0,"
	  " updated_by BIGINT,"
	  " updated_by_name TEXT);"
	  "CREATE TABLE disaster_status_history ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " shelter_id BIGINT NOT NULL REFERENCES disaster_shelters(id),"
	  " version BIGINT NOT NULL,"
	  " state TEXT NOT NULL,"
	  " people INTEGER NOT NULL,"
	  " needs INTEGER NOT NULL,"
	  " note TEXT,"
	  " updated_at BIGINT NOT NULL,"
	  " updated_by BIGINT,"
	  " updated_by_name TEXT,"
	  " UNIQUE (shelter_id, version));"
	  "CREATE INDEX disaster_status_tenant ON disaster_status (tenant, state)" },
};

const struct store_module_schema disaster_schema = {
	"disaster", disaster_migrations,
	(int)(sizeof disaster_migrations / sizeof disaster_migrations[0])
};
