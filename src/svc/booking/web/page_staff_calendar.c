/*
 * page_staff_calendar.c -- the desk's pages of one facility (permission
 * booking.staff):
 *   GET  /staff/facilities/{code}/calendar?day=&days=   the days' grid per unit and
 *        band: who booked (holder or group: personal data, the read is
 *        audited), state, paid, checked in, each booking linked; a slot
 *        without one: free, closed, past, in a lottery not yet drawn (its
 *        round's phase: entries not open, open, awaiting the draw; the
 *        entries naming the slot), or not yet open first come (from when);
 *        a legend; the forms of a manual booking and of a recurring one
 *   POST /staff/facilities/{code}/book        booking_staff_book (a key per form: a
 *                                             double click answers the same booking)
 *   POST /staff/facilities/{code}/recurring   booking_recurring: every week on the first
 *                                             day's weekday until the last; the page lists
 *                                             the days skipped (taken or closed)
 *   GET  /staff/facilities/booking/{number}   one booking (audited read), and the forms:
 *   POST .../checkin  .../paid  .../cancel    check-in (on the day), paid at the counter,
 *                                             cancel with the fee waived or kept
 *   GET  /staff/facilities/{code}/usage?from=&to=       rate of use per unit and band
 *   GET  /staff/facilities/{code}/usage.csv?from=&to=&enc=utf8|cp932
 * Every change is audited with the booking's number (never a name).
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/csv.h"
#include "base/log.h"
#include "svc/booking/web/booking_web.h"
#include "svc/payments/payments.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bstaff_t
#define DAYS_MAX 14
#define GROUPS_SEEN 64

/* ---- who booked: a group's name, read once per page ---- */

struct group_name {
	int64_t id;
	char name[BOOKING_NAME_MAX + 1];
};

struct names {
	struct group_name g[GROUPS_SEEN];
	int n;
};

static const char *who_of(struct http_req *r, struct names *nm, const struct booking *b)
{
	if (b->holder[0])
		return b->holder;
	if (b->group) {
		for (int i = 0; i < nm->n; i++)
			if (nm->g[i].id == b->group)
				return nm->g[i].name;
		struct booking_group *g = malloc(sizeof *g);
		struct err e;
		const char *name = NULL;
		if (g && booking_group_get(g, app_store(r), app_req(r)->tenant.code, b->group, &e) == 0) {
			name = arena_strdup(r->arena, g->name);
			if (nm->n < GROUPS_SEEN) {
				nm->g[nm->n].id = g->id;
				snprintf(nm->g[nm->n].name, sizeof nm->g[nm->n].name, "%s", g->name);
				nm->n++;
			}
		}
		free(g);
		if (name)
			return name;
	}
	if (b->account)
		return arena_printf(r->arena, T(r, "booking.staff.who.account"), (long long)b->account);
	return "—";
}

static const char *state_label(struct http_req *r, enum booking_state s)
{
	return T(r, arena_printf(r->arena, "booking.staff.state.%s", booking_state_code(s)));
}

static const char *paid_label(struct http_req *r, const struct booking *b)
{
	return b->paid_at ? T(r, "booking.staff.paid.yes") : b->fee ? T(r, "booking.staff.paid.no")
								     : T(r, "booking.staff.paid.free");
}

/* ---- the calendar ---- */

/* a slot without a booking in force: free, taken by its whole or part,
 * closed, past, in a lottery not yet drawn (lot: its round, n the entries
 * naming the slot), or not yet open first come (from opens_at) */
static void slot_cell(struct http_req *r, struct buf *b, const struct booking_slot *s,
		      const struct booking_round *lot, int n, int64_t now)
{
	switch (s->state) {
	case BOOKING_SLOT_LOTTERY: {
		enum booking_round_phase ph = lot && lot->id ? booking_round_phase(lot, now) : BOOKING_PHASE_DRAWN;
		const char *code = ph == BOOKING_PHASE_BEFORE ? "before" : ph == BOOKING_PHASE_ENTRIES ? "entries"
				   : ph == BOOKING_PHASE_DRAW ? "draw" : "lottery";
		html_printf(b, "<span class=\"bstaff-slot-lottery\" data-state=\"lottery\" data-phase=\"%s\">%s</span>",
			    code, T(r, arena_printf(r->arena, "booking.staff.slot.lottery.%s", code)));
		if (lot && lot->id)
			html_printf(b, "<br><small>%s · %s</small>",
				    arena_printf(r->arena, T(r, "booking.staff.slot.entries"), n),
				    arena_printf(r->arena, T(r, "booking.staff.slot.draw_at"), bstaff_when(r, lot->draw_at)));
		return;
	}
	case BOOKING_SLOT_NOT_YET:
		html_printf(b, "<span class=\"bstaff-slot-not-yet\" data-state=\"not_yet\">%s</span>",
			    T(r, "booking.staff.slot.not_yet"));
		if (s->opens_at)
			html_printf(b, "<br><small>%s</small>",
				    arena_printf(r->arena, T(r, "booking.staff.slot.opens"), bstaff_when(r, s->opens_at)));
		return;
	default:
		break;
	}
	const char *code = s->state == BOOKING_SLOT_CLOSED ? "closed" : s->state == BOOKING_SLOT_TAKEN ? "taken"
			   : s->state == BOOKING_SLOT_PAST ? "past" : "free";
	html_printf(b, "<span class=\"bstaff-slot-%s\" data-state=\"%s\">%s</span>", code, code,
		    T(r, s->state == BOOKING_SLOT_CLOSED ? "booking.staff.slot.closed"
			 : s->state == BOOKING_SLOT_TAKEN ? "booking.staff.slot.taken_other"
			 : s->state == BOOKING_SLOT_PAST ? "booking.staff.slot.past"
			 : "booking.staff.slot.free"));
}

