/*
 * auth_util.c -- private helpers of src/core/auth (auth_int.h): validation of
 * tenant codes, logins, e-mail addresses, names, roles and permissions;
 * transactions that nest in the caller's; events; hashes; base64url; the
 * secret box for TOTP secrets.
 *
 * Invariants: validation never copies more than the documented limit;
 * details name the field, never its value.
 */
#include "core/auth/auth_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int auth_valid_tenant(const char *tenant, struct err *e)
{
	if (!tenant || strlen(tenant) != AUTH_TENANT_LEN)
		return err_set(e, ERR_INVALID, "tenant code must be 6 digits");
	for (int i = 0; i < AUTH_TENANT_LEN; i++)
		if (tenant[i] < '0' || tenant[i] > '9')
			return err_set(e, ERR_INVALID,
				       "tenant code must be 6 digits");
	return 0;
}

int auth_norm_login(char out[AUTH_LOGIN_MAX + 1], const char *login,
		    struct err *e)
{
	size_t n = login ? strnlen(login, AUTH_LOGIN_MAX + 1) : 0;
	if (n == 0 || n > AUTH_LOGIN_MAX)
		return err_set(e, ERR_INVALID, "login must be 1..%d bytes",
			       AUTH_LOGIN_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return err_set(e, ERR_INVALID,
				       "login: only a-z 0-9 . _ - allowed");
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

int auth_norm_email(char out[AUTH_EMAIL_MAX + 1], const char *email,
		    struct err *e)
{
	size_t n = email ? strnlen(email, AUTH_EMAIL_MAX + 1) : 0;
	if (n < 3 || n > AUTH_EMAIL_MAX)
		return err_set(e, ERR_INVALID, "e-mail must be 3..%d bytes",
			       AUTH_EMAIL_MAX);
	int at = -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)email[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' ||
		    c == ',' || c == ';' || c == '\\')
			return err_set(e, ERR_INVALID,
				       "e-mail has a forbidden character");
		if (c == '@') {
			if (at >= 0)
				return err_set(e, ERR_INVALID,
					       "e-mail has more than one @");
			at = (int)i;
		}
		out[i] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
	}
	out[n] = '\0';
	if (at <= 0 || (size_t)at == n - 1 || !strchr(out + at, '.') ||
	    out[n - 1] == '.')
		return err_set(e, ERR_INVALID, "e-mail is not local@domain");
	if (auth_utf8_chars(out, AUTH_EMAIL_MAX) < 0)
		return err_set(e, ERR_INVALID, "e-mail is not valid UTF-8");
	return 0;
}

long auth_utf8_chars(const char *s, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	long chars = 0;
	size_t i = 0;
	while (p[i]) {
		if (i >= max_bytes)
			return -1;
		unsigned c = p[i];
		int len;
		unsigned cp;
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return -1;
			len = 1, cp = c;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07;
		} else {
			return -1;
		}
		for (int k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF, C1 controls */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return -1;
		i += (size_t)len;
		chars++;
	}
	return chars;
}

int auth_valid_name(const char *name, struct err *e)
{
	if (!name || !*name)
		return err_set(e, ERR_INVALID, "display name is empty");
	long n = auth_utf8_chars(name, AUTH_NAME_MAX);
	if (n < 0)
		return err_set(e, ERR_INVALID,
			       "display name: invalid UTF-8, control character"
			       " or over %d bytes", AUTH_NAME_MAX);
	if (n > AUTH_NAME_MAX_CHARS)
		return err_set(e, ERR_INVALID,
			       "display name over %d characters",
			       AUTH_NAME_MAX_CHARS);
	return 0;
}

static int valid_word(const char *s, size_t max, int dot, int dash)
{
	size_t n = s ? strnlen(s, max + 1) : 0;
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || (dot && c == '.') || (dash && c == '-')))
			return 0;
	}
	return 1;
}

int auth_valid_role(const char *role, struct err *e)
{
	if (!valid_word(role, AUTH_ROLE_MAX, 0, 1))
		return err_set(e, ERR_INVALID,
			       "role name must be 1..%d bytes of a-z 0-9 _ -",
			       AUTH_ROLE_MAX);
	return 0;
}

int auth_valid_perm(const char *perm, struct err *e)
{
	if (!valid_word(perm, AUTH_PERM_MAX, 1, 0))
		return err_set(e, ERR_INVALID,
			       "permission must be 1..%d bytes of a-z 0-9 _ .",
			       AUTH_PERM_MAX);
	return 0;
}

int auth_tx_begin(int *own, struct store *s, struct err *e)
{
	*own = 0;
	if (store_in_tx(s))
		return 0;
	int rc = store_begin(s, e);
	if (rc == 0)
		*own = 1;
	return rc;
}

