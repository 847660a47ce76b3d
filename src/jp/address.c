/*
 * address.c -- postal codes, phone numbers, address numbers; see
 * address.h.  Inputs are decoded to code points into fixed arrays bounded
 * by the documented limits, so no parser here allocates except the
 * result of jp_address_normalize.
 */
#include "jp/address.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jp/jp_int.h"

/* Decode s into cps (at most cap code points).  Returns the count, or -1
 * for invalid UTF-8; -2 if over the byte limit. */
static int decode(int32_t *cps, size_t *offs, size_t cap, const char *s,
		  size_t len, size_t limit)
{
	if (len > limit)
		return -2;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;
	while (i < len) {
		if (n >= cap)
			return -2;
		size_t l = jp_int_utf8_decode(&cps[n], p + i, len - i);
		if (!l)
			return -1;
		if (offs)
			offs[n] = i;
		n++;
		i += l;
	}
	if (offs)
		offs[n] = len;
	return (int)n;
}

static int digit_of(int32_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 0xFF10 && c <= 0xFF19)
		return c - 0xFF10;
	return -1;
}

static bool is_blank(int32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000;
}

static int decode_short(int32_t *cps, const char *in, size_t *n,
			const char *what, struct err *e)
{
	if (!in)
		return err_set(e, ERR_INVALID, "%s: no input", what);
	size_t len = strnlen(in, JP_CONTACT_INPUT_MAX + 1);
	int r = decode(cps, NULL, JP_CONTACT_INPUT_MAX, in, len,
		       JP_CONTACT_INPUT_MAX);
	if (r == -2)
		return err_set(e, ERR_LIMIT, "%s: longer than %d bytes", what,
			       JP_CONTACT_INPUT_MAX);
	if (r < 0)
		return err_set(e, ERR_INVALID, "%s: invalid UTF-8", what);
	*n = (size_t)r;
	return 0;
}

static void trim(const int32_t *c, size_t *lo, size_t *hi)
{
	while (*lo < *hi && is_blank(c[*lo]))
		(*lo)++;
	while (*hi > *lo && is_blank(c[*hi - 1]))
		(*hi)--;
}

int jp_postal_normalize(char *buf, size_t size, const char *in,
			struct err *e)
{
	int32_t c[JP_CONTACT_INPUT_MAX + 1];
	size_t n;
	int rc = decode_short(c, in, &n, "postal code", e);
	if (rc)
		return rc;
	size_t lo = 0, hi = n;
	trim(c, &lo, &hi);
	if (lo < hi && (c[lo] == 0x3012 || c[lo] == 0x3036)) { /* 〒 〶 */
		lo++;
		trim(c, &lo, &hi);
	}
	char d[8];
	int nd = 0, nsep = 0;
	for (size_t i = lo; i < hi; i++) {
		int v = digit_of(c[i]);
		if (v >= 0) {
			if (nd == 7)
				return err_set(e, ERR_INVALID,
					       "postal code: more than 7 digits");
			d[nd++] = (char)('0' + v);
		} else if (jp_int_is_dashlike(c[i]) || is_blank(c[i])) {
			if (nd != 3 || nsep)
				return err_set(e, ERR_INVALID,
					       "postal code: separator not "
					       "after the third digit");
			nsep++;
		} else {
			return err_set(e, ERR_INVALID,
				       "postal code: not a digit");
		}
	}
	if (nd != 7)
		return err_set(e, ERR_INVALID, "postal code: %d digits, not 7",
			       nd);
	if (size < JP_POSTAL_SIZE)
		return err_set(e, ERR_LIMIT, "postal code: buffer too small");
	memcpy(buf, d, 3);
	buf[3] = '-';
	memcpy(buf + 4, d + 3, 4);
	buf[8] = '\0';
	return 0;
}

/* ---- phone ---- */

struct grouping {
	int g[3];
};

static bool prefix(const char *digits, const char *p)
{
	return strncmp(digits, p, strlen(p)) == 0;
}

static bool group_ok(enum jp_phone_kind k, const char *dg, const int *g)
{
	switch (k) {
	case JP_PHONE_MOBILE:
	case JP_PHONE_IP:
		return g[0] == 3 && g[1] == 4 && g[2] == 4;
	case JP_PHONE_FREEDIAL:
		return prefix(dg, "0800") ? g[0] == 4 && g[1] == 3 && g[2] == 4
					  : g[0] == 4 && g[1] == 3 && g[2] == 3;
	case JP_PHONE_NAVIDIAL:
		return g[0] == 4 && g[1] == 3 && g[2] == 3;
	case JP_PHONE_LANDLINE:
		return g[0] >= 2 && g[0] <= 5 && g[1] >= 1 && g[1] <= 4 &&
		       g[0] + g[1] == 6 && g[2] == 4;
	}
	return false;
}

