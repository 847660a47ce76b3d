/*
 * parse.c -- the query compiler (query text and filters to an FTS5 MATCH
 * expression) and the HTML form of snippets.
 *
 * Invariants of the expression: every piece of user text is inside an FTS5
 * string ("..." with " doubled), so no FTS5 operator, column filter, NEAR
 * group or parenthesis can come from the user; control characters are made
 * spaces before anything else, so user text never reaches the tokenizer's
 * meta mode (only filters do, through the 0x1f prefix added here); a word
 * that gives no token (only punctuation) is left out, so no phrase is ever
 * empty.  Words are joined with AND; a word of the synonym table
 * (synonyms.c) is an OR of its group's words, each quoted the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "jp/text.h"
#include "core/search/search.h"
#include "core/search/search_int.h"

struct count {
	int n, last_cls;
};

static int count_cb(void *ctx, int colocated, const char *tok, int n, int s,
		    int e, int cls)
{
	(void)colocated, (void)tok, (void)n, (void)s, (void)e;
	struct count *c = ctx;
	c->n++;
	c->last_cls = cls;
	return 0;
}

static int put_string(struct buf *b, const char *prefix, const char *s, size_t n)
{
	int rc = buf_putc(b, '"');
	if (!rc && prefix)
		rc = buf_puts(b, prefix);
	for (size_t i = 0; i < n && !rc; i++)
		rc = s[i] == '"' ? buf_puts(b, "\"\"") : buf_putc(b, s[i]);
	if (!rc)
		rc = buf_putc(b, '"');
	return rc;
}

static int check_filter_text(const char *s, size_t max, const char *what,
			     struct err *e)
{
	size_t n = strlen(s);
	if (!n || n > max)
		return err_set(e, ERR_INVALID, "search: %s must be 1..%zu bytes", what, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return err_set(e, ERR_INVALID, "search: control character in %s",
				       what);
	if (jp_text_utf8_validate(NULL, s, n, NULL))
		return err_set(e, ERR_INVALID, "search: %s is not UTF-8", what);
	return 0;
}

static int put_meta(struct buf *b, int *nterms, const char *kind, const char *a,
		    const char *sep, const char *v)
{
	int rc = 0;
	if (*nterms)
		rc = buf_puts(b, " AND ");
	if (!rc)
		rc = buf_puts(b, "meta : ");
	struct buf t;
	buf_init(&t, 4096);
	if (!rc)
		rc = buf_printf(&t, "%c%s%s%s%s", SEARCH_META_MARK, kind, a,
				sep ? sep : "", v ? v : "");
	if (!rc)
		rc = put_string(b, NULL, buf_cstr(&t), t.len);
	buf_done(&t);
	(*nterms)++;
	return rc;
}

static int field_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

int search_parse(char **out, const struct search_query *q, struct err *e)
{
	int ntext;
	return search_parse_n(out, &ntext, q, e);
}

int search_parse_n(char **out, int *ntext, const struct search_query *q,
		   struct err *e)
{
	*out = NULL;
	*ntext = 0;
	if (!q)
		return err_set(e, ERR_INVALID, "search: no query");
	const char *text = q->text ? q->text : "";
	size_t tl = strlen(text);
	if (tl > SEARCH_MAX_QUERY)
		return err_set(e, ERR_LIMIT, "search: query longer than %d bytes",
			       SEARCH_MAX_QUERY);
	if (jp_text_utf8_validate(NULL, text, tl, NULL))
		return err_set(e, ERR_INVALID, "search: query is not UTF-8");
	if (q->nfilters < 0 || q->nfilters > SEARCH_MAX_FILTERS ||
	    (q->nfilters && !q->filters))
		return err_set(e, ERR_LIMIT, "search: at most %d filters",
			       SEARCH_MAX_FILTERS);
	int rc;
	if (q->collection && (rc = check_filter_text(q->collection, SEARCH_MAX_ID,
						     "collection", e)))
		return rc;
	if (q->tenant && *q->tenant &&
	    (rc = check_filter_text(q->tenant, SEARCH_MAX_ID, "tenant", e)))
		return rc;
	for (int i = 0; i < q->nfilters; i++) {
		if (!field_name_ok(q->filters[i].name))
			return err_set(e, ERR_INVALID, "search: bad filter field name");
		if (!q->filters[i].value ||
		    (rc = check_filter_text(q->filters[i].value, SEARCH_MAX_FIELD,
					    "filter value", e)))
			return rc ? rc : err_set(e, ERR_INVALID, "search: filter without value");
	}
	int nfilter_terms = (q->collection ? 1 : 0) + (q->tenant ? 1 : 0) + q->nfilters;

	/* control characters to spaces, then fold */
	char *clean = malloc(tl + 1);
	if (!clean)
		return err_set(e, ERR_NOMEM, "search: out of memory");
	for (size_t i = 0; i < tl; i++) {
		unsigned char c = (unsigned char)text[i];
		clean[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	clean[tl] = 0;
	char *folded = NULL;
	rc = jp_text_fold(&folded, clean, tl, e);
	free(clean);
	if (rc)
		return rc;
	int has_text = folded[strspn(folded, " ")] != 0;
	if (!*folded && !nfilter_terms) {
		free(folded);
		return err_set(e, ERR_INVALID, "search: empty query");
	}

	struct buf b;
	buf_init(&b, 64u << 10);
	int nterms = 0, nwords = 0, werr = 0, nphrases = 0;
	/* the words, and which of them is the last with tokens */
	const char *w[SEARCH_MAX_TERMS + 1];
	size_t wl[SEARCH_MAX_TERMS + 1];
	int wcls[SEARCH_MAX_TERMS + 1];
	for (char *p = folded; *p && !rc;) {
		char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		struct count c = { 0, 0 };
		search_tokenize(p, (int)n, 1, count_cb, &c);
		if (c.n) {
			if (nwords == SEARCH_MAX_TERMS) {
				rc = err_set(e, ERR_LIMIT, "search: more than %d words",
					     SEARCH_MAX_TERMS);
				werr = 1;
			} else {
				w[nwords] = p;
				wl[nwords] = n;
				wcls[nwords] = c.last_cls;
				nwords++;
			}
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	for (int i = 0; i < nwords && !rc; i++) {
		if (nterms)
			rc = buf_puts(&b, " AND ");
		/* a word of the synonym table: any word of its group */
		const char *syn[SEARCH_MAX_SYNONYMS];
		int nsyn = search_synonyms(syn, SEARCH_MAX_SYNONYMS, w[i], wl[i]);
		if (!rc && nsyn)
			rc = buf_puts(&b, "(");
		if (!rc)
			rc = put_string(&b, NULL, w[i], wl[i]);
		nphrases += 1 + nsyn;
		for (int k = 0; k < nsyn && !rc; k++) {
			char *fs = NULL;
			if ((rc = jp_text_fold(&fs, syn[k], strlen(syn[k]), e)))
				break;
			rc = buf_puts(&b, " OR ");
			if (!rc)
				rc = put_string(&b, NULL, fs, strlen(fs));
			free(fs);
		}
		if (!rc && nsyn)
			rc = buf_puts(&b, ")");
		/* the last word, if it ends in a Latin/digit word: a prefix */
		if (!rc && !nsyn && i == nwords - 1 && wcls[i] == SEARCH_TC_WORD)
			rc = buf_puts(&b, " *");
		nterms++;
	}
	free(folded);
	*ntext = nphrases;   /* the phrases before the filters (rank.c) */
	if (!rc && nwords == 0 && (has_text || !nfilter_terms)) {
		/* text with nothing searchable (only punctuation such as "%" or
		 * "_"): no match, also with filters -- the text is a condition,
		 * not a wildcard that lists everything the filters allow */
		buf_done(&b);
		*out = strdup("");
		return *out ? 0 : err_set(e, ERR_NOMEM, "search: out of memory");
	}
	if (!rc && q->collection)
		rc = put_meta(&b, &nterms, "c:", q->collection, NULL, NULL);
	if (!rc && q->tenant)
		rc = put_meta(&b, &nterms, "t:", q->tenant, NULL, NULL);
	for (int i = 0; i < q->nfilters && !rc; i++)
		rc = put_meta(&b, &nterms, "f:", q->filters[i].name, "=",
			      q->filters[i].value);
	if (rc) {
		buf_done(&b);
		return werr ? rc : err_set(e, rc, "search: query too large");
	}
	*out = buf_steal(&b);
	if (!*out)
		*out = strdup("");
	buf_done(&b);
	return *out ? 0 : err_set(e, ERR_NOMEM, "search: out of memory");
}

static int put_escaped(struct buf *b, const char *s, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		switch (s[i]) {
		case '&': rc = buf_puts(b, "&amp;"); break;
		case '<': rc = buf_puts(b, "&lt;"); break;
		case '>': rc = buf_puts(b, "&gt;"); break;
		case '"': rc = buf_puts(b, "&quot;"); break;
		case '\'': rc = buf_puts(b, "&#39;"); break;
		default: rc = buf_putc(b, s[i]);
		}
	}
	return rc;
}

static int marked_html(struct buf *b, const char *s, const struct search_mark *marks,
		       int nmarks)
{
	size_t n = strlen(s), at = 0;
	int rc = 0;
	for (int i = 0; i < nmarks && !rc; i++) {
		size_t off = marks[i].off, len = marks[i].len;
		if (off < at || off + len > n)
			break;
		rc = put_escaped(b, s + at, off - at);
		if (!rc)
			rc = buf_puts(b, "<mark>");
		if (!rc)
			rc = put_escaped(b, s + off, len);
		if (!rc)
			rc = buf_puts(b, "</mark>");
		at = off + len;
	}
	if (!rc)
		rc = put_escaped(b, s + at, n - at);
	return rc;
}

int search_snippet_html(struct buf *b, const struct search_hit *h)
{
	if (!h || !h->snippet)
		return 0;
	return marked_html(b, h->snippet, h->marks, h->nmarks);
}

int search_title_html(struct buf *b, const struct search_hit *h)
{
	if (!h || !h->title)
		return 0;
	return marked_html(b, h->title, h->title_marks, h->ntitle_marks);
}
