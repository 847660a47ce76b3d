/*
 * search.h -- Japanese full-text search, shared by open data, procedures,
 * FAQs and documents.
 *
 * Model.  A document is (tenant, collection, id) -> title, body and up to
 * SEARCH_MAX_FIELDS facet fields (name=value, e.g. "tag"="子育て",
 * "format"="CSV").  Modules call search_put()/search_delete() in the same
 * transaction as the change to their own data (the call joins the caller's
 * transaction when one is open, otherwise it opens its own).  The
 * projection lives in the main database (tables search_docs and the change
 * log search_log, schema module "search", search_schema), so it is shared by
 * every server and portable between SQLite and PostgreSQL.
 *
 * The index is derived data: an SQLite FTS5 file per server (index_path),
 * tokenized by our own tokenizer (jp_text_fold, then character bigrams for
 * Japanese runs plus the last character of each run as a unigram, words for
 * Latin/digit runs).  Before answering, a search handle catches up from
 * search_log (at most every `catchup_ms`), so with several servers each
 * index stays current without talking to the others.  search_reindex()
 * (CLI: `madoguchi search reindex`) rebuilds the file from search_docs.
 * Measured choice (FTS5 over Groonga) and figures: docs/search.md.
 *
 * Matching.  Query text and documents go through jp_text_fold (NFKC, case
 * folding, hiragana to katakana, dash and space look-alikes), so ＡＢＣ =
 * abc, ほいく = ホイク, ｶﾞｲﾄﾞ = ガイド.  Folding is orthographic: 犬 does
 * not find いぬ (no readings).  A query is words separated by spaces, all
 * required (AND).  A Japanese word matches as a substring: 保育 finds
 * 保育園, 犬 (one character) finds every 犬.  A Latin/digit word matches a
 * whole word or, for the last word of the query, a word prefix.  Every
 * other character (FTS syntax such as " * ( ) : ^ NEAR AND OR NOT) is plain
 * text: a query can never inject an FTS expression.
 *
 * Ranking: mg_rank (rank.c): BM25's idf and term-frequency saturation with
 * the title weighted 10, facet values 3, body 1, but no length
 * normalisation (that per-row lookup was 80% of query time); ties by index
 * order (older first).  For a one-word query a document with the word in
 * its title always ranks above one that has it only in the body or fields.
 *
 * Filters (collection, tenant, fields) match exactly, byte for byte (no
 * folding); tenant "" selects the deployment-wide documents.
 *
 * total is exact: one pass counts every match and keeps the best
 * offset + limit, so the cost of a query grows with its number of matches
 * (docs/search.md has the measured figures).
 *
 * PostgreSQL: the same design.  The projection and the log are ordinary
 * tables in PostgreSQL, each server keeps its own FTS5 file and catches up
 * from the log; seqs taken by transactions that commit late are re-read
 * (holes, see search.c), for up to 30 s.
 *
 * Snippets are PLAIN TEXT (not escaped), about 40 tokens of the body around
 * the best match, "…" where cut, with highlight ranges given as byte
 * offsets into the snippet (sorted, disjoint, on character boundaries, on
 * the original characters: ｶﾞｲﾄﾞ is marked when ガイド was asked);
 * search_snippet_html() writes the HTML-escaped form with <mark>...</mark>.
 *
 * Threads: a `struct search` is one index connection plus the caller's
 * store; one thread at a time (like struct store).  Several handles (and
 * processes) may share one index_path.
 *
 * Limits (ERR_LIMIT beyond, ERR_INVALID for malformed input): below.
 * Control characters other than tab and newline in titles and bodies are
 * stored as spaces; ids,
 * tenants, collections and field values must not contain any.
 */
#ifndef MADOGUCHI_SEARCH_SEARCH_H
#define MADOGUCHI_SEARCH_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

