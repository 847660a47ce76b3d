/*
 * test_reports.c -- the citizen reports domain (src/svc/reports/reports.c)
 * on both backends (MADOGUCHI_TEST_DB; default a fresh SQLite file; on
 * PostgreSQL the schema mg_reports_test):
 *   - reports_check: each field's rule, with the byte on either side of
 *     the limits, and reports_submit storing nothing it refuses;
 *   - idempotency: the same key twice stores one report and answers it;
 *     another municipality's same key is another report;
 *   - rate limits: the 11th report of an hour from one source and the 21st
 *     from one account are ERR_LIMIT; an hour later they pass; the source
 *     is not stored as given;
 *   - routing: kind+area beats kind beats area beats default; the area by
 *     its box, else by its address fragment; an outside body;
 *   - states: the allowed changes, back to received refused, a note
 *     required for declined and transferred, a stale `from` is
 *     ERR_CONFLICT, each change one history row;
 *   - moderation of the description and of a photo;
 *   - nearby: an open report of the kind at about 40 m is found, one at
 *     about 60 m, a closed one and one of another kind are not; the
 *     distance against a value computed independently here (equirect.);
 *   - photos: the GPS fixture (tests/data/image/gps-orient6.jpg) gives its
 *     position and copies with no EXIF;
 *   - API keys: issued, checked by the key only, revoked.
 */
#include "t.h"
#include "tdb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "svc/dept/dept.h"
#include "svc/reports/reports.h"

static struct tdb db;
static struct store *s;
#define T1 "139998"
#define T2 "131059"
static const int64_t NOW = 1796000000;

static void setup(void)
{
	struct err e;
	if (store_open(&s, db.url, &e) || app_migrate(s, NULL, &e)) {
		printf("# setup: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	if (tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("# tenant: %s\n", e.detail);
		exit(1);
	}
	const char *tenants[] = { T1, T2 };
	for (int t = 0; t < 2; t++) {
		struct dept d = { 0 };
		int created;
		snprintf(d.code, sizeof d.code, "doboku");
		snprintf(d.name_ja, sizeof d.name_ja, "土木管理課");
		if (dept_put(&created, s, tenants[t], &d, NOW, &e)) {
			printf("# dept: %s\n", e.detail);
			exit(1);
		}
		snprintf(d.code, sizeof d.code, "midori");
		snprintf(d.name_ja, sizeof d.name_ja, "みどり公園課");
		dept_put(&created, s, tenants[t], &d, NOW, &e);
		const char *codes[] = { "pothole", "tree" };
		for (int i = 0; i < 2; i++) {
			struct reports_category c = { .active = 1 };
			snprintf(c.code, sizeof c.code, "%s", codes[i]);
			snprintf(c.name_ja, sizeof c.name_ja, "種類%d", i);
			snprintf(c.name_en, sizeof c.name_en, "Kind %d", i);
			if (reports_category_put(s, tenants[t], &c, &e)) {
				printf("# category: %s\n", e.detail);
				exit(1);
			}
		}
	}
}

static void wipe(void)
{
	store_exec(s, "DELETE FROM reports_history", NULL, 0, NULL);
	store_exec(s, "DELETE FROM reports_photos", NULL, 0, NULL);
	store_exec(s, "DELETE FROM reports", NULL, 0, NULL);
	store_exec(s, "DELETE FROM reports_routes", NULL, 0, NULL);
	store_exec(s, "DELETE FROM reports_areas", NULL, 0, NULL);
}

static int64_t count(const char *sql)
{
	int64_t n = -1;
	store_query_int(&n, s, sql, NULL, 0, NULL);
	return n;
}

static int keyn;

static struct reports_new valid(void)
{
	static char key[40];
	snprintf(key, sizeof key, "test-key-%08d-abcdef", ++keyn);
	return (struct reports_new){ .category = "pothole", .has_pin = 1, .lat_e6 = 35700000, .lon_e6 = 139640000,
				     .description = "穴があります", .key = key, .via = "web" };
}

static char *sized(size_t n)
{
	char *p = malloc(n + 1);
	size_t i = 0;
	for (; i + 3 <= n; i += 3)
		memcpy(p + i, "\xe3\x81\x82", 3);
	for (; i < n; i++)
		p[i] = 'x';
	p[n] = 0;
	return p;
}

static void test_check(void)
{
	struct err e;
	struct reports_new n = valid();
	T_EQ_INT(reports_check(&n, &e), 0);
	n.has_pin = 0;
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);   /* neither pin nor address */
	T_EQ_STR(e.detail, "pin");
	n.address = "　 ";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);   /* only spaces */
	n.address = "日之出町2丁目";
	T_EQ_INT(reports_check(&n, &e), 0);
	n = valid();
	n.lat_e6 = 90000001;
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	n = valid();
	char *d = sized(REPORTS_TEXT_MAX);
	n.description = d;
	T_EQ_INT(reports_check(&n, &e), 0);
	free(d);
	d = sized(REPORTS_TEXT_MAX + 1);
	n.description = d;
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "description");
	free(d);
	n = valid();
	n.description = "bad \xff utf8";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	n = valid();
	n.contact_email = "not-an-address";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "contact_email");
	n.contact_email = "a@example.jp";
	n.contact_phone = "03-0000-0000";
	T_EQ_INT(reports_check(&n, &e), 0);
	n.contact_phone = "03-0000-000<";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	n = valid();
	n.key = "short";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "key");
	n.key = "has space in it 1234";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	n = valid();
	n.category = "Pothole";
	T_EQ_INT(reports_check(&n, &e), ERR_INVALID);
	/* refused by the database's rules: an unknown kind stores nothing */
	wipe();
	n = valid();
	n.category = "unknown";
	int64_t id;
	int again;
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW, &e), ERR_INVALID);
	T_EQ_INT(count("SELECT count(*) FROM reports"), 0);
}