static int put_phone(char *buf, size_t size, const char *dg, const int *g,
		     int ng, struct err *e)
{
	char tmp[JP_PHONE_SIZE];
	size_t o = 0, at = 0;
	for (int i = 0; i < ng; i++) {
		if (i)
			tmp[o++] = '-';
		memcpy(tmp + o, dg + at, (size_t)g[i]);
		o += (size_t)g[i];
		at += (size_t)g[i];
	}
	tmp[o] = '\0';
	if (o + 1 > size)
		return err_set(e, ERR_LIMIT, "phone: buffer too small");
	memcpy(buf, tmp, o + 1);
	return 0;
}

int jp_phone_normalize(char *buf, size_t size, enum jp_phone_kind *kind,
		       const char *in, struct err *e)
{
	int32_t c[JP_CONTACT_INPUT_MAX + 1];
	size_t n;
	int rc = decode_short(c, in, &n, "phone", e);
	if (rc)
		return rc;
	size_t lo = 0, hi = n;
	trim(c, &lo, &hi);
	char dg[16];
	int nd = 0;
	int g[8], ng = 0, cur = 0;
	bool in_paren = false, had_paren = false;
	/* +81: the country code replaces the trunk prefix 0. */
	if (lo < hi && (c[lo] == '+' || c[lo] == 0xFF0B)) {
		if (hi - lo < 3 || digit_of(c[lo + 1]) != 8 ||
		    digit_of(c[lo + 2]) != 1)
			return err_set(e, ERR_INVALID,
				       "phone: only +81 numbers are accepted");
		lo += 3;
		while (lo < hi && (is_blank(c[lo]) || jp_int_is_dashlike(c[lo])))
			lo++;
		if (hi - lo >= 3 && (c[lo] == '(' || c[lo] == 0xFF08) &&
		    digit_of(c[lo + 1]) == 0 &&
		    (c[lo + 2] == ')' || c[lo + 2] == 0xFF09)) {
			lo += 3;
			while (lo < hi && (is_blank(c[lo]) ||
					   jp_int_is_dashlike(c[lo])))
				lo++;
		}
		dg[nd++] = '0';
		cur = 1;
	}
	for (size_t i = lo; i < hi; i++) {
		int v = digit_of(c[i]);
		bool open = c[i] == '(' || c[i] == 0xFF08;
		bool close = c[i] == ')' || c[i] == 0xFF09;
		if (v >= 0) {
			if (nd >= 12)
				return err_set(e, ERR_INVALID,
					       "phone: too many digits");
			dg[nd++] = (char)('0' + v);
			cur++;
			continue;
		}
		if (open) {
			if (had_paren || in_paren)
				return err_set(e, ERR_INVALID,
					       "phone: unbalanced parentheses");
			in_paren = had_paren = true;
		} else if (close) {
			if (!in_paren)
				return err_set(e, ERR_INVALID,
					       "phone: unbalanced parentheses");
			in_paren = false;
		} else if (!jp_int_is_dashlike(c[i]) && !is_blank(c[i])) {
			return err_set(e, ERR_INVALID, "phone: not a digit");
		}
		if (cur) { /* a separator ends a group */
			if (ng == 8)
				return err_set(e, ERR_INVALID,
					       "phone: too many groups");
			g[ng++] = cur;
			cur = 0;
		}
	}
	if (in_paren)
		return err_set(e, ERR_INVALID, "phone: unbalanced parentheses");
	if (cur && ng < 8)
		g[ng++] = cur;
	dg[nd] = '\0';

	enum jp_phone_kind k;
	int want;
	if (nd == 0 || dg[0] != '0')
		return err_set(e, ERR_INVALID, "phone: does not start with 0");
	if (prefix(dg, "00"))
		return err_set(e, ERR_INVALID,
			       "phone: international call prefix");
	if (prefix(dg, "0800")) { /* before 080 */
		k = JP_PHONE_FREEDIAL;
		want = 11;
	} else if (prefix(dg, "070") || prefix(dg, "080") ||
		   prefix(dg, "090")) {
		k = JP_PHONE_MOBILE;
		want = 11;
	} else if (prefix(dg, "050")) {
		k = JP_PHONE_IP;
		want = 11;
	} else if (prefix(dg, "0120")) {
		k = JP_PHONE_FREEDIAL;
		want = 10;
	} else if (prefix(dg, "0570")) {
		k = JP_PHONE_NAVIDIAL;
		want = 10;
	} else if (prefix(dg, "020")) {
		return err_set(e, ERR_INVALID,
			       "phone: 020 (M2M) is not a contact number");
	} else {
		k = JP_PHONE_LANDLINE;
		want = 10;
	}
	if (nd != want)
		return err_set(e, ERR_INVALID, "phone: %d digits, %d expected",
			       nd, want);
	if (kind)
		*kind = k;
	if (ng == 3 && group_ok(k, dg, g))
		return put_phone(buf, size, dg, g, 3, e);
	int std[3];
	switch (k) {
	case JP_PHONE_MOBILE:
	case JP_PHONE_IP:
		std[0] = 3, std[1] = 4, std[2] = 4;
		break;
	case JP_PHONE_FREEDIAL:
		std[0] = 4, std[1] = 3, std[2] = want == 11 ? 4 : 3;
		break;
	case JP_PHONE_NAVIDIAL:
		std[0] = 4, std[1] = 3, std[2] = 3;
		break;
	case JP_PHONE_LANDLINE:
		if (prefix(dg, "03") || prefix(dg, "06")) {
			std[0] = 2, std[1] = 4, std[2] = 4;
			break;
		}
		std[0] = nd;
		return put_phone(buf, size, dg, std, 1, e);
	}
	return put_phone(buf, size, dg, std, 3, e);
}

