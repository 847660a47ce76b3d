/*
 * password.c -- configuration defaults, the password policy (ASVS v4.0.3
 * 2.1.1 length ≥ 12, 2.1.2 ≤ 128, 2.1.7 common passwords), Argon2id
 * hashing through libsodium's crypto_pwhash_str, and generated passwords.
 *
 * Invariants: a password never enters an err detail; the common-password
 * list is sorted and lower case (ASCII folding) and compared after the
 * same folding; the dummy hash has the configured cost so that an unknown
 * login costs one verification like a known one.
 */
#include "core/auth/auth_int.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The built-in list stays in force when the data file is missing: every
 * entry is 12 characters or more (shorter ones fail the length rule). */
static const char *const builtin_common[] = {
	"000000000000", "0123456789ab", "111111111111", "123123123123",
	"1234567890ab", "123456789012", "1234567890qwerty", "123456abcdef",
	"123qweasdzxc", "1q2w3e4r5t6y", "1qaz2wsx3edc", "abc123456789",
	"abcdefghijkl", "administrator", "changeme1234", "iloveyou1234",
	"madoguchi123", "p@ssw0rd1234", "passw0rd1234", "password1234",
	"password123!", "passwordpassword", "qazwsxedcrfv", "qwerty123456",
	"qwertyuiop12", "qwertyuiopasdfgh", "welcome12345",
};
#define NBUILTIN (sizeof builtin_common / sizeof builtin_common[0])

#define COMMON_FILE_MAX (1u << 20)
#define COMMON_LINES_MAX 100000

static int auth_lib_init(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "sodium_init failed");
	if (oath_init() != OATH_OK)
		return err_set(e, ERR_INTERNAL, "oath_init failed");
	return 0;
}

int auth_config_init(struct auth_config *c, enum auth_hash_cost cost,
		     struct err *e)
{
	memset(c, 0, sizeof *c);
	int rc = auth_lib_init(e);
	if (rc)
		return rc;
	switch (cost) {
	case AUTH_HASH_INTERACTIVE:
		c->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		c->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		break;
	case AUTH_HASH_MODERATE:
		c->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
		c->memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
		break;
	case AUTH_HASH_TEST_ONLY:
		c->opslimit = crypto_pwhash_OPSLIMIT_MIN;
		c->memlimit = crypto_pwhash_MEMLIMIT_MIN;
		break;
	default:
		return err_set(e, ERR_INVALID, "unknown password hash cost");
	}
	c->max_failures = 5;
	c->lockout_secs = 15 * 60;
	c->source_max_failures = 20;
	c->source_window_secs = 10 * 60;
	c->register_max_per_source = 10;
	c->staff_idle_secs = 15 * 60;
	c->staff_absolute_secs = 12 * 3600;
	c->resident_idle_secs = 30 * 60;
	c->resident_absolute_secs = 12 * 3600;
	c->pending_secs = 5 * 60;
	c->enrol_pending_secs = 30 * 60;
	c->last_seen_write_secs = 30;
	c->totp_window = 1;
	unsigned char junk[32];
	char pw[65];
	randombytes_buf(junk, sizeof junk);
	sodium_bin2hex(pw, sizeof pw, junk, sizeof junk);
	rc = auth_password_hash(c->dummy_hash, c, pw, e);
	sodium_memzero(pw, sizeof pw);
	return rc;
}

int auth_config_set_key(struct auth_config *c, const char *hex, struct err *e)
{
	size_t bin_len = 0;
	if (!hex || strlen(hex) != AUTH_KEY_HEX_LEN ||
	    sodium_hex2bin(c->key, sizeof c->key, hex, AUTH_KEY_HEX_LEN, NULL,
			   &bin_len, NULL) != 0 || bin_len != AUTH_KEY_LEN) {
		sodium_memzero(c->key, sizeof c->key);
		c->have_key = 0;
		return err_set(e, ERR_INVALID,
			       "auth key must be %d hex digits", AUTH_KEY_HEX_LEN);
	}
	c->have_key = 1;
	return 0;
}

/* sodium_init is thread-safe and idempotent; oath_init is left to
 * auth_config_init (start-up), so these may run on worker threads. */
static int sodium_ready(struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "sodium_init failed");
	return 0;
}

int auth_key_generate(char out[AUTH_KEY_HEX_LEN + 1], struct err *e)
{
	int rc = sodium_ready(e);
	if (rc)
		return rc;
	unsigned char k[AUTH_KEY_LEN];
	crypto_secretbox_keygen(k);
	sodium_bin2hex(out, AUTH_KEY_HEX_LEN + 1, k, sizeof k);
	sodium_memzero(k, sizeof k);
	return 0;
}

static void fold_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

int auth_config_load_common_passwords(struct auth_config *c, const char *path,
				      struct err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_IO, "cannot open the common-password list");
	char **list = NULL;
	size_t n = 0, cap = 0, total = 0;
	char line[AUTH_PASSWORD_MAX_BYTES + 2];
	int rc = 0;
	long lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		total += len;
		if (total > COMMON_FILE_MAX || lineno > COMMON_LINES_MAX) {
			rc = err_set(e, ERR_LIMIT, "common-password list too large");
			break;
		}
		if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
			rc = err_set_line(e, ERR_LIMIT, lineno,
					  "common-password line too long");
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			char **nl = realloc(list, nc * sizeof *nl);
			if (!nl) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				break;
			}
			list = nl, cap = nc;
		}
		fold_ascii(line);
		if (!(list[n] = strdup(line))) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	if (!rc && ferror(f))
		rc = err_set(e, ERR_IO, "read error on the common-password list");
	fclose(f);
	if (rc) {
		free_list(list, n);
		return rc;
	}
	if (n)
		qsort(list, n, sizeof *list, cmp_str);
	free_list(c->common, c->ncommon);
	c->common = list;
	c->ncommon = n;
	return 0;
}

