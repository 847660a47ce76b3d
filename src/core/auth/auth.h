/*
 * auth.h -- identity and access: staff and resident accounts, Argon2id
 * passwords, TOTP two-factor with recovery codes, database sessions, CSRF
 * tokens, roles and permissions, login throttling.  No HTTP knowledge: the
 * HTTP layer calls this API and maps the results to pages and cookies.
 *
 * Invariants (see src/core/auth/README.md for the state machine and the
 * threat notes):
 *   - Every function returns 0 (or a documented count / boolean) or a
 *     negative ERR_*.  err details name ids and rules, never a password,
 *     TOTP or recovery code, session token, login name or e-mail address.
 *   - Time is always a parameter `now`: Unix seconds (UTC).  Nothing here
 *     reads the clock, so tests need no sleeping.
 *   - A session token is 256 random bits given to the client; only its
 *     SHA-256 is stored.  TOTP secrets are stored encrypted
 *     (crypto_secretbox, key from struct auth_config); recovery codes and
 *     passwords are stored hashed.
 *   - Functions taking a `struct store *` work whether or not the caller
 *     has a transaction open: when none is open and they write several
 *     rows, they open and commit their own.  Administrative functions
 *     report what they changed as `struct auth_event`s so that the caller
 *     can append the audit record in the same transaction.
 *   - Login functions write the failure counters that make throttling
 *     work even when they return ERR_AUTH: call them outside a
 *     transaction, or commit it on ERR_AUTH as well.
 *   - Who may call the administrative functions (roles.manage,
 *     staff.manage) is checked by the caller with auth_has_permission().
 *
 * Limits (inputs past them are rejected with ERR_INVALID, or ERR_AUTH on
 * login paths): tenant code 6 ASCII digits; staff login 1..64 bytes of
 * [a-z0-9._-] (ASCII upper case is folded to lower); e-mail 3..254 bytes;
 * display name 1..100 characters (400 bytes) of UTF-8 without control
 * characters; password 12..128 characters and at most 512 bytes of valid
 * UTF-8; TOTP code 6 digits; recovery code 16 letters/digits with
 * optional '-' or ' ' (at most 32 bytes); session token 43 bytes; role
 * name 1..32 bytes of [a-z0-9_-]; role description 200 bytes; permission
 * 1..64 bytes of [a-z0-9_.]; source address 1..64 bytes; CSRF form id
 * 0..64 bytes; at most 16 roles per staff member.
 */
#ifndef MADOGUCHI_AUTH_AUTH_H
#define MADOGUCHI_AUTH_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define AUTH_TENANT_LEN 6
#define AUTH_LOGIN_MAX 64
#define AUTH_EMAIL_MAX 254
#define AUTH_NAME_MAX_CHARS 100
#define AUTH_NAME_MAX 400                /* bytes */
#define AUTH_PASSWORD_MIN 12             /* characters, staff and residents */
#define AUTH_PASSWORD_MAX 128            /* characters */
#define AUTH_PASSWORD_MAX_BYTES 512
#define AUTH_GEN_PASSWORD_LEN 20
#define AUTH_TOKEN_LEN 43                /* base64url of 32 random bytes */
#define AUTH_CSRF_LEN 43                 /* base64url of a 32-byte HMAC  */
#define AUTH_FORM_ID_MAX 64
#define AUTH_SOURCE_MAX 64
#define AUTH_ROLE_MAX 32
#define AUTH_ROLE_DESC_MAX 200
#define AUTH_PERM_MAX 64
#define AUTH_ROLES_PER_STAFF 16
#define AUTH_ROLES_TEXT_MAX (AUTH_ROLES_PER_STAFF * (AUTH_ROLE_MAX + 1))
#define AUTH_KEY_LEN 32                  /* crypto_secretbox key bytes  */
#define AUTH_KEY_HEX_LEN 64
#define AUTH_HASH_MAX 128                /* crypto_pwhash_STRBYTES      */
#define AUTH_TOTP_SECRET_LEN 20
#define AUTH_TOTP_B32_LEN 32
#define AUTH_TOTP_DIGITS 6
#define AUTH_TOTP_STEP 30
#define AUTH_RECOVERY_CODES 10
#define AUTH_RECOVERY_CODE_LEN 19        /* "xxxx-xxxx-xxxx-xxxx"        */

/* ------------------------------------------------------------------ */
/* Configuration                                                      */

enum auth_hash_cost {
	AUTH_HASH_INTERACTIVE = 1, /* Argon2id t=2, m=64 MiB: ~85 ms here (default) */
	AUTH_HASH_MODERATE = 2,    /* Argon2id t=3, m=256 MiB: ~0.49 s here         */
	AUTH_HASH_TEST_ONLY = 3,   /* t=1, m=8 KiB: for unit tests ONLY             */
};

struct auth_config {
	unsigned char key[AUTH_KEY_LEN];   /* encrypts TOTP secrets at rest    */
	int have_key;                      /* set by auth_config_set_key()     */
	unsigned long long opslimit;       /* Argon2id                         */
	size_t memlimit;
	char dummy_hash[AUTH_HASH_MAX];    /* verified for unknown logins, so
					      timing does not tell them apart */
	int max_failures;                  /* per account: 5 → locked          */
	int64_t lockout_secs;              /* 900                              */
	int source_max_failures;           /* per source address: 20 ...       */
	int64_t source_window_secs;        /* ... per 600 s                    */
	int register_max_per_source;       /* resident registrations: 10 per
					      source address per window above */
	int64_t staff_idle_secs;           /* 900                              */
	int64_t staff_absolute_secs;       /* 43200                            */
	int64_t resident_idle_secs;        /* 1800                             */
	int64_t resident_absolute_secs;    /* 43200                            */
	int64_t pending_secs;              /* 300: password done, TOTP awaited */
	int64_t enrol_pending_secs;        /* 1800: enrolment begun, unconfirmed */
	int64_t last_seen_write_secs;      /* 30: rate limit of last_seen writes */
	int totp_window;                   /* 1: accept steps -1, 0, +1        */
	char **common;                     /* sorted, lower case; NULL = the  */
	size_t ncommon;                    /* built-in list only              */
};

