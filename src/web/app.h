/*
 * app.h -- the madoguchi server: configuration, start order, the route
 * table and the hooks that tie the HTTP layer to the domain modules.
 *
 * Start order: open the database and migrate it (every module's schema, in
 * dependency order: app_migrate in svc.c), load the keys (auth secret-box key,
 * audit signing key), start the HTTP workers, each with its own database
 * connection.  Everything a request needs lives in its arena and in
 * `struct app_req` (r->ctx).
 */
#ifndef MADOGUCHI_WEB_APP_H
#define MADOGUCHI_WEB_APP_H

#include "core/audit/audit.h"
#include "core/auth/auth.h"
#include "html/html.h"
#include "http/http.h"
#include "store/store.h"
#include "core/tenant/tenant.h"

#define APP_SESSION_COOKIE "mg_session"
#define APP_LANG_COOKIE "mg_lang"
#define APP_PRELOGIN_COOKIE "mg_pre"
/* the longest return path a login takes back (`next`, a local path) */
#define APP_NEXT_MAX 512

struct app_config {
	const char *db_url;          /* sqlite:PATH or postgresql://...        */
	const char *listen;          /* 127.0.0.1:8080                         */
	int threads;                 /* 0: one per core                        */
	const char *static_dir;      /* build/assets                           */
	const char *key_dir;         /* auth.key, audit.key                    */
	const char *default_tenant;  /* used when the host names no tenant     */
	const char *tls_cert, *tls_key;
	size_t max_body;
	int access_log_off;
	int hash_cost;               /* enum auth_hash_cost; 0: interactive    */
	int64_t staff_idle_secs;     /* 0: auth default (900)                  */
	int tenant_path_prefix;      /* /t/<prefix>/ selects the municipality  */
	/* --- search (app.c: app_search) --- */
	const char *search_index;    /* full-text index file; NULL: default (see app_search_index_path) */
	/* --- sign (app_sign.c) --- */
	const char *trust_dir;       /* CA certs + CRLs for signatures; NULL: none */
	int trust_reload_s;          /* check the directory every N s; 0: never  */
	/* --- mail (app_mail.c): SMTP relay and sender; NULL or no URL: keep queued --- */
	const struct mail_config *mail;
	const char *public_url;      /* base of links in mail (https://...); NULL: tenant host */
	/* --- deployment: proxies and metrics (app.c, page_public.c) --- */
	const char *trusted_proxies; /* see http_config.trusted_proxies     */
	const char *metrics_token;   /* Bearer token for /metrics; NULL: loopback only */
	/* --- the services' own options (`serve --<name> VALUE`, svc_option) --- */
	const struct app_option *options;
	int noptions;
};
struct app_option {
	const char *name, *value;
};
#define APP_METRICS_TOKEN_MAX 256

#define APP_SVC_MAX 32              /* services a build may have */

struct app_trust_state;
struct app {
	struct app_config cfg;
	struct auth_config auth;
	struct audit_key audit_key;
	struct audit_config audit;
	/* --- sign (app_sign.c) --- */
	struct sign_trust *trust;    /* NULL: signatures not configured; read
					with app_trust (swapped on reload) */
	struct app_trust_state *trust_state; /* reload bookkeeping (app_sign.c) */
	/* --- the services' slots (svc.h: svc_state), by their index in svc_all --- */
	void *svc_state[APP_SVC_MAX];
	unsigned char svc_inited[APP_SVC_MAX];
};




/* A worker keeps the municipality it resolved for a host (or a /t/<prefix>)
 * for APP_TENANT_CACHE_MS: the lookup was two database reads on every
 * request, most of a cached page's cost (docs/performance.md).  Only
 * successes are kept, so a municipality added now is found at once; a
 * changed name or host shows within the interval. */
#define APP_TENANT_SLOTS 8
#define APP_TENANT_KEY_MAX 255
#define APP_TENANT_CACHE_MS 1000

/* per worker thread */
struct app_thread {
	struct app *app;
	struct store *store;
	int index;
	struct app_page_cache *cache;   /* rendered public pages (page_public.c) */
	/* the municipalities this worker resolved lately (app.c: app_prepare) */
	struct app_tenant_slot {
		char key[APP_TENANT_KEY_MAX + 2]; /* 'h' or 'p', then host or prefix */
		struct tenant tenant;
		int64_t at_ms;                    /* mono_ms() when resolved; 0: empty */
	} tenants[APP_TENANT_SLOTS];
	int tenants_next;
	/* --- search (app.c) --- */
	struct search *search;          /* this worker's full-text index handle, NULL if it could not open */
};

