/*
 * page_collect.c -- the ordinary collection calendar (可燃ごみ・不燃ごみ・
 * 資源の日) on the web: for residents, for data users, for staff.
 *
 * GET /waste/calendar?area=CODE: choose the area in a select (a GET
 * form, no JavaScript), then the collection days of the next 4 weeks as a
 * table, a link to the iCalendar feed and its webcal:// address, the
 * open data files.
 * GET /waste/calendar/CODE.ics: the next 12 months as all-day events
 * (RFC 5545: CRLF, lines folded at 75 octets, stable UIDs).
 * GET /waste/5374/{area_days,target,description,center}.csv: the 5374
 * files as imported (collect.h: byte for byte for UTF-8 input); the header
 * row alone when nothing is published.
 * GET/POST /staff/waste/collect (waste.staff): upload the 5374 files;
 * every problem listed with its file, line and column; nothing changes
 * unless all files are right (one transaction).
 *
 * Invariants: the calendar is read from the database at each request
 * (nothing cached, an import shows at once); no personal data here.
 */
#include "web/app.h"
#include "web/ui.h"
#include "svc/waste/collect.h"
#include "svc/waste/web/waste_web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define WEEKS_SHOWN 4
#define ICS_DAYS 365

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static int load(struct waste_collect **c, struct http_req *r)
{
	struct err e;
	err_clear(&e);
	int rc = waste_collect_load(c, app_store(r), app_req(r)->tenant.code, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "waste.collect.error.none", "waste collect: no calendar");
	if (rc)
		return app_send_error(r, rc, "waste.collect.error.load", arena_printf(r->arena, "waste collect: %s", e.detail));
	return 0;
}

static void release(void *p)
{
	waste_collect_free(p);
}

/* the calendar for the request, freed with it; NULL when an error page
 * has been sent (*rc its answer) */
static struct waste_collect *calendar(struct http_req *r, int *rc)
{
	struct waste_collect *c = NULL;
	*rc = load(&c, r);
	if (*rc || !c)
		return NULL;
	if (arena_cleanup_add(r->arena, release, c)) {
		waste_collect_free(c);
		*rc = ERR_NOMEM;
		return NULL;
	}
	return c;
}

static const char *date_text(struct http_req *r, struct jp_date d)
{
	enum html_lang l = app_req(r)->lang;
	enum jp_weekday w = jp_date_weekday(d);
	if (l == HTML_EN)
		return arena_printf(r->arena, "%s %d/%d", jp_weekday_name_en(w), d.m, d.d);
	return arena_printf(r->arena, "%d月%d日（%s）", d.m, d.d, jp_weekday_name_ja(w));
}

static const char *webcal(struct http_req *r, const char *code)
{
	const char *host = http_authority(r);
	return arena_printf(r->arena, "webcal://%s%s/waste/calendar/%s.ics", host && *host ? host : "localhost",
			    r->base ? r->base : "", code);
}

static void open_data_links(struct buf *b, struct http_req *r, const struct waste_collect *c)
{
	html_printf(b, "<section aria-labelledby=\"wc-od\"><h2 id=\"wc-od\">%s</h2><p>%s</p><ul>",
		    T(r, "waste.collect.opendata"), T(r, "waste.collect.opendata.lead"));
	for (int f = 0; f < WASTE_COLLECT_FILES_; f++)
		if (c->form[f].present)
			html_printf(b, "<li><a href=\"/waste/5374/%s\">%s</a></li>", waste_collect_file_name(f),
				    waste_collect_file_name(f));
	buf_puts(b, "</ul></section>");
}

/* the page of a municipality that has published no calendar */
static int page_none(struct http_req *r)
{
	struct html_page p;
	app_page(r, &p, T(r, "waste.collect.title"));
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.collect.title"), NULL, NULL);
	html_printf(&b, "<p class=\"waste-none\">%s</p>", T(r, "waste.collect.error.none"));
	return app_page_send(r, 200, &b, &p);
}

