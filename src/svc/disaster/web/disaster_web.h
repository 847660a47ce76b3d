/*
 * disaster_web.h -- the web side of the disaster service: its pages
 * (page_public.c for residents, page_staff.c for staff), its route table
 * (routes.c), its permissions and the slot its init fills from
 * `serve --disaster-stale-hours N`.
 */
#ifndef MADOGUCHI_SVC_DISASTER_WEB_H
#define MADOGUCHI_SVC_DISASTER_WEB_H

#include "web/app.h"

/* shelter staff: a shelter's status (the phone page) and the staff list */
#define DISASTER_PERM_STATUS "disaster.status"
/* the master: importing GSI files and the ward's designation */
#define DISASTER_PERM_ADMIN "disaster.admin"

#define DISASTER_STALE_HOURS_DEFAULT 3
#define DISASTER_PER_PAGE 50

/* the service's slot (svc_state) */
struct disaster_web_config {
	int stale_hours;            /* a status older than this is flagged */
};
int disaster_check_stale_hours(const char *v);
int disaster_web_init(void **state, struct app *a, struct err *e);
void disaster_web_done(void *state);
int64_t disaster_stale_secs(struct http_req *r);

/* validators of the route table (shapes nobody else has) */
int disaster_v_key(const char *v, size_t n);     /* a facility key      */
int disaster_v_deg(const char *v, size_t n);     /* "35.700322", "-1.5", "" */
int disaster_v_opt_code(const char *v, size_t n); /* "" or app_v_code's    */

/* shared by the pages (page_public.c) */
const char *disaster_state_label(struct http_req *r, int state);
const char *disaster_hazards_text(struct http_req *r, unsigned hazards);
const char *disaster_needs_text(struct http_req *r, unsigned needs);
const char *disaster_time_text(struct http_req *r, int64_t t);

int page_disaster_list(struct http_req *r);
int page_disaster_shelter(struct http_req *r);
int page_disaster_nearest(struct http_req *r);
int page_disaster_nearest_js(struct http_req *r);
int page_disaster_geojson(struct http_req *r);
int page_dstaff_list(struct http_req *r);
int page_dstaff_import(struct http_req *r);
int page_dstaff_designate(struct http_req *r);
int page_dstaff_shelter(struct http_req *r);
int page_dstaff_status(struct http_req *r);

extern const struct http_route disaster_routes[];
extern const struct svc svc_disaster;

#endif
