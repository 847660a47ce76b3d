/*
 * highlight.c -- the highlight ranges of a snippet, found by the same
 * tokenizer that indexed it: a query word is marked where its query-mode
 * tokens occur at consecutive positions of the snippet's document-mode
 * tokens (colocated unigrams included, so 「犬」 marks the one character,
 * not the bigram it sits in).  FTS5's own highlight would mark whole
 * bigrams, because it only looks at the first token of a position.
 *
 * Invariants: every range lies inside the snippet text and starts and ends
 * on character boundaries (they are token boundaries); ranges are sorted,
 * do not overlap, and touch-or-overlap ranges are merged; at most
 * SEARCH_MAX_MARKS (the first ones).
 */
#include <stdlib.h>
#include <string.h>

#include "jp/text.h"
#include "core/search/search.h"
#include "core/search/search_int.h"

#define TOK_MAX (SEARCH_TOK_WORD_MAX + 8)
#define QTOK_MAX 128

struct htok {
	int pos, s, e, n, cls;
	char t[TOK_MAX];
};

struct hlist {
	struct htok *v;
	int n, cap, pos;
};

static int collect(void *ctx, int colocated, const char *tok, int n, int s,
		   int e, int cls)
{
	struct hlist *l = ctx;
	if (n > TOK_MAX)
		n = TOK_MAX;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct htok *v = realloc(l->v, (size_t)cap * sizeof *v);
		if (!v)
			return ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (!colocated && l->n)
		l->pos++;
	struct htok *h = &l->v[l->n++];
	h->pos = l->pos;
	h->s = s;
	h->e = e;
	h->n = n;
	h->cls = cls;
	memcpy(h->t, tok, (size_t)n);
	return 0;
}

static int cmp_mark(const void *a, const void *b)
{
	const struct search_mark *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The snippet's tokens as match_at looks them up by position. */
struct hdoc {
	const struct hlist *toks;  /* document-mode tokens, by position      */
	const int *first;          /* [pos]: index in toks of its first token */
	int maxpos;                /* the last position; -1 when no tokens    */
};

/* does query word q (tokens at consecutive positions) match the document
 * tokens at position p?  Sets the byte range. */
static int match_at(const struct hdoc *doc, const struct hlist *q, int prefix,
		    int p, int *s, int *e)
{
	const struct hlist *d = doc->toks;
	const int *first = doc->first;
	int maxpos = doc->maxpos;
	*s = -1;
	*e = -1;
	for (int k = 0; k < q->n; k++) {
		int pos = p + k;
		if (pos > maxpos)
			return 0;
		const struct htok *qt = &q->v[k];
		int ok = 0;
		for (int i = first[pos]; i < d->n && d->v[i].pos == pos; i++) {
			const struct htok *dt = &d->v[i];
			int eq = (prefix && k == q->n - 1)
				? dt->n >= qt->n && memcmp(dt->t, qt->t, (size_t)qt->n) == 0
				: dt->n == qt->n && memcmp(dt->t, qt->t, (size_t)qt->n) == 0;
			if (eq) {
				if (*s < 0 || dt->s < *s)
					*s = dt->s;
				if (dt->e > *e)
					*e = dt->e;
				ok = 1;
				break;
			}
		}
		if (!ok)
			return 0;
	}
	return 1;
}

int search_highlight(struct search_hit *h, const char *text, const char *query)
{
	h->nmarks = 0;
	h->snippet = strdup(text ? text : "");
	if (!h->snippet)
		return ERR_NOMEM;
	return search_marks(h->marks, &h->nmarks, h->snippet, query);
}

int search_marks(struct search_mark *marks, int *nmarks, const char *text,
		 const char *query)
{
	*nmarks = 0;
	if (!text || !query || !*query)
		return 0;
	size_t ql = strlen(query);
	char *clean = malloc(ql + 1), *folded = NULL;
	if (!clean)
		return ERR_NOMEM;
	for (size_t i = 0; i < ql; i++) {
		unsigned char c = (unsigned char)query[i];
		clean[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	clean[ql] = 0;
	int rc = jp_text_fold(&folded, clean, ql, NULL);
	free(clean);
	if (rc)
		return 0; /* the query was checked before: nothing to mark */
	struct hlist d = { 0 }, q = { 0 };
	int *first = NULL;
	struct search_mark m[4 * SEARCH_MAX_MARKS];
	int nm = 0;
	if ((rc = search_tokenize(text, (int)strlen(text), 0, collect, &d)))
		goto out;
	int maxpos = d.n ? d.v[d.n - 1].pos : -1;
	first = malloc(((size_t)maxpos + 2) * sizeof *first);
	if (!first) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (int i = d.n - 1; i >= 0; i--)
		first[d.v[i].pos] = i;
	/* the words; the last Latin word of the query is a prefix */
	char *words[SEARCH_MAX_TERMS];
	char *save = NULL; /* strtok_r: this runs on every worker thread */
	int nw = 0;
	for (char *p = strtok_r(folded, " ", &save); p && nw < SEARCH_MAX_TERMS;
	     p = strtok_r(NULL, " ", &save))
		words[nw++] = p;
	int last_with_tokens = -1, last_cls = 0;
	for (int w = 0; w < nw; w++) {
		struct hlist t = { 0 };
		int lc = 0;
		search_tokenize(words[w], (int)strlen(words[w]), 1, collect, &t);
		if (t.n) {
			last_with_tokens = w;
			lc = t.v[t.n - 1].cls == SEARCH_TC_WORD;
		}
		if (t.n)
			last_cls = lc;
		free(t.v);
	}
	const struct hdoc doc = { .toks = &d, .first = first, .maxpos = maxpos };
	for (int w = 0; w < nw && nm < (int)(sizeof m / sizeof m[0]); w++) {
		q.n = 0;
		q.pos = 0;
		if ((rc = search_tokenize(words[w], (int)strlen(words[w]), 1, collect, &q)))
			goto out;
		if (!q.n || q.n > QTOK_MAX)
			continue;
		int prefix = w == last_with_tokens && last_cls;
		for (int p = 0; p <= maxpos && nm < (int)(sizeof m / sizeof m[0]); p++) {
			int s, e;
			if (match_at(&doc, &q, prefix, p, &s, &e))
				m[nm++] = (struct search_mark){ (size_t)s, (size_t)(e - s) };
		}
	}
	qsort(m, (size_t)nm, sizeof m[0], cmp_mark);
	for (int i = 0; i < nm; i++) {
		if (*nmarks) {
			struct search_mark *l = &marks[*nmarks - 1];
			if (m[i].off <= l->off + l->len) {
				size_t end = m[i].off + m[i].len;
				if (end > l->off + l->len)
					l->len = end - l->off;
				continue;
			}
		}
		if (*nmarks == SEARCH_MAX_MARKS)
			break;
		marks[(*nmarks)++] = m[i];
	}
out:
	free(first);
	free(d.v);
	free(q.v);
	free(folded);
	return rc;
}
