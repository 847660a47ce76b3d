/*
 * page_dept.c -- the staff admin pages of departments (permission
 * roles.manage): the list (names, parent, contact, how many staff can read
 * each one's applications, the roles owning its inbox, a warning on the
 * departments nobody can read), and one department's form (add or edit;
 * owner roles as checkboxes).
 *
 * Invariants: a save changes the row and the roles' dept.<code>
 * permissions in one transaction with an audit record per change
 * (department.put, department.owner); the form works without JavaScript;
 * a refused field is named in the error summary and the form keeps what
 * was typed.  Limits: dept.h's (each parameter is bounded by them), at
 * most DEPT_FORM_ROLES roles offered (r0..r31).
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/svc.h"
#include "svc/dept/dept.h"
#include "svc/dept/web/dept_web.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>

#define DEPT_FORM_ROLES 32

static int v_code(const char *v, size_t n)
{
	char tmp[DEPT_CODE_MAX + 1];
	if (n == 0 || n > DEPT_CODE_MAX)
		return ERR_INVALID;
	memcpy(tmp, v, n);
	tmp[n] = 0;
	return dept_code_ok(tmp);
}

static int v_code_any(const char *v, size_t n)
{
	return n == 0 ? 0 : v_code(v, n);
}

static int v_role(const char *v, size_t n)
{
	if (n == 0 || n > 32)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-' ||
		      v[i] == '_' || v[i] == '.'))
			return ERR_INVALID;
	return 0;
}

const struct http_param_spec dept_p_list[] = {
	{ "saved", HTTP_QUERY, DEPT_CODE_MAX, v_code, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec dept_p_edit[] = {
	{ "code", HTTP_QUERY, DEPT_CODE_MAX, v_code_any, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
#define R(k) { "r" #k, HTTP_FORM, 32, v_role, 0 }
const struct http_param_spec dept_p_save[] = {
	{ "code", HTTP_FORM, DEPT_CODE_MAX, NULL, HTTP_PARAM_REQUIRED },
	{ "existing", HTTP_FORM, 1, NULL, 0 },
	{ "name_ja", HTTP_FORM, DEPT_NAME_MAX, NULL, 0 },
	{ "name_en", HTTP_FORM, DEPT_NAME_MAX, NULL, 0 },
	{ "phone", HTTP_FORM, DEPT_PHONE_MAX, NULL, 0 },
	{ "email", HTTP_FORM, DEPT_EMAIL_MAX, NULL, 0 },
	{ "place", HTTP_FORM, DEPT_PLACE_MAX, NULL, 0 },
	{ "parent", HTTP_FORM, DEPT_CODE_MAX, v_code_any, 0 },
	R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7), R(8), R(9),
	R(10), R(11), R(12), R(13), R(14), R(15), R(16), R(17), R(18), R(19),
	R(20), R(21), R(22), R(23), R(24), R(25), R(26), R(27), R(28), R(29),
	R(30), R(31),
	{ NULL, 0, 0, NULL, 0 },
};
#undef R

/* ---- the list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
	int unrouted;
	int n;
};

static void list_row(const struct dept *d, void *arg)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	enum html_lang l = app_req(r)->lang;
	struct err e;
	int64_t readers = 0;
	char roles[DEPT_ROLES_MAX][DEPT_ROLE_NAME];
	int nr = dept_owner_roles(roles, DEPT_ROLES_MAX, app_store(r), app_req(r)->tenant.code,
				  d->code, &e);
	dept_readers(&readers, NULL, app_store(r), app_req(r)->tenant.code, d->code, &e);
	c->n++;
	html_printf(c->b, "<tr data-code=\"%s\"%S><th scope=\"row\"><a href=\"%s\">%s</a>"
		    "<br><span class=\"code\">%s</span></th><td>%s</td><td>%s</td>"
		    "<td>%s<br>%s<br>%s</td><td data-readers=\"%ld\">%ld",
		    d->code, readers == 0 ? " class=\"unrouted\"" : "",
		    ui_url(r->arena, "/staff/departments/edit", (const char *[]){ "code", d->code, NULL }),
		    l == HTML_EN && d->name_en[0] ? d->name_en : d->name_ja, d->code,
		    l == HTML_EN || !d->name_en[0] ? d->name_ja : d->name_en,
		    d->parent, d->phone, d->email, d->place, (long)readers, (long)readers);
	if (readers == 0) {
		html_printf(c->b, " <strong class=\"warning\">%s</strong>", html_t(l, "dept.unrouted"));
		c->unrouted++;
	}
	buf_puts(c->b, "</td><td>");
	for (int i = 0; i < nr && i < DEPT_ROLES_MAX; i++)
		html_printf(c->b, "%S%s", i ? ", " : "", roles[i]);
	buf_puts(c->b, "</td></tr>\n");
}

int page_dept_list(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "dept.title"), NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/inbox.css\">\n");
	const char *saved = http_param(r, "saved");
	if (saved)
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s: %s</p>", html_t(l, "dept.saved"), saved);
	html_printf(&b, "<p>%s</p><p><a class=\"button\" href=\"/staff/departments/edit\">%s</a> "
		    "<a href=\"/staff/inbox/unrouted\">%s</a></p>",
		    html_t(l, "dept.lead"), html_t(l, "dept.add"), html_t(l, "dept.unrouted_link"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"dept-caption\" tabindex=\"0\">"
		    "<table class=\"departments\"><caption id=\"dept-caption\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>\n",
		    html_t(l, "dept.title"), html_t(l, "dept.name"), html_t(l, "dept.name_other"),
		    html_t(l, "dept.parent"), html_t(l, "dept.contact"), html_t(l, "dept.readers"),
		    html_t(l, "dept.roles"));
	struct list_ctx c = { .r = r, .b = &b };
	struct err e;
	int rc = dept_list(app_store(r), app_req(r)->tenant.code, list_row, &c, &e);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if (c.n == 0)
		html_printf(&b, "<tr><td colspan=\"6\">%s</td></tr>", html_t(l, "dept.none"));
	buf_puts(&b, "</tbody></table></div>\n");
	if (c.unrouted)
		html_printf(&b, "<p class=\"warning\" id=\"dept-unrouted-count\" data-count=\"%d\">%s</p>",
			    c.unrouted, arena_printf(r->arena, html_t(l, "dept.unrouted_count"), c.unrouted));
	return app_page_send(r, 200, &b, &pg);
}

/* ---- one department's form ---- */

