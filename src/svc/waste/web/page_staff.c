/*
 * page_staff.c -- the staff side of bulky-waste bookings (清掃事務所).
 *
 * Staff (permission waste.staff; opening calendars waste.master):
 *   GET  /staff/waste                  the load of collection days: a table
 *                                      day × area of booked / capacity
 *                                      (from..to, default today..+14 days;
 *                                      one area or all), each cell a link
 *                                      to that day's bookings; the form
 *                                      that opens calendars
 *   GET  /staff/waste/day?day=&area=   the bookings of a day (cancelled
 *                                      ones shown or hidden), links to the
 *                                      route list PDF and CSV (route_list.c)
 *   GET  /staff/waste/booking/{number} one booking, with its cancel and
 *                                      change-of-day forms
 *   POST /staff/waste/booking/{number}/cancel  cancel (a phone call)
 *   POST /staff/waste/booking/{number}/move    to another day with room
 *   POST /staff/waste/calendar         open days (waste_calendar_open)
 *
 * Invariants: every page that shows personal data writes one audit
 * record (data.read; the day page "DAY/AREA", the booking its number,
 * never the data); every write is audited (waste.cancel, waste.move,
 * waste.calendar.open) with its result; the cut-off and the room on a day
 * are the domain's (waste_cancel, waste_move), the pages only offer what
 * it would accept; a refused form comes back with the error summary
 * linking to its field.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "base/util.h"
#include "jp/date.h"
#include "svc/waste/waste.h"
#include "svc/waste/waste_int.h"
#include "svc/waste/web/waste_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_DAYS_DEFAULT 14
#define LOAD_DAYS_MAX 62           /* days one load table shows      */
#define MOVE_DAYS_AHEAD 90         /* days offered for a change      */
#define MOVE_OFFER_MAX 40

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static const char *iso(struct http_req *r, struct jp_date d)
{
	char buf[JP_DATE_ISO_SIZE];
	if (jp_date_format_iso(buf, sizeof buf, d, NULL))
		return "";
	return arena_strdup(r->arena, buf);
}

/* 「2026-12-10（木）」, "2026-12-10 (Thu)" */
static const char *day_label(struct http_req *r, struct jp_date d)
{
	enum jp_weekday w = jp_date_weekday(d);
	if (app_req(r)->lang == HTML_EN) {
		char en[4];
		snprintf(en, sizeof en, "%s", jp_weekday_name_en(w));
		return arena_printf(r->arena, "%s (%s)", iso(r, d), en);
	}
	return arena_printf(r->arena, "%s（%s）", iso(r, d), jp_weekday_name_ja(w));
}

static const char *pay_label(struct http_req *r, enum waste_pay p)
{
	return T(r, p == WASTE_PAID_TICKETS ? "waste.staff.pay.tickets" :
		    p == WASTE_PAID_ONLINE ? "waste.staff.pay.online" : "waste.staff.pay.unpaid");
}

static const char *num(struct http_req *r, long v)
{
	char d[32], o[48];
	snprintf(d, sizeof d, "%ld", v < 0 ? -v : v);
	size_t n = strlen(d), k = 0;
	if (v < 0)
		o[k++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			o[k++] = ',';
		o[k++] = d[i];
	}
	o[k] = '\0';
	return arena_strdup(r->arena, o);
}

static int fail(struct http_req *r, int rc, const char *detail)
{
	return http_send_error(r, rc, NULL, NULL, detail);
}

/* the first YYYY-MM-DD in s (a domain error's detail names the day) */
static const char *day_in(struct http_req *r, const char *s)
{
	for (const char *p = s; p && *p; p++) {
		if (strlen(p) < 10)
			break;
		struct jp_date d;
		char c[11];
		memcpy(c, p, 10);
		c[10] = '\0';
		if (jp_date_parse_iso(&d, c, NULL) == 0)
			return arena_strdup(r->arena, c);
	}
	return NULL;
}

/* ---- the load of collection days ---- */

struct cell {
	struct jp_date day;
	int area;                  /* index in the route's areas, -1: unknown */
	int capacity, booked;
};

struct load_ctx {
	struct http_req *r;
	const struct waste_route *areas;
	struct cell *cells;
	int n, max;
};

static int area_index(const struct waste_route *rt, const char *code)
{
	for (int i = 0; i < rt->nareas; i++)
		if (strcmp(rt->areas[i].code, code) == 0)
			return i;
	return -1;
}

