/*
 * store_pg.c -- the PostgreSQL backend of the storage interface (libpq).
 *
 * Statements are prepared once per connection (PQprepare, named by a
 * counter) and kept in a cache keyed by their SQL text.  When the server
 * goes away (restart, failover), the call in progress fails with
 * ERR_UNAVAILABLE and the next call reconnects (PQreset) and prepares
 * again; a transaction open at the time is lost and reported as such.
 * Results are fetched whole (queries bound their row counts with LIMIT).
 * Parameters go as text except blobs, which go binary; bytea results come
 * back in hex text and are decoded here.
 */
#include "store/store_int.h"
#include "base/util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 256
#define BYTEAOID 17

struct pg_cached {
	char *sql;
	char name[16];
};

struct pg_store {
	struct store base;
	PGconn *conn;
	char *conninfo;
	unsigned next_id;
	struct pg_cached cache[CACHE_SLOTS];
};

struct pg_rows {
	struct store_rows base;
	PGresult *res;
	int row, nrows;
	unsigned char *blob;   /* decoded bytea of the last store_col_blob */
};

static void clear_cache(struct pg_store *ps)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(ps->cache[i].sql);
		ps->cache[i].sql = NULL;
	}
}

static int map_result(struct pg_store *ps, PGresult *res, const char *sql,
		      struct err *e)
{
	char head[64];
	store_sql_head(head, sizeof head, sql);
	if (PQstatus(ps->conn) != CONNECTION_OK) {
		ps->base.in_tx = 0;
		return err_set(e, ERR_UNAVAILABLE,
			       "postgresql connection lost [%s]", head);
	}
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	int code = ERR_DB;
	if (state) {
		if (strncmp(state, "23", 2) == 0)
			code = ERR_CONFLICT;
		else if (strcmp(state, "53100") == 0)
			code = ERR_FULL;
		else if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
			code = ERR_UNAVAILABLE;
		else if (strcmp(state, "54000") == 0 || strcmp(state, "54001") == 0)
			code = ERR_LIMIT;
		else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
			code = ERR_CONFLICT;
	}
	/* the primary message may quote a value only for some constraint
	 * errors (the DETAIL field does, and is never copied here) */
	return err_set(e, code, "postgresql %s: %s [%s]", state ? state : "?",
		       primary ? primary : PQerrorMessage(ps->conn), head);
}

/* make sure the connection is up; reconnect if it is not */
static int ensure_conn(struct pg_store *ps, struct err *e)
{
	if (PQstatus(ps->conn) == CONNECTION_OK)
		return 0;
	ps->base.in_tx = 0;
	clear_cache(ps);
	PQreset(ps->conn);
	if (PQstatus(ps->conn) != CONNECTION_OK)
		return err_set(e, ERR_UNAVAILABLE, "postgresql unreachable: %s",
			       PQerrorMessage(ps->conn));
	return 0;
}

static int prepared_name(const char **name, struct pg_store *ps,
			 const char *sql, int np, struct err *e)
{
	unsigned long h = 5381;
	for (const char *c = sql; *c; c++)
		h = h * 33 ^ (unsigned char)*c;
	struct pg_cached *slot = &ps->cache[h % CACHE_SLOTS];
	if (slot->sql && strcmp(slot->sql, sql) == 0) {
		*name = slot->name;
		return 0;
	}
	char nm[16];
	snprintf(nm, sizeof nm, "m%u", ps->next_id++);
	PGresult *res = PQprepare(ps->conn, nm, sql, np, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		int rc = map_result(ps, res, sql, e);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	if (slot->sql) {
		/* evict: free the server-side statement too */
		char dealloc[40];
		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", slot->name);
		PQclear(PQexec(ps->conn, dealloc));
		free(slot->sql);
	}
	slot->sql = strdup(sql);
	if (!slot->sql)
		return err_set(e, ERR_NOMEM, "out of memory");
	memcpy(slot->name, nm, sizeof nm);
	*name = slot->name;
	return 0;
}

static int run(PGresult **out, struct pg_store *ps, const char *sql,
	       const struct store_val *p, int np, struct err *e)
{
	int rc = ensure_conn(ps, e);
	if (rc)
		return rc;
	const char *name = NULL;
	rc = prepared_name(&name, ps, sql, np, e);
	if (rc)
		return rc;
	const char *values[STORE_MAX_PARAMS];
	int lengths[STORE_MAX_PARAMS], formats[STORE_MAX_PARAMS];
	char ints[STORE_MAX_PARAMS][24];
	for (int i = 0; i < np; i++) {
		lengths[i] = 0;
		formats[i] = 0;
		switch (p[i].type) {
		case STORE_T_INT:
			snprintf(ints[i], sizeof ints[i], "%lld", (long long)p[i].i);
			values[i] = ints[i];
			break;
		case STORE_T_TEXT:
			values[i] = p[i].p;
			break;
		case STORE_T_BLOB:
			values[i] = p[i].p ? p[i].p : "";
			lengths[i] = (int)p[i].n;
			formats[i] = 1;
			break;
		default:
			values[i] = NULL;
		}
	}
	PGresult *res = PQexecPrepared(ps->conn, name, np, values, lengths,
				       formats, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = map_result(ps, res, sql, e);
		PQclear(res);
		return rc;
	}
	*out = res;
	return 0;
}

static int pg_exec(struct store *s, const char *sql, const struct store_val *p,
		   int np, struct err *e)
{
	PGresult *res;
	int rc = run(&res, (struct pg_store *)s, sql, p, np, e);
	if (rc)
		return rc;
	const char *n = PQcmdTuples(res);
	rc = (n && *n) ? atoi(n) : 0;
	PQclear(res);
	return rc;
}

static int pg_query(struct store_rows **out, struct store *s, const char *sql,
		    const struct store_val *p, int np, struct err *e)
{
	struct pg_rows *r = calloc(1, sizeof *r);
	if (!r)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = run(&r->res, (struct pg_store *)s, sql, p, np, e);
	if (rc) {
		free(r);
		return rc;
	}
	r->base.s = s;
	r->row = -1;
	r->nrows = PQntuples(r->res);
	*out = &r->base;
	return 0;
}

static int pg_next(struct store_rows *rows, struct err *e)
{
	(void)e;
	struct pg_rows *r = (struct pg_rows *)rows;
	if (r->row + 1 >= r->nrows)
		return 0;
	r->row++;
	return 1;
}

static int pg_ncols(const struct store_rows *rows)
{
	return PQnfields(((const struct pg_rows *)rows)->res);
}

static void pg_rows_free(struct store_rows *rows)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	PQclear(r->res);
	PQfreemem(r->blob);
	free(r);
}

