/*
 * test_news.c -- the news service's domain (src/svc/news/news.c) on both
 * backends (MADOGUCHI_TEST_DB; default a fresh SQLite file; on
 * PostgreSQL in the schema mg_news_test, dropped at the end), and the
 * days in Japan it counts in (jp_jst_date, jp_jst_midnight):
 *   - news_check: each rule (Japanese title and body required, 200 / 8000
 *     bytes with the byte on either side of the limit, malformed UTF-8 in
 *     every text, the end after the start), and news_save refusing what
 *     it refuses without storing anything;
 *   - news_save insert and update, news_get, news_set_state, and another
 *     municipality's notice being ERR_NOTFOUND for all three;
 *   - news_list: important first, then the newest start, then the newest
 *     id (the expected order is sorted here in C, not asked of SQL);
 *     paging and the total;
 *   - the invariant: over every state x start x end around "now" (one
 *     second either side and exactly now), news_list(NEWS_PUBLIC) returns
 *     exactly the notices news_is_public says are public, at several
 *     times;
 *   - news_archive_due archives published notices past their end, in
 *     every municipality, and nothing else.
 * The JST checks compare with glibc's gmtime_r/timegm of t + 9 h, an
 * implementation independent of src/jp/date.c.
 */
#include "t.h"
#include "tdb.h"

#include <time.h>
#include <unistd.h>

#include "web/app.h"
#include "jp/date.h"
#include "svc/news/news.h"

static struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */
static struct store *s;

#define T1 "139998"
#define T2 "131059"

/* a fixed "now": 2026-12-06 00:00 JST (2026-12-05T15:00:00Z) */
static int64_t NOW;

static int64_t utc(int y, int mo, int d, int h, int mi, int sec)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	return (int64_t)timegm(&tm);
}

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
}

static void wipe(void)
{
	store_exec(s, "DELETE FROM news_items", NULL, 0, NULL);
}

static int64_t count_rows(const char *tenant)
{
	int64_t n = -1;
	struct store_val v[] = { sv_text(tenant) };
	store_query_int(&n, s, "SELECT count(*) FROM news_items WHERE tenant = $1", v, 1, NULL);
	return n;
}

static struct news_item valid(void)
{
	return (struct news_item){
		.title_ja = "年末年始の窓口", .body_ja = "窓口は休みます。",
		.publish_at = NOW, .state = NEWS_PUBLISHED,
	};
}

/* a string of n bytes: full-width あ (3 bytes each), then ASCII to fill */
static char *sized(size_t n)
{
	char *p = malloc(n + 1);
	size_t i = 0;
	for (; i + 3 <= n; i += 3)
		memcpy(p + i, "\xe3\x81\x82", 3);
	for (; i < n; i++)
		p[i] = 'x';
	p[n] = 0;
	return p;
}

/* ---- days in Japan ---- */

static int same_date(struct jp_date a, int y, int m, int d)
{
	return a.y == y && a.m == m && a.d == d;
}

/* the JST date of t by glibc */
static struct jp_date glibc_jst(int64_t t)
{
	time_t x = (time_t)(t + 9 * 3600);
	struct tm tm;
	gmtime_r(&x, &tm);
	return (struct jp_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

static void test_jst_boundaries(void)
{
	int64_t t = utc(2026, 12, 5, 15, 0, 0);
	T_EQ_INT(t, NOW);
	struct jp_date d = jp_jst_date(t);
	T_CHECK(same_date(d, 2026, 12, 6));
	d = jp_jst_date(t - 1);   /* 14:59:59Z: still the 5th in Japan */
	T_CHECK(same_date(d, 2026, 12, 5));
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 2026, 12, 6 }), t);
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 2026, 12, 5 }), t - 86400);
	/* the last second of a JST day and the first of the next */
	d = jp_jst_date(utc(2026, 12, 6, 14, 59, 59));
	T_CHECK(same_date(d, 2026, 12, 6));
	d = jp_jst_date(utc(2026, 12, 6, 15, 0, 0));
	T_CHECK(same_date(d, 2026, 12, 7));
	/* new year and a leap day */
	d = jp_jst_date(utc(2026, 12, 31, 15, 0, 0));
	T_CHECK(same_date(d, 2027, 1, 1));
	d = jp_jst_date(utc(2028, 2, 28, 15, 0, 0));
	T_CHECK(same_date(d, 2028, 2, 29));
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 2028, 3, 1 }), utc(2028, 2, 29, 15, 0, 0));

	/* the epoch and before it: 1970-01-01 00:00 JST is -32400 */
	d = jp_jst_date(0);
	T_CHECK(same_date(d, 1970, 1, 1));
	d = jp_jst_date(-32400);
	T_CHECK(same_date(d, 1970, 1, 1));
	d = jp_jst_date(-32401);
	T_CHECK(same_date(d, 1969, 12, 31));
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 1970, 1, 1 }), -32400);
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 1969, 12, 31 }), -32400 - 86400);
	int64_t showa = utc(1926, 12, 24, 15, 0, 0);   /* 1926-12-25 00:00 JST */
	T_CHECK(showa < 0);
	d = jp_jst_date(showa);
	T_CHECK(same_date(d, 1926, 12, 25));
	d = jp_jst_date(showa - 1);
	T_CHECK(same_date(d, 1926, 12, 24));
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 1926, 12, 25 }), showa);
	T_EQ_INT(jp_jst_midnight((struct jp_date){ 1900, 1, 1 }), utc(1899, 12, 31, 15, 0, 0));
}

