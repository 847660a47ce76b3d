/*
 * audit_schema.c -- the "audit" schema: the hash-chained records and the
 * one-row head.
 *
 * Invariants: audit_records.seq runs 1, 2, 3 ... without gaps, in append
 * order; audit_head has exactly one row (id = 1) whose seq and hash are
 * those of the last record (0 and 64 zeros while empty) and whose
 * ckpt_seq is the seq of the last checkpoint record (0: none).  Rows of
 * audit_records are never updated or deleted by the application.
 * Depends on the "core" schema (tenants).
 */
#include "core/audit/audit.h"

static const struct store_migration audit_migrations[] = {
	{ 1, "audit records and head",
	  "CREATE TABLE audit_records ("
	  " seq BIGINT PRIMARY KEY,"
	  " ts BIGINT NOT NULL,"
	  " actor_id BIGINT,"
	  " actor_login TEXT,"
	  " role TEXT,"
	  " action TEXT NOT NULL,"
	  " object_type TEXT,"
	  " object_id TEXT,"
	  " tenant TEXT REFERENCES tenants(code),"
	  " source TEXT,"
	  " result TEXT NOT NULL,"
	  " sig TEXT,"
	  " hash TEXT NOT NULL);"
	  "CREATE INDEX audit_records_login_ts ON audit_records (actor_login, ts);"
	  "CREATE INDEX audit_records_actor_ts ON audit_records (actor_id, ts);"
	  "CREATE INDEX audit_records_object ON audit_records"
	  " (object_type, object_id, ts);"
	  "CREATE INDEX audit_records_tenant_ts ON audit_records (tenant, ts);"
	  "CREATE INDEX audit_records_ts ON audit_records (ts);"
	  "CREATE TABLE audit_head ("
	  " id INTEGER PRIMARY KEY CHECK (id = 1),"
	  " seq BIGINT NOT NULL,"
	  " hash TEXT NOT NULL,"
	  " ckpt_seq BIGINT NOT NULL);"
	  "INSERT INTO audit_head (id, seq, hash, ckpt_seq) VALUES (1, 0,"
	  " '0000000000000000000000000000000000000000000000000000000000000000',"
	  " 0)" },
};

const struct store_module_schema audit_schema = {
	"audit", audit_migrations,
	(int)(sizeof audit_migrations / sizeof audit_migrations[0])
};
