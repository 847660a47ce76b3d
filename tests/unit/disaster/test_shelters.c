/*
 * test_shelters.c -- the disaster service's domain on both backends
 * (MADOGUCHI_TEST_DB; default a fresh SQLite file; on PostgreSQL in the
 * schema mg_disaster_test):
 *   - disaster_key: an emergency site's and a designated shelter's 共通ID
 *     of one facility give one key; other shapes are their own key; bad ids
 *     refused;
 *   - the GSI files of ../shared/data/services (skipped, said so, when
 *     absent): both Suginami files and the 1,796-feature Yokohama file
 *     import with 0 rejected; the designated file merges into the emergency
 *     sites (73 updated, 5 new); importing all again updates every row and
 *     inserts none, and every shelter keeps its row id (compared before and
 *     after);
 *   - GSI CSV, UTF-8 and the same text in CP932: the same shelters; a CSV
 *     with broken rows names each by its physical line (a quoted field over
 *     two lines moves the count) and imports the others; a GeoJSON with
 *     broken features names each by its index and imports the others; a
 *     file of no known form imports nothing;
 *   - disaster_address_key: 丁目番号 and 1-17-3 forms, full width, kanji
 *     numerals; the Suginami 震災救援所 list: all 65 rows designated, then a
 *     list without two of them clears those two, and an unknown address is
 *     listed unmatched with its line;
 *   - the status: a change from an old version is ERR_CONFLICT and writes
 *     nothing; each accepted change is one history row; checks refuse bad
 *     values; stale after the limit;
 *   - disaster_list filters (hazard, state, text) and disaster_points.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "jp/cp932.h"
#include "svc/disaster/disaster.h"

static struct tdb db;
static struct store *s;
#define T1 "139998"
#define DATA "../shared/data/services/"
static const int64_t NOW = 1796000000;

static void setup(void)
{
	struct err e;
	if (store_open(&s, db.url, &e) != 0 || app_migrate(s, NULL, &e) != 0) {
		printf("# database: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (tenant_add(s, &t1, &e)) {
		printf("# tenant: %s\n", e.detail);
		exit(1);
	}
}

static void wipe(void)
{
	store_exec(s, "DELETE FROM disaster_status_history", NULL, 0, NULL);
	store_exec(s, "DELETE FROM disaster_status", NULL, 0, NULL);
	store_exec(s, "DELETE FROM disaster_shelters", NULL, 0, NULL);
}

static int64_t q_int(const char *sql)
{
	int64_t n = -1;
	store_query_int(&n, s, sql, NULL, 0, NULL);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

static int import_text(struct disaster_import_report *rep, const char *text)
{
	struct err e;
	int rc = disaster_import(rep, s, T1, text, strlen(text), NOW, &e);
	if (rc)
		printf("# import: %s\n", e.detail);
	return rc;
}

static void test_key(void)
{
	char a[DISASTER_KEY_MAX + 1], b[DISASTER_KEY_MAX + 1];
	T_EQ_INT(disaster_key(a, "E1311500049202"), 0);
	T_EQ_INT(disaster_key(b, "E1311500049112"), 0);
	T_EQ_STR(a, b);
	T_EQ_STR(a, "E13115000492");
	T_EQ_INT(disaster_key(a, "E1311500001201"), 0);
	T_EQ_STR(a, "E13115000011");
	/* the kind digits of neither kind: the id is its own key */
	T_EQ_INT(disaster_key(a, "E1311500001301"), 0);
	T_EQ_STR(a, "E1311500001301");
	T_EQ_INT(disaster_key(a, "ODF12345"), 0);
	T_EQ_STR(a, "ODF12345");
	T_EQ_INT(disaster_key(a, ""), ERR_INVALID);
	T_EQ_INT(disaster_key(a, "e1311500001201"), ERR_INVALID);
	T_EQ_INT(disaster_key(a, "E13115 00001201"), ERR_INVALID);
	T_EQ_INT(disaster_key(a, "E12345678901234567890123456789012"), ERR_INVALID);   /* 33 */
}

/* every shelter's key and id, "key=id;" in key order */
static char *ids_snapshot(void)
{
	struct store_rows *r;
	struct buf b;
	buf_init(&b, 1u << 22);
	if (store_query(&r, s, "SELECT key, id FROM disaster_shelters ORDER BY key", NULL, 0, NULL) == 0) {
		while (store_rows_next(r, NULL) == 1)
			buf_printf(&b, "%s=%lld;", store_col_text(r, 0), (long long)store_col_int(r, 1));
		store_rows_free(r);
	}
	return buf_steal(&b);
}

