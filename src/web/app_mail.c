/*
 * app_mail.c -- the `mail.send` job: deliver due messages of the outbox
 * (src/core/mail) in batches over SMTP and log each outcome.
 *
 * The job is woken by mail_enqueue() (a queued `mail.send` job due now,
 * submitted in the enqueuer's transaction) and reschedules itself only
 * while messages wait for a retry (mail_schedule_pending: at the earliest
 * next attempt), so an idle server adds no job rows.  The sender (checked
 * configuration, SMTP credentials) is made once at start-up and only read
 * afterwards.
 *
 * Without a relay the same job delivers to the development mailbox
 * (mail_devbox_deliver: nothing leaves the machine, staff read the
 * messages at /staff/outbox), unless `serve --no-dev-mailbox` keeps them
 * queued for a server with a relay.
 *
 * Also here, for every page that mails a link: the base of links
 * (app_mail_link_base: --public-url, else the municipality's host, else
 * the listen address with its port), the address a resident typed in an
 * application (app_mail_answer_address), and the staff home's warning
 * when mail waits or fails (app_mail_staff_warning).
 *
 * Log lines carry the message id, the attempt, the SMTP reply code and the
 * curl code: never an address, a subject or a body.
 */
#include "web/app_mail.h"
#include "web/svc.h"
#include "base/log.h"
#include "base/util.h"
#include "core/forms/forms.h"

#include <jansson.h>

#include <string.h>

#include <stdio.h>

static struct mail_sender *sender;   /* set at start-up, then read-only */

static void log_result(const struct mail_result *r, void *arg)
{
	(void)arg;
	char id[24], att[12], smtp[12], cc[12];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	snprintf(att, sizeof att, "%d", r->attempts);
	snprintf(smtp, sizeof smtp, "%d", r->smtp_code);
	snprintf(cc, sizeof cc, "%d", r->curl_code);
	if (r->state == MAIL_SENT)
		log_info("mail sent", "mail_id", id, "attempt", att, "smtp", smtp);
	else if (r->state == MAIL_QUEUED)
		log_warn("mail delivery deferred, will retry", "mail_id", id, "attempt", att,
			 "smtp", smtp, "curl", cc);
	else
		log_warn("mail delivery failed for good", "mail_id", id, "attempt", att,
			 "smtp", smtp, "curl", cc);
}

int app_mail_send_all(struct app_mail_totals *out, struct mail_sender *m,
		      struct store *s, int (*stopping)(void *arg), void *arg,
		      struct err *e)
{
	*out = (struct app_mail_totals){ 0 };
	int rc = 0;
	for (int round = 0; round < APP_MAIL_ROUNDS; round++) {
		struct mail_send_stats st;
		rc = mail_send_due(&st, m, s, app_now(), log_result, NULL, e);
		if (rc)
			break;
		out->sent += st.sent;
		out->retried += st.retried;
		out->failed += st.failed;
		if (st.claimed == 0 || st.stopped_early || (stopping && stopping(arg)))
			break;
	}
	if (rc == 0)
		rc = mail_schedule_pending(s, e);
	/* pruning scans the finished messages: once an hour is enough */
	static _Atomic int64_t last_prune;
	int64_t now = app_now();
	if (rc == 0 && now - last_prune >= 3600) {
		last_prune = now;
		int n = mail_prune(s, now, e);
		rc = n < 0 ? n : 0;
	}
	return rc;
}

static int job_stopping(void *arg)
{
	return jobs_stopping(arg);
}

static int mail_job(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	struct app_mail_totals n;
	int rc = app_mail_send_all(&n, sender, ctx->store, job_stopping, ctx, e);
	char msg[96];
	snprintf(msg, sizeof msg, "sent %d, retry later %d, failed %d", n.sent, n.retried,
		 n.failed);
	jobs_progress(ctx, 100, msg);
	if (rc == 0)
		jobs_set_result(ctx, msg);
	return rc;
}

/* no relay: the job delivers everything queued to the development mailbox */
static int devbox_job(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	int n = mail_devbox_deliver(ctx->store, app_now(), e);
	if (n < 0)
		return n;
	char msg[80], cnt[16];
	snprintf(cnt, sizeof cnt, "%d", n);
	snprintf(msg, sizeof msg, "delivered %d to the development mailbox", n);
	if (n > 0)
		log_info("mail delivered to the development mailbox (/staff/outbox)", "count", cnt);
	jobs_progress(ctx, 100, msg);
	jobs_set_result(ctx, msg);
	return 0;
}

int app_mail_relay(const struct app *a)
{
	return a->cfg.mail && a->cfg.mail->smtp_url;
}

int app_mail_devbox(const struct app *a)
{
	return !app_mail_relay(a) && !(a->cfg.mail && a->cfg.mail->keep_queued);
}

