/*
 * tick.c -- the job booking.tick, every minute: lottery rounds whose
 * draw time has come (and whose public value staff have entered) are
 * drawn, and holds, wins and unpaid bookings that ran out are released
 * (booking_tick), after bookings paid online are marked paid and the
 * payments of bookings that ended unpaid withdrawn
 * (booking_pay_online_sync_due).  After a round is drawn (by the job, or
 * by staff at its time: booking_web_tell_round), every entrant is told
 * the result by e-mail in the language they entered in: the templates
 * booking.won (the slot, the number, the confirm-by day, the link) and
 * booking.lost (svc/notify's shipped texts, edited by staff at
 * /staff/notify/templates); and by SMS or LINE when they chose it on My
 * page (topic booking.result: sms.booking_won, line.booking_won,
 * sms.booking_lost, line.booking_lost, each in that subscription's
 * language).  A failure is logged and the next run tries again: the chain
 * never ends here.
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "core/jobs/jobs.h"
#include "core/mail/mail.h"
#include "web/app_mail.h"
#include "svc/booking/web/booking_web.h"
#include "svc/notify/notify.h"

struct tell {
	struct app *app;
	struct store *s;
	const char *tenant;
	struct tenant t;
	struct booking_round round;
	char base[MAIL_LINK_MAX + 1];
	int64_t now;
	int sent, failed;
};

/* the result on the SMS and LINE channels the entrant chose for
 * booking.result (none: nothing); a text a template refuses does not
 * undo the e-mail */
static void tell_channels(struct tell *m, int64_t account, int won, const struct svc_mail_value *mv, int n)
{
	struct notify_value vals[12];
	for (int i = 0; i < n && i < 12; i++)
		vals[i] = (struct notify_value){ mv[i].name, mv[i].value };
	int queued = 0;
	struct err e;
	int rc = notify_account_channels(&queued, m->s, m->tenant, account, BOOKING_RESULT_TOPIC,
					 won ? "sms.booking_won" : "sms.booking_lost",
					 won ? "line.booking_won" : "line.booking_lost", vals, n < 12 ? n : 12,
					 m->base[0] ? m->base : NULL, 0, m->now, &e);
	if (rc < 0)
		log_warn("booking.tick: a lottery result not sent by SMS/LINE", "error", e.detail);
}

static enum html_lang lang_of(const char *l)
{
	return !strcmp(l, "en") ? HTML_EN : !strcmp(l, "ja-easy") ? HTML_JA_EASY : HTML_JA;
}

