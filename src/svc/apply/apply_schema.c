/*
 * apply_schema.c -- the "apply" schema: drafts, attachments (content as a
 * blob), submissions, their file links and history, life-event bundles
 * and the receipt counters.  Migrated after "forms".
 *
 * Invariants: every row carries its tenant; a submission's receipt number
 * is unique (UNIQUE (receipt) backs the counter, so even a bug in
 * numbering could not give two submissions one number); a file's bytes
 * are stored once per (tenant, owner, sha256); history rows are only ever
 * inserted.  The canonical form (RFC 8785) of the answers is what is
 * stored: the answers are read back out of it, and a signature is over
 * exactly these bytes.
 *
 * Owners: owner_kind 1 = resident (owner_id a resident account id), 2 =
 * staff entering an application at the counter (owner_id a staff id).
 * resident_id and assignee are plain ids, not foreign keys: accounts
 * belong to src/core/auth, and a submission must outlive a closed account for
 * its retention period.
 */
#include "svc/apply/apply.h"

static const struct store_migration apply_migrations[] = {
	{ 1, "drafts, files, submissions, events, bundles, receipt counters",
	  "CREATE TABLE apply_bundles ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " owner_kind INTEGER NOT NULL,"
	  " owner_id BIGINT NOT NULL,"
	  " event TEXT NOT NULL,"
	  " procedures TEXT NOT NULL,"          /* JSON array, in order */
	  " created_at BIGINT NOT NULL,"
	  " submitted_at BIGINT NOT NULL DEFAULT 0);"
	  "CREATE INDEX apply_bundles_owner ON apply_bundles (tenant, owner_kind, owner_id);"
	  "CREATE TABLE apply_drafts ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " owner_kind INTEGER NOT NULL,"
	  " owner_id BIGINT NOT NULL,"
	  " procedure TEXT NOT NULL,"
	  " version INTEGER NOT NULL,"
	  " page INTEGER NOT NULL DEFAULT 0,"
	  " answers TEXT NOT NULL,"
	  " sources TEXT,"
	  " bundle_id BIGINT NOT NULL DEFAULT 0,"
	  " submission_id BIGINT NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX apply_drafts_owner ON apply_drafts (tenant, owner_kind, owner_id, updated_at);"
	  "CREATE INDEX apply_drafts_updated ON apply_drafts (updated_at);"
	  "CREATE INDEX apply_drafts_bundle ON apply_drafts (bundle_id);"
	  "CREATE TABLE apply_files ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " owner_kind INTEGER NOT NULL,"
	  " owner_id BIGINT NOT NULL,"
	  " sha256 TEXT NOT NULL,"
	  " type TEXT NOT NULL,"
	  " size BIGINT NOT NULL,"
	  " name TEXT NOT NULL,"
	  " data {{BLOB}} NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " touched_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, owner_kind, owner_id, sha256));"
	  "CREATE INDEX apply_files_sha ON apply_files (tenant, sha256);"
	  "CREATE TABLE apply_submissions ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " receipt TEXT NOT NULL UNIQUE,"
	  " procedure TEXT NOT NULL,"
	  " version INTEGER NOT NULL,"
	  " department TEXT NOT NULL,"
	  " status TEXT NOT NULL,"
	  " revision INTEGER NOT NULL DEFAULT 1,"
	  " resident_id BIGINT NOT NULL DEFAULT 0,"
	  " entered_by BIGINT NOT NULL DEFAULT 0,"  /* staff id for a counter entry */
	  " assignee BIGINT NOT NULL DEFAULT 0,"
	  " bundle_id BIGINT NOT NULL DEFAULT 0,"
	  " canonical TEXT NOT NULL,"               /* forms_canonical's bytes */
	  " sha256 TEXT NOT NULL,"
	  " identity TEXT NOT NULL DEFAULT '',"     /* duplicate key, see README */
	  " sources TEXT,"
	  " sig_serial TEXT NOT NULL DEFAULT '',"
	  " sig_subject TEXT NOT NULL DEFAULT '',"
	  " sig_issuer TEXT NOT NULL DEFAULT '',"
	  " sig_not_after BIGINT NOT NULL DEFAULT 0,"
	  " sig_cms {{BLOB}},"
	  " submitted_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " due_at BIGINT NOT NULL DEFAULT 0,"
	  " duplicate_of BIGINT NOT NULL DEFAULT 0,"
	  " return_note TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX apply_sub_dept ON apply_submissions (tenant, department, id);"
	  "CREATE INDEX apply_sub_resident ON apply_submissions (tenant, resident_id, id);"
	  "CREATE INDEX apply_sub_sha ON apply_submissions (tenant, sha256);"
	  "CREATE INDEX apply_sub_identity ON apply_submissions (tenant, procedure, identity);"
	  "CREATE INDEX apply_sub_due ON apply_submissions (tenant, due_at);"
	  "CREATE TABLE apply_submission_files ("
	  " submission_id BIGINT NOT NULL REFERENCES apply_submissions(id),"
	  " file_id BIGINT NOT NULL REFERENCES apply_files(id),"
	  " PRIMARY KEY (submission_id, file_id));"
	  "CREATE INDEX apply_subfiles_file ON apply_submission_files (file_id);"
	  "CREATE TABLE apply_events ("
	  " id {{ID}},"
	  " submission_id BIGINT NOT NULL REFERENCES apply_submissions(id),"
	  " tenant TEXT NOT NULL,"
	  " at BIGINT NOT NULL,"
	  " actor_kind INTEGER NOT NULL,"
	  " actor_id BIGINT NOT NULL,"
	  " kind TEXT NOT NULL,"
	  " from_state TEXT NOT NULL DEFAULT '',"
	  " to_state TEXT NOT NULL DEFAULT '',"
	  " text TEXT,"
	  " internal INTEGER NOT NULL DEFAULT 0);"
	  "CREATE INDEX apply_events_sub ON apply_events (submission_id, id);"
	  "CREATE TABLE apply_receipt_seq ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " year INTEGER NOT NULL,"
	  " n BIGINT NOT NULL,"
	  " PRIMARY KEY (tenant, year))" },
	{ 2, "the bytes a bundle's signature is over (its manifest)",
	  "ALTER TABLE apply_submissions ADD COLUMN sig_data TEXT" },
	{ 3, "attachment rows by content alone (the file collector asks across tenants)",
	  "CREATE INDEX apply_files_sha_any ON apply_files (sha256)" },
	{ 4, "signing requests handed to a signing app (signreq.c)",
	  "CREATE TABLE apply_sign_requests ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " token_sha256 TEXT NOT NULL UNIQUE,"
	  " owner_kind INTEGER NOT NULL,"
	  " owner_id BIGINT NOT NULL,"
	  " kind INTEGER NOT NULL,"              /* 1 draft, 2 bundle */
	  " target BIGINT NOT NULL,"
	  " sha256 TEXT NOT NULL,"               /* of the bytes to sign */
	  " created_at BIGINT NOT NULL,"
	  " expires_at BIGINT NOT NULL,"
	  " signed_at BIGINT NOT NULL DEFAULT 0,"
	  " subject TEXT,"
	  " cms {{BLOB}});"
	  "CREATE INDEX apply_sign_requests_owner ON apply_sign_requests"
	  " (tenant, owner_kind, owner_id, kind, target)" },
	{ 5, "a fee paid before submission: the payment a submission was paid by, a bundle's payment",
	  "ALTER TABLE apply_submissions ADD COLUMN payment TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE apply_bundles ADD COLUMN payment TEXT NOT NULL DEFAULT ''" },
};

const struct store_module_schema apply_schema = {
	"apply", apply_migrations,
	(int)(sizeof apply_migrations / sizeof apply_migrations[0])
};
