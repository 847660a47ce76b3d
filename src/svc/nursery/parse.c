/*
 * parse.c -- the nursery line format (docs/nursery.md) in and out.
 *
 * One record per line, fields separated by commas (CSV as Excel writes it,
 * double quotes allowed) or by tabs (a line containing a tab is split on
 * tabs).  Blank lines and lines starting with '#' are ignored, and so is a
 * header line whose first field is "type" or "種別".  Records:
 *
 *   N,<nursery>,<seats age0>,...,<seats age5>[,<share a-b[;c-d]>]
 *   F,<family>,<same|prefer|indep|joint|1..7>,<children>
 *   C,<child>,<family|->,<age>,<score>,<reason>,<income>,<lottery>,
 *     <current nursery|->,<pref 1>,...,<pref K>
 *   B,<child>,<nursery>,<bonus>
 *   J,<family>,<nursery or - per child, in the order of the C lines>
 *   H,<family or child>,<reason>,<days>,<hours>[,<reason>,<days>,<hours>]
 *     [,<adjustment;adjustment>]   (with a rule table: scores "*" fields)
 *
 * Passes: (1) N and F lines define ids, C lines are counted; (2) C lines;
 * (3) B and J lines; then nursery_instance_finish validates the whole.
 * Every refusal names its line.  Limits: NURSERY_* in nursery.h.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

#define FIELDS_MAX (10 + NURSERY_PREFS_MAX + 8)
#define LINE_MAX_BYTES 65536

struct fields {
	int n;
	char *f[FIELDS_MAX];
	size_t len[FIELDS_MAX];
	char buf[LINE_MAX_BYTES + 1];
};

static char *trim(char *s, size_t *len)
{
	while (*len && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
			s[*len - 1] == '\r'))
		(*len)--;
	s[*len] = '\0';
	return s;
}

/* split one line; returns 0, or ERR_LIMIT / ERR_INVALID */
static int split(struct fields *fl, const char *s, size_t n, long line,
		 struct err *e)
{
	if (n > LINE_MAX_BYTES)
		return err_set_line(e, ERR_LIMIT, line,
				    "line longer than %d bytes",
				    LINE_MAX_BYTES);
	char sep = memchr(s, '\t', n) ? '\t' : ',';
	size_t o = 0, i = 0;
	fl->n = 0;
	while (i <= n) {
		if (fl->n == FIELDS_MAX)
			return err_set_line(e, ERR_LIMIT, line,
					    "more than %d fields", FIELDS_MAX);
		size_t start = o;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return err_set_line(e, ERR_INVALID, line,
							    "unterminated "
							    "quote");
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						fl->buf[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				fl->buf[o++] = s[i++];
			}
			while (i < n && s[i] != sep)
				i++;
		} else {
			while (i < n && s[i] != sep)
				fl->buf[o++] = s[i++];
		}
		size_t len = o - start;
		fl->buf[o++] = '\0';
		fl->f[fl->n] = trim(fl->buf + start, &len);
		fl->len[fl->n] = len;
		fl->n++;
		i++; /* skip the separator (or step past the end) */
	}
	while (fl->n > 0 && fl->len[fl->n - 1] == 0)
		fl->n--;
	return 0;
}

static int parse_int(int *out, const char *s, long lo, long hi, long line,
		     const char *what, struct err *e)
{
	char *end;
	if (!*s)
		return err_set_line(e, ERR_INVALID, line, "%s is empty", what);
	long v = strtol(s, &end, 10);
	if (*end)
		return err_set_line(e, ERR_INVALID, line,
				    "%s is not an integer", what);
	if (v < lo || v > hi)
		return err_set_line(e, ERR_INVALID, line,
				    "%s %ld out of range %ld..%ld", what, v, lo,
				    hi);
	*out = (int)v;
	return 0;
}

static int check_id(const char *s, size_t n, long line, const char *what,
		    struct err *e)
{
	if (n == 0)
		return err_set_line(e, ERR_INVALID, line, "%s id is empty",
				    what);
	if (n >= NURSERY_ID_MAX)
		return err_set_line(e, ERR_LIMIT, line,
				    "%s id longer than %d bytes", what,
				    NURSERY_ID_MAX - 1);
	if (strcmp(s, "-") == 0)
		return err_set_line(e, ERR_INVALID, line,
				    "%s id may not be \"-\"", what);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == ',' || s[i] == '"')
			return err_set_line(e, ERR_INVALID, line,
					    "%s id has a forbidden character",
					    what);
	return 0;
}

