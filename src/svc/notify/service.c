/*
 * service.c -- the descriptor of the notification service: message
 * templates per municipality (notify.h), edited by staff; residents'
 * subscriptions; the SMS and LINE channels; webhooks to staff systems.
 *
 *   schema   notify_templates, notify_template_versions, notify_subscriptions,
 *            the SMS and LINE messages and contacts (3), the webhooks (4)
 *            (notify_schema.c)
 *   routes   /staff/notify/templates..., /staff/notify/messages...,
 *            /staff/notify/hooks..., /mypage/notifications...,
 *            /unsubscribe/{token}, the SMS callback and LINE webhook
 *            (web/routes.c)
 *   msgs     the pages' texts in Japanese, English and やさしい日本語
 *   nav      the staff menu entries, My page's
 *   cli      `madoguchi notify template|send|sms|line|status` (cli.c)
 *   jobs     notify.deliver (SMS and LINE), notify.hooks (webhooks)
 *   options  --sms-*, --line-* (the providers), --notify-hooks-loopback
 *   demo     デモ区's four areas of disaster alerts; the permissions
 *            notify.templates and notify.hooks for the demo
 *            ward's admin, and the shipped templates (defaults.c) as version 1
 *   mail     the shell's mail (registration, password reset, a staff
 *            account's reset) rendered from its templates (notify_email)
 *   account_closed  a resident's subscriptions, SMS number, LINE id and
 *            link codes go, queued messages to them fail (erase.c)
 */
#include "web/app.h"
#include "web/svc.h"
#include "core/auth/auth.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"
#include "svc/notify/web/hooks_web.h"

int cli_notify(int argc, char **argv);   /* cli.c */

/* the demo ward: its admin may edit templates; the shipped ones (run
 * again: the ward keeps what it has, nothing changes) */
static int demo(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_permission_add(s, tenant, "admin", NOTIFY_PERM_TEMPLATES, &ev, e);
	if (rc && rc != ERR_CONFLICT)
		return rc;
	if ((rc = auth_role_permission_add(s, tenant, "admin", NOTIFY_PERM_HOOKS, &ev, e)) && rc != ERR_CONFLICT)
		return rc;
	if ((rc = auth_role_permission_add(s, tenant, "admin", NOTIFY_PERM_SEND, &ev, e)) && rc != ERR_CONFLICT)
		return rc;
	rc = notify_install_defaults(s, tenant, app_now(), e);
	/* デモ区's areas of disaster alerts (fictional) */
	static const struct notify_area areas[] = {
		{ "chuo", "中央地区", "Central", 0 }, { "kita", "北地区", "North", 0 },
		{ "minami", "南地区", "South", 0 }, { "higashi", "東地区", "East", 0 },
	};
	for (size_t i = 0; rc >= 0 && i < sizeof areas / sizeof areas[0]; i++)
		rc = notify_area_put(s, tenant, &areas[i], e);
	return rc < 0 ? rc : 0;
}

/* the svc.h mail hook: the shell sends its own mail through notify_email
 * (it may not include this header); the values' layout is the same, they
 * are copied so that the two structs stay free to differ */
static int mail_hook(struct store *s, const char *tenant, const char *template_id, const char *lang,
		     const char *to, const struct svc_mail_value *vals, int n, struct err *e)
{
	if (n < 0 || n > NOTIFY_VALUES_MAX)
		return err_set(e, ERR_LIMIT, "too many values");
	struct notify_value v[NOTIFY_VALUES_MAX];
	for (int i = 0; i < n; i++)
		v[i] = (struct notify_value){ vals[i].name, vals[i].value };
	int64_t id;
	int rc = notify_email(s, tenant, template_id, lang, to, v, n, &id, e);
	return rc < 0 ? rc : 0;
}

/* the svc.h account_closed hook: in the closing transaction */
static int account_closed(struct store *s, const char *tenant, int64_t account, int64_t now,
			  struct err *e)
{
	return notify_account_forget(NULL, s, tenant, account, now, e);
}

static const struct svc_nav nav[] = {
	{ SVC_NAV_STAFF, "/staff/notify/templates", "notify.staff.title", "notify.staff.nav.summary" },
	{ SVC_NAV_RESIDENT, "/mypage/notifications", "notify.subs.title", NULL },
	{ SVC_NAV_STAFF, "/staff/notify/hooks", "notify.hooks.title", "notify.hooks.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/notify/areas", "notify.areas.title", "notify.areas.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/notify/messages", "notify.msg.title", "notify.msg.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/notify/send", "notify.send.page", "notify.send.nav.summary" },
};

