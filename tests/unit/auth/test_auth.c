/*
 * test_auth.c -- src/core/auth on the database MADOGUCHI_TEST_DB names (default:
 * a fresh SQLite file); tests/run.sh runs it on SQLite and PostgreSQL.
 *
 * Time is injected (`now` parameters), so lockouts, TOTP steps and session
 * timeouts are tested without sleeping.  TOTP codes are computed here
 * independently with liboath's oath_totp_generate and checked against the
 * RFC 6238 SHA-1 test vectors.  The demo tenant is 139904 (prefecture 13,
 * unassigned city code 990, check digit 4); a second tenant 139912.
 */
#include "auth_fixture.h"

#include <qrencode.h>
#include <unistd.h>

static const char *url;
static char sqlite_path[128];

static const char *const drop_sql[] = {
	"DROP TABLE IF EXISTS sessions", "DROP TABLE IF EXISTS login_failures",
	"DROP TABLE IF EXISTS recovery_codes", "DROP TABLE IF EXISTS staff_roles",
	"DROP TABLE IF EXISTS role_permissions", "DROP TABLE IF EXISTS roles",
	"DROP TABLE IF EXISTS staff", "DROP TABLE IF EXISTS residents",
};

static struct store *open_fresh(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	/* on PostgreSQL with CASCADE: other modules' tables (the registry's
	 * account links) may refer to these */
	for (size_t i = 0; i < sizeof drop_sql / sizeof drop_sql[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "%s%s", drop_sql[i],
			 store_kind(s) == STORE_PG ? " CASCADE" : "");
		store_script(s, sql, NULL);
	}
	int64_t core = 0;
	if (store_query_int(&core, s, "SELECT count(*) FROM schema_migrations"
			    " WHERE module = 'core'", NULL, 0, NULL) != 0 || core == 0)
		store_script(s, store_kind(s) == STORE_PG
			     ? "DROP TABLE IF EXISTS tenants CASCADE"
			     : "DROP TABLE IF EXISTS tenants", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'auth'", NULL,
		   0, NULL);
	const struct store_module_schema mods[] = { tenant_schema, auth_schema };
	if (store_migrate(s, mods, 2, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	const char *ins = "INSERT INTO tenants (code, name_ja, name_en, demo,"
			  " created_at) VALUES ($1, $2, $3, 1, 0)"
			  " ON CONFLICT DO NOTHING";
	struct store_val a[] = { sv_text(T1), sv_text("デモ区"), sv_text("Demo Ward") };
	struct store_val b[] = { sv_text(T2), sv_text("デモ市"), sv_text("Demo City") };
	if (store_exec(s, ins, a, 3, &e) < 0 || store_exec(s, ins, b, 3, &e) < 0 ||
	    auth_tenant_seed(s, T1, NULL, &e) || auth_tenant_seed(s, T2, NULL, &e)) {
		printf("# setup: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	return s;
}

/* the detail must not contain any of the secrets */
#define T_NO_SECRET(e, secret)                                              \
	do {                                                                \
		const char *t_s_ = (secret);                                \
		if (t_s_ && *t_s_ && strstr((e).detail, t_s_))              \
			T_FAIL_("detail \"%s\" contains a secret", (e).detail); \
	} while (0)


/* ------------------------------------------------------------------ */

static void test_migrate_idempotent(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	int applied = -1;
	const struct store_module_schema mods[] = { tenant_schema, auth_schema };
	T_EQ_INT(store_migrate(s, mods, 2, &applied, &e), 0);
	T_EQ_INT(applied, 0);
	/* seeding twice changes nothing and reports nothing */
	struct auth_events ev = { 0 };
	T_EQ_INT(auth_tenant_seed(s, T1, &ev, &e), 0);
	T_EQ_INT(ev.n, 0);
	int64_t n = 0;
	struct store_val v[] = { sv_text(T1) };
	T_EQ_INT(store_query_int(&n, s, "SELECT count(*) FROM roles WHERE tenant = $1",
				 v, 1, &e), 0);
	T_EQ_INT(n, 4);
	store_close(s);
}

static void test_password_policy(void)
{
	struct err e;
	enum auth_pw_rule why;
	T_EQ_INT(auth_password_check(&why, &cfg, "short-pass1", NULL, &e), ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_TOO_SHORT);
	T_NO_SECRET(e, "short-pass1");
	T_EQ_INT(auth_password_check(&why, &cfg, "Tr0ub4dor&3 horse", NULL, &e), 0);
	T_EQ_INT(why, AUTH_PW_OK);
	/* characters, not bytes: 12 kana pass, 11 do not */
	T_EQ_INT(auth_password_check(&why, &cfg, "にほんごのぱすわーどです", NULL, &e), 0);
	T_EQ_INT(auth_password_check(&why, &cfg, "にほんごのぱすわーどで", NULL, &e),
		 ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_TOO_SHORT);
	char longpw[200];
	memset(longpw, 'a', 129);
	longpw[0] = 'b';
	longpw[129] = '\0';
	T_EQ_INT(auth_password_check(&why, &cfg, longpw, NULL, &e), ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_TOO_LONG);
	longpw[128] = '\0';
	T_EQ_INT(auth_password_check(&why, &cfg, longpw, NULL, &e), 0);
	/* common passwords: the built-in list and the data file */
	T_EQ_INT(auth_password_check(&why, &cfg, "Password1234", NULL, &e), ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_COMMON);
	T_EQ_INT(auth_password_check(&why, &cfg, "SAKURA123456", NULL, &e), ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_COMMON);
	T_EQ_INT(auth_password_check(&why, &cfg, "xxkobayashi-2026", "kobayashi", &e),
		 ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_CONTAINS_NAME);
	T_EQ_INT(auth_password_check(&why, &cfg, "taro.yamada.pw!", "Taro.Yamada@example.jp",
				     &e), ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_CONTAINS_NAME);
	T_NO_SECRET(e, "taro.yamada");
	T_EQ_INT(auth_password_check(&why, &cfg, "zzzzzzzzzzzzzz", NULL, &e), ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_REPEATED);
	T_EQ_INT(auth_password_check(&why, &cfg, "bad\x01control-char", NULL, &e),
		 ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_BAD_UTF8);
	T_EQ_INT(auth_password_check(&why, &cfg, "bad utf8 \xc3\x28 here", NULL, &e),
		 ERR_INVALID);
	T_EQ_INT(why, AUTH_PW_BAD_UTF8);
	char gen[AUTH_GEN_PASSWORD_LEN + 1];
	T_EQ_INT(auth_password_generate(gen, &e), 0);
	T_EQ_INT(strlen(gen), AUTH_GEN_PASSWORD_LEN);
	T_EQ_INT(auth_password_check(NULL, &cfg, gen, "someone", &e), 0);
}

static void test_password_hash_verify(void)
{
	struct err e;
	char h[AUTH_HASH_MAX];
	const char *pw = "correct horse battery staple";
	T_EQ_INT(auth_password_hash(h, &cfg, pw, &e), 0);
	T_CHECK(strncmp(h, "$argon2id$", 10) == 0);
	T_CHECK(strstr(h, pw) == NULL);
	T_EQ_INT(auth_password_verify(h, pw, &e), 0);
	T_EQ_INT(auth_password_verify(h, "correct horse battery stapler", &e), ERR_AUTH);
	T_NO_SECRET(e, "correct horse");
	char h2[AUTH_HASH_MAX];
	T_EQ_INT(auth_password_hash(h2, &cfg, pw, &e), 0);
	T_CHECK(strcmp(h, h2) != 0);   /* salted */
}

static void test_totp_rfc6238_vectors(void)
{
	const unsigned char *secret = (const unsigned char *)"12345678901234567890";
	struct err e;
	/* the RFC's 8-digit values, computed independently by liboath */
	char buf[16];
	T_EQ_INT(oath_totp_generate((const char *)secret, 20, 59, 30, 0, 8, buf), 0);
	T_EQ_STR(buf, "94287082");
	T_EQ_INT(oath_totp_generate((const char *)secret, 20, 1111111109, 30, 0, 8, buf), 0);
	T_EQ_STR(buf, "07081804");
	/* our validator at 6 digits: the last 6 digits of each vector */
	static const struct { int64_t t; const char *code; } v[] = {
		{ 59, "287082" }, { 1111111109, "081804" }, { 1111111111, "050471" },
		{ 1234567890, "005924" }, { 2000000000, "279037" },
		{ 20000000000LL, "353130" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		int64_t step = -1;
		T_EQ_INT(auth_totp_check_code(&step, secret, 20, v[i].code, v[i].t, 0, &e), 0);
		T_EQ_INT(step, v[i].t / 30);
	}
	/* ±1 window: the code of T=59 (step 1) is valid at steps 0..2 */
	int64_t step = -1;
	T_EQ_INT(auth_totp_check_code(&step, secret, 20, "287082", 59 + 30, 1, &e), 0);
	T_EQ_INT(step, 1);
	T_EQ_INT(auth_totp_check_code(&step, secret, 20, "287082", 20, 1, &e), 0);
	T_EQ_INT(auth_totp_check_code(&step, secret, 20, "287082", 59 + 60, 1, &e),
		 ERR_AUTH);
	T_EQ_INT(auth_totp_check_code(&step, secret, 20, "287082", 59 + 30, 0, &e),
		 ERR_AUTH);
	T_NO_SECRET(e, "287082");
	T_EQ_INT(auth_totp_check_code(&step, secret, 20, "28708", 59, 1, &e), ERR_AUTH);
	T_EQ_INT(auth_totp_check_code(&step, secret, 20, "2870a2", 59, 1, &e), ERR_AUTH);
}

static void test_login_success_and_stages(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "kiri-no-mori 2026";
	int64_t viewer = add_staff(s, T1, "Viewer.One", pw, "viewer");
	int64_t clerk = add_staff(s, T1, "clerk", pw, "staff");
	T_REQUIRE(viewer > 0 && clerk > 0);
	/* login is case-insensitive, stored folded */
	struct auth_login lg;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1,
								 .login = "VIEWER.one",
								 .password = pw,
								 .source = "192.0.2.1" },
				  T0, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_OK);
	T_EQ_INT(lg.stage, AUTH_STAGE_FULL);
	T_EQ_INT(lg.account_id, viewer);
	T_EQ_INT(strlen(lg.token), AUTH_TOKEN_LEN);
	struct auth_session ses;
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 1, &e), 0);
	T_EQ_INT(ses.account_id, viewer);
	T_EQ_INT(ses.kind, AUTH_KIND_STAFF);
	T_EQ_INT(ses.mfa_ok, 0);
	T_EQ_STR(ses.tenant, T1);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_JOBS_READ, &e), 1);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_PERSONAL_READ, &e), 0);
	/* only the hash of the token is stored */
	int64_t n = -1;
	struct store_val tv[] = { sv_text(lg.token) };
	T_EQ_INT(store_query_int(&n, s, "SELECT count(*) FROM sessions"
				 " WHERE token_hash = $1", tv, 1, &e), 0);
	T_EQ_INT(n, 0);
	/* 2FA role, not enrolled: a session for enrolment only */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "clerk",
								 .password = pw,
								 .source = "192.0.2.1" },
				  T0, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_ENROL_NEEDED);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0, &e), 0);
	T_EQ_INT(ses.stage, AUTH_STAGE_ENROL);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_PERSONAL_READ, &e), 0);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_JOBS_READ, &e), 0);
	/* the same login in another tenant is another account */
	int64_t other = add_staff(s, T2, "clerk", "another passphrase 9", "viewer");
	T_CHECK(other > 0 && other != clerk);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T2, .login = "clerk",
								 .password = pw,
								 .source = "192.0.2.1" },
				  T0, &e),
		 ERR_AUTH);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T2, .login = "clerk",
								 .password = "another passphrase 9",
								 .source = "192.0.2.1" },
				  T0, &e), 0);
	/* duplicate login in the tenant */
	int64_t dup = 0;
	struct auth_staff_new someone = { .tenant = T1, .login = "CLERK", .display_name = "別人",
					  .password = pw };
	T_EQ_INT(auth_staff_add(&dup, s, &cfg, &someone, T0, NULL, &e), ERR_CONFLICT);
	T_NO_SECRET(e, "clerk");
	/* unknown tenant */
	someone = (struct auth_staff_new){ .tenant = "139920", .login = "x1",
					   .display_name = "別人", .password = pw };
	T_EQ_INT(auth_staff_add(&dup, s, &cfg, &someone, T0, NULL, &e), ERR_NOTFOUND);
	/* listing */
	struct auth_staff st;
	T_EQ_INT(auth_staff_get_by_login(&st, s, T1, "clerk", &e), 0);
	T_EQ_STR(st.roles, "staff");
	T_EQ_INT(st.needs_mfa, 1);
	T_EQ_INT(st.totp_enrolled, 0);
	T_EQ_STR(st.display_name, "試験 太郎");
	store_close(s);
}

