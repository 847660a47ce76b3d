/*
 * service.c -- the descriptor of the payments service (手数料の支払い).
 *
 *   schema   payments, payment_events, payment_receipts, payment_imports,
 *            payment_rails
 *   routes   /pay/{number}..., /staff/payments... (web/routes.c)
 *   msgs     the pages' texts in Japanese, English and やさしい日本語
 *            (web/catalog.inc)
 *   nav      the staff menu entry
 *   cli      `madoguchi payments create|show|list|import|statement|expire`
 *   jobs     payments.expire, hourly: payments past their due day expire
 *   options  the rails' codes: --pay-payeasy-biller, --pay-konbini-biller,
 *            --pay-konbini-agent (the demo's are fictional): the codes of
 *            a municipality that has not set its own
 *            (/staff/payments/rails, `madoguchi payments rails`)
 *   init     reads the options into the service's slot
 *   demo     the role 会計課 (kaikei) with the three permissions, held
 *            by demo-kaikei and demo-admin (a refund needs two people);
 *            the role 窓口収納 (madoguchi-shuunou) with payments.staff
 *            alone, held by demo-kumin: 区民課 runs the ward's 書かない窓口
 *            and takes a procedure's fee there with the application
 *            (svc/apply, apply_fee_take); demo-staff (子育て支援) does
 *            not, and the counter tells them where the fee is taken
 */
#include "web/app.h"
#include "web/svc.h"
#include "core/auth/auth.h"
#include "core/jobs/jobs.h"
#include "base/log.h"
#include "svc/payments/payments.h"
#include "svc/payments/web/payments_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_payments(int argc, char **argv);   /* cli.c */

#define PAY_EXPIRE_EVERY_MS (60LL * 60 * 1000)

/* the demo's codes: fictional (a biller code from 9 is a JAN-style one) */
#define PAY_DEMO_PAYEASY_BILLER "99998"
#define PAY_DEMO_KONBINI_BILLER "999980"
#define PAY_DEMO_KONBINI_AGENT "00001"

static int digits_check(const char *v, size_t n)
{
	if (!v || strlen(v) != n)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

static int check_payeasy_biller(const char *v)
{
	return digits_check(v, PAY_PAYEASY_BILLER_LEN);
}

static int check_konbini_biller(const char *v)
{
	return digits_check(v, PAY_KONBINI_BILLER_LEN) || (v[0] != '9' && v[0] != '5') ? ERR_INVALID : 0;
}

static int check_konbini_agent(const char *v)
{
	return digits_check(v, PAY_KONBINI_AGENT_LEN);
}

int payments_web_init(void **state, struct app *a, struct err *e)
{
	/* card: the provider's URL, key and secret (all or none) */
	int rc = payments_card_init(a, e);
	if (rc)
		return rc;
	struct pay_web *w = calloc(1, sizeof *w);
	if (!w)
		return err_set(e, ERR_NOMEM, "payments");
	const char *pb = svc_option(a, "pay-payeasy-biller"), *kb = svc_option(a, "pay-konbini-biller");
	const char *ka = svc_option(a, "pay-konbini-agent");
	snprintf(w->rails.payeasy_biller, sizeof w->rails.payeasy_biller, "%s", pb ? pb : PAY_DEMO_PAYEASY_BILLER);
	snprintf(w->rails.konbini_biller, sizeof w->rails.konbini_biller, "%s", kb ? kb : PAY_DEMO_KONBINI_BILLER);
	snprintf(w->rails.konbini_agent, sizeof w->rails.konbini_agent, "%s", ka ? ka : PAY_DEMO_KONBINI_AGENT);
	if (!pb || !kb || !ka)   /* no bank or store takes these: fine for the demo, not for a ward
				    (said as the outbox says it has no relay: at start, not a warning) */
		log_info("payments: the demo's fictional Pay-easy and コンビニ codes are in use: give a ward's own with"
			 " --pay-payeasy-biller, --pay-konbini-biller and --pay-konbini-agent", "payeasy_biller",
			 w->rails.payeasy_biller, "konbini_biller", w->rails.konbini_biller);
	*state = w;
	return 0;
}

void payments_web_done(void *state)
{
	payments_card_done();   /* card */
	free(state);
}

extern const struct svc svc_payments;

const struct pay_rails *payments_web_rails(struct http_req *r)
{
	const struct pay_web *w = svc_state(r, &svc_payments);
	static const struct pay_rails none = { "", "", "" };
	return w ? &w->rails : &none;
}

int payments_web_rails_of(struct pay_rails *out, int *own, struct http_req *r, struct err *e)
{
	return payments_rails_get(out, own, app_store(r), app_req(r)->tenant.code, payments_web_rails(r), e);
}

void payments_web_actor(struct pay_actor *out, struct http_req *r)
{
	struct app_actor *a = arena_alloc(r->arena, sizeof *a);
	memset(out, 0, sizeof *out);
	out->audit = &app_of(r)->audit;
	if (!a)
		return;
	app_actor_of(a, r);
	out->id = a->id;
	out->login = a->login;
	out->role = a->roles;
	out->source = a->source;
}

int payments_expire_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	struct app *a = app;
	struct pay_actor who = { .audit = &a->audit, .source = "job" };
	int n = payments_expire_due(ctx->store, app_now(), &who, e);
	if (n < 0)
		log_warn("payments.expire: not run", "error", e->detail);
	char msg[64];
	snprintf(msg, sizeof msg, "expired %d payments", n < 0 ? 0 : n);
	jobs_set_result(ctx, msg);
	return app_job_again(ctx, "payments.expire", PAY_EXPIRE_EVERY_MS, e);
}

