/*
 * test_booking.c -- bulky-waste collection days and bookings
 * (src/svc/waste/booking.c) on the database MADOGUCHI_TEST_DB names
 * (default a fresh SQLite file; on PostgreSQL a schema of its own):
 *   - a calendar opens the chosen weekdays only, never a national holiday
 *     or 12/29-1/3; opened again, capacities change but never below what
 *     is booked;
 *   - 1,000 booking attempts at once (20 threads, each with its own
 *     connection, as the server's workers) on a day with 50 places:
 *     exactly 50 succeed, the day's booked points are 50, the bookings
 *     rows 50, every number distinct; each refused attempt is offered the
 *     next collection day;
 *   - numbers carry a Luhn check digit; a booking is found by its number;
 *   - cancelling gives the points back, twice is refused, after the
 *     cut-off (17:00 JST the day before) is refused;
 *   - refusals: a day that is not a collection day, a past day, points out
 *     of range.
 */
#include "t.h"
#include "tdb.h"

#include <pthread.h>

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/waste/waste.h"

static struct tdb db;

#define T1 "139998"
/* 2026-12-01 10:00 JST, a Tuesday */
#define NOW (1796050800LL + 10 * 3600)

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# open: %s\n", e.detail);
		exit(1);
	}
	return s;
}

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	int applied = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e) ||
	    waste_area_put(s, T1, "kita", "北地区", &e) || waste_area_put(s, T1, "minami", "南地区", &e)) {
		printf("Bail out! setup: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
}

static struct jp_date D(int y, int m, int d)
{
	return (struct jp_date){ y, m, d };
}

static void test_calendar(void)
{
	struct store *s = open_db();
	struct err e;
	int n = 0;
	/* Tuesdays and Fridays from 2026-12-15 to 2027-01-15 */
	struct waste_calendar c = { "kita", D(2026, 12, 15), D(2027, 1, 15), (1u << JP_TUE) | (1u << JP_FRI), 50 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &c, &e), 0);
	/* Tue 12/15, Fri 12/18, Tue 12/22, Fri 12/25 | 12/29 and 1/1 closed |
	 * Tue 1/5, Fri 1/8, Tue 1/12 (not a holiday), Fri 1/15: 8 days */
	T_EQ_INT(n, 8);
	struct jp_date d;
	T_EQ_INT(waste_earliest(&d, s, T1, "kita", D(2026, 12, 26), 1, &e), 0);
	T_EQ_INT(d.y * 10000 + d.m * 100 + d.d, 20270105);
	/* every weekday, but not 2027-02-23 (天皇誕生日, a Tuesday) */
	struct waste_calendar h = { "minami", D(2027, 2, 22), D(2027, 2, 24), 0x7F, 10 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &h, &e), 0);
	T_EQ_INT(n, 2);   /* Mon 22, Wed 24: not Tue 23 */
	T_EQ_INT(waste_earliest(&d, s, T1, "minami", D(2027, 2, 23), 1, &e), 0);
	T_EQ_INT(d.d, 24);
	/* no such area; too long a range */
	struct waste_calendar bad = { "Kita", D(2026, 12, 15), D(2026, 12, 16), 0x7F, 5 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &bad, &e), ERR_INVALID);
	struct waste_calendar longr = { "kita", D(2026, 1, 1), D(2028, 12, 31), 0x7F, 5 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &longr, &e), ERR_LIMIT);
	store_close(s);
}

/* ---- 1,000 attempts at once ---- */

#define THREADS 20
#define PER_THREAD 50

struct worker {
	int ok, full, other, offered_next;
	char numbers[PER_THREAD][WASTE_NUMBER_LEN + 1];
};

static void *attempt(void *arg)
{
	struct worker *w = arg;
	struct store *s = open_db();
	for (int i = 0; i < PER_THREAD; i++) {
		struct waste_booking b;
		struct err e;
		struct waste_booking_req rq = { T1, "kita", D(2026, 12, 18), 1, 400, "[{\"id\":\"chair\",\"count\":1}]",
						0, NOW, NULL };
		int rc = waste_book(&b, s, &rq, &e);
		if (rc == 0) {
			snprintf(w->numbers[w->ok], sizeof w->numbers[0], "%s", b.number);
			w->ok++;
		} else if (rc == ERR_FULL) {
			w->full++;
			struct jp_date d;
			if (waste_earliest(&d, s, T1, "kita", D(2026, 12, 18), 1, &e) == 0 &&
			    d.y == 2026 && d.m == 12 && d.d == 22)
				w->offered_next++;
		} else {
			w->other++;
			printf("# attempt: %s\n", e.detail);
		}
	}
	store_close(s);
	return NULL;
}