/* what the cells say, above the grid */
static void legend(struct http_req *r, struct buf *b)
{
	static const char *const ids[] = { "free", "lottery", "not_yet", "taken", "closed", "past" };
	html_printf(b, "<section aria-labelledby=\"legend-h\" class=\"bstaff-legend\"><h2 id=\"legend-h\">%s</h2><dl id=\"cal-legend\">",
		    T(r, "booking.staff.legend.title"));
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		html_printf(b, "<dt data-state=\"%s\">%s</dt><dd>%s</dd>", ids[i],
			    T(r, arena_printf(r->arena, "booking.staff.legend.%s", ids[i])),
			    T(r, arena_printf(r->arena, "booking.staff.legend.%s.text", ids[i])));
	buf_puts(b, "</dl></section>");
}

struct cal_ctx {
	struct booking *b;
	int n, cap;
};

static int cal_collect(void *arg, const struct booking *b)
{
	struct cal_ctx *c = arg;
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 64;
		if (cap > 20000)
			return ERR_LIMIT;
		struct booking *nb = realloc(c->b, sizeof *nb * (size_t)cap);
		if (!nb)
			return ERR_NOMEM;
		c->b = nb;
		c->cap = cap;
	}
	c->b[c->n++] = *b;
	return 0;
}

struct book_form {
	const char *unit, *band, *day, *last, *holder, *people, *purpose;
	int resident;
	const char *form;    /* "book" or "recurring": which one the error is of */
	const char *field, *error;
};

static const char *new_key(struct http_req *r)
{
	unsigned char k[16];
	char hex[33];
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, sizeof hex, k, sizeof k);
	return arena_strdup(r->arena, hex);
}

static void slot_selects(struct http_req *r, struct buf *b, const struct booking_facility *f, const char *pre,
			 const struct book_form *v, const char *err_field, const char *err)
{
	enum html_lang l = app_req(r)->lang;
	struct ui_option *o = arena_alloc(r->arena, sizeof *o * (BOOKING_UNITS_MAX + BOOKING_BANDS_MAX));
	if (!o)
		return;
	for (int i = 0; i < f->nunits; i++)
		o[i] = (struct ui_option){ f->units[i].code, bstaff_name(r, f->units[i].name_ja, f->units[i].name_en) };
	const char *uid = arena_printf(r->arena, "%s-unit", pre), *bid = arena_printf(r->arena, "%s-band", pre);
	ui_select(b, &(struct ui_field){ .name = "unit", .id = uid, .label = T(r, "booking.staff.col.unit"),
					 .value = v->unit, .required = 1, .lang = l,
					 .error = err_field && !strcmp(err_field, uid) ? err : NULL }, o, f->nunits, NULL);
	for (int j = 0; j < f->nbands; j++) {
		const struct booking_band *bd = &f->bands[j];
		o[j] = (struct ui_option){ bd->code, arena_printf(r->arena, "%s %02d:%02d–%02d:%02d",
								  bstaff_name(r, bd->name_ja, bd->name_en), bd->start_min / 60,
								  bd->start_min % 60, bd->end_min / 60, bd->end_min % 60) };
	}
	ui_select(b, &(struct ui_field){ .name = "band", .id = bid, .label = T(r, "booking.staff.col.band"),
					 .value = v->band, .required = 1, .lang = l }, o, f->nbands, NULL);
}

static void who_fields(struct http_req *r, struct buf *b, const char *pre, const struct book_form *v,
		       const char *err_field, const char *err)
{
	enum html_lang l = app_req(r)->lang;
	const char *hid = arena_printf(r->arena, "%s-holder", pre), *pid = arena_printf(r->arena, "%s-people", pre);
	ui_input(b, &(struct ui_field){ .name = "holder", .id = hid, .label = T(r, "booking.staff.col.holder"),
					.hint = T(r, "booking.staff.holder.hint"), .value = v->holder,
					.maxlength = BOOKING_NAME_MAX, .required = 1, .lang = l,
					.error = err_field && !strcmp(err_field, hid) ? err : NULL });
	ui_input(b, &(struct ui_field){ .name = "people", .id = pid, .label = T(r, "booking.staff.col.people"),
					.value = v->people, .maxlength = 6, .inputmode = "numeric",
					.control_class = "input-short", .lang = l,
					.error = err_field && !strcmp(err_field, pid) ? err : NULL });
	ui_input(b, &(struct ui_field){ .name = "purpose", .id = arena_printf(r->arena, "%s-purpose", pre),
					.label = T(r, "booking.staff.col.purpose"), .value = v->purpose,
					.maxlength = BOOKING_NAME_MAX, .lang = l });
	ui_checkbox(b, &(struct ui_field){ .name = "resident", .id = arena_printf(r->arena, "%s-resident", pre),
					   .label = T(r, "booking.staff.resident"), .lang = l }, v->resident);
}

