/*
 * jp_int.c -- private helpers of src/jp; see jp_int.h.
 */
#include "jp/jp_int.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

size_t jp_int_utf8_decode(int32_t *cp, const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	size_t len;
	int32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

size_t jp_int_utf8_encode(unsigned char out[4], int32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

void jp_int_buf_init(struct jp_int_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void jp_int_buf_add(struct jp_int_buf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void jp_int_buf_addc(struct jp_int_buf *b, char c)
{
	jp_int_buf_add(b, &c, 1);
}

void jp_int_buf_addcp(struct jp_int_buf *b, int32_t cp)
{
	unsigned char u[4];
	size_t n = jp_int_utf8_encode(u, cp);
	jp_int_buf_add(b, u, n);
}

char *jp_int_buf_take(struct jp_int_buf *b)
{
	if (b->failed) {
		jp_int_buf_done(b);
		return NULL;
	}
	if (!b->data)
		jp_int_buf_add(b, "", 0);
	if (b->failed) {
		jp_int_buf_done(b);
		return NULL;
	}
	char *d = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void jp_int_buf_done(struct jp_int_buf *b)
{
	free(b->data);
	jp_int_buf_init(b);
}

int jp_int_kanji_digit(int32_t cp)
{
	switch (cp) {
	case 0x3007: /* 〇 */
	case 0x96F6: /* 零 */
		return 0;
	case 0x4E00: return 1; /* 一 */
	case 0x4E8C: return 2; /* 二 */
	case 0x4E09: return 3; /* 三 */
	case 0x56DB: return 4; /* 四 */
	case 0x4E94: return 5; /* 五 */
	case 0x516D: return 6; /* 六 */
	case 0x4E03: return 7; /* 七 */
	case 0x516B: return 8; /* 八 */
	case 0x4E5D: return 9; /* 九 */
	}
	return -1;
}

int jp_int_kanji_unit(int32_t cp)
{
	switch (cp) {
	case 0x5341: return 10;   /* 十 */
	case 0x767E: return 100;  /* 百 */
	case 0x5343: return 1000; /* 千 */
	}
	return 0;
}

size_t jp_int_kanji_number(int *val, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int total = 0, cur = -1, ndig = 0, nunit = 0, positional = 0;
	int last_unit = 100000;
	while (i < n) {
		int32_t cp;
		size_t l = jp_int_utf8_decode(&cp, p + i, n - i);
		if (!l)
			break;
		int dg = jp_int_kanji_digit(cp), un = jp_int_kanji_unit(cp);
		if (dg >= 0) {
			if (cur >= 0) { /* two digits in a row: positional */
				if (nunit)
					break;
				positional = 1;
			}
			if (positional) {
				if (ndig >= 4)
					break;
				cur = (cur < 0 ? 0 : cur) * 10 + dg;
			} else {
				cur = dg;
			}
			ndig++;
		} else if (un) {
			if (positional || un >= last_unit)
				break;
			total += (cur < 0 ? 1 : cur) * un;
			cur = -1;
			last_unit = un;
			nunit++;
			ndig = 0;
		} else {
			break;
		}
		i += l;
	}
	if (i == 0)
		return 0;
	*val = total + (cur < 0 ? 0 : cur);
	return i;
}

bool jp_int_is_dashlike(int32_t cp)
{
	switch (cp) {
	case '-':
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2043: case 0x2212: case 0xFE58: case 0xFE63:
	case 0xFF0D: case 0x30FC: case 0xFF70:
		return true;
	}
	return false;
}

char *jp_int_nfkc(const char *s, size_t n, int *bad)
{
	utf8proc_uint8_t *out = NULL;
	*bad = 0;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s,
					  (utf8proc_ssize_t)n, &out,
					  UTF8PROC_STABLE | UTF8PROC_COMPOSE |
						  UTF8PROC_COMPAT);
	if (r < 0) {
		*bad = (r != UTF8PROC_ERROR_NOMEM);
		return NULL;
	}
	return (char *)out;
}