static int demo(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_create(s, tenant, PAY_DEMO_ROLE,
				  "会計課（収納・消込・返金）/ Accounts (payments, reconciliation, refunds)", 1, &ev, e);
	if (rc == ERR_CONFLICT)   /* the demo run again */
		return 0;
	static const char *const perms[] = { PAY_PERM_STAFF, PAY_PERM_REFUND, PAY_PERM_RAILS };
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		ev.n = 0;
		rc = auth_role_permission_add(s, tenant, PAY_DEMO_ROLE, perms[i], &ev, e);
	}
	static const char *const holders[] = { "demo-kaikei", "demo-admin" };
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		struct auth_staff st;
		rc = auth_staff_get_by_login(&st, s, tenant, holders[i], e);
		ev.n = 0;
		if (rc == 0)
			rc = auth_staff_role_grant(s, tenant, st.id, PAY_DEMO_ROLE, &ev, e);
	}
	/* 区民課's counter takes fees with the applications it enters */
	if (rc == 0) {
		ev.n = 0;
		rc = auth_role_create(s, tenant, PAY_DEMO_COUNTER_ROLE,
				      "窓口収納（窓口で手数料を受け取る）/ Taking fees at the counter", 1, &ev, e);
	}
	if (rc == 0) {
		ev.n = 0;
		rc = auth_role_permission_add(s, tenant, PAY_DEMO_COUNTER_ROLE, PAY_PERM_STAFF, &ev, e);
	}
	if (rc == 0) {
		struct auth_staff st;
		rc = auth_staff_get_by_login(&st, s, tenant, "demo-kumin", e);
		ev.n = 0;
		if (rc == 0)
			rc = auth_staff_role_grant(s, tenant, st.id, PAY_DEMO_COUNTER_ROLE, &ev, e);
		else if (rc == ERR_NOTFOUND)
			rc = 0;
	}
	return rc;
}

static const struct svc_cli cli[] = {
	{ "payments", cli_payments, "payments: create, show, import result files, the daily statement" },
};

static const struct svc_job jobs[] = {
	{ "payments.expire", payments_expire_job, PAY_EXPIRE_EVERY_MS },
	/* card */
	PAYMENTS_CARD_JOBS,
};

static const struct svc_nav nav[] = {
	{ SVC_NAV_STAFF, "/staff/payments", "pay.staff.title", "pay.nav.staff.summary" },
};

static const struct svc_option options[] = {
	{ "pay-payeasy-biller", "NNNNN  the Pay-easy 収納機関番号 (5 digits; default: the demo's)",
	  check_payeasy_biller, "--pay-payeasy-biller は 5 桁の数字です", "--pay-payeasy-biller is 5 digits" },
	{ "pay-konbini-biller", "NNNNNN  the コンビニ barcode's biller code (6 digits from 9 or 5)",
	  check_konbini_biller, "--pay-konbini-biller は 9 か 5 で始まる 6 桁の数字です",
	  "--pay-konbini-biller is 6 digits starting with 9 or 5" },
	{ "pay-konbini-agent", "NNNNN  the collection agent's code in the barcode's free field (5 digits)",
	  check_konbini_agent, "--pay-konbini-agent は 5 桁の数字です", "--pay-konbini-agent is 5 digits" },
	/* card */
	PAYMENTS_CARD_OPTIONS,
};

static const struct html_msg msgs[] = {
#include "svc/payments/web/catalog.inc"
/* card */
#include "svc/payments/web/card_catalog.inc"
};

const struct svc svc_payments = {
	.name = "payments",
	.summary = "payments: one fee step for every service (card, Pay-easy, コンビニ, counter), result files, the daily statement, refunds",
	.schema = &payments_schema,
	.routes = payments_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.jobs = jobs, .njobs = SVC_COUNT(jobs),
	.options = options, .noptions = SVC_COUNT(options),
	.init = payments_web_init,
	.done = payments_web_done,
	.demo = demo,
};
