/*
 * gen.c -- synthetic instances, deterministic by seed (research notes
 * /work/shared/research/nursery.md section 4.5).
 *
 * Geography: facilities in the unit square, half clustered around
 * "stations"; each household has a home.  Preferences: random utility
 * u = -0.9 * distance (in units of mean facility spacing) + popularity
 * (Zipf-like, -0.6 log rank) + Gumbel noise over the facilities of the
 * 3x3 neighbouring grid cells; list length truncated-geometric, mean 6,
 * capped per preset.  Ages 0:30% 1:45% 2:13% 3:8% 4:2% 5:2%.  Seats per
 * age class are about 0.85 x demand, spread by per-facility draws (age 0
 * 6-12, age 1 3-8, ages 2-5 0-3).  Scores come from a rule table (the
 * Suginami-like one by default): two guardians (one in 8% of households)
 * with mostly full-time work, so most households tie at the top score;
 * tie-break keys are household-level (reason rank, income decile, a
 * lottery number unique per household).  Siblings: 7% of households have
 * two applying children and 0.8% three; modes same 30%, prefer 45%,
 * indep 25%; their lists are perturbations of one another.  Transfers:
 * about 10% of children aged 1+ hold a seat near home and list only
 * facilities they prefer to it.  Bonuses: 5% get +1 at their first choice
 * (sibling already enrolled there).  Adversarial gadgets add families with
 * no stable outcome (one joint family and one single over two private
 * one-seat nurseries).
 *
 * Only integer arithmetic and libm functions whose results are correctly
 * rounded in practice (log, sqrt) are used; the same options give the
 * same instance.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

static const char builtin_rules[] =
	"name suginami_builtin\ncombine sum\n"
	"base work 20 8 20 1\nbase work 20 7 19 1\nbase work 20 6 18 1\n"
	"base work 16 8 18 1\nbase work 16 6 16 1\nbase work 16 4 14 1\n"
	"base work 12 4 12 1\nbase work 0 0 10 1\nbase absent 0 0 20 1\n"
	"base illness 0 0 20 2\nbase care 0 0 18 3\nbase birth 0 0 16 4\n"
	"base study 0 0 14 5\nbase seeking 0 0 8 6\n"
	"adjust welfare 2\nadjust single_parent 3\nadjust single_parent_20d 4\n"
	"adjust three_preschool 1\nadjust unlicensed_6m 2\n"
	"adjust unlicensed_1y 3\nadjust unlicensed_18m 4\n"
	"adjust reentry_leave 10\ntiebreak reason income lottery\n";

struct preset {
	const char *name;
	int children, facilities, max_prefs;
};

static const struct preset presets[] = {
	{ "tiny", 60, 6, 4 },
	{ "small", 600, 25, 6 },
	{ "medium", 3000, 110, 8 },
	{ "suginami", 4500, 150, 10 },
	{ "saitama", 7959, 311, 5 },
	{ "tokyo", 100000, 3611, 10 },
	{ "stress", 1000000, 30000, 10 },
};

void nursery_gen_opts_init(struct nursery_gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->preset = "suginami";
	o->seed = 1;
	o->sibling_rate = -1;
	o->transfer_rate = -1;
	o->bonus_rate = -1;
	o->share_rate = -1;
}

struct hh {        /* household being generated */
	double x, y;
};

struct gfac {
	double x, y, pop;
};

static double gumbel(struct nrand *r)
{
	double u = nrand_unit(r);
	if (u < 1e-300)
		u = 1e-300;
	return -log(-log(u));
}

static int geom_len(struct nrand *r, int cap)
{
	int k = 1;
	while (k < cap && nrand_unit(r) >= 1.0 / 6.0)
		k++;
	return k;
}

static void point(struct nrand *r, const double *st, int nst, double *x,
		  double *y)
{
	if (nrand_unit(r) < 0.5) {
		int s = nrand_below(r, nst);
		/* Box-Muller, sigma 0.06 */
		double u1 = nrand_unit(r), u2 = nrand_unit(r);
		if (u1 < 1e-12)
			u1 = 1e-12;
		double rr = sqrt(-2 * log(u1)) * 0.06;
		double a = 6.283185307179586 * u2;
		*x = st[2 * s] + rr * cos(a);
		*y = st[2 * s + 1] + rr * sin(a);
		if (*x < 0) *x = -*x;
		if (*y < 0) *y = -*y;
		if (*x >= 1) *x = 2 - *x - 1e-9;
		if (*y >= 1) *y = 2 - *y - 1e-9;
		if (*x < 0 || *x >= 1) *x = nrand_unit(r);
		if (*y < 0 || *y >= 1) *y = nrand_unit(r);
	} else {
		*x = nrand_unit(r);
		*y = nrand_unit(r);
	}
}

