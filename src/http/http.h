/*
 * http.h -- the HTTP layer: libh2o listeners and event loops, the router,
 * request and response helpers.  It knows nothing of the domain: the
 * application (src/web) gives it a route table and a few hooks.
 *
 * Threads: one event loop per worker thread (default: one per core), each
 * with its own application context (e.g. a database connection) made by
 * hooks.thread_init; one acceptor thread hands each new connection to the
 * worker with the fewest open.  A handler
 * runs on its thread's loop and must not block for long: slow work goes to
 * the job queue.
 *
 * Routes: each route declares its method, its path pattern (literal
 * segments and {name} captures), the parameters it accepts (from the path,
 * the query string or an urlencoded form body) with a maximum length, a
 * validator and whether they are required, and the permission it needs.
 * The router enforces all of it before the handler runs: undeclared
 * parameters never reach a handler, a missing or invalid one is answered
 * 400, a permission the session lacks 401/403 (via hooks.authorize), a
 * state-changing form without a valid CSRF token 403 (via hooks.csrf_ok).
 *
 * Responses: every response carries the security headers (CSP without
 * inline script, frame-ancestors 'none', nosniff, Referrer-Policy,
 * Permissions-Policy, HSTS under TLS) and X-Request-Id.  A handler may
 * add a Content-Security-Policy of its own with http_set_header (e.g.
 * "sandbox" for an uploaded file): it is sent joined to the default one,
 * so both policies apply and a handler can only tighten.  Errors have one
 * JSON body format and one HTML page, chosen by the route's kind; the user
 * reads a bilingual message, the log gets the detail.
 *
 * Limits: header block H2O_MAX_REQLEN (h2o), body HTTP_DEFAULT_MAX_BODY
 * unless configured, HTTP_MAX_PARAMS declared parameters of
 * HTTP_MAX_PARAM_LEN bytes at most each (less where a route says so) out
 * of at most HTTP_MAX_FORM_PAIRS pairs in a query or form body (a
 * procedure's page posts many undeclared fields its handler reads from the
 * body), request receive timeout
 * (config.request_timeout_ms).
 */
#ifndef MADOGUCHI_HTTP_HTTP_H
#define MADOGUCHI_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define HTTP_MAX_PARAMS 64
#define HTTP_MAX_FORM_PAIRS 1000
#define HTTP_MAX_PARAM_LEN 65536
#define HTTP_DEFAULT_MAX_BODY (1u << 20)
#define HTTP_MAX_COOKIES 32

struct http_req;

/* HTTP_FILE: a file part of a multipart/form-data body (max_len limits
 * its bytes; the validator is not used).  Text parts of such a body are
 * HTTP_FORM values like urlencoded ones. */
enum http_param_where { HTTP_PATH = 1, HTTP_QUERY = 2, HTTP_FORM = 4, HTTP_FILE = 8 };

#define HTTP_MAX_FILES 16                 /* file parts per request        */
#define HTTP_MAX_PARTS (HTTP_MAX_FORM_PAIRS + HTTP_MAX_FILES + 1)
#define HTTP_MULTIPART_BOUNDARY_MAX 70    /* RFC 2046                      */
#define HTTP_MULTIPART_HEADERS_MAX 8192   /* one part's header block       */

/* One part of a multipart/form-data body.  name, filename and type are
 * NUL-terminated (arena); data points into the request body. */
struct http_part {
	const char *name;
	const char *filename;      /* NULL: a text field, not a file        */
	const char *type;          /* lower case, NULL when not given       */
	const char *data;
	size_t len;
};

/* A validator returns 0 when the value is acceptable. */
typedef int (*http_validator)(const char *value, size_t len);

/* Every parameter first passes the router's own check: UTF-8 without
 * control characters (C0, DEL, C1); tab, LF and CRLF only when the spec
 * says HTTP_PARAM_MULTILINE (a textarea).  Then its validator, if any. */
#define HTTP_PARAM_REQUIRED 0x1   /* missing: 400 (a table may write 1)   */
#define HTTP_PARAM_MULTILINE 0x2

