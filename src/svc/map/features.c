/*
 * features.c -- what a layer shows: its source read (a GeoJSON
 * FeatureCollection or a CSV with coordinate columns, through
 * svc/opendata's header), coordinates converted to WGS84 (crs.c), each
 * feature's name and address found, a choropleth's values read (from the
 * polygons' own property or joined from a CSV of values per 町丁目) and
 * classed; and the capped GeoJSON served to the browser.
 *
 * Invariants: at most MAP_FEATURES_MAX features are kept (truncated set
 * beyond); names and addresses at most MAP_TEXT_MAX bytes; a row or
 * feature without a usable geometry is counted in skipped, never guessed;
 * the GeoJSON written holds no raw "<", ">" or "&".
 */
#include "svc/map/map.h"
#include "svc/opendata/opendata.h"
#include "jp/csv.h"
#include "jp/text.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- header names ---- */

static int name_is(const char *k, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(k, names[i]) == 0)
			return 1;
	return 0;
}

static int ends_with(const char *k, const char *suffix)
{
	size_t a = strlen(k), b = strlen(suffix);
	return a > b && strcmp(k + a - b, suffix) == 0;
}

int map_csv_coord_columns(int *north, int *east, int *name, int *addr, int nf,
			  const char *const *header, int plane)
{
	static const char *const lat_names[] = { "緯度", "lat", "latitude", "北緯", "geo.latitude",
						 "geo:lat", "緯度(世界測地系)", "緯度(10進数)", NULL };
	static const char *const lon_names[] = { "経度", "lon", "lng", "long", "longitude", "東経",
						 "geo.longitude", "geo:long", "経度(世界測地系)",
						 "経度(10進数)", NULL };
	static const char *const x_names[] = { "x", "x座標", "座標x", NULL };
	static const char *const y_names[] = { "y", "y座標", "座標y", NULL };
	static const char *const name_names[] = { "名称", "施設名", "施設名称", "施設・場所名", "名前",
						  "name", "title", "避難所名", "場所名", NULL };
	static const char *const addr_names[] = { "住所", "所在地", "所在地_連結表記", "所在地住所",
						  "address", "streetaddress", "所在地_住所", NULL };
	int lat = -1, lon = -1, x = -1, y = -1;
	*north = *east = *name = *addr = -1;
	for (int i = 0; i < nf; i++) {
		char *k = NULL;
		if (jp_text_fold(&k, header[i], strlen(header[i]), NULL))
			continue;
		if (lat < 0 && (name_is(k, lat_names) || ends_with(k, "_緯度")))
			lat = i;
		else if (lon < 0 && (name_is(k, lon_names) || ends_with(k, "_経度")))
			lon = i;
		else if (x < 0 && name_is(k, x_names))
			x = i;
		else if (y < 0 && name_is(k, y_names))
			y = i;
		else if (*name < 0 && name_is(k, name_names))
			*name = i;
		else if (*addr < 0 && name_is(k, addr_names))
			*addr = i;
		free(k);
	}
	if (lat >= 0 && lon >= 0) {
		*north = lat;
		*east = lon;
	} else if (x >= 0 && y >= 0) {
		/* 平面直角座標系: X is north (survey convention); else x is east */
		*north = plane ? x : y;
		*east = plane ? y : x;
	}
	return *north >= 0 && *east >= 0 ? 0 : ERR_NOTFOUND;
}

/* ---- numbers and texts ---- */

