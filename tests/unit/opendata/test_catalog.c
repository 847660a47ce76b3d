/*
 * test_catalog.c -- the catalog on both backends (MADOGUCHI_TEST_DB;
 * default a fresh SQLite file; on PostgreSQL in the schema mg_od_test):
 * licences seeded per tenant, organisations and groups, dataset insert and
 * update (new/changed in the history), tags and groups replaced, resource
 * versions only when the bytes change, the blob limit, package dicts,
 * search (words, 1-character and kana-folded queries, fq, sort, paging,
 * facets), tenant isolation, and DCAT Turtle; the same searches through the
 * full-text index (opendata_search_put + a search handle) give the same
 * counts and facets; CKAN's fq syntax as harvesters send it; the plain C
 * reads the pages use (the staff list, a dataset by name, a file's
 * version, a resource's latest bytes, every organisation by title).
 */
#include "t.h"
#include "tdb.h"

#include <jansson.h>
#include <unistd.h>

#include "base/arena.h"
#include "web/app.h"
#include "svc/opendata/opendata.h"
#include "core/search/search.h"

static struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */
static struct store *s;

#define T1 "139998"
#define T2 "131059" /* 文京区 */

static void setup(void)
{
	struct err e;
	tdb_reset(&db);
	if (store_open(&s, db.url, &e) != 0) {
		printf("# cannot open %s: %s\n", db.url, e.detail);
		exit(1);
	}
	int applied = 0;
	if (app_migrate(s, &applied, &e) != 0) {
		printf("# migrate: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	tenant_add(s, &t1, &e);
	tenant_add(s, &t2, &e);
}

static struct opendata_ctx ctx(const char *tenant)
{
	return (struct opendata_ctx){ .s = s, .tenant = tenant, .base = "https://demo.example" };
}

static int put_ds(const char *tenant, const char *name, const char *title, const char *org,
		  const char *const *tags, int ntags, const char *const *groups, int ngroups,
		  int *created)
{
	struct opendata_dataset d = { .name = name, .title = title, .notes = "説明です。", .org_name = org,
				      .license_id = "cc-by-4.0", .tags = tags, .ntags = ntags,
				      .groups = groups, .ngroups = ngroups, .spatial = "デモ区",
				      .frequency = "毎月" };
	struct err e;
	char id[OPENDATA_ID_LEN + 1];
	int rc = opendata_dataset_put(id, created, s, tenant, &d, 1700000000, &e);
	if (rc)
		printf("# dataset_put %s: %s\n", name, e.detail);
	return rc;
}

static void test_write(void)
{
	struct err e;
	T_EQ_INT(opendata_licenses_seed(s, T1, &e), 0);
	T_EQ_INT(opendata_licenses_seed(s, T1, &e), 0); /* twice: no-op */
	T_EQ_INT(opendata_licenses_seed(s, T2, &e), 0);
	struct opendata_org o = { "bosai", "防災課", "Disaster Prevention", "説明" };
	struct opendata_org g = { "bosai-g", "防災", NULL, NULL };
	T_EQ_INT(opendata_org_put(NULL, s, T1, &o, 1700000000, &e), 0);
	T_EQ_INT(opendata_org_put(NULL, s, T1, &o, 1700000000, &e), 0);
	T_EQ_INT(opendata_group_put(NULL, s, T1, &g, 1700000000, &e), 0);
	struct opendata_org o2 = { "kumin", "区民課", NULL, NULL };
	T_EQ_INT(opendata_org_put(NULL, s, T1, &o2, 1700000000, &e), 0);
	T_EQ_INT(opendata_org_put(NULL, s, T2, &o, 1700000000, &e), 0);
	struct opendata_org badname = { "Bad Name", "x", NULL, NULL };
	T_EQ_INT(opendata_org_put(NULL, s, T1, &badname, 1700000000, &e), ERR_INVALID);

	const char *tags1[] = { "AED", "防災" }, *tags2[] = { "人口", "統計" }, *grp[] = { "bosai-g" };
	int created = -1;
	T_EQ_INT(put_ds(T1, "aed", "AED設置箇所一覧", "bosai", tags1, 2, grp, 1, &created), 0);
	T_EQ_INT(created, 1);
	T_EQ_INT(put_ds(T1, "population", "地域・年齢別人口", "kumin", tags2, 2, NULL, 0, &created), 0);
	T_EQ_INT(put_ds(T1, "dog", "犬の登録数", "kumin", tags2, 1, NULL, 0, &created), 0);
	T_EQ_INT(put_ds(T1, "aed", "AED設置箇所一覧（改訂）", "bosai", tags1, 1, grp, 1, &created), 0);
	T_EQ_INT(created, 0);
	T_EQ_INT(put_ds(T2, "aed", "文京区 AED", "bosai", tags1, 2, NULL, 0, &created), 0);
	T_EQ_INT(put_ds(T1, "x", "bad name", "bosai", NULL, 0, NULL, 0, &created), ERR_INVALID);
	T_EQ_INT(put_ds(T1, "noorg", "no org", "nosuch", NULL, 0, NULL, 0, &created), ERR_NOTFOUND);
	struct opendata_dataset badlic = { .name = "lic", .title = "t", .org_name = "bosai", .license_id = "gpl" };
	T_EQ_INT(opendata_dataset_put(NULL, NULL, s, T1, &badlic, 1, &e), ERR_INVALID);

	struct opendata_ctx c = ctx(T1);
	json_t *p = NULL;
	T_REQUIRE(opendata_package(&p, &c, "aed", &e) == 0);
	const char *dsid = json_string_value(json_object_get(p, "id"));
	char did[OPENDATA_ID_LEN + 1];
	snprintf(did, sizeof did, "%s", dsid);
	T_EQ_STR(json_string_value(json_object_get(p, "title")), "AED設置箇所一覧（改訂）");
	T_EQ_INT(json_array_size(json_object_get(p, "tags")), 1); /* replaced */
	T_EQ_STR(json_string_value(json_object_get(json_object_get(p, "organization"), "name")), "bosai");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(p, "groups"), 0), "name")), "bosai-g");
	T_EQ_STR(json_string_value(json_object_get(p, "license_title")), "クリエイティブ・コモンズ 表示 4.0 国際");
	json_decref(p);

	/* versions */
	struct opendata_resource_in in = { .name = "aed.csv", .format = "CSV", .mimetype = "text/csv",
					   .data = "a,b\n1,2\n", .len = 8 };
	struct opendata_resource_out put = { .version = 0 };
	char rid[OPENDATA_ID_LEN + 1];
	T_EQ_INT(opendata_resource_put(&put, s, T1, did, &in, 1700000100, &e), 0);
	memcpy(rid, put.id, sizeof rid);
	T_EQ_INT(put.version, 1);
	T_EQ_INT(put.changed, 1);
	T_EQ_INT(opendata_resource_put(&put, s, T1, did, &in, 1700000200, &e), 0);
	T_EQ_INT(put.version, 1);
	T_EQ_INT(put.changed, 0);
	in.data = "a,b\n1,3\n";
	T_EQ_INT(opendata_resource_put(&put, s, T1, did, &in, 1700000300, &e), 0);
	T_EQ_INT(put.version, 2);
	T_EQ_INT(put.changed, 1);
	in.len = OPENDATA_BLOB_MAX + 1;
	T_EQ_INT(opendata_resource_put(&put, s, T1, did, &in, 1, &e), ERR_LIMIT);
	int64_t nv = 0;
	struct store_val q[] = { sv_text(rid) };
	T_EQ_INT(store_query_int(&nv, s, "SELECT COUNT(*) FROM opendata_versions WHERE resource_id=$1", q, 1, &e), 0);
	T_EQ_INT(nv, 2);
	json_t *r = NULL;
	T_REQUIRE(opendata_resource(&r, &c, rid, &e) == 0);
	T_EQ_INT(json_integer_value(json_object_get(r, "version")), 2);
	T_EQ_INT(json_array_size(json_object_get(r, "versions")), 2);
	char want[256];
	snprintf(want, sizeof want, "https://demo.example/dataset/aed/resource/%s/download", rid);
	T_EQ_STR(json_string_value(json_object_get(r, "url")), want);
	json_decref(r);
	/* another tenant cannot see the resource */
	struct opendata_ctx c2 = ctx(T2);
	T_EQ_INT(opendata_resource(&r, &c2, rid, &e), ERR_NOTFOUND);

	json_t *ch = NULL;
	T_EQ_INT(opendata_changes(&ch, &c, 100, &e), 0);
	int news = 0, changes = 0;
	for (size_t i = 0; i < json_array_size(ch); i++) {
		const char *a = json_string_value(json_object_get(json_array_get(ch, i), "activity_type"));
		news += strcmp(a, "new package") == 0;
		changes += strcmp(a, "changed package") == 0;
	}
	T_EQ_INT(news, 3);
	T_EQ_INT(changes, 3); /* one dataset update, two new versions */
	json_decref(ch);
}

