/*
 * exact.c -- `exact`: integer programming with GLPK, after Biró-Manlove-
 * McBride and the AAAI-23/24 models of Sun et al.
 *
 * Columns: x[u,o] binary, unit u takes option o (a unit's fallback is a
 * column too when it keeps transfer children in their seats); per room r
 * the prefix sums y[r,j] = sum of the x of the j highest-priority entries
 * (an entry = one child placed in r by one option), so that "the children
 * of other units above key k in r" is one column; the last prefix is
 * bounded by the room's capacity.  For every unit u and option p whose
 * children fit the rooms at all: beta[u,p] (a blocking coalition) and, for
 * options spanning two or more rooms, gamma[u,p,r] (room r is full of
 * higher-priority children of other units):
 *
 *   (cap-m+1) * (sum_{q<=p} x[u,q] + beta[u,p]) + above_r >= cap-m+1
 *                                                    (one room)
 *   above_r - (cap_r-m_r+1) gamma[u,p,r] >= 0,
 *   sum_{q<=p} x[u,q] + sum_r gamma[u,p,r] + beta[u,p] >= 1   (several)
 *
 * where above_r = y[r, #entries above the lowest of u's children in r]
 * minus u's own entries among them.  Stage 1 minimises sum beta (skipped
 * when the warm start has none: 0 is then optimal); stage 2 fixes sum beta
 * to at most that optimum and maximises the children placed.
 *
 * Warm start: the `sibling` outcome, given to GLPK as a heuristic solution
 * at the first opportunity; the result is never worse than it.
 * Decomposition: the rooms are split into independent parts (no unit has
 * options in two parts); parts without joint families need no model at
 * all (their stable outcomes all place the same children per room, the
 * rural hospitals theorem, and `sibling` returns one), the others are
 * solved one by one, sharing the time limit.  When the limit is hit the
 * relative gap of the stage that was running is reported.
 */
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

struct xent {
	uint64_t key;
	int col;     /* x column (1-based) */
	int unit;
};

struct xmodel {
	glp_prob *P;
	int ncol;
	/* per column */
	int *col_unit, *col_opt;     /* for x columns; -1 otherwise */
	double *warm;                /* 1-based warm start values */
	int *beta_cols;
	int nbeta;
	/* room entries */
	int *room_n;                 /* per slot */
	size_t *room_off;
	struct xent *ent;
	int *ycol;                   /* per entry: its prefix column */
};

struct xcb {
	const double *warm;
	int given;
	double bound;
	int have_bound;
	double gap;
	const struct nursery_alloc_opts *o;
	double t0, tlim;
	const char *phase;
};

static void xcb_fn(glp_tree *T, void *info)
{
	struct xcb *c = info;
	int r = glp_ios_reason(T);
	if (r == GLP_IHEUR && !c->given && c->warm) {
		glp_ios_heur_sol(T, c->warm);
		c->given = 1;
	}
	if (r == GLP_IBINGO || r == GLP_ISELECT || r == GLP_IHEUR) {
		int node = glp_ios_best_node(T);
		if (node) {
			c->bound = glp_ios_node_bound(T, node);
			c->have_bound = 1;
		}
		c->gap = glp_ios_mip_gap(T);
	}
	if (c->o && c->o->progress && c->o->progress->fn && c->tlim > 0) {
		double done = (nursery_now() - c->t0) / c->tlim;
		c->o->progress->fn(c->o->progress->arg, c->phase,
				   done > 1 ? 1 : done);
	}
}

static int cmp_xent(const void *a, const void *b)
{
	const struct xent *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->col - y->col;
}

