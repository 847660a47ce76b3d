/*
 * test_nearest.c -- the nearest shelter (src/svc/disaster/nearest.c):
 *   - the haversine distance against known figures (one degree of
 *     latitude, Tokyo station to Osaka station within 0.5 %, zero, symmetry);
 *   - 10,000 random queries over 2,000 random shelters (a Tokyo-sized box,
 *     some points repeated at the same place with other ids so that ties
 *     happen, random hazards and states), each with a random hazard filter
 *     and open-only or not: the index answers exactly what brute force
 *     answers (the same point, the same distance) every time, none included;
 *   - queries far outside the points (the walk goes to one end) and an
 *     empty index.
 * The random numbers come from a fixed-seed xorshift, so a failure repeats.
 */
#include "t.h"

#include <math.h>

#include "base/arena.h"
#include "svc/disaster/disaster.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(next() >> 11) / (double)(1ull << 53);
}

static void test_distance(void)
{
	double d = disaster_distance_m(35, 139, 36, 139);
	T_CHECK(fabs(d - 6371008.8 * M_PI / 180) < 0.01);
	/* Tokyo station (35.681236, 139.767125) to Osaka station (34.702485,
	 * 135.495951): about 403 km on the sphere */
	d = disaster_distance_m(35.681236, 139.767125, 34.702485, 135.495951);
	T_CHECK(d > 401000 && d < 405000);
	T_CHECK(disaster_distance_m(35.7, 139.7, 35.7, 139.7) == 0);
	T_CHECK(disaster_distance_m(35.6, 139.6, 35.8, 139.9) == disaster_distance_m(35.8, 139.9, 35.6, 139.6));
}

#define NPTS 2000
#define NQ 10000

static void test_random_against_brute(void)
{
	static struct disaster_point pts[NPTS];
	for (int i = 0; i < NPTS; i++) {
		if (i > 0 && next() % 10 == 0) {
			/* the same place as an earlier point, another id: ties */
			pts[i] = pts[next() % (uint64_t)i];
		} else {
			pts[i].lat = uniform(35.55, 35.85);
			pts[i].lon = uniform(139.55, 139.95);
		}
		pts[i].id = 1 + (int64_t)((i * 7919) % NPTS);   /* ids not in order of index */
		pts[i].key = "K";
		pts[i].hazards = (unsigned)(next() & 0xff);
		pts[i].state = (enum disaster_state)(next() % 4);
	}
	struct arena *a = arena_new(1u << 22);
	struct disaster_index ix;
	struct err e;
	T_REQUIRE(disaster_index_build(&ix, a, pts, NPTS, &e) == 0);
	int agree = 0, none = 0, ties = 0;
	for (int q = 0; q < NQ; q++) {
		double lat, lon;
		if (q % 5 == 0) {   /* exactly at a point: distance 0, and its twins */
			const struct disaster_point *p = &pts[next() % NPTS];
			lat = p->lat;
			lon = p->lon;
		} else {
			lat = uniform(35.5, 35.9);
			lon = uniform(139.5, 140.0);
		}
		unsigned hazard = next() % 3 == 0 ? 0 : 1u << (next() % 8);
		int open_only = (int)(next() % 2);
		double mi = -1, mb = -1;
		const struct disaster_point *pi = disaster_index_nearest(&ix, lat, lon, hazard, open_only, &mi);
		const struct disaster_point *pb = disaster_brute_nearest(pts, NPTS, lat, lon, hazard, open_only, &mb);
		if ((!pi && !pb) || (pi && pb && pi->id == pb->id && mi == mb))
			agree++;
		else
			printf("# query %d (%.6f, %.6f, hazard %u, open %d): index %lld %.3f, brute %lld %.3f\n", q, lat,
			       lon, hazard, open_only, pi ? (long long)pi->id : -1LL, mi, pb ? (long long)pb->id : -1LL,
			       mb);
		if (!pb)
			none++;
		/* count the queries whose answer had a twin at the same distance */
		if (pb)
			for (int i = 0; i < NPTS; i++)
				if (pts[i].id != pb->id && (!hazard || (pts[i].hazards & hazard)) &&
				    (!open_only || pts[i].state == DISASTER_OPEN) &&
				    disaster_distance_m(lat, lon, pts[i].lat, pts[i].lon) == mb) {
					ties++;
					break;
				}
	}
	T_EQ_INT(agree, NQ);
	printf("# %d queries agree; %d with a tie at the nearest distance; %d with no shelter\n", agree, ties, none);
	T_CHECK(ties > 100);   /* ties were exercised */
	/* far away: the walk reaches an end of the sorted array */
	double m1, m2;
	const struct disaster_point *p1 = disaster_index_nearest(&ix, 45.0, 142.0, 0, 0, &m1);
	const struct disaster_point *p2 = disaster_brute_nearest(pts, NPTS, 45.0, 142.0, 0, 0, &m2);
	T_CHECK(p1 && p2 && p1->id == p2->id && m1 == m2);
	p1 = disaster_index_nearest(&ix, 20.0, 125.0, 0, 1, &m1);
	p2 = disaster_brute_nearest(pts, NPTS, 20.0, 125.0, 0, 1, &m2);
	T_CHECK(p1 && p2 && p1->id == p2->id && m1 == m2);
	struct disaster_index empty;
	T_REQUIRE(disaster_index_build(&empty, a, pts, 0, &e) == 0);
	T_CHECK(disaster_index_nearest(&empty, 35.7, 139.7, 0, 0, &m1) == NULL);
	arena_free(a);
}

int main(void)
{
	T_RUN(test_distance);
	T_RUN(test_random_against_brute);
	return t_done();
}