static int tell_one(void *arg, const struct booking_outcome *o)
{
	struct tell *m = arg;
	char email[AUTH_EMAIL_MAX + 1] = "";
	int active = 0;
	struct err e;
	if (auth_resident_get(email, &active, m->s, m->tenant, o->account, &e) || !active || !email[0])
		return 0;   /* an account closed since: nobody to tell */
	enum html_lang l = lang_of(o->lang);
	int en = l == HTML_EN;
	const char *ward = en && m->t.name_en[0] ? m->t.name_en : m->t.name_ja;
	char round[2 * BOOKING_NAME_MAX + 32];
	snprintf(round, sizeof round, en ? "%s (use in %04d-%02d)" : "%s（%04d年%d月利用分）",
		 en && m->round.name_en[0] ? m->round.name_en : m->round.name_ja, m->round.month / 100,
		 m->round.month % 100);
	char url[MAIL_LINK_MAX + 64];
	int rc;
	if (o->won && o->booking.id) {
		const struct booking *b = &o->booking;
		struct booking_facility *f = NULL;
		if (booking_facility_get(&f, m->s, m->tenant, b->facility, &e)) {
			m->failed++;
			return 0;
		}
		const struct booking_unit *u = booking_unit_find(f, b->unit);
		const struct booking_band *bd = booking_band_find(f, b->band);
		char date[64], iso[JP_DATE_ISO_SIZE], confirm[64];
		jp_date_format_iso(iso, sizeof iso, b->day, NULL);
		snprintf(date, sizeof date, "%d年%d月%d日（%s）", b->day.y, b->day.m, b->day.d,
			 jp_weekday_name_ja(jp_date_weekday(b->day)));
		/* confirm_by is the midnight that ends the last day to confirm */
		struct jp_date last = jp_jst_date(b->confirm_by - 1);
		if (en)
			snprintf(confirm, sizeof confirm, "%04d-%02d-%02d 23:59 JST", last.y, last.m, last.d);
		else
			snprintf(confirm, sizeof confirm, "%d年%d月%d日", last.y, last.m, last.d);
		snprintf(url, sizeof url, "%s/mypage/facilities/%s", m->base, b->number);
		const struct svc_mail_value vals[] = {
			{ "ward", ward }, { "round", round },
			{ "facility", en && f->name_en[0] ? f->name_en : f->name_ja },
			{ "unit", u ? (en && u->name_en[0] ? u->name_en : u->name_ja) : b->unit },
			{ "date", date }, { "date_iso", iso },
			{ "band", bd ? (en && bd->name_en[0] ? bd->name_en : bd->name_ja) : b->band },
			{ "number", b->number }, { "confirm_by", confirm }, { "url", url },
		};
		rc = app_mail_template(m->s, m->tenant, "booking.won", l, email, vals, SVC_COUNT(vals), &e);
		if (rc == 0)
			tell_channels(m, o->account, 1, vals, SVC_COUNT(vals));
		booking_facility_free(f);
	} else {
		snprintf(url, sizeof url, "%s/mypage/facilities", m->base);
		const struct svc_mail_value vals[] = { { "ward", ward }, { "round", round }, { "url", url } };
		rc = app_mail_template(m->s, m->tenant, "booking.lost", l, email, vals, SVC_COUNT(vals), &e);
		if (rc == 0)
			tell_channels(m, o->account, 0, vals, SVC_COUNT(vals));
	}
	if (rc) {
		m->failed++;
		log_warn("booking.tick: a lottery result not queued", "error", e.detail);
	} else {
		m->sent++;
	}
	return 0;
}

void booking_web_tell_round(struct app *app, struct store *s, const char *tenant, int64_t round, int64_t now)
{
	struct tell m = { .app = app, .s = s, .tenant = tenant, .now = now };
	struct err e;
	if (tenant_get(&m.t, s, tenant, &e) || booking_round_get(&m.round, s, tenant, round, &e)) {
		log_warn("booking.tick: results not sent", "error", e.detail);
		return;
	}
	if (app_mail_link_base(m.base, sizeof m.base, app, &m.t))
		m.base[0] = '\0';
	if (booking_round_outcomes(s, tenant, round, tell_one, &m, &e))
		log_warn("booking.tick: results not all sent", "error", e.detail);
	char n[24];
	snprintf(n, sizeof n, "%d", m.sent);
	log_info("booking.tick: lottery results queued", "sent", n);
}

struct drawn_ctx {
	struct app *app;
	struct store *s;
	int64_t now;
};

/* after a round's draw is committed: tell its entrants */
static void on_drawn(void *arg, const char *tenant, int64_t round)
{
	struct drawn_ctx *c = arg;
	booking_web_tell_round(c->app, c->s, tenant, round, c->now);
}

int booking_web_tick(struct jobs_ctx *ctx, void *app, struct err *e)
{
	int drawn = 0, expired = 0;
	struct drawn_ctx c = { app, ctx->store, app_now() };
	/* payments made online are marked before unpaid bookings are released */
	if (booking_pay_online_sync_due(ctx->store, app_now(), e) < 0)
		log_warn("booking.tick: online payments not synced", "error", e->detail);
	if (booking_tick(&drawn, &expired, ctx->store, app_now(), on_drawn, &c, e))
		log_warn("booking.tick: not run", "error", e->detail);
	char msg[64];
	snprintf(msg, sizeof msg, "%d rounds drawn, %d released", drawn, expired);
	jobs_set_result(ctx, msg);
	return app_job_again(ctx, "booking.tick", BOOKING_TICK_EVERY_MS, e);
}
