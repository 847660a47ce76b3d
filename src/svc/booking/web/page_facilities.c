/*
 * page_facilities.c -- the resident's facilities: the list by kind, one
 * facility with its units, fees, accessibility and the availability grid
 * of a day, and holding a free slot (仮予約, first come).
 *
 * GET  /facilities                       the facilities by kind, each
 *      with its address, access and a map link (OpenStreetMap, no script).
 * GET  /facilities/{facility}?day=D      the facility and the grid of day
 *      D (today in Japan by default): a table, a row per unit and a
 *      column per band, each cell's state in words (never colour alone);
 *      a free cell links to the hold form (for a visitor not logged in,
 *      to the resident's login with the hold form as its return path,
 *      `next`: after logging in they are back on the slot).
 * GET  /facilities/{facility}/hold?day&unit&band   the hold form (a
 *      resident's login: the HTTP layer sends others to the login page).
 * POST /facilities/{facility}/hold       booking_hold; the form's one-time
 *      key makes a double click or a retry the same hold.  A slot taken
 *      meanwhile answers 409 with the grid and a notice; every refusal
 *      has its own message.  Success: 303 to /mypage/facilities/{number}
 *      (?queued=1 when asked in a window's first seconds: the fair queue
 *      decides it a few seconds later, and the page says when).
 *
 * Invariants: the fee, the state and every window are the domain's
 * (booking_hold checks them whatever the form says); the groups offered
 * are the resident's approved ones (read audited); the hold's write is
 * audited with its number.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "core/audit/audit.h"
#include "svc/booking/booking.h"
#include "svc/booking/web/booking_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bres_t

/* ---- the list ---- */

struct fac_row {
	char code[BOOKING_CODE_MAX + 1], kind[BOOKING_CODE_MAX + 1];
	const char *name, *address, *access;
	int has_pin;
	double lat, lon;
	int nunits;
};

struct fac_list {
	struct http_req *r;
	struct fac_row *rows;
	int n, cap;
};

static int fac_cb(void *arg, const struct booking_facility *f)
{
	struct fac_list *l = arg;
	if (l->n == l->cap)
		return 0;
	struct fac_row *w = &l->rows[l->n++];
	snprintf(w->code, sizeof w->code, "%s", f->code);
	snprintf(w->kind, sizeof w->kind, "%s", f->kind);
	w->name = arena_strdup(l->r->arena, bres_name(l->r, f->name_ja, f->name_en));
	w->address = arena_strdup(l->r->arena, f->address);
	w->access = arena_strdup(l->r->arena, f->access);
	w->has_pin = f->has_pin;
	w->lat = f->lat;
	w->lon = f->lon;
	w->nunits = f->nunits;
	return 0;
}

/* an OpenStreetMap link at the pin (no script, no embedded map) */
static void map_link(struct buf *b, struct http_req *r, int has_pin, double lat, double lon)
{
	if (!has_pin)
		return;
	char href[160];
	snprintf(href, sizeof href, "https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f", lat, lon,
		 lat, lon);
	html_printf(b, "<a href=\"%s\" class=\"booking-map\" rel=\"noopener\">%s</a>", href, T(r, "booking.fac.map"));
}

static const char *kind_name(struct http_req *r, const struct booking_rules *rules, const char *kind)
{
	const struct booking_rule *k = rules ? booking_rule_find(rules, kind) : NULL;
	return k ? bres_name(r, k->name_ja, k->name_en) : kind;
}

