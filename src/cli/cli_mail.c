/*
 * cli_mail.c -- `madoguchi mail`: the e-mail outbox (src/core/mail).
 *
 *   madoguchi mail list --db URL [--state S] [--tenant CODE] [--limit N] [--json]
 *   madoguchi mail send-pending --db URL --smtp-url URL --mail-from ADDR [smtp options]
 *   madoguchi mail test --db URL --to ADDR [--tenant CODE] [--subject S] [--body TEXT]
 *   madoguchi mail bounce --db URL < dsn.eml
 *
 * `list` shows the newest messages first with the recipient masked
 * (t***@example.jp; --show-recipient for the whole address) and never the
 * body.  `send-pending` delivers what is due now, as the server's
 * `mail.send` job would (for a deployment whose servers have no relay, or
 * from cron).  `test` queues a Japanese test message; a server with a
 * relay delivers it within moments.  `bounce` reads a delivery status
 * notification (RFC 3464, at most MAIL_DSN_MAX bytes) on standard input,
 * as Postfix's pipe transport hands it over, and marks the message it
 * reports on bounced (mail_bounce); it prints "bounced ID STATUS" (or
 * "ignored ID ACTION" for a delay or success report), never an address.
 * Text read back from the database is printed escaped.  Exit status: 0
 * done, 1 failed (a malformed DSN, no such message: the MTA returns it to
 * the postmaster), 2 usage, 75 (EX_TEMPFAIL) when the database cannot be
 * reached, so that the MTA tries again later.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/app_mail.h"
#include "jp/date.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/mail/mail.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi mail list --db URL [--state S] [--tenant CODE] [--limit N]\n"
	      "                           [--json] [--show-recipient]\n"
	      "       madoguchi mail send-pending --db URL --smtp-url URL --mail-from ADDR\n"
	      "                           [--mail-from-name NAME] [--smtp-starttls require|try|none]\n"
	      "                           [--smtp-auth-file F] [--smtp-ca-file PEM]\n"
	      "                           [--smtp-timeout SECS] [--mail-retry-base SECS]\n"
	      "                           [--mail-max-attempts N]\n"
	      "       madoguchi mail test --db URL --to ADDR [--tenant CODE] [--subject S]\n"
	      "                           [--body TEXT]\n"
	      "       madoguchi mail bounce --db URL < dsn.eml\n"
	      "\n"
	      "list          the newest messages first (default 100), one a line;\n"
	      "              recipients masked unless --show-recipient; never the body\n"
	      "send-pending  deliver the messages due now, as the server's mail.send job\n"
	      "test          queue a test message in Japanese (the server delivers it)\n"
	      "bounce        read a delivery status notification (RFC 3464) on standard\n"
	      "              input (an MTA's pipe) and mark its message bounced\n"
	      "S: queued sent failed bounced.  --db defaults to $MADOGUCHI_DB.  Times are\n"
	      "Japan time (+09:00).\n", f);
}

int cli_mail_options(struct mail_config *out, const struct opt *o, int n)
{
	memset(out, 0, sizeof *out);
	int64_t v;
	const char *s;
	out->smtp_url = opts_get(o, n, "smtp-url");
	out->from = opts_get(o, n, "mail-from");
	out->from_name = opts_get(o, n, "mail-from-name");
	out->auth_file = opts_get(o, n, "smtp-auth-file");
	out->ca_file = opts_get(o, n, "smtp-ca-file");
	if (!out->smtp_url)
		return 0;
	if (!out->from) {
		cli_error(NULL, "--smtp-url には --mail-from が必要です", "--smtp-url needs --mail-from");
		return CLI_USAGE;
	}
	if ((s = opts_get(o, n, "smtp-starttls"))) {
		if (strcmp(s, "require") == 0)
			out->tls = MAIL_TLS_REQUIRE;
		else if (strcmp(s, "try") == 0)
			out->tls = MAIL_TLS_TRY;
		else if (strcmp(s, "none") == 0)
			out->tls = MAIL_TLS_NONE;
		else {
			cli_error(NULL, "--smtp-starttls は require, try, none のいずれかです",
				  "--smtp-starttls must be require, try or none");
			return CLI_USAGE;
		}
	}
	if ((s = opts_get(o, n, "smtp-timeout"))) {
		if (parse_i64(&v, s, 1, 600)) {
			cli_error(NULL, "--smtp-timeout は 1〜600 秒です",
				  "--smtp-timeout must be 1 to 600 seconds");
			return CLI_USAGE;
		}
		out->timeout_secs = (int)v;
	}
	if ((s = opts_get(o, n, "mail-retry-base"))) {
		if (parse_i64(&v, s, 1, MAIL_RETRY_CAP_SECS)) {
			cli_error(NULL, "--mail-retry-base が範囲外です", "--mail-retry-base out of range");
			return CLI_USAGE;
		}
		out->retry_base_secs = (int)v;
	}
	if ((s = opts_get(o, n, "mail-max-attempts"))) {
		if (parse_i64(&v, s, 1, MAIL_ATTEMPTS_MAX)) {
			cli_error(NULL, "--mail-max-attempts が範囲外です",
				  "--mail-max-attempts out of range");
			return CLI_USAGE;
		}
		out->max_attempts = (int)v;
	}
	return 0;
}

static void format_jst(char out[40], int64_t secs)
{
	struct tm tm;
	jp_jst_tm(&tm, secs);
	strftime(out, 40, "%Y-%m-%dT%H:%M:%S+09:00", &tm);
}

static void put_escaped(const char *v)
{
	if (!v || !*v) {
		fputs("-", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* t***@example.jp */
