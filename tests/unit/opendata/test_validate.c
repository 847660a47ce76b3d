/*
 * test_validate.c -- the validator against Japan's standard formats
 * (data/opendata/schemas): on the REAL files of ../shared/data/opendata
 * (format detected, each known defect reported by line and column), on
 * crafted bad files (lost leading zero, check digit, swapped and foreign
 * coordinates, dates, ○ for 1, look-alike header, missing column, field
 * count, malformed CSV, invalid UTF-8, truncated CP932), derived GeoJSON,
 * and on generated big files in /tmp (50 MB, a million rows) that must get
 * a clear answer in bounded memory.
 *
 * Run from the repository root (tests/run.sh does); the shared data is
 * MADOGUCHI_SHARED_DATA or ../shared/data (the test of the real files
 * fails, saying where it looked, when it is absent: never a silent pass).
 */
#include "t.h"

#include <fcntl.h>
#include <jansson.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jp/checkdigit.h"
#include "jp/cp932.h"
#include "svc/opendata/opendata.h"

static struct opendata_formats fs;
static char shared[512];

static int has(const struct opendata_report *r, const char *code, long line, int col)
{
	for (int i = 0; i < r->nproblems; i++)
		if (strcmp(r->problems[i].code, code) == 0 && (line < 0 || r->problems[i].line == line) &&
		    (col < 0 || r->problems[i].col == col))
			return 1;
	return 0;
}

static int count(const struct opendata_report *r, const char *code)
{
	int n = 0;
	for (int i = 0; i < r->nproblems; i++)
		n += strcmp(r->problems[i].code, code) == 0;
	return n;
}

static int vfile(struct opendata_report *r, const char *name, int derive)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/opendata/%s", shared, name);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return -100;
	struct opendata_validate_opts o = { .derive = derive };
	struct err e;
	int rc = opendata_validate_fd(r, &fs, fd, &o, &e);
	close(fd);
	return rc;
}

static int vbuf(struct opendata_report *r, const char *s, size_t n, const char *fmt)
{
	struct opendata_validate_opts o = { .format_id = fmt, .derive = 1 };
	struct err e;
	return opendata_validate_buf(r, &fs, s, n ? n : strlen(s), &o, &e);
}

static void test_formats_load(void)
{
	T_CHECK(fs.n >= 19);
	const struct opendata_format *f = opendata_format_find(&fs, "suisho-10-evacuation-space");
	T_REQUIRE(f != NULL);
	T_EQ_STR(f->cols[0].name, "NO");
	T_CHECK(opendata_format_find(&fs, "std-public-toilet") != NULL);
	for (int i = 1; i <= 14; i++) {
		char pre[32];
		snprintf(pre, sizeof pre, "suisho-%02d-", i);
		int found = 0;
		for (int k = 0; k < fs.n; k++)
			found |= strncmp(fs.f[k].id, pre, strlen(pre)) == 0;
		T_CHECK(found);
	}
}

