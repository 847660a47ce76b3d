/*
 * solve.c -- the solver state shared by the allocation algorithms
 * (baseline, da, sibling, exact), the `baseline` and `da` algorithms, and
 * the dispatch nursery_alloc_run.  The verifier does not use any of this.
 *
 * State: per slot an indexed min-heap of the children holding a seat
 * there, keyed by their priority key at that facility; per unit (a single
 * child, or a family allocated jointly) the option it holds.  Invariants
 * between calls: hn[s] <= cap[s]; a unit holds all the seats of one option
 * or none; every held child is in exactly one heap at hpos[child].
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

/* ---- heaps -------------------------------------------------------------- */

static void heap_set(struct nsolve *s, size_t base, int i, int c, uint64_t k)
{
	s->heap[base + (size_t)i] = c;
	s->hkey[base + (size_t)i] = k;
	s->hpos[c] = i;
}

static void heap_up(struct nsolve *s, int sl, int i)
{
	size_t b = s->hoff[sl];
	int c = s->heap[b + (size_t)i];
	uint64_t k = s->hkey[b + (size_t)i];
	while (i > 0) {
		int p = (i - 1) / 2;
		if (s->hkey[b + (size_t)p] <= k)
			break;
		heap_set(s, b, i, s->heap[b + (size_t)p], s->hkey[b + (size_t)p]);
		i = p;
	}
	heap_set(s, b, i, c, k);
}

static void heap_down(struct nsolve *s, int sl, int i)
{
	size_t b = s->hoff[sl];
	int n = s->hn[sl];
	int c = s->heap[b + (size_t)i];
	uint64_t k = s->hkey[b + (size_t)i];
	for (;;) {
		int l = 2 * i + 1;
		if (l >= n)
			break;
		int m = l;
		if (l + 1 < n && s->hkey[b + (size_t)l + 1] < s->hkey[b + (size_t)l])
			m = l + 1;
		if (s->hkey[b + (size_t)m] >= k)
			break;
		heap_set(s, b, i, s->heap[b + (size_t)m], s->hkey[b + (size_t)m]);
		i = m;
	}
	heap_set(s, b, i, c, k);
}

static void heap_insert(struct nsolve *s, int sl, int c, uint64_t k)
{
	int i = s->hn[sl]++;
	s->heap[s->hoff[sl] + (size_t)i] = c;
	s->hkey[s->hoff[sl] + (size_t)i] = k;
	s->hpos[c] = i;
	heap_up(s, sl, i);
	s->slot_of[c] = sl;
}

static void heap_remove(struct nsolve *s, int c)
{
	int sl = s->slot_of[c];
	int i = s->hpos[c];
	size_t b = s->hoff[sl];
	int last = --s->hn[sl];
	s->slot_of[c] = -1;
	s->hpos[c] = -1;
	s->assign[c] = -1;
	if (!s->dirty[sl]) {
		s->dirty[sl] = 1;
		s->dlist[s->ndirty++] = sl;
	}
	if (i == last)
		return;
	heap_set(s, b, i, s->heap[b + (size_t)last], s->hkey[b + (size_t)last]);
	uint64_t k = s->hkey[b + (size_t)i];
	if (i > 0 && s->hkey[b + (size_t)(i - 1) / 2] > k)
		heap_up(s, sl, i);
	else
		heap_down(s, sl, i);
}

/* the k smallest holders of slot sl not belonging to unit u (keys only),
 * ascending; returns how many were found */
static int heap_smallest_other(const struct nsolve *s, int sl, int u, int k,
			       uint64_t *out)
{
	int front[4 * NURSERY_FAMILY_MAX + 8], nf = 0, got = 0;
	size_t b = s->hoff[sl];
	int n = s->hn[sl];
	if (n == 0 || k == 0)
		return 0;
	front[nf++] = 0;
	while (nf > 0 && got < k) {
		int bi = 0;
		for (int i = 1; i < nf; i++)
			if (s->hkey[b + (size_t)front[i]] <
			    s->hkey[b + (size_t)front[bi]])
				bi = i;
		int i = front[bi];
		front[bi] = front[--nf];
		if (s->unit_of_child[s->heap[b + (size_t)i]] != u)
			out[got++] = s->hkey[b + (size_t)i];
		int l = 2 * i + 1;
		if (l < n && nf < (int)(sizeof front / sizeof front[0]))
			front[nf++] = l;
		if (l + 1 < n && nf < (int)(sizeof front / sizeof front[0]))
			front[nf++] = l + 1;
	}
	return got;
}

