/*
 * test_card.c -- the card adapter (src/svc/payments/card.c): the
 * webhook's signature (good, forged, out of its window, malformed,
 * absent; checked against an HMAC computed by OpenSSL, not by the code
 * under test), the event body, and, on a real database (SQLite, or
 * PostgreSQL with MADOGUCHI_TEST_DB), that a card payment is settled
 * once whichever of the webhook, the return or the job comes first, that
 * a replayed event changes nothing and that a declined card lets the
 * payer choose again.  The provider's side of the API calls (answers,
 * errors, the job's status queries) is a canned HTTP responder in this
 * file, on loopback: no network, no Node.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "t.h"
#include "tdb.h"
#include "base/util.h"
#include "core/tenant/tenant.h"
#include "store/store.h"
#include "svc/payments/card.h"
#include "web/app.h"

static const char SECRET[] = "whsec_test_0123456789abcdef";
#define NOW ((int64_t)1796000000)

/* the header as an independent implementation (OpenSSL) computes it */
static void openssl_header(char *out, size_t cap, const char *secret, int64_t t, const char *body)
{
	char msg[4096];
	int n = snprintf(msg, sizeof msg, "%lld.%s", (long long)t, body);
	unsigned char mac[32];
	unsigned int ml = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, (size_t)n, mac,
	     &ml);
	char hex[65];
	hex_encode(hex, mac, 32);
	snprintf(out, cap, "t=%lld,v1=%s", (long long)t, hex);
}

static enum card_sig verify(const char *header, const char *body, int64_t now)
{
	return card_signature_verify(SECRET, strlen(SECRET), header, body, strlen(body), now);
}

static const char BODY[] = "{\"event_id\":\"evt_1\",\"type\":\"payment_succeeded\","
			   "\"payment_id\":\"pay_abc\",\"amount\":3000,\"created\":1796000000}";

static void test_signature_good(void)
{
	char h[200], mine[200];
	openssl_header(h, sizeof h, SECRET, NOW, BODY);
	card_signature_make(mine, sizeof mine, SECRET, strlen(SECRET), NOW, BODY, strlen(BODY));
	T_EQ_STR(mine, h);
	T_EQ_INT(verify(h, BODY, NOW), CARD_SIG_OK);
	/* the edges of the window are inside it */
	T_EQ_INT(verify(h, BODY, NOW + CARD_REPLAY_WINDOW_S), CARD_SIG_OK);
	T_EQ_INT(verify(h, BODY, NOW - CARD_REPLAY_WINDOW_S), CARD_SIG_OK);
	/* upper-case hex, spaces after commas, an unknown key, a second v1
	 * (a provider rolling its secret) */
	char up[200];
	snprintf(up, sizeof up, "%s", h);
	for (char *p = strstr(up, "v1=") + 3; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	T_EQ_INT(verify(up, BODY, NOW), CARD_SIG_OK);
	char other[200], two[400];
	openssl_header(other, sizeof other, "an-older-secret-of-the-provider", NOW, BODY);
	snprintf(two, sizeof two, "t=%lld, v0=xyz, %s, %s", (long long)NOW, strchr(other, ',') + 1,
		 strchr(h, ',') + 1);
	T_EQ_INT(verify(two, BODY, NOW), CARD_SIG_OK);
}

static void test_signature_forged(void)
{
	char h[200];
	/* another secret */
	openssl_header(h, sizeof h, "not-the-shared-secret-at-all", NOW, BODY);
	T_EQ_INT(verify(h, BODY, NOW), CARD_SIG_FORGED);
	/* the body changed after signing: the amount */
	openssl_header(h, sizeof h, SECRET, NOW, BODY);
	char body2[sizeof BODY];
	snprintf(body2, sizeof body2, "%s", BODY);
	char *a = strstr(body2, "3000");
	a[0] = '1';
	T_EQ_INT(verify(h, body2, NOW), CARD_SIG_FORGED);
	/* one hex digit of the MAC changed */
	char h2[200];
	snprintf(h2, sizeof h2, "%s", h);
	char *last = h2 + strlen(h2) - 1;
	*last = *last == '0' ? '1' : '0';
	T_EQ_INT(verify(h2, BODY, NOW), CARD_SIG_FORGED);
	/* the timestamp changed (the MAC covers it) */
	char h3[200];
	snprintf(h3, sizeof h3, "t=%lld,%s", (long long)NOW + 1, strchr(h, ',') + 1);
	T_EQ_INT(verify(h3, BODY, NOW), CARD_SIG_FORGED);
	/* a signature over the body alone, without "t." */
	unsigned char mac[32];
	unsigned int ml;
	HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)BODY, strlen(BODY),
	     mac, &ml);
	char hex[65], h4[200];
	hex_encode(hex, mac, 32);
	snprintf(h4, sizeof h4, "t=%lld,v1=%s", (long long)NOW, hex);
	T_EQ_INT(verify(h4, BODY, NOW), CARD_SIG_FORGED);
}