static int calendar_page(struct http_req *r, int status, const struct booking_facility *f, long from, int days,
			 const struct book_form *v)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct cal_ctx c = { 0 };
	int rc = booking_of_facility(app_store(r), q->tenant.code, f->code, from, from + days - 1, cal_collect, &c, &e);
	char oid[80];
	snprintf(oid, sizeof oid, "%s:%ld+%d", f->code, from, days);
	app_audit(r, AUDIT_A_READ, "booking.calendar", oid, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc) {
		free(c.b);
		return app_send_error(r, rc, "booking.staff.error.failed", rc == ERR_LIMIT ? "calendar: too many" : e.detail);
	}
	struct booking_slot *sl = malloc(sizeof *sl * (size_t)(f->nunits * f->nbands + 1));
	if (!sl) {
		free(c.b);
		return ERR_NOMEM;
	}
	struct names *nm = arena_alloc(r->arena, sizeof *nm);
	/* the rule of the facility's kind: when first come opens, the
	 * lotteries before it (without it the grid shows only free) */
	const struct booking_rule *rule = NULL;
	struct booking_rules *rules = arena_alloc(r->arena, sizeof *rules);
	if (rules && booking_rules_load(rules, app_store(r), q->tenant.code, &e) == 0)
		rule = booking_rule_find(rules, f->kind);
	else
		log_info("booking: the calendar without the rules", "detail", rules ? e.detail : "memory");
	struct booking_round *lot = arena_alloc(r->arena, sizeof *lot);
	int *entries = arena_alloc(r->arena, sizeof *entries * (size_t)(f->nunits * f->nbands + 1));
	if (!entries)
		lot = NULL;
	const char *error = v && v->error ? v->error : NULL;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "booking.staff.calendar.title"),
					      bstaff_name(r, f->name_ja, f->name_en)), v ? v->field : NULL, error);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a> · "
		    "<a href=\"/staff/facilities/%s/usage\">%s</a></p>",
		    T(r, "booking.staff.title"), f->code, T(r, "booking.staff.usage"));
	/* the days shown, and the weeks before and after */
	html_printf(&b, "<form method=\"get\" action=\"/staff/facilities/%s/calendar\" class=\"form bstaff-days\">", f->code);
	ui_input(&b, &(struct ui_field){ .name = "day", .id = "cal-day", .label = T(r, "booking.staff.cal.from"),
					 .type = "date", .value = bstaff_iso(r, from), .lang = q->lang });
	html_printf(&b, "<input type=\"hidden\" name=\"days\" value=\"%d\"><button type=\"submit\" class=\"button-secondary\">%s</button>"
		    " <a href=\"/staff/facilities/%s/calendar?day=%s&amp;days=%d\" id=\"cal-prev\">%s</a>"
		    " <a href=\"/staff/facilities/%s/calendar?day=%s&amp;days=%d\" id=\"cal-next\">%s</a></form>",
		    days, T(r, "booking.staff.cal.show"), f->code, bstaff_iso(r, from - days), days,
		    T(r, "booking.staff.cal.prev"), f->code, bstaff_iso(r, from + days), days, T(r, "booking.staff.cal.next"));
	legend(r, &b);
	int64_t now = app_now();
	for (int d = 0; d < days; d++) {
		long day = from + d;
		struct jp_date jd = jp_date_from_days(day);
		const char *wd = q->lang == HTML_EN ? jp_weekday_name_en(jp_date_weekday(jd)) : jp_weekday_name_ja(jp_date_weekday(jd));
		int slots_ok = booking_slots(sl, app_store(r), q->tenant.code, f, rule, jd, now, &e) == 0;
		/* a lottery over the day: its round and the entries per slot */
		int lot_ok = 0;
		for (int k = 0; slots_ok && lot && !lot_ok && k < f->nunits * f->nbands; k++)
			if (sl[k].state == BOOKING_SLOT_LOTTERY)
				lot_ok = booking_day_lottery(lot, entries, app_store(r), q->tenant.code, f, jd, &e) == 0 ? 1 : -1;
		if (lot_ok < 0) {
			log_info("booking: the calendar without the lottery's entries", "detail", e.detail);
			lot_ok = 0;
		}
		html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"cal-%s\" tabindex=\"0\">"
			    "<table class=\"bstaff-cal\" data-day=\"%s\"><caption id=\"cal-%s\">%s (%s)</caption><thead><tr>"
			    "<th scope=\"col\">%s</th>",
			    bstaff_iso(r, day), bstaff_iso(r, day), bstaff_iso(r, day), bstaff_iso(r, day), wd,
			    T(r, "booking.staff.col.unit"));
		for (int j = 0; j < f->nbands; j++)
			html_printf(&b, "<th scope=\"col\">%s</th>", bstaff_name(r, f->bands[j].name_ja, f->bands[j].name_en));
		buf_puts(&b, "</tr></thead><tbody>");
		for (int i = 0; i < f->nunits; i++) {
			const struct booking_unit *u = &f->units[i];
			html_printf(&b, "<tr><th scope=\"row\">%s</th>", bstaff_name(r, u->name_ja, u->name_en));
			for (int j = 0; j < f->nbands; j++) {
				const struct booking_band *bd = &f->bands[j];
				html_printf(&b, "<td data-slot=\"%s/%s\">", u->code, bd->code);
				int any = 0;
				for (int k = 0; k < c.n; k++) {
					const struct booking *bk = &c.b[k];
					if (jp_date_to_days(bk->day) != day || strcmp(bk->unit, u->code) || strcmp(bk->band, bd->code))
						continue;
					any = 1;
					html_printf(&b, "<a href=\"/staff/facilities/booking/%s\" class=\"bstaff-booking\" data-number=\"%s\">%s</a>"
						    "<br><small>%s · %s%s</small>",
						    bk->number, bk->number, nm ? who_of(r, nm, bk) : bk->holder,
						    state_label(r, bk->state), paid_label(r, bk),
						    bk->checked_in_at ? arena_printf(r->arena, " · %s", T(r, "booking.staff.checked_in"))
								      : "");
				}
				const struct booking_slot *s = slots_ok ? &sl[i * f->nbands + j] : NULL;
				if (!any && s)
					slot_cell(r, &b, s, lot_ok ? lot : NULL, lot_ok ? entries[i * f->nbands + j] : 0, now);
				else if (any && s && s->state == BOOKING_SLOT_CLOSED)
					html_printf(&b, "<br><strong class=\"bstaff-slot-closed\">%s</strong>",
						    T(r, "booking.staff.slot.closed_booked"));
				buf_puts(&b, "</td>");
			}
			buf_puts(&b, "</tr>");
		}
		buf_puts(&b, "</tbody></table></div>\n");
	}
	free(sl);
	free(c.b);
	/* a booking by staff */
	struct book_form empty = { "", "", bstaff_iso(r, from), bstaff_iso(r, from + 7 * 12), "", "", "", 1, NULL, NULL, NULL };
	const struct book_form *bv = v && v->form && !strcmp(v->form, "book") ? v : &empty;
	const struct book_form *rv = v && v->form && !strcmp(v->form, "recurring") ? v : &empty;
	const char *ef = v ? v->field : NULL;
	html_printf(&b, "<section aria-labelledby=\"book-h\"><h2 id=\"book-h\">%s</h2>"
		    "<form method=\"post\" action=\"/staff/facilities/%s/book\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"key\" value=\"%s\">",
		    T(r, "booking.staff.book.title"), f->code, q->csrf, new_key(r));
	slot_selects(r, &b, f, "book", bv, ef, error);
	ui_input(&b, &(struct ui_field){ .name = "day", .id = "book-day", .label = T(r, "booking.staff.col.day"),
					 .type = "date", .value = bv->day, .required = 1, .lang = q->lang,
					 .error = ef && !strcmp(ef, "book-day") ? error : NULL });
	who_fields(r, &b, "book", bv, ef, error);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"book-go\">%s</button></form></section>",
		    T(r, "booking.staff.book.go"));
	/* every week */
	html_printf(&b, "<section aria-labelledby=\"rec-h\"><h2 id=\"rec-h\">%s</h2><p>%s</p>"
		    "<form method=\"post\" action=\"/staff/facilities/%s/recurring\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "booking.staff.rec.title"), arena_printf(r->arena, T(r, "booking.staff.rec.lead"), BOOKING_SERIES_MAX),
		    f->code, q->csrf);
	slot_selects(r, &b, f, "rec", rv, ef, error);
	ui_input(&b, &(struct ui_field){ .name = "day", .id = "rec-day", .label = T(r, "booking.staff.rec.first"),
					 .type = "date", .value = rv->day, .required = 1, .lang = q->lang,
					 .error = ef && !strcmp(ef, "rec-day") ? error : NULL });
	ui_input(&b, &(struct ui_field){ .name = "last", .id = "rec-last", .label = T(r, "booking.staff.rec.last"),
					 .type = "date", .value = rv->last, .required = 1, .lang = q->lang });
	who_fields(r, &b, "rec", rv, ef, error);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"rec-go\">%s</button></form></section>",
		    T(r, "booking.staff.rec.go"));
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_calendar(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	long from = bstaff_today();
	const char *ds = http_param(r, "day"), *ns = http_param(r, "days");
	if (ds && *ds && bstaff_day_parse(&from, ds))
		return app_send_error(r, ERR_INVALID, "booking.staff.error.day", "calendar: day");
	int days = ns ? atoi(ns) : 7;
	if (days < 1 || days > DAYS_MAX)
		days = 7;
	return calendar_page(r, 200, f, from, days, NULL);
}

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

