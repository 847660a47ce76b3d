/*
 * tokenize.c -- the search tokenizer (see search_int.h for the rules) and
 * its registration as the FTS5 tokenizer "mg".
 *
 * Invariants: every token's byte range lies inside the input and ranges
 * never go backwards; folding of one unit equals jp_text_fold of that unit
 * (fast paths for ASCII, kana, kanji and full-width ASCII give the same
 * bytes jp_text_fold would, the rest calls it); a unit that does not fold
 * (bad UTF-8) is a separator.  No allocation except in jp_text_fold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jp/text.h"
#include "core/search/search_int.h"

/* ---- UTF-8 ---- */

/* decode one code point; returns its length, 0 for a bad sequence */
static int utf8_dec(uint32_t *cp, const unsigned char *p, int n)
{
	if (n <= 0)
		return 0;
	unsigned c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t v, min;
	if ((c & 0xe0) == 0xc0) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static int utf8_enc(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* ---- classes ---- */

static int is_mark(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36f) || c == 0x3099 || c == 0x309a ||
	       c == 0xff9e || c == 0xff9f || c == 0x200d;
}

static int is_vs(uint32_t c)
{
	return (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef);
}

static int is_kata(uint32_t c)
{
	return (c >= 0x30a1 && c <= 0x30fa) || c == 0x30fc || (c >= 0x31f0 && c <= 0x31ff);
}

static int is_kanji(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x20000 && c <= 0x2f7ff) || (c >= 0x30000 && c <= 0x3ffff);
}

