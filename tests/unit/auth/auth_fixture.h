/*
 * auth_fixture.h -- what the tests of src/core/auth share: a database with
 * two municipalities (T1, T2) and the auth schema, a staff member added
 * with a role, a TOTP code at a time from liboath (the independent
 * implementation), and the configuration with a fresh key.
 *
 * Included once by a test_*.c of tests/unit/auth, which defines before it
 * nothing of these names; the test keeps its own `db` and `cfg` through
 * the statics below.  Functions a test does not call are marked unused.
 */
#ifndef MADOGUCHI_TESTS_AUTH_FIXTURE_H
#define MADOGUCHI_TESTS_AUTH_FIXTURE_H

#include "t.h"
#include "tdb.h"

#include <liboath/oath.h>

#include "core/auth/auth.h"
#include "core/tenant/tenant.h"

#define T1 "139904"
#define T2 "139912"
#define T0 1700000010LL   /* a fixed "now": TOTP step 56666667 starts here */

#define AF_UNUSED __attribute__((unused))

static AF_UNUSED struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */
static struct auth_config cfg;

/* a fresh database (tdb_reset) with T1 and T2 seeded; NULL on failure */
static AF_UNUSED struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	tdb_reset(&db);
	if (store_open(&s, db.url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, auth_schema };
	if (store_migrate(s, mods, 2, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	store_script(s, "INSERT INTO tenants (code, name_ja, name_en, created_at) VALUES"
		     " ('139904', 'デモ区', 'Demo Ward', 0), ('139912', 'デモ市', 'Demo City', 0)",
		     NULL);
	if (auth_tenant_seed(s, T1, NULL, &e) || auth_tenant_seed(s, T2, NULL, &e)) {
		printf("# seed: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	return s;
}

/* a staff member 試験 太郎 of tenant with role (NULL: none); its id or 0 */
static AF_UNUSED int64_t add_staff(struct store *s, const char *tenant, const char *login,
				   const char *pw, const char *role)
{
	struct err e;
	int64_t id = 0;
	const char *roles[1] = { role };
	struct auth_staff_new st = { .tenant = tenant, .login = login, .display_name = "試験 太郎",
				     .password = pw, .roles = roles, .nroles = role ? 1 : 0 };
	if (auth_staff_add(&id, s, &cfg, &st, T0, NULL, &e)) {
		printf("# add_staff: %s\n", e.detail);
		return 0;
	}
	return id;
}

/* the 6-digit TOTP code of secret at time t (RFC 6238, 30 s steps) */
static AF_UNUSED void totp_at(char out[7], const unsigned char *secret, int64_t t)
{
	char buf[16];
	oath_totp_generate((const char *)secret, AUTH_TOTP_SECRET_LEN, (time_t)t,
			   30, 0, 6, buf);
	memcpy(out, buf, 7);
}

/* cfg with the test-only hash and a fresh key; 0 or 1 (said why) */
static AF_UNUSED int config_begin(void)
{
	struct err e;
	char key[AUTH_KEY_HEX_LEN + 1];
	if (auth_config_init(&cfg, AUTH_HASH_TEST_ONLY, &e) || auth_key_generate(key, &e) ||
	    auth_config_set_key(&cfg, key, &e)) {
		printf("# config: %s\n", e.detail);
		return 1;
	}
	return 0;
}

#endif
