/*
 * holiday.h -- Japanese national holidays (国民の祝日, 振替休日, 国民の休日,
 * the one-off ceremonial holidays), 年末年始 office closing days, business
 * days and deadlines.
 *
 * Holidays are computed, not looked up, for 1948-07-20 (the 祝日法 came
 * into force) to 2100-12-31 (JP_HOLIDAY_FIRST .. JP_HOLIDAY_LAST).  Outside
 * that range no day is a holiday: callers that care check
 * jp_holiday_in_range().  The rules and their dates of change are listed in
 * holiday.c and in README.md; 春分/秋分 use the standard approximation
 * formula, which matches every official announcement so far but is a
 * prediction for years not yet announced (announced each February for the
 * following year).
 *
 * Returned names are static strings (UTF-8), never freed.  No allocation.
 */
#ifndef MADOGUCHI_JP_HOLIDAY_H
#define MADOGUCHI_JP_HOLIDAY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "jp/date.h"

#define JP_HOLIDAY_FIRST_Y 1948
#define JP_HOLIDAY_LAST_Y 2100
/* At most this many holidays fall in one year (2019 had 22). */
#define JP_HOLIDAY_YEAR_MAX 32
/* jp_business_days_add refuses to move more than this many days. */
#define JP_BUSINESS_DAYS_MAX 3660

struct jp_holiday {
	struct jp_date date;
	const char *name;         /* 「春分の日」「振替休日」「国民の休日」 */
	const char *name_en;      /* "Vernal Equinox Day" */
};

/* True for 1948-07-20 .. 2100-12-31. */
bool jp_holiday_in_range(struct jp_date d);

/* The Japanese name of the holiday on y-m-d, or NULL (not a holiday, an
 * invalid date, or out of range). */
const char *jp_holiday_name(int y, int m, int d);
/* The same in English, or NULL. */
const char *jp_holiday_name_en(int y, int m, int d);
bool jp_is_holiday(struct jp_date d);

/*
 * jp_holiday_list -- the holidays of year y in date order into out (cap
 * entries; JP_HOLIDAY_YEAR_MAX always suffices), their count in *n.
 * ERR_INVALID if y is outside 1948..2100, ERR_LIMIT if cap is too small.
 */
int jp_holiday_list(struct jp_holiday *out, size_t cap, size_t *n, int y,
		    struct err *e);

/* 年末年始: December 29 to January 3, the days municipal offices close
 * (地方自治法 4条の2, 各自治体の休日条例). */
bool jp_is_nenmatsu_nenshi(struct jp_date d);

/* A business day of a municipal office: Monday to Friday, not a holiday,
 * not 12/29-1/3.  d must be valid. */
bool jp_is_business_day(struct jp_date d);

/*
 * jp_business_days_add -- the n-th business day after `from` (n >= 1), or
 * for n == 0 `from` itself if it is a business day, else the next one
 * (the rule for a deadline that falls on a closed day).  ERR_INVALID for an
 * invalid date, a negative n or a result outside the holiday range;
 * ERR_LIMIT for n > JP_BUSINESS_DAYS_MAX.
 */
int jp_business_days_add(struct jp_date *out, struct jp_date from, int n,
			 struct err *e);

#endif
