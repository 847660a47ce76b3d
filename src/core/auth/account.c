/*
 * account.c -- staff and resident accounts: create, read, list, enable /
 * disable, unlock, administrative password reset; a resident closing
 * their own account (auth_resident_close).
 *
 * Invariants: one staff row per person and tenant (UNIQUE (tenant,
 * login)); logins are stored folded to lower case, e-mail addresses too;
 * disabling an account or resetting its password deletes all of its
 * sessions in the same transaction; every change is reported as an event;
 * a closed resident's row stays (other records name its id) with no
 * address, no password hash, no session and no e-mail token.
 */
#include "core/tenant/tenant.h"
#include "core/auth/auth_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int tenant_known(struct store *s, const char *tenant, struct err *e)
{
	int rc = tenant_exists(s, tenant, e);
	if (rc < 0)
		return rc;
	return rc ? 0 : err_set(e, ERR_NOTFOUND, "tenant %s not found", tenant);
}

int auth_staff_add(int64_t *id_out, struct store *s,
		   const struct auth_config *c, const struct auth_staff_new *in,
		   int64_t now, struct auth_events *ev, struct err *e)
{
	const char *tenant = in->tenant, *display_name = in->display_name;
	const char *const *roles = in->roles;
	int nroles = in->nroles;
	char norm[AUTH_LOGIN_MAX + 1];
	int rc;
	*id_out = 0;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_norm_login(norm, in->login, e)) ||
	    (rc = auth_valid_name(display_name, e)))
		return rc;
	if (nroles < 0 || nroles > AUTH_ROLES_PER_STAFF)
		return err_set(e, ERR_LIMIT, "at most %d roles", AUTH_ROLES_PER_STAFF);
	for (int i = 0; i < nroles; i++)
		if ((rc = auth_valid_role(roles[i], e)))
			return rc;
	if ((rc = auth_password_check(NULL, c, in->password, norm, e)))
		return rc;
	char h[AUTH_HASH_MAX];
	if ((rc = auth_password_hash(h, c, in->password, e)))
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	rc = tenant_known(s, tenant, e);
	int64_t id = 0;
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_text(norm),
					 sv_text(display_name), sv_text(h),
					 sv_int(now) };
		rc = store_query_int(&id, s,
			"INSERT INTO staff (tenant, login, display_name, password_hash,"
			" password_changed_at, created_at)"
			" VALUES ($1, $2, $3, $4, $5, $5) RETURNING id", v, 5, e);
		if (rc == ERR_CONFLICT)
			rc = err_set(e, ERR_CONFLICT, "login already taken in tenant %s",
				     tenant);
	}
	int n0 = ev ? ev->n : 0;
	if (rc == 0)
		auth_ev_add(ev, AUTH_EV_STAFF_CREATED, tenant, id, NULL, NULL, 0);
	for (int i = 0; rc == 0 && i < nroles; i++)
		rc = auth_staff_role_grant(s, tenant, id, roles[i], ev, e);
	rc = auth_tx_end(own, rc, s, e);
	if (rc) {
		if (ev)
			ev->n = n0;   /* nothing happened */
		return rc;
	}
	*id_out = id;
	return 0;
}

#define STAFF_SELECT \
	"SELECT st.id, st.tenant, st.login, st.display_name, st.status," \
	" st.failed_count, st.locked_until, st.created_at," \
	" st.password_changed_at," \
	" CASE WHEN st.totp_secret IS NULL THEN 0 ELSE 1 END," \
	" r.name, r.needs_mfa, st.totp_changed_at" \
	" FROM staff st LEFT JOIN staff_roles sr ON sr.staff_id = st.id" \
	" LEFT JOIN roles r ON r.id = sr.role_id"

/* Rows come ordered by staff then role name; one call of fn per staff.
 * fn runs while the result set is open: it must not use the store. */
static int staff_rows(struct store *s, const char *sql,
		      const struct store_val *v, int nv,
		      void (*fn)(const struct auth_staff *st, void *arg),
		      void *arg, struct err *e)
{
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, nv, e);
	if (rc)
		return rc;
	struct auth_staff cur;
	int have = 0, count = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		int64_t id = store_col_int(r, 0);
		if (!have || cur.id != id) {
			if (have && fn)
				fn(&cur, arg);
			if (++count > 100000) {
				rc = err_set(e, ERR_LIMIT, "more than 100000 staff");
				break;
			}
			memset(&cur, 0, sizeof cur);
			have = 1;
			cur.id = id;
			snprintf(cur.tenant, sizeof cur.tenant, "%s", store_col_text(r, 1));
			snprintf(cur.login, sizeof cur.login, "%s", store_col_text(r, 2));
			snprintf(cur.display_name, sizeof cur.display_name, "%s",
				 store_col_text(r, 3));
			cur.active = strcmp(store_col_text(r, 4), "active") == 0;
			cur.failed_count = (int)store_col_int(r, 5);
			cur.locked_until = store_col_int(r, 6);
			cur.created_at = store_col_int(r, 7);
			cur.password_changed_at = store_col_int(r, 8);
			cur.totp_enrolled = store_col_int(r, 9) != 0;
			cur.totp_changed_at = store_col_int(r, 12);
		}
		if (!store_col_isnull(r, 10)) {
			size_t len = strlen(cur.roles);
			snprintf(cur.roles + len, sizeof cur.roles - len, "%s%s",
				 len ? "," : "", store_col_text(r, 10));
			if (store_col_int(r, 11))
				cur.needs_mfa = 1;
		}
	}
	if (rc == 0 && have && fn)
		fn(&cur, arg);
	store_rows_free(r);
	return rc < 0 ? rc : count;
}

