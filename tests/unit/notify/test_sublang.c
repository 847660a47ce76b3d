/*
 * test_sublang.c -- notify_subscription_lang (src/svc/notify/subscribe.c),
 * the read the senders of a resident's own messages use (the application
 * state mail, the bulky-waste reminder), on both backends
 * (MADOGUCHI_TEST_DB):
 *   - no subscription: 0 and "ja";
 *   - subscribed: 1 and the subscription's language, refreshed when the
 *     resident saves another;
 *   - another topic, another account or another municipality: 0;
 *   - unsubscribed: 0 again;
 *   - the shipped templates the senders name exist in three languages
 *     and render with the values their code gives.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"

#include <string.h>

static struct tdb db;
static struct store *s;

#define T1 "139998"
#define T2 "131059"
#define NOON 1796612400

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

static void test_lang(void)
{
	struct err e;
	char lang[8];
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 7, "waste.reminder", &e), 0);
	T_EQ_STR(lang, "ja");
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 7, "waste.reminder", "a@example.jp", "en", NOTIFY_EMAIL },
				  NOON, &e), 1);
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 7, "waste.reminder", &e), 1);
	T_EQ_STR(lang, "en");
	/* saved again in やさしい日本語 */
	T_EQ_INT(notify_subscribe(s, &(struct notify_sub_in){ T1, 7, "waste.reminder", "a@example.jp", "ja-easy", NOTIFY_EMAIL },
				  NOON, &e), 0);
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 7, "waste.reminder", &e), 1);
	T_EQ_STR(lang, "ja-easy");
	/* not another topic's, account's or municipality's */
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 7, "apply.state", &e), 0);
	T_EQ_STR(lang, "ja");
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 8, "waste.reminder", &e), 0);
	T_EQ_INT(notify_subscription_lang(lang, s, T2, 7, "waste.reminder", &e), 0);
	/* unsubscribed: as never subscribed */
	T_EQ_INT(notify_unsubscribe(s, T1, 7, "waste.reminder", &e), 1);
	T_EQ_INT(notify_subscription_lang(lang, s, T1, 7, "waste.reminder", &e), 0);
	T_EQ_STR(lang, "ja");
}

/* each sender's template, shipped, renders in each language with the
 * values its code gives (none stored: the shipped text, version 0) */
static void test_shipped(void)
{
	static const struct {
		const char *id;
		struct notify_value v[4];
		int n;
		const char *want[3];   /* a piece of each language's body */
	} cases[] = {
		{ "auth.email_verify", { { "ward", "デモ区" }, { "url", "https://x.example/v?token=ab" } }, 2,
		  { "48時間有効", "valid for 48 hours", "48じかん" } },
		{ "auth.password_reset", { { "ward", "デモ区" }, { "url", "https://x.example/r?token=ab" } }, 2,
		  { "1時間有効", "valid for 1 hour", "1じかん" } },
		{ "auth.email_taken", { { "ward", "デモ区" }, { "url", "https://x.example/r?token=ab" } }, 2,
		  { "すでにあります", "exists already", "もう あります" } },
		{ "apply.received", { { "ward", "デモ区" }, { "receipt", "139998-2026-00000001" },
				      { "procedure", "犬の登録" }, { "url", "https://x.example/s" } }, 4,
		  { "受付番号: 139998-2026-00000001", "Receipt number: 139998-2026-00000001",
		    "うけつけ ばんごう: 139998-2026-00000001" } },
		{ "apply.state_changed", { { "ward", "デモ区" }, { "receipt", "139998-2026-00000001" },
					   { "state", "審査中" }, { "url", "https://x.example/s" } }, 4,
		  { "新しい状態: 審査中", "New status: 審査中", "いまの ようす: 審査中" } },
		{ "lifeevent.bundle_received", { { "ward", "デモ区" }, { "count", "2" },
						 { "receipts", "  139998-2026-00000001\n  139998-2026-00000002" },
						 { "url", "https://x.example/mypage" } }, 4,
		  { "まとめて申請した 2 件", "of the 2 procedures", "まとめて もうしこんだ 2この" } },
	};
	static const char *const langs[] = { "ja", "en", "ja-easy" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int l = 0; l < 3; l++) {
			struct arena *a = arena_new(1u << 16);
			struct notify_message m;
			struct err e;
			T_EQ_INT(notify_render(&m, a, s, T2, cases[i].id, langs[l], cases[i].v, cases[i].n, &e), 0);
			T_EQ_INT(m.version, 0);
			T_EQ_INT((int)m.lang, l);
			T_CHECK(m.body && strstr(m.body, cases[i].want[l]) != NULL);
			T_CHECK(m.body && strstr(m.body, "((") == NULL);
			arena_free(a);
		}
}

int main(void)
{
	tdb_begin(&db, "notify_sublang");
	setup();
	T_RUN(test_lang);
	T_RUN(test_shipped);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
