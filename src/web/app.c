/*
 * app.c -- start-up (keys, schema, HTTP workers) and the hooks the HTTP
 * layer calls for every request: tenant resolution, session and permission
 * checks, CSRF, the login redirect and the error page.
 *
 * Invariant: the HTTP layer checks a route's permission before its handler
 * runs, through app_authorize(); a handler never decides on its own whether
 * the caller is logged in.  Failure to check is a refusal (fail closed).
 */
#include "web/app.h"
#include "web/ui.h"
#include "core/jobs/jobs.h"
#include "core/search/search.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t app_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- keys ---- */

static int path_in(char *out, size_t cap, const char *dir, const char *name)
{
	return (size_t)snprintf(out, cap, "%s/%s", dir, name) < cap ? 0 : ERR_LIMIT;
}

int app_keys_create(const char *dir, struct err *e)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(e, ERR_IO, "cannot create key directory %s: %s", dir,
			       strerror(errno));
	char p[4096];
	struct stat st;
	if (path_in(p, sizeof p, dir, "auth.key"))
		return err_set(e, ERR_LIMIT, "key directory path too long");
	if (stat(p, &st) != 0) {
		char hex[AUTH_KEY_HEX_LEN + 1];
		int rc = auth_key_generate(hex, e);
		if (rc)
			return rc;
		FILE *f = fopen(p, "wx");
		if (!f)
			return err_set(e, ERR_IO, "cannot write %s: %s", p, strerror(errno));
		chmod(p, 0600);
		fprintf(f, "# madoguchi: key that encrypts TOTP secrets at rest. Keep it secret; back it up apart from the database.\n%s\n", hex);
		if (fclose(f) != 0)
			return err_set(e, ERR_IO, "cannot write %s", p);
	}
	path_in(p, sizeof p, dir, "audit.key");
	if (stat(p, &st) != 0) {
		struct audit_key k;
		int rc = audit_key_generate(&k, e);
		if (rc == 0)
			rc = audit_key_save(&k, p, e);
		audit_key_wipe(&k);
		if (rc)
			return rc;
	}
	return 0;
}

int app_keys_load(struct app *a, const char *dir, struct err *e)
{
	char p[4096], hex[256];
	if (path_in(p, sizeof p, dir, "auth.key"))
		return err_set(e, ERR_LIMIT, "key directory path too long");
	int rc = keyfile_read_line(hex, sizeof hex, p, e);
	if (rc == 0)
		rc = auth_config_set_key(&a->auth, hex, e);
	explicit_bzero(hex, sizeof hex);
	if (rc)
		return rc;
	path_in(p, sizeof p, dir, "audit.key");
	rc = audit_key_load(&a->audit_key, p, e);
	if (rc)
		return rc;
	a->audit.key = &a->audit_key;
	a->audit.checkpoint_every = AUDIT_CHECKPOINT_DEFAULT;
	return 0;
}

/* ---- helpers for handlers ---- */

struct store *app_store(struct http_req *r)
{
	return ((struct app_thread *)r->thread_ctx)->store;
}

struct app *app_of(struct http_req *r)
{
	return r->app;
}

struct app_req *app_req(struct http_req *r)
{
	return r->ctx;
}

/* ---- the staff menu: only the pages the member may open ---- */

#define APP_PERMS_MAX 256         /* permissions of one session kept for the menu */

struct perm_collect {
	struct arena *a;
	const char **perms;
	int n;
};

static int collect_perm(const char *perm, void *arg)
{
	struct perm_collect *c = arg;
	if (c->n >= APP_PERMS_MAX)
		return 1;
	c->perms[c->n] = arena_strdup(c->a, perm);
	if (c->perms[c->n])
		c->n++;
	return 0;
}

