/*
 * auth_schema.c -- the "auth" schema: staff and resident accounts, roles
 * and permissions, recovery codes, sessions, login failures.
 *
 * Invariants: every row carries `tenant` (REFERENCES tenants(code)); time
 * columns are Unix seconds (BIGINT); booleans are INTEGER 0/1; nothing
 * secret is stored in the clear: password_hash is Argon2id, totp_secret
 * and totp_pending are sealed (crypto_secretbox), recovery code and
 * session token columns hold SHA-256 hex, source addresses are hashed
 * (login_failures also holds resident registrations, hashed with another
 * key, for their per-address throttle).
 * Requires the "core" schema (tenant_schema) to be migrated first.
 */
#include "core/auth/auth.h"

static const struct store_migration auth_migrations[] = {
	{ 1, "accounts, roles, sessions",
	  "CREATE TABLE staff ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " login TEXT NOT NULL,"                 /* lower case, [a-z0-9._-] */
	  " display_name TEXT NOT NULL,"
	  " status TEXT NOT NULL DEFAULT 'active'"
	  "  CHECK (status IN ('active', 'disabled')),"
	  " password_hash TEXT NOT NULL,"
	  " password_changed_at BIGINT NOT NULL,"
	  " failed_count INTEGER NOT NULL DEFAULT 0,"
	  " locked_until BIGINT NOT NULL DEFAULT 0,"
	  " totp_secret {{BLOB}},"                /* sealed; NULL: not enrolled */
	  " totp_last_step BIGINT NOT NULL DEFAULT 0," /* single use per step */
	  " totp_pending {{BLOB}},"               /* sealed, until confirmed */
	  " totp_pending_at BIGINT NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, login));"
	  "CREATE TABLE residents ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " email TEXT NOT NULL,"                 /* case-folded */
	  " status TEXT NOT NULL DEFAULT 'active'"
	  "  CHECK (status IN ('active', 'disabled')),"
	  " password_hash TEXT NOT NULL,"
	  " password_changed_at BIGINT NOT NULL,"
	  " failed_count INTEGER NOT NULL DEFAULT 0,"
	  " locked_until BIGINT NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, email));"
	  "CREATE TABLE roles ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " name TEXT NOT NULL,"
	  " description TEXT NOT NULL DEFAULT '',"
	  " needs_mfa INTEGER NOT NULL DEFAULT 1,"
	  " builtin INTEGER NOT NULL DEFAULT 0,"
	  " UNIQUE (tenant, name));"
	  "CREATE TABLE role_permissions ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
	  " permission TEXT NOT NULL,"
	  " PRIMARY KEY (role_id, permission));"
	  "CREATE TABLE staff_roles ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " staff_id BIGINT NOT NULL REFERENCES staff(id),"
	  " role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
	  " PRIMARY KEY (staff_id, role_id));"
	  "CREATE INDEX staff_roles_role ON staff_roles (role_id);"
	  "CREATE TABLE recovery_codes ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " staff_id BIGINT NOT NULL REFERENCES staff(id),"
	  " code_hash TEXT NOT NULL,"             /* SHA-256 hex of the code */
	  " used_at BIGINT NOT NULL DEFAULT 0,"
	  " UNIQUE (staff_id, code_hash));"
	  "CREATE TABLE sessions ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " token_hash TEXT NOT NULL UNIQUE,"     /* SHA-256 hex of the token */
	  " kind TEXT NOT NULL CHECK (kind IN ('staff', 'resident')),"
	  " account_id BIGINT NOT NULL,"
	  " stage INTEGER NOT NULL,"              /* enum auth_stage */
	  " mfa_ok INTEGER NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " last_seen BIGINT NOT NULL,"
	  " idle_timeout BIGINT NOT NULL,"
	  " absolute_timeout BIGINT NOT NULL,"
	  " csrf_secret {{BLOB}} NOT NULL);"
	  "CREATE INDEX sessions_account ON sessions (tenant, kind, account_id);"
	  "CREATE TABLE login_failures ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " source_hash TEXT NOT NULL,"           /* BLAKE2b hex of the address */
	  " at BIGINT NOT NULL);"
	  "CREATE INDEX login_failures_source ON login_failures (source_hash, at);" },
	{ 2, "when the second factor was last replaced",
	  /* shown on the account page: staff have no e-mail address to be
	   * told by */
	  "ALTER TABLE staff ADD COLUMN totp_changed_at BIGINT NOT NULL DEFAULT 0;" },
	{ 3, "administrative reset: forced password change and re-enrolment",
	  /* email: where a notice to the member goes (optional); the two
	   * flags are set by an administrator's reset (auth_staff_reset_by)
	   * and cleared by the member's new password / new second factor */
	  "ALTER TABLE staff ADD COLUMN email TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE staff ADD COLUMN must_enrol INTEGER NOT NULL DEFAULT 0;" },
};

const struct store_module_schema auth_schema = {
	"auth", auth_migrations,
	(int)(sizeof auth_migrations / sizeof auth_migrations[0])
};
