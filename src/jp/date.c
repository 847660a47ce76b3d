/*
 * date.c -- proleptic Gregorian dates; see date.h.
 *
 * Day numbers use the civil-from-days algorithm (H. Hinnant), exact for
 * every year of the proleptic Gregorian calendar.
 */
#include "jp/date.h"

#include <stdio.h>
#include <string.h>

bool jp_date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int jp_date_month_days(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && jp_date_is_leap(y))
		return 29;
	return len[m - 1];
}

bool jp_date_valid(struct jp_date d)
{
	return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 &&
	       d.d >= 1 && d.d <= jp_date_month_days(d.y, d.m);
}

int jp_date_cmp(struct jp_date a, struct jp_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

long jp_date_to_days(struct jp_date dt)
{
	long y = dt.y - (dt.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (dt.m + 9) % 12;
	long doy = (153 * mp + 2) / 5 + dt.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct jp_date jp_date_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct jp_date r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

struct jp_date jp_date_add_days(struct jp_date d, long n)
{
	return jp_date_from_days(jp_date_to_days(d) + n);
}

enum jp_weekday jp_date_weekday(struct jp_date d)
{
	long z = jp_date_to_days(d);
	/* 1970-01-01 was a Thursday (4). */
	long w = (z % 7 + 7 + 4) % 7;
	return (enum jp_weekday)w;
}

const char *jp_weekday_name_ja(enum jp_weekday w)
{
	static const char *n[7] = {"日", "月", "火", "水", "木", "金", "土"};
	return (unsigned)w < 7 ? n[w] : NULL;
}

const char *jp_weekday_name_en(enum jp_weekday w)
{
	static const char *n[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
				   "Thursday", "Friday", "Saturday"};
	return (unsigned)w < 7 ? n[w] : NULL;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int jp_date_parse_iso(struct jp_date *out, const char *s, struct err *e)
{
	if (!s)
		return err_set(e, ERR_INVALID, "date: no input");
	size_t n = strnlen(s, JP_DATE_INPUT_MAX + 1);
	if (n > JP_DATE_INPUT_MAX)
		return err_set(e, ERR_LIMIT, "date: input longer than %d bytes",
			       JP_DATE_INPUT_MAX);
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return err_set(e, ERR_INVALID, "date: not YYYY-MM-DD");
	struct jp_date d = {digits(s, 4), digits(s + 5, 2), digits(s + 8, 2)};
	if (d.y < 0 || d.m < 0 || d.d < 0)
		return err_set(e, ERR_INVALID, "date: not YYYY-MM-DD");
	if (!jp_date_valid(d))
		return err_set(e, ERR_INVALID, "date: no such day");
	*out = d;
	return 0;
}

int jp_date_format_iso(char *buf, size_t size, struct jp_date d,
		       struct err *e)
{
	if (!jp_date_valid(d))
		return err_set(e, ERR_INVALID, "date: invalid date");
	if (size < JP_DATE_ISO_SIZE)
		return err_set(e, ERR_LIMIT, "date: buffer too small");
	snprintf(buf, size, "%04d-%02d-%02d", d.y, d.m, d.d);
	return 0;
}

/* ---- Japan time ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

struct jp_date jp_jst_date(int64_t t)
{
	return jp_date_from_days((long)floor_div(t + JP_JST_OFFSET_S, 86400));
}

int64_t jp_jst_midnight(struct jp_date d)
{
	return (int64_t)jp_date_to_days(d) * 86400 - JP_JST_OFFSET_S;
}

void jp_jst_tm(struct tm *out, int64_t t)
{
	time_t x = (time_t)(t + JP_JST_OFFSET_S);
	gmtime_r(&x, out);
}

char *jp_jst_format(char *buf, size_t size, int64_t t)
{
	struct tm tm;
	jp_jst_tm(&tm, t);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min);
	return buf;
}
