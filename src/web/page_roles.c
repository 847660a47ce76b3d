/*
 * page_roles.c -- roles and permissions administered in the back office
 * (RBAC as data, per municipality): list roles with their permissions,
 * create a role, add or remove a permission (chosen from the known
 * permissions with their descriptions, known_permissions; anything else
 * is refused), grant or revoke a role to a staff member.  Every change is checked by src/core/auth (a sensitive
 * permission needs a role that requires two-factor login; a grant needs
 * a caller that may give the role, auth_staff_role_grant_by; a staff id
 * of another municipality is not found) and written to the audit trail
 * in the same transaction, its object in auth_event_object's format
 * ("12:admin", "admin:jobs.read").  A refused grant is a 403 and an
 * audit record.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* ---- the permissions a role may be given: chosen from a list, never
 * typed.  The list is the known set: the permissions src/core/auth names
 * (auth_permissions_builtin), those the routes of the shell and of every
 * service require, those the services name beyond their routes (svc.h:
 * permissions, e.g. one per department, with a description), and every
 * department permission a role already holds.  Each is shown with its
 * description: the service's, else the catalog row "roles.perm.<name>"
 * (a department's from "roles.perm.dept"). ---- */

#define PERM_CHOICES_MAX 256

struct perm_choices {
	const char *v[PERM_CHOICES_MAX];
	const char *desc[PERM_CHOICES_MAX];   /* NULL: from the catalog  */
	int n;
	struct arena *a;
};

static void choice_add_desc(struct perm_choices *c, const char *p, size_t len, const char *desc)
{
	if (len == 0 || len > AUTH_PERM_MAX || c->n == PERM_CHOICES_MAX)
		return;
	for (int i = 0; i < c->n; i++)
		if (strlen(c->v[i]) == len && memcmp(c->v[i], p, len) == 0) {
			if (!c->desc[i] && desc)
				c->desc[i] = arena_strdup(c->a, desc);
			return;
		}
	char *d = arena_alloc(c->a, len + 1);
	if (!d)
		return;
	memcpy(d, p, len);
	d[len] = '\0';
	c->desc[c->n] = desc ? arena_strdup(c->a, desc) : NULL;
	c->v[c->n++] = d;
}

static void choice_add(struct perm_choices *c, const char *p, size_t len)
{
	choice_add_desc(c, p, len, NULL);
}

/* the svc.h permissions hook's add() */
static void service_permission(void *arg, const char *name, const char *desc)
{
	if (name)
		choice_add_desc(arg, name, strlen(name), desc);
}

static void dept_of_role(const struct auth_role *ro, void *arg)
{
	struct perm_choices *c = arg;
	size_t plen = strlen(AUTH_PERM_DEPT_PREFIX);
	for (int i = 0; i < ro->npermissions && i < 16; i++)
		if (strncmp(ro->permissions[i], AUTH_PERM_DEPT_PREFIX, plen) == 0)
			choice_add(c, ro->permissions[i], strlen(ro->permissions[i]));
}

/* a route's permission, when it names one a role can hold ("api:a|b"
 * names a and b; "resident", "enrol", "pending", "session" are stages,
 * not permissions) */
static void route_permissions(struct perm_choices *c, const char *perm)
{
	if (!perm)
		return;
	if (strncmp(perm, "api:", 4) == 0)
		perm += 4;
	while (*perm) {
		size_t n = strcspn(perm, "|");
		if (!((n == 8 && memcmp(perm, "resident", 8) == 0) ||
		      (n == 5 && memcmp(perm, "enrol", 5) == 0) ||
		      (n == 7 && memcmp(perm, "pending", 7) == 0) ||
		      (n == strlen(HTTP_PERM_SESSION) && memcmp(perm, HTTP_PERM_SESSION, n) == 0)))
			choice_add(c, perm, n);
		perm += n;
		if (*perm == '|')
			perm++;
	}
}

