/*
 * news.c -- notices (contract in news.h): checking, storing, listing, and
 * the daily archiving of notices past their end.  The public rule lives
 * here twice on purpose, once in C (news_is_public) and once in SQL
 * (PUBLIC_WHERE), and test_news checks that the two agree.  A write
 * (news_save, news_set_state) and the site search's sync (index.c) commit
 * together.
 */
#include "svc/news/news.h"
#include "svc/notify/notify.h"
#include "store/store.h"
#include "jp/date.h"
#include "jp/text.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = { "draft", "published", "withdrawn", "archived" };

const char *news_state_name(enum news_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "draft";
}

int news_state_parse(const char *s)
{
	for (int i = 0; s && i < 4; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

static int text_ok(const char *s, size_t max)
{
	size_t n = strlen(s), bad;
	return n <= max && jp_text_utf8_validate(&bad, s, n, NULL) == 0;
}

static int problem(struct news_problem *p, const char *field, const char *ja, const char *en)
{
	if (p)
		*p = (struct news_problem){ field, ja, en };
	return ERR_INVALID;
}

/* only spaces (ASCII space, tab, line breaks, the ideographic space
 * U+3000) or nothing: a text that says nothing */
static int blank(const char *s)
{
	if (!s)
		return 1;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
			 (unsigned char)s[2] == 0x80)
			s += 3;
		else
			return 0;
	}
	return 1;
}

int news_check(const struct news_item *it, struct news_problem *p)
{
	if (blank(it->title_ja))
		return problem(p, "title_ja", "件名（日本語）を入力してください。",
			       "Enter a title in Japanese.");
	if (!text_ok(it->title_ja, NEWS_TITLE_MAX))
		return problem(p, "title_ja", "件名（日本語）は200バイト（全角約66文字）までです。",
			       "The Japanese title is at most 200 bytes (about 66 full-width characters).");
	if (it->title_en && !text_ok(it->title_en, NEWS_TITLE_MAX))
		return problem(p, "title_en", "件名（英語）は200バイトまでです。",
			       "The English title is at most 200 bytes.");
	if (blank(it->body_ja))
		return problem(p, "body_ja", "本文（日本語）を入力してください。",
			       "Enter the text in Japanese.");
	if (!text_ok(it->body_ja, NEWS_BODY_MAX))
		return problem(p, "body_ja", "本文（日本語）は8000バイト（全角約2600文字）までです。",
			       "The Japanese text is at most 8000 bytes (about 2,600 full-width characters).");
	if (it->body_en && !text_ok(it->body_en, NEWS_BODY_MAX))
		return problem(p, "body_en", "本文（英語）は8000バイトまでです。",
			       "The English text is at most 8000 bytes.");
	if (it->category && *it->category && !notify_category_find(it->category))
		return problem(p, "category", "分野を一覧から選んでください。",
			       "Choose a category from the list.");
	if ((unsigned)it->state > NEWS_ARCHIVED)
		return problem(p, "state", "状態が正しくありません。", "The state is not valid.");
	if (it->until_at && it->until_at <= it->publish_at)
		return problem(p, "until", "掲載終了日は掲載開始日より後にしてください。",
			       "The end date must be after the start date.");
	return 0;
}

int news_is_public(const struct news_item *it, int64_t now)
{
	return it->state == NEWS_PUBLISHED && it->publish_at <= now &&
	       (it->until_at == 0 || it->until_at > now);
}

/* the same rule in SQL; $2 is now */
#define PUBLIC_WHERE " state = 'published' AND publish_at <= $2" \
		     " AND (until_at IS NULL OR until_at > $2)"

/* an indexed notice that changed: its text in the search is old (index.c) */
#define STALE "CASE WHEN indexed = 0 THEN 0 ELSE 2 END"

/* after a write: the site search follows (news_index_sync) */
static int synced(struct store *s, const char *tenant, int64_t now, struct err *e)
{
	int rc = news_index_sync(NULL, s, tenant, now, e);
	return rc < 0 ? rc : 0;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int save(int64_t *id, struct store *s, const char *tenant,
		const struct news_item *it, int64_t now, struct err *e)
{
	struct news_problem p;
	if (news_check(it, &p))
		return err_set(e, ERR_INVALID, "news: %s", p.field);
	struct store_val v[] = {
		sv_text(tenant), sv_text(it->title_ja), sv_text(nonempty(it->title_en)),
		sv_text(it->body_ja), sv_text(nonempty(it->body_en)), sv_int(it->important ? 1 : 0),
		sv_int(it->publish_at), it->until_at ? sv_int(it->until_at) : sv_null(),
		sv_text(news_state_name(it->state)), sv_int(now), sv_text(nonempty(it->category)),
		sv_int(it->id),
	};
	if (it->id == 0) {
		int64_t nid;
		int rc = store_query_int(&nid, s,
			"INSERT INTO news_items (tenant, title_ja, title_en, body_ja, body_en,"
			" important, publish_at, until_at, state, created_at, updated_at, category)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
			v, 11, e);
		if (rc == 0 && id)
			*id = nid;
		return rc ? rc : synced(s, tenant, now, e);
	}
	int n = store_exec(s, "UPDATE news_items SET title_ja = $2, title_en = $3, body_ja = $4,"
			   " body_en = $5, important = $6, publish_at = $7, until_at = $8, state = $9,"
			   " updated_at = $10, category = $11, indexed = " STALE " WHERE tenant = $1 AND id = $12",
			   v, SV_N(v), e);
	if (n < 0)
		return n;
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "news: no item %lld", (long long)it->id);
	if (id)
		*id = it->id;
	return synced(s, tenant, now, e);
}

