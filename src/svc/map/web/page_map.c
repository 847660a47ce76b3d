/*
 * page_map.c -- the resident's map (統合型GIS) and the layers' data.
 *
 *   GET /map                         the map page: a search by place or
 *                                    address (?q=), the layer switcher and
 *                                    legend, the Leaflet map (drawn by
 *                                    /assets/map.js, enhancement only), and a
 *                                    server-rendered list of every feature
 *                                    of each layer (name, address,
 *                                    coordinates; MAP_LIST_PER_PAGE a layer,
 *                                    ?layer=ID&page=N for more) that works
 *                                    without JavaScript; ?lat=&lon= centres
 *                                    the map
 *   GET /map/layers/{id}/features.geojson   a dataset layer's features in
 *                                    WGS84, capped (map.h), "<>&" escaped
 *
 * Invariants: a staff-only layer is listed and served only to a member
 * holding map.admin (anyone else gets 404, as for no layer); every text
 * of a layer or feature is escaped where it is written (html_printf %s);
 * the tile origin, when tiles are configured, is added to this page's
 * img-src only.  The layers hold no personal data: nothing is audited.
 */
#include "web/app.h"
#include "web/ui.h"
#include "svc/map/map.h"
#include "svc/map/web/map_web.h"
#include "core/auth/auth.h"
#include "jp/text.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

int map_v_coord(const char *v, size_t n)
{
	size_t i = 0, digits = 0;
	if (n == 0 || n > 20)
		return ERR_INVALID;
	if (v[i] == '-')
		i++;
	while (i < n && v[i] >= '0' && v[i] <= '9')
		i++, digits++;
	if (i < n && v[i] == '.') {
		i++;
		while (i < n && v[i] >= '0' && v[i] <= '9')
			i++, digits++;
	}
	return i == n && digits > 0 ? 0 : ERR_INVALID;
}

/* a staff member holding map.admin sees the staff-only layers; this is a
 * public page, so the session is read here from the cookie (the router
 * loads none for a public route), as app_resident_csrf does */
static int may_see_staff_layers(struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (q->has_session)
		return app_staff_holds(r, MAP_PERM_ADMIN);
	const char *token = http_cookie(r, APP_SESSION_COOKIE);
	if (!token)
		return 0;
	struct auth_session ses;
	struct err e;
	if (auth_session_check(&ses, app_store(r), &app_of(r)->auth, token, app_now(), &e) != 0)
		return 0;
	if (ses.kind != AUTH_KIND_STAFF || ses.stage != AUTH_STAGE_FULL || strcmp(ses.tenant, q->tenant.code) != 0)
		return 0;
	return auth_has_permission(app_store(r), &ses, MAP_PERM_ADMIN, &e) == 1;
}

static const char *layer_name(struct http_req *r, const struct map_layer *l)
{
	return app_req(r)->lang == HTML_EN && l->name_en && *l->name_en ? l->name_en : l->name_ja;
}

static const char *fmt6(struct http_req *r, double v)
{
	return arena_printf(r->arena, "%.6f", v);
}

/* "https://host" of a tile URL template ({s} subdomains as *) */
static const char *tile_origin(struct http_req *r, const char *tpl)
{
	if (!tpl || strncmp(tpl, "https://", 8) != 0)
		return NULL;
	const char *h = tpl + 8, *end = h + strcspn(h, "/?#");
	if (strncmp(h, "{s}.", 4) == 0)
		return arena_printf(r->arena, "https://*.%.*s", (int)(end - h - 4), h + 4);
	return arena_strndup(r->arena, tpl, (size_t)(end - tpl));
}

/* a small swatch of the layer's style: SVG presentation attributes (the
 * CSP allows no inline style); the colour is #rrggbb by map_layer_check */
static void swatch(struct buf *b, const struct map_layer *l, const char *fill)
{
	const char *c = fill ? fill : l->color;
	buf_puts(b, "<svg class=\"map-swatch\" width=\"18\" height=\"18\" viewBox=\"0 0 18 18\" aria-hidden=\"true\" focusable=\"false\">");
	if (l->kind == MAP_LINES)
		html_printf(b, "<line x1=\"1\" y1=\"15\" x2=\"17\" y2=\"3\" stroke=\"%s\" stroke-width=\"%d\"/>", c,
			    l->line_width > 6 ? 6 : l->line_width);
	else if (l->kind == MAP_POLYGONS || l->kind == MAP_CHOROPLETH || l->marker == MAP_MARK_SQUARE)
		html_printf(b, "<rect x=\"2\" y=\"2\" width=\"14\" height=\"14\" fill=\"%s\" stroke=\"#333333\"/>", c);
	else if (l->marker == MAP_MARK_TRIANGLE)
		html_printf(b, "<polygon points=\"9,1 17,16 1,16\" fill=\"%s\" stroke=\"#333333\"/>", c);
	else
		html_printf(b, "<circle cx=\"9\" cy=\"9\" r=\"7\" fill=\"%s\" stroke=\"#333333\"/>", c);
	buf_puts(b, "</svg>");
}

