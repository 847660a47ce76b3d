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
 *     a link with a space or angle bracket refused;
 *   - SMS and LINE: a subscription needs the verified contact; the
 *     fan-out queues one message per channel subscriber, in their
 *     language, with their own unsubscribe link (which ends that channel
 *     only), counted per channel, held in quiet hours, the emergency lane;
 *     a contact removed gets nothing; an SMS too long with its link is
 *     refused and nothing is queued on any channel;
 *   - bounces: an address that hard-bounced after the resident saved it
 *     gets no more mail until they save it again.
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
	/* T1's area of disaster alerts the tests subscribe to (test_areas
	 * tests the areas themselves) */
	if (notify_area_put(s, T1, &(struct notify_area){ .code = "chuo", .name_ja = "中央地区" }, &e) != 1) {
		printf("# area: %s\n", e.detail);
		exit(1);
	}
}

static void test_topics(void)
{
	T_CHECK(notify_topic_valid("news"));
	T_CHECK(notify_topic_valid("news.bunka"));
	T_CHECK(!notify_topic_valid("news.events"));   /* not one of notify_categories */
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
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 1, "news", "a@example.jp", "ja", NOTIFY_EMAIL }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 1, "news", "a2@example.jp", "en", NOTIFY_EMAIL }, NOON, &e), 0);
	T_EQ_INT(notify_topic_count(s, T1, "news", &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 2, "news", "b@example.jp", "ja-easy", NOTIFY_EMAIL }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "waste.reminder", "c@example.jp", NULL, NOTIFY_EMAIL }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "bogus", "c@example.jp", NULL, NOTIFY_EMAIL }, NOON, &e), ERR_INVALID);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "news", "not an address", NULL, NOTIFY_EMAIL }, NOON, &e), ERR_INVALID);
	T_EQ_INT(notify_topic_count(s, T1, "news", &e), 2);

	/* fan-out at noon: two messages, due now, each its own link */
	const struct notify_value v[] = { { "ward", "デモ区" }, { "title", "お知らせ" }, { "text", "本文です" } };
	int64_t q = 0;
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "news", "news.notice", v, 3, 0, BASE, NULL, NULL, NULL, 0, NULL }, NOON, &e), 0);
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
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "news", "news.notice", v, 3, 0, BASE, NULL, NULL, NULL, 0, NULL }, late, &e), 0);
	T_EQ_INT(q, 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 3, "disaster.chuo", "c@example.jp", NULL, NOTIFY_EMAIL }, NOON, &e), 1);
	const struct notify_value d[] = { { "ward", "デモ区" }, { "area", "chuo" }, { "title", "避難指示" },
					  { "text", "すぐに避難" } };
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "disaster.chuo", "disaster.alert", d, 4,
								     MAIL_PRIORITY_EMERGENCY, BASE, NULL, NULL, NULL, 0, NULL }, late, &e), 0);
	T_EQ_INT(q, 1);
	c = (struct count_ctx){ .now = late };
	mail_list(s, &(struct mail_filter){ .tenant = T1 }, count_cb, &c, &e);
	T_EQ_INT(c.n, 4);
	T_EQ_INT(c.held, 1);
	T_EQ_INT(c.emergency, 1);
	/* a template without ((unsubscribe_url)) cannot be fanned out */
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ "news", "apply.received", NULL, 0, 0, BASE, NULL, NULL, NULL, 0, NULL }, NOON, &e),
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

static int64_t q_int(const char *sql)
{
	int64_t n = -1;
	struct err e;
	if (store_query_int(&n, s, sql, NULL, 0, &e))
		printf("# %s: %s\n", sql, e.detail);
	return n;
}

static char *q_text(const char *sql)
{
	char *t = NULL;
	struct err e;
	if (store_query_text(&t, s, sql, NULL, 0, &e))
		printf("# %s: %s\n", sql, e.detail);
	return t;
}