static long search_count(const char *tenant, const char *qtext, char *fq)
{
	struct opendata_ctx c = ctx(tenant);
	struct opendata_query q = { .q = qtext, .rows = 10 };
	struct err e;
	if (fq && opendata_query_parse_fq(&q, fq, &e))
		return -1;
	json_t *res = NULL;
	if (opendata_search(&res, &c, &q, &e))
		return -2;
	long n = (long)json_integer_value(json_object_get(res, "count"));
	json_decref(res);
	return n;
}

static void test_search(void)
{
	T_EQ_INT(search_count(T1, NULL, NULL), 3);
	T_EQ_INT(search_count(T2, NULL, NULL), 1);
	T_EQ_INT(search_count(T1, "犬", NULL), 1);           /* one character */
	T_EQ_INT(search_count(T1, "人口", NULL), 2);          /* a title and a tag */
	T_EQ_INT(search_count(T1, "ＡＥＤ", NULL), 1);        /* full-width folds */
	T_EQ_INT(search_count(T1, "aed 改訂", NULL), 1);      /* words AND-ed, case folded */
	T_EQ_INT(search_count(T1, "aed 人口", NULL), 0);
	T_EQ_INT(search_count(T1, "とうけい", NULL), 0);      /* no readings: 統計 is not とうけい */
	T_EQ_INT(search_count(T1, "100%", NULL), 0);         /* LIKE characters are literal */
	char fq1[] = "tags:統計", fq2[] = "organization:bosai", fq3[] = "groups:bosai-g tags:AED",
	     fq4[] = "bogus:x", fq5[] = "license_id:\"cc-by-4.0\"";
	T_EQ_INT(search_count(T1, NULL, fq1), 1);
	T_EQ_INT(search_count(T1, NULL, fq2), 1);
	T_EQ_INT(search_count(T1, NULL, fq3), 1);
	T_EQ_INT(search_count(T1, NULL, fq4), -1);
	T_EQ_INT(search_count(T1, NULL, fq5), 3);

	struct opendata_ctx c = ctx(T1);
	struct opendata_query q = { .rows = 2, .start = 1, .sort = "name asc",
				    .facets = { "tags", "organization", "license_id" }, .nfacets = 3 };
	json_t *res = NULL;
	struct err e;
	T_REQUIRE(opendata_search(&res, &c, &q, &e) == 0);
	json_t *rs = json_object_get(res, "results");
	T_EQ_INT(json_array_size(rs), 2);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(rs, 0), "name")), "dog");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(rs, 1), "name")), "population");
	json_t *tf = json_object_get(json_object_get(res, "facets"), "tags");
	T_EQ_INT(json_integer_value(json_object_get(tf, "人口")), 2);
	T_EQ_INT(json_integer_value(json_object_get(tf, "AED")), 1);
	json_t *of = json_object_get(json_object_get(res, "search_facets"), "organization");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(of, "items"), 0), "display_name")), "区民課");
	json_decref(res);
	T_EQ_INT(opendata_query_sort_valid("metadata_modified desc, name asc"), 0);
	T_CHECK(opendata_query_sort_valid("name; DROP TABLE x") != 0);
	T_CHECK(opendata_query_sort_valid("name sideways") != 0);

	json_t *l = NULL;
	T_EQ_INT(opendata_orgs_list(&l, &c, 1,
				    &(struct opendata_orgs_query){ .all_fields = 1,
								   .sort = "package_count desc",
								   .limit = 100 },
				    &e), 0);
	T_EQ_INT(json_array_size(l), 2);
	T_EQ_INT(json_integer_value(json_object_get(json_array_get(l, 0), "package_count")), 2);
	json_decref(l);
	T_EQ_INT(opendata_tag_list(&l, &c, "統", &e), 0);
	T_EQ_INT(json_array_size(l), 1);
	json_decref(l);
	T_EQ_INT(opendata_license_list(&l, &c, &e), 0);
	T_CHECK(json_array_size(l) >= 2);
	json_decref(l);
	T_EQ_INT(opendata_package_list(&l, &c, 2, 0, &e), 0);
	T_EQ_INT(json_array_size(l), 2);
	T_EQ_STR(json_string_value(json_array_get(l, 0)), "aed");
	json_decref(l);
}

