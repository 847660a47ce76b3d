/*
 * page_pay.c -- the resident's fee step (手数料のお支払い).
 *
 * GET  /pay/{number}           what is paid for, the amount, the due day
 *                              and the state; while unpaid, the methods
 *                              (card when a provider is configured,
 *                              Pay-easy, コンビニ up to 30万円) and, once
 *                              one is chosen, its numbers or its slip.
 * POST /pay/{number}           choose a method (card goes on to the
 *                              provider's page, page_card.c).
 * GET  /pay/{number}/slip.pdf  the コンビニ payment slip.
 *
 * Invariants: only the resident the payment was made for sees it (any
 * other number answers as if it did not exist); the page never changes a
 * payment's state but through the domain (payments_choose), which writes
 * its history and audit record.  No JavaScript is needed.
 */
#include "web/app.h"
#include "web/ui.h"
#include "svc/payments/payments.h"
#include "svc/payments/web/payments_web.h"
#include "jp/date.h"
#include "jp/wareki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static int fail(struct http_req *r, int rc, const char *detail)
{
	return app_send_error(r, rc, rc == ERR_NOTFOUND ? "pay.error.not_found" : "pay.error.failed", detail);
}

const char *pay_web_yen(struct http_req *r, int64_t v)
{
	char raw[32], out[48];
	snprintf(raw, sizeof raw, "%lld", (long long)v);
	size_t n = strlen(raw), o = 0;
	for (size_t i = 0; i < n && o + 2 < sizeof out; i++) {
		if (i > 0 && raw[i - 1] != '-' && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = raw[i];
	}
	out[o] = 0;
	return arena_printf(r->arena, T(r, "pay.yen"), out);
}

const char *pay_web_day(struct http_req *r, long day)
{
	struct jp_date d = jp_date_from_days(day);
	char wa[64];
	struct err e;
	if (app_req(r)->lang == HTML_EN || jp_wareki_format(wa, sizeof wa, d, JP_WAREKI_KANJI, 0, &e))
		return arena_printf(r->arena, "%04d-%02d-%02d", d.y, d.m, d.d);
	return arena_printf(r->arena, "%s（%04d-%02d-%02d）", wa, d.y, d.m, d.d);
}

const char *pay_web_state(struct http_req *r, enum pay_state st)
{
	return T(r, arena_printf(r->arena, "pay.state.%s", payments_state_name(st)));
}

const char *pay_web_method(struct http_req *r, enum pay_method m)
{
	return m == PAY_M_NONE ? "—" : T(r, arena_printf(r->arena, "pay.method.%s", payments_method_name(m)));
}

/* the payment of the path's number when it is the resident's */
static int load_own(struct payment *p, struct http_req *r, struct err *e)
{
	struct app_req *q = app_req(r);
	int rc = payments_get(p, app_store(r), q->tenant.code, http_param(r, "number"), e);
	if (rc == 0 && p->account != 0 && p->account != q->ses.account_id)
		rc = err_set(e, ERR_NOTFOUND, "payment: not the resident's");
	return rc;
}

static void summary(struct buf *b, struct http_req *r, const struct payment *p)
{
	html_printf(b, "<dl class=\"summary-list\" id=\"pay-summary\">"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd id=\"pay-amount\">%s</dd></div>"
		    "<div><dt>%s</dt><dd id=\"pay-number\">%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd id=\"pay-state\">%s</dd></div></dl>",
		    T(r, "pay.for"), p->description, T(r, "pay.amount"), pay_web_yen(r, p->amount_yen),
		    T(r, "pay.number"), p->number, T(r, "pay.due"), pay_web_day(r, p->due_day),
		    T(r, "pay.state"), pay_web_state(r, p->state));
}

static void numbers(struct buf *b, struct http_req *r, const struct payment *p)
{
	if (p->state != PAY_PENDING)
		return;
	if (p->method == PAY_M_KONBINI) {
		char human[80];
		payments_barcode_human(human, sizeof human, p->barcode);
		html_printf(b, "<section id=\"pay-konbini\" aria-labelledby=\"pay-konbini-h\">"
			    "<h2 id=\"pay-konbini-h\">%s</h2><p>%s</p>"
			    "<p><a class=\"button\" id=\"pay-slip\" href=\"/pay/%s/slip.pdf\">%s</a></p>"
			    "<p class=\"hint\">%s <span lang=\"en\" class=\"verbatim\">%s</span></p></section>",
			    T(r, "pay.konbini.title"), T(r, "pay.konbini.lead"), p->number, T(r, "pay.konbini.slip"),
			    T(r, "pay.konbini.barcode"), human);
	} else if (p->method == PAY_M_PAYEASY) {
		html_printf(b, "<section id=\"pay-payeasy\" aria-labelledby=\"pay-payeasy-h\">"
			    "<h2 id=\"pay-payeasy-h\">%s</h2><p>%s</p><dl class=\"summary-list\">"
			    "<div><dt>%s</dt><dd id=\"payeasy-biller\">%s</dd></div>"
			    "<div><dt>%s</dt><dd id=\"payeasy-customer\">%s</dd></div>"
			    "<div><dt>%s</dt><dd id=\"payeasy-confirm\">%s</dd></div></dl></section>",
			    T(r, "pay.payeasy.title"), T(r, "pay.payeasy.lead"), T(r, "pay.payeasy.biller"),
			    p->payeasy_biller, T(r, "pay.payeasy.customer"), p->number, T(r, "pay.payeasy.confirm"),
			    p->payeasy_confirm);
	} else if (p->method == PAY_M_CARD) {
		html_printf(b, "<p id=\"pay-card-waiting\" class=\"notice\">%s</p>", T(r, "pay.card.waiting"));
	}
}

static void choose_form(struct buf *b, struct http_req *r, const struct payment *p, const char *error)
{
	struct app_req *q = app_req(r);
	struct ui_choice c[3];
	int n = 0;
	if (page_pay_card_enabled(r))
		c[n++] = (struct ui_choice){ "card", T(r, "pay.method.card.choice"), p->method == PAY_M_CARD };
	c[n++] = (struct ui_choice){ "payeasy", T(r, "pay.method.payeasy.choice"), p->method == PAY_M_PAYEASY };
	if (p->amount_yen <= PAY_KONBINI_MAX)
		c[n++] = (struct ui_choice){ "konbini", T(r, "pay.method.konbini.choice"), p->method == PAY_M_KONBINI };
	html_printf(b, "<form method=\"post\" action=\"/pay/%s\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", p->number, q->csrf);
	struct ui_field f = { .name = "method", .id = "f-method",
			      .label = T(r, p->state == PAY_PENDING ? "pay.method.change" : "pay.method.label"),
			      .required = 1, .error = error, .lang = q->lang };
	ui_fieldset_open(b, &f);
	ui_options(b, "radio", "f-method", "method", c, n, 0);
	ui_fieldset_close(b);
	html_printf(b, "<button type=\"submit\" class=\"button\" id=\"pay-go\">%s</button></form>",
		    T(r, p->state == PAY_PENDING ? "pay.method.change.submit" : "pay.method.submit"));
}

static int render(struct http_req *r, int status, const struct payment *p, const char *error)
{
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "pay.title"), error ? "f-method" : NULL, error);
	http_set_header(r, "cache-control", "no-store");
	summary(&b, r, p);
	switch (p->state) {
	case PAY_PAID: {
		struct jp_date d = jp_jst_date(p->paid_at);
		html_printf(&b, "<div class=\"notice success\" id=\"pay-done\" role=\"status\"><p>%s</p><p>%s %s</p></div>",
			    T(r, "pay.paid"), pay_web_day(r, jp_date_to_days(d)), pay_web_method(r, p->method));
		break;
	}
	case PAY_EXPIRED:
		html_printf(&b, "<p class=\"notice\" id=\"pay-expired\">%s</p>", T(r, "pay.expired"));
		break;
	case PAY_REFUNDED:
		html_printf(&b, "<p class=\"notice\" id=\"pay-refunded\">%s</p>", T(r, "pay.refunded"));
		break;
	case PAY_FAILED:
		html_printf(&b, "<p class=\"notice\" id=\"pay-failed\">%s</p>", T(r, "pay.failed"));
		/* fall through */
	case PAY_CREATED:
	case PAY_PENDING:
		numbers(&b, r, p);
		choose_form(&b, r, p, error);
		break;
	default:
		break;
	}
	html_printf(&b, "<p><a href=\"%s\" id=\"pay-back\">%s</a></p>", p->return_url, T(r, "pay.back"));
	return app_page_send(r, status, &b, &pg);
}

