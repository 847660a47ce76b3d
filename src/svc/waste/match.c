/*
 * match.c -- what a resident wrote, mapped to items of the master.
 *
 * 1. The text is NFKC-normalised (full-width digits and letters to ASCII,
 *    half-width kana to full-width), ASCII letters lowered, hiragana
 *    written as katakana; each character keeps the script it was typed in.
 * 2. Sizes and counts are read and taken out of the text: a number with a
 *    unit (cm, センチ, mm, m, インチ, 型, 人掛け/人用/P, 畳/帖, and counts 脚
 *    台 個 点 枚 本 つ セット 組), with a label before it (幅/横 W, 高さ H,
 *    奥行き/長さ, 長辺); 「三人掛け」 with a kanji numeral too.  Bed-size
 *    words (シングル 97 cm, セミダブル 120, ダブル 140, クイーン 160, キング
 *    180: the usual Japanese mattress widths) give a width.
 * 3. The rest is made loose: long-vowel marks, spaces and punctuation
 *    dropped, small kana made large, dakuten and handakuten removed (by
 *    Unicode decomposition, utf8proc).  Every name of every item is
 *    prepared the same way (keys, built once per master).
 * 4. Every key found in the loose text is a candidate; one contained in a
 *    longer candidate is dropped (テレビ in テレビ台), partial overlaps go
 *    to the longer (車のバッテリー over 自動車); a candidate followed by
 *    only 「の」 before the next is its modifier (ダブルベッドのマットレス is
 *    a mattress).  A short kana key (one or two characters) or a Latin
 *    one must stand on a word boundary (イス in 「いすを」, not inside
 *    「ほしいすてき」).
 * 5. One typo is allowed (an optimal string alignment distance of 1 for
 *    keys of 4 to 7 characters, 2 from 8; a key of 3 only when it is the
 *    whole text), the closest and longest key wins; where keys were found
 *    as written, a typo'd one must be longer than those it overlaps (a
 *    name of 5 or more, outside a sentence's hiragana).  Of two keys
 *    that match the same characters loosely, the one as written wins
 *    (ペンキ over 便器's ベンキ).  A hand-written matcher rather than
 *    a library: see README.md.
 * 6. Each remaining candidate is an answer: its size (from the sizes read
 *    in its part of the text) picks a variant of a size group; without
 *    one, the answer asks; an item that is not accepted answers with its
 *    reason and never a fee.
 *
 * Limits: WASTE_QUERY_MAX bytes (TEXT_MAX code points); a fixed amount of
 * work per key and position, so the time is bounded by the master's size.
 */
#include "svc/waste/waste.h"
#include "svc/waste/waste_int.h"
#include "jp/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define TEXT_MAX WASTE_QUERY_MAX    /* code points: at most one a byte   */
#define SPANS_MAX 64
#define SPAN_ITEMS_MAX 16
#define MEASURES_MAX 16

enum cls { K_OTHER = 0, K_SPACE, K_HIRA, K_KATA, K_KANJI, K_LATIN, K_DIGIT };

struct waste_key {
	int32_t *cp;          /* the loose key                           */
	int32_t *strict;      /* the same characters, kana kept as written */
	int len;
	int *items;           /* items that have this name               */
	int nitems, cap;
	const char *text;     /* the name as written in the master       */
	int boundary;         /* 1: must stand on a word boundary        */
};

struct text {
	int32_t o[TEXT_MAX];          /* NFKC, as typed                   */
	int32_t c[TEXT_MAX];          /* lowered, hiragana as katakana    */
	unsigned char cls[TEXT_MAX];
	unsigned char used[TEXT_MAX]; /* taken by a size or a count       */
	int n;
	int32_t lc[TEXT_MAX];         /* the loose text                   */
	int32_t sc[TEXT_MAX];         /* the same characters, not loosened */
	int lpos[TEXT_MAX];           /* loose index -> c index           */
	int ln;
};

/* ---- characters ---- */

static enum cls class_of(int32_t c)
{
	if (c == ' ' || c == 0x3000 || c == '\t' || c == '\n' || c == '\r')
		return K_SPACE;
	if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E)
		return K_HIRA;
	if ((c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE))
		return K_KATA;
	if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3005)
		return K_KANJI;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return K_LATIN;
	if (c >= '0' && c <= '9')
		return K_DIGIT;
	return K_OTHER;
}

