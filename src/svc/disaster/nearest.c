/*
 * nearest.c -- the nearest shelter: great-circle (haversine) distance and
 * a latitude-sorted index (contract in disaster.h).
 *
 * Why it agrees with brute force: both compute the distance with the same
 * function on the same doubles and break ties by the smaller id; the
 * index only skips points whose latitude gap alone, R * |dlat| (never more
 * than the great-circle distance), already exceeds the best distance
 * found by more than a rounding margin, so no point that could win or tie
 * is ever skipped.  tests/unit/disaster/test_nearest.c checks 10,000
 * random queries, ties and filters included.
 */
#include "svc/disaster/disaster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define R_EARTH 6371008.8
#define RAD (M_PI / 180.0)

double disaster_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * RAD, p2 = lat2 * RAD;
	double dp = p2 - p1, dl = (lon2 - lon1) * RAD;
	double s1 = sin(dp / 2), s2 = sin(dl / 2);
	double h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
	if (h > 1)
		h = 1;
	return 2 * R_EARTH * asin(sqrt(h));
}

static int by_lat(const void *a, const void *b)
{
	const struct disaster_point *x = a, *y = b;
	if (x->lat != y->lat)
		return x->lat < y->lat ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int disaster_index_build(struct disaster_index *ix, struct arena *a, const struct disaster_point *pts,
			 int n, struct err *e)
{
	if (n < 0 || n > 4 * DISASTER_ROWS_MAX)
		return err_set(e, ERR_LIMIT, "disaster: %d points", n);
	ix->n = n;
	ix->p = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *ix->p);
	if (!ix->p)
		return err_set(e, ERR_NOMEM, "disaster: no memory");
	if (n)
		memcpy(ix->p, pts, (size_t)n * sizeof *pts);
	qsort(ix->p, (size_t)n, sizeof *ix->p, by_lat);
	return 0;
}

static int wanted(const struct disaster_point *p, unsigned hazard, int open_only)
{
	return (!hazard || (p->hazards & hazard)) && (!open_only || p->state == DISASTER_OPEN);
}

/* is (d, id) better than the best so far */
static int better(double d, int64_t id, const struct disaster_point *best, double bd)
{
	return !best || d < bd || (d == bd && id < best->id);
}

const struct disaster_point *disaster_brute_nearest(const struct disaster_point *pts, int n, double lat,
						    double lon, unsigned hazard, int open_only, double *m)
{
	const struct disaster_point *best = NULL;
	double bd = 0;
	for (int i = 0; i < n; i++) {
		if (!wanted(&pts[i], hazard, open_only))
			continue;
		double d = disaster_distance_m(lat, lon, pts[i].lat, pts[i].lon);
		if (better(d, pts[i].id, best, bd)) {
			best = &pts[i];
			bd = d;
		}
	}
	if (m)
		*m = bd;
	return best;
}

const struct disaster_point *disaster_index_nearest(const struct disaster_index *ix, double lat, double lon,
						    unsigned hazard, int open_only, double *m)
{
	/* the first point at or above lat */
	int lo = 0, hi = ix->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (ix->p[mid].lat < lat)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct disaster_point *best = NULL;
	double bd = 0;
	int up = lo, down = lo - 1;
	while (up < ix->n || down >= 0) {
		/* the side whose next point is nearer in latitude */
		int i;
		double gu = up < ix->n ? ix->p[up].lat - lat : INFINITY;
		double gd = down >= 0 ? lat - ix->p[down].lat : INFINITY;
		if (gu <= gd)
			i = up++;
		else
			i = down--;
		double gap = (gu <= gd ? gu : gd) * RAD * R_EARTH;
		/* every point left is at least gap away: stop once that is
		 * surely more than the best (the margin covers rounding) */
		if (best && gap > bd * (1 + 1e-9) + 1e-6)
			break;
		const struct disaster_point *p = &ix->p[i];
		if (!wanted(p, hazard, open_only))
			continue;
		double d = disaster_distance_m(lat, lon, p->lat, p->lon);
		if (better(d, p->id, best, bd)) {
			best = p;
			bd = d;
		}
	}
	if (m)
		*m = bd;
	return best;
}