static int have_data(void)
{
	FILE *f = fopen(DATA "gsi_emergency_sites_suginami_131156.geojson", "rb");
	if (f)
		fclose(f);
	else
		printf("# skip: %s not found (run from the repository's root)\n", DATA);
	return f != NULL;
}

static void import_file(struct disaster_import_report *rep, const char *name)
{
	size_t n;
	char path[256];
	snprintf(path, sizeof path, DATA "%s", name);
	char *d = slurp(path, &n);
	T_REQUIRE(d);
	struct err e;
	T_EQ_INT(disaster_import(rep, s, T1, d, n, NOW, &e), 0);
	for (int i = 0; i < rep->nproblems; i++)
		printf("# %s: feature %ld line %ld: %s\n", name, rep->problems[i].feature, rep->problems[i].line,
		       rep->problems[i].en);
	free(d);
}

static void test_gsi_files(void)
{
	if (!have_data())
		return;
	wipe();
	struct disaster_import_report rep;
	import_file(&rep, "gsi_emergency_sites_suginami_131156.geojson");
	T_EQ_INT(rep.kind, DISASTER_KIND_EMERGENCY);
	T_EQ_INT(rep.rows, 76);
	T_EQ_INT(rep.inserted, 76);
	T_EQ_INT(rep.rejected, 0);
	import_file(&rep, "gsi_designated_shelters_suginami_131156.geojson");
	T_EQ_INT(rep.kind, DISASTER_KIND_DESIGNATED);
	T_EQ_INT(rep.rows, 78);
	T_EQ_INT(rep.rejected, 0);
	T_EQ_INT(rep.updated, 73);   /* 73 facilities are both */
	T_EQ_INT(rep.inserted, 5);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters"), 81);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE is_emergency = 1 AND is_designated = 1"), 73);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_status WHERE state = 'unopened' AND version = 0"), 81);
	import_file(&rep, "gsi_emergency_sites_yokohama_141003.geojson");
	T_EQ_INT(rep.rows, 1796);
	T_EQ_INT(rep.inserted, 1796);
	T_EQ_INT(rep.rejected, 0);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters"), 81 + 1796);
	/* a merged shelter: both ids, the designated name, the hazards */
	struct arena *a = arena_new(1u << 16);
	struct disaster_shelter sh;
	struct err e;
	T_REQUIRE(disaster_get(&sh, a, s, T1, "E13115000011", &e) == 0);
	T_EQ_STR(sh.emergency_id, "E1311500001201");
	T_EQ_STR(sh.designated_id, "E1311500001111");
	T_EQ_STR(sh.name, "杉並区立阿佐ヶ谷中学校");
	T_EQ_INT((int)sh.hazards, DISASTER_FLOOD | DISASTER_LANDSLIDE | DISASTER_EARTHQUAKE | DISASTER_FIRE |
				      DISASTER_INLAND_FLOOD);
	T_EQ_INT((int)sh.lat_e6, 35700322);
	arena_free(a);
	/* again: the same ids, nothing new */
	char *before = ids_snapshot();
	import_file(&rep, "gsi_designated_shelters_suginami_131156.geojson");
	T_EQ_INT(rep.inserted, 0);
	T_EQ_INT(rep.updated, 78);
	import_file(&rep, "gsi_emergency_sites_suginami_131156.geojson");
	T_EQ_INT(rep.inserted, 0);
	T_EQ_INT(rep.updated, 76);
	import_file(&rep, "gsi_emergency_sites_yokohama_141003.geojson");
	T_EQ_INT(rep.inserted, 0);
	T_EQ_INT(rep.updated, 1796);
	char *after = ids_snapshot();
	T_CHECK(before && after && strlen(before) > 1000);
	T_EQ_STR(before, after);
	free(before);
	free(after);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters"), 81 + 1796);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_status"), 81 + 1796);
}

#define CSV_HEAD "NO,共通ID,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,指定避難所との住所同一,緯度,経度,備考\n"

