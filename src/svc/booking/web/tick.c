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

static enum html_lang lang_of(const char *l)
{
	return !strcmp(l, "en") ? HTML_EN : !strcmp(l, "ja-easy") ? HTML_JA_EASY : HTML_JA;
}

/* the values of a result's message in one language (the e-mail's: the
 * language entered in; an SMS's or LINE's: its subscription's) */
struct result_values {
	char round[2 * BOOKING_NAME_MAX + 32];
	char date[64], iso[JP_DATE_ISO_SIZE], confirm[64];
	char url[MAIL_LINK_MAX + 64];
	struct notify_value v[10];
	int n;
};

static void result_values(struct result_values *rv, const struct tell *m, const struct booking_outcome *o,
			  const struct booking_facility *f, enum html_lang l)
{
	int en = l == HTML_EN;
	const char *ward = en && m->t.name_en[0] ? m->t.name_en : m->t.name_ja;
	snprintf(rv->round, sizeof rv->round, en ? "%s (use in %04d-%02d)" : "%s（%04d年%d月利用分）",
		 en && m->round.name_en[0] ? m->round.name_en : m->round.name_ja, m->round.month / 100,
		 m->round.month % 100);
	rv->n = 0;
	rv->v[rv->n++] = (struct notify_value){ "ward", ward };
	rv->v[rv->n++] = (struct notify_value){ "round", rv->round };
	if (!f) {
		snprintf(rv->url, sizeof rv->url, "%s/mypage/facilities", m->base);
		rv->v[rv->n++] = (struct notify_value){ "url", rv->url };
		return;
	}
	const struct booking *b = &o->booking;
	const struct booking_unit *u = booking_unit_find(f, b->unit);
	const struct booking_band *bd = booking_band_find(f, b->band);
	jp_date_format_iso(rv->iso, sizeof rv->iso, b->day, NULL);
	snprintf(rv->date, sizeof rv->date, "%d年%d月%d日（%s）", b->day.y, b->day.m, b->day.d,
		 jp_weekday_name_ja(jp_date_weekday(b->day)));
	/* confirm_by is the midnight that ends the last day to confirm */
	struct jp_date last = jp_jst_date(b->confirm_by - 1);
	if (en)
		snprintf(rv->confirm, sizeof rv->confirm, "%04d-%02d-%02d 23:59 JST", last.y, last.m, last.d);
	else
		snprintf(rv->confirm, sizeof rv->confirm, "%d年%d月%d日", last.y, last.m, last.d);
	snprintf(rv->url, sizeof rv->url, "%s/mypage/facilities/%s", m->base, b->number);
	rv->v[rv->n++] = (struct notify_value){ "facility", en && f->name_en[0] ? f->name_en : f->name_ja };
	rv->v[rv->n++] = (struct notify_value){ "unit", u ? (en && u->name_en[0] ? u->name_en : u->name_ja) : b->unit };
	rv->v[rv->n++] = (struct notify_value){ "date", rv->date };
	rv->v[rv->n++] = (struct notify_value){ "date_iso", rv->iso };
	rv->v[rv->n++] = (struct notify_value){ "band", bd ? (en && bd->name_en[0] ? bd->name_en : bd->name_ja) : b->band };
	rv->v[rv->n++] = (struct notify_value){ "number", b->number };
	rv->v[rv->n++] = (struct notify_value){ "confirm_by", rv->confirm };
	rv->v[rv->n++] = (struct notify_value){ "url", rv->url };
}

/* the values for an SMS or LINE subscription, in its language */
struct channel_ctx {
	const struct tell *m;
	const struct booking_outcome *o;
	const struct booking_facility *f;
	struct result_values rv;
};

static int channel_values(void *arg, const char *lang, const struct notify_value **vals, int *n)
{
	struct channel_ctx *c = arg;
	result_values(&c->rv, c->m, c->o, c->f, lang_of(lang));
	*vals = c->rv.v;
	*n = c->rv.n;
	return 0;
}

static int tell_one(void *arg, const struct booking_outcome *o)
{
	struct tell *m = arg;
	char email[AUTH_EMAIL_MAX + 1] = "";
	int active = 0;
	struct err e;
	if (auth_resident_get(email, &active, m->s, m->tenant, o->account, &e) || !active || !email[0])
		return 0;   /* an account closed since: nobody to tell */
	int won = o->won && o->booking.id;
	struct booking_facility *f = NULL;
	if (won && booking_facility_get(&f, m->s, m->tenant, o->booking.facility, &e)) {
		m->failed++;
		return 0;
	}
	struct result_values rv;
	result_values(&rv, m, o, f, lang_of(o->lang));
	struct svc_mail_value mv[10];
	for (int i = 0; i < rv.n; i++)
		mv[i] = (struct svc_mail_value){ rv.v[i].name, rv.v[i].value };
	int rc = app_mail_template(m->s, m->tenant, won ? "booking.won" : "booking.lost", lang_of(o->lang), email, mv,
				   rv.n, &e);
	if (rc == 0) {
		/* and by SMS or LINE where the entrant chose that for
		 * booking.result; a text a template refuses does not undo the
		 * e-mail */
		struct channel_ctx c = { .m = m, .o = o, .f = f };
		int queued = 0;
		struct err ec;
		if (notify_account_channels_each(&queued, m->s, m->tenant, o->account, BOOKING_RESULT_TOPIC,
						 won ? "sms.booking_won" : "sms.booking_lost",
						 won ? "line.booking_won" : "line.booking_lost", channel_values, &c,
						 m->base[0] ? m->base : NULL, 0, m->now, &ec) < 0)
			log_warn("booking.tick: a lottery result not sent by SMS/LINE", "error", ec.detail);
		m->sent++;
	} else {
		m->failed++;
		log_warn("booking.tick: a lottery result not queued", "error", e.detail);
	}
	booking_facility_free(f);
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