/* per request (r->ctx) */
struct app_req {
	struct tenant tenant;
	int has_tenant;
	struct auth_session ses;
	int has_session;             /* a valid session of any stage          */
	struct auth_staff staff;     /* when has_session and staff            */
	enum html_lang lang;
	char csrf[AUTH_CSRF_LEN + 1];
	/* the staff session's permissions, read once when a page shows the
	 * menu (app_staff_may_open), when perms_read */
	const char **perms;
	int nperms, perms_read;
	/* the やさしい日本語 text of the error being answered (app_send_error),
	 * for the error page; NULL: none */
	const char *error_easy;
};

/* app_migrate -- apply every module's schema, in dependency order (core,
 * auth, audit, jobs ...). */
int app_migrate(struct store *s, int *applied, struct err *e);

/* app_keys_create -- write new auth.key and audit.key into dir (0600),
 * leaving existing ones alone.  app_keys_load reads them into a. */
int app_keys_create(const char *dir, struct err *e);
int app_keys_load(struct app *a, const char *dir, struct err *e);

/* app_init -- on failure, app_done(a) releases what it had made. */
int app_init(struct app *a, const struct app_config *cfg, struct err *e);
int app_serve(struct app *a, void (*ready)(const char *addr, void *arg),
	      void *arg, struct err *e);
void app_done(struct app *a);

/* the job runner (app_jobs.c) */
struct jobs_runner;
int app_jobs_start(struct jobs_runner **out, struct app *a, struct err *e);
int app_jobs_ensure_scheduled(struct store *s, struct err *e);

/* the shell's routes (routes.c); app_routes (svc.c) joins the services' */
extern const struct http_route app_shell_routes[];
extern const int app_shell_nroutes;

/* app_send_error -- the error response (http_send_error: the HTML page
 * or the JSON error) with the catalog message id in Japanese and English,
 * and on a やさしい日本語 page its easy text.  The catalog texts are
 * always read as formats: with arguments after detail they take them (the
 * same conversions in every language, tests/unit/html/test_catalog.c);
 * a row sent without arguments must contain no '%' (write "%%").  detail
 * goes to the log only. */
int app_send_error(struct http_req *r, int code, const char *id, const char *detail, ...);

/* app_staff_may_open -- 1 when the staff member of r may open the page
 * at href (a fixed path of a GET route): the route is public, needs only
 * a session, or its permission is one the session holds (read once per
 * request).  0 otherwise, and also when href is no route or the
 * permissions cannot be read (a menu fails closed; the page itself still
 * decides).  The staff menu and the staff home show only these. */
int app_staff_may_open(struct http_req *r, const char *href);
/* app_staff_holds -- 1 when the staff member of r holds perm (the same
 * reading as app_staff_may_open: once per request, fails closed); for a
 * page that shows a button only to those whose POST would be allowed. */
int app_staff_holds(struct http_req *r, const char *perm);

/* app_resident_csrf -- on a public page, the CSRF token of the request's
 * resident session (for a button that starts something); 0 when the
 * request has none. */
int app_resident_csrf(char out[AUTH_CSRF_LEN + 1], struct http_req *r);

/* helpers shared by the page files */
struct store *app_store(struct http_req *r);
struct app *app_of(struct http_req *r);
struct app_req *app_req(struct http_req *r);
void app_page(struct http_req *r, struct html_page *p, const char *title);
/* app_page_open -- start an HTML answer in b: the layout for r with the
 * title, and the accessible error summary when error is given (linking to
 * the field error_id).  app_page_send closes the layout, answers with
 * status and releases b: `return app_page_send(r, 200, &b, &p);` */
void app_page_open(struct buf *b, struct html_page *p, struct http_req *r,
		   const char *title, const char *error_id, const char *error);
int app_page_send(struct http_req *r, int status, struct buf *b,
		  const struct html_page *p);
/* app_json_own -- hand a jansson value to the request: it is released
 * with the request's arena.  Returns j, or NULL when j was NULL or the
 * arena had no room for the cleanup, in which case j has been released
 * already and must not be used (answer ERR_NOMEM). */
