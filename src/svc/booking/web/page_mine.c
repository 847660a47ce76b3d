/*
 * page_mine.c -- the resident's facility bookings on My page.
 *
 * GET  /mypage/facilities                 the bookings (newest first) and
 *      the lottery entries of the resident's groups, with a withdraw
 *      button while a round takes entries.
 * GET  /mypage/facilities/{number}        one booking: slot, state, fee,
 *      the deadlines; confirm (a hold before hold_until, a win before
 *      confirm_by), how to pay, cancel with the fee it would cost now.
 * POST /mypage/facilities/{number}/confirm  booking_confirm.
 * POST /mypage/facilities/{number}/cancel   booking_cancel_as (a checkbox);
 *      paid, the page then says what is given back (booking_refund_of):
 *      online, a refund staff make; at the counter, handed back there.
 *
 * Invariants: a booking is shown and changed only for the account that
 * made it (another's number answers 404, as an unknown one; the domain
 * checks the account again); every read of a booking is audited.
 * Payment: online through svc/payments (POST .../pay/online: on to its
 * fee step /pay/{payment}, which returns here; the booking is marked paid
 * when read and by the job), or at the facility's counter.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "core/audit/audit.h"
#include "svc/booking/booking.h"
#include "svc/booking/web/booking_web.h"
#include "svc/payments/payments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bres_t
#define MINE_MAX 200

/* a facility's, unit's and band's names for a booking (arena) */
struct slot_names {
	const char *facility, *unit, *band;
};

static void names_of(struct slot_names *n, struct http_req *r, const char *fac, const char *unit, const char *band)
{
	struct booking_facility *f = NULL;
	struct err e;
	n->facility = fac;
	n->unit = unit;
	n->band = band;
	if (booking_facility_get(&f, app_store(r), app_req(r)->tenant.code, fac, &e) != 0)
		return;
	const struct booking_unit *u = booking_unit_find(f, unit);
	const struct booking_band *b = booking_band_find(f, band);
	n->facility = arena_strdup(r->arena, bres_name(r, f->name_ja, f->name_en));
	if (u)
		n->unit = arena_strdup(r->arena, bres_name(r, u->name_ja, u->name_en));
	if (b)
		n->band = arena_strdup(r->arena, bres_name(r, b->name_ja, b->name_en));
	booking_facility_free(f);
}

/* ---- the list ---- */

struct mine {
	struct http_req *r;
	struct booking *b;
	int n;
};

static int mine_cb(void *arg, const struct booking *bk)
{
	struct mine *m = arg;
	if (m->n < MINE_MAX)
		m->b[m->n++] = *bk;
	return 0;
}

struct grp {
	int64_t id;
	const char *name;
	int state;
};
struct grps {
	struct http_req *r;
	struct grp g[64];
	int n;
};

static int grp_cb(void *arg, const struct booking_group *g)
{
	struct grps *gs = arg;
	if (gs->n < 64)
		gs->g[gs->n++] = (struct grp){ g->id, arena_strdup(gs->r->arena, g->name), g->state };
	return 0;
}

struct rounds {
	struct http_req *r;
	struct booking_round *v;
	int n, cap;
};

static int round_cb(void *arg, const struct booking_round *rd)
{
	struct rounds *rs = arg;
	if (rs->n < rs->cap)
		rs->v[rs->n++] = *rd;
	return 0;
}

struct entries {
	struct http_req *r;
	struct buf *b;
	const struct booking_round *rd;
	const char *group;
	int n, open;
};

