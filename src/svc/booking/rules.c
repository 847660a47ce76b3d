/*
 * rules.c -- the rules of facility reservations as data (booking.h,
 * "Rules as data"; README.md has the text format): the parser of a
 * municipality's rules text, the instants a rule gives (a round's entry
 * window, draw and end of confirming; the 空き枠 and キャンセル枠
 * openings; the end of a hold, of paying, of free cancellation) and the
 * stored text (table booking_rules, one row per municipality).
 *
 * Invariants: a parsed rules value always passed every check below, so
 * the times it gives are ordered in every month (the draw after its
 * entry window, a round's entries after the previous round's draw,
 * winners confirmed before the month of use, 空き枠 after the last
 * draw); a text that does not parse is never stored.  All times are JST
 * (jp/date.h); a day past a month's end is that month's last day.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jp/text.h"
#include "store/store.h"
#include "svc/booking/booking.h"

/* ------------------------------------------------------------------ */
/* The keys                                                            */

enum vtype { V_NAME, V_INT, V_HHMM, V_HHMM_NONE, V_WHO, V_YESNO, V_ALLOC };

struct key {
	const char *name;
	enum vtype t;
	int min, max;
	size_t off;                /* into struct booking_rule or _round_rule */
	int required;
};

#define KR(f) offsetof(struct booking_rule, f)
#define RR(f) offsetof(struct booking_round_rule, f)

static const struct key kind_keys[] = {
	{ "name_ja", V_NAME, 1, BOOKING_NAME_MAX, KR(name_ja), 1 },
	{ "name_en", V_NAME, 1, BOOKING_NAME_MAX, KR(name_en), 1 },
	{ "open_months_before", V_INT, 0, 24, KR(open_months_before), 1 },
	{ "open_day", V_INT, 1, 31, KR(open_day), 1 },
	{ "open_time", V_HHMM, 0, 0, KR(open_min), 1 },
	{ "who", V_WHO, 0, 0, KR(who), 1 },
	{ "hold_minutes", V_INT, 1, 1440, KR(hold_minutes), 1 },
	{ "pay_days", V_INT, 0, 400, KR(pay_days), 1 },
	{ "pay_before_days", V_INT, 0, 365, KR(pay_before_days), 1 },
	{ "cancel_time", V_HHMM_NONE, 0, 0, KR(cancel_min), 1 },
	{ "cancel_one_per_group", V_YESNO, 0, 1, KR(cancel_one_per_group), 0 },
	{ "cancel_free_days", V_INT, 0, 365, KR(cancel_free_days), 1 },
	{ "cancel_fee_percent", V_INT, 0, 100, KR(cancel_fee_percent), 1 },
	{ "fair_pool_seconds", V_INT, 0, 60, KR(fair_pool_seconds), 0 },
	{ "days_ahead_max", V_INT, 1, 1096, KR(days_ahead_max), 1 },
};
#define NKIND_KEYS ((int)(sizeof kind_keys / sizeof kind_keys[0]))

static const struct key round_keys[] = {
	{ "name_ja", V_NAME, 1, BOOKING_NAME_MAX, RR(name_ja), 1 },
	{ "name_en", V_NAME, 1, BOOKING_NAME_MAX, RR(name_en), 1 },
	{ "who", V_WHO, 0, 0, RR(who), 1 },
	{ "months_before", V_INT, 1, 24, RR(months_before), 1 },
	{ "entry_from_day", V_INT, 1, 31, RR(entry_from_day), 1 },
	{ "entry_to_day", V_INT, 1, 31, RR(entry_to_day), 1 },
	{ "draw_day", V_INT, 1, 31, RR(draw_day), 1 },
	{ "draw_time", V_HHMM, 0, 0, RR(draw_min), 1 },
	{ "entries_cap", V_INT, 1, 1000, RR(entries_cap), 1 },
	{ "wins_cap", V_INT, 1, 1000, RR(wins_cap), 1 },
	{ "choices_max", V_INT, 1, BOOKING_CHOICES_MAX, RR(choices_max), 1 },
	{ "confirm_days", V_INT, 0, 60, RR(confirm_days), 1 },
	{ "allocation", V_ALLOC, 0, 0, RR(alloc), 1 },
};
#define NROUND_KEYS ((int)(sizeof round_keys / sizeof round_keys[0]))
#define NKEYS_MAX 16