/* a number cell: optional spaces around, nothing else */
static int num_of(double *out, const char *s)
{
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	if (!*s)
		return -1;
	char *end;
	double v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* a copy of at most MAP_TEXT_MAX bytes, cut at a UTF-8 boundary */
static char *text_dup(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (n > MAP_TEXT_MAX) {
		n = MAP_TEXT_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return strndup(s, n);
}

static int add_feature(struct map_features *fs, const char *name, const char *addr, double lat, double lon,
		       json_t *geom)
{
	if (fs->n >= MAP_FEATURES_MAX) {
		fs->truncated = 1;
		json_decref(geom);
		return 0;
	}
	if (fs->n % 256 == 0) {
		struct map_feature *nf = realloc(fs->f, (size_t)(fs->n + 256) * sizeof *nf);
		if (!nf) {
			json_decref(geom);
			return ERR_NOMEM;
		}
		fs->f = nf;
	}
	struct map_feature *f = &fs->f[fs->n];
	memset(f, 0, sizeof *f);
	f->name = text_dup(name);
	f->addr = text_dup(addr);
	f->lat = lat;
	f->lon = lon;
	f->cls = -1;
	f->geometry = geom;
	if (!f->name || !f->addr) {
		free(f->name);
		free(f->addr);
		json_decref(geom);
		return ERR_NOMEM;
	}
	fs->n++;
	return 0;
}

void map_features_done(struct map_features *fs)
{
	for (int i = 0; fs && i < fs->n; i++) {
		free(fs->f[i].name);
		free(fs->f[i].addr);
		json_decref(fs->f[i].geometry);
	}
	if (fs)
		free(fs->f);
	if (fs)
		memset(fs, 0, sizeof *fs);
}

/* ---- CSV ---- */

struct csv_ctx {
	const struct map_layer *l;
	struct map_features *fs;
	int plane;
	int north, east, name, addr, value;
	int header_done;
	int rc;
	/* points of a plane CRS are converted at the end, in one call */
	double *xs, *ys;
};

static int col_named(int nf, const char *const *f, const char *want)
{
	if (!want || !*want)
		return -1;
	for (int i = 0; i < nf; i++)
		if (strcmp(f[i], want) == 0)
			return i;
	return -1;
}

static int on_csv(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)line;
	(void)len;
	struct csv_ctx *c = arg;
	if (!c->header_done) {
		c->header_done = 1;
		/* a UTF-8 BOM is the reader's; trimmed names as written */
		if (map_csv_coord_columns(&c->north, &c->east, &c->name, &c->addr, nf, f, c->plane))
			return c->rc = ERR_INVALID;
		int np = col_named(nf, f, c->l->name_prop), ap = col_named(nf, f, c->l->addr_prop);
		if (np >= 0)
			c->name = np;
		if (ap >= 0)
			c->addr = ap;
		c->value = c->l->kind == MAP_CHOROPLETH ? col_named(nf, f, c->l->value_prop) : -1;
		return 0;
	}
	double n, e;
	if (c->north >= nf || c->east >= nf || num_of(&n, f[c->north]) || num_of(&e, f[c->east])) {
		c->fs->skipped++;
		return 0;
	}
	if (!c->plane && (n < -90 || n > 90 || e < -180 || e > 180)) {
		c->fs->skipped++;
		return 0;
	}
	int before = c->fs->n;
	int rc = add_feature(c->fs, c->name >= 0 && c->name < nf ? f[c->name] : "",
			     c->addr >= 0 && c->addr < nf ? f[c->addr] : "", n, e, NULL);
	if (rc)
		return c->rc = rc;
	if (c->fs->n > before && c->value >= 0 && c->value < nf) {
		struct map_feature *ft = &c->fs->f[c->fs->n - 1];
		ft->has_value = num_of(&ft->value, f[c->value]) == 0;
	}
	return 0;
}

static int parse_csv(struct map_features *fs, const struct map_layer *l, const char *data, size_t len,
		     struct err *e)
{
	struct csv_ctx c = { .l = l, .fs = fs, .plane = !map_crs_geographic(l->crs) };
	struct jp_csv_reader r;
	jp_csv_reader_init(&r, on_csv, &c);
	int rc = jp_csv_reader_feed(&r, data, len, e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&r, e);
	jp_csv_reader_done(&r);
	if (c.rc == ERR_INVALID)
		return err_set(e, ERR_INVALID, "map: no coordinate columns in the CSV header");
	if (c.rc)
		return err_set(e, c.rc, "map: no memory");
	if (rc)
		return rc;
	if (c.plane && fs->n > 0) {
		double *x = malloc((size_t)fs->n * sizeof *x), *y = malloc((size_t)fs->n * sizeof *y);
		if (!x || !y) {
			free(x);
			free(y);
			return err_set(e, ERR_NOMEM, "map: no memory");
		}
		for (int i = 0; i < fs->n; i++) {
			x[i] = fs->f[i].lon;   /* easting */
			y[i] = fs->f[i].lat;   /* northing */
		}
		rc = map_crs_to_wgs84(x, y, (size_t)fs->n, l->crs, e);
		for (int i = 0; rc == 0 && i < fs->n; i++) {
			fs->f[i].lon = x[i];
			fs->f[i].lat = y[i];
		}
		free(x);
		free(y);
		if (rc)
			return rc;
	}
	/* a CSV row's geometry is its point: made only when served
	 * (map_features_geojson), not for the page's list */
	return 0;
}

/* ---- GeoJSON ---- */

/* every position of a geometry's coordinates ([x, y] arrays at any depth):
 * fn(arg, pos) for each; counts them */
static long walk_positions(json_t *c, int depth, void (*fn)(void *, json_t *), void *arg)
{
	if (!json_is_array(c) || depth > 4)
		return 0;
	if (json_array_size(c) >= 2 && json_is_number(json_array_get(c, 0)) &&
	    json_is_number(json_array_get(c, 1))) {
		if (fn)
			fn(arg, c);
		return 1;
	}
	long n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(c, i, v) n += walk_positions(v, depth + 1, fn, arg);
	return n;
}

struct collect {
	double *x, *y;
	long n;
	double sx, sy;
};

static void collect_pos(void *arg, json_t *pos)
{
	struct collect *c = arg;
	double x = json_number_value(json_array_get(pos, 0)), y = json_number_value(json_array_get(pos, 1));
	if (c->x) {
		c->x[c->n] = x;
		c->y[c->n] = y;
	}
	c->sx += x;
	c->sy += y;
	c->n++;
}

static void store_pos(void *arg, json_t *pos)
{
	struct collect *c = arg;
	json_array_set_new(pos, 0, json_real(c->x[c->n]));
	json_array_set_new(pos, 1, json_real(c->y[c->n]));
	/* a third value (height) is left out: the map draws in 2D */
	while (json_array_size(pos) > 2)
		json_array_remove(pos, 2);
	c->n++;
}

static const char *prop_text(json_t *props, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(props, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, n, "%.15g", json_real_value(v));
		return buf;
	}
	return NULL;
}