struct http_param_spec {
	const char *name;
	int where;                /* bit set of enum http_param_where      */
	size_t max_len;           /* 0: HTTP_MAX_PARAM_LEN                 */
	http_validator validate;  /* NULL: the router's check only         */
	int flags;                /* HTTP_PARAM_*                          */
};

/* http_local_path_ok -- the validator for a redirect target given by the
 * client ("next"): 0 for a path of this origin, ERR_INVALID for anything
 * a browser could read as another origin ("//host", "/\\host", a path
 * with a tab, CR, LF or other control byte a browser strips, a space). */
int http_local_path_ok(const char *v, size_t n);

enum http_route_kind { HTTP_KIND_HTML = 0, HTTP_KIND_JSON = 1, HTTP_KIND_TEXT = 2 };

/* Route flags. */
#define HTTP_ROUTE_NO_CSRF 0x1   /* a POST that needs no CSRF token (login form: it has its own) */
#define HTTP_ROUTE_NO_TENANT 0x2 /* deployment-level route (health, metrics) */
#define HTTP_ROUTE_CACHEABLE 0x4 /* public, may be cached (no Cache-Control: no-store) */

/* Permissions a route may require besides the application's own strings. */
#define HTTP_PERM_PUBLIC NULL          /* anyone                         */
#define HTTP_PERM_SESSION "session"    /* any logged-in account          */

struct http_route {
	const char *method;               /* "GET", "POST", ...             */
	const char *pattern;              /* "/staff/users/{id}"            */
	const char *permission;           /* see above                      */
	enum http_route_kind kind;
	int flags;
	const struct http_param_spec *params;  /* ended by a NULL name     */
	int (*handler)(struct http_req *r);    /* returns 0 or ERR_*      */
	const char *name;                 /* for metrics and logs           */
};

/* Hooks the application gives the server. */
struct http_hooks {
	/* per-thread context (e.g. a database connection); NULL on failure */
	void *(*thread_init)(void *app, int thread_index);
	void (*thread_done)(void *thread_ctx);
	/* resolve the tenant etc. before routing; 0 or ERR_* (e.g. NOTFOUND:
	 * unknown municipality, UNAVAILABLE: database down) */
	int (*prepare)(struct http_req *r);
	/* 0 when the request may use a route needing `permission`; ERR_AUTH
	 * when not logged in (HTML routes redirect to the login page),
	 * ERR_DENIED when logged in without the permission. */
	int (*authorize)(struct http_req *r, const char *permission);
	/* non-zero when the request's CSRF token is valid */
	int (*csrf_ok)(struct http_req *r, const char *token);
	/* where an HTML route sends a request that is not logged in */
	const char *(*login_url)(struct http_req *r);
	/* write the HTML error page body for status and message */
	void (*error_page)(struct http_req *r, int status, const char *ja,
			   const char *en, struct buf *out);
};

struct http_config {
	const char *listen;          /* "127.0.0.1:8080"                     */
	int threads;                 /* 0: one per core                      */
	size_t max_body;             /* 0: HTTP_DEFAULT_MAX_BODY             */
	uint64_t request_timeout_ms; /* receiving a request; 0: 10000        */
	uint64_t idle_timeout_ms;    /* keep-alive / HTTP/2 idle; 0: 60000   */
	uint64_t shutdown_grace_ms;  /* SIGTERM: wait for in-flight; 0: 10000 */
	const char *static_dir;      /* served under /assets/                */
	const char *tls_cert;        /* PEM; NULL for plain HTTP             */
	const char *tls_key;
	const char *access_log;      /* NULL: stderr                         */
	int access_log_off;          /* benchmarks                           */
	int blocking_threads;        /* pool for http_defer; 0: 2            */
	int tenant_path_prefix;      /* 1: /t/<prefix>/... selects a tenant  */
	/* behind a TLS-terminating proxy: the proxies' addresses (comma
	 * separated IPv4/IPv6 addresses); from them X-Forwarded-Proto and
	 * X-Forwarded-For are believed (remote_addr, secure).  NULL: none. */
	const char *trusted_proxies;
	/* the host of an https public URL (lower case, no port): a request
	 * for it reached the deployment over HTTPS.  NULL: none. */
	const char *public_https_host;
};

struct http_server;

int http_server_new(struct http_server **out, const struct http_config *cfg,
		    const struct http_route *routes, int nroutes,
		    const struct http_hooks *hooks, void *app, struct err *e);
