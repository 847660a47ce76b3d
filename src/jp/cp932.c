/*
 * cp932.c -- CP932 <-> UTF-8 through glibc iconv, with error positions;
 * encoding detection.  See cp932.h.  The iconv descriptor is opened and
 * closed per call: no global state, safe from any thread.
 */
#include "jp/cp932.h"
#include "base/buf.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jp/jp_int.h"

static void locate(struct jp_textpos *pos, const char *in, size_t off)
{
	long line = 1;
	size_t bol = 0;
	for (size_t i = 0; i < off; i++)
		if (in[i] == '\n') {
			line++;
			bol = i + 1;
		}
	pos->offset = off;
	pos->line = line;
	pos->column = (long)(off - bol) + 1;
}

/* Runs iconv over the whole input.  Returns 0, or -1 with errno and the
 * input offset of the failure in *fail. */
static int run(iconv_t cd, char *dst, size_t dst_cap, size_t *dst_len,
	       const char *in, size_t len, size_t *fail)
{
	char *ip = (char *)in, *op = dst;
	size_t il = len, ol = dst_cap;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		*fail = (size_t)(ip - in);
		return -1;
	}
	if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
		*fail = len;
		return -1;
	}
	*dst_len = (size_t)(op - dst);
	return 0;
}

int jp_cp932_to_utf8(char **out, size_t *out_len, struct jp_textpos *bad,
		     const char *in, size_t len, struct err *e)
{
	*out = NULL;
	struct jp_textpos pos = {0, 0, 0, 0};
	if (len > JP_CP932_MAX)
		return err_set(e, ERR_LIMIT, "cp932: input longer than %u bytes",
			       JP_CP932_MAX);
	if (!in && len)
		return err_set(e, ERR_INVALID, "cp932: no input");
	iconv_t cd = iconv_open("UTF-8", "CP932");
	if (cd == (iconv_t)-1)
		return err_set(e, ERR_UNAVAILABLE,
			       "cp932: iconv has no CP932 converter");
	/* One CP932 byte yields at most 3 UTF-8 bytes (half-width kana). */
	size_t cap = len * 3 + 1;
	char *dst = malloc(cap);
	if (!dst) {
		iconv_close(cd);
		return err_set(e, ERR_NOMEM, "cp932: out of memory");
	}
	size_t n = 0, fail = 0;
	int rc = run(cd, dst, cap - 1, &n, in ? in : "", len, &fail);
	int saved = errno;
	iconv_close(cd);
	if (rc) {
		free(dst);
		locate(&pos, in, fail);
		if (bad)
			*bad = pos;
		const char *what = saved == EINVAL
					   ? "truncated multi-byte character"
				   : saved == EILSEQ ? "invalid byte sequence"
						     : "conversion failed";
		return err_set_line(e, ERR_INVALID, pos.line,
				    "cp932: %s at line %ld, byte column %ld",
				    what, pos.line, pos.column);
	}
	dst[n] = '\0';
	*out = dst;
	if (out_len)
		*out_len = n;
	return 0;
}

int jp_utf8_to_cp932(char **out, size_t *out_len, struct jp_textpos *bad,
		     const char *in, size_t len, struct err *e)
{
	*out = NULL;
	struct jp_textpos pos = {0, 0, 0, 0};
	if (len > JP_CP932_MAX)
		return err_set(e, ERR_LIMIT, "cp932: input longer than %u bytes",
			       JP_CP932_MAX);
	if (!in && len)
		return err_set(e, ERR_INVALID, "cp932: no input");
	if (!in)
		in = "";
	/* Invalid UTF-8 is reported as such, before iconv sees it. */
	const unsigned char *p = (const unsigned char *)in;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t l = p[i] < 0x80 ? 1 : jp_int_utf8_decode(&cp, p + i,
								len - i);
		if (!l) {
			locate(&pos, in, i);
			if (bad)
				*bad = pos;
			return err_set_line(e, ERR_INVALID, pos.line,
					    "cp932: invalid UTF-8 at line %ld, "
					    "byte column %ld",
					    pos.line, pos.column);
		}
		i += l;
	}
	size_t skip = 0;
	if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	iconv_t cd = iconv_open("CP932", "UTF-8");
	if (cd == (iconv_t)-1)
		return err_set(e, ERR_UNAVAILABLE,
			       "cp932: iconv has no CP932 converter");
	size_t cap = len + 1; /* never longer than the UTF-8 input */
	char *dst = malloc(cap);
	if (!dst) {
		iconv_close(cd);
		return err_set(e, ERR_NOMEM, "cp932: out of memory");
	}
	size_t n = 0, fail = 0;
	int rc = run(cd, dst, cap - 1, &n, in + skip, len - skip, &fail);
	int saved = errno;
	iconv_close(cd);
	if (rc) {
		free(dst);
		fail += skip;
		locate(&pos, in, fail);
		if (saved == EILSEQ && fail < len)
			jp_int_utf8_decode(&pos.cp, p + fail, len - fail);
		if (bad)
			*bad = pos;
		if (pos.cp)
			return err_set_line(
				e, ERR_INVALID, pos.line,
				"cp932: U+%04X has no CP932 code, line %ld, "
				"byte column %ld",
				(unsigned)pos.cp, pos.line, pos.column);
		return err_set_line(e, ERR_INVALID, pos.line,
				    "cp932: conversion failed at line %ld, "
				    "byte column %ld",
				    pos.line, pos.column);
	}
	dst[n] = '\0';
	*out = dst;
	if (out_len)
		*out_len = n;
	return 0;
}

