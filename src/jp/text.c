/*
 * text.c -- UTF-8 validation, NFKC, search fold, 全角/半角, フリガナ; see
 * text.h.  Every function validates its input first, so the loops below
 * only ever see well-formed UTF-8.
 */
#include "jp/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "jp/jp_int.h"

int jp_text_utf8_validate(size_t *bad_offset, const char *s, size_t len,
			  struct err *e)
{
	if (len > JP_TEXT_MAX)
		return err_set(e, ERR_LIMIT, "text: longer than %u bytes",
			       JP_TEXT_MAX);
	if (!s && len)
		return err_set(e, ERR_INVALID, "text: no input");
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int32_t cp;
		size_t l = jp_int_utf8_decode(&cp, p + i, len - i);
		if (!l) {
			if (bad_offset)
				*bad_offset = i;
			return err_set(e, ERR_INVALID,
				       "text: invalid UTF-8 at byte %zu", i);
		}
		i += l;
	}
	return 0;
}

/* Common start of the transforms: limits and validity. */
static int begin(char **out, const char *s, size_t len, struct err *e)
{
	if (out)
		*out = NULL;
	return jp_text_utf8_validate(NULL, s, len, e);
}

static int finish(char **out, struct jp_int_buf *b, struct err *e)
{
	*out = jp_int_buf_take(b);
	if (!*out)
		return err_set(e, ERR_NOMEM, "text: out of memory");
	return 0;
}

static int utf8proc_run(char **out, const char *s, size_t len, int opts,
			struct err *e)
{
	utf8proc_uint8_t *r = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s,
					  (utf8proc_ssize_t)len, &r,
					  (utf8proc_option_t)opts);
	if (n < 0) {
		if (n == UTF8PROC_ERROR_NOMEM)
			return err_set(e, ERR_NOMEM, "text: out of memory");
		return err_set(e, ERR_INVALID, "text: utf8proc: %s",
			       utf8proc_errmsg(n));
	}
	*out = (char *)r;
	return 0;
}

int jp_text_nfkc(char **out, const char *s, size_t len, struct err *e)
{
	int rc = begin(out, s, len, e);
	if (rc)
		return rc;
	return utf8proc_run(out, s ? s : "", len,
			    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
			    e);
}

static bool is_hira(int32_t c)
{
	return (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E;
}

static int32_t hira_to_kata(int32_t c)
{
	return is_hira(c) ? c + 0x60 : c;
}

static bool is_kana(int32_t c)
{
	return is_hira(c) || (c >= 0x30A1 && c <= 0x30FA) ||
	       (c >= 0x30FC && c <= 0x30FE);
}

static bool is_space(int32_t c)
{
	if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return true;
	const utf8proc_property_t *p = utf8proc_get_property(c);
	return p->category == UTF8PROC_CATEGORY_ZS;
}

int jp_text_fold(char **out, const char *s, size_t len, struct err *e)
{
	int rc = begin(out, s, len, e);
	if (rc)
		return rc;
	char *n = NULL;
	rc = utf8proc_run(&n, s ? s : "", len,
			  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
				  UTF8PROC_CASEFOLD,
			  e);
	if (rc)
		return rc;
	struct jp_int_buf b;
	jp_int_buf_init(&b);
	const unsigned char *p = (const unsigned char *)n;
	size_t i = 0, nl = strlen(n);
	int32_t prev = 0;
	bool pending_space = false;
	while (i < nl) {
		int32_t c;
		size_t l = jp_int_utf8_decode(&c, p + i, nl - i);
		if (!l) { /* cannot happen: utf8proc output is valid */
			free(n);
			jp_int_buf_done(&b);
			return err_set(e, ERR_INTERNAL, "text: bad NFKC output");
		}
		i += l;
		if (is_space(c)) {
			pending_space = b.len > 0;
			continue;
		}
		if (pending_space) {
			jp_int_buf_addc(&b, ' ');
			pending_space = false;
			prev = ' ';
		}
		c = hira_to_kata(c);
		if (jp_int_is_dashlike(c) || c == 0x2010 || c == 0x2011)
			c = is_kana(prev) ? 0x30FC : '-';
		else if (c == 0x301C || c == 0xFF5E || c == 0x223C)
			c = '~';
		jp_int_buf_addcp(&b, c);
		prev = c;
	}
	free(n);
	return finish(out, &b, e);
}

int jp_text_zen_to_han_ascii(char **out, const char *s, size_t len,
			     struct err *e)
{
	int rc = begin(out, s, len, e);
	if (rc)
		return rc;
	struct jp_int_buf b;
	jp_int_buf_init(&b);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		int32_t c;
		size_t l = jp_int_utf8_decode(&c, p + i, len - i);
		if (c >= 0xFF01 && c <= 0xFF5E)
			jp_int_buf_addc(&b, (char)(c - 0xFEE0));
		else if (c == 0x3000)
			jp_int_buf_addc(&b, ' ');
		else
			jp_int_buf_add(&b, p + i, l);
		i += l;
	}
	return finish(out, &b, e);
}

