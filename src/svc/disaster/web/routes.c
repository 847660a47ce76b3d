/*
 * routes.c -- the URLs of the disaster service: method, pattern,
 * permission, kind and declared parameters, next to the handlers
 * (page_public.c, page_staff.c); the descriptor (../service.c) hands them
 * to the server, which enforces all of it before a handler runs.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/disaster/disaster.h"
#include "svc/disaster/web/disaster_web.h"

#include <string.h>

int disaster_v_key(const char *v, size_t n)
{
	return n <= DISASTER_KEY_MAX && disaster_key_ok(v) ? 0 : ERR_INVALID;
}

/* a form's select or field may send the empty value: "" is none */
int disaster_v_opt_code(const char *v, size_t n)
{
	return n == 0 ? 0 : app_v_code(v, n);
}

int disaster_v_deg(const char *v, size_t n)
{
	if (n == 0)
		return 0;   /* the form's empty field: not given */
	if (n > 14)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '.' || (i == 0 && v[i] == '-')))
			return ERR_INVALID;
	return 0;
}

#define P_FILTERS \
	{ "hazard", HTTP_QUERY, 16, disaster_v_opt_code, 0 }, \
	{ "state", HTTP_QUERY, 10, disaster_v_opt_code, 0 }, \
	{ "q", HTTP_QUERY, DISASTER_NAME_MAX, NULL, 0 }, \
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 }

static const struct http_param_spec p_list[] = {
	P_FILTERS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_list[] = {
	P_FILTERS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_key[] = {
	{ "key", HTTP_PATH, DISASTER_KEY_MAX, disaster_v_key, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_key[] = {
	{ "key", HTTP_PATH, DISASTER_KEY_MAX, disaster_v_key, HTTP_PARAM_REQUIRED },
	{ "saved", HTTP_QUERY, 18, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_nearest[] = {
	{ "hazard", HTTP_QUERY, 16, disaster_v_opt_code, 0 },
	{ "q", HTTP_QUERY, DISASTER_NAME_MAX, NULL, 0 },
	{ "lat", HTTP_QUERY, 14, disaster_v_deg, 0 },
	{ "lon", HTTP_QUERY, 14, disaster_v_deg, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_import[] = {
	{ "file", HTTP_FILE, DISASTER_FILE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_designate[] = {
	{ "file", HTTP_FILE, DISASTER_FILE_MAX, NULL, 0 },
	{ "as", HTTP_FORM, 4 * DISASTER_DESIGNATION_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the status form; disaster_status_check states the rules, these only
 * bound what is read (the note up to 4x: a refused note comes back with
 * the form, not a bare 400) */
static const struct http_param_spec p_status[] = {
	{ "key", HTTP_PATH, DISASTER_KEY_MAX, disaster_v_key, HTTP_PARAM_REQUIRED },
	{ "version", HTTP_FORM, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "state", HTTP_FORM, 10, NULL, 0 },
	{ "people", HTTP_FORM, 12, NULL, 0 },
	{ "need_water", HTTP_FORM, 1, app_v_01, 0 },
	{ "need_food", HTTP_FORM, 1, app_v_01, 0 },
	{ "need_medical", HTTP_FORM, 1, app_v_01, 0 },
	{ "need_power", HTTP_FORM, 1, app_v_01, 0 },
	{ "note", HTTP_FORM, 4 * DISASTER_STATUS_NOTE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route disaster_routes[] = {
	{ "GET", "/disaster", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_list, page_disaster_list, "disaster.list" },
	{ "GET", "/disaster/nearest", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_nearest, page_disaster_nearest, "disaster.nearest" },
	{ "GET", "/disaster/nearest.js", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, NULL, page_disaster_nearest_js, "disaster.nearest.js" },
	{ "GET", "/disaster/shelters.geojson", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, NULL, page_disaster_geojson, "disaster.geojson" },
	{ "GET", "/disaster/shelters/{key}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_key, page_disaster_shelter, "disaster.shelter" },
	{ "GET", "/staff/disaster", DISASTER_PERM_STATUS, HTTP_KIND_HTML, 0, p_staff_list, page_dstaff_list, "staff.disaster" },
	{ "POST", "/staff/disaster/import", DISASTER_PERM_ADMIN, HTTP_KIND_HTML, 0, p_import, page_dstaff_import, "staff.disaster.import" },
	{ "POST", "/staff/disaster/designate", DISASTER_PERM_ADMIN, HTTP_KIND_HTML, 0, p_designate, page_dstaff_designate, "staff.disaster.designate" },
	{ "GET", "/staff/disaster/shelters/{key}", DISASTER_PERM_STATUS, HTTP_KIND_HTML, 0, p_staff_key, page_dstaff_shelter, "staff.disaster.shelter" },
	{ "POST", "/staff/disaster/shelters/{key}/status", DISASTER_PERM_STATUS, HTTP_KIND_HTML, 0, p_status, page_dstaff_status, "staff.disaster.status" },
	SVC_ROUTES_END,
};
