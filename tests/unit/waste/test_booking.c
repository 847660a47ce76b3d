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
 *     of range;
 *   - a booking with its contact (checked: name, phone, e-mail, 町丁目)
 *     reads back whole; 町丁目 lead to their area;
 *   - moving a booking takes places on the new day and gives them back on
 *     the old one, refused when the new day is full or past its cut-off;
 *   - 処理券: the tickets must add up to the fee exactly, a ticket pays one
 *     booking only, cancelling gives the tickets back;
 *   - reminders: each booking of the day with an e-mail is given once,
 *     whatever runs twice; a cancelled one, or one without e-mail, never.
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
						0, NOW, NULL, NULL };
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
	struct waste_booking_req rq = { T1, "kita", D(2026, 12, 22), 3, 1200, "[]", 7, NOW, NULL, NULL };
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
	struct waste_booking_req no_day = { T1, "kita", D(2026, 12, 23), 1, 0, "[]", 0, NOW, NULL, NULL };
	T_EQ_INT(waste_book(&b, s, &no_day, &e), ERR_NOTFOUND);
	struct waste_booking_req past = { T1, "kita", D(2026, 12, 1), 1, 0, "[]", 0, NOW, NULL, NULL };
	T_EQ_INT(waste_book(&b, s, &past, &e), ERR_INVALID);
	struct waste_booking_req many = { T1, "kita", D(2026, 12, 22), WASTE_POINTS_MAX + 1, 0, "[]", 0, NOW, NULL, NULL };
	T_EQ_INT(waste_book(&b, s, &many, &e), ERR_INVALID);
	struct waste_booking_req full = { T1, "kita", D(2026, 12, 22), 1, 0, "[]", 0, NOW, NULL, NULL };
	T_EQ_INT(waste_book(&b, s, &full, &e), ERR_FULL);
	store_close(s);
}

static int64_t booked_of(struct store *s, const char *area, struct jp_date d)
{
	int64_t booked = -1;
	struct err e;
	struct store_val p[] = { sv_text(T1), sv_text(area), sv_int(jp_date_to_days(d)) };
	if (store_query_int(&booked, s, "SELECT booked FROM waste_days WHERE tenant = $1 AND area = $2 AND day = $3",
			    p, 3, &e))
		return -1;
	return booked;
}

static int count_cb(void *arg, const struct waste_booking *b)
{
	(void)b;
	(*(int *)arg)++;
	return 0;
}