int page_booking_facilities(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct fac_list l = { .r = r, .cap = BOOKING_FACILITIES_MAX };
	l.rows = arena_alloc(r->arena, sizeof *l.rows * (size_t)l.cap);
	struct booking_rules *rules = malloc(sizeof *rules);
	int rc = l.rows && rules ? 0 : ERR_NOMEM;
	if (rc == 0)
		rc = booking_facilities_each(app_store(r), q->tenant.code, fac_cb, &l, &e);
	if (rc == 0 && booking_rules_load(rules, app_store(r), q->tenant.code, &e) != 0) {
		log_warn("booking: the rules not read", "error", e.detail);
		free(rules);
		rules = NULL;
	}
	if (rc) {
		free(rules);
		return app_send_error(r, rc, "booking.error.unavailable", "booking facilities: %s", rc == ERR_NOMEM ? "memory" : e.detail);
	}
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.title"), NULL, NULL);
	html_printf(&b, "<p class=\"lead\">%s</p>", T(r, "booking.lead"));
	html_printf(&b, "<ul class=\"booking-links\"><li><a href=\"/facilities/lottery\">%s</a></li>"
		    "<li><a href=\"/mypage/facilities\">%s</a></li><li><a href=\"/mypage/facilities/groups\">%s</a></li></ul>",
		    T(r, "booking.lottery.title"), T(r, "booking.mine.title"), T(r, "booking.groups.title"));
	if (l.n == 0)
		html_printf(&b, "<p>%s</p>", T(r, "booking.fac.none"));
	/* by kind, in the order of first appearance */
	for (int i = 0; i < l.n; i++) {
		int seen = 0;
		for (int k = 0; k < i && !seen; k++)
			seen = strcmp(l.rows[k].kind, l.rows[i].kind) == 0;
		if (seen)
			continue;
		html_printf(&b, "<section class=\"booking-kind\" aria-labelledby=\"kind-%s\"><h2 id=\"kind-%s\">%s</h2>"
			    "<ul class=\"booking-facilities\">",
			    l.rows[i].kind, l.rows[i].kind, kind_name(r, rules, l.rows[i].kind));
		for (int k = i; k < l.n; k++) {
			const struct fac_row *w = &l.rows[k];
			if (strcmp(w->kind, l.rows[i].kind) != 0)
				continue;
			html_printf(&b, "<li class=\"booking-facility\"><h3><a href=\"/facilities/%s\">%s</a></h3>"
				    "<p lang=\"ja\">%s ", w->code, w->name, w->address);
			map_link(&b, r, w->has_pin, w->lat, w->lon);
			buf_puts(&b, "</p>");
			if (w->access[0])
				html_printf(&b, "<p><span class=\"booking-label\">%s</span> <span lang=\"ja\">%s</span></p>",
					    T(r, "booking.fac.access"), w->access);
			buf_puts(&b, "</li>");
		}
		buf_puts(&b, "</ul></section>");
	}
	free(rules);
	return app_page_send(r, 200, &b, &p);
}

/* ---- one facility and its day ---- */

/* the facility, its rules and its rule, or an error answer sent (*sent) */
struct fac_ctx {
	struct booking_facility *f;
	struct booking_rules *rules;
	const struct booking_rule *rule;
};

static void fac_done(struct fac_ctx *c)
{
	booking_facility_free(c->f);
	free(c->rules);
}

static int fac_load(struct fac_ctx *c, struct http_req *r, int *sent)
{
	struct app_req *q = app_req(r);
	struct err e;
	memset(c, 0, sizeof *c);
	*sent = 0;
	int rc = booking_facility_get(&c->f, app_store(r), q->tenant.code, http_param(r, "facility"), &e);
	if (rc == 0 && !(c->rules = malloc(sizeof *c->rules)))
		rc = ERR_NOMEM;
	if (rc == 0)
		rc = booking_rules_load(c->rules, app_store(r), q->tenant.code, &e);
	if (rc == 0 && !(c->rule = booking_rule_find(c->rules, c->f->kind)))
		rc = ERR_UNAVAILABLE;
	if (rc) {
		fac_done(c);
		*sent = rc == ERR_NOTFOUND ? app_send_error(r, ERR_NOTFOUND, "booking.error.facility", "booking: no such facility")
					   : app_send_error(r, rc, "booking.error.unavailable", "booking facility: load");
		return rc;
	}
	return 0;
}

static struct jp_date today(void)
{
	return jp_jst_date(app_now());
}