/* every few hours from 1900 to 2100, and the seconds either side of each
 * JST midnight: jp_jst_date agrees with glibc, and jp_jst_midnight of it
 * is the start of the day that holds t */
static void test_jst_against_glibc(void)
{
	int64_t from = utc(1900, 1, 1, 0, 0, 0), to = utc(2100, 1, 1, 0, 0, 0);
	long bad_date = 0, bad_mid = 0, n = 0;
	for (int64_t t = from; t < to; t += 7 * 3600 + 13 * 60 + 7) {
		for (int k = 0; k < 2; k++) {
			/* k = 1: the JST midnight before t, and one second before */
			int64_t x = t;
			if (k == 1) {
				struct jp_date g = glibc_jst(t);
				struct tm tm = { .tm_year = g.y - 1900, .tm_mon = g.m - 1, .tm_mday = g.d };
				x = (int64_t)timegm(&tm) - 9 * 3600 - ((t % 2) != 0);
			}
			struct jp_date a = jp_jst_date(x), g = glibc_jst(x);
			if (jp_date_cmp(a, g) != 0 && bad_date++ < 5)
				printf("# jp_jst_date(%lld) = %04d-%02d-%02d, glibc %04d-%02d-%02d\n",
				       (long long)x, a.y, a.m, a.d, g.y, g.m, g.d);
			int64_t m = jp_jst_midnight(g);
			struct jp_date gm = glibc_jst(m), gb = glibc_jst(m - 1);
			if ((m > x || x >= m + 86400 || jp_date_cmp(gm, g) != 0 ||
			     jp_date_cmp(gb, g) == 0) && bad_mid++ < 5)
				printf("# jp_jst_midnight(%04d-%02d-%02d) = %lld for t %lld\n",
				       g.y, g.m, g.d, (long long)m, (long long)x);
			n++;
		}
	}
	T_CHECK(n > 400000);
	T_EQ_INT(bad_date, 0);
	T_EQ_INT(bad_mid, 0);
}

/* ---- news_check ---- */

static const char *field_of(const struct news_item *it)
{
	struct news_problem p = { 0 };
	int rc = news_check(it, &p);
	if (rc == 0)
		return "(ok)";
	if (rc != ERR_INVALID || !p.field || !p.ja || !*p.ja || !p.en || !*p.en)
		return "(bad problem)";
	return p.field;
}

static void test_state_names(void)
{
	static const char *const names[] = { "draft", "published", "withdrawn", "archived" };
	for (int i = 0; i < 4; i++) {
		T_EQ_STR(news_state_name((enum news_state)i), names[i]);
		T_EQ_INT(news_state_parse(names[i]), i);
	}
	T_EQ_INT(news_state_parse("Published"), -1);
	T_EQ_INT(news_state_parse(""), -1);
	T_EQ_INT(news_state_parse(NULL), -1);
}

