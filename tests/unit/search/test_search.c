/*
 * test_search.c -- the search module on a small hand-made corpus, run
 * unchanged on both backends: MADOGUCHI_TEST_DB names the database
 * (default: a fresh SQLite file); the index is a fresh file per test.
 * The suite drops its own tables at the start and the end, so it leaves a
 * shared PostgreSQL as found.
 */
#include "t.h"

#include <pthread.h>
#include <unistd.h>

#include "base/buf.h"
#include "core/search/search.h"
#include "store/store.h"

static const char *url;
static char sqlite_path[128], index_path[128];

static void drop_all(struct store *s)
{
	store_script(s, "DROP TABLE IF EXISTS search_docs;"
		     "DROP TABLE IF EXISTS search_log;"
		     "DROP TABLE IF EXISTS search_state", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'search'", NULL, 0,
		   NULL);
}

static struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		printf("# open %s: %s\n", url, e.detail);
		return NULL;
	}
	drop_all(s);
	if (store_migrate(s, &search_schema, 1, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	unlink(index_path);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", index_path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", index_path);
	unlink(wal);
	return s;
}

struct fixture {
	struct store *st;
	struct search *sr;
};

static int fx_open(struct fixture *f)
{
	struct err e;
	f->sr = NULL;
	f->st = open_clean();
	if (!f->st)
		return -1;
	if (search_open(&f->sr, f->st, index_path, NULL, &e)) {
		printf("# search_open: %s\n", e.detail);
		return -1;
	}
	return 0;
}

static void fx_close(struct fixture *f)
{
	search_close(f->sr);
	store_close(f->st);
}

static int put(struct search *sr, const char *coll, const char *id, const char *title,
	       const char *body)
{
	struct err e;
	struct search_doc d = { "131059", coll, id, title, body, NULL, 0 };
	int rc = search_put(sr, &d, &e);
	if (rc)
		printf("# put %s: %s\n", id, e.detail);
	return rc;
}

/* the ids of the hits for text (any collection), comma-separated */
static char *ids(struct search *sr, const char *text)
{
	static char out[1024];
	struct search_query q = { .text = text, .limit = 100 };
	struct search_result r;
	struct err e;
	out[0] = 0;
	if (search_query(&r, sr, &q, &e)) {
		snprintf(out, sizeof out, "error %d %s", e.code, e.detail);
		return out;
	}
	for (int i = 0; i < r.nhits; i++) {
		if (i)
			strcat(out, ",");
		strncat(out, r.hits[i].id, sizeof out - strlen(out) - 2);
	}
	search_result_done(&r);
	return out;
}

/* sorted copy, to compare sets */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *idset(struct search *sr, const char *text)
{
	static char out[1024];
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", ids(sr, text));
	char *parts[64];
	int n = 0;
	for (char *p = strtok(tmp, ","); p && n < 64; p = strtok(NULL, ","))
		parts[n++] = p;
	qsort(parts, (size_t)n, sizeof parts[0], cmp_str);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, parts[i]);
	}
	return out;
}

static void load_corpus(struct search *sr)
{
	put(sr, "faq", "dog", "犬の登録", "飼い犬は生後九十日を過ぎたら登録してください。狂犬病の予防注射も毎年必要です。");
	put(sr, "faq", "inu", "いぬの散歩", "いぬのふんは持ち帰りましょう。");
	put(sr, "faq", "nursery", "保育園の入園申込み", "認可保育園の申込みは保育課の窓口か電子申請で受け付けます。");
	put(sr, "faq", "hoiku", "ホイクの相談", "子育て相談はこちら");
	put(sr, "faq", "abc", "ＡＢＣ調査について", "Ａｂｃ 調査票 2024");
	put(sr, "faq", "tax", "住民税の納付", "住民税は６月から納付書または口座振替でお支払いください。");
	put(sr, "procedure", "move", "転入届", "引っ越してきたら十四日以内に転入届を出してください。マイナンバーカードをお持ちください。");
	put(sr, "procedure", "guide", "ｶﾞｲﾄﾞﾌﾞｯｸ", "半角カナのガイド");
}

