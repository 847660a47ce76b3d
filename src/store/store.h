/*
 * store.h -- the storage interface: one API, two backends (SQLite, PostgreSQL).
 *
 * A `struct store` is one connection, used by one thread at a time (each
 * server worker thread and each job worker owns its own).  SQL is written
 * once, portable, with PostgreSQL-style placeholders $1..$n; the SQLite
 * backend rewrites them.  Where the two dialects differ, code asks
 * store_kind().  Values go in as `struct store_val` (never spliced into SQL
 * text) and come out through store_col_*().
 *
 * Durability: SQLite runs in WAL mode with synchronous=FULL, foreign keys on
 * and a busy timeout, so a commit that returned 0 survives a crash of the
 * process or the machine.  PostgreSQL commits are synchronous by default.
 *
 * Errors map to ERR_* codes: a constraint violation is ERR_CONFLICT, a full
 * disk ERR_FULL, a lost or unreachable server ERR_UNAVAILABLE (the next call
 * reconnects by itself), anything else ERR_DB.  The err detail names the
 * statement's first words and the engine's message; engines' messages may
 * quote values, so the detail goes to the log only after passing through
 * store_err_redact() (done by the store itself: details never carry bound
 * values).
 *
 * Limits: a statement takes at most STORE_MAX_PARAMS values; a text value
 * at most STORE_MAX_VALUE bytes.
 */
#ifndef MADOGUCHI_STORE_STORE_H
#define MADOGUCHI_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

#define STORE_MAX_PARAMS 64
#define STORE_MAX_VALUE (64u << 20)
#define STORE_URL_MAX 1024

enum store_kind { STORE_SQLITE = 1, STORE_PG = 2 };

enum store_type { STORE_T_NULL, STORE_T_INT, STORE_T_TEXT, STORE_T_BLOB };

struct store_val {
	enum store_type type;
	int64_t i;
	const void *p;   /* text (NUL-terminated) or blob bytes */
	size_t n;        /* blob length                         */
};

static inline struct store_val sv_int(int64_t i)
{
	return (struct store_val){ .type = STORE_T_INT, .i = i };
}
/* sv_text -- NULL gives SQL NULL. */
static inline struct store_val sv_text(const char *s)
{
	return (struct store_val){ .type = s ? STORE_T_TEXT : STORE_T_NULL,
				   .p = s };
}
static inline struct store_val sv_blob(const void *p, size_t n)
{
	return (struct store_val){ .type = STORE_T_BLOB, .p = p, .n = n };
}
static inline struct store_val sv_null(void)
{
	return (struct store_val){ .type = STORE_T_NULL };
}

#define SV_N(arr) ((int)(sizeof(arr) / sizeof((arr)[0])))

struct store;
struct store_rows;

/* store_open -- connect.  url is "sqlite:PATH" (the file is created if
 * missing) or "postgresql://..." / "postgres://..." (libpq URI).
 * Returns 0, ERR_INVALID (bad url), ERR_UNAVAILABLE or ERR_DB. */
int store_open(struct store **out, const char *url, struct err *e);
void store_close(struct store *s);
enum store_kind store_kind(const struct store *s);
/* store_url_redacted -- the url with any password replaced by "***". */
const char *store_url_redacted(const struct store *s);

/* store_exec -- run a statement that returns no rows.  Returns the number
 * of rows it changed (>= 0) or a negative ERR_*. */
int store_exec(struct store *s, const char *sql, const struct store_val *p,
	       int np, struct err *e);

/* store_query -- run a statement that returns rows; iterate with
 * store_rows_next() and release with store_rows_free().  At most one
 * result set per connection is open at a time. */
int store_query(struct store_rows **out, struct store *s, const char *sql,
		const struct store_val *p, int np, struct err *e);
/* store_rows_next -- 1: a row is current; 0: no more rows; < 0: error. */
int store_rows_next(struct store_rows *r, struct err *e);
int store_rows_ncols(const struct store_rows *r);
void store_rows_free(struct store_rows *r);

int store_col_isnull(const struct store_rows *r, int col);
int64_t store_col_int(const struct store_rows *r, int col);
/* store_col_text -- never NULL ("" for SQL NULL); valid until the next
 * store_rows_next() or store_rows_free(). */
const char *store_col_text(const struct store_rows *r, int col);
/* store_col_blob -- bytes and length of a blob (or text) column. */
const void *store_col_blob(const struct store_rows *r, int col, size_t *len);

/* store_col_type -- the type of the current row's value (NULL, INT,
 * TEXT, BLOB); PostgreSQL reports its column's type. */
enum store_type store_col_type(const struct store_rows *r, int col);
/* store_col_name -- the column's name in the result. */
const char *store_col_name(const struct store_rows *r, int col);

/* store_query_int -- the first column of the one row a query returns.
 * ERR_NOTFOUND when it returns no row. */
int store_query_int(int64_t *out, struct store *s, const char *sql,
		    const struct store_val *p, int np, struct err *e);
/* store_query_text -- as store_query_int; *out is malloc'd (caller frees);
 * SQL NULL gives NULL. */
int store_query_text(char **out, struct store *s, const char *sql,
		     const struct store_val *p, int np, struct err *e);

/* Transactions.  store_begin() takes the write lock at once (SQLite BEGIN
 * IMMEDIATE) so that a transaction never fails half-way on a lock upgrade.
 * store_begin_snapshot() opens a read-only, consistent snapshot (for
 * backups and reports).  A failed commit has rolled back. */
