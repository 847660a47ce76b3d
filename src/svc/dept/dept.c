/*
 * dept.c -- departments as data (table departments, schema "dept"): the
 * rows, their checks, and who can read a department's applications.
 *
 * Invariants: every query is bounded by the tenant; a code is
 * [a-z0-9-]{1,48}; name_ja is never empty; a parent is another department
 * of the same tenant.  Who owns a department's inbox is the permission
 * dept.<code> on roles (src/core/auth), never a copy here.
 */
#include "svc/dept/dept.h"

#include <stdio.h>
#include <string.h>

#include "core/auth/auth.h"
#include "core/tenant/tenant.h"
#include "store/store.h"

static const struct store_migration dept_migrations[] = {
	{ 1, "departments",
	  "CREATE TABLE departments ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " name_ja TEXT NOT NULL,"
	  " name_en TEXT NOT NULL DEFAULT '',"
	  " phone TEXT NOT NULL DEFAULT '',"
	  " email TEXT NOT NULL DEFAULT '',"
	  " place TEXT NOT NULL DEFAULT '',"
	  " parent TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " PRIMARY KEY (tenant, code))" },
};

const struct store_module_schema dept_schema = {
	"dept", dept_migrations,
	(int)(sizeof dept_migrations / sizeof dept_migrations[0])
};

int dept_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > DEPT_CODE_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return ERR_INVALID;
	}
	return 0;
}

int dept_perm(char *out, size_t cap, const char *code)
{
	if (dept_code_ok(code))
		return ERR_INVALID;
	int n = snprintf(out, cap, "%s%s", AUTH_PERM_DEPT_PREFIX, code);
	if (n < 0 || (size_t)n >= cap)
		return ERR_INVALID;
	for (char *c = out; *c; c++)
		if (*c == '-')
			*c = '_';
	return 0;
}

/* text without control characters, at most max bytes */
static int text_ok(const char *t, size_t max)
{
	size_t n = strlen(t);
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return 0;
	return 1;
}

int dept_check(const struct dept *d, struct err *e)
{
	if (dept_code_ok(d->code))
		return err_set(e, ERR_INVALID, "code");
	if (!d->name_ja[0] || !text_ok(d->name_ja, DEPT_NAME_MAX))
		return err_set(e, ERR_INVALID, "name_ja");
	if (!text_ok(d->name_en, DEPT_NAME_MAX))
		return err_set(e, ERR_INVALID, "name_en");
	if (!text_ok(d->place, DEPT_PLACE_MAX))
		return err_set(e, ERR_INVALID, "place");
	for (const char *p = d->phone; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == ' ' || *p == '(' ||
		      *p == ')'))
			return err_set(e, ERR_INVALID, "phone");
	if (d->email[0]) {
		const char *at = strchr(d->email, '@');
		if (!text_ok(d->email, DEPT_EMAIL_MAX) || !at || at == d->email || !strchr(at, '.') ||
		    strchr(d->email, ' ') || strchr(at + 1, '@'))
			return err_set(e, ERR_INVALID, "email");
	}
	if (d->parent[0] && (dept_code_ok(d->parent) || strcmp(d->parent, d->code) == 0))
		return err_set(e, ERR_INVALID, "parent");
	return 0;
}