int page_pay(struct http_req *r)
{
	struct payment p;
	struct err e;
	int rc = load_own(&p, r, &e);
	if (rc)
		return fail(r, rc, e.detail);
	return render(r, 200, &p, NULL);
}

int page_pay_post(struct http_req *r)
{
	struct payment p;
	struct err e;
	int rc = load_own(&p, r, &e);
	if (rc)
		return fail(r, rc, e.detail);
	const char *ms = http_param(r, "method");
	enum pay_method m = payments_method_of(ms);
	if (m == PAY_M_CARD && !page_pay_card_enabled(r))
		m = PAY_M_NONE;
	if (m == PAY_M_NONE || m == PAY_M_COUNTER)
		return render(r, 422, &p, T(r, "pay.error.method"));
	if (m == PAY_M_KONBINI && p.amount_yen > PAY_KONBINI_MAX)
		return render(r, 422, &p, T(r, "pay.error.konbini_max"));
	if (p.state != PAY_CREATED && p.state != PAY_PENDING && p.state != PAY_FAILED)
		return render(r, 409, &p, T(r, "pay.error.state"));
	struct pay_actor who;
	payments_web_actor(&who, r);
	struct pay_rails rails;
	if ((rc = payments_web_rails_of(&rails, NULL, r, &e)))
		return fail(r, rc, e.detail);
	rc = payments_choose(&p, app_store(r), app_req(r)->tenant.code, p.number, m, &rails,
			     app_now(), &who, &e);
	if (rc == ERR_CONFLICT) {
		struct err e2;
		if (load_own(&p, r, &e2) == 0)
			return render(r, 409, &p, T(r, "pay.error.state"));
	}
	if (rc)
		return fail(r, rc, e.detail);
	if (m == PAY_M_CARD)
		return page_pay_card_start(r, &p);
	return http_redirect(r, 303, arena_printf(r->arena, "/pay/%s", p.number));
}

