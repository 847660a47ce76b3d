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
	/* error pages and JSON errors (app_send_error) */
	{ "apply.error.registry_stale", "住民基本台帳から入力した内容が、現在の住民基本台帳と一致しません。"
	  "お手数ですが、もう一度申請を始めてください。",
	  "The answers taken from the resident register no longer match it. "
	  "Please start the application again.",
	  "じゅうみんの きろくから いれた ないようが、いまの きろくと あいません。"
	  "もういちど はじめから しんせい してください。" },
	{ "apply.error.registry_waiver", "添付を省略できるのは、住民基本台帳の記録で確認できる場合だけです。"
	  "あなたの記録では確認できないため、書類を添付してください。",
	  "An attachment may be left out only when the resident register proves "
	  "what it shows. Your register record does not prove it: attach the document.",
	  "じゅうみんの きろくで たしかめられない ため、しょるいを てんぷして ください。" },
	{ "apply.error.storage_full", "添付ファイルの保存容量の上限（1人あたり %s）を超えるため、"
	  "受け付けられません。使わない下書きを削除してからお試しください。",
	  "This would exceed the attachment storage limit "
	  "(%s per account). Delete drafts you do not need and try again.",
	  "てんぷ ファイルを ほぞんできる りょう（1にん %s まで）を こえるため、うけつけ できません。"
	  "つかわない したがきを けしてから やりなおして ください。" },
	{ "apply.error.upload_rate", "添付ファイルの送信が多すぎます（1分あたり %d 件まで）。"
	  "1分ほど待ってからもう一度お試しください。",
	  "Too many attachments sent (at most %d a minute). Please wait a minute and try again.",
	  "ファイルを おくる かずが おおすぎます（1ぷんに %d こ まで）。"
	  "1ぷん ほど まってから もういちど やって ください。" },
	{ "apply.error.too_many_files", "添付ファイルは1回の申請につき%d件までです。",
	  "At most %d attachments per submission.",
	  "てんぷできる ファイルは 1かいに %dこ までです。" },
	{ "apply.error.cannot_correct", "この申請は修正できない状態です。",
	  "This application cannot be corrected now.",
	  "この しんせいは いま なおせません。" },
	{ "apply.error.cannot_withdraw", "この申請は取り下げできない状態です。",
	  "This application can no longer be withdrawn.",
	  "この しんせいは もう とりさげ できません。" },
	{ "apply.error.changed_after_signing", "署名の後に申請内容が変更されました。もう一度署名してください。",
	  "The application changed after it was signed. Please sign it again.",
	  "しょめいの あとで ないようが かわりました。もういちど しょめい してください。" },
	{ "apply.error.file_too_large", "ファイルが大きすぎます。",
	  "The file is too large.",
	  "ファイルが おおきすぎます。" },
	{ "apply.error.file_unreadable", "添付ファイルを読み出せませんでした（保管されている写しがないか、壊れています）。受付番号を添えて担当課に連絡してください（職員の方はシステム管理者へ。バックアップから復旧できます）。",
	  "The attachment could not be read: its stored copy is missing or damaged. Contact the department with the receipt number (staff: the system administrator, who can restore it from the backup).",
	  "てんぷした ファイルを よみだせませんでした。うけつけ ばんごうを つたえて、たんとうの かに れんらく してください。" },
	{ "apply.error.json", "JSON の形式が正しくありません。",
	  "The body is not a valid JSON object.",
	  "JSON の かたちが ただしく ありません。" },
	{ "apply.error.limit", "大きさまたは件数の上限を超えています。",
	  "A size or count limit was exceeded.",
	  "おおきさか かずが おおすぎます。" },
	{ "apply.error.multipart", "マルチパートの形式が正しくありません。",
	  "The multipart body is not valid.",
	  "おくられた データの かたちが ただしく ありません。" },
	{ "apply.error.no_file_field", "この添付欄はありません。",
	  "There is no such attachment field.",
	  "この てんぷの らんは ありません。" },
	{ "apply.error.no_procedure", "この手続はありません。",
	  "There is no such procedure.",
	  "この てつづきは ありません。" },
	{ "apply.error.not_found", "見つかりません。",
	  "Not found.",
	  "みつかりません。" },
	{ "apply.error.state", "現在の状態ではこの操作はできません。画面を更新してください。",
	  "This is not possible in the current state. Reload and try again.",
	  "いまは この そうさが できません。がめんを あたらしく してください。" },
	{ "apply.error.too_many_drafts", "下書きが多すぎます。使わない下書きを削除してください。",
	  "You have too many drafts. Delete the ones you do not need.",
	  "したがきが おおすぎます。つかわない したがきを けして ください。" },
	{ "inbox.error.procedure_required", "手続を選んでください。",
	  "Choose a procedure.",
	  NULL },
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