static const struct html_msg msgs[] = {
#include "svc/notify/web/hooks_catalog.inc"
	{ "roles.perm.notify.send", "登録した住民へのお知らせ・災害のお知らせの配信",
	  "Send news and disaster alerts to the residents who subscribed", NULL },
	{ "notify.areas.title", "災害のお知らせの地区", "Areas of disaster alerts", NULL },
	{ "notify.areas.nav.summary", "住民が災害のお知らせを受け取る地区の登録と変更。",
	  "The areas residents choose for disaster alerts.", NULL },
	{ "notify.areas.lead", "住民はマイページでこの中から地区を一つ選び、災害のお知らせは地区ごとに送ります。受け取る人がいる地区は削除できません（名前は変えられます）。",
	  "Residents choose one of these areas on My page; disaster alerts are sent to an area. An area someone subscribes to cannot be removed (it can be renamed).", NULL },
	{ "notify.areas.code", "地区のコード", "Area code", NULL },
	{ "notify.areas.code.hint", "半角の英小文字・数字・_ で32文字まで（例: chuo）。登録済みのコードを入れると名前を変えます。",
	  "Lower-case letters, digits and _, up to 32 (for example chuo). An existing code renames that area.", NULL },
	{ "notify.areas.name_ja", "地区の名前", "Name", NULL },
	{ "notify.areas.name_en", "地区の名前（英語）", "Name in English", NULL },
	{ "notify.areas.subscribers", "受け取る人", "Subscribers", NULL },
	{ "notify.areas.action", "操作", "Action", NULL },
	{ "notify.areas.remove", "削除", "Remove", NULL },
	{ "notify.areas.remove.label", "%sを削除", "Remove %s", NULL },
	{ "notify.areas.in_use", "受け取る人がいるため削除できません", "In use: cannot be removed", NULL },
	{ "notify.areas.none", "地区はまだありません。", "There are no areas yet.", NULL },
	{ "notify.areas.add", "地区の追加・名前の変更", "Add an area or rename one", NULL },
	{ "notify.areas.add.lead", "新しいコードで追加し、登録済みのコードで名前を変えます。",
	  "A new code adds an area; an existing code renames it.", NULL },
	{ "notify.areas.save", "保存する", "Save", NULL },
	{ "notify.areas.import", "CSVファイルで一括登録", "Add many from a CSV file", NULL },
	{ "notify.areas.import.lead", "1行目は見出し、2行目から1行に1地区：コード、地区の名前、英語の名前（省略可）。登録済みのコードは名前を変えます。1行でも誤りがあれば、何も登録しません。",
	  "The first line is a header; then one area a line: code, name, English name (may be left out). An existing code is renamed. If any line is wrong, nothing is saved.", NULL },
	{ "notify.areas.import.file", "CSVファイル", "CSV file", NULL },
	{ "notify.areas.import.hint", "UTF-8 または Shift_JIS（Excel の CSV）。64KBまで。下の「CSVで書き出す」と同じ形です。",
	  "UTF-8 or Shift_JIS (Excel's CSV), up to 64 KB. The same layout as \"Export as CSV\" below.", NULL },
	{ "notify.areas.import.go", "読み込む", "Import", NULL },
	{ "notify.areas.export", "地区の一覧をCSVで書き出す", "Export the areas as CSV", NULL },
	{ "notify.areas.imported", "CSVファイルを読み込みました：追加 %s、名前の変更 %s。", "The file was read: %s added, %s renamed.", NULL },
	{ "notify.areas.import.error.none", "CSVファイルを選んでください。", "Choose a CSV file.", NULL },
	{ "notify.areas.import.error.line", "%ld行目: %s 何も登録していません。", "Line %ld: %s Nothing was saved.", NULL },
	{ "notify.areas.import.bad.csv", "CSVとして読めません（引用符の閉じ忘れなど）。", "It cannot be read as CSV (an unclosed quote, say).", NULL },
	{ "notify.areas.import.bad.columns", "列は2つか3つにしてください（コード、地区の名前、英語の名前）。", "Give 2 or 3 columns (code, name, English name).", NULL },
	{ "notify.areas.import.bad.code", "地区のコードは、半角の英小文字・数字・_ で32文字までです。", "An area code is lower-case letters, digits and _, up to 32.", NULL },
	{ "notify.areas.import.bad.name_ja", "地区の名前は、改行なしで40文字までです（空にはできません）。", "A name is 1 to 40 characters on one line.", NULL },
	{ "notify.areas.import.bad.name_en", "英語の名前は、改行なしで120文字までです。", "An English name is up to 120 characters on one line.", NULL },
	{ "notify.areas.import.bad.twice", "同じコードが2回あります。", "The same code is given twice.", NULL },
	{ "notify.areas.import.bad.limit", "地区は200までです（ファイルは64KBまで）。", "At most 200 areas (and a file of 64 KB).", NULL },
	{ "notify.areas.import.bad.empty", "地区が1行もありません（1行目は見出しです）。", "There is no area in the file (the first line is the header).", NULL },
	{ "notify.areas.saved", "地区を保存しました。", "The area was saved.", NULL },
	{ "notify.areas.removed", "地区を削除しました。", "The area was removed.", NULL },
	{ "notify.areas.error.code", "地区のコードを、半角の英小文字・数字・_ で32文字までで入力してください。",
	  "Enter the area code: lower-case letters, digits and _, up to 32.", NULL },
	{ "notify.areas.error.name_ja", "地区の名前を、改行なしで40文字までで入力してください。",
	  "Enter the area's name, on one line, up to 40 characters.", NULL },
	{ "notify.areas.error.name_en", "英語の名前は、改行なしで120文字までにしてください。",
	  "The English name is at most 120 characters, on one line.", NULL },
	{ "notify.areas.error.limit", "地区は200までです。", "There can be at most 200 areas.", NULL },
	{ "notify.areas.error.in_use", "この地区は %lld 人が受け取っているため削除できません。",
	  "%lld residents subscribe to this area: it cannot be removed.", NULL },
	{ "notify.areas.error.not_found", "その地区はありません。", "There is no such area.", NULL },
	{ "notify.areas.error.failed", "地区を保存できませんでした。時間をおいてもう一度お試しください。",
	  "The areas could not be saved. Please try again later.", NULL },
	{ "notify.send.page", "お知らせの配信", "Send a notice", NULL },
	{ "notify.send.nav.summary", "区からのお知らせや災害のお知らせを、受け取りを登録した住民に、メール・SMS・LINE で送ります。",
	  "Send news or a disaster alert to the residents who subscribed, by e-mail, SMS and LINE.", NULL },
	{ "notify.send.lead", "受け取りを登録した住民に、それぞれが選んだ方法（メール・SMS・LINE）で送ります。"
	  "「確認する」で、届く人数と文面を確かめてから送信してください。緊急でないお知らせは、21時から朝8時までは送らず、朝に送ります。",
	  "The notice goes to the residents who subscribed, by the ways each chose (e-mail, SMS, LINE). "
	  "Check how many get it and the texts first. Notices that are not emergencies are held from 21:00 to 08:00.", NULL },
	{ "notify.send.kind", "配信するお知らせ", "What to send", NULL },
	{ "notify.send.kind.news", "区からのお知らせ（登録した全員）", "News from the ward (everyone who subscribed)", NULL },
	{ "notify.send.kind.disaster", "災害のお知らせ（地区ごと）", "A disaster alert (one area)", NULL },
	{ "notify.send.category", "分野（区からのお知らせのとき）", "Category (for news)", NULL },
	{ "notify.send.category.hint", "分野を選ぶと、「すべて」とその分野を登録した住民に1通ずつ送ります。",
	  "With a category, residents who subscribed to all news or to that category get it, once each.", NULL },
	{ "notify.send.category.none", "（分野なし：「すべて」を登録した住民だけ）", "(none: those who subscribed to all news)", NULL },
	{ "notify.send.error.category", "分野を一覧から選んでください。", "Choose a category from the list.", NULL },
	{ "notify.send.area", "地区（災害のお知らせのとき）", "Area (for a disaster alert)", NULL },
	{ "notify.send.area.hint", "住民がマイページで選んだ地区です。地区は「災害のお知らせの地区」のページで登録します。",
	  "The area residents chose on My page. Areas are kept on the page \"Areas of disaster alerts\".", NULL },
	{ "notify.send.area.choose", "地区を選んでください", "Choose an area", NULL },
	{ "notify.send.title_field", "件名", "Title", NULL },
	{ "notify.send.title.hint", "80文字まで。SMS にはこの件名だけが載ります。",
	  "Up to 80 characters. An SMS carries only the title.", NULL },
	{ "notify.send.text", "本文", "Text", NULL },
	{ "notify.send.text.hint", "2000文字まで。メールと LINE に載ります。",
	  "Up to 2,000 characters, sent by e-mail and LINE.", NULL },
	{ "notify.send.emergency", "緊急（災害のお知らせのみ）", "Emergency (disaster alerts only)", NULL },
	{ "notify.send.emergency.hint", "ほかのすべての送信より先に、夜間でもすぐに送ります。",
	  "Sent before everything else queued, at once, even at night.", NULL },
	{ "notify.send.emergency.note", "緊急として、ほかの送信より先に、すぐに送ります。",
	  "As an emergency, this goes before everything else, at once.", NULL },
	{ "notify.send.held", "いまは夜間のため、朝8時に送ります。", "It is night now: this goes at 08:00.", NULL },
	{ "notify.send.check", "確認する", "Check", NULL },
	{ "notify.send.confirm", "配信の確認", "Check before sending", NULL },
	{ "notify.send.counts", "配信先 %s: メール %lld 人、SMS %lld 人、LINE %lld 人",
	  "To %s: e-mail %lld, SMS %lld, LINE %lld", NULL },
	{ "notify.send.sms_units", "SMS の長さ: %d 文字（%d 通分の料金）", "SMS length: %d characters (%d segments charged)", NULL },
	{ "notify.send.go", "送信する", "Send", NULL },
	{ "notify.send.edit", "直す", "Edit", NULL },
	{ "notify.send.done", "%s に送信しました（送信待ちに入れました）: メール %s 件、SMS %s 件、LINE %s 件。",
	  "Sent to %s (queued): e-mail %s, SMS %s, LINE %s.", NULL },
	{ "notify.send.error.kind", "配信するお知らせを選んでください。", "Choose what to send.", NULL },
	{ "notify.send.error.area", "地区を一覧から選んでください。", "Choose an area from the list.", NULL },
	{ "notify.send.error.emergency", "緊急にできるのは、災害のお知らせだけです。",
	  "Only a disaster alert can be an emergency.", NULL },
	{ "notify.send.error.title", "件名を、改行なしで80文字までで入力してください。",
	  "Enter a title of up to 80 characters on one line.", NULL },
	{ "notify.send.error.text", "本文を2000文字までで入力してください。", "Enter a text of up to 2,000 characters.", NULL },
	{ "notify.send.error.template", "この件名と本文では送れません（メールの件名か SMS が長すぎます）。件名を短くしてください。",
	  "This cannot be sent: the e-mail subject or the SMS would be too long. Shorten the title.", NULL },
	{ "notify.send.error.base", "区の公開アドレスが設定されていないため、配信停止のリンクを作れません。",
	  "The ward's public address is not set, so the unsubscribe links cannot be made.", NULL },
	{ "notify.send.error.failed", "送信の準備ができませんでした。時間をおいてもう一度お試しください。",
	  "The notice could not be queued. Please try again later.", NULL },
	{ "roles.perm.notify.templates", "お知らせメールの文面（テンプレート）の編集",
	  "Edit the templates of messages to residents", NULL },
	{ "notify.staff.title", "メールの文面（テンプレート）", "Message templates",
	  "メールの ぶんめん（テンプレート）" },
	{ "notify.staff.nav.summary", "住民に送るメールの文面を、日本語・英語・やさしい日本語で編集します。",
	  "Edit the messages sent to residents, in Japanese, English and Easy Japanese.",
	  "じゅうみんに おくる メールの ぶんめんを、にほんご・えいご・やさしい にほんごで なおします。" },
	{ "notify.staff.lead", "区が送るメールは、ここにある文面から作られます。保存するたびに新しい版になり、"
	  "いちばん新しい版が使われます。前の版は履歴に残ります。",
	  "The messages the ward sends are made from these texts. Each save makes a new version; "
	  "the newest is used, and older ones stay in the history.",
	  "区が おくる メールは、ここの ぶんめんから つくります。ほぞんする たびに あたらしい はんに なり、"
	  "いちばん あたらしい はんを つかいます。まえの はんは りれきに のこります。" },
	{ "notify.staff.col.template", "テンプレート", "Template", "テンプレート" },
	{ "notify.staff.col.channel", "送信方法", "Channel", "おくりかた" },
	{ "notify.staff.col.version", "版", "Version", "はん" },
	{ "notify.staff.col.updated", "更新日時", "Updated", "なおした じかん" },
	{ "notify.staff.col.author", "更新者", "By", "なおした ひと" },
	{ "notify.staff.channel.email", "メール", "E-mail", "メール" },
	{ "notify.staff.channel.sms", "SMS", "SMS", "SMS" },
	{ "notify.staff.channel.line", "LINE", "LINE", "LINE" },
	{ "notify.staff.none", "テンプレートはまだありません。", "There are no templates yet.",
	  "テンプレートは まだ ありません。" },
	{ "notify.staff.edit", "メールの文面の編集", "Edit a message template", "メールの ぶんめんを なおす" },
	{ "notify.staff.current", "使われている版: %d（%s、%s）", "Version in use: %d (%s, %s)",
	  "いま つかって いる はん: %d（%s、%s）" },
	{ "notify.staff.fields", "使える差し込み項目", "Placeholders you can use", "つかえる さしこみ こうもく" },
	{ "notify.staff.fields.hint", "文面に ((名前)) と書くと、送るときにその値が入ります。項目ごとの例は、プレビューで使う値です。"
	  "ここにない項目は、送るプログラムが渡さないため使えません。",
	  "Write ((name)) in a text and its value goes there when the message is sent. Under each is "
	  "the example the preview uses. Other names cannot be used: the sending code does not give them.",
	  "ぶんめんに ((なまえ)) と かくと、おくる ときに その あたいが はいります。それぞれの れいは、"
	  "プレビューで つかう あたいです。ここに ない ものは つかえません。" },
	{ "notify.staff.lang.ja", "日本語", "Japanese", "にほんご" },
	{ "notify.staff.lang.en", "英語", "English", "えいご" },
	{ "notify.staff.lang.easy", "やさしい日本語", "Easy Japanese", "やさしい にほんご" },
	{ "notify.staff.lang.hint", "件名と本文の両方を書くか、両方を空にしてください。空のときは日本語の文面を送ります。",
	  "Write both the subject and the text, or leave both empty: the Japanese text is sent then.",
	  "けんめいと ほんぶんの りょうほうを かくか、りょうほうを からに して ください。"
	  "からの ときは にほんごの ぶんめんを おくります。" },
	{ "notify.staff.field.subject", "件名", "Subject", "けんめい" },
	{ "notify.staff.field.body", "本文", "Text", "ほんぶん" },
	{ "notify.staff.field.note", "変更メモ", "Note on the change", "なおした ことの メモ" },
	{ "notify.staff.field.note.hint", "何を、なぜ変えたかを短く書いてください。履歴に残ります。",
	  "Say briefly what you changed and why; it stays in the history.",
	  "なにを、なぜ なおしたかを みじかく かいて ください。りれきに のこります。" },
	{ "notify.staff.save", "新しい版として保存", "Save as a new version", "あたらしい はんとして ほぞん" },
	{ "notify.staff.preview", "プレビュー", "Preview", "プレビュー" },
	{ "notify.staff.preview.title", "プレビュー（例の値で表示しています。まだ保存していません）",
	  "Preview (with the example values; not saved yet)",
	  "プレビュー（れいの あたいで みせて います。まだ ほぞん して いません）" },
	{ "notify.staff.preview.fallback", "この言語の文面は空のため、日本語の文面を送ります。",
	  "This language is empty: the Japanese text is sent.",
	  "この ことばの ぶんめんは からなので、にほんごの ぶんめんを おくります。" },
	{ "notify.staff.saved", "版 %d を保存しました。これから送るメールにはこの版が使われます。",
	  "Version %d was saved and is used from now on.",
	  "はん %d を ほぞん しました。これから おくる メールは この はんを つかいます。" },
	{ "notify.staff.history", "変更履歴", "History", "なおした りれき" },
	{ "notify.staff.history.failed", "履歴を読み込めませんでした。", "The history could not be read.",
	  "りれきを よめませんでした。" },
	{ "notify.staff.version", "版 %d", "Version %d", "はん %d" },
	{ "notify.staff.meta", "%s・%s", "%s, by %s", "%s・%s" },
	{ "notify.staff.first", "最初の版です。", "The first version.", "さいしょの はんです。" },
	{ "notify.staff.nochange", "文面の変更はありません。", "The texts did not change.",
	  "ぶんめんは かわって いません。" },
	{ "notify.staff.text_label", "%s（%s）", "%s (%s)", "%s（%s）" },
	{ "notify.staff.before", "変更前", "Before", "まえ" },
	{ "notify.staff.after", "変更後", "After", "あと" },
	{ "notify.staff.empty", "（空）", "(empty)", "（から）" },
	{ "notify.staff.back", "テンプレートの一覧へ戻る", "Back to the templates", "テンプレートの いちらんへ もどる" },
	{ "notify.staff.error.conflict", "ほかの職員が先に新しい版を保存しました。下の変更履歴を確かめてから、"
	  "もう一度保存すると、入力した文面が次の版になります。",
	  "Someone saved a newer version meanwhile. Check the history below; saving again makes your "
	  "texts the next version.",
	  "ほかの ひとが さきに あたらしい はんを ほぞん しました。したの りれきを みてから、"
	  "もう いちど ほぞん すると、あなたの ぶんめんが つぎの はんに なります。" },
	{ "notify.error.not_found", "このテンプレートはありません。", "There is no such template.",
	  "この テンプレートは ありません。" },
	/* My page: notifications (web/page_subs.c) */
	{ "notify.subs.title", "お知らせの受け取り", "Notifications", "おしらせの うけとり" },
	{ "notify.subs.lead", "受け取りたいお知らせを選んでください。お知らせのメールには、配信を止めるリンクが付いています。"
	  "緊急でないお知らせは、夜（21時から朝8時まで）には送らず、朝に送ります。",
	  "Choose the notifications you want. Every message has a link to stop them. "
	  "Messages that are not emergencies are not sent at night (21:00 to 08:00); they come in the morning.",
	  "うけとりたい おしらせを えらんで ください。メールには、とめる ための リンクが あります。"
	  "きんきゅうで ない おしらせは、よる（21じ から あさ 8じ まで）は おくらず、あさに おくります。" },
	{ "notify.category.kurashi", "くらし・手続き", "Living and procedures", "くらしと てつづき" },
	{ "notify.category.kosodate", "子育て・教育", "Children and education", "こそだてと べんきょう" },
	{ "notify.category.fukushi", "健康・福祉", "Health and welfare", "けんこうと ふくし" },
	{ "notify.category.bosai", "防災・安全", "Disasters and safety", "さいがいへの そなえと あんぜん" },
	{ "notify.category.kankyo", "環境・ごみ", "Environment and waste", "かんきょうと ごみ" },
	{ "notify.category.bunka", "文化・スポーツ・イベント", "Culture, sports and events",
	  "ぶんか・スポーツ・イベント" },
	{ "notify.category.jigyosha", "事業者向け", "For businesses", "かいしゃや おみせの かたへ" },
	{ "notify.subs.topic.news", "区からのお知らせ（すべて）", "News from the ward (all of it)", "区からの おしらせ（ぜんぶ）" },
	{ "notify.subs.topic.news_of", "区からのお知らせ（%s）", "News from the ward (%s)", "区からの おしらせ（%s）" },
	{ "notify.subs.categories", "分野を選んでお知らせを受け取る", "News of chosen categories only",
	  "ぶんやを えらんで おしらせを うけとる" },
	{ "notify.subs.categories.hint", "「すべて」を選んでいないとき、ここで選んだ分野のお知らせだけが届きます。両方を選んでも、同じお知らせは1通だけです。",
	  "Without \"all\" above, only notices of the categories you choose here come. If you choose both, each notice still comes once.",
	  "うえの「ぜんぶ」を えらばないときは、ここで えらんだ ぶんやの おしらせだけが とどきます。りょうほうを えらんでも、おなじ おしらせは 1つだけ とどきます。" },
	{ "notify.subs.topic.waste", "粗大ごみの収集日のお知らせ（予約したとき）",
	  "Bulky waste: reminder of your collection day", "そだいごみを あつめる ひの おしらせ（よやく した とき）" },
	{ "notify.subs.topic.apply", "申請の状況が変わったとき", "When the status of your application changes",
	  "もうしこみの ようすが かわった とき" },
	{ "notify.subs.topic.booking", "施設予約の抽選の結果", "Facility booking: your lottery results",
	  "しせつ よやくの ちゅうせんの けっか" },
	{ "notify.subs.topic.disaster", "災害の緊急のお知らせ", "Disaster alerts", "さいがいの きんきゅうの おしらせ" },
	{ "notify.subs.area", "災害のお知らせを受け取る地区", "Area for disaster alerts",
	  "さいがいの おしらせを うけとる ちく" },
	{ "notify.subs.area.hint", "お住まいの地区、または家族や職場のある地区を一つ選んでください。",
	  "Choose one area: where you live, or where your family or work is.",
	  "すんでいる ちく、または かぞくや しごとばの ある ちくを 1つ えらんで ください。" },
	{ "notify.subs.area.choose", "地区を選んでください", "Choose an area", "ちくを えらんで ください" },
	{ "notify.subs.area.none", "この区では、まだ地区ごとの災害のお知らせを受け付けていません。",
	  "This ward does not offer disaster alerts by area yet.",
	  "この区では、まだ ちくごとの さいがいの おしらせは ありません。" },
	{ "notify.subs.channel.hint", "受け取り方を選んでください（いくつでも）。SMS と LINE は、このページの下のリンクから登録すると選べます。",
	  "Choose how to receive each (any number). SMS and LINE can be chosen once you set them up with the links below.",
	  "うけとりかたを えらんで ください（いくつでも）。SMS と LINE は、この ページの したの リンクから とうろく すると えらべます。" },
	{ "notify.subs.channel.email", "メール（%s）", "E-mail (%s)", "メール（%s）" },
	{ "notify.subs.channel.sms", "SMS（%s）", "SMS (%s)", "SMS（%s）" },
	{ "notify.subs.channel.line", "LINE", "LINE", "LINE" },
	{ "notify.subs.save", "保存する", "Save", "ほぞん する" },
	{ "notify.subs.saved", "お知らせの受け取りを保存しました。", "Your choice was saved.",
	  "おしらせの うけとりを ほぞん しました。" },
	{ "notify.subs.unverified", "お知らせを受け取るには、先にメールアドレスの確認を済ませるか、SMS の番号を登録するか、LINE と連携してください。",
	  "To receive notifications, first confirm your e-mail address, register an SMS number or link LINE.",
	  "おしらせを うけとるには、さきに メールアドレスの かくにんを するか、SMS の ばんごうを とうろく するか、LINE と れんけい して ください。" },
	{ "notify.subs.back", "マイページへ戻る", "Back to My page", "マイページへ もどる" },
	{ "notify.subs.error.area", "災害のお知らせを受け取る地区を、一覧から選んでください。",
	  "Choose the area for disaster alerts from the list.",
	  "さいがいの おしらせを うけとる ちくを、いちらんから えらんで ください。" },
	{ "notify.subs.error.unavailable", "お知らせの設定を読み込めませんでした。時間をおいてもう一度お試しください。",
	  "Your notification settings could not be read. Please try again later.",
	  "おしらせの せっていを よめませんでした。あとで もう いちど して ください。" },
	{ "notify.unsub.title", "お知らせの配信の停止", "Stop these messages", "おしらせを とめる" },
	{ "notify.unsub.confirm", "次のお知らせの配信を止めます。よろしければ、ボタンを押してください。",
	  "These messages will stop. Press the button to confirm.",
	  "つぎの おしらせを とめます。よければ、ボタンを おして ください。" },
	{ "notify.unsub.channel", "%s（%s で受け取り）", "%s (by %s)", "%s（%s で うけとり）" },
	{ "notify.unsub.button", "配信を停止する", "Stop these messages", "とめる" },
	{ "notify.unsub.done.title", "配信を停止しました", "Messages stopped", "とめました" },
	{ "notify.unsub.done", "次のお知らせは、もう送られません。", "You will no longer receive these messages.",
	  "つぎの おしらせは もう おくりません。" },
	{ "notify.unsub.manage", "お知らせの受け取りを設定する（ログインが必要です）",
	  "Choose your notifications (log in first)", "おしらせの うけとりを きめる（ログインが いります）" },
	{ "notify.unsub.error.not_found", "このリンクは使えません。すでに配信を停止しているか、リンクが正しくありません。",
	  "This link cannot be used: the messages were stopped already, or the link is not right.",
	  "この リンクは つかえません。もう とめて いるか、リンクが ただしく ありません。" },
	/* My page: the SMS number (web/page_sms.c) */
	{ "notify.smsno.title", "SMS でお知らせを受け取る", "Receive notices by SMS", "SMS で おしらせを うけとる" },
	{ "notify.smsno.entry", "SMS でお知らせを受け取る（携帯電話番号の確認）", "Receive notices by SMS (confirm your mobile number)",
	  "SMS で おしらせを うけとる（けいたいの ばんごうの かくにん）" },
	{ "notify.smsno.off", "この区では、いまは SMS でお知らせを送っていません。", "This ward does not send notices by SMS at present.",
	  "この 区は いま SMS で おしらせを おくって いません。" },
	{ "notify.smsno.lead", "携帯電話の番号を入力してください。確認のためのコードを SMS で送ります。",
	  "Enter your mobile number. We send a code by SMS to confirm it.",
	  "けいたい でんわの ばんごうを いれて ください。かくにんの コードを SMS で おくります。" },
	{ "notify.smsno.phone", "携帯電話の番号", "Mobile number", "けいたい でんわの ばんごう" },
	{ "notify.smsno.phone.hint", "日本の携帯電話の番号（070・080・090）。例: 090-1234-5678",
	  "A Japanese mobile number (070, 080, 090). For example 090-1234-5678",
	  "にほんの けいたい でんわの ばんごう（070・080・090）。れい: 090-1234-5678" },
	{ "notify.smsno.send", "確認のコードを送る", "Send the code", "コードを おくる" },
	{ "notify.smsno.sent", "確認のコードを SMS で送りました。15分以内に入力してください。",
	  "A code was sent by SMS. Enter it within 15 minutes.", "コードを SMS で おくりました。15ふん いないに いれて ください。" },
	{ "notify.smsno.code", "確認のコード（6けたの数字）", "The code (6 digits)", "かくにんの コード（6けたの すうじ）" },
	{ "notify.smsno.code.hint", "SMS に書かれた6けたの数字です。", "The 6 digits in the SMS.", "SMS に ある 6けたの すうじです。" },
	{ "notify.smsno.verify", "確認する", "Confirm", "かくにん する" },
	{ "notify.smsno.done", "携帯電話の番号を確認しました。", "Your mobile number is confirmed.", "ばんごうを かくにん しました。" },
	{ "notify.smsno.verified", "確認済みの番号:", "Confirmed number:", "かくにん した ばんごう:" },
	{ "notify.smsno.remove", "この番号を削除する", "Remove this number", "この ばんごうを けす" },
	{ "notify.smsno.removed", "番号を削除しました。", "The number was removed.", "ばんごうを けしました。" },
	{ "notify.smsno.error.phone", "携帯電話の番号を、090-1234-5678 のように入力してください。",
	  "Enter a mobile number such as 090-1234-5678.", "けいたいの ばんごうを 090-1234-5678 の ように いれて ください。" },
	{ "notify.smsno.error.code", "コードが違います。SMS の6けたの数字を入力してください。",
	  "The code is not right. Enter the 6 digits from the SMS.", "コードが ちがいます。SMS の 6けたの すうじを いれて ください。" },
	{ "notify.line.error.too_many", "リンクのコードを作った回数が多すぎます。1時間ほどたってから、もう一度お試しください。",
	  "Too many link codes were made. Please try again in about an hour.",
	  "コードを つくった かいすうが おおすぎます。1じかん ぐらい たってから、もう いちど して ください。" },
	{ "notify.smsno.error.too_many", "コードを送った回数が多すぎます。1時間ほどたってから、もう一度お試しください。",
	  "Too many codes were sent. Please try again in an hour.",
	  "コードを おくった かいすうが おおすぎます。1じかん ほど まって から して ください。" },
	{ "notify.smsno.error.expired", "コードの期限が切れたか、使えなくなりました。もう一度コードを送ってください。",
	  "The code expired or can no longer be used. Send a new code.", "コードが つかえなく なりました。もう いちど コードを おくって ください。" },
	/* My page: LINE (web/page_line.c) */
	{ "notify.line.title", "LINE でお知らせを受け取る", "Receive notices on LINE", "LINE で おしらせを うけとる" },
	{ "notify.line.entry", "LINE でお知らせを受け取る（連携の設定）", "Receive notices on LINE (link your LINE)",
	  "LINE で おしらせを うけとる（せってい）" },
	{ "notify.line.off", "この区では、いまは LINE でお知らせを送っていません。", "This ward does not send notices on LINE at present.",
	  "この 区は いま LINE で おしらせを おくって いません。" },
	{ "notify.line.lead", "LINE はまだ連携していません。連携のためのコードを表示し、区の LINE 公式アカウントに送ってください。",
	  "Your LINE is not linked yet. Get a code and send it to the ward's official LINE account.",
	  "LINE は まだ つないで いません。コードを だして、区の LINE こうしき アカウントに おくって ください。" },
	{ "notify.line.get_code", "連携のコードを表示する", "Show a link code", "つなぐ ための コードを だす" },
	{ "notify.line.code.lead", "次のコードを、15分以内に区の LINE 公式アカウントへメッセージで送ってください。コードは一度だけ使えます。",
	  "Send this code as a message to the ward's official LINE account within 15 minutes. It works once.",
	  "この コードを 15ふん いないに 区の LINE こうしき アカウントへ おくって ください。1かい だけ つかえます。" },
	{ "notify.line.code.label", "連携のコード:", "Link code:", "コード:" },
	{ "notify.line.code.hint", "送ると、LINE に「連携しました」とお知らせが届きます。このコードはほかの人に教えないでください。",
	  "When you send it, LINE tells you the link is made. Do not share this code.",
	  "おくると、LINE に「つなぎました」と とどきます。この コードは ほかの ひとに おしえないで ください。" },
	{ "notify.line.check", "連携できたか確かめる", "Check the link", "つなげたか たしかめる" },
	{ "notify.line.linked", "LINE と連携しています。お知らせを LINE で受け取れます。", "Your LINE is linked: notices can reach you on LINE.",
	  "LINE と つないで います。おしらせを LINE で うけとれます。" },
	{ "notify.line.unlink", "LINE の連携を解除する", "Unlink LINE", "LINE を はずす" },
	{ "notify.line.unlinked", "LINE の連携を解除しました。", "LINE was unlinked.", "LINE を はずしました。" },
	{ "notify.line.back", "お知らせの受け取りへ戻る", "Back to Notifications", "おしらせの うけとりへ もどる" },
	/* SMS and LINE messages (web/page_channels.c) */
	{ "notify.msg.title", "SMS・LINE の送信状況", "SMS and LINE messages", "SMS・LINE を おくった ようす" },
	{ "notify.msg.nav.summary", "SMS と LINE で送ったお知らせの状態（届いた・失敗・届かない）と理由を見ます。",
	  "The state of messages sent by SMS and LINE (delivered, failed, undeliverable) and why.",
	  "SMS と LINE で おくった おしらせが とどいたか、とどかなかったかと、その りゆうを みます。" },
	{ "notify.msg.lead", "SMS と LINE で送ったお知らせです。失敗や届かなかったものは、理由のコードを表示します。",
	  "Messages sent by SMS and LINE. Failed and undeliverable ones show the reason code.",
	  "SMS と LINE で おくった おしらせです。とどかなかった ものは りゆうの コードを だします。" },
	{ "notify.msg.lead.off", "SMS の送信先（事業者）が設定されていないため、SMS は送られません。待っているお知らせは、設定されるまで送信待ちのままです。",
	  "No SMS provider is configured: nothing is sent by SMS, and queued messages wait until one is.",
	  "SMS の じぎょうしゃが せっていされて いないので、SMS は おくりません。" },
	{ "notify.msg.lead.line_off", "LINE の設定（チャネルのトークンと秘密鍵）がないため、LINE は送られません。",
	  "LINE is not configured (channel token and secret): nothing is sent by LINE.",
	  "LINE の せっていが ないので、LINE は おくりません。" },
	{ "notify.msg.filter", "状態", "State", "じょうたい" },
	{ "notify.msg.show", "表示", "Show", "みる" },
	{ "notify.msg.none", "該当するお知らせはありません。", "No messages.", "ありません。" },
	{ "notify.msg.one", "SMS・LINE のお知らせ", "An SMS or LINE message", "SMS・LINE の おしらせ" },
	{ "notify.msg.back", "一覧へ戻る", "Back to the list", "いちらんへ もどる" },
	{ "notify.msg.text", "本文", "Text", "ほんぶん" },
	{ "notify.msg.text.hidden", "確認のコードを含むため、表示しません（送った後は保存もしません）。",
	  "Not shown: it holds a verification code (and is not kept once sent).",
	  "かくにんの コードが はいって いるので、みせません。" },
	{ "notify.msg.state.all", "すべて", "All", "ぜんぶ" },
	{ "notify.msg.state.queued", "送信待ち", "Queued", "まって いる" },
	{ "notify.msg.state.sending", "送信中", "Sending", "おくって いる" },
	{ "notify.msg.state.delivered", "配信済み", "Delivered", "とどいた" },
	{ "notify.msg.state.failed", "失敗", "Failed", "しっぱい" },
	{ "notify.msg.state.bounced", "届かなかった", "Undeliverable", "とどかなかった" },
	{ "notify.msg.lane.emergency", "緊急（先に送信）", "Emergency (sent first)", "きんきゅう（さきに おくる）" },
	{ "notify.msg.lane.normal", "通常", "Normal", "ふつう" },
	{ "notify.msg.col.created", "作成日時", "Created", "つくった じかん" },
	{ "notify.msg.col.state", "状態", "State", "じょうたい" },
	{ "notify.msg.col.lane", "優先", "Lane", "じゅんばん" },
	{ "notify.msg.col.attempts", "試行回数", "Attempts", "ためした かいすう" },
	{ "notify.msg.col.error", "理由のコード", "Reason code", "りゆうの コード" },
	{ "notify.msg.col.to", "宛先", "To", "あてさき" },
	{ "notify.msg.col.sent", "事業者が受け付けた日時", "Accepted by the provider", "うけつけた じかん" },
	{ "notify.msg.col.done", "結果の日時", "Outcome at", "けっかの じかん" },
	{ "notify.msg.col.next", "次の試行", "Next attempt", "つぎに ためす じかん" },
	{ "notify.msg.col.segments", "SMS の通数（分割）", "SMS segments", "SMS の かず" },
	{ "notify.msg.error.state", "状態の指定が正しくありません。", "The state filter is not valid.",
	  "じょうたいの えらびかたが ちがいます。" },
	{ "notify.message.not_found", "このお知らせはありません。", "There is no such message.",
	  "この おしらせは ありません。" },
	{ "notify.channel.error.disabled", "この送信方法は使えません。", "This channel is not available.",
	  "この おくりかたは つかえません。" },
	{ "notify.channel.error.too_large", "通知が大きすぎます（%d バイトまで）。", "The notice is too large (at most %d bytes).",
	  "つうちが おおきすぎます（%d バイト まで）。" },
	{ "notify.channel.error.callback", "通知の形式が正しくありません。", "The notice is not well-formed.",
	  "つうちの かたちが ちがいます。" },
	{ "notify.channel.error.signature", "通知の署名を確認できません。", "The notice's signature could not be verified.",
	  "つうちの しょめいを たしかめられません。" },
	{ "notify.channel.error.not_found", "この通知に当たるお知らせはありません。", "No message matches this notice.",
	  "この つうちに あう おしらせは ありません。" },
	{ "notify.channel.error.unavailable", "いまは処理できません。時間をおいてもう一度お試しください。",
	  "This cannot be done now. Please try again later.", "いまは できません。あとで もう いちど して ください。" },
};

