/*
 * page_staff.c -- the staff pages of the payments service (会計・収納).
 *
 * GET  /staff/payments                       payments, by state, method, number;
 *                                            ?refund=asked: refunds to approve
 * GET  /staff/payments/{number}              one payment: its numbers, history,
 *                                            and what staff may do with it
 * POST /staff/payments/{number}/counter      paid at the counter (cash or the
 *                                            ward's terminal)
 * POST /staff/payments/{number}/refund       ask to refund, with a reason
 * POST /staff/payments/{number}/refund/approve  a second member approves
 * GET  /staff/payments/import                the result-file form
 * POST /staff/payments/import                import a コンビニ or Pay-easy file
 * GET  /staff/payments/statement             the daily statement of a method
 * GET  /staff/payments/statement.csv         the same for the finance system
 *                                            (UTF-8 with BOM, or CP932)
 * GET  /staff/payments/rails                 the municipality's codes for the
 * POST /staff/payments/rails                 rails (収納機関番号 ...): shown, set
 *
 * Invariants: every change goes through the domain, which writes the
 * history line and the audit record in its transaction; a page that shows
 * a payment's owner (the account) writes a data.read record; errors are
 * shown on the page in the request's language, their detail goes to the
 * log.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/csv.h"
#include "base/log.h"
#include "base/util.h"
#include "core/audit/audit.h"
#include "jp/cp932.h"
#include "jp/date.h"
#include "svc/payments/payments.h"
#include "svc/payments/web/payments_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_PAGE 50

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static int fail(struct http_req *r, int rc, const char *detail)
{
	return app_send_error(r, rc, rc == ERR_NOTFOUND ? "pay.error.not_found" : "pay.error.failed", detail);
}

static const char *when(struct http_req *r, int64_t t)
{
	if (t <= 0)
		return "—";
	struct jp_date d = jp_jst_date(t);
	int64_t s = (t + 9 * 3600) % 86400;
	return arena_printf(r->arena, "%04d-%02d-%02d %02d:%02d", d.y, d.m, d.d, (int)(s / 3600), (int)(s / 60 % 60));
}

static void actions(struct buf *b, struct http_req *r)
{
	html_printf(b, "<ul class=\"actions\"><li><a href=\"/staff/payments\">%s</a></li>"
		    "<li><a href=\"/staff/payments?refund=asked\" id=\"pay-refunds-link\">%s</a></li>"
		    "<li><a href=\"/staff/payments/import\" id=\"pay-import-link\">%s</a></li>"
		    "<li><a href=\"/staff/payments/statement\" id=\"pay-statement-link\">%s</a></li>"
		    "<li><a href=\"/staff/payments/rails\" id=\"pay-rails-link\">%s</a></li></ul>",
		    T(r, "pay.staff.list"), T(r, "pay.staff.refunds"), T(r, "pay.staff.import"), T(r, "pay.staff.statement"),
		    T(r, "pay.rails.title"));
}

/* ---- the list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
	int n;
};

static int list_row(void *arg, const struct payment *p)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><a href=\"/staff/payments/%s\">%s</a></td><td>%s</td><td>%s</td>"
		    "<td class=\"num\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    p->number, p->number, p->service, p->reference, pay_web_yen(r, p->amount_yen),
		    pay_web_method(r, p->method), pay_web_state(r, p->state), when(r, p->created_at));
	c->n++;
	return 0;
}

int page_staff_payments(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *st = http_param(r, "state"), *me = http_param(r, "method"), *qq = http_param(r, "q");
	const char *pg = http_param(r, "page"), *rf = http_param(r, "refund");
	int page = pg ? atoi(pg) : 1;
	if (page < 1 || page > 10000)
		page = 1;
	struct pay_filter f = { .tenant = q->tenant.code, .state = -1, .method = -1, .q = qq,
				.refund_asked = rf && strcmp(rf, "asked") == 0,
				.offset = (page - 1) * LIST_PAGE, .limit = LIST_PAGE };
	for (int i = 0; st && i < PAY_STATE_COUNT_; i++)
		if (strcmp(st, payments_state_name((enum pay_state)i)) == 0)
			f.state = i;
	if (me && *me)
		f.method = payments_method_of(me);
	struct err e;
	int64_t total = 0;
	int rc = payments_count(&total, app_store(r), &f, &e);
	struct html_page p;
	struct buf b;
	if (rc)
		return fail(r, rc, e.detail);
	app_page_open(&b, &p, r, T(r, "pay.staff.title"), NULL, NULL);
	http_set_header(r, "cache-control", "no-store");
	actions(&b, r);
	/* the filter */
	html_printf(&b, "<form method=\"get\" action=\"/staff/payments\" class=\"filters\" id=\"pay-filter\">");
	struct ui_option so[PAY_STATE_COUNT_], mo[PAY_M_COUNT_ - 1];
	for (int i = 0; i < PAY_STATE_COUNT_; i++)
		so[i] = (struct ui_option){ payments_state_name((enum pay_state)i), pay_web_state(r, (enum pay_state)i) };
	for (int i = 1; i < PAY_M_COUNT_; i++)
		mo[i - 1] = (struct ui_option){ payments_method_name((enum pay_method)i), pay_web_method(r, (enum pay_method)i) };
	ui_select(&b, &(struct ui_field){ .name = "state", .id = "f-state", .label = T(r, "pay.state"), .value = st },
		  so, PAY_STATE_COUNT_, T(r, "pay.staff.any"));
	ui_select(&b, &(struct ui_field){ .name = "method", .id = "f-method", .label = T(r, "pay.method"), .value = me },
		  mo, PAY_M_COUNT_ - 1, T(r, "pay.staff.any"));
	ui_input(&b, &(struct ui_field){ .name = "q", .id = "f-q", .label = T(r, "pay.staff.q"),
					 .hint = T(r, "pay.staff.q.hint"), .value = qq, .maxlength = PAY_REFERENCE_MAX,
					 .verbatim = 1 });
	html_printf(&b, "<button type=\"submit\" class=\"button secondary\">%s</button></form>", T(r, "pay.staff.search"));
	html_printf(&b, "<p id=\"pay-count\">%s</p>", arena_printf(r->arena, T(r, "pay.staff.count"), (long long)total));
	if (total == 0) {
		html_printf(&b, "<p id=\"pay-none\">%s</p>", T(r, "pay.staff.none"));
		return app_page_send(r, 200, &b, &p);
	}
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"pay-cap\" tabindex=\"0\">"
		    "<table id=\"payments\"><caption id=\"pay-cap\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "pay.staff.title"), T(r, "pay.number"), T(r, "pay.service"), T(r, "pay.reference"),
		    T(r, "pay.amount"), T(r, "pay.method"), T(r, "pay.state"), T(r, "pay.created"));
	struct list_ctx c = { r, &b, 0 };
	rc = payments_list(app_store(r), &f, list_row, &c, &e);
	if (rc) {
		buf_done(&b);
		return fail(r, rc, e.detail);
	}
	html_printf(&b, "</tbody></table></div>");
	struct ui_pager pgr = { .path = "/staff/payments", .page = page, .per_page = LIST_PAGE, .total = total,
				.pairs = (const char *[]){ "state", st, "method", me, "q", qq, "refund", rf, NULL } };
	ui_pager(&b, r->arena, q->lang, &pgr);
	return app_page_send(r, 200, &b, &p);
}

