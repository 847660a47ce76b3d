/*
 * totp.c -- TOTP two-factor (RFC 6238 through liboath), enrolment with an
 * otpauth:// URI and a QR code as SVG (libqrencode), recovery codes.
 *
 * Invariants:
 *   - Secrets are 20 random bytes (RFC 4226's recommended length), stored
 *     only sealed (auth_seal); the clear secret lives on the stack and is
 *     wiped after use, and leaves this module only inside the enrolment
 *     (base32, URI and QR code, shown once to the user).
 *   - A secret becomes the account's only after a first valid code
 *     (confirmation); until then it is `totp_pending`, valid for
 *     cfg->enrol_pending_secs from when it was made; auth_totp_enrol_begin
 *     shows the same pending secret again while it is valid (a reload of
 *     the page must not invalidate a QR code already scanned), and only
 *     auth_totp_enrol_restart (an explicit "start again") or expiry
 *     replaces it.
 *   - A first enrolment (no second factor yet) needs only the session.
 *     Replacing an existing second factor needs re-authentication: the
 *     password and a code of the current factor (TOTP or a recovery
 *     code), checked by auth_totp_replace_confirm; auth_totp_enrol_confirm
 *     refuses an account that has one.  A replacement ends every other
 *     session of the account and records totp_changed_at.
 *   - Codes are compared in constant time (validate callback).
 *   - Recovery codes: 10 per account, 16 symbols of Crockford base32 (80
 *     bits) each; only SHA-256 of the normalised code is stored (80 bits
 *     of entropy make a fast hash safe against offline guessing); a code
 *     is spent by one conditional UPDATE, so it works at most once even
 *     with concurrent servers.
 */
#include "core/tenant/tenant.h"
#include "core/auth/auth_int.h"

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define QR_TEXT_MAX 1024
#define RC_SYMBOLS "0123456789abcdefghjkmnpqrstvwxyz"
#define RC_CHARS 16

/* ---- codes ---------------------------------------------------------- */

static int ct_otp_cmp(void *handle, const char *test_otp)
{
	const char *want = handle;
	if (strlen(test_otp) != AUTH_TOTP_DIGITS)
		return 1;
	return sodium_memcmp(want, test_otp, AUTH_TOTP_DIGITS) == 0 ? 0 : 1;
}

int auth_totp_check_code(int64_t *step, const unsigned char *secret,
			 size_t secret_len, const char *code, int64_t now,
			 int window, struct err *e)
{
	*step = 0;
	if (!code || strlen(code) != AUTH_TOTP_DIGITS)
		return err_set(e, ERR_AUTH, "TOTP code must be %d digits",
			       AUTH_TOTP_DIGITS);
	for (int i = 0; i < AUTH_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return err_set(e, ERR_AUTH, "TOTP code must be digits");
	if (window < 0 || window > 10 || now < 0)
		return err_set(e, ERR_INVALID, "TOTP window or time out of range");
	int pos = 0;
	uint64_t counter = 0;
	int rc = oath_totp_validate3_callback((const char *)secret, secret_len,
					      (time_t)now, AUTH_TOTP_STEP, 0,
					      AUTH_TOTP_DIGITS, (size_t)window,
					      &pos, &counter, ct_otp_cmp,
					      (void *)code);
	if (rc < 0)
		return err_set(e, ERR_AUTH, "TOTP code not valid");
	*step = (int64_t)counter;
	return 0;
}

/* ---- URI and QR code -------------------------------------------------- */

static int pct_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			rc = buf_putc(b, (char)*p);
		} else {
			char t[4] = { '%', hex[*p >> 4], hex[*p & 15], 0 };
			rc = buf_puts(b, t);
		}
	}
	return rc;
}