static int load_fn(void *arg, const struct waste_day_load *d)
{
	struct load_ctx *c = arg;
	if (c->n >= c->max)
		return 0;
	c->cells[c->n++] = (struct cell){ d->day, area_index(c->areas, d->area), d->capacity, d->booked };
	return 0;
}

/* what the calendar form shows: what was typed, and its problem */
struct cal_form {
	const char *area, *from, *to, *capacity;
	unsigned weekdays;
	const char *field;         /* the field in error, or NULL          */
	const char *error;         /* its message                          */
};

static void calendar_form(struct buf *b, struct http_req *r, const struct waste_route *rt,
			  const struct cal_form *f)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	html_printf(b, "<section aria-labelledby=\"cal-h\"><h2 id=\"cal-h\">%s</h2><p>%s</p>"
		    "<form method=\"post\" action=\"/staff/waste/calendar\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "waste.staff.cal.title"), T(r, "waste.staff.cal.lead"), q->csrf);
	struct ui_option *opts = arena_alloc(r->arena, sizeof *opts * (size_t)(rt->nareas + 1));
	for (int i = 0; opts && i < rt->nareas; i++)
		opts[i] = (struct ui_option){ rt->areas[i].code, rt->areas[i].name };
#define ERR_OF(name) (f->field && strcmp(f->field, name) == 0 ? f->error : NULL)
	ui_select(b, &(struct ui_field){ .name = "area", .id = "cal-area", .label = T(r, "waste.staff.area"),
					 .value = f->area, .required = 1, .lang = l, .error = ERR_OF("cal-area") },
		  opts, opts ? rt->nareas : 0, T(r, "waste.staff.choose"));
	ui_input(b, &(struct ui_field){ .name = "from", .id = "cal-from", .type = "date",
					.label = T(r, "waste.staff.from"), .value = f->from, .required = 1,
					.lang = l, .error = ERR_OF("cal-from") });
	ui_input(b, &(struct ui_field){ .name = "to", .id = "cal-to", .type = "date",
					.label = T(r, "waste.staff.to"), .value = f->to, .required = 1,
					.lang = l, .error = ERR_OF("cal-to") });
	ui_fieldset_open(b, &(struct ui_field){ .id = "cal-wd", .label = T(r, "waste.staff.cal.weekdays"),
						.required = 1, .lang = l, .error = ERR_OF("cal-wd") });
	buf_puts(b, "<div class=\"options options-inline\">");
	for (int w = 0; w < 7; w++) {
		const char *name = l == HTML_EN ? jp_weekday_name_en((enum jp_weekday)w) :
				   jp_weekday_name_ja((enum jp_weekday)w);
		html_printf(b, "<div class=\"option\"><input type=\"checkbox\" id=\"%S\" name=\"wd%d\" value=\"1\"%S>"
			    "<label for=\"%S\">%s</label></div>",
			    w == 0 ? "cal-wd" : arena_printf(r->arena, "cal-wd--o%d", w), w,
			    f->weekdays & (1u << w) ? " checked" : "",
			    w == 0 ? "cal-wd" : arena_printf(r->arena, "cal-wd--o%d", w), name);
	}
	buf_puts(b, "</div>");
	ui_fieldset_close(b);
	ui_input(b, &(struct ui_field){ .name = "capacity", .id = "cal-capacity", .type = "text",
					.inputmode = "numeric", .verbatim = 1, .maxlength = 6,
					.label = T(r, "waste.staff.cal.capacity"),
					.hint = T(r, "waste.staff.cal.capacity.hint"), .value = f->capacity,
					.required = 1, .lang = l, .error = ERR_OF("cal-capacity"),
					.control_class = "input-short" });
#undef ERR_OF
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form></section>",
		    T(r, "waste.staff.cal.open"));
}

