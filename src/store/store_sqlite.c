/*
 * store_sqlite.c -- the SQLite backend of the storage interface.
 *
 * One connection per `struct store`, opened in WAL mode with
 * synchronous=FULL (a returned commit survives a power loss), foreign keys
 * on, a 5 s busy timeout.  Statements are prepared once per connection and
 * kept in a small cache keyed by their SQL text; PostgreSQL-style $N
 * placeholders are rewritten to SQLite's ?N outside string literals.
 */
#include "store/store_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 256

struct cached {
	char *sql;          /* original text (the key) */
	sqlite3_stmt *st;
	int busy;           /* in use by an open result set */
};

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	struct cached cache[CACHE_SLOTS];
};

struct sqlite_rows {
	struct store_rows base;
	sqlite3_stmt *st;
	struct cached *slot;   /* NULL: st is ours to finalize */
	int done;
};

static int map_rc(struct sqlite_store *ss, int rc, const char *sql,
		  struct err *e)
{
	char head[64];
	store_sql_head(head, sizeof head, sql);
	int code;
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: code = ERR_CONFLICT; break;
	case SQLITE_FULL: code = ERR_FULL; break;
	case SQLITE_BUSY: case SQLITE_LOCKED: code = ERR_UNAVAILABLE; break;
	case SQLITE_NOMEM: code = ERR_NOMEM; break;
	case SQLITE_IOERR: case SQLITE_CANTOPEN: code = ERR_IO; break;
	case SQLITE_TOOBIG: code = ERR_LIMIT; break;
	default: code = ERR_DB;
	}
	/* SQLite's own messages name columns and constraints, never values */
	return err_set(e, code, "sqlite: %s [%s]", sqlite3_errmsg(ss->db), head);
}

static unsigned long hash_sql(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

/* rewrite $N to ?N outside quotes; returns malloc'd text */
static char *rewrite_placeholders(const char *sql)
{
	size_t n = strlen(sql);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	char quote = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = sql[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
			c = '?';
		}
		out[i] = c;
	}
	return out;
}

/* the cache is 4-way: a statement may live in any of the 4 slots after
 * its hash (a direct-mapped cache evicted hot statements that collided,
 * measured as 6.5% of the server's CPU in sqlite3_prepare under
 * bench/submit.sh) */
#define CACHE_WAYS 4

static int prepare(sqlite3_stmt **st, struct cached **slot,
		   struct sqlite_store *ss, const char *sql, struct err *e)
{
	unsigned long h = hash_sql(sql);
	*slot = NULL;
	struct cached *victim = NULL;
	for (int w = 0; w < CACHE_WAYS; w++) {
		struct cached *c = &ss->cache[(h + (unsigned long)w) % CACHE_SLOTS];
		if (c->sql && !c->busy && strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->st);
			sqlite3_clear_bindings(c->st);
			*st = c->st;
			*slot = c;
			c->busy = 1;
			return 0;
		}
		if (!c->busy && (!victim || (victim->sql && !c->sql)))
			victim = c;
	}
	char *text = rewrite_placeholders(sql);
	if (!text)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = sqlite3_prepare_v3(ss->db, text, -1, SQLITE_PREPARE_PERSISTENT,
				    st, NULL);
	free(text);
	if (rc != SQLITE_OK)
		return map_rc(ss, rc, sql, e);
	if (victim) {
		/* take the slot (an empty one first, else evict) */
		if (victim->sql) {
			sqlite3_finalize(victim->st);
			free(victim->sql);
		}
		victim->sql = strdup(sql);
		if (victim->sql) {
			victim->st = *st;
			victim->busy = 1;
			*slot = victim;
		}
	}
	return 0;
}

static void release(struct sqlite_store *ss, sqlite3_stmt *st,
		    struct cached *slot)
{
	(void)ss;
	if (slot) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		slot->busy = 0;
	} else {
		sqlite3_finalize(st);
	}
}

static int bind_all(struct sqlite_store *ss, sqlite3_stmt *st,
		    const struct store_val *p, int np, const char *sql,
		    struct err *e)
{
	for (int i = 0; i < np; i++) {
		int rc;
		switch (p[i].type) {
		case STORE_T_INT:
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
			break;
		case STORE_T_TEXT:
			rc = sqlite3_bind_text(st, i + 1, p[i].p, -1, SQLITE_STATIC);
			break;
		case STORE_T_BLOB:
			rc = sqlite3_bind_blob64(st, i + 1, p[i].p, p[i].n,
						 SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, i + 1);
		}
		if (rc != SQLITE_OK)
			return map_rc(ss, rc, sql, e);
	}
	return 0;
}

static int sq_exec(struct store *s, const char *sql, const struct store_val *p,
		   int np, struct err *e)
{
	struct sqlite_store *ss = (struct sqlite_store *)s;
	sqlite3_stmt *st;
	struct cached *slot;
	int rc = prepare(&st, &slot, ss, sql, e);
	if (rc)
		return rc;
	rc = bind_all(ss, st, p, np, sql, e);
	if (rc == 0) {
		int r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (r == SQLITE_DONE)
			rc = sqlite3_changes(ss->db);
		else
			rc = map_rc(ss, r, sql, e);
	}
	release(ss, st, slot);
	return rc;
}

