/*
 * cli.c -- `madoguchi news`: list a municipality's notices, add one (for
 * scripts and for the demo), withdraw one.  Every change is written to
 * the audit trail in its own transaction (actor "(cli)"; signed with
 * $MADOGUCHI_AUDIT_KEY when set).  Output: one notice a line, tab
 * separated: id, state, start day (JST), end day or "-", title.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/audit/audit.h"
#include "jp/date.h"
#include "base/util.h"
#include "svc/news/news.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi news list --db URL --tenant CODE [--all]\n"
	      "       madoguchi news add --db URL --tenant CODE --title-ja T --body-ja TEXT\n"
	      "              [--title-en T] [--body-en TEXT] [--publish YYYY-MM-DD]\n"
	      "              [--until YYYY-MM-DD] [--important] [--draft]\n"
	      "              [--category kurashi|kosodate|fukushi|bosai|kankyo|bunka|jigyosha]\n"
	      "       madoguchi news withdraw --db URL --tenant CODE --id N\n"
	      "\n"
	      "list      the notices residents see now (--all: every notice).\n"
	      "          お知らせを一覧表示します。\n"
	      "add       add a notice, published unless --draft.  お知らせを追加します。\n"
	      "withdraw  take a notice off the site.  お知らせを取り下げます。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

static void print_item(const struct news_item *it, void *arg)
{
	(void)arg;
	char a[JP_DATE_ISO_SIZE], b[JP_DATE_ISO_SIZE] = "-";
	jp_date_format_iso(a, sizeof a, jp_jst_date(it->publish_at), NULL);
	if (it->until_at)
		jp_date_format_iso(b, sizeof b, jp_jst_date(it->until_at), NULL);
	printf("%lld\t%s\t%s\t%s\t", (long long)it->id, news_state_name(it->state), a, b);
	for (const unsigned char *p = (const unsigned char *)it->title_ja; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
	putchar('\n');
}

static int audit_change(struct store *s, const char *tenant, const char *action,
			int64_t id, struct err *e)
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
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)id);
	struct audit_record r = {
		.actor_login = "(cli)", .action = action, .object_type = "news",
		.object_id = obj, .tenant = tenant, .result = AUDIT_R_OK,
	};
	int rc = audit_append(NULL, s, &ac, &r, e);
	if (ac.key)
		audit_key_wipe(&key);
	return rc;
}

static int day(int64_t *t, const char *s, const char *opt)
{
	struct jp_date d;
	if (jp_date_parse_iso(&d, s, NULL)) {
		fprintf(stderr, "madoguchi: %s は YYYY-MM-DD の形で指定してください / %s must be YYYY-MM-DD\n",
			opt, opt);
		return CLI_USAGE;
	}
	*t = jp_jst_midnight(d);
	return 0;
}

int cli_news(int argc, char **argv)
{
	struct opt o[] = {
		{ "db", 1, NULL }, { "tenant", 1, NULL }, { "all", 0, NULL }, { "title-ja", 1, NULL },
		{ "title-en", 1, NULL }, { "body-ja", 1, NULL }, { "body-en", 1, NULL },
		{ "publish", 1, NULL }, { "until", 1, NULL }, { "important", 0, NULL },
		{ "draft", 0, NULL }, { "id", 1, NULL }, { "help", 0, NULL }, { "category", 1, NULL },
	};
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[2];
	int np = opts_parse(o, n, argc, argv, pos, 2);
	if (np < 0 || (np == 0 && !opts_get(o, n, "help"))) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	const char *cmd = pos[0], *db = opts_db(o, n), *tenant = opts_get(o, n, "tenant");
	if (strcmp(cmd, "list") != 0 && strcmp(cmd, "add") != 0 && strcmp(cmd, "withdraw") != 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!db || !tenant) {
		fprintf(stderr, "madoguchi: --db と --tenant が必要です / --db and --tenant are required\n");
		usage(stderr);
		return CLI_USAGE;
	}
	struct news_item it = {
		.title_ja = opts_get(o, n, "title-ja"), .title_en = opts_get(o, n, "title-en"),
		.body_ja = opts_get(o, n, "body-ja"), .body_en = opts_get(o, n, "body-en"),
		.important = opts_get(o, n, "important") != NULL,
		.category = opts_get(o, n, "category"),
		.state = opts_get(o, n, "draft") ? NEWS_DRAFT : NEWS_PUBLISHED,
		.publish_at = jp_jst_midnight(jp_jst_date(app_now())),
	};
	int64_t id = 0;
	const char *s;
	if (strcmp(cmd, "add") == 0) {
		int rc;
		if ((s = opts_get(o, n, "publish")) && (rc = day(&it.publish_at, s, "--publish")))
			return rc;
		if ((s = opts_get(o, n, "until")) && (rc = day(&it.until_at, s, "--until")))
			return rc;
		struct news_problem p;
		if (news_check(&it, &p)) {
			fprintf(stderr, "madoguchi: %s / %s\n", p.ja, p.en);
			return CLI_USAGE;
		}
	}
	if (strcmp(cmd, "withdraw") == 0 &&
	    (!(s = opts_get(o, n, "id")) || parse_i64(&id, s, 1, INT64_MAX))) {
		fprintf(stderr, "madoguchi: --id にお知らせの番号を指定してください /"
			" --id must be the notice's number\n");
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
		return cli_error(NULL, "その自治体コードの自治体はありません",
				 "no municipality has that code");
	}
	if (rc == 0 && strcmp(cmd, "list") == 0) {
		/* every notice, a page at a time, in one transaction (one
		 * snapshot: a notice saved meanwhile neither shifts nor
		 * repeats the pages) */
		struct news_query nq = { .filter = opts_get(o, n, "all") ? NEWS_ALL : NEWS_PUBLIC,
					 .limit = NEWS_PAGE_MAX };
		int64_t now = app_now();
		rc = store_begin(st, &e);
		int total = 0;
		while (rc == 0 && (total = news_list(st, tenant, &nq, now, print_item, NULL, &e)) >= 0 &&
		       nq.offset + NEWS_PAGE_MAX < total)
			nq.offset += NEWS_PAGE_MAX;
		if (rc == 0) {
			rc = total < 0 ? total : 0;
			store_rollback(st);
		}
	} else if (rc == 0) {
		rc = store_begin(st, &e);
		if (rc == 0 && strcmp(cmd, "add") == 0)
			rc = news_save(&id, st, tenant, &it, app_now(), &e);
		else if (rc == 0)
			rc = news_set_state(st, tenant, id, NEWS_WITHDRAWN, app_now(), &e);
		if (rc == 0)
			rc = audit_change(st, tenant, strcmp(cmd, "add") == 0 ? "news.create"
							   : "news.withdraw", id, &e);
		if (rc == 0)
			rc = store_commit(st, &e);
		else
			store_rollback(st);
		if (rc == 0)
			printf("%lld\n", (long long)id);
	}
	store_close(st);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "そのお知らせはありません", "no such notice");
	if (rc)
		return cli_error(&e, "お知らせを処理できませんでした", "the notice could not be handled");
	return CLI_OK;
}
