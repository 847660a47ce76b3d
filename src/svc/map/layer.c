/*
 * layer.c -- map layers as data: the rules a layer keeps
 * (map_layer_check), class breaks and colours of a choropleth, and the
 * map_layers table (save, get, list, delete, move).
 *
 * Invariants: every write goes through map_layer_check; positions run
 * 1..n per tenant without gaps (a new layer goes last, a deleted one's
 * followers move up, a move swaps two neighbours in one transaction of
 * the caller's or its own).  Strings read come from the caller's arena.
 */
#include "svc/map/map.h"
#include "base/arena.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int map_crs_geographic(int epsg)
{
	return epsg == 4326 || epsg == 6668 || epsg == 4612;
}

int map_crs_valid(int epsg)
{
	return map_crs_geographic(epsg) || (epsg >= 6669 && epsg <= 6687) ||
	       (epsg >= 2443 && epsg <= 2461);
}

static const char *const kinds[] = { NULL, "points", "lines", "polygons", "choropleth" };
static const char *const markers[] = { NULL, "circle", "square", "triangle" };

static int is_hex_color(const char *s)
{
	if (!s || strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/* a CKAN name: [a-z0-9_-], 2..100 bytes (opendata_name_valid's rule) */
static int is_slug(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > MAP_DATASET_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* a property or column name: printable, no control bytes, bounded */
static int is_prop(const char *s, int required)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return !required;
	if (n > MAP_PROP_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return 0;
	return 1;
}

static int is_text(const char *s, size_t max, int required)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return !required;
	if (n > max)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* a same-origin GeoJSON path: "/a/b.geojson" or ".json"; no scheme, no
 * "//", no "..", no query, no quotes, no backslash, no space */
static int is_local_geojson(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > MAP_URL_MAX || s[0] != '/' || s[1] == '/')
		return 0;
	if (strstr(s, "..") || strstr(s, "//"))
		return 0;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") != n)
		return 0;
	return (n > 8 && strcmp(s + n - 8, ".geojson") == 0) || (n > 5 && strcmp(s + n - 5, ".json") == 0);
}

int map_breaks_parse(double *out, const char *s)
{
	if (!s || !*s || strlen(s) > MAP_BREAKS_TEXT_MAX)
		return ERR_INVALID;
	int n = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ')
			p++;
		char *end;
		double v = strtod(p, &end);
		if (end == p || !isfinite(v) || n >= MAP_BREAKS_MAX || (n > 0 && v <= out[n - 1]))
			return ERR_INVALID;
		out[n++] = v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			if (!*p)
				return ERR_INVALID;
		} else if (*p) {
			return ERR_INVALID;
		}
	}
	return n > 0 ? n : ERR_INVALID;
}

int map_class_of(double v, const double *breaks, int n)
{
	int c = 0;
	while (c < n && v >= breaks[c])
		c++;
	return c;
}

const char *map_class_color(int c, int nclasses)
{
	/* ColorBrewer YlOrRd, 8 classes (Cynthia Brewer, Apache-2.0 licence) */
	static const char *const pal[8] = { "#ffffcc", "#ffeda0", "#fed976", "#feb24c",
					     "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026" };
	if (nclasses < 1)
		nclasses = 1;
	if (nclasses > 8)
		nclasses = 8;
	if (c < 0)
		c = 0;
	if (c >= nclasses)
		c = nclasses - 1;
	/* spread the classes over the palette: the first light, the last dark */
	int i = nclasses == 1 ? 7 : (c * 7 + (nclasses - 1) / 2) / (nclasses - 1);
	return pal[i];
}

#define BAD(f, m) do { if (p) { p->field = (f); p->msg = (m); } return ERR_INVALID; } while (0)