static void test_channels(void)
{
	struct err e;
	store_exec(s, "DELETE FROM mail_outbox", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_subscriptions", NULL, 0, &e);
	/* no verified number: refused */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 40, .topic = "news",
							     .lang = "en", .channel = NOTIFY_SMS }, NOON, &e), ERR_DENIED);
	T_EQ_INT(store_exec(s, "INSERT INTO notify_contacts (tenant, account, channel, address, verified_at) VALUES"
			    " ('139998', 40, 'sms', '+819012345678', 1), ('139998', 41, 'line', 'U0123456789abcdef0123456789abcdef', 1),"
			    " ('139998', 42, 'sms', '+819011112222', 1)", NULL, 0, &e), 3);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 40, .topic = "news",
							     .lang = "en", .channel = NOTIFY_SMS }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 40, .topic = "news",
							     .lang = "ja", .channel = NOTIFY_SMS }, NOON, &e), 0);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 41, .topic = "news",
							     .lang = "ja-easy", .channel = NOTIFY_LINE }, NOON, &e), 1);
	/* a LINE subscription wants LINE linked, not a number */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 40, .topic = "news",
							     .channel = NOTIFY_LINE }, NOON, &e), ERR_DENIED);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 42, .topic = "disaster.chuo",
							     .channel = NOTIFY_SMS }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 43, .topic = "news",
							     .address = "d@example.jp", .channel = NOTIFY_EMAIL }, NOON, &e), 1);
	/* another municipality's contact does not count */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T2, .account = 40, .topic = "news",
							     .channel = NOTIFY_SMS }, NOON, &e), ERR_DENIED);
	int64_t n[3];
	T_EQ_INT(notify_topic_counts(n, s, T1, "news", NULL, &e), 0);
	T_EQ_INT(n[NOTIFY_EMAIL], 1);
	T_EQ_INT(n[NOTIFY_SMS], 1);
	T_EQ_INT(n[NOTIFY_LINE], 1);

	const struct notify_value v[] = { { "ward", "デモ区" }, { "title", "お知らせ" }, { "text", "本文です" } };
	int64_t q = 0, by[3];
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news", .vals = v, .n = 3,
								     .link_base = BASE, .per_channel = by }, NOON, &e), 0);
	T_EQ_INT(q, 3);
	T_EQ_INT(by[NOTIFY_EMAIL], 1);
	T_EQ_INT(by[NOTIFY_SMS], 1);
	T_EQ_INT(by[NOTIFY_LINE], 1);
	/* the SMS: Japanese (the last save's language), the title and its link */
	char *body = q_text("SELECT body FROM notify_messages WHERE channel = 'sms' AND recipient = '+819012345678'");
	T_REQUIRE(body);
	T_CHECK(strncmp(body, "【デモ区】お知らせ\n停止: " BASE "/unsubscribe/", strlen("【デモ区】お知らせ\n停止: " BASE "/unsubscribe/")) == 0);
	T_CHECK(!strstr(body, "本文です"));   /* the SMS template has no text field */
	char sms_tok[NOTIFY_TOKEN_HEX + 1];
	snprintf(sms_tok, sizeof sms_tok, "%s", strstr(body, "/unsubscribe/") + 13);
	T_CHECK(notify_token_valid(sms_tok));
	free(body);
	/* 115 UCS-2 units with the link: two segments of 67 */
	T_EQ_INT(q_int("SELECT segments FROM notify_messages WHERE channel = 'sms'"), 2);
	T_EQ_INT(q_int("SELECT next_attempt_at FROM notify_messages WHERE channel = 'sms'"), NOON);
	T_EQ_INT(q_int("SELECT priority FROM notify_messages WHERE channel = 'sms'"), 0);
	/* LINE: やさしい日本語 with the whole text */
	body = q_text("SELECT body FROM notify_messages WHERE channel = 'line'");
	T_REQUIRE(body);
	T_CHECK(strstr(body, "本文です") && strstr(body, "とめる: " BASE "/unsubscribe/"));
	char *to = q_text("SELECT recipient FROM notify_messages WHERE channel = 'line'");
	T_EQ_STR(to, "U0123456789abcdef0123456789abcdef");
	free(to);
	free(body);
	/* a delivery job is queued for them */
	T_CHECK(q_int("SELECT COUNT(*) FROM jobs WHERE kind = 'notify.deliver' AND status = 'queued'") >= 1);

	/* the SMS link ends the SMS subscription only */
	struct notify_sub sub;
	char topic[NOTIFY_TOPIC_MAX + 1];
	T_EQ_INT(notify_token_find(&sub, topic, s, T1, sms_tok, &e), 0);
	T_EQ_STR(sub.channel, "sms");
	T_EQ_INT(sub.account, 40);
	T_EQ_INT(notify_token_find(&sub, topic, s, T2, sms_tok, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_unsubscribe_token(s, T1, sms_tok, &e), 0);
	T_EQ_INT(notify_unsubscribe_token(s, T1, sms_tok, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_topic_count(s, T1, "news", &e), 2);

	/* a server without SMS: nothing queued on it (42 takes chuo's alerts
	 * by SMS) */
	const struct notify_value a0[] = { { "ward", "デモ区" }, { "area", "chuo" }, { "title", "訓練" },
					   { "text", "訓練です" } };
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "disaster.chuo", .vals = a0, .n = 4,
								     .link_base = BASE, .per_channel = by,
								     .off = 1u << NOTIFY_SMS }, NOON, &e), 0);
	T_EQ_INT(by[NOTIFY_SMS], 0);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM notify_messages WHERE recipient = '+819011112222'"), 0);
	/* LINE unlinked: nothing queued to it, the subscription waits */
	T_EQ_INT(notify_contact_remove(s, T1, 41, NOTIFY_LINE, &e), 1);
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news", .vals = v, .n = 3,
								     .link_base = BASE, .per_channel = by }, NOON, &e), 0);
	T_EQ_INT(by[NOTIFY_LINE], 0);
	T_EQ_INT(by[NOTIFY_EMAIL], 1);

	/* an alert at 22:00 JST: the emergency lane, not held; a normal one held */
	int64_t late = NOON + 10 * 3600;
	const struct notify_value d[] = { { "ward", "デモ区" }, { "area", "chuo" }, { "title", "避難指示" },
					  { "text", "すぐに避難" } };
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "disaster.chuo", .vals = d, .n = 4,
								     .priority = MAIL_PRIORITY_EMERGENCY,
								     .link_base = BASE, .per_channel = by }, late, &e), 0);
	T_EQ_INT(by[NOTIFY_SMS], 1);
	T_EQ_INT(q_int("SELECT priority FROM notify_messages WHERE recipient = '+819011112222'"), 1);
	T_EQ_INT(q_int("SELECT next_attempt_at FROM notify_messages WHERE recipient = '+819011112222'"), late);
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "disaster.chuo", .vals = d, .n = 4,
								     .link_base = BASE, .per_channel = by }, late, &e), 0);
	T_EQ_INT(q_int("SELECT MAX(next_attempt_at) FROM notify_messages WHERE recipient = '+819011112222'"),
		 notify_quiet_until(late));
	/* staff lengthen the SMS text past 10 segments with its link: the
	 * fan-out is refused, and nothing queued on any channel */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 43, .topic = "disaster.chuo",
							     .address = "d@example.jp" }, NOON, &e), 1);
	int64_t before = q_int("SELECT (SELECT COUNT(*) FROM notify_messages) + (SELECT COUNT(*) FROM mail_outbox)");
	static char longer[NOTIFY_BODY_MAX];
	snprintf(longer, sizeof longer, "((title))");
	for (int i = 0; i < 600; i++)
		strcat(longer, "あ");
	strcat(longer, "((unsubscribe_url))");
	struct notify_template t = { .slug = "sms.topic_alert", .channel = NOTIFY_SMS,
				     .fields = "ward area title unsubscribe_url", .author = "test", .note = "" };
	t.text[NOTIFY_JA] = (struct notify_text){ "SMS", longer };
	int ver = 0;
	struct notify_problem pr;
	T_EQ_INT(notify_save(&ver, s, T1, &t, 1, NOON, &pr, &e), 0);
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "disaster.chuo", .vals = d, .n = 4,
								     .link_base = BASE }, NOON, &e), ERR_LIMIT);
	T_EQ_INT(q, 0);
	/* the staff's preview judges it by the same rule */
	struct arena *ar = arena_new(1u << 16);
	struct notify_message pm[3];
	T_EQ_INT(notify_fanout_render(pm, ar, s, T1, &(struct notify_fanout){ .topic = "disaster.chuo", .vals = d,
										 .n = 4, .link_base = BASE }, "ja", &e),
		 ERR_LIMIT);
	/* news: each channel's text, the sample link once in each body */
	T_EQ_INT(notify_fanout_render(pm, ar, s, T1, &(struct notify_fanout){ .topic = "news", .vals = v, .n = 3,
										 .link_base = BASE }, "en", &e), 0);
	T_EQ_STR(pm[NOTIFY_SMS].body, "[デモ区] お知らせ\nStop: " BASE "/unsubscribe/"
		 "0000000000000000000000000000000000000000000000000000000000000000");
	T_CHECK(strstr(pm[NOTIFY_LINE].body, "本文です") != NULL);
	T_CHECK(strstr(pm[NOTIFY_EMAIL].body, "Unsubscribe: " BASE "/unsubscribe/0000") != NULL);
	arena_free(ar);
	T_EQ_INT(q_int("SELECT (SELECT COUNT(*) FROM notify_messages) + (SELECT COUNT(*) FROM mail_outbox)"), before);
	/* a topic nobody takes by SMS needs no SMS template */
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news.bunka", .vals = v, .n = 3,
								     .link_base = BASE }, NOON, &e), 0);
	T_EQ_INT(q, 0);
	const char *ids[3];
	T_EQ_INT(notify_topic_templates(ids, "apply.state", &e), ERR_INVALID);
	T_EQ_INT(notify_topic_templates(ids, "news.bunka", &e), 0);
	T_EQ_STR(ids[NOTIFY_SMS], "sms.topic");
}

