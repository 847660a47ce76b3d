/*
 * page_public.c -- the residents' pages of the disaster service, all
 * server-rendered and usable without JavaScript at 360 px:
 *   GET /disaster                  shelters, filtered by hazard, state and
 *                                  text, with their live status and a flag
 *                                  on a status older than the stale limit
 *   GET /disaster/shelters/{key}   one shelter
 *   GET /disaster/nearest          the nearest open shelter for a hazard,
 *                                  from lat/lon or from a place's name or
 *                                  address among the shelters' (there is
 *                                  no geocoder: the matches' centre is the
 *                                  origin, said so on the page)
 *   GET /disaster/nearest.js       the small script that fills lat/lon from
 *                                  the phone's position (progressive: the
 *                                  form works without it)
 *   GET /disaster/shelters.geojson every shelter with its status, for a map
 *                                  (RFC 7946, ASCII keys), cached 60 s
 * Shelters hold no personal data: reads are not audited.  Who changed a
 * status is never shown here (staff pages only).
 */
#include "web/app.h"
#include "web/ui.h"
#include "svc/disaster/disaster.h"
#include "svc/disaster/web/disaster_web.h"
#include "jp/date.h"
#include "base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

const char *disaster_state_label(struct http_req *r, int state)
{
	static const char *const ids[] = { "disaster.state.unopened", "disaster.state.open", "disaster.state.full",
					   "disaster.state.closed" };
	return T(r, ids[(unsigned)state < 4 ? state : 0]);
}

static const char *const hazard_ids[DISASTER_NHAZARDS] = {
	"disaster.hazard.flood", "disaster.hazard.landslide", "disaster.hazard.storm_surge",
	"disaster.hazard.earthquake", "disaster.hazard.tsunami", "disaster.hazard.fire",
	"disaster.hazard.inland_flood", "disaster.hazard.volcano",
};

const char *disaster_hazards_text(struct http_req *r, unsigned hazards)
{
	char buf[512] = "";
	size_t k = 0;
	for (int i = 0; i < DISASTER_NHAZARDS; i++)
		if (hazards & disaster_hazards[i].bit)
			k += (size_t)snprintf(buf + k, k < sizeof buf ? sizeof buf - k : 0, "%s%s", k ? T(r, "disaster.sep") : "",
					      T(r, hazard_ids[i]));
	return arena_strdup(r->arena, buf);
}

const char *disaster_needs_text(struct http_req *r, unsigned needs)
{
	static const char *const ids[] = { "disaster.need.water", "disaster.need.food", "disaster.need.medical",
					   "disaster.need.power" };
	char buf[256] = "";
	size_t k = 0;
	for (int i = 0; i < 4; i++)
		if (needs & (1u << i))
			k += (size_t)snprintf(buf + k, k < sizeof buf ? sizeof buf - k : 0, "%s%s", k ? T(r, "disaster.sep") : "",
					      T(r, ids[i]));
	return arena_strdup(r->arena, k ? buf : T(r, "disaster.need.none"));
}

/* "2026-12-07 10:30" in Japan time */
const char *disaster_time_text(struct http_req *r, int64_t t)
{
	struct jp_date d = jp_jst_date(t);
	int64_t sec = ((t + 9 * 3600) % 86400 + 86400) % 86400;
	char day[JP_DATE_ISO_SIZE];
	jp_date_format_iso(day, sizeof day, d, NULL);
	return arena_printf(r->arena, "%s %02d:%02d", day, (int)(sec / 3600), (int)(sec / 60 % 60));
}

/* the status line of a shelter: state, stale flag, when */
static void status_html(struct buf *b, struct http_req *r, const struct disaster_shelter *sh)
{
	html_printf(b, "<span class=\"tag shelter-state state-%s\">%s</span>", disaster_state_name(sh->state),
		    disaster_state_label(r, sh->state));
	if (disaster_is_stale(sh, app_now(), disaster_stale_secs(r)))
		html_printf(b, " <strong class=\"tag-important shelter-stale\">%s</strong>", T(r, "disaster.stale"));
	if (sh->status_at)
		html_printf(b, " <span class=\"shelter-updated\">%s %s</span>", T(r, "disaster.updated"),
			    disaster_time_text(r, sh->status_at));
}

/* the hazard select, the filter form's and the nearest form's */
static void hazard_select(struct buf *b, struct http_req *r, const char *id, const char *value, const char *label)
{
	struct ui_option o[DISASTER_NHAZARDS];
	for (int i = 0; i < DISASTER_NHAZARDS; i++)
		o[i] = (struct ui_option){ disaster_hazards[i].code, T(r, hazard_ids[i]) };
	ui_select(b, &(struct ui_field){ .name = "hazard", .id = id, .label = label, .value = value ? value : "",
					 .lang = app_req(r)->lang }, o, DISASTER_NHAZARDS, T(r, "disaster.hazard.any"));
}

