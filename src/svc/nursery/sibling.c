/*
 * sibling.c -- the sibling-aware stable algorithm (`sibling`): sorted
 * deferred acceptance in the spirit of Kojima-Pathak-Roth and the ESDA of
 * Sun, Yokoyama and Yokoo, with blocking repair, cycle detection and
 * restarts.
 *
 *   A. deferred acceptance among the units without joint requests
 *      (singles and independent siblings): stable for them;
 *   B. families with joint requests are inserted one at a time, in
 *      decreasing priority (restarts may move a family to the front);
 *      after each insertion deferred acceptance runs to quiescence
 *      (evicted families move down their joint lists);
 *   C. repair: while some unit has an option above what it holds that
 *      would be accepted now (a blocking coalition in the AAAI-23 sense),
 *      the best such option is given to it and deferred acceptance runs
 *      again.  A unit activated more than ACT_LIMIT times, or more than
 *      ROUND_LIMIT activations in all, is a cycle: the family involved is
 *      moved to the front of the insertion order and everything restarts
 *      from A.  After max_restarts the outcome with the fewest blocking
 *      coalitions is returned with status NURSERY_STATUS_UNSTABLE.
 *
 * When no unit has a joint request the result is exactly `da`.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

#define ACT_LIMIT 24

static long count_blocking(const struct nsolve *s)
{
	long n = 0;
	for (int u = 0; u < s->nunit; u++) {
		const struct nsolve_unit *un = &s->unit[u];
		int lim = un->held < 0 ? un->nopt : un->held;
		for (int o = 0; o < lim; o++)
			if (nsolve_fits(s, u, o, 1))
				n++;
	}
	return n;
}

/* reverse index: for each slot, the units with an option using it */
struct rindex {
	size_t *off;
	int *unit;
};

static int slot_of_comp(const struct nursery_instance *in, int c, int d)
{
	return in->fac[d].slot[in->child[c].age];
}

static int rindex_build(struct rindex *ri, const struct nsolve *s)
{
	const struct nursery_instance *in = s->in;
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	ri->off = calloc((size_t)in->nslot + 2, sizeof(size_t));
	if (!ri->off)
		return ERR_NOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (int u = 0; u < s->nunit; u++) {
			int last = -1;
			for (int o = 0; o < s->unit[u].nopt; o++) {
				int n = nsolve_option(s, u, o, child, fac, key);
				for (int i = 0; i < n; i++) {
					if (fac[i] < 0)
						continue;
					int sl = slot_of_comp(in, child[i], fac[i]);
					if (sl == last)
						continue;
					last = sl;
					if (pass == 0)
						ri->off[sl + 2]++;
					else
						ri->unit[ri->off[sl + 1]++] = u;
				}
			}
		}
		if (pass == 0) {
			for (int i = 0; i < in->nslot; i++)
				ri->off[i + 2] += ri->off[i + 1];
			ri->unit = malloc(sizeof(int) * (ri->off[in->nslot + 1] + 1));
			if (!ri->unit) {
				free(ri->off);
				return ERR_NOMEM;
			}
		}
	}
	return 0;
}

static void rindex_done(struct rindex *ri)
{
	free(ri->off);
	free(ri->unit);
}

