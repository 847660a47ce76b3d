/*
 * payments.c -- payments and their states: created by a service
 * (idempotent by its key), a method chosen, money received, failed,
 * expired, refunded by two members of staff; lists and history.
 *
 * Every change of state is one conditional UPDATE (... WHERE state IN
 * (the states it may come from)), its history line and its audit record,
 * in one transaction: two changes at once (a webhook and the payer's
 * return, two imports) cannot both apply, and no change goes unrecorded.
 *
 * Numbers: PAY_NUMBER_LEN digits, random (libsodium), the last the Luhn
 * check digit of the others; unique per municipality (a clash draws again).
 */
#include "svc/payments/payments.h"
#include "svc/payments/payments_int.h"
#include "svc/notify/notify.h"
#include "store/store.h"
#include "core/audit/audit.h"
#include "jp/date.h"
#include "jp/text.h"
#include "jp/checkdigit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[PAY_STATE_COUNT_] = {
	"created", "pending", "paid", "failed", "expired", "refunded",
};
static const char *const method_names[PAY_M_COUNT_] = {
	"", "card", "payeasy", "konbini", "counter",
};
static const char *const outcome_names[] = { "applied", "duplicate", "unknown", "amount", "settled" };

const char *payments_state_name(enum pay_state st)
{
	return (unsigned)st < PAY_STATE_COUNT_ ? state_names[st] : "?";
}

const char *payments_method_name(enum pay_method m)
{
	return (unsigned)m < PAY_M_COUNT_ ? method_names[m] : "";
}

enum pay_method payments_method_of(const char *name)
{
	for (int i = 1; name && i < PAY_M_COUNT_; i++)
		if (strcmp(name, method_names[i]) == 0)
			return (enum pay_method)i;
	return PAY_M_NONE;
}

const char *payments_outcome_name(enum pay_outcome o)
{
	return (unsigned)o < sizeof outcome_names / sizeof outcome_names[0] ? outcome_names[o] : "?";
}

static enum pay_state state_of(const char *s)
{
	for (int i = 0; s && i < PAY_STATE_COUNT_; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum pay_state)i;
	return PAY_CREATED;
}

static enum pay_outcome outcome_of(const char *s)
{
	for (size_t i = 0; s && i < sizeof outcome_names / sizeof outcome_names[0]; i++)
		if (strcmp(s, outcome_names[i]) == 0)
			return (enum pay_outcome)i;
	return PAY_O_UNKNOWN;
}

/* ---- checks ---- */

int pay_text_ok(const char *s, size_t max_chars, int allow_newline)
{
	if (!s)
		return 0;
	size_t len = strlen(s), bad;
	if (len > max_chars * 4)
		return 0;
	struct err e;
	if (jp_text_utf8_validate(&bad, s, len, &e))
		return 0;
	size_t chars = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) != 0x80)
			chars++;
		if ((c < 0x20 && !(allow_newline && (c == '\n' || c == '\r'))) || c == 0x7F)
			return 0;
	}
	return chars <= max_chars;
}

static int charset_ok(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (extra && c && strchr(extra, c))))
			return 0;
	}
	return 1;
}