/* auth_config_init -- defaults (above), the Argon2id cost, and the dummy
 * hash (one hash computation: ~85 ms at INTERACTIVE).  Initialises
 * libsodium and liboath; call at start-up, before threads.  No key yet:
 * TOTP functions fail with ERR_INVALID until auth_config_set_key(). */
int auth_config_init(struct auth_config *c, enum auth_hash_cost cost,
		     struct err *e);
/* auth_config_set_key -- the 32-byte secret-box key as 64 hex digits
 * (from configuration; `madoguchi` generates one with auth_key_generate). */
int auth_config_set_key(struct auth_config *c, const char *hex,
			struct err *e);
/* auth_key_generate -- a new random key as 64 hex digits + NUL. */
int auth_key_generate(char out[AUTH_KEY_HEX_LEN + 1], struct err *e);
/* auth_config_load_common_passwords -- one password per line, '#'
 * comments (data/auth/common-passwords.txt).  Limits: 1 MiB, 100000
 * lines.  Replaces the built-in list (which stays in force as well). */
int auth_config_load_common_passwords(struct auth_config *c,
				      const char *path, struct err *e);
/* auth_config_done -- wipe the key, free the list. */
void auth_config_done(struct auth_config *c);

/* ------------------------------------------------------------------ */
/* Passwords                                                          */

enum auth_pw_rule {
	AUTH_PW_OK = 0,
	AUTH_PW_TOO_SHORT,      /* fewer than 12 characters              */
	AUTH_PW_TOO_LONG,       /* more than 128 characters / 512 bytes   */
	AUTH_PW_BAD_UTF8,       /* not valid UTF-8 or has control chars   */
	AUTH_PW_COMMON,         /* on the common-password list            */
	AUTH_PW_CONTAINS_NAME,  /* contains the login or e-mail local part */
	AUTH_PW_REPEATED,       /* a single character repeated            */
};

/* auth_password_check -- the policy (ASVS v4.0.3 2.1.1/2.1.2/2.1.7).
 * ident (login or e-mail, may be NULL) must not appear in the password.
 * Returns 0 or ERR_INVALID; *why (if non-NULL) says which rule. */
int auth_password_check(enum auth_pw_rule *why, const struct auth_config *c,
			const char *password, const char *ident,
			struct err *e);
/* auth_password_rule_name -- "too_short", ... (stable, for messages). */
const char *auth_password_rule_name(enum auth_pw_rule r);
/* auth_password_hash -- Argon2id string into out (AUTH_HASH_MAX bytes). */
int auth_password_hash(char out[AUTH_HASH_MAX], const struct auth_config *c,
		       const char *password, struct err *e);
/* auth_password_verify -- 0 when it matches, ERR_AUTH when not. */
int auth_password_verify(const char *hash, const char *password,
			 struct err *e);
/* auth_password_generate -- 20 characters from a 56-symbol alphabet
 * without look-alikes (~116 bits), for `madoguchi user add`. */
int auth_password_generate(char out[AUTH_GEN_PASSWORD_LEN + 1],
			   struct err *e);

/* ------------------------------------------------------------------ */
/* Events returned to the caller for its audit record                 */

enum auth_event_kind {
	AUTH_EV_STAFF_CREATED = 1,
	AUTH_EV_STAFF_DISABLED,
	AUTH_EV_STAFF_ENABLED,
	AUTH_EV_PASSWORD_CHANGED,
	AUTH_EV_ACCOUNT_UNLOCKED,
	AUTH_EV_TOTP_ENROLLED,
	AUTH_EV_TOTP_RESET,
	AUTH_EV_RECOVERY_REGENERATED,
	AUTH_EV_SESSIONS_KILLED,
	AUTH_EV_ROLE_CREATED,
	AUTH_EV_ROLE_DELETED,
	AUTH_EV_ROLE_MFA_CHANGED,
	AUTH_EV_PERMISSION_ADDED,
	AUTH_EV_PERMISSION_REMOVED,
	AUTH_EV_ROLE_GRANTED,
	AUTH_EV_ROLE_REVOKED,
	AUTH_EV_RESIDENT_CREATED,
	AUTH_EV_TOTP_REPLACED,             /* second factor replaced (re-authenticated) */
	AUTH_EV_STAFF_RESET,               /* password and second factor reset by
					      an administrator (auth_staff_reset_by) */
	AUTH_EV_RESIDENT_CLOSED,           /* closed by its holder (auth_resident_close) */
};

struct auth_event {
	enum auth_event_kind kind;
	char tenant[AUTH_TENANT_LEN + 1];
	int64_t account_id;                /* staff/resident id, or 0 */
	char role[AUTH_ROLE_MAX + 1];      /* "" when not about a role */
	char permission[AUTH_PERM_MAX + 1];
	int64_t value;                     /* needs_mfa, sessions killed ... */
};

#define AUTH_EVENTS_MAX 32
struct auth_events {
	int n;                             /* events recorded          */
	int dropped;                       /* past AUTH_EVENTS_MAX     */
	struct auth_event ev[AUTH_EVENTS_MAX];
};

/* auth_event_name -- "staff.created", "role.granted", ... (stable). */
const char *auth_event_name(enum auth_event_kind k);
/* auth_event_object -- the audit object of an event, the one format every
 * caller writes: "<account id>" or "<account id>:<role>" for events about
 * an account, "<role>" or "<role>:<permission>" for events about a role
 * (so a role.granted record always names the role).  out gets at most
 * cap - 1 bytes (AUTH_EVENT_OBJECT_MAX is enough). */
#define AUTH_EVENT_OBJECT_MAX (24 + AUTH_ROLE_MAX + AUTH_PERM_MAX + 4)
void auth_event_object(char *out, size_t cap, const struct auth_event *ev);

/* ------------------------------------------------------------------ */
/* Accounts                                                           */

enum auth_kind { AUTH_KIND_STAFF = 1, AUTH_KIND_RESIDENT = 2 };

struct auth_staff {
	int64_t id;
	char tenant[AUTH_TENANT_LEN + 1];
	char login[AUTH_LOGIN_MAX + 1];
	char display_name[AUTH_NAME_MAX + 1];
	int active;                        /* status active (1) / disabled (0) */
	int totp_enrolled;
	int needs_mfa;                     /* some role of theirs needs 2FA   */
	int failed_count;
	int64_t locked_until;              /* 0 or Unix seconds               */
	int64_t created_at;
	int64_t password_changed_at;
	int64_t totp_changed_at;           /* 0, or when the second factor was
					      last replaced (shown to the user) */
	char roles[AUTH_ROLES_TEXT_MAX];   /* "admin,staff" (sorted)          */
};