/* the session's permissions, once per request; -1 when they cannot be read */
static int staff_perms(struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (q->perms_read)
		return q->nperms;
	q->perms_read = 1;
	q->nperms = -1;
	struct perm_collect c = { r->arena, arena_alloc(r->arena, APP_PERMS_MAX * sizeof *c.perms), 0 };
	if (!c.perms)
		return -1;
	struct err e;
	int rc = auth_session_permissions(app_store(r), &q->ses, "", collect_perm, &c, &e);
	if (rc < 0) {
		log_warn("staff menu: the permissions could not be read", "error", e.detail);
		return -1;
	}
	q->perms = c.perms;
	q->nperms = c.n;
	return c.n;
}

int app_staff_holds(struct http_req *r, const char *perm)
{
	struct app_req *q = app_req(r);
	if (!q || !q->has_session || q->ses.kind != AUTH_KIND_STAFF ||
	    q->ses.stage != AUTH_STAGE_FULL || !perm)
		return 0;
	int n = staff_perms(r);
	for (int i = 0; i < n; i++)
		if (strcmp(q->perms[i], perm) == 0)
			return 1;
	return 0;
}

int app_staff_may_open(struct http_req *r, const char *href)
{
	struct app_req *q = app_req(r);
	if (!q || !q->has_session || q->ses.kind != AUTH_KIND_STAFF ||
	    q->ses.stage != AUTH_STAGE_FULL)
		return 0;
	const char *perm;
	if (app_route_permission(href, &perm) != 0)
		return 0;
	if (!perm || strcmp(perm, HTTP_PERM_SESSION) == 0)
		return 1;
	int n = staff_perms(r);
	for (int i = 0; i < n; i++)
		if (strcmp(q->perms[i], perm) == 0)
			return 1;
	return 0;
}

/* the staff menu's entries, as links in r's language: the shell's own
 * sections, then the services' (svc.h: SVC_NAV_STAFF), each only when
 * the member may open it */
struct nav_collect {
	struct http_req *r;
	struct html_link *links;
	int n, cap;
	enum html_lang lang;
};

static void collect_link(const struct svc_nav *n, void *arg)
{
	struct nav_collect *c = arg;
	if (c->n < c->cap && app_staff_may_open(c->r, n->href))
		c->links[c->n++] = (struct html_link){ n->href, html_t(c->lang, n->label) };
}

/* the shell's sections of the menu, before the services' */
static const struct svc_nav shell_staff_nav[] = {
	{ SVC_NAV_STAFF, "/staff/users", "staff.users", NULL },
	{ SVC_NAV_STAFF, "/staff/roles", "staff.roles", NULL },
	{ SVC_NAV_STAFF, "/staff/jobs", "staff.jobs", NULL },
	{ SVC_NAV_STAFF, "/staff/outbox", "outbox.title", NULL },   /* --- mail (page_outbox.c) --- */
	{ SVC_NAV_STAFF, "/staff/registry", "staff.nav.registry", NULL },   /* page_registry.c */
};

#define APP_STAFF_LINKS_MAX 64

void app_page(struct http_req *r, struct html_page *p, const char *title)
{
	struct app_req *q = app_req(r);
	memset(p, 0, sizeof *p);
	p->lang = q ? q->lang : HTML_JA;
	p->title = title;
	p->site_name = q && q->has_tenant ?
		(p->lang == HTML_EN ? q->tenant.name_en : q->tenant.name_ja) : "madoguchi";
	p->path = r->path;
	p->demo = q && q->has_tenant && q->tenant.demo;
	if (q && q->has_session && q->ses.stage == AUTH_STAGE_FULL &&
	    q->ses.kind == AUTH_KIND_STAFF) {
		p->user_name = q->staff.display_name;
		p->csrf = q->csrf;
		p->idle_seconds = (int)q->ses.idle_left;
		p->staff = 1;
		struct nav_collect c = { r, arena_alloc(r->arena, APP_STAFF_LINKS_MAX * sizeof *c.links),
					 0, APP_STAFF_LINKS_MAX, p->lang };
		if (c.links) {
			for (size_t i = 0; i < sizeof shell_staff_nav / sizeof *shell_staff_nav; i++)
				collect_link(&shell_staff_nav[i], &c);
			app_nav_each(SVC_NAV_STAFF, collect_link, &c);
			p->staff_links = c.links;
			p->nstaff_links = c.n;
		}
	} else if (q && q->has_session) {
		p->csrf = q->csrf;
	}
}

