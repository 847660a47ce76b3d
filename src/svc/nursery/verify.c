/*
 * verify.c -- the verifier: every quality metric of an assignment,
 * recomputed from the raw fields of the instance.
 *
 * Independence: this file uses none of the solver code (solve.c,
 * sibling.c, exact.c) and none of the derived fields the solvers use
 * (pref_key, tb_rank, slot[], fac[].slot): it ranks children by its own
 * sort of (reason, income, lottery, id), builds its own priority keys
 * from score + bonus, its own rooms from the seat counts, share groups and
 * transfer children, and its own holder lists.  The only shared inputs are
 * the instance's raw fields and the families' ranked joint options (part
 * of what the families asked for, like the preference lists).
 *
 * Definitions (docs/nursery.md):
 *   unit        a child on its own, or a family with a joint request
 *               (two or more children, mode same, prefer or joint);
 *   option      a unit's preferences (joint options), best first; after
 *               them the fallback (transfer children keep their seats,
 *               the others get none);
 *   room        (nursery, share group); capacity = open seats of its ages
 *               + transfer children currently enrolled there in those ages;
 *               a transfer child has top priority at its current room;
 *   blocking coalition (AAAI-23): a unit u and an option p it prefers to
 *               what it holds such that in every room r used by p, the
 *               children of other units holding r with priority above the
 *               lowest of u's children placed in r by p, plus the number
 *               of u's children placed in r by p, fit in r's capacity;
 *   justified envy: pairs (c, h) of a child c of a non-joint unit and a
 *               holder h of a room c prefers to its own, h of lower
 *               priority there;
 *   wasted seats: sum over rooms of min(empty seats, number of children
 *               of non-joint units who prefer that room to their own).
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

struct vctx {
	const struct nursery_instance *in;
	const int *assign;
	uint32_t *rank;       /* own tie-break rank */
	int *room_cap;        /* nfac * 6, indexed by representative age */
	int *room_n;          /* holders */
	size_t *room_off;
	uint64_t *room_keys;  /* sorted descending per room */
};

