/*
 * store.c -- backend dispatch, transactions, convenience queries and the
 * migration runner shared by both backends.  See store.h.
 */
#include "store/store_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_open(struct store **out, const char *url, struct err *e)
{
	*out = NULL;
	if (!url || strlen(url) >= STORE_URL_MAX)
		return err_set(e, ERR_INVALID, "database url missing or too long");
	if (strncmp(url, "sqlite:", 7) == 0) {
		const char *path = url + 7;
		if (strncmp(path, "//", 2) == 0)
			path += 2;
		if (!*path)
			return err_set(e, ERR_INVALID, "sqlite url has no path");
		return store_sqlite_open(out, path, e);
	}
	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0)
		return store_pg_open(out, url, e);
	return err_set(e, ERR_INVALID,
		       "database url must start with sqlite: or postgresql://");
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

enum store_kind store_kind(const struct store *s)
{
	return s->kind;
}

const char *store_url_redacted(const struct store *s)
{
	return s->url_redacted;
}

void store_sql_head(char *out, size_t cap, const char *sql)
{
	size_t n = 0;
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	for (; *sql && n + 1 < cap && n < 48; sql++)
		out[n++] = (*sql == '\n' || *sql == '\t') ? ' ' : *sql;
	out[n] = '\0';
}

static int check_params(const struct store_val *p, int np, struct err *e)
{
	if (np < 0 || np > STORE_MAX_PARAMS)
		return err_set(e, ERR_LIMIT, "too many statement parameters: %d", np);
	for (int i = 0; i < np; i++) {
		size_t n = p[i].type == STORE_T_TEXT ? strlen(p[i].p) :
			   p[i].type == STORE_T_BLOB ? p[i].n : 0;
		if (n > STORE_MAX_VALUE)
			return err_set(e, ERR_LIMIT, "parameter $%d too large", i + 1);
	}
	return 0;
}

int store_exec(struct store *s, const char *sql, const struct store_val *p,
	       int np, struct err *e)
{
	int rc = check_params(p, np, e);
	return rc ? rc : s->ops->exec(s, sql, p, np, e);
}

int store_query(struct store_rows **out, struct store *s, const char *sql,
		const struct store_val *p, int np, struct err *e)
{
	*out = NULL;
	int rc = check_params(p, np, e);
	return rc ? rc : s->ops->query(out, s, sql, p, np, e);
}

int store_rows_next(struct store_rows *r, struct err *e)
{
	return r->s->ops->next(r, e);
}

int store_rows_ncols(const struct store_rows *r)
{
	return r->s->ops->ncols(r);
}

void store_rows_free(struct store_rows *r)
{
	if (r)
		r->s->ops->rows_free(r);
}

int store_col_isnull(const struct store_rows *r, int col)
{
	return r->s->ops->isnull(r, col);
}

const char *store_col_text(const struct store_rows *r, int col)
{
	const char *t = r->s->ops->text(r, col);
	return t ? t : "";
}

int64_t store_col_int(const struct store_rows *r, int col)
{
	return strtoll(store_col_text(r, col), NULL, 10);
}

const void *store_col_blob(const struct store_rows *r, int col, size_t *len)
{
	return r->s->ops->blob(r, col, len);
}

enum store_type store_col_type(const struct store_rows *r, int col)
{
	return r->s->ops->type(r, col);
}

const char *store_col_name(const struct store_rows *r, int col)
{
	return r->s->ops->name(r, col);
}