static void test_wrong_password_and_lockout(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "umi-no-hoshi 1234";
	int64_t id = add_staff(s, T1, "locky", pw, "viewer");
	T_REQUIRE(id > 0);
	struct auth_login lg;
	const char *wrong = "umi-no-hoshi 1235";
	for (int i = 1; i <= 5; i++) {
		T_EQ_INT(auth_staff_login(&lg, s, &cfg,
					  &(struct auth_staff_login_in){ .tenant = T1,
									 .login = "locky",
									 .password = wrong,
									 .source = "203.0.113.5" },
					  T0 + i, &e), ERR_AUTH);
		T_EQ_INT(lg.outcome, AUTH_OUT_BAD_CREDENTIALS);
		T_EQ_INT(lg.locked_now, i == 5);
		T_EQ_STR(lg.token, "");
		T_NO_SECRET(e, wrong);
		T_NO_SECRET(e, "locky");
	}
	/* locked: the right password gets the same ERR_AUTH, no session */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "locky",
								 .password = pw,
								 .source = "203.0.113.6" },
				  T0 + 60, &e), ERR_AUTH);
	T_EQ_INT(lg.outcome, AUTH_OUT_LOCKED);
	T_EQ_STR(lg.token, "");
	T_NO_SECRET(e, pw);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "locky",
								 .password = wrong,
								 .source = "203.0.113.6" },
				  T0 + 61, &e), ERR_AUTH);
	T_EQ_INT(lg.outcome, AUTH_OUT_LOCKED);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.locked_until, T0 + 5 + 900);
	/* a second "server" (connection) sees the lockout too */
	struct store *s2;
	T_REQUIRE(store_open(&s2, url, &e) == 0);
	T_EQ_INT(auth_staff_login(&lg, s2, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "locky",
								 .password = pw,
								 .source = "203.0.113.6" },
				  T0 + 100, &e), ERR_AUTH);
	T_EQ_INT(lg.outcome, AUTH_OUT_LOCKED);
	store_close(s2);
	/* after the period the right password works and resets the count */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "locky",
								 .password = pw,
								 .source = "203.0.113.6" },
				  T0 + 5 + 900, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_OK);
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.failed_count, 0);
	T_EQ_INT(st.locked_until, 0);
	/* unknown login: same error, account 0, no secret in detail */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "nobody",
								 .password = pw,
								 .source = "203.0.113.7" },
				  T0, &e),
		 ERR_AUTH);
	T_EQ_INT(lg.outcome, AUTH_OUT_BAD_CREDENTIALS);
	T_EQ_INT(lg.account_id, 0);
	T_NO_SECRET(e, "nobody");
	/* an administrator unlocks */
	for (int i = 0; i < 5; i++)
		auth_staff_login(&lg, s, &cfg,
				 &(struct auth_staff_login_in){ .tenant = T1, .login = "locky",
								.password = wrong,
								.source = "203.0.113.8" },
				 T0 + 2000, &e);
	T_EQ_INT(lg.outcome, AUTH_OUT_BAD_CREDENTIALS);
	T_EQ_INT(lg.locked_now, 1);
	struct auth_events ev = { 0 };
	T_EQ_INT(auth_staff_unlock(s, T1, id, &ev, &e), 0);
	T_EQ_INT(ev.n, 1);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "account.unlocked");
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "locky",
								 .password = pw,
								 .source = "203.0.113.8" },
				  T0 + 2001, &e), 0);
	store_close(s);
}