/* the form's values, and a request from them; 0 or the field in error */
static const char *read_form(struct book_form *v, struct booking_req *rq, struct http_req *r,
			     const struct booking_facility *f, const char *form, const char **err_id)
{
	*v = (struct book_form){ param(r, "unit"), param(r, "band"), param(r, "day"), param(r, "last"),
				 param(r, "holder"), param(r, "people"), param(r, "purpose"),
				 http_param(r, "resident") != NULL, form, NULL, NULL };
	memset(rq, 0, sizeof *rq);
	rq->tenant = app_req(r)->tenant.code;
	rq->facility = f->code;
	rq->unit = v->unit;
	rq->band = v->band;
	rq->resident = v->resident;
	rq->purpose = v->purpose;
	rq->holder = v->holder;
	rq->now = app_now();
	rq->source = strcmp(form, "book") ? BOOKING_RECURRING : BOOKING_STAFF;
	long d;
	const char *pre = strcmp(form, "book") ? "rec" : "book";
	if (!booking_unit_find(f, v->unit) || !booking_band_find(f, v->band)) {
		*err_id = "booking.staff.book.error.slot";
		return arena_printf(r->arena, "%s-unit", pre);
	}
	if (bstaff_day_parse(&d, v->day)) {
		*err_id = "booking.staff.book.error.day";
		return arena_printf(r->arena, "%s-day", pre);
	}
	rq->day = jp_date_from_days(d);
	if (!*v->holder) {
		*err_id = "booking.staff.book.error.holder";
		return arena_printf(r->arena, "%s-holder", pre);
	}
	char *end = NULL;
	long people = *v->people ? strtol(v->people, &end, 10) : 0;
	if ((end && *end) || people < 0 || people > 100000) {
		*err_id = "booking.staff.book.error.people";
		return arena_printf(r->arena, "%s-people", pre);
	}
	rq->people = (int)people;
	return NULL;
}

