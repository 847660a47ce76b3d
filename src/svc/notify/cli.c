/*
 * cli.c -- `madoguchi notify template list|show|render|defaults`: a
 * municipality's message templates from the command line.  list prints
 * one template a line (tab separated: id, channel, version in force,
 * author, what it is for); show prints a version's fields and texts;
 * render prints the message a template makes from name=value pairs
 * (refusing a missing or unknown value as sending would); defaults
 * installs the shipped templates the municipality lacks (audited, actor
 * "(cli)").  Reading changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/audit/audit.h"
#include "base/util.h"
#include "svc/notify/notify.h"

#define MAXPOS (2 + NOTIFY_VALUES_MAX + 1)

static void usage(FILE *f)
{
	fputs("usage: madoguchi notify template list --db URL --tenant CODE\n"
	      "       madoguchi notify template show --db URL --tenant CODE --id ID [--version N]\n"
	      "       madoguchi notify template render --db URL --tenant CODE --id ID\n"
	      "              [--lang ja|en|ja-easy] [name=value ...]\n"
	      "       madoguchi notify template defaults --db URL --tenant CODE\n"
	      "\n"
	      "list      the templates and the version in force.  テンプレートの一覧。\n"
	      "show      a version's texts (default: the one in force).  文面を表示します。\n"
	      "render    the message made from the values, as it would be sent.\n"
	      "          値を差し込んだメッセージを表示します。\n"
	      "defaults  add the shipped templates the municipality lacks.\n"
	      "          標準のテンプレートのうち、ないものを追加します。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

/* one line, control characters as spaces */
static void put_line(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static void print_row(const struct notify_template *t, void *arg)
{
	(void)arg;
	const struct notify_default *d = notify_default_find(t->slug);
	printf("%s\t%s\t%d\t", t->slug, notify_channel_name(t->channel), t->version);
	put_line(t->author);
	putchar('\t');
	put_line(d ? d->about_en : "");
	putchar('\n');
}

static void print_template(const struct notify_template *t)
{
	printf("id: %s\nchannel: %s\nfields: %s\nversion: %d\nauthor: ", t->slug,
	       notify_channel_name(t->channel), t->fields, t->version);
	put_line(t->author);
	printf("\nnote: ");
	put_line(t->note);
	putchar('\n');
	for (int l = 0; l < NOTIFY_NLANG; l++) {
		printf("\n[%s] subject: %s\n", notify_lang_code((enum notify_lang)l), t->text[l].subject);
		printf("%s%s", t->text[l].body,
		       t->text[l].body[0] && t->text[l].body[strlen(t->text[l].body) - 1] != '\n' ? "\n" : "");
	}
}

static int audit_defaults(struct store *s, const char *tenant, struct err *e)
{
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
		.actor_login = "(cli)", .action = "notify.template.defaults",
		.object_type = "notify.template", .tenant = tenant, .result = AUDIT_R_OK,
	};
	int rc = audit_append(NULL, s, &ac, &r, e);
	if (ac.key)
		audit_key_wipe(&key);
	return rc;
}

