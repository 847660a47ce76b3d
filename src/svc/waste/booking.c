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
#include "jp/text.h"
#include "jp/checkdigit.h"
#include "core/mail/mail.h"

#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int take_places(struct store *s, const char *tenant, const char *area, long day, int points,
		       struct err *e);
static int tx_end(struct store *s, int own, int rc, struct err *e);

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
	return tx_end(s, own, rc, e);
}

/* ---- numbers ---- */

int waste_number_ok(const char *s)
{
	if (!s || strlen(s) != WASTE_NUMBER_LEN)
		return 0;
	for (int i = 0; i < WASTE_NUMBER_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return jp_luhn_digit(s, WASTE_NUMBER_LEN - 1) == s[WASTE_NUMBER_LEN - 1] - '0';
}

static void number_new(char out[WASTE_NUMBER_LEN + 1])
{
	out[0] = (char)('1' + randombytes_uniform(9));   /* no leading 0 */
	for (int i = 1; i < WASTE_NUMBER_LEN - 1; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[WASTE_NUMBER_LEN - 1] = (char)('0' + jp_luhn_digit(out, WASTE_NUMBER_LEN - 1));
	out[WASTE_NUMBER_LEN] = '\0';
}

/* ---- bookings ---- */


static int utf8_ok(const char *v, size_t n)
{
	size_t bad;
	struct err e;
	return jp_text_utf8_validate(&bad, v, n, &e) == 0;
}

int64_t waste_booking_cutoff(struct jp_date day)
{
	return jp_jst_midnight(day) - WASTE_CANCEL_BEFORE;
}

int waste_phone_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	int digits = 0;
	if (n < 10 || n > 13 || p[0] != '0')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (p[i] != '-' || i == 0 || i == n - 1 || p[i - 1] == '-')
			return 0;
	}
	return digits == 10 || digits == 11;
}

/* a text field of a contact: UTF-8, at most max bytes, no control characters */
static int field_ok(const char *v, size_t max, int required)
{
	size_t n = v ? strlen(v) : 0;
	if (n > max || (required && n == 0))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return n == 0 || utf8_ok(v, n);
}

/* "" or an address the outbox will take (mail_addr_valid): an address it
 * would refuse must not reach the reminders */
static int email_ok(const char *v)
{
	return !v || !*v || (strlen(v) <= WASTE_EMAIL_MAX && mail_addr_valid(v));
}

static int contact_ok(const struct waste_contact *c, struct err *e)
{
	if (!field_ok(c->name, WASTE_CONTACT_NAME_MAX, 1))
		return err_set(e, ERR_INVALID, "booking: name");
	if (!waste_phone_ok(c->phone))
		return err_set(e, ERR_INVALID, "booking: phone");
	if (!email_ok(c->email))
		return err_set(e, ERR_INVALID, "booking: email");
	if (!field_ok(c->chome, WASTE_CHOME_MAX, 1))
		return err_set(e, ERR_INVALID, "booking: chome");
	if (!field_ok(c->address, WASTE_ADDRESS_MAX, 1))
		return err_set(e, ERR_INVALID, "booking: address");
	if (!field_ok(c->place, WASTE_PLACE_MAX, 0))
		return err_set(e, ERR_INVALID, "booking: place");
	return 0;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n < 16 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') ||
		      k[i] == '_' || k[i] == '-'))
			return 0;
	return 1;
}

/* 1 and *out when a booking was made with key, 0 when none */
static int booked_with_key(struct waste_booking *out, struct store *s, const char *tenant, const char *key,
			   struct err *e)
{
	char *number = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(key) };
	int rc = store_query_text(&number, s, "SELECT number FROM waste_bookings WHERE tenant = $1 AND request_key = $2",
				  p, 2, e);
	if (rc == 0 && number)
		rc = waste_booking_get(out, s, tenant, number, e) == 0 ? 1 : 0;
	else
		rc = 0;
	free(number);
	return rc;
}

