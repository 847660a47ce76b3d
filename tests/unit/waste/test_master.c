/*
 * test_master.c -- the bulky-waste item master as data
 * (src/svc/waste/master.c) on the database MADOGUCHI_TEST_DB names
 * (default a fresh SQLite file; on PostgreSQL a schema of its own):
 *   - the demo master (data/waste/items.csv) written back canonically
 *     parses to the same items; exported in UTF-8 with a BOM and in CP932
 *     and read again, the same items, field by field;
 *   - versions: none in force before the first; the version in force on
 *     a day is the latest valid_from <= the day; a fee change from a
 *     future day leaves today's fee and applies on and after that day;
 *   - an edit made today after a future change was scheduled reaches the
 *     scheduled version too (carried), and the scheduled fee stays; also
 *     when the first version is the scheduled one (the edit made on the
 *     file master);
 *   - a day before today, a CSV with a bad row (its line named), a note
 *     too long are refused and write nothing;
 *   - the diff of two versions: added, removed, and changed fields with
 *     old and new values.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/waste/waste.h"

static struct tdb db;

#define T1 "139998"
#define T2 "139912"
/* 2026-12-01 10:00 JST */
#define NOW (1796050800LL + 10 * 3600)

static char *master_csv;
static size_t master_len;

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# open: %s\n", e.detail);
		exit(1);
	}
	return s;
}

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	int applied = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "テスト市", .name_en = "Test City" };
	if (app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("Bail out! setup: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
	FILE *f = fopen("data/waste/items.csv", "rb");
	if (!f) {
		printf("Bail out! data/waste/items.csv (run from the repository)\n");
		exit(1);
	}
	master_csv = malloc(WASTE_MASTER_MAX);
	master_len = fread(master_csv, 1, WASTE_MASTER_MAX - 1, f);
	master_csv[master_len] = '\0';
	fclose(f);
}

static struct jp_date D(int y, int m, int d)
{
	return (struct jp_date){ y, m, d };
}

/* every item of a and b the same, field by field */
static int same_items(const struct waste_items *a, const struct waste_items *b)
{
	if (a->n != b->n)
		return 0;
	struct arena *ar = arena_new(32u << 20);
	int same = 1;
	for (int i = 0; i < a->n && same; i++) {
		const char *fa[WASTE_COLS], *fb[WASTE_COLS];
		if (waste_item_fields(fa, ar, &a->items[i]) || waste_item_fields(fb, ar, &b->items[i]))
			same = 0;
		for (int c = 0; same && c < WASTE_COLS; c++)
			if (strcmp(fa[c], fb[c])) {
				printf("# %s: %s \"%s\" vs \"%s\"\n", fa[0], waste_cols[c], fa[c], fb[c]);
				same = 0;
			}
	}
	arena_free(ar);
	return same;
}

static int fee_on(struct store *s, const char *tenant, struct jp_date day, const char *id)
{
	struct waste_version v;
	struct waste_items *w = NULL;
	struct err e;
	if (waste_master_in_force(&v, &w, s, tenant, day, &e))
		return -1;
	const struct waste_item *it = waste_item_find(w, id);
	int fee = it ? it->fee_yen : -2;
	waste_items_free(w);
	return fee;
}

/* the master w with item id's fee set to fee, as CSV (malloc'd) */
static char *with_fee(const struct waste_items *w, const char *id, int fee, size_t *len)
{
	struct arena *a = arena_new(1u << 20);
	const char *f[WASTE_COLS];
	waste_item_fields(f, a, waste_item_find(w, id));
	f[6] = arena_printf(a, "%d", fee);
	char *csv = NULL;
	struct err e;
	if (waste_items_with(&csv, len, w, f, &e))
		printf("# with: %s\n", e.detail);
	arena_free(a);
	return csv;
}

static void test_export_round_trip(void)
{
	struct err e;
	struct waste_items *w = NULL, *back = NULL;
	T_REQUIRE(waste_items_parse(&w, master_csv, master_len, &e) == 0);
	T_EQ_INT(w->n, 223);
	enum waste_enc encs[] = { WASTE_ENC_UTF8, WASTE_ENC_UTF8_BOM, WASTE_ENC_CP932 };
	for (size_t k = 0; k < 3; k++) {
		char *out = NULL;
		size_t n = 0;
		T_EQ_INT(waste_items_csv(&out, &n, w, encs[k], &e), 0);
		if (encs[k] == WASTE_ENC_UTF8_BOM)
			T_CHECK(n > 3 && memcmp(out, "\xEF\xBB\xBF", 3) == 0);
		if (encs[k] == WASTE_ENC_CP932) {
			/* ソ (U+30BD) is 83 5C in CP932: the bytes are not UTF-8 */
			T_CHECK(memmem(out, n, "\x83\x5c", 2) != NULL);
			T_CHECK(memmem(out, n, "ソファ", strlen("ソファ")) == NULL);
		}
		T_EQ_INT(waste_items_parse(&back, out, n, &e), 0);
		T_CHECK(back && same_items(w, back));
		waste_items_free(back);
		back = NULL;
		free(out);
	}
	/* the canonical form is the file's own columns, in its order */
	char *out = NULL;
	size_t n = 0;
	T_EQ_INT(waste_items_csv(&out, &n, w, WASTE_ENC_UTF8, &e), 0);
	T_CHECK(strncmp(out, "item_id,name,kana,aliases,category,size_rule,fee_yen,accepted,"
			     "not_accepted_reason,guidance_ja\r\n", 90) == 0);
	/* rules written back as they were read */
	T_CHECK(strstr(out, "\r\nsofa_1seat,ソファ（1人掛け）,ソファ,") != NULL);
	T_CHECK(strstr(out, ",60<width_cm<=100,") != NULL);
	T_CHECK(strstr(out, ",seats>=3,") != NULL);
	free(out);
	waste_items_free(w);
}

static void test_versions_by_day(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_version v;
	struct waste_items *w = NULL;
	int64_t newest = -1;
	T_EQ_INT(waste_master_newest(&newest, s, T1, &e), 0);
	T_EQ_INT(newest, 0);
	T_EQ_INT(waste_master_in_force(&v, &w, s, T1, D(2026, 12, 1), &e), ERR_NOTFOUND);
	/* the demo master from today */
	struct waste_master_in in = { .csv = master_csv, .len = master_len, .from = D(2026, 12, 1),
				      .note = "initial", .by = 7, .login = "demo-machi", .now = NOW };
	T_EQ_INT(waste_master_add(&v, s, T1, &in, &e), 0);
	T_EQ_INT(v.version, 1);
	T_EQ_INT(fee_on(s, T1, D(2026, 12, 1), "chair"), 400);
	T_EQ_INT(fee_on(s, T1, D(2026, 11, 30), "chair"), -1);   /* before the first version */
	T_EQ_INT(fee_on(s, T2, D(2026, 12, 1), "chair"), -1);    /* another municipality's */

	/* a fee change from 2027-04-01 */
	T_REQUIRE(waste_master_in_force(&v, &w, s, T1, D(2026, 12, 1), &e) == 0);
	size_t len;
	char *csv = with_fee(w, "chair", 500, &len);
	T_REQUIRE(csv != NULL);
	in = (struct waste_master_in){ .csv = csv, .len = len, .from = D(2027, 4, 1),
				       .note = "新年度の手数料", .by = 7, .login = "demo-machi", .now = NOW };
	T_EQ_INT(waste_master_add(&v, s, T1, &in, &e), 0);
	T_EQ_INT(v.version, 2);
	T_EQ_INT(v.carried, 0);
	free(csv);
	T_EQ_INT(fee_on(s, T1, D(2026, 12, 1), "chair"), 400);
	T_EQ_INT(fee_on(s, T1, D(2027, 3, 31), "chair"), 400);
	T_EQ_INT(fee_on(s, T1, D(2027, 4, 1), "chair"), 500);
	T_EQ_INT(fee_on(s, T1, D(2028, 1, 1), "chair"), 500);

	/* today, another item changed: the April version gets it too, and
	 * April's chair fee stays */
	csv = with_fee(w, "stool", 990, &len);
	T_REQUIRE(csv != NULL);
	in = (struct waste_master_in){ .csv = csv, .len = len, .from = D(2026, 12, 1),
				       .note = "訂正", .by = 8, .login = "demo-staff2", .now = NOW };
	int before = fee_on(s, T1, D(2026, 12, 1), "stool");
	T_CHECK(before > 0 && before != 990);
	T_EQ_INT(waste_master_add(&v, s, T1, &in, &e), 0);
	T_EQ_INT(v.version, 3);
	T_EQ_INT(v.carried, 1);
	free(csv);
	T_EQ_INT(fee_on(s, T1, D(2026, 12, 1), "stool"), 990);
	T_EQ_INT(fee_on(s, T1, D(2026, 12, 1), "chair"), 400);
	T_EQ_INT(fee_on(s, T1, D(2027, 4, 1), "stool"), 990);
	T_EQ_INT(fee_on(s, T1, D(2027, 4, 1), "chair"), 500);
	waste_items_free(w);
	w = NULL;

	/* the list, newest first, with who and why */
	struct waste_version *vs = NULL;
	int n = 0;
	T_EQ_INT(waste_master_list(&vs, &n, s, T1, &e), 0);
	T_EQ_INT(n, 4);
	T_EQ_INT(vs[0].version, 4);
	T_EQ_INT(vs[0].carried_from, 3);
	T_EQ_INT(vs[0].valid_from, jp_date_to_days(D(2027, 4, 1)));
	T_EQ_STR(vs[1].created_login, "demo-staff2");
	T_EQ_STR(vs[1].note, "訂正");
	T_EQ_INT(vs[3].created_by, 7);
	T_EQ_INT(waste_master_pick(vs, n, jp_date_to_days(D(2027, 5, 1))), 0);
	T_EQ_INT(vs[waste_master_pick(vs, n, jp_date_to_days(D(2027, 3, 1)))].version, 3);
	T_EQ_INT(waste_master_pick(vs, n, jp_date_to_days(D(2026, 1, 1))), -1);
	free(vs);
	store_close(s);
}

/* a municipality whose first version is scheduled: an edit from today,
 * made on the file master (before), reaches the scheduled version too */
static void test_carry_from_file(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_items *file = NULL;
	T_REQUIRE(waste_items_parse(&file, master_csv, master_len, &e) == 0);
	size_t len;
	char *csv = with_fee(file, "chair", 500, &len);
	struct waste_version v;
	struct waste_master_in in = { .csv = csv, .len = len, .from = D(2027, 4, 1), .now = NOW,
				      .before = file };
	T_EQ_INT(waste_master_add(&v, s, T2, &in, &e), 0);
	free(csv);
	T_EQ_INT(fee_on(s, T2, D(2026, 12, 1), "chair"), -1);     /* the file's until April */
	csv = with_fee(file, "stool", 990, &len);
	in = (struct waste_master_in){ .csv = csv, .len = len, .from = D(2026, 12, 1), .now = NOW,
				       .before = file };
	T_EQ_INT(waste_master_add(&v, s, T2, &in, &e), 0);
	T_EQ_INT(v.carried, 1);
	free(csv);
	T_EQ_INT(fee_on(s, T2, D(2026, 12, 1), "stool"), 990);
	T_EQ_INT(fee_on(s, T2, D(2027, 4, 1), "stool"), 990);
	T_EQ_INT(fee_on(s, T2, D(2027, 4, 1), "chair"), 500);
	T_EQ_INT(fee_on(s, T2, D(2026, 12, 1), "chair"), 400);
	waste_items_free(file);
	store_close(s);
}

static void test_refusals(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_version v;
	int64_t before = 0, after = 0;
	T_EQ_INT(waste_master_newest(&before, s, T1, &e), 0);
	/* yesterday */
	struct waste_master_in in = { .csv = master_csv, .len = master_len, .from = D(2026, 11, 30),
				      .note = "", .now = NOW };
	T_EQ_INT(waste_master_add(&v, s, T1, &in, &e), ERR_INVALID);
	/* a refused item with a fee, on line 3 */
	const char *bad = "item_id,name,kana,aliases,category,size_rule,fee_yen,accepted,not_accepted_reason,guidance_ja\n"
			  "chair,椅子,イス,いす,家具,,400,1,,\n"
			  "tv,テレビ,テレビ,,家電,,300,0,kaden_recycle,家電リサイクル\n";
	in = (struct waste_master_in){ .csv = bad, .len = strlen(bad), .from = D(2026, 12, 1), .now = NOW };
	T_EQ_INT(waste_master_add(&v, s, T1, &in, &e), ERR_INVALID);
	T_EQ_INT(e.line, 3);
	/* a note too long */
	static char note[WASTE_NOTE_MAX + 2];
	memset(note, 'x', sizeof note - 1);
	in = (struct waste_master_in){ .csv = master_csv, .len = master_len, .from = D(2026, 12, 1),
				       .note = note, .now = NOW };
	T_EQ_INT(waste_master_add(&v, s, T1, &in, &e), ERR_INVALID);
	T_EQ_INT(waste_master_newest(&after, s, T1, &e), 0);
	T_EQ_INT(after, before);
	store_close(s);
}

static void test_diff(void)
{
	struct err e;
	const char *a = "item_id,name,kana,aliases,category,size_rule,fee_yen,accepted,not_accepted_reason,guidance_ja\n"
			"chair,椅子,イス,いす,家具,,400,1,,\n"
			"desk,机,ツクエ,デスク,家具,,800,1,,\n";
	const char *b = "item_id,name,kana,aliases,category,size_rule,fee_yen,accepted,not_accepted_reason,guidance_ja\n"
			"chair,椅子,イス,いす;チェア,家具,,500,1,,\n"
			"bed,ベッド,ベッド,,家具,,1600,1,,\n";
	struct waste_items *wa = NULL, *wb = NULL;
	T_REQUIRE(waste_items_parse(&wa, a, strlen(a), &e) == 0);
	T_REQUIRE(waste_items_parse(&wb, b, strlen(b), &e) == 0);
	struct arena *ar = arena_new(1u << 20);
	struct waste_change *ch;
	int n = 0;
	T_EQ_INT(waste_master_diff(&ch, &n, ar, wa, wb, &e), 0);
	T_EQ_INT(n, 4);
	T_EQ_INT(ch[0].kind, WASTE_CH_CHANGED);
	T_EQ_STR(waste_cols[ch[0].col], "aliases");
	T_EQ_STR(ch[0].old, "いす");
	T_EQ_STR(ch[0].new_, "いす;チェア");
	T_EQ_STR(waste_cols[ch[1].col], "fee_yen");
	T_EQ_STR(ch[1].old, "400");
	T_EQ_STR(ch[1].new_, "500");
	T_EQ_INT(ch[2].kind, WASTE_CH_ADDED);
	T_EQ_STR(ch[2].id, "bed");
	T_EQ_INT(ch[3].kind, WASTE_CH_REMOVED);
	T_EQ_STR(ch[3].id, "desk");
	/* from nothing: every item added */
	T_EQ_INT(waste_master_diff(&ch, &n, ar, NULL, wa, &e), 0);
	T_EQ_INT(n, 2);
	T_EQ_INT(ch[1].kind, WASTE_CH_ADDED);
	arena_free(ar);
	waste_items_free(wa);
	waste_items_free(wb);
}

int main(void)
{
	tdb_begin(&db, "wastemaster");
	setup();
	T_RUN(test_export_round_trip);
	T_RUN(test_versions_by_day);
	T_RUN(test_carry_from_file);
	T_RUN(test_refusals);
	T_RUN(test_diff);
	tdb_end(&db);
	free(master_csv);
	return t_done();
}
