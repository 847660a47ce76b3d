/*
 * booking.c -- collection areas, their calendars of collection days with
 * a capacity, and bookings that never overbook a day.
 *
 * A booking raises its day's booked points with one conditional UPDATE
 * (... SET booked = booked + p WHERE ... AND booked + p <= capacity): the
 * database decides between two bookings of the last place (SQLite takes
 * the write lock at BEGIN IMMEDIATE; PostgreSQL locks the row), and the
 * CHECK booked <= capacity is the last guard.  The booking row is written
 * in the same transaction, so a day's booked points are always the sum of
 * its bookings that are not cancelled.
 *
 * Numbers: WASTE_NUMBER_LEN digits, random (libsodium), the last the Luhn
 * check digit of the others; unique per municipality (a clash, one in a
 * hundred million, draws again).
 */
#include "svc/waste/waste.h"
#include "store/store.h"
#include "jp/holiday.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int area_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > WASTE_AREA_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int waste_area_put(struct store *s, const char *tenant, const char *code, const char *name_ja,
		   struct err *e)
{
	if (!area_ok(code))
		return err_set(e, ERR_INVALID, "area code: 1..%d of [a-z0-9-]", WASTE_AREA_MAX);
	if (!name_ja || !*name_ja || strlen(name_ja) > 200)
		return err_set(e, ERR_INVALID, "area name: 1..200 bytes");
	struct store_val p[] = { sv_text(tenant), sv_text(code), sv_text(name_ja) };
	int rc = store_exec(s, "UPDATE waste_areas SET name_ja = $3 WHERE tenant = $1 AND code = $2",
			    p, 3, e);
	if (rc == 0)
		rc = store_exec(s, "INSERT INTO waste_areas (tenant, code, name_ja) VALUES ($1, $2, $3)",
				p, 3, e);
	return rc < 0 ? rc : 0;
}

int waste_calendar_open(int *opened, struct store *s, const char *tenant,
			const struct waste_calendar *c, struct err *e)
{
	*opened = 0;
	if (!area_ok(c->area) || !jp_date_valid(c->from) || !jp_date_valid(c->to) ||
	    c->capacity < 0 || c->capacity > WASTE_CAPACITY_MAX || (c->weekdays & ~0x7Fu))
		return err_set(e, ERR_INVALID, "calendar: area, days, weekdays or capacity out of range");
	long a = jp_date_to_days(c->from), b = jp_date_to_days(c->to);
	if (b < a || b - a >= WASTE_CALENDAR_DAYS_MAX)
		return err_set(e, ERR_LIMIT, "calendar: 1..%d days at a time", WASTE_CALENDAR_DAYS_MAX);
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	for (long d = a; rc == 0 && d <= b; d++) {
		struct jp_date day = jp_date_from_days(d);
		if (!(c->weekdays & (1u << jp_date_weekday(day))) || !jp_holiday_in_range(day) ||
		    jp_holiday_name(day.y, day.m, day.d) || jp_is_nenmatsu_nenshi(day))
			continue;
		struct store_val p[] = { sv_text(tenant), sv_text(c->area), sv_int(d), sv_int(c->capacity) };
		rc = store_exec(s, "UPDATE waste_days SET capacity = $4"
				" WHERE tenant = $1 AND area = $2 AND day = $3 AND booked <= $4", p, 4, e);
		if (rc == 0) {
			int64_t n = 0;
			rc = store_query_int(&n, s, "SELECT count(*) FROM waste_days"
					     " WHERE tenant = $1 AND area = $2 AND day = $3", p, 3, e);
			if (rc == 0 && n > 0)
				rc = err_set(e, ERR_CONFLICT, "calendar: %04d-%02d-%02d has more booked than %d",
					     day.y, day.m, day.d, c->capacity);
			else if (rc == 0)
				rc = store_exec(s, "INSERT INTO waste_days (tenant, area, day, capacity)"
						" VALUES ($1, $2, $3, $4)", p, 4, e);
		}
		if (rc > 0) {
			(*opened)++;
			rc = 0;
		}
	}
	if (own) {
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, e);
	}
	return rc;
}

/* ---- numbers ---- */

