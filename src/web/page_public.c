/*
 * page_public.c -- pages anyone may see: the home page (rendered once per
 * municipality and language, then served from a per-thread cache for
 * APP_PAGE_CACHE_SECS), the language switch, health, readiness, metrics,
 * and the public municipality JSON (read from the database every time).
 */
#include "web/app.h"
#include "base/util.h"
#include "core/forms/forms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define APP_PAGE_CACHE_SECS 60
#define APP_PAGE_CACHE_SLOTS 16

/* The home page is the same for every visitor of a municipality and
 * language, except three places, kept as byte ranges of the cached
 * page and filled per request (slots): the account corner of the header
 * (logins for a visitor; マイページ and ログアウト for a resident), the
 * disaster banner at the top of main (the services' banner hooks; empty
 * when none has anything), and the account section of main.  The cached
 * page holds a visitor's version of each; nothing personal is ever in it. */
enum { SLOT_HEADER, SLOT_BANNER, SLOT_ACCOUNT, SLOT_N };

struct cached_page {
	char tenant[TENANT_CODE_LEN + 1];
	int lang;
	char *html;
	size_t len;
	size_t slot[SLOT_N][2];   /* [start, end) of each slot in html */
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

/* the categories and life stages of procedures (core/forms' list) */
static const char *const home_stages[] = {
	"ninshin_shussan", "kosodate", "hikkoshi", "kyouiku", "koureisha_kaigo", "okuyami",
};

static void topic_links(struct buf *b, enum html_lang l, const char *param,
			const char *const *ids, int n)
{
	buf_puts(b, "<ul class=\"topic-links\">");
	for (int i = 0; i < n; i++) {
		char key[64];
		snprintf(key, sizeof key, "proc.cat.%s", ids[i]);
		html_printf(b, "<li><a href=\"/procedures?%s=%s\">%s</a></li>", param, ids[i],
			    html_t(l, key));
	}
	buf_puts(b, "</ul>");
}

/* the visitor's versions of the slots */
static void slot_header_anon(struct buf *b, enum html_lang l)
{
	html_printf(b, "<div class=\"account\"><a href=\"/resident/login\">%s</a></div>\n",
		    html_t(l, "home.account"));
}

static void slot_account_anon(struct buf *b, enum html_lang l)
{
	html_printf(b, "<section class=\"home-account\" aria-labelledby=\"account-h\">"
		    "<h2 id=\"account-h\">%s</h2>"
		    "<p><a class=\"button\" href=\"/resident/login\">%s</a></p>"
		    "<p><a href=\"/resident/register\">%s</a></p>"
		    "<p><a href=\"/login\">%s</a></p></section>\n",
		    html_t(l, "home.account"), html_t(l, "resident.login"),
		    html_t(l, "home.register"), html_t(l, "home.staff"));
}

static void render_home(struct http_req *r, struct buf *b, size_t slot[SLOT_N][2])
{
	struct html_page p;
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	app_page(r, &p, html_t(l, "home.title"));
	p.user_name = NULL; /* the cached page is the same for everyone */
	p.csrf = NULL;
	p.idle_seconds = 0;
	p.staff = 0;
	html_page_begin(b, &p);
	/* the header's account corner: just before </header> */
	const char *h = strstr(buf_cstr(b), "</header>");
	size_t hend = h ? (size_t)(h - buf_cstr(b)) : b->len;
	struct buf tail;
	buf_init(&tail, 1u << 16);
	buf_puts(&tail, buf_cstr(b) + hend);
	b->len = hend;
	slot[SLOT_HEADER][0] = b->len;
	slot_header_anon(b, l);
	slot[SLOT_HEADER][1] = b->len;
	buf_puts(b, buf_cstr(&tail));
	buf_done(&tail);
	slot[SLOT_BANNER][0] = slot[SLOT_BANNER][1] = b->len;
	html_printf(b, "<p class=\"lead\">%s</p>\n", html_t(l, "home.lead"));
	/* the search box over procedures, pages and datasets (/search) */
	html_printf(b, "<form method=\"get\" action=\"/search\" class=\"search home-search\" role=\"search\">"
		    "<div class=\"field\"><label class=\"label\" for=\"home-q\">%s</label>"
		    "<p class=\"hint\" id=\"home-q-hint\">%s</p>"
		    "<input class=\"input\" type=\"search\" id=\"home-q\" name=\"q\" maxlength=\"200\""
		    " aria-describedby=\"home-q-hint\"></div>"
		    "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "home.search"), html_t(l, "home.search.hint"), html_t(l, "search.submit"));
	struct tile_ctx tc = { b, l, 0 };
	app_nav_each(SVC_NAV_HOME, home_tile, &tc);
	if (tc.n)
		buf_puts(b, "</ul></nav>\n");
	html_printf(b, "<nav aria-labelledby=\"stages-h\" class=\"home-topics\"><h2 id=\"stages-h\">%s</h2>",
		    html_t(l, "home.stages"));
	topic_links(b, l, "stage", home_stages, (int)(sizeof home_stages / sizeof home_stages[0]));
	html_printf(b, "<p><a href=\"/life-events\">%s</a></p></nav>\n", html_t(l, "home.lifeevents"));
	int ncat = 0;
	while (forms_categories[ncat])
		ncat++;
	html_printf(b, "<nav aria-labelledby=\"cats-h\" class=\"home-topics\"><h2 id=\"cats-h\">%s</h2>",
		    html_t(l, "home.categories"));
	topic_links(b, l, "cat", forms_categories, ncat);
	html_printf(b, "<p><a href=\"/procedures\">%s</a></p></nav>\n", html_t(l, "home.all_procedures"));
	app_services_home(b, r);   /* the services' own sections (svc.h): news */
	slot[SLOT_ACCOUNT][0] = b->len;
	slot_account_anon(b, l);
	slot[SLOT_ACCOUNT][1] = b->len;
	html_printf(b, "<section class=\"home-help\" aria-labelledby=\"help-h\"><h2 id=\"help-h\">%s</h2>"
		    "<p>%s</p><p><a href=\"/help\">%s</a></p></section>\n",
		    html_t(l, "home.help"), html_t(l, "home.help.text"), html_t(l, "help.title"));
	html_page_end(b, &p);
}

/* the resident's versions of the slots: links only, no name or address */
static void slot_header_resident(struct buf *b, struct http_req *r, const char *csrf)
{
	struct app_req *q = app_req(r);
	html_printf(b, "<div class=\"account\"><a href=\"/mypage\">%s</a>"
		    "<form method=\"post\" action=\"/resident/logout\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\" class=\"button-link\">%s</button></form></div>\n",
		    html_t(q->lang, "resident.mypage"), csrf, html_t(q->lang, "logout"));
}

static void slot_account_resident(struct buf *b, struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	html_printf(b, "<section class=\"home-account\" aria-labelledby=\"account-h\">"
		    "<h2 id=\"account-h\">%s</h2>"
		    "<p><a class=\"button\" href=\"/mypage\">%s</a></p>"
		    "<p><a href=\"/mypage/registry\">%s</a></p></section>\n",
		    html_t(l, "home.account"), html_t(l, "resident.mypage"), html_t(l, "rlink.title"));
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
		size_t slot[SLOT_N][2];
		buf_init(&b, 1u << 20);
		render_home(r, &b, slot);
		hit = &t->cache->slot[t->cache->next];
		t->cache->next = (t->cache->next + 1) % APP_PAGE_CACHE_SLOTS;
		free(hit->html);
		hit->len = b.len;
		hit->html = buf_steal(&b);
		if (!hit->html)
			return ERR_NOMEM;
		memcpy(hit->slot, slot, sizeof slot);
		memcpy(hit->tenant, q->tenant.code, sizeof hit->tenant);
		hit->lang = (int)q->lang;
		hit->at = now;
	}
	/* a resident's session (checked only when the cookie is there) */
	char csrf[AUTH_CSRF_LEN + 1];
	int resident = app_resident_csrf(csrf, r);
	/* a disaster banner, now (not cached: it must show at once) */
	struct buf banner;
	buf_init(&banner, 1u << 16);
	app_services_banner(&banner, r);
	if (!resident && banner.len == 0) {
		buf_done(&banner);
		http_set_header(r, "cache-control", "public, max-age=60");
		http_set_header(r, "vary", "cookie, accept-language");
		return http_send(r, 200, "text/html; charset=utf-8", hit->html, hit->len);
	}
	struct buf b;
	buf_init(&b, 1u << 20);
	size_t at = 0;
	for (int s = 0; s < SLOT_N; s++) {
		buf_append(&b, hit->html + at, hit->slot[s][0] - at);
		if (s == SLOT_BANNER)
			buf_append(&b, buf_cstr(&banner), banner.len);
		else if (!resident)
			buf_append(&b, hit->html + hit->slot[s][0], hit->slot[s][1] - hit->slot[s][0]);
		else if (s == SLOT_HEADER)
			slot_header_resident(&b, r, csrf);
		else
			slot_account_resident(&b, r);
		at = hit->slot[s][1];
	}
	buf_append(&b, hit->html + at, hit->len - at);
	buf_done(&banner);
	http_set_header(r, "cache-control", resident ? "private, no-store" : "no-cache");
	http_set_header(r, "vary", "cookie, accept-language");
	http_send(r, 200, "text/html; charset=utf-8", buf_cstr(&b), b.len);
	buf_done(&b);
	return 0;
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
	int64_t commits, records, busy_us;
	audit_own_counts(&commits, &records, &busy_us);
	buf_printf(&b, "# HELP madoguchi_audit_shared_commits_total Commits that carried audit records of reads (audit_append_own).\n"
		   "# TYPE madoguchi_audit_shared_commits_total counter\n"
		   "madoguchi_audit_shared_commits_total %lld\n"
		   "# HELP madoguchi_audit_shared_records_total Audit records those commits carried.\n"
		   "# TYPE madoguchi_audit_shared_records_total counter\n"
		   "madoguchi_audit_shared_records_total %lld\n"
		   "# HELP madoguchi_audit_shared_busy_seconds_total Time the commits' leaders spent writing them.\n"
		   "# TYPE madoguchi_audit_shared_busy_seconds_total counter\n"
		   "madoguchi_audit_shared_busy_seconds_total %.6f\n",
		   (long long)commits, (long long)records, (double)busy_us / 1e6);
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
