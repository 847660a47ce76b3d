/*
 * pay_online.c -- a bulky-waste booking paid online through the payments
 * service (svc/payments): the booking asks for a payment of its fee and
 * becomes paid when that payment is paid.
 *
 * The payments service knows nothing of bookings (services have no
 * cycles): a booking keeps its payment's number, and is brought in line
 * when the resident or staff read it and by the job waste.paid, each a
 * conditional UPDATE (pay = 'unpaid'), so a booking is marked paid once
 * whoever notices first.  A payment whose amount is not the booking's fee
 * (the booking was moved to a day with another fee before the old payment
 * was paid) does not pay it: staff see the difference on the payments'
 * statement and the booking stays unpaid.
 */
#include "svc/waste/waste.h"
#include "svc/payments/payments.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	int c = store_commit(s, e);
	return c ? c : rc;
}

int waste_pay_online_start(struct payment *out, struct store *s, const char *tenant, const char *number,
			   int64_t account, int64_t now, const struct pay_actor *who, struct err *e)
{
	struct waste_booking *b = malloc(sizeof *b);
	if (!b)
		return err_set(e, ERR_NOMEM, "pay online");
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc == 0)
		rc = waste_booking_get(b, s, tenant, number, e);
	if (rc == 0 && b->cancelled)
		rc = err_set(e, ERR_CONFLICT, "pay online: the booking is cancelled");
	if (rc == 0 && b->pay != WASTE_UNPAID)
		rc = err_set(e, ERR_CONFLICT, "pay online: the booking is paid");
	if (rc == 0 && now > waste_booking_cutoff(b->day))
		rc = err_set(e, ERR_DENIED, "pay online: past the cut-off");
	if (rc == 0 && b->fee_yen <= 0)
		rc = err_set(e, ERR_CONFLICT, "pay online: nothing to pay");
	char key[64], ref[40], desc[200], back[80];
	if (rc == 0) {
		snprintf(key, sizeof key, "%s:%d:%04d%02d%02d", b->number, b->fee_yen, b->day.y, b->day.m, b->day.d);
		snprintf(ref, sizeof ref, "WASTE-%s", b->number);
		snprintf(desc, sizeof desc, "粗大ごみ処理手数料（受付番号 %s、収集日 %04d-%02d-%02d）", b->number,
			 b->day.y, b->day.m, b->day.d);
		snprintf(back, sizeof back, "/mypage/waste/%s", b->number);
		struct pay_new n = { .service = "waste", .key = key, .reference = ref, .description = desc,
				     .amount_yen = b->fee_yen, .return_url = back, .account = account,
				     .due_day = jp_date_to_days(b->day) - 1 };
		int created;
		rc = payments_create(out, &created, s, tenant, &n, now, who, e);
		/* the payment of this fee and day was withdrawn (paid by
		 * tickets and back, moved away and back): a new one */
		char again[80];
		for (int k = 2; rc == 0 && out->state == PAY_EXPIRED && k <= 9; k++) {
			snprintf(again, sizeof again, "%s:%d", key, k);
			n.key = again;
			rc = payments_create(out, &created, s, tenant, &n, now, who, e);
		}
		if (rc == 0 && out->state == PAY_EXPIRED)
			rc = err_set(e, ERR_CONFLICT, "pay online: asked too many times");
	}
	if (rc == 0) {
		struct store_val v[] = { sv_int(b->id), sv_text(out->number) };
		rc = store_exec(s, "UPDATE waste_bookings SET payment = $2 WHERE id = $1 AND pay = 'unpaid'", v, 2, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "pay online: the booking changed meanwhile");
		rc = rc > 0 ? 0 : rc;
	}
	free(b);
	return end(s, own, rc, e);
}

static const struct pay_actor waste_actor = { .login = "(waste)", .source = "waste" };

