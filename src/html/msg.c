/*
 * msg.c -- the message catalog of the pages: one row per message, in
 * Japanese, English and やさしい日本語 (NULL: use the Japanese text).
 * Ids are stable strings; a missing id returns the id itself, which the
 * tests catch (tests/unit/html/test_catalog.c: every id named in src/
 * exists, every row has ja and en, and every row residents read has
 * やさしい日本語; an id in a staff area, e.g. "staff.", "proc.", may leave
 * easy NULL -- the list is in that test).
 *
 * Services add their own catalogs at start (html_catalog_add, from their
 * descriptors); lookups go through one index of every row sorted by id
 * and are a binary search.  The index is built before the server's
 * threads start and only read after that.
 */
#include "html/html.h"
#include "base/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const struct html_msg catalog[] = {
	{ "skip", "本文へ移動", "Skip to main content", "ほんぶんへ いどう" },
	{ "nav.lang", "言語", "Language", "ことば" },
	{ "nav.staff", "職員メニュー", "Staff menu", NULL },
	{ "logout", "ログアウト", "Log out", "ログアウト" },
	{ "account", "アカウント", "Account", NULL },
	{ "staff.home", "職員トップ", "Staff home", NULL },
	{ "staff.users", "職員アカウント管理", "Staff accounts", NULL },
	{ "staff.jobs", "処理状況", "Background jobs", NULL },
	{ "staff.nav.inbox", "申請の受付", "Applications", NULL },
	{ "staff.nav.counter", "書かない窓口", "Counter service", NULL },
	{ "staff.nav.procedures", "手続の編集", "Procedures", NULL },
	{ "staff.nav.opendata", "オープンデータ", "Open data", NULL },
	{ "footer.note", "このサイトは madoguchi で運営しています。",
	  "This site runs on madoguchi.",
	  "この サイトは madoguchi で うごいています。" },
	/* only on a demo municipality's pages (tenant.demo) */
	{ "footer.demo", "デモ区は架空の自治体です。掲載している住民・手続・データはすべて架空のものです。",
	  "デモ区 (Demo Ward) is a fictional municipality: its residents, procedures and data are all made up.",
	  "デモ区は ほんとうには ない 区です。のっている ひとや てつづきや データは、ぜんぶ つくりものです。" },
	{ "errors.title", "入力内容を確認してください", "There is a problem",
	  "いれた ことを たしかめて ください" },
	{ "idle.warning", "操作がないため、まもなくログアウトします。続けるには画面を再読み込みしてください。",
	  "You will be logged out soon because of inactivity. Reload the page to stay logged in.",
	  "しばらく つかって いないので、もうすぐ ログアウト します。" },
	{ "home.title", "オンライン窓口", "Online services", "インターネットの まどぐち" },
	{ "home.lead", "区役所に来なくても、手続きや相談ができます。",
	  "Apply and get help online without visiting the ward office.",
	  "区役所に こなくても、てつづきが できます。" },
	{ "ui.required", "必須", "Required", "かならず いれて ください" },
	{ "ui.pages", "ページ", "Pages", "ページ" },
	{ "ui.prev", "前のページ", "Previous page", "まえの ページ" },
	{ "ui.next", "次のページ", "Next page", "つぎの ページ" },
	{ "home.services", "手続とサービス", "Services", "てつづきと サービス" },
	{ "home.staff", "職員の方はこちら", "Staff login", "しょくいんの ひと" },
	{ "login.title", "職員ログイン", "Staff login", NULL },
	{ "login.user", "ユーザー名", "User name", NULL },
	{ "login.password", "パスワード", "Password", "パスワード" },
	{ "login.submit", "ログイン", "Log in", "ログイン" },
	{ "login.failed", "ユーザー名またはパスワードが違います。", "The user name or password is not correct.", NULL },
	{ "login.locked", "ログインに続けて失敗したため、しばらくログインできません。時間をおいてお試しください。",
	  "Too many failed attempts. Please wait a while and try again.", NULL },
	{ "login.required", "ユーザー名とパスワードを入力してください。", "Enter your user name and password.", NULL },
	{ "totp.title", "確認コードの入力", "Enter your verification code", NULL },
	{ "totp.code", "確認コード（6桁）", "Verification code (6 digits)", NULL },
	{ "totp.hint", "認証アプリに表示されている6桁の数字、または回復コードを入力してください。",
	  "Enter the 6-digit number shown in your authenticator app, or a recovery code.", NULL },
	{ "totp.failed", "確認コードが違います。", "The verification code is not correct.", NULL },
	{ "totp.submit", "確認", "Verify", NULL },
	{ "enrol.title", "二要素認証の設定", "Set up two-factor authentication", NULL },
	{ "enrol.lead", "認証アプリでQRコードを読み取り、表示された6桁の数字を入力してください。",
	  "Scan the QR code with your authenticator app, then enter the 6-digit number it shows.", NULL },
	{ "enrol.secret", "QRコードを読み取れない場合は次のキーを入力してください", "If you cannot scan the code, enter this key", NULL },
	{ "enrol.done", "二要素認証を設定しました。回復コードを安全な場所に保管してください。各コードは1回だけ使えます。",
	  "Two-factor authentication is on. Keep these recovery codes somewhere safe; each works once.", NULL },
	{ "enrol.continue", "続ける", "Continue", NULL },
	{ "enrol.replace_lead", "すでに二要素認証を使っています。切り替えるには、本人確認のため、パスワードと"
	  "現在の認証アプリの確認コード（またはリカバリーコード）を入力してください。"
	  "ほかの端末のログインはすべて終了します。",
	  "You already use two-factor login. To replace it, confirm it is you "
	  "with your password and a code from your current authenticator app "
	  "(or a recovery code). Your other sessions will be ended.", NULL },
	{ "enrol.current_code", "現在の認証アプリの確認コード、またはリカバリーコード",
	  "Code from your current app, or a recovery code", NULL },
	{ "enrol.new_code", "新しい認証アプリの確認コード", "Code from the new app", NULL },
	{ "staff.home.lead", "職員用の画面です。", "This is the staff back office.", NULL },
	{ "users.login", "ユーザー名", "User name", NULL },
	{ "users.name", "氏名", "Name", NULL },
	{ "users.roles", "役割", "Roles", NULL },
	{ "users.status", "状態", "Status", NULL },
	{ "users.mfa", "二要素認証", "Two-factor", NULL },
	{ "users.add", "職員を追加", "Add a staff member", NULL },
	{ "users.disable", "無効にする", "Disable", NULL },
	{ "users.added", "職員を追加しました。初期パスワードを本人に安全な方法で伝えてください。",
	  "Staff member added. Give them the initial password by a safe channel.", NULL },
	{ "users.role", "役割", "Role", NULL },
	{ "yes", "はい", "Yes", "はい" },
	{ "no", "いいえ", "No", "いいえ" },
	{ "account.sessions", "ログイン中のセッション", "Your sessions", NULL },
	{ "account.mfa.on", "二要素認証: 設定済み", "Two-factor authentication: on", NULL },
	{ "account.mfa.off", "二要素認証: 未設定", "Two-factor authentication: off", NULL },
	{ "jobs.kind", "種類", "Kind", NULL },
	{ "jobs.status", "状態", "Status", NULL },
	{ "jobs.progress", "進み具合", "Progress", NULL },
	{ "staff.roles", "役割と権限", "Roles and permissions", NULL },
	{ "roles.name", "役割", "Role", NULL },
	{ "roles.description", "説明", "Description", NULL },
	{ "roles.mfa", "二要素認証が必要", "Requires two-factor login", NULL },
	{ "roles.permissions", "権限", "Permissions", NULL },
	{ "roles.permission", "権限名（例: opendata.publish）", "Permission (e.g. opendata.publish)", NULL },
	{ "roles.remove", "外す", "Remove", NULL },
	{ "roles.add_permission", "権限を追加", "Add a permission", NULL },
	{ "roles.create", "役割を作成", "Create a role", NULL },
	{ "roles.grant", "役割を付与", "Grant a role", NULL },
	{ "roles.exists", "その名前の役割は既にあります。", "A role with that name exists already.", NULL },
	{ "roles.notfound", "その役割または職員が見つかりません。", "That role or staff member was not found.", NULL },
	{ "roles.builtin", "組み込みの役割は変更できません。", "Built-in roles cannot be changed this way.", NULL },
	{ "roles.needs_mfa", "個人情報に関わる権限は、二要素認証が必要な役割にだけ付与できます。",
	  "Permissions on personal data can only be given to roles that require two-factor login.", NULL },
	{ "roles.invalid", "入力内容を確認してください。", "Check what you entered.", NULL },
	{ "account.current", "この端末（使用中）", "This session (in use)", NULL },
	{ "account.end", "ログアウトさせる", "End session", NULL },
	{ "account.started", "ログイン日時", "Logged in", NULL },
	{ "account.seen", "最終操作", "Last activity", NULL },
	{ "account.no_session", "そのセッションは見つかりません。", "That session was not found.", NULL },
	{ "account.password", "パスワードの変更", "Change your password", NULL },
	{ "account.current_password", "現在のパスワード", "Current password", NULL },
	{ "account.new_password", "新しいパスワード", "New password", NULL },
	{ "account.password_hint", "12文字以上。よく使われる言葉やユーザー名は使えません。",
	  "At least 12 characters; not a common word or your user name.",
	  "12もじ いじょうに して ください。よく つかわれる ことばは つかえません。" },
	{ "account.password_change", "変更する", "Change password", NULL },
	{ "account.wrong_password", "現在のパスワードが違います。", "The current password is not correct.", NULL },
	{ "account.weak_password", "新しいパスワードが条件を満たしていません（12文字以上、よく使われる言葉やユーザー名は不可）。",
	  "The new password does not meet the rules (12 characters or more, not a common word or your user name).", NULL },
	{ "account.password_changed", "パスワードを変更しました。ほかの端末のセッションは終了しました。",
	  "Your password was changed. Your other sessions were ended.", NULL },
	{ "resident.login", "区民ログイン", "Resident login", "くみんの ログイン" },
	{ "resident.register", "アカウント登録", "Create an account", "アカウントを つくる" },
	{ "resident.register_submit", "登録する", "Create account", "つくる" },
	{ "resident.email", "メールアドレス", "E-mail address", "メールアドレス" },
	{ "resident.mypage", "マイページ", "My page", "マイページ" },
	{ "resident.have_account", "アカウントをお持ちの方はログイン", "Already have an account? Log in",
	  "アカウントが ある ひとは ログイン" },
	{ "resident.no_account", "アカウントを作成する", "Create an account", "アカウントを つくる" },
	/* closing a resident account, 退会 (src/web/page_resident_close.c) */
	{ "close.entry", "アカウントを削除（退会）", "Delete your account (close it)",
	  "アカウントを けす（たいかい）" },
	{ "close.title", "アカウントの削除（退会）", "Delete your account", "アカウントを けす（たいかい）" },
	{ "close.lead", "アカウントを削除すると、元に戻すことはできません。下の説明を読んでから、パスワードを入力してください。",
	  "Deleting your account cannot be undone. Read what follows, then enter your password.",
	  "アカウントを けすと、もとに もどせません。したの せつめいを よんでから、パスワードを いれて ください。" },
	{ "close.removed.h", "削除されるもの", "What is deleted", "きえる もの" },
	{ "close.removed.login", "ログイン（メールアドレスとパスワード）。同じメールアドレスで、あとから新しく登録できます。",
	  "Your login (e-mail address and password). You can register again later with the same address.",
	  "ログイン（メールアドレスと パスワード）。あとで おなじ メールアドレスで また とうろく できます。" },
	{ "close.removed.notify", "お知らせの受け取りの設定", "Your choice of notifications",
	  "おしらせの うけとりの せってい" },
	{ "close.removed.links", "SMS の携帯電話番号と LINE の連携（送信待ちのお知らせも送りません）",
	  "Your SMS number and your LINE link (notices waiting to be sent are not sent)",
	  "SMS の でんわ ばんごうと LINE の せってい（まだ おくって いない おしらせも おくりません）" },
	{ "close.removed.registry", "住民情報との連携", "The link to your resident record",
	  "じゅうみんの じょうほうと つないだ こと" },
	{ "close.kept.h", "区が保存するもの（法令による）", "What the ward keeps (required by law)",
	  "区が のこす もの（ほうりつで きまって います）" },
	{ "close.kept.apply", "提出した申請とその結果", "Applications you submitted and their outcome",
	  "だした もうしこみと その けっか" },
	{ "close.kept.pay", "手数料などの支払いの記録", "Records of fees and other payments",
	  "おかねを はらった きろく" },
	{ "close.kept.audit", "区の操作の記録（監査記録）", "The ward's records of what was done (audit records)",
	  "区が した ことの きろく" },
	{ "close.kept.note", "これらは法令で決められた期間、区が保存し、削除されません。申請について知りたいときは、区の窓口にお問い合わせください。",
	  "The ward keeps these for the time the law sets; they are not deleted. To ask about an application, contact the ward office.",
	  "これは ほうりつで きまった あいだ 区が のこします。けしません。もうしこみの ことは、区の まどぐちに きいて ください。" },
	{ "close.password", "現在のパスワード", "Your current password", "いまの パスワード" },
	{ "close.password.hint", "ご本人であることを確かめるために入力してください。", "To confirm that it is you.",
	  "あなたで あることを たしかめる ために いれて ください。" },
	{ "close.submit", "アカウントを削除する", "Delete my account", "アカウントを けす" },
	{ "close.cancel", "削除しないでマイページへ戻る", "Keep my account and go back to My page",
	  "けさないで マイページへ もどる" },
	{ "close.wrong_password", "パスワードが違います（何度も間違えると、しばらく入力できなくなります）。アカウントは削除していません。",
	  "The password is not correct (after several wrong tries it is refused for a while). Your account was not deleted.",
	  "パスワードが ちがいます（なんかいも まちがえると、しばらく つかえなく なります）。アカウントは けして いません。" },
	{ "close.done.title", "アカウントを削除しました", "Your account was deleted", "アカウントを けしました" },
	{ "close.done.body", "アカウントを削除し、ログアウトしました。お知らせの設定と、SMS・LINE の連携も削除しました。",
	  "Your account was deleted and you were logged out. Your notification choices and your SMS and LINE links were deleted too.",
	  "アカウントを けして、ログアウト しました。おしらせの せっていと、SMS・LINE の せっていも けしました。" },
	{ "close.done.kept", "提出した申請と支払いの記録は、法令により区が保存しています。",
	  "Applications you submitted and payment records are kept by the ward, as the law requires.",
	  "だした もうしこみと おかねを はらった きろくは、ほうりつで 区が のこして います。" },
	{ "close.done.home", "トップページへ", "Go to the home page", "はじめの ページへ" },
	{ "resident.login_failed", "メールアドレスまたはパスワードが違います。", "The e-mail address or password is not correct.",
	  "メールアドレスか パスワードが ちがいます。" },
	{ "resident.register_failed", "登録できませんでした。メールアドレスと、12文字以上でよく使われる言葉を含まないパスワードを確認してください。既に登録済みの場合はログインしてください。",
	  "The account could not be created. Check the e-mail address and use a password of 12 characters or more that is not a common word. If you already have an account, log in.",
	  "アカウントを つくれませんでした。メールアドレスと パスワードを たしかめて ください。パスワードは 12もじ いじょうで、よく つかわれる ことばは つかえません。アカウントが ある ひとは ログインして ください。" },
	{ "jobs.created", "登録日時", "Created", NULL },
	{ "jobs.updated", "更新日時", "Updated", NULL },
	{ "jobs.none", "処理中の仕事はありません。", "There are no background jobs.", NULL },
	{ "error.title", "エラー", "Error", "エラー" },
	{ "error.ref", "受付番号", "Reference", "うけつけ ばんごう" },
	{ "error.home", "トップページへ戻る", "Back to the home page", "はじめの ページへ もどる" },
	/* --- mail: resident e-mail verification and password reset --- */
	{ "mailv.title", "メールアドレスの確認", "Confirm your e-mail address", "メールアドレスの かくにん" },
	{ "mailv.lead", "下のボタンを押すと、メールアドレスの確認が完了します。", "Press the button to confirm your e-mail address.", "したの ボタンを おすと、メールアドレスの かくにんが おわります。" },
	{ "mailv.submit", "確認する", "Confirm", "かくにんする" },
	{ "mailv.done", "メールアドレスを確認しました。", "Your e-mail address is confirmed.", "メールアドレスを かくにんしました。" },
	{ "mailv.resent", "確認用のメールを送りました。メールのリンクを開いてください。", "We have sent the confirmation e-mail. Open the link in it.", "かくにんの メールを おくりました。メールの リンクを ひらいて ください。" },
	{ "mailv.wait", "確認用のメールは先ほど何度かお送りしました。しばらくしてからもう一度お試しください。", "We have sent the confirmation e-mail several times just now. Please try again later.", "かくにんの メールは さっき なんかいか おくりました。しばらく してから もう いちど ためして ください。" },
	/* --- mail: the outbox and development mailbox (page_outbox.c), the staff home's warning (app_mail.c) --- */
	{ "outbox.title", "送信メール", "Outgoing e-mail", "おくった メール" },
	{ "outbox.message", "送信メールの内容", "An outgoing e-mail", "おくった メールの なかみ" },
	{ "outbox.lead.relay", "区民に送るメールの送信状況です。送信サーバー（SMTP）経由で送ります。", "What was mailed to residents and how its delivery went. Mail goes through the SMTP relay.", "くみんに おくる メールの ようすです。メールの サーバーを つかって おくります。" },
	{ "outbox.lead.devbox", "送信サーバー（SMTP）が設定されていないため、メールは外に送らず、この開発用メールボックスに届けます。", "No SMTP relay is configured: mail does not leave this machine, it is delivered to this development mailbox.", "メールの サーバーが ないので、メールは そとに おくらず、ここに とどけます。" },
	{ "outbox.lead.queued", "送信サーバー（SMTP）が設定されていないため、メールは送られずに待っています。", "No SMTP relay is configured: mail waits unsent.", "メールの サーバーが ないので、メールは おくられずに まって います。" },
	{ "outbox.filter", "状態", "State", "じょうたい" },
	{ "outbox.show", "表示", "Show", "みる" },
	{ "outbox.state", "状態", "State", "じょうたい" },
	{ "outbox.state.all", "すべて", "All", "ぜんぶ" },
	{ "outbox.state.queued", "送信待ち", "Queued", "おくるのを まって いる" },
	{ "outbox.state.sent", "送信済み", "Sent", "おくった" },
	{ "outbox.state.sent_any", "送信済み（開発用メールボックスを含む）", "Sent (or delivered to the development mailbox)", "おくった（かいはつようの メールボックスも）" },
	{ "outbox.state.devbox", "開発用メールボックスに配達済み", "Delivered to the development mailbox", "かいはつようの メールボックスに とどけた" },
	{ "outbox.state.failed", "送信失敗", "Failed", "おくれなかった" },
	{ "outbox.state.sending", "送信中", "Sending", "おくって いる ところ" },
	{ "outbox.state.bounced", "不達（後から戻ってきたメール）", "Bounced (returned after it was sent)", "とどかなかった（あとから もどって きた）" },
	{ "outbox.bounce", "不達の通知", "Bounce report", "とどかなかった しらせ" },
	{ "outbox.bounced.title", "不達になったメールアドレス", "Addresses that bounced", "とどかなかった メールアドレス" },
	{ "outbox.bounced.lead", "次のアドレスへのメールは恒久的なエラー（5.x.x）で戻ってきました。区民に連絡先の確認を依頼してください。", "Mail to these addresses came back with a permanent error (5.x.x). Ask the residents to check their contact address.", "つぎの アドレスへの メールは もどって きました。くみんに れんらくさきを たしかめて もらって ください。" },
	{ "outbox.bounced.address", "メールアドレス", "Address", "メールアドレス" },
	{ "outbox.bounced.count", "不達の件数", "Bounced messages", "とどかなかった かず" },
	{ "outbox.bounced.last", "最後の不達", "Last bounce", "さいごに とどかなかった じかん" },
	{ "outbox.state.held", "保留中（夜間のため朝に送信）", "Held (night: sent in the morning)",
	  "まって いる（よるなので あさに おくる）" },
	{ "outbox.priority", "優先度", "Priority", "いそぎ かどうか" },
	{ "outbox.priority.normal", "通常", "Normal", "ふつう" },
	{ "outbox.priority.emergency", "緊急（先に送信）", "Emergency (sent first)", "きんきゅう（さきに おくる）" },
	{ "outbox.created", "作成日時", "Created", "つくった じかん" },
	{ "outbox.to", "宛先", "To", "あてさき" },
	{ "outbox.subject", "件名", "Subject", "けんめい" },
	{ "outbox.attempts", "試行回数", "Attempts", "ためした かいすう" },
	{ "outbox.next", "次の試行", "Next attempt", "つぎに ためす じかん" },
	{ "outbox.error", "最後のエラー", "Last error", "さいごの エラー" },
	{ "outbox.sent_at", "送信日時", "Sent at", "おくった じかん" },
	{ "outbox.none", "メールはありません。", "No e-mail.", "メールは ありません。" },
	{ "outbox.headers", "ヘッダー", "Headers", "ヘッダー" },
	{ "outbox.body", "本文", "Text", "ほんぶん" },
	{ "outbox.pruned", "保存期間を過ぎたため、本文は消去しました。", "The text was erased after the retention period.", "ほぞんする きかんが すぎたので、ほんぶんは けしました。" },
	{ "outbox.back", "送信メールの一覧へ", "Back to outgoing e-mail", "おくった メールの いちらんへ" },
	{ "outbox.not_found", "メールが見つかりません。", "No such e-mail.", "メールが みつかりません。" },
	{ "outbox.bad_state", "表示の条件が正しくありません。", "The filter is not valid.", "みる じょうけんが ただしく ありません。" },
	{ "outbox.warn.title", "メールが区民に届いていません", "E-mail is not reaching residents", "メールが くみんに とどいて いません" },
	{ "outbox.warn.failing", "送信サーバー（SMTP）への送信がうまくいっていません。再送待ち %d 件、失敗 %d 件。送信サーバーの設定と状態を確認してください。", "Delivery through the SMTP relay is failing: %d waiting for a retry, %d failed. Check the relay's settings and state.", "メールの サーバーに うまく おくれて いません。まって いる メール %d けん、おくれなかった メール %d けん。サーバーを しらべて ください。" },
	{ "outbox.warn.no_relay", "送信サーバー（SMTP）が設定されていないため、%d 件のメールが送られずに待っています。", "No SMTP relay is configured: %d e-mails wait unsent.", "メールの サーバーが ないので、%d けんの メールが おくられずに まって います。" },
	{ "outbox.warn.devbox", "送信サーバー（SMTP）が設定されていません。メールは開発用メールボックスに届くだけで、区民には届きません。", "No SMTP relay is configured: mail only reaches the development mailbox, never residents.", "メールの サーバーが ありません。メールは かいはつようの メールボックスに とどく だけで、くみんには とどきません。" },
	{ "mailv.status", "メールアドレスの確認", "E-mail address", "メールアドレスの かくにん" },
	{ "mailv.verified", "確認済み", "Confirmed", "かくにん ずみ" },
	{ "mailv.unverified", "未確認です。登録時にお送りしたメールのリンクを開いてください。", "Not confirmed yet. Open the link in the e-mail we sent when you registered.", "まだ かくにん していません。とうろくの ときに おくった メールの リンクを ひらいて ください。" },
	{ "mailv.resend", "確認用のメールをもう一度送る", "Send the confirmation e-mail again", "かくにんの メールを もう いちど おくる" },
	{ "mailv.bad_link_title", "リンクが使えません", "This link cannot be used", "この リンクは つかえません" },
	{ "mailv.bad_link", "このリンクは無効か、有効期限が切れているか、既に使われています。もう一度お手続きください。", "This link is not valid, has expired or has already been used. Please start again.", "この リンクは つかえません。もう いちど やりなおして ください。" },
	{ "reset.title", "パスワードの再設定", "Reset your password", "パスワードを つくりなおす" },
	{ "reset.forgot", "パスワードを忘れた方", "Forgot your password?", "パスワードを わすれた ひと" },
	{ "reset.lead", "登録したメールアドレスを入力してください。パスワードを再設定するためのリンクをお送りします（1時間有効）。", "Enter the e-mail address of your account. We will send you a link to choose a new password (valid for one hour).", "とうろくした メールアドレスを いれて ください。パスワードを つくりなおす ための リンクを おくります（1じかん つかえます）。" },
	{ "reset.submit", "リンクを送る", "Send the link", "リンクを おくる" },
	{ "reset.sent", "入力されたメールアドレスが登録されていれば、再設定用のリンクを送りました。メールをご確認ください。", "If an account exists for that address, we have sent it a link to reset the password. Please check your e-mail.", "その メールアドレスが とうろく されて いれば、リンクを おくりました。メールを みて ください。" },
	{ "reset.new_password", "新しいパスワード", "New password", "あたらしい パスワード" },
	{ "reset.confirm_submit", "パスワードを再設定する", "Set the new password", "パスワードを つくりなおす" },
	{ "reset.done", "パスワードを再設定しました。新しいパスワードでログインしてください。", "Your password has been reset. Log in with the new password.", "パスワードを つくりなおしました。あたらしい パスワードで ログイン して ください。" },
	{ "reset.weak", "このパスワードは使えません。12文字以上で、よく使われる言葉やメールアドレスを含まないものにしてください。", "This password cannot be used. Use 12 characters or more, not a common word and not your e-mail address.", "この パスワードは つかえません。12もじ いじょうで、よく つかわれる ことばでは ない ものに して ください。" },
	/* --- resident applications (page_form.c, page_apply.c) --- */
	{ "form.required", "必須", "required", "かならず いれる" },
	{ "form.error", "エラー", "Error", "まちがい" },
	{ "form.choose", "選択してください", "Choose", "えらんで ください" },
	{ "form.unanswered", "（未回答）", "(not answered)", "（こたえて いない）" },
	{ "form.none_selected", "（選択なし）", "(none chosen)", "（えらんで いない）" },
	{ "form.agreed", "同意しました", "Agreed", "はい" },
	{ "form.items_n", "%d件", "%d item(s)", "%dけん" },
	{ "form.yen", "円", " yen", "えん" },
	{ "form.src_juki", "住民基本台帳より", "From the resident register", "じゅうみんひょう から" },
	{ "form.src_jpki", "マイナンバーカードの電子証明書より", "From your My Number Card certificate",
	  "マイナンバーカード から" },
	{ "form.src_previous", "前回の申請より入力済み（変更できます）", "Filled in from your last application (you can change it)",
	  "まえの もうしこみ から いれました（かえられます）" },
	{ "form.src_staff", "窓口で職員が入力", "Entered by staff at the counter",
	  "まどぐちで しょくいんが いれました" },
	{ "form.date_hint_wareki", "和暦で入力してください（例：令和8年4月1日、R8.4.1）。西暦（2026年4月1日）でも入力できます。",
	  "Enter the date, e.g. 2026-04-01 (the Japanese era, e.g. 令和8年4月1日 or R8.4.1, also works).",
	  "れい：れいわ 8ねん 4がつ 1にち" },
	{ "form.date_hint_seireki", "西暦で入力してください（例：2026年4月1日、2026-04-01）。",
	  "Enter the date, e.g. 2026-04-01.", "れい：2026ねん 4がつ 1にち" },
	{ "form.kana_hint", "カタカナまたはひらがなで入力してください。", "Enter in katakana or hiragana.",
	  "カタカナか ひらがなで いれて ください。" },
	{ "form.my_number_hint", "12桁の個人番号（マイナンバー）を入力してください。", "Enter the 12 digits of the My Number.",
	  "12けたの マイナンバーを いれて ください。" },
	{ "form.phone_hint", "例：03-1234-5678", "For example 03-1234-5678", "れい：03-1234-5678" },
	{ "form.postal_hint", "例：166-8570", "For example 166-8570", "れい：166-8570" },
	{ "form.file_hint", "PDF または画像ファイルを選んでください。", "Choose a PDF or image file.",
	  "PDF か しゃしんの ファイルを えらんで ください。" },
	{ "form.file_max", "ファイルの大きさの上限:", "Largest file size:",
	  "ファイルは この おおきさ まで:" },
	{ "form.waived", "住民基本台帳で確認できるため提出不要です", "Not needed: confirmed from the resident register", "いりません" },
	{ "form.uploaded", "アップロード済み", "Uploaded", "おくった ファイル" },
	{ "form.family", "姓（氏）", "Family name", "みょうじ" },
	{ "form.given", "名", "Given name", "なまえ" },
	{ "form.family_kana", "セイ（フリガナ）", "Family name in katakana", "みょうじ（カタカナ）" },
	{ "form.given_kana", "メイ（フリガナ）", "Given name in katakana", "なまえ（カタカナ）" },
	{ "form.postal_code", "郵便番号", "Postcode", "ゆうびん ばんごう" },
	{ "form.pref", "都道府県", "Prefecture", "とどうふけん" },
	{ "form.city", "市区町村", "City, ward, town or village", "し・く・ちょう・そん" },
	{ "form.street", "町名・番地", "Street and number", "まちの なまえ・ばんち" },
	{ "form.building", "建物名・部屋番号（任意）", "Building and room (optional)",
	  "たてものの なまえ・へやの ばんごう（なくても よい）" },
	{ "form.bank_code", "金融機関コード（4桁）", "Bank code (4 digits)", "ぎんこうの コード（4けた）" },
	{ "form.branch_code", "支店コード（3桁）", "Branch code (3 digits)", "してんの コード（3けた）" },
	{ "form.bank_kind", "預金種目", "Account type", "よきんの しゅるい" },
	{ "form.bank_ordinary", "普通", "Ordinary", "ふつう" },
	{ "form.bank_current", "当座", "Current", "とうざ" },
	{ "form.bank_savings", "貯蓄", "Savings", "ちょちく" },
	{ "form.bank_number", "口座番号（7桁まで）", "Account number (up to 7 digits)",
	  "こうざ ばんごう（7けた まで）" },
	{ "form.holder_kana", "口座名義（カタカナ）", "Account holder (katakana)",
	  "こうざの なまえ（カタカナ）" },
	{ "form.add_item", "追加する", "Add another", "ふやす" },
	{ "form.remove_item", "この項目を削除", "Remove", "けす" },
	{ "mypage.services", "手続とサービス", "Your procedures and services",
	  "てつづきと サービス" },
	{ "resident.applications_link", "申請の一覧と入力途中の申請", "Your applications and drafts", "わたしの もうしこみ" },
	{ "resident.procedures_link", "オンラインで申請する", "Apply online", "インターネットで もうしこむ" },
	/* error pages and JSON errors (app_send_error) */
	{ "error.form_expired", "画面の有効期限が切れました。もう一度操作してください。",
	  "This form has expired. Please go back and try again.",
	  "がめんの じかんが きれました。もういちど そうさ してください。" },
	{ "error.no_tenant", "この住所（ホスト名）に対応する自治体がありません。",
	  "No municipality is served at this address.",
	  "この アドレスの くやくしょは ありません。" },
	{ "error.operator_only", "この情報は運用者だけが見られます。",
	  "Only the operator can read this.",
	  "この じょうほうは うんようする ひとだけが みられます。" },
	{ "login.expired", "画面の有効期限が切れました。もう一度ログインしてください。",
	  "This form has expired. Please log in again.",
	  NULL },
	{ "resident.form_expired", "画面の有効期限が切れました。もう一度お試しください。",
	  "This form has expired. Please try again.",
	  "がめんの じかんが きれました。もういちど やりなおして ください。" },
	{ "roles.error.not_grantable", "その役割は付与できません。ご自身が持っていない権限を含んでいます。",
	  "You cannot give that role: it has permissions you do not hold yourself.",
	  NULL },
	{ "users.error.self_disable", "自分のアカウントは無効にできません。",
	  "You cannot disable your own account.",
	  NULL },
	/* the shell's pages (src/web/page_staff.c, page_account.c, page_resident.c) */
	{ "login.expired_idle", "一定時間操作がなかったため、ログアウトしました。",
	  "You were logged out after a period of inactivity.", NULL },
	{ "enrol.replace_failed", "パスワードまたは現在の確認コードが違います。",
	  "The password or the current code is not correct.", NULL },
	{ "enrol.replaced", "二要素認証を切り替えました。ほかの端末のログインは終了しました。",
	  "Your second factor was replaced. Your other sessions were ended.", NULL },
	{ "enrol.replace_link", "二要素認証を別の端末に切り替える", "Replace your second factor", NULL },
	{ "users.active", "有効", "active", NULL },
	{ "users.disabled", "無効", "disabled", NULL },
	{ "users.error.taken", "そのユーザー名は使われています。", "That user name is taken.", NULL },
	{ "users.error.check", "ユーザー名・氏名・役割を確認してください。",
	  "Check the user name, name and role.", NULL },
	{ "account.totp_changed", "二要素認証の設定を%s（日本時間）に切り替えました。"
	  "心当たりがない場合は、すぐに管理者に連絡してください。",
	  "Your second factor was last replaced at %s (Japan time). If this was not you, "
	  "tell your administrator at once.", NULL },
	{ "resident.register_sent", "お申し込みを受け付けました。入力したメールアドレスにメールを送りました。"
	  "メールのリンクを開いてアドレスを確認してから、ログインしてください。",
	  "Thank you. We have sent an e-mail to the address you entered. "
	  "Open the link in it to confirm your address, then log in.",
	  "もうしこみを うけつけました。いれた メールアドレスに メールを おくりました。"
	  "メールの リンクを ひらいて アドレスを たしかめてから、ログインして ください。" },
	{ "resident.register_throttled", "この接続元からの登録のお申し込みが多すぎます。"
	  "しばらく（10分ほど）待ってから、もう一度お試しください。",
	  "Too many registrations from your network. Please wait a while (about 10 minutes) and try again.",
	  "ここからの とうろくの もうしこみが おおすぎます。10ぷん ほど まってから、もういちど やって ください。" },
	/* the HTTP layer's own messages (src/http: http_req.error_key), for
	 * the error page in やさしい日本語; ja and en as that layer writes them */
	{ "http.login", "ログインしてください。", "Please log in.", "ログインして ください。" },
	{ "http.denied", "この操作を行う権限がありません。", "You do not have permission to do this.",
	  "あなたは この そうさを できません。" },
	{ "http.malformed", "リクエストの形式が正しくありません。", "The request is malformed.",
	  "おくられた ものの かたちが ただしく ありません。" },
	{ "http.bad_url", "URL が正しくありません。", "The address (URL) is not valid.",
	  "アドレス（URL）が ただしく ありません。" },
	{ "http.not_found", "ページが見つかりません。", "The page was not found.",
	  "ページが みつかりません。" },
	{ "http.invalid", "入力内容に不足または誤りがあります。", "A value is missing or not valid.",
	  "いれた ないように たりない ところか まちがいが あります。" },
	{ "http.expired", "画面の有効期限が切れました。もう一度操作してください。",
	  "This form has expired. Please go back and try again.",
	  "がめんの じかんが きれました。もういちど そうさ してください。" },
	{ "http.status.400", "入力内容に誤りがあります。", "The request is not valid.",
	  "いれた ないように まちがいが あります。" },
	{ "http.status.401", "ログインしてください。", "Please log in.", "ログインして ください。" },
	{ "http.status.403", "この操作を行う権限がありません。", "You do not have permission to do this.",
	  "あなたは この そうさを できません。" },
	{ "http.status.404", "ページが見つかりません。", "The page was not found.", "ページが みつかりません。" },
	{ "http.status.409", "ほかの操作と重なりました。もう一度お試しください。",
	  "This conflicts with another change. Please try again.",
	  "ほかの そうさと かさなりました。もういちど やって ください。" },
	{ "http.status.413", "送信された内容が大きすぎます。", "What you sent is too large.",
	  "おくった ものが おおきすぎます。" },
	{ "http.status.500", "システムで問題が起きました。お問い合わせの際は受付番号をお伝えください。",
	  "Something went wrong on our side. Please quote the reference number if you contact us.",
	  "システムで もんだいが おきました。といあわせる ときは うけつけ ばんごうを つたえて ください。" },
	{ "http.status.503", "ただいま混み合っているか保守中です。しばらくしてからもう一度お試しください。",
	  "The service is busy or under maintenance. Please try again in a few minutes.",
	  "いま こんでいるか、なおして いる ところです。しばらく してから もういちど やって ください。" },
	{ "http.status.507", "保存領域が不足しているため受け付けられませんでした。時間をおいてお試しください。",
	  "Storage is full, so this could not be saved. Please try again later.",
	  "ほぞんする ばしょが たりないため、うけつけられませんでした。あとで もういちど やって ください。" },
	/* --- admin (issue 14, item 9): enrolment restart, colleague reset,
	 * new password after a reset, the permission picker --- */
	{ "enrol.restart", "最初からやり直す（新しいQRコードを表示）", "Start again (show a new QR code)", NULL },
	{ "enrol.restart_hint", "このQRコードは、設定が終わるまで何度表示しても同じです。読み取りに失敗した場合や他人に見られた場合は、最初からやり直してください。",
	  "This QR code stays the same each time the page is shown until you finish. If the scan failed or someone else saw it, start again.", NULL },
	{ "login.newpw.title", "新しいパスワードの設定", "Set a new password", NULL },
	{ "login.newpw.lead", "管理者がパスワードと二要素認証をリセットしました。仮パスワードに代わる新しいパスワードを設定してください。続けて二要素認証を設定し直します。",
	  "An administrator reset your password and two-factor authentication. Set a new password in place of the temporary one; then set up two-factor authentication again.", NULL },
	{ "login.newpw.refused", "このパスワードは使えません。12文字以上で、仮パスワードやユーザー名と異なるものにしてください。",
	  "This password cannot be used. Use at least 12 characters, different from the temporary password and your user name.", NULL },
	{ "users.email", "メールアドレス（通知用・任意）", "E-mail address (for notices, optional)", NULL },
	{ "users.email_hint", "パスワードのリセットなどを本人に知らせるために使います。", "Used to tell the person when their password is reset.", NULL },
	{ "users.role_choose", "役割を選んでください", "Choose a role", NULL },
	{ "account.email", "お知らせの送り先", "Where notices go", NULL },
	{ "account.email_hint", "パスワードや二要素認証が管理者にリセットされたとき、このアドレスにお知らせします。空にすると送りません。",
	  "When an administrator resets your password or two-factor authentication, you are told at this address. Leave it empty for none.", NULL },
	{ "account.email_save", "送り先を保存", "Save the address", NULL },
	{ "account.email_saved", "お知らせの送り先を保存しました。", "The address for notices was saved.", NULL },
	{ "account.email_invalid", "メールアドレスの形式が正しくありません。", "That is not a valid e-mail address.", NULL },
	{ "users.reset", "パスワードと二要素認証をリセット", "Reset password and two-factor", NULL },
	{ "users.reset.done", "%s のパスワードと二要素認証をリセットし、ログイン中のセッションを終了しました。次の仮パスワードを本人に安全な方法で伝えてください。次回ログイン時に新しいパスワードの設定と二要素認証の再設定が求められます。",
	  "The password and two-factor authentication of %s were reset and their sessions ended. Give them this temporary password by a safe means; at their next login they must set a new password and set up two-factor authentication again.", NULL },
	{ "users.reset.mailed", "本人の登録メールアドレスにお知らせを送りました（仮パスワードは含みません）。",
	  "A notice was sent to their registered e-mail address (without the temporary password).", NULL },
	{ "users.reset.no_mail", "メールアドレスが登録されていないため、お知らせは送っていません。本人に直接伝えてください。",
	  "No e-mail address is registered, so no notice was sent: tell them yourself.", NULL },
	{ "users.error.self_reset", "自分のアカウントはここではリセットできません。アカウントのページでパスワードを変更してください。",
	  "You cannot reset your own account here: change your password on the account page.", NULL },
	{ "users.error.reset_denied", "この職員はリセットできません。ご自身が付与できない役割を持っています。",
	  "You cannot reset this member of staff: they hold a role you could not give.", NULL },
	{ "roles.permission_pick", "権限", "Permission", NULL },
	{ "roles.permission_pick_hint", "一覧から選んでください。各権限の説明を表示しています。", "Choose from the list; each permission is shown with what it allows.", NULL },
	{ "roles.permission_choose", "権限を選んでください", "Choose a permission", NULL },
	{ "roles.perm_unknown", "その権限はありません。一覧にある権限から選んでください。",
	  "There is no such permission. Choose one from the list.", NULL },
	{ "roles.perm.staff.manage", "職員アカウントの管理", "Manage staff accounts", NULL },
	{ "roles.perm.roles.manage", "役割と権限の管理", "Manage roles and permissions", NULL },
	{ "roles.perm.personal.read", "個人情報の閲覧", "Read personal data", NULL },
	{ "roles.perm.personal.write", "個人情報の変更", "Change personal data", NULL },
	{ "roles.perm.audit.read", "監査記録の閲覧", "Read the audit trail", NULL },
	{ "roles.perm.jobs.read", "処理状況の閲覧", "See background jobs", NULL },
	{ "roles.perm.opendata.publish", "オープンデータの公開", "Publish open data", NULL },
	{ "roles.perm.applications.read", "申請の閲覧（個人情報を含む）", "Read applications (personal data)", NULL },
	{ "roles.perm.applications.write", "申請の処理（状態・担当・コメント）", "Process applications (state, assignee, comments)", NULL },
	{ "roles.perm.dept.all", "すべての部署の申請", "Applications of every department", NULL },
	{ "roles.perm.dept", "部署「%s」の申請", "Applications of department \"%s\"", NULL },
	{ "roles.perm.procedures.manage", "手続の作成・公開", "Create and publish procedures", NULL },
	{ "roles.perm.news.publish", "お知らせの作成・公開", "Write and publish notices", NULL },
	/* ---- issue 14: the front door (page_public.c, page_search.c) ---- */
	{ "home.search", "手続・ページ・データを検索", "Search procedures, pages and data", "てつづき や ページ を さがす" },
	{ "home.search.hint", "例：保育園、住民票、粗大ごみ", "For example: nursery, residence certificate, large-item waste",
	  "たとえば：ほいくえん、じゅうみんひょう、そだいごみ" },
	{ "search.submit", "検索", "Search", "さがす" },
	{ "home.stages", "暮らしの場面から探す", "Find by life stage", "くらしの ばめん から さがす" },
	{ "home.lifeevents", "出生・転入・おくやみの手続をまとめて確認する", "Check everything to do for a birth, a move or a death",
	  "うまれた とき、ひっこして きた とき、なくなった とき の てつづき を まとめて みる" },
	{ "home.categories", "分類から探す", "Find by category", "しゅるい から さがす" },
	{ "home.all_procedures", "すべての手続を分類ごとに見る", "All procedures by category", "ぜんぶの てつづき を みる" },
	{ "home.account", "ログイン", "Log in", "ログイン" },
	{ "home.register", "はじめての方（アカウント登録）", "New here? Create an account", "はじめての ひと（とうろく）" },
	{ "home.help", "お問い合わせ・ヘルプ", "Contact and help", "といあわせ・ヘルプ" },
	{ "home.help.text", "わからないことは、区役所の窓口か電話でお尋ねください。", "If anything is unclear, ask the ward office at the counter or by phone.",
	  "わからない ことは、区役所の まどぐち か でんわ で きいて ください。" },
	{ "help.title", "ヘルプとお問い合わせ先", "Help and contact", "ヘルプ と といあわせ" },
	{ "help.use", "このサイトの使い方", "Using this site", "この サイト の つかいかた" },
	{ "help.use.search", "上の検索欄に、手続の名前や言葉を入れて探せます（例：保育園）。", "Type the name of a procedure or a word into the search box (for example 保育園, nursery).",
	  "けんさく の ところ に、ことば を いれて さがせます。" },
	{ "help.use.category", "「分類から探す」「暮らしの場面から探す」から手続を選べます。", "Or pick a procedure by category or life stage.",
	  "しゅるい や くらしの ばめん から えらぶ こと も できます。" },
	{ "help.use.login", "申請するにはログインが必要です。住民情報と連携すると、家族の情報などが自動で入ります。", "You need to log in to apply. Link your account to the resident register and your family's details are filled in for you.",
	  "もうしこむ には ログイン が ひつようです。じゅうみん の じょうほう と つなぐ と、かぞく の ことが じどうで はいります。" },
	{ "help.contact", "お問い合わせ先", "Contact", "といあわせ" },
	{ "help.office", "区役所 代表窓口（平日 8時30分〜17時15分）", "ward office, main counter (weekdays 8:30 to 17:15)",
	  "区役所（へいじつ 8じ30ぷん〜17じ15ふん）" },
	{ "help.contact.text", "手続の内容は各手続のページに書いてある担当課にお問い合わせください。", "For a procedure, contact the section named on its page.",
	  "てつづき の ことは、その ページ に かいてある かかり に きいて ください。" },
	{ "search.title", "サイト内検索", "Search", "さがす" },
	{ "search.g.procedures", "手続", "Procedures", "てつづき" },
	{ "search.g.datasets", "オープンデータ", "Open data", "オープンデータ" },
	{ "search.g.news", "お知らせ", "News", "おしらせ" },
	{ "search.g.pages", "ページ", "Pages", "ページ" },
	{ "search.count", "件数", "results", "かず" },
	{ "search.all", "この分類の結果をすべて見る", "See all results of this kind", "ぜんぶ みる" },
	{ "search.none", "見つかりませんでした", "Nothing was found", "みつかりませんでした" },
	{ "search.tip.words", "別の言葉で探してみてください（例：「保育園」「引越し」「ごみ」）。", "Try other words (for example 保育園, 引越し, ごみ).",
	  "ちがう ことば で さがして ください。" },
	{ "search.tip.short", "言葉を短くするか、数を減らしてみてください。", "Try fewer or shorter words.", "ことば を みじかく して ください。" },
	{ "search.empty", "探したい言葉を入れてください。", "Type what you are looking for.", "さがしたい ことば を いれて ください。" },
	{ "proc.cat.ninshin_shussan", "妊娠・出産", "Pregnancy and birth", "にんしん・しゅっさん" },
	{ "proc.cat.kosodate", "子育て", "Raising children", "こそだて" },
	{ "proc.cat.hikkoshi", "引越し", "Moving", "ひっこし" },
	{ "proc.cat.zei", "税", "Taxes", "ぜいきん" },
	{ "proc.cat.kenko_fukushi", "健康・福祉", "Health and welfare", "けんこう・ふくし" },
	{ "proc.cat.gomi", "ごみ・リサイクル", "Waste and recycling", "ごみ" },
	{ "proc.cat.pet", "犬・ペット", "Dogs and pets", "いぬ・ペット" },
	{ "proc.cat.shomei", "証明書", "Certificates", "しょうめいしょ" },
	{ "proc.cat.bousai", "防災", "Disaster preparedness", "さいがい への そなえ" },
	{ "proc.cat.kyouiku", "教育", "Education", "きょういく・がっこう" },
	{ "proc.cat.koureisha_kaigo", "高齢者・介護", "Older people and care", "おとしより・かいご" },
	{ "proc.cat.hoken_nenkin", "保険・年金", "Insurance and pension", "ほけん・ねんきん" },
	{ "proc.cat.okuyami", "おくやみ", "After a death", "なくなった とき" },
	{ "proc.cat.kurashi", "住まい・暮らし", "Housing and daily life", "くらし" },
	{ "proc.cat.other", "その他", "Other", "その ほか" },
	{ "staff.nav.registry", "住民情報の連携コード", "Registry link codes", NULL },
	{ "rlink.title", "住民情報と連携", "Link to your resident record", "じゅうみん の じょうほう と つなぐ" },
	/* ---- issue 14: linking an account to the registry (page_registry.c) ---- */
	{ "reg.title", "住民情報との連携コードの発行", "Issue a registry link code", "じゅうみん じょうほう と つなぐ コード" },
	{ "reg.lead", "本人確認のうえ、住民基本台帳の人を検索して連携コードを発行します。検索は記録されます。",
	  "After checking the person's identity, find them in the registry and issue a link code. Searches are recorded.",
	  "ほんにん か たしかめて から、コード を だします。" },
	{ "reg.find", "氏名・フリガナ・住民コード", "Name, reading or person code", "なまえ" },
	{ "reg.results", "検索結果", "Results", "けっか" },
	{ "reg.code", "住民コード", "Person code", "コード" },
	{ "reg.name", "氏名", "Name", "なまえ" },
	{ "reg.birth", "生年月日", "Date of birth", "うまれた ひ" },
	{ "reg.linked", "連携", "Linked", "つないで いる" },
	{ "reg.issue", "連携コード", "Link code", "コード" },
	{ "reg.yes", "連携済み", "Linked", "つないで います" },
	{ "reg.no", "未連携", "Not linked", "まだ です" },
	{ "reg.issue.counter", "窓口で渡す", "Hand over at the counter", "まどぐち で わたす" },
	{ "reg.issue.letter", "郵送する", "Send by letter", "ゆうびん で おくる" },
	{ "reg.none", "該当する人はいません。", "Nobody matches.", "いません。" },
	{ "reg.issued", "連携コードを発行しました", "Link code issued", "コード を だしました" },
	{ "reg.person", "住民コード", "Person code", "コード" },
	{ "reg.code.label", "連携コード", "Link code", "コード" },
	{ "reg.counter.hand", "このコードを本人に渡してください。マイページの「住民情報と連携」で入力すると連携されます。",
	  "Give this code to the person. They type it on My page, under Link to your resident record.",
	  "この コード を ほんにん に わたして ください。" },
	{ "reg.letter.queued", "郵送の記録を登録しました。このコードを通知書に印字し、下の住所へ送付してください。",
	  "A letter is queued. Print this code into the notice and send it to the address below.",
	  "ゆうびん で おくる じゅんび を しました。" },
	{ "reg.code.once", "コードはこの画面にしか表示されません（保存されるのは照合用の値だけです）。有効期限は14日、1回だけ使えます。",
	  "The code is shown on this page only (only a value to check it is stored). It is valid for 14 days, once.",
	  "コード は ここ に だけ でます。14にち の あいだ、1かい だけ つかえます。" },
	{ "reg.letter.to", "送付先（住民基本台帳の住所）", "Send to (the registered address)", "おくりさき" },
	{ "reg.back", "検索に戻る", "Back to the search", "もどる" },
	{ "reg.letter.title", "住民情報連携コードのお知らせ", "Your resident record link code",
	  "じゅうみん じょうほう と つなぐ コード の おしらせ" },
	{ "reg.letter.lead", "%s のオンライン手続（マイページ）のアカウントを、住民基本台帳の情報と連携するためのコードをお送りします。連携すると、児童手当や保育所などの申請で、氏名・住所・お子さんの情報が最初から入力されます。",
	  "%s sends you a code that links your online account (My page) to your resident record. Once linked, your name, address and children are filled in for you in applications such as child allowance and nursery.",
	  "%s の オンライン てつづき の アカウント と、じゅうみん の じょうほう を つなぐ コード です。つなぐ と、もうしこみ の とき なまえ や じゅうしょ が はじめ から はいります。" },
	{ "reg.letter.code", "連携コード", "Link code", "コード" },
	{ "reg.letter.until", "有効期限：%s まで（日本時間）", "Valid until %s (Japan time)", "つかえる きげん：%s まで" },
	{ "reg.letter.how", "使い方", "How to use it", "つかいかた" },
	{ "reg.letter.step1", "1. %s を開いてログインします（アカウントのない方は新規登録してください）。",
	  "1. Open %s and log in (register first if you have no account).", "1. %s を ひらいて ログイン します。" },
	{ "reg.letter.step2", "2. マイページの「住民情報と連携」を開きます。",
	  "2. On My page, open 「住民情報と連携」 (Link to your resident record).",
	  "2. マイページ の 「住民情報と連携」 を ひらきます。" },
	{ "reg.letter.step3", "3. 「連携コード」に上のコードを入力し、「連携する」を押します（ハイフンはなくてもかまいません）。",
	  "3. Type the code above into 「連携コード」 (Link code) and press 「連携する」 (Link my account); the hyphens may be left out.",
	  "3. 「連携コード」 に うえ の コード を いれて、「連携する」 を おします。" },
	{ "reg.letter.direct", "「住民情報と連携」のページ：%s/mypage/registry", "The page itself: %s/mypage/registry",
	  "ページ：%s/mypage/registry" },
	{ "reg.letter.once", "コードは1回だけ使えます。有効期限を過ぎたときや紛失したときは、窓口で新しいコードを受け取ってください（古いコードは使えなくなります）。",
	  "The code works once. If it has expired or is lost, get a new one at the counter (the old one then stops working).",
	  "コード は 1かい だけ つかえます。きげん が すぎたら、まどぐち で あたらしい コード を もらって ください。" },
	{ "reg.letter.phone", "区役所が電話・メール・訪問でこのコードをお尋ねすることは決してありません。コードは誰にも教えないでください。",
	  "The ward never asks for this code by phone, e-mail or visit. Do not tell it to anyone.",
	  "くやくしょ が でんわ や メール で この コード を きく こと は ありません。だれ にも おしえないで ください。" },
	{ "reg.letter.notme", "心当たりのない場合は、コードを使わずに下記へご連絡ください。",
	  "If you did not ask for this, do not use the code: contact us.",
	  "こころあたり が ない とき は、コード を つかわないで れんらく して ください。" },
	{ "reg.letter.contact", "お問い合わせ：%s 区民課 住民記録係（区役所の窓口、または %s）",
	  "Contact: %s, Residents Division (the ward office counter, or %s)", "といあわせ：%s 区民課（%s）" },
	{ "reg.letter.summary", "%s からの住民情報連携コードは上のとおりです（有効期限 %s まで、日本時間）。%s でログインし、マイページの「住民情報と連携」でコードを入力して「連携する」を押してください。区役所が電話などでこのコードをお尋ねすることはありません。",
	  "%s sends you the code above (valid until %s, Japan time) to link your online account to your resident record. Log in at %s, open My page, then 「住民情報と連携」, type the code into 「連携コード」 and press 「連携する」. The ward never asks for this code by phone, e-mail or visit.",
	  "%s から の コード は うえ の とおり です（%s まで）。%s で ログイン して、マイページ の 「住民情報と連携」 で いれて ください。でんわ で コード を きく こと は ありません。" },
	{ "reg.letter.sender", "%s 区民課", "%s, Residents Division", "%s 区民課" },
	{ "reg.letter.hint", "「郵送する」を押すと、コードを印字した通知書（PDF）がダウンロードされます。A4で印刷し、三つ折りにして長形3号の窓付き封筒で送ってください。コードは通知書にしか残りません。",
	  "Send by letter downloads the notice (PDF) with the code printed in it. Print it on A4, fold it in three and send it in a window envelope (長形3号). The code is kept nowhere else.",
	  "「郵送する」 を おす と、コード の はいった つうちしょ（PDF） が できます。" },
	{ "rlink.done", "住民情報と連携しました。", "Your account is now linked to your resident record.", "じゅうみん の じょうほう と つなぎました。" },
	{ "rlink.linked", "このアカウントは住民基本台帳と連携しています。", "This account is linked to the resident register.",
	  "この アカウント は じゅうみん の じょうほう と つながって います。" },
	{ "rlink.child", "お子さん", "Child", "こども" },
	{ "rlink.prefill", "保育所・児童手当・医療証などの申請では、これらの情報が最初から入力されます。",
	  "These details are filled in for you in applications such as nursery, child allowance and medical cards.",
	  "ほいくえん や じどうてあて の もうしこみ で、はじめから はいります。" },
	{ "rlink.not_linked", "まだ住民情報と連携していません。", "Your account is not linked to your resident record yet.",
	  "まだ つないで いません。" },
	{ "rlink.how", "区役所の窓口で本人確認のうえ受け取った連携コード、または郵送で届いた連携コードを入力してください。",
	  "Type the link code you received at the ward office counter (after showing your ID) or by post.",
	  "区役所 で もらった コード か、ゆうびん で とどいた コード を いれて ください。" },
	{ "rlink.code", "連携コード", "Link code", "コード" },
	{ "rlink.code.hint", "12文字（例：ABCD-EFGH-JKLM）。ハイフンはなくてもかまいません。",
	  "12 characters (for example ABCD-EFGH-JKLM); the hyphens may be left out.",
	  "12もじ です（れい：ABCD-EFGH-JKLM）。" },
	{ "rlink.submit", "連携する", "Link my account", "つなぐ" },
	{ "rlink.jpki", "マイナンバーカードでの連携（公的個人認証）は準備中です。", "Linking with a My Number Card (JPKI) is being prepared.",
	  "マイナンバーカード で つなぐ ことは、じゅんび して います。" },
	{ "rlink.err.wrong", "連携コードが正しくありません。もう一度確かめて入力してください。", "That link code is not right. Check it and type it again.",
	  "コード が ちがいます。もう いちど たしかめて ください。" },
	{ "rlink.err.used", "この連携コードは有効期限が切れているか、すでに使われています。窓口で新しいコードを受け取ってください。",
	  "This link code has expired or has been used. Ask the counter for a new one.",
	  "この コード は もう つかえません。まどぐち で あたらしい コード を もらって ください。" },
	{ "rlink.err.limit", "入力の回数が多すぎます。1時間ほどしてからもう一度お試しください。", "Too many tries. Try again in about an hour.",
	  "なんかいも まちがえました。1じかん ぐらい して から やって ください。" },
	{ "rlink.err.conflict", "この住民情報は別のアカウントと連携しています。窓口にお問い合わせください。",
	  "This record is linked to another account. Please ask at the counter.",
	  "ほかの アカウント と つながって います。まどぐち で きいて ください。" },
	{ "form.src_account", "アカウントの登録内容より（変更できます）", "From your account (you can change it)", "アカウント から（かえられます）" },
	{ "form.src_household", "住民基本台帳より（世帯の情報・変更できます）", "From the resident register, your household (you can change it)",
	  "じゅうみんひょう から（かえられます）" },
};

