/*
 * page_staff.c -- the staff's pages of the reports service:
 *   GET  /staff/reports                   triage: filtered by state, category,
 *                                         department and area (each row with
 *                                         its lat/lon for a map)
 *   GET  /staff/reports/{id}              the report with its contact (the read
 *                                         audited), photos, history, and the
 *                                         forms below
 *   POST /staff/reports/{id}/state        a state change with a public note
 *   POST /staff/reports/{id}/assign       to a department or an outside body
 *   POST /staff/reports/{id}/hide         hide or show the description or a photo
 *   GET/POST /staff/reports/categories    the categories (reports.admin)
 *   GET/POST /staff/reports/areas         the areas: a box of lat/lon and/or an
 *                                         address fragment (reports.admin)
 *   GET/POST /staff/reports/routes        routing by category x area
 *   POST /staff/reports/routes/{id}/delete
 *   GET/POST /staff/reports/keys          Open311 API keys (the key shown once)
 *   POST /staff/reports/keys/{id}/revoke
 * The router has checked the permission and the CSRF token.  Every write
 * and every read of a contact is audited (the report's number only).
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "base/util.h"
#include "svc/dept/dept.h"
#include "svc/reports/web/reports_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T rw_t
#define PER_PAGE 50

void rw_photos(struct buf *b, struct http_req *r, int64_t id, int staff);   /* page_resident.c */

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

static void notice(struct buf *b, struct http_req *r)
{
	const char *d = param(r, "done");
	if (*d && strlen(d) < 20)
		html_printf(b, "<div class=\"notice\" role=\"status\" id=\"staff-done\"><p>%s</p></div>",
			    T(r, !strcmp(d, "state") ? "reports.staff.done.state" : !strcmp(d, "assign") ? "reports.staff.done.assign"
				 : !strcmp(d, "hide") ? "reports.staff.done.hide" : "reports.staff.done.saved"));
}

/* ---- selects ---- */

struct sel {
	struct http_req *r;
	struct buf *b;
	const char *cur;
};

static int cat_opt(void *arg, const struct reports_category *c)
{
	struct sel *s = arg;
	html_printf(s->b, "<option value=\"%s\"%S>%s</option>", c->code, s->cur && !strcmp(s->cur, c->code) ? " selected" : "",
		    app_req(s->r)->lang == HTML_EN ? c->name_en : c->name_ja);
	return 0;
}

static int area_opt(void *arg, const struct reports_area *a)
{
	struct sel *s = arg;
	html_printf(s->b, "<option value=\"%s\"%S>%s</option>", a->code, s->cur && !strcmp(s->cur, a->code) ? " selected" : "",
		    app_req(s->r)->lang == HTML_EN ? a->name_en : a->name_ja);
	return 0;
}

static void dept_opt(const struct dept *d, void *arg)
{
	struct sel *s = arg;
	html_printf(s->b, "<option value=\"%s\"%S>%s</option>", d->code, s->cur && !strcmp(s->cur, d->code) ? " selected" : "",
		    app_req(s->r)->lang == HTML_EN && d->name_en[0] ? d->name_en : d->name_ja);
}

static void select_open(struct buf *b, struct http_req *r, const char *name, const char *label_id, const char *any_id)
{
	html_printf(b, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>",
		    name, T(r, label_id), name, name, T(r, any_id));
}

static void select_cats(struct buf *b, struct http_req *r, const char *cur, const char *any_id)
{
	struct sel s = { r, b, cur };
	struct err e;
	select_open(b, r, "category", "reports.field.category", any_id);
	reports_category_each(app_store(r), app_req(r)->tenant.code, 0, cat_opt, &s, &e);
	buf_puts(b, "</select></div>");
}

static void select_areas(struct buf *b, struct http_req *r, const char *cur, const char *any_id)
{
	struct sel s = { r, b, cur };
	struct err e;
	select_open(b, r, "area", "reports.field.area", any_id);
	reports_area_each(app_store(r), app_req(r)->tenant.code, area_opt, &s, &e);
	buf_puts(b, "</select></div>");
}

static void select_depts(struct buf *b, struct http_req *r, const char *cur, const char *any_id)
{
	struct sel s = { r, b, cur };
	struct err e;
	select_open(b, r, "dept", "reports.field.dept", any_id);
	dept_list(app_store(r), app_req(r)->tenant.code, dept_opt, &s, &e);
	buf_puts(b, "</select></div>");
}

/* ---- triage ---- */

struct rows {
	struct http_req *r;
	struct buf *b;
	int n;
};