static void test_signature_expired(void)
{
	char h[200];
	openssl_header(h, sizeof h, SECRET, NOW - CARD_REPLAY_WINDOW_S - 1, BODY);
	T_EQ_INT(verify(h, BODY, NOW), CARD_SIG_EXPIRED);
	openssl_header(h, sizeof h, SECRET, NOW + CARD_REPLAY_WINDOW_S + 1, BODY);
	T_EQ_INT(verify(h, BODY, NOW), CARD_SIG_EXPIRED);
	/* a day-old replay of a good signature */
	openssl_header(h, sizeof h, SECRET, NOW, BODY);
	T_EQ_INT(verify(h, BODY, NOW + 86400), CARD_SIG_EXPIRED);
}

static void test_signature_malformed(void)
{
	char h[200];
	openssl_header(h, sizeof h, SECRET, NOW, BODY);
	const char *v1 = strchr(h, ',') + 1;
	char x[300];
	T_EQ_INT(verify(NULL, BODY, NOW), CARD_SIG_ABSENT);
	T_EQ_INT(verify("", BODY, NOW), CARD_SIG_ABSENT);
	T_EQ_INT(verify(v1, BODY, NOW), CARD_SIG_MALFORMED);            /* no t */
	snprintf(x, sizeof x, "t=%lld", (long long)NOW);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* no v1 */
	snprintf(x, sizeof x, "t=%lld,v1=abcdef", (long long)NOW);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* short */
	snprintf(x, sizeof x, "t=%lld,%sa", (long long)NOW, v1);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* 65 digits */
	snprintf(x, sizeof x, "t=%lld,v1=%.63sz", (long long)NOW, v1 + 3);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* not hex */
	snprintf(x, sizeof x, "t=1796000000x,%s", v1);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* t not digits */
	snprintf(x, sizeof x, "t=-5,%s", v1);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);
	snprintf(x, sizeof x, "t=%lld,t=%lld,%s", (long long)NOW, (long long)NOW, v1);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* two t */
	snprintf(x, sizeof x, "t=99999999999999999999,%s", v1);
	T_EQ_INT(verify(x, BODY, NOW), CARD_SIG_MALFORMED);             /* overflow */
	T_EQ_INT(verify("garbage", BODY, NOW), CARD_SIG_MALFORMED);
	T_EQ_INT(verify("sha256=abc", BODY, NOW), CARD_SIG_MALFORMED);
	char big[CARD_SIG_HEADER_MAX + 100];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	memcpy(big, h, strlen(h));
	big[strlen(h)] = ',';
	big[strlen(h) + 1] = 'x';
	big[strlen(h) + 2] = '=';
	T_EQ_INT(verify(big, BODY, NOW), CARD_SIG_MALFORMED);           /* too long */
}