struct one { struct auth_staff *out; int found; };

static void take_one(const struct auth_staff *st, void *arg)
{
	struct one *o = arg;
	*o->out = *st;
	o->found = 1;
}

int auth_staff_get(struct auth_staff *out, struct store *s, const char *tenant,
		   int64_t staff_id, struct err *e)
{
	memset(out, 0, sizeof *out);
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	struct one o = { out, 0 };
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id) };
	rc = staff_rows(s, STAFF_SELECT " WHERE st.tenant = $1 AND st.id = $2"
			" ORDER BY st.id, r.name", v, 2, take_one, &o, e);
	if (rc < 0)
		return rc;
	if (!o.found)
		return err_set(e, ERR_NOTFOUND, "staff %lld not found",
			       (long long)staff_id);
	return 0;
}

int auth_staff_get_by_login(struct auth_staff *out, struct store *s,
			    const char *tenant, const char *login,
			    struct err *e)
{
	memset(out, 0, sizeof *out);
	char norm[AUTH_LOGIN_MAX + 1];
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_norm_login(norm, login, e)))
		return rc;
	struct one o = { out, 0 };
	struct store_val v[] = { sv_text(tenant), sv_text(norm) };
	rc = staff_rows(s, STAFF_SELECT " WHERE st.tenant = $1 AND st.login = $2"
			" ORDER BY st.id, r.name", v, 2, take_one, &o, e);
	if (rc < 0)
		return rc;
	if (!o.found)
		return err_set(e, ERR_NOTFOUND, "no such staff login in tenant %s",
			       tenant);
	return 0;
}

int auth_staff_list(struct store *s, const char *tenant,
		    void (*fn)(const struct auth_staff *st, void *arg),
		    void *arg, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant) };
	return staff_rows(s, STAFF_SELECT " WHERE st.tenant = $1"
			  " ORDER BY st.login, st.id, r.name", v, 1, fn, arg, e);
}

int auth_staff_set_active(struct store *s, const char *tenant,
			  int64_t staff_id, int active, int64_t now,
			  struct auth_events *ev, struct err *e)
{
	(void)now;
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val v[] = { sv_text(active ? "active" : "disabled"),
				 sv_text(tenant), sv_int(staff_id) };
	rc = store_exec(s, active
			? "UPDATE staff SET status = $1, failed_count = 0,"
			  " locked_until = 0 WHERE tenant = $2 AND id = $3"
			: "UPDATE staff SET status = $1 WHERE tenant = $2 AND id = $3",
			v, 3, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "staff %lld not found",
			     (long long)staff_id);
	int killed = 0;
	if (rc > 0 && !active)
		rc = killed = auth_sessions_kill_account(s, tenant, AUTH_KIND_STAFF,
							 staff_id, 0, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	auth_ev_add(ev, active ? AUTH_EV_STAFF_ENABLED : AUTH_EV_STAFF_DISABLED,
		    tenant, staff_id, NULL, NULL, 0);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, tenant, staff_id, NULL,
			    NULL, killed);
	return 0;
}

int auth_staff_unlock(struct store *s, const char *tenant, int64_t staff_id,
		      struct auth_events *ev, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id) };
	rc = store_exec(s, "UPDATE staff SET failed_count = 0, locked_until = 0"
			" WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "staff %lld not found",
			       (long long)staff_id);
	auth_ev_add(ev, AUTH_EV_ACCOUNT_UNLOCKED, tenant, staff_id, NULL, NULL, 0);
	return 0;
}