/* count and facets of one search, with (sr) or without the index */
static json_t *search_json(struct search *sr, const char *tenant, const char *qtext, const char *fq_in,
			   const char *sort)
{
	struct opendata_ctx c = ctx(tenant);
	c.sr = sr;
	struct opendata_query q = { .q = qtext, .rows = 10, .sort = sort,
				    .facets = { "tags", "organization", "groups", "res_format", "license_id" },
				    .nfacets = 5 };
	char fq[256];
	struct err e;
	snprintf(fq, sizeof fq, "%s", fq_in ? fq_in : "");
	if (fq_in && opendata_query_parse_fq(&q, fq, &e))
		return NULL;
	json_t *res = NULL;
	if (opendata_search(&res, &c, &q, &e)) {
		printf("# search %s: %s\n", qtext ? qtext : "-", e.detail);
		return NULL;
	}
	json_t *names = json_array();
	json_t *rs = json_object_get(res, "results");
	for (size_t i = 0; i < json_array_size(rs); i++)
		json_array_append(names, json_object_get(json_array_get(rs, i), "name"));
	json_t *out = json_pack("{s:O,s:O,s:o}", "count", json_object_get(res, "count"), "facets",
				json_object_get(res, "facets"), "names", names);
	json_decref(res);
	return out;
}

