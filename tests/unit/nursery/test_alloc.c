/*
 * test_alloc.c -- the allocation algorithms, checked by the verifier on
 * hand-made and generated instances: capacity, sibling and transfer rules
 * never broken; `da` and `sibling` stable where they promise it; `da`
 * equal to `baseline` under one common priority order; determinism;
 * `sibling` reports the instance with no stable outcome.
 */
#include "t.h"

#include "svc/nursery/nursery.h"

static struct nursery_instance *load(const char *s)
{
	struct nursery_instance *in = NULL;
	struct err e;
	err_clear(&e);
	if (nursery_instance_parse(&in, s, strlen(s), &e)) {
		printf("# parse failed: line %ld: %s\n", e.line, e.detail);
		return NULL;
	}
	return in;
}

static struct nursery_instance *gen(const char *preset, uint64_t seed,
				    int children, double sib, double tr,
				    double bonus, int adv)
{
	struct nursery_gen_opts o;
	nursery_gen_opts_init(&o);
	o.preset = preset;
	o.seed = seed;
	o.children = children;
	if (sib >= 0)
		o.sibling_rate = sib;
	if (tr >= 0)
		o.transfer_rate = tr;
	if (bonus >= 0)
		o.bonus_rate = bonus;
	o.adversarial = adv;
	struct nursery_instance *in = NULL;
	struct err e;
	if (nursery_gen_run(&in, &o, &e))
		printf("# gen failed: %s\n", e.detail);
	return in;
}

static int run(struct nursery_result *r, const struct nursery_instance *in,
	       int algo, struct nursery_metrics *m)
{
	struct nursery_alloc_opts o;
	nursery_alloc_opts_init(&o);
	o.algo = algo;
	o.time_limit = 20;
	struct err e;
	err_clear(&e);
	int rc = nursery_alloc_run(r, in, &o, &e);
	if (rc) {
		printf("# %s failed: %s\n", nursery_algo_name(algo), e.detail);
		return rc;
	}
	return nursery_verify_run(m, in, r->assign, NULL);
}

static int assign_of(const struct nursery_instance *in,
		     const struct nursery_result *r, const char *child)
{
	int c = nursery_instance_find_child(in, child);
	return c < 0 ? -2 : r->assign[c];
}

static void test_da_hand(void)
{
	/* priorities differ by nursery (bonus): DA is child-optimal stable
	 * and differs from score-order baseline.
	 *   A (20) N1>N2; B (19) N2>N1 with +2 at N2... see below */
	struct nursery_instance *in = load(
		"N,N1,0,1,0,0,0,0\nN,N2,0,1,0,0,0,0\n"
		"C,A,-,1,20,1,0,1,-,N1,N2\n"
		"C,B,-,1,19,1,0,2,-,N1,N2\n"
		"C,X,-,1,18,1,0,3,-,N2\n"
		"B,X,N2,5\n");
	T_REQUIRE(in);
	struct nursery_result r;
	struct nursery_metrics m;
	T_REQUIRE(run(&r, in, NURSERY_ALGO_DA, &m) == 0);
	/* A gets N1; B proposes N1 (rejected), N2 (rejected by X: 23 > 19) */
	T_EQ_INT(assign_of(in, &r, "A"), nursery_instance_find_fac(in, "N1"));
	T_EQ_INT(assign_of(in, &r, "X"), nursery_instance_find_fac(in, "N2"));
	T_EQ_INT(assign_of(in, &r, "B"), -1);
	T_EQ_INT(m.blocking_coalitions, 0);
	nursery_result_done(&r);
	/* baseline (score order, no bonus in the order): B takes N2 before
	 * X is considered, so X envies B there */
	T_REQUIRE(run(&r, in, NURSERY_ALGO_BASELINE, &m) == 0);
	T_EQ_INT(assign_of(in, &r, "B"), nursery_instance_find_fac(in, "N2"));
	T_EQ_INT(m.justified_envy, 1);
	nursery_result_done(&r);
	nursery_instance_free(in);
}

static void test_transfer_chain(void)
{
	/* T holds N2 and wants N1; X wants N2 only.  da frees T's seat for
	 * X (vacancy chain); baseline keeps it until T is processed */
	struct nursery_instance *in = load(
		"N,N1,0,0,1,0,0,0\nN,N2,0,0,0,0,0,0\n"
		"C,X,-,2,30,1,0,1,-,N2\n"
		"C,T,-,2,10,1,0,2,N2,N1\n");
	T_REQUIRE(in);
	struct nursery_result r;
	struct nursery_metrics m;
	T_REQUIRE(run(&r, in, NURSERY_ALGO_DA, &m) == 0);
	T_EQ_INT(assign_of(in, &r, "T"), nursery_instance_find_fac(in, "N1"));
	T_EQ_INT(assign_of(in, &r, "X"), nursery_instance_find_fac(in, "N2"));
	T_EQ_INT(m.placed, 2);
	T_EQ_INT(m.transfer_violations, 0);
	nursery_result_done(&r);
	T_REQUIRE(run(&r, in, NURSERY_ALGO_BASELINE, &m) == 0);
	T_EQ_INT(assign_of(in, &r, "X"), -1);
	T_EQ_INT(m.placed, 1);  /* T moved, X missed the freed seat */
	T_EQ_INT(m.wasted_seats, 1);
	nursery_result_done(&r);
	nursery_instance_free(in);
}