/* a resident's own message by the channels they chose for its topic */
static void test_own(void)
{
	struct err e;
	store_exec(s, "DELETE FROM notify_messages", NULL, 0, &e);
	char lang[8];
	/* account 40 has a verified number (test_channels); nothing chosen yet */
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 40, "apply.state", &e), 0);
	T_EQ_STR(lang, "ja");
	const struct notify_value v[] = { { "ward", "Demo Ward" }, { "receipt", "R-2026-000777" },
					  { "state", "Approved" }, { "url", BASE "/submissions/R-2026-000777" } };
	int sent = -1;
	T_EQ_INT(notify_account_channels(&sent, s, T1, 40, "apply.state", "sms.apply_state", "line.apply_state",
					 v, 4, BASE, 0, NOON, &e), 0);
	T_EQ_INT(sent, 0);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 40, .topic = "apply.state",
							     .lang = "en", .channel = NOTIFY_SMS }, NOON, &e), 1);
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 40, "apply.state", &e), 2);
	T_EQ_STR(lang, "en");
	T_EQ_INT(notify_account_channels(&sent, s, T1, 40, "apply.state", "sms.apply_state", "line.apply_state",
					 v, 4, BASE, 0, NOON, &e), 0);
	T_EQ_INT(sent, 1);
	/* English, the values the SMS template has (no url field used), and
	 * the subscription's own one-click link, which ends it alone */
	char *body = q_text("SELECT body FROM notify_messages WHERE recipient = '+819012345678'");
	T_REQUIRE(body);
	const char *want = "[Demo Ward] Your application R-2026-000777 is now: Approved\nStop: " BASE "/unsubscribe/";
	T_CHECK(strncmp(body, want, strlen(want)) == 0);
	char tok[NOTIFY_TOKEN_HEX + 1];
	snprintf(tok, sizeof tok, "%s", body + strlen(want));
	free(body);
	T_CHECK(notify_token_valid(tok));
	struct notify_sub sub;
	char topic[NOTIFY_TOPIC_MAX + 1];
	T_EQ_INT(notify_token_find(&sub, topic, s, T1, tok, &e), 0);
	T_EQ_STR(topic, "apply.state");
	T_EQ_STR(sub.channel, "sms");
	T_EQ_INT(sub.account, 40);
	/* no e-mail subscription: no e-mail link */
	char link[MAIL_LINK_MAX + 1];
	T_EQ_INT(notify_own_unsubscribe(link, sizeof link, s, T1, 40, "apply.state", BASE, &e), ERR_NOTFOUND);
	char *tpl = q_text("SELECT template FROM notify_messages WHERE recipient = '+819012345678'");
	T_EQ_STR(tpl, "sms.apply_state");
	free(tpl);
	/* by e-mail as well: the e-mail's language wins */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 40, .topic = "apply.state",
							     .address = "f@example.jp", .lang = "ja-easy" }, NOON, &e), 1);
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 40, "apply.state", &e), 1);
	T_EQ_STR(lang, "ja-easy");
	T_EQ_INT(notify_own_unsubscribe(link, sizeof link, s, T1, 40, "apply.state", BASE, &e), 0);
	T_CHECK(strncmp(link, BASE "/unsubscribe/", strlen(BASE "/unsubscribe/")) == 0);
	T_EQ_INT(notify_token_find(&sub, topic, s, T1, link + strlen(BASE "/unsubscribe/"), &e), 0);
	T_EQ_STR(sub.channel, "email");
	T_EQ_INT(notify_own_unsubscribe(link, 20, s, T1, 40, "apply.state", BASE, &e), ERR_LIMIT);
	/* an e-mail of a resident's own topic with its link: in the shipped
	 * text and in List-Unsubscribe; a relative path stays in the text only */
	T_EQ_INT(notify_own_unsubscribe(link, sizeof link, s, T1, 40, "apply.state", BASE, &e), 0);
	const struct notify_value w[] = { { "date", "2026年12月8日（火）" }, { "date_iso", "2026-12-08" },
					  { "place", "玄関前" }, { "number", "1000000008" }, { "items", "椅子 × 1" },
					  { "fee", "" }, { "url", BASE "/mypage/waste/1000000008" },
					  { NOTIFY_UNSUBSCRIBE_URL, link } };
	store_exec(s, "DELETE FROM mail_outbox", NULL, 0, &e);
	int64_t mid;
	T_EQ_INT(notify_email(s, T1, "waste.reminder", "ja", "f@example.jp", w, 8, &mid, &e), 0);
	char *mb = q_text("SELECT body FROM mail_outbox");
	T_REQUIRE(mb);
	T_CHECK(strstr(mb, "このお知らせの停止: ") && strstr(mb, link));
	free(mb);
	char *lu = q_text("SELECT unsubscribe_url FROM mail_outbox");
	T_EQ_STR(lu, link);
	free(lu);
	struct notify_value rel[8];
	memcpy(rel, w, sizeof rel);
	rel[7].value = "/mypage/notifications";
	T_EQ_INT(notify_email(s, T1, "waste.reminder", "en", "f@example.jp", rel, 8, &mid, &e), 0);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM mail_outbox WHERE unsubscribe_url IS NULL AND body LIKE '%Stop these reminders: /mypage/notifications%'"), 1);
	/* a page to choose on is not a one-click link: text only, no header */
	rel[7].value = BASE "/mypage/notifications";
	T_EQ_INT(notify_email(s, T1, "waste.reminder", "en", "g@example.jp", rel, 8, &mid, &e), 0);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'g@example.jp' AND unsubscribe_url IS NULL"), 1);
	/* another account of the same ward gets nothing from it */
	T_EQ_INT(notify_account_channels(&sent, s, T1, 41, "apply.state", "sms.apply_state", "line.apply_state",
					 v, 4, BASE, 0, NOON, &e), 0);
	T_EQ_INT(sent, 0);
}

