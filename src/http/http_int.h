/*
 * http_int.h -- private to src/http: what the server, the request pipeline,
 * the asset cache and the metrics share.  Only this header includes h2o.h.
 */
#ifndef MADOGUCHI_HTTP_HTTP_INT_H
#define MADOGUCHI_HTTP_HTTP_INT_H

#include <h2o.h>

#include "http/http.h"

struct worker_view {
	void *thread_ctx;
	int index;
	void *worker;
};

/* server.c */
struct http_server *http_server_of(h2o_handler_t *self);
struct worker_view http_worker_of(struct http_server *srv, h2o_context_t *ctx);
const struct http_router *http_server_router(struct http_server *srv);
const struct http_hooks *http_server_hooks(struct http_server *srv);
const struct http_config *http_server_config(struct http_server *srv);
void *http_server_app(struct http_server *srv);
struct http_assets *http_server_assets(struct http_server *srv);

/* dispatch.c */
int http_dispatch(h2o_handler_t *self, h2o_req_t *req);
/* the end of every request: a missing response becomes an error, then
 * the access log line and metrics */
void http_finish_request(struct http_req *r, int rc);
/* check patterns and parameter specs once at start-up */
int http_route_table_check(const struct http_route *routes, int n,
			   struct err *e);

/* assets.c: the static files under /assets/, loaded into memory at
 * start-up with a strong ETag and a gzip copy when it is smaller */
struct http_assets;
int http_assets_load(struct http_assets **out, const char *dir, struct err *e);
void http_assets_free(struct http_assets *a);
/* 1 when the request was for an asset and has been answered */
int http_assets_serve(struct http_assets *a, struct http_req *r);

/* response.c */
void http_common_headers(struct http_req *r);

/* metrics.c */
void metrics_connection_opened(void);
/* server.c: the open connections of r's server, in all and on the
 * workers with the fewest and the most (the acceptor's balance) */
void http_worker_connections(const struct http_req *r, int *open, int *min, int *max);
void metrics_request_done(int status, int64_t micros);
void metrics_in_flight(int delta);

#endif
