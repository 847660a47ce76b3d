/*
 * index.c -- notices in the site search (src/core/search, collection
 * "news"): the collection holds exactly the PUBLIC notices
 * (news_is_public), with their titles and texts in Japanese and English,
 * so /search finds a notice while residents can read it and never before
 * its start day or after it was withdrawn, archived, ended or put back to
 * draft.
 *
 * news_items.indexed records what the collection holds of each notice:
 * 0 nothing, 1 its current text, 2 an older text (news_save and
 * news_set_state set 2 on an indexed notice).  news_index_sync puts the
 * public notices whose indexed is not 1 and deletes the non-public ones
 * whose indexed is not 0, so it is idempotent and a run with nothing to
 * do writes nothing.  Each change first claims the row with an UPDATE
 * (a row lock on PostgreSQL), then reads the text and writes the search
 * projection, all in one transaction (the caller's, or its own): a
 * concurrent edit either waits for it or is seen as already done.
 *
 * Document: id = the notice's number; title = "title_ja TAB title_en TAB
 * TAB YYYY-MM-DD" (the display titles by language, then the start day in
 * Japan; tabs and line breaks inside a title become spaces), the
 * convention of the site search page (src/web/page_search.c); body =
 * body_ja, then body_en.  Nothing personal is in a notice.
 */
#include "svc/news/news.h"
#include "base/buf.h"
#include "core/search/search.h"
#include "jp/date.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEWS_COLLECTION "news"

/* $2 is now (as PUBLIC_WHERE in news.c) */
#define PUB " (state = 'published' AND publish_at <= $2" \
	    " AND (until_at IS NULL OR until_at > $2))"

static void put_title_part(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_putc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static int put_doc(struct search *sr, const char *tenant, const struct news_item *it,
		   struct err *e)
{
	struct buf title, body;
	buf_init(&title, SEARCH_MAX_TITLE);
	buf_init(&body, SEARCH_MAX_BODY);
	char day[JP_DATE_ISO_SIZE] = "";
	jp_date_format_iso(day, sizeof day, jp_jst_date(it->publish_at), NULL);
	put_title_part(&title, it->title_ja);
	buf_putc(&title, '\t');
	put_title_part(&title, it->title_en);
	buf_puts(&title, "\t\t");
	buf_puts(&title, day);
	buf_puts(&body, it->body_ja);
	if (it->body_en && *it->body_en) {
		buf_puts(&body, "\n\n");
		buf_puts(&body, it->body_en);
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)it->id);
	struct search_doc doc = { .tenant = tenant, .collection = NEWS_COLLECTION, .id = id,
				  .title = buf_cstr(&title), .body = buf_cstr(&body) };
	int rc = search_put(sr, &doc, e);
	buf_done(&title);
	buf_done(&body);
	return rc;
}

/* a notice to put or delete */
struct todo {
	int64_t id;
	char tenant[64];
	int put;
};

static int collect(struct todo **out, int *n, struct store *s, const char *tenant,
		   int64_t now, struct err *e)
{
	struct store_val v[] = { sv_text(tenant ? tenant : ""), sv_int(now) };
	const char *sql = tenant
		? "SELECT id, tenant, CASE WHEN" PUB " THEN 1 ELSE 0 END FROM news_items"
		  " WHERE tenant = $1 AND ((" PUB " AND indexed <> 1) OR (NOT" PUB " AND indexed <> 0))"
		: "SELECT id, tenant, CASE WHEN" PUB " THEN 1 ELSE 0 END FROM news_items"
		  " WHERE $1 = '' AND ((" PUB " AND indexed <> 1) OR (NOT" PUB " AND indexed <> 0))";
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, 2, e);
	if (rc)
		return rc;
	int cap = 0;
	*out = NULL;
	*n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (*n == cap) {
			int nc = cap ? cap * 2 : 16;
			struct todo *t = realloc(*out, (size_t)nc * sizeof *t);
			if (!t) {
				rc = err_set(e, ERR_NOMEM, "news: no memory");
				break;
			}
			*out = t;
			cap = nc;
		}
		struct todo *t = &(*out)[(*n)++];
		t->id = store_col_int(r, 0);
		snprintf(t->tenant, sizeof t->tenant, "%s", store_col_text(r, 1));
		t->put = store_col_int(r, 2) == 1;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* claim one change: 1 when this transaction is to make it, 0 when it is
 * no longer needed (another sync made it, or the notice changed again) */
static int claim(struct store *s, const struct todo *t, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_text(t->tenant), sv_int(now), sv_int(t->id) };
	return store_exec(s, t->put
		? "UPDATE news_items SET indexed = 1 WHERE tenant = $1 AND id = $3"
		  " AND indexed <> 1 AND" PUB
		: "UPDATE news_items SET indexed = 0 WHERE tenant = $1 AND id = $3"
		  " AND indexed <> 0 AND NOT" PUB, v, 3, e);
}

static int apply(struct search *sr, struct store *s, const struct todo *t, int64_t now,
		 int *changed, struct err *e)
{
	int n = claim(s, t, now, e);
	if (n <= 0)
		return n;
	if (!t->put) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)t->id);
		int rc = search_delete(sr, t->tenant, NEWS_COLLECTION, id, e);
		if (rc == 0)
			(*changed)++;
		return rc;
	}
	struct arena *a = arena_new(64u << 10);
	if (!a)
		return err_set(e, ERR_NOMEM, "news: no memory");
	struct news_item it;
	int rc = news_get(&it, a, s, t->tenant, t->id, e);
	if (rc == 0)
		rc = put_doc(sr, t->tenant, &it, e);
	if (rc == 0)
		(*changed)++;
	arena_free(a);
	return rc;
}

int news_index_sync(struct search *sr, struct store *s, const char *tenant, int64_t now,
		    struct err *e)
{
	struct todo *todo = NULL;
	int n = 0, changed = 0;
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	rc = collect(&todo, &n, s, tenant, now, e);
	struct search *mine = NULL;
	if (rc == 0 && n > 0 && !sr) {
		/* a handle only to write the projection (its index is not used) */
		rc = search_open(&mine, s, ":memory:", NULL, e);
		sr = mine;
	}
	for (int i = 0; rc == 0 && i < n; i++)
		rc = apply(sr, s, &todo[i], now, &changed, e);
	search_close(mine);
	free(todo);
	if (own) {
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, e);
	}
	return rc ? rc : changed;
}
