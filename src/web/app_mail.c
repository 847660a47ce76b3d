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
 * Log lines carry the message id, the attempt, the SMTP reply code and the
 * curl code: never an address, a subject or a body.
 */
#include "web/app_mail.h"
#include "base/log.h"

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

int app_mail_jobs_register(struct jobs_registry *reg, struct app *a,
			   struct err *e)
{
	const struct mail_config *c = a->cfg.mail;
	if (!c || !c->smtp_url) {
		log_info("no SMTP relay configured: e-mail stays queued (madoguchi mail list)");
		return 0;
	}
	int rc = 0;
	if (!sender && (rc = mail_sender_new(&sender, c, e)))
		return rc;
	if ((rc = jobs_register(reg, "mail.send", mail_job, NULL, e)))
		return rc;
	struct store *s;
	if ((rc = store_open(&s, a->cfg.db_url, e)))
		return rc;
	rc = mail_schedule_pending(s, e);
	store_close(s);
	return rc;
}
