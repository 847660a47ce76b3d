/*
 * test_channels.c -- the SMS/LINE messages of the notification service
 * (src/svc/notify/message.c, sms.c): the SMS length in UCS-2 segments,
 * recipients, back-off, the state machine, the X-Twilio-Signature (the
 * example of Twilio's webhook-security documentation) and, on the test
 * database (both engines), queueing, the claim with the emergency lane
 * first, outcomes under the claim, receipts that are idempotent; the
 * LINE signature, retry key and events; link codes (single use, expiry,
 * a new one ends the older, wrong SMS guesses counted) and replays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"
#include "svc/notify/channels.h"

static struct tdb db;
static struct store *s;
#define T1 "139998"
#define T2 "131059"
#define NOON 1767668400 /* 2026-01-06 12:00 JST */

static void test_lengths(void)
{
	T_EQ_INT(notify_sms_units(""), 0);
	T_EQ_INT(notify_sms_segments(""), 0);
	T_EQ_INT(notify_sms_units("abc"), 3);
	T_EQ_INT(notify_sms_units("あいう"), 3);
	T_EQ_INT(notify_sms_units("\xf0\x9f\x98\x80"), 2);   /* outside the BMP: a surrogate pair */
	T_EQ_INT(notify_sms_units("\xc0\xaf"), -1);           /* overlong */
	T_EQ_INT(notify_sms_units("\xed\xa0\x80"), -1);       /* a surrogate */
	T_EQ_INT(notify_sms_units("\xe3\x81"), -1);           /* cut */
	char buf[4096];
	/* 70 characters: one segment; 71: two of 67; 134: two; 135: three */
	int cases[][2] = { { 70, 1 }, { 71, 2 }, { 134, 2 }, { 135, 3 }, { 670, 10 } };
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		buf[0] = 0;
		for (int i = 0; i < cases[c][0]; i++)
			strcat(buf, "あ");
		T_EQ_INT(notify_sms_units(buf), cases[c][0]);
		T_EQ_INT(notify_sms_segments(buf), cases[c][1]);
	}
}

static void test_recipients(void)
{
	T_CHECK(notify_phone_valid("+819012345678"));
	T_CHECK(notify_phone_valid("+12025550123"));
	T_CHECK(!notify_phone_valid("09012345678"));
	T_CHECK(!notify_phone_valid("+0901234567"));
	T_CHECK(!notify_phone_valid("+8190-1234"));
	T_CHECK(!notify_phone_valid("+8190123456789012"));
	T_CHECK(!notify_phone_valid("+8112"));
	T_CHECK(notify_line_id_valid("U4af4980629b1f1b7e5b0f6b3e1b2c3d4"));
	T_CHECK(!notify_line_id_valid("U4AF4980629B1F1B7E5B0F6B3E1B2C3D4"));
	T_CHECK(!notify_line_id_valid("C4af4980629b1f1b7e5b0f6b3e1b2c3d4"));
	T_CHECK(!notify_line_id_valid("U4af498"));
}

static void test_backoff_states(void)
{
	T_EQ_INT(notify_backoff(1), NOTIFY_MSG_RETRY_BASE);
	T_EQ_INT(notify_backoff(2), 2 * NOTIFY_MSG_RETRY_BASE);
	T_EQ_INT(notify_backoff(3), 4 * NOTIFY_MSG_RETRY_BASE);
	T_EQ_INT(notify_backoff(30), NOTIFY_MSG_RETRY_CAP);
	for (int f = 0; f <= NOTIFY_BOUNCED; f++)
		for (int t = 0; t <= NOTIFY_BOUNCED; t++) {
			int want = (f == NOTIFY_QUEUED && (t == NOTIFY_SENDING || t == NOTIFY_FAILED)) ||
				   (f == NOTIFY_SENDING && t != NOTIFY_SENDING);
			T_EQ_INT(notify_state_step_ok((enum notify_state)f, (enum notify_state)t), want);
		}
	T_EQ_INT(notify_state_parse("bounced"), NOTIFY_BOUNCED);
	T_EQ_INT(notify_state_parse("sent"), -1);
	T_EQ_INT(notify_sms_status_of("undelivered"), NOTIFY_BOUNCED);
	T_EQ_INT(notify_sms_status_of("delivered"), NOTIFY_DELIVERED);
	T_EQ_INT(notify_sms_status_of("failed"), NOTIFY_FAILED);
	T_EQ_INT(notify_sms_status_of("sent"), NOTIFY_SENDING);
	T_EQ_INT(notify_sms_status_of("read?"), -1);
}

