/*
 * test_verify.c -- the verifier on small instances whose answers were
 * worked out by hand (docs/nursery.md gives the definitions), including an
 * instance with no stable outcome, capacity, sibling and transfer
 * violations, share groups and tie-breaks.
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

static int fac(const struct nursery_instance *in, const char *id)
{
	return nursery_instance_find_fac(in, id);
}

static int verify(struct nursery_metrics *m, const struct nursery_instance *in,
		  const char *const *pairs)
{
	/* pairs: child id, nursery id or NULL ... terminated by NULL id */
	int a[64];
	for (int c = 0; c < in->nchild; c++)
		a[c] = -1;
	for (int i = 0; pairs[i]; i += 2) {
		int c = nursery_instance_find_child(in, pairs[i]);
		a[c] = pairs[i + 1] ? fac(in, pairs[i + 1]) : -1;
	}
	return nursery_verify_run(m, in, a, NULL);
}

/* one seat, two children: A (score 10) ranks above B (score 5) */
static const char *const ONE_SEAT =
	"N,N1,0,1,0,0,0,0\n"
	"C,A,-,1,10,1,0,1,-,N1\n"
	"C,B,-,1,5,1,0,2,-,N1\n";

static void test_one_seat(void)
{
	struct nursery_instance *in = load(ONE_SEAT);
	T_REQUIRE(in);
	struct nursery_metrics m;
	T_EQ_INT(verify(&m, in, (const char *[]){ "A", "N1", "B", NULL, NULL }), 0);
	T_EQ_INT(m.placed, 1);
	T_EQ_INT(m.blocking_coalitions, 0);
	T_EQ_INT(m.justified_envy, 0);
	T_EQ_INT(m.wasted_seats, 0);
	T_EQ_INT(m.first_choice, 1);
	T_EQ_INT((long)m.pct_first_choice, 100);
	/* the wrong child holds the seat: A blocks, A envies B */
	verify(&m, in, (const char *[]){ "A", NULL, "B", "N1", NULL });
	T_EQ_INT(m.blocking_coalitions, 1);
	T_EQ_INT(m.blocking_units, 1);
	T_EQ_INT(m.justified_envy, 1);
	T_EQ_INT(m.wasted_seats, 0);
	/* nobody placed: both block, one wasted seat */
	verify(&m, in, (const char *[]){ "A", NULL, "B", NULL, NULL });
	T_EQ_INT(m.blocking_coalitions, 2);
	T_EQ_INT(m.wasted_seats, 1);
	T_EQ_INT(m.unplaced, 2);
	/* both placed: one seat over capacity */
	verify(&m, in, (const char *[]){ "A", "N1", "B", "N1", NULL });
	T_EQ_INT(m.capacity_violations, 1);
	nursery_instance_free(in);
}

static void test_invalid_and_ranks(void)
{
	struct nursery_instance *in = load(
		"N,N1,0,2,0,0,0,0\nN,N2,0,2,0,0,0,0\nN,N3,0,2,0,0,0,0\n"
		"C,A,-,1,10,1,0,1,-,N1,N2\n"
		"C,B,-,1,10,1,0,2,-,N2,N1\n");
	T_REQUIRE(in);
	struct nursery_metrics m;
	/* A at its 2nd choice while its 1st has room: blocking + waste */
	verify(&m, in, (const char *[]){ "A", "N2", "B", "N2", NULL });
	T_EQ_INT(m.blocking_coalitions, 1);
	T_EQ_INT(m.wasted_seats, 1);
	T_EQ_INT(m.rank_sum, 3);
	T_EQ_INT(m.rank_hist[0], 1);
	T_EQ_INT(m.rank_hist[1], 1);
	/* B at a nursery it did not list */
	verify(&m, in, (const char *[]){ "A", "N1", "B", "N3", NULL });
	T_EQ_INT(m.invalid_assignments, 1);
	nursery_instance_free(in);
}

