/*
 * signreq.c -- signing requests handed to a signing app (docs/signatures.md
 * §5): the resident's browser asks for one, shows its link and QR code, and
 * the signing app (the national JPKI app on a phone, or the demo ward's
 * signer page) fetches the bytes to sign with the request's token and
 * returns the detached CMS to it.  The resident's browser then submits with
 * the signature the request holds, verified again at submission as an
 * uploaded one is.
 *
 * Invariants: the token is a bearer secret and is stored only as its
 * SHA-256; a request is bound to its tenant, its owner (resident or counter
 * staff), one draft or bundle, and the SHA-256 of the bytes to sign when it
 * was made; it takes one signature, only before it expires; an owner holds
 * at most APPLY_SIGNREQ_MAX_OPEN unexpired requests (each is a way to read
 * the answers, so they must not pile up).
 */
#include "svc/apply/apply_int.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

static void token_hash(char out[65], const char *token)
{
	forms_sha256_hex(out, token, strlen(token));
}

static int kind_ok(enum apply_signreq_kind k)
{
	return k == APPLY_SIGNREQ_DRAFT || k == APPLY_SIGNREQ_BUNDLE;
}

int apply_signreq_create(char token[APPLY_SIGNREQ_TOKEN_LEN + 1], struct store *s,
			 const struct apply_actor *who, const struct apply_signreq_new *in,
			 int64_t now, struct err *e)
{
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc;
	if (!kind_ok(in->kind) || in->target <= 0 || strlen(in->sha256) != 64)
		return err_set(e, ERR_INVALID, "signreq: bad kind, target or hash");
	int64_t open = 0;
	struct store_val cv[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid), sv_int(now) };
	if ((rc = store_query_int(&open, s, "SELECT count(*) FROM apply_sign_requests"
				  " WHERE tenant = $1 AND owner_kind = $2 AND owner_id = $3"
				  " AND expires_at > $4", cv, 4, e)))
		return rc;
	if (open >= APPLY_SIGNREQ_MAX_OPEN)
		return err_set(e, ERR_LIMIT, "signreq: %d open requests already", APPLY_SIGNREQ_MAX_OPEN);
	/* a stale request of the same target is of no use any more */
	struct store_val dv[] = { sv_text(who->tenant), sv_int(kind), sv_int(oid), sv_int(now) };
	if ((rc = store_exec(s, "DELETE FROM apply_sign_requests WHERE tenant = $1"
			     " AND owner_kind = $2 AND owner_id = $3 AND expires_at <= $4", dv, 4, e)) < 0)
		return rc;
	if ((rc = random_token(token, APPLY_SIGNREQ_TOKEN_LEN / 2)))
		return err_set(e, rc, "signreq: no random bytes");
	char th[65];
	token_hash(th, token);
	struct store_val v[] = { sv_text(who->tenant), sv_text(th), sv_int(kind), sv_int(oid),
				 sv_int(in->kind), sv_int(in->target), sv_text(in->sha256),
				 sv_int(now), sv_int(now + APPLY_SIGNREQ_TTL) };
	rc = store_exec(s, "INSERT INTO apply_sign_requests (tenant, token_sha256, owner_kind,"
			" owner_id, kind, target, sha256, created_at, expires_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", v, 9, e);
	return rc < 0 ? rc : 0;
}

#define SIGNREQ_COLS "id, owner_kind, owner_id, kind, target, sha256, expires_at, signed_at, cms, subject"

static int signreq_row(struct apply_signreq *out, struct arena *a, struct store_rows *r,
		       struct err *e)
{
	memset(out, 0, sizeof *out);
	out->id = store_col_int(r, 0);
	out->owner_kind = (int)store_col_int(r, 1);
	out->owner_id = store_col_int(r, 2);
	out->kind = (enum apply_signreq_kind)store_col_int(r, 3);
	out->target = store_col_int(r, 4);
	snprintf(out->sha256, sizeof out->sha256, "%s", store_col_text(r, 5));
	out->expires_at = store_col_int(r, 6);
	out->signed_at = store_col_int(r, 7);
	out->subject = arena_strdup(a, store_col_text(r, 9));
	if (!out->subject)
		return err_set(e, ERR_NOMEM, "signreq: subject");
	if (!store_col_isnull(r, 8)) {
		size_t n = 0;
		const void *p = store_col_blob(r, 8, &n);
		void *copy = n ? arena_alloc(a, n) : NULL;
		if (n && !copy)
			return err_set(e, ERR_NOMEM, "signreq: cms");
		if (n)
			memcpy(copy, p, n);
		out->cms = copy;
		out->cms_len = n;
	}
	return 0;
}