static void test_search_fts(void)
{
	struct err e;
	struct search *sr = NULL;
	T_REQUIRE(search_open(&sr, s, ":memory:", NULL, &e) == 0);
	/* every dataset of both tenants into the projection */
	struct store_rows *r;
	T_REQUIRE(store_query(&r, s, "SELECT id, tenant FROM opendata_datasets", NULL, 0, &e) == 0);
	char ids[16][2][40];
	int n = 0;
	while (store_rows_next(r, &e) == 1 && n < 16) {
		snprintf(ids[n][0], 40, "%s", store_col_text(r, 0));
		snprintf(ids[n][1], 40, "%s", store_col_text(r, 1));
		n++;
	}
	store_rows_free(r);
	for (int i = 0; i < n; i++)
		T_EQ_INT(opendata_search_put(sr, s, ids[i][1], ids[i][0], &e), 0);
	/* the index and the SQL substring path agree on count and facets */
	static const struct { const char *q, *fq; } cases[] = {
		{ "犬", NULL }, { "人口", NULL }, { "ＡＥＤ", NULL }, { "aed 改訂", NULL }, { "aed 人口", NULL },
		{ "とうけい", NULL }, { "防災", "organization:bosai" }, { "人口", "tags:統計" },
		{ "一覧", "+groups:bosai-g AND license_id:\"cc-by-4.0\"" }, { "課", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *a = search_json(NULL, T1, cases[i].q, cases[i].fq, "name asc");
		json_t *b = search_json(sr, T1, cases[i].q, cases[i].fq, "name asc");
		T_REQUIRE(a && b);
		char *sa = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT), *sb = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
		if (strcmp(sa, sb) != 0)
			printf("# %s / %s:\n#  sql %s\n#  fts %s\n", cases[i].q, cases[i].fq ? cases[i].fq : "-", sa, sb);
		T_EQ_STR(sa, sb);
		free(sa);
		free(sb);
		json_decref(a);
		json_decref(b);
	}
	/* one character finds the dataset; the other tenant's is not seen */
	json_t *d = search_json(sr, T1, "犬", NULL, NULL);
	T_EQ_INT(json_integer_value(json_object_get(d, "count")), 1);
	T_EQ_STR(json_string_value(json_array_get(json_object_get(d, "names"), 0)), "dog");
	json_decref(d);
	d = search_json(sr, T2, "AED", NULL, NULL);
	T_EQ_INT(json_integer_value(json_object_get(d, "count")), 1);
	json_decref(d);
	/* ranking: the title match first */
	d = search_json(sr, T1, "人口", NULL, NULL);
	T_EQ_STR(json_string_value(json_array_get(json_object_get(d, "names"), 0)), "population");
	json_decref(d);
	search_close(sr);
}

