/*
 * reports_web.h -- the web side of the reports service: the resident's
 * pages (page_resident.c), the staff's (page_staff.c), the Open311
 * GeoReport v2 API (open311.c), the closed reports as open data
 * (export.c), and the route table (routes.c).  Shared helpers of the
 * page files are declared here (web_util.c).
 */
#ifndef MADOGUCHI_SVC_REPORTS_WEB_H
#define MADOGUCHI_SVC_REPORTS_WEB_H

#include "web/app.h"
#include "svc/reports/reports.h"

/* the cookie of the report form (a double-submit token: a resident need
 * not be logged in, so the session's CSRF token is not there) */
#define REPORTS_FORM_COOKIE "mg_report"

int page_reports_list(struct http_req *r);
int page_reports_new(struct http_req *r);
int page_reports_details(struct http_req *r);
int page_reports_submit(struct http_req *r);
int page_report(struct http_req *r);
int page_report_photo(struct http_req *r);
int page_reports_mine(struct http_req *r);

int page_sreports_list(struct http_req *r);
int page_sreport(struct http_req *r);
int page_sreport_photo(struct http_req *r);
int page_sreport_state(struct http_req *r);
int page_sreport_assign(struct http_req *r);
int page_sreport_hide(struct http_req *r);
int page_sreports_categories(struct http_req *r);
int page_sreports_category_put(struct http_req *r);
int page_sreports_areas(struct http_req *r);
int page_sreports_area_put(struct http_req *r);
int page_sreports_routes(struct http_req *r);
int page_sreports_route_add(struct http_req *r);
int page_sreports_route_delete(struct http_req *r);
int page_sreports_keys(struct http_req *r);
int page_sreports_key_add(struct http_req *r);
int page_sreports_key_revoke(struct http_req *r);

int api_open311_services(struct http_req *r);
int api_open311_service(struct http_req *r);
int api_open311_requests(struct http_req *r);
int api_open311_request(struct http_req *r);
int api_open311_post(struct http_req *r);

int page_reports_closed_csv(struct http_req *r);
int page_reports_closed_geojson(struct http_req *r);

extern const struct http_route reports_routes[];

/* ---- web_util.c ---- */
const char *rw_t(struct http_req *r, const char *id);
/* the category's name in the page's language (the code when unknown) */
const char *rw_category_name(struct http_req *r, const char *code);
/* "2026-12-08 09:30" in Japan time */
const char *rw_time(struct http_req *r, int64_t t);
/* "35.700100" of millionths of a degree */
const char *rw_deg(struct http_req *r, int64_t e6);
/* parse "35.7001" into millionths; 0 or ERR_INVALID */
int rw_parse_deg(int64_t *out, const char *s, int lat);
/* the state's label (catalog reports.state.<name>) */
const char *rw_state(struct http_req *r, int state);
/* the public text of a report's routing: the department's or outside
 * body's name, "" when none */
const char *rw_routed(struct http_req *r, const struct reports_report *rep);
/* the logged-in resident's account of r, 0 when none */
int64_t rw_resident(struct http_req *r);
/* the public history of a report as an <ol> */
void rw_history(struct buf *b, struct http_req *r, int64_t id, int staff);

#endif