/* the load page; status and the calendar form's state (NULL: empty) */
static int render_load(struct http_req *r, int status, const struct cal_form *cf)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct store *s = app_store(r);
	struct jp_date today = waste_web_today(r), from = today, to = jp_date_add_days(today, LOAD_DAYS_DEFAULT);
	const char *fs = http_param(r, "from"), *ts = http_param(r, "to"), *area = http_param(r, "area");
	if (cf) {   /* the form came back: the table as it was */
		fs = ts = area = NULL;
	}
	if ((fs && jp_date_parse_iso(&from, fs, NULL)) || (ts && jp_date_parse_iso(&to, ts, NULL)))
		return app_send_error(r, ERR_INVALID, "waste.staff.error.day", "load: bad date");
	if (fs && !ts)
		to = jp_date_add_days(from, LOAD_DAYS_DEFAULT);
	long span = jp_date_to_days(to) - jp_date_to_days(from);
	if (span < 0 || span > LOAD_DAYS_MAX)
		return app_send_error(r, ERR_INVALID, "waste.staff.error.range", "load: bad range", LOAD_DAYS_MAX);
	if (area && strcmp(area, "all") == 0)
		area = NULL;
	struct waste_route *rt = arena_alloc(r->arena, sizeof *rt);
	if (!rt)
		return fail(r, ERR_NOMEM, "load: no memory");
	memset(rt, 0, sizeof *rt);
	struct err e;
	int rc = waste_route_areas(rt, s, q->tenant.code, &e);
	if (rc)
		return fail(r, rc, e.detail);
	if (area && area_index(rt, area) < 0)
		return app_send_error(r, ERR_NOTFOUND, "waste.staff.error.area", "load: no such area");
	struct load_ctx c = { r, rt, NULL, 0, (int)(span + 1) * (rt->nareas + 1) };
	c.cells = arena_alloc(r->arena, sizeof *c.cells * (size_t)c.max);
	if (!c.cells)
		return fail(r, ERR_NOMEM, "load: no memory");
	rc = waste_days_each(s, q->tenant.code, area, from, to, load_fn, &c, &e);
	if (rc < 0)
		return fail(r, rc, e.detail);

	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.staff.title"), cf && cf->field ? cf->field : NULL,
		      cf ? cf->error : NULL);
	const char *opened = http_param(r, "opened");
	if (opened && !cf)
		html_printf(&b, "<div class=\"notice\" role=\"status\" id=\"opened\"><p>%s</p></div>",
			    arena_printf(r->arena, T(r, "waste.staff.cal.opened"), atoi(opened)));
	/* the filter */
	html_printf(&b, "<form method=\"get\" action=\"/staff/waste\" class=\"filters\">");
	ui_input(&b, &(struct ui_field){ .name = "from", .id = "load-from", .type = "date",
					 .label = T(r, "waste.staff.from"), .value = iso(r, from), .lang = l });
	ui_input(&b, &(struct ui_field){ .name = "to", .id = "load-to", .type = "date",
					 .label = T(r, "waste.staff.to"), .value = iso(r, to), .lang = l });
	struct ui_option *opts = arena_alloc(r->arena, sizeof *opts * (size_t)(rt->nareas + 1));
	int no = 0;
	if (opts) {
		opts[no++] = (struct ui_option){ "all", T(r, "waste.staff.area.all") };
		for (int i = 0; i < rt->nareas; i++)
			opts[no++] = (struct ui_option){ rt->areas[i].code, rt->areas[i].name };
	}
	ui_select(&b, &(struct ui_field){ .name = "area", .id = "load-area", .label = T(r, "waste.staff.area"),
					  .value = area ? area : "all", .lang = l }, opts, no, NULL);
	html_printf(&b, "<button type=\"submit\" class=\"button button-secondary\">%s</button></form>",
		    T(r, "waste.staff.show"));

	/* the table: a row a day that has collection, a column an area */
	int ncols = 0, cols[WASTE_ROUTE_AREAS_MAX];
	for (int i = 0; i < rt->nareas; i++)
		if (!area || strcmp(rt->areas[i].code, area) == 0)
			cols[ncols++] = i;
	if (c.n == 0) {
		html_printf(&b, "<p id=\"load-none\">%s</p>", T(r, "waste.staff.none"));
	} else {
		html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"load-cap\" tabindex=\"0\">"
			    "<table id=\"load\"><caption id=\"load-cap\">%s</caption><thead><tr><th scope=\"col\">%s</th>",
			    arena_printf(r->arena, T(r, "waste.staff.load.caption"), iso(r, from), iso(r, to)),
			    T(r, "waste.staff.day"));
		for (int k = 0; k < ncols; k++)
			html_printf(&b, "<th scope=\"col\">%s</th>", rt->areas[cols[k]].name);
		buf_puts(&b, "</tr></thead><tbody>");
		for (int i = 0; i < c.n;) {
			struct jp_date d = c.cells[i].day;
			int j = i;
			while (j < c.n && jp_date_cmp(c.cells[j].day, d) == 0)
				j++;
			const char *ds = iso(r, d);
			html_printf(&b, "<tr><th scope=\"row\"><a href=\"%s\">%s</a></th>",
				    ui_url(r->arena, "/staff/waste/day", (const char *[]){ "day", ds, "area", area ? area : "all", NULL }),
				    day_label(r, d));
			for (int k = 0; k < ncols; k++) {
				const struct cell *x = NULL;
				for (int m = i; m < j; m++)
					if (c.cells[m].area == cols[k])
						x = &c.cells[m];
				if (!x) {
					html_printf(&b, "<td><span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">%s</span></td>",
						    T(r, "waste.staff.no_collection"));
					continue;
				}
				int full = x->booked >= x->capacity;
				html_printf(&b, "<td%S><a href=\"%s\" aria-label=\"%s\">%d / %d</a>%S</td>",
					    full ? " class=\"full\"" : "",
					    ui_url(r->arena, "/staff/waste/day", (const char *[]){ "day", ds, "area", rt->areas[cols[k]].code, NULL }),
					    arena_printf(r->arena, T(r, "waste.staff.load.cell"), rt->areas[cols[k]].name,
							 day_label(r, d), x->booked, x->capacity),
					    x->booked, x->capacity,
					    full ? arena_printf(r->arena, " <span class=\"tag\">%s</span>", T(r, "waste.staff.full")) : "");
			}
			buf_puts(&b, "</tr>");
			i = j;
		}
		buf_puts(&b, "</tbody></table></div>");
	}
	if (app_staff_holds(r, WASTE_PERM_MASTER))
		calendar_form(&b, r, rt, cf ? cf : &(struct cal_form){ .area = area, .capacity = "" });
	return app_page_send(r, status, &b, &p);
}

