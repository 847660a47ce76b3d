/*
 * defaults.c -- the templates the platform ships: one for each message it
 * sends today (the receipt and state-change mail of applications, a life
 * event's bundle received, the residents' address check, password reset
 * and "address taken" mail, the staff account reset notice, the
 * bulky-waste reminder) and the payment
 * slip of issue 20, in Japanese, English and やさしい日本語.  A
 * municipality gets them as version 1 (notify_install_defaults; the demo
 * ward at `madoguchi demo`) and edits them from there.  Each lists the
 * fields its sending code gives and sample values for the editor's
 * preview.  The wording names no municipality: ((ward)) is its name.
 */
#include "svc/notify/notify.h"
#include "store/store.h"

#include <string.h>

const struct notify_default notify_defaults[] = {
	{ "apply.received", NOTIFY_EMAIL, "ward receipt procedure url",
	  "申請の受付（受付番号と確認ページ）", "An application received (receipt number and link)",
	  "ward=デモ区\nreceipt=R-2026-000123\nprocedure=犬の登録\nurl=https://demo.example.jp/submissions/R-2026-000123\n",
	  { { "【((ward))】申請を受け付けました（((receipt))）",
	      "((ward)) への申請を受け付けました。\n\n受付番号: ((receipt))\n手続: ((procedure))\n\n"
	      "申請の状況は次のページで確認できます（ログインが必要です）。\n((url))\n\n"
	      "このメールは送信専用です。\n" },
	    { "[((ward))] Application received (((receipt)))",
	      "Your application to ((ward)) has been received.\n\nReceipt number: ((receipt))\n"
	      "Procedure: ((procedure))\n\nCheck its status here (log in first):\n((url))\n\n"
	      "This message was sent automatically; please do not reply.\n" },
	    { "【((ward))】もうしこみを うけつけました（((receipt))）",
	      "((ward)) への もうしこみを うけつけました。\n\nうけつけ ばんごう: ((receipt))\n"
	      "てつづき: ((procedure))\n\nもうしこみの ようすは つぎの ページで みられます（ログインが いります）。\n"
	      "((url))\n\nこの メールに へんじは できません。\n" } } },
	{ "apply.state_changed", NOTIFY_EMAIL, "ward receipt state url",
	  "申請の状態の変更（受付番号と新しい状態）", "An application's status changed (receipt number and new status)",
	  "ward=デモ区\nreceipt=R-2026-000123\nstate=審査中\nurl=https://demo.example.jp/submissions/R-2026-000123\n",
	  { { "【((ward))】申請の状態が変わりました（((receipt))）",
	      "((ward))の電子申請窓口からのお知らせです。\n\n受付番号: ((receipt))\n新しい状態: ((state))\n\n"
	      "詳しくは次のページでご確認ください（ログインが必要です）。\n((url))\n\n"
	      "このメールは送信専用です。\n" },
	    { "[((ward))] Your application status has changed (((receipt)))",
	      "This is a notice from the online services of ((ward)).\n\nReceipt number: ((receipt))\n"
	      "New status: ((state))\n\nPlease see the details on this page (log-in required):\n((url))\n\n"
	      "This message was sent automatically; please do not reply.\n" },
	    { "【((ward))】もうしこみの ようすが かわりました（((receipt))）",
	      "((ward))の インターネットの まどぐちからの おしらせです。\n\nうけつけ ばんごう: ((receipt))\n"
	      "いまの ようす: ((state))\n\nくわしくは つぎの ページで みて ください（ログインが いります）。\n"
	      "((url))\n\nこの メールに へんじは できません。\n" } } },
	{ "auth.email_verify", NOTIFY_EMAIL, "ward url",
	  "住民アカウント登録時のメールアドレス確認", "Confirming a resident's e-mail address at registration",
	  "ward=デモ区\nurl=https://demo.example.jp/resident/verify?token=0123abcd\n",
	  { { "【((ward))】メールアドレスの確認",
	      "((ward)) の電子申請サービスにご登録いただき、ありがとうございます。\n"
	      "次のリンクを開いて、メールアドレスの確認を完了してください（48時間有効）。\n\n((url))\n\n"
	      "このメールに心当たりがない場合は、何もしないでください。\n" },
	    { "[((ward))] Confirm your e-mail address",
	      "Thank you for registering with the online services of ((ward)).\n"
	      "Open this link to confirm your e-mail address (valid for 48 hours):\n\n((url))\n\n"
	      "If you did not register, please ignore this message.\n" },
	    { "【((ward))】メールアドレスの かくにん",
	      "((ward)) の インターネットの てつづきに とうろく して くれて、ありがとう ございます。\n"
	      "つぎの リンクを ひらいて、メールアドレスの かくにんを おわらせて ください（48じかん つかえます）。\n\n"
	      "((url))\n\nこころあたりが ない ときは、なにも しないで ください。\n" } } },
	{ "auth.email_taken", NOTIFY_EMAIL, "ward url",
	  "登録済みのアドレスで再び登録されたときのお知らせ", "A registration with an address that has an account",
	  "ward=デモ区\nurl=https://demo.example.jp/resident/reset/confirm?token=0123abcd\n",
	  { { "【((ward))】アカウント登録のお申し込みについて",
	      "((ward)) の電子申請サービスで、このメールアドレスによる新規登録のお申し込みがありましたが、"
	      "このアドレスのアカウントはすでにあります。新しいアカウントは作っていません。\n\n"
	      "ご本人のお申し込みでしたら、いまのアカウントでログインしてください。"
	      "パスワードを忘れた場合は、次のリンクから再設定できます（1時間有効）。\n\n((url))\n\n"
	      "お心当たりがない場合は、このメールを無視してください。アカウントは変わりません。\n" },
	    { "[((ward))] About a registration with your address",
	      "Someone asked to register with this e-mail address for the online services of ((ward)),\n"
	      "but an account with this address exists already: no new account was made.\n"
	      "If it was you, log in with your account; if you forgot your password, this link\n"
	      "lets you choose a new one (valid for 1 hour):\n\n((url))\n\n"
	      "If it was not you, ignore this message: your account stays as it is.\n" },
	    { "【((ward))】アカウントの とうろくの もうしこみに ついて",
	      "((ward)) の インターネットの てつづきで、この メールアドレスで あたらしく とうろくする "
	      "もうしこみが ありました。でも、この アドレスの アカウントは もう あります。\n\n"
	      "パスワードを わすれた ときは、つぎの リンクから あたらしく できます（1じかん つかえます）。\n\n"
	      "((url))\n\nこころあたりが ない ときは、この メールを そのままに して ください。\n" } } },
	{ "auth.password_reset", NOTIFY_EMAIL, "ward url",
	  "住民のパスワード再設定", "A resident's password reset",
	  "ward=デモ区\nurl=https://demo.example.jp/resident/reset/confirm?token=0123abcd\n",
	  { { "【((ward))】パスワードの再設定",
	      "((ward)) のアカウントのパスワードの再設定を受け付けました。\n"
	      "次のリンクを開いて、新しいパスワードを設定してください（1時間有効）。\n\n((url))\n\n"
	      "お心当たりがない場合は、このメールを無視してください。パスワードは変わりません。\n" },
	    { "[((ward))] Reset your password",
	      "We received a request to reset the password of your account with ((ward)).\n"
	      "Open this link to choose a new password (valid for 1 hour):\n\n((url))\n\n"
	      "If you did not ask for this, ignore this message: your password stays as it is.\n" },
	    { "【((ward))】パスワードを あたらしく する",
	      "((ward)) の アカウントの パスワードを あたらしく する もうしこみを うけつけました。\n"
	      "つぎの リンクを ひらいて、あたらしい パスワードを きめて ください（1じかん つかえます）。\n\n"
	      "((url))\n\nこころあたりが ない ときは、この メールを そのままに して ください。\n" } } },
	{ "payments.slip_issued", NOTIFY_EMAIL, "ward amount due number url",
	  "コンビニ納付書の発行", "A convenience-store payment slip issued",
	  "ward=デモ区\namount=3,000\ndue=2026年12月31日\nnumber=P-2026-000045\nurl=https://demo.example.jp/payments/P-2026-000045/slip\n",
	  { { "【((ward))】納付書を発行しました（((number))）",
	      "((ward)) の手数料 ((amount))円 の納付書を発行しました。\n\n納付番号: ((number))\n納付期限: ((due))\n\n"
	      "次のページから納付書（PDF）を印刷し、コンビニエンスストアでお支払いください。\n((url))\n\n"
	      "このメールは送信専用です。\n" },
	    { "[((ward))] Your payment slip (((number)))",
	      "A payment slip for the fee of ((amount)) yen to ((ward)) has been issued.\n\n"
	      "Payment number: ((number))\nPay by: ((due))\n\n"
	      "Print the slip (PDF) from this page and pay at a convenience store:\n((url))\n\n"
	      "This message was sent automatically; please do not reply.\n" },
	    { "【((ward))】のうふしょを つくりました（((number))）",
	      "((ward)) に はらう おかね ((amount))えん の のうふしょを つくりました。\n\n"
	      "ばんごう: ((number))\nはらう ひの しめきり: ((due))\n\n"
	      "つぎの ページから のうふしょ（PDF）を いんさつして、コンビニで はらって ください。\n((url))\n\n"
	      "この メールに へんじは できません。\n" } } },
	{ "staff.account_reset", NOTIFY_EMAIL, "name ward login",
	  "職員アカウントのリセットのお知らせ（本人へ）", "A staff account reset (to the member)",
	  "name=窓口 花子\nward=デモ区\nlogin=hanako\n",
	  { { "【((ward))】職員アカウントがリセットされました",
	      "((name)) 様\n\n((ward)) の madoguchi 職員アカウント（ユーザー名: ((login))）のパスワードと"
	      "二要素認証が、管理者によってリセットされました。ログイン中のセッションはすべて終了しています。\n\n"
	      "管理者から仮パスワードを受け取り、次回ログイン時に新しいパスワードを設定し、"
	      "二要素認証を設定し直してください。\n\n"
	      "心当たりがない場合は、すぐに情報システム担当へ連絡してください。\n" },
	    { "[((ward))] Your staff account was reset",
	      "Dear ((name)),\n\nThe password and two-factor authentication of your madoguchi staff account "
	      "at ((ward)) (user name: ((login))) were reset by an administrator, and every session of it "
	      "was ended.\n\nGet the temporary password from the administrator; at your next login set a new "
	      "password and set up two-factor authentication again.\n\n"
	      "If you did not expect this, contact your IT staff at once.\n" },
	    { "", "" } } },
	/* the resident's language is not known at booking: the Japanese text
	 * (the one src/svc/waste/web/remind.c sends) ends with a short English
	 * paragraph, as the reminder did before it had a template */
	{ "news.notice", NOTIFY_EMAIL, "ward title text unsubscribe_url",
	  "お知らせの配信（登録した住民へ）", "News to subscribed residents",
	  "ward=デモ区\ntitle=年末年始の窓口のご案内\ntext=12月29日から1月3日まで、窓口はお休みです。\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "【((ward))】((title))",
	      "((text))\n\n――\nこのメールは、お知らせの配信を登録した方にお送りしています。\n"
	      "配信の停止: ((unsubscribe_url))\n" },
	    { "[((ward))] ((title))",
	      "((text))\n\n--\nYou receive this because you subscribed to news from ((ward)).\n"
	      "Unsubscribe: ((unsubscribe_url))\n" },
	    { "【((ward))】((title))",
	      "((text))\n\n――\nおしらせを うけとる ように とうろく した ひとに おくって います。\n"
	      "とめる: ((unsubscribe_url))\n" } } },
	{ "disaster.alert", NOTIFY_EMAIL, "ward area title text unsubscribe_url",
	  "災害の緊急のお知らせ（地区ごと）", "Disaster alert for an area",
	  "ward=デモ区\narea=chuo\ntitle=避難指示\ntext=川の水位が上がっています。すぐに避難してください。\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "【緊急・((ward))】((title))",
	      "((text))\n\n地区: ((area))\n\n――\n配信の停止: ((unsubscribe_url))\n" },
	    { "[Emergency, ((ward))] ((title))",
	      "((text))\n\nArea: ((area))\n\n--\nUnsubscribe: ((unsubscribe_url))\n" },
	    { "【きんきゅう・((ward))】((title))",
	      "((text))\n\nちく: ((area))\n\n――\nとめる: ((unsubscribe_url))\n" } } },
	{ "booking.won", NOTIFY_EMAIL, "ward round facility unit date date_iso band number confirm_by url",
	  "施設予約：抽選に当選（確定の期限）", "Facility booking: a lottery won (confirm by)",
	  "ward=デモ区\nround=2027年8月利用分 1次抽選\nfacility=デモ区立日之出会館\nunit=第1集会室\n"
	  "date=2027年8月3日（火）\ndate_iso=2027-08-03\nband=午前\nnumber=1000000008\nconfirm_by=2027年6月22日\n"
	  "url=https://demo.example.jp/mypage/facilities/1000000008\n",
	  { { "【((ward))】施設予約の抽選に当選しました",
	      "((round))の抽選に当選しました。\n\n施設: ((facility)) ((unit))\n日時: ((date)) ((band))\n"
	      "予約番号: ((number))\n\n((confirm_by))までに、次のページで予約を確定してください。"
	      "確定しないと予約は取り消されます。\n((url))\n\nこのメールは送信専用です。\n" },
	    { "[((ward))] You won a facility lottery",
	      "You won the lottery of ((round)).\n\nFacility: ((facility)) ((unit))\nWhen: ((date_iso)) ((band))\n"
	      "Booking: ((number))\n\nConfirm the booking by ((confirm_by)) on this page, or it is released:\n"
	      "((url))\n\nThis message was sent automatically; please do not reply.\n" },
	    { "【((ward))】ちゅうせんに あたりました",
	      "((round))の ちゅうせんに あたりました。\n\nしせつ: ((facility)) ((unit))\nひにち: ((date)) ((band))\n"
	      "よやく ばんごう: ((number))\n\n((confirm_by))までに つぎの ページで よやくを かくていして ください。"
	      "かくていしないと よやくは なくなります。\n((url))\n\nこの メールに へんじは できません。\n" } } },
	{ "booking.lost", NOTIFY_EMAIL, "ward round url",
	  "施設予約：抽選の結果（落選）", "Facility booking: a lottery not won",
	  "ward=デモ区\nround=2027年8月利用分 1次抽選\nurl=https://demo.example.jp/mypage/facilities\n",
	  { { "【((ward))】施設予約の抽選結果のお知らせ",
	      "((round))の抽選の結果、今回はご希望の枠に当選しませんでした。\n"
	      "空いている枠は先着順の受付で予約できます。\n((url))\n\nこのメールは送信専用です。\n" },
	    { "[((ward))] Facility lottery result",
	      "In the lottery of ((round)) you did not win the slots you chose this time.\n"
	      "Slots left free can be booked first come:\n((url))\n\n"
	      "This message was sent automatically; please do not reply.\n" },
	    { "【((ward))】ちゅうせんの けっか",
	      "((round))の ちゅうせんは、こんかいは あたりません でした。\n"
	      "あいている わくは はやい じゅんに よやく できます。\n((url))\n\nこの メールに へんじは できません。\n" } } },
	{ "waste.reminder", NOTIFY_EMAIL, "date date_iso place number items fee url unsubscribe_url",
	  "粗大ごみの収集日の前日のお知らせ", "Bulky waste: the day before collection",
	  "date=2026年12月8日（火）\ndate_iso=2026-12-08\nplace=ご自宅の前\nnumber=1000000008\nitems=  椅子 × 1\n"
	  "fee=手数料 400円 が未納です。粗大ごみ処理券を貼ってお出しください。\n"
	  "url=https://demo.example.jp/mypage/waste/1000000008\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "【粗大ごみ】明日は収集日です",
	      "粗大ごみの収集日は明日 ((date))です。\n朝8時までに((place))へお出しください。\n\n"
	      "受付番号: ((number))\n((items))\n\n((fee))\n\n予約の確認: ((url))\n\n――\n"
	      "このお知らせの停止: ((unsubscribe_url))\n" },
	    { "[Bulky waste] Collection tomorrow",
	      "Your bulky waste is collected tomorrow, ((date_iso)). Please put it out by 8:00 at: ((place))\n\n"
	      "Booking: ((number))\n((items))\n\n((fee))\n\nYour booking: ((url))\n\n--\n"
	      "Stop these reminders: ((unsubscribe_url))\n" },
	    { "【そだいごみ】あしたは あつめる ひです",
	      "そだいごみを あつめる ひは あした ((date))です。\nあさ 8じまでに ((place))に だして ください。\n\n"
	      "うけつけ ばんごう: ((number))\n((items))\n\n((fee))\n\nよやくの かくにん: ((url))\n\n――\n"
	      "この おしらせを とめる: ((unsubscribe_url))\n" } } },
	/* the SMS channel (page_channels.c): plain text, the subject unused
	 * (notify_check wants one: it names the message in the list); within
	 * one UCS-2 segment (70 characters) with the samples */
	{ "sms.notice", NOTIFY_SMS, "ward title",
	  "SMS: a notice from the ward", "SMS: a notice from the ward",
	  "ward=デモ区\ntitle=区報12月号を発行しました\n",
	  { { "SMS のお知らせ", "【((ward))】((title))" },
	    { "SMS notice", "[((ward))] ((title))" },
	    { "SMS の おしらせ", "【((ward))】((title))" } } },
	{ "sms.alert", NOTIFY_SMS, "ward area title",
	  "SMS: a disaster alert (emergency lane)", "SMS: a disaster alert (emergency lane)",
	  "ward=デモ区\narea=chuo\ntitle=避難指示\n",
	  { { "SMS の緊急のお知らせ", "【緊急・((ward))】((area)): ((title))" },
	    { "SMS emergency", "[Emergency, ((ward))] ((area)): ((title))" },
	    { "SMS の きんきゅうの おしらせ", "【きんきゅう・((ward))】((area)): ((title))" } } },
	/* a topic's fan-out by SMS (notify_topic_templates): the title and the
	 * subscription's own unsubscribe link */
	{ "sms.topic", NOTIFY_SMS, "ward title unsubscribe_url",
	  "SMS: news to subscribed residents", "SMS: news to subscribed residents",
	  "ward=デモ区\ntitle=区報12月号を発行しました\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "SMS のお知らせの配信", "【((ward))】((title))\n停止: ((unsubscribe_url))" },
	    { "SMS news", "[((ward))] ((title))\nStop: ((unsubscribe_url))" },
	    { "SMS の おしらせ", "【((ward))】((title))\nとめる: ((unsubscribe_url))" } } },
	{ "sms.topic_alert", NOTIFY_SMS, "ward area title unsubscribe_url",
	  "SMS: a disaster alert to an area's subscribers", "SMS: a disaster alert to an area's subscribers",
	  "ward=デモ区\narea=chuo\ntitle=避難指示\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "SMS の災害のお知らせの配信", "【緊急・((ward))】((area)): ((title))\n停止: ((unsubscribe_url))" },
	    { "SMS disaster alert", "[Emergency, ((ward))] ((area)): ((title))\nStop: ((unsubscribe_url))" },
	    { "SMS の さいがいの おしらせ",
	      "【きんきゅう・((ward))】((area)): ((title))\nとめる: ((unsubscribe_url))" } } },
	{ "sms.verify", NOTIFY_SMS, "ward code",
	  "SMS: the code that verifies a resident's number", "SMS: the code that verifies a resident's number",
	  "ward=デモ区\ncode=123456\n",
	  { { "SMS の確認コード", "【((ward))】確認コード ((code))（15分間有効）。お知らせのSMSの登録に使います。" },
	    { "SMS code", "[((ward))] Your code: ((code)) (valid 15 minutes) to receive notices by SMS." },
	    { "SMS の かくにん コード", "【((ward))】かくにん コード ((code))（15ふん つかえます）" } } },
	/* the LINE channel: plain text (the subject names it in the list) */
	{ "line.linked", NOTIFY_LINE, "ward",
	  "LINE: the account is linked", "LINE: the account is linked",
	  "ward=デモ区\n",
	  { { "LINE の連携", "((ward))のお知らせを LINE で受け取れるようになりました。"
	      "受け取るお知らせは、マイページの「お知らせの受け取り」で選べます。" },
	    { "LINE linked", "You can now receive notices from ((ward)) on LINE. "
	      "Choose them on My page, Notifications." },
	    { "LINE の れんけい", "((ward))の おしらせを LINE で うけとれます。"
	      "マイページの「おしらせの うけとり」で えらんで ください。" } } },
	{ "line.notice", NOTIFY_LINE, "ward title",
	  "LINE: a notice from the ward", "LINE: a notice from the ward",
	  "ward=デモ区\ntitle=区報12月号を発行しました\n",
	  { { "LINE のお知らせ", "【((ward))】((title))" },
	    { "LINE notice", "[((ward))] ((title))" },
	    { "LINE の おしらせ", "【((ward))】((title))" } } },
	/* a resident's own messages by SMS and LINE, when they chose it on My
	 * page (notify_account_channels): the application's state
	 * (src/svc/apply/web/page_inbox.c) and the bulky-waste day
	 * (src/svc/waste/web/remind.c), with the values their e-mail has */
	{ "sms.apply_state", NOTIFY_SMS, "ward receipt state url unsubscribe_url",
	  "SMS: the state of a resident's application", "SMS: the state of a resident's application",
	  "ward=デモ区\nreceipt=R-2026-000123\nstate=審査中\nurl=https://demo.example.jp/submissions/R-2026-000123\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "SMS の申請の状況", "【((ward))】申請 ((receipt)) の状況が「((state))」になりました。\n停止: ((unsubscribe_url))" },
	    { "SMS application", "[((ward))] Your application ((receipt)) is now: ((state))\nStop: ((unsubscribe_url))" },
	    { "SMS の もうしこみ", "【((ward))】もうしこみ ((receipt)) は「((state))」に なりました。\nとめる: ((unsubscribe_url))" } } },
	{ "line.apply_state", NOTIFY_LINE, "ward receipt state url unsubscribe_url",
	  "LINE: the state of a resident's application", "LINE: the state of a resident's application",
	  "ward=デモ区\nreceipt=R-2026-000123\nstate=審査中\nurl=https://demo.example.jp/submissions/R-2026-000123\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "LINE の申請の状況", "【((ward))】申請 ((receipt)) の状況が「((state))」になりました。\n確認: ((url))\n\n停止: ((unsubscribe_url))" },
	    { "LINE application", "[((ward))] Your application ((receipt)) is now: ((state))\nSee: ((url))\n\nStop: ((unsubscribe_url))" },
	    { "LINE の もうしこみ", "【((ward))】もうしこみ ((receipt)) は「((state))」に なりました。\nみる: ((url))\n\nとめる: ((unsubscribe_url))" } } },
	{ "sms.waste_reminder", NOTIFY_SMS, "date date_iso place number unsubscribe_url",
	  "SMS: bulky waste, the day before collection", "SMS: bulky waste, the day before collection",
	  "date=2026年12月8日（火）\ndate_iso=2026-12-08\nplace=ご自宅の前\nnumber=1000000008\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "SMS の粗大ごみの前日のお知らせ", "【粗大ごみ】明日 ((date)) は収集日です。朝8時までに((place))へ。受付番号 ((number))\n停止: ((unsubscribe_url))" },
	    { "SMS bulky waste", "[Bulky waste] Collection tomorrow, ((date_iso)). Out by 8:00 at: ((place)). No. ((number))\nStop: ((unsubscribe_url))" },
	    { "SMS の そだいごみ", "【そだいごみ】あした ((date)) に あつめます。あさ 8じ までに ((place))へ。ばんごう ((number))\nとめる: ((unsubscribe_url))" } } },
	{ "line.waste_reminder", NOTIFY_LINE, "date date_iso place number items fee url unsubscribe_url",
	  "LINE: bulky waste, the day before collection", "LINE: bulky waste, the day before collection",
	  "date=2026年12月8日（火）\ndate_iso=2026-12-08\nplace=ご自宅の前\nnumber=1000000008\nitems=  椅子 × 1\n"
	  "fee=手数料 400円 が未納です。粗大ごみ処理券を貼ってお出しください。\n"
	  "url=https://demo.example.jp/mypage/waste/1000000008\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "LINE の粗大ごみの前日のお知らせ",
	      "【粗大ごみ】明日 ((date)) は収集日です。朝8時までに((place))へお出しください。\n\n"
	      "受付番号: ((number))\n((items))\n\n((fee))\n\n予約の確認: ((url))\n\n停止: ((unsubscribe_url))" },
	    { "LINE bulky waste",
	      "[Bulky waste] Collection tomorrow, ((date_iso)). Please put it out by 8:00 at: ((place))\n\n"
	      "Booking: ((number))\n((items))\n\n((fee))\n\nYour booking: ((url))\n\nStop: ((unsubscribe_url))" },
	    { "LINE の そだいごみ",
	      "【そだいごみ】あした ((date)) に あつめます。あさ 8じ までに ((place))に だして ください。\n\n"
	      "うけつけ ばんごう: ((number))\n((items))\n\n((fee))\n\nよやくの かくにん: ((url))\n\nとめる: ((unsubscribe_url))" } } },
	{ "sms.booking_won", NOTIFY_SMS, "ward facility unit date date_iso band number confirm_by url unsubscribe_url",
	  "SMS: facility booking, a lottery won", "SMS: facility booking, a lottery won",
	  "ward=デモ区\nfacility=デモ区立日之出会館\nunit=第1集会室\ndate=2027年8月3日（火）\ndate_iso=2027-08-03\n"
	  "band=午前\nnumber=1000000008\nconfirm_by=2027年6月22日\nurl=https://demo.example.jp/mypage/facilities/1000000008\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "SMS の施設予約の当選", "【((ward))】抽選に当選: ((facility)) ((date)) ((band))。((confirm_by))までに確定を。((url))\n停止: ((unsubscribe_url))" },
	    { "SMS lottery won", "[((ward))] You won: ((facility)) ((date_iso)) ((band)). Confirm by ((confirm_by)): ((url))\nStop: ((unsubscribe_url))" },
	    { "SMS の ちゅうせん あたり", "【((ward))】ちゅうせんに あたりました: ((facility)) ((date)) ((band))。((confirm_by))までに かくてい して ください。((url))\nとめる: ((unsubscribe_url))" } } },
	{ "line.booking_won", NOTIFY_LINE, "ward round facility unit date date_iso band number confirm_by url unsubscribe_url",
	  "LINE: facility booking, a lottery won", "LINE: facility booking, a lottery won",
	  "ward=デモ区\nround=2027年8月利用分 1次抽選\nfacility=デモ区立日之出会館\nunit=第1集会室\n"
	  "date=2027年8月3日（火）\ndate_iso=2027-08-03\nband=午前\nnumber=1000000008\nconfirm_by=2027年6月22日\n"
	  "url=https://demo.example.jp/mypage/facilities/1000000008\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "LINE の施設予約の当選",
	      "【((ward))】((round))の抽選に当選しました。\n\n施設: ((facility)) ((unit))\n日時: ((date)) ((band))\n"
	      "予約番号: ((number))\n\n((confirm_by))までに予約を確定してください。確定しないと取り消されます。\n((url))\n\n停止: ((unsubscribe_url))" },
	    { "LINE lottery won",
	      "[((ward))] You won the lottery of ((round)).\n\nFacility: ((facility)) ((unit))\nWhen: ((date_iso)) ((band))\n"
	      "Booking: ((number))\n\nConfirm it by ((confirm_by)), or it is released:\n((url))\n\nStop: ((unsubscribe_url))" },
	    { "LINE の ちゅうせん あたり",
	      "【((ward))】((round))の ちゅうせんに あたりました。\n\nしせつ: ((facility)) ((unit))\nひにち: ((date)) ((band))\n"
	      "よやく ばんごう: ((number))\n\n((confirm_by))までに かくてい して ください。しないと よやくは なくなります。\n((url))\n\nとめる: ((unsubscribe_url))" } } },
	{ "sms.booking_lost", NOTIFY_SMS, "ward round url unsubscribe_url",
	  "SMS: facility booking, a lottery not won", "SMS: facility booking, a lottery not won",
	  "ward=デモ区\nround=2027年8月利用分 1次抽選\nurl=https://demo.example.jp/mypage/facilities\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "SMS の施設予約の落選", "【((ward))】((round))の抽選は今回当選しませんでした。空き枠は先着順で予約できます。((url))\n停止: ((unsubscribe_url))" },
	    { "SMS lottery not won", "[((ward))] You did not win the lottery of ((round)). Free slots can be booked first come: ((url))\nStop: ((unsubscribe_url))" },
	    { "SMS の ちゅうせん はずれ", "【((ward))】((round))の ちゅうせんは あたりません でした。あいている わくは はやい じゅんに よやく できます。((url))\nとめる: ((unsubscribe_url))" } } },
	{ "line.booking_lost", NOTIFY_LINE, "ward round url unsubscribe_url",
	  "LINE: facility booking, a lottery not won", "LINE: facility booking, a lottery not won",
	  "ward=デモ区\nround=2027年8月利用分 1次抽選\nurl=https://demo.example.jp/mypage/facilities\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "LINE の施設予約の落選",
	      "【((ward))】((round))の抽選の結果、今回はご希望の枠に当選しませんでした。\n空いている枠は先着順で予約できます。\n((url))\n\n停止: ((unsubscribe_url))" },
	    { "LINE lottery not won",
	      "[((ward))] In the lottery of ((round)) you did not win the slots you chose this time.\nFree slots can be booked first come:\n((url))\n\nStop: ((unsubscribe_url))" },
	    { "LINE の ちゅうせん はずれ",
	      "【((ward))】((round))の ちゅうせんは、こんかいは あたりません でした。\nあいている わくは はやい じゅんに よやく できます。\n((url))\n\nとめる: ((unsubscribe_url))" } } },
	/* a topic's fan-out by LINE: the whole text fits (5000 characters) */
	{ "line.topic", NOTIFY_LINE, "ward title text unsubscribe_url",
	  "LINE: news to subscribed residents", "LINE: news to subscribed residents",
	  "ward=デモ区\ntitle=年末年始の窓口のご案内\ntext=12月29日から1月3日まで、窓口はお休みです。\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "LINE のお知らせの配信", "【((ward))】((title))\n\n((text))\n\n配信の停止: ((unsubscribe_url))" },
	    { "LINE news", "[((ward))] ((title))\n\n((text))\n\nUnsubscribe: ((unsubscribe_url))" },
	    { "LINE の おしらせ", "【((ward))】((title))\n\n((text))\n\nとめる: ((unsubscribe_url))" } } },
	{ "line.topic_alert", NOTIFY_LINE, "ward area title text unsubscribe_url",
	  "LINE: a disaster alert to an area's subscribers", "LINE: a disaster alert to an area's subscribers",
	  "ward=デモ区\narea=chuo\ntitle=避難指示\ntext=川の水位が上がっています。すぐに避難してください。\n"
	  "unsubscribe_url=https://demo.example.jp/unsubscribe/0123456789abcdef\n",
	  { { "LINE の災害のお知らせの配信",
	      "【緊急・((ward))】((title))\n\n((text))\n\n地区: ((area))\n\n配信の停止: ((unsubscribe_url))" },
	    { "LINE disaster alert",
	      "[Emergency, ((ward))] ((title))\n\n((text))\n\nArea: ((area))\n\nUnsubscribe: ((unsubscribe_url))" },
	    { "LINE の さいがいの おしらせ",
	      "【きんきゅう・((ward))】((title))\n\n((text))\n\nちく: ((area))\n\nとめる: ((unsubscribe_url))" } } },
	/* the mail of a life event's bundle submitted whole
	 * (src/svc/lifeevent/web/page_lifeevent.c): receipts is one line per
	 * receipt number, url the resident's My page */
	{ "lifeevent.bundle_received", NOTIFY_EMAIL, "ward count receipts url",
	  "ライフイベントのまとめての申請の受付", "A life event's applications received together",
	  "ward=デモ区\ncount=3\nreceipts=  R-2026-000123\nurl=https://demo.example.jp/mypage\n",
	  { { "【((ward))】申請を受け付けました（((count))件）",
	      "((ward)) への申請を受け付けました。\n\nまとめて申請した ((count)) 件の手続の受付番号:\n((receipts))\n\n"
	      "申請の状況はマイページで確認できます（ログインが必要です）。\n((url))\n\n"
	      "このメールは送信専用です。\n" },
	    { "[((ward))] Applications received (((count)))",
	      "Your applications to ((ward)) have been received.\n\n"
	      "The receipt numbers of the ((count)) procedures you applied for together:\n((receipts))\n\n"
	      "Check their status on My page (log in first):\n((url))\n\n"
	      "This message was sent automatically; please do not reply.\n" },
	    { "【((ward))】もうしこみを うけつけました（((count))こ）",
	      "((ward)) への もうしこみを うけつけました。\n\nまとめて もうしこんだ ((count))この てつづきの "
	      "うけつけ ばんごう:\n((receipts))\n\nもうしこみの ようすは マイページで みられます（ログインが いります）。\n"
	      "((url))\n\nこの メールに へんじは できません。\n" } } },
};
const int notify_ndefaults = (int)(sizeof notify_defaults / sizeof notify_defaults[0]);

const struct notify_default *notify_default_find(const char *slug)
{
	for (int i = 0; slug && i < notify_ndefaults; i++)
		if (strcmp(notify_defaults[i].slug, slug) == 0)
			return &notify_defaults[i];
	return NULL;
}

int notify_install_defaults(struct store *s, const char *tenant, int64_t now, struct err *e)
{
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0, made = 0;
	for (int i = 0; rc == 0 && i < notify_ndefaults; i++) {
		const struct notify_default *d = &notify_defaults[i];
		struct notify_template t = {
			.slug = d->slug, .channel = d->channel, .fields = d->fields,
			.author = "(default)", .note = "初期値 / default",
		};
		memcpy(t.text, d->text, sizeof t.text);
		struct arena *a = arena_new(1u << 16);
		struct notify_template have;
		rc = a ? notify_get(&have, a, s, tenant, d->slug, 0, e) : ERR_NOMEM;
		arena_free(a);
		if (rc == ERR_NOTFOUND) {
			rc = notify_create(s, tenant, &t, now, e);
			made += rc == 0;
		}
	}
	if (own)
		rc = rc ? (store_rollback(s), rc) : store_commit(s, e);
	return rc ? rc : made;
}