/* the known permissions, into c (from r's arena), described in l */
static int known_permissions(struct http_req *r, enum html_lang l, struct perm_choices *c)
{
	c->n = 0;
	c->a = r->arena;
	const char *const *core;
	int n = auth_permissions_builtin(&core);
	for (int i = 0; i < n; i++)
		choice_add(c, core[i], strlen(core[i]));
	const struct http_route *rt;
	struct err e;
	n = app_routes(&rt, &e);
	for (int i = 0; i < n; i++)
		route_permissions(c, rt[i].permission);
	choice_add(c, AUTH_PERM_DEPT_ALL, strlen(AUTH_PERM_DEPT_ALL));
	for (int i = 0; i < svc_count; i++)
		if (svc_all[i]->permissions)
			svc_all[i]->permissions(r, l, service_permission, c);
	int rc = auth_role_list(app_store(r), app_req(r)->tenant.code, dept_of_role, c, &e);
	return rc < 0 ? rc : 0;
}

static int permission_known(const struct perm_choices *c, const char *perm)
{
	for (int i = 0; perm && i < c->n; i++)
		if (strcmp(c->v[i], perm) == 0)
			return 1;
	return 0;
}

/* "description (name)" in l; desc: the service's description or NULL */
static const char *permission_label(struct http_req *r, enum html_lang l, const char *perm,
				    const char *desc)
{
	size_t plen = strlen(AUTH_PERM_DEPT_PREFIX);
	if (!desc) {
		const char *id = arena_printf(r->arena, "roles.perm.%s", perm);
		if (id && html_msg_find(id))
			desc = html_t(l, id);
		else if (strncmp(perm, AUTH_PERM_DEPT_PREFIX, plen) == 0)
			desc = arena_printf(r->arena, html_t(l, "roles.perm.dept"), perm + plen);
	}
	if (!desc)
		return perm;
	const char *label = arena_printf(r->arena, "%s (%s)", desc, perm);
	return label ? label : perm;
}

struct roles_page {
	struct buf *b;
	enum html_lang l;
	const char *csrf;
	struct arena *a;
	struct ui_option *opts;         /* the roles, for the permission form */
	int nopts, cap;
};

/* keep a role's name for the permission form's list (from the arena) */
static void keep_option(struct roles_page *p, const char *name)
{
	if (p->nopts == p->cap) {
		int cap = p->cap ? 2 * p->cap : 32;
		struct ui_option *o = arena_alloc(p->a, sizeof *o * (size_t)cap);
		if (!o)
			return;
		if (p->nopts)
			memcpy(o, p->opts, sizeof *o * (size_t)p->nopts);
		p->opts = o;
		p->cap = cap;
	}
	const char *v = arena_strdup(p->a, name);
	if (v)
		p->opts[p->nopts++] = (struct ui_option){ v, v };
}

static void role_row(const struct auth_role *ro, void *arg)
{
	struct roles_page *p = arg;
	html_printf(p->b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td><ul class=\"plain\">",
		    ro->name, ro->description, html_t(p->l, ro->needs_mfa ? "yes" : "no"));
	for (int i = 0; i < ro->npermissions && i < 16; i++) {
		html_printf(p->b, "<li><code>%s</code> <form method=\"post\" class=\"inline\" "
			    "action=\"/staff/roles/%s/permissions/remove\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"permission\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-link\" aria-label=\"%s: %s %s\">%s</button>"
			    "</form></li>",
			    ro->permissions[i], ro->name, p->csrf, ro->permissions[i],
			    ro->name, ro->permissions[i], html_t(p->l, "roles.remove"),
			    html_t(p->l, "roles.remove"));
	}
	buf_puts(p->b, "</ul></td></tr>\n");
	keep_option(p, ro->name);
}