static const char *num_text(struct http_req *r, double v)
{
	return arena_printf(r->arena, "%g", v);
}

/* the legend of one layer: its swatch, or a choropleth's classes */
static void legend_item(struct buf *b, struct http_req *r, const struct map_layer *l)
{
	html_printf(b, "<li>");
	if (l->kind != MAP_CHOROPLETH) {
		swatch(b, l, NULL);
		html_printf(b, " %s</li>", layer_name(r, l));
		return;
	}
	double br[MAP_BREAKS_MAX];
	int nb = map_breaks_parse(br, l->breaks);
	html_printf(b, "%s <span class=\"map-legend-prop\">(%s)</span><ul class=\"map-classes\">", layer_name(r, l),
		    l->value_prop);
	for (int c = 0; nb > 0 && c <= nb; c++) {
		buf_puts(b, "<li>");
		swatch(b, l, map_class_color(c, nb + 1));
		if (c == 0)
			html_printf(b, " %s</li>", arena_printf(r->arena, T(r, "map.legend.below"), num_text(r, br[0])));  /* checksrc: fmt-ok */
		else if (c == nb)
			html_printf(b, " %s</li>", arena_printf(r->arena, T(r, "map.legend.above"), num_text(r, br[nb - 1])));  /* checksrc: fmt-ok */
		else
			html_printf(b, " %s</li>", arena_printf(r->arena, T(r, "map.legend.between"), num_text(r, br[c - 1]),  /* checksrc: fmt-ok */
								 num_text(r, br[c])));
	}
	html_printf(b, "<li>");
	swatch(b, l, "#ffffff");
	html_printf(b, " %s</li></ul></li>", T(r, "map.legend.none"));
}

/* the link that centres the map on a point */
static const char *centre_href(struct http_req *r, double lat, double lon)
{
	const char *const pairs[] = { "lat", fmt6(r, lat), "lon", fmt6(r, lon), NULL };
	const char *u = ui_url(r->arena, "/map", pairs);
	return u ? arena_printf(r->arena, "%s#map-view", u) : "/map";
}

struct loaded {
	struct map_features fs;
	int rc;        /* 0: features; else why not */
};