int waste_book(struct waste_booking *out, struct store *s, const struct waste_booking_req *rq,
	       struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!area_ok(rq->area) || !jp_date_valid(rq->day) || rq->points < 1 ||
	    rq->points > WASTE_POINTS_MAX || rq->fee_yen < 0 || !rq->items ||
	    strlen(rq->items) > WASTE_ITEMS_JSON_MAX)
		return err_set(e, ERR_INVALID, "booking: area, day, points, fee or items out of range");
	long day = jp_date_to_days(rq->day);
	if (waste_booking_cutoff(rq->day) < rq->now)
		return err_set(e, ERR_INVALID, "booking: the day's bookings have closed");
	static const struct waste_contact none = { 0 };
	const struct waste_contact *c = rq->contact ? rq->contact : &none;
	if (rq->contact && contact_ok(c, e))
		return ERR_INVALID;
	const char *key = rq->request_key;
	if (key && !key_ok(key))
		return err_set(e, ERR_INVALID, "booking: request key");
	if (key && booked_with_key(out, s, rq->tenant, key, e) == 1)
		return 1;
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	rc = take_places(s, rq->tenant, rq->area, day, rq->points, e);
	if (rc == 0) {
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
				sv_text(or_empty(c->chome)), sv_text(or_empty(c->address)),
				sv_text(or_empty(c->place)), sv_text(or_empty(c->name)),
				sv_text(or_empty(c->phone)), sv_text(or_empty(c->email)),
				key ? sv_text(key) : sv_null(),
			};
			rc = store_exec(s, "INSERT INTO waste_bookings (tenant, number, area, day, points,"
					" fee_yen, items, account, state, created_at, chome, address, place,"
					" name, phone, email, request_key)"
					" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $11, $12,"
					" $13, $14, $15, $16)", v, 16, e);
			rc = rc < 0 ? rc : 0;
		}
	}
	rc = tx_end(s, own, rc, e);
	/* the same key at the same moment on another connection (PostgreSQL):
	 * the unique index refused this one; answer the other's booking */
	if (rc < 0 && rc != ERR_FULL && rc != ERR_NOTFOUND && key && !store_in_tx(s)) {
		struct err e2;
		if (booked_with_key(out, s, rq->tenant, key, &e2) == 1)
			return 1;
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

#define BOOKING_COLS "id, number, area, day, points, fee_yen, state, pay, account, created_at," \
	" changed_at, reminded_at, chome, address, place, name, phone, email, items, payment"

static enum waste_pay pay_parse(const char *p)
{
	return strcmp(p, "tickets") == 0 ? WASTE_PAID_TICKETS
	     : strcmp(p, "online") == 0 ? WASTE_PAID_ONLINE : WASTE_UNPAID;
}

static void booking_read(struct waste_booking *b, struct store_rows *r)
{
	memset(b, 0, sizeof *b);
	b->id = store_col_int(r, 0);
	snprintf(b->number, sizeof b->number, "%s", store_col_text(r, 1));
	snprintf(b->area, sizeof b->area, "%s", store_col_text(r, 2));
	b->day = jp_date_from_days((long)store_col_int(r, 3));
	b->points = (int)store_col_int(r, 4);
	b->fee_yen = (int)store_col_int(r, 5);
	b->cancelled = strcmp(store_col_text(r, 6), "cancelled") == 0;
	b->pay = pay_parse(store_col_text(r, 7));
	b->account = store_col_int(r, 8);
	b->created_at = store_col_int(r, 9);
	b->changed_at = store_col_int(r, 10);
	b->reminded_at = store_col_int(r, 11);
	snprintf(b->chome, sizeof b->chome, "%s", store_col_text(r, 12));
	snprintf(b->address, sizeof b->address, "%s", store_col_text(r, 13));
	snprintf(b->place, sizeof b->place, "%s", store_col_text(r, 14));
	snprintf(b->name, sizeof b->name, "%s", store_col_text(r, 15));
	snprintf(b->phone, sizeof b->phone, "%s", store_col_text(r, 16));
	snprintf(b->email, sizeof b->email, "%s", store_col_text(r, 17));
	snprintf(b->items, sizeof b->items, "%s", store_col_text(r, 18));
	snprintf(b->payment, sizeof b->payment, "%s", store_col_text(r, 19));
}

/* fn for each row of a query on BOOKING_COLS (one booking in memory at a
 * time: struct waste_booking is ~9 KB) */
static int bookings_each(struct store *s, const char *sql, const struct store_val *p, int np,
			 int (*fn)(void *arg, const struct waste_booking *b), void *arg, struct err *e)
{
	struct store_rows *r;
	int rc = store_query(&r, s, sql, p, np, e);
	if (rc)
		return rc;
	struct waste_booking *b = malloc(sizeof *b);
	if (!b) {
		store_rows_free(r);
		return err_set(e, ERR_NOMEM, "bookings");
	}
	while ((rc = store_rows_next(r, e)) == 1) {
		booking_read(b, r);
		if ((rc = fn(arg, b)) != 0)
			break;
	}
	free(b);
	store_rows_free(r);
	return rc;
}

int waste_booking_get(struct waste_booking *out, struct store *s, const char *tenant,
		      const char *number, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!waste_number_ok(number))
		return err_set(e, ERR_NOTFOUND, "booking: not a booking number");
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_text(number) };
	int rc = store_query(&r, s, "SELECT " BOOKING_COLS
			     " FROM waste_bookings WHERE tenant = $1 AND number = $2", p, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		booking_read(out, r);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "booking: no such number");
	}
	store_rows_free(r);
	return rc;
}

