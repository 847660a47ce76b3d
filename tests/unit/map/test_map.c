/*
 * test_map.c -- the map service's domain (src/svc/map/): on both backends
 * (MADOGUCHI_TEST_DB; default a fresh SQLite file; on PostgreSQL the
 * schema mg_map_test, dropped at the end):
 *   - map_layer_check: a valid layer, then each rule broken once (names
 *     at 120 and 121 bytes, control characters, dataset names, local
 *     GeoJSON URLs against other origins, "..", queries and quotes,
 *     colours that are not #rrggbb — a script in a colour among them —,
 *     marker, widths, opacity, CRSs, a choropleth's property, breaks and
 *     join keys); class breaks and classes;
 *   - the coordinate columns of the REAL CSV files of ../shared/data
 *     (MADOGUCHI_SHARED_DATA; the expected columns found by an exact
 *     comparison of the decoded header with 緯度/経度, not by the code under
 *     test), every row a feature inside Japan or counted as skipped; the other namings
 *     (lat/lng, Latitude, full-width, IMI prefixes, 北緯/東経, geo.*, X/Y
 *     in a plane CRS and a geographic one);
 *   - PROJ: points of the plane rectangular coordinate system zone IX
 *     (EPSG:6677) against `cs2cs` (proj-bin) run here on the same points,
 *     and the zone's origin (36°N 139°50'E, the GSI's definition);
 *   - the table: save, list (public / staff), move, delete with positions
 *     kept 1..n, another municipality's layers apart, the 100-layer limit;
 *   - a layer's features read through the open data catalog (a GeoJSON
 *     and a CSV dataset made here), a choropleth joined from a values CSV,
 *     and the GeoJSON served: capped at MAP_FEATURES_MAX with
 *     "truncated", no raw "<" in it.
 */
#include "t.h"
#include "tdb.h"

#include <jansson.h>
#include <math.h>
#include <unistd.h>

#include "web/app.h"
#include "jp/csv.h"
#include "svc/map/map.h"
#include "svc/opendata/opendata.h"

static struct tdb db;
static struct store *s;
static char shared[512];

#define T1 "139998"
#define T2 "131059"
#define NOW 1765000000

static struct map_layer valid(void)
{
	return (struct map_layer){ .name_ja = "AED", .name_en = "AED", .source = MAP_SRC_DATASET,
				   .dataset = "demo-aed", .resource = "", .url = "", .crs = 4326,
				   .kind = MAP_POINTS, .color = "#c8102e", .marker = MAP_MARK_CIRCLE,
				   .line_width = 2, .fill_opacity = 50, .name_prop = "", .addr_prop = "",
				   .value_prop = "", .breaks = "", .join_dataset = "", .join_key = "",
				   .join_col = "", .on_default = 1 };
}

static const char *field_of(const struct map_layer *l)
{
	static struct map_problem p;
	p.field = NULL;
	return map_layer_check(l, &p) == 0 ? "" : p.field;
}

