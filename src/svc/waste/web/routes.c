/*
 * routes.c -- the URLs of the bulky-waste service, next to their handlers
 * (page_waste.c): method, pattern, permission, kind, declared parameters.
 * The HTTP layer enforces them before a handler runs.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/waste/web/waste_web.h"
#include "svc/waste/collect.h"

#include <string.h>

/* a list: ID*N,ID*N (the page checks the ids against the master) */
static int v_list(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_' ||
		      v[i] == '*' || v[i] == ','))
			return ERR_INVALID;
	return 0;
}

static int v_id(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}

static const struct http_param_spec p_waste[] = {
	{ "q", HTTP_QUERY, WASTE_QUERY_MAX, NULL, 0 },
	{ "list", HTTP_QUERY, WASTE_LIST_PARAM_MAX, v_list, 0 },
	{ "pick", HTTP_QUERY, WASTE_ID_MAX, v_id, 0 },
	{ "n", HTTP_QUERY, 2, app_v_digits, 0 },
	{ "drop", HTTP_QUERY, 2, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api[] = {
	{ "q", HTTP_QUERY, WASTE_QUERY_MAX, NULL, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

/* an area of the collection calendar: "a" and 8 hex digits (collect.h) */
static int v_area(const char *v, size_t n)
{
	if (n != WASTE_COLLECT_CODE_LEN || v[0] != 'a')
		return ERR_INVALID;
	for (size_t i = 1; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'f') || (v[i] >= '0' && v[i] <= '9')))
			return ERR_INVALID;
	return 0;
}

/* the feed's file: the area and ".ics" */
static int v_ics(const char *v, size_t n)
{
	if (n != WASTE_COLLECT_CODE_LEN + 4 || memcmp(v + WASTE_COLLECT_CODE_LEN, ".ics", 4) != 0)
		return ERR_INVALID;
	return v_area(v, WASTE_COLLECT_CODE_LEN);
}

static const struct http_param_spec p_calendar[] = {
	{ "area", HTTP_QUERY, WASTE_COLLECT_CODE_LEN, v_area, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_ics[] = {
	{ "file", HTTP_PATH, WASTE_COLLECT_CODE_LEN + 4, v_ics, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_none[] = {
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_collect[] = {
	{ "done", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_collect_post[] = {
	{ "area_days", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ "target", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ "description", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ "center", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route waste_routes[] = {
	{ "GET", "/waste", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_waste, page_waste, "waste.page" },
	{ "GET", "/api/v1/waste/match", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_api, api_waste_match, "waste.match" },
	{ "GET", "/waste/calendar", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_calendar, page_waste_calendar, "waste.calendar" },
	{ "GET", "/waste/calendar/{file}", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_ics, page_waste_calendar_ics, "waste.calendar.ics" },
	{ "GET", "/waste/5374/area_days.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_area_days, "waste.5374.area_days" },
	{ "GET", "/waste/5374/target.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_target, "waste.5374.target" },
	{ "GET", "/waste/5374/description.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_description, "waste.5374.description" },
	{ "GET", "/waste/5374/center.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_center, "waste.5374.center" },
	{ "GET", "/staff/waste/collect", "waste.staff", HTTP_KIND_HTML, 0, p_staff_collect, page_staff_waste_collect, "staff.waste.collect" },
	{ "POST", "/staff/waste/collect", "waste.staff", HTTP_KIND_HTML, 0, p_staff_collect_post, page_staff_waste_collect_post, "staff.waste.collect.post" },
	SVC_ROUTES_END,
};