int pay_digits_ok(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int payments_number_ok(const char *s)
{
	return pay_digits_ok(s, PAY_NUMBER_LEN) &&
	       jp_luhn_digit(s, PAY_NUMBER_LEN - 1) == s[PAY_NUMBER_LEN - 1] - '0';
}

static void number_draw(char out[PAY_NUMBER_LEN + 1])
{
	for (int i = 0; i < PAY_NUMBER_LEN - 1; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	if (out[0] == '0')   /* printed numbers never start with 0 */
		out[0] = (char)('1' + randombytes_uniform(9));
	out[PAY_NUMBER_LEN - 1] = (char)('0' + jp_luhn_digit(out, PAY_NUMBER_LEN - 1));
	out[PAY_NUMBER_LEN] = 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* ---- rows ---- */

#define PAY_COLS "id, number, service, pkey, reference, description, return_url, amount_yen," \
	" account, state, method, due_day, created_at, updated_at, paid_at, paid_yen, paid_via," \
	" barcode, payeasy_biller, payeasy_confirm, provider_ref, refund_reason, refund_by," \
	" refund_approved_by, refunded_at, refund_yen"

static void row_read(struct payment *p, struct store_rows *r)
{
	memset(p, 0, sizeof *p);
	p->id = store_col_int(r, 0);
	copy(p->number, sizeof p->number, store_col_text(r, 1));
	copy(p->service, sizeof p->service, store_col_text(r, 2));
	copy(p->key, sizeof p->key, store_col_text(r, 3));
	copy(p->reference, sizeof p->reference, store_col_text(r, 4));
	copy(p->description, sizeof p->description, store_col_text(r, 5));
	copy(p->return_url, sizeof p->return_url, store_col_text(r, 6));
	p->amount_yen = store_col_int(r, 7);
	p->account = store_col_int(r, 8);
	p->state = state_of(store_col_text(r, 9));
	p->method = payments_method_of(store_col_text(r, 10));
	p->due_day = (long)store_col_int(r, 11);
	p->created_at = store_col_int(r, 12);
	p->updated_at = store_col_int(r, 13);
	p->paid_at = store_col_int(r, 14);
	p->paid_yen = store_col_int(r, 15);
	copy(p->paid_via, sizeof p->paid_via, store_col_text(r, 16));
	copy(p->barcode, sizeof p->barcode, store_col_text(r, 17));
	copy(p->payeasy_biller, sizeof p->payeasy_biller, store_col_text(r, 18));
	copy(p->payeasy_confirm, sizeof p->payeasy_confirm, store_col_text(r, 19));
	copy(p->provider_ref, sizeof p->provider_ref, store_col_text(r, 20));
	copy(p->refund_reason, sizeof p->refund_reason, store_col_text(r, 21));
	p->refund_by = store_col_int(r, 22);
	p->refund_approved_by = store_col_int(r, 23);
	p->refunded_at = store_col_int(r, 24);
	p->refund_yen = store_col_int(r, 25);
}

/* one payment by a WHERE on (tenant $1, value $2) */
static int get_where(struct payment *out, struct store *s, const char *tenant, const char *where,
		     const char *value, const char *value2, struct err *e)
{
	char sql[600];
	snprintf(sql, sizeof sql, "SELECT " PAY_COLS " FROM payments WHERE tenant = $1 AND %s", where);
	struct store_val v[] = { sv_text(tenant), sv_text(value), sv_text(value2) };
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, value2 ? 3 : 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc > 0) {
		row_read(out, r);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "payment: no such payment");
	}
	store_rows_free(r);
	return rc;
}

int payments_get(struct payment *out, struct store *s, const char *tenant, const char *number,
		 struct err *e)
{
	if (!payments_number_ok(number))
		return err_set(e, ERR_NOTFOUND, "payment: not a payment number");
	return get_where(out, s, tenant, "number = $2", number, NULL, e);
}

int payments_by_key(struct payment *out, struct store *s, const char *tenant, const char *service,
		    const char *key, struct err *e)
{
	return get_where(out, s, tenant, "service = $2 AND pkey = $3", service, key, e);
}

int payments_by_provider_ref(struct payment *out, struct store *s, const char *tenant,
			     const char *ref, struct err *e)
{
	if (!ref || !*ref || strlen(ref) > PAY_PROVIDER_REF_MAX)
		return err_set(e, ERR_NOTFOUND, "payment: no such provider id");
	return get_where(out, s, tenant, "provider_ref = $2", ref, NULL, e);
}

/* ---- history and audit ---- */

int pay_record(struct store *s, const char *tenant, int64_t payment_id, const char *number,
	       const char *what, const char *detail, int64_t now, const struct pay_actor *who,
	       struct err *e)
{
	const char *actor = who && who->login && *who->login ? who->login : "system";
	int rc = 0;
	if (payment_id > 0) {
		struct store_val v[] = { sv_text(tenant), sv_int(payment_id), sv_int(now), sv_text(what),
					 sv_text(actor), sv_text(detail ? detail : "") };
		rc = store_exec(s, "INSERT INTO payment_events (tenant, payment_id, at, what, actor, detail)"
				" VALUES ($1, $2, $3, $4, $5, $6)", v, 6, e);
		if (rc < 0)
			return rc;
	}
	char action[AUDIT_ACTION_MAX];
	snprintf(action, sizeof action, "payments.%s", what);
	struct audit_record a = {
		.actor_id = who ? who->id : 0,
		.actor_login = who && who->login && *who->login ? who->login : NULL,
		.role = who && who->role && *who->role ? who->role : NULL,
		.action = action,
		.object_type = payment_id > 0 ? "payment" : "payment_receipt",
		.object_id = number,
		.tenant = tenant,
		.source = who && who->source && *who->source ? who->source : NULL,
		.result = AUDIT_R_OK,
	};
	return audit_append(NULL, s, who ? who->audit : NULL, &a, e);
}

int pay_tx_end(struct store *s, int own, int rc, struct err *e)
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

/* ---- create ---- */

static int new_ok(const struct pay_new *n, struct err *e)
{
	if (!charset_ok(n->service, PAY_SERVICE_MAX, "_"))
		return err_set(e, ERR_INVALID, "service: 1..%d of [a-z0-9_]", PAY_SERVICE_MAX);
	if (!charset_ok(n->key, PAY_KEY_MAX, "ABCDEFGHIJKLMNOPQRSTUVWXYZ._:-"))
		return err_set(e, ERR_INVALID, "key: 1..%d of [A-Za-z0-9._:-]", PAY_KEY_MAX);
	if (!charset_ok(n->reference, PAY_REFERENCE_MAX, "ABCDEFGHIJKLMNOPQRSTUVWXYZ._:-/#"))
		return err_set(e, ERR_INVALID, "reference: 1..%d of [A-Za-z0-9._:/#-]", PAY_REFERENCE_MAX);
	if (!n->description || !*n->description || !pay_text_ok(n->description, PAY_DESCRIPTION_MAX, 0))
		return err_set(e, ERR_INVALID, "description: 1..%d characters, one line", PAY_DESCRIPTION_MAX);
	if (n->amount_yen < 1 || n->amount_yen > PAY_AMOUNT_MAX)
		return err_set(e, ERR_INVALID, "amount: 1..%d yen", PAY_AMOUNT_MAX);
	const char *u = n->return_url;
	if (!u || u[0] != '/' || u[1] == '/' || u[1] == '\\' || strlen(u) > PAY_URL_MAX ||
	    !pay_text_ok(u, PAY_URL_MAX, 0) || strpbrk(u, " \"<>\\"))
		return err_set(e, ERR_INVALID, "return_url: a local path of at most %d bytes", PAY_URL_MAX);
	if (n->account < 0)
		return err_set(e, ERR_INVALID, "account: negative");
	return 0;
}

int payments_create(struct payment *out, int *created, struct store *s, const char *tenant,
		    const struct pay_new *n, int64_t now, const struct pay_actor *who,
		    struct err *e)
{
	*created = 0;
	int rc = new_ok(n, e);
	if (rc)
		return rc;
	long today = jp_date_to_days(jp_jst_date(now));
	long due = n->due_day ? n->due_day : today + PAY_DUE_DAYS_DEFAULT;
	if (due < today || due > today + PAY_DUE_DAYS_MAX)
		return err_set(e, ERR_INVALID, "due day: today .. %d days ahead", PAY_DUE_DAYS_MAX);
	int own = !store_in_tx(s);
	if (own && (rc = store_begin(s, e)))
		return rc;
	rc = payments_by_key(out, s, tenant, n->service, n->key, e);
	if (rc == 0) {   /* the same key again: the same payment, if it is the same ask */
		if (out->amount_yen != n->amount_yen || strcmp(out->reference, n->reference) != 0 ||
		    out->account != n->account)
			rc = err_set(e, ERR_CONFLICT, "payment: key used for another amount or reference");
		return pay_tx_end(s, own, rc, e);
	}
	if (rc != ERR_NOTFOUND)
		return pay_tx_end(s, own, rc, e);
	char number[PAY_NUMBER_LEN + 1];
	for (int tries = 0; tries < 5; tries++) {
		number_draw(number);
		int64_t clash = 0;
		struct store_val v[] = { sv_text(tenant), sv_text(number) };
		rc = store_query_int(&clash, s, "SELECT count(*) FROM payments WHERE tenant = $1 AND number = $2",
				     v, 2, e);
		if (rc || clash == 0)
			break;
		rc = err_set(e, ERR_CONFLICT, "payment: no free number");
	}
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_text(number), sv_text(n->service), sv_text(n->key),
					 sv_text(n->reference), sv_text(n->description), sv_text(n->return_url),
					 sv_int(n->amount_yen), sv_int(n->account), sv_int(due), sv_int(now) };
		rc = store_exec(s, "INSERT INTO payments (tenant, number, service, pkey, reference, description,"
				" return_url, amount_yen, account, state, due_day, created_at, updated_at)"
				" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'created', $10, $11, $11)", v, 11, e);
		if (rc == ERR_CONFLICT && own) {
			/* the same key made at the same moment by another request
			 * (PostgreSQL: both found none): that one is the payment */
			store_rollback(s);
			if ((rc = store_begin(s, e)))
				return rc;
			rc = payments_by_key(out, s, tenant, n->service, n->key, e);
			if (rc == 0 && (out->amount_yen != n->amount_yen || strcmp(out->reference, n->reference) != 0 ||
					out->account != n->account))
				rc = err_set(e, ERR_CONFLICT, "payment: key used for another amount or reference");
			return pay_tx_end(s, own, rc, e);
		}
	}
	if (rc >= 0)
		rc = payments_get(out, s, tenant, number, e);
	if (rc == 0) {
		char detail[160];
		snprintf(detail, sizeof detail, "%s %lld yen, due %ld", n->service, (long long)n->amount_yen, due);
		rc = pay_record(s, tenant, out->id, number, "created", detail, now, who, e);
	}
	if (rc == 0)
		*created = 1;
	return pay_tx_end(s, own, rc, e);
}