static void mask(char *out, size_t cap, const char *addr)
{
	const char *at = strchr(addr, '@');
	if (!at || at == addr)
		snprintf(out, cap, "***");
	else
		snprintf(out, cap, "%c***%s", addr[0], at);
}

struct lctx {
	int json, show, bad;
};

static int print_mail(const struct mail_info *m, void *arg)
{
	struct lctx *c = arg;
	char created[40], next[40] = "-", sent[40] = "-", to[MAIL_ADDR_MAX + 8];
	format_jst(created, m->created_at);
	if (m->next_attempt_at)
		format_jst(next, m->next_attempt_at);
	if (m->sent_at)
		format_jst(sent, m->sent_at);
	if (c->show)
		snprintf(to, sizeof to, "%s", m->to);
	else
		mask(to, sizeof to, m->to);
	if (c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(m->id));
		json_object_set_new(o, "tenant", m->tenant ? json_string(m->tenant) : json_null());
		json_object_set_new(o, "state", json_string(mail_state_name(m->state)));
		json_object_set_new(o, "attempts", json_integer(m->attempts));
		json_object_set_new(o, "to", json_string(to));
		json_object_set_new(o, "subject", json_string(m->subject));
		json_object_set_new(o, "created", json_string(created));
		json_object_set_new(o, "next_attempt", m->next_attempt_at ? json_string(next) : json_null());
		json_object_set_new(o, "sent", m->sent_at ? json_string(sent) : json_null());
		json_object_set_new(o, "last_error", m->last_error ? json_string(m->last_error) : json_null());
		char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (!text) {
			c->bad = 1;
			return 0;
		}
		puts(text);
		free(text);
		return 0;
	}
	printf("%" PRId64 " %-6s tenant=%s attempts=%d to=%s created=%s next=%s sent=%s subject=",
	       m->id, mail_state_name(m->state), m->tenant ? m->tenant : "-", m->attempts,
	       to, created, next, sent);
	put_escaped(m->subject);
	fputs(" error=", stdout);
	put_escaped(m->last_error);
	putchar('\n');
	return 0;
}

