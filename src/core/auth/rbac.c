/*
 * rbac.c -- roles and permissions as data, per tenant (tables roles,
 * role_permissions, staff_roles), the built-in roles, and the permission
 * check.
 *
 * Invariants:
 *   - A sensitive permission (personal.*, audit.read, staff.manage,
 *     roles.manage) is only ever held by a role with needs_mfa: adding one
 *     to a role without it, or clearing needs_mfa on a role holding one,
 *     is refused.  So "every role that can see personal data needs 2FA"
 *     holds for roles made later by administrators too.
 *   - auth_has_permission() fails closed: only a FULL staff session of an
 *     active account of the session's tenant has permissions, and a
 *     needs_mfa role counts only with mfa_ok.  It reads the database on
 *     every call, so a revoked role is revoked at once.
 *   - Built-in roles cannot be deleted (their permissions can be edited).
 *   - Every change is reported as an auth_event; no-ops report nothing.
 *   - A member of staff gives a role (auth_staff_add_by,
 *     auth_staff_role_grant_by) only when holding every permission of it,
 *     or roles.manage: staff.manage alone cannot mint an administrator.
 *   - Grants and revokes name a staff id of the tenant: another tenant's
 *     id is ERR_NOTFOUND and changes nothing.
 */
#include "core/auth/auth_int.h"

#include <stdio.h>
#include <string.h>

struct builtin_role {
	const char *name;
	const char *description;
	int needs_mfa;
	const char *perms[6];
};

static const struct builtin_role builtins[] = {
	{ "admin", "職員とロールの管理 / manage staff and roles", 1,
	  { AUTH_PERM_STAFF_MANAGE, AUTH_PERM_ROLES_MANAGE, AUTH_PERM_JOBS_READ,
	    AUTH_PERM_MAIL_READ } },
	{ "staff", "個人情報を扱う業務 / back-office work with personal data", 1,
	  { AUTH_PERM_PERSONAL_READ, AUTH_PERM_PERSONAL_WRITE, AUTH_PERM_JOBS_READ,
	    AUTH_PERM_OPENDATA_PUBLISH } },
	{ "viewer", "個人情報なしの閲覧 / read-only, no personal data", 0,
	  { AUTH_PERM_JOBS_READ } },
	{ "auditor", "監査ログの閲覧 / read the audit trail", 1,
	  { AUTH_PERM_AUDIT_READ } },
};

static const char *const builtin_perms[] = {
	AUTH_PERM_STAFF_MANAGE, AUTH_PERM_ROLES_MANAGE, AUTH_PERM_PERSONAL_READ,
	AUTH_PERM_PERSONAL_WRITE, AUTH_PERM_AUDIT_READ, AUTH_PERM_JOBS_READ,
	AUTH_PERM_OPENDATA_PUBLISH, AUTH_PERM_APPLICATIONS_READ,
	AUTH_PERM_APPLICATIONS_WRITE, AUTH_PERM_DEPT_ALL, AUTH_PERM_PROCEDURES_MANAGE,
};

int auth_permissions_builtin(const char *const **out)
{
	*out = builtin_perms;
	return (int)(sizeof builtin_perms / sizeof builtin_perms[0]);
}

int auth_permission_sensitive(const char *perm)
{
	if (!perm)
		return 0;
	return strncmp(perm, "personal.", 9) == 0 ||
	       strncmp(perm, "applications.", 13) == 0 ||
	       strcmp(perm, AUTH_PERM_AUDIT_READ) == 0 ||
	       strcmp(perm, AUTH_PERM_STAFF_MANAGE) == 0 ||
	       strcmp(perm, AUTH_PERM_ROLES_MANAGE) == 0 ||
	       strcmp(perm, AUTH_PERM_MAIL_READ) == 0;
}

/* the role's id and needs_mfa, or ERR_NOTFOUND */
static int role_find(int64_t *id, int *needs_mfa, int *builtin, struct store *s,
		     const char *tenant, const char *name, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_text(name) };
	int rc = store_query(&r, s, "SELECT id, needs_mfa, builtin FROM roles"
			     " WHERE tenant = $1 AND name = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		*id = store_col_int(r, 0);
		if (needs_mfa)
			*needs_mfa = store_col_int(r, 1) != 0;
		if (builtin)
			*builtin = store_col_int(r, 2) != 0;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "role %s not found in tenant %s",
			       name, tenant);
	return 0;
}