/* ---- one payment ---- */

struct ev_ctx {
	struct http_req *r;
	struct buf *b;
};

static int ev_row(void *arg, const struct pay_event *ev)
{
	struct ev_ctx *c = arg;
	html_printf(c->b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", when(c->r, ev->at),
		    T(c->r, arena_printf(c->r->arena, "pay.ev.%s", ev->what)), ev->actor, ev->detail);
	return 0;
}

static int may(struct http_req *r, const char *perm)
{
	return app_staff_holds(r, perm);
}

static int render_payment(struct http_req *r, int status, const struct payment *p, const char *error,
			  const char *error_id)
{
	struct app_req *q = app_req(r);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, arena_printf(r->arena, T(r, "pay.staff.one"), p->number), error_id, error);
	http_set_header(r, "cache-control", "no-store");
	actions(&b, r);
	html_printf(&b, "<dl class=\"summary-list\" id=\"pay-detail\">"
		    "<div><dt>%s</dt><dd id=\"pay-state\">%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div><div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div><div><dt>%s</dt><dd id=\"pay-amount\">%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div><div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd id=\"pay-method\">%s</dd></div>",
		    T(r, "pay.state"), pay_web_state(r, p->state), T(r, "pay.service"), p->service,
		    T(r, "pay.reference"), p->reference, T(r, "pay.for"), p->description,
		    T(r, "pay.amount"), pay_web_yen(r, p->amount_yen), T(r, "pay.due"), pay_web_day(r, p->due_day),
		    T(r, "pay.account"), p->account ? arena_printf(r->arena, "%lld", (long long)p->account) : "—",
		    T(r, "pay.method"), pay_web_method(r, p->method));
	if (p->barcode[0]) {
		char human[80];
		payments_barcode_human(human, sizeof human, p->barcode);
		html_printf(&b, "<div><dt>%s</dt><dd class=\"verbatim\">%s</dd></div>", T(r, "pay.konbini.barcode"), human);
	}
	if (p->payeasy_confirm[0])
		html_printf(&b, "<div><dt>%s</dt><dd>%s / %s / %s</dd></div>", T(r, "pay.payeasy.numbers"),
			    p->payeasy_biller, p->number, p->payeasy_confirm);
	if (p->provider_ref[0])
		html_printf(&b, "<div><dt>%s</dt><dd class=\"verbatim\">%s</dd></div>", T(r, "pay.provider_ref"),
			    p->provider_ref);
	if (p->state == PAY_PAID || p->state == PAY_REFUNDED)
		html_printf(&b, "<div><dt>%s</dt><dd id=\"pay-paid\">%s %s %s</dd></div>", T(r, "pay.paid_at"),
			    when(r, p->paid_at), pay_web_yen(r, p->paid_yen), p->paid_via);
	html_printf(&b, "</dl>");
	/* what staff may do */
	if (p->state == PAY_CREATED || p->state == PAY_PENDING || p->state == PAY_FAILED || p->state == PAY_EXPIRED) {
		html_printf(&b, "<section aria-labelledby=\"counter-h\"><h2 id=\"counter-h\">%s</h2><p>%s</p>"
			    "<form method=\"post\" action=\"/staff/payments/%s/counter\" novalidate>"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			    T(r, "pay.counter.title"), T(r, "pay.counter.lead"), p->number, q->csrf);
		struct ui_choice c[] = { { "cash", T(r, "pay.counter.cash"), 1 }, { "terminal", T(r, "pay.counter.terminal"), 0 } };
		ui_fieldset_open(&b, &(struct ui_field){ .id = "f-via", .label = T(r, "pay.counter.via"), .required = 1,
							 .lang = q->lang });
		ui_options(&b, "radio", "f-via", "via", c, 2, 1);
		ui_fieldset_close(&b);
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"counter-go\">%s</button></form></section>",
			    arena_printf(r->arena, T(r, "pay.counter.submit"), pay_web_yen(r, p->amount_yen)));
	}
	if (p->state == PAY_PAID && may(r, PAY_PERM_REFUND)) {
		html_printf(&b, "<section aria-labelledby=\"refund-h\"><h2 id=\"refund-h\">%s</h2>", T(r, "pay.refund.title"));
		if (!p->refund_by) {
			html_printf(&b, "<p>%s</p><form method=\"post\" action=\"/staff/payments/%s/refund\" novalidate>"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
				    T(r, "pay.refund.lead"), p->number, q->csrf);
			ui_textarea(&b, &(struct ui_field){ .name = "reason", .id = "f-reason", .label = T(r, "pay.refund.reason"),
							    .hint = T(r, "pay.refund.reason.hint"), .required = 1,
							    .error = error_id && strcmp(error_id, "f-reason") == 0 ? error : NULL,
							    .maxlength = PAY_REASON_MAX, .lang = q->lang }, 3);
			html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"refund-ask\">%s</button></form>",
				    T(r, "pay.refund.ask"));
		} else {
			html_printf(&b, "<p id=\"refund-asked\">%s</p><blockquote id=\"refund-reason\">%s</blockquote>"
				    "<dl class=\"summary-list\"><div><dt>%s</dt><dd id=\"refund-amount\">%s</dd></div></dl>",
				    p->refund_by == PAY_REFUND_BY_PAYER ? T(r, "pay.refund.asked_payer")
				    : arena_printf(r->arena, T(r, "pay.refund.asked"), (long long)p->refund_by),
				    p->refund_reason, T(r, "pay.refund.amount"),
				    pay_web_yen(r, p->refund_yen > 0 ? p->refund_yen : p->paid_yen));
			if (p->refund_by == q->staff.id)
				html_printf(&b, "<p id=\"refund-other\">%s</p>", T(r, "pay.refund.other"));
			else
				html_printf(&b, "<form method=\"post\" action=\"/staff/payments/%s/refund/approve\">"
					    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
					    "<button type=\"submit\" class=\"button\" id=\"refund-approve\">%s</button></form>",
					    p->number, q->csrf, T(r, "pay.refund.approve"));
		}
		html_printf(&b, "</section>");
	}
	if (p->state == PAY_REFUNDED)
		html_printf(&b, "<p id=\"refund-done\">%s</p><blockquote>%s</blockquote>"
			    "<dl class=\"summary-list\"><div><dt>%s</dt><dd id=\"refund-amount\">%s</dd></div></dl>",
			    arena_printf(r->arena, T(r, "pay.refund.done"), when(r, p->refunded_at)), p->refund_reason,
			    T(r, "pay.refund.amount"), pay_web_yen(r, p->refund_yen > 0 ? p->refund_yen : p->paid_yen));
	/* the history */
	html_printf(&b, "<h2 id=\"hist-h\">%s</h2><div class=\"table-scroll\" role=\"region\" aria-labelledby=\"hist-h\" tabindex=\"0\">"
		    "<table id=\"pay-history\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "pay.history"), T(r, "pay.when"), T(r, "pay.what"), T(r, "pay.who"), T(r, "pay.detail"));
	struct ev_ctx c = { r, &b };
	struct err e;
	int rc = payments_events(app_store(r), q->tenant.code, p->number, ev_row, &c, &e);
	if (rc) {
		buf_done(&b);
		return fail(r, rc, e.detail);
	}
	html_printf(&b, "</tbody></table></div>");
	return app_page_send(r, status, &b, &pg);
}

