/*
 * routes.c -- the URLs of the reports service: method, pattern,
 * permission, kind and declared parameters, next to the handlers; the
 * descriptor (../service.c) hands them to the server, which enforces all
 * of it before a handler runs (src/http/http.h).  Literal routes come
 * before captures of the same shape (the lowest in the table wins).
 *
 * The Open311 routes keep their parameters' checks in the handler
 * (open311.c) with generous bounds here: a client then gets the spec's
 * error shape ([{code, description}]) for a bad value, not the site's.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/reports/web/reports_web.h"

#define READ(limit) (4 * (limit))

static const struct http_param_spec p_list[] = {
	{ "state", HTTP_QUERY, 16, NULL, 0 },
	{ "category", HTTP_QUERY, REPORTS_CODE_MAX, NULL, 0 },
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_new[] = {
	{ "category", HTTP_QUERY, REPORTS_CODE_MAX, NULL, 0 },
	{ "lat", HTTP_QUERY, 16, NULL, 0 },
	{ "lon", HTTP_QUERY, 16, NULL, 0 },
	{ "address", HTTP_QUERY, READ(REPORTS_ADDRESS_MAX), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_submit[] = {
	{ "rt", HTTP_FORM, 64, NULL, 0 },
	{ "key", HTTP_FORM, REPORTS_KEY_MAX, NULL, 0 },
	{ "category", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "lat", HTTP_FORM, 16, NULL, 0 },
	{ "lon", HTTP_FORM, 16, NULL, 0 },
	{ "address", HTTP_FORM, READ(REPORTS_ADDRESS_MAX), NULL, 0 },
	{ "description", HTTP_FORM, READ(REPORTS_TEXT_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "contact_name", HTTP_FORM, READ(REPORTS_CONTACT_NAME_MAX), NULL, 0 },
	{ "contact_email", HTTP_FORM, READ(REPORTS_EMAIL_MAX), NULL, 0 },
	{ "contact_phone", HTTP_FORM, READ(REPORTS_PHONE_MAX), NULL, 0 },
	{ "photo_pin", HTTP_FORM, 1, app_v_01, 0 },
	{ "photo1", HTTP_FILE, REPORTS_PHOTO_BYTES_MAX, NULL, 0 },
	{ "photo2", HTTP_FILE, REPORTS_PHOTO_BYTES_MAX, NULL, 0 },
	{ "photo3", HTTP_FILE, REPORTS_PHOTO_BYTES_MAX, NULL, 0 },
	{ "photo4", HTTP_FILE, REPORTS_PHOTO_BYTES_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_report[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "new", HTTP_QUERY, 1, app_v_01, 0 },
	{ "done", HTTP_QUERY, 16, app_v_code, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_photo[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "n", HTTP_PATH, 1, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "size", HTTP_QUERY, 1, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_mine[] = {
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_slist[] = {
	{ "state", HTTP_QUERY, 16, NULL, 0 },
	{ "category", HTTP_QUERY, REPORTS_CODE_MAX, NULL, 0 },
	{ "dept", HTTP_QUERY, REPORTS_CODE_MAX, NULL, 0 },
	{ "area", HTTP_QUERY, REPORTS_CODE_MAX, NULL, 0 },
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_state[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "from", HTTP_FORM, 16, NULL, 0 },
	{ "to", HTTP_FORM, 16, NULL, 0 },
	{ "note", HTTP_FORM, READ(REPORTS_NOTE_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_assign[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "dept", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "outside", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "contact", HTTP_FORM, READ(REPORTS_NOTE_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "note", HTTP_FORM, READ(REPORTS_NOTE_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_hide[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "photo", HTTP_FORM, 1, app_v_digits, 0 },
	{ "hide", HTTP_FORM, 1, app_v_01, 0 },
	{ "reason", HTTP_FORM, READ(REPORTS_NOTE_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_done[] = {
	{ "done", HTTP_QUERY, 16, app_v_code, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_category[] = {
	{ "code", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "name_ja", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "name_en", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "desc_ja", HTTP_FORM, READ(REPORTS_DESC_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "desc_en", HTTP_FORM, READ(REPORTS_DESC_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "grp", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "sort", HTTP_FORM, 5, app_v_digits, 0 },
	{ "active", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_route[] = {
	{ "category", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "area", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "dept", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "outside", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "contact", HTTP_FORM, READ(REPORTS_NOTE_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_area[] = {
	{ "code", HTTP_FORM, REPORTS_CODE_MAX, NULL, 0 },
	{ "name_ja", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "name_en", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "min_lat", HTTP_FORM, 16, NULL, 0 },
	{ "min_lon", HTTP_FORM, 16, NULL, 0 },
	{ "max_lat", HTTP_FORM, 16, NULL, 0 },
	{ "max_lon", HTTP_FORM, 16, NULL, 0 },
	{ "address", HTTP_FORM, READ(REPORTS_NAME_MAX), NULL, 0 },
	{ "sort", HTTP_FORM, 5, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_key[] = {
	{ "name", HTTP_FORM, READ(REPORTS_APIKEY_NAME_MAX), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_o_file[] = {
	{ "file", HTTP_PATH, 128, NULL, HTTP_PARAM_REQUIRED },
	{ "jurisdiction_id", HTTP_QUERY, 128, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_o_services[] = {
	{ "jurisdiction_id", HTTP_QUERY, 128, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_o_requests[] = {
	{ "jurisdiction_id", HTTP_QUERY, 128, NULL, 0 },
	{ "service_request_id", HTTP_QUERY, 2000, NULL, 0 },
	{ "service_code", HTTP_QUERY, 2000, NULL, 0 },
	{ "start_date", HTTP_QUERY, 64, NULL, 0 },
	{ "end_date", HTTP_QUERY, 64, NULL, 0 },
	{ "status", HTTP_QUERY, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_o_post[] = {
	{ "jurisdiction_id", HTTP_FORM, 128, NULL, 0 },
	{ "api_key", HTTP_FORM, 128, NULL, 0 },
	{ "service_code", HTTP_FORM, 128, NULL, 0 },
	{ "lat", HTTP_FORM, 32, NULL, 0 },
	{ "long", HTTP_FORM, 32, NULL, 0 },
	{ "address_string", HTTP_FORM, READ(REPORTS_ADDRESS_MAX), NULL, 0 },
	{ "address_id", HTTP_FORM, 128, NULL, 0 },
	{ "email", HTTP_FORM, READ(REPORTS_EMAIL_MAX), NULL, 0 },
	{ "device_id", HTTP_FORM, 128, NULL, 0 },
	{ "account_id", HTTP_FORM, 128, NULL, 0 },
	{ "first_name", HTTP_FORM, READ(REPORTS_CONTACT_NAME_MAX), NULL, 0 },
	{ "last_name", HTTP_FORM, READ(REPORTS_CONTACT_NAME_MAX), NULL, 0 },
	{ "phone", HTTP_FORM, READ(REPORTS_PHONE_MAX), NULL, 0 },
	{ "description", HTTP_FORM, READ(REPORTS_TEXT_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "media_url", HTTP_FORM, 2048, NULL, 0 },
	{ "idempotency_key", HTTP_FORM, REPORTS_KEY_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

#define PUB HTTP_PERM_PUBLIC
#define TRI REPORTS_PERM_TRIAGE
#define ADM REPORTS_PERM_ADMIN
#define H HTTP_KIND_HTML
#define J HTTP_KIND_JSON
#define X HTTP_KIND_TEXT

const struct http_route reports_routes[] = {
	{ "GET", "/reports", PUB, H, 0, p_list, page_reports_list, "reports.list" },
	{ "GET", "/reports/new", PUB, H, 0, p_new, page_reports_new, "reports.new" },
	{ "GET", "/reports/new/details", PUB, H, 0, p_new, page_reports_details, "reports.details" },
	{ "GET", "/reports/mine", "resident", H, 0, p_mine, page_reports_mine, "reports.mine" },
	{ "GET", "/reports/closed.csv", PUB, X, HTTP_ROUTE_CACHEABLE, NULL, page_reports_closed_csv, "reports.closed.csv" },
	{ "GET", "/reports/closed.geojson", PUB, X, HTTP_ROUTE_CACHEABLE, NULL, page_reports_closed_geojson, "reports.closed.geojson" },
	/* the form's own double-submit token stands for the CSRF token: a
	 * resident need not be logged in (page_resident.c) */
	{ "POST", "/reports", PUB, H, HTTP_ROUTE_NO_CSRF, p_submit, page_reports_submit, "reports.submit" },
	{ "GET", "/reports/{id}", PUB, H, 0, p_report, page_report, "reports.report" },
	{ "GET", "/reports/{id}/photos/{n}", PUB, X, 0, p_photo, page_report_photo, "reports.photo" },

	{ "GET", "/staff/reports", TRI, H, 0, p_slist, page_sreports_list, "staff.reports" },
	{ "GET", "/staff/reports/categories", ADM, H, 0, p_done, page_sreports_categories, "staff.reports.categories" },
	{ "POST", "/staff/reports/categories", ADM, H, 0, p_category, page_sreports_category_put, "staff.reports.category.put" },
	{ "GET", "/staff/reports/areas", ADM, H, 0, p_done, page_sreports_areas, "staff.reports.areas" },
	{ "POST", "/staff/reports/areas", ADM, H, 0, p_area, page_sreports_area_put, "staff.reports.area.put" },
	{ "GET", "/staff/reports/routes", ADM, H, 0, p_done, page_sreports_routes, "staff.reports.routes" },
	{ "POST", "/staff/reports/routes", ADM, H, 0, p_route, page_sreports_route_add, "staff.reports.route.add" },
	{ "POST", "/staff/reports/routes/{id}/delete", ADM, H, 0, app_p_id, page_sreports_route_delete, "staff.reports.route.delete" },
	{ "GET", "/staff/reports/keys", ADM, H, 0, p_done, page_sreports_keys, "staff.reports.keys" },
	{ "POST", "/staff/reports/keys", ADM, H, 0, p_key, page_sreports_key_add, "staff.reports.key.add" },
	{ "POST", "/staff/reports/keys/{id}/revoke", ADM, H, 0, app_p_id, page_sreports_key_revoke, "staff.reports.key.revoke" },
	{ "GET", "/staff/reports/{id}", TRI, H, 0, p_report, page_sreport, "staff.reports.report" },
	{ "GET", "/staff/reports/{id}/photos/{n}", TRI, X, 0, p_photo, page_sreport_photo, "staff.reports.photo" },
	{ "POST", "/staff/reports/{id}/state", TRI, H, 0, p_state, page_sreport_state, "staff.reports.state" },
	{ "POST", "/staff/reports/{id}/assign", TRI, H, 0, p_assign, page_sreport_assign, "staff.reports.assign" },
	{ "POST", "/staff/reports/{id}/hide", TRI, H, 0, p_hide, page_sreport_hide, "staff.reports.hide" },

	{ "GET", "/open311/v2/services.json", PUB, J, HTTP_ROUTE_CACHEABLE, p_o_services, api_open311_services, "open311.services.json" },
	{ "GET", "/open311/v2/services.xml", PUB, X, HTTP_ROUTE_CACHEABLE, p_o_services, api_open311_services, "open311.services.xml" },
	{ "GET", "/open311/v2/services/{file}", PUB, X, HTTP_ROUTE_CACHEABLE, p_o_file, api_open311_service, "open311.service" },
	{ "GET", "/open311/v2/requests.json", PUB, J, 0, p_o_requests, api_open311_requests, "open311.requests.json" },
	{ "GET", "/open311/v2/requests.xml", PUB, X, 0, p_o_requests, api_open311_requests, "open311.requests.xml" },
	/* an Open311 client has no session: its api_key is its credential; the
	 * body is form-encoded as the spec says (a JSON route would want JSON) */
	{ "POST", "/open311/v2/requests.json", PUB, X, HTTP_ROUTE_NO_CSRF, p_o_post, api_open311_post, "open311.post.json" },
	{ "POST", "/open311/v2/requests.xml", PUB, X, HTTP_ROUTE_NO_CSRF, p_o_post, api_open311_post, "open311.post.xml" },
	{ "GET", "/open311/v2/requests/{file}", PUB, X, 0, p_o_file, api_open311_request, "open311.request" },
	SVC_ROUTES_END,
};
