/*
 * page_staff_facilities.c -- the staff's list of facilities, their CSV
 * and their closures:
 *   GET  /staff/facilities                        the facilities (links to each one's
 *                                                 week, usage, closures), the lottery's
 *                                                 pages; CSV export and import (master)
 *   GET  /staff/facilities.csv?enc=utf8|cp932     booking_csv_export (UTF-8 with BOM),
 *                                                 or CP932 through jp's converter
 *   POST /staff/facilities/import                 a CSV file (multipart): booking_csv_import;
 *                                                 all or nothing, an error names its line
 *   GET  /staff/facilities/{code}/closures        the closures of a facility, a form to add
 *   POST /staff/facilities/{code}/closures        add one: refused while bookings in force
 *                                                 meet it unless "close anyway" is ticked
 *                                                 (the page says how many)
 *   POST /staff/facilities/{code}/closures/{id}/remove
 * The router has checked the permission (the list: booking.staff; the
 * rest: booking.master) and the CSRF token.  Every change is audited.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "svc/booking/web/booking_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bstaff_t

/* ---- the list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
	int master, n;
};

static int list_row(void *arg, const struct booking_facility *f)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	c->n++;
	html_printf(c->b, "<tr data-facility=\"%s\"><td><a href=\"/staff/facilities/%s/calendar\">%s</a></td>"
		    "<td><code>%s</code></td><td><code>%s</code></td><td>%d</td><td>%d</td><td>"
		    "<a href=\"/staff/facilities/%s/calendar\">%s</a> · <a href=\"/staff/facilities/%s/usage\">%s</a>",
		    f->code, f->code, bstaff_name(r, f->name_ja, f->name_en), f->code, f->kind, f->nunits, f->nbands,
		    f->code, T(r, "booking.staff.calendar"), f->code, T(r, "booking.staff.usage"));
	if (c->master)
		html_printf(c->b, " · <a href=\"/staff/facilities/%s/closures\">%s</a>"
			    " · <a href=\"/staff/facilities/%s/photos\">%s</a>", f->code,
			    T(r, "booking.staff.closures"), f->code, T(r, "booking.staff.photos"));
	buf_puts(c->b, "</td></tr>\n");
	return 0;
}

static int list_page(struct http_req *r, int status, const char *error, const char *notice)
{
	struct app_req *q = app_req(r);
	int master = app_staff_holds(r, BOOKING_PERM_MASTER);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.staff.title"), error ? "f-file" : NULL, error);
	http_set_header(r, "cache-control", "no-store");
	bstaff_notice(&b, notice);
	html_printf(&b, "<p>%s</p><ul class=\"bstaff-menu\"><li><a href=\"/staff/facilities/groups\">%s</a></li>",
		    T(r, "booking.staff.lead"), T(r, "booking.staff.groups.title"));
	if (master)
		html_printf(&b, "<li><a href=\"/staff/facilities/rules\">%s</a></li>"
			    "<li><a href=\"/staff/facilities/rounds\">%s</a></li>",
			    T(r, "booking.staff.rules.title"), T(r, "booking.staff.rounds.title"));
	buf_puts(&b, "</ul>\n");
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"fac-cap\" tabindex=\"0\">"
		    "<table id=\"facilities\"><caption id=\"fac-cap\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    T(r, "booking.staff.facilities"), T(r, "booking.staff.col.name"), T(r, "booking.staff.col.code"),
		    T(r, "booking.staff.col.kind"), T(r, "booking.staff.col.units"), T(r, "booking.staff.col.bands"),
		    T(r, "booking.staff.col.pages"));
	struct list_ctx c = { r, &b, master, 0 };
	struct err e;
	int rc = booking_facilities_each(app_store(r), q->tenant.code, list_row, &c, &e);
	if (rc) {
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	buf_puts(&b, "</tbody></table></div>\n");
	if (!c.n)
		html_printf(&b, "<p id=\"facilities-none\">%s</p>", T(r, "booking.staff.none"));
	if (master) {
		html_printf(&b, "<section aria-labelledby=\"csv-h\"><h2 id=\"csv-h\">%s</h2><p>%s</p><ul>"
			    "<li><a id=\"csv-utf8\" href=\"/staff/facilities.csv?enc=utf8\" download>%s</a></li>"
			    "<li><a id=\"csv-cp932\" href=\"/staff/facilities.csv?enc=cp932\" download>%s</a></li></ul>",
			    T(r, "booking.staff.csv.title"), T(r, "booking.staff.csv.lead"), T(r, "booking.staff.csv.utf8"),
			    T(r, "booking.staff.csv.cp932"));
		html_printf(&b, "<form method=\"post\" action=\"/staff/facilities/import\" enctype=\"multipart/form-data\""
			    " class=\"form\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
		ui_file(&b, &(struct ui_field){ .name = "file", .id = "f-file", .label = T(r, "booking.staff.csv.file"),
						.hint = T(r, "booking.staff.csv.hint"), .accept = ".csv,text/csv",
						.required = 1, .error = error, .lang = q->lang });
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"csv-import\">%s</button></form></section>\n",
			    T(r, "booking.staff.csv.import"));
	}
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_facilities(struct http_req *r)
{
	const char *n = http_param(r, "imported");
	return list_page(r, 200, NULL, n ? arena_printf(r->arena, T(r, "booking.staff.csv.imported"), atoi(n)) : NULL);
}

int page_bstaff_csv(struct http_req *r)
{
	struct buf b;
	buf_init(&b, BOOKING_CSV_MAX);
	struct err e;
	int rc = booking_csv_export(&b, app_store(r), app_req(r)->tenant.code, &e);
	app_audit(r, AUDIT_A_EXPORT, "booking.facilities", "csv", rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc) {
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	return bstaff_send_csv(r, &b, "facilities");
}

int page_bstaff_import(struct http_req *r)
{
	const struct http_part *f = http_file(r, "file");
	if (!f || !f->len)
		return list_page(r, 422, T(r, "booking.staff.csv.error.none"), NULL);
	int nfac = 0;
	struct err e;
	err_clear(&e);
	int rc = booking_csv_import(app_store(r), app_req(r)->tenant.code, f->data, f->len, &nfac, &e);
	app_audit(r, AUDIT_A_WRITE, "booking.facilities", "import", rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID || rc == ERR_LIMIT || rc == ERR_CONFLICT) {
		log_info("booking: facilities CSV refused", "detail", e.detail);
		const char *msg = e.line ? arena_printf(r->arena, T(r, "booking.staff.csv.error.line"), (long)e.line, e.detail)
					 : arena_printf(r->arena, T(r, "booking.staff.csv.error.file"), e.detail);
		return list_page(r, 422, msg, NULL);
	}
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities?imported=%d", nfac));
}

/* ---- closures ---- */

