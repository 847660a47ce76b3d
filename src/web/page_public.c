/*
 * page_public.c -- pages anyone may see: the home page (rendered once per
 * municipality and language, then served from a per-thread cache for
 * APP_PAGE_CACHE_SECS), the language switch, health, readiness, metrics,
 * and the public municipality JSON (read from the database every time).
 */
#include "web/app.h"
#include "base/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define APP_PAGE_CACHE_SECS 60
#define APP_PAGE_CACHE_SLOTS 16

struct cached_page {
	char tenant[TENANT_CODE_LEN + 1];
	int lang;
	char *html;
	size_t len;
	int64_t at;
};

struct app_page_cache {
	struct cached_page slot[APP_PAGE_CACHE_SLOTS];
	int next;
};

/* a tile of the home page: a service's SVC_NAV_HOME entry */
struct tile_ctx {
	struct buf *b;
	enum html_lang lang;
	int n;
};

static void home_tile(const struct svc_nav *n, void *arg)
{
	struct tile_ctx *c = arg;
	if (c->n++ == 0)
		html_printf(c->b, "<nav aria-labelledby=\"services-h\"><h2 id=\"services-h\">%s</h2>"
			    "<ul class=\"service-tiles\">", html_t(c->lang, "home.services"));
	html_printf(c->b, "<li><a href=\"%s\">%s</a>", n->href, html_t(c->lang, n->label));
	if (n->summary)
		html_printf(c->b, "<p>%s</p>", html_t(c->lang, n->summary));
	buf_puts(c->b, "</li>");
}

static void render_home(struct http_req *r, struct buf *b)
{
	struct html_page p;
	struct app_req *q = app_req(r);
	app_page(r, &p, html_t(q->lang, "home.title"));
	p.user_name = NULL; /* the cached page is the same for everyone */
	p.csrf = NULL;
	p.idle_seconds = 0;
	p.staff = 0;
	html_page_begin(b, &p);
	html_printf(b, "<p class=\"lead\">%s</p>\n", html_t(q->lang, "home.lead"));
	struct tile_ctx tc = { b, q->lang, 0 };
	app_nav_each(SVC_NAV_HOME, home_tile, &tc);
	if (tc.n)
		buf_puts(b, "</ul></nav>\n");
	app_services_home(b, r);   /* the services' own sections (svc.h) */
	html_printf(b, "<p><a class=\"button\" href=\"/resident/login\">%s</a></p>\n",
		    html_t(q->lang, "resident.login"));
	html_printf(b, "<p><a href=\"/login\">%s</a></p>\n", html_t(q->lang, "home.staff"));
	html_page_end(b, &p);
}

void app_page_cache_free(struct app_page_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < APP_PAGE_CACHE_SLOTS; i++)
		free(c->slot[i].html);
	free(c);
}

int page_home(struct http_req *r)
{
	struct app_thread *t = r->thread_ctx;
	struct app_req *q = app_req(r);
	if (!t->cache && !(t->cache = calloc(1, sizeof *t->cache)))
		return ERR_NOMEM;
	int64_t now = mono_ms() / 1000;
	struct cached_page *hit = NULL;
	for (int i = 0; i < APP_PAGE_CACHE_SLOTS; i++) {
		struct cached_page *c = &t->cache->slot[i];
		if (c->html && c->lang == (int)q->lang && strcmp(c->tenant, q->tenant.code) == 0 &&
		    now - c->at < APP_PAGE_CACHE_SECS) {
			hit = c;
			break;
		}
	}
	if (!hit) {
		struct buf b;
		buf_init(&b, 1u << 20);
		render_home(r, &b);
		hit = &t->cache->slot[t->cache->next];
		t->cache->next = (t->cache->next + 1) % APP_PAGE_CACHE_SLOTS;
		free(hit->html);
		hit->len = b.len;
		hit->html = buf_steal(&b);
		if (!hit->html)
			return ERR_NOMEM;
		memcpy(hit->tenant, q->tenant.code, sizeof hit->tenant);
		hit->lang = (int)q->lang;
		hit->at = now;
	}
	http_set_header(r, "cache-control", "public, max-age=60");
	http_set_header(r, "vary", "cookie, accept-language");
	return http_send(r, 200, "text/html; charset=utf-8", hit->html, hit->len);
}

int page_lang(struct http_req *r)
{
	const char *to = http_param(r, "to"), *next = http_param(r, "next");
	http_set_cookie(r, APP_LANG_COOKIE, to, 60L * 60 * 24 * 365);
	return http_redirect(r, 303, next ? next : "/");
}

int page_healthz(struct http_req *r)
{
	return http_send(r, 200, "text/plain; charset=utf-8", "ok\n", 0);
}

int page_readyz(struct http_req *r)
{
	struct err e;
	int rc = store_ping(app_store(r), &e);
	if (rc)
		return http_send_error(r, ERR_UNAVAILABLE, NULL, NULL, e.detail);
	return http_send(r, 200, "text/plain; charset=utf-8", "ready\n", 0);
}

/* who may read /metrics (every tenant's request counts, the server's
 * inner figures): with a token configured, a request carrying it as a
 * Bearer token and no other (a proxy on the machine that adds no
 * X-Forwarded-For would make every request look local); without one, a
 * direct request from loopback (the operator's own scraper; not one that
 * came through a proxy, whose peer address is loopback too) */
static int metrics_allowed(struct http_req *r)
{
	const char *token = app_of(r)->cfg.metrics_token;
	if (token) {
		const char *auth = http_header(r, "authorization");
		if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
			return 0;
		const char *given = auth + 7;
		size_t tl = strlen(token);
		return strlen(given) == tl && sodium_memcmp(given, token, tl) == 0;
	}
	if (r->proxied)
		return 0;
	return strcmp(r->remote_addr, "127.0.0.1") == 0 || strcmp(r->remote_addr, "::1") == 0 ||
	       strncmp(r->remote_addr, "127.", 4) == 0 ||
	       strncmp(r->remote_addr, "::ffff:127.", 11) == 0;
}

int page_metrics(struct http_req *r)
{
	if (!metrics_allowed(r))
		return app_send_error(r, ERR_DENIED, "error.operator_only", "metrics: not loopback and no valid token");
	struct buf b;
	buf_init(&b, 1u << 20);
	http_metrics_write(&b, r);
	app_services_metrics(&b);   /* each service's own lines (svc.h) */
	http_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_cstr(&b), b.len);
	buf_done(&b);
	return 0;
}

int api_municipality(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct tenant t;
	struct err e;
	/* read from the database on purpose: this is the database-backed read
	 * of the benchmark, and the answer must follow changes at once */
	int rc = tenant_get(&t, app_store(r), q->tenant.code, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	json_t *j = json_pack("{s:s,s:s,s:s,s:b}", "code", t.code, "name_ja", t.name_ja,
			      "name_en", t.name_en, "demo", t.demo);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return ERR_NOMEM;
	http_set_header(r, "cache-control", "no-cache");
	http_send_json(r, 200, s);
	free(s);
	return 0;
}
