/*
 * routes.c -- the open data catalog's URLs (pages, CKAN API, DCAT, staff
 * publishing): method, pattern, permission, kind and declared parameters
 * of each URL, next to the handlers; the service descriptor (../service.c)
 * hands them to the server.  The HTTP layer enforces all of it before a
 * handler runs (src/http/http.h).
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/opendata/web/opendata_web.h"

#include <string.h>

/* open data (page_opendata.c): CKAN's parameters are checked by the
 * handlers, which answer in CKAN's error format; here only lengths */
static int v_od_name(const char *v, size_t n)
{
	if (n == 0 || n > 120)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '-' || v[i] == '_' || v[i] == '.'))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_ckan[] = {
	{ "action", HTTP_PATH, 100, NULL, 1 },
	{ "id", HTTP_QUERY, 200, NULL, 0 },
	{ "q", HTTP_QUERY, 1000, NULL, 0 },
	{ "fq", HTTP_QUERY, 1000, NULL, 0 },
	{ "rows", HTTP_QUERY, 20, NULL, 0 },
	{ "start", HTTP_QUERY, 20, NULL, 0 },
	{ "sort", HTTP_QUERY, 200, NULL, 0 },
	{ "facet", HTTP_QUERY, 10, NULL, 0 },
	{ "facet.field", HTTP_QUERY, 1000, NULL, 0 },
	{ "facet.limit", HTTP_QUERY, 20, NULL, 0 },
	{ "limit", HTTP_QUERY, 20, NULL, 0 },
	{ "offset", HTTP_QUERY, 20, NULL, 0 },
	{ "all_fields", HTTP_QUERY, 10, NULL, 0 },
	{ "include_datasets", HTTP_QUERY, 10, NULL, 0 },
	{ "include_dataset_count", HTTP_QUERY, 10, NULL, 0 },
	{ "use_default_schema", HTTP_QUERY, 10, NULL, 0 },
	{ "include_plugin_data", HTTP_QUERY, 10, NULL, 0 },
	{ "query", HTTP_QUERY, 200, NULL, 0 },
	{ "name", HTTP_QUERY, 100, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_search[] = {
	{ "q", HTTP_QUERY, 400, NULL, 0 },
	{ "organization", HTTP_QUERY, 100, NULL, 0 },
	{ "groups", HTTP_QUERY, 100, NULL, 0 },
	{ "tags", HTTP_QUERY, 200, NULL, 0 },
	{ "res_format", HTTP_QUERY, 20, NULL, 0 },
	{ "license_id", HTTP_QUERY, 50, NULL, 0 },
	{ "page", HTTP_QUERY, 3, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_dataset[] = {
	{ "name", HTTP_PATH, 120, v_od_name, 1 },
	{ "resource", HTTP_QUERY, 36, NULL, 0 },
	{ "page", HTTP_QUERY, 6, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_catalog[] = {
	{ "page", HTTP_QUERY, 6, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_download[] = {
	{ "name", HTTP_PATH, 100, v_od_name, 1 },
	{ "rid", HTTP_PATH, 36, NULL, 1 },
	{ "version", HTTP_QUERY, 9, NULL, 0 },
	{ "excel", HTTP_QUERY, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route opendata_routes[] = {
	{ "GET", "/api/3", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, NULL, api_ckan_version, "ckan.version" },
	{ "GET", "/api/3/action/{action}", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_ckan, api_ckan, "ckan.action" },
	{ "GET", "/opendata", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_CACHEABLE, p_od_search, page_opendata_search, "opendata" },
	{ "GET", "/opendata/changes.atom", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, NULL, page_opendata_atom, "opendata.atom" },
	{ "GET", "/dataset/{name}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_CACHEABLE, p_od_dataset, page_dataset, "opendata.dataset" },
	{ "GET", "/dataset/{name}/resource/{rid}/download", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, p_od_download, page_opendata_download, "opendata.download" },
	{ "GET", "/catalog.ttl", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, p_od_catalog, page_catalog_ttl, "opendata.catalog.ttl" },
	{ "GET", "/catalog.jsonld", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, HTTP_ROUTE_CACHEABLE, p_od_catalog, page_catalog_jsonld, "opendata.catalog.jsonld" },
	{ "POST", "/api/3/action/{action}", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_ckan, api_ckan, "ckan.action.post" },
	{ "GET", "/staff/opendata", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, NULL, page_staff_opendata, "staff.opendata" },
	{ "GET", "/staff/opendata/dataset", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, p_staff_od_edit, page_staff_opendata_edit, "staff.opendata.edit" },
	{ "POST", "/staff/opendata/dataset", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, p_staff_od_save, page_staff_opendata_save, "staff.opendata.save" },
	{ "POST", "/staff/opendata/upload", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, p_staff_od_upload, page_staff_opendata_upload, "staff.opendata.upload" },
	SVC_ROUTES_END,
};
