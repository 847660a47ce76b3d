/*
 * test_hooks.c -- webhooks to staff systems (src/svc/notify/hooks.c,
 * hooks_send.c) on both backends (MADOGUCHI_TEST_DB):
 *   - the signature reproduces the Standard Webhooks specification's
 *     published vector (a round trip with our own verifier would pass
 *     with the delimiter or the key decoding wrong; this does not);
 *   - the retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, each with
 *     at most a fifth more of jitter, then failed;
 *   - URLs: https to a public host taken; http, user info, fragments,
 *     private, loopback, link-local (metadata), IPv6 unique-local and
 *     mapped addresses, bare intranet names refused; loopback (and http
 *     to it) only with NOTIFY_HOOK_ALLOW_LOOPBACK;
 *   - addresses by class, IPv4-mapped IPv6 judged as IPv4;
 *   - events: one delivery per enabled endpoint subscribed to the type,
 *     none for a disabled one or one not subscribed or another
 *     municipality's; ids only in the body; an unknown type refused;
 *   - the sealed secret: the row does not hold the secret in clear;
 *   - delivery to nobody listening: each attempt recorded, retried on the
 *     schedule, failed after the last; a resend queues it again with its
 *     id kept; a loopback URL without the allowance is refused at send.
 */
#include "t.h"
#include "tdb.h"

#include <string.h>

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"

static struct tdb db;
static struct store *s;
static unsigned char key[NOTIFY_HOOK_KEY_LEN];

#define T1 "139998"
#define T2 "131059"
#define NOW 1796612400