static int luhn_digit(const char *d, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

int waste_number_ok(const char *s)
{
	if (!s || strlen(s) != WASTE_NUMBER_LEN)
		return 0;
	for (int i = 0; i < WASTE_NUMBER_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return luhn_digit(s, WASTE_NUMBER_LEN - 1) == s[WASTE_NUMBER_LEN - 1] - '0';
}

static void number_new(char out[WASTE_NUMBER_LEN + 1])
{
	out[0] = (char)('1' + randombytes_uniform(9));   /* no leading 0 */
	for (int i = 1; i < WASTE_NUMBER_LEN - 1; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[WASTE_NUMBER_LEN - 1] = (char)('0' + luhn_digit(out, WASTE_NUMBER_LEN - 1));
	out[WASTE_NUMBER_LEN] = '\0';
}

/* ---- bookings ---- */

int waste_book(struct waste_booking *out, struct store *s, const struct waste_booking_req *rq,
	       struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!area_ok(rq->area) || !jp_date_valid(rq->day) || rq->points < 1 ||
	    rq->points > WASTE_POINTS_MAX || rq->fee_yen < 0 || !rq->items ||
	    strlen(rq->items) > WASTE_ITEMS_JSON_MAX)
		return err_set(e, ERR_INVALID, "booking: area, day, points, fee or items out of range");
	long day = jp_date_to_days(rq->day);
	if (jp_jst_midnight(rq->day) <= rq->now)
		return err_set(e, ERR_INVALID, "booking: the day has begun or passed");
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	struct store_val p[] = { sv_text(rq->tenant), sv_text(rq->area), sv_int(day), sv_int(rq->points) };
	rc = store_exec(s, "UPDATE waste_days SET booked = booked + $4"
			" WHERE tenant = $1 AND area = $2 AND day = $3 AND booked + $4 <= capacity", p, 4, e);
	if (rc == 0) {   /* full, or no such day */
		int64_t n = 0;
		rc = store_query_int(&n, s, "SELECT count(*) FROM waste_days"
				     " WHERE tenant = $1 AND area = $2 AND day = $3", p, 3, e);
		if (rc == 0)
			rc = n ? err_set(e, ERR_FULL, "booking: the day is full")
			       : err_set(e, ERR_NOTFOUND, "booking: no collection day there");
	} else if (rc > 0) {
		rc = 0;
		for (int tries = 0; tries < 5; tries++) {
			number_new(out->number);
			int64_t taken = 0;
			struct store_val q[] = { sv_text(rq->tenant), sv_text(out->number) };
			rc = store_query_int(&taken, s, "SELECT count(*) FROM waste_bookings"
					     " WHERE tenant = $1 AND number = $2", q, 2, e);
			if (rc || !taken)
				break;
		}
		if (rc == 0) {
			struct store_val v[] = {
				sv_text(rq->tenant), sv_text(out->number), sv_text(rq->area), sv_int(day),
				sv_int(rq->points), sv_int(rq->fee_yen), sv_text(rq->items),
				rq->account ? sv_int(rq->account) : sv_null(), sv_int(rq->now),
			};
			rc = store_exec(s, "INSERT INTO waste_bookings (tenant, number, area, day, points,"
					" fee_yen, items, account, state, created_at)"
					" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9)", v, 9, e);
			rc = rc < 0 ? rc : 0;
		}
	}
	if (own) {
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, e);
	}
	if (rc == 0) {
		snprintf(out->area, sizeof out->area, "%s", rq->area);
		out->day = rq->day;
		out->points = rq->points;
		out->fee_yen = rq->fee_yen;
	}
	return rc;
}

int waste_earliest(struct jp_date *out, struct store *s, const char *tenant, const char *area,
		   struct jp_date from, int points, struct err *e)
{
	if (!area_ok(area) || !jp_date_valid(from) || points < 1 || points > WASTE_POINTS_MAX)
		return err_set(e, ERR_INVALID, "earliest: area, day or points out of range");
	int64_t d = 0;
	struct store_val p[] = { sv_text(tenant), sv_text(area), sv_int(jp_date_to_days(from)), sv_int(points) };
	int rc = store_query_int(&d, s, "SELECT min(day) FROM waste_days WHERE tenant = $1 AND area = $2"
				 " AND day >= $3 AND booked + $4 <= capacity", p, 4, e);
	if (rc)
		return rc;
	if (d == 0)   /* min() of nothing is NULL, read as 0: 1970-01-01 is never a collection day here */
		return err_set(e, ERR_NOTFOUND, "earliest: no day with room");
	*out = jp_date_from_days((long)d);
	return 0;
}

int waste_booking_get(struct waste_booking *out, struct store *s, const char *tenant,
		      const char *number, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!waste_number_ok(number))
		return err_set(e, ERR_NOTFOUND, "booking: not a booking number");
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_text(number) };
	int rc = store_query(&r, s, "SELECT id, number, area, day, points, fee_yen, state"
			     " FROM waste_bookings WHERE tenant = $1 AND number = $2", p, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		out->id = store_col_int(r, 0);
		snprintf(out->number, sizeof out->number, "%s", store_col_text(r, 1));
		snprintf(out->area, sizeof out->area, "%s", store_col_text(r, 2));
		out->day = jp_date_from_days((long)store_col_int(r, 3));
		out->points = (int)store_col_int(r, 4);
		out->fee_yen = (int)store_col_int(r, 5);
		out->cancelled = strcmp(store_col_text(r, 6), "cancelled") == 0;
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "booking: no such number");
	}
	store_rows_free(r);
	return rc;
}

int waste_cancel(struct store *s, const char *tenant, const char *number, int64_t now,
		 struct err *e)
{
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	struct waste_booking b;
	rc = waste_booking_get(&b, s, tenant, number, e);
	if (rc == 0 && b.cancelled)
		rc = err_set(e, ERR_CONFLICT, "booking: cancelled already");
	if (rc == 0 && now > jp_jst_midnight(b.day) - WASTE_CANCEL_BEFORE)
		rc = err_set(e, ERR_DENIED, "booking: past the cut-off");
	if (rc == 0) {
		struct store_val p[] = { sv_text(tenant), sv_text(number), sv_int(now) };
		rc = store_exec(s, "UPDATE waste_bookings SET state = 'cancelled', cancelled_at = $3"
				" WHERE tenant = $1 AND number = $2 AND state = 'booked'", p, 3, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "booking: cancelled already");
		else if (rc > 0) {
			struct store_val q[] = { sv_text(tenant), sv_text(b.area),
						 sv_int(jp_date_to_days(b.day)), sv_int(b.points) };
			rc = store_exec(s, "UPDATE waste_days SET booked = booked - $4"
					" WHERE tenant = $1 AND area = $2 AND day = $3", q, 4, e);
			rc = rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_INTERNAL, "booking: its day is gone");
		}
	}
	if (own) {
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, e);
	}
	return rc;
}