static int pg_isnull(const struct store_rows *rows, int col)
{
	const struct pg_rows *r = (const struct pg_rows *)rows;
	return PQgetisnull(r->res, r->row, col);
}

static const char *pg_text(const struct store_rows *rows, int col)
{
	const struct pg_rows *r = (const struct pg_rows *)rows;
	return PQgetvalue(r->res, r->row, col);
}

static const void *pg_blob(const struct store_rows *rows, int col, size_t *len)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	const char *v = PQgetvalue(r->res, r->row, col);
	if (PQftype(r->res, col) != BYTEAOID) {
		*len = (size_t)PQgetlength(r->res, r->row, col);
		return v;
	}
	PQfreemem(r->blob);
	r->blob = PQunescapeBytea((const unsigned char *)v, len);
	return r->blob;
}

static enum store_type pg_type(const struct store_rows *rows, int col)
{
	const struct pg_rows *r = (const struct pg_rows *)rows;
	if (PQgetisnull(r->res, r->row, col))
		return STORE_T_NULL;
	switch (PQftype(r->res, col)) {
	case BYTEAOID: return STORE_T_BLOB;
	case 20: case 21: case 23: return STORE_T_INT;   /* int8, int2, int4 */
	default: return STORE_T_TEXT;
	}
}

static const char *pg_name(const struct store_rows *rows, int col)
{
	return PQfname(((const struct pg_rows *)rows)->res, col);
}

static int pg_script(struct store *s, const char *sql, struct err *e)
{
	struct pg_store *ps = (struct pg_store *)s;
	int rc = ensure_conn(ps, e);
	if (rc)
		return rc;
	PGresult *res = PQexec(ps->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = map_result(ps, res, sql, e);
	PQclear(res);
	return rc;
}

static void pg_close(struct store *s)
{
	struct pg_store *ps = (struct pg_store *)s;
	clear_cache(ps);
	PQfinish(ps->conn);
	free(ps->conninfo);
	free(ps);
}

static const struct store_ops pg_ops = {
	.exec = pg_exec,
	.query = pg_query,
	.next = pg_next,
	.ncols = pg_ncols,
	.rows_free = pg_rows_free,
	.isnull = pg_isnull,
	.text = pg_text,
	.blob = pg_blob,
	.type = pg_type,
	.name = pg_name,
	.script = pg_script,
	.close = pg_close,
	.begin_write_sql = "BEGIN",
	.begin_snapshot_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	.id_type = "BIGSERIAL PRIMARY KEY",
	.blob_type = "BYTEA",
	.tables_sql = "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
		      " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
		      " AND c.relkind = 'r' ORDER BY c.oid",
};

static void redact_url(char *out, size_t cap, const char *url)
{
	/* postgresql://user:secret@host/db -> postgresql://user:***@host/db */
	const char *scheme = strstr(url, "://");
	const char *at = strchr(url, '@');
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (scheme && at && colon && colon < at)
		snprintf(out, cap, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, cap, "%s", url);
}

int store_pg_open(struct store **out, const char *conninfo, struct err *e)
{
	struct pg_store *ps = calloc(1, sizeof *ps);
	if (!ps)
		return err_set(e, ERR_NOMEM, "out of memory");
	ps->base.ops = &pg_ops;
	ps->base.kind = STORE_PG;
	redact_url(ps->base.url_redacted, sizeof ps->base.url_redacted, conninfo);
	ps->conn = PQconnectdb(conninfo);
	if (PQstatus(ps->conn) != CONNECTION_OK) {
		err_set(e, ERR_UNAVAILABLE, "cannot connect to %s: %s",
			ps->base.url_redacted, PQerrorMessage(ps->conn));
		PQfinish(ps->conn);
		free(ps);
		return ERR_UNAVAILABLE;
	}
	PQclear(PQexec(ps->conn, "SET client_min_messages = warning"));
	*out = &ps->base;
	return 0;
}