/* ---- choose, fail ---- */

int payments_choose(struct payment *p, struct store *s, const char *tenant, const char *number,
		    enum pay_method m, const struct pay_rails *rails, int64_t now,
		    const struct pay_actor *who, struct err *e)
{
	if (m != PAY_M_CARD && m != PAY_M_PAYEASY && m != PAY_M_KONBINI)
		return err_set(e, ERR_INVALID, "method: card, payeasy or konbini");
	char num[PAY_NUMBER_LEN + 1];   /* number may point into *p */
	copy(num, sizeof num, number);
	number = num;
	memset(p, 0, sizeof *p);
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc == 0)
		rc = payments_get(p, s, tenant, number, e);
	if (rc == 0 && p->state != PAY_CREATED && p->state != PAY_PENDING && p->state != PAY_FAILED)
		rc = err_set(e, ERR_CONFLICT, "payment: %s, no method can be chosen", payments_state_name(p->state));
	if (rc == 0 && jp_date_to_days(jp_jst_date(now)) > p->due_day)
		rc = err_set(e, ERR_CONFLICT, "payment: past its due day");
	if (rc == 0 && m == PAY_M_KONBINI && p->amount_yen > PAY_KONBINI_MAX)
		rc = err_set(e, ERR_INVALID, "konbini: at most %d yen a slip", PAY_KONBINI_MAX);
	char barcode[PAY_BARCODE_LEN + 1], confirm[PAY_PAYEASY_CONFIRM_LEN + 1];
	copy(barcode, sizeof barcode, p->barcode);
	copy(confirm, sizeof confirm, p->payeasy_confirm);
	const char *biller = p->payeasy_biller;
	if (rc == 0 && m == PAY_M_KONBINI && !barcode[0])
		rc = payments_barcode(barcode, rails, p->number, p->due_day, p->amount_yen, e);
	if (rc == 0 && m == PAY_M_PAYEASY && !confirm[0]) {
		if (!pay_digits_ok(rails->payeasy_biller, PAY_PAYEASY_BILLER_LEN))
			rc = err_set(e, ERR_INVALID, "payeasy: no 収納機関番号 configured");
		for (int i = 0; i < PAY_PAYEASY_CONFIRM_LEN; i++)
			confirm[i] = (char)('0' + randombytes_uniform(10));
		confirm[PAY_PAYEASY_CONFIRM_LEN] = 0;
		biller = rails->payeasy_biller;
	}
	if (rc == 0) {
		struct store_val v[] = { sv_int(p->id), sv_text(payments_method_name(m)), sv_text(barcode),
					 sv_text(biller), sv_text(confirm), sv_int(now) };
		rc = store_exec(s, "UPDATE payments SET state = 'pending', method = $2, barcode = $3,"
				" payeasy_biller = $4, payeasy_confirm = $5, updated_at = $6"
				" WHERE id = $1 AND state IN ('created', 'pending', 'failed')", v, 6, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "payment: changed meanwhile");
	}
	if (rc > 0)
		rc = pay_record(s, tenant, p->id, p->number, "pending", payments_method_name(m), now, who, e);
	if (rc == 0)
		rc = payments_get(p, s, tenant, number, e);
	return pay_tx_end(s, own, rc, e);
}