/* A row of roles to insert: builtin 1 for the roles auth_tenant_seed
 * makes, 0 for those made with auth_role_create. */
struct role_row {
	const char *name;
	const char *description;           /* NULL: ""                       */
	int needs_mfa;
	int builtin;
};

static int role_insert(int64_t *id, struct store *s, const char *tenant,
		       const struct role_row *r, struct err *e)
{
	const char *name = r->name;
	struct store_val v[] = { sv_text(tenant), sv_text(name),
				 sv_text(r->description ? r->description : ""),
				 sv_int(r->needs_mfa ? 1 : 0), sv_int(r->builtin) };
	int rc = store_query_int(id, s,
		"INSERT INTO roles (tenant, name, description, needs_mfa, builtin)"
		" VALUES ($1, $2, $3, $4, $5) RETURNING id", v, 5, e);
	if (rc == ERR_CONFLICT)
		rc = err_set(e, ERR_CONFLICT, "role %s exists in tenant %s", name,
			     tenant);
	return rc;
}

static int perm_insert(struct store *s, const char *tenant, int64_t role_id,
		       const char *perm, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(role_id), sv_text(perm) };
	return store_exec(s, "INSERT INTO role_permissions (tenant, role_id,"
			  " permission) VALUES ($1, $2, $3)"
			  " ON CONFLICT DO NOTHING", v, 3, e);
}

int auth_tenant_seed(struct store *s, const char *tenant,
		     struct auth_events *ev, struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	int n0 = ev ? ev->n : 0;
	for (size_t i = 0; rc == 0 && i < sizeof builtins / sizeof builtins[0]; i++) {
		const struct builtin_role *b = &builtins[i];
		int64_t id = 0;
		struct store_val v[] = { sv_text(tenant), sv_text(b->name) };
		int64_t have = 0;
		rc = store_query_int(&have, s, "SELECT count(*) FROM roles"
				     " WHERE tenant = $1 AND name = $2", v, 2, e);
		if (rc || have)
			continue;
		rc = role_insert(&id, s, tenant,
				 &(struct role_row){ .name = b->name,
						     .description = b->description,
						     .needs_mfa = b->needs_mfa, .builtin = 1 },
				 e);
		if (rc)
			break;
		auth_ev_add(ev, AUTH_EV_ROLE_CREATED, tenant, 0, b->name, NULL,
			    b->needs_mfa);
		for (int k = 0; k < 6 && b->perms[k]; k++) {
			rc = perm_insert(s, tenant, id, b->perms[k], e);
			if (rc < 0)
				break;
			rc = 0;
			auth_ev_add(ev, AUTH_EV_PERMISSION_ADDED, tenant, 0, b->name,
				    b->perms[k], 0);
		}
	}
	rc = auth_tx_end(own, rc, s, e);
	if (rc && ev)
		ev->n = n0;
	return rc;
}

int auth_role_create(struct store *s, const char *tenant, const char *name,
		     const char *description, int needs_mfa,
		     struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(name, e)))
		return rc;
	if (description && (strlen(description) > AUTH_ROLE_DESC_MAX ||
			    auth_utf8_chars(description, AUTH_ROLE_DESC_MAX) < 0))
		return err_set(e, ERR_INVALID,
			       "role description: over %d bytes or not UTF-8 text",
			       AUTH_ROLE_DESC_MAX);
	int64_t id;
	rc = role_insert(&id, s, tenant,
			 &(struct role_row){ .name = name, .description = description,
					     .needs_mfa = needs_mfa },
			 e);
	if (rc)
		return rc;
	auth_ev_add(ev, AUTH_EV_ROLE_CREATED, tenant, 0, name, NULL,
		    needs_mfa ? 1 : 0);
	return 0;
}