struct json_t;
struct json_t *app_json_own(struct http_req *r, struct json_t *j);
/* app_audit -- append a record of what the request's caller did (its
 * transaction if one is open on app_store(r), else a shared commit:
 * app_audit_as).  When the record of a read or an export
 * (AUDIT_A_READ, AUDIT_A_EXPORT) cannot be written, the request's
 * success answer is withheld (a 503 instead: r->withhold), so no page
 * shows personal data unaudited, whether or not the handler looks at
 * the result. */
int app_audit(struct http_req *r, const char *action, const char *object_type,
	      const char *object_id, const char *result);

/* Who acts, copied out of a request so that work on the blocking pool
 * (http_defer) can write audit records without touching the request. */
struct app_actor {
	int64_t id;                           /* 0: nobody logged in  */
	char login[AUTH_LOGIN_MAX + 1];
	char roles[AUTH_ROLES_TEXT_MAX];
	char tenant[TENANT_CODE_LEN + 1];     /* "" : deployment level */
	char source[AUTH_SOURCE_MAX + 1];
};
void app_actor_of(struct app_actor *out, struct http_req *r);
/* What one audit record says happened (app_audit_as); the actor's
 * fields come from struct app_actor.  The strings are read during the
 * call only. */
struct app_audit_entry {
	const char *action;        /* required: "auth.login", AUDIT_A_... */
	const char *object_type;   /* "news", "role", ... or NULL         */
	const char *object_id;     /* its id (never its content) or NULL  */
	const char *result;        /* required: AUDIT_R_OK, ...           */
};
/* app_audit_as -- append one record of what `a` did in s's open
 * transaction or, when none is open, in a commit shared with the records
 * other threads append at the same moment (audit_append_own); returns
 * once it is durable. */
int app_audit_as(struct store *s, const struct audit_config *c,
		 const struct app_actor *a, const struct app_audit_entry *en,
		 struct err *e);
int64_t app_now(void);
void app_page_cache_free(struct app_page_cache *c);

/* handlers (page_*.c) */
int page_home(struct http_req *r);
int page_lang(struct http_req *r);
int page_search(struct http_req *r);   /* page_search.c */
/* app_pages_index -- the site's public pages (help, logins, lists) into the
 * search collection "page" (tenant ""), from the catalog in ja, en and
 * やさしい日本語; idempotent; app_init runs it once the services' catalog
 * rows are in (page_search.c) */
struct search;
int app_pages_index(struct search *sr, struct err *e);
int page_help(struct http_req *r);
/* page_registry.c: linking an account to the registry by a one-time code */
int page_staff_registry(struct http_req *r);
int page_staff_registry_code(struct http_req *r);
int page_mypage_registry(struct http_req *r);
int page_mypage_registry_post(struct http_req *r);
int page_healthz(struct http_req *r);
int page_readyz(struct http_req *r);
int page_metrics(struct http_req *r);
int api_municipality(struct http_req *r);
int page_login_form(struct http_req *r);
int page_login_post(struct http_req *r);
int page_totp_form(struct http_req *r);
int page_totp_post(struct http_req *r);
int page_enrol_form(struct http_req *r);
int page_enrol_post(struct http_req *r);
int page_logout(struct http_req *r);
int page_staff_home(struct http_req *r);
int page_users(struct http_req *r);
int page_users_add(struct http_req *r);
int page_users_disable(struct http_req *r);
/* --- admin (issue 14, item 9): enrolment restart, colleague reset, the
 * new password owed after a reset --- */
int page_enrol_restart(struct http_req *r);
int page_users_reset(struct http_req *r);
int page_newpw_form(struct http_req *r);
int page_newpw_post(struct http_req *r);
int page_account_email(struct http_req *r);
int page_account(struct http_req *r);
int page_resident_login_form(struct http_req *r);
int page_resident_register_form(struct http_req *r);
int page_resident_login(struct http_req *r);
int page_resident_register(struct http_req *r);
int page_resident_logout(struct http_req *r);
int page_mypage(struct http_req *r);
/* page_resident_close.c: a resident closes their account (退会) */
int page_resident_close_form(struct http_req *r);
int page_resident_close(struct http_req *r);
int page_resident_closed(struct http_req *r);
int page_account_session_end(struct http_req *r);
int page_account_password(struct http_req *r);
int api_me(struct http_req *r);
int page_jobs(struct http_req *r);
int page_roles(struct http_req *r);
int page_roles_create(struct http_req *r);
int page_roles_perm_add(struct http_req *r);
int page_roles_perm_remove(struct http_req *r);
int page_users_grant(struct http_req *r);
int page_users_revoke(struct http_req *r);