static int mode_parse(int *mode, const char *s)
{
	static const struct { const char *name; int mode; } t[] = {
		{ "same", NURSERY_FAM_SAME },     { "prefer", NURSERY_FAM_PREFER },
		{ "indep", NURSERY_FAM_INDEP },   { "joint", NURSERY_FAM_JOINT },
		{ "1", NURSERY_FAM_SAME },        { "2", NURSERY_FAM_PREFER },
		{ "3", NURSERY_FAM_PREFER },      { "4", NURSERY_FAM_PREFER },
		{ "5", NURSERY_FAM_PREFER },      { "6", NURSERY_FAM_INDEP },
		{ "7", NURSERY_FAM_INDEP },       { "同保同時", NURSERY_FAM_SAME },
		{ "同保希望", NURSERY_FAM_PREFER }, { "別保可", NURSERY_FAM_INDEP },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0) {
			*mode = t[i].mode;
			return 0;
		}
	return -1;
}

static const char *mode_name(int mode)
{
	switch (mode) {
	case NURSERY_FAM_SAME: return "same";
	case NURSERY_FAM_PREFER: return "prefer";
	case NURSERY_FAM_JOINT: return "joint";
	default: return "indep";
	}
}

struct lines {
	const char *buf;
	size_t len, pos;
	long line;
};

/* next logical line: returns 0 at the end */
static int next_line(struct lines *L, const char **s, size_t *n)
{
	while (L->pos < L->len) {
		const char *p = L->buf + L->pos;
		const char *nl = memchr(p, '\n', L->len - L->pos);
		size_t m = nl ? (size_t)(nl - p) : L->len - L->pos;
		L->pos += m + (nl ? 1 : 0);
		L->line++;
		if (m && p[m - 1] == '\r')
			m--;
		size_t k = 0;
		while (k < m && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k == m || p[k] == '#')
			continue;
		*s = p;
		*n = m;
		return 1;
	}
	return 0;
}

static int is_header(const struct fields *fl)
{
	return fl->n > 0 && (strcmp(fl->f[0], "type") == 0 ||
			     strcmp(fl->f[0], "種別") == 0);
}

static int parse_share(struct nursery_facility *fa, const char *s, long line,
		       struct err *e)
{
	for (int a = 0; a < NURSERY_AGES; a++)
		fa->group[a] = (unsigned char)a;
	if (!*s || strcmp(s, "-") == 0)
		return 0;
	if (strncmp(s, "share=", 6) == 0)
		s += 6;
	const char *p = s;
	while (*p) {
		if (p[0] < '0' || p[0] > '5' || p[1] != '-' || p[2] < '0' ||
		    p[2] > '5' || p[2] <= p[0] ||
		    (p[3] && p[3] != ';' && p[3] != '/'))
			return err_set_line(e, ERR_INVALID, line,
					    "share groups must look like 0-1 "
					    "or 0-1;4-5");
		int a = p[0] - '0', b = p[2] - '0';
		for (int x = a; x <= b; x++) {
			if (fa->group[x] != x)
				return err_set_line(e, ERR_INVALID, line,
						    "share groups overlap");
			fa->group[x] = (unsigned char)a;
		}
		p += 3;
		if (*p)
			p++;
	}
	return 0;
}

/*
 * H,<family or child>,<reason>,<days/month>,<hours/day>[,<reason>,<days>,
 *   <hours>][,<adjustment>;<adjustment>...]
 * Household data scored with the ward's rule table: sets the score and
 * reason rank of the children whose C line has "*" there.  A second
 * guardian "-" (or none) is scored as absent.
 */