/* where each value was written (for the consistency checks' lines) */
struct lines {
	long kind, kind_keys[NKEYS_MAX];
	long round[BOOKING_ROUNDS_MAX], round_keys[BOOKING_ROUNDS_MAX][NKEYS_MAX];
};

static int key_index(const struct key *keys, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(keys[i].name, name))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* a decimal 0..max of digits only; -1 when not */
static long uint_parse(const char *s, long max)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

/* "HH:MM", 00:00..23:59: minutes; -1 when not */
static int hhmm_parse(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* "sazanka, ward": the bits; 0 when not a list of distinct names */
static int who_parse(const char *s)
{
	int who = 0;
	while (1) {
		while (*s == ' ' || *s == '\t')
			s++;
		const char *w = s;
		while (*s && *s != ',' && *s != ' ' && *s != '\t')
			s++;
		size_t n = (size_t)(s - w);
		int bit = n == 7 && !memcmp(w, "sazanka", 7) ? BOOKING_WHO_SAZANKA
			: n == 4 && !memcmp(w, "ward", 4)     ? BOOKING_WHO_WARD
			: n == 7 && !memcmp(w, "outside", 7)  ? BOOKING_WHO_OUTSIDE
							      : 0;
		if (!bit || (who & bit))
			return 0;
		who |= bit;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return who;
		if (*s != ',')
			return 0;
		s++;
	}
}

static int value_set(void *base, const struct key *k, const char *v, long line, struct err *e)
{
	int *ip = (int *)((char *)base + k->off);
	long n;
	switch (k->t) {
	case V_NAME:
		if (strlen(v) > (size_t)k->max)
			return err_set_line(e, ERR_LIMIT, line, "%s longer than %d bytes", k->name, k->max);
		memcpy((char *)base + k->off, v, strlen(v) + 1);
		return 0;
	case V_INT:
		n = uint_parse(v, 1000000);
		if (n < k->min || n > k->max)
			return err_set_line(e, ERR_INVALID, line, "%s must be a whole number from %d to %d",
					    k->name, k->min, k->max);
		*ip = (int)n;
		return 0;
	case V_HHMM:
	case V_HHMM_NONE:
		if (k->t == V_HHMM_NONE && !strcmp(v, "none")) {
			*ip = -1;
			return 0;
		}
		if ((*ip = hhmm_parse(v)) < 0)
			return err_set_line(e, ERR_INVALID, line, "%s must be HH:MM (00:00 to 23:59)%s", k->name,
					    k->t == V_HHMM_NONE ? " or none" : "");
		return 0;
	case V_WHO:
		if (!(*ip = who_parse(v)))
			return err_set_line(e, ERR_INVALID, line,
					    "%s must list sazanka, ward, outside (comma, each once)", k->name);
		return 0;
	case V_YESNO:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return err_set_line(e, ERR_INVALID, line, "%s must be yes or no", k->name);
		*ip = !strcmp(v, "yes");
		return 0;
	case V_ALLOC:
		if (!strcmp(v, "order"))
			*ip = BOOKING_ALLOC_ORDER;
		else if (!strcmp(v, "per_slot"))
			*ip = BOOKING_ALLOC_PER_SLOT;
		else
			return err_set_line(e, ERR_INVALID, line, "%s must be order or per_slot", k->name);
		return 0;
	}
	return err_set_line(e, ERR_INTERNAL, line, "key type");
}

/* ------------------------------------------------------------------ */
/* Times                                                               */

/* day d (1..31) of the month `back` months before month (yyyymm),
 * clamped to the month's last day; 0 when the month is out of range */
static int month_day(struct jp_date *out, int month, int back, int d)
{
	int y = month / 100, m = month % 100;
	if (month < 0 || m < 1 || m > 12 || y < 1900 || y > 9998 || back < 0 || back > 1200)
		return 0;
	int idx = y * 12 + (m - 1) - back;
	y = idx / 12;
	m = idx % 12 + 1;
	if (y < 1800)
		return 0;
	int last = jp_date_month_days(y, m);
	*out = (struct jp_date){ y, m, d < 1 ? 1 : d > last ? last : d };
	return 1;
}

int booking_round_times(const struct booking_round_rule *rr, int month, int64_t *entry_from,
			int64_t *entry_to, int64_t *draw_at, int64_t *confirm_by, struct err *e)
{
	struct jp_date from, to, draw;
	if (!rr || !month_day(&from, month, rr->months_before, rr->entry_from_day) ||
	    !month_day(&to, month, rr->months_before, rr->entry_to_day) ||
	    !month_day(&draw, month, rr->months_before, rr->draw_day))
		return err_set(e, ERR_INVALID, "month %d out of range", month);
	if (entry_from)
		*entry_from = jp_jst_midnight(from);
	if (entry_to)
		*entry_to = jp_jst_midnight(jp_date_add_days(to, 1));
	if (draw_at)
		*draw_at = jp_jst_midnight(draw) + (int64_t)rr->draw_min * 60;
	if (confirm_by)
		*confirm_by = jp_jst_midnight(jp_date_add_days(draw, rr->confirm_days + 1));
	return 0;
}

int64_t booking_cancel_opening(const struct booking_rule *r, int64_t now)
{
	if (!r || r->cancel_min < 0)
		return 0;
	int64_t t = jp_jst_midnight(jp_jst_date(now)) + (int64_t)r->cancel_min * 60;
	return t <= now ? t : t - 86400;
}

int64_t booking_hold_until(const struct booking_rule *r, int64_t now)
{
	return now + (int64_t)r->hold_minutes * 60;
}

int64_t booking_pay_by(const struct booking_rule *r, struct jp_date day, int64_t now)
{
	int64_t a = jp_jst_midnight(jp_date_add_days(jp_jst_date(now), r->pay_days + 1));
	int64_t t = a;
	if (jp_date_valid(day)) {
		int64_t b = jp_jst_midnight(jp_date_add_days(day, -r->pay_before_days));
		if (b < t)
			t = b;
	}
	return t < now + 3600 ? now + 3600 : t;
}

int64_t booking_first_come_opens(const struct booking_rule *r, struct jp_date day)
{
	struct jp_date d;
	if (!jp_date_valid(day) || !month_day(&d, day.y * 100 + day.m, r->open_months_before, r->open_day))
		return 0;
	return jp_jst_midnight(d) + (int64_t)r->open_min * 60;
}

int64_t booking_cancel_free_until(const struct booking_rule *r, struct jp_date day)
{
	if (!jp_date_valid(day))
		return 0;
	return jp_jst_midnight(jp_date_add_days(day, -r->cancel_free_days));
}

int booking_cancel_fee(const struct booking_rule *r, struct jp_date day, int fee, int64_t now)
{
	if (fee <= 0 || now < booking_cancel_free_until(r, day))
		return 0;
	return (int)((int64_t)fee * r->cancel_fee_percent / 100);
}

/* ------------------------------------------------------------------ */
/* The parser                                                          */

struct parse {
	struct booking_rules *out;
	struct lines *lines;       /* one per kind                         */
	struct booking_rule *kind; /* the current kind, or NULL            */
	int round;                 /* the current round (0-based), -1: the kind's section */
	unsigned seen;             /* keys given in the current section    */
	long header;               /* the current section's line           */
};

static int section_end(struct parse *p, struct err *e)
{
	if (!p->kind)
		return 0;
	const struct key *keys = p->round < 0 ? kind_keys : round_keys;
	int n = p->round < 0 ? NKIND_KEYS : NROUND_KEYS;
	for (int i = 0; i < n; i++)
		if (keys[i].required && !(p->seen & (1u << i)))
			return p->round < 0
				? err_set_line(e, ERR_INVALID, p->header, "[%s] lacks %s", p->kind->kind, keys[i].name)
				: err_set_line(e, ERR_INVALID, p->header, "[%s round %d] lacks %s", p->kind->kind,
					       p->round + 1, keys[i].name);
	return 0;
}

/* "[kind]" or "[kind round N]" (s without the brackets) */
static int section_begin(struct parse *p, char *s, long line, struct err *e)
{
	int rc = section_end(p, e);
	if (rc)
		return rc;
	char *w[4];
	int nw = 0;
	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (nw == 3)
			return err_set_line(e, ERR_INVALID, line, "a section is [kind] or [kind round N]");
		w[nw++] = t;
	}
	if (nw != 1 && (nw != 3 || strcmp(w[1], "round")))
		return err_set_line(e, ERR_INVALID, line, "a section is [kind] or [kind round N]");
	if (strlen(w[0]) > BOOKING_CODE_MAX || !booking_code_ok(w[0]))
		return err_set_line(e, ERR_INVALID, line, "a kind is a code of [a-z0-9_-]");
	p->seen = 0;
	p->header = line;
	struct booking_rules *r = p->out;
	if (nw == 1) {
		for (int i = 0; i < r->nkinds; i++)
			if (!strcmp(r->kinds[i].kind, w[0]))
				return err_set_line(e, ERR_INVALID, line, "kind %s given twice", w[0]);
		if (r->nkinds == BOOKING_KINDS_MAX)
			return err_set_line(e, ERR_LIMIT, line, "more than %d kinds", BOOKING_KINDS_MAX);
		p->kind = &r->kinds[r->nkinds];
		memcpy(p->kind->kind, w[0], strlen(w[0]) + 1);
		p->kind->cancel_min = -1;
		p->lines[r->nkinds].kind = line;
		r->nkinds++;
		p->round = -1;
		return 0;
	}
	if (!p->kind || strcmp(p->kind->kind, w[0]))
		return err_set_line(e, ERR_INVALID, line, "[%s round N] must follow [%s] or its rounds", w[0], w[0]);
	long n = uint_parse(w[2], 1000);
	if (n < 1)
		return err_set_line(e, ERR_INVALID, line, "a round's number is 1, 2, ...");
	if (n > BOOKING_ROUNDS_MAX)
		return err_set_line(e, ERR_LIMIT, line, "more than %d rounds", BOOKING_ROUNDS_MAX);
	if (n != p->kind->nrounds + 1)
		return err_set_line(e, ERR_INVALID, line, "round %ld of %s out of order (expected %d)", n, w[0],
				    p->kind->nrounds + 1);
	p->round = p->kind->nrounds++;
	p->lines[p->out->nkinds - 1].round[p->round] = line;
	return 0;
}

