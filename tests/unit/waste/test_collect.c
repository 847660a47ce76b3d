/*
 * test_collect.c -- the ordinary collection calendar in the 5374 format
 * (src/svc/waste/collect.c), on the database MADOGUCHI_TEST_DB names:
 *   - rules: every week (火 金), the n-th weekday of the month counted as
 *     5374 counts it (水1 of January 2026, a month that begins on a
 *     Thursday, is the 7th; 木5 the 29th), months (":4 5"), every other
 *     week from a day, single days, remarks (no days); wrong tokens refused;
 *   - days: none on 12/29-1/3 nor in the centre's closed period; a
 *     national holiday is a collection day; per category bits;
 *   - parsing: every problem with its file, line and column (a bad rule,
 *     a short row, an unclosed quote, a missing file), nothing returned;
 *   - Meguro's real 5374 files: parse -> import -> load -> export gives
 *     the same bytes (LF and CRLF files); the same file in CP932 reads
 *     the same and exports as the UTF-8 original; a second import
 *     replaces the first; the demo files import with their centre.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/waste/collect.h"
#include "svc/waste/waste_int.h"
#include "jp/cp932.h"

static struct tdb db;

#define T1 "139998"

static long D(int y, int m, int d)
{
	return jp_date_to_days((struct jp_date){ y, m, d });
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = malloc(4u << 20);
	*n = d ? fread(d, 1, 4u << 20, f) : 0;
	fclose(f);
	return d;
}

static struct waste_collect_rule R(const char *text)
{
	struct waste_collect_rule r;
	struct err e;
	if (waste_collect_rule_parse(&r, text, &e))
		printf("# rule %s: %s\n", text, e.detail);
	return r;
}

static void test_rules(void)
{
	struct waste_collect_rule r = R("火 金");
	T_EQ_INT(r.ntok, 2);
	int n = 0;
	for (long d = D(2026, 1, 1); d <= D(2026, 1, 31); d++)
		if (waste_collect_rule_holds(&r, d)) {
			enum jp_weekday w = jp_date_weekday(jp_date_from_days(d));
			T_CHECK(w == JP_TUE || w == JP_FRI);
			n++;
		}
	T_EQ_INT(n, 9);   /* Jan 2026: Tuesdays 6 13 20 27, Fridays 2 9 16 23 30 */

	/* January 2026 begins on a Thursday: 水1 is the 7th, 水2 the 14th, 木5 the 29th */
	r = R("水1 水3");
	T_CHECK(!waste_collect_rule_holds(&r, D(2025, 12, 31)));
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 1, 7)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 1, 14)));
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 1, 21)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 1, 28)));
	r = R("木5");
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 1, 29)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 1, 22)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 2, 26)));   /* February 2026 has four Thursdays */
	r = R("土1 土3");
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 8, 1)));      /* a Saturday, the 1st */
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 8, 15)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 8, 8)));

	r = R("月:4 5");
	T_EQ_INT((int)r.months, (1 << 3) | (1 << 4));
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 4, 6)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 6, 1)));

	r = R("隔火20260106");
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 1, 6)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 1, 13)));
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 1, 20)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2025, 12, 23)));   /* before the first day */

	r = R("20260415 *1");
	T_EQ_INT(r.ntok, 2);
	T_CHECK(waste_collect_rule_holds(&r, D(2026, 4, 15)));
	T_CHECK(!waste_collect_rule_holds(&r, D(2026, 4, 16)));
	r = R("*1");
	for (long d = D(2026, 1, 1); d < D(2026, 2, 1); d++)
		T_CHECK(!waste_collect_rule_holds(&r, d));
	r = R("");
	T_EQ_INT(r.ntok, 0);

	struct err e;
	const char *bad[] = { "第2土", "土6", "土0", "Mon", "隔火20260107", "20261332", "月:13", "月:", ":4" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (waste_collect_rule_parse(&r, bad[i], &e) == 0)
			T_FAIL_("\"%s\" was taken", bad[i]);
}

static struct waste_collect *parse3(const char *area_days, const char *center, struct waste_collect_problems *pr,
				    int *rc)
{
	static const char target[] = "label,name,notice,furigana\n可燃ごみ,生ごみ,,な\n";
	static const char desc[] = "label,sublabel,description,styles,bgcolor\r\n可燃ごみ,,,,#ea3b13\r\n";
	const char *data[WASTE_COLLECT_FILES_] = { area_days, target, desc, center };
	size_t len[WASTE_COLLECT_FILES_] = { strlen(area_days), strlen(target), strlen(desc),
					     center ? strlen(center) : 0 };
	struct waste_collect *c = NULL;
	struct err e;
	*rc = waste_collect_parse(&c, data, len, pr, &e);
	return c;
}