static void test_check(void)
{
	struct news_item it = valid();
	T_EQ_STR(field_of(&it), "(ok)");
	T_EQ_INT(news_check(&it, NULL), 0);

	/* a Japanese title and body are required; English ones are not */
	it = valid(); it.title_ja = NULL;
	T_EQ_STR(field_of(&it), "title_ja");
	T_EQ_INT(news_check(&it, NULL), ERR_INVALID);
	it = valid(); it.title_ja = "";
	T_EQ_STR(field_of(&it), "title_ja");
	it = valid(); it.body_ja = NULL;
	T_EQ_STR(field_of(&it), "body_ja");
	it = valid(); it.body_ja = "";
	T_EQ_STR(field_of(&it), "body_ja");
	/* spaces alone say nothing: ASCII, tab, line breaks, 全角 (U+3000) */
	it = valid(); it.title_ja = " \t\u3000 ";
	T_EQ_STR(field_of(&it), "title_ja");
	it = valid(); it.body_ja = "\r\n\u3000\n";
	T_EQ_STR(field_of(&it), "body_ja");
	it = valid(); it.title_ja = "\u3000お知らせ";
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.title_en = ""; it.body_en = "";
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.title_en = "Counters"; it.body_en = "Closed.";
	T_EQ_STR(field_of(&it), "(ok)");

	/* the limits, in bytes: the limit passes, one byte more does not */
	char *t200 = sized(NEWS_TITLE_MAX), *t201 = sized(NEWS_TITLE_MAX + 1);
	char *b8000 = sized(NEWS_BODY_MAX), *b8001 = sized(NEWS_BODY_MAX + 1);
	T_EQ_INT(strlen(t200), 200);
	T_EQ_INT(strlen(b8001), 8001);
	it = valid(); it.title_ja = t200;
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.title_ja = t201;
	T_EQ_STR(field_of(&it), "title_ja");
	it = valid(); it.title_en = t200;
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.title_en = t201;
	T_EQ_STR(field_of(&it), "title_en");
	it = valid(); it.body_ja = b8000;
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.body_ja = b8001;
	T_EQ_STR(field_of(&it), "body_ja");
	it = valid(); it.body_en = b8000;
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.body_en = b8001;
	T_EQ_STR(field_of(&it), "body_en");
	/* 200 bytes ending in the middle of a character is malformed, not short */
	char t200cut[201];
	memcpy(t200cut, t201 + 3, 198);   /* 66 whole あ */
	memcpy(t200cut + 198, "\xe3\x81", 2);
	t200cut[200] = 0;
	it = valid(); it.title_ja = t200cut;
	T_EQ_STR(field_of(&it), "title_ja");

	/* malformed UTF-8 in each text: a stray byte, a truncated sequence,
	 * an overlong form, a surrogate, beyond U+10FFFF */
	static const char *const bad[] = { "abc\xff", "\xe3\x81", "\xc0\xaf", "\xed\xa0\x80",
					   "\xf4\x90\x80\x80", "お知らせ\x80" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		it = valid(); it.title_ja = bad[i];
		T_EQ_STR(field_of(&it), "title_ja");
		it = valid(); it.title_en = bad[i];
		T_EQ_STR(field_of(&it), "title_en");
		it = valid(); it.body_ja = bad[i];
		T_EQ_STR(field_of(&it), "body_ja");
		it = valid(); it.body_en = bad[i];
		T_EQ_STR(field_of(&it), "body_en");
	}
	/* 4-byte characters are fine */
	it = valid(); it.title_ja = "𠮷野家のお知らせ";
	T_EQ_STR(field_of(&it), "(ok)");

	/* the end after the start: equal or earlier is refused, 0 is none */
	it = valid(); it.until_at = NOW;
	T_EQ_STR(field_of(&it), "until");
	it = valid(); it.until_at = NOW - 1;
	T_EQ_STR(field_of(&it), "until");
	it = valid(); it.until_at = NOW - 86400;
	T_EQ_STR(field_of(&it), "until");
	it = valid(); it.until_at = NOW + 1;
	T_EQ_STR(field_of(&it), "(ok)");
	it = valid(); it.until_at = 0;
	T_EQ_STR(field_of(&it), "(ok)");
	/* before 1970 too */
	it = valid(); it.publish_at = -100000; it.until_at = -100000;
	T_EQ_STR(field_of(&it), "until");
	it = valid(); it.publish_at = -100000; it.until_at = -99999;
	T_EQ_STR(field_of(&it), "(ok)");

	/* a state that is none of the four */
	it = valid(); it.state = (enum news_state)7;
	T_EQ_STR(field_of(&it), "state");

	/* news_save refuses the same, and stores nothing */
	wipe();
	struct err e;
	int64_t id = 0;
	struct news_item refused[6];
	for (int i = 0; i < 6; i++)
		refused[i] = valid();
	refused[0].title_ja = "";
	refused[1].body_ja = NULL;
	refused[2].title_ja = t201;
	refused[3].body_ja = b8001;
	refused[4].body_en = "\xff";
	refused[5].until_at = NOW;
	for (int i = 0; i < 6; i++)
		T_EQ_INT(news_save(&id, s, T1, &refused[i], NOW, &e), ERR_INVALID);
	T_EQ_INT(id, 0);
	T_EQ_INT(count_rows(T1), 0);
	/* ... and the table refuses an end not after the start by itself */
	struct store_val v[] = { sv_text(T1), sv_int(NOW), sv_int(NOW) };
	T_CHECK(store_exec(s, "INSERT INTO news_items (tenant, title_ja, body_ja, publish_at,"
			   " until_at, state, created_at, updated_at) VALUES ($1, 't', 'b', $2, $3,"
			   " 'draft', 0, 0)", v, 3, &e) < 0);
	T_EQ_INT(count_rows(T1), 0);
	/* at the limits it is stored */
	it = valid(); it.title_ja = t200; it.body_ja = b8000; it.title_en = t200; it.body_en = b8000;
	T_EQ_INT(news_save(&id, s, T1, &it, NOW, &e), 0);
	T_CHECK(id > 0);
	T_EQ_INT(count_rows(T1), 1);
	free(t200); free(t201); free(b8000); free(b8001);
}

/* ---- save, get, state ---- */