static void test_source_throttling(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "yama-no-kaze 5678";
	T_REQUIRE(add_staff(s, T1, "victim", pw, "viewer") > 0);
	struct auth_login lg;
	/* 20 failures from one address, spread over unknown logins and tenants */
	for (int i = 0; i < 20; i++) {
		char login[32];
		snprintf(login, sizeof login, "guess%d", i);
		T_EQ_INT(auth_staff_login(&lg, s, &cfg,
					  &(struct auth_staff_login_in){ .tenant = i % 2 ? T1 : T2,
									 .login = login,
									 .password = "whatever pw 123",
									 .source = "198.51.100.7" },
					  T0 + i, &e), ERR_AUTH);
		T_EQ_INT(lg.outcome, AUTH_OUT_BAD_CREDENTIALS);
	}
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "victim",
								 .password = pw,
								 .source = "198.51.100.7" },
				  T0 + 30, &e), ERR_AUTH);
	T_EQ_INT(lg.outcome, AUTH_OUT_THROTTLED);
	/* another address is not throttled, and the account not locked */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "victim",
								 .password = pw,
								 .source = "198.51.100.8" },
				  T0 + 30, &e), 0);
	/* after the window the address may try again */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "victim",
								 .password = pw,
								 .source = "198.51.100.7" },
				  T0 + 19 + 600, &e), 0);
	/* the address is not stored in the clear */
	int64_t n = -1;
	struct store_val v[] = { sv_text("198.51.100.7") };
	T_EQ_INT(store_query_int(&n, s, "SELECT count(*) FROM login_failures"
				 " WHERE source_hash = $1", v, 1, &e), 0);
	T_EQ_INT(n, 0);
	/* purge drops stale failure rows */
	T_CHECK(auth_sessions_purge(s, &cfg, T0 + 10000, &e) >= 20);
	store_close(s);
}

/* enrol `login` (role needing 2FA) at time t; returns the new full token */
static int enrol(struct store *s, const char *login, const char *pw, int64_t t,
		 unsigned char secret[AUTH_TOTP_SECRET_LEN],
		 struct auth_recovery_codes *codes, char token[AUTH_TOKEN_LEN + 1])
{
	struct err e;
	struct auth_login lg;
	if (auth_staff_login(&lg, s, &cfg,
			     &(struct auth_staff_login_in){ .tenant = T1, .login = login,
							    .password = pw,
							    .source = "192.0.2.50" },
			     t, &e) ||
	    lg.outcome != AUTH_OUT_ENROL_NEEDED)
		return -1;
	struct auth_session ses;
	if (auth_session_check(&ses, s, &cfg, lg.token, t, &e))
		return -2;
	struct auth_totp_enrolment en;
	if (auth_totp_enrol_begin(&en, s, &cfg, &ses, t, &e)) {
		printf("# enrol_begin: %s\n", e.detail);
		return -3;
	}
	char *raw = NULL;
	size_t rawlen = 0;
	if (oath_base32_decode(en.secret_b32, strlen(en.secret_b32), &raw, &rawlen) != OATH_OK ||
	    rawlen != AUTH_TOTP_SECRET_LEN)
		return -4;
	memcpy(secret, raw, AUTH_TOTP_SECRET_LEN);
	free(raw);
	auth_totp_enrolment_done(&en);
	char code[7];
	totp_at(code, secret, t);
	struct auth_events ev = { 0 };
	struct auth_totp_confirmed done;
	int rc = auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &ses, .code = code },
					 t, &ev, &e);
	*codes = done.codes;
	if (rc) {
		printf("# enrol_confirm: %s\n", e.detail);
		return -5;
	}
	if (ev.n != 2 || ev.ev[0].kind != AUTH_EV_TOTP_ENROLLED)
		return -6;
	memcpy(token, done.login.token, AUTH_TOKEN_LEN + 1);
	return 0;
}

static void test_totp_enrolment(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "hana-no-michi 2468";
	int64_t id = add_staff(s, T1, "admin1", pw, "admin");
	T_REQUIRE(id > 0);
	struct auth_login lg;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "admin1",
								 .password = pw,
								 .source = "192.0.2.9" },
				  T0, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_ENROL_NEEDED);
	struct auth_session ses;
	T_REQUIRE(auth_session_check(&ses, s, &cfg, lg.token, T0, &e) == 0);
	struct auth_totp_enrolment en;
	T_REQUIRE(auth_totp_enrol_begin(&en, s, &cfg, &ses, T0, &e) == 0);
	T_EQ_INT(strlen(en.secret_b32), 32);
	T_CHECK(strncmp(en.uri, "otpauth://totp/madoguchi%20%28", 30) == 0);
	/* issuer is "madoguchi (デモ区)", account the login */
	T_CHECK(strstr(en.uri, "%E3%83%87%E3%83%A2%E5%8C%BA%29:admin1?secret=") != NULL);
	T_CHECK(strstr(en.uri, en.secret_b32) != NULL);
	T_CHECK(strstr(en.uri, "&issuer=madoguchi%20%28") != NULL);
	T_CHECK(strncmp(en.svg, "<svg", 4) == 0);
	T_CHECK(strstr(en.svg, "<title") != NULL);
	/* the pending secret is stored sealed, not in the clear */
	char *raw = NULL;
	size_t rawlen = 0;
	T_REQUIRE(oath_base32_decode(en.secret_b32, 32, &raw, &rawlen) == OATH_OK);
	T_REQUIRE(rawlen == 20);
	unsigned char secret[20];
	memcpy(secret, raw, 20);
	free(raw);
	struct store_rows *r;
	struct store_val v[] = { sv_int(id) };
	T_REQUIRE(store_query(&r, s, "SELECT totp_pending FROM staff WHERE id = $1",
			      v, 1, &e) == 0);
	T_EQ_INT(store_rows_next(r, &e), 1);
	size_t blen = 0;
	const unsigned char *b = store_col_blob(r, 0, &blen);
	T_EQ_INT(blen, 1 + 24 + 16 + 20);
	T_CHECK(b && memmem(b, blen, secret, 20) == NULL);
	store_rows_free(r);
	/* a wrong code does not confirm */
	char code[7], wrong[7];
	totp_at(code, secret, T0);
	snprintf(wrong, sizeof wrong, "%06u", (unsigned)(atoi(code) + 1) % 1000000u);
	struct auth_totp_confirmed bad;
	T_EQ_INT(auth_totp_enrol_confirm(&bad, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &ses, .code = wrong },
					 T0, NULL, &e), ERR_AUTH);
	T_EQ_INT(bad.login.outcome, AUTH_OUT_BAD_CODE);
	T_NO_SECRET(e, wrong);
	T_NO_SECRET(e, en.secret_b32);
	/* the right code confirms and replaces the session */
	char old_token[AUTH_TOKEN_LEN + 1];
	memcpy(old_token, bad.login.token, sizeof old_token);
	struct auth_totp_confirmed done;
	T_EQ_INT(auth_totp_enrol_confirm(&done, s, &cfg,
					 &(struct auth_totp_enrol_in){ .ses = &ses, .code = code },
					 T0 + 5, NULL, &e), 0);
	struct auth_login *lg2 = &done.login;
	struct auth_recovery_codes *codes = &done.codes;
	T_EQ_INT(lg2->outcome, AUTH_OUT_OK);
	T_CHECK(strcmp(lg2->token, old_token) != 0);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, old_token, T0 + 6, &e), ERR_AUTH);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg2->token, T0 + 6, &e), 0);
	T_EQ_INT(ses.stage, AUTH_STAGE_FULL);
	T_EQ_INT(ses.mfa_ok, 1);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_STAFF_MANAGE, &e), 1);
	for (int i = 0; i < AUTH_RECOVERY_CODES; i++) {
		T_EQ_INT(strlen(codes->code[i]), AUTH_RECOVERY_CODE_LEN);
		for (int k = 0; k < i; k++)
			T_CHECK(strcmp(codes->code[i], codes->code[k]) != 0);
	}
	/* not stored in the clear */
	int64_t n = -1;
	struct store_val cv[] = { sv_text(codes->code[0]) };
	T_EQ_INT(store_query_int(&n, s, "SELECT count(*) FROM recovery_codes"
				 " WHERE code_hash = $1", cv, 1, &e), 0);
	T_EQ_INT(n, 0);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_INT(st.totp_enrolled, 1);
	auth_totp_enrolment_done(&en);
	store_close(s);
}

