/*
 * test_slot.c -- facilities and bookings of facility reservations
 * (src/svc/booking: facility.c, group.c, slot.c, round.c) on the database
 * MADOGUCHI_TEST_DB names (default a fresh SQLite file; on PostgreSQL a
 * schema of its own):
 *   - a facility reads back whole; the CSV exported imports to the same
 *     facilities; bad CSV is refused with its line, and nothing written;
 *   - 1,000 attempts at one slot at once (20 threads, each with its own
 *     connection, as the server's workers): exactly one hold;
 *   - 1,000 clients x 100 random requests on 20 overlapping slots (a
 *     baseball field's 全面 and its two 半面, and a tennis court, over
 *     bands), every request retried once under its request key: no two
 *     bookings in force overlap (checked by SQL over the rows after the
 *     run), every retry answers its first booking;
 *   - a hold ends at hold_until (00:00:00 boundary), is confirmed before
 *     it, not after; confirming twice is harmless; a cancelled booking's
 *     slot is free again; the fee kept by the cancel rule;
 *   - paid online, cancelled by the resident after the free period: the
 *     slot free again, the fee kept, a refund of the rest asked for the
 *     payer (a payment paid but not yet marked is marked first), any one
 *     member of staff approves it; cancelling again changes nothing;
 *     cancelled by staff with the fee waived: all of it asked, as that
 *     member, and another approves; paid at the counter: handed back there;
 *   - the fair queue: requests in a window's first seconds are decided
 *     together in a random order (the first arrival does not win), one
 *     queued request an account a window, withdrawn before it is decided;
 *   - the キャンセル枠: a given-up slot waits for the next 08:30 JST
 *     opening; from it one slot per group, refused by the database;
 *   - closures, the past, first come not yet open, who may book;
 *   - the grid of a day: a half taken takes the whole, a hold that ran
 *     out is free, a given-up slot waits for the opening, closures of a
 *     part close the whole, the past, not yet open;
 *   - groups: members checked, a person in two groups found;
 *   - recurring bookings skip a taken week and list it;
 *   - a lottery round: entries within the window and the cap, the draw
 *     only with a public value after its time, wins as bookings, the
 *     re-run byte-identical, a changed entry found by the re-run.
 */
#include "t.h"
#include "tdb.h"

#include <pthread.h>

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/booking/booking.h"
#include "svc/payments/payments.h"

static struct tdb db;

#define T1 "139998"

static struct jp_date D(int y, int m, int d)
{
	return (struct jp_date){ y, m, d };
}

/* an instant in Japan */
static int64_t JST(int y, int mo, int d, int h, int mi, int s)
{
	return jp_jst_midnight(D(y, mo, d)) + h * 3600 + mi * 60 + s;
}

/* 2026-12-01 10:00 JST: first come is open for rooms in January 2027 (it
 * opens on the 20th two months before) and for sports until June 2027 */
#define NOW JST(2026, 12, 1, 10, 0, 0)

static const char rules_text[] =
	"[room]\n"
	"name_ja = 集会室\n"
	"name_en = Rooms\n"
	"open_months_before = 2\n"
	"open_day = 20\n"
	"open_time = 09:00\n"
	"who = sazanka, ward, outside\n"
	"hold_minutes = 15\n"
	"pay_days = 7\n"
	"pay_before_days = 3\n"
	"cancel_time = none\n"
	"cancel_one_per_group = no\n"
	"cancel_free_days = 7\n"
	"cancel_fee_percent = 50\n"
	"fair_pool_seconds = 0\n"
	"days_ahead_max = 400\n"
	"\n"
	"[room round 1]\n"
	"name_ja = 抽選\n"
	"name_en = Lottery\n"
	"who = sazanka, ward\n"
	"months_before = 2\n"
	"entry_from_day = 1\n"
	"entry_to_day = 10\n"
	"draw_day = 15\n"
	"draw_time = 10:00\n"
	"entries_cap = 2\n"
	"wins_cap = 1\n"
	"choices_max = 3\n"
	"confirm_days = 7\n"
	"allocation = order\n"
	"\n"
	"[sports]\n"
	"name_ja = 運動場\n"
	"name_en = Sports\n"
	"open_months_before = 6\n"
	"open_day = 1\n"
	"open_time = 09:00\n"
	"who = sazanka, ward\n"
	"hold_minutes = 10\n"
	"pay_days = 7\n"
	"pay_before_days = 0\n"
	"cancel_time = 08:30\n"
	"cancel_one_per_group = yes\n"
	"cancel_free_days = 3\n"
	"cancel_fee_percent = 100\n"
	"fair_pool_seconds = 0\n"
	"days_ahead_max = 400\n"
	"\n"
	"[sports round 1]\n"
	"name_ja = 抽選\n"
	"name_en = Lottery\n"
	"who = sazanka, ward\n"
	"months_before = 7\n"
	"entry_from_day = 1\n"
	"entry_to_day = 10\n"
	"draw_day = 15\n"
	"draw_time = 10:00\n"
	"entries_cap = 2\n"
	"wins_cap = 1\n"
	"choices_max = 2\n"
	"confirm_days = 7\n"
	"allocation = per_slot\n"
	"\n"
	"[tennis]\n"
	"name_ja = 庭球場\n"
	"name_en = Tennis\n"
	"open_months_before = 1\n"
	"open_day = 1\n"
	"open_time = 09:00\n"
	"who = sazanka, ward, outside\n"
	"hold_minutes = 10\n"
	"pay_days = 7\n"
	"pay_before_days = 0\n"
	"cancel_time = none\n"
	"cancel_free_days = 3\n"
	"cancel_fee_percent = 100\n"
	"fair_pool_seconds = 5\n"
	"days_ahead_max = 400\n";

#define HDR "facility,facility_name,facility_name_en,kind,address,lat,lon,access,photo,unit,unit_name,unit_name_en," \
	    "parent,capacity,equipment,band,band_name,band_name_en,start,end,fee,fee_holiday,fee_other," \
	    "fee_other_holiday,fee_heating\n"
#define KAIKAN "kaikan,テスト会館,Test Hall,room,テスト区1-1,35.7,139.6,段差なし,,"
#define GROUND "ground,テスト運動場,Test Ground,sports,テスト区2-2,,,,,"

static const char csv[] =
	HDR
	KAIKAN "r1,第1集会室,Room 1,,30,机,am,午前,Morning,09:00,12:00,800,800,1000,1000,200\n"
	KAIKAN "r1,第1集会室,Room 1,,30,机,pm,午後,Afternoon,13:00,17:00,1000,1000,1300,1300,200\n"
	GROUND "field,野球場（全面）,Field,,0,,h09,9時〜11時,9-11,09:00,11:00,2400,3000,3600,4400,0\n"
	GROUND "field,野球場（全面）,Field,,0,,h11,11時〜13時,11-13,11:00,13:00,2400,3000,3600,4400,0\n"
	GROUND "field-a,A面,Half A,field,0,,h09,9時〜11時,9-11,09:00,11:00,1200,1500,1800,2200,0\n"
	GROUND "field-a,A面,Half A,field,0,,h11,11時〜13時,11-13,11:00,13:00,1200,1500,1800,2200,0\n"
	GROUND "field-b,B面,Half B,field,0,,h09,9時〜11時,9-11,09:00,11:00,1200,1500,1800,2200,0\n"
	GROUND "field-b,B面,Half B,field,0,,h11,11時〜13時,11-13,11:00,13:00,1200,1500,1800,2200,0\n"
	GROUND "court,庭球場,Court,,0,,h09,9時〜11時,9-11,09:00,11:00,800,1000,1200,1500,0\n"
	GROUND "court,庭球場,Court,,0,,h11,11時〜13時,11-13,11:00,13:00,800,1000,1200,1500,0\n"
	"tennis,テスト庭球場,Test Tennis,tennis,テスト区3-3,,,,,c1,コート1,Court 1,,0,,h09,9時〜11時,9-11,09:00,11:00,"
	"800,1000,1200,1500,0\n";

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("Bail out! open: %s\n", e.detail);
		exit(1);
	}
	return s;
}

