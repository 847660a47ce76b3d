/*
 * rank.c -- the FTS5 ranking function mg_rank(fts, ntext).
 *
 * Why not FTS5's bm25(): its length normalisation reads each matching
 * row's column sizes from the %_docsize table, one B-tree lookup per row;
 * measured on the 106,841-paragraph manpages-ja corpus that lookup is 80%
 * of the time of a query with many matches (「設定」, 9,972 rows: bm25
 * 10.3 ms, this function 0.7 ms).  mg_rank keeps the rest of BM25: inverse
 * document frequency per query word (only computed when there are two or
 * more words, as it is a constant otherwise), term-frequency saturation
 * tf*(k1+1)/(tf+k1) with k1 = 1.2, and column weights title 10, facet
 * values 3, body 1 (meta 0).  Longer documents are not penalised.
 *
 * Invariants: the first ntext phrases of the expression are the user's
 * words (search_parse puts the filters after them); the result is >= 0,
 * higher is better; the per-query idf table lives in FTS5 aux data and is
 * computed once per query.
 */
#include <math.h>
#include <stdlib.h>

#include "core/search/search_int.h"

#define K1 1.2
#define MAX_PHRASES 64

static const double col_weight[4] = { 10.0, 1.0, 3.0, 0.0 };

struct rank_aux {
	int n;
	double idf[MAX_PHRASES];
};

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *c, void *ctx)
{
	(void)api;
	(void)c;
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

static void mg_rank(const Fts5ExtensionApi *api, Fts5Context *c,
		    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	int ntext = nval > 0 ? sqlite3_value_int(val[0]) : api->xPhraseCount(c);
	int np = api->xPhraseCount(c);
	if (ntext > np)
		ntext = np;
	if (ntext > MAX_PHRASES)
		ntext = MAX_PHRASES;
	struct rank_aux *aux = api->xGetAuxdata(c, 0);
	if (!aux) {
		aux = calloc(1, sizeof *aux);
		if (!aux) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		aux->n = ntext;
		sqlite3_int64 rows = 0;
		api->xRowCount(c, &rows);
		for (int p = 0; p < ntext; p++) {
			aux->idf[p] = 1.0;
			if (ntext < 2)
				continue;
			sqlite3_int64 hits = 0;
			if (api->xQueryPhrase(c, p, &hits, count_cb) != SQLITE_OK)
				continue;
			double idf = log(((double)rows - (double)hits + 0.5) /
					 ((double)hits + 0.5));
			aux->idf[p] = idf > 1e-6 ? idf : 1e-6;
		}
		if (api->xSetAuxdata(c, aux, free) != SQLITE_OK) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	double score = 0;
	for (int p = 0; p < aux->n; p++) {
		int tf[4] = { 0, 0, 0, 0 };
		Fts5PhraseIter it;
		int col, off;
		if (api->xPhraseFirst(c, p, &it, &col, &off) != SQLITE_OK)
			continue;
		for (; col >= 0; api->xPhraseNext(c, &it, &col, &off))
			if (col < 4)
				tf[col]++;
		for (int k = 0; k < 4; k++)
			if (tf[k])
				score += aux->idf[p] * col_weight[k] * tf[k] * (K1 + 1) /
					 (tf[k] + K1);
	}
	sqlite3_result_double(ctx, score);
}

int search_rank_register(fts5_api *api)
{
	return api->xCreateFunction(api, "mg_rank", NULL, mg_rank, NULL);
}