static int32_t fold(int32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E)
		return c + 0x60;
	return c;
}

/* the loose form of folded c, or 0 to drop it */
static int32_t loose(int32_t c)
{
	enum cls k = class_of(c);
	if (k == K_SPACE || c == 0x30FC || c == '-' || c == '~' || c == 0x301C || c == 0x30FB)
		return 0;
	if (k == K_OTHER) {
		const utf8proc_property_t *p = utf8proc_get_property(c);
		if (p->category >= UTF8PROC_CATEGORY_PC && p->category <= UTF8PROC_CATEGORY_PO)
			return 0;
	}
	switch (c) {   /* small kana */
	case 0x30A1: case 0x30A3: case 0x30A5: case 0x30A7: case 0x30A9:
	case 0x30C3: case 0x30E3: case 0x30E5: case 0x30E7: case 0x30EE:
		return c + 1;
	case 0x30F5: return 0x30AB;   /* ヵ カ */
	case 0x30F6: return 0x30B1;   /* ヶ ケ */
	default: break;
	}
	if (k == K_KATA || k == K_LATIN) {   /* without dakuten, accents */
		utf8proc_int32_t d[4];
		int last = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE, &last);
		if (n >= 1)
			return d[0];
	}
	return c;
}

/* NFKC text into t (c, o, cls); ERR_INVALID / ERR_LIMIT */
static int text_read(struct text *t, const char *s, size_t len, struct err *e)
{
	memset(t, 0, sizeof *t);
	char *n = NULL;
	int rc = jp_text_nfkc(&n, s, len, e);
	if (rc)
		return rc;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)n;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(n);
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate(p, left, &c);
		if (l <= 0) {
			free(n);
			return err_set(e, ERR_INVALID, "text: not UTF-8");
		}
		if (t->n == TEXT_MAX) {
			free(n);
			return err_set(e, ERR_LIMIT, "text: over %d characters", TEXT_MAX);
		}
		t->o[t->n] = c;
		t->c[t->n] = fold(c);
		t->cls[t->n] = (unsigned char)class_of(c);
		t->n++;
		p += l;
		left -= l;
	}
	free(n);
	return 0;
}

static void text_loose(struct text *t)
{
	t->ln = 0;
	for (int i = 0; i < t->n; i++) {
		if (t->used[i])
			continue;
		int32_t l = loose(t->c[i]);
		if (l) {
			t->lpos[t->ln] = i;
			t->sc[t->ln] = t->c[i];
			t->lc[t->ln++] = l;
		}
	}
}

/* folded c[i..] starts with the UTF-8 word w (itself folded) */
static int at(const struct text *t, int i, const char *w)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)w;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(w);
	int k = 0;
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate(p, left, &c);
		if (l <= 0 || i + k >= t->n || t->c[i + k] != fold(c))
			return 0;
		k++;
		p += l;
		left -= l;
	}
	return k;
}

/* the code points of UTF-8 w */
static int cp_count(const char *w)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

/* ---- sizes and counts ---- */

enum mkind { M_VAR, M_PLAIN_CM, M_COUNT };

struct measure {
	enum mkind kind;
	enum waste_var var;   /* M_VAR */
	double v;
	int pos;              /* where in c                              */
};

struct measures {
	struct measure m[MEASURES_MAX];
	int n;
};

enum ukind { U_CM, U_INCH, U_SEATS, U_TATAMI, U_COUNT };

static const struct { const char *w; enum ukind k; double f; int latin; } units[] = {
	{ "センチメートル", U_CM, 1, 0 }, { "センチ", U_CM, 1, 0 }, { "cm", U_CM, 1, 1 },
	{ "mm", U_CM, 0.1, 1 }, { "ミリ", U_CM, 0.1, 0 }, { "メートル", U_CM, 100, 0 },
	{ "m", U_CM, 100, 1 },
	{ "インチ", U_INCH, 1, 0 }, { "型", U_INCH, 1, 0 }, { "inch", U_INCH, 1, 1 },
	{ "in", U_INCH, 1, 1 },
	{ "人掛け", U_SEATS, 1, 0 }, { "人掛", U_SEATS, 1, 0 }, { "人がけ", U_SEATS, 1, 0 },
	{ "人用", U_SEATS, 1, 0 }, { "人乗り", U_SEATS, 1, 0 }, { "人", U_SEATS, 1, 0 },
	{ "p", U_SEATS, 1, 1 }, { "seater", U_SEATS, 1, 1 },
	{ "畳", U_TATAMI, 1, 0 }, { "帖", U_TATAMI, 1, 0 }, { "じょう", U_TATAMI, 1, 0 },
	{ "脚", U_COUNT, 1, 0 }, { "台", U_COUNT, 1, 0 }, { "個", U_COUNT, 1, 0 },
	{ "点", U_COUNT, 1, 0 }, { "枚", U_COUNT, 1, 0 }, { "本", U_COUNT, 1, 0 },
	{ "つ", U_COUNT, 1, 0 }, { "セット", U_COUNT, 1, 0 }, { "組", U_COUNT, 1, 0 },
	{ "こ", U_COUNT, 1, 0 },
};