void app_actor_of(struct app_actor *out, struct http_req *r)
{
	struct app_req *q = app_req(r);
	memset(out, 0, sizeof *out);
	if (q && q->has_session) {
		out->id = q->ses.account_id;
		snprintf(out->login, sizeof out->login, "%s", q->staff.login);
		snprintf(out->roles, sizeof out->roles, "%s", q->staff.roles);
	}
	if (q && q->has_tenant)
		snprintf(out->tenant, sizeof out->tenant, "%s", q->tenant.code);
	snprintf(out->source, sizeof out->source, "%s", r->remote_addr ? r->remote_addr : "");
}

int app_audit_as(struct store *s, const struct audit_config *c,
		 const struct app_actor *a, const struct app_audit_entry *en,
		 struct err *e)
{
	struct audit_record rec = {
		.actor_id = a->id,
		.actor_login = a->login[0] ? a->login : NULL,
		.role = a->roles[0] ? a->roles : NULL,
		.action = en->action,
		.object_type = en->object_type,
		.object_id = en->object_id,
		.tenant = a->tenant[0] ? a->tenant : NULL,
		.source = a->source[0] ? a->source : NULL,
		.result = en->result,
	};
	return audit_append_own(NULL, s, c, &rec, e);
}

void app_page_open(struct buf *b, struct html_page *p, struct http_req *r,
		   const char *title, const char *error_id, const char *error)
{
	app_page(r, p, title);
	buf_init(b, 4u << 20);
	html_page_begin(b, p);
	if (error) {
		const char *ids[] = { error_id ? error_id : "main" }, *msgs[] = { error };
		html_error_summary(b, p->lang, ids, msgs, 1);
	}
}

int app_page_send(struct http_req *r, int status, struct buf *b,
		  const struct html_page *p)
{
	html_page_end(b, p);
	http_send_html(r, status, b);
	buf_done(b);
	return 0;
}

static void json_release(void *j)
{
	json_decref(j);
}

json_t *app_json_own(struct http_req *r, json_t *j)
{
	if (!j)
		return NULL;
	return arena_cleanup_add(r->arena, json_release, j) == 0 ? j : NULL;
}

int app_audit(struct http_req *r, const char *action, const char *object_type,
	      const char *object_id, const char *result)
{
	struct app_actor a;
	struct err e;
	app_actor_of(&a, r);
	int rc = app_audit_as(app_store(r), &app_of(r)->audit, &a,
			      &(struct app_audit_entry){ .action = action,
							 .object_type = object_type,
							 .object_id = object_id, .result = result },
			      &e);
	if (rc) {
		log_error("audit append failed", "action", action, "detail", e.detail);
		/* a read or an export whose record is missing is not shown:
		 * the answer becomes a 503 (http_send), whichever handler
		 * sends it (a write already done still says so) */
		if (!strcmp(action, AUDIT_A_READ) || !strcmp(action, AUDIT_A_EXPORT))
			r->withhold = 1;
	}
	return rc;
}

int app_resident_csrf(char out[AUTH_CSRF_LEN + 1], struct http_req *r)
{
	const char *token = http_cookie(r, APP_SESSION_COOKIE);
	if (!token)
		return 0;
	struct auth_session ses;
	struct err e;
	if (auth_session_check(&ses, app_store(r), &app_of(r)->auth, token, app_now(), &e) != 0)
		return 0;
	if (ses.kind != AUTH_KIND_RESIDENT || ses.stage != AUTH_STAGE_FULL ||
	    strcmp(ses.tenant, app_req(r)->tenant.code) != 0)
		return 0;
	return auth_csrf_token(out, &ses, NULL, &e) == 0;
}

/* ---- hooks ---- */

