/*
 * holiday.c -- computing Japanese holidays; see holiday.h.
 *
 * Sources: 国民の祝日に関する法律 (昭和23年法律第178号) and its amendments,
 * the one-off laws for ceremonial days, and the Olympic special measures
 * act (2020, 2021).  The rule table, by date of effect:
 *
 *   元日 1/1; 成人の日 1/15, from 2000 the 2nd Monday of January;
 *   建国記念の日 2/11 from 1967; 春分の日 / 秋分の日 by the formula below;
 *   天皇誕生日 4/29 until 1988, 12/23 1989-2018, none in 2019, 2/23 from
 *   2020; みどりの日 4/29 1989-2006, 5/4 from 2007; 昭和の日 4/29 from 2007;
 *   憲法記念日 5/3; こどもの日 5/5; 海の日 7/20 1996-2002, 3rd Monday of
 *   July from 2003 (2020: 7/23, 2021: 7/22); 山の日 8/11 from 2016 (2020:
 *   8/10, 2021: 8/8); 敬老の日 9/15 1966-2002, 3rd Monday of September
 *   from 2003; 体育の日 10/10 1966-1999, 2nd Monday of October 2000-2019;
 *   スポーツの日 2nd Monday of October from 2022 (2020: 7/24, 2021: 7/23);
 *   文化の日 11/3; 勤労感謝の日 11/23.
 *   One-off: 1959-04-10, 1989-02-24, 1990-11-12, 1993-06-09, 2019-05-01,
 *   2019-10-22 (each by its own law; treated as 祝日 for the rules below,
 *   as the 2019 law says explicitly for 2019).
 *   振替休日: from 1973-04-12, a 祝日 on Sunday makes the Monday a holiday;
 *   from 2007, the first following day that is not a 祝日.
 *   国民の休日: from 1985-12-27, a day between two 祝日 (until 2006 not a
 *   Sunday and not a 振替休日; from 2007 any day that is not a 祝日).
 *
 * Equinox days: the approximation used by the National Astronomical
 * Observatory's almanac and by every Japanese calendar library:
 *   day = floor(C + 0.242194 (y - 1980) - floor((y - Y0) / 4))
 * with (C春, C秋, Y0) = (20.8357, 23.2588, 1983) for 1900-1979,
 * (20.8431, 23.2488, 1980) for 1980-2099, (21.8510, 24.2488, 1980) for
 * 2100-2150; the inner division truncates toward zero.  Computed in
 * integers (micro-days) so that no floating-point rounding can move a day.
 */
#include "jp/holiday.h"

#include <string.h>

enum hk {
	HK_NONE = 0,
	HK_GANJITSU,
	HK_SEIJIN,
	HK_KENKOKU,
	HK_SHUNBUN,
	HK_TENNO,
	HK_MIDORI,
	HK_SHOWA,
	HK_KENPO,
	HK_KODOMO,
	HK_UMI,
	HK_YAMA,
	HK_KEIRO,
	HK_SHUBUN,
	HK_TAIIKU,
	HK_SPORTS,
	HK_BUNKA,
	HK_KINRO,
	HK_KEKKON_AKIHITO,
	HK_TAISO,
	HK_SOKUIREI,
	HK_KEKKON_NARUHITO,
	HK_SOKUI,
	HK_FURIKAE,
	HK_KOKUMIN,
	HK_COUNT
};

static const char *const names[HK_COUNT][2] = {
	[HK_GANJITSU] = {"元日", "New Year's Day"},
	[HK_SEIJIN] = {"成人の日", "Coming of Age Day"},
	[HK_KENKOKU] = {"建国記念の日", "National Foundation Day"},
	[HK_SHUNBUN] = {"春分の日", "Vernal Equinox Day"},
	[HK_TENNO] = {"天皇誕生日", "The Emperor's Birthday"},
	[HK_MIDORI] = {"みどりの日", "Greenery Day"},
	[HK_SHOWA] = {"昭和の日", "Showa Day"},
	[HK_KENPO] = {"憲法記念日", "Constitution Memorial Day"},
	[HK_KODOMO] = {"こどもの日", "Children's Day"},
	[HK_UMI] = {"海の日", "Marine Day"},
	[HK_YAMA] = {"山の日", "Mountain Day"},
	[HK_KEIRO] = {"敬老の日", "Respect for the Aged Day"},
	[HK_SHUBUN] = {"秋分の日", "Autumnal Equinox Day"},
	[HK_TAIIKU] = {"体育の日", "Health and Sports Day"},
	[HK_SPORTS] = {"スポーツの日", "Sports Day"},
	[HK_BUNKA] = {"文化の日", "Culture Day"},
	[HK_KINRO] = {"勤労感謝の日", "Labor Thanksgiving Day"},
	[HK_KEKKON_AKIHITO] = {"皇太子明仁親王の結婚の儀",
			       "The Rite of Wedding of Crown Prince Akihito"},
	[HK_TAISO] = {"昭和天皇の大喪の礼",
		      "The Funeral Ceremony of Emperor Showa"},
	[HK_SOKUIREI] = {"即位礼正殿の儀",
			 "The Ceremony of the Enthronement"},
	[HK_KEKKON_NARUHITO] = {"皇太子徳仁親王の結婚の儀",
				"The Rite of Wedding of Crown Prince Naruhito"},
	[HK_SOKUI] = {"天皇の即位の日",
		      "The Day of the Emperor's Enthronement"},
	[HK_FURIKAE] = {"振替休日", "Substitute Holiday"},
	[HK_KOKUMIN] = {"国民の休日", "Citizens' Holiday"},
};