static const char *prop_first(json_t *props, const char *given, const char *const *keys)
{
	if (given && *given) {
		json_t *v = json_object_get(props, given);
		return json_is_string(v) ? json_string_value(v) : "";
	}
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(props, keys[i]);
		if (json_is_string(v) && *json_string_value(v))
			return json_string_value(v);
	}
	return "";
}

static int parse_geojson(struct map_features *fs, const struct map_layer *l, const char *data, size_t len,
			 struct err *e)
{
	static const char *const names[] = { "name", "名称", "施設名", "施設・場所名", "title", "P20_002",
					     "町丁目名", "S_NAME", "MOJI", NULL };
	static const char *const addrs[] = { "address", "住所", "所在地", "所在地_連結表記", "P20_003", NULL };
	json_error_t je;
	json_t *doc = json_loadb(data, len, 0, &je);
	if (!doc)
		return err_set(e, ERR_INVALID, "map: not JSON (line %d)", je.line);
	json_t *feats = json_object_get(doc, "features");
	if (!json_is_array(feats)) {
		json_decref(doc);
		return err_set(e, ERR_INVALID, "map: not a FeatureCollection");
	}
	int plane = !map_crs_geographic(l->crs);
	size_t i;
	json_t *f;
	int rc = 0;
	json_array_foreach(feats, i, f) {
		json_t *g = json_object_get(f, "geometry"), *props = json_object_get(f, "properties");
		const char *type = json_string_value(json_object_get(g, "type"));
		static const char *const types[] = { "Point", "MultiPoint", "LineString", "MultiLineString",
						     "Polygon", "MultiPolygon", NULL };
		long np = type && name_is(type, types) ? walk_positions(json_object_get(g, "coordinates"), 0, NULL, NULL)
						      : 0;
		if (np <= 0) {
			fs->skipped++;
			continue;
		}
		if (fs->n >= MAP_FEATURES_MAX) {
			fs->truncated = 1;
			break;
		}
		json_t *geom = json_deep_copy(g);
		if (!geom) {
			rc = err_set(e, ERR_NOMEM, "map: no memory");
			break;
		}
		struct collect c = { 0 };
		json_t *coords = json_object_get(geom, "coordinates");
		if (plane) {
			c.x = malloc((size_t)np * sizeof *c.x);
			c.y = malloc((size_t)np * sizeof *c.y);
			if (!c.x || !c.y) {
				free(c.x);
				free(c.y);
				json_decref(geom);
				rc = err_set(e, ERR_NOMEM, "map: no memory");
				break;
			}
			walk_positions(coords, 0, collect_pos, &c);
			rc = map_crs_to_wgs84(c.x, c.y, (size_t)c.n, l->crs, e);
			c.sx = c.sy = 0;
			for (long k = 0; rc == 0 && k < c.n; k++) {
				c.sx += c.x[k];
				c.sy += c.y[k];
			}
			long total = c.n;
			c.n = 0;
			if (rc == 0)
				walk_positions(coords, 0, store_pos, &c);
			c.n = total;
			free(c.x);
			free(c.y);
			if (rc) {
				json_decref(geom);
				break;
			}
		} else {
			walk_positions(coords, 0, collect_pos, &c);
		}
		double lon = c.sx / (double)c.n, lat = c.sy / (double)c.n;
		if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
			json_decref(geom);
			fs->skipped++;
			continue;
		}
		if ((rc = add_feature(fs, prop_first(props, l->name_prop, names), prop_first(props, l->addr_prop, addrs),
				      lat, lon, geom)))
			break;
		struct map_feature *ft = &fs->f[fs->n - 1];
		if (l->kind == MAP_CHOROPLETH) {
			char buf[64];
			const char *key = l->join_dataset && *l->join_dataset ? l->join_key : l->value_prop;
			const char *t = prop_text(props, key, buf, sizeof buf);
			if (l->join_dataset && *l->join_dataset) {
				/* the join key kept in addr's place until joined */
				free(ft->addr);
				ft->addr = text_dup(t ? t : "");
				if (!ft->addr) {
					rc = err_set(e, ERR_NOMEM, "map: no memory");
					break;
				}
			} else {
				ft->has_value = t && num_of(&ft->value, t) == 0;
			}
		}
	}
	json_decref(doc);
	return rc;
}

