/*
 * service.c -- the descriptor of the bulky-waste service (src/web/svc.h):
 * the chatbot page /waste and its JSON (the item master read at start,
 * `serve --waste-items FILE`, default data/waste/items.csv), the home
 * tile, `madoguchi waste`.  Calendars, bookings and staff pages come next
 * (README.md, issue 15).
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/waste/web/waste_web.h"
#include "svc/waste/waste_int.h"

int cli_waste(int argc, char **argv);   /* cli.c */

static const struct svc_cli cli[] = {
	{ "waste", cli_waste, "bulky waste: the item matcher (ask, check)" },
};

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/waste", "waste.nav", "waste.nav.summary" },
};

static const struct svc_option options[] = {
	{ "waste-items", "FILE  the bulky-waste item master CSV (default data/waste/items.csv)", NULL, NULL, NULL },
};

static const struct html_msg msgs[] = {
	{ "waste.nav", "粗大ごみ", "Bulky waste", "おおきな ごみ" },
	{ "waste.nav.summary", "出したいものを書くと、出せるかどうかと手数料がわかります。",
	  "Write what you want to put out: see whether it is collected and the fee.",
	  "すてたい ものを かくと、だせるか どうかと、おかねが わかります。" },
	{ "waste.title", "粗大ごみ：品目と手数料", "Bulky waste: items and fees", "おおきな ごみ：なにを だすか と おかね" },
	{ "waste.lead",
	  "出したいものを、ふだんの言葉で書いてください（例：「3人掛けのソファと椅子2脚」）。"
	  "品目と手数料をお答えします。大きさで手数料が変わるものは、大きさをおたずねします。",
	  "Write what you want to put out in your own words (e.g. \"a 3-seat sofa and 2 chairs\"). "
	  "We tell you the item and its fee, and ask for the size when the size decides the fee.",
	  "だしたい ものを、いつもの ことばで かいて ください（れい：「3にんがけの ソファと いす 2つ」）。"
	  "なにか と おかねを おしえます。おおきさで おかねが かわる ものは、おおきさを ききます。" },
	{ "waste.q", "出したいもの", "What you want to put out", "だしたい もの" },
	{ "waste.q.hint", "いくつかある場合は「と」や「、」で区切ってください。",
	  "For several things, separate them with \"and\" or commas.",
	  "いくつか あるときは「と」や「、」で わけて ください。" },
	{ "waste.ask_button", "調べる", "Look up", "しらべる" },
	{ "waste.answers", "お答え", "Answer", "こたえ" },
	{ "waste.you_wrote", "入力：", "You wrote:", "あなたが かいた こと：" },
	{ "waste.read", "「%s」を「%s」として読みました。", "We read \"%s\" as \"%s\".",
	  "「%s」を「%s」と よみました。" },
	{ "waste.fuzzy", "（入力に近い品目です。違う場合は書き直してください）",
	  "(the closest item to what you wrote: if it is wrong, write it again)",
	  "（ちかい ものを えらびました。ちがう ときは かきなおして ください）" },
	{ "waste.fee", "手数料 %s円 × %d点 = %s円", "Fee %s yen × %d = %s yen", "おかね %sえん × %d = %sえん" },
	{ "waste.added", "出すものの一覧に入れました。", "Added to your list.", "リストに いれました。" },
	{ "waste.not", "「%s」（%s）は粗大ごみとして出せません。", "\"%s\" (%s) cannot be put out as bulky waste.",
	  "「%s」（%s）は おおきな ごみ として だせません。" },
	{ "waste.why.kaden_recycle", "家電リサイクル法の対象です（エアコン、テレビ、冷蔵庫・冷凍庫、洗濯機・衣類乾燥機）。",
	  "It falls under the Home Appliance Recycling Act (air conditioners, TVs, fridges and freezers, washing machines and dryers).",
	  "かでん リサイクルの ものです。" },
	{ "waste.why.pc_recycle", "パソコンはメーカーなどが回収します（パソコンリサイクル）。",
	  "Computers are taken back by their makers (PC recycling).", "パソコンは メーカーが あつめます。" },
	{ "waste.why.too_small", "小さいもの、ふだんのごみで出せるものは、粗大ごみではありません。",
	  "Small things, or things put out as ordinary waste, are not bulky waste.",
	  "ちいさい ものは、いつもの ごみの ひに だします。" },
	{ "waste.why.dangerous", "危険なもの（火災・爆発のおそれ）は収集できません。",
	  "Dangerous things (fire or explosion) are not collected.", "あぶない ものは あつめません。" },
	{ "waste.why.not_collectable", "区では収集できないものです。", "The ward does not collect it.",
	  "くでは あつめられない ものです。" },
	{ "waste.ask", "「%s」は大きさで手数料が変わります。%sはどれに当たりますか。",
	  "The fee for \"%s\" depends on its size. Which is it (%s)?",
	  "「%s」は おおきさで おかねが かわります。%sは どれですか。" },
	{ "waste.size.width", "幅", "width", "よこの ながさ" },
	{ "waste.size.height", "高さ", "height", "たかさ" },
	{ "waste.size.length", "長さ", "length", "ながさ" },
	{ "waste.size.max_side", "いちばん長い辺", "the longest side", "いちばん ながい ところ" },
	{ "waste.size.seats", "何人掛けか", "seats", "なんにん すわれるか" },
	{ "waste.size.inch", "タイヤの大きさ（インチ）", "wheel size (inches)", "タイヤの おおきさ" },
	{ "waste.size.tatami", "広さ（畳）", "size (tatami mats)", "ひろさ（たたみ）" },
	{ "waste.size.any", "種類", "kind", "しゅるい" },
	{ "waste.choice", "%s：%s円", "%s: %s yen", "%s：%sえん" },
	{ "waste.choice_not", "%s：粗大ごみではありません", "%s: not bulky waste", "%s：おおきな ごみ では ありません" },
	{ "waste.choose", "これにする", "Choose", "これに する" },
	{ "waste.none", "品目が見つかりませんでした。別の言葉や、もう少し短い言葉で書いてみてください（例：「ソファ」「本棚」）。",
	  "We found no item. Try other or shorter words (e.g. \"sofa\", \"bookshelf\").",
	  "みつかりません でした。ほかの ことばで かいて ください（れい：「ソファ」）。" },
	{ "waste.list", "出すもの", "Your list", "だす もの" },
	{ "waste.list.empty", "まだありません。", "Nothing yet.", "まだ ありません。" },
	{ "waste.col.item", "品目", "Item", "もの" },
	{ "waste.col.count", "数", "Count", "かず" },
	{ "waste.col.fee", "手数料", "Fee", "おかね" },
	{ "waste.drop", "取り消す", "Remove", "とりけす" },
	{ "waste.total", "手数料の合計：%s円", "Total fee: %s yen", "おかねの ごうけい：%sえん" },
	{ "waste.next",
	  "収集日の予約は、この一覧をもとに清掃事務所（お問い合わせのページ）で受け付けます。オンラインでの予約は準備中です。",
	  "Collection days are booked with this list at the Sanitation Office (see the help page). Booking online is being built.",
	  "あつめる ひの よやくは、この リストを もって せいそう じむしょで します。" },
	{ "waste.error.list", "一覧の内容が正しくありません。最初からやり直してください。",
	  "The list is not valid. Please start again.", "リストが ただしく ありません。はじめから やりなおして ください。" },
	{ "waste.error.full", "一度に出せるのは20品目までです。", "At most 20 items at a time.",
	  "いちどに 20こ までです。" },
	{ "waste.error.text", "入力を読めませんでした（130文字まで）。", "We could not read that (at most 130 characters).",
	  "よめません でした。みじかく かいて ください。" },
	{ "waste.error.unavailable", "粗大ごみの品目表を準備中です。", "The bulky-waste item list is not available.",
	  "いまは つかえません。" },
};

const struct svc svc_waste = {
	.name = "waste",
	.summary = "bulky-waste reception: the item master and the chatbot that reads residents' words",
	.schema = &waste_schema,
	.routes = waste_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.options = options, .noptions = SVC_COUNT(options),
	.init = waste_web_init,
	.done = waste_web_done,
	.demo = waste_demo,
};
