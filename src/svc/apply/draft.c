/*
 * draft.c -- drafts: save and resume an application before submitting.
 *
 * Invariants: a draft belongs to the actor who made it (owner kind and id)
 * and every function here checks that: another actor's draft is
 * ERR_NOTFOUND.  A draft keeps the version it was started on, so the
 * questions do not change under a resident half-way through.  Answers are
 * stored as given (at most APPLY_ANSWERS_MAX bytes of JSON); validation
 * happens on submit.  Creating and saving share their commit with other
 * threads writing at the same moment (group commit, src/store/group.c).  A draft untouched for APPLY_DRAFT_DAYS is deleted by
 * apply_drafts_purge, with the uploads nothing refers to any more.
 */
#include "svc/apply/apply_int.h"

#include <stdlib.h>
#include <string.h>

#define DRAFT_COLS "id, procedure, version, page, answers, sources, bundle_id," \
	" submission_id, created_at, updated_at, owner_kind, owner_id"

static int draft_row(struct apply_draft_row *out, struct arena *a,
		     struct store_rows *r, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct apply_draft *d = &out->d;
	d->id = store_col_int(r, 0);
	snprintf(d->procedure, sizeof d->procedure, "%s", store_col_text(r, 1));
	d->version = (int)store_col_int(r, 2);
	d->page = (int)store_col_int(r, 3);
	size_t n = 0;
	const void *t = store_col_blob(r, 4, &n);
	int rc = apply_json_parse(&d->answers, a, t, n, e);
	if (rc)
		return rc;
	if (!store_col_isnull(r, 5)) {
		t = store_col_blob(r, 5, &n);
		if ((rc = apply_json_parse(&d->sources, a, t, n, e)))
			return rc;
	}
	d->bundle_id = store_col_int(r, 6);
	d->submission_id = store_col_int(r, 7);
	d->created_at = store_col_int(r, 8);
	d->updated_at = store_col_int(r, 9);
	out->owner_kind = (int)store_col_int(r, 10);
	out->owner_id = store_col_int(r, 11);
	return 0;
}

int apply_draft_load(struct apply_draft_row *out, struct arena *a,
		     struct store *s, const struct apply_actor *who,
		     int64_t id, struct err *e)
{
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc == ERR_DENIED ? err_set(e, ERR_NOTFOUND, "draft %lld not found", (long long)id) : rc;
	struct store_val v[] = { sv_int(id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT " DRAFT_COLS " FROM apply_drafts"
			      " WHERE id = $1 AND tenant = $2 AND owner_kind = $3 AND owner_id = $4",
			      v, 4, e)))
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		rc = draft_row(out, a, r, e);
	else if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "draft %lld not found", (long long)id);
	store_rows_free(r);
	return rc;
}