static void facility_info(struct buf *b, struct http_req *r, const struct booking_facility *f)
{
	html_printf(b, "<dl class=\"booking-facility-info\"><dt>%s</dt><dd lang=\"ja\">%s ", T(r, "booking.fac.address"),
		    f->address);
	map_link(b, r, f->has_pin, f->lat, f->lon);
	buf_puts(b, "</dd>");
	if (f->access[0])
		html_printf(b, "<dt>%s</dt><dd lang=\"ja\" id=\"booking-access\">%s</dd>", T(r, "booking.fac.access"),
			    f->access);
	buf_puts(b, "</dl>");
	/* the units */
	html_printf(b, "<h2 id=\"units-h\">%s</h2><table class=\"booking-units\" aria-labelledby=\"units-h\"><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "booking.fac.units"), T(r, "booking.col.unit"), T(r, "booking.col.capacity"),
		    T(r, "booking.col.equipment"));
	for (int i = 0; i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		html_printf(b, "<tr><th scope=\"row\">%s</th><td>", bres_name(r, u->name_ja, u->name_en));
		if (u->capacity > 0)
			html_printf(b, T(r, "booking.fac.people"), u->capacity);   /* checksrc: fmt-ok */
		else
			buf_puts(b, "—");
		html_printf(b, "</td><td lang=\"ja\">%s</td></tr>", u->equipment[0] ? u->equipment : "—");
	}
	buf_puts(b, "</tbody></table>");
	/* the fees */
	html_printf(b, "<h2 id=\"fees-h\">%s</h2><div class=\"table-scroll\"><table class=\"booking-fees\" aria-labelledby=\"fees-h\">"
		    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "booking.fac.fees"), T(r, "booking.col.unit"), T(r, "booking.col.band"),
		    T(r, "booking.fee.resident"), T(r, "booking.fee.resident_holiday"), T(r, "booking.fee.other"),
		    T(r, "booking.fee.other_holiday"));
	for (int i = 0; i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		for (int k = 0; k < u->nfees; k++) {
			const struct booking_fee *fe = &u->fees[k];
			const struct booking_band *bd = booking_band_find(f, fe->band);
			html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s円</td><td>%s円</td><td>%s円</td><td>%s円</td></tr>",
				    bres_name(r, u->name_ja, u->name_en), bd ? bres_name(r, bd->name_ja, bd->name_en) : fe->band,
				    bres_yen(r, fe->resident), bres_yen(r, fe->resident_holiday), bres_yen(r, fe->other),
				    bres_yen(r, fe->other_holiday));
		}
	}
	html_printf(b, "</tbody></table></div><p class=\"hint\">%s</p>", T(r, "booking.fee.note"));
}

static void band_head(struct buf *b, const struct booking_band *bd, struct http_req *r)
{
	char s[16], t[16];
	snprintf(s, sizeof s, "%02d:%02d", bd->start_min / 60, bd->start_min % 60);
	snprintf(t, sizeof t, "%02d:%02d", bd->end_min / 60, bd->end_min % 60);
	html_printf(b, "<th scope=\"col\">%s<br><span class=\"booking-time\">%s–%s</span></th>",
		    bres_name(r, bd->name_ja, bd->name_en), s, t);
}