/* one layer's list: a table of MAP_LIST_PER_PAGE features from page */
static void layer_list(struct buf *b, struct http_req *r, const struct map_layer *l, const struct loaded *ld,
		       long page)
{
	enum html_lang lang = app_req(r)->lang;
	html_printf(b, "<section class=\"map-layer-list\" id=\"layer-%lld\" aria-labelledby=\"layer-%lld-h\">"
		    "<h3 id=\"layer-%lld-h\">", (long long)l->id, (long long)l->id, (long long)l->id);
	swatch(b, l, NULL);
	html_printf(b, " %s</h3>", layer_name(r, l));
	if (l->staff_only)
		html_printf(b, "<p class=\"map-staff-only\">%s</p>", T(r, "map.staff_only"));
	if (l->source == MAP_SRC_URL) {
		html_printf(b, "<p class=\"map-url-layer\" data-layer-status=\"%lld\">%s <a href=\"%s\">%s</a></p></section>",
			    (long long)l->id, T(r, "map.url_layer"), l->url, T(r, "map.data_link"));
		return;
	}
	if (ld->rc) {
		html_printf(b, "<p class=\"map-unavailable\">%s</p></section>", T(r, "map.unavailable"));
		return;
	}
	const struct map_features *fs = &ld->fs;
	long from = (page - 1) * MAP_LIST_PER_PAGE;
	html_printf(b, "<p>%s", arena_printf(r->arena, T(r, "map.count"), fs->n));  /* checksrc: fmt-ok */
	if (fs->truncated)
		html_printf(b, " %s", arena_printf(r->arena, T(r, "map.truncated"), MAP_FEATURES_MAX));  /* checksrc: fmt-ok */
	html_printf(b, " <a href=\"/map/layers/%lld/features.geojson\" type=\"application/geo+json\">%s</a></p>",
		    (long long)l->id, T(r, "map.data_link"));
	if (fs->n == 0) {
		buf_puts(b, "</section>");
		return;
	}
	int choro = l->kind == MAP_CHOROPLETH;
	html_printf(b, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"layer-%lld-cap\">"
		    "<table class=\"map-features\"><caption id=\"layer-%lld-cap\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
		    (long long)l->id, (long long)l->id,
		    arena_printf(r->arena, T(r, "map.list.caption"), layer_name(r, l)),  /* checksrc: fmt-ok */
		    T(r, "map.list.name"), T(r, choro ? "map.list.value" : "map.list.address"));
	html_printf(b, "<th scope=\"col\">%s</th></tr></thead><tbody>", T(r, "map.list.coords"));
	for (long i = from; i < fs->n && i < from + MAP_LIST_PER_PAGE; i++) {
		const struct map_feature *f = &fs->f[i];
		html_printf(b, "<tr><th scope=\"row\">%s</th><td>", *f->name ? f->name : T(r, "map.noname"));
		if (choro)
			html_printf(b, "%s", f->has_value ? num_text(r, f->value) : T(r, "map.legend.none"));
		else
			html_printf(b, "%s", f->addr);
		html_printf(b, "</td><td><a class=\"map-goto\" href=\"%s\" data-lat=\"%s\" data-lon=\"%s\" aria-label=\"%s\">%s, %s</a></td></tr>",
			    centre_href(r, f->lat, f->lon), fmt6(r, f->lat), fmt6(r, f->lon),
			    arena_printf(r->arena, T(r, "map.centre_on"), *f->name ? f->name : T(r, "map.noname")),  /* checksrc: fmt-ok */
			    fmt6(r, f->lat), fmt6(r, f->lon));
	}
	buf_puts(b, "</tbody></table></div>");
	if (fs->n > MAP_LIST_PER_PAGE) {
		const char *lid = arena_printf(r->arena, "%lld", (long long)l->id);
		const char *const pairs[] = { "layer", lid, NULL };
		struct ui_pager pg = { .path = "/map", .pairs = pairs, .page = page, .total = fs->n,
				       .per_page = MAP_LIST_PER_PAGE };
		ui_pager(b, r->arena, lang, &pg);
	}
	buf_puts(b, "</section>");
}