static void test_signature(void)
{
	/* Twilio's documented example (webhooks security) */
	const char *url = "https://mycompany.com/myapp.php?foo=1&bar=2";
	const char *names[] = { "To", "CallSid", "Digits", "From", "Caller" };
	const char *values[] = { "+18005551212", "CA1234567890ABCDE", "1234", "+12349013030", "+12349013030" };
	char sig[64];
	T_EQ_INT(notify_sms_signature(sig, sizeof sig, "12345", 5, url, names, values, 5), 0);
	T_EQ_STR(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
	T_EQ_INT(notify_sms_verify("12345", 5, url, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", names, values, 5), NOTIFY_SIG_OK);
	T_EQ_INT(notify_sms_verify("12345", 5, url, "1/KCTR6DLpKmkAf8muzZqo1nDgQ=", names, values, 5), NOTIFY_SIG_FORGED);
	T_EQ_INT(notify_sms_verify("12346", 5, url, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", names, values, 5), NOTIFY_SIG_FORGED);
	T_EQ_INT(notify_sms_verify("12345", 5, url, NULL, names, values, 5), NOTIFY_SIG_ABSENT);
	T_EQ_INT(notify_sms_verify("12345", 5, url, "short", names, values, 5), NOTIFY_SIG_MALFORMED);
	values[2] = "1235";   /* a parameter changed */
	T_EQ_INT(notify_sms_verify("12345", 5, url, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", names, values, 5), NOTIFY_SIG_FORGED);
}

static int64_t send_sms(const char *to, const char *tpl, int prio, const char *title, int64_t now, int *rcp)
{
	struct notify_value v[] = { { "ward", "デモ区" }, { "title", title }, { "area", "chuo" } };
	struct err e = { 0 };
	int64_t id = 0;
	int rc = notify_send(&id, s, T1, &(struct notify_send){ .channel = NOTIFY_SMS, .recipient = to,
				     .template_id = tpl, .vals = v, .n = strcmp(tpl, "sms.alert") ? 2 : 3,
				     .priority = prio }, now, &e);
	if (rcp)
		*rcp = rc;
	return id;
}

static void test_queue_claim(void)
{
	struct arena *a = arena_new(1u << 16);
	struct err e = { 0 };
	int rc;
	int64_t n1 = send_sms("+819011110001", "sms.notice", 0, "区報", NOON, &rc);
	T_EQ_INT(rc, 0);
	int64_t n2 = send_sms("+819011110002", "sms.notice", 0, "区報", NOON, &rc);
	int64_t em = send_sms("+819011110003", "sms.alert", 1, "避難指示", NOON + 1, &rc);
	T_EQ_INT(rc, 0);
	/* in quiet hours (23:00 JST) a normal one is held until 08:00; an emergency not */
	int64_t night = NOON + 11 * 3600;
	int64_t held = send_sms("+819011110004", "sms.notice", 0, "夜", night, &rc);
	struct notify_msg m;
	T_EQ_INT(notify_msg_get(&m, a, s, T1, held, &e), 0);
	T_EQ_INT(m.next_attempt_at, NOON + 20 * 3600);
	T_EQ_STR(m.body, "【デモ区】夜");
	T_EQ_INT(m.segments, 1);
	/* refused: a template of another channel, a bad number, too long */
	send_sms("+819011110005", "news.notice", 0, "x", NOON, &rc);
	T_EQ_INT(rc, ERR_INVALID);
	send_sms("0901111", "sms.notice", 0, "x", NOON, &rc);
	T_EQ_INT(rc, ERR_INVALID);
	char longt[3000] = "";
	for (int i = 0; i < 700; i++)
		strcat(longt, "あ");
	send_sms("+819011110006", "sms.notice", 0, longt, NOON, &rc);
	T_EQ_INT(rc, ERR_LIMIT);
	/* another municipality does not see it */
	T_EQ_INT(notify_msg_get(&m, a, s, T2, n1, &e), ERR_NOTFOUND);

	/* the claim: the emergency first, the held one not yet */
	struct notify_claimed c[10];
	int n = 0;
	T_EQ_INT(notify_msg_claim(c, &n, 10, s, NOTIFY_SMS, "tokA", NOON + 10, &e), 0);
	T_EQ_INT(n, 3);
	T_EQ_INT(c[0].id, em);
	T_EQ_INT(c[1].id, n1);
	T_EQ_INT(c[2].id, n2);
	notify_claimed_free(c, n);
	/* claimed: a second runner gets nothing */
	int n0 = 0;
	T_EQ_INT(notify_msg_claim(c, &n0, 10, s, NOTIFY_SMS, "tokB", NOON + 11, &e), 0);
	T_EQ_INT(n0, 0);
	/* outcomes: accepted, a transient failure, refused; another claim's
	 * token changes nothing */
	T_EQ_INT(notify_msg_outcome(s, em, "tokB", NOTIFY_OUT_ACCEPTED, "SMx1", NULL, NOON + 12, &e), 0);
	T_EQ_INT(notify_msg_outcome(s, em, "tokA", NOTIFY_OUT_ACCEPTED, "SMx1", NULL, NOON + 12, &e), 1);
	T_EQ_INT(notify_msg_outcome(s, n1, "tokA", NOTIFY_OUT_RETRY, NULL, "sms 503", NOON + 12, &e), 1);
	T_EQ_INT(notify_msg_outcome(s, n2, "tokA", NOTIFY_OUT_REFUSED, NULL, "sms 400 21211", NOON + 12, &e), 1);
	/* an ordinary text is kept once the provider has it */
	T_EQ_INT(notify_msg_get(&m, a, s, T1, em, &e), 0);
	T_CHECK(strstr(m.body, "避難指示") != NULL);
	/* a verification code's text is blanked once the provider has it */
	{
		struct notify_value cv[] = { { "ward", "デモ区" }, { "code", "482913" } };
		int64_t vid = 0;
		T_EQ_INT(notify_send(&vid, s, T1, &(struct notify_send){ .channel = NOTIFY_SMS,
					     .recipient = "+819011110007", .template_id = "sms.verify",
					     .vals = cv, .n = 2, .priority = 1 }, NOON + 12, &e), 0);
		struct notify_claimed vc[4];
		int vn = 0;
		T_EQ_INT(notify_msg_claim(vc, &vn, 4, s, NOTIFY_SMS, "tokV", NOON + 13, &e), 0);
		T_EQ_INT(vn, 1);
		notify_claimed_free(vc, vn);
		T_EQ_INT(notify_msg_get(&m, a, s, T1, vid, &e), 0);
		T_CHECK(strstr(m.body, "482913") != NULL);   /* kept while it is to be sent */
		T_EQ_INT(notify_msg_outcome(s, vid, "tokV", NOTIFY_OUT_ACCEPTED, "SMv1", NULL, NOON + 14, &e), 1);
		T_EQ_INT(notify_msg_get(&m, a, s, T1, vid, &e), 0);
		T_EQ_STR(m.body, "");
	}
	T_EQ_INT(notify_msg_get(&m, a, s, T1, n1, &e), 0);
	T_EQ_INT(m.state, NOTIFY_QUEUED);
	T_EQ_INT(m.attempts, 1);
	T_EQ_INT(m.next_attempt_at, NOON + 12 + NOTIFY_MSG_RETRY_BASE);
	T_EQ_STR(m.last_error, "sms 503");
	T_EQ_INT(notify_msg_get(&m, a, s, T1, n2, &e), 0);
	T_EQ_INT(m.state, NOTIFY_FAILED);
	T_EQ_STR(m.last_error, "sms 400 21211");
	/* receipts: delivered once; a replay and a late "failed" change nothing */
	int changed = 0;
	T_EQ_INT(notify_msg_receipt(&changed, s, T1, NOTIFY_SMS, "SMx1", NOTIFY_DELIVERED, NULL, NOON + 20, &e), 0);
	T_EQ_INT(changed, 1);
	T_EQ_INT(notify_msg_receipt(&changed, s, T1, NOTIFY_SMS, "SMx1", NOTIFY_DELIVERED, NULL, NOON + 21, &e), 0);
	T_EQ_INT(changed, 0);
	T_EQ_INT(notify_msg_receipt(&changed, s, T1, NOTIFY_SMS, "SMx1", NOTIFY_FAILED, "sms failed", NOON + 22, &e), 0);
	T_EQ_INT(changed, 0);
	T_EQ_INT(notify_msg_receipt(&changed, s, T2, NOTIFY_SMS, "SMx1", NOTIFY_FAILED, "x", NOON + 22, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_msg_get(&m, a, s, T1, em, &e), 0);
	T_EQ_INT(m.state, NOTIFY_DELIVERED);
	T_EQ_INT(m.done_at, NOON + 20);
	/* a transient failure on the last attempt fails the message */
	for (int i = 1; i < NOTIFY_MSG_ATTEMPTS_MAX; i++) {
		int k = 0;
		T_EQ_INT(notify_msg_claim(c, &k, 10, s, NOTIFY_SMS, "tokR", NOON + 100000 * i, &e), 0);
		T_CHECK(k >= 1);
		for (int j = 0; j < k; j++)   /* the held one (due by then) is accepted */
			T_EQ_INT(notify_msg_outcome(s, c[j].id, "tokR", c[j].id == n1 ? NOTIFY_OUT_RETRY
						    : NOTIFY_OUT_ACCEPTED, "SMheld", "sms 503", NOON + 100000 * i, &e), 1);
		notify_claimed_free(c, k);
	}
	T_EQ_INT(notify_msg_get(&m, a, s, T1, n1, &e), 0);
	T_EQ_INT(m.state, NOTIFY_FAILED);
	T_EQ_INT(m.attempts, NOTIFY_MSG_ATTEMPTS_MAX);
	/* the list with a state filter */
	T_EQ_INT(notify_msg_list(s, T1, "sms", "failed", 50, 0, NULL, NULL, &e), 2);
	T_EQ_INT(notify_msg_list(s, T1, NULL, NULL, 50, 0, NULL, NULL, &e), 5);   /* and the code's */
	arena_free(a);
}

static void test_line(void)
{
	const char *body = "{\"destination\":\"x\",\"events\":[]}";
	const char *sec = "line_secret_0123456789";
	char sig[64];
	T_EQ_INT(notify_line_signature(sig, sizeof sig, sec, strlen(sec), body, strlen(body)), 0);
	T_EQ_STR(sig, "L/kgsQ2CmSSPRFFkzfBgXN8wlIQvDtMDkkYPNWwnDrM=");   /* Node's crypto, independently */
	T_EQ_INT(notify_line_verify(sec, strlen(sec), sig, body, strlen(body)), NOTIFY_SIG_OK);
	T_EQ_INT(notify_line_verify(sec, strlen(sec), sig, body, strlen(body) - 1), NOTIFY_SIG_FORGED);
	T_EQ_INT(notify_line_verify("line_secret_0123456788", 22, sig, body, strlen(body)), NOTIFY_SIG_FORGED);
	T_EQ_INT(notify_line_verify(sec, strlen(sec), NULL, body, strlen(body)), NOTIFY_SIG_ABSENT);
	T_EQ_INT(notify_line_verify(sec, strlen(sec), "abc", body, strlen(body)), NOTIFY_SIG_MALFORMED);
	/* the retry key: a UUID, the same for the same message, another for another */
	char k1[37], k2[37], k3[37];
	notify_line_retry_key(k1, T1, 5, 100);
	notify_line_retry_key(k2, T1, 5, 100);
	notify_line_retry_key(k3, T1, 6, 100);
	T_EQ_STR(k1, k2);
	T_CHECK(strcmp(k1, k3) != 0);
	T_EQ_INT((int)strlen(k1), 36);
	T_CHECK(k1[8] == '-' && k1[14] == '4');
	/* events: ids kept, a user's text read */
	const char *wh = "{\"events\":[{\"type\":\"message\",\"webhookEventId\":\"01ABC\",\"timestamp\":5,"
			 "\"source\":{\"type\":\"user\",\"userId\":\"U4af4980629b1f1b7e5b0f6b3e1b2c3d4\"},"
			 "\"message\":{\"type\":\"text\",\"text\":\"ABCD2345\"},\"deliveryContext\":{\"isRedelivery\":true}},"
			 "{\"type\":\"follow\"}]}";
	struct notify_line_event ev[4];
	struct err e = { 0 };
	T_EQ_INT(notify_line_events_parse(ev, 4, wh, strlen(wh), &e), 1);
	T_EQ_STR(ev[0].event_id, "01ABC");
	T_EQ_STR(ev[0].text, "ABCD2345");
	T_EQ_STR(ev[0].user_id, "U4af4980629b1f1b7e5b0f6b3e1b2c3d4");
	T_EQ_INT(ev[0].redelivery, 1);
	T_EQ_INT(notify_line_events_parse(ev, 4, "[]", 2, &e), ERR_INVALID);
}

static void test_link_codes(void)
{
	struct err e = { 0 };
	const char *u1 = "U4af4980629b1f1b7e5b0f6b3e1b2c3d4", *u2 = "Ubbbb980629b1f1b7e5b0f6b3e1b2c3d4";
	char code[16], old[16], addr[64];
	int64_t acct = 0;
	T_EQ_INT(notify_link_code_new(old, s, T1, 41, NOTIFY_LINE, NULL, NOON, &e), 0);
	T_CHECK(notify_link_code_valid(NOTIFY_LINE, old));
	T_EQ_INT(notify_link_code_new(code, s, T1, 41, NOTIFY_LINE, NULL, NOON, &e), 0);
	/* a new code ends the older one */
	T_EQ_INT(notify_line_link(&acct, s, T1, old, u1, NOON + 1, &e), ERR_NOTFOUND);
	/* another municipality's webhook does not know it */
	T_EQ_INT(notify_line_link(&acct, s, T2, code, u1, NOON + 1, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_line_link(&acct, s, T1, code, u1, NOON + 2, &e), 0);
	T_EQ_INT(acct, 41);
	T_EQ_INT(notify_contact_get(addr, sizeof addr, s, T1, 41, NOTIFY_LINE, &e), 0);
	T_EQ_STR(addr, u1);
	/* single use */
	T_EQ_INT(notify_line_link(&acct, s, T1, code, u2, NOON + 3, &e), ERR_NOTFOUND);
	/* expired */
	T_EQ_INT(notify_link_code_new(code, s, T1, 42, NOTIFY_LINE, NULL, NOON, &e), 0);
	T_EQ_INT(notify_line_link(&acct, s, T1, code, u2, NOON + NOTIFY_LINK_TTL, &e), ERR_NOTFOUND);
	/* the same LINE id linked by another account moves there */
	T_EQ_INT(notify_link_code_new(code, s, T1, 42, NOTIFY_LINE, NULL, NOON, &e), 0);
	T_EQ_INT(notify_line_link(&acct, s, T1, code, u1, NOON + 5, &e), 0);
	T_EQ_INT(notify_contact_get(addr, sizeof addr, s, T1, 41, NOTIFY_LINE, &e), 0);
	T_EQ_STR(addr, "");
	T_EQ_INT(notify_line_unfollow(s, T1, u1, &e), 1);
	T_EQ_INT(notify_contact_get(addr, sizeof addr, s, T1, 42, NOTIFY_LINE, &e), 0);
	T_EQ_STR(addr, "");
	/* SMS: the code typed back; wrong guesses counted, the fifth spends it */
	T_EQ_INT(notify_link_code_new(code, s, T1, 43, NOTIFY_SMS, "+819012340000", NOON, &e), 0);
	T_CHECK(notify_link_code_valid(NOTIFY_SMS, code));
	char wrong[8];
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	for (int i = 0; i < NOTIFY_LINK_TRIES; i++)
		T_EQ_INT(notify_sms_verify_code(s, T1, 43, wrong, NOON + 1, &e), ERR_DENIED);
	T_EQ_INT(notify_sms_verify_code(s, T1, 43, code, NOON + 1, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_link_code_new(code, s, T1, 43, NOTIFY_SMS, "+819012340000", NOON, &e), 0);
	T_EQ_INT(notify_sms_verify_code(s, T1, 43, code, NOON + 2, &e), 0);
	T_EQ_INT(notify_contact_get(addr, sizeof addr, s, T1, 43, NOTIFY_SMS, &e), 0);
	T_EQ_STR(addr, "+819012340000");
	/* how many codes an account had sent lately (the page's limit) */
	T_EQ_INT(notify_link_codes_recent(s, T1, 43, NOTIFY_SMS, NOON - 3600, &e), 2);
	T_EQ_INT(notify_link_codes_recent(s, T1, 43, NOTIFY_SMS, NOON + 1, &e), 0);
	/* events: a replay is seen */
	T_EQ_INT(notify_line_event_seen(s, T1, "01XYZ", NOON, &e), 0);
	T_EQ_INT(notify_line_event_seen(s, T1, "01XYZ", NOON, &e), 1);
	T_EQ_INT(notify_line_event_seen(s, T2, "01XYZ", NOON, &e), 0);
}

int main(void)
{
	tdb_begin(&db, "notify_channels");
	struct err e;
	if (store_open(&s, db.url, &e) != 0 || app_migrate(s, NULL, &e) != 0) {
		printf("# database: %s\n", e.detail);
		return 1;
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	if (tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("# tenant: %s\n", e.detail);
		return 1;
	}
	T_RUN(test_lengths);
	T_RUN(test_recipients);
	T_RUN(test_backoff_states);
	T_RUN(test_signature);
	T_RUN(test_queue_claim);
	T_RUN(test_line);
	T_RUN(test_link_codes);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
