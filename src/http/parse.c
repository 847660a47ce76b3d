/*
 * parse.c -- the HTTP layer's input parsers: percent-decoding, query
 * strings and urlencoded forms, Cookie headers, UTF-8 validation and route
 * pattern matching.  Pure functions over bytes with explicit limits, so that
 * the fuzz targets in tests/fuzz/ can drive them directly.
 */
#include "http/http.h"

#include <string.h>

int http_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned c = *p;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		int n;
		unsigned min;
		if ((c & 0xe0) == 0xc0) { n = 1; min = 0x80; c &= 0x1f; }
		else if ((c & 0xf0) == 0xe0) { n = 2; min = 0x800; c &= 0x0f; }
		else if ((c & 0xf8) == 0xf0) { n = 3; min = 0x10000; c &= 0x07; }
		else return 0;
		if (end - p <= n)
			return 0;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int http_urldecode(char *out, const char *in, size_t len, int plus_space)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '%') {
			if (i + 2 >= len)
				return ERR_INVALID;
			int h = hexv(in[i + 1]), l = hexv(in[i + 2]);
			if (h < 0 || l < 0)
				return ERR_INVALID;
			out[n++] = (char)(h << 4 | l);
			i += 2;
		} else if (c == '+' && plus_space) {
			out[n++] = ' ';
		} else {
			out[n++] = c;
		}
	}
	out[n] = '\0';
	if (!http_utf8_valid(out, n))
		return ERR_INVALID;
	return (int)n;
}

/* How a list of name=value pairs is written. */
struct pair_syntax {
	char sep;       /* between pairs: '&' in a query, ';' in Cookie     */
	int trim;       /* 1: spaces and tabs around a pair are dropped     */
	int decode;     /* 1: both sides are %-decoded, '+' read as a space */
};

static const struct pair_syntax urlencoded = { .sep = '&', .decode = 1 };
static const struct pair_syntax cookies = { .sep = ';', .trim = 1 };

/* split s on sep; for each piece split on '=' and decode both sides */
static int split_pairs(const char *s, size_t len, const struct pair_syntax *syn,
		       struct arena *a, const char **names, const char **values,
		       int max)
{
	char sep = syn->sep;
	int trim = syn->trim, decode = syn->decode;
	int n = 0;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != sep)
			j++;
		size_t b = i, e = j;
		if (trim) {
			while (b < e && (s[b] == ' ' || s[b] == '\t'))
				b++;
			while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
				e--;
		}
		if (e > b) {
			if (n >= max)
				return ERR_LIMIT;
			const char *eq = memchr(s + b, '=', e - b);
			size_t nl = eq ? (size_t)(eq - (s + b)) : e - b;
			size_t vl = eq ? (size_t)(e - b - nl - 1) : 0;
			if (nl > HTTP_MAX_PARAM_LEN || vl > HTTP_MAX_PARAM_LEN)
				return ERR_LIMIT;
			char *nm = arena_alloc(a, nl + 1), *v = arena_alloc(a, vl + 1);
			if (!nm || !v)
				return ERR_LIMIT;
			if (decode) {
				if (http_urldecode(nm, s + b, nl, 1) < 0 ||
				    http_urldecode(v, eq ? eq + 1 : "", vl, 1) < 0)
					return ERR_INVALID;
			} else {
				memcpy(nm, s + b, nl);
				if (vl)
					memcpy(v, eq + 1, vl);
			}
			names[n] = nm;
			values[n] = v;
			n++;
		}
		i = j + 1;
	}
	return n;
}

int http_parse_urlencoded(const char *s, size_t len, struct arena *a,
			  const char **names, const char **values, int max)
{
	return split_pairs(s, len, &urlencoded, a, names, values, max);
}

int http_parse_cookies(const char *s, size_t len, struct arena *a,
		       const char **names, const char **values, int max)
{
	return split_pairs(s, len, &cookies, a, names, values, max);
}

int http_route_match(const char *pattern, const char *path, struct arena *a,
		     const char **names, const char **values, int *n, int max)
{
	const char *p = pattern, *s = path;
	int count = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return 0;
			const char *seg_end = strchr(s, '/');
			size_t sl = seg_end ? (size_t)(seg_end - s) : strlen(s);
			if (sl == 0 || count >= max)
				return 0;
			names[count] = arena_strndup(a, p + 1, (size_t)(close - p - 1));
			values[count] = arena_strndup(a, s, sl);
			if (!names[count] || !values[count])
				return 0;
			count++;
			p = close + 1;
			s += sl;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return 0;
		}
	}
	if (*p || *s)
		return 0;
	*n = count;
	return 1;
}