static void test_one_and_two_characters(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	T_EQ_STR(idset(f.sr, "犬"), "dog");          /* not いぬ: no readings */
	T_EQ_STR(idset(f.sr, "保育"), "nursery");
	T_EQ_STR(idset(f.sr, "保育園"), "nursery");
	T_EQ_STR(idset(f.sr, "園"), "nursery");      /* last character of a run */
	T_EQ_STR(idset(f.sr, "育園"), "nursery");    /* inside a word */
	T_EQ_STR(idset(f.sr, "転入"), "move");
	T_EQ_STR(idset(f.sr, "狂犬病"), "dog");
	T_EQ_STR(idset(f.sr, "猫"), "");
	T_EQ_STR(idset(f.sr, "保育申"), "");          /* a phrase, not two bigrams anywhere */
	T_EQ_STR(idset(f.sr, "保育所"), "nursery");   /* by synonym (synonyms.c): 保育所 = 保育園 */
	fx_close(&f);
}

static void test_folding(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	/* hiragana and katakana are one */
	T_EQ_STR(idset(f.sr, "ほいく"), "hoiku");
	T_EQ_STR(idset(f.sr, "ホイク"), "hoiku");
	T_EQ_STR(idset(f.sr, "イヌ"), "inu");
	/* full-width and half-width, upper and lower case */
	T_EQ_STR(idset(f.sr, "abc"), "abc");
	T_EQ_STR(idset(f.sr, "ＡＢＣ"), "abc");
	T_EQ_STR(idset(f.sr, "ABC"), "abc");
	T_EQ_STR(idset(f.sr, "２０２４"), "abc");
	T_EQ_STR(idset(f.sr, "ガイド"), "guide");     /* half-width kana in the title */
	T_EQ_STR(idset(f.sr, "ｶﾞｲﾄﾞ"), "guide");
	T_EQ_STR(idset(f.sr, "６月"), "tax");
	T_EQ_STR(idset(f.sr, "6月"), "tax");
	/* the last Latin word is a prefix */
	T_EQ_STR(idset(f.sr, "ab"), "abc");
	fx_close(&f);
}

static void test_multi_word_and(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	T_EQ_STR(idset(f.sr, "保育園 電子申請"), "nursery");
	T_EQ_STR(idset(f.sr, "保育園　窓口"), "nursery"); /* ideographic space */
	T_EQ_STR(idset(f.sr, "保育園 転入"), "");
	T_EQ_STR(idset(f.sr, "住民税 口座振替"), "tax");
	fx_close(&f);
}

static void test_ranking(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	put(f.sr, "faq", "body-once", "ごみの出し方", "粗大ごみは予約制です。");
	put(f.sr, "faq", "title", "粗大ごみの申込み", "電話かインターネットで申し込めます。");
	put(f.sr, "faq", "body-many", "収集日", "粗大ごみ、粗大ごみ、粗大ごみの収集日です。");
	put(f.sr, "faq", "none", "図書館", "開館時間");
	/* the title weighs most, then many mentions, then one */
	T_EQ_STR(ids(f.sr, "粗大ごみ"), "title,body-many,body-once");
	struct search_query q = { .text = "粗大ごみ", .limit = 10 };
	struct search_result r;
	struct err e;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 3);
	T_REQUIRE(r.nhits == 3);
	T_CHECK(r.hits[0].score > r.hits[1].score);
	T_CHECK(r.hits[1].score > r.hits[2].score);
	T_EQ_STR(r.hits[0].title, "粗大ごみの申込み");
	T_EQ_STR(r.hits[0].collection, "faq");
	T_EQ_STR(r.hits[0].tenant, "131059");
	search_result_done(&r);
	/* paging: total stays, hits move */
	q.limit = 1;
	q.offset = 1;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 3);
	T_REQUIRE(r.nhits == 1);
	T_EQ_STR(r.hits[0].id, "body-many");
	search_result_done(&r);
	q.offset = 5;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 3);
	T_EQ_INT(r.nhits, 0);
	search_result_done(&r);
	fx_close(&f);
}