static void *thread_init(void *app, int index)
{
	struct app *a = app;
	struct app_thread *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	struct err e;
	if (store_open(&t->store, a->cfg.db_url, &e)) {
		log_error("worker cannot open the database", "detail", e.detail);
		free(t);
		return NULL;
	}
	t->app = a;
	t->index = index;
	/* --- search (app_search) --- */
	{
		char ip[4200];
		if (search_open(&t->search, t->store, app_search_index_path(ip, sizeof ip, &a->cfg),
				NULL, &e)) {
			log_error("worker cannot open the search index", "detail", e.detail);
			t->search = NULL;
		}
	}
	return t;
}

static void thread_done(void *ctx)
{
	struct app_thread *t = ctx;
	app_page_cache_free(t->cache);
	search_close(t->search); /* --- search (app_search) --- */
	store_close(t->store);
	free(t);
}

/* --- search (app_search) --- */
struct search *app_search(struct http_req *r)
{
	return ((struct app_thread *)r->thread_ctx)->search;
}

const char *app_search_index_path(char *buf, size_t cap, const struct app_config *cfg)
{
	const char *env = getenv("MADOGUCHI_SEARCH_INDEX");
	if (cfg->search_index && *cfg->search_index)
		return cfg->search_index;
	if (env && *env)
		return env;
	if (cfg->db_url && strncmp(cfg->db_url, "sqlite:", 7) == 0 && cfg->db_url[7] &&
	    strcmp(cfg->db_url + 7, ":memory:") != 0 &&
	    (size_t)snprintf(buf, cap, "%s.search", cfg->db_url + 7) < cap)
		return buf;
	return ":memory:";
}

static enum html_lang pick_lang(struct http_req *r)
{
	int l = html_lang_parse(http_cookie(r, APP_LANG_COOKIE));
	if (l >= 0)
		return (enum html_lang)l;
	static const char *const langs[] = { "ja", "en" };
	return strcmp(http_accept_lang(r, langs, 2), "en") == 0 ? HTML_EN : HTML_JA;
}

static int app_prepare(struct http_req *r)
{
	struct app *a = r->app;
	struct app_req *q = arena_alloc(r->arena, sizeof *q);
	if (!q)
		return ERR_NOMEM;
	r->ctx = q;
	q->lang = pick_lang(r);
	struct store *s = app_store(r);
	struct err e;
	/* the worker's recent answer for this host or prefix (app.h) */
	struct app_thread *t = r->thread_ctx;
	const char *what = r->tenant_prefix ? r->tenant_prefix : r->host;
	char key[APP_TENANT_KEY_MAX + 2] = "";
	int64_t now = mono_ms();
	if (what && strlen(what) <= APP_TENANT_KEY_MAX) {
		key[0] = r->tenant_prefix ? 'p' : 'h';
		memcpy(key + 1, what, strlen(what) + 1);
		for (int i = 0; i < APP_TENANT_SLOTS; i++) {
			struct app_tenant_slot *c = &t->tenants[i];
			if (c->at_ms && now - c->at_ms < APP_TENANT_CACHE_MS &&
			    strcmp(c->key, key) == 0) {
				q->tenant = c->tenant;
				q->has_tenant = 1;
				return 0;
			}
		}
	}
	int rc = r->tenant_prefix ? tenant_by_prefix(&q->tenant, s, r->tenant_prefix, &e)
				  : tenant_by_host(&q->tenant, s, r->host, &e);
	if (rc == ERR_NOTFOUND && a->cfg.default_tenant && !r->tenant_prefix)
		rc = tenant_get(&q->tenant, s, a->cfg.default_tenant, &e);
	if (rc == 0) {
		q->has_tenant = 1;
		if (key[0]) {
			struct app_tenant_slot *c = &t->tenants[t->tenants_next];
			t->tenants_next = (t->tenants_next + 1) % APP_TENANT_SLOTS;
			memcpy(c->key, key, sizeof c->key);
			c->tenant = q->tenant;
			c->at_ms = now > 0 ? now : 1;
		}
		return 0;
	}
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "error.no_tenant", "unknown host"),
		       ERR_NOTFOUND;
	http_send_error(r, rc, NULL, NULL, e.detail);
	return rc;
}