#define HTML_CATALOGS_MAX 64

static const struct html_msg *parts[HTML_CATALOGS_MAX];
static int part_n[HTML_CATALOGS_MAX];
static int nparts;
static const struct html_msg **index_rows;   /* sorted by id */
static size_t index_n;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static int by_id(const void *a, const void *b)
{
	return strcmp((*(const struct html_msg *const *)a)->id,
		      (*(const struct html_msg *const *)b)->id);
}

/* rebuild the sorted index from every part; ERR_CONFLICT when two rows
 * share an id (the index is then left as it was) */
static int reindex(void)
{
	size_t n = 0;
	for (int i = 0; i < nparts; i++)
		n += (size_t)part_n[i];
	const struct html_msg **rows = malloc((n ? n : 1) * sizeof *rows);
	if (!rows)
		return ERR_NOMEM;
	size_t k = 0;
	for (int i = 0; i < nparts; i++)
		for (int j = 0; j < part_n[i]; j++)
			rows[k++] = &parts[i][j];
	qsort(rows, n, sizeof *rows, by_id);
	for (size_t i = 1; i < n; i++)
		if (strcmp(rows[i - 1]->id, rows[i]->id) == 0) {
			free(rows);
			return ERR_CONFLICT;
		}
	free(index_rows);
	index_rows = rows;
	index_n = n;
	return 0;
}

