/*
 * routes.c -- the URLs of the bulky-waste service, next to their handlers
 * (page_waste.c): method, pattern, permission, kind, declared parameters.
 * The HTTP layer enforces them before a handler runs.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/waste/web/waste_web.h"

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

const struct http_route waste_routes[] = {
	{ "GET", "/waste", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_waste, page_waste, "waste.page" },
	{ "GET", "/api/v1/waste/match", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_api, api_waste_match, "waste.match" },
	SVC_ROUTES_END,
};