static void test_csv(void)
{
	wipe();
	static const char good[] = CSV_HEAD
		"1,E1399900001201,日の出小学校,東京都デモ区日の出町1-4-2,1,,,1,,1,,,1,35.6921,139.7321,\n"
		"2,E1399900002201,もみじ台中学校,東京都デモ区もみじ台3-2-8,,1,,1,,,,,1,35.7031,139.7498,校庭\n";
	struct disaster_import_report rep;
	T_EQ_INT(import_text(&rep, good), 0);
	T_EQ_INT(rep.geojson, 0);
	T_EQ_INT(rep.kind, DISASTER_KIND_EMERGENCY);
	T_EQ_INT(rep.inserted, 2);
	T_EQ_INT(rep.rejected, 0);
	T_EQ_INT(q_int("SELECT hazards FROM disaster_shelters WHERE key = 'E13999000011'"),
		 DISASTER_FLOOD | DISASTER_EARTHQUAKE | DISASTER_FIRE);
	T_EQ_INT(q_int("SELECT lon_e6 FROM disaster_shelters WHERE key = 'E13999000021'"), 139749800);
	/* the same rows in CP932: updated, not added */
	char *cp;
	size_t n;
	struct err e;
	T_REQUIRE(jp_utf8_to_cp932(&cp, &n, NULL, good, strlen(good), &e) == 0);
	T_EQ_INT(disaster_import(&rep, s, T1, cp, n, NOW, &e), 0);
	free(cp);
	T_EQ_INT(rep.updated, 2);
	T_EQ_INT(rep.inserted, 0);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE name_e = 'もみじ台中学校' AND note_e = '校庭'"), 1);
	/* broken rows by their physical line; the rest imported */
	static const char broken[] = CSV_HEAD
		"3,E1399900003201,あじさい公園,東京都デモ区あじさい町2-9-1,,,,1,,1,,,,35.7102,139.7370,\n"   /* line 2 ok */
		"4,,名無し,東京都デモ区,,,,1,,,,,,35.7,139.7,\n"                                              /* 3: no id */
		"5,E1399900005201,\"さくら通\n防災広場\",東京都デモ区さくら通1-12-3,1,,,1,,1,,,,35.6889,139.7402,\n" /* 4-5: a line break in a name */
		"6,E1399900006201,体育館,東京都デモ区日の出町3-7-1,1,,,1,,,,,,139.7290,35.7005,\n"             /* 6: swapped */
		"7,E1399900007201,広場,東京都デモ区日の出町3-8-1,2,,,1,,,,,,35.7,139.7,\n"                     /* 7: hazard 2 */
		"8,E1399900008201,北広場,東京都デモ区日の出町3-9-1,,,,1,,,,,,北緯35度,139.7,\n"                /* 8: latitude */
		"9,E1399900009201,南広場,東京都デモ区日の出町3-9-9,,,,1,,,,,,35.69,139.73,\n";                  /* 9: ok */
	T_EQ_INT(import_text(&rep, broken), 0);
	T_EQ_INT(rep.rows, 7);
	T_EQ_INT(rep.inserted, 2);
	T_EQ_INT(rep.rejected, 5);
	T_EQ_INT(rep.nproblems, 5);
	static const long lines[] = { 3, 4, 6, 7, 8 };
	for (int i = 0; i < 5 && i < rep.nproblems; i++) {
		T_EQ_INT(rep.problems[i].line, lines[i]);
		T_EQ_INT(rep.problems[i].feature, -1);
		T_CHECK(rep.problems[i].ja && rep.problems[i].en);
	}
	T_EQ_STR(rep.problems[0].field, "共通ID");
	T_EQ_STR(rep.problems[1].field, "施設・場所名");
	T_EQ_STR(rep.problems[2].field, "緯度・経度");
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters"), 4);
	/* a designated-shelter CSV (受入対象者) merges into the emergency site */
	static const char des[] = "NO,共通ID,施設・場所名,住所,指定緊急避難場所との住所同一,その他市町村長が必要と認める事項,受入対象者,緯度,経度,備考\n"
		"1,E1399900001111,デモ区立日の出小学校,東京都デモ区日の出町1-4-2,1,,要配慮者及びその家族,35.6921,139.7321,\n";
	T_EQ_INT(import_text(&rep, des), 0);
	T_EQ_INT(rep.kind, DISASTER_KIND_DESIGNATED);
	T_EQ_INT(rep.updated, 1);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE key = 'E13999000011' AND is_designated = 1"
		       " AND is_emergency = 1 AND accepts = '要配慮者及びその家族'"), 1);
	/* no known form: nothing imported */
	T_EQ_INT(disaster_import(&rep, s, T1, "a,b,c\n1,2,3\n", 12, NOW, &e), ERR_INVALID);
	T_EQ_INT(disaster_import(&rep, s, T1, "{\"type\":\"FeatureCollection\"", 27, NOW, &e), ERR_INVALID);
	T_EQ_INT(disaster_import(&rep, s, T1, "{\"features\":[{\"properties\":{\"x\":1}}]}", 38, NOW, &e), ERR_INVALID);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters"), 4);
}

