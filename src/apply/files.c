/*
 * files.c -- attachments, stored in the database (so that a backup holds
 * everything and a receipt number implies a durable file).
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
#include "apply/apply_int.h"

#include <stdio.h>
#include <string.h>

int apply_file_put(json_t **meta, struct store *s,
		   const struct apply_actor *who, const struct forms_field *f,
		   const char *name, const void *data, size_t n, int64_t now,
		   struct err *e)
{
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
	struct store_val v[] = {
		sv_text(who->tenant), sv_int(kind), sv_int(oid), sv_text(sha), sv_text(type),
		sv_int((int64_t)n), sv_text(clean), sv_blob(data, n), sv_int(now),
	};
	rc = store_exec(s, "INSERT INTO apply_files (tenant, owner_kind, owner_id, sha256, type,"
			" size, name, data, created_at, touched_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
			" ON CONFLICT (tenant, owner_kind, owner_id, sha256)"
			" DO UPDATE SET touched_at = excluded.touched_at", v, SV_N(v), e);
	if (rc < 0) {
		json_decref(m);
		return rc;
	}
	*meta = m;
	return 0;
}

static int file_row(struct apply_file *out, struct arena *a, struct store_rows *r,
		    struct err *e)
{
	memset(out, 0, sizeof *out);
	out->id = store_col_int(r, 0);
	snprintf(out->sha256, sizeof out->sha256, "%s", store_col_text(r, 1));
	snprintf(out->type, sizeof out->type, "%s", store_col_text(r, 2));
	out->size = store_col_int(r, 3);
	out->name = arena_strdup(a, store_col_text(r, 4));
	size_t n = 0;
	const void *p = store_col_blob(r, 5, &n);
	void *copy = arena_alloc(a, n ? n : 1);
	if (!out->name || !copy)
		return err_set(e, ERR_NOMEM, "apply: arena full");
	memcpy(copy, p, n);
	out->data = copy;
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
			rc = file_row(out, a, r, e);
		else if (rc == 0)
			rc = ERR_NOTFOUND;
		store_rows_free(r);
		if (rc != ERR_NOTFOUND || who->kind == APPLY_RESIDENT)
			return rc == ERR_NOTFOUND ? err_set(e, rc, "apply: file not found") : rc;
	}
	/* staff and the system: files of submissions they may see */
	char sql[2048] = "SELECT f.id, f.sha256, f.type, f.size, f.name, f.data FROM apply_files f"
			 " JOIN apply_submission_files l ON l.file_id = f.id"
			 " JOIN apply_submissions sub ON sub.id = l.submission_id"
			 " WHERE f.tenant = $1 AND f.sha256 = $2 AND sub.tenant = $1";
	struct store_val v[STORE_MAX_PARAMS];
	int np = 0;
	v[np++] = sv_text(who->tenant);
	v[np++] = sv_text(sha256);
	if ((rc = apply_sql_scope(sql, sizeof sql, v, &np, STORE_MAX_PARAMS, who,
				  "sub.department", "sub.resident_id", e)))
		return rc;
	strncat(sql, " LIMIT 1", sizeof sql - strlen(sql) - 1);
	if ((rc = store_query(&r, s, sql, v, np, e)))
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		rc = file_row(out, a, r, e);
	else if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "apply: file not found");
	store_rows_free(r);
	return rc;
}
