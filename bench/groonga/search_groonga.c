/*
 * search_groonga.c -- the other candidate: Groonga (Debian libgroonga-dev)
 * on the same corpus and the same queries as bench/search_bench.c, for the
 * comparison in docs/search.md.  Not part of the product: bench/search.sh
 * builds it by hand (pkg-config groonga) when the library is there.
 *
 *   search_groonga CORPUS.tsv WORKDIR
 *
 * Reads WORKDIR/queries.txt and WORKDIR/quality.txt written by
 * search_bench (run that first).  Schema: Docs (hash table keyed by the
 * paragraph id; title ShortText, body Text), lexicon Terms (patricia trie,
 * TokenBigram, NormalizerNFKC130 with unify_kana so that ひらがな = カタカナ
 * as in our fold), index Terms.docs_index WITH_POSITION|WITH_SECTION on
 * title and body, built statically after the load (Groonga's fastest way).
 * A query is `select Docs --match_columns 'title * 10 || body' --query Q
 * --limit 10 --sort_keys -_score --output_columns _key,_score,title,
 * snippet_html(body)`, timed from grn_ctx_send to the last grn_ctx_recv:
 * ranking, count and snippets, like search_query() with snippets.
 */
#include <groonga.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../search_bench.h"

static grn_ctx ctx;

static const char *send_cmd(const char *cmd, size_t len, unsigned *rlen)
{
	char *str = NULL;
	unsigned l = 0;
	int flags = 0;
	grn_ctx_send(&ctx, cmd, (unsigned)len, 0);
	do {
		grn_ctx_recv(&ctx, &str, &l, &flags);
	} while (flags & GRN_CTX_MORE);
	if (rlen)
		*rlen = l;
	return str ? str : "";
}

static int cmd(const char *c)
{
	unsigned l;
	const char *r = send_cmd(c, strlen(c), &l);
	if (ctx.rc != GRN_SUCCESS) {
		fprintf(stderr, "groonga: %s: %s (%.*s)\n", c, ctx.errbuf, (int)(l > 200 ? 200 : l), r);
		return -1;
	}
	return 0;
}

static void json_str(char **p, const char *s)
{
	char *o = *p;
	*o++ = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			*o++ = '\\';
			*o++ = (char)ch;
		} else if (ch < 0x20) {
			o += sprintf(o, "\\u%04x", ch);
		} else {
			*o++ = (char)ch;
		}
	}
	*o++ = '"';
	*p = o;
}

/* total hits from a select response: [[rc,...],[[[N],... */
static long long total_of(const char *r)
{
	const char *p = strstr(r, "[[[");
	return p ? atoll(p + 3) : -1;
}