static int triage_row(void *arg, const struct reports_report *rep)
{
	struct rows *c = arg;
	struct http_req *r = c->r;
	c->n++;
	html_printf(c->b, "<tr data-report=\"%lld\"", (long long)rep->id);
	if (rep->has_pin)
		html_printf(c->b, " data-lat=\"%s\" data-lon=\"%s\"", rw_deg(r, rep->lat_e6), rw_deg(r, rep->lon_e6));
	html_printf(c->b, "><td><a href=\"/staff/reports/%lld\">%lld</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		    "<td>%s</td><td>%s</td></tr>", (long long)rep->id, (long long)rep->id, rw_category_name(r, rep->category),
		    rw_state(r, rep->state), rw_routed(r, rep), rep->area, rep->has_pin ? arena_printf(r->arena, "%s, %s",
		    rw_deg(r, rep->lat_e6), rw_deg(r, rep->lon_e6)) : rep->address, rw_time(r, rep->created_at));
	return 0;
}

int page_sreports_list(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *st = param(r, "state"), *cat = param(r, "category"), *dept = param(r, "dept"), *area = param(r, "area");
	int state = !*st ? -1 : !strcmp(st, "open") ? REPORTS_NSTATES : reports_state_parse(st);
	if (*st && state < 0)
		return app_send_error(r, ERR_INVALID, "reports.staff.error.filter", "triage: state");
	if ((*cat && reports_code_ok(cat)) || (*area && reports_code_ok(area)) || (*dept && strcmp(dept, "-") && reports_code_ok(dept)))
		return app_send_error(r, ERR_INVALID, "reports.staff.error.filter", "triage: filter");
	int64_t page = 1;
	if (*param(r, "page") && parse_i64(&page, param(r, "page"), 1, 10000))
		page = 1;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.staff.title"), NULL, NULL);
	http_set_header(r, "cache-control", "no-store");
	if (app_staff_holds(r, REPORTS_PERM_ADMIN))
		html_printf(&b, "<p><a href=\"/staff/reports/categories\">%s</a> · <a href=\"/staff/reports/routes\">%s</a> · "
			    "<a href=\"/staff/reports/keys\">%s</a></p>", T(r, "reports.staff.categories"),
			    T(r, "reports.staff.routes"), T(r, "reports.staff.keys"));
	html_printf(&b, "<form method=\"get\" action=\"/staff/reports\" class=\"form\">");
	select_open(&b, r, "state", "reports.field.state", "reports.filter.all");
	html_printf(&b, "<option value=\"open\"%S>%s</option>", state == REPORTS_NSTATES ? " selected" : "", T(r, "reports.filter.open"));
	for (int i = 0; i < REPORTS_NSTATES; i++)
		html_printf(&b, "<option value=\"%s\"%S>%s</option>", reports_state_name(i), state == i ? " selected" : "", rw_state(r, i));
	buf_puts(&b, "</select></div>");
	select_cats(&b, r, cat, "reports.filter.all");
	select_depts(&b, r, dept, "reports.filter.all");
	select_areas(&b, r, area, "reports.filter.all");
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>", T(r, "reports.filter.go"));
	html_printf(&b, "<table id=\"triage\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "reports.staff.title"), T(r, "reports.number"),
		    T(r, "reports.field.category"), T(r, "reports.field.state"), T(r, "reports.field.routed"),
		    T(r, "reports.field.area"), T(r, "reports.field.where"), T(r, "reports.field.created"));
	struct rows c = { r, &b, 0 };
	struct err e;
	struct reports_query qq = { .state = state, .category = cat, .dept = dept, .area = area, .limit = PER_PAGE,
				    .offset = (int)(page - 1) * PER_PAGE };
	int total = reports_list(app_store(r), q->tenant.code, &qq, r->arena, triage_row, &c, &e);
	if (total < 0) {
		buf_done(&b);
		return app_send_error(r, total, "reports.staff.error.failed", e.detail);
	}
	buf_puts(&b, "</tbody></table>");
	if (!c.n)
		html_printf(&b, "<p>%s</p>", T(r, "reports.none"));
	if (page * PER_PAGE < total)
		html_printf(&b, "<p><a href=\"%s\">%s</a></p>",
			    ui_url(r->arena, "/staff/reports", (const char *const[]){ "state", st, "category", cat, "dept", dept,
				   "area", area, "page", arena_printf(r->arena, "%lld", (long long)(page + 1)), NULL }),
			    T(r, "reports.older"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- one report ---- */

static int id_of(int64_t *id, struct http_req *r)
{
	return parse_i64(id, param(r, "id"), 1, INT64_MAX);
}

static int load(struct reports_report *rep, struct http_req *r, int *sent)
{
	int64_t id;
	struct err e;
	*sent = 1;
	if (id_of(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "reports.error.not_found", "report: id");
	int rc = reports_get(rep, r->arena, app_store(r), app_req(r)->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "reports.error.not_found", e.detail);
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	*sent = 0;
	return 0;
}

static int detail(struct http_req *r, int status, const char *field, const char *error)
{
	struct app_req *q = app_req(r);
	struct reports_report rep;
	int sent, rc = load(&rep, r, &sent);
	if (sent)
		return rc;
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)rep.id);
	int contact = rep.contact_name[0] || rep.contact_email[0] || rep.contact_phone[0] || rep.account;
	/* the contact is personal data: its every read is audited, before it is shown */
	if (contact && app_audit(r, AUDIT_A_READ, "reports.contact", ids, AUDIT_R_OK))
		return app_send_error(r, ERR_UNAVAILABLE, "reports.staff.error.failed", "audit failed");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "reports.report.title"), (long long)rep.id), field, error);  /* checksrc: fmt-ok */
	http_set_header(r, "cache-control", "no-store");
	notice(&b, r);
	html_printf(&b, "<p><a href=\"/staff/reports\">%s</a> · <a href=\"/reports/%s\">%s</a></p>", T(r, "reports.staff.back"), ids,
		    T(r, "reports.staff.public"));
	html_printf(&b, "<dl class=\"report-summary\" id=\"report\" data-report=\"%s\"><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
		    "<dd id=\"report-state\">%s</dd><dt>%s</dt><dd id=\"report-routed\">%s</dd>", ids, T(r, "reports.field.category"),
		    rw_category_name(r, rep.category), T(r, "reports.field.state"), rw_state(r, rep.state),
		    T(r, "reports.field.routed"), *rw_routed(r, &rep) ? rw_routed(r, &rep) : T(r, "reports.staff.unrouted"));
	if (rep.outside_contact[0])
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "reports.field.outside_contact"), rep.outside_contact);
	if (rep.area[0])
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "reports.field.area"), rep.area);
	if (rep.has_pin)
		html_printf(&b, "<dt>%s</dt><dd data-lat=\"%s\" data-lon=\"%s\">%s, %s</dd>", T(r, "reports.field.pin"),
			    rw_deg(r, rep.lat_e6), rw_deg(r, rep.lon_e6), rw_deg(r, rep.lat_e6), rw_deg(r, rep.lon_e6));
	if (rep.address[0])
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "reports.field.address"), rep.address);
	html_printf(&b, "<dt>%s</dt><dd>%s (%s)</dd>", T(r, "reports.field.created"), rw_time(r, rep.created_at), rep.via);
	if (contact) {
		html_printf(&b, "<dt>%s</dt><dd id=\"report-contact\">", T(r, "reports.field.contact"));
		if (rep.contact_name[0])
			html_printf(&b, "%s<br>", rep.contact_name);
		if (rep.contact_email[0])
			html_printf(&b, "%s<br>", rep.contact_email);
		if (rep.contact_phone[0])
			html_printf(&b, "%s<br>", rep.contact_phone);
		if (rep.account)
			html_printf(&b, "%s %lld", T(r, "reports.staff.account"), (long long)rep.account);
		buf_puts(&b, "</dd>");
	}
	html_printf(&b, "</dl><h2>%s</h2><p id=\"report-description\">%s</p>", T(r, "reports.field.description"), rep.description);
	if (rep.desc_hidden)
		html_printf(&b, "<p><strong>%s</strong> %s</p>", T(r, "reports.staff.hidden"), rep.hide_reason);
	rw_photos(&b, r, rep.id, 1);
	rw_history(&b, r, rep.id, 1);

	/* the state */
	html_printf(&b, "<h2 id=\"state-h\">%s</h2><form method=\"post\" action=\"/staff/reports/%s/state\" class=\"form\" "
		    "aria-labelledby=\"state-h\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"from\" value=\"%s\">", T(r, "reports.staff.state"), ids, q->csrf,
		    reports_state_name(rep.state));
	html_printf(&b, "<div class=\"field\"><label for=\"f-to\">%s</label><select id=\"f-to\" name=\"to\">", T(r, "reports.staff.to"));
	for (int i = 1; i < REPORTS_NSTATES; i++)
		if (i != rep.state)
			html_printf(&b, "<option value=\"%s\">%s</option>", reports_state_name(i), rw_state(r, i));
	buf_puts(&b, "</select></div>");
	ui_textarea(&b, &(struct ui_field){ .name = "note", .id = "f-note", .label = T(r, "reports.staff.note"),
					    .hint = T(r, "reports.staff.note.hint"), .maxlength = REPORTS_NOTE_MAX / 3,
					    .lang = q->lang, .error = field && !strcmp(field, "f-note") ? error : NULL }, 3);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"state-submit\">%s</button></form>", T(r, "reports.staff.state.go"));

	/* the assignment */
	html_printf(&b, "<h2 id=\"assign-h\">%s</h2><form method=\"post\" action=\"/staff/reports/%s/assign\" class=\"form\" "
		    "aria-labelledby=\"assign-h\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "reports.staff.assign"), ids, q->csrf);
	select_depts(&b, r, rep.dept, "reports.staff.outside.pick");
	ui_input(&b, &(struct ui_field){ .name = "outside", .id = "f-outside", .label = T(r, "reports.field.outside"),
					 .value = rep.outside, .maxlength = REPORTS_NAME_MAX / 3, .lang = q->lang,
					 .error = field && !strcmp(field, "f-outside") ? error : NULL });
	ui_textarea(&b, &(struct ui_field){ .name = "contact", .id = "f-outside-contact", .label = T(r, "reports.field.outside_contact"),
					    .value = rep.outside_contact, .maxlength = REPORTS_NOTE_MAX / 3, .lang = q->lang }, 2);
	ui_textarea(&b, &(struct ui_field){ .name = "note", .id = "f-assign-note", .label = T(r, "reports.staff.note"),
					    .maxlength = REPORTS_NOTE_MAX / 3, .lang = q->lang }, 2);
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\" id=\"assign-submit\">%s</button></form>",
		    T(r, "reports.staff.assign.go"));

	/* moderation */
	html_printf(&b, "<h2 id=\"hide-h\">%s</h2><form method=\"post\" action=\"/staff/reports/%s/hide\" class=\"form\" "
		    "aria-labelledby=\"hide-h\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<div class=\"field\"><label for=\"f-photo\">%s</label><select id=\"f-photo\" name=\"photo\">"
		    "<option value=\"0\">%s</option>", T(r, "reports.staff.hide"), ids, q->csrf, T(r, "reports.staff.hide.what"),
		    T(r, "reports.field.description"));
	for (int i = 1; i <= rep.nphotos; i++)
		html_printf(&b, "<option value=\"%d\">%s</option>", i, arena_printf(r->arena, T(r, "reports.photo.alt"), i));  /* checksrc: fmt-ok */
	html_printf(&b, "</select></div><div class=\"field\"><label for=\"f-hide\">%s</label><select id=\"f-hide\" name=\"hide\">"
		    "<option value=\"1\">%s</option><option value=\"0\">%s</option></select></div>",
		    T(r, "reports.staff.hide.how"), T(r, "reports.staff.hide.on"), T(r, "reports.staff.hide.off"));
	ui_textarea(&b, &(struct ui_field){ .name = "reason", .id = "f-reason", .label = T(r, "reports.staff.reason"),
					    .maxlength = REPORTS_NOTE_MAX / 3, .lang = q->lang,
					    .error = field && !strcmp(field, "f-reason") ? error : NULL }, 2);
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\" id=\"hide-submit\">%s</button></form>",
		    T(r, "reports.staff.hide.go"));
	return app_page_send(r, status, &b, &p);
}