/* ---- the choropleth's values ---- */

struct kv {
	char *key;
	double v;
};

struct values_ctx {
	const struct map_layer *l;
	int key_col, val_col, header_done;
	struct kv *kv;
	int n;
	int rc;
};

static int on_values(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)line;
	(void)len;
	struct values_ctx *c = arg;
	if (!c->header_done) {
		c->header_done = 1;
		c->key_col = col_named(nf, f, c->l->join_col);
		c->val_col = col_named(nf, f, c->l->value_prop);
		return c->key_col < 0 || c->val_col < 0 ? (c->rc = ERR_INVALID) : 0;
	}
	double v;
	if (c->key_col >= nf || c->val_col >= nf || num_of(&v, f[c->val_col]))
		return 0;
	if (c->n >= MAP_FEATURES_MAX)
		return 0;
	if (c->n % 256 == 0) {
		struct kv *nk = realloc(c->kv, (size_t)(c->n + 256) * sizeof *nk);
		if (!nk)
			return c->rc = ERR_NOMEM;
		c->kv = nk;
	}
	if (!(c->kv[c->n].key = strdup(f[c->key_col])))
		return c->rc = ERR_NOMEM;
	c->kv[c->n++].v = v;
	return 0;
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

static int join_values(struct map_features *fs, const struct map_layer *l, const char *values, size_t vlen,
		       struct err *e)
{
	struct values_ctx c = { .l = l };
	struct jp_csv_reader r;
	jp_csv_reader_init(&r, on_values, &c);
	int rc = jp_csv_reader_feed(&r, values, vlen, e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&r, e);
	jp_csv_reader_done(&r);
	if (c.rc == ERR_INVALID)
		rc = err_set(e, ERR_INVALID, "map: the values CSV has no column %s or %s", l->join_col,
			     l->value_prop);
	else if (c.rc)
		rc = err_set(e, c.rc, "map: no memory");
	if (rc == 0 && c.n > 0) {
		qsort(c.kv, (size_t)c.n, sizeof *c.kv, kv_cmp);
		for (int i = 0; i < fs->n; i++) {
			struct kv k = { .key = fs->f[i].addr };
			struct kv *hit = bsearch(&k, c.kv, (size_t)c.n, sizeof *c.kv, kv_cmp);
			if (hit) {
				fs->f[i].has_value = 1;
				fs->f[i].value = hit->v;
			}
		}
	}
	for (int i = 0; rc == 0 && i < fs->n; i++)
		fs->f[i].addr[0] = '\0';   /* the key was not an address */
	for (int i = 0; i < c.n; i++)
		free(c.kv[i].key);
	free(c.kv);
	return rc;
}