static const struct svc_cli cli[] = {
	{ "notify", cli_notify, "message templates (list, show, render, defaults); send to a topic; a message's status" },
};

static const struct svc_option options[] = {
	{ "sms-url", "URL  the SMS provider's API base (Twilio's Messages API shape; with the two below)",
	  notify_channels_check_url, "--sms-url は http(s):// の URL です", "--sms-url must be an http(s):// URL" },
	{ "sms-key-file", "FILE  the SMS provider's AccountSid:AuthToken (mode 600)", NULL, NULL, NULL },
	{ "sms-from", "NUMBER  the sender's number for SMS (E.164, +81...)", notify_channels_check_phone,
	  "--sms-from は +81 で始まる E.164 形式の番号です", "--sms-from must be an E.164 number (+81...)" },
	{ "line-url", "URL  the LINE Messaging API base (https://api.line.me; with the two below)",
	  notify_channels_check_url, "--line-url は http(s):// の URL です", "--line-url must be an http(s):// URL" },
	{ "line-token-file", "FILE  the LINE channel access token (mode 600)", NULL, NULL, NULL },
	{ "line-secret-file", "FILE  the LINE channel secret, for the webhook's signature (mode 600)",
	  NULL, NULL, NULL },
	/* webhooks to staff systems (hooks_web.h) */
	NOTIFY_HOOKS_OPTIONS,
};

static const struct svc_job jobs[] = {
	{ NOTIFY_DELIVER_JOB, notify_deliver_job, 0 },
	/* webhooks to staff systems (hooks_web.h) */
	NOTIFY_HOOKS_JOBS,
};

static int init(void **state, struct app *a, struct err *e)
{
	*state = NULL;
	return notify_channels_init(a, e);
}

static void done(void *state)
{
	(void)state;
	notify_channels_done();
}

const struct svc svc_notify = {
	.name = "notify",
	.summary = "notifications: message templates in three languages, versioned, edited by staff",
	.schema = &notify_schema,
	.routes = notify_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.jobs = jobs, .njobs = SVC_COUNT(jobs),
	.options = options, .noptions = SVC_COUNT(options),
	.demo = demo,
	.init = init, .done = done,
	.mail = mail_hook,
	.account_closed = account_closed,
};
