/*
 * card_web.h -- the card method's web side (page_card.c): its serve
 * options, routes, job and the functions the payment page calls.  The
 * service's descriptor (service.c) and route table (routes.c) take them
 * through the macros below, one line at each place:
 *
 *   service.c  options[]:  PAYMENTS_CARD_OPTIONS,
 *              jobs[]:     PAYMENTS_CARD_JOBS,
 *              msgs[]:     #include "svc/payments/web/card_catalog.inc"
 *              init/done:  payments_card_init(a, e) / payments_card_done()
 *   routes.c   the table:  PAYMENTS_CARD_ROUTES,
 *   page_staff.c the refund approval: page_pay_card_refund_wanted (below)
 *
 * Without the three options the card method is off: page_pay_card_enabled
 * is 0, the webhook answers 404 and the payment page offers no card.
 */
#ifndef MADOGUCHI_SVC_PAYMENTS_WEB_CARD_WEB_H
#define MADOGUCHI_SVC_PAYMENTS_WEB_CARD_WEB_H

#include "http/http.h"
#include "svc/payments/payments.h"

struct app;
struct jobs_ctx;

/* payments_card_init -- read --pay-card-url, --pay-card-key-file and
 * --pay-card-webhook-secret-file (all or none); run once at start, before
 * the workers.  payments_card_done wipes the key and the secret. */
int payments_card_init(struct app *a, struct err *e);
void payments_card_done(void);
/* 1 when the card method is configured */
int page_pay_card_enabled(struct http_req *r);

/* page_pay_card_start -- the payer chose card on /pay/{number} (a POST
 * with its CSRF token checked): the payment is set to card (pending), a
 * payment made at the provider, and the answer is a page with the link
 * to the provider's page (not a redirect: the pages' CSP form-action
 * 'self' stops a browser from following a form's redirect to another
 * origin).  Errors: the error page (503 provider unreachable, 409 the
 * payment cannot be paid now, 404 card not configured). */
int page_pay_card_start(struct http_req *r, const struct payment *p);

/* page_pay_card_refund_wanted -- 1 when the refund approval of p (the
 * second member of staff, POST /staff/payments/{number}/refund/approve)
 * is a card refund to make at the provider: card configured, p a paid
 * card payment with a provider id, a refund asked for by someone else.
 * Then page_pay_card_refund_approve answers the request: on the blocking
 * pool the provider's refund (card_refund), then payments_refund_approve;
 * 303 to /staff/payments/{number}, or the error page (409/503 the
 * provider refused or is down: nothing is recorded, the request stays
 * open).  In the approval handler:
 *     if (load(&p, r, &e) == 0 && page_pay_card_refund_wanted(r, &p))
 *             return page_pay_card_refund_approve(r, &p); */
int page_pay_card_refund_wanted(struct http_req *r, const struct payment *p);
int page_pay_card_refund_approve(struct http_req *r, const struct payment *p);

/* GET /pay/{number}/return: the payer came back from the provider */
int page_pay_card_return(struct http_req *r);
/* POST /api/v1/payments/card/webhook: the provider's signed notice */
int api_pay_card_webhook(struct http_req *r);

/* the job payments.card_settle: card payments left open, asked about */
#define PAYMENTS_CARD_SETTLE_EVERY_MS (5 * 60 * 1000)
int payments_card_settle_job(struct jobs_ctx *ctx, void *app, struct err *e);

int payments_card_check_url(const char *v);

extern const struct http_param_spec payments_card_p_number[];

#define PAYMENTS_CARD_ROUTES \
	{ "GET", "/pay/{number}/return", "resident", HTTP_KIND_HTML, 0, \
	  payments_card_p_number, page_pay_card_return, "payments.card.return" }, \
	{ "POST", "/api/v1/payments/card/webhook", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, \
	  HTTP_ROUTE_NO_CSRF, NULL, api_pay_card_webhook, "payments.card.webhook" }

#define PAYMENTS_CARD_OPTIONS \
	{ "pay-card-url", "URL  the card payment provider's API base (with the two files below)", \
	  payments_card_check_url, "--pay-card-url は http(s):// の URL です", \
	  "--pay-card-url must be an http(s):// URL" }, \
	{ "pay-card-key-file", "FILE  the card provider's API key (mode 600)", NULL, NULL, NULL }, \
	{ "pay-card-webhook-secret-file", "FILE  the card provider's webhook secret (mode 600)", \
	  NULL, NULL, NULL }

#define PAYMENTS_CARD_JOBS \
	{ "payments.card_settle", payments_card_settle_job, PAYMENTS_CARD_SETTLE_EVERY_MS }

#endif