int store_begin(struct store *s, struct err *e);
int store_begin_snapshot(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
int store_rollback(struct store *s);
int store_in_tx(const struct store *s);

/* store_group_write -- run fn(s, arg, e) in a write transaction shared
 * with the other threads of this process writing to the same database
 * (group commit, group.c) and return fn's result once the commit is
 * durable, or the commit's error (then nothing of fn's is written).  fn
 * may run more than once, each time in a transaction that is rolled back
 * but the last: it must not act outside the database.  With a
 * transaction already open on s, fn runs in it and nothing is grouped.
 * On PostgreSQL writes are grouped only with STORE_GROUP_PG (for writes
 * that serialise on one row until they commit); otherwise each runs in
 * its own transaction; an in-memory SQLite database is never grouped.
 * counts (may be NULL; the caller's, static): the commits that wrote at
 * least one of the caller's writes, those writes, and the time the
 * commits' leaders spent writing (microseconds; a commit carrying writes
 * of two callers counts its whole time in both); grouped writes only.
 * Read them with store_group_counts_read. */
#define STORE_GROUP_PG 1u
struct store_group_counts {
	int64_t commits, writes, busy_us;
};
int store_group_write(struct store *s, struct store_group_counts *counts, unsigned flags,
		      int (*fn)(struct store *s, void *arg, struct err *e),
		      void *arg, struct err *e);
void store_group_counts_read(struct store_group_counts *out,
			     const struct store_group_counts *counts);

/* store_script -- run several statements without parameters (migrations
 * only).  Before running, "{{ID}}" is replaced by the dialect's
 * auto-increment primary key, "{{BLOB}}" by its binary type. */
int store_script(struct store *s, const char *sql, struct err *e);

/* store_ping -- a trivial round trip: 0 when the database answers. */
int store_ping(struct store *s, struct err *e);

/* Migrations.  Each module owns a list of versioned migrations; the
 * application passes every module's list, in dependency order.  Applied
 * versions are recorded per module in schema_migrations; each migration runs
 * in its own transaction; migrating twice is a no-op; several processes may
 * migrate at once (they serialise on the database's lock). */
struct store_migration {
	int version;            /* 1, 2, 3 ... in order, never reused */
	const char *name;       /* what it does, for the log          */
	const char *sql;        /* portable script for store_script() */
};

struct store_module_schema {
	const char *module;                        /* "core", "auth", ... */
	const struct store_migration *migrations;
	int n;
};

/* store_migrate -- apply what is missing; *applied (if non-NULL) counts
 * the migrations run now. */
int store_migrate(struct store *s, const struct store_module_schema *mods,
		  int nmods, int *applied, struct err *e);

/* store_tables -- names of the application's tables (schema_migrations
 * included), in creation order, for backup and restore.  Returns the count
 * written to names (each malloc'd; free with store_tables_free). */
int store_tables(char ***names, struct store *s, struct err *e);
void store_tables_free(char **names, int n);

/* Backup and restore: a logical dump, portable between the two engines
 * (a SQLite backup restores into PostgreSQL and back).  Format: JSON lines,
 * a header {"madoguchi_backup":1,...}, then per table a line
 * {"table":NAME,"columns":[...]} followed by one JSON array per row (text as
 * strings, integers as numbers, blobs as {"hex":...}, SQL NULL as null), and
 * a closing {"end":true,"rows":N} so that a truncated file is detected.
 * The dump is taken in a snapshot transaction: consistent while the server
 * keeps writing.  Restore goes into a database whose tables are empty
 * (after store_migrate); it runs in one transaction, so it happens whole or
 * not at all. */
struct store_progress {
	void (*fn)(const char *table, long long rows, void *arg);
	void *arg;
	/* blob (backup only, may be NULL): bytes a module keeps outside the
	 * database for a row (src/svc/apply's attachment files).  Called for
	 * every zero-length blob cell; 0 with *p NULL keeps it empty, 0 with
	 * *p set (malloc'd, freed by the backup) writes those bytes instead,
	 * an error stops the backup (a backup without the bytes is no
	 * backup). */
	int (*blob)(void *arg, const char *table, struct store_rows *r, int col,
		    void **p, size_t *n, struct err *e);
	void *blob_arg;
};
int store_backup(struct store *s, FILE *out, const struct store_progress *pr,
		 long long *rows, struct err *e);
/* seeded: NULL-terminated names of tables that migrations fill with rows
 * of their own (e.g. a one-row chain head); they are emptied and loaded
 * from the backup instead of counting as "not empty". */
int store_restore(struct store *s, FILE *in, const char *const *seeded,
		  const struct store_progress *pr, long long *rows,
		  struct err *e);

/* Encrypted backups (crypt.c): store_crypt_open wraps `under` (which it
 * then owns: fclose of *out closes it) in a stream that encrypts on write
 * or decrypts on read, with a 32-byte key (XChaCha20-Poly1305
 * secretstream).  After reading, store_crypt_failed tells whether the file
 * was complete and authentic (*why: an English reason).  The crypt state
 * outlives the FILE: free it with store_crypt_free after fclose. */
#define STORE_CRYPT_KEY 32
struct store_crypt;
int store_crypt_open(FILE **out, struct store_crypt **c, FILE *under, int writing,
		     const unsigned char key[STORE_CRYPT_KEY], struct err *e);
int store_crypt_failed(const struct store_crypt *c, const char **why);
void store_crypt_free(struct store_crypt *c);
/* store_is_encrypted_backup -- peeks at the magic, then rewinds f. */
int store_is_encrypted_backup(FILE *f);

#endif
