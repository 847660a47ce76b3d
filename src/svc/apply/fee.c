/*
 * fee.c -- a procedure's fee through the payments service (svc/payments).
 *
 * After review (fee.timing "after_review"): the payment is asked for when
 * staff approve the submission (workflow.c, in the transition's
 * transaction), once: its key is the receipt number and the fee
 * ("sub:<receipt>:<fee>"), so approving again, or a retry, gives the same
 * payment.  It carries the receipt number as its reference (no personal
 * data), returns the resident to the submission's page, and its audit
 * records name the approving member of staff (id and login).
 *
 * Before submission (fee.timing "before_submit"): the resident pays on
 * the draft's confirmation step (apply_fee_draft: key
 * "draft:<draft id>:<fee>", reference "draft-<id>", back to
 * /drafts/<id>/confirm); a draft of a life-event bundle is paid by one
 * payment of the bundle for the sum of its open drafts' fees (key
 * "bundle:<bundle id>:<sum>", its number kept on the bundle's row).
 * Submission refuses such a procedure unless a paid payment covers it
 * (apply_fee_check, called by apply_submit, apply_submit_answers and
 * apply_bundle_submit: the invariant is here, not in a handler) and
 * records that payment's number with the submission.  Staff entering an
 * application at the counter may take the fee there (apply_fee_take, in
 * the submission's transaction: a payment and a counter receipt) when
 * they hold the permission to mark a payment paid at the counter
 * (PAY_PERM_STAFF, checked here so that no page, API or CLI path takes
 * money without it).  A
 * correction was paid with the submission it corrects.  Nothing is paid
 * twice: a bundle that shrank after it was paid stays paid; an unpaid
 * payment of another sum is withdrawn before a new one is asked for.  A
 * paid draft that is abandoned is refunded by staff through the payments
 * service's own refund (two people, README.md); nothing here refunds.
 */
#include "svc/apply/apply.h"
#include "svc/apply/apply_int.h"
#include "svc/payments/payments.h"
#include "core/auth/auth.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the description: the procedure's title and 「手数料」, cut at a
 * character within PAY_DESCRIPTION_MAX characters */
static void describe(char *out, size_t cap, const struct forms_def *d)
{
	const char *t = d->title.ja ? d->title.ja : d->id;
	size_t o = 0, chars = 0;
	for (size_t i = 0; t[i] && chars < PAY_DESCRIPTION_MAX - 8; ) {
		unsigned char c = (unsigned char)t[i];
		size_t w = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (c < 0x20 || o + w + 1 >= cap - 16)
			break;
		memcpy(out + o, t + i, w);
		o += w, i += w, chars++;
	}
	snprintf(out + o, cap - o, "%s", "　手数料");
}

static void fee_key(char *out, size_t cap, const struct apply_submission *sub, int64_t fee)
{
	snprintf(out, cap, "sub:%s:%lld", sub->receipt, (long long)fee);
}

int apply_fee_create(struct payment *out, struct store *s, const struct apply_actor *who,
		     const struct apply_submission *sub, const struct forms_def *d, int64_t now,
		     struct err *e)
{
	struct payment tmp;
	if (!out)
		out = &tmp;
	char key[80], desc[PAY_DESCRIPTION_MAX * 4 + 1], back[80];
	fee_key(key, sizeof key, sub, d->fee_yen);
	describe(desc, sizeof desc, d);
	snprintf(back, sizeof back, "/submissions/%s", sub->receipt);
	struct pay_new n = { .service = "apply", .key = key, .reference = sub->receipt, .description = desc,
			     .amount_yen = d->fee_yen, .return_url = back, .account = sub->resident_id };
	struct pay_actor pa = { .id = who->id, .login = who->kind == APPLY_STAFF ? who->login : NULL,
				.source = "apply" };
	int created;
	return payments_create(out, &created, s, who->tenant, &n, now, &pa, e);
}