static void test_bounced(void)
{
	struct err e;
	store_exec(s, "DELETE FROM mail_outbox", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_subscriptions", NULL, 0, &e);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 50, .topic = "news.bunka",
							     .address = "gone@example.jp" }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 51, .topic = "news.bunka",
							     .address = "here@example.jp" }, NOON, &e), 1);
	const struct notify_value v[] = { { "ward", "デモ区" }, { "title", "お知らせ" }, { "text", "本文" } };
	int64_t q = 0;
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news.bunka", .vals = v, .n = 3,
								     .link_base = BASE }, NOON, &e), 0);
	T_EQ_INT(q, 2);
	/* the mail to gone@ hard-bounced an hour later (a 4.x.x would not count) */
	T_EQ_INT(store_exec(s, "UPDATE mail_outbox SET state = 'sent', bounced_at = 1796616000,"
			    " bounce_status = '5.1.1' WHERE recipient = 'gone@example.jp'", NULL, 0, &e), 1);
	int64_t n[3];
	T_EQ_INT(notify_topic_counts(n, s, T1, "news.bunka", NULL, &e), 0);
	T_EQ_INT(n[NOTIFY_EMAIL], 1);   /* the check page counts as the fan-out sends */
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news.bunka", .vals = v, .n = 3,
								     .link_base = BASE }, NOON + 7200, &e), 0);
	T_EQ_INT(q, 1);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'gone@example.jp'"), 1);
	/* the resident saves the address again on My page: mail resumes */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 50, .topic = "news.bunka",
							     .address = "gone@example.jp" }, NOON + 9000, &e), 0);
	T_EQ_INT(notify_topic_counts(n, s, T1, "news.bunka", NULL, &e), 0);
	T_EQ_INT(n[NOTIFY_EMAIL], 2);
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news.bunka", .vals = v, .n = 3,
								     .link_base = BASE }, NOON + 9600, &e), 0);
	T_EQ_INT(q, 2);
}