static const struct jp_date first_day = {1948, 7, 20};
static const struct jp_date last_day = {2100, 12, 31};

bool jp_holiday_in_range(struct jp_date d)
{
	return jp_date_valid(d) && jp_date_cmp(d, first_day) >= 0 &&
	       jp_date_cmp(d, last_day) <= 0;
}

/* Day of month of the equinox; spring if !autumn.  1900 <= y <= 2150. */
static int equinox_day(int y, bool autumn)
{
	long c, q;
	if (y < 1980) {
		c = autumn ? 23258800 : 20835700;
		q = (y - 1983) / 4; /* truncates toward zero, as the formula */
	} else if (y < 2100) {
		c = autumn ? 23248800 : 20843100;
		q = (y - 1980) / 4;
	} else {
		c = autumn ? 24248800 : 21851000;
		q = (y - 1980) / 4;
	}
	long v = c + 242194L * (y - 1980) - 1000000L * q;
	return (int)(v / 1000000); /* v > 0 for 1900..2150 */
}

/* Day of month of the n-th Monday of y-m. */
static int nth_monday(int y, int m, int n)
{
	struct jp_date first = {y, m, 1};
	int wd = (int)jp_date_weekday(first);
	int monday = 1 + (8 - wd) % 7;
	return monday + 7 * (n - 1);
}

/* The 国民の祝日 (and one-off ceremonial day) on a date, or HK_NONE. */
static enum hk base_kind(struct jp_date dt)
{
	if (!jp_holiday_in_range(dt))
		return HK_NONE;
	int y = dt.y, m = dt.m, d = dt.d;
	switch (m) {
	case 1:
		if (d == 1)
			return HK_GANJITSU;
		if (y < 2000 ? d == 15 : d == nth_monday(y, 1, 2))
			return HK_SEIJIN;
		break;
	case 2:
		if (d == 11 && y >= 1967)
			return HK_KENKOKU;
		if (d == 23 && y >= 2020)
			return HK_TENNO;
		if (y == 1989 && d == 24)
			return HK_TAISO;
		break;
	case 3:
		if (d == equinox_day(y, false))
			return HK_SHUNBUN;
		break;
	case 4:
		if (d == 29)
			return y <= 1988 ? HK_TENNO
					 : y <= 2006 ? HK_MIDORI : HK_SHOWA;
		if (y == 1959 && d == 10)
			return HK_KEKKON_AKIHITO;
		break;
	case 5:
		if (d == 3)
			return HK_KENPO;
		if (d == 4 && y >= 2007)
			return HK_MIDORI;
		if (d == 5)
			return HK_KODOMO;
		if (y == 2019 && d == 1)
			return HK_SOKUI;
		break;
	case 6:
		if (y == 1993 && d == 9)
			return HK_KEKKON_NARUHITO;
		break;
	case 7:
		if (y == 2020)
			return d == 23 ? HK_UMI : d == 24 ? HK_SPORTS : HK_NONE;
		if (y == 2021)
			return d == 22 ? HK_UMI : d == 23 ? HK_SPORTS : HK_NONE;
		if (y >= 1996 && y <= 2002 && d == 20)
			return HK_UMI;
		if (y >= 2003 && d == nth_monday(y, 7, 3))
			return HK_UMI;
		break;
	case 8:
		if (y == 2020)
			return d == 10 ? HK_YAMA : HK_NONE;
		if (y == 2021)
			return d == 8 ? HK_YAMA : HK_NONE;
		if (y >= 2016 && d == 11)
			return HK_YAMA;
		break;
	case 9:
		if (d == equinox_day(y, true))
			return HK_SHUBUN;
		if (y >= 1966 && y <= 2002 && d == 15)
			return HK_KEIRO;
		if (y >= 2003 && d == nth_monday(y, 9, 3))
			return HK_KEIRO;
		break;
	case 10:
		if (y >= 1966 && y <= 1999 && d == 10)
			return HK_TAIIKU;
		if (y >= 2000 && y <= 2019 && d == nth_monday(y, 10, 2))
			return HK_TAIIKU;
		if (y >= 2022 && d == nth_monday(y, 10, 2))
			return HK_SPORTS;
		if (y == 2019 && d == 22)
			return HK_SOKUIREI;
		break;
	case 11:
		if (d == 3)
			return HK_BUNKA;
		if (d == 23)
			return HK_KINRO;
		if (y == 1990 && d == 12)
			return HK_SOKUIREI;
		break;
	case 12:
		if (d == 23 && y >= 1989 && y <= 2018)
			return HK_TENNO;
		break;
	}
	return HK_NONE;
}

