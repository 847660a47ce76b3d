/*
 * test_wareki.c -- dates, day of week, 和暦 both ways and 年度.
 *
 * Expected values come from the era change dates in the 元号 ordinances
 * (明治 as registries count it, 大正 1912-07-30, 昭和 1926-12-25, 平成
 * 1989-01-08, 令和 2019-05-01) and from well-known dates, and the
 * day-of-week / day-number code is checked against glibc's timegm/gmtime
 * over 1900-2100, never against its own output.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <time.h>

#include "t.h"
#include "jp/date.h"
#include "jp/wareki.h"

static struct jp_date D(int y, int m, int d)
{
	struct jp_date r = {y, m, d};
	return r;
}

static void test_date_valid(void)
{
	T_CHECK(jp_date_valid(D(2024, 2, 29)));
	T_CHECK(!jp_date_valid(D(2023, 2, 29)));
	T_CHECK(jp_date_valid(D(2000, 2, 29)));
	T_CHECK(!jp_date_valid(D(1900, 2, 29)));
	T_CHECK(!jp_date_valid(D(2026, 2, 30)));
	T_CHECK(!jp_date_valid(D(2026, 4, 31)));
	T_CHECK(!jp_date_valid(D(2026, 13, 1)));
	T_CHECK(!jp_date_valid(D(2026, 0, 1)));
	T_CHECK(!jp_date_valid(D(2026, 1, 0)));
	T_CHECK(!jp_date_valid(D(0, 1, 1)));
	T_CHECK(!jp_date_valid(D(10000, 1, 1)));
}

/* Day numbers and weekdays against glibc over 1900..2100. */
static void test_date_vs_libc(void)
{
	int bad = 0;
	for (int y = 1900; y <= 2100 && bad < 5; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= jp_date_month_days(y, m); d++) {
				struct tm tm = {0};
				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = d;
				time_t t = timegm(&tm);
				struct tm g;
				gmtime_r(&t, &g);
				long days = (long)(t / 86400);
				struct jp_date jd = D(y, m, d);
				if (jp_date_to_days(jd) != days ||
				    (int)jp_date_weekday(jd) != g.tm_wday ||
				    jp_date_cmp(jp_date_from_days(days), jd)) {
					T_FAIL_("%04d-%02d-%02d disagrees with libc",
						y, m, d);
					bad++;
				}
			}
	/* Every month length too (glibc normalises 2023-02-29 to Mar 1). */
	for (int y = 1900; y <= 2100; y++)
		for (int m = 1; m <= 12; m++) {
			struct tm tm = {0};
			tm.tm_year = y - 1900;
			tm.tm_mon = m - 1;
			tm.tm_mday = jp_date_month_days(y, m) + 1;
			time_t t = timegm(&tm);
			struct tm g;
			gmtime_r(&t, &g);
			T_EQ_INT(g.tm_mday, 1);
		}
}

static void test_weekday_known(void)
{
	T_EQ_INT(jp_date_weekday(D(2019, 5, 1)), JP_WED);
	T_EQ_INT(jp_date_weekday(D(1989, 1, 7)), JP_SAT);
	T_EQ_INT(jp_date_weekday(D(2011, 3, 11)), JP_FRI);
	T_EQ_INT(jp_date_weekday(D(1970, 1, 1)), JP_THU);
	T_EQ_INT(jp_date_weekday(D(1945, 8, 15)), JP_WED);
	T_EQ_STR(jp_weekday_name_ja(JP_SUN), "日");
	T_EQ_STR(jp_weekday_name_ja(JP_SAT), "土");
	T_EQ_STR(jp_weekday_name_en(JP_MON), "Monday");
	T_CHECK(jp_weekday_name_ja((enum jp_weekday)7) == NULL);
	struct jp_date d = jp_date_add_days(D(2024, 2, 28), 1);
	T_CHECK(jp_date_cmp(d, D(2024, 2, 29)) == 0);
	d = jp_date_add_days(D(2024, 3, 1), -1);
	T_CHECK(jp_date_cmp(d, D(2024, 2, 29)) == 0);
	d = jp_date_add_days(D(1999, 12, 31), 1);
	T_CHECK(jp_date_cmp(d, D(2000, 1, 1)) == 0);
}