int waste_bookings_each(struct store *s, const char *tenant, const char *area, struct jp_date day,
			int with_cancelled,
			int (*fn)(void *arg, const struct waste_booking *b), void *arg, struct err *e)
{
	if (!jp_date_valid(day) || (area && !area_ok(area)))
		return err_set(e, ERR_INVALID, "bookings: area or day");
	struct store_val p[] = { sv_text(tenant), sv_int(jp_date_to_days(day)), sv_int(with_cancelled),
				 sv_text(area ? area : "") };
	return bookings_each(s, "SELECT " BOOKING_COLS " FROM waste_bookings"
			     " WHERE tenant = $1 AND day = $2 AND ($3 = 1 OR state = 'booked')"
			     " AND ($4 = '' OR area = $4) ORDER BY area, chome, address, number",
			     p, 4, fn, arg, e);
}

int waste_bookings_of_account(struct store *s, const char *tenant, int64_t account, int limit,
			      int (*fn)(void *arg, const struct waste_booking *b), void *arg,
			      struct err *e)
{
	if (account <= 0 || limit < 1 || limit > 1000)
		return err_set(e, ERR_INVALID, "bookings: account or limit");
	struct store_val p[] = { sv_text(tenant), sv_int(account), sv_int(limit) };
	return bookings_each(s, "SELECT " BOOKING_COLS " FROM waste_bookings"
			     " WHERE tenant = $1 AND account = $2 ORDER BY day DESC, id DESC LIMIT $3",
			     p, 3, fn, arg, e);
}

int waste_days_each(struct store *s, const char *tenant, const char *area, struct jp_date from,
		    struct jp_date to, int (*fn)(void *arg, const struct waste_day_load *d), void *arg,
		    struct err *e)
{
	if (!jp_date_valid(from) || !jp_date_valid(to) || (area && !area_ok(area)))
		return err_set(e, ERR_INVALID, "days: area or days");
	long a = jp_date_to_days(from), b = jp_date_to_days(to);
	if (b < a || b - a >= WASTE_CALENDAR_DAYS_MAX)
		return err_set(e, ERR_LIMIT, "days: at most %d days", WASTE_CALENDAR_DAYS_MAX);
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_int(a), sv_int(b), sv_text(area ? area : "") };
	int rc = store_query(&r, s, "SELECT area, day, capacity, booked FROM waste_days"
			     " WHERE tenant = $1 AND day >= $2 AND day <= $3 AND ($4 = '' OR area = $4)"
			     " ORDER BY day, area", p, 4, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct waste_day_load d = { store_col_text(r, 0), jp_date_from_days((long)store_col_int(r, 1)),
					    (int)store_col_int(r, 2), (int)store_col_int(r, 3) };
		if ((rc = fn(arg, &d)) != 0)
			break;
	}
	store_rows_free(r);
	return rc;
}

