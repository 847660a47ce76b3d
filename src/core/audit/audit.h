/*
 * audit.h -- the tamper-evident audit trail: append, checkpoint, verify,
 * query.
 *
 * What is recorded.  Every login, failed login, permission change and every
 * read or write of personal data appends one record: who (actor account id
 * and login, role), what (action, object type and id), where (tenant,
 * source address), when (milliseconds since the Unix epoch, UTC) and the
 * result.  The record is appended IN THE SAME TRANSACTION as the action it
 * describes: audit_append() takes the caller's `struct store *` with its
 * transaction open (store_begin()) and fails with ERR_INTERNAL otherwise.
 * If the record cannot be written the caller must roll back, so an action
 * without its record never commits (fail closed), and a rolled-back action
 * leaves no record.
 *
 * NO PERSONAL DATA beyond identifiers.  A record holds ids, codes and the
 * staff login, never names, addresses, birth dates, My Number (個人番号),
 * passwords, tokens or free text typed by a user.  object_id is the row id
 * (or another opaque key) of the record touched, never its content.  For a
 * failed login of an unknown account pass actor_login = NULL (the typed
 * string may be a password typed into the wrong field).  The library cannot
 * tell an id from a name: this is the caller's contract, and reviewers
 * check it at every audit_append() call site.
 *
 * Tamper evidence.  Records form a hash chain: record n's hash is
 * BLAKE2b-256 over the previous record's hash and an unambiguous (tagged,
 * length-prefixed) serialisation of all of record n's fields (see
 * README.md for the exact format).  Every `checkpoint_every` records, and
 * on demand, a checkpoint record is appended to the chain itself: it
 * carries an Ed25519 signature over (seq, hash) of the record before it, so
 * a checkpoint can be neither removed nor altered without breaking the
 * chain, and the chain up to it cannot be rewritten without the signing
 * key.  A one-row table audit_head (seq, hash, last checkpoint seq) is
 * updated by every append; it serialises concurrent appenders (PostgreSQL:
 * SELECT ... FOR UPDATE; SQLite: the writer lock of BEGIN IMMEDIATE) and
 * lets audit_verify() detect a truncated tail.  A tail truncated after the
 * last checkpoint AND a rewritten head row cannot be told from a shorter
 * log by the database alone: export checkpoints (`madoguchi audit
 * checkpoint`) and pass one as the anchor to audit_verify().
 *
 * Concurrency: any number of threads or processes may append at once, each
 * with its own connection.  Appending holds the head row until the caller
 * commits, so append late in a transaction and commit promptly.
 *
 * Limits (bytes, each field; ERR_LIMIT beyond): actor_login 128, role 64,
 * action 64, object_type 64, object_id 128, tenant 16, source 64, result
 * 16.  Text fields must be UTF-8 without control characters (ERR_INVALID).
 * action and result are required and use [a-z0-9._-] only.  A key file is
 * at most 4096 bytes.  audit_query() returns at most AUDIT_QUERY_MAX rows
 * per call (page with after_seq).
 */
#ifndef MADOGUCHI_AUDIT_AUDIT_H
#define MADOGUCHI_AUDIT_AUDIT_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define AUDIT_LOGIN_MAX 128
#define AUDIT_ROLE_MAX 64
#define AUDIT_ACTION_MAX 64
#define AUDIT_OBJTYPE_MAX 64
#define AUDIT_OBJID_MAX 128
#define AUDIT_TENANT_MAX 16
#define AUDIT_SOURCE_MAX 64
#define AUDIT_RESULT_MAX 16
#define AUDIT_KEYFILE_MAX 4096
#define AUDIT_QUERY_MAX 100000
#define AUDIT_CHECKPOINT_DEFAULT 1000

#define AUDIT_HASH_HEX 65      /* 32-byte hash as hex, with NUL   */
#define AUDIT_PK_HEX 65        /* 32-byte public key as hex + NUL */