static void test_fq_syntax(void)
{
	static const struct { const char *fq; int rc, nfq, none; const char *f0, *v0; } cases[] = {
		{ "tags:AED", 0, 1, 0, "tags", "AED" },
		{ "+tags:\"子育て 支援\" +organization:bosai", 0, 2, 0, "tags", "子育て 支援" },
		{ "tags:a\\ b AND res_format:CSV", 0, 2, 0, "tags", "a b" },
		{ "tags:\"say \\\"hi\\\"\"", 0, 1, 0, "tags", "say \"hi\"" },
		{ "dataset_type:dataset +capacity:public +state:active site_id:default", 0, 0, 0, NULL, NULL },
		{ "capacity:private", 0, 0, 1, NULL, NULL },
		{ "license_id:cc-by-4.0 groups:bosai-g owner_org:x name:y id:z", 0, 5, 0, "license_id", "cc-by-4.0" },
		{ "author:someone", ERR_NOTFOUND, 0, 0, NULL, NULL },
		{ "tags:(a OR b)", ERR_INVALID, 0, 0, NULL, NULL },
		{ "tags:a OR tags:b", ERR_INVALID, 0, 0, NULL, NULL },
		{ "-tags:a", ERR_INVALID, 0, 0, NULL, NULL },
		{ "metadata_modified:[2024-01-01T00:00:00Z TO *]", ERR_INVALID, 0, 0, NULL, NULL },
		{ "tags:\"open", ERR_INVALID, 0, 0, NULL, NULL },
		{ "tags:", ERR_INVALID, 0, 0, NULL, NULL },
		{ "justaword", ERR_INVALID, 0, 0, NULL, NULL },
		{ "tags:a tags:b tags:c tags:d tags:e tags:f tags:g tags:h tags:i", ERR_LIMIT, 0, 0, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct opendata_query q = { 0 };
		char buf[256];
		struct err e;
		snprintf(buf, sizeof buf, "%s", cases[i].fq);
		int rc = opendata_query_parse_fq(&q, buf, &e);
		if (rc != cases[i].rc)
			printf("# fq %s: %d (%s)\n", cases[i].fq, rc, e.detail);
		T_EQ_INT(rc, cases[i].rc);
		if (rc)
			continue;
		T_EQ_INT(q.nfq, cases[i].nfq);
		T_EQ_INT(q.none, cases[i].none);
		if (cases[i].f0) {
			T_EQ_STR(q.fq_field[0], cases[i].f0);
			T_EQ_STR(q.fq_value[0], cases[i].v0);
		}
	}
}

static void test_dcat(void)
{
	struct opendata_ctx c = ctx(T1);
	struct buf b;
	buf_init(&b, 1u << 20);
	struct err e;
	T_EQ_INT(opendata_dcat_catalog_ttl(&b, &c, "カタログ \"引用\"", "デモ区", 1, &e), 0);
	T_CHECK(strstr(buf_cstr(&b), "a dcat:Catalog") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "\"カタログ \\\"引用\\\"\"@ja") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "<https://demo.example/dataset/aed> a dcat:Dataset") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "hydra:totalItems \"3\"^^xsd:integer") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "hydra:nextPage") == NULL);
	buf_done(&b);
	json_t *j = NULL;
	T_EQ_INT(opendata_dcat_catalog_jsonld(&j, &c, "t", "p", 1, &e), 0);
	T_CHECK(json_array_size(json_object_get(j, "@graph")) >= 5);
	json_decref(j);
}

