/*
 * test_close.c -- a resident closing their account (退会;
 * auth_password_confirm and auth_resident_close in src/core/auth) on both
 * backends (MADOGUCHI_TEST_DB; default a fresh SQLite file; on PostgreSQL
 * in the schema mg_authclose_test): the password is confirmed (a wrong
 * one refused and counted, nothing else changes); closing leaves the row
 * with status disabled, no address, no usable password hash, no session
 * and no e-mail token (the address is no longer verified); the closed
 * account cannot log in, be found or reset; the address may be registered
 * again; closing twice, or another municipality's account, is
 * ERR_NOTFOUND; inside the caller's transaction a rollback undoes it all.
 */
#include "t.h"
#include "tdb.h"

#include <string.h>

#include "core/auth/auth.h"
#include "core/tenant/tenant.h"

#define T1 "139998"
#define T2 "131059"

static struct tdb db;
static struct auth_config cfg;

static struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	tdb_reset(&db);
	if (store_open(&s, db.url, &e)) {
		printf("# open %s: %s\n", db.url, e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, auth_schema, auth_email_schema };
	if (store_migrate(s, mods, 3, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	store_script(s, "INSERT INTO tenants (code, name_ja, name_en, created_at) VALUES"
		     " ('139998', 'デモ区', 'Demo Ward', 0), ('131059', '文京区', 'Bunkyo', 0)", NULL);
	return s;
}

static int64_t count(struct store *s, const char *q)
{
	int64_t n = -1;
	store_query_int(&n, s, q, NULL, 0, NULL);
	return n;
}

static int login(struct auth_login *out, struct store *s, const char *tenant, const char *email,
		 const char *pw, int64_t now)
{
	struct err e;
	return auth_resident_login(out, s, &cfg,
				   &(struct auth_resident_login_in){ .tenant = tenant, .email = email,
								     .password = pw, .source = "192.0.2.7" },
				   now, &e);
}

static int64_t add(struct store *s, const char *tenant, const char *email, const char *pw, int64_t now)
{
	struct err e;
	int64_t id = 0;
	if (auth_resident_add(&id, s, &cfg, &(struct auth_resident_new){ .tenant = tenant, .email = email,
									 .password = pw }, now, NULL, &e))
		printf("# add: %s\n", e.detail);
	return id;
}

#define PW "Taikai-Suru-Hi-2026"

static void test_confirm_and_close(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t now = 1796000000;
	int64_t r1 = add(s, T1, "yamada@example.jp", PW, now);
	int64_t r2 = add(s, T1, "nokoru@example.jp", PW, now);
	int64_t other = add(s, T2, "yamada@example.jp", PW, now);
	T_REQUIRE(r1 && r2 && other);
	/* a verified address, a pending reset link, two sessions */
	char tok[AUTH_EMAIL_TOKEN_HEX + 1];
	int64_t who = 0;
	T_REQUIRE(auth_email_token_new(tok, s, T1, r1, AUTH_EMAIL_VERIFY, now, &e) == 0);
	T_REQUIRE(auth_email_token_check(&who, s, &(struct auth_email_token_in){
		.tenant = T1, .purpose = AUTH_EMAIL_VERIFY, .token = tok, .use = 1 }, now, &e) == 0);
	char reset[AUTH_EMAIL_TOKEN_HEX + 1];
	T_REQUIRE(auth_email_token_new(reset, s, T1, r1, AUTH_EMAIL_RESET, now, &e) == 0);
	int verified = 0;
	T_REQUIRE(auth_resident_email_verified(&verified, s, T1, r1, &e) == 0);
	T_EQ_INT(verified, 1);
	struct auth_login a, b;
	T_REQUIRE(login(&a, s, T1, "yamada@example.jp", PW, now) == 0);
	T_REQUIRE(login(&b, s, T1, "yamada@example.jp", PW, now) == 0);
	T_REQUIRE(login(&(struct auth_login){ 0 }, s, T1, "nokoru@example.jp", PW, now) == 0);
	struct auth_session ses;
	T_REQUIRE(auth_session_check(&ses, s, &cfg, a.token, now + 1, &e) == 0);

	/* a wrong password: refused, counted, nothing else changes */
	T_EQ_INT(auth_password_confirm(s, &cfg, &ses, "Chigau-Password-1", now + 2, &e), ERR_AUTH);
	T_EQ_INT(count(s, "SELECT failed_count FROM residents WHERE email = 'yamada@example.jp'"
		       " AND tenant = '139998'"), 1);
	T_EQ_INT(auth_password_confirm(s, &cfg, &ses, "", now + 2, &e), ERR_AUTH);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM sessions WHERE kind = 'resident'"), 3);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM residents WHERE status = 'active'"), 3);
	/* the right one */
	T_EQ_INT(auth_password_confirm(s, &cfg, &ses, PW, now + 3, &e), 0);
	/* a session that is not fully logged in may not confirm */
	struct auth_session half = ses;
	half.stage = AUTH_STAGE_TOTP;
	T_EQ_INT(auth_password_confirm(s, &cfg, &half, PW, now + 3, &e), ERR_DENIED);

	/* another municipality's id: nothing */
	T_EQ_INT(auth_resident_close(s, T2, r1, now + 4, NULL, &e), ERR_NOTFOUND);
	/* inside the caller's transaction, rolled back: nothing happened */
	T_REQUIRE(store_begin(s, &e) == 0);
	T_EQ_INT(auth_resident_close(s, T1, r1, now + 4, NULL, &e), 0);
	store_rollback(s);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM residents WHERE status = 'active'"), 3);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM sessions WHERE kind = 'resident'"), 3);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM auth_email_tokens"), 2);

	/* closed, in its own transaction */
	struct auth_events ev = { 0 };
	T_EQ_INT(auth_resident_close(s, T1, r1, now + 5, &ev, &e), 0);
	T_EQ_INT(ev.n, 2);
	T_EQ_INT(ev.ev[0].kind, AUTH_EV_RESIDENT_CLOSED);
	T_EQ_INT(ev.ev[0].account_id, r1);
	T_EQ_STR(auth_event_name(ev.ev[0].kind), "resident.closed");
	T_EQ_INT(ev.ev[1].kind, AUTH_EV_SESSIONS_KILLED);
	T_EQ_INT(ev.ev[1].value, 2);
	char email[AUTH_EMAIL_MAX + 1];
	int active = 1;
	T_REQUIRE(auth_resident_get(email, &active, s, T1, r1, &e) == 0);   /* the row stays */
	T_EQ_INT(active, 0);
	T_CHECK(strchr(email, '@') == NULL);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM residents WHERE email LIKE 'yamada%'"), 1);   /* T2's */
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM residents WHERE password_hash <> ''"), 2);
	/* its sessions ended, the others' not */
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM sessions WHERE kind = 'resident'"), 1);
	T_EQ_INT(auth_session_check(&ses, s, &cfg, b.token, now + 6, &e) == 0, 0);
	/* no e-mail token: not verified, the reset link dead */
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM auth_email_tokens"), 0);
	T_REQUIRE(auth_resident_email_verified(&verified, s, T1, r1, &e) == 0);
	T_EQ_INT(verified, 0);
	T_EQ_INT(auth_email_token_check(&who, s, &(struct auth_email_token_in){
		.tenant = T1, .purpose = AUTH_EMAIL_RESET, .token = reset, .use = 1 }, now + 6, &e),
		ERR_NOTFOUND);
	/* no login, no find, no reset mail */
	struct auth_login c;
	T_EQ_INT(login(&c, s, T1, "yamada@example.jp", PW, now + 7), ERR_AUTH);
	T_EQ_INT(c.outcome, AUTH_OUT_BAD_CREDENTIALS);
	T_EQ_INT(login(&c, s, T1, email, "", now + 7), ERR_AUTH);
	int64_t id;
	T_EQ_INT(auth_resident_find(&id, s, T1, "yamada@example.jp", &e), ERR_NOTFOUND);
	/* the other municipality's account with the same address, and the
	 * other resident, are untouched */
	T_EQ_INT(login(&c, s, T2, "yamada@example.jp", PW, now + 9), 0);
	T_EQ_INT(login(&c, s, T1, "nokoru@example.jp", PW, now + 9), 0);
	/* twice: nothing more */
	T_EQ_INT(auth_resident_close(s, T1, r1, now + 10, NULL, &e), ERR_NOTFOUND);
	/* the address may be registered again: a new account */
	int64_t again = add(s, T1, "yamada@example.jp", "Mata-Kimashita-2027", now + 11);
	T_CHECK(again != 0 && again != r1);
	T_EQ_INT(login(&c, s, T1, "yamada@example.jp", "Mata-Kimashita-2027", now + 12), 0);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "authclose");
	struct err e;
	if (auth_config_init(&cfg, AUTH_HASH_TEST_ONLY, &e)) {
		printf("# config: %s\n", e.detail);
		return 1;
	}
	T_RUN(test_confirm_and_close);
	auth_config_done(&cfg);
	tdb_end(&db);
	return t_done();
}
