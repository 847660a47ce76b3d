/*
 * map.h -- the integrated map (統合型GIS): layers as data, and the
 * features a layer shows.
 *
 * A layer is a row of map_layers (one municipality's): its names (ja/en),
 * its source, its kind, its style, its order, whether it is on when the
 * map opens, and whether residents see it (staff_only 0) or only staff.
 * Staff edit layers from the browser (permission MAP_PERM_ADMIN); nothing
 * about a layer needs a developer.
 *
 * The contract of a source (how the map shows other services' data
 * without their headers):
 *   MAP_SRC_DATASET  a resource of the open data catalog (svc/opendata):
 *                    a GeoJSON FeatureCollection (points, lines,
 *                    polygons) or a CSV with coordinate columns in any of
 *                    the usual namings (map_csv_coord_columns: 緯度/経度,
 *                    lat/lon/lng/long/latitude/longitude, Y/X, 北緯/東経,
 *                    IMI and schema.org names), in the layer's CRS;
 *   MAP_SRC_URL      a same-origin path ("/disaster/shelters.geojson")
 *                    that answers a GeoJSON FeatureCollection in WGS84;
 *                    the browser loads it; when it does not answer the
 *                    layer is shown as unavailable.  The server does not
 *                    read it (no request to itself).
 * Coordinates: MAP_CRS_* names the CRS of the source; anything but
 * geographic WGS84/JGD2011/JGD2000 (EPSG:4326, 6668, 4612) is converted
 * with PROJ (map_crs_to_wgs84), never with formulas of ours.
 *
 * Invariants (map_layer_check, in the domain: every way in calls it):
 * names 1..MAP_NAME_MAX bytes (English may be empty); a dataset source
 * names a CKAN-shaped dataset name and optionally a resource name, a URL
 * source a local path ending in .geojson or .json without "//", "..",
 * quotes or a query; colour "#rrggbb"; marker one of circle square
 * triangle; line width 1..MAP_LINE_WIDTH_MAX; fill opacity 0..100 (%);
 * a choropleth names a numeric property and 1..MAP_BREAKS_MAX increasing
 * class breaks, and, when its values come from another dataset (a CSV of
 * values per 町丁目), the join: that dataset, the polygons' key property
 * and the values' key column.  At most MAP_LAYERS_MAX layers a
 * municipality.
 *
 * Served features are capped: at most MAP_FEATURES_MAX a layer and
 * MAP_GEOJSON_MAX bytes of GeoJSON (the rest is left out and the answer
 * says so: "truncated": true); a source larger than the catalog's own
 * limit is never read.  Library code: no logging; 0 or an ERR_*.
 */
#ifndef MADOGUCHI_SVC_MAP_MAP_H
#define MADOGUCHI_SVC_MAP_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

#define MAP_PERM_ADMIN "map.admin"

#define MAP_LAYERS_MAX 100          /* layers a municipality             */
#define MAP_NAME_MAX 120            /* bytes of a layer's name           */
#define MAP_DATASET_MAX 100         /* a dataset's name (CKAN slug)      */
#define MAP_RESOURCE_MAX 200        /* a resource's name                 */
#define MAP_URL_MAX 200             /* a local GeoJSON path              */
#define MAP_PROP_MAX 64             /* a property or column name         */
#define MAP_BREAKS_MAX 7            /* class breaks (8 classes)          */
#define MAP_BREAKS_TEXT_MAX 200
#define MAP_LINE_WIDTH_MAX 12
#define MAP_FEATURES_MAX 5000       /* features served a layer           */
#define MAP_GEOJSON_MAX (4u << 20)  /* bytes of a served layer           */
#define MAP_TEXT_MAX 200            /* a feature's name or address kept  */

extern const struct store_module_schema map_schema;

