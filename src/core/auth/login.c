/*
 * login.c -- the login state machine and throttling.
 *
 *   password ──ok──▶ enrolled in TOTP?  ─yes─▶ session TOTP (pending, 5 min)
 *                                        │          │ code ok (TOTP or recovery)
 *                                        │          ▼
 *                                        │     new session FULL, mfa_ok
 *                                        no
 *                                        ├─ a role needs 2FA ─▶ session ENROL (enrolment only)
 *                                        └─ otherwise ────────▶ session FULL, no mfa_ok
 *
 * Invariants:
 *   - Per account: failed_count and locked_until live in the account row
 *     (shared by every server); the increment is one UPDATE, so
 *     concurrent failures are all counted.  max_failures consecutive
 *     failures lock the account for lockout_secs; while locked, the
 *     password is not even compared, and the answer is ERR_AUTH whatever
 *     was typed.  Only a full login resets the counter: the password of
 *     an account without a second factor, or the password AND the code
 *     (TOTP or recovery) of one with it.  A right password before the
 *     code resets nothing, so wrong codes keep counting across logins.
 *     Wrong TOTP / recovery codes count as failures too.
 *   - Per source address: every failure adds a row to login_failures
 *     (source hashed); source_max_failures in source_window_secs throttle
 *     every login from that address across all tenants.  Successes do not
 *     clear it.
 *   - An unknown, disabled or locked account costs one Argon2id
 *     verification (of cfg->dummy_hash) like a known one.
 *   - A TOTP step is accepted at most once per account: totp_last_step
 *     only grows, by a conditional UPDATE.
 *   - Success always issues a new session token (no fixation): the
 *     pending session is deleted and a new one created.
 */
#include "core/auth/auth_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *table_of(enum auth_kind k)
{
	return k == AUTH_KIND_RESIDENT ? "residents" : "staff";
}

/* the address hashed with a 16-byte key: "madoguchi-source" for login
 * failures, another for registrations, so each counts apart in one table */
static void keyed_source_hash(char out[33], const char *source, const char *key)
{
	unsigned char h[16];
	if (!source || !*source)
		source = "-";
	size_t n = strnlen(source, AUTH_SOURCE_MAX);
	crypto_generichash(h, sizeof h, (const unsigned char *)source, n,
			   (const unsigned char *)key, 16);
	sodium_bin2hex(out, 33, h, sizeof h);
}

static void source_hash(char out[33], const char *source)
{
	keyed_source_hash(out, source, "madoguchi-source");
}

int auth_register_attempt(struct store *s, const struct auth_config *c,
			  const char *tenant, const char *source, int64_t now,
			  struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	char h[33];
	keyed_source_hash(h, source, "madoguchi-regist");
	int64_t n = 0;
	struct store_val v[] = { sv_text(h), sv_int(now - c->source_window_secs) };
	rc = store_query_int(&n, s, "SELECT count(*) FROM login_failures"
			     " WHERE source_hash = $1 AND at > $2", v, 2, e);
	if (rc)
		return rc;
	if (n >= c->register_max_per_source)
		return err_set(e, ERR_LIMIT, "%lld registrations from one source"
			       " address in %lld s", (long long)n,
			       (long long)c->source_window_secs);
	struct store_val w[] = { sv_text(tenant), sv_text(h), sv_int(now) };
	rc = store_exec(s, "INSERT INTO login_failures (tenant, source_hash, at)"
			" VALUES ($1, $2, $3)", w, 3, e);
	return rc < 0 ? rc : 0;
}

int auth_source_throttled(struct store *s, const struct auth_config *c,
			  const char *source, int64_t now, struct err *e)
{
	char h[33];
	source_hash(h, source);
	int64_t n = 0;
	struct store_val v[] = { sv_text(h), sv_int(now - c->source_window_secs) };
	int rc = store_query_int(&n, s, "SELECT count(*) FROM login_failures"
				 " WHERE source_hash = $1 AND at > $2", v, 2, e);
	if (rc)
		return rc;
	return n >= c->source_max_failures;
}

int auth_fail_source(struct store *s, const char *tenant, const char *source,
		     int64_t now, struct err *e)
{
	char h[33];
	source_hash(h, source);
	struct store_val v[] = { sv_text(tenant), sv_text(h), sv_int(now) };
	int rc = store_exec(s, "INSERT INTO login_failures (tenant, source_hash, at)"
			    " VALUES ($1, $2, $3)", v, 3, e);
	return rc < 0 ? rc : 0;
}

