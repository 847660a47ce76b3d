/*
 * auth_int.h -- private to src/core/auth: input validation, transactions that
 * nest in the caller's, events, tokens and hashes, the secret box, and
 * the internal session and throttling helpers shared by the files.
 *
 * Invariants: helpers never put secrets, logins or e-mail addresses into
 * an err detail; every buffer size is a compile-time constant.
 */
#ifndef MADOGUCHI_AUTH_AUTH_INT_H
#define MADOGUCHI_AUTH_AUTH_INT_H

#include "core/auth/auth.h"

/* The sealed form of a TOTP secret: version byte, nonce, MAC, ciphertext. */
#define AUTH_SEAL_VERSION 1
#define AUTH_SEAL_NONCE 24
#define AUTH_SEAL_MAC 16
#define AUTH_SEALED_LEN (1 + AUTH_SEAL_NONCE + AUTH_SEAL_MAC + AUTH_TOTP_SECRET_LEN)

/* Validation.  Each returns 0 or ERR_INVALID with a detail naming the
 * field (never the value). */
int auth_valid_tenant(const char *tenant, struct err *e);
int auth_norm_login(char out[AUTH_LOGIN_MAX + 1], const char *login,
		    struct err *e);
int auth_norm_email(char out[AUTH_EMAIL_MAX + 1], const char *email,
		    struct err *e);
int auth_valid_name(const char *name, struct err *e);
int auth_valid_role(const char *role, struct err *e);
int auth_valid_perm(const char *perm, struct err *e);
/* auth_utf8_chars -- code points of valid UTF-8 without C0/DEL controls,
 * or -1. */
long auth_utf8_chars(const char *s, size_t max_bytes);

/* Transactions: begin one unless the caller has one open. */
int auth_tx_begin(int *own, struct store *s, struct err *e);
int auth_tx_end(int own, int rc, struct store *s, struct err *e);

void auth_ev_add(struct auth_events *ev, enum auth_event_kind kind,
		 const char *tenant, int64_t account_id, const char *role,
		 const char *perm, int64_t value);

/* SHA-256 of text as 64 hex digits. */
void auth_sha256_hex(char out[65], const void *p, size_t n);
/* base64url without padding of n bytes. */
void auth_b64url(char *out, size_t cap, const unsigned char *p, size_t n);

/* The secret box (crypto_secretbox with the configured key). */
int auth_seal(unsigned char out[AUTH_SEALED_LEN], const struct auth_config *c,
	      const unsigned char secret[AUTH_TOTP_SECRET_LEN], struct err *e);
int auth_unseal(unsigned char secret[AUTH_TOTP_SECRET_LEN],
		const struct auth_config *c, const void *sealed, size_t n,
		struct err *e);

/* Sessions (session.c). */
/* A session to create: whose, and how far its login got.  Its timeouts
 * come from the config: pending_secs for AUTH_STAGE_TOTP and
 * AUTH_STAGE_PASSWORD, else the idle
 * and absolute timeouts of the kind. */
struct auth_session_new {
	const char *tenant;                /* 6 digits (not checked here)    */
	enum auth_kind kind;
	int64_t account_id;                /* staff or resident id           */
	enum auth_stage stage;
	int mfa_ok;                        /* 1: a second factor was given   */
};
/* auth_session_create -- a new session row; its token into out->token
 * (only its hash is stored; wiped on error), out->session_id, stage, kind
 * and account_id set; nothing else of out is touched. */
int auth_session_create(struct auth_login *out, struct store *s,
			const struct auth_config *c,
			const struct auth_session_new *in, int64_t now,
			struct err *e);

/* Throttling and failure counting (login.c). */
int auth_fail_account(int *locked_now, struct store *s,
		      const struct auth_config *c, enum auth_kind kind,
		      int64_t id, int64_t now, struct err *e);
int auth_fail_source(struct store *s, const char *tenant, const char *source,
		     int64_t now, struct err *e);
int auth_source_throttled(struct store *s, const struct auth_config *c,
			  const char *source, int64_t now, struct err *e);
/* The second factor a staff member gives, for auth_second_factor_use. */
struct auth_second_factor_in {
	int64_t staff_id;
	const unsigned char *sealed;       /* the account's TOTP secret as
					      stored (auth_seal)             */
	size_t sealed_len;                 /* AUTH_SEALED_LEN                */
	const char *code;                  /* as typed: 6 digits (spaces
					      between groups allowed) or a
					      recovery code; NULL: none      */
};
/* The second factor of a staff member: a 6-digit TOTP code of the sealed
 * secret (its step spent: totp_last_step grows) or an unused recovery code
 * (spent).  1 accepted, 0 not (*bad: BAD_CODE or CODE_REUSED), < 0 error.
 * Sets out->used_recovery_code (1: a recovery code was spent) and, when a
 * recovery code was tried, out->recovery_codes_left; nothing else of out.
 * Counts nothing: the caller counts the failure. */
int auth_second_factor_use(enum auth_outcome *bad, struct auth_login *out,
			   struct store *s, const struct auth_config *c,
			   const struct auth_second_factor_in *in, int64_t now,
			   struct err *e);
/* failed_count and locked_until back to 0: only after a full login */
int auth_reset_failures(struct store *s, enum auth_kind kind, int64_t id,
			struct err *e);

/* The stage a staff login with the password done goes to (login.c):
 * TOTP when enrolled, ENROL when must_enrol or a role needs 2FA, else
 * FULL; *outcome the matching TOTP_NEEDED / ENROL_NEEDED / OK. */
int auth_staff_next_stage(enum auth_stage *stage, enum auth_outcome *outcome,
			  struct store *s, const char *tenant, int64_t id,
			  int enrolled, int must_enrol, struct err *e);

/* Roles (rbac.c): 1 if some role of the staff member needs 2FA. */
int auth_staff_needs_mfa(struct store *s, const char *tenant,
			 int64_t staff_id, struct err *e);

/* Recovery codes (totp.c): generate, store hashed, replacing old ones. */
int auth_recovery_store_new(struct auth_recovery_codes *codes,
			    struct store *s, const char *tenant,
			    int64_t staff_id, struct err *e);
/* 1 when code was an unused recovery code of the staff member (now
 * used), 0 when not. */
int auth_recovery_use(int *left, struct store *s, int64_t staff_id,
		      const char *code, int64_t now, struct err *e);

#endif