#define F(id, name, lon, lat) "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" lon "," lat \
	"]},\"properties\":{\"共通ID\":\"" id "\",\"施設・場所名\":\"" name "\",\"住所\":\"東京都デモ区\",\"地震\":\"1\"}}"

static void test_geojson_broken(void)
{
	wipe();
	static const char g[] = "{\"type\":\"FeatureCollection\",\"features\":["
		F("E1399900001201", "一", "139.7", "35.7") ","                               /* 0 ok */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[139,35],[139.1,35]]},"
		"\"properties\":{\"共通ID\":\"E1399900002201\",\"施設・場所名\":\"線\",\"住所\":\"x\"}},"  /* 1 not a point */
		F("E1399900003201", "三", "139.7", "95.0") ","                               /* 2 latitude */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[139.7,35.7]},"
		"\"properties\":{\"共通ID\":1234,\"施設・場所名\":\"数\",\"住所\":\"x\"}},"           /* 3 id a number */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[139.7,35.7]},"
		"\"properties\":{\"共通ID\":\"E1399900005201\",\"施設・場所名\":\"五\",\"住所\":\"x\",\"洪水\":\"はい\"}}," /* 4 flag */
		F("E1399900006201", "六", "139.71", "35.71") "]}";                           /* 5 ok */
	struct disaster_import_report rep;
	T_EQ_INT(import_text(&rep, g), 0);
	T_EQ_INT(rep.geojson, 1);
	T_EQ_INT(rep.rows, 6);
	T_EQ_INT(rep.inserted, 2);
	T_EQ_INT(rep.rejected, 4);
	static const long idx[] = { 1, 2, 3, 4 };
	for (int i = 0; i < 4 && i < rep.nproblems; i++)
		T_EQ_INT(rep.problems[i].feature, idx[i]);
	/* a name over the limit */
	char big[4096];
	char name[DISASTER_NAME_MAX + 2];
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	snprintf(big, sizeof big, "{\"features\":[{\"geometry\":{\"type\":\"Point\",\"coordinates\":[139.7,35.7]},"
		 "\"properties\":{\"共通ID\":\"E1399900009201\",\"施設・場所名\":\"%s\",\"住所\":\"x\",\"地震\":\"1\"}}]}",
		 name);
	T_EQ_INT(import_text(&rep, big), 0);
	T_EQ_INT(rep.rejected, 1);
	T_EQ_INT(rep.problems[0].feature, 0);
}

static void test_address_key(void)
{
	static const char *const same[][2] = {
		{ "東京都杉並区阿佐谷南1丁目17番3号", "東京都杉並区阿佐谷南1-17-3" },
		{ "東京都杉並区阿佐谷南１丁目１７番３号", "東京都杉並区阿佐谷南1-17-3" },
		{ "東京都杉並区阿佐谷南一丁目17番3号", "東京都杉並区阿佐谷南１－１７－３" },
		{ "東京都杉並区天沼2丁目46番地3", "東京都杉並区天沼2-46-3" },
		{ "東京都 杉並区 天沼 2-46-3", "東京都杉並区天沼2丁目46番3号" },
		{ "東京都杉並区井草3丁目18番", "東京都杉並区井草3-18" },
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		char *a = NULL, *b = NULL;
		T_EQ_INT(disaster_address_key(&a, same[i][0], NULL), 0);
		T_EQ_INT(disaster_address_key(&b, same[i][1], NULL), 0);
		if (a && b && strcmp(a, b))
			printf("# %s -> %s, %s -> %s\n", same[i][0], a, same[i][1], b);
		T_CHECK(a && b && !strcmp(a, b));
		free(a);
		free(b);
	}
	char *a = NULL, *b = NULL;
	T_EQ_INT(disaster_address_key(&a, "東京都杉並区天沼2-46-3", NULL), 0);
	T_EQ_INT(disaster_address_key(&b, "東京都杉並区天沼2-46-30", NULL), 0);
	T_CHECK(a && b && strcmp(a, b));
	free(a);
	free(b);
}