static int load(struct payment *p, struct http_req *r, struct err *e)
{
	return payments_get(p, app_store(r), app_req(r)->tenant.code, http_param(r, "number"), e);
}

int page_staff_payment(struct http_req *r)
{
	struct payment p;
	struct err e;
	int rc = load(&p, r, &e);
	app_audit(r, AUDIT_A_READ, "payment", http_param(r, "number"), rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc)
		return fail(r, rc, e.detail);
	return render_payment(r, 200, &p, NULL, NULL);
}

/* after a change: the payment again, or its page with the error */
static int after(struct http_req *r, int rc, const struct err *e, const char *msg_id, const char *error_id)
{
	if (rc == 0)
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/payments/%s", http_param(r, "number")));
	struct payment p;
	struct err e2;
	if (rc != ERR_CONFLICT && rc != ERR_INVALID && rc != ERR_DENIED)
		return fail(r, rc, e->detail);
	log_info("payments: change refused", "detail", e->detail);
	if (load(&p, r, &e2))
		return fail(r, ERR_NOTFOUND, e2.detail);
	return render_payment(r, rc == ERR_INVALID ? 422 : 409, &p, T(r, msg_id), error_id);
}

int page_staff_payment_counter(struct http_req *r)
{
	struct payment p;
	struct err e;
	int rc = load(&p, r, &e);
	if (rc)
		return fail(r, rc, e.detail);
	const char *via = http_param(r, "via");
	struct app_req *q = app_req(r);
	struct pay_actor who;
	payments_web_actor(&who, r);
	if (p.state == PAY_PAID || p.state == PAY_REFUNDED)
		return after(r, ERR_CONFLICT, &(struct err){ .detail = "counter: paid already" }, "pay.error.state", NULL);
	/* one receipt per taking: a token of its own; a double click finds
	 * it paid and is refused without a receipt (must_apply) */
	char tok[33], source[80];
	if (random_token(tok, 16))
		return fail(r, ERR_INTERNAL, "counter: no random");
	snprintf(source, sizeof source, "counter:%s", tok);
	struct pay_receipt rr = {
		.method = PAY_M_COUNTER, .number = p.number, .amount_yen = p.amount_yen,
		.via = arena_printf(r->arena, "%s %s", via && strcmp(via, "terminal") == 0 ? "terminal" : "cash",
				    q->staff.login),
		.source = source,
		.final = 1,        /* the counter's taking is its own settlement */
		.must_apply = 1,   /* a second click, or paid meanwhile: refused, nothing recorded */
	};
	enum pay_outcome o = PAY_O_UNKNOWN;
	rc = payments_receive(&o, app_store(r), q->tenant.code, &rr, app_now(), &who, &e);
	if (rc == 0 && o != PAY_O_APPLIED)
		rc = err_set(&e, ERR_CONFLICT, "counter: %s", payments_outcome_name(o));
	return after(r, rc, &e, "pay.error.state", NULL);
}