/* http_server_run -- serve until SIGTERM/SIGINT or http_server_stop();
 * then stop accepting, let in-flight requests finish (up to the grace
 * period) and return 0.  ready_cb (may be NULL) is called once every
 * listener is open, with the bound address.  It blocks the two signals
 * in the threads it makes; a caller that made threads of its own before
 * (a job runner) must have blocked them first, or a signal may reach
 * such a thread and end the process (cli_serve.c does). */
int http_server_run(struct http_server *srv,
		    void (*ready_cb)(const char *addr, void *arg), void *arg,
		    struct err *e);
void http_server_stop(struct http_server *srv);
void http_server_free(struct http_server *srv);

/* ---- inside a handler ---- */

/* The request as a handler sees it.  Everything is allocated from
 * r->arena and lives until the response is sent. */
struct http_req {
	struct arena *arena;
	const struct http_route *route;
	void *app;                 /* the `app` given to http_server_new     */
	void *thread_ctx;          /* from hooks.thread_init                 */
	void *ctx;                 /* the application's per-request state    */
	const char *method;
	const char *path;          /* decoded, without the query string      */
	const char *host;          /* Host / :authority, lower case, no port */
	const char *remote_addr;   /* peer address as text                   */
	/* with config.tenant_path_prefix, a request for /t/<prefix>/x is
	 * routed as /x with tenant_prefix = "<prefix>" and base = "/t/<prefix>";
	 * links in HTML answers, redirects and cookie paths get the base back
	 * (http_send rewrites href/action/src that start with "/") */
	const char *tenant_prefix; /* NULL when none                         */
	const char *base;          /* "" or "/t/<prefix>"                    */
	char request_id[17];
	int tls;                   /* TLS on this connection                 */
	/* the client reached us over HTTPS: TLS here, X-Forwarded-Proto https
	 * from a trusted proxy, or a public URL that is https.  Cookies are
	 * then Secure with a __Host- (or __Secure-) name, HSTS is sent. */
	int secure;
	/* the request came through a proxy (from a trusted proxy, or it
	 * carries Forwarded / X-Forwarded-For): the peer's address is not the
	 * client's, so a loopback peer says nothing of where the client is */
	int proxied;
	int status;                /* set by the response helpers            */
	/* set by the application when what the answer shows may not go out
	 * (the audit record of a read could not be written): http_send turns
	 * a 2xx answer into a 503 error, the body unsent */
	int withhold;
	void *h2o_req;             /* internal                               */
	void (*error_page)(struct http_req *r, int status, const char *ja,
			   const char *en, struct buf *out); /* internal */
	/* the HTTP layer's own message being answered, by a stable name, so
	 * that the application's error page can show it in another language
	 * (its catalog has the same names): "http.login", "http.denied",
	 * "http.malformed", "http.bad_url", "http.not_found", "http.invalid",
	 * "http.expired", or "http.status.N" for the default text of status
	 * N; NULL when the application gave its own texts */
	const char *error_key;
	int64_t start_us;          /* internal: when the request arrived     */
	int deferred;              /* internal: waiting for http_defer work  */
	int handler_rc;            /* internal                               */
	int access_log_off;        /* internal                               */
	void *worker;              /* internal: the loop that owns it        */
	/* parsed input (declared parameters only) */
	int nparams;
	const char *param_names[HTTP_MAX_PARAMS];
	const char *param_values[HTTP_MAX_PARAMS];
	int nfiles;
	struct http_part files[HTTP_MAX_FILES];
	/* one more img-src origin for this response's CSP ("https://host" or
	 * a wildcard subdomain, "https://" then "*.host", e.g. map tiles), NULL: none; anything else is
	 * ignored */
	const char *csp_img_src;
};

/* http_param -- a declared parameter's value, or NULL when absent. */
const char *http_param(const struct http_req *r, const char *name);
/* http_file -- a declared file parameter (HTTP_FILE) of a
 * multipart/form-data request, or NULL when absent (a file input left
 * empty, with filename "" and no bytes, counts as absent). */