/* labels before a number, most specific first */
static const struct { const char *w; enum waste_var v; int latin; } labels[] = {
	{ "横幅", WASTE_VAR_WIDTH, 0 }, { "幅", WASTE_VAR_WIDTH, 0 }, { "横", WASTE_VAR_WIDTH, 0 },
	{ "w", WASTE_VAR_WIDTH, 1 }, { "高さ", WASTE_VAR_HEIGHT, 0 }, { "高", WASTE_VAR_HEIGHT, 0 },
	{ "h", WASTE_VAR_HEIGHT, 1 }, { "奥行き", WASTE_VAR_LENGTH, 0 }, { "奥行", WASTE_VAR_LENGTH, 0 },
	{ "長さ", WASTE_VAR_LENGTH, 0 }, { "全長", WASTE_VAR_LENGTH, 0 },
	{ "長辺", WASTE_VAR_MAX_SIDE, 0 }, { "直径", WASTE_VAR_MAX_SIDE, 0 },
	{ "d", WASTE_VAR_LENGTH, 1 },
};

static int kanji_digit(int32_t c)
{
	static const int32_t k[] = { 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03,
				     0x516B, 0x4E5D };   /* 一二三四五六七八九 */
	for (int i = 0; i < 9; i++)
		if (c == k[i])
			return i + 1;
	return 0;
}

/* the number at i: its value and end; 0 when none */
static int number_at(double *v, int *end, const struct text *t, int i)
{
	if (t->cls[i] == K_DIGIT) {
		char buf[16];
		int k = 0;
		int j = i;
		while (j < t->n && k < 15 && ((t->c[j] >= '0' && t->c[j] <= '9') ||
					      (t->c[j] == '.' && j + 1 < t->n && t->cls[j + 1] == K_DIGIT)))
			buf[k++] = (char)t->c[j++];
		buf[k] = '\0';
		if (j < t->n && t->cls[j] == K_DIGIT)
			return 0;   /* too long a number: not a size */
		*v = strtod(buf, NULL);
		*end = j;
		return 1;
	}
	int d = kanji_digit(t->c[i]);
	if (d && (i == 0 || t->cls[i - 1] != K_KANJI || kanji_digit(t->c[i - 1]) == 0)) {
		*v = d;
		*end = i + 1;
		return 2;   /* a kanji numeral: seats and counts only */
	}
	return 0;
}

static void measure_add(struct measures *ms, enum mkind k, enum waste_var var, double v, int pos)
{
	if (ms->n < MEASURES_MAX)
		ms->m[ms->n++] = (struct measure){ k, var, v, pos };
}