/* the catalog id of a refusal of the domain, and the field it is about */
static const char *refusal(int rc, const struct err *e, const char *pre, struct http_req *r, const char **field)
{
	*field = arena_printf(r->arena, "%s-day", pre);
	if (rc == ERR_CONFLICT)
		return "booking.staff.book.error.taken";
	if (rc == ERR_NOTFOUND) {
		*field = arena_printf(r->arena, "%s-unit", pre);
		return "booking.staff.book.error.slot";
	}
	if (rc == ERR_LIMIT)
		return "booking.staff.rec.error.long";
	if (rc != ERR_INVALID)
		return NULL;
	if (!strncmp(e->detail, "past:", 5))
		return "booking.staff.book.error.past";
	if (!strncmp(e->detail, "closed:", 7))
		return "booking.staff.book.error.closed";
	if (!strncmp(e->detail, "capacity:", 9)) {
		*field = arena_printf(r->arena, "%s-people", pre);
		return "booking.staff.book.error.capacity";
	}
	if (!strncmp(e->detail, "recurring:", 10))
		return "booking.staff.rec.error.days";
	if (strstr(e->detail, "holder") || strstr(e->detail, "purpose")) {
		*field = arena_printf(r->arena, "%s-holder", pre);
		return "booking.staff.book.error.holder";
	}
	return "booking.staff.book.error.day";
}

int page_bstaff_book(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	struct book_form v;
	struct booking_req rq;
	const char *err_id = NULL;
	v.field = read_form(&v, &rq, r, f, "book", &err_id);
	long from = bstaff_today();
	if (v.field) {
		v.error = T(r, err_id);
		return calendar_page(r, 422, f, from, 7, &v);
	}
	const char *key = http_param(r, "key");
	rq.request_key = key && *key ? key : NULL;
	struct booking bk;
	struct err e;
	rc = booking_staff_book(&bk, app_store(r), &rq, &e);
	app_audit(r, "booking.staff_book", "booking", rc == 0 || rc == 1 ? bk.number : f->code,
		  rc == 0 || rc == 1 ? AUDIT_R_OK : AUDIT_R_FAILED);
	if (rc == 0 || rc == 1)
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/booking/%s?done=booked", bk.number));
	log_info("booking: a staff booking refused", "detail", e.detail);
	const char *id = refusal(rc, &e, "book", r, &v.field);
	if (!id)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	v.error = T(r, id);
	bstaff_day_parse(&from, v.day);
	return calendar_page(r, rc == ERR_CONFLICT ? 409 : 422, f, from, 7, &v);
}

