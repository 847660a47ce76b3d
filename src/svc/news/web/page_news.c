/*
 * page_news.c -- the pages of the news service (お知らせ).
 *
 * Residents:
 *   GET  /news                    the public notices, newest first (20 a page);
 *                                 ?category=CODE those of one category
 *   GET  /news/{id}               one notice (404 unless it is public now)
 *   the home page's section       the newest few (news_home, svc.h home)
 * Staff (permission news.publish):
 *   GET  /staff/news              every notice with its state
 *   GET  /staff/news/new          the editor, empty
 *   POST /staff/news              create (as a draft, or published)
 *   GET  /staff/news/{id}/edit    the editor
 *   POST /staff/news/{id}         save
 *   POST /staff/news/{id}/withdraw  take it off the site
 *
 * Invariants: whether a resident may see a notice is decided by the
 * domain (news_is_public / NEWS_PUBLIC), never here; every staff write
 * is audited (news.create, news.update, news.withdraw: the notice's id,
 * nothing of its text); a refused form comes back with what was typed
 * and an error summary linking to the field.  Notices hold no personal
 * data, so reading them is not audited.  Dates are days in Japan: a
 * notice appears at 00:00 JST of its start day and leaves at 00:00 JST of
 * its end day.
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/app_mail.h"
#include "core/auth/auth.h"
#include "core/audit/audit.h"
#include "core/mail/mail.h"
#include "svc/news/news.h"
#include "svc/notify/notify.h"
#include "svc/news/web/news_web.h"
#include "jp/date.h"
#include "jp/wareki.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEWS_PER_PAGE 20

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* a notice's title and body in the reader's language: English when asked
 * for and written, else Japanese (marked lang="ja" on an English page) */
static const char *title_of(struct http_req *r, const struct news_item *it)
{
	return app_req(r)->lang == HTML_EN && it->title_en ? it->title_en : it->title_ja;
}

static int shown_in_japanese(struct http_req *r, const struct news_item *it)
{
	return app_req(r)->lang == HTML_EN && !it->title_en;
}

/* "令和8年12月6日" (ja) or "6 Dec 2026"-like ISO (en) of the JST day of t */
static const char *day_text(struct http_req *r, int64_t t)
{
	struct jp_date d = jp_jst_date(t);
	char buf[64];
	if (app_req(r)->lang == HTML_EN || jp_wareki_format(buf, sizeof buf, d, JP_WAREKI_KANJI, 0, NULL))
		jp_date_format_iso(buf, sizeof buf, d, NULL);
	return arena_strdup(r->arena, buf);
}

static const char *day_iso(struct http_req *r, int64_t t)
{
	char buf[JP_DATE_ISO_SIZE];
	jp_date_format_iso(buf, sizeof buf, jp_jst_date(t), NULL);
	return arena_strdup(r->arena, buf);
}

/* the body: paragraphs at blank lines, line breaks kept, all escaped */
static void body_html(struct buf *b, const char *s)
{
	buf_puts(b, "<p>");
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\r\n");
		char *line = strndup(p, n);
		if (line)
			html_text(b, line);
		free(line);
		p += n;
		int breaks = 0;
		while (*p == '\r' || *p == '\n') {
			if (*p == '\n')
				breaks++;
			p++;
		}
		if (*p)
			buf_puts(b, breaks >= 2 ? "</p><p>" : "<br>");
	}
	buf_puts(b, "</p>");
}

/* ---- residents ---- */

/* the category's label, linking to its notices ("" when none) */
static void category_tag(struct buf *b, struct http_req *r, const char *code)
{
	const struct notify_category *c = notify_category_find(code);
	if (c)
		html_printf(b, " <span class=\"news-cat\"><a class=\"tag\" href=\"/news?category=%s\">%s</a></span>", c->code,
			    T(r, c->label_id));
}

