/*
 * jcs.c -- RFC 8785 JSON Canonicalization Scheme, for the JSON jansson
 * holds: the canonical form of a submission is what an applicant signs.
 *
 * Rules implemented (RFC 8785 section 3.2):
 * - no white space; object members sorted by their names compared as
 *   arrays of UTF-16 code units (so U+1F600, a surrogate pair D83D DE00,
 *   sorts before U+FB33);
 * - strings: '"' and '\\' escaped, U+0000..U+001F as \b \t \n \f \r or
 *   \u00xx (lowercase hex), everything else (U+007F and beyond included)
 *   as its UTF-8 bytes;
 * - numbers: the ECMAScript Number.prototype.toString of the IEEE 754
 *   double (shortest round-trip digits; plain notation for exponents
 *   -7 < n <= 21, else d.ddde+N); -0 is "0"; NaN and infinities refused.
 *   JSON integers are exact up to 2^53 and rounded to a double beyond.
 *
 * Invariants: output is deterministic for equal input values; depth is
 * bounded (64); the buffer's own limit bounds the size.
 */
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/forms/forms.h"

#define JCS_MAX_DEPTH 64

int forms_jcs_number(char *buf, size_t size, double d, struct err *e)
{
	if (isnan(d) || isinf(d))
		return err_set(e, ERR_INVALID, "jcs: NaN or infinity is not JSON");
	if (size < 32)
		return err_set(e, ERR_LIMIT, "jcs: number buffer too small");
	if (d == 0) {
		snprintf(buf, size, "0");
		return 0;
	}
	char *o = buf;
	if (d < 0) {
		*o++ = '-';
		d = -d;
	}
	/* shortest digits that read back as d */
	char tmp[40];
	int p;
	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp = D[.DDD]e[+-]XX */
	char digits[20];
	int k = 0;
	char *q = tmp;
	for (; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9')
			digits[k++] = *q;
	int exp10 = atoi(q + 1);
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = 0;
	int n = exp10 + 1;   /* the decimal point sits after n digits */
	if (k <= n && n <= 21) {
		memcpy(o, digits, (size_t)k);
		o += k;
		for (int i = 0; i < n - k; i++)
			*o++ = '0';
		*o = 0;
	} else if (0 < n && n <= 21) {
		memcpy(o, digits, (size_t)n);
		o += n;
		*o++ = '.';
		memcpy(o, digits + n, (size_t)(k - n));
		o += k - n;
		*o = 0;
	} else if (-6 < n && n <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -n; i++)
			*o++ = '0';
		memcpy(o, digits, (size_t)k);
		o += k;
		*o = 0;
	} else {
		*o++ = digits[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, (size_t)(k - 1));
			o += k - 1;
		}
		sprintf(o, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1) % 1000);
	}
	return 0;
}

/* next UTF-16 code unit of a UTF-8 string (jansson guarantees valid
 * UTF-8); *pend holds a pending low surrogate */
static unsigned next_unit(const unsigned char **s, unsigned *pend)
{
	if (*pend) {
		unsigned u = *pend;
		*pend = 0;
		return u;
	}
	const unsigned char *p = *s;
	unsigned c;
	if (p[0] < 0x80) {
		c = p[0];
		*s += 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		c = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
		*s += 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
		*s += 3;
	} else {
		c = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3fu) << 12) |
		    ((p[2] & 0x3fu) << 6) | (p[3] & 0x3fu);
		*s += 4;
		c -= 0x10000;
		*pend = 0xdc00 | (c & 0x3ff);
		return 0xd800 | (c >> 10);
	}
	return c;
}

static int utf16_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	unsigned pa = 0, pb = 0;
	for (;;) {
		int ea = !*p && !pa, eb = !*q && !pb;
		if (ea || eb)
			return ea && eb ? 0 : ea ? -1 : 1;
		unsigned ua = next_unit(&p, &pa), ub = next_unit(&q, &pb);
		if (ua != ub)
			return ua < ub ? -1 : 1;
	}
}

static int cmp_keys(const void *x, const void *y)
{
	return utf16_cmp(*(const char *const *)x, *(const char *const *)y);
}