int apply_fee_payment(struct payment *out, struct store *s, const char *tenant,
		      const struct apply_submission *sub, const struct forms_def *d, struct err *e)
{
	if (sub->payment[0])   /* paid before submission (or at the counter) */
		return payments_get(out, s, tenant, sub->payment, e);
	if (d->fee_yen <= 0 || !d->fee_timing || strcmp(d->fee_timing, "after_review") != 0)
		return err_set(e, ERR_NOTFOUND, "apply: no fee paid through the payments service");
	char key[80];
	fee_key(key, sizeof key, sub, d->fee_yen);
	return payments_by_key(out, s, tenant, "apply", key, e);
}

/* ---- before submission ------------------------------------------------ */

_Static_assert(APPLY_PAYMENT_LEN == PAY_NUMBER_LEN, "a payment's number");

int64_t apply_fee_before(const struct forms_def *d)
{
	if (d && d->fee_yen > 0 && d->fee_timing && strcmp(d->fee_timing, "before_submit") == 0)
		return d->fee_yen;
	return 0;
}

/* the sum of the fees due before submission of the bundle's open drafts
 * (corrections aside) of the actor's */
static int bundle_sum(int64_t *sum, struct arena *a, struct store *s, const struct apply_actor *who,
		      int64_t bundle_id, struct err *e)
{
	*sum = 0;
	int kind;
	int64_t oid;
	int rc = apply_owner(&kind, &oid, who, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_int(bundle_id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT procedure, version FROM apply_drafts WHERE bundle_id = $1"
			      " AND tenant = $2 AND owner_kind = $3 AND owner_id = $4"
			      " AND submission_id = 0 ORDER BY id", v, 4, e)))
		return rc;
	char procs[32][FORMS_ID_MAX + 1];
	int vers[32], n = 0;
	while ((rc = store_rows_next(r, e)) == 1 && n < 32) {
		snprintf(procs[n], sizeof procs[n], "%s", store_col_text(r, 0));
		vers[n++] = (int)store_col_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		const struct forms_def *d = NULL;
		if ((rc = apply_load_def(&d, NULL, a, s,
					 &(struct apply_def_ref){ .tenant = who->tenant,
								  .procedure = procs[i],
								  .version = vers[i] },
					 e)))
			return rc;
		*sum += apply_fee_before(d);
	}
	return 0;
}

