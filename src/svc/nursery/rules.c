/*
 * rules.c -- a ward's 利用調整基準 as data: base index per guardian by
 * reason, working days and hours; adjustment points; how the guardians'
 * indices combine.  Format (data/nursery/NAME.rules, one directive a line,
 * '#' comments, fields separated by blanks):
 *
 *   name <ward>
 *   combine sum | min2          # sum of guardians, or 2 x the lower one
 *   base <reason> <min days/month> <min hours/day> <points> <reason rank>
 *   adjust <code> <points>
 *   tiebreak reason income lottery
 *
 * The first `base` line whose reason matches and whose minimum days and
 * hours are met gives the guardian's points; file order is the table's
 * order.  A household with one guardian is scored with a guardian of
 * reason "absent".  Limits: 256 base lines, 128 adjustments, 64 KiB.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

#define RULES_BASE_MAX 256
#define RULES_ADJ_MAX 128
#define RULES_BYTES_MAX 65536

struct rule_base {
	char reason[24];
	int min_days;
	double min_hours;
	int points;
	int rank;
};

struct rule_adj {
	char code[32];
	int points;
};

struct nursery_rules {
	char name[64];
	int min2;
	int nbase, nadj;
	struct rule_base base[RULES_BASE_MAX];
	struct rule_adj adj[RULES_ADJ_MAX];
};

static int words(char *s, char **w, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *p = strtok_r(s, " \t\r", &save); p && n < max;
	     p = strtok_r(NULL, " \t\r", &save))
		w[n++] = p;
	return n;
}

int nursery_rules_parse(struct nursery_rules **out, const char *buf,
			size_t len, struct err *e)
{
	*out = NULL;
	if (len > RULES_BYTES_MAX)
		return err_set(e, ERR_LIMIT, "rule table larger than %d bytes",
			       RULES_BYTES_MAX);
	struct nursery_rules *r = calloc(1, sizeof *r);
	if (!r)
		return err_set(e, ERR_NOMEM, "out of memory");
	long line = 0;
	size_t pos = 0;
	int rc = 0;
	while (pos < len && !rc) {
		const char *p = buf + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		pos += n + 1;
		line++;
		char tmp[512];
		if (n >= sizeof tmp) {
			rc = err_set_line(e, ERR_LIMIT, line, "line too long");
			break;
		}
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		char *hash = strchr(tmp, '#');
		if (hash)
			*hash = '\0';
		char *w[8];
		int nw = words(tmp, w, 8);
		if (nw == 0)
			continue;
		if (!strcmp(w[0], "name") && nw == 2) {
			snprintf(r->name, sizeof r->name, "%s", w[1]);
		} else if (!strcmp(w[0], "combine") && nw == 2) {
			if (!strcmp(w[1], "sum"))
				r->min2 = 0;
			else if (!strcmp(w[1], "min2"))
				r->min2 = 1;
			else
				rc = err_set_line(e, ERR_INVALID, line,
						  "combine is sum or min2");
		} else if (!strcmp(w[0], "base") && nw == 6) {
			if (r->nbase == RULES_BASE_MAX) {
				rc = err_set_line(e, ERR_LIMIT, line,
						  "too many base lines");
				break;
			}
			struct rule_base *b = &r->base[r->nbase++];
			char *end1, *end2, *end3, *end4;
			snprintf(b->reason, sizeof b->reason, "%s", w[1]);
			b->min_days = (int)strtol(w[2], &end1, 10);
			b->min_hours = strtod(w[3], &end2);
			b->points = (int)strtol(w[4], &end3, 10);
			b->rank = (int)strtol(w[5], &end4, 10);
			if (*end1 || *end2 || *end3 || *end4 || b->points < 0 ||
			    b->rank < 0)
				rc = err_set_line(e, ERR_INVALID, line,
						  "base <reason> <days> <hours> "
						  "<points> <rank>");
		} else if (!strcmp(w[0], "adjust") && nw == 3) {
			if (r->nadj == RULES_ADJ_MAX) {
				rc = err_set_line(e, ERR_LIMIT, line,
						  "too many adjustments");
				break;
			}
			struct rule_adj *a = &r->adj[r->nadj++];
			char *end;
			snprintf(a->code, sizeof a->code, "%s", w[1]);
			a->points = (int)strtol(w[2], &end, 10);
			if (*end)
				rc = err_set_line(e, ERR_INVALID, line,
						  "adjust <code> <points>");
		} else if (!strcmp(w[0], "tiebreak")) {
			/* the order is fixed: reason, income, lottery */
			if (nw != 4 || strcmp(w[1], "reason") ||
			    strcmp(w[2], "income") || strcmp(w[3], "lottery"))
				rc = err_set_line(e, ERR_INVALID, line,
						  "tiebreak must be: reason "
						  "income lottery");
		} else {
			rc = err_set_line(e, ERR_INVALID, line,
					  "unknown directive %.16s", w[0]);
		}
	}
	if (!rc && r->nbase == 0)
		rc = err_set(e, ERR_INVALID, "rule table has no base line");
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int nursery_rules_load(struct nursery_rules **out, const char *path,
		       struct err *e)
{
	char *buf;
	size_t len;
	int rc = nursery_file_read(&buf, &len, path, e);
	if (rc)
		return rc;
	rc = nursery_rules_parse(out, buf, len, e);
	free(buf);
	return rc;
}

