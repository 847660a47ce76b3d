/*
 * cli_search.c -- `madoguchi search`: the full-text index of this server
 * (src/core/search/).
 *
 *   madoguchi search reindex [--db URL] [--index PATH]
 *   madoguchi search catchup [--db URL] [--index PATH]
 *   madoguchi search query   [--db URL] [--index PATH] [--collection C]
 *                            [--tenant CODE] [--field NAME=VALUE]...
 *                            [--limit N] [--offset N] [--json] TEXT
 *   madoguchi search prune   [--db URL] [--index PATH] [--keep-days N]
 *
 * --db falls back to $MADOGUCHI_DB; --index to $MADOGUCHI_SEARCH_INDEX, and
 * for an SQLite database to "<database file>.search".  The index is
 * derived data: `reindex` rebuilds it from the search projection in the
 * database (search_docs), `catchup` applies the change log, `prune` drops
 * log rows older than N days (default 7; an index further behind rebuilds
 * itself).  The search schema is migrated first (idempotent).  Output of
 * `query`: one hit a line (score, collection, id, title, snippet with the
 * highlights in [[ ]]), or JSON lines with --json (marks as [byte offset,
 * length] pairs into snippet and title).  Exit status: 0 done,
 * 1 failed, 2 usage.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "core/search/search.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi search reindex [--db URL] [--index PATH]\n"
	      "       madoguchi search catchup [--db URL] [--index PATH]\n"
	      "       madoguchi search query [--db URL] [--index PATH] [--collection C]\n"
	      "                [--tenant CODE] [--field NAME=VALUE]... [--limit N]\n"
	      "                [--offset N] [--json] TEXT\n"
	      "       madoguchi search prune [--db URL] [--index PATH] [--keep-days N]\n"
	      "\n"
	      "reindex  rebuild this server's index from the database\n"
	      "catchup  apply the changes other servers logged\n"
	      "query    search (words are AND-ed; 1 and 2 characters work)\n"
	      "prune    delete change-log rows older than N days (default 7)\n"
	      "--db defaults to $MADOGUCHI_DB, --index to $MADOGUCHI_SEARCH_INDEX\n"
	      "or, for sqlite:FILE, FILE.search.\n", f);
}

#define MAX_CLI_FIELDS SEARCH_MAX_FILTERS

struct opts {
	const char *cmd, *db, *index, *collection, *tenant, *limit, *offset,
		*keep, *text;
	struct search_field fields[MAX_CLI_FIELDS];
	char *field_buf[MAX_CLI_FIELDS];
	int nfields, json;
};

static int parse_opts(struct opts *o, int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], **dst = NULL;
		if (cli_is_help(a)) {
			usage(stdout);
			return -1;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
			continue;
		}
		if (strcmp(a, "--db") == 0)
			dst = &o->db;
		else if (strcmp(a, "--index") == 0)
			dst = &o->index;
		else if (strcmp(a, "--collection") == 0)
			dst = &o->collection;
		else if (strcmp(a, "--tenant") == 0)
			dst = &o->tenant;
		else if (strcmp(a, "--limit") == 0)
			dst = &o->limit;
		else if (strcmp(a, "--offset") == 0)
			dst = &o->offset;
		else if (strcmp(a, "--keep-days") == 0)
			dst = &o->keep;
		else if (strcmp(a, "--field") == 0) {
			if (i + 1 >= argc || o->nfields == MAX_CLI_FIELDS ||
			    !strchr(argv[i + 1], '=')) {
				fprintf(stderr, "madoguchi: --field NAME=VALUE が必要です /"
					" --field needs NAME=VALUE (at most %d)\n",
					MAX_CLI_FIELDS);
				return CLI_USAGE;
			}
			char *copy = strdup(argv[++i]);
			if (!copy)
				return CLI_FAILED;
			char *eq = strchr(copy, '=');
			*eq = 0;
			o->field_buf[o->nfields] = copy;
			o->fields[o->nfields++] = (struct search_field){ .name = copy, .value = eq + 1 };
			continue;
		}
		if (dst) {
			if (i + 1 >= argc) {
				fprintf(stderr, "madoguchi: 引数が足りません /"
					" missing value for %s\n", a);
				return CLI_USAGE;
			}
			*dst = argv[++i];
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "madoguchi: 不明な引数です / unknown argument: %s\n", a);
			return CLI_USAGE;
		}
		if (o->text) {
			fprintf(stderr, "madoguchi: 検索語は一つの引数で渡してください /"
				" give the query as one argument (quote it)\n");
			return CLI_USAGE;
		}
		o->text = a;
	}
	if (!o->db)
		o->db = getenv("MADOGUCHI_DB");
	if (!o->db || !*o->db) {
		fputs("madoguchi: --db か MADOGUCHI_DB が必要です /"
		      " --db or MADOGUCHI_DB is required\n", stderr);
		return CLI_USAGE;
	}
	return 0;
}

static void print_json_hit(const struct search_hit *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "score", json_real(h->score));
	json_object_set_new(o, "tenant", json_string(h->tenant));
	json_object_set_new(o, "collection", json_string(h->collection));
	json_object_set_new(o, "id", json_string(h->id));
	json_object_set_new(o, "title", json_string(h->title));
	json_t *tm = json_array();
	for (int i = 0; i < h->ntitle_marks; i++)
		json_array_append_new(tm, json_pack("[I,I]", (json_int_t)h->title_marks[i].off,
						    (json_int_t)h->title_marks[i].len));
	json_object_set_new(o, "title_marks", tm);
	if (h->snippet) {
		json_object_set_new(o, "snippet", json_string(h->snippet));
		json_t *m = json_array();
		for (int i = 0; i < h->nmarks; i++)
			json_array_append_new(m, json_pack("[I,I]", (json_int_t)h->marks[i].off,
							   (json_int_t)h->marks[i].len));
		json_object_set_new(o, "marks", m);
	}
	char *s = json_dumps(o, JSON_COMPACT);
	if (s)
		puts(s);
	free(s);
	json_decref(o);
}

/* text with C0 controls shown as spaces (index content is data) */
static void put_plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		putchar((unsigned char)s[i] < 0x20 ? ' ' : s[i]);
}