/* ---- queue -------------------------------------------------------------- */

void nsolve_push(struct nsolve *s, int u)
{
	if (s->inq[u])
		return;
	s->inq[u] = 1;
	s->queue[s->qtail] = u;
	s->qtail = (s->qtail + 1) % s->qcap;
}

int nsolve_pop(struct nsolve *s)
{
	if (s->qhead == s->qtail)
		return -1;
	int u = s->queue[s->qhead];
	s->qhead = (s->qhead + 1) % s->qcap;
	s->inq[u] = 0;
	return u;
}

/* ---- setup -------------------------------------------------------------- */

static int cmp_unit(const void *a, const void *b)
{
	const struct nsolve_unit *x = a, *y = b;
	if (x->order != y->order)
		return x->order > y->order ? -1 : 1;
	int ix = x->fam >= 0 ? x->fam : x->child;
	int iy = y->fam >= 0 ? y->fam : y->child;
	if ((x->fam >= 0) != (y->fam >= 0))
		return x->fam >= 0 ? 1 : -1;
	return ix < iy ? -1 : ix > iy;
}

int nsolve_init(struct nsolve *s, const struct nursery_instance *in)
{
	memset(s, 0, sizeof *s);
	s->in = in;
	size_t nc = (size_t)in->nchild + 1;
	s->unit = calloc(nc, sizeof *s->unit);
	s->unit_of_child = malloc(nc * sizeof(int));
	s->hoff = malloc(((size_t)in->nslot + 1) * sizeof(size_t));
	s->hn = calloc((size_t)in->nslot + 1, sizeof(int));
	s->hpos = malloc(nc * sizeof(int));
	s->slot_of = malloc(nc * sizeof(int));
	s->assign = malloc(nc * sizeof(int));
	s->inq = calloc(nc, sizeof(int));
	s->dirty = calloc((size_t)in->nslot + 1, 1);
	s->dlist = malloc(((size_t)in->nslot + 1) * sizeof(int));
	s->qcap = nc + 1;
	s->queue = malloc(s->qcap * sizeof(int));
	if (!s->unit || !s->unit_of_child || !s->hoff || !s->hn || !s->hpos ||
	    !s->slot_of || !s->assign || !s->inq || !s->queue || !s->dirty ||
	    !s->dlist) {
		nsolve_done(s);
		return ERR_NOMEM;
	}
	size_t tot = 0;
	for (int i = 0; i < in->nslot; i++) {
		s->hoff[i] = tot;
		tot += (size_t)in->slot[i].cap;
	}
	s->heap = malloc((tot + 1) * sizeof(int));
	s->hkey = malloc((tot + 1) * sizeof(uint64_t));
	if (!s->heap || !s->hkey) {
		nsolve_done(s);
		return ERR_NOMEM;
	}
	int nu = 0;
	for (int f = 0; f < in->nfam; f++) {
		const struct nursery_family *fm = &in->fam[f];
		const int *kids = in->fam_child + fm->child_off;
		if (fm->tupled) {
			struct nsolve_unit *u = &s->unit[nu];
			u->fam = f;
			u->child = -1;
			u->nopt = fm->ntuple;
			for (int i = 0; i < fm->nchild; i++) {
				uint64_t k = nsolve_base_key(in, kids[i]);
				if (k > u->order)
					u->order = k;
			}
			nu++;
		} else {
			for (int i = 0; i < fm->nchild; i++) {
				struct nsolve_unit *u = &s->unit[nu++];
				u->fam = -1;
				u->child = kids[i];
				u->nopt = in->child[kids[i]].npref;
				u->order = nsolve_base_key(in, kids[i]);
			}
		}
	}
	s->nunit = nu;
	qsort(s->unit, (size_t)nu, sizeof *s->unit, cmp_unit);
	nsolve_reset(s);
	return 0;
}

void nsolve_reset(struct nsolve *s)
{
	const struct nursery_instance *in = s->in;
	for (int c = 0; c < in->nchild; c++) {
		s->hpos[c] = -1;
		s->slot_of[c] = -1;
		s->assign[c] = -1;
		s->inq[c] = 0;
	}
	for (int i = 0; i < in->nslot; i++) {
		s->hn[i] = 0;
		s->dirty[i] = 0;
	}
	s->ndirty = 0;
	for (int u = 0; u < s->nunit; u++) {
		struct nsolve_unit *un = &s->unit[u];
		un->next = 0;
		un->held = -1;
		un->touched = 0;
		if (un->child >= 0) {
			s->unit_of_child[un->child] = u;
		} else {
			const struct nursery_family *fm = &in->fam[un->fam];
			for (int i = 0; i < fm->nchild; i++)
				s->unit_of_child[in->fam_child[fm->child_off +
							       (size_t)i]] = u;
		}
	}
	s->qhead = s->qtail = 0;
	s->proposals = 0;
}