/* A staff account to create (auth_staff_add, auth_staff_add_by_in).  The
 * strings and the roles array are the caller's, read during the call
 * only: nothing keeps a pointer, and the password is stored only as its
 * hash (the caller wipes its own copy). */
struct auth_staff_new {
	const char *tenant;                /* 6 digits; auth_staff_add_by does
					      not read it: by->tenant        */
	const char *login;                 /* 1..64 bytes of [a-z0-9._-]
					      (upper case folded to lower)   */
	const char *display_name;          /* 1..100 characters, 400 bytes of
					      UTF-8 without controls         */
	const char *password;              /* the policy: auth_password_check
					      with the login as ident        */
	const char *const *roles;          /* role names to grant, each
					      [a-z0-9_-] 1..32 bytes; NULL
					      when nroles is 0               */
	int nroles;                        /* 0..AUTH_ROLES_PER_STAFF        */
};

/* auth_staff_add -- create an active staff account (login unique within
 * the tenant; ERR_CONFLICT if taken) and grant it the roles in->roles
 * (in->nroles may be 0).  Checks the password policy.  *id_out gets the
 * new id. */
int auth_staff_add(int64_t *id_out, struct store *s,
		   const struct auth_config *c, const struct auth_staff_new *in,
		   int64_t now, struct auth_events *ev, struct err *e);
int auth_staff_get(struct auth_staff *out, struct store *s,
		   const char *tenant, int64_t staff_id, struct err *e);
int auth_staff_get_by_login(struct auth_staff *out, struct store *s,
			    const char *tenant, const char *login,
			    struct err *e);
/* auth_staff_list -- fn for each staff member of the tenant, by login.
 * Returns the count or a negative ERR_*.  Limit: 100000 rows. */
int auth_staff_list(struct store *s, const char *tenant,
		    void (*fn)(const struct auth_staff *st, void *arg),
		    void *arg, struct err *e);
/* auth_staff_set_active -- disable (active=0) kills every session of the
 * account; enable (active=1) also clears a lockout. */
int auth_staff_set_active(struct store *s, const char *tenant,
			  int64_t staff_id, int active, int64_t now,
			  struct auth_events *ev, struct err *e);
/* auth_staff_unlock -- clear the failure counter and lockout. */
int auth_staff_unlock(struct store *s, const char *tenant, int64_t staff_id,
		      struct auth_events *ev, struct err *e);
/* An administrative password reset (auth_staff_set_password): whose
 * password, and the new one.  The password is the caller's, read during
 * the call only and stored only as its hash (the caller wipes its copy). */
struct auth_staff_password_in {
	const char *tenant;                /* 6 digits                       */
	int64_t staff_id;                  /* a staff account of tenant
					      (ERR_NOTFOUND if not)          */
	const char *password;              /* the policy: auth_password_check
					      with the account's login as
					      ident                          */
};
/* auth_staff_set_password -- administrative reset: policy, new hash,
 * failed logins and lockout cleared, all sessions of the account killed. */
int auth_staff_set_password(struct store *s, const struct auth_config *c,
			    const struct auth_staff_password_in *in, int64_t now,
			    struct auth_events *ev, struct err *e);

/* A resident account to create (auth_resident_add).  The strings are the
 * caller's, read during the call only: nothing keeps a pointer, and the
 * password is stored only as its hash (the caller wipes its own copy). */
struct auth_resident_new {
	const char *tenant;                /* 6 digits, a known tenant       */
	const char *email;                 /* local@domain, 3..AUTH_EMAIL_MAX
					      bytes of UTF-8, one @, a dot in
					      the domain, no space, control or
					      <>",;\ (ERR_INVALID); stored
					      case-folded                    */
	const char *password;              /* the policy: auth_password_check
					      with the folded e-mail as ident */
};
/* auth_resident_add -- a resident account keyed by e-mail (case-folded;
 * unique within the tenant: ERR_CONFLICT if taken).  *id_out gets the new
 * id. */
int auth_resident_add(int64_t *id_out, struct store *s,
		      const struct auth_config *c,
		      const struct auth_resident_new *in, int64_t now,
		      struct auth_events *ev, struct err *e);
/* auth_resident_get -- a resident's e-mail address (into email, at least
 * AUTH_EMAIL_MAX + 1 bytes) and whether the account is active. */
int auth_resident_get(char *email, int *active, struct store *s,
		      const char *tenant, int64_t resident_id, struct err *e);
int auth_resident_set_active(struct store *s, const char *tenant,
			     int64_t resident_id, int active,
			     struct auth_events *ev, struct err *e);
/* auth_resident_close -- the resident closes their account (退会), in
 * the caller's open transaction (else its own), so that what the services
 * forget (svc.h account_closed) goes with it or not at all.  The row stays
 * (submitted applications, payments and audit records name its id and
 * the ward keeps them by law), but what made it a login goes: status
 * 'disabled', the e-mail address replaced by "closed:<id>" (not an
 * address: nobody can log in with it, reset it or be told of a
 * registration through it, and the person may register the address
 * again), the password hash emptied (verifies nothing), every session
 * ended, every e-mail token deleted (the address is no longer
 * "verified"; pending links stop working).  Events RESIDENT_CLOSED and
 * SESSIONS_KILLED.  ERR_NOTFOUND: no active resident id in tenant
 * (closed already, disabled, other tenant).  Check the password first
 * (auth_password_confirm, outside the transaction). */
int auth_resident_close(struct store *s, const char *tenant, int64_t resident_id,
			int64_t now, struct auth_events *ev, struct err *e);

/* ------------------------------------------------------------------ */
/* Sessions                                                           */

enum auth_stage {
	AUTH_STAGE_FULL = 1,    /* logged in                                 */
	AUTH_STAGE_TOTP = 2,    /* password accepted, TOTP code awaited      */
	AUTH_STAGE_ENROL = 3,   /* 2FA required but not enrolled: enrolment only */
	AUTH_STAGE_PASSWORD = 4, /* after an administrator's reset: the new
				    password page only (auth_staff_password_forced) */
};

