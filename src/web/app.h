/*
 * app.h -- the madoguchi server: configuration, start order, the route
 * table and the hooks that tie the HTTP layer to the domain modules.
 *
 * Start order: open the database and migrate it (every module's schema, in
 * dependency order: app_schemas), load the keys (auth secret-box key,
 * audit signing key), start the HTTP workers, each with its own database
 * connection.  Everything a request needs lives in its arena and in
 * `struct app_req` (r->ctx).
 */
#ifndef MADOGUCHI_APP_APP_H
#define MADOGUCHI_APP_APP_H

#include "core/audit/audit.h"
#include "core/auth/auth.h"
#include "html/html.h"
#include "http/http.h"
#include "store/store.h"
#include "core/tenant/tenant.h"

#define APP_SESSION_COOKIE "mg_session"
#define APP_LANG_COOKIE "mg_lang"
#define APP_PRELOGIN_COOKIE "mg_pre"

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
	/* --- open data / search (page_opendata.c, app.c) --- */
	const char *search_index;    /* full-text index file; NULL: default (see app_search_index_path) */
	const char *map_tiles;       /* tile URL template for map previews, NULL: no tiles */
	const char *map_attribution; /* text shown with the tiles               */
	/* --- sign (app_sign.c) --- */
	const char *trust_dir;       /* CA certs + CRLs for signatures; NULL: none */
	int trust_reload_s;          /* check the directory every N s; 0: never  */
	/* --- mail (app_mail.c): SMTP relay and sender; NULL or no URL: keep queued --- */
	const struct mail_config *mail;
	const char *public_url;      /* base of links in mail (https://...); NULL: tenant host */
	/* --- life events (page_lifeevent.c) --- */
	const char *life_events_dir; /* NULL: data/life-events (none if absent) */
	/* --- deployment: proxies and metrics (app.c, page_public.c) --- */
	const char *trusted_proxies; /* see http_config.trusted_proxies     */
	const char *metrics_token;   /* Bearer token for /metrics; NULL: loopback only */
	/* --- apply (app_apply.c, src/svc/apply/README.md): per account --- */
	int64_t upload_quota_bytes;  /* attachment bytes kept; <= 0: unlimited */
	int uploads_per_min;         /* new attachments a minute; <= 0: unlimited */
};
#define APP_METRICS_TOKEN_MAX 256

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
	/* --- life events (page_lifeevent.c) --- */
	struct lifeevent **life_events;
	int nlife_events;
	struct arena *life_events_arena;
};

/* app_resident_csrf (page_apply.c) -- on a public page, the CSRF token of
 * the request's resident session (for a button that starts something);
 * 0 when the request has none. */
int app_resident_csrf(char out[AUTH_CSRF_LEN + 1], struct http_req *r);

/* --- procedure search (app_procsearch.c) --- */
/* app_procedure_index -- put procedure d of tenant into the full-text
 * search (collection "procedure", id = its code), on sr's store: call it
 * inside the publication's transaction, or after it (idempotent). */
struct search;
struct forms_def;
int app_procedure_index(struct search *sr, const char *tenant, const struct forms_def *d,
			struct err *e);

/* --- life events (page_lifeevent.c) --- */
struct lifeevent;
int app_life_events_init(struct app *a, struct err *e);
void app_life_events_done(struct app *a);
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