static void test_totp_login_and_step_reuse(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "tsuki-no-hikari 1357";
	int64_t id = add_staff(s, T1, "kanri", pw, "admin");
	T_REQUIRE(id > 0);
	unsigned char secret[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "kanri", pw, T0, secret, &codes, token) == 0);
	T_EQ_INT(auth_session_logout(s, token, &e), 0);
	struct auth_session ses;
	T_EQ_INT(auth_session_check(&ses, s, &cfg, token, T0 + 1, &e), ERR_AUTH);
	T_EQ_INT(ses.reason, AUTH_SES_UNKNOWN);
	/* password → pending session; it has no permissions */
	struct auth_login lg;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "kanri",
								 .password = pw,
								 .source = "192.0.2.10" },
				  T0 + 2, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_TOTP_NEEDED);
	struct auth_session pend;
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, T0 + 2, &e) == 0);
	T_EQ_INT(pend.stage, AUTH_STAGE_TOTP);
	T_EQ_INT(auth_has_permission(s, &pend, AUTH_PERM_STAFF_MANAGE, &e), 0);
	/* the code of the step used for the enrolment is spent */
	char code[7];
	totp_at(code, secret, T0 + 2);
	struct auth_login lc;
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.10" },
				       T0 + 2, &e),
		 ERR_AUTH);
	T_EQ_INT(lc.outcome, AUTH_OUT_CODE_REUSED);
	T_NO_SECRET(e, code);
	/* a wrong code */
	char wrong[7];
	snprintf(wrong, sizeof wrong, "%06u", (unsigned)(atoi(code) + 500000) % 1000000u);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = wrong,
								     .source = "192.0.2.10" },
				       T0 + 40, &e), ERR_AUTH);
	T_EQ_INT(lc.outcome, AUTH_OUT_BAD_CODE);
	T_NO_SECRET(e, wrong);
	/* the next step's code works (with spaces, as some apps show it) */
	totp_at(code, secret, T0 + 40);
	char spaced[8] = { code[0], code[1], code[2], ' ', code[3], code[4], code[5], 0 };
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = spaced,
								     .source = "192.0.2.10" },
				       T0 + 40, &e), 0);
	T_EQ_INT(lc.outcome, AUTH_OUT_OK);
	T_CHECK(strcmp(lc.token, lg.token) != 0);
	T_EQ_INT(auth_session_check(&pend, s, &cfg, lg.token, T0 + 41, &e), ERR_AUTH);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lc.token, T0 + 41, &e), 0);
	T_EQ_INT(ses.mfa_ok, 1);
	T_EQ_INT(ses.stage, AUTH_STAGE_FULL);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_ROLES_MANAGE, &e), 1);
	/* the same code again, within its window, on another login: rejected */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "kanri",
								 .password = pw,
								 .source = "192.0.2.10" },
				  T0 + 50, &e), 0);
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, T0 + 50, &e) == 0);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.10" },
				       T0 + 50, &e),
		 ERR_AUTH);
	T_EQ_INT(lc.outcome, AUTH_OUT_CODE_REUSED);
	/* an older step inside the window: rejected as well */
	char older[7];
	totp_at(older, secret, T0 + 10);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = older,
								     .source = "192.0.2.10" },
				       T0 + 50, &e),
		 ERR_AUTH);
	/* failures since the last success: reused, older; three more lock */
	for (int i = 0; i < 3; i++) {
		T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
					       &(struct auth_login_code_in){ .code = wrong,
									     .source = "192.0.2.10" },
					       T0 + 51 + i, &e), ERR_AUTH);
		T_EQ_INT(lc.locked_now, i == 2);
	}
	T_EQ_INT(lc.outcome, AUTH_OUT_BAD_CODE);
	/* the pending session died with the lockout */
	T_EQ_INT(auth_session_check(&pend, s, &cfg, lg.token, T0 + 52, &e), ERR_AUTH);
	/* the pending session expires after 5 minutes */
	T_EQ_INT(auth_staff_unlock(s, T1, id, NULL, &e), 0);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "kanri",
								 .password = pw,
								 .source = "192.0.2.10" },
				  T0 + 100, &e), 0);
	T_EQ_INT(auth_session_check(&pend, s, &cfg, lg.token, T0 + 100 + 300, &e), ERR_AUTH);
	T_EQ_INT(pend.reason, AUTH_SES_ABSOLUTE);
	store_close(s);
}

static void test_recovery_codes(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "kawa-no-nagare 9753";
	int64_t id = add_staff(s, T1, "rc-user", pw, "auditor");
	T_REQUIRE(id > 0);
	unsigned char secret[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "rc-user", pw, T0, secret, &codes, token) == 0);
	struct auth_login lg, lc;
	struct auth_session pend, ses;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "rc-user",
								 .password = pw,
								 .source = "192.0.2.20" },
				  T0 + 100, &e), 0);
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, T0 + 100, &e) == 0);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = codes.code[0],
								     .source = "192.0.2.20" },
				       T0 + 100, &e), 0);
	T_EQ_INT(lc.used_recovery_code, 1);
	T_EQ_INT(lc.recovery_codes_left, 9);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lc.token, T0 + 101, &e), 0);
	T_EQ_INT(ses.mfa_ok, 1);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_AUDIT_READ, &e), 1);
	/* single use */
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "rc-user",
								 .password = pw,
								 .source = "192.0.2.20" },
				  T0 + 200, &e), 0);
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, T0 + 200, &e) == 0);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = codes.code[0],
								     .source = "192.0.2.20" },
				       T0 + 200, &e), ERR_AUTH);
	T_EQ_INT(lc.outcome, AUTH_OUT_BAD_CODE);
	T_NO_SECRET(e, codes.code[0]);
	/* typed in upper case without dashes: still accepted */
	char typed[32];
	int k = 0;
	for (const char *p = codes.code[1]; *p; p++)
		if (*p != '-')
			typed[k++] = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
	typed[k] = '\0';
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = typed,
								     .source = "192.0.2.20" },
				       T0 + 200, &e), 0);
	T_EQ_INT(lc.recovery_codes_left, 8);
	/* regenerate from a full 2FA session: old codes die */
	T_REQUIRE(auth_session_check(&ses, s, &cfg, lc.token, T0 + 201, &e) == 0);
	struct auth_recovery_codes fresh;
	struct auth_events ev = { 0 };
	T_EQ_INT(auth_recovery_codes_regenerate(&fresh, s, &ses, &ev, &e), 0);
	T_EQ_INT(ev.n, 1);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "rc-user",
								 .password = pw,
								 .source = "192.0.2.20" },
				  T0 + 300, &e), 0);
	T_REQUIRE(auth_session_check(&pend, s, &cfg, lg.token, T0 + 300, &e) == 0);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = codes.code[2],
								     .source = "192.0.2.20" },
				       T0 + 300, &e), ERR_AUTH);
	T_EQ_INT(auth_staff_login_code(&lc, s, &cfg, &pend,
				       &(struct auth_login_code_in){ .code = fresh.code[9],
								     .source = "192.0.2.20" },
				       T0 + 300, &e), 0);
	/* an administrator resets 2FA: sessions die, next login must enrol */
	ev.n = 0;
	T_EQ_INT(auth_totp_reset(s, T1, id, &ev, &e), 0);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lc.token, T0 + 301, &e), ERR_AUTH);
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "rc-user",
								 .password = pw,
								 .source = "192.0.2.20" },
				  T0 + 400, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_ENROL_NEEDED);
	store_close(s);
}

