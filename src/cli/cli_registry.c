/*
 * cli_registry.c -- `madoguchi registry`: the demo ward's resident
 * registry (src/core/registry/).
 *
 *   madoguchi registry list --db URL --tenant CODE
 *   madoguchi registry show --db URL --tenant CODE --person CODE
 *   madoguchi registry link --db URL --tenant CODE --email ADDR --person CODE
 *   madoguchi registry unlink --db URL --tenant CODE --email ADDR
 *   madoguchi registry code --db URL --tenant CODE --person CODE [--letter]
 *
 * --db falls back to $MADOGUCHI_DB.  `list` prints one person a line,
 * tab-separated: household, seq, person code, relationship, name, フリガナ,
 * birth date, sex, and the linked resident account id (or "-"); never the
 * 個人番号.  `show` prints the record the prefill reads (JSON) with the
 * 個人番号 masked ("********1234").  `link` links a resident account (by
 * e-mail) to a person; `link` and `unlink` are recorded in the audit trail
 * in the same transaction (actor "(cli)", action registry.link /
 * registry.unlink, object the account id; never a name; checkpoints
 * signed with $MADOGUCHI_AUDIT_KEY when set).
 * Also here: cli_registry_demo, the demo residents `madoguchi demo` adds.
 * Exit status: 0 done, 1 failed, 2 usage.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "core/audit/audit.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "jp/checkdigit.h"
#include "core/registry/registry.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi registry list --db URL --tenant CODE\n"
	      "       madoguchi registry show --db URL --tenant CODE --person CODE\n"
	      "       madoguchi registry link --db URL --tenant CODE --email ADDR --person CODE\n"
	      "       madoguchi registry unlink --db URL --tenant CODE --email ADDR\n"
	      "       madoguchi registry code --db URL --tenant CODE --person CODE [--letter]\n"
	      "\n"
	      "list    persons of the resident registry (no My Number).  住民の一覧。\n"
	      "show    one person's record as the forms prefill reads it (My Number masked).\n"
	      "link    link a resident account to a person.  区民アカウントと住民を紐付けます。\n"
	      "unlink  remove an account's link.  紐付けを解除します。\n"
	      "code    issue a one-time link code for a person (printed once; --letter: a\n"
	      "        letter is queued).  住民情報との連携コードを発行します。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

static void put_clean(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static void print_person(const struct registry_person *p, void *arg)
{
	(void)arg;
	printf("%s\t%d\t%s\t", p->household, p->seq, p->code);
	put_clean(p->relationship);
	putchar('\t');
	put_clean(p->family);
	if (p->given) {
		putchar(' ');
		put_clean(p->given);
	}
	putchar('\t');
	put_clean(p->family_kana);
	if (p->given_kana) {
		putchar(' ');
		put_clean(p->given_kana);
	}
	printf("\t%s\t%s\t", p->birth_date, p->sex);
	if (p->resident_id)
		printf("%lld\n", (long long)p->resident_id);
	else
		printf("-\n");
}

static int resident_by_email(int64_t *id, struct store *s, const char *tenant,
			     const char *email, struct err *e)
{
	return auth_resident_find(id, s, tenant, email, e);
}

static int audit_append_cli(struct store *s, const char *tenant, const char *action,
			    const char *type, const char *obj, struct err *e);

static int audit_link(struct store *s, const char *tenant, const char *action,
		      int64_t resident_id, struct err *e)
{
	char obj[32];
	snprintf(obj, sizeof obj, "%lld", (long long)resident_id);
	return audit_append_cli(s, tenant, action, "resident", obj, e);
}

static int audit_append_cli(struct store *s, const char *tenant, const char *action,
			    const char *type, const char *obj, struct err *e)
{
	/* checkpoints signed with $MADOGUCHI_AUDIT_KEY when set, as
	 * `madoguchi procedure load` does */
	struct audit_key key;
	struct audit_config ac = { 0 };
	const char *hex = getenv("MADOGUCHI_AUDIT_KEY");
	if (hex && *hex) {
		int rc = audit_key_from_hex(&key, hex, e);
		if (rc)
			return rc;
		ac.key = &key;
	}
	struct audit_record r = {
		.actor_login = "(cli)",
		.action = action,
		.object_type = type,
		.object_id = obj,
		.tenant = tenant,
		.result = AUDIT_R_OK,
	};
	return audit_append(NULL, s, &ac, &r, e);
}