static int64_t group_a, group_b;   /* approved: sazanka (leader 101), ward (leader 102) */

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	int applied = 0, nfac = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e) ||
	    booking_rules_save(s, T1, rules_text, 0, NOW, &e) ||
	    booking_csv_import(s, T1, csv, sizeof csv - 1, &nfac, &e)) {
		printf("Bail out! setup: %s (line %ld)\n", e.detail, e.line);
		exit(1);
	}
	struct booking_group g = { .name = "テニスの会", .kind = BOOKING_GROUP_SAZANKA, .leader = 101, .nmembers = 2 };
	g.members[0] = (struct booking_member){ "試験 一郎", "シケン イチロウ", { 1980, 1, 2 } };
	g.members[1] = (struct booking_member){ "試験 二郎", "しけん じろう", { 1982, 3, 4 } };
	struct booking_group h = { .name = "野球の会", .kind = BOOKING_GROUP_WARD, .leader = 102, .nmembers = 1 };
	/* the same person as 試験 二郎, written in katakana with a full-width space */
	h.members[0] = (struct booking_member){ "試験 二郎", "シケン　ジロウ", { 1982, 3, 4 } };
	if (booking_group_add(&group_a, s, T1, &g, NOW, &e) || booking_group_add(&group_b, s, T1, &h, NOW, &e) ||
	    booking_group_decide(s, T1, group_a, 1, 1, NOW, &e) || booking_group_decide(s, T1, group_b, 1, 1, NOW, &e)) {
		printf("Bail out! groups: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
}

static struct booking_req req(const char *fac, const char *unit, const char *band, struct jp_date day,
			      int64_t account, const char *key, int64_t now)
{
	return (struct booking_req){ .tenant = T1, .facility = fac, .unit = unit, .band = band, .day = day,
				     .account = account, .source = BOOKING_FIRST_COME, .resident = 1,
				     .request_key = key, .now = now };
}

/* ---- facilities and the CSV ---- */

static void test_facility_csv(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking_facility *f = NULL;
	T_EQ_INT(booking_facility_get(&f, s, T1, "ground", &e), 0);
	T_EQ_INT(f->nunits, 4);
	T_EQ_INT(f->nbands, 2);
	T_EQ_STR(f->units[1].parent, "field");
	T_EQ_INT(f->has_pin, 0);
	/* fees: weekday, 土日祝 (2027-01-11 成人の日 is a Monday), 区外, heating */
	T_EQ_INT(booking_fee_of(f, "field", "h09", D(2027, 1, 12), 1, 0), 2400);
	T_EQ_INT(booking_fee_of(f, "field", "h09", D(2027, 1, 11), 1, 0), 3000);
	T_EQ_INT(booking_fee_of(f, "field", "h09", D(2027, 1, 16), 0, 0), 4400);
	T_EQ_INT(booking_fee_of(f, "field", "nope", D(2027, 1, 16), 0, 0), -1);
	booking_facility_free(f);
	T_EQ_INT(booking_facility_get(&f, s, T1, "kaikan", &e), 0);
	T_EQ_INT(booking_fee_of(f, "r1", "am", D(2027, 1, 12), 1, 1), 1000);
	T_CHECK(f->has_pin && f->lat > 35.69 && f->lat < 35.71);
	booking_facility_free(f);
	/* export, import again: the same export */
	struct buf a, b;
	buf_init(&a, 1u << 20);
	buf_init(&b, 1u << 20);
	int n = 0;
	T_EQ_INT(booking_csv_export(&a, s, T1, &e), 0);
	T_CHECK(a.len > 3 && !memcmp(a.data, "\xef\xbb\xbf", 3));
	T_EQ_INT(booking_csv_import(s, T1, a.data, a.len, &n, &e), 0);
	T_EQ_INT(n, 3);
	T_EQ_INT(booking_csv_export(&b, s, T1, &e), 0);
	T_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
	/* refusals name the line; nothing is written */
	static const char bad_fee[] = HDR KAIKAN "r1,第1集会室,Room 1,,30,机,am,午前,Morning,09:00,12:00,800,800,1000,1000,200\n"
				      KAIKAN "r1,第1集会室,Room 1,,30,机,pm,午後,Afternoon,13:00,17:00,1000,x,1300,1300,200\n";
	T_EQ_INT(booking_csv_import(s, T1, bad_fee, sizeof bad_fee - 1, &n, &e), ERR_INVALID);
	T_EQ_INT(e.line, 3);
	static const char differ[] = HDR KAIKAN "r1,第1集会室,Room 1,,30,机,am,午前,Morning,09:00,12:00,800,800,1000,1000,200\n"
				     KAIKAN "r1,第1集会室,Room 1,,31,机,pm,午後,Afternoon,13:00,17:00,1000,1000,1300,1300,200\n";
	T_EQ_INT(booking_csv_import(s, T1, differ, sizeof differ - 1, &n, &e), ERR_INVALID);
	T_EQ_INT(e.line, 3);
	static const char overlap[] = HDR KAIKAN "r1,第1集会室,Room 1,,30,机,am,午前,Morning,09:00,12:00,800,800,1000,1000,200\n"
				      KAIKAN "r1,第1集会室,Room 1,,30,机,pm,午後,Afternoon,11:00,17:00,1000,1000,1300,1300,200\n";
	T_EQ_INT(booking_csv_import(s, T1, overlap, sizeof overlap - 1, &n, &e), ERR_INVALID);
	/* a code a page's path takes for itself */
	static const char reserved[] = HDR "lottery,抽選会館,Lottery Hall,room,,,,,,r1,第1集会室,Room 1,,30,机,am,午前,Morning,09:00,12:00,"
				       "800,800,1000,1000,200\n";
	T_EQ_INT(booking_csv_import(s, T1, reserved, sizeof reserved - 1, &n, &e), ERR_INVALID);
	static const char header[] = "facility,name\nx,y\n";
	T_EQ_INT(booking_csv_import(s, T1, header, sizeof header - 1, &n, &e), ERR_INVALID);
	T_EQ_INT(e.line, 1);
	buf_reset(&b);
	T_EQ_INT(booking_csv_export(&b, s, T1, &e), 0);
	T_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
	buf_done(&a);
	buf_done(&b);
	store_close(s);
}

/* ---- 1,000 attempts at one slot ---- */

#define THREADS 20
#define PER_THREAD 50

struct worker {
	int index;
	int ok, taken, other;
};

/* a client's retry under the same key when the database was busy past
 * its wait (SQLite's 5 s busy timeout, reached when the machine is
 * loaded, e.g. under the sanitizer): what a browser's resend does */
static long busy_retries;
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;

static int hold_retrying(struct booking *b, struct store *s, const struct booking_req *rq, struct err *e)
{
	int rc, tries = 0;
	while ((rc = booking_hold(b, s, rq, e)) == ERR_UNAVAILABLE && ++tries < 20) {
		pthread_mutex_lock(&busy_lock);
		busy_retries++;
		pthread_mutex_unlock(&busy_lock);
	}
	return rc;
}

static int confirm_retrying(struct booking *b, struct store *s, const char *number, int64_t account, struct err *e)
{
	int rc, tries = 0;
	while ((rc = booking_confirm(b, s, T1, number, account, NOW + 1, e)) == ERR_UNAVAILABLE && ++tries < 20) {
		pthread_mutex_lock(&busy_lock);
		busy_retries++;
		pthread_mutex_unlock(&busy_lock);
	}
	return rc;
}

static void *attempt_one_slot(void *arg)
{
	struct worker *w = arg;
	struct store *s = open_db();
	for (int i = 0; i < PER_THREAD; i++) {
		char key[40];
		snprintf(key, sizeof key, "one-slot-key-%03d-%03d", w->index, i);
		struct booking_req rq = req("ground", "court", "h09", D(2027, 2, 2), 1000 + w->index * 100 + i, key, NOW);
		struct booking b;
		struct err e;
		int rc = hold_retrying(&b, s, &rq, &e);
		if (rc == 0)
			w->ok++;
		else if (rc == ERR_CONFLICT && !strncmp(e.detail, "slot", 4))
			w->taken++;
		else {
			w->other++;
			printf("# attempt: %d %s\n", rc, e.detail);
		}
	}
	store_close(s);
	return NULL;
}

static void test_one_slot(void)
{
	static struct worker w[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .index = i };
		pthread_create(&th[i], NULL, attempt_one_slot, &w[i]);
	}
	int ok = 0, taken = 0, other = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		ok += w[i].ok;
		taken += w[i].taken;
		other += w[i].other;
	}
	T_EQ_INT(ok, 1);
	T_EQ_INT(taken, THREADS * PER_THREAD - 1);
	T_EQ_INT(other, 0);
	struct store *s = open_db();
	struct err e;
	int64_t rows = 0;
	struct store_val p[] = { sv_text(T1), sv_int(jp_date_to_days(D(2027, 2, 2))) };
	T_EQ_INT(store_query_int(&rows, s, "SELECT count(*) FROM booking_bookings WHERE tenant = $1"
					   " AND facility = 'ground' AND unit = 'court' AND day = $2", p, 2, &e), 0);
	T_EQ_INT(rows, 1);
	store_close(s);
}