static void test_session_expiry(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "sora-no-iro 86420";
	T_REQUIRE(add_staff(s, T1, "idle", pw, "viewer") > 0);
	struct auth_login lg;
	T_REQUIRE(auth_staff_login(&lg, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "idle",
								  .password = pw,
								  .source = "192.0.2.30" },
				   T0, &e) == 0);
	struct auth_session ses;
	/* within 30 s: no write, idle_left counts from the stored last_seen */
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 10, &e), 0);
	T_EQ_INT(ses.last_seen, T0);
	T_EQ_INT(ses.idle_left, 890);
	T_EQ_INT(ses.absolute_left, 43190);
	/* after 30 s: last_seen written */
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 40, &e), 0);
	T_EQ_INT(ses.last_seen, T0 + 40);
	T_EQ_INT(ses.idle_left, 900);
	int64_t ls = 0;
	struct store_val v[] = { sv_int(ses.id) };
	T_EQ_INT(store_query_int(&ls, s, "SELECT last_seen FROM sessions WHERE id = $1",
				 v, 1, &e), 0);
	T_EQ_INT(ls, T0 + 40);
	/* idle expiry at last_seen + 900 */
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 40 + 899, &e), 0);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 40 + 899 + 900, &e),
		 ERR_AUTH);
	T_EQ_INT(ses.reason, AUTH_SES_IDLE);
	T_NO_SECRET(e, lg.token);
	/* the row is gone: now unknown */
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 40 + 899 + 901, &e),
		 ERR_AUTH);
	T_EQ_INT(ses.reason, AUTH_SES_UNKNOWN);
	/* absolute expiry after 12 h even when active */
	T_REQUIRE(auth_staff_login(&lg, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "idle",
								  .password = pw,
								  .source = "192.0.2.30" },
				   T0, &e) == 0);
	int64_t t = T0;
	int ok = 1;
	while (t + 600 < T0 + 43200) {
		t += 600;
		ok &= auth_session_check(&ses, s, &cfg, lg.token, t, &e) == 0;
	}
	T_CHECK(ok);
	T_CHECK(ses.absolute_left <= 600);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 43200, &e), ERR_AUTH);
	T_EQ_INT(ses.reason, AUTH_SES_ABSOLUTE);
	/* malformed tokens are unknown without a query */
	T_EQ_INT(auth_session_check(&ses, s, &cfg, "short", T0, &e), ERR_AUTH);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, NULL, T0, &e), ERR_AUTH);
	char bad[AUTH_TOKEN_LEN + 1];
	memset(bad, '!', AUTH_TOKEN_LEN);
	bad[AUTH_TOKEN_LEN] = '\0';
	T_EQ_INT(auth_session_check(&ses, s, &cfg, bad, T0, &e), ERR_AUTH);
	T_EQ_INT(ses.reason, AUTH_SES_UNKNOWN);
	store_close(s);
}

static void test_csrf(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "kumo-no-ue 13579";
	T_REQUIRE(add_staff(s, T1, "csrf", pw, "viewer") > 0);
	struct auth_login la, lb;
	T_REQUIRE(auth_staff_login(&la, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "csrf",
								  .password = pw,
								  .source = "192.0.2.40" },
				   T0, &e) == 0);
	T_REQUIRE(auth_staff_login(&lb, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "csrf",
								  .password = pw,
								  .source = "192.0.2.40" },
				   T0, &e) == 0);
	struct auth_session a, b;
	T_REQUIRE(auth_session_check(&a, s, &cfg, la.token, T0, &e) == 0);
	T_REQUIRE(auth_session_check(&b, s, &cfg, lb.token, T0, &e) == 0);
	char ta[AUTH_CSRF_LEN + 1], tb[AUTH_CSRF_LEN + 1], tf[AUTH_CSRF_LEN + 1];
	T_EQ_INT(auth_csrf_token(ta, &a, "staff-add", &e), 0);
	T_EQ_INT(strlen(ta), AUTH_CSRF_LEN);
	T_EQ_INT(auth_csrf_token(tb, &b, "staff-add", &e), 0);
	T_CHECK(strcmp(ta, tb) != 0);
	T_EQ_INT(auth_csrf_check(&a, "staff-add", ta, &e), 0);
	T_EQ_INT(auth_csrf_check(&b, "staff-add", ta, &e), ERR_DENIED);
	T_NO_SECRET(e, ta);
	T_EQ_INT(auth_csrf_check(&a, "other-form", ta, &e), ERR_DENIED);
	T_EQ_INT(auth_csrf_token(tf, &a, NULL, &e), 0);
	T_EQ_INT(auth_csrf_check(&a, NULL, tf, &e), 0);
	T_EQ_INT(auth_csrf_check(&a, "", tf, &e), 0);
	T_EQ_INT(auth_csrf_check(&a, NULL, NULL, &e), ERR_DENIED);
	T_EQ_INT(auth_csrf_check(&a, NULL, "abc", &e), ERR_DENIED);
	/* stable across requests: the secret comes from the database row */
	struct auth_session a2;
	T_REQUIRE(auth_session_check(&a2, s, &cfg, la.token, T0 + 60, &e) == 0);
	T_EQ_INT(auth_csrf_check(&a2, "staff-add", ta, &e), 0);
	char longform[100];
	memset(longform, 'f', 99);
	longform[99] = '\0';
	T_EQ_INT(auth_csrf_token(tf, &a, longform, &e), ERR_INVALID);
	store_close(s);
}

static void count_role(const struct auth_role *r, void *arg)
{
	int *n = arg;
	(*n)++;
	if (strcmp(r->name, "staff") == 0 && (!r->builtin || !r->needs_mfa))
		*n += 1000;
}

