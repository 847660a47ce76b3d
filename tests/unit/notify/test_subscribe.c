/*
 * test_subscribe.c -- subscriptions, the unsubscribe token, quiet hours,
 * the fan-out and the outbox's emergency lane (src/svc/notify/subscribe.c,
 * src/core/mail) on both backends (MADOGUCHI_TEST_DB):
 *   - topics: the four kinds accepted, anything else refused;
 *   - subscribe twice keeps one row (address refreshed), unsubscribe by
 *     topic and by token (a token of another municipality, a malformed
 *     or spent token: not found);
 *   - quiet hours with fixed clocks: 20:59 JST sends, 21:00 and 07:59
 *     hold until 08:00 JST (the same or the next day), 08:00 sends;
 *   - fan-out: one message per subscriber of the topic and none to
 *     others, each in the subscriber's language with its own unsubscribe
 *     link in the body and in unsubscribe_url; outside quiet hours due at
 *     once, inside held (status "held"), an emergency never held;
 *   - the emergency lane: with a newsletter queued first, the first
 *     message mail_send_due claims is the emergency;
 *   - composition: List-Unsubscribe and List-Unsubscribe-Post headers,
 *     a link with a space or angle bracket refused.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/mail/mail.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"

static struct tdb db;
static struct store *s;

#define T1 "139998"
#define T2 "131059"
/* 2026-12-07 12:00 JST = 03:00 UTC */
#define NOON 1796612400
#define BASE "https://demo.example.jp"

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
}

static void test_topics(void)
{
	T_CHECK(notify_topic_valid("news"));
	T_CHECK(notify_topic_valid("news.events"));
	T_CHECK(notify_topic_valid("waste.reminder"));
	T_CHECK(notify_topic_valid("apply.state"));
	T_CHECK(notify_topic_valid("disaster.chuo_1"));
	T_CHECK(!notify_topic_valid("disaster."));
	T_CHECK(!notify_topic_valid("disaster.a.b"));
	T_CHECK(!notify_topic_valid("waste"));
	T_CHECK(!notify_topic_valid("News"));
	T_CHECK(!notify_topic_valid("anything.else"));
	T_CHECK(!notify_topic_valid(NULL));
}

static void test_quiet(void)
{
	int64_t day_start = NOON - 12 * 3600;             /* 00:00 JST */
	int64_t eight = day_start + 8 * 3600, next_eight = eight + 86400;
	T_EQ_INT(notify_quiet_until(NOON), 0);
	T_EQ_INT(notify_quiet_until(day_start + 20 * 3600 + 59 * 60), 0);
	T_EQ_INT(notify_quiet_until(day_start + 21 * 3600), next_eight);
	T_EQ_INT(notify_quiet_until(day_start + 23 * 3600 + 59 * 60), next_eight);
	T_EQ_INT(notify_quiet_until(day_start), eight);
	T_EQ_INT(notify_quiet_until(day_start + 7 * 3600 + 59 * 60), eight);
	T_EQ_INT(notify_quiet_until(eight), 0);
}

static char tok_of_1[NOTIFY_TOKEN_HEX + 1];

static int body_of(const struct mail_info *m, void *arg)
{
	char **out = arg;
	out[0] = strdup(m->to);
	out[1] = strdup(m->body);
	out[2] = strdup(m->subject);
	return 0;
}

struct count_ctx {
	int n, held, emergency, links_ok;
	int64_t now;
};

static int count_cb(const struct mail_info *m, void *arg)
{
	struct count_ctx *c = arg;
	c->n++;
	c->held += strcmp(mail_status(m, c->now), "held") == 0;
	c->emergency += m->priority == MAIL_PRIORITY_EMERGENCY;
	return 0;
}