/* ---- 1,000 clients x 100 requests on 20 overlapping slots ---- */

#define CLIENTS 1000
#define REQUESTS 100
/* slots: 4 units (field, field-a, field-b, court) x 2 bands x 5 days =
 * 40 (unit, band, day) choices over 20 atoms' slots ((a, b, court) x 2
 * bands x 5 days = 30 atom-slots; field overlaps both halves) */
static const char *const units[] = { "field", "field-a", "field-b", "court" };
static const char *const bands[] = { "h09", "h11" };

struct client_worker {
	int index;
	long held, retried_same, refused, other;
};

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void *attempt_many(void *arg)
{
	struct client_worker *w = arg;
	struct store *s = open_db();
	uint64_t x = 0x9E3779B97F4A7C15ull ^ (uint64_t)(w->index + 1) * 0x100000001B3ull;
	for (int c = w->index; c < CLIENTS; c += THREADS) {
		for (int i = 0; i < REQUESTS; i++) {
			char key[48];
			snprintf(key, sizeof key, "many-%04d-%03d-abcdefgh", c, i);
			const char *unit = units[rnd(&x) % 4];
			const char *band = bands[rnd(&x) % 2];
			struct jp_date day = D(2027, 3, 1 + (int)(rnd(&x) % 5));
			struct booking_req rq = req("ground", unit, band, day, 5000 + c, key, NOW);
			struct booking b1, b2;
			struct err e;
			int rc = hold_retrying(&b1, s, &rq, &e);
			/* the client retries under the same key (a lost answer) */
			int rc2 = hold_retrying(&b2, s, &rq, &e);
			if (rc == 0) {
				w->held++;
				if (rc2 == 1 && !strcmp(b1.number, b2.number))
					w->retried_same++;
				struct booking cf;
				if (confirm_retrying(&cf, s, b1.number, 5000 + c, &e))
					w->other++;
			} else if (rc == ERR_CONFLICT) {
				w->refused++;
			} else {
				w->other++;
				printf("# many: %d %s\n", rc, e.detail);
			}
		}
	}
	store_close(s);
	return NULL;
}

/* two units meet when one is the other or its whole */
static int meet(const char *a, const char *b)
{
	return !strcmp(a, b) || (!strcmp(a, "field") && !strncmp(b, "field-", 6)) ||
	       (!strcmp(b, "field") && !strncmp(a, "field-", 6));
}

static void test_many_clients(void)
{
	static struct client_worker w[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct client_worker){ .index = i };
		pthread_create(&th[i], NULL, attempt_many, &w[i]);
	}
	long held = 0, same = 0, other = 0, refused = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		held += w[i].held;
		same += w[i].retried_same;
		other += w[i].other;
		refused += w[i].refused;
	}
	T_EQ_INT(other, 0);
	T_EQ_INT(same, held);
	T_EQ_INT(held + refused, (long)CLIENTS * REQUESTS);
	/* by SQL: bookings in force of one day and band whose units meet */
	struct store *s = open_db();
	struct err e;
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(T1) };
	T_EQ_INT(store_query(&r, s, "SELECT a.unit, b.unit FROM booking_bookings a JOIN booking_bookings b"
				    " ON a.tenant = b.tenant AND a.facility = b.facility AND a.day = b.day"
				    " AND a.band = b.band AND a.id < b.id WHERE a.tenant = $1 AND a.facility = 'ground'"
				    " AND a.state IN ('held', 'won', 'booked') AND b.state IN ('held', 'won', 'booked')",
			     p, 1, &e), 0);
	int overlaps = 0, pairs = 0;
	while (store_rows_next(r, &e) == 1) {
		pairs++;
		overlaps += meet(store_col_text(r, 0), store_col_text(r, 1));
	}
	store_rows_free(r);
	T_EQ_INT(overlaps, 0);
	T_CHECK(pairs > 0);   /* the halves were booked side by side somewhere */
	int64_t booked = 0;
	struct store_val q[] = { sv_text(T1), sv_int(jp_date_to_days(D(2027, 3, 1))),
				 sv_int(jp_date_to_days(D(2027, 3, 5))) };
	T_EQ_INT(store_query_int(&booked, s, "SELECT count(*) FROM booking_bookings WHERE tenant = $1"
					     " AND facility = 'ground' AND day BETWEEN $2 AND $3 AND state = 'booked'",
				 q, 3, &e), 0);
	T_EQ_INT(booked, held);
	/* at most the 30 atom-slots, at least 20 (a 全面 takes two halves) */
	T_CHECK(held >= 20 && held <= 30);
	printf("# %ld held of %ld requests (%ld retries after the database was busy)\n", held,
	       (long)CLIENTS * REQUESTS, busy_retries);
	store_close(s);
}

/* ---- holds, confirmation, cancelling ---- */

static void test_hold_life(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b, c;
	int64_t t0 = JST(2026, 12, 1, 23, 50, 0);
	struct booking_req rq = req("kaikan", "r1", "am", D(2027, 1, 12), 201, "life-key-0000000001", t0);
	T_EQ_INT(booking_hold(&b, s, &rq, &e), 0);
	T_EQ_INT(b.state, BOOKING_HELD);
	T_EQ_INT(b.fee, 800);
	/* 15 minutes: until 00:05:00 of the 2nd */
	T_EQ_INT(b.hold_until, JST(2026, 12, 2, 0, 5, 0));
	/* another account cannot confirm it (as if there were none) */
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 202, t0, &e), ERR_NOTFOUND);
	/* at 00:04:59 it is confirmed; again is harmless */
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 201, JST(2026, 12, 2, 0, 4, 59), &e), 0);
	T_EQ_INT(c.state, BOOKING_BOOKED);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 201, JST(2026, 12, 2, 0, 6, 0), &e), 0);
	/* pay by: 7 days after the day of confirming, and 3 days before use: the 9th */
	T_EQ_INT(c.pay_by, JST(2026, 12, 10, 0, 0, 0));
	/* a second hold: not confirmed by 00:05:00, it ends */
	struct booking_req rq2 = req("kaikan", "r1", "pm", D(2027, 1, 12), 201, "life-key-0000000002", t0);
	T_EQ_INT(booking_hold(&b, s, &rq2, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 201, JST(2026, 12, 2, 0, 5, 0), &e), ERR_INVALID);
	/* and its slot is free for someone else, at once */
	struct booking_req rq3 = req("kaikan", "r1", "pm", D(2027, 1, 12), 203, "life-key-0000000003",
				     JST(2026, 12, 2, 0, 5, 0));
	T_EQ_INT(booking_hold(&c, s, &rq3, &e), 0);
	struct booking old;
	T_EQ_INT(booking_get(&old, s, T1, b.number, &e), 0);
	T_EQ_INT(old.state, BOOKING_RELEASED);
	/* cancel: free until 00:00:00 of 2027-01-05 (7 days before), then half the fee */
	struct booking_req rq4 = req("kaikan", "r1", "am", D(2027, 1, 19), 201, "life-key-0000000004", t0);
	T_EQ_INT(booking_hold(&b, s, &rq4, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 201, t0, &e), 0);
	T_EQ_INT(booking_cancel(&c, s, T1, b.number, 201, 0, JST(2027, 1, 12, 0, 0, 0), &e), 0);
	T_EQ_INT(c.state, BOOKING_CANCELLED);
	T_EQ_INT(c.cancel_fee, 400);
	T_EQ_INT(booking_cancel(&c, s, T1, b.number, 201, 0, JST(2027, 1, 12, 0, 0, 1), &e), ERR_INVALID);
	struct booking_req rq5 = req("kaikan", "r1", "am", D(2027, 1, 26), 201, "life-key-0000000005", t0);
	T_EQ_INT(booking_hold(&b, s, &rq5, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 201, t0, &e), 0);
	T_EQ_INT(booking_cancel(&c, s, T1, b.number, 201, 0, JST(2027, 1, 18, 23, 59, 59), &e), 0);
	T_EQ_INT(c.cancel_fee, 0);
	/* the slot is free again */
	struct booking_req rq6 = req("kaikan", "r1", "am", D(2027, 1, 26), 204, "life-key-0000000006",
				     JST(2027, 1, 19, 0, 0, 0));
	T_EQ_INT(booking_hold(&b, s, &rq6, &e), 0);
	/* unpaid past pay_by: released by the job */
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 204, JST(2027, 1, 19, 0, 0, 0), &e), 0);
	int n = 0;
	T_EQ_INT(booking_expire(&n, s, c.pay_by - 1, &e), 0);
	T_EQ_INT(booking_get(&c, s, T1, b.number, &e), 0);
	T_EQ_INT(c.state, BOOKING_BOOKED);
	T_EQ_INT(booking_expire(&n, s, c.pay_by, &e), 0);
	T_CHECK(n >= 1);
	T_EQ_INT(booking_get(&c, s, T1, b.number, &e), 0);
	T_EQ_INT(c.state, BOOKING_RELEASED);
	store_close(s);
}