int payments_set_provider_ref(struct store *s, const char *tenant, const char *number,
			      const char *ref, const struct pay_actor *who, struct err *e)
{
	if (!charset_ok(ref, PAY_PROVIDER_REF_MAX, "ABCDEFGHIJKLMNOPQRSTUVWXYZ._:-"))
		return err_set(e, ERR_INVALID, "provider id: 1..%d of [A-Za-z0-9._:-]", PAY_PROVIDER_REF_MAX);
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	struct payment p;
	if (rc == 0)
		rc = payments_get(&p, s, tenant, number, e);
	if (rc == 0) {
		struct store_val v[] = { sv_int(p.id), sv_text(ref) };
		rc = store_exec(s, "UPDATE payments SET provider_ref = $2"
				" WHERE id = $1 AND state = 'pending' AND method = 'card'", v, 2, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "payment: not a pending card payment");
	}
	if (rc > 0)
		rc = pay_record(s, tenant, p.id, p.number, "provider", ref, p.updated_at, who, e);
	return pay_tx_end(s, own, rc, e);
}

int payments_fail(struct store *s, const char *tenant, const char *number, const char *why,
		  int64_t now, const struct pay_actor *who, struct err *e)
{
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	struct payment p;
	if (rc == 0)
		rc = payments_get(&p, s, tenant, number, e);
	if (rc == 0) {
		struct store_val v[] = { sv_int(p.id), sv_int(now) };
		rc = store_exec(s, "UPDATE payments SET state = 'failed', updated_at = $2"
				" WHERE id = $1 AND state = 'pending' AND method = 'card'", v, 2, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "payment: not a pending card payment");
	}
	char detail[120];
	snprintf(detail, sizeof detail, "%.100s", why && pay_text_ok(why, 100, 0) ? why : "");
	if (rc > 0)
		rc = pay_record(s, tenant, p.id, p.number, "failed", detail, now, who, e);
	return pay_tx_end(s, own, rc, e);
}

/* ---- receive ---- */

static int receipt_find(struct payment *p, int *found, struct store *s, const char *tenant,
			const struct pay_receipt *rc_in, struct err *e)
{
	*found = 0;
	int rc;
	if (rc_in->barcode && *rc_in->barcode) {
		rc = get_where(p, s, tenant, "barcode = $2", rc_in->barcode, NULL, e);
		if (rc == 0) {
			*found = 1;
			return 0;
		}
		if (rc != ERR_NOTFOUND)
			return rc;
		/* a slip re-issued or printed elsewhere: its number decides */
		char number[PAY_NUMBER_LEN + 1];
		struct err e2;
		if (payments_barcode_check(rc_in->barcode, NULL, number, &e2) == 0 &&
		    payments_get(p, s, tenant, number, &e2) == 0)
			*found = 1;
		return 0;
	}
	if (rc_in->number && payments_number_ok(rc_in->number)) {
		rc = payments_get(p, s, tenant, rc_in->number, e);
		if (rc == 0)
			*found = 1;
		else if (rc != ERR_NOTFOUND)
			return rc;
	}
	/* Pay-easy: the three numbers name the payment together; a wrong
	 * 確認番号 names none */
	if (*found && rc_in->confirm && p->payeasy_confirm[0] && strcmp(rc_in->confirm, p->payeasy_confirm) != 0)
		*found = 0;
	return 0;
}

