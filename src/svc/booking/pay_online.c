/*
 * pay_online.c -- a facility booking paid online through the payments
 * service (svc/payments): the booking asks for a payment of its fee and
 * becomes paid when that payment is paid (booking.h "Online payment").
 *
 * The payments service knows nothing of bookings (services have no
 * cycles): a booking keeps its payment's number and is brought in line
 * when the resident reads it and by the job booking.tick, each a
 * conditional UPDATE (paid_at IS NULL), so it is marked paid once,
 * whoever notices first.  A payment whose amount is not the booking's
 * fee does not pay it (staff see the difference on the payments'
 * statement).  A booking that ended unpaid (released at its payment
 * deadline, cancelled) has its open payment withdrawn, so nobody pays
 * for a slot that is gone; one paid meanwhile stays for staff to refund.
 * A paid booking cancelled (by the resident or staff) asks payments, in
 * the cancel's transaction, to refund what was paid less the fee kept
 * (booking_cancel_refund); booking_refund_of tells the pages where that
 * refund is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "svc/booking/booking_int.h"
#include "svc/payments/payments.h"

static const struct pay_actor booking_actor = { .login = "(booking)", .source = "booking" };

int booking_pay_online_start(struct payment *out, struct store *s, const char *tenant, const char *number,
			     int64_t account, int64_t now, const struct pay_actor *who, struct err *e)
{
	struct booking b;
	int rc = booking_get(&b, s, tenant, number, e);
	if (rc)
		return rc;
	if (account && b.account != account)
		return err_set(e, ERR_NOTFOUND, "booking: no such number");
	if (b.state != BOOKING_BOOKED)
		return err_set(e, ERR_CONFLICT, "pay online: not a confirmed booking");
	if (b.paid_at)
		return err_set(e, ERR_CONFLICT, "pay online: paid");
	if (b.fee <= 0)
		return err_set(e, ERR_CONFLICT, "pay online: nothing to pay");
	if (b.pay_by && now >= b.pay_by)
		return err_set(e, ERR_DENIED, "pay online: past the payment deadline");
	int own = 0;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	char key[64], ref[40], desc[200], back[80];
	snprintf(key, sizeof key, "%s:%d", b.number, b.fee);
	snprintf(ref, sizeof ref, "SHISETSU-%s", b.number);
	snprintf(desc, sizeof desc, "施設使用料（予約番号 %s、利用日 %04d-%02d-%02d）", b.number, b.day.y, b.day.m, b.day.d);
	snprintf(back, sizeof back, "/mypage/facilities/%s", b.number);
	/* due: the day before the deadline's midnight (the payment's due day
	 * is the last day it may be paid) */
	long due = b.pay_by ? jp_date_to_days(jp_jst_date(b.pay_by - 1)) : jp_date_to_days(b.day) - 1;
	struct pay_new n = { .service = "booking", .key = key, .reference = ref, .description = desc,
			     .amount_yen = b.fee, .return_url = back, .account = account ? account : b.account,
			     .due_day = due };
	int created = 0;
	rc = payments_create(out, &created, s, tenant, &n, now, who, e);
	/* the payment of this fee was withdrawn before: a new one */
	char again[80];
	for (int k = 2; rc == 0 && out->state == PAY_EXPIRED && k <= 9; k++) {
		snprintf(again, sizeof again, "%s:%d", key, k);
		n.key = again;
		rc = payments_create(out, &created, s, tenant, &n, now, who, e);
	}
	if (rc == 0 && out->state == PAY_EXPIRED)
		rc = err_set(e, ERR_CONFLICT, "pay online: asked too many times");
	if (rc == 0) {
		struct store_val v[] = { sv_int(b.id), sv_text(out->number) };
		rc = store_exec(s, "UPDATE booking_bookings SET payment = $2 WHERE id = $1 AND state = 'booked'"
				   " AND paid_at IS NULL", v, 2, e);
		rc = rc == 0 ? err_set(e, ERR_CONFLICT, "pay online: the booking changed meanwhile") : rc < 0 ? rc : 0;
	}
	return booking_tx_end(s, own, rc, e);
}