static void test_roles_and_permissions(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	struct auth_events ev = { 0 };
	int nroles = 0;
	T_EQ_INT(auth_role_list(s, T1, count_role, &nroles, &e), 4);
	T_EQ_INT(nroles, 4);
	/* sensitive permissions need a 2FA role */
	T_EQ_INT(auth_role_permission_add(s, T1, "viewer", AUTH_PERM_PERSONAL_READ, &ev, &e),
		 ERR_INVALID);
	T_EQ_INT(auth_role_create(s, T1, "publisher", "オープンデータ公開", 0, &ev, &e), 0);
	T_EQ_INT(auth_role_create(s, T1, "publisher", "", 0, &ev, &e), ERR_CONFLICT);
	T_EQ_INT(auth_role_permission_add(s, T1, "publisher", AUTH_PERM_OPENDATA_PUBLISH,
					  &ev, &e), 0);
	T_EQ_INT(auth_role_permission_add(s, T1, "publisher", AUTH_PERM_OPENDATA_PUBLISH,
					  &ev, &e), 0);  /* no-op */
	T_EQ_INT(auth_role_permission_add(s, T1, "publisher", "personal.export", &ev, &e),
		 ERR_INVALID);
	T_EQ_INT(auth_role_permission_add(s, T1, "publisher", "Bad Perm", &ev, &e),
		 ERR_INVALID);
	T_EQ_INT(auth_role_set_needs_mfa(s, T1, "publisher", 1, &ev, &e), 0);
	T_EQ_INT(auth_role_permission_add(s, T1, "publisher", "personal.export", &ev, &e), 0);
	T_EQ_INT(auth_role_set_needs_mfa(s, T1, "publisher", 0, &ev, &e), ERR_INVALID);
	T_EQ_INT(auth_role_set_needs_mfa(s, T1, "staff", 0, &ev, &e), ERR_INVALID);
	T_EQ_INT(ev.n, 4);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "role.created");
	T_EQ_STR(ev.ev[1].permission, "opendata.publish");
	T_EQ_STR(auth_event_name(ev.ev[2].kind), "role.mfa_changed");
	T_EQ_INT(ev.ev[2].value, 1);
	T_EQ_STR(ev.ev[3].role, "publisher");
	/* grants */
	const char *pw = "mizu-no-oto 24680";
	int64_t id = add_staff(s, T1, "multi", pw, "viewer");
	T_REQUIRE(id > 0);
	ev.n = 0;
	T_EQ_INT(auth_staff_role_grant(s, T1, id, "publisher", &ev, &e), 0);
	T_EQ_INT(auth_staff_role_grant(s, T1, id, "publisher", &ev, &e), 0);
	T_EQ_INT(auth_staff_role_grant(s, T1, id, "nosuchrole", &ev, &e), ERR_NOTFOUND);
	T_EQ_INT(ev.n, 1);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "role.granted");
	T_EQ_INT(ev.ev[0].account_id, id);
	/* a staff member of T1 cannot get T2's role, nor T2 staff T1's */
	int64_t other = add_staff(s, T2, "other", pw, NULL);
	T_EQ_INT(auth_staff_role_grant(s, T1, other, "viewer", &ev, &e), ERR_NOTFOUND);
	/* account-level checks: mfa_ok decides the needs_mfa roles */
	T_EQ_INT(auth_staff_has_permission(s, T1, id, AUTH_PERM_JOBS_READ, 0, &e), 1);
	T_EQ_INT(auth_staff_has_permission(s, T1, id, AUTH_PERM_OPENDATA_PUBLISH, 0, &e), 0);
	T_EQ_INT(auth_staff_has_permission(s, T1, id, AUTH_PERM_OPENDATA_PUBLISH, 1, &e), 1);
	T_EQ_INT(auth_staff_has_permission(s, T2, id, AUTH_PERM_JOBS_READ, 1, &e), 0);
	T_EQ_INT(auth_staff_has_permission(s, T1, id, AUTH_PERM_PERSONAL_WRITE, 1, &e), 0);
	/* the login now needs enrolment (a role needs 2FA) */
	struct auth_login lg;
	T_EQ_INT(auth_staff_login(&lg, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "multi",
								 .password = pw,
								 .source = "192.0.2.60" },
				  T0, &e), 0);
	T_EQ_INT(lg.outcome, AUTH_OUT_ENROL_NEEDED);
	/* revoke; delete */
	ev.n = 0;
	T_EQ_INT(auth_staff_role_revoke(s, T1, id, "publisher", &ev, &e), 0);
	T_EQ_INT(auth_staff_role_revoke(s, T1, id, "publisher", &ev, &e), 0);
	T_EQ_INT(ev.n, 1);
	T_EQ_INT(auth_staff_role_grant(s, T1, id, "publisher", NULL, &e), 0);
	T_EQ_INT(auth_role_delete(s, T1, "admin", &ev, &e), ERR_DENIED);
	T_EQ_INT(auth_role_delete(s, T1, "publisher", &ev, &e), 0);
	T_EQ_INT(auth_staff_has_permission(s, T1, id, AUTH_PERM_OPENDATA_PUBLISH, 1, &e), 0);
	struct auth_staff st;
	T_EQ_INT(auth_staff_get(&st, s, T1, id, &e), 0);
	T_EQ_STR(st.roles, "viewer");
	T_EQ_INT(auth_permission_sensitive("personal.anything"), 1);
	T_EQ_INT(auth_permission_sensitive("jobs.read"), 0);
	/* a disabled account has no permissions */
	T_EQ_INT(auth_staff_set_active(s, T1, id, 0, T0, NULL, &e), 0);
	T_EQ_INT(auth_staff_has_permission(s, T1, id, AUTH_PERM_JOBS_READ, 1, &e), 0);
	/* staff.add inside the caller's transaction, rolled back: nothing */
	T_REQUIRE(store_begin(s, &e) == 0);
	int64_t tmp = 0;
	const char *roles[] = { "viewer" };
	struct auth_staff_new tx_user = { .tenant = T1, .login = "tx-user", .display_name = "取消",
					  .password = pw, .roles = roles, .nroles = 1 };
	T_EQ_INT(auth_staff_add(&tmp, s, &cfg, &tx_user, T0, NULL, &e), 0);
	T_CHECK(store_in_tx(s));
	store_rollback(s);
	T_EQ_INT(auth_staff_get_by_login(&st, s, T1, "tx-user", &e), ERR_NOTFOUND);
	store_close(s);
}

static void list_cb(const struct auth_session *ses, int current, void *arg)
{
	int *n = arg;
	(void)ses;
	n[0]++;
	n[1] += current;
}

static void test_sessions_list_kill_disable(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *pw = "hoshi-zora 112233";
	int64_t id = add_staff(s, T1, "many", pw, "viewer");
	int64_t id2 = add_staff(s, T1, "else", pw, "viewer");
	T_REQUIRE(id > 0 && id2 > 0);
	struct auth_login l1, l2, l3, lo;
	T_REQUIRE(auth_staff_login(&l1, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								  .password = pw,
								  .source = "192.0.2.70" },
				   T0, &e) == 0);
	T_REQUIRE(auth_staff_login(&l2, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								  .password = pw,
								  .source = "192.0.2.71" },
				   T0 + 1, &e) == 0);
	T_REQUIRE(auth_staff_login(&l3, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								  .password = pw,
								  .source = "192.0.2.72" },
				   T0 + 2, &e) == 0);
	T_REQUIRE(auth_staff_login(&lo, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "else",
								  .password = pw,
								  .source = "192.0.2.73" },
				   T0, &e) == 0);
	struct auth_session s1, so;
	T_REQUIRE(auth_session_check(&s1, s, &cfg, l1.token, T0 + 3, &e) == 0);
	T_REQUIRE(auth_session_check(&so, s, &cfg, lo.token, T0 + 3, &e) == 0);
	int n[2] = { 0, 0 };
	T_EQ_INT(auth_session_list(s, &s1, T0 + 3, list_cb, n, &e), 3);
	T_EQ_INT(n[1], 1);
	/* another account cannot kill my session */
	T_EQ_INT(auth_session_kill(s, &so, l2.session_id, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_session_kill(s, &s1, l2.session_id, &e), 0);
	struct auth_session x;
	T_EQ_INT(auth_session_check(&x, s, &cfg, l2.token, T0 + 4, &e), ERR_AUTH);
	/* password change keeps this session, kills the others */
	struct auth_events ev = { 0 };
	T_EQ_INT(auth_password_change(s, &cfg, &s1,
				      &(struct auth_password_change_in){ .current = "wrong current pw",
									 .new_password = "a new passphrase 77" },
				      T0 + 5, &ev, &e), ERR_AUTH);
	T_NO_SECRET(e, "wrong current pw");
	T_EQ_INT(auth_password_change(s, &cfg, &s1,
				      &(struct auth_password_change_in){ .current = pw,
									 .new_password = "short" },
				      T0 + 5, &ev, &e), ERR_INVALID);
	T_EQ_INT(auth_password_change(s, &cfg, &s1,
				      &(struct auth_password_change_in){ .current = pw,
									 .new_password = "a new passphrase 77" },
				      T0 + 5, &ev, &e), 0);
	T_NO_SECRET(e, "a new passphrase");
	T_EQ_INT(ev.n, 2);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "password.changed");
	T_EQ_INT(ev.ev[1].value, 1);
	T_EQ_INT(auth_session_check(&x, s, &cfg, l3.token, T0 + 6, &e), ERR_AUTH);
	T_EQ_INT(auth_session_check(&x, s, &cfg, l1.token, T0 + 6, &e), 0);
	T_EQ_INT(auth_staff_login(&l2, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								 .password = pw,
								 .source = "192.0.2.70" },
				  T0 + 7, &e),
		 ERR_AUTH);
	T_EQ_INT(auth_staff_login(&l2, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								 .password = "a new passphrase 77",
								 .source = "192.0.2.70" },
				  T0 + 7, &e), 0);
	/* disabling kills every session */
	ev.n = 0;
	T_EQ_INT(auth_staff_set_active(s, T1, id, 0, T0 + 8, &ev, &e), 0);
	T_EQ_INT(ev.n, 2);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "staff.disabled");
	T_EQ_INT(ev.ev[1].value, 2);
	T_EQ_INT(auth_session_check(&x, s, &cfg, l1.token, T0 + 9, &e), ERR_AUTH);
	T_EQ_INT(auth_session_check(&x, s, &cfg, l2.token, T0 + 9, &e), ERR_AUTH);
	T_EQ_INT(auth_session_check(&x, s, &cfg, lo.token, T0 + 9, &e), 0);
	T_EQ_INT(auth_staff_login(&l2, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								 .password = "a new passphrase 77",
								 .source = "192.0.2.70" },
				  T0 + 10, &e), ERR_AUTH);
	T_EQ_INT(l2.outcome, AUTH_OUT_DISABLED);
	T_EQ_INT(auth_staff_set_active(s, T1, id, 1, T0 + 11, NULL, &e), 0);
	T_EQ_INT(auth_staff_login(&l2, s, &cfg,
				  &(struct auth_staff_login_in){ .tenant = T1, .login = "many",
								 .password = "a new passphrase 77",
								 .source = "192.0.2.70" },
				  T0 + 12, &e), 0);
	/* administrative reset kills all */
	T_EQ_INT(auth_staff_set_password(s, &cfg,
					 &(struct auth_staff_password_in){ .tenant = T1,
									   .staff_id = id,
									   .password = "reset by admin 42" },
					 T0 + 13, NULL, &e), 0);
	T_EQ_INT(auth_session_check(&x, s, &cfg, l2.token, T0 + 14, &e), ERR_AUTH);
	/* logout */
	T_EQ_INT(auth_session_logout(s, lo.token, &e), 0);
	T_EQ_INT(auth_session_check(&x, s, &cfg, lo.token, T0 + 15, &e), ERR_AUTH);
	T_EQ_INT(auth_session_logout(s, "garbage", &e), 0);
	store_close(s);
}