static int cmd_template(struct store *st, struct opt *o, int n, const char **pos, int np)
{
	const char *cmd = pos[1], *tenant = opts_get(o, n, "tenant"), *id = opts_get(o, n, "id");
	struct err e;
	err_clear(&e);
	struct arena *a = arena_new(4u << 20);
	if (!a)
		return cli_error(NULL, "メモリが足りません", "out of memory");
	int rc = 0;
	if (strcmp(cmd, "list") == 0) {
		rc = notify_list(st, tenant, print_row, NULL, &e);
		rc = rc < 0 ? rc : 0;
	} else if (strcmp(cmd, "show") == 0) {
		int64_t ver = 0;
		const char *v = opts_get(o, n, "version");
		struct notify_template t;
		if (v && parse_i64(&ver, v, 1, 1000000000))
			rc = err_set(&e, ERR_INVALID, "--version must be a number");
		if (rc == 0 && (rc = notify_get(&t, a, st, tenant, id, (int)ver, &e)) == 0)
			print_template(&t);
	} else if (strcmp(cmd, "render") == 0) {
		struct notify_value vals[NOTIFY_VALUES_MAX + 1];
		int nv = 0;
		for (int i = 2; i < np; i++) {
			const char *eq = strchr(pos[i], '=');
			if (!eq) {
				arena_free(a);
				fprintf(stderr, "madoguchi: 値は name=value の形で指定してください /"
					" values are name=value\n");
				return CLI_USAGE;
			}
			vals[nv++] = (struct notify_value){ arena_strndup(a, pos[i], (size_t)(eq - pos[i])), eq + 1 };
		}
		struct notify_message m;
		rc = notify_render(&m, a, st, tenant, id, opts_get(o, n, "lang"), vals, nv, &e);
		if (rc == 0)
			printf("Subject: %s\nLanguage: %s\nVersion: %d\n\n%s", m.subject,
			       notify_lang_code(m.lang), m.version, m.body);
	} else {
		rc = store_begin(st, &e);
		int made = rc ? rc : notify_install_defaults(st, tenant, app_now(), &e);
		rc = made < 0 ? made : audit_defaults(st, tenant, &e);
		if (rc == 0)
			rc = store_commit(st, &e);
		else
			store_rollback(st);
		if (rc == 0)
			printf("%d\n", made);
	}
	arena_free(a);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "そのテンプレート（またはその版）はありません", "no such template (or version)");
	if (rc == ERR_INVALID)
		return cli_error(&e, "値が正しくありません", "the values were refused");
	if (rc)
		return cli_error(&e, "テンプレートを処理できませんでした", "the template could not be handled");
	return CLI_OK;
}

int cli_notify(int argc, char **argv)
{
	struct opt o[] = {
		{ "db", 1, NULL }, { "tenant", 1, NULL }, { "id", 1, NULL }, { "version", 1, NULL },
		{ "lang", 1, NULL }, { "help", 0, NULL },
	};
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[MAXPOS];
	int np = opts_parse(o, n, argc, argv, pos, MAXPOS);
	if (opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (np < 2 || np >= MAXPOS || strcmp(pos[0], "template") != 0 ||
	    (strcmp(pos[1], "list") && strcmp(pos[1], "show") && strcmp(pos[1], "render") &&
	     strcmp(pos[1], "defaults")) ||
	    (np > 2 && strcmp(pos[1], "render") != 0)) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *db = opts_db(o, n), *tenant = opts_get(o, n, "tenant");
	if (!db || !tenant) {
		fprintf(stderr, "madoguchi: --db と --tenant が必要です / --db and --tenant are required\n");
		return CLI_USAGE;
	}
	if ((strcmp(pos[1], "show") == 0 || strcmp(pos[1], "render") == 0) && !opts_get(o, n, "id")) {
		fprintf(stderr, "madoguchi: --id にテンプレートIDを指定してください / --id must name a template\n");
		return CLI_USAGE;
	}
	const char *lang = opts_get(o, n, "lang");
	if (lang && notify_lang_parse(lang) < 0) {
		fprintf(stderr, "madoguchi: --lang は ja, en, ja-easy のどれかです / --lang is ja, en or ja-easy\n");
		return CLI_USAGE;
	}
	struct store *st;
	struct err e;
	err_clear(&e);
	if (store_open(&st, db, &e))
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	int rc = app_migrate(st, NULL, &e);
	struct tenant t;
	if (rc == 0 && (rc = tenant_get(&t, st, tenant, &e)) == ERR_NOTFOUND) {
		store_close(st);
		return cli_error(NULL, "その自治体コードの自治体はありません", "no municipality has that code");
	}
	if (rc) {
		store_close(st);
		return cli_error(&e, "データベースを準備できません", "cannot prepare the database");
	}
	rc = cmd_template(st, o, n, pos, np);
	store_close(st);
	return rc;
}