/* Structurally valid CP932?  A cut lead byte at the end counts as valid
 * only when prefix is set. */
static bool cp932_ok(const unsigned char *s, size_t len, bool prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned c = s[i];
		if (c < 0x80 || (c >= 0xA1 && c <= 0xDF))
			continue;
		if ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC)) {
			if (i + 1 == len)
				return prefix;
			unsigned t = s[++i];
			if ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC))
				continue;
		}
		return false;
	}
	return true;
}

static bool utf8_ok(const unsigned char *s, size_t len, bool prefix,
		    bool *ascii)
{
	*ascii = true;
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		*ascii = false;
		int32_t cp;
		size_t l = jp_int_utf8_decode(&cp, s + i, len - i);
		if (!l) {
			/* A sequence cut by the end of a prefix buffer. */
			if (prefix && len - i < 4) {
				size_t need = s[i] >= 0xF0   ? 4
					      : s[i] >= 0xE0 ? 3
							     : 2;
				bool cont = s[i] >= 0xC2 && s[i] <= 0xF4 &&
					    len - i < need;
				for (size_t k = i + 1; k < len; k++)
					if ((s[k] & 0xC0) != 0x80)
						cont = false;
				if (cont)
					return true;
			}
			return false;
		}
		i += l;
	}
	return true;
}

int jp_encoding_detect(enum jp_encoding *out, const char *buf, size_t len,
		       unsigned flags, struct err *e)
{
	*out = JP_ENC_UNKNOWN;
	if (len > JP_CP932_MAX)
		return err_set(e, ERR_LIMIT, "detect: input longer than %u bytes",
			       JP_CP932_MAX);
	if (!buf && len)
		return err_set(e, ERR_INVALID, "detect: no input");
	const unsigned char *s = (const unsigned char *)(buf ? buf : "");
	bool prefix = flags & JP_DETECT_PREFIX;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		bool ascii;
		*out = utf8_ok(s + 3, len - 3, prefix, &ascii)
			       ? JP_ENC_UTF8_BOM
			       : JP_ENC_UNKNOWN;
		return 0;
	}
	bool ascii;
	if (utf8_ok(s, len, prefix, &ascii))
		*out = ascii ? JP_ENC_ASCII : JP_ENC_UTF8;
	else if (cp932_ok(s, len, prefix))
		*out = JP_ENC_CP932;
	return 0;
}

const char *jp_encoding_name(enum jp_encoding enc)
{
	switch (enc) {
	case JP_ENC_ASCII: return "ASCII";
	case JP_ENC_UTF8: return "UTF-8";
	case JP_ENC_UTF8_BOM: return "UTF-8 with BOM";
	case JP_ENC_CP932: return "CP932";
	case JP_ENC_UNKNOWN: break;
	}
	return "unknown";
}

int jp_utf8_to_cp932_geta(char **out, size_t *out_len, long *replaced, const char *in, size_t len,
			  struct err *e)
{
	struct buf b;
	buf_init(&b, JP_CP932_MAX);
	*replaced = 0;
	*out = NULL;
	*out_len = 0;
	size_t off = 0;
	int full = 0;
	while (off < len && !full) {
		char *seg = NULL;
		size_t seg_len = 0;
		struct jp_textpos bad = { 0 };
		int rc = jp_utf8_to_cp932(&seg, &seg_len, &bad, in + off, len - off, e);
		if (rc == 0) {
			full |= buf_append(&b, seg, seg_len) != 0;
			free(seg);
			break;
		}
		if (rc != ERR_INVALID || bad.cp == 0) {
			buf_done(&b);
			return rc;
		}
		/* the part before the character, then the replacement */
		if (bad.offset > 0) {
			rc = jp_utf8_to_cp932(&seg, &seg_len, NULL, in + off, bad.offset, e);
			if (rc) {
				buf_done(&b);
				return rc;
			}
			full |= buf_append(&b, seg, seg_len) != 0;
			free(seg);
		}
		full |= buf_append(&b, "\x81\xac", 2) != 0;
		(*replaced)++;
		unsigned char c = (unsigned char)in[off + bad.offset];
		size_t w = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		off += bad.offset + w;
	}
	if (full) {
		buf_done(&b);
		return err_set(e, ERR_LIMIT, "cp932: output over %u bytes", JP_CP932_MAX);
	}
	*out_len = b.len;
	*out = buf_steal(&b);
	return *out ? 0 : err_set(e, ERR_NOMEM, "cp932");
}