/* union-find over slots */
static int uf_find(int *p, int x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static int unit_option_of(const struct nsolve *s, int u, const int *assign)
{
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	int nopt = s->unit[u].nopt;
	for (int o = 0; o <= nopt; o++) {
		int n = nsolve_option(s, u, o, child, fac, key);
		int eq = 1;
		for (int i = 0; i < n; i++)
			if (assign[child[i]] != fac[i])
				eq = 0;
		if (eq)
			return o;
	}
	return -1;
}

/* a growable sparse row */
struct row {
	int n, cap;
	int *ind;
	double *val;
};

static int row_add(struct row *r, int col, double v)
{
	for (int i = 1; i <= r->n; i++)
		if (r->ind[i] == col) {
			r->val[i] += v;
			return 0;
		}
	if (r->n + 2 > r->cap) {
		int nc = r->cap ? r->cap * 2 : 64;
		int *ni = realloc(r->ind, sizeof(int) * (size_t)nc);
		if (!ni)
			return ERR_NOMEM;
		r->ind = ni;
		double *nv = realloc(r->val, sizeof(double) * (size_t)nc);
		if (!nv)
			return ERR_NOMEM;
		r->val = nv;
		r->cap = nc;
	}
	r->n++;
	r->ind[r->n] = col;
	r->val[r->n] = v;
	return 0;
}

static int add_col(struct xmodel *m, int kind, double lb, double ub,
		   int unit, int opt)
{
	int c = glp_add_cols(m->P, 1);
	if (kind == GLP_BV)
		glp_set_col_kind(m->P, c, GLP_BV);
	else if (lb == ub)
		glp_set_col_bnds(m->P, c, GLP_FX, lb, ub);
	else
		glp_set_col_bnds(m->P, c, GLP_DB, lb, ub);
	if (c >= m->ncol) {
		int nc = m->ncol ? m->ncol * 2 : 1024;
		while (nc <= c)
			nc *= 2;
		int *a = realloc(m->col_unit, sizeof(int) * (size_t)nc);
		int *b = a ? realloc(m->col_opt, sizeof(int) * (size_t)nc) : NULL;
		double *w = b ? realloc(m->warm, sizeof(double) * (size_t)nc) : NULL;
		if (a)
			m->col_unit = a;
		if (b)
			m->col_opt = b;
		if (w)
			m->warm = w;
		if (!a || !b || !w)
			return -1;
		m->ncol = nc;
	}
	m->col_unit[c] = unit;
	m->col_opt[c] = opt;
	m->warm[c] = 0;
	return c;
}

struct part {
	int *units;
	int nunits;
	int joint;   /* has a tupled family */
};

/* One part for solve_part or solve_part_stable to solve, and within
 * what limits. */
struct part_job {
	const int *units;            /* the part's units (into s->unit)     */
	int nu;
	const struct nursery_alloc_opts *o;
	double deadline;             /* when to stop (the clock of the time
					limit, which the parts share)     */
};

/* build and solve the model of one part; updates assign (warm start in,
 * best found out) and the result's bounds */
static int solve_part(const struct nsolve *s, const struct part_job *job,
		      int *assign, struct nursery_result *res, long *bc_part,
		      struct err *e)
{
	const int *units = job->units;
	int nu = job->nu;
	const struct nursery_alloc_opts *o = job->o;
	double deadline = job->deadline;
	const struct nursery_instance *in = s->in;
	struct xmodel m = { 0 };
	struct row row = { 0 };
	int rc = 0;
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	int *xcol0 = malloc(sizeof(int) * ((size_t)nu + 1));
	int *hasfb = malloc(sizeof(int) * ((size_t)nu + 1));
	int *warmopt = malloc(sizeof(int) * ((size_t)nu + 1));
	m.room_n = calloc((size_t)in->nslot + 1, sizeof(int));
	m.room_off = calloc((size_t)in->nslot + 2, sizeof(size_t));
	if (!xcol0 || !hasfb || !warmopt || !m.room_n || !m.room_off) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	m.P = glp_create_prob();
	/* x columns and unit rows */
	size_t nent = 0;
	for (int i = 0; i < nu; i++) {
		int u = units[i];
		const struct nsolve_unit *un = &s->unit[u];
		hasfb[i] = 0;
		int n = nsolve_option(s, u, un->nopt, child, fac, key);
		for (int k = 0; k < n; k++)
			if (fac[k] >= 0)
				hasfb[i] = 1;
		xcol0[i] = -1;
		for (int op = 0; op < un->nopt + hasfb[i]; op++) {
			int c = add_col(&m, GLP_BV, 0, 1, u, op);
			if (c < 0) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				goto out;
			}
			if (op == 0)
				xcol0[i] = c;
			n = nsolve_option(s, u, op, child, fac, key);
			for (int k = 0; k < n; k++)
				if (fac[k] >= 0) {
					m.room_n[in->fac[fac[k]].slot[in->child[child[k]].age]]++;
					nent++;
				}
			/* objective of stage 2: children placed */
			int placed = 0;
			for (int k = 0; k < n; k++)
				placed += fac[k] >= 0;
			glp_set_obj_coef(m.P, c, placed);
		}
		warmopt[i] = unit_option_of(s, u, assign);
		if (warmopt[i] >= 0 && warmopt[i] < un->nopt + hasfb[i])
			m.warm[xcol0[i] + warmopt[i]] = 1;
		int nopt = un->nopt + hasfb[i];
		if (nopt == 0)
			continue;
		row.n = 0;
		for (int op = 0; op < nopt; op++)
			if ((rc = row_add(&row, xcol0[i] + op, 1)))
				goto nomem;
		int r = glp_add_rows(m.P, 1);
		glp_set_row_bnds(m.P, r, hasfb[i] ? GLP_FX : GLP_UP, 1, 1);
		glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
	}
	/* entries per room, sorted by priority */
	for (int sl = 0; sl < in->nslot; sl++)
		m.room_off[sl + 1] = m.room_off[sl] + (size_t)m.room_n[sl];
	m.ent = malloc(sizeof *m.ent * (nent + 1));
	m.ycol = malloc(sizeof(int) * (nent + 1));
	int *fill = calloc((size_t)in->nslot + 1, sizeof(int));
	if (!m.ent || !m.ycol || !fill) {
		free(fill);
		goto nomem;
	}
	for (int i = 0; i < nu; i++) {
		int u = units[i];
		for (int op = 0; op < s->unit[u].nopt + hasfb[i]; op++) {
			int n = nsolve_option(s, u, op, child, fac, key);
			for (int k = 0; k < n; k++) {
				if (fac[k] < 0)
					continue;
				int sl = in->fac[fac[k]].slot[in->child[child[k]].age];
				struct xent *x = &m.ent[m.room_off[sl] + (size_t)fill[sl]++];
				x->key = key[k];
				x->col = xcol0[i] + op;
				x->unit = u;
			}
		}
	}
	free(fill);
	/* prefix columns and their rows; capacity as the last one's bound */
	for (int sl = 0; sl < in->nslot; sl++) {
		int n = m.room_n[sl];
		if (n == 0)
			continue;
		struct xent *E = m.ent + m.room_off[sl];
		qsort(E, (size_t)n, sizeof *E, cmp_xent);
		double acc = 0;
		for (int j = 0; j < n; j++) {
			double ub = j == n - 1 ? in->slot[sl].cap : (double)(j + 1);
			if (ub > in->slot[sl].cap && j == n - 1)
				ub = in->slot[sl].cap;
			int c = add_col(&m, GLP_CV, 0, ub, -1, -1);
			if (c < 0)
				goto nomem;
			m.ycol[m.room_off[sl] + (size_t)j] = c;
			acc += m.warm[E[j].col];
			m.warm[c] = acc;
			row.n = 0;
			if ((rc = row_add(&row, c, 1)) ||
			    (rc = row_add(&row, E[j].col, -1)))
				goto nomem;
			if (j > 0 &&
			    (rc = row_add(&row, m.ycol[m.room_off[sl] + (size_t)j - 1],
					  -1)))
				goto nomem;
			int r = glp_add_rows(m.P, 1);
			glp_set_row_bnds(m.P, r, GLP_FX, 0, 0);
			glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
		}
	}
	/* stability rows */
	long warm_bc = 0;
	int betacap = 1024;
	m.beta_cols = malloc(sizeof(int) * (size_t)betacap);
	if (!m.beta_cols)
		goto nomem;
	for (int i = 0; i < nu; i++) {
		int u = units[i];
		const struct nsolve_unit *un = &s->unit[u];
		int cur = warmopt[i] < 0 ? un->nopt : warmopt[i];
		for (int p = 0; p < un->nopt; p++) {
			int n = nsolve_option(s, u, p, child, fac, key);
			/* rooms of this option */
			int rs[NURSERY_FAMILY_MAX], rm[NURSERY_FAMILY_MAX], nr = 0;
			uint64_t rk[NURSERY_FAMILY_MAX];
			int ok = 1;
			for (int k = 0; k < n; k++) {
				if (fac[k] < 0)
					continue;
				int sl = in->fac[fac[k]].slot[in->child[child[k]].age];
				int j;
				for (j = 0; j < nr && rs[j] != sl; j++)
					;
				if (j == nr) {
					rs[nr] = sl;
					rm[nr] = 0;
					rk[nr] = UINT64_MAX;
					nr++;
				}
				rm[j]++;
				if (key[k] < rk[j])
					rk[j] = key[k];
			}
			for (int j = 0; j < nr; j++)
				if (rm[j] > in->slot[rs[j]].cap)
					ok = 0;
			if (!ok || nr == 0)
				continue;
			/* above-counts: prefix column + own corrections */
			int pcol[NURSERY_FAMILY_MAX];
			double warm_above[NURSERY_FAMILY_MAX];
			for (int j = 0; j < nr; j++) {
				struct xent *E = m.ent + m.room_off[rs[j]];
				int lo = 0, hi = m.room_n[rs[j]];
				while (lo < hi) {
					int mid = (lo + hi) / 2;
					if (E[mid].key > rk[j])
						lo = mid + 1;
					else
						hi = mid;
				}
				pcol[j] = lo > 0 ? m.ycol[m.room_off[rs[j]] + (size_t)lo - 1] : 0;
				warm_above[j] = pcol[j] ? m.warm[pcol[j]] : 0;
				for (int q = 0; q < lo; q++)
					if (E[q].unit == u)
						warm_above[j] -= m.warm[E[q].col];
				rk[j] = (uint64_t)lo; /* reuse: prefix length */
			}
			if (m.nbeta == betacap) {
				betacap *= 2;
				int *nb = realloc(m.beta_cols, sizeof(int) * (size_t)betacap);
				if (!nb)
					goto nomem;
				m.beta_cols = nb;
			}
			int beta = add_col(&m, GLP_BV, 0, 1, -1, -1);
			if (beta < 0)
				goto nomem;
			m.beta_cols[m.nbeta++] = beta;
			int atleast = cur <= p;
			int blocked_somewhere = 0;
			for (int j = 0; j < nr; j++)
				if (warm_above[j] + 0.5 >= in->slot[rs[j]].cap - rm[j] + 1)
					blocked_somewhere = 1;
			m.warm[beta] = (!atleast && !blocked_somewhere) ? 1 : 0;
			warm_bc += (long)m.warm[beta];
			if (nr == 1) {
				double w = in->slot[rs[0]].cap - rm[0] + 1;
				row.n = 0;
				for (int q = 0; q <= p; q++)
					if ((rc = row_add(&row, xcol0[i] + q, w)))
						goto nomem;
				if ((rc = row_add(&row, beta, w)))
					goto nomem;
				if (pcol[0] && (rc = row_add(&row, pcol[0], 1)))
					goto nomem;
				struct xent *E = m.ent + m.room_off[rs[0]];
				for (int q = 0; q < (int)rk[0]; q++)
					if (E[q].unit == u &&
					    (rc = row_add(&row, E[q].col, -1)))
						goto nomem;
				int r = glp_add_rows(m.P, 1);
				glp_set_row_bnds(m.P, r, GLP_LO, w, 0);
				glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
				continue;
			}
			int gam[NURSERY_FAMILY_MAX];
			for (int j = 0; j < nr; j++) {
				double w = in->slot[rs[j]].cap - rm[j] + 1;
				gam[j] = add_col(&m, GLP_BV, 0, 1, -1, -1);
				if (gam[j] < 0)
					goto nomem;
				m.warm[gam[j]] = warm_above[j] + 0.5 >= w ? 1 : 0;
				row.n = 0;
				if (pcol[j] && (rc = row_add(&row, pcol[j], 1)))
					goto nomem;
				struct xent *E = m.ent + m.room_off[rs[j]];
				for (int q = 0; q < (int)rk[j]; q++)
					if (E[q].unit == u &&
					    (rc = row_add(&row, E[q].col, -1)))
						goto nomem;
				if ((rc = row_add(&row, gam[j], -w)))
					goto nomem;
				int r = glp_add_rows(m.P, 1);
				glp_set_row_bnds(m.P, r, GLP_LO, 0, 0);
				glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
			}
			row.n = 0;
			for (int q = 0; q <= p; q++)
				if ((rc = row_add(&row, xcol0[i] + q, 1)))
					goto nomem;
			for (int j = 0; j < nr; j++)
				if ((rc = row_add(&row, gam[j], 1)))
					goto nomem;
			if ((rc = row_add(&row, beta, 1)))
				goto nomem;
			int r = glp_add_rows(m.P, 1);
			glp_set_row_bnds(m.P, r, GLP_LO, 1, 0);
			glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
		}
	}
	/* ---- stage 1: min sum beta (only if the warm start blocks) ---- */
	int ncols = glp_get_num_cols(m.P);
	double *saved_obj = malloc(sizeof(double) * ((size_t)ncols + 1));
	if (!saved_obj)
		goto nomem;
	for (int c = 1; c <= ncols; c++)
		saved_obj[c] = glp_get_obj_coef(m.P, c);
	long bstar = warm_bc;
	long bc_lower = 0;
	int stage_status = NURSERY_STATUS_OPTIMAL;
	double stage_gap = 0;
	glp_smcp sp;
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.meth = GLP_DUALP;
	struct xcb cb = { 0 };
	cb.o = o;
	glp_iocp ip;
	glp_init_iocp(&ip);
	ip.msg_lev = GLP_MSG_OFF;
	ip.cb_func = xcb_fn;
	ip.cb_info = &cb;
	ip.presolve = GLP_OFF;
	ip.fp_heur = GLP_OFF;
	if (warm_bc > 0 && !o->allow_fewer) {
		/* never worse than the warm start: this part places at least as
		 * many children as sibling placed in it (sibling's own outcome
		 * satisfies the row, so stage 1 stays feasible and its minimum
		 * is at most sibling's blocking coalitions) */
		double warm_placed1 = 0;
		row.n = 0;
		for (int c = 1; c <= ncols; c++) {
			if (m.col_unit[c] < 0 || saved_obj[c] == 0)
				continue;
			warm_placed1 += m.warm[c] * saved_obj[c];
			if ((rc = row_add(&row, c, saved_obj[c]))) {
				free(saved_obj);
				goto nomem;
			}
		}
		if (row.n > 0) {
			int r = glp_add_rows(m.P, 1);
			glp_set_row_bnds(m.P, r, GLP_LO, warm_placed1, 0);
			glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
		}
	}
	if (warm_bc > 0) {
		for (int c = 1; c <= ncols; c++)
			glp_set_obj_coef(m.P, c, 0);
		for (int k = 0; k < m.nbeta; k++)
			glp_set_obj_coef(m.P, m.beta_cols[k], 1);
		glp_set_obj_dir(m.P, GLP_MIN);
		double left = deadline - nursery_now();
		sp.tm_lim = left > 0 ? (int)(left * 1000) : 1;
		int lp = glp_simplex(m.P, &sp);
		if (lp == 0 && glp_get_status(m.P) == GLP_OPT) {
			left = deadline - nursery_now();
			ip.tm_lim = left > 0 ? (int)(left * 1000) : 1;
			cb.warm = m.warm;
			cb.given = 0;
			cb.t0 = nursery_now();
			cb.tlim = left;
			cb.phase = "exact stage 1";
			glp_intopt(m.P, &ip);
			int ms = glp_mip_status(m.P);
			if (ms == GLP_OPT || ms == GLP_FEAS) {
				long v = lround(glp_mip_obj_val(m.P));
				if (v < bstar)
					bstar = v;
			}
			if (ms == GLP_OPT) {
				bc_lower = bstar;
			} else {
				stage_status = NURSERY_STATUS_TIMELIMIT;
				bc_lower = cb.have_bound ? (long)ceil(cb.bound - 1e-6) : 0;
				if (bc_lower < 0)
					bc_lower = 0;
				stage_gap = bstar > 0 ? (double)(bstar - bc_lower) / (double)bstar : 0;
			}
		} else {
			stage_status = NURSERY_STATUS_TIMELIMIT;
			stage_gap = 1;
		}
		/* the warm start for stage 2 must respect sum beta <= bstar:
		 * take stage 1's solution when it improved on the warm one */
		if (bstar < warm_bc) {
			for (int c = 1; c <= ncols; c++)
				m.warm[c] = glp_mip_col_val(m.P, c);
		}
	}
	/* ---- stage 2: max placed subject to sum beta <= bstar ---- */
	for (int c = 1; c <= ncols; c++)
		glp_set_obj_coef(m.P, c, saved_obj[c]);
	for (int k = 0; k < m.nbeta; k++)
		glp_set_obj_coef(m.P, m.beta_cols[k], 0);
	free(saved_obj);
	if (bstar == 0) {
		for (int k = 0; k < m.nbeta; k++)
			glp_set_col_bnds(m.P, m.beta_cols[k], GLP_FX, 0, 0);
	} else {
		row.n = 0;
		for (int k = 0; k < m.nbeta; k++)
			if ((rc = row_add(&row, m.beta_cols[k], 1)))
				goto nomem;
		int r = glp_add_rows(m.P, 1);
		glp_set_row_bnds(m.P, r, GLP_UP, 0, (double)bstar);
		glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
	}
	glp_set_obj_dir(m.P, GLP_MAX);
	double warm_placed = 0;
	for (int c = 1; c <= ncols; c++)
		if (m.col_unit[c] >= 0)
			warm_placed += m.warm[c] * glp_get_obj_coef(m.P, c);
	double left = deadline - nursery_now();
	sp.tm_lim = left > 0 ? (int)(left * 1000) : 1;
	int improved = 0;
	double bound = warm_placed;
	int lp = glp_simplex(m.P, &sp);
	if (lp == 0 && glp_get_status(m.P) == GLP_OPT) {
		bound = glp_get_obj_val(m.P);
		if (bound < warm_placed + 1 - 1e-6) {
			/* the LP bound already proves the warm start optimal */
			bound = warm_placed;
		} else {
			left = deadline - nursery_now();
			ip.tm_lim = left > 0 ? (int)(left * 1000) : 1;
			cb.warm = m.warm;
			cb.given = 0;
			cb.have_bound = 0;
			cb.t0 = nursery_now();
			cb.tlim = left;
			cb.phase = "exact stage 2";
			glp_intopt(m.P, &ip);
			int ms = glp_mip_status(m.P);
			if ((ms == GLP_OPT || ms == GLP_FEAS) &&
			    glp_mip_obj_val(m.P) > warm_placed + 0.5) {
				improved = 1;
			}
			double best = improved ? glp_mip_obj_val(m.P) : warm_placed;
			if (ms == GLP_OPT) {
				bound = best;
			} else {
				bound = cb.have_bound ? floor(cb.bound + 1e-6) : floor(bound + 1e-6);
				if (bound < best)
					bound = best;
				if (stage_status == NURSERY_STATUS_OPTIMAL)
					stage_status = NURSERY_STATUS_TIMELIMIT;
				double g = best > 0 ? (bound - best) / best : 0;
				if (g > stage_gap)
					stage_gap = g;
			}
		}
	} else {
		stage_status = NURSERY_STATUS_TIMELIMIT;
		bound = warm_placed + 1e9;
		stage_gap = 1;
	}
	if (improved || bstar < warm_bc) {
		/* read the options back */
		for (int i = 0; i < nu; i++) {
			int u = units[i];
			int nopt = s->unit[u].nopt + hasfb[i];
			int chosen = s->unit[u].nopt; /* fallback */
			for (int op = 0; op < nopt; op++) {
				double v = improved ? glp_mip_col_val(m.P, xcol0[i] + op)
						    : m.warm[xcol0[i] + op];
				if (v > 0.5)
					chosen = op;
			}
			int n = nsolve_option(s, u, chosen, child, fac, key);
			for (int k = 0; k < n; k++)
				assign[child[k]] = fac[k];
		}
	}
	if (stage_status != NURSERY_STATUS_OPTIMAL)
		res->status = NURSERY_STATUS_TIMELIMIT;
	if (stage_gap > res->gap)
		res->gap = stage_gap;
	res->bc_bound += bc_lower;
	res->placed_bound += (long)bound;
	*bc_part = bstar;
	goto out;
nomem:
	rc = err_set(e, ERR_NOMEM, "out of memory");
out:
	if (m.P)
		glp_delete_prob(m.P);
	free(m.col_unit);
	free(m.col_opt);
	free(m.warm);
	free(m.beta_cols);
	free(m.room_n);
	free(m.room_off);
	free(m.ent);
	free(m.ycol);
	free(row.ind);
	free(row.val);
	free(xcol0);
	free(hasfb);
	free(warmopt);
	return rc;
}