static void test_check(void)
{
	struct map_layer l = valid();
	T_EQ_STR(field_of(&l), "");
	char name[200];
	memset(name, 'a', 121);
	name[121] = '\0';
	l.name_ja = name;
	T_EQ_STR(field_of(&l), "name_ja");
	name[120] = '\0';
	T_EQ_STR(field_of(&l), "");
	l.name_ja = "";
	T_EQ_STR(field_of(&l), "name_ja");
	l.name_ja = "a\nb";
	T_EQ_STR(field_of(&l), "name_ja");
	l = valid();
	l.name_en = "x\x01";
	T_EQ_STR(field_of(&l), "name_en");
	static const char *const bad_ds[] = { "a", "Demo", "demo aed", "demo/aed", "../x", "" };
	for (size_t i = 0; i < sizeof bad_ds / sizeof bad_ds[0]; i++) {
		l = valid();
		l.dataset = bad_ds[i];
		T_EQ_STR(field_of(&l), "dataset");
	}
	l = valid();
	l.source = MAP_SRC_URL;
	l.url = "/disaster/shelters.geojson";
	T_EQ_STR(field_of(&l), "");
	l.url = "/api/x.json";
	T_EQ_STR(field_of(&l), "");
	static const char *const bad_url[] = { "//evil.example/x.geojson", "https://evil.example/x.geojson",
					       "/a/../b.geojson", "/x.geojson?a=1", "/x\".geojson", "/x.csv",
					       "disaster/shelters.geojson", "/a//b.geojson", "/x y.geojson",
					       "javascript:alert(1)//.json", "" };
	for (size_t i = 0; i < sizeof bad_url / sizeof bad_url[0]; i++) {
		l.url = bad_url[i];
		T_EQ_STR(field_of(&l), "url");
	}
	l.url = "/disaster/shelters.geojson";
	l.kind = MAP_CHOROPLETH;
	l.value_prop = "v";
	l.breaks = "1";
	T_EQ_STR(field_of(&l), "kind");   /* a choropleth needs a dataset */
	l = valid();
	l.source = 0;
	T_EQ_STR(field_of(&l), "source");
	static const char *const bad_color[] = { "red", "#12345g", "#12345", "#1234567",
						 "#123456\"><script>alert(1)</script>", "", "javascript:1" };
	for (size_t i = 0; i < sizeof bad_color / sizeof bad_color[0]; i++) {
		l = valid();
		l.color = bad_color[i];
		T_EQ_STR(field_of(&l), "color");
	}
	l = valid();
	l.color = "#A0b1C2";
	T_EQ_STR(field_of(&l), "");
	l.marker = 0;
	T_EQ_STR(field_of(&l), "marker");
	l = valid();
	l.marker = 4;
	T_EQ_STR(field_of(&l), "marker");
	l = valid();
	l.line_width = 0;
	T_EQ_STR(field_of(&l), "line_width");
	l.line_width = 13;
	T_EQ_STR(field_of(&l), "line_width");
	l.line_width = 12;
	T_EQ_STR(field_of(&l), "");
	l.fill_opacity = 101;
	T_EQ_STR(field_of(&l), "fill_opacity");
	l.fill_opacity = -1;
	T_EQ_STR(field_of(&l), "fill_opacity");
	l = valid();
	static const int good_crs[] = { 4326, 6668, 4612, 6669, 6677, 6687, 2443, 2451, 2461 };
	for (size_t i = 0; i < sizeof good_crs / sizeof good_crs[0]; i++) {
		l.crs = good_crs[i];
		T_EQ_STR(field_of(&l), "");
	}
	static const int bad_crs[] = { 0, 3857, 6688, 2442, 2462, 32654 };
	for (size_t i = 0; i < sizeof bad_crs / sizeof bad_crs[0]; i++) {
		l.crs = bad_crs[i];
		T_EQ_STR(field_of(&l), "crs");
	}
	l = valid();
	l.kind = 5;
	T_EQ_STR(field_of(&l), "kind");
	l = valid();
	l.name_prop = "na<me";
	T_EQ_STR(field_of(&l), "name_prop");
	/* a choropleth */
	l = valid();
	l.kind = MAP_CHOROPLETH;
	T_EQ_STR(field_of(&l), "value_prop");
	l.value_prop = "全壊棟数";
	T_EQ_STR(field_of(&l), "breaks");
	l.breaks = "20,50,80";
	T_EQ_STR(field_of(&l), "");
	l.join_dataset = "demo-map-damage";
	T_EQ_STR(field_of(&l), "join_key");
	l.join_key = "code";
	T_EQ_STR(field_of(&l), "join_col");
	l.join_col = "町丁目コード";
	T_EQ_STR(field_of(&l), "");
}