static int put_string(struct buf *b, const char *s, size_t n)
{
	int rc = buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[8];
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c < 0x20) {
			switch (c) {
			case '\b': esc = "\\b"; break;
			case '\t': esc = "\\t"; break;
			case '\n': esc = "\\n"; break;
			case '\f': esc = "\\f"; break;
			case '\r': esc = "\\r"; break;
			default:
				snprintf(u, sizeof u, "\\u%04x", c);
				esc = u;
			}
		}
		if (!esc) {
			run++;
			continue;
		}
		if (run)
			rc = buf_append(b, s + i - run, run);
		run = 0;
		if (!rc)
			rc = buf_puts(b, esc);
	}
	if (!rc && run)
		rc = buf_append(b, s + n - run, run);
	if (!rc)
		rc = buf_putc(b, '"');
	return rc;
}

static int jcs(struct buf *b, const json_t *v, int depth, struct err *e)
{
	int rc = 0;
	char num[40];
	if (depth > JCS_MAX_DEPTH)
		return err_set(e, ERR_LIMIT, "jcs: nested deeper than %d", JCS_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_NULL: rc = buf_puts(b, "null"); break;
	case JSON_TRUE: rc = buf_puts(b, "true"); break;
	case JSON_FALSE: rc = buf_puts(b, "false"); break;
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		if (i >= -(1LL << 53) && i <= (1LL << 53))
			snprintf(num, sizeof num, "%lld", (long long)i);
		else if ((rc = forms_jcs_number(num, sizeof num, (double)i, e)))
			return rc;
		rc = buf_puts(b, num);
		break;
	}
	case JSON_REAL:
		if ((rc = forms_jcs_number(num, sizeof num, json_real_value(v), e)))
			return rc;
		rc = buf_puts(b, num);
		break;
	case JSON_STRING:
		rc = put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_ARRAY: {
		size_t i;
		json_t *it;
		rc = buf_putc(b, '[');
		json_array_foreach(v, i, it) {
			if (!rc && i)
				rc = buf_putc(b, ',');
			if (!rc)
				rc = jcs(b, it, depth + 1, e);
		}
		if (!rc)
			rc = buf_putc(b, ']');
		break;
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = malloc(sizeof *keys * (n ? n : 1));
		if (!keys)
			return err_set(e, ERR_NOMEM, "jcs: out of memory");
		const char *k;
		json_t *it;
		json_object_foreach((json_t *)v, k, it)
			keys[i++] = k;
		qsort(keys, n, sizeof *keys, cmp_keys);
		rc = buf_putc(b, '{');
		for (i = 0; i < n && !rc; i++) {
			if (i)
				rc = buf_putc(b, ',');
			if (!rc)
				rc = put_string(b, keys[i], strlen(keys[i]));
			if (!rc)
				rc = buf_putc(b, ':');
			if (!rc)
				rc = jcs(b, json_object_get(v, keys[i]), depth + 1, e);
		}
		free(keys);
		if (!rc)
			rc = buf_putc(b, '}');
		break;
	}
	}
	if (rc && e && e->code == 0)
		err_set(e, rc, "jcs: output buffer full");
	return rc;
}

int forms_jcs(struct buf *b, const json_t *v, struct err *e)
{
	if (e)
		err_clear(e);
	int rc = jcs(b, v, 0, e);
	if (rc == ERR_LIMIT && e && !e->detail[0])
		err_set(e, rc, "jcs: output larger than the buffer's limit");
	return rc;
}

int forms_canonical(char **out, size_t *len, const char *tenant,
		    const char *procedure, int version, const json_t *answers,
		    struct err *e)
{
	*out = NULL;
	json_t *o = json_object();
	if (!o)
		return err_set(e, ERR_NOMEM, "canonical: out of memory");
	json_object_set(o, "answers", (json_t *)answers);
	json_object_set_new(o, "procedure", json_string(procedure));
	json_object_set_new(o, "tenant", json_string(tenant));
	json_object_set_new(o, "version", json_integer(version));
	struct buf b;
	buf_init(&b, FORMS_ANSWERS_MAX_BYTES * 2);
	int rc = forms_jcs(&b, o, e);
	json_decref(o);
	if (rc) {
		buf_done(&b);
		return rc;
	}
	if (len)
		*len = b.len;
	*out = buf_steal(&b);
	if (!*out)
		return err_set(e, ERR_NOMEM, "canonical: out of memory");
	return 0;
}

void forms_sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	hex_encode(out, md, 32);
}