int auth_role_delete(struct store *s, const char *tenant, const char *name,
		     struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(name, e)))
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	int64_t id = 0;
	int builtin = 0;
	rc = role_find(&id, NULL, &builtin, s, tenant, name, e);
	if (rc == 0 && builtin)
		rc = err_set(e, ERR_DENIED, "role %s is built in", name);
	struct store_val v[] = { sv_int(id) };
	if (rc == 0)
		rc = store_exec(s, "DELETE FROM staff_roles WHERE role_id = $1", v, 1, e);
	if (rc >= 0)
		rc = store_exec(s, "DELETE FROM role_permissions WHERE role_id = $1",
				v, 1, e);
	if (rc >= 0)
		rc = store_exec(s, "DELETE FROM roles WHERE id = $1", v, 1, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	auth_ev_add(ev, AUTH_EV_ROLE_DELETED, tenant, 0, name, NULL, 0);
	return 0;
}

int auth_role_set_needs_mfa(struct store *s, const char *tenant,
			    const char *name, int needs_mfa,
			    struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(name, e)))
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	int64_t id = 0;
	int cur = 0;
	rc = role_find(&id, &cur, NULL, s, tenant, name, e);
	if (rc == 0 && !needs_mfa && cur) {
		struct store_rows *r;
		struct store_val v[] = { sv_int(id) };
		int sens = 0;
		rc = store_query(&r, s, "SELECT permission FROM role_permissions"
				 " WHERE role_id = $1", v, 1, e);
		if (rc == 0) {
			int k;
			while ((k = store_rows_next(r, e)) == 1)
				sens |= auth_permission_sensitive(store_col_text(r, 0));
			store_rows_free(r);
			if (k < 0)
				rc = k;
		}
		if (rc == 0 && sens)
			rc = err_set(e, ERR_INVALID, "role %s holds a sensitive"
				     " permission: it must keep needs_mfa", name);
	}
	int changed = 0;
	if (rc == 0 && (cur != 0) != (needs_mfa != 0)) {
		struct store_val u[] = { sv_int(needs_mfa ? 1 : 0), sv_int(id) };
		rc = store_exec(s, "UPDATE roles SET needs_mfa = $1 WHERE id = $2",
				u, 2, e);
		changed = rc > 0;
	}
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	if (rc)
		return rc;
	if (changed)
		auth_ev_add(ev, AUTH_EV_ROLE_MFA_CHANGED, tenant, 0, name, NULL,
			    needs_mfa ? 1 : 0);
	return 0;
}

int auth_role_permission_add(struct store *s, const char *tenant,
			     const char *role, const char *perm,
			     struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(role, e)) ||
	    (rc = auth_valid_perm(perm, e)))
		return rc;
	int64_t id = 0;
	int mfa = 0;
	if ((rc = role_find(&id, &mfa, NULL, s, tenant, role, e)))
		return rc;
	if (!mfa && auth_permission_sensitive(perm))
		return err_set(e, ERR_INVALID, "permission %s needs a role with"
			       " needs_mfa; role %s has none", perm, role);
	rc = perm_insert(s, tenant, id, perm, e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		auth_ev_add(ev, AUTH_EV_PERMISSION_ADDED, tenant, 0, role, perm, 0);
	return 0;
}

int auth_role_permission_remove(struct store *s, const char *tenant,
				const char *role, const char *perm,
				struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(role, e)) ||
	    (rc = auth_valid_perm(perm, e)))
		return rc;
	int64_t id = 0;
	if ((rc = role_find(&id, NULL, NULL, s, tenant, role, e)))
		return rc;
	struct store_val v[] = { sv_int(id), sv_text(perm) };
	rc = store_exec(s, "DELETE FROM role_permissions WHERE role_id = $1"
			" AND permission = $2", v, 2, e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		auth_ev_add(ev, AUTH_EV_PERMISSION_REMOVED, tenant, 0, role, perm, 0);
	return 0;
}

