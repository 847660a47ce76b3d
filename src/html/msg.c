/*
 * msg.c -- the message catalog of the pages: one row per message, in
 * Japanese, English and やさしい日本語 (NULL: use the Japanese text).
 * Ids are stable strings; a missing id returns the id itself, which the
 * tests catch (test_html checks that every id used by the app exists).
 */
#include "html/html.h"

#include <string.h>

struct msg {
	const char *id, *ja, *en, *easy;
};

static const struct msg catalog[] = {
	{ "skip", "本文へ移動", "Skip to main content", "ほんぶんへ いどう" },
	{ "nav.lang", "言語", "Language", "ことば" },
	{ "nav.staff", "職員メニュー", "Staff menu", NULL },
	{ "logout", "ログアウト", "Log out", "ログアウト" },
	{ "account", "アカウント", "Account", NULL },
	{ "staff.home", "職員トップ", "Staff home", NULL },
	{ "staff.users", "職員アカウント管理", "Staff accounts", NULL },
	{ "staff.jobs", "処理状況", "Background jobs", NULL },
	{ "footer.note", "このサイトは madoguchi で運営しています。デモ区は架空の自治体です。",
	  "This site runs on madoguchi. デモ区 (Demo Ward) is a fictional municipality.",
	  "この サイトは madoguchi で うごいています。デモ区は ほんとうには ない 区です。" },
	{ "errors.title", "入力内容を確認してください", "There is a problem",
	  "いれた ことを たしかめて ください" },
	{ "idle.warning", "操作がないため、まもなくログアウトします。続けるには画面を再読み込みしてください。",
	  "You will be logged out soon because of inactivity. Reload the page to stay logged in.",
	  "しばらく つかって いないので、もうすぐ ログアウト します。" },
	{ "home.title", "オンライン窓口", "Online services", "インターネットの まどぐち" },
	{ "home.lead", "区役所に来なくても、手続きや相談ができます。",
	  "Apply and get help online without visiting the ward office.",
	  "区役所に こなくても、てつづきが できます。" },
	{ "home.staff", "職員の方はこちら", "Staff login", "しょくいんの ひと" },
	{ "login.title", "職員ログイン", "Staff login", NULL },
	{ "login.user", "ユーザー名", "User name", NULL },
	{ "login.password", "パスワード", "Password", NULL },
	{ "login.submit", "ログイン", "Log in", NULL },
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
	  "At least 12 characters; not a common word or your user name.", NULL },
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
	{ "resident.have_account", "アカウントをお持ちの方はログイン", "Already have an account? Log in", NULL },
	{ "resident.no_account", "アカウントを作成する", "Create an account", "アカウントを つくる" },
	{ "resident.login_failed", "メールアドレスまたはパスワードが違います。", "The e-mail address or password is not correct.", NULL },
	{ "resident.register_failed", "登録できませんでした。メールアドレスと、12文字以上でよく使われる言葉を含まないパスワードを確認してください。既に登録済みの場合はログインしてください。",
	  "The account could not be created. Check the e-mail address and use a password of 12 characters or more that is not a common word. If you already have an account, log in.", NULL },
	{ "jobs.created", "登録日時", "Created", NULL },
	{ "jobs.updated", "更新日時", "Updated", NULL },
	{ "jobs.none", "処理中の仕事はありません。", "There are no background jobs.", NULL },
	{ "error.title", "エラー", "Error", "エラー" },
	{ "error.ref", "受付番号", "Reference", "うけつけ ばんごう" },
	{ "error.home", "トップページへ戻る", "Back to the home page", "はじめの ページへ もどる" },
};

const char *html_t(enum html_lang l, const char *id)
{
	for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++) {
		if (strcmp(catalog[i].id, id) != 0)
			continue;
		if (l == HTML_EN)
			return catalog[i].en;
		if (l == HTML_JA_EASY && catalog[i].easy)
			return catalog[i].easy;
		return catalog[i].ja;
	}
	return id;
}