/* pays b's fee online (the payments service's counter receipt stands for
 * the card) without marking the booking: booking_cancel marks it */
static void pay_online(struct store *s, const struct booking *b, int64_t now)
{
	static const struct pay_actor payer = { .id = 0, .login = "(test)", .source = "test" };
	struct payment p;
	struct err e;
	T_EQ_INT(booking_pay_online_start(&p, s, T1, b->number, b->account, now, &payer, &e), 0);
	struct pay_receipt rc = { .method = PAY_M_COUNTER, .number = p.number, .amount_yen = b->fee,
				  .source = b->number, .final = 1 };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, s, T1, &rc, now, &payer, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
}

static void test_cancel_paid(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b, c;
	static const struct pay_actor resident = { .id = 301, .source = "127.0.0.1" };
	static const struct pay_actor staff_a = { .id = 11, .login = "staff-a", .source = "127.0.0.1" };
	static const struct pay_actor staff_b = { .id = 12, .login = "staff-b", .source = "127.0.0.1" };
	/* 800 yen, paid online; cancelled the day after free cancelling ends
	 * (00:00 of 2027-01-21): half kept, 400 back */
	struct booking_req rq = req("kaikan", "r1", "am", D(2027, 1, 28), 301, "paid-key-0000000001", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 301, NOW, &e), 0);
	pay_online(s, &c, NOW + 60);
	T_EQ_INT(booking_get(&c, s, T1, b.number, &e), 0);
	T_EQ_INT(c.paid_at, 0);   /* not marked yet: the cancel does it */
	/* another resident: as if there were none */
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 302, 0, JST(2027, 1, 21, 0, 0, 0), &resident, &e), ERR_NOTFOUND);
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 301, 0, JST(2027, 1, 21, 0, 0, 0), &resident, &e), 0);
	T_EQ_INT(c.state, BOOKING_CANCELLED);
	T_EQ_INT(c.cancel_fee, 400);
	T_CHECK(c.paid_at > 0);
	struct payment p;
	T_EQ_INT(payments_get(&p, s, T1, c.payment, &e), 0);
	T_EQ_INT(p.state, PAY_PAID);
	T_EQ_INT(p.refund_by, PAY_REFUND_BY_PAYER);
	T_EQ_INT(p.refund_yen, 400);
	struct booking_refund rf;
	T_EQ_INT(booking_refund_of(&rf, s, T1, &c, &e), 0);
	T_EQ_INT(rf.state, BOOKING_REFUND_ASKED);
	T_EQ_INT(rf.yen, 400);
	/* cancelling again: refused, nothing asked twice */
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 301, 0, JST(2027, 1, 21, 0, 5, 0), &resident, &e), ERR_INVALID);
	T_EQ_INT(booking_get(&c, s, T1, b.number, &e), 0);
	T_EQ_INT(c.cancel_fee, 400);
	T_EQ_INT(payments_get(&p, s, T1, c.payment, &e), 0);
	T_EQ_INT(p.refund_yen, 400);
	/* the slot is free again at once (rooms have no キャンセル枠) */
	struct booking_req rq2 = req("kaikan", "r1", "am", D(2027, 1, 28), 303, "paid-key-0000000002",
				     JST(2027, 1, 21, 0, 1, 0));
	struct booking d;
	T_EQ_INT(booking_hold(&d, s, &rq2, &e), 0);
	/* any one member of staff approves the payer's refund: 400 back */
	T_EQ_INT(payments_refund_approve(s, T1, p.number, JST(2027, 1, 21, 9, 0, 0), &staff_a, &e), 0);
	T_EQ_INT(booking_refund_of(&rf, s, T1, &c, &e), 0);
	T_EQ_INT(rf.state, BOOKING_REFUND_DONE);
	T_EQ_INT(rf.yen, 400);

	/* cancelled by staff with the fee waived: all 800 asked, as staff_a;
	 * staff_a cannot approve it, staff_b does */
	struct booking_req rq3 = req("kaikan", "r1", "pm", D(2027, 1, 28), 301, "paid-key-0000000003", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq3, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 301, NOW, &e), 0);
	pay_online(s, &c, NOW + 60);
	int changed = 0;
	T_EQ_INT(booking_pay_online_sync(&changed, s, T1, b.number, NOW + 120, &e), 0);
	T_EQ_INT(changed, 1);
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 0, 1, JST(2027, 1, 27, 0, 0, 0), &staff_a, &e), 0);
	T_EQ_INT(c.cancel_fee, 0);
	T_EQ_INT(payments_get(&p, s, T1, c.payment, &e), 0);
	T_EQ_INT(p.refund_by, 11);
	T_EQ_INT(p.refund_yen, 1000);   /* the afternoon's fee */
	T_EQ_INT(payments_refund_approve(s, T1, p.number, JST(2027, 1, 27, 9, 0, 0), &staff_a, &e), ERR_CONFLICT);
	T_EQ_INT(payments_refund_approve(s, T1, p.number, JST(2027, 1, 27, 9, 0, 0), &staff_b, &e), 0);

	/* paid at the counter, cancelled late: the same rule, half handed
	 * back at the counter (no payment to refund) */
	struct booking_req rq4 = req("kaikan", "r1", "am", D(2027, 1, 29), 301, "paid-key-0000000004", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq4, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 301, NOW, &e), 0);
	T_EQ_INT(booking_mark_paid(s, T1, b.number, NOW + 60, &e), 0);
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 301, 0, JST(2027, 1, 28, 12, 0, 0), &resident, &e), 0);
	T_EQ_INT(c.cancel_fee, 400);
	T_EQ_INT(booking_refund_of(&rf, s, T1, &c, &e), 0);
	T_EQ_INT(rf.state, BOOKING_REFUND_COUNTER);
	T_EQ_INT(rf.yen, 400);

	/* from 00:00:00 of the day of use the holder cannot cancel (nor get
	 * a refund for a slot used); at 23:59:59 before, they can; staff can */
	struct booking_req rq5 = req("kaikan", "r1", "am", D(2027, 1, 30), 301, "paid-key-0000000005", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq5, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 301, NOW, &e), 0);
	pay_online(s, &c, NOW + 60);
	T_CHECK(booking_cancel_open(&c, JST(2027, 1, 29, 23, 59, 59)));
	T_CHECK(!booking_cancel_open(&c, JST(2027, 1, 30, 0, 0, 0)));
	e = (struct err){ 0 };
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 301, 0, JST(2027, 1, 30, 0, 0, 0), &resident, &e), ERR_INVALID);
	T_CHECK(!strncmp(e.detail, "cancel: the day", 15));
	T_EQ_INT(booking_get(&c, s, T1, b.number, &e), 0);
	T_EQ_INT(c.state, BOOKING_BOOKED);
	T_EQ_INT(payments_get(&p, s, T1, c.payment, &e), 0);
	T_EQ_INT(p.refund_by, 0);
	/* checked in: not open either, whatever the clock */
	struct booking in = c;
	in.checked_in_at = JST(2027, 1, 30, 9, 0, 0);
	T_CHECK(!booking_cancel_open(&in, JST(2027, 1, 20, 0, 0, 0)));
	/* staff still can (the ward closed the hall that day): as themselves */
	T_EQ_INT(booking_cancel_as(&c, s, T1, b.number, 0, 1, JST(2027, 1, 30, 8, 0, 0), &staff_a, &e), 0);
	T_EQ_INT(c.state, BOOKING_CANCELLED);
	T_EQ_INT(payments_get(&p, s, T1, c.payment, &e), 0);
	T_EQ_INT(p.refund_by, 11);
	store_close(s);
}