void nsolve_done(struct nsolve *s)
{
	free(s->unit);
	free(s->unit_of_child);
	free(s->hoff);
	free(s->hn);
	free(s->hpos);
	free(s->slot_of);
	free(s->assign);
	free(s->inq);
	free(s->queue);
	free(s->heap);
	free(s->hkey);
	free(s->dirty);
	free(s->dlist);
	memset(s, 0, sizeof *s);
}

int nsolve_dirty_take(struct nsolve *s, int *out)
{
	int n = s->ndirty;
	for (int i = 0; i < n; i++) {
		out[i] = s->dlist[i];
		s->dirty[s->dlist[i]] = 0;
	}
	s->ndirty = 0;
	return n;
}

static size_t heap_total(const struct nsolve *s)
{
	int ns = s->in->nslot;
	return ns ? s->hoff[ns - 1] + (size_t)s->in->slot[ns - 1].cap : 0;
}

int nsolve_snap_save(struct nsolve_snap *sn, const struct nsolve *s)
{
	size_t nc = (size_t)s->in->nchild + 1, ht = heap_total(s) + 1;
	size_t ns = (size_t)s->in->nslot + 1;
	sn->heap = malloc(ht * sizeof(int));
	sn->hkey = malloc(ht * sizeof(uint64_t));
	sn->hn = malloc(ns * sizeof(int));
	sn->hpos = malloc(nc * sizeof(int));
	sn->slot_of = malloc(nc * sizeof(int));
	sn->assign = malloc(nc * sizeof(int));
	sn->unit = malloc(nc * sizeof(struct nsolve_unit));
	if (!sn->heap || !sn->hkey || !sn->hn || !sn->hpos || !sn->slot_of ||
	    !sn->assign || !sn->unit) {
		nsolve_snap_done(sn);
		return ERR_NOMEM;
	}
	memcpy(sn->heap, s->heap, ht * sizeof(int));
	memcpy(sn->hkey, s->hkey, ht * sizeof(uint64_t));
	memcpy(sn->hn, s->hn, ns * sizeof(int));
	memcpy(sn->hpos, s->hpos, nc * sizeof(int));
	memcpy(sn->slot_of, s->slot_of, nc * sizeof(int));
	memcpy(sn->assign, s->assign, nc * sizeof(int));
	memcpy(sn->unit, s->unit, (size_t)s->nunit * sizeof(struct nsolve_unit));
	return 0;
}

void nsolve_snap_load(struct nsolve *s, const struct nsolve_snap *sn)
{
	size_t nc = (size_t)s->in->nchild + 1, ht = heap_total(s) + 1;
	size_t ns = (size_t)s->in->nslot + 1;
	memcpy(s->heap, sn->heap, ht * sizeof(int));
	memcpy(s->hkey, sn->hkey, ht * sizeof(uint64_t));
	memcpy(s->hn, sn->hn, ns * sizeof(int));
	memcpy(s->hpos, sn->hpos, nc * sizeof(int));
	memcpy(s->slot_of, sn->slot_of, nc * sizeof(int));
	memcpy(s->assign, sn->assign, nc * sizeof(int));
	memcpy(s->unit, sn->unit, (size_t)s->nunit * sizeof(struct nsolve_unit));
	for (int i = 0; i < s->in->nslot; i++)
		s->dirty[i] = 0;
	s->ndirty = 0;
	s->qhead = s->qtail = 0;
	for (int u = 0; u < s->nunit; u++)
		s->inq[u] = 0;
}

void nsolve_snap_done(struct nsolve_snap *sn)
{
	free(sn->heap);
	free(sn->hkey);
	free(sn->hn);
	free(sn->hpos);
	free(sn->slot_of);
	free(sn->assign);
	free(sn->unit);
	memset(sn, 0, sizeof *sn);
}

/* ---- options ------------------------------------------------------------ */

