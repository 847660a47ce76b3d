/*
 * app_jobs.c -- the server's job runner and the jobs it knows:
 *
 *   auth.purge   delete expired sessions and stale login-failure records,
 *                then schedule the next run (APP_PURGE_EVERY_MS later).
 *   mail.send    deliver due e-mail of the outbox (app_mail.c).
 *
 * and every service's jobs (src/web/svc.h: struct svc_job), each one of
 * those with every_ms kept pending the same way as auth.purge.
 *
 * The runner starts with the server (its own worker threads and database
 * connections, src/core/jobs) and stops after the HTTP workers.  At start the
 * server makes sure one purge is pending: inside a write transaction it
 * looks for a queued or running one and enqueues one if there is none, so
 * several servers on one database keep one chain between them (on SQLite
 * the transaction serialises them; on PostgreSQL two servers starting in
 * the same instant may make two chains, which only purge twice as often).
 */
#include "web/app.h"
#include "base/log.h"
#include "base/util.h"
#include "core/jobs/jobs.h"
#include "web/app_mail.h" /* --- mail (app_mail.c) --- */

#include <stdio.h>
#include <string.h>

#define APP_PURGE_EVERY_MS (60LL * 60 * 1000)

static int purge_job(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	struct app *a = arg;
	int n = auth_sessions_purge(ctx->store, &a->auth, app_now(), e);
	if (n < 0)
		return n;
	char msg[64];
	snprintf(msg, sizeof msg, "deleted %d rows", n);
	jobs_progress(ctx, 100, msg);
	jobs_set_result(ctx, msg);
	return app_job_again(ctx, "auth.purge", APP_PURGE_EVERY_MS, e);
}


int app_jobs_ensure_scheduled(struct store *s, struct err *e)
{
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	rc = app_job_ensure(s, "auth.purge", e);
	if (rc >= 0)   /* the services' periodic jobs (svc.h) */
		rc = app_services_jobs_ensure(s, e);
	if (rc >= 0)
		return store_commit(s, e);
	store_rollback(s);
	return rc;
}

int app_jobs_start(struct jobs_runner **out, struct app *a, struct err *e)
{
	static struct jobs_registry reg;
	jobs_registry_init(&reg);
	int rc = jobs_register(&reg, "auth.purge", purge_job, a, e);
	if (rc)
		return rc;
	if ((rc = app_services_jobs_register(&reg, a, e)))
		return rc;
	/* --- mail (app_mail.c): mail.send, when an SMTP relay is configured --- */
	if ((rc = app_mail_jobs_register(&reg, a, e)))
		return rc;
	struct jobs_runner_opts o = { .workers = 1 };
	return jobs_runner_start(out, a->cfg.db_url, &reg, &o, e);
}