/* the links to each category's notices; the one shown marked current */
static void category_nav(struct buf *b, struct http_req *r, const struct notify_category *shown)
{
	html_printf(b, "<nav aria-labelledby=\"news-cat-h\"><h2 id=\"news-cat-h\">%s</h2>"
		    "<ul class=\"news-categories\"><li><a href=\"/news\"%S>%s</a></li>", T(r, "news.categories"),
		    shown ? "" : " aria-current=\"page\"", T(r, "news.category.all"));
	for (int i = 0; i < notify_ncategories; i++)
		html_printf(b, "<li><a href=\"/news?category=%s\"%S>%s</a></li>", notify_categories[i].code,
			    shown == &notify_categories[i] ? " aria-current=\"page\"" : "",
			    T(r, notify_categories[i].label_id));
	buf_puts(b, "</ul></nav>");
}

struct list_ctx {
	struct http_req *r;
	struct buf *b;
	int n;
};

static void list_item(const struct news_item *it, void *arg)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<li><a href=\"/news/%lld\"%S>%s</a> <time datetime=\"%s\">%s</time>",
		    (long long)it->id, shown_in_japanese(r, it) ? " lang=\"ja\"" : "",
		    title_of(r, it), day_iso(r, it->publish_at), day_text(r, it->publish_at));
	if (it->important)
		html_printf(c->b, " <strong class=\"tag-important\">%s</strong>", T(r, "news.important"));
	category_tag(c->b, r, it->category);
	buf_puts(c->b, "</li>");
	c->n++;
}

int page_news_list(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t page = 1;
	const char *ps = http_param(r, "page");
	if (ps && parse_i64(&page, ps, 1, 10000))
		return app_send_error(r, ERR_INVALID, "news.error.page", "news: page");
	const char *cs = http_param(r, "category");
	const struct notify_category *cat = cs && *cs ? notify_category_find(cs) : NULL;
	if (cs && *cs && !cat)
		return app_send_error(r, ERR_NOTFOUND, "news.error.category", "news: no such category");
	struct html_page p;
	struct buf b;
	app_page(r, &p, cat ? arena_printf(r->arena, T(r, "news.title.of"), T(r, cat->label_id))  /* checksrc: fmt-ok */
			    : T(r, "news.title"));
	p.feed_href = news_feed_href(q->lang);
	p.feed_title = T(r, "news.feed");
	buf_init(&b, 4u << 20);
	html_page_begin(&b, &p);
	category_nav(&b, r, cat);
	html_printf(&b, "<h2>%s</h2><ul class=\"news-list\">", T(r, cat ? cat->label_id : "news.category.all"));
	struct list_ctx c = { r, &b, 0 };
	struct err e;
	int total = news_list(app_store(r), q->tenant.code,
			      &(struct news_query){ .filter = NEWS_PUBLIC, .limit = NEWS_PER_PAGE,
						    .offset = (int)(page - 1) * NEWS_PER_PAGE,
						    .category = cat ? cat->code : NULL },
			      app_now(), list_item, &c, &e);
	if (total < 0) {
		buf_done(&b);
		return http_send_error(r, total, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</ul>");
	if (total == 0)
		html_printf(&b, "<p>%s</p>", T(r, "news.none"));
	const char *const pairs[] = { "category", cat ? cat->code : NULL, NULL };
	struct ui_pager pg = { .path = "/news", .pairs = pairs, .page = page, .total = total,
			       .per_page = NEWS_PER_PAGE, .prev = T(r, "news.newer"),
			       .next = T(r, "news.older") };
	ui_pager(&b, r->arena, q->lang, &pg);
	html_printf(&b, "<p><a href=\"%s\" type=\"application/atom+xml\">%s</a></p>", news_feed_href(q->lang),
		    T(r, "news.feed"));
	return app_page_send(r, 200, &b, &p);
}

static int id_param(int64_t *id, struct http_req *r)
{
	const char *s = http_param(r, "id");
	return s && parse_i64(id, s, 1, INT64_MAX) == 0 ? 0 : ERR_NOTFOUND;
}

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "news.error.not_found", "news: not found or not public");
}

