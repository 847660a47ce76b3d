/*
 * nursery_bench.c -- one measurement of the nursery allocation: generate a
 * preset instance in memory, run one algorithm, verify the result, and
 * print `figure NAME VALUE UNIT` lines (bench/nursery.sh runs it once per
 * preset and algorithm so that peak memory is per run).
 *
 *   build/bench/nursery_bench --preset tokyo --algo da [--seed N]
 *                             [--time-limit S] [--verify]
 *
 * Times are wall-clock seconds of the library call alone (generation and
 * verification are reported separately); memory is the peak resident set
 * of the process (instance included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "svc/nursery/nursery.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
	const char *preset = "suginami", *algo_name = "da";
	unsigned long long seed = 1;
	double tl = 60;
	int verify_fig = 0;
	for (int i = 1; i + 1 < argc || (i < argc && !strcmp(argv[i], "--verify")); i++) {
		if (!strcmp(argv[i], "--preset"))
			preset = argv[++i];
		else if (!strcmp(argv[i], "--algo"))
			algo_name = argv[++i];
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--time-limit"))
			tl = atof(argv[++i]);
		else if (!strcmp(argv[i], "--verify"))
			verify_fig = 1;
	}
	struct nursery_gen_opts g;
	nursery_gen_opts_init(&g);
	g.preset = preset;
	g.seed = seed;
	struct nursery_instance *in;
	struct err e;
	err_clear(&e);
	double t0 = now();
	if (nursery_gen_run(&in, &g, &e)) {
		fprintf(stderr, "generate: %s\n", e.detail);
		return 1;
	}
	double tgen = now() - t0;
	struct nursery_alloc_opts o;
	nursery_alloc_opts_init(&o);
	if (nursery_algo_parse(&o.algo, algo_name)) {
		fprintf(stderr, "unknown algorithm %s\n", algo_name);
		return 2;
	}
	o.time_limit = tl;
	struct nursery_result r;
	t0 = now();
	if (nursery_alloc_run(&r, in, &o, &e)) {
		fprintf(stderr, "allocate: %s\n", e.detail);
		return 1;
	}
	double talloc = now() - t0;
	double rss = peak_mb();
	struct nursery_metrics m;
	t0 = now();
	if (nursery_verify_run(&m, in, r.assign, &e)) {
		fprintf(stderr, "verify: %s\n", e.detail);
		return 1;
	}
	double tver = now() - t0;
	const char *a = algo_name;
	printf("figure gen_%s_s %.3f s\n", preset, tgen);
	printf("figure %s_%s_s %.4f s\n", a, preset, talloc);
	printf("figure %s_%s_peak_mb %.1f MB\n", a, preset, rss);
	printf("figure %s_%s_children %ld children\n", a, preset, m.children);
	printf("figure %s_%s_placed %ld children\n", a, preset, m.placed);
	printf("figure %s_%s_blocking %ld coalitions\n", a, preset,
	       m.blocking_coalitions);
	printf("figure %s_%s_envy %ld pairs\n", a, preset, m.justified_envy);
	printf("figure %s_%s_first_pct %.2f %%\n", a, preset,
	       m.pct_first_choice);
	printf("figure %s_%s_hard_violations %ld count\n", a, preset,
	       m.capacity_violations + m.sibling_violations +
		       m.transfer_violations + m.invalid_assignments);
	if (o.algo == NURSERY_ALGO_SIBLING)
		printf("figure %s_%s_stable %d bool\n", a, preset,
		       r.status == NURSERY_STATUS_OK);
	if (o.algo == NURSERY_ALGO_EXACT) {
		printf("figure %s_%s_gap %.6f ratio\n", a, preset, r.gap);
		printf("figure %s_%s_optimal %d bool\n", a, preset,
		       r.status == NURSERY_STATUS_OPTIMAL);
		printf("figure %s_%s_undecided %ld units\n", a, preset,
		       r.reduced_units);
	}
	if (verify_fig)
		printf("figure verify_%s_s %.4f s\n", preset, tver);
	nursery_result_done(&r);
	nursery_instance_free(in);
	return 0;
}
