/*
 * service.c -- the descriptor of online applications (src/web/svc.h):
 * its tables, routes, navigation, the `submission` command, the daily
 * purge of old drafts, the per-account upload options and the group
 * commit's lines in /metrics.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/apply/apply.h"
#include "svc/apply/web/app_apply.h"
#include "core/jobs/jobs.h"
#include "base/util.h"

#include <stdio.h>

int cli_submission(int argc, char **argv);   /* cli.c */

#define APPLY_PURGE_EVERY_MS (24LL * 60 * 60 * 1000)

/* delete drafts untouched for APPLY_DRAFT_DAYS, then the attachment files
 * (SQLite) that no row names any more; daily */
static int purge_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	(void)app;
	int rc = store_begin(ctx->store, e);
	if (rc)
		return rc;
	int n = apply_drafts_purge(ctx->store, app_now(), e);
	rc = n < 0 ? n : app_job_again(ctx, "apply.drafts_purge", APPLY_PURGE_EVERY_MS, e);
	if (rc) {
		store_rollback(ctx->store);
		return rc;
	}
	if ((rc = store_commit(ctx->store, e)))
		return rc;
	int64_t files = 0;
	if ((rc = apply_files_collect(&files, ctx->store, app_now(), e)))
		return rc;
	char msg[96];
	snprintf(msg, sizeof msg, "deleted %d drafts, %lld attachment files", n, (long long)files);
	jobs_progress(ctx, 100, msg);
	jobs_set_result(ctx, msg);
	return 0;
}

/* the group commit of online applications: writes per commit shows how
 * many submissions one fsync carries */
static void metrics(struct buf *b)
{
	int64_t commits, writes, busy_us;
	apply_group_stats(&commits, &writes, &busy_us);
	buf_printf(b, "# HELP madoguchi_apply_group_commits_total Commits of src/svc/apply's group commit (SQLite).\n"
		   "# TYPE madoguchi_apply_group_commits_total counter\n"
		   "madoguchi_apply_group_commits_total %lld\n"
		   "# HELP madoguchi_apply_group_writes_total Writes those commits carried.\n"
		   "# TYPE madoguchi_apply_group_writes_total counter\n"
		   "madoguchi_apply_group_writes_total %lld\n"
		   "# HELP madoguchi_apply_group_busy_seconds_total Time the commits' leaders spent writing.\n"
		   "# TYPE madoguchi_apply_group_busy_seconds_total counter\n"
		   "madoguchi_apply_group_busy_seconds_total %.6f\n",
		   (long long)commits, (long long)writes, (double)busy_us / 1e6);
}

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/procedures", "apply.nav.procedures", "apply.nav.procedures.summary" },
	{ SVC_NAV_RESIDENT, "/mypage/applications", "resident.applications_link", NULL },
	{ SVC_NAV_RESIDENT, "/procedures", "resident.procedures_link", NULL },
	{ SVC_NAV_STAFF, "/staff/inbox", "staff.nav.inbox", "apply.nav.inbox.summary" },
};

static const struct html_msg msgs[] = {
	{ "apply.nav.procedures", "オンライン申請", "Apply online", "インターネットで もうしこむ" },
	{ "apply.nav.procedures.summary", "区役所に来なくても申請できる手続の一覧です。",
	  "The procedures you can apply for without visiting the ward office.",
	  "区役所に こなくても できる てつづきの リストです。" },
	{ "apply.nav.inbox.summary", "届いた申請の確認、担当の割り当て、審査。",
	  "Check the applications that arrived, assign them and decide.", NULL },
};

static const struct svc_cli cli[] = {
	{ "submission", cli_submission, "online applications: submit for a resident, list" },
};

static const struct svc_job jobs[] = {
	{ "apply.drafts_purge", purge_job, APPLY_PURGE_EVERY_MS },
};

static const struct svc_option options[] = {
	{ "upload-quota", "BYTES  attachment bytes kept per account (default 100 MiB; 0: no limit)",
	  app_apply_check_quota, "--upload-quota は 0〜2^40 バイトです",
	  "--upload-quota must be 0 to 2^40 bytes" },
	{ "upload-rate", "N  new attachments per account a minute (default 60; 0: no limit)",
	  app_apply_check_rate, "--upload-rate は 0〜100000 件です",
	  "--upload-rate must be 0 to 100000" },
};

const struct svc svc_apply = {
	.name = "apply",
	.summary = "online applications: drafts, submissions, the staff inbox and the JSON API",
	.schema = &apply_schema,
	.routes = apply_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.jobs = jobs, .njobs = SVC_COUNT(jobs),
	.options = options, .noptions = SVC_COUNT(options),
	.init = app_apply_init,
	.done = app_apply_done,
	.metrics = metrics,
	.backup_blob = apply_backup_blob,
};
