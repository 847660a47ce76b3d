/*
 * service.c -- the descriptor of the news service (お知らせ), the example
 * of docs/adding-a-service.md: every part of struct svc (src/web/svc.h)
 * but metrics is used once here (for metrics see src/svc/apply/service.c).
 *
 *   schema   news_items (news_schema.c)
 *   routes   /news, /news/{id}, /staff/news... (web/routes.c)
 *   msgs     the pages' texts in Japanese, English and やさしい日本語
 *   nav      a home page tile and the staff menu entry
 *   cli      `madoguchi news list|add|withdraw` (cli.c)
 *   jobs     news.archive, at each 00:00 JST: notices past their end day
 *            archived, the site search's "news" collection synced
 *   options  `serve --news-home-count N` (0 to 20; default 3)
 *   init     reads the option into the service's slot
 *   demo     the permission for the demo ward's admin, two notices
 *   home     the newest notices on the home page
 */
#include "web/app.h"
#include "web/svc.h"
#include "core/auth/auth.h"
#include "core/jobs/jobs.h"
#include "jp/date.h"
#include "svc/news/news.h"
#include "svc/news/web/news_web.h"

#include <stdio.h>

int cli_news(int argc, char **argv);   /* cli.c */

#define NEWS_ARCHIVE_EVERY_MS (24LL * 60 * 60 * 1000)

/* milliseconds from now to one second past the next 00:00 in Japan, when
 * notices start and end (a day's start is 00:00 JST) */
static int64_t news_next_run_ms(int64_t now)
{
	return (news_next_day(now) + 1 - now) * 1000;
}

/* archives the notices past their end and brings the site search in line
 * (news_index_sync, every tenant), then runs again just after the next
 * 00:00 JST: a notice whose start day comes is findable from that day */
static int archive_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	(void)app;
	/* the archiving and the next run commit together: a crash between
	 * them can neither lose the chain nor start a second one */
	int rc = store_begin(ctx->store, e);
	if (rc)
		return rc;
	int64_t now = app_now();
	int n = news_archive_due(ctx->store, now, e);
	int ni = n < 0 ? n : news_index_sync(NULL, ctx->store, NULL, now, e);
	rc = ni < 0 ? ni : app_job_again(ctx, "news.archive", news_next_run_ms(now), e);
	if (rc) {
		store_rollback(ctx->store);
		return rc;
	}
	if ((rc = store_commit(ctx->store, e)))
		return rc;
	char msg[80];
	snprintf(msg, sizeof msg, "archived %d notices, %d search changes", n, ni);
	jobs_progress(ctx, 100, msg);
	jobs_set_result(ctx, msg);
	return 0;
}

/* the demo ward: its admin may publish, and two fictional notices */
static int demo(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_permission_add(s, tenant, "admin", NEWS_PERM_PUBLISH, &ev, e);
	if (rc && rc != ERR_CONFLICT)
		return rc;
	int64_t n;
	struct store_val v[] = { sv_text(tenant) };
	if ((rc = store_query_int(&n, s, "SELECT count(*) FROM news_items WHERE tenant = $1", v, 1, e)))
		return rc;
	if (n > 0) {   /* ran before: nothing changes but the search catching up */
		rc = news_index_sync(NULL, s, tenant, app_now(), e);
		return rc < 0 ? rc : 0;
	}
	int64_t today = jp_jst_midnight(jp_jst_date(app_now()));
	const struct news_item items[] = {
		{ .title_ja = "年末年始の窓口業務について（デモ）",
		  .title_en = "Counter hours over the New Year holidays (demo)",
		  .body_ja = "デモ区役所の窓口は12月29日から1月3日まで休みます。\n"
			     "オンライン申請はこの間も受け付けます。\n\nこれは架空のデモ区のお知らせです。",
		  .body_en = "The counters of the Demo Ward office close from 29 December to "
			     "3 January. Online applications are open all the time.\n\n"
			     "This is a notice of the fictional Demo Ward.",
		  .important = 1, .category = "kurashi", .publish_at = today, .state = NEWS_PUBLISHED },
		{ .title_ja = "オンラインで申請できる手続が増えました（デモ）",
		  .body_ja = "児童手当や各種証明書の申請が、区役所に来なくてもできます。\n\n"
			     "これは架空のデモ区のお知らせです。",
		  .category = "kurashi", .publish_at = today - 86400, .state = NEWS_PUBLISHED },
	};
	for (size_t i = 0; rc == 0 && i < sizeof items / sizeof items[0]; i++) {
		int64_t id;
		rc = news_save(&id, s, tenant, &items[i], app_now(), e);
	}
	return rc;
}

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/news", "news.title", "news.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/news", "news.title", "news.nav.staff.summary" },
};

