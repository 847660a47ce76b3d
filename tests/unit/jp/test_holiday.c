/*
 * test_holiday.c -- national holidays against the official lists, business
 * days and deadlines.
 *
 * Oracle 1 (all years it ships, 1970-2050): the Cabinet Office list as
 * shipped by the npm package @holiday-jp/holiday_jp (2.5.1), file
 *   node_modules/@holiday-jp/holiday_jp/lib/holidays.js
 * (path relative to the repository root, or $MADOGUCHI_HOLIDAY_ORACLE).
 * The test FAILS if the file is missing.  Every date of every year the
 * oracle covers is compared both ways: every oracle holiday is computed
 * with the same name (after the name normalisations in holiday_jp_names
 * below) and no computed holiday is missing from the oracle.
 *
 * Oracle 2 (1955-1969, which holiday_jp does not cover): the rows of the
 * Cabinet Office syukujitsu.csv for those years, transcribed into
 * tests/data/jp/cao-syukujitsu-1955-1969.csv ($MADOGUCHI_TEST_DATA
 * overrides tests/data/jp).
 */
#include "t.h"
#include "jp/date.h"
#include "jp/holiday.h"

#define MAXH 4000

struct oh {
	struct jp_date d;
	char name[128];
	int seen;
};

static struct oh oracle[MAXH];
static int noracle;

/* Oracle name -> computed names it stands for (NULL-terminated). */
struct alias {
	const char *oracle;
	const char *ours[3];
};

/* holiday_jp spells some names differently from the laws:
 * - "<祝日名> 振替休日": our 振替休日 (the name of the day it replaces is
 *   dropped: the law calls the day just 休日, we say 振替休日);
 * - "休日": a day between two 祝日, our 国民の休日;
 * - "休日（祝日扱い）" (2019-05-01, 2019-10-22): the 2019 special law's days,
 *   our 天皇の即位の日 and 即位礼正殿の儀;
 * - "体育の日（スポーツの日）" (2019-10-14, the Cabinet Office's own
 *   spelling after the rename was enacted): our 体育の日, the name in force;
 * - "大喪の礼": our 昭和天皇の大喪の礼 (the law's full name);
 * - "結婚の儀" (1993): our 皇太子徳仁親王の結婚の儀. */
static const struct alias holiday_jp_names[] = {
	{"休日", {"国民の休日", NULL}},
	{"休日（祝日扱い）", {"天皇の即位の日", "即位礼正殿の儀", NULL}},
	{"体育の日（スポーツの日）", {"体育の日", NULL}},
	{"大喪の礼", {"昭和天皇の大喪の礼", NULL}},
	{"結婚の儀", {"皇太子徳仁親王の結婚の儀", NULL}},
	{NULL, {NULL}},
};

/* The Cabinet Office CSV calls both 振替休日 and 国民の休日 "休日". */
static const struct alias cao_names[] = {
	{"休日", {"国民の休日", "振替休日", NULL}},
	{"結婚の儀", {"皇太子明仁親王の結婚の儀", "皇太子徳仁親王の結婚の儀",
		      NULL}},
	{"大喪の礼", {"昭和天皇の大喪の礼", NULL}},
	{NULL, {NULL}},
};

static int name_matches(const struct alias *al, const char *oname,
			const char *ours)
{
	if (!ours)
		return 0;
	if (strcmp(oname, ours) == 0)
		return 1;
	size_t on = strlen(oname);
	const char *suf = " 振替休日";
	size_t sn = strlen(suf);
	if (al == holiday_jp_names && on > sn &&
	    strcmp(oname + on - sn, suf) == 0)
		return strcmp(ours, "振替休日") == 0;
	for (; al->oracle; al++)
		if (strcmp(al->oracle, oname) == 0)
			for (int i = 0; al->ours[i]; i++)
				if (strcmp(al->ours[i], ours) == 0)
					return 1;
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (b)
		b[n] = 0;
	*len = n;
	return b;
}

/* Reads `date: "YYYY-MM-DD"` ... `name: "..."` pairs from holidays.js. */
static int load_holiday_jp(const char *path)
{
	size_t len;
	char *s = slurp(path, &len);
	if (!s)
		return -1;
	noracle = 0;
	const char *p = s;
	while ((p = strstr(p, "date: \"")) && noracle < MAXH) {
		struct oh *o = &oracle[noracle];
		if (sscanf(p + 7, "%4d-%2d-%2d", &o->d.y, &o->d.m, &o->d.d) != 3)
			break;
		const char *nm = strstr(p, "name: \"");
		if (!nm)
			break;
		nm += 7;
		const char *q = strchr(nm, '"');
		if (!q || (size_t)(q - nm) >= sizeof o->name)
			break;
		memcpy(o->name, nm, (size_t)(q - nm));
		o->name[q - nm] = 0;
		o->seen = 0;
		noracle++;
		p = q;
	}
	free(s);
	return noracle;
}

