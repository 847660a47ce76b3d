/*
 * opendata_web.h -- the web side of the open data catalog: the handlers of
 * page_opendata.c (public pages, CKAN API, DCAT) and page_staff_opendata.c
 * (staff publishing), and their routes.
 */
#ifndef MADOGUCHI_SVC_OPENDATA_WEB_H
#define MADOGUCHI_SVC_OPENDATA_WEB_H

#include "web/app.h"

/* open data (page_opendata.c) */
int api_ckan(struct http_req *r);
int api_ckan_version(struct http_req *r);
int page_opendata_search(struct http_req *r);
int page_opendata_atom(struct http_req *r);
int page_dataset(struct http_req *r);
int page_opendata_download(struct http_req *r);
int page_catalog_ttl(struct http_req *r);
int page_catalog_jsonld(struct http_req *r);

/* --- staff publishing (page_staff_opendata.c) --- */
int page_staff_opendata(struct http_req *r);
int page_staff_opendata_edit(struct http_req *r);
int page_staff_opendata_save(struct http_req *r);
int page_staff_opendata_upload(struct http_req *r);
extern const struct http_param_spec p_staff_od_edit[], p_staff_od_save[], p_staff_od_upload[];

/* ---- the service (../service.c): `serve --map-tiles URL` and
 * `--map-attribution TEXT`, read at start into its slot ---- */
struct opendata_web_config {
	const char *map_tiles;       /* tile URL template, NULL: no tiles     */
	const char *map_attribution; /* text shown with the tiles             */
};
int opendata_check_tiles(const char *v);
int opendata_check_attribution(const char *v);
int opendata_web_init(void **state, struct app *a, struct err *e);
void opendata_web_done(void *state);
const struct opendata_web_config *opendata_web_config(struct http_req *r);
extern const struct svc svc_opendata;

/* the routes (routes.c), for the descriptor (../service.c) */
extern const struct http_route opendata_routes[];

#endif