static int entry_cb(void *arg, const struct booking_entry *en, int64_t created_at)
{
	struct entries *x = arg;
	struct http_req *r = x->r;
	(void)created_at;
	x->n++;
	html_printf(x->b, "<tr><td>%s</td><td>%s</td><td>%lld</td><td><ol class=\"booking-choices\">",
		    bres_name(r, x->rd->name_ja, x->rd->name_en), x->group, (long long)en->id);
	for (int i = 0; i < en->nchoices; i++) {
		const struct booking_choice *c = &en->choices[i];
		struct slot_names nm;
		names_of(&nm, r, c->facility, c->unit, c->band);
		html_printf(x->b, "<li>%s %s %s %s</li>", bres_day(r, jp_date_from_days(c->day)), nm.facility, nm.unit,
			    nm.band);
	}
	buf_puts(x->b, "</ol></td><td>");
	if (x->open) {
		html_printf(x->b, "<form method=\"post\" action=\"/facilities/lottery/%lld/withdraw\">", (long long)x->rd->id);
		bres_hidden(x->b, "csrf", app_req(r)->csrf);
		html_printf(x->b, "<input type=\"hidden\" name=\"entry\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"button button-secondary button-small\">%s"
			    "<span class=\"visually-hidden\"> %lld</span></button></form>",
			    (long long)en->id, T(r, "booking.entry.withdraw"), (long long)en->id);
	} else {
		buf_puts(x->b, "—");
	}
	buf_puts(x->b, "</td></tr>");
	return 0;
}