int auth_fail_account(int *locked_now, struct store *s,
		      const struct auth_config *c, enum auth_kind kind,
		      int64_t id, int64_t now, struct err *e)
{
	char sql[320];
	snprintf(sql, sizeof sql,
		 "UPDATE %s SET failed_count = failed_count + 1,"
		 " locked_until = CASE WHEN failed_count + 1 >= CAST($2 AS INTEGER)"
		 " THEN CAST($3 AS BIGINT) ELSE locked_until END"
		 " WHERE id = $1 RETURNING failed_count", table_of(kind));
	struct store_val v[] = { sv_int(id), sv_int(c->max_failures),
				 sv_int(now + c->lockout_secs) };
	int64_t count = 0;
	int rc = store_query_int(&count, s, sql, v, 3, e);
	if (locked_now)
		*locked_now = rc == 0 && count == c->max_failures;
	return rc;
}

int auth_reset_failures(struct store *s, enum auth_kind kind, int64_t id,
			struct err *e)
{
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE %s SET failed_count = 0,"
		 " locked_until = 0 WHERE id = $1", table_of(kind));
	struct store_val v[] = { sv_int(id) };
	int rc = store_exec(s, sql, v, 1, e);
	return rc < 0 ? rc : 0;
}

/* The account row as the login needs it. */
struct acct {
	int64_t id;
	int active;
	char hash[AUTH_HASH_MAX];
	int failed;
	int64_t locked_until;
	int enrolled;
	char ident[AUTH_EMAIL_MAX + 1];
	int must_password;                 /* staff: reset by an administrator */
	int must_enrol;
};

/* 1 found, 0 not, < 0 error.  By ident (id == 0) or by id. */
static int load_acct(struct acct *a, struct store *s, enum auth_kind kind,
		     const char *tenant, const char *ident, int64_t id,
		     struct err *e)
{
	memset(a, 0, sizeof *a);
	const char *sql;
	if (kind == AUTH_KIND_STAFF)
		sql = id ? "SELECT id, status, password_hash, failed_count,"
			   " locked_until, CASE WHEN totp_secret IS NULL THEN 0"
			   " ELSE 1 END, login, must_change_password, must_enrol FROM staff"
			   " WHERE tenant = $1 AND id = $2"
			 : "SELECT id, status, password_hash, failed_count,"
			   " locked_until, CASE WHEN totp_secret IS NULL THEN 0"
			   " ELSE 1 END, login, must_change_password, must_enrol FROM staff"
			   " WHERE tenant = $1 AND login = $2";
	else
		sql = id ? "SELECT id, status, password_hash, failed_count,"
			   " locked_until, 0, email, 0, 0 FROM residents"
			   " WHERE tenant = $1 AND id = $2"
			 : "SELECT id, status, password_hash, failed_count,"
			   " locked_until, 0, email, 0, 0 FROM residents"
			   " WHERE tenant = $1 AND email = $2";
	struct store_val v[] = { sv_text(tenant), id ? sv_int(id) : sv_text(ident) };
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		a->id = store_col_int(r, 0);
		a->active = strcmp(store_col_text(r, 1), "active") == 0;
		snprintf(a->hash, sizeof a->hash, "%s", store_col_text(r, 2));
		a->failed = (int)store_col_int(r, 3);
		a->locked_until = store_col_int(r, 4);
		a->enrolled = store_col_int(r, 5) != 0;
		snprintf(a->ident, sizeof a->ident, "%s", store_col_text(r, 6));
		a->must_password = store_col_int(r, 7) != 0;
		a->must_enrol = store_col_int(r, 8) != 0;
	}
	store_rows_free(r);
	return rc;
}

static void dummy_verify(const struct auth_config *c, const char *password)
{
	(void)auth_password_verify(c->dummy_hash, password ? password : "", NULL);
}

static int fail(struct auth_login *out, enum auth_outcome o, struct err *e,
		const char *what)
{
	out->outcome = o;
	sodium_memzero(out->token, sizeof out->token);
	return err_set(e, ERR_AUTH, "login failed: %s (account %lld)", what,
		       (long long)out->account_id);
}