static void test_event_parse(void)
{
	struct card_event ev;
	struct err e;
	T_EQ_INT(card_event_parse(&ev, BODY, strlen(BODY), &e), 0);
	T_EQ_STR(ev.event_id, "evt_1");
	T_EQ_STR(ev.payment_id, "pay_abc");
	T_EQ_INT(ev.type, CARD_EV_SUCCEEDED);
	T_EQ_INT(ev.amount_yen, 3000);
	T_EQ_INT(ev.created, NOW);
	const char *bad[] = {
		"",
		"[]",
		"{\"event_id\":\"evt_1\",\"type\":\"payment_succeeded\",\"payment_id\":\"pay_abc\"}",
		"{\"event_id\":\"evt 1\",\"type\":\"payment_succeeded\",\"payment_id\":\"p\",\"amount\":1}",
		"{\"event_id\":\"e\",\"type\":\"payment_stolen\",\"payment_id\":\"p\",\"amount\":1}",
		"{\"event_id\":\"e\",\"type\":\"payment_failed\",\"payment_id\":\"../x\",\"amount\":1}",
		"{\"event_id\":\"e\",\"type\":\"payment_failed\",\"payment_id\":\"p\",\"amount\":-1}",
		"{\"event_id\":\"e\",\"type\":\"payment_failed\",\"payment_id\":\"p\",\"amount\":\"1\"}",
		"{\"event_id\":\"e\",\"type\":\"payment_failed\",\"payment_id\":\"p\",\"amount\":1000000}",
		"{\"event_id\":\"e\",\"event_id\":\"f\",\"type\":\"payment_failed\",\"payment_id\":\"p\",\"amount\":1}",
		"{\"event_id\":\"e\",\"type\":\"payment_failed\",\"payment_id\":\"p\",\"amount\":1,\"created\":\"x\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = card_event_parse(&ev, bad[i], strlen(bad[i]), &e);
		if (rc != ERR_INVALID)
			T_FAIL_("bad event %zu accepted (%d)", i, rc);
	}
	static char huge[CARD_WEBHOOK_BODY_MAX + 2];
	memset(huge, ' ', sizeof huge - 1);
	T_EQ_INT(card_event_parse(&ev, huge, sizeof huge - 1, &e), ERR_LIMIT);
}

static void test_url_and_status(void)
{
	/* the provider's URL: the one rule of base/url.h (tests/unit/base/test_url.c) */
	struct card_config cc;
	int on = 1;
	struct err e;
	T_EQ_INT(card_config_load(&cc, &on, "https://x/?q=1", "/nonexistent", "/nonexistent", &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "--pay-card-url") != NULL);
	T_EQ_INT(on, 0);
	T_EQ_INT(card_status_of("success"), CARD_S_SUCCESS);
	T_EQ_INT(card_status_of("started"), CARD_S_STARTED);
	T_EQ_INT(card_status_of("Success"), CARD_S_UNKNOWN);
	T_CHECK(card_status_final(CARD_S_FAILED));
	T_CHECK(!card_status_final(CARD_S_SUBMITTED));
}


/* ---- settling on a real database ---- */

#define TENANT "139998"
static struct tdb db;
static struct store *s;
static const struct pay_actor sys = { .audit = NULL, .source = "test" };
static int key_seq;

static void db_setup(void)
{
	struct err e;
	tdb_begin(&db, "card");
	if (store_open(&s, db.url, &e) != 0) {
		printf("# cannot open the database: %s\n", e.detail);
		exit(1);
	}
	int applied = 0;
	struct tenant t = { .code = TENANT, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (app_migrate(s, &applied, &e) != 0 || tenant_add(s, &t, &e) != 0) {
		printf("# setup: %s\n", e.detail);
		exit(1);
	}
}

/* a payment chosen for card with an attempt at the provider called id
 * (what card_start does once the provider answered) */
static void card_payment(struct payment *p, const char *id, int64_t amount)
{
	struct err e = { 0 };
	char key[32];
	snprintf(key, sizeof key, "card-%d", ++key_seq);
	struct pay_new n = { .service = "test", .key = key, .reference = "REF-1",
			     .description = "犬の登録手数料", .amount_yen = amount,
			     .return_url = "/done" };
	int created;
	T_EQ_INT(payments_create(p, &created, s, TENANT, &n, NOW, &sys, &e), 0);
	struct pay_rails rails = { "99998", "999980", "00001" };
	char number[PAY_NUMBER_LEN + 1];
	snprintf(number, sizeof number, "%s", p->number);
	T_EQ_INT(payments_choose(p, s, TENANT, number, PAY_M_CARD, &rails, NOW, &sys, &e), 0);
	struct store_val v[] = { sv_text(TENANT), sv_text(id), sv_text(number), sv_int(amount),
				 sv_int(NOW) };
	T_EQ_INT(store_exec(s, "INSERT INTO payment_card_attempts (tenant, provider_id, number,"
			       " amount_yen, created_at) VALUES ($1, $2, $3, $4, $5)", v, 5, &e), 1);
	T_EQ_INT(payments_set_provider_ref(s, TENANT, number, id, &sys, &e), 0);
	T_EQ_INT(payments_get(p, s, TENANT, number, &e), 0);
}

static struct card_event event(const char *eid, enum card_event_type type, const char *pid,
			       int64_t amount)
{
	struct card_event ev = { .type = type, .amount_yen = amount, .created = NOW };
	snprintf(ev.event_id, sizeof ev.event_id, "%s", eid);
	snprintf(ev.payment_id, sizeof ev.payment_id, "%s", pid);
	return ev;
}

static int count_cb(void *arg, const struct pay_receipt_row *rr)
{
	(void)rr;
	++*(int *)arg;
	return 0;
}

/* the card receipts recorded on NOW's day */
static int card_receipts(void)
{
	int n = 0;
	struct err e;
	long day = (long)((NOW + 9 * 3600) / 86400);
	payments_receipts(s, TENANT, PAY_M_CARD, day, 0, count_cb, &n, &e);
	return n;
}

static enum pay_state state_of(const char *number)
{
	struct payment p;
	struct err e;
	return payments_get(&p, s, TENANT, number, &e) == 0 ? p.state : PAY_STATE_COUNT_;
}

static void test_webhook_first_then_return(void)
{
	struct payment p;
	struct err e = { 0 };
	card_payment(&p, "pay_first", 3000);
	T_REQUIRE(p.state == PAY_PENDING);
	int before = card_receipts();
	enum card_settled out;
	struct card_event ev = event("evt_a1", CARD_EV_SUCCEEDED, "pay_first", 3000);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev, NOW, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_NOW);
	T_EQ_INT(state_of(p.number), PAY_PAID);
	/* the same event again */
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev, NOW + 5, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_SEEN);
	/* the return's status query says success too */
	T_EQ_INT(card_settle(&out, s, TENANT, "pay_first", CARD_S_SUCCESS, 3000, "return", NOW + 9,
			     &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_BEFORE);
	/* another event about the same payment (a provider resending with a
	 * new id) */
	struct card_event ev2 = event("evt_a2", CARD_EV_SUCCEEDED, "pay_first", 3000);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev2, NOW + 20, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_BEFORE);
	T_EQ_INT(state_of(p.number), PAY_PAID);
	T_EQ_INT(card_receipts() - before, 1);
}