int map_features_parse(struct map_features *out, const struct map_layer *l, const char *data,
		       size_t len, int is_csv, const char *values, size_t vlen, struct err *e)
{
	memset(out, 0, sizeof *out);
	int rc = is_csv ? parse_csv(out, l, data, len, e) : parse_geojson(out, l, data, len, e);
	int joined = l->kind == MAP_CHOROPLETH && l->join_dataset && *l->join_dataset;
	if (rc == 0 && joined && !is_csv) {
		if (values)
			rc = join_values(out, l, values, vlen, e);
		else
			for (int i = 0; i < out->n; i++)
				out->f[i].addr[0] = '\0';
	}
	if (rc == 0 && l->kind == MAP_CHOROPLETH) {
		double b[MAP_BREAKS_MAX];
		int nb = map_breaks_parse(b, l->breaks);
		for (int i = 0; nb > 0 && i < out->n; i++)
			out->f[i].cls = out->f[i].has_value ? map_class_of(out->f[i].value, b, nb) : -1;
	}
	if (rc)
		map_features_done(out);
	return rc;
}

/* ---- reading a layer's source through the catalog ---- */

/* the resource of dataset `name` to read: the one named `want`, else the
 * first GeoJSON, else the first CSV (csv_only: the first CSV) */
static int pick_resource(char *id, int *is_csv, struct store *s, const char *tenant, const char *name,
			 const char *want, int csv_only, struct err *e)
{
	struct opendata_ctx c = { .s = s, .tenant = tenant, .base = "" };
	json_t *pkg = NULL;
	int rc = opendata_package(&pkg, &c, name, e);
	if (rc)
		return rc;
	json_t *res = json_object_get(pkg, "resources"), *pick = NULL;
	for (int pass = 0; pass < 3 && !pick; pass++) {
		size_t i;
		json_t *r;
		json_array_foreach(res, i, r) {
			const char *rn = json_string_value(json_object_get(r, "name"));
			const char *fmt = json_string_value(json_object_get(r, "format"));
			if (!rn || !fmt)
				continue;
			if (want && *want) {
				if (pass == 0 && strcmp(rn, want) == 0) {
					pick = r;
					break;
				}
			} else if ((pass == 1 && !csv_only && strcmp(fmt, "GeoJSON") == 0) ||
				   (pass == 2 && strcmp(fmt, "CSV") == 0)) {
				pick = r;
				break;
			}
		}
	}
	if (!pick) {
		json_decref(pkg);
		return err_set(e, ERR_NOTFOUND, "map: no usable resource in %s", name);
	}
	const char *rid = json_string_value(json_object_get(pick, "id"));
	const char *fmt = json_string_value(json_object_get(pick, "format"));
	snprintf(id, OPENDATA_ID_LEN + 1, "%s", rid ? rid : "");
	*is_csv = fmt && strcmp(fmt, "CSV") == 0;
	json_decref(pkg);
	return 0;
}

