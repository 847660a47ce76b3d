/*
 * test_hardening.c -- issue #12 in src/core/auth, on the database
 * MADOGUCHI_TEST_DB names (default a fresh SQLite file; on PostgreSQL in
 * the schema mg_authhard_test):
 *   - who may give a role: every permission of it held, or roles.manage;
 *     auth_staff_add_by / auth_staff_role_grant_by refuse the rest and
 *     create nothing;
 *   - grant and revoke name a staff id of the caller's tenant (another
 *     tenant's id: ERR_NOTFOUND, nothing changes);
 *   - wrong second-factor codes count until a full login: a right password
 *     before the code resets nothing;
 *   - replacing a second factor needs the password and a current code
 *     (TOTP or recovery code), ends the other sessions, records when;
 *     auth_totp_enrol_confirm refuses an account that has one;
 *   - resident registrations are throttled per source address;
 *   - the audit object of an event names its role.
 * Time is injected; TOTP codes come from liboath's oath_totp_generate.
 */
#include "auth_fixture.h"

#include <unistd.h>

static void wrong_of(char out[7], const char *code)
{
	snprintf(out, 7, "%06u", (unsigned)(atoi(code) + 500000) % 1000000u);
}

/* begin an enrolment on ses: the pending secret's bytes */
static int begin(unsigned char secret[AUTH_TOTP_SECRET_LEN], struct store *s,
		 const struct auth_session *ses, int64_t t)
{
	struct err e;
	struct auth_totp_enrolment en;
	if (auth_totp_enrol_begin(&en, s, &cfg, ses, t, &e)) {
		printf("# enrol_begin: %s\n", e.detail);
		return -1;
	}
	char *raw = NULL;
	size_t rawlen = 0;
	int rc = oath_base32_decode(en.secret_b32, strlen(en.secret_b32), &raw, &rawlen) == OATH_OK &&
		 rawlen == AUTH_TOTP_SECRET_LEN ? 0 : -2;
	if (rc == 0)
		memcpy(secret, raw, AUTH_TOTP_SECRET_LEN);
	free(raw);
	auth_totp_enrolment_done(&en);
	return rc;
}

/* first login of a 2FA account: enrol at t; the FULL session's token */
static int enrol(struct store *s, const char *login, const char *pw, int64_t t,
		 unsigned char secret[AUTH_TOTP_SECRET_LEN],
		 struct auth_recovery_codes *codes, char token[AUTH_TOKEN_LEN + 1])
{
	struct err e;
	struct auth_login lg;
	struct auth_session ses;
	if (auth_staff_login(&lg, s, &cfg,
			     &(struct auth_staff_login_in){ .tenant = T1, .login = login,
							    .password = pw,
							    .source = "192.0.2.50" },
			     t, &e) ||
	    lg.outcome != AUTH_OUT_ENROL_NEEDED ||
	    auth_session_check(&ses, s, &cfg, lg.token, t, &e) || begin(secret, s, &ses, t))
		return -1;
	char code[7];
	totp_at(code, secret, t);
	struct auth_totp_confirmed done;
	int rc = auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &ses, .code = code },
					 t, NULL, &e);
	*codes = done.codes;
	if (rc) {
		printf("# enrol_confirm: %s\n", e.detail);
		return -2;
	}
	memcpy(token, done.login.token, AUTH_TOKEN_LEN + 1);
	return 0;
}

/* a FULL session through password and code at t (code of step t) */
static int full_login(struct auth_session *out, struct store *s, const char *login,
		      const char *pw, const unsigned char *secret, int64_t t)
{
	struct err e;
	struct auth_login lg, lc;
	struct auth_session pend;
	char code[7];
	totp_at(code, secret, t);
	if (auth_staff_login(&lg, s, &cfg,
			     &(struct auth_staff_login_in){ .tenant = T1, .login = login,
							    .password = pw,
							    .source = "192.0.2.51" },
			     t, &e) ||
	    auth_session_check(&pend, s, &cfg, lg.token, t, &e) ||
	    auth_staff_login_code(&lc, s, &cfg, &pend,
				  &(struct auth_login_code_in){ .code = code,
								.source = "192.0.2.51" },
				  t, &e) ||
	    auth_session_check(out, s, &cfg, lc.token, t, &e))
		return -1;
	return 0;
}