static void test_no_double_booking(void)
{
	static struct worker w[THREADS];
	pthread_t th[THREADS];
	memset(w, 0, sizeof w);
	for (int i = 0; i < THREADS; i++)
		T_REQUIRE(pthread_create(&th[i], NULL, attempt, &w[i]) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	int ok = 0, full = 0, other = 0, next = 0;
	for (int i = 0; i < THREADS; i++) {
		ok += w[i].ok;
		full += w[i].full;
		other += w[i].other;
		next += w[i].offered_next;
	}
	T_EQ_INT(ok, 50);
	T_EQ_INT(full, THREADS * PER_THREAD - 50);
	T_EQ_INT(other, 0);
	T_EQ_INT(next, full);
	struct store *s = open_db();
	struct err e;
	int64_t booked = -1, rows = -1, distinct = -1;
	struct store_val p[] = { sv_text(T1), sv_text("kita"), sv_int(jp_date_to_days(D(2026, 12, 18))) };
	T_EQ_INT(store_query_int(&booked, s, "SELECT booked FROM waste_days WHERE tenant = $1 AND area = $2 AND day = $3", p, 3, &e), 0);
	T_EQ_INT(store_query_int(&rows, s, "SELECT count(*) FROM waste_bookings WHERE tenant = $1 AND area = $2 AND day = $3", p, 3, &e), 0);
	T_EQ_INT(store_query_int(&distinct, s, "SELECT count(DISTINCT number) FROM waste_bookings WHERE tenant = $1", p, 1, &e), 0);
	T_EQ_INT((int)booked, 50);
	T_EQ_INT((int)rows, 50);
	T_EQ_INT((int)distinct, 50);
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < w[i].ok; k++)
			if (!waste_number_ok(w[i].numbers[k]))
				T_FAIL_("number %s fails its check digit", w[i].numbers[k]);
	store_close(s);
}

static void test_numbers_and_cancel(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_booking b, g;
	struct waste_booking_req rq = { T1, "kita", D(2026, 12, 22), 3, 1200, "[]", 7, NOW, NULL };
	T_EQ_INT(waste_book(&b, s, &rq, &e), 0);
	T_EQ_INT((int)strlen(b.number), WASTE_NUMBER_LEN);
	T_CHECK(waste_number_ok(b.number));
	char wrong[WASTE_NUMBER_LEN + 1];
	memcpy(wrong, b.number, sizeof wrong);
	wrong[3] = wrong[3] == '9' ? '0' : (char)(wrong[3] + 1);   /* one digit misheard */
	T_CHECK(!waste_number_ok(wrong));
	T_EQ_INT(waste_booking_get(&g, s, T1, wrong, &e), ERR_NOTFOUND);
	T_EQ_INT(waste_booking_get(&g, s, T1, b.number, &e), 0);
	T_EQ_INT(g.points, 3);
	T_EQ_INT(g.fee_yen, 1200);
	T_EQ_INT(g.cancelled, 0);
	/* the cut-off: 17:00 JST the day before */
	int64_t cutoff = jp_jst_midnight(D(2026, 12, 22)) - WASTE_CANCEL_BEFORE;
	T_EQ_INT(waste_cancel(s, T1, b.number, cutoff + 1, &e), ERR_DENIED);
	T_EQ_INT(waste_cancel(s, T1, b.number, cutoff, &e), 0);
	T_EQ_INT(waste_cancel(s, T1, b.number, cutoff, &e), ERR_CONFLICT);
	T_EQ_INT(waste_booking_get(&g, s, T1, b.number, &e), 0);
	T_EQ_INT(g.cancelled, 1);
	int64_t booked = -1;
	struct store_val p[] = { sv_text(T1), sv_text("kita"), sv_int(jp_date_to_days(D(2026, 12, 22))) };
	T_EQ_INT(store_query_int(&booked, s, "SELECT booked FROM waste_days WHERE tenant = $1 AND area = $2 AND day = $3", p, 3, &e), 0);
	T_EQ_INT((int)booked, 0);
	/* capacity never below what is booked */
	T_EQ_INT(waste_book(&b, s, &rq, &e), 0);
	int n;
	struct waste_calendar c = { "kita", D(2026, 12, 22), D(2026, 12, 22), 0x7F, 2 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &c, &e), ERR_CONFLICT);
	c.capacity = 3;
	T_EQ_INT(waste_calendar_open(&n, s, T1, &c, &e), 0);
	T_EQ_INT(n, 1);
	/* refusals */
	struct waste_booking_req no_day = { T1, "kita", D(2026, 12, 23), 1, 0, "[]", 0, NOW, NULL };
	T_EQ_INT(waste_book(&b, s, &no_day, &e), ERR_NOTFOUND);
	struct waste_booking_req past = { T1, "kita", D(2026, 12, 1), 1, 0, "[]", 0, NOW, NULL };
	T_EQ_INT(waste_book(&b, s, &past, &e), ERR_INVALID);
	struct waste_booking_req many = { T1, "kita", D(2026, 12, 22), WASTE_POINTS_MAX + 1, 0, "[]", 0, NOW, NULL };
	T_EQ_INT(waste_book(&b, s, &many, &e), ERR_INVALID);
	struct waste_booking_req full = { T1, "kita", D(2026, 12, 22), 1, 0, "[]", 0, NOW, NULL };
	T_EQ_INT(waste_book(&b, s, &full, &e), ERR_FULL);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "wastebook");
	setup();
	T_RUN(test_calendar);
	T_RUN(test_no_double_booking);
	T_RUN(test_numbers_and_cancel);
	tdb_end(&db);
	return t_done();
}