static int bad_filter(struct http_req *r)
{
	return app_send_error(r, ERR_INVALID, "disaster.error.filter", "disaster: unknown hazard or state");
}

/* ---- the list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
};

static void list_item(const struct disaster_shelter *sh, void *arg)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<li class=\"shelter\"><h3><a href=\"/disaster/shelters/%s\">%s</a></h3><p>%s</p><p>",
		    sh->key, sh->name, sh->address);
	status_html(c->b, r, sh);
	buf_puts(c->b, "</p>");
	if (sh->is_emergency && sh->hazards)
		html_printf(c->b, "<p>%s: %s</p>", T(r, "disaster.hazards"), disaster_hazards_text(r, sh->hazards));
	buf_puts(c->b, "</li>");
}

int page_disaster_list(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *hz = http_param(r, "hazard"), *st = http_param(r, "state"), *text = http_param(r, "q");
	unsigned hazard = hz && *hz ? disaster_hazard_parse(hz) : 0;
	int state = st && *st ? disaster_state_parse(st) : -1;
	if ((hz && *hz && !hazard) || (st && *st && state < 0))
		return bad_filter(r);
	int64_t page = 1;
	const char *ps = http_param(r, "page");
	if (ps && parse_i64(&page, ps, 1, 1000))
		return app_send_error(r, ERR_INVALID, "disaster.error.page", "disaster: page");
	struct html_page p;
	struct buf b;
	app_page(r, &p, T(r, "disaster.title"));
	buf_init(&b, 4u << 20);
	html_page_begin(&b, &p);
	html_printf(&b, "<p>%s</p><p><a class=\"button\" href=\"/disaster/nearest\">%s</a></p>", T(r, "disaster.lead"),
		    T(r, "disaster.nearest.title"));
	html_printf(&b, "<form method=\"get\" action=\"/disaster\" class=\"form\" role=\"search\" aria-label=\"%s\">",
		    T(r, "disaster.filter"));
	hazard_select(&b, r, "f-hazard", hz, T(r, "disaster.field.hazard"));
	struct ui_option so[] = { { "open", T(r, "disaster.state.open") }, { "full", T(r, "disaster.state.full") },
				  { "unopened", T(r, "disaster.state.unopened") },
				  { "closed", T(r, "disaster.state.closed") } };
	ui_select(&b, &(struct ui_field){ .name = "state", .id = "f-state", .label = T(r, "disaster.field.state"),
					  .value = st ? st : "", .lang = q->lang }, so, 4, T(r, "disaster.state.any"));
	ui_input(&b, &(struct ui_field){ .name = "q", .id = "f-q", .label = T(r, "disaster.field.q"),
					 .value = text, .lang = q->lang, .maxlength = 100 });
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "disaster.filter.go"));
	html_printf(&b, "<h2 id=\"shelters-h\">%s</h2><ul class=\"shelter-list\" aria-labelledby=\"shelters-h\">",
		    T(r, "disaster.shelters"));
	struct list_ctx c = { r, &b };
	struct err e;
	int total = disaster_list(app_store(r), q->tenant.code,
				  &(struct disaster_query){ .hazard = hazard, .state = state, .text = text,
							    .limit = DISASTER_PER_PAGE,
							    .offset = (int)(page - 1) * DISASTER_PER_PAGE },
				  list_item, &c, &e);
	if (total < 0) {
		buf_done(&b);
		return total == ERR_INVALID ? bad_filter(r) : http_send_error(r, total, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</ul>");
	html_printf(&b, "<p id=\"shelters-count\">%s</p>",
		    arena_printf(r->arena, T(r, "disaster.count"), total));  /* checksrc: fmt-ok */
	const char *const pairs[] = { "hazard", hz, "state", st, "q", text, NULL };
	struct ui_pager pg = { .path = "/disaster", .pairs = pairs, .page = page, .total = total,
			       .per_page = DISASTER_PER_PAGE };
	ui_pager(&b, r->arena, q->lang, &pg);
	html_printf(&b, "<p><a href=\"/disaster/shelters.geojson\" type=\"application/geo+json\">%s</a></p>"
		    "<p class=\"source\">%s</p>", T(r, "disaster.geojson"), T(r, "disaster.credit"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- one shelter ---- */

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "disaster.error.not_found", "disaster: no such shelter");
}