static int load_cao_csv(const char *path)
{
	size_t len;
	char *s = slurp(path, &len);
	if (!s)
		return -1;
	noracle = 0;
	char *line = strtok(s, "\r\n");
	while (line && noracle < MAXH) {
		struct oh *o = &oracle[noracle];
		int off = 0;
		if (sscanf(line, "%d/%d/%d,%n", &o->d.y, &o->d.m, &o->d.d,
			   &off) == 3 &&
		    off > 0 && strlen(line + off) < sizeof o->name) {
			strcpy(o->name, line + off);
			o->seen = 0;
			noracle++;
		}
		line = strtok(NULL, "\r\n");
	}
	free(s);
	return noracle;
}

static int find_oracle(struct jp_date d)
{
	for (int i = 0; i < noracle; i++)
		if (jp_date_cmp(oracle[i].d, d) == 0)
			return i;
	return -1;
}

/* Compare every day of years y0..y1 with the loaded oracle, both ways. */
static void compare_years(int y0, int y1, const struct alias *al,
			  const char *what)
{
	int bad = 0, nhol = 0;
	struct jp_date d = {y0, 1, 1};
	while (d.y <= y1) {
		const char *ours = jp_holiday_name(d.y, d.m, d.d);
		int i = find_oracle(d);
		if (i >= 0) {
			oracle[i].seen = 1;
			nhol++;
			if (!name_matches(al, oracle[i].name, ours)) {
				T_FAIL_("%s %04d-%02d-%02d: oracle \"%s\", "
					"computed \"%s\"",
					what, d.y, d.m, d.d, oracle[i].name,
					ours ? ours : "(not a holiday)");
				bad++;
			}
		} else if (ours) {
			T_FAIL_("%s %04d-%02d-%02d: computed \"%s\", oracle: "
				"not a holiday",
				what, d.y, d.m, d.d, ours);
			bad++;
		}
		d = jp_date_add_days(d, 1);
	}
	for (int i = 0; i < noracle; i++)
		if (!oracle[i].seen && oracle[i].d.y >= y0 &&
		    oracle[i].d.y <= y1)
			T_FAIL_("%s: oracle row %04d-%02d-%02d not visited", what,
				oracle[i].d.y, oracle[i].d.m, oracle[i].d.d);
	printf("# %s: %d oracle holidays in %d-%d compared, %d disagreements\n",
	       what, nhol, y0, y1, bad);
}

static void test_oracle_holiday_jp(void)
{
	const char *path = getenv("MADOGUCHI_HOLIDAY_ORACLE");
	if (!path || !*path)
		path = "node_modules/@holiday-jp/holiday_jp/lib/holidays.js";
	int n = load_holiday_jp(path);
	if (n < 0) {
		T_FAIL_("holiday oracle %s missing: run `npm ci` at the "
			"repository root or set MADOGUCHI_HOLIDAY_ORACLE",
			path);
		return;
	}
	T_REQUIRE(n > 1000); /* 1970-2050 holds 1329 rows in 2.5.1 */
	int y0 = 9999, y1 = 0;
	for (int i = 0; i < noracle; i++) {
		if (oracle[i].d.y < y0)
			y0 = oracle[i].d.y;
		if (oracle[i].d.y > y1)
			y1 = oracle[i].d.y;
	}
	if (y0 < JP_HOLIDAY_FIRST_Y)
		y0 = JP_HOLIDAY_FIRST_Y;
	if (y1 > JP_HOLIDAY_LAST_Y)
		y1 = JP_HOLIDAY_LAST_Y;
	T_CHECK(y0 <= 1970 && y1 >= 2050);
	compare_years(y0, y1, holiday_jp_names, "holiday_jp");
}

static void test_oracle_cao_1955_1969(void)
{
	const char *dir = getenv("MADOGUCHI_TEST_DATA");
	char path[512];
	snprintf(path, sizeof path, "%s/cao-syukujitsu-1955-1969.csv",
		 dir && *dir ? dir : "tests/data/jp");
	int n = load_cao_csv(path);
	if (n < 0) {
		T_FAIL_("fixture %s missing", path);
		return;
	}
	T_EQ_INT(n, 147);
	compare_years(1955, 1969, cao_names, "cao");
}