/* take points on day of area: 0, ERR_FULL or ERR_NOTFOUND */
static int take_places(struct store *s, const char *tenant, const char *area, long day, int points,
		       struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_text(area), sv_int(day), sv_int(points) };
	int rc = store_exec(s, "UPDATE waste_days SET booked = booked + $4"
			    " WHERE tenant = $1 AND area = $2 AND day = $3 AND booked + $4 <= capacity", p, 4, e);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	int64_t n = 0;
	rc = store_query_int(&n, s, "SELECT count(*) FROM waste_days"
			     " WHERE tenant = $1 AND area = $2 AND day = $3", p, 3, e);
	if (rc)
		return rc;
	return n ? err_set(e, ERR_FULL, "booking: the day is full")
		 : err_set(e, ERR_NOTFOUND, "booking: no collection day there");
}

static int give_places(struct store *s, const char *tenant, const char *area, long day, int points,
		       struct err *e)
{
	struct store_val q[] = { sv_text(tenant), sv_text(area), sv_int(day), sv_int(points) };
	int rc = store_exec(s, "UPDATE waste_days SET booked = booked - $4"
			    " WHERE tenant = $1 AND area = $2 AND day = $3", q, 4, e);
	return rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_INTERNAL, "booking: its day is gone");
}

static int tx_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

int waste_move(struct store *s, const char *tenant, const char *number, struct jp_date day,
	       const struct waste_price *price, int64_t now, struct err *e)
{
	if (!jp_date_valid(day) ||
	    (price && (price->fee_yen < 0 || !price->items || strlen(price->items) > WASTE_ITEMS_JSON_MAX)))
		return err_set(e, ERR_INVALID, "move: day or price");
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	struct waste_booking *b = malloc(sizeof *b);
	rc = b ? waste_booking_get(b, s, tenant, number, e) : err_set(e, ERR_NOMEM, "move");
	if (rc == 0 && b->cancelled)
		rc = err_set(e, ERR_CONFLICT, "move: the booking is cancelled");
	if (rc == 0 && now > waste_booking_cutoff(b->day))
		rc = err_set(e, ERR_DENIED, "move: past the booked day's cut-off");
	if (rc == 0 && now > waste_booking_cutoff(day))
		rc = err_set(e, ERR_DENIED, "move: the new day's bookings have closed");
	int paid_online = 0;
	if (rc == 0)   /* its unpaid payment is for the old day: withdrawn, a new one is asked for */
		rc = waste_pay_online_release(&paid_online, s, tenant, b, "booking moved", now, e);
	if (rc == 0 && price && (b->pay != WASTE_UNPAID || paid_online) && price->fee_yen != b->fee_yen)
		rc = err_set(e, ERR_CONFLICT, "move: paid, and the new day's fee is another");
	long from = b && rc == 0 ? jp_date_to_days(b->day) : 0, to = jp_date_to_days(day);
	if (rc == 0 && from != to) {
		rc = take_places(s, tenant, b->area, to, b->points, e);
		if (rc == 0)
			rc = give_places(s, tenant, b->area, from, b->points, e);
		if (rc == 0) {
			struct store_val p[] = { sv_int(b->id), sv_int(to), sv_int(now),
						 sv_text(price ? price->items : b->items),
						 sv_int(price ? price->fee_yen : b->fee_yen) };
			rc = store_exec(s, "UPDATE waste_bookings SET day = $2, changed_at = $3, reminded_at = NULL,"
					" items = $4, fee_yen = $5 WHERE id = $1 AND state = 'booked'", p, 5, e);
			rc = rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_CONFLICT, "move: the booking changed");
		}
	}
	free(b);
	return tx_end(s, own, rc, e);
}

