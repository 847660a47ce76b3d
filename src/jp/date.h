/*
 * date.h -- proleptic Gregorian calendar dates: validity, day of week,
 * day arithmetic, ISO 8601 (YYYY-MM-DD) parse and format.
 *
 * Invariants: a valid struct jp_date has 1 <= y <= 9999, 1 <= m <= 12 and
 * 1 <= d <= the length of that month (leap years by the Gregorian rule).
 * Day numbers (jp_date_to_days) count days since 1970-01-01 (day 0) and are
 * only defined for valid dates.  No function here allocates.
 */
#ifndef MADOGUCHI_JP_DATE_H
#define MADOGUCHI_JP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

struct jp_date {
	int y, m, d;
};

/* Longest input jp_date_parse_iso accepts, in bytes (ERR_LIMIT beyond). */
#define JP_DATE_INPUT_MAX 64
/* Buffer size that always holds jp_date_format_iso's output ("YYYY-MM-DD"). */
#define JP_DATE_ISO_SIZE 11

/* Day of week: 0 = Sunday ... 6 = Saturday (as struct tm). */
enum jp_weekday {
	JP_SUN = 0, JP_MON, JP_TUE, JP_WED, JP_THU, JP_FRI, JP_SAT
};

bool jp_date_is_leap(int y);
/* Days in month m of year y; 0 if m is out of range. */
int jp_date_month_days(int y, int m);
/* True if y-m-d is a real date in 1..9999. */
bool jp_date_valid(struct jp_date d);
/* Compare: <0, 0, >0. */
int jp_date_cmp(struct jp_date a, struct jp_date b);

/* Day number since 1970-01-01 (may be negative).  d must be valid. */
long jp_date_to_days(struct jp_date d);
/* Inverse of jp_date_to_days. */
struct jp_date jp_date_from_days(long days);
/* d plus n days (n may be negative).  d must be valid. */
struct jp_date jp_date_add_days(struct jp_date d, long n);
/* Day of week of a valid date. */
enum jp_weekday jp_date_weekday(struct jp_date d);
/* "日" "月" ... "土" and "Sunday" ... "Saturday" for a weekday 0..6. */
const char *jp_weekday_name_ja(enum jp_weekday w);
const char *jp_weekday_name_en(enum jp_weekday w);

/*
 * jp_date_parse_iso -- parse exactly "YYYY-MM-DD" (ASCII digits, 4-2-2).
 * ERR_INVALID for any other shape or an impossible date (2023-02-29),
 * ERR_LIMIT if s is longer than JP_DATE_INPUT_MAX bytes.
 */
int jp_date_parse_iso(struct jp_date *out, const char *s, struct err *e);

/*
 * jp_date_format_iso -- write "YYYY-MM-DD" into buf (size bytes, at least
 * JP_DATE_ISO_SIZE).  ERR_INVALID for an invalid date, ERR_LIMIT if the
 * buffer is too small.
 */
int jp_date_format_iso(char *buf, size_t size, struct jp_date d,
		       struct err *e);

/* ---- Japan time ----
 * Japan Standard Time is UTC+9 all year (no daylight saving since 1952).
 * Times in madoguchi are seconds since the epoch (UTC) in int64_t unless
 * a name ends in _ms; these are the one place the offset is written. */
#define JP_JST_OFFSET_S (9 * 3600)
#define JP_JST_OFFSET_MS (JP_JST_OFFSET_S * 1000LL)
/* jp_jst_date -- the calendar date in Japan at t */
struct jp_date jp_jst_date(int64_t t);
/* jp_jst_midnight -- t of 00:00 in Japan on d */
int64_t jp_jst_midnight(struct jp_date d);
/* jp_jst_tm -- t as broken-down time in Japan (tm_gmtoff not set) */
void jp_jst_tm(struct tm *out, int64_t t);
/* jp_jst_format -- "YYYY-MM-DD HH:MM" in Japan into buf (at least
 * JP_JST_FORMAT_SIZE bytes); returns buf */
#define JP_JST_FORMAT_SIZE 24
char *jp_jst_format(char *buf, size_t size, int64_t t);

#endif
