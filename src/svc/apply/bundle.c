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
 * so either all receipts exist or none.  Both join a transaction the
 * caller has open.  A shared answer goes to a draft
 * only when the procedure has a top-level field of that id.
 */
#include "svc/apply/apply_int.h"

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
			const struct apply_actor *who,
			const struct apply_bundle_new *in, int64_t now,
			struct err *e)
{
	const char *event = in->event;
	const char *const *procedures = in->procedures;
	int nprocedures = in->nprocedures;
	const json_t *shared = in->shared, *sources = in->sources;
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
		rc = apply_load_def(&defs[i], &versions[i], a, s,
				    &(struct apply_def_ref){ .tenant = who->tenant, .procedure = p },
				    e);
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
	int own;
	if ((rc = apply_tx_begin(&own, s, e))) {
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
			const struct forms_field *f = forms_def_field(defs[i], key);
			if (!f)
				continue;
			json_object_set(ans, key, val);
			/* "from the registry" only where this procedure's field
			 * takes the registry: another procedure of the bundle may
			 * prefill the same field id from it while this one asks
			 * the resident (its answer is then the resident's own,
			 * and claiming the registry for it would be refused at
			 * submission) */
			json_t *sv = sources ? json_object_get(sources, key) : NULL;
			const char *svs = json_string_value(sv);
			if (sv && !(svs && strcmp(svs, "juki") == 0 &&
				    !(f->prefill_source && strcmp(f->prefill_source, "juki") == 0)))
				json_object_set(src, key, sv);
		}
		int64_t did;
		rc = apply_draft_insert(&did, s, who,
					&(struct apply_draft_new){ .procedure = procedures[i],
								   .version = versions[i],
								   .answers = ans, .sources = src,
								   .bundle_id = *bundle_id },
					now, e);
	}
	if ((rc = apply_tx_end(own, rc, s, e)))
		*bundle_id = 0;
out:
	arena_free(a);
	return rc;
}

/* A bundle's open drafts, as bundle_drafts finds them. */
struct open_drafts {
	int64_t ids[BUNDLE_MAX];     /* in the bundle's procedure order    */
	int nd;                      /* how many of ids; 0 on an error     */
	char event[EVENT_MAX + 1];   /* the bundle's life event            */
};

/* the bundle's open drafts in the bundle's procedure order (drafts of
 * procedures not listed last), and its event */
