/*
 * test_resident_email.c -- the tokens behind resident e-mail confirmation
 * and password reset (src/core/auth/resident_email.c) on both backends
 * (MADOGUCHI_TEST_DB; default a fresh SQLite file; on PostgreSQL in the
 * schema mg_authmail_test): only the hash is stored; a token is good once,
 * for its tenant and purpose, before it expires; a checked-but-unused
 * token stays good; one reset mail per interval, five confirmation mails
 * an hour; using a reset token
 * retires the others; confirmation is remembered; a new password ends the
 * resident's sessions and the old password stops working.
 */
#include "t.h"
#include "tdb.h"

#include <unistd.h>

#include "core/auth/auth.h"
#include "core/tenant/tenant.h"

#define T1 "139998"
#define T2 "131059"

static struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */
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

static void test_tokens(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t now = 1795000000, r1 = 0, r2 = 0, other = 0, id;
	T_REQUIRE(auth_resident_add(&r1, s, &cfg,
				    &(struct auth_resident_new){ .tenant = T1,
								 .email = "Taro@Example.jp",
								 .password = "Hoshizora-Kouen-88" },
				    now, NULL, &e) == 0);
	T_REQUIRE(auth_resident_add(&r2, s, &cfg,
				    &(struct auth_resident_new){ .tenant = T1,
								 .email = "hanako@example.jp",
								 .password = "Hoshizora-Kouen-99" },
				    now, NULL, &e) == 0);
	T_REQUIRE(auth_resident_add(&other, s, &cfg,
				    &(struct auth_resident_new){ .tenant = T2,
								 .email = "taro@example.jp",
								 .password = "Hoshizora-Kouen-77" },
				    now, NULL, &e) == 0);

	/* find: case-folded, per tenant, active only */
	T_EQ_INT(auth_resident_find(&id, s, T1, "TARO@example.JP", &e), 0);
	T_EQ_INT(id, r1);
	T_EQ_INT(auth_resident_find(&id, s, T2, "taro@example.jp", &e), 0);
	T_EQ_INT(id, other);
	T_EQ_INT(auth_resident_find(&id, s, T1, "nobody@example.jp", &e), ERR_NOTFOUND);
	T_EQ_INT(auth_resident_find(&id, s, T1, "not an address", &e), ERR_NOTFOUND);

	char tok[AUTH_EMAIL_TOKEN_HEX + 1], tok2[AUTH_EMAIL_TOKEN_HEX + 1];
	T_REQUIRE(auth_email_token_new(tok, s, T1, r1, AUTH_EMAIL_VERIFY, now, &e) == 0);
	T_EQ_INT(strlen(tok), 64);
	/* only the hash is stored */
	struct store_val v[] = { sv_text(tok) };
	int64_t n = -1;
	store_query_int(&n, s, "SELECT COUNT(*) FROM auth_email_tokens WHERE token_hash = $1", v, 1, NULL);
	T_EQ_INT(n, 0);
	int verified = -1;
	T_EQ_INT(auth_resident_email_verified(&verified, s, T1, r1, &e), 0);
	T_EQ_INT(verified, 0);
	/* peeking does not use it; wrong purpose, tenant, shape, time: not found */
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok },
					now + 10, &e), 0);
	T_EQ_INT(id, r1);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_RESET,
								       .token = tok, .use = 1 },
					now + 10, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T2,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok, .use = 1 },
					now + 10, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = "abc", .use = 1 },
					now + 10, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok, .use = 1 },
					now + AUTH_VERIFY_TTL, &e), ERR_NOTFOUND);
	T_CHECK(strstr(e.detail, tok) == NULL);
	/* used once */
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok, .use = 1 },
					now + 20, &e), 0);
	T_EQ_INT(id, r1);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok, .use = 1 },
					now + 21, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok },
					now + 21, &e), ERR_NOTFOUND);
	T_EQ_INT(auth_resident_email_verified(&verified, s, T1, r1, &e), 0);
	T_EQ_INT(verified, 1);
	T_EQ_INT(auth_resident_email_verified(&verified, s, T1, r2, &e), 0);
	T_EQ_INT(verified, 0);

	/* confirmation links: at most AUTH_VERIFY_PER_HOUR an hour */
	for (int i = 0; i < AUTH_VERIFY_PER_HOUR; i++)
		T_EQ_INT(auth_email_token_new(tok2, s, T1, r2, AUTH_EMAIL_VERIFY, now + i, &e), 0);
	T_EQ_INT(auth_email_token_new(tok2, s, T1, r2, AUTH_EMAIL_VERIFY, now + 10, &e), ERR_LIMIT);
	T_EQ_INT(auth_email_token_new(tok2, s, T1, r2, AUTH_EMAIL_VERIFY, now + 3601, &e), 0);
	/* reset: one per interval; using one retires the others */
	T_REQUIRE(auth_email_token_new(tok, s, T1, r2, AUTH_EMAIL_RESET, now, &e) == 0);
	T_EQ_INT(auth_email_token_new(tok2, s, T1, r2, AUTH_EMAIL_RESET, now + AUTH_RESET_INTERVAL - 1, &e), ERR_LIMIT);
	T_REQUIRE(auth_email_token_new(tok2, s, T1, r2, AUTH_EMAIL_RESET, now + AUTH_RESET_INTERVAL + 1, &e) == 0);
	T_CHECK(strcmp(tok, tok2) != 0);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_RESET,
								       .token = tok2, .use = 1 },
					now + AUTH_RESET_INTERVAL + 2, &e), 0);
	T_EQ_INT(id, r2);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_RESET,
								       .token = tok, .use = 1 },
					now + AUTH_RESET_INTERVAL + 3, &e), ERR_NOTFOUND);
	/* a reset link lives an hour */
	T_REQUIRE(auth_email_token_new(tok, s, T1, r1, AUTH_EMAIL_RESET, now, &e) == 0);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_RESET,
								       .token = tok },
					now + AUTH_RESET_TTL - 1, &e), 0);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T1,
								       .purpose = AUTH_EMAIL_RESET,
								       .token = tok, .use = 1 },
					now + AUTH_RESET_TTL, &e), ERR_NOTFOUND);
	/* in the caller's transaction: gone on rollback */
	T_REQUIRE(store_begin(s, &e) == 0);
	T_REQUIRE(auth_email_token_new(tok, s, T2, other, AUTH_EMAIL_VERIFY, now, &e) == 0);
	store_rollback(s);
	T_EQ_INT(auth_email_token_check(&id, s,
					&(struct auth_email_token_in){ .tenant = T2,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = tok },
					now, &e), ERR_NOTFOUND);
	/* a resident of another tenant cannot get a token here */
	T_EQ_INT(auth_email_token_new(tok, s, T2, r1, AUTH_EMAIL_VERIFY, now, &e), ERR_NOTFOUND);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM auth_email_tokens t JOIN residents r ON r.id = t.resident_id"
			  " WHERE r.tenant <> t.tenant"), 0);
	store_close(s);
}

