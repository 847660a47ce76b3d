/*
 * inbox.c -- lists of submissions: the resident's own, and the staff
 * inbox per department with filters, keyset paging and per-state counts.
 *
 * Invariants: every query is bounded by the tenant and the actor's scope
 * (apply_sql_scope: a resident's own rows, staff's departments) before
 * any filter, so a filter can only narrow what the actor may see.  Pages
 * are keyset-paged by id (newest first: id < after_id), at most
 * APPLY_PAGE_MAX rows; answers are not loaded.  Overdue means due_at > 0,
 * due_at < now and the state is not final (rejected, completed,
 * withdrawn); due_at counts business days (apply_due_at).
 */
#include "svc/apply/apply_int.h"
#include "svc/dept/dept.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add(char *sql, size_t cap, const char *s)
{
	size_t n = strlen(sql), k = strlen(s);
	if (n + k + 1 > cap)
		return ERR_LIMIT;
	memcpy(sql + n, s, k + 1);
	return 0;
}

/* the WHERE clause of a filter, after the scope */
static int where(struct apply_sql *q, const struct apply_actor *who,
		 const struct apply_filter *f, int with_status, int with_paging,
		 struct err *e)
{
	char *sql = q->text;
	size_t cap = q->cap;
	struct store_val *v = q->v;
	int *np = &q->n;
	/* the departments leave room for the filter's conditions (8 at most) */
	struct apply_sql scope = *q;
	scope.max = STORE_MAX_PARAMS - 8;
	int rc = apply_sql_scope(&scope, who, "department", "resident_id", e);
	q->n = scope.n;
	if (rc)
		return rc;
	char part[96];
#define COND(fmt, val)                                                    \
	do {                                                              \
		v[(*np)++] = (val);                                       \
		snprintf(part, sizeof part, fmt, *np);                    \
		if (add(sql, cap, part))                                  \
			return err_set(e, ERR_LIMIT, "apply: query too long"); \
	} while (0)
	if (f->department && *f->department)
		COND(" AND department = $%d", sv_text(f->department));
	if (f->procedure && *f->procedure)
		COND(" AND procedure = $%d", sv_text(f->procedure));
	if (with_status && f->status && *f->status)
		COND(" AND status = $%d", sv_text(f->status));
	if (f->from > 0)
		COND(" AND submitted_at >= $%d", sv_int(f->from));
	if (f->to > 0)
		COND(" AND submitted_at < $%d", sv_int(f->to));
	if (f->assignee >= 0)
		COND(" AND assignee = $%d", sv_int(f->assignee));
	if (f->overdue) {
		COND(" AND due_at > 0 AND due_at < $%d", sv_int(f->now));
		if (add(sql, cap, " AND status NOT IN ('rejected', 'completed', 'withdrawn')"))
			return err_set(e, ERR_LIMIT, "apply: query too long");
	}
	if (f->duplicates && add(sql, cap, " AND duplicate_of <> 0"))
		return err_set(e, ERR_LIMIT, "apply: query too long");
	if (with_paging && f->after_id > 0)
		COND(" AND id < $%d", sv_int(f->after_id));
#undef COND
	return 0;
}

static const struct apply_filter no_filter = { .assignee = -1 };