/* tie on score: reason rank 1 beats 2; then income; then lottery */
static void test_tiebreak(void)
{
	struct nursery_instance *in = load(
		"N,N1,0,1,0,0,0,0\n"
		"C,A,-,1,20,2,0,1,-,N1\n"
		"C,B,-,1,20,1,9,9,-,N1\n");
	T_REQUIRE(in);
	struct nursery_metrics m;
	verify(&m, in, (const char *[]){ "A", "N1", "B", NULL, NULL });
	T_EQ_INT(m.justified_envy, 1);   /* B wins on reason rank */
	verify(&m, in, (const char *[]){ "A", NULL, "B", "N1", NULL });
	T_EQ_INT(m.justified_envy, 0);
	nursery_instance_free(in);
	/* same reason: lower income wins even with a worse lottery */
	in = load("N,N1,0,1,0,0,0,0\n"
		  "C,A,-,1,20,1,3,1,-,N1\n"
		  "C,B,-,1,20,1,2,9,-,N1\n");
	T_REQUIRE(in);
	verify(&m, in, (const char *[]){ "A", "N1", "B", NULL, NULL });
	T_EQ_INT(m.justified_envy, 1);
	nursery_instance_free(in);
	/* a facility bonus (B line) outweighs the base score */
	in = load("N,N1,0,1,0,0,0,0\n"
		  "C,A,-,1,20,1,0,1,-,N1\n"
		  "C,B,-,1,19,1,0,2,-,N1\n"
		  "B,B,N1,2\n");
	T_REQUIRE(in);
	verify(&m, in, (const char *[]){ "A", "N1", "B", NULL, NULL });
	T_EQ_INT(m.justified_envy, 1);
	nursery_instance_free(in);
}

/* transfer: T holds a seat at N2 (no open seat there) and wants N1 */
static void test_transfer(void)
{
	struct nursery_instance *in = load(
		"N,N1,0,0,1,0,0,0\nN,N2,0,0,0,0,0,0\n"
		"C,T,-,2,10,1,0,1,N2,N1\n"
		"C,X,-,2,30,1,0,2,-,N1,N2\n");
	T_REQUIRE(in);
	struct nursery_metrics m;
	/* X (higher score) takes N1, T keeps N2: stable, no violation */
	verify(&m, in, (const char *[]){ "T", "N2", "X", "N1", NULL });
	T_EQ_INT(m.transfer_violations, 0);
	T_EQ_INT(m.capacity_violations, 0);
	T_EQ_INT(m.blocking_coalitions, 0);
	T_EQ_INT(m.transfers_requested, 1);
	T_EQ_INT(m.transfers_moved, 0);
	/* T moves to N1 and frees N2 for X: feasible (X envies T at N1) */
	verify(&m, in, (const char *[]){ "T", "N1", "X", "N2", NULL });
	T_EQ_INT(m.capacity_violations, 0);
	T_EQ_INT(m.transfers_moved, 1);
	T_EQ_INT(m.justified_envy, 1);
	/* T loses its seat: a transfer violation */
	verify(&m, in, (const char *[]){ "T", NULL, "X", "N1", NULL });
	T_EQ_INT(m.transfer_violations, 1);
	/* X cannot take T's seat while T stays: over capacity */
	verify(&m, in, (const char *[]){ "T", "N2", "X", "N2", NULL });
	T_EQ_INT(m.capacity_violations, 1);
	nursery_instance_free(in);
}

/* share group 0-1: one room for ages 0 and 1 */
static void test_share(void)
{
	struct nursery_instance *in = load(
		"N,N1,1,0,0,0,0,0,0-1\n"
		"C,A,-,1,10,1,0,1,-,N1\n"
		"C,B,-,0,5,1,0,2,-,N1\n");
	T_REQUIRE(in);
	struct nursery_metrics m;
	verify(&m, in, (const char *[]){ "A", "N1", "B", NULL, NULL });
	T_EQ_INT(m.capacity_violations, 0);
	T_EQ_INT(m.blocking_coalitions, 0);
	/* the age-0 child in the shared seat: A (age 1) has priority */
	verify(&m, in, (const char *[]){ "A", NULL, "B", "N1", NULL });
	T_EQ_INT(m.justified_envy, 1);
	T_EQ_INT(m.blocking_coalitions, 1);
	nursery_instance_free(in);
}