static const struct html_msg msgs[] = {
	{ "news.title", "お知らせ", "News and notices", "おしらせ" },
	{ "news.nav.summary", "区からのお知らせです。", "Notices from the ward.",
	  "区からの おしらせです。" },
	{ "news.nav.staff.summary", "お知らせの作成、公開、取り下げ。",
	  "Write, publish and withdraw notices.", NULL },
	{ "news.important", "重要", "Important", "だいじ" },
	{ "news.feed", "お知らせのフィード（Atom）", "News feed (Atom)", "おしらせの フィード（Atom）" },
	{ "news.none", "現在お知らせはありません。", "There are no notices now.",
	  "いまは おしらせは ありません。" },
	{ "news.all", "お知らせの一覧", "All notices", "おしらせの いちらん" },
	{ "news.title.of", "お知らせ：%s", "News: %s", "おしらせ：%s" },
	{ "news.categories", "分野で絞り込む", "By category", "ぶんやで えらぶ" },
	{ "news.category.all", "すべての分野", "All categories", "すべて" },
	{ "news.error.category", "その分野はありません。分野は一覧から選んでください。",
	  "There is no such category. Choose one from the list.",
	  "その ぶんやは ありません。いちらんから えらんで ください。" },
	{ "news.field.category", "分野", "Category", NULL },
	{ "news.hint.category", "分野ごとに受け取りを登録した住民にも届きます。",
	  "Residents who subscribed to the category get it too.", NULL },
	{ "news.field.category_none", "（分野なし）", "(none)", NULL },
	{ "news.newer", "新しいお知らせ", "Newer notices", "あたらしい おしらせ" },
	{ "news.older", "以前のお知らせ", "Older notices", "まえの おしらせ" },
	{ "news.staff.title", "お知らせの管理", "Manage notices", NULL },
	{ "news.new", "新しいお知らせ", "New notice", NULL },
	{ "news.edit", "お知らせの編集", "Edit the notice", NULL },
	{ "news.saved", "お知らせを保存しました。", "The notice was saved.", NULL },
	{ "news.staff.sent", "受け取りを登録した住民への配信を %s 件、送信待ちに入れました（夜間は朝8時に送ります）。",
	  "%s messages to the residents who subscribed were queued (at night they go at 08:00).", NULL },
	{ "news.field.notify", "公開と同時に、お知らせの受け取りを登録した住民に配信する（メール・SMS・LINE）",
	  "Also send it to the residents who subscribed to news (e-mail, SMS, LINE)", NULL },
	{ "news.hint.notify", "「公開する」で、掲載開始日が今日以前のときに送ります。件名と日本語の本文、このお知らせへのリンクが届きます。分野を選んだときは、その分野を登録した住民にも送ります（両方を登録した人には1通）。",
	  "Sent when you publish a notice that starts today or earlier: the title, the Japanese text and a link to it. With a category, residents who subscribed to it get it too (one message to those who subscribed to both).", NULL },
	{ "news.staff.error.notify", "配信できるのは、「公開する」で掲載開始日が今日以前のお知らせだけです。",
	  "Only a notice being published that starts today or earlier can be sent.", NULL },
	{ "news.staff.error.notify_text", "このお知らせは長すぎて配信できません（SMS か LINE の上限を超えます）。件名か本文を短くしてください。",
	  "This notice is too long to send (over the SMS or LINE limit). Shorten the title or the text.", NULL },

	{ "news.publish", "公開する", "Publish", NULL },
	{ "news.draft", "下書きとして保存", "Save as a draft", NULL },
	{ "news.withdraw", "取り下げる", "Withdraw", NULL },
	{ "news.back", "お知らせの管理へ戻る", "Back to the notices", NULL },
	{ "news.field.title_ja", "件名（日本語）", "Title (Japanese)", NULL },
	{ "news.field.title_en", "件名（英語）", "Title (English)", NULL },
	{ "news.field.body_ja", "本文（日本語）", "Text (Japanese)", NULL },
	{ "news.field.body_en", "本文（英語）", "Text (English)", NULL },
	{ "news.field.publish", "掲載開始日", "Start date", NULL },
	{ "news.field.until", "掲載終了日（任意）", "End date (optional)", NULL },
	{ "news.field.important", "重要なお知らせとして先頭に表示する",
	  "Show first, marked important", NULL },
	{ "news.field.state", "状態", "State", NULL },
	{ "news.hint.publish", "この日の0時（日本時間）から表示します。空欄なら今日です。",
	  "Shown from 00:00 (Japan time) on this day; empty means today.", NULL },
	{ "news.hint.until", "この日の0時（日本時間）に表示を終えます。",
	  "No longer shown from 00:00 (Japan time) on this day.", NULL },
	{ "news.state.draft", "下書き", "Draft", NULL },
	{ "news.state.published", "公開", "Published", NULL },
	{ "news.state.withdrawn", "取り下げ", "Withdrawn", NULL },
	{ "news.state.archived", "掲載終了", "Ended", NULL },
	/* error pages and JSON errors (app_send_error) */
	{ "news.error.not_found", "このお知らせはありません。",
	  "There is no such notice.",
	  "この おしらせは ありません。" },
	{ "news.error.page", "ページ番号が正しくありません。",
	  "The page number is not valid.",
	  "ページの ばんごうが ただしく ありません。" },
	{ "news.staff.error.publish", "掲載開始日は 2026-12-06 の形で入力してください。",
	  "Enter the start date as 2026-12-06.", NULL },
	{ "news.staff.error.until", "掲載終了日は 2026-12-31 の形で入力してください。",
	  "Enter the end date as 2026-12-31.", NULL },
};

static const struct svc_cli cli[] = {
	{ "news", cli_news, "notices on the home page: list, add, withdraw" },
};

/* every_ms > 0 keeps one queued; each run picks its own next time (the
 * next 00:00 JST, news_next_run_ms), never more than a day away */
static const struct svc_job jobs[] = {
	{ "news.archive", archive_job, NEWS_ARCHIVE_EVERY_MS },
};

static const struct svc_option options[] = {
	{ "news-home-count", "N  notices on the home page (0 to 20; default 3)",
	  news_check_home_count, "--news-home-count は 0〜20 です",
	  "--news-home-count must be 0 to 20" },
};

const struct svc svc_news = {
	.name = "news",
	.summary = "news and notices: the home page's list and its staff editor",
	.schema = &news_schema,
	.routes = news_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.jobs = jobs, .njobs = SVC_COUNT(jobs),
	.options = options, .noptions = SVC_COUNT(options),
	.init = news_web_init,
	.done = news_web_done,
	.demo = demo,
	.home = news_home,
};