const struct http_part *http_file(const struct http_req *r, const char *name);
/* http_authority -- the request's Host (or :authority) with its port, as
 * the client wrote it, when it is a plain host name or address (letters,
 * digits . - : [ ], at most 300 bytes); else r->host; never NULL.  For
 * absolute URLs that point back at this server. */
const char *http_authority(const struct http_req *r);
/* http_header -- a request header (case-insensitive name) or NULL. */
const char *http_header(const struct http_req *r, const char *name);
/* http_cookie -- a cookie's value or NULL. */
const char *http_cookie(const struct http_req *r, const char *name);
/* http_body -- the raw body (for JSON routes). */
const char *http_body(const struct http_req *r, size_t *len);
/* http_query_string -- the query as received (after '?', still
 * percent-encoded), a copy in the request's arena; NULL when there is
 * none (or no memory). */
const char *http_query_string(const struct http_req *r);
/* http_accepts_lang -- the best of the given languages from
 * Accept-Language, or the first. */
const char *http_accept_lang(const struct http_req *r, const char *const *langs,
			     int n);

/* http_set_header -- set a response header; ERR_INVALID (nothing set,
 * logged) when the name is not a token or the value holds CR, LF, NUL or
 * another control byte, whoever the caller: no response splitting. */
int http_set_header(struct http_req *r, const char *name, const char *value);
/* http_set_cookie -- HttpOnly; SameSite=Lax; Path=/ (or the tenant
 * prefix); when r->secure also Secure and the name prefixed "__Host-"
 * ("__Secure-" under a tenant prefix), which http_cookie reads back.
 * max_age < 0: session cookie; 0: delete.  http_set_cookie_ex with
 * HTTP_COOKIE_STRICT: SameSite=Strict (staff sessions). */
#define HTTP_COOKIE_STRICT 0x1
void http_set_cookie(struct http_req *r, const char *name, const char *value,
		     long max_age);
void http_set_cookie_ex(struct http_req *r, const char *name, const char *value,
			long max_age, int flags);

/* Responses.  Each returns 0 so a handler can `return http_send_...`. */
int http_send(struct http_req *r, int status, const char *content_type,
	      const char *body, size_t len);
int http_send_html(struct http_req *r, int status, const struct buf *body);
int http_send_json(struct http_req *r, int status, const char *json);
int http_redirect(struct http_req *r, int status, const char *location);
/* http_send_error -- the one error response: JSON
 * {"error":{"code":"not_found","status":404,"message":{"ja":...,"en":...},
 * "request_id":...}} for JSON routes, the HTML error page otherwise.
 * The detail (if any) is logged, never sent. */
int http_send_error(struct http_req *r, int err_code, const char *ja,
		    const char *en, const char *detail);

/* http_defer -- run slow, blocking work (password hashing, a long
 * database transaction) off the event loop.  work(arg, pool_ctx) runs on a
 * thread of the blocking pool, with that thread's context from
 * hooks.thread_init (called with index >= HTTP_POOL_INDEX); then done(r,
 * arg) runs back on the request's own loop thread and responds.  The
 * handler returns 0 right after calling it.  arg is copied (arg_size
 * bytes) into memory the deferral owns: it must not point into the
 * request's arena, which may be gone when the client disconnects (done is
 * then not called).  Returns 0 or ERR_NOMEM / ERR_UNAVAILABLE. */
#define HTTP_POOL_INDEX 1000
int http_defer(struct http_req *r, void (*work)(void *arg, void *pool_ctx),
	       int (*done)(struct http_req *r, void *arg), const void *arg,
	       size_t arg_size);
/* http_defer_owned -- http_defer for work that makes something to free
 * (a PDF, a CSV body): when the request went away before the work ended,
 * discard(arg) runs on the loop thread instead of done, so that it is
 * freed either way.  discard may be NULL (then as http_defer). */
int http_defer_owned(struct http_req *r, void (*work)(void *arg, void *pool_ctx),
		     int (*done)(struct http_req *r, void *arg),
		     void (*discard)(void *arg), const void *arg, size_t arg_size);

/* http_status_of -- the one mapping from ERR_* to an HTTP status. */
int http_status_of(int err_code);

/* ---- pieces exposed for tests and fuzzing ---- */

/* http_route_match -- 1 when path matches pattern; captures go to
 * names/values (arena-allocated), at most max. */
