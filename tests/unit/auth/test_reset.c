/*
 * test_reset.c -- issue 14, item 9 in src/core/auth, on the database
 * MADOGUCHI_TEST_DB names (default a fresh SQLite file; on PostgreSQL in
 * the schema mg_authreset_test):
 *   - the pending TOTP secret is given again by every auth_totp_enrol_begin
 *     until it is confirmed, expires or auth_totp_enrol_restart discards
 *     it; a discarded secret no longer confirms;
 *   - an administrator's reset (auth_staff_reset_by): a temporary password,
 *     the second factor and recovery codes gone, sessions ended, the login
 *     limited to a new password (not the temporary one), then enrolment;
 *     never oneself, never a holder of a role the caller could not give,
 *     never another tenant's staff;
 *   - the known permissions (auth_permissions_builtin).
 * Time is injected; TOTP codes come from liboath's oath_totp_generate.
 */
#include "auth_fixture.h"

#include <unistd.h>

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

static int64_t count(struct store *s, const char *sql, int64_t id)
{
	int64_t n = -1;
	struct store_val v[] = { sv_int(id) };
	store_query_int(&n, s, sql, v, 1, NULL);
	return n;
}

/* ------------------------------------------------------------------ */

static int enrol_session(struct auth_session *ses, struct store *s, const char *login,
			 const char *pw, int64_t t)
{
	struct err e;
	struct auth_login lg;
	if (auth_staff_login(&lg, s, &cfg,
			     &(struct auth_staff_login_in){ .tenant = T1, .login = login,
							    .password = pw, .source = "192.0.2.60" },
			     t, &e) || lg.outcome != AUTH_OUT_ENROL_NEEDED)
		return -1;
	return auth_session_check(ses, s, &cfg, lg.token, t, &e) ? -2 : 0;
}

static void test_pending_secret_stable(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "kagami-no-mizu 1357";
	T_REQUIRE(add_staff(s, T1, "antei", pw, "staff") > 0);
	struct auth_session ses;
	T_REQUIRE(enrol_session(&ses, s, "antei", pw, T0) == 0);
	unsigned char a[AUTH_TOTP_SECRET_LEN], b[AUTH_TOTP_SECRET_LEN], c[AUTH_TOTP_SECRET_LEN];
	T_REQUIRE(begin(a, s, &ses, T0) == 0);
	T_REQUIRE(begin(b, s, &ses, T0 + 60) == 0);
	T_CHECK(memcmp(a, b, sizeof a) == 0);               /* a reload: the same */
	/* expired: a new one */
	T_REQUIRE(begin(c, s, &ses, T0 + cfg.enrol_pending_secs + 1) == 0);
	T_CHECK(memcmp(a, c, sizeof a) != 0);
	/* restarted: a new one, and the discarded one does not confirm */
	int64_t t = T0 + cfg.enrol_pending_secs + 30;
	T_EQ_INT(auth_totp_enrol_restart(s, &ses, &e), 0);
	T_REQUIRE(begin(b, s, &ses, t) == 0);
	T_CHECK(memcmp(b, c, sizeof b) != 0);
	char code[7];
	totp_at(code, c, t);
	struct auth_totp_confirmed done;
	T_EQ_INT(auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &ses, .code = code },
					 t, NULL, &e), ERR_AUTH);
	totp_at(code, b, t);
	T_EQ_INT(auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &ses, .code = code },
					 t, NULL, &e), 0);
	/* a resident's session may not restart anything */
	struct auth_session res = ses;
	res.kind = AUTH_KIND_RESIDENT;
	T_EQ_INT(auth_totp_enrol_restart(s, &res, &e), ERR_DENIED);
	store_close(s);
}