#define SEARCH_MAX_ID 200           /* bytes of tenant, collection, id     */
#define SEARCH_MAX_TITLE 2048       /* bytes                               */
#define SEARCH_MAX_BODY (1u << 20)  /* bytes of body per document (1 MiB)  */
#define SEARCH_MAX_FIELDS 32        /* facet fields per document           */
#define SEARCH_MAX_FIELD 512        /* bytes of a field name or value      */
#define SEARCH_MAX_QUERY 256        /* bytes of query text                 */
#define SEARCH_MAX_TERMS 16         /* words in a query                    */
#define SEARCH_MAX_FILTERS 8        /* field filters in a query            */
#define SEARCH_MAX_LIMIT 100        /* hits per page                       */
#define SEARCH_MAX_WINDOW 10000     /* offset + limit                      */
#define SEARCH_MAX_MARKS 16         /* highlight ranges per snippet        */

/* the schema module "search" (tables search_docs, search_log); add it to the
 * application's list after the core schema */
extern const struct store_module_schema search_schema;

/* A field's value is a filter and a facet; it is also found by words
 * (the fvals column) unless filter_only: an id or a code (a UUID, an
 * organisation's id) must not answer a search for the letters it
 * happens to begin with (the last word of a query is a prefix). */
struct search_field {
	const char *name;   /* [a-z0-9_.-]{1,64}                */
	const char *value;  /* UTF-8, 1..SEARCH_MAX_FIELD bytes */
	int filter_only;    /* 1: not found by words            */
};

struct search_doc {
	const char *tenant;      /* 全国地方公共団体コード, or "" for shared */
	const char *collection;  /* "opendata", "procedure", "faq", ...    */
	const char *id;          /* the owner's id, unique in collection   */
	const char *title;       /* UTF-8                                  */
	const char *body;        /* UTF-8, may be NULL                     */
	const struct search_field *fields;
	int nfields;
};

struct search_query {
	const char *text;        /* words; NULL or "" only with filters     */
	const char *tenant;      /* NULL: any tenant                        */
	const char *collection;  /* NULL: any collection                    */
	const struct search_field *filters; /* each must match exactly     */
	int nfilters;
	int offset;              /* 0..                                     */
	int limit;               /* 1..SEARCH_MAX_LIMIT (0 means 10)        */
	int with_snippets;       /* fill hit.snippet                        */
};

struct search_mark {
	size_t off, len;         /* byte range in the snippet               */
};

struct search_hit {
	char *tenant, *collection, *id, *title;
	double score;            /* higher is better                        */
	char *snippet;           /* plain text or NULL                      */
	struct search_mark marks[SEARCH_MAX_MARKS];
	int nmarks;
	/* where the query's words are in title (with_snippets only) */
	struct search_mark title_marks[SEARCH_MAX_MARKS];
	int ntitle_marks;
};

struct search_result {
	int64_t total;           /* number of matching documents            */
	struct search_hit *hits;
	int nhits;
};

struct search_opts {
	int catchup_ms;          /* min interval between log checks; 0: every query */
};

struct search;

/* search_open -- open (creating if missing) the index file index_path
 * (":memory:" for a private in-memory index) for the store s, which must be
 * migrated with search_schema and must outlive the handle.  The index
 * catches up with the log at the first query; a new index over more than a
 * few hundred documents is rebuilt instead (seconds for 100,000), so a
 * server calls search_catchup() once at start-up, before it listens.
 * opts may be NULL. */
int search_open(struct search **out, struct store *s, const char *index_path,
		const struct search_opts *opts, struct err *e);
void search_close(struct search *sr);

/* search_put -- insert or replace the document (tenant, collection, id). */
int search_put(struct search *sr, const struct search_doc *doc, struct err *e);
/* search_delete -- remove it; deleting what is not there is 0. */
int search_delete(struct search *sr, const char *tenant, const char *collection,
		  const char *id, struct err *e);
/* search_delete_collection -- remove every document of a collection (of
 * one tenant, or of all when tenant is NULL); returns how many (>= 0). */
int search_delete_collection(struct search *sr, const char *tenant,
			     const char *collection, struct err *e);

