/*
 * jobs.c -- the queue side of src/core/jobs: enqueue, cancel, list, the handler
 * registry.  See jobs.h; the worker threads are in jobs_runner.c.
 *
 * Invariants: a job is created `queued` with attempts 0 and a payload that
 * parsed as JSON (jansson) within JOBS_PAYLOAD_MAX; only the runner moves
 * a job to running/done/failed; cancel moves queued or running to
 * cancelled and clears the lease, so a worker still running it loses it.
 */
#include "core/jobs/jobs_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
	NULL, "queued", "running", "done", "failed", "cancelled",
};

const char *jobs_status_name(enum jobs_status s)
{
	return s >= JOBS_QUEUED && s <= JOBS_CANCELLED ? status_names[s] : "unknown";
}

enum jobs_status jobs_status_parse(const char *name)
{
	for (int i = JOBS_QUEUED; name && i <= JOBS_CANCELLED; i++)
		if (strcmp(name, status_names[i]) == 0)
			return (enum jobs_status)i;
	return 0;
}

int jobs_kind_ok(const char *k)
{
	size_t n = 0;
	if (!k || !*k)
		return 0;
	for (; k[n]; n++)
		if (!((k[n] >= 'a' && k[n] <= 'z') || (k[n] >= '0' && k[n] <= '9') ||
		      k[n] == '.' || k[n] == '_' || k[n] == '-'))
			return 0;
	return n <= JOBS_KIND_MAX;
}

void jobs_utf8_cut(char *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		/* back off to the start of a character */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	out[n] = '\0';
}

