/*
 * app_jobs.c -- the server's job runner and the jobs it knows:
 *
 *   auth.purge   delete expired sessions and stale login-failure records,
 *                then schedule the next run (APP_PURGE_EVERY_MS later).
 *   apply.drafts_purge  delete drafts untouched for APPLY_DRAFT_DAYS and
 *                unreferenced uploads, daily (src/svc/apply).
 *   mail.send    deliver due e-mail of the outbox (app_mail.c).
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
	struct jobs_spec next = { .kind = "auth.purge", .run_after_ms = now_ms() + APP_PURGE_EVERY_MS };
	int64_t id;
	return jobs_submit(&id, ctx->store, &next, e);
}

static int pending_cb(const struct jobs_info *j, void *arg)
{
	(void)j;
	(*(int *)arg)++;
	return 0;
}

/* --- apply (src/svc/apply): apply.drafts_purge, daily --- */
#include "svc/apply/apply.h"
#define APP_APPLY_PURGE_EVERY_MS (24LL * 60 * 60 * 1000)

/* delete drafts untouched for APPLY_DRAFT_DAYS and the uploads nothing
 * refers to any more, then schedule the next run a day later (in the same
 * transaction as the deletion, so the chain never breaks nor doubles) */
static int apply_purge_job(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	int rc = store_begin(ctx->store, e);
	if (rc)
		return rc;
	int n = apply_drafts_purge(ctx->store, app_now(), e);
	struct jobs_spec next = { .kind = "apply.drafts_purge",
				  .run_after_ms = now_ms() + APP_APPLY_PURGE_EVERY_MS };
	int64_t id;
	rc = n < 0 ? n : jobs_submit(&id, ctx->store, &next, e);
	if (rc) {
		store_rollback(ctx->store);
		return rc;
	}
	if ((rc = store_commit(ctx->store, e)))
		return rc;
	/* then the attachment files (SQLite) that no row names any more */
	int64_t files = 0;
	if ((rc = apply_files_collect(&files, ctx->store, app_now(), e)))
		return rc;
	char msg[96];
	snprintf(msg, sizeof msg, "deleted %d drafts, %lld attachment files", n, (long long)files);
	jobs_progress(ctx, 100, msg);
	jobs_set_result(ctx, msg);
	return 0;
}

/* one queued or running apply.drafts_purge, inside the caller's transaction */
static int apply_purge_ensure(struct store *s, struct err *e)
{
	int pending = 0;
	struct jobs_filter f = { .kind = "apply.drafts_purge", .status = JOBS_QUEUED, .limit = 1 };
	int rc = jobs_list(s, &f, pending_cb, &pending, e);
	if (rc >= 0) {
		f.status = JOBS_RUNNING;
		rc = jobs_list(s, &f, pending_cb, &pending, e);
	}
	if (rc >= 0 && pending == 0) {
		struct jobs_spec spec = { .kind = "apply.drafts_purge" };
		int64_t id;
		rc = jobs_submit(&id, s, &spec, e);
	}
	return rc < 0 ? rc : 0;
}
/* --- end apply --- */

int app_jobs_ensure_scheduled(struct store *s, struct err *e)
{
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	int pending = 0;
	struct jobs_filter f = { .kind = "auth.purge", .status = JOBS_QUEUED, .limit = 1 };
	rc = jobs_list(s, &f, pending_cb, &pending, e);
	if (rc >= 0) {
		f.status = JOBS_RUNNING;
		rc = jobs_list(s, &f, pending_cb, &pending, e);
	}
	if (rc >= 0 && pending == 0) {
		struct jobs_spec spec = { .kind = "auth.purge" };
		int64_t id;
		rc = jobs_submit(&id, s, &spec, e);
	}
	if (rc >= 0)   /* --- apply --- */
		rc = apply_purge_ensure(s, e);
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
	if ((rc = jobs_register(&reg, "apply.drafts_purge", apply_purge_job, a, e)))   /* --- apply --- */
		return rc;
	/* --- mail (app_mail.c): mail.send, when an SMTP relay is configured --- */
	if ((rc = app_mail_jobs_register(&reg, a, e)))
		return rc;
	struct jobs_runner_opts o = { .workers = 1 };
	return jobs_runner_start(out, a->cfg.db_url, &reg, &o, e);
}