static void test_snippets(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	put(f.sr, "faq", "html", "表記", "<b>保育</b> & \"引用\" の説明");
	struct search_query q = { .text = "予防注射", .limit = 10, .with_snippets = 1 };
	struct search_result r;
	struct err e;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_REQUIRE(r.nhits == 1);
	struct search_hit *h = &r.hits[0];
	T_REQUIRE(h->snippet);
	T_CHECK(strstr(h->snippet, "予防注射") != NULL);
	T_EQ_INT(h->nmarks, 1);
	T_CHECK(h->nmarks >= 1 && h->marks[0].len == strlen("予防注射") &&
		memcmp(h->snippet + h->marks[0].off, "予防注射", h->marks[0].len) == 0);
	search_result_done(&r);
	/* one character: only that character is marked, every time */
	q.text = "犬";
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_REQUIRE(r.nhits == 1);
	h = &r.hits[0];
	T_EQ_INT(h->nmarks, 2);
	for (int i = 0; i < h->nmarks; i++)
		T_CHECK(h->marks[i].len == 3 &&
			memcmp(h->snippet + h->marks[i].off, "犬", 3) == 0);
	search_result_done(&r);
	/* the HTML form escapes the text */
	q.text = "保育";
	q.collection = "faq";
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	int seen = 0;
	for (int i = 0; i < r.nhits; i++) {
		if (strcmp(r.hits[i].id, "nursery") == 0) {
			/* the title is marked too */
			struct buf b;
			buf_init(&b, 1 << 16);
			T_EQ_INT(search_title_html(&b, &r.hits[i]), 0);
			T_EQ_STR(buf_cstr(&b), "<mark>保育</mark>園の入園申込み");
			buf_done(&b);
		}
		if (strcmp(r.hits[i].id, "html") != 0)
			continue;
		seen = 1;
		struct buf b;
		buf_init(&b, 1 << 16);
		T_EQ_INT(search_snippet_html(&b, &r.hits[i]), 0);
		T_EQ_STR(buf_cstr(&b), "&lt;b&gt;<mark>保育</mark>&lt;/b&gt; &amp; &quot;引用&quot; の説明");
		buf_done(&b);
	}
	T_CHECK(seen);
	search_result_done(&r);
	/* a highlight lands on the original characters: half-width kana */
	q.text = "ガイド";
	q.collection = NULL;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_REQUIRE(r.nhits == 1);
	T_EQ_INT(r.hits[0].nmarks, 1);
	T_CHECK(r.hits[0].nmarks == 1 &&
		memcmp(r.hits[0].snippet + r.hits[0].marks[0].off, "ガイド",
		       r.hits[0].marks[0].len) == 0);
	search_result_done(&r);
	fx_close(&f);
}