static int64_t count(struct store *s, const char *sql, int64_t id)
{
	int64_t n = -1;
	struct store_val v[] = { sv_int(id) };
	store_query_int(&n, s, sql, v, 1, NULL);
	return n;
}

/* ------------------------------------------------------------------ */

static void test_who_may_give_a_role(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "yuki-no-hana 2026";
	/* a role that manages staff, not roles */
	T_EQ_INT(auth_role_create(s, T1, "hr", "人事", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(s, T1, "hr", AUTH_PERM_STAFF_MANAGE, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(s, T1, "hr", AUTH_PERM_JOBS_READ, NULL, &e), 0);
	T_REQUIRE(add_staff(s, T1, "jinji", pw, "hr") > 0);
	T_REQUIRE(add_staff(s, T1, "kanri", pw, "admin") > 0);
	int64_t target = add_staff(s, T1, "target", pw, "viewer");
	T_REQUIRE(target > 0);
	unsigned char sec_hr[20], sec_ad[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "jinji", pw, T0, sec_hr, &codes, token) == 0);
	struct auth_session hr, ad;
	T_REQUIRE(auth_session_check(&hr, s, &cfg, token, T0, &e) == 0);
	T_REQUIRE(enrol(s, "kanri", pw, T0, sec_ad, &codes, token) == 0);
	T_REQUIRE(auth_session_check(&ad, s, &cfg, token, T0, &e) == 0);

	/* staff.manage + jobs.read: viewer and hr, nothing more */
	T_EQ_INT(auth_role_grantable(s, &hr, "viewer", &e), 1);
	T_EQ_INT(auth_role_grantable(s, &hr, "hr", &e), 1);
	T_EQ_INT(auth_role_grantable(s, &hr, "admin", &e), 0);
	T_EQ_INT(auth_role_grantable(s, &hr, "staff", &e), 0);
	T_EQ_INT(auth_role_grantable(s, &hr, "auditor", &e), 0);
	T_EQ_INT(auth_role_grantable(s, &hr, "no-such-role", &e), ERR_NOTFOUND);
	/* roles.manage gives any role */
	T_EQ_INT(auth_role_grantable(s, &ad, "admin", &e), 1);
	T_EQ_INT(auth_role_grantable(s, &ad, "auditor", &e), 1);
	/* a session without mfa_ok holds no needs_mfa permission: gives nothing of them */
	struct auth_session nomfa = hr;
	nomfa.mfa_ok = 0;
	T_EQ_INT(auth_role_grantable(s, &nomfa, "viewer", &e), 0);
	struct auth_session pending = ad;
	pending.stage = AUTH_STAGE_TOTP;
	T_EQ_INT(auth_role_grantable(s, &pending, "viewer", &e), 0);

	/* adding staff: refused roles create nothing */
	int64_t id = 0;
	const char *admin_role[1] = { "admin" }, *viewer_role[1] = { "viewer" };
	struct auth_events ev = { 0 };
	struct auth_staff_new minted = { .login = "minted", .display_name = "作成 不可",
					 .password = pw, .roles = admin_role, .nroles = 1 };
	T_EQ_INT(auth_staff_add_by(&id, s, &cfg,
				   &(struct auth_staff_add_by_in){ .by = &hr, .account = minted },
				   T0, &ev, &e), ERR_DENIED);
	T_EQ_INT(ev.n, 0);
	T_EQ_INT(id, 0);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get_by_login(&st, s, T1, "minted", &e), ERR_NOTFOUND);
	struct auth_staff_new new_viewer = { .login = "new-viewer", .display_name = "閲覧 新",
					     .password = pw, .roles = viewer_role, .nroles = 1 };
	T_EQ_INT(auth_staff_add_by(&id, s, &cfg,
				   &(struct auth_staff_add_by_in){ .by = &hr, .account = new_viewer },
				   T0, &ev, &e), 0);
	T_CHECK(id > 0);
	struct auth_staff_new new_admin = { .login = "new-admin", .display_name = "管理 新",
					    .password = pw, .roles = admin_role, .nroles = 1 };
	T_EQ_INT(auth_staff_add_by(&id, s, &cfg,
				   &(struct auth_staff_add_by_in){ .by = &ad, .account = new_admin },
				   T0, &ev, &e), 0);
	/* granting: the same rule */
	ev.n = 0;
	T_EQ_INT(auth_staff_role_grant_by(s, &hr, target, "admin", &ev, &e), ERR_DENIED);
	T_EQ_INT(ev.n, 0);
	T_EQ_INT(auth_staff_get(&st, s, T1, target, &e), 0);
	T_EQ_STR(st.roles, "viewer");
	T_EQ_INT(auth_staff_role_grant_by(s, &ad, target, "auditor", &ev, &e), 0);
	T_EQ_INT(ev.n, 1);
	T_EQ_INT(auth_staff_get(&st, s, T1, target, &e), 0);
	T_EQ_STR(st.roles, "auditor,viewer");
	store_close(s);
}

