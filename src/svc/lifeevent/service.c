/*
 * service.c -- the descriptor of life events (src/web/svc.h): the
 * interviews that start a bundle of procedures (connected one-stop), the
 * staff counter (書かない窓口), their routes and menu entries, the
 * `--life-events DIR` option whose interviews init loads into the slot,
 * and the pages' messages: Japanese, English and やさしい日本語 for all
 * that residents read; the counter's (lifeevent.counter.*, staff only)
 * in Japanese and English.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/lifeevent/web/lifeevent_web.h"

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/life-events", "lifeevent.nav", "lifeevent.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/counter", "staff.nav.counter", "lifeevent.nav.counter.summary" },
};

static const struct html_msg msgs[] = {
	{ "lifeevent.nav", "引越し・出生・おくやみの手続", "Moving, births and deaths",
	  "ひっこし・こどもが うまれた・なくなった ときの てつづき" },
	{ "lifeevent.nav.summary", "いくつかの質問に答えると、必要な手続をまとめて申請できます。",
	  "Answer a few questions and apply for every procedure that applies at once.",
	  "しつもんに こたえると、ひつような てつづきを まとめて できます。" },
	{ "lifeevent.nav.counter.summary", "窓口で住民と一緒に質問に答え、申請書をまとめて作ります。",
	  "Answer the questions with a resident at the counter and make every form at once.", NULL },
	/* the list of life events (/life-events) */
	{ "lifeevent.list.title", "ライフイベントから探す",
	  "Procedures by life event", "くらしの できごとから さがす" },
	{ "lifeevent.list.lead", "いくつかの質問に答えると、必要な手続がまとめて分かり、まとめて申請できます。",
	  "Answer a few questions to see every procedure that applies to you, and apply for them together.",
	  "いくつかの しつもんに こたえると、ひつような てつづきが わかります。まとめて もうしこめます。" },
	{ "lifeevent.list.none", "現在、案内できるライフイベントはありません。",
	  "No life events are available.", "いまは あんない できる ものが ありません。" },
	/* the interview pages, for residents and at the counter */
	{ "lifeevent.interview.check", "入力内容を確認してください",
	  "Check your answers", "いれた ことを たしかめて ください" },
	{ "lifeevent.interview.next", "次へ", "Continue", "つぎへ" },
	{ "lifeevent.interview.back", "戻る", "Back", "もどる" },
	{ "lifeevent.interview.more_questions", "回答に応じて質問が追加されました。",
	  "More questions follow from your answers.", "しつもんが ふえました。" },
	/* the procedures that apply, after the last question */
	{ "lifeevent.result.title", "必要な手続", "Procedures that apply", "ひつような てつづき" },
	{ "lifeevent.result.lead", "回答から、次の手続が必要と考えられます。チェックを外すと、その手続は行いません。",
	  "From your answers, these procedures apply. Untick one to leave it out.",
	  "あなたの こたえから、つぎの てつづきが ひつようです。しない てつづきは、チェックを はずして ください。" },
	{ "lifeevent.result.legend", "申請する手続",
	  "Procedures to apply for", "もうしこむ てつづき" },
	{ "lifeevent.result.not_suggested", "（回答からは不要と考えられます）",
	  "(your answers suggest it does not apply) ",
	  "（こたえから みると、いらない てつづきです）" },
	{ "lifeevent.result.none_online", "この区では該当する手続をオンラインで受け付けていません。",
	  "None of these procedures is offered online here.",
	  "この 区では、この てつづきは インターネットで できません。" },
	{ "lifeevent.result.start", "これらの申請を始める",
	  "Start these applications", "もうしこみを はじめる" },
	{ "lifeevent.result.login_needed", "申請するにはログインしてください（ログイン後にもう一度質問に答えます）。",
	  "Log in to apply (you answer the questions again after logging in).",
	  "もうしこむには ログインして ください。ログインの あとで、もう いちど しつもんに こたえます。" },
	{ "lifeevent.result.login", "ログイン", "Log in", "ログイン" },
	/* a resident's bundle (/bundles/{id}): the drafts, one signature, one submit */
	{ "lifeevent.bundle.title", "まとめて申請", "Apply together", "まとめて もうしこむ" },
	{ "lifeevent.bundle.caption", "この申請に含まれる手続",
	  "The procedures in this application", "この もうしこみに ある てつづき" },
	{ "lifeevent.bundle.col.procedure", "手続", "Procedure", "てつづき" },
	{ "lifeevent.bundle.col.status", "状況", "Status", "いまの ようす" },
	{ "lifeevent.bundle.col.action", "操作", "Action", "すること" },
	{ "lifeevent.bundle.ready", "入力済み", "Ready", "いれました" },
	{ "lifeevent.bundle.needs_input", "入力が必要です",
	  "Needs your answers", "いれて ください" },
	{ "lifeevent.bundle.check", "確認・修正する", "Check or change", "みる・なおす" },
	{ "lifeevent.bundle.fill_in", "入力する", "Fill in", "いれる" },
	{ "lifeevent.bundle.submitted", "申請済み 受付番号",
	  "Submitted, receipt", "もうしこみました。うけつけ ばんごう" },
	{ "lifeevent.bundle.see_status", "状況を見る", "See its status", "ようすを みる" },
	{ "lifeevent.bundle.one_signature", "署名は1回で、この申請に含まれるすべての手続に対するものになります。",
	  "One signature covers every procedure in this application.",
	  "しょめいは 1かい だけです。この もうしこみの ぜんぶの てつづきに なります。" },
	{ "lifeevent.bundle.all_ready", "すべての手続の入力が済みました。まとめて申請できます。",
	  "Every procedure is ready: apply for them together.",
	  "ぜんぶの てつづきに いれました。まとめて もうしこめます。" },
	{ "lifeevent.bundle.fill_first", "「入力が必要です」の手続に入力してから申請してください。",
	  "Fill in the procedures that need your answers, then apply.",
	  "「いれて ください」の てつづきに いれてから、もうしこんで ください。" },
	{ "lifeevent.bundle.submit", "まとめて申請する",
	  "Apply for all of them", "まとめて もうしこむ" },
	{ "lifeevent.bundle.needs_answers", "入力が必要な手続があります。印の付いた手続を入力してください。申請はまだ送信されていません。",
	  "A procedure still needs your answers (marked). Nothing has been sent yet.",
	  "まだ いれて いない てつづきが あります。しるしの ある てつづきに いれて ください。もうしこみは まだ おくって いません。" },
	{ "lifeevent.bundle.sign_first", "署名する前に、印の付いた手続を入力してください。",
	  "Fill in the marked procedure before signing.",
	  "しょめいの まえに、しるしの ある てつづきに いれて ください。" },
	/* staff: the counter (書かない窓口, /staff/counter) */
	{ "lifeevent.counter.title", "書かない窓口", "Counter service (no forms to write)", NULL },
	{ "lifeevent.counter.lead", "来庁した方に質問し、該当する手続の申請書を記入済みで印刷します。住民基本台帳の住民コードを入れると、氏名・住所などが転記されます。",
	  "Ask the resident the questions; the forms of every procedure that applies are printed already filled in. With the resident's register code, name, address and the like are copied from the register.",
	  NULL },
	{ "lifeevent.counter.person", "住民コード（任意）", "Register code (optional)", NULL },
	{ "lifeevent.counter.start", "質問を始める", "Start the questions", NULL },
	{ "lifeevent.counter.print", "記入済みの申請書を印刷（PDF）",
	  "Print the filled-in forms (PDF)", NULL },
	/* error pages and JSON errors (app_send_error) */
	{ "lifeevent.counter.error.choose_procedures", "印刷する手続を選んでください（質問の回答も確認してください）。",
	  "Choose the procedures to print (and check the answers).",
	  NULL },
	{ "lifeevent.counter.error.no_register_code", "その住民コードは住民基本台帳にありません。",
	  "That register code is not in the resident register.",
	  NULL },
	{ "lifeevent.error.answers_unreadable", "回答を読み取れませんでした。",
	  "The answers could not be read.",
	  "こたえを よみとれませんでした。" },
	{ "lifeevent.error.choose_procedures", "申請する手続を選んでください（質問の回答も確認してください）。",
	  "Choose the procedures to apply for (and check the answers).",
	  "しんせいする てつづきを えらんで ください（しつもんの こたえも たしかめて ください）。" },
	{ "lifeevent.error.unknown", "このライフイベントはありません。",
	  "There is no such life event.",
	  "この ライフイベントは ありません。" },
	/* the mail of a bundle submitted whole (page_lifeevent.c: bundle_mail);
	 * %s the municipality, %d how many; the receipt numbers follow */
	{ "lifeevent.mail.bundle.subject", "申請を受け付けました", "Applications received",
	  "もうしこみを うけつけました" },
	{ "lifeevent.mail.bundle.body", "%s\n\nまとめて申請した %d 件の手続を受け付けました。"
	  "状況はマイページで確認できます。受付番号:",
	  "%s\n\nWe received your %d applications; check their status on My page. Receipt numbers "
	  "are listed above.",
	  "%s\n\nまとめて もうしこんだ %d この てつづきを うけつけました。"
	  "ようすは マイページで みられます。うけつけ ばんごう:" },
};

static const struct svc_option options[] = {
	{ "life-events", "DIR  life-event interviews (default data/life-events)", NULL, NULL, NULL },
};

const struct svc svc_lifeevent = {
	.name = "lifeevent",
	.summary = "life events: interviews, bundles of procedures, the staff counter",
	.routes = lifeevent_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.options = options, .noptions = SVC_COUNT(options),
	.init = app_life_events_init,
	.done = app_life_events_done,
};
