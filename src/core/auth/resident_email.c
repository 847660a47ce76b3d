/*
 * resident_email.c -- the tokens behind resident e-mail verification and
 * password reset by e-mail, and the resident account calls they need (find
 * by address, set a new password).  See auth.h ("mail" block).
 *
 * Invariants: the token itself is never stored (SHA-256 only) nor put in
 * an err detail; a token is accepted only for its tenant and purpose,
 * before expires_at and while used_at is NULL, and the UPDATE that marks
 * it used is the check (two concurrent uses: one wins); resetting a
 * password ends every session of the account.
 */
#include "core/auth/auth.h"
#include "core/auth/auth_int.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct store_migration auth_email_migrations[] = {
	{ 1, "resident e-mail tokens",
	  "CREATE TABLE auth_email_tokens ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " resident_id BIGINT NOT NULL REFERENCES residents(id),"
	  " purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),"
	  " token_hash TEXT NOT NULL UNIQUE,"
	  " created_at BIGINT NOT NULL,"
	  " expires_at BIGINT NOT NULL,"
	  " used_at BIGINT);"
	  "CREATE INDEX auth_email_tokens_resident ON auth_email_tokens"
	  " (tenant, resident_id, purpose)" },
};

const struct store_module_schema auth_email_schema = {
	"auth_email", auth_email_migrations,
	(int)(sizeof auth_email_migrations / sizeof auth_email_migrations[0])
};

static const char *purpose_name(enum auth_email_purpose p)
{
	return p == AUTH_EMAIL_VERIFY ? "verify" : p == AUTH_EMAIL_RESET ? "reset" : NULL;
}

int auth_email_token_new(char token[AUTH_EMAIL_TOKEN_HEX + 1], struct store *s,
			 const char *tenant, int64_t resident_id,
			 enum auth_email_purpose p, int64_t now, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	const char *pn = purpose_name(p);
	if (!pn)
		return err_set(e, ERR_INVALID, "unknown token purpose");
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	/* the resident must be of this tenant */
	int64_t mine = 0;
	struct store_val w[] = { sv_text(tenant), sv_int(resident_id) };
	rc = store_query_int(&mine, s, "SELECT COUNT(*) FROM residents WHERE tenant = $1 AND id = $2",
			     w, SV_N(w), e);
	if (rc == 0 && mine == 0)
		rc = err_set(e, ERR_NOTFOUND, "resident %lld not in tenant %s", (long long)resident_id, tenant);
	if (rc == 0 && p == AUTH_EMAIL_RESET) {
		int64_t recent = 0;
		struct store_val q[] = { sv_text(tenant), sv_int(resident_id),
					 sv_int(now - AUTH_RESET_INTERVAL) };
		rc = store_query_int(&recent, s,
				     "SELECT COUNT(*) FROM auth_email_tokens WHERE tenant = $1"
				     " AND resident_id = $2 AND purpose = 'reset' AND created_at > $3",
				     q, SV_N(q), e);
		if (rc == 0 && recent > 0)
			rc = err_set(e, ERR_LIMIT, "a reset token was made for resident %lld moments ago",
				     (long long)resident_id);
	} else if (rc == 0) {
		int64_t recent = 0;
		struct store_val q[] = { sv_text(tenant), sv_int(resident_id), sv_int(now - 3600) };
		rc = store_query_int(&recent, s,
				     "SELECT COUNT(*) FROM auth_email_tokens WHERE tenant = $1"
				     " AND resident_id = $2 AND purpose = 'verify' AND created_at > $3",
				     q, SV_N(q), e);
		if (rc == 0 && recent >= AUTH_VERIFY_PER_HOUR)
			rc = err_set(e, ERR_LIMIT, "resident %lld was sent %d confirmation links this hour",
				     (long long)resident_id, AUTH_VERIFY_PER_HOUR);
	}
	char hash[65];
	if (rc == 0 && random_token(token, AUTH_EMAIL_TOKEN_HEX / 2))
		rc = err_set(e, ERR_IO, "no random bytes");
	if (rc == 0) {
		auth_sha256_hex(hash, token, AUTH_EMAIL_TOKEN_HEX);
		struct store_val v[] = {
			sv_text(tenant), sv_int(resident_id), sv_text(pn), sv_text(hash), sv_int(now),
			sv_int(now + (p == AUTH_EMAIL_VERIFY ? AUTH_VERIFY_TTL : AUTH_RESET_TTL)),
		};
		rc = store_exec(s, "INSERT INTO auth_email_tokens (tenant, resident_id, purpose,"
				" token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
				v, SV_N(v), e);
		if (rc == ERR_CONFLICT)
			rc = err_set(e, ERR_CONFLICT, "no such resident in tenant %s", tenant);
	}
	if (rc > 0)
		rc = 0;
	rc = auth_tx_end(own, rc, s, e);
	if (rc)
		sodium_memzero(token, AUTH_EMAIL_TOKEN_HEX + 1);
	return rc;
}