int page_news_item(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	struct news_item it;
	struct err e;
	if (id_param(&id, r))
		return not_found(r);
	int rc = news_get(&it, r->arena, app_store(r), q->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND || (rc == 0 && !news_is_public(&it, app_now())))
		return not_found(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	struct buf b;
	/* a Japanese-only title on an English page says so (lang="ja") */
	app_page(r, &p, title_of(r, &it));
	p.title_lang = shown_in_japanese(r, &it) ? "ja" : NULL;
	p.feed_href = news_feed_href(q->lang);
	p.feed_title = T(r, "news.feed");
	buf_init(&b, 4u << 20);
	html_page_begin(&b, &p);
	html_printf(&b, "<p><time datetime=\"%s\">%s</time>", day_iso(r, it.publish_at),
		    day_text(r, it.publish_at));
	if (it.important)
		html_printf(&b, " <strong class=\"tag-important\">%s</strong>", T(r, "news.important"));
	category_tag(&b, r, it.category);
	buf_puts(&b, "</p>");
	int en = q->lang == HTML_EN && it.body_en;
	buf_puts(&b, en || q->lang != HTML_EN ? "<div class=\"news-body\">"
					     : "<div class=\"news-body\" lang=\"ja\">");
	body_html(&b, en ? it.body_en : it.body_ja);
	html_printf(&b, "</div><p><a href=\"/news\">%s</a></p>", T(r, "news.all"));
	return app_page_send(r, 200, &b, &p);
}

/* the home page's section (the page is cached per language for a minute,
 * so a notice published now shows there within a minute) */
void news_home(struct buf *b, struct http_req *r)
{
	const struct news_web_config *cfg = news_web_config(r);
	if (cfg->home_count <= 0)
		return;
	struct buf items;
	buf_init(&items, 1u << 18);
	struct list_ctx c = { r, &items, 0 };
	struct err e;
	int total = news_list(app_store(r), app_req(r)->tenant.code,
			      &(struct news_query){ .filter = NEWS_PUBLIC, .limit = cfg->home_count },
			      app_now(), list_item, &c, &e);
	if (total > 0) {
		html_printf(b, "<section aria-labelledby=\"news-h\"><h2 id=\"news-h\">%s</h2>"
			    "<ul class=\"news-list\">", T(r, "news.title"));
		buf_append(b, items.data, items.len);
		html_printf(b, "</ul><p><a href=\"/news\">%s</a></p></section>\n", T(r, "news.all"));
	}
	buf_done(&items);
}

/* ---- staff ---- */

static const char *state_text(struct http_req *r, enum news_state s)
{
	static const char *const ids[] = { "news.state.draft", "news.state.published",
					   "news.state.withdrawn", "news.state.archived" };
	return T(r, ids[(unsigned)s < 4 ? s : 0]);
}

struct staff_ctx {
	struct http_req *r;
	struct buf *b;
};

static void staff_row(const struct news_item *it, void *arg)
{
	struct staff_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><a href=\"/staff/news/%lld/edit\">%s</a>", (long long)it->id,
		    it->title_ja);
	if (it->important)
		html_printf(c->b, " <strong class=\"tag-important\">%s</strong>", T(r, "news.important"));
	const struct notify_category *cat = notify_category_find(it->category);
	if (cat)
		html_printf(c->b, " <span class=\"tag\">%s</span>", T(r, cat->label_id));
	html_printf(c->b, "</td><td>%s</td><td><time datetime=\"%s\">%s</time></td><td>%s</td></tr>",
		    state_text(r, it->state), day_iso(r, it->publish_at), day_text(r, it->publish_at),
		    it->until_at ? day_text(r, it->until_at) : "—");
}

