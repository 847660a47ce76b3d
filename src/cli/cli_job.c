/*
 * cli_job.c -- `madoguchi job`: look at and cancel queued jobs (src/core/jobs/).
 *
 *   madoguchi job list --db URL [--status S] [--tenant CODE] [--kind K]
 *                      [--limit N] [--json]
 *   madoguchi job cancel --db URL ID
 *
 * --db falls back to $MADOGUCHI_DB.  `list` prints the newest jobs first,
 * one a line (or JSON lines with --json, payload and result included).
 * Text read back from the database is printed escaped.  Exit status: 0
 * done, 1 failed, 2 usage.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "jp/date.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/jobs/jobs.h"

#define JST_MS JP_JST_OFFSET_MS

static void usage(FILE *f)
{
	fputs("usage: madoguchi job list --db URL [--status S] [--tenant CODE]\n"
	      "                          [--kind K] [--limit N] [--json]\n"
	      "       madoguchi job cancel --db URL ID\n"
	      "\n"
	      "list    the newest jobs first (default 100), one a line;\n"
	      "        --json: JSON lines with payload and result\n"
	      "cancel  cancel a queued or running job\n"
	      "S: queued running done failed cancelled.  --db defaults to\n"
	      "$MADOGUCHI_DB.  Times are Japan time (+09:00).\n", f);
}

struct opts {
	const char *db, *status, *tenant, *kind, *limit, *id;
	int json;
};

/* the shared option parser (cli/opts.h); at most one positional: the id */
static int parse_opts(struct opts *o, int argc, char **argv)
{
	struct opt op[] = { { "db", 1, NULL }, { "status", 1, NULL }, { "tenant", 1, NULL },
			    { "kind", 1, NULL }, { "limit", 1, NULL }, { "json", 0, NULL } };
	int n = (int)(sizeof op / sizeof op[0]);
	const char *pos[1] = { NULL };
	memset(o, 0, sizeof *o);
	if (opts_parse(op, n, argc, argv, pos, 1) < 0)
		return CLI_USAGE;
	o->db = opts_db(op, n);
	o->status = opts_get(op, n, "status");
	o->tenant = opts_get(op, n, "tenant");
	o->kind = opts_get(op, n, "kind");
	o->limit = opts_get(op, n, "limit");
	o->json = opts_get(op, n, "json") != NULL;
	o->id = pos[0];
	if (!o->db) {
		fputs("madoguchi: --db か MADOGUCHI_DB が必要です /"
		      " --db or MADOGUCHI_DB is required\n", stderr);
		return CLI_USAGE;
	}
	return 0;
}

static void format_jst(char out[40], int64_t ms)
{
	int64_t local = ms + JST_MS;
	int64_t secs = local >= 0 ? local / 1000 : (local - 999) / 1000;
	time_t t = (time_t)secs;
	struct tm tm;
	gmtime_r(&t, &tm);
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

static void json_set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

struct lctx {
	int json, bad;
};

static int print_job(const struct jobs_info *j, void *arg)
{
	struct lctx *c = arg;
	char created[40], updated[40];
	format_jst(created, j->created_ms);
	format_jst(updated, j->updated_ms);
	if (c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(j->id));
		json_set_str(o, "tenant", j->tenant);
		json_set_str(o, "kind", j->kind);
		json_set_str(o, "status", jobs_status_name(j->status));
		json_object_set_new(o, "attempts", json_integer(j->attempts));
		json_object_set_new(o, "max_attempts", json_integer(j->max_attempts));
		json_object_set_new(o, "progress", json_integer(j->progress));
		json_set_str(o, "progress_msg", j->progress_msg);
		json_set_str(o, "locked_by", j->locked_by);
		json_object_set_new(o, "lease_until_ms", j->lease_until_ms ?
				    json_integer(j->lease_until_ms) : json_null());
		json_object_set_new(o, "run_after_ms", json_integer(j->run_after_ms));
		json_set_str(o, "created", created);
		json_set_str(o, "updated", updated);
		json_t *payload = json_loads(j->payload, JSON_DECODE_ANY, NULL);
		json_object_set_new(o, "payload", payload ? payload : json_string(j->payload));
		json_set_str(o, "result", j->result);
		json_set_str(o, "error", j->error);
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
	printf("%" PRId64 " %-9s %s tenant=%s attempts=%d/%d progress=%d%% ",
	       j->id, jobs_status_name(j->status), j->kind,
	       j->tenant ? j->tenant : "-", j->attempts, j->max_attempts,
	       j->progress);
	fputs("msg=", stdout);
	put_escaped(j->progress_msg);
	printf(" updated=%s error=", updated);
	put_escaped(j->error);
	putchar('\n');
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	if (o.id) {
		fprintf(stderr, "madoguchi: 不明な引数です / unknown argument: %s\n", o.id);
		return CLI_USAGE;
	}
	struct jobs_filter f = { .tenant = o.tenant, .kind = o.kind, .limit = 100 };
	if (o.status && !(f.status = jobs_status_parse(o.status))) {
		fputs("madoguchi: --status は queued running done failed cancelled"
		      " のいずれかです / --status must be queued, running, done,"
		      " failed or cancelled\n", stderr);
		return CLI_USAGE;
	}
	int64_t lim;
	if (o.limit) {
		if (parse_i64(&lim, o.limit, 1, JOBS_LIST_MAX)) {
			fprintf(stderr, "madoguchi: --limit は 1..%d です /"
				" --limit must be 1..%d\n", JOBS_LIST_MAX, JOBS_LIST_MAX);
			return CLI_USAGE;
		}
		f.limit = (int)lim;
	}
	struct store *s;
	struct err e = { 0 };
	if (store_open(&s, o.db, &e))
		return cli_error(&e, "データベースに接続できません",
				 "cannot open the database");
	struct lctx c = { .json = o.json };
	rc = jobs_list(s, &f, print_job, &c, &e);
	store_close(s);
	if (fflush(stdout) != 0)
		return cli_error(NULL, "出力に書けません", "cannot write the output");
	if (rc < 0)
		return cli_error(&e, "ジョブ一覧を取得できませんでした",
				 "could not list the jobs");
	if (c.bad)
		return cli_error(NULL, "表示できないジョブがありました",
				 "some jobs hold text that is not UTF-8");
	return CLI_OK;
}

static int cmd_cancel(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	int64_t id;
	if (!o.id || parse_i64(&id, o.id, 1, INT64_MAX)) {
		fputs("madoguchi: ジョブ番号が必要です / a job id is required\n", stderr);
		return CLI_USAGE;
	}
	struct store *s;
	struct err e = { 0 };
	if (store_open(&s, o.db, &e))
		return cli_error(&e, "データベースに接続できません",
				 "cannot open the database");
	rc = jobs_cancel(s, id, &e);
	store_close(s);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "そのジョブはありません", "no such job");
	if (rc == ERR_CONFLICT)
		return cli_error(&e, "そのジョブは既に終わっています",
				 "the job has already finished");
	if (rc)
		return cli_error(&e, "ジョブを取り消せませんでした",
				 "could not cancel the job");
	printf("cancelled %" PRId64 "\n", id);
	return CLI_OK;
}

int cli_job(int argc, char **argv)
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
	if (strcmp(argv[1], "cancel") == 0)
		return cmd_cancel(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown subcommand:"
		" job %s\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