/* the payment recorded on the actor's bundle ("" when none) */
static int bundle_payment(char number[APPLY_PAYMENT_LEN + 1], struct store *s,
			  const struct apply_actor *who, int64_t bundle_id, struct err *e)
{
	number[0] = 0;
	int kind;
	int64_t oid;
	int rc = apply_owner(&kind, &oid, who, e);
	if (rc)
		return rc;
	char *t = NULL;
	struct store_val v[] = { sv_int(bundle_id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	rc = store_query_text(&t, s, "SELECT payment FROM apply_bundles WHERE id = $1 AND tenant = $2"
			      " AND owner_kind = $3 AND owner_id = $4", v, 4, e);
	if (rc)
		return rc;
	snprintf(number, APPLY_PAYMENT_LEN + 1, "%s", t);
	free(t);
	return 0;
}

/* does payment p cover amount yen? (paid, for at least that much) */
static int covers(const struct payment *p, int64_t amount)
{
	return p->state == PAY_PAID && p->amount_yen >= amount;
}

/* a payment that can still be paid: asked for, chosen, or failed at the
 * card provider (the payer may choose again) */
static int live(const struct payment *p)
{
	return p->state == PAY_CREATED || p->state == PAY_PENDING || p->state == PAY_FAILED;
}

struct paid_find {
	const char *ref;
	int64_t need;
	struct payment *out;
	int found;
};

static int paid_each(void *arg, const struct payment *p)
{
	struct paid_find *f = arg;
	if (!f->found && strcmp(p->reference, f->ref) == 0 && covers(p, f->need)) {
		*f->out = *p;
		f->found = 1;
	}
	return 0;
}

/* a paid payment of the service's with reference ref (a draft's or a
 * bundle's, whichever of its payments: one withdrawn or expired whose
 * money arrived late counts) covering need yen: *found 1, in *out */
static int paid_by_reference(struct payment *out, int *found, struct store *s, const char *tenant,
			     const char *ref, int64_t need, struct err *e)
{
	struct paid_find f = { ref, need, out, 0 };
	struct pay_filter pf = { .tenant = tenant, .state = PAY_PAID, .method = -1, .service = "apply",
				 .q = ref, .limit = 100 };
	int rc = payments_list(s, &pf, paid_each, &f, e);
	*found = f.found;
	return rc;
}

/* The payment to pay of key base: the first of base, base:1, base:2 ...
 * that is still live (one that expired or was refunded is never asked
 * again: the next key is), asked for now when create and none is.
 * ERR_NOTFOUND when none and !create. */
#define FEE_KEY_GENERATIONS 20

static int live_payment(struct payment *pay, struct store *s, const struct apply_actor *who,
			const char *base, const struct pay_new *n, const struct pay_actor *pa, int create,
			int64_t now, struct err *e)
{
	for (int g = 0; g < FEE_KEY_GENERATIONS; g++) {
		char key[96];
		if (g == 0)
			snprintf(key, sizeof key, "%s", base);
		else
			snprintf(key, sizeof key, "%s:%d", base, g);
		int rc = payments_by_key(pay, s, who->tenant, "apply", key, e);
		if (rc == 0 && (live(pay) || pay->state == PAY_PAID))
			return 0;
		if (rc == 0)
			continue;   /* expired or refunded: the next key */
		if (rc != ERR_NOTFOUND || !create)
			return rc;
		struct pay_new m = *n;
		m.key = key;
		int created;
		return payments_create(pay, &created, s, who->tenant, &m, now, pa, e);
	}
	return err_set(e, ERR_LIMIT, "apply: %d payments of %s have expired", FEE_KEY_GENERATIONS, base);
}

/* the payment (asked for, or asked for now with create) of a draft of
 * the actor's with fee d, alone or in its bundle */
static int draft_payment(struct apply_fee_due *out, struct payment *pay, struct arena *a,
			 struct store *s, const struct apply_actor *who, const struct apply_draft *dr,
			 const struct forms_def *d, int create, int64_t now, struct err *e)
{
	memset(out, 0, sizeof *out);
	int64_t fee = apply_fee_before(d);
	/* a correction was paid with what it corrects; a draft alone with
	 * no such fee has nothing to pay (a bundle's draft: the bundle's sum) */
	if (dr->submission_id || (fee == 0 && dr->bundle_id == 0))
		return 0;
	char base[80], ref[40], back[80], desc[PAY_DESCRIPTION_MAX * 4 + 1];
	struct pay_actor pa = { .id = who->kind == APPLY_STAFF ? who->id : 0,
				.login = who->kind == APPLY_STAFF ? who->login : NULL,
				.source = "apply" };
	int found, rc;
	if (dr->bundle_id == 0) {
		out->amount_yen = fee;
		snprintf(ref, sizeof ref, "draft-%lld", (long long)dr->id);
		if ((rc = paid_by_reference(pay, &found, s, who->tenant, ref, fee, e)))
			return rc;
		if (found) {
			out->have = out->paid = 1;
			return 0;
		}
		snprintf(base, sizeof base, "draft:%lld:%lld", (long long)dr->id, (long long)fee);
		snprintf(back, sizeof back, "/drafts/%lld/confirm", (long long)dr->id);
		describe(desc, sizeof desc, d);
		struct pay_new n = { .service = "apply", .reference = ref, .description = desc,
				     .amount_yen = fee, .return_url = back,
				     .account = who->kind == APPLY_RESIDENT ? who->id : 0 };
		rc = live_payment(pay, s, who, base, &n, &pa, create, now, e);
		if (rc == ERR_NOTFOUND)
			return 0;
		if (rc)
			return rc;
		out->have = 1;
		out->paid = covers(pay, fee);
		return 0;
	}
	/* a bundle: one payment for the sum of its drafts' fees */
	out->bundle_id = dr->bundle_id;
	int64_t sum = 0;
	char number[APPLY_PAYMENT_LEN + 1];
	if ((rc = bundle_sum(&sum, a, s, who, dr->bundle_id, e)) ||
	    (rc = bundle_payment(number, s, who, dr->bundle_id, e)))
		return rc;
	out->amount_yen = sum;
	snprintf(ref, sizeof ref, "bundle-%lld", (long long)dr->bundle_id);
	/* paid, by any of the bundle's payments (a bundle only shrinks: one
	 * paid for more covers what is left) */
	if ((rc = paid_by_reference(pay, &found, s, who->tenant, ref, sum, e)))
		return rc;
	if (found) {
		out->have = out->paid = 1;
		return 0;
	}
	if (number[0]) {
		if ((rc = payments_get(pay, s, who->tenant, number, e)))
			return rc;
		if (live(pay) && pay->amount_yen == sum) {   /* the one to pay */
			out->have = 1;
			return 0;
		}
		if (!create)
			return 0;
		/* unpaid for another sum (a draft left the bundle): withdrawn,
		 * and one for the sum asked for below; expired or refunded:
		 * another asked for below */
		if (live(pay)) {
			rc = payments_withdraw(s, who->tenant, number, "bundle changed", now, &pa, e);
			if (rc == ERR_CONFLICT) {   /* paid meanwhile */
				if ((rc = payments_get(pay, s, who->tenant, number, e)))
					return rc;
				out->have = 1;
				out->paid = covers(pay, sum);
				return 0;
			}
			if (rc)
				return rc;
		}
	}
	if (!create || sum <= 0)
		return 0;
	snprintf(base, sizeof base, "bundle:%lld:%lld", (long long)dr->bundle_id, (long long)sum);
	snprintf(back, sizeof back, "/bundles/%lld", (long long)dr->bundle_id);
	snprintf(desc, sizeof desc, "%s", "手続きの手数料（まとめて）");
	struct pay_new n = { .service = "apply", .reference = ref, .description = desc,
			     .amount_yen = sum, .return_url = back,
			     .account = who->kind == APPLY_RESIDENT ? who->id : 0 };
	int own;
	if ((rc = apply_tx_begin(&own, s, e)))
		return rc;
	rc = live_payment(pay, s, who, base, &n, &pa, 1, now, e);
	if (rc == 0) {
		struct store_val v[] = { sv_text(pay->number), sv_int(dr->bundle_id), sv_text(who->tenant) };
		rc = store_exec(s, "UPDATE apply_bundles SET payment = $1 WHERE id = $2 AND tenant = $3",
				v, 3, e);
		rc = rc < 0 ? rc : 0;
	}
	if ((rc = apply_tx_end(own, rc, s, e)))
		return rc;
	out->have = 1;
	out->paid = covers(pay, sum);
	return 0;
}

int apply_fee_draft(struct apply_fee_due *out, struct payment *pay, struct store *s,
		    const struct apply_actor *who, int64_t draft_id, int create, int64_t now,
		    struct err *e)
{
	memset(out, 0, sizeof *out);
	struct payment tmp;
	if (!pay)
		pay = &tmp;
	struct arena *a = arena_new(0);
	if (!a)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	struct apply_draft_row dr;
	const struct forms_def *d = NULL;
	int rc = apply_draft_load(&dr, a, s, who, draft_id, e);
	if (rc == 0)
		rc = apply_load_def(&d, NULL, a, s,
				    &(struct apply_def_ref){ .tenant = who->tenant,
							     .procedure = dr.d.procedure,
							     .version = dr.d.version },
				    e);
	if (rc == 0)
		rc = draft_payment(out, pay, a, s, who, &dr.d, d, create, now, e);
	if (rc == 0 && out->have) {
		snprintf(out->number, sizeof out->number, "%s", pay->number);
		snprintf(out->state, sizeof out->state, "%s", payments_state_name(pay->state));
	}
	arena_free(a);
	return rc;
}

int apply_fee_check(struct apply_prep *p, int *unpaid, int64_t *due, struct store *s,
		    const struct apply_actor *who, const struct apply_cashier *counter,
		    int64_t bundle_sum, struct err *e)
{
	*unpaid = 0;
	if (due)
		*due = 0;
	p->payment[0] = 0;
	p->fee_yen = 0;
	int64_t fee = apply_fee_before(p->def);
	if (fee == 0 || p->draft.d.submission_id)
		return 0;
	if (counter) {
		if (who->kind != APPLY_STAFF)
			return err_set(e, ERR_INVALID, "apply: only staff take a fee at the counter");
		/* taking money is the payments service's counter work: its
		 * permission, from the member's roles now (any error: no) */
		int ok = auth_staff_has_permission(s, who->tenant, who->id, PAY_PERM_STAFF,
						   counter->mfa_ok, e);
		if (ok < 0)
			return ok;
		if (ok != 1) {
			*unpaid = 1;
			if (due)
				*due = fee;
			return err_set(e, ERR_DENIED, "apply: staff %lld may not take the fee of %s"
				       " at the counter (no %s)", (long long)who->id, p->def->id,
				       PAY_PERM_STAFF);
		}
		p->fee_yen = fee;
		return 0;
	}
	/* paid: any payment of the draft's, or of its bundle's, paid for
	 * what is due (a late payment of one withdrawn or expired counts) */
	struct payment pay;
	int rc = 0, found = 0;
	int64_t need = fee;
	char ref[40];
	if (p->draft.d.bundle_id) {
		snprintf(ref, sizeof ref, "bundle-%lld", (long long)p->draft.d.bundle_id);
		need = bundle_sum;
	} else {
		snprintf(ref, sizeof ref, "draft-%lld", (long long)p->draft.d.id);
	}
	if (p->draft.d.id && (rc = paid_by_reference(&pay, &found, s, who->tenant, ref, need, e)))
		return rc;
	if (!found) {
		*unpaid = 1;
		if (due)
			*due = need;
		return err_set(e, ERR_CONFLICT, "apply: draft %lld: the fee (%s, %lld yen) is not paid",
			       (long long)p->draft.d.id, p->def->id, (long long)need);
	}
	snprintf(p->payment, sizeof p->payment, "%s", pay.number);
	return 0;
}

int apply_fee_take(struct apply_submission *sub, struct store *s, const struct apply_actor *who,
		   const struct apply_prep *p, const struct apply_cashier *cashier, int64_t now,
		   struct err *e)
{
	if (!cashier || p->fee_yen <= 0)
		return 0;
	struct pay_actor pa = { .audit = cashier->audit, .id = cashier->id, .login = cashier->login,
				.role = cashier->role, .source = cashier->source };
	const struct pay_actor *counter = &pa;
	char key[80], desc[PAY_DESCRIPTION_MAX * 4 + 1], via[PAY_VIA_MAX + 1], src[80];
	snprintf(key, sizeof key, "counter:%s:%lld", sub->receipt, (long long)p->fee_yen);
	describe(desc, sizeof desc, p->def);
	struct pay_new n = { .service = "apply", .key = key, .reference = sub->receipt,
			     .description = desc, .amount_yen = p->fee_yen,
			     .return_url = "/mypage/applications", .account = 0 };
	struct payment pay;
	int created;
	int rc = payments_create(&pay, &created, s, who->tenant, &n, now, counter, e);
	if (rc)
		return rc;
	snprintf(via, sizeof via, "cash %.80s", counter->login ? counter->login : "staff");
	snprintf(src, sizeof src, "counter:apply:%s", sub->receipt);
	struct pay_receipt rr = { .method = PAY_M_COUNTER, .number = pay.number,
				  .amount_yen = pay.amount_yen, .via = via, .source = src,
				  .final = 1, .must_apply = 1 };
	enum pay_outcome o = PAY_O_UNKNOWN;
	if ((rc = payments_receive(&o, s, who->tenant, &rr, now, counter, e)))
		return rc;
	if (o != PAY_O_APPLIED)
		return err_set(e, ERR_CONFLICT, "apply: the counter's taking for %s: %s", sub->receipt,
			       payments_outcome_name(o));
	struct store_val v[] = { sv_text(pay.number), sv_int(sub->id), sv_text(who->tenant) };
	rc = store_exec(s, "UPDATE apply_submissions SET payment = $1 WHERE id = $2 AND tenant = $3",
			v, 3, e);
	if (rc < 0)
		return rc;
	snprintf(sub->payment, sizeof sub->payment, "%s", pay.number);
	return 0;
}
