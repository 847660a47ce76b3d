/*
 * jobs_schema.c -- the "jobs" schema: the durable job queue.
 *
 * Invariants: status is one of queued, running, done, failed, cancelled;
 * a running job has locked_by and lease_until set, no other job has;
 * progress is 0..100; attempts counts claims (never more than
 * max_attempts).  tenant is NULL for deployment-level jobs.  Depends on
 * the "core" schema (tenants).
 */
#include "core/jobs/jobs.h"

static const struct store_migration jobs_migrations[] = {
	{ 1, "jobs",
	  "CREATE TABLE jobs ("
	  " id {{ID}},"
	  " tenant TEXT REFERENCES tenants(code),"
	  " kind TEXT NOT NULL,"
	  " payload TEXT NOT NULL,"
	  " status TEXT NOT NULL CHECK (status IN"
	  "  ('queued', 'running', 'done', 'failed', 'cancelled')),"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " max_attempts INTEGER NOT NULL,"
	  " run_after BIGINT NOT NULL,"
	  " locked_by TEXT,"
	  " lease_until BIGINT,"
	  " progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),"
	  " progress_msg TEXT,"
	  " result TEXT,"
	  " error TEXT,"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX jobs_claim ON jobs (status, run_after);"
	  "CREATE INDEX jobs_lease ON jobs (status, lease_until);"
	  "CREATE INDEX jobs_tenant ON jobs (tenant, id)" },
};

const struct store_module_schema jobs_schema = {
	"jobs", jobs_migrations,
	(int)(sizeof jobs_migrations / sizeof jobs_migrations[0])
};