/* Recommended action names (callers may add their own, same charset). */
#define AUDIT_A_LOGIN "auth.login"
#define AUDIT_A_LOGIN_FAILED "auth.login_failed"
#define AUDIT_A_LOGOUT "auth.logout"
#define AUDIT_A_PERMISSION "auth.permission_change"
#define AUDIT_A_READ "data.read"
#define AUDIT_A_WRITE "data.write"
#define AUDIT_A_EXPORT "data.export"
/* Reserved: written by the library only (append refuses it). */
#define AUDIT_A_CHECKPOINT "audit.checkpoint"

/* Results. */
#define AUDIT_R_OK "ok"
#define AUDIT_R_DENIED "denied"
#define AUDIT_R_FAILED "failed"
#define AUDIT_R_ERROR "error"

extern const struct store_module_schema audit_schema;

/* One record.  On input to audit_append() seq, sig and hash are ignored;
 * in audit_query() callbacks every field is filled (NULL for SQL NULL) and
 * the pointers are valid during the callback only. */
struct audit_record {
	int64_t seq;             /* 1, 2, 3 ... without gaps             */
	int64_t ts_ms;           /* ms since epoch UTC; 0 on input: now  */
	int64_t actor_id;        /* account id; 0: none (anonymous)      */
	const char *actor_login; /* staff/resident login, or NULL        */
	const char *role;        /* role at the time, or NULL            */
	const char *action;      /* required: "auth.login", ...          */
	const char *object_type; /* "resident", "application", ... / NULL */
	const char *object_id;   /* its id (never its content) / NULL    */
	const char *tenant;      /* 全国地方公共団体コード; NULL: deployment */
	const char *source;      /* client address, or NULL              */
	const char *result;      /* required: "ok", "denied", ...        */
	const char *sig;         /* checkpoint records: hex signature    */
	const char *hash;        /* hex chain hash                       */
};

/* An Ed25519 signing key (from a 32-byte seed). */
struct audit_key {
	unsigned char pk[32];
	unsigned char sk[64];
};

/* How appends behave.  key NULL: no automatic checkpoints (verification
 * then has no signature to check: for tests and tools only). */
struct audit_config {
	const struct audit_key *key;
	int checkpoint_every;    /* records between checkpoints; 0: default */
};

/* audit_key_generate -- a new random key. 0 or ERR_IO. */
int audit_key_generate(struct audit_key *out, struct err *e);
/* audit_key_from_hex -- the key whose seed is the 64 hex digits in s
 * (surrounding white space allowed), as given in an environment
 * variable.  0 or ERR_INVALID. */
int audit_key_from_hex(struct audit_key *out, const char *s, struct err *e);
/* audit_key_load -- read a key file: lines starting with '#' and blank
 * lines are ignored, the first other line is the seed as 64 hex digits.
 * Refuses a file readable or writable by others (ERR_DENIED), one larger
 * than AUDIT_KEYFILE_MAX (ERR_LIMIT); ERR_NOTFOUND, ERR_IO, ERR_INVALID. */
int audit_key_load(struct audit_key *out, const char *path, struct err *e);
/* audit_key_save -- write a new key file with mode 0600; never replaces
 * an existing file (ERR_CONFLICT).  The data are fsync'd. */
int audit_key_save(const struct audit_key *k, const char *path,
		   struct err *e);
/* audit_key_public_hex -- the public key as 64 hex digits. */
void audit_key_public_hex(char out[AUDIT_PK_HEX], const struct audit_key *k);
/* audit_public_key_from_hex -- parse 64 hex digits. 0 or ERR_INVALID. */
int audit_public_key_from_hex(unsigned char pk[32], const char *s,
			      struct err *e);
/* audit_key_wipe -- zero the secret. */
void audit_key_wipe(struct audit_key *k);

/* audit_append -- append r inside the caller's open transaction; *seq
 * (if non-NULL) receives its sequence number.  When the configured
 * interval is reached a checkpoint is appended right after it.
 * ERR_INTERNAL without an open transaction, ERR_INVALID/ERR_LIMIT for a
 * bad field, ERR_DB/ERR_UNAVAILABLE/ERR_CONFLICT from the database: the
 * caller must then roll back. */