int page_map(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const struct map_web_config *cfg = map_web_config(r);
	int staff = may_see_staff_layers(r);
	struct map_layer *ls;
	int n;
	struct err e;
	int rc = map_layers_list(&ls, &n, r->arena, app_store(r), q->tenant.code, staff, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	const char *qs = http_param(r, "q");
	if (qs && strlen(qs) > MAP_Q_MAX)
		return app_send_error(r, ERR_INVALID, "map.error.q", "map: q too long");
	int64_t only = 0, page = 1;
	const char *ps = http_param(r, "page"), *ols = http_param(r, "layer");
	if (ps && parse_i64(&page, ps, 1, 10000))
		return app_send_error(r, ERR_INVALID, "map.error.page", "map: page");
	if (ols && parse_i64(&only, ols, 1, INT64_MAX))
		return app_send_error(r, ERR_NOTFOUND, "map.error.layer", "map: layer");
	const char *las = http_param(r, "lat"), *los = http_param(r, "lon");
	double lat = 0, lon = 0;
	int centre = las && los;
	if (centre) {
		lat = strtod(las, NULL);
		lon = strtod(los, NULL);
		if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
			return app_send_error(r, ERR_INVALID, "map.error.coords", "map: coordinates out of range");
	}
	int found_only = 0;
	struct loaded *ld = arena_alloc(r->arena, (size_t)(n > 0 ? n : 1) * sizeof *ld);
	if (!ld)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "map: no memory");
	for (int i = 0; i < n; i++) {
		memset(&ld[i], 0, sizeof ld[i]);
		if (only && ls[i].id == only)
			found_only = 1;
		if (ls[i].source != MAP_SRC_DATASET) {
			ld[i].rc = ERR_UNAVAILABLE;
			continue;
		}
		ld[i].rc = map_features_load(&ld[i].fs, app_store(r), q->tenant.code, &ls[i], &e);
		if (ld[i].rc)
			log_info("map: layer not readable", "layer", arena_printf(r->arena, "%lld", (long long)ls[i].id),
				 "detail", e.detail);
	}
	if (only && !found_only) {
		for (int i = 0; i < n; i++)
			map_features_done(&ld[i].fs);
		return app_send_error(r, ERR_NOTFOUND, "map.error.layer", "map: no such layer");
	}
	struct html_page p;
	struct buf b;
	app_page(r, &p, T(r, "map.title"));
	buf_init(&b, 8u << 20);
	html_page_begin(&b, &p);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/leaflet/leaflet.css\">\n"
		     "<link rel=\"stylesheet\" href=\"/assets/map.css\">\n");
	html_printf(&b, "<p>%s</p>", T(r, "map.intro"));
	/* the search: server-side, over the names and addresses */
	html_printf(&b, "<form class=\"map-search\" role=\"search\" method=\"get\" action=\"/map\">"
		    "<label for=\"map-q\">%s</label> <input class=\"input\" type=\"search\" id=\"map-q\" name=\"q\" "
		    "value=\"%s\" maxlength=\"%d\"> <button type=\"submit\" class=\"button\">%s</button></form>",
		    T(r, "map.search.label"), qs ? qs : "", MAP_Q_MAX, T(r, "map.search.button"));
	char *needle = NULL;
	if (qs && *qs && jp_text_fold(&needle, qs, strlen(qs), NULL) == 0 && *needle) {
		html_printf(&b, "<section class=\"map-results\" aria-labelledby=\"map-results-h\"><h2 id=\"map-results-h\">%s</h2>",
			    arena_printf(r->arena, T(r, "map.search.results"), qs));  /* checksrc: fmt-ok */
		int hits = 0;
		buf_puts(&b, "<ol class=\"map-hits\">");
		for (int i = 0; i < n && hits < MAP_SEARCH_MAX; i++) {
			for (int k = 0; ld[i].rc == 0 && k < ld[i].fs.n && hits < MAP_SEARCH_MAX; k++) {
				const struct map_feature *f = &ld[i].fs.f[k];
				if (!map_text_match(needle, f->name) && !map_text_match(needle, f->addr))
					continue;
				hits++;
				html_printf(&b, "<li><a class=\"map-hit map-goto\" href=\"%s\" data-lat=\"%s\" data-lon=\"%s\">%s</a> "
					    "<span class=\"map-hit-layer\">（%s）</span>",
					    centre_href(r, f->lat, f->lon), fmt6(r, f->lat), fmt6(r, f->lon),
					    *f->name ? f->name : T(r, "map.noname"), layer_name(r, &ls[i]));
				if (*f->addr && ls[i].kind != MAP_CHOROPLETH)
					html_printf(&b, " %s", f->addr);
				html_printf(&b, " <span class=\"map-hit-coords\">%s, %s</span></li>", fmt6(r, f->lat),
					    fmt6(r, f->lon));
			}
		}
		buf_puts(&b, "</ol>");
		if (hits == 0)
			html_printf(&b, "<p class=\"map-nohit\">%s</p>", T(r, "map.search.none"));
		buf_puts(&b, "</section>");
	}
	free(needle);
	if (centre)
		html_printf(&b, "<p class=\"map-centre\" id=\"map-centre\">%s</p>",
			    arena_printf(r->arena, T(r, "map.centred"), fmt6(r, lat), fmt6(r, lon)));  /* checksrc: fmt-ok */
	/* the map: hidden until map.js has drawn it */
	html_printf(&b, "<section class=\"map-area\" aria-labelledby=\"map-view-h\"><h2 id=\"map-view-h\">%s</h2>",
		    T(r, "map.view"));
	html_printf(&b, "<div id=\"map-view\" class=\"map-box\" role=\"region\" aria-label=\"%s\" data-unavailable=\"%s\"",
		    T(r, "map.view"), T(r, "map.unavailable_short"));
	if (cfg->tiles) {
		html_printf(&b, " data-tiles=\"%s\" data-attribution=\"%s\"", cfg->tiles,
			    cfg->attribution ? cfg->attribution : "");
		r->csp_img_src = tile_origin(r, cfg->tiles);
	}
	if (centre)
		html_printf(&b, " data-lat=\"%s\" data-lon=\"%s\"", fmt6(r, lat), fmt6(r, lon));
	buf_puts(&b, " hidden></div>");
	/* the switcher: checkboxes (keyboard-reachable, visible labels), for
	 * the drawn map only: hidden until map.js runs */
	html_printf(&b, "<fieldset class=\"map-switcher\" id=\"map-switcher\" hidden><legend>%s</legend>",
		    T(r, "map.switcher"));
	for (int i = 0; i < n; i++) {
		const struct map_layer *l = &ls[i];
		const char *src = l->source == MAP_SRC_URL ? l->url
			: arena_printf(r->arena, "/map/layers/%lld/features.geojson", (long long)l->id);
		html_printf(&b, "<div class=\"map-switch\"><input type=\"checkbox\" id=\"map-layer-%lld\" "
			    "data-layer=\"%lld\" data-src=\"%s\" data-kind=\"%d\" data-color=\"%s\" data-marker=\"%d\" "
			    "data-width=\"%d\" data-opacity=\"%d\" data-name=\"%s\"%S> <label for=\"map-layer-%lld\">",
			    (long long)l->id, (long long)l->id, src, (int)l->kind, l->color, (int)l->marker,
			    l->line_width, l->fill_opacity, layer_name(r, l), l->on_default ? " checked" : "",
			    (long long)l->id);
		if (l->kind == MAP_CHOROPLETH) {
			double br[MAP_BREAKS_MAX];
			int nb = map_breaks_parse(br, l->breaks);
			for (int c = 0; c <= nb && nb > 0; c++)
				html_printf(&b, "<span hidden data-class-color=\"%s\"></span>", map_class_color(c, nb + 1));
		}
		swatch(&b, l, NULL);
		html_printf(&b, " %s</label> <span class=\"map-status\" id=\"map-status-%lld\" role=\"status\"></span></div>",
			    layer_name(r, l), (long long)l->id);
	}
	buf_puts(&b, "</fieldset>");
	/* the legend */
	html_printf(&b, "<section class=\"map-legend\" aria-labelledby=\"map-legend-h\"><h3 id=\"map-legend-h\">%s</h3><ul>",
		    T(r, "map.legend"));
	for (int i = 0; i < n; i++)
		legend_item(&b, r, &ls[i]);
	buf_puts(&b, "</ul></section></section>");
	/* the lists: every feature of each layer, without JavaScript */
	html_printf(&b, "<section class=\"map-lists\" aria-labelledby=\"map-lists-h\"><h2 id=\"map-lists-h\">%s</h2>",
		    T(r, "map.lists"));
	if (n == 0)
		html_printf(&b, "<p>%s</p>", T(r, "map.none"));
	for (int i = 0; i < n; i++)
		if (!only || ls[i].id == only)
			layer_list(&b, r, &ls[i], &ld[i], only ? page : 1);
	if (only)
		html_printf(&b, "<p><a href=\"/map\">%s</a></p>", T(r, "map.all_layers"));
	buf_puts(&b, "</section>\n<script src=\"/assets/leaflet/leaflet.js\" defer></script>\n"
		     "<script src=\"/assets/map.js\" defer></script>\n");
	for (int i = 0; i < n; i++)
		map_features_done(&ld[i].fs);
	return app_page_send(r, 200, &b, &p);
}