static void test_save_get(void)
{
	wipe();
	struct err e;
	struct arena *a = arena_new(1u << 20);
	T_REQUIRE(a);
	struct news_item it = {
		.title_ja = "断水のお知らせ", .title_en = "Water outage",
		.body_ja = "12月10日に断水します。\n\nご協力ください。", .body_en = NULL,
		.important = 1, .publish_at = NOW - 86400, .until_at = NOW + 7 * 86400,
		.state = NEWS_DRAFT,
	};
	int64_t id = 0;
	T_EQ_INT(news_save(&id, s, T1, &it, NOW - 5, &e), 0);
	T_REQUIRE(id > 0);
	struct news_item g;
	T_EQ_INT(news_get(&g, a, s, T1, id, &e), 0);
	T_EQ_INT(g.id, id);
	T_EQ_STR(g.title_ja, it.title_ja);
	T_EQ_STR(g.title_en, it.title_en);
	T_EQ_STR(g.body_ja, it.body_ja);
	T_CHECK(g.body_en == NULL);
	T_EQ_INT(g.important, 1);
	T_EQ_INT(g.publish_at, NOW - 86400);
	T_EQ_INT(g.until_at, NOW + 7 * 86400);
	T_EQ_INT(g.state, NEWS_DRAFT);
	T_EQ_INT(g.updated_at, NOW - 5);

	/* a second insert gets another id */
	int64_t id2 = 0;
	struct news_item other = valid();
	T_EQ_INT(news_save(&id2, s, T1, &other, NOW, &e), 0);
	T_CHECK(id2 > 0 && id2 != id);

	/* update: every field replaced; "" English texts become none */
	struct news_item up = {
		.id = id, .title_ja = "断水のお知らせ（変更）", .title_en = "",
		.body_ja = "12月11日に変更します。", .body_en = "",
		.important = 0, .publish_at = NOW, .until_at = 0, .state = NEWS_PUBLISHED,
	};
	int64_t got = 0;
	T_EQ_INT(news_save(&got, s, T1, &up, NOW + 10, &e), 0);
	T_EQ_INT(got, id);
	T_EQ_INT(news_get(&g, a, s, T1, id, &e), 0);
	T_EQ_STR(g.title_ja, "断水のお知らせ（変更）");
	T_CHECK(g.title_en == NULL);
	T_CHECK(g.body_en == NULL);
	T_EQ_STR(g.body_ja, "12月11日に変更します。");
	T_EQ_INT(g.important, 0);
	T_EQ_INT(g.publish_at, NOW);
	T_EQ_INT(g.until_at, 0);
	T_EQ_INT(g.state, NEWS_PUBLISHED);
	T_EQ_INT(g.updated_at, NOW + 10);
	T_EQ_INT(count_rows(T1), 2);
	/* the other notice was not touched */
	T_EQ_INT(news_get(&g, a, s, T1, id2, &e), 0);
	T_EQ_STR(g.title_ja, other.title_ja);

	/* another municipality's id: not found for save, get and state, and
	 * the notice stays as it was */
	struct news_item hijack = up;
	hijack.title_ja = "乗っ取り";
	got = -1;
	T_EQ_INT(news_save(&got, s, T2, &hijack, NOW + 20, &e), ERR_NOTFOUND);
	T_EQ_INT(got, -1);
	T_EQ_INT(news_get(&g, a, s, T2, id, &e), ERR_NOTFOUND);
	T_EQ_INT(news_set_state(s, T2, id, NEWS_WITHDRAWN, NOW + 20, &e), ERR_NOTFOUND);
	T_EQ_INT(news_get(&g, a, s, T1, id, &e), 0);
	T_EQ_STR(g.title_ja, "断水のお知らせ（変更）");
	T_EQ_INT(g.state, NEWS_PUBLISHED);
	T_EQ_INT(g.updated_at, NOW + 10);
	T_EQ_INT(count_rows(T2), 0);
	/* an id nobody has */
	hijack.id = id2 + 1000;
	T_EQ_INT(news_save(&got, s, T1, &hijack, NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(news_get(&g, a, s, T1, id2 + 1000, &e), ERR_NOTFOUND);
	T_EQ_INT(news_set_state(s, T1, id2 + 1000, NEWS_DRAFT, NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(count_rows(T1), 2);

	/* every state there and back */
	for (int st = NEWS_ARCHIVED; st >= NEWS_DRAFT; st--) {
		T_EQ_INT(news_set_state(s, T1, id, (enum news_state)st, NOW + 30 + st, &e), 0);
		T_EQ_INT(news_get(&g, a, s, T1, id, &e), 0);
		T_EQ_INT(g.state, st);
		T_EQ_INT(g.updated_at, NOW + 30 + st);
		T_EQ_STR(g.title_ja, "断水のお知らせ（変更）");   /* only the state */
	}
	/* the other notice kept its state */
	T_EQ_INT(news_get(&g, a, s, T1, id2, &e), 0);
	T_EQ_INT(g.state, NEWS_PUBLISHED);
	arena_free(a);
}

/* ---- listing ---- */

#define MAXSEEN 512

struct seen {
	int n;
	int64_t id[MAXSEEN];
	struct news_item it[MAXSEEN];   /* numbers only: texts do not outlive fn */
	int bad_text;
};

static void collect(const struct news_item *it, void *arg)
{
	struct seen *c = arg;
	if (!it->title_ja || !*it->title_ja || !it->body_ja || !*it->body_ja)
		c->bad_text++;
	if (c->n < MAXSEEN) {
		c->id[c->n] = it->id;
		c->it[c->n] = *it;
		c->it[c->n].title_ja = c->it[c->n].body_ja = NULL;
		c->it[c->n].title_en = c->it[c->n].body_en = NULL;
	}
	c->n++;
}

/* the order news_list promises, written independently of the SQL */
static int order_cmp(const void *pa, const void *pb)
{
	const struct news_item *a = pa, *b = pb;
	if (a->important != b->important)
		return a->important ? -1 : 1;
	if (a->publish_at != b->publish_at)
		return a->publish_at > b->publish_at ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

/* every notice filter selects at now, page by page of size page */
static int list_all(struct seen *out, const char *tenant, enum news_filter f, int64_t now,
		    int page, int *bad_total)
{
	struct err e;
	memset(out, 0, sizeof *out);
	int total = -1;
	for (int off = 0;; off += page) {
		int before = out->n;
		int t = news_list(s, tenant,
				  &(struct news_query){ .filter = f, .limit = page, .offset = off },
				  now, collect, out, &e);
		if (t < 0)
			return t;
		if (total >= 0 && t != total)
			(*bad_total)++;
		total = t;
		if (out->n - before > page)
			(*bad_total)++;
		if (out->n - before < page)
			break;
	}
	return total;
}

static void test_list_order_and_paging(void)
{
	wipe();
	struct err e;
	/* publish times with ties, importance mixed; ids follow insertion */
	static const struct { int important; int64_t pub_days; } spec[] = {
		{ 0, -3 }, { 1, -5 }, { 0, -1 }, { 0, -1 }, { 1, -1 }, { 0, -10 }, { 1, -5 },
		{ 0, -2 }, { 0, -1 }, { 1, -20 }, { 0, -3 }, { 0, 0 }, { 1, 0 }, { 0, -7 },
	};
	enum { N = sizeof spec / sizeof spec[0] };
	struct news_item mine[N];
	for (int i = 0; i < N; i++) {
		mine[i] = valid();
		mine[i].important = spec[i].important;
		mine[i].publish_at = NOW + spec[i].pub_days * 86400;
		T_EQ_INT(news_save(&mine[i].id, s, T1, &mine[i], NOW, &e), 0);
	}
	/* the other municipality's notices, interleaved in time, never listed */
	for (int i = 0; i < 5; i++) {
		struct news_item o = valid();
		o.important = i % 2;
		o.publish_at = NOW - i * 86400;
		int64_t oid;
		T_EQ_INT(news_save(&oid, s, T2, &o, NOW, &e), 0);
	}
	struct news_item want[N];
	memcpy(want, mine, sizeof want);
	qsort(want, N, sizeof want[0], order_cmp);

	for (int f = NEWS_PUBLIC; f <= NEWS_ALL; f++) {
		/* one call; then pages of 1, 3, 5 and 100 give the same sequence */
		static const int pages[] = { 100, 1, 3, 5, N };
		for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++) {
			struct seen got;
			int bad_total = 0;
			int total = list_all(&got, T1, (enum news_filter)f, NOW, pages[k], &bad_total);
			T_EQ_INT(total, N);
			T_EQ_INT(got.n, N);
			T_EQ_INT(bad_total, 0);
			T_EQ_INT(got.bad_text, 0);
			int order_ok = got.n == N;
			for (int i = 0; order_ok && i < N; i++)
				order_ok = got.id[i] == want[i].id;
			if (!order_ok)
				printf("# filter %d page %d: order differs\n", f, pages[k]);
			T_CHECK(order_ok);
		}
	}
	/* the numbers of a listed notice are the stored ones */
	struct seen got = { 0 };
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_ALL, .limit = 1 },
			   NOW, collect, &got, &e), N);
	T_EQ_INT(got.n, 1);
	T_EQ_INT(got.it[0].important, want[0].important);
	T_EQ_INT(got.it[0].publish_at, want[0].publish_at);
	T_EQ_INT(got.it[0].state, NEWS_PUBLISHED);
	T_EQ_INT(got.it[0].until_at, 0);

	/* an offset past the end: no notice, the total still said */
	got = (struct seen){ 0 };
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_PUBLIC, .limit = 10, .offset = N },
			   NOW, collect, &got, &e), N);
	T_EQ_INT(got.n, 0);
	got = (struct seen){ 0 };
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_PUBLIC, .limit = 10, .offset = N - 2 },
			   NOW, collect, &got, &e), N);
	T_EQ_INT(got.n, 2);
	T_CHECK(got.n == 2 && got.id[0] == want[N - 2].id && got.id[1] == want[N - 1].id);
	/* limit 0: the count alone */
	got = (struct seen){ 0 };
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_ALL, .limit = 0 },
			   NOW, collect, &got, &e), N);
	T_EQ_INT(got.n, 0);
	/* bounds */
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_ALL, .limit = NEWS_PAGE_MAX + 1 },
			   NOW, collect, &got, &e), ERR_INVALID);
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_ALL, .limit = -1 },
			   NOW, collect, &got, &e), ERR_INVALID);
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = NEWS_ALL, .limit = 10, .offset = -1 },
			   NOW, collect, &got, &e), ERR_INVALID);
	T_EQ_INT(got.n, 0);
	/* the other municipality sees its own five only */
	int bad_total = 0;
	T_EQ_INT(list_all(&got, T2, NEWS_ALL, NOW, 2, &bad_total), 5);
	T_EQ_INT(got.n, 5);
	T_EQ_INT(bad_total, 0);
	for (int i = 0; i < got.n; i++)
		for (int j = 0; j < N; j++)
			T_CHECK(got.id[i] != mine[j].id);
	/* a municipality without notices */
	T_EQ_INT(list_all(&got, "131016", NEWS_ALL, NOW, 10, &bad_total), 0);
	T_EQ_INT(got.n, 0);

	/* NEWS_ALL lists every state; a draft moved into the future keeps its
	 * place by publish_at among them */
	T_EQ_INT(news_set_state(s, T1, want[0].id, NEWS_DRAFT, NOW, &e), 0);
	T_EQ_INT(news_set_state(s, T1, want[1].id, NEWS_WITHDRAWN, NOW, &e), 0);
	T_EQ_INT(news_set_state(s, T1, want[2].id, NEWS_ARCHIVED, NOW, &e), 0);
	T_EQ_INT(list_all(&got, T1, NEWS_ALL, NOW, 4, &bad_total), N);
	T_CHECK(got.n == N && got.id[0] == want[0].id && got.it[0].state == NEWS_DRAFT &&
		got.id[1] == want[1].id && got.it[1].state == NEWS_WITHDRAWN &&
		got.id[2] == want[2].id && got.it[2].state == NEWS_ARCHIVED);
	T_EQ_INT(list_all(&got, T1, NEWS_PUBLIC, NOW, 4, &bad_total), N - 3);
	T_CHECK(got.n == N - 3 && got.id[0] == want[3].id);
	T_EQ_INT(bad_total, 0);
}