int page_staff_news(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t page = 1;
	const char *ps = http_param(r, "page");
	if (ps && parse_i64(&page, ps, 1, 10000))
		page = 1;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "news.staff.title"), NULL, NULL);
	const char *saved = http_param(r, "saved");
	const char *sent = http_param(r, "sent");
	if (saved && sent)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p><p id=\"news-sent\">%s</p></div>",
			    T(r, "news.saved"),
			    arena_printf(r->arena, T(r, "news.staff.sent"), sent));  /* checksrc: fmt-ok */
	else if (saved)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>",
			    T(r, "news.saved"));
	html_printf(&b, "<p><a class=\"button\" href=\"/staff/news/new\">%s</a></p>", T(r, "news.new"));
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>", T(r, "news.staff.title"), T(r, "news.field.title_ja"),
		    T(r, "news.field.state"), T(r, "news.field.publish"), T(r, "news.field.until"));
	struct staff_ctx c = { r, &b };
	struct err e;
	int total = news_list(app_store(r), q->tenant.code,
			      &(struct news_query){ .filter = NEWS_ALL, .limit = NEWS_PAGE_MAX,
						    .offset = (int)(page - 1) * NEWS_PAGE_MAX },
			      app_now(), staff_row, &c, &e);
	if (total < 0) {
		buf_done(&b);
		return http_send_error(r, total, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table>");
	if (total == 0)
		html_printf(&b, "<p>%s</p>", T(r, "news.none"));
	if ((int64_t)page * NEWS_PAGE_MAX < total)
		html_printf(&b, "<p><a href=\"/staff/news?page=%lld\">%s</a></p>",
			    (long long)(page + 1), T(r, "news.older"));
	return app_page_send(r, 200, &b, &p);
}

/* what the editor shows: a stored notice, or what was typed */
struct form_values {
	int64_t id;
	const char *title_ja, *title_en, *body_ja, *body_en, *publish, *until;
	const char *category;   /* a code of notify_categories, "" or NULL: none */
	int important;
	int notify;     /* send it to the subscribers of "news" (and of
			   "news.<category>") when published */
	enum news_state state;
};

/* may this member of staff send to subscribers (svc/notify's notify.send) */
static int may_notify(struct http_req *r)
{
	struct err e;
	return auth_has_permission(app_store(r), &app_req(r)->ses, NEWS_PERM_NOTIFY, &e) == 1;
}

/* one field of the editor: ids "news-<name>", the problem's message next
 * to the field it names */
static struct ui_field field(struct http_req *r, const char *name, const char *label_id,
			     const char *value, const struct news_problem *prob)
{
	int bad = prob && strcmp(prob->field, name) == 0;
	return (struct ui_field){
		.name = name, .id = arena_printf(r->arena, "news-%s", name),
		.label = T(r, label_id), .value = value, .lang = app_req(r)->lang,
		.error = bad ? (app_req(r)->lang == HTML_EN ? prob->en : prob->ja) : NULL,
	};
}

static int render_editor(struct http_req *r, int status, const struct form_values *v,
			 const struct news_problem *prob)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	char field_id[32] = "";
	if (prob)
		snprintf(field_id, sizeof field_id, "news-%s", prob->field);
	app_page_open(&b, &p, r, T(r, v->id ? "news.edit" : "news.new"), prob ? field_id : NULL,
		      prob ? (l == HTML_EN ? prob->en : prob->ja) : NULL);
	if (v->id)
		html_printf(&b, "<p>%s: <strong>%s</strong></p>", T(r, "news.field.state"),
			    state_text(r, v->state));
	if (v->id)
		html_printf(&b, "<form method=\"post\" action=\"/staff/news/%lld\" class=\"form\" novalidate>",
			    (long long)v->id);
	else
		buf_puts(&b, "<form method=\"post\" action=\"/staff/news\" class=\"form\" novalidate>");
	html_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	struct ui_field f = field(r, "title_ja", "news.field.title_ja", v->title_ja, prob);
	f.required = 1;
	f.maxlength = NEWS_TITLE_MAX;
	ui_input(&b, &f);
	f = field(r, "body_ja", "news.field.body_ja", v->body_ja, prob);
	f.required = 1;
	f.maxlength = NEWS_BODY_MAX;
	ui_textarea(&b, &f, 8);
	f = field(r, "title_en", "news.field.title_en", v->title_en, prob);
	f.maxlength = NEWS_TITLE_MAX;
	ui_input(&b, &f);
	f = field(r, "body_en", "news.field.body_en", v->body_en, prob);
	f.maxlength = NEWS_BODY_MAX;
	ui_textarea(&b, &f, 8);
	f = field(r, "publish", "news.field.publish", v->publish, prob);
	f.type = "date";
	f.hint = T(r, "news.hint.publish");
	ui_input(&b, &f);
	f = field(r, "until", "news.field.until", v->until, prob);
	f.type = "date";
	f.hint = T(r, "news.hint.until");
	ui_input(&b, &f);
	struct ui_option cats[16];
	int ncat = 0;
	for (int i = 0; i < notify_ncategories && ncat < 16; i++)
		cats[ncat++] = (struct ui_option){ notify_categories[i].code, T(r, notify_categories[i].label_id) };
	f = field(r, "category", "news.field.category", v->category ? v->category : "", prob);
	f.hint = may_notify(r) ? T(r, "news.hint.category") : NULL;
	ui_select(&b, &f, cats, ncat, T(r, "news.field.category_none"));
	f = field(r, "important", "news.field.important", NULL, NULL);
	ui_checkbox(&b, &f, v->important);
	if (may_notify(r)) {
		f = field(r, "notify", "news.field.notify", NULL, prob);
		f.hint = T(r, "news.hint.notify");
		ui_checkbox(&b, &f, v->notify);
	}
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\" "
		    "name=\"action\" value=\"publish\">%s</button><button type=\"submit\" "
		    "class=\"button-secondary\" name=\"action\" value=\"draft\">%s</button></div></form>",
		    T(r, "news.publish"), T(r, "news.draft"));
	if (v->id && v->state == NEWS_PUBLISHED)
		html_printf(&b, "<form method=\"post\" action=\"/staff/news/%lld/withdraw\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
			    (long long)v->id, q->csrf, T(r, "news.withdraw"));
	html_printf(&b, "<p><a href=\"/staff/news\">%s</a></p>", T(r, "news.back"));
	return app_page_send(r, status, &b, &p);
}