/* A password attempt, staff or resident: ident is the normalised login
 * or e-mail address, NULL when what was typed is not one (an unknown
 * account). */
struct pw_attempt {
	enum auth_kind kind;
	const char *tenant;
	const char *ident;
	const char *password;
	const char *source;
};

/* The password step shared by staff and residents.  0: password right,
 * *a filled; ERR_AUTH with out->outcome set; other errors. */
static int password_step(struct acct *a, struct auth_login *out,
			 struct store *s, const struct auth_config *c,
			 const struct pw_attempt *in, int64_t now, struct err *e)
{
	enum auth_kind kind = in->kind;
	const char *tenant = in->tenant, *ident = in->ident;
	const char *password = in->password, *source = in->source;
	int rc = auth_source_throttled(s, c, source, now, e);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return fail(out, AUTH_OUT_THROTTLED, e, "throttled source");
	int found = 0;
	if (ident) {
		found = load_acct(a, s, kind, tenant, ident, 0, e);
		if (found < 0)
			return found;
	}
	if (!found || !a->active || a->locked_until > now) {
		dummy_verify(c, password);
		rc = auth_fail_source(s, tenant, source, now, e);
		if (rc)
			return rc;
		if (!found)
			return fail(out, AUTH_OUT_BAD_CREDENTIALS, e, "unknown account");
		out->account_id = a->id;
		if (!a->active)
			return fail(out, AUTH_OUT_DISABLED, e, "account disabled");
		return fail(out, AUTH_OUT_LOCKED, e, "account locked");
	}
	out->account_id = a->id;
	if (a->locked_until != 0) {
		/* the lockout is over: start counting afresh */
		rc = auth_reset_failures(s, kind, a->id, e);
		if (rc)
			return rc;
		a->failed = 0;
	}
	if (auth_password_verify(a->hash, password, NULL) != 0) {
		rc = auth_fail_account(&out->locked_now, s, c, kind, a->id, now, e);
		if (rc)
			return rc;
		rc = auth_fail_source(s, tenant, source, now, e);
		if (rc)
			return rc;
		return fail(out, AUTH_OUT_BAD_CREDENTIALS, e, "wrong password");
	}
	/* the counter is cleared by the caller once the login is full, not
	 * here: a second factor may still be owed */
	if (crypto_pwhash_str_needs_rehash(a->hash, c->opslimit, c->memlimit) != 0) {
		/* the configured cost changed: upgrade the stored hash */
		char h[AUTH_HASH_MAX];
		rc = auth_password_hash(h, c, password, e);
		if (rc)
			return rc;
		char sql[96];
		snprintf(sql, sizeof sql, "UPDATE %s SET password_hash = $1"
			 " WHERE id = $2", table_of(kind));
		struct store_val v[] = { sv_text(h), sv_int(a->id) };
		rc = store_exec(s, sql, v, 2, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int auth_staff_next_stage(enum auth_stage *stage, enum auth_outcome *outcome,
			  struct store *s, const char *tenant, int64_t id,
			  int enrolled, int must_enrol, struct err *e)
{
	*stage = AUTH_STAGE_FULL;
	*outcome = AUTH_OUT_OK;
	if (enrolled) {
		*stage = AUTH_STAGE_TOTP;
		*outcome = AUTH_OUT_TOTP_NEEDED;
		return 0;
	}
	int rc = must_enrol ? 1 : auth_staff_needs_mfa(s, tenant, id, e);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		*stage = AUTH_STAGE_ENROL;
		*outcome = AUTH_OUT_ENROL_NEEDED;
	}
	return 0;
}

int auth_staff_login(struct auth_login *out, struct store *s,
		     const struct auth_config *c,
		     const struct auth_staff_login_in *in, int64_t now,
		     struct err *e)
{
	const char *tenant = in->tenant;
	memset(out, 0, sizeof *out);
	out->kind = AUTH_KIND_STAFF;
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	char norm[AUTH_LOGIN_MAX + 1];
	int ok = auth_norm_login(norm, in->login, NULL) == 0;
	struct acct a;
	rc = password_step(&a, out, s, c,
			   &(struct pw_attempt){ .kind = AUTH_KIND_STAFF, .tenant = tenant,
						 .ident = ok ? norm : NULL,
						 .password = in->password,
						 .source = in->source },
			   now, e);
	sodium_memzero(a.hash, sizeof a.hash);
	if (rc)
		return rc;
	enum auth_stage stage = AUTH_STAGE_FULL;
	out->outcome = AUTH_OUT_OK;
	if (a.must_password) {
		/* reset by an administrator: a new password first */
		stage = AUTH_STAGE_PASSWORD;
		out->outcome = AUTH_OUT_PASSWORD_NEEDED;
	} else {
		rc = auth_staff_next_stage(&stage, &out->outcome, s, tenant, a.id,
					   a.enrolled, a.must_enrol, e);
		if (rc)
			return rc;
	}
	if (stage == AUTH_STAGE_FULL && a.failed) {
		/* no second factor: the password was the whole login */
		rc = auth_reset_failures(s, AUTH_KIND_STAFF, a.id, e);
		if (rc)
			return rc;
	}
	rc = auth_session_create(out, s, c,
				 &(struct auth_session_new){ .tenant = tenant,
							     .kind = AUTH_KIND_STAFF,
							     .account_id = a.id, .stage = stage },
				 now, e);
	if (rc)
		out->outcome = AUTH_OUT_NONE;
	return rc;
}

int auth_resident_login(struct auth_login *out, struct store *s,
			const struct auth_config *c,
			const struct auth_resident_login_in *in, int64_t now,
			struct err *e)
{
	const char *tenant = in->tenant;
	memset(out, 0, sizeof *out);
	out->kind = AUTH_KIND_RESIDENT;
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	char norm[AUTH_EMAIL_MAX + 1];
	int ok = auth_norm_email(norm, in->email, NULL) == 0;
	struct acct a;
	rc = password_step(&a, out, s, c,
			   &(struct pw_attempt){ .kind = AUTH_KIND_RESIDENT, .tenant = tenant,
						 .ident = ok ? norm : NULL,
						 .password = in->password,
						 .source = in->source },
			   now, e);
	sodium_memzero(a.hash, sizeof a.hash);
	sodium_memzero(norm, sizeof norm);
	if (rc)
		return rc;
	out->outcome = AUTH_OUT_OK;
	if (a.failed) {
		rc = auth_reset_failures(s, AUTH_KIND_RESIDENT, a.id, e);
		if (rc)
			return rc;
	}
	rc = auth_session_create(out, s, c,
				 &(struct auth_session_new){ .tenant = tenant,
							     .kind = AUTH_KIND_RESIDENT,
							     .account_id = a.id,
							     .stage = AUTH_STAGE_FULL },
				 now, e);
	if (rc)
		out->outcome = AUTH_OUT_NONE;
	return rc;
}

/* a 6-digit code (spaces allowed between digit groups) into digits[7] */
static int as_totp(char digits[AUTH_TOTP_DIGITS + 1], const char *code)
{
	int n = 0;
	for (size_t i = 0; code[i] && i < 32; i++) {
		if (code[i] == ' ')
			continue;
		if (code[i] < '0' || code[i] > '9' || n == AUTH_TOTP_DIGITS)
			return 0;
		digits[n++] = code[i];
	}
	digits[n] = '\0';
	return n == AUTH_TOTP_DIGITS;
}

int auth_second_factor_use(enum auth_outcome *bad, struct auth_login *out,
			   struct store *s, const struct auth_config *c,
			   const struct auth_second_factor_in *in, int64_t now,
			   struct err *e)
{
	const char *code = in->code;
	int64_t staff_id = in->staff_id;
	*bad = AUTH_OUT_BAD_CODE;
	out->used_recovery_code = 0;
	int ok = 0, rc;
	char digits[AUTH_TOTP_DIGITS + 1];
	if (code && as_totp(digits, code)) {
		unsigned char secret[AUTH_TOTP_SECRET_LEN];
		rc = auth_unseal(secret, c, in->sealed, in->sealed_len, e);
		if (rc)
			return rc;
		int64_t step = 0;
		ok = auth_totp_check_code(&step, secret, sizeof secret, digits, now,
					  c->totp_window, NULL) == 0;
		sodium_memzero(secret, sizeof secret);
		sodium_memzero(digits, sizeof digits);
		if (ok) {
			struct store_val u[] = { sv_int(step), sv_int(staff_id) };
			rc = store_exec(s, "UPDATE staff SET totp_last_step = $1"
					" WHERE id = $2 AND totp_last_step < $1", u, 2, e);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				ok = 0;
				*bad = AUTH_OUT_CODE_REUSED;
			}
		}
	} else if (code) {
		rc = auth_recovery_use(&out->recovery_codes_left, s, staff_id, code, now, e);
		if (rc < 0)
			return rc;
		ok = rc == 1;
		out->used_recovery_code = ok;
	}
	return ok;
}

/* Replace the session `old` (a staff member's pending one) by a new FULL
 * one of the same tenant and account with mfa_ok. */
static int upgrade_session(struct auth_login *out, struct store *s,
			   const struct auth_config *c,
			   const struct auth_session *old, int64_t now,
			   struct err *e)
{
	const char *tenant = old->tenant;
	int64_t staff_id = old->account_id, old_id = old->id;
	int own, rc = auth_tx_begin(&own, s, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_int(old_id) };
	rc = store_exec(s, "DELETE FROM sessions WHERE id = $1", v, 1, e);
	if (rc == 0)
		rc = err_set(e, ERR_AUTH, "session %lld vanished", (long long)old_id);
	if (rc > 0)
		rc = auth_reset_failures(s, AUTH_KIND_STAFF, staff_id, e);
	if (rc == 0)
		rc = auth_session_create(out, s, c,
					 &(struct auth_session_new){ .tenant = tenant,
								     .kind = AUTH_KIND_STAFF,
								     .account_id = staff_id,
								     .stage = AUTH_STAGE_FULL,
								     .mfa_ok = 1 },
					 now, e);
	return auth_tx_end(own, rc, s, e);
}

int auth_staff_login_code(struct auth_login *out, struct store *s,
			  const struct auth_config *c,
			  const struct auth_session *pending,
			  const struct auth_login_code_in *in, int64_t now,
			  struct err *e)
{
	const char *code = in->code, *source = in->source;
	memset(out, 0, sizeof *out);
	out->kind = AUTH_KIND_STAFF;
	if (pending->kind != AUTH_KIND_STAFF || pending->stage != AUTH_STAGE_TOTP)
		return err_set(e, ERR_DENIED, "session %lld is not awaiting a code",
			       (long long)pending->id);
	out->account_id = pending->account_id;
	const char *tenant = pending->tenant;
	int rc = auth_source_throttled(s, c, source, now, e);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return fail(out, AUTH_OUT_THROTTLED, e, "throttled source");
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_int(pending->account_id) };
	rc = store_query(&r, s, "SELECT status, locked_until, totp_secret"
			 " FROM staff WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	int active = 0, have_secret = 0;
	int64_t locked_until = 0;
	unsigned char sealed[AUTH_SEALED_LEN];
	size_t sealed_len = 0;
	if (rc == 1) {
		active = strcmp(store_col_text(r, 0), "active") == 0;
		locked_until = store_col_int(r, 1);
		if (!store_col_isnull(r, 2)) {
			const void *b = store_col_blob(r, 2, &sealed_len);
			if (b && sealed_len == AUTH_SEALED_LEN) {
				memcpy(sealed, b, sealed_len);
				have_secret = 1;
			}
		}
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	struct store_val kill[] = { sv_int(pending->id) };
	if (rc == 0 || !active || locked_until > now || !have_secret) {
		rc = store_exec(s, "DELETE FROM sessions WHERE id = $1", kill, 1, e);
		if (rc < 0)
			return rc;
		rc = auth_fail_source(s, tenant, source, now, e);
		if (rc)
			return rc;
		if (locked_until > now)
			return fail(out, AUTH_OUT_LOCKED, e, "account locked");
		if (!active)
			return fail(out, AUTH_OUT_DISABLED, e, "account disabled");
		return fail(out, AUTH_OUT_BAD_CODE, e, "no TOTP secret");
	}
	enum auth_outcome bad = AUTH_OUT_BAD_CODE;
	int ok = auth_second_factor_use(&bad, out, s, c,
					&(struct auth_second_factor_in){
						.staff_id = pending->account_id,
						.sealed = sealed, .sealed_len = sealed_len,
						.code = code },
					now, e);
	if (ok < 0)
		return ok;
	if (!ok) {
		rc = auth_fail_account(&out->locked_now, s, c, AUTH_KIND_STAFF,
				       pending->account_id, now, e);
		if (rc)
			return rc;
		rc = auth_fail_source(s, tenant, source, now, e);
		if (rc)
			return rc;
		if (out->locked_now) {
			rc = store_exec(s, "DELETE FROM sessions WHERE id = $1", kill, 1, e);
			if (rc < 0)
				return rc;
		}
		return fail(out, bad, e, bad == AUTH_OUT_CODE_REUSED
				 ? "TOTP step already used" : "wrong code");
	}
	rc = upgrade_session(out, s, c, pending, now, e);
	if (rc) {
		out->outcome = AUTH_OUT_NONE;
		return rc;
	}
	out->outcome = AUTH_OUT_OK;
	return 0;
}

/* The session's own account and its password as typed, for a change or
 * a confirmation: 0 right (*a filled, its hash wiped); ERR_AUTH wrong
 * (counted), locked, disabled or gone; ERR_DENIED not fully logged in. */
static int current_password(struct acct *a, struct store *s, const struct auth_config *c,
			    const struct auth_session *ses, const char *current, int64_t now,
			    struct err *e)
{
	memset(a, 0, sizeof *a);
	if (ses->stage != AUTH_STAGE_FULL)
		return err_set(e, ERR_DENIED, "session %lld not fully logged in",
			       (long long)ses->id);
	int rc = load_acct(a, s, ses->kind, ses->tenant, NULL, ses->account_id, e);
	if (rc < 0)
		return rc;
	if (rc == 0 || !a->active) {
		dummy_verify(c, current);
		return err_set(e, ERR_AUTH, "account %lld gone or disabled",
			       (long long)ses->account_id);
	}
	if (a->locked_until > now) {
		sodium_memzero(a->hash, sizeof a->hash);
		dummy_verify(c, current);
		return err_set(e, ERR_AUTH, "account %lld locked",
			       (long long)a->id);
	}
	if (auth_password_verify(a->hash, current ? current : "", NULL) != 0) {
		sodium_memzero(a->hash, sizeof a->hash);
		rc = auth_fail_account(NULL, s, c, ses->kind, a->id, now, e);
		if (rc)
			return rc;
		return err_set(e, ERR_AUTH, "account %lld: wrong current password",
			       (long long)a->id);
	}
	sodium_memzero(a->hash, sizeof a->hash);
	return 0;
}

int auth_password_confirm(struct store *s, const struct auth_config *c,
			  const struct auth_session *ses, const char *password,
			  int64_t now, struct err *e)
{
	struct acct a;
	int rc = current_password(&a, s, c, ses, password, now, e);
	sodium_memzero(&a, sizeof a);
	return rc;
}

int auth_password_change(struct store *s, const struct auth_config *c,
			 const struct auth_session *ses,
			 const struct auth_password_change_in *in, int64_t now,
			 struct auth_events *ev, struct err *e)
{
	const char *current = in->current, *new_password = in->new_password;
	struct acct a;
	int rc = current_password(&a, s, c, ses, current, now, e);
	if (rc) {
		sodium_memzero(a.ident, sizeof a.ident);
		return rc;
	}
	rc = auth_password_check(NULL, c, new_password, a.ident, e);
	sodium_memzero(a.ident, sizeof a.ident);
	if (rc)
		return rc;
	if (strcmp(current, new_password) == 0)
		return err_set(e, ERR_INVALID, "new password equals the current one");
	char h[AUTH_HASH_MAX];
	rc = auth_password_hash(h, c, new_password, e);
	if (rc)
		return rc;
	int own;
	rc = auth_tx_begin(&own, s, e);
	if (rc)
		return rc;
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE %s SET password_hash = $1,"
		 " password_changed_at = $2, failed_count = 0 WHERE id = $3",
		 table_of(ses->kind));
	struct store_val v[] = { sv_text(h), sv_int(now), sv_int(a.id) };
	rc = store_exec(s, sql, v, 3, e);
	int killed = 0;
	if (rc >= 0)
		rc = killed = auth_sessions_kill_account(s, ses->tenant, ses->kind,
							 a.id, ses->id, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	auth_ev_add(ev, AUTH_EV_PASSWORD_CHANGED, ses->tenant, a.id, NULL, NULL, 0);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, ses->tenant, a.id, NULL,
			    NULL, killed);
	return 0;
}