int page_staff_payment_refund(struct http_req *r)
{
	struct pay_actor who;
	payments_web_actor(&who, r);
	struct err e;
	const char *reason = http_param(r, "reason");
	int rc = payments_refund_request(app_store(r), app_req(r)->tenant.code, http_param(r, "number"),
					 reason ? reason : "", app_now(), &who, &e);
	return after(r, rc, &e, rc == ERR_INVALID ? "pay.error.reason" : "pay.error.state",
		     rc == ERR_INVALID ? "f-reason" : NULL);
}

int page_staff_payment_refund_approve(struct http_req *r)
{
	/* card: the provider refunds first (page_card.c) */
	struct payment cp;
	struct err ce;
	if (load(&cp, r, &ce) == 0 && page_pay_card_refund_wanted(r, &cp))
		return page_pay_card_refund_approve(r, &cp);
	struct pay_actor who;
	payments_web_actor(&who, r);
	struct err e;
	int rc = payments_refund_approve(app_store(r), app_req(r)->tenant.code, http_param(r, "number"),
					 app_now(), &who, &e);
	return after(r, rc, &e, "pay.error.refund_other", NULL);
}

/* ---- import ---- */

static int render_import(struct http_req *r, int status, const char *error, const struct pay_import_result *res)
{
	struct app_req *q = app_req(r);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "pay.import.title"), "f-file", error);
	http_set_header(r, "cache-control", "no-store");
	actions(&b, r);
	if (res)
		html_printf(&b, "<div class=\"notice success\" id=\"import-done\" role=\"status\"><p>%s</p></div>",
			    arena_printf(r->arena, T(r, "pay.import.done"), res->lines, res->applied, res->duplicate,
					 res->unknown, res->amount));
	html_printf(&b, "<p>%s</p><dl class=\"pay-columns\"><dt>%s %s</dt><dd><code>barcode,amount_yen,paid_on,store</code></dd>"
		    "<dt>%s %s</dt><dd><code>biller,customer,confirm,amount_yen,paid_on,bank</code></dd></dl>"
		    "<form method=\"post\" action=\"/staff/payments/import\" enctype=\"multipart/form-data\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", T(r, "pay.import.lead"),
		    T(r, "pay.import.konbini"), T(r, "pay.import.columns"), T(r, "pay.import.payeasy"),
		    T(r, "pay.import.columns"), q->csrf);
	const char *kind = http_param(r, "kind");
	struct ui_choice kc[] = {
		{ "konbini", T(r, "pay.import.konbini"), !kind || strcmp(kind, "payeasy") != 0 },
		{ "payeasy", T(r, "pay.import.payeasy"), kind && strcmp(kind, "payeasy") == 0 },
	};
	ui_fieldset_open(&b, &(struct ui_field){ .id = "f-kind", .label = T(r, "pay.import.kind"), .required = 1,
						 .lang = q->lang });
	ui_options(&b, "radio", "f-kind", "kind", kc, 2, 0);
	ui_fieldset_close(&b);
	const char *fin = http_param(r, "final");
	ui_checkbox(&b, &(struct ui_field){ .name = "final", .id = "f-final", .label = T(r, "pay.import.final"),
					    .hint = T(r, "pay.import.final.hint") }, fin && strcmp(fin, "1") == 0);
	ui_file(&b, &(struct ui_field){ .name = "file", .id = "f-file", .label = T(r, "pay.import.file"),
					.hint = T(r, "pay.import.file.hint"), .required = 1, .error = error,
					.accept = ".csv,text/csv", .lang = q->lang });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"import-go\">%s</button></form>",
		    T(r, "pay.import.submit"));
	return app_page_send(r, status, &b, &pg);
}

