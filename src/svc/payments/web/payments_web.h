/*
 * payments_web.h -- the payments service's pages and what they share:
 * the resident's fee step (page_pay.c), the staff pages (page_staff.c),
 * the card provider's pages (page_card.c), the service's state (the
 * rails' codes from the serve options).
 */
#ifndef MADOGUCHI_SVC_PAYMENTS_WEB_H
#define MADOGUCHI_SVC_PAYMENTS_WEB_H

#include "svc/payments/payments.h"

struct http_req;
struct http_route;
struct app;
struct jobs_ctx;

/* PAY_PERM_STAFF (payments.h): list, counter, import, statement */
#define PAY_PERM_REFUND "payments.refund"   /* ask for and approve refunds      */
#define PAY_PERM_RAILS "payments.rails"     /* set the municipality's codes      */
#define PAY_DEMO_ROLE "kaikei"
#define PAY_DEMO_COUNTER_ROLE "madoguchi-shuunou"   /* payments.staff: demo-kumin */

/* the service's slot (svc_state): the rails' codes */
struct pay_web {
	struct pay_rails rails;
};

int payments_web_init(void **state, struct app *a, struct err *e);
void payments_web_done(void *state);
/* the rails of the request's server (the --pay-* options) */
const struct pay_rails *payments_web_rails(struct http_req *r);
/* the rails of the request's municipality: its own, else the server's */
int payments_web_rails_of(struct pay_rails *out, int *own, struct http_req *r, struct err *e);
/* the actor of the request, for the domain's audit records */
void payments_web_actor(struct pay_actor *out, struct http_req *r);

extern const struct http_route payments_routes[];

/* texts the pages share (page_pay.c), in the request's language:
 * "1,200円", 「令和8年12月7日（2026-12-07）」, a state, a method */
const char *pay_web_yen(struct http_req *r, int64_t v);
const char *pay_web_day(struct http_req *r, long day);
const char *pay_web_state(struct http_req *r, enum pay_state st);
const char *pay_web_method(struct http_req *r, enum pay_method m);

/* page_pay.c: the resident's fee step */
int page_pay(struct http_req *r);
int page_pay_post(struct http_req *r);
int page_pay_slip(struct http_req *r);

/* page_staff.c */
int page_staff_payments(struct http_req *r);
int page_staff_payment(struct http_req *r);
int page_staff_payment_counter(struct http_req *r);
int page_staff_payment_refund(struct http_req *r);
int page_staff_payment_refund_approve(struct http_req *r);
int page_staff_payments_import(struct http_req *r);
int page_staff_payments_import_post(struct http_req *r);
int page_staff_payments_statement(struct http_req *r);
int page_staff_payments_statement_csv(struct http_req *r);
int page_staff_payments_rails(struct http_req *r);
int page_staff_payments_rails_post(struct http_req *r);

/* the job that expires payments past their due day */
int payments_expire_job(struct jobs_ctx *ctx, void *app, struct err *e);

/* card (card.c, page_card.c) */
/* page_pay_card_enabled -- 1 when a card provider is configured */
int page_pay_card_enabled(struct http_req *r);
/* page_pay_card_start -- p has just become a pending card payment: make
 * it at the provider and send the payer there (a page with the link, not
 * a 303: form-action 'self' blocks a form's redirect to another origin),
 * or answer an error */
int page_pay_card_start(struct http_req *r, const struct payment *p);
/* the rest of the card side: routes, options, job, refunds (card_web.h) */
#include "svc/payments/web/card_web.h"

#endif