int page_staff_waste(struct http_req *r)
{
	return render_load(r, 200, NULL);
}

int page_staff_waste_calendar(struct http_req *r)
{
	struct app_req *q = app_req(r);
	/* the answer is the load page, which waste.staff reads */
	if (!app_staff_holds(r, WASTE_PERM_STAFF))
		return http_send_error(r, ERR_DENIED, NULL, NULL, "calendar: waste.staff needed as well");
	struct cal_form f = {
		.area = http_param(r, "area"), .from = http_param(r, "from"), .to = http_param(r, "to"),
		.capacity = http_param(r, "capacity"),
	};
	for (int w = 0; w < 7; w++) {
		char n[16];
		snprintf(n, sizeof n, "wd%d", w);
		const char *v = http_param(r, n);
		if (v && strcmp(v, "1") == 0)
			f.weekdays |= 1u << w;
	}
	struct waste_calendar c = { .area = f.area, .weekdays = f.weekdays };
	int64_t cap = 0;
	/* the areas offered are those of the municipality's 町丁目 */
	struct waste_route *rt = arena_alloc(r->arena, sizeof *rt);
	struct err e;
	if (!rt)
		return fail(r, ERR_NOMEM, "calendar: no memory");
	memset(rt, 0, sizeof *rt);
	int rc = waste_route_areas(rt, app_store(r), q->tenant.code, &e);
	if (rc)
		return fail(r, rc, e.detail);
	if (!f.area || area_index(rt, f.area) < 0) {
		f.field = "cal-area";
		f.error = T(r, "waste.staff.cal.error.area");
	} else if (!f.from || jp_date_parse_iso(&c.from, f.from, NULL)) {
		f.field = "cal-from";
		f.error = T(r, "waste.staff.cal.error.from");
	} else if (!f.to || jp_date_parse_iso(&c.to, f.to, NULL) || jp_date_cmp(c.to, c.from) < 0) {
		f.field = "cal-to";
		f.error = T(r, "waste.staff.cal.error.to");
	} else if (jp_date_to_days(c.to) - jp_date_to_days(c.from) >= WASTE_CALENDAR_DAYS_MAX) {
		f.field = "cal-to";
		f.error = arena_printf(r->arena, T(r, "waste.staff.cal.error.long"), WASTE_CALENDAR_DAYS_MAX);
	} else if (!f.weekdays) {
		f.field = "cal-wd";
		f.error = T(r, "waste.staff.cal.error.wd");
	} else if (!f.capacity || parse_i64(&cap, f.capacity, 1, WASTE_CAPACITY_MAX)) {
		f.field = "cal-capacity";
		f.error = arena_printf(r->arena, T(r, "waste.staff.cal.error.capacity"), WASTE_CAPACITY_MAX);
	}
	if (f.field)
		return render_load(r, 422, &f);
	c.capacity = (int)cap;
	int opened = 0;
	rc = waste_calendar_open(&opened, app_store(r), q->tenant.code, &c, &e);
	app_audit(r, "waste.calendar.open", "waste.area", f.area, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	const char *d = rc == ERR_CONFLICT ? day_in(r, e.detail) : NULL;
	if (d) {
		f.field = "cal-capacity";
		f.error = arena_printf(r->arena, T(r, "waste.staff.cal.error.conflict"), d);
		return render_load(r, 409, &f);
	}
	if (rc == ERR_NOTFOUND) {
		f.field = "cal-area";
		f.error = T(r, "waste.staff.cal.error.area");
		return render_load(r, 422, &f);
	}
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		f.field = "cal-to";
		f.error = T(r, "waste.staff.cal.error.to");
		return render_load(r, 422, &f);
	}
	if (rc)
		return fail(r, rc, e.detail);
	return http_redirect(r, 303, ui_url(r->arena, "/staff/waste",
					    (const char *[]){ "from", f.from, "to", f.to, "area", f.area, "opened",
							      arena_printf(r->arena, "%d", opened), NULL }));
}

