/*
 * page_card.c -- card payments through a payment service provider.  Until
 * the provider adapter lands (card.c), no provider is configured and the
 * card method is not offered.
 */
#include "web/app.h"
#include "svc/payments/web/payments_web.h"

int page_pay_card_enabled(struct http_req *r)
{
	(void)r;
	return 0;
}

int page_pay_card_start(struct http_req *r, const struct payment *p)
{
	(void)p;
	return app_send_error(r, ERR_UNAVAILABLE, "pay.error.failed", "card: no provider configured");
}
