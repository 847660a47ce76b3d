/*
 * fee.c -- a procedure's fee through the payments service (svc/payments):
 * the payment a submission's fee is paid by, when the procedure's fee is
 * paid after review (fee.timing "after_review").
 *
 * The payment is asked for when staff approve the submission (workflow.c,
 * in the transition's transaction), once: its key is the receipt number
 * and the fee ("sub:<receipt>:<fee>"), so approving again, or a retry,
 * gives the same payment.  It carries the receipt number as its reference
 * (no personal data) and returns the resident to the submission's page.
 * Paying before submission (fee.timing "before_submit") is not wired to
 * the payments service yet: the confirmation page shows the fee.
 */
#include "svc/apply/apply.h"
#include "svc/apply/apply_int.h"
#include "svc/payments/payments.h"
#include "store/store.h"

#include <stdio.h>
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
	struct pay_actor pa = { .id = who->id, .source = "apply" };
	int created;
	return payments_create(out, &created, s, who->tenant, &n, now, &pa, e);
}

int apply_fee_payment(struct payment *out, struct store *s, const char *tenant,
		      const struct apply_submission *sub, const struct forms_def *d, struct err *e)
{
	if (d->fee_yen <= 0 || !d->fee_timing || strcmp(d->fee_timing, "after_review") != 0)
		return err_set(e, ERR_NOTFOUND, "apply: no fee paid through the payments service");
	char key[80];
	fee_key(key, sizeof key, sub, d->fee_yen);
	return payments_by_key(out, s, tenant, "apply", key, e);
}