int store_query_int(int64_t *out, struct store *s, const char *sql,
		    const struct store_val *p, int np, struct err *e)
{
	struct store_rows *r;
	int rc = store_query(&r, s, sql, p, np, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		*out = store_col_int(r, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no row");
	}
	store_rows_free(r);
	return rc;
}

int store_query_text(char **out, struct store *s, const char *sql,
		     const struct store_val *p, int np, struct err *e)
{
	struct store_rows *r;
	*out = NULL;
	int rc = store_query(&r, s, sql, p, np, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		rc = 0;
		if (!store_col_isnull(r, 0)) {
			*out = strdup(store_col_text(r, 0));
			if (!*out)
				rc = err_set(e, ERR_NOMEM, "out of memory");
		}
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no row");
	}
	store_rows_free(r);
	return rc;
}

int store_begin(struct store *s, struct err *e)
{
	if (s->in_tx)
		return err_set(e, ERR_INTERNAL, "transaction already open");
	int rc = s->ops->script(s, s->ops->begin_write_sql, e);
	if (rc == 0)
		s->in_tx = 1;
	return rc;
}

int store_begin_snapshot(struct store *s, struct err *e)
{
	if (s->in_tx)
		return err_set(e, ERR_INTERNAL, "transaction already open");
	int rc = s->ops->script(s, s->ops->begin_snapshot_sql, e);
	if (rc == 0)
		s->in_tx = 1;
	return rc;
}

int store_commit(struct store *s, struct err *e)
{
	int rc = s->ops->script(s, "COMMIT", e);
	if (rc)
		(void)s->ops->script(s, "ROLLBACK", NULL);
	s->in_tx = 0;
	return rc;
}

int store_rollback(struct store *s)
{
	if (!s->in_tx)
		return 0;
	s->in_tx = 0;
	return s->ops->script(s, "ROLLBACK", NULL);
}

int store_in_tx(const struct store *s)
{
	return s->in_tx;
}

/* expand {{ID}} and {{BLOB}} for this dialect */
static int expand_script(struct buf *b, const struct store *s, const char *sql)
{
	int rc = 0;
	while (*sql && rc == 0) {
		if (strncmp(sql, "{{ID}}", 6) == 0) {
			rc = buf_puts(b, s->ops->id_type);
			sql += 6;
		} else if (strncmp(sql, "{{BLOB}}", 8) == 0) {
			rc = buf_puts(b, s->ops->blob_type);
			sql += 8;
		} else {
			rc = buf_putc(b, *sql++);
		}
	}
	return rc;
}

int store_script(struct store *s, const char *sql, struct err *e)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	int rc = expand_script(&b, s, sql);
	if (rc == 0)
		rc = s->ops->script(s, buf_cstr(&b), e);
	else
		rc = err_set(e, rc, "migration script too large");
	buf_done(&b);
	return rc;
}

int store_ping(struct store *s, struct err *e)
{
	int64_t one = 0;
	int rc = store_query_int(&one, s, "SELECT 1", NULL, 0, e);
	if (rc == 0 && one != 1)
		rc = err_set(e, ERR_DB, "SELECT 1 returned %lld", (long long)one);
	return rc;
}

static const char migrations_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" module TEXT NOT NULL,"
	" version INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" applied_at BIGINT NOT NULL,"
	" PRIMARY KEY (module, version))";

int store_migrate(struct store *s, const struct store_module_schema *mods,
		  int nmods, int *applied, struct err *e)
{
	int count = 0, rc;
	if (applied)
		*applied = 0;
	rc = store_script(s, migrations_table, e);
	if (rc)
		return rc;
	for (int m = 0; m < nmods; m++) {
		for (int i = 0; i < mods[m].n; i++) {
			const struct store_migration *mg = &mods[m].migrations[i];
			if (mg->version != i + 1)
				return err_set(e, ERR_INTERNAL,
					       "module %s: migration %d out of order",
					       mods[m].module, mg->version);
			rc = store_begin(s, e);
			if (rc)
				return rc;
			if (s->kind == STORE_PG) {
				/* serialise concurrent migrators */
				rc = store_exec(s, "SELECT pg_advisory_xact_lock(7460130)",
						NULL, 0, e);
				if (rc < 0)
					goto fail;
			}
			int64_t have = 0;
			struct store_val pv[] = { sv_text(mods[m].module),
						  sv_int(mg->version) };
			rc = store_query_int(&have, s,
				"SELECT count(*) FROM schema_migrations"
				" WHERE module = $1 AND version = $2", pv, 2, e);
			if (rc)
				goto fail;
			if (have) {
				store_rollback(s);
				continue;
			}
			rc = store_script(s, mg->sql, e);
			if (rc) {
				struct err inner = e ? *e : (struct err){ 0 };
				err_set(e, rc, "migration %s/%d (%s): %s",
					mods[m].module, mg->version, mg->name,
					inner.detail);
				goto fail;
			}
			struct store_val iv[] = { sv_text(mods[m].module),
				sv_int(mg->version), sv_text(mg->name),
				sv_int(now_ms()) };
			rc = store_exec(s, "INSERT INTO schema_migrations"
				" (module, version, name, applied_at)"
				" VALUES ($1, $2, $3, $4)", iv, 4, e);
			if (rc < 0)
				goto fail;
			rc = store_commit(s, e);
			if (rc)
				return rc;
			count++;
		}
	}
	if (applied)
		*applied = count;
	return 0;
fail:
	store_rollback(s);
	return rc;
}

int store_tables(char ***names, struct store *s, struct err *e)
{
	struct store_rows *r;
	*names = NULL;
	int rc = store_query(&r, s, s->ops->tables_sql, NULL, 0, e);
	if (rc)
		return rc;
	int n = 0, cap = 0;
	char **v = NULL;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = realloc(v, (size_t)cap * sizeof *v);
			if (!nv) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				break;
			}
			v = nv;
		}
		v[n] = strdup(store_col_text(r, 0));
		if (!v[n]) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	store_rows_free(r);
	if (rc < 0) {
		store_tables_free(v, n);
		return rc;
	}
	*names = v;
	return n;
}

void store_tables_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