/* ---- 町丁目 ---- */

int waste_chome_put(struct store *s, const char *tenant, const char *chome, const char *area,
		    struct err *e)
{
	if (!field_ok(chome, WASTE_CHOME_MAX, 1) || !area_ok(area))
		return err_set(e, ERR_INVALID, "chome: name or area");
	struct store_val p[] = { sv_text(tenant), sv_text(chome), sv_text(area) };
	int rc = store_exec(s, "UPDATE waste_chome SET area = $3 WHERE tenant = $1 AND name_ja = $2", p, 3, e);
	if (rc == 0)
		rc = store_exec(s, "INSERT INTO waste_chome (tenant, name_ja, area) VALUES ($1, $2, $3)", p, 3, e);
	return rc < 0 ? rc : 0;
}

int waste_chome_area(char area[WASTE_AREA_MAX + 1], struct store *s, const char *tenant,
		     const char *chome, struct err *e)
{
	area[0] = '\0';
	if (!field_ok(chome, WASTE_CHOME_MAX, 1))
		return err_set(e, ERR_NOTFOUND, "chome: no such 町丁目");
	char *v = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(chome) };
	int rc = store_query_text(&v, s, "SELECT area FROM waste_chome WHERE tenant = $1 AND name_ja = $2",
				  p, 2, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "chome: no such 町丁目");
	if (rc == 0)
		snprintf(area, WASTE_AREA_MAX + 1, "%s", v ? v : "");
	free(v);
	return rc;
}

int waste_chome_each(struct store *s, const char *tenant,
		     int (*fn)(void *arg, const char *chome, const char *area, const char *area_name),
		     void *arg, struct err *e)
{
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT c.name_ja, c.area, a.name_ja FROM waste_chome c"
			     " JOIN waste_areas a ON a.tenant = c.tenant AND a.code = c.area"
			     " WHERE c.tenant = $1 ORDER BY c.name_ja", p, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1)
		if ((rc = fn(arg, store_col_text(r, 0), store_col_text(r, 1), store_col_text(r, 2))) != 0)
			break;
	store_rows_free(r);
	return rc;
}

/* ---- 粗大ごみ処理券 ---- */

/* the ticket number in canonical form (NFKC, upper case) into out;
 * its value, or 0 */