int page_waste_calendar(struct http_req *r)
{
	struct waste_collect *c = NULL;
	struct err e;
	int rc = waste_collect_load(&c, app_store(r), app_req(r)->tenant.code, &e);
	if (rc == ERR_NOTFOUND)
		return page_none(r);
	if (rc)
		return app_send_error(r, rc, "waste.collect.error.load", arena_printf(r->arena, "waste collect: %s", e.detail));
	if (arena_cleanup_add(r->arena, release, c)) {
		waste_collect_free(c);
		return ERR_NOMEM;
	}
	enum html_lang l = app_req(r)->lang;
	const char *code = http_param(r, "area");
	const struct waste_collect_area *a = code && *code ? waste_collect_area_find(c, code) : NULL;
	if (code && *code && !a)
		return app_send_error(r, ERR_NOTFOUND, "waste.collect.error.area", arena_printf(r->arena, "waste collect: no area %s", code));
	struct html_page p;
	app_page(r, &p, T(r, "waste.collect.title"));
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.collect.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p>", T(r, "waste.collect.lead"));
	struct ui_option *o = arena_alloc(r->arena, sizeof *o * (size_t)(c->nareas ? c->nareas : 1));
	if (!o) {
		buf_done(&b);
		return ERR_NOMEM;
	}
	for (int i = 0; i < c->nareas; i++)
		o[i] = (struct ui_option){ c->area[i].code, c->area[i].name };
	html_printf(&b, "<form method=\"get\" action=\"/waste/calendar\" class=\"form waste-area-form\">");
	ui_select(&b, &(struct ui_field){ .name = "area", .id = "wc-area", .label = T(r, "waste.collect.area"),
					  .hint = T(r, "waste.collect.area.hint"), .value = a ? a->code : NULL,
					  .lang = l },
		  o, c->nareas, T(r, "waste.collect.area.choose"));
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "waste.collect.show"));
	if (a) {
		struct jp_date today = waste_web_today(r), to = jp_date_add_days(today, WEEKS_SHOWN * 7 - 1);
		struct waste_collect_day days[WEEKS_SHOWN * 7];
		int n = waste_collect_days(days, WEEKS_SHOWN * 7, c, a, today, to);
		html_printf(&b, "<section aria-labelledby=\"wc-days\" class=\"waste-days\"><h2 id=\"wc-days\">");
		html_printf(&b, T(r, "waste.collect.days"), a->name);   /* checksrc: fmt-ok */
		html_printf(&b, "</h2>");
		if (n <= 0) {
			html_printf(&b, "<p>%s</p>", T(r, "waste.collect.days.none"));
		} else {
			html_printf(&b, "<table class=\"waste-days-table\"><caption>%s – %s</caption>"
				    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
				    date_text(r, today), date_text(r, to), T(r, "waste.collect.col.date"),
				    T(r, "waste.collect.col.what"));
			for (int i = 0; i < n; i++) {
				html_printf(&b, "<tr><th scope=\"row\"><time datetime=\"%s\">%s</time></th><td lang=\"ja\">",
					    arena_printf(r->arena, "%04d-%02d-%02d", days[i].date.y, days[i].date.m,
							 days[i].date.d),
					    date_text(r, days[i].date));
				int first = 1;
				for (int k = 0; k < c->ncats; k++)
					if (days[i].cats & (1u << k)) {
						html_printf(&b, "%s<span class=\"waste-cat\">%s</span>", first ? "" : "、", c->cat[k]);
						first = 0;
					}
				buf_puts(&b, "</td></tr>");
			}
			buf_puts(&b, "</tbody></table>");
		}
		html_printf(&b, "<p>%s</p></section>", T(r, "waste.collect.closed"));
		const char *ics = arena_printf(r->arena, "/waste/calendar/%s.ics", a->code);
		html_printf(&b, "<section aria-labelledby=\"wc-sub\"><h2 id=\"wc-sub\">%s</h2>"
			    "<p><a href=\"%s\" class=\"waste-ics\" type=\"text/calendar\">%s</a></p>"
			    "<p id=\"wc-webcal-hint\">%s</p><p><code class=\"waste-webcal\">%s</code></p>"
			    "<p><a href=\"%s\" aria-describedby=\"wc-webcal-hint\">%s</a></p></section>",
			    T(r, "waste.collect.subscribe"), ics, T(r, "waste.collect.ics"),
			    T(r, "waste.collect.webcal.hint"), webcal(r, a->code), webcal(r, a->code),
			    T(r, "waste.collect.webcal"));
	}
	open_data_links(&b, r, c);
	return app_page_send(r, 200, &b, &p);
}

/* ---- iCalendar ---- */

/* one content line, folded at 75 octets (never inside a UTF-8
 * character), ended by CRLF */
