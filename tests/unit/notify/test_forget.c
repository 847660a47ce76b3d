/*
 * test_forget.c -- what the notification service forgets when a resident
 * closes their account (src/svc/notify/erase.c, notify_account_forget) on
 * both engines (MADOGUCHI_TEST_DB): the account's subscriptions, SMS
 * number, LINE id and link codes go, and only its; a message still queued
 * to its number or LINE id (or to a number it asked a code for) fails
 * with the code "account closed" (a verification code's text blanked),
 * while a message being sent or done, one to another resident, and one
 * to a number another account has verified too are left alone; inside
 * the caller's transaction a rollback undoes it; the service's
 * descriptor offers it as its account_closed hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"

extern const struct svc svc_notify;   /* service.c */

static struct tdb db;
static struct store *s;
#define T1 "139998"
#define T2 "131059"
#define NOW 1767668400

static int64_t count(const char *q)
{
	int64_t n = -1;
	store_query_int(&n, s, q, NULL, 0, NULL);
	return n;
}

static char *text(const char *q)
{
	static char buf[256];
	char *t = NULL;
	buf[0] = 0;
	if (store_query_text(&t, s, q, NULL, 0, NULL) == 0 && t)
		snprintf(buf, sizeof buf, "%s", t);
	free(t);
	return buf;
}

static void sub(const char *tenant, int64_t account, const char *topic)
{
	struct err e;
	T_REQUIRE(notify_subscribe(s, &(struct notify_sub_in){ .tenant = tenant, .account = account,
							      .topic = topic, .address = "x@example.jp" },
				   NOW, &e) >= 0);
}

static void setup(void)
{
	T_REQUIRE(store_script(s,
		"DELETE FROM notify_subscriptions; DELETE FROM notify_contacts; DELETE FROM notify_channel_subs;"
		" DELETE FROM notify_link_codes; DELETE FROM notify_messages; DELETE FROM notify_areas;"
		"INSERT INTO notify_areas (tenant, code, name_ja, pos) VALUES ('139998', 'chuo', '中央地区', 1);"
		/* 7: SMS and LINE verified, a code pending for a new number;
		 * 8: another resident; 9: has 7's SMS number verified too */
		"INSERT INTO notify_contacts (tenant, account, channel, address, verified_at) VALUES"
		" ('139998', 7, 'sms', '+819011110007', 1), ('139998', 7, 'line', 'U00000000000000000000000000000007', 1),"
		" ('139998', 8, 'sms', '+819011110008', 1), ('131059', 7, 'sms', '+819011110007', 1);"
		"INSERT INTO notify_link_codes (tenant, account, channel, code_hash, target, expires_at, created_at) VALUES"
		" ('139998', 7, 'sms', 'h1', '+819022220007', 2000000000, 1),"
		" ('139998', 7, 'line', 'h2', NULL, 2000000000, 1), ('139998', 8, 'line', 'h3', NULL, 2000000000, 1);"
		"INSERT INTO notify_messages (tenant, channel, recipient, template, lang, body, state, provider_id, created_at) VALUES"
		" ('139998', 'sms', '+819011110007', 'sms.alert', 'ja', 'a1', 'queued', NULL, 1),"
		" ('139998', 'line', 'U00000000000000000000000000000007', 'line.notice', 'ja', 'a2', 'queued', NULL, 1),"
		" ('139998', 'sms', '+819022220007', 'sms.verify', 'ja', 'code 123456', 'queued', NULL, 1),"
		" ('139998', 'sms', '+819011110007', 'sms.alert', 'ja', 'a4', 'sending', 'SM1', 1),"
		" ('139998', 'sms', '+819011110007', 'sms.alert', 'ja', 'a5', 'delivered', 'SM2', 1),"
		" ('139998', 'sms', '+819011110008', 'sms.alert', 'ja', 'a6', 'queued', NULL, 1),"
		" ('131059', 'sms', '+819011110007', 'sms.alert', 'ja', 'a7', 'queued', NULL, 1);"
		/* 7 takes news by SMS too, 8 by LINE */
		"INSERT INTO notify_channel_subs (tenant, account, topic, channel, lang, token, created_at) VALUES"
		" ('139998', 7, 'news', 'sms', 'ja', 'c700000000000000000000000000000000000000000000000000000000000000', 1),"
		" ('139998', 8, 'news', 'line', 'ja', 'c800000000000000000000000000000000000000000000000000000000000000', 1)",
		NULL) == 0);
	sub(T1, 7, "news");
	sub(T1, 7, "disaster.chuo");
	sub(T1, 8, "news");
	sub(T2, 7, "news");
}

