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
	buf_printf(b, "# HELP madoguchi_apply_group_commits_total Group commits (src/store/group.c) that wrote online applications (SQLite).\n"
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
	/* the JSON API's problems (api_apply.c: problem_add, send_one_problem) */
	{ "api.error.file_empty", "ファイルが空です。", "The file is empty.", "ファイルが からです。" },
	{ "api.error.file_type", "このファイルの種類は受け付けていません。",
	  "This type of file is not accepted.", "この しゅるいの ファイルは うけつけて いません。" },
	{ "api.error.file_duplicate", "同じ添付欄にファイルが二つあります。",
	  "Two files for the same attachment field.",
	  "おなじ てんぷの らんに ファイルが ふたつ あります。" },
	{ "api.error.answers_invalid", "入力内容に誤りがあります。",
	  "The answers are not valid.",
	  "いれた ないように まちがいが あります。" },
	{ "api.error.answers_missing", "回答（answers）がありません。",
	  "The answers are missing.",
	  "こたえ（answers）が ありません。" },
	{ "api.error.answers_not_object", "回答（answers）が JSON のオブジェクトではありません。",
	  "The answers part is not a JSON object.",
	  "こたえ（answers）が JSON の オブジェクトでは ありません。" },
	{ "api.error.answers_not_object2", "回答（answers）が JSON のオブジェクトではありません。",
	  "The answers are not a JSON object.",
	  "こたえ（answers）が JSON の オブジェクトでは ありません。" },
	{ "api.error.answers_object", "回答をオブジェクトで送ってください。",
	  "answers must be an object.",
	  "こたえは オブジェクトで おくって ください。" },
	{ "api.error.application_invalid", "申請内容に誤りがあります。",
	  "The application is not valid.",
	  "しんせいの ないように まちがいが あります。" },
	{ "api.error.check_answers", "入力内容を確認してください。",
	  "Please check your answers.",
	  "いれた ないようを たしかめて ください。" },
	{ "api.error.comment_length", "コメントは 1〜4000 バイトで入力してください。",
	  "A comment is 1 to 4000 bytes.",
	  "コメントは 1〜4000 バイトで いれて ください。" },
	{ "api.error.date_format", "日付は YYYY-MM-DD で指定してください。",
	  "Give dates as YYYY-MM-DD.",
	  "ひづけは YYYY-MM-DD で かいて ください。" },
	{ "api.error.expect_from_invalid", "expect_from が正しくありません。",
	  "expect_from is not a state.",
	  "expect_from が ただしく ありません。" },
	{ "api.error.limit_range", "件数は 1〜200 です。",
	  "limit must be 1 to 200.",
	  "かずは 1〜200 です。" },
	{ "api.error.more_errors", "ほかにも誤りがあります。",
	  "There are more errors.",
	  "ほかにも まちがいが あります。" },
	{ "api.error.note_required_return", "差し戻し・却下には申請者への連絡文が必要です。",
	  "Returning or rejecting needs a note to the applicant.",
	  "さしもどし・きゃっかには しんせいした ひとへの れんらくの ぶんが いります。" },
	{ "api.error.note_required_state", "この状態に移すには申請者への連絡文が必要です。",
	  "This state needs a note to the applicant.",
	  "この じょうたいに するには しんせいした ひとへの れんらくの ぶんが いります。" },
	{ "api.error.note_too_long", "連絡文が長すぎるか、文字列ではありません。",
	  "note must be a string of at most 4000 bytes.",
	  "れんらくの ぶんが ながすぎるか、もじでは ありません。" },
	{ "api.error.page_invalid", "ページの番号が正しくありません。",
	  "page is not a valid page index.",
	  "ページの ばんごうが ただしく ありません。" },
	{ "api.error.procedure_required", "手続を指定してください。",
	  "Name the procedure.",
	  "てつづきを えらんで ください。" },
	{ "api.error.signature_format", "署名の形式が正しくありません（base64 の CMS 署名）。",
	  "The signature is not a base64 CMS signature.",
	  "しょめいの かたちが ただしく ありません（base64 の CMS しょめい）。" },
	{ "api.error.signature_required", "この手続には電子署名が必要です。",
	  "This procedure needs an electronic signature.",
	  "この てつづきには でんし しょめいが いります。" },
	{ "api.error.signature_required_draft", "この手続には電子署名が必要です。下書き（/api/v1/drafts）から署名して申請してください。",
	  "This procedure needs an electronic signature: submit it through a draft (/api/v1/drafts).",
	  "この てつづきには でんし しょめいが いります。したがき（/api/v1/drafts）から しょめいして しんせい してください。" },
	{ "api.error.signatures_not_set_up", "この窓口では電子署名の確認がまだ設定されていません。",
	  "Electronic signatures are not set up at this office.",
	  "この まどぐちでは でんし しょめいの かくにんが まだ できません。" },
	{ "api.error.staff_cannot_see", "この職員はこの課の申請を閲覧できない（applications.read とこの課の権限が必要）ため、担当にできません。",
	  "That member of staff cannot see this department's applications (applications.read and this department are needed), so it cannot be assigned to them.",
	  "この しょくいんは この かの しんせいを みられないので、たんとうに できません。" },
	{ "api.error.staff_required", "担当者（staff_id または login、外すときは null）を指定してください。",
	  "Give staff_id or login (null to unassign).",
	  "たんとうしゃ（staff_id か login、はずす ときは null）を えらんで ください。" },
	{ "api.error.staff_unknown", "その職員はいません。",
	  "There is no such member of staff.",
	  "その しょくいんは いません。" },
	{ "api.error.state_required", "移す状態を指定してください。",
	  "Give the state to move to.",
	  "うつす じょうたいを えらんで ください。" },
	{ "api.error.version_invalid", "版の番号が正しくありません。",
	  "The version number is not valid.",
	  "はんの ばんごうが ただしく ありません。" },
#include "svc/apply/web/catalog.inc"
	/* the new state in the state-change mail (template apply.state_changed
	 * of svc/notify, page_inbox.c) when staff left the resident a note:
	 * %s the state's name; the note's text is never mailed */
	{ "apply.mail.status.with_note", "%s（担当者からのお知らせがあります）",
	  "%s (there is a message from the staff for you)",
	  "%s（たんとうの ひとからの おしらせが あります）" },
	{ "apply.error.file_type", "この種類のファイルは受け付けられません。",
	  "This type of file is not accepted.", "この しゅるいの ファイルは うけつけられません。" },
	/* staff pages of a submission */
	{ "sub.conflict", "この申請は、あなたが画面を開いた後にほかの職員が更新したため、操作を行いませんでした。"
	  "最新の内容を確認してから、もう一度操作してください。",
	  "Nothing was changed: another member of staff updated this application after you opened it. "
	  "Check the latest state, then try again.", NULL },
	{ "sub.assign_cannot_see", "この職員はこの課の申請を閲覧できない（applications.read とこの課の権限が必要）ため、"
	  "担当にできません。",
	  "That member of staff cannot see this department's applications "
	  "(applications.read and this department are needed), so it cannot be assigned to them.", NULL },
};

static const struct svc_cli cli[] = {
	{ "submission", cli_submission, "online applications: submit for a resident, list" },
};

static const struct svc_job jobs[] = {
	{ "apply.drafts_purge", purge_job, APPLY_PURGE_EVERY_MS },
};

static const struct svc_option options[] = {
	{ "demo-signer", "DIR  the demo ward's signer (resident.key, resident.pem of the fictional demo PKI; never in production)",
	  app_apply_check_demo_signer, "--demo-signer のディレクトリに resident.key（PKCS#8）と resident.pem がありません",
	  "--demo-signer: DIR must hold resident.key (PKCS#8 PEM) and resident.pem" },
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
	.staff_home = inbox_staff_home,   /* issue 14: applications that reach nobody */
	.backup_blob = apply_backup_blob,
};