int page_bstaff_recurring(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	struct book_form v;
	struct booking_req rq;
	const char *err_id = NULL;
	v.field = read_form(&v, &rq, r, f, "recurring", &err_id);
	long last = 0, from = bstaff_today();
	if (!v.field && (bstaff_day_parse(&last, v.last) || last < jp_date_to_days(rq.day))) {
		v.field = "rec-last";
		err_id = "booking.staff.rec.error.days";
	}
	if (v.field) {
		v.error = T(r, err_id);
		return calendar_page(r, 422, f, from, 7, &v);
	}
	struct jp_date *skipped = arena_alloc(r->arena, sizeof *skipped * BOOKING_SERIES_MAX);
	if (!skipped)
		return ERR_NOMEM;
	int64_t series = 0;
	int nbooked = 0, nskipped = 0;
	struct err e;
	rq.account = app_req(r)->staff.id;
	rc = booking_recurring(&series, &nbooked, skipped, &nskipped, app_store(r), &rq, jp_date_from_days(last), &e);
	char oid[32];
	snprintf(oid, sizeof oid, "series:%lld", (long long)series);
	app_audit(r, "booking.recurring", "booking.series", oid, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc) {
		log_info("booking: a recurring booking refused", "detail", e.detail);
		const char *id = refusal(rc, &e, "rec", r, &v.field);
		if (!id)
			return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
		v.error = T(r, id);
		return calendar_page(r, rc == ERR_CONFLICT ? 409 : 422, f, from, 7, &v);
	}
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.staff.rec.done.title"), NULL, NULL);
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities/%s/calendar?day=%s\">%s</a></p>"
		    "<div class=\"notice\" role=\"status\" id=\"notice\"><p id=\"rec-booked\">%s</p></div>",
		    f->code, v.day, bstaff_name(r, f->name_ja, f->name_en),
		    arena_printf(r->arena, T(r, "booking.staff.rec.done"), nbooked, nskipped));
	if (nskipped) {
		html_printf(&b, "<h2>%s</h2><ul id=\"rec-skipped\">", T(r, "booking.staff.rec.skipped"));
		for (int i = 0; i < nskipped; i++)
			html_printf(&b, "<li><a href=\"/staff/facilities/%s/calendar?day=%s\">%s</a></li>", f->code,
				    bstaff_iso(r, jp_date_to_days(skipped[i])), bstaff_iso(r, jp_date_to_days(skipped[i])));
		buf_puts(&b, "</ul>");
	}
	return app_page_send(r, 200, &b, &p);
}

/* ---- one booking ---- */

static int booking_page(struct http_req *r, int status, const char *number, const char *field, const char *error)
{
	struct app_req *q = app_req(r);
	struct booking bk;
	struct err e;
	int rc = booking_get(&bk, app_store(r), q->tenant.code, number, &e);
	app_audit(r, AUDIT_A_READ, "booking", number, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.staff.error.booking", "no such booking");
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	struct booking_facility *f = NULL;
	if (booking_facility_get(&f, app_store(r), q->tenant.code, bk.facility, &e))
		f = NULL;
	const struct booking_unit *u = f ? booking_unit_find(f, bk.unit) : NULL;
	const struct booking_band *bd = f ? booking_band_find(f, bk.band) : NULL;
	struct names *nm = arena_alloc(r->arena, sizeof *nm);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "booking.staff.booking.title"), bk.number), field, error);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities/%s/calendar?day=%s\">%s</a></p>",
		    bk.facility, bstaff_iso(r, jp_date_to_days(bk.day)), f ? bstaff_name(r, f->name_ja, f->name_en) : bk.facility);
	const char *done = http_param(r, "done");
	if (done && !error)
		bstaff_notice(&b, T(r, !strcmp(done, "booked") ? "booking.staff.done.booked"
				     : !strcmp(done, "checkin") ? "booking.staff.done.checkin"
				     : !strcmp(done, "paid") ? "booking.staff.done.paid" : "booking.staff.done.cancelled"));
	html_printf(&b, "<dl id=\"booking\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"b-state\" data-state=\"%s\">%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s %s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "booking.staff.col.number"), bk.number, T(r, "booking.staff.col.state"),
		    booking_state_code(bk.state), state_label(r, bk.state),
		    T(r, "booking.staff.col.day"), bstaff_iso(r, jp_date_to_days(bk.day)),
		    T(r, "booking.staff.col.slot"), u ? bstaff_name(r, u->name_ja, u->name_en) : bk.unit,
		    bd ? bstaff_name(r, bd->name_ja, bd->name_en) : bk.band,
		    T(r, "booking.staff.col.holder"), nm ? who_of(r, nm, &bk) : bk.holder);
	html_printf(&b, "<dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"b-paid\">%s</dd><dt>%s</dt><dd id=\"b-checkin\">%s</dd>",
		    T(r, "booking.staff.col.people"), bk.people, T(r, "booking.staff.col.purpose"),
		    bk.purpose[0] ? bk.purpose : "—", T(r, "booking.staff.col.source"),
		    T(r, arena_printf(r->arena, "booking.staff.source.%s", booking_source_code(bk.source))),
		    T(r, "booking.staff.col.fee"), arena_printf(r->arena, T(r, "booking.staff.yen"), bk.fee),
		    T(r, "booking.staff.col.paid"), bk.paid_at ? bstaff_when(r, bk.paid_at) : paid_label(r, &bk),
		    T(r, "booking.staff.col.checkin"), bk.checked_in_at ? bstaff_when(r, bk.checked_in_at) : "—");
	if (bk.pay_by && !bk.paid_at)
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "booking.staff.col.pay_by"), bstaff_when(r, bk.pay_by));
	if (bk.state == BOOKING_CANCELLED)
		html_printf(&b, "<dt>%s</dt><dd id=\"b-cancel-fee\">%s</dd>", T(r, "booking.staff.col.cancel_fee"),
			    arena_printf(r->arena, T(r, "booking.staff.yen"), bk.cancel_fee));
	buf_puts(&b, "</dl>");
	booking_facility_free(f);
	int in_force = bk.state == BOOKING_HELD || bk.state == BOOKING_WON || bk.state == BOOKING_BOOKED;
	if (bk.state == BOOKING_BOOKED && !bk.checked_in_at)
		html_printf(&b, "<form method=\"post\" action=\"/staff/facilities/booking/%s/checkin\" class=\"form-inline\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" class=\"button\" id=\"checkin\">%s</button>"
			    "</form>", bk.number, q->csrf, T(r, "booking.staff.checkin"));
	if (bk.state == BOOKING_BOOKED && !bk.paid_at && bk.fee)
		html_printf(&b, "<form method=\"post\" action=\"/staff/facilities/booking/%s/paid\" class=\"form-inline\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" class=\"button\" id=\"paid\">%s</button>"
			    "</form>", bk.number, q->csrf, T(r, "booking.staff.mark_paid"));
	if (in_force) {
		html_printf(&b, "<section aria-labelledby=\"cancel-h\"><h2 id=\"cancel-h\">%s</h2>"
			    "<form method=\"post\" action=\"/staff/facilities/booking/%s/cancel\" class=\"form\" novalidate>"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			    T(r, "booking.staff.cancel.title"), bk.number, q->csrf);
		ui_checkbox(&b, &(struct ui_field){ .name = "confirm", .id = "cancel-confirm",
						    .label = T(r, "booking.staff.cancel.confirm"), .lang = q->lang,
						    .error = field && !strcmp(field, "cancel-confirm") ? error : NULL }, 0);
		ui_checkbox(&b, &(struct ui_field){ .name = "waive", .id = "cancel-waive",
						    .label = T(r, "booking.staff.cancel.waive"),
						    .hint = T(r, "booking.staff.cancel.waive.hint"), .lang = q->lang }, 0);
		html_printf(&b, "<button type=\"submit\" class=\"button button-secondary\" id=\"cancel\">%s</button></form></section>",
			    T(r, "booking.staff.cancel.go"));
	}
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_booking(struct http_req *r)
{
	return booking_page(r, 200, http_param(r, "number"), NULL, NULL);
}