static void grid(struct buf *b, struct http_req *r, const struct booking_facility *f, const struct booking_slot *sl,
		 struct jp_date day)
{
	const char *d = bres_iso(r, day);
	/* a visitor not logged in goes to the login first, which brings them
	 * back to the slot's hold form (its return path, a local path) */
	char tok[AUTH_CSRF_LEN + 1];
	int resident = app_resident_csrf(tok, r);
	html_printf(b, "<div class=\"table-scroll\"><table class=\"booking-grid\" id=\"booking-grid\">"
		    "<caption>%s</caption><thead><tr><th scope=\"col\">%s</th>",
		    arena_printf(r->arena, T(r, "booking.grid.caption"), bres_day(r, day)),   /* checksrc: fmt-ok */
		    T(r, "booking.col.unit"));
	for (int k = 0; k < f->nbands; k++)
		band_head(b, &f->bands[k], r);
	buf_puts(b, "</tr></thead><tbody>");
	for (int i = 0; i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		html_printf(b, "<tr><th scope=\"row\">%s</th>", bres_name(r, u->name_ja, u->name_en));
		for (int k = 0; k < f->nbands; k++) {
			const struct booking_slot *s = &sl[i * f->nbands + k];
			switch (s->state) {
			case BOOKING_SLOT_FREE: {
				const char *hold = ui_url(r->arena, arena_printf(r->arena, "/facilities/%s/hold", f->code),
							  (const char *[]){ "day", d, "unit", u->code, "band", s->band->code, NULL });
				if (!resident)
					hold = ui_url(r->arena, "/resident/login", (const char *[]){ "next", hold, NULL });
				html_printf(b, "<td class=\"slot slot-free\" data-state=\"free\"><span>%s</span> "
					    "<a class=\"button button-small\" href=\"%s\">%s<span class=\"visually-hidden\"> %s %s</span></a></td>",
					    T(r, "booking.slot.free"), hold,
					    T(r, "booking.slot.choose"), bres_name(r, u->name_ja, u->name_en),
					    bres_name(r, s->band->name_ja, s->band->name_en));
				break;
			}
			case BOOKING_SLOT_TAKEN:
				html_printf(b, "<td class=\"slot slot-taken\" data-state=\"taken\">%s</td>", T(r, "booking.slot.taken"));
				break;
			case BOOKING_SLOT_CLOSED:
				html_printf(b, "<td class=\"slot slot-closed\" data-state=\"closed\">%s</td>", T(r, "booking.slot.closed"));
				break;
			case BOOKING_SLOT_PAST:
				html_printf(b, "<td class=\"slot slot-past\" data-state=\"past\">%s</td>", T(r, "booking.slot.past"));
				break;
			case BOOKING_SLOT_LOTTERY:
				html_printf(b, "<td class=\"slot slot-lottery\" data-state=\"lottery\">%s", T(r, "booking.slot.lottery"));
				if (s->opens_at)
					html_printf(b, "<br><small>%s</small>",
						    arena_printf(r->arena, T(r, "booking.slot.opens"), bres_when(r, s->opens_at)));   /* checksrc: fmt-ok */
				buf_puts(b, "</td>");
				break;
			default:
				html_printf(b, "<td class=\"slot slot-not-yet\" data-state=\"not_yet\">%s", T(r, "booking.slot.not_yet"));
				if (s->opens_at)
					html_printf(b, "<br><small>%s</small>",
						    arena_printf(r->arena, T(r, "booking.slot.opens"), bres_when(r, s->opens_at)));   /* checksrc: fmt-ok */
				buf_puts(b, "</td>");
				break;
			}
		}
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></div>");
}

static int day_page(struct http_req *r, int status, struct fac_ctx *c, struct jp_date day, const char *notice)
{
	struct app_req *q = app_req(r);
	const struct booking_facility *f = c->f;
	struct err e;
	size_t n = (size_t)(f->nunits * f->nbands);
	struct booking_slot *sl = arena_alloc(r->arena, sizeof *sl * (n ? n : 1));
	int rc = sl ? booking_slots(sl, app_store(r), q->tenant.code, f, c->rule, day, app_now(), &e) : ERR_NOMEM;
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", "booking day: %s", rc == ERR_NOMEM ? "memory" : e.detail);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, bres_name(r, f->name_ja, f->name_en), NULL, NULL);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"booking-notice\">%s</p>", notice);
	html_printf(&b, "<p><a href=\"/facilities\">%s</a></p>", T(r, "booking.fac.back"));
	/* the day: the grid first on a phone, then the facility's details */
	long t = jp_date_to_days(day);
	const char *self = arena_printf(r->arena, "/facilities/%s", f->code);
	html_printf(&b, "<section aria-labelledby=\"day-h\"><h2 id=\"day-h\">%s</h2>"
		    "<nav class=\"booking-daynav\" aria-label=\"%s\"><a href=\"%s\" rel=\"prev\">%s</a> "
		    "<a href=\"%s\" rel=\"next\">%s</a></nav>",
		    T(r, "booking.day.title"), T(r, "booking.day.nav"),
		    ui_url(r->arena, self, (const char *[]){ "day", bres_iso(r, jp_date_from_days(t - 1)), NULL }),
		    T(r, "booking.day.prev"),
		    ui_url(r->arena, self, (const char *[]){ "day", bres_iso(r, jp_date_from_days(t + 1)), NULL }),
		    T(r, "booking.day.next"));
	html_printf(&b, "<form method=\"get\" action=\"%s\" class=\"form booking-dayform\">", self);
	struct ui_field fd = { .name = "day", .id = "f-day", .label = T(r, "booking.day.pick"), .type = "date",
			       .value = bres_iso(r, day), .lang = q->lang };
	ui_input(&b, &fd);
	html_printf(&b, "<button type=\"submit\" class=\"button button-secondary\">%s</button></form>", T(r, "booking.day.show"));
	grid(&b, r, f, sl, day);
	html_printf(&b, "<p class=\"hint\">%s</p></section>", T(r, "booking.grid.hint"));
	bres_photos(&b, r, f);
	facility_info(&b, r, f);
	return app_page_send(r, status, &b, &p);
}