int page_staff_payments_import(struct http_req *r)
{
	return render_import(r, 200, NULL, NULL);
}

/* the import runs on the blocking pool: a file of up to 8 MiB is read
 * and applied in one transaction (http_defer_owned: the copy of its
 * bytes is freed whichever way it ends) */
struct import_job {
	char tenant[TENANT_CODE_LEN + 1];
	struct pay_rails rails;
	struct pay_actor who;
	struct pay_file f;
	char name[256];
	char *data;
	int64_t now;
	struct pay_import_result res;
	int rc;
	struct err e;
};

static void import_work(void *arg, void *pool_ctx)
{
	struct import_job *j = arg;
	struct app_thread *t = pool_ctx;
	j->f.data = j->data;
	j->f.name = j->name;
	j->rc = payments_import(&j->res, t->store, j->tenant, &j->f, &j->rails, j->now, &j->who, &j->e);
}

static void import_discard(void *arg)
{
	free(((struct import_job *)arg)->data);
}

static int import_done(struct http_req *r, void *arg)
{
	struct import_job *j = arg;
	free(j->data);
	j->data = NULL;
	if (j->rc == ERR_INVALID || j->rc == ERR_LIMIT) {
		log_info("payments: import refused", "detail", j->e.detail);
		const char *what = T(r, arena_printf(r->arena, "pay.import.bad.%s", j->res.bad_code ? j->res.bad_code : "csv"));
		return render_import(r, 422, j->res.bad_line
				     ? arena_printf(r->arena, T(r, "pay.import.error.line"), j->res.bad_line, what)
				     : arena_printf(r->arena, T(r, "pay.import.error.file"), what), NULL);
	}
	if (j->rc == ERR_CONFLICT)
		return render_import(r, 409, T(r, "pay.import.error.again"), NULL);
	if (j->rc)
		return fail(r, j->rc, j->e.detail);
	return render_import(r, 200, NULL, &j->res);
}

int page_staff_payments_import_post(struct http_req *r)
{
	const struct http_part *file = http_file(r, "file");
	if (!file || !file->len)
		return render_import(r, 422, T(r, "pay.import.error.no_file"), NULL);
	const char *kind = http_param(r, "kind"), *fin = http_param(r, "final");
	struct import_job *j = arena_alloc(r->arena, sizeof *j);
	if (!j)
		return fail(r, ERR_NOMEM, "import: no memory");
	memset(j, 0, sizeof *j);
	snprintf(j->tenant, sizeof j->tenant, "%s", app_req(r)->tenant.code);
	struct err re;
	int rrc = payments_web_rails_of(&j->rails, NULL, r, &re);
	if (rrc)
		return fail(r, rrc, re.detail);
	payments_web_actor(&j->who, r);   /* its strings live in the request's arena */
	j->f.kind = kind && strcmp(kind, "payeasy") == 0 ? PAY_FILE_PAYEASY : PAY_FILE_KONBINI;
	j->f.final = fin && strcmp(fin, "1") == 0;
	j->f.len = file->len;
	snprintf(j->name, sizeof j->name, "%s", file->filename ? file->filename : "");
	j->now = app_now();
	if (!(j->data = malloc(file->len)))
		return fail(r, ERR_NOMEM, "import: no memory");
	memcpy(j->data, file->data, file->len);
	int rc = http_defer_owned(r, import_work, import_done, import_discard, j, sizeof *j);
	if (rc) {
		free(j->data);
		return fail(r, rc, "import: cannot defer");
	}
	return 0;
}

/* ---- the statement ---- */

struct stmt_args {
	long day;
	enum pay_method method;
	const char *day_s, *method_s;
};

static const char *stmt_args(struct stmt_args *a, struct http_req *r)
{
	a->day_s = http_param(r, "day");
	a->method_s = http_param(r, "method");
	struct jp_date d;
	if (a->day_s && *a->day_s) {
		if (jp_date_parse_iso(&d, a->day_s, NULL))
			return "day";
	} else {
		d = jp_jst_date(app_now());
		a->day_s = arena_printf(r->arena, "%04d-%02d-%02d", d.y, d.m, d.d);
	}
	a->day = jp_date_to_days(d);
	a->method = a->method_s && *a->method_s ? payments_method_of(a->method_s) : PAY_M_KONBINI;
	if (a->method == PAY_M_NONE)
		return "method";
	a->method_s = payments_method_name(a->method);
	return NULL;
}