static void test_set_password(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t now = 1795000000, r1 = 0;
	T_REQUIRE(auth_resident_add(&r1, s, &cfg,
				    &(struct auth_resident_new){ .tenant = T1,
								 .email = "taro@example.jp",
								 .password = "Hoshizora-Kouen-88" },
				    now, NULL, &e) == 0);
	struct auth_login a, b;
	T_REQUIRE(auth_resident_login(&a, s, &cfg,
				      &(struct auth_resident_login_in){ .tenant = T1,
									.email = "taro@example.jp",
									.password = "Hoshizora-Kouen-88",
									.source = "127.0.0.1" },
				      now, &e) == 0);
	T_REQUIRE(auth_resident_login(&b, s, &cfg,
				      &(struct auth_resident_login_in){ .tenant = T1,
									.email = "taro@example.jp",
									.password = "Hoshizora-Kouen-88",
									.source = "127.0.0.1" },
				      now, &e) == 0);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM sessions"), 2);
	/* the policy applies: nothing changes */
	T_EQ_INT(auth_resident_set_password(s, &cfg, T1, r1, "password", now, &e), ERR_INVALID);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM sessions"), 2);
	T_EQ_INT(auth_resident_set_password(s, &cfg, T1, r1, "Atarashii-Kagi-2027", now + 5, &e), 0);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM sessions"), 0);
	struct auth_login c;
	T_CHECK(auth_resident_login(&c, s, &cfg,
				    &(struct auth_resident_login_in){ .tenant = T1,
								      .email = "taro@example.jp",
								      .password = "Hoshizora-Kouen-88",
								      .source = "127.0.0.1" },
				    now + 6, &e) != 0);
	T_EQ_INT(auth_resident_login(&c, s, &cfg,
				     &(struct auth_resident_login_in){ .tenant = T1,
								       .email = "taro@example.jp",
								       .password = "Atarashii-Kagi-2027",
								       .source = "127.0.0.1" },
				     now + 7, &e), 0);
	T_EQ_INT(auth_resident_set_password(s, &cfg, T2, r1, "Atarashii-Kagi-2028", now, &e), ERR_NOTFOUND);
	T_REQUIRE(auth_resident_set_active(s, T1, r1, 0, NULL, &e) == 0);
	T_EQ_INT(auth_resident_set_password(s, &cfg, T1, r1, "Atarashii-Kagi-2029", now, &e), ERR_DENIED);
	int64_t id;
	T_EQ_INT(auth_resident_find(&id, s, T1, "taro@example.jp", &e), ERR_NOTFOUND);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "authmail");
	struct err e;
	if (auth_config_init(&cfg, AUTH_HASH_TEST_ONLY, &e)) {
		printf("# config: %s\n", e.detail);
		return 1;
	}
	T_RUN(test_tokens);
	T_RUN(test_set_password);
	auth_config_done(&cfg);
	tdb_end(&db);
	return t_done();
}