int jobs_submit(int64_t *id, struct store *s, const struct jobs_spec *spec,
		struct err *e)
{
	if (!jobs_kind_ok(spec->kind))
		return err_set(e, ERR_INVALID, "job kind missing or not [a-z0-9._-]{1,%d}",
			       JOBS_KIND_MAX);
	const char *payload = spec->payload ? spec->payload : "{}";
	if (strlen(payload) > JOBS_PAYLOAD_MAX)
		return err_set(e, ERR_LIMIT, "job payload larger than %d bytes",
			       JOBS_PAYLOAD_MAX);
	json_error_t je;
	json_t *j = json_loads(payload, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return err_set(e, ERR_INVALID, "job payload is not JSON (line %d column %d)",
			       je.line, je.column);
	json_decref(j);
	int max = spec->max_attempts ? spec->max_attempts : JOBS_ATTEMPTS_DEFAULT;
	if (max < 1 || max > JOBS_ATTEMPTS_MAX)
		return err_set(e, ERR_INVALID, "max_attempts must be 1..%d",
			       JOBS_ATTEMPTS_MAX);
	int64_t now = now_ms();
	struct store_val v[] = {
		sv_text(spec->tenant), sv_text(spec->kind), sv_text(payload),
		sv_int(max), sv_int(spec->run_after_ms ? spec->run_after_ms : now),
		sv_int(now),
	};
	int64_t newid = 0;
	int rc = store_query_int(&newid, s,
		"INSERT INTO jobs (tenant, kind, payload, status, attempts,"
		" max_attempts, run_after, progress, created_at, updated_at)"
		" VALUES ($1, $2, $3, 'queued', 0, $4, $5, 0, $6, $6) RETURNING id",
		v, SV_N(v), e);
	if (rc == 0 && id)
		*id = newid;
	return rc;
}

int jobs_enqueue(int64_t *id, struct store *s, const char *tenant,
		 const char *kind, const char *payload, struct err *e)
{
	struct jobs_spec spec = { .tenant = tenant, .kind = kind, .payload = payload };
	return jobs_submit(id, s, &spec, e);
}

int jobs_cancel(struct store *s, int64_t id, struct err *e)
{
	struct store_val v[] = { sv_int(id), sv_int(now_ms()) };
	int rc = store_exec(s, "UPDATE jobs SET status = 'cancelled', locked_by = NULL,"
			       " lease_until = NULL, updated_at = $2 WHERE id = $1"
			       " AND status IN ('queued', 'running')", v, 2, e);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	int64_t n = 0;
	struct store_val q[] = { sv_int(id) };
	rc = store_query_int(&n, s, "SELECT count(*) FROM jobs WHERE id = $1", q, 1, e);
	if (rc)
		return rc;
	return n ? err_set(e, ERR_CONFLICT, "job %lld has already finished", (long long)id)
		 : err_set(e, ERR_NOTFOUND, "no job %lld", (long long)id);
}

int jobs_wake(struct store *s, const char *kind, int64_t at_ms, struct err *e)
{
	int64_t n = 0;
	struct store_val v[] = { sv_text(kind), sv_int(at_ms) };
	int rc = store_query_int(&n, s, "SELECT count(*) FROM jobs WHERE kind = $1"
				 " AND status = 'queued' AND run_after <= $2", v, 2, e);
	if (rc || n > 0)
		return rc;
	/* the handlers of such jobs fail only when the database does: retry
	 * that for long */
	struct jobs_spec spec = { .kind = kind, .run_after_ms = at_ms, .max_attempts = JOBS_ATTEMPTS_MAX };
	int64_t id;
	return jobs_submit(&id, s, &spec, e);
}

static const char *col_or_null(const struct store_rows *r, int col)
{
	return store_col_isnull(r, col) ? NULL : store_col_text(r, col);
}

int jobs_list(struct store *s, const struct jobs_filter *f,
	      int (*fn)(const struct jobs_info *j, void *arg), void *arg,
	      struct err *e)
{
	struct store_val p[8];
	int np = 0, rc = 0;
	struct buf sql;
	buf_init(&sql, 2048);
	rc = buf_puts(&sql, "SELECT id, tenant, kind, payload, status, attempts,"
		      " max_attempts, run_after, locked_by, lease_until, progress,"
		      " progress_msg, result, error, created_at, updated_at"
		      " FROM jobs WHERE 1 = 1");
#define COND(test, text, val)                                               \
	do {                                                                \
		if (rc == 0 && (test)) {                                    \
			p[np++] = (val);                                    \
			rc = buf_printf(&sql, " AND " text " $%d", np);     \
		}                                                           \
	} while (0)
	COND(f && f->id, "id =", sv_int(f->id));
	COND(f && f->tenant, "tenant =", sv_text(f->tenant));
	COND(f && f->kind, "kind =", sv_text(f->kind));
	COND(f && f->status, "status =", sv_text(jobs_status_name(f->status)));
	COND(f && f->before_id, "id <", sv_int(f->before_id));
#undef COND
	if (rc == 0 && f && f->deployment_only)
		rc = buf_puts(&sql, " AND tenant IS NULL");
	int limit = f && f->limit > 0 && f->limit <= JOBS_LIST_MAX ? f->limit :
		    JOBS_LIST_MAX;
	if (rc == 0)
		rc = buf_printf(&sql, " ORDER BY id DESC LIMIT %d", limit);
	if (rc) {
		buf_done(&sql);
		return err_set(e, rc, "jobs query too long");
	}
	if (f && f->status && jobs_status_parse(jobs_status_name(f->status)) == 0) {
		buf_done(&sql);
		return err_set(e, ERR_INVALID, "unknown job status");
	}
	struct store_rows *r;
	rc = store_query(&r, s, buf_cstr(&sql), p, np, e);
	buf_done(&sql);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct jobs_info j = {
			.id = store_col_int(r, 0),
			.tenant = col_or_null(r, 1),
			.kind = store_col_text(r, 2),
			.payload = store_col_text(r, 3),
			.status = jobs_status_parse(store_col_text(r, 4)),
			.attempts = (int)store_col_int(r, 5),
			.max_attempts = (int)store_col_int(r, 6),
			.run_after_ms = store_col_int(r, 7),
			.locked_by = col_or_null(r, 8),
			.lease_until_ms = store_col_int(r, 9),
			.progress = (int)store_col_int(r, 10),
			.progress_msg = col_or_null(r, 11),
			.result = col_or_null(r, 12),
			.error = col_or_null(r, 13),
			.created_ms = store_col_int(r, 14),
			.updated_ms = store_col_int(r, 15),
		};
		n++;
		if (fn && fn(&j, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

void jobs_registry_init(struct jobs_registry *r)
{
	memset(r, 0, sizeof *r);
}

int jobs_register(struct jobs_registry *r, const char *kind,
		  int (*fn)(struct jobs_ctx *ctx, void *arg, struct err *e),
		  void *arg, struct err *e)
{
	if (!jobs_kind_ok(kind) || !fn)
		return err_set(e, ERR_INVALID, "bad job kind or no handler");
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->h[i].kind, kind) == 0)
			return err_set(e, ERR_CONFLICT, "job kind %s registered twice",
				       kind);
	if (r->n >= JOBS_KINDS_MAX)
		return err_set(e, ERR_LIMIT, "more than %d job kinds", JOBS_KINDS_MAX);
	snprintf(r->h[r->n].kind, sizeof r->h[r->n].kind, "%s", kind);
	r->h[r->n].fn = fn;
	r->h[r->n].arg = arg;
	r->n++;
	return 0;
}