int auth_role_list(struct store *s, const char *tenant,
		   void (*fn)(const struct auth_role *r, void *arg), void *arg,
		   struct err *e)
{
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant) };
	rc = store_query(&r, s, "SELECT r.id, r.name, r.description, r.needs_mfa,"
			 " r.builtin, p.permission FROM roles r"
			 " LEFT JOIN role_permissions p ON p.role_id = r.id"
			 " WHERE r.tenant = $1 ORDER BY r.name, p.permission", v, 1, e);
	if (rc)
		return rc;
	struct auth_role cur;
	int have = 0, count = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		int64_t id = store_col_int(r, 0);
		if (!have || id != cur.id) {
			if (have && fn)
				fn(&cur, arg);
			memset(&cur, 0, sizeof cur);
			have = 1;
			count++;
			cur.id = id;
			snprintf(cur.name, sizeof cur.name, "%s", store_col_text(r, 1));
			snprintf(cur.description, sizeof cur.description, "%s",
				 store_col_text(r, 2));
			cur.needs_mfa = store_col_int(r, 3) != 0;
			cur.builtin = store_col_int(r, 4) != 0;
		}
		if (!store_col_isnull(r, 5)) {
			if (cur.npermissions < 16)
				snprintf(cur.permissions[cur.npermissions],
					 sizeof cur.permissions[0], "%s",
					 store_col_text(r, 5));
			cur.npermissions++;
		}
	}
	if (rc == 0 && have && fn)
		fn(&cur, arg);
	store_rows_free(r);
	return rc < 0 ? rc : count;
}

/* 0 when staff_id is a staff member of tenant, else ERR_NOTFOUND */
static int staff_in_tenant(struct store *s, const char *tenant,
			   int64_t staff_id, struct err *e)
{
	int64_t have = 0;
	struct store_val st[] = { sv_text(tenant), sv_int(staff_id) };
	int rc = store_query_int(&have, s, "SELECT count(*) FROM staff"
				 " WHERE tenant = $1 AND id = $2", st, 2, e);
	if (rc)
		return rc;
	if (!have)
		return err_set(e, ERR_NOTFOUND, "staff %lld not found in tenant %s",
			       (long long)staff_id, tenant);
	return 0;
}

int auth_staff_role_grant(struct store *s, const char *tenant, int64_t staff_id,
			  const char *role, struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(role, e)))
		return rc;
	int64_t id = 0, nroles = 0;
	if ((rc = role_find(&id, NULL, NULL, s, tenant, role, e)))
		return rc;
	if ((rc = staff_in_tenant(s, tenant, staff_id, e)))
		return rc;
	struct store_val cnt[] = { sv_int(staff_id) };
	rc = store_query_int(&nroles, s, "SELECT count(*) FROM staff_roles"
			     " WHERE staff_id = $1", cnt, 1, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id), sv_int(id) };
	if (nroles >= AUTH_ROLES_PER_STAFF) {
		int64_t held = 0;
		rc = store_query_int(&held, s, "SELECT count(*) FROM staff_roles"
				     " WHERE tenant = $1 AND staff_id = $2"
				     " AND role_id = $3", v, 3, e);
		if (rc)
			return rc;
		if (!held)
			return err_set(e, ERR_LIMIT, "staff %lld has %d roles already",
				       (long long)staff_id, AUTH_ROLES_PER_STAFF);
		return 0;
	}
	rc = store_exec(s, "INSERT INTO staff_roles (tenant, staff_id, role_id)"
			" VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", v, 3, e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		auth_ev_add(ev, AUTH_EV_ROLE_GRANTED, tenant, staff_id, role, NULL, 0);
	return 0;
}

int auth_staff_role_revoke(struct store *s, const char *tenant, int64_t staff_id,
			   const char *role, struct auth_events *ev, struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_role(role, e)))
		return rc;
	int64_t id = 0;
	if ((rc = role_find(&id, NULL, NULL, s, tenant, role, e)))
		return rc;
	/* another tenant's id (or none) is not found, as for a grant: the
	 * DELETE below would match nothing and report success */
	if ((rc = staff_in_tenant(s, tenant, staff_id, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id), sv_int(id) };
	rc = store_exec(s, "DELETE FROM staff_roles WHERE tenant = $1"
			" AND staff_id = $2 AND role_id = $3", v, 3, e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		auth_ev_add(ev, AUTH_EV_ROLE_REVOKED, tenant, staff_id, role, NULL, 0);
	return 0;
}

int auth_staff_has_permission(struct store *s, const char *tenant,
			      int64_t staff_id, const char *perm, int mfa_ok,
			      struct err *e)
{
	int rc;
	if ((rc = auth_valid_tenant(tenant, e)) || (rc = auth_valid_perm(perm, e)))
		return rc;
	int64_t n = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id), sv_text(perm),
				 sv_int(mfa_ok ? 1 : 0) };
	rc = store_query_int(&n, s,
		"SELECT count(*) FROM staff st"
		" JOIN staff_roles sr ON sr.staff_id = st.id"
		" JOIN roles r ON r.id = sr.role_id"
		" JOIN role_permissions p ON p.role_id = r.id"
		" WHERE st.tenant = $1 AND st.id = $2 AND st.status = 'active'"
		" AND r.tenant = $1 AND p.permission = $3"
		" AND (r.needs_mfa = 0 OR CAST($4 AS INTEGER) = 1)", v, 4, e);
	if (rc)
		return rc;
	return n > 0;
}