static void row(struct buf *b, const char *label, const char *value)
{
	if (value && *value)
		html_printf(b, "<dt>%s</dt><dd>%s</dd>", label, value);
}

int page_disaster_shelter(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct disaster_shelter sh;
	struct err e;
	int rc = disaster_get(&sh, r->arena, app_store(r), q->tenant.code, http_param(r, "key"), &e);
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	struct buf b;
	app_page(r, &p, sh.name);
	p.title_lang = q->lang == HTML_EN ? "ja" : NULL;
	buf_init(&b, 1u << 20);
	html_page_begin(&b, &p);
	html_printf(&b, "<h2>%s</h2><p class=\"shelter-status\">", T(r, "disaster.status"));
	status_html(&b, r, &sh);
	buf_puts(&b, "</p><dl class=\"shelter-facts\">");
	if (sh.status_at) {
		row(&b, T(r, "disaster.people"), arena_printf(r->arena, "%lld", (long long)sh.people));
		row(&b, T(r, "disaster.needs"), disaster_needs_text(r, sh.needs));
		row(&b, T(r, "disaster.status_note"), sh.status_note);
	}
	buf_puts(&b, "</dl>");
	if (disaster_is_stale(&sh, app_now(), disaster_stale_secs(r)))
		html_printf(&b, "<p class=\"notice\">%s</p>", T(r, "disaster.stale.long"));
	html_printf(&b, "<h2>%s</h2><dl class=\"shelter-facts\">", T(r, "disaster.about"));
	row(&b, T(r, "disaster.address"), sh.address);
	const char *kinds = sh.is_emergency && sh.is_designated ? T(r, "disaster.kind.both")
			  : sh.is_emergency ? T(r, "disaster.kind.emergency") : T(r, "disaster.kind.designated");
	row(&b, T(r, "disaster.kind"), kinds);
	if (sh.is_emergency)
		row(&b, T(r, "disaster.hazards"), sh.hazards ? disaster_hazards_text(r, sh.hazards) : T(r, "disaster.hazard.none"));
	row(&b, T(r, "disaster.designation"), sh.ward_designation);
	row(&b, T(r, "disaster.accepts"), sh.accepts);
	row(&b, T(r, "disaster.note"), sh.note);
	buf_puts(&b, "</dl>");
	html_printf(&b, "<p><a href=\"%s\" rel=\"noopener\">%s</a></p>",
		    arena_printf(r->arena, "https://maps.gsi.go.jp/#17/%.6f/%.6f/", (double)sh.lat_e6 / 1e6,
				 (double)sh.lon_e6 / 1e6), T(r, "disaster.gsi_map"));
	html_printf(&b, "<p><a href=\"/disaster/nearest\">%s</a></p><p><a href=\"/disaster\">%s</a></p>",
		    T(r, "disaster.nearest.title"), T(r, "disaster.all"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- the nearest open shelter ---- */

static int parse_deg(double *out, const char *s, double min, double max)
{
	char *end;
	if (!s || !*s)
		return -1;
	double d = strtod(s, &end);
	if (*end || !isfinite(d) || d < min || d > max)
		return -1;
	*out = d;
	return 0;
}

struct centre {
	double lat, lon;
	int n;
};

static void add_centre(const struct disaster_shelter *sh, void *arg)
{
	struct centre *c = arg;
	c->lat += (double)sh->lat_e6 / 1e6;
	c->lon += (double)sh->lon_e6 / 1e6;
	c->n++;
}

static const char *distance_text(struct http_req *r, double m)
{
	if (m < 995)
		return arena_printf(r->arena, T(r, "disaster.distance.m"),  /* checksrc: fmt-ok */
				    arena_printf(r->arena, "%.0f", ceil(m / 10) * 10));
	return arena_printf(r->arena, T(r, "disaster.distance.km"),  /* checksrc: fmt-ok */
			    arena_printf(r->arena, "%.1f", m / 1000));
}

/* one found shelter: its card */
static int found_html(struct buf *b, struct http_req *r, const struct disaster_point *pt, double m)
{
	struct disaster_shelter sh;
	struct err e;
	int rc = disaster_get(&sh, r->arena, app_store(r), app_req(r)->tenant.code, pt->key, &e);
	if (rc)
		return rc;
	html_printf(b, "<div class=\"shelter-found\"><h3><a href=\"/disaster/shelters/%s\">%s</a></h3>"
		    "<p>%s</p><p>%s</p><p>", sh.key, sh.name, distance_text(r, m), sh.address);
	status_html(b, r, &sh);
	buf_puts(b, "</p></div>");
	return 0;
}

int page_disaster_nearest(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *hz = http_param(r, "hazard"), *text = http_param(r, "q");
	const char *las = http_param(r, "lat"), *los = http_param(r, "lon");
	unsigned hazard = hz && *hz ? disaster_hazard_parse(hz) : 0;
	if (hz && *hz && !hazard)
		return bad_filter(r);
	double lat = 0, lon = 0;
	int have_pos = 0, asked = (las && *las) || (los && *los) || (text && *text);
	const char *error = NULL;
	if ((las && *las) || (los && *los)) {
		if (parse_deg(&lat, las, -90, 90) || parse_deg(&lon, los, -180, 180))
			error = T(r, "disaster.nearest.error.position");
		else
			have_pos = 1;
	}
	struct err e;
	struct centre c = { 0 };
	if (!have_pos && !error && text && *text) {
		int total = disaster_list(app_store(r), q->tenant.code,
					  &(struct disaster_query){ .state = -1, .text = text, .limit = DISASTER_PAGE_MAX },
					  add_centre, &c, &e);
		if (total < 0 && total != ERR_INVALID)
			return http_send_error(r, total, NULL, NULL, e.detail);
		if (c.n > 0) {
			lat = c.lat / c.n;
			lon = c.lon / c.n;
			have_pos = 1;
		} else {
			error = T(r, "disaster.nearest.error.place");
		}
	}
	if (asked && !have_pos && !error)
		error = T(r, "disaster.nearest.error.none_given");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "disaster.nearest.title"), error ? "f-q" : NULL, error);
	html_printf(&b, "<p>%s</p>", T(r, "disaster.nearest.lead"));
	html_printf(&b, "<form method=\"get\" action=\"/disaster/nearest\" class=\"form\" id=\"nearest-form\""
		    " data-locate=\"%s\" data-locating=\"%s\" data-locate-failed=\"%s\">",
		    T(r, "disaster.nearest.locate"), T(r, "disaster.nearest.locating"),
		    T(r, "disaster.nearest.locate_failed"));
	hazard_select(&b, r, "f-hazard", hz, T(r, "disaster.field.hazard_nearest"));
	ui_input(&b, &(struct ui_field){ .name = "q", .id = "f-q", .label = T(r, "disaster.field.place"),
					 .hint = T(r, "disaster.field.place.hint"), .value = text, .lang = q->lang,
					 .maxlength = 100, .error = error });
	html_printf(&b, "<details%S><summary>%s</summary>", las && *las ? " open" : "", T(r, "disaster.field.position"));
	ui_input(&b, &(struct ui_field){ .name = "lat", .id = "f-lat", .label = T(r, "disaster.field.lat"),
					 .value = las, .lang = q->lang, .inputmode = "decimal", .verbatim = 1 });
	ui_input(&b, &(struct ui_field){ .name = "lon", .id = "f-lon", .label = T(r, "disaster.field.lon"),
					 .value = los, .lang = q->lang, .inputmode = "decimal", .verbatim = 1 });
	buf_puts(&b, "</details><div class=\"button-group\" id=\"locate-slot\">");
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"nearest-go\">%s</button></div>"
		    "<p id=\"locate-status\" role=\"status\"></p></form>", T(r, "disaster.nearest.go"));
	if (have_pos) {
		struct disaster_point *pts;
		int n;
		struct disaster_index ix;
		int rc = disaster_points(&pts, &n, r->arena, app_store(r), q->tenant.code, &e);
		if (rc == 0)
			rc = disaster_index_build(&ix, r->arena, pts, n, &e);
		if (rc) {
			buf_done(&b);
			return http_send_error(r, rc, NULL, NULL, e.detail);
		}
		double m;
		html_printf(&b, "<section aria-labelledby=\"result-h\" id=\"nearest-result\"><h2 id=\"result-h\">%s</h2>",
			    T(r, "disaster.nearest.result"));
		if (!(las && *las))
			html_printf(&b, "<p>%s</p>", arena_printf(r->arena, T(r, "disaster.nearest.from_place"),  /* checksrc: fmt-ok */
								  text, c.n));
		const struct disaster_point *pt = disaster_index_nearest(&ix, lat, lon, hazard, 1, &m);
		if (pt) {
			rc = found_html(&b, r, pt, m);
		} else {
			html_printf(&b, "<p id=\"nearest-none\">%s</p>", T(r, "disaster.nearest.none_open"));
			pt = disaster_index_nearest(&ix, lat, lon, hazard, 0, &m);
			if (pt) {
				html_printf(&b, "<p>%s</p>", T(r, "disaster.nearest.any"));
				rc = found_html(&b, r, pt, m);
			}
		}
		if (rc) {
			buf_done(&b);
			return http_send_error(r, rc, NULL, NULL, e.detail);
		}
		buf_puts(&b, "</section>");
	}
	html_printf(&b, "<p><a href=\"/disaster\">%s</a></p>", T(r, "disaster.all"));
	buf_puts(&b, "<script src=\"/disaster/nearest.js\" defer></script>");
	return app_page_send(r, error ? 422 : 200, &b, &p);
}