static void test_breaks(void)
{
	double b[MAP_BREAKS_MAX];
	T_EQ_INT(map_breaks_parse(b, "20,50,80"), 3);
	T_CHECK(b[0] == 20 && b[1] == 50 && b[2] == 80);
	T_EQ_INT(map_breaks_parse(b, " 1.5 , 2 "), 2);
	T_EQ_INT(map_breaks_parse(b, "-10,0,10"), 3);
	T_EQ_INT(map_breaks_parse(b, "1,2,3,4,5,6,7"), 7);
	T_EQ_INT(map_breaks_parse(b, "1,2,3,4,5,6,7,8"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "50,20"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "20,20"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "a"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "1,"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, ""), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "1e999"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "nan"), ERR_INVALID);
	T_EQ_INT(map_breaks_parse(b, "20,50,80"), 3);
	T_EQ_INT(map_class_of(0, b, 3), 0);
	T_EQ_INT(map_class_of(19.99, b, 3), 0);
	T_EQ_INT(map_class_of(20, b, 3), 1);
	T_EQ_INT(map_class_of(79, b, 3), 2);
	T_EQ_INT(map_class_of(80, b, 3), 3);
	T_EQ_INT(map_class_of(1e9, b, 3), 3);
	/* each class its own colour, light to dark */
	for (int n = 1; n <= 8; n++)
		for (int c = 1; c < n; c++)
			T_CHECK(strcmp(map_class_color(c - 1, n), map_class_color(c, n)) != 0);
	T_EQ_STR(map_class_color(0, 4), "#ffffcc");
	T_EQ_STR(map_class_color(3, 4), "#b10026");
}

/* ---- coordinate columns ---- */

struct hdr {
	char *f[JP_CSV_FIELDS_MAX];
	int nf;
	int done;
	long records;
};

static int on_header(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)line;
	(void)len;
	struct hdr *h = arg;
	h->records++;
	if (h->done)
		return 0;
	h->done = 1;
	h->nf = nf;
	for (int i = 0; i < nf; i++)
		h->f[i] = strdup(f[i]);
	return 0;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long sz = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *p = malloc((size_t)sz + 1);
	if (p && fread(p, 1, (size_t)sz, fp) != (size_t)sz) {
		free(p);
		p = NULL;
	}
	fclose(fp);
	if (p) {
		p[sz] = '\0';
		*n = (size_t)sz;
	}
	return p;
}

static int exact(const struct hdr *h, const char *name)
{
	for (int i = 0; i < h->nf; i++)
		if (strcmp(h->f[i], name) == 0)
			return i;
	return -1;
}

static void test_real_files(void)
{
	static const char *const files[] = {
		"opendata/kiyose_132217_public_toilet.csv", "opendata/koto_GIS_131083_public_toilet.csv",
		"opendata/yaizu_222127_aed.csv", "opendata/yaizu_222127_evacuation_space.csv",
		"opendata/yaizu_222127_fire_hydrant.csv", "opendata/yaizu_222127_hinannjo.csv",
		"opendata/yaizu_222127_preschool.csv", "opendata/yaizu_222127_public_facility-59773.csv",
		"opendata/yaizu_222127_public_toilet.csv", "opendata/yaizu_222127_public_wireless_lan.csv",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", shared, files[i]);
		size_t n = 0;
		char *data = slurp(path, &n);
		if (!data) {
			T_FAIL_("# cannot read %s (set MADOGUCHI_SHARED_DATA)", path);
			continue;
		}
		struct hdr h = { 0 };
		struct jp_csv_reader r;
		jp_csv_reader_init(&r, on_header, &h);
		struct err e;
		T_EQ_INT(jp_csv_reader_feed(&r, data, n, &e), 0);
		jp_csv_reader_finish(&r, &e);
		jp_csv_reader_done(&r);
		int north, east, name, addr;
		T_EQ_INT(map_csv_coord_columns(&north, &east, &name, &addr, h.nf, (const char *const *)h.f, 0), 0);
		T_EQ_INT(north, exact(&h, "緯度"));
		T_EQ_INT(east, exact(&h, "経度"));
		T_CHECK(north >= 0 && east >= 0);
		int want_name = exact(&h, "名称");
		if (want_name >= 0)
			T_EQ_INT(name, want_name);
		struct map_layer l = valid();
		struct map_features fs;
		T_EQ_INT(map_features_parse(&fs, &l, data, n, 1, NULL, 0, &e), 0);
		/* every data row is a feature or counted as skipped; 清瀬市's
		 * file has no coordinates at all (its 緯度/経度 cells are empty) */
		T_EQ_INT(fs.n + fs.skipped, h.records - 1);
		if (strstr(files[i], "kiyose"))
			T_EQ_INT(fs.n, 0);
		else
			T_CHECK(fs.n > 0);
		int inside = 1;
		for (int k = 0; k < fs.n; k++)
			if (fs.f[k].lat < 20 || fs.f[k].lat > 46 || fs.f[k].lon < 122 || fs.f[k].lon > 154)
				inside = 0;
		T_CHECK(inside);
		if (!inside)
			printf("# %s: %d features, %ld skipped\n", files[i], fs.n, fs.skipped);
		map_features_done(&fs);
		for (int k = 0; k < h.nf; k++)
			free(h.f[k]);
		free(data);
	}
}