/* a notice of a category goes to the category's subscribers and to those
 * of all news, each account once per channel, by the category's link */
static void test_also(void)
{
	struct err e;
	store_exec(s, "DELETE FROM mail_outbox", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_messages", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_subscriptions", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_channel_subs", NULL, 0, &e);
	/* 60 both by e-mail; 61 the category only; 62 all news only; 63 none;
	 * 64 all news by e-mail and the category by SMS; 65 both by SMS */
	const struct { int64_t acc; const char *topic, *addr; enum notify_channel ch; } subs[] = {
		{ 60, "news", "both@example.jp", NOTIFY_EMAIL }, { 60, "news.kurashi", "both@example.jp", NOTIFY_EMAIL },
		{ 61, "news.kurashi", "cat@example.jp", NOTIFY_EMAIL }, { 62, "news", "all@example.jp", NOTIFY_EMAIL },
		{ 63, "news.bunka", "other@example.jp", NOTIFY_EMAIL }, { 64, "news", "mix@example.jp", NOTIFY_EMAIL },
		{ 64, "news.kurashi", NULL, NOTIFY_SMS }, { 65, "news", NULL, NOTIFY_SMS },
		{ 65, "news.kurashi", NULL, NOTIFY_SMS },
	};
	T_EQ_INT(store_exec(s, "INSERT INTO notify_contacts (tenant, account, channel, address, verified_at) VALUES"
			    " ('139998', 64, 'sms', '+819033334444', 1), ('139998', 65, 'sms', '+819055556666', 1)",
			    NULL, 0, &e), 2);
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = subs[i].acc,
								     .topic = subs[i].topic, .address = subs[i].addr,
								     .channel = subs[i].ch }, NOON, &e), 1);
	int64_t n[3];
	T_EQ_INT(notify_topic_counts(n, s, T1, "news.kurashi", "news", &e), 0);
	T_EQ_INT(n[NOTIFY_EMAIL], 4);   /* 60 once, 61, 62, 64 */
	T_EQ_INT(n[NOTIFY_SMS], 2);     /* 64, 65 once */
	T_EQ_INT(notify_topic_counts(n, s, T1, "news.kurashi", NULL, &e), 0);
	T_EQ_INT(n[NOTIFY_EMAIL], 2);
	T_EQ_INT(notify_topic_counts(n, s, T1, "news", "news", &e), ERR_INVALID);
	const struct notify_value v[] = { { "ward", "デモ区" }, { "title", "お知らせ" }, { "text", "本文" } };
	int64_t q = 0, by[3];
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news.kurashi", .also = "news", .vals = v,
								     .n = 3, .link_base = BASE, .per_channel = by },
			       NOON, &e), 0);
	T_EQ_INT(by[NOTIFY_EMAIL], 4);
	T_EQ_INT(by[NOTIFY_SMS], 2);
	T_EQ_INT(q, 6);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'both@example.jp'"), 1);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'other@example.jp'"), 0);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM notify_messages WHERE recipient = '+819055556666'"), 1);
	/* the one who takes both got the category's link: it ends the
	 * category, not all news */
	char *body = q_text("SELECT body FROM mail_outbox WHERE recipient = 'both@example.jp'");
	T_REQUIRE(body);
	const char *link = strstr(body, "/unsubscribe/");
	T_REQUIRE(link);
	char tok[NOTIFY_TOKEN_HEX + 1];
	snprintf(tok, sizeof tok, "%.64s", link + 13);
	free(body);
	struct notify_sub sub;
	char topic[NOTIFY_TOPIC_MAX + 1];
	T_EQ_INT(notify_token_find(&sub, topic, s, T1, tok, &e), 0);
	T_EQ_STR(topic, "news.kurashi");
	T_EQ_INT(sub.account, 60);
	/* the second topic must share the templates and differ */
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news.kurashi", .also = "disaster.chuo",
								     .vals = v, .n = 3, .link_base = BASE }, NOON, &e),
		 ERR_INVALID);
	T_EQ_INT(notify_fanout(&q, s, T1, &(struct notify_fanout){ .topic = "news", .also = "news", .vals = v,
								     .n = 3, .link_base = BASE }, NOON, &e), ERR_INVALID);
	T_EQ_INT(q_int("SELECT COUNT(*) FROM mail_outbox"), 4);
}

