/*
 * lifeevent_web.h -- the web side of life events: the interviews, the
 * bundles they start, the counter (page_lifeevent.c), and their routes.
 */
#ifndef MADOGUCHI_SVC_LIFEEVENT_WEB_H
#define MADOGUCHI_SVC_LIFEEVENT_WEB_H

#include "web/app.h"

/* --- life events (page_lifeevent.c) --- */
struct lifeevent;
/* the service's start and stop (svc.h init/done): the interviews of
 * `serve --life-events DIR` (default data/life-events) into its slot */
int app_life_events_init(void **state, struct app *a, struct err *e);
void app_life_events_done(void *state);
extern const struct svc svc_lifeevent;
int page_life_events(struct http_req *r);
int page_life_event(struct http_req *r);
int page_life_event_post(struct http_req *r);
int page_life_event_start(struct http_req *r);
int page_bundle(struct http_req *r);
int page_bundle_submit(struct http_req *r);
int page_bundle_canonical(struct http_req *r);
int page_counter(struct http_req *r);
int page_counter_event(struct http_req *r);
int page_counter_event_post(struct http_req *r);
int page_counter_pdf(struct http_req *r);
int page_counter_submit(struct http_req *r);
int page_counter_receipt(struct http_req *r);

/* the routes (routes.c), for the descriptor (../service.c) */
extern const struct http_route lifeevent_routes[];

#endif