int auth_staff_set_password(struct store *s, const struct auth_config *c,
			    const struct auth_staff_password_in *in, int64_t now,
			    struct auth_events *ev, struct err *e)
{
	const char *tenant = in->tenant, *password = in->password;
	int64_t staff_id = in->staff_id;
	struct auth_staff st;
	int rc = auth_staff_get(&st, s, tenant, staff_id, e);
	if (rc)
		return rc;
	if ((rc = auth_password_check(NULL, c, password, st.login, e)))
		return rc;
	char h[AUTH_HASH_MAX];
	if ((rc = auth_password_hash(h, c, password, e)))
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val v[] = { sv_text(h), sv_int(now), sv_text(tenant),
				 sv_int(staff_id) };
	rc = store_exec(s, "UPDATE staff SET password_hash = $1,"
			" password_changed_at = $2, failed_count = 0,"
			" locked_until = 0 WHERE tenant = $3 AND id = $4", v, 4, e);
	int killed = 0;
	if (rc >= 0)
		rc = killed = auth_sessions_kill_account(s, tenant, AUTH_KIND_STAFF,
							 staff_id, 0, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	auth_ev_add(ev, AUTH_EV_PASSWORD_CHANGED, tenant, staff_id, NULL, NULL, 0);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, tenant, staff_id, NULL,
			    NULL, killed);
	return 0;
}

int auth_resident_add(int64_t *id_out, struct store *s,
		      const struct auth_config *c,
		      const struct auth_resident_new *in, int64_t now,
		      struct auth_events *ev, struct err *e)
{
	const char *tenant = in->tenant, *email = in->email, *password = in->password;
	char norm[AUTH_EMAIL_MAX + 1];
	int rc;
	*id_out = 0;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_norm_email(norm, email, e)))
		return rc;
	if ((rc = auth_password_check(NULL, c, password, norm, e)))
		goto out;
	char h[AUTH_HASH_MAX];
	if ((rc = auth_password_hash(h, c, password, e)))
		goto out;
	if ((rc = tenant_known(s, tenant, e)))
		goto out;
	struct store_val v[] = { sv_text(tenant), sv_text(norm), sv_text(h),
				 sv_int(now) };
	rc = store_query_int(id_out, s,
		"INSERT INTO residents (tenant, email, password_hash,"
		" password_changed_at, created_at) VALUES ($1, $2, $3, $4, $4)"
		" RETURNING id", v, 4, e);
	if (rc == ERR_CONFLICT)
		rc = err_set(e, ERR_CONFLICT, "e-mail already registered in tenant %s",
			     tenant);
	if (rc == 0)
		auth_ev_add(ev, AUTH_EV_RESIDENT_CREATED, tenant, *id_out, NULL,
			    NULL, 0);
out:
	sodium_memzero(norm, sizeof norm);
	return rc;
}

int auth_resident_get(char *email, int *active, struct store *s,
		      const char *tenant, int64_t resident_id, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_int(resident_id) };
	rc = store_query(&r, s, "SELECT email, status FROM residents"
			 " WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		snprintf(email, AUTH_EMAIL_MAX + 1, "%s", store_col_text(r, 0));
		*active = strcmp(store_col_text(r, 1), "active") == 0;
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "resident %lld not found", (long long)resident_id);
	}
	store_rows_free(r);
	return rc;
}

int auth_resident_set_active(struct store *s, const char *tenant,
			     int64_t resident_id, int active,
			     struct auth_events *ev, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val v[] = { sv_text(active ? "active" : "disabled"),
				 sv_text(tenant), sv_int(resident_id) };
	rc = store_exec(s, "UPDATE residents SET status = $1, failed_count = 0,"
			" locked_until = 0 WHERE tenant = $2 AND id = $3", v, 3, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "resident %lld not found",
			     (long long)resident_id);
	int killed = 0;
	if (rc > 0 && !active)
		rc = killed = auth_sessions_kill_account(s, tenant,
							 AUTH_KIND_RESIDENT,
							 resident_id, 0, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, tenant, resident_id, NULL,
			    NULL, killed);
	return 0;
}

int auth_resident_close(struct store *s, const char *tenant, int64_t resident_id,
			int64_t now, struct auth_events *ev, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	/* "closed:<id>" has no '@': no address typed anywhere folds to it */
	char closed[32];
	snprintf(closed, sizeof closed, "closed:%lld", (long long)resident_id);
	struct store_val v[] = { sv_text(closed), sv_int(now), sv_text(tenant),
				 sv_int(resident_id) };
	rc = store_exec(s, "UPDATE residents SET status = 'disabled', email = $1,"
			" password_hash = '', password_changed_at = $2, failed_count = 0,"
			" locked_until = 0 WHERE tenant = $3 AND id = $4 AND status = 'active'",
			v, 4, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "active resident %lld not found",
			     (long long)resident_id);
	if (rc > 0) {
		/* verify and reset links: the address is no longer theirs */
		struct store_val t[] = { sv_text(tenant), sv_int(resident_id) };
		rc = store_exec(s, "DELETE FROM auth_email_tokens WHERE tenant = $1"
				" AND resident_id = $2", t, 2, e);
	}
	int killed = 0;
	if (rc >= 0)
		rc = killed = auth_sessions_kill_account(s, tenant, AUTH_KIND_RESIDENT,
							 resident_id, 0, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	auth_ev_add(ev, AUTH_EV_RESIDENT_CLOSED, tenant, resident_id, NULL, NULL, 0);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, tenant, resident_id, NULL,
			    NULL, killed);
	return 0;
}