static int token_shape(const char *t)
{
	if (!t || strlen(t) != AUTH_EMAIL_TOKEN_HEX)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int auth_email_token_check(int64_t *resident_id, struct store *s,
			   const struct auth_email_token_in *in, int64_t now,
			   struct err *e)
{
	const char *tenant = in->tenant, *token = in->token;
	enum auth_email_purpose p = in->purpose;
	int use = in->use;
	*resident_id = 0;
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	const char *pn = purpose_name(p);
	if (!pn || !token_shape(token))
		return err_set(e, ERR_NOTFOUND, "no such token");
	char hash[65];
	auth_sha256_hex(hash, token, AUTH_EMAIL_TOKEN_HEX);
	struct store_val v[] = { sv_text(tenant), sv_text(pn), sv_text(hash), sv_int(now) };
	if (!use) {
		rc = store_query_int(resident_id, s,
				     "SELECT resident_id FROM auth_email_tokens WHERE tenant = $1"
				     " AND purpose = $2 AND token_hash = $3 AND used_at IS NULL"
				     " AND expires_at > $4", v, SV_N(v), e);
		return rc == ERR_NOTFOUND ? err_set(e, ERR_NOTFOUND, "no such token") : rc;
	}
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	rc = store_query_int(resident_id, s,
			     "UPDATE auth_email_tokens SET used_at = $4 WHERE tenant = $1"
			     " AND purpose = $2 AND token_hash = $3 AND used_at IS NULL"
			     " AND expires_at > $4 RETURNING resident_id", v, SV_N(v), e);
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "no such token");
	if (rc == 0 && p == AUTH_EMAIL_RESET) {
		/* one reset retires the others sent before it */
		struct store_val w[] = { sv_text(tenant), sv_int(*resident_id), sv_int(now) };
		rc = store_exec(s, "UPDATE auth_email_tokens SET used_at = $3 WHERE tenant = $1"
				" AND resident_id = $2 AND purpose = 'reset' AND used_at IS NULL",
				w, SV_N(w), e);
		if (rc > 0)
			rc = 0;
	}
	rc = auth_tx_end(own, rc, s, e);
	if (rc)
		*resident_id = 0;
	return rc;
}

int auth_resident_find(int64_t *id, struct store *s, const char *tenant,
		       const char *email, struct err *e)
{
	char norm[AUTH_EMAIL_MAX + 1];
	int rc;
	*id = 0;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_norm_email(norm, email, e)))
		return rc == ERR_INVALID ? err_set(e, ERR_NOTFOUND, "no such resident") : rc;
	struct store_val v[] = { sv_text(tenant), sv_text(norm) };
	rc = store_query_int(id, s, "SELECT id FROM residents WHERE tenant = $1 AND email = $2"
			     " AND status = 'active'", v, SV_N(v), e);
	sodium_memzero(norm, sizeof norm);
	return rc == ERR_NOTFOUND ? err_set(e, ERR_NOTFOUND, "no such resident") : rc;
}

int auth_resident_email_verified(int *verified, struct store *s,
				 const char *tenant, int64_t resident_id,
				 struct err *e)
{
	*verified = 0;
	int64_t n = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(resident_id) };
	int rc = store_query_int(&n, s, "SELECT COUNT(*) FROM auth_email_tokens WHERE tenant = $1"
				 " AND resident_id = $2 AND purpose = 'verify' AND used_at IS NOT NULL",
				 v, SV_N(v), e);
	if (rc == 0)
		*verified = n > 0;
	return rc;
}

int auth_resident_set_password(struct store *s, const struct auth_config *c,
			       const char *tenant, int64_t resident_id,
			       const char *password, int64_t now, struct err *e)
{
	char email[AUTH_EMAIL_MAX + 1];
	int active = 0;
	int rc = auth_resident_get(email, &active, s, tenant, resident_id, e);
	if (rc)
		return rc;
	if (!active) {
		sodium_memzero(email, sizeof email);
		return err_set(e, ERR_DENIED, "resident %lld is disabled", (long long)resident_id);
	}
	rc = auth_password_check(NULL, c, password, email, e);
	sodium_memzero(email, sizeof email);
	if (rc)
		return rc;
	char h[AUTH_HASH_MAX];
	if ((rc = auth_password_hash(h, c, password, e)))
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val v[] = { sv_text(h), sv_int(now), sv_text(tenant), sv_int(resident_id) };
	rc = store_exec(s, "UPDATE residents SET password_hash = $1, password_changed_at = $2,"
			" failed_count = 0, locked_until = 0 WHERE tenant = $3 AND id = $4",
			v, SV_N(v), e);
	if (rc >= 0)
		rc = auth_sessions_kill_account(s, tenant, AUTH_KIND_RESIDENT, resident_id, 0, e);
	return auth_tx_end(own, rc < 0 ? rc : 0, s, e);
}