static void base_init(void)
{
	parts[0] = catalog;
	part_n[0] = (int)(sizeof catalog / sizeof catalog[0]);
	nparts = 1;
	reindex();
}

int html_catalog_add(const struct html_msg *m, int n)
{
	pthread_once(&base_once, base_init);
	if (n <= 0)
		return 0;
	for (int i = 0; i < nparts; i++)
		if (parts[i] == m)
			return 0;            /* added already */
	if (nparts == HTML_CATALOGS_MAX)
		return ERR_LIMIT;
	parts[nparts] = m;
	part_n[nparts++] = n;
	int rc = reindex();
	if (rc)
		nparts--;
	return rc;
}

const struct html_msg *html_msg_find(const char *id)
{
	pthread_once(&base_once, base_init);
	size_t lo = 0, hi = index_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(index_rows[mid]->id, id);
		if (c == 0)
			return index_rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t html_catalog_rows(const struct html_msg *const **rows)
{
	pthread_once(&base_once, base_init);
	*rows = index_rows;
	return index_n;
}

const char *html_t(enum html_lang l, const char *id)
{
	const struct html_msg *m = html_msg_find(id);
	if (!m)
		return id;
	if (l == HTML_EN)
		return m->en;
	if (l == HTML_JA_EASY && m->easy)
		return m->easy;
	return m->ja;
}
