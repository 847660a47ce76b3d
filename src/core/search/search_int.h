/*
 * search_int.h -- private parts of src/core/search/: the tokenizer shared by the
 * FTS5 index and the query compiler, and the FTS5 registration.
 *
 * Tokenizer invariants (documents and queries go through the same code, so
 * a query token always has the bytes of the document token it must meet):
 * - the text is cut into units (a code point and the combining or voicing
 *   marks after it); each unit is folded as jp_text_fold would fold it
 *   (NFKC, case folding, hiragana to katakana, a dash after katakana is ー)
 *   and keeps the byte range of the unit in the ORIGINAL text, so
 *   highlights land on what the reader sees;
 * - folded characters are Japanese (kana, kanji, Hangul: "cjk"), word
 *   characters (Latin, Greek, Cyrillic letters and digits) or separators;
 * - a cjk run c0..cn-1 gives the bigrams c0c1 .. cn-2cn-1 at consecutive
 *   positions, each with the unigram of its first character COLOCATED (same
 *   position), and the unigram cn-1 at the next position;  in query mode
 *   the unigrams colocated with bigrams are left out, and a run of two or
 *   more characters that ends the text gives no trailing unigram (a query
 *   "保育" must also match inside "保育園");
 * - a word run is one token (at most SEARCH_TOK_WORD_MAX bytes, cut at a
 *   character boundary);
 * - text that starts with SEARCH_META_MARK (0x1f) is a list of exact tokens
 *   separated by SEARCH_META_SEP (0x1e): the filter column (collection,
 *   tenant, fields); each token keeps the 0x1f in front (a text token
 *   never starts with it, so no text or prefix query reaches a meta token).  Query text has every control character replaced by a
 *   space before it gets here, so a query can never make a meta token.
 */
#ifndef MADOGUCHI_SEARCH_SEARCH_INT_H
#define MADOGUCHI_SEARCH_SEARCH_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"

#define SEARCH_META_MARK '\x1f'
#define SEARCH_META_SEP '\x1e'
#define SEARCH_TOK_WORD_MAX 64

enum search_tok_class { SEARCH_TC_SEP = 0, SEARCH_TC_CJK = 1, SEARCH_TC_WORD = 2,
			SEARCH_TC_META = 3 };

/* search_tokenize -- tokenize s[0..n) (query != 0: query mode), calling
 * fn for each token (colocated: same position as the token before; start
 * and end: byte range in s; cls: enum search_tok_class).  A non-zero
 * return of fn stops the tokenizer and is returned.  Invalid UTF-8 bytes
 * are separators. */
int search_tokenize(const char *s, int n, int query,
		    int (*fn)(void *ctx, int colocated, const char *tok, int len,
			      int start, int end, int cls),
		    void *ctx);

/* search_parse_n -- search_parse, and the number of the user's words in
 * *ntext (they are the first phrases of the expression). */
struct search_query;
int search_parse_n(char **out, int *ntext, const struct search_query *q,
		   struct err *e);

/* search_highlight -- h->snippet = a copy of text, h->marks = where the
 * words of query (the user's text) occur in it (highlight.c). */
struct search_hit;
int search_highlight(struct search_hit *h, const char *text, const char *query);
/* search_marks -- the same ranges for any text (a title), at most
 * SEARCH_MAX_MARKS into marks. */
struct search_mark;
int search_marks(struct search_mark *marks, int *nmarks, const char *text,
		 const char *query);

/* search_rank_register -- the ranking function mg_rank (rank.c). */
int search_rank_register(fts5_api *api);

/* search_fts5_register -- register the tokenizer "mg" and mg_rank on db. */
int search_fts5_register(sqlite3 *db, struct err *e);

#endif