/* Full-width form of U+FF61..U+FF9D. */
static const uint16_t han_kana[0xFF9E - 0xFF61] = {
	0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2,         /* ｡｢｣､･ｦ */
	0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9,                 /* ｧｨｩｪｫ */
	0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC,                 /* ｬｭｮｯｰ */
	0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA,                 /* ｱｲｳｴｵ */
	0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3,                 /* ｶｷｸｹｺ */
	0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,                 /* ｻｼｽｾｿ */
	0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,                 /* ﾀﾁﾂﾃﾄ */
	0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE,                 /* ﾅﾆﾇﾈﾉ */
	0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,                 /* ﾊﾋﾌﾍﾎ */
	0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2,                 /* ﾏﾐﾑﾒﾓ */
	0x30E4, 0x30E6, 0x30E8,                                 /* ﾔﾕﾖ */
	0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED,                 /* ﾗﾘﾙﾚﾛ */
	0x30EF, 0x30F3,                                         /* ﾜﾝ */
};

/* The kana with a voiced (dakuten) or semi-voiced mark, or 0. */
static int32_t compose_mark(int32_t c, bool semi)
{
	bool ha = c == 0x30CF || c == 0x30D2 || c == 0x30D5 || c == 0x30D8 ||
		  c == 0x30DB;
	if (semi)
		return ha ? c + 2 : 0;
	if (ha)
		return c + 1;
	if ((c >= 0x30AB && c <= 0x30C1 && (c - 0x30AB) % 2 == 0) ||
	    c == 0x30C4 || c == 0x30C6 || c == 0x30C8)
		return c + 1;
	switch (c) {
	case 0x30A6: return 0x30F4; /* ウ -> ヴ */
	case 0x30EF: return 0x30F7; /* ワ -> ヷ */
	case 0x30F0: return 0x30F8; /* ヰ -> ヸ */
	case 0x30F1: return 0x30F9; /* ヱ -> ヹ */
	case 0x30F2: return 0x30FA; /* ヲ -> ヺ */
	}
	return 0;
}

int jp_text_han_to_zen_kana(char **out, const char *s, size_t len,
			    struct err *e)
{
	int rc = begin(out, s, len, e);
	if (rc)
		return rc;
	struct jp_int_buf b;
	jp_int_buf_init(&b);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int32_t prev = 0;        /* last code point written */
	size_t prev_at = 0;      /* where it starts in b */
	while (i < len) {
		int32_t c;
		size_t l = jp_int_utf8_decode(&c, p + i, len - i);
		i += l;
		if (c == 0xFF9E || c == 0xFF9F) {
			int32_t v = compose_mark(prev, c == 0xFF9F);
			if (v) {
				b.len = prev_at; /* replace the previous kana */
				c = v;
			} else {
				c = c == 0xFF9E ? 0x309B : 0x309C;
			}
		} else if (c >= 0xFF61 && c < 0xFF9E) {
			c = han_kana[c - 0xFF61];
		}
		prev_at = b.len;
		jp_int_buf_addcp(&b, c);
		prev = c;
	}
	return finish(out, &b, e);
}

int jp_text_hira_to_kata(char **out, const char *s, size_t len,
			 struct err *e)
{
	int rc = begin(out, s, len, e);
	if (rc)
		return rc;
	struct jp_int_buf b;
	jp_int_buf_init(&b);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		int32_t c;
		size_t l = jp_int_utf8_decode(&c, p + i, len - i);
		if (is_hira(c))
			jp_int_buf_addcp(&b, hira_to_kata(c));
		else
			jp_int_buf_add(&b, p + i, l);
		i += l;
	}
	return finish(out, &b, e);
}

int jp_text_is_katakana(size_t *bad_offset, const char *s, size_t len,
			struct err *e)
{
	size_t bad = 0;
	int rc = jp_text_utf8_validate(&bad, s, len, e);
	if (rc) {
		if (bad_offset)
			*bad_offset = bad;
		return rc;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	bool letter = false;
	while (i < len) {
		int32_t c;
		size_t l = jp_int_utf8_decode(&c, p + i, len - i);
		bool kata = (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FD ||
			    c == 0x30FE;
		if (kata)
			letter = true;
		else if (c != 0x30FC && c != 0x30FB && c != ' ' &&
			 c != 0x3000) {
			if (bad_offset)
				*bad_offset = i;
			return err_set(e, ERR_INVALID,
				       "furigana: not katakana at byte %zu", i);
		}
		i += l;
	}
	if (!letter) {
		if (bad_offset)
			*bad_offset = len;
		return err_set(e, ERR_INVALID, "furigana: no katakana letter");
	}
	return 0;
}