static void read_measures(struct measures *ms, struct text *t)
{
	ms->n = 0;
	for (int i = 0; i < t->n; i++) {
		double v;
		int end, how;
		if (t->used[i] || !(how = number_at(&v, &end, t, i)))
			continue;
		if (how == 1 && i > 0 && (t->cls[i - 1] == K_DIGIT))
			continue;
		int j = end;
		while (j < t->n && t->cls[j] == K_SPACE)
			j++;
		int ul = 0;
		size_t u;
		for (u = 0; u < sizeof units / sizeof units[0]; u++) {
			if (how == 2 && units[u].k != U_SEATS && units[u].k != U_COUNT)
				continue;
			if ((ul = at(t, j, units[u].w)) &&
			    !(units[u].latin && j + ul < t->n && t->cls[j + ul] == K_LATIN))
				break;
		}
		if (u == sizeof units / sizeof units[0])
			continue;
		/* the label before the number (spaces, ':' between) */
		int start = i, b = i;
		while (b > 0 && (t->cls[b - 1] == K_SPACE || t->c[b - 1] == ':'))
			b--;
		enum waste_var var = WASTE_VAR_NONE;
		for (size_t l = 0; l < sizeof labels / sizeof labels[0] && units[u].k == U_CM; l++) {
			int ll = cp_count(labels[l].w);
			if (ll > 0 && b - ll >= 0 && at(t, b - ll, labels[l].w) == ll &&
			    !(labels[l].latin && b - ll > 0 && t->cls[b - ll - 1] == K_LATIN)) {
				var = labels[l].v;
				start = b - ll;
				break;
			}
		}
		v *= units[u].f;
		switch (units[u].k) {
		case U_CM:
			if (var != WASTE_VAR_NONE)
				measure_add(ms, M_VAR, var, v, i);
			else
				measure_add(ms, M_PLAIN_CM, WASTE_VAR_NONE, v, i);
			break;
		case U_INCH: measure_add(ms, M_VAR, WASTE_VAR_INCH, v, i); break;
		case U_SEATS: measure_add(ms, M_VAR, WASTE_VAR_SEATS, v, i); break;
		case U_TATAMI: measure_add(ms, M_VAR, WASTE_VAR_TATAMI, v, i); break;
		case U_COUNT: measure_add(ms, M_COUNT, WASTE_VAR_NONE, v, i); break;
		}
		for (int k = start; k < j + ul; k++)
			t->used[k] = 1;
		i = j + ul - 1;
	}
	/* bed and mattress sizes by name (not taken out: シングルベッド is a name) */
	static const struct { const char *w; double cm; } beds[] = {
		{ "セミシングル", 85 }, { "セミダブル", 120 }, { "ワイドダブル", 155 },
		{ "シングル", 97 }, { "ダブル", 140 }, { "クイーン", 160 }, { "キング", 180 },
	};
	for (int i = 0; i < t->n; i++)
		for (size_t k = 0; k < sizeof beds / sizeof beds[0]; k++) {
			int l = at(t, i, beds[k].w);
			if (l) {
				measure_add(ms, M_VAR, WASTE_VAR_WIDTH, beds[k].cm, i);
				i += l - 1;
				break;
			}
		}
}

/* ---- keys ---- */

static int key_add(struct waste_items *w, int *cap, struct text *tp, const char *name, int item,
		   struct err *e)
{
	if (!*name)
		return 0;
	int rc = text_read(tp, name, strlen(name), e);
	if (rc)
		return rc;
	text_loose(tp);
	const struct text *t = tp;
	if (t->ln == 0)
		return 0;
	int all_kana = 1, latin = 0;
	for (int i = 0; i < t->n; i++) {
		if (t->cls[i] != K_HIRA && t->cls[i] != K_KATA && t->cls[i] != K_SPACE)
			all_kana = 0;
		if (t->cls[i] == K_LATIN)
			latin = 1;
	}
	for (int k = 0; k < w->nkeys; k++) {
		struct waste_key *kk = &w->keys[k];
		if (kk->len == t->ln && memcmp(kk->strict, t->sc, sizeof *t->sc * (size_t)t->ln) == 0) {
			for (int j = 0; j < kk->nitems; j++)
				if (kk->items[j] == item)
					return 0;
			if (kk->nitems == kk->cap) {
				int nc = kk->cap * 2;
				int *ni = arena_alloc(w->a, sizeof *ni * (size_t)nc);
				if (!ni)
					return err_set(e, ERR_NOMEM, "keys");
				memcpy(ni, kk->items, sizeof *ni * (size_t)kk->nitems);
				kk->items = ni;
				kk->cap = nc;
			}
			kk->items[kk->nitems++] = item;
			return 0;
		}
	}
	if (w->nkeys == *cap) {
		int nc = *cap ? *cap * 2 : 1024;
		struct waste_key *nk = arena_alloc(w->a, sizeof *nk * (size_t)nc);
		if (!nk)
			return err_set(e, ERR_NOMEM, "keys");
		if (w->nkeys)
			memcpy(nk, w->keys, sizeof *nk * (size_t)w->nkeys);
		w->keys = nk;
		*cap = nc;
	}
	struct waste_key *k = &w->keys[w->nkeys];
	k->cp = arena_alloc(w->a, sizeof *k->cp * (size_t)t->ln);
	k->strict = arena_alloc(w->a, sizeof *k->strict * (size_t)t->ln);
	k->items = arena_alloc(w->a, sizeof *k->items * 4);
	if (!k->cp || !k->strict || !k->items)
		return err_set(e, ERR_NOMEM, "keys");
	memcpy(k->cp, t->lc, sizeof *t->lc * (size_t)t->ln);
	memcpy(k->strict, t->sc, sizeof *t->sc * (size_t)t->ln);
	k->len = t->ln;
	k->items[0] = item;
	k->nitems = 1;
	k->cap = 4;
	k->text = name;
	k->boundary = latin || (all_kana && t->ln <= 2);
	w->nkeys++;
	return 0;
}