int payments_receive(enum pay_outcome *outcome, struct store *s, const char *tenant,
		     const struct pay_receipt *in, int64_t now, const struct pay_actor *who,
		     struct err *e)
{
	if (in->method <= PAY_M_NONE || in->method >= PAY_M_COUNT_)
		return err_set(e, ERR_INVALID, "receipt: no method");
	if (in->amount_yen < 0 || in->amount_yen > 99999999)
		return err_set(e, ERR_INVALID, "receipt: amount out of range");
	if (!in->source || !*in->source || strlen(in->source) > 200 || !pay_text_ok(in->source, 200, 0))
		return err_set(e, ERR_INVALID, "receipt: source");
	if (in->via && !pay_text_ok(in->via, PAY_VIA_MAX, 0))
		return err_set(e, ERR_INVALID, "receipt: via: at most %d characters", PAY_VIA_MAX);
	if (in->barcode && *in->barcode && !pay_digits_ok(in->barcode, PAY_BARCODE_LEN))
		return err_set(e, ERR_INVALID, "receipt: barcode: %d digits", PAY_BARCODE_LEN);
	if (in->number && *in->number && !pay_digits_ok(in->number, PAY_NUMBER_LEN))
		return err_set(e, ERR_INVALID, "receipt: number: %d digits", PAY_NUMBER_LEN);
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	/* heard before (a file line, a provider's event): the same outcome, nothing new */
	char *seen = NULL;
	struct store_val vs[] = { sv_text(tenant), sv_text(in->source) };
	rc = store_query_text(&seen, s, "SELECT outcome FROM payment_receipts WHERE tenant = $1 AND source = $2",
			      vs, 2, e);
	if (rc == 0) {
		*outcome = outcome_of(seen);
		free(seen);
		return pay_tx_end(s, own, 0, e);
	}
	if (rc != ERR_NOTFOUND)
		return pay_tx_end(s, own, rc, e);
	rc = 0;
	/* money taken at the counter is its own settlement: no file follows */
	int final = in->final || in->method == PAY_M_COUNTER;
	struct payment p;
	int found = 0;
	rc = receipt_find(&p, &found, s, tenant, in, e);
	enum pay_outcome o = PAY_O_UNKNOWN;
	if (rc == 0 && found) {
		if (in->amount_yen != p.amount_yen) {
			o = PAY_O_AMOUNT;
		} else if (p.state == PAY_PAID || p.state == PAY_REFUNDED) {
			/* paid already: a second payment, unless this line is the
			 * other half of the one that paid it (a settlement line
			 * after its notice, or a notice after the settlement that
			 * came first) */
			o = PAY_O_DUPLICATE;
			int64_t same = 0, other = 0;
			const char *m = payments_method_name(in->method);
			struct store_val v[] = { sv_text(tenant), sv_int(p.id), sv_int(final), sv_text(m) };
			rc = store_query_int(&same, s, "SELECT count(*) FROM payment_receipts"
					     " WHERE tenant = $1 AND payment_id = $2 AND final = $3 AND method = $4"
					     " AND outcome IN ('applied', 'settled')", v, 4, e);
			struct store_val w[] = { sv_text(tenant), sv_int(p.id), sv_int(!final), sv_text(m) };
			if (rc == 0 && same == 0)
				rc = store_query_int(&other, s, "SELECT count(*) FROM payment_receipts"
						     " WHERE tenant = $1 AND payment_id = $2 AND final = $3 AND method = $4"
						     " AND outcome IN ('applied', 'settled')", w, 4, e);
			if (rc == 0 && same == 0 && other > 0)
				o = PAY_O_SETTLED;
		} else {
			o = PAY_O_APPLIED;
		}
	}
	long paid_day = in->paid_day ? in->paid_day : jp_date_to_days(jp_jst_date(now));
	if (rc == 0 && o == PAY_O_APPLIED) {
		struct store_val v[] = { sv_int(p.id), sv_text(payments_method_name(in->method)), sv_int(now),
					 sv_int(paid_day), sv_int(in->amount_yen), sv_text(in->via ? in->via : "") };
		rc = store_exec(s, "UPDATE payments SET state = 'paid', method = $2, paid_at = $3, paid_day = $4,"
				" paid_yen = $5, paid_via = $6, updated_at = $3"
				" WHERE id = $1 AND state IN ('created', 'pending', 'failed', 'expired')", v, 6, e);
		if (rc == 0) {
			/* paid meanwhile by another way in (a webhook and an import at
			 * once, PostgreSQL): this money is then a second payment */
			struct payment now_p;
			rc = payments_get(&now_p, s, tenant, p.number, e);
			if (rc == 0 && (now_p.state == PAY_PAID || now_p.state == PAY_REFUNDED))
				o = PAY_O_DUPLICATE;
			else if (rc == 0)
				rc = err_set(e, ERR_CONFLICT, "payment: changed meanwhile");
		}
		rc = rc > 0 ? 0 : rc;
	}
	if (rc == 0 && in->must_apply && o != PAY_O_APPLIED)
		rc = err_set(e, ERR_CONFLICT, "receipt: %s, not recorded", payments_outcome_name(o));
	if (rc == 0 && o == PAY_O_APPLIED && (rc = notify_event(s, tenant, "payments.paid", (struct notify_field[]){ { "number", p.number, 0 }, { "service", p.service, 0 }, { "reference", p.reference, 0 }, { "amount_yen", NULL, in->amount_yen } }, 4, now, e)) > 0) rc = 0;   /* webhooks (svc/notify) */
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), found ? sv_int(p.id) : sv_null(),
					 sv_text(payments_method_name(in->method)), sv_int(final),
					 sv_text(found ? p.number : (in->number ? in->number : "")),
					 sv_text(in->barcode ? in->barcode : ""), sv_int(in->amount_yen),
					 sv_int(paid_day), sv_text(in->via ? in->via : ""), sv_text(in->source),
					 sv_text(payments_outcome_name(o)), sv_int(now) };
		rc = store_exec(s, "INSERT INTO payment_receipts (tenant, payment_id, method, final, number, barcode,"
				" amount_yen, paid_day, via, source, outcome, received_at)"
				" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", v, 12, e);
		rc = rc > 0 ? 0 : rc;
	}
	if (rc == 0) {
		char detail[300], what[40];
		snprintf(detail, sizeof detail, "%s %lld yen, %s", payments_method_name(in->method),
			 (long long)in->amount_yen, in->source);
		snprintf(what, sizeof what, "%s", o == PAY_O_APPLIED ? "paid" : o == PAY_O_SETTLED ? "settled"
			 : o == PAY_O_DUPLICATE ? "receipt_duplicate" : o == PAY_O_AMOUNT ? "receipt_amount"
			 : "receipt_unknown");
		rc = pay_record(s, tenant, found ? p.id : 0, found ? p.number : in->source, what, detail, now,
				who, e);
	}
	if (rc == 0)
		*outcome = o;
	return pay_tx_end(s, own, rc, e);
}

/* ---- expire ---- */

int payments_withdraw(struct store *s, const char *tenant, const char *number, const char *why,
		      int64_t now, const struct pay_actor *who, struct err *e)
{
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	struct payment p;
	if (rc == 0)
		rc = payments_get(&p, s, tenant, number, e);
	if (rc == 0 && p.state == PAY_EXPIRED)
		return pay_tx_end(s, own, 0, e);   /* withdrawn or expired before */
	if (rc == 0) {
		struct store_val v[] = { sv_int(p.id), sv_int(now) };
		rc = store_exec(s, "UPDATE payments SET state = 'expired', updated_at = $2"
				" WHERE id = $1 AND state IN ('created', 'pending', 'failed')", v, 2, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "payment: %s, not withdrawn", payments_state_name(p.state));
	}
	char detail[120];
	snprintf(detail, sizeof detail, "%.100s", why && pay_text_ok(why, 100, 0) ? why : "");
	if (rc > 0)
		rc = pay_record(s, tenant, p.id, p.number, "withdrawn", detail, now, who, e);
	return pay_tx_end(s, own, rc, e);
}