int booking_pay_online_sync(int *changed, struct store *s, const char *tenant, const char *number, int64_t now,
			    struct err *e)
{
	*changed = 0;
	struct booking b;
	int rc = booking_get(&b, s, tenant, number, e);
	if (rc || b.state != BOOKING_BOOKED || b.paid_at || !b.payment[0])
		return rc;
	struct payment p;
	rc = payments_get(&p, s, tenant, b.payment, e);
	if (rc == 0 && p.state == PAY_PAID && p.paid_yen == b.fee && p.amount_yen == b.fee) {
		struct store_val v[] = { sv_int(b.id), sv_text(p.number), sv_int(p.paid_at ? p.paid_at : now) };
		rc = store_exec(s, "UPDATE booking_bookings SET paid_at = $3 WHERE id = $1 AND paid_at IS NULL"
				   " AND payment = $2 AND state = 'booked'", v, 3, e);
		*changed = rc > 0;
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

int booking_pay_online_sync_due(struct store *s, int64_t now, struct err *e)
{
	enum { MAX = 20000 };
	struct due {
		char tenant[16], number[BOOKING_NUMBER_LEN + 1], payment[BOOKING_PAYMENT_LEN + 1];
		int ended;
	} *list = calloc(MAX, sizeof *list);
	if (!list)
		return err_set(e, ERR_NOMEM, "pay online");
	struct store_rows *r = NULL;
	int n = 0, done = 0;
	/* waiting for their payment; or ended unpaid with a payment asked */
	int rc = store_query(&r, s, "SELECT tenant, number, payment, state <> 'booked' FROM booking_bookings"
				    " WHERE payment <> '' AND paid_at IS NULL AND state IN ('booked', 'released', 'cancelled')"
				    " ORDER BY day, id LIMIT 20000", NULL, 0, e);
	if (rc == 0) {
		while (n < MAX && (rc = store_rows_next(r, e)) > 0) {
			snprintf(list[n].tenant, sizeof list[n].tenant, "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
			snprintf(list[n].number, sizeof list[n].number, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
			snprintf(list[n].payment, sizeof list[n].payment, "%s", store_col_text(r, 2) ? store_col_text(r, 2) : "");
			list[n].ended = (int)store_col_int(r, 3);
			n++;
		}
		store_rows_free(r);
	}
	for (int i = 0; rc >= 0 && i < n; i++) {
		struct payment p;
		struct err e2;
		if (payments_get(&p, s, list[i].tenant, list[i].payment, &e2) != 0)
			continue;
		if (!list[i].ended) {
			if (p.state != PAY_PAID)
				continue;
			int changed = 0;
			rc = booking_pay_online_sync(&changed, s, list[i].tenant, list[i].number, now, e);
			done += changed;
			continue;
		}
		/* the booking ended unpaid: its open payment is withdrawn (one
		 * paid meanwhile stays, for staff to refund) */
		if (p.state == PAY_PAID || p.state == PAY_REFUNDED || p.state == PAY_EXPIRED)
			continue;
		rc = payments_withdraw(s, list[i].tenant, list[i].payment, "booking ended unpaid", now, &booking_actor, e);
		if (rc == 0) {
			struct store_val w[] = { sv_text(list[i].tenant), sv_text(list[i].number) };
			rc = store_exec(s, "UPDATE booking_bookings SET payment = '' WHERE tenant = $1 AND number = $2", w, 2, e);
			if (rc >= 0) {
				done++;
				rc = 0;
			}
		}
	}
	free(list);
	return rc < 0 ? rc : done;
}

int booking_cancel_refund(struct store *s, const char *tenant, const struct booking *b, int fee_kept,
			  int64_t account, int64_t now, const struct pay_actor *who, struct err *e)
{
	struct payment p;
	int rc = payments_get(&p, s, tenant, b->payment, e);
	if (rc)
		return rc;
	/* refunded, or asked for by staff, before the cancel: that stands */
	if (p.state != PAY_PAID || p.refund_by != 0)
		return 0;
	int64_t yen = p.paid_yen - fee_kept;
	if (yen <= 0)   /* the whole fee kept */
		return 0;
	char reason[240];   /* no personal data: the booking's number and the sums */
	snprintf(reason, sizeof reason, "施設予約 %s の取消し（お支払い %lld円、取消料 %d円、返金 %lld円）", b->number,
		 (long long)p.paid_yen, fee_kept, (long long)yen);
	/* staff who cancel ask as themselves (another member approves); the
	 * resident's cancel, or one without a named member of staff, asks
	 * for the payer */
	if (!account && who && who->id > 0)
		return payments_refund_request_part(s, tenant, p.number, yen, reason, now, who, e);
	return payments_refund_request_payer(s, tenant, p.number, yen, reason, now,
					     account && who ? who : &booking_actor, e);
}

int booking_refund_of(struct booking_refund *out, struct store *s, const char *tenant, const struct booking *b,
		      struct err *e)
{
	memset(out, 0, sizeof *out);
	if (b->state != BOOKING_CANCELLED || !b->paid_at)
		return 0;
	if (!b->payment[0]) {   /* paid at the counter: handed back there */
		out->yen = b->fee - b->cancel_fee;
		out->state = out->yen > 0 ? BOOKING_REFUND_COUNTER : BOOKING_REFUND_NONE;
		return 0;
	}
	struct payment p;
	int rc = payments_get(&p, s, tenant, b->payment, e);
	if (rc)
		return rc;
	if (p.state == PAY_REFUNDED) {
		out->state = BOOKING_REFUND_DONE;
		out->yen = p.refund_yen > 0 ? p.refund_yen : p.paid_yen;
		out->at = p.refunded_at;
	} else if (p.state == PAY_PAID && p.refund_by != 0) {
		out->state = BOOKING_REFUND_ASKED;
		out->yen = p.refund_yen > 0 ? p.refund_yen : p.paid_yen;
	}
	return 0;
}