static int cmd_link(struct store *s, const char *tenant, const char *email,
		    const char *person, int unlink)
{
	struct err e;
	err_clear(&e);
	int64_t rid = 0;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = resident_by_email(&rid, s, tenant, email, &e);
	if (rc == 0)
		rc = unlink ? registry_unlink(s, tenant, rid, &e)
			    : registry_link(s, tenant, rid, person, app_now(), &e);
	if (rc == 0)
		rc = audit_link(s, tenant, unlink ? "registry.unlink" : "registry.link", rid, &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	if (rc == ERR_CONFLICT)
		return cli_error(&e, "この住民は別のアカウントに紐付いています",
				 "the person is linked to another account");
	if (rc)
		return cli_error(&e, "紐付けできませんでした", "could not change the link");
	printf("%s\t%lld\t%s\n", unlink ? "unlinked" : "linked", (long long)rid,
	       unlink ? "-" : person);
	return CLI_OK;
}

static int cmd_show(struct store *s, const char *tenant, const char *person)
{
	struct err e;
	json_t *j = NULL;
	int rc = registry_person_json_by_code(&j, s, tenant, person, &e);
	if (rc)
		return cli_error(&e, "住民が見つかりません", "no such person");
	const json_t *mn = json_object_get(j, "my_number");
	if (json_is_string(mn)) {
		char m[JP_MYNUMBER_MASK_SIZE];
		jp_mynumber_mask(m, sizeof m, json_string_value(mn), NULL);
		json_object_set_new(j, "my_number", json_string(m));
	}
	char *t = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!t)
		return cli_error(NULL, "メモリ不足", "out of memory");
	puts(t);
	free(t);
	return CLI_OK;
}

/* a one-time link code (src/core/registry/linkcode.c), issued by the
 * operator (issued_by 0) and audited in the same transaction */
static int cmd_code(struct store *s, const char *tenant, const char *person, int letter)
{
	struct err e;
	char code[REGISTRY_CODE_LEN + 1];
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = registry_code_issue(code, s, tenant, person,
					 letter ? REGISTRY_BY_LETTER : REGISTRY_AT_COUNTER, 0, app_now(), &e);
	if (rc == 0)
		rc = audit_append_cli(s, tenant, letter ? "registry.code.letter" : "registry.code.issue",
				      "registry.person", person, &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "該当する住民がいません", "no such person");
	if (rc)
		return cli_error(&e, "連携コードを発行できませんでした", "could not issue a link code");
	printf("%s\t%s\n", person, code);
	return CLI_OK;
}

int cli_registry(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *cmd = argv[1];
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "person", 1, NULL },
			   { "email", 1, NULL }, { "letter", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	if (opts_parse(o, n, argc - 1, argv + 1, NULL, 0) < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *db = opts_db(o, n), *tenant = opts_get(o, n, "tenant");
	const char *person = opts_get(o, n, "person"), *email = opts_get(o, n, "email");
	int is_list = strcmp(cmd, "list") == 0, is_show = strcmp(cmd, "show") == 0;
	int is_link = strcmp(cmd, "link") == 0, is_unlink = strcmp(cmd, "unlink") == 0;
	int is_code = strcmp(cmd, "code") == 0;
	if (!(is_list || is_show || is_link || is_unlink || is_code) || !db || !tenant ||
	    ((is_show || is_link || is_code) && !person) || ((is_link || is_unlink) && !email)) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct store *s;
	struct err e;
	int applied = 0;
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	if (app_migrate(s, &applied, &e)) {
		store_close(s);
		return cli_error(&e, "データベースを準備できませんでした", "could not prepare the database");
	}
	int rc = CLI_OK;
	if (is_list) {
		int count = registry_list(s, tenant, print_person, NULL, &e);
		if (count < 0)
			rc = cli_error(&e, "一覧を取得できませんでした", "could not list the registry");
	} else if (is_show) {
		rc = cmd_show(s, tenant, person);
	} else if (is_code) {
		rc = cmd_code(s, tenant, person, opts_get(o, n, "letter") != NULL);
	} else {
		rc = cmd_link(s, tenant, email, person, is_unlink);
	}
	store_close(s);
	return rc;
}

/* the demo residents of デモ区: accounts linked to persons of the seeded
 * households (see src/core/registry/README.md and scripts/run-demo.sh) */
static const struct { const char *email, *password, *person; } demo_residents[] = {
	{ "demo-taro@example.jp", "Hinode-Kumin-2026", "P0001" },     /* child under 3 */
	{ "demo-sakura@example.jp", "Minato-Kumin-2026", "P0019" },   /* baby, 1 parent */
};

int cli_registry_demo(struct store *s, const struct auth_config *ac,
		      const char *tenant, struct err *e)
{
	int added = 0;
	int rc = registry_demo_seed(&added, s, tenant, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof demo_residents / sizeof demo_residents[0]; i++) {
		int64_t id = 0;
		rc = resident_by_email(&id, s, tenant, demo_residents[i].email, e);
		if (rc == ERR_NOTFOUND) {
			struct auth_events ev = { 0 };
			rc = auth_resident_add(&id, s, ac,
					       &(struct auth_resident_new){
						       .tenant = tenant,
						       .email = demo_residents[i].email,
						       .password = demo_residents[i].password },
					       app_now(), &ev, e);
		}
		if (rc)
			return rc;
		rc = registry_link(s, tenant, id, demo_residents[i].person, app_now(), e);
		if (rc && rc != ERR_CONFLICT)
			return rc;
	}
	return 0;
}