static void test_iso(void)
{
	struct jp_date d;
	struct err e;
	char buf[JP_DATE_ISO_SIZE];
	T_EQ_INT(jp_date_parse_iso(&d, "2026-11-22", &e), 0);
	T_CHECK(jp_date_cmp(d, D(2026, 11, 22)) == 0);
	T_EQ_INT(jp_date_parse_iso(&d, "2024-02-29", &e), 0);
	T_EQ_INT(jp_date_parse_iso(&d, "2023-02-29", &e), ERR_INVALID);
	T_EQ_INT(jp_date_parse_iso(&d, "2026-1-22", &e), ERR_INVALID);
	T_EQ_INT(jp_date_parse_iso(&d, "2026/11/22", &e), ERR_INVALID);
	T_EQ_INT(jp_date_parse_iso(&d, "2026-11-22x", &e), ERR_INVALID);
	T_EQ_INT(jp_date_parse_iso(&d, "20a6-11-22", &e), ERR_INVALID);
	T_EQ_INT(jp_date_parse_iso(&d, "", &e), ERR_INVALID);
	T_EQ_INT(jp_date_parse_iso(&d, NULL, &e), ERR_INVALID);
	char longs[200];
	memset(longs, '1', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	T_EQ_INT(jp_date_parse_iso(&d, longs, &e), ERR_LIMIT);
	T_EQ_INT(jp_date_format_iso(buf, sizeof buf, D(1989, 1, 8), &e), 0);
	T_EQ_STR(buf, "1989-01-08");
	T_EQ_INT(jp_date_format_iso(buf, 10, D(1989, 1, 8), &e), ERR_LIMIT);
	T_EQ_INT(jp_date_format_iso(buf, sizeof buf, D(1989, 2, 30), &e),
		 ERR_INVALID);
}

static void fmt_is(struct jp_date d, enum jp_wareki_style st, unsigned fl,
		   const char *want)
{
	char buf[JP_WAREKI_SIZE];
	struct err e;
	int rc = jp_wareki_format(buf, sizeof buf, d, st, fl, &e);
	if (rc) {
		T_FAIL_("format %04d-%02d-%02d failed: %s", d.y, d.m, d.d,
			e.detail);
		return;
	}
	if (strcmp(buf, want))
		T_FAIL_("format %04d-%02d-%02d: got %s want %s", d.y, d.m,
			d.d, buf, want);
}

static void test_format_boundaries(void)
{
	fmt_is(D(2026, 11, 22), JP_WAREKI_KANJI, 0, "令和8年11月22日");
	fmt_is(D(2026, 11, 22), JP_WAREKI_SHORT, 0, "R8.11.22");
	fmt_is(D(2026, 11, 22), JP_WAREKI_ENGLISH, 0, "Reiwa 8.11.22");
	fmt_is(D(2019, 5, 1), JP_WAREKI_KANJI, 0, "令和元年5月1日");
	fmt_is(D(2019, 5, 1), JP_WAREKI_KANJI, JP_WAREKI_NO_GANNEN,
	       "令和1年5月1日");
	fmt_is(D(2019, 5, 1), JP_WAREKI_SHORT, 0, "R1.5.1");
	fmt_is(D(2019, 4, 30), JP_WAREKI_KANJI, 0, "平成31年4月30日");
	fmt_is(D(2019, 4, 30), JP_WAREKI_SHORT, 0, "H31.4.30");
	fmt_is(D(1989, 1, 7), JP_WAREKI_KANJI, 0, "昭和64年1月7日");
	fmt_is(D(1989, 1, 8), JP_WAREKI_KANJI, 0, "平成元年1月8日");
	fmt_is(D(1989, 1, 8), JP_WAREKI_ENGLISH, 0, "Heisei 1.1.8");
	fmt_is(D(1926, 12, 24), JP_WAREKI_KANJI, 0, "大正15年12月24日");
	fmt_is(D(1926, 12, 25), JP_WAREKI_KANJI, 0, "昭和元年12月25日");
	fmt_is(D(1912, 7, 29), JP_WAREKI_KANJI, 0, "明治45年7月29日");
	fmt_is(D(1912, 7, 30), JP_WAREKI_KANJI, 0, "大正元年7月30日");
	fmt_is(D(1912, 7, 30), JP_WAREKI_SHORT, 0, "T1.7.30");
	fmt_is(D(1868, 1, 25), JP_WAREKI_KANJI, 0, "明治元年1月25日");
	fmt_is(D(1873, 1, 1), JP_WAREKI_KANJI, 0, "明治6年1月1日");
	fmt_is(D(1945, 8, 15), JP_WAREKI_KANJI, 0, "昭和20年8月15日");
	fmt_is(D(1945, 8, 15), JP_WAREKI_SHORT, 0, "S20.8.15");
	fmt_is(D(1995, 1, 17), JP_WAREKI_KANJI, 0, "平成7年1月17日");
	fmt_is(D(1995, 1, 17), JP_WAREKI_ENGLISH, 0, "Heisei 7.1.17");
	fmt_is(D(1900, 1, 1), JP_WAREKI_ENGLISH, 0, "Meiji 33.1.1");
	fmt_is(D(1920, 1, 1), JP_WAREKI_ENGLISH, 0, "Taisho 9.1.1");
	fmt_is(D(1960, 1, 1), JP_WAREKI_ENGLISH, 0, "Showa 35.1.1");

	char buf[JP_WAREKI_SIZE];
	struct err e;
	T_EQ_INT(jp_wareki_format(buf, sizeof buf, D(1868, 1, 24),
				  JP_WAREKI_KANJI, 0, &e),
		 ERR_INVALID);
	T_EQ_INT(jp_wareki_format(buf, sizeof buf, D(2026, 2, 30),
				  JP_WAREKI_KANJI, 0, &e),
		 ERR_INVALID);
	T_EQ_INT(jp_wareki_format(buf, 8, D(2026, 11, 22), JP_WAREKI_KANJI, 0,
				  &e),
		 ERR_LIMIT);
	struct jp_wareki w;
	T_EQ_INT(jp_wareki_from_date(&w, D(2019, 4, 30), NULL), 0);
	T_EQ_INT(w.era, JP_ERA_HEISEI);
	T_EQ_INT(w.year, 31);
	T_EQ_STR(jp_era_info(JP_ERA_REIWA)->kanji, "令和");
	T_EQ_STR(jp_era_info(JP_ERA_SHOWA)->english, "Showa");
	T_CHECK(jp_era_info(JP_ERA_NONE) == NULL);
}

static void parse_is(const char *s, int y, int m, int d)
{
	struct jp_date out = {0, 0, 0};
	struct err e;
	err_clear(&e);
	int rc = jp_wareki_parse(&out, s, &e);
	if (rc) {
		T_FAIL_("parse \"%s\" failed: %s", s, e.detail);
		return;
	}
	if (out.y != y || out.m != m || out.d != d)
		T_FAIL_("parse \"%s\": got %04d-%02d-%02d want %04d-%02d-%02d",
			s, out.y, out.m, out.d, y, m, d);
}

static void parse_bad(const char *s, int code)
{
	struct jp_date out;
	struct err e;
	err_clear(&e);
	int rc = jp_wareki_parse(&out, s, &e);
	if (rc != code)
		T_FAIL_("parse \"%s\": rc %d want %d", s, rc, code);
	else if (e.code != code || !e.detail[0])
		T_FAIL_("parse \"%s\": err not filled", s);
}

static void test_parse(void)
{
	parse_is("令和元年5月1日", 2019, 5, 1);
	parse_is("令和1年5月1日", 2019, 5, 1);
	parse_is("R1.5.1", 2019, 5, 1);
	parse_is("r1-5-1", 2019, 5, 1);
	parse_is("H31/4/30", 2019, 4, 30);
	parse_is("令和８年１１月２２日", 2026, 11, 22);
	parse_is("Ｒ８．１１．２２", 2026, 11, 22);
	parse_is("令和八年十一月二十二日", 2026, 11, 22);
	parse_is("令和元年五月一日", 2019, 5, 1);
	parse_is(" 令和 8 年 11 月 22 日 ", 2026, 11, 22);
	parse_is("　令和8年11月22日", 2026, 11, 22);
	parse_is("Reiwa 8.11.22", 2026, 11, 22);
	parse_is("HEISEI 7.1.17", 1995, 1, 17);
	parse_is("Showa 64.1.7", 1989, 1, 7);
	parse_is("Shouwa 20.8.15", 1945, 8, 15);
	parse_is("㍻31年4月30日", 2019, 4, 30);
	parse_is("㍼64年1月7日", 1989, 1, 7);
	parse_is("昭和二〇年八月一五日", 1945, 8, 15);
	parse_is("平成元年1月8日", 1989, 1, 8);
	parse_is("大正元年7月30日", 1912, 7, 30);
	parse_is("明治元年1月25日", 1868, 1, 25);
	parse_is("M45.7.29", 1912, 7, 29);
	parse_is("T15.12.24", 1926, 12, 24);
	parse_is("S1.12.25", 1926, 12, 25);
	parse_is("平成12年2月29日", 2000, 2, 29);
	parse_is("R2.2.29", 2020, 2, 29);

	/* Outside the era. */
	parse_bad("平成32年1月1日", ERR_INVALID);
	parse_bad("H31.5.1", ERR_INVALID);
	parse_bad("令和1年4月30日", ERR_INVALID);
	parse_bad("令和元年4月30日", ERR_INVALID);
	parse_bad("昭和64年1月8日", ERR_INVALID);
	parse_bad("平成元年1月7日", ERR_INVALID);
	parse_bad("大正15年12月25日", ERR_INVALID);
	parse_bad("明治45年7月30日", ERR_INVALID);
	parse_bad("明治元年1月24日", ERR_INVALID);
	parse_bad("令和0年5月1日", ERR_INVALID);
	/* Impossible days. */
	parse_bad("令和8年2月30日", ERR_INVALID);
	parse_bad("平成31年2月29日", ERR_INVALID);
	parse_bad("令和8年13月1日", ERR_INVALID);
	parse_bad("令和8年4月31日", ERR_INVALID);
	parse_bad("令和8年4月0日", ERR_INVALID);
	/* Shapes. */
	parse_bad("", ERR_INVALID);
	parse_bad("令和", ERR_INVALID);
	parse_bad("令和8年", ERR_INVALID);
	parse_bad("R8.11", ERR_INVALID);
	parse_bad("R8.11/22", ERR_INVALID);
	parse_bad("X8.11.22", ERR_INVALID);
	parse_bad("2026.11.22", ERR_INVALID);
	parse_bad("令和8年11月22日です", ERR_INVALID);
	parse_bad("令和8年11月22", ERR_INVALID);
	parse_bad("令和元.5.1x", ERR_INVALID);
	parse_bad("R元.5.1x", ERR_INVALID);
	parse_bad("R11111.1.1", ERR_INVALID);
	parse_bad("\xff\xfe", ERR_INVALID);
	char longs[300];
	memset(longs, ' ', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	parse_bad(longs, ERR_LIMIT);
	struct jp_date d;
	T_EQ_INT(jp_wareki_parse(&d, NULL, NULL), ERR_INVALID);
}

/* Round trip: every day from 1868-01-25 to 2100-12-31 formats and parses
 * back to itself in all three styles. */
static void test_roundtrip(void)
{
	struct jp_date d = D(1868, 1, 25);
	int bad = 0;
	char buf[JP_WAREKI_SIZE];
	while (d.y <= 2100 && bad < 5) {
		for (int st = 0; st < 3; st++) {
			struct jp_date back;
			if (jp_wareki_format(buf, sizeof buf, d,
					     (enum jp_wareki_style)st, 0,
					     NULL) ||
			    jp_wareki_parse(&back, buf, NULL) ||
			    jp_date_cmp(back, d)) {
				T_FAIL_("round trip %04d-%02d-%02d style %d",
					d.y, d.m, d.d, st);
				bad++;
			}
		}
		d = jp_date_add_days(d, 1);
	}
}

static void nendo_is(int fy, unsigned fl, const char *want)
{
	char buf[JP_WAREKI_SIZE];
	struct err e;
	if (jp_nendo_format(buf, sizeof buf, fy, fl, &e)) {
		T_FAIL_("nendo %d: %s", fy, e.detail);
		return;
	}
	if (strcmp(buf, want))
		T_FAIL_("nendo %d: got %s want %s", fy, buf, want);
}

static void test_nendo(void)
{
	T_EQ_INT(jp_nendo_of(D(2026, 4, 1)), 2026);
	T_EQ_INT(jp_nendo_of(D(2026, 3, 31)), 2025);
	T_EQ_INT(jp_nendo_of(D(2027, 3, 31)), 2026);
	T_EQ_INT(jp_nendo_of(D(2026, 12, 31)), 2026);
	T_EQ_INT(jp_nendo_of(D(2027, 1, 1)), 2026);
	struct jp_date f = jp_nendo_first(2026), l = jp_nendo_last(2026);
	T_CHECK(jp_date_cmp(f, D(2026, 4, 1)) == 0);
	T_CHECK(jp_date_cmp(l, D(2027, 3, 31)) == 0);
	T_EQ_INT(jp_date_to_days(l) - jp_date_to_days(f) + 1, 365);
	T_EQ_INT(jp_date_to_days(jp_nendo_last(2027)) -
			 jp_date_to_days(jp_nendo_first(2027)) + 1,
		 366); /* contains 2028-02-29 */
	nendo_is(2026, 0, "令和8年度");
	nendo_is(2020, 0, "令和2年度");
	nendo_is(2019, 0, "令和元年度");
	nendo_is(2019, JP_WAREKI_NO_GANNEN, "令和1年度");
	nendo_is(2019, JP_NENDO_START_ERA, "平成31年度");
	nendo_is(2018, 0, "平成30年度");
	nendo_is(1989, 0, "平成元年度");
	nendo_is(1988, 0, "昭和63年度");
	nendo_is(1926, JP_NENDO_START_ERA, "大正15年度");
	nendo_is(1912, JP_NENDO_START_ERA, "明治45年度");
	char buf[JP_WAREKI_SIZE];
	T_EQ_INT(jp_nendo_format(buf, sizeof buf, 1866, 0, NULL), ERR_INVALID);
	T_EQ_INT(jp_nendo_format(buf, 4, 2026, 0, NULL), ERR_LIMIT);
}

int main(void)
{
	T_RUN(test_date_valid);
	T_RUN(test_date_vs_libc);
	T_RUN(test_weekday_known);
	T_RUN(test_iso);
	T_RUN(test_format_boundaries);
	T_RUN(test_parse);
	T_RUN(test_roundtrip);
	T_RUN(test_nendo);
	return t_done();
}