/* per worker thread */
struct app_thread {
	struct app *app;
	struct store *store;
	int index;
	struct app_page_cache *cache;   /* rendered public pages (page_public.c) */
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

/* the route table (routes.c) */
extern const struct http_route app_routes[];
extern const int app_nroutes;

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
/* app_audit_as -- append one record in s's open transaction, or in one
 * of its own when none is open. */
int app_audit_as(struct store *s, const struct audit_config *c,
		 const struct app_actor *a, const char *action,
		 const char *object_type, const char *object_id,
		 const char *result, struct err *e);
int64_t app_now(void);
void app_page_cache_free(struct app_page_cache *c);

/* handlers (page_*.c) */
int page_home(struct http_req *r);
int page_lang(struct http_req *r);
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
int page_account(struct http_req *r);
int page_resident_login_form(struct http_req *r);
int page_resident_register_form(struct http_req *r);
int page_resident_login(struct http_req *r);
int page_resident_register(struct http_req *r);
int page_resident_logout(struct http_req *r);
int page_mypage(struct http_req *r);
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

/* open data (page_opendata.c) */
int api_ckan(struct http_req *r);
int api_ckan_version(struct http_req *r);
int page_opendata_search(struct http_req *r);
int page_opendata_atom(struct http_req *r);
int page_dataset(struct http_req *r);
int page_opendata_download(struct http_req *r);
int page_catalog_ttl(struct http_req *r);
int page_catalog_jsonld(struct http_req *r);

/* --- open data / search (app.c, page_opendata.c, page_staff_opendata.c) --- */
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
int page_staff_opendata(struct http_req *r);
int page_staff_opendata_edit(struct http_req *r);
int page_staff_opendata_save(struct http_req *r);
int page_staff_opendata_upload(struct http_req *r);
extern const struct http_param_spec p_staff_od_edit[], p_staff_od_save[], p_staff_od_upload[];

/* --- resident applications (page_apply.c) --- */
int page_procedures(struct http_req *r);
int page_procedure(struct http_req *r);
int page_apply_start(struct http_req *r);
int page_draft_page(struct http_req *r);
int page_draft_page_post(struct http_req *r);
int page_draft_delete(struct http_req *r);
int page_draft_confirm(struct http_req *r);
int page_draft_canonical(struct http_req *r);
int page_draft_submit(struct http_req *r);
int page_submission(struct http_req *r);
int page_submission_withdraw_form(struct http_req *r);
int page_submission_withdraw(struct http_req *r);
int page_submission_correct(struct http_req *r);
int page_submission_pdf(struct http_req *r);
int page_apply_file(struct http_req *r);
int page_my_applications(struct http_req *r);

/* --- apply (app_apply.c) --- */
/* app_apply_actor -- who acts on applications, from the request's session
 * (the route must declare a permission, so that the session is loaded):
 * a resident's full session gives APPLY_RESIDENT; a staff member's gives
 * APPLY_STAFF with the departments of their "dept.<x>" permissions ('_'
 * read back as '-'; "dept.all": ndepts -1) and personal_read from
 * "personal.read" (apply_view); both carry the server's upload limits
 * (app_apply_limits, app_apply.h); anything else ERR_AUTH.  The strings
 * live in a. */
struct apply_actor;
int app_apply_actor(struct apply_actor *out, struct arena *a, struct http_req *r);
/* app_submit_audit -- an apply_submit_opts.in_tx hook (arg: struct
 * app_submit_audit): the submission's audit record (action,
 * object_type, object_id its receipt), written in the submission's own
 * transaction.  Fill it with
 * app_submit_audit_init on the request's thread: the hook may run on
 * another thread (the group commit's leader) and never reads r. */
struct app_submit_audit {
	const struct audit_config *c;
	struct app_actor actor;
	const char *action, *object_type;
};
/* app_file_unreadable -- the answer when an attachment's stored copy is
 * missing or damaged (apply_file_get's ERR_IO): what to do next, in both
 * languages; the detail (which file, where) goes to the log only. */
int app_file_unreadable(struct http_req *r, const struct err *e);
struct apply_submission;
void app_submit_audit_init(struct app_submit_audit *out, struct http_req *r,
			   const char *action, const char *object_type);
int app_submit_audit(struct store *s, const struct apply_submission *sub, void *arg,
		     struct err *e);
/* --- end apply --- */

/* --- api (api_apply.c): the applications JSON API --- */
int api_procedures_list(struct http_req *r);
int api_procedure_get(struct http_req *r);
int api_draft_create(struct http_req *r);
int api_draft_get(struct http_req *r);
int api_draft_put(struct http_req *r);
int api_draft_delete(struct http_req *r);
int api_draft_file_put(struct http_req *r);
int api_draft_canonical(struct http_req *r);
int api_draft_submit(struct http_req *r);
int api_procedure_submit(struct http_req *r);
int api_my_submissions(struct http_req *r);
int api_submissions_list(struct http_req *r);
int api_submission_get(struct http_req *r);
int api_submission_withdraw(struct http_req *r);
int api_submission_transition(struct http_req *r);
int api_submission_assign(struct http_req *r);
int api_submission_comment(struct http_req *r);
int api_file_get(struct http_req *r);
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
/* --- registry: procedure editor (page_procedures.c), once only (app_prefill.c) --- */
extern const struct http_param_spec app_p_proc_code[];
extern const struct http_param_spec app_p_proc_version[];
extern const struct http_param_spec app_p_proc_def[];
int page_staff_procedures(struct http_req *r);
int page_staff_procedure_new(struct http_req *r);
int page_staff_procedure_edit(struct http_req *r);
int page_staff_procedure_check(struct http_req *r);
int page_staff_procedure_publish(struct http_req *r);
int page_staff_procedure_version(struct http_req *r);
/* once only (app_prefill.c): the resident's registry record joined to
 * forms_prefill / forms_prefill_check (see src/core/forms/forms.h); a resident
 * without a linked record gets no registry answers and no waivers.  Call
 * app_prefill_check with forms_validate's r->answers before apply_submit:
 * it adds errors to r (read-only registry answers changed, a waiver the
 * registry no longer proves).  Errors from the store are returned. */
struct forms_def;
struct forms_result;
struct json_t;
int app_prefill_start(struct json_t **answers, struct json_t **sources, struct arena *a,
		      struct store *s, const char *tenant, int64_t resident_id,
		      const struct forms_def *d, const struct json_t *previous,
		      struct err *e);
int app_prefill_check(struct forms_result *r, struct arena *a, struct store *s,
		      const char *tenant, int64_t resident_id,
		      const struct forms_def *d, const struct json_t *norm,
		      const struct json_t *sources, struct err *e);
/* --- inbox (page_inbox.c): the staff back office of online applications --- */
int page_inbox(struct http_req *r);
int page_inbox_csv(struct http_req *r);
int page_staff_submission(struct http_req *r);
int page_staff_submission_history(struct http_req *r);
int page_staff_submission_file(struct http_req *r);
int page_staff_submission_assign(struct http_req *r);
int page_staff_submission_comment(struct http_req *r);
int page_staff_submission_transition(struct http_req *r);
/* their declared parameters (defined in page_inbox.c) */
extern const struct http_param_spec inbox_p_list[], inbox_p_csv[], inbox_p_submission[],
	inbox_p_history[], inbox_p_file[], inbox_p_assign[], inbox_p_comment[],
	inbox_p_transition[];
/* --- end inbox --- */

#endif