static int ticket_norm(char out[WASTE_TICKET_LEN + 1], const char *t)
{
	out[0] = '\0';
	size_t n = t ? strlen(t) : 0;
	if (n == 0 || n > 64 || !utf8_ok(t, n))
		return 0;
	char *f = NULL;
	struct err e;
	if (jp_text_nfkc(&f, t, n, &e))
		return 0;
	size_t k = 0;
	int ok = 1;
	for (const char *p = f; *p && ok; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (k == WASTE_TICKET_LEN)
			ok = 0;
		else
			out[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	}
	free(f);
	out[k] = '\0';
	if (!ok || k != WASTE_TICKET_LEN)
		return 0;
	for (size_t i = 1; i < k; i++)
		if (out[i] < '0' || out[i] > '9')
			return 0;
	return out[0] == 'A' ? WASTE_TICKET_A_YEN : out[0] == 'B' ? WASTE_TICKET_B_YEN : 0;
}

int waste_ticket_value(const char *t)
{
	char c[WASTE_TICKET_LEN + 1];
	return ticket_norm(c, t);
}

int waste_pay_tickets(struct store *s, const char *tenant, const char *number,
		      const char *const *t, int n, int64_t now, struct err *e)
{
	if (n < 1 || n > WASTE_TICKETS_MAX)
		return err_set(e, ERR_INVALID, "tickets: 1..%d", WASTE_TICKETS_MAX);
	char (*c)[WASTE_TICKET_LEN + 1] = calloc((size_t)n, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "tickets");
	long sum = 0;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		int v = ticket_norm(c[i], t[i]);
		if (!v)
			rc = err_set(e, ERR_INVALID, "tickets: ticket %d is not a ticket number", i + 1);
		for (int k = 0; k < i && rc == 0; k++)
			if (strcmp(c[k], c[i]) == 0)
				rc = err_set(e, ERR_INVALID, "tickets: ticket %d given twice", i + 1);
		sum += v;
	}
	int own = 0;
	if (rc == 0) {
		own = !store_in_tx(s);
		rc = own ? store_begin(s, e) : 0;
		if (rc) {
			free(c);
			return rc;
		}
	}
	struct waste_booking *b = rc == 0 ? malloc(sizeof *b) : NULL;
	if (rc == 0)
		rc = b ? waste_booking_get(b, s, tenant, number, e) : err_set(e, ERR_NOMEM, "tickets");
	if (rc == 0 && b->cancelled)
		rc = err_set(e, ERR_CONFLICT, "tickets: the booking is cancelled");
	if (rc == 0 && b->pay != WASTE_UNPAID)
		rc = err_set(e, ERR_CONFLICT, "tickets: the booking is paid");
	int paid_online = 0;
	if (rc == 0)   /* a slip or Pay-easy numbers asked for: no longer payable */
		rc = waste_pay_online_release(&paid_online, s, tenant, b, "paid by tickets", now, e);
	if (rc == 0 && paid_online)
		rc = err_set(e, ERR_CONFLICT, "tickets: the booking is paid online");
	if (rc == 0 && now > waste_booking_cutoff(b->day))
		rc = err_set(e, ERR_DENIED, "tickets: past the cut-off");
	if (rc == 0 && sum != b->fee_yen)
		rc = err_set(e, ERR_INVALID, "tickets: they add up to %ld yen, the fee is %d yen", sum, b->fee_yen);
	for (int i = 0; i < n && rc == 0; i++) {
		int64_t used = 0;
		struct store_val q[] = { sv_text(tenant), sv_text(c[i]) };
		rc = store_query_int(&used, s, "SELECT count(*) FROM waste_tickets WHERE tenant = $1 AND ticket = $2",
				     q, 2, e);
		if (rc == 0 && used)
			rc = err_set(e, ERR_CONFLICT, "tickets: ticket %d pays another booking", i + 1);
		if (rc == 0) {
			struct store_val v[] = { sv_text(tenant), sv_text(c[i]), sv_int(b->id) };
			rc = store_exec(s, "INSERT INTO waste_tickets (tenant, ticket, booking) VALUES ($1, $2, $3)",
					v, 3, e);
			rc = rc < 0 ? rc : 0;
		}
	}
	if (rc == 0) {
		struct store_val p[] = { sv_int(b->id), sv_int(now) };
		rc = store_exec(s, "UPDATE waste_bookings SET pay = 'tickets', paid_at = $2"
				" WHERE id = $1 AND pay = 'unpaid' AND state = 'booked'", p, 2, e);
		rc = rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_CONFLICT, "tickets: the booking changed");
	}
	free(b);
	free(c);
	return own ? tx_end(s, own, rc, e) : rc;
}

int waste_tickets_of(struct store *s, const char *tenant, int64_t booking,
		     int (*fn)(void *arg, const char *ticket), void *arg, struct err *e)
{
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_int(booking) };
	int rc = store_query(&r, s, "SELECT ticket FROM waste_tickets WHERE tenant = $1 AND booking = $2"
			     " ORDER BY ticket", p, 2, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1)
		if ((rc = fn(arg, store_col_text(r, 0))) != 0)
			break;
	store_rows_free(r);
	return rc;
}

/* ---- reminders ---- */