static void test_contact_move_tickets(void)
{
	struct store *s = open_db();
	struct err e;
	int n;
	T_EQ_INT(waste_chome_put(s, T1, "日之出町1丁目", "kita", &e), 0);
	T_EQ_INT(waste_chome_put(s, T1, "港南5丁目", "minami", &e), 0);
	T_EQ_INT(waste_chome_put(s, T1, "港南6丁目", "nowhere", &e) < 0, 1);   /* no such area */
	char area[WASTE_AREA_MAX + 1];
	T_EQ_INT(waste_chome_area(area, s, T1, "港南5丁目", &e), 0);
	T_EQ_STR(area, "minami");
	T_EQ_INT(waste_chome_area(area, s, T1, "港南9丁目", &e), ERR_NOTFOUND);
	/* Fridays 2027-01-08 and 2027-01-15, 5 places each */
	struct waste_calendar c = { "kita", D(2027, 1, 8), D(2027, 1, 15), 1u << JP_FRI, 5 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &c, &e), 0);
	T_EQ_INT(n, 2);
	struct waste_contact ct = { "デモ 花子", "03-0000-1234", "hanako@example.org", "日之出町1丁目",
				    "2番3号 デモハイツ101", "玄関前" };
	struct waste_booking_req rq = { T1, "kita", D(2027, 1, 8), 4, 2800,
					"[{\"id\":\"sofa_3seat\",\"count\":1}]", 9, NOW, &ct, NULL };
	struct waste_booking b;
	struct waste_booking *g = malloc(sizeof *g);
	T_EQ_INT(waste_book(&b, s, &rq, &e), 0);
	T_EQ_INT(waste_booking_get(g, s, T1, b.number, &e), 0);
	T_EQ_STR(g->name, "デモ 花子");
	T_EQ_STR(g->phone, "03-0000-1234");
	T_EQ_STR(g->email, "hanako@example.org");
	T_EQ_STR(g->chome, "日之出町1丁目");
	T_EQ_STR(g->address, "2番3号 デモハイツ101");
	T_EQ_STR(g->place, "玄関前");
	T_EQ_INT((int)g->account, 9);
	T_EQ_INT(g->pay, WASTE_UNPAID);
	T_CHECK(strstr(g->items, "sofa_3seat") != NULL);
	/* contact refusals: nothing is booked */
	const struct waste_contact bad[] = {
		{ "", "03-0000-1234", "", "日之出町1丁目", "1番", "" },
		{ "名前", "1234", "", "日之出町1丁目", "1番", "" },
		{ "名前", "03-0000-1234", "not-an-address", "日之出町1丁目", "1番", "" },
		{ "名前", "03-0000-1234", "", "", "1番", "" },
		{ "名前\n", "03-0000-1234", "", "日之出町1丁目", "1番", "" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct waste_booking_req r2 = rq;
		r2.contact = &bad[i];
		r2.points = 1;
		struct waste_booking bx;
		T_EQ_INT(waste_book(&bx, s, &r2, &e), ERR_INVALID);
	}
	T_EQ_INT((int)booked_of(s, "kita", D(2027, 1, 8)), 4);
	/* the form sent twice with its one-time key books once */
	struct waste_booking_req keyed = rq;
	keyed.points = 1;
	keyed.request_key = "k-0123456789abcdef";
	struct waste_booking k1, k2;
	T_EQ_INT(waste_book(&k1, s, &keyed, &e), 0);
	T_EQ_INT(waste_book(&k2, s, &keyed, &e), 1);
	T_EQ_STR(k1.number, k2.number);
	T_EQ_INT((int)booked_of(s, "kita", D(2027, 1, 8)), 5);
	T_EQ_INT(waste_cancel(s, T1, k1.number, NOW, &e), 0);
	keyed.request_key = "short";
	T_EQ_INT(waste_book(&k2, s, &keyed, &e), ERR_INVALID);
	T_CHECK(waste_phone_ok("090-1234-5678") && waste_phone_ok("0312345678") && !waste_phone_ok("03--1234-5678") &&
		!waste_phone_ok("12-3456-7890") && !waste_phone_ok("03-1234-567"));
	/* lists */
	int count = 0;
	T_EQ_INT(waste_bookings_each(s, T1, "kita", D(2027, 1, 8), 0, count_cb, &count, &e), 0);
	T_EQ_INT(count, 1);
	count = 0;
	T_EQ_INT(waste_bookings_of_account(s, T1, 9, 10, count_cb, &count, &e), 0);
	T_EQ_INT(count, 2);   /* the resident's history keeps the cancelled one */
	/* move: the other Friday has 5 places; fill 2 of them so 4 do not fit */
	struct waste_booking_req other = { T1, "kita", D(2027, 1, 15), 2, 600, "[]", 0, NOW, NULL, NULL };
	struct waste_booking o;
	T_EQ_INT(waste_book(&o, s, &other, &e), 0);
	T_EQ_INT(waste_move(s, T1, g->number, D(2027, 1, 15), NULL, NOW, &e), ERR_FULL);
	T_EQ_INT(waste_cancel(s, T1, o.number, NOW, &e), 0);
	T_EQ_INT(waste_move(s, T1, g->number, D(2027, 1, 14), NULL, NOW, &e), ERR_NOTFOUND);  /* a Thursday */
	T_EQ_INT(waste_move(s, T1, g->number, D(2027, 1, 15), NULL, jp_jst_midnight(D(2027, 1, 15)) - WASTE_CANCEL_BEFORE + 1, &e),
		 ERR_DENIED);
	/* priced by the new day's master: the fee and items are stored with it */
	struct waste_price price = { "[{\"id\":\"sofa_3seat_plus\",\"count\":1,\"fee_yen\":3200}]", 3200 };
	T_EQ_INT(waste_move(s, T1, g->number, D(2027, 1, 15), &price, NOW, &e), 0);
	T_EQ_INT((int)booked_of(s, "kita", D(2027, 1, 8)), 0);
	T_EQ_INT((int)booked_of(s, "kita", D(2027, 1, 15)), 4);
	T_EQ_INT(waste_booking_get(g, s, T1, b.number, &e), 0);
	T_EQ_INT(jp_date_to_days(g->day), jp_date_to_days(D(2027, 1, 15)));
	T_CHECK(g->changed_at == NOW);
	T_EQ_INT(g->fee_yen, 3200);
	T_CHECK(strstr(g->items, "3200") != NULL);
	/* a paid booking never changes its fee by moving */
	{
		struct waste_booking_req pr = { T1, "kita", D(2027, 1, 8), 1, 300, "[]", 0, NOW, NULL, NULL };
		struct waste_booking pb;
		T_EQ_INT(waste_book(&pb, s, &pr, &e), 0);
		const char *one[] = { "A77777777" };
		T_EQ_INT(waste_pay_tickets(s, T1, pb.number, one, 1, NOW, &e), 0);
		struct waste_price dearer = { "[]", 400 }, same = { "[]", 300 };
		T_EQ_INT(waste_move(s, T1, pb.number, D(2027, 1, 15), &dearer, NOW, &e), ERR_CONFLICT);
		T_EQ_INT(waste_move(s, T1, pb.number, D(2027, 1, 15), &same, NOW, &e), 0);
		T_EQ_INT(waste_cancel(s, T1, pb.number, NOW, &e), 0);
	}
	/* 処理券: 2800 = 4 × 400 + 4 × 300 (its fee set back for the tickets below) */
	{
		struct waste_price back = { "[]", 2800 };
		T_EQ_INT(waste_move(s, T1, g->number, D(2027, 1, 8), &back, NOW, &e), 0);
		T_EQ_INT(waste_move(s, T1, g->number, D(2027, 1, 15), &back, NOW, &e), 0);
	}
	T_EQ_INT(waste_ticket_value("A12345678"), WASTE_TICKET_A_YEN);
	T_EQ_INT(waste_ticket_value("ｂ１２３４５６７８"), WASTE_TICKET_B_YEN);
	T_EQ_INT(waste_ticket_value("C12345678"), 0);
	T_EQ_INT(waste_ticket_value("A1234567"), 0);
	const char *short_[] = { "B00000001", "B00000002" };
	T_EQ_INT(waste_pay_tickets(s, T1, b.number, short_, 2, NOW, &e), ERR_INVALID);
	const char *twice[] = { "B00000001", "B00000001", "B00000003", "B00000004", "A00000001", "A00000002",
				"A00000003", "A00000004" };
	T_EQ_INT(waste_pay_tickets(s, T1, b.number, twice, 8, NOW, &e), ERR_INVALID);
	const char *good[] = { "B00000001", "B00000002", "B00000003", "B00000004", "A00000001", "A00000002",
			       "A00000003", "A-0000-0004" };
	T_EQ_INT(waste_pay_tickets(s, T1, b.number, good, 8, NOW, &e), 0);
	T_EQ_INT(waste_booking_get(g, s, T1, b.number, &e), 0);
	T_EQ_INT(g->pay, WASTE_PAID_TICKETS);
	T_EQ_INT(waste_pay_tickets(s, T1, b.number, good, 8, NOW, &e), ERR_CONFLICT);   /* paid */
	/* the same tickets cannot pay a second booking while the first holds them */
	struct waste_booking_req again = rq;
	again.day = D(2027, 1, 8);
	struct waste_booking b2;
	T_EQ_INT(waste_book(&b2, s, &again, &e), 0);
	T_EQ_INT(waste_pay_tickets(s, T1, b2.number, good, 8, NOW, &e), ERR_CONFLICT);
	T_EQ_INT(waste_cancel(s, T1, b.number, NOW, &e), 0);
	T_EQ_INT(waste_pay_tickets(s, T1, b2.number, good, 8, NOW, &e), 0);
	free(g);
	store_close(s);
}