static int action_done(struct http_req *r, const char *action, const char *done, int rc, struct err *e)
{
	const char *number = http_param(r, "number");
	app_audit(r, action, "booking", number, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.staff.error.booking", e->detail);
	if (rc == ERR_INVALID) {
		const char *id = !strncmp(e->detail, "day:", 4) ? "booking.staff.error.checkin_day"
				 : "booking.staff.error.state";
		return booking_page(r, 409, number, NULL, T(r, id));
	}
	if (rc == ERR_CONFLICT && strstr(e->detail, "payment changed meanwhile"))   /* the page shows it now */
		return booking_page(r, 409, number, NULL, T(r, "booking.staff.error.changed"));
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e->detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/booking/%s?done=%s", number, done));
}

int page_bstaff_checkin(struct http_req *r)
{
	struct err e;
	int rc = booking_check_in(app_store(r), app_req(r)->tenant.code, http_param(r, "number"), app_now(), &e);
	return action_done(r, "booking.check_in", "checkin", rc, &e);
}

int page_bstaff_paid(struct http_req *r)
{
	struct err e;
	int rc = booking_mark_paid(app_store(r), app_req(r)->tenant.code, http_param(r, "number"), app_now(), &e);
	return action_done(r, "booking.paid_at_counter", "paid", rc, &e);
}

int page_bstaff_cancel(struct http_req *r)
{
	const char *number = http_param(r, "number"), *confirm = http_param(r, "confirm"), *waive = http_param(r, "waive");
	if (!confirm || strcmp(confirm, "1"))
		return booking_page(r, 422, number, "cancel-confirm", T(r, "booking.staff.cancel.error.confirm"));
	struct booking bk;
	struct err e;
	/* paid online: the refund is asked for as this member of staff (another approves it) */
	struct app_actor a;
	app_actor_of(&a, r);
	struct pay_actor who = { .audit = &app_of(r)->audit, .id = a.id, .login = a.login, .role = a.roles,
				 .source = a.source };
	int rc = booking_cancel_as(&bk, app_store(r), app_req(r)->tenant.code, number, 0, waive && !strcmp(waive, "1"),
				   app_now(), &who, &e);
	return action_done(r, waive ? "booking.cancel_waived" : "booking.cancel", "cancelled", rc, &e);
}

/* ---- usage ---- */

static int usage_read(struct http_req *r, const struct booking_facility *f, long *from, long *to,
		      struct booking_usage **out, int *n, struct err *e)
{
	long td = bstaff_today();
	*to = td;
	*from = td - 29;
	const char *fs = http_param(r, "from"), *ts = http_param(r, "to");
	if ((fs && *fs && bstaff_day_parse(from, fs)) || (ts && *ts && bstaff_day_parse(to, ts)) || *to < *from ||
	    *to - *from > 3660)
		return ERR_INVALID;
	*out = arena_alloc(r->arena, sizeof **out * (size_t)(f->nunits * f->nbands + 1));
	if (!*out)
		return ERR_NOMEM;
	return booking_usage(*out, n, app_store(r), app_req(r)->tenant.code, f, *from, *to, e);
}

static const char *rate(struct http_req *r, const struct booking_usage *u)
{
	return u->open > 0 ? arena_printf(r->arena, "%.1f", 100.0 * u->booked / u->open) : "—";
}

int page_bstaff_usage(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	long from, to;
	struct booking_usage *us = NULL;
	int n = 0;
	struct err e;
	err_clear(&e);
	rc = usage_read(r, f, &from, &to, &us, &n, &e);
	if (rc == ERR_INVALID)
		return app_send_error(r, rc, "booking.staff.error.days", e.detail);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "booking.staff.usage.title"), bstaff_name(r, f->name_ja, f->name_en)),
		      NULL, NULL);
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a> · "
		    "<a href=\"/staff/facilities/%s/calendar\">%s</a></p><p>%s</p>",
		    T(r, "booking.staff.title"), f->code, T(r, "booking.staff.calendar"), T(r, "booking.staff.usage.lead"));
	html_printf(&b, "<form method=\"get\" action=\"/staff/facilities/%s/usage\" class=\"form\">", f->code);
	ui_input(&b, &(struct ui_field){ .name = "from", .id = "u-from", .label = T(r, "booking.staff.usage.from"),
					 .type = "date", .value = bstaff_iso(r, from), .lang = q->lang });
	ui_input(&b, &(struct ui_field){ .name = "to", .id = "u-to", .label = T(r, "booking.staff.usage.to"),
					 .type = "date", .value = bstaff_iso(r, to), .lang = q->lang });
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>", T(r, "booking.staff.cal.show"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"usage-cap\" tabindex=\"0\">"
		    "<table id=\"usage\"><caption id=\"usage-cap\">%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>",
		    arena_printf(r->arena, T(r, "booking.staff.usage.caption"), bstaff_iso(r, from), bstaff_iso(r, to)),
		    T(r, "booking.staff.col.unit"), T(r, "booking.staff.col.band"), T(r, "booking.staff.usage.open"),
		    T(r, "booking.staff.usage.booked"), T(r, "booking.staff.usage.rate"));
	for (int i = 0; i < n; i++) {
		const struct booking_unit *u = booking_unit_find(f, us[i].unit);
		const struct booking_band *bd = booking_band_find(f, us[i].band);
		html_printf(&b, "<tr data-usage=\"%s/%s\"><td>%s</td><td>%s</td><td>%d</td><td class=\"booked\">%d</td><td>%s</td></tr>",
			    us[i].unit, us[i].band, u ? bstaff_name(r, u->name_ja, u->name_en) : us[i].unit,
			    bd ? bstaff_name(r, bd->name_ja, bd->name_en) : us[i].band, us[i].open, us[i].booked, rate(r, &us[i]));
	}
	buf_puts(&b, "</tbody></table></div>");
	const char *fi = bstaff_iso(r, from), *ti = bstaff_iso(r, to);
	html_printf(&b, "<ul><li><a id=\"usage-utf8\" href=\"/staff/facilities/%s/usage.csv?from=%s&amp;to=%s&amp;enc=utf8\" download>%s</a></li>"
		    "<li><a id=\"usage-cp932\" href=\"/staff/facilities/%s/usage.csv?from=%s&amp;to=%s&amp;enc=cp932\" download>%s</a></li></ul>",
		    f->code, fi, ti, T(r, "booking.staff.csv.utf8"), f->code, fi, ti, T(r, "booking.staff.csv.cp932"));
	return app_page_send(r, 200, &b, &p);
}