static void test_refusals(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b;
	/* first come for 2027-07 opens 2027-05-20 09:00 */
	struct booking_req rq = req("kaikan", "r1", "am", D(2027, 7, 5), 301, "refuse-key-00000001",
				    JST(2027, 5, 20, 8, 59, 59));
	T_EQ_INT(booking_hold(&b, s, &rq, &e), ERR_INVALID);
	T_CHECK(!strncmp(e.detail, "not_yet", 7));
	rq.now = JST(2027, 5, 20, 9, 0, 0);
	T_EQ_INT(booking_hold(&b, s, &rq, &e), 0);
	/* the past: a slot that has begun */
	struct booking_req past = req("kaikan", "r1", "am", D(2026, 12, 1), 301, "refuse-key-00000002", NOW);
	T_EQ_INT(booking_hold(&b, s, &past, &e), ERR_INVALID);
	/* a closure: refused while bookings meet it, forced, then the slot is closed */
	struct booking_closure cl = { .facility = "kaikan", .from_day = jp_date_to_days(D(2027, 7, 5)),
				      .to_day = jp_date_to_days(D(2027, 7, 6)) };
	snprintf(cl.reason, sizeof cl.reason, "保守点検");
	int64_t id = 0;
	int busy = 0;
	T_EQ_INT(booking_closure_add(&id, &busy, s, T1, &cl, 0, &e), ERR_CONFLICT);
	T_EQ_INT(busy, 1);
	T_EQ_INT(booking_closure_add(&id, &busy, s, T1, &cl, 1, &e), 0);
	struct booking_req closed = req("kaikan", "r1", "pm", D(2027, 7, 6), 302, "refuse-key-00000003",
					JST(2027, 5, 21, 0, 0, 0));
	T_EQ_INT(booking_hold(&b, s, &closed, &e), ERR_INVALID);
	T_CHECK(!strncmp(e.detail, "closed", 6));
	/* who: sports do not take 区外 people */
	struct booking_req out = req("ground", "court", "h11", D(2027, 2, 3), 303, "refuse-key-00000004", NOW);
	out.resident = 0;
	T_EQ_INT(booking_hold(&b, s, &out, &e), ERR_DENIED);
	/* a group not the account's */
	struct booking_req other = req("ground", "court", "h11", D(2027, 2, 3), 303, "refuse-key-00000005", NOW);
	other.group = group_a;
	T_EQ_INT(booking_hold(&b, s, &other, &e), ERR_DENIED);
	/* capacity: 30 people */
	struct booking_req many = req("kaikan", "r1", "pm", D(2027, 2, 3), 303, "refuse-key-00000006",
				      JST(2027, 1, 1, 0, 0, 0));
	many.people = 31;
	T_EQ_INT(booking_hold(&b, s, &many, &e), ERR_INVALID);
	T_CHECK(!strncmp(e.detail, "capacity", 8));
	/* a bad request key */
	struct booking_req badkey = req("kaikan", "r1", "pm", D(2027, 2, 3), 303, "short", NOW);
	T_EQ_INT(booking_hold(&b, s, &badkey, &e), ERR_INVALID);
	store_close(s);
}

/* ---- the キャンセル枠 ---- */

static void test_cancel_window(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b, c;
	/* two slots booked, then given up on 2026-12-01 at 10:00 */
	const char *bandz[] = { "h09", "h11" };
	for (int i = 0; i < 2; i++) {
		char key[40];
		snprintf(key, sizeof key, "cw-first-key-00000%d", i);
		struct booking_req rq = req("ground", "court", bandz[i], D(2027, 4, 6), 401, key, NOW);
		T_EQ_INT(booking_hold(&b, s, &rq, &e), 0);
		T_EQ_INT(booking_confirm(&c, s, T1, b.number, 401, NOW, &e), 0);
		T_EQ_INT(booking_cancel(&c, s, T1, b.number, 401, 0, NOW + 60, &e), 0);
	}
	/* until the next opening (2026-12-02 08:30) they wait */
	struct booking_req g1 = req("ground", "court", "h09", D(2027, 4, 6), 101, "cw-key-g1-000000001",
				    JST(2026, 12, 2, 8, 29, 59));
	g1.group = group_a;
	T_EQ_INT(booking_hold(&b, s, &g1, &e), ERR_INVALID);
	T_CHECK(!strncmp(e.detail, "not_yet", 7));
	/* from 08:30:00 the group takes one */
	g1.now = JST(2026, 12, 2, 8, 30, 0);
	T_EQ_INT(booking_hold(&b, s, &g1, &e), 0);
	/* its second of the same opening is refused by the database's index */
	struct booking_req g1b = req("ground", "court", "h11", D(2027, 4, 6), 101, "cw-key-g1-000000002",
				     JST(2026, 12, 2, 8, 30, 1));
	g1b.group = group_a;
	T_EQ_INT(booking_hold(&b, s, &g1b, &e), ERR_CONFLICT);
	T_CHECK(!strncmp(e.detail, "once", 4));
	/* another group takes it */
	struct booking_req g2 = req("ground", "court", "h11", D(2027, 4, 6), 102, "cw-key-g2-000000001",
				    JST(2026, 12, 2, 8, 30, 2));
	g2.group = group_b;
	g2.resident = 0;   /* the form said 区外: a ward group's rate all the same (Tuesday, 800) */
	T_EQ_INT(booking_hold(&b, s, &g2, &e), 0);
	T_EQ_INT(b.fee, 800);
	T_EQ_INT(b.resident, 1);
	/* a slot never booked is plain first come: no once key */
	struct booking_req g1c = req("ground", "court", "h09", D(2027, 4, 7), 101, "cw-key-g1-000000003",
				     JST(2026, 12, 2, 8, 31, 0));
	g1c.group = group_a;
	T_EQ_INT(booking_hold(&b, s, &g1c, &e), 0);
	store_close(s);
}

/* ---- the fair queue ---- */

static void test_fair_queue(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b;
	/* March 2027: the window opens 2027-02-01 09:00:00, decided at 09:00:05 */
	int64_t open = JST(2027, 2, 1, 9, 0, 0);
	int first_won = 0, days = 0;
	for (int m = 3; m <= 4; m++)
		for (int d = 1; d <= 25; d++, days++) {
			int64_t w = m == 3 ? open : JST(2027, 3, 1, 9, 0, 0);
			int held = 0, refused = 0, queued = 0;
			char first[BOOKING_NUMBER_LEN + 1] = "";
			for (int i = 0; i < 10; i++) {
				char key[48];
				snprintf(key, sizeof key, "fair-%02d-%02d-%02d-abcdefgh", m, d, i);
				/* arrivals spread over the first 5 seconds, in account order */
				struct booking_req rq = req("tennis", "c1", "h09", D(2027, m, d), 7000 + days * 10 + i, key,
							    w + i / 2);
				int rc = booking_hold(&b, s, &rq, &e);
				if (rc != 2)
					printf("# fair: %d %s\n", rc, e.detail);
				queued += rc == 2 && b.state == BOOKING_QUEUED && b.hold_until == w + 5;
				if (i == 0)
					snprintf(first, sizeof first, "%s", b.number);
			}
			T_EQ_INT(queued, 10);
			int n = 0;
			T_EQ_INT(booking_settle(&n, s, w + 4, &e), 0);
			T_EQ_INT(n, 0);
			T_EQ_INT(booking_settle(&n, s, w + 5, &e), 0);
			T_CHECK(n >= 10);   /* March's windows share one instant: all of them at the first */
			for (int i = 0; i < 10; i++) {
				struct store_val p[] = { sv_text(T1), sv_int(7000 + days * 10 + i) };
				struct booking x = { 0 };
				char *num = NULL;
				T_EQ_INT(store_query_text(&num, s, "SELECT number FROM booking_bookings WHERE tenant = $1"
								  " AND account = $2", p, 2, &e), 0);
				if (num && booking_get(&x, s, T1, num, &e) == 0) {
					held += x.state == BOOKING_HELD;
					refused += x.state == BOOKING_REFUSED;
					if (x.state == BOOKING_HELD && !strcmp(num, first))
						first_won++;
				}
				free(num);
			}
			T_EQ_INT(held, 1);
			T_EQ_INT(refused, 9);
		}
	/* served in a random order: the first arrival wins about one window in
	 * ten (5 of 50 expected); in arrival order it would win all 50.
	 * P(>= 20 of 50 | p = 0.1) < 1e-7 */
	printf("# the first arrival won %d of %d windows\n", first_won, days);
	T_CHECK(first_won < 20);
	/* one queued request an account a window */
	struct booking_req one = req("tennis", "c1", "h09", D(2027, 5, 10), 8001, "fair-once-0000000001",
				     JST(2027, 4, 1, 9, 0, 1));
	T_EQ_INT(booking_hold(&b, s, &one, &e), 2);
	struct booking_req two = req("tennis", "c1", "h09", D(2027, 5, 11), 8001, "fair-once-0000000002",
				     JST(2027, 4, 1, 9, 0, 2));
	T_EQ_INT(booking_hold(&b, s, &two, &e), ERR_CONFLICT);
	T_CHECK(!strncmp(e.detail, "queue", 5));
	/* withdrawn before it is decided: refused, nothing given up */
	struct booking_req mine = one;
	struct booking got;
	T_EQ_INT(booking_hold(&got, s, &mine, &e), 1);   /* the same key: the queued request */
	T_EQ_INT(got.state, BOOKING_QUEUED);
	/* out and its own number given together: the number is read first */
	T_EQ_INT(booking_cancel(&got, s, T1, got.number, 8001, 0, JST(2027, 4, 1, 9, 0, 3), &e), 0);
	T_EQ_INT(got.state, BOOKING_REFUSED);
	/* after the first seconds: plain first come */
	struct booking_req late = req("tennis", "c1", "h09", D(2027, 5, 10), 8002, "fair-late-0000000001",
				      JST(2027, 4, 1, 9, 0, 5));
	T_EQ_INT(booking_hold(&b, s, &late, &e), 0);
	T_EQ_INT(b.state, BOOKING_HELD);
	store_close(s);
}