int payments_expire_due(struct store *s, int64_t now, const struct pay_actor *who, struct err *e)
{
	long today = jp_date_to_days(jp_jst_date(now));
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	struct store_val v[] = { sv_int(today) };
	struct store_rows *r;
	int n = 0;
	enum { MAX_BATCH = 1000 };
	struct due { int64_t id; char tenant[16]; char number[PAY_NUMBER_LEN + 1]; } *list =
		calloc(MAX_BATCH, sizeof *list);
	if (!list)
		return pay_tx_end(s, own, err_set(e, ERR_NOMEM, "expire"), e);
	rc = store_query(&r, s, "SELECT id, tenant, number FROM payments WHERE state IN ('created', 'pending', 'failed')"
			 " AND due_day < $1 ORDER BY id LIMIT 1000", v, 1, e);
	if (rc == 0) {
		while (n < MAX_BATCH && (rc = store_rows_next(r, e)) > 0) {
			list[n].id = store_col_int(r, 0);
			copy(list[n].tenant, sizeof list[n].tenant, store_col_text(r, 1));
			copy(list[n].number, sizeof list[n].number, store_col_text(r, 2));
			n++;
		}
		store_rows_free(r);
	}
	int done = 0;
	for (int i = 0; rc >= 0 && i < n; i++) {
		struct store_val u[] = { sv_int(list[i].id), sv_int(now) };
		rc = store_exec(s, "UPDATE payments SET state = 'expired', updated_at = $2"
				" WHERE id = $1 AND state IN ('created', 'pending', 'failed')", u, 2, e);
		if (rc > 0) {
			rc = pay_record(s, list[i].tenant, list[i].id, list[i].number, "expired", "", now, who, e);
			done++;
		}
	}
	free(list);
	rc = pay_tx_end(s, own, rc < 0 ? rc : 0, e);
	return rc < 0 ? rc : done;
}

/* ---- refunds ---- */

/* one refund asked for: amount_yen 0 is all that was paid; by is who
 * asked (a member of staff's id, or PAY_REFUND_BY_PAYER) */
static int refund_ask(struct store *s, const char *tenant, const char *number, int64_t amount_yen,
		      const char *reason, int64_t by, int64_t now, const struct pay_actor *who, struct err *e)
{
	if (!reason || !*reason || !pay_text_ok(reason, PAY_REASON_MAX, 1))
		return err_set(e, ERR_INVALID, "reason: 1..%d characters", PAY_REASON_MAX);
	if (amount_yen < 0 || amount_yen > PAY_AMOUNT_MAX)
		return err_set(e, ERR_INVALID, "amount: 1..the paid amount");
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	struct payment p;
	if (rc == 0)
		rc = payments_get(&p, s, tenant, number, e);
	if (rc == 0 && by == PAY_REFUND_BY_PAYER && who && who->id > 0 && who->id != p.account)
		rc = err_set(e, ERR_NOTFOUND, "payment: no such payment");   /* another resident's */
	int64_t yen = amount_yen ? amount_yen : p.paid_yen;
	if (rc == 0 && p.state == PAY_PAID && (yen < 1 || yen > p.paid_yen))
		rc = err_set(e, ERR_INVALID, "amount: 1..the paid amount");
	if (rc == 0) {
		struct store_val v[] = { sv_int(p.id), sv_text(reason), sv_int(by), sv_int(now), sv_int(yen) };
		rc = store_exec(s, "UPDATE payments SET refund_reason = $2, refund_by = $3, updated_at = $4,"
				" refund_yen = $5 WHERE id = $1 AND state = 'paid' AND refund_by = 0", v, 5, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "refund: only a paid payment, once");
	}
	if (rc > 0) {
		char detail[80];
		snprintf(detail, sizeof detail, "%lld yen of %lld%s", (long long)yen, (long long)p.paid_yen,
			 by == PAY_REFUND_BY_PAYER ? ", for the payer" : "");
		rc = pay_record(s, tenant, p.id, p.number, "refund_requested", detail, now, who, e);
	}
	return pay_tx_end(s, own, rc, e);
}

int payments_refund_request(struct store *s, const char *tenant, const char *number,
			    const char *reason, int64_t now, const struct pay_actor *who,
			    struct err *e)
{
	return payments_refund_request_part(s, tenant, number, 0, reason, now, who, e);
}

int payments_refund_request_part(struct store *s, const char *tenant, const char *number,
				 int64_t amount_yen, const char *reason, int64_t now,
				 const struct pay_actor *who, struct err *e)
{
	if (!who || who->id <= 0)
		return err_set(e, ERR_DENIED, "refund: a member of staff asks");
	return refund_ask(s, tenant, number, amount_yen, reason, who->id, now, who, e);
}

int payments_refund_request_payer(struct store *s, const char *tenant, const char *number,
				  int64_t amount_yen, const char *reason, int64_t now,
				  const struct pay_actor *who, struct err *e)
{
	if (amount_yen < 1)
		return err_set(e, ERR_INVALID, "amount: 1..the paid amount");
	return refund_ask(s, tenant, number, amount_yen, reason, PAY_REFUND_BY_PAYER, now, who, e);
}

int payments_refund_approve(struct store *s, const char *tenant, const char *number,
			    int64_t now, const struct pay_actor *who, struct err *e)
{
	if (!who || who->id <= 0)
		return err_set(e, ERR_DENIED, "refund: a member of staff approves");
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	struct payment p;
	if (rc == 0)
		rc = payments_get(&p, s, tenant, number, e);
	if (rc == 0 && (p.state != PAY_PAID || p.refund_by == 0))
		rc = err_set(e, ERR_CONFLICT, "refund: nothing asked for");
	if (rc == 0 && p.refund_by == who->id)
		rc = err_set(e, ERR_CONFLICT, "refund: approved by another member of staff than the one who asked");
	if (rc == 0) {
		long today = jp_date_to_days(jp_jst_date(now));
		struct store_val v[] = { sv_int(p.id), sv_int(who->id), sv_int(now), sv_int(today),
					 sv_int(p.refund_by) };
		rc = store_exec(s, "UPDATE payments SET state = 'refunded', refund_approved_by = $2,"
				" refunded_at = $3, refunded_day = $4, updated_at = $3"
				" WHERE id = $1 AND state = 'paid' AND refund_by = $5"
				" AND (refund_approved_by = 0 OR refund_approved_by = $2)", v, 5, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "payment: changed meanwhile");
	}
	if (rc > 0) {
		char detail[60];
		snprintf(detail, sizeof detail, "%lld yen", (long long)(p.refund_yen > 0 ? p.refund_yen : p.paid_yen));
		rc = pay_record(s, tenant, p.id, p.number, "refunded", detail, now, who, e);
	}
	return pay_tx_end(s, own, rc, e);
}