int waste_keys_build(struct waste_items *w, struct err *e)
{
	int cap = 0, rc = 0;
	struct text *t = malloc(sizeof *t);
	if (!t)
		return err_set(e, ERR_NOMEM, "keys");
	for (int i = 0; rc == 0 && i < w->n; i++) {
		const struct waste_item *it = &w->items[i];
		rc = key_add(w, &cap, t, it->base, i, e);
		if (rc == 0)
			rc = key_add(w, &cap, t, it->kana, i, e);
		for (int a = 0; rc == 0 && a < it->naliases; a++)
			rc = key_add(w, &cap, t, it->aliases[a], i, e);
	}
	free(t);
	return rc;
}

/* ---- candidates ---- */

struct span {
	int s, e;             /* loose [s, e)                            */
	const struct waste_key *key;
	int fuzzy;
	int grade;            /* 2 as written, 1 loosely, 0 with a typo  */
};

static int particle(int32_t c)
{
	/* を が は と も の や に で へ (as katakana) */
	static const int32_t p[] = { 0x30F2, 0x30AC, 0x30CF, 0x30C8, 0x30E2, 0x30CE, 0x30E4,
				     0x30CB, 0x30C7, 0x30D8 };
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (c == p[i])
			return 1;
	return 0;
}

/* a short kana or a Latin key at c[a..b] stands on a word boundary */
static int on_boundary(const struct text *t, int a, int b)
{
	while (b + 1 < t->n && (t->c[b + 1] == 0x30FC || t->c[b + 1] == '-'))
		b++;   /* ー is part of the word it follows */
	enum cls first = (enum cls)t->cls[a], last = (enum cls)t->cls[b];
	if (a > 0) {
		enum cls p = (enum cls)t->cls[a - 1];
		if (p == first && (first != K_HIRA || !particle(t->c[a - 1])))
			return 0;
	}
	if (b + 1 < t->n) {
		enum cls n = (enum cls)t->cls[b + 1];
		if (n == last && (last != K_HIRA || !particle(t->c[b + 1])))
			return 0;
	}
	return 1;
}

static int exact_spans(struct span *sp, const struct waste_items *w, const struct text *t)
{
	int n = 0;
	for (int k = 0; k < w->nkeys; k++) {
		const struct waste_key *key = &w->keys[k];
		for (int s = 0; s + key->len <= t->ln; s++) {
			if (t->lc[s] != key->cp[0] ||
			    memcmp(&t->lc[s], key->cp, sizeof *key->cp * (size_t)key->len) != 0)
				continue;
			if (key->boundary && !on_boundary(t, t->lpos[s], t->lpos[s + key->len - 1]))
				continue;
			int grade = memcmp(&t->sc[s], key->strict, sizeof *key->strict * (size_t)key->len) == 0
				    ? 2 : 1;
			if (n < SPANS_MAX)
				sp[n++] = (struct span){ s, s + key->len, key, 0, grade };
		}
	}
	return n;
}

/* optimal string alignment distance of a[0..la) and b[0..lb), or max+1
 * once it is over max */
static int osa(const int32_t *a, int la, const int32_t *b, int lb, int max)
{
	int d[TEXT_MAX / 8 + 3][TEXT_MAX / 8 + 3];
	if (la > TEXT_MAX / 8 || lb > TEXT_MAX / 8)
		return max + 1;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++) {
		int row_min = max + 1;
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > max)
			return max + 1;
	}
	return d[la][lb];
}

/* the closest key within one typo (two from 8 characters) of a part of
 * the text: keys of 4 or more characters anywhere, of 3 only when they
 * are the whole text.  mixed: the text has exact candidates too; then
 * only keys of 5 or more, one typo, in a part without hiragana (a
 * particle: a sentence, not a word), unless the key is 8 or more long. */