/* ---- the grid ---- */

static enum booking_slot_state cell(const struct booking_slot *sl, int n, const char *unit, const char *band)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(sl[i].unit->code, unit) && !strcmp(sl[i].band->code, band))
			return sl[i].state;
	return 0;
}

static void test_grid(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking_rules rules;
	T_EQ_INT(booking_rules_load(&rules, s, T1, &e), 0);
	struct booking_facility *f = NULL;
	T_EQ_INT(booking_facility_get(&f, s, T1, "ground", &e), 0);
	const struct booking_rule *sports = booking_rule_find(&rules, f->kind);
	T_REQUIRE(sports != NULL);
	struct booking_slot sl[8];
	struct booking b, c;
	struct jp_date day = D(2027, 5, 11);
	/* half A held: the whole and A taken, B and the court free */
	struct booking_req rq = req("ground", "field-a", "h09", day, 601, "grid-key-0000000001", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq, &e), 0);
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, day, NOW, &e), 0);
	T_EQ_INT(cell(sl, 8, "field", "h09"), BOOKING_SLOT_TAKEN);
	T_EQ_INT(cell(sl, 8, "field-a", "h09"), BOOKING_SLOT_TAKEN);
	T_EQ_INT(cell(sl, 8, "field-b", "h09"), BOOKING_SLOT_FREE);
	T_EQ_INT(cell(sl, 8, "field", "h11"), BOOKING_SLOT_FREE);
	/* the hold ran out (10 minutes): free again in the grid */
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, day, NOW + 600, &e), 0);
	T_EQ_INT(cell(sl, 8, "field", "h09"), BOOKING_SLOT_FREE);
	/* the whole booked and cancelled: both halves wait for the next 08:30 */
	struct booking_req whole = req("ground", "field", "h11", day, 602, "grid-key-0000000002", NOW);
	T_EQ_INT(booking_hold(&b, s, &whole, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 602, NOW, &e), 0);
	T_EQ_INT(booking_cancel(&c, s, T1, b.number, 602, 0, NOW + 5, &e), 0);
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, day, NOW + 10, &e), 0);
	T_EQ_INT(cell(sl, 8, "field-b", "h11"), BOOKING_SLOT_NOT_YET);
	T_EQ_INT(sl[5].opens_at, JST(2026, 12, 2, 8, 30, 0));   /* field-b h11 is the 6th cell */
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, day, JST(2026, 12, 2, 8, 30, 0), &e), 0);
	T_EQ_INT(cell(sl, 8, "field-b", "h11"), BOOKING_SLOT_FREE);
	/* a closure of half B: B and the whole closed, A open */
	struct booking_closure cl = { .facility = "ground", .unit = "field-b", .from_day = jp_date_to_days(day),
				      .to_day = jp_date_to_days(day) };
	int64_t id = 0;
	int busy = 0;
	T_EQ_INT(booking_closure_add(&id, &busy, s, T1, &cl, 0, &e), 0);
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, day, JST(2026, 12, 2, 8, 30, 0), &e), 0);
	T_EQ_INT(cell(sl, 8, "field-b", "h11"), BOOKING_SLOT_CLOSED);
	T_EQ_INT(cell(sl, 8, "field", "h11"), BOOKING_SLOT_CLOSED);
	T_EQ_INT(cell(sl, 8, "field-a", "h11"), BOOKING_SLOT_FREE);
	T_EQ_INT(booking_closure_remove(s, T1, id, &e), 0);
	/* the court split in halves while it has bookings: refused (the
	 * claims on the old atoms would not meet the halves') */
	struct booking_req court = req("ground", "court", "h09", D(2027, 5, 12), 603, "grid-key-0000000003", NOW);
	T_EQ_INT(booking_hold(&b, s, &court, &e), 0);
	struct booking_facility *g = NULL;
	T_EQ_INT(booking_facility_get(&g, s, T1, "ground", &e), 0);
	struct booking_unit half = g->units[3];
	snprintf(half.code, sizeof half.code, "court-a");
	snprintf(half.parent, sizeof half.parent, "court");
	g->units[g->nunits++] = half;
	T_EQ_INT(booking_facility_put(s, T1, g, &e), ERR_CONFLICT);
	booking_facility_free(g);
	/* the day itself: a band that has begun is past */
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, day, JST(2027, 5, 11, 9, 0, 0), &e), 0);
	T_EQ_INT(cell(sl, 8, "court", "h09"), BOOKING_SLOT_PAST);
	T_EQ_INT(cell(sl, 8, "court", "h11"), BOOKING_SLOT_FREE);
	/* first come not yet open: 2027-12 opens 2027-06-01 09:00 */
	T_EQ_INT(booking_slots(sl, s, T1, f, sports, D(2027, 12, 1), NOW, &e), 0);
	T_EQ_INT(cell(sl, 8, "court", "h09"), BOOKING_SLOT_NOT_YET);
	T_EQ_INT(sl[6].opens_at, JST(2027, 6, 1, 9, 0, 0));
	booking_facility_free(f);
	store_close(s);
}

/* ---- groups ---- */

static int shared_n;
static int on_shared(void *arg, const char *kana, struct jp_date birth, int64_t group, const char *name)
{
	(void)arg;
	(void)group;
	(void)name;
	if (!strcmp(kana, "シケンジロウ") && birth.y == 1982)
		shared_n++;
	return 0;
}

static void test_groups(void)
{
	struct store *s = open_db();
	struct err e;
	shared_n = 0;
	T_EQ_INT(booking_members_shared(s, T1, on_shared, NULL, &e), 0);
	T_EQ_INT(shared_n, 2);
	struct booking_group g = { .name = "悪い会", .kind = BOOKING_GROUP_WARD, .leader = 105, .nmembers = 1 };
	int64_t id = 0;
	g.members[0] = (struct booking_member){ "名前", "漢字", { 1980, 1, 1 } };
	T_EQ_INT(booking_group_add(&id, s, T1, &g, NOW, &e), ERR_INVALID);
	g.members[0] = (struct booking_member){ "名前", "ナマエ", { 2027, 1, 1 } };
	T_EQ_INT(booking_group_add(&id, s, T1, &g, NOW, &e), ERR_INVALID);
	g.members[0] = (struct booking_member){ "名前", "ナマエ", { 1980, 1, 1 } };
	T_EQ_INT(booking_group_add(&id, s, T1, &g, NOW, &e), 0);
	struct booking_group r;
	T_EQ_INT(booking_group_get(&r, s, T1, id, &e), 0);
	T_EQ_INT(r.state, BOOKING_GROUP_PENDING);
	T_EQ_STR(r.members[0].kana, "ナマエ");
	store_close(s);
}

/* ---- recurring ---- */