static void ics_line(struct buf *b, const char *s)
{
	int n = 0;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		int k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (n + k > 75) {
			buf_puts(b, "\r\n ");
			n = 1;
		}
		buf_append(b, s, (size_t)k);
		n += k;
		s += k;
	}
	buf_puts(b, "\r\n");
}

/* TEXT escaped (RFC 5545 3.3.11) after name: */
static void ics_text(struct buf *b, struct arena *a, const char *name, const char *v)
{
	struct buf t;
	buf_init(&t, 8192);
	buf_puts(&t, name);
	buf_putc(&t, ':');
	for (; *v; v++) {
		if (*v == '\\' || *v == ';' || *v == ',')
			buf_putc(&t, '\\');
		if (*v == '\n') {
			buf_puts(&t, "\\n");
			continue;
		}
		if (*v != '\r')
			buf_putc(&t, *v);
	}
	(void)a;
	ics_line(b, buf_cstr(&t));
	buf_done(&t);
}

static unsigned label_hash(const char *s)
{
	unsigned h = 2166136261u;   /* FNV-1a: a stable short id of a category label */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int page_waste_calendar_ics(struct http_req *r)
{
	const char *p = http_param(r, "file");
	size_t n = p ? strlen(p) : 0;
	if (n < 5 || strcmp(p + n - 4, ".ics") != 0)
		return app_send_error(r, ERR_NOTFOUND, "waste.collect.error.area", "waste collect: not .ics");
	int rc;
	struct waste_collect *c = calendar(r, &rc);
	if (!c)
		return rc;
	char code[WASTE_COLLECT_CODE_LEN + 1];
	snprintf(code, sizeof code, "%.*s", (int)(n - 4), p);
	const struct waste_collect_area *a = n - 4 == WASTE_COLLECT_CODE_LEN ? waste_collect_area_find(c, code) : NULL;
	if (!a)
		return app_send_error(r, ERR_NOTFOUND, "waste.collect.error.area", "waste collect: no area");
	struct jp_date today = waste_web_today(r);
	struct waste_collect_day *d = arena_alloc(r->arena, sizeof *d * ICS_DAYS);
	if (!d)
		return ERR_NOMEM;
	int nd = waste_collect_days(d, ICS_DAYS, c, a, today, jp_date_add_days(today, ICS_DAYS - 1));
	if (nd < 0)
		return app_send_error(r, nd, "waste.collect.error.load", "waste collect: days");
	int64_t now = app_now();
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "DTSTAMP:%Y%m%dT%H%M%SZ", &tm);
	const char *tenant = app_req(r)->tenant.code;
	struct buf b;
	buf_init(&b, 8u << 20);
	ics_line(&b, "BEGIN:VCALENDAR");
	ics_line(&b, "VERSION:2.0");
	ics_line(&b, "PRODID:-//madoguchi//waste collection calendar//JA");
	ics_line(&b, "CALSCALE:GREGORIAN");
	ics_line(&b, "METHOD:PUBLISH");
	ics_text(&b, r->arena, "X-WR-CALNAME",
		 arena_printf(r->arena, "%s %s：%s", app_req(r)->tenant.name_ja, "ごみ収集日カレンダー", a->name));
	ics_line(&b, "X-WR-TIMEZONE:Asia/Tokyo");
	ics_line(&b, "REFRESH-INTERVAL;VALUE=DURATION:P1D");   /* RFC 7986: subscribers look daily */
	ics_line(&b, "X-PUBLISHED-TTL:P1D");
	for (int i = 0; i < nd; i++) {
		struct jp_date x = d[i].date, y = jp_date_add_days(x, 1);
		for (int k = 0; k < c->ncats; k++) {
			if (!(d[i].cats & (1u << k)))
				continue;
			ics_line(&b, "BEGIN:VEVENT");
			ics_line(&b, arena_printf(r->arena, "UID:%04d%02d%02d-%s-%08x@%s.waste.madoguchi", x.y, x.m, x.d,
						  a->code, label_hash(c->cat[k]), tenant));
			ics_line(&b, stamp);
			ics_line(&b, arena_printf(r->arena, "DTSTART;VALUE=DATE:%04d%02d%02d", x.y, x.m, x.d));
			ics_line(&b, arena_printf(r->arena, "DTEND;VALUE=DATE:%04d%02d%02d", y.y, y.m, y.d));
			ics_text(&b, r->arena, "SUMMARY", c->cat[k]);
			ics_line(&b, "TRANSP:TRANSPARENT");
			ics_line(&b, "END:VEVENT");
		}
	}
	ics_line(&b, "END:VCALENDAR");
	size_t len = b.len;
	char *body = arena_alloc(r->arena, len + 1);
	if (!body) {
		buf_done(&b);
		return ERR_NOMEM;
	}
	memcpy(body, buf_cstr(&b), len);
	buf_done(&b);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "inline; filename=\"waste-%s.ics\"", a->code));
	return http_send(r, 200, "text/calendar; charset=utf-8", body, len);
}