static void test_idempotent(void)
{
	wipe();
	struct err e;
	struct reports_new n = valid();
	int64_t a = 0, b = 0, c = 0;
	int again = -1;
	T_EQ_INT(reports_submit(&a, &again, s, T1, &n, NOW, &e), 0);
	T_EQ_INT(again, 0);
	T_EQ_INT(reports_submit(&b, &again, s, T1, &n, NOW + 5, &e), 0);
	T_EQ_INT(again, 1);
	T_CHECK(a == b && a > 0);
	T_EQ_INT(count("SELECT count(*) FROM reports"), 1);
	T_EQ_INT(count("SELECT count(*) FROM reports_history"), 1);
	/* another municipality's same key is its own report */
	T_EQ_INT(reports_submit(&c, &again, s, T2, &n, NOW, &e), 0);
	T_EQ_INT(again, 0);
	T_CHECK(c != a);
	/* in the caller's transaction too */
	T_EQ_INT(store_begin(s, &e), 0);
	T_EQ_INT(reports_submit(&b, &again, s, T1, &n, NOW, &e), 0);
	T_EQ_INT(again, 1);
	store_commit(s, &e);
	T_CHECK(b == a);
}

static void test_rate_limits(void)
{
	wipe();
	struct err e;
	int64_t id;
	int again;
	for (int i = 0; i < REPORTS_PER_HOUR_SOURCE; i++) {
		struct reports_new n = valid();
		n.source = "192.0.2.7";
		T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW + i, &e), 0);
	}
	struct reports_new n = valid();
	n.source = "192.0.2.7";
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW + 20, &e), ERR_LIMIT);
	T_EQ_STR(e.detail, "source");
	n.source = "192.0.2.8";   /* another source passes */
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW + 21, &e), 0);
	n = valid();
	n.source = "192.0.2.7";   /* an hour after the first, it passes */
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW + 3601, &e), 0);
	/* the address is not stored as given */
	T_EQ_INT(count("SELECT count(*) FROM reports WHERE source LIKE '%192.0.2%'"), 0);
	T_EQ_INT(count("SELECT count(DISTINCT source) FROM reports"), 2);
	/* an account */
	wipe();
	for (int i = 0; i < REPORTS_PER_HOUR_ACCOUNT; i++) {
		n = valid();
		n.account = 42;
		T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW + i, &e), 0);
	}
	n = valid();
	n.account = 42;
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW + 30, &e), ERR_LIMIT);
	T_EQ_STR(e.detail, "account");
	/* a resend of a stored report is no new report: never limited */
	T_EQ_INT(count("SELECT count(*) FROM reports"), REPORTS_PER_HOUR_ACCOUNT);
}

