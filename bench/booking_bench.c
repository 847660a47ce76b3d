/*
 * booking_bench.c -- the キャンセル枠 opening of facility reservations
 * (issue 16, bench/booking.sh): 40 slots given up the day before (10
 * tennis courts x 4 bands of one day) wait for the opening at 08:30:00
 * JST; CLIENTS clients (default 2,000) arrive at random instants within
 * the first WINDOW seconds (default 5) in real time, each with its own
 * account.  A client reads the day's grid (booking_slots), picks a free
 * slot at random and holds it (booking_hold, its own request key); when
 * the slot was taken meanwhile it reads the grid again and tries another
 * (at most 5 tries); when no slot is free it stops.  THREADS workers
 * (default 4, each with its own database connection, as the server's
 * workers) serve the clients in arrival order; a client's latency runs
 * from its arrival to its last answer (waiting for a worker included).
 *
 * The domain is called directly: the figures are the engine's (the
 * database and the rules), not the HTTP layer's.  The clock given to the
 * domain is the opening plus the client's offset.  The peer, measured in
 * the same run on the same database: the core's database read (a
 * municipality's row by its code, tenant_get) done by the same threads
 * as fast as they can.
 *
 * The rules' fair queue is on for the opening's first second
 * (fair_pool_seconds = 1): a client arriving then is answered "queued"
 * at once and looks again at the instant it is decided (one more
 * thread, the poller, makes those looks; the first settles every queued
 * request in their random order); when refused it tries a free slot as
 * any other.  A queued client's latency runs to its final answer.
 *
 * Prints:
 *   figure booking_rush_p50 N ms            (to the first answer: queued, held or refused)
 *   figure booking_rush_p95 N ms
 *   figure booking_rush_decided_p95 N ms    (to the final answer: a queued client's decision)
 *   figure booking_rush_winners N count     (must equal the slots: 40)
 *   figure booking_rush_errors N count      (answers other than taken / full: must be 0)
 *   figure booking_rush_overlaps N count    (bookings in force meeting another: must be 0)
 *   figure booking_rps N ratio              (clients served per second of the workers' busy
 *                                            time / core reads per second, same threads)
 *
 *   booking_bench DB_URL [CLIENTS] [WINDOW_S] [THREADS]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "core/tenant/tenant.h"
#include "store/store.h"
#include "svc/booking/booking.h"

extern int app_migrate(struct store *, int *, struct err *);

#define T1 "139998"
#define COURTS 10
#define SLOTS (COURTS * 4)

static const char rules_text[] =
	"[sports]\n"
	"name_ja = 運動場\nname_en = Sports\n"
	"open_months_before = 6\nopen_day = 1\nopen_time = 09:00\n"
	"who = sazanka, ward\nhold_minutes = 10\npay_days = 7\npay_before_days = 0\n"
	"cancel_time = 08:30\ncancel_one_per_group = yes\n"
	"cancel_free_days = 3\ncancel_fee_percent = 100\nfair_pool_seconds = 1\ndays_ahead_max = 400\n";

static const char *url;
static int nclients = 2000, threads = 4;
static double window_s = 5.0;
static int64_t opening;          /* the opening, Unix s (the domain's clock) */
static struct jp_date use_day;

struct client {
	double arrive_ms;            /* offset in the window */
	double latency_ms;           /* from arrival to the last answer */
	double answer_ms;            /* from arrival to the first answer (queued or final) */
	double service_ms;           /* from a worker taking it to the last answer */
	int won, error, queued, attempt;
};
static struct client *clients;
static int next_client;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static double t0_ms;

static double now_ms_f(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		fprintf(stderr, "booking_bench: %s\n", e.detail);
		exit(1);
	}
	return s;
}