static int render_roles(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "staff.roles"), "perm-name", error);
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>\n", html_t(l, "staff.roles"), html_t(l, "roles.name"),
		    html_t(l, "roles.description"), html_t(l, "roles.mfa"),
		    html_t(l, "roles.permissions"));
	struct roles_page p = { .b = &b, .l = l, .csrf = q->csrf, .a = r->arena };
	struct err e;
	int rc = auth_role_list(app_store(r), q->tenant.code, role_row, &p, &e);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table>\n");
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/roles/permissions\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "roles.add_permission"), q->csrf);
	struct ui_field f = { .name = "role", .id = "perm-role", .label = html_t(l, "roles.name"),
			      .lang = l };
	ui_select(&b, &f, p.opts, p.nopts, NULL);
	/* chosen from the known permissions, each with its description; the
	 * error summary says what is wrong and links here */
	struct perm_choices *pc = arena_alloc(r->arena, sizeof *pc);
	if (!pc || known_permissions(r, l, pc)) {
		buf_done(&b);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "permission list");
	}
	struct ui_option *popts = arena_alloc(r->arena, sizeof *popts * (size_t)(pc->n ? pc->n : 1));
	if (!popts) {
		buf_done(&b);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "permission list");
	}
	for (int i = 0; i < pc->n; i++)
		popts[i] = (struct ui_option){ pc->v[i], permission_label(r, l, pc->v[i], pc->desc[i]) };
	f = (struct ui_field){
		.name = "permission", .id = "perm-name", .label = html_t(l, "roles.permission_pick"),
		.hint = html_t(l, "roles.permission_pick_hint"), .required = 1,
		.invalid = error != NULL, .lang = l,
	};
	ui_select(&b, &f, popts, pc->n, html_t(l, "roles.permission_choose"));
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "roles.add_permission"));
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/roles\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "roles.create"), q->csrf);
	f = (struct ui_field){
		.name = "name", .id = "role-name", .label = html_t(l, "roles.name"),
		.maxlength = AUTH_ROLE_MAX, .pattern = "[a-z0-9_\\-]+", .autocomplete = "off",
		.html_required = 1, .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){
		.name = "description", .id = "role-desc", .label = html_t(l, "roles.description"),
		.maxlength = AUTH_ROLE_DESC_MAX, .autocomplete = "off", .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){ .name = "needs_mfa", .id = "role-mfa", .label = html_t(l, "roles.mfa"),
			       .lang = l };
	ui_checkbox(&b, &f, 1);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "roles.create"));
	return app_page_send(r, status, &b, &pg);
}

int page_roles(struct http_req *r)
{
	return render_roles(r, 200, NULL);
}

enum role_op { OP_CREATE, OP_PERM_ADD, OP_PERM_REMOVE, OP_GRANT, OP_REVOKE };

/* One change for role_change to make: op, and what it names. */
struct role_edit {
	enum role_op op;
	const char *role;          /* the role's name                        */
	const char *perm;          /* OP_PERM_ADD, OP_PERM_REMOVE: the permission */
	int64_t staff_id;          /* OP_GRANT, OP_REVOKE: the staff member  */
	int needs_mfa;             /* OP_CREATE: its holders need a second factor */
	const char *description;   /* OP_CREATE                              */
};

/* run one auth change and its audit records in one transaction, then
 * redirect to back; on ERR_INVALID the page is shown again with the
 * message */