static struct reports_route route(const char *cat, const char *area, const char *dept, const char *outside)
{
	struct reports_route r;
	memset(&r, 0, sizeof r);
	snprintf(r.category, sizeof r.category, "%s", cat);
	snprintf(r.area, sizeof r.area, "%s", area);
	snprintf(r.dept, sizeof r.dept, "%s", dept);
	snprintf(r.outside, sizeof r.outside, "%s", outside);
	return r;
}

static void test_routing(void)
{
	wipe();
	struct err e;
	struct reports_area a = { .has_box = 1, .min_lat = 35699000, .max_lat = 35701000, .min_lon = 139639000,
				  .max_lon = 139641000, .sort = 1 };
	snprintf(a.code, sizeof a.code, "toei");
	snprintf(a.name_ja, sizeof a.name_ja, "都道");
	snprintf(a.name_en, sizeof a.name_en, "Metropolitan road");
	snprintf(a.address, sizeof a.address, "環状通り");
	T_EQ_INT(reports_area_put(s, T1, &a, &e), 0);
	struct reports_area b = { .has_box = 0, .sort = 2 };
	snprintf(b.code, sizeof b.code, "hinode");
	snprintf(b.name_ja, sizeof b.name_ja, "日之出町");
	snprintf(b.name_en, sizeof b.name_en, "Hinode");
	snprintf(b.address, sizeof b.address, "日之出町");
	T_EQ_INT(reports_area_put(s, T1, &b, &e), 0);
	int64_t id;
	struct reports_route r = route("pothole", "toei", "", "東京都");
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), 0);
	r = route("pothole", "", "doboku", "");
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), 0);
	r = route("", "hinode", "midori", "");
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), 0);
	r = route("", "", "doboku", "");
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), 0);
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), ERR_CONFLICT);
	r = route("", "", "doboku", "東京都");   /* both */
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), ERR_INVALID);
	r = route("tree", "", "nosuch", "");
	T_EQ_INT(reports_route_put(&id, s, T1, &r, &e), ERR_INVALID);
	struct reports_route got;
	char area[REPORTS_CODE_MAX + 1];
	/* in the box: kind+area */
	T_EQ_INT(reports_route_find(&got, area, s, T1, "pothole", 1, 35700000, 139640000, "", &e), 0);
	T_EQ_STR(area, "toei");
	T_EQ_STR(got.outside, "東京都");
	T_EQ_STR(got.dept, "");
	/* outside the box, the kind's route */
	T_EQ_INT(reports_route_find(&got, area, s, T1, "pothole", 1, 35710000, 139640000, "", &e), 0);
	T_EQ_STR(area, "");
	T_EQ_STR(got.dept, "doboku");
	/* by the address: the area's route beats the default */
	T_EQ_INT(reports_route_find(&got, area, s, T1, "tree", 0, 0, 0, "デモ区日之出町3丁目", &e), 0);
	T_EQ_STR(area, "hinode");
	T_EQ_STR(got.dept, "midori");
	/* the kind's route beats the area's */
	T_EQ_INT(reports_route_find(&got, area, s, T1, "pothole", 0, 0, 0, "デモ区日之出町3丁目", &e), 0);
	T_EQ_STR(got.dept, "doboku");
	/* the default */
	T_EQ_INT(reports_route_find(&got, area, s, T1, "tree", 0, 0, 0, "どこか", &e), 0);
	T_EQ_STR(got.dept, "doboku");
	/* another municipality has no routes */
	T_EQ_INT(reports_route_find(&got, area, s, T2, "pothole", 1, 35700000, 139640000, "", &e), 0);
	T_EQ_STR(got.dept, "");
	T_EQ_STR(got.outside, "");
	/* a report stores where it was routed */
	struct reports_new n = valid();
	int again;
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW, &e), 0);
	struct arena *ar = arena_new(1 << 20);
	struct reports_report rep;
	T_EQ_INT(reports_get(&rep, ar, s, T1, id, &e), 0);
	T_EQ_STR(rep.area, "toei");
	T_EQ_STR(rep.outside, "東京都");
	T_EQ_INT(reports_get(&rep, ar, s, T2, id, &e), ERR_NOTFOUND);
	arena_free(ar);
}