static int key_line(struct parse *p, char *s, long line, struct err *e)
{
	char *eq = strchr(s, '=');
	if (!eq)
		return err_set_line(e, ERR_INVALID, line, "a line is [section], key = value or # comment");
	if (!p->kind)
		return err_set_line(e, ERR_INVALID, line, "a key before any [kind] section");
	char *k = s, *v = eq + 1, *end = eq;
	while (end > k && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	const struct key *keys = p->round < 0 ? kind_keys : round_keys;
	int i = key_index(keys, p->round < 0 ? NKIND_KEYS : NROUND_KEYS, k);
	if (i < 0) /* not echoed: the detail carries no text of the input */
		return err_set_line(e, ERR_INVALID, line, "unknown key in a %s section",
				    p->round < 0 ? "kind" : "round");
	if (!*v)
		return err_set_line(e, ERR_INVALID, line, "%s has no value", keys[i].name);
	if (p->seen & (1u << i))
		return err_set_line(e, ERR_INVALID, line, "%s given twice", keys[i].name);
	p->seen |= 1u << i;
	struct lines *ln = &p->lines[p->out->nkinds - 1];
	if (p->round < 0) {
		ln->kind_keys[i] = line;
		return value_set(p->kind, &keys[i], v, line, e);
	}
	ln->round_keys[p->round][i] = line;
	return value_set(&p->kind->rounds[p->round], &keys[i], v, line, e);
}

/* the line of byte offset off */
static long line_of(const char *text, size_t off)
{
	long line = 1;
	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* The consistency of a kind: checked in each month of use of four years
 * (a leap February among the months of entry whatever months_before),
 * since a day past a month's end moves to its last day. */
#define CHECK_MONTH0 202601
#define CHECK_MONTHS 48

static int kind_check(const struct booking_rule *k, const struct lines *ln, struct err *e)
{
	int i_to = key_index(round_keys, NROUND_KEYS, "entry_to_day");
	int i_draw = key_index(round_keys, NROUND_KEYS, "draw_day");
	int i_wins = key_index(round_keys, NROUND_KEYS, "wins_cap");
	int i_confirm = key_index(round_keys, NROUND_KEYS, "confirm_days");
	int i_from = key_index(round_keys, NROUND_KEYS, "entry_from_day");
	int i_open = key_index(kind_keys, NKIND_KEYS, "open_day");
	int i_one = key_index(kind_keys, NKIND_KEYS, "cancel_one_per_group");

	if (k->cancel_one_per_group && k->cancel_min < 0)
		return err_set_line(e, ERR_INVALID, ln->kind_keys[i_one],
				    "%s: cancel_one_per_group without a cancel_time", k->kind);
	for (int r = 0; r < k->nrounds; r++) {
		const struct booking_round_rule *rr = &k->rounds[r];
		if (rr->entry_from_day > rr->entry_to_day)
			return err_set_line(e, ERR_INVALID, ln->round_keys[r][i_to],
					    "%s round %d: entry_to_day before entry_from_day", k->kind, r + 1);
		if (rr->wins_cap > rr->entries_cap)
			return err_set_line(e, ERR_INVALID, ln->round_keys[r][i_wins],
					    "%s round %d: wins_cap above entries_cap (an entry wins once)",
					    k->kind, r + 1);
	}
	for (int mi = 0; mi < CHECK_MONTHS; mi++) {
		int month = CHECK_MONTH0 + (mi / 12) * 100 + mi % 12;
		int64_t prev_draw = 0, use_from = jp_jst_midnight((struct jp_date){ month / 100, month % 100, 1 });
		for (int r = 0; r < k->nrounds; r++) {
			int64_t from, to, draw, confirm;
			if (booking_round_times(&k->rounds[r], month, &from, &to, &draw, &confirm, e))
				return err_set_line(e, ERR_INTERNAL, ln->round[r], "round times");
			if (draw < to)
				return err_set_line(e, ERR_INVALID, ln->round_keys[r][i_draw],
						    "%s round %d: the draw is not after the entry window closes"
						    " (month of use %d)", k->kind, r + 1, month);
			if (confirm > use_from)
				return err_set_line(e, ERR_INVALID, ln->round_keys[r][i_confirm],
						    "%s round %d: confirming ends after the month of use begins"
						    " (month of use %d)", k->kind, r + 1, month);
			if (r > 0 && from < prev_draw)
				return err_set_line(e, ERR_INVALID, ln->round_keys[r][i_from],
						    "%s round %d: entries open before round %d is drawn"
						    " (month of use %d)", k->kind, r + 1, r, month);
			prev_draw = draw;
		}
		if (k->nrounds > 0 &&
		    booking_first_come_opens(k, (struct jp_date){ month / 100, month % 100, 1 }) < prev_draw)
			return err_set_line(e, ERR_INVALID, ln->kind_keys[i_open],
					    "%s: first come opens before the last round is drawn (month of use %d)",
					    k->kind, month);
	}
	return 0;
}

static int parse_text(struct parse *p, const char *text, size_t n, struct lines *lines, struct err *e)
{
	size_t bad;
	if (n > BOOKING_RULES_MAX)
		return err_set_line(e, ERR_LIMIT, line_of(text, BOOKING_RULES_MAX),
				    "rules text longer than %u bytes", BOOKING_RULES_MAX);
	if (jp_text_utf8_validate(&bad, text, n, NULL))
		return err_set_line(e, ERR_INVALID, line_of(text, bad), "not UTF-8");
	p->lines = lines;
	p->round = -1;
	size_t pos = 0;
	if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		pos = 3;
	long line = 0;
	char buf[1024];
	int rc;
	while (pos < n) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - s) : n - pos;
		pos += len + 1;
		line++;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		if (len >= sizeof buf)
			return err_set_line(e, ERR_LIMIT, line, "line longer than %zu bytes", sizeof buf - 1);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return err_set_line(e, ERR_INVALID, line, "a control character");
		}
		memcpy(buf, s, len);
		while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
			len--;
		buf[len] = '\0';
		char *b = buf;
		while (*b == ' ' || *b == '\t')
			b++;
		if (!*b || *b == '#')
			continue;
		if (*b == '[') {
			if (b[strlen(b) - 1] != ']')
				return err_set_line(e, ERR_INVALID, line, "a section ends with ]");
			b[strlen(b) - 1] = '\0';
			rc = section_begin(p, b + 1, line, e);
		} else {
			rc = key_line(p, b, line, e);
		}
		if (rc)
			return rc;
	}
	if ((rc = section_end(p, e)))
		return rc;
	if (p->out->nkinds == 0)
		return err_set_line(e, ERR_INVALID, line ? line : 1, "no [kind] section");
	for (int i = 0; i < p->out->nkinds; i++)
		if ((rc = kind_check(&p->out->kinds[i], &lines[i], e)))
			return rc;
	return 0;
}