int page_booking_mine(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct mine m = { .r = r, .b = arena_alloc(r->arena, sizeof(struct booking) * MINE_MAX) };
	struct grps gs = { .r = r };
	struct rounds rs = { .r = r, .cap = 64 };
	rs.v = arena_alloc(r->arena, sizeof *rs.v * (size_t)rs.cap);
	int rc = m.b && rs.v ? 0 : ERR_NOMEM;
	if (rc == 0)
		rc = booking_of_account(app_store(r), q->tenant.code, q->ses.account_id, MINE_MAX, mine_cb, &m, &e);
	if (rc == 0)
		rc = booking_groups_each(app_store(r), q->tenant.code, q->ses.account_id, 0, grp_cb, &gs, &e);
	if (rc == 0 && gs.n)
		rc = booking_rounds_each(app_store(r), q->tenant.code, round_cb, &rs, &e);
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", "booking mine: %s", rc == ERR_NOMEM ? "memory" : e.detail);
	app_audit(r, AUDIT_A_READ, "booking.booking", "self", AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.mine.title"), NULL, NULL);
	if (http_param(r, "entered") || http_param(r, "withdrawn"))
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"booking-notice\">%s</p>",
			    T(r, http_param(r, "entered") ? "booking.enter.done" : "booking.entry.withdrawn"));
	if (http_param(r, "entered"))
		html_printf(&b, "<p id=\"booking-result-how\">%s <a href=\"/mypage/notifications\">%s</a></p>",
			    T(r, "booking.enter.result_how"), T(r, "booking.enter.result_channels"));
	html_printf(&b, "<h2 id=\"mine-h\">%s</h2>", T(r, "booking.mine.bookings"));
	if (m.n == 0) {
		html_printf(&b, "<p id=\"booking-none\">%s</p>", T(r, "booking.mine.none"));
	} else {
		html_printf(&b, "<div class=\"table-scroll\"><table class=\"booking-mine\" aria-labelledby=\"mine-h\"><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "booking.col.number"), T(r, "booking.col.day"), T(r, "booking.col.slot"),
			    T(r, "booking.col.fee"), T(r, "booking.col.state"));
		for (int i = 0; i < m.n; i++) {
			const struct booking *bk = &m.b[i];
			struct slot_names nm;
			names_of(&nm, r, bk->facility, bk->unit, bk->band);
			html_printf(&b, "<tr><td><a href=\"/mypage/facilities/%s\">%s</a></td><td>%s</td><td>%s %s %s</td>"
				    "<td>%s円</td><td data-state=\"%s\">%s</td></tr>",
				    bk->number, bk->number, bres_day(r, bk->day), nm.facility, nm.unit, nm.band,
				    bres_yen(r, bk->fee), booking_state_code(bk->state), bres_state(r, bk->state));
		}
		buf_puts(&b, "</tbody></table></div>");
	}
	/* the lottery entries of the resident's groups */
	html_printf(&b, "<h2 id=\"entries-h\">%s</h2>", T(r, "booking.mine.entries"));
	struct buf eb;
	buf_init(&eb, 1u << 20);
	int nent = 0;
	int64_t now = app_now();
	for (int i = 0; i < rs.n; i++) {
		for (int k = 0; k < gs.n; k++) {
			struct entries x = { r, &eb, &rs.v[i], gs.g[k].name, 0,
					     rs.v[i].state == BOOKING_ROUND_OPEN && now >= rs.v[i].entry_from && now < rs.v[i].entry_to };
			if (booking_entries_each(app_store(r), q->tenant.code, rs.v[i].id, gs.g[k].id, entry_cb, &x, &e) == 0)
				nent += x.n;
		}
	}
	if (gs.n)
		app_audit(r, AUDIT_A_READ, "booking.entry", "self", AUDIT_R_OK);
	if (nent == 0) {
		html_printf(&b, "<p id=\"booking-no-entries\">%s</p>", T(r, "booking.mine.no_entries"));
	} else {
		html_printf(&b, "<div class=\"table-scroll\"><table class=\"booking-entries\" aria-labelledby=\"entries-h\"><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "booking.col.round"), T(r, "booking.col.group"), T(r, "booking.col.entry"),
			    T(r, "booking.col.choices"), T(r, "booking.col.action"));
		buf_append(&b, eb.data, eb.len);
		buf_puts(&b, "</tbody></table></div>");
	}
	buf_done(&eb);
	html_printf(&b, "<ul class=\"booking-links\"><li><a href=\"/facilities\">%s</a></li><li><a href=\"/facilities/lottery\">%s</a></li>"
		    "<li><a href=\"/mypage/facilities/groups\">%s</a></li></ul>",
		    T(r, "booking.mine.new"), T(r, "booking.lottery.title"), T(r, "booking.groups.title"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- one booking ---- */

/* the booking of the path's number when it is the resident's; NULL after
 * an error answer has been sent (*rc) */
static struct booking *own_booking(struct http_req *r, int *rc)
{
	struct app_req *q = app_req(r);
	struct booking *bk = arena_alloc(r->arena, sizeof *bk);
	struct err e;
	const char *number = http_param(r, "number");
	*rc = bk ? booking_get(bk, app_store(r), q->tenant.code, number, &e) : ERR_NOMEM;
	if (*rc == 0 && bk->account != q->ses.account_id)
		*rc = ERR_NOTFOUND;   /* another's booking is as unknown as no booking */
	if (*rc) {
		app_audit(r, AUDIT_A_READ, "booking.booking", number, AUDIT_R_DENIED);
		*rc = *rc == ERR_NOTFOUND ? app_send_error(r, ERR_NOTFOUND, "booking.error.booking", "booking: not the resident's")
					  : app_send_error(r, *rc, "booking.error.unavailable", "booking: read");
		return NULL;
	}
	return bk;
}

static int booking_page(struct http_req *r, int status, const struct booking *bk, const char *notice,
			const char *error_id, const char *error)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct slot_names nm;
	names_of(&nm, r, bk->facility, bk->unit, bk->band);
	struct booking_facility *f = NULL;
	struct booking_rules *rules = malloc(sizeof *rules);
	const struct booking_rule *rule = NULL;
	if (rules && booking_facility_get(&f, app_store(r), q->tenant.code, bk->facility, &e) == 0 &&
	    booking_rules_load(rules, app_store(r), q->tenant.code, &e) == 0)
		rule = booking_rule_find(rules, f->kind);
	app_audit(r, AUDIT_A_READ, "booking.booking", bk->number, AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	const char *title = arena_printf(r->arena, T(r, "booking.one.title"), bk->number);   /* checksrc: fmt-ok */
	app_page_open(&b, &p, r, title ? title : "", error_id, error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"booking-notice\">%s</p>", notice);
	html_printf(&b, "<dl class=\"booking-one\"><dt>%s</dt><dd id=\"booking-number\">%s</dd>"
		    "<dt>%s</dt><dd id=\"booking-state\" data-state=\"%s\">%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"booking-day\">%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd id=\"booking-fee\">%s円</dd>",
		    T(r, "booking.col.number"), bk->number, T(r, "booking.col.state"), booking_state_code(bk->state),
		    bres_state(r, bk->state), T(r, "booking.col.facility"), nm.facility, T(r, "booking.col.unit"), nm.unit,
		    T(r, "booking.col.day"), bres_day(r, bk->day), T(r, "booking.col.band"), nm.band, T(r, "booking.col.fee"),
		    bres_yen(r, bk->fee));
	if (bk->people)
		html_printf(&b, "<dt>%s</dt><dd>%d</dd>", T(r, "booking.hold.people"), bk->people);
	if (bk->purpose[0])
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "booking.hold.purpose"), bk->purpose);
	if (bk->state == BOOKING_CANCELLED && bk->cancel_fee)
		html_printf(&b, "<dt>%s</dt><dd id=\"booking-cancel-fee\">%s円</dd>", T(r, "booking.cancel.fee_kept"),
			    bres_yen(r, bk->cancel_fee));
	buf_puts(&b, "</dl>");
	/* cancelled after paying: what is given back, and where it is */
	struct booking_refund rf;
	if (booking_refund_of(&rf, app_store(r), q->tenant.code, bk, &e) == 0 && rf.state != BOOKING_REFUND_NONE) {
		const char *yen = bres_yen(r, (long)rf.yen);
		const char *txt = rf.state == BOOKING_REFUND_DONE
			? arena_printf(r->arena, T(r, "booking.refund.done"), yen, bres_when(r, rf.at))   /* checksrc: fmt-ok */
			: arena_printf(r->arena, T(r, rf.state == BOOKING_REFUND_ASKED ? "booking.refund.asked"   /* checksrc: fmt-ok */
						       : "booking.refund.counter"), yen);
		html_printf(&b, "<section aria-labelledby=\"refund-h\"><h2 id=\"refund-h\">%s</h2>"
			    "<p id=\"booking-refund\" data-refund=\"%s\">%s</p></section>", T(r, "booking.refund.title"),
			    rf.state == BOOKING_REFUND_DONE ? "done" : rf.state == BOOKING_REFUND_ASKED ? "asked" : "counter", txt);
	}
	int64_t now = app_now();
	int may_confirm = (bk->state == BOOKING_HELD && now < bk->hold_until) ||
			  (bk->state == BOOKING_WON && now < bk->confirm_by);
	if (may_confirm) {
		html_printf(&b, "<section aria-labelledby=\"confirm-h\"><h2 id=\"confirm-h\">%s</h2><p id=\"booking-until\">%s</p>"
			    "<form method=\"post\" action=\"/mypage/facilities/%s/confirm\" class=\"form\">",
			    T(r, "booking.confirm.title"),
			    arena_printf(r->arena, T(r, "booking.confirm.until"),   /* checksrc: fmt-ok */
					 bres_when(r, bk->state == BOOKING_HELD ? bk->hold_until : bk->confirm_by)),
			    bk->number);
		bres_hidden(&b, "csrf", q->csrf);
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"booking-confirm\">%s</button></form></section>",
			    T(r, "booking.confirm.submit"));
	}
	if (bk->state == BOOKING_BOOKED) {
		html_printf(&b, "<section aria-labelledby=\"pay-h\"><h2 id=\"pay-h\">%s</h2>", T(r, "booking.pay.title"));
		if (bk->paid_at)
			html_printf(&b, "<p id=\"booking-paid\">%s</p>",
				    arena_printf(r->arena, T(r, "booking.pay.paid"), bres_when(r, bk->paid_at)));   /* checksrc: fmt-ok */
		else {
			html_printf(&b, "<p id=\"booking-pay-by\">%s</p>",
				    arena_printf(r->arena, T(r, "booking.pay.by"), bres_when(r, bk->pay_by)));   /* checksrc: fmt-ok */
			if (bk->fee > 0 && (!bk->pay_by || now < bk->pay_by)) {
				html_printf(&b, "<form method=\"post\" action=\"/mypage/facilities/%s/pay/online\" class=\"form\">",
					    bk->number);
				bres_hidden(&b, "csrf", q->csrf);
				html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"booking-pay-online\">%s</button></form>",
					    T(r, "booking.pay.online"));
				if (bk->payment[0])
					html_printf(&b, "<p><a href=\"/pay/%s\" id=\"booking-payment\">%s</a></p>", bk->payment,
						    T(r, "booking.pay.status"));
			}
			html_printf(&b, "<p>%s</p>", T(r, "booking.pay.counter"));
		}
		buf_puts(&b, "</section>");
	}
	int in_force = bk->state == BOOKING_HELD || bk->state == BOOKING_WON || bk->state == BOOKING_BOOKED;
	if (in_force && !booking_cancel_open(bk, now)) {
		html_printf(&b, "<section aria-labelledby=\"cancel-h\"><h2 id=\"cancel-h\">%s</h2>"
			    "<p id=\"booking-cancel-closed\">%s</p></section>",
			    T(r, "booking.cancel.title"), T(r, "booking.cancel.closed"));
	} else if (in_force) {
		int fee = bk->state == BOOKING_BOOKED && rule ? booking_cancel_fee(rule, bk->day, bk->fee, now) : 0;
		html_printf(&b, "<section aria-labelledby=\"cancel-h\"><h2 id=\"cancel-h\">%s</h2><p id=\"booking-cancel-now\">%s</p>",
			    T(r, "booking.cancel.title"),
			    arena_printf(r->arena, T(r, "booking.cancel.fee_now"), bres_yen(r, fee)));   /* checksrc: fmt-ok */
		if (bk->paid_at && bk->fee > 0)
			html_printf(&b, "<p id=\"booking-refund-now\">%s</p>",
				    arena_printf(r->arena, T(r, "booking.cancel.refund_now"), bres_yen(r, bk->fee),   /* checksrc: fmt-ok */
						 bres_yen(r, bk->fee - fee)));
		if (rule && bk->state == BOOKING_BOOKED)
			html_printf(&b, "<p>%s</p>", arena_printf(r->arena, T(r, "booking.cancel.rule"),   /* checksrc: fmt-ok */
								  bres_when(r, booking_cancel_free_until(rule, bk->day)),
								  rule->cancel_fee_percent));
		html_printf(&b, "<form method=\"post\" action=\"/mypage/facilities/%s/cancel\" class=\"form\">", bk->number);
		bres_hidden(&b, "csrf", q->csrf);
		struct ui_field fc = { .name = "confirm", .id = "f-confirm", .label = T(r, "booking.cancel.confirm"),
				       .lang = q->lang,
				       .error = error_id && strcmp(error_id, "f-confirm") == 0 ? error : NULL };
		ui_checkbox(&b, &fc, 0);
		html_printf(&b, "<button type=\"submit\" class=\"button button-warning\">%s</button></form></section>",
			    T(r, "booking.cancel.submit"));
	}
	html_printf(&b, "<p><a href=\"/mypage/facilities\">%s</a></p>", T(r, "booking.mine.title"));
	booking_facility_free(f);
	free(rules);
	return app_page_send(r, status, &b, &p);
}