/* ---- stable parts: propagate, then a reduced model ------------------ */

/*
 * When the warm start has no blocking coalition, stage 1 is solved (its
 * optimum is 0) and every stability row is hard.  Two sound deductions
 * then fix most units before any LP is built:
 *   capacity  option q of u is impossible if the children certainly
 *             placed in one of its rooms by other units leave fewer than
 *             m seats;
 *   forcing   if no room of option p can ever hold cap-m+1 children of
 *             other units above u's lowest child there (counting every
 *             entry still possible, an over-estimate), u must get p or
 *             better: options after p are impossible and u is placed.
 * A unit with exactly one possible option that it must take is decided;
 * its children are constants in the rows of the others.  Iterated to a
 * fixpoint this reproduces serial dictatorship where priorities are
 * common, so only the contested units reach the solver.
 */
struct popt {
	int nr;
	int room[NURSERY_FAMILY_MAX], m[NURSERY_FAMILY_MAX];
	uint64_t kmin[NURSERY_FAMILY_MAX];
	int placed, ok;
};

struct pent {
	uint64_t key;
	int i, op;
};

static int cmp_pent(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	if (x->i != y->i)
		return x->i - y->i;
	return x->op - y->op;
}

struct pstate {
	int nu;
	const int *units;
	int *nop, *hasfb;       /* options incl. fallback column */
	size_t *off;
	struct popt *opt;
	unsigned char *alive;
	int *lim, *must;
	int *room_n;
	size_t *room_off;
	struct pent *ent;
	int *cert;              /* per room: children certainly placed */
	int *decided;           /* option, -1 none, -2 undecided */
};