#define COLS "id, title_ja, title_en, body_ja, body_en, important, publish_at," \
	     " until_at, state, updated_at, category"

/* the current row as an item; texts point into the row */
static void row_item(struct news_item *it, struct store_rows *r)
{
	it->id = store_col_int(r, 0);
	it->title_ja = store_col_text(r, 1);
	it->title_en = store_col_isnull(r, 2) ? NULL : store_col_text(r, 2);
	it->body_ja = store_col_text(r, 3);
	it->body_en = store_col_isnull(r, 4) ? NULL : store_col_text(r, 4);
	it->important = (int)store_col_int(r, 5);
	it->publish_at = store_col_int(r, 6);
	it->until_at = store_col_isnull(r, 7) ? 0 : store_col_int(r, 7);
	int st = news_state_parse(store_col_text(r, 8));
	it->state = st < 0 ? NEWS_DRAFT : (enum news_state)st;
	it->updated_at = store_col_int(r, 9);
	it->category = store_col_isnull(r, 10) ? NULL : store_col_text(r, 10);
}

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

int news_get(struct news_item *out, struct arena *a, struct store *s,
	     const char *tenant, int64_t id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS " FROM news_items WHERE tenant = $1 AND id = $2",
			     v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		struct news_item it;
		row_item(&it, r);
		*out = it;
		out->title_ja = dup(a, it.title_ja);
		out->title_en = dup(a, it.title_en);
		out->body_ja = dup(a, it.body_ja);
		out->body_en = dup(a, it.body_en);
		out->category = dup(a, it.category);
		rc = out->title_ja && out->body_ja &&
		     (!it.title_en || out->title_en) && (!it.body_en || out->body_en) &&
		     (!it.category || out->category)
		     ? 0 : err_set(e, ERR_NOMEM, "news: no memory");
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "news: no item %lld", (long long)id);
	}
	store_rows_free(r);
	return rc;
}

static int set_state(struct store *s, const char *tenant, int64_t id,
		     enum news_state state, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_text(news_state_name(state)),
				 sv_int(now) };
	int n = store_exec(s, "UPDATE news_items SET state = $3, updated_at = $4, indexed = " STALE
			   " WHERE tenant = $1 AND id = $2", v, SV_N(v), e);
	if (n < 0)
		return n;
	return n ? synced(s, tenant, now, e)
		 : err_set(e, ERR_NOTFOUND, "news: no item %lld", (long long)id);
}

/* the write and the search's sync commit together: in the caller's
 * transaction, else in one of their own */
static int own_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

int news_save(int64_t *id, struct store *s, const char *tenant,
	      const struct news_item *it, int64_t now, struct err *e)
{
	struct news_problem p;
	if (news_check(it, &p))
		return err_set(e, ERR_INVALID, "news: %s", p.field);
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	return own_end(s, own, save(id, s, tenant, it, now, e), e);
}

int news_set_state(struct store *s, const char *tenant, int64_t id,
		   enum news_state state, int64_t now, struct err *e)
{
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	return own_end(s, own, set_state(s, tenant, id, state, now, e), e);
}

int news_list(struct store *s, const char *tenant, const struct news_query *q,
	      int64_t now, void (*fn)(const struct news_item *it, void *arg), void *arg,
	      struct err *e)
{
	enum news_filter filter = q->filter;
	int limit = q->limit, offset = q->offset;
	if (limit < 0 || limit > NEWS_PAGE_MAX || offset < 0)
		return err_set(e, ERR_INVALID, "news: limit 0..%d, offset >= 0", NEWS_PAGE_MAX);
	if (q->category && !notify_category_find(q->category))
		return err_set(e, ERR_INVALID, "news: no category %s", q->category);
	/* $1 tenant, $2 now, $3 category (NULL: any), $4 limit, $5 offset */
	int pub = filter == NEWS_PUBLIC;
	char where[256];
	snprintf(where, sizeof where, " WHERE tenant = $1%s AND (CAST($3 AS TEXT) IS NULL OR category = $3)",
		 pub ? " AND" PUBLIC_WHERE : " AND CAST($2 AS BIGINT) IS NOT NULL");
	struct store_val v[] = { sv_text(tenant), sv_int(now), sv_text(q->category), sv_int(limit),
				 sv_int(offset) };
	char sql[640];
	int64_t total;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM news_items%s", where);
	int rc = store_query_int(&total, s, sql, v, 3, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "SELECT " COLS " FROM news_items%s"
		 " ORDER BY %s publish_at DESC, id DESC LIMIT $4 OFFSET $5", where,
		 q->newest ? "" : "important DESC,");
	struct store_rows *r;
	if ((rc = store_query(&r, s, sql, v, SV_N(v), e)))
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct news_item it;
		row_item(&it, r);
		fn(&it, arg);
	}
	store_rows_free(r);
	return rc < 0 ? rc : (int)(total > 1000000 ? 1000000 : total);
}

int news_archive_due(struct store *s, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_int(now) };
	return store_exec(s, "UPDATE news_items SET state = 'archived', updated_at = $1"
			  " WHERE state = 'published' AND until_at IS NOT NULL AND until_at <= $1",
			  v, 1, e);
}

int64_t news_next_day(int64_t now)
{
	return jp_jst_midnight(jp_date_add_days(jp_jst_date(now), 1));
}