void nursery_rules_free(struct nursery_rules *r) { free(r); }

const char *nursery_rules_name(const struct nursery_rules *r)
{
	return r->name;
}

int nursery_rules_adjust_count(const struct nursery_rules *r)
{
	return r->nadj;
}

const char *nursery_rules_adjust_name(const struct nursery_rules *r, int i)
{
	return i >= 0 && i < r->nadj ? r->adj[i].code : NULL;
}

static int guardian_points(const struct nursery_rules *r,
			   const struct nursery_guardian *g, int *points,
			   int *rank)
{
	for (int i = 0; i < r->nbase; i++) {
		const struct rule_base *b = &r->base[i];
		if (strcmp(b->reason, g->reason))
			continue;
		if (g->days_month >= b->min_days &&
		    g->hours_day + 1e-9 >= b->min_hours) {
			*points = b->points;
			*rank = b->rank;
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

int nursery_rules_score(int *score, int *reason_rank,
			const struct nursery_rules *r,
			const struct nursery_household *hh, struct err *e)
{
	const struct nursery_guardian *g = hh->guardians;
	int ng = hh->nguardians;
	const char *const *adjust = hh->adjust;
	int nadjust = hh->nadjust;
	int pts[2], rk[2];
	struct nursery_guardian absent = { .reason = "absent" };
	if (ng < 1 || ng > 2)
		return err_set(e, ERR_INVALID, "one or two guardians");
	for (int i = 0; i < 2; i++) {
		const struct nursery_guardian *x = i < ng ? &g[i] : &absent;
		if (guardian_points(r, x, &pts[i], &rk[i]))
			return err_set(e, ERR_NOTFOUND,
				       "no base line for reason %.24s",
				       x->reason);
	}
	int s = r->min2 ? 2 * (pts[0] < pts[1] ? pts[0] : pts[1])
			: pts[0] + pts[1];
	for (int i = 0; i < nadjust; i++) {
		int k;
		for (k = 0; k < r->nadj; k++)
			if (!strcmp(r->adj[k].code, adjust[i]))
				break;
		if (k == r->nadj)
			return err_set(e, ERR_NOTFOUND,
				       "unknown adjustment %.32s", adjust[i]);
		s += r->adj[k].points;
	}
	*score = s < 0 ? 0 : s;
	*reason_rank = rk[0] > rk[1] ? rk[0] : rk[1];
	return 0;
}
