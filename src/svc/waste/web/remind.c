/*
 * remind.c -- the job that mails residents the day before collection
 * (`waste.remind`, every WASTE_REMIND_EVERY_MS): from WASTE_REMIND_HOUR
 * JST on (`serve --waste-remind-hour H` moves it), each booking of tomorrow with an e-mail address is marked
 * reminded and its message queued in the outbox in one transaction
 * (waste_remind_due), so a crash or a second server never sends two, and
 * a failure leaves it for the next run.  The message says the day, the
 * number, the items and where to put them out, with the link to the
 * booking on My page; it names no one.  Its text is the municipality's
 * message template "waste.reminder" in force (src/svc/notify: staff edit
 * it at /staff/notify/templates; the shipped text when none is stored):
 * this file gives the values (date, date_iso, place, number, items, fee,
 * url), never the wording around them.  Who gets one is the resident's
 * choice: a booking's account with a subscription to waste.reminder
 * (svc/notify, My page) is reminded in the subscription's language on
 * the channels chosen there (e-mail; SMS and LINE with "sms.waste_reminder"
 * and "line.waste_reminder", notify_account_channels), one without is not
 * (unsubscribing stops the reminders).
 *
 * Also the job `waste.paid` (every minute): bookings whose online payment
 * (svc/payments) is paid become paid.
 */
#include "web/app.h"
#include "web/app_mail.h"
#include "base/log.h"
#include "core/jobs/jobs.h"
#include "core/mail/mail.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"
#include "svc/waste/waste.h"
#include "svc/waste/web/waste_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct remind {
	struct app *app;
	struct store *s;
	int64_t now;
};

static int remind_one(void *arg, const char *tenant, const struct waste_booking *b)
{
	struct remind *m = arg;
	struct err e;
	/* the resident's choice on My page (svc/notify's subscription to
	 * waste.reminder) decides: none, no reminder (the booking is marked
	 * reminded all the same); else in the subscription's language.  A
	 * booking without an account (none is made so today) is reminded in
	 * Japanese, as before. */
	char lang[8] = "ja";
	int sub = 1;   /* 1: by e-mail, 2: by SMS or LINE only */
	if (b->account) {
		sub = notify_subscription_lang(lang, m->s, tenant, b->account, "waste.reminder", &e);
		if (sub < 0) {   /* rolled back: the next run tries again */
			log_warn("waste.remind: subscription not read", "booking", b->number, "error", e.detail);
			return sub;
		}
		if (sub == 0)
			return 0;
	}
	struct tenant t;
	char base[512] = "";
	if (tenant_get(&t, m->s, tenant, &e) == 0)
		app_mail_link_base(base, sizeof base, m->app, &t);
	char date[64], date_iso[16], number[sizeof b->number + 1];
	snprintf(date, sizeof date, "%d年%d月%d日（%s）", b->day.y, b->day.m, b->day.d,
		 jp_weekday_name_ja(jp_date_weekday(b->day)));
	snprintf(date_iso, sizeof date_iso, "%04d-%02d-%02d", b->day.y, b->day.m, b->day.d);
	snprintf(number, sizeof number, "%s", b->number);
	struct buf items, fee, url;
	buf_init(&items, NOTIFY_VALUE_MAX - 8);   /* room for the "…" line */
	buf_init(&fee, NOTIFY_VALUE_MAX);
	buf_init(&url, NOTIFY_VALUE_MAX);
	json_t *list = json_loads(b->items, 0, NULL);
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it) {   /* a line that no longer fits: "…" ends the list */
		size_t had = items.len;
		if (buf_printf(&items, "%s  %s × %d", i ? "\n" : "",
			       json_string_value(json_object_get(it, "name")) ?: "",
			       (int)json_integer_value(json_object_get(it, "count")))) {
			items.len = had;
			if (items.data)
				items.data[had] = '\0';
			buf_puts(&items, "\n  …");
			break;
		}
	}
	json_decref(list);
	enum html_lang l = (enum html_lang)notify_lang_parse(lang);
	if (b->pay == WASTE_UNPAID && b->payment[0])   /* online payment chosen: no 処理券 to buy */
		buf_printf(&fee, html_t(l, "waste.remind.fee.online"), b->fee_yen);
	else if (b->pay == WASTE_UNPAID && m->now <= waste_booking_cutoff(b->day))
		buf_printf(&fee, html_t(l, "waste.remind.fee.register"), b->fee_yen);
	else if (b->pay == WASTE_UNPAID)
		buf_printf(&fee, html_t(l, "waste.remind.fee.unpaid"), b->fee_yen);
	buf_printf(&url, "%s/mypage/waste/%s", base, b->number);
	/* the one-click link that ends the e-mail subscription (a booking
	 * without an account: My page's choices, where it could subscribe) */
	char unsub[MAIL_LINK_MAX + 1];
	if (!b->account || notify_own_unsubscribe(unsub, sizeof unsub, m->s, tenant, b->account,
						  "waste.reminder", base, &e)) {
		if (snprintf(unsub, sizeof unsub, "%s/mypage/notifications", base) >= (int)sizeof unsub)
			unsub[0] = '\0';   /* a base too long for a link: none */
	}
	const struct notify_value vals[] = {
		{ "date", date }, { "date_iso", date_iso },
		{ "place", b->place[0] ? b->place : html_t(l, "waste.remind.place") }, { "number", number },
		{ "items", items.data ? items.data : "" }, { "fee", fee.data ? fee.data : "" },
		{ "url", url.data ? url.data : "" }, { NOTIFY_UNSUBSCRIBE_URL, unsub },
	};
	int64_t mail_id;
	int rc = 0, sent = 0;
	/* an address the outbox would refuse: no mail (marked all the same) */
	if (sub == 1 && mail_addr_valid(b->email))
		rc = notify_email(m->s, tenant, "waste.reminder", lang, b->email, vals,
				  (int)(sizeof vals / sizeof vals[0]), &mail_id, &e);
	/* and by SMS or LINE when the resident chose them on My page, each
	 * with its own link (the e-mail's is not theirs) */
	if (rc >= 0 && b->account) {
		rc = notify_account_channels(&sent, m->s, tenant, b->account, "waste.reminder",
					     "sms.waste_reminder", "line.waste_reminder", vals,
					     (int)(sizeof vals / sizeof vals[0]) - 1, base, 0, m->now, &e);
		/* a text the template refuses does not undo the e-mail */
		if (rc == ERR_LIMIT || rc == ERR_INVALID || rc == ERR_NOTFOUND) {
			log_warn("waste.remind: reminder not sent by SMS/LINE", "booking", number, "error", e.detail);
			rc = 0;
		}
	}
	if (rc < 0)
		log_warn("waste.remind: reminder not queued", "booking", number, "error", e.detail);
	buf_done(&items);
	buf_done(&fee);
	buf_done(&url);
	return rc < 0 ? rc : 0;
}

