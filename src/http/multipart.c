/*
 * multipart.c -- multipart/form-data bodies (RFC 7578, on the RFC 2046
 * framing): the boundary from the Content-Type header, then each part's
 * Content-Disposition name (and filename) and Content-Type.  A pure
 * function over bytes like the other parsers in parse.c, so that unit
 * tests and the fuzz target drive it directly.
 *
 * Invariants: part contents are not copied (they point into the body,
 * which lives as long as the request); names, filenames and types are
 * copied into the arena, valid UTF-8 without control characters; the
 * number of parts, the size of a part's headers and the length of every
 * header value have limits (http.h); anything malformed is ERR_INVALID,
 * anything past a limit ERR_LIMIT -- never a partial result.
 */
#include "http/http.h"

#include <string.h>
#include <strings.h>

/* find needle in hay (memmem without relying on _GNU_SOURCE) */
static const char *find(const char *hay, size_t hl, const char *needle, size_t nl)
{
	if (nl == 0 || hl < nl)
		return NULL;
	const char *end = hay + hl - nl;
	for (const char *p = hay; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nl) == 0)
			return p;
	}
	return NULL;
}

/* the value of parameter `key` in a header value such as
 * `form-data; name="a"; filename="b.pdf"` (quoted or token), copied into
 * the arena; NULL when absent; *bad set when malformed */
static char *header_param(const char *v, size_t vl, const char *key,
			  struct arena *a, int *bad)
{
	size_t kl = strlen(key);
	size_t i = 0;
	/* skip the first item (form-data / the media type) */
	while (i < vl && v[i] != ';')
		i++;
	while (i < vl) {
		i++; /* ';' */
		while (i < vl && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t ks = i;
		while (i < vl && v[i] != '=' && v[i] != ';')
			i++;
		size_t ke = i;
		while (ke > ks && (v[ke - 1] == ' ' || v[ke - 1] == '\t'))
			ke--;
		if (i >= vl || v[i] != '=') {
			if (i < vl)
				continue;
			return NULL;
		}
		i++; /* '=' */
		while (i < vl && (v[i] == ' ' || v[i] == '\t'))
			i++;
		char *out = arena_alloc(a, vl - i + 1);
		if (!out) {
			*bad = ERR_LIMIT;
			return NULL;
		}
		size_t on = 0;
		if (i < vl && v[i] == '"') {
			i++;
			int closed = 0;
			while (i < vl) {
				char c = v[i++];
				if (c == '\\' && i < vl) {
					out[on++] = v[i++];
				} else if (c == '"') {
					closed = 1;
					break;
				} else {
					out[on++] = c;
				}
			}
			if (!closed) {
				*bad = ERR_INVALID;
				return NULL;
			}
			while (i < vl && v[i] != ';')
				i++;
		} else {
			while (i < vl && v[i] != ';' && v[i] != ' ' && v[i] != '\t')
				out[on++] = v[i++];
			while (i < vl && v[i] != ';')
				i++;
		}
		out[on] = 0;
		if (ke - ks == kl && strncasecmp(v + ks, key, kl) == 0) {
			if (!http_utf8_valid(out, on)) {
				*bad = ERR_INVALID;
				return NULL;
			}
			for (size_t k = 0; k < on; k++)
				if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f) {
					*bad = ERR_INVALID;
					return NULL;
				}
			return out;
		}
	}
	return NULL;
}

int http_multipart_boundary(char *out, size_t out_size, const char *content_type)
{
	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0)
		return ERR_INVALID;
	struct arena *a = arena_new(4096);
	if (!a)
		return ERR_NOMEM;
	int bad = 0;
	char *b = header_param(content_type, strlen(content_type), "boundary", a, &bad);
	int rc = 0;
	size_t bl = b ? strlen(b) : 0;
	/* RFC 2046: 1..70 characters */
	if (bad || !b || bl == 0 || bl > HTTP_MULTIPART_BOUNDARY_MAX || bl + 1 > out_size)
		rc = ERR_INVALID;
	else
		memcpy(out, b, bl + 1);
	arena_free(a);
	return rc;
}

int http_parse_multipart(struct http_part *parts, int max, const char *body,
			 size_t len, const char *boundary, struct arena *a)
{
	size_t bl = boundary ? strlen(boundary) : 0;
	if (bl == 0 || bl > HTTP_MULTIPART_BOUNDARY_MAX)
		return ERR_INVALID;
	char delim[HTTP_MULTIPART_BOUNDARY_MAX + 5];
	delim[0] = '\r';
	delim[1] = '\n';
	delim[2] = '-';
	delim[3] = '-';
	memcpy(delim + 4, boundary, bl);
	size_t dl = bl + 4;
	/* the first delimiter may start the body (no preceding CRLF) */
	const char *p;
	if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0)
		p = body + dl - 2;
	else {
		p = find(body, len, delim, dl);
		if (!p)
			return ERR_INVALID;
		p += dl;
	}
	const char *end = body + len;
	int n = 0;
	for (;;) {
		/* after a delimiter: "--" ends the body, else CRLF (transport
		 * padding of spaces/tabs allowed before it) */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return n;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return ERR_INVALID;
		p += 2;
		/* part headers, up to an empty line */
		const char *hend = find(p, (size_t)(end - p) < HTTP_MULTIPART_HEADERS_MAX + 4
					? (size_t)(end - p) : HTTP_MULTIPART_HEADERS_MAX + 4,
					"\r\n\r\n", 4);
		const char *content;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p - 2; /* no headers at all */
			content = p + 2;
		} else if (!hend) {
			return (size_t)(end - p) > HTTP_MULTIPART_HEADERS_MAX
			       ? ERR_LIMIT : ERR_INVALID;
		} else {
			content = hend + 4;
		}
		if (n >= max)
			return ERR_LIMIT;
		struct http_part *part = &parts[n];
		memset(part, 0, sizeof *part);
		const char *h = p;
		while (h < hend) {
			const char *eol = find(h, (size_t)(hend - h) + 2, "\r\n", 2);
			if (!eol)
				eol = hend;
			const char *colon = memchr(h, ':', (size_t)(eol - h));
			if (!colon)
				return ERR_INVALID;
			size_t nl = (size_t)(colon - h);
			const char *v = colon + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			size_t vl = (size_t)(eol - v);
			int bad = 0;
			if (nl == 19 && strncasecmp(h, "content-disposition", 19) == 0) {
				if (vl < 9 || strncasecmp(v, "form-data", 9) != 0)
					return ERR_INVALID;
				part->name = header_param(v, vl, "name", a, &bad);
				if (!bad)
					part->filename = header_param(v, vl, "filename", a, &bad);
				if (bad)
					return bad;
			} else if (nl == 12 && strncasecmp(h, "content-type", 12) == 0) {
				size_t tl = 0;
				while (tl < vl && v[tl] != ';' && v[tl] != ' ')
					tl++;
				if (tl == 0 || tl > 127)
					return ERR_INVALID;
				char *t = arena_strndup(a, v, tl);
				if (!t)
					return ERR_LIMIT;
				for (char *c = t; *c; c++) {
					if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
						return ERR_INVALID;
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c - 'A' + 'a');
				}
				part->type = t;
			}
			h = eol + 2;
		}
		if (!part->name || !part->name[0])
			return ERR_INVALID;
		/* content runs to the next delimiter */
		const char *next = find(content, (size_t)(end - content), delim, dl);
		if (!next)
			return ERR_INVALID;
		part->data = content;
		part->len = (size_t)(next - content);
		n++;
		p = next + dl;
	}
}
