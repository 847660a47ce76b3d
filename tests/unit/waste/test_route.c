/*
 * test_route.c -- a collection day's route list (src/svc/waste/web/
 * route_list.c), on bookings made through the domain (waste_book) on the
 * database MADOGUCHI_TEST_DB names (default a fresh SQLite file):
 *   - rows in route order: area, then 町丁目, then address with its
 *     numbers compared as numbers (2番 before 10番), then number;
 *   - cancelled bookings only when asked for, marked; one area or all;
 *   - a booking's items JSON as 「name×count、...」, "?" when unreadable;
 *   - the CSV: the Japanese header, one line a live booking, no cancelled
 *     one, a cell that would run as a formula guarded;
 *   - the PDF: a PDF whose text (pdftotext, when installed) holds every
 *     live booking's number, the day in 和暦, the area, not the cancelled
 *     number.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/waste/waste.h"
#include "svc/waste/web/waste_web.h"

static struct tdb db;

#define T1 "139998"
/* 2026-12-01 10:00 JST, a Tuesday */
#define NOW (1796050800LL + 10 * 3600)

static const struct jp_date DAY = { 2026, 12, 22 };

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

/* the numbers of the bookings made by setup, in the order made */
static char nums[6][WASTE_NUMBER_LEN + 1];

static void book(struct store *s, int i, const char *area, const char *chome, const char *address,
		 const char *place, const char *items)
{
	struct err e;
	struct waste_contact ct = { "デモ 太郎", "03-0000-1234", "", chome, address, place };
	struct waste_booking_req rq = { T1, area, DAY, 2, 1200, items, 0, NOW, &ct, NULL };
	struct waste_booking b;
	if (waste_book(&b, s, &rq, &e)) {
		printf("Bail out! book %d: %s\n", i, e.detail);
		exit(1);
	}
	snprintf(nums[i], sizeof nums[i], "%s", b.number);
}

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	int applied = 0, n = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct waste_calendar ck = { "kita", DAY, DAY, 0x7F, 50 }, cm = { "minami", DAY, DAY, 0x7F, 50 };
	if (app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e) ||
	    waste_area_put(s, T1, "kita", "北地区", &e) || waste_area_put(s, T1, "minami", "南地区", &e) ||
	    waste_chome_put(s, T1, "日之出町1丁目", "kita", &e) || waste_chome_put(s, T1, "日之出町2丁目", "kita", &e) ||
	    waste_chome_put(s, T1, "港南1丁目", "minami", &e) ||
	    waste_calendar_open(&n, s, T1, &ck, &e) || waste_calendar_open(&n, s, T1, &cm, &e)) {
		printf("Bail out! setup: %s\n", e.detail);
		exit(1);
	}
	const char *sofa = "[{\"id\":\"sofa_3seat\",\"name\":\"ソファ（3人掛け以上）\",\"count\":1,\"fee_yen\":2000},"
			   "{\"id\":\"chair\",\"name\":\"椅子\",\"count\":2,\"fee_yen\":300}]";
	const char *desk = "[{\"id\":\"desk\",\"name\":\"机\",\"count\":1,\"fee_yen\":800}]";
	book(s, 0, "kita", "日之出町2丁目", "1番1号", "玄関前", desk);
	book(s, 1, "kita", "日之出町1丁目", "10番1号", "=HYPERLINK(\"x\")", desk);
	book(s, 2, "kita", "日之出町1丁目", "2番3号 デモハイツ203", "集積所", sofa);
	book(s, 3, "minami", "港南1丁目", "5番5号", "", desk);
	book(s, 4, "kita", "日之出町1丁目", "3番1号", "門の前", desk);
	if (waste_cancel(s, T1, nums[4], NOW, &e)) {
		printf("Bail out! cancel: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
}

static void test_items_text(void)
{
	char out[WASTE_ROUTE_ITEMS_MAX];
	T_EQ_INT(waste_route_items_text(out, sizeof out,
					"[{\"name\":\"ソファ（3人掛け以上）\",\"count\":1,\"fee_yen\":2000},"
					"{\"name\":\"椅子\",\"count\":2,\"fee_yen\":300}]"), 0);
	T_EQ_STR(out, "ソファ（3人掛け以上）×1、椅子×2");
	T_EQ_INT(waste_route_items_text(out, sizeof out, "not json"), ERR_INVALID);
	T_EQ_STR(out, "?");
	T_EQ_INT(waste_route_items_text(out, sizeof out, "[]"), 0);
	T_EQ_STR(out, "");
	/* a list longer than the row: cut on a character, marked */
	char small[24];
	T_EQ_INT(waste_route_items_text(small, sizeof small, "[{\"name\":\"ソファ\",\"count\":1},{\"name\":\"椅子椅子椅子\",\"count\":2}]"), 0);
	T_CHECK(strstr(small, "ソファ×1") == small);
	T_CHECK(strstr(small, "…") != NULL);
}

static void test_order(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_route rt;
	memset(&rt, 0, sizeof rt);
	T_EQ_INT(waste_route_areas(&rt, s, T1, &e), 0);
	T_EQ_INT(rt.nareas, 2);
	T_EQ_STR(waste_route_area_name(&rt, "kita"), "北地区");
	T_EQ_INT(waste_route_build(&rt, s, T1, "kita", DAY, 0, &e), 0);
	T_EQ_INT(rt.n, 3);
	if (rt.n == 3) {
		/* 1丁目 2番 before 1丁目 10番 before 2丁目 */
		T_EQ_STR(rt.rows[0].number, nums[2]);
		T_EQ_STR(rt.rows[1].number, nums[1]);
		T_EQ_STR(rt.rows[2].number, nums[0]);
		T_EQ_STR(rt.rows[0].items, "ソファ（3人掛け以上）×1、椅子×2");
		T_EQ_STR(rt.rows[0].place, "集積所");
		T_EQ_INT(rt.rows[0].pay, WASTE_UNPAID);
	}
	waste_route_free(&rt);
	/* with the cancelled one, marked, in its place by address */
	memset(&rt, 0, sizeof rt);
	T_EQ_INT(waste_route_build(&rt, s, T1, "kita", DAY, 1, &e), 0);
	T_EQ_INT(rt.n, 4);
	if (rt.n == 4) {
		T_EQ_STR(rt.rows[1].number, nums[4]);
		T_EQ_INT(rt.rows[1].cancelled, 1);
		T_EQ_INT(rt.rows[0].cancelled, 0);
	}
	waste_route_free(&rt);
	/* every area: kita's rows, then minami's */
	memset(&rt, 0, sizeof rt);
	T_EQ_INT(waste_route_build(&rt, s, T1, NULL, DAY, 0, &e), 0);
	T_EQ_INT(rt.n, 4);
	if (rt.n == 4)
		T_EQ_STR(rt.rows[3].number, nums[3]);
	waste_route_free(&rt);
	/* another day: nothing */
	memset(&rt, 0, sizeof rt);
	T_EQ_INT(waste_route_build(&rt, s, T1, "kita", (struct jp_date){ 2026, 12, 23 }, 1, &e), 0);
	T_EQ_INT(rt.n, 0);
	waste_route_free(&rt);
	store_close(s);
}

static int lines_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_csv(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_route rt;
	memset(&rt, 0, sizeof rt);
	T_EQ_INT(waste_route_areas(&rt, s, T1, &e), 0);
	T_EQ_INT(waste_route_build(&rt, s, T1, "kita", DAY, 1, &e), 0);
	struct buf b;
	buf_init(&b, 1u << 20);
	T_EQ_INT(waste_route_csv(&b, &rt), 0);
	const char *csv = buf_cstr(&b);
	T_CHECK(strncmp(csv, "収集日,地区,受付番号,町丁目,住所,出す場所,品目,点数,手数料（円）,支払い,氏名,電話番号\r\n",
			strlen("収集日,地区,受付番号,町丁目,住所,出す場所,品目,点数,手数料（円）,支払い,氏名,電話番号\r\n")) == 0);
	T_EQ_INT(lines_of(csv), 4);   /* the header and three live bookings */
	T_CHECK(strstr(csv, nums[0]) && strstr(csv, nums[1]) && strstr(csv, nums[2]));
	T_CHECK(strstr(csv, nums[4]) == NULL);
	T_CHECK(strstr(csv, "2026-12-22,北地区,") != NULL);
	/* the formula guard: an apostrophe first, quoted */
	T_CHECK(strstr(csv, "\"'=HYPERLINK(\"\"x\"\")\"") != NULL);
	T_CHECK(strstr(csv, "\"ソファ（3人掛け以上）×1、椅子×2\"") != NULL ||
		strstr(csv, ",ソファ（3人掛け以上）×1、椅子×2,") != NULL);
	buf_done(&b);
	waste_route_free(&rt);
	store_close(s);
}

static void test_pdf(void)
{
	struct store *s = open_db();
	struct err e;
	struct waste_route rt;
	memset(&rt, 0, sizeof rt);
	T_EQ_INT(waste_route_areas(&rt, s, T1, &e), 0);
	T_EQ_INT(waste_route_build(&rt, s, T1, NULL, DAY, 0, &e), 0);
	char *pdf = NULL;
	size_t len = 0;
	T_EQ_INT(waste_route_pdf(&pdf, &len, &rt, "デモ区", &e), 0);
	T_REQUIRE(pdf != NULL && len > 100);
	T_CHECK(memcmp(pdf, "%PDF-", 5) == 0);
	if (access("/usr/bin/pdftotext", X_OK) != 0) {
		printf("# pdftotext not installed: the PDF's text is not checked\n");
	} else {
		char path[] = "/tmp/mg-waste-route-XXXXXX";
		int fd = mkstemp(path);
		T_REQUIRE(fd >= 0);
		T_CHECK(write(fd, pdf, len) == (ssize_t)len);
		close(fd);
		char cmd[128];
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", path);
		FILE *p = popen(cmd, "r");
		T_REQUIRE(p != NULL);
		static char text[1 << 16];
		size_t n = fread(text, 1, sizeof text - 1, p);
		text[n] = '\0';
		pclose(p);
		unlink(path);
		for (int i = 0; i < 4; i++)
			T_CHECK(strstr(text, nums[i]) != NULL);
		T_CHECK(strstr(text, nums[4]) == NULL);
		T_CHECK(strstr(text, "令和8年12月22日") != NULL);
		T_CHECK(strstr(text, "北地区") != NULL && strstr(text, "南地区") != NULL);
		T_CHECK(strstr(text, "合計：4件") != NULL);
		T_CHECK(strstr(text, "未払い（手数料 1200円）") != NULL);
	}
	free(pdf);
	waste_route_free(&rt);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "wasteroute");
	setup();
	T_RUN(test_items_text);
	T_RUN(test_order);
	T_RUN(test_csv);
	T_RUN(test_pdf);
	tdb_end(&db);
	return t_done();
}