static void cols(const char *const *hdr, int nf, int plane, int want_north, int want_east)
{
	int north, east, name, addr;
	int rc = map_csv_coord_columns(&north, &east, &name, &addr, nf, hdr, plane);
	T_EQ_INT(rc, want_north >= 0 ? 0 : ERR_NOTFOUND);
	if (want_north >= 0) {
		T_EQ_INT(north, want_north);
		T_EQ_INT(east, want_east);
	}
}

static void test_namings(void)
{
	cols((const char *const[]){ "name", "lat", "lng" }, 3, 0, 1, 2);
	cols((const char *const[]){ "Longitude", "Latitude", "name" }, 3, 0, 1, 0);
	cols((const char *const[]){ "ｌａｔ", "ｌｏｎ" }, 2, 0, 0, 1);
	cols((const char *const[]){ "ID", "所在地_緯度", "所在地_経度" }, 3, 0, 1, 2);
	cols((const char *const[]){ "北緯", "東経" }, 2, 0, 0, 1);
	cols((const char *const[]){ "geo.longitude", "geo.latitude" }, 2, 0, 1, 0);
	cols((const char *const[]){ "lat", "long" }, 2, 0, 0, 1);
	/* X/Y: longitude X in a geographic CRS; north X in a plane one */
	cols((const char *const[]){ "名称", "X", "Y" }, 3, 0, 2, 1);
	cols((const char *const[]){ "名称", "X", "Y" }, 3, 1, 1, 2);
	cols((const char *const[]){ "名称", "X座標", "Y座標" }, 3, 1, 1, 2);
	cols((const char *const[]){ "名称", "住所" }, 2, 0, -1, -1);
	cols((const char *const[]){ "緯度" }, 1, 0, -1, -1);
	/* name and address */
	int n, e2, name, addr;
	map_csv_coord_columns(&n, &e2, &name, &addr, 4, (const char *const[]){ "緯度", "経度", "所在地_連結表記", "施設名" }, 0);
	T_EQ_INT(name, 3);
	T_EQ_INT(addr, 2);
}

/* ---- PROJ ---- */

static void test_proj(void)
{
	/* zone IX's origin (GSI: 36°00'N 139°50'E) */
	double x[3] = { 0, -9442.224, -8355.383 }, y[3] = { 0, -33833.234, -32946.782 };
	struct err e;
	T_EQ_INT(map_crs_to_wgs84(x, y, 3, 6677, &e), 0);
	T_CHECK(fabs(y[0] - 36.0) < 1e-9);
	T_CHECK(fabs(x[0] - (139.0 + 50.0 / 60.0)) < 1e-9);
	/* cs2cs on the same points (EPSG:6677 in its official order X north,
	 * Y east; EPSG:4326 out as latitude longitude) */
	FILE *p = popen("printf '%s\\n' '-33833.234 -9442.224' '-32946.782 -8355.383' | "
			"cs2cs -f '%.10f' EPSG:6677 EPSG:4326", "r");
	T_REQUIRE(p != NULL);
	for (int i = 1; i < 3; i++) {
		double la = 0, lo = 0;
		int got = fscanf(p, "%lf %lf %*f", &la, &lo);
		T_EQ_INT(got, 2);
		T_CHECK(fabs(y[i] - la) < 1e-8);
		T_CHECK(fabs(x[i] - lo) < 1e-8);
		if (fabs(y[i] - la) >= 1e-8 || fabs(x[i] - lo) >= 1e-8)
			printf("# point %d: ours %.10f %.10f, cs2cs %.10f %.10f\n", i, y[i], x[i], la, lo);
	}
	T_EQ_INT(pclose(p), 0);
	/* a JGD2000 zone and the geographic ones (unchanged) */
	double gx = 139.7, gy = 35.7;
	T_EQ_INT(map_crs_to_wgs84(&gx, &gy, 1, 6668, &e), 0);
	T_CHECK(gx == 139.7 && gy == 35.7);
	double jx = 0, jy = 0;
	T_EQ_INT(map_crs_to_wgs84(&jx, &jy, 1, 2451, &e), 0);   /* JGD2000 zone IX */
	T_CHECK(fabs(jy - 36.0) < 1e-6 && fabs(jx - (139.0 + 50.0 / 60.0)) < 1e-6);
	T_EQ_INT(map_crs_to_wgs84(&jx, &jy, 1, 3857, &e), ERR_INVALID);
}