static int p_alive(const struct pstate *P, int i, int op)
{
	return op <= P->lim[i] && P->alive[P->off[i] + (size_t)op];
}

/* entries of other units at room r above key k that are still possible */
static int p_above(const struct pstate *P, int r, uint64_t k, int i, int stop)
{
	const struct pent *E = P->ent + P->room_off[r];
	int n = 0;
	for (int j = 0; j < P->room_n[r] && E[j].key > k; j++)
		if (E[j].i != i && p_alive(P, E[j].i, E[j].op))
			if (++n >= stop)
				break;
	return n;
}

static int p_certain(const struct pstate *P, int i)
{
	if (!P->must[i])
		return -1;
	int found = -1;
	for (int op = 0; op <= P->lim[i] && op < P->nop[i]; op++)
		if (p_alive(P, i, op)) {
			if (found >= 0)
				return -1;
			found = op;
		}
	return found;
}

static void p_propagate(struct pstate *P, const struct nursery_instance *in)
{
	for (int sweep = 0; sweep < 10000; sweep++) {
		int changed = 0;
		for (int r = 0; r < in->nslot; r++)
			P->cert[r] = 0;
		for (int i = 0; i < P->nu; i++) {
			int c = p_certain(P, i);
			if (c < 0)
				continue;
			const struct popt *po = &P->opt[P->off[i] + (size_t)c];
			for (int j = 0; j < po->nr; j++)
				P->cert[po->room[j]] += po->m[j];
		}
		for (int i = 0; i < P->nu; i++) {
			int mine = p_certain(P, i);
			for (int op = 0; op <= P->lim[i] && op < P->nop[i]; op++) {
				if (!p_alive(P, i, op))
					continue;
				const struct popt *po = &P->opt[P->off[i] + (size_t)op];
				int dead = !po->ok;
				for (int j = 0; j < po->nr && !dead; j++) {
					int own = 0;
					if (mine >= 0) {
						const struct popt *pm =
							&P->opt[P->off[i] + (size_t)mine];
						for (int k = 0; k < pm->nr; k++)
							if (pm->room[k] == po->room[j])
								own += pm->m[k];
					}
					if (P->cert[po->room[j]] - own >
					    in->slot[po->room[j]].cap - po->m[j])
						dead = 1;
				}
				if (dead) {
					P->alive[P->off[i] + (size_t)op] = 0;
					changed = 1;
					continue;
				}
				if (op >= P->nop[i] - P->hasfb[i])
					break; /* the fallback forces nothing */
				int forced = 1;
				for (int j = 0; j < po->nr && forced; j++) {
					int w = in->slot[po->room[j]].cap - po->m[j] + 1;
					if (p_above(P, po->room[j], po->kmin[j], i, w) >= w)
						forced = 0;
				}
				if (forced) {
					if (P->lim[i] != op || !P->must[i]) {
						P->lim[i] = op;
						P->must[i] = 1;
						changed = 1;
					}
					break;
				}
			}
		}
		if (!changed)
			break;
	}
}