/* the areas of disaster alerts: put, rename, list, name, remove; a
 * subscription only to an area the municipality has, and an area with
 * subscribers is not removed */
static int area_cb(const struct notify_area *a, void *arg)
{
	char *seen = arg;
	strcat(seen, a->code);
	strcat(seen, a->name_en ? "+" : "-");
	char n[24];
	snprintf(n, sizeof n, "%lld ", (long long)a->subscribers);
	strcat(seen, n);
	return 0;
}

static void test_areas(void)
{
	struct err e;
	store_exec(s, "DELETE FROM notify_subscriptions", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_channel_subs", NULL, 0, &e);
	T_CHECK(notify_area_code_valid("kita_2"));
	T_CHECK(!notify_area_code_valid("Kita"));
	T_CHECK(!notify_area_code_valid(""));
	T_CHECK(!notify_area_code_valid("a.b"));
	T_CHECK(!notify_area_code_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));   /* 33 */
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "kita", .name_ja = "北地区", .name_en = "North" }, &e), 1);
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "minami", .name_ja = "南地区" }, &e), 1);
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "Minami", .name_ja = "南" }, &e), ERR_INVALID);
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "nishi", .name_ja = "" }, &e), ERR_INVALID);
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "nishi", .name_ja = "西\n地区" }, &e), ERR_INVALID);
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "nishi", .name_ja = "\xff" }, &e), ERR_INVALID);
	/* renamed: 0, the English name dropped */
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "kita", .name_ja = "北部地区" }, &e), 0);
	char name[NOTIFY_AREA_NAME_MAX + 1];
	T_EQ_INT(notify_area_name(name, s, T1, "kita", "en", &e), 0);
	T_EQ_STR(name, "北部地区");
	T_EQ_INT(notify_area_put(s, T1, &(struct notify_area){ .code = "kita", .name_ja = "北部地区", .name_en = "North" }, &e), 0);
	T_EQ_INT(notify_area_name(name, s, T1, "kita", "en", &e), 0);
	T_EQ_STR(name, "North");
	T_EQ_INT(notify_area_name(name, s, T1, "kita", "ja-easy", &e), 0);
	T_EQ_STR(name, "北部地区");
	T_EQ_INT(notify_area_name(name, s, T2, "kita", "ja", &e), ERR_NOTFOUND);
	/* a subscription: an area of this municipality only */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 70, .topic = "disaster.kita",
							     .address = "k@example.jp" }, NOON, &e), 1);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T1, .account = 70, .topic = "disaster.nishi",
							     .address = "k@example.jp" }, NOON, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ .tenant = T2, .account = 70, .topic = "disaster.kita",
							     .address = "k@example.jp" }, NOON, &e), ERR_NOTFOUND);
	/* listed in the order added, with subscribers */
	char seen[256] = "";
	T_EQ_INT(notify_areas_each(s, T1, area_cb, seen, &e), 3);
	T_EQ_STR(seen, "chuo-0 kita+1 minami-0 ");
	T_EQ_INT(notify_areas_each(s, T2, NULL, NULL, &e), 0);
	/* removed only while nobody subscribes */
	int64_t n = -1;
	T_EQ_INT(notify_area_remove(&n, s, T1, "kita", &e), ERR_CONFLICT);
	T_EQ_INT(n, 1);
	T_EQ_INT(notify_area_remove(&n, s, T1, "minami", &e), 0);
	T_EQ_INT(notify_area_remove(&n, s, T1, "minami", &e), ERR_NOTFOUND);
	T_EQ_INT(notify_area_remove(&n, s, T1, "../x", &e), ERR_NOTFOUND);
	T_EQ_INT(notify_unsubscribe(s, T1, 70, "disaster.kita", &e), 1);
	T_EQ_INT(notify_area_remove(&n, s, T1, "kita", &e), 0);
	T_EQ_INT(notify_areas_each(s, T1, NULL, NULL, &e), 1);
}

