/*
 * test_card.c -- the card adapter (src/svc/payments/card.c): the
 * webhook's signature (good, forged, out of its window, malformed,
 * absent; checked against an HMAC computed by OpenSSL, not by the code
 * under test), the event body, and, on a real database (SQLite, or
 * PostgreSQL with MADOGUCHI_TEST_DB), that a card payment is settled
 * once whichever of the webhook, the return or the job comes first, that
 * a replayed event changes nothing and that a declined card lets the
 * payer choose again.
 */
#include <stdio.h>
#include <string.h>

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
	T_EQ_INT(card_url_ok("http://127.0.0.1:8123"), 0);
	T_EQ_INT(card_url_ok("https://psp.example.jp/api"), 0);
	T_CHECK(card_url_ok("ftp://x") != 0);
	T_CHECK(card_url_ok("http://") != 0);
	T_CHECK(card_url_ok("http:///path") != 0);
	T_CHECK(card_url_ok("https://a b") != 0);
	T_CHECK(card_url_ok("https://x/\"><script>") != 0);
	T_CHECK(card_url_ok("https://x/?q=1") != 0);
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
	store_close(s);
	tdb_end(&db);
	return t_done();
}