static void test_filters(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	struct err e;
	struct search_field f1[] = { { "format", "CSV", 0 }, { "tag", "子育て", 0 } };
	struct search_field f2[] = { { "format", "PDF", 0 }, { "tag", "子育て", 0 } };
	struct search_doc a = { "131059", "opendata", "d1", "保育所一覧", "文京区の保育所", f1, 2 };
	struct search_doc b = { "131059", "opendata", "d2", "保育所の案内", "案内の冊子", f2, 2 };
	struct search_doc c = { "131156", "opendata", "d3", "保育所一覧", "杉並区の保育所", f1, 2 };
	struct search_doc d = { "131059", "faq", "q1", "保育所に入るには", "申込み", NULL, 0 };
	T_EQ_INT(search_put(f.sr, &a, &e), 0);
	T_EQ_INT(search_put(f.sr, &b, &e), 0);
	T_EQ_INT(search_put(f.sr, &c, &e), 0);
	T_EQ_INT(search_put(f.sr, &d, &e), 0);
	struct search_result r;
	struct search_query q = { .text = "保育所", .collection = "opendata" };
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 3);
	search_result_done(&r);
	q.tenant = "131059";
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 2);
	search_result_done(&r);
	struct search_field flt[] = { { "format", "CSV", 0 } };
	q.filters = flt;
	q.nfilters = 1;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 1);
	T_CHECK(r.nhits == 1 && strcmp(r.hits[0].id, "d1") == 0);
	search_result_done(&r);
	/* filters alone, no text */
	struct search_query q2 = { .tenant = "131059", .filters = f2 + 1, .nfilters = 1 };
	T_REQUIRE(search_query(&r, f.sr, &q2, &e) == 0);
	T_EQ_INT(r.total, 2);
	search_result_done(&r);
	/* a field value is searchable text too */
	T_EQ_STR(idset(f.sr, "子育て"), "d1,d2,d3");
	/* a filter value with FTS syntax is data */
	struct search_field odd[] = { { "tag", "\" OR meta : \"c:faq", 0 } };
	q2.filters = odd;
	T_REQUIRE(search_query(&r, f.sr, &q2, &e) == 0);
	T_EQ_INT(r.total, 0);
	search_result_done(&r);
	fx_close(&f);
}

/* search_ids: every match best first, facet values counted over all of
 * them; search_hit_get: one document's snippet and marks */
/* an id kept as a filter-only field answers its filter, never a word:
 * the last word of a query is a prefix, and a UUID that happens to begin
 * with "aed" must not make a dataset match 「AED」 (seen in CI: a second
 * dataset of the same organisation counted in the facets) */
static void test_filter_only_fields(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	struct err e;
	struct search_field fa[] = { { "organization", "bosai", 0 },
				     { "dataset_id", "0f1e2d3c-4b5a-4968-8776-655443322110", 1 },
				     { "tag", "AED", 0 } };
	struct search_field fb[] = { { "organization", "bosai", 0 },
				     { "dataset_id", "aed3f0c2-1b2a-4c3d-8e4f-5a6b7c8d9e0f", 1 },
				     { "tag", "避難場所", 0 } };
	struct search_doc a = { "139998", "opendata", "demo-aed", "AED設置箇所一覧", "", fa, 3 };
	struct search_doc b = { "139998", "opendata", "demo-evac", "指定緊急避難場所", "", fb, 3 };
	T_EQ_INT(search_put(f.sr, &a, &e), 0);
	T_EQ_INT(search_put(f.sr, &b, &e), 0);
	T_EQ_STR(idset(f.sr, "AED"), "demo-aed");
	T_EQ_STR(idset(f.sr, "aed3"), "");
	/* the filter still finds it */
	struct search_field flt[] = { { "dataset_id", "aed3f0c2-1b2a-4c3d-8e4f-5a6b7c8d9e0f", 0 } };
	struct search_query q = { .tenant = "139998", .filters = flt, .nfilters = 1 };
	struct search_result r;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 1);
	T_CHECK(r.nhits == 1 && strcmp(r.hits[0].id, "demo-evac") == 0);
	search_result_done(&r);
	/* and a searchable field's value is still found by words */
	T_EQ_STR(idset(f.sr, "避難"), "demo-evac");
	fx_close(&f);
}

