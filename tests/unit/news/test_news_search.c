/*
 * test_news_search.c -- notices in the site search (src/svc/news/index.c)
 * on both backends (MADOGUCHI_TEST_DB; default a fresh SQLite file; on
 * PostgreSQL the schema mg_news_search_test): the collection "news" holds
 * exactly the public notices, asked through a search handle of its own
 * (src/core/search, catching up from the change log like a server's):
 *   - a published notice is found by a word of its Japanese body, of its
 *     English body and of its title; the hit's title carries ja, en and
 *     the start day; a draft is not found;
 *   - an edit of the title: the new word finds it, the old one does not;
 *   - withdrawn, put back to draft, archived, or past its end: gone;
 *   - a start day in the future: not found before it, found by the sync
 *     at its start (news_index_sync's now), and a second sync changes
 *     nothing; news_next_day (the job's next run) is that start;
 *   - another municipality's notice is not in this one's results.
 */
#include "t.h"
#include "tdb.h"

#include <string.h>

#include "web/app.h"
#include "core/search/search.h"
#include "svc/news/news.h"

static struct tdb db;
static struct store *s;
static struct search *sr;

#define T1 "139998"
#define T2 "131059"

/* 2026-12-06 00:00 JST */
#define NOW 1796482800LL

static void setup(void)
{
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# cannot open the database: %s\n", e.detail);
		exit(1);
	}
	int applied = 0;
	if (app_migrate(s, &applied, &e) != 0) {
		printf("# migrate: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	if (tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("# tenant: %s\n", e.detail);
		exit(1);
	}
	if (search_open(&sr, s, ":memory:", NULL, &e) != 0) {
		printf("# search: %s\n", e.detail);
		exit(1);
	}
}

/* how many notices of tenant the word finds; *id the first one's (0: none) */
static int64_t found_in(const char *tenant, const char *word, int64_t *id, char *title,
			size_t cap)
{
	struct search_result res = { 0 };
	struct err e;
	struct search_query q = { .text = word, .tenant = tenant, .collection = "news",
				  .limit = 10 };
	int rc = search_query(&res, sr, &q, &e);
	T_EQ_INT(rc, 0);
	int64_t n = rc ? -1 : res.total;
	if (id)
		*id = res.nhits ? strtoll(res.hits[0].id, NULL, 10) : 0;
	if (title && cap)
		snprintf(title, cap, "%s", res.nhits ? res.hits[0].title : "");
	search_result_done(&res);
	return n;
}

static int64_t found(const char *word)
{
	return found_in(T1, word, NULL, NULL, 0);
}

static struct news_item notice(const char *title, const char *body)
{
	return (struct news_item){ .title_ja = title, .body_ja = body,
				   .publish_at = NOW - 3600, .state = NEWS_PUBLISHED };
}

static void test_publish_edit_withdraw(void)
{
	struct err e;
	struct news_item it = notice("粗大ごみ受付日の変更", "水曜日の受付は木曜日に移ります。");
	it.title_en = "Bulky waste days change";
	it.body_en = "Wednesday collection moves to Thursday.";
	int64_t id = 0, hit = 0;
	T_EQ_INT(news_save(&id, s, T1, &it, NOW, &e), 0);
	char title[512];
	T_EQ_INT(found_in(T1, "受付日", &hit, title, sizeof title), 1);
	T_EQ_INT(hit, id);
	/* ja TAB en TAB (やさしい日本語) TAB the start day in Japan */
	T_EQ_STR(title, "粗大ごみ受付日の変更\tBulky waste days change\t\t2026-12-05");
	T_EQ_INT(found("木曜日"), 1);
	T_EQ_INT(found("Thursday"), 1);
	T_EQ_INT(found("存在しない言葉"), 0);
	/* the other municipality sees none of it */
	T_EQ_INT(found_in(T2, "受付日", NULL, NULL, 0), 0);

	/* a draft is not found */
	struct news_item d = notice("下書きの件名", "公開前の本文です。");
	d.state = NEWS_DRAFT;
	int64_t did = 0;
	T_EQ_INT(news_save(&did, s, T1, &d, NOW, &e), 0);
	T_EQ_INT(found("公開前"), 0);

	/* an edit: the new title's word finds it, the old one's does not */
	it.id = id;
	it.title_ja = "資源回収日のお知らせ";
	it.title_en = NULL;
	T_EQ_INT(news_save(NULL, s, T1, &it, NOW + 10, &e), 0);
	T_EQ_INT(found_in(T1, "資源回収", &hit, title, sizeof title), 1);
	T_EQ_INT(hit, id);
	T_EQ_STR(title, "資源回収日のお知らせ\t\t\t2026-12-05");
	T_EQ_INT(found("粗大"), 0);
	T_EQ_INT(found("Bulky"), 0);
	T_EQ_INT(found("木曜日"), 1);   /* the body did not change */

	/* published again with the same text after a draft: back, then gone */
	T_EQ_INT(news_set_state(s, T1, id, NEWS_DRAFT, NOW + 20, &e), 0);
	T_EQ_INT(found("資源回収"), 0);
	T_EQ_INT(news_set_state(s, T1, id, NEWS_PUBLISHED, NOW + 30, &e), 0);
	T_EQ_INT(found("資源回収"), 1);

	/* withdrawn: gone, and a sync does not bring it back */
	T_EQ_INT(news_set_state(s, T1, id, NEWS_WITHDRAWN, NOW + 40, &e), 0);
	T_EQ_INT(found("資源回収"), 0);
	T_EQ_INT(found("木曜日"), 0);
	T_EQ_INT(news_index_sync(NULL, s, NULL, NOW + 50, &e), 0);
	T_EQ_INT(found("資源回収"), 0);
}