static void test_return_first_then_webhook(void)
{
	struct payment p;
	struct err e = { 0 };
	card_payment(&p, "pay_second", 1200);
	int before = card_receipts();
	enum card_settled out;
	/* a status that is not final settles nothing */
	T_EQ_INT(card_settle(&out, s, TENANT, "pay_second", CARD_S_SUBMITTED, 0, "return", NOW,
			     &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_OPEN);
	T_EQ_INT(state_of(p.number), PAY_PENDING);
	T_EQ_INT(card_settle(&out, s, TENANT, "pay_second", CARD_S_SUCCESS, 1200, "return", NOW,
			     &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_NOW);
	struct card_event ev = event("evt_b1", CARD_EV_SUCCEEDED, "pay_second", 1200);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev, NOW + 30, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_BEFORE);
	T_EQ_INT(state_of(p.number), PAY_PAID);
	T_EQ_INT(card_receipts() - before, 1);
}

static void test_declined_then_paid(void)
{
	struct payment p;
	struct err e = { 0 };
	card_payment(&p, "pay_declined", 500);
	enum card_settled out;
	struct card_event ev = event("evt_c1", CARD_EV_FAILED, "pay_declined", 500);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev, NOW, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_NOW);
	T_EQ_INT(state_of(p.number), PAY_FAILED);
	/* the payer chooses card again: a second attempt, still open, and a
	 * third that becomes the current one */
	struct pay_rails rails = { "99998", "999980", "00001" };
	char number[PAY_NUMBER_LEN + 1];
	snprintf(number, sizeof number, "%s", p.number);
	T_EQ_INT(payments_choose(&p, s, TENANT, number, PAY_M_CARD, &rails, NOW + 60, &sys, &e), 0);
	const char *ids[] = { "pay_again_1", "pay_again_2" };
	for (int i = 0; i < 2; i++) {
		struct store_val v[] = { sv_text(TENANT), sv_text(ids[i]), sv_text(number), sv_int(500),
					 sv_int(NOW + 60) };
		T_EQ_INT(store_exec(s, "INSERT INTO payment_card_attempts (tenant, provider_id, number,"
				       " amount_yen, created_at) VALUES ($1, $2, $3, $4, $5)", v, 5, &e), 1);
		T_EQ_INT(payments_set_provider_ref(s, TENANT, number, ids[i], &sys, &e), 0);
	}
	/* the abandoned second attempt fails: the payment, whose current
	 * attempt is the third, stays pending */
	struct card_event ev2 = event("evt_c2", CARD_EV_FAILED, "pay_again_1", 500);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev2, NOW + 70, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_NOW);
	T_EQ_INT(state_of(number), PAY_PENDING);
	/* the first failure again, with a new event id: settled before */
	struct card_event ev3 = event("evt_c3", CARD_EV_FAILED, "pay_declined", 500);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev3, NOW + 80, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_BEFORE);
	T_EQ_INT(state_of(number), PAY_PENDING);
	struct card_event ev4 = event("evt_c4", CARD_EV_SUCCEEDED, "pay_again_2", 500);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev4, NOW + 90, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_NOW);
	T_EQ_INT(state_of(number), PAY_PAID);
	/* a failure of the paid attempt cannot set it back */
	T_EQ_INT(card_settle(&out, s, TENANT, "pay_again_2", CARD_S_FAILED, 0, "job", NOW + 99, &sys,
			     &e), 0);
	T_EQ_INT(out, CARD_SETTLED_BEFORE);
	T_EQ_INT(state_of(number), PAY_PAID);
}