static void test_ids_and_facets(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	struct err e;
	struct search_field f1[] = { { "res_format", "CSV", 0 }, { "tag", "子育て", 0 }, { "tag", "保育", 0 } };
	struct search_field f2[] = { { "res_format", "PDF", 0 }, { "tag", "子育て", 0 } };
	struct search_field f3[] = { { "res_format", "CSV", 0 }, { "tag", "防災", 0 } };
	struct search_doc docs[] = {
		{ "131059", "opendata", "d1", "保育所一覧", "区内の保育所の所在地", f1, 3 },
		{ "131059", "opendata", "d2", "子育てガイド", "保育所の案内の冊子", f2, 2 },
		{ "131059", "opendata", "d3", "避難所一覧", "指定避難所", f3, 2 },
		{ "131156", "opendata", "d4", "保育所一覧", "他区", f1, 3 },
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		T_EQ_INT(search_put(f.sr, &docs[i], &e), 0);
	const char *facets[] = { "tag", "res_format" };
	struct search_ids_opts o = { .max = 10, .facets = facets, .nfacets = 2 };
	struct search_query q = { .text = "保育所", .tenant = "131059", .collection = "opendata" };
	struct search_ids r;
	T_REQUIRE(search_ids(&r, f.sr, &q, &o, &e) == 0);
	T_EQ_INT(r.total, 2);
	T_EQ_INT(r.n, 2);
	T_EQ_STR(r.ids[0], "d1"); /* in the title ranks first */
	T_EQ_STR(r.ids[1], "d2");
	T_EQ_INT(r.nfacets, 2);
	T_EQ_STR(r.facets[0].name, "tag");
	T_EQ_INT(r.facets[0].nvalues, 2);
	T_EQ_STR(r.facets[0].values[0].value, "子育て");
	T_EQ_INT(r.facets[0].values[0].count, 2);
	T_EQ_STR(r.facets[0].values[1].value, "保育");
	T_EQ_INT(r.facets[0].values[1].count, 1);
	T_EQ_INT(r.facets[1].nvalues, 2); /* CSV 1, PDF 1: by value */
	T_EQ_STR(r.facets[1].values[0].value, "CSV");
	search_ids_done(&r);
	/* max cuts the ids, not the total or the facets; filters apply */
	struct search_field flt[] = { { "res_format", "CSV", 0 } };
	q.text = "所";
	q.filters = flt;
	q.nfilters = 1;
	o.max = 1;
	T_REQUIRE(search_ids(&r, f.sr, &q, &o, &e) == 0);
	T_EQ_INT(r.total, 2);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(r.facets[1].nvalues, 1);
	T_EQ_INT(r.facets[1].values[0].count, 2);
	search_ids_done(&r);
	o.max = 0;
	T_EQ_INT(search_ids(&r, f.sr, &q, &o, &e), ERR_INVALID);
	search_ids_done(&r);
	/* one document's snippet with the words marked */
	struct search_hit h;
	T_REQUIRE(search_hit_get(&h, f.sr, "131059", "opendata", "d2", "保育", &e) == 0);
	T_EQ_STR(h.title, "子育てガイド");
	T_CHECK(h.snippet && strstr(h.snippet, "保育所") != NULL);
	T_EQ_INT(h.nmarks, 1);
	struct buf b;
	buf_init(&b, 4096);
	search_snippet_html(&b, &h);
	T_CHECK(strstr(buf_cstr(&b), "<mark>保育</mark>") != NULL);
	buf_done(&b);
	search_hit_done(&h);
	T_EQ_INT(search_hit_get(&h, f.sr, "131059", "opendata", "nosuch", "保育", &e), ERR_NOTFOUND);
	fx_close(&f);
}

static void test_delete_and_update(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	struct err e;
	T_EQ_STR(idset(f.sr, "転入"), "move");
	T_EQ_INT(search_delete(f.sr, "131059", "procedure", "move", &e), 0);
	T_EQ_STR(idset(f.sr, "転入"), "");
	T_EQ_INT(search_delete(f.sr, "131059", "procedure", "move", &e), 0);
	/* update: the old text no longer matches, the new one does */
	put(f.sr, "faq", "tax", "固定資産税の納付", "固定資産税は四期に分けて納めます。");
	T_EQ_STR(idset(f.sr, "住民税"), "");
	T_EQ_STR(idset(f.sr, "固定資産税"), "tax");
	/* a whole collection */
	T_EQ_INT(search_delete_collection(f.sr, "131059", "faq", &e), 6);
	T_EQ_STR(idset(f.sr, "保育"), "");
	T_EQ_STR(idset(f.sr, "ガイド"), "guide");
	/* a change inside a transaction that rolls back is not seen */
	T_REQUIRE(store_begin(f.st, &e) == 0);
	put(f.sr, "faq", "ghost", "幽霊", "見えない");
	store_rollback(f.st);
	T_EQ_STR(idset(f.sr, "幽霊"), "");
	fx_close(&f);
}

static void test_two_servers_and_reindex(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	struct err e;
	/* a second server: its own connection and its own index file */
	struct store *st2;
	T_REQUIRE(store_open(&st2, url, &e) == 0);
	char path2[160];
	snprintf(path2, sizeof path2, "%s.2", index_path);
	unlink(path2);
	struct search *sr2;
	T_REQUIRE(search_open(&sr2, st2, path2, NULL, &e) == 0);
	load_corpus(f.sr);
	T_EQ_STR(idset(sr2, "保育"), "nursery");
	put(f.sr, "faq", "extra", "保育の補助", "保育料の補助があります");
	T_EQ_STR(idset(sr2, "保育"), "extra,nursery");
	T_EQ_INT(search_delete(sr2, "131059", "faq", "extra", &e), 0);
	T_EQ_STR(idset(f.sr, "保育"), "nursery");
	/* reindex equals the incremental index */
	const char *qs[] = { "犬", "保育", "ほいく", "abc", "住民税 納付", "ガイド", "申込み" };
	char before[7][1024];
	for (int i = 0; i < 7; i++)
		snprintf(before[i], sizeof before[i], "%s", ids(f.sr, qs[i]));
	int64_t n = 0;
	T_EQ_INT(search_reindex(f.sr, &n, &e), 0);
	T_EQ_INT(n, 8);
	for (int i = 0; i < 7; i++)
		T_EQ_STR(ids(f.sr, qs[i]), before[i]);
	/* and after reindex the log is followed on */
	put(sr2, "faq", "late", "遅れて来た保育", "後から");
	T_EQ_STR(idset(f.sr, "保育"), "late,nursery");
	/* a pruned log: an index that is behind rebuilds by itself */
	search_close(sr2);
	put(f.sr, "faq", "after", "閉じた後の保育", "後で");
	int64_t pruned = 0;
	T_EQ_INT(search_prune(f.sr, -1000, &pruned, &e), 0);
	T_CHECK(pruned > 0);
	put(f.sr, "faq", "last", "最後の保育", "最後");
	T_REQUIRE(search_open(&sr2, st2, path2, NULL, &e) == 0);
	T_EQ_STR(idset(sr2, "保育"), "after,last,late,nursery");
	search_close(sr2);
	store_close(st2);
	unlink(path2);
	fx_close(&f);
}

/* the worker threads of one server: one store connection and one search
 * handle each, one index file; a writer thread puts while readers search */
struct worker {
	int id, errors, queries;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct store *st;
	struct search *sr;
	struct err e;
	if (store_open(&st, url, &e)) {
		w->errors++;
		return NULL;
	}
	if (search_open(&sr, st, index_path, NULL, &e)) {
		printf("# worker %d: %s\n", w->id, e.detail);
		w->errors++;
		store_close(st);
		return NULL;
	}
	for (int i = 0; i < 40; i++) {
		if (w->id == 0) {
			char id[32], title[64];
			snprintf(id, sizeof id, "w%d", i);
			snprintf(title, sizeof title, "並行%d 保育", i);
			struct search_doc d = { "131059", "faq", id, title, "本文", NULL, 0 };
			if (search_put(sr, &d, &e)) {
				printf("# put: %s\n", e.detail);
				w->errors++;
			}
		} else {
			struct search_query q = { .text = "保育", .limit = 5, .with_snippets = 1 };
			struct search_result r;
			if (search_query(&r, sr, &q, &e)) {
				printf("# query: %s\n", e.detail);
				w->errors++;
			}
			search_result_done(&r);
			w->queries++;
		}
	}
	search_close(sr);
	store_close(st);
	return NULL;
}

static void test_threads_share_one_index(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	T_EQ_STR(idset(f.sr, "保育"), "nursery");
	pthread_t th[4];
	struct worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ i, 0, 0 };
		T_REQUIRE(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		T_EQ_INT(w[i].errors, 0);
	}
	struct search_query q = { .text = "保育", .limit = 100 };
	struct search_result r;
	struct err e;
	T_REQUIRE(search_query(&r, f.sr, &q, &e) == 0);
	T_EQ_INT(r.total, 41);
	search_result_done(&r);
	fx_close(&f);
}