struct closure_ctx {
	struct http_req *r;
	struct buf *b;
	const struct booking_facility *f;
	int n;
};

static int closure_row(void *arg, const struct booking_closure *c)
{
	struct closure_ctx *x = arg;
	struct http_req *r = x->r;
	const struct booking_unit *u = c->unit[0] ? booking_unit_find(x->f, c->unit) : NULL;
	x->n++;
	html_printf(x->b, "<tr data-closure=\"%lld\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>"
		    "<form method=\"post\" action=\"/staff/facilities/%s/closures/%lld/remove\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\" class=\"button-secondary\">%s</button></form></td></tr>\n",
		    (long long)c->id, bstaff_iso(r, c->from_day), bstaff_iso(r, c->to_day),
		    u ? bstaff_name(r, u->name_ja, u->name_en) : c->unit[0] ? c->unit : T(r, "booking.staff.closure.whole"),
		    c->reason[0] ? c->reason : "—", x->f->code, (long long)c->id, app_req(r)->csrf,
		    T(r, "booking.staff.closure.remove"));
	return 0;
}

struct closure_form {
	const char *unit, *from, *to, *reason;
	const char *field, *error;
	int busy;   /* bookings in force the refused closure meets */
};

static int closures_page(struct http_req *r, int status, const struct booking_facility *f,
			 const struct closure_form *v, const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "booking.staff.closures.title"),
					      bstaff_name(r, f->name_ja, f->name_en)), v->field, v->error);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a> · "
		    "<a href=\"/staff/facilities/%s/calendar\">%s</a></p>",
		    T(r, "booking.staff.title"), f->code, T(r, "booking.staff.calendar"));
	bstaff_notice(&b, notice);
	html_printf(&b, "<table id=\"closures\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>",
		    T(r, "booking.staff.closures"), T(r, "booking.staff.closure.from"), T(r, "booking.staff.closure.to"),
		    T(r, "booking.staff.closure.unit"), T(r, "booking.staff.closure.reason"), T(r, "booking.staff.col.action"));
	struct closure_ctx c = { r, &b, f, 0 };
	struct err e;
	int rc = booking_closures_each(app_store(r), q->tenant.code, f->code, closure_row, &c, &e);
	if (rc < 0) {
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	buf_puts(&b, "</tbody></table>");
	if (!c.n)
		html_printf(&b, "<p id=\"closures-none\">%s</p>", T(r, "booking.staff.closures.none"));
	html_printf(&b, "<h2 id=\"closure-add-h\">%s</h2>", T(r, "booking.staff.closure.add"));
	if (v->busy)
		html_printf(&b, "<p class=\"warning\" id=\"closure-busy\">%s</p>",
			    arena_printf(r->arena, T(r, "booking.staff.closure.busy"), v->busy));
	html_printf(&b, "<form method=\"post\" action=\"/staff/facilities/%s/closures\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", f->code, q->csrf);
	struct ui_option *o = arena_alloc(r->arena, sizeof *o * (BOOKING_UNITS_MAX + 1));
	if (!o) {
		buf_done(&b);
		return ERR_NOMEM;
	}
	int no = 0;
	o[no++] = (struct ui_option){ "", T(r, "booking.staff.closure.whole") };
	for (int i = 0; i < f->nunits; i++)
		o[no++] = (struct ui_option){ f->units[i].code, bstaff_name(r, f->units[i].name_ja, f->units[i].name_en) };
	ui_select(&b, &(struct ui_field){ .name = "unit", .id = "f-unit", .label = T(r, "booking.staff.closure.unit"),
					  .value = v->unit, .lang = q->lang }, o, no, NULL);
	ui_input(&b, &(struct ui_field){ .name = "from", .id = "f-from", .label = T(r, "booking.staff.closure.from"),
					 .type = "date", .value = v->from, .required = 1, .lang = q->lang,
					 .error = v->field && !strcmp(v->field, "f-from") ? v->error : NULL });
	ui_input(&b, &(struct ui_field){ .name = "to", .id = "f-to", .label = T(r, "booking.staff.closure.to"),
					 .type = "date", .value = v->to, .required = 1, .lang = q->lang });
	ui_input(&b, &(struct ui_field){ .name = "reason", .id = "f-reason", .label = T(r, "booking.staff.closure.reason"),
					 .value = v->reason, .maxlength = BOOKING_NAME_MAX, .lang = q->lang });
	ui_checkbox(&b, &(struct ui_field){ .name = "force", .id = "f-force", .label = T(r, "booking.staff.closure.force"),
					    .hint = T(r, "booking.staff.closure.force.hint"), .lang = q->lang,
					    .error = v->field && !strcmp(v->field, "f-force") ? v->error : NULL }, 0);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"closure-add\">%s</button></form>",
		    T(r, "booking.staff.closure.add"));
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_closures(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	const char *done = http_param(r, "done");
	const char *notice = !done ? NULL : !strcmp(done, "added") ? T(r, "booking.staff.closure.added")
					  : !strcmp(done, "removed") ? T(r, "booking.staff.closure.removed") : NULL;
	long td = bstaff_today();
	struct closure_form v = { "", bstaff_iso(r, td), bstaff_iso(r, td), "", NULL, NULL, 0 };
	return closures_page(r, 200, f, &v, notice);
}

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