enum auth_session_reason {
	AUTH_SES_OK = 0,
	AUTH_SES_UNKNOWN,       /* no such token (or malformed, or logged out) */
	AUTH_SES_IDLE,          /* idle timeout passed                        */
	AUTH_SES_ABSOLUTE,      /* absolute timeout passed                    */
};

struct auth_session {
	int64_t id;                        /* for listing and killing; not secret */
	char tenant[AUTH_TENANT_LEN + 1];
	enum auth_kind kind;
	int64_t account_id;
	enum auth_stage stage;
	int mfa_ok;                        /* TOTP or recovery code given     */
	int64_t created_at;
	int64_t last_seen;                 /* as stored (writes rate-limited) */
	int64_t idle_timeout;              /* seconds                         */
	int64_t absolute_timeout;          /* seconds after created_at        */
	int64_t idle_left;                 /* seconds before the idle expiry, */
	int64_t absolute_left;             /* and before the absolute one     */
	enum auth_session_reason reason;   /* why auth_session_check failed   */
	unsigned char csrf_secret[32];
};

/* auth_session_check -- the session of a client's token.  ERR_AUTH with
 * out->reason UNKNOWN / IDLE / ABSOLUTE when there is none (an expired
 * row is deleted).  Counts this request as activity: last_seen is written
 * only when the stored value is at least cfg->last_seen_write_secs old,
 * and idle_left is computed from the stored value (what the next check
 * will enforce).  Callers must also look at out->stage: only
 * AUTH_STAGE_FULL is logged in. */
int auth_session_check(struct auth_session *out, struct store *s,
		       const struct auth_config *c, const char *token,
		       int64_t now, struct err *e);
/* auth_session_logout -- delete the token's session (0 also when it was
 * already gone). */
int auth_session_logout(struct store *s, const char *token, struct err *e);
/* auth_session_list -- fn for each live session of the session's own
 * account (newest first).  Returns the count. */
int auth_session_list(struct store *s, const struct auth_session *own,
		      int64_t now,
		      void (*fn)(const struct auth_session *ses, int current,
				 void *arg),
		      void *arg, struct err *e);
/* auth_session_kill -- delete one session of the *same* account (another
 * account's id gives ERR_NOTFOUND). */
int auth_session_kill(struct store *s, const struct auth_session *own,
		      int64_t session_id, struct err *e);
/* auth_sessions_kill_account -- delete every session of an account except
 * keep_id (0: none kept).  Returns the number deleted. */
int auth_sessions_kill_account(struct store *s, const char *tenant,
			       enum auth_kind kind, int64_t account_id,
			       int64_t keep_id, struct err *e);
/* auth_sessions_purge -- delete expired sessions and stale failure
 * records (a periodic job).  Returns the number of rows deleted. */
int auth_sessions_purge(struct store *s, const struct auth_config *c,
			int64_t now, struct err *e);

/* ------------------------------------------------------------------ */
/* CSRF                                                               */

/* auth_csrf_token -- base64url(HMAC(session CSRF secret, form_id)).
 * form_id may be NULL (one token for every form of the session). */
int auth_csrf_token(char out[AUTH_CSRF_LEN + 1],
		    const struct auth_session *ses, const char *form_id,
		    struct err *e);
/* auth_csrf_check -- 0 when token is the session's token for form_id
 * (constant-time comparison), else ERR_DENIED. */
int auth_csrf_check(const struct auth_session *ses, const char *form_id,
		    const char *token, struct err *e);

/* ------------------------------------------------------------------ */
/* Login: password → (if enrolled) TOTP → session                      */

enum auth_outcome {
	AUTH_OUT_NONE = 0,
	AUTH_OUT_OK,              /* full session created                 */
	AUTH_OUT_TOTP_NEEDED,     /* pending session: ask for a code      */
	AUTH_OUT_ENROL_NEEDED,    /* session limited to TOTP enrolment    */
	AUTH_OUT_BAD_CREDENTIALS, /* unknown account or wrong password    */
	AUTH_OUT_LOCKED,          /* account locked (password not checked) */
	AUTH_OUT_THROTTLED,       /* too many failures from this source   */
	AUTH_OUT_DISABLED,        /* account disabled                     */
	AUTH_OUT_BAD_CODE,        /* wrong TOTP / recovery code           */
	AUTH_OUT_CODE_REUSED,     /* valid TOTP of an already used step   */
	AUTH_OUT_PASSWORD_NEEDED, /* reset by an administrator: session
				     limited to setting a new password  */
};

/* What the user sees must NOT depend on the failure outcome: show one
 * message for every ERR_AUTH ("ログインできませんでした" / "could not log
 * in"); the outcome is for the operator's log and the audit record. */
struct auth_login {
	enum auth_outcome outcome;
	enum auth_kind kind;
	int64_t account_id;                /* 0 when the account is unknown   */
	enum auth_stage stage;             /* of the new session              */
	int64_t session_id;
	char token[AUTH_TOKEN_LEN + 1];    /* new session token (set cookie)  */
	int locked_now;                    /* this failure locked the account */
	int used_recovery_code;
	int recovery_codes_left;
};

/* A staff login attempt (auth_staff_login).  The strings are the
 * caller's, read during the call only: nothing keeps a pointer, and the
 * password is never stored (the caller wipes its own copy). */
struct auth_staff_login_in {
	const char *tenant;                /* 6 digits (ERR_INVALID if not)   */
	const char *login;                 /* as typed: upper case folded; one
					      that is not a valid login is an
					      unknown account                 */
	const char *password;              /* as typed                        */
	const char *source;                /* the client address (hashed
					      before storage; throttling)     */
};
/* auth_staff_login -- step 1.  0 with outcome OK / TOTP_NEEDED /
 * ENROL_NEEDED and a new session token; ERR_AUTH with a failure outcome;
 * other ERR_* for real errors. */
int auth_staff_login(struct auth_login *out, struct store *s,
		     const struct auth_config *c,
		     const struct auth_staff_login_in *in, int64_t now,
		     struct err *e);