static int open_db(struct store **s, const char *db)
{
	struct err e = { 0 };
	if (!db) {
		fputs("madoguchi: --db か MADOGUCHI_DB が必要です /"
		      " --db or MADOGUCHI_DB is required\n", stderr);
		return CLI_USAGE;
	}
	if (store_open(s, db, &e))
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct opt op[] = { { "db", 1, NULL }, { "state", 1, NULL }, { "tenant", 1, NULL },
			    { "limit", 1, NULL }, { "json", 0, NULL }, { "show-recipient", 0, NULL } };
	int n = (int)(sizeof op / sizeof op[0]);
	if (opts_parse(op, n, argc, argv, NULL, 0) < 0)
		return CLI_USAGE;
	struct mail_filter f = { .tenant = opts_get(op, n, "tenant"), .limit = 100 };
	const char *v;
	if ((v = opts_get(op, n, "state")) && !(f.state = mail_state_parse(v))) {
		fputs("madoguchi: --state は queued sent failed bounced のいずれかです /"
		      " --state must be queued, sent, failed or bounced\n", stderr);
		return CLI_USAGE;
	}
	int64_t lim;
	if ((v = opts_get(op, n, "limit"))) {
		if (parse_i64(&lim, v, 1, MAIL_LIST_MAX)) {
			fprintf(stderr, "madoguchi: --limit は 1..%d です / --limit must be 1..%d\n",
				MAIL_LIST_MAX, MAIL_LIST_MAX);
			return CLI_USAGE;
		}
		f.limit = (int)lim;
	}
	struct store *s;
	int rc = open_db(&s, opts_db(op, n));
	if (rc)
		return rc;
	struct lctx c = { .json = opts_get(op, n, "json") != NULL,
			  .show = opts_get(op, n, "show-recipient") != NULL };
	struct err e = { 0 };
	rc = mail_list(s, &f, print_mail, &c, &e);
	store_close(s);
	if (fflush(stdout) != 0)
		return cli_error(NULL, "出力に書けません", "cannot write the output");
	if (rc < 0)
		return cli_error(&e, "メール一覧を取得できませんでした", "could not list the e-mail");
	if (c.bad)
		return cli_error(NULL, "表示できないメールがありました",
				 "some messages hold text that is not UTF-8");
	return CLI_OK;
}

static int cmd_send(int argc, char **argv)
{
	struct opt op[] = {
		{ "db", 1, NULL }, { "smtp-url", 1, NULL }, { "mail-from", 1, NULL },
		{ "mail-from-name", 1, NULL }, { "smtp-starttls", 1, NULL },
		{ "smtp-auth-file", 1, NULL }, { "smtp-ca-file", 1, NULL },
		{ "smtp-timeout", 1, NULL }, { "mail-retry-base", 1, NULL },
		{ "mail-max-attempts", 1, NULL },
	};
	int n = (int)(sizeof op / sizeof op[0]);
	if (opts_parse(op, n, argc, argv, NULL, 0) < 0)
		return CLI_USAGE;
	struct mail_config mc;
	int rc = cli_mail_options(&mc, op, n);
	if (rc)
		return rc;
	if (!mc.smtp_url) {
		fputs("madoguchi: --smtp-url が必要です / --smtp-url is required\n", stderr);
		return CLI_USAGE;
	}
	struct err e = { 0 };
	struct mail_sender *m;
	if (mail_sender_new(&m, &mc, &e))
		return cli_error(&e, "メールの送信設定が正しくありません",
				 "the mail settings are not valid");
	struct store *s;
	if ((rc = open_db(&s, opts_db(op, n)))) {
		mail_sender_free(m);
		return rc;
	}
	struct app_mail_totals tot;
	rc = app_mail_send_all(&tot, m, s, NULL, NULL, &e);
	store_close(s);
	mail_sender_free(m);
	if (rc)
		return cli_error(&e, "メールを送信できませんでした", "could not send the e-mail");
	printf("sent %d, retry later %d, failed %d\n", tot.sent, tot.retried, tot.failed);
	return CLI_OK;
}