static void test_days(void)
{
	struct waste_collect_problems pr;
	int rc;
	struct waste_collect *c = parse3("地名,センター,可燃ごみ,不燃ごみ\n東町,,月 木,月2\n西町,北センター,月 木,月2\n",
					 "名称,休止開始日,休止終了日\n北センター,2026/12/29,2027/1/4\n", &pr, &rc);
	T_EQ_INT(rc, 0);
	T_REQUIRE(c);
	T_EQ_INT(c->nareas, 2);
	T_EQ_INT(c->ncats, 2);
	struct waste_collect_day d[64];
	int n = waste_collect_days(d, 64, c, &c->area[0], (struct jp_date){ 2026, 12, 20 },
				   (struct jp_date){ 2027, 1, 15 });
	/* 東町: Mondays and Thursdays, 12/29-1/3 closed: 12/21 12/24 12/28, 1/4 1/7 1/11 1/14 */
	static const int want[][3] = { { 2026, 12, 21 }, { 2026, 12, 24 }, { 2026, 12, 28 }, { 2027, 1, 4 },
				       { 2027, 1, 7 }, { 2027, 1, 11 }, { 2027, 1, 14 } };
	T_EQ_INT(n, 7);
	for (int i = 0; i < n && i < 7; i++)
		T_CHECK(d[i].date.y == want[i][0] && d[i].date.m == want[i][1] && d[i].date.d == want[i][2]);
	/* 1/11 2027 is 成人の日 (a national holiday) and the 2nd Monday: both categories */
	T_EQ_INT((int)d[5].cats, 3);
	T_EQ_INT((int)d[4].cats, 1);
	/* 12/28 is the 4th Monday: burnable only */
	T_EQ_INT((int)d[2].cats, 1);
	/* 西町: the centre is closed to 1/4 too */
	n = waste_collect_days(d, 64, c, &c->area[1], (struct jp_date){ 2026, 12, 20 }, (struct jp_date){ 2027, 1, 15 });
	T_EQ_INT(n, 6);
	T_CHECK(d[3].date.m == 1 && d[3].date.d == 7);
	T_EQ_INT(waste_collect_days(d, 2, c, &c->area[0], (struct jp_date){ 2026, 12, 20 }, (struct jp_date){ 2027, 1, 15 }),
		 ERR_LIMIT);
	T_EQ_INT(waste_collect_days(d, 64, c, &c->area[0], (struct jp_date){ 2026, 1, 1 }, (struct jp_date){ 2027, 6, 1 }),
		 ERR_LIMIT);
	waste_collect_free(c);
}

static void test_problems(void)
{
	struct waste_collect_problems pr;
	int rc;
	struct waste_collect *c = parse3("地名,センター,可燃ごみ,不燃ごみ\n"
					 "東町,,月 木,月2\n"
					 "西町,,月 木,第2月\n"
					 "南町,,月\n"
					 ",,月,火\n"
					 "東町,,月,火\n"
					 "北町,南センター,月,火\n",
					 "名称,休止開始日,休止終了日\n北センター,2026/12/29,2027/13/4\n", &pr, &rc);
	T_EQ_INT(rc, ERR_INVALID);
	T_CHECK(c == NULL);
	struct { int file; long line; int col; const char *code; } want[] = {
		{ WASTE_COLLECT_CENTER, 2, 3, "date" },
		{ WASTE_COLLECT_AREA_DAYS, 3, 4, "rule" },
		{ WASTE_COLLECT_AREA_DAYS, 4, 0, "cols" },
		{ WASTE_COLLECT_AREA_DAYS, 5, 1, "required" },
		{ WASTE_COLLECT_AREA_DAYS, 6, 1, "dup" },
		{ WASTE_COLLECT_AREA_DAYS, 7, 2, "center" },
	};
	T_EQ_INT(pr.n, 6);
	for (int i = 0; i < pr.n && i < 6; i++) {
		T_EQ_INT((int)pr.p[i].file, want[i].file);
		T_EQ_INT((int)pr.p[i].line, (int)want[i].line);
		T_EQ_INT(pr.p[i].col, want[i].col);
		T_EQ_STR(pr.p[i].code, want[i].code);
	}
	/* an unclosed quote: the CSV reader's line */
	c = parse3("地名,センター,可燃ごみ\n東町,,月\n\"西町,,火\n", NULL, &pr, &rc);
	T_EQ_INT(rc, ERR_INVALID);
	T_EQ_INT(pr.n, 1);
	T_EQ_STR(pr.p[0].code, "csv");
	T_CHECK(pr.p[0].line == 3);
	/* a missing file */
	const char *data[WASTE_COLLECT_FILES_] = { "地名,センター,可燃ごみ\n東町,,月\n", NULL, NULL, NULL };
	size_t len[WASTE_COLLECT_FILES_] = { strlen(data[0]), 0, 0, 0 };
	struct err e;
	T_EQ_INT(waste_collect_parse(&c, data, len, &pr, &e), ERR_INVALID);
	T_EQ_INT(pr.n, 2);
	T_EQ_STR(pr.p[0].code, "missing");
	T_EQ_INT((int)pr.p[0].file, WASTE_COLLECT_TARGET);
}