static void test_other_tenant_ids(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "kaze-no-oto 4321";
	int64_t mine = add_staff(s, T1, "kanri", pw, "admin");
	int64_t theirs = add_staff(s, T2, "tanin", pw, "staff");
	T_REQUIRE(mine > 0 && theirs > 0);
	struct auth_events ev = { 0 };
	/* revoke of another tenant's id: not found, their role stays */
	T_EQ_INT(auth_staff_role_revoke(s, T1, theirs, "staff", &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(ev.n, 0);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get(&st, s, T2, theirs, &e), 0);
	T_EQ_STR(st.roles, "staff");
	/* an unknown id too; and a role not held stays a no-op */
	T_EQ_INT(auth_staff_role_revoke(s, T1, 999999, "staff", &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_staff_role_revoke(s, T1, mine, "viewer", &ev, &e), 0);
	T_EQ_INT(ev.n, 0);
	/* grant and disable of another tenant's id */
	T_EQ_INT(auth_staff_role_grant(s, T1, theirs, "admin", &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_staff_set_active(s, T1, theirs, 0, T0, &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(ev.n, 0);
	T_EQ_INT(auth_staff_get(&st, s, T2, theirs, &e), 0);
	T_EQ_STR(st.roles, "staff");
	T_EQ_INT(st.active, 1);
	/* grant_by works in the session's own tenant only */
	unsigned char secret[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "kanri", pw, T0, secret, &codes, token) == 0);
	struct auth_session ad;
	T_REQUIRE(auth_session_check(&ad, s, &cfg, token, T0, &e) == 0);
	T_EQ_INT(auth_staff_role_grant_by(s, &ad, theirs, "viewer", &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(ev.n, 0);
	/* within the tenant, revoke still works */
	T_EQ_INT(auth_staff_role_revoke(s, T1, mine, "admin", &ev, &e), 0);
	T_EQ_INT(ev.n, 1);
	store_close(s);
}

static void test_code_failures_count_across_passwords(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "hoshi-no-umi 8642";
	int64_t id = add_staff(s, T1, "madoka", pw, "staff");
	T_REQUIRE(id > 0);
	unsigned char secret[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "madoka", pw, T0, secret, &codes, token) == 0);
	char code[7], wrong[7];
	struct auth_login lg, lc;
	struct auth_session p1, p2, p3, pend;
	int64_t t = T0 + 100;
	/* round 1: right password, three wrong codes */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "madoka",
								 .password = pw,
								 .source = "192.0.2.60" },
				  t, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_TOTP_NEEDED);
	T_REQUIRE(auth_session_check(&p1, s, &cfg, lg.token, t, &e) == 0);
	totp_at(code, secret, t);
	wrong_of(wrong, code);
	for (int i = 0; i < 3; i++) {
		T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &p1,
					       &(struct auth_login_code_in){ .code = wrong,
									     .source = "192.0.2.60" },
					       t, &e), ERR_AUTH);
		T_EQ_INT(lc.locked_now, 0);
	}
	/* round 2: the right password again does not clear them; one more wrong */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "madoka",
								 .password = pw,
								 .source = "192.0.2.60" },
				  t + 1, &e), 0);
	T_REQUIRE(auth_session_check(&p2, s, &cfg, lg.token, t + 1, &e) == 0);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.failed_count, 3);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &p2,
				       &(struct auth_login_code_in){ .code = wrong,
								     .source = "192.0.2.60" },
				       t + 1, &e), ERR_AUTH);
	T_EQ_INT(lc.locked_now, 0);
	/* round 3: a third pending session; the fifth wrong code locks */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "madoka",
								 .password = pw,
								 .source = "192.0.2.60" },
				  t + 2, &e), 0);
	T_REQUIRE(auth_session_check(&p3, s, &cfg, lg.token, t + 2, &e) == 0);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &p2,
				       &(struct auth_login_code_in){ .code = wrong,
								     .source = "192.0.2.60" },
				       t + 2, &e), ERR_AUTH);
	T_EQ_INT(lc.locked_now, 1);
	/* locked: the right code on the other pending session, and the right
	 * password, get nowhere until the lockout ends */
	totp_at(code, secret, t + 40);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &p3,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.60" },
				       t + 40, &e), ERR_AUTH);
	T_EQ_INT(lc.outcome, AUTH_OUT_LOCKED);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "madoka",
								 .password = pw,
								 .source = "192.0.2.61" },
				  t + 41, &e), ERR_AUTH);
	T_EQ_INT(lg.outcome, AUTH_OUT_LOCKED);
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_CHECK(st.locked_until > t + 41);
	/* after the lockout: a right password alone leaves the count, a full
	 * login (password and code) clears it */
	int64_t after = st.locked_until + 1;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "madoka",
								 .password = pw,
								 .source = "192.0.2.62" },
				  after, &e), 0);
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, after, &e) == 0);
	totp_at(code, secret, after);
	wrong_of(wrong, code);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = wrong,
								     .source = "192.0.2.62" },
				       after, &e), ERR_AUTH);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "madoka",
								 .password = pw,
								 .source = "192.0.2.62" },
				  after + 1, &e), 0);
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.failed_count, 1);
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, after + 1, &e) == 0);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.62" },
				       after + 1, &e), 0);
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.failed_count, 0);
	/* an account without a second factor: the password is the full login */
	int64_t v = add_staff(s, T1, "etsuran", pw, "viewer");
	T_REQUIRE(v > 0);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "etsuran",
								 .password = "not the password",
								 .source = "192.0.2.63" },
				  T0, &e), ERR_AUTH);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "etsuran",
								 .password = pw,
								 .source = "192.0.2.63" },
				  T0 + 1, &e), 0);
	T_EQ_INT(auth_staff_get(&st, s, T1, v, &e), 0);
	T_EQ_INT(st.failed_count, 0);
	store_close(s);
}