/* the query's or form's day, or today; -1 for a day that is no date */
static int day_of(struct jp_date *out, const char *s)
{
	struct err e;
	if (!s || !*s) {
		*out = today();
		return 0;
	}
	return jp_date_parse_iso(out, s, &e) == 0 ? 0 : -1;
}

int page_booking_facility(struct http_req *r)
{
	struct jp_date day;
	if (day_of(&day, http_param(r, "day")))
		return app_send_error(r, ERR_INVALID, "booking.error.day", "booking day: not a date");
	struct fac_ctx c;
	int sent;
	if (fac_load(&c, r, &sent))
		return sent;
	int rc = day_page(r, 200, &c, day, NULL);
	fac_done(&c);
	return rc;
}

/* ---- the hold form ---- */

struct hold_form {
	const char *unit, *band, *day, *group, *resident, *people, *purpose, *key;
	const char *error_id, *error;
};

struct group_opts {
	struct http_req *r;
	struct ui_option o[32];
	int n;
};

static int group_cb(void *arg, const struct booking_group *g)
{
	struct group_opts *go = arg;
	if (go->n < (int)(sizeof go->o / sizeof go->o[0]))
		go->o[go->n++] = (struct ui_option){ arena_printf(go->r->arena, "%lld", (long long)g->id),
						     arena_strdup(go->r->arena, g->name) };
	return 0;
}