/* ---- address numbers ---- */

static bool is_kanji_num(int32_t c)
{
	return jp_int_kanji_digit(c) >= 0 || jp_int_kanji_unit(c) > 0;
}

/* Does a number marker start at c[i]?  Returns its length in code points
 * (0 if none). */
static size_t marker_at(const int32_t *c, size_t i, size_t n)
{
	const int32_t CHO = 0x4E01, ME = 0x76EE, BAN = 0x756A, CHI = 0x5730,
		      GO = 0x53F7, NO = 0x306E;
	if (i >= n)
		return 0;
	if (c[i] == CHO && i + 1 < n && c[i + 1] == ME)
		return 2;                               /* 丁目 */
	if (c[i] == GO)
		return 1;                               /* 号 */
	if (c[i] == BAN) {
		if (i + 1 < n && c[i + 1] == CHI)
			return 2;                       /* 番地 */
		if (i + 1 == n)
			return 1;
		int32_t nx = c[i + 1];
		if (digit_of(nx) >= 0 || is_kanji_num(nx) || nx == GO ||
		    nx == NO || is_blank(nx) || jp_int_is_dashlike(nx))
			return 1;                       /* 番 */
	}
	return 0;
}

int jp_address_normalize(char **out, const char *in, size_t len,
			 struct err *e)
{
	*out = NULL;
	if (len > JP_ADDRESS_MAX)
		return err_set(e, ERR_LIMIT, "address: longer than %d bytes",
			       JP_ADDRESS_MAX);
	if (!in && len)
		return err_set(e, ERR_INVALID, "address: no input");
	static const size_t cap = JP_ADDRESS_MAX;
	int32_t c[JP_ADDRESS_MAX + 1];
	size_t off[JP_ADDRESS_MAX + 1];
	int r = decode(c, off, cap, in ? in : "", len, JP_ADDRESS_MAX);
	if (r < 0)
		return err_set(e, ERR_INVALID, "address: invalid UTF-8");
	size_t n = (size_t)r;
	struct jp_int_buf b;
	jp_int_buf_init(&b);
	bool prev_digit = false;
	for (size_t i = 0; i < n;) {
		int32_t ch = c[i];
		int dv = digit_of(ch);
		if (dv >= 0) {
			jp_int_buf_addc(&b, (char)('0' + dv));
			prev_digit = true;
			i++;
			continue;
		}
		if (is_kanji_num(ch)) {
			size_t j = i;
			while (j < n && is_kanji_num(c[j]))
				j++;
			int val;
			size_t blen = off[j] - off[i];
			if (marker_at(c, j, n) &&
			    jp_int_kanji_number(&val, in + off[i], blen) ==
				    blen) {
				char num[16];
				int k = snprintf(num, sizeof num, "%d", val);
				jp_int_buf_add(&b, num, (size_t)k);
				prev_digit = true;
			} else {
				jp_int_buf_add(&b, in + off[i], blen);
				prev_digit = false;
			}
			i = j;
			continue;
		}
		if (jp_int_is_dashlike(ch) && prev_digit && i + 1 < n &&
		    (digit_of(c[i + 1]) >= 0)) {
			jp_int_buf_addc(&b, '-');
			prev_digit = false;
			i++;
			continue;
		}
		jp_int_buf_add(&b, in + off[i], off[i + 1] - off[i]);
		prev_digit = false;
		i++;
	}
	*out = jp_int_buf_take(&b);
	if (!*out)
		return err_set(e, ERR_NOMEM, "address: out of memory");
	return 0;
}