/* The second step of a staff login (auth_staff_login_code): what was
 * typed and where from, the caller's strings, read during the call only. */
struct auth_login_code_in {
	const char *code;                  /* a 6-digit TOTP code (spaces
					      between digit groups allowed) or
					      a recovery code, 32 bytes at
					      most; NULL counts as wrong      */
	const char *source;                /* the client address (hashed
					      before storage; throttling)     */
};
/* auth_staff_login_code -- step 2, on a session in AUTH_STAGE_TOTP: a
 * 6-digit TOTP code or a recovery code in in->code
 * (out->used_recovery_code says which).  On success the pending session
 * is replaced by a new full one with mfa_ok (new token in out->token), and
 * only then is the account's failure counter cleared: a right password
 * alone does not clear it, so "password, wrong codes, password again"
 * still locks the account. */
int auth_staff_login_code(struct auth_login *out, struct store *s,
			  const struct auth_config *c,
			  const struct auth_session *pending,
			  const struct auth_login_code_in *in, int64_t now,
			  struct err *e);
/* auth_register_attempt -- count one resident registration from source
 * (hashed, with a key other than the login failures', in the same table:
 * registrations and login failures are counted apart, and purged with
 * them).  0: go ahead (the attempt is recorded); ERR_LIMIT: the source made
 * cfg->register_max_per_source attempts in the last source_window_secs
 * (nothing recorded).  Call it before the registration's password hash. */
int auth_register_attempt(struct store *s, const struct auth_config *c,
			  const char *tenant, const char *source, int64_t now,
			  struct err *e);
/* A resident login attempt (auth_resident_login).  The strings are the
 * caller's, read during the call only: nothing keeps a pointer, and the
 * password is never stored (the caller wipes its own copy). */
struct auth_resident_login_in {
	const char *tenant;                /* 6 digits (ERR_INVALID if not)   */
	const char *email;                 /* as typed: case-folded; one that
					      is not a valid address is an
					      unknown account                 */
	const char *password;              /* as typed                        */
	const char *source;                /* the client address (hashed
					      before storage; throttling)     */
};
/* auth_resident_login -- e-mail and password.  0 with outcome OK and a
 * new full session's token; ERR_AUTH with a failure outcome; other ERR_*
 * for real errors. */
int auth_resident_login(struct auth_login *out, struct store *s,
			const struct auth_config *c,
			const struct auth_resident_login_in *in, int64_t now,
			struct err *e);
/* A password change by the account's holder (auth_password_change): two
 * strings as typed, the caller's, read during the call only (wipe them
 * after); only the new one's hash is stored. */
struct auth_password_change_in {
	const char *current;               /* the password now               */
	const char *new_password;          /* checked against the policy     */
};
/* auth_password_change -- the session's own account: in->current is
 * verified (a wrong one counts as a login failure), in->new_password
 * checked against the policy; every other session of the account is
 * killed. */
int auth_password_change(struct store *s, const struct auth_config *c,
			 const struct auth_session *ses,
			 const struct auth_password_change_in *in, int64_t now,
			 struct auth_events *ev, struct err *e);
/* auth_password_confirm -- re-authentication before an act that cannot be
 * undone (closing the account): password is the session's own account's
 * (as typed, read during the call only).  0: right.  ERR_AUTH: wrong (counted
 * as a login failure, as auth_password_change does: the counter is
 * committed, so call it outside a transaction), or the account is locked,
 * disabled or gone; ERR_DENIED: ses not fully logged in.  Runs Argon2id:
 * call it on the blocking pool. */
int auth_password_confirm(struct store *s, const struct auth_config *c,
			  const struct auth_session *ses, const char *password,
			  int64_t now, struct err *e);

/* ------------------------------------------------------------------ */
/* TOTP enrolment and recovery codes                                  */

struct auth_totp_enrolment {
	char secret_b32[AUTH_TOTP_B32_LEN + 1]; /* for manual entry      */
	char *uri;      /* otpauth://totp/... (malloc'd)                  */
	char *svg;      /* QR code of uri as SVG text (malloc'd)          */
};

/* auth_totp_enrol_begin -- for a staff session in AUTH_STAGE_ENROL, or
 * FULL with mfa_ok, or FULL when not enrolled: the pending secret (stored
 * encrypted until confirmed), its URI and QR code.  The pending secret is
 * made at the first call and given again by every later call until it is
 * confirmed, cfg->enrol_pending_secs pass after it was made, or
 * auth_totp_enrol_restart discards it.  Release with
 * auth_totp_enrolment_done(). */
int auth_totp_enrol_begin(struct auth_totp_enrolment *out, struct store *s,
			  const struct auth_config *c,
			  const struct auth_session *ses, int64_t now,
			  struct err *e);
/* auth_totp_enrol_restart -- discard the session's account's pending
 * secret (an explicit "start again"): the next auth_totp_enrol_begin
 * makes a new one.  The enrolled secret, if any, is untouched. */
int auth_totp_enrol_restart(struct store *s, const struct auth_session *ses,
			    struct err *e);
void auth_totp_enrolment_done(struct auth_totp_enrolment *en);

struct auth_recovery_codes {
	char code[AUTH_RECOVERY_CODES][AUTH_RECOVERY_CODE_LEN + 1];
};

/* What confirming a second factor gives (auth_totp_enrol_confirm,
 * auth_totp_replace_confirm): both parts are secrets (set the cookie, show
 * the codes once, then wipe the struct).  Everything is zeroed at the
 * start of the call; the token and the codes are set only on success. */
struct auth_totp_confirmed {
	struct auth_login login;           /* the outcome; on success the new
					      full session (login.token)     */
	struct auth_recovery_codes codes;  /* on success the 10 new recovery
					      codes, which replace any old   */
};

/* A first enrolment's confirmation (auth_totp_enrol_confirm). */
struct auth_totp_enrol_in {
	const struct auth_session *ses;    /* the staff session that began the
					      enrolment (auth_totp_enrol_begin):
					      its account gets the factor, and
					      it is replaced by a new one    */
	const char *code;                  /* a 6-digit code of the pending
					      secret, the caller's string,
					      read during the call only      */
};
/* auth_totp_enrol_confirm -- first enrolment only (ERR_DENIED when the
 * account already has a second factor: see auth_totp_replace_confirm):
 * the first valid code of the pending secret makes it the account's
 * secret; 10 new recovery codes (show once) replace any old ones in
 * out->codes; the session in->ses is replaced by a full one with mfa_ok
 * (new token in out->login.token).  ERR_AUTH (out->login.outcome
 * BAD_CODE) for a wrong code. */
