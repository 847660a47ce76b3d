/*
 * test_exact.c -- `exact` (GLPK) checked by the verifier: never more
 * blocking coalitions than `sibling`, and never fewer children placed at
 * equal blocking; on the hand-made instance without a stable outcome it
 * proves the minimum (1) and places the family.
 */
#include "t.h"

#include "svc/nursery/nursery.h"

static const char *const NO_STABLE =
	"N,A,0,1,0,0,0,0\nN,B,0,1,0,0,0,0\n"
	"F,H,joint,2\n"
	"C,P,H,1,11,1,0,1,-,A\n"
	"C,Q,H,1,11,1,0,1,-,B\n"
	"C,S,-,1,10,1,0,2,-,A,B\n"
	"B,S,B,2\n"
	"J,H,A,B\n";

static int run_opts(struct nursery_result *r, const struct nursery_instance *in,
		    int algo, int allow_fewer, struct nursery_metrics *m)
{
	struct nursery_alloc_opts o;
	nursery_alloc_opts_init(&o);
	o.algo = algo;
	o.allow_fewer = allow_fewer;
	o.time_limit = 5;
	struct err e;
	err_clear(&e);
	int rc = nursery_alloc_run(r, in, &o, &e);
	if (rc) {
		printf("# %s failed: %s\n", nursery_algo_name(algo), e.detail);
		return rc;
	}
	return nursery_verify_run(m, in, r->assign, NULL);
}

static int run(struct nursery_result *r, const struct nursery_instance *in,
	       int algo, struct nursery_metrics *m)
{
	return run_opts(r, in, algo, 0, m);
}

static void test_no_stable(void)
{
	struct nursery_instance *in = NULL;
	T_REQUIRE(nursery_instance_parse(&in, NO_STABLE, strlen(NO_STABLE),
					 NULL) == 0);
	struct nursery_result r;
	struct nursery_metrics m;
	/* the pure lexicographic order: fewest blocking coalitions first */
	T_REQUIRE(run_opts(&r, in, NURSERY_ALGO_EXACT, 1, &m) == 0);
	T_EQ_INT(r.status, NURSERY_STATUS_OPTIMAL);
	T_EQ_INT(r.bc_bound, 1);
	T_EQ_INT(m.blocking_coalitions, 1);
	/* of the outcomes with one blocking coalition, the family in (A,B)
	 * places two children */
	T_EQ_INT(m.placed, 2);
	T_EQ_INT(r.placed_bound, 2);
	T_EQ_INT(m.sibling_violations, 0);
	T_EQ_INT(m.capacity_violations, 0);
	nursery_result_done(&r);
	nursery_instance_free(in);
}

static void test_generated(void)
{
	static const struct { const char *preset; int children; int adv; } cases[] = {
		{ "tiny", 0, 0 }, { "tiny", 0, 1 }, { "small", 0, 0 },
		{ "small", 300, 0 }, { "tiny", 120, 1 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct nursery_gen_opts g;
			nursery_gen_opts_init(&g);
			g.preset = cases[k].preset;
			g.children = cases[k].children;
			g.adversarial = cases[k].adv;
			g.seed = seed;
			struct nursery_instance *in = NULL;
			T_REQUIRE(nursery_gen_run(&in, &g, NULL) == 0);
			struct nursery_result rs, rx;
			struct nursery_metrics ms, mx;
			T_REQUIRE(run(&rs, in, NURSERY_ALGO_SIBLING, &ms) == 0);
			T_REQUIRE(run(&rx, in, NURSERY_ALGO_EXACT, &mx) == 0);
			T_EQ_INT(mx.capacity_violations, 0);
			T_EQ_INT(mx.sibling_violations, 0);
			T_EQ_INT(mx.transfer_violations, 0);
			T_EQ_INT(mx.invalid_assignments, 0);
			/* by default never worse than sibling on either count */
			T_CHECK(mx.blocking_coalitions <= ms.blocking_coalitions);
			T_CHECK(mx.placed >= ms.placed);
			T_CHECK(rx.placed_bound >= mx.placed);
			if (rx.status == NURSERY_STATUS_OPTIMAL) {
				T_EQ_INT(rx.placed_bound, mx.placed);
				T_EQ_INT(rx.bc_bound, mx.blocking_coalitions);
			}
			if (cases[k].adv)
				T_CHECK(mx.blocking_coalitions >= 1);
			nursery_result_done(&rs);
			nursery_result_done(&rx);
			nursery_instance_free(in);
		}
}

int main(void)
{
	T_RUN(test_no_stable);
	T_RUN(test_generated);
	return t_done();
}
