/*
 * page_search.c -- the site search (/search) and the help page (/help).
 *
 * /search?q=WORDS: the Japanese full-text search of src/core/search over
 * what a resident may look for, grouped: procedures (collection
 * "procedure", titles from the published definitions), datasets
 * ("opendata"), news ("news": the public notices, kept by src/svc/news)
 * and the site's own pages ("page", tenant "": app_pages_index, at server
 * start, from the catalog).  Without type=, each
 * group shows its best SEARCH_GROUP_TOP hits and its count, with a link to
 * all of them; with type=GROUP, that group alone, SEARCH_PER_PAGE a page
 * (page=N).  A word of the synonym table also finds its synonyms
 * (保育園 finds 保育所).  No hit: help to find another way (by category,
 * life events, the help page).
 *
 * Invariants: only public documents are in these collections (the
 * owners index published text only); nothing is read about the visitor;
 * a query the search refuses (too long, too many words) is answered as
 * no results, never as an error page.  A "news" or "page" hit's title is
 * "ja TAB en TAB やさしい日本語 TAB day" (the owners write it so): the hit
 * shows the part of the visitor's language (ja when empty) and the day.
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/svc.h"
#include "core/forms/forms.h"
#include "core/search/search.h"
#include "jp/date.h"
#include "jp/wareki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_GROUP_TOP 5
#define SEARCH_PER_PAGE 10
#define SEARCH_PROC_MAX 500

struct group {
	const char *type;        /* the type= value                       */
	const char *collection;
	const char *label;       /* catalog id                            */
	const char *href;        /* link prefix to a hit: href + id        */
};

static const struct group groups[] = {
	{ "procedure", "procedure", "search.g.procedures", "/procedures/" },
	{ "dataset", "opendata", "search.g.datasets", "/dataset/" },
	{ "news", "news", "search.g.news", "/news/" },
	{ "page", "page", "search.g.pages", "/" },
};

/* The site's own public pages in the search (collection "page", tenant ""
 * for every municipality): id = the path without its "/", texts from the
 * catalog in ja, en and やさしい日本語.  A row whose title is not in the
 * catalog (a service not built in) is left out. */
struct site_page {
	const char *id;
	const char *title;          /* catalog id                            */
	const char *body[8];        /* catalog ids, NULL-terminated          */
};

static const struct site_page site_pages[] = {
	{ "help", "help.title", { "help.use", "help.use.search", "help.use.category",
				  "help.use.login", "help.contact", "help.office",
				  "help.contact.text", NULL } },
	{ "resident/login", "resident.login", { "help.use.login", NULL } },
	{ "resident/register", "resident.register", { "help.use.login", NULL } },
	{ "procedures", "home.all_procedures", { "help.use.category", NULL } },
	{ "life-events", "home.lifeevents", { NULL } },
	{ "news", "news.title", { "news.nav.summary", NULL } },
	{ "opendata", "opendata.nav", { "opendata.nav.summary", NULL } },
};

/* a display title part: the catalog text with tabs and breaks as spaces */
static void title_part(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_putc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

/* one page into the search: its title and body in every language */
static int page_index(struct search *sr, const char *id, const char *title_id, const char *const *body_ids,
		      struct err *e)
{
	if (html_t(HTML_JA, title_id) == title_id)
		return 0;
	struct buf title, body;
	buf_init(&title, SEARCH_MAX_TITLE);
	buf_init(&body, 64u << 10);
	for (int l = HTML_JA; l <= HTML_JA_EASY; l++) {
		if (l > HTML_JA)
			buf_putc(&title, '\t');
		title_part(&title, html_t((enum html_lang)l, title_id));
	}
	for (int l = HTML_JA; l <= HTML_JA_EASY; l++)
		for (int k = 0; k < 8 && body_ids[k]; k++) {
			const char *t = html_t((enum html_lang)l, body_ids[k]);
			if (l == HTML_JA_EASY && t == html_t(HTML_JA, body_ids[k]))
				continue;   /* no やさしい日本語 row: ja is there */
			buf_puts(&body, t);
			buf_puts(&body, "\n");
		}
	struct search_doc doc = { .tenant = "", .collection = "page", .id = id,
				  .title = buf_cstr(&title), .body = buf_cstr(&body) };
	int rc = search_put(sr, &doc, e);
	buf_done(&title);
	buf_done(&body);
	return rc;
}

int app_pages_index(struct search *sr, struct err *e)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof site_pages / sizeof site_pages[0]; i++)
		rc = page_index(sr, site_pages[i].id, site_pages[i].title, site_pages[i].body, e);
	for (int k = 0; rc == 0 && k < svc_count; k++)   /* the services' own (svc.h pages) */
		for (int i = 0; rc == 0 && i < svc_all[k]->npages; i++)
			rc = page_index(sr, svc_all[k]->pages[i].path, svc_all[k]->pages[i].title,
					svc_all[k]->pages[i].body, e);
	return rc;
}