int map_layer_check(const struct map_layer *l, struct map_problem *p)
{
	if (!is_text(l->name_ja, MAP_NAME_MAX, 1))
		BAD("name_ja", "map.staff.error.name");
	if (!is_text(l->name_en, MAP_NAME_MAX, 0))
		BAD("name_en", "map.staff.error.name");
	if (l->source == MAP_SRC_DATASET) {
		if (!is_slug(l->dataset))
			BAD("dataset", "map.staff.error.dataset");
		if (!is_text(l->resource, MAP_RESOURCE_MAX, 0))
			BAD("resource", "map.staff.error.resource");
	} else if (l->source == MAP_SRC_URL) {
		if (!is_local_geojson(l->url))
			BAD("url", "map.staff.error.url");
		if (l->kind == MAP_CHOROPLETH)
			BAD("kind", "map.staff.error.choropleth_url");
	} else {
		BAD("source", "map.staff.error.source");
	}
	if (!map_crs_valid(l->crs))
		BAD("crs", "map.staff.error.crs");
	if (l->kind < MAP_POINTS || l->kind > MAP_CHOROPLETH)
		BAD("kind", "map.staff.error.kind");
	if (!is_hex_color(l->color))
		BAD("color", "map.staff.error.color");
	if (l->marker < MAP_MARK_CIRCLE || l->marker > MAP_MARK_TRIANGLE)
		BAD("marker", "map.staff.error.marker");
	if (l->line_width < 1 || l->line_width > MAP_LINE_WIDTH_MAX)
		BAD("line_width", "map.staff.error.line_width");
	if (l->fill_opacity < 0 || l->fill_opacity > 100)
		BAD("fill_opacity", "map.staff.error.fill_opacity");
	if (!is_prop(l->name_prop, 0))
		BAD("name_prop", "map.staff.error.prop");
	if (!is_prop(l->addr_prop, 0))
		BAD("addr_prop", "map.staff.error.prop");
	if (l->kind == MAP_CHOROPLETH) {
		double b[MAP_BREAKS_MAX];
		if (!is_prop(l->value_prop, 1))
			BAD("value_prop", "map.staff.error.value_prop");
		if (map_breaks_parse(b, l->breaks) < 0)
			BAD("breaks", "map.staff.error.breaks");
		if (l->join_dataset && *l->join_dataset) {
			if (!is_slug(l->join_dataset))
				BAD("join_dataset", "map.staff.error.dataset");
			if (!is_prop(l->join_key, 1))
				BAD("join_key", "map.staff.error.join_key");
			if (!is_prop(l->join_col, 1))
				BAD("join_col", "map.staff.error.join_key");
		}
	}
	if (l->on_default < 0 || l->on_default > 1 || l->staff_only < 0 || l->staff_only > 1)
		BAD("on_default", "map.staff.error.flag");
	return 0;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

int map_layer_save(int64_t *id, struct store *s, const char *tenant, const struct map_layer *l,
		   struct map_problem *p, int64_t now, struct err *e)
{
	int rc = map_layer_check(l, p);
	if (rc)
		return err_set(e, rc, "map: layer refused (%s)", p ? p->field : "?");
	int choro = l->kind == MAP_CHOROPLETH;
	int joined = choro && l->join_dataset && *l->join_dataset;
	struct store_val v[] = {
		sv_text(tenant), sv_text(l->name_ja), sv_text(nz(l->name_en)),
		sv_text(l->source == MAP_SRC_DATASET ? "dataset" : "url"),
		sv_text(l->source == MAP_SRC_DATASET ? l->dataset : ""),
		sv_text(l->source == MAP_SRC_DATASET ? nz(l->resource) : ""),
		sv_text(l->source == MAP_SRC_URL ? l->url : ""), sv_int(l->crs), sv_text(kinds[l->kind]),
		sv_text(l->color), sv_text(markers[l->marker]), sv_int(l->line_width), sv_int(l->fill_opacity),
		sv_text(nz(l->name_prop)), sv_text(nz(l->addr_prop)),
		sv_text(choro ? l->value_prop : ""), sv_text(choro ? l->breaks : ""),
		sv_text(joined ? l->join_dataset : ""), sv_text(joined ? l->join_key : ""),
		sv_text(joined ? l->join_col : ""),
		sv_int(l->on_default), sv_int(l->staff_only), sv_int(now), sv_int(l->id),
	};
	if (l->id) {
		rc = store_exec(s, "UPDATE map_layers SET name_ja = $2, name_en = $3, source = $4, dataset = $5,"
			       " resource = $6, url = $7, crs = $8, kind = $9, color = $10, marker = $11,"
			       " line_width = $12, fill_opacity = $13, name_prop = $14, addr_prop = $15,"
			       " value_prop = $16, breaks = $17, join_dataset = $18, join_key = $19,"
			       " join_col = $20, on_default = $21, staff_only = $22, updated_at = $23"
			       " WHERE tenant = $1 AND id = $24", v, SV_N(v), e);
		if (rc == 0)
			return err_set(e, ERR_NOTFOUND, "map: no layer %lld", (long long)l->id);
		if (rc < 0)
			return rc;
		*id = l->id;
		return 0;
	}
	int64_t count;
	if ((rc = store_query_int(&count, s, "SELECT count(*) FROM map_layers WHERE tenant = $1", v, 1, e)))
		return rc;
	if (count >= MAP_LAYERS_MAX)
		return err_set(e, ERR_LIMIT, "map: at most %d layers", MAP_LAYERS_MAX);
	v[SV_N(v) - 1] = sv_int(count + 1);
	rc = store_query_int(id, s, "INSERT INTO map_layers (tenant, name_ja, name_en, source, dataset, resource,"
			     " url, crs, kind, color, marker, line_width, fill_opacity, name_prop, addr_prop,"
			     " value_prop, breaks, join_dataset, join_key, join_col, on_default, staff_only,"
			     " created_at, updated_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
			     " $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23, $24)"
			     " RETURNING id", v, SV_N(v), e);
	return rc;
}

#define COLS "id, name_ja, name_en, source, dataset, resource, url, crs, kind, color, marker," \
	     " line_width, fill_opacity, name_prop, addr_prop, value_prop, breaks, join_dataset," \
	     " join_key, join_col, position, on_default, staff_only"

static int find(const char *const *tab, int n, const char *s)
{
	for (int i = 1; i < n; i++)
		if (strcmp(tab[i], s) == 0)
			return i;
	return 1;
}

static int row_layer(struct map_layer *l, struct arena *a, struct store_rows *r)
{
	memset(l, 0, sizeof *l);
	l->id = store_col_int(r, 0);
	const char **str[] = { &l->name_ja, &l->name_en, NULL, &l->dataset, &l->resource, &l->url };
	for (int i = 1; i <= 6; i++)
		if (str[i - 1] && !(*str[i - 1] = arena_strdup(a, store_col_text(r, i))))
			return ERR_NOMEM;
	l->source = strcmp(store_col_text(r, 3), "url") == 0 ? MAP_SRC_URL : MAP_SRC_DATASET;
	l->crs = (int)store_col_int(r, 7);
	l->kind = (enum map_kind)find(kinds, 5, store_col_text(r, 8));
	l->color = arena_strdup(a, store_col_text(r, 9));
	l->marker = (enum map_marker)find(markers, 4, store_col_text(r, 10));
	l->line_width = (int)store_col_int(r, 11);
	l->fill_opacity = (int)store_col_int(r, 12);
	const char **more[] = { &l->name_prop, &l->addr_prop, &l->value_prop, &l->breaks, &l->join_dataset,
				&l->join_key, &l->join_col };
	for (int i = 0; i < 7; i++)
		if (!(*more[i] = arena_strdup(a, store_col_text(r, 13 + i))))
			return ERR_NOMEM;
	l->position = (int)store_col_int(r, 20);
	l->on_default = (int)store_col_int(r, 21);
	l->staff_only = (int)store_col_int(r, 22);
	return l->color ? 0 : ERR_NOMEM;
}

int map_layer_get(struct map_layer *out, struct arena *a, struct store *s, const char *tenant,
		  int64_t id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS " FROM map_layers WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		rc = row_layer(out, a, r) ? err_set(e, ERR_NOMEM, "map: no memory") : 0;
	else if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "map: no layer %lld", (long long)id);
	store_rows_free(r);
	return rc;
}