int audit_append(int64_t *seq, struct store *s, const struct audit_config *c,
		 const struct audit_record *r, struct err *e);

/* audit_append_own -- append r for an action that has no transaction of
 * its own (a read of personal data): in a transaction shared with the
 * records other threads of this process append at the same moment (group
 * commit, store_group_write; on both engines, since every append holds
 * the chain's head until its commit), returning once it is durable.  A
 * caller that must not show what was read unaudited checks for 0 (a
 * failed commit fails every record of its batch).  With a transaction
 * open on s this is audit_append.  Errors as audit_append's; nothing is written
 * then.  audit_own_counts: the shared commits so far, the records they
 * carried and the time spent writing them (microseconds), for /metrics. */
int audit_append_own(int64_t *seq, struct store *s, const struct audit_config *c,
		     const struct audit_record *r, struct err *e);
void audit_own_counts(int64_t *commits, int64_t *records, int64_t *busy_us);

/* audit_checkpoint -- append a signed checkpoint now (in the caller's
 * transaction).  *seq / hash_hex (either may be NULL) receive the
 * checkpoint record's seq and hash: an anchor to keep outside. */
int audit_checkpoint(int64_t *seq, char *hash_hex, struct store *s,
		     const struct audit_key *key, struct err *e);

enum audit_problem {
	AUDIT_INTACT = 0,
	AUDIT_ALTERED,         /* hash does not match the record's fields  */
	AUDIT_MISSING,         /* a seq is missing (deleted)               */
	AUDIT_OUT_OF_ORDER,    /* a seq where none may be (forged)         */
	AUDIT_BAD_SIGNATURE,   /* checkpoint signature does not verify     */
	AUDIT_BAD_CHECKPOINT,  /* checkpoint malformed or covers wrong hash */
	AUDIT_TRUNCATED,       /* head or checkpoint names missing records */
	AUDIT_BEYOND_HEAD,     /* records after the head (appended forged) */
	AUDIT_HEAD_MISMATCH,   /* head hash differs from the last record's */
	AUDIT_ANCHOR_MISMATCH, /* the external anchor does not match       */
};

struct audit_verify_result {
	int intact;                 /* 1: nothing wrong found            */
	int64_t records;            /* records checked and found good    */
	int64_t checkpoints;        /* good checkpoints among them       */
	int64_t last_checkpoint;    /* seq of the last good one, 0: none */
	int64_t head_seq;           /* what audit_head says              */
	int64_t bad_seq;            /* the first bad record, 0 if intact */
	enum audit_problem problem;
	char what[200];             /* English, for the operator          */
};

/* An anchor kept outside the database (from audit_checkpoint()). */
struct audit_anchor {
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
};

/* audit_verify -- walk the whole chain (in a snapshot, unless the caller
 * has a transaction open) and report the FIRST bad record.  Returns 0
 * when the walk ran (look at out->intact), a negative ERR_* when it could
 * not (database error). */
int audit_verify(struct audit_verify_result *out, struct store *s,
		 const unsigned char pk[32], const struct audit_anchor *anchor,
		 struct err *e);

const char *audit_problem_name(enum audit_problem p);

/* Query filter: NULL / 0 fields match anything. */
struct audit_filter {
	int64_t actor_id;
	const char *actor_login;
	const char *tenant;
	int64_t from_ms;            /* ts >= from_ms (0: open)         */
	int64_t to_ms;              /* ts <  to_ms  (0: open)          */
	const char *action;
	const char *object_type;
	const char *object_id;      /* needs object_type               */
	int64_t after_seq;          /* paging: seq > after_seq         */
	int limit;                  /* 0 or > AUDIT_QUERY_MAX: the max */
};

/* audit_query -- calls fn for each matching record in seq order; fn
 * returns 0 to go on, non-zero to stop.  fn must not use s.  Returns the
 * number of records passed to fn, or a negative ERR_*. */
int audit_query(struct store *s, const struct audit_filter *f,
		int (*fn)(const struct audit_record *r, void *arg), void *arg,
		struct err *e);

#endif