/* ---- the 5374 files ---- */

static int send_file(struct http_req *r, enum waste_collect_file f)
{
	/* nothing published: the header row alone (an empty data set) */
	struct waste_collect *c = NULL;
	struct err e;
	int rc = waste_collect_load(&c, app_store(r), app_req(r)->tenant.code, &e);
	if (rc && rc != ERR_NOTFOUND)
		return app_send_error(r, rc, "waste.collect.error.load", arena_printf(r->arena, "waste collect: %s", e.detail));
	if (c && arena_cleanup_add(r->arena, release, c)) {
		waste_collect_free(c);
		return ERR_NOMEM;
	}
	struct buf b;
	buf_init(&b, 16u << 20);
	rc = waste_collect_export(&b, c, f, &e);
	if (rc) {
		buf_done(&b);
		return app_send_error(r, rc, "waste.collect.error.load", arena_printf(r->arena, "waste collect: %s", e.detail));
	}
	size_t len = b.len;
	char *body = arena_alloc(r->arena, len + 1);
	if (!body) {
		buf_done(&b);
		return ERR_NOMEM;
	}
	memcpy(body, buf_cstr(&b), len);
	buf_done(&b);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "attachment; filename=\"%s\"", waste_collect_file_name(f)));
	return http_send(r, 200, "text/csv; charset=utf-8", body, len);
}

int page_waste_5374_area_days(struct http_req *r)
{
	return send_file(r, WASTE_COLLECT_AREA_DAYS);
}

int page_waste_5374_target(struct http_req *r)
{
	return send_file(r, WASTE_COLLECT_TARGET);
}

int page_waste_5374_description(struct http_req *r)
{
	return send_file(r, WASTE_COLLECT_DESCRIPTION);
}

int page_waste_5374_center(struct http_req *r)
{
	return send_file(r, WASTE_COLLECT_CENTER);
}

/* ---- staff ---- */

static const char *const upload_names[WASTE_COLLECT_FILES_] = { "area_days", "target", "description", "center" };

static void upload_form(struct buf *b, struct http_req *r, int invalid)
{
	enum html_lang l = app_req(r)->lang;
	html_printf(b, "<section aria-labelledby=\"wc-up\"><h2 id=\"wc-up\">%s</h2><p>%s</p>"
		       "<form method=\"post\" action=\"/staff/waste/collect\" enctype=\"multipart/form-data\" class=\"form\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "waste.collect.staff.upload"), T(r, "waste.collect.staff.upload.lead"), app_req(r)->csrf);
	for (int f = 0; f < WASTE_COLLECT_FILES_; f++)
		ui_file(b, &(struct ui_field){ .name = upload_names[f], .id = arena_printf(r->arena, "wc-%s", upload_names[f]),
					       .label = waste_collect_file_name(f), .accept = ".csv,text/csv",
					       .required = f != WASTE_COLLECT_CENTER, .invalid = invalid && f == 0,
					       .hint = f == WASTE_COLLECT_CENTER ? T(r, "waste.collect.staff.center.hint") : NULL,
					       .lang = l });
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form></section>",
		    T(r, "waste.collect.staff.submit"));
}

/* what is published now, the links to it */
static void staff_current(struct buf *b, struct http_req *r)
{
	struct waste_collect *c = NULL;
	struct err e;
	if (waste_collect_load(&c, app_store(r), app_req(r)->tenant.code, &e) != 0) {
		html_printf(b, "<p>%s</p>", T(r, "waste.collect.staff.none"));
		return;
	}
	html_printf(b, "<section aria-labelledby=\"wc-now\"><h2 id=\"wc-now\">%s</h2><p>",
		    T(r, "waste.collect.staff.current"));
	html_printf(b, T(r, "waste.collect.staff.counts"), c->nareas, c->ncats, c->ntargets);   /* checksrc: fmt-ok */
	buf_puts(b, "</p>");
	html_printf(b, "<p><a href=\"/waste/calendar\">%s</a></p></section>", T(r, "waste.collect.title"));
	open_data_links(b, r, c);
	waste_collect_free(c);
}

