/*
 * wareki.c -- 和暦 and 年度; see wareki.h.
 *
 * The era table is the only data.  Parsing NFKC-normalises the input
 * (full-width digits and letters, ㍻ ㋿ ligatures, ideographic space) and
 * then reads: spaces, era, year, 年 or separator, month, 月 or separator,
 * day, optional 日, spaces, end.
 */
#include "jp/wareki.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jp/jp_int.h"

static const struct jp_era_info eras[JP_ERA_COUNT] = {
	{JP_ERA_MEIJI, "明治", "Meiji", 'M', {1868, 1, 25}, {1912, 7, 29}},
	{JP_ERA_TAISHO, "大正", "Taisho", 'T', {1912, 7, 30}, {1926, 12, 24}},
	{JP_ERA_SHOWA, "昭和", "Showa", 'S', {1926, 12, 25}, {1989, 1, 7}},
	{JP_ERA_HEISEI, "平成", "Heisei", 'H', {1989, 1, 8}, {2019, 4, 30}},
	{JP_ERA_REIWA, "令和", "Reiwa", 'R', {2019, 5, 1}, {0, 0, 0}},
};

const struct jp_era_info *jp_era_info(enum jp_era era)
{
	if (era < JP_ERA_MEIJI || era > JP_ERA_REIWA)
		return NULL;
	return &eras[era - 1];
}

static const struct jp_era_info *era_of(struct jp_date d)
{
	for (int i = JP_ERA_COUNT - 1; i >= 0; i--)
		if (jp_date_cmp(d, eras[i].first) >= 0)
			return &eras[i];
	return NULL;
}

int jp_wareki_from_date(struct jp_wareki *out, struct jp_date d,
			struct err *e)
{
	if (!jp_date_valid(d))
		return err_set(e, ERR_INVALID, "wareki: invalid date");
	const struct jp_era_info *ei = era_of(d);
	if (!ei)
		return err_set(e, ERR_INVALID,
			       "wareki: date before Meiji (1868-01-25)");
	out->era = ei->era;
	out->year = d.y - ei->first.y + 1;
	out->m = d.m;
	out->d = d.d;
	return 0;
}

int jp_wareki_to_date(struct jp_date *out, struct jp_wareki w, struct err *e)
{
	const struct jp_era_info *ei = jp_era_info(w.era);
	if (!ei)
		return err_set(e, ERR_INVALID, "wareki: unknown era");
	if (w.year < 1 || w.year > 9999 - ei->first.y)
		return err_set(e, ERR_INVALID, "wareki: %s year out of range",
			       ei->english);
	struct jp_date d = {ei->first.y + w.year - 1, w.m, w.d};
	if (!jp_date_valid(d))
		return err_set(e, ERR_INVALID, "wareki: no such day");
	if (jp_date_cmp(d, ei->first) < 0)
		return err_set(e, ERR_INVALID,
			       "wareki: before the start of %s (%04d-%02d-%02d)",
			       ei->english, ei->first.y, ei->first.m,
			       ei->first.d);
	if (ei->last.y && jp_date_cmp(d, ei->last) > 0)
		return err_set(e, ERR_INVALID,
			       "wareki: after the end of %s (%04d-%02d-%02d)",
			       ei->english, ei->last.y, ei->last.m,
			       ei->last.d);
	*out = d;
	return 0;
}

static int put(char *buf, size_t size, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int put(char *buf, size_t size, struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return err_set(e, ERR_LIMIT, "wareki: buffer too small");
	}
	return 0;
}

int jp_wareki_format(char *buf, size_t size, struct jp_date d,
		     enum jp_wareki_style style, unsigned flags, struct err *e)
{
	struct jp_wareki w;
	int rc = jp_wareki_from_date(&w, d, e);
	if (rc)
		return rc;
	const struct jp_era_info *ei = jp_era_info(w.era);
	switch (style) {
	case JP_WAREKI_KANJI:
		if (w.year == 1 && !(flags & JP_WAREKI_NO_GANNEN))
			return put(buf, size, e, "%s元年%d月%d日", ei->kanji,
				   w.m, w.d);
		return put(buf, size, e, "%s%d年%d月%d日", ei->kanji, w.year,
			   w.m, w.d);
	case JP_WAREKI_SHORT:
		return put(buf, size, e, "%c%d.%d.%d", ei->letter, w.year, w.m,
			   w.d);
	case JP_WAREKI_ENGLISH:
		return put(buf, size, e, "%s %d.%d.%d", ei->english, w.year,
			   w.m, w.d);
	}
	return err_set(e, ERR_INVALID, "wareki: unknown style");
}

/* ---- parsing ---- */

struct cur {
	const char *s;
	size_t i, n;
};

static void skip_space(struct cur *c)
{
	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
		c->i++;
}

static bool eat(struct cur *c, const char *lit)
{
	size_t l = strlen(lit);
	if (c->n - c->i >= l && memcmp(c->s + c->i, lit, l) == 0) {
		c->i += l;
		return true;
	}
	return false;
}

/* A number: ASCII digits (1..4 of them), kanji numeral, or (if gannen) 元. */
static int number(struct cur *c, bool gannen, int *val)
{
	size_t st = c->i;
	int v = 0;
	while (c->i < c->n && isdigit((unsigned char)c->s[c->i]) &&
	       c->i - st < 5) {
		v = v * 10 + (c->s[c->i] - '0');
		c->i++;
	}
	if (c->i > st) {
		if (c->i - st > 4)
			return -1;
		*val = v;
		return 0;
	}
	if (gannen && eat(c, "元")) {
		*val = 1;
		return 0;
	}
	size_t l = jp_int_kanji_number(val, c->s + c->i, c->n - c->i);
	if (!l)
		return -1;
	c->i += l;
	return 0;
}