struct rcpt_ctx {
	struct http_req *r;
	struct buf *b;
	int csv;
	int n;
};

static const char *outcome_text(struct http_req *r, enum pay_outcome o)
{
	return T(r, arena_printf(r->arena, "pay.outcome.%s", payments_outcome_name(o)));
}

static int rcpt_row(void *arg, const struct pay_receipt_row *x)
{
	struct rcpt_ctx *c = arg;
	struct http_req *r = c->r;
	const char *ref = x->number && *x->number ? x->number : x->barcode;
	c->n++;
	if (c->csv) {
		csv_cell(c->b, outcome_text(r, x->outcome), 1);
		csv_cell(c->b, ref, 0);
		csv_cell(c->b, arena_printf(r->arena, "%lld", (long long)x->amount_yen), 0);
		csv_cell(c->b, arena_printf(r->arena, "%lld", (long long)x->expected_yen), 0);
		csv_cell(c->b, x->final ? "1" : "0", 0);
		csv_cell(c->b, x->via, 0);
		csv_cell(c->b, x->source, 0);
		buf_puts(c->b, "\r\n");
		return 0;
	}
	html_printf(c->b, "<tr><td>%s</td><td class=\"verbatim\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
		    "<td>%s</td><td>%s</td></tr>", outcome_text(r, x->outcome), ref, pay_web_yen(r, x->amount_yen),
		    x->expected_yen ? pay_web_yen(r, x->expected_yen) : "—", x->via, x->source);
	return 0;
}

static int missing_row(void *arg, const struct payment *p)
{
	struct rcpt_ctx *c = arg;
	struct http_req *r = c->r;
	c->n++;
	if (c->csv) {
		csv_cell(c->b, T(r, "pay.outcome.missing"), 1);
		csv_cell(c->b, p->number, 0);
		csv_cell(c->b, "0", 0);
		csv_cell(c->b, arena_printf(r->arena, "%lld", (long long)p->paid_yen), 0);
		csv_cell(c->b, "", 0);
		csv_cell(c->b, p->paid_via, 0);
		csv_cell(c->b, "", 0);
		buf_puts(c->b, "\r\n");
		return 0;
	}
	html_printf(c->b, "<tr><td>%s</td><td><a href=\"/staff/payments/%s\">%s</a></td><td class=\"num\">—</td>"
		    "<td class=\"num\">%s</td><td>%s</td><td></td></tr>", T(r, "pay.outcome.missing"), p->number,
		    p->number, pay_web_yen(r, p->paid_yen), p->paid_via);
	return 0;
}

static void stmt_line(struct buf *b, struct http_req *r, const char *id, const char *label, int64_t n, int64_t yen)
{
	html_printf(b, "<tr id=\"%s\"><th scope=\"row\">%s</th><td class=\"num\">%lld</td><td class=\"num\">%s</td></tr>",
		    id, T(r, label), (long long)n, pay_web_yen(r, yen));
}