static void test_admin_reset(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "hinode-no-mado 2468", *cpw = "ajisai-no-niwa 1357";
	int64_t admin = add_staff(s, T1, "kanri", pw, "admin");
	int64_t col = add_staff(s, T1, "doryo", cpw, "viewer");
	int64_t boss = add_staff(s, T1, "bucho", pw, "admin");
	int64_t other = add_staff(s, T2, "yoso", pw, "viewer");
	T_REQUIRE(admin > 0 && col > 0 && boss > 0 && other > 0);
	T_EQ_INT(auth_staff_email_set(s, T1, col, "Doryo@Demo-ku.example.jp", &e), 0);
	T_EQ_INT(auth_staff_email_set(s, T1, col, "not an address", &e), ERR_INVALID);
	unsigned char secret[AUTH_TOTP_SECRET_LEN];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "kanri", pw, T0, secret, &codes, token) == 0);
	struct auth_session by;
	T_REQUIRE(auth_session_check(&by, s, &cfg, token, T0, &e) == 0);
	/* the colleague logged in, with a second factor of their own */
	struct auth_login lg;
	T_REQUIRE(auth_staff_login(&lg, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "doryo",
								  .password = cpw, .source = "192.0.2.61" },
				   T0, &e) == 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_OK);
	char ctoken[AUTH_TOKEN_LEN + 1];
	memcpy(ctoken, lg.token, sizeof ctoken);

	struct auth_staff_reset out;
	struct auth_events ev = { 0 };
	/* not oneself */
	T_EQ_INT(auth_staff_reset_by(&out, s, &cfg, &by, admin, T0 + 10, &ev, &e), ERR_INVALID);
	/* not another tenant's staff */
	T_EQ_INT(auth_staff_reset_by(&out, s, &cfg, &by, other, T0 + 10, &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(ev.n, 0);
	T_EQ_INT(auth_staff_reset_by(&out, s, &cfg, &by, col, T0 + 10, &ev, &e), 0);
	T_EQ_INT((int)strlen(out.password), AUTH_GEN_PASSWORD_LEN);
	T_EQ_STR(out.email, "doryo@demo-ku.example.jp");
	T_EQ_STR(out.login, "doryo");
	T_REQUIRE(ev.n == 2);
	T_EQ_INT(ev.ev[0].kind, AUTH_EV_STAFF_RESET);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "staff.reset");
	T_EQ_INT(ev.ev[1].kind, AUTH_EV_SESSIONS_KILLED);
	struct auth_session gone;
	T_EQ_INT(auth_session_check(&gone, s, &cfg, ctoken, T0 + 11, &e), ERR_AUTH);
	/* the old password no longer works */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "doryo",
								 .password = cpw, .source = "192.0.2.61" },
				  T0 + 20, &e), ERR_AUTH);
	/* the temporary one reaches the new-password stage only */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "doryo",
								 .password = out.password,
								 .source = "192.0.2.61" },
				  T0 + 30, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_PASSWORD_NEEDED);
	struct auth_session np;
	T_REQUIRE(auth_session_check(&np, s, &cfg, lg.token, T0 + 30, &e) == 0);
	T_EQ_INT(np.stage, AUTH_STAGE_PASSWORD);
	T_EQ_INT(auth_has_permission(s, &np, AUTH_PERM_JOBS_READ, &e), 0);
	struct auth_login next;
	T_EQ_INT(auth_staff_password_forced(&next, s, &cfg, &np, out.password, T0 + 31, NULL, &e),
		 ERR_INVALID);
	T_EQ_INT(auth_staff_password_forced(&next, s, &cfg, &np, "short", T0 + 31, NULL, &e),
		 ERR_INVALID);
	T_EQ_INT(auth_staff_password_forced(&next, s, &cfg, &by, "sakura-namiki 2027", T0 + 31, NULL, &e),
		 ERR_DENIED);
	T_EQ_INT(auth_staff_password_forced(&next, s, &cfg, &np, "sakura-namiki 2027", T0 + 32, NULL, &e), 0);
	/* a viewer needs no second factor, but after a reset enrols again */
	T_EQ_INT(next.outcome, AUTH_OUT_ENROL_NEEDED);
	T_EQ_INT(next.stage, AUTH_STAGE_ENROL);
	T_EQ_INT(auth_session_check(&gone, s, &cfg, lg.token, T0 + 33, &e), ERR_AUTH);
	struct auth_session es;
	T_REQUIRE(auth_session_check(&es, s, &cfg, next.token, T0 + 33, &e) == 0);
	unsigned char cs[AUTH_TOTP_SECRET_LEN];
	T_REQUIRE(begin(cs, s, &es, T0 + 33) == 0);
	char code[7];
	totp_at(code, cs, T0 + 33);
	struct auth_totp_confirmed done;
	T_EQ_INT(auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &es, .code = code },
					 T0 + 33, NULL, &e), 0);
	T_EQ_INT(count(s, "SELECT must_enrol + must_change_password FROM staff WHERE id = $1", col), 0);
	/* the new password then leads to the code, as for any enrolled account */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "doryo",
								 .password = "sakura-namiki 2027",
								 .source = "192.0.2.61" },
				  T0 + 90, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_TOTP_NEEDED);

	/* staff.manage alone cannot reset an administrator */
	T_EQ_INT(auth_role_create(s, T1, "jinji", "人事", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(s, T1, "jinji", AUTH_PERM_STAFF_MANAGE, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(s, T1, "jinji", AUTH_PERM_JOBS_READ, NULL, &e), 0);
	T_REQUIRE(add_staff(s, T1, "jinji1", pw, "jinji") > 0);
	unsigned char hs[AUTH_TOTP_SECRET_LEN];
	T_REQUIRE(enrol(s, "jinji1", pw, T0 + 120, hs, &codes, token) == 0);
	struct auth_session hr;
	T_REQUIRE(auth_session_check(&hr, s, &cfg, token, T0 + 120, &e) == 0);
	struct auth_events ev2 = { 0 };
	T_EQ_INT(auth_staff_reset_by(&out, s, &cfg, &hr, boss, T0 + 121, &ev2, &e), ERR_DENIED);
	T_EQ_INT(ev2.n, 0);
	T_EQ_INT(count(s, "SELECT must_change_password FROM staff WHERE id = $1", boss), 0);
	/* a viewer's reset is within its reach (it holds every permission of
	 * the viewer role) */
	T_EQ_INT(auth_staff_reset_by(&out, s, &cfg, &hr, col, T0 + 122, &ev2, &e), 0);
	store_close(s);
}

static void test_known_permissions(void)
{
	const char *const *p;
	int n = auth_permissions_builtin(&p);
	T_CHECK(n >= 10);
	int staff = 0, dept_all = 0;
	for (int i = 0; i < n; i++) {
		staff |= strcmp(p[i], AUTH_PERM_STAFF_MANAGE) == 0;
		dept_all |= strcmp(p[i], AUTH_PERM_DEPT_ALL) == 0;
		T_CHECK(strlen(p[i]) <= AUTH_PERM_MAX);
	}
	T_CHECK(staff && dept_all);
}

int main(void)
{
	tdb_begin(&db, "authreset");
	if (config_begin())
		return 1;
	T_RUN(test_pending_secret_stable);
	T_RUN(test_admin_reset);
	T_RUN(test_known_permissions);
	auth_config_done(&cfg);
	tdb_end(&db);
	return t_done();
}