int auth_totp_enrol_confirm(struct auth_totp_confirmed *out,
			    struct store *s, const struct auth_config *c,
			    const struct auth_totp_enrol_in *in, int64_t now,
			    struct auth_events *ev, struct err *e);
/* auth_totp_replace_confirm -- replace the second factor of an account
 * that has one (auth_totp_enrol_confirm refuses those with ERR_DENIED):
 * the pending secret (auth_totp_enrol_begin) becomes the account's once
 * in->new_code is valid for it AND the user re-authenticates with
 * in->password and in->current_code, a code of the current factor (a
 * TOTP code, its step spent, or a recovery code, spent).  ERR_AUTH with
 * out->login.outcome BAD_CODE (new code wrong: not counted),
 * BAD_CREDENTIALS (password or current code wrong: counted towards the
 * lockout, out->login.locked_now) or LOCKED.  On success: 10 new recovery
 * codes in out->codes, totp_changed_at = now, failures cleared, every
 * other session of the account ended, the session in->ses replaced (new
 * token in out->login.token); events totp.replaced (value 1 when a
 * recovery code was used), recovery.regenerated, sessions.killed.
 * Argon2id runs here: call it off the event loop. */
struct auth_totp_replace_in {
	const struct auth_session *ses;    /* the staff session that began the
					      replacement (auth_totp_enrol_begin)
					      and is replaced by a new one   */
	/* what the user typed, the caller's strings, read during the call
	 * only (wipe them after); NULL counts as "" (wrong) */
	const char *password;              /* the account's password         */
	const char *current_code;          /* a 6-digit TOTP code of the
					      current factor (spaces between
					      digit groups allowed) or a
					      recovery code, 32 bytes at most */
	const char *new_code;              /* a 6-digit code of the pending
					      secret                         */
};
int auth_totp_replace_confirm(struct auth_totp_confirmed *out,
			      struct store *s, const struct auth_config *c,
			      const struct auth_totp_replace_in *in, int64_t now,
			      struct auth_events *ev, struct err *e);
/* auth_recovery_codes_regenerate -- new codes for a FULL mfa_ok session. */
int auth_recovery_codes_regenerate(struct auth_recovery_codes *codes,
				   struct store *s,
				   const struct auth_session *ses,
				   struct auth_events *ev, struct err *e);
/* auth_totp_reset -- administrative (lost phone): remove the secret and
 * recovery codes, kill the account's sessions. */
int auth_totp_reset(struct store *s, const char *tenant, int64_t staff_id,
		    struct auth_events *ev, struct err *e);

/* ------------------------------------------------------------------ */
/* Administrative reset of a colleague (reset.c)                      */

/* What auth_staff_reset_by gives the administrator: the temporary
 * password (a secret: show once, then wipe), and where to notify. */
struct auth_staff_reset {
	char password[AUTH_GEN_PASSWORD_LEN + 1]; /* generated, one use  */
	char login[AUTH_LOGIN_MAX + 1];
	char display_name[AUTH_NAME_MAX + 1];
	char email[AUTH_EMAIL_MAX + 1];    /* "" when none is on record      */
};
/* auth_staff_reset_by -- a member of staff (by: a FULL staff session;
 * the caller checks staff.manage) resets a colleague of the same tenant:
 * a generated temporary password replaces the password, the second
 * factor, its pending secret and the recovery codes are removed, failures
 * and lockout cleared, every session of the colleague ended, and the
 * account must set a new password (AUTH_STAGE_PASSWORD) and enrol again
 * (AUTH_STAGE_ENROL) at its next login.  ERR_INVALID for oneself (one's
 * own password is changed on the account page), ERR_NOTFOUND for a staff
 * id outside by's tenant, ERR_DENIED when by could not give every role
 * the colleague holds (auth_role_grantable: resetting an administrator
 * takes an administrator).  Events staff.reset, sessions.killed.
 * Argon2id runs here: call it off the event loop. */
int auth_staff_reset_by(struct auth_staff_reset *out, struct store *s,
			const struct auth_config *c,
			const struct auth_session *by, int64_t staff_id,
			int64_t now, struct auth_events *ev, struct err *e);
/* auth_staff_password_forced -- on a session in AUTH_STAGE_PASSWORD: the
 * new password (the policy; not the temporary one) replaces the
 * temporary one, the flag is cleared, and the session is replaced by
 * the next stage's (ENROL when the account must enrol or a role needs
 * 2FA, TOTP when it has a factor, else FULL; out->outcome says which:
 * ENROL_NEEDED, TOTP_NEEDED, OK; new token in out->token).  ERR_INVALID
 * for a refused password.  Argon2id: off the event loop. */
int auth_staff_password_forced(struct auth_login *out, struct store *s,
			       const struct auth_config *c,
			       const struct auth_session *ses,
			       const char *new_password, int64_t now,
			       struct auth_events *ev, struct err *e);
/* auth_staff_email_set / _get -- the address notices to the member go
 * to ("" for none); checked like a resident's (auth_norm_email). */
int auth_staff_email_set(struct store *s, const char *tenant,
			 int64_t staff_id, const char *email, struct err *e);
int auth_staff_email_get(char out[AUTH_EMAIL_MAX + 1], struct store *s,
			 const char *tenant, int64_t staff_id, struct err *e);

/* auth_totp_uri -- otpauth://totp/<issuer>:<login>?secret=..&issuer=..
 * with issuer "madoguchi (<tenant name>)", percent-encoded; malloc'd. */
int auth_totp_uri(char **out, const char *secret_b32, const char *tenant_name,
		  const char *login, struct err *e);
/* auth_qr_svg -- the QR code (ECC level M) of text as an SVG document
 * with a <title>; one <path> whose subpaths "M x yh1v1h-1z" are the dark
 * modules; malloc'd.  *dark (if non-NULL) counts them.  Limit: 1024
 * bytes of text. */
int auth_qr_svg(char **out, int *dark, const char *text, const char *title,
		struct err *e);
