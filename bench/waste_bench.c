/*
 * waste_bench.c -- the bulky-waste matcher (src/svc/waste) on a query set
 * with expected answers (bench/data/waste_queries.tsv: written by hand
 * from the item master, without running the matcher).
 *
 *   build/bench/waste_bench ITEMS.csv QUERIES.tsv [PASSES]
 *
 * Prints "figure NAME VALUE UNIT":
 *   chatbot_top1                 share of queries whose first answer is
 *                                the expected one (waste_answer_meets)
 *   chatbot_not_accepted_correct share of the NOT: queries answered as
 *                                not accepted for the expected reason
 *   chatbot_ask_correct          share of the ASK: queries answered with
 *                                exactly the expected question
 *   chatbot_p95 / chatbot_p50    latency of one waste_match, one thread,
 *                                over PASSES passes after a warm-up
 *   chatbot_p95_of_goal          chatbot_p95 over the 5 ms goal (< 1 meets it)
 * and one "wrong" line per query answered wrongly (the first pass).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc/waste/waste.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = malloc(16u << 20);
	size_t n = b ? fread(b, 1, (16u << 20) - 1, f) : 0;
	fclose(f);
	if (b)
		b[n] = '\0';
	*len = n;
	return b;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: waste_bench ITEMS.csv QUERIES.tsv [PASSES]\n");
		return 2;
	}
	int passes = argc > 3 ? atoi(argv[3]) : 20;
	if (passes < 1)
		passes = 1;
	size_t len, qlen;
	char *csv = slurp(argv[1], &len), *tsv = slurp(argv[2], &qlen);
	struct waste_items *w;
	struct err e;
	if (!csv || !tsv || waste_items_parse(&w, csv, len, &e)) {
		fprintf(stderr, "waste_bench: cannot read %s or %s\n", argv[1], argv[2]);
		return 1;
	}
	char **q = malloc(sizeof *q * 100000), **x = malloc(sizeof *x * 100000);
	int n = 0;
	char *save = NULL;
	for (char *line = strtok_r(tsv, "\n", &save); line && n < 100000; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (!tab || strncmp(line, "query\t", 6) == 0)
			continue;
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\r\t")] = '\0';
		q[n] = line;
		x[n++] = tab + 1;
	}
	int top1 = 0, nnot = 0, not_ok = 0, nask = 0, ask_ok = 0;
	for (int i = 0; i < n; i++) {
		struct waste_answer a[WASTE_ANSWERS_MAX];
		int k = waste_match(a, WASTE_ANSWERS_MAX, w, q[i], &e);
		int ok = k >= 1 && waste_answer_meets(&a[0], x[i]);
		top1 += ok;
		if (strncmp(x[i], "NOT:", 4) == 0) {
			nnot++;
			not_ok += ok;
		}
		if (strncmp(x[i], "ASK:", 4) == 0) {
			nask++;
			ask_ok += ok && a[0].kind == WASTE_ASK;
		}
		if (!ok)
			printf("wrong\t%s\texpected %s\tgot %s %s\n", q[i], x[i],
			       k < 1 ? "error" : a[0].kind == WASTE_ITEM ? "ITEM" : a[0].kind == WASTE_NOT ? "NOT"
				       : a[0].kind == WASTE_ASK ? "ASK" : "NONE",
			       k >= 1 && a[0].item ? a[0].item->id : "");
	}
	/* latency: a warm-up pass, then passes x queries, each timed */
	double *t = malloc(sizeof *t * (size_t)n * (size_t)passes);
	int nt = 0;
	for (int p = 0; p <= passes; p++)
		for (int i = 0; i < n; i++) {
			struct waste_answer a[WASTE_ANSWERS_MAX];
			double t0 = now_ms();
			waste_match(a, WASTE_ANSWERS_MAX, w, q[i], &e);
			double t1 = now_ms();
			if (p > 0)
				t[nt++] = t1 - t0;
		}
	qsort(t, (size_t)nt, sizeof *t, cmp);
	double p50 = nt ? t[nt / 2] : 0, p95 = nt ? t[(size_t)(nt * 0.95)] : 0;
	printf("queries %d (NOT %d, ASK %d), %d passes timed\n", n, nnot, nask, passes);
	printf("figure chatbot_top1 %.3f ratio\n", n ? (double)top1 / n : 0);
	printf("figure chatbot_not_accepted_correct %.3f ratio\n", nnot ? (double)not_ok / nnot : 0);
	printf("figure chatbot_ask_correct %.3f ratio\n", nask ? (double)ask_ok / nask : 0);
	printf("figure chatbot_p50 %.3f ms\n", p50);
	printf("figure chatbot_p95 %.3f ms\n", p95);
	printf("figure chatbot_p95_of_goal %.3f ratio\n", p95 / 5.0);
	waste_items_free(w);
	free(csv), free(tsv), free(q), free(x), free(t);
	return 0;
}