static void test_future_start(void)
{
	struct err e;
	int64_t day = 86400;
	struct news_item it = notice("防災訓練の実施", "区内一斉の防災訓練を行います。");
	it.publish_at = NOW + day;   /* tomorrow 00:00 JST */
	int64_t id = 0, hit = 0;
	T_EQ_INT(news_save(&id, s, T1, &it, NOW, &e), 0);
	T_EQ_INT(found("一斉"), 0);
	/* the sync one second before its start: still not public */
	T_EQ_INT(news_index_sync(NULL, s, NULL, NOW + day - 1, &e), 0);
	T_EQ_INT(found("一斉"), 0);
	/* at its start (the job's run after 00:00 JST): found */
	T_EQ_INT(news_index_sync(NULL, s, NULL, NOW + day, &e), 1);
	T_EQ_INT(found_in(T1, "一斉", &hit, NULL, 0), 1);
	T_EQ_INT(hit, id);
	/* idempotent: nothing more to do */
	T_EQ_INT(news_index_sync(NULL, s, NULL, NOW + day, &e), 0);
	T_EQ_INT(news_index_sync(sr, s, T1, NOW + day + 5, &e), 0);
	T_EQ_INT(found("一斉"), 1);
	/* the job runs next at the next 00:00 JST, when such a notice starts */
	T_EQ_INT(news_next_day(NOW - 1), NOW);
	T_EQ_INT(news_next_day(NOW), NOW + day);
	T_EQ_INT(news_next_day(NOW + 3600), NOW + day);
	T_EQ_INT(news_next_day(NOW + day - 1), NOW + day);
	T_CHECK(news_next_day(NOW + 12345) > NOW + 12345);
	T_CHECK(news_next_day(NOW + 12345) - (NOW + 12345) <= day);
}

static void test_end_and_archive(void)
{
	struct err e;
	int64_t day = 86400;
	/* time goes on from the test before (its notice started at T) */
	int64_t T = NOW + day;
	struct news_item a = notice("窓口混雑のお知らせ", "年度末は窓口が混み合います。");
	a.publish_at = T - 3600;
	a.until_at = T + day;
	struct news_item b = notice("臨時休館のお知らせ", "図書館は点検のため休館します。");
	b.publish_at = T - 3600;
	b.until_at = T + 2 * day;
	int64_t ia = 0, ib = 0;
	T_EQ_INT(news_save(&ia, s, T1, &a, T, &e), 0);
	T_EQ_INT(news_save(&ib, s, T1, &b, T, &e), 0);
	T_EQ_INT(found("混み合"), 1);
	T_EQ_INT(found("点検"), 1);
	/* the job at a's end: archived, and out of the search */
	T_EQ_INT(news_archive_due(s, T + day, &e), 1);
	T_EQ_INT(found("混み合"), 1);   /* archiving alone does not touch it */
	T_EQ_INT(news_index_sync(NULL, s, NULL, T + day, &e), 1);
	T_EQ_INT(found("混み合"), 0);
	T_EQ_INT(found("点検"), 1);
	/* b past its end but not archived yet: the sync takes it out too */
	T_EQ_INT(news_index_sync(NULL, s, T1, T + 2 * day, &e), 1);
	T_EQ_INT(found("点検"), 0);
	struct news_item g;
	struct arena *ar = arena_new(1 << 16);
	T_EQ_INT(news_get(&g, ar, s, T1, ib, &e), 0);
	T_EQ_INT(g.state, NEWS_PUBLISHED);
	arena_free(ar);
}

static void test_other_tenant(void)
{
	struct err e;
	struct news_item it = notice("区民まつりの開催", "秋の区民まつりを開きます。");
	int64_t id = 0, hit = 0;
	it.publish_at = NOW + 3 * 86400 - 3600;
	T_EQ_INT(news_save(&id, s, T2, &it, NOW + 3 * 86400, &e), 0);
	T_EQ_INT(found_in(T2, "まつり", &hit, NULL, 0), 1);
	T_EQ_INT(hit, id);
	T_EQ_INT(found("まつり"), 0);
	/* withdrawing it as T1 is refused and changes nothing */
	T_EQ_INT(news_set_state(s, T1, id, NEWS_WITHDRAWN, NOW + 3 * 86400, &e), ERR_NOTFOUND);
	T_EQ_INT(found_in(T2, "まつり", NULL, NULL, 0), 1);
}

int main(void)
{
	tdb_begin(&db, "news_search");
	setup();
	T_RUN(test_publish_edit_withdraw);
	T_RUN(test_future_start);
	T_RUN(test_end_and_archive);
	T_RUN(test_other_tenant);
	search_close(sr);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