static void pstate_done(struct pstate *P)
{
	free(P->nop);
	free(P->hasfb);
	free(P->off);
	free(P->opt);
	free(P->alive);
	free(P->lim);
	free(P->must);
	free(P->room_n);
	free(P->room_off);
	free(P->ent);
	free(P->cert);
	free(P->decided);
}

static int solve_part_stable(const struct nsolve *s, const struct part_job *job,
			     int *assign, struct nursery_result *res, long *reduced,
			     struct err *e)
{
	const int *units = job->units;
	int nu = job->nu;
	const struct nursery_alloc_opts *o = job->o;
	double deadline = job->deadline;
	const struct nursery_instance *in = s->in;
	struct pstate P = { 0 };
	struct xmodel m = { 0 };
	struct row row = { 0 };
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	int rc = 0;
	P.nu = nu;
	P.units = units;
	P.nop = malloc(sizeof(int) * ((size_t)nu + 1));
	P.hasfb = malloc(sizeof(int) * ((size_t)nu + 1));
	P.off = malloc(sizeof(size_t) * ((size_t)nu + 1));
	P.lim = malloc(sizeof(int) * ((size_t)nu + 1));
	P.must = calloc((size_t)nu + 1, sizeof(int));
	P.decided = malloc(sizeof(int) * ((size_t)nu + 1));
	P.room_n = calloc((size_t)in->nslot + 1, sizeof(int));
	P.room_off = calloc((size_t)in->nslot + 2, sizeof(size_t));
	P.cert = calloc((size_t)in->nslot + 1, sizeof(int));
	int *warmop = malloc(sizeof(int) * ((size_t)nu + 1));
	int *xcol = NULL, *rcomp = NULL, *ucomp = NULL, *comps = NULL;
	if (!P.nop || !P.hasfb || !P.off || !P.lim || !P.must || !P.decided ||
	    !P.room_n || !P.room_off || !P.cert || !warmop)
		goto nomem;
	size_t tot = 0;
	for (int i = 0; i < nu; i++) {
		int u = units[i];
		int n = nsolve_option(s, u, s->unit[u].nopt, child, fac, key);
		P.hasfb[i] = 0;
		for (int k = 0; k < n; k++)
			if (fac[k] >= 0)
				P.hasfb[i] = 1;
		P.nop[i] = s->unit[u].nopt + P.hasfb[i];
		P.off[i] = tot;
		tot += (size_t)P.nop[i];
		P.lim[i] = P.nop[i] - 1;
		P.must[i] = P.hasfb[i];
		int w = unit_option_of(s, u, assign);
		warmop[i] = w >= 0 && w < P.nop[i] ? w : -1;
	}
	P.opt = calloc(tot + 1, sizeof *P.opt);
	P.alive = malloc(tot + 1);
	xcol = malloc(sizeof(int) * (tot + 1));
	if (!P.opt || !P.alive || !xcol)
		goto nomem;
	memset(P.alive, 1, tot + 1);
	size_t nent = 0;
	for (int i = 0; i < nu; i++) {
		int u = units[i];
		for (int op = 0; op < P.nop[i]; op++) {
			struct popt *po = &P.opt[P.off[i] + (size_t)op];
			int n = nsolve_option(s, u, op, child, fac, key);
			po->ok = 1;
			for (int k = 0; k < n; k++) {
				if (fac[k] < 0)
					continue;
				po->placed++;
				int sl = in->fac[fac[k]].slot[in->child[child[k]].age];
				int j;
				for (j = 0; j < po->nr && po->room[j] != sl; j++)
					;
				if (j == po->nr) {
					po->room[j] = sl;
					po->m[j] = 0;
					po->kmin[j] = UINT64_MAX;
					po->nr++;
				}
				po->m[j]++;
				if (key[k] < po->kmin[j])
					po->kmin[j] = key[k];
				P.room_n[sl]++;
				nent++;
			}
			for (int j = 0; j < po->nr; j++)
				if (po->m[j] > in->slot[po->room[j]].cap)
					po->ok = 0;
		}
	}
	for (int r = 0; r < in->nslot; r++)
		P.room_off[r + 1] = P.room_off[r] + (size_t)P.room_n[r];
	P.ent = malloc(sizeof *P.ent * (nent + 1));
	if (!P.ent)
		goto nomem;
	for (int r = 0; r < in->nslot; r++)
		P.room_n[r] = 0;
	for (int i = 0; i < nu; i++) {
		int u = units[i];
		for (int op = 0; op < P.nop[i]; op++) {
			int n = nsolve_option(s, u, op, child, fac, key);
			for (int k = 0; k < n; k++) {
				if (fac[k] < 0)
					continue;
				int sl = in->fac[fac[k]].slot[in->child[child[k]].age];
				struct pent *x = &P.ent[P.room_off[sl] + (size_t)P.room_n[sl]++];
				x->key = key[k];
				x->i = i;
				x->op = op;
			}
		}
	}
	for (int r = 0; r < in->nslot; r++)
		if (P.room_n[r] > 1)
			qsort(P.ent + P.room_off[r], (size_t)P.room_n[r],
			      sizeof *P.ent, cmp_pent);
	p_propagate(&P, in);
	/* decided units, consistency with the warm start */
	long nund = 0;
	for (int i = 0; i < nu; i++) {
		int c = p_certain(&P, i);
		int any = 0;
		for (int op = 0; op <= P.lim[i] && op < P.nop[i]; op++)
			any |= p_alive(&P, i, op);
		if (c >= 0)
			P.decided[i] = c;
		else if (!any && !P.must[i])
			P.decided[i] = -1;
		else if (!any)
			P.decided[i] = -3; /* contradiction: keep warm */
		else {
			P.decided[i] = -2;
			nund++;
		}
		if (P.decided[i] == -3 ||
		    (P.decided[i] >= -1 && P.decided[i] != warmop[i])) {
			/* cannot happen for a stable warm start; be safe */
			res->status = NURSERY_STATUS_TIMELIMIT;
			res->gap = res->gap > 1 ? res->gap : 1;
			*reduced = -1;
			goto out;
		}
	}
	*reduced = nund;
	/* constants per room: children of decided units */
	for (int r = 0; r < in->nslot; r++)
		P.cert[r] = 0;
	for (int i = 0; i < nu; i++) {
		if (P.decided[i] < 0)
			continue;
		const struct popt *po = &P.opt[P.off[i] + (size_t)P.decided[i]];
		for (int j = 0; j < po->nr; j++)
			P.cert[po->room[j]] += po->m[j];
	}
	long placed_fixed = 0;
	for (int i = 0; i < nu; i++)
		if (P.decided[i] >= 0)
			placed_fixed += P.opt[P.off[i] + (size_t)P.decided[i]].placed;
	if (nund == 0) {
		res->placed_bound += placed_fixed;
		goto out;
	}
	/* independent parts of what is left: rooms joined by the options of
	 * undecided units and by the rows that still involve variables */
	rcomp = malloc(sizeof(int) * ((size_t)in->nslot + 1));
	ucomp = malloc(sizeof(int) * ((size_t)nu + 1));
	comps = malloc(sizeof(int) * ((size_t)nu + 1));
	if (!rcomp || !ucomp || !comps)
		goto nomem;
	for (int r = 0; r < in->nslot; r++)
		rcomp[r] = r;
	for (int i = 0; i < nu; i++) {
		int first = -1;
		if (P.decided[i] == -2)
			for (int op = 0; op <= P.lim[i] && op < P.nop[i]; op++) {
				if (!p_alive(&P, i, op))
					continue;
				const struct popt *po = &P.opt[P.off[i] + (size_t)op];
				for (int j = 0; j < po->nr; j++) {
					int x = uf_find(rcomp, po->room[j]);
					if (first < 0)
						first = x;
					else if (x != uf_find(rcomp, first))
						rcomp[x] = uf_find(rcomp, first);
				}
			}
		int nreal = P.nop[i] - P.hasfb[i];
		for (int p = 0; p < nreal; p++) {
			const struct popt *po = &P.opt[P.off[i] + (size_t)p];
			if (!po->ok || po->nr == 0)
				continue;
			if (po->nr == 1 && first < 0)
				continue;
			int base = first >= 0 ? first : po->room[0];
			for (int j = 0; j < po->nr; j++) {
				int x = uf_find(rcomp, po->room[j]);
				if (x != uf_find(rcomp, base))
					rcomp[x] = uf_find(rcomp, base);
			}
		}
	}
	int ncomp = 0;
	for (int i = 0; i < nu; i++) {
		ucomp[i] = -1;
		if (P.decided[i] != -2)
			continue;
		for (int op = 0; op < P.nop[i] && ucomp[i] < 0; op++)
			if (p_alive(&P, i, op) && P.opt[P.off[i] + (size_t)op].nr)
				ucomp[i] = uf_find(rcomp, P.opt[P.off[i] + (size_t)op].room[0]);
		int k;
		for (k = 0; k < ncomp && comps[k] != ucomp[i]; k++)
			;
		if (k == ncomp && ucomp[i] >= 0)
			comps[ncomp++] = ucomp[i];
	}
	res->components += ncomp;
	for (int ci = 0; ci < ncomp && !rc; ci++) {
	int comp = comps[ci];
	m.P = glp_create_prob();
	double warm_placed = 0;
	for (size_t k = 0; k <= tot; k++)
		xcol[k] = 0;
	for (int i = 0; i < nu; i++) {
		if (P.decided[i] != -2 || ucomp[i] != comp)
			continue;
		row.n = 0;
		for (int op = 0; op <= P.lim[i] && op < P.nop[i]; op++) {
			if (!p_alive(&P, i, op))
				continue;
			int c = add_col(&m, GLP_BV, 0, 1, units[i], op);
			if (c < 0)
				goto nomem;
			xcol[P.off[i] + (size_t)op] = c;
			glp_set_obj_coef(m.P, c, P.opt[P.off[i] + (size_t)op].placed);
			if (op == warmop[i]) {
				m.warm[c] = 1;
				warm_placed += P.opt[P.off[i] + (size_t)op].placed;
			}
			if ((rc = row_add(&row, c, 1)))
				goto nomem;
		}
		int r = glp_add_rows(m.P, 1);
		glp_set_row_bnds(m.P, r, P.must[i] ? GLP_FX : GLP_UP, 1, 1);
		glp_set_mat_row(m.P, r, row.n, row.ind, row.val);
	}
	/* prefix columns over variable entries; constants counted apart */
	m.ycol = malloc(sizeof(int) * (nent + 1));
	int *cpre = malloc(sizeof(int) * (nent + 1)); /* constants above+incl */
	if (!m.ycol || !cpre) {
		free(cpre);
		goto nomem;
	}
	for (int r = 0; r < in->nslot; r++) {
		if (uf_find(rcomp, r) != comp)
			continue;
		const struct pent *E = P.ent + P.room_off[r];
		int last = 0, cconst = 0;
		double acc = 0;
		int nvar = 0;
		for (int j = 0; j < P.room_n[r]; j++)
			if (xcol[P.off[E[j].i] + (size_t)E[j].op])
				nvar++;
		int seen = 0;
		for (int j = 0; j < P.room_n[r]; j++) {
			size_t g = P.room_off[r] + (size_t)j;
			int xc = xcol[P.off[E[j].i] + (size_t)E[j].op];
			if (P.decided[E[j].i] >= 0 && P.decided[E[j].i] == E[j].op)
				cconst++;
			cpre[g] = cconst;
			if (!xc) {
				m.ycol[g] = last;
				continue;
			}
			seen++;
			double ub = in->slot[r].cap - P.cert[r];
			if (ub < 0)
				ub = 0;
			int c = add_col(&m, GLP_CV, 0, seen == nvar ? ub : (double)seen,
					-1, -1);
			if (c < 0) {
				free(cpre);
				goto nomem;
			}
			acc += m.warm[xc];
			m.warm[c] = acc;
			row.n = 0;
			if ((rc = row_add(&row, c, 1)) || (rc = row_add(&row, xc, -1)) ||
			    (last && (rc = row_add(&row, last, -1)))) {
				free(cpre);
				goto nomem;
			}
			int rr = glp_add_rows(m.P, 1);
			glp_set_row_bnds(m.P, rr, GLP_FX, 0, 0);
			glp_set_mat_row(m.P, rr, row.n, row.ind, row.val);
			m.ycol[g] = c;
			last = c;
		}
	}
	/* stability rows of every unit whose option could be improved on */
	for (int i = 0; i < nu; i++) {
		int nreal = P.nop[i] - P.hasfb[i];
		int upto = P.must[i] ? P.lim[i] : nreal;
		if (upto > nreal)
			upto = nreal;
		if (P.decided[i] == -1)
			upto = nreal;
		else if (P.decided[i] >= 0 && P.decided[i] < upto)
			upto = P.decided[i];
		for (int p = 0; p < upto; p++) {
			const struct popt *po = &P.opt[P.off[i] + (size_t)p];
			if (!po->ok || po->nr == 0 ||
			    uf_find(rcomp, po->room[0]) != comp)
				continue;
			/* this unit's own variables at options <= p */
			int gam[NURSERY_FAMILY_MAX], ng = 0, trivial = 0;
			double cst[NURSERY_FAMILY_MAX];
			int pc[NURSERY_FAMILY_MAX], plen[NURSERY_FAMILY_MAX];
			for (int j = 0; j < po->nr; j++) {
				int r = po->room[j];
				const struct pent *E = P.ent + P.room_off[r];
				int lo = 0, hi = P.room_n[r];
				while (lo < hi) {
					int mid = (lo + hi) / 2;
					if (E[mid].key > po->kmin[j])
						lo = mid + 1;
					else
						hi = mid;
				}
				plen[j] = lo;
				size_t g = P.room_off[r] + (size_t)lo;
				cst[j] = lo ? cpre[g - 1] : 0;
				pc[j] = lo ? m.ycol[g - 1] : 0;
				/* own constants above do not count */
				for (int q = 0; q < lo; q++)
					if (E[q].i == i && P.decided[i] == E[q].op)
						cst[j] -= 1;
				double w = in->slot[r].cap - po->m[j] + 1;
				if (cst[j] >= w)
					trivial = 1;
			}
			if (trivial)
				continue;
			if (po->nr == 1) {
				int r = po->room[0];
				double w = in->slot[r].cap - po->m[0] + 1;
				row.n = 0;
				for (int q = 0; q <= p; q++) {
					int xc = xcol[P.off[i] + (size_t)q];
					if (xc && (rc = row_add(&row, xc, w)))
						goto nomem2;
				}
				if (pc[0] && (rc = row_add(&row, pc[0], 1)))
					goto nomem2;
				const struct pent *E = P.ent + P.room_off[r];
				for (int q = 0; q < plen[0]; q++) {
					int xc = xcol[P.off[E[q].i] + (size_t)E[q].op];
					if (E[q].i == i && xc &&
					    (rc = row_add(&row, xc, -1)))
						goto nomem2;
				}
				if (row.n == 0)
					continue; /* contradiction with constants:
						     the warm start shows it is not */
				int rr = glp_add_rows(m.P, 1);
				glp_set_row_bnds(m.P, rr, GLP_LO, w - cst[0], 0);
				glp_set_mat_row(m.P, rr, row.n, row.ind, row.val);
				continue;
			}
			for (int j = 0; j < po->nr; j++) {
				int r = po->room[j];
				double w = in->slot[r].cap - po->m[j] + 1;
				gam[ng] = add_col(&m, GLP_BV, 0, 1, -1, -1);
				if (gam[ng] < 0)
					goto nomem2;
				row.n = 0;
				if (pc[j] && (rc = row_add(&row, pc[j], 1)))
					goto nomem2;
				const struct pent *E = P.ent + P.room_off[r];
				double wabove = cst[j] + (pc[j] ? m.warm[pc[j]] : 0);
				for (int q = 0; q < plen[j]; q++) {
					int xc = xcol[P.off[E[q].i] + (size_t)E[q].op];
					if (E[q].i == i && xc) {
						if ((rc = row_add(&row, xc, -1)))
							goto nomem2;
						wabove -= m.warm[xc];
					}
				}
				if ((rc = row_add(&row, gam[ng], -w)))
					goto nomem2;
				m.warm[gam[ng]] = wabove + 0.5 >= w ? 1 : 0;
				int rr = glp_add_rows(m.P, 1);
				glp_set_row_bnds(m.P, rr, GLP_LO, -cst[j], 0);
				glp_set_mat_row(m.P, rr, row.n, row.ind, row.val);
				ng++;
			}
			row.n = 0;
			for (int q = 0; q <= p; q++) {
				int xc = xcol[P.off[i] + (size_t)q];
				if (xc && (rc = row_add(&row, xc, 1)))
					goto nomem2;
			}
			for (int j = 0; j < ng; j++)
				if ((rc = row_add(&row, gam[j], 1)))
					goto nomem2;
			int rr = glp_add_rows(m.P, 1);
			glp_set_row_bnds(m.P, rr, GLP_LO, 1, 0);
			glp_set_mat_row(m.P, rr, row.n, row.ind, row.val);
		}
	}
	free(cpre);
	cpre = NULL;
	/* solve */
	{
		struct xcb cb = { 0 };
		cb.o = o;
		glp_smcp sp;
		glp_init_smcp(&sp);
		sp.msg_lev = GLP_MSG_OFF;
		sp.meth = GLP_DUALP;
		glp_iocp ip;
		glp_init_iocp(&ip);
		ip.msg_lev = GLP_MSG_OFF;
		ip.cb_func = xcb_fn;
		ip.cb_info = &cb;
		ip.presolve = GLP_OFF;
		glp_set_obj_dir(m.P, GLP_MAX);
		double left = deadline - nursery_now();
		sp.tm_lim = left > 0 ? (int)(left * 1000) : 1;
		double bound;
		int improved = 0, optimal = 0;
		int lp = glp_simplex(m.P, &sp);
		if (lp == 0 && glp_get_status(m.P) == GLP_OPT) {
			bound = floor(glp_get_obj_val(m.P) + 1e-6);
			if (bound <= warm_placed) {
				bound = warm_placed;
				optimal = 1;
			} else {
				left = deadline - nursery_now();
				ip.tm_lim = left > 0 ? (int)(left * 1000) : 1;
				cb.warm = m.warm;
				cb.t0 = nursery_now();
				cb.tlim = left;
				cb.phase = "exact";
				glp_intopt(m.P, &ip);
				int ms = glp_mip_status(m.P);
				if ((ms == GLP_OPT || ms == GLP_FEAS) &&
				    glp_mip_obj_val(m.P) > warm_placed + 0.5)
					improved = 1;
				double best = improved ? glp_mip_obj_val(m.P) : warm_placed;
				if (ms == GLP_OPT) {
					bound = best;
					optimal = 1;
				} else if (cb.have_bound) {
					bound = floor(cb.bound + 1e-6);
				}
				if (bound < best)
					bound = best;
			}
		} else {
			bound = -1;
		}
		if (improved) {
			for (int i = 0; i < nu; i++) {
				if (P.decided[i] != -2 || ucomp[i] != comp)
					continue;
				int chosen = s->unit[units[i]].nopt;
				for (int op = 0; op < P.nop[i]; op++) {
					int xc = xcol[P.off[i] + (size_t)op];
					if (xc && glp_mip_col_val(m.P, xc) > 0.5)
						chosen = op;
				}
				int n = nsolve_option(s, units[i], chosen, child, fac, key);
				for (int k = 0; k < n; k++)
					assign[child[k]] = fac[k];
			}
		}
		double best = improved ? glp_mip_obj_val(m.P) : warm_placed;
		if (!optimal) {
			res->status = NURSERY_STATUS_TIMELIMIT;
			double g = bound < 0 ? 1 : (best > 0 ? (bound - best) / (best + placed_fixed) : 0);
			if (g > res->gap)
				res->gap = g;
			res->placed_bound += bound < 0 ? (long)nent : (long)bound;
		} else {
			res->placed_bound += (long)bound;
		}
	}
	glp_delete_prob(m.P);
	m.P = NULL;
	free(m.col_unit);
	free(m.col_opt);
	free(m.warm);
	free(m.ycol);
	memset(&m, 0, sizeof m);
	}
	res->placed_bound += placed_fixed;
	goto out;
nomem2:
nomem:
	rc = err_set(e, ERR_NOMEM, "out of memory");
out:
	if (m.P)
		glp_delete_prob(m.P);
	free(m.col_unit);
	free(m.col_opt);
	free(m.warm);
	free(m.ycol);
	free(row.ind);
	free(row.val);
	free(warmop);
	free(xcol);
	free(rcomp);
	free(ucomp);
	free(comps);
	pstate_done(&P);
	return rc;
}

