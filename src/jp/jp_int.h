/*
 * jp_int.h -- helpers private to src/jp: UTF-8 decoding of one code point,
 * appending to a growable malloc'd byte buffer, kanji numerals, and the
 * hyphen look-alike table shared by text, wareki and address code.
 *
 * Not a public header: only the .c files of src/jp include it.
 */
#ifndef MADOGUCHI_JP_INT_H
#define MADOGUCHI_JP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 sequence at s (n bytes left).  Returns its length
 * (1..4) and the code point in *cp, or 0 if the bytes there are not a
 * well-formed UTF-8 sequence (overlong, surrogate, > U+10FFFF,
 * truncated).  n must be >= 1. */
size_t jp_int_utf8_decode(int32_t *cp, const unsigned char *s, size_t n);

/* Encode cp as UTF-8 into out (4 bytes); returns its length. */
size_t jp_int_utf8_encode(unsigned char out[4], int32_t cp);

/* A growable byte buffer; `data` is malloc'd and NUL-terminated while ok. */
struct jp_int_buf {
	char *data;
	size_t len, cap;
	bool failed;               /* an allocation failed: result unusable */
};

void jp_int_buf_init(struct jp_int_buf *b);
void jp_int_buf_add(struct jp_int_buf *b, const void *p, size_t n);
void jp_int_buf_addc(struct jp_int_buf *b, char c);
void jp_int_buf_addcp(struct jp_int_buf *b, int32_t cp);
/* Hand the data to the caller (NUL-terminated, malloc'd) or free it. */
char *jp_int_buf_take(struct jp_int_buf *b);
void jp_int_buf_done(struct jp_int_buf *b);

/* Value 0..9 of a kanji digit 〇一二三四五六七八九 (also 零), or -1. */
int jp_int_kanji_digit(int32_t cp);
/* 10, 100, 1000 for 十 百 千, or 0. */
int jp_int_kanji_unit(int32_t cp);

/*
 * Parse a kanji numeral at s (n bytes): either positional digits
 * (「二〇」 = 20, 「一二三」 = 123) or with units (「二十三」 = 23,
 * 「百五」 = 105, 「千二百」 = 1200), values 0..9999.  Returns bytes consumed
 * (0 if s does not start with a kanji numeral) and the value in *val.
 */
size_t jp_int_kanji_number(int *val, const char *s, size_t n);

/* True for the dash/hyphen/minus/long-vowel look-alikes that people type
 * where they mean "-": - U+2010..U+2015 U+2212 U+FF0D U+30FC U+FF70
 * U+2043 U+FE63 U+FE58. */
bool jp_int_is_dashlike(int32_t cp);

/* UTF-8 NFKC of s[0..n) via utf8proc, malloc'd; NULL on invalid UTF-8
 * (*bad set to 1) or out of memory (*bad set to 0). */
char *jp_int_nfkc(const char *s, size_t n, int *bad);

#endif