int nsolve_option(const struct nsolve *s, int u, int o, int *child, int *fac,
		  uint64_t *key)
{
	const struct nursery_instance *in = s->in;
	const struct nsolve_unit *un = &s->unit[u];
	if (un->child >= 0) {
		const struct nursery_child *ch = &in->child[un->child];
		child[0] = un->child;
		if (o < un->nopt) {
			size_t p = ch->pref_off + (size_t)o;
			fac[0] = in->pref_fac[p];
			key[0] = in->pref_key[p];
		} else {
			fac[0] = ch->cur;
			key[0] = nursery_instance_child_key(in, un->child, ch->cur);
		}
		return 1;
	}
	const struct nursery_family *fm = &in->fam[un->fam];
	int n = fm->nchild;
	for (int i = 0; i < n; i++) {
		int c = in->fam_child[fm->child_off + (size_t)i];
		int d = o < un->nopt
				? in->tuple_fac[fm->tuple_off +
						(size_t)o * (size_t)n + (size_t)i]
				: in->child[c].cur;
		child[i] = c;
		fac[i] = d;
		key[i] = nursery_instance_child_key(in, c, d);
	}
	return n;
}

int nsolve_fits(const struct nsolve *s, int u, int o, int evict)
{
	const struct nursery_instance *in = s->in;
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	int n = nsolve_option(s, u, o, child, fac, key);
	int done[NURSERY_FAMILY_MAX] = { 0 };
	for (int i = 0; i < n; i++) {
		if (fac[i] < 0 || done[i])
			continue;
		int sl = in->fac[fac[i]].slot[in->child[child[i]].age];
		int m = 0;
		uint64_t kmin = UINT64_MAX;
		for (int j = i; j < n; j++) {
			if (fac[j] < 0)
				continue;
			int sj = in->fac[fac[j]].slot[in->child[child[j]].age];
			if (sj != sl)
				continue;
			done[j] = 1;
			m++;
			if (key[j] < kmin)
				kmin = key[j];
		}
		int own = 0;
		for (int j = 0; j < n; j++)
			if (s->slot_of[child[j]] == sl)
				own++;
		int cap = in->slot[sl].cap;
		int freeseats = cap - (s->hn[sl] - own);
		if (freeseats >= m)
			continue;
		if (!evict)
			return 0;
		int r = m - freeseats;
		if (r > m)
			return 0; /* cannot happen: hn <= cap */
		uint64_t low[NURSERY_FAMILY_MAX];
		int got = heap_smallest_other(s, sl, u, r, low);
		if (got < r)
			return 0;
		for (int k = 0; k < r; k++)
			if (low[k] >= kmin)
				return 0;
	}
	return 1;
}

void nsolve_release(struct nsolve *s, int u)
{
	const struct nursery_instance *in = s->in;
	struct nsolve_unit *un = &s->unit[u];
	if (un->child >= 0) {
		if (s->slot_of[un->child] >= 0)
			heap_remove(s, un->child);
	} else {
		const struct nursery_family *fm = &in->fam[un->fam];
		for (int i = 0; i < fm->nchild; i++) {
			int c = in->fam_child[fm->child_off + (size_t)i];
			if (s->slot_of[c] >= 0)
				heap_remove(s, c);
		}
	}
	un->held = -1;
}

void nsolve_take(struct nsolve *s, int u, int o)
{
	const struct nursery_instance *in = s->in;
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	nsolve_release(s, u);
	int n = nsolve_option(s, u, o, child, fac, key);
	for (int i = 0; i < n; i++) {
		if (fac[i] < 0)
			continue;
		int sl = in->fac[fac[i]].slot[in->child[child[i]].age];
		if (s->hn[sl] >= in->slot[sl].cap) {
			int h = s->heap[s->hoff[sl]];
			int hu = s->unit_of_child[h];
			struct nsolve_unit *hun = &s->unit[hu];
			int lost = hun->held;
			nsolve_release(s, hu);
			if (lost >= 0 && lost < hun->nopt)
				hun->next = lost + 1;
			nsolve_push(s, hu);
		}
		heap_insert(s, sl, child[i], key[i]);
		s->assign[child[i]] = fac[i];
	}
	s->unit[u].held = o;
}

void nsolve_fallback(struct nsolve *s, int u)
{
	nsolve_take(s, u, s->unit[u].nopt);
}

long nsolve_run_queue(struct nsolve *s)
{
	long before = s->proposals;
	int u;
	while ((u = nsolve_pop(s)) >= 0) {
		struct nsolve_unit *un = &s->unit[u];
		if (un->held >= 0)
			continue;
		while (un->next < un->nopt) {
			int o = un->next++;
			s->proposals++;
			if (nsolve_fits(s, u, o, 1)) {
				nsolve_take(s, u, o);
				break;
			}
		}
		if (un->held < 0)
			nsolve_fallback(s, u);
	}
	return s->proposals - before;
}