/* auth_totp_check_code -- RFC 6238 (HMAC-SHA-1, 30 s, 6 digits) with a
 * window of ±window steps: 0 and *step (the matching time step) when code
 * is valid at now.  Stateless: single use is enforced by the login and
 * enrolment functions.  ERR_AUTH when not valid. */
int auth_totp_check_code(int64_t *step, const unsigned char *secret,
			 size_t secret_len, const char *code, int64_t now,
			 int window, struct err *e);

/* ------------------------------------------------------------------ */
/* Roles and permissions                                              */

/* Permissions known to the application (roles may name others). */
#define AUTH_PERM_STAFF_MANAGE "staff.manage"
#define AUTH_PERM_ROLES_MANAGE "roles.manage"
#define AUTH_PERM_PERSONAL_READ "personal.read"
#define AUTH_PERM_PERSONAL_WRITE "personal.write"
#define AUTH_PERM_AUDIT_READ "audit.read"
#define AUTH_PERM_JOBS_READ "jobs.read"
#define AUTH_PERM_OPENDATA_PUBLISH "opendata.publish"
/* Online applications: read submissions (personal data) and act on them
 * (states, assignment, comments); which departments' inboxes a member of
 * staff sees is given by permissions "dept.<department>" (the
 * procedure's department id with '-' written '_') or "dept.all". */
#define AUTH_PERM_APPLICATIONS_READ "applications.read"
#define AUTH_PERM_APPLICATIONS_WRITE "applications.write"
#define AUTH_PERM_DEPT_PREFIX "dept."
#define AUTH_PERM_DEPT_ALL "dept.all"
/* Create, preview, version and publish procedure definitions. */
#define AUTH_PERM_PROCEDURES_MANAGE "procedures.manage"
/* Read the outbox and the development mailbox (/staff/outbox): the
 * addresses and texts of the mail sent to residents (personal data). */
#define AUTH_PERM_MAIL_READ "mail.read"

/* auth_permissions_builtin -- the permissions above (not "dept.<id>",
 * whose ids are data): *out gets the array, the count is returned. */
int auth_permissions_builtin(const char *const **out);

/* auth_permission_sensitive -- 1 for permissions that only roles with
 * needs_mfa may hold: personal.*, applications.*, audit.read,
 * staff.manage, roles.manage, mail.read. */
int auth_permission_sensitive(const char *perm);

/* auth_tenant_seed -- create the built-in roles admin, staff, viewer,
 * auditor of a tenant with their permissions; idempotent (existing roles
 * are left as they are).  Call when a tenant is created. */
int auth_tenant_seed(struct store *s, const char *tenant,
		     struct auth_events *ev, struct err *e);

struct auth_role {
	int64_t id;
	char name[AUTH_ROLE_MAX + 1];
	char description[AUTH_ROLE_DESC_MAX + 1];
	int needs_mfa;
	int builtin;
	int npermissions;
	char permissions[16][AUTH_PERM_MAX + 1]; /* the first 16, sorted */
};

int auth_role_create(struct store *s, const char *tenant, const char *name,
		     const char *description, int needs_mfa,
		     struct auth_events *ev, struct err *e);
/* auth_role_delete -- not for built-in roles (ERR_DENIED); revokes it
 * from every staff member. */
int auth_role_delete(struct store *s, const char *tenant, const char *name,
		     struct auth_events *ev, struct err *e);
/* auth_role_set_needs_mfa -- ERR_INVALID when clearing it on a role that
 * holds a sensitive permission. */
int auth_role_set_needs_mfa(struct store *s, const char *tenant,
			    const char *name, int needs_mfa,
			    struct auth_events *ev, struct err *e);
/* auth_role_permission_add -- ERR_INVALID for a sensitive permission on
 * a role without needs_mfa.  Adding one it has is a no-op (no event). */
int auth_role_permission_add(struct store *s, const char *tenant,
			     const char *role, const char *perm,
			     struct auth_events *ev, struct err *e);
int auth_role_permission_remove(struct store *s, const char *tenant,
				const char *role, const char *perm,
				struct auth_events *ev, struct err *e);
/* auth_role_list -- fn for each role of the tenant, by name. */
int auth_role_list(struct store *s, const char *tenant,
		   void (*fn)(const struct auth_role *r, void *arg),
		   void *arg, struct err *e);
/* auth_staff_role_grant / _revoke -- granting a held role or revoking one
 * not held is a no-op (no event). */
int auth_staff_role_grant(struct store *s, const char *tenant,
			  int64_t staff_id, const char *role,
			  struct auth_events *ev, struct err *e);
/* auth_staff_role_revoke -- ERR_NOTFOUND when staff_id is not a staff
 * member of tenant (nothing changes), as for a grant. */
int auth_staff_role_revoke(struct store *s, const char *tenant,
			   int64_t staff_id, const char *role,
			   struct auth_events *ev, struct err *e);

/* Who may give a role.  The rule, for every path where a member of staff
 * gives roles (the users page, grants): a caller may give a role only if
 * it holds every permission of that role itself (under the rules of
 * auth_has_permission: FULL session, needs_mfa roles only with mfa_ok), or
 * if it holds roles.manage.  So staff.manage alone cannot mint an
 * administrator.  The unchecked auth_staff_add / auth_staff_role_grant
 * are for the operator (CLI, set-up) only.
 *
 * auth_role_grantable -- 1 when the session may give role, 0 when not,
 * ERR_NOTFOUND for an unknown role, < 0 on error (callers fail closed). */
int auth_role_grantable(struct store *s, const struct auth_session *by,
			const char *role, struct err *e);
/* A member of staff creating an account (auth_staff_add_by): who, and
 * the account.  Read during the call only, as struct auth_staff_new. */
struct auth_staff_add_by_in {
	const struct auth_session *by;     /* the caller's session: the account
					      is made in by->tenant, and only
					      with roles by may give; NULL:
					      ERR_DENIED                     */
	struct auth_staff_new account;     /* account.tenant is not read     */
};
/* auth_staff_add_by -- auth_staff_add for a caller, in the caller's own
 * tenant (in->by->tenant; in->account.tenant is not read): ERR_DENIED
 * (nothing created) when in->by may not give one of the roles. */