int waste_remind_hour_check(const char *v)
{
	char *end;
	long h = v && *v ? strtol(v, &end, 10) : -1;
	return h >= 0 && h <= 23 && *end == '\0' ? 0 : ERR_INVALID;
}

int waste_remind_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	int64_t now = app_now();
	struct tm tm;
	jp_jst_tm(&tm, now);
	const char *opt = svc_option(app, "waste-remind-hour");   /* checked at start */
	int hour = opt ? atoi(opt) : WASTE_REMIND_HOUR;
	if (tm.tm_hour >= hour) {
		struct jp_date tomorrow = jp_date_from_days(jp_date_to_days(jp_jst_date(now)) + 1);
		struct remind m = { app, ctx->store, now };
		int n = waste_remind_due(ctx->store, tomorrow, now, remind_one, &m, e);
		if (n < 0)   /* the next run tries again: the chain must not end here */
			log_warn("waste.remind: reminders not sent", "error", e->detail);
	}
	return app_job_again(ctx, "waste.remind", WASTE_REMIND_EVERY_MS, e);
}

/* bookings whose online payment is paid become paid (pay_online.c): the
 * resident may never come back to the booking's page, and the day's list
 * must show it paid */
int waste_paid_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	(void)app;
	int n = waste_pay_online_sync_due(ctx->store, app_now(), e);
	if (n < 0)   /* the next run tries again: the chain must not end here */
		log_warn("waste.paid: not run", "error", e->detail);
	char msg[48];
	snprintf(msg, sizeof msg, "%d bookings paid online", n < 0 ? 0 : n);
	jobs_set_result(ctx, msg);
	return app_job_again(ctx, "waste.paid", WASTE_PAID_EVERY_MS, e);
}