/* part k (0 ja, 1 en, 2 やさしい日本語, 3 the day) of a tab-separated title
 * of the collections "news" and "page", in the arena; "" when absent */
static const char *title_field(struct arena *a, const char *t, int k)
{
	for (; k > 0 && t; k--) {
		t = strchr(t, '\t');
		if (t)
			t++;
	}
	if (!t)
		return "";
	size_t n = strcspn(t, "\t");
	const char *s = arena_strndup(a, t, n);
	return s ? s : "";
}

/* the title of a news or page hit in language l (ja when it has none) */
static const char *hit_title(struct arena *a, enum html_lang l, const char *t)
{
	const char *s = title_field(a, t, l == HTML_EN ? 1 : l == HTML_JA_EASY ? 2 : 0);
	return *s ? s : title_field(a, t, 0);
}

/* the published procedures' titles, by code (hits carry all three
 * languages in their indexed title) */
struct proc_titles {
	struct arena *a;
	char **id, **ja, **en, **cat;
	int n;
};

static void proc_cb(const struct forms_published *p, void *arg)
{
	struct proc_titles *t = arg;
	if (t->n >= SEARCH_PROC_MAX)
		return;
	t->id[t->n] = arena_strdup(t->a, p->id);
	t->ja[t->n] = arena_strdup(t->a, p->title_ja ? p->title_ja : "");
	t->en[t->n] = arena_strdup(t->a, p->title_en ? p->title_en : "");
	t->cat[t->n] = arena_strdup(t->a, p->category);
	if (t->id[t->n] && t->ja[t->n] && t->en[t->n] && t->cat[t->n])
		t->n++;
}

static int proc_find(const struct proc_titles *t, const char *id)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->id[i], id) == 0)
			return i;
	return -1;
}

/* one group's hits as a list; returns how many were written */
static int write_hits(struct buf *b, struct arena *a, enum html_lang l, const struct group *g,
		      const struct search_result *res, const struct proc_titles *pt)
{
	int shown = 0;
	html_printf(b, "<ul class=\"search-results\">");
	for (int i = 0; i < res->nhits; i++) {
		const struct search_hit *h = &res->hits[i];
		const char *title = h->title;
		const char *cat = NULL, *day = NULL;
		if (strcmp(g->collection, "news") == 0 || strcmp(g->collection, "page") == 0) {
			title = hit_title(a, l, h->title);
			day = title_field(a, h->title, 3);
		}
		if (strcmp(g->collection, "procedure") == 0) {
			int k = proc_find(pt, h->id);
			if (k < 0)
				continue;          /* indexed but no longer published */
			title = l == HTML_EN ? pt->en[k] : pt->ja[k];
			cat = pt->cat[k][0] ? pt->cat[k] : NULL;
		}
		html_printf(b, "<li><a href=\"%s%s\">%s</a>", g->href, h->id, title);
		struct jp_date d;
		if (day && *day && jp_date_parse_iso(&d, day, NULL) == 0) {
			/* as /news shows it: 令和8年12月6日 in Japanese, ISO in English */
			char dtext[64];
			if (l == HTML_EN || jp_wareki_format(dtext, sizeof dtext, d, JP_WAREKI_KANJI, 0, NULL))
				snprintf(dtext, sizeof dtext, "%s", day);
			html_printf(b, " <time datetime=\"%s\">%s</time>", day, dtext);
		}
		if (cat) {
			char key[64];
			snprintf(key, sizeof key, "proc.cat.%s", cat);
			html_printf(b, " <span class=\"tag\">%s</span>", html_t(l, key));
		}
		if (h->snippet) {
			buf_puts(b, "<p class=\"hint\">");
			search_snippet_html(b, h);
			buf_puts(b, "</p>");
		}
		buf_puts(b, "</li>");
		shown++;
	}
	buf_puts(b, "</ul>");
	return shown;
}

static void search_form(struct buf *b, enum html_lang l, const char *q)
{
	buf_puts(b, "<form method=\"get\" action=\"/search\" class=\"search\" role=\"search\">");
	ui_input(b, &(struct ui_field){ .name = "q", .id = "q", .label = html_t(l, "home.search"),
					.value = q, .type = "search", .maxlength = 200, .lang = l });
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form>",
		    html_t(l, "search.submit"));
}