int auth_totp_uri(char **out, const char *secret_b32, const char *tenant_name,
		  const char *login, struct err *e)
{
	*out = NULL;
	if (!secret_b32 || !tenant_name || !login ||
	    strlen(tenant_name) > 400 || strlen(login) > AUTH_LOGIN_MAX ||
	    strlen(secret_b32) > 64)
		return err_set(e, ERR_INVALID, "TOTP URI input missing or too long");
	char issuer[420];
	snprintf(issuer, sizeof issuer, "madoguchi (%s)", tenant_name);
	struct buf b;
	buf_init(&b, 4096);
	int rc = buf_puts(&b, "otpauth://totp/");
	if (!rc) rc = pct_encode(&b, issuer);
	if (!rc) rc = buf_putc(&b, ':');
	if (!rc) rc = pct_encode(&b, login);
	if (!rc) rc = buf_printf(&b, "?secret=%s&issuer=", secret_b32);
	if (!rc) rc = pct_encode(&b, issuer);
	if (!rc) rc = buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d",
				 AUTH_TOTP_DIGITS, AUTH_TOTP_STEP);
	if (rc) {
		sodium_memzero(b.data, b.cap);
		buf_done(&b);
		return err_set(e, rc, "TOTP URI too long");
	}
	*out = buf_steal(&b);
	if (!*out)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

static int xml_escape(struct buf *b, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++) {
		switch (*s) {
		case '<': rc = buf_puts(b, "&lt;"); break;
		case '>': rc = buf_puts(b, "&gt;"); break;
		case '&': rc = buf_puts(b, "&amp;"); break;
		case '"': rc = buf_puts(b, "&quot;"); break;
		case '\'': rc = buf_puts(b, "&#39;"); break;
		default: rc = buf_putc(b, *s);
		}
	}
	return rc;
}