/* a new index over many documents is rebuilt, not replayed, and then
 * follows the log */
static void test_new_index_over_many_documents(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	struct err e;
	T_REQUIRE(store_begin(f.st, &e) == 0);
	for (int i = 0; i < 300; i++) {
		char id[16];
		snprintf(id, sizeof id, "d%03d", i);
		T_REQUIRE(put(f.sr, "doc", id, "文書", i % 2 ? "奇数の本文" : "偶数の本文") == 0);
	}
	T_REQUIRE(store_commit(f.st, &e) == 0);
	char path2[160];
	snprintf(path2, sizeof path2, "%s.new", index_path);
	unlink(path2);
	struct search *sr2;
	T_REQUIRE(search_open(&sr2, f.st, path2, NULL, &e) == 0);
	int64_t n = -1;
	T_EQ_INT(search_catchup(sr2, &n, &e), 0);
	T_EQ_INT(n, 300);
	struct search_query q = { .text = "奇数", .limit = 5 };
	struct search_result r;
	T_REQUIRE(search_query(&r, sr2, &q, &e) == 0);
	T_EQ_INT(r.total, 150);
	search_result_done(&r);
	T_EQ_INT(search_delete(f.sr, "131059", "doc", "d001", &e), 0);
	T_REQUIRE(search_query(&r, sr2, &q, &e) == 0);
	T_EQ_INT(r.total, 149);
	search_result_done(&r);
	search_close(sr2);
	unlink(path2);
	fx_close(&f);
}

