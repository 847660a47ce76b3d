/*
 * opendata_bench.c -- helper of bench/opendata.sh: fill a catalog with N
 * generated datasets (fictional デモ区 data: titles, descriptions and tags
 * drawn from municipal words, 10 organisations, 5 groups, one small CSV
 * resource each), and print a query list for the latency run.
 *
 *   build/bench/opendata_bench gen DBURL TENANT N      (after madoguchi demo)
 *   build/bench/opendata_bench queries N               (one query string a line)
 *
 * Deterministic (fixed seed), one transaction per 500 datasets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/app.h"
#include "svc/opendata/opendata.h"
#include "core/search/search.h"

static const char *const words[] = {
	"防災", "避難所", "保育園", "人口", "統計", "ごみ", "公園", "図書館", "道路", "子育て",
	"高齢者", "観光", "イベント", "予算", "選挙", "水道", "駐車場", "自転車", "犬", "猫",
	"学校", "給食", "医療", "介護", "トイレ", "AED", "Wi-Fi", "文化財", "税", "住宅",
	"バス停", "消防", "交通事故", "保健所", "児童館", "体育館", "公民館", "防犯灯", "樹木", "河川",
};
#define NW (sizeof words / sizeof words[0])
static const char *const towns[] = { "日の出町", "あじさい町", "もみじ台", "みどり坂", "さくら通", "ひかり丘" };
static const char *const orgs[] = { "somu", "bosai", "kosodate", "kankyo", "kumin", "toshi", "kenko", "kyoiku", "zaisei", "bunka" };
static const char *const groups[] = { "g-bosai", "g-shisetsu", "g-kosodate", "g-gomi", "g-tokei" };

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static int gen(const char *db, const char *tenant, long n)
{
	struct store *s;
	struct err e;
	if (store_open(&s, db, &e) || app_migrate(s, NULL, &e)) {
		fprintf(stderr, "opendata_bench: %s\n", e.detail);
		return 1;
	}
	int64_t now = (int64_t)time(NULL);
	/* the full-text projection, as the import writes it (the server's
	 * index builds itself from it at start-up) */
	struct search *sr = NULL;
	if (search_open(&sr, s, ":memory:", NULL, &e)) {
		fprintf(stderr, "opendata_bench: %s\n", e.detail);
		return 1;
	}
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = opendata_licenses_seed(s, tenant, &e);
	for (size_t i = 0; rc == 0 && i < sizeof orgs / sizeof orgs[0]; i++) {
		char t[64];
		snprintf(t, sizeof t, "デモ区 %s 課（架空）", orgs[i]);
		struct opendata_org o = { orgs[i], t, NULL, NULL };
		rc = opendata_org_put(NULL, s, tenant, &o, now, &e);
	}
	for (size_t i = 0; rc == 0 && i < sizeof groups / sizeof groups[0]; i++) {
		struct opendata_org g = { groups[i], groups[i] + 2, NULL, NULL };
		rc = opendata_group_put(NULL, s, tenant, &g, now, &e);
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	for (long i = 0; rc == 0 && i < n; i++) {
		if (i % 500 == 0 && (rc = store_begin(s, &e)))
			break;
		const char *w1 = words[rnd(NW)], *w2 = words[rnd(NW)], *town = towns[rnd(6)];
		char name[64], title[256], notes[1024];
		snprintf(name, sizeof name, "bench-%06ld", i);
		snprintf(title, sizeof title, "%s の %s・%s 一覧 %ld年度", town, w1, w2, 2000 + i % 27);
		snprintf(notes, sizeof notes, "架空のデモ区が公開する%sと%sに関するデータです。%sの%s、%s。ベンチマーク用の架空データ %ld。",
			 w1, w2, town, words[rnd(NW)], words[rnd(NW)], i);
		const char *tags[3] = { w1, w2, words[rnd(NW)] };
		const char *grp[1] = { groups[rnd(5)] };
		struct opendata_dataset d = { .name = name, .title = title, .notes = notes,
					      .org_name = orgs[rnd(10)], .license_id = i % 3 ? "cc-by-4.0" : "jp-pdl-1.0",
					      .tags = tags, .ntags = 3, .groups = grp, .ngroups = 1,
					      .spatial = "デモ区（架空）", .frequency = "毎年" };
		char id[OPENDATA_ID_LEN + 1];
		rc = opendata_dataset_put(id, NULL, s, tenant, &d, now - (n - i), &e);
		char csv[256];
		int len = snprintf(csv, sizeof csv, "名称,値\n%s,%ld\n", w1, i);
		struct opendata_resource_in in = { .name = "data.csv", .format = i % 7 ? "CSV" : "XLSX",
						   .mimetype = "text/csv", .data = csv, .len = (size_t)len };
		if (rc == 0)
			rc = opendata_resource_put(NULL, s, tenant, id, &in, now - (n - i), &e);
		if (rc == 0)
			rc = opendata_search_put(sr, s, tenant, id, &e);
		if (rc == 0 && (i % 500 == 499 || i == n - 1))
			rc = store_commit(s, &e);
	}
	if (rc)
		fprintf(stderr, "opendata_bench: %s\n", e.detail);
	search_close(sr);
	store_close(s);
	return rc ? 1 : 0;
}

/* 1- to 4-character words, two words, and facet filters */
static void queries(long n)
{
	for (long i = 0; i < n; i++) {
		const char *w = words[rnd(NW)];
		switch (i % 5) {
		case 0: printf("q=%s\n", w); break;
		case 1: printf("q=%s %s\n", w, words[rnd(NW)]); break;
		case 2: printf("fq=tags:%s\n", w); break;
		case 3: printf("q=%s&fq=organization:%s&facet.field=[\"tags\",\"res_format\"]\n", w, orgs[rnd(10)]); break;
		default: printf("q=%s&sort=metadata_modified desc&rows=20\n", towns[rnd(6)]);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argv[3], atol(argv[4]));
	if (argc == 3 && strcmp(argv[1], "queries") == 0) {
		queries(atol(argv[2]));
		return 0;
	}
	fprintf(stderr, "usage: opendata_bench gen DBURL TENANT N | queries N\n");
	return 2;
}