static int parse_household(struct nursery_instance *in,
			   const struct fields *fl, long ln,
			   const struct nursery_rules *rules, struct err *e)
{
	if (!rules)
		return err_set_line(e, ERR_INVALID, ln,
				    "H line but no rule table given (--rules)");
	if (fl->n < 5 || fl->n > 9)
		return err_set_line(e, ERR_INVALID, ln,
				    "H needs an id, one or two guardians "
				    "(reason, days, hours) and adjustments");
	if (fl->n == 7)
		return err_set_line(e, ERR_INVALID, ln,
				    "guardian 2 needs reason, days and hours");
	struct nursery_guardian g[2];
	int ng = fl->n >= 8 ? 2 : 1;
	if (ng == 2 && (!strcmp(fl->f[5], "-") || fl->len[5] == 0))
		ng = 1;
	memset(g, 0, sizeof g);
	for (int k = 0; k < ng; k++) {
		int b = 2 + 3 * k;
		snprintf(g[k].reason, sizeof g[k].reason, "%s", fl->f[b]);
		char *end;
		long d = strtol(fl->f[b + 1], &end, 10);
		if (*end || !fl->len[b + 1] || d < 0 || d > 31)
			return err_set_line(e, ERR_INVALID, ln,
					    "guardian %d: days per month", k + 1);
		double h = strtod(fl->f[b + 2], &end);
		if (*end || !fl->len[b + 2] || h < 0 || h > 24)
			return err_set_line(e, ERR_INVALID, ln,
					    "guardian %d: hours per day", k + 1);
		g[k].days_month = (int)d;
		g[k].hours_day = h;
	}
	const char *adj[16];
	int na = 0;
	char abuf[512];
	if (fl->n == 9 || fl->n == 6) {
		snprintf(abuf, sizeof abuf, "%s", fl->f[fl->n - 1]);
		char *save = NULL;
		for (char *t = strtok_r(abuf, ";", &save); t && na < 16;
		     t = strtok_r(NULL, ";", &save))
			adj[na++] = t;
	}
	int score, rank;
	struct err e2;
	err_clear(&e2);
	if (nursery_rules_score(&score, &rank, rules,
				&(struct nursery_household){ .guardians = g, .nguardians = ng,
							     .adjust = adj, .nadjust = na },
				&e2))
		return err_set_line(e, ERR_INVALID, ln, "%s", e2.detail);
	int f = nursery_index_find(in, 2, fl->f[1], fl->len[1]);
	int c = f < 0 ? nursery_index_find(in, 1, fl->f[1], fl->len[1]) : -1;
	if (f < 0 && c < 0)
		return err_set_line(e, ERR_NOTFOUND, ln,
				    "unknown family or child %.64s", fl->f[1]);
	for (int i = 0; i < in->nchild; i++) {
		struct nursery_child *ch = &in->child[i];
		if (f >= 0 ? ch->family != f : i != c)
			continue;
		if (ch->score < 0)
			ch->score = score;
		if (ch->tb[0] < 0)
			ch->tb[0] = rank;
	}
	return 0;
}