/* ---- a day's bookings ---- */

static void route_free(void *rt)
{
	waste_route_free(rt);
}

int page_staff_waste_day(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *ds = http_param(r, "day"), *area = http_param(r, "area");
	const char *sc = http_param(r, "cancelled");
	int show_cancelled = !sc || strcmp(sc, "0") != 0;
	struct jp_date day;
	if (!ds || jp_date_parse_iso(&day, ds, NULL))
		return app_send_error(r, ERR_INVALID, "waste.staff.error.day", "day: bad day");
	if (area && strcmp(area, "all") == 0)
		area = NULL;
	const char *object = arena_printf(r->arena, "%s/%s", ds, area ? area : "all");
	struct waste_route *rt = arena_alloc(r->arena, sizeof *rt);
	if (!rt)
		return fail(r, ERR_NOMEM, "day: no memory");
	memset(rt, 0, sizeof *rt);
	struct err e;
	int rc = waste_route_areas(rt, app_store(r), q->tenant.code, &e);
	if (rc == 0 && area && area_index(rt, area) < 0)
		return app_send_error(r, ERR_NOTFOUND, "waste.staff.error.area", "day: no such area");
	if (rc == 0)
		rc = waste_route_build(rt, app_store(r), q->tenant.code, area, day, 1, &e);
	app_audit(r, AUDIT_A_READ, "waste.day", object, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc) {
		waste_route_free(rt);
		return fail(r, rc, e.detail);
	}
	if (arena_cleanup_add(r->arena, route_free, rt)) {
		waste_route_free(rt);
		return fail(r, ERR_NOMEM, "day: no memory");
	}
	const char *area_name = area ? waste_route_area_name(rt, area) : T(r, "waste.staff.area.all");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "waste.staff.day.title"), day_label(r, day), area_name),
		      NULL, NULL);
	http_set_header(r, "cache-control", "no-store");
	int live = 0, cancelled = 0, points = 0;
	long fees = 0;
	for (int i = 0; i < rt->n; i++) {
		if (rt->rows[i].cancelled) {
			cancelled++;
			continue;
		}
		live++;
		points += rt->rows[i].points;
		fees += rt->rows[i].fee_yen;
	}
	html_printf(&b, "<p id=\"day-totals\">%s</p>",
		    arena_printf(r->arena, T(r, "waste.staff.day.totals"), live, points, num(r, fees), cancelled));
	const char *aa = area ? area : "all";
	html_printf(&b, "<ul class=\"actions\"><li><a id=\"route-pdf\" href=\"%s\">%s</a></li>"
		    "<li><a id=\"route-csv\" href=\"%s\">%s</a></li><li><a id=\"route-csv-sjis\" href=\"%s\">%s</a></li>"
		    "<li><a id=\"toggle-cancelled\" href=\"%s\">%s</a></li>"
		    "<li><a href=\"%s\">%s</a></li></ul>",
		    ui_url(r->arena, "/staff/waste/route.pdf", (const char *[]){ "day", ds, "area", aa, NULL }),
		    T(r, "waste.staff.route.pdf"),
		    ui_url(r->arena, "/staff/waste/route.csv", (const char *[]){ "day", ds, "area", aa, "enc", "utf8", NULL }),
		    T(r, "waste.staff.route.csv"),
		    ui_url(r->arena, "/staff/waste/route.csv", (const char *[]){ "day", ds, "area", aa, "enc", "cp932", NULL }),
		    T(r, "waste.staff.route.csv_sjis"),
		    ui_url(r->arena, "/staff/waste/day", (const char *[]){ "day", ds, "area", aa, "cancelled", show_cancelled ? "0" : "1", NULL }),
		    T(r, show_cancelled ? "waste.staff.hide_cancelled" : "waste.staff.show_cancelled"),
		    ui_url(r->arena, "/staff/waste", (const char *[]){ "from", ds, "area", aa, NULL }),
		    T(r, "waste.staff.back"));
	if (rt->n == 0 || (!show_cancelled && live == 0)) {
		html_printf(&b, "<p id=\"day-none\">%s</p>", T(r, "waste.staff.day.none"));
		return app_page_send(r, 200, &b, &p);
	}
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"day-cap\" tabindex=\"0\">"
		    "<table id=\"bookings\"><caption id=\"day-cap\">%s</caption><thead><tr>",
		    T(r, "waste.staff.day.caption"));
	static const char *const cols[] = {
		"waste.staff.col.number", "waste.staff.area", "waste.staff.col.address", "waste.staff.col.place",
		"waste.staff.col.items", "waste.staff.col.points", "waste.col.fee", "waste.staff.col.pay",
		"waste.staff.col.name", "waste.staff.col.phone", "waste.staff.col.state",
	};
	for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
		html_printf(&b, "<th scope=\"col\">%s</th>", T(r, cols[k]));
	buf_puts(&b, "</tr></thead><tbody>");
	for (int i = 0; i < rt->n; i++) {
		const struct waste_route_row *w = &rt->rows[i];
		if (w->cancelled && !show_cancelled)
			continue;
		html_printf(&b, "<tr%S data-number=\"%s\"><td><a href=\"/staff/waste/booking/%s\">%s</a></td>"
			    "<td>%s</td><td>%s %s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td>"
			    "<td>%s</td><td>%s</td><td>%s</td><td>%S%s%S</td></tr>",
			    w->cancelled ? " class=\"cancelled\"" : "", w->number, w->number, w->number,
			    waste_route_area_name(rt, w->area), w->chome, w->address, w->place[0] ? w->place : "—",
			    w->items, w->points, num(r, w->fee_yen), pay_label(r, w->pay), w->name, w->phone,
			    w->cancelled ? "<strong>" : "",
			    T(r, w->cancelled ? "waste.staff.state.cancelled" : "waste.staff.state.booked"),
			    w->cancelled ? "</strong>" : "");
	}
	buf_puts(&b, "</tbody></table></div>");
	return app_page_send(r, 200, &b, &p);
}