int map_layers_list(struct map_layer **out, int *n, struct arena *a, struct store *s,
		    const char *tenant, int staff_too, struct err *e)
{
	*out = NULL;
	*n = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_too ? 1 : 0) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS " FROM map_layers WHERE tenant = $1"
			     " AND (staff_only = 0 OR $2 = 1) ORDER BY position, id", v, 2, e);
	if (rc)
		return rc;
	struct map_layer *ls = arena_alloc(a, MAP_LAYERS_MAX * sizeof *ls);
	if (!ls) {
		store_rows_free(r);
		return err_set(e, ERR_NOMEM, "map: no memory");
	}
	while ((rc = store_rows_next(r, e)) == 1 && *n < MAP_LAYERS_MAX) {
		if (row_layer(&ls[*n], a, r)) {
			rc = err_set(e, ERR_NOMEM, "map: no memory");
			break;
		}
		(*n)++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = ls;
	return 0;
}

int map_layer_delete(struct store *s, const char *tenant, int64_t id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	int64_t pos;
	int rc = store_query_int(&pos, s, "SELECT position FROM map_layers WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "map: no layer %lld", (long long)id);
	if (rc)
		return rc;
	if ((rc = store_exec(s, "DELETE FROM map_layers WHERE tenant = $1 AND id = $2", v, 2, e)) < 0)
		return rc;
	struct store_val w[] = { sv_text(tenant), sv_int(pos) };
	rc = store_exec(s, "UPDATE map_layers SET position = position - 1 WHERE tenant = $1 AND position > $2",
			w, 2, e);
	return rc < 0 ? rc : 0;
}

int map_layer_move(struct store *s, const char *tenant, int64_t id, int dir, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	int64_t pos, other;
	int rc = store_query_int(&pos, s, "SELECT position FROM map_layers WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "map: no layer %lld", (long long)id);
	if (rc)
		return rc;
	struct store_val w[] = { sv_text(tenant), sv_int(pos + (dir < 0 ? -1 : 1)) };
	rc = store_query_int(&other, s, "SELECT id FROM map_layers WHERE tenant = $1 AND position = $2", w, 2, e);
	if (rc == ERR_NOTFOUND)
		return 0;   /* at an end */
	if (rc)
		return rc;
	struct store_val a1[] = { sv_text(tenant), sv_int(other), sv_int(pos) };
	struct store_val a2[] = { sv_text(tenant), sv_int(id), w[1] };
	if ((rc = store_exec(s, "UPDATE map_layers SET position = $3 WHERE tenant = $1 AND id = $2", a1, 3, e)) < 0)
		return rc;
	rc = store_exec(s, "UPDATE map_layers SET position = $3 WHERE tenant = $1 AND id = $2", a2, 3, e);
	return rc < 0 ? rc : 0;
}