int map_features_load(struct map_features *out, struct store *s, const char *tenant,
		      const struct map_layer *l, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (l->source != MAP_SRC_DATASET)
		return err_set(e, ERR_UNAVAILABLE, "map: a URL layer is read by the browser");
	char rid[OPENDATA_ID_LEN + 1];
	int is_csv;
	int rc = pick_resource(rid, &is_csv, s, tenant, l->dataset, l->resource, 0, e);
	if (rc)
		return rc;
	struct opendata_file file = { 0 }, vals = { 0 };
	if ((rc = opendata_file_get(&file, s, tenant, l->dataset, rid, 0, e)))
		return rc;
	int joined = l->kind == MAP_CHOROPLETH && l->join_dataset && *l->join_dataset;
	if (joined) {
		char vid[OPENDATA_ID_LEN + 1];
		int vcsv;
		rc = pick_resource(vid, &vcsv, s, tenant, l->join_dataset, NULL, 1, e);
		if (rc == 0)
			rc = opendata_file_get(&vals, s, tenant, l->join_dataset, vid, 0, e);
	}
	if (rc == 0)
		rc = map_features_parse(out, l, file.data, file.len, is_csv, joined ? vals.data : NULL, vals.len, e);
	opendata_file_done(&file);
	opendata_file_done(&vals);
	return rc;
}

/* ---- serving ---- */

/* s with "<", ">" and "&" as \u escapes (they only occur inside JSON
 * strings: jansson writes no such byte outside them) */
static int put_escaped(struct buf *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		int rc;
		if (*p == '<')
			rc = buf_puts(out, "\\u003c");
		else if (*p == '>')
			rc = buf_puts(out, "\\u003e");
		else if (*p == '&')
			rc = buf_puts(out, "\\u0026");
		else
			rc = buf_putc(out, *p);
		if (rc)
			return rc;
	}
	return 0;
}

int map_features_geojson(struct buf *out, const struct map_features *fs, struct err *e)
{
	int truncated = fs->truncated;
	if (buf_puts(out, "{\"type\":\"FeatureCollection\",\"features\":["))
		return err_set(e, ERR_LIMIT, "map: GeoJSON over its limit");
	int first = 1;
	for (int i = 0; i < fs->n; i++) {
		const struct map_feature *f = &fs->f[i];
		json_t *props = json_pack("{s:s, s:s}", "name", f->name, "address", f->addr);
		if (props && f->has_value) {
			json_object_set_new(props, "value", json_real(f->value));
			json_object_set_new(props, "class", json_integer(f->cls));
		}
		json_t *geom = f->geometry ? json_incref(f->geometry)
					   : json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates", f->lon, f->lat);
		json_t *feat = NULL;
		if (props && geom)   /* "o" takes both references, also on failure */
			feat = json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry", geom, "properties", props);
		else {
			json_decref(props);
			json_decref(geom);
		}
		char *txt = feat ? json_dumps(feat, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
		json_decref(feat);
		if (!txt)
			return err_set(e, ERR_NOMEM, "map: no memory");
		size_t keep = out->len;
		/* room for the closing text is kept */
		if (out->len + strlen(txt) + 64 > MAP_GEOJSON_MAX ||
		    (!first && buf_putc(out, ',')) || put_escaped(out, txt)) {
			out->len = keep;
			if (out->data)
				out->data[keep] = '\0';
			free(txt);
			truncated = 1;
			break;
		}
		free(txt);
		first = 0;
	}
	if (buf_printf(out, "],\"truncated\":%s}", truncated ? "true" : "false"))
		return err_set(e, ERR_LIMIT, "map: GeoJSON over its limit");
	return 0;
}

int map_text_match(const char *folded_needle, const char *hay)
{
	if (!folded_needle || !*folded_needle || !hay || !*hay)
		return 0;
	char *k = NULL;
	if (jp_text_fold(&k, hay, strlen(hay), NULL))
		return 0;
	int hit = strstr(k, folded_needle) != NULL;
	free(k);
	return hit;
}