static void test_recurring(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b;
	/* a Thursday of the series taken first */
	struct booking_req taken = req("kaikan", "r1", "pm", D(2027, 5, 13), 501, "rec-key-00000000001",
				       JST(2027, 4, 1, 0, 0, 0));
	T_EQ_INT(booking_hold(&b, s, &taken, &e), 0);
	struct booking_req rq = { .tenant = T1, .facility = "kaikan", .unit = "r1", .band = "pm",
				  .day = D(2027, 5, 6), .source = BOOKING_RECURRING, .resident = 1,
				  .holder = "囲碁クラブ", .now = NOW };
	int64_t series = 0;
	int nbooked = 0, nskipped = 0;
	struct jp_date skipped[BOOKING_SERIES_MAX];
	T_EQ_INT(booking_recurring(&series, &nbooked, skipped, &nskipped, s, &rq, D(2027, 6, 3), &e), 0);
	T_EQ_INT(nbooked, 4);   /* 5/6, 5/20, 5/27, 6/3 */
	T_EQ_INT(nskipped, 1);
	T_EQ_INT(skipped[0].d, 13);
	T_CHECK(series > 0);
	store_close(s);
}

/* ---- a lottery round ---- */

static void test_round(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking_rules rules;
	T_EQ_INT(booking_rules_load(&rules, s, T1, &e), 0);
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	T_REQUIRE(room != NULL);
	int n = 0;
	/* the month of use 2027-08: entries 2027-06-01..10, draw 06-15 10:00 */
	T_EQ_INT(booking_rounds_make(&n, s, T1, room, 202708, &e), 0);
	T_EQ_INT(n, 1);
	T_EQ_INT(booking_rounds_make(&n, s, T1, room, 202708, &e), 0);
	T_EQ_INT(n, 1);
	int64_t round = 0;
	struct store_val p[] = { sv_text(T1) };
	T_EQ_INT(store_query_int(&round, s, "SELECT id FROM booking_rounds WHERE tenant = $1 AND month = 202708", p, 1,
				 &e), 0);
	struct booking_round r;
	T_EQ_INT(booking_round_get(&r, s, T1, round, &e), 0);
	T_EQ_INT(r.entry_from, JST(2027, 6, 1, 0, 0, 0));
	T_EQ_INT(r.entry_to, JST(2027, 6, 11, 0, 0, 0));
	long d1 = jp_date_to_days(D(2027, 8, 3)), d2 = jp_date_to_days(D(2027, 8, 4));
	struct booking_choice ch[2] = { { "kaikan", "r1", "am", d1 }, { "kaikan", "r1", "am", d2 } };
	int64_t en = 0;
	/* before the window, at 23:59:59 of May 31 */
	T_EQ_INT(booking_enter(&en, s, T1, round, group_a, 101, ch, 2, JST(2027, 5, 31, 23, 59, 59), &e), ERR_INVALID);
	T_EQ_INT(booking_enter(&en, s, T1, round, group_a, 101, ch, 2, JST(2027, 6, 1, 0, 0, 0), &e), 0);
	T_EQ_INT(booking_enter(&en, s, T1, round, group_b, 102, ch, 1, JST(2027, 6, 2, 0, 0, 0), &e), 0);
	/* the cap: 2 entries a group */
	struct booking_choice ch3[1] = { { "kaikan", "r1", "pm", d1 } };
	T_EQ_INT(booking_enter(&en, s, T1, round, group_a, 101, ch3, 1, JST(2027, 6, 3, 0, 0, 0), &e), 0);
	T_EQ_INT(booking_enter(&en, s, T1, round, group_a, 101, ch3, 1, JST(2027, 6, 3, 0, 0, 1), &e), ERR_LIMIT);
	/* after the window: 00:00:00 of the 11th */
	T_EQ_INT(booking_enter(&en, s, T1, round, group_b, 102, ch3, 1, JST(2027, 6, 11, 0, 0, 0), &e), ERR_INVALID);
	/* a choice of another month, twice the same, another account's group */
	struct booking_choice bad[2] = { { "kaikan", "r1", "am", jp_date_to_days(D(2027, 9, 1)) } };
	T_EQ_INT(booking_enter(&en, s, T1, round, group_b, 102, bad, 1, JST(2027, 6, 4, 0, 0, 0), &e), ERR_INVALID);
	struct booking_choice twice[2] = { { "kaikan", "r1", "am", d1 }, { "kaikan", "r1", "am", d1 } };
	T_EQ_INT(booking_enter(&en, s, T1, round, group_b, 102, twice, 2, JST(2027, 6, 4, 0, 0, 0), &e), ERR_INVALID);
	T_EQ_INT(booking_enter(&en, s, T1, round, group_b, 101, ch, 1, JST(2027, 6, 4, 0, 0, 0), &e), ERR_DENIED);
	/* the staff's view of a day: the round, the entries naming each slot
	 * (kaikan has r1 with am, pm), and the round's phase at its edges */
	struct booking_facility *kf = NULL;
	T_EQ_INT(booking_facility_get(&kf, s, T1, "kaikan", &e), 0);
	int counts[2] = { -1, -1 };
	struct booking_round lr;
	T_EQ_INT(booking_day_lottery(&lr, counts, s, T1, kf, D(2027, 8, 3), &e), 0);
	T_EQ_INT(lr.id, round);
	T_EQ_INT(counts[0], 2);   /* am d1: group_a's first, group_b's */
	T_EQ_INT(counts[1], 1);   /* pm d1: group_a's second entry */
	T_EQ_INT(booking_day_lottery(&lr, counts, s, T1, kf, D(2027, 8, 4), &e), 0);
	T_EQ_INT(counts[0], 1);
	T_EQ_INT(counts[1], 0);
	T_EQ_INT(booking_round_phase(&lr, JST(2027, 5, 31, 23, 59, 59)), BOOKING_PHASE_BEFORE);
	T_EQ_INT(booking_round_phase(&lr, JST(2027, 6, 1, 0, 0, 0)), BOOKING_PHASE_ENTRIES);
	T_EQ_INT(booking_round_phase(&lr, JST(2027, 6, 10, 23, 59, 59)), BOOKING_PHASE_ENTRIES);
	T_EQ_INT(booking_round_phase(&lr, JST(2027, 6, 11, 0, 0, 0)), BOOKING_PHASE_DRAW);
	/* a reschedule keeps the rules' order: the draw before the month's
	 * 空き枠 open (06-20 09:00) and before a next round of the month
	 * takes entries (one made here from 06-18) */
	int64_t at = JST(2027, 6, 5, 0, 0, 0);
	e = (struct err){ 0 };
	T_EQ_INT(booking_round_reschedule(s, T1, round, r.entry_to, JST(2027, 6, 20, 9, 0, 0), at, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "first come") != NULL);
	T_EQ_INT(booking_round_reschedule(s, T1, round, r.entry_to, JST(2027, 6, 20, 8, 59, 59), at, &e), 0);
	int64_t from2 = JST(2027, 6, 18, 0, 0, 0);
	struct store_val nx[] = { sv_text(T1), sv_int(from2), sv_int(from2 + 86400), sv_int(from2 + 172800) };
	T_EQ_INT(store_exec(s, "INSERT INTO booking_rounds (tenant, kind, seq, month, name_ja, who, entries_cap,"
			       " wins_cap, choices_max, alloc, entry_from, entry_to, draw_at, confirm_by, state)"
			       " VALUES ($1, 'room', 2, 202708, '2次', 1, 1, 1, 1, 'order', $2, $3, $3, $4, 'open')",
			    nx, 4, &e), 1);
	e = (struct err){ 0 };
	T_EQ_INT(booking_round_reschedule(s, T1, round, r.entry_to, JST(2027, 6, 18, 0, 0, 0), at, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "next round") != NULL);
	T_EQ_INT(booking_round_reschedule(s, T1, round, r.entry_to, JST(2027, 6, 17, 23, 59, 59), at, &e), 0);
	T_EQ_INT(store_exec(s, "DELETE FROM booking_rounds WHERE tenant = $1 AND seq = 2", nx, 1, &e), 1);
	T_EQ_INT(booking_round_reschedule(s, T1, round, r.entry_to, JST(2027, 6, 15, 10, 0, 0), at, &e), 0);
	T_EQ_INT(booking_round_get(&r, s, T1, round, &e), 0);
	T_EQ_INT(r.draw_at, JST(2027, 6, 15, 10, 0, 0));
	/* no draw without the public value, nor before its time */
	T_EQ_INT(booking_round_draw(&r, s, T1, round, JST(2027, 6, 15, 10, 0, 0), &e), ERR_INVALID);
	T_EQ_INT(booking_round_public(s, T1, round, "42 17 8", JST(2027, 6, 10, 23, 59, 59), &e), ERR_INVALID);
	T_EQ_INT(booking_round_public(s, T1, round, "42 17 8", JST(2027, 6, 11, 0, 0, 0), &e), 0);
	T_EQ_INT(booking_round_public(s, T1, round, "other", JST(2027, 6, 11, 0, 0, 1), &e), ERR_CONFLICT);
	T_EQ_INT(booking_round_draw(&r, s, T1, round, JST(2027, 6, 15, 9, 59, 59), &e), ERR_INVALID);
	/* the job draws it at its time */
	int drawn = 0, expired = 0;
	T_EQ_INT(booking_tick(&drawn, &expired, s, JST(2027, 6, 15, 10, 0, 0), NULL, NULL, &e), 0);
	T_EQ_INT(drawn, 1);
	T_EQ_INT(booking_round_get(&r, s, T1, round, &e), 0);
	T_EQ_INT(r.state, BOOKING_ROUND_DRAWN);
	T_EQ_INT((int)strlen(r.result_hash), 64);
	T_EQ_INT(booking_round_phase(&r, JST(2027, 6, 15, 10, 0, 0)), BOOKING_PHASE_DRAWN);
	/* drawn: no round of that month left to show */
	T_EQ_INT(booking_day_lottery(&lr, counts, s, T1, kf, D(2027, 8, 3), &e), 0);
	T_EQ_INT(lr.id, 0);
	T_EQ_INT(counts[0] + counts[1], 0);
	booking_facility_free(kf);
	/* 3 slots named (am d1, am d2, pm d1), wins cap 1 a group: 2 wins */
	T_EQ_INT(r.nwins, 2);
	/* again: nothing more */
	T_EQ_INT(booking_tick(&drawn, &expired, s, JST(2027, 6, 15, 10, 1, 0), NULL, NULL, &e), 0);
	T_EQ_INT(drawn, 0);
	/* the re-run is byte-identical */
	struct buf b;
	buf_init(&b, 1u << 20);
	T_EQ_INT(booking_redraw(&b, s, T1, round, &e), 0);
	char *stored = NULL;
	T_EQ_INT(booking_round_result(&stored, s, T1, round, &e), 0);
	T_CHECK(stored && !strcmp(stored, buf_cstr(&b)));
	free(stored);
	/* a choice changed in the database after the draw: found */
	T_EQ_INT(store_exec(s, "UPDATE booking_choices SET band = 'pm' WHERE rank = 2 AND entry IN"
			       " (SELECT id FROM booking_entries WHERE grp = $1)", (struct store_val[]){ sv_int(group_a) },
			    1, &e) >= 0, 1);
	buf_reset(&b);
	T_EQ_INT(booking_redraw(&b, s, T1, round, &e), ERR_CONFLICT);
	buf_done(&b);
	/* wins wait for confirmation until the draw day + 7 */
	int64_t wins_left = 0;
	struct store_val w[] = { sv_text(T1), sv_int(JST(2027, 6, 23, 0, 0, 0)) };
	T_EQ_INT(store_query_int(&wins_left, s, "SELECT count(*) FROM booking_bookings WHERE tenant = $1 AND state = 'won'"
						" AND confirm_by = $2", w, 2, &e), 0);
	T_EQ_INT(wins_left, 2);
	store_close(s);
}