int apply_draft_insert(int64_t *id, struct store *s,
		       const struct apply_actor *who,
		       const struct apply_draft_new *in, int64_t now,
		       struct err *e)
{
	const json_t *answers = in->answers;
	int kind;
	int64_t oid;
	int rc = apply_owner(&kind, &oid, who, e);
	if (rc)
		return rc;
	int64_t open = 0;
	struct store_val cv[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	if ((rc = store_query_int(&open, s, "SELECT count(*) FROM apply_drafts"
				  " WHERE tenant = $1 AND owner_kind = $2 AND owner_id = $3",
				  cv, 3, e)))
		return rc;
	if (open >= APPLY_MAX_DRAFTS)
		return err_set(e, ERR_LIMIT, "apply: %d open drafts already", APPLY_MAX_DRAFTS);
	char *atext = NULL, *stext = NULL;
	json_t *empty = NULL;
	if (!answers)
		answers = empty = json_object();
	rc = apply_json_text(&atext, answers, APPLY_ANSWERS_MAX, e);
	if (rc == 0 && in->sources)
		rc = apply_json_text(&stext, in->sources, APPLY_ANSWERS_MAX, e);
	json_decref(empty);
	if (rc == 0) {
		struct store_val v[] = {
			sv_text(who->tenant), sv_int(kind), sv_int(oid), sv_text(in->procedure),
			sv_int(in->version), sv_text(atext), sv_text(stext), sv_int(in->bundle_id),
			sv_int(in->submission_id), sv_int(now),
		};
		rc = store_query_int(id, s, "INSERT INTO apply_drafts (tenant, owner_kind,"
				     " owner_id, procedure, version, page, answers, sources, bundle_id,"
				     " submission_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5,"
				     " 0, $6, $7, $8, $9, $10, $10) RETURNING id", v, SV_N(v), e);
	}
	free(atext);
	free(stext);
	return rc;
}

struct create_job {
	int64_t *id;
	const struct apply_actor *who;
	struct apply_draft_new draft;
	int64_t now;
};

static int create_fn(struct store *s, void *arg, struct err *e)
{
	struct create_job *j = arg;
	return apply_draft_insert(j->id, s, j->who, &j->draft, j->now, e);
}

static int save_fn(struct store *s, void *arg, struct err *e)
{
	int rc = store_exec(s, "UPDATE apply_drafts SET answers = $1, page = $2, updated_at = $3"
			    " WHERE id = $4 AND tenant = $5 AND owner_kind = $6 AND owner_id = $7",
			    arg, 7, e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "draft %lld not found",
			       (long long)((const struct store_val *)arg)[3].i);
	return rc < 0 ? rc : 0;
}

int apply_draft_create(int64_t *id, struct store *s,
		       const struct apply_actor *who,
		       const struct apply_draft_start *in, int64_t now, struct err *e)
{
	const char *procedure = in->procedure;
	const json_t *prefill = in->prefill, *sources = in->sources;
	int64_t bundle_id = in->bundle_id;
	*id = 0;
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (!procedure || !*procedure || strlen(procedure) > FORMS_ID_MAX)
		return err_set(e, ERR_NOTFOUND, "apply: no such procedure");
	if (prefill && !json_is_object(prefill))
		return err_set(e, ERR_INVALID, "apply: prefill must be an object");
	if (sources && !json_is_object(sources))
		return err_set(e, ERR_INVALID, "apply: sources must be an object");
	/* the latest published version: its number only */
	struct forms_version_info fv;
	rc = forms_version_find(&fv, s, who->tenant, procedure, 0, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "apply: procedure not published");
	if (rc)
		return rc;
	int64_t version = fv.version;
	if (bundle_id) {
		int kind;
		int64_t oid, n = 0;
		if ((rc = apply_owner(&kind, &oid, who, e)))
			return rc;
		struct store_val bv[] = { sv_int(bundle_id), sv_text(who->tenant), sv_int(kind),
					  sv_int(oid) };
		if ((rc = store_query_int(&n, s, "SELECT count(*) FROM apply_bundles WHERE id = $1"
					  " AND tenant = $2 AND owner_kind = $3 AND owner_id = $4",
					  bv, 4, e)))
			return rc;
		if (n == 0)
			return err_set(e, ERR_NOTFOUND, "bundle %lld not found", (long long)bundle_id);
	}
	struct create_job j = { .id = id, .who = who,
				.draft = { .procedure = procedure, .version = (int)version,
					   .answers = prefill, .sources = sources,
					   .bundle_id = bundle_id },
				.now = now };
	return store_group_write(s, &apply_group_counts, 0, create_fn, &j, e);
}

int apply_draft_get(struct apply_draft *out, struct arena *a, struct store *s,
		    const struct apply_actor *who, int64_t id, struct err *e)
{
	struct apply_draft_row row;
	int rc = apply_draft_load(&row, a, s, who, id, e);
	if (rc == 0)
		*out = row.d;
	return rc;
}

int apply_draft_save(struct store *s, const struct apply_actor *who,
		     int64_t id, const json_t *answers, int page, int64_t now,
		     struct err *e)
{
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	if (!answers || !json_is_object(answers))
		return err_set(e, ERR_INVALID, "apply: answers must be an object");
	if (page < 0 || page >= FORMS_MAX_PAGES)
		return err_set(e, ERR_INVALID, "apply: bad page index");
	char *text = NULL;
	if ((rc = apply_json_text(&text, answers, APPLY_ANSWERS_MAX, e)))
		return rc;
	struct store_val v[] = { sv_text(text), sv_int(page), sv_int(now), sv_int(id),
				 sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	rc = store_group_write(s, &apply_group_counts, 0, save_fn, v, e);
	free(text);
	return rc;
}

int apply_draft_delete(struct store *s, const struct apply_actor *who,
		       int64_t id, struct err *e)
{
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	struct store_val v[] = { sv_int(id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	rc = store_exec(s, "DELETE FROM apply_drafts WHERE id = $1 AND tenant = $2"
			" AND owner_kind = $3 AND owner_id = $4", v, 4, e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "draft %lld not found", (long long)id);
	return rc < 0 ? rc : 0;
}

int apply_drafts_list(struct apply_draft **out, int *n, struct arena *a,
		      struct store *s, const struct apply_actor *who,
		      struct err *e)
{
	*out = NULL;
	*n = 0;
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	struct apply_draft *v = arena_alloc(a, sizeof *v * APPLY_MAX_DRAFTS);
	if (!v)
		return err_set(e, ERR_NOMEM, "apply: arena full");
	struct store_val p[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT " DRAFT_COLS " FROM apply_drafts WHERE tenant = $1"
			      " AND owner_kind = $2 AND owner_id = $3"
			      " ORDER BY updated_at DESC, id DESC LIMIT 100", p, 3, e)))
		return rc;
	int k = 0;
	while ((rc = store_rows_next(r, e)) == 1 && k < APPLY_MAX_DRAFTS) {
		struct apply_draft_row row;
		if ((rc = draft_row(&row, a, r, e)))
			break;
		v[k++] = row.d;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = v;
	*n = k;
	return 0;
}

int apply_drafts_purge(struct store *s, int64_t now, struct err *e)
{
	int64_t cutoff = now - (int64_t)APPLY_DRAFT_DAYS * 86400;
	int own, rc = apply_tx_begin(&own, s, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_int(cutoff) };
	int n = store_exec(s, "DELETE FROM apply_drafts WHERE updated_at < $1", v, 1, e);
	if (n < 0)
		return apply_tx_end(own, n, s, e);
	/* uploads that no submission links and whose owner has no draft left
	 * (a saved draft keeps its owner's uploads) */
	rc = store_exec(s, "DELETE FROM apply_files WHERE touched_at < $1"
			" AND NOT EXISTS (SELECT 1 FROM apply_submission_files l"
			"  WHERE l.file_id = apply_files.id)"
			" AND NOT EXISTS (SELECT 1 FROM apply_drafts d WHERE d.tenant = apply_files.tenant"
			"  AND d.owner_kind = apply_files.owner_kind AND d.owner_id = apply_files.owner_id)",
			v, 1, e);
	rc = apply_tx_end(own, rc < 0 ? rc : 0, s, e);
	return rc ? rc : n;
}