int page_sreport(struct http_req *r)
{
	return detail(r, 200, NULL, NULL);
}

static int written(struct http_req *r, int rc, struct err *e, const char *what, const char *field, const char *bad_id)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%s", param(r, "id"));
	app_audit(r, AUDIT_A_WRITE, "reports.report", ids, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID)
		return detail(r, 422, field, T(r, bad_id));
	if (rc == ERR_CONFLICT)
		return detail(r, 409, NULL, T(r, "reports.staff.error.conflict"));
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "reports.error.not_found", e->detail);
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e->detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/reports/%s?done=%s", ids, what));
}

static void staff_login(char *out, size_t cap, struct http_req *r)
{
	snprintf(out, cap, "%s", app_req(r)->staff.login);
}

int page_sreport_state(struct http_req *r)
{
	int64_t id;
	if (id_of(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "reports.error.not_found", "report: id");
	int from = reports_state_parse(param(r, "from")), to = reports_state_parse(param(r, "to"));
	struct err e;
	err_clear(&e);
	char login[AUTH_LOGIN_MAX + 1];
	staff_login(login, sizeof login, r);
	int rc = from < 0 || to < 0 ? err_set(&e, ERR_INVALID, "state")
		 : reports_set_state(app_store(r), app_req(r)->tenant.code, id, from, to, param(r, "note"),
				     app_req(r)->ses.account_id, login, app_now(), &e);
	return written(r, rc, &e, "state", "f-note", !strcmp(e.detail, "note") ? "reports.staff.error.note" : "reports.staff.error.state");
}

int page_sreport_assign(struct http_req *r)
{
	int64_t id;
	if (id_of(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "reports.error.not_found", "report: id");
	struct err e;
	err_clear(&e);
	char login[AUTH_LOGIN_MAX + 1];
	staff_login(login, sizeof login, r);
	const char *dept = param(r, "dept"), *outside = param(r, "outside");
	int rc = reports_assign(app_store(r), app_req(r)->tenant.code, id, *outside ? "" : dept, outside,
			       *outside ? param(r, "contact") : "", param(r, "note"), app_req(r)->ses.account_id, login,
			       app_now(), &e);
	return written(r, rc, &e, "assign", "f-outside", "reports.staff.error.assign");
}

int page_sreport_hide(struct http_req *r)
{
	int64_t id, photo = 0;
	if (id_of(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "reports.error.not_found", "report: id");
	if (*param(r, "photo") && parse_i64(&photo, param(r, "photo"), 0, REPORTS_PHOTOS_MAX))
		photo = -1;
	struct err e;
	err_clear(&e);
	char login[AUTH_LOGIN_MAX + 1];
	staff_login(login, sizeof login, r);
	int rc = reports_hide(app_store(r), app_req(r)->tenant.code, id, (int)photo, strcmp(param(r, "hide"), "0") != 0,
			     param(r, "reason"), app_req(r)->ses.account_id, login, app_now(), &e);
	return written(r, rc, &e, "hide", "f-reason", "reports.staff.error.reason");
}

/* ---- categories ---- */

static int cat_row(void *arg, const struct reports_category *c)
{
	struct rows *x = arg;
	html_printf(x->b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td></tr>", c->code,
		    c->name_ja, c->name_en, c->grp, T(x->r, c->active ? "reports.staff.active" : "reports.staff.inactive"), c->sort);
	return 0;
}

static int categories_page(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.staff.categories"), error ? "f-code" : NULL, error);
	notice(&b, r);
	html_printf(&b, "<p><a href=\"/staff/reports\">%s</a></p><table id=\"categories\"><caption>%s</caption><thead><tr>"
		    "<th scope=\"col\">service_code</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "reports.staff.back"),
		    T(r, "reports.staff.categories"), T(r, "reports.staff.name_ja"), T(r, "reports.staff.name_en"),
		    T(r, "reports.staff.group"), T(r, "reports.field.state"), T(r, "reports.staff.sort"));
	struct rows x = { r, &b, 0 };
	struct err e;
	reports_category_each(app_store(r), q->tenant.code, 0, cat_row, &x, &e);
	html_printf(&b, "</tbody></table><h2 id=\"cat-h\">%s</h2><p>%s</p><form method=\"post\" action=\"/staff/reports/categories\" "
		    "class=\"form\" aria-labelledby=\"cat-h\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "reports.staff.category.put"), T(r, "reports.staff.category.hint"), q->csrf);
	ui_input(&b, &(struct ui_field){ .name = "code", .id = "f-code", .label = "service_code", .required = 1, .verbatim = 1,
					 .maxlength = REPORTS_CODE_MAX, .lang = q->lang, .value = param(r, "code"), .error = error });
	ui_input(&b, &(struct ui_field){ .name = "name_ja", .id = "f-name-ja", .label = T(r, "reports.staff.name_ja"), .required = 1,
					 .lang = q->lang, .value = param(r, "name_ja") });
	ui_input(&b, &(struct ui_field){ .name = "name_en", .id = "f-name-en", .label = T(r, "reports.staff.name_en"), .required = 1,
					 .lang = q->lang, .value = param(r, "name_en") });
	ui_textarea(&b, &(struct ui_field){ .name = "desc_ja", .id = "f-desc-ja", .label = T(r, "reports.staff.desc_ja"),
					    .lang = q->lang, .value = param(r, "desc_ja") }, 2);
	ui_textarea(&b, &(struct ui_field){ .name = "desc_en", .id = "f-desc-en", .label = T(r, "reports.staff.desc_en"),
					    .lang = q->lang, .value = param(r, "desc_en") }, 2);
	ui_input(&b, &(struct ui_field){ .name = "grp", .id = "f-grp", .label = T(r, "reports.staff.group"), .verbatim = 1,
					 .lang = q->lang, .value = param(r, "grp") });
	ui_input(&b, &(struct ui_field){ .name = "sort", .id = "f-sort", .label = T(r, "reports.staff.sort"), .inputmode = "numeric",
					 .lang = q->lang, .value = param(r, "sort"), .control_class = "input-short" });
	ui_checkbox(&b, &(struct ui_field){ .name = "active", .id = "f-active", .label = T(r, "reports.staff.active"), .lang = q->lang },
		    !http_param(r, "code") || http_param(r, "active"));
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"category-save\">%s</button></form>", T(r, "reports.staff.save"));
	return app_page_send(r, status, &b, &p);
}

int page_sreports_categories(struct http_req *r)
{
	return categories_page(r, 200, NULL);
}

int page_sreports_category_put(struct http_req *r)
{
	struct reports_category c;
	memset(&c, 0, sizeof c);
	int64_t sort = 0;
	const char *f[] = { param(r, "code"), param(r, "name_ja"), param(r, "name_en"), param(r, "desc_ja"), param(r, "desc_en"),
			    param(r, "grp") };
	if (strlen(f[0]) > REPORTS_CODE_MAX || strlen(f[1]) > REPORTS_NAME_MAX || strlen(f[2]) > REPORTS_NAME_MAX ||
	    strlen(f[3]) > REPORTS_DESC_MAX || strlen(f[4]) > REPORTS_DESC_MAX || strlen(f[5]) > REPORTS_CODE_MAX ||
	    (*param(r, "sort") && parse_i64(&sort, param(r, "sort"), 0, 99999)))
		return categories_page(r, 422, T(r, "reports.staff.error.category"));
	snprintf(c.code, sizeof c.code, "%s", f[0]);
	snprintf(c.name_ja, sizeof c.name_ja, "%s", f[1]);
	snprintf(c.name_en, sizeof c.name_en, "%s", f[2]);
	snprintf(c.desc_ja, sizeof c.desc_ja, "%s", f[3]);
	snprintf(c.desc_en, sizeof c.desc_en, "%s", f[4]);
	snprintf(c.grp, sizeof c.grp, "%s", f[5]);
	c.active = http_param(r, "active") != NULL;
	c.sort = (int)sort;
	struct err e;
	int rc = reports_category_put(app_store(r), app_req(r)->tenant.code, &c, &e);
	app_audit(r, AUDIT_A_WRITE, "reports.category", c.code, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID || rc == ERR_LIMIT)
		return categories_page(r, 422, T(r, "reports.staff.error.category"));
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/reports/categories?done=saved");
}

/* ---- areas ---- */

static int area_row(void *arg, const struct reports_area *a)
{
	struct rows *x = arg;
	struct http_req *r = x->r;
	html_printf(x->b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>", a->code, a->name_ja, a->name_en);
	if (a->has_box)
		html_printf(x->b, "%s, %s – %s, %s", rw_deg(r, a->min_lat), rw_deg(r, a->min_lon), rw_deg(r, a->max_lat),
			    rw_deg(r, a->max_lon));
	html_printf(x->b, "</td><td>%s</td><td>%d</td></tr>", a->address, a->sort);
	return 0;
}

static int areas_page(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.staff.areas"), error ? "f-code" : NULL, error);
	notice(&b, r);
	html_printf(&b, "<p><a href=\"/staff/reports/routes\">%s</a></p><p>%s</p><table id=\"areas\"><caption>%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "reports.staff.routes"),
		    T(r, "reports.staff.areas.lead"), T(r, "reports.staff.areas"), T(r, "reports.staff.code"),
		    T(r, "reports.staff.name_ja"), T(r, "reports.staff.name_en"), T(r, "reports.staff.box"),
		    T(r, "reports.staff.fragment"), T(r, "reports.staff.sort"));
	struct rows x = { r, &b, 0 };
	struct err e;
	reports_area_each(app_store(r), q->tenant.code, area_row, &x, &e);
	html_printf(&b, "</tbody></table><h2 id=\"area-h\">%s</h2><form method=\"post\" action=\"/staff/reports/areas\" "
		    "class=\"form\" aria-labelledby=\"area-h\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "reports.staff.area.put"), q->csrf);
	ui_input(&b, &(struct ui_field){ .name = "code", .id = "f-code", .label = T(r, "reports.staff.code"), .required = 1,
					 .verbatim = 1, .maxlength = REPORTS_CODE_MAX, .lang = q->lang, .value = param(r, "code"),
					 .error = error });
	ui_input(&b, &(struct ui_field){ .name = "name_ja", .id = "f-name-ja", .label = T(r, "reports.staff.name_ja"), .required = 1,
					 .lang = q->lang, .value = param(r, "name_ja") });
	ui_input(&b, &(struct ui_field){ .name = "name_en", .id = "f-name-en", .label = T(r, "reports.staff.name_en"), .required = 1,
					 .lang = q->lang, .value = param(r, "name_en") });
	static const char *const box[][2] = { { "min_lat", "reports.staff.min_lat" }, { "min_lon", "reports.staff.min_lon" },
					      { "max_lat", "reports.staff.max_lat" }, { "max_lon", "reports.staff.max_lon" } };
	for (int i = 0; i < 4; i++)
		ui_input(&b, &(struct ui_field){ .name = box[i][0], .id = arena_printf(r->arena, "f-%s", box[i][0]),
						 .label = T(r, box[i][1]), .inputmode = "decimal", .verbatim = 1, .lang = q->lang,
						 .value = param(r, box[i][0]), .control_class = "input-short" });
	ui_input(&b, &(struct ui_field){ .name = "address", .id = "f-fragment", .label = T(r, "reports.staff.fragment"),
					 .hint = T(r, "reports.staff.fragment.hint"), .lang = q->lang, .value = param(r, "address") });
	ui_input(&b, &(struct ui_field){ .name = "sort", .id = "f-sort", .label = T(r, "reports.staff.sort"), .inputmode = "numeric",
					 .lang = q->lang, .value = param(r, "sort"), .control_class = "input-short" });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"area-save\">%s</button></form>", T(r, "reports.staff.save"));
	return app_page_send(r, status, &b, &p);
}

int page_sreports_areas(struct http_req *r)
{
	return areas_page(r, 200, NULL);
}

int page_sreports_area_put(struct http_req *r)
{
	struct reports_area a;
	memset(&a, 0, sizeof a);
	int64_t sort = 0;
	const char *f[] = { param(r, "code"), param(r, "name_ja"), param(r, "name_en"), param(r, "address") };
	const char *bx[] = { param(r, "min_lat"), param(r, "min_lon"), param(r, "max_lat"), param(r, "max_lon") };
	int given = !!*bx[0] + !!*bx[1] + !!*bx[2] + !!*bx[3];
	if (strlen(f[0]) > REPORTS_CODE_MAX || strlen(f[1]) > REPORTS_NAME_MAX || strlen(f[2]) > REPORTS_NAME_MAX ||
	    strlen(f[3]) > REPORTS_NAME_MAX || (*param(r, "sort") && parse_i64(&sort, param(r, "sort"), 0, 99999)) ||
	    (given && given < 4) ||
	    (given == 4 && (rw_parse_deg(&a.min_lat, bx[0], 1) || rw_parse_deg(&a.min_lon, bx[1], 0) ||
			    rw_parse_deg(&a.max_lat, bx[2], 1) || rw_parse_deg(&a.max_lon, bx[3], 0))))
		return areas_page(r, 422, T(r, "reports.staff.error.area"));
	a.has_box = given == 4;
	snprintf(a.code, sizeof a.code, "%s", f[0]);
	snprintf(a.name_ja, sizeof a.name_ja, "%s", f[1]);
	snprintf(a.name_en, sizeof a.name_en, "%s", f[2]);
	snprintf(a.address, sizeof a.address, "%s", f[3]);
	a.sort = (int)sort;
	struct err e;
	int rc = reports_area_put(app_store(r), app_req(r)->tenant.code, &a, &e);
	app_audit(r, AUDIT_A_WRITE, "reports.area", a.code, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID)
		return areas_page(r, 422, T(r, "reports.staff.error.area"));
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/reports/areas?done=saved");
}

/* ---- routes ---- */

static int route_row(void *arg, const struct reports_route *rt)
{
	struct rows *x = arg;
	struct http_req *r = x->r;
	html_printf(x->b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><form method=\"post\" "
		    "action=\"/staff/reports/routes/%lld/delete\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\" class=\"button-secondary\">%s</button></form></td></tr>",
		    rt->category[0] ? rw_category_name(r, rt->category) : T(r, "reports.staff.any"),
		    rt->area[0] ? rt->area : T(r, "reports.staff.any"), rt->dept[0] ? rt->dept : rt->outside, rt->contact,
		    (long long)rt->id, app_req(r)->csrf, T(r, "reports.staff.delete"));
	return 0;
}

static int routes_page(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.staff.routes"), error ? "f-outside" : NULL, error);
	notice(&b, r);
	html_printf(&b, "<p><a href=\"/staff/reports\">%s</a> · <a href=\"/staff/reports/areas\">%s</a></p><p>%s</p><table id=\"routes\"><caption>%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "reports.staff.back"), T(r, "reports.staff.areas"),
		    T(r, "reports.staff.routes.lead"),
		    T(r, "reports.staff.routes"), T(r, "reports.field.category"), T(r, "reports.field.area"),
		    T(r, "reports.field.routed"), T(r, "reports.field.outside_contact"), T(r, "reports.staff.delete"));
	struct rows x = { r, &b, 0 };
	struct err e;
	reports_route_each(app_store(r), q->tenant.code, route_row, &x, &e);
	html_printf(&b, "</tbody></table><h2 id=\"route-h\">%s</h2><form method=\"post\" action=\"/staff/reports/routes\" "
		    "class=\"form\" aria-labelledby=\"route-h\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "reports.staff.route.add"), q->csrf);
	select_cats(&b, r, param(r, "category"), "reports.staff.any");
	select_areas(&b, r, param(r, "area"), "reports.staff.any");
	select_depts(&b, r, param(r, "dept"), "reports.staff.outside.pick");
	ui_input(&b, &(struct ui_field){ .name = "outside", .id = "f-outside", .label = T(r, "reports.field.outside"),
					 .value = param(r, "outside"), .lang = q->lang, .error = error });
	ui_textarea(&b, &(struct ui_field){ .name = "contact", .id = "f-contact", .label = T(r, "reports.field.outside_contact"),
					    .value = param(r, "contact"), .lang = q->lang }, 2);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"route-save\">%s</button></form>", T(r, "reports.staff.save"));
	return app_page_send(r, status, &b, &p);
}

int page_sreports_routes(struct http_req *r)
{
	return routes_page(r, 200, NULL);
}

int page_sreports_route_add(struct http_req *r)
{
	struct reports_route rt;
	memset(&rt, 0, sizeof rt);
	const char *outside = param(r, "outside");
	if (strlen(param(r, "category")) > REPORTS_CODE_MAX || strlen(param(r, "area")) > REPORTS_CODE_MAX ||
	    strlen(param(r, "dept")) > REPORTS_CODE_MAX || strlen(outside) > REPORTS_NAME_MAX ||
	    strlen(param(r, "contact")) > REPORTS_NOTE_MAX)
		return routes_page(r, 422, T(r, "reports.staff.error.route"));
	snprintf(rt.category, sizeof rt.category, "%s", param(r, "category"));
	snprintf(rt.area, sizeof rt.area, "%s", param(r, "area"));
	snprintf(rt.dept, sizeof rt.dept, "%s", *outside ? "" : param(r, "dept"));
	snprintf(rt.outside, sizeof rt.outside, "%s", outside);
	snprintf(rt.contact, sizeof rt.contact, "%s", param(r, "contact"));
	int64_t id = 0;
	struct err e;
	int rc = reports_route_put(&id, app_store(r), app_req(r)->tenant.code, &rt, &e);
	app_audit(r, AUDIT_A_WRITE, "reports.route", NULL, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_LIMIT)
		return routes_page(r, 422, T(r, rc == ERR_CONFLICT ? "reports.staff.error.route_exists" : "reports.staff.error.route"));
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/reports/routes?done=saved");
}

int page_sreports_route_delete(struct http_req *r)
{
	int64_t id;
	struct err e;
	if (id_of(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "reports.staff.error.no_route", "route: id");
	int rc = reports_route_delete(app_store(r), app_req(r)->tenant.code, id, &e);
	app_audit(r, AUDIT_A_WRITE, "reports.route", param(r, "id"), rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "reports.staff.error.no_route", e.detail);
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/reports/routes?done=saved");
}

/* ---- Open311 keys ---- */

static int key_row(void *arg, int64_t id, const char *name, int64_t created, int64_t revoked)
{
	struct rows *x = arg;
	struct http_req *r = x->r;
	html_printf(x->b, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>", (long long)id, name, rw_time(r, created));
	if (revoked)
		html_printf(x->b, "%s %s", T(r, "reports.staff.key.revoked"), rw_time(r, revoked));
	else
		html_printf(x->b, "<form method=\"post\" action=\"/staff/reports/keys/%lld/revoke\"><input type=\"hidden\" "
			    "name=\"csrf\" value=\"%s\"><button type=\"submit\" class=\"button-secondary\">%s</button></form>",
			    (long long)id, app_req(r)->csrf, T(r, "reports.staff.key.revoke"));
	buf_puts(x->b, "</td></tr>");
	return 0;
}

static int keys_page(struct http_req *r, int status, const char *error, const char *fresh)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.staff.keys"), error ? "f-name" : NULL, error);
	http_set_header(r, "cache-control", "no-store");
	notice(&b, r);
	if (fresh)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p><p><code id=\"apikey\">%s</code></p></div>",
			    T(r, "reports.staff.key.once"), fresh);
	html_printf(&b, "<p><a href=\"/staff/reports\">%s</a></p><p>%s</p><table id=\"keys\"><caption>%s</caption><thead><tr>"
		    "<th scope=\"col\">ID</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "reports.staff.back"), T(r, "reports.staff.keys.lead"), T(r, "reports.staff.keys"),
		    T(r, "reports.staff.key.name"), T(r, "reports.field.created"), T(r, "reports.field.state"));
	struct rows x = { r, &b, 0 };
	struct err e;
	reports_apikey_each(app_store(r), q->tenant.code, key_row, &x, &e);
	html_printf(&b, "</tbody></table><form method=\"post\" action=\"/staff/reports/keys\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	ui_input(&b, &(struct ui_field){ .name = "name", .id = "f-name", .label = T(r, "reports.staff.key.name"), .required = 1,
					 .maxlength = REPORTS_APIKEY_NAME_MAX / 3, .lang = q->lang, .error = error });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"key-add\">%s</button></form>", T(r, "reports.staff.key.add"));
	return app_page_send(r, status, &b, &p);
}

int page_sreports_keys(struct http_req *r)
{
	return keys_page(r, 200, NULL, NULL);
}

int page_sreports_key_add(struct http_req *r)
{
	char key[REPORTS_APIKEY_LEN + 1];
	int64_t id = 0;
	struct err e;
	int rc = reports_apikey_add(&id, key, app_store(r), app_req(r)->tenant.code, param(r, "name"), app_now(), &e);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	app_audit(r, AUDIT_A_WRITE, "reports.apikey", ids, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID)
		return keys_page(r, 422, T(r, "reports.staff.error.key_name"), NULL);
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	/* shown once, on this answer (no redirect: the key is in no URL) */
	return keys_page(r, 200, NULL, key);
}

int page_sreports_key_revoke(struct http_req *r)
{
	int64_t id;
	struct err e;
	if (id_of(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "reports.staff.error.no_key", "key: id");
	int rc = reports_apikey_revoke(app_store(r), app_req(r)->tenant.code, id, app_now(), &e);
	app_audit(r, AUDIT_A_WRITE, "reports.apikey", param(r, "id"), rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "reports.staff.error.no_key", e.detail);
	if (rc)
		return app_send_error(r, rc, "reports.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/reports/keys?done=saved");
}