/* progressive: with a position the form is sent with lat/lon; without
 * geolocation (or JavaScript) nothing changes */
static const char nearest_js[] =
	"/* nearest.js -- fills lat/lon of the nearest-shelter form from the phone's position */\n"
	"(function () {\n"
	"  var f = document.getElementById('nearest-form');\n"
	"  if (!f || !navigator.geolocation) return;\n"
	"  var st = document.getElementById('locate-status');\n"
	"  var b = document.createElement('button');\n"
	"  b.type = 'button'; b.className = 'button-secondary'; b.id = 'use-location';\n"
	"  b.textContent = f.getAttribute('data-locate');\n"
	"  b.addEventListener('click', function () {\n"
	"    st.textContent = f.getAttribute('data-locating');\n"
	"    navigator.geolocation.getCurrentPosition(function (p) {\n"
	"      f.elements.lat.value = p.coords.latitude.toFixed(6);\n"
	"      f.elements.lon.value = p.coords.longitude.toFixed(6);\n"
	"      f.elements.q.value = '';\n"
	"      f.submit();\n"
	"    }, function () { st.textContent = f.getAttribute('data-locate-failed'); },\n"
	"    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });\n"
	"  });\n"
	"  document.getElementById('locate-slot').appendChild(b);\n"
	"})();\n";