int http_route_match(const char *pattern, const char *path, struct arena *a,
		     const char **names, const char **values, int *n, int max);

/* http_patterns_overlap -- 1 when some path matches both patterns: the
 * same number of segments, and at each segment the same literal or a
 * {parameter} on either side ("/news/{id}" and "/news/latest" overlap;
 * "/news/{id}" and "/news/{id}/edit" do not).  Which route then serves
 * such a path depends on table order. */
int http_patterns_overlap(const char *a, const char *b);

/* The router (router.c): the route table's patterns in a trie built once
 * at start, so that finding a request's route does not depend on the
 * table's size.  What it finds for a method and a (decoded) path: */
#define HTTP_MAX_PATH_PARAMS 16   /* captures in one pattern; more: never matches */
#define HTTP_ALLOW_MAX 128        /* the 405's Allow value, NUL included */
struct http_route_found {
	const struct http_route *route; /* NULL: none serves the method      */
	int path_matched;     /* some pattern matched: 405 when route is NULL */
	/* the methods of the routes that matched before the one found (all of
	 * them when none was), table order, as many as fit */
	char allow[HTTP_ALLOW_MAX];
	int nparams;          /* the route's captures: name, value (arena)   */
	const char *names[HTTP_MAX_PATH_PARAMS];
	const char *values[HTTP_MAX_PATH_PARAMS];
};
struct http_router;
/* http_router_new -- the trie of routes[0..n) (which must outlive it);
 * 0 or ERR_NOMEM.  Read-only afterwards: shared by every thread. */
int http_router_new(struct http_router **out, const struct http_route *routes,
		    int n, struct err *e);
void http_router_free(struct http_router *rt);
/* http_router_find -- the route for method and path: of the routes whose
 * pattern matches (http_route_match), the first in table order whose
 * method is method (HEAD: GET routes too).  0, or ERR_NOMEM when the
 * captures cannot be copied into a. */
int http_router_find(const struct http_router *rt, const char *method,
		     const char *path, struct arena *a, struct http_route_found *out);
/* http_route_find_linear -- the same answer by trying every pattern in
 * turn (the router before the trie): the reference the tests and fuzzing
 * compare http_router_find with. */
int http_route_find_linear(const struct http_route *routes, int n,
			   const char *method, const char *path, struct arena *a,
			   struct http_route_found *out);
/* http_urldecode -- decode %XX and (when plus_space) '+'; rejects bad
 * escapes, NUL and invalid UTF-8.  Returns the decoded length or
 * ERR_INVALID. */
int http_urldecode(char *out, const char *in, size_t len, int plus_space);
/* http_parse_urlencoded -- split a=b&c=d into decoded pairs (arena). 
 * Returns the count or ERR_INVALID / ERR_LIMIT. */
int http_parse_urlencoded(const char *s, size_t len, struct arena *a,
			  const char **names, const char **values, int max);
/* http_parse_cookies -- split a Cookie header into pairs (arena). */
int http_parse_cookies(const char *s, size_t len, struct arena *a,
		       const char **names, const char **values, int max);
/* http_multipart_boundary -- the boundary parameter of a
 * multipart/form-data Content-Type into out; ERR_INVALID when the type is
 * not multipart/form-data or the boundary is missing or too long. */
int http_multipart_boundary(char *out, size_t out_size, const char *content_type);
/* http_parse_multipart -- split a multipart/form-data body into parts
 * (at most max: ERR_LIMIT beyond; ERR_LIMIT for a part's headers over
 * HTTP_MULTIPART_HEADERS_MAX; ERR_INVALID for bad framing, a part without
 * a form-data name, names or filenames that are not UTF-8 text).
 * Returns the number of parts. */
int http_parse_multipart(struct http_part *parts, int max, const char *body,
			 size_t len, const char *boundary, struct arena *a);
/* http_utf8_valid -- 1 when s[0..len) is valid UTF-8 without NUL. */
int http_utf8_valid(const char *s, size_t len);

/* Metrics (Prometheus text format) of this process; r is the /metrics
 * request (its server's workers give the connection gauges). */
void http_metrics_write(struct buf *out, const struct http_req *r);

#endif