static int fuzzy_span(struct span *sp, const struct waste_items *w, const struct text *t, int mixed)
{
	int best_d = 99, best_len = 0, found = 0;
	for (int k = 0; k < w->nkeys; k++) {
		const struct waste_key *key = &w->keys[k];
		int L = key->len;
		if (L < 3 || (L == 3 && (mixed || t->ln < 2 || t->ln > 4)) || (mixed && L < 5))
			continue;
		int max = L >= 8 ? 2 : 1;
		if (mixed && L < 8)
			max = 1;
		for (int wl = L - max; wl <= L + max; wl++) {
			if (wl < 2 || (L == 3 && wl != t->ln))
				continue;
			for (int s = 0; s + wl <= t->ln; s++) {
				if (t->lc[s] != key->cp[0] && t->lc[s + wl - 1] != key->cp[L - 1])
					continue;
				if (mixed && L < 8) {
					int hira = 0;
					for (int i = s; i < s + wl && !hira; i++)
						hira = t->cls[t->lpos[i]] == K_HIRA;
					if (hira)
						continue;
				}
				int d = osa(&t->lc[s], wl, key->cp, L, max);
				if (d > max || d == 0)
					continue;
				if (d < best_d || (d == best_d && L > best_len)) {
					best_d = d;
					best_len = L;
					*sp = (struct span){ s, s + wl, key, 1, 0 };
					found = 1;
				}
			}
		}
	}
	return found;
}

/* 1 when keys a and b end in the same two characters (the same head
 * noun, as far as a typo lets us tell: テント and テーブル do not) */
static int same_ending(const struct waste_key *a, const struct waste_key *b)
{
	int n = a->len < b->len ? a->len : b->len;
	n = n < 2 ? n : 2;
	return memcmp(a->cp + a->len - n, b->cp + b->len - n, (size_t)n * sizeof *a->cp) == 0;
}

/* keep the longest candidates that do not overlap (of two as long, the
 * later: in Japanese the head noun comes last), in the order of the
 * text: the kept ones at the front, their count returned */
static int resolve(struct span *sp, int n)
{
	int order[SPANS_MAX];
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++)   /* longest, as written, later first */
		for (int j = i; j > 0; j--) {
			const struct span *x = &sp[order[j]], *y = &sp[order[j - 1]];
			int lx = x->e - x->s, ly = y->e - y->s;
			if (!(lx > ly || (lx == ly && x->grade > y->grade) ||
			      (lx == ly && x->grade == y->grade && x->s > y->s)))
				break;
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	struct span kept[SPANS_MAX];
	int m = 0;
	for (int i = 0; i < n; i++) {
		const struct span *x = &sp[order[i]];
		int overlap = 0;
		for (int k = 0; k < m && !overlap; k++)
			overlap = x->s < kept[k].e && kept[k].s < x->e;
		if (!overlap)
			kept[m++] = *x;
	}
	for (int i = 1; i < m; i++)   /* by position */
		for (int j = i; j > 0 && kept[j].s < kept[j - 1].s; j--) {
			struct span x = kept[j];
			kept[j] = kept[j - 1];
			kept[j - 1] = x;
		}
	memcpy(sp, kept, sizeof *sp * (size_t)m);
	return m;
}

/* ---- answers ---- */

static double measure_for(const struct measures *ms, int from, int to, enum waste_var var, int *found)
{
	*found = 0;
	double v = 0, plain = 0, side = 0;
	int has_plain = 0, has_side = 0;
	for (int i = 0; i < ms->n; i++) {
		const struct measure *m = &ms->m[i];
		if (m->pos < from || m->pos >= to)
			continue;
		if (m->kind == M_VAR && m->var == var && !*found) {
			v = m->v;
			*found = 1;
		}
		if (m->kind == M_PLAIN_CM && !has_plain) {
			plain = m->v;
			has_plain = 1;
		}
		if ((m->kind == M_PLAIN_CM ||
		     (m->kind == M_VAR && (m->var == WASTE_VAR_WIDTH || m->var == WASTE_VAR_HEIGHT ||
					   m->var == WASTE_VAR_LENGTH || m->var == WASTE_VAR_MAX_SIDE))) &&
		    m->v > side) {
			side = m->v;
			has_side = 1;
		}
	}
	if (*found)
		return v;
	if (var == WASTE_VAR_MAX_SIDE && has_side) {
		*found = 1;
		return side;
	}
	if ((var == WASTE_VAR_WIDTH || var == WASTE_VAR_HEIGHT || var == WASTE_VAR_LENGTH) && has_plain) {
		*found = 1;
		return plain;
	}
	return 0;
}