struct cand {
	double u;
	int d;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->u != y->u)
		return x->u > y->u ? -1 : 1;
	return x->d - y->d;
}

struct grid {
	int g;
	int *start, *items;
};

/* What rank_list ranks a home's facilities with: the facilities, their
 * grid, and room for the candidates it draws. */
struct ranker {
	const struct grid *grid;     /* the facilities by cell              */
	const struct gfac *fac;
	int nfac;
	double spacing;              /* mean facility spacing: the unit of
					distance in the utility          */
	struct cand *buf;            /* scratch, bufmax candidates          */
	int bufmax;
};

/* ranked list of up to k facilities for a home at (hx, hy); returns the
 * length */
static int rank_list(struct nrand *r, const struct ranker *rk, double hx,
		     double hy, int k, int *out)
{
	const struct grid *G = rk->grid;
	const struct gfac *F = rk->fac;
	int nf = rk->nfac;
	double spacing = rk->spacing;
	struct cand *buf = rk->buf;
	int bufmax = rk->bufmax;
	int gx = (int)(hx * G->g), gy = (int)(hy * G->g);
	int n = 0;
	for (int rad = 1; rad <= G->g; rad++) {
		n = 0;
		for (int cx = gx - rad; cx <= gx + rad; cx++)
			for (int cy = gy - rad; cy <= gy + rad; cy++) {
				if (cx < 0 || cy < 0 || cx >= G->g || cy >= G->g)
					continue;
				int cell = cx * G->g + cy;
				for (int i = G->start[cell];
				     i < G->start[cell + 1] && n < bufmax; i++) {
					int d = G->items[i];
					double dx = F[d].x - hx, dy = F[d].y - hy;
					double dist = sqrt(dx * dx + dy * dy) /
						      spacing;
					buf[n].u = -0.9 * dist + F[d].pop +
						   gumbel(r);
					buf[n].d = d;
					n++;
				}
			}
		if (n >= 2 * k || n >= nf || n >= bufmax)
			break;
	}
	qsort(buf, (size_t)n, sizeof *buf, cmp_cand);
	if (n > k)
		n = k;
	for (int i = 0; i < n; i++)
		out[i] = buf[i].d;
	return n;
}

static int put_id(struct nursery_instance *in, int kind, char **slot,
		  const char *fmt, int num, int idx)
{
	char b[NURSERY_ID_MAX];
	int n = snprintf(b, sizeof b, fmt, num);
	*slot = nursery_strdup(in, b, (size_t)n);
	if (!*slot)
		return ERR_NOMEM;
	int dup;
	int r = nursery_index_put(in, kind, *slot, idx, &dup);
	return r < 0 ? r : 0;
}

