/*
 * model.c -- the nursery instance: id index, string pool, assembly and
 * validation (nursery_instance_finish), priority keys, joint options of
 * sibling families, and small utilities (clock, PRNG, file reading,
 * encoding detection).
 *
 * Invariants established here are listed in nursery.h.  Everything is a
 * deterministic function of the raw fields: sorting always ends on a
 * unique key (child id), never on memory addresses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jp/cp932.h"
#include "svc/nursery/nursery_int.h"

/* ---- utilities ---------------------------------------------------------- */

double nursery_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void nrand_seed(struct nrand *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t nrand_next(struct nrand *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double nrand_unit(struct nrand *r)
{
	return (double)(nrand_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int nrand_below(struct nrand *r, int n)
{
	if (n <= 1)
		return 0;
	return (int)(((nrand_next(r) >> 32) * (uint64_t)n) >> 32);
}

uint64_t nursery_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int nursery_file_read(char **buf, size_t *len, const char *path,
		      struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "cannot open %s: %s", path,
			       strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	if (!b) {
		fclose(f);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (;;) {
		if (n == cap) {
			if (cap >= NURSERY_INPUT_MAX) {
				free(b);
				fclose(f);
				return err_set(e, ERR_LIMIT,
					       "%s is larger than %zu bytes",
					       path, NURSERY_INPUT_MAX);
			}
			cap *= 2;
			char *nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				fclose(f);
				return err_set(e, ERR_NOMEM, "out of memory");
			}
			b = nb;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(b);
		return err_set(e, ERR_IO, "cannot read %s", path);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* utf8_valid -- offset of the first invalid byte, or len. */
static size_t utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		int n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		for (int k = 1; k <= n; k++) {
			if (i + (size_t)k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += (size_t)n + 1;
	}
	return len;
}

static long line_of(const char *buf, size_t off)
{
	long line = 1;
	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

/*
 * Encoding: UTF-8 (BOM stripped) is used as is; anything else is decoded
 * as CP932 by the jp module (jp_cp932_to_utf8, glibc iconv "CP932"), and a
 * buffer valid in neither is refused with the line of the first bad byte.
 */
int nursery_text_to_utf8(const char **out, size_t *outlen, char **owned,
			 const char *buf, size_t len, struct err *e)
{
	*owned = NULL;
	if (len >= 3 && (unsigned char)buf[0] == 0xef &&
	    (unsigned char)buf[1] == 0xbb && (unsigned char)buf[2] == 0xbf) {
		buf += 3;
		len -= 3;
	}
	size_t bad = utf8_valid((const unsigned char *)buf, len);
	if (bad == len) {
		*out = buf;
		*outlen = len;
		return 0;
	}
	char *o = NULL;
	size_t olen = 0;
	struct jp_textpos pos = { 0 };
	int rc = jp_cp932_to_utf8(&o, &olen, &pos, buf, len, NULL);
	if (rc == ERR_LIMIT)
		return err_set(e, ERR_LIMIT,
			       "input is not UTF-8 and larger than the CP932 "
			       "limit (%u bytes): convert it to UTF-8",
			       JP_CP932_MAX);
	if (rc) {
		long ln = pos.line > 0 ? pos.line : line_of(buf, bad);
		return err_set_line(e, ERR_INVALID, ln,
				    "input is neither UTF-8 nor CP932 "
				    "(column %ld)",
				    pos.column);
	}
	*out = o;
	*outlen = olen;
	*owned = o;
	return 0;
}

/* ---- index and string pool --------------------------------------------- */

struct nursery_index *nursery_index_get(struct nursery_instance *in)
{
	if (!in->index)
		in->index = calloc(1, sizeof(struct nursery_index));
	return in->index;
}

char *nursery_strdup(struct nursery_instance *in, const char *s, size_t n)
{
	struct nursery_index *x = nursery_index_get(in);
	if (!x)
		return NULL;
	if (x->left < n + 1) {
		size_t sz = n + 1 > (1 << 20) ? n + 1 : (1 << 20);
		if (x->npool == x->capool) {
			size_t nc = x->capool ? x->capool * 2 : 16;
			char **np = realloc(x->pool, nc * sizeof *np);
			if (!np)
				return NULL;
			x->pool = np;
			x->capool = nc;
		}
		char *c = malloc(sz);
		if (!c)
			return NULL;
		x->pool[x->npool++] = c;
		x->cur = c;
		x->left = sz;
	}
	char *r = x->cur;
	memcpy(r, s, n);
	r[n] = '\0';
	x->cur += n + 1;
	x->left -= n + 1;
	return r;
}

static const char *kind_id(const struct nursery_instance *in, int kind,
			   int i)
{
	if (kind == 0)
		return in->fac[i].id;
	if (kind == 1)
		return in->child[i].id;
	return in->fam[i].id;
}

static struct nidx *kind_idx(struct nursery_index *x, int kind)
{
	return kind == 0 ? &x->fac : kind == 1 ? &x->child : &x->fam;
}

int nursery_index_find(const struct nursery_instance *in, int kind,
		       const char *s, size_t n)
{
	const struct nursery_index *x = in->index;
	if (!x)
		return -1;
	const struct nidx *t = kind == 0 ? &x->fac : kind == 1 ? &x->child
							 : &x->fam;
	if (!t->slot)
		return -1;
	size_t h = (size_t)nursery_hash_bytes(0xcbf29ce484222325ULL, s, n);
	for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
		int v = t->slot[i];
		if (!v)
			return -1;
		const char *k = kind_id(in, kind, v - 1);
		if (k && strncmp(k, s, n) == 0 && k[n] == '\0')
			return v - 1;
	}
}

int nursery_index_put(struct nursery_instance *in, int kind, const char *id,
		      int idx, int *dup)
{
	struct nursery_index *x = nursery_index_get(in);
	*dup = 0;
	if (!x)
		return ERR_NOMEM;
	struct nidx *t = kind_idx(x, kind);
	if ((t->n + 1) * 2 > t->mask + 1 || !t->slot) {
		size_t nsz = t->slot ? (t->mask + 1) * 2 : 1024;
		int *ns = calloc(nsz, sizeof *ns);
		if (!ns)
			return ERR_NOMEM;
		if (t->slot) {
			for (size_t i = 0; i <= t->mask; i++) {
				int v = t->slot[i];
				if (!v)
					continue;
				const char *k = kind_id(in, kind, v - 1);
				size_t h = (size_t)nursery_hash_bytes(
					0xcbf29ce484222325ULL, k, strlen(k));
				size_t j = h & (nsz - 1);
				while (ns[j])
					j = (j + 1) & (nsz - 1);
				ns[j] = v;
			}
			free(t->slot);
		}
		t->slot = ns;
		t->mask = nsz - 1;
	}
	size_t n = strlen(id);
	size_t h = (size_t)nursery_hash_bytes(0xcbf29ce484222325ULL, id, n);
	size_t i = h & t->mask;
	for (;; i = (i + 1) & t->mask) {
		int v = t->slot[i];
		if (!v)
			break;
		if (strcmp(kind_id(in, kind, v - 1), id) == 0) {
			*dup = 1;
			return v - 1;
		}
	}
	t->slot[i] = idx + 1;
	t->n++;
	return idx;
}

int nursery_instance_find_child(const struct nursery_instance *in,
				const char *id)
{
	return nursery_index_find(in, 1, id, strlen(id));
}

int nursery_instance_find_fac(const struct nursery_instance *in,
			      const char *id)
{
	return nursery_index_find(in, 0, id, strlen(id));
}

void nursery_instance_free(struct nursery_instance *in)
{
	if (!in)
		return;
	struct nursery_index *x = in->index;
	if (x) {
		for (size_t i = 0; i < x->npool; i++)
			free(x->pool[i]);
		free(x->pool);
		free(x->fac.slot);
		free(x->child.slot);
		free(x->fam.slot);
		free(x);
	}
	free(in->fac);
	free(in->child);
	free(in->fam);
	free(in->slot);
	free(in->pref_fac);
	free(in->pref_bonus);
	free(in->pref_key);
	free(in->fam_child);
	free(in->tuple_fac);
	free(in->tb_rank);
	free(in);
}

/* ---- keys ----------------------------------------------------------------- */

static uint64_t make_key(int score, int bonus, uint32_t tbr)
{
	int64_t v = (int64_t)score + bonus + NURSERY_BONUS_MAX;
	if (v < 0)
		v = 0;
	return ((uint64_t)v << 32) | (uint64_t)(UINT32_MAX - tbr);
}

uint64_t nursery_instance_child_key(const struct nursery_instance *in, int c,
				    int d)
{
	const struct nursery_child *ch = &in->child[c];
	if (d < 0)
		return 0;
	if (d == ch->cur)
		return NURSERY_KEY_INCUMBENT |
		       make_key(ch->score, 0, in->tb_rank[c]);
	for (int k = 0; k < ch->npref; k++)
		if (in->pref_fac[ch->pref_off + k] == d)
			return in->pref_key[ch->pref_off + k];
	return 0;
}

/* ---- assembly -------------------------------------------------------------- */

static int cmp_tb(const void *a, const void *b, void *arg)
{
	const struct nursery_instance *in = arg;
	const struct nursery_child *x = &in->child[*(const int *)a];
	const struct nursery_child *y = &in->child[*(const int *)b];
	for (int k = 0; k < 3; k++)
		if (x->tb[k] != y->tb[k])
			return x->tb[k] < y->tb[k] ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* joint option candidate while expanding a family */
struct jopt {
	int comp[NURSERY_FAMILY_MAX];
	int rank[NURSERY_FAMILY_MAX];
	int w, s, rsum;
};

static int cmp_jopt(const void *a, const void *b, void *arg)
{
	int nch_sort = *(const int *)arg;
	const struct jopt *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	if (x->rsum != y->rsum)
		return x->rsum < y->rsum ? -1 : 1;
	for (int i = 0; i < nch_sort; i++)
		if (x->rank[i] != y->rank[i])
			return x->rank[i] < y->rank[i] ? -1 : 1;
	return 0;
}

/* rank of facility d for child c: 1..npref, npref+1 for the current seat,
 * npref+2 for nothing; 0 if d is not acceptable. */
static int child_rank(const struct nursery_instance *in, int c, int d)
{
	const struct nursery_child *ch = &in->child[c];
	if (d < 0)
		return ch->cur >= 0 ? 0 : ch->npref + 2;
	if (d == ch->cur)
		return ch->npref + 1;
	for (int k = 0; k < ch->npref; k++)
		if (in->pref_fac[ch->pref_off + k] == d)
			return k + 1;
	return 0;
}

static void jopt_score(const struct nursery_instance *in, const int *kids,
		       int n, struct jopt *o)
{
	o->w = 0;
	o->s = 0;
	o->rsum = 0;
	for (int i = 0; i < n; i++) {
		int d = o->comp[i];
		o->rank[i] = child_rank(in, kids[i], d);
		o->rsum += o->rank[i];
		if (d >= 0)
			o->w++;
		int same = 0;
		for (int j = 0; j < n; j++)
			if (d >= 0 && o->comp[j] == d)
				same++;
		if (same > o->s)
			o->s = same;
	}
}

/* expand the options of a SAME or PREFER family into *opts (sorted, best
 * first, fallback and everything ranked below it removed). */
static int family_expand(const struct nursery_instance *in, int f,
			 struct jopt **opts, int *nopt)
{
	const struct nursery_family *fm = &in->fam[f];
	const int *kids = in->fam_child + fm->child_off;
	int n = fm->nchild;
	*opts = NULL;
	*nopt = 0;
	if (fm->mode == NURSERY_FAM_SAME) {
		const struct nursery_child *c0 = &in->child[kids[0]];
		int cand[NURSERY_PREFS_MAX + 1], nc = 0;
		for (int k = 0; k < c0->npref; k++)
			cand[nc++] = in->pref_fac[c0->pref_off + k];
		if (c0->cur >= 0)
			cand[nc++] = c0->cur;
		struct jopt *o = malloc(sizeof *o * (size_t)(nc + 1));
		if (!o)
			return ERR_NOMEM;
		int m = 0;
		for (int k = 0; k < nc; k++) {
			int ok = 1, allcur = 1;
			for (int i = 0; i < n; i++) {
				if (!child_rank(in, kids[i], cand[k]))
					ok = 0;
				if (in->child[kids[i]].cur != cand[k])
					allcur = 0;
			}
			if (!ok || allcur)
				continue;
			for (int i = 0; i < n; i++)
				o[m].comp[i] = cand[k];
			jopt_score(in, kids, n, &o[m]);
			m++;
		}
		qsort_r(o, (size_t)m, sizeof *o, cmp_jopt, &n);
		*opts = o;
		*nopt = m;
		return 0;
	}
	/* PREFER: product of (preferences, then current seat or nothing) */
	int len[NURSERY_FAMILY_MAX];
	size_t total = 1;
	for (int i = 0; i < n; i++) {
		const struct nursery_child *c = &in->child[kids[i]];
		len[i] = c->npref + 1;
	}
	/* shorten the longest lists until the product is bounded */
	for (;;) {
		total = 1;
		for (int i = 0; i < n; i++)
			total *= (size_t)len[i];
		if (total <= 200000)
			break;
		int big = 0;
		for (int i = 1; i < n; i++)
			if (len[i] > len[big])
				big = i;
		len[big]--;
	}
	struct jopt *o = malloc(sizeof *o * total);
	if (!o)
		return ERR_NOMEM;
	int idx[NURSERY_FAMILY_MAX] = { 0 };
	size_t m = 0;
	for (size_t t = 0; t < total; t++) {
		int fallback = 1;
		for (int i = 0; i < n; i++) {
			const struct nursery_child *c = &in->child[kids[i]];
			int d;
			if (idx[i] < len[i] - 1 && idx[i] < c->npref)
				d = in->pref_fac[c->pref_off + idx[i]];
			else
				d = c->cur;
			if (d != c->cur)
				fallback = 0;
			o[m].comp[i] = d;
		}
		if (!fallback) {
			jopt_score(in, kids, n, &o[m]);
			m++;
		}
		for (int i = n - 1; i >= 0; i--) {
			if (++idx[i] < len[i])
				break;
			idx[i] = 0;
		}
	}
	qsort_r(o, m, sizeof *o, cmp_jopt, &n);
	*opts = o;
	*nopt = (int)m;
	return 0;
}

int nursery_instance_finish(struct nursery_instance *in,
			    struct nursery_joint_raw *joint, size_t njoint,
			    struct err *e)
{
	int rc;
	/* children: ages, preferences, transfers */
	for (int c = 0; c < in->nchild; c++) {
		struct nursery_child *ch = &in->child[c];
		if (ch->age < 0 || ch->age >= NURSERY_AGES)
			return err_set_line(e, ERR_INVALID, ch->line,
					    "child %s: age %d out of 0..5",
					    ch->id, ch->age);
		for (int k = 0; k < ch->npref; k++) {
			int d = in->pref_fac[ch->pref_off + k];
			if (d == ch->cur)
				return err_set_line(
					e, ERR_INVALID, ch->line,
					"child %s: current nursery %s listed "
					"as a preference",
					ch->id, in->fac[d].id);
			for (int j = 0; j < k; j++)
				if (in->pref_fac[ch->pref_off + j] == d)
					return err_set_line(
						e, ERR_INVALID, ch->line,
						"child %s: nursery %s listed "
						"twice",
						ch->id, in->fac[d].id);
		}
	}
	/* families: child lists, counts */
	int *cnt = calloc((size_t)in->nfam + 1, sizeof *cnt);
	if (!cnt)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int c = 0; c < in->nchild; c++)
		cnt[in->child[c].family]++;
	size_t off = 0;
	for (int f = 0; f < in->nfam; f++) {
		struct nursery_family *fm = &in->fam[f];
		if (fm->declared && fm->nchild != cnt[f]) {
			int got = cnt[f];
			free(cnt);
			return err_set_line(e, ERR_INVALID, fm->line,
					    "family %s declares %d children, "
					    "%d found",
					    fm->id, fm->nchild, got);
		}
		if (cnt[f] > NURSERY_FAMILY_MAX) {
			free(cnt);
			return err_set_line(e, ERR_LIMIT, fm->line,
					    "family %s has more than %d "
					    "children",
					    fm->id ? fm->id : "-",
					    NURSERY_FAMILY_MAX);
		}
		fm->nchild = cnt[f];
		fm->child_off = off;
		off += (size_t)cnt[f];
		cnt[f] = 0;
	}
	free(in->fam_child);
	in->fam_child = malloc(sizeof(int) * (off + 1));
	if (!in->fam_child) {
		free(cnt);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int c = 0; c < in->nchild; c++) {
		int f = in->child[c].family;
		in->child[c].fam_pos = cnt[f];
		in->fam_child[in->fam[f].child_off + (size_t)cnt[f]++] = c;
	}
	free(cnt);
	/* tie-break ranks */
	free(in->tb_rank);
	in->tb_rank = malloc(sizeof(uint32_t) * ((size_t)in->nchild + 1));
	int *ord = malloc(sizeof(int) * ((size_t)in->nchild + 1));
	if (!in->tb_rank || !ord) {
		free(ord);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int c = 0; c < in->nchild; c++)
		ord[c] = c;
	qsort_r(ord, (size_t)in->nchild, sizeof *ord, cmp_tb, in);
	for (int i = 0; i < in->nchild; i++)
		in->tb_rank[ord[i]] = (uint32_t)i;
	free(ord);
	/* keys */
	free(in->pref_key);
	in->pref_key = malloc(sizeof(uint64_t) * (in->npref + 1));
	if (!in->pref_key)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int c = 0; c < in->nchild; c++) {
		const struct nursery_child *ch = &in->child[c];
		for (int k = 0; k < ch->npref; k++) {
			size_t p = ch->pref_off + (size_t)k;
			in->pref_key[p] = make_key(ch->score, in->pref_bonus[p],
						   in->tb_rank[c]);
		}
	}
	/* slots */
	int ns = 0;
	for (int d = 0; d < in->nfac; d++) {
		struct nursery_facility *fa = &in->fac[d];
		for (int a = 0; a < NURSERY_AGES; a++) {
			if (fa->group[a] > a || fa->group[fa->group[a]] !=
							fa->group[a])
				return err_set_line(e, ERR_INVALID, fa->line,
						    "nursery %s: bad share "
						    "groups",
						    fa->id);
			if (fa->group[a] == a)
				ns++;
		}
	}
	free(in->slot);
	in->slot = calloc((size_t)ns + 1, sizeof *in->slot);
	if (!in->slot)
		return err_set(e, ERR_NOMEM, "out of memory");
	in->nslot = ns;
	ns = 0;
	for (int d = 0; d < in->nfac; d++) {
		struct nursery_facility *fa = &in->fac[d];
		for (int a = 0; a < NURSERY_AGES; a++) {
			if (fa->group[a] == a) {
				in->slot[ns].fac = d;
				fa->slot[a] = ns++;
			} else {
				fa->slot[a] = fa->slot[fa->group[a]];
			}
			struct nursery_slot *sl = &in->slot[fa->slot[a]];
			sl->cap += fa->cap[a];
			sl->ages |= (unsigned char)(1u << a);
		}
	}
	for (int c = 0; c < in->nchild; c++) {
		const struct nursery_child *ch = &in->child[c];
		if (ch->cur >= 0)
			in->slot[in->fac[ch->cur].slot[ch->age]].cap++;
	}
	/* joint lists: validate, attach to families */
	for (size_t j = 0; j < njoint; j++) {
		int f = joint[j].fam;
		struct nursery_family *fm = &in->fam[f];
		if (fm->mode != NURSERY_FAM_JOINT)
			return err_set_line(e, ERR_INVALID, joint[j].line,
					    "family %s: joint list given but "
					    "mode is not joint",
					    fm->id);
		for (int i = 0; i < fm->nchild; i++) {
			int c = in->fam_child[fm->child_off + (size_t)i];
			int d = joint[j].comp[i];
			if (d < 0)
				d = in->child[c].cur;
			joint[j].comp[i] = d;
			if (d >= 0 && !child_rank(in, c, d))
				return err_set_line(
					e, ERR_INVALID, joint[j].line,
					"family %s: child %s did not list "
					"nursery %s",
					fm->id, in->child[c].id, in->fac[d].id);
		}
	}
	/* count options */
	size_t ntup = 0;
	struct jopt **exp = calloc((size_t)in->nfam + 1, sizeof *exp);
	int *nexp = calloc((size_t)in->nfam + 1, sizeof *nexp);
	if (!exp || !nexp) {
		free(exp);
		free(nexp);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = 0;
	for (int f = 0; f < in->nfam && !rc; f++) {
		struct nursery_family *fm = &in->fam[f];
		fm->tupled = fm->nchild >= 2 &&
			     (fm->mode == NURSERY_FAM_SAME ||
			      fm->mode == NURSERY_FAM_PREFER ||
			      fm->mode == NURSERY_FAM_JOINT);
		fm->ntuple = 0;
		if (!fm->tupled || fm->mode == NURSERY_FAM_JOINT)
			continue;
		rc = family_expand(in, f, &exp[f], &nexp[f]);
		if (nexp[f] > NURSERY_TUPLES_MAX)
			nexp[f] = NURSERY_TUPLES_MAX;
		ntup += (size_t)nexp[f] * (size_t)fm->nchild;
	}
	if (rc) {
		for (int f = 0; f < in->nfam; f++)
			free(exp[f]);
		free(exp);
		free(nexp);
		return err_set(e, rc, "out of memory");
	}
	for (size_t j = 0; j < njoint; j++)
		ntup += (size_t)in->fam[joint[j].fam].nchild;
	free(in->tuple_fac);
	in->tuple_fac = malloc(sizeof(int) * (ntup + 1));
	if (!in->tuple_fac) {
		for (int f = 0; f < in->nfam; f++)
			free(exp[f]);
		free(exp);
		free(nexp);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	size_t t = 0;
	for (int f = 0; f < in->nfam; f++) {
		struct nursery_family *fm = &in->fam[f];
		fm->tuple_off = t;
		if (!fm->tupled)
			continue;
		if (fm->mode != NURSERY_FAM_JOINT) {
			for (int o = 0; o < nexp[f]; o++)
				for (int i = 0; i < fm->nchild; i++)
					in->tuple_fac[t++] = exp[f][o].comp[i];
			fm->ntuple = nexp[f];
		} else {
			/* J lines in file order; stop at the fallback and
			 * refuse repeats */
			int stop = 0;
			for (size_t j = 0; j < njoint; j++) {
				if (joint[j].fam != f || stop)
					continue;
				int fb = 1;
				for (int i = 0; i < fm->nchild; i++) {
					int c = in->fam_child[fm->child_off +
							      (size_t)i];
					if (joint[j].comp[i] !=
					    in->child[c].cur)
						fb = 0;
				}
				if (fb) {
					stop = 1;
					continue;
				}
				for (int o = 0; o < fm->ntuple; o++) {
					if (!memcmp(in->tuple_fac +
							    fm->tuple_off +
							    (size_t)o * (size_t)fm->nchild,
						    joint[j].comp,
						    sizeof(int) * (size_t)fm->nchild)) {
						rc = err_set_line(
							e, ERR_INVALID,
							joint[j].line,
							"family %s: joint "
							"option repeated",
							fm->id);
					}
				}
				if (fm->ntuple >= NURSERY_TUPLES_MAX)
					rc = err_set_line(
						e, ERR_LIMIT, joint[j].line,
						"family %s: more than %d "
						"joint options",
						fm->id, NURSERY_TUPLES_MAX);
				if (rc)
					break;
				for (int i = 0; i < fm->nchild; i++)
					in->tuple_fac[t++] = joint[j].comp[i];
				fm->ntuple++;
			}
			if (rc)
				break;
			if (fm->ntuple == 0) {
				rc = err_set_line(e, ERR_INVALID, fm->line,
						  "family %s: mode joint but "
						  "no J line",
						  fm->id);
				break;
			}
		}
	}
	for (int f = 0; f < in->nfam; f++)
		free(exp[f]);
	free(exp);
	free(nexp);
	if (rc)
		return rc;
	in->finished = 1;
	return 0;
}