static void test_limits_and_bad_queries(void)
{
	struct fixture f;
	T_REQUIRE(fx_open(&f) == 0);
	load_corpus(f.sr);
	struct err e;
	struct search_result r;
	struct search_query q = { .text = "" };
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_INVALID);
	search_result_done(&r);
	q.text = "   ";
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_INVALID);
	char longq[400];
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = 0;
	q.text = longq;
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_LIMIT);
	q.text = "a b c d e f g h i j k l m n o p q";
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_LIMIT);
	q.text = "\xff\xfe";
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_INVALID);
	q.text = "犬";
	q.limit = 101;
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_INVALID);
	q.limit = 100;
	q.offset = 9950;
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_LIMIT);
	q.offset = -1;
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_INVALID);
	/* FTS syntax is plain text: it neither fails nor widens the search */
	const char *odd[] = { "\"", "\"\"", "*", "犬*", "(犬", "犬)", "犬 OR 保育",
			      "NEAR(犬 保育)", "犬 NOT 保育", "title:犬", "meta : c",
			      "^犬", "-犬", "犬 +", "{title}: 犬", "\x1f" "c:faq",
			      "AND", "「」", "。、", "犬\"保育" };
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		struct search_query o = { .text = odd[i], .limit = 10 };
		int rc = search_query(&r, f.sr, &o, &e);
		T_CHECK(rc == 0);
		if (rc)
			printf("# %s: %s\n", odd[i], e.detail);
		/* never more than the plain words would give */
		T_CHECK(r.total <= 1);
		search_result_done(&r);
	}
	T_EQ_STR(idset(f.sr, "犬 OR 保育"), "");    /* OR is a word, AND-ed */
	q.text = "\x1e\x1f";                        /* only control characters */
	q.offset = 0;
	q.limit = 10;
	T_EQ_INT(search_query(&r, f.sr, &q, &e), ERR_INVALID);
	T_EQ_STR(idset(f.sr, "犬*"), "dog");
	/* bad documents */
	struct search_doc d = { "131059", "faq", "", "t", "b", NULL, 0 };
	T_EQ_INT(search_put(f.sr, &d, &e), ERR_INVALID);
	d.id = "x";
	d.title = "\xc3";
	T_EQ_INT(search_put(f.sr, &d, &e), ERR_INVALID);
	d.title = "t";
	struct search_field bad[] = { { "Bad Name", "v", 0 } };
	d.fields = bad;
	d.nfields = 1;
	T_EQ_INT(search_put(f.sr, &d, &e), ERR_INVALID);
	d.nfields = SEARCH_MAX_FIELDS + 1;
	T_EQ_INT(search_put(f.sr, &d, &e), ERR_LIMIT);
	d.nfields = 0;
	char *big = malloc(SEARCH_MAX_BODY + 2);
	T_REQUIRE(big);
	memset(big, 'x', SEARCH_MAX_BODY + 1);
	big[SEARCH_MAX_BODY + 1] = 0;
	d.body = big;
	T_EQ_INT(search_put(f.sr, &d, &e), ERR_LIMIT);
	free(big);
	/* control characters in a body are not markers */
	d.body = "犬\x02猫\x03鳥";
	T_EQ_INT(search_put(f.sr, &d, &e), 0);
	struct search_query sq = { .text = "猫", .with_snippets = 1 };
	T_REQUIRE(search_query(&r, f.sr, &sq, &e) == 0);
	T_CHECK(r.nhits == 1 && r.hits[0].nmarks == 1);
	search_result_done(&r);
	fx_close(&f);
}