static int role_change(struct http_req *r, const struct role_edit *c, const char *back)
{
	enum role_op op = c->op;
	const char *role = c->role, *perm = c->perm, *description = c->description;
	int64_t staff_id = c->staff_id;
	int needs_mfa = c->needs_mfa;
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct auth_events ev = { 0 };
	struct app_actor a;
	struct err e;
	app_actor_of(&a, r);
	int rc = store_begin(s, &e);
	if (rc == 0) {
		switch (op) {
		case OP_CREATE:
			rc = auth_role_create(s, q->tenant.code, role, description, needs_mfa, &ev, &e);
			break;
		case OP_PERM_ADD:
			rc = auth_role_permission_add(s, q->tenant.code, role, perm, &ev, &e);
			break;
		case OP_PERM_REMOVE:
			rc = auth_role_permission_remove(s, q->tenant.code, role, perm, &ev, &e);
			break;
		case OP_GRANT:
			rc = auth_staff_role_grant_by(s, &q->ses, staff_id, role, &ev, &e);
			break;
		case OP_REVOKE:
			rc = auth_staff_role_revoke(s, q->tenant.code, staff_id, role, &ev, &e);
			break;
		}
	}
	for (int i = 0; rc == 0 && i < ev.n; i++) {
		char obj[AUTH_EVENT_OBJECT_MAX];
		auth_event_object(obj, sizeof obj, &ev.ev[i]);
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = AUDIT_A_PERMISSION,
							     .object_type = auth_event_name(ev.ev[i].kind),
							     .object_id = obj,
							     .result = AUDIT_R_OK }, &e);
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	enum html_lang l = q->lang;
	if (op == OP_GRANT && rc == ERR_DENIED) {
		char obj[AUTH_EVENT_OBJECT_MAX];
		snprintf(obj, sizeof obj, "%lld:%s", (long long)staff_id, role ? role : "");
		struct err ae;
		if (app_audit_as(s, &app_of(r)->audit, &a,
				 &(struct app_audit_entry){ .action = "auth.grant_denied",
							    .object_type = "role", .object_id = obj,
							    .result = AUDIT_R_DENIED },
				 &ae))
			return http_send_error(r, ae.code, NULL, NULL, ae.detail);
		return app_send_error(r, ERR_DENIED, "roles.error.not_grantable", e.detail);
	}
	if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_NOTFOUND || rc == ERR_DENIED) {
		const char *msg = rc == ERR_CONFLICT ? html_t(l, "roles.exists") :
				  rc == ERR_NOTFOUND ? html_t(l, "roles.notfound") :
				  rc == ERR_DENIED ? html_t(l, "roles.builtin") :
				  op == OP_PERM_ADD && auth_permission_sensitive(perm) ?
				  html_t(l, "roles.needs_mfa") : html_t(l, "roles.invalid");
		return render_roles(r, rc == ERR_CONFLICT ? 409 : rc == ERR_NOTFOUND ? 404 : 400, msg);
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, back);
}

int page_roles_create(struct http_req *r)
{
	return role_change(r,
			   &(struct role_edit){
				   .op = OP_CREATE, .role = http_param(r, "name"),
				   .needs_mfa = http_param(r, "needs_mfa") != NULL,
				   .description = http_param(r, "description")
							  ? http_param(r, "description") : "" },
			   "/staff/roles");
}

int page_roles_perm_add(struct http_req *r)
{
	/* only a known permission: a typed name (a mistake, or a form made
	 * elsewhere) is refused with what to do instead */
	struct perm_choices *pc = arena_alloc(r->arena, sizeof *pc);
	if (!pc || known_permissions(r, app_req(r)->lang, pc))
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "permission list");
	if (!permission_known(pc, http_param(r, "permission")))
		return render_roles(r, 400, html_t(app_req(r)->lang, "roles.perm_unknown"));
	return role_change(r,
			   &(struct role_edit){ .op = OP_PERM_ADD, .role = http_param(r, "role"),
						.perm = http_param(r, "permission") },
			   "/staff/roles");
}

int page_roles_perm_remove(struct http_req *r)
{
	return role_change(r,
			   &(struct role_edit){ .op = OP_PERM_REMOVE, .role = http_param(r, "name"),
						.perm = http_param(r, "permission") },
			   "/staff/roles");
}

static int staff_role_change(struct http_req *r, enum role_op op)
{
	int64_t id;
	if (parse_i64(&id, http_param(r, "id"), 1, INT64_MAX))
		return http_send_error(r, ERR_INVALID, NULL, NULL, "bad id");
	return role_change(r,
			   &(struct role_edit){ .op = op, .role = http_param(r, "role"),
						.staff_id = id },
			   "/staff/users");
}

int page_users_grant(struct http_req *r)
{
	return staff_role_change(r, OP_GRANT);
}

int page_users_revoke(struct http_req *r)
{
	return staff_role_change(r, OP_REVOKE);
}