struct work {
	int *list, n;
	unsigned char *mark;
	int *dl;
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* one attempt from the phase-A snapshot; returns -1 when stable, else the
 * unit that cycled */
static int attempt(struct nsolve *s, const struct nsolve_snap *snap,
		   const struct rindex *ri, struct work *w, const int *famorder,
		   int nfamu, const struct nursery_alloc_opts *o)
{
	nsolve_snap_load(s, snap);
	for (int i = 0; i < nfamu; i++) {
		nsolve_push(s, famorder[i]);
		nsolve_run_queue(s);
	}
	long limit = 10L * s->nunit + 1000, acts = 0;
	w->n = 0;
	for (int u = 0; u < s->nunit; u++)
		w->list[w->n++] = u;
	s->ndirty = 0;
	for (int i = 0; i < s->in->nslot; i++)
		s->dirty[i] = 0;
	for (int round = 0; w->n > 0; round++) {
		for (int i = 0; i < w->n; i++) {
			int u = w->list[i];
			int b = nsolve_blocking(s, u);
			if (b < 0)
				continue;
			struct nsolve_unit *un = &s->unit[u];
			nsolve_take(s, u, b);
			un->next = b + 1;
			un->touched++;
			acts++;
			nsolve_run_queue(s);
			if (un->touched > ACT_LIMIT || acts > limit)
				return u;
		}
		/* next round: the units that use a slot that lost a holder */
		int nd = nsolve_dirty_take(s, w->dl);
		w->n = 0;
		for (int k = 0; k < nd; k++) {
			int sl = w->dl[k];
			for (size_t j = ri->off[sl]; j < ri->off[sl + 1]; j++) {
				int u = ri->unit[j];
				if (!w->mark[u]) {
					w->mark[u] = 1;
					w->list[w->n++] = u;
				}
			}
		}
		for (int i = 0; i < w->n; i++)
			w->mark[w->list[i]] = 0;
		qsort(w->list, (size_t)w->n, sizeof(int), cmp_int);
		if (o && o->progress && o->progress->fn)
			o->progress->fn(o->progress->arg, "sibling repair",
					round < 10 ? round / 10.0 : 0.99);
	}
	return -1;
}

int nursery_alloc_sibling(struct nursery_result *r, struct nsolve *s,
			  const struct nursery_alloc_opts *o, struct err *e)
{
	int maxr = o && o->max_restarts > 0 ? o->max_restarts : 4;
	int *famorder = malloc(sizeof(int) * ((size_t)s->nunit + 1));
	int *best = malloc(sizeof(int) * ((size_t)s->in->nchild + 1));
	if (!famorder || !best) {
		free(famorder);
		free(best);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	int nfamu = 0;
	for (int u = 0; u < s->nunit; u++)
		if (s->unit[u].fam >= 0)
			famorder[nfamu++] = u; /* units are sorted by priority */
	/* phase A once: deferred acceptance among non-joint units */
	for (int u = 0; u < s->nunit; u++)
		if (s->unit[u].fam < 0)
			nsolve_push(s, u);
	nsolve_run_queue(s);
	struct nsolve_snap snap;
	struct rindex ri = { 0 };
	struct work w = { 0 };
	w.list = malloc(sizeof(int) * ((size_t)s->nunit + 1));
	w.mark = calloc((size_t)s->nunit + 1, 1);
	w.dl = malloc(sizeof(int) * ((size_t)s->in->nslot + 1));
	if (!w.list || !w.mark || !w.dl || nsolve_snap_save(&snap, s)) {
		free(w.list);
		free(w.mark);
		free(w.dl);
		free(famorder);
		free(best);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	if (rindex_build(&ri, s)) {
		nsolve_snap_done(&snap);
		free(w.list);
		free(w.mark);
		free(w.dl);
		free(famorder);
		free(best);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	long bestbc = -1;
	int restarts = 0, cycles = 0;
	for (;;) {
		int cyc = attempt(s, &snap, &ri, &w, famorder, nfamu, o);
		if (cyc < 0) {
			bestbc = 0;
			break;
		}
		cycles++;
		long bc = count_blocking(s);
		if (bestbc < 0 || bc < bestbc) {
			bestbc = bc;
			memcpy(best, s->assign, sizeof(int) * (size_t)s->in->nchild);
		}
		if (bc == 0 || restarts >= maxr)
			break;
		restarts++;
		/* move the family in the cycle to the front; if a single
		 * cycled, move the family that holds the seat it wants */
		int fu = cyc;
		if (s->unit[cyc].fam < 0) {
			fu = -1;
			for (int i = 0; i < nfamu; i++)
				if (s->unit[famorder[i]].touched > 0 &&
				    (fu < 0 || s->unit[famorder[i]].touched >
						       s->unit[fu].touched))
					fu = famorder[i];
		}
		if (fu >= 0) {
			int i = 0;
			while (i < nfamu && famorder[i] != fu)
				i++;
			if (i < nfamu) {
				memmove(famorder + 1, famorder, sizeof(int) * (size_t)i);
				famorder[0] = fu;
			}
		} else if (nfamu > 1) {
			/* rotate deterministically */
			int first = famorder[0];
			memmove(famorder, famorder + 1,
				sizeof(int) * (size_t)(nfamu - 1));
			famorder[nfamu - 1] = first;
		}
	}
	r->restarts = restarts;
	r->cycles = cycles;
	if (bestbc > 0) {
		/* restore the best outcome seen into the solver state's
		 * assignment (the caller copies s->assign) */
		memcpy(s->assign, best, sizeof(int) * (size_t)s->in->nchild);
		r->status = NURSERY_STATUS_UNSTABLE;
	} else {
		r->status = NURSERY_STATUS_OK;
	}
	r->blocking_left = bestbc > 0 ? bestbc : 0;
	rindex_done(&ri);
	nsolve_snap_done(&snap);
	free(w.list);
	free(w.mark);
	free(w.dl);
	free(famorder);
	free(best);
	return 0;
}