int page_staff_payments_statement(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct stmt_args a;
	const char *bad = stmt_args(&a, r);
	if (bad && strcmp(bad, "day") == 0)
		return app_send_error(r, ERR_INVALID, "pay.statement.error.day", "statement: bad day");
	if (bad)
		return app_send_error(r, ERR_INVALID, "pay.statement.error.method", "statement: bad method");
	struct pay_statement st;
	struct err e;
	int rc = payments_statement(&st, app_store(r), q->tenant.code, a.method, a.day, &e);
	if (rc)
		return fail(r, rc, e.detail);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "pay.statement.title"), NULL, NULL);
	http_set_header(r, "cache-control", "no-store");
	actions(&b, r);
	html_printf(&b, "<form method=\"get\" action=\"/staff/payments/statement\" class=\"filters\">");
	ui_input(&b, &(struct ui_field){ .name = "day", .id = "f-day", .type = "date", .label = T(r, "pay.statement.day"),
					 .value = a.day_s });
	struct ui_option mo[PAY_M_COUNT_ - 1];
	for (int i = 1; i < PAY_M_COUNT_; i++)
		mo[i - 1] = (struct ui_option){ payments_method_name((enum pay_method)i), pay_web_method(r, (enum pay_method)i) };
	ui_select(&b, &(struct ui_field){ .name = "method", .id = "f-method", .label = T(r, "pay.method"), .value = a.method_s },
		  mo, PAY_M_COUNT_ - 1, NULL);
	html_printf(&b, "<button type=\"submit\" class=\"button secondary\">%s</button></form>", T(r, "pay.statement.show"));
	html_printf(&b, "<h2>%s</h2>", arena_printf(r->arena, T(r, "pay.statement.of"), pay_web_day(r, a.day),
						      pay_web_method(r, a.method)));
	html_printf(&b, "<table id=\"statement\"><caption>%s</caption><thead><tr><td></td><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "pay.statement.caption"),
		    T(r, "pay.statement.count"), T(r, "pay.amount"));
	stmt_line(&b, r, "st-expected", "pay.statement.expected", st.expected_n, st.expected_yen);
	stmt_line(&b, r, "st-notice", "pay.statement.notice", st.notice_n, st.notice_yen);
	stmt_line(&b, r, "st-final", "pay.statement.final", st.final_n, st.final_yen);
	stmt_line(&b, r, "st-settled", "pay.statement.settled", st.settled_n, st.settled_yen);
	stmt_line(&b, r, "st-missing", "pay.statement.missing", st.missing_n, st.missing_yen);
	stmt_line(&b, r, "st-duplicate", "pay.statement.duplicate", st.duplicate_n, st.duplicate_yen);
	stmt_line(&b, r, "st-unknown", "pay.statement.unknown", st.unknown_n, st.unknown_yen);
	stmt_line(&b, r, "st-amount", "pay.statement.amount", st.amount_n, st.amount_yen);
	stmt_line(&b, r, "st-refunded", "pay.statement.refunded", st.refunded_n, st.refunded_yen);
	html_printf(&b, "</tbody></table>");
	if (st.final_n == 0 && st.expected_n > 0)
		html_printf(&b, "<p class=\"notice\" id=\"st-no-final\">%s</p>", T(r, "pay.statement.no_final"));
	html_printf(&b, "<ul class=\"actions\"><li><a id=\"st-csv\" href=\"%s\">%s</a></li><li><a id=\"st-csv-sjis\" href=\"%s\">%s</a></li></ul>",
		    ui_url(r->arena, "/staff/payments/statement.csv", (const char *[]){ "day", a.day_s, "method", a.method_s, "enc", "utf8", NULL }),
		    T(r, "pay.statement.csv"),
		    ui_url(r->arena, "/staff/payments/statement.csv", (const char *[]){ "day", a.day_s, "method", a.method_s, "enc", "cp932", NULL }),
		    T(r, "pay.statement.csv_sjis"));
	html_printf(&b, "<h2 id=\"diff-h\">%s</h2>", T(r, "pay.statement.differences"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"diff-h\" tabindex=\"0\">"
		    "<table id=\"differences\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>", T(r, "pay.statement.kind"), T(r, "pay.number"), T(r, "pay.statement.received"),
		    T(r, "pay.statement.expected_amount"), T(r, "pay.statement.via"), T(r, "pay.statement.source"));
	struct rcpt_ctx c = { r, &b, 0, 0 };
	rc = payments_receipts(app_store(r), q->tenant.code, a.method, a.day, 1, rcpt_row, &c, &e);
	if (rc == 0 && st.final_n > 0)
		rc = payments_missing(app_store(r), q->tenant.code, a.method, a.day, missing_row, &c, &e);
	if (rc) {
		buf_done(&b);
		return fail(r, rc, e.detail);
	}
	html_printf(&b, "</tbody></table></div>");
	if (c.n == 0)
		html_printf(&b, "<p id=\"diff-none\">%s</p>", T(r, "pay.statement.no_differences"));
	app_audit(r, AUDIT_A_READ, "payment_statement", arena_printf(r->arena, "%s/%s", a.day_s, a.method_s), AUDIT_R_OK);
	return app_page_send(r, 200, &b, &pg);
}

int page_staff_payments_statement_csv(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct stmt_args a;
	const char *bad = stmt_args(&a, r);
	if (bad && strcmp(bad, "day") == 0)
		return app_send_error(r, ERR_INVALID, "pay.statement.error.day", "statement: bad day");
	if (bad)
		return app_send_error(r, ERR_INVALID, "pay.statement.error.method", "statement: bad method");
	const char *enc = http_param(r, "enc");
	int cp932 = enc && strcmp(enc, "cp932") == 0;
	struct buf *b = arena_alloc(r->arena, sizeof *b);
	if (!b)
		return fail(r, ERR_NOMEM, "statement csv");
	buf_init(b, PAY_FILE_MAX);
	if (arena_cleanup_add(r->arena, (void (*)(void *))buf_done, b)) {
		buf_done(b);
		return fail(r, ERR_NOMEM, "statement csv");
	}
	if (!cp932)
		buf_puts(b, "\xEF\xBB\xBF");
	static const char *const head[] = { "pay.statement.kind", "pay.number", "pay.statement.received",
					    "pay.statement.expected_amount", "pay.statement.final_col",
					    "pay.statement.via", "pay.statement.source" };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		csv_cell(b, T(r, head[i]), i == 0);
	buf_puts(b, "\r\n");
	struct err e;
	struct rcpt_ctx c = { r, b, 1, 0 };
	struct pay_statement st;
	int rc = payments_statement(&st, app_store(r), q->tenant.code, a.method, a.day, &e);
	if (rc == 0)
		rc = payments_receipts(app_store(r), q->tenant.code, a.method, a.day, 0, rcpt_row, &c, &e);
	if (rc == 0 && st.final_n > 0)   /* as on the page: missing once a settlement is in */
		rc = payments_missing(app_store(r), q->tenant.code, a.method, a.day, missing_row, &c, &e);
	app_audit(r, AUDIT_A_EXPORT, "payment_statement", arena_printf(r->arena, "%s/%s", a.day_s, a.method_s),
		  rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc)
		return fail(r, rc, e.detail);
	const char *body = buf_cstr(b);
	size_t len = b->len;
	if (cp932) {
		char *out = NULL;
		long replaced = 0;
		rc = jp_utf8_to_cp932_geta(&out, &len, &replaced, body, b->len, &e);
		if (rc)
			return fail(r, rc, e.detail);
		if (arena_cleanup_add(r->arena, free, out)) {
			free(out);
			return fail(r, ERR_NOMEM, "statement csv");
		}
		body = out;
	}
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition", arena_printf(r->arena, "attachment; filename=\"statement-%s-%s%s.csv\"",
							       a.method_s, a.day_s, cp932 ? "-sjis" : ""));
	return http_send(r, 200, cp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8", body, len);
}