struct reminded {
	int n;
	char numbers[8][WASTE_NUMBER_LEN + 1];
};

static int remind_cb(void *arg, const char *tenant, const struct waste_booking *b)
{
	struct reminded *r = arg;
	if (strcmp(tenant, T1) != 0 || r->n == 8)
		return ERR_INVALID;
	snprintf(r->numbers[r->n++], WASTE_NUMBER_LEN + 1, "%s", b->number);
	return 0;
}

static int failing_cb(void *arg, const char *tenant, const struct waste_booking *b)
{
	(void)arg; (void)tenant; (void)b;
	return ERR_IO;
}

static void test_reminders(void)
{
	struct store *s = open_db();
	struct err e;
	int n;
	struct waste_calendar c = { "minami", D(2027, 1, 21), D(2027, 1, 21), 0x7F, 10 };
	T_EQ_INT(waste_calendar_open(&n, s, T1, &c, &e), 0);
	struct waste_contact with = { "甲", "03-0000-0001", "a@example.org", "港南5丁目", "1番", "" };
	struct waste_contact without = { "乙", "03-0000-0002", "", "港南5丁目", "2番", "" };
	struct waste_booking_req rq = { T1, "minami", D(2027, 1, 21), 1, 300, "[]", 0, NOW, &with, NULL };
	struct waste_booking a, b, cxl;
	T_EQ_INT(waste_book(&a, s, &rq, &e), 0);
	T_EQ_INT(waste_book(&cxl, s, &rq, &e), 0);
	rq.contact = &without;
	T_EQ_INT(waste_book(&b, s, &rq, &e), 0);
	T_EQ_INT(waste_cancel(s, T1, cxl.number, NOW, &e), 0);
	/* a failure of the sender leaves the booking to be reminded later */
	T_CHECK(waste_remind_due(s, D(2027, 1, 21), NOW, failing_cb, NULL, &e) < 0);
	struct reminded r = { 0 };
	T_EQ_INT(waste_remind_due(s, D(2027, 1, 21), NOW, remind_cb, &r, &e), 1);
	T_EQ_INT(r.n, 1);
	T_EQ_STR(r.numbers[0], a.number);
	T_EQ_INT(waste_remind_due(s, D(2027, 1, 21), NOW + 60, remind_cb, &r, &e), 0);
	T_EQ_INT(r.n, 1);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "wastebook");
	setup();
	T_RUN(test_calendar);
	T_RUN(test_no_double_booking);
	T_RUN(test_numbers_and_cancel);
	T_RUN(test_contact_move_tickets);
	T_RUN(test_reminders);
	tdb_end(&db);
	return t_done();
}