/* ---- the invariant ---- */

/* the rule of news.h, restated here so that news_is_public is checked too */
static int rule(const struct news_item *it, int64_t now)
{
	if (it->state != NEWS_PUBLISHED)
		return 0;
	if (it->publish_at > now)
		return 0;
	return it->until_at == 0 || now < it->until_at;
}

static int contains(const struct seen *c, int64_t id)
{
	for (int i = 0; i < c->n && i < MAXSEEN; i++)
		if (c->id[i] == id)
			return 1;
	return 0;
}

static void test_public_invariant(void)
{
	wipe();
	struct err e;
	/* starts and ends around NOW: exactly NOW, a second either side, a day */
	const int64_t starts[] = { NOW - 86400, NOW - 1, NOW, NOW + 1, NOW + 86400 };
	const int64_t ends[] = { 0, NOW - 1, NOW, NOW + 1, NOW + 86400, NOW + 2 * 86400 };
	static struct news_item made[400];
	int n = 0;
	for (int st = NEWS_DRAFT; st <= NEWS_ARCHIVED; st++)
		for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
			for (size_t j = 0; j < sizeof ends / sizeof ends[0]; j++) {
				if (ends[j] && ends[j] <= starts[i])
					continue;   /* news_check refuses it */
				for (int imp = 0; imp <= 1; imp++) {
					struct news_item it = valid();
					it.state = (enum news_state)st;
					it.publish_at = starts[i];
					it.until_at = ends[j];
					it.important = imp;
					T_EQ_INT(news_save(&it.id, s, T1, &it, NOW, &e), 0);
					made[n++] = it;
				}
			}
	T_CHECK(n > 100);
	/* the other municipality has public ones too: never in T1's list */
	for (int i = 0; i < 3; i++) {
		struct news_item o = valid();
		o.publish_at = NOW - 86400;
		T_EQ_INT(news_save(&o.id, s, T2, &o, NOW, &e), 0);
	}

	/* seen at several times, the boundaries among them */
	const int64_t whens[] = { NOW - 86400 - 1, NOW - 86400, NOW - 2, NOW - 1, NOW, NOW + 1,
				  NOW + 2, NOW + 86400 - 1, NOW + 86400, NOW + 86400 + 1,
				  NOW + 2 * 86400, NOW + 400 * 86400 };
	int some_public = 0, some_hidden = 0;
	for (size_t w = 0; w < sizeof whens / sizeof whens[0]; w++) {
		int64_t now = whens[w];
		int want = 0, mismatch_rule = 0;
		for (int i = 0; i < n; i++) {
			int pub = news_is_public(&made[i], now);
			if (!pub != !rule(&made[i], now))
				mismatch_rule++;
			want += pub != 0;
		}
		T_EQ_INT(mismatch_rule, 0);
		struct seen got;
		int bad_total = 0;
		int total = list_all(&got, T1, NEWS_PUBLIC, now, 7, &bad_total);
		T_EQ_INT(bad_total, 0);
		T_EQ_INT(total, want);
		T_EQ_INT(got.n, want);
		/* exactly those: every listed one public, every public one listed */
		int listed_not_public = 0, public_not_listed = 0;
		for (int i = 0; i < n; i++) {
			int pub = news_is_public(&made[i], now), in = contains(&got, made[i].id);
			if (in && !pub)
				listed_not_public++;
			if (pub && !in)
				public_not_listed++;
		}
		if (listed_not_public || public_not_listed)
			printf("# at now = NOW%+lld: %d listed but not public, %d public but not listed\n",
			       (long long)(now - NOW), listed_not_public, public_not_listed);
		T_EQ_INT(listed_not_public, 0);
		T_EQ_INT(public_not_listed, 0);
		/* and in the promised order */
		struct news_item sorted[400];
		int k = 0;
		for (int i = 0; i < n; i++)
			if (news_is_public(&made[i], now))
				sorted[k++] = made[i];
		qsort(sorted, (size_t)k, sizeof sorted[0], order_cmp);
		int order_ok = k == got.n;
		for (int i = 0; order_ok && i < k; i++)
			order_ok = sorted[i].id == got.id[i];
		T_CHECK(order_ok);
		/* what the list gives is what the C rule says of it */
		for (int i = 0; i < got.n && i < MAXSEEN; i++)
			T_CHECK(news_is_public(&got.it[i], now));
		some_public += want > 0;
		some_hidden += want < n;
	}
	/* the grid is not trivial: something is public and something hidden */
	T_CHECK(some_public > 5);
	T_EQ_INT(some_hidden, (int)(sizeof whens / sizeof whens[0]));

	/* the exact boundaries on one notice */
	struct news_item b = valid();
	b.publish_at = NOW;
	b.until_at = NOW + 10;
	T_CHECK(!news_is_public(&b, NOW - 1));
	T_CHECK(news_is_public(&b, NOW));
	T_CHECK(news_is_public(&b, NOW + 9));
	T_CHECK(!news_is_public(&b, NOW + 10));
	b.until_at = 0;
	T_CHECK(news_is_public(&b, NOW + 1000000000));
	for (int st = NEWS_DRAFT; st <= NEWS_ARCHIVED; st++) {
		b.state = (enum news_state)st;
		T_EQ_INT(news_is_public(&b, NOW), st == NEWS_PUBLISHED);
	}
}