static bool is_shukujitsu(struct jp_date d)
{
	return base_kind(d) != HK_NONE;
}

static const struct jp_date furikae_start = {1973, 4, 12};
static const struct jp_date furikae_2007 = {2007, 1, 1};
static const struct jp_date kokumin_start = {1985, 12, 27};

static enum hk kind(struct jp_date d)
{
	enum hk k = base_kind(d);
	if (k != HK_NONE || !jp_holiday_in_range(d))
		return k;
	struct jp_date prev = jp_date_add_days(d, -1);
	if (jp_date_cmp(prev, furikae_2007) < 0) {
		if (jp_date_cmp(prev, furikae_start) >= 0 &&
		    jp_date_weekday(prev) == JP_SUN && is_shukujitsu(prev))
			return HK_FURIKAE;
	} else {
		/* A run of 祝日 right before d that contains a Sunday. */
		for (struct jp_date p = prev; is_shukujitsu(p);
		     p = jp_date_add_days(p, -1))
			if (jp_date_weekday(p) == JP_SUN)
				return HK_FURIKAE;
	}
	if (jp_date_cmp(d, kokumin_start) >= 0 && is_shukujitsu(prev) &&
	    is_shukujitsu(jp_date_add_days(d, 1))) {
		if (jp_date_cmp(d, furikae_2007) >= 0 ||
		    jp_date_weekday(d) != JP_SUN)
			return HK_KOKUMIN;
	}
	return HK_NONE;
}

const char *jp_holiday_name(int y, int m, int d)
{
	struct jp_date dt = {y, m, d};
	enum hk k = kind(dt);
	return k == HK_NONE ? NULL : names[k][0];
}

const char *jp_holiday_name_en(int y, int m, int d)
{
	struct jp_date dt = {y, m, d};
	enum hk k = kind(dt);
	return k == HK_NONE ? NULL : names[k][1];
}

bool jp_is_holiday(struct jp_date d)
{
	return kind(d) != HK_NONE;
}

int jp_holiday_list(struct jp_holiday *out, size_t cap, size_t *n, int y,
		    struct err *e)
{
	*n = 0;
	if (y < JP_HOLIDAY_FIRST_Y || y > JP_HOLIDAY_LAST_Y)
		return err_set(e, ERR_INVALID, "holiday: year %d out of range",
			       y);
	struct jp_date d = {y, 1, 1};
	while (d.y == y) {
		enum hk k = kind(d);
		if (k != HK_NONE) {
			if (*n >= cap)
				return err_set(e, ERR_LIMIT,
					       "holiday: more than %zu holidays",
					       cap);
			out[*n].date = d;
			out[*n].name = names[k][0];
			out[*n].name_en = names[k][1];
			(*n)++;
		}
		d = jp_date_add_days(d, 1);
	}
	return 0;
}

bool jp_is_nenmatsu_nenshi(struct jp_date d)
{
	return (d.m == 12 && d.d >= 29) || (d.m == 1 && d.d <= 3);
}

bool jp_is_business_day(struct jp_date d)
{
	enum jp_weekday w = jp_date_weekday(d);
	return w != JP_SAT && w != JP_SUN && !jp_is_nenmatsu_nenshi(d) &&
	       kind(d) == HK_NONE;
}

int jp_business_days_add(struct jp_date *out, struct jp_date from, int n,
			 struct err *e)
{
	if (!jp_holiday_in_range(from))
		return err_set(e, ERR_INVALID,
			       "business days: date invalid or out of range");
	if (n < 0)
		return err_set(e, ERR_INVALID, "business days: negative count");
	if (n > JP_BUSINESS_DAYS_MAX)
		return err_set(e, ERR_LIMIT, "business days: more than %d",
			       JP_BUSINESS_DAYS_MAX);
	struct jp_date d = from;
	if (n == 0) {
		while (jp_holiday_in_range(d) && !jp_is_business_day(d))
			d = jp_date_add_days(d, 1);
	} else {
		while (n > 0 && jp_holiday_in_range(d)) {
			d = jp_date_add_days(d, 1);
			if (jp_holiday_in_range(d) && jp_is_business_day(d))
				n--;
		}
	}
	if (!jp_holiday_in_range(d))
		return err_set(e, ERR_INVALID,
			       "business days: result beyond %d-12-31",
			       JP_HOLIDAY_LAST_Y);
	*out = d;
	return 0;
}
