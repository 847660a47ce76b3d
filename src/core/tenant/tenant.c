/*
 * tenant.c -- municipalities (tenants): add, look up by code, host or path
 * prefix, list.  See tenant.h.
 */
#include "core/tenant/tenant.h"
#include "base/util.h"
#include "jp/checkdigit.h"

#include <stdio.h>
#include <string.h>

static const char select_cols[] =
	"SELECT code, name_ja, name_en, host, path_prefix, demo FROM tenants ";

static void row_to_tenant(struct tenant *t, struct store_rows *r)
{
	memset(t, 0, sizeof *t);
	snprintf(t->code, sizeof t->code, "%s", store_col_text(r, 0));
	snprintf(t->name_ja, sizeof t->name_ja, "%s", store_col_text(r, 1));
	snprintf(t->name_en, sizeof t->name_en, "%s", store_col_text(r, 2));
	snprintf(t->host, sizeof t->host, "%s", store_col_text(r, 3));
	snprintf(t->path_prefix, sizeof t->path_prefix, "%s", store_col_text(r, 4));
	t->demo = (int)store_col_int(r, 5);
}

static int get_one(struct tenant *out, struct store *s, const char *where,
		   const char *value, struct err *e)
{
	char sql[256];
	snprintf(sql, sizeof sql, "%s%s", select_cols, where);
	struct store_rows *r;
	struct store_val v[] = { sv_text(value) };
	int rc = store_query(&r, s, sql, v, 1, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		row_to_tenant(out, r);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no such municipality");
	}
	store_rows_free(r);
	return rc;
}

int tenant_add(struct store *s, const struct tenant *t, struct err *e)
{
	int rc = jp_lgcode_validate(t->code, e);
	if (rc)
		return rc;
	if (!t->name_ja[0] || !t->name_en[0])
		return err_set(e, ERR_INVALID, "municipality name missing");
	if (strchr(t->path_prefix, '/'))
		return err_set(e, ERR_INVALID, "path prefix must be one segment");
	struct store_val v[] = {
		sv_text(t->code), sv_text(t->name_ja), sv_text(t->name_en),
		sv_text(t->host[0] ? t->host : NULL),
		sv_text(t->path_prefix[0] ? t->path_prefix : NULL),
		sv_int(t->demo), sv_int(now_ms()),
	};
	rc = store_exec(s, "INSERT INTO tenants (code, name_ja, name_en, host,"
			" path_prefix, demo, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
			v, SV_N(v), e);
	if (rc == ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT,
			       "municipality %s, its host or prefix exists already", t->code);
	return rc < 0 ? rc : 0;
}

int tenant_get(struct tenant *out, struct store *s, const char *code,
	       struct err *e)
{
	return get_one(out, s, "WHERE code = $1", code, e);
}

int tenant_by_host(struct tenant *out, struct store *s, const char *host,
		   struct err *e)
{
	return get_one(out, s, "WHERE host = $1", host, e);
}

int tenant_by_prefix(struct tenant *out, struct store *s, const char *prefix,
		     struct err *e)
{
	return get_one(out, s, "WHERE path_prefix = $1", prefix, e);
}

int tenant_list(struct store *s,
		void (*fn)(const struct tenant *t, void *arg), void *arg,
		struct err *e)
{
	char sql[160];
	snprintf(sql, sizeof sql, "%sORDER BY code LIMIT 10000", select_cols);
	struct store_rows *r;
	int rc = store_query(&r, s, sql, NULL, 0, e);
	if (rc)
		return rc;
	int n = 0;
	struct tenant t;
	while ((rc = store_rows_next(r, e)) == 1) {
		row_to_tenant(&t, r);
		fn(&t, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int tenant_exists(struct store *s, const char *code, struct err *e)
{
	int64_t n = 0;
	struct store_val v[] = { sv_text(code) };
	int rc = store_query_int(&n, s, "SELECT count(*) FROM tenants WHERE code = $1", v, 1, e);
	return rc ? rc : n > 0;
}
