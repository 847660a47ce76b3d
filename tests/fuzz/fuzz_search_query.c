/*
 * fuzz_search_query.c -- libFuzzer target for the search query compiler
 * and tokenizer (src/core/search/parse.c, tokenize.c, highlight.c): any byte
 * string as query text is either refused (ERR_INVALID / ERR_LIMIT) or
 * compiled into an FTS5 expression that FTS5 accepts, run against a small
 * in-memory index without an error, and whose result never exceeds the
 * documents that contain every one of its words; the tokenizer's byte
 * ranges stay inside the input and never go backwards in either mode; the
 * highlighter's marks stay inside the text and are sorted and disjoint.
 * The first byte, when it is below 0x08, picks a filter so that the filter
 * path is fuzzed too.  Seeds: tests/fuzz/corpus/search_query/.
 */
#include <assert.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/search/search.h"
#include "core/search/search_int.h"

static sqlite3 *db;

struct span {
	int n, last_start, len;
};

static int check_cb(void *ctx, int colocated, const char *tok, int n, int s,
		    int e, int cls)
{
	struct span *sp = ctx;
	(void)cls;
	assert(tok && n > 0);
	assert(s >= 0 && e <= sp->len && s <= e);
	if (!colocated)
		assert(s >= sp->last_start || cls == SEARCH_TC_CJK);
	sp->last_start = s;
	sp->n++;
	return 0;
}

static void setup(void)
{
	if (db)
		return;
	assert(sqlite3_open(":memory:", &db) == SQLITE_OK);
	assert(search_fts5_register(db, NULL) == 0);
	assert(sqlite3_exec(db, "CREATE VIRTUAL TABLE fts USING fts5(title, body,"
			    " fvals, meta, tokenize = 'mg');"
			    "INSERT INTO fts VALUES ('保育園の入園', 'ほいくえん ABC 犬 (NEAR) \"q\" *',"
			    " '子育て', char(31) || 'c:faq' || char(30) || 't:131059');"
			    "INSERT INTO fts VALUES ('ｶﾞｲﾄﾞ', '住民税 6月', '', char(31) || 'c:doc');",
			    NULL, NULL, NULL) == SQLITE_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 2 * SEARCH_MAX_QUERY)
		return 0;
	setup();
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;

	/* the tokenizer on raw bytes, both modes */
	for (int mode = 0; mode < 2; mode++) {
		struct span sp = { 0, 0, (int)size };
		search_tokenize(s, (int)size, mode, check_cb, &sp);
	}

	struct search_field flt = { "tag", "子育て", 0 };
	struct search_query q = { .text = s };
	if (size && (unsigned char)s[0] < 0x08) {
		if (s[0] & 1)
			q.collection = "faq";
		if (s[0] & 2)
			q.tenant = "131059";
		if (s[0] & 4) {
			q.filters = &flt;
			q.nfilters = 1;
		}
	}
	char *expr = NULL;
	struct err e;
	int rc = search_parse(&expr, &q, &e);
	if (rc) {
		assert(rc == ERR_INVALID || rc == ERR_LIMIT);
		assert(expr == NULL);
		free(s);
		return 0;
	}
	assert(expr);
	if (*expr) {
		sqlite3_stmt *st;
		assert(sqlite3_prepare_v2(db, "SELECT rowid, mg_rank(fts, 16),"
					  " snippet(fts, 1, '', '', '…', 40) FROM fts"
					  " WHERE fts MATCH ?1", -1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
		int step, rows = 0;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			rows++;
			struct search_hit h;
			memset(&h, 0, sizeof h);
			const char *snip = (const char *)sqlite3_column_text(st, 2);
			if (search_highlight(&h, snip, s) == 0 && h.snippet) {
				size_t n = strlen(h.snippet);
				for (int i = 0; i < h.nmarks; i++) {
					assert(h.marks[i].off + h.marks[i].len <= n);
					if (i)
						assert(h.marks[i].off >= h.marks[i - 1].off +
									 h.marks[i - 1].len);
				}
			}
			free(h.snippet);
		}
		/* FTS5 accepted the expression: a syntax error would be here */
		assert(step == SQLITE_DONE);
		assert(rows <= 2);
		sqlite3_finalize(st);
	}
	free(expr);
	free(s);
	return 0;
}