static void test_subscribe(void)
{
	struct err e;
	T_EQ_INT(notify_install_defaults(s, T1, NOON, &e) > 0, 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 1, "news", "a@example.jp", "ja" }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 1, "news", "a2@example.jp", "en" }, NOON, &e), 0);
	T_EQ_INT(notify_topic_count(s, T1, "news", &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 2, "news", "b@example.jp", "ja-easy" }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "waste.reminder", "c@example.jp", NULL }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "bogus", "c@example.jp", NULL }, NOON, &e), ERR_INVALID);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "news", "not an address", NULL }, NOON, &e), ERR_INVALID);
	T_EQ_INT(notify_topic_count(s, T1, "news", &e), 2);

	/* fan-out at noon: two messages, due now, each its own link */
	const struct notify_value v[] = { { "ward", "デモ区" }, { "title", "お知らせ" }, { "text", "本文です" } };
	int64_t q = 0;
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "news", "news.notice", v, 3, 0, BASE }, NOON, &e), 0);
	T_EQ_INT(q, 2);
	struct count_ctx c = { .now = NOON };
	T_EQ_INT(mail_list(s, &(struct mail_filter){ .tenant = T1 }, count_cb, &c, &e), 2);
	T_EQ_INT(c.held, 0);
	/* the English subscriber's message: English text, its token's link */
	char *got[3] = { 0 };
	mail_list(s, &(struct mail_filter){ .tenant = T1, .limit = 1, .offset = 1, .with_body = 1 }, body_of, got, &e);
	T_EQ_STR(got[0], "a2@example.jp");
	T_CHECK(got[1] && strstr(got[1], "Unsubscribe: " BASE "/unsubscribe/"));
	T_CHECK(got[2] && strcmp(got[2], "[デモ区] お知らせ") == 0);
	const char *link = got[1] ? strstr(got[1], "/unsubscribe/") : NULL;
	T_REQUIRE(link);
	snprintf(tok_of_1, sizeof tok_of_1, "%.64s", link + 13);
	T_CHECK(notify_token_valid(tok_of_1));
	for (int i = 0; i < 3; i++)
		free(got[i]);

	/* the token: found in T1, not in T2; unsubscribes once */
	struct notify_sub sub;
	char topic[NOTIFY_TOPIC_MAX + 1];
	T_EQ_INT(notify_token_find(&sub, topic, s, T1, tok_of_1, &e), 0);
	T_EQ_INT(sub.account, 1);
	T_EQ_STR(topic, "news");
	T_EQ_INT(notify_token_find(&sub, topic, s, T2, tok_of_1, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_unsubscribe_token(s, T2, tok_of_1, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_unsubscribe_token(s, T1, "zz", &e), ERR_NOTFOUND);
	T_EQ_INT(notify_unsubscribe_token(s, T1, tok_of_1, &e), 0);
	T_EQ_INT(notify_unsubscribe_token(s, T1, tok_of_1, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_topic_count(s, T1, "news", &e), 1);

	/* at 22:00 JST: held until 08:00; an emergency is not */
	int64_t late = NOON + 10 * 3600;
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "news", "news.notice", v, 3, 0, BASE }, late, &e), 0);
	T_EQ_INT(q, 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "disaster.chuo", "c@example.jp", NULL }, NOON, &e), 1);
	const struct notify_value d[] = { { "ward", "デモ区" }, { "area", "chuo" }, { "title", "避難指示" },
					  { "text", "すぐに避難" } };
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "disaster.chuo", "disaster.alert", d, 4,
								     MAIL_PRIORITY_EMERGENCY, BASE }, late, &e), 0);
	T_EQ_INT(q, 1);
	c = (struct count_ctx){ .now = late };
	mail_list(s, &(struct mail_filter){ .tenant = T1 }, count_cb, &c, &e);
	T_EQ_INT(c.n, 4);
	T_EQ_INT(c.held, 1);
	T_EQ_INT(c.emergency, 1);
	/* a template without ((unsubscribe_url)) cannot be fanned out */
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "news", "apply.received", NULL, 0, 0, BASE }, NOON, &e),
		 ERR_INVALID);
	/* unsubscribe by topic */
	T_EQ_INT(notify_unsubscribe(s, T1, 3, "waste.reminder", &e), 1);
	T_EQ_INT(notify_subscriptions(s, T1, 3, NULL, NULL, &e), 1);
}