/* ---- the table ---- */

static void setup(void)
{
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# cannot open the database: %s\n", e.detail);
		exit(1);
	}
	int applied = 0;
	if (app_migrate(s, &applied, &e) != 0) {
		printf("# migrate: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	if (tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("# tenant: %s\n", e.detail);
		exit(1);
	}
}

static int64_t add(const char *tenant, const char *name, int staff_only)
{
	struct map_layer l = valid();
	l.name_ja = name;
	l.staff_only = staff_only;
	int64_t id = 0;
	struct err e;
	struct map_problem p;
	T_EQ_INT(map_layer_save(&id, s, tenant, &l, &p, NOW, &e), 0);
	return id;
}

static void order(const char *want)
{
	struct arena *a = arena_new(1u << 20);
	struct map_layer *ls;
	int n;
	struct err e;
	T_EQ_INT(map_layers_list(&ls, &n, a, s, T1, 1, &e), 0);
	char got[256] = "";
	for (int i = 0; i < n; i++) {
		T_EQ_INT(ls[i].position, i + 1);
		strncat(got, ls[i].name_ja, sizeof got - strlen(got) - 1);
	}
	T_EQ_STR(got, want);
	arena_free(a);
}

static void test_table(void)
{
	struct err e;
	int64_t a = add(T1, "A", 0), b = add(T1, "B", 1), c = add(T1, "C", 0);
	add(T2, "Z", 0);
	order("ABC");
	struct arena *ar = arena_new(1u << 20);
	struct map_layer *ls;
	int n;
	T_EQ_INT(map_layers_list(&ls, &n, ar, s, T1, 0, &e), 0);
	T_EQ_INT(n, 2);   /* B is staff-only */
	T_EQ_STR(ls[0].name_ja, "A");
	T_EQ_STR(ls[1].name_ja, "C");
	struct map_layer got;
	T_EQ_INT(map_layer_get(&got, ar, s, T1, b, &e), 0);
	T_EQ_INT(got.staff_only, 1);
	T_EQ_STR(got.color, "#c8102e");
	T_EQ_INT(map_layer_get(&got, ar, s, T2, b, &e), ERR_NOTFOUND);
	arena_free(ar);
	T_EQ_INT(map_layer_move(s, T1, c, -1, &e), 0);
	order("ACB");
	T_EQ_INT(map_layer_move(s, T1, a, -1, &e), 0);   /* at the top: nothing */
	order("ACB");
	T_EQ_INT(map_layer_move(s, T1, a, 1, &e), 0);
	order("CAB");
	T_EQ_INT(map_layer_move(s, T2, a, 1, &e), ERR_NOTFOUND);
	T_EQ_INT(map_layer_delete(s, T1, c, &e), 0);
	order("AB");
	T_EQ_INT(map_layer_delete(s, T1, c, &e), ERR_NOTFOUND);
	/* an update keeps the position; a bad one stores nothing */
	struct map_layer l = valid();
	l.id = b;
	l.name_ja = "B2";
	int64_t id;
	struct map_problem p;
	T_EQ_INT(map_layer_save(&id, s, T1, &l, &p, NOW, &e), 0);
	order("AB2");
	l.color = "blue";
	T_EQ_INT(map_layer_save(&id, s, T1, &l, &p, NOW, &e), ERR_INVALID);
	T_EQ_STR(p.field, "color");
	order("AB2");
	l = valid();
	l.id = 999999;
	T_EQ_INT(map_layer_save(&id, s, T1, &l, &p, NOW, &e), ERR_NOTFOUND);
	/* at most MAP_LAYERS_MAX */
	for (int i = 2; i < MAP_LAYERS_MAX; i++)
		add(T1, "x", 0);
	l = valid();
	T_EQ_INT(map_layer_save(&id, s, T1, &l, &p, NOW, &e), ERR_LIMIT);
	store_exec(s, "DELETE FROM map_layers", NULL, 0, NULL);
}