static long long query(const char *q, int limit)
{
	char c[1024], esc[256];
	size_t k = 0;
	for (const char *s = q; *s && k < sizeof esc - 3; s++) {
		if (*s == '\'' || *s == '\\')
			esc[k++] = '\\';
		esc[k++] = *s;
	}
	esc[k] = 0;
	int n = snprintf(c, sizeof c, "select Docs --match_columns 'title * 10 || body'"
			 " --query '%s' --limit %d --sort_keys -_score"
			 " --output_columns '_key,_score,title,snippet_html(body)'", esc, limit);
	unsigned l;
	const char *r = send_cmd(c, (size_t)n, &l);
	char *copy = strndup(r, l);
	long long t = total_of(copy);
	free(copy);
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: search_groonga CORPUS.tsv WORKDIR\n");
		return 2;
	}
	const char *dir = argv[2];
	struct bcorpus c;
	if (bcorpus_load(&c, argv[1]) || !c.n) {
		fprintf(stderr, "search_groonga: cannot read %s\n", argv[1]);
		return 1;
	}
	char path[600], rmcmd[1300];
	snprintf(path, sizeof path, "%s/groonga", dir);
	snprintf(rmcmd, sizeof rmcmd, "rm -rf '%s' && mkdir -p '%s'", path, path);
	if (system(rmcmd) != 0)
		return 1;
	snprintf(path, sizeof path, "%s/groonga/db", dir);
	grn_init();
	grn_ctx_init(&ctx, 0);
	grn_obj *db = grn_db_create(&ctx, path, NULL);
	if (!db) {
		fprintf(stderr, "groonga: cannot create %s\n", path);
		return 1;
	}
	if (cmd("table_create Docs TABLE_HASH_KEY ShortText") ||
	    cmd("column_create Docs title COLUMN_SCALAR ShortText") ||
	    cmd("column_create Docs body COLUMN_SCALAR Text") ||
	    cmd("table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram"
		" --normalizer 'NormalizerNFKC130(\"unify_kana\", true)'"))
		return 1;
	/* load in chunks of 1000 */
	int64_t t0 = bnow_us();
	size_t cap = 64u << 20;
	char *buf = malloc(cap);
	for (long i = 0; i < c.n;) {
		/* the command, then the values as the next message */
		if (cmd("load --table Docs"))
			return 1;
		char *o = buf;
		*o++ = '[';
		long j = i;
		for (; j < c.n && j < i + 1000; j++) {
			if ((size_t)(o - buf) + 6 * (strlen(c.docs[j].body) + strlen(c.docs[j].title)) + 1024 > cap)
				break;
			if (j > i)
				*o++ = ',';
			o += sprintf(o, "{\"_key\":");
			json_str(&o, c.docs[j].id);
			o += sprintf(o, ",\"title\":");
			json_str(&o, c.docs[j].title);
			o += sprintf(o, ",\"body\":");
			json_str(&o, c.docs[j].body);
			*o++ = '}';
		}
		*o++ = ']';
		*o = 0;
		unsigned l;
		const char *r = send_cmd(buf, (size_t)(o - buf), &l);
		if (i == 0)
			fprintf(stderr, "groonga: first load: %.*s\n", (int)(l > 100 ? 100 : l), r);
		if (ctx.rc != GRN_SUCCESS) {
			fprintf(stderr, "groonga: load: %s\n", ctx.errbuf);
			return 1;
		}
		i = j;
	}
	double load_s = (double)(bnow_us() - t0) / 1e6;
	t0 = bnow_us();
	if (cmd("column_create Terms docs_index COLUMN_INDEX|WITH_POSITION|WITH_SECTION"
		" Docs title,body"))
		return 1;
	double idx_s = (double)(bnow_us() - t0) / 1e6;
	char du[700 + 64];
	snprintf(du, sizeof du, "du -sm '%s/groonga' | cut -f1", dir);
	FILE *dp = popen(du, "r");
	int mb = 0;
	if (dp) {
		if (fscanf(dp, "%d", &mb) != 1)
			mb = 0;
		pclose(dp);
	}
	printf("groonga load %.1f s, static index build %.1f s (%.0f docs_per_s), database %d MB\n",
	       load_s, idx_s, (double)c.n / idx_s, mb);

	/* the same queries */
	snprintf(path, sizeof path, "%s/queries.txt", dir);
	FILE *qf = fopen(path, "r");
	if (!qf) {
		fprintf(stderr, "search_groonga: run search_bench first (%s)\n", path);
		return 1;
	}
	struct bquery *qs = calloc(100000, sizeof *qs);
	int nq = 0;
	char line[256];
	while (nq < 100000 && fgets(line, sizeof line, qf)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = 0;
		tab[strcspn(tab + 1, "\n") + 1] = 0;
		for (int k = 0; k < BQ_CLASSES; k++)
			if (strcmp(line, bq_class_names[k]) == 0)
				qs[nq].cls = k;
		snprintf(qs[nq].text, sizeof qs[nq].text, "%s", tab + 1);
		nq++;
	}
	fclose(qf);
	int64_t *lat = calloc((size_t)nq, sizeof *lat), *all = calloc((size_t)nq, sizeof *all);
	long long *hits = calloc((size_t)nq, sizeof *hits);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nq; i++) {
			int64_t a = bnow_us();
			hits[i] = query(qs[i].text, 10);
			lat[i] = bnow_us() - a;
		}
	int64_t total_us = 0;
	for (int i = 0; i < nq; i++) {
		all[i] = lat[i];
		total_us += lat[i];
	}
	for (int cls = 0; cls < BQ_CLASSES; cls++) {
		int64_t *v = calloc((size_t)nq + 1, sizeof *v);
		int n = 0;
		long long h = 0;
		for (int i = 0; i < nq; i++)
			if (qs[i].cls == cls) {
				v[n++] = lat[i];
				h += hits[i];
			}
		qsort(v, (size_t)n, sizeof v[0], bcmp_i64);
		printf("groonga class %-5s n=%d p50 %.2f ms p95 %.2f ms p99 %.2f ms max %.2f ms"
		       " mean_total_hits %.0f\n", bq_class_names[cls], n, bpct(v, n, 50) / 1e3,
		       bpct(v, n, 95) / 1e3, bpct(v, n, 99) / 1e3,
		       n ? (double)v[n - 1] / 1e3 : 0, n ? (double)h / n : 0);
		free(v);
	}
	qsort(all, (size_t)nq, sizeof all[0], bcmp_i64);
	for (int k = 0; k < BQUALITY_N; k++)
		printf("groonga quality %-14s %6lld\n", bquality[k], query(bquality[k], 1));
	snprintf(path, sizeof path, "%s/truth.txt", dir);
	FILE *tf = fopen(path, "r");
	int tseen[BQ_CLASSES] = { 0 }, tsame[BQ_CLASSES] = { 0 };
	while (tf && fgets(line, sizeof line, tf)) {
		char *f[4];
		int nf = 0;
		for (char *p = strtok(line, "\t\n"); p && nf < 4; p = strtok(NULL, "\t\n"))
			f[nf++] = p;
		if (nf < 4)
			continue;
		int cls = 0;
		for (int k = 0; k < BQ_CLASSES; k++)
			if (strcmp(f[0], bq_class_names[k]) == 0)
				cls = k;
		tseen[cls]++;
		tsame[cls] += query(f[1], 1) == atoll(f[3]);
	}
	if (tf)
		fclose(tf);
	for (int k = 0; k < BQ_CLASSES; k++)
		printf("groonga truth class %-5s %d of %d totals equal the substring count\n",
		       bq_class_names[k], tsame[k], tseen[k]);
	printf("groonga overall p50 %.2f ms p95 %.2f ms p99 %.2f ms qps %.0f\n",
	       bpct(all, nq, 50) / 1e3, bpct(all, nq, 95) / 1e3, bpct(all, nq, 99) / 1e3,
	       (double)nq / ((double)total_us / 1e6));
	grn_obj_close(&ctx, db);
	grn_ctx_fin(&ctx);
	grn_fin();
	return 0;
}