int payments_refund_claim(struct store *s, const char *tenant, const char *number, int64_t now,
			  const struct pay_actor *who, struct err *e)
{
	if (!who || who->id <= 0)
		return err_set(e, ERR_DENIED, "refund: a member of staff approves");
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	struct payment p;
	if (rc == 0)
		rc = payments_get(&p, s, tenant, number, e);
	if (rc == 0 && p.refund_by == who->id)
		rc = err_set(e, ERR_CONFLICT, "refund: approved by another member of staff than the one who asked");
	if (rc == 0) {
		struct store_val v[] = { sv_int(p.id), sv_int(who->id), sv_int(now) };
		rc = store_exec(s, "UPDATE payments SET refund_approved_by = $2, updated_at = $3"
				" WHERE id = $1 AND state = 'paid' AND refund_by <> 0 AND refund_by <> $2"
				" AND (refund_approved_by = 0 OR refund_approved_by = $2)", v, 3, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "refund: being approved by someone else, or nothing asked for");
	}
	if (rc > 0)
		rc = pay_record(s, tenant, p.id, p.number, "refund_approving", "", now, who, e);
	return pay_tx_end(s, own, rc, e);
}

int payments_refund_unclaim(struct store *s, const char *tenant, const char *number,
			    const struct pay_actor *who, struct err *e)
{
	if (!who || who->id <= 0)
		return err_set(e, ERR_DENIED, "refund: a member of staff");
	struct store_val v[] = { sv_text(tenant), sv_text(number), sv_int(who->id) };
	int rc = store_exec(s, "UPDATE payments SET refund_approved_by = 0 WHERE tenant = $1 AND number = $2"
			    " AND state = 'paid' AND refund_approved_by = $3", v, 3, e);
	return rc < 0 ? rc : 0;
}

/* ---- lists ---- */

static void filter_sql(char *sql, size_t cap, const char *head, const struct pay_filter *f,
		       struct store_val *v, int *nv, int paged)
{
	int n = 0;
	v[n++] = sv_text(f->tenant);
	size_t len = (size_t)snprintf(sql, cap, "%s WHERE tenant = $1", head);
	if (f->state >= 0 && f->state < PAY_STATE_COUNT_) {
		v[n++] = sv_text(state_names[f->state]);
		len += (size_t)snprintf(sql + len, cap - len, " AND state = $%d", n);
	}
	if (f->method > 0 && f->method < PAY_M_COUNT_) {
		v[n++] = sv_text(method_names[f->method]);
		len += (size_t)snprintf(sql + len, cap - len, " AND method = $%d", n);
	}
	if (f->service && *f->service) {
		v[n++] = sv_text(f->service);
		len += (size_t)snprintf(sql + len, cap - len, " AND service = $%d", n);
	}
	if (f->refund_asked)
		len += (size_t)snprintf(sql + len, cap - len, " AND state = 'paid' AND refund_by <> 0");
	if (f->q && *f->q) {
		v[n++] = sv_text(f->q);
		len += (size_t)snprintf(sql + len, cap - len,
					" AND (number = $%d OR substr(reference, 1, length($%d)) = $%d)", n, n, n);
	}
	if (paged) {
		v[n++] = sv_int(f->limit > 0 && f->limit <= 500 ? f->limit : 50);
		v[n++] = sv_int(f->offset > 0 ? f->offset : 0);
		snprintf(sql + len, cap - len, " ORDER BY id DESC LIMIT $%d OFFSET $%d", n - 1, n);
	}
	*nv = n;
}