int auth_qr_svg(char **out, int *dark, const char *text, const char *title,
		struct err *e)
{
	*out = NULL;
	if (dark)
		*dark = 0;
	if (!text || !*text || strlen(text) > QR_TEXT_MAX || !title ||
	    strlen(title) > 400)
		return err_set(e, ERR_INVALID, "QR text missing or over %d bytes",
			       QR_TEXT_MAX);
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return err_set(e, ERR_INTERNAL, "QR encoding failed");
	const int quiet = 4, w = q->width, size = w + 2 * quiet;
	struct buf b;
	buf_init(&b, 1u << 20);
	int rc = buf_printf(&b,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		" width=\"%d\" height=\"%d\" role=\"img\""
		" aria-labelledby=\"qr-title\" shape-rendering=\"crispEdges\">"
		"<title id=\"qr-title\">", size, size, size * 6, size * 6);
	if (!rc) rc = xml_escape(&b, title);
	if (!rc) rc = buf_printf(&b, "</title><rect width=\"%d\" height=\"%d\""
				 " fill=\"#fff\"/><path fill=\"#000\" d=\"",
				 size, size);
	int n = 0;
	for (int y = 0; y < w && !rc; y++)
		for (int x = 0; x < w && !rc; x++)
			if (q->data[y * w + x] & 1) {
				rc = buf_printf(&b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
				n++;
			}
	if (!rc) rc = buf_puts(&b, "\"/></svg>\n");
	QRcode_free(q);
	if (rc) {
		sodium_memzero(b.data, b.cap);
		buf_done(&b);
		return err_set(e, rc, "QR SVG too large");
	}
	*out = buf_steal(&b);
	if (!*out)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (dark)
		*dark = n;
	return 0;
}

/* ---- enrolment -------------------------------------------------------- */

static void wipe_free(char *p)
{
	if (p) {
		sodium_memzero(p, strlen(p));
		free(p);
	}
}

void auth_totp_enrolment_done(struct auth_totp_enrolment *en)
{
	if (!en)
		return;
	wipe_free(en->uri);
	wipe_free(en->svg);
	sodium_memzero(en, sizeof *en);
}

/* May this session enrol?  Staff only; ENROL stage, or FULL (re-enrolling
 * when already enrolled needs mfa_ok). */
static int may_enrol(const struct auth_session *ses, int enrolled,
		     struct err *e)
{
	if (ses->kind != AUTH_KIND_STAFF || ses->id <= 0)
		return err_set(e, ERR_DENIED, "TOTP enrolment is for staff sessions");
	if (ses->stage == AUTH_STAGE_ENROL && !enrolled)
		return 0;
	if (ses->stage == AUTH_STAGE_FULL && (!enrolled || ses->mfa_ok))
		return 0;
	return err_set(e, ERR_DENIED, "session %lld may not enrol TOTP",
		       (long long)ses->id);
}

int auth_totp_enrol_begin(struct auth_totp_enrolment *out, struct store *s,
			  const struct auth_config *c,
			  const struct auth_session *ses, int64_t now,
			  struct err *e)
{
	memset(out, 0, sizeof *out);
	struct store_rows *r;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id) };
	int rc = store_query(&r, s, "SELECT login,"
			     " CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END,"
			     " status, totp_pending, totp_pending_at FROM staff"
			     " WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc)
		return rc;
	char login[AUTH_LOGIN_MAX + 1] = "", tname[401] = "";
	int enrolled = 0, active = 0, keep = 0;
	unsigned char sealed[AUTH_SEALED_LEN];
	rc = store_rows_next(r, e);
	if (rc == 1) {
		snprintf(login, sizeof login, "%s", store_col_text(r, 0));
		enrolled = store_col_int(r, 1) != 0;
		active = strcmp(store_col_text(r, 2), "active") == 0;
		/* a pending secret still valid is shown again: a QR code
		 * already scanned keeps working when the page is reloaded */
		size_t n = 0;
		const unsigned char *b = store_col_blob(r, 3, &n);
		if (b && n == sizeof sealed &&
		    store_col_int(r, 4) + c->enrol_pending_secs > now) {
			memcpy(sealed, b, n);
			keep = 1;
		}
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	/* the municipality's name, for the label the authenticator app shows */
	struct tenant t;
	if (rc == 1) {
		int trc = tenant_get(&t, s, ses->tenant, e);
		if (trc == ERR_NOTFOUND)
			rc = 0;
		else if (trc)
			return trc;
		else
			snprintf(tname, sizeof tname, "%s", t.name_ja);
	}
	if (rc == 0 || !active)
		return err_set(e, ERR_DENIED, "staff %lld not found or disabled",
			       (long long)ses->account_id);
	if ((rc = may_enrol(ses, enrolled, e)))
		return rc;
	unsigned char secret[AUTH_TOTP_SECRET_LEN];
	if (keep) {
		rc = auth_unseal(secret, c, sealed, sizeof sealed, e);
	} else {
		randombytes_buf(secret, sizeof secret);
		rc = auth_seal(sealed, c, secret, e);
	}
	char *b32 = NULL;
	size_t b32len = 0;
	if (rc == 0 && (oath_base32_encode((const char *)secret, sizeof secret,
					   &b32, &b32len) != OATH_OK ||
			b32len != AUTH_TOTP_B32_LEN))
		rc = err_set(e, ERR_INTERNAL, "base32 encoding failed");
	sodium_memzero(secret, sizeof secret);
	if (rc == 0) {
		memcpy(out->secret_b32, b32, AUTH_TOTP_B32_LEN);
		out->secret_b32[AUTH_TOTP_B32_LEN] = '\0';
	}
	if (b32) {
		sodium_memzero(b32, b32len);
		free(b32);
	}
	if (rc == 0 && !keep) {
		struct store_val u[] = { sv_blob(sealed, sizeof sealed), sv_int(now),
					 sv_int(ses->account_id) };
		rc = store_exec(s, "UPDATE staff SET totp_pending = $1,"
				" totp_pending_at = $2 WHERE id = $3", u, 3, e);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = auth_totp_uri(&out->uri, out->secret_b32, tname, login, e);
	if (rc == 0) {
		char title[600];
		snprintf(title, sizeof title,
			 "二要素認証の登録用QRコード / QR code for two-factor"
			 " enrolment: madoguchi (%s) %s", tname, login);
		rc = auth_qr_svg(&out->svg, NULL, out->uri, title, e);
	}
	if (rc)
		auth_totp_enrolment_done(out);
	return rc;
}

int auth_totp_enrol_restart(struct store *s, const struct auth_session *ses,
			    struct err *e)
{
	/* what may begin an enrolment may discard its pending secret */
	int rc = may_enrol(ses, 0, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id) };
	rc = store_exec(s, "UPDATE staff SET totp_pending = NULL, totp_pending_at = 0"
			" WHERE tenant = $1 AND id = $2", v, 2, e);
	return rc < 0 ? rc : 0;
}

/* the end of installing a second factor, in the caller's transaction:
 * the session that confirmed it is replaced by a new, full one (its
 * token, known at a weaker stage, never becomes a full session's) */
static int full_session_instead(struct auth_login *out, struct store *s,
				const struct auth_config *c, const struct auth_session *ses,
				int64_t now, struct err *e)
{
	struct store_val d[] = { sv_int(ses->id) };
	int rc = store_exec(s, "DELETE FROM sessions WHERE id = $1", d, 1, e);
	if (rc == 0)
		return err_set(e, ERR_AUTH, "session %lld vanished", (long long)ses->id);
	if (rc < 0)
		return rc;
	return auth_session_create(out, s, c,
				   &(struct auth_session_new){ .tenant = ses->tenant,
							       .kind = AUTH_KIND_STAFF,
							       .account_id = ses->account_id,
							       .stage = AUTH_STAGE_FULL,
							       .mfa_ok = 1 },
				   now, e);
}

/* an installation rolled back: nothing it made may leave */
static void install_failed(struct auth_login *out, struct auth_recovery_codes *codes)
{
	sodium_memzero(codes, sizeof *codes);
	sodium_memzero(out->token, sizeof out->token);
	out->outcome = AUTH_OUT_NONE;
}

int auth_totp_enrol_confirm(struct auth_totp_confirmed *done,
			    struct store *s, const struct auth_config *c,
			    const struct auth_totp_enrol_in *in, int64_t now,
			    struct auth_events *ev, struct err *e)
{
	struct auth_login *out = &done->login;
	struct auth_recovery_codes *codes = &done->codes;
	const struct auth_session *ses = in->ses;
	const char *code = in->code;
	memset(out, 0, sizeof *out);
	memset(codes, 0, sizeof *codes);
	out->kind = AUTH_KIND_STAFF;
	out->account_id = ses->account_id;
	struct store_rows *r;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id) };
	int rc = store_query(&r, s, "SELECT totp_pending, totp_pending_at,"
			     " CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END,"
			     " status FROM staff WHERE tenant = $1 AND id = $2",
			     v, 2, e);
	if (rc)
		return rc;
	unsigned char sealed[AUTH_SEALED_LEN];
	size_t n = 0;
	int have = 0, enrolled = 0, active = 0;
	int64_t at = 0;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		const void *b = store_col_isnull(r, 0) ? NULL : store_col_blob(r, 0, &n);
		if (b && n == AUTH_SEALED_LEN) {
			memcpy(sealed, b, n);
			have = 1;
		}
		at = store_col_int(r, 1);
		enrolled = store_col_int(r, 2) != 0;
		active = strcmp(store_col_text(r, 3), "active") == 0;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0 || !active)
		return err_set(e, ERR_DENIED, "staff %lld not found or disabled",
			       (long long)ses->account_id);
	if ((rc = may_enrol(ses, enrolled, e)))
		return rc;
	if (enrolled)
		return err_set(e, ERR_DENIED, "staff %lld has a second factor: replacing"
			       " it needs re-authentication (auth_totp_replace_confirm)",
			       (long long)ses->account_id);
	if (!have || at + c->enrol_pending_secs <= now) {
		out->outcome = AUTH_OUT_BAD_CODE;
		return err_set(e, ERR_AUTH, "no pending TOTP enrolment for staff %lld",
			       (long long)ses->account_id);
	}
	unsigned char secret[AUTH_TOTP_SECRET_LEN];
	if ((rc = auth_unseal(secret, c, sealed, n, e)))
		return rc;
	int64_t step = 0;
	rc = auth_totp_check_code(&step, secret, sizeof secret, code, now,
				  c->totp_window, NULL);
	sodium_memzero(secret, sizeof secret);
	if (rc) {
		out->outcome = AUTH_OUT_BAD_CODE;
		return err_set(e, ERR_AUTH, "TOTP confirmation code wrong (staff %lld)",
			       (long long)ses->account_id);
	}
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val u[] = { sv_int(step), sv_int(ses->account_id),
				 sv_blob(sealed, sizeof sealed) };
	rc = store_exec(s, "UPDATE staff SET totp_secret = totp_pending,"
			" totp_pending = NULL, totp_pending_at = 0, must_enrol = 0,"
			" totp_last_step = $1 WHERE id = $2 AND totp_pending = $3",
			u, 3, e);
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "TOTP enrolment changed meanwhile");
	if (rc > 0)
		rc = auth_recovery_store_new(codes, s, ses->tenant, ses->account_id, e);
	/* the first code of the new factor completes a full login */
	if (rc == 0)
		rc = auth_reset_failures(s, AUTH_KIND_STAFF, ses->account_id, e);
	if (rc == 0)
		rc = full_session_instead(out, s, c, ses, now, e);
	rc = auth_tx_end(own, rc, s, e);
	if (rc) {
		install_failed(out, codes);
		return rc;
	}
	out->outcome = AUTH_OUT_OK;
	auth_ev_add(ev, AUTH_EV_TOTP_ENROLLED, ses->tenant, ses->account_id, NULL,
		    NULL, 0);
	auth_ev_add(ev, AUTH_EV_RECOVERY_REGENERATED, ses->tenant, ses->account_id,
		    NULL, NULL, AUTH_RECOVERY_CODES);
	return 0;
}