enum map_source { MAP_SRC_DATASET = 1, MAP_SRC_URL = 2 };
enum map_kind { MAP_POINTS = 1, MAP_LINES = 2, MAP_POLYGONS = 3, MAP_CHOROPLETH = 4 };
enum map_marker { MAP_MARK_CIRCLE = 1, MAP_MARK_SQUARE = 2, MAP_MARK_TRIANGLE = 3 };

/* the CRSs a layer's source may be in: the geographic ones as they are,
 * the 19 zones of the plane rectangular coordinate system (平面直角座標系)
 * on JGD2011 (EPSG:6669..6687) and on JGD2000 (EPSG:2443..2461) through
 * PROJ.  Tokyo's 23 wards are zone IX: EPSG:6677 (JGD2011). */
#define MAP_CRS_DEFAULT 4326
int map_crs_valid(int epsg);
/* map_crs_geographic -- 1 for EPSG:4326, 6668 (JGD2011), 4612 (JGD2000):
 * longitude/latitude taken as they are (the datums differ by centimetres) */
int map_crs_geographic(int epsg);

struct map_layer {
	int64_t id;
	const char *name_ja, *name_en;     /* en may be "" */
	enum map_source source;
	const char *dataset, *resource;    /* MAP_SRC_DATASET; resource "" : the
					      dataset's first GeoJSON, else its
					      first CSV */
	const char *url;                   /* MAP_SRC_URL                    */
	int crs;                           /* EPSG code of the source         */
	enum map_kind kind;
	const char *color;                 /* "#rrggbb"                      */
	enum map_marker marker;
	int line_width;                    /* px, 1..MAP_LINE_WIDTH_MAX      */
	int fill_opacity;                  /* %, 0..100                      */
	const char *name_prop, *addr_prop; /* "" : detected                  */
	/* choropleth */
	const char *value_prop;            /* numeric property or column     */
	const char *breaks;                /* "10,50,100": increasing        */
	const char *join_dataset;          /* "" : values are the polygons'   */
	const char *join_key;              /* the polygons' key property      */
	const char *join_col;              /* the values CSV's key column     */
	int position;                      /* order, 1 first (drawn first)   */
	int on_default;
	int staff_only;
};

/* what is wrong with a layer: the form's field and a message */
struct map_problem {
	const char *field;       /* "name_ja", "color", ...                  */
	const char *msg;         /* catalog id of the message                */
};

/* map_layer_check -- the invariants above; 0, or ERR_INVALID with *p
 * naming the field and the catalog message */
int map_layer_check(const struct map_layer *l, struct map_problem *p);

/* map_breaks_parse -- "10, 50,100" into out (at most MAP_BREAKS_MAX,
 * strictly increasing, finite): the count, or ERR_INVALID */
int map_breaks_parse(double *out, const char *s);
/* map_class_of -- the class (0..n) of value v for n breaks: the number of
 * breaks <= v */
int map_class_of(double v, const double *breaks, int n);
/* map_class_color -- the fill colour of class c of n+1 classes (a
 * sequential palette: ColorBrewer YlOrRd), "#rrggbb" */
const char *map_class_color(int c, int nclasses);

/* ---- the table (layer.c); strings of what is read come from a ---- */
struct arena;
/* map_layer_save -- insert (l->id 0; position: last) or update; *id the
 * row's.  Checks first (ERR_INVALID, p filled when not NULL); ERR_LIMIT
 * past MAP_LAYERS_MAX; ERR_NOTFOUND for an unknown id. */
int map_layer_save(int64_t *id, struct store *s, const char *tenant, const struct map_layer *l,
		   struct map_problem *p, int64_t now, struct err *e);
int map_layer_get(struct map_layer *out, struct arena *a, struct store *s, const char *tenant,
		  int64_t id, struct err *e);
/* map_layers_list -- every layer in order (staff_too 0: the public ones
 * only) into *out (from a), *n of them */
int map_layers_list(struct map_layer **out, int *n, struct arena *a, struct store *s,
		    const char *tenant, int staff_too, struct err *e);