static int parse_body(struct nursery_instance *in, const char *buf,
		      size_t len, const struct nursery_rules *rules,
		      struct err *e)
{
	struct fields *fl = malloc(sizeof *fl);
	if (!fl)
		return err_set(e, ERR_NOMEM, "out of memory");
	struct nursery_joint_raw *joint = NULL;
	size_t njoint = 0;
	int *jcomp = NULL;
	int rc = 0, dup;
	const char *s;
	size_t n;
	/* pass 1 */
	struct lines L = { buf, len, 0, 0 };
	long nN = 0, nF = 0, nC = 0, nJ = 0;
	size_t npref = 0;
	while (next_line(&L, &s, &n)) {
		if ((rc = split(fl, s, n, L.line, e)))
			goto out;
		if (is_header(fl) || fl->n == 0)
			continue;
		if (!strcmp(fl->f[0], "N"))
			nN++;
		else if (!strcmp(fl->f[0], "F"))
			nF++;
		else if (!strcmp(fl->f[0], "C")) {
			nC++;
			if (fl->n > 9)
				npref += (size_t)(fl->n - 9);
		} else if (!strcmp(fl->f[0], "J"))
			nJ++;
		else if (strcmp(fl->f[0], "B") && strcmp(fl->f[0], "V") &&
			 strcmp(fl->f[0], "H")) {
			rc = err_set_line(e, ERR_INVALID, L.line,
					  "unknown record type \"%.8s\"",
					  fl->f[0]);
			goto out;
		}
	}
	if (nN > NURSERY_FACILITIES_MAX || nC > NURSERY_CHILDREN_MAX) {
		rc = err_set(e, ERR_LIMIT, "more than %d nurseries or %d "
				"children", NURSERY_FACILITIES_MAX,
			     NURSERY_CHILDREN_MAX);
		goto out;
	}
	in->fac = calloc((size_t)nN + 1, sizeof *in->fac);
	in->fam = calloc((size_t)(nF + nC) + 1, sizeof *in->fam);
	in->child = calloc((size_t)nC + 1, sizeof *in->child);
	in->pref_fac = malloc(sizeof(int) * (npref + 1));
	in->pref_bonus = calloc(npref + 1, sizeof(int));
	joint = calloc((size_t)nJ + 1, sizeof *joint);
	jcomp = malloc(sizeof(int) * ((size_t)nJ * NURSERY_FAMILY_MAX + 1));
	if (!in->fac || !in->fam || !in->child || !in->pref_fac ||
	    !in->pref_bonus || !joint || !jcomp) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	L = (struct lines){ buf, len, 0, 0 };
	while (next_line(&L, &s, &n)) {
		split(fl, s, n, L.line, NULL);
		if (is_header(fl) || fl->n == 0)
			continue;
		long ln = L.line;
		if (!strcmp(fl->f[0], "N")) {
			if (fl->n < 8 || fl->n > 9) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "N needs an id, six seat "
						  "counts and an optional "
						  "share");
				goto out;
			}
			if ((rc = check_id(fl->f[1], fl->len[1], ln, "nursery",
					   e)))
				goto out;
			struct nursery_facility *fa = &in->fac[in->nfac];
			fa->id = nursery_strdup(in, fl->f[1], fl->len[1]);
			fa->line = ln;
			if (!fa->id) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				goto out;
			}
			for (int a = 0; a < NURSERY_AGES; a++) {
				char what[32];
				snprintf(what, sizeof what, "seats of age %d", a);
				if ((rc = parse_int(&fa->cap[a], fl->f[2 + a], 0,
						    100000, ln, what, e)))
					goto out;
			}
			if ((rc = parse_share(fa, fl->n > 8 ? fl->f[8] : "", ln,
					      e)))
				goto out;
			int r = nursery_index_put(in, 0, fa->id, in->nfac, &dup);
			if (r < 0) {
				rc = err_set(e, r, "out of memory");
				goto out;
			}
			if (dup) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "nursery %s defined twice "
						  "(first on line %ld)",
						  fa->id, in->fac[r].line);
				goto out;
			}
			in->nfac++;
		} else if (!strcmp(fl->f[0], "F")) {
			if (fl->n != 4) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "F needs an id, a mode and a "
						  "number of children");
				goto out;
			}
			if ((rc = check_id(fl->f[1], fl->len[1], ln, "family",
					   e)))
				goto out;
			struct nursery_family *fm = &in->fam[in->nfam];
			fm->id = nursery_strdup(in, fl->f[1], fl->len[1]);
			fm->line = ln;
			fm->declared = 1;
			if (!fm->id) {
				rc = err_set(e, ERR_NOMEM, "out of memory");
				goto out;
			}
			if (mode_parse(&fm->mode, fl->f[2])) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "unknown sibling mode (same, "
						  "prefer, indep, joint, 1..7)");
				goto out;
			}
			if ((rc = parse_int(&fm->nchild, fl->f[3], 1,
					    NURSERY_FAMILY_MAX, ln,
					    "number of children", e)))
				goto out;
			int r = nursery_index_put(in, 2, fm->id, in->nfam, &dup);
			if (r < 0) {
				rc = err_set(e, r, "out of memory");
				goto out;
			}
			if (dup) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "family %s defined twice",
						  fm->id);
				goto out;
			}
			in->nfam++;
		}
	}
	/* pass 2: children */
	L = (struct lines){ buf, len, 0, 0 };
	while (next_line(&L, &s, &n)) {
		split(fl, s, n, L.line, NULL);
		if (fl->n == 0 || strcmp(fl->f[0], "C"))
			continue;
		long ln = L.line;
		if (fl->n < 9) {
			rc = err_set_line(e, ERR_INVALID, ln,
					  "C needs id, family, age, score, "
					  "three tie-break keys and current "
					  "nursery");
			goto out;
		}
		if (fl->n - 9 > NURSERY_PREFS_MAX) {
			rc = err_set_line(e, ERR_LIMIT, ln,
					  "more than %d preferences",
					  NURSERY_PREFS_MAX);
			goto out;
		}
		if ((rc = check_id(fl->f[1], fl->len[1], ln, "child", e)))
			goto out;
		int c = in->nchild;
		struct nursery_child *ch = &in->child[c];
		ch->id = nursery_strdup(in, fl->f[1], fl->len[1]);
		ch->line = ln;
		if (!ch->id) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			goto out;
		}
		int r = nursery_index_put(in, 1, ch->id, c, &dup);
		if (r < 0) {
			rc = err_set(e, r, "out of memory");
			goto out;
		}
		if (dup) {
			rc = err_set_line(e, ERR_INVALID, ln,
					  "child %s defined twice (first on "
					  "line %ld)",
					  ch->id, in->child[r].line);
			goto out;
		}
		if (fl->len[2] == 0 || !strcmp(fl->f[2], "-")) {
			struct nursery_family *fm = &in->fam[in->nfam];
			fm->mode = NURSERY_FAM_SINGLE;
			fm->line = ln;
			ch->family = in->nfam++;
		} else {
			int f = nursery_index_find(in, 2, fl->f[2], fl->len[2]);
			if (f < 0) {
				rc = err_set_line(e, ERR_NOTFOUND, ln,
						  "unknown family %.64s",
						  fl->f[2]);
				goto out;
			}
			ch->family = f;
		}
		if ((rc = parse_int(&ch->age, fl->f[3], 0, NURSERY_AGES - 1, ln,
				    "age", e)) ||
		    (strcmp(fl->f[4], "*") &&
		     (rc = parse_int(&ch->score, fl->f[4], 0, NURSERY_SCORE_MAX,
				     ln, "score", e))) ||
		    (strcmp(fl->f[5], "*") &&
		     (rc = parse_int(&ch->tb[0], fl->f[5], 0, NURSERY_TB_MAX, ln,
				     "reason rank", e))) ||
		    (rc = parse_int(&ch->tb[1], fl->f[6], 0, NURSERY_TB_MAX, ln,
				    "income", e)) ||
		    (rc = parse_int(&ch->tb[2], fl->f[7], 0, NURSERY_TB_MAX, ln,
				    "lottery", e)))
			goto out;
		if (!strcmp(fl->f[4], "*"))
			ch->score = -1;   /* from an H line and the rule table */
		if (!strcmp(fl->f[5], "*"))
			ch->tb[0] = -1;
		ch->cur = -1;
		if (fl->len[8] && strcmp(fl->f[8], "-")) {
			ch->cur = nursery_index_find(in, 0, fl->f[8],
						     fl->len[8]);
			if (ch->cur < 0) {
				rc = err_set_line(e, ERR_NOTFOUND, ln,
						  "unknown current nursery "
						  "%.64s",
						  fl->f[8]);
				goto out;
			}
		}
		ch->pref_off = in->npref;
		for (int k = 9; k < fl->n; k++) {
			if (fl->len[k] == 0) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "empty preference %d", k - 8);
				goto out;
			}
			int d = nursery_index_find(in, 0, fl->f[k], fl->len[k]);
			if (d < 0) {
				rc = err_set_line(e, ERR_NOTFOUND, ln,
						  "unknown nursery %.64s in "
						  "preference %d",
						  fl->f[k], k - 8);
				goto out;
			}
			for (int j = 0; j < ch->npref; j++)
				if (in->pref_fac[ch->pref_off + (size_t)j] == d) {
					rc = err_set_line(
						e, ERR_INVALID, ln,
						"nursery %s listed twice "
						"(preferences %d and %d)",
						in->fac[d].id, j + 1, k - 8);
					goto out;
				}
			if (d == ch->cur) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "current nursery %s listed "
						  "as a preference",
						  in->fac[d].id);
				goto out;
			}
			in->pref_fac[in->npref++] = d;
			ch->npref++;
		}
		in->nchild++;
	}
	/* pass 3: bonuses and joint lists */
	L = (struct lines){ buf, len, 0, 0 };
	while (next_line(&L, &s, &n)) {
		split(fl, s, n, L.line, NULL);
		if (fl->n == 0)
			continue;
		long ln = L.line;
		if (!strcmp(fl->f[0], "B")) {
			if (fl->n != 4) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "B needs child, nursery, "
						  "bonus");
				goto out;
			}
			int c = nursery_index_find(in, 1, fl->f[1], fl->len[1]);
			int d = nursery_index_find(in, 0, fl->f[2], fl->len[2]);
			int b;
			if (c < 0 || d < 0) {
				rc = err_set_line(e, ERR_NOTFOUND, ln,
						  "unknown %s %.64s",
						  c < 0 ? "child" : "nursery",
						  c < 0 ? fl->f[1] : fl->f[2]);
				goto out;
			}
			if ((rc = parse_int(&b, fl->f[3], -NURSERY_BONUS_MAX,
					    NURSERY_BONUS_MAX, ln, "bonus", e)))
				goto out;
			const struct nursery_child *ch = &in->child[c];
			int k;
			for (k = 0; k < ch->npref; k++)
				if (in->pref_fac[ch->pref_off + (size_t)k] == d)
					break;
			if (k == ch->npref) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "bonus for a nursery child "
						  "%s did not list",
						  ch->id);
				goto out;
			}
			in->pref_bonus[ch->pref_off + (size_t)k] += b;
		} else if (!strcmp(fl->f[0], "H")) {
			if ((rc = parse_household(in, fl, ln, rules, e)))
				goto out;
		} else if (!strcmp(fl->f[0], "J")) {
			if (fl->n < 2) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "J needs a family");
				goto out;
			}
			int f = nursery_index_find(in, 2, fl->f[1], fl->len[1]);
			if (f < 0) {
				rc = err_set_line(e, ERR_NOTFOUND, ln,
						  "unknown family %.64s",
						  fl->f[1]);
				goto out;
			}
			int nc = in->fam[f].nchild;
			/* trailing "-" fields were dropped as empty? no: "-"
			 * is not empty, only truly empty fields are */
			if (fl->n - 2 != nc) {
				rc = err_set_line(e, ERR_INVALID, ln,
						  "J for family %s needs %d "
						  "entries, got %d",
						  in->fam[f].id, nc, fl->n - 2);
				goto out;
			}
			struct nursery_joint_raw *j = &joint[njoint];
			j->fam = f;
			j->line = ln;
			j->comp = jcomp + njoint * NURSERY_FAMILY_MAX;
			for (int i = 0; i < nc; i++) {
				const char *x = fl->f[2 + i];
				if (!strcmp(x, "-")) {
					j->comp[i] = -1;
					continue;
				}
				j->comp[i] = nursery_index_find(in, 0, x,
								fl->len[2 + i]);
				if (j->comp[i] < 0) {
					rc = err_set_line(e, ERR_NOTFOUND, ln,
							  "unknown nursery "
							  "%.64s",
							  x);
					goto out;
				}
			}
			njoint++;
		}
	}
	for (int c = 0; c < in->nchild; c++)
		if (in->child[c].score < 0 || in->child[c].tb[0] < 0) {
			rc = err_set_line(e, ERR_INVALID, in->child[c].line,
					  "child %s: score or reason rank \"*\" "
					  "but no H line",
					  in->child[c].id);
			goto out;
		}
	rc = nursery_instance_finish(in, joint, njoint, e);