int booking_rules_parse(struct booking_rules *out, const char *text, size_t n, struct err *e)
{
	if (!out || (!text && n))
		return err_set(e, ERR_INVALID, "no rules text");
	memset(out, 0, sizeof *out);
	struct lines *lines = calloc(BOOKING_KINDS_MAX, sizeof *lines);
	if (!lines)
		return err_set(e, ERR_NOMEM, "out of memory");
	struct parse p = { .out = out };
	int rc = parse_text(&p, text ? text : "", n, lines, e);
	free(lines);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

const struct booking_rule *booking_rule_find(const struct booking_rules *r, const char *kind)
{
	if (!r || !kind)
		return NULL;
	for (int i = 0; i < r->nkinds; i++)
		if (!strcmp(r->kinds[i].kind, kind))
			return &r->kinds[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The stored text                                                     */

int booking_rules_text(char **out, struct store *s, const char *tenant, struct err *e)
{
	*out = NULL;
	if (!tenant)
		return err_set(e, ERR_INVALID, "no municipality");
	struct store_val v[] = { sv_text(tenant) };
	int rc = store_query_text(out, s, "SELECT body FROM booking_rules WHERE tenant = $1", v, 1, e);
	if (rc == 0 && *out)
		return 0;
	free(*out);
	*out = NULL;
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (!(*out = strdup(booking_rules_default)))
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

/*
 * The texts last parsed, with what they parsed to: a hold, a grid and an
 * entry each load the rules, and parsing checks every round over four
 * years of months (about 0.1 to 0.3 ms), so a text seen before is not
 * parsed again.  The key is the whole text, compared byte for byte, so a
 * text changed by another server is parsed afresh; texts that do not
 * parse are not kept.  A few municipalities share a process: RULES_CACHED
 * entries, the oldest replaced.
 */
#define RULES_CACHED 4

static struct {
	char *text;
	struct booking_rules *rules;
	unsigned long used;
} rules_cache[RULES_CACHED];
static unsigned long rules_clock;
static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;

static int rules_cached(struct booking_rules *out, const char *text)
{
	int hit = 0;
	pthread_mutex_lock(&rules_lock);
	for (int i = 0; i < RULES_CACHED && !hit; i++)
		if (rules_cache[i].text && !strcmp(rules_cache[i].text, text)) {
			memcpy(out, rules_cache[i].rules, sizeof *out);
			rules_cache[i].used = ++rules_clock;
			hit = 1;
		}
	pthread_mutex_unlock(&rules_lock);
	return hit;
}

static void rules_keep(const char *text, const struct booking_rules *r)
{
	char *t = strdup(text);
	struct booking_rules *copy = malloc(sizeof *copy);
	if (!t || !copy) {
		free(t);
		free(copy);
		return;
	}
	memcpy(copy, r, sizeof *copy);
	pthread_mutex_lock(&rules_lock);
	int at = 0;
	for (int i = 1; i < RULES_CACHED; i++)
		if (rules_cache[i].used < rules_cache[at].used)
			at = i;
	free(rules_cache[at].text);
	free(rules_cache[at].rules);
	rules_cache[at].text = t;
	rules_cache[at].rules = copy;
	rules_cache[at].used = ++rules_clock;
	pthread_mutex_unlock(&rules_lock);
}

int booking_rules_load(struct booking_rules *out, struct store *s, const char *tenant, struct err *e)
{
	char *text;
	int rc = booking_rules_text(&text, s, tenant, e);
	if (rc)
		return rc;
	if (rules_cached(out, text)) {
		free(text);
		return 0;
	}
	rc = booking_rules_parse(out, text, strlen(text), e);
	if (rc == 0)
		rules_keep(text, out);
	free(text);
	return rc;
}

int booking_rules_save(struct store *s, const char *tenant, const char *text, int64_t staff, int64_t now,
		       struct err *e)
{
	if (!tenant || !text)
		return err_set(e, ERR_INVALID, "no municipality or text");
	struct booking_rules *r = malloc(sizeof *r);
	if (!r)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = booking_rules_parse(r, text, strlen(text), e);
	free(r);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(text), sv_int(now), sv_int(staff) };
	rc = store_exec(s,
			"INSERT INTO booking_rules (tenant, body, updated_at, updated_by) VALUES ($1, $2, $3, $4)"
			" ON CONFLICT (tenant) DO UPDATE SET body = excluded.body,"
			" updated_at = excluded.updated_at, updated_by = excluded.updated_by",
			v, 4, e);
	return rc < 0 ? rc : 0;
}