/* ---- archiving ---- */

static void test_archive_due(void)
{
	wipe();
	struct err e;
	struct arena *a = arena_new(1u << 20);
	T_REQUIRE(a);
	struct { const char *tenant; enum news_state st; int64_t pub, until; int archived; } c[] = {
		{ T1, NEWS_PUBLISHED, NOW - 10 * 86400, NOW - 86400, 1 },   /* ended yesterday */
		{ T1, NEWS_PUBLISHED, NOW - 10 * 86400, NOW - 1, 1 },       /* a second ago    */
		{ T1, NEWS_PUBLISHED, NOW - 10 * 86400, NOW, 1 },           /* ends exactly now */
		{ T1, NEWS_PUBLISHED, NOW - 10 * 86400, NOW + 1, 0 },       /* a second to go  */
		{ T1, NEWS_PUBLISHED, NOW - 10 * 86400, 0, 0 },             /* no end          */
		{ T1, NEWS_PUBLISHED, NOW + 86400, NOW + 2 * 86400, 0 },    /* not started     */
		{ T1, NEWS_DRAFT, NOW - 10 * 86400, NOW - 86400, 0 },
		{ T1, NEWS_WITHDRAWN, NOW - 10 * 86400, NOW - 86400, 0 },
		{ T1, NEWS_ARCHIVED, NOW - 10 * 86400, NOW - 86400, 1 },    /* stays archived  */
		{ T2, NEWS_PUBLISHED, NOW - 10 * 86400, NOW - 86400, 1 },   /* every tenant    */
		{ T2, NEWS_DRAFT, NOW - 10 * 86400, NOW - 86400, 0 },
		{ T2, NEWS_PUBLISHED, NOW - 10 * 86400, NOW + 86400, 0 },
	};
	enum { N = sizeof c / sizeof c[0] };
	int64_t ids[N];
	int want = 0;
	for (int i = 0; i < N; i++) {
		struct news_item it = valid();
		it.state = c[i].st;
		it.publish_at = c[i].pub;
		it.until_at = c[i].until;
		T_EQ_INT(news_save(&ids[i], s, c[i].tenant, &it, NOW - 100, &e), 0);
		want += c[i].archived && c[i].st == NEWS_PUBLISHED;
	}
	struct seen before1, before2, after1, after2;
	int bt = 0;
	list_all(&before1, T1, NEWS_PUBLIC, NOW, 100, &bt);
	list_all(&before2, T2, NEWS_PUBLIC, NOW, 100, &bt);

	T_EQ_INT(news_archive_due(s, NOW, &e), want);
	for (int i = 0; i < N; i++) {
		struct news_item g;
		T_EQ_INT(news_get(&g, a, s, c[i].tenant, ids[i], &e), 0);
		enum news_state expect = c[i].archived ? NEWS_ARCHIVED : c[i].st;
		if (g.state != expect)
			printf("# case %d: state %s, want %s\n", i, news_state_name(g.state),
			       news_state_name(expect));
		T_EQ_INT(g.state, expect);
		/* what it changed carries the time; the rest kept theirs */
		int changed = c[i].archived && c[i].st == NEWS_PUBLISHED;
		T_EQ_INT(g.updated_at, changed ? NOW : NOW - 100);
		T_EQ_INT(g.until_at, c[i].until);
	}
	/* what residents see did not change: an ended notice was not public */
	list_all(&after1, T1, NEWS_PUBLIC, NOW, 100, &bt);
	list_all(&after2, T2, NEWS_PUBLIC, NOW, 100, &bt);
	T_EQ_INT(after1.n, before1.n);
	T_EQ_INT(after2.n, before2.n);
	for (int i = 0; i < after1.n && i < before1.n; i++)
		T_EQ_INT(after1.id[i], before1.id[i]);
	T_EQ_INT(bt, 0);
	/* again: nothing left to do */
	T_EQ_INT(news_archive_due(s, NOW, &e), 0);
	/* a day later the one with a second to go ends too (and T2's) */
	T_EQ_INT(news_archive_due(s, NOW + 86400, &e), 2);
	struct news_item g;
	T_EQ_INT(news_get(&g, a, s, T1, ids[3], &e), 0);
	T_EQ_INT(g.state, NEWS_ARCHIVED);
	T_EQ_INT(news_get(&g, a, s, T2, ids[11], &e), 0);
	T_EQ_INT(g.state, NEWS_ARCHIVED);
	T_EQ_INT(news_get(&g, a, s, T1, ids[5], &e), 0);
	T_EQ_INT(g.state, NEWS_PUBLISHED);   /* ends the day after */
	arena_free(a);
}

