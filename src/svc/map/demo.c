/*
 * demo.c -- what `madoguchi demo` adds for the fictional ward デモ区: the
 * map's open data (fictional public toilets as a CSV in the plane
 * rectangular coordinate system zone IX, EPSG:6677; four fictional 町丁目
 * polygons; a fictional earthquake damage estimate per 町丁目) and its
 * layers: AED (the catalog's demo-aed), toilets, the estimate as a
 * choropleth, and the shelters of /disaster/shelters.geojson.  Every name
 * and number is made up.  Runs after the open data demo (demo_after), and
 * once: a ward that has layers is left alone.
 */
#include "svc/map/map.h"
#include "svc/opendata/opendata.h"
#include "core/search/search.h"
#include "core/auth/auth.h"
#include "base/util.h"

#include <string.h>

/* X (north) and Y (east) in metres of zone IX, from
 * `cs2cs EPSG:4326 EPSG:6677` of three made-up points */
static const char toilets_csv[] =
	"名称,住所,X,Y,多機能トイレ\n"
	"日の出公園トイレ（デモ）,東京都デモ区日の出町1-5,-33833.234,-9442.224,有\n"
	"あじさい広場トイレ（デモ）,東京都デモ区あじさい町2-8,-32946.782,-8355.383,無\n"
	"もみじ緑地トイレ（デモ）,東京都デモ区もみじ町3-1,-31947.635,-9033.054,有\n";

static const char chome_geojson[] =
	"{\"type\":\"FeatureCollection\",\"features\":[\n"
	"{\"type\":\"Feature\",\"properties\":{\"code\":\"D01\",\"name\":\"日の出町一丁目（デモ）\"},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.725,35.690],[139.735,35.690],[139.735,35.7025],[139.725,35.7025],[139.725,35.690]]]}},\n"
	"{\"type\":\"Feature\",\"properties\":{\"code\":\"D02\",\"name\":\"日の出町二丁目（デモ）\"},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.735,35.690],[139.745,35.690],[139.745,35.7025],[139.735,35.7025],[139.735,35.690]]]}},\n"
	"{\"type\":\"Feature\",\"properties\":{\"code\":\"D03\",\"name\":\"あじさい町一丁目（デモ）\"},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.725,35.7025],[139.735,35.7025],[139.735,35.715],[139.725,35.715],[139.725,35.7025]]]}},\n"
	"{\"type\":\"Feature\",\"properties\":{\"code\":\"D04\",\"name\":\"あじさい町二丁目（デモ）\"},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.735,35.7025],[139.745,35.7025],[139.745,35.715],[139.735,35.715],[139.735,35.7025]]]}}\n"
	"]}\n";

static const char damage_csv[] =
	"町丁目コード,町丁目名,全壊棟数\n"
	"D01,日の出町一丁目（デモ）,12\n"
	"D02,日の出町二丁目（デモ）,48\n"
	"D03,あじさい町一丁目（デモ）,95\n"
	"D04,あじさい町二丁目（デモ）,30\n";

static int dataset(struct store *s, const char *tenant, const char *name, const char *title,
		   const char *title_en, const char *notes, const char *file, const char *format,
		   const char *mime, const char *data, int64_t now, struct err *e)
{
	char id[OPENDATA_ID_LEN + 1];
	int created;
	const struct opendata_dataset d = {
		.name = name, .title = title, .title_en = title_en, .notes = notes, .org_name = "bosai",
		.license_id = "cc-by-4.0", .spatial = "デモ区", .attribution = "出典：デモ区（架空のデータ）",
	};
	/* the dataset, its file and its place in the catalog's full-text
	 * projection (what fq and the facets read: organization, res_format)
	 * in one transaction, as `opendata import` does; the servers' indexes
	 * catch up from the projection's change log */
	struct search *sr = NULL;
	if (search_open(&sr, s, ":memory:", NULL, e) != 0)
		return ERR_INTERNAL;
	int rc = store_begin(s, e);
	if (rc == 0)
		rc = opendata_dataset_put(id, &created, s, tenant, &d, now, e);
	if (rc == 0)
		rc = opendata_resource_put(NULL, s, tenant, id, &(struct opendata_resource_in){
			.name = file, .format = format, .mimetype = mime, .data = data, .len = strlen(data) }, now, e);
	if (rc == 0)
		rc = opendata_search_put(sr, s, tenant, id, e);
	if (rc == 0)
		rc = store_commit(s, e);
	else if (store_in_tx(s))
		store_rollback(s);
	search_close(sr);
	return rc;
}