static void test_designate(void)
{
	if (!have_data())
		return;
	wipe();
	struct disaster_import_report rep;
	import_file(&rep, "gsi_emergency_sites_suginami_131156.geojson");
	import_file(&rep, "gsi_designated_shelters_suginami_131156.geojson");
	size_t n;
	char *d = slurp(DATA "suginami_shinsai_kyuenjo_list.csv", &n);
	T_REQUIRE(d);
	struct disaster_designate_report dr;
	struct err e;
	T_EQ_INT(disaster_designate(&dr, s, T1, d, n, "震災救援所", NOW, &e), 0);
	T_EQ_INT(dr.rows, 65);
	T_EQ_INT(dr.matched, 65);
	T_EQ_INT(dr.unmatched, 0);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE ward_designation = '震災救援所'"), 65);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE key = 'E13115000011'"
		       " AND ward_designation = '震災救援所'"), 1);
	/* the list again without its first two rows, and one unknown row */
	const char *third = strchr(strchr(strchr(d, '\n') + 1, '\n') + 1, '\n') + 1;
	char *list = malloc(n + 200);
	snprintf(list, n + 200, "施設名,所在地\n架空小学校（震災救援所）,東京都杉並区架空町9丁目9番9号\n%s", third);
	T_EQ_INT(disaster_designate(&dr, s, T1, list, strlen(list), "震災救援所", NOW, &e), 0);
	T_EQ_INT(dr.rows, 64);
	T_EQ_INT(dr.matched, 63);
	T_EQ_INT(dr.cleared, 2);
	T_EQ_INT(dr.unmatched, 1);
	T_EQ_INT(dr.list[0].line, 2);
	T_EQ_STR(dr.list[0].name, "架空小学校（震災救援所）");
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE ward_designation = '震災救援所'"), 63);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_shelters WHERE key = 'E13115000011'"
		       " AND ward_designation IS NULL"), 1);
	/* a bad name for the designation, a file without the columns */
	T_EQ_INT(disaster_designate(&dr, s, T1, d, n, "", NOW, &e), ERR_INVALID);
	T_EQ_INT(disaster_designate(&dr, s, T1, "a,b\n1,2\n", 8, "震災救援所", NOW, &e), ERR_INVALID);
	free(list);
	free(d);
}

struct hist {
	int n;
	int64_t top;
};

static void hist_cb(const struct disaster_change *c, void *arg)
{
	struct hist *h = arg;
	if (h->n++ == 0)
		h->top = c->version;
}