static void test_real_files(void)
{
	/* not a skip: without the real files this test has checked nothing,
	 * and it says so as a failure */
	if (access(shared, R_OK) != 0) {
		T_FAIL_("no shared data at %s (set MADOGUCHI_SHARED_DATA to the "
			"directory holding opendata/)", shared);
		return;
	}
	static const struct { const char *file, *format; long rows; int errors; } want[] = {
		{ "yaizu_222127_aed.csv", "suisho-01-aed", 82, 0 },
		{ "yaizu_222127_evacuation_space.csv", "suisho-10-evacuation-space", 31, 1 },
		{ "yaizu_222127_hinannjo.csv", NULL, 56, 0 },
		{ "yaizu_222127_public_toilet.csv", "std-public-toilet", 112, 0 },
		{ "yaizu_222127_fire_hydrant.csv", "std-fire-hydrant", 193, 0 },
		{ "yaizu_222127_preschool.csv", "suisho-13-childcare", 60, 1 },
		{ "yaizu_222127_public_facility-59773.csv", "suisho-12-public-facility", 230, 0 },
		{ "yaizu_222127_public_wireless_lan.csv", "suisho-07-public-wireless-lan", 17, 0 },
		{ "koto_GIS_131083_public_toilet.csv", "std-public-toilet", 191, 0 },
		{ "kiyose_132217_public_toilet.csv", "suisho-08-public-toilet", 27, 1 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct opendata_report r;
		int rc = vfile(&r, want[i].file, 1);
		T_EQ_INT(rc, 0);
		if (rc == -100)
			continue;
		printf("# %s: %s, %ld rows, %ld errors, %ld warnings\n", want[i].file,
		       r.format ? r.format->id : "-", r.rows, r.nerrors, r.nwarnings);
		if (want[i].format)
			T_CHECK(r.format && strcmp(r.format->id, want[i].format) == 0);
		else
			T_CHECK(r.format == NULL);
		T_EQ_INT(r.rows, want[i].rows);
		T_EQ_STR(r.encoding, "UTF-8");
		T_EQ_INT(r.nerrors > 0, want[i].errors);
		opendata_report_done(&r);
	}
	/* the known defects, each by line and column */
	struct opendata_report r;
	T_EQ_INT(vfile(&r, "yaizu_222127_evacuation_space.csv", 0), 0);
	T_CHECK(has(&r, "maru_for_one", 2, 17));     /* 災害種別_地震 = ○ */
	T_CHECK(has(&r, "maru_for_one", 2, 18));     /* 災害種別_津波 = ○ */
	T_EQ_INT(count(&r, "maru_for_one"), r.nerrors);
	T_CHECK(strstr(r.problems[0].ja, "「1」") != NULL);
	opendata_report_done(&r);
	T_EQ_INT(vfile(&r, "yaizu_222127_preschool.csv", 0), 0);
	T_CHECK(has(&r, "misnamed_column", 1, 1));   /* コ―ド with U+2015 */
	T_CHECK(strstr(r.problems[0].ja, "都道府県コ―ド又は市区町村コ―ド") != NULL);
	T_EQ_STR(r.problems[0].column, "都道府県コード又は市区町村コード");
	opendata_report_done(&r);
	T_EQ_INT(vfile(&r, "kiyose_132217_public_toilet.csv", 0), 0);
	T_CHECK(has(&r, "misnamed_column", 1, 1));   /* 市区町村コード for 都道府県コード又は… */
	T_CHECK(has(&r, "required", 2, 10));         /* 設置位置 empty */
	opendata_report_done(&r);
	/* derived GeoJSON: one feature per row with a point */
	T_EQ_INT(vfile(&r, "yaizu_222127_aed.csv", 1), 0);
	T_EQ_INT(r.geo_rows, 82);
	T_CHECK(r.derived_ok);
	json_error_t je;
	json_t *g = json_loadb(r.geojson.data, r.geojson.len, 0, &je);
	T_REQUIRE(g != NULL);
	T_EQ_INT(json_array_size(json_object_get(g, "features")), 82);
	json_t *f0 = json_array_get(json_object_get(g, "features"), 0);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(f0, "properties"), "名称")), "市役所本館");
	json_decref(g);
	json_t *j = json_loadb(r.json.data, r.json.len, 0, &je);
	T_EQ_INT(json_array_size(j), 82);
	json_decref(j);
	opendata_report_done(&r);
}

static void code6(char *out, const char *five)
{
	int d = 0;
	jp_lgcode_check_digit(&d, five, NULL);
	sprintf(out, "%s%d", five, d);
}