int nsolve_blocking(const struct nsolve *s, int u)
{
	const struct nsolve_unit *un = &s->unit[u];
	int lim = un->held < 0 ? un->nopt : un->held;
	for (int o = 0; o < lim; o++)
		if (nsolve_fits(s, u, o, 1))
			return o;
	return -1;
}

/* ---- baseline and da ---------------------------------------------------- */

static void progress(const struct nursery_alloc_opts *o, const char *phase,
		     double done)
{
	if (o && o->progress && o->progress->fn)
		o->progress->fn(o->progress->arg, phase, done);
}

int nursery_alloc_baseline(struct nursery_result *r, struct nsolve *s,
			   const struct nursery_alloc_opts *o, struct err *e)
{
	(void)r;
	(void)e;
	/* what staff do by hand: continuing children keep their seats until
	 * they are moved; applicants in score order take the best option
	 * that still has free seats */
	for (int u = 0; u < s->nunit; u++)
		nsolve_fallback(s, u);
	for (int u = 0; u < s->nunit; u++) {
		struct nsolve_unit *un = &s->unit[u];
		for (int k = 0; k < un->nopt; k++) {
			s->proposals++;
			if (nsolve_fits(s, u, k, 0)) {
				nsolve_take(s, u, k);
				break;
			}
		}
		if ((u & 0xffff) == 0)
			progress(o, "baseline", (double)u / s->nunit);
	}
	return 0;
}

int nursery_alloc_da(struct nursery_result *r, struct nsolve *s,
		     const struct nursery_alloc_opts *o, struct err *e)
{
	(void)r;
	(void)e;
	for (int u = 0; u < s->nunit; u++)
		nsolve_push(s, u);
	progress(o, "da", 0);
	nsolve_run_queue(s);
	progress(o, "da", 1);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

void nursery_alloc_opts_init(struct nursery_alloc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->algo = NURSERY_ALGO_DA;
	o->time_limit = 60;
	o->max_restarts = 4;
}

static const char *const algo_names[] = { "baseline", "da", "sibling",
					  "exact" };

int nursery_algo_parse(int *algo, const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, algo_names[i]) == 0) {
			*algo = i;
			return 0;
		}
	return ERR_INVALID;
}

const char *nursery_algo_name(int algo)
{
	return algo >= 0 && algo < 4 ? algo_names[algo] : "?";
}

const char *nursery_status_name(int status)
{
	switch (status) {
	case NURSERY_STATUS_OK: return "ok";
	case NURSERY_STATUS_UNSTABLE: return "no_stable_outcome_found";
	case NURSERY_STATUS_OPTIMAL: return "optimal";
	case NURSERY_STATUS_TIMELIMIT: return "time_limit";
	}
	return "?";
}

int nursery_alloc_run(struct nursery_result *out,
		      const struct nursery_instance *in,
		      const struct nursery_alloc_opts *o, struct err *e)
{
	struct nursery_alloc_opts def;
	if (!o) {
		nursery_alloc_opts_init(&def);
		o = &def;
	}
	memset(out, 0, sizeof *out);
	if (!in->finished)
		return err_set(e, ERR_INVALID, "instance not finished");
	double t0 = nursery_now();
	struct nsolve s;
	if (nsolve_init(&s, in))
		return err_set(e, ERR_NOMEM, "out of memory");
	out->nchild = in->nchild;
	out->algo = o->algo;
	int rc;
	switch (o->algo) {
	case NURSERY_ALGO_BASELINE: rc = nursery_alloc_baseline(out, &s, o, e); break;
	case NURSERY_ALGO_DA: rc = nursery_alloc_da(out, &s, o, e); break;
	case NURSERY_ALGO_SIBLING: rc = nursery_alloc_sibling(out, &s, o, e); break;
	case NURSERY_ALGO_EXACT: rc = nursery_alloc_exact(out, &s, o, e); break;
	default: rc = err_set(e, ERR_INVALID, "unknown algorithm %d", o->algo);
	}
	if (!rc) {
		out->assign = malloc(sizeof(int) * ((size_t)in->nchild + 1));
		if (!out->assign)
			rc = err_set(e, ERR_NOMEM, "out of memory");
		else
			memcpy(out->assign, s.assign,
			       sizeof(int) * (size_t)in->nchild);
	}
	nsolve_done(&s);
	out->seconds = nursery_now() - t0;
	if (rc)
		nursery_result_done(out);
	return rc;
}

void nursery_result_done(struct nursery_result *r)
{
	if (!r)
		return;
	free(r->assign);
	r->assign = NULL;
}