/* ---- features through the catalog ---- */

static void dataset(const char *name, const char *file, const char *format, const char *data)
{
	struct err e;
	char id[OPENDATA_ID_LEN + 1];
	int created;
	struct opendata_dataset d = { .name = name, .title = name, .org_name = "bosai", .license_id = "cc-by-4.0" };
	T_EQ_INT(opendata_dataset_put(id, &created, s, T1, &d, NOW, &e), 0);
	T_EQ_INT(opendata_resource_put(NULL, s, T1, id, &(struct opendata_resource_in){
		.name = file, .format = format, .mimetype = "text/plain", .data = data, .len = strlen(data) }, NOW, &e), 0);
}

static void test_features(void)
{
	struct err e;
	T_EQ_INT(opendata_licenses_seed(s, T1, &e), 0);
	struct opendata_org o = { .name = "bosai", .title = "防災課" };
	T_EQ_INT(opendata_org_put(NULL, s, T1, &o, NOW, &e), 0);
	dataset("t-points", "p.csv", "CSV",
		"施設名,所在地,Latitude,Longitude\n"
		"<script>alert(1)</script>,東京都デモ区1-1,35.70,139.73\n"
		"公園&トイレ,東京都デモ区2-2,35.71,139.74\n"
		"no point,東京都デモ区3-3,,\n");
	dataset("t-areas", "a.geojson", "GeoJSON",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"A1\",\"name\":\"一丁目\",\"v\":5},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.7,35.7],[139.71,35.7],[139.71,35.71],[139.7,35.7]]]}},"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"A2\",\"name\":\"二丁目\",\"v\":60},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.71,35.7],[139.72,35.7],[139.72,35.71],[139.71,35.7]]]}},"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"A3\",\"name\":\"三丁目\"},"
		"\"geometry\":null}]}");
	dataset("t-values", "v.csv", "CSV", "key,estimate\nA1,30\nA2,90\nA9,1\n");
	struct map_layer l = valid();
	l.dataset = "t-points";
	struct map_features fs;
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), 0);
	T_EQ_INT(fs.n, 2);
	T_EQ_INT(fs.skipped, 1);
	T_EQ_STR(fs.f[0].name, "<script>alert(1)</script>");
	T_EQ_STR(fs.f[0].addr, "東京都デモ区1-1");
	T_CHECK(fabs(fs.f[1].lat - 35.71) < 1e-12 && fabs(fs.f[1].lon - 139.74) < 1e-12);
	struct buf b;
	buf_init(&b, MAP_GEOJSON_MAX);
	T_EQ_INT(map_features_geojson(&b, &fs, &e), 0);
	T_CHECK(strchr(buf_cstr(&b), '<') == NULL && strchr(buf_cstr(&b), '&') == NULL);
	json_t *j = json_loads(buf_cstr(&b), 0, NULL);
	T_REQUIRE(j != NULL);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(j, "features"), 0),
								   "properties"), "name")), "<script>alert(1)</script>");
	T_CHECK(json_is_false(json_object_get(j, "truncated")));
	json_decref(j);
	buf_done(&b);
	map_features_done(&fs);
	/* a choropleth of the areas' own property, then joined */
	l = valid();
	l.dataset = "t-areas";
	l.kind = MAP_CHOROPLETH;
	l.value_prop = "v";
	l.breaks = "10,50";
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), 0);
	T_EQ_INT(fs.n, 2);
	T_EQ_INT(fs.skipped, 1);
	T_CHECK(fs.f[0].has_value && fs.f[0].value == 5 && fs.f[0].cls == 0);
	T_CHECK(fs.f[1].has_value && fs.f[1].value == 60 && fs.f[1].cls == 2);
	map_features_done(&fs);
	l.join_dataset = "t-values";
	l.join_key = "code";
	l.join_col = "key";
	l.value_prop = "estimate";
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), 0);
	T_CHECK(fs.f[0].has_value && fs.f[0].value == 30 && fs.f[0].cls == 1);
	T_CHECK(fs.f[1].has_value && fs.f[1].value == 90 && fs.f[1].cls == 2);
	T_EQ_STR(fs.f[0].name, "一丁目");
	map_features_done(&fs);
	l.join_col = "nope";
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), ERR_INVALID);
	/* missing dataset, another municipality, a CSV without coordinates */
	l = valid();
	l.dataset = "t-missing";
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), ERR_NOTFOUND);
	l.dataset = "t-points";
	T_EQ_INT(map_features_load(&fs, s, T2, &l, &e), ERR_NOTFOUND);
	dataset("t-nocoords", "n.csv", "CSV", "名称,住所\na,b\n");
	l.dataset = "t-nocoords";
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), ERR_INVALID);
	l.source = MAP_SRC_URL;
	T_EQ_INT(map_features_load(&fs, s, T1, &l, &e), ERR_UNAVAILABLE);
}