/* ---- one booking ---- */

struct offer_ctx {
	struct http_req *r;
	const struct waste_booking *b;
	int64_t now;
	struct ui_option *opts;
	int n;
};

static int offer_fn(void *arg, const struct waste_day_load *d)
{
	struct offer_ctx *c = arg;
	if (c->n >= MOVE_OFFER_MAX)
		return 1;
	if (jp_date_cmp(d->day, c->b->day) == 0 || d->capacity - d->booked < c->b->points ||
	    waste_booking_cutoff(d->day) <= c->now)
		return 0;
	const char *v = iso(c->r, d->day);
	c->opts[c->n++] = (struct ui_option){
		v, arena_printf(c->r->arena, T(c->r, "waste.staff.move.option"), day_label(c->r, d->day),
				d->capacity - d->booked) };
	return 0;
}

static void items_table(struct buf *b, struct http_req *r, const char *json)
{
	json_error_t je;
	json_t *a = json_loads(json, 0, &je);
	if (!a || !json_is_array(a)) {
		json_decref(a);
		html_printf(b, "<p>%s</p>", T(r, "waste.staff.items.unreadable"));
		return;
	}
	html_printf(b, "<table id=\"items\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "waste.staff.items"), T(r, "waste.col.item"), T(r, "waste.col.count"), T(r, "waste.col.fee"));
	size_t i;
	json_t *it;
	json_array_foreach(a, i, it) {
		const char *name = json_string_value(json_object_get(it, "name"));
		long count = (long)json_integer_value(json_object_get(it, "count"));
		long fee = (long)json_integer_value(json_object_get(it, "fee_yen"));
		html_printf(b, "<tr><td>%s</td><td>%ld</td><td>%s</td></tr>", name ? name : "?", count,
			    num(r, fee * count));
	}
	buf_puts(b, "</tbody></table>");
	json_decref(a);
}

/* the booking page; status, and an error of one of its forms (field id) */
struct tickets_text {
	struct buf *b;
	int n;
};

static int ticket_cb(void *arg, const char *t)
{
	struct tickets_text *tt = arg;
	html_printf(tt->b, "%s%s", tt->n++ ? ", " : "", t);
	return 0;
}

static int render_booking(struct http_req *r, int status, const char *number, const char *field,
			  const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct waste_booking *bk = arena_alloc(r->arena, sizeof *bk);
	if (!bk)
		return fail(r, ERR_NOMEM, "booking: no memory");
	struct err e;
	int rc = waste_booking_get(bk, app_store(r), q->tenant.code, number, &e);
	app_audit(r, AUDIT_A_READ, "waste.booking", number, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "waste.staff.error.booking", "booking: not found");
	if (rc)
		return fail(r, rc, e.detail);
	struct waste_route *rt = arena_alloc(r->arena, sizeof *rt);
	if (!rt)
		return fail(r, ERR_NOMEM, "booking: no memory");
	memset(rt, 0, sizeof *rt);
	if ((rc = waste_route_areas(rt, app_store(r), q->tenant.code, &e)))
		return fail(r, rc, e.detail);
	int64_t now = app_now();
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "waste.staff.booking.title"), bk->number), field, error);
	http_set_header(r, "cache-control", "no-store");
	const char *done = http_param(r, "done");
	if (done && !error)
		html_printf(&b, "<div class=\"notice\" role=\"status\" id=\"done\"><p>%s</p></div>",
			    T(r, strcmp(done, "move") == 0 ? "waste.staff.moved" : "waste.staff.cancelled"));
	html_printf(&b, "<dl id=\"booking\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd><a href=\"%s\">%s</a></dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s %s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "waste.staff.col.number"), bk->number,
		    T(r, "waste.staff.col.state"),
		    T(r, bk->cancelled ? "waste.staff.state.cancelled" : "waste.staff.state.booked"),
		    T(r, "waste.staff.day"),
		    ui_url(r->arena, "/staff/waste/day", (const char *[]){ "day", iso(r, bk->day), "area", bk->area, NULL }),
		    day_label(r, bk->day),
		    T(r, "waste.staff.area"), waste_route_area_name(rt, bk->area),
		    T(r, "waste.staff.col.address"), bk->chome, bk->address,
		    T(r, "waste.staff.col.place"), bk->place[0] ? bk->place : "—");
	html_printf(&b, "<dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
		    T(r, "waste.staff.col.points"), bk->points, T(r, "waste.col.fee"),
		    arena_printf(r->arena, T(r, "waste.staff.yen"), num(r, bk->fee_yen)),
		    T(r, "waste.staff.col.pay"), pay_label(r, bk->pay),
		    T(r, "waste.staff.col.name"), bk->name, T(r, "waste.staff.col.phone"), bk->phone,
		    T(r, "waste.staff.col.email"), bk->email[0] ? bk->email : "—");
	items_table(&b, r, bk->items);
	if (bk->pay == WASTE_PAID_TICKETS) {   /* to compare with the stickers on the items */
		struct tickets_text tt = { &b, 0 };
		html_printf(&b, "<p>%s <span id=\"staff-tickets\">", T(r, "waste.pay.tickets_used"));
		waste_tickets_of(app_store(r), q->tenant.code, bk->id, ticket_cb, &tt, &e);
		buf_puts(&b, "</span></p>");
	}
	if (bk->cancelled) {
		/* nothing more to do */
	} else if (waste_booking_cutoff(bk->day) <= now) {
		html_printf(&b, "<p id=\"past-cutoff\">%s</p>", T(r, "waste.staff.past_cutoff"));
	} else {
		/* change of day: the days of its area with room */
		struct offer_ctx oc = { r, bk, now, arena_alloc(r->arena, sizeof(struct ui_option) * MOVE_OFFER_MAX), 0 };
		struct jp_date today = waste_web_today(r);
		if (oc.opts && waste_days_each(app_store(r), q->tenant.code, bk->area, today,
					       jp_date_add_days(today, MOVE_DAYS_AHEAD), offer_fn, &oc, &e) < 0)
			log_warn("waste staff: days with room not read", "detail", e.detail);
		html_printf(&b, "<section aria-labelledby=\"move-h\"><h2 id=\"move-h\">%s</h2>", T(r, "waste.staff.move.title"));
		if (oc.n == 0) {
			html_printf(&b, "<p id=\"move-none\">%s</p>", T(r, "waste.staff.move.none"));
		} else {
			html_printf(&b, "<form method=\"post\" action=\"/staff/waste/booking/%s/move\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", bk->number, q->csrf);
			ui_select(&b, &(struct ui_field){ .name = "day", .id = "move-day", .label = T(r, "waste.staff.move.day"),
							  .required = 1, .lang = l,
							  .error = field && strcmp(field, "move-day") == 0 ? error : NULL },
				  oc.opts, oc.n, T(r, "waste.staff.choose"));
			html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "waste.staff.move.button"));
		}
		html_printf(&b, "</section><section aria-labelledby=\"cancel-h\"><h2 id=\"cancel-h\">%s</h2>"
			    "<form method=\"post\" action=\"/staff/waste/booking/%s/cancel\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			    T(r, "waste.staff.cancel.title"), bk->number, q->csrf);
		ui_checkbox(&b, &(struct ui_field){ .name = "confirm", .id = "cancel-confirm",
						    .label = T(r, "waste.staff.cancel.confirm"), .lang = l,
						    .error = field && strcmp(field, "cancel-confirm") == 0 ? error : NULL }, 0);
		html_printf(&b, "<button type=\"submit\" class=\"button button-secondary\">%s</button></form></section>",
			    T(r, "waste.staff.cancel.button"));
	}
	return app_page_send(r, status, &b, &p);
}