int dept_put(int *created, struct store *s, const char *tenant, const struct dept *d,
	     int64_t now, struct err *e)
{
	*created = 0;
	int rc = dept_check(d, e);
	if (rc)
		return rc;
	int64_t have = 0;
	if (d->parent[0]) {
		if ((rc = store_query_int(&have, s, "SELECT count(*) FROM departments"
					  " WHERE tenant = $1 AND code = $2",
					  (struct store_val[]){ sv_text(tenant), sv_text(d->parent) }, 2, e)))
			return rc;
		if (!have)
			return err_set(e, ERR_INVALID, "parent");
	}
	struct store_val v[] = { sv_text(tenant), sv_text(d->code), sv_text(d->name_ja),
				 sv_text(d->name_en), sv_text(d->phone), sv_text(d->email),
				 sv_text(d->place), sv_text(d->parent), sv_int(now) };
	rc = store_exec(s, "UPDATE departments SET name_ja = $3, name_en = $4, phone = $5,"
			" email = $6, place = $7, parent = $8, updated_at = $9"
			" WHERE tenant = $1 AND code = $2", v, 9, e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return 0;
	rc = store_exec(s, "INSERT INTO departments (tenant, code, name_ja, name_en, phone, email,"
			" place, parent, created_at, updated_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)", v, 9, e);
	if (rc < 0)
		return rc == ERR_CONFLICT ? err_set(e, ERR_CONFLICT, "department exists") : rc;
	*created = 1;
	return 0;
}

static void row(struct dept *d, struct store_rows *r)
{
	memset(d, 0, sizeof *d);
	snprintf(d->code, sizeof d->code, "%s", store_col_text(r, 0));
	snprintf(d->name_ja, sizeof d->name_ja, "%s", store_col_text(r, 1));
	snprintf(d->name_en, sizeof d->name_en, "%s", store_col_text(r, 2));
	snprintf(d->phone, sizeof d->phone, "%s", store_col_text(r, 3));
	snprintf(d->email, sizeof d->email, "%s", store_col_text(r, 4));
	snprintf(d->place, sizeof d->place, "%s", store_col_text(r, 5));
	snprintf(d->parent, sizeof d->parent, "%s", store_col_text(r, 6));
}

#define COLS "code, name_ja, name_en, phone, email, place, parent"

int dept_get(struct dept *out, struct store *s, const char *tenant, const char *code,
	     struct err *e)
{
	if (dept_code_ok(code))
		return err_set(e, ERR_NOTFOUND, "no such department");
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS " FROM departments WHERE tenant = $1 AND code = $2",
			     (struct store_val[]){ sv_text(tenant), sv_text(code) }, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		row(out, r);
	store_rows_free(r);
	if (rc < 0)
		return rc;
	return rc == 1 ? 0 : err_set(e, ERR_NOTFOUND, "no such department");
}

int dept_list(struct store *s, const char *tenant,
	      void (*fn)(const struct dept *d, void *arg), void *arg, struct err *e)
{
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS " FROM departments WHERE tenant = $1"
			     " ORDER BY code LIMIT 500", (struct store_val[]){ sv_text(tenant) }, 1, e);
	if (rc)
		return rc;
	int n = 0;
	struct dept d;
	while ((rc = store_rows_next(r, e)) == 1) {
		row(&d, r);
		fn(&d, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int dept_readers(int64_t *staff, int64_t *roles, struct store *s, const char *tenant,
		 const char *code, struct err *e)
{
	char perm[DEPT_CODE_MAX + 8];
	if (dept_perm(perm, sizeof perm, code))
		return err_set(e, ERR_INVALID, "bad department code");
	return auth_dept_readers(staff, roles, s, tenant, perm, e);
}

int dept_check_routed(struct store *s, const char *tenant, const char *code, struct err *e)
{
	int64_t n = 0;
	int rc = tenant_exists(s, tenant, e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "no municipality %.16s", tenant);
	rc = dept_readers(&n, NULL, s, tenant, code, e);
	if (rc == ERR_INVALID)
		return err_set(e, ERR_DENIED, "department %.48s: not a valid code", code ? code : "");
	if (rc)
		return rc;
	if (n == 0)
		return err_set(e, ERR_DENIED, "department %.48s: no staff can read its applications",
			       code);
	return 0;
}

struct owners {
	const char *perm;
	char (*names)[DEPT_ROLE_NAME];
	int max, n;
};

static void owner_cb(const struct auth_role *r, void *arg)
{
	struct owners *o = arg;
	for (int i = 0; i < r->npermissions && i < 16; i++)
		if (strcmp(r->permissions[i], o->perm) == 0 && o->n < o->max) {
			snprintf(o->names[o->n++], DEPT_ROLE_NAME, "%s", r->name);
			return;
		}
}

int dept_owner_roles(char (*names)[DEPT_ROLE_NAME], int max, struct store *s,
		     const char *tenant, const char *code, struct err *e)
{
	char perm[DEPT_CODE_MAX + 8];
	if (dept_perm(perm, sizeof perm, code))
		return err_set(e, ERR_INVALID, "bad department code");
	struct owners o = { .perm = perm, .names = names, .max = max };
	int rc = auth_role_list(s, tenant, owner_cb, &o, e);
	return rc < 0 ? rc : o.n;
}

int dept_owner_set(int *changed, struct store *s, const char *tenant, const char *code,
		   const char *role, int on, struct err *e)
{
	*changed = 0;
	char perm[DEPT_CODE_MAX + 8];
	if (dept_perm(perm, sizeof perm, code))
		return err_set(e, ERR_INVALID, "bad department code");
	struct auth_events ev = { 0 };
	int rc = on ? auth_role_permission_add(s, tenant, role, perm, &ev, e)
		    : auth_role_permission_remove(s, tenant, role, perm, &ev, e);
	if (rc == 0)
		*changed = ev.n > 0;
	return rc;
}
