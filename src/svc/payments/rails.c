/*
 * rails.c -- the numbers the payment rails carry, and the コンビニ slip.
 *
 * The コンビニ barcode (GS1-128, 「GS1-128シンボルによる標準料金代理収納
 * ガイドライン」; research/payments.md §1) is 44 digits:
 *
 *   91 | biller (6) | free field (21): agent (5), "00", number (14) |
 *   再発行区分 0 | due YYMMDD | 印紙フラグ 0 | amount (6) | check digit
 *
 * the check digit GS1 modulus 10 over the 43 before it (jp/checkdigit.h).
 * The symbol is Code 128 with FNC1 after the start character, encoded by
 * libzint (BARCODE_GS1_128, "[91]" and the 42 digits after the AI); its
 * bars are drawn by pdf_bars at 0.19 mm a module, 12 mm high, with the
 * 2.54 mm quiet zones of the guideline on both sides: 288 modules, 54.7 mm
 * of bars, within the guideline's 60 mm.
 *
 * The codes in it are the municipality's (payment_rails, payments.h "the
 * rails"): read and set here.
 */
#include "svc/payments/payments.h"
#include "svc/payments/payments_int.h"
#include "jp/checkdigit.h"
#include "jp/date.h"
#include "jp/wareki.h"
#include "pdf/pdf.h"
#include "store/store.h"
#include "core/audit/audit.h"

#include <zint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLIP_MODULE_MM 0.19
#define SLIP_HEIGHT_MM 12.0
#define SLIP_QUIET_MM 2.54

/* ---- a municipality's codes ---- */

int payments_rails_ok(const struct pay_rails *r, struct err *e)
{
	if (!r || !pay_digits_ok(r->payeasy_biller, PAY_PAYEASY_BILLER_LEN))
		return err_set(e, ERR_INVALID, "payeasy_biller: the 収納機関番号 is 5 digits");
	if (!pay_digits_ok(r->konbini_biller, PAY_KONBINI_BILLER_LEN) ||
	    (r->konbini_biller[0] != '9' && r->konbini_biller[0] != '5'))
		return err_set(e, ERR_INVALID, "konbini_biller: 6 digits from 9 or 5");
	if (!pay_digits_ok(r->konbini_agent, PAY_KONBINI_AGENT_LEN))
		return err_set(e, ERR_INVALID, "konbini_agent: 5 digits");
	return 0;
}

static void put(char *dst, size_t cap, const char *v)
{
	snprintf(dst, cap, "%s", v ? v : "");
}

int payments_rails_from(struct pay_rails *out, const char *payeasy_biller, const char *konbini_biller,
			const char *konbini_agent, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (payeasy_biller && strlen(payeasy_biller) > PAY_PAYEASY_BILLER_LEN)
		return err_set(e, ERR_INVALID, "payeasy_biller: the 収納機関番号 is 5 digits");
	if (konbini_biller && strlen(konbini_biller) > PAY_KONBINI_BILLER_LEN)
		return err_set(e, ERR_INVALID, "konbini_biller: 6 digits from 9 or 5");
	if (konbini_agent && strlen(konbini_agent) > PAY_KONBINI_AGENT_LEN)
		return err_set(e, ERR_INVALID, "konbini_agent: 5 digits");
	put(out->payeasy_biller, sizeof out->payeasy_biller, payeasy_biller);
	put(out->konbini_biller, sizeof out->konbini_biller, konbini_biller);
	put(out->konbini_agent, sizeof out->konbini_agent, konbini_agent);
	return payments_rails_ok(out, e);
}

int payments_rails_get(struct pay_rails *out, int *own, struct store *s, const char *tenant,
		       const struct pay_rails *fallback, struct err *e)
{
	struct pay_rails r = { "", "", "" };   /* fallback may be out */
	if (fallback)
		r = *fallback;
	if (own)
		*own = 0;
	struct store_val v[] = { sv_text(tenant) };
	struct store_rows *rows;
	int rc = store_query(&rows, s, "SELECT payeasy_biller, konbini_biller, konbini_agent FROM payment_rails"
			     " WHERE tenant = $1", v, 1, e);
	if (rc)
		return rc;
	rc = store_rows_next(rows, e);
	if (rc == 1) {
		put(r.payeasy_biller, sizeof r.payeasy_biller, store_col_text(rows, 0));
		put(r.konbini_biller, sizeof r.konbini_biller, store_col_text(rows, 1));
		put(r.konbini_agent, sizeof r.konbini_agent, store_col_text(rows, 2));
		if (own)
			*own = 1;
	}
	store_rows_free(rows);
	if (rc < 0)
		return rc;
	*out = r;
	return 0;
}