/* load the session from the cookie (once per request) */
static int load_session(struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (q->has_session)
		return 0;
	const char *token = http_cookie(r, APP_SESSION_COOKIE);
	/* --- api (api_apply.c): on /api/, a Bearer token wins over the cookie --- */
	if (app_api_bearer(r))
		token = app_api_bearer(r);
	if (!token)
		return ERR_AUTH;
	struct err e;
	int rc = auth_session_check(&q->ses, app_store(r), &app_of(r)->auth, token,
				    app_now(), &e);
	if (rc)
		return rc;
	if (strcmp(q->ses.tenant, q->tenant.code) != 0)
		return ERR_AUTH; /* a session of another municipality */
	if (q->ses.kind == AUTH_KIND_STAFF &&
	    (rc = auth_staff_get(&q->staff, app_store(r), q->tenant.code,
				 q->ses.account_id, &e)) != 0)
		return rc == ERR_NOTFOUND ? ERR_AUTH : rc;
	if (auth_csrf_token(q->csrf, &q->ses, NULL, &e))
		return ERR_INTERNAL;
	q->has_session = 1;
	return 0;
}

static int app_authorize(struct http_req *r, const char *perm)
{
	/* --- api (api_apply.c): "api:a|b" permissions, Bearer and CSRF rules --- */
	if (strncmp(perm, "api:", 4) == 0)
		return app_api_authorize(r, perm + 4, app_authorize);
	struct app_req *q = app_req(r);
	if (!q || !q->has_tenant)
		return ERR_DENIED;
	int rc = load_session(r);
	if (rc == ERR_AUTH || rc == ERR_NOTFOUND)
		return ERR_AUTH;
	if (rc)
		return rc;
	if (strcmp(perm, "pending") == 0)      /* password given, code awaited */
		return q->ses.stage == AUTH_STAGE_TOTP ? 0 : ERR_AUTH;
	if (strcmp(perm, "newpassword") == 0)  /* reset by an administrator */
		return q->ses.stage == AUTH_STAGE_PASSWORD ? 0 : ERR_AUTH;
	if (strcmp(perm, "enrol") == 0)        /* enrolment, or a full session */
		return q->ses.stage == AUTH_STAGE_ENROL ||
		       q->ses.stage == AUTH_STAGE_FULL ? 0 : ERR_AUTH;
	if (q->ses.stage != AUTH_STAGE_FULL)
		return ERR_AUTH;
	/* residents and staff never share a page: "resident" is the
	 * residents' own pages, everything else needs a staff session */
	if (strcmp(perm, "resident") == 0)
		return q->ses.kind == AUTH_KIND_RESIDENT ? 0 : ERR_AUTH;
	if (q->ses.kind != AUTH_KIND_STAFF)
		return ERR_AUTH;
	if (strcmp(perm, HTTP_PERM_SESSION) == 0)
		return 0;
	struct err e;
	int has = auth_has_permission(app_store(r), &q->ses, perm, &e);
	if (has == 1)
		return 0;
	if (has < 0)
		return has;
	app_audit(r, "auth.denied", "route", r->route->name, AUDIT_R_DENIED);
	return ERR_DENIED;
}

static int app_csrf_ok(struct http_req *r, const char *token)
{
	struct app_req *q = app_req(r);
	if (!q || !q->has_session) {
		if (!q || load_session(r) != 0)
			return 0;
	}
	return auth_csrf_check(&q->ses, NULL, token, NULL) == 0;
}

/* where a visitor not logged in is sent; a resident's page asked for by
 * GET comes back after the login (its path as "next": a link to the
 * lottery entry form, say, lands on the form, not on My page) */