static void is(int y, int m, int d, const char *want)
{
	const char *got = jp_holiday_name(y, m, d);
	if (!want ? got != NULL : (!got || strcmp(got, want)))
		T_FAIL_("%04d-%02d-%02d: got %s want %s", y, m, d,
			got ? got : "NULL", want ? want : "NULL");
}

/* Spot checks of rule changes, written from the laws (independently of
 * the oracles, and also for 1948-1954, which no oracle covers). */
static void test_rules(void)
{
	is(1948, 7, 19, NULL);       /* before the law */
	is(1948, 9, 23, "秋分の日");
	is(1948, 11, 3, "文化の日");
	is(1948, 11, 23, "勤労感謝の日");
	is(1949, 1, 1, "元日");
	is(1949, 1, 15, "成人の日");
	is(1949, 4, 29, "天皇誕生日");
	is(1959, 4, 10, "皇太子明仁親王の結婚の儀");
	is(1989, 2, 24, "昭和天皇の大喪の礼");
	is(1990, 11, 12, "即位礼正殿の儀");
	is(1993, 6, 9, "皇太子徳仁親王の結婚の儀");
	is(2019, 5, 1, "天皇の即位の日");
	is(2019, 10, 22, "即位礼正殿の儀");
	is(2019, 4, 30, "国民の休日");
	is(2019, 5, 2, "国民の休日");
	is(2019, 12, 23, NULL);      /* no 天皇誕生日 in 2019 */
	is(2019, 2, 23, NULL);
	is(2018, 12, 23, "天皇誕生日");
	is(2020, 2, 23, "天皇誕生日");
	is(2020, 2, 24, "振替休日");
	is(1973, 4, 30, "振替休日"); /* first 振替休日 */
	is(1973, 2, 12, NULL);       /* 2/11 Sunday, before the 1973 change */
	is(1972, 1, 16, NULL);
	is(2000, 1, 10, "成人の日"); /* Happy Monday 2000 */
	is(2000, 1, 15, NULL);
	is(2003, 7, 21, "海の日");   /* Happy Monday 2003 */
	is(2003, 9, 15, "敬老の日");
	is(2020, 7, 23, "海の日");
	is(2020, 7, 24, "スポーツの日");
	is(2020, 8, 10, "山の日");
	is(2020, 10, 12, NULL);
	is(2021, 7, 22, "海の日");
	is(2021, 7, 23, "スポーツの日");
	is(2021, 8, 8, "山の日");
	is(2021, 8, 9, "振替休日");
	is(2021, 10, 11, NULL);
	is(2015, 8, 11, NULL);       /* 山の日 from 2016 */
	is(2016, 8, 11, "山の日");
	is(2009, 5, 6, "振替休日");  /* 2007 rule: 5/3 Sunday -> 5/6 */
	is(2009, 9, 22, "国民の休日");
	is(2015, 9, 22, "国民の休日");
	is(1988, 5, 4, "国民の休日");
	is(1986, 5, 4, NULL);        /* Sunday: not a 国民の休日 */
	is(2026, 9, 22, "国民の休日");
	is(2026, 11, 22, NULL);
	is(2026, 11, 23, "勤労感謝の日");
	is(2100, 3, 20, "春分の日");  /* 2100-2150 constants: 20.91 */
	is(2099, 3, 20, "春分の日");  /* 1980-2099 constants: 20.66 */
	is(2100, 9, 23, "秋分の日");
	is(2101, 1, 1, NULL);        /* out of range */
	is(2024, 2, 30, NULL);       /* invalid date */
	T_EQ_STR(jp_holiday_name_en(2026, 5, 5), "Children's Day");
	T_EQ_STR(jp_holiday_name_en(2026, 5, 6), "Substitute Holiday");
	T_CHECK(jp_holiday_name_en(2026, 5, 7) == NULL);
}