int nursery_gen_run(struct nursery_instance **out,
		    const struct nursery_gen_opts *o, struct err *e)
{
	*out = NULL;
	const struct preset *p = NULL;
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (!strcmp(presets[i].name, o->preset))
			p = &presets[i];
	if (!p)
		return err_set(e, ERR_INVALID, "unknown preset %.32s", o->preset);
	int nchild = o->children > 0 ? o->children : p->children;
	int nfac = o->facilities > 0 ? o->facilities : p->facilities;
	int maxp = o->max_prefs > 0 ? o->max_prefs : p->max_prefs;
	if (maxp > NURSERY_PREFS_MAX)
		maxp = NURSERY_PREFS_MAX;
	double sib = o->sibling_rate >= 0 ? o->sibling_rate : 0.07;
	double tr = o->transfer_rate >= 0 ? o->transfer_rate : 0.10;
	double bon = o->bonus_rate >= 0 ? o->bonus_rate : 0.05;
	double shr = o->share_rate >= 0 ? o->share_rate : 0.20;
	int nadv = o->adversarial > 0 ? o->adversarial : 0;
	if (nchild > NURSERY_CHILDREN_MAX - 3 * nadv || nfac < 1 ||
	    nfac + 2 * nadv > NURSERY_FACILITIES_MAX)
		return err_set(e, ERR_LIMIT, "generator size out of range");

	struct nursery_rules *rules_owned = NULL;
	const struct nursery_rules *rules = o->rules;
	if (!rules) {
		int rc = nursery_rules_parse(&rules_owned, builtin_rules,
					     sizeof builtin_rules - 1, e);
		if (rc)
			return rc;
		rules = rules_owned;
	}
	int *lottery_perm = NULL;
	struct nrand R;
	nrand_seed(&R, o->seed * 0x9e3779b97f4a7c15ULL + 12345);

	struct nursery_instance *in = calloc(1, sizeof *in);
	int totf = nfac + 2 * nadv, totc = nchild + 3 * nadv;
	struct gfac *F = calloc((size_t)nfac, sizeof *F);
	struct grid G = { 0 };
	size_t prefcap = (size_t)totc * (size_t)(maxp + 1) + 16;
	struct cand *cbuf = malloc(sizeof *cbuf * 4096);
	int rc = 0;
	if (!in || !F || !cbuf) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	in->fac = calloc((size_t)totf, sizeof *in->fac);
	in->child = calloc((size_t)totc, sizeof *in->child);
	in->fam = calloc((size_t)totc, sizeof *in->fam);
	in->pref_fac = malloc(sizeof(int) * prefcap);
	in->pref_bonus = calloc(prefcap, sizeof(int));
	if (!in->fac || !in->child || !in->fam || !in->pref_fac ||
	    !in->pref_bonus) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	/* facilities */
	int nst = nfac / 25 + 1;
	double *st = malloc(sizeof(double) * 2 * (size_t)nst);
	if (!st) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < 2 * nst; i++)
		st[i] = 0.05 + 0.9 * nrand_unit(&R);
	for (int d = 0; d < nfac; d++) {
		point(&R, st, nst, &F[d].x, &F[d].y);
		F[d].pop = -0.6 * log((double)(nrand_below(&R, nfac) + 1));
	}
	double spacing = 1.0 / sqrt((double)nfac);
	G.g = (int)(sqrt((double)nfac / 4.0));
	if (G.g < 1)
		G.g = 1;
	G.start = calloc((size_t)G.g * (size_t)G.g + 1, sizeof(int));
	G.items = malloc(sizeof(int) * (size_t)nfac);
	if (!G.start || !G.items) {
		free(st);
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (int d = 0; d < nfac; d++) {
		int cell = (int)(F[d].x * G.g) * G.g + (int)(F[d].y * G.g);
		G.start[cell + 1]++;
	}
	for (int i = 0; i < G.g * G.g; i++)
		G.start[i + 1] += G.start[i];
	{
		int *fill = calloc((size_t)G.g * (size_t)G.g, sizeof(int));
		if (!fill) {
			free(st);
			rc = err_set(e, ERR_NOMEM, "out of memory");
			goto fail;
		}
		for (int d = 0; d < nfac; d++) {
			int cell = (int)(F[d].x * G.g) * G.g + (int)(F[d].y * G.g);
			G.items[G.start[cell] + fill[cell]++] = d;
		}
		free(fill);
	}
	/* households and children */
	static const int age_cum[NURSERY_AGES] = { 30, 75, 88, 96, 98, 100 };
	int nhh = 0;
	int c = 0;
	int list[NURSERY_PREFS_MAX + 1];
	while (c < nchild) {
		int kids = 1;
		double x = nrand_unit(&R);
		if (x < sib * 0.1)
			kids = 3;
		else if (x < sib)
			kids = 2;
		if (kids > nchild - c)
			kids = nchild - c;
		int f = in->nfam++;
		struct nursery_family *fm = &in->fam[f];
		double hx, hy;
		point(&R, st, nst, &hx, &hy);
		/* household score */
		struct nursery_guardian g[2];
		int ng = nrand_unit(&R) < 0.08 ? 1 : 2;
		for (int i = 0; i < ng; i++) {
			double y = nrand_unit(&R);
			memset(&g[i], 0, sizeof g[i]);
			if (y < 0.86) {
				strcpy(g[i].reason, "work");
				double z = nrand_unit(&R);
				if (z < 0.70) {
					g[i].days_month = 20;
					g[i].hours_day = 8;
				} else {
					g[i].days_month = 12 + nrand_below(&R, 9);
					g[i].hours_day = 4 + nrand_below(&R, 5);
				}
			} else if (y < 0.90) {
				strcpy(g[i].reason, "illness");
			} else if (y < 0.93) {
				strcpy(g[i].reason, "care");
			} else if (y < 0.95) {
				strcpy(g[i].reason, "birth");
			} else if (y < 0.97) {
				strcpy(g[i].reason, "study");
			} else {
				strcpy(g[i].reason, "seeking");
			}
		}
		const char *adj[4];
		int na = 0;
		if (ng == 1)
			adj[na++] = g[0].days_month >= 20 ? "single_parent_20d"
							  : "single_parent";
		if (nrand_unit(&R) < 0.01)
			adj[na++] = "welfare";
		if (nrand_unit(&R) < 0.10)
			adj[na++] = "reentry_leave";
		double z = nrand_unit(&R);
		if (z < 0.05)
			adj[na++] = "unlicensed_6m";
		else if (z < 0.07)
			adj[na++] = "unlicensed_1y";
		int score, rrank;
		if ((rc = nursery_rules_score(&score, &rrank, rules,
					      &(struct nursery_household){
						      .guardians = g, .nguardians = ng,
						      .adjust = adj, .nadjust = na },
					      e))) {
			free(st);
			goto fail;
		}
		int income = nrand_below(&R, 10);
		int lot = nhh++;
		int base_age = 0;
		if (kids > 1) {
			double m = nrand_unit(&R);
			fm->mode = m < 0.30 ? NURSERY_FAM_SAME
				   : m < 0.75 ? NURSERY_FAM_PREFER
					      : NURSERY_FAM_INDEP;
			fm->declared = 1;
			fm->nchild = kids;
			if ((rc = put_id(in, 2, &fm->id, "H%07d", f + 1, f))) {
				free(st);
				rc = err_set(e, rc, "out of memory");
				goto fail;
			}
		} else {
			fm->mode = NURSERY_FAM_SINGLE;
		}
		int a = nrand_below(&R, 100);
		while (base_age < NURSERY_AGES - 1 && a >= age_cum[base_age])
			base_age++;
		int nl = geom_len(&R, maxp);
		int hl = rank_list(&R,
				   &(struct ranker){ .grid = &G, .fac = F, .nfac = nfac,
						     .spacing = spacing, .buf = cbuf,
						     .bufmax = 4096 },
				   hx, hy, maxp + 1, list);
		for (int k = 0; k < kids; k++) {
			struct nursery_child *ch = &in->child[c];
			ch->family = f;
			ch->line = 0;
			int age = base_age;
			if (k > 0 && nrand_unit(&R) >= 0.2)
				age = base_age + k + nrand_below(&R, 2);
			if (age >= NURSERY_AGES)
				age = NURSERY_AGES - 1;
			ch->age = age;
			ch->score = score;
			ch->tb[0] = rrank;
			ch->tb[1] = income;
			ch->tb[2] = lot; /* remapped below */
			ch->cur = -1;
			if ((rc = put_id(in, 1, &ch->id, "C%07d", c + 1, c))) {
				free(st);
				rc = err_set(e, rc, "out of memory");
				goto fail;
			}
			int my[NURSERY_PREFS_MAX + 1];
			int ml = hl;
			memcpy(my, list, sizeof(int) * (size_t)hl);
			if (k > 0)
				for (int i = 0; i + 1 < ml; i++)
					if (nrand_unit(&R) < 0.25) {
						int t = my[i];
						my[i] = my[i + 1];
						my[i + 1] = t;
					}
			int len = nl < ml ? nl : ml;
			if (age >= 1 && ml >= 2 && nrand_unit(&R) < tr) {
				/* transfer: current seat is the option at
				 * position len (or the last), prefs above it */
				int pos = len < ml ? len : ml - 1;
				if (pos > 0) {
					ch->cur = my[pos];
					len = pos;
				}
			}
			ch->pref_off = in->npref;
			ch->npref = len;
			for (int i = 0; i < len; i++)
				in->pref_fac[in->npref++] = my[i];
			if (len > 0 && nrand_unit(&R) < bon)
				in->pref_bonus[ch->pref_off] = 1;
			c++;
		}
	}
	free(st);
	/* lottery: a random permutation of households */
	lottery_perm = malloc(sizeof(int) * ((size_t)nhh + (size_t)nadv + 1));
	if (!lottery_perm) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < nhh; i++)
		lottery_perm[i] = i;
	for (int i = nhh - 1; i > 0; i--) {
		int j = nrand_below(&R, i + 1);
		int t = lottery_perm[i];
		lottery_perm[i] = lottery_perm[j];
		lottery_perm[j] = t;
	}
	for (int i = 0; i < c; i++)
		in->child[i].tb[2] = lottery_perm[in->child[i].tb[2]] + 1;
	/* seats: about 0.85 x demand per age, spread by per-facility draws */
	{
		long demand[NURSERY_AGES] = { 0 };
		for (int i = 0; i < c; i++)
			demand[in->child[i].age]++;
		double *w = malloc(sizeof(double) * (size_t)nfac);
		if (!w) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			goto fail;
		}
		static const int lo[NURSERY_AGES] = { 6, 3, 0, 0, 0, 0 };
		static const int hi[NURSERY_AGES] = { 12, 8, 3, 3, 3, 3 };
		for (int a = 0; a < NURSERY_AGES; a++) {
			double W = 0;
			for (int d = 0; d < nfac; d++) {
				w[d] = lo[a] + nrand_below(&R, hi[a] - lo[a] + 1);
				W += w[d];
			}
			double target = 0.85 * (double)demand[a];
			for (int d = 0; d < nfac; d++) {
				double v = W > 0 ? target * w[d] / W : 0;
				int s = (int)v;
				if (nrand_unit(&R) < v - s)
					s++;
				in->fac[d].cap[a] = s;
			}
		}
		free(w);
	}
	for (int d = 0; d < nfac; d++) {
		struct nursery_facility *fa = &in->fac[d];
		for (int a = 0; a < NURSERY_AGES; a++)
			fa->group[a] = (unsigned char)a;
		if (nrand_unit(&R) < shr)
			fa->group[1] = 0;
		if ((rc = put_id(in, 0, &fa->id, "N%05d", d + 1, d))) {
			rc = err_set(e, rc, "out of memory");
			goto fail;
		}
	}
	in->nfac = nfac;
	/* adversarial gadgets: no stable outcome exists */
	for (int i = 0; i < nadv; i++) {
		int A = in->nfac++, B = in->nfac++;
		char b[NURSERY_ID_MAX];
		for (int k = 0; k < 2; k++) {
			struct nursery_facility *fa = &in->fac[k ? B : A];
			int n = snprintf(b, sizeof b, "X%04d%c", i + 1, k ? 'B' : 'A');
			for (int a = 0; a < NURSERY_AGES; a++)
				fa->group[a] = (unsigned char)a;
			fa->cap[1] = 1;
			fa->id = nursery_strdup(in, b, (size_t)n);
			int dup;
			if (!fa->id || nursery_index_put(in, 0, fa->id, k ? B : A,
							  &dup) < 0) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				goto fail;
			}
		}
		int f = in->nfam++;
		struct nursery_family *fm = &in->fam[f];
		fm->mode = NURSERY_FAM_JOINT;
		fm->declared = 1;
		fm->nchild = 2;
		int n = snprintf(b, sizeof b, "XH%04d", i + 1);
		fm->id = nursery_strdup(in, b, (size_t)n);
		int dup;
		if (!fm->id || nursery_index_put(in, 2, fm->id, f, &dup) < 0) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			goto fail;
		}
		int single = in->nfam++;
		in->fam[single].mode = NURSERY_FAM_SINGLE;
		for (int k = 0; k < 3; k++) {
			struct nursery_child *ch = &in->child[c];
			n = snprintf(b, sizeof b, "X%04d%c", i + 1, "pqs"[k]);
			ch->id = nursery_strdup(in, b, (size_t)n);
			if (!ch->id || nursery_index_put(in, 1, ch->id, c, &dup) < 0) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				goto fail;
			}
			ch->family = k < 2 ? f : single;
			ch->age = 1;
			ch->score = k < 2 ? 11 : 10;
			ch->tb[0] = 1;
			ch->tb[1] = 0;
			ch->tb[2] = nhh + i + 1;
			ch->cur = -1;
			ch->pref_off = in->npref;
			if (k == 0) {
				in->pref_fac[in->npref++] = A;
			} else if (k == 1) {
				in->pref_fac[in->npref++] = B;
			} else {
				in->pref_fac[in->npref++] = A;
				in->pref_bonus[in->npref] = 2;
				in->pref_fac[in->npref++] = B;
			}
			ch->npref = (int)(in->npref - ch->pref_off);
			c++;
		}
	}
	in->nchild = c;
	struct nursery_joint_raw *jr = calloc((size_t)nadv + 1, sizeof *jr);
	int *jc = malloc(sizeof(int) * 2 * ((size_t)nadv + 1));
	if (!jr || !jc) {
		free(jr);
		free(jc);
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < nadv; i++) {
		/* families of gadget i: the joint family is the second to
		 * last pair added; find it by id order */
		jr[i].fam = in->nfam - 2 * (nadv - i);
		jr[i].comp = jc + 2 * i;
		jr[i].comp[0] = nfac + 2 * i;
		jr[i].comp[1] = nfac + 2 * i + 1;
		jr[i].line = 0;
	}
	rc = nursery_instance_finish(in, jr, (size_t)nadv, e);
	free(jr);
	free(jc);
	if (rc)
		goto fail;
	free(F);
	free(G.start);
	free(G.items);
	free(cbuf);
	free(lottery_perm);
	nursery_rules_free(rules_owned);
	*out = in;
	return 0;
fail:
	free(F);
	free(G.start);
	free(G.items);
	free(cbuf);
	free(lottery_perm);
	nursery_rules_free(rules_owned);
	nursery_instance_free(in);
	return rc;
}