static void test_unknown_and_tenants(void)
{
	struct err e = { 0 };
	enum card_settled out;
	struct card_event ev = event("evt_d1", CARD_EV_SUCCEEDED, "pay_nobody", 100);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev, NOW, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_UNKNOWN);
	T_EQ_INT(card_webhook_apply(&out, s, TENANT, &ev, NOW, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_SEEN);
	/* another municipality does not see this one's attempts */
	struct payment p;
	card_payment(&p, "pay_tenant", 100);
	struct tenant t2 = { .code = "131059", .name_ja = "文京区", .name_en = "Bunkyo" };
	T_EQ_INT(tenant_add(s, &t2, &e), 0);
	struct card_event ev2 = event("evt_d2", CARD_EV_SUCCEEDED, "pay_tenant", 100);
	T_EQ_INT(card_webhook_apply(&out, s, "131059", &ev2, NOW, &sys, &e), 0);
	T_EQ_INT(out, CARD_SETTLED_UNKNOWN);
	T_EQ_INT(state_of(p.number), PAY_PENDING);
}

/* ---- a canned provider on loopback, for the API calls ---- */

struct canned {
	const char *method, *path;   /* path: exact, or a prefix ending in '*' */
	int status;
	const char *body;
};
static struct canned canned[8];
static int ncanned;
static char last_req[4096];      /* the last request, head and body */
static int requests;
static int provider_fd;
static struct card_config provider_cfg;

static void *provider_loop(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(provider_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		char req[4096];
		size_t n = 0;
		ssize_t k;
		/* the head, then as much body as Content-Length says */
		while (n < sizeof req - 1 && (k = read(c, req + n, sizeof req - 1 - n)) > 0) {
			n += (size_t)k;
			req[n] = 0;
			char *end = strstr(req, "\r\n\r\n");
			if (!end)
				continue;
			const char *cl = strcasestr(req, "content-length:");
			size_t want = cl ? (size_t)atol(cl + 15) : 0;
			if (n >= (size_t)(end + 4 - req) + want)
				break;
		}
		req[n] = 0;
		snprintf(last_req, sizeof last_req, "%s", req);
		requests++;
		char method[8] = "", path[200] = "";
		sscanf(req, "%7s %199s", method, path);
		int status = 404;
		const char *body = "{\"code\":\"P0200\"}";
		for (int i = 0; i < ncanned; i++) {
			size_t pl = strlen(canned[i].path);
			int prefix = pl && canned[i].path[pl - 1] == '*';
			if (strcmp(method, canned[i].method) == 0 &&
			    (prefix ? strncmp(path, canned[i].path, pl - 1) == 0
				    : strcmp(path, canned[i].path) == 0)) {
				status = canned[i].status;
				body = canned[i].body;
				break;
			}
		}
		char head[200];
		int hn = snprintf(head, sizeof head,
				  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
				  "Content-Length: %zu\r\nConnection: close\r\n\r\n",
				  status, strlen(body));
		if (write(c, head, (size_t)hn) < 0 || write(c, body, strlen(body)) < 0)
			T_FAIL_("provider: write failed");
		close(c);
	}
}

