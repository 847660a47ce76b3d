/*
 * cli.c -- `madoguchi department`: the departments of a municipality.
 *
 *   madoguchi department list --db URL --tenant CODE
 *   madoguchi department add  --db URL --tenant CODE --code C --name-ja NAME
 *                             [--name-en NAME] [--phone P] [--email E]
 *                             [--place TEXT] [--parent CODE] [--roles R1,R2]
 *
 * `list` prints one department a line, tab-separated: code, Japanese
 * name, English name, parent, the number of staff who can read its
 * applications, the roles owning its inbox (comma-separated), and
 * "unrouted" when nobody can read it.  `add` creates or updates a
 * department (same code: updated) and gives each --roles role the
 * permission dept.<code>; one transaction with its audit records (actor
 * "(cli)", action department.put / department.owner; checkpoints signed
 * with $MADOGUCHI_AUDIT_KEY when set).  Exit status: 0 done, 1 failed,
 * 2 usage.  Limits: dept.h's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/audit/audit.h"
#include "svc/dept/dept.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi department list --db URL --tenant CODE\n"
	      "       madoguchi department add --db URL --tenant CODE --code C --name-ja NAME\n"
	      "              [--name-en NAME] [--phone P] [--email E] [--place TEXT]\n"
	      "              [--parent CODE] [--roles ROLE1,ROLE2]\n"
	      "\n"
	      "list   departments, with how many staff can read each one's applications.\n"
	      "       部署の一覧（申請を読める職員の数つき）を表示します。\n"
	      "add    add or update a department; --roles gives those roles its inbox.\n"
	      "       部署を登録・更新します。--roles のロールが受付一覧を担当します。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

struct list_ctx {
	struct store *s;
	const char *tenant;
	int unrouted;
};

static void put_clean(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static void print_row(const struct dept *d, void *arg)
{
	struct list_ctx *c = arg;
	struct err e;
	int64_t n = 0;
	char roles[DEPT_ROLES_MAX][DEPT_ROLE_NAME];
	int nr = dept_owner_roles(roles, DEPT_ROLES_MAX, c->s, c->tenant, d->code, &e);
	dept_readers(&n, NULL, c->s, c->tenant, d->code, &e);
	printf("%s\t", d->code);
	put_clean(d->name_ja);
	putchar('\t');
	put_clean(d->name_en);
	printf("\t%s\t%lld\t", d->parent, (long long)n);
	for (int i = 0; i < nr; i++)
		printf("%s%s", i ? "," : "", roles[i]);
	printf("%s\n", n == 0 ? "\tunrouted" : "");
	if (n == 0)
		c->unrouted++;
}

static int audit_cli(struct store *s, const struct audit_config *ac, const char *tenant,
		     const char *action, const char *obj, struct err *e)
{
	struct audit_record r = {
		.actor_login = "(cli)",
		.action = action,
		.object_type = "department",
		.object_id = obj,
		.tenant = tenant,
		.result = AUDIT_R_OK,
	};
	return audit_append(NULL, s, ac, &r, e);
}

static int cmd_add(struct store *s, const char *tenant, const struct opt *o, int no)
{
	struct dept d;
	memset(&d, 0, sizeof d);
	const char *code = opts_get(o, no, "code"), *ja = opts_get(o, no, "name-ja");
	if (!code || !ja) {
		usage(stderr);
		return CLI_USAGE;
	}
#define SET(field, name)                                                        \
	do {                                                                    \
		const char *v_ = opts_get(o, no, name);                         \
		if (v_ && strlen(v_) >= sizeof d.field)                         \
			return cli_error(NULL, "値が長すぎます: --" name,       \
					 "value too long: --" name);            \
		snprintf(d.field, sizeof d.field, "%s", v_ ? v_ : "");          \
	} while (0)
	SET(code, "code");
	SET(name_ja, "name-ja");
	SET(name_en, "name-en");
	SET(phone, "phone");
	SET(email, "email");
	SET(place, "place");
	SET(parent, "parent");
#undef SET
	struct err e;
	err_clear(&e);
	struct audit_key key;
	struct audit_config ac = { 0 };
	const char *hex = getenv("MADOGUCHI_AUDIT_KEY");
	if (hex && *hex) {
		if (audit_key_from_hex(&key, hex, &e) != 0)
			return cli_error(&e, "監査鍵を読めません", "bad MADOGUCHI_AUDIT_KEY");
		ac.key = &key;
	}
	int created = 0;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = dept_put(&created, s, tenant, &d, app_now(), &e);
	if (rc == 0)
		rc = audit_cli(s, &ac, tenant, "department.put", d.code, &e);
	const char *roles = opts_get(o, no, "roles");
	char buf[512];
	snprintf(buf, sizeof buf, "%s", roles ? roles : "");
	for (char *save = NULL, *r = strtok_r(buf, ",", &save); rc == 0 && r;
	     r = strtok_r(NULL, ",", &save)) {
		int changed;
		rc = dept_owner_set(&changed, s, tenant, d.code, r, 1, &e);
		if (rc == 0 && changed) {
			char obj[DEPT_CODE_MAX + DEPT_ROLE_NAME + 8];
			snprintf(obj, sizeof obj, "%s/+%s", d.code, r);
			rc = audit_cli(s, &ac, tenant, "department.owner", obj, &e);
		}
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	if (ac.key)
		audit_key_wipe(&key);
	if (rc == ERR_INVALID)
		return cli_error(&e, "部署の項目が正しくありません（詳細の項目を確認してください）",
				 "a field of the department is not valid (see the detail)");
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "ロールまたは自治体がありません", "no such role or municipality");
	if (rc)
		return cli_error(&e, "部署を登録できませんでした", "could not save the department");
	printf("%s\t%s\n", d.code, created ? "new" : "updated");
	int64_t n = 0;
	if (dept_readers(&n, NULL, s, tenant, d.code, &e) == 0 && n == 0)
		fprintf(stderr, "madoguchi: 注意: この部署の申請を読める職員がいません /"
			" warning: no staff can read this department's applications (%s)\n", d.code);
	return CLI_OK;
}

int cli_department(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "add") != 0) {
		fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown subcommand: %s\n", sub);
		usage(stderr);
		return CLI_USAGE;
	}
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "code", 1, NULL },
			   { "name-ja", 1, NULL }, { "name-en", 1, NULL }, { "phone", 1, NULL },
			   { "email", 1, NULL }, { "place", 1, NULL }, { "parent", 1, NULL },
			   { "roles", 1, NULL } };
	const int no = (int)(sizeof o / sizeof o[0]);
	if (opts_parse(o, no, argc - 1, argv + 1, NULL, 0) < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	if (!db || !tenant) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct err e;
	err_clear(&e);
	struct store *s;
	if (store_open(&s, db, &e) != 0)
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	int rc = app_migrate(s, NULL, &e);
	if (rc) {
		store_close(s);
		return cli_error(&e, "スキーマを更新できません", "cannot migrate the schema");
	}
	if (strcmp(sub, "add") == 0) {
		rc = cmd_add(s, tenant, o, no);
		store_close(s);
		return rc;
	}
	struct list_ctx c = { .s = s, .tenant = tenant };
	rc = dept_list(s, tenant, print_row, &c, &e);
	store_close(s);
	if (rc < 0)
		return cli_error(&e, "部署の一覧を取得できません", "cannot list the departments");
	if (c.unrouted)
		fprintf(stderr, "madoguchi: %d 部署の申請は誰も読めません / %d departments reach nobody\n",
			c.unrouted, c.unrouted);
	return CLI_OK;
}