static int cmd_test(int argc, char **argv)
{
	struct opt op[] = { { "db", 1, NULL }, { "to", 1, NULL }, { "tenant", 1, NULL },
			    { "subject", 1, NULL }, { "body", 1, NULL } };
	int n = (int)(sizeof op / sizeof op[0]);
	if (opts_parse(op, n, argc, argv, NULL, 0) < 0)
		return CLI_USAGE;
	const char *to = opts_get(op, n, "to");
	if (!to) {
		fputs("madoguchi: --to が必要です / --to is required\n", stderr);
		return CLI_USAGE;
	}
	const char *subject = opts_get(op, n, "subject");
	const char *body = opts_get(op, n, "body");
	if (!subject)
		subject = "【madoguchi】テストメール / Test message";
	if (!body)
		body = "これは madoguchi からのテストメールです。\n"
		       "このメールが届いていれば、電子メールの送信設定は正しく動いています。\n"
		       ".\n"
		       "This is a test message from madoguchi: the e-mail settings work.\n";
	struct store *s;
	int rc = open_db(&s, opts_db(op, n));
	if (rc)
		return rc;
	struct err e = { 0 };
	int64_t id = 0;
	int rc2 = mail_enqueue_id(&id, s,
				  &(struct mail_new){ .tenant = opts_get(op, n, "tenant"), .to = to,
						      .subject = subject, .body = body },
				  (int64_t)time(NULL), &e);
	store_close(s);
	if (rc2 == ERR_INVALID || rc2 == ERR_LIMIT)
		return cli_error(&e, "宛先・件名・本文のいずれかが正しくありません",
				 "the address, subject or body is not valid");
	if (rc2 == ERR_CONFLICT)
		return cli_error(&e, "その自治体はありません", "no such municipality");
	if (rc2)
		return cli_error(&e, "メールを送信待ちにできませんでした", "could not queue the e-mail");
	printf("queued %" PRId64 "\n", id);
	return CLI_OK;
}

/* EX_TEMPFAIL (sysexits.h): the MTA keeps the DSN and tries again */
#define CLI_TEMPFAIL 75

static int cmd_bounce(int argc, char **argv)
{
	struct opt op[] = { { "db", 1, NULL } };
	int n = (int)(sizeof op / sizeof op[0]);
	if (opts_parse(op, n, argc, argv, NULL, 0) < 0)
		return CLI_USAGE;
	size_t cap = MAIL_DSN_MAX + 1, len = 0;
	char *text = malloc(cap);
	if (!text)
		return cli_error(NULL, "メモリが足りません", "out of memory");
	size_t got;
	while (len < cap && (got = fread(text + len, 1, cap - len, stdin)) > 0)
		len += got;
	if (ferror(stdin)) {
		free(text);
		return cli_error(NULL, "標準入力を読めません", "cannot read standard input");
	}
	struct err e = { 0 };
	struct mail_dsn d;
	int rc = mail_dsn_parse(&d, text, len, &e);
	free(text);
	if (rc == ERR_LIMIT)
		return cli_error(&e, "配信状態通知が大きすぎます",
				 "the delivery status notification is too large");
	if (rc)
		return cli_error(&e, "配信状態通知 (RFC 3464) として読めません",
				 "not a delivery status notification (RFC 3464)");
	if (strcmp(d.action, "failed") != 0) {
		printf("ignored %" PRId64 " %s\n", d.id, d.action);
		return CLI_OK;
	}
	struct store *s;
	const char *db = opts_db(op, n);
	if (!db)
		return open_db(&s, db);
	if (store_open(&s, db, &e)) {
		cli_error(&e, "データベースに接続できません", "cannot open the database");
		return CLI_TEMPFAIL;
	}
	rc = mail_bounce(s, &d, (int64_t)time(NULL), &e);
	store_close(s);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "この通知に当たる送信済みメールがありません",
				 "no sent message matches this notification");
	if (rc) {
		cli_error(&e, "不達を記録できませんでした", "could not record the bounce");
		return CLI_TEMPFAIL;
	}
	printf("bounced %" PRId64 " %s%s\n", d.id, d.status, mail_dsn_hard(&d) ? " hard" : "");
	return CLI_OK;
}

int cli_mail(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i])) {
			usage(stdout);
			return CLI_OK;
		}
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "send-pending") == 0)
		return cmd_send(argc - 1, argv + 1);
	if (strcmp(argv[1], "test") == 0)
		return cmd_test(argc - 1, argv + 1);
	if (strcmp(argv[1], "bounce") == 0)
		return cmd_bounce(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown subcommand: mail %s\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