/* ---- the municipality's codes ---- */

static int render_rails(struct http_req *r, int status, const struct pay_rails *v, int own,
			const char *error, const char *error_id, int saved)
{
	struct app_req *q = app_req(r);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "pay.rails.title"), error_id, error);
	http_set_header(r, "cache-control", "no-store");
	actions(&b, r);
	if (saved)
		html_printf(&b, "<div class=\"notice success\" id=\"rails-saved\" role=\"status\"><p>%s</p></div>",
			    T(r, "pay.rails.saved"));
	html_printf(&b, "<p id=\"rails-source\" data-own=\"%d\">%s</p><p>%s</p>", own,
		    T(r, own ? "pay.rails.own" : "pay.rails.server"), T(r, "pay.rails.lead"));
	html_printf(&b, "<form method=\"post\" action=\"/staff/payments/rails\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	struct { const char *name, *label, *hint, *value; int len; } f[] = {
		{ "payeasy_biller", "pay.rails.payeasy_biller", "pay.rails.payeasy_biller.hint", v->payeasy_biller,
		  PAY_PAYEASY_BILLER_LEN },
		{ "konbini_biller", "pay.rails.konbini_biller", "pay.rails.konbini_biller.hint", v->konbini_biller,
		  PAY_KONBINI_BILLER_LEN },
		{ "konbini_agent", "pay.rails.konbini_agent", "pay.rails.konbini_agent.hint", v->konbini_agent,
		  PAY_KONBINI_AGENT_LEN },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		const char *id = arena_printf(r->arena, "f-%s", f[i].name);
		ui_input(&b, &(struct ui_field){ .name = f[i].name, .id = id, .label = T(r, f[i].label),
						 .hint = T(r, f[i].hint), .value = f[i].value, .required = 1,
						 .maxlength = f[i].len, .inputmode = "numeric", .verbatim = 1,
						 .lang = q->lang,
						 .error = error_id && strcmp(error_id, id) == 0 ? error : NULL });
	}
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"rails-save\">%s</button></form>",
		    T(r, "pay.rails.save"));
	return app_page_send(r, status, &b, &pg);
}

int page_staff_payments_rails(struct http_req *r)
{
	struct pay_rails v;
	int own;
	struct err e;
	int rc = payments_web_rails_of(&v, &own, r, &e);
	if (rc)
		return fail(r, rc, e.detail);
	const char *saved = http_param(r, "saved");
	return render_rails(r, 200, &v, own, NULL, NULL, saved && strcmp(saved, "1") == 0);
}

int page_staff_payments_rails_post(struct http_req *r)
{
	struct pay_rails v;
	const char *pb = http_param(r, "payeasy_biller"), *kb = http_param(r, "konbini_biller");
	const char *ka = http_param(r, "konbini_agent");
	struct err e;
	int rc = payments_rails_from(&v, pb, kb, ka, &e);   /* a digit too many is refused, not cut */
	struct pay_actor who;
	payments_web_actor(&who, r);
	if (rc == 0)
		rc = payments_rails_set(app_store(r), app_req(r)->tenant.code, &v, app_now(), &who, &e);
	if (rc == 0)
		return http_redirect(r, 303, "/staff/payments/rails?saved=1");
	if (rc != ERR_INVALID)
		return fail(r, rc, e.detail);
	/* which field: the domain names it first in its detail */
	const char *id = strncmp(e.detail, "konbini_biller", 14) == 0 ? "f-konbini_biller"
		       : strncmp(e.detail, "konbini_agent", 13) == 0 ? "f-konbini_agent" : "f-payeasy_biller";
	const char *msg = strcmp(id, "f-konbini_biller") == 0 ? "pay.rails.error.konbini_biller"
			: strcmp(id, "f-konbini_agent") == 0 ? "pay.rails.error.konbini_agent"
			: "pay.rails.error.payeasy_biller";
	log_info("payments: codes refused", "detail", e.detail);
	return render_rails(r, 422, &v, 0, T(r, msg), id, 0);
}