void auth_config_done(struct auth_config *c)
{
	if (!c)
		return;
	free_list(c->common, c->ncommon);
	sodium_memzero(c, sizeof *c);
}

const char *auth_password_rule_name(enum auth_pw_rule r)
{
	switch (r) {
	case AUTH_PW_OK: return "ok";
	case AUTH_PW_TOO_SHORT: return "too_short";
	case AUTH_PW_TOO_LONG: return "too_long";
	case AUTH_PW_BAD_UTF8: return "bad_utf8";
	case AUTH_PW_COMMON: return "common";
	case AUTH_PW_CONTAINS_NAME: return "contains_name";
	case AUTH_PW_REPEATED: return "repeated";
	}
	return "unknown";
}

static int is_common(const struct auth_config *c, const char *folded)
{
	for (size_t i = 0; i < NBUILTIN; i++)
		if (strcmp(builtin_common[i], folded) == 0)
			return 1;
	if (c && c->ncommon) {
		const char *key = folded;
		if (bsearch(&key, c->common, c->ncommon, sizeof *c->common, cmp_str))
			return 1;
	}
	return 0;
}

static int fail_rule(enum auth_pw_rule *why, enum auth_pw_rule r,
		     struct err *e, const char *what)
{
	if (why)
		*why = r;
	return err_set(e, ERR_INVALID, "password %s", what);
}

int auth_password_check(enum auth_pw_rule *why, const struct auth_config *c,
			const char *password, const char *ident, struct err *e)
{
	if (why)
		*why = AUTH_PW_OK;
	if (!password)
		return fail_rule(why, AUTH_PW_TOO_SHORT, e, "missing");
	size_t bytes = strnlen(password, AUTH_PASSWORD_MAX_BYTES + 1);
	if (bytes > AUTH_PASSWORD_MAX_BYTES)
		return fail_rule(why, AUTH_PW_TOO_LONG, e, "over 512 bytes");
	long chars = auth_utf8_chars(password, AUTH_PASSWORD_MAX_BYTES);
	if (chars < 0)
		return fail_rule(why, AUTH_PW_BAD_UTF8, e,
				 "is not valid UTF-8 or has a control character");
	if (chars < AUTH_PASSWORD_MIN)
		return fail_rule(why, AUTH_PW_TOO_SHORT, e,
				 "shorter than 12 characters");
	if (chars > AUTH_PASSWORD_MAX)
		return fail_rule(why, AUTH_PW_TOO_LONG, e,
				 "longer than 128 characters");
	int same = 1;
	for (size_t i = 1; i < bytes && same; i++)
		same = password[i] == password[0];
	if (same)
		return fail_rule(why, AUTH_PW_REPEATED, e,
				 "is one character repeated");
	char folded[AUTH_PASSWORD_MAX_BYTES + 1];
	memcpy(folded, password, bytes + 1);
	fold_ascii(folded);
	int common = is_common(c, folded);
	int named = 0;
	if (ident && *ident) {
		/* the login, or the local part of an e-mail, of ≥ 3 bytes */
		char id[AUTH_EMAIL_MAX + 1];
		snprintf(id, sizeof id, "%s", ident);
		char *at = strchr(id, '@');
		if (at)
			*at = '\0';
		fold_ascii(id);
		named = strlen(id) >= 3 && strstr(folded, id) != NULL;
		sodium_memzero(id, sizeof id);
	}
	sodium_memzero(folded, sizeof folded);
	if (common)
		return fail_rule(why, AUTH_PW_COMMON, e,
				 "is on the common-password list");
	if (named)
		return fail_rule(why, AUTH_PW_CONTAINS_NAME, e,
				 "contains the account name");
	return 0;
}

int auth_password_hash(char out[AUTH_HASH_MAX], const struct auth_config *c,
		       const char *password, struct err *e)
{
	size_t n = password ? strnlen(password, AUTH_PASSWORD_MAX_BYTES + 1) : 0;
	if (!password || n > AUTH_PASSWORD_MAX_BYTES)
		return err_set(e, ERR_INVALID, "password missing or too long");
	if (crypto_pwhash_str(out, password, n, c->opslimit, c->memlimit) != 0)
		return err_set(e, ERR_NOMEM, "argon2id: out of memory");
	return 0;
}

int auth_password_verify(const char *hash, const char *password, struct err *e)
{
	size_t n = password ? strnlen(password, AUTH_PASSWORD_MAX_BYTES + 1) : 0;
	if (!hash || !password || n > AUTH_PASSWORD_MAX_BYTES)
		return err_set(e, ERR_AUTH, "password does not match");
	if (crypto_pwhash_str_verify(hash, password, n) != 0)
		return err_set(e, ERR_AUTH, "password does not match");
	return 0;
}

int auth_password_generate(char out[AUTH_GEN_PASSWORD_LEN + 1], struct err *e)
{
	/* 56 symbols: no 0/O/o, 1/l/I, and no quoting trouble in shells */
	static const char alphabet[] =
		"23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	int rc = sodium_ready(e);
	if (rc)
		return rc;
	for (int i = 0; i < AUTH_GEN_PASSWORD_LEN; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[AUTH_GEN_PASSWORD_LEN] = '\0';
	return 0;
}