int auth_tx_end(int own, int rc, struct store *s, struct err *e)
{
	if (!own)
		return rc;
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	int c = store_commit(s, e);
	return c ? c : rc;
}

void auth_ev_add(struct auth_events *ev, enum auth_event_kind kind,
		 const char *tenant, int64_t account_id, const char *role,
		 const char *perm, int64_t value)
{
	if (!ev)
		return;
	if (ev->n >= AUTH_EVENTS_MAX) {
		ev->dropped++;
		return;
	}
	struct auth_event *x = &ev->ev[ev->n++];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	if (tenant)
		snprintf(x->tenant, sizeof x->tenant, "%s", tenant);
	x->account_id = account_id;
	if (role)
		snprintf(x->role, sizeof x->role, "%s", role);
	if (perm)
		snprintf(x->permission, sizeof x->permission, "%s", perm);
	x->value = value;
}

const char *auth_event_name(enum auth_event_kind k)
{
	switch (k) {
	case AUTH_EV_STAFF_CREATED: return "staff.created";
	case AUTH_EV_STAFF_DISABLED: return "staff.disabled";
	case AUTH_EV_STAFF_ENABLED: return "staff.enabled";
	case AUTH_EV_PASSWORD_CHANGED: return "password.changed";
	case AUTH_EV_ACCOUNT_UNLOCKED: return "account.unlocked";
	case AUTH_EV_TOTP_ENROLLED: return "totp.enrolled";
	case AUTH_EV_TOTP_RESET: return "totp.reset";
	case AUTH_EV_RECOVERY_REGENERATED: return "recovery.regenerated";
	case AUTH_EV_SESSIONS_KILLED: return "sessions.killed";
	case AUTH_EV_ROLE_CREATED: return "role.created";
	case AUTH_EV_ROLE_DELETED: return "role.deleted";
	case AUTH_EV_ROLE_MFA_CHANGED: return "role.mfa_changed";
	case AUTH_EV_PERMISSION_ADDED: return "role.permission_added";
	case AUTH_EV_PERMISSION_REMOVED: return "role.permission_removed";
	case AUTH_EV_ROLE_GRANTED: return "role.granted";
	case AUTH_EV_ROLE_REVOKED: return "role.revoked";
	case AUTH_EV_RESIDENT_CREATED: return "resident.created";
	case AUTH_EV_TOTP_REPLACED: return "totp.replaced";
	case AUTH_EV_STAFF_RESET: return "staff.reset";
	case AUTH_EV_RESIDENT_CLOSED: return "resident.closed";
	}
	return "unknown";
}

void auth_event_object(char *out, size_t cap, const struct auth_event *x)
{
	if (!out || cap == 0)
		return;
	if (x->account_id)
		snprintf(out, cap, "%lld%s%s", (long long)x->account_id,
			 x->role[0] ? ":" : "", x->role);
	else
		snprintf(out, cap, "%s%s%s", x->role, x->permission[0] ? ":" : "",
			 x->permission);
}

void auth_sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void auth_b64url(char *out, size_t cap, const unsigned char *p, size_t n)
{
	sodium_bin2base64(out, cap, p, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int auth_seal(unsigned char out[AUTH_SEALED_LEN], const struct auth_config *c,
	      const unsigned char secret[AUTH_TOTP_SECRET_LEN], struct err *e)
{
	if (!c->have_key)
		return err_set(e, ERR_INVALID, "auth: no secret-box key configured");
	out[0] = AUTH_SEAL_VERSION;
	randombytes_buf(out + 1, AUTH_SEAL_NONCE);
	if (crypto_secretbox_easy(out + 1 + AUTH_SEAL_NONCE, secret,
				  AUTH_TOTP_SECRET_LEN, out + 1, c->key) != 0)
		return err_set(e, ERR_INTERNAL, "secretbox failed");
	return 0;
}

int auth_unseal(unsigned char secret[AUTH_TOTP_SECRET_LEN],
		const struct auth_config *c, const void *sealed, size_t n,
		struct err *e)
{
	const unsigned char *b = sealed;
	if (!c->have_key)
		return err_set(e, ERR_INVALID, "auth: no secret-box key configured");
	if (n != AUTH_SEALED_LEN || b[0] != AUTH_SEAL_VERSION)
		return err_set(e, ERR_INTERNAL, "sealed TOTP secret malformed");
	if (crypto_secretbox_open_easy(secret, b + 1 + AUTH_SEAL_NONCE,
				       AUTH_SEAL_MAC + AUTH_TOTP_SECRET_LEN,
				       b + 1, c->key) != 0)
		return err_set(e, ERR_INTERNAL,
			       "TOTP secret does not open with the configured key");
	return 0;
}
