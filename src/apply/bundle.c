/*
 * bundle.c -- life-event bundles: one interview (転入, 出生, おくやみ ...)
 * gives one draft per chosen procedure, sharing the answers common to
 * them; the bundle is submitted all or none.
 *
 * Invariants: every procedure of a bundle is published for the tenant
 * and lists the event (ERR_INVALID otherwise); the bundle and its drafts
 * are created in one transaction; apply_bundle_submit validates every
 * draft first (nothing is written when one fails: its id in *bad_draft,
 * its errors in *r) and then writes every submission in one transaction,
 * so either all receipts exist or none.  A shared answer goes to a draft
 * only when the procedure has a top-level field of that id.
 */
#include "apply/apply_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUNDLE_MAX 32          /* procedures in one bundle */
#define EVENT_MAX 64

static int valid_event(const char *ev)
{
	size_t n = ev ? strlen(ev) : 0;
	if (n == 0 || n > EVENT_MAX || ev[0] < 'a' || ev[0] > 'z')
		return 0;
	return strspn(ev, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int apply_bundle_create(int64_t *bundle_id, struct store *s,
			const struct apply_actor *who, const char *event,
			const char *const *procedures, int nprocedures,
			const json_t *shared, const json_t *sources,
			int64_t now, struct err *e)
{
	*bundle_id = 0;
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	if (!valid_event(event))
		return err_set(e, ERR_INVALID, "bundle: bad event id");
	if (nprocedures <= 0 || !procedures)
		return err_set(e, ERR_INVALID, "bundle: no procedures");
	if (nprocedures > BUNDLE_MAX)
		return err_set(e, ERR_LIMIT, "bundle: more than %d procedures", BUNDLE_MAX);
	if (shared && !json_is_object(shared))
		return err_set(e, ERR_INVALID, "bundle: shared answers must be an object");
	struct arena *a = arena_new(64u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "bundle: no memory");
	const struct forms_def **defs = arena_alloc(a, sizeof *defs * (size_t)nprocedures);
	int *versions = arena_alloc(a, sizeof *versions * (size_t)nprocedures);
	json_t *list = apply_json_keep(a, json_array());
	if (!defs || !versions || !list) {
		rc = err_set(e, ERR_NOMEM, "bundle: arena full");
		goto out;
	}
	for (int i = 0; i < nprocedures; i++) {
		const char *p = procedures[i];
		if (!p || !*p || strlen(p) > FORMS_ID_MAX) {
			rc = err_set(e, ERR_INVALID, "bundle: procedure %d: bad id", i);
			goto out;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(procedures[j], p) == 0) {
				rc = err_set(e, ERR_INVALID, "bundle: procedure %.64s twice", p);
				goto out;
			}
		rc = apply_load_def(&defs[i], &versions[i], a, s, who->tenant, p, 0, e);
		if (rc == ERR_NOTFOUND)
			rc = err_set(e, ERR_INVALID, "bundle: procedure %.64s is not published", p);
		if (rc)
			goto out;
		int listed = 0;
		for (int k = 0; k < defs[i]->nlife_events; k++)
			if (strcmp(defs[i]->life_events[k], event) == 0)
				listed = 1;
		if (!listed) {
			rc = err_set(e, ERR_INVALID, "bundle: procedure %.64s does not list event %s",
				     p, event);
			goto out;
		}
		json_array_append_new(list, json_string(p));
	}
	char *ptext = NULL;
	if ((rc = apply_json_text(&ptext, list, 64 * 1024, e)))
		goto out;
	if ((rc = store_begin(s, e))) {
		free(ptext);
		goto out;
	}
	struct store_val bv[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid), sv_text(event),
				  sv_text(ptext), sv_int(now) };
	rc = store_query_int(bundle_id, s, "INSERT INTO apply_bundles (tenant, owner_kind, owner_id,"
			     " event, procedures, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
			     " RETURNING id", bv, SV_N(bv), e);
	free(ptext);
	for (int i = 0; rc == 0 && i < nprocedures; i++) {
		/* the shared answers this procedure asks for */
		json_t *ans = apply_json_keep(a, json_object());
		json_t *src = sources ? apply_json_keep(a, json_object()) : NULL;
		if (!ans || (sources && !src)) {
			rc = err_set(e, ERR_NOMEM, "bundle: arena full");
			break;
		}
		const char *key;
		json_t *val;
		json_object_foreach((json_t *)shared, key, val) {
			if (!forms_def_field(defs[i], key))
				continue;
			json_object_set(ans, key, val);
			json_t *sv = sources ? json_object_get(sources, key) : NULL;
			if (sv)
				json_object_set(src, key, sv);
		}
		int64_t did;
		rc = apply_draft_insert(&did, s, who, procedures[i], versions[i], ans, src,
					*bundle_id, 0, now, e);
	}
	if (rc) {
		store_rollback(s);
		*bundle_id = 0;
	} else if ((rc = store_commit(s, e))) {
		*bundle_id = 0;
	}
out:
	arena_free(a);
	return rc;
}

int apply_bundle_submit(struct apply_submission **out, int *n,
			int64_t *bad_draft, struct forms_result *r,
			struct arena *a, struct store *s,
			const struct apply_actor *who, int64_t bundle_id,
			int64_t now, struct err *e)
{
	*out = NULL;
	*n = 0;
	*bad_draft = 0;
	memset(r, 0, sizeof *r);
	r->exit = -1;
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	/* the bundle's drafts, in the bundle's procedure order */
	char *plist = NULL;
	struct store_val bv[] = { sv_int(bundle_id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	rc = store_query_text(&plist, s, "SELECT procedures FROM apply_bundles WHERE id = $1"
			      " AND tenant = $2 AND owner_kind = $3 AND owner_id = $4", bv, 4, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "bundle %lld not found", (long long)bundle_id);
	if (rc)
		return rc;
	json_t *order = NULL;
	rc = apply_json_parse(&order, a, plist ? plist : "[]", plist ? strlen(plist) : 2, e);
	free(plist);
	if (rc)
		return rc;
	int64_t ids[BUNDLE_MAX];
	char procs[BUNDLE_MAX][FORMS_ID_MAX + 1];
	int nd = 0;
	struct store_rows *rows;
	if ((rc = store_query(&rows, s, "SELECT id, procedure FROM apply_drafts WHERE bundle_id = $1"
			      " AND tenant = $2 AND owner_kind = $3 AND owner_id = $4"
			      " AND submission_id = 0 ORDER BY id", bv, 4, e)))
		return rc;
	while ((rc = store_rows_next(rows, e)) == 1 && nd < BUNDLE_MAX) {
		ids[nd] = store_col_int(rows, 0);
		snprintf(procs[nd], sizeof procs[nd], "%s", store_col_text(rows, 1));
		nd++;
	}
	store_rows_free(rows);
	if (rc < 0)
		return rc;
	if (nd == 0)
		return err_set(e, ERR_NOTFOUND, "bundle %lld has no drafts left", (long long)bundle_id);
	/* sort by the bundle's order (drafts of procedures not listed last) */
	int pos[BUNDLE_MAX];
	for (int i = 0; i < nd; i++) {
		pos[i] = BUNDLE_MAX;
		size_t k;
		json_t *p;
		json_array_foreach(order, k, p)
			if (json_is_string(p) && strcmp(json_string_value(p), procs[i]) == 0)
				pos[i] = (int)k;
	}
	for (int i = 1; i < nd; i++)
		for (int j = i; j > 0 && pos[j] < pos[j - 1]; j--) {
			int tp = pos[j]; pos[j] = pos[j - 1]; pos[j - 1] = tp;
			int64_t ti = ids[j]; ids[j] = ids[j - 1]; ids[j - 1] = ti;
		}
	struct apply_prep *preps = arena_alloc(a, sizeof *preps * (size_t)nd);
	struct apply_submission *subs = arena_alloc(a, sizeof *subs * (size_t)nd);
	if (!preps || !subs)
		return err_set(e, ERR_NOMEM, "bundle: arena full");
	for (int i = 0; i < nd; i++) {
		struct forms_result ri;
		rc = apply_prepare(&preps[i], &ri, a, s, who, ids[i], NULL, now, e);
		if (rc) {
			*bad_draft = ids[i];
			*r = ri;
			return rc;
		}
	}
	if ((rc = store_begin(s, e)))
		return rc;
	for (int i = 0; i < nd && rc == 0; i++)
		rc = apply_write(&subs[i], a, s, who, &preps[i], now, e);
	if (rc == 0) {
		struct store_val uv[] = { sv_int(now), sv_int(bundle_id) };
		rc = store_exec(s, "UPDATE apply_bundles SET submitted_at = $1 WHERE id = $2", uv, 2, e);
		rc = rc < 0 ? rc : 0;
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)))
		return rc;
	*out = subs;
	*n = nd;
	return 0;
}