static const char *app_login_url(struct http_req *r)
{
	if (!r->route || !r->route->permission || strcmp(r->route->permission, "resident") != 0)
		return "/login";
	if ((strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) || !r->path)
		return "/resident/login";
	/* the path is decoded: one that needs encoding again (% ? # or a
	 * byte outside printable ASCII) gets no return path; the query goes
	 * back as received */
	for (const unsigned char *c = (const unsigned char *)r->path; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '%' || *c == '?' || *c == '#')
			return "/resident/login";
	const char *query = http_query_string(r);
	const char *next = query && *query ? arena_printf(r->arena, "%s?%s", r->path, query) : r->path;
	if (!next || strlen(next) > APP_NEXT_MAX || http_local_path_ok(next, strlen(next)) != 0)
		return "/resident/login";
	const char *url = ui_url(r->arena, "/resident/login", (const char *const[]){ "next", next, NULL });
	return url ? url : "/resident/login";
}

int app_send_error(struct http_req *r, int code, const char *id, const char *detail, ...)
{
	const char *txt[3] = { html_t(HTML_JA, id), html_t(HTML_EN, id), html_t(HTML_JA_EASY, id) };
	va_list ap;
	va_start(ap, detail);
	for (int i = 0; i < 3; i++) {
		va_list aq;
		va_copy(aq, ap);
		char *s = arena_vprintf(r->arena, txt[i], aq);
		va_end(aq);
		if (s)
			txt[i] = s;
	}
	va_end(ap);
	struct app_req *q = app_req(r);
	if (q)
		q->error_easy = txt[2];
	return http_send_error(r, code, txt[0], txt[1], detail);
}

static void app_error_page(struct http_req *r, int status, const char *ja,
			   const char *en, struct buf *out)
{
	struct html_page p;
	/* before a route was found (an unknown path) nothing has read the
	 * reader's language yet: the cookie or Accept-Language says it */
	enum html_lang l = r->ctx ? app_req(r)->lang : pick_lang(r);
	app_page(r, &p, html_t(l, "error.title"));
	p.lang = l;
	html_page_begin(out, &p);
	(void)status;
	const char *easy = r->ctx ? app_req(r)->error_easy : NULL;
	/* the HTTP layer's own messages by their names (http.h: error_key) */
	if (!easy && r->error_key && html_msg_find(r->error_key))
		easy = html_t(HTML_JA_EASY, r->error_key);
	if (p.lang == HTML_EN)
		html_printf(out, "<p>%s</p><p lang=\"ja\">%s</p>", en, ja);
	else if (p.lang == HTML_JA_EASY && easy)
		html_printf(out, "<p>%s</p><p lang=\"en\">%s</p>", easy, en);
	else
		html_printf(out, "<p>%s</p><p lang=\"en\">%s</p>", ja, en);
	html_printf(out, "<p>%s: <code>%s</code></p><p><a href=\"/\">%s</a></p>",
		    html_t(p.lang, "error.ref"), r->request_id,
		    html_t(p.lang, "error.home"));
	html_page_end(out, &p);
}

static const struct http_hooks hooks = {
	.thread_init = thread_init,
	.thread_done = thread_done,
	.prepare = app_prepare,
	.authorize = app_authorize,
	.csrf_ok = app_csrf_ok,
	.login_url = app_login_url,
	.error_page = app_error_page,
};