struct role_opts {
	struct arena *a;
	const char *names[DEPT_FORM_ROLES];
	const char *desc[DEPT_FORM_ROLES];
	int n;
};

static void role_cb(const struct auth_role *ro, void *arg)
{
	struct role_opts *o = arg;
	if (o->n < DEPT_FORM_ROLES) {
		o->names[o->n] = arena_strdup(o->a, ro->name);
		o->desc[o->n] = arena_strdup(o->a, ro->description);
		o->n++;
	}
}

struct parent_opts {
	struct arena *a;
	const char *self;
	struct ui_option v[DEPT_LIST_MAX];
	int n;
};

static void parent_cb(const struct dept *d, void *arg)
{
	struct parent_opts *o = arg;
	if (o->n < DEPT_LIST_MAX && strcmp(d->code, o->self) != 0) {
		o->v[o->n].value = arena_strdup(o->a, d->code);
		o->v[o->n].label = arena_printf(o->a, "%s (%s)", d->name_ja, d->code);
		o->n++;
	}
}

static const char *field_err(const char *bad, const char *name, const char *msg)
{
	return bad && strcmp(bad, name) == 0 ? msg : NULL;
}

/* the form for d (existing: editing one); bad names the refused field */
static int render_form(struct http_req *r, int status, const struct dept *d, int existing,
		       const char *owned[], int nowned, const char *bad)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct err e;
	const char *msg = bad ? html_t(l, arena_printf(r->arena, "dept.error.%s", bad)) : NULL;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, existing ? "dept.edit_title" : "dept.new_title"),
		      bad ? arena_printf(r->arena, "f-%s", bad) : NULL, msg);
	html_printf(&b, "<form method=\"post\" action=\"/staff/departments\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	if (existing) {
		html_printf(&b, "<input type=\"hidden\" name=\"existing\" value=\"1\">"
			    "<input type=\"hidden\" name=\"code\" value=\"%s\">"
			    "<p>%s: <strong class=\"code\">%s</strong></p>", d->code,
			    html_t(l, "dept.code"), d->code);
	} else {
		ui_input(&b, &(struct ui_field){ .name = "code", .label = html_t(l, "dept.code"),
						 .hint = html_t(l, "dept.code_hint"), .value = d->code,
						 .maxlength = DEPT_CODE_MAX, .required = 1, .verbatim = 1,
						 .pattern = "[a-z0-9\\-]+", .lang = l,
						 .error = field_err(bad, "code", msg) });
	}
	ui_input(&b, &(struct ui_field){ .name = "name_ja", .label = html_t(l, "dept.name_ja"),
					 .value = d->name_ja, .maxlength = DEPT_NAME_MAX / 3,
					 .required = 1, .lang = l, .error = field_err(bad, "name_ja", msg) });
	ui_input(&b, &(struct ui_field){ .name = "name_en", .label = html_t(l, "dept.name_en"),
					 .value = d->name_en, .maxlength = DEPT_NAME_MAX, .lang = l,
					 .error = field_err(bad, "name_en", msg) });
	ui_input(&b, &(struct ui_field){ .name = "phone", .label = html_t(l, "dept.phone"), .type = "tel",
					 .value = d->phone, .maxlength = DEPT_PHONE_MAX, .lang = l,
					 .autocomplete = "off", .verbatim = 1,
					 .error = field_err(bad, "phone", msg) });
	ui_input(&b, &(struct ui_field){ .name = "email", .label = html_t(l, "dept.email"), .type = "email",
					 .value = d->email, .maxlength = DEPT_EMAIL_MAX, .lang = l,
					 .autocomplete = "off", .verbatim = 1,
					 .error = field_err(bad, "email", msg) });
	ui_input(&b, &(struct ui_field){ .name = "place", .label = html_t(l, "dept.place"),
					 .value = d->place, .maxlength = DEPT_PLACE_MAX / 3, .lang = l,
					 .error = field_err(bad, "place", msg) });
	struct parent_opts *po = arena_alloc(r->arena, sizeof *po);
	if (!po) {
		buf_done(&b);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "arena");
	}
	po->a = r->arena;
	po->self = d->code;
	po->n = 0;
	dept_list(app_store(r), q->tenant.code, parent_cb, po, &e);
	ui_select(&b, &(struct ui_field){ .name = "parent", .label = html_t(l, "dept.parent"),
					  .value = d->parent, .lang = l,
					  .error = field_err(bad, "parent", msg) },
		  po->v, po->n, html_t(l, "dept.no_parent"));
	struct role_opts ro = { .a = r->arena };
	auth_role_list(app_store(r), q->tenant.code, role_cb, &ro, &e);
	html_printf(&b, "<fieldset class=\"dept-roles\"><legend>%s</legend><p class=\"hint\" id=\"roles-hint\">%s</p>",
		    html_t(l, "dept.roles"), html_t(l, "dept.roles_hint"));
	for (int i = 0; i < ro.n; i++) {
		int on = 0;
		for (int k = 0; k < nowned && !on; k++)
			on = strcmp(owned[k], ro.names[i]) == 0;
		html_printf(&b, "<div class=\"field\"><input type=\"checkbox\" id=\"role-%d\" name=\"r%d\" value=\"%s\"%S>"
			    " <label for=\"role-%d\" class=\"inline\">%s <span class=\"hint\">%s</span></label></div>",
			    i, i, ro.names[i], on ? " checked" : "", i, ro.names[i], ro.desc[i]);
	}
	html_printf(&b, "</fieldset><button type=\"submit\" class=\"button\">%s</button> "
		    "<a href=\"/staff/departments\">%s</a></form>",
		    html_t(l, "dept.save"), html_t(l, "dept.back"));
	return app_page_send(r, status, &b, &pg);
}