int page_staff_news_new(struct http_req *r)
{
	struct form_values v = { .publish = day_iso(r, app_now()) };
	return render_editor(r, 200, &v, NULL);
}

int page_staff_news_edit(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	struct news_item it;
	struct err e;
	if (id_param(&id, r))
		return not_found(r);
	int rc = news_get(&it, r->arena, app_store(r), q->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct form_values v = {
		.id = id, .title_ja = it.title_ja, .title_en = it.title_en, .body_ja = it.body_ja,
		.body_en = it.body_en, .publish = day_iso(r, it.publish_at),
		.until = it.until_at ? day_iso(r, it.until_at) : NULL,
		.important = it.important, .state = it.state, .category = it.category,
	};
	return render_editor(r, 200, &v, NULL);
}

/* a date field: "" is none (*t = 0); else YYYY-MM-DD, 00:00 JST */
static int parse_day(int64_t *t, const char *s)
{
	*t = 0;
	if (!s || !*s)
		return 0;
	struct jp_date d;
	if (jp_date_parse_iso(&d, s, NULL))
		return ERR_INVALID;
	*t = jp_jst_midnight(d);
	return 0;
}

static int save(struct http_req *r, int64_t id)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct err e;
	struct news_item old;
	if (id) {
		int rc = news_get(&old, r->arena, s, q->tenant.code, id, &e);
		if (rc == ERR_NOTFOUND)
			return not_found(r);
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	const char *action = http_param(r, "action");
	struct form_values v = {
		.id = id, .title_ja = http_param(r, "title_ja"), .title_en = http_param(r, "title_en"),
		.body_ja = http_param(r, "body_ja"), .body_en = http_param(r, "body_en"),
		.publish = http_param(r, "publish"), .until = http_param(r, "until"),
		.important = http_param(r, "important") != NULL,
		.category = http_param(r, "category"),
		.notify = http_param(r, "notify") != NULL,
		.state = id ? old.state : NEWS_DRAFT,
	};
	if (v.notify && !may_notify(r))
		return http_send_error(r, ERR_DENIED, NULL, NULL, "news: notify.send not held");
	struct news_item it = {
		.id = id, .title_ja = v.title_ja, .title_en = v.title_en, .body_ja = v.body_ja,
		.body_en = v.body_en, .important = v.important, .category = v.category,
		.state = action && strcmp(action, "publish") == 0 ? NEWS_PUBLISHED : NEWS_DRAFT,
	};
	struct news_problem prob;
	if (!v.publish || !*v.publish) {
		it.publish_at = jp_jst_midnight(jp_jst_date(app_now()));
		v.publish = day_iso(r, it.publish_at);
	} else if (parse_day(&it.publish_at, v.publish)) {
		prob = (struct news_problem){ "publish", html_t(HTML_JA, "news.staff.error.publish"),
					      html_t(HTML_EN, "news.staff.error.publish") };
		return render_editor(r, 422, &v, &prob);
	}
	if (parse_day(&it.until_at, v.until)) {
		prob = (struct news_problem){ "until", html_t(HTML_JA, "news.staff.error.until"),
					      html_t(HTML_EN, "news.staff.error.until") };
		return render_editor(r, 422, &v, &prob);
	}
	if (news_check(&it, &prob))
		return render_editor(r, 422, &v, &prob);
	/* sent when residents can read it: published, from today or before */
	if (v.notify && (it.state != NEWS_PUBLISHED || it.publish_at > app_now())) {
		prob = (struct news_problem){ "notify", html_t(HTML_JA, "news.staff.error.notify"),
					      html_t(HTML_EN, "news.staff.error.notify") };
		return render_editor(r, 422, &v, &prob);
	}
	char base[MAIL_LINK_MAX + 1] = "";
	if (v.notify && app_mail_link_base(base, sizeof base, app_of(r), &q->tenant))
		return http_send_error(r, ERR_INVALID, NULL, NULL, "news: no public link base to notify");
	int64_t nid = 0, sent = 0, by[3] = { 0, 0, 0 };
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = news_save(&nid, s, q->tenant.code, &it, app_now(), &e);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)(rc == 0 ? nid : id));
	if (rc == 0) {
		struct app_actor a;
		app_actor_of(&a, r);
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = id ? "news.update" : "news.create",
							     .object_type = "news",
							     .object_id = ids,
							     .result = AUDIT_R_OK }, &e);
	}
	/* the subscribers of "news" and of the notice's category, each once,
	 * in the same transaction: the notice and its messages, or neither */
	const struct notify_category *cat = notify_category_find(it.category);
	const char *topic = cat ? arena_printf(r->arena, "news.%s", cat->code) : "news";
	if (rc == 0 && v.notify && !topic)
		rc = err_set(&e, ERR_NOMEM, "news: no memory");
	if (rc == 0 && v.notify) {
		const char *text = arena_printf(r->arena, "%s\n\n%s/news/%s", it.body_ja, base, ids);
		const struct notify_value vals[] = { { "ward", q->tenant.name_ja }, { "title", it.title_ja },
						     { "text", text ? text : it.body_ja } };
		rc = notify_fanout(&sent, s, q->tenant.code, &(struct notify_fanout){
			.topic = topic, .also = cat ? "news" : NULL, .vals = vals, .n = 3, .priority = MAIL_PRIORITY_NORMAL,
			.link_base = base, .per_channel = by, .off = notify_channels_off() }, app_now(), &e);
		char what[120];
		snprintf(what, sizeof what, "%s email=%lld sms=%lld line=%lld", topic, (long long)by[0],
			 (long long)by[1], (long long)by[2]);
		struct app_actor a;
		app_actor_of(&a, r);
		if (rc == 0)
			rc = app_audit_as(s, &app_of(r)->audit, &a,
					  &(struct app_audit_entry){ .action = AUDIT_A_WRITE, .object_type = "notify.send",
								     .object_id = what, .result = AUDIT_R_OK }, &e);
		if (rc == ERR_LIMIT || rc == ERR_INVALID) {
			store_rollback(s);
			prob = (struct news_problem){ "notify", html_t(HTML_JA, "news.staff.error.notify_text"),
						      html_t(HTML_EN, "news.staff.error.notify_text") };
			return render_editor(r, 422, &v, &prob);
		}
	}
	if (rc) {
		store_rollback(s);
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if ((rc = store_commit(s, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (v.notify)
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/news?saved=%s&sent=%lld", ids,
							  (long long)sent));
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/news?saved=%s", ids));
}

int page_staff_news_create(struct http_req *r)
{
	return save(r, 0);
}

int page_staff_news_save(struct http_req *r)
{
	int64_t id;
	return id_param(&id, r) ? not_found(r) : save(r, id);
}

int page_staff_news_withdraw(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	int64_t id;
	struct err e;
	if (id_param(&id, r))
		return not_found(r);
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = news_set_state(s, q->tenant.code, id, NEWS_WITHDRAWN, app_now(), &e);
	if (rc == 0) {
		/* the notice's number, as news.create and news.update name it
		 * (the path may spell it "007") */
		char ids[24];
		snprintf(ids, sizeof ids, "%lld", (long long)id);
		struct app_actor a;
		app_actor_of(&a, r);
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = "news.withdraw",
							     .object_type = "news",
							     .object_id = ids,
							     .result = AUDIT_R_OK }, &e);
	}
	if (rc) {
		store_rollback(s);
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if ((rc = store_commit(s, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/news?saved=%lld", (long long)id));
}

/* ---- the service's option and slot (svc.h) ---- */

int news_check_home_count(const char *v)
{
	int64_t n;
	return parse_i64(&n, v, 0, 20);
}

int news_web_init(void **state, struct app *a, struct err *e)
{
	struct news_web_config *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "news: no memory");
	c->home_count = NEWS_HOME_COUNT_DEFAULT;
	/* the site search in line with the notices at start (a database from
	 * before the index, or a start day passed while the server was down) */
	struct store *st;
	if (a->cfg.db_url && store_open(&st, a->cfg.db_url, e) == 0) {
		if (news_index_sync(NULL, st, NULL, app_now(), e) < 0)
			log_error("news: search sync at start failed", "detail", e->detail);
		store_close(st);
	} else if (a->cfg.db_url) {
		log_error("news: search sync at start failed", "detail", e->detail);
	}
	err_clear(e);   /* the server starts anyway: the job syncs at 00:00 JST */
	int64_t n;
	const char *s = svc_option(a, "news-home-count");
	if (s && parse_i64(&n, s, 0, 20) == 0)
		c->home_count = (int)n;
	*state = c;
	return 0;
}

void news_web_done(void *state)
{
	free(state);
}

const struct news_web_config *news_web_config(struct http_req *r)
{
	static const struct news_web_config defaults = { .home_count = NEWS_HOME_COUNT_DEFAULT };
	const struct news_web_config *c = svc_state(r, &svc_news);
	return c ? c : &defaults;
}