static void test_list(void)
{
	struct jp_holiday h[JP_HOLIDAY_YEAR_MAX];
	size_t n;
	struct err e;
	T_EQ_INT(jp_holiday_list(h, JP_HOLIDAY_YEAR_MAX, &n, 2019, &e), 0);
	T_EQ_INT(n, 22);
	T_EQ_INT(h[0].date.m, 1);
	T_EQ_STR(h[0].name, "元日");
	T_EQ_STR(h[n - 1].name, "勤労感謝の日");
	T_EQ_INT(jp_holiday_list(h, JP_HOLIDAY_YEAR_MAX, &n, 2026, &e), 0);
	T_EQ_INT(n, 18);
	T_EQ_INT(jp_holiday_list(h, 5, &n, 2026, &e), ERR_LIMIT);
	T_EQ_INT(jp_holiday_list(h, JP_HOLIDAY_YEAR_MAX, &n, 1947, &e),
		 ERR_INVALID);
	T_EQ_INT(jp_holiday_list(h, JP_HOLIDAY_YEAR_MAX, &n, 2101, &e),
		 ERR_INVALID);
	/* No year from 1948 to 2100 overflows the documented maximum. */
	for (int y = JP_HOLIDAY_FIRST_Y; y <= JP_HOLIDAY_LAST_Y; y++)
		T_EQ_INT(jp_holiday_list(h, JP_HOLIDAY_YEAR_MAX, &n, y, &e), 0);
}

static struct jp_date D(int y, int m, int d)
{
	struct jp_date r = {y, m, d};
	return r;
}

static void add_is(struct jp_date from, int n, struct jp_date want)
{
	struct jp_date out;
	struct err e;
	if (jp_business_days_add(&out, from, n, &e)) {
		T_FAIL_("add %d to %04d-%02d-%02d: %s", n, from.y, from.m,
			from.d, e.detail);
		return;
	}
	if (jp_date_cmp(out, want))
		T_FAIL_("add %d to %04d-%02d-%02d: got %04d-%02d-%02d want "
			"%04d-%02d-%02d",
			n, from.y, from.m, from.d, out.y, out.m, out.d, want.y,
			want.m, want.d);
}

static void test_business_days(void)
{
	T_CHECK(jp_is_nenmatsu_nenshi(D(2026, 12, 29)));
	T_CHECK(jp_is_nenmatsu_nenshi(D(2027, 1, 3)));
	T_CHECK(!jp_is_nenmatsu_nenshi(D(2026, 12, 28)));
	T_CHECK(!jp_is_nenmatsu_nenshi(D(2027, 1, 4)));
	T_CHECK(jp_is_business_day(D(2026, 12, 28)));  /* Monday */
	T_CHECK(!jp_is_business_day(D(2026, 12, 29))); /* Tuesday, closed */
	T_CHECK(!jp_is_business_day(D(2026, 11, 23))); /* 勤労感謝の日 */
	T_CHECK(!jp_is_business_day(D(2026, 11, 22))); /* Sunday */
	T_CHECK(!jp_is_business_day(D(2026, 11, 21))); /* Saturday */
	T_CHECK(jp_is_business_day(D(2026, 11, 24)));
	/* Golden Week 2026: 4/29 Wed, 5/3 Sun, 5/4, 5/5, 5/6 振替. */
	add_is(D(2026, 5, 1), 1, D(2026, 5, 7));
	add_is(D(2026, 4, 28), 1, D(2026, 4, 30));
	add_is(D(2026, 4, 28), 2, D(2026, 5, 1));
	add_is(D(2026, 4, 28), 3, D(2026, 5, 7));
	/* Year end: Friday 2026-12-25 + 1 = Monday 12/28; + 2 = 2027-01-04. */
	add_is(D(2026, 12, 25), 1, D(2026, 12, 28));
	add_is(D(2026, 12, 25), 2, D(2027, 1, 4));
	/* 10 business days from a Monday is the Monday two weeks later. */
	add_is(D(2026, 6, 1), 10, D(2026, 6, 15));
	/* n = 0: a deadline on a closed day rolls to the next business day. */
	add_is(D(2026, 12, 29), 0, D(2027, 1, 4));
	add_is(D(2026, 11, 21), 0, D(2026, 11, 24));
	add_is(D(2026, 11, 24), 0, D(2026, 11, 24));
	struct jp_date out;
	T_EQ_INT(jp_business_days_add(&out, D(2026, 1, 5), -1, NULL),
		 ERR_INVALID);
	T_EQ_INT(jp_business_days_add(&out, D(2026, 1, 5), 100000, NULL),
		 ERR_LIMIT);
	T_EQ_INT(jp_business_days_add(&out, D(2100, 12, 30), 5, NULL),
		 ERR_INVALID);
	T_EQ_INT(jp_business_days_add(&out, D(2026, 2, 30), 1, NULL),
		 ERR_INVALID);
}

int main(void)
{
	T_RUN(test_oracle_holiday_jp);
	T_RUN(test_oracle_cao_1955_1969);
	T_RUN(test_rules);
	T_RUN(test_list);
	T_RUN(test_business_days);
	return t_done();
}