static void print_hit(const struct search_hit *h)
{
	printf("%.3f\t%s\t%s\t", h->score, h->collection, h->id);
	put_plain(h->title, strlen(h->title));
	putchar('\t');
	if (h->snippet) {
		size_t at = 0, n = strlen(h->snippet);
		for (int i = 0; i < h->nmarks; i++) {
			put_plain(h->snippet + at, h->marks[i].off - at);
			fputs("[[", stdout);
			put_plain(h->snippet + h->marks[i].off, h->marks[i].len);
			fputs("]]", stdout);
			at = h->marks[i].off + h->marks[i].len;
		}
		put_plain(h->snippet + at, n - at);
	}
	putchar('\n');
}

int cli_search(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	struct opts o;
	memset(&o, 0, sizeof o);
	o.cmd = argv[1];
	int rc = parse_opts(&o, argc, argv), ret = CLI_FAILED;
	if (rc)
		goto out_opts;
	int is_query = strcmp(o.cmd, "query") == 0;
	if (!is_query && strcmp(o.cmd, "reindex") != 0 && strcmp(o.cmd, "catchup") != 0 &&
	    strcmp(o.cmd, "prune") != 0) {
		usage(stderr);
		rc = CLI_USAGE;
		goto out_opts;
	}
	if (is_query && !o.text && !o.collection && !o.tenant && !o.nfields) {
		fputs("madoguchi: 検索語が必要です / a query is required\n", stderr);
		rc = CLI_USAGE;
		goto out_opts;
	}
	char index_path[1100];
	if (!o.index)
		o.index = getenv("MADOGUCHI_SEARCH_INDEX");
	if (!o.index || !*o.index) {
		if (strncmp(o.db, "sqlite:", 7) != 0) {
			fputs("madoguchi: --index か MADOGUCHI_SEARCH_INDEX が必要です /"
			      " --index or MADOGUCHI_SEARCH_INDEX is required\n", stderr);
			rc = CLI_USAGE;
			goto out_opts;
		}
		snprintf(index_path, sizeof index_path, "%s.search", o.db + 7);
		o.index = index_path;
	}
	struct err e;
	err_clear(&e);
	struct store *st = NULL;
	struct search *sr = NULL;
	if (store_open(&st, o.db, &e)) {
		ret = cli_error(&e, "データベースに接続できません", "cannot open the database");
		goto out;
	}
	if (store_migrate(st, &search_schema, 1, NULL, &e)) {
		ret = cli_error(&e, "検索のスキーマを作成できません",
				"cannot migrate the search schema");
		goto out;
	}
	if (search_open(&sr, st, o.index, NULL, &e)) {
		ret = cli_error(&e, "検索索引を開けません", "cannot open the search index");
		goto out;
	}
	if (strcmp(o.cmd, "reindex") == 0) {
		int64_t n = 0, t0 = mono_ms();
		if (search_reindex(sr, &n, &e)) {
			ret = cli_error(&e, "再索引に失敗しました", "reindex failed");
			goto out;
		}
		printf("reindexed %" PRId64 " documents in %.1f s\n", n,
		       (double)(mono_ms() - t0) / 1000.0);
		ret = CLI_OK;
	} else if (strcmp(o.cmd, "catchup") == 0) {
		int64_t n = 0;
		if (search_catchup(sr, &n, &e)) {
			ret = cli_error(&e, "索引の更新に失敗しました", "catch-up failed");
			goto out;
		}
		printf("applied %" PRId64 " changes\n", n);
		ret = CLI_OK;
	} else if (strcmp(o.cmd, "prune") == 0) {
		int64_t days = 7, n = 0;
		if (o.keep && parse_i64(&days, o.keep, 0, 3650)) {
			fputs("madoguchi: --keep-days は 0..3650 / --keep-days must be 0..3650\n",
			      stderr);
			ret = CLI_USAGE;
			goto out;
		}
		if (search_prune(sr, days * 86400000LL, &n, &e)) {
			ret = cli_error(&e, "変更履歴の削除に失敗しました", "prune failed");
			goto out;
		}
		printf("pruned %" PRId64 " log rows\n", n);
		ret = CLI_OK;
	} else {
		int64_t limit = 10, offset = 0;
		if ((o.limit && parse_i64(&limit, o.limit, 1, SEARCH_MAX_LIMIT)) ||
		    (o.offset && parse_i64(&offset, o.offset, 0, SEARCH_MAX_WINDOW))) {
			fprintf(stderr, "madoguchi: --limit は 1..%d、--offset は 0 以上 /"
				" --limit must be 1..%d, --offset >= 0\n", SEARCH_MAX_LIMIT,
				SEARCH_MAX_LIMIT);
			ret = CLI_USAGE;
			goto out;
		}
		struct search_query q = { .text = o.text, .tenant = o.tenant,
					  .collection = o.collection, .filters = o.fields,
					  .nfilters = o.nfields, .offset = (int)offset,
					  .limit = (int)limit, .with_snippets = 1 };
		struct search_result r;
		int64_t t0 = mono_us();
		if (search_query(&r, sr, &q, &e)) {
			search_result_done(&r);
			ret = cli_error(&e, "検索できません", "search failed");
			goto out;
		}
		double ms = (double)(mono_us() - t0) / 1000.0;
		for (int i = 0; i < r.nhits; i++) {
			if (o.json)
				print_json_hit(&r.hits[i]);
			else
				print_hit(&r.hits[i]);
		}
		fprintf(stderr, "%" PRId64 " 件 / %" PRId64 " hits (%.2f ms)\n", r.total,
			r.total, ms);
		search_result_done(&r);
		ret = CLI_OK;
	}
out:
	search_close(sr);
	store_close(st);
	rc = ret;
out_opts:
	for (int i = 0; i < o.nfields; i++)
		free(o.field_buf[i]);
	return rc < 0 ? CLI_OK : rc;
}