static void test_parse(void)
{
	char *x = NULL;
	struct err e;
	struct search_query q = { .text = "図書館 ＡＢＣ" };
	T_EQ_INT(search_parse(&x, &q, &e), 0);
	T_EQ_STR(x, "\"図書館\" AND \"abc\" *");
	free(x);
	q.text = "a\"b";
	T_EQ_INT(search_parse(&x, &q, &e), 0);
	T_EQ_STR(x, "\"a\"\"b\" *");
	free(x);
	q.text = "「」";
	T_EQ_INT(search_parse(&x, &q, &e), 0);
	T_EQ_STR(x, "");
	free(x);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	snprintf(index_path, sizeof index_path, "/tmp/mg-test-search-%d.idx", (int)getpid());
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/mg-test-search-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	T_RUN(test_parse);
	T_RUN(test_one_and_two_characters);
	T_RUN(test_folding);
	T_RUN(test_multi_word_and);
	T_RUN(test_ranking);
	T_RUN(test_snippets);
	T_RUN(test_filters);
	T_RUN(test_filter_only_fields);
	T_RUN(test_ids_and_facets);
	T_RUN(test_delete_and_update);
	T_RUN(test_two_servers_and_reindex);
	T_RUN(test_limits_and_bad_queries);
	T_RUN(test_threads_share_one_index);
	T_RUN(test_new_index_over_many_documents);
	struct store *s;
	if (store_open(&s, url, NULL) == 0) {
		drop_all(s);
		store_close(s);
	}
	unlink(index_path);
	if (sqlite_path[0]) {
		unlink(sqlite_path + 7);
		char p[160];
		snprintf(p, sizeof p, "%s-wal", sqlite_path + 7);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", sqlite_path + 7);
		unlink(p);
	}
	return t_done();
}