int page_disaster_nearest_js(struct http_req *r)
{
	http_set_header(r, "Cache-Control", "public, max-age=3600");
	return http_send(r, 200, "text/javascript; charset=utf-8", nearest_js, sizeof nearest_js - 1);
}

/* ---- GeoJSON ---- */

struct geo_ctx {
	json_t *features;
	int64_t now, stale;
};

static void geo_item(const struct disaster_shelter *sh, void *arg)
{
	struct geo_ctx *g = arg;
	json_t *hz = json_array();
	for (int i = 0; i < DISASTER_NHAZARDS; i++)
		if (sh->hazards & disaster_hazards[i].bit)
			json_array_append_new(hz, json_string(disaster_hazards[i].code));
	json_t *props = json_pack("{s:s, s:s, s:s, s:b, s:b, s:o, s:s, s:I, s:b}", "key", sh->key, "name", sh->name,
				  "address", sh->address, "emergency_site", sh->is_emergency,
				  "designated_shelter", sh->is_designated, "hazards", hz,
				  "status", disaster_state_name(sh->state), "people", (json_int_t)sh->people,
				  "stale", disaster_is_stale(sh, g->now, g->stale));
	if (props && sh->status_at)
		json_object_set_new(props, "updated_at", json_integer(sh->status_at));
	if (props && sh->ward_designation)
		json_object_set_new(props, "ward_designation", json_string(sh->ward_designation));
	if (props && sh->emergency_id)
		json_object_set_new(props, "gsi_emergency_id", json_string(sh->emergency_id));
	if (props && sh->designated_id)
		json_object_set_new(props, "gsi_designated_id", json_string(sh->designated_id));
	json_t *f = json_pack("{s:s, s:{s:s, s:[f, f]}, s:o}", "type", "Feature", "geometry", "type", "Point",
			      "coordinates", (double)sh->lon_e6 / 1e6, (double)sh->lat_e6 / 1e6, "properties", props);
	if (f)
		json_array_append_new(g->features, f);
}

int page_disaster_geojson(struct http_req *r)
{
	struct geo_ctx g = { json_array(), app_now(), disaster_stale_secs(r) };
	if (!g.features)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "disaster: no memory");
	struct err e;
	int total = 0, rc = 0;
	for (int off = 0; rc == 0 && (off == 0 || off < total); off += DISASTER_PAGE_MAX) {
		total = disaster_list(app_store(r), app_req(r)->tenant.code,
				      &(struct disaster_query){ .state = -1, .limit = DISASTER_PAGE_MAX, .offset = off },
				      geo_item, &g, &e);
		if (total < 0)
			rc = total;
	}
	if (rc) {
		json_decref(g.features);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	json_t *root = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", g.features);
	char *s = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
	json_decref(root);
	if (!s)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "disaster: no memory");
	http_set_header(r, "Cache-Control", "public, max-age=60");
	rc = http_send(r, 200, "application/geo+json", s, strlen(s));
	free(s);
	return rc;
}