int page_staff_waste_booking(struct http_req *r)
{
	return render_booking(r, 200, http_param(r, "number"), NULL, NULL);
}

static int action_error(struct http_req *r, int rc, const char *number, const char *field, struct err *e)
{
	const char *id = rc == ERR_DENIED ? "waste.staff.error.cutoff" :
			 rc == ERR_CONFLICT ? "waste.staff.error.cancelled" :
			 rc == ERR_FULL ? "waste.staff.error.full" :
			 rc == ERR_NOTFOUND ? "waste.staff.error.noday" : NULL;
	if (!id)
		return fail(r, rc, e->detail);
	/* past the cut-off or cancelled, the page has no forms: the summary
	 * then links to the page's main content */
	return render_booking(r, rc == ERR_FULL || rc == ERR_CONFLICT ? 409 : rc == ERR_DENIED ? 403 : 422,
			      number, rc == ERR_FULL || rc == ERR_NOTFOUND ? field : NULL, T(r, id));
}

int page_staff_waste_cancel(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *number = http_param(r, "number"), *confirm = http_param(r, "confirm");
	if (!confirm || strcmp(confirm, "1") != 0)
		return render_booking(r, 422, number, "cancel-confirm", T(r, "waste.staff.cancel.error.confirm"));
	struct err e;
	int rc = waste_cancel(app_store(r), q->tenant.code, number, app_now(), &e);
	app_audit(r, "waste.cancel", "waste.booking", number, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "waste.staff.error.booking", "cancel: not found");
	if (rc == ERR_CONFLICT && strncmp(e.detail, "paid online", 11) == 0)
		return render_booking(r, 409, number, "cancel-confirm", T(r, "waste.staff.cancel.error.paid_online"));
	if (rc)
		return action_error(r, rc, number, "cancel-confirm", &e);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/waste/booking/%s?done=cancel", number));
}