static int cmp_arrival(const void *a, const void *b)
{
	double x = ((const struct client *)a)->arrive_ms, y = ((const struct client *)b)->arrive_ms;
	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct ctx {
	struct store *s;
	struct booking_facility *f;
	struct booking_rules *rules;
	const struct booking_rule *rule;
	unsigned seed;
};

static void ctx_open(struct ctx *x)
{
	struct err e;
	x->s = open_db();
	x->rules = malloc(sizeof *x->rules);
	if (!x->rules || booking_facility_get(&x->f, x->s, T1, "courts", &e) || booking_rules_load(x->rules, x->s, T1, &e)) {
		fprintf(stderr, "booking_bench: %s\n", e.detail);
		exit(1);
	}
	x->rule = booking_rule_find(x->rules, "sports");
	x->seed = (unsigned)(uintptr_t)x;
}

static void ctx_close(struct ctx *x)
{
	booking_facility_free(x->f);
	free(x->rules);
	store_close(x->s);
}

/* clients queued in the opening's first second, waiting for its decision */
static int parked[100000], nparked, workers_left;
static char parked_number[100000][BOOKING_NUMBER_LEN + 1];
static int64_t parked_at[100000];

/* a client's attempts from attempt on at the domain's clock now; 1 when
 * it was queued (parked for the poller) */
static int run_client(struct ctx *x, int i, int attempt, int64_t now)
{
	struct client *c = &clients[i];
	struct booking_slot sl[SLOTS];
	struct err e;
	for (; attempt < 5 && !c->won && !c->error; attempt++) {
		if (booking_slots(sl, x->s, T1, x->f, x->rule, use_day, now, &e)) {
			c->error = 1;
			break;
		}
		int free_idx[SLOTS], nfree = 0;
		for (int k = 0; k < SLOTS; k++)
			if (sl[k].state == BOOKING_SLOT_FREE)
				free_idx[nfree++] = k;
		if (!nfree)
			break;
		const struct booking_slot *pick = &sl[free_idx[rand_r(&x->seed) % (unsigned)nfree]];
		char key[48];
		snprintf(key, sizeof key, "rush-client-%05d-try-%d", i, attempt);
		struct booking_req rq = { .tenant = T1, .facility = "courts", .unit = pick->unit->code,
					  .band = pick->band->code, .day = use_day, .account = 100000 + i,
					  .source = BOOKING_FIRST_COME, .resident = 1, .request_key = key, .now = now };
		struct booking b;
		int rc = booking_hold(&b, x->s, &rq, &e);
		if (rc == 2) {   /* queued: the answer says when to look again */
			c->queued = 1;
			if (!c->answer_ms)
				c->answer_ms = now_ms_f() - (t0_ms + c->arrive_ms);
			pthread_mutex_lock(&mu);
			parked[nparked] = i;
			parked_at[nparked] = b.hold_until;
			snprintf(parked_number[nparked], sizeof parked_number[0], "%s", b.number);
			nparked++;
			pthread_mutex_unlock(&mu);
			c->attempt = attempt + 1;
			return 1;
		}
		if (rc == 0)
			c->won = 1;
		else if (rc != ERR_CONFLICT) {
			c->error = 1;
			fprintf(stderr, "booking_bench: client %d: %d %s\n", i, rc, e.detail);
		}
	}
	c->latency_ms = now_ms_f() - (t0_ms + c->arrive_ms);
	if (!c->answer_ms)
		c->answer_ms = c->latency_ms;
	return 0;
}

static void *serve(void *arg)
{
	(void)arg;
	struct ctx x;
	ctx_open(&x);
	for (;;) {
		pthread_mutex_lock(&mu);
		int i = next_client < nclients ? next_client++ : -1;
		pthread_mutex_unlock(&mu);
		if (i < 0)
			break;
		struct client *c = &clients[i];
		double wait = t0_ms + c->arrive_ms - now_ms_f();
		if (wait > 0)
			usleep((useconds_t)(wait * 1000));
		double start = now_ms_f();
		run_client(&x, i, 0, opening + (int64_t)(c->arrive_ms / 1000));
		c->service_ms += now_ms_f() - start;
	}
	pthread_mutex_lock(&mu);
	workers_left--;
	pthread_mutex_unlock(&mu);
	ctx_close(&x);
	return NULL;
}

/* the queued clients look again at the instant their requests are
 * decided: the first look settles them all (as the server's first
 * request after that instant does), each then reads its own */
static void *poller(void *arg)
{
	(void)arg;
	struct ctx x;
	ctx_open(&x);
	int done = 0;
	for (;;) {
		pthread_mutex_lock(&mu);
		int left = workers_left, n = nparked;
		pthread_mutex_unlock(&mu);
		if (done == n) {
			if (!left)
				break;
			usleep(2000);
			continue;
		}
		int i = parked[done];
		int64_t at = parked_at[done];
		double wait = t0_ms + (double)(at - opening) * 1000 - now_ms_f();
		if (wait > 0)
			usleep((useconds_t)(wait * 1000));
		double start = now_ms_f();
		struct booking b;
		struct err e;
		int settled = 0;
		if (booking_settle(&settled, x.s, at, &e) || booking_get(&b, x.s, T1, parked_number[done], &e)) {
			clients[i].error = 1;
			fprintf(stderr, "booking_bench: poll %d: %s\n", i, e.detail);
			clients[i].latency_ms = now_ms_f() - (t0_ms + clients[i].arrive_ms);
		} else if (b.state == BOOKING_HELD) {
			clients[i].won = 1;
			clients[i].latency_ms = now_ms_f() - (t0_ms + clients[i].arrive_ms);
		} else {
			run_client(&x, i, clients[i].attempt, at);
		}
		clients[i].service_ms += now_ms_f() - start;
		done++;
	}
	ctx_close(&x);
	return NULL;
}

static long reads_done;
static double reads_until;
static void *read_core(void *arg)
{
	(void)arg;
	struct store *s = open_db();
	long n = 0;
	while (now_ms_f() < reads_until) {
		struct tenant t;
		struct err e;
		if (tenant_get(&t, s, T1, &e) == 0)
			n++;
	}
	store_close(s);
	pthread_mutex_lock(&mu);
	reads_done += n;
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	struct tenant t = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (app_migrate(s, NULL, &e) || tenant_add(s, &t, &e) || booking_rules_save(s, T1, rules_text, 0, 0, &e)) {
		fprintf(stderr, "booking_bench: setup: %s\n", e.detail);
		exit(1);
	}
	struct booking_facility *f = calloc(1, sizeof *f);
	snprintf(f->code, sizeof f->code, "courts");
	snprintf(f->kind, sizeof f->kind, "sports");
	snprintf(f->name_ja, sizeof f->name_ja, "ベンチ庭球場");
	static const char *const bands[4][3] = {
		{ "h09", "09:00", "11:00" }, { "h11", "11:00", "13:00" }, { "h13", "13:00", "15:00" }, { "h15", "15:00", "17:00" },
	};
	f->nbands = 4;
	for (int j = 0; j < 4; j++) {
		snprintf(f->bands[j].code, sizeof f->bands[j].code, "%s", bands[j][0]);
		snprintf(f->bands[j].name_ja, sizeof f->bands[j].name_ja, "%s〜%s", bands[j][1], bands[j][2]);
		f->bands[j].start_min = (9 + 2 * j) * 60;
		f->bands[j].end_min = (11 + 2 * j) * 60;
	}
	f->nunits = COURTS;
	for (int i = 0; i < COURTS; i++) {
		struct booking_unit *u = &f->units[i];
		snprintf(u->code, sizeof u->code, "court%d", i + 1);
		snprintf(u->name_ja, sizeof u->name_ja, "庭球場%d", i + 1);
		u->nfees = 4;
		for (int j = 0; j < 4; j++) {
			snprintf(u->fees[j].band, sizeof u->fees[j].band, "%s", bands[j][0]);
			u->fees[j].resident = u->fees[j].resident_holiday = 800;
			u->fees[j].other = u->fees[j].other_holiday = 1200;
		}
	}
	if (booking_facility_put(s, T1, f, &e)) {
		fprintf(stderr, "booking_bench: facility: %s\n", e.detail);
		exit(1);
	}
	/* every slot booked, then given up the day before the opening */
	int64_t before = opening - 86400;
	for (int i = 0; i < COURTS; i++)
		for (int j = 0; j < 4; j++) {
			char key[48], number[BOOKING_NUMBER_LEN + 1];
			snprintf(key, sizeof key, "setup-key-%02d-%02d-000", i, j);
			struct booking_req rq = { .tenant = T1, .facility = "courts", .unit = f->units[i].code,
						  .band = f->bands[j].code, .day = use_day, .account = 9,
						  .source = BOOKING_FIRST_COME, .resident = 1, .request_key = key,
						  .now = before };
			struct booking b;
			if (booking_hold(&b, s, &rq, &e) || (snprintf(number, sizeof number, "%s", b.number), 0) ||
			    booking_cancel(&b, s, T1, number, 9, 1, before + 1, &e)) {
				fprintf(stderr, "booking_bench: setup booking: %s\n", e.detail);
				exit(1);
			}
		}
	free(f);
	store_close(s);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: booking_bench DB_URL [CLIENTS] [WINDOW_S] [THREADS]\n");
		return 2;
	}
	url = argv[1];
	if (argc > 2)
		nclients = atoi(argv[2]);
	if (argc > 3)
		window_s = atof(argv[3]);
	if (argc > 4)
		threads = atoi(argv[4]);
	if (nclients < 1 || nclients > 100000 || window_s <= 0 || threads < 1 || threads > 64)
		return 2;
	/* the opening: 08:30:00 JST of 2027-01-14, for courts on the 20th */
	opening = jp_jst_midnight((struct jp_date){ 2027, 1, 14 }) + 8 * 3600 + 30 * 60;
	use_day = (struct jp_date){ 2027, 1, 20 };
	setup();

	clients = calloc((size_t)nclients, sizeof *clients);
	unsigned seed = 20270114;
	for (int i = 0; i < nclients; i++)
		clients[i].arrive_ms = (double)rand_r(&seed) / RAND_MAX * window_s * 1000;
	qsort(clients, (size_t)nclients, sizeof *clients, cmp_arrival);
	pthread_t th[64], poll_th;
	t0_ms = now_ms_f() + 200;
	workers_left = threads;
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, serve, NULL);
	pthread_create(&poll_th, NULL, poller, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	pthread_join(poll_th, NULL);
	double end_ms = now_ms_f();
	int winners = 0, errors = 0;
	double *lat = malloc((size_t)nclients * sizeof *lat), *ans = malloc((size_t)nclients * sizeof *ans);
	for (int i = 0; i < nclients; i++) {
		winners += clients[i].won;
		errors += clients[i].error;
		lat[i] = clients[i].latency_ms;
		ans[i] = clients[i].answer_ms ? clients[i].answer_ms : clients[i].latency_ms;
	}
	qsort(lat, (size_t)nclients, sizeof *lat, cmp_double);
	qsort(ans, (size_t)nclients, sizeof *ans, cmp_double);

	/* overlaps, by SQL: two bookings in force of one slot */
	struct store *s = open_db();
	struct err e;
	int64_t overlaps = 0;
	struct store_val p[] = { sv_text(T1) };
	store_query_int(&overlaps, s, "SELECT count(*) FROM booking_bookings a JOIN booking_bookings b"
				      " ON a.tenant = b.tenant AND a.facility = b.facility AND a.unit = b.unit"
				      " AND a.day = b.day AND a.band = b.band AND a.id < b.id WHERE a.tenant = $1"
				      " AND a.state IN ('held', 'won', 'booked') AND b.state IN ('held', 'won', 'booked')",
			p, 1, &e);
	store_close(s);

	/* the rate the workers serve clients at (clients over the workers'
	 * busy time), against the core's read by as many threads */
	double run_s = (end_ms - t0_ms) / 1000, busy_s = 0;
	for (int i = 0; i < nclients; i++)
		busy_s += clients[i].service_ms / 1000;
	double served_per_s = busy_s > 0 ? nclients / (busy_s / threads) : 0;
	reads_until = now_ms_f() + 2000;
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, read_core, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	double reads_per_s = reads_done / 2.0;
	printf("# %d clients in %.1f s, %d threads, run %.2f s, clients served %.0f/s of busy time, core reads %.0f/s\n",
	       nclients, window_s, threads, run_s, served_per_s, reads_per_s);
	int queued = 0;
	for (int i = 0; i < nclients; i++)
		queued += clients[i].queued;
	printf("# %d clients queued in the first second\n", queued);
	printf("figure booking_rush_p50 %.1f ms\n", ans[nclients / 2]);
	printf("figure booking_rush_p95 %.1f ms\n", ans[(int)(nclients * 0.95)]);
	printf("figure booking_rush_decided_p95 %.1f ms\n", lat[(int)(nclients * 0.95)]);
	printf("figure booking_rush_winners %d count\n", winners);
	printf("figure booking_rush_errors %d count\n", errors);
	printf("figure booking_rush_overlaps %lld count\n", (long long)overlaps);
	printf("figure booking_rps %.4f ratio\n", reads_per_s > 0 ? served_per_s / reads_per_s : 0);
	free(lat);
	free(ans);
	free(clients);
	return winners == SLOTS && errors == 0 && overlaps == 0 ? 0 : 1;
}