static void test_round_trip(void)
{
	struct store *s;
	struct err e;
	T_REQUIRE(store_open(&s, db.url, &e) == 0);
	static const char *const names[3] = { "area_days", "target", "description" };
	const char *data[WASTE_COLLECT_FILES_] = { 0 };
	size_t len[WASTE_COLLECT_FILES_] = { 0 };
	char *own[3];
	for (int f = 0; f < 3; f++) {
		char path[200];
		snprintf(path, sizeof path, "tests/data/waste/meguro5374/%s.csv", names[f]);
		data[f] = own[f] = slurp(path, &len[f]);
		T_REQUIRE(own[f]);
	}
	struct waste_collect_problems pr;
	struct waste_collect *c = NULL;
	T_EQ_INT(waste_collect_parse(&c, data, len, &pr, &e), 0);
	T_REQUIRE(c);
	T_EQ_INT(c->nareas, 44);
	T_EQ_INT(c->ntargets, 99);
	T_EQ_INT(c->ncategories, 3);
	T_EQ_INT(waste_collect_import(s, T1, c, &e), 0);
	waste_collect_free(c);
	c = NULL;
	T_EQ_INT(waste_collect_load(&c, s, T1, &e), 0);
	T_REQUIRE(c);
	for (int f = 0; f < 3; f++) {
		struct buf b;
		buf_init(&b, 16u << 20);
		T_EQ_INT(waste_collect_export(&b, c, (enum waste_collect_file)f, &e), 0);
		T_EQ_INT((int)b.len, (int)len[f]);
		T_CHECK(b.len == len[f] && memcmp(buf_cstr(&b), data[f], len[f]) == 0);
		buf_done(&b);
	}
	/* the same area_days.csv in CP932 (as Excel saves it): the same calendar */
	{
		char *sj = NULL;
		size_t sjn = 0;
		struct jp_textpos bad;
		T_REQUIRE(jp_utf8_to_cp932(&sj, &sjn, &bad, data[0], len[0], &e) == 0);
		T_CHECK(sjn < len[0]);
		const char *d2[WASTE_COLLECT_FILES_] = { sj, data[1], data[2], NULL };
		size_t l2[WASTE_COLLECT_FILES_] = { sjn, len[1], len[2], 0 };
		struct waste_collect *c2 = NULL;
		T_EQ_INT(waste_collect_parse(&c2, d2, l2, &pr, &e), 0);
		T_REQUIRE(c2);
		struct buf b2;
		buf_init(&b2, 1u << 20);
		T_EQ_INT(waste_collect_export(&b2, c2, WASTE_COLLECT_AREA_DAYS, &e), 0);
		T_CHECK(b2.len == len[0] && memcmp(buf_cstr(&b2), data[0], len[0]) == 0);
		buf_done(&b2);
		waste_collect_free(c2);
		free(sj);
	}
	/* 青葉台一丁目から四丁目: 可燃 火 金, 不燃 土1 土3, 資源 木 */
	const struct waste_collect_area *a = &c->area[0];
	T_EQ_STR(a->name, "青葉台一丁目から四丁目");
	T_CHECK(waste_collect_area_find(c, a->code) == a);
	T_CHECK(waste_collect_rule_holds(&a->rule[1], D(2026, 8, 1)));
	T_CHECK(!waste_collect_rule_holds(&a->rule[1], D(2026, 8, 8)));
	struct buf b;
	buf_init(&b, 1024);
	T_EQ_INT(waste_collect_export(&b, c, WASTE_COLLECT_CENTER, &e), 0);
	T_EQ_STR(buf_cstr(&b), "名称,休止開始日,休止終了日\n");   /* none imported: the header alone */
	buf_done(&b);
	waste_collect_free(c);
	for (int f = 0; f < 3; f++)
		free(own[f]);

	/* the demo replaces it: its 9 areas and its centre's closed period */
	T_EQ_INT(waste_collect_demo(s, T1, &e), 0);
	c = NULL;
	T_EQ_INT(waste_collect_load(&c, s, T1, &e), 0);
	T_REQUIRE(c);
	T_EQ_INT(c->nareas, 9);
	T_EQ_INT(c->ncenters, 1);
	T_CHECK(waste_collect_closed(&c->area[0], D(2027, 1, 4)));
	T_CHECK(!waste_collect_closed(&c->area[0], D(2027, 1, 5)));
	waste_collect_free(c);
	/* another municipality has none */
	T_EQ_INT(waste_collect_load(&c, s, "139999", &e), ERR_NOTFOUND);
	store_close(s);
}

static void setup(void)
{
	struct store *s;
	struct err e;
	int applied = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (store_open(&s, db.url, &e) || app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e)) {
		printf("Bail out! setup: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "wastecollect");
	setup();
	T_RUN(test_rules);
	T_RUN(test_days);
	T_RUN(test_problems);
	T_RUN(test_round_trip);
	tdb_end(&db);
	return t_done();
}
