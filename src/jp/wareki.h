/*
 * wareki.h -- 和暦 (Japanese era dates) and 年度 (April-March fiscal years).
 *
 * Eras covered, with the first Gregorian day of each:
 *   明治 Meiji  M  1868-01-25   (明治元年1月1日 = 慶応4年1月1日 as registries
 *                               count it; see README.md for the caveat that
 *                               Japan kept the lunisolar calendar until
 *                               明治5年12月2日)
 *   大正 Taisho T  1912-07-30
 *   昭和 Showa  S  1926-12-25
 *   平成 Heisei H  1989-01-08
 *   令和 Reiwa  R  2019-05-01   (open-ended)
 * An era ends the day before the next one starts.  Dates before
 * 1868-01-25 have no era here (ERR_INVALID).  Month and day of a 和暦 date
 * are always the Gregorian month and day (明治6年 = 1873 onwards is exact;
 * for 明治1-5 this is the registry convention, not the old calendar).
 *
 * Formatting writes into a caller buffer (JP_WAREKI_SIZE bytes always
 * suffice).  Parsing accepts at most JP_WAREKI_INPUT_MAX bytes (ERR_LIMIT
 * beyond).  Nothing here allocates memory that outlives a call.
 */
#ifndef MADOGUCHI_JP_WAREKI_H
#define MADOGUCHI_JP_WAREKI_H

#include <stddef.h>

#include "base/err.h"
#include "jp/date.h"

#define JP_WAREKI_SIZE 64
#define JP_WAREKI_INPUT_MAX 128

enum jp_era {
	JP_ERA_NONE = 0,
	JP_ERA_MEIJI = 1,
	JP_ERA_TAISHO,
	JP_ERA_SHOWA,
	JP_ERA_HEISEI,
	JP_ERA_REIWA,
};
#define JP_ERA_COUNT 5

struct jp_era_info {
	enum jp_era era;
	const char *kanji;        /* "令和" */
	const char *english;      /* "Reiwa" */
	char letter;              /* 'R' */
	struct jp_date first;     /* first day of the era */
	struct jp_date last;      /* last day; {0,0,0} for the current era */
};

/* Static description of an era, or NULL for JP_ERA_NONE / out of range. */
const struct jp_era_info *jp_era_info(enum jp_era era);

/* A date in era terms: 令和8年11月22日 = {JP_ERA_REIWA, 8, 11, 22}. */
struct jp_wareki {
	enum jp_era era;
	int year;                 /* 1 = 元年 */
	int m, d;
};

/*
 * jp_wareki_from_date -- the era date of a Gregorian date.  ERR_INVALID if
 * the date is invalid or before 1868-01-25.
 */
int jp_wareki_from_date(struct jp_wareki *out, struct jp_date d,
			struct err *e);

/*
 * jp_wareki_to_date -- the Gregorian date of an era date.  ERR_INVALID if
 * the month/day do not exist or the date lies outside the era
 * (平成32年1月1日: Heisei ended 2019-04-30; 令和元年4月30日: before Reiwa).
 */
int jp_wareki_to_date(struct jp_date *out, struct jp_wareki w,
		      struct err *e);

enum jp_wareki_style {
	JP_WAREKI_KANJI = 0,      /* 令和8年11月22日 / 令和元年5月1日   */
	JP_WAREKI_SHORT,          /* R8.11.22                            */
	JP_WAREKI_ENGLISH,        /* Reiwa 8.11.22                       */
};

/* Flags for formatting. */
#define JP_WAREKI_NO_GANNEN 0x1u   /* 令和1年 instead of 令和元年 (KANJI)  */
#define JP_NENDO_START_ERA  0x2u   /* 年度: era in force on April 1     */

/*
 * jp_wareki_format -- format a Gregorian date in era terms.  ERR_INVALID for
 * an invalid date or one before 明治; ERR_LIMIT if size is too small.
 */
int jp_wareki_format(char *buf, size_t size, struct jp_date d,
		     enum jp_wareki_style style, unsigned flags,
		     struct err *e);

/*
 * jp_wareki_parse -- parse an era date into a Gregorian date.  Accepted:
 *   令和元年5月1日  令和1年5月1日  令和８年１１月２２日  令和八年十一月二十二日
 *   R1.5.1  H31/4/30  r1-5-1  Ｒ１．５．１  Reiwa 1.5.1  ㍻31年4月30日
 * i.e. an era (kanji name, its one-letter code in either case, its English
 * name in any case, or the square era ligature), a year (ASCII or
 * full-width digits, kanji numerals or 元), then either 年..月..日 or two
 * identical separators among . / - .  Spaces between parts are ignored.
 * The input is NFKC-normalised first.  ERR_INVALID for anything else or a
 * date that does not exist in that era; ERR_LIMIT beyond
 * JP_WAREKI_INPUT_MAX bytes.
 */
int jp_wareki_parse(struct jp_date *out, const char *s, struct err *e);

/* ---- 年度 (fiscal year, April 1 to March 31) ---- */

/* The 年度 of a date, named by the Gregorian year of its April 1. */
int jp_nendo_of(struct jp_date d);
/* First (April 1) and last (March 31 of the next year) day of 年度 fy. */
struct jp_date jp_nendo_first(int fy);
struct jp_date jp_nendo_last(int fy);

/*
 * jp_nendo_format -- 「令和8年度」 for fy 2026.  The era is the one in force
 * on the 年度's last day if the 年度's starting year belongs to it (so FY2019
 * is 「令和元年度」, as the government renamed it), else the one in force on
 * April 1 (FY1988 is 「昭和63年度」).  JP_NENDO_START_ERA always uses the
 * era of April 1 (FY2019 = 「平成31年度」).  JP_WAREKI_NO_GANNEN gives
 * 「令和1年度」.  ERR_INVALID before 明治; ERR_LIMIT if size is too small.
 */
int jp_nendo_format(char *buf, size_t size, int fy, unsigned flags,
		    struct err *e);

#endif