static int64_t first_id;
static void first_cb(const struct mail_result *r, void *arg)
{
	(void)arg;
	if (!first_id)
		first_id = r->id;
}

static void test_lane(void)
{
	struct err e;
	int64_t id, emergency = 0;
	store_exec(s, "DELETE FROM mail_outbox", NULL, 0, &e);
	for (int i = 0; i < 5; i++)
		T_EQ_INT(mail_enqueue_id(&id, s, &(struct mail_new){ .tenant = T1, .to = "n@example.jp", .subject = "newsletter", .body = "x" }, NOON, &e), 0);
	T_EQ_INT(mail_enqueue_id(&emergency, s, &(struct mail_new){ T1, "n@example.jp", "alert", "y",
								   MAIL_PRIORITY_EMERGENCY, 0, BASE "/u/1" },
				 NOON + 1, &e), 0);
	T_EQ_INT(mail_enqueue_id(&id, s, &(struct mail_new){ T1, "n@example.jp", "bad", "y", 2, 0, NULL }, NOON, &e),
		 ERR_INVALID);
	T_EQ_INT(mail_enqueue_id(&id, s, &(struct mail_new){ T1, "n@example.jp", "bad", "y", 0, 0, "https://x/ y" },
				 NOON, &e), ERR_INVALID);
	struct mail_sender *m;
	struct mail_config cfg = { .smtp_url = "smtp://127.0.0.1:1", .from = "noreply@demo-ku.example.jp",
				   .tls = MAIL_TLS_NONE, .batch = 1, .connect_timeout_secs = 1 };
	T_REQUIRE(mail_sender_new(&m, &cfg, &e) == 0);
	struct mail_send_stats st;
	T_EQ_INT(mail_send_due(&st, m, s, NOON + 5, first_cb, NULL, &e), 0);
	T_EQ_INT(st.claimed, 1);
	T_EQ_INT(first_id, emergency);
	mail_sender_free(m);
	/* a held message is not delivered to the development mailbox early
	 * (the five newsletters and the emergency, retried, are) */
	T_EQ_INT(mail_enqueue_id(&id, s, &(struct mail_new){ T1, "n@example.jp", "later", "z", 0, NOON + 3600, NULL },
				 NOON, &e), 0);
	T_EQ_INT(mail_devbox_deliver(s, NOON + 10, &e), 6);
	T_EQ_INT(mail_devbox_deliver(s, NOON + 3600, &e), 1);
}

static void test_headers(void)
{
	struct err e;
	char *out = NULL;
	size_t len;
	struct mail_msg msg = { .from = "noreply@demo.example.jp", .to = "a@example.jp", .subject = "hi",
				.body = "x", .date = NOON, .unsubscribe = BASE "/unsubscribe/abc" };
	T_EQ_INT(mail_compose(&out, &len, &msg, &e), 0);
	T_CHECK(out && strstr(out, "\r\nList-Unsubscribe: <" BASE "/unsubscribe/abc>\r\n"));
	T_CHECK(out && strstr(out, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	free(out);
	out = NULL;
	msg.unsubscribe = BASE "/u>\r\nBcc: x@example.jp";
	T_EQ_INT(mail_compose(&out, &len, &msg, &e), ERR_INVALID);
	T_CHECK(!mail_link_valid("javascript:alert(1)"));
	T_CHECK(mail_link_valid(BASE "/unsubscribe/0a"));
}

int main(void)
{
	tdb_begin(&db, "notify_sub");
	setup();
	T_RUN(test_topics);
	T_RUN(test_quiet);
	T_RUN(test_subscribe);
	T_RUN(test_lane);
	T_RUN(test_headers);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