static int hold_page(struct http_req *r, int status, struct fac_ctx *c, struct hold_form *hf)
{
	struct app_req *q = app_req(r);
	const struct booking_facility *f = c->f;
	const struct booking_unit *u = booking_unit_find(f, hf->unit ? hf->unit : "");
	const struct booking_band *bd = booking_band_find(f, hf->band ? hf->band : "");
	struct jp_date day;
	if (!u || !bd || day_of(&day, hf->day) || !hf->day)
		return app_send_error(r, ERR_NOTFOUND, "booking.error.slot", "booking hold: no such slot");
	struct group_opts go = { .r = r };
	struct err e;
	if (booking_groups_each(app_store(r), q->tenant.code, q->ses.account_id, BOOKING_GROUP_APPROVED, group_cb, &go, &e))
		return app_send_error(r, ERR_UNAVAILABLE, "booking.error.unavailable", "booking hold: groups: %s", e.detail);
	app_audit(r, AUDIT_A_READ, "booking.group", "self", AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.hold.title"), hf->error_id, hf->error);
	html_printf(&b, "<dl class=\"booking-slot\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s</dd></dl>",
		    T(r, "booking.col.facility"), bres_name(r, f->name_ja, f->name_en), T(r, "booking.col.unit"),
		    bres_name(r, u->name_ja, u->name_en), T(r, "booking.col.day"), bres_day(r, day),
		    T(r, "booking.col.band"), bres_name(r, bd->name_ja, bd->name_en));
	html_printf(&b, "<p>%s</p>", arena_printf(r->arena, T(r, "booking.hold.lead"), c->rule->hold_minutes));   /* checksrc: fmt-ok */
	html_printf(&b, "<form method=\"post\" action=\"/facilities/%s/hold\" class=\"form\">", f->code);
	bres_hidden(&b, "csrf", q->csrf);
	bres_hidden(&b, "unit", u->code);
	bres_hidden(&b, "band", bd->code);
	bres_hidden(&b, "day", bres_iso(r, day));
	bres_hidden(&b, "key", hf->key);
	const char *err_of[] = { "f-group", "f-resident", "f-people", "f-purpose" };
	const char *errs[4] = { 0 };
	for (int i = 0; i < 4; i++)
		errs[i] = hf->error_id && strcmp(hf->error_id, err_of[i]) == 0 ? hf->error : NULL;
	if (go.n) {
		struct ui_field fg = { .name = "group", .id = "f-group", .label = T(r, "booking.hold.group"),
				       .hint = T(r, "booking.hold.group.hint"), .value = hf->group, .lang = q->lang,
				       .error = errs[0] };
		ui_select(&b, &fg, go.o, go.n, T(r, "booking.hold.group.none"));
	}
	int outside = hf->resident && strcmp(hf->resident, "0") == 0;
	struct ui_field fr = { .name = "resident", .id = "f-resident", .label = T(r, "booking.hold.resident"),
			       .hint = T(r, "booking.hold.resident.hint"), .lang = q->lang, .error = errs[1] };
	struct ui_choice rc2[] = { { "1", T(r, "booking.hold.resident.yes"), !outside },
				   { "0", T(r, "booking.hold.resident.no"), outside } };
	ui_fieldset_open(&b, &fr);
	ui_options(&b, "radio", fr.id, "resident", rc2, 2, 0);
	ui_fieldset_close(&b);
	struct ui_field fp = { .name = "people", .id = "f-people", .label = T(r, "booking.hold.people"), .type = "number",
			       .inputmode = "numeric", .value = hf->people, .required = 1, .lang = q->lang,
			       .maxlength = 6, .control_class = "input-short", .error = errs[2],
			       .hint = u->capacity > 0 ? arena_printf(r->arena, T(r, "booking.hold.people.hint"), u->capacity) : NULL };   /* checksrc: fmt-ok */
	ui_input(&b, &fp);
	struct ui_field fu = { .name = "purpose", .id = "f-purpose", .label = T(r, "booking.hold.purpose"),
			       .hint = T(r, "booking.hold.purpose.hint"), .value = hf->purpose, .lang = q->lang,
			       .maxlength = BOOKING_NAME_MAX / 3, .error = errs[3] };
	ui_input(&b, &fu);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"booking-hold\">%s</button></form>", T(r, "booking.hold.submit"));
	html_printf(&b, "<p><a href=\"%s\">%s</a></p>",
		    ui_url(r->arena, arena_printf(r->arena, "/facilities/%s", f->code), (const char *[]){ "day", bres_iso(r, day), NULL }),
		    T(r, "booking.hold.back"));
	return app_page_send(r, status, &b, &p);
}

int page_booking_hold_form(struct http_req *r)
{
	struct fac_ctx c;
	int sent;
	if (fac_load(&c, r, &sent))
		return sent;
	struct hold_form hf = { .unit = http_param(r, "unit"), .band = http_param(r, "band"), .day = http_param(r, "day"),
				.key = bres_key(r) };
	int rc = hold_page(r, 200, &c, &hf);
	fac_done(&c);
	return rc;
}

/* a number of 1..100000 */
static int people_of(int *out, const char *s)
{
	if (!s || !*s || strlen(s) > 6)
		return -1;
	int v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return v >= 1 ? 0 : -1;
}