int waste_pay_online_release(int *paid, struct store *s, const char *tenant, const struct waste_booking *b,
			     const char *why, int64_t now, struct err *e)
{
	*paid = b->pay == WASTE_PAID_ONLINE;
	if (b->pay != WASTE_UNPAID || !b->payment[0])
		return 0;
	struct payment p;
	int rc = payments_get(&p, s, tenant, b->payment, e);
	if (rc)
		return rc;
	if (p.state == PAY_PAID || p.state == PAY_REFUNDED) {   /* paid, not yet marked on the booking */
		*paid = 1;
		return 0;
	}
	rc = payments_withdraw(s, tenant, b->payment, why, now, &waste_actor, e);
	if (rc == 0) {
		struct store_val v[] = { sv_int(b->id) };
		rc = store_exec(s, "UPDATE waste_bookings SET payment = '' WHERE id = $1", v, 1, e);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

int waste_pay_online_refunded(struct store *s, const char *tenant, const struct waste_booking *b, struct err *e)
{
	if (!b->payment[0])
		return 0;
	struct payment p;
	struct err e2;
	if (payments_get(&p, s, tenant, b->payment, &e2))
		return 0;
	(void)e;
	return p.state == PAY_REFUNDED || p.refund_by != 0;
}

int waste_pay_online_sync(int *changed, struct store *s, const char *tenant, const char *number,
			  int64_t now, struct err *e)
{
	*changed = 0;
	struct waste_booking *b = malloc(sizeof *b);
	if (!b)
		return err_set(e, ERR_NOMEM, "pay online");
	int rc = waste_booking_get(b, s, tenant, number, e);
	if (rc || b->cancelled || b->pay != WASTE_UNPAID || !b->payment[0]) {
		free(b);
		return rc;
	}
	struct payment p;
	rc = payments_get(&p, s, tenant, b->payment, e);
	if (rc == 0 && p.state == PAY_PAID && p.paid_yen == b->fee_yen && p.amount_yen == b->fee_yen) {
		struct store_val v[] = { sv_int(b->id), sv_text(p.number), sv_int(now) };
		rc = store_exec(s, "UPDATE waste_bookings SET pay = 'online', changed_at = $3"
				" WHERE id = $1 AND pay = 'unpaid' AND payment = $2 AND state = 'booked'", v, 3, e);
		*changed = rc > 0;
		rc = rc < 0 ? rc : 0;
	}
	free(b);
	return rc;
}

int waste_pay_online_sync_due(struct store *s, int64_t now, struct err *e)
{
	/* every booking still to collect that waits for its payment is read
	 * (not a window of them: unpaid slips would fill it), then each
	 * payment is asked */
	enum { MAX = 20000 };
	struct due { char tenant[16]; char number[WASTE_NUMBER_LEN + 1]; char payment[WASTE_PAYMENT_LEN + 1]; } *list =
		calloc(MAX, sizeof *list);
	if (!list)
		return err_set(e, ERR_NOMEM, "pay online");
	struct store_rows *r;
	int n = 0, done = 0;
	struct store_val v[] = { sv_int(jp_date_to_days(jp_jst_date(now))) };
	int rc = store_query(&r, s, "SELECT tenant, number, payment FROM waste_bookings"
			     " WHERE pay = 'unpaid' AND state = 'booked' AND payment <> '' AND day >= $1"
			     " ORDER BY day, id LIMIT 20000", v, 1, e);
	if (rc == 0) {
		while (n < MAX && (rc = store_rows_next(r, e)) > 0) {
			snprintf(list[n].tenant, sizeof list[n].tenant, "%s", store_col_text(r, 0));
			snprintf(list[n].number, sizeof list[n].number, "%s", store_col_text(r, 1));
			snprintf(list[n].payment, sizeof list[n].payment, "%s", store_col_text(r, 2));
			n++;
		}
		store_rows_free(r);
	}
	for (int i = 0; rc >= 0 && i < n; i++) {
		struct payment p;
		struct err e2;
		if (payments_get(&p, s, list[i].tenant, list[i].payment, &e2) != 0 || p.state != PAY_PAID)
			continue;
		int changed = 0;
		rc = waste_pay_online_sync(&changed, s, list[i].tenant, list[i].number, now, e);
		done += changed;
	}
	free(list);
	return rc < 0 ? rc : done;
}
