/*
 * cp932.h -- CP932 (Windows Shift_JIS) <-> UTF-8 for CSV import and export,
 * and telling UTF-8 from CP932.
 *
 * Conversion is glibc's iconv with the "CP932" table (Microsoft's mapping:
 * NEC and IBM extensions, 0x8160 = U+FF5E FULLWIDTH TILDE).  Whole buffers,
 * not streams: at most JP_CP932_MAX bytes of input (ERR_LIMIT beyond).
 * Outputs are malloc'd, NUL-terminated (the NUL is not counted in
 * *out_len; input NUL bytes are carried through), freed with free(); on
 * error *out is NULL.
 *
 * Errors are reported by position: struct jp_textpos gets the byte offset,
 * the 1-based line (counted by LF bytes, which never occur inside a CP932
 * or UTF-8 multi-byte character) and the 1-based byte column within that
 * line; err->line is the same line and the detail says what went wrong.
 *
 * Known one-way mappings of glibc's CP932 (tested in test_cp932.c):
 *   UTF-8 -> CP932: U+301C WAVE DASH and U+FF5E FULLWIDTH TILDE both become
 *   0x8160; U+2212 MINUS SIGN and U+FF0D -> 0x817C; U+2016 and U+2225 ->
 *   0x8161; U+2014 and U+2015 -> 0x815C; U+00A2/U+00A3/U+00AC and
 *   U+FFE0/U+FFE1/U+FFE2 -> 0x8191/0x8192/0x81CA; U+00A5 YEN SIGN -> 0x5C and
 *   U+203E OVERLINE -> 0x7E (ASCII backslash and tilde when read back).
 *   CP932 -> UTF-8: always the second of each pair (0x8160 -> U+FF5E,
 *   0x5C -> "\"), so a round trip turns 〜 into ～ and ¥ into "\".
 *   User-defined characters (外字, 0xF040..0xF9FC) become private-use code
 *   points U+E000..U+E757 and back.
 * Characters outside CP932 (𠮷 U+20BB7, emoji, most of JIS X 0213) cannot
 * be exported: jp_utf8_to_cp932 fails and names the first one and its
 * line; nothing is replaced silently.
 */
#ifndef MADOGUCHI_JP_CP932_H
#define MADOGUCHI_JP_CP932_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define JP_CP932_MAX (64u * 1024 * 1024)

struct jp_textpos {
	size_t offset;            /* byte offset in the input */
	long line;                /* 1-based */
	long column;              /* 1-based, in bytes */
	int32_t cp;               /* the character CP932 lacks, else 0 */
};

/*
 * jp_cp932_to_utf8 -- decode CP932.  ERR_INVALID for a byte sequence that
 * is not CP932 or a multi-byte character cut off at the end of the buffer
 * (the detail says which), with its position in *bad (if not NULL).
 */
int jp_cp932_to_utf8(char **out, size_t *out_len, struct jp_textpos *bad,
		     const char *in, size_t len, struct err *e);

/*
 * jp_utf8_to_cp932 -- encode as CP932.  A leading UTF-8 BOM is dropped.
 * ERR_INVALID for invalid UTF-8 (bad->cp = 0) or a character CP932 cannot
 * represent (bad->cp = that code point, named in the detail as U+XXXX).
 */
int jp_utf8_to_cp932(char **out, size_t *out_len, struct jp_textpos *bad,
		     const char *in, size_t len, struct err *e);

/*
 * jp_utf8_to_cp932_geta -- jp_utf8_to_cp932 for an export a person reads
 * (CSV for Excel): each character CP932 lacks (𠮷, 髙 of IBM extensions
 * are in CP932; emoji and most JIS X 0213 additions are not) is replaced
 * by the geta mark 〓 (0x81AC), the convention of Japanese systems, and
 * counted in *replaced.  Invalid UTF-8 is still ERR_INVALID.  *out is
 * malloc'd.
 */
int jp_utf8_to_cp932_geta(char **out, size_t *out_len, long *replaced, const char *in, size_t len,
			  struct err *e);

enum jp_encoding {
	JP_ENC_UNKNOWN = 0,       /* neither valid UTF-8 nor valid CP932 */
	JP_ENC_ASCII,             /* only bytes < 0x80: read as either    */
	JP_ENC_UTF8,
	JP_ENC_UTF8_BOM,          /* starts with EF BB BF                  */
	JP_ENC_CP932,
};

/* The input is a prefix of a larger file: a multi-byte character cut at
 * the very end does not count against an encoding. */
#define JP_DETECT_PREFIX 0x1u

/*
 * jp_encoding_detect -- which encoding a CSV (or any text) buffer is in.
 * A BOM wins; then pure ASCII; then valid UTF-8 (real CP932 Japanese text
 * is practically never valid UTF-8); then structurally valid CP932 (lead
 * bytes 0x81-0x9F/0xE0-0xFC with a trail byte 0x40-0x7E/0x80-0xFC, single
 * bytes 0x00-0x7F and 0xA1-0xDF).  Returns 0 and *out, or ERR_LIMIT.
 */
int jp_encoding_detect(enum jp_encoding *out, const char *buf, size_t len,
		       unsigned flags, struct err *e);

/* "UTF-8", "UTF-8 with BOM", "CP932", "ASCII", "unknown". */
const char *jp_encoding_name(enum jp_encoding enc);

#endif