static enum jp_era parse_era(struct cur *c)
{
	for (int i = 0; i < JP_ERA_COUNT; i++)
		if (eat(c, eras[i].kanji))
			return eras[i].era;
	for (int i = 0; i < JP_ERA_COUNT; i++) {
		size_t l = strlen(eras[i].english);
		if (c->n - c->i >= l &&
		    strncasecmp(c->s + c->i, eras[i].english, l) == 0) {
			c->i += l;
			return eras[i].era;
		}
	}
	/* Alternative romanisations with ō written "o" or "ou". */
	static const struct {
		const char *name;
		enum jp_era era;
	} alt[] = {{"Taishou", JP_ERA_TAISHO}, {"Shouwa", JP_ERA_SHOWA}};
	for (size_t i = 0; i < sizeof alt / sizeof alt[0]; i++) {
		size_t l = strlen(alt[i].name);
		if (c->n - c->i >= l &&
		    strncasecmp(c->s + c->i, alt[i].name, l) == 0) {
			c->i += l;
			return alt[i].era;
		}
	}
	if (c->i < c->n) {
		int ch = toupper((unsigned char)c->s[c->i]);
		for (int i = 0; i < JP_ERA_COUNT; i++)
			if (ch == eras[i].letter) {
				c->i++;
				return eras[i].era;
			}
	}
	return JP_ERA_NONE;
}

int jp_wareki_parse(struct jp_date *out, const char *s, struct err *e)
{
	if (!s)
		return err_set(e, ERR_INVALID, "wareki: no input");
	size_t n = strnlen(s, JP_WAREKI_INPUT_MAX + 1);
	if (n > JP_WAREKI_INPUT_MAX)
		return err_set(e, ERR_LIMIT, "wareki: input longer than %d bytes",
			       JP_WAREKI_INPUT_MAX);
	int bad;
	char *t = jp_int_nfkc(s, n, &bad);
	if (!t)
		return bad ? err_set(e, ERR_INVALID, "wareki: invalid UTF-8")
			   : err_set(e, ERR_NOMEM, "wareki: out of memory");
	struct cur c = {t, 0, strlen(t)};
	struct jp_wareki w = {JP_ERA_NONE, 0, 0, 0};
	int rc = ERR_INVALID;
	const char *why = "not an era date";

	skip_space(&c);
	w.era = parse_era(&c);
	if (w.era == JP_ERA_NONE) {
		why = "unknown era";
		goto out;
	}
	skip_space(&c);
	if (number(&c, true, &w.year)) {
		why = "no year";
		goto out;
	}
	skip_space(&c);
	bool kanji = eat(&c, "年");
	char sep = 0;
	if (!kanji) {
		if (c.i < c.n && strchr("./-", c.s[c.i]) && c.s[c.i]) {
			sep = c.s[c.i++];
		} else {
			why = "expected 年 or a separator after the year";
			goto out;
		}
	}
	skip_space(&c);
	if (number(&c, false, &w.m)) {
		why = "no month";
		goto out;
	}
	skip_space(&c);
	if (kanji ? !eat(&c, "月") : !(c.i < c.n && c.s[c.i] == sep)) {
		why = "expected 月 or the same separator after the month";
		goto out;
	}
	if (!kanji)
		c.i++;
	skip_space(&c);
	if (number(&c, false, &w.d)) {
		why = "no day";
		goto out;
	}
	skip_space(&c);
	if (kanji && !eat(&c, "日")) {
		why = "expected 日 after the day";
		goto out;
	}
	skip_space(&c);
	if (c.i != c.n) {
		why = "trailing characters";
		goto out;
	}
	free(t);
	return jp_wareki_to_date(out, w, e);
out:
	free(t);
	return err_set(e, rc, "wareki: %s", why);
}

/* ---- 年度 ---- */

int jp_nendo_of(struct jp_date d)
{
	return d.m >= 4 ? d.y : d.y - 1;
}

struct jp_date jp_nendo_first(int fy)
{
	struct jp_date d = {fy, 4, 1};
	return d;
}

struct jp_date jp_nendo_last(int fy)
{
	struct jp_date d = {fy + 1, 3, 31};
	return d;
}

int jp_nendo_format(char *buf, size_t size, int fy, unsigned flags,
		    struct err *e)
{
	if (fy < 1 || fy > 9998)
		return err_set(e, ERR_INVALID, "nendo: year out of range");
	const struct jp_era_info *ei = NULL;
	if (!(flags & JP_NENDO_START_ERA)) {
		const struct jp_era_info *end = era_of(jp_nendo_last(fy));
		if (end && end->first.y <= fy)
			ei = end;
	}
	if (!ei)
		ei = era_of(jp_nendo_first(fy));
	if (!ei)
		return err_set(e, ERR_INVALID, "nendo: before Meiji");
	int year = fy - ei->first.y + 1;
	if (year == 1 && !(flags & JP_WAREKI_NO_GANNEN))
		return put(buf, size, e, "%s元年度", ei->kanji);
	return put(buf, size, e, "%s%d年度", ei->kanji, year);
}