int waste_remind_due(struct store *s, struct jp_date day, int64_t now,
		     int (*fn)(void *arg, const char *tenant, const struct waste_booking *b), void *arg,
		     struct err *e)
{
	struct store_rows *r;
	struct store_val p[] = { sv_int(jp_date_to_days(day)) };
	int rc = store_query(&r, s, "SELECT id, tenant FROM waste_bookings WHERE day = $1 AND state = 'booked'"
			     " AND email <> '' AND reminded_at IS NULL ORDER BY id LIMIT 500", p, 1, e);
	if (rc)
		return rc;
	int64_t ids[500];
	char (*tenants)[64] = malloc(500 * sizeof *tenants);
	int n = 0;
	if (!tenants) {
		store_rows_free(r);
		return err_set(e, ERR_NOMEM, "remind");
	}
	while ((rc = store_rows_next(r, e)) == 1 && n < 500) {
		ids[n] = store_col_int(r, 0);
		snprintf(tenants[n], sizeof tenants[n], "%s", store_col_text(r, 1));
		n++;
	}
	store_rows_free(r);
	struct waste_booking *b = malloc(sizeof *b);
	if (rc >= 0 && !b)
		rc = err_set(e, ERR_NOMEM, "remind");
	int sent = 0;
	for (int i = 0; rc >= 0 && i < n; i++) {
		if ((rc = store_begin(s, e)))
			break;
		struct store_val q[] = { sv_int(ids[i]), sv_int(now) };
		rc = store_exec(s, "UPDATE waste_bookings SET reminded_at = $2 WHERE id = $1"
				" AND state = 'booked' AND reminded_at IS NULL", q, 2, e);
		if (rc == 1) {   /* ours: no other runner reminds it */
			struct store_rows *one;
			rc = store_query(&one, s, "SELECT " BOOKING_COLS " FROM waste_bookings WHERE id = $1", q, 1, e);
			if (rc == 0) {
				rc = store_rows_next(one, e);
				if (rc == 1) {
					booking_read(b, one);
					rc = fn(arg, tenants[i], b);
					sent += rc == 0;
				}
				store_rows_free(one);
			}
		}
		if (rc < 0 && rc != ERR_IO) {   /* fn refused this one: left for the next run */
			store_rollback(s);
			rc = 0;
		} else if (rc < 0) {
			store_rollback(s);
		} else if ((rc = store_commit(s, e)) == 0) {
			continue;
		}
	}
	free(b);
	free(tenants);
	return rc < 0 ? rc : sent;
}

int waste_cancel(struct store *s, const char *tenant, const char *number, int64_t now,
		 struct err *e)
{
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	struct waste_booking *b = malloc(sizeof *b);
	rc = b ? waste_booking_get(b, s, tenant, number, e) : err_set(e, ERR_NOMEM, "cancel");
	if (rc == 0 && b->cancelled)
		rc = err_set(e, ERR_CONFLICT, "booking: cancelled already");
	if (rc == 0 && now > waste_booking_cutoff(b->day))
		rc = err_set(e, ERR_DENIED, "booking: past the cut-off");
	int paid_online = 0;
	if (rc == 0)
		rc = waste_pay_online_release(&paid_online, s, tenant, b, "booking cancelled", now, e);
	if (rc == 0 && paid_online && !waste_pay_online_refunded(s, tenant, b, e))
		rc = err_set(e, ERR_CONFLICT, "paid online: ask 会計課 for the refund first");
	if (rc == 0) {
		struct store_val p[] = { sv_text(tenant), sv_text(number), sv_int(now) };
		rc = store_exec(s, "UPDATE waste_bookings SET state = 'cancelled', cancelled_at = $3"
				" WHERE tenant = $1 AND number = $2 AND state = 'booked'", p, 3, e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "booking: cancelled already");
		else if (rc > 0)
			rc = give_places(s, tenant, b->area, jp_date_to_days(b->day), b->points, e);
		if (rc == 0) {   /* its 処理券 may pay another booking */
			struct store_val q[] = { sv_text(tenant), sv_int(b->id) };
			rc = store_exec(s, "DELETE FROM waste_tickets WHERE tenant = $1 AND booking = $2", q, 2, e);
			rc = rc < 0 ? rc : 0;
		}
	}
	free(b);
	return tx_end(s, own, rc, e);
}
