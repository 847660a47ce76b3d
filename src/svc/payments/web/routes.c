/*
 * routes.c -- the URLs of the payments service, next to their handlers
 * (page_pay.c, page_staff.c, page_card.c): method, pattern, permission,
 * kind, declared parameters.  The HTTP layer enforces them before a
 * handler runs.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/payments/payments.h"
#include "svc/payments/web/payments_web.h"

#include <string.h>

static int v_number(const char *v, size_t n)
{
	return n == PAY_NUMBER_LEN && payments_number_ok(v) ? 0 : ERR_INVALID;
}

static int v_word(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(v[i] >= 'a' && v[i] <= 'z'))
			return ERR_INVALID;
	return 0;
}

static int v_enc(const char *v, size_t n)
{
	return (n == 4 && memcmp(v, "utf8", 4) == 0) || (n == 5 && memcmp(v, "cp932", 5) == 0) ? 0 : ERR_INVALID;
}

/* a number or the start of a reference: [A-Za-z0-9._:/#-] */
static int v_q(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
		      strchr("._:/#-", v[i])))
			return ERR_INVALID;
	return 0;
}

static const struct http_param_spec p_number[] = {
	{ "number", HTTP_PATH, PAY_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
/* the method is checked by the page: an error on the form */
static const struct http_param_spec p_pay_post[] = {
	{ "number", HTTP_PATH, PAY_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "method", HTTP_FORM, 10, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_list[] = {
	{ "state", HTTP_QUERY, 10, v_word, 0 },
	{ "method", HTTP_QUERY, 10, v_word, 0 },
	{ "q", HTTP_QUERY, PAY_REFERENCE_MAX, v_q, 0 },
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ "refund", HTTP_QUERY, 10, v_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_counter[] = {
	{ "number", HTTP_PATH, PAY_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "via", HTTP_FORM, 10, v_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_refund[] = {
	{ "number", HTTP_PATH, PAY_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "reason", HTTP_FORM, PAY_REASON_MAX * 4, NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
/* digits only; the domain checks how many */
static int v_digits(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_rails_get[] = {
	{ "saved", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_rails[] = {
	{ "payeasy_biller", HTTP_FORM, 16, v_digits, 0 },
	{ "konbini_biller", HTTP_FORM, 16, v_digits, 0 },
	{ "konbini_agent", HTTP_FORM, 16, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_import[] = {
	{ "kind", HTTP_FORM, 10, v_word, 0 },
	{ "final", HTTP_FORM, 1, app_v_01, 0 },
	{ "file", HTTP_FILE, PAY_FILE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_statement[] = {
	{ "day", HTTP_QUERY, 10, app_v_date, 0 },
	{ "method", HTTP_QUERY, 10, v_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_statement_csv[] = {
	{ "day", HTTP_QUERY, 10, app_v_date, 0 },
	{ "method", HTTP_QUERY, 10, v_word, 0 },
	{ "enc", HTTP_QUERY, 5, v_enc, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

/* card (card.c, page_card.c) */

const struct http_route payments_routes[] = {
	{ "GET", "/pay/{number}", "resident", HTTP_KIND_HTML, 0, p_number, page_pay, "pay.page" },
	{ "POST", "/pay/{number}", "resident", HTTP_KIND_HTML, 0, p_pay_post, page_pay_post, "pay.choose" },
	{ "GET", "/pay/{number}/slip.pdf", "resident", HTTP_KIND_TEXT, 0, p_number, page_pay_slip, "pay.slip" },
	/* staff: literal paths before {number} */
	{ "GET", "/staff/payments", PAY_PERM_STAFF, HTTP_KIND_HTML, 0, p_list, page_staff_payments, "staff.payments" },
	{ "GET", "/staff/payments/import", PAY_PERM_STAFF, HTTP_KIND_HTML, 0, NULL, page_staff_payments_import, "staff.payments.import" },
	{ "POST", "/staff/payments/import", PAY_PERM_STAFF, HTTP_KIND_HTML, 0, p_import, page_staff_payments_import_post, "staff.payments.import.post" },
	{ "GET", "/staff/payments/statement", PAY_PERM_STAFF, HTTP_KIND_HTML, 0, p_statement, page_staff_payments_statement, "staff.payments.statement" },
	{ "GET", "/staff/payments/statement.csv", PAY_PERM_STAFF, HTTP_KIND_TEXT, 0, p_statement_csv, page_staff_payments_statement_csv, "staff.payments.statement.csv" },
	{ "GET", "/staff/payments/rails", PAY_PERM_RAILS, HTTP_KIND_HTML, 0, p_rails_get, page_staff_payments_rails, "staff.payments.rails" },
	{ "POST", "/staff/payments/rails", PAY_PERM_RAILS, HTTP_KIND_HTML, 0, p_rails, page_staff_payments_rails_post, "staff.payments.rails.post" },
	{ "GET", "/staff/payments/{number}", PAY_PERM_STAFF, HTTP_KIND_HTML, 0, p_number, page_staff_payment, "staff.payment" },
	{ "POST", "/staff/payments/{number}/counter", PAY_PERM_STAFF, HTTP_KIND_HTML, 0, p_counter, page_staff_payment_counter, "staff.payment.counter" },
	{ "POST", "/staff/payments/{number}/refund", PAY_PERM_REFUND, HTTP_KIND_HTML, 0, p_refund, page_staff_payment_refund, "staff.payment.refund" },
	{ "POST", "/staff/payments/{number}/refund/approve", PAY_PERM_REFUND, HTTP_KIND_HTML, 0, p_number, page_staff_payment_refund_approve, "staff.payment.refund.approve" },
	/* card (card.c, page_card.c) */
	PAYMENTS_CARD_ROUTES,
	SVC_ROUTES_END,
};