static void provider_start(void)
{
	provider_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	if (bind(provider_fd, (struct sockaddr *)&a, sizeof a) || listen(provider_fd, 8) ||
	    getsockname(provider_fd, (struct sockaddr *)&a, &al)) {
		printf("# provider: cannot listen\n");
		exit(1);
	}
	pthread_t th;
	pthread_create(&th, NULL, provider_loop, NULL);
	pthread_detach(th);
	snprintf(provider_cfg.base_url, sizeof provider_cfg.base_url, "http://127.0.0.1:%d",
		 ntohs(a.sin_port));
	snprintf(provider_cfg.api_key, sizeof provider_cfg.api_key, "sk_test_unit");
	snprintf(provider_cfg.secret, sizeof provider_cfg.secret, "%s", SECRET);
	provider_cfg.secret_len = strlen(SECRET);
}

static void answer(int i, const char *method, const char *path, int status, const char *body)
{
	canned[i] = (struct canned){ method, path, status, body };
	if (i >= ncanned)
		ncanned = i + 1;
}

static void test_api_calls(void)
{
	char id[CARD_ID_MAX + 1], next[CARD_NEXT_URL_MAX + 1];
	struct err e = { 0 };
	ncanned = 0;
	answer(0, "POST", "/v1/payments", 201,
	       "{\"payment_id\":\"pay_x1\",\"state\":{\"status\":\"created\"},"
	       "\"_links\":{\"next_url\":{\"href\":\"https://psp.example/pay/pay_x1\"}}}");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "12345678901234", "犬の登録",
				 "http://127.0.0.1/pay/12345678901234/return", &e), 0);
	T_EQ_STR(id, "pay_x1");
	T_EQ_STR(next, "https://psp.example/pay/pay_x1");
	/* what the provider received: the key as a Bearer token, the JSON */
	T_CHECK(strstr(last_req, "POST /v1/payments HTTP/1.1\r\n") == last_req);
	T_CHECK(strcasestr(last_req, "\r\nAuthorization: Bearer sk_test_unit\r\n") != NULL);
	T_CHECK(strstr(last_req, "\"amount\":3000") != NULL);
	T_CHECK(strstr(last_req, "\"return_url\":\"http://127.0.0.1/pay/12345678901234/return\"") != NULL);
	/* answers that are not the documented shape */
	answer(0, "POST", "/v1/payments", 201,
	       "{\"payment_id\":\"pay_x1\",\"_links\":{\"next_url\":{\"href\":\"javascript:alert(1)\"}}}");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "r", "d", "http://x/", &e), ERR_INVALID);
	T_EQ_STR(next, "");
	answer(0, "POST", "/v1/payments", 201,
	       "{\"payment_id\":\"../etc\",\"_links\":{\"next_url\":{\"href\":\"https://psp/x\"}}}");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "r", "d", "http://x/", &e), ERR_INVALID);
	answer(0, "POST", "/v1/payments", 201, "not json");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "r", "d", "http://x/", &e), ERR_INVALID);
	/* the provider's errors */
	answer(0, "POST", "/v1/payments", 401, "{}");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "r", "d", "http://x/", &e), ERR_DENIED);
	answer(0, "POST", "/v1/payments", 503, "{}");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "r", "d", "http://x/", &e),
		 ERR_UNAVAILABLE);
	answer(0, "POST", "/v1/payments", 422, "{}");
	T_EQ_INT(card_api_create(id, next, &provider_cfg, 3000, "r", "d", "http://x/", &e), ERR_INVALID);
	/* status */
	enum card_status st;
	int64_t amount;
	answer(0, "GET", "/v1/payments/pay_x1", 200,
	       "{\"payment_id\":\"pay_x1\",\"amount\":3000,\"state\":{\"status\":\"success\"}}");
	T_EQ_INT(card_api_status(&st, &amount, &provider_cfg, "pay_x1", &e), 0);
	T_EQ_INT(st, CARD_S_SUCCESS);
	T_EQ_INT(amount, 3000);
	answer(0, "GET", "/v1/payments/pay_x1", 200, "{\"state\":{\"status\":\"paid-ish\"}}");
	T_EQ_INT(card_api_status(&st, &amount, &provider_cfg, "pay_x1", &e), ERR_INVALID);
	T_EQ_INT(card_api_status(&st, &amount, &provider_cfg, "pay_nowhere", &e), ERR_NOTFOUND);
	int before = requests;
	T_EQ_INT(card_api_status(&st, &amount, &provider_cfg, "a/../b", &e), ERR_INVALID);
	T_EQ_INT(requests, before);      /* a bad id never reaches the provider */
	/* refund */
	answer(0, "POST", "/v1/payments/pay_x1/refunds", 202,
	       "{\"refund_id\":\"rfd_1\",\"amount\":3000,\"status\":\"success\"}");
	T_EQ_INT(card_api_refund(&provider_cfg, "pay_x1", 3000, &e), 0);
	T_CHECK(strstr(last_req, "{\"amount\":3000}") != NULL);
	answer(0, "POST", "/v1/payments/pay_x1/refunds", 412, "{}");
	T_EQ_INT(card_api_refund(&provider_cfg, "pay_x1", 3000, &e), ERR_INVALID);
	/* nobody listening */
	struct card_config down = provider_cfg;
	snprintf(down.base_url, sizeof down.base_url, "http://127.0.0.1:1");
	T_EQ_INT(card_api_status(&st, &amount, &down, "pay_x1", &e), ERR_UNAVAILABLE);
}

