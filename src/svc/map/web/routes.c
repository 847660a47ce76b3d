/*
 * routes.c -- the URLs of the map service: method, pattern, permission,
 * kind and declared parameters, next to the handlers (page_map.c,
 * page_staff_map.c); the descriptor (../service.c) hands them to the
 * server, which enforces all of it before a handler runs.  The form's
 * fields are read up to four times their limit (a browser counts
 * characters, not bytes); map_layer_check states the real limits and
 * answers with the form.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/map/map.h"
#include "svc/map/web/map_web.h"

#define RD(n) (4 * (n))

static const struct http_param_spec p_map[] = {
	{ "q", HTTP_QUERY, RD(MAP_Q_MAX), NULL, 0 },
	{ "lat", HTTP_QUERY, 20, map_v_coord, 0 },
	{ "lon", HTTP_QUERY, 20, map_v_coord, 0 },
	{ "layer", HTTP_QUERY, 18, app_v_digits, 0 },
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_list[] = {
	{ "saved", HTTP_QUERY, 18, app_v_digits, 0 },
	{ "deleted", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
#define MAP_FIELDS \
	{ "name_ja", HTTP_FORM, RD(MAP_NAME_MAX), NULL, 0 }, \
	{ "name_en", HTTP_FORM, RD(MAP_NAME_MAX), NULL, 0 }, \
	{ "source", HTTP_FORM, 10, NULL, 0 }, \
	{ "dataset", HTTP_FORM, RD(MAP_DATASET_MAX), NULL, 0 }, \
	{ "resource", HTTP_FORM, RD(MAP_RESOURCE_MAX), NULL, 0 }, \
	{ "url", HTTP_FORM, RD(MAP_URL_MAX), NULL, 0 }, \
	{ "crs", HTTP_FORM, 6, app_v_digits, 0 }, \
	{ "kind", HTTP_FORM, 12, NULL, 0 }, \
	{ "color", HTTP_FORM, 64, NULL, 0 }, \
	{ "marker", HTTP_FORM, 12, NULL, 0 }, \
	{ "line_width", HTTP_FORM, 4, NULL, 0 }, \
	{ "fill_opacity", HTTP_FORM, 4, NULL, 0 }, \
	{ "name_prop", HTTP_FORM, RD(MAP_PROP_MAX), NULL, 0 }, \
	{ "addr_prop", HTTP_FORM, RD(MAP_PROP_MAX), NULL, 0 }, \
	{ "value_prop", HTTP_FORM, RD(MAP_PROP_MAX), NULL, 0 }, \
	{ "breaks", HTTP_FORM, RD(MAP_BREAKS_TEXT_MAX), NULL, 0 }, \
	{ "join_dataset", HTTP_FORM, RD(MAP_DATASET_MAX), NULL, 0 }, \
	{ "join_key", HTTP_FORM, RD(MAP_PROP_MAX), NULL, 0 }, \
	{ "join_col", HTTP_FORM, RD(MAP_PROP_MAX), NULL, 0 }, \
	{ "on_default", HTTP_FORM, 1, app_v_01, 0 }, \
	{ "staff_only", HTTP_FORM, 1, app_v_01, 0 }
static const struct http_param_spec p_create[] = {
	MAP_FIELDS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_save[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	MAP_FIELDS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_move[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "dir", HTTP_FORM, 4, NULL, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route map_routes[] = {
	{ "GET", "/map", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_map, page_map, "map.page" },
	{ "GET", "/map/layers/{id}/features.geojson", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, app_p_id,
	  page_map_layer_geojson, "map.layer.geojson" },
	{ "GET", "/staff/map", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, p_staff_list, page_staff_map, "staff.map" },
	{ "GET", "/staff/map/new", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, NULL, page_staff_map_new, "staff.map.new" },
	{ "POST", "/staff/map", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, p_create, page_staff_map_create,
	  "staff.map.create" },
	{ "GET", "/staff/map/{id}/edit", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, app_p_id, page_staff_map_edit,
	  "staff.map.edit" },
	{ "POST", "/staff/map/{id}", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, p_save, page_staff_map_save,
	  "staff.map.save" },
	{ "POST", "/staff/map/{id}/move", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, p_move, page_staff_map_move,
	  "staff.map.move" },
	{ "POST", "/staff/map/{id}/delete", MAP_PERM_ADMIN, HTTP_KIND_HTML, 0, app_p_id, page_staff_map_delete,
	  "staff.map.delete" },
	SVC_ROUTES_END,
};