static void test_replace_second_factor(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "sora-no-iro 9753";
	int64_t id = add_staff(s, T1, "kirikae", pw, "staff");
	T_REQUIRE(id > 0);
	unsigned char secret[20], fresh[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "kirikae", pw, T0, secret, &codes, token) == 0);
	struct auth_session a, b;
	T_REQUIRE(full_login(&a, s, "kirikae", pw, secret, T0 + 30) == 0);
	T_REQUIRE(full_login(&b, s, "kirikae", pw, secret, T0 + 60) == 0);
	int64_t t = T0 + 90;
	T_REQUIRE(begin(fresh, s, &a, t) == 0);
	char newcode[7], cur[7], wrong[7];
	totp_at(newcode, fresh, t);
	totp_at(cur, secret, t);
	wrong_of(wrong, cur);
	struct auth_totp_confirmed done, again;
	struct auth_login *lg = &done.login;
	struct auth_recovery_codes *newcodes = &done.codes;
	struct auth_events ev = { 0 };
	/* the session alone is not enough any more */
	T_EQ_INT(auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &a, .code = newcode },
					 t, &ev, &e), ERR_DENIED);
	struct auth_totp_replace_in rin = { .ses = &a, .password = "", .current_code = "",
					    .new_code = newcode };
	T_EQ_INT(auth_totp_replace_confirm(&done, s, &cfg, &rin, t, &ev, &e), ERR_AUTH);
	T_EQ_INT(lg->outcome, AUTH_OUT_BAD_CREDENTIALS);
	/* a wrong password with the right current code; the right password
	 * with a wrong code: refused, counted, the current code not spent */
	rin = (struct auth_totp_replace_in){ .ses = &a, .password = "sora-no-iro 0000",
					     .current_code = cur, .new_code = newcode };
	T_EQ_INT(auth_totp_replace_confirm(&done, s, &cfg, &rin, t, &ev, &e), ERR_AUTH);
	T_EQ_INT(lg->outcome, AUTH_OUT_BAD_CREDENTIALS);
	rin = (struct auth_totp_replace_in){ .ses = &a, .password = pw, .current_code = wrong,
					     .new_code = newcode };
	T_EQ_INT(auth_totp_replace_confirm(&done, s, &cfg, &rin, t, &ev, &e), ERR_AUTH);
	T_EQ_INT(ev.n, 0);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.failed_count, 3);
	T_EQ_INT(st.totp_changed_at, 0);
	/* a wrong new code: not counted */
	rin = (struct auth_totp_replace_in){ .ses = &a, .password = pw, .current_code = cur,
					     .new_code = wrong };
	T_EQ_INT(auth_totp_replace_confirm(&done, s, &cfg, &rin, t, &ev, &e), ERR_AUTH);
	T_EQ_INT(lg->outcome, AUTH_OUT_BAD_CODE);
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.failed_count, 3);
	T_CHECK(strstr(e.detail, pw) == NULL && strstr(e.detail, cur) == NULL);
	/* password and the current TOTP code: replaced */
	rin = (struct auth_totp_replace_in){ .ses = &a, .password = pw, .current_code = cur,
					     .new_code = newcode };
	T_EQ_INT(auth_totp_replace_confirm(&done, s, &cfg, &rin, t, &ev, &e), 0);
	T_EQ_INT(lg->outcome, AUTH_OUT_OK);
	T_EQ_INT(lg->used_recovery_code, 0);
	T_EQ_INT(ev.n, 3);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "totp.replaced");
	T_EQ_STR(auth_event_name(ev.ev[1].kind), "recovery.regenerated");
	T_EQ_STR(auth_event_name(ev.ev[2].kind), "sessions.killed");
	T_EQ_INT(ev.ev[2].value, 2);   /* b and the enrolment's session */
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.totp_changed_at, t);
	T_EQ_INT(st.failed_count, 0);
	/* the other sessions and the old one are gone; the new one is full */
	struct auth_session x;
	T_EQ_INT(auth_session_check(&x, s, &cfg, token, t + 1, &e), ERR_AUTH);
	T_EQ_INT(count(s, "SELECT count(*) FROM sessions WHERE id = $1", b.id), 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM sessions WHERE id = $1", a.id), 0);
	T_EQ_INT(auth_session_check(&x, s, &cfg, lg->token, t + 1, &e), 0);
	T_EQ_INT(x.mfa_ok, 1);
	/* old secret and old recovery codes no longer log in; the new ones do */
	T_EQ_INT(full_login(&x, s, "kirikae", pw, secret, t + 30), -1);
	T_EQ_INT(full_login(&x, s, "kirikae", pw, fresh, t + 60), 0);
	/* again, with a recovery code as the current factor */
	unsigned char third[20];
	t += 120;
	T_REQUIRE(begin(third, s, &x, t) == 0);
	totp_at(newcode, third, t);
	ev.n = 0;
	rin = (struct auth_totp_replace_in){ .ses = &x, .password = pw,
					     .current_code = newcodes->code[4], .new_code = newcode };
	T_EQ_INT(auth_totp_replace_confirm(&again, s, &cfg, &rin, t, &ev, &e), 0);
	T_EQ_INT(again.login.used_recovery_code, 1);
	T_EQ_INT(ev.ev[0].value, 1);
	T_EQ_INT(count(s, "SELECT count(*) FROM recovery_codes WHERE staff_id = $1 AND used_at = 0",
		       id), AUTH_RECOVERY_CODES);
	store_close(s);
}

