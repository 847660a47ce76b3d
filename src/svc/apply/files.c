/*
 * files.c -- attachments: their rows in the database, their bytes in the
 * table (PostgreSQL) or in files beside a SQLite database (blobs.c); a
 * backup holds the bytes either way, and a receipt number implies a
 * durable file.
 *
 * Invariants: a file row belongs to one owner (a resident, or staff at
 * the counter) and is keyed by (tenant, owner, sha256): the same bytes
 * uploaded twice are stored once (the second upload only touches the
 * row).  The type is decided by the content (forms_file_accept), never by
 * the name.  Reading is scoped: a resident reads their own uploads, staff
 * the files linked to submissions of their departments (and their own
 * counter uploads); anything else is ERR_NOTFOUND.  File names never
 * appear in err details.
 */
#include "svc/apply/apply_int.h"

#include <stdio.h>
#include <string.h>

int apply_limit_hit(const struct err *e)
{
	if (!e || e->code != ERR_LIMIT)
		return APPLY_LIMIT_NONE;
	if (strncmp(e->detail, APPLY_QUOTA_DETAIL, strlen(APPLY_QUOTA_DETAIL)) == 0)
		return APPLY_LIMIT_QUOTA;
	if (strncmp(e->detail, APPLY_RATE_DETAIL, strlen(APPLY_RATE_DETAIL)) == 0)
		return APPLY_LIMIT_RATE;
	return APPLY_LIMIT_NONE;
}

int apply_limits_check(struct store *s, const struct apply_actor *who,
		       const struct apply_pending_file *f, int n, int64_t now,
		       struct err *e)
{
	const struct apply_limits *l = who->limits;
	if (!l || (l->quota_bytes <= 0 && l->uploads_per_min <= 0) || n <= 0)
		return 0;
	int kind;
	int64_t oid;
	int rc = apply_owner(&kind, &oid, who, e);
	if (rc)
		return rc;
	/* only bytes not stored yet count: the same bytes again are kept once */
	int64_t add = 0;
	int files = 0;
	for (int i = 0; i < n; i++) {
		int dup = 0;
		for (int k = 0; k < i && !dup; k++)
			dup = strcmp(f[k].sha256, f[i].sha256) == 0;
		if (dup)
			continue;
		int64_t id = 0;
		struct store_val q[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid),
					 sv_text(f[i].sha256) };
		rc = store_query_int(&id, s, "SELECT id FROM apply_files WHERE tenant = $1"
				     " AND owner_kind = $2 AND owner_id = $3 AND sha256 = $4", q, 4, e);
		if (rc == 0)
			continue;
		if (rc != ERR_NOTFOUND)
			return rc;
		add += (int64_t)f[i].n;
		files++;
	}
	if (files == 0)
		return 0;
	struct store_val v[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid),
				 sv_int(now - 60) };
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT),"
			      " CAST(COALESCE(SUM(CASE WHEN created_at > $4 THEN 1 ELSE 0 END), 0) AS BIGINT)"
			      " FROM apply_files WHERE tenant = $1 AND owner_kind = $2"
			      " AND owner_id = $3", v, 4, e)))
		return rc;
	int64_t used = 0, recent = 0;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		used = store_col_int(r, 0);
		recent = store_col_int(r, 1);
		rc = 0;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (l->uploads_per_min > 0 && recent + files > l->uploads_per_min)
		return err_set(e, ERR_LIMIT, APPLY_RATE_DETAIL " of %d a minute reached",
			       l->uploads_per_min);
	if (l->quota_bytes > 0 && used + add > l->quota_bytes)
		return err_set(e, ERR_LIMIT, APPLY_QUOTA_DETAIL " of %lld bytes reached",
			       (long long)l->quota_bytes);
	return 0;
}

int apply_file_row(struct store *s, const struct store_val v[9], struct err *e)
{
	int rc = store_exec(s, "INSERT INTO apply_files (tenant, owner_kind, owner_id, sha256, type,"
			    " size, name, data, created_at, touched_at)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
			    " ON CONFLICT (tenant, owner_kind, owner_id, sha256)"
			    " DO UPDATE SET touched_at = excluded.touched_at", v, 9, e);
	return rc < 0 ? rc : 0;
}

/* the insert, on the connection of whichever thread leads the group
 * commit (an upload is durable when apply_file_put returns).  With the
 * bytes in a file (blobs.c), the file was made durable before, outside
 * the writer's lock; here, under the lock, it is checked to be still
 * there (the files' garbage collection removes only under that lock) and
 * written again in the rare case it was removed meanwhile. */
struct put_job {
	struct store_val v[9];
	const struct apply_actor *who;
	struct apply_pending_file pf;  /* for the limits, under the lock */
	int64_t now;
	const char *dir;             /* NULL: the bytes go in the table     */
	const void *data;
	size_t n;
};

static int put_fn(struct store *s, void *arg, struct err *e)
{
	struct put_job *j = arg;
	int rc;
	/* the limits again under the writer's lock: concurrent uploads of
	 * one account cannot all pass on the same count */
	if ((rc = apply_limits_check(s, j->who, &j->pf, 1, j->now, e)))
		return rc;
	if (j->dir && !apply_blob_exists(j->dir, j->v[3].p, j->n) &&
	    (rc = apply_blob_write(j->dir, j->v[3].p, j->data, j->n, e)))
		return rc;
	return apply_file_row(s, j->v, e);
}