static void test_residents(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	const char *email = "Hanako.Kumin@Example.JP";
	const char *pw = "ame-nochi-hare 31";
	int64_t id = 0, dup = 0;
	T_EQ_INT(auth_resident_add(&id, s, &cfg,
				   &(struct auth_resident_new){ .tenant = T1, .email = email,
								.password = pw },
				   T0, NULL, &e), 0);
	T_CHECK(id > 0);
	char stored[AUTH_EMAIL_MAX + 1];
	int active = -1;
	T_EQ_INT(auth_resident_get(stored, &active, s, T1, id, &e), 0);
	T_EQ_STR(stored, "hanako.kumin@example.jp");   /* kept case-folded */
	T_EQ_INT(active, 1);
	T_EQ_INT(auth_resident_get(stored, &active, s, T2, id, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_resident_add(&dup, s, &cfg,
				   &(struct auth_resident_new){ .tenant = T1,
								.email = "hanako.kumin@example.jp",
								.password = pw },
				   T0, NULL, &e), ERR_CONFLICT);
	T_NO_SECRET(e, "hanako");
	T_EQ_INT(auth_resident_add(&dup, s, &cfg,
				   &(struct auth_resident_new){ .tenant = T1,
								.email = "not-an-address",
								.password = pw },
				   T0, NULL, &e),
		 ERR_INVALID);
	T_NO_SECRET(e, "not-an-address");
	T_EQ_INT(auth_resident_add(&dup, s, &cfg,
				   &(struct auth_resident_new){ .tenant = T1,
								.email = "x@example.jp",
								.password = "short" },
				   T0, NULL, &e),
		 ERR_INVALID);
	/* the e-mail's local part may not be in the password */
	T_EQ_INT(auth_resident_add(&dup, s, &cfg,
				   &(struct auth_resident_new){ .tenant = T1,
								.email = "sakuragi@example.jp",
								.password = "sakuragi-no-ie 1" },
				   T0, NULL, &e), ERR_INVALID);
	struct auth_login lg;
	T_EQ_INT(auth_resident_login(&lg, s, &cfg,
				     &(struct auth_resident_login_in){ .tenant = T1,
								       .email = "hanako.kumin@example.jp",
								       .password = pw,
								       .source = "192.0.2.80" },
				     T0, &e), 0);
	T_EQ_INT(lg.kind, AUTH_KIND_RESIDENT);
	T_EQ_INT(lg.outcome, AUTH_OUT_OK);
	struct auth_session ses;
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 1, &e), 0);
	T_EQ_INT(ses.kind, AUTH_KIND_RESIDENT);
	T_EQ_INT(ses.idle_timeout, 1800);
	T_EQ_INT(auth_has_permission(s, &ses, AUTH_PERM_JOBS_READ, &e), 0);
	/* a resident id is not a staff id */
	T_EQ_INT(auth_resident_login(&lg, s, &cfg,
				     &(struct auth_resident_login_in){ .tenant = T1, .email = email,
								       .password = "incorrect-pw-xyz 1",
								       .source = "192.0.2.80" },
				     T0, &e), ERR_AUTH);
	T_NO_SECRET(e, "hanako");
	T_NO_SECRET(e, "Hanako");
	T_NO_SECRET(e, "incorrect-pw");
	T_EQ_INT(auth_resident_login(&lg, s, &cfg,
				     &(struct auth_resident_login_in){ .tenant = T2, .email = email,
								       .password = pw,
								       .source = "192.0.2.80" },
				     T0, &e),
		 ERR_AUTH);
	/* password change for residents */
	T_EQ_INT(auth_password_change(s, &cfg, &ses,
				      &(struct auth_password_change_in){ .current = pw,
									 .new_password = "kaze-ga-fuku hi 9" },
				      T0 + 2, NULL, &e), 0);
	T_EQ_INT(auth_resident_login(&lg, s, &cfg,
				     &(struct auth_resident_login_in){ .tenant = T1, .email = email,
								       .password = "kaze-ga-fuku hi 9",
								       .source = "192.0.2.80" },
				     T0 + 3, &e), 0);
	/* disabling a resident kills the sessions */
	T_EQ_INT(auth_resident_set_active(s, T1, id, 0, NULL, &e), 0);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, lg.token, T0 + 4, &e), ERR_AUTH);
	store_close(s);
}

/* two servers (connections) race with the same code: exactly one wins */
static void test_two_servers_single_use(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct store *s2;
	struct err e;
	T_REQUIRE(store_open(&s2, url, &e) == 0);
	const char *pw = "futatsu-no-mado 77";
	T_REQUIRE(add_staff(s, T1, "twin", pw, "staff") > 0);
	unsigned char secret[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "twin", pw, T0, secret, &codes, token) == 0);
	struct auth_login a, b, ca, cb;
	struct auth_session pa, pb;
	T_REQUIRE(auth_staff_login(&a, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "twin",
								  .password = pw,
								  .source = "192.0.2.91" },
				   T0 + 60, &e) == 0);
	T_REQUIRE(auth_staff_login(&b, s2, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "twin",
								  .password = pw,
								  .source = "192.0.2.92" },
				   T0 + 60, &e) == 0);
	T_REQUIRE(auth_session_check(&pa, s2, &cfg, a.token, T0 + 60, &e) == 0);
	T_REQUIRE(auth_session_check(&pb, s, &cfg, b.token, T0 + 60, &e) == 0);
	char code[7];
	totp_at(code, secret, T0 + 60);
	int ra = auth_staff_login_code(&ca, s, &cfg, &pa,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.91" },
				       T0 + 60, &e);
	int rb = auth_staff_login_code(&cb, s2, &cfg, &pb,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.92" },
				       T0 + 60, &e);
	T_CHECK((ra == 0) != (rb == 0));
	T_EQ_INT(ra == 0 ? cb.outcome : ca.outcome, AUTH_OUT_CODE_REUSED);
	/* the same recovery code on two pending sessions */
	T_REQUIRE(auth_staff_login(&a, s, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "twin",
								  .password = pw,
								  .source = "192.0.2.91" },
				   T0 + 70, &e) == 0);
	T_REQUIRE(auth_staff_login(&b, s2, &cfg,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "twin",
								  .password = pw,
								  .source = "192.0.2.92" },
				   T0 + 70, &e) == 0);
	T_REQUIRE(auth_session_check(&pa, s, &cfg, a.token, T0 + 70, &e) == 0);
	T_REQUIRE(auth_session_check(&pb, s2, &cfg, b.token, T0 + 70, &e) == 0);
	ra = auth_staff_login_code(&ca, s, &cfg, &pa,
				   &(struct auth_login_code_in){ .code = codes.code[3],
								 .source = "192.0.2.91" },
				   T0 + 70, &e);
	rb = auth_staff_login_code(&cb, s2, &cfg, &pb,
				   &(struct auth_login_code_in){ .code = codes.code[3],
								 .source = "192.0.2.92" },
				   T0 + 70, &e);
	T_CHECK((ra == 0) != (rb == 0));
	store_close(s2);
	store_close(s);
}

