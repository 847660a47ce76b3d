/*
 * draft.c -- the working copy of a procedure (one per procedure) and its
 * review states, and a procedure's withdrawal from residents (unpublish).
 *
 *   draft --submit--> review --approve--> approved --publish--> (gone)
 *     ^                  |                    |
 *     +-----return-------+--------------------+  (with a comment)
 *
 * Invariants: a draft holds a definition that passed the schema check
 * (callers parse before forms_draft_put); a draft in review is not edited
 * (ERR_CONFLICT) until it is sent back; the member of staff who submitted
 * a draft for review cannot approve it (ERR_DENIED): the four-eyes rule is
 * here, below every caller.  Approval itself does not publish: the caller
 * publishes the approved definition through its one publishing function
 * (src/svc/procedures/publish.c) and then calls forms_draft_drop in the
 * same transaction.  Limits: comment FORMS_COMMENT_MAX bytes, definition
 * FORMS_DEF_MAX_BYTES.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/forms/forms.h"

int forms_draft_get(struct forms_draft *out, struct arena *a, struct store *s,
		    const char *tenant, const char *code, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_text(code) };
	int rc = store_query(&r, s,
		"SELECT definition, state, submitted_by, comment, updated_by, updated_at, base_version"
		" FROM procedure_drafts WHERE tenant = $1 AND code = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		json_error_t je;
		size_t len = 0;
		const char *text = store_col_blob(r, 0, &len);
		json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
		snprintf(out->code, sizeof out->code, "%s", code);
		snprintf(out->state, sizeof out->state, "%s", store_col_text(r, 1));
		out->submitted_by = store_col_isnull(r, 2) ? 0 : store_col_int(r, 2);
		snprintf(out->comment, sizeof out->comment, "%s",
			 store_col_isnull(r, 3) ? "" : store_col_text(r, 3));
		out->updated_by = store_col_int(r, 4);
		out->updated_at = store_col_int(r, 5);
		out->base_version = (int)store_col_int(r, 6);
		rc = doc ? forms_def_from_json(&out->def, a, doc, e) : err_set(e, ERR_INTERNAL,
							"draft: stored JSON does not parse");
		json_decref(doc);
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "draft: none for %.64s", code);
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int forms_draft_put(struct store *s, const char *tenant, const struct forms_def *d,
		    int base_version, int64_t staff, struct err *e)
{
	struct buf b;
	buf_init(&b, FORMS_DEF_MAX_BYTES * 2);
	int rc = forms_jcs(&b, d->json, e);
	if (rc) {
		buf_done(&b);
		return rc;
	}
	char *state = NULL;
	struct store_val k[] = { sv_text(tenant), sv_text(d->id) };
	int own = !store_in_tx(s);
	if (own && (rc = store_begin(s, e)))
		goto out;
	rc = store_query_text(&state, s, "SELECT state FROM procedure_drafts WHERE tenant = $1"
			      " AND code = $2", k, 2, e);
	if (rc == 0 && strcmp(state, "draft") != 0) {
		rc = err_set(e, ERR_CONFLICT, "draft: %.64s is in review", d->id);
	} else if (rc == 0) {
		struct store_val u[] = { sv_text(b.data), sv_int(staff), sv_int(now_ms() / 1000),
					 sv_text(tenant), sv_text(d->id) };
		rc = store_exec(s, "UPDATE procedure_drafts SET definition = $1, updated_by = $2,"
				" updated_at = $3 WHERE tenant = $4 AND code = $5", u, 5, e);
	} else if (rc == ERR_NOTFOUND) {
		struct store_val ins[] = { sv_text(tenant), sv_text(d->id), sv_text(b.data),
					   sv_int(staff), sv_int(now_ms() / 1000), sv_int(base_version) };
		rc = store_exec(s, "INSERT INTO procedure_drafts (tenant, code, definition, state,"
				" updated_by, updated_at, base_version)"
				" VALUES ($1, $2, $3, 'draft', $4, $5, $6)", ins, 6, e);
	}
	free(state);
	if (own) {
		if (rc < 0)
			store_rollback(s);
		else
			rc = store_commit(s, e);
	}
out:
	buf_done(&b);
	return rc < 0 ? rc : 0;
}

int forms_draft_move(struct store *s, const struct forms_draft_step *m, struct err *e)
{
	struct forms_draft cur;
	struct arena *a = arena_new(0);
	if (!a)
		return err_set(e, ERR_NOMEM, "draft: arena");
	int rc = forms_draft_get(&cur, a, s, m->tenant, m->code, e);
	if (rc)
		goto out;
	if (m->comment && strlen(m->comment) > FORMS_COMMENT_MAX) {
		rc = err_set(e, ERR_LIMIT, "draft: comment too long");
		goto out;
	}
	const char *want = m->to;
	struct store_val v[] = { sv_text(want), sv_int(m->staff), sv_text(m->comment ? m->comment : ""),
				 sv_int(now_ms() / 1000), sv_text(m->tenant), sv_text(m->code),
				 sv_text(cur.state) };
	if (strcmp(want, "review") == 0) {
		if (strcmp(cur.state, "draft") != 0) {
			rc = err_set(e, ERR_CONFLICT, "draft: not a draft");
			goto out;
		}
		rc = store_exec(s, "UPDATE procedure_drafts SET state = $1, submitted_by = $2,"
				" comment = $3, updated_at = $4 WHERE tenant = $5 AND code = $6"
				" AND state = $7", v, 7, e);
	} else if (strcmp(want, "draft") == 0) {
		/* sent back from review, or from an approval whose publication
		 * was refused */
		if (strcmp(cur.state, "review") != 0 && strcmp(cur.state, "approved") != 0) {
			rc = err_set(e, ERR_CONFLICT, "draft: not in review");
			goto out;
		}
		rc = store_exec(s, "UPDATE procedure_drafts SET state = $1, updated_by = $2,"
				" comment = $3, updated_at = $4 WHERE tenant = $5 AND code = $6"
				" AND state = $7", v, 7, e);
	} else if (strcmp(want, "approved") == 0) {
		if (strcmp(cur.state, "review") != 0) {
			rc = err_set(e, ERR_CONFLICT, "draft: not in review");
			goto out;
		}
		if (cur.submitted_by == m->staff) {
			rc = err_set(e, ERR_DENIED, "draft: the submitter cannot approve");
			goto out;
		}
		rc = store_exec(s, "UPDATE procedure_drafts SET state = $1, updated_by = $2,"
				" comment = $3, updated_at = $4 WHERE tenant = $5 AND code = $6"
				" AND state = $7", v, 7, e);
	} else {
		rc = err_set(e, ERR_INVALID, "draft: unknown state");
	}
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "draft: changed meanwhile");
	else if (rc > 0)
		rc = 0;
