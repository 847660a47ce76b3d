/*
 * routes.c -- the URLs of the news service: method, pattern, permission,
 * kind and declared parameters, next to the handlers (page_news.c); the
 * descriptor (../service.c) hands them to the server.  The HTTP layer
 * enforces all of it before a handler runs (src/http/http.h).
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/news/news.h"
#include "svc/news/web/news_web.h"

static const struct http_param_spec p_page[] = {
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ "category", HTTP_QUERY, NOTIFY_CATEGORY_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_list[] = {
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ "saved", HTTP_QUERY, 18, app_v_digits, 0 },
	{ "sent", HTTP_QUERY, 18, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the editor's fields; news_check states the text limits (the domain's
 * rule, in bytes), these only bound what is read.  They are looser than
 * the limits on purpose: the editor's maxlength counts characters (UTF-16
 * units, each at most 3 bytes of UTF-8; a textarea's line break counts
 * one and is sent as CRLF), so a browser lets through a 70-character
 * Japanese title of 210 bytes.  Bounded at the limit, the router refused
 * that with a bare 400 and everything typed was lost; read up to
 * NEWS_READ_MAX, news_check answers with the editor, 422, the field named
 * and the text kept. */
#define NEWS_READ_MAX(limit) (4 * (limit))
#define NEWS_EDITOR_FIELDS \
	{ "title_ja", HTTP_FORM, NEWS_READ_MAX(NEWS_TITLE_MAX), NULL, 0 }, \
	{ "title_en", HTTP_FORM, NEWS_READ_MAX(NEWS_TITLE_MAX), NULL, 0 }, \
	{ "body_ja", HTTP_FORM, NEWS_READ_MAX(NEWS_BODY_MAX), NULL, HTTP_PARAM_MULTILINE }, \
	{ "body_en", HTTP_FORM, NEWS_READ_MAX(NEWS_BODY_MAX), NULL, HTTP_PARAM_MULTILINE }, \
	{ "publish", HTTP_FORM, 10, NULL, 0 }, \
	{ "until", HTTP_FORM, 10, NULL, 0 }, \
	{ "category", HTTP_FORM, NOTIFY_CATEGORY_MAX, NULL, 0 }, \
	{ "important", HTTP_FORM, 1, app_v_01, 0 }, \
	{ "notify", HTTP_FORM, 1, app_v_01, 0 }, \
	{ "action", HTTP_FORM, 10, NULL, 0 }
static const struct http_param_spec p_create[] = {
	NEWS_EDITOR_FIELDS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_save[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	NEWS_EDITOR_FIELDS,
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route news_routes[] = {
	{ "GET", "/news", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_page, page_news_list, "news.list" },
	{ "GET", "/news/feed.atom", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, NULL, page_news_feed, "news.feed" },
	{ "GET", "/news/feed.en.atom", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, NULL, page_news_feed_en, "news.feed.en" },
	{ "GET", "/news/{id}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, app_p_id, page_news_item, "news.item" },
	{ "GET", "/staff/news", NEWS_PERM_PUBLISH, HTTP_KIND_HTML, 0, p_staff_list, page_staff_news, "staff.news" },
	{ "GET", "/staff/news/new", NEWS_PERM_PUBLISH, HTTP_KIND_HTML, 0, NULL, page_staff_news_new, "staff.news.new" },
	{ "POST", "/staff/news", NEWS_PERM_PUBLISH, HTTP_KIND_HTML, 0, p_create, page_staff_news_create, "staff.news.create" },
	{ "GET", "/staff/news/{id}/edit", NEWS_PERM_PUBLISH, HTTP_KIND_HTML, 0, app_p_id, page_staff_news_edit, "staff.news.edit" },
	{ "POST", "/staff/news/{id}", NEWS_PERM_PUBLISH, HTTP_KIND_HTML, 0, p_save, page_staff_news_save, "staff.news.save" },
	{ "POST", "/staff/news/{id}/withdraw", NEWS_PERM_PUBLISH, HTTP_KIND_HTML, 0, app_p_id, page_staff_news_withdraw, "staff.news.withdraw" },
	SVC_ROUTES_END,
};