int page_booking_mine_one(struct http_req *r)
{
	int rc;
	struct booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	/* paid online since: marked now (the job does it too) */
	int changed = 0;
	struct err e;
	char number[BOOKING_NUMBER_LEN + 1];
	snprintf(number, sizeof number, "%s", bk->number);
	if (booking_pay_online_sync(&changed, app_store(r), app_req(r)->tenant.code, number, app_now(), &e) == 0 &&
	    changed && booking_get(bk, app_store(r), app_req(r)->tenant.code, number, &e))
		return app_send_error(r, ERR_UNAVAILABLE, "booking.error.unavailable", "booking: read again");
	const char *notice = http_param(r, "held") ? T(r, "booking.hold.done") : NULL;
	if (bk->state == BOOKING_QUEUED)   /* the fair queue: decided at hold_until */
		notice = arena_printf(r->arena, T(r, "booking.hold.queued"), bres_when(r, bk->hold_until));   /* checksrc: fmt-ok */
	return booking_page(r, 200, bk, notice, NULL, NULL);
}

int page_booking_mine_confirm(struct http_req *r)
{
	int rc;
	struct booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	struct app_req *q = app_req(r);
	struct err e;
	char number[BOOKING_NUMBER_LEN + 1];
	snprintf(number, sizeof number, "%s", bk->number);
	rc = booking_confirm(bk, app_store(r), q->tenant.code, number, q->ses.account_id, app_now(), &e);
	app_audit(r, AUDIT_A_WRITE, "booking.booking", number, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == 0)
		return booking_page(r, 200, bk, T(r, "booking.confirm.done"), NULL, NULL);
	if (rc != ERR_INVALID)
		return app_send_error(r, rc, "booking.error.unavailable", "booking confirm: %s", e.detail);
	if (booking_get(bk, app_store(r), q->tenant.code, number, &e))
		return app_send_error(r, ERR_UNAVAILABLE, "booking.error.unavailable", "booking confirm: read again");
	return booking_page(r, 409, bk, NULL, "booking-state", T(r, "booking.confirm.error"));
}