int map_layer_delete(struct store *s, const char *tenant, int64_t id, struct err *e);
/* map_layer_move -- one place up (dir -1) or down (+1); positions stay
 * 1..n without gaps.  ERR_NOTFOUND for an unknown id; at an end nothing
 * changes. */
int map_layer_move(struct store *s, const char *tenant, int64_t id, int dir, struct err *e);

/* ---- coordinates (crs.c) ---- */
/* map_crs_to_wgs84 -- n points of EPSG:epsg, x the east-west value
 * (easting, or longitude) and y the north-south one (northing, or
 * latitude), whatever the CRS's official axis order, converted in place
 * to x = longitude, y = latitude (WGS84) with PROJ.  ERR_INVALID for a CRS
 * map_crs_valid refuses, ERR_UNAVAILABLE when PROJ cannot convert. */
int map_crs_to_wgs84(double *x, double *y, size_t n, int epsg, struct err *e);

/* ---- CSV coordinate columns (features.c) ---- */
/* map_csv_coord_columns -- the north-south and east-west columns of a
 * header, by the usual names after jp_text_fold: 緯度/経度, lat/latitude,
 * lon/lng/long/longitude, 北緯/東経, a prefixed IMI name ("所在地_緯度",
 * "位置_経度"), schema.org's geo.latitude/geo.longitude, and Y/X.  For a
 * plane CRS (plane 1) the Japanese survey convention holds: X (or X座標)
 * is the north-south value, Y the east-west one; for a geographic CRS
 * X is the longitude.  *north, *east 0-based, -1 when absent; the name
 * and address columns likewise (名称, 施設名, name, 住所, 所在地,
 * address, ...).  Returns 0 when both coordinates were found, else
 * ERR_NOTFOUND. */
int map_csv_coord_columns(int *north, int *east, int *name, int *addr, int nf,
			  const char *const *header, int plane);

/* ---- features (features.c) ---- */
struct map_feature {
	char *name, *addr;        /* may be "" (never NULL)                 */
	double lat, lon;          /* a point to centre on (a polygon's or
				     line's first vertex mean)             */
	int has_value;            /* choropleth: a value was found         */
	double value;
	int cls;                  /* its class, -1 without a value         */
	struct json_t *geometry;  /* in WGS84 (owned); NULL for a CSV row:
				     its point is lat/lon                  */
};
struct map_features {
	struct map_feature *f;
	int n;
	int truncated;            /* more than MAP_FEATURES_MAX were there  */
	long skipped;             /* rows/features without usable geometry */
};
/* map_features_load -- the features of a dataset layer: its resource read
 * through opendata's header, parsed (GeoJSON or CSV), converted to WGS84,
 * choropleth values joined and classed.  ERR_NOTFOUND when the dataset or
 * resource is missing (or not active), ERR_INVALID when it cannot be read
 * as features (e names why), ERR_UNAVAILABLE for a URL layer (the server
 * does not read those). */
int map_features_load(struct map_features *out, struct store *s, const char *tenant,
		      const struct map_layer *l, struct err *e);
/* map_features_parse -- the same from bytes (is_csv: a CSV with a header)
 * and, for a choropleth join, the values CSV's bytes (NULL: none) */
int map_features_parse(struct map_features *out, const struct map_layer *l, const char *data,
		       size_t len, int is_csv, const char *values, size_t vlen, struct err *e);
void map_features_done(struct map_features *fs);
/* map_features_geojson -- a FeatureCollection in WGS84 with properties
 * name, address, and for a choropleth value and class; at most
 * MAP_GEOJSON_MAX bytes ("truncated": true when features were left out);
 * "<", ">" and "&" written as \u escapes so no reader takes it for HTML */
int map_features_geojson(struct buf *out, const struct map_features *fs, struct err *e);
/* map_text_match -- 1 when the folded needle (jp_text_fold) is in the
 * folded hay */
int map_text_match(const char *folded_needle, const char *hay);

/* ---- the demo (demo.c) ---- */
int map_demo(struct store *s, const char *tenant, struct err *e);

#endif