int page_map_layer_geojson(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	const char *s = http_param(r, "id");
	if (!s || parse_i64(&id, s, 1, INT64_MAX))
		return app_send_error(r, ERR_NOTFOUND, "map.error.layer", "map: layer id");
	struct map_layer l;
	struct err e;
	int rc = map_layer_get(&l, r->arena, app_store(r), q->tenant.code, id, &e);
	if (rc == 0 && l.staff_only && !may_see_staff_layers(r))
		rc = ERR_NOTFOUND;   /* as if there were none */
	if (rc == 0 && l.source != MAP_SRC_DATASET)
		rc = ERR_NOTFOUND;   /* its data is at its own URL */
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "map.error.layer", "map: no such layer");
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct map_features fs;
	rc = map_features_load(&fs, app_store(r), q->tenant.code, &l, &e);
	if (rc == ERR_NOTFOUND || rc == ERR_INVALID)
		return app_send_error(r, ERR_UNAVAILABLE, "map.error.source", "map: layer %lld: %s", (long long)id,
				      e.detail);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct buf b;
	buf_init(&b, MAP_GEOJSON_MAX);
	rc = map_features_geojson(&b, &fs, &e);
	map_features_done(&fs);
	if (rc) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	http_set_header(r, "cache-control", l.staff_only ? "private, no-store" : "public, max-age=60");
	/* the body must live until it is sent: the request's arena */
	char *copy = arena_strndup(r->arena, buf_cstr(&b), b.len);
	size_t len = b.len;
	buf_done(&b);
	if (!copy)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "map: no memory");
	return http_send(r, 200, "application/geo+json", copy, len);
}

/* ---- the slot ---- */

int map_web_init(void **state, struct app *a, struct err *e)
{
	struct map_web_config *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "map: no memory");
	/* opendata's options (its check has refused a bad template already) */
	c->tiles = svc_option(a, "map-tiles");
	c->attribution = svc_option(a, "map-attribution");
	*state = c;
	return 0;
}

void map_web_done(void *state)
{
	free(state);
}

const struct map_web_config *map_web_config(struct http_req *r)
{
	static const struct map_web_config none = { 0 };
	const struct map_web_config *c = svc_state(r, &svc_map);
	return c ? c : &none;
}