int page_booking_mine_cancel(struct http_req *r)
{
	int rc;
	struct booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	struct app_req *q = app_req(r);
	struct err e;
	char number[BOOKING_NUMBER_LEN + 1];
	snprintf(number, sizeof number, "%s", bk->number);
	const char *c = http_param(r, "confirm");
	if (!c || strcmp(c, "1") != 0)
		return booking_page(r, 400, bk, NULL, "f-confirm", T(r, "booking.cancel.error.confirm"));
	/* paid online: the refund (paid less the fee kept) is asked for in
	 * the cancel's transaction, for the resident (payments' audit record
	 * names them) */
	struct app_actor a;
	app_actor_of(&a, r);
	struct pay_actor who = { .audit = &app_of(r)->audit, .id = a.id, .login = a.login,
				 .role = a.roles[0] ? a.roles : "resident",
				 .source = a.source };
	rc = booking_cancel_as(bk, app_store(r), q->tenant.code, number, q->ses.account_id, 0, app_now(), &who, &e);
	app_audit(r, AUDIT_A_WRITE, "booking.booking", number, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == 0)
		return booking_page(r, 200, bk, T(r, "booking.cancel.done"), NULL, NULL);
	int changed = rc == ERR_CONFLICT && strstr(e.detail, "payment changed meanwhile");
	if (rc != ERR_INVALID && !changed)
		return app_send_error(r, rc, "booking.error.unavailable", "booking cancel: %s", e.detail);
	int closed = !strncmp(e.detail, "cancel: the day", 15);
	if (booking_get(bk, app_store(r), q->tenant.code, number, &e))
		return app_send_error(r, ERR_UNAVAILABLE, "booking.error.unavailable", "booking cancel: read again");
	return booking_page(r, 409, bk, NULL, "booking-state",
			    T(r, changed ? "booking.cancel.error.changed" :
				 closed ? "booking.cancel.closed" : "booking.cancel.error.done"));
}

/* POST /mypage/facilities/{number}/pay/online: on to the payments
 * service's fee step (/pay/{payment}), which returns here */
int page_booking_mine_pay_online(struct http_req *r)
{
	int rc;
	struct booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	struct app_req *q = app_req(r);
	struct err e;
	struct payment p;
	struct app_actor a;
	app_actor_of(&a, r);
	struct pay_actor who = { .audit = &app_of(r)->audit, .id = a.id, .login = a.login,
				 .role = a.roles[0] ? a.roles : "resident",
				 .source = a.source };
	rc = booking_pay_online_start(&p, app_store(r), q->tenant.code, bk->number, q->ses.account_id, app_now(), &who, &e);
	app_audit(r, AUDIT_A_WRITE, "booking.booking", bk->number, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == ERR_CONFLICT || rc == ERR_DENIED) {
		log_info("booking: online payment refused", "detail", e.detail);
		return booking_page(r, 409, bk, NULL, "booking-pay-by", T(r, "booking.pay.error"));
	}
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", "booking pay online: %s", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/pay/%s", p.number));
}