static void setup(void)
{
	struct err e;
	if (store_open(&s, db.url, &e) != 0 || app_migrate(s, NULL, &e) != 0) {
		printf("# setup: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	if (tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("# tenant: %s\n", e.detail);
		exit(1);
	}
	unsigned char master[32];
	memset(master, 7, sizeof master);
	notify_hook_key(key, master);
}

static void test_signature(void)
{
	/* https://www.standardwebhooks.com, the specification's test vector */
	char sig[NOTIFY_HOOK_SIG_MAX];
	const char *body = "{\"test\": 2432232314}";
	T_EQ_INT(notify_hook_sign(sig, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
				  1614265330, body, strlen(body)), 0);
	T_EQ_STR(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* the prefix is optional */
	T_EQ_INT(notify_hook_sign(sig, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
				  1614265330, body, strlen(body)), 0);
	T_EQ_STR(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* one byte of the body, the id or the time changes it */
	T_EQ_INT(notify_hook_sign(sig, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
				  1614265331, body, strlen(body)), 0);
	T_CHECK(strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") != 0);
	T_EQ_INT(notify_hook_sign(sig, "whsec_not base64!", "msg_x", 1, "{}", 2), ERR_INVALID);
}

static void test_backoff(void)
{
	static const int64_t base[] = { 5, 300, 1800, 7200, 18000, 36000 };
	for (int i = 0; i < 6; i++) {
		T_EQ_INT(notify_hook_backoff(i + 1, 0), base[i]);
		int64_t hi = notify_hook_backoff(i + 1, 65535);
		T_CHECK(hi >= base[i] && hi <= base[i] + base[i] / 5);
		T_CHECK(notify_hook_backoff(i + 1, 40000) <= hi);
	}
	T_EQ_INT(notify_hook_backoff(NOTIFY_HOOK_ATTEMPTS, 0), -1);
	T_EQ_INT(notify_hook_backoff(100, 0), -1);
}

static void test_urls(void)
{
	T_EQ_INT(notify_hook_url_check("https://hooks.example.jp/madoguchi", 0), NOTIFY_URL_OK);
	T_EQ_INT(notify_hook_url_check("https://hooks.example.jp:8443/a?b=c", 0), NOTIFY_URL_OK);
	T_EQ_INT(notify_hook_url_check("https://93.184.216.34/in", 0), NOTIFY_URL_OK);
	T_EQ_INT(notify_hook_url_check("http://hooks.example.jp/in", 0), NOTIFY_URL_SCHEME);
	T_EQ_INT(notify_hook_url_check("ftp://hooks.example.jp/in", 0), NOTIFY_URL_SCHEME);
	T_EQ_INT(notify_hook_url_check("https://user:pw@hooks.example.jp/in", 0), NOTIFY_URL_MALFORMED);
	T_EQ_INT(notify_hook_url_check("https://hooks.example.jp/in#x", 0), NOTIFY_URL_MALFORMED);
	T_EQ_INT(notify_hook_url_check("https://hooks.example.jp/a b", 0), NOTIFY_URL_MALFORMED);
	T_EQ_INT(notify_hook_url_check("https://hooks.example.jp:99999/", 0), NOTIFY_URL_MALFORMED);
	T_EQ_INT(notify_hook_url_check("https://-bad.example.jp/", 0), NOTIFY_URL_MALFORMED);
	T_EQ_INT(notify_hook_url_check("https://10.0.0.5/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://192.168.1.1/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://172.20.0.1/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://169.254.169.254/latest", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://127.0.0.1/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://localhost/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://[::1]/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://[fd00::1]/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://[::ffff:10.1.2.3]/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://intranet/in", 0), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("https://0x7f.1/in", 0), NOTIFY_URL_MALFORMED);
	T_EQ_INT(notify_hook_url_check("https://2130706433/in", 0), NOTIFY_URL_MALFORMED);
	/* loopback for tests: http too, but never a private address */
	int L = NOTIFY_HOOK_ALLOW_LOOPBACK;
	T_EQ_INT(notify_hook_url_check("http://127.0.0.1:8080/in", L), NOTIFY_URL_OK);
	T_EQ_INT(notify_hook_url_check("http://[::1]:8080/in", L), NOTIFY_URL_OK);
	T_EQ_INT(notify_hook_url_check("http://10.0.0.5/in", L), NOTIFY_URL_PRIVATE);
	T_EQ_INT(notify_hook_url_check("http://hooks.example.jp/in", L), NOTIFY_URL_SCHEME);
}

static void test_addr(void)
{
	unsigned char v4[4] = { 8, 8, 8, 8 }, lo[4] = { 127, 0, 0, 2 }, cg[4] = { 100, 64, 1, 1 };
	T_EQ_INT(notify_hook_addr_class(v4, 4), NOTIFY_ADDR_PUBLIC);
	T_EQ_INT(notify_hook_addr_class(lo, 4), NOTIFY_ADDR_LOOPBACK);
	T_EQ_INT(notify_hook_addr_class(cg, 4), NOTIFY_ADDR_PRIVATE);
	unsigned char m[16] = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 };
	T_EQ_INT(notify_hook_addr_class(m, 16), NOTIFY_ADDR_LOOPBACK);
	unsigned char ll[16] = { 0xfe, 0x80, [15] = 1 };
	T_EQ_INT(notify_hook_addr_class(ll, 16), NOTIFY_ADDR_PRIVATE);
	unsigned char pub6[16] = { 0x24, 0x04, 0x68, 0x00, [15] = 1 };
	T_EQ_INT(notify_hook_addr_class(pub6, 16), NOTIFY_ADDR_PUBLIC);
}

static int64_t count(const char *sql, int64_t arg)
{
	int64_t n = -1;
	struct err e;
	struct store_val v[] = { sv_int(arg) };
	if (store_query_int(&n, s, sql, v, 1, &e))
		printf("# count: %s\n", e.detail);
	return n;
}

static int64_t ep_a, ep_b, ep_c, ep_loop;

static void test_events(void)
{
	struct err e;
	char secret[NOTIFY_HOOK_SECRET_TEXT];
	T_EQ_INT(notify_hook_create(&ep_a, secret, s, key, T1, "https://a.example.jp/in",
				    "apply.submitted payments.paid", "会計システム", 0, NOW, &e), 0);
	T_CHECK(strncmp(secret, "whsec_", 6) == 0 && strlen(secret) == 6 + 32);
	/* sealed: the row does not hold it */
	char *box = NULL;
	struct store_val v[] = { sv_int(ep_a) };
	T_EQ_INT(store_query_text(&box, s, "SELECT secret_box FROM notify_hook_endpoints WHERE id = $1", v, 1, &e), 0);
	T_CHECK(box && !strstr(box, secret + 6));
	free(box);
	T_EQ_INT(notify_hook_create(&ep_b, secret, s, key, T1, "https://b.example.jp/in", "apply.state_changed",
				    "", 0, NOW, &e), 0);
	T_EQ_INT(notify_hook_create(&ep_c, secret, s, key, T2, "https://c.example.jp/in", "payments.paid", "", 0,
				    NOW, &e), 0);
	/* refused: a private URL, an unknown event, no event, ping as a subscription */
	int64_t x;
	T_EQ_INT(notify_hook_create(&x, secret, s, key, T1, "https://10.1.1.1/in", "payments.paid", "", 0, NOW, &e),
		 ERR_INVALID);
	T_EQ_INT(notify_hook_create(&x, secret, s, key, T1, "https://d.example.jp/in", "payments.refunded", "", 0,
				    NOW, &e), ERR_INVALID);
	T_EQ_INT(notify_hook_create(&x, secret, s, key, T1, "https://d.example.jp/in", "", "", 0, NOW, &e),
		 ERR_INVALID);
	T_EQ_INT(notify_hook_create(&x, secret, s, key, T1, "https://d.example.jp/in", "notify.ping", "", 0, NOW, &e),
		 ERR_INVALID);

	struct notify_field paid[] = { { "number", "0000012345", 0 }, { "service", "apply", 0 },
				       { "reference", "R-1", 0 }, { "amount_yen", NULL, 3000 } };
	T_EQ_INT(notify_event(s, T1, "payments.paid", paid, 4, NOW, &e), 1);   /* a only (b: other event; c: T2) */
	T_EQ_INT(count("SELECT count(*) FROM notify_hook_deliveries WHERE endpoint_id = $1", ep_a), 1);
	T_EQ_INT(count("SELECT count(*) FROM notify_hook_deliveries WHERE endpoint_id = $1", ep_c), 0);
	char *body = NULL;
	struct store_val w[] = { sv_int(ep_a) };
	T_EQ_INT(store_query_text(&body, s, "SELECT body FROM notify_hook_deliveries WHERE endpoint_id = $1", w, 1, &e), 0);
	T_CHECK(body && strstr(body, "\"type\":\"payments.paid\"") && strstr(body, "\"amount_yen\":3000") &&
		strstr(body, "\"number\":\"0000012345\"") && strstr(body, "\"timestamp\":\"2026-12-07T03:00:00Z\""));
	free(body);
	/* a job wakes the sender */
	T_CHECK(count("SELECT count(*) FROM jobs WHERE kind = 'notify.hooks' AND id > $1", 0) >= 1);

	/* disabled: nothing */
	T_EQ_INT(notify_hook_update(s, T1, ep_b, "apply.state_changed", 0, NOW, &e), 0);
	struct notify_field st[] = { { "receipt", "R-2026-000001", 0 }, { "from", "submitted", 0 },
				     { "to", "approved", 0 } };
	T_EQ_INT(notify_event(s, T1, "apply.state_changed", st, 3, NOW, &e), 0);
	T_EQ_INT(notify_hook_update(s, T1, ep_b, "apply.state_changed", 1, NOW, &e), 0);
	T_EQ_INT(notify_event(s, T1, "apply.state_changed", st, 3, NOW, &e), 1);
	/* another municipality's endpoint cannot be changed from here */
	T_EQ_INT(notify_hook_update(s, T1, ep_c, "payments.paid", 0, NOW, &e), ERR_NOTFOUND);
	/* refused events */
	T_EQ_INT(notify_event(s, T1, "payments.stolen", st, 3, NOW, &e), ERR_INVALID);
	T_EQ_INT(notify_event(s, T1, "notify.ping", st, 3, NOW, &e), ERR_INVALID);
	struct notify_field bad[] = { { "Name", "x", 0 } };
	T_EQ_INT(notify_event(s, T1, "payments.paid", bad, 1, NOW, &e), ERR_INVALID);
}

static void test_deliver(void)
{
	struct err e;
	char secret[NOTIFY_HOOK_SECRET_TEXT];
	/* nobody listens on port 9 of loopback (discard, not served here) */
	T_EQ_INT(notify_hook_create(&ep_loop, secret, s, key, T2, "http://127.0.0.1:9/in", "apply.submitted", "",
				    NOTIFY_HOOK_ALLOW_LOOPBACK, NOW, &e), 0);
	/* the others' deliveries go nowhere real: fail them out of the way */
	T_CHECK(store_exec(s, "UPDATE notify_hook_deliveries SET state = 'failed', next_attempt_at = NULL"
			   " WHERE endpoint_id <> $1", (struct store_val[]){ sv_int(ep_loop) }, 1, &e) >= 0);
	struct notify_field f[] = { { "receipt", "R-2026-000002", 0 }, { "procedure", "dog", 0 } };
	T_EQ_INT(notify_event(s, T2, "apply.submitted", f, 2, NOW, &e), 1);
	struct notify_hooks_run run;
	int64_t t = NOW;
	T_EQ_INT(notify_hooks_deliver(&run, s, key, NOTIFY_HOOK_ALLOW_LOOPBACK, 5, t, &e), 0);
	T_EQ_INT(run.sent, 1);
	T_EQ_INT(run.retried, 1);
	T_CHECK(run.next_at >= t + 5 && run.next_at <= t + 6);
	/* not due yet: nothing sent */
	T_EQ_INT(notify_hooks_deliver(&run, s, key, NOTIFY_HOOK_ALLOW_LOOPBACK, 5, t + 1, &e), 0);
	T_EQ_INT(run.sent, 0);
	/* without the allowance the address is refused at send time */
	t = run.next_at;
	T_EQ_INT(notify_hooks_deliver(&run, s, key, 0, 5, t, &e), 0);
	T_EQ_INT(run.sent, 1);
	int64_t did = count("SELECT id FROM notify_hook_deliveries WHERE endpoint_id = $1", ep_loop);
	char *err = NULL;
	T_EQ_INT(store_query_text(&err, s, "SELECT error FROM notify_hook_attempts WHERE delivery_id = $1 AND n = 2",
				  (struct store_val[]){ sv_int(did) }, 1, &e), 0);
	T_CHECK(err && strstr(err, "refused"));
	free(err);
	/* the rest of the schedule, then failed */
	for (int i = 2; i < NOTIFY_HOOK_ATTEMPTS; i++) {
		t = run.next_at;
		T_EQ_INT(notify_hooks_deliver(&run, s, key, NOTIFY_HOOK_ALLOW_LOOPBACK, 5, t, &e), 0);
		T_EQ_INT(run.sent, 1);
	}
	T_EQ_INT(run.failed, 1);
	T_EQ_INT(run.next_at, 0);
	T_EQ_INT(count("SELECT count(*) FROM notify_hook_attempts WHERE delivery_id = $1", did), NOTIFY_HOOK_ATTEMPTS);
	struct notify_delivery d;
	struct arena *a = arena_new(1 << 20);
	T_EQ_INT(notify_delivery_get(&d, a, s, T2, did, NULL, NULL, &e), 0);
	T_EQ_INT(d.state, NOTIFY_D_FAILED);
	T_CHECK(strncmp(d.msg_id, "msg_", 4) == 0);
	char id_before[64];
	snprintf(id_before, sizeof id_before, "%s", d.msg_id);
	/* another municipality cannot see or resend it */
	T_EQ_INT(notify_delivery_get(&d, a, s, T1, did, NULL, NULL, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_delivery_resend(s, T1, did, t, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_delivery_resend(s, T2, did, t, &e), 0);
	T_EQ_INT(notify_delivery_resend(s, T2, did, t, &e), ERR_CONFLICT);
	T_EQ_INT(notify_delivery_get(&d, a, s, T2, did, NULL, NULL, &e), 0);
	T_EQ_INT(d.state, NOTIFY_D_QUEUED);
	T_EQ_INT(d.attempts, 0);
	T_EQ_STR(d.msg_id, id_before);
	T_EQ_INT(notify_hooks_deliver(&run, s, key, NOTIFY_HOOK_ALLOW_LOOPBACK, 5, t, &e), 0);
	T_EQ_INT(run.sent, 1);
	T_EQ_INT(count("SELECT count(*) FROM notify_hook_attempts WHERE delivery_id = $1", did), NOTIFY_HOOK_ATTEMPTS + 1);
	arena_free(a);
}

int main(void)
{
	tdb_begin(&db, "notify_hooks");
	setup();
	T_RUN(test_signature);
	T_RUN(test_backoff);
	T_RUN(test_urls);
	T_RUN(test_addr);
	T_RUN(test_events);
	T_RUN(test_deliver);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