int payments_list(struct store *s, const struct pay_filter *f,
		  int (*each)(void *arg, const struct payment *p), void *arg, struct err *e)
{
	char sql[1024];
	struct store_val v[8];
	int nv;
	filter_sql(sql, sizeof sql, "SELECT " PAY_COLS " FROM payments", f, v, &nv, 1);
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, nv, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) > 0) {
		struct payment p;
		row_read(&p, r);
		if ((rc = each(arg, &p)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int payments_count(int64_t *n, struct store *s, const struct pay_filter *f, struct err *e)
{
	char sql[1024];
	struct store_val v[8];
	int nv;
	filter_sql(sql, sizeof sql, "SELECT count(*) FROM payments", f, v, &nv, 0);
	return store_query_int(n, s, sql, v, nv, e);
}

int payments_events(struct store *s, const char *tenant, const char *number,
		    int (*each)(void *arg, const struct pay_event *ev), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(number) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT ev.at, ev.what, ev.actor, ev.detail FROM payment_events ev"
			     " JOIN payments p ON p.id = ev.payment_id"
			     " WHERE p.tenant = $1 AND p.number = $2 ORDER BY ev.id", v, 2, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) > 0) {
		struct pay_event ev = { store_col_int(r, 0), store_col_text(r, 1), store_col_text(r, 2),
					store_col_text(r, 3) };
		if ((rc = each(arg, &ev)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* ---- the daily statement ---- */

static int sum2(int64_t *n, int64_t *yen, struct store *s, const char *sql, const char *tenant,
		enum pay_method m, long day, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(payments_method_name(m)), sv_int(day) };
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, 3, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc > 0) {
		*n = store_col_int(r, 0);
		*yen = store_col_isnull(r, 1) ? 0 : store_col_int(r, 1);
		rc = 0;
	}
	store_rows_free(r);
	return rc;
}

#define MISSING_WHERE " FROM payments p WHERE p.tenant = $1 AND p.method = $2 AND p.paid_day = $3" \
	" AND p.state IN ('paid', 'refunded') AND NOT EXISTS (SELECT 1 FROM payment_receipts x" \
	" WHERE x.payment_id = p.id AND x.final = 1 AND x.outcome IN ('applied', 'settled'))"

int payments_statement(struct pay_statement *out, struct store *s, const char *tenant,
		       enum pay_method m, long day, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->day = day;
	out->method = m;
	static const char *const q[] = {
		"SELECT count(*), sum(paid_yen) FROM payments WHERE tenant = $1 AND method = $2"
		" AND paid_day = $3 AND state IN ('paid', 'refunded')",
		"SELECT count(*), sum(amount_yen) FROM payment_receipts WHERE tenant = $1 AND method = $2"
		" AND paid_day = $3 AND final = 0",
		"SELECT count(*), sum(amount_yen) FROM payment_receipts WHERE tenant = $1 AND method = $2"
		" AND paid_day = $3 AND final = 1",
		"SELECT count(*), sum(p.paid_yen) FROM payments p WHERE p.tenant = $1 AND p.method = $2"
		" AND p.paid_day = $3 AND p.state IN ('paid', 'refunded') AND EXISTS (SELECT 1 FROM"
		" payment_receipts x WHERE x.payment_id = p.id AND x.final = 1 AND x.outcome IN ('applied', 'settled'))",
		"SELECT count(*), sum(p.paid_yen)" MISSING_WHERE,
		"SELECT count(*), sum(amount_yen) FROM payment_receipts WHERE tenant = $1 AND method = $2"
		" AND paid_day = $3 AND outcome = 'duplicate'",
		"SELECT count(*), sum(amount_yen) FROM payment_receipts WHERE tenant = $1 AND method = $2"
		" AND paid_day = $3 AND outcome = 'unknown'",
		"SELECT count(*), sum(amount_yen) FROM payment_receipts WHERE tenant = $1 AND method = $2"
		" AND paid_day = $3 AND outcome = 'amount'",
		"SELECT count(*), sum(refund_yen) FROM payments WHERE tenant = $1 AND method = $2"
		" AND refunded_day = $3 AND state = 'refunded'",
	};
	int64_t *dst[][2] = {
		{ &out->expected_n, &out->expected_yen }, { &out->notice_n, &out->notice_yen },
		{ &out->final_n, &out->final_yen }, { &out->settled_n, &out->settled_yen },
		{ &out->missing_n, &out->missing_yen }, { &out->duplicate_n, &out->duplicate_yen },
		{ &out->unknown_n, &out->unknown_yen }, { &out->amount_n, &out->amount_yen },
		{ &out->refunded_n, &out->refunded_yen },
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof q / sizeof q[0]; i++)
		rc = sum2(dst[i][0], dst[i][1], s, q[i], tenant, m, day, e);
	return rc;
}

int payments_receipts(struct store *s, const char *tenant, enum pay_method m, long day,
		      int differences_only,
		      int (*each)(void *arg, const struct pay_receipt_row *rr), void *arg,
		      struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(payments_method_name(m)), sv_int(day) };
	struct store_rows *r;
	int rc = store_query(&r, s, differences_only
			     ? "SELECT x.id, x.method, x.number, x.barcode, x.amount_yen, x.paid_day, x.via, x.source,"
			       " x.outcome, coalesce(p.amount_yen, 0), x.final FROM payment_receipts x"
			       " LEFT JOIN payments p ON p.id = x.payment_id"
			       " WHERE x.tenant = $1 AND x.method = $2 AND x.paid_day = $3"
			       " AND x.outcome IN ('duplicate', 'unknown', 'amount') ORDER BY x.id"
			     : "SELECT x.id, x.method, x.number, x.barcode, x.amount_yen, x.paid_day, x.via, x.source,"
			       " x.outcome, coalesce(p.amount_yen, 0), x.final FROM payment_receipts x"
			       " LEFT JOIN payments p ON p.id = x.payment_id"
			       " WHERE x.tenant = $1 AND x.method = $2 AND x.paid_day = $3 ORDER BY x.id",
			     v, 3, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) > 0) {
		struct pay_receipt_row rr = {
			.id = store_col_int(r, 0),
			.method = payments_method_of(store_col_text(r, 1)),
			.number = store_col_text(r, 2),
			.barcode = store_col_text(r, 3),
			.amount_yen = store_col_int(r, 4),
			.paid_day = (long)store_col_int(r, 5),
			.via = store_col_text(r, 6),
			.source = store_col_text(r, 7),
			.outcome = outcome_of(store_col_text(r, 8)),
			.expected_yen = store_col_int(r, 9),
			.final = (int)store_col_int(r, 10),
		};
		if ((rc = each(arg, &rr)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int payments_missing(struct store *s, const char *tenant, enum pay_method m, long day,
		     int (*each)(void *arg, const struct payment *p), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(payments_method_name(m)), sv_int(day) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT p.id, p.number, p.service, p.pkey, p.reference, p.description,"
			     " p.return_url, p.amount_yen, p.account, p.state, p.method, p.due_day, p.created_at,"
			     " p.updated_at, p.paid_at, p.paid_yen, p.paid_via, p.barcode, p.payeasy_biller,"
			     " p.payeasy_confirm, p.provider_ref, p.refund_reason, p.refund_by,"
			     " p.refund_approved_by, p.refunded_at, p.refund_yen" MISSING_WHERE " ORDER BY p.id", v, 3, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) > 0) {
		struct payment p;
		row_read(&p, r);
		if ((rc = each(arg, &p)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}