/* a whole court and its half named in one draw: never both won */
static void test_round_parts(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking_rules rules;
	T_EQ_INT(booking_rules_load(&rules, s, T1, &e), 0);
	int n = 0;
	/* use in 2027-09: entries 2027-02-01..10, the draw 2027-02-15 10:00 */
	T_EQ_INT(booking_rounds_make(&n, s, T1, booking_rule_find(&rules, "sports"), 202709, &e), 0);
	int64_t round = 0;
	struct store_val p[] = { sv_text(T1) };
	T_EQ_INT(store_query_int(&round, s, "SELECT id FROM booking_rounds WHERE tenant = $1 AND month = 202709"
					    " AND kind = 'sports'", p, 1, &e), 0);
	long d = jp_date_to_days(D(2027, 9, 7));
	struct booking_choice whole[1] = { { "ground", "field", "h09", d } };
	struct booking_choice half[1] = { { "ground", "field-a", "h09", d } };
	int64_t en = 0;
	T_EQ_INT(booking_enter(&en, s, T1, round, group_a, 101, whole, 1, JST(2027, 2, 1, 0, 0, 0), &e), 0);
	T_EQ_INT(booking_entry_set_lang(s, T1, en, "en", &e), 0);
	T_EQ_INT(booking_entry_set_lang(s, T1, en, "fr", &e), ERR_INVALID);
	T_EQ_INT(booking_enter(&en, s, T1, round, group_b, 102, half, 1, JST(2027, 2, 1, 0, 0, 1), &e), 0);
	T_EQ_INT(booking_round_public(s, T1, round, "7 7 7", JST(2027, 2, 11, 0, 0, 0), &e), 0);
	struct booking_round r;
	T_EQ_INT(booking_round_draw(&r, s, T1, round, JST(2027, 2, 15, 10, 0, 0), &e), 0);
	T_EQ_INT(r.state, BOOKING_ROUND_DRAWN);
	T_EQ_INT(r.nwins, 1);
	char *text = NULL;
	T_EQ_INT(booking_round_result(&text, s, T1, round, &e), 0);
	T_CHECK(text && strstr(text, "\npart ground field-a field\npart ground field-b field\n"));
	free(text);
	struct buf b;
	buf_init(&b, 1u << 20);
	T_EQ_INT(booking_redraw(&b, s, T1, round, &e), 0);
	buf_done(&b);
	store_close(s);
}

/* the two confirms of a double click on two connections: the second
 * reads the hold, the first commits its confirm, the second's update then
 * changes no row.  A trigger plays the first (it books the row and skips
 * the second's update), so the moment is the same on every run: the
 * second answers booked, not "ran out". */
static void test_confirm_race(void)
{
	struct store *s = open_db();
	struct err e;
	struct booking b, c;
	struct booking_req rq = req("kaikan", "r1", "pm", D(2027, 1, 29), 205, "race-key-0000000001", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq, &e), 0);
	int pg = store_kind(s) == STORE_PG;
	const char *make = pg ? "CREATE FUNCTION t_confirm_race() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
				" UPDATE booking_bookings SET state = 'booked', pay_by = NEW.pay_by WHERE id = OLD.id;"
				" RETURN NULL; END $$;"
				"CREATE TRIGGER t_confirm_race BEFORE UPDATE ON booking_bookings FOR EACH ROW"
				" WHEN (OLD.state = 'held' AND NEW.state = 'booked' AND pg_trigger_depth() = 0)"
				" EXECUTE FUNCTION t_confirm_race();"
			      : "CREATE TRIGGER t_confirm_race BEFORE UPDATE OF state ON booking_bookings"
				" WHEN OLD.state = 'held' AND NEW.state = 'booked' BEGIN"
				" UPDATE booking_bookings SET state = 'booked', pay_by = NEW.pay_by WHERE id = OLD.id;"
				" SELECT RAISE(IGNORE); END;";
	T_EQ_INT(store_script(s, make, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 205, NOW + 60, &e), 0);
	T_EQ_INT(c.state, BOOKING_BOOKED);
	T_EQ_STR(c.number, b.number);
	T_EQ_INT(store_script(s, pg ? "DROP TRIGGER t_confirm_race ON booking_bookings; DROP FUNCTION t_confirm_race();"
				    : "DROP TRIGGER t_confirm_race;", &e), 0);
	/* a hold that ran out still answers so */
	struct booking_req rq2 = req("kaikan", "r1", "am", D(2027, 1, 29), 205, "race-key-0000000002", NOW);
	T_EQ_INT(booking_hold(&b, s, &rq2, &e), 0);
	T_EQ_INT(booking_confirm(&c, s, T1, b.number, 205, b.hold_until, &e), ERR_INVALID);
	T_CHECK(strncmp(e.detail, "expired", 7) == 0);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "booking_slot");
	setup();
	T_RUN(test_facility_csv);
	T_RUN(test_one_slot);
	T_RUN(test_many_clients);
	T_RUN(test_hold_life);
	T_RUN(test_cancel_paid);
	T_RUN(test_refusals);
	T_RUN(test_cancel_window);
	T_RUN(test_grid);
	T_RUN(test_fair_queue);
	T_RUN(test_groups);
	T_RUN(test_recurring);
	T_RUN(test_round);
	T_RUN(test_round_parts);
	T_RUN(test_confirm_race);
	tdb_end(&db);
	return t_done();
}