static int signreq_one(struct apply_signreq *out, struct arena *a, struct store *s,
		       const char *sql, const struct store_val *v, int nv, struct err *e)
{
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, nv, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		rc = signreq_row(out, a, r, e);
	else if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "signreq: none");
	store_rows_free(r);
	return rc;
}

int apply_signreq_by_token(struct apply_signreq *out, struct arena *a, struct store *s,
			   const char *tenant, const char *token, int64_t now, struct err *e)
{
	if (!token || strlen(token) != APPLY_SIGNREQ_TOKEN_LEN)
		return err_set(e, ERR_NOTFOUND, "signreq: no such token");
	char th[65];
	token_hash(th, token);
	struct store_val v[] = { sv_text(tenant), sv_text(th), sv_int(now) };
	return signreq_one(out, a, s, "SELECT " SIGNREQ_COLS " FROM apply_sign_requests"
			   " WHERE tenant = $1 AND token_sha256 = $2 AND expires_at > $3", v, 3, e);
}

int apply_signreq_sign(struct store *s, const char *tenant, const char *token,
		       const struct apply_signreq_signature *sig, int64_t now, struct err *e)
{
	if (!token || strlen(token) != APPLY_SIGNREQ_TOKEN_LEN)
		return err_set(e, ERR_NOTFOUND, "signreq: no such token");
	if (!sig->cms || !sig->cms_len || sig->cms_len > APPLY_SIGNREQ_CMS_MAX)
		return err_set(e, ERR_INVALID, "signreq: signature of %zu bytes", sig->cms_len);
	char th[65];
	token_hash(th, token);
	/* one signature per request: the update matches only an unsigned,
	 * unexpired row of this tenant */
	struct store_val v[] = { sv_blob(sig->cms, sig->cms_len), sv_int(now), sv_text(sig->subject),
				 sv_text(tenant), sv_text(th) };
	int rc = store_exec(s, "UPDATE apply_sign_requests SET cms = $1, signed_at = $2, subject = $3"
			    " WHERE tenant = $4 AND token_sha256 = $5 AND signed_at = 0"
			    " AND expires_at > $2", v, 5, e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_CONFLICT, "signreq: already signed or expired");
	return 0;
}

int apply_signreq_latest(struct apply_signreq *out, struct arena *a, struct store *s,
			 const struct apply_actor *who, enum apply_signreq_kind kind,
			 int64_t target, struct err *e)
{
	int okind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&okind, &oid, who, e)))
		return rc;
	struct store_val v[] = { sv_text(who->tenant), sv_int(okind), sv_int(oid), sv_int(kind),
				 sv_int(target) };
	return signreq_one(out, a, s, "SELECT " SIGNREQ_COLS " FROM apply_sign_requests"
			   " WHERE tenant = $1 AND owner_kind = $2 AND owner_id = $3 AND kind = $4"
			   " AND target = $5 ORDER BY id DESC LIMIT 1", v, 5, e);
}

int apply_signreq_valid(struct apply_signreq *out, struct arena *a, struct store *s,
			const struct apply_actor *who, enum apply_signreq_kind kind,
			int64_t target, int64_t now, struct err *e)
{
	int rc = apply_signreq_latest(out, a, s, who, kind, target, e);
	if (rc)
		return rc;
	if (!out->signed_at || !out->cms)
		return err_set(e, ERR_NOTFOUND, "signreq %lld: not signed", (long long)out->id);
	struct apply_canonical_result cr;
	rc = kind == APPLY_SIGNREQ_BUNDLE ? apply_bundle_canonical(&cr, a, s, who, target, now, e)
					 : apply_canonical(&cr, a, s, who, target, now, e);
	if (rc)
		return rc == ERR_INVALID ? err_set(e, ERR_NOTFOUND, "signreq: answers not valid") : rc;
	char sha[65];
	forms_sha256_hex(sha, cr.text, cr.len);
	if (strcmp(sha, out->sha256) != 0)
		return err_set(e, ERR_NOTFOUND, "signreq %lld: changed after signing", (long long)out->id);
	return 0;
}

int apply_signreq_forget(struct store *s, const struct apply_actor *who,
			 enum apply_signreq_kind kind, int64_t target, struct err *e)
{
	int okind;
	int64_t oid;
	int rc = apply_owner(&okind, &oid, who, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(who->tenant), sv_int(okind), sv_int(oid), sv_int(kind),
				 sv_int(target) };
	rc = store_exec(s, "DELETE FROM apply_sign_requests WHERE tenant = $1 AND owner_kind = $2"
			" AND owner_id = $3 AND kind = $4 AND target = $5", v, 5, e);
	return rc < 0 ? rc : 0;
}