static const char *const NO_STABLE =
	"N,A,0,1,0,0,0,0\nN,B,0,1,0,0,0,0\n"
	"F,H,joint,2\n"
	"C,P,H,1,11,1,0,1,-,A\n"
	"C,Q,H,1,11,1,0,1,-,B\n"
	"C,S,-,1,10,1,0,2,-,A,B\n"
	"B,S,B,2\n"
	"J,H,A,B\n";

static void test_no_stable_reported(void)
{
	struct nursery_instance *in = load(NO_STABLE);
	T_REQUIRE(in);
	struct nursery_result r;
	struct nursery_metrics m;
	T_REQUIRE(run(&r, in, NURSERY_ALGO_SIBLING, &m) == 0);
	T_EQ_INT(r.status, NURSERY_STATUS_UNSTABLE);
	T_CHECK(r.cycles > 0);
	T_EQ_INT(r.blocking_left, 1);
	T_EQ_INT(m.blocking_coalitions, 1);
	T_EQ_INT(m.sibling_violations, 0);
	T_EQ_INT(m.capacity_violations, 0);
	nursery_result_done(&r);
	nursery_instance_free(in);
}

static void test_sibling_same(void)
{
	/* a same-nursery family is placed together or not at all, and it
	 * displaces a lower-priority single to do so */
	struct nursery_instance *in = load(
		"N,N1,0,1,1,0,0,0\nN,N2,0,0,1,0,0,0\n"
		"F,H,same,2\n"
		"C,P,H,1,20,1,0,1,-,N1\n"
		"C,Q,H,2,20,1,0,1,-,N1,N2\n"
		"C,S,-,2,15,1,0,2,-,N1\n");
	T_REQUIRE(in);
	for (int algo = 0; algo < 3; algo++) {
		struct nursery_result r;
		struct nursery_metrics m;
		T_REQUIRE(run(&r, in, algo, &m) == 0);
		T_EQ_INT(assign_of(in, &r, "P"), nursery_instance_find_fac(in, "N1"));
		T_EQ_INT(assign_of(in, &r, "Q"), nursery_instance_find_fac(in, "N1"));
		T_EQ_INT(assign_of(in, &r, "S"), -1);
		T_EQ_INT(m.sibling_violations, 0);
		T_EQ_INT(m.blocking_coalitions, 0);
		nursery_result_done(&r);
	}
	nursery_instance_free(in);
}

static void check_hard(const struct nursery_metrics *m)
{
	T_EQ_INT(m->capacity_violations, 0);
	T_EQ_INT(m->sibling_violations, 0);
	T_EQ_INT(m->transfer_violations, 0);
	T_EQ_INT(m->invalid_assignments, 0);
}

static void test_generated(void)
{
	static const char *const presets[] = { "tiny", "small", "medium" };
	for (int p = 0; p < 3; p++)
		for (uint64_t seed = 1; seed <= 4; seed++) {
			struct nursery_instance *in =
				gen(presets[p], seed, 0, -1, -1, -1, seed == 4);
			T_REQUIRE(in);
			struct nursery_result r[3];
			struct nursery_metrics m[3];
			for (int a = 0; a < 3; a++) {
				T_REQUIRE(run(&r[a], in, a, &m[a]) == 0);
				check_hard(&m[a]);
			}
			/* sibling: stable when it says so; otherwise its
			 * count matches the verifier's */
			if (r[2].status == NURSERY_STATUS_OK)
				T_EQ_INT(m[2].blocking_coalitions, 0);
			else
				T_EQ_INT(m[2].blocking_coalitions,
					 r[2].blocking_left);
			if (seed == 4)  /* one gadget: never stable */
				T_CHECK(m[2].blocking_coalitions >= 1);
			/* never less fair than staff by hand */
			T_CHECK(m[1].blocking_coalitions <=
				m[0].blocking_coalitions);
			T_CHECK(m[2].blocking_coalitions <=
				m[0].blocking_coalitions);
			T_CHECK(m[2].justified_envy <= m[0].justified_envy);
			for (int a = 0; a < 3; a++)
				nursery_result_done(&r[a]);
			nursery_instance_free(in);
		}
}

static void test_da_stable_singles(void)
{
	/* without joint families, da is stable (and sibling equals da) */
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct nursery_instance *in =
			gen("small", seed, 0, 0, -1, -1, 0);
		T_REQUIRE(in);
		struct nursery_result r, s;
		struct nursery_metrics m, ms;
		T_REQUIRE(run(&r, in, NURSERY_ALGO_DA, &m) == 0);
		T_EQ_INT(m.blocking_coalitions, 0);
		T_EQ_INT(m.justified_envy, 0);
		T_EQ_INT(m.wasted_seats, 0);
		check_hard(&m);
		T_REQUIRE(run(&s, in, NURSERY_ALGO_SIBLING, &ms) == 0);
		T_EQ_STR(m.hash, ms.hash);
		nursery_result_done(&r);
		nursery_result_done(&s);
		nursery_instance_free(in);
	}
}