static int cmp_rank(const void *a, const void *b, void *arg)
{
	const struct nursery_instance *in = arg;
	const struct nursery_child *x = &in->child[*(const int *)a];
	const struct nursery_child *y = &in->child[*(const int *)b];
	if (x->tb[0] != y->tb[0])
		return x->tb[0] < y->tb[0] ? -1 : 1;
	if (x->tb[1] != y->tb[1])
		return x->tb[1] < y->tb[1] ? -1 : 1;
	if (x->tb[2] != y->tb[2])
		return x->tb[2] < y->tb[2] ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int room_of(const struct vctx *v, int d, int age)
{
	int rep = age;
	while (rep > 0 && v->in->fac[d].group[rep] != rep)
		rep = v->in->fac[d].group[rep];
	return d * NURSERY_AGES + rep;
}

/* priority of child c at facility d: higher wins; 0 = not acceptable */
static uint64_t vkey(const struct vctx *v, int c, int d)
{
	const struct nursery_child *ch = &v->in->child[c];
	uint64_t low = (uint64_t)(0xffffffffu - v->rank[c]);
	if (d < 0)
		return 0;
	if (d == ch->cur)
		return ((uint64_t)1 << 63) | low;
	for (int k = 0; k < ch->npref; k++) {
		size_t p = ch->pref_off + (size_t)k;
		if (v->in->pref_fac[p] == d) {
			int64_t s = (int64_t)ch->score + v->in->pref_bonus[p] +
				    1000000;
			if (s < 0)
				s = 0;
			return ((uint64_t)s << 32) | low;
		}
	}
	return 0;
}

/* number of holders of room r with key > k */
static long count_above(const struct vctx *v, int r, uint64_t k)
{
	const uint64_t *a = v->room_keys + v->room_off[r];
	int lo = 0, hi = v->room_n[r];
	while (lo < hi) {      /* first index with a[i] <= k (descending) */
		int mid = (lo + hi) / 2;
		if (a[mid] > k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* preference position of d for child c: 0..npref-1, npref for its
 * current seat or none, -1 if d is unacceptable */
static int pos_of(const struct nursery_instance *in, int c, int d)
{
	const struct nursery_child *ch = &in->child[c];
	for (int k = 0; k < ch->npref; k++)
		if (in->pref_fac[ch->pref_off + (size_t)k] == d)
			return k;
	if (d == ch->cur || (d < 0 && ch->cur < 0))
		return ch->npref;
	return -1;
}

/* can unit (children kids[0..n), proposed facilities fac[]) take the
 * option: the blocking test of the header */
static int would_fit(const struct vctx *v, const int *kids, const int *fac,
		     int n)
{
	for (int i = 0; i < n; i++) {
		if (fac[i] < 0)
			continue;
		int r = room_of(v, fac[i], v->in->child[kids[i]].age);
		int m = 0, first = 1;
		uint64_t kmin = UINT64_MAX;
		for (int j = 0; j < n; j++) {
			if (fac[j] < 0)
				continue;
			if (room_of(v, fac[j], v->in->child[kids[j]].age) != r)
				continue;
			if (j < i)
				first = 0;
			m++;
			uint64_t k = vkey(v, kids[j], fac[j]);
			if (k < kmin)
				kmin = k;
		}
		if (!first)
			continue;
		long above = count_above(v, r, kmin);
		for (int j = 0; j < n; j++) {
			int a = v->assign[kids[j]];
			if (a < 0 ||
			    room_of(v, a, v->in->child[kids[j]].age) != r)
				continue;
			if (vkey(v, kids[j], a) > kmin)
				above--;
		}
		if (above + m > v->room_cap[r])
			return 0;
	}
	return 1;
}

int nursery_verify_run(struct nursery_metrics *m,
		       const struct nursery_instance *in, const int *assign,
		       struct err *e)
{
	memset(m, 0, sizeof *m);
	struct vctx v = { .in = in, .assign = assign };
	size_t nc = (size_t)in->nchild, nr = (size_t)in->nfac * NURSERY_AGES;
	int *ord = malloc(sizeof(int) * (nc + 1));
	v.rank = malloc(sizeof(uint32_t) * (nc + 1));
	v.room_cap = calloc(nr + 1, sizeof(int));
	v.room_n = calloc(nr + 1, sizeof(int));
	v.room_off = calloc(nr + 1, sizeof(size_t));
	v.room_keys = malloc(sizeof(uint64_t) * (nc + 1));
	long *want = calloc(nr + 1, sizeof(long));
	int *fill = calloc(nr + 1, sizeof(int));
	if (!ord || !v.rank || !v.room_cap || !v.room_n || !v.room_off ||
	    !v.room_keys || !want || !fill) {
		free(ord);
		free(v.rank);
		free(v.room_cap);
		free(v.room_n);
		free(v.room_off);
		free(v.room_keys);
		free(want);
		free(fill);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (size_t c = 0; c < nc; c++)
		ord[c] = (int)c;
	qsort_r(ord, nc, sizeof *ord, cmp_rank, (void *)in);
	for (size_t i = 0; i < nc; i++)
		v.rank[ord[i]] = (uint32_t)i;
	/* rooms */
	for (int d = 0; d < in->nfac; d++)
		for (int a = 0; a < NURSERY_AGES; a++)
			v.room_cap[room_of(&v, d, a)] += in->fac[d].cap[a];
	for (size_t c = 0; c < nc; c++) {
		const struct nursery_child *ch = &in->child[c];
		m->children++;
		m->children_by_age[ch->age]++;
		if (ch->cur >= 0) {
			v.room_cap[room_of(&v, ch->cur, ch->age)]++;
			m->transfers_requested++;
		}
		int d = assign[c];
		if (d < -1 || d >= in->nfac)
			d = -1; /* caught below as invalid */
		if (d >= 0)
			v.room_n[room_of(&v, d, ch->age)]++;
	}
	size_t off = 0;
	for (size_t r = 0; r < nr; r++) {
		v.room_off[r] = off;
		off += (size_t)v.room_n[r];
	}
	for (size_t c = 0; c < nc; c++) {
		int d = assign[c];
		if (d < 0 || d >= in->nfac)
			continue;
		int r = room_of(&v, d, in->child[c].age);
		uint64_t k = vkey(&v, (int)c, d);
		v.room_keys[v.room_off[r] + (size_t)fill[r]++] = k;
	}
	for (size_t r = 0; r < nr; r++)
		if (v.room_n[r] > 1)
			qsort(v.room_keys + v.room_off[r], (size_t)v.room_n[r],
			      sizeof(uint64_t), cmp_desc);
	/* capacity */
	for (size_t r = 0; r < nr; r++)
		if (v.room_n[r] > v.room_cap[r])
			m->capacity_violations += v.room_n[r] - v.room_cap[r];
	/* per child: validity, transfers, ranks */
	for (size_t c = 0; c < nc; c++) {
		const struct nursery_child *ch = &in->child[c];
		int d = assign[c];
		int pos = (d >= -1 && d < in->nfac) ? pos_of(in, (int)c, d) : -1;
		if (d >= 0 && d < in->nfac) {
			m->placed++;
			m->placed_by_age[ch->age]++;
		}
		if (pos < 0) {
			m->invalid_assignments++;
			if (ch->cur >= 0)
				m->transfer_violations++;
			continue;
		}
		if (ch->cur >= 0) {
			if (d < 0)
				m->transfer_violations++;
			else if (d != ch->cur)
				m->transfers_moved++;
		}
		if (d >= 0 && pos < ch->npref) {
			m->rank_sum += pos + 1;
			m->rank_hist[pos < NURSERY_RANK_HIST - 1
					     ? pos
					     : NURSERY_RANK_HIST - 1]++;
			if (pos == 0)
				m->first_choice++;
		}
	}
	m->unplaced = m->children - m->placed;
	long ranked = 0;
	for (int i = 0; i < NURSERY_RANK_HIST; i++)
		ranked += m->rank_hist[i];
	m->pct_first_choice = ranked ? 100.0 * (double)m->first_choice /
					       (double)ranked
				     : 0;
	m->mean_rank = ranked ? (double)m->rank_sum / (double)ranked : 0;
	/* units */
	for (int f = 0; f < in->nfam; f++) {
		const struct nursery_family *fm = &in->fam[f];
		const int *kids = in->fam_child + fm->child_off;
		int n = fm->nchild;
		int joint = n >= 2 && (fm->mode == NURSERY_FAM_SAME ||
				       fm->mode == NURSERY_FAM_PREFER ||
				       fm->mode == NURSERY_FAM_JOINT);
		if (joint) {
			int cur = -1, fb = 1;
			for (int i = 0; i < n; i++)
				if (assign[kids[i]] != in->child[kids[i]].cur)
					fb = 0;
			if (fb)
				cur = fm->ntuple;
			for (int o = 0; o < fm->ntuple && cur < 0; o++) {
				const int *t = in->tuple_fac + fm->tuple_off +
					       (size_t)o * (size_t)n;
				int eq = 1;
				for (int i = 0; i < n; i++)
					if (t[i] != assign[kids[i]])
						eq = 0;
				if (eq)
					cur = o;
			}
			if (cur < 0) {
				m->sibling_violations++;
				cur = fm->ntuple;
			}
			int any = 0;
			for (int o = 0; o < cur; o++) {
				const int *t = in->tuple_fac + fm->tuple_off +
					       (size_t)o * (size_t)n;
				if (would_fit(&v, kids, t, n)) {
					m->blocking_coalitions++;
					any = 1;
				}
			}
			m->blocking_units += any;
			continue;
		}
		for (int i = 0; i < n; i++) {
			int c = kids[i];
			const struct nursery_child *ch = &in->child[c];
			int pos = pos_of(in, c, assign[c]);
			if (pos < 0)
				pos = ch->npref;
			int any = 0;
			for (int k = 0; k < pos; k++) {
				int d = in->pref_fac[ch->pref_off + (size_t)k];
				int r = room_of(&v, d, ch->age);
				uint64_t key = vkey(&v, c, d);
				long above = count_above(&v, r, key);
				long below = v.room_n[r] - above;
				m->justified_envy += below;
				want[r]++;
				if (above + 1 <= v.room_cap[r]) {
					m->blocking_coalitions++;
					any = 1;
				}
			}
			m->blocking_units += any;
		}
	}
	for (size_t r = 0; r < nr; r++) {
		long freeseats = v.room_cap[r] - v.room_n[r];
		if (freeseats > 0)
			m->wasted_seats += freeseats < want[r] ? freeseats
							       : want[r];
	}
	/* hash: FNV-1a over "child<TAB>facility<LF>" sorted by child id */
	for (size_t c = 0; c < nc; c++)
		ord[c] = (int)c;
	{
		struct idc { const char *id; int c; } *ids =
			malloc(sizeof *ids * (nc + 1));
		if (ids) {
			for (size_t c = 0; c < nc; c++) {
				ids[c].id = in->child[c].id;
				ids[c].c = (int)c;
			}
			qsort(ids, nc, sizeof *ids, cmp_id);
			uint64_t h = 0xcbf29ce484222325ULL;
			for (size_t i = 0; i < nc; i++) {
				const char *id = ids[i].id;
				int d = assign[ids[i].c];
				const char *fid = d >= 0 && d < in->nfac
							  ? in->fac[d].id
							  : "-";
				h = nursery_hash_bytes(h, id, strlen(id));
				h = nursery_hash_bytes(h, "\t", 1);
				h = nursery_hash_bytes(h, fid, strlen(fid));
				h = nursery_hash_bytes(h, "\n", 1);
			}
			snprintf(m->hash, sizeof m->hash, "%016llx",
				 (unsigned long long)h);
			free(ids);
		}
	}
	free(ord);
	free(v.rank);
	free(v.room_cap);
	free(v.room_n);
	free(v.room_off);
	free(v.room_keys);
	free(want);
	free(fill);
	return 0;
}

void nursery_metrics_write_json(const struct nursery_metrics *m, FILE *f)
{
	fprintf(f, "{\"children\":%ld,\"placed\":%ld,\"unplaced\":%ld,",
		m->children, m->placed, m->unplaced);
	fprintf(f, "\"placed_by_age\":[");
	for (int a = 0; a < NURSERY_AGES; a++)
		fprintf(f, "%s%ld", a ? "," : "", m->placed_by_age[a]);
	fprintf(f, "],\"children_by_age\":[");
	for (int a = 0; a < NURSERY_AGES; a++)
		fprintf(f, "%s%ld", a ? "," : "", m->children_by_age[a]);
	fprintf(f, "],\"transfers_requested\":%ld,\"transfers_moved\":%ld,",
		m->transfers_requested, m->transfers_moved);
	fprintf(f, "\"blocking_coalitions\":%ld,\"blocking_units\":%ld,"
		   "\"justified_envy\":%ld,\"wasted_seats\":%ld,",
		m->blocking_coalitions, m->blocking_units, m->justified_envy,
		m->wasted_seats);
	fprintf(f, "\"capacity_violations\":%ld,\"sibling_violations\":%ld,"
		   "\"transfer_violations\":%ld,\"invalid_assignments\":%ld,",
		m->capacity_violations, m->sibling_violations,
		m->transfer_violations, m->invalid_assignments);
	fprintf(f, "\"first_choice\":%ld,\"pct_first_choice\":%.2f,"
		   "\"mean_rank\":%.4f,\"rank_sum\":%ld,\"rank_hist\":[",
		m->first_choice, m->pct_first_choice, m->mean_rank,
		m->rank_sum);
	for (int i = 0; i < NURSERY_RANK_HIST; i++)
		fprintf(f, "%s%ld", i ? "," : "", m->rank_hist[i]);
	fprintf(f, "],\"hash\":\"%s\"}\n", m->hash);
}