static void test_crafted(void)
{
	struct opendata_report r;
	char sap[8], bad[8];
	code6(sap, "01100");                     /* 札幌市 */
	snprintf(bad, sizeof bad, "%.5s%d", sap, (sap[5] - '0' + 1) % 10);
	char csv[4096];
	const char *hdr = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,住所,方書,緯度,経度,設置位置,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,小児対応設備の有無,URL,備考\n";
	snprintf(csv, sizeof csv, "%s"
		 "%s,1,北海道,札幌市,A,エー,住所1,,43.06,141.35,1階,,,,,,09:00,17:00,,有,https://x.example/,\n"
		 "%s,2,北海道,札幌市,B,ビー,住所2,,43.06,141.35,1階,,,,,,9:00,17:00,,無,,\n"
		 "%s,3,北海道,札幌市,C,シー,住所3,,141.35,43.06,1階,,,,,,,,,,,\n"
		 "%s,4,北海道,札幌市,D,ディー,住所4,,51.5,-0.12,1階,,,,,,,,,,,\n"
		 "%s,5,北海道,札幌市,,イー,,,43.0,141.0,1階,,,,,,,,,あり,ftp://x,\n"
		 "%s,6,北海道,札幌市,F,エフ,住所6\n",
		 hdr, sap, sap + 1, sap, sap, bad, sap);
	T_EQ_INT(vbuf(&r, csv, 0, NULL), 0);
	T_REQUIRE(r.format != NULL);
	T_EQ_STR(r.format->id, "suisho-01-aed");
	T_CHECK(has(&r, "lost_zero", 3, 1));
	T_CHECK(has(&r, "latlon_swapped", 4, 9));
	T_CHECK(has(&r, "outside_japan", 5, 9));
	T_CHECK(has(&r, "check_digit", 6, 1));
	T_CHECK(has(&r, "required", 6, 5));          /* 名称 */
	T_CHECK(has(&r, "required", 6, 7));          /* 住所 */
	T_CHECK(has(&r, "bad_choice", 6, 20));       /* あり for 有/無 */
	T_CHECK(has(&r, "bad_url", 6, 21));
	T_CHECK(has(&r, "field_count", 7, 0));
	T_EQ_INT(r.geo_rows, 3);
	opendata_report_done(&r);

	/* 指定緊急避難場所: ○ for 1, dates, a missing required column */
	const char *ev = "NO,名称,名称_カナ,住所,方書,緯度,経度,標高,電話番号,内線番号,市区町村コード,都道府県名,市区町村名,"
			 "災害種別_洪水,災害種別_崖崩れ、土石流及び地滑り,災害種別_高潮,災害種別_地震,災害種別_津波,"
			 "災害種別_大規模な火事,災害種別_内水氾濫,災害種別_火山現象,想定収容人数,対象となる町会・自治会,URL,備考\n"
			 "1,公園,コウエン,住所,,35.7,139.7,,03,,139998,東京都,デモ区,1,,○,〇,2,,,,１００,,,\n";
	T_EQ_INT(vbuf(&r, ev, 0, "suisho-10-evacuation-space"), 0);
	T_CHECK(has(&r, "maru_for_one", 2, 16));
	T_CHECK(has(&r, "maru_for_one", 2, 17));
	T_CHECK(has(&r, "bad_flag", 2, 18));
	T_CHECK(has(&r, "missing_column", 1, 0));    /* 指定避難所との重複 */
	T_CHECK(has(&r, "not_integer", 2, 22));      /* full-width １００ */
	opendata_report_done(&r);

	const char *pop = "都道府県コード又は市区町村コード,地域コード,都道府県名,市区町村名,調査年月日,地域名,総人口,男性,女性\n"
			  "139998,1,東京都,デモ区,2026/10/01,A,3,1,2\n139998,2,東京都,デモ区,2026-02-30,B,3,1,2\n";
	T_EQ_INT(vbuf(&r, pop, 0, "suisho-11-population"), 0);
	T_CHECK(has(&r, "date_format", 2, 5));
	T_CHECK(has(&r, "bad_date", 3, 5));
	opendata_report_done(&r);

	/* look-alike in a header: U+2015 and a full-width underscore */
	const char *look = "都道府県コ―ド又は市区町村コ―ド,NO,都道府県名,市区町村名,名称,名称＿カナ,住所,方書,緯度,経度,設置位置\n";
	T_EQ_INT(vbuf(&r, look, 0, "suisho-01-aed"), 0);
	T_CHECK(has(&r, "misnamed_column", 1, 1));
	T_CHECK(has(&r, "misnamed_column", 1, 6));
	opendata_report_done(&r);
}