int payments_rails_set(struct store *s, const char *tenant, const struct pay_rails *r, int64_t now,
		       const struct pay_actor *who, struct err *e)
{
	int rc = payments_rails_ok(r, e);
	if (rc)
		return rc;
	if (!who || (who->id <= 0 && !(who->login && *who->login)))
		return err_set(e, ERR_DENIED, "rails: a member of staff or the operator sets them");
	const char *actor = who->login && *who->login ? who->login : "staff";
	int own = !store_in_tx(s);
	if (own && (rc = store_begin(s, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(r->payeasy_biller), sv_text(r->konbini_biller),
				 sv_text(r->konbini_agent), sv_text(actor), sv_int(now) };
	rc = store_exec(s, "INSERT INTO payment_rails (tenant, payeasy_biller, konbini_biller, konbini_agent,"
			" updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)"
			" ON CONFLICT (tenant) DO UPDATE SET payeasy_biller = $2, konbini_biller = $3,"
			" konbini_agent = $4, updated_by = $5, updated_at = $6", v, 6, e);
	if (rc >= 0) {
		struct audit_record a = {
			.actor_id = who->id,
			.actor_login = who->login && *who->login ? who->login : NULL,
			.role = who->role && *who->role ? who->role : NULL,
			.action = "payments.rails",
			.object_type = "payment_rails",
			.object_id = tenant,   /* whose; the codes are in the row */
			.tenant = tenant,
			.source = who->source && *who->source ? who->source : NULL,
			.result = AUDIT_R_OK,
		};
		rc = audit_append(NULL, s, who->audit, &a, e);
	}
	return pay_tx_end(s, own, rc < 0 ? rc : 0, e);
}

/* ---- the barcode ---- */

int payments_barcode(char *out, const struct pay_rails *rails, const char *number,
		     long due_day, int64_t amount_yen, struct err *e)
{
	out[0] = 0;
	if (!rails || !pay_digits_ok(rails->konbini_biller, PAY_KONBINI_BILLER_LEN) ||
	    (rails->konbini_biller[0] != '9' && rails->konbini_biller[0] != '5'))
		return err_set(e, ERR_INVALID, "konbini: the biller code is 6 digits from 9 or 5");
	if (!pay_digits_ok(rails->konbini_agent, PAY_KONBINI_AGENT_LEN))
		return err_set(e, ERR_INVALID, "konbini: the agent code is 5 digits");
	if (!payments_number_ok(number))
		return err_set(e, ERR_INVALID, "konbini: not a payment number");
	if (amount_yen < 1 || amount_yen > PAY_KONBINI_MAX)
		return err_set(e, ERR_INVALID, "konbini: 1..%d yen a slip", PAY_KONBINI_MAX);
	struct jp_date d = jp_date_from_days(due_day);
	if (!jp_date_valid(d) || d.y < 2000 || d.y > 2099)
		return err_set(e, ERR_INVALID, "konbini: due day out of range");
	char b[PAY_BARCODE_LEN + 8];
	snprintf(b, sizeof b, "91%s%s00%s0%02d%02d%02d0%06lld", rails->konbini_biller, rails->konbini_agent,
		 number, d.y % 100, d.m, d.d, (long long)amount_yen);
	if (strlen(b) != PAY_BARCODE_LEN - 1)
		return err_set(e, ERR_INTERNAL, "konbini: %zu digits", strlen(b));
	int cd;
	int rc = jp_gs1_check_digit(&cd, b, PAY_BARCODE_LEN - 1, e);
	if (rc)
		return rc;
	memcpy(out, b, PAY_BARCODE_LEN - 1);
	out[PAY_BARCODE_LEN - 1] = (char)('0' + cd);
	out[PAY_BARCODE_LEN] = 0;
	return 0;
}

int payments_barcode_check(const char *digits, int64_t *amount, char *number, struct err *e)
{
	if (!pay_digits_ok(digits, PAY_BARCODE_LEN))
		return err_set(e, ERR_INVALID, "barcode: not %d digits", PAY_BARCODE_LEN);
	if (digits[0] != '9' || digits[1] != '1')
		return err_set(e, ERR_INVALID, "barcode: not application identifier 91");
	int cd;
	int rc = jp_gs1_check_digit(&cd, digits, PAY_BARCODE_LEN - 1, e);
	if (rc)
		return rc;
	if (cd != digits[PAY_BARCODE_LEN - 1] - '0')
		return err_set(e, ERR_INVALID, "barcode: wrong check digit");
	if (amount)
		*amount = strtoll((char[7]){ digits[37], digits[38], digits[39], digits[40], digits[41],
					     digits[42], 0 }, NULL, 10);
	if (number) {
		memcpy(number, digits + 15, PAY_NUMBER_LEN);
		number[PAY_NUMBER_LEN] = 0;
	}
	return 0;
}

void payments_barcode_human(char *out, size_t cap, const char *d)
{
	if (!pay_digits_ok(d, PAY_BARCODE_LEN)) {
		snprintf(out, cap, "%s", "");
		return;
	}
	/* (91) biller - free field - 再発行 - due - 印紙 - amount - check */
	snprintf(out, cap, "(%.2s)%.6s-%.21s-%.1s-%.6s-%.1s-%.6s-%.1s", d, d + 2, d + 8, d + 29, d + 30,
		 d + 36, d + 37, d + 43);
}

/* the bars of the barcode, in modules, from libzint */
static int bars_of(struct pdf_bar *bars, int *n, const char *digits, struct err *e)
{
	*n = 0;
	struct zint_symbol *z = ZBarcode_Create();
	if (!z)
		return err_set(e, ERR_NOMEM, "zint");
	z->symbology = BARCODE_GS1_128;
	z->input_mode = GS1_MODE;
	z->show_hrt = 0;
	z->output_options |= BARCODE_NO_QUIET_ZONES;
	char in[64];
	snprintf(in, sizeof in, "[91]%s", digits + 2);
	int zr = ZBarcode_Encode(z, (const unsigned char *)in, (int)strlen(in));
	int rc = 0;
	if (zr >= ZINT_ERROR) {
		rc = err_set(e, ERR_INTERNAL, "zint: %s", z->errtxt);
	} else if ((zr = ZBarcode_Buffer_Vector(z, 0)) >= ZINT_ERROR || !z->vector || z->width <= 0) {
		rc = err_set(e, ERR_INTERNAL, "zint vector: %s", z->errtxt);
	} else {
		double unit = z->vector->width / z->width;   /* vector units a module */
		for (struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next) {
			if (*n >= PDF_BARS_MAX) {
				rc = err_set(e, ERR_LIMIT, "barcode: too many bars");
				break;
			}
			bars[*n].x = r->x / unit;
			bars[*n].w = r->width / unit;
			(*n)++;
		}
	}
	ZBarcode_Delete(z);
	return rc;
}

static const struct pdf_style S_WARD = { .size = 10, .after = 2 };
static const struct pdf_style S_TITLE = { .size = 18, .bold = 1, .after = 10 };
static const struct pdf_style S_AMOUNT = { .size = 22, .bold = 1, .after = 8 };
static const struct pdf_style S_LABEL = { .size = 9, .bold = 1, .after = 1 };
static const struct pdf_style S_VALUE = { .size = 12, .after = 6 };
static const struct pdf_style S_HUMAN = { .size = 8, .indent = 7.2, .after = 10 };
static const struct pdf_style S_NOTE = { .size = 9, .after = 3 };

static void yen(char *out, size_t cap, int64_t v)
{
	char raw[32];
	snprintf(raw, sizeof raw, "%lld", (long long)v);
	size_t n = strlen(raw), o = 0;
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = raw[i];
	}
	out[o] = 0;
}

int payments_slip_pdf(char **pdf, size_t *len, const struct payment *p, const char *ward_ja,
		      struct err *e)
{
	*pdf = NULL;
	*len = 0;
	if (p->method != PAY_M_KONBINI || !pay_digits_ok(p->barcode, PAY_BARCODE_LEN))
		return err_set(e, ERR_INVALID, "slip: not a コンビニ payment");
	struct pdf_bar bars[PDF_BARS_MAX];
	int nbars = 0;
	int rc = bars_of(bars, &nbars, p->barcode, e);
	if (rc)
		return rc;
	struct pdf *d;
	if ((rc = pdf_new_mem(&d, 0, e)))
		return rc;
	pdf_set_title(d, "払込票（コンビニ収納） / Convenience-store payment slip");
	char tmp[512], y[32], wa[64];
	pdf_text(d, ward_ja && *ward_ja ? ward_ja : "", &S_WARD);
	pdf_text(d, "払込票（コンビニエンスストア用）\nPayment slip for convenience stores", &S_TITLE);
	yen(y, sizeof y, p->amount_yen);
	snprintf(tmp, sizeof tmp, "金額 %s円 / ¥%s", y, y);
	pdf_text(d, tmp, &S_AMOUNT);
	pdf_text(d, "お支払いいただくもの / For", &S_LABEL);
	pdf_text(d, p->description, &S_VALUE);
	pdf_text(d, "支払期限 / Pay by", &S_LABEL);
	struct jp_date due = jp_date_from_days(p->due_day);
	struct err e2;
	if (jp_wareki_format(wa, sizeof wa, due, JP_WAREKI_KANJI, 0, &e2))
		wa[0] = 0;
	snprintf(tmp, sizeof tmp, "%s（%04d-%02d-%02d）", wa, due.y, due.m, due.d);
	pdf_text(d, tmp, &S_VALUE);
	pdf_text(d, "支払番号 / Payment number", &S_LABEL);
	pdf_text(d, p->number, &S_VALUE);
	pdf_text(d, "整理番号 / Reference", &S_LABEL);
	pdf_text(d, p->reference, &S_VALUE);
	pdf_space(d, 6);
	pdf_bars(d, SLIP_QUIET_MM * 72.0 / 25.4, bars, nbars, SLIP_MODULE_MM, SLIP_HEIGHT_MM);
	pdf_space(d, 2);
	payments_barcode_human(tmp, sizeof tmp, p->barcode);
	pdf_text(d, tmp, &S_HUMAN);
	pdf_text(d, "この払込票はコンビニエンスストアのレジでお支払いください。支払期限を過ぎると使えません。"
		 "1枚30万円までです。領収書は大切に保管してください。", &S_NOTE);
	pdf_text(d, "Pay this slip at the till of a convenience store before the date above. "
		 "Keep the receipt the store gives you.", &S_NOTE);
	rc = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return rc;
}
