/*
 * search_bench.c -- the search module on the manpages-ja corpus
 * (bench/search_corpus.py): load, index build, query latency per query
 * class, and result quality against a brute-force substring count.
 *
 *   build/bench/search_bench CORPUS.tsv WORKDIR [QUERIES_PER_CLASS]
 *
 * WORKDIR gets bench.db (the main database, SQLite; BENCH_DB=URL uses
 * that database instead, e.g. PostgreSQL, and drops its search tables
 * first), bench.idx (the index)
 * and queries.txt / quality.txt (the queries, for the Groonga run).
 * Prints "figure NAME VALUE UNIT" lines and per-class detail lines.
 * Queries run one after another on one thread, limit 10, with snippets,
 * after one warm-up pass, each one timed from search_query() to its
 * return (catch-up check with the main database included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jp/text.h"
#include "core/search/search.h"
#include "search_bench.h"

static void rm(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: search_bench CORPUS.tsv WORKDIR [QUERIES_PER_CLASS]\n");
		return 2;
	}
	const char *dir = argv[2];
	int nper = argc > 3 ? atoi(argv[3]) : 200;
	struct bcorpus c;
	if (bcorpus_load(&c, argv[1]) || c.n == 0) {
		fprintf(stderr, "search_bench: cannot read %s\n", argv[1]);
		return 1;
	}
	const char *names[] = { "bench.db", "bench.db-wal", "bench.db-shm", "bench.idx",
				"bench.idx-wal", "bench.idx-shm" };
	for (int i = 0; i < 6; i++)
		rm(dir, names[i]);
	char url[600], idx[600];
	snprintf(url, sizeof url, "sqlite:%s/bench.db", dir);
	snprintf(idx, sizeof idx, "%s/bench.idx", dir);
	struct err e;
	struct store *st;
	struct search *sr;
	const char *bdb = getenv("BENCH_DB");
	if (bdb && *bdb) {
		/* another database (PostgreSQL): start from empty search tables */
		snprintf(url, sizeof url, "%s", bdb);
		if (store_open(&st, url, &e)) {
			fprintf(stderr, "search_bench: %s\n", e.detail);
			return 1;
		}
		store_script(st, "DROP TABLE IF EXISTS search_docs;"
			     " DROP TABLE IF EXISTS search_log; DROP TABLE IF EXISTS search_state",
			     NULL);
		store_exec(st, "DELETE FROM schema_migrations WHERE module = 'search'", NULL,
			   0, NULL);
		store_close(st);
	}
	printf("database %s\n", bdb && *bdb ? "postgresql" : "sqlite");
	if (store_open(&st, url, &e) || store_migrate(st, &search_schema, 1, NULL, &e) ||
	    search_open(&sr, st, idx, NULL, &e)) {
		fprintf(stderr, "search_bench: %s\n", e.detail);
		return 1;
	}
	printf("corpus %ld documents\n", c.n);

	/* 1. the projection: search_put in transactions of 1000; the first
	 * document goes in alone and is caught up, so that step 2 measures
	 * replaying the log (a new, empty index would rebuild instead) */
	int64_t t0 = bnow_us();
	for (long i = 0; i < c.n; i++) {
		if (i == 1 && search_catchup(sr, NULL, &e))
			goto fail;
		if ((i % 1000 == 0 || i == 1) && store_begin(st, &e))
			goto fail;
		struct search_field f[] = { { "section", strchr(c.docs[i].id, '.') ?
						  strchr(c.docs[i].id, '.') + 1 : "x", 0 } };
		char sect[8];
		snprintf(sect, sizeof sect, "%.1s", f[0].value);
		f[0].value = sect;
		struct search_doc d = { "131059", "manpage", c.docs[i].id, c.docs[i].title,
					c.docs[i].body, f, 1 };
		if (search_put(sr, &d, &e))
			goto fail;
		if ((i % 1000 == 999 || i == c.n - 1 || i == 0) && store_commit(st, &e))
			goto fail;
	}
	double put_s = (double)(bnow_us() - t0) / 1e6;
	printf("put %.0f docs_per_s (%.1f s, projection in the main database)\n",
	       (double)c.n / put_s, put_s);

	/* 2. incremental: a new index catches up from the log */
	t0 = bnow_us();
	int64_t applied = 0;
	if (search_catchup(sr, &applied, &e))
		goto fail;
	double cu_s = (double)(bnow_us() - t0) / 1e6;
	printf("catchup %.0f docs_per_s (%lld log rows, %.1f s)\n", (double)applied / cu_s,
	       (long long)applied, cu_s);

	/* 3. reindex */
	t0 = bnow_us();
	int64_t nd = 0;
	if (search_reindex(sr, &nd, &e))
		goto fail;
	double ri_s = (double)(bnow_us() - t0) / 1e6;
	struct stat sb;
	long long isz = stat(idx, &sb) == 0 ? (long long)sb.st_size : -1;
	printf("reindex %lld docs in %.1f s, index file %.1f MB\n", (long long)nd, ri_s,
	       (double)isz / 1e6);

	/* 4. queries */
	struct bquery *qs = calloc((size_t)nper * BQ_CLASSES, sizeof *qs);
	int nq = bqueries_make(qs, nper, &c);
	char qp[600];
	snprintf(qp, sizeof qp, "%s/queries.txt", dir);
	FILE *qf = fopen(qp, "w");
	for (int i = 0; qf && i < nq; i++)
		fprintf(qf, "%s\t%s\n", bq_class_names[qs[i].cls], qs[i].text);
	if (qf)
		fclose(qf);
	int64_t *lat = calloc((size_t)nq, sizeof *lat), *all = calloc((size_t)nq, sizeof *all);
	long long *hits = calloc((size_t)nq, sizeof *hits);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < nq; i++) {
			struct search_query q = { .text = qs[i].text, .limit = 10,
						  .with_snippets = 1 };
			struct search_result r;
			int64_t a = bnow_us();
			if (search_query(&r, sr, &q, &e))
				goto fail;
			lat[i] = bnow_us() - a;
			hits[i] = r.total;
			search_result_done(&r);
		}
	}
	int64_t total_us = 0;
	for (int i = 0; i < nq; i++) {
		all[i] = lat[i];
		total_us += lat[i];
	}
	for (int cls = 0; cls < BQ_CLASSES; cls++) {
		int64_t v[100000];
		int n = 0;
		long long h = 0;
		for (int i = 0; i < nq; i++)
			if (qs[i].cls == cls && n < 100000) {
				v[n++] = lat[i];
				h += hits[i];
			}
		qsort(v, (size_t)n, sizeof v[0], bcmp_i64);
		printf("class %-5s n=%d p50 %.2f ms p95 %.2f ms p99 %.2f ms max %.2f ms"
		       " mean_total_hits %.0f\n", bq_class_names[cls], n, bpct(v, n, 50) / 1e3,
		       bpct(v, n, 95) / 1e3, bpct(v, n, 99) / 1e3,
		       n ? (double)v[n - 1] / 1e3 : 0, n ? (double)h / n : 0);
	}
	qsort(all, (size_t)nq, sizeof all[0], bcmp_i64);

	/* 5. quality: counts against a brute-force substring count of the
	 * folded text (Japanese words match as substrings, by design) */
	char **folded = calloc((size_t)c.n, sizeof *folded);
	for (long i = 0; i < c.n; i++) {
		size_t tl = strlen(c.docs[i].title), bl = strlen(c.docs[i].body);
		char *tb = malloc(tl + bl + 2);
		memcpy(tb, c.docs[i].title, tl);
		tb[tl] = '\n';
		memcpy(tb + tl + 1, c.docs[i].body, bl + 1);
		if (jp_text_fold(&folded[i], tb, tl + bl + 1, NULL))
			folded[i] = strdup("");
		free(tb);
	}
	snprintf(qp, sizeof qp, "%s/quality.txt", dir);
	qf = fopen(qp, "w");
	for (int k = 0; k < BQUALITY_N; k++) {
		struct search_query q = { .text = bquality[k], .limit = 1 };
		struct search_result r;
		if (search_query(&r, sr, &q, &e))
			goto fail;
		char *fq = NULL;
		jp_text_fold(&fq, bquality[k], strlen(bquality[k]), NULL);
		char *words[8];
		int nw = 0;
		for (char *p = strtok(fq, " "); p && nw < 8; p = strtok(NULL, " "))
			words[nw++] = p;
		long truth = 0;
		for (long i = 0; i < c.n; i++) {
			int ok = 1;
			for (int w = 0; w < nw && ok; w++)
				ok = strstr(folded[i], words[w]) != NULL;
			truth += ok;
		}
		printf("quality %-14s fts5 %6lld substring %6ld\n", bquality[k],
		       (long long)r.total, truth);
		if (qf)
			fprintf(qf, "%s\t%lld\t%ld\n", bquality[k], (long long)r.total, truth);
		search_result_done(&r);
		free(fq);
	}
	if (qf)
		fclose(qf);

	/* the query set against the substring truth: the first 20 of each
	 * class (written for the Groonga run to compare with) */
	snprintf(qp, sizeof qp, "%s/truth.txt", dir);
	qf = fopen(qp, "w");
	for (int cls = 0; cls < BQ_CLASSES; cls++) {
		int seen = 0, same = 0;
		for (int i = 0; i < nq && seen < 20; i++) {
			if (qs[i].cls != cls)
				continue;
			seen++;
			char *fq = NULL;
			jp_text_fold(&fq, qs[i].text, strlen(qs[i].text), NULL);
			char *words[8];
			int nw = 0;
			for (char *p = strtok(fq, " "); p && nw < 8; p = strtok(NULL, " "))
				words[nw++] = p;
			long truth = 0;
			for (long d = 0; d < c.n; d++) {
				int ok = 1;
				for (int w = 0; w < nw && ok; w++)
					ok = strstr(folded[d], words[w]) != NULL;
				truth += ok;
			}
			free(fq);
			same += truth == hits[i];
			if (qf)
				fprintf(qf, "%s\t%s\t%lld\t%ld\n", bq_class_names[cls], qs[i].text,
					hits[i], truth);
		}
		printf("truth class %-5s %d of %d totals equal the substring count\n",
		       bq_class_names[cls], same, seen);
	}
	if (qf)
		fclose(qf);

	printf("figure index_build %.0f docs_per_s\n", (double)nd / ri_s);
	printf("figure search_p50 %.2f ms\n", bpct(all, nq, 50) / 1e3);
	printf("figure search_p95 %.2f ms\n", bpct(all, nq, 95) / 1e3);
	printf("figure search_p99 %.2f ms\n", bpct(all, nq, 99) / 1e3);
	printf("figure search_qps %.0f per_s\n", (double)nq / ((double)total_us / 1e6));
	search_close(sr);
	store_close(st);
	return 0;
fail:
	fprintf(stderr, "search_bench: %s\n", e.detail);
	return 1;
}