static int hist_n;
static int hist_cb(void *arg, const struct reports_event *ev)
{
	(void)arg;
	(void)ev;
	hist_n++;
	return 0;
}

static void test_states(void)
{
	wipe();
	struct err e;
	struct reports_new n = valid();
	int64_t id;
	int again;
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW, &e), 0);
	T_EQ_INT(reports_set_state(s, T1, id, REPORTS_RECEIVED, REPORTS_RECEIVED, "", 1, "x", NOW, &e), ERR_INVALID);
	T_EQ_INT(reports_set_state(s, T1, id, REPORTS_RECEIVED, REPORTS_DECLINED, "", 1, "x", NOW, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "note");
	T_EQ_INT(reports_set_state(s, T1, id, REPORTS_RECEIVED, REPORTS_IN_PROGRESS, "", 1, "demo-machi", NOW + 1, &e), 0);
	/* the member saw received: someone changed it first */
	T_EQ_INT(reports_set_state(s, T1, id, REPORTS_RECEIVED, REPORTS_DONE, "", 2, "other", NOW + 2, &e), ERR_CONFLICT);
	T_EQ_INT(reports_set_state(s, T1, id, REPORTS_IN_PROGRESS, REPORTS_RECEIVED, "", 1, "x", NOW, &e), ERR_INVALID);
	T_EQ_INT(reports_set_state(s, T1, id, REPORTS_IN_PROGRESS, REPORTS_TRANSFERRED, "東京都へ", 1, "demo-machi", NOW + 3, &e), 0);
	T_EQ_INT(reports_set_state(s, T2, id, REPORTS_TRANSFERRED, REPORTS_DONE, "", 1, "x", NOW, &e), ERR_NOTFOUND);
	struct arena *ar = arena_new(1 << 20);
	struct reports_report rep;
	T_EQ_INT(reports_get(&rep, ar, s, T1, id, &e), 0);
	T_EQ_INT(rep.state, REPORTS_TRANSFERRED);
	T_EQ_STR(rep.note, "東京都へ");
	T_CHECK(!reports_state_open(rep.state));
	T_EQ_STR(reports_open311_status(rep.state), "closed");
	T_EQ_STR(reports_open311_status(REPORTS_IN_PROGRESS), "open");
	hist_n = 0;
	T_EQ_INT(reports_history_each(s, T1, id, ar, hist_cb, NULL, &e), 3);
	T_EQ_INT(hist_n, 3);
	/* reassignment */
	T_EQ_INT(reports_assign(s, T1, id, "midori", "", "", "みどりへ", 1, "x", NOW + 4, &e), 0);
	T_EQ_INT(reports_assign(s, T1, id, "nosuch", "", "", "", 1, "x", NOW + 4, &e), ERR_INVALID);
	T_EQ_INT(reports_get(&rep, ar, s, T1, id, &e), 0);
	T_EQ_STR(rep.dept, "midori");
	/* lists by state */
	struct reports_query q = { .state = REPORTS_NSTATES, .limit = 10 };
	T_EQ_INT(reports_list(s, T1, &q, ar, (int (*)(void *, const struct reports_report *))hist_cb, NULL, &e), 0);
	q = (struct reports_query){ .state = -1, .closed_only = 1, .limit = 10 };
	T_EQ_INT(reports_list(s, T1, &q, ar, (int (*)(void *, const struct reports_report *))hist_cb, NULL, &e), 1);
	q = (struct reports_query){ .state = -1, .dept = "midori", .limit = 10 };
	T_EQ_INT(reports_list(s, T1, &q, ar, (int (*)(void *, const struct reports_report *))hist_cb, NULL, &e), 1);
	arena_free(ar);
}