static void test_register_throttle(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	for (int i = 0; i < cfg.register_max_per_source; i++)
		T_EQ_INT(auth_register_attempt(s, &cfg, T1, "198.51.100.7", T0 + i, &e), 0);
	T_EQ_INT(auth_register_attempt(s, &cfg, T1, "198.51.100.7", T0 + 20, &e), ERR_LIMIT);
	T_CHECK(strstr(e.detail, "198.51.100.7") == NULL);
	/* across tenants too; another address is not affected */
	T_EQ_INT(auth_register_attempt(s, &cfg, T2, "198.51.100.7", T0 + 21, &e), ERR_LIMIT);
	T_EQ_INT(auth_register_attempt(s, &cfg, T1, "198.51.100.8", T0 + 22, &e), 0);
	/* registrations do not throttle logins from the address (even with a
	 * login limit under the registrations made), and go with the window */
	T_REQUIRE(add_staff(s, T1, "etsuran", "tsuki-no-ura 2468", "viewer") > 0);
	int keep = cfg.source_max_failures;
	cfg.source_max_failures = 5;
	struct auth_login lg;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "etsuran",
								 .password = "tsuki-no-ura 2468",
								 .source = "198.51.100.7" },
				  T0 + 23, &e), 0);
	cfg.source_max_failures = keep;
	T_EQ_INT(auth_register_attempt(s, &cfg, T1, "198.51.100.7",
				       T0 + cfg.source_window_secs + 10, &e), 0);
	store_close(s);
}