int auth_has_permission(struct store *s, const struct auth_session *ses,
			const char *perm, struct err *e)
{
	if (!ses || ses->id <= 0 || ses->kind != AUTH_KIND_STAFF ||
	    ses->stage != AUTH_STAGE_FULL)
		return 0;
	return auth_staff_has_permission(s, ses->tenant, ses->account_id, perm,
					 ses->mfa_ok, e);
}

int auth_staff_needs_mfa(struct store *s, const char *tenant, int64_t staff_id,
			 struct err *e)
{
	int64_t n = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id) };
	int rc = store_query_int(&n, s,
		"SELECT count(*) FROM staff_roles sr JOIN roles r ON r.id = sr.role_id"
		" WHERE sr.tenant = $1 AND sr.staff_id = $2 AND r.needs_mfa <> 0",
		v, 2, e);
	if (rc)
		return rc;
	return n > 0;
}

/* --- apply (app_apply.c): the departments a staff member sees --- */
int auth_session_permissions(struct store *s, const struct auth_session *ses,
			     const char *prefix,
			     int (*fn)(const char *perm, void *arg), void *arg,
			     struct err *e)
{
	if (!ses || ses->id <= 0 || ses->kind != AUTH_KIND_STAFF ||
	    ses->stage != AUTH_STAGE_FULL)
		return 0;
	if (!prefix || strlen(prefix) > AUTH_PERM_MAX)
		return err_set(e, ERR_INVALID, "permission prefix too long");
	int rc = auth_valid_tenant(ses->tenant, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id),
				 sv_int(ses->mfa_ok ? 1 : 0) };
	struct store_rows *r;
	rc = store_query(&r, s,
		"SELECT DISTINCT p.permission FROM staff st"
		" JOIN staff_roles sr ON sr.staff_id = st.id"
		" JOIN roles r ON r.id = sr.role_id"
		" JOIN role_permissions p ON p.role_id = r.id"
		" WHERE st.tenant = $1 AND st.id = $2 AND st.status = 'active'"
		" AND r.tenant = $1 AND (r.needs_mfa = 0 OR CAST($3 AS INTEGER) = 1)"
		" ORDER BY p.permission LIMIT 1000", v, 3, e);
	if (rc)
		return rc;
	size_t plen = strlen(prefix);
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		const char *perm = store_col_text(r, 0);
		if (strncmp(perm, prefix, plen) != 0)
			continue;
		n++;
		if (fn(perm, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}
/* --- end apply --- */

/* --- who may give a role (auth.h: auth_role_grantable) --- */
int auth_role_grantable(struct store *s, const struct auth_session *by,
			const char *role, struct err *e)
{
	if (!by || by->id <= 0 || by->kind != AUTH_KIND_STAFF ||
	    by->stage != AUTH_STAGE_FULL)
		return 0;
	int rc;
	if ((rc = auth_valid_tenant(by->tenant, e)) || (rc = auth_valid_role(role, e)))
		return rc;
	int64_t id = 0;
	if ((rc = role_find(&id, NULL, NULL, s, by->tenant, role, e)))
		return rc;
	rc = auth_has_permission(s, by, AUTH_PERM_ROLES_MANAGE, e);
	if (rc != 0)
		return rc;      /* 1: roles.manage gives any role; < 0: error */
	/* the role's permissions the caller does not hold itself */
	int64_t missing = 0;
	struct store_val v[] = { sv_int(id), sv_text(by->tenant),
				 sv_int(by->account_id), sv_int(by->mfa_ok ? 1 : 0) };
	rc = store_query_int(&missing, s,
		"SELECT count(*) FROM role_permissions p WHERE p.role_id = $1"
		" AND p.permission NOT IN (SELECT hp.permission FROM staff st"
		"  JOIN staff_roles sr ON sr.staff_id = st.id"
		"  JOIN roles r ON r.id = sr.role_id"
		"  JOIN role_permissions hp ON hp.role_id = r.id"
		"  WHERE st.tenant = $2 AND st.id = $3 AND st.status = 'active'"
		"  AND r.tenant = $2 AND (r.needs_mfa = 0 OR CAST($4 AS INTEGER) = 1))",
		v, 4, e);
	if (rc)
		return rc;
	return missing == 0;
}

/* ERR_DENIED unless `by` may give every one of roles */
static int check_grantable(struct store *s, const struct auth_session *by,
			   const char *const *roles, int nroles, struct err *e)
{
	for (int i = 0; i < nroles; i++) {
		int rc = auth_role_grantable(s, by, roles[i], e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return err_set(e, ERR_DENIED, "session %lld may not give role %s:"
				       " it lacks a permission of that role",
				       (long long)(by ? by->id : 0), roles[i]);
	}
	return 0;
}

int auth_staff_add_by(int64_t *id_out, struct store *s,
		      const struct auth_config *c,
		      const struct auth_staff_add_by_in *in, int64_t now,
		      struct auth_events *ev, struct err *e)
{
	const struct auth_session *by = in->by;
	*id_out = 0;
	if (!by)
		return err_set(e, ERR_DENIED, "no caller session");
	if (in->account.nroles < 0 || in->account.nroles > AUTH_ROLES_PER_STAFF)
		return err_set(e, ERR_LIMIT, "at most %d roles", AUTH_ROLES_PER_STAFF);
	int rc = check_grantable(s, by, in->account.roles, in->account.nroles, e);
	if (rc)
		return rc;
	struct auth_staff_new own = in->account;
	own.tenant = by->tenant;      /* the caller's tenant, whatever in says */
	return auth_staff_add(id_out, s, c, &own, now, ev, e);
}

int auth_staff_role_grant_by(struct store *s, const struct auth_session *by,
			     int64_t staff_id, const char *role,
			     struct auth_events *ev, struct err *e)
{
	if (!by)
		return err_set(e, ERR_DENIED, "no caller session");
	int rc;
	if ((rc = auth_valid_tenant(by->tenant, e)) || (rc = auth_valid_role(role, e)))
		return rc;
	if ((rc = staff_in_tenant(s, by->tenant, staff_id, e)))
		return rc;
	if ((rc = check_grantable(s, by, &role, 1, e)))
		return rc;
	return auth_staff_role_grant(s, by->tenant, staff_id, role, ev, e);
}

/* --- dept (src/svc/dept): who can read a department's applications --- */
int auth_dept_readers(int64_t *n, int64_t *roles_n, struct store *s, const char *tenant,
		      const char *dept_perm, struct err *e)
{
	*n = 0;
	if (roles_n)
		*roles_n = 0;
	if (!dept_perm || strlen(dept_perm) > AUTH_PERM_MAX)
		return err_set(e, ERR_INVALID, "auth: bad department permission");
	struct store_val v[] = { sv_text(tenant), sv_text(AUTH_PERM_APPLICATIONS_READ),
				 sv_text(dept_perm), sv_text(AUTH_PERM_DEPT_ALL) };
	int rc = store_query_int(n, s,
		"SELECT count(*) FROM staff st WHERE st.tenant = $1 AND st.status = 'active'"
		" AND EXISTS (SELECT 1 FROM staff_roles sr JOIN role_permissions rp"
		"  ON rp.role_id = sr.role_id WHERE sr.staff_id = st.id AND rp.permission = $2)"
		" AND EXISTS (SELECT 1 FROM staff_roles sr JOIN role_permissions rp"
		"  ON rp.role_id = sr.role_id WHERE sr.staff_id = st.id"
		"  AND rp.permission IN ($3, $4))", v, 4, e);
	if (rc == 0 && roles_n)
		rc = store_query_int(roles_n, s,
			"SELECT count(*) FROM role_permissions WHERE tenant = $1 AND permission = $2",
			(struct store_val[]){ sv_text(tenant), sv_text(dept_perm) }, 2, e);
	return rc;
}
/* --- end dept --- */
