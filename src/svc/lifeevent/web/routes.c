/*
 * routes.c -- the URLs of life-event interviews, bundles and the counter:
 * method, pattern, permission, kind and declared parameters of each URL,
 * next to the handlers; the service descriptor (../service.c) hands them
 * to the server.  The HTTP layer enforces all of it before a handler runs
 * (src/http/http.h).
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/lifeevent/web/lifeevent_web.h"

#include <string.h>

/* --- life events (page_lifeevent.c) --- */
static int v_event(const char *v, size_t n)
{
	if (n == 0 || n > 64 || v[0] < 'a' || v[0] > 'z')
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}
static int v_person_code(const char *v, size_t n)
{
	if (n > 32)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= 'A' && v[i] <= 'Z') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_event[] = {
	{ "event", HTTP_PATH, 64, v_event, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_counter_event[] = {
	{ "event", HTTP_PATH, 64, v_event, 1 },
	{ "person", HTTP_QUERY, 32, v_person_code, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the receipts of one counter submission, comma-separated (at most 16
 * receipt numbers of APPLY_RECEIPT_LEN characters) */
static int v_receipts(const char *v, size_t n)
{
	if (n == 0 || n > 16 * 24)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == ','))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_counter_receipt[] = {
	{ "event", HTTP_PATH, 64, v_event, 1 },
	{ "receipts", HTTP_QUERY, 16 * 24, v_receipts, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bundle[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the bundle's one signature (a .p7s: DER, PEM or base64 of at most
 * SIGN_CMS_MAX bytes of DER) */
static const struct http_param_spec p_bundle_submit[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, 1 },
	{ "signature", HTTP_FILE, 96 * 1024, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route lifeevent_routes[] = {
	{ "GET", "/life-events", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_life_events, "lifeevent.list" },
	{ "GET", "/life-events/{event}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_event, page_life_event, "lifeevent.interview" },
	{ "POST", "/life-events/{event}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_event, page_life_event_post, "lifeevent.interview.post" },
	{ "POST", "/life-events/{event}/start", "resident", HTTP_KIND_HTML, 0, p_event, page_life_event_start, "lifeevent.start" },
	{ "GET", "/bundles/{id}", "resident", HTTP_KIND_HTML, 0, p_bundle, page_bundle, "lifeevent.bundle" },
	{ "GET", "/bundles/{id}/canonical", "resident", HTTP_KIND_TEXT, 0, p_bundle, page_bundle_canonical, "lifeevent.bundle.canonical" },
	{ "POST", "/bundles/{id}/submit", "resident", HTTP_KIND_HTML, 0, p_bundle_submit, page_bundle_submit, "lifeevent.bundle.submit" },
	{ "GET", "/staff/counter", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, NULL, page_counter, "counter" },
	{ "GET", "/staff/counter/{event}", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, p_counter_event, page_counter_event, "counter.interview" },
	{ "POST", "/staff/counter/{event}", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, p_event, page_counter_event_post, "counter.interview.post" },
	{ "POST", "/staff/counter/{event}/pdf", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_TEXT, 0, p_event, page_counter_pdf, "counter.pdf" },
	{ "POST", "/staff/counter/{event}/submit", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, p_event, page_counter_submit, "counter.submit" },
	{ "GET", "/staff/counter/{event}/receipt", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_TEXT, 0, p_counter_receipt, page_counter_receipt, "counter.receipt" },
	SVC_ROUTES_END,
};