out:
	arena_free(a);
	return rc;
}

int forms_draft_drop(struct store *s, const char *tenant, const char *code, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(code) };
	int rc = store_exec(s, "DELETE FROM procedure_drafts WHERE tenant = $1 AND code = $2", v, 2, e);
	return rc < 0 ? rc : 0;
}

int forms_drafts_list(struct store *s, const char *tenant,
		      void (*fn)(const char *code, const char *state, void *arg), void *arg,
		      struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT code, state FROM procedure_drafts WHERE tenant = $1"
			     " ORDER BY code", v, 1, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		fn(store_col_text(r, 0), store_col_text(r, 1), arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int forms_unpublish(struct store *s, const char *tenant, const char *code, int withdrawn,
		    struct err *e)
{
	struct store_val v[] = { withdrawn ? sv_int(now_ms() / 1000) : sv_null(), sv_text(tenant),
				 sv_text(code) };
	int rc = store_exec(s, "UPDATE procedures SET unpublished_at = $1 WHERE tenant = $2"
			    " AND code = $3", v, 3, e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "unpublish: no procedure %.64s", code);
	return rc < 0 ? rc : 0;
}

int forms_is_unpublished(struct store *s, const char *tenant, const char *code, struct err *e)
{
	int64_t n = 0;
	struct store_val v[] = { sv_text(tenant), sv_text(code) };
	int rc = store_query_int(&n, s, "SELECT count(*) FROM procedures WHERE tenant = $1"
				 " AND code = $2 AND unpublished_at IS NOT NULL", v, 2, e);
	return rc ? rc : n > 0;
}