static void no_results(struct buf *b, enum html_lang l)
{
	html_printf(b, "<section class=\"notice\" id=\"no-results\" aria-labelledby=\"nr-h\">"
		    "<h2 id=\"nr-h\">%s</h2><ul><li>%s</li><li>%s</li>"
		    "<li><a href=\"/procedures\">%s</a></li>"
		    "<li><a href=\"/life-events\">%s</a></li>"
		    "<li><a href=\"/help\">%s</a></li></ul></section>",
		    html_t(l, "search.none"), html_t(l, "search.tip.words"),
		    html_t(l, "search.tip.short"), html_t(l, "home.all_procedures"),
		    html_t(l, "home.lifeevents"), html_t(l, "help.title"));
}

int page_search(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *text = http_param(r, "q"), *type = http_param(r, "type");
	const char *pg = http_param(r, "page");
	long page = pg ? strtol(pg, NULL, 10) : 1;
	if (page < 1 || page > SEARCH_MAX_WINDOW / SEARCH_PER_PAGE)
		page = 1;
	const struct group *only = NULL;
	for (size_t i = 0; type && i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(groups[i].type, type) == 0)
			only = &groups[i];
	struct proc_titles pt = { .a = r->arena };
	pt.id = arena_alloc(r->arena, SEARCH_PROC_MAX * sizeof *pt.id);
	pt.ja = arena_alloc(r->arena, SEARCH_PROC_MAX * sizeof *pt.ja);
	pt.en = arena_alloc(r->arena, SEARCH_PROC_MAX * sizeof *pt.en);
	pt.cat = arena_alloc(r->arena, SEARCH_PROC_MAX * sizeof *pt.cat);
	if (!pt.id || !pt.ja || !pt.en || !pt.cat)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "search: out of memory");
	struct err e;
	int rc = forms_list(app_store(r), q->tenant.code, proc_cb, &pt, &e);
	if (rc < 0)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "search.title"), NULL, NULL);
	search_form(&b, l, text);
	int has_text = text && text[strspn(text, " \t")] != 0;
	if (!has_text) {
		html_printf(&b, "<p>%s</p><p><a href=\"/procedures\">%s</a></p>",
			    html_t(l, "search.empty"), html_t(l, "home.all_procedures"));
		return app_page_send(r, 200, &b, &p);
	}
	struct search *sr = app_search(r);
	int64_t total_all = 0;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		const struct group *g = &groups[i];
		if (only && only != g)
			continue;
		struct search_result res = { 0 };
		int limit = only ? SEARCH_PER_PAGE : SEARCH_GROUP_TOP;
		struct search_query sq = { .text = text,
					   .tenant = strcmp(g->collection, "page") == 0 ? "" : q->tenant.code,
					   .collection = g->collection, .limit = limit,
					   .offset = only ? (int)((page - 1) * SEARCH_PER_PAGE) : 0,
					   .with_snippets = 1 };
		if (!sr || search_query(&res, sr, &sq, &e) != 0 || res.total == 0) {
			search_result_done(&res);
			continue;
		}
		total_all += res.total;
		html_printf(&b, "<section class=\"search-group\" aria-labelledby=\"g-%s\">"
			    "<h2 id=\"g-%s\">%s <span class=\"count\">(%s %lld)</span></h2>",
			    g->type, g->type, html_t(l, g->label), html_t(l, "search.count"),
			    (long long)res.total);
		write_hits(&b, r->arena, l, g, &res, &pt);
		if (!only && res.total > res.nhits) {
			const char *pairs[] = { "q", text, "type", g->type, NULL };
			html_printf(&b, "<p><a href=\"%s\">%s</a></p>",
				    ui_url(r->arena, "/search", pairs), html_t(l, "search.all"));
		}
		if (only) {
			const char *pairs[] = { "q", text, "type", g->type, NULL };
			ui_pager(&b, r->arena, l, &(struct ui_pager){ .path = "/search", .pairs = pairs,
					.page = page, .total = (long)res.total, .per_page = SEARCH_PER_PAGE });
		}
		buf_puts(&b, "</section>");
		search_result_done(&res);
	}
	if (!total_all)
		no_results(&b, l);
	return app_page_send(r, 200, &b, &p);
}

/* /help: how to use the site and how to reach the ward (the municipality's
 * name from tenant data; the office's hours and numbers from the catalog) */
int page_help(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "help.title"), NULL, NULL);
	html_printf(&b, "<h2>%s</h2><ul><li>%s</li><li>%s</li><li>%s</li></ul>",
		    html_t(l, "help.use"), html_t(l, "help.use.search"),
		    html_t(l, "help.use.category"), html_t(l, "help.use.login"));
	html_printf(&b, "<h2 id=\"contact\">%s</h2><p>%s %s</p><p>%s</p>",
		    html_t(l, "help.contact"), l == HTML_EN ? q->tenant.name_en : q->tenant.name_ja,
		    html_t(l, "help.office"), html_t(l, "help.contact.text"));
	return app_page_send(r, 200, &b, &p);
}
