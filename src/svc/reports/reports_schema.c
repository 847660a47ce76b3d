/*
 * reports_schema.c -- the "reports" schema: categories, areas, routes,
 * reports, their photos and history, and the Open311 API keys of each
 * municipality (reports.h has the model).
 *
 * Invariants the tables hold themselves: a report's state is one of the
 * five; one report per (tenant, key) (the idempotency key); a photo's
 * number within its report is unique and 1..4; a route sends to a
 * department or an outside body, not both; (tenant, category, area) of a
 * route is unique ("" for any).  Coordinates are integers, millionths of
 * a degree.  Depends on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/reports/reports.h"

static const struct store_migration reports_migrations[] = {
	{ 1, "citizen reports",
	  "CREATE TABLE reports_categories ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
	  " desc_ja TEXT NOT NULL DEFAULT '', desc_en TEXT NOT NULL DEFAULT '',"
	  " grp TEXT NOT NULL DEFAULT '',"
	  " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
	  " sort INTEGER NOT NULL DEFAULT 0,"
	  " PRIMARY KEY (tenant, code));"
	  "CREATE TABLE reports_areas ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
	  " min_lat BIGINT, min_lon BIGINT, max_lat BIGINT, max_lon BIGINT,"
	  " address TEXT NOT NULL DEFAULT '',"
	  " sort INTEGER NOT NULL DEFAULT 0,"
	  " PRIMARY KEY (tenant, code));"
	  "CREATE TABLE reports_routes ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " category TEXT NOT NULL DEFAULT '',"
	  " area TEXT NOT NULL DEFAULT '',"
	  " dept TEXT NOT NULL DEFAULT '',"
	  " outside TEXT NOT NULL DEFAULT '',"
	  " contact TEXT NOT NULL DEFAULT '',"
	  " CHECK ((dept = '') <> (outside = '')),"
	  " UNIQUE (tenant, category, area));"
	  "CREATE TABLE reports ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " category TEXT NOT NULL,"
	  " state TEXT NOT NULL CHECK (state IN ('received', 'in_progress', 'done', 'declined', 'transferred')),"
	  " lat BIGINT, lon BIGINT,"
	  " address TEXT NOT NULL DEFAULT '',"
	  " description TEXT NOT NULL,"
	  " desc_hidden INTEGER NOT NULL DEFAULT 0 CHECK (desc_hidden IN (0, 1)),"
	  " hide_reason TEXT NOT NULL DEFAULT '',"
	  " area TEXT NOT NULL DEFAULT '',"
	  " dept TEXT NOT NULL DEFAULT '',"
	  " outside TEXT NOT NULL DEFAULT '',"
	  " outside_contact TEXT NOT NULL DEFAULT '',"
	  " contact_name TEXT NOT NULL DEFAULT '',"
	  " contact_email TEXT NOT NULL DEFAULT '',"
	  " contact_phone TEXT NOT NULL DEFAULT '',"
	  " account BIGINT,"
	  " source TEXT NOT NULL DEFAULT '',"
	  " apikey BIGINT,"
	  " idem_key TEXT NOT NULL,"
	  " via TEXT NOT NULL,"
	  " note TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " CHECK ((lat IS NULL) = (lon IS NULL)),"
	  " CHECK (lat IS NOT NULL OR address <> ''),"
	  " UNIQUE (tenant, idem_key));"
	  "CREATE INDEX reports_list ON reports (tenant, state, created_at);"
	  "CREATE INDEX reports_near ON reports (tenant, category, lat);"
	  "CREATE INDEX reports_source ON reports (tenant, source, created_at);"
	  "CREATE INDEX reports_account ON reports (tenant, account, created_at);"
	  "CREATE TABLE reports_photos ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " report BIGINT NOT NULL REFERENCES reports(id),"
	  " n INTEGER NOT NULL CHECK (n BETWEEN 1 AND 4),"
	  " mime TEXT NOT NULL,"
	  " width INTEGER NOT NULL, height INTEGER NOT NULL,"
	  " small_width INTEGER NOT NULL, small_height INTEGER NOT NULL,"
	  " large {{BLOB}} NOT NULL, small {{BLOB}} NOT NULL,"
	  " hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),"
	  " hide_reason TEXT NOT NULL DEFAULT '',"
	  " UNIQUE (report, n));"
	  "CREATE TABLE reports_history ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " report BIGINT NOT NULL REFERENCES reports(id),"
	  " kind TEXT NOT NULL,"
	  " state TEXT NOT NULL,"
	  " note TEXT NOT NULL DEFAULT '',"
	  " by_staff BIGINT,"
	  " by_login TEXT NOT NULL DEFAULT '',"
	  " at BIGINT NOT NULL);"
	  "CREATE INDEX reports_history_of ON reports_history (report, id);"
	  "CREATE TABLE reports_apikeys ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " name TEXT NOT NULL,"
	  " hash TEXT NOT NULL UNIQUE,"
	  " created_at BIGINT NOT NULL,"
	  " revoked_at BIGINT);"
	  /* the key of the sources' hashes (reports.c: source_hash), made at
	   * the first report: a client address is never stored */
	  "CREATE TABLE reports_salt ("
	  " tenant TEXT PRIMARY KEY REFERENCES tenants(code),"
	  " salt TEXT NOT NULL)" },
};

const struct store_module_schema reports_schema = {
	"reports", reports_migrations,
	(int)(sizeof reports_migrations / sizeof reports_migrations[0])
};
