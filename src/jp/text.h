/*
 * text.h -- Japanese text primitives: UTF-8 validation, NFKC, a search-key
 * fold, 全角/半角 conversion, a フリガナ (katakana) validator.
 *
 * Conventions of this header:
 * - Input is (s, len): len bytes, no NUL needed; embedded NUL bytes are
 *   text like any other.  At most JP_TEXT_MAX bytes (ERR_LIMIT beyond).
 * - Input must be valid UTF-8 (ERR_INVALID otherwise, the detail names the
 *   byte offset of the first bad byte).
 * - Outputs are NUL-terminated UTF-8 strings allocated with malloc, in
 *   *out; the caller frees them with free().  On error *out is NULL.
 * - ERR_NOMEM if an allocation fails.
 * NFKC is done by libutf8proc (Unicode tables kept by the distribution),
 * never by hand-written tables.
 */
#ifndef MADOGUCHI_JP_TEXT_H
#define MADOGUCHI_JP_TEXT_H

#include <stddef.h>

#include "base/err.h"

#define JP_TEXT_MAX (16u * 1024 * 1024)

/*
 * jp_text_utf8_validate -- 0 if s[0..len) is well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF, no truncated
 * sequence).  Otherwise ERR_INVALID, with the byte offset of the first
 * byte of the first bad sequence in *bad_offset (if not NULL).
 */
int jp_text_utf8_validate(size_t *bad_offset, const char *s, size_t len,
			  struct err *e);

/* jp_text_nfkc -- Unicode NFKC of s (full-width ASCII to ASCII, half-width
 * katakana to full-width with voiced marks composed, ㈱ to (株), ...). */
int jp_text_nfkc(char **out, const char *s, size_t len, struct err *e);

/*
 * jp_text_fold -- the search key of s, for comparing and indexing:
 *   1. NFKC with Unicode case folding (A and Ａ both become a);
 *   2. hiragana to katakana (ぁ..ゖ to ァ..ヶ, ゝゞ to ヽヾ): katakana is
 *      the form of フリガナ in municipal records, so keys stay readable;
 *   3. dash look-alikes (- ‐ ‑ ‒ – — ― − ー ｰ ﹣ －): ー after a kana (the
 *      long vowel typed with the wrong key, カ-ド = カード), "-" elsewhere
 *      (1ー2 = 1-2);
 *   4. wave dash 〜 (U+301C), ～ and ∼ to "~";
 *   5. every run of white space (any Unicode space, tab, newline) to one
 *      ASCII space, none at either end.
 * Two strings a person would call "the same word" fold to equal keys; the
 * key is not for display.
 */
int jp_text_fold(char **out, const char *s, size_t len, struct err *e);

/* jp_text_zen_to_han_ascii -- full-width ASCII (U+FF01..U+FF5E) to ASCII
 * and the ideographic space U+3000 to " "; nothing else changes (kana,
 * kanji and ￥ stay). */
int jp_text_zen_to_han_ascii(char **out, const char *s, size_t len,
			     struct err *e);

/* jp_text_han_to_zen_kana -- half-width katakana and punctuation
 * (U+FF61..U+FF9F) to full-width, composing a following ﾞ or ﾟ with the
 * kana before it (ｶﾞ to ガ, ﾊﾟ to パ, ｳﾞ to ヴ, ﾜﾞ to ヷ); a mark that
 * composes with nothing becomes ゛ or ゜.  Nothing else changes. */
int jp_text_han_to_zen_kana(char **out, const char *s, size_t len,
			    struct err *e);

/* jp_text_hira_to_kata -- hiragana to katakana only (as step 2 of fold). */
int jp_text_hira_to_kata(char **out, const char *s, size_t len,
			 struct err *e);

/*
 * jp_text_is_katakana -- 0 if s is a valid フリガナ: full-width katakana
 * (ァ..ヺ, ヽ, ヾ), the long vowel ー, the middle dot ・ and spaces (ASCII
 * or U+3000), with at least one katakana letter.  ERR_INVALID otherwise,
 * with the byte offset of the first character that is not allowed in
 * *bad_offset (len for an input with no letter).  Half-width katakana and
 * hiragana are NOT accepted: normalise first with jp_text_han_to_zen_kana
 * and jp_text_hira_to_kata.
 */
int jp_text_is_katakana(size_t *bad_offset, const char *s, size_t len,
			struct err *e);

#endif