static void test_status(void)
{
	wipe();
	struct disaster_import_report rep;
	T_REQUIRE(import_text(&rep, "{\"features\":[" F("E1399900001201", "一", "139.7", "35.7") ","
				    F("E1399900002201", "二", "139.8", "35.8") "]}") == 0);
	struct disaster_status st = { DISASTER_OPEN, 12, DISASTER_NEED_WATER, "水が足りない" };
	int64_t v = -1;
	struct err e;
	T_EQ_INT(disaster_status_set(&v, s, T1, "E13999000011", &st, 0, 0, "職員 一", NOW, &e), 0);
	T_EQ_INT(v, 1);
	/* the same version again: refused, nothing written */
	struct disaster_status st2 = { DISASTER_FULL, 99, 0, NULL };
	T_EQ_INT(disaster_status_set(&v, s, T1, "E13999000011", &st2, 0, 0, "職員 二", NOW, &e), ERR_CONFLICT);
	T_EQ_INT(q_int("SELECT people FROM disaster_status WHERE version = 1"), 12);
	T_EQ_INT(disaster_status_set(&v, s, T1, "E13999000011", &st2, 1, 0, "職員 二", NOW + 10, &e), 0);
	T_EQ_INT(v, 2);
	T_EQ_INT(disaster_status_set(&v, s, T1, "E13999000011", &st2, 5, 0, "職員 二", NOW, &e), ERR_CONFLICT);
	T_EQ_INT(disaster_status_set(&v, s, T1, "NOSUCH", &st2, 0, 0, NULL, NOW, &e), ERR_NOTFOUND);
	struct hist h = { 0 };
	T_EQ_INT(disaster_history(s, T1, "E13999000011", 10, hist_cb, &h, &e), 2);
	T_EQ_INT(h.n, 2);
	T_EQ_INT(h.top, 2);
	/* checks */
	struct disaster_status bad = { DISASTER_OPEN, -1, 0, NULL };
	T_EQ_INT(disaster_status_check(&bad, NULL, NULL), ERR_INVALID);
	bad.people = DISASTER_PEOPLE_MAX + 1;
	T_EQ_INT(disaster_status_set(&v, s, T1, "E13999000011", &bad, 2, 0, NULL, NOW, &e), ERR_INVALID);
	bad = (struct disaster_status){ DISASTER_OPEN, 0, 16, NULL };
	T_EQ_INT(disaster_status_check(&bad, NULL, NULL), ERR_INVALID);
	bad = (struct disaster_status){ (enum disaster_state)7, 0, 0, NULL };
	T_EQ_INT(disaster_status_check(&bad, NULL, NULL), ERR_INVALID);
	bad = (struct disaster_status){ DISASTER_OPEN, 0, 0, "改行\nあり" };
	T_EQ_INT(disaster_status_check(&bad, NULL, NULL), ERR_INVALID);
	T_EQ_INT(q_int("SELECT count(*) FROM disaster_status_history"), 2);
	/* stale */
	struct arena *a = arena_new(1u << 16);
	struct disaster_shelter sh;
	T_REQUIRE(disaster_get(&sh, a, s, T1, "E13999000011", &e) == 0);
	T_EQ_INT(sh.state, DISASTER_FULL);
	T_EQ_INT(sh.version, 2);
	T_CHECK(!disaster_is_stale(&sh, NOW + 10 + 3600, 3600));
	T_CHECK(disaster_is_stale(&sh, NOW + 10 + 3601, 3600));
	T_REQUIRE(disaster_get(&sh, a, s, T1, "E13999000021", &e) == 0);
	T_CHECK(!disaster_is_stale(&sh, NOW + 86400 * 365, 3600));   /* never changed */
	arena_free(a);
}

struct count {
	int n;
};

static void count_cb(const struct disaster_shelter *sh, void *arg)
{
	(void)sh;
	((struct count *)arg)->n++;
}

static void test_list(void)
{
	/* after test_status: 一 (earthquake, full), 二 (earthquake, unopened) */
	struct count c = { 0 };
	struct err e;
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .state = -1, .limit = 10 }, count_cb, &c, &e), 2);
	T_EQ_INT(c.n, 2);
	c.n = 0;
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .state = DISASTER_FULL, .limit = 10 }, count_cb, &c, &e), 1);
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .hazard = DISASTER_FLOOD, .state = -1, .limit = 10 },
			       count_cb, &c, &e), 0);
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .hazard = DISASTER_EARTHQUAKE, .state = -1, .limit = 10 },
			       count_cb, &c, &e), 2);
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .state = -1, .text = "二", .limit = 10 }, count_cb, &c, &e), 1);
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .state = -1, .text = "%", .limit = 10 }, count_cb, &c, &e), 0);
	T_EQ_INT(disaster_list(s, T1, &(struct disaster_query){ .state = -1, .limit = DISASTER_PAGE_MAX + 1 }, count_cb,
			       &c, &e), ERR_INVALID);
	struct arena *a = arena_new(1u << 16);
	struct disaster_point *p;
	int n;
	T_EQ_INT(disaster_points(&p, &n, a, s, T1, &e), 0);
	T_EQ_INT(n, 2);
	T_CHECK(n == 2 && p[0].lat == 35.7 && p[0].state == DISASTER_FULL && p[1].state == DISASTER_UNOPENED);
	arena_free(a);
}

int main(void)
{
	T_RUN(test_key);
	T_RUN(test_address_key);
	tdb_begin(&db, "disaster");
	setup();
	T_RUN(test_gsi_files);
	T_RUN(test_csv);
	T_RUN(test_geojson_broken);
	T_RUN(test_designate);
	T_RUN(test_status);
	T_RUN(test_list);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