int page_bstaff_usage_csv(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	long from, to;
	struct booking_usage *us = NULL;
	int n = 0;
	struct err e;
	err_clear(&e);
	rc = usage_read(r, f, &from, &to, &us, &n, &e);
	if (rc == ERR_INVALID)
		return app_send_error(r, rc, "booking.staff.error.days", e.detail);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, "\xef\xbb\xbf" "facility,from,to,unit,unit_name,band,band_name,open,booked,rate_percent\r\n");
	for (int i = 0; i < n; i++) {
		const struct booking_unit *u = booking_unit_find(f, us[i].unit);
		const struct booking_band *bd = booking_band_find(f, us[i].band);
		char open[16], booked[16];
		snprintf(open, sizeof open, "%d", us[i].open);
		snprintf(booked, sizeof booked, "%d", us[i].booked);
		const char *v[] = { f->code, bstaff_iso(r, from), bstaff_iso(r, to), us[i].unit, u ? u->name_ja : "",
				    us[i].band, bd ? bd->name_ja : "", open, booked, us[i].open > 0 ? rate(r, &us[i]) : "" };
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
			csv_cell(&b, v[j], j == 0);
		buf_puts(&b, "\r\n");
	}
	app_audit(r, AUDIT_A_EXPORT, "booking.usage", f->code, AUDIT_R_OK);
	return bstaff_send_csv(r, &b, arena_printf(r->arena, "usage-%s", f->code));
}
