/*
 * map_web.h -- the web side of the map service: the resident's map page
 * and the layers' GeoJSON (page_map.c), the staff's layer editor
 * (page_staff_map.c), their routes (routes.c) and the slot its init
 * fills (the tiles: opendata's `serve --map-tiles URL` and
 * `--map-attribution TEXT`, read by their option names).
 */
#ifndef MADOGUCHI_SVC_MAP_WEB_H
#define MADOGUCHI_SVC_MAP_WEB_H

#include "web/app.h"

#define MAP_LIST_PER_PAGE 50     /* features a layer lists per page       */
#define MAP_SEARCH_MAX 50        /* search results shown                  */
#define MAP_Q_MAX 100            /* bytes of a search                     */

struct map_web_config {
	const char *tiles;           /* tile URL template, NULL: no tiles     */
	const char *attribution;     /* shown with the tiles                  */
};
int map_web_init(void **state, struct app *a, struct err *e);
void map_web_done(void *state);
const struct map_web_config *map_web_config(struct http_req *r);

/* a coordinate in a query: an optional "-", digits, an optional "."
 * and digits; at most 20 bytes (a route's validator) */
int map_v_coord(const char *v, size_t n);

int page_map(struct http_req *r);
int page_map_layer_geojson(struct http_req *r);
int page_staff_map(struct http_req *r);
int page_staff_map_new(struct http_req *r);
int page_staff_map_edit(struct http_req *r);
int page_staff_map_create(struct http_req *r);
int page_staff_map_save(struct http_req *r);
int page_staff_map_move(struct http_req *r);
int page_staff_map_delete(struct http_req *r);

extern const struct http_route map_routes[];
extern const struct svc svc_map;

#endif