int auth_staff_add_by(int64_t *id_out, struct store *s,
		      const struct auth_config *c,
		      const struct auth_staff_add_by_in *in, int64_t now,
		      struct auth_events *ev, struct err *e);
/* auth_staff_role_grant_by -- auth_staff_role_grant in the caller's own
 * tenant: ERR_NOTFOUND for a staff id not in that tenant, ERR_DENIED
 * when `by` may not give the role. */
int auth_staff_role_grant_by(struct store *s, const struct auth_session *by,
			     int64_t staff_id, const char *role,
			     struct auth_events *ev, struct err *e);

/* auth_has_permission -- 1 when the session may use perm, 0 when not,
 * < 0 on error (callers must treat errors as "no": fail closed).  Only a
 * FULL staff session of an active account has permissions; a permission
 * coming from a role with needs_mfa counts only when the session has
 * mfa_ok.  Read live from the database: role changes apply at once. */
int auth_has_permission(struct store *s, const struct auth_session *ses,
			const char *perm, struct err *e);
/* auth_staff_has_permission -- the same for an account (jobs, CLI):
 * mfa_ok says whether the needs_mfa roles count. */
int auth_staff_has_permission(struct store *s, const char *tenant,
			      int64_t staff_id, const char *perm, int mfa_ok,
			      struct err *e);

/* --- apply (app_apply.c): the departments a staff member sees --- */
/* auth_session_permissions -- call fn for each permission starting with
 * prefix (at most AUTH_PERM_MAX bytes) that the session holds, under the
 * rules of auth_has_permission (FULL staff session of an active account;
 * needs_mfa roles only with mfa_ok); sorted, each once.  fn returns
 * non-zero to stop.  Returns the number of permissions passed to fn, or a
 * negative ERR_* (callers fail closed).  Limit: 1000 permissions. */
int auth_session_permissions(struct store *s, const struct auth_session *ses,
			     const char *prefix,
			     int (*fn)(const char *perm, void *arg), void *arg,
			     struct err *e);
/* --- end apply --- */

/* --- dept (src/svc/dept): who can read a department's applications --- */
/* auth_dept_readers -- *n = the active staff of tenant who hold both
 * applications.read and dept_perm (a "dept.<code>" permission, '-' written
 * '_') or dept.all, through any of their roles (needs_mfa roles counted:
 * they sign in with a second factor); *roles_n (NULL: not asked) = the
 * roles of tenant holding dept_perm itself.  Limits: dept_perm at most
 * AUTH_PERM_MAX bytes (else ERR_INVALID). */
int auth_dept_readers(int64_t *n, int64_t *roles_n, struct store *s, const char *tenant,
		      const char *dept_perm, struct err *e);
/* --- end dept --- */

/* ------------------------------------------------------------------ */
/* Schema                                                             */

extern const struct store_module_schema auth_schema;

/* --- mail: resident e-mail verification and password reset (resident_email.c) ---
 *
 * Single-use tokens sent by e-mail: 32 random bytes as 64 hex digits in
 * the link, only their SHA-256 stored (table auth_email_tokens, schema
 * module "auth_email", after "auth").  A verify token lives 48 hours, a
 * reset token 1 hour; using one marks it used, and using a reset token
 * also retires the resident's other reset tokens.  At most one reset token
 * per resident per AUTH_RESET_INTERVAL (no mail bombing through the reset
 * form).  A resident's address counts as verified once a verify token of
 * theirs was used. */
#define AUTH_EMAIL_TOKEN_HEX 64
#define AUTH_VERIFY_TTL (48 * 3600)
#define AUTH_RESET_TTL 3600
#define AUTH_RESET_INTERVAL 300
#define AUTH_VERIFY_PER_HOUR 5
enum auth_email_purpose { AUTH_EMAIL_VERIFY = 1, AUTH_EMAIL_RESET = 2 };
extern const struct store_module_schema auth_email_schema;
/* auth_email_token_new -- a new token into token (65 bytes); works inside
 * the caller's transaction.  ERR_NOTFOUND: no such resident in tenant;
 * ERR_LIMIT: a reset token was made for this resident less than
 * AUTH_RESET_INTERVAL ago, or AUTH_VERIFY_PER_HOUR verify tokens in the
 * last hour (someone registering a stranger's address cannot flood it). */
int auth_email_token_new(char token[AUTH_EMAIL_TOKEN_HEX + 1], struct store *s,
			 const char *tenant, int64_t resident_id,
			 enum auth_email_purpose p, int64_t now, struct err *e);
/* A token to look up (auth_email_token_check): which, and whether to
 * spend it.  The token is the caller's string, read during the call only
 * (only its hash is looked up). */
struct auth_email_token_in {
	const char *tenant;                /* 6 digits (ERR_INVALID if not)   */
	enum auth_email_purpose purpose;   /* what the token must be for     */
	const char *token;                 /* as in the link: 64 lower-case
					      hex digits (else ERR_NOTFOUND) */
	int use;                           /* 1: mark it used (single use; a
					      reset token also retires the
					      resident's other reset tokens);
					      0: only look                   */
};
/* auth_email_token_check -- the resident a valid (unused, unexpired)
 * token of purpose in->purpose belongs to, into *resident_id;
 * in->use != 0 marks it used.  ERR_NOTFOUND for anything else
 * (unknown, used, expired, other tenant, other purpose, malformed). */
int auth_email_token_check(int64_t *resident_id, struct store *s,
			   const struct auth_email_token_in *in, int64_t now,
			   struct err *e);
/* auth_resident_find -- the id of the active resident with this address
 * (case-folded) in tenant; ERR_NOTFOUND. */
int auth_resident_find(int64_t *id, struct store *s, const char *tenant,
		       const char *email, struct err *e);
/* auth_resident_email_verified -- *verified 1 or 0. */
int auth_resident_email_verified(int *verified, struct store *s,
				 const char *tenant, int64_t resident_id,
				 struct err *e);
/* auth_resident_set_password -- the password policy, a new hash, failed
 * logins cleared, every session of the resident ended. */
int auth_resident_set_password(struct store *s, const struct auth_config *c,
			       const char *tenant, int64_t resident_id,
			       const char *password, int64_t now, struct err *e);
/* --- end mail --- */

#endif