static void test_unreadable(void)
{
	struct opendata_report r;
	T_EQ_INT(vbuf(&r, "a,b\n1,\"2\"x\n", 0, NULL), ERR_INVALID);
	T_CHECK(r.fatal);
	T_CHECK(has(&r, "unreadable", 2, 0));
	opendata_report_done(&r);
	T_EQ_INT(vbuf(&r, "a,b\n1,2\n3,\xff\xfe\xfd\n", 0, NULL), ERR_INVALID);
	T_CHECK(has(&r, "unreadable", 3, 0));
	opendata_report_done(&r);
	/* CP932 cut in the middle of a character at the end */
	char *sj = NULL;
	size_t sl = 0;
	const char *u = "名称,住所\n区役所,日の出町\n";
	T_REQUIRE(jp_utf8_to_cp932(&sj, &sl, NULL, u, strlen(u), NULL) == 0);
	T_EQ_INT(vbuf(&r, sj, sl - 2, NULL), ERR_INVALID);
	T_CHECK(r.fatal);
	opendata_report_done(&r);
	T_EQ_INT(vbuf(&r, sj, sl, NULL), 0);
	T_EQ_STR(r.encoding, "CP932 (Shift_JIS)");
	T_EQ_INT(r.rows, 1);
	opendata_report_done(&r);
	free(sj);
	T_EQ_INT(vbuf(&r, "", 0, NULL) != 0, 1);
	T_CHECK(has(&r, "empty", -1, -1));
	opendata_report_done(&r);
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_big_files(void)
{
	char path[128];
	snprintf(path, sizeof path, "/tmp/madoguchi-od-big-%d.csv", (int)getpid());
	/* 50 MB of AED rows (UTF-8) */
	FILE *f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	fputs("都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,住所,方書,緯度,経度,設置位置,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,小児対応設備の有無,URL,備考\n", f);
	long rows = 0;
	while (ftell(f) < 50L * 1000 * 1000) {
		fprintf(f, "139998,%010ld,東京都,デモ区,デモ区の施設その%ld,デモクノシセツ,東京都デモ区日の出町1-2-3,,35.70%04ld,139.74%04ld,1階正面入口 受付の横です,03-0000-0000,,,デモ区,月火水木金,08:30,17:15,,有,,\n",
			rows + 1, rows + 1, rows % 10000, rows % 10000);
		rows++;
	}
	fclose(f);
	long before = max_rss_kb();
	int fd = open(path, O_RDONLY);
	struct opendata_report r;
	struct opendata_validate_opts o = { .derive = 0 };
	struct err e;
	T_EQ_INT(opendata_validate_fd(&r, &fs, fd, &o, &e), 0);
	close(fd);
	T_EQ_INT(r.rows, rows);
	T_EQ_INT(r.nerrors, 0);
	printf("# 50 MB: %ld rows validated; peak RSS %ld -> %ld KB\n", rows, before, max_rss_kb());
	T_CHECK(max_rss_kb() - before < 64 * 1024);
	opendata_report_done(&r);
	/* with derived outputs, they stop at the blob limit instead of growing */
	fd = open(path, O_RDONLY);
	o.derive = 1;
	T_EQ_INT(opendata_validate_fd(&r, &fs, fd, &o, &e), 0);
	close(fd);
	T_CHECK(!r.derived_ok);
	T_CHECK(r.geojson.len <= OPENDATA_BLOB_MAX);
	opendata_report_done(&r);
	/* a million rows: refused at the row limit with a clear problem */
	f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	fputs("a,b\n", f);
	for (long i = 0; i < 1000000; i++)
		fprintf(f, "%ld,x\n", i);
	fclose(f);
	fd = open(path, O_RDONLY);
	o.derive = 1;
	int rc = opendata_validate_fd(&r, &fs, fd, &o, &e);
	close(fd);
	T_EQ_INT(rc, ERR_LIMIT);
	T_CHECK(r.fatal);
	T_CHECK(has(&r, "too_many_rows", -1, 0));
	T_EQ_INT(r.rows, OPENDATA_ROWS_MAX);
	for (int i = 0; i < r.nproblems; i++)
		if (strcmp(r.problems[i].code, "too_many_rows") == 0)
			printf("# %s / %s\n", r.problems[i].ja, r.problems[i].en);
	printf("# 1,000,000 rows: peak RSS %ld KB\n", max_rss_kb());
	/* the memory bound holds for the real build; AddressSanitizer's shadow
	 * memory and quarantine make RSS meaningless there */
#if !defined(__SANITIZE_ADDRESS__)
	T_CHECK(max_rss_kb() - before < 128 * 1024);
#endif
	opendata_report_done(&r);
	unlink(path);
}

int main(void)
{
	const char *sd = getenv("MADOGUCHI_SHARED_DATA");
	snprintf(shared, sizeof shared, "%s", sd && *sd ? sd : "../shared/data");
	struct err e;
	if (opendata_formats_load(&fs, "data/opendata/schemas", &e) != 0) {
		printf("# cannot load data/opendata/schemas (run from the repository root): %s\n", e.detail);
		printf("not ok 1 - formats\n1..1\n");
		return 1;
	}
	T_RUN(test_formats_load);
	T_RUN(test_real_files);
	T_RUN(test_crafted);
	T_RUN(test_unreadable);
	T_RUN(test_big_files);
	opendata_formats_done(&fs);
	return t_done();
}