static void test_qr_svg(void)
{
	struct err e;
	const char *text = "otpauth://totp/madoguchi%20%28%E3%83%87%E3%83%A2%E5%8C%BA%29"
			   ":admin1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=madoguchi"
			   "&algorithm=SHA1&digits=6&period=30";
	char *svg = NULL;
	int dark = -1;
	T_REQUIRE(auth_qr_svg(&svg, &dark, text, "QR <title> & \"test\"", &e) == 0);
	T_CHECK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	T_CHECK(strstr(svg, "<title id=\"qr-title\">QR &lt;title&gt; &amp; &quot;test&quot;"
			    "</title>") != NULL);
	T_CHECK(strstr(svg, "role=\"img\"") != NULL);
	size_t len = strlen(svg);
	T_CHECK(len > 7 && strcmp(svg + len - 7, "</svg>\n") == 0);
	/* the number of dark modules is what libqrencode says */
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	T_REQUIRE(q);
	int want = 0;
	for (int i = 0; i < q->width * q->width; i++)
		want += q->data[i] & 1;
	int got = 0;
	for (const char *p = svg; (p = strstr(p, "h1v1h-1z")); p++)
		got++;
	T_EQ_INT(dark, want);
	T_EQ_INT(got, want);
	char vb[64];
	snprintf(vb, sizeof vb, "viewBox=\"0 0 %d %d\"", q->width + 8, q->width + 8);
	T_CHECK(strstr(svg, vb) != NULL);
	QRcode_free(q);
	/* tags balance: one <svg>, one <title>, one <path/>, one <rect/> */
	int open_tags = 0, close_tags = 0;
	for (const char *p = svg; *p; p++) {
		if (*p == '<' && p[1] != '/')
			open_tags++;
		if ((*p == '<' && p[1] == '/') || (*p == '/' && p[1] == '>'))
			close_tags++;
	}
	T_EQ_INT(open_tags, 4);
	T_EQ_INT(close_tags, 4);
	free(svg);
	char big[1100];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	T_EQ_INT(auth_qr_svg(&svg, &dark, big, "t", &e), ERR_INVALID);
}

static void test_config_and_keys(void)
{
	struct err e;
	struct auth_config c2;
	T_EQ_INT(auth_config_init(&c2, AUTH_HASH_TEST_ONLY, &e), 0);
	T_EQ_INT(auth_config_set_key(&c2, "00ff", &e), ERR_INVALID);
	T_EQ_INT(c2.have_key, 0);
	char k[AUTH_KEY_HEX_LEN + 1];
	T_EQ_INT(auth_key_generate(k, &e), 0);
	T_EQ_INT(strlen(k), 64);
	T_EQ_INT(auth_config_set_key(&c2, k, &e), 0);
	T_NO_SECRET(e, k);
	/* a secret sealed with one key does not open with another */
	struct store *s = open_fresh();
	T_REQUIRE(s);
	const char *pw = "kagi-wo-kaeru 1234";
	T_REQUIRE(add_staff(s, T1, "keyed", pw, "staff") > 0);
	unsigned char secret[20];
	struct auth_recovery_codes codes;
	char token[AUTH_TOKEN_LEN + 1];
	T_REQUIRE(enrol(s, "keyed", pw, T0, secret, &codes, token) == 0);
	struct auth_login lg, lc;
	T_REQUIRE(auth_staff_login(&lg, s, &c2,
				   &(struct auth_staff_login_in){ .tenant = T1, .login = "keyed",
								  .password = pw,
								  .source = "192.0.2.90" },
				   T0 + 60, &e) == 0);
	struct auth_session pend;
	T_REQUIRE(auth_session_check(&pend, s, &c2, lg.token, T0 + 60, &e) == 0);
	char code[7];
	totp_at(code, secret, T0 + 60);
	T_EQ_INT(auth_staff_login_code(&lc, s, &c2, &pend,
				       &(struct auth_login_code_in){ .code = code,
								     .source = "192.0.2.90" },
				       T0 + 60, &e),
		 ERR_INTERNAL);
	T_NO_SECRET(e, code);
	/* the common list loads and limits bad input */
	T_EQ_INT(auth_config_load_common_passwords(&c2, "/nonexistent/list", &e), ERR_IO);
	auth_config_done(&c2);
	store_close(s);
}

static const char *data_file(void)
{
	static const char *const candidates[] = {
		"data/auth/common-passwords.txt",
		"../data/auth/common-passwords.txt",
		"../../data/auth/common-passwords.txt",
		"../../../data/auth/common-passwords.txt",
	};
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return NULL;
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/madoguchi-auth-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	printf("# database: %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
	struct err e;
	if (config_begin())
		return 1;
	const char *df = data_file();
	if (!df || auth_config_load_common_passwords(&cfg, df, &e)) {
		printf("# common-password list not loaded (%s)\n", df ? e.detail : "not found");
		return 1;
	}
	T_RUN(test_migrate_idempotent);
	T_RUN(test_password_policy);
	T_RUN(test_password_hash_verify);
	T_RUN(test_totp_rfc6238_vectors);
	T_RUN(test_login_success_and_stages);
	T_RUN(test_wrong_password_and_lockout);
	T_RUN(test_source_throttling);
	T_RUN(test_totp_enrolment);
	T_RUN(test_totp_login_and_step_reuse);
	T_RUN(test_recovery_codes);
	T_RUN(test_session_expiry);
	T_RUN(test_csrf);
	T_RUN(test_roles_and_permissions);
	T_RUN(test_sessions_list_kill_disable);
	T_RUN(test_residents);
	T_RUN(test_two_servers_single_use);
	T_RUN(test_qr_svg);
	T_RUN(test_config_and_keys);
	auth_config_done(&cfg);
	/* leave a shared database as found: no auth tables, no test tenants */
	struct store *s;
	if (store_open(&s, url, &e) == 0) {
		for (size_t i = 0; i < sizeof drop_sql / sizeof drop_sql[0]; i++)
			store_script(s, drop_sql[i], NULL);
		store_exec(s, "DELETE FROM schema_migrations WHERE module = 'auth'",
			   NULL, 0, NULL);
		struct store_val v[] = { sv_text(T1), sv_text(T2) };
		store_exec(s, "DELETE FROM tenants WHERE code IN ($1, $2)", v, 2, NULL);
		store_close(s);
	}
	if (sqlite_path[0]) {
		unlink(sqlite_path + 7);
		char p[160];
		snprintf(p, sizeof p, "%s-wal", sqlite_path + 7); unlink(p);
		snprintf(p, sizeof p, "%s-shm", sqlite_path + 7); unlink(p);
	}
	return t_done();
}