/* --- search: the worker's full-text index (app.c) --- */
struct search;
/* app_search -- the worker's full-text search handle (src/core/search), caught
 * up from the change log by each search_query (catchup_ms 0: one indexed
 * read of search_log per query); NULL when the index could not be opened
 * (the caller answers without full-text search or with an error). */
struct search *app_search(struct http_req *r);
/* app_search_index_path -- the index file for cfg: --search-index, else
 * $MADOGUCHI_SEARCH_INDEX, else "<database file>.search" for SQLite, else
 * ":memory:" (PostgreSQL without a path: a private index per worker, built
 * from the database at its first query). */
const char *app_search_index_path(char *buf, size_t cap, const struct app_config *cfg);



/* API authentication (used by app.c's hooks).  A route permission
 * "api:<p>|<q>..." admits a request that any alternative admits (each
 * checked by `one`, the ordinary permission check); on success a cookie
 * session must carry its CSRF token in X-CSRF-Token on a write, a Bearer
 * token need not.  app_api_bearer -- the token of `Authorization: Bearer`
 * on /api/ paths (at most 256 bytes), or NULL.  api_json_errors -- answer
 * the request's errors in the JSON shape whatever its route kind. */
int app_api_authorize(struct http_req *r, const char *alts,
		      int (*one)(struct http_req *r, const char *perm));
const char *app_api_bearer(struct http_req *r);
void api_json_errors(struct http_req *r);

/* --- sign (app_sign.c) --- */
/* The trust store for signed submissions (src/core/sign), loaded by app_init
 * from cfg.trust_dir (serve --trust-dir).  app_trust is NULL when none is
 * configured: pass it to sign_verify as is, which then answers
 * SIGN_NOT_CONFIGURED ("not set up at this office").  Shared read-only by
 * every worker thread. */
struct sign_trust;
int app_trust_init(struct app *a, struct err *e);
void app_trust_done(struct app *a);
/* app_trust -- the store in use (checking the directory first when
 * cfg.trust_reload_s has passed: see app_sign.c).  The pointer stays valid
 * for at least a minute after a reload replaced it. */
const struct sign_trust *app_trust(struct http_req *r);
/* app_trust_refresh -- check the trust directory now if due (force: even
 * if not, waiting for a check in progress); 1 when a changed directory
 * was loaded and is now in use. */
int app_trust_refresh(struct app *a, int force);

/* ---- the services (svc.h, svc.c) ---- */
#include "web/svc.h"
/* app_routes -- the shell's routes then every service's, joined once;
 * returns the count (or ERR_NOMEM). */
int app_routes(const struct http_route **out, struct err *e);
/* app_routes_check -- ERR_CONFLICT (naming both) when a route of one
 * service could serve a path another service's or the shell's route
 * serves (same method, http_patterns_overlap); run at start. */
int app_routes_check(struct err *e);
/* svc_routes_overlap -- the check between two owners' tables (na and nb
 * routes): 0, or ERR_CONFLICT naming owner_b's route and owner_a's. */
int svc_routes_overlap(const struct http_route *a, int na, const char *owner_a,
		       const struct http_route *b, int nb, const char *owner_b,
		       struct err *e);
/* app_catalogs_load -- every service's messages into html_t (at start). */
int app_catalogs_load(struct err *e);
/* app_route_permission -- the permission of the GET route whose pattern
 * is href (a fixed path; the menu's entries): 0 with *perm set (NULL for
 * a public page), ERR_NOTFOUND when no route has that pattern. */
int app_route_permission(const char *href, const char **perm);
/* app_nav_each -- fn for every navigation entry of the services at where */
void app_nav_each(enum svc_nav_where where,
		  void (*fn)(const struct svc_nav *n, void *arg), void *arg);
int app_services_init(struct app *a, struct err *e);
void app_services_done(struct app *a);
struct jobs_registry;
int app_job_ensure(struct store *s, const char *kind, struct err *e);
int app_services_jobs_ensure(struct store *s, struct err *e);
int app_services_jobs_register(struct jobs_registry *reg, struct app *a, struct err *e);
void app_services_metrics(struct buf *b);
void app_services_home(struct buf *b, struct http_req *r);
/* app_services_staff_home -- each service's staff_home warning block */
void app_services_staff_home(struct buf *b, struct http_req *r);
/* app_services_banner -- every service's banner (svc.h), for the home page */
void app_services_banner(struct buf *b, struct http_req *r);

#endif