int page_staff_waste_move(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *number = http_param(r, "number"), *ds = http_param(r, "day");
	struct jp_date day;
	if (!ds || jp_date_parse_iso(&day, ds, NULL))
		return render_booking(r, 422, number, "move-day", T(r, "waste.staff.move.error.day"));
	struct err e;
	/* the new day's master prices the items; a paid booking keeps its fee */
	struct waste_booking *bk = arena_alloc(r->arena, sizeof *bk);
	if (!bk)
		return fail(r, ERR_NOMEM, "move: memory");
	int rc = waste_booking_get(bk, app_store(r), q->tenant.code, number, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "waste.staff.error.booking", "move: not found");
	if (rc)
		return fail(r, rc, e.detail);
	struct waste_price price;
	if (waste_web_price(&price, r, bk->items, day) != 0)
		return render_booking(r, 409, number, "move-day", T(r, "waste.move.error.item"));
	if (bk->pay != WASTE_UNPAID && !bk->cancelled && price.fee_yen != bk->fee_yen)
		return render_booking(r, 409, number, "move-day", T(r, "waste.move.error.fee"));
	rc = waste_move(app_store(r), q->tenant.code, number, day, &price, app_now(), &e);
	app_audit(r, "waste.move", "waste.booking", number, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc)
		return action_error(r, rc, number, "move-day", &e);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/waste/booking/%s?done=move", number));
}