static void test_forget(void)
{
	struct err e;
	setup();
	/* rolled back inside the caller's transaction: nothing happened */
	T_REQUIRE(store_begin(s, &e) == 0);
	struct notify_forgotten f;
	T_EQ_INT(notify_account_forget(&f, s, T1, 7, NOW, &e), 0);
	T_EQ_INT(f.subscriptions, 3);   /* two by e-mail, one by SMS */
	store_rollback(s);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_subscriptions"), 4);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_messages WHERE state = 'queued'"), 5);

	/* the hook as the shell calls it */
	T_REQUIRE(svc_notify.account_closed != NULL);
	T_EQ_INT(svc_notify.account_closed(s, T1, 7, NOW, &e), 0);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_subscriptions WHERE tenant = '139998' AND account = 7"), 0);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_channel_subs WHERE account = 7"), 0);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_channel_subs WHERE account = 8"), 1);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_contacts WHERE tenant = '139998' AND account = 7"), 0);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_link_codes WHERE tenant = '139998' AND account = 7"), 0);
	/* the others' stay: another resident, another municipality */
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_subscriptions"), 2);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_contacts"), 2);
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_link_codes"), 1);
	/* queued to 7's number, LINE id and pending number: failed, the code blanked */
	T_EQ_INT(count("SELECT COUNT(*) FROM notify_messages WHERE state = 'failed'"
		       " AND last_error = 'account closed' AND done_at = 1767668400"
		       " AND next_attempt_at IS NULL"), 3);
	T_EQ_STR(text("SELECT body FROM notify_messages WHERE template = 'sms.verify'"), "");
	T_EQ_STR(text("SELECT body FROM notify_messages WHERE body = 'a1' AND state = 'failed'"), "a1");
	/* being sent, delivered, another's, another municipality's: as they were */
	T_EQ_STR(text("SELECT state FROM notify_messages WHERE body = 'a4'"), "sending");
	T_EQ_STR(text("SELECT state FROM notify_messages WHERE body = 'a5'"), "delivered");
	T_EQ_STR(text("SELECT state FROM notify_messages WHERE body = 'a6'"), "queued");
	T_EQ_STR(text("SELECT state FROM notify_messages WHERE body = 'a7'"), "queued");
	/* again: nothing left to forget */
	T_EQ_INT(notify_account_forget(&f, s, T1, 7, NOW, &e), 0);
	T_EQ_INT(f.subscriptions + f.contacts + f.codes + f.messages, 0);
	T_EQ_INT(notify_account_forget(&f, s, T1, 0, NOW, &e), ERR_INVALID);
}

static void test_shared_number(void)
{
	struct err e;
	setup();
	/* 8 has verified 7's SMS number too: the queued message reaches 8 */
	T_REQUIRE(store_script(s, "UPDATE notify_contacts SET address = '+819011110007'"
			       " WHERE tenant = '139998' AND account = 8", NULL) == 0);
	struct notify_forgotten f;
	T_EQ_INT(notify_account_forget(&f, s, T1, 7, NOW, &e), 0);
	T_EQ_INT(f.contacts, 2);
	T_EQ_INT(f.codes, 2);
	T_EQ_INT(f.subscriptions, 3);
	T_EQ_INT(f.messages, 2);   /* the LINE one and the pending number's code */
	T_EQ_STR(text("SELECT state FROM notify_messages WHERE body = 'a1'"), "queued");
}

int main(void)
{
	tdb_begin(&db, "notify_forget");
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
	T_RUN(test_forget);
	T_RUN(test_shared_number);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