static int bundle_drafts(struct open_drafts *out, struct arena *a, struct store *s,
			 const struct apply_actor *who, int64_t bundle_id, struct err *e)
{
	int64_t *ids = out->ids;
	int *nd_out = &out->nd;
	char *event = out->event;
	*nd_out = 0;
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	struct store_val bv[] = { sv_int(bundle_id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	struct store_rows *rows;
	if ((rc = store_query(&rows, s, "SELECT procedures, event FROM apply_bundles WHERE id = $1"
			      " AND tenant = $2 AND owner_kind = $3 AND owner_id = $4", bv, 4, e)))
		return rc;
	json_t *order = NULL;
	if ((rc = store_rows_next(rows, e)) == 1) {
		const char *plist = store_col_text(rows, 0);
		snprintf(event, EVENT_MAX + 1, "%s", store_col_text(rows, 1));
		rc = apply_json_parse(&order, a, plist, strlen(plist), e);
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "bundle %lld not found", (long long)bundle_id);
	}
	store_rows_free(rows);
	if (rc)
		return rc;
	char procs[BUNDLE_MAX][FORMS_ID_MAX + 1];
	int nd = 0;
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
	*nd_out = nd;
	return 0;
}

/* What bundle_prepare prepares, and how. */
struct bundle_how {
	int64_t bundle_id;
	const struct apply_signature *sig; /* goes to each draft, or NULL  */
	int for_manifest;            /* a missing signature is no error    */
};
struct bundle_prep {
	struct apply_prep *preps;    /* one per draft, in order (arena)    */
	int nd;
	char event[EVENT_MAX + 1];
	int64_t bad_draft;           /* the first draft that failed, or 0  */
	struct forms_result check;   /* its errors                         */
};

/* the bundle's open drafts (bundle_drafts), each prepared (validated,
 * canonical form) into bp->preps (arena); in->sig goes to each.  Without
 * a signature, a draft whose procedure requires one gives ERR_AUTH,
 * unless in->for_manifest (the signature is what the caller is about to
 * make).  The first draft that fails is bp->bad_draft, its errors in
 * bp->check. */
static int bundle_prepare(struct bundle_prep *bp, struct arena *a, struct store *s,
			  const struct apply_actor *who, const struct bundle_how *in,
			  int64_t now, struct err *e)
{
	bp->preps = NULL;
	bp->nd = 0;
	bp->bad_draft = 0;
	memset(&bp->check, 0, sizeof bp->check);
	bp->check.exit = -1;
	struct open_drafts od;
	int rc = bundle_drafts(&od, a, s, who, in->bundle_id, e);
	if (rc)
		return rc;
	const int64_t *ids = od.ids;
	int nd = od.nd;
	memcpy(bp->event, od.event, sizeof bp->event);
	struct apply_prep *preps = arena_alloc(a, sizeof *preps * (size_t)nd);
	if (!preps)
		return err_set(e, ERR_NOMEM, "bundle: arena full");
	for (int i = 0; i < nd; i++) {
		rc = apply_prepare(&preps[i], a, s, who,
				   &(struct apply_prep_in){ .draft_id = ids[i], .sig = in->sig }, now,
				   e);
		if (rc == ERR_AUTH && in->for_manifest)
			rc = 0;
		if (rc) {
			bp->bad_draft = ids[i];
			bp->check = preps[i].check;
			return rc;
		}
	}
	bp->preps = preps;
	bp->nd = nd;
	return 0;
}

/* the manifest a resident signs for a whole bundle, in RFC 8785 form:
 *   {"applications":[{"procedure","sha256","version"}...],"bundle":ID,
 *    "event":E,"format":"madoguchi-bundle/1","tenant":CODE}
 * each sha256 that of the application's own canonical form, in the
 * bundle's order; NUL-terminated in the arena */
static int bundle_manifest(char **text, size_t *len, struct arena *a, const char *tenant,
			   int64_t bundle_id, const struct bundle_prep *bp, struct err *e)
{
	const char *event = bp->event;
	const struct apply_prep *preps = bp->preps;
	int nd = bp->nd;
	json_t *apps = json_array();
	for (int i = 0; apps && i < nd; i++)
		json_array_append_new(apps, json_pack("{s:s,s:s,s:i}", "procedure", preps[i].def->id,
						      "sha256", preps[i].sha256,
						      "version", preps[i].draft.d.version));
	json_t *m = json_pack("{s:s,s:s,s:s,s:I,s:o}", "format", "madoguchi-bundle/1",
			      "tenant", tenant, "event", event, "bundle", (json_int_t)bundle_id,
			      "applications", apps);
	if (!m)
		return err_set(e, ERR_NOMEM, "bundle: out of memory");
	struct buf b;
	buf_init(&b, 1u << 20);
	int rc = forms_jcs(&b, m, e);
	json_decref(m);
	if (rc == 0 && !(*text = arena_alloc(a, b.len + 1)))
		rc = err_set(e, ERR_NOMEM, "bundle: arena full");
	if (rc == 0) {
		memcpy(*text, b.data, b.len);
		(*text)[b.len] = 0;
		*len = b.len;
	}
	buf_done(&b);
	return rc;
}

int apply_bundle_canonical(struct apply_canonical_result *res, struct arena *a,
			   struct store *s, const struct apply_actor *who, int64_t bundle_id,
			   int64_t now, struct err *e)
{
	res->text = NULL;
	res->len = 0;
	struct bundle_prep bp;
	int rc = bundle_prepare(&bp, a, s, who,
				&(struct bundle_how){ .bundle_id = bundle_id, .for_manifest = 1 },
				now, e);
	res->bad_draft = bp.bad_draft;
	res->check = bp.check;
	if (rc)
		return rc;
	return bundle_manifest(&res->text, &res->len, a, who->tenant, bundle_id, &bp, e);
}

int apply_bundle_submit(struct apply_bundle_result *res, struct arena *a, struct store *s,
			const struct apply_actor *who, const struct apply_bundle_submit_in *in,
			int64_t now, struct err *e)
{
	memset(res, 0, sizeof *res);
	res->check.exit = -1;
	int64_t bundle_id = in->bundle_id;
	const struct apply_bundle_sig *bs = &in->signature;
	/* the copy each prepared draft points to; the manifest is added to it
	 * once the drafts are known */
	struct apply_signature *sig = NULL;
	if (bs->sig) {
		if (!(sig = arena_alloc(a, sizeof *sig)))
			return err_set(e, ERR_NOMEM, "bundle: arena full");
		*sig = *bs->sig;
	}
	struct bundle_prep bp;
	int rc = bundle_prepare(&bp, a, s, who,
				&(struct bundle_how){ .bundle_id = bundle_id, .sig = sig }, now, e);
	res->bad_draft = bp.bad_draft;
	res->check = bp.check;
	if (rc)
		return rc;
	struct apply_prep *preps = bp.preps;
	int nd = bp.nd;
	struct apply_submission *subs = arena_alloc(a, sizeof *subs * (size_t)nd);
	if (!subs)
		return err_set(e, ERR_NOMEM, "bundle: arena full");
	if (sig) {
		/* the signature is over the manifest of exactly these drafts */
		char *m;
		size_t mlen;
		char sha[65];
		if ((rc = bundle_manifest(&m, &mlen, a, who->tenant, bundle_id, &bp, e)))
			return rc;
		forms_sha256_hex(sha, m, mlen);
		if (!bs->manifest_sha256 || strcmp(sha, bs->manifest_sha256) != 0) {
			res->stale = 1;
			return err_set(e, ERR_CONFLICT, "bundle %lld changed after it was signed",
				       (long long)bundle_id);
		}
		sig->signed_data = m;
		sig->signed_len = mlen;
	}
	/* the fees paid before submission: one payment of the bundle for
	 * their sum (fee.c) */
	int64_t sum = 0;
	for (int i = 0; i < nd; i++)
		if (preps[i].draft.d.submission_id == 0)
			sum += apply_fee_before(preps[i].def);
	for (int i = 0; i < nd; i++)
		if ((rc = apply_fee_check(&preps[i], &res->fee_unpaid, NULL, s, who, NULL, sum, e)))
			return rc;
	/* PostgreSQL: numbers first, each in its own statement (receipt.c) */
	for (int i = 0; i < nd && store_kind(s) == STORE_PG && !store_in_tx(s); i++)
		if (preps[i].draft.d.submission_id == 0 &&
		    (rc = apply_receipt_take(preps[i].receipt, s, who->tenant, now, e)))
			return rc;
	int own;
	if ((rc = apply_tx_begin(&own, s, e)))
		return rc;
	for (int i = 0; i < nd && rc == 0; i++)
		rc = apply_write(&subs[i], a, s, who, &preps[i], now, e);
	if (rc == 0) {
		struct store_val uv[] = { sv_int(now), sv_int(bundle_id) };
		rc = store_exec(s, "UPDATE apply_bundles SET submitted_at = $1 WHERE id = $2", uv, 2, e);
		rc = rc < 0 ? rc : 0;
	}
	if ((rc = apply_tx_end(own, rc, s, e)))
		return rc;
	res->subs = subs;
	res->n = nd;
	return 0;
}
