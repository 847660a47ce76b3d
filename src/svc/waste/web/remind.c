/*
 * remind.c -- the job that mails residents the day before collection
 * (`waste.remind`, every WASTE_REMIND_EVERY_MS): from WASTE_REMIND_HOUR
 * JST on (`serve --waste-remind-hour H` moves it), each booking of tomorrow with an e-mail address is marked
 * reminded and its message queued in the outbox in one transaction
 * (waste_remind_due), so a crash or a second server never sends two, and
 * a failure leaves it for the next run.  The message says the day, the
 * number, the items and where to put them out, with the link to the
 * booking on My page; it names no one.
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
	if (!mail_addr_valid(b->email))   /* the outbox would refuse it: marked, nothing sent */
		return 0;
	struct err e;
	struct tenant t;
	char base[512] = "";
	if (tenant_get(&t, m->s, tenant, &e) == 0)
		app_mail_link_base(base, sizeof base, m->app, &t);
	struct buf body;
	buf_init(&body, 2048);
	buf_printf(&body, "粗大ごみの収集日は明日 %d年%d月%d日（%s）です。\n朝8時までに%sへお出しください。\n\n"
		   "受付番号: %s\n", b->day.y, b->day.m, b->day.d, jp_weekday_name_ja(jp_date_weekday(b->day)),
		   b->place[0] ? b->place : "ご自宅の前", b->number);
	json_t *items = json_loads(b->items, 0, NULL);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		buf_printf(&body, "  %s × %d\n", json_string_value(json_object_get(it, "name")) ?: "",
			   (int)json_integer_value(json_object_get(it, "count")));
	json_decref(items);
	if (b->pay == WASTE_UNPAID && m->now <= waste_booking_cutoff(b->day))
		buf_printf(&body, "\n手数料 %d円 が未納です。粗大ごみ処理券を貼り、番号を本日17時までにご登録ください。\n", b->fee_yen);
	else if (b->pay == WASTE_UNPAID)
		buf_printf(&body, "\n手数料 %d円 が未納です。粗大ごみ処理券を貼ってお出しください。\n", b->fee_yen);
	buf_printf(&body, "\n予約の確認: %s/mypage/waste/%s\n\n"
		   "Your bulky waste is collected tomorrow (%04d-%02d-%02d). Please put it out by 8:00. Booking %s.\n",
		   base, b->number, b->day.y, b->day.m, b->day.d, b->number);
	int rc = body.data ? mail_enqueue(m->s, tenant, b->email, "【粗大ごみ】明日は収集日です / Collection tomorrow",
					  body.data, m->now, &e)
			   : ERR_NOMEM;
	buf_done(&body);
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