int apply_list(struct apply_submission **out, int *n, struct arena *a,
	       struct store *s, const struct apply_actor *who,
	       const struct apply_filter *f, struct err *e)
{
	*out = NULL;
	*n = 0;
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (!f)
		f = &no_filter;
	int limit = f->limit <= 0 || f->limit > APPLY_PAGE_MAX ? APPLY_PAGE_MAX : f->limit;
	char sql[4096] = "SELECT " APPLY_SUB_COLS " FROM apply_submissions WHERE tenant = $1";
	struct store_val v[STORE_MAX_PARAMS];
	struct apply_sql q = { .text = sql, .cap = sizeof sql, .v = v, .max = STORE_MAX_PARAMS };
	v[q.n++] = sv_text(who->tenant);
	if ((rc = where(&q, who, f, 1, 1, e)))
		return rc;
	int np = q.n;
	char tail[64];
	snprintf(tail, sizeof tail, " ORDER BY id DESC LIMIT %d", limit);
	if (add(sql, sizeof sql, tail))
		return err_set(e, ERR_LIMIT, "apply: query too long");
	struct apply_submission *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	if (!rows)
		return err_set(e, ERR_NOMEM, "apply: arena full");
	struct store_rows *r;
	if ((rc = store_query(&r, s, sql, v, np, e)))
		return rc;
	int k = 0;
	while (k < limit && (rc = store_rows_next(r, e)) == 1) {
		if ((rc = apply_sub_row(&rows[k], a, r, 0, e)))
			break;
		k++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return 0;
}

int apply_counts(struct apply_count **out, int *n, struct arena *a,
		 struct store *s, const struct apply_actor *who,
		 const struct apply_filter *f, struct err *e)
{
	*out = NULL;
	*n = 0;
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (!f)
		f = &no_filter;
	char sql[4096] = "SELECT status, count(*) FROM apply_submissions WHERE tenant = $1";
	struct store_val v[STORE_MAX_PARAMS];
	struct apply_sql q = { .text = sql, .cap = sizeof sql, .v = v, .max = STORE_MAX_PARAMS };
	v[q.n++] = sv_text(who->tenant);
	/* the counts are the tabs: every state, whatever f->status says */
	if ((rc = where(&q, who, f, 0, 0, e)))
		return rc;
	int np = q.n;
	if (add(sql, sizeof sql, " GROUP BY status ORDER BY status LIMIT 64"))
		return err_set(e, ERR_LIMIT, "apply: query too long");
	struct apply_count *c = arena_alloc(a, sizeof *c * 64);
	if (!c)
		return err_set(e, ERR_NOMEM, "apply: arena full");
	struct store_rows *r;
	if ((rc = store_query(&r, s, sql, v, np, e)))
		return rc;
	int k = 0;
	while (k < 64 && (rc = store_rows_next(r, e)) == 1) {
		snprintf(c[k].status, sizeof c[k].status, "%s", store_col_text(r, 0));
		c[k].n = store_col_int(r, 1);
		k++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = c;
	*n = k;
	return 0;
}

/* --- applications that reach nobody (issue 14) --- */
int apply_unrouted(char (*depts)[APPLY_DEPT_MAX + 1], int max, int64_t *open,
		   struct store *s, const char *tenant, struct err *e)
{
	*open = 0;
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT department, count(*) FROM apply_submissions"
			     " WHERE tenant = $1 AND status NOT IN ('rejected', 'completed', 'withdrawn')"
			     " GROUP BY department ORDER BY department LIMIT 200", v, 1, e);
	if (rc)
		return rc;
	char (*all)[APPLY_DEPT_MAX + 1] = calloc(APPLY_UNROUTED_SCAN, sizeof *all);
	int64_t *cnt = calloc(APPLY_UNROUTED_SCAN, sizeof *cnt);
	int n = 0;
	if (!all || !cnt)
		rc = err_set(e, ERR_NOMEM, "apply: no memory");
	while (rc == 0 && n < APPLY_UNROUTED_SCAN && (rc = store_rows_next(r, e)) == 1) {
		snprintf(all[n], sizeof all[n], "%s", store_col_text(r, 0));
		cnt[n++] = store_col_int(r, 1);
		rc = 0;
	}
	store_rows_free(r);
	int k = 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		int64_t readers = 0;
		int c = dept_readers(&readers, NULL, s, tenant, all[i], e);
		if (c == ERR_INVALID)
			readers = 0;   /* a code no permission can name reaches nobody */
		else if (c) {
			rc = c;
			break;
		}
		if (readers == 0) {
			if (k < max)
				snprintf(depts[k], sizeof depts[k], "%s", all[i]);
			k++;
			*open += cnt[i];
		}
	}
	free(all);
	free(cnt);
	if (rc < 0)
		return rc;
	return k < max ? k : max;
}