int page_dept_edit(struct http_req *r)
{
	const char *code = http_param(r, "code");
	struct dept d;
	memset(&d, 0, sizeof d);
	const char *owned[DEPT_ROLES_MAX];
	int nowned = 0;
	if (code && *code) {
		struct err e;
		int rc = dept_get(&d, app_store(r), app_req(r)->tenant.code, code, &e);
		if (rc == ERR_NOTFOUND)
			return app_send_error(r, ERR_NOTFOUND, "dept.error.notfound", "no such department");
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
		char (*names)[DEPT_ROLE_NAME] = arena_alloc(r->arena, DEPT_ROLES_MAX * DEPT_ROLE_NAME);
		if (!names)
			return http_send_error(r, ERR_NOMEM, NULL, NULL, "arena");
		nowned = dept_owner_roles(names, DEPT_ROLES_MAX, app_store(r), app_req(r)->tenant.code,
					  code, &e);
		for (int i = 0; i < nowned; i++)
			owned[i] = names[i];
		if (nowned < 0)
			nowned = 0;
	}
	return render_form(r, 200, &d, code && *code, owned, nowned, NULL);
}

static void copy(char *dst, size_t cap, const char *v)
{
	snprintf(dst, cap, "%s", v ? v : "");
}

int page_dept_save(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct dept d;
	memset(&d, 0, sizeof d);
	copy(d.code, sizeof d.code, http_param(r, "code"));
	copy(d.name_ja, sizeof d.name_ja, http_param(r, "name_ja"));
	copy(d.name_en, sizeof d.name_en, http_param(r, "name_en"));
	copy(d.phone, sizeof d.phone, http_param(r, "phone"));
	copy(d.email, sizeof d.email, http_param(r, "email"));
	copy(d.place, sizeof d.place, http_param(r, "place"));
	copy(d.parent, sizeof d.parent, http_param(r, "parent"));
	int existing = http_param(r, "existing") != NULL;
	const char *want[DEPT_FORM_ROLES];
	int nwant = 0;
	for (int k = 0; k < DEPT_FORM_ROLES; k++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", k);
		const char *v = http_param(r, name);
		if (v)
			want[nwant++] = v;
	}
	struct err e;
	err_clear(&e);
	if (existing) {
		struct dept have;
		int rc = dept_get(&have, s, q->tenant.code, d.code, &e);
		if (rc == ERR_NOTFOUND)
			return app_send_error(r, ERR_NOTFOUND, "dept.error.notfound", "no such department");
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
	} else {
		struct dept have;
		if (dept_code_ok(d.code) == 0 && dept_get(&have, s, q->tenant.code, d.code, &e) == 0)
			return render_form(r, 422, &d, 0, want, nwant, "exists");
	}
	struct app_actor aa;
	app_actor_of(&aa, r);
	int created = 0;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = dept_put(&created, s, q->tenant.code, &d, app_now(), &e);
	if (rc == 0)
		rc = app_audit_as(s, &app_of(r)->audit, &aa,
				  &(struct app_audit_entry){ .action = "department.put",
							     .object_type = "department",
							     .object_id = d.code, .result = AUDIT_R_OK }, &e);
	/* owner roles: every role offered is set to what the form says */
	struct role_opts ro = { .a = r->arena };
	if (rc == 0)
		rc = auth_role_list(s, q->tenant.code, role_cb, &ro, &e) < 0 ? ERR_IO : 0;
	for (int i = 0; rc == 0 && i < ro.n; i++) {
		int on = 0, changed = 0;
		for (int k = 0; k < nwant && !on; k++)
			on = strcmp(want[k], ro.names[i]) == 0;
		rc = dept_owner_set(&changed, s, q->tenant.code, d.code, ro.names[i], on, &e);
		if (rc == 0 && changed)
			rc = app_audit_as(s, &app_of(r)->audit, &aa,
					  &(struct app_audit_entry){
						  .action = "department.owner", .object_type = "department",
						  .object_id = arena_printf(r->arena, "%s/%c%s", d.code,
									    on ? '+' : '-', ro.names[i]),
						  .result = AUDIT_R_OK }, &e);
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	else if (store_in_tx(s))
		store_rollback(s);
	if (rc == ERR_INVALID) {
		const char *f = e.detail;
		static const char *const known[] = { "code", "name_ja", "name_en", "phone", "email",
						     "place", "parent" };
		const char *bad = "code";
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(f, known[i]) == 0)
				bad = known[i];
		return render_form(r, 422, &d, existing, want, nwant, bad);
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, ui_url(r->arena, "/staff/departments",
					    (const char *[]){ "saved", d.code, NULL }));
}

/* ---- the role picker's department permissions (svc.h: permissions):
 * dept.<code> of every department, described by its name ---- */

struct perm_offer {
	struct http_req *r;
	enum html_lang l;
	void (*add)(void *arg, const char *name, const char *desc);
	void *arg;
};

static void offer_dept(const struct dept *d, void *arg)
{
	struct perm_offer *o = arg;
	char perm[AUTH_PERM_MAX + 1];
	if (dept_perm(perm, sizeof perm, d->code) != 0)
		return;
	const char *name = o->l == HTML_EN && d->name_en[0] ? d->name_en : d->name_ja;
	o->add(o->arg, perm, arena_printf(o->r->arena, html_t(o->l, "dept.perm"), name));
}

void dept_permissions(struct http_req *r, enum html_lang l,
		      void (*add)(void *arg, const char *name, const char *desc), void *arg)
{
	struct perm_offer o = { r, l, add, arg };
	struct err e;
	if (dept_list(app_store(r), app_req(r)->tenant.code, offer_dept, &o, &e) < 0)
		log_warn("dept: permissions for the role picker failed", "detail", e.detail);
}