int app_init(struct app *a, const struct app_config *cfg, struct err *e)
{
	memset(a, 0, sizeof *a);
	a->cfg = *cfg;
	int rc = auth_config_init(&a->auth, cfg->hash_cost ? (enum auth_hash_cost)cfg->hash_cost
						    : AUTH_HASH_INTERACTIVE, e);
	if (rc)
		return rc;
	if (cfg->staff_idle_secs > 0)
		a->auth.staff_idle_secs = cfg->staff_idle_secs;
	/* the shipped list of common passwords, when run from the source tree
	 * or an installation that has it; the built-in list applies anyway */
	if (access("data/auth/common-passwords.txt", R_OK) == 0 &&
	    (rc = auth_config_load_common_passwords(&a->auth, "data/auth/common-passwords.txt", e)))
		return rc;
	rc = app_keys_load(a, cfg->key_dir ? cfg->key_dir : "var/keys", e);
	if (rc)
		return rc;
	struct store *s;
	rc = store_open(&s, cfg->db_url, e);
	if (rc)
		return rc;
	int applied = 0;
	rc = app_migrate(s, &applied, e);
	if (rc == 0)
		rc = app_jobs_ensure_scheduled(s, e);
	/* --- search: bring this server's index up to date before it listens --- */
	if (rc == 0) {
		char ip[4200];
		const char *path = app_search_index_path(ip, sizeof ip, cfg);
		struct search *sr = NULL;
		if (strcmp(path, ":memory:") != 0 && search_open(&sr, s, path, NULL, e) == 0) {
			if (search_catchup(sr, NULL, e))
				log_error("search index catch-up failed", "detail", e->detail);
			search_close(sr);
		}
		err_clear(e);
	}
	store_close(s);
	if (rc == 0 && applied) {
		char n[12];
		snprintf(n, sizeof n, "%d", applied);
		log_info("database migrated", "migrations", n);
	}
	/* --- sign (app_sign.c) --- */
	if (rc == 0)
		rc = app_trust_init(a, e);
	/* the services: their messages, then each one's init (svc.h) */
	if (rc == 0)
		rc = app_services_init(a, e);
	/* --- search: the site's pages, from the catalog (page_search.c) --- */
	if (rc == 0 && store_open(&s, cfg->db_url, e) == 0) {
		struct search *sr = NULL;
		if (search_open(&sr, s, ":memory:", NULL, e) != 0 || app_pages_index(sr, e) != 0)
			log_error("search: indexing the site's pages failed", "detail", e->detail);
		search_close(sr);
		store_close(s);
		err_clear(e);   /* the server starts anyway; the next start tries again */
	} else if (rc == 0) {
		log_error("search: indexing the site's pages failed", "detail", e->detail);
		err_clear(e);
	}
	return rc;
}

int app_serve(struct app *a, void (*ready)(const char *addr, void *arg),
	      void *arg, struct err *e)
{
	struct http_config hc = {
		.listen = a->cfg.listen ? a->cfg.listen : "127.0.0.1:8080",
		.threads = a->cfg.threads,
		.static_dir = a->cfg.static_dir,
		.tls_cert = a->cfg.tls_cert,
		.tls_key = a->cfg.tls_key,
		.max_body = a->cfg.max_body,
		.access_log_off = a->cfg.access_log_off,
		.tenant_path_prefix = a->cfg.tenant_path_prefix,
		.trusted_proxies = a->cfg.trusted_proxies,
	};
	/* requests for the public URL's host, when it is https, reached us
	 * through HTTPS (a TLS-terminating proxy in front) */
	char public_host[256] = "";
	if (a->cfg.public_url && strncmp(a->cfg.public_url, "https://", 8) == 0) {
		const char *h = a->cfg.public_url + 8;
		size_t hl = strcspn(h, ":/");
		if (hl && hl < sizeof public_host) {
			for (size_t i = 0; i < hl; i++)
				public_host[i] = (char)tolower((unsigned char)h[i]);
			public_host[hl] = 0;
			hc.public_https_host = public_host;
		}
	}
	const struct http_route *routes;
	int nroutes = app_routes(&routes, e);
	if (nroutes < 0)
		return nroutes;
	struct http_server *srv;
	int rc = http_server_new(&srv, &hc, routes, nroutes, &hooks, a, e);
	if (rc)
		return rc;
	struct jobs_runner *jr = NULL;
	rc = app_jobs_start(&jr, a, e);
	if (rc == 0)
		rc = http_server_run(srv, ready, arg, e);
	/* after the HTTP workers: requests in flight may have enqueued work */
	jobs_runner_stop(jr);
	http_server_free(srv);
	return rc;
}

void app_done(struct app *a)
{
	app_trust_done(a);   /* --- sign (app_sign.c) --- */
	app_services_done(a);
	audit_key_wipe(&a->audit_key);
	auth_config_done(&a->auth);
}