/* the job: attempts open longer than older_s are asked about; success
 * settles them paid, a provider that forgot one or a payer who left it a
 * day settles it failed; young ones are not asked about */
static void test_settle_stale(void)
{
	struct err e = { 0 };
	struct payment ok, gone, left, young, still;
	card_payment(&ok, "pay_stale_ok", 900);
	card_payment(&gone, "pay_stale_gone", 900);
	card_payment(&left, "pay_stale_left", 900);
	card_payment(&still, "pay_stale_still", 900);
	/* created 2 hours before, except "left" (2 days) */
	store_exec(s, "UPDATE payment_card_attempts SET created_at = created_at - 7200"
		      " WHERE provider_id IN ('pay_stale_ok', 'pay_stale_gone', 'pay_stale_still')",
		   NULL, 0, &e);
	store_exec(s, "UPDATE payment_card_attempts SET created_at = created_at - 172800"
		      " WHERE provider_id = 'pay_stale_left'", NULL, 0, &e);
	card_payment(&young, "pay_stale_young", 900);
	ncanned = 0;
	answer(0, "GET", "/v1/payments/pay_stale_ok", 200,
	       "{\"amount\":900,\"state\":{\"status\":\"success\"}}");
	answer(1, "GET", "/v1/payments/pay_stale_left", 200, "{\"state\":{\"status\":\"started\"}}");
	answer(2, "GET", "/v1/payments/pay_stale_still", 200, "{\"state\":{\"status\":\"submitted\"}}");
	answer(3, "GET", "/v1/payments/pay_stale_young", 200,
	       "{\"amount\":900,\"state\":{\"status\":\"success\"}}");
	/* pay_stale_gone: 404, the provider does not know it */
	int n = card_settle_stale(s, &provider_cfg, 900, NOW, &sys, &e);
	T_EQ_INT(n, 3);
	T_EQ_INT(state_of(ok.number), PAY_PAID);
	T_EQ_INT(state_of(gone.number), PAY_FAILED);
	T_EQ_INT(state_of(left.number), PAY_FAILED);
	T_EQ_INT(state_of(still.number), PAY_PENDING);   /* two hours: may still come */
	T_EQ_INT(state_of(young.number), PAY_PENDING);   /* not asked about */
	/* again: only the one still open is asked about, nothing settles */
	int before = requests;
	T_EQ_INT(card_settle_stale(s, &provider_cfg, 900, NOW, &sys, &e), 0);
	T_EQ_INT(requests - before, 1);
	/* the provider down: an error, nothing settled */
	struct card_config down = provider_cfg;
	snprintf(down.base_url, sizeof down.base_url, "http://127.0.0.1:1");
	T_EQ_INT(card_settle_stale(s, &down, 900, NOW, &sys, &e), ERR_UNAVAILABLE);
	T_EQ_INT(state_of(still.number), PAY_PENDING);
}

int main(void)
{
	T_RUN(test_signature_good);
	T_RUN(test_signature_forged);
	T_RUN(test_signature_expired);
	T_RUN(test_signature_malformed);
	T_RUN(test_event_parse);
	T_RUN(test_url_and_status);
	db_setup();
	T_RUN(test_webhook_first_then_return);
	T_RUN(test_return_first_then_webhook);
	T_RUN(test_declined_then_paid);
	T_RUN(test_unknown_and_tenants);
	provider_start();
	T_RUN(test_api_calls);
	T_RUN(test_settle_stale);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