int app_mail_jobs_register(struct jobs_registry *reg, struct app *a,
			   struct err *e)
{
	const struct mail_config *c = a->cfg.mail;
	int rc = 0;
	if (!app_mail_relay(a)) {
		if (!app_mail_devbox(a)) {
			log_info("no SMTP relay configured: e-mail stays queued (madoguchi mail list)");
			return 0;
		}
		log_info("no SMTP relay configured: e-mail is delivered to the development mailbox"
			 " (/staff/outbox), nothing leaves this machine");
		rc = jobs_register(reg, "mail.send", devbox_job, NULL, e);
	} else {
		if (!sender && (rc = mail_sender_new(&sender, c, e)))
			return rc;
		rc = jobs_register(reg, "mail.send", mail_job, NULL, e);
	}
	if (rc)
		return rc;
	struct store *s;
	if ((rc = store_open(&s, a->cfg.db_url, e)))
		return rc;
	rc = mail_schedule_pending(s, e);
	store_close(s);
	return rc;
}

/* ---- links in mail ------------------------------------------------------- */

int app_mail_link_base(char *out, size_t cap, const struct app *a, const struct tenant *t)
{
	const char *pub = a->cfg.public_url;
	int n;
	if (pub && *pub) {
		size_t l = strlen(pub);
		while (l > 0 && pub[l - 1] == '/')
			l--;
		n = snprintf(out, cap, "%.*s", (int)l, pub);
	} else if (t->host[0]) {
		n = t->path_prefix[0] ? snprintf(out, cap, "https://%s/t/%s", t->host, t->path_prefix)
				      : snprintf(out, cap, "https://%s", t->host);
	} else {
		/* the listen address, its port included; a wildcard address
		 * is reached on this machine through loopback */
		const char *l = a->cfg.listen ? a->cfg.listen : "127.0.0.1:8080";
		const char *scheme = a->cfg.tls_cert ? "https" : "http";
		if (strncmp(l, "0.0.0.0:", 8) == 0)
			n = snprintf(out, cap, "%s://127.0.0.1:%s", scheme, l + 8);
		else if (strncmp(l, "[::]:", 5) == 0)
			n = snprintf(out, cap, "%s://[::1]:%s", scheme, l + 5);
		else
			n = snprintf(out, cap, "%s://%s", scheme, l);
		if (n > 0 && (size_t)n < cap && a->cfg.tenant_path_prefix && t->path_prefix[0])
			n += snprintf(out + n, cap - (size_t)n, "/t/%s", t->path_prefix);
	}
	return n > 0 && (size_t)n < cap ? 0 : ERR_LIMIT;
}

/* ---- whom mail about an application goes to ------------------------------ */

const char *app_mail_answer_address(const struct forms_def *d, const struct json_t *answers)
{
	if (!d || !answers)
		return NULL;
	for (int p = 0; p < d->npages; p++)
		for (int f = 0; f < d->pages[p].nfields; f++) {
			const struct forms_field *fl = &d->pages[p].fields[f];
			if (fl->type != FORMS_T_EMAIL)
				continue;
			const char *v = json_string_value(json_object_get((json_t *)answers, fl->id));
			if (v && *v && mail_addr_valid(v))
				return v;
		}
	return NULL;
}

/* ---- the staff home's warning -------------------------------------------- */

void app_mail_staff_warning(struct buf *b, struct http_req *r)
{
	struct app_req *q = app_req(r);
	const struct app *a = app_of(r);
	enum html_lang l = q->lang;
	struct mail_summary sum;
	struct err e;
	int64_t now = app_now();
	/* queued longer than 10 minutes, or after a failed attempt: the
	 * relay is not taking it (mail_summary's retrying) */
	if (mail_summary(&sum, app_store(r), q->tenant.code, now - 7 * 86400, now - 600, &e)) {
		log_warn("mail summary not read", "detail", e.detail);
		return;
	}
	char text[512];
	const char *id = NULL;
	int n1 = 0, n2 = 0;
	if (app_mail_relay(a) && (sum.retrying || sum.failed)) {
		id = "outbox.warn.failing";
		n1 = sum.retrying;
		n2 = sum.failed;
	} else if (!app_mail_relay(a) && !app_mail_devbox(a) && sum.queued) {
		id = "outbox.warn.no_relay";
		n1 = sum.queued;
	} else if (app_mail_devbox(a) && !q->tenant.demo) {
		id = "outbox.warn.devbox";
	}
	if (!id)
		return;
	snprintf(text, sizeof text, html_t(l, id), n1, n2);
	html_printf(b, "<div class=\"notice\" role=\"status\" id=\"mail-warning\">"
		    "<h2>%s</h2><p>%s</p>", html_t(l, "outbox.warn.title"), text);
	if (app_staff_may_open(r, "/staff/outbox"))
		html_printf(b, "<p><a href=\"/staff/outbox\">%s</a></p>", html_t(l, "outbox.title"));
	buf_puts(b, "</div>\n");
}

int app_mail_template(struct store *s, const char *tenant, const char *template_id, enum html_lang l,
		      const char *to, const struct svc_mail_value *vals, int n, struct err *e)
{
	static const char *const code[] = { "ja", "en", "ja-easy" };   /* enum html_lang's order */
	const char *lang = (int)l >= 0 && (int)l < 3 ? code[l] : "ja";
	for (int i = 0; i < svc_count; i++)
		if (svc_all[i]->mail)
			return svc_all[i]->mail(s, tenant, template_id, lang, to, vals, n, e);
	return err_set(e, ERR_UNAVAILABLE, "no service renders message templates");
}