static int count_for(const struct measures *ms, int from, int to)
{
	for (int i = 0; i < ms->n; i++)
		if (ms->m[i].kind == M_COUNT && ms->m[i].pos >= from && ms->m[i].pos < to &&
		    ms->m[i].v >= 1 && ms->m[i].v <= 99)
			return (int)ms->m[i].v;
	return 1;
}

static void set_item(struct waste_answer *a, const struct waste_item *it)
{
	a->item = it;
	a->kind = it->accepted ? WASTE_ITEM : WASTE_NOT;
	a->nask = 0;
}

static void answer_of(struct waste_answer *a, const struct waste_items *w, const struct span *sp,
		      const struct measures *ms, int from, int to, const struct text *t)
{
	memset(a, 0, sizeof *a);
	a->fuzzy = sp->fuzzy;
	a->count = count_for(ms, from, to);
	/* the words matched, as typed */
	int ca = t->lpos[sp->s], cb = t->lpos[sp->e - 1];
	size_t o = 0;
	for (int i = ca; i <= cb; i++) {
		utf8proc_uint8_t u[4];
		utf8proc_ssize_t l = utf8proc_encode_char(t->o[i], u);
		if (l <= 0 || o + (size_t)l >= sizeof a->matched)
			break;
		memcpy(a->matched + o, u, (size_t)l);
		o += (size_t)l;
	}
	a->matched[o] = '\0';
	const struct waste_key *k = sp->key;
	if (k->nitems == 1) {   /* the name says which variant */
		set_item(a, &w->items[k->items[0]]);
		return;
	}
	/* one size group: the size in the text picks the variant */
	int group = w->items[k->items[0]].group;
	for (int i = 1; i < k->nitems; i++)
		if (w->items[k->items[i]].group != group)
			group = -1;
	enum waste_var var = group >= 0 ? w->items[k->items[0]].rule.var : WASTE_VAR_NONE;
	for (int i = 1; i < k->nitems && group >= 0; i++)
		if (w->items[k->items[i]].rule.var != var)
			var = WASTE_VAR_NONE;
	int nfit = 0;
	const struct waste_item *fit[WASTE_ASK_MAX];
	int found = 0;
	double v = var != WASTE_VAR_NONE ? measure_for(ms, from, to, var, &found) : 0;
	for (int i = 0; i < k->nitems && nfit < WASTE_ASK_MAX; i++) {
		const struct waste_item *it = &w->items[k->items[i]];
		if (!found || waste_rule_holds(&it->rule, v))
			fit[nfit++] = it;
	}
	if (nfit == 0)   /* a size no variant takes: ask */
		for (int i = 0; i < k->nitems && nfit < WASTE_ASK_MAX; i++)
			fit[nfit++] = &w->items[k->items[i]];
	if (nfit == 1) {
		set_item(a, fit[0]);
		return;
	}
	/* all refused for the same reason: no question decides anything */
	int same = 1;
	for (int i = 0; i < nfit; i++)
		if (fit[i]->accepted || fit[i]->reason != fit[0]->reason)
			same = 0;
	if (same) {
		set_item(a, fit[0]);
		return;
	}
	a->kind = WASTE_ASK;
	a->ask_var = var;
	for (int i = 0; i < nfit; i++)
		a->ask[i] = fit[i];
	a->nask = nfit;
}

/* connectors between two items: と 、 , ・ や & + and また および */
static int connector(const struct text *t, int i)
{
	int32_t c = t->o[i];
	return c == 0x3068 || c == 0x3001 || c == ',' || c == 0xFF0C || c == 0x30FB || c == 0x3084 ||
	       c == '&' || c == '+' || c == '/' || c == 0x3002 || (t->c[i] == 'a' && at(t, i, "and ")) ||
	       c == '\n';
}