static void test_da_equals_baseline(void)
{
	/* one common priority order: no facility bonus, no transfers (a
	 * continuing child's seat is a facility-specific priority);
	 * siblings share their household's keys */
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct nursery_instance *in =
			gen(seed & 1 ? "small" : "medium", seed, 0, -1, 0, 0, 0);
		T_REQUIRE(in);
		struct nursery_result r, b;
		struct nursery_metrics m, mb;
		T_REQUIRE(run(&r, in, NURSERY_ALGO_DA, &m) == 0);
		T_REQUIRE(run(&b, in, NURSERY_ALGO_BASELINE, &mb) == 0);
		T_EQ_STR(m.hash, mb.hash);
		T_EQ_INT(memcmp(r.assign, b.assign,
				sizeof(int) * (size_t)in->nchild), 0);
		nursery_result_done(&r);
		nursery_result_done(&b);
		nursery_instance_free(in);
	}
	/* and with transfers and bonuses they do differ somewhere */
	struct nursery_instance *in = gen("medium", 1, 0, -1, -1, -1, 0);
	T_REQUIRE(in);
	struct nursery_result r, b;
	struct nursery_metrics m, mb;
	T_REQUIRE(run(&r, in, NURSERY_ALGO_DA, &m) == 0);
	T_REQUIRE(run(&b, in, NURSERY_ALGO_BASELINE, &mb) == 0);
	T_CHECK(strcmp(m.hash, mb.hash) != 0);
	T_CHECK(m.blocking_coalitions < mb.blocking_coalitions);
	nursery_result_done(&r);
	nursery_result_done(&b);
	nursery_instance_free(in);
}

static char *write_mem(const struct nursery_instance *in,
		       const struct nursery_result *r, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	if (r)
		nursery_result_write(r, in, f, NULL);
	else
		nursery_instance_write(in, f, NULL);
	fclose(f);
	return buf;
}

static void test_determinism(void)
{
	struct nursery_instance *a = gen("medium", 7, 0, -1, -1, -1, 1);
	struct nursery_instance *b = gen("medium", 7, 0, -1, -1, -1, 1);
	struct nursery_instance *c = gen("medium", 8, 0, -1, -1, -1, 1);
	T_REQUIRE(a && b && c);
	size_t la, lb, lc;
	char *sa = write_mem(a, NULL, &la), *sb = write_mem(b, NULL, &lb),
	     *sc = write_mem(c, NULL, &lc);
	T_REQUIRE(sa && sb && sc);
	T_CHECK(la == lb && memcmp(sa, sb, la) == 0);
	T_CHECK(la != lc || memcmp(sa, sc, la) != 0);
	/* parse(write(x)) writes the same bytes */
	struct nursery_instance *p = load(sa);
	T_REQUIRE(p);
	size_t lp;
	char *sp = write_mem(p, NULL, &lp);
	T_CHECK(sp && lp == la && memcmp(sp, sa, la) == 0);
	/* each algorithm twice, on the generated and the parsed instance:
	 * byte-identical result files */
	for (int algo = 0; algo < 3; algo++) {
		struct nursery_result r1, r2;
		struct nursery_metrics m1, m2;
		T_REQUIRE(run(&r1, a, algo, &m1) == 0);
		T_REQUIRE(run(&r2, p, algo, &m2) == 0);
		size_t l1, l2;
		char *o1 = write_mem(a, &r1, &l1), *o2 = write_mem(p, &r2, &l2);
		T_CHECK(o1 && o2 && l1 == l2 && memcmp(o1, o2, l1) == 0);
		T_EQ_STR(m1.hash, m2.hash);
		/* the result file reads back to the same assignment */
		struct nursery_result back;
		T_REQUIRE(nursery_result_parse(&back, a, o1, l1, NULL) == 0);
		T_EQ_INT(memcmp(back.assign, r1.assign,
				sizeof(int) * (size_t)a->nchild), 0);
		nursery_result_done(&back);
		free(o1);
		free(o2);
		nursery_result_done(&r1);
		nursery_result_done(&r2);
	}
	free(sa);
	free(sb);
	free(sc);
	free(sp);
	nursery_instance_free(a);
	nursery_instance_free(b);
	nursery_instance_free(c);
	nursery_instance_free(p);
}

int main(void)
{
	T_RUN(test_da_hand);
	T_RUN(test_transfer_chain);
	T_RUN(test_no_stable_reported);
	T_RUN(test_sibling_same);
	T_RUN(test_generated);
	T_RUN(test_da_stable_singles);
	T_RUN(test_da_equals_baseline);
	T_RUN(test_determinism);
	return t_done();
}