int auth_totp_replace_confirm(struct auth_totp_confirmed *done,
			      struct store *s, const struct auth_config *c,
			      const struct auth_totp_replace_in *in, int64_t now,
			      struct auth_events *ev, struct err *e)
{
	struct auth_login *out = &done->login;
	struct auth_recovery_codes *codes = &done->codes;
	const struct auth_session *ses = in->ses;
	const char *password = in->password;
	memset(out, 0, sizeof *out);
	memset(codes, 0, sizeof *codes);
	out->kind = AUTH_KIND_STAFF;
	out->account_id = ses->account_id;
	struct store_rows *r;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id) };
	int rc = store_query(&r, s, "SELECT totp_pending, totp_pending_at,"
			     " totp_secret, status, locked_until, password_hash"
			     " FROM staff WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc)
		return rc;
	unsigned char pending[AUTH_SEALED_LEN], current[AUTH_SEALED_LEN];
	char hash[AUTH_HASH_MAX] = "";
	size_t n = 0;
	int have = 0, enrolled = 0, active = 0;
	int64_t at = 0, locked_until = 0;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		const void *b = store_col_isnull(r, 0) ? NULL : store_col_blob(r, 0, &n);
		if (b && n == AUTH_SEALED_LEN) {
			memcpy(pending, b, n);
			have = 1;
		}
		at = store_col_int(r, 1);
		b = store_col_isnull(r, 2) ? NULL : store_col_blob(r, 2, &n);
		if (b && n == AUTH_SEALED_LEN) {
			memcpy(current, b, n);
			enrolled = 1;
		}
		active = strcmp(store_col_text(r, 3), "active") == 0;
		locked_until = store_col_int(r, 4);
		snprintf(hash, sizeof hash, "%s", store_col_text(r, 5));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0 || !active)
		rc = err_set(e, ERR_DENIED, "staff %lld not found or disabled",
			     (long long)ses->account_id);
	else if (!enrolled)
		rc = err_set(e, ERR_DENIED, "staff %lld has no second factor to replace",
			     (long long)ses->account_id);
	else
		rc = may_enrol(ses, enrolled, e);
	if (rc)
		goto out;
	if (locked_until > now) {
		(void)auth_password_verify(c->dummy_hash, password ? password : "", NULL);
		out->outcome = AUTH_OUT_LOCKED;
		rc = err_set(e, ERR_AUTH, "staff %lld locked", (long long)ses->account_id);
		goto out;
	}
	/* the new factor's first code: a typing slip, not a guess at a
	 * secret, so it is not counted */
	int64_t step = 0;
	if (!have || at + c->enrol_pending_secs <= now) {
		out->outcome = AUTH_OUT_BAD_CODE;
		rc = err_set(e, ERR_AUTH, "no pending TOTP enrolment for staff %lld",
			     (long long)ses->account_id);
		goto out;
	}
	unsigned char secret[AUTH_TOTP_SECRET_LEN];
	if ((rc = auth_unseal(secret, c, pending, sizeof pending, e)))
		goto out;
	rc = auth_totp_check_code(&step, secret, sizeof secret,
				  in->new_code ? in->new_code : "", now, c->totp_window, NULL);
	sodium_memzero(secret, sizeof secret);
	if (rc) {
		out->outcome = AUTH_OUT_BAD_CODE;
		rc = err_set(e, ERR_AUTH, "new TOTP confirmation code wrong (staff %lld)",
			     (long long)ses->account_id);
		goto out;
	}
	/* re-authentication: the password, then the current factor; each
	 * failure counts towards the lockout like a failed login */
	int ok = auth_password_verify(hash, password ? password : "", NULL) == 0;
	if (ok) {
		enum auth_outcome bad;
		ok = auth_second_factor_use(&bad, out, s, c,
					    &(struct auth_second_factor_in){
						    .staff_id = ses->account_id,
						    .sealed = current, .sealed_len = sizeof current,
						    .code = in->current_code },
					    now, e);
		if (ok < 0) {
			rc = ok;
			goto out;
		}
	}
	if (!ok) {
		rc = auth_fail_account(&out->locked_now, s, c, AUTH_KIND_STAFF,
				       ses->account_id, now, e);
		if (rc)
			goto out;
		out->outcome = AUTH_OUT_BAD_CREDENTIALS;
		rc = err_set(e, ERR_AUTH, "staff %lld: re-authentication for a new second"
			     " factor failed", (long long)ses->account_id);
		goto out;
	}
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		goto out;
	struct store_val u[] = { sv_int(step), sv_int(now), sv_int(ses->account_id),
				 sv_blob(pending, sizeof pending) };
	rc = store_exec(s, "UPDATE staff SET totp_secret = totp_pending,"
			" totp_pending = NULL, totp_pending_at = 0, must_enrol = 0,"
			" totp_last_step = $1, totp_changed_at = $2,"
			" failed_count = 0, locked_until = 0"
			" WHERE id = $3 AND totp_pending = $4", u, 4, e);
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "TOTP enrolment changed meanwhile");
	if (rc > 0)
		rc = auth_recovery_store_new(codes, s, ses->tenant, ses->account_id, e);
	int killed = 0;
	if (rc == 0)
		rc = killed = auth_sessions_kill_account(s, ses->tenant, AUTH_KIND_STAFF,
							 ses->account_id, ses->id, e);
	if (rc >= 0)
		rc = full_session_instead(out, s, c, ses, now, e);
	rc = auth_tx_end(own, rc, s, e);
	if (rc) {
		install_failed(out, codes);
		goto out;
	}
	out->outcome = AUTH_OUT_OK;
	auth_ev_add(ev, AUTH_EV_TOTP_REPLACED, ses->tenant, ses->account_id, NULL,
		    NULL, out->used_recovery_code);
	auth_ev_add(ev, AUTH_EV_RECOVERY_REGENERATED, ses->tenant, ses->account_id,
		    NULL, NULL, AUTH_RECOVERY_CODES);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, ses->tenant, ses->account_id,
			    NULL, NULL, killed);
