/*
 * page_card.c -- the card method's web side: the start of a card payment
 * (called by the payment page), the payer's return from the provider,
 * the provider's signed webhook and the job that settles card payments
 * left open.  The adapter and its invariants are card.h's; this file
 * only binds them to HTTP.
 *
 *   page_pay_card_start            (from POST /pay/{number}, card chosen)
 *   page_pay_card_refund_approve   (from POST /staff/payments/{number}/refund/
 *                                  approve, a card payment: the provider's
 *                                  refund first, then payments_refund_approve)
 *   GET  /pay/{number}/return      (resident, as /pay/{number}; the
 *                                  payment must be the resident's)
 *                                  the payer is back: ask the provider once
 *                                  when nothing settled it yet, then 303 to
 *                                  /pay/{number}, which shows the state
 *   POST /api/v1/payments/card/webhook
 *                                  no session, no CSRF: the signature is the
 *                                  authentication (Pay-Signature, HMAC-SHA256,
 *                                  5-minute window); 401 when it is absent,
 *                                  malformed, old or forged; an event seen
 *                                  before answers 200 and changes nothing
 *
 * The provider is called on the blocking pool (http_defer), never on an
 * event loop.  The configuration (URL, key, secret) is read once at start
 * (payments_card_init) and only read after.  Nothing here logs a key, a
 * secret, a signature or a body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/url.h"
#include "core/jobs/jobs.h"
#include "svc/payments/card.h"
#include "svc/payments/payments.h"
#include "svc/payments/web/card_web.h"
#include "svc/payments/web/payments_web.h"
#include "web/app.h"
#include "web/params.h"
#include "web/svc.h"

/* read once at start (payments_card_init), before the workers exist;
 * read-only afterwards */
static struct card_config card_cfg;
static int card_on;

int payments_card_check_url(const char *v)
{
	return url_base_ok(v, CARD_URL_MAX);
}

int payments_card_init(struct app *a, struct err *e)
{
	return card_config_load(&card_cfg, &card_on, svc_option(a, "pay-card-url"),
				svc_option(a, "pay-card-key-file"),
				svc_option(a, "pay-card-webhook-secret-file"), e);
}

void payments_card_done(void)
{
	card_config_wipe(&card_cfg);
	card_on = 0;
}

int page_pay_card_enabled(struct http_req *r)
{
	(void)r;
	return card_on;
}

static int v_number(const char *v, size_t n)
{
	return n == PAY_NUMBER_LEN && app_v_digits(v, n) == 0 ? 0 : ERR_INVALID;
}