/* areas from a CSV file: UTF-8 with BOM or CP932, all or none, the line
 * of a refusal named */
static void test_areas_import(void)
{
	struct err e;
	store_exec(s, "DELETE FROM notify_subscriptions", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_channel_subs", NULL, 0, &e);
	store_exec(s, "DELETE FROM notify_areas WHERE code <> 'chuo'", NULL, 0, &e);
	struct notify_areas_import res;
	const char *ok = "\xef\xbb\xbf" "code,name_ja,name_en\r\nkita,北地区,North\r\nchuo,中央地区（改）\r\n\r\n"
			 "\"mina_mi\",\"南地区, 港南\",\r\n";
	T_EQ_INT(notify_areas_import(&res, s, T1, ok, strlen(ok), &e), 0);
	T_EQ_INT(res.added, 2);
	T_EQ_INT(res.renamed, 1);
	char name[NOTIFY_AREA_NAME_MAX + 1];
	T_EQ_INT(notify_area_name(name, s, T1, "chuo", "ja", &e), 0);
	T_EQ_STR(name, "中央地区（改）");
	T_EQ_INT(notify_area_name(name, s, T1, "mina_mi", "en", &e), 0);
	T_EQ_STR(name, "南地区, 港南");   /* no English name: the Japanese */
	/* CP932 (Excel's CSV): 西地区 */
	const char cp[] = "code,name\r\nnishi,\x90\xbc\x92\x6e\x8b\xe6\r\n";
	T_EQ_INT(notify_areas_import(&res, s, T1, cp, sizeof cp - 1, &e), 0);
	T_EQ_INT(res.added, 1);
	T_EQ_INT(notify_area_name(name, s, T1, "nishi", "ja", &e), 0);
	T_EQ_STR(name, "西地区");
	T_EQ_INT(notify_areas_each(s, T1, NULL, NULL, &e), 4);
	/* refusals: the line and what; nothing of the file saved */
	static const struct { const char *csv; long line; const char *bad; int rc; } bad[] = {
		{ "code,name\nhigashi,東地区\nHigashi,東\n", 3, "code", ERR_INVALID },
		{ "code,name\nhigashi,東地区\nminami2\n", 3, "columns", ERR_INVALID },
		{ "code,name\nhigashi,東地区\nx,a,b,c\n", 3, "columns", ERR_INVALID },
		{ "code,name\nhigashi,\n", 2, "name_ja", ERR_INVALID },
		{ "code,name\nhigashi,東地区\nhigashi,東地区2\n", 3, "twice", ERR_INVALID },
		{ "code,name\nhigashi,\"東地区\n", 2, "csv", ERR_INVALID },
		{ "code,name\n", 0, "empty", ERR_INVALID },
		{ "code,name\nhigashi,東\tあ\n", 2, "name_ja", ERR_INVALID },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_EQ_INT(notify_areas_import(&res, s, T1, bad[i].csv, strlen(bad[i].csv), &e), bad[i].rc);
		T_EQ_INT(res.bad_line, bad[i].line);
		T_EQ_STR(res.bad ? res.bad : "", bad[i].bad);
		T_EQ_INT(res.added + res.renamed, 0);
	}
	T_EQ_INT(notify_area_name(name, s, T1, "higashi", "ja", &e), ERR_NOTFOUND);
	T_EQ_INT(notify_areas_each(s, T1, NULL, NULL, &e), 4);
	/* 200 at most: with 4, the 197th new one of the file is refused
	 * (its line 198), none saved */
	static char many[64 * 1024];
	int n = snprintf(many, sizeof many, "code,name\n");
	for (int i = 0; i < 197; i++)
		n += snprintf(many + n, sizeof many - (size_t)n, "a%d,地区%d\n", i, i);
	T_EQ_INT(notify_areas_import(&res, s, T1, many, (size_t)n, &e), ERR_LIMIT);
	T_EQ_INT(res.bad_line, 198);
	T_EQ_STR(res.bad, "limit");
	T_EQ_INT(notify_areas_each(s, T1, NULL, NULL, &e), 4);
	T_EQ_INT(notify_areas_import(&res, s, T1, many, NOTIFY_AREAS_FILE_MAX + 1, &e), ERR_LIMIT);
	store_exec(s, "DELETE FROM notify_areas WHERE code <> 'chuo'", NULL, 0, &e);
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
	T_RUN(test_channels);
	T_RUN(test_own);
	T_RUN(test_bounced);
	T_RUN(test_also);
	T_RUN(test_areas);
	T_RUN(test_areas_import);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