out:
	free(joint);
	free(jcomp);
	free(fl);
	return rc;
}

int nursery_instance_parse(struct nursery_instance **out, const char *buf,
			   size_t len, struct err *e)
{
	return nursery_instance_parse_rules(out, buf, len, NULL, e);
}

int nursery_instance_parse_rules(struct nursery_instance **out,
				 const char *buf, size_t len,
				 const struct nursery_rules *rules,
				 struct err *e)
{
	*out = NULL;
	if (len > NURSERY_INPUT_MAX)
		return err_set(e, ERR_LIMIT, "input larger than %zu bytes",
			       NURSERY_INPUT_MAX);
	const char *u;
	size_t ulen;
	char *owned;
	int rc = nursery_text_to_utf8(&u, &ulen, &owned, buf, len, e);
	if (rc)
		return rc;
	struct nursery_instance *in = calloc(1, sizeof *in);
	if (!in) {
		free(owned);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = parse_body(in, u, ulen, rules, e);
	free(owned);
	if (rc) {
		nursery_instance_free(in);
		return rc;
	}
	*out = in;
	return 0;
}

int nursery_instance_load(struct nursery_instance **out, const char *path,
			  struct err *e)
{
	return nursery_instance_load_rules(out, path, NULL, e);
}

int nursery_instance_load_rules(struct nursery_instance **out,
				const char *path,
				const struct nursery_rules *rules,
				struct err *e)
{
	char *buf;
	size_t len;
	*out = NULL;
	int rc = nursery_file_read(&buf, &len, path, e);
	if (rc)
		return rc;
	rc = nursery_instance_parse_rules(out, buf, len, rules, e);
	free(buf);
	return rc;
}

int nursery_instance_write(const struct nursery_instance *in, FILE *f,
			   struct err *e)
{
	fprintf(f, "# madoguchi nursery instance, format 1 (docs/nursery.md)\n"
		   "# %d nurseries, %d children, %d families\n",
		in->nfac, in->nchild, in->nfam);
	for (int d = 0; d < in->nfac; d++) {
		const struct nursery_facility *fa = &in->fac[d];
		fprintf(f, "N,%s", fa->id);
		for (int a = 0; a < NURSERY_AGES; a++)
			fprintf(f, ",%d", fa->cap[a]);
		int any = 0;
		for (int a = 0; a < NURSERY_AGES; a++) {
			if (fa->group[a] != a || (a + 1 < NURSERY_AGES &&
						  fa->group[a + 1] == a))
				any = 1;
		}
		if (any) {
			fputc(',', f);
			int first = 1;
			for (int a = 0; a < NURSERY_AGES; a++) {
				if (fa->group[a] != a)
					continue;
				int b = a;
				while (b + 1 < NURSERY_AGES &&
				       fa->group[b + 1] == a)
					b++;
				if (b > a) {
					fprintf(f, "%s%d-%d", first ? "" : ";", a,
						b);
					first = 0;
				}
			}
		}
		fputc('\n', f);
	}
	for (int m = 0; m < in->nfam; m++) {
		const struct nursery_family *fm = &in->fam[m];
		if (fm->declared)
			fprintf(f, "F,%s,%s,%d\n", fm->id, mode_name(fm->mode),
				fm->nchild);
	}
	for (int c = 0; c < in->nchild; c++) {
		const struct nursery_child *ch = &in->child[c];
		const struct nursery_family *fm = &in->fam[ch->family];
		fprintf(f, "C,%s,%s,%d,%d,%d,%d,%d,%s", ch->id,
			fm->declared ? fm->id : "-", ch->age, ch->score,
			ch->tb[0], ch->tb[1], ch->tb[2],
			ch->cur >= 0 ? in->fac[ch->cur].id : "-");
		for (int k = 0; k < ch->npref; k++)
			fprintf(f, ",%s",
				in->fac[in->pref_fac[ch->pref_off + (size_t)k]].id);
		fputc('\n', f);
	}
	for (int c = 0; c < in->nchild; c++) {
		const struct nursery_child *ch = &in->child[c];
		for (int k = 0; k < ch->npref; k++) {
			size_t p = ch->pref_off + (size_t)k;
			if (in->pref_bonus[p])
				fprintf(f, "B,%s,%s,%d\n", ch->id,
					in->fac[in->pref_fac[p]].id,
					in->pref_bonus[p]);
		}
	}
	for (int m = 0; m < in->nfam; m++) {
		const struct nursery_family *fm = &in->fam[m];
		if (fm->mode != NURSERY_FAM_JOINT || !fm->tupled)
			continue;
		for (int o = 0; o < fm->ntuple; o++) {
			fprintf(f, "J,%s", fm->id);
			for (int i = 0; i < fm->nchild; i++) {
				int d = in->tuple_fac[fm->tuple_off +
						      (size_t)o * (size_t)fm->nchild +
						      (size_t)i];
				int c = in->fam_child[fm->child_off + (size_t)i];
				fprintf(f, ",%s",
					d < 0 || d == in->child[c].cur
						? "-"
						: in->fac[d].id);
			}
			fputc('\n', f);
		}
	}
	if (ferror(f))
		return err_set(e, ERR_IO, "write failed");
	return 0;
}