/* search_query -- run q; *out is filled (release with search_result_done,
 * also after an error).  ERR_INVALID: bad UTF-8, bad field name, limit out
 * of range, no text and no filter; ERR_LIMIT: query too long, too many
 * words or filters, window too deep. */
int search_query(struct search_result *out, struct search *sr,
		 const struct search_query *q, struct err *e);
void search_result_done(struct search_result *r);

/* search_ids -- every match of q, best first, for modules that page, sort
 * and show facets themselves (open data's package_search): total counts
 * all matches, ids holds at most o->max (1..SEARCH_MAX_IDS) of them, and
 * for each name in o->facets (at most SEARCH_MAX_FACETS) the values of
 * that field among ALL the matches with their counts (most frequent
 * first, then by value; at most o->facet_limit values, 0 means 50, at
 * most 1000).  q->offset, q->limit and q->with_snippets are ignored.
 * Release with search_ids_done (also after an error). */
#define SEARCH_MAX_IDS 100000
#define SEARCH_MAX_FACETS 8
struct search_ids_opts {
	int max;
	const char *const *facets;
	int nfacets;
	int facet_limit;
};
struct search_facet_value {
	char *value;
	int64_t count;
};
struct search_facet {
	const char *name;        /* as given in opts                        */
	struct search_facet_value *values;
	int nvalues;
};
struct search_ids {
	int64_t total;           /* number of matching documents            */
	char **ids;              /* the documents' ids, best first          */
	double *scores;
	int n;
	struct search_facet facets[SEARCH_MAX_FACETS];
	int nfacets;
};
int search_ids(struct search_ids *out, struct search *sr,
	       const struct search_query *q, const struct search_ids_opts *o,
	       struct err *e);
void search_ids_done(struct search_ids *r);

/* search_hit_get -- one document's hit: its title, and with text its
 * snippet and the marks of text's words in snippet and title (as
 * search_query with_snippets gives them).  ERR_NOTFOUND when the document
 * is not in the index.  Release with search_hit_done. */
int search_hit_get(struct search_hit *out, struct search *sr,
		   const char *tenant, const char *collection, const char *id,
		   const char *text, struct err *e);
void search_hit_done(struct search_hit *h);

/* search_catchup -- apply what the log holds beyond this index now (done
 * by search_query by itself); *applied (if non-NULL) counts log entries. */
int search_catchup(struct search *sr, int64_t *applied, struct err *e);

/* search_reindex -- rebuild the index file from search_docs; *ndocs (if
 * non-NULL) counts the documents indexed. */
int search_reindex(struct search *sr, int64_t *ndocs, struct err *e);

/* search_prune -- delete log rows older than keep_ms (an index that had
 * not applied them rebuilds by itself); *pruned counts them. */
int search_prune(struct search *sr, int64_t keep_ms, int64_t *pruned,
		 struct err *e);

/* search_snippet_html -- the hit's snippet HTML-escaped with each mark in
 * <mark>...</mark>, appended to b.  Nothing when the hit has no snippet. */
int search_snippet_html(struct buf *b, const struct search_hit *h);
/* search_title_html -- the same for the hit's title (title_marks). */
int search_title_html(struct buf *b, const struct search_hit *h);

/* search_synonyms -- the words of the synonym table (synonyms.c) that
 * mean the same as word[0..n) (compared folded: ほいくえん = 保育園),
 * word itself left out: at most max pointers to static strings in out;
 * returns how many (0: no group).  The query compiler ORs them with the
 * word, so 「保育園」 finds 保育所. */
#define SEARCH_MAX_SYNONYMS 8
int search_synonyms(const char **out, int max, const char *word, size_t n);

/* search_parse -- the query compiler, exposed for tests and the fuzzer:
 * the FTS5 MATCH expression for q (malloc'd in *out, "" when q has no
 * text or filter terms).  Never produces an expression that FTS5 rejects. */
int search_parse(char **out, const struct search_query *q, struct err *e);

#endif