out:
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int auth_totp_reset(struct store *s, const char *tenant, int64_t staff_id,
		    struct auth_events *ev, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id) };
	rc = store_exec(s, "UPDATE staff SET totp_secret = NULL, totp_pending = NULL,"
			" totp_pending_at = 0 WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "staff %lld not found", (long long)staff_id);
	struct store_val d[] = { sv_int(staff_id) };
	if (rc > 0)
		rc = store_exec(s, "DELETE FROM recovery_codes WHERE staff_id = $1",
				d, 1, e);
	int killed = 0;
	if (rc >= 0)
		rc = killed = auth_sessions_kill_account(s, tenant, AUTH_KIND_STAFF,
							 staff_id, 0, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	auth_ev_add(ev, AUTH_EV_TOTP_RESET, tenant, staff_id, NULL, NULL, 0);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, tenant, staff_id, NULL, NULL,
			    killed);
	return 0;
}

/* ---- recovery codes --------------------------------------------------- */

/* normalise to RC_CHARS symbols (Crockford: i l → 1, o → 0, case folded,
 * '-' and ' ' ignored); 0 or -1 */
static int rc_normalise(char out[RC_CHARS + 1], const char *in)
{
	int n = 0;
	for (size_t i = 0; in[i]; i++) {
		if (i >= 32)
			return -1;
		char ch = in[i];
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch == 'i' || ch == 'l')
			ch = '1';
		else if (ch == 'o')
			ch = '0';
		if (!strchr(RC_SYMBOLS, ch) || ch == '\0' || n == RC_CHARS)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == RC_CHARS ? 0 : -1;
}