static void test_nearby(void)
{
	wipe();
	struct err e;
	/* at 35.7 N a degree of latitude is about 110.95 km: 360 millionths is
	 * about 40 m, 540 about 60 m */
	const int64_t lat = 35700000, lon = 139640000;
	int64_t near, far, closed, other, id;
	int again;
	struct reports_new n = valid();
	n.lat_e6 = lat + 360;
	reports_submit(&near, &again, s, T1, &n, NOW, &e);
	n = valid();
	n.lat_e6 = lat + 540;
	reports_submit(&far, &again, s, T1, &n, NOW, &e);
	n = valid();
	n.lat_e6 = lat + 100;
	reports_submit(&closed, &again, s, T1, &n, NOW, &e);
	reports_set_state(s, T1, closed, REPORTS_RECEIVED, REPORTS_DONE, "", 1, "x", NOW, &e);
	n = valid();
	n.category = "tree";
	reports_submit(&other, &again, s, T1, &n, NOW, &e);
	int64_t ids[10];
	int k = reports_nearby(ids, 10, s, T1, "pothole", lat, lon, REPORTS_NEARBY_M, &e);
	T_EQ_INT(k, 1);
	T_CHECK(k == 1 && ids[0] == near);
	T_EQ_INT(reports_nearby(ids, 10, s, T2, "pothole", lat, lon, REPORTS_NEARBY_M, &e), 0);
	/* east-west too: 50 m of longitude at 35.7 N is about 553 millionths */
	n = valid();
	n.lon_e6 = lon - 500;
	reports_submit(&id, &again, s, T1, &n, NOW, &e);
	k = reports_nearby(ids, 10, s, T1, "pothole", lat, lon, REPORTS_NEARBY_M, &e);
	T_EQ_INT(k, 2);
	T_CHECK(k == 2 && ids[0] == near && ids[1] == id);   /* nearest first */
	/* the distance against the equirectangular approximation, good to
	 * well under a metre at these distances */
	double x = (500e-6 * M_PI / 180) * cos(35.7 * M_PI / 180) * 6371008.8;
	T_CHECK(fabs(reports_distance_m(lat, lon, lat, lon - 500) - x) < 0.5);
	double y = (540e-6 * M_PI / 180) * 6371008.8;
	T_CHECK(fabs(reports_distance_m(lat, lon, lat + 540, lon) - y) < 0.5);
}

static int find(const unsigned char *p, size_t n, const char *what)
{
	size_t k = strlen(what);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(p + i, what, k))
			return 1;
	return 0;
}