int apply_file_put(json_t **meta, struct store *s,
		   const struct apply_actor *who, const struct apply_file_in *in,
		   int64_t now, struct err *e)
{
	const struct forms_field *f = in->field;
	const char *name = in->name;
	const void *data = in->data;
	size_t n = in->n;
	*meta = NULL;
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	if (!f || f->type != FORMS_T_FILE)
		return err_set(e, ERR_INVALID, "apply: not a file field");
	if (n > APPLY_FILE_MAX)
		return err_set(e, ERR_LIMIT, "apply: file larger than %u bytes", APPLY_FILE_MAX);
	json_t *m = NULL;
	if ((rc = forms_file_accept(&m, f, name ? name : "file", data, n, e)))
		return rc;
	const char *sha = json_string_value(json_object_get(m, "sha256"));
	const char *type = json_string_value(json_object_get(m, "type"));
	const char *clean = json_string_value(json_object_get(m, "name"));
	if (!sha || !type || !clean) {
		json_decref(m);
		return err_set(e, ERR_INTERNAL, "apply: file metadata incomplete");
	}
	char dir[APPLY_BLOB_PATH_MAX];
	struct put_job j = {
		.v = { sv_text(who->tenant), sv_int(kind), sv_int(oid), sv_text(sha), sv_text(type),
		       sv_int((int64_t)n), sv_text(clean), sv_blob(data, n), sv_int(now) },
		.data = data, .n = n, .who = who, .now = now,
		.pf = { .sha256 = sha, .type = type, .name = clean, .data = data, .n = n },
	};
	/* refused before any byte is written (and again in put_fn) */
	if ((rc = apply_limits_check(s, who, &j.pf, 1, now, e))) {
		json_decref(m);
		return rc;
	}
	if (apply_blob_dir(dir, sizeof dir, s)) {
		/* the bytes become durable here, outside the one writer's lock */
		if ((rc = apply_blob_write(dir, sha, data, n, e))) {
			json_decref(m);
			return rc;
		}
		j.dir = dir;
		j.v[7] = sv_blob("", 0);
	}
	rc = store_group_write(s, &apply_group_counts, 0, put_fn, &j, e);
	if (rc < 0) {
		json_decref(m);
		return rc;
	}
	*meta = m;
	return 0;
}

static int file_row(struct apply_file *out, struct arena *a, struct store *s,
		    struct store_rows *r, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->id = store_col_int(r, 0);
	snprintf(out->sha256, sizeof out->sha256, "%s", store_col_text(r, 1));
	snprintf(out->type, sizeof out->type, "%s", store_col_text(r, 2));
	out->size = store_col_int(r, 3);
	out->name = arena_strdup(a, store_col_text(r, 4));
	size_t n = 0;
	const void *p = store_col_blob(r, 5, &n);
	char dir[APPLY_BLOB_PATH_MAX];
	if (!out->name)
		return err_set(e, ERR_NOMEM, "apply: arena full");
	if (n == 0 && out->size > 0 && apply_blob_dir(dir, sizeof dir, s)) {
		/* the bytes are in the attachment store (blobs.c) */
		int rc = apply_blob_read(&out->data, a, dir, out->sha256, (size_t)out->size, e);
		if (rc)
			return rc;
		n = (size_t)out->size;
	} else {
		void *copy = arena_alloc(a, n ? n : 1);
		if (!copy)
			return err_set(e, ERR_NOMEM, "apply: arena full");
		memcpy(copy, p, n);
		out->data = copy;
	}
	if ((int64_t)n != out->size)
		return err_set(e, ERR_INTERNAL, "apply: file %lld size mismatch", (long long)out->id);
	return 0;
}

int apply_file_get(struct apply_file *out, struct arena *a, struct store *s,
		   const struct apply_actor *who, const char *sha256,
		   struct err *e)
{
	memset(out, 0, sizeof *out);
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (!sha256 || strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
		return err_set(e, ERR_NOTFOUND, "apply: file not found");
	struct store_rows *r;
	/* own uploads first (residents: only these) */
	if (who->kind != APPLY_SYSTEM) {
		int kind;
		int64_t oid;
		apply_owner(&kind, &oid, who, NULL);
		struct store_val v[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid),
					 sv_text(sha256) };
		if ((rc = store_query(&r, s, "SELECT id, sha256, type, size, name, data FROM apply_files"
				      " WHERE tenant = $1 AND owner_kind = $2 AND owner_id = $3"
				      " AND sha256 = $4", v, 4, e)))
			return rc;
		rc = store_rows_next(r, e);
		if (rc == 1)
			rc = file_row(out, a, s, r, e);
		else if (rc == 0)
			rc = ERR_NOTFOUND;
		store_rows_free(r);
		if (rc != ERR_NOTFOUND || who->kind == APPLY_RESIDENT)
			return rc == ERR_NOTFOUND ? err_set(e, rc, "apply: file not found") : rc;
	}
	/* staff and the system: files of submissions they may see */
	char sql[2048] = "SELECT f.id, f.sha256, f.type, f.size, f.name, f.data, sub.receipt FROM apply_files f"
			 " JOIN apply_submission_files l ON l.file_id = f.id"
			 " JOIN apply_submissions sub ON sub.id = l.submission_id"
			 " WHERE f.tenant = $1 AND f.sha256 = $2 AND sub.tenant = $1";
	struct store_val v[STORE_MAX_PARAMS];
	struct apply_sql q = { .text = sql, .cap = sizeof sql, .v = v, .max = STORE_MAX_PARAMS };
	v[q.n++] = sv_text(who->tenant);
	v[q.n++] = sv_text(sha256);
	if ((rc = apply_sql_scope(&q, who, "sub.department", "sub.resident_id", e)))
		return rc;
	int np = q.n;
	strncat(sql, " LIMIT 1", sizeof sql - strlen(sql) - 1);
	if ((rc = store_query(&r, s, sql, v, np, e)))
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		rc = file_row(out, a, s, r, e);
		snprintf(out->receipt, sizeof out->receipt, "%s", store_col_text(r, 6));
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "apply: file not found");
	}
	store_rows_free(r);
	return rc;
}