int page_bstaff_closure_add(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	struct closure_form v = { param(r, "unit"), param(r, "from"), param(r, "to"), param(r, "reason"), NULL, NULL, 0 };
	const char *force = http_param(r, "force");
	struct booking_closure c;
	memset(&c, 0, sizeof c);
	snprintf(c.facility, sizeof c.facility, "%s", f->code);
	if (bstaff_day_parse(&c.from_day, v.from) || bstaff_day_parse(&c.to_day, v.to) || c.to_day < c.from_day) {
		v.field = "f-from";
		v.error = T(r, "booking.staff.closure.error.days");
		return closures_page(r, 422, f, &v, NULL);
	}
	if (*v.unit && !booking_unit_find(f, v.unit)) {
		v.field = "f-unit";
		v.error = T(r, "booking.staff.closure.error.unit");
		return closures_page(r, 422, f, &v, NULL);
	}
	snprintf(c.unit, sizeof c.unit, "%s", v.unit);
	snprintf(c.reason, sizeof c.reason, "%s", v.reason);
	int64_t id = 0;
	int busy = 0;
	struct err e;
	rc = booking_closure_add(&id, &busy, app_store(r), app_req(r)->tenant.code, &c, force && !strcmp(force, "1"), &e);
	char oid[48];
	snprintf(oid, sizeof oid, "%s:%lld", f->code, (long long)id);
	app_audit(r, AUDIT_A_WRITE, "booking.closure", oid, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_CONFLICT) {
		v.field = "f-force";
		v.busy = busy;
		v.error = arena_printf(r->arena, T(r, "booking.staff.closure.error.busy"), busy);
		return closures_page(r, 409, f, &v, NULL);
	}
	if (rc == ERR_INVALID) {
		v.field = "f-from";
		v.error = T(r, "booking.staff.closure.error.days");
		return closures_page(r, 422, f, &v, NULL);
	}
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/%s/closures?done=added", f->code));
}

struct closure_find {
	int64_t id;
	int found;
};

static int closure_is(void *arg, const struct booking_closure *c)
{
	struct closure_find *x = arg;
	if (c->id == x->id)
		x->found = 1;
	return 0;
}

int page_bstaff_closure_remove(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	const char *ids = http_param(r, "id");
	int64_t id = ids ? strtoll(ids, NULL, 10) : 0;
	/* the closure must be of this facility (the path names both) */
	struct closure_find look = { id, 0 };
	struct err e;
	rc = booking_closures_each(app_store(r), app_req(r)->tenant.code, f->code, closure_is, &look, &e);
	if (rc < 0)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	if (!look.found)
		return app_send_error(r, ERR_NOTFOUND, "booking.staff.error.closure", "closure: not of this facility");
	rc = booking_closure_remove(app_store(r), app_req(r)->tenant.code, id, &e);
	app_audit(r, AUDIT_A_WRITE, "booking.closure", ids ? ids : "-", rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.staff.error.closure", e.detail);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/%s/closures?done=removed", f->code));
}