static int sq_query(struct store_rows **out, struct store *s, const char *sql,
		    const struct store_val *p, int np, struct err *e)
{
	struct sqlite_store *ss = (struct sqlite_store *)s;
	struct sqlite_rows *r = calloc(1, sizeof *r);
	if (!r)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = prepare(&r->st, &r->slot, ss, sql, e);
	if (rc) {
		free(r);
		return rc;
	}
	rc = bind_all(ss, r->st, p, np, sql, e);
	if (rc) {
		release(ss, r->st, r->slot);
		free(r);
		return rc;
	}
	r->base.s = s;
	*out = &r->base;
	return 0;
}

static int sq_next(struct store_rows *rows, struct err *e)
{
	struct sqlite_rows *r = (struct sqlite_rows *)rows;
	if (r->done)
		return 0;
	int rc = sqlite3_step(r->st);
	if (rc == SQLITE_ROW)
		return 1;
	r->done = 1;
	if (rc == SQLITE_DONE)
		return 0;
	return map_rc((struct sqlite_store *)rows->s, rc, sqlite3_sql(r->st), e);
}

static int sq_ncols(const struct store_rows *rows)
{
	return sqlite3_column_count(((const struct sqlite_rows *)rows)->st);
}

static void sq_rows_free(struct store_rows *rows)
{
	struct sqlite_rows *r = (struct sqlite_rows *)rows;
	release((struct sqlite_store *)rows->s, r->st, r->slot);
	free(r);
}

static int sq_isnull(const struct store_rows *rows, int col)
{
	return sqlite3_column_type(((const struct sqlite_rows *)rows)->st, col) ==
	       SQLITE_NULL;
}

static const char *sq_text(const struct store_rows *rows, int col)
{
	return (const char *)sqlite3_column_text(
		((const struct sqlite_rows *)rows)->st, col);
}

static const void *sq_blob(const struct store_rows *rows, int col, size_t *len)
{
	sqlite3_stmt *st = ((const struct sqlite_rows *)rows)->st;
	const void *p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	return p;
}

static enum store_type sq_type(const struct store_rows *rows, int col)
{
	switch (sqlite3_column_type(((const struct sqlite_rows *)rows)->st, col)) {
	case SQLITE_NULL: return STORE_T_NULL;
	case SQLITE_INTEGER: return STORE_T_INT;
	case SQLITE_BLOB: return STORE_T_BLOB;
	default: return STORE_T_TEXT;
	}
}

static const char *sq_name(const struct store_rows *rows, int col)
{
	return sqlite3_column_name(((const struct sqlite_rows *)rows)->st, col);
}

static int sq_script(struct store *s, const char *sql, struct err *e)
{
	struct sqlite_store *ss = (struct sqlite_store *)s;
	int rc = sqlite3_exec(ss->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : map_rc(ss, rc, sql, e);
}

static void sq_close(struct store *s)
{
	struct sqlite_store *ss = (struct sqlite_store *)s;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (ss->cache[i].sql) {
			sqlite3_finalize(ss->cache[i].st);
			free(ss->cache[i].sql);
		}
	}
	sqlite3_close_v2(ss->db);
	free(ss);
}

static const struct store_ops sqlite_ops = {
	.exec = sq_exec,
	.query = sq_query,
	.next = sq_next,
	.ncols = sq_ncols,
	.rows_free = sq_rows_free,
	.isnull = sq_isnull,
	.text = sq_text,
	.blob = sq_blob,
	.type = sq_type,
	.name = sq_name,
	.script = sq_script,
	.close = sq_close,
	.begin_write_sql = "BEGIN IMMEDIATE",
	.begin_snapshot_sql = "BEGIN DEFERRED; SELECT count(*) FROM sqlite_master",
	.id_type = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.blob_type = "BLOB",
	.tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
		      " AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
};

int store_sqlite_open(struct store **out, const char *path, struct err *e)
{
	struct sqlite_store *ss = calloc(1, sizeof *ss);
	if (!ss)
		return err_set(e, ERR_NOMEM, "out of memory");
	ss->base.ops = &sqlite_ops;
	ss->base.kind = STORE_SQLITE;
	snprintf(ss->base.url_redacted, sizeof ss->base.url_redacted,
		 "sqlite:%s", path);
	int rc = sqlite3_open_v2(path, &ss->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, rc == SQLITE_CANTOPEN ? ERR_IO : ERR_DB,
			"cannot open sqlite database %s: %s", path,
			ss->db ? sqlite3_errmsg(ss->db) : sqlite3_errstr(rc));
		sqlite3_close_v2(ss->db);
		free(ss);
		return e ? e->code : ERR_DB;
	}
	sqlite3_busy_timeout(ss->db, 5000);
	sqlite3_extended_result_codes(ss->db, 1);
	rc = sq_script(&ss->base,
		       "PRAGMA journal_mode=WAL;"
		       "PRAGMA synchronous=FULL;"
		       "PRAGMA foreign_keys=ON;"
		       "PRAGMA trusted_schema=OFF;", e);
	if (rc) {
		sq_close(&ss->base);
		return rc;
	}
	*out = &ss->base;
	return 0;
}