static int char_class(uint32_t c)
{
	if (c < 0x80) {
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			return SEARCH_TC_WORD;
		return SEARCH_TC_SEP;
	}
	if ((c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0x370 && c <= 0x52f && c != 0x37e && c != 0x387) ||
	    (c >= 0x1e00 && c <= 0x1fff))
		return SEARCH_TC_WORD;
	if ((c >= 0x3041 && c <= 0x309f) || (c >= 0x30a1 && c <= 0x30fa) ||
	    (c >= 0x30fc && c <= 0x30ff) || (c >= 0x3005 && c <= 0x3007) ||
	    (c >= 0x31f0 && c <= 0x31ff) || is_kanji(c) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
		return SEARCH_TC_CJK;
	return SEARCH_TC_SEP;
}

/* ---- the tokenizer state ---- */

struct tk {
	int query;
	int (*fn)(void *, int, const char *, int, int, int, int);
	void *ctx;
	uint32_t last;          /* last folded character (0 at a separator) */
	/* the cjk run */
	int run;                /* characters in the run so far */
	uint32_t prev;          /* its last character */
	int prev_s, prev_e;
	/* the pending trailing unigram of the last cjk run */
	int pend;               /* 0 none, 1 pending, 2 pending, droppable */
	char pend_tok[4];
	int pend_n, pend_s, pend_e;
	/* the word run */
	char word[SEARCH_TOK_WORD_MAX];
	int wn, ws, we, wfull;
};

static int emit(struct tk *t, int colocated, const char *tok, int n, int s,
		int e, int cls)
{
	if (t->pend && !colocated) {
		int rc = t->fn(t->ctx, 0, t->pend_tok, t->pend_n, t->pend_s,
			       t->pend_e, SEARCH_TC_CJK);
		t->pend = 0;
		if (rc)
			return rc;
	}
	return t->fn(t->ctx, colocated, tok, n, s, e, cls);
}

static int flush_word(struct tk *t)
{
	if (!t->wn)
		return 0;
	int rc = emit(t, 0, t->word, t->wn, t->ws, t->we, SEARCH_TC_WORD);
	t->wn = 0;
	t->wfull = 0;
	return rc;
}

static int end_run(struct tk *t)
{
	if (!t->run)
		return 0;
	if (t->pend) {
		int rc = t->fn(t->ctx, 0, t->pend_tok, t->pend_n, t->pend_s,
			       t->pend_e, SEARCH_TC_CJK);
		t->pend = 0;
		if (rc)
			return rc;
	}
	t->pend_n = utf8_enc(t->pend_tok, t->prev);
	t->pend_s = t->prev_s;
	t->pend_e = t->prev_e;
	t->pend = (t->query && t->run >= 2) ? 2 : 1;
	t->run = 0;
	return 0;
}

static int put_char(struct tk *t, uint32_t c, int s, int e)
{
	/* the dash rules of jp_text_fold */
	if (c == 0x30fc && !is_kata(t->last))
		c = '-';
	else if (c == '-' && is_kata(t->last))
		c = 0x30fc;
	int cls = char_class(c);
	t->last = cls == SEARCH_TC_SEP ? 0 : c;
	int rc = 0;
	if (cls == SEARCH_TC_CJK) {
		if ((rc = flush_word(t)))
			return rc;
		if (t->run) {
			char tok[8];
			int n = utf8_enc(tok, t->prev);
			n += utf8_enc(tok + n, c);
			if ((rc = emit(t, 0, tok, n, t->prev_s, e, SEARCH_TC_CJK)))
				return rc;
			if (!t->query &&
			    (rc = emit(t, 1, tok, utf8_enc(tok, t->prev), t->prev_s,
				       t->prev_e, SEARCH_TC_CJK)))
				return rc;
		}
		t->run++;
		t->prev = c;
		t->prev_s = s;
		t->prev_e = e;
		return 0;
	}
	if ((rc = end_run(t)))
		return rc;
	if (cls == SEARCH_TC_WORD) {
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		char b[4];
		int n = utf8_enc(b, c);
		if (!t->wn)
			t->ws = s;
		t->we = e;
		if (!t->wfull && t->wn + n <= SEARCH_TOK_WORD_MAX) {
			memcpy(t->word + t->wn, b, (size_t)n);
			t->wn += n;
		} else {
			t->wfull = 1;
		}
		return 0;
	}
	return flush_word(t);
}

/* fold one unit u[0..n) (code point c first) and feed its characters */
static int put_unit(struct tk *t, uint32_t c, const char *u, int n, int s,
		    int e, int marks)
{
	if (!marks) {
		if (c < 0x80 || is_kanji(c) || (c >= 0x30a1 && c <= 0x30fa) ||
		    (c >= 0x30fc && c <= 0x30fe))
			return put_char(t, c, s, e);
		if ((c >= 0x3041 && c <= 0x3096) || c == 0x309d || c == 0x309e)
			return put_char(t, c + 0x60, s, e);
		if (c >= 0xff01 && c <= 0xff5e)
			return put_char(t, c - 0xfee0, s, e);
		if ((c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020))
			return put_char(t, ' ', s, e);
	}
	char *f = NULL;
	if (jp_text_fold(&f, u, (size_t)n, NULL))
		return put_char(t, ' ', s, e);
	const unsigned char *p = (const unsigned char *)f;
	int fl = (int)strlen(f), rc = 0;
	if (!fl)
		rc = put_char(t, ' ', s, e);
	for (int i = 0; i < fl && !rc;) {
		uint32_t fc;
		int l = utf8_dec(&fc, p + i, fl - i);
		if (!l)
			break;
		i += l;
		if (!is_vs(fc))
			rc = put_char(t, fc, s, e);
	}
	free(f);
	return rc;
}

static int tokenize_meta(const char *s, int n,
			 int (*fn)(void *, int, const char *, int, int, int, int),
			 void *ctx)
{
	int i = 1;
	while (i < n) {
		int j = i;
		while (j < n && s[j] != SEARCH_META_SEP)
			j++;
		if (j > i) {
			/* the token keeps the mark: no text token starts
			 * with 0x1f, so not even a prefix query reaches it */
			char tok[256];
			int len = j - i > 254 ? 254 : j - i;
			tok[0] = SEARCH_META_MARK;
			memcpy(tok + 1, s + i, (size_t)len);
			int rc = fn(ctx, 0, tok, len + 1, i, j, SEARCH_TC_META);
			if (rc)
				return rc;
		}
		i = j + 1;
	}
	return 0;
}

int search_tokenize(const char *s, int n, int query,
		    int (*fn)(void *ctx, int colocated, const char *tok, int len,
			      int start, int end, int cls),
		    void *ctx)
{
	if (n > 0 && s[0] == SEARCH_META_MARK)
		return tokenize_meta(s, n, fn, ctx);
	struct tk t;
	memset(&t, 0, sizeof t);
	t.query = query;
	t.fn = fn;
	t.ctx = ctx;
	const unsigned char *p = (const unsigned char *)s;
	int i = 0, rc = 0;
	while (i < n && !rc) {
		uint32_t c;
		int l = utf8_dec(&c, p + i, n - i);
		if (!l) {
			rc = put_char(&t, ' ', i, i + 1);
			i++;
			continue;
		}
		int j = i + l, marks = 0, vs_only = 1;
		for (;;) {
			uint32_t m;
			int ml = utf8_dec(&m, p + j, n - j);
			if (!ml || !(is_mark(m) || is_vs(m)))
				break;
			marks = 1;
			if (!is_vs(m))
				vs_only = 0;
			j += ml;
		}
		if (marks && vs_only && is_kanji(c))
			marks = 0; /* 葛󠄀 searches as 葛 */
		rc = put_unit(&t, c, s + i, j - i, i, j, marks);
		i = j;
	}
	if (rc)
		return rc;
	if ((rc = flush_word(&t)))
		return rc;
	if ((rc = end_run(&t)))
		return rc;
	if (t.pend == 1)
		rc = fn(ctx, 0, t.pend_tok, t.pend_n, t.pend_s, t.pend_e,
			SEARCH_TC_CJK);
	return rc;
}

/* ---- FTS5 glue ---- */

struct fts_ctx {
	void *pctx;
	int (*xtoken)(void *, int, const char *, int, int, int);
};

static int fts_cb(void *ctx, int colocated, const char *tok, int n, int s,
		  int e, int cls)
{
	(void)cls;
	struct fts_ctx *c = ctx;
	return c->xtoken(c->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, n,
			 s, e);
}

static int mg_create(void *ctx, const char **argv, int argc,
		     Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	(void)argc;
	static int dummy;
	*out = (Fts5Tokenizer *)&dummy;
	return SQLITE_OK;
}

static void mg_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int mg_tokenize(Fts5Tokenizer *t, void *pctx, int flags,
		       const char *text, int n,
		       int (*xtoken)(void *, int, const char *, int, int, int))
{
	(void)t;
	struct fts_ctx c = { pctx, xtoken };
	return search_tokenize(text, n, (flags & FTS5_TOKENIZE_QUERY) != 0,
			       fts_cb, &c);
}

int search_fts5_register(sqlite3 *db, struct err *e)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, ERR_DB, "search: this SQLite has no FTS5: %s",
			       sqlite3_errmsg(db));
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return err_set(e, ERR_DB, "search: FTS5 API not available");
	static fts5_tokenizer tok = { mg_create, mg_delete, mg_tokenize };
	if (api->xCreateTokenizer(api, "mg", NULL, &tok, NULL) != SQLITE_OK ||
	    search_rank_register(api) != SQLITE_OK)
		return err_set(e, ERR_DB, "search: cannot register tokenizer: %s",
			       sqlite3_errmsg(db));
	return 0;
}