/* the reads of the pages (they run no SQL of their own) */
static void test_pages_read(void)
{
	struct err e;
	struct arena *a = arena_new(0);
	T_REQUIRE(a != NULL);

	/* the staff list: most recently modified first, then by name */
	struct opendata_dataset_brief *ds = NULL;
	int n = -1;
	T_EQ_INT(opendata_datasets_recent(&ds, &n, a, s, T1, 500, &e), 0);
	T_CHECK(n >= 3);
	int aed = -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(ds[i].name, "aed") == 0)
			aed = i;
		if (i > 0)
			T_CHECK(ds[i - 1].modified > ds[i].modified ||
				(ds[i - 1].modified == ds[i].modified && strcmp(ds[i - 1].name, ds[i].name) < 0));
	}
	T_REQUIRE(aed >= 0);
	T_EQ_STR(ds[aed].title, "AED設置箇所一覧（改訂）");
	T_EQ_STR(ds[aed].org_title, "防災課");
	T_CHECK(ds[aed].nresources >= 1);
	const char *first = ds[0].name;
	T_EQ_INT(opendata_datasets_recent(&ds, &n, a, s, T1, 1, &e), 0);
	T_EQ_INT(n, 1);
	T_EQ_STR(ds[0].name, first);
	T_EQ_INT(opendata_datasets_recent(&ds, &n, a, s, T1, 0, &e), ERR_INVALID);
	T_EQ_INT(opendata_datasets_recent(&ds, &n, a, s, T1, OPENDATA_ROWS_API_MAX + 1, &e), ERR_INVALID);
	T_EQ_INT(opendata_datasets_recent(&ds, &n, a, s, "999999", 10, &e), 0);
	T_EQ_INT(n, 0);
	T_CHECK(ds == NULL);

	/* a dataset by name: its id and format, in any state or active only */
	struct opendata_ctx c = ctx(T1);
	json_t *p = NULL;
	T_REQUIRE(opendata_package(&p, &c, "aed", &e) == 0);
	char id[OPENDATA_ID_LEN + 1], rid[OPENDATA_ID_LEN + 1];
	snprintf(rid, sizeof rid, "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(p, "resources"), 0), "id")));
	char *fmt = NULL;
	T_EQ_INT(opendata_dataset_find(id, &fmt, s, T1, "aed", 1, &e), 0);
	T_EQ_STR(id, json_string_value(json_object_get(p, "id")));
	T_EQ_STR(fmt, "");
	free(fmt);
	json_decref(p);
	T_EQ_INT(opendata_dataset_find(NULL, NULL, s, T1, "aed", 0, &e), 0);
	fmt = (char *)"untouched";
	T_EQ_INT(opendata_dataset_find(id, &fmt, s, T1, "nosuch", 0, &e), ERR_NOTFOUND);
	T_CHECK(fmt == NULL);

	/* a file's version, bytes and all */
	struct opendata_file f;
	T_EQ_INT(opendata_file_get(&f, s, T1, "aed", rid, 0, &e), 0);
	T_EQ_INT(f.version, 2);
	T_EQ_INT((long)f.len, 8);
	T_EQ_STR((const char *)f.data, "a,b\n1,3\n");
	T_EQ_STR(f.name, "aed.csv");
	T_EQ_STR(f.mimetype, "text/csv");
	T_EQ_STR(f.report, "");
	T_EQ_INT((long)strlen(f.hash), 64);
	opendata_file_done(&f);
	opendata_file_done(&f); /* twice: nothing left */
	T_EQ_INT(opendata_file_get(&f, s, T1, "aed", rid, 1, &e), 0);
	T_EQ_INT(f.version, 1);
	T_EQ_STR((const char *)f.data, "a,b\n1,2\n");
	opendata_file_done(&f);
	T_EQ_INT(opendata_file_get(&f, s, T1, "aed", rid, 3, &e), ERR_NOTFOUND);
	T_EQ_INT(opendata_file_get(&f, s, T1, "dog", rid, 0, &e), ERR_NOTFOUND);
	T_EQ_INT(opendata_file_get(&f, s, T2, "aed", rid, 0, &e), ERR_NOTFOUND);
	T_EQ_INT(opendata_file_get(&f, s, T1, "aed", rid, -1, &e), ERR_INVALID);
	T_CHECK(f.data == NULL);

	/* the latest bytes, for the previews */
	void *data = NULL;
	size_t len = 0;
	T_EQ_INT(opendata_resource_data(&data, &len, s, T1, rid, &e), 0);
	T_EQ_INT((long)len, 8);
	T_EQ_STR((const char *)data, "a,b\n1,3\n");
	free(data);
	T_EQ_INT(opendata_resource_data(&data, &len, s, T2, rid, &e), ERR_NOTFOUND);
	T_CHECK(data == NULL);

	/* a dataset that is no longer active: its name is still taken, its
	 * files are not served, the previews' read does not ask */
	struct store_val w[] = { sv_text(T1), sv_text("aed") };
	T_EQ_INT(store_exec(s, "UPDATE opendata_datasets SET state='withdrawn' WHERE tenant=$1 AND name=$2", w, 2, &e), 1);
	T_EQ_INT(opendata_dataset_find(id, NULL, s, T1, "aed", 0, &e), 0);
	T_EQ_INT(opendata_dataset_find(id, NULL, s, T1, "aed", 1, &e), ERR_NOTFOUND);
	T_EQ_INT(opendata_file_get(&f, s, T1, "aed", rid, 0, &e), ERR_NOTFOUND);
	T_EQ_INT(opendata_resource_data(&data, &len, s, T1, rid, &e), 0);
	free(data);
	T_EQ_INT(opendata_datasets_recent(&ds, &n, a, s, T1, 500, &e), 0);
	for (int i = 0; i < n; i++)
		T_CHECK(strcmp(ds[i].name, "aed") != 0);
	T_EQ_INT(store_exec(s, "UPDATE opendata_datasets SET state='active' WHERE tenant=$1 AND name=$2", w, 2, &e), 1);

	/* every organisation, by title (limit < 0), for the staff form */
	json_t *l = NULL;
	T_EQ_INT(opendata_orgs_list(&l, &c, 1,
				    &(struct opendata_orgs_query){ .all_fields = 1, .sort = "title",
								   .limit = -1 },
				    &e), 0);
	T_EQ_INT(json_array_size(l), 2);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(l, 0), "name")), "kumin"); /* 区民課 < 防災課 */
	T_EQ_STR(json_string_value(json_object_get(json_array_get(l, 1), "title")), "防災課");
	json_decref(l);
	T_EQ_INT(opendata_orgs_list(&l, &c, 1,
				    &(struct opendata_orgs_query){ .all_fields = 1, .sort = "title",
								   .limit = -1, .offset = 1 },
				    &e), ERR_INVALID);
	arena_free(a);
}

int main(void)
{
	tdb_begin(&db, "od");
	setup();
	T_RUN(test_write);
	T_RUN(test_search);
	T_RUN(test_search_fts);
	T_RUN(test_fq_syntax);
	T_RUN(test_dcat);
	T_RUN(test_pages_read);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