/* ---- the slip ---- */

struct slip_job {
	struct payment p;
	char ward[TENANT_NAME_MAX + 1];
	char *pdf;
	size_t len;
	int rc;
	struct err e;
};

static void slip_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct slip_job *j = arg;
	j->rc = payments_slip_pdf(&j->pdf, &j->len, &j->p, j->ward, &j->e);
}

static void slip_discard(void *arg)
{
	free(((struct slip_job *)arg)->pdf);
}

static int slip_done(struct http_req *r, void *arg)
{
	struct slip_job *j = arg;
	if (j->rc)
		return fail(r, j->rc, j->e.detail);
	if (arena_cleanup_add(r->arena, free, j->pdf)) {
		free(j->pdf);
		return fail(r, ERR_NOMEM, "slip: no memory");
	}
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "inline; filename=\"payment-slip-%s.pdf\"", j->p.number));
	return http_send(r, 200, "application/pdf", j->pdf, j->len);
}

int page_pay_slip(struct http_req *r)
{
	struct slip_job j;
	memset(&j, 0, sizeof j);
	int rc = load_own(&j.p, r, &j.e);
	if (rc)
		return fail(r, rc, j.e.detail);
	if (j.p.state != PAY_PENDING || j.p.method != PAY_M_KONBINI)
		return app_send_error(r, ERR_NOTFOUND, "pay.error.no_slip", "slip: not a pending konbini payment");
	snprintf(j.ward, sizeof j.ward, "%s", app_req(r)->tenant.name_ja);
	if ((rc = http_defer_owned(r, slip_work, slip_done, slip_discard, &j, sizeof j)))
		return fail(r, rc, "slip: cannot defer");
	return 0;
}