int page_staff_waste_collect(struct http_req *r)
{
	struct html_page p;
	app_page(r, &p, T(r, "waste.collect.staff.title"));
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.collect.staff.title"), NULL, NULL);
	const char *done = http_param(r, "done");
	if (done && strcmp(done, "1") == 0)
		html_printf(&b, "<div class=\"notice notice-success\" role=\"status\"><p>%s</p></div>",
			    T(r, "waste.collect.staff.done"));
	staff_current(&b, r);
	upload_form(&b, r, 0);
	return app_page_send(r, 200, &b, &p);
}

int page_staff_waste_collect_post(struct http_req *r)
{
	const char *data[WASTE_COLLECT_FILES_] = { 0 };
	size_t len[WASTE_COLLECT_FILES_] = { 0 };
	for (int f = 0; f < WASTE_COLLECT_FILES_; f++) {
		const struct http_part *part = http_file(r, upload_names[f]);
		if (part && part->len > 0) {
			data[f] = part->data;
			len[f] = part->len;
		}
	}
	struct waste_collect_problems *pr = arena_alloc(r->arena, sizeof *pr);
	if (!pr)
		return ERR_NOMEM;
	struct waste_collect *c = NULL;
	struct err e;
	err_clear(&e);
	int rc = waste_collect_parse(&c, data, len, pr, &e);
	if (rc == 0) {
		rc = waste_collect_import(app_store(r), app_req(r)->tenant.code, c, &e);
		waste_collect_free(c);
		app_audit(r, "waste.collect.import", "waste_collect", app_req(r)->tenant.code, rc ? "error" : "ok");
		if (rc)
			return app_send_error(r, rc, "waste.collect.error.load", arena_printf(r->arena, "waste collect import: %s", e.detail));
		return http_redirect(r, 303, "/staff/waste/collect?done=1");
	}
	if (rc != ERR_INVALID)
		return app_send_error(r, rc, "waste.collect.error.load", arena_printf(r->arena, "waste collect parse: %s", e.detail));
	enum html_lang l = app_req(r)->lang;
	struct html_page p;
	app_page(r, &p, T(r, "waste.collect.staff.title"));
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.collect.staff.title"), "wc-problems",
		      arena_printf(r->arena, T(r, "waste.collect.staff.refused"), pr->n + pr->more));
	html_printf(&b, "<section id=\"wc-problems\" tabindex=\"-1\" aria-labelledby=\"wc-pr-h\"><h2 id=\"wc-pr-h\">%s</h2>"
		       "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"wc-pr-cap\" tabindex=\"0\">"
		       "<table class=\"report\"><caption id=\"wc-pr-cap\">%s</caption><thead><tr>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "</tr></thead><tbody>",
		    T(r, "waste.collect.staff.problems"), T(r, "waste.collect.staff.problems"),
		    T(r, "waste.collect.staff.col.file"), T(r, "waste.collect.staff.col.line"),
		    T(r, "waste.collect.staff.col.column"), T(r, "waste.collect.staff.col.what"));
	for (int i = 0; i < pr->n; i++) {
		const struct waste_collect_problem *q = &pr->p[i];
		const char *msg = html_t(l, arena_printf(r->arena, "waste.collect.p.%s", q->code));
		html_printf(&b, "<tr class=\"wc-problem\"><td>%s</td><td>%s</td><td>%s</td><td>%s <span lang=\"en\">(%s)</span></td></tr>",
			    waste_collect_file_name(q->file), q->line ? arena_printf(r->arena, "%ld", q->line) : "–",
			    q->col ? arena_printf(r->arena, "%d", q->col) : "–", msg, q->what);
	}
	buf_puts(&b, "</tbody></table></div>");
	if (pr->more) {
		html_printf(&b, "<p>");
		html_printf(&b, T(r, "waste.collect.staff.more"), pr->more);   /* checksrc: fmt-ok */
		html_printf(&b, "</p>");
	}
	buf_puts(&b, "</section>");
	upload_form(&b, r, 1);
	return app_page_send(r, 422, &b, &p);
}
