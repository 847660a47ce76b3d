/*
 * service.c -- the descriptor of the departments service (src/web/svc.h):
 * the departments of a municipality as data (schema "dept"), their staff
 * admin pages, the staff menu entry, `madoguchi department`, and the demo
 * ward's departments.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/dept/dept.h"
#include "svc/dept/dept_int.h"
#include "svc/dept/web/dept_web.h"

int cli_department(int argc, char **argv);   /* cli.c */

static const struct svc_nav nav[] = {
	{ SVC_NAV_STAFF, "/staff/departments", "dept.nav", "dept.nav.summary" },
};

static const struct html_msg msgs[] = {
	{ "dept.nav", "部署", "Departments", NULL },
	{ "dept.nav.summary", "部署の名前・連絡先と、どのロールが申請を受け付けるかを管理します。",
	  "The departments' names and contacts, and which roles receive their applications.", NULL },
	{ "dept.title", "部署", "Departments", NULL },
	{ "dept.lead", "手続の「担当課」はこの一覧の部署です。申請は、その部署の受付一覧を担当するロールの職員に届きます。",
	  "A procedure's department is one of these. Its applications reach the staff whose roles own that department's inbox.", NULL },
	{ "dept.add", "部署を追加", "Add a department", NULL },
	{ "dept.unrouted_link", "誰にも届いていない申請", "Applications that reach nobody", NULL },
	{ "dept.name", "名称", "Name", NULL },
	{ "dept.name_other", "名称（他の言語）", "Name (other language)", NULL },
	{ "dept.parent", "上位の部署", "Parent department", NULL },
	{ "dept.no_parent", "なし", "None", NULL },
	{ "dept.contact", "連絡先", "Contact", NULL },
	{ "dept.readers", "申請を読める職員", "Staff who can read its applications", NULL },
	{ "dept.roles", "受付一覧を担当するロール", "Roles owning its inbox", NULL },
	{ "dept.roles_hint", "チェックしたロールに権限 dept.<コード> を付けます。申請を読むには、そのロールに applications.read も必要です。",
	  "The ticked roles get the permission dept.<code>. To read applications a role also needs applications.read.", NULL },
	{ "dept.unrouted", "誰も読めません", "nobody can read it", NULL },
	{ "dept.unrouted_count", "%d 部署の申請は、どの職員にも届きません。受付一覧を担当するロールを決めてください。",
	  "%d departments' applications reach no member of staff: choose the roles owning their inbox.", NULL },
	{ "dept.perm", "%sの申請（受付一覧）", "Applications of %s (its inbox)", "%sの もうしこみ" },
	{ "dept.none", "部署がまだありません。", "No departments yet.", NULL },
	{ "dept.saved", "保存しました", "Saved", NULL },
	{ "dept.new_title", "部署の追加", "Add a department", NULL },
	{ "dept.edit_title", "部署の編集", "Edit a department", NULL },
	{ "dept.code", "コード", "Code", NULL },
	{ "dept.code_hint", "半角の英小文字・数字・ハイフン（手続定義の department と同じもの）。例: kokuho-nenkin",
	  "Lower-case letters, digits and hyphens (what procedure definitions name in \"department\"). Example: kokuho-nenkin", NULL },
	{ "dept.name_ja", "名称（日本語）", "Name (Japanese)", NULL },
	{ "dept.name_en", "名称（英語）", "Name (English)", NULL },
	{ "dept.phone", "電話番号", "Phone", NULL },
	{ "dept.email", "メールアドレス", "E-mail", NULL },
	{ "dept.place", "場所（窓口）", "Place (counter)", NULL },
	{ "dept.save", "保存する", "Save", NULL },
	{ "dept.back", "部署の一覧に戻る", "Back to the departments", NULL },
	{ "dept.error.code", "コードは半角の英小文字・数字・ハイフンで、48文字までです。",
	  "The code is lower-case letters, digits and hyphens, at most 48.", NULL },
	{ "dept.error.exists", "このコードの部署はすでにあります。", "A department with this code exists.", NULL },
	{ "dept.error.name_ja", "日本語の名称を入れてください（改行なし、200バイトまで）。",
	  "Enter the Japanese name (one line, at most 200 bytes).", NULL },
	{ "dept.error.name_en", "英語の名称は1行で、200バイトまでです。", "The English name is one line, at most 200 bytes.", NULL },
	{ "dept.error.phone", "電話番号は数字とハイフンで入れてください。", "Enter the phone number with digits and hyphens.", NULL },
	{ "dept.error.email", "メールアドレスの形が正しくありません。", "The e-mail address is not valid.", NULL },
	{ "dept.error.place", "場所は1行で、200バイトまでです。", "The place is one line, at most 200 bytes.", NULL },
	{ "dept.error.parent", "上位の部署は、この自治体の別の部署を選んでください。",
	  "Choose another department of this municipality as the parent.", NULL },
	{ "dept.error.notfound", "この部署はありません。", "There is no such department.", NULL },
	/* the refusal to publish (procedures_publish, src/svc/procedures) */
	{ DEPT_MSG_UNROUTED,
	  "この手続は公開できません。担当課「%s」の申請を読める職員がいないため、申請が誰にも届きません。"
	  "先に「部署」の画面で、その部署の受付一覧を担当するロールを決め、職員に付けてください。",
	  "This procedure cannot be published: no member of staff can read the applications of its department \"%s\", "
	  "so they would reach nobody. First, on the Departments page, choose the roles owning that department's inbox "
	  "and give them to staff.",
	  "この てつづきは まだ こうかい できません。たんとうの か「%s」の もうしこみを よめる しょくいんが いません。"
	  "さきに「ぶしょ」の がめんで、もうしこみを うけとる ひとを きめてください。" },
};

static const struct svc_cli cli[] = {
	{ "department", cli_department, "departments: list, add (names, contact, owner roles)" },
};

static int demo(struct store *s, const char *tenant, struct err *e)
{
	return dept_demo(s, tenant, app_now(), e);
}

const struct svc svc_dept = {
	.name = "dept",
	.summary = "departments as data: names, contacts, parents, the roles owning each inbox",
	.schema = &dept_schema,
	.routes = dept_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.demo = demo,
	.permissions = dept_permissions,
};