int waste_match(struct waste_answer *ans, int max, const struct waste_items *w,
		const char *text, struct err *e)
{
	if (max < 1)
		return err_set(e, ERR_INVALID, "no room for an answer");
	size_t len = text ? strlen(text) : 0;
	if (len > WASTE_QUERY_MAX)
		return err_set(e, ERR_LIMIT, "text over %d bytes", WASTE_QUERY_MAX);
	struct text *t = malloc(sizeof *t);
	struct measures *ms = malloc(sizeof *ms);
	struct span *sp = malloc(sizeof *sp * SPANS_MAX);
	if (!t || !ms || !sp) {
		free(t), free(ms), free(sp);
		return err_set(e, ERR_NOMEM, "match");
	}
	int rc = text_read(t, text ? text : "", len, e);
	if (rc) {
		free(t), free(ms), free(sp);
		return rc;
	}
	read_measures(ms, t);
	text_loose(t);
	int n = exact_spans(sp, w, t);
	if (n < SPANS_MAX && fuzzy_span(&sp[n], w, t, n > 0)) {
		/* with exact candidates, a typo'd one only where it is longer
		 * than every exact one it overlaps, and never over an exact one
		 * at its end whose ending its key does not share: the head noun,
		 * written right, decides (キャンプ用テーブル is a table, not
		 * キャンプ用テント; デスクトプパソコン stays a computer) */
		int keep = 1;
		for (int i = 0; i < n && keep; i++)
			if (sp[i].s < sp[n].e && sp[n].s < sp[i].e &&
			    (sp[i].e - sp[i].s >= sp[n].e - sp[n].s ||
			     (sp[i].e >= sp[n].e && sp[i].s > sp[n].s && !same_ending(sp[n].key, sp[i].key))))
				keep = 0;
		n += keep;
	}
	n = resolve(sp, n);
	/* a candidate followed by only の (or nothing) modifies the next */
	int keep[SPANS_MAX], bound[SPANS_MAX];
	int nk = 0;
	for (int i = 0; i < n; i++) {
		if (i + 1 < n) {
			int a = t->lpos[sp[i].e - 1] + 1, b = t->lpos[sp[i + 1].s];
			int other = 0, no = 0, conn = -1;
			for (int j = a; j < b; j++) {
				if (t->cls[j] == K_SPACE || t->used[j])
					continue;
				if (t->o[j] == 0x306E && !no)
					no = 1;
				else
					other = 1;
				if (conn < 0 && connector(t, j))
					conn = j;
			}
			if (!other)
				continue;   /* modifier: dropped */
			bound[nk] = conn >= 0 ? conn : b;
		} else {
			bound[nk] = t->n;
		}
		keep[nk++] = i;
	}
	int na = 0;
	for (int i = 0; i < nk && na < max && na < WASTE_ANSWERS_MAX; i++) {
		int from = i == 0 ? 0 : bound[i - 1];
		answer_of(&ans[na++], w, &sp[keep[i]], ms, from, bound[i], t);
	}
	if (na == 0) {
		memset(&ans[0], 0, sizeof ans[0]);
		ans[0].kind = WASTE_NONE;
		ans[0].count = 1;
		na = 1;
	}
	free(t), free(ms), free(sp);
	return na;
}

int waste_answer_choose(struct waste_answer *a, const char *id)
{
	for (int i = 0; i < a->nask; i++)
		if (strcmp(a->ask[i]->id, id) == 0) {
			set_item(a, a->ask[i]);
			return 0;
		}
	return ERR_NOTFOUND;
}

/* id is one of the '|'-separated list */
static int listed(const char *list, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, "|");
		if (l == n && strncmp(p, id, n) == 0)
			return 1;
		p += l;
		if (*p == '|')
			p++;
	}
	return 0;
}

int waste_answer_meets(const struct waste_answer *a, const char *expected)
{
	if (strncmp(expected, "NOT:", 4) == 0)
		return a->kind == WASTE_NOT && strcmp(waste_reason_code(a->item->reason), expected + 4) == 0;
	if (strncmp(expected, "ASK:", 4) == 0) {
		const char *list = expected + 4;
		if (a->kind == WASTE_ITEM || a->kind == WASTE_NOT)
			return listed(list, a->item->id);
		if (a->kind != WASTE_ASK)
			return 0;
		int n = 1;
		for (const char *p = list; *p; p++)
			n += *p == '|';
		for (int i = 0; i < a->nask; i++)
			if (!listed(list, a->ask[i]->id))
				return 0;
		return a->nask == n;
	}
	return a->kind == WASTE_ITEM && strcmp(a->item->id, expected) == 0;
}
