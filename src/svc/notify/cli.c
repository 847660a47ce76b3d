/*
 * cli.c -- `madoguchi notify template list|show|render|defaults`: a
 * municipality's message templates from the command line.  list prints
 * one template a line (tab separated: id, channel, version in force,
 * author, what it is for); show prints a version's fields and texts;
 * render prints the message a template makes from name=value pairs
 * (refusing a missing or unknown value as sending would); defaults
 * installs the shipped templates the municipality lacks (audited, actor
 * "(cli)").  Reading changes nothing.
 *
 * `madoguchi notify send --topic T [--id TEMPLATE] --link-base URL
 * [--emergency] name=value ...` queues the template to every subscriber
 * of topic T on each channel they chose (notify_fanout: held in quiet
 * hours unless --emergency; --id the e-mail template, else the topic's;
 * SMS and LINE the topic's) and prints how many, the seconds it took and
 * "email=N sms=N line=N"; `notify status --mail ID`
 * prints a message's status (queued, held, sending, sent, failed).
 *
 * `madoguchi notify sms --to NUMBER --id TEMPLATE [--lang L] [--emergency]
 * [--now S] name=value ...` renders an SMS template and queues it
 * (notify_send) and prints the message id (`notify line --to U...` a LINE
 * template to a LINE user id); `notify status --msg ID` prints
 * an SMS/LINE message's id, state, lane, attempts and last error code
 * (never the number or the text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/audit/audit.h"
#include "base/util.h"
#include "core/mail/mail.h"
#include "svc/notify/notify.h"

#include <stdint.h>

#define MAXPOS (2 + NOTIFY_VALUES_MAX + 1)

static void usage(FILE *f)
{
	fputs("usage: madoguchi notify template list --db URL --tenant CODE\n"
	      "       madoguchi notify template show --db URL --tenant CODE --id ID [--version N]\n"
	      "       madoguchi notify template render --db URL --tenant CODE --id ID\n"
	      "              [--lang ja|en|ja-easy] [name=value ...]\n"
	      "       madoguchi notify template defaults --db URL --tenant CODE\n"
	      "       madoguchi notify send --db URL --tenant CODE --topic TOPIC [--id ID]\n"
	      "              --link-base URL [--emergency] [--now SECONDS] [name=value ...]\n"
	      "       madoguchi notify status --db URL --tenant CODE --mail ID\n"
	      "       madoguchi notify sms --db URL --tenant CODE --to +81... --id ID\n"
	      "              [--lang L] [--emergency] [--now SECONDS] [name=value ...]\n"
	      "       madoguchi notify line --db URL --tenant CODE --to U... --id ID [...]\n"
	      "       madoguchi notify status --db URL --tenant CODE --msg ID\n"
	      "\n"
	      "list      the templates and the version in force.  テンプレートの一覧。\n"
	      "show      a version's texts (default: the one in force).  文面を表示します。\n"
	      "render    the message made from the values, as it would be sent.\n"
	      "          値を差し込んだメッセージを表示します。\n"
	      "defaults  add the shipped templates the municipality lacks.\n"
	      "          標準のテンプレートのうち、ないものを追加します。\n"
	      "send      queue the template to every subscriber of the topic (held\n"
	      "          21:00-08:00 JST unless --emergency, which goes first).\n"
	      "          トピックの登録者全員にお知らせを送ります。\n"
	      "          --now: the time the quiet hours are judged at (tests, bench).\n"
	      "status    a message's status: queued, held, sending, sent, failed.\n"
	      "          メッセージの状態を表示します。\n"
	      "sms       queue an SMS from an SMS template; prints the message id.\n"
	      "          SMS のテンプレートからメッセージを送信待ちにします。\n"
	      "status --msg  an SMS/LINE message: id, state (queued, sending, delivered,\n"
	      "          failed, bounced), lane, attempts, last error code.\n"
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

static int status_cb(const struct mail_info *m, void *arg)
{
	*(int *)arg = 1;
	printf("%lld\t%s\t%s\t%d\n", (long long)m->id, mail_status(m, app_now()),
	       m->priority ? "emergency" : "normal", m->attempts);
	return 1;
}

static int cmd_send(struct store *st, struct opt *o, int n, const char **pos, int np)
{
	const char *tenant = opts_get(o, n, "tenant");
	struct err e;
	err_clear(&e);
	int rc;
	if (strcmp(pos[0], "status") == 0 && opts_get(o, n, "msg")) {
		int64_t id = 0;
		if (parse_i64(&id, opts_get(o, n, "msg"), 1, INT64_MAX)) {
			fprintf(stderr, "madoguchi: --msg にメッセージ番号を指定してください / --msg must be a message id\n");
			return CLI_USAGE;
		}
		struct notify_msg m;
		struct arena *ma = arena_new(1u << 16);
		if (!ma)
			return cli_error(NULL, "メモリが足りません", "out of memory");
		rc = notify_msg_get(&m, ma, st, tenant, id, &e);
		if (rc) {
			arena_free(ma);
			return rc == ERR_NOTFOUND ? cli_error(NULL, "そのメッセージはありません", "no such message")
						  : cli_error(&e, "読み込めませんでした", "cannot read the message");
		}
		printf("%lld\t%s\t%s\t%s\t%d\t%s\n", (long long)m.id, m.channel, notify_state_name(m.state),
		       m.priority ? "emergency" : "normal", m.attempts, m.last_error[0] ? m.last_error : "-");
		arena_free(ma);
		return CLI_OK;
	}
	if (strcmp(pos[0], "status") == 0) {
		int64_t id = 0;
		const char *v = opts_get(o, n, "mail");
		if (!v || parse_i64(&id, v, 1, INT64_MAX)) {
			fprintf(stderr, "madoguchi: --mail にメッセージ番号を指定してください / --mail must be a message id\n");
			return CLI_USAGE;
		}
		int found = 0;
		rc = mail_list(st, &(struct mail_filter){ .id = id, .tenant = tenant }, status_cb, &found, &e);
		if (rc >= 0 && !found)
			return cli_error(NULL, "そのメッセージはありません", "no such message");
		return rc < 0 ? cli_error(&e, "読み込めませんでした", "cannot read the outbox") : CLI_OK;
	}
	struct notify_value vals[NOTIFY_VALUES_MAX];
	int nv = 0;
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return cli_error(NULL, "メモリが足りません", "out of memory");
	for (int i = 1; i < np && nv < NOTIFY_VALUES_MAX - 1; i++) {
		const char *eq = strchr(pos[i], '=');
		if (!eq) {
			arena_free(a);
			fprintf(stderr, "madoguchi: 値は name=value の形で指定してください / values are name=value\n");
			return CLI_USAGE;
		}
		vals[nv++] = (struct notify_value){ arena_strndup(a, pos[i], (size_t)(eq - pos[i])), eq + 1 };
	}
	int64_t queued = 0, t0 = now_ms(), at = app_now();
	const char *nowopt = opts_get(o, n, "now");
	if (nowopt && parse_i64(&at, nowopt, 1, INT64_MAX / 1000)) {
		arena_free(a);
		fprintf(stderr, "madoguchi: --now は秒で指定してください / --now is seconds since the epoch\n");
		return CLI_USAGE;
	}
	if (strcmp(pos[0], "sms") == 0 || strcmp(pos[0], "line") == 0) {
		int64_t id = 0;
		rc = notify_send(&id, st, tenant, &(struct notify_send){
			.channel = strcmp(pos[0], "line") == 0 ? NOTIFY_LINE : NOTIFY_SMS, .recipient = opts_get(o, n, "to"),
			.template_id = opts_get(o, n, "id"), .lang = opts_get(o, n, "lang"),
			.vals = vals, .n = nv, .priority = opts_get(o, n, "emergency") ? 1 : 0 }, at, &e);
		arena_free(a);
		if (rc == ERR_NOTFOUND)
			return cli_error(&e, "そのテンプレートはありません", "no such template");
		if (rc == ERR_INVALID || rc == ERR_LIMIT)
			return cli_error(&e, "宛先・テンプレート・値が正しくないか、長すぎます",
					 "recipient, template or values refused, or too long");
		if (rc)
			return cli_error(&e, "送信の準備ができませんでした", "could not queue the message");
		printf("%lld\n", (long long)id);
		return CLI_OK;
	}
	int64_t by[3] = { 0, 0, 0 };
	rc = notify_fanout(&queued, st, tenant,
			   &(struct notify_fanout){ .topic = opts_get(o, n, "topic"), .template_id = opts_get(o, n, "id"),
						    .vals = vals, .n = nv,
						    .priority = opts_get(o, n, "emergency") ? MAIL_PRIORITY_EMERGENCY
											    : MAIL_PRIORITY_NORMAL,
						    .link_base = opts_get(o, n, "link-base"),
						    .per_channel = by },
			   at, &e);
	arena_free(a);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "そのテンプレートはありません", "no such template");
	if (rc == ERR_INVALID)
		return cli_error(&e, "トピック・テンプレート・値が正しくありません", "topic, template or values refused");
	if (rc == ERR_LIMIT)
		return cli_error(&e, "SMS または LINE の本文が長すぎます", "the SMS or LINE text is too long");
	if (rc)
		return cli_error(&e, "送信の準備ができませんでした", "could not queue the messages");
	printf("%lld\t%.3f\temail=%lld sms=%lld line=%lld\n", (long long)queued,
	       (double)(now_ms() - t0) / 1000.0, (long long)by[0], (long long)by[1], (long long)by[2]);
	return CLI_OK;
}

int cli_notify(int argc, char **argv)
{
	struct opt o[] = {
		{ "db", 1, NULL }, { "tenant", 1, NULL }, { "id", 1, NULL }, { "version", 1, NULL },
		{ "lang", 1, NULL }, { "help", 0, NULL }, { "topic", 1, NULL }, { "link-base", 1, NULL },
		{ "emergency", 0, NULL }, { "mail", 1, NULL }, { "now", 1, NULL },
		{ "to", 1, NULL }, { "msg", 1, NULL },
	};
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[MAXPOS];
	int np = opts_parse(o, n, argc, argv, pos, MAXPOS);
	if (opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	int sending = np >= 1 && (strcmp(pos[0], "send") == 0 || strcmp(pos[0], "status") == 0 ||
				  strcmp(pos[0], "sms") == 0 || strcmp(pos[0], "line") == 0);
	if (sending && (strcmp(pos[0], "sms") == 0 || strcmp(pos[0], "line") == 0) && (!opts_get(o, n, "to") || !opts_get(o, n, "id"))) {
		fprintf(stderr, "madoguchi: --to と --id が必要です / --to and --id are required\n");
		return CLI_USAGE;
	}
	if (sending && strcmp(pos[0], "send") == 0 &&
	    (!opts_get(o, n, "topic") || !opts_get(o, n, "id") || !opts_get(o, n, "link-base"))) {
		fprintf(stderr, "madoguchi: --topic, --id と --link-base が必要です / --topic, --id and --link-base are required\n");
		return CLI_USAGE;
	}
	if (!sending && (np < 2 || np >= MAXPOS || strcmp(pos[0], "template") != 0 ||
	    (strcmp(pos[1], "list") && strcmp(pos[1], "show") && strcmp(pos[1], "render") &&
	     strcmp(pos[1], "defaults")) ||
	    (np > 2 && strcmp(pos[1], "render") != 0))) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *db = opts_db(o, n), *tenant = opts_get(o, n, "tenant");
	if (!db || !tenant) {
		fprintf(stderr, "madoguchi: --db と --tenant が必要です / --db and --tenant are required\n");
		return CLI_USAGE;
	}
	if (!sending && (strcmp(pos[1], "show") == 0 || strcmp(pos[1], "render") == 0) && !opts_get(o, n, "id")) {
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
	rc = sending ? cmd_send(st, o, n, pos, np) : cmd_template(st, o, n, pos, np);
	store_close(st);
	return rc;
}