static void test_photos(void)
{
	wipe();
	FILE *f = fopen("tests/data/image/gps-orient6.jpg", "rb");
	T_REQUIRE(f != NULL);
	static unsigned char buf[1 << 20];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	T_CHECK(find(buf, len, "Exif"));
	struct reports_photo_copies c;
	struct image_gps gps;
	struct err e;
	T_EQ_INT(reports_photo_prepare(&c, &gps, buf, len, &e), 0);
	T_CHECK(gps.present);
	T_CHECK(!find(c.large.data, c.large.len, "Exif") && !find(c.small.data, c.small.len, "Exif"));
	T_CHECK(!c.large.gps.present);
	struct reports_new n = valid();
	n.photos = &c;
	n.nphotos = 1;
	int64_t id;
	int again;
	T_EQ_INT(reports_submit(&id, &again, s, T1, &n, NOW, &e), 0);
	reports_photo_copies_done(&c);
	struct arena *ar = arena_new(4 << 20);
	const void *d;
	size_t l;
	const char *mime;
	int hidden = -1;
	T_EQ_INT(reports_photo_bytes(&d, &l, &mime, &hidden, ar, s, T1, id, 1, 0, &e), 0);
	T_EQ_STR(mime, "image/jpeg");
	T_EQ_INT(hidden, 0);
	T_CHECK(l > 100 && !find(d, l, "Exif"));
	T_EQ_INT(reports_photo_bytes(&d, &l, &mime, &hidden, ar, s, T2, id, 1, 0, &e), ERR_NOTFOUND);
	T_EQ_INT(reports_photo_bytes(&d, &l, &mime, &hidden, ar, s, T1, id, 2, 0, &e), ERR_NOTFOUND);
	/* moderation */
	T_EQ_INT(reports_hide(s, T1, id, 1, 1, "", 1, "x", NOW, &e), ERR_INVALID);
	T_EQ_INT(reports_hide(s, T1, id, 1, 1, "顔が写っている", 1, "x", NOW, &e), 0);
	T_EQ_INT(reports_photo_bytes(&d, &l, &mime, &hidden, ar, s, T1, id, 1, 1, &e), 0);
	T_EQ_INT(hidden, 1);
	T_EQ_INT(reports_hide(s, T1, id, 3, 1, "x", 1, "x", NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(reports_hide(s, T1, id, 0, 1, "個人名", 1, "x", NOW, &e), 0);
	struct reports_report rep;
	T_EQ_INT(reports_get(&rep, ar, s, T1, id, &e), 0);
	T_EQ_INT(rep.desc_hidden, 1);
	T_EQ_INT(rep.nphotos, 1);
	T_EQ_INT(rep.nphotos_shown, 0);
	T_EQ_INT(reports_hide(s, T1, id, 0, 0, NULL, 1, "x", NOW, &e), 0);
	T_EQ_INT(reports_get(&rep, ar, s, T1, id, &e), 0);
	T_EQ_INT(rep.desc_hidden, 0);
	arena_free(ar);
	/* not an image */
	T_EQ_INT(reports_photo_prepare(&c, &gps, "GIF89a", 6, &e), ERR_INVALID);
}

static void test_apikeys(void)
{
	struct err e;
	char key[REPORTS_APIKEY_LEN + 1];
	int64_t id, got;
	T_EQ_INT(reports_apikey_add(&id, key, s, T1, "", NOW, &e), ERR_INVALID);
	T_EQ_INT(reports_apikey_add(&id, key, s, T1, "FixMyStreet (test)", NOW, &e), 0);
	T_EQ_INT((int)strlen(key), REPORTS_APIKEY_LEN);
	T_EQ_INT(reports_apikey_check(&got, s, T1, key, &e), 0);
	T_CHECK(got == id);
	T_EQ_INT(reports_apikey_check(&got, s, T2, key, &e), 0);
	T_CHECK(got == 0);
	char wrong[REPORTS_APIKEY_LEN + 1];
	memcpy(wrong, key, sizeof wrong);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	T_EQ_INT(reports_apikey_check(&got, s, T1, wrong, &e), 0);
	T_CHECK(got == 0);
	T_EQ_INT(count("SELECT count(*) FROM reports_apikeys WHERE hash = name OR length(hash) <> 64"), 0);
	T_EQ_INT(reports_apikey_revoke(s, T1, id, NOW, &e), 0);
	T_EQ_INT(reports_apikey_check(&got, s, T1, key, &e), 0);
	T_CHECK(got == 0);
	T_EQ_INT(reports_apikey_revoke(s, T1, id, NOW, &e), ERR_NOTFOUND);
}

int main(void)
{
	tdb_begin(&db, "reports");
	setup();
	T_RUN(test_check);
	T_RUN(test_idempotent);
	T_RUN(test_rate_limits);
	T_RUN(test_routing);
	T_RUN(test_states);
	T_RUN(test_nearby);
	T_RUN(test_photos);
	T_RUN(test_apikeys);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