/* categories: checked against the fixed list, stored, listed by */
struct cat_seen {
	int n, other;
	const char *want;
};

static void cat_cb(const struct news_item *it, void *arg)
{
	struct cat_seen *c = arg;
	c->n++;
	if (c->want && (!it->category || strcmp(it->category, c->want) != 0))
		c->other++;
}

static void test_categories(void)
{
	wipe();
	struct err e;
	struct news_problem p;
	T_CHECK(notify_ncategories >= 5);
	for (int i = 0; i < notify_ncategories; i++) {
		T_CHECK(strlen(notify_categories[i].code) <= NOTIFY_CATEGORY_MAX);
		T_CHECK(notify_category_find(notify_categories[i].code) == &notify_categories[i]);
		for (const char *c = notify_categories[i].code; *c; c++)   /* a topic's word */
			T_CHECK(*c >= 'a' && *c <= 'z');
	}
	T_CHECK(notify_category_find("Kurashi") == NULL);
	T_CHECK(notify_category_find("") == NULL);
	T_CHECK(notify_category_find(NULL) == NULL);
	struct news_item it = valid();
	it.category = "nosuch";
	T_EQ_INT(news_check(&it, &p), ERR_INVALID);
	T_EQ_STR(p.field, "category");
	int64_t id;
	T_EQ_INT(news_save(&id, s, T1, &it, NOW, &e), ERR_INVALID);
	it.category = "";
	T_EQ_INT(news_check(&it, NULL), 0);
	/* three of kurashi, two of bosai, two with none (NULL and "") */
	const char *cats[] = { "kurashi", "bosai", NULL, "kurashi", "", "bosai", "kurashi" };
	int64_t ids[7];
	for (int i = 0; i < 7; i++) {
		it = valid();
		it.category = cats[i];
		T_EQ_INT(news_save(&ids[i], s, T1, &it, NOW, &e), 0);
	}
	struct arena *a = arena_new(1u << 16);
	struct news_item g;
	T_EQ_INT(news_get(&g, a, s, T1, ids[0], &e), 0);
	T_EQ_STR(g.category, "kurashi");
	T_EQ_INT(news_get(&g, a, s, T1, ids[4], &e), 0);
	T_CHECK(g.category == NULL);   /* "" is none */
	/* re-filed: the update replaces the category */
	it = valid();
	it.id = ids[0];
	it.category = "bosai";
	T_EQ_INT(news_save(NULL, s, T1, &it, NOW, &e), 0);
	T_EQ_INT(news_get(&g, a, s, T1, ids[0], &e), 0);
	T_EQ_STR(g.category, "bosai");
	arena_free(a);
	for (int f = NEWS_PUBLIC; f <= NEWS_ALL; f++) {
		struct cat_seen c = { .want = "kurashi" };
		T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = (enum news_filter)f, .limit = 100,
								.category = "kurashi" }, NOW, cat_cb, &c, &e), 2);
		T_EQ_INT(c.n, 2);
		T_EQ_INT(c.other, 0);
		c = (struct cat_seen){ .want = "bosai" };
		T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = (enum news_filter)f, .limit = 1,
								.category = "bosai" }, NOW, cat_cb, &c, &e), 3);
		T_EQ_INT(c.n, 1);
		T_EQ_INT(c.other, 0);
		c = (struct cat_seen){ 0 };
		T_EQ_INT(news_list(s, T1, &(struct news_query){ .filter = (enum news_filter)f, .limit = 100 },
				   NOW, cat_cb, &c, &e), 7);
	}
	struct cat_seen c = { 0 };
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .limit = 10, .category = "nosuch" }, NOW, cat_cb, &c, &e),
		 ERR_INVALID);
	/* another municipality's notice of the category is not listed */
	it = valid();
	it.category = "kurashi";
	T_EQ_INT(news_save(&id, s, T2, &it, NOW, &e), 0);
	T_EQ_INT(news_list(s, T1, &(struct news_query){ .limit = 10, .category = "kurashi" }, NOW, cat_cb, &c, &e),
		 2);
}

int main(void)
{
	NOW = utc(2026, 12, 5, 15, 0, 0);
	tdb_begin(&db, "news");
	T_RUN(test_jst_boundaries);
	T_RUN(test_jst_against_glibc);
	T_RUN(test_state_names);
	setup();
	T_RUN(test_check);
	T_RUN(test_save_get);
	T_RUN(test_list_order_and_paging);
	T_RUN(test_public_invariant);
	T_RUN(test_archive_due);
	T_RUN(test_categories);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
