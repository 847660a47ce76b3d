/*
 * test_synonyms.c -- the synonym table of src/core/search (synonyms.c)
 * and its use by the query compiler: 「保育園」 finds 保育所等利用申込,
 * 「引っ越し」 finds 転居届, 「マイナンバー」 finds 個人番号, and a word
 * outside the table is not widened.  Runs on SQLite or on the database of
 * MADOGUCHI_TEST_DB; drops its tables at the start and the end.
 */
#include "t.h"

#include <unistd.h>

#include "core/search/search.h"
#include "store/store.h"

static const char *url;
static char sqlite_path[128], index_path[128];

static void drop_all(struct store *s)
{
	store_script(s, "DROP TABLE IF EXISTS search_docs;"
		     "DROP TABLE IF EXISTS search_log;"
		     "DROP TABLE IF EXISTS search_state", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'search'", NULL, 0, NULL);
}

static int has(const char **v, int n, const char *w)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i], w) == 0)
			return 1;
	return 0;
}

static void test_table(void)
{
	const char *v[SEARCH_MAX_SYNONYMS];
	int n = search_synonyms(v, SEARCH_MAX_SYNONYMS, "保育園", strlen("保育園"));
	T_CHECK(n >= 1 && has(v, n, "保育所"));
	T_CHECK(!has(v, n, "保育園"));      /* the word itself is left out */
	/* compared folded: hiragana and full-width forms are the same word */
	n = search_synonyms(v, SEARCH_MAX_SYNONYMS, "ほいくえん", strlen("ほいくえん"));
	T_CHECK(has(v, n, "保育所"));
	n = search_synonyms(v, SEARCH_MAX_SYNONYMS, "引っ越し", strlen("引っ越し"));
	T_CHECK(has(v, n, "転居") && has(v, n, "引越し"));
	n = search_synonyms(v, SEARCH_MAX_SYNONYMS, "マイナンバー", strlen("マイナンバー"));
	T_CHECK(has(v, n, "個人番号"));
	n = search_synonyms(v, SEARCH_MAX_SYNONYMS, "粗大ゴミ", strlen("粗大ゴミ"));
	T_CHECK(n >= 1);
	T_EQ_INT(search_synonyms(v, SEARCH_MAX_SYNONYMS, "図書館", strlen("図書館")), 0);
	/* a whole word only: 保育園の is not 保育園 */
	T_EQ_INT(search_synonyms(v, SEARCH_MAX_SYNONYMS, "保育園の", strlen("保育園の")), 0);
	T_EQ_INT(search_synonyms(v, 1, "引越し", strlen("引越し")), 1);   /* max respected */
}

static void test_parse(void)
{
	struct search_query q = { .text = "保育園 申込" };
	char *x = NULL;
	struct err e;
	T_REQUIRE(search_parse(&x, &q, &e) == 0);
	T_CHECK(strstr(x, " OR ") != NULL);
	T_CHECK(strstr(x, "(") != NULL);
	free(x);
	q.text = "図書館";
	T_REQUIRE(search_parse(&x, &q, &e) == 0);
	T_CHECK(strstr(x, " OR ") == NULL);
	free(x);
}

static char *ids(struct search *sr, const char *text)
{
	static char out[512];
	struct search_query q = { .text = text, .tenant = "131059", .collection = "procedure",
				  .limit = 100 };
	struct search_result r;
	struct err e;
	out[0] = 0;
	if (search_query(&r, sr, &q, &e)) {
		snprintf(out, sizeof out, "error %s", e.detail);
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

static void test_search(void)
{
	struct store *s;
	struct search *sr;
	struct err e;
	T_REQUIRE(store_open(&s, url, &e) == 0);
	drop_all(s);
	unlink(index_path);
	T_REQUIRE(store_migrate(s, &search_schema, 1, NULL, &e) == 0);
	T_REQUIRE(search_open(&sr, s, index_path, NULL, &e) == 0);
	const struct { const char *id, *title, *body; } docs[] = {
		{ "hoikusho-riyou", "保育所等利用申込", "認定こども園などの利用を申し込みます" },
		{ "tenkyo", "転居届", "区内で住所が変わったとき" },
		{ "kojin", "個人番号カードの交付", "通知カード" },
		{ "sodai-gomi", "粗大ごみ収集の申込", "家具や家電" },
		{ "toshokan", "図書館の利用者登録", "本を借りる" },
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct search_doc d = { "131059", "procedure", docs[i].id, docs[i].title,
					docs[i].body, NULL, 0 };
		T_REQUIRE(search_put(sr, &d, &e) == 0);
	}
	T_EQ_STR(ids(sr, "保育園"), "hoikusho-riyou");
	T_EQ_STR(ids(sr, "ほいくえん"), "hoikusho-riyou");
	T_EQ_STR(ids(sr, "引っ越し"), "tenkyo");
	T_EQ_STR(ids(sr, "マイナンバー"), "kojin");
	T_EQ_STR(ids(sr, "粗大ゴミ"), "sodai-gomi");
	/* AND still holds across words: a synonym widens one word only */
	T_EQ_STR(ids(sr, "保育園 申込"), "hoikusho-riyou");
	T_EQ_STR(ids(sr, "保育園 家具"), "");
	/* a word outside the table is as before */
	T_EQ_STR(ids(sr, "図書館"), "toshokan");
	T_EQ_STR(ids(sr, "保育"), "hoikusho-riyou");
	search_close(sr);
	drop_all(s);
	store_close(s);
	unlink(index_path);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	snprintf(index_path, sizeof index_path, "/tmp/mg-test-syn-%d.idx", (int)getpid());
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/mg-test-syn-%d.db", (int)getpid());
		url = sqlite_path;
	}
	T_RUN(test_table);
	T_RUN(test_parse);
	T_RUN(test_search);
	if (sqlite_path[0])
		unlink(sqlite_path + 7);
	return t_done();
}