int nursery_alloc_exact(struct nursery_result *r, struct nsolve *s,
			const struct nursery_alloc_opts *o, struct err *e)
{
	const struct nursery_instance *in = s->in;
	double t0 = nursery_now();
	double tl = o && o->time_limit > 0 ? o->time_limit : 60;
	/* warm start */
	struct nursery_result warm = { 0 };
	int rc = nursery_alloc_sibling(&warm, s, o, e);
	if (rc)
		return rc;
	int *assign = malloc(sizeof(int) * ((size_t)in->nchild + 1));
	int *uf = malloc(sizeof(int) * ((size_t)in->nslot + 1));
	int *part_of_unit = malloc(sizeof(int) * ((size_t)s->nunit + 1));
	if (!assign || !uf || !part_of_unit) {
		free(assign);
		free(uf);
		free(part_of_unit);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	memcpy(assign, s->assign, sizeof(int) * (size_t)in->nchild);
	r->status = NURSERY_STATUS_OPTIMAL;
	r->gap = 0;
	r->bc_bound = 0;
	r->placed_bound = 0;
	/* parts: union rooms used by each unit */
	int child[NURSERY_FAMILY_MAX], fac[NURSERY_FAMILY_MAX];
	uint64_t key[NURSERY_FAMILY_MAX];
	for (int i = 0; i < in->nslot; i++)
		uf[i] = i;
	for (int u = 0; u < s->nunit; u++) {
		int first = -1;
		for (int op = 0; op <= s->unit[u].nopt; op++) {
			int n = nsolve_option(s, u, op, child, fac, key);
			for (int k = 0; k < n; k++) {
				if (fac[k] < 0)
					continue;
				int sl = in->fac[fac[k]].slot[in->child[child[k]].age];
				if (o && o->no_decompose)
					sl = 0;
				if (first < 0) {
					first = uf_find(uf, sl);
				} else {
					int a = uf_find(uf, sl);
					if (a != first)
						uf[a] = first;
				}
			}
		}
		part_of_unit[u] = first >= 0 ? uf_find(uf, first) : -1;
	}
	for (int u = 0; u < s->nunit; u++)
		if (part_of_unit[u] >= 0)
			part_of_unit[u] = uf_find(uf, part_of_unit[u]);
	/* count parts with joint families; collect their units */
	int *order = malloc(sizeof(int) * ((size_t)s->nunit + 1));
	char *joint = calloc((size_t)in->nslot + 1, 1);
	if (!order || !joint) {
		free(order);
		free(joint);
		free(assign);
		free(uf);
		free(part_of_unit);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int u = 0; u < s->nunit; u++)
		if (s->unit[u].fam >= 0 && part_of_unit[u] >= 0)
			joint[part_of_unit[u]] = 1;
	int n = 0;
	for (int u = 0; u < s->nunit; u++)
		if (part_of_unit[u] >= 0 && joint[part_of_unit[u]])
			order[n++] = u;
	/* stable sort by part id, units keep their order inside */
	int *cnt = calloc((size_t)in->nslot + 1, sizeof(int));
	int *tmp = malloc(sizeof(int) * ((size_t)n + 1));
	if (!cnt || !tmp) {
		free(cnt);
		free(tmp);
		free(order);
		free(joint);
		free(assign);
		free(uf);
		free(part_of_unit);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++)
		cnt[part_of_unit[order[i]]]++;
	int acc = 0;
	for (int p = 0; p <= in->nslot; p++) {
		int c = cnt[p];
		cnt[p] = acc;
		acc += c;
	}
	for (int i = 0; i < n; i++)
		tmp[cnt[part_of_unit[order[i]]]++] = order[i];
	memcpy(order, tmp, sizeof(int) * (size_t)n);
	free(tmp);
	free(cnt);
	/* placements of parts solved without a model count in the bound */
	long placed_free = 0;
	for (int c = 0; c < in->nchild; c++) {
		int u = s->unit_of_child[c];
		if (assign[c] >= 0 &&
		    !(part_of_unit[u] >= 0 && joint[part_of_unit[u]]))
			placed_free++;
	}
	r->placed_bound = placed_free;
	int parts = 0;
	long bc_total = 0;
	double deadline = t0 + tl;
	for (int i = 0; i < n && !rc;) {
		int j = i;
		while (j < n && part_of_unit[order[j]] == part_of_unit[order[i]])
			j++;
		long bc = 0;
		const struct part_job job = { .units = order + i, .nu = j - i,
					      .o = o, .deadline = deadline };
		if (warm.status == NURSERY_STATUS_OK && warm.blocking_left == 0) {
			long red = 0;
			rc = solve_part_stable(s, &job, assign, r, &red, e);
			if (red > r->reduced_units)
				r->reduced_units = red;
		} else {
			rc = solve_part(s, &job, assign, r, &bc, e);
			r->components++;
		}
		bc_total += bc;
		parts++;
		i = j;
	}
	(void)parts;
	r->restarts = warm.restarts;
	r->cycles = warm.cycles;
	r->blocking_left = bc_total;
	if (!rc)
		memcpy(s->assign, assign, sizeof(int) * (size_t)in->nchild);
	free(order);
	free(joint);
	free(assign);
	free(uf);
	free(part_of_unit);
	return rc;
}