static void test_siblings(void)
{
	struct nursery_instance *in = load(
		"N,N1,0,1,1,0,0,0\nN,N2,0,1,1,0,0,0\n"
		"F,H,same,2\n"
		"C,P,H,1,10,1,0,1,-,N1,N2\n"
		"C,Q,H,2,10,1,0,1,-,N1,N2\n");
	T_REQUIRE(in);
	struct nursery_metrics m;
	verify(&m, in, (const char *[]){ "P", "N1", "Q", "N2", NULL });
	T_EQ_INT(m.sibling_violations, 1);
	verify(&m, in, (const char *[]){ "P", "N1", "Q", NULL, NULL });
	T_EQ_INT(m.sibling_violations, 1);
	verify(&m, in, (const char *[]){ "P", "N2", "Q", "N2", NULL });
	T_EQ_INT(m.sibling_violations, 0);
	T_EQ_INT(m.blocking_coalitions, 1); /* (N1, N1) is empty */
	verify(&m, in, (const char *[]){ "P", "N1", "Q", "N1", NULL });
	T_EQ_INT(m.sibling_violations, 0);
	T_EQ_INT(m.blocking_coalitions, 0);
	nursery_instance_free(in);
	/* prefer: split allowed, ranked below together */
	in = load("N,N1,0,1,0,0,0,0\nN,N2,0,0,1,0,0,0\n"
		  "F,H,prefer,2\n"
		  "C,P,H,1,10,1,0,1,-,N1\n"
		  "C,Q,H,2,10,1,0,1,-,N1,N2\n");
	T_REQUIRE(in);
	verify(&m, in, (const char *[]){ "P", "N1", "Q", "N2", NULL });
	T_EQ_INT(m.sibling_violations, 0);
	T_EQ_INT(m.blocking_coalitions, 0); /* (N1,N1) has no age-2 seat */
	nursery_instance_free(in);
}

/*
 * No stable outcome (Roth's couple example): rooms A and B have one seat
 * each; family H (P, Q) asks only for (A, B); the single S lists A then B.
 * At A: P (11) > S (10); at B: S (10 + 2) > Q (11).  Every feasible
 * outcome has a blocking coalition:
 *   H at (A,B), S none   -> S with B             1
 *   S at B, H none       -> S with A (empty)     1
 *   S at A, H none       -> H with (A,B)         1
 *   nobody               -> S with A, S with B, H   3
 */
static const char *const NO_STABLE =
	"N,A,0,1,0,0,0,0\nN,B,0,1,0,0,0,0\n"
	"F,H,joint,2\n"
	"C,P,H,1,11,1,0,1,-,A\n"
	"C,Q,H,1,11,1,0,1,-,B\n"
	"C,S,-,1,10,1,0,2,-,A,B\n"
	"B,S,B,2\n"
	"J,H,A,B\n";

static void test_no_stable(void)
{
	struct nursery_instance *in = load(NO_STABLE);
	T_REQUIRE(in);
	struct nursery_metrics m;
	verify(&m, in, (const char *[]){ "P", "A", "Q", "B", "S", NULL, NULL });
	T_EQ_INT(m.blocking_coalitions, 1);
	T_EQ_INT(m.sibling_violations, 0);
	verify(&m, in, (const char *[]){ "P", NULL, "Q", NULL, "S", "B", NULL });
	T_EQ_INT(m.blocking_coalitions, 1);
	verify(&m, in, (const char *[]){ "P", NULL, "Q", NULL, "S", "A", NULL });
	T_EQ_INT(m.blocking_coalitions, 1);
	verify(&m, in, (const char *[]){ "P", NULL, "Q", NULL, "S", NULL, NULL });
	T_EQ_INT(m.blocking_coalitions, 3);
	/* a split of a joint family is a sibling violation */
	verify(&m, in, (const char *[]){ "P", "A", "Q", NULL, "S", "B", NULL });
	T_EQ_INT(m.sibling_violations, 1);
	nursery_instance_free(in);
}

static void test_hash(void)
{
	struct nursery_instance *in = load(ONE_SEAT);
	T_REQUIRE(in);
	struct nursery_metrics m1, m2, m3;
	verify(&m1, in, (const char *[]){ "A", "N1", "B", NULL, NULL });
	verify(&m2, in, (const char *[]){ "B", NULL, "A", "N1", NULL });
	verify(&m3, in, (const char *[]){ "A", NULL, "B", "N1", NULL });
	T_EQ_STR(m1.hash, m2.hash);
	T_CHECK(strcmp(m1.hash, m3.hash) != 0);
	T_EQ_INT(strlen(m1.hash), 16);
	nursery_instance_free(in);
}

int main(void)
{
	T_RUN(test_one_seat);
	T_RUN(test_invalid_and_ranks);
	T_RUN(test_tiebreak);
	T_RUN(test_transfer);
	T_RUN(test_share);
	T_RUN(test_siblings);
	T_RUN(test_no_stable);
	T_RUN(test_hash);
	return t_done();
}