const struct http_param_spec payments_card_p_number[] = {
	{ "number", HTTP_PATH, PAY_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* what the pool's work needs of the request, copied */
struct card_job {
	char tenant[TENANT_CODE_LEN + 1];
	char number[PAY_NUMBER_LEN + 1];
	char return_url[CARD_URL_MAX + 200];
	struct app_actor actor;
	int64_t now;
	/* out */
	int rc;
	struct err e;
	enum card_settled settled;
	char next_url[CARD_NEXT_URL_MAX + 1];
	struct payment p;
};

static void actor_of(struct pay_actor *who, struct app_thread *t, const struct card_job *j,
		     const char *source)
{
	who->audit = &t->app->audit;
	who->id = j->actor.id;
	who->login = j->actor.login[0] ? j->actor.login : NULL;
	who->role = j->actor.roles[0] ? j->actor.roles : NULL;
	who->source = source ? source : j->actor.source;
}

/* ---- start ---- */

static void start_work(void *arg, void *pool_ctx)
{
	struct card_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct pay_actor who;
	actor_of(&who, t, j, NULL);
	struct card_start st = { .tenant = j->tenant, .return_url = j->return_url, .now = j->now };
	j->rc = card_start(j->next_url, t->store, &card_cfg, &st, &j->p, &who, &j->e);
}

static int start_done(struct http_req *r, void *arg)
{
	struct card_job *j = arg;
	if (j->rc == ERR_CONFLICT || j->rc == ERR_NOTFOUND)
		return app_send_error(r, j->rc == ERR_NOTFOUND ? ERR_NOTFOUND : ERR_CONFLICT,
				      j->rc == ERR_NOTFOUND ? "payments.card.error.not_found"
							    : "payments.card.error.state",
				      arena_printf(r->arena, "card start: %s", j->e.detail));
	if (j->rc)
		return app_send_error(r, ERR_UNAVAILABLE, "payments.card.error.unavailable",
				      arena_printf(r->arena, "card start: %s", j->e.detail));
	struct buf b;
	struct html_page pg;
	app_page_open(&b, &pg, r, T(r, "payments.card.go.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p>", T(r, "payments.card.go.lead"));
	html_printf(&b,
		    "<dl class=\"summary-list\"><div><dt>%s</dt><dd id=\"card-amount\">%s</dd></div>"
		    "<div><dt>%s</dt><dd id=\"card-number\">%s</dd></div></dl>",
		    T(r, "payments.card.go.amount"), pay_web_yen(r, j->p.amount_yen),
		    T(r, "payments.card.go.number"), j->p.number);
	html_printf(&b,
		    "<p><a class=\"button button-start\" id=\"card-go\" href=\"%s\" rel=\"noreferrer\">%s</a></p>",
		    j->next_url, T(r, "payments.card.go.button"));
	html_printf(&b, "<p>%s</p>", T(r, "payments.card.go.note"));
	html_printf(&b, "<p><a href=\"/pay/%s\">%s</a></p>", j->p.number,
		    T(r, "payments.card.go.back"));
	return app_page_send(r, 200, &b, &pg);
}

/* the absolute URL of /pay/{number}/return on this server, as the payer
 * reached it */
static int return_url_of(char *out, size_t cap, struct http_req *r, const char *number)
{
	int n = snprintf(out, cap, "%s://%s%s/pay/%s/return", r->secure ? "https" : "http",
			 http_authority(r), r->base ? r->base : "", number);
	return n > 0 && (size_t)n < cap ? 0 : ERR_LIMIT;
}

int page_pay_card_start(struct http_req *r, const struct payment *p)
{
	if (!card_on)
		return app_send_error(r, ERR_NOTFOUND, "payments.card.error.disabled",
				      "card: not configured");
	struct card_job *j = calloc(1, sizeof *j);
	if (!j)
		return ERR_NOMEM;
	snprintf(j->tenant, sizeof j->tenant, "%s", app_req(r)->tenant.code);
	snprintf(j->number, sizeof j->number, "%s", p->number);
	j->p = *p;
	app_actor_of(&j->actor, r);
	j->now = app_now();
	int rc = return_url_of(j->return_url, sizeof j->return_url, r, p->number);
	if (rc) {
		free(j);
		return app_send_error(r, ERR_INVALID, "payments.card.error.unavailable",
				      "card: return URL too long");
	}
	rc = http_defer(r, start_work, start_done, j, sizeof *j);
	free(j);
	return rc;
}

/* ---- return ---- */

static void refresh_work(void *arg, void *pool_ctx)
{
	struct card_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct pay_actor who;
	actor_of(&who, t, j, "return");
	j->rc = card_refresh(&j->settled, t->store, &card_cfg, j->tenant, j->number, j->now, &who,
			     &j->e);
}

static int refresh_done(struct http_req *r, void *arg)
{
	struct card_job *j = arg;
	if (j->rc && j->rc != ERR_NOTFOUND)
		log_warn("card: the status query on return failed", "detail", j->e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/pay/%s", j->number));
}

int page_pay_card_return(struct http_req *r)
{
	const char *number = http_param(r, "number");
	if (!payments_number_ok(number))
		return app_send_error(r, ERR_NOTFOUND, "payments.card.error.not_found",
				      "card return: bad number");
	const char *to = arena_printf(r->arena, "/pay/%s", number);
	struct payment p;
	struct err e = { 0 };
	struct app_req *q = app_req(r);
	int rc = payments_get(&p, app_store(r), q->tenant.code, number, &e);
	/* another resident's payment is answered as none (as /pay/{number}) */
	if (rc == 0 && p.account != 0 && p.account != q->ses.account_id)
		rc = ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "payments.card.error.not_found",
				      "card return: no such payment");
	if (rc)
		return app_send_error(r, rc, "payments.card.error.unavailable",
				      arena_printf(r->arena, "card return: %s", e.detail));
	/* settled already (the webhook came first), not a card payment, or
	 * card not configured: nothing to ask */
	if (!card_on || p.state != PAY_PENDING || p.method != PAY_M_CARD || !p.provider_ref[0])
		return http_redirect(r, 303, to);
	struct card_job *j = calloc(1, sizeof *j);
	if (!j)
		return ERR_NOMEM;
	snprintf(j->tenant, sizeof j->tenant, "%s", q->tenant.code);
	snprintf(j->number, sizeof j->number, "%s", number);
	app_actor_of(&j->actor, r);
	j->now = app_now();
	rc = http_defer(r, refresh_work, refresh_done, j, sizeof *j);
	free(j);
	return rc;
}

/* ---- webhook ---- */

int api_pay_card_webhook(struct http_req *r)
{
	if (!card_on)
		return app_send_error(r, ERR_NOTFOUND, "payments.card.error.disabled",
				      "card webhook: not configured");
	size_t len = 0;
	const char *body = http_body(r, &len);
	if (len > CARD_WEBHOOK_BODY_MAX)
		return app_send_error(r, ERR_LIMIT, "payments.card.error.too_large",
				      "card webhook: body too large", CARD_WEBHOOK_BODY_MAX);
	int64_t now = app_now();
	enum card_sig sig = card_signature_verify(card_cfg.secret, card_cfg.secret_len,
						  http_header(r, "pay-signature"), body ? body : "",
						  body ? len : 0, now);
	if (sig != CARD_SIG_OK) {
		log_warn("card webhook: refused", "signature", card_sig_name(sig));
		return app_send_error(r, ERR_AUTH, "payments.card.error.signature",
				      arena_printf(r->arena, "card webhook: signature %s",
						   card_sig_name(sig)));
	}
	struct card_event ev;
	struct err e = { 0 };
	if (card_event_parse(&ev, body, len, &e))
		return app_send_error(r, ERR_INVALID, "payments.card.error.event",
				      arena_printf(r->arena, "card webhook: %s", e.detail));
	struct app_actor a;
	app_actor_of(&a, r);
	char source[CARD_EVENT_ID_MAX + 16];
	snprintf(source, sizeof source, "webhook:%s", ev.event_id);
	struct pay_actor who = { .audit = &app_of(r)->audit, .id = 0, .login = NULL, .role = NULL,
				 .source = source };
	enum card_settled out;
	int rc = card_webhook_apply(&out, app_store(r), app_req(r)->tenant.code, &ev, now, &who,
				    &e);
	if (rc)
		/* not acknowledged: the provider sends it again later */
		return app_send_error(r, rc == ERR_CONFLICT ? ERR_UNAVAILABLE : rc,
				      "payments.card.error.unavailable",
				      arena_printf(r->arena, "card webhook: %s", e.detail));
	if (out == CARD_SETTLED_UNKNOWN)
		log_warn("card webhook: no attempt has this provider id", "event", ev.event_id);
	return http_send_json(r, 200,
			      arena_printf(r->arena, "{\"received\":true,\"outcome\":\"%s\"}",
					   card_settled_name(out)));
}

/* ---- refund ---- */

int page_pay_card_refund_wanted(struct http_req *r, const struct payment *p)
{
	struct app_req *q = app_req(r);
	return card_on && p->method == PAY_M_CARD && p->provider_ref[0] && p->state == PAY_PAID &&
	       p->refund_by != 0 && q->has_session && p->refund_by != q->ses.account_id;
}

static void refund_work(void *arg, void *pool_ctx)
{
	struct card_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct pay_actor who;
	actor_of(&who, t, j, NULL);
	/* the approval taken first (committed): a second approver at the
	 * same moment is refused here, before the provider is asked; then
	 * the provider (idempotent by the payment's number, so a retry by
	 * this approver refunds once); a refund it refuses is not recorded */
	j->rc = payments_refund_claim(t->store, j->tenant, j->number, j->now, &who, &j->e);
	if (j->rc) {
		j->settled = CARD_SETTLED_OPEN;
		return;
	}
	j->rc = card_refund(&card_cfg, &j->p, &j->e);
	if (j->rc) {
		struct err ue;
		if (payments_refund_unclaim(t->store, j->tenant, j->number, &who, &ue))
			log_error("card refund: the approval not given back", "number", j->number, "detail", ue.detail);
		j->settled = CARD_SETTLED_OPEN;      /* the provider refused or is down */
		return;
	}
	j->settled = CARD_SETTLED_NOW;
	j->rc = payments_refund_approve(t->store, j->tenant, j->number, j->now, &who, &j->e);
}

static int refund_done(struct http_req *r, void *arg)
{
	struct card_job *j = arg;
	if (j->rc == 0)
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/payments/%s", j->number));
	if (j->settled == CARD_SETTLED_OPEN)
		return app_send_error(r, j->rc == ERR_UNAVAILABLE ? ERR_UNAVAILABLE : ERR_CONFLICT,
				      "payments.card.staff.refund_refused",
				      arena_printf(r->arena, "card refund: %s", j->e.detail));
	/* refunded at the provider, not recorded here: someone changed the
	 * payment meanwhile.  Staff must see it. */
	log_error("card refund: refunded at the provider but not recorded", "number", j->number,
		  "detail", j->e.detail);
	return app_send_error(r, ERR_CONFLICT, "payments.card.staff.refund_unrecorded",
			      arena_printf(r->arena, "card refund: %s", j->e.detail));
}

int page_pay_card_refund_approve(struct http_req *r, const struct payment *p)
{
	struct card_job *j = calloc(1, sizeof *j);
	if (!j)
		return ERR_NOMEM;
	snprintf(j->tenant, sizeof j->tenant, "%s", app_req(r)->tenant.code);
	snprintf(j->number, sizeof j->number, "%s", p->number);
	j->p = *p;
	app_actor_of(&j->actor, r);
	j->now = app_now();
	int rc = http_defer(r, refund_work, refund_done, j, sizeof *j);
	free(j);
	return rc;
}

/* ---- the job ---- */

int payments_card_settle_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	struct app *a = app;
	if (card_on) {
		struct pay_actor who = { .audit = &a->audit, .id = 0, .login = NULL, .role = NULL,
					 .source = "job" };
		int n = card_settle_stale(ctx->store, &card_cfg, CARD_STALE_S, app_now(), &who, e);
		/* the provider down or refusing the key: said, and asked again at
		 * the next run (failing the job would end the schedule after its
		 * attempts); a database error is retried by the runner */
		if (n == ERR_UNAVAILABLE || n == ERR_DENIED || n == ERR_LIMIT || n == ERR_INVALID) {
			log_warn("payments.card_settle: the provider did not answer", "detail", e->detail);
			err_clear(e);
			n = 0;
		}
		if (n < 0)
			return n;
		char msg[64];
		snprintf(msg, sizeof msg, "settled %d card payments", n);
		jobs_progress(ctx, 100, msg);
		jobs_set_result(ctx, msg);
	}
	return app_job_again(ctx, "payments.card_settle", PAYMENTS_CARD_SETTLE_EVERY_MS, e);
}
