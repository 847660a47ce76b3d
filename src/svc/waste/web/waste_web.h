/*
 * waste_web.h -- the web side of the bulky-waste service: the chatbot
 * page and its JSON (page_waste.c), the routes (routes.c), the state the
 * service keeps from start (the item master).
 */
#ifndef MADOGUCHI_SVC_WASTE_WEB_H
#define MADOGUCHI_SVC_WASTE_WEB_H

#include "web/app.h"
#include "web/svc.h"
#include "svc/waste/waste.h"

#define WASTE_ITEMS_DEFAULT "data/waste/items.csv"   /* relative to the working directory */
#define WASTE_LIST_MAX 20          /* items on one resident's list        */
#define WASTE_COUNT_MAX 99         /* of one item                          */
#define WASTE_LIST_PARAM_MAX (WASTE_LIST_MAX * (WASTE_ID_MAX + 4))

struct waste_web {
	struct waste_items *items;   /* read at start, read-only after  */
};

extern const struct svc svc_waste;
extern const struct http_route waste_routes[];

int page_waste(struct http_req *r);
int api_waste_match(struct http_req *r);
int waste_web_init(void **state, struct app *a, struct err *e);
void waste_web_done(void *state);

#endif