int auth_recovery_store_new(struct auth_recovery_codes *codes, struct store *s,
			    const char *tenant, int64_t staff_id, struct err *e)
{
	struct store_val d[] = { sv_int(staff_id) };
	int rc = store_exec(s, "DELETE FROM recovery_codes WHERE staff_id = $1",
			    d, 1, e);
	if (rc < 0)
		return rc;
	for (int k = 0; k < AUTH_RECOVERY_CODES; k++) {
		char raw[RC_CHARS + 1], hash[65];
		for (int i = 0; i < RC_CHARS; i++)
			raw[i] = RC_SYMBOLS[randombytes_uniform(32)];
		raw[RC_CHARS] = '\0';
		snprintf(codes->code[k], sizeof codes->code[k], "%.4s-%.4s-%.4s-%.4s",
			 raw, raw + 4, raw + 8, raw + 12);
		auth_sha256_hex(hash, raw, RC_CHARS);
		sodium_memzero(raw, sizeof raw);
		struct store_val v[] = { sv_text(tenant), sv_int(staff_id),
					 sv_text(hash) };
		rc = store_exec(s, "INSERT INTO recovery_codes (tenant, staff_id,"
				" code_hash) VALUES ($1, $2, $3)", v, 3, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int auth_recovery_use(int *left, struct store *s, int64_t staff_id,
		      const char *code, int64_t now, struct err *e)
{
	char norm[RC_CHARS + 1], hash[65];
	*left = 0;
	if (rc_normalise(norm, code) != 0)
		return 0;
	auth_sha256_hex(hash, norm, RC_CHARS);
	sodium_memzero(norm, sizeof norm);
	struct store_val v[] = { sv_int(now), sv_int(staff_id), sv_text(hash) };
	int rc = store_exec(s, "UPDATE recovery_codes SET used_at = $1"
			    " WHERE staff_id = $2 AND code_hash = $3 AND used_at = 0",
			    v, 3, e);
	if (rc <= 0)
		return rc;
	int64_t n = 0;
	struct store_val c[] = { sv_int(staff_id) };
	rc = store_query_int(&n, s, "SELECT count(*) FROM recovery_codes"
			     " WHERE staff_id = $1 AND used_at = 0", c, 1, e);
	if (rc)
		return rc;
	*left = (int)n;
	return 1;
}

int auth_recovery_codes_regenerate(struct auth_recovery_codes *codes,
				   struct store *s,
				   const struct auth_session *ses,
				   struct auth_events *ev, struct err *e)
{
	memset(codes, 0, sizeof *codes);
	if (ses->kind != AUTH_KIND_STAFF || ses->stage != AUTH_STAGE_FULL ||
	    !ses->mfa_ok)
		return err_set(e, ERR_DENIED, "session %lld: needs a full 2FA session",
			       (long long)ses->id);
	int own, rc = auth_tx_begin(&own, s, e);
	if (rc)
		return rc;
	int64_t enrolled = 0;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id) };
	rc = store_query_int(&enrolled, s, "SELECT count(*) FROM staff"
			     " WHERE tenant = $1 AND id = $2"
			     " AND totp_secret IS NOT NULL", v, 2, e);
	if (rc == 0 && !enrolled)
		rc = err_set(e, ERR_DENIED, "staff %lld not enrolled",
			     (long long)ses->account_id);
	if (rc == 0)
		rc = auth_recovery_store_new(codes, s, ses->tenant, ses->account_id, e);
	rc = auth_tx_end(own, rc, s, e);
	if (rc) {
		sodium_memzero(codes, sizeof *codes);
		return rc;
	}
	auth_ev_add(ev, AUTH_EV_RECOVERY_REGENERATED, ses->tenant, ses->account_id,
		    NULL, NULL, AUTH_RECOVERY_CODES);
	return 0;
}
