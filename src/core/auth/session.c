/*
 * session.c -- sessions stored in the database (so that several servers
 * share them) and the per-session CSRF tokens.
 *
 * Invariants: the client holds a 256-bit random token (base64url, 43
 * bytes); the row holds only SHA-256(token) in hex, so a database leak
 * gives no usable token.  A session is valid while now < created_at +
 * absolute_timeout and now < last_seen + idle_timeout; an expired row is
 * deleted when seen.  last_seen is written at most once per
 * cfg->last_seen_write_secs.  Sessions are only ever looked up by token
 * hash, or by (tenant, kind, account_id) of their owner: one account
 * can never list or kill another's.
 */
#include "core/auth/auth_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *kind_name(enum auth_kind k)
{
	return k == AUTH_KIND_RESIDENT ? "resident" : "staff";
}

static int token_hash(char out[65], const char *token)
{
	if (!token || strnlen(token, AUTH_TOKEN_LEN + 1) != AUTH_TOKEN_LEN)
		return -1;
	for (int i = 0; i < AUTH_TOKEN_LEN; i++) {
		char c = token[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return -1;
	}
	auth_sha256_hex(out, token, AUTH_TOKEN_LEN);
	return 0;
}

int auth_session_create(struct auth_login *out, struct store *s,
			const struct auth_config *c,
			const struct auth_session_new *in, int64_t now,
			struct err *e)
{
	enum auth_kind kind = in->kind;
	enum auth_stage stage = in->stage;
	unsigned char raw[32], csrf[32];
	char hash[65];
	randombytes_buf(raw, sizeof raw);
	randombytes_buf(csrf, sizeof csrf);
	auth_b64url(out->token, sizeof out->token, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	auth_sha256_hex(hash, out->token, AUTH_TOKEN_LEN);
	int64_t idle, absolute;
	if (stage == AUTH_STAGE_TOTP || stage == AUTH_STAGE_PASSWORD) {
		idle = absolute = c->pending_secs;
	} else if (kind == AUTH_KIND_RESIDENT) {
		idle = c->resident_idle_secs;
		absolute = c->resident_absolute_secs;
	} else {
		idle = c->staff_idle_secs;
		absolute = c->staff_absolute_secs;
	}
	struct store_val v[] = {
		sv_text(in->tenant), sv_text(hash), sv_text(kind_name(kind)),
		sv_int(in->account_id), sv_int(stage), sv_int(in->mfa_ok ? 1 : 0),
		sv_int(now), sv_int(idle), sv_int(absolute),
		sv_blob(csrf, sizeof csrf),
	};
	int64_t id = 0;
	int rc = store_query_int(&id, s,
		"INSERT INTO sessions (tenant, token_hash, kind, account_id,"
		" stage, mfa_ok, created_at, last_seen, idle_timeout,"
		" absolute_timeout, csrf_secret)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)"
		" RETURNING id", v, SV_N(v), e);
	sodium_memzero(csrf, sizeof csrf);
	if (rc) {
		sodium_memzero(out->token, sizeof out->token);
		return rc;
	}
	out->session_id = id;
	out->stage = stage;
	out->kind = kind;
	out->account_id = in->account_id;
	return 0;
}

static void fill_session(struct auth_session *o, struct store_rows *r)
{
	/* columns: id, tenant, kind, account_id, stage, mfa_ok, created_at,
	 * last_seen, idle_timeout, absolute_timeout, csrf_secret */
	o->id = store_col_int(r, 0);
	snprintf(o->tenant, sizeof o->tenant, "%s", store_col_text(r, 1));
	o->kind = strcmp(store_col_text(r, 2), "resident") == 0
			  ? AUTH_KIND_RESIDENT : AUTH_KIND_STAFF;
	o->account_id = store_col_int(r, 3);
	o->stage = (enum auth_stage)store_col_int(r, 4);
	o->mfa_ok = store_col_int(r, 5) != 0;
	o->created_at = store_col_int(r, 6);
	o->last_seen = store_col_int(r, 7);
	o->idle_timeout = store_col_int(r, 8);
	o->absolute_timeout = store_col_int(r, 9);
	size_t n = 0;
	const void *b = store_col_blob(r, 10, &n);
	if (b && n == sizeof o->csrf_secret)
		memcpy(o->csrf_secret, b, n);
}

#define SESSION_COLS "id, tenant, kind, account_id, stage, mfa_ok, created_at," \
	" last_seen, idle_timeout, absolute_timeout, csrf_secret"

static void compute_left(struct auth_session *o, int64_t now)
{
	o->idle_left = o->last_seen + o->idle_timeout - now;
	o->absolute_left = o->created_at + o->absolute_timeout - now;
}

int auth_session_check(struct auth_session *out, struct store *s,
		       const struct auth_config *c, const char *token,
		       int64_t now, struct err *e)
{
	memset(out, 0, sizeof *out);
	char hash[65];
	if (token_hash(hash, token) != 0) {
		out->reason = AUTH_SES_UNKNOWN;
		return err_set(e, ERR_AUTH, "session unknown (malformed token)");
	}
	struct store_rows *r;
	struct store_val v[] = { sv_text(hash) };
	int rc = store_query(&r, s, "SELECT " SESSION_COLS
			     " FROM sessions WHERE token_hash = $1", v, 1, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		fill_session(out, r);
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		memset(out, 0, sizeof *out);
		out->reason = AUTH_SES_UNKNOWN;
		return err_set(e, ERR_AUTH, "session unknown");
	}
	compute_left(out, now);
	enum auth_session_reason why = AUTH_SES_OK;
	if (out->absolute_left <= 0)
		why = AUTH_SES_ABSOLUTE;
	else if (out->idle_left <= 0)
		why = AUTH_SES_IDLE;
	if (why != AUTH_SES_OK) {
		int64_t id = out->id;
		struct store_val d[] = { sv_int(id) };
		rc = store_exec(s, "DELETE FROM sessions WHERE id = $1", d, 1, e);
		memset(out, 0, sizeof *out);
		out->reason = why;
		if (rc < 0)
			return rc;
		return err_set(e, ERR_AUTH, "session %lld expired (%s)",
			       (long long)id,
			       why == AUTH_SES_IDLE ? "idle" : "absolute");
	}
	if (now - out->last_seen >= c->last_seen_write_secs) {
		struct store_val u[] = { sv_int(now), sv_int(out->id) };
		rc = store_exec(s, "UPDATE sessions SET last_seen = $1"
				" WHERE id = $2 AND last_seen < $1", u, 2, e);
		if (rc < 0) {
			memset(out, 0, sizeof *out);
			return rc;
		}
		out->last_seen = now;
		compute_left(out, now);
	}
	return 0;
}

int auth_session_logout(struct store *s, const char *token, struct err *e)
{
	char hash[65];
	if (token_hash(hash, token) != 0)
		return 0;
	struct store_val v[] = { sv_text(hash) };
	int rc = store_exec(s, "DELETE FROM sessions WHERE token_hash = $1", v,
			    1, e);
	return rc < 0 ? rc : 0;
}

int auth_session_list(struct store *s, const struct auth_session *own,
		      int64_t now,
		      void (*fn)(const struct auth_session *ses, int current,
				 void *arg),
		      void *arg, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(own->tenant),
				 sv_text(kind_name(own->kind)),
				 sv_int(own->account_id), sv_int(now) };
	int rc = store_query(&r, s, "SELECT " SESSION_COLS " FROM sessions"
			     " WHERE tenant = $1 AND kind = $2 AND account_id = $3"
			     " AND created_at + absolute_timeout > $4"
			     " AND last_seen + idle_timeout > $4"
			     " ORDER BY created_at DESC, id DESC", v, 4, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct auth_session x;
		memset(&x, 0, sizeof x);
		fill_session(&x, r);
		compute_left(&x, now);
		/* the CSRF secret of another session is none of the caller's
		 * business */
		sodium_memzero(x.csrf_secret, sizeof x.csrf_secret);
		if (fn)
			fn(&x, x.id == own->id, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int auth_session_kill(struct store *s, const struct auth_session *own,
		      int64_t session_id, struct err *e)
{
	struct store_val v[] = { sv_int(session_id), sv_text(own->tenant),
				 sv_text(kind_name(own->kind)),
				 sv_int(own->account_id) };
	int rc = store_exec(s, "DELETE FROM sessions WHERE id = $1 AND tenant = $2"
			    " AND kind = $3 AND account_id = $4", v, 4, e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "session %lld not found",
			       (long long)session_id);
	return 0;
}

int auth_sessions_kill_account(struct store *s, const char *tenant,
			       enum auth_kind kind, int64_t account_id,
			       int64_t keep_id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(kind_name(kind)),
				 sv_int(account_id), sv_int(keep_id) };
	return store_exec(s, "DELETE FROM sessions WHERE tenant = $1 AND kind = $2"
			  " AND account_id = $3 AND id <> $4", v, 4, e);
}

int auth_sessions_purge(struct store *s, const struct auth_config *c,
			int64_t now, struct err *e)
{
	struct store_val v[] = { sv_int(now) };
	int a = store_exec(s, "DELETE FROM sessions"
			   " WHERE created_at + absolute_timeout <= $1"
			   " OR last_seen + idle_timeout <= $1", v, 1, e);
	if (a < 0)
		return a;
	struct store_val w[] = { sv_int(now - c->source_window_secs) };
	int b = store_exec(s, "DELETE FROM login_failures WHERE at <= $1", w, 1, e);
	if (b < 0)
		return b;
	return a + b;
}

/* ---- CSRF ---------------------------------------------------------- */

static int csrf_compute(char out[AUTH_CSRF_LEN + 1],
			const struct auth_session *ses, const char *form_id,
			struct err *e)
{
	if (!form_id)
		form_id = "";
	size_t n = strnlen(form_id, AUTH_FORM_ID_MAX + 1);
	if (n > AUTH_FORM_ID_MAX)
		return err_set(e, ERR_INVALID, "form id over %d bytes",
			       AUTH_FORM_ID_MAX);
	/* the MAC covers the session id too, and a domain label */
	unsigned char msg[16 + 8 + AUTH_FORM_ID_MAX];
	memcpy(msg, "madoguchi-csrf\0", 16);
	for (int i = 0; i < 8; i++)
		msg[16 + i] = (unsigned char)((uint64_t)ses->id >> (8 * i));
	memcpy(msg + 24, form_id, n);
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, msg, 24 + n, ses->csrf_secret);
	auth_b64url(out, AUTH_CSRF_LEN + 1, mac, sizeof mac);
	return 0;
}

int auth_csrf_token(char out[AUTH_CSRF_LEN + 1], const struct auth_session *ses,
		    const char *form_id, struct err *e)
{
	if (ses->id <= 0)
		return err_set(e, ERR_INVALID, "no session");
	return csrf_compute(out, ses, form_id, e);
}

int auth_csrf_check(const struct auth_session *ses, const char *form_id,
		    const char *token, struct err *e)
{
	char want[AUTH_CSRF_LEN + 1];
	if (ses->id <= 0 || !token ||
	    strnlen(token, AUTH_CSRF_LEN + 1) != AUTH_CSRF_LEN)
		return err_set(e, ERR_DENIED, "CSRF token missing or malformed");
	int rc = csrf_compute(want, ses, form_id, e);
	if (rc)
		return err_set(e, ERR_DENIED, "CSRF form id invalid");
	if (sodium_memcmp(want, token, AUTH_CSRF_LEN) != 0)
		return err_set(e, ERR_DENIED, "CSRF token does not match");
	return 0;
}