int map_demo(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_permission_add(s, tenant, "admin", MAP_PERM_ADMIN, &ev, e);
	if (rc && rc != ERR_CONFLICT)
		return rc;
	int64_t n;
	struct store_val v[] = { sv_text(tenant) };
	if ((rc = store_query_int(&n, s, "SELECT count(*) FROM map_layers WHERE tenant = $1", v, 1, e)))
		return rc;
	if (n > 0)
		return 0;
	int64_t now = now_ms() / 1000;
	if ((rc = dataset(s, tenant, "demo-map-toilets", "デモ区 公衆トイレ（地図のデモ）", "Demo Ward public toilets (map demo)",
			  "架空のデモ区の公衆トイレ。座標は平面直角座標系 第IX系（JGD2011, EPSG:6677）。",
			  "toilets.csv", "CSV", "text/csv", toilets_csv, now, e)) ||
	    (rc = dataset(s, tenant, "demo-map-chome", "デモ区 町丁目の区域（架空）", "Demo Ward districts (fictional)",
			  "架空のデモ区の町丁目の区域（ポリゴン）。", "chome.geojson", "GeoJSON",
			  "application/geo+json", chome_geojson, now, e)) ||
	    (rc = dataset(s, tenant, "demo-map-damage", "デモ区 地震被害想定 町丁目別（架空）",
			  "Demo Ward earthquake damage estimate by district (fictional)",
			  "架空の首都直下地震を想定した、町丁目ごとの全壊棟数の想定（デモ用の架空の値）。",
			  "damage.csv", "CSV", "text/csv", damage_csv, now, e)))
		return rc;
	const struct map_layer layers[] = {
		{ .name_ja = "AED", .name_en = "AED", .source = MAP_SRC_DATASET, .dataset = "demo-aed",
		  .resource = "", .crs = 4326, .kind = MAP_POINTS, .color = "#c8102e", .marker = MAP_MARK_CIRCLE,
		  .line_width = 2, .fill_opacity = 80, .on_default = 1 },
		{ .name_ja = "公衆トイレ", .name_en = "Public toilets", .source = MAP_SRC_DATASET,
		  .dataset = "demo-map-toilets", .resource = "", .crs = 6677, .kind = MAP_POINTS,
		  .color = "#1a5fb4", .marker = MAP_MARK_SQUARE, .line_width = 2, .fill_opacity = 80,
		  .on_default = 1 },
		{ .name_ja = "避難所", .name_en = "Shelters", .source = MAP_SRC_URL,
		  .url = "/disaster/shelters.geojson", .crs = 4326, .kind = MAP_POINTS, .color = "#2e7d32",
		  .marker = MAP_MARK_TRIANGLE, .line_width = 2, .fill_opacity = 80, .on_default = 1 },
		{ .name_ja = "地震被害想定（全壊棟数・架空）", .name_en = "Earthquake damage estimate (buildings, fictional)",
		  .source = MAP_SRC_DATASET, .dataset = "demo-map-chome", .resource = "", .crs = 4326,
		  .kind = MAP_CHOROPLETH, .color = "#b10026", .marker = MAP_MARK_CIRCLE, .line_width = 1,
		  .fill_opacity = 60, .value_prop = "全壊棟数", .breaks = "20,50,80",
		  .join_dataset = "demo-map-damage", .join_key = "code", .join_col = "町丁目コード",
		  .on_default = 0 },
	};
	for (size_t i = 0; rc == 0 && i < sizeof layers / sizeof layers[0]; i++) {
		int64_t id;
		struct map_problem p;
		rc = map_layer_save(&id, s, tenant, &layers[i], &p, now, e);
	}
	return rc;
}