static int64_t id_of(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return 0;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int page_booking_hold(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct fac_ctx c;
	int sent;
	if (fac_load(&c, r, &sent))
		return sent;
	struct hold_form hf = {
		.unit = http_param(r, "unit"), .band = http_param(r, "band"), .day = http_param(r, "day"),
		.group = http_param(r, "group"), .resident = http_param(r, "resident"), .people = http_param(r, "people"),
		.purpose = http_param(r, "purpose"), .key = http_param(r, "key"),
	};
	if (!hf.key || !*hf.key)
		hf.key = bres_key(r);
	struct jp_date day;
	int people = 0, rc;
	int64_t group = id_of(hf.group);
	if (!hf.day || day_of(&day, hf.day) || !booking_unit_find(c.f, hf.unit ? hf.unit : "") ||
	    !booking_band_find(c.f, hf.band ? hf.band : "")) {
		rc = app_send_error(r, ERR_NOTFOUND, "booking.error.slot", "booking hold: no such slot");
		goto out;
	}
	if (people_of(&people, hf.people)) {
		hf.error_id = "f-people";
		hf.error = T(r, "booking.hold.error.people");
		rc = hold_page(r, 400, &c, &hf);
		goto out;
	}
	if (group < 0) {
		hf.error_id = "f-group";
		hf.error = T(r, "booking.hold.error.group");
		rc = hold_page(r, 400, &c, &hf);
		goto out;
	}
	struct booking_req rq = {
		.tenant = q->tenant.code, .facility = c.f->code, .unit = hf.unit, .band = hf.band, .day = day,
		.account = q->ses.account_id, .group = group, .source = BOOKING_FIRST_COME,
		.resident = !(hf.resident && strcmp(hf.resident, "0") == 0), .people = people,
		.purpose = hf.purpose ? hf.purpose : "", .holder = "", .request_key = hf.key, .now = app_now(),
	};
	struct booking bk;
	struct err e;
	rc = booking_hold(&bk, app_store(r), &rq, &e);
	if (rc >= 0) {
		app_audit(r, AUDIT_A_WRITE, "booking.booking", bk.number, AUDIT_R_OK);
		rc = http_redirect(r, 303, arena_printf(r->arena, "/mypage/facilities/%s?%s=1", bk.number,
							rc == 2 || bk.state == BOOKING_QUEUED ? "queued" : "held"));
		goto out;
	}
	app_audit(r, AUDIT_A_WRITE, "booking.booking", NULL, AUDIT_R_DENIED);
	log_info("booking: hold refused", "detail", e.detail);
	if (rc == ERR_CONFLICT && strncmp(e.detail, "slot", 4) == 0) {
		rc = day_page(r, 409, &c, day, T(r, "booking.hold.error.taken"));
		goto out;
	}
	const char *msg = NULL, *field = NULL;
	int status = 400;
	if (rc == ERR_CONFLICT && !strncmp(e.detail, "queue", 5)) {
		msg = "booking.hold.error.queue";
		status = 409;
	} else if (rc == ERR_CONFLICT) {
		msg = "booking.hold.error.once";
		field = "f-group";
		status = 409;
	} else if (!strncmp(e.detail, "not_yet: too far", 16)) {
		msg = "booking.hold.error.far";
	} else if (!strncmp(e.detail, "not_yet: given up", 17)) {
		msg = "booking.hold.error.waits";
	} else if (!strncmp(e.detail, "not_yet", 7)) {
		msg = "booking.hold.error.not_yet";
	} else if (!strncmp(e.detail, "closed", 6)) {
		msg = "booking.hold.error.closed";
	} else if (!strncmp(e.detail, "past", 4)) {
		msg = "booking.hold.error.past";
	} else if (!strncmp(e.detail, "capacity", 8)) {
		msg = "booking.hold.error.capacity";
		field = "f-people";
	} else if (!strncmp(e.detail, "who", 3)) {
		msg = "booking.hold.error.who";
		field = "f-resident";
		status = 403;
	} else if (!strncmp(e.detail, "group", 5)) {
		msg = "booking.hold.error.group";
		field = "f-group";
		status = 403;
	} else if (!strncmp(e.detail, "booking: people", 15)) {
		msg = "booking.hold.error.purpose";
		field = "f-purpose";
	} else if (rc == ERR_NOTFOUND) {
		rc = app_send_error(r, ERR_NOTFOUND, "booking.error.slot", "booking hold: no such slot");
		goto out;
	} else if (rc != ERR_INVALID) {
		rc = app_send_error(r, rc, "booking.error.unavailable", "booking hold: %s", e.detail);
		goto out;
	} else {
		msg = "booking.hold.error.slot";
	}
	hf.error_id = field ? field : "booking-hold";
	hf.error = T(r, msg);
	hf.key = bres_key(r);   /* a refused key is spent: the next try is a new request */
	rc = hold_page(r, status, &c, &hf);
out:
	fac_done(&c);
	return rc;
}