static void test_event_object(void)
{
	struct auth_event ev = { .kind = AUTH_EV_ROLE_GRANTED, .account_id = 12 };
	snprintf(ev.role, sizeof ev.role, "admin");
	char obj[AUTH_EVENT_OBJECT_MAX];
	auth_event_object(obj, sizeof obj, &ev);
	T_EQ_STR(obj, "12:admin");
	ev.account_id = 0;
	snprintf(ev.permission, sizeof ev.permission, "jobs.read");
	auth_event_object(obj, sizeof obj, &ev);
	T_EQ_STR(obj, "admin:jobs.read");
	struct auth_event st = { .kind = AUTH_EV_STAFF_CREATED, .account_id = 7 };
	auth_event_object(obj, sizeof obj, &st);
	T_EQ_STR(obj, "7");
	/* auth_staff_add reports the role it granted */
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	struct auth_events evs = { 0 };
	int64_t id = 0;
	const char *roles[1] = { "auditor" };
	struct auth_staff_new kansa = { .tenant = T1, .login = "kansa", .display_name = "監査 一郎",
					.password = "mizu-no-oto 1357", .roles = roles, .nroles = 1 };
	T_EQ_INT(auth_staff_add(&id, s, &cfg, &kansa, T0, &evs, &e), 0);
	T_EQ_INT(evs.n, 2);
	auth_event_object(obj, sizeof obj, &evs.ev[1]);
	char want[64];
	snprintf(want, sizeof want, "%lld:auditor", (long long)id);
	T_EQ_STR(obj, want);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "authhard");
	if (config_begin())
		return 1;
	T_RUN(test_who_may_give_a_role);
	T_RUN(test_other_tenant_ids);
	T_RUN(test_code_failures_count_across_passwords);
	T_RUN(test_replace_second_factor);
	T_RUN(test_register_throttle);
	T_RUN(test_event_object);
	auth_config_done(&cfg);
	tdb_end(&db);
	return t_done();
}