static void test_caps(void)
{
	/* MAP_FEATURES_MAX + 10 points: the rest left out and said so */
	struct buf csv;
	buf_init(&csv, 4u << 20);
	buf_puts(&csv, "name,lat,lon\n");
	for (int i = 0; i < MAP_FEATURES_MAX + 10; i++)
		buf_printf(&csv, "p%d,35.%04d,139.7\n", i, i);
	struct map_layer l = valid();
	struct map_features fs;
	struct err e;
	T_EQ_INT(map_features_parse(&fs, &l, buf_cstr(&csv), csv.len, 1, NULL, 0, &e), 0);
	T_EQ_INT(fs.n, MAP_FEATURES_MAX);
	T_EQ_INT(fs.truncated, 1);
	struct buf b;
	buf_init(&b, MAP_GEOJSON_MAX);
	T_EQ_INT(map_features_geojson(&b, &fs, &e), 0);
	json_t *j = json_loads(buf_cstr(&b), 0, NULL);
	T_REQUIRE(j != NULL);
	T_EQ_INT((int)json_array_size(json_object_get(j, "features")), MAP_FEATURES_MAX);
	T_CHECK(json_is_true(json_object_get(j, "truncated")));
	json_decref(j);
	buf_done(&b);
	map_features_done(&fs);
	buf_done(&csv);
	/* a plane-CRS CSV is converted */
	const char *plane = "名称,X,Y\nA,0,0\n";
	l.crs = 6677;
	T_EQ_INT(map_features_parse(&fs, &l, plane, strlen(plane), 1, NULL, 0, &e), 0);
	T_EQ_INT(fs.n, 1);
	T_CHECK(fabs(fs.f[0].lat - 36.0) < 1e-9 && fabs(fs.f[0].lon - (139.0 + 50.0 / 60.0)) < 1e-9);
	map_features_done(&fs);
	/* not JSON, not a FeatureCollection */
	l.crs = 4326;
	T_EQ_INT(map_features_parse(&fs, &l, "{", 1, 0, NULL, 0, &e), ERR_INVALID);
	T_EQ_INT(map_features_parse(&fs, &l, "[]", 2, 0, NULL, 0, &e), ERR_INVALID);
}

int main(void)
{
	const char *sd = getenv("MADOGUCHI_SHARED_DATA");
	snprintf(shared, sizeof shared, "%s", sd && *sd ? sd : "../shared/data");
	T_RUN(test_check);
	T_RUN(test_breaks);
	T_RUN(test_namings);
	T_RUN(test_real_files);
	T_RUN(test_proj);
	T_RUN(test_caps);
	tdb_begin(&db, "map");
	setup();
	T_RUN(test_table);
	T_RUN(test_features);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
