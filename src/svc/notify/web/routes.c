/*
 * routes.c -- the URLs of the notification service, next to the handlers
 * (page_templates.c): method, pattern, permission, kind and declared
 * parameters; the HTTP layer enforces all of it before a handler runs.
 */
#include <string.h>

#include "web/app.h"
#include "web/params.h"
#include "core/auth/auth.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"
#include "svc/notify/web/hooks_web.h"

int notify_v_slug(const char *v, size_t n)
{
	(void)n;
	return notify_slug_valid(v) ? 0 : ERR_INVALID;
}

/* the editor's fields: read up to 4 times the domain's byte limits (a
 * browser's maxlength counts characters, and a line break is sent as
 * CRLF), so that notify_check answers with the editor and what was typed,
 * not the router with a bare 400 */
#define READ_MAX(limit) (4 * (limit))
static const struct http_param_spec p_view[] = {
	{ "id", HTTP_PATH, NOTIFY_SLUG_MAX, notify_v_slug, HTTP_PARAM_REQUIRED },
	{ "saved", HTTP_QUERY, 9, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_post[] = {
	{ "id", HTTP_PATH, NOTIFY_SLUG_MAX, notify_v_slug, HTTP_PARAM_REQUIRED },
	{ "subject_ja", HTTP_FORM, READ_MAX(NOTIFY_SUBJECT_MAX), NULL, 0 },
	{ "body_ja", HTTP_FORM, READ_MAX(NOTIFY_BODY_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "subject_en", HTTP_FORM, READ_MAX(NOTIFY_SUBJECT_MAX), NULL, 0 },
	{ "body_en", HTTP_FORM, READ_MAX(NOTIFY_BODY_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "subject_easy", HTTP_FORM, READ_MAX(NOTIFY_SUBJECT_MAX), NULL, 0 },
	{ "body_easy", HTTP_FORM, READ_MAX(NOTIFY_BODY_MAX), NULL, HTTP_PARAM_MULTILINE },
	{ "note", HTTP_FORM, READ_MAX(NOTIFY_NOTE_MAX), NULL, 0 },
	{ "base", HTTP_FORM, 9, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "action", HTTP_FORM, 10, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_token(const char *v, size_t n)
{
	(void)n;
	return notify_token_valid(v) ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_subs_view[] = {
	{ "saved", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
#define SUB_CATEGORY(code) \
	{ "news_" code, HTTP_FORM, 1, app_v_01, 0 }, \
	{ "news_" code "_sms", HTTP_FORM, 1, app_v_01, 0 }, \
	{ "news_" code "_line", HTTP_FORM, 1, app_v_01, 0 }
static const struct http_param_spec p_subs_post[] = {
	/* a topic by e-mail is its name; by SMS or LINE name_sms, name_line */
	{ "news", HTTP_FORM, 1, app_v_01, 0 },
	{ "news_sms", HTTP_FORM, 1, app_v_01, 0 },
	{ "news_line", HTTP_FORM, 1, app_v_01, 0 },
	{ "waste", HTTP_FORM, 1, app_v_01, 0 },
	{ "waste_sms", HTTP_FORM, 1, app_v_01, 0 },
	{ "waste_line", HTTP_FORM, 1, app_v_01, 0 },
	{ "apply", HTTP_FORM, 1, app_v_01, 0 },
	{ "apply_sms", HTTP_FORM, 1, app_v_01, 0 },
	{ "apply_line", HTTP_FORM, 1, app_v_01, 0 },
	{ "disaster", HTTP_FORM, 1, app_v_01, 0 },
	{ "disaster_sms", HTTP_FORM, 1, app_v_01, 0 },
	{ "disaster_line", HTTP_FORM, 1, app_v_01, 0 },
	{ "area", HTTP_FORM, 4 * 32, NULL, 0 },
	/* news of a category: news_<code> for each of
	 * notify_categories (tests/http/notify_categories.test.mjs saves each) */
	SUB_CATEGORY("kurashi"), SUB_CATEGORY("kosodate"), SUB_CATEGORY("fukushi"),
	SUB_CATEGORY("bosai"), SUB_CATEGORY("kankyo"), SUB_CATEGORY("bunka"),
	SUB_CATEGORY("jigyosha"),
	{ NULL, 0, 0, NULL, 0 },
};
/* RFC 8058's POST carries List-Unsubscribe=One-Click: read, not needed */
static const struct http_param_spec p_unsub[] = {
	{ "token", HTTP_PATH, NOTIFY_TOKEN_HEX, v_token, HTTP_PARAM_REQUIRED },
	{ "List-Unsubscribe", HTTP_FORM, 16, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_send_kind(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "news") == 0 || strcmp(v, "disaster") == 0 ? 0 : ERR_INVALID;
}
static int v_send_action(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "check") == 0 || strcmp(v, "send") == 0 || strcmp(v, "edit") == 0 ? 0 : ERR_INVALID;
}
/* read up to 4 times the limits (characters typed vs bytes), so that the
 * page answers a long title with its own message */
static const struct http_param_spec p_send[] = {
	{ "kind", HTTP_FORM, 8, v_send_kind, HTTP_PARAM_REQUIRED },
	{ "category", HTTP_FORM, NOTIFY_CATEGORY_MAX, NULL, 0 },
	{ "area", HTTP_FORM, 4 * 32, NULL, 0 },
	{ "title", HTTP_FORM, 4 * NOTIFY_SEND_TITLE_MAX, NULL, 0 },
	{ "text", HTTP_FORM, 4 * NOTIFY_SEND_TEXT_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ "emergency", HTTP_FORM, 1, app_v_01, 0 },
	{ "action", HTTP_FORM, 5, v_send_action, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_topic(const char *v, size_t n)
{
	(void)n;
	return notify_topic_valid(v) ? 0 : ERR_INVALID;
}
/* the page after a send: what was queued */
static const struct http_param_spec p_send_view[] = {
	{ "topic", HTTP_QUERY, NOTIFY_TOPIC_MAX, v_topic, 0 },
	{ "email", HTTP_QUERY, 9, app_v_digits, 0 },
	{ "sms", HTTP_QUERY, 9, app_v_digits, 0 },
	{ "line", HTTP_QUERY, 9, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static const struct http_param_spec p_msg_id[] = {
	{ "id", HTTP_PATH, 19, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_msg_list[] = {
	{ "state", HTTP_QUERY, 12, NULL, 0 },
	{ "page", HTTP_QUERY, 6, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_line_action(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "code") == 0 || strcmp(v, "unlink") == 0 ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_line_post[] = {
	{ "action", HTTP_FORM, 8, v_line_action, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_sms_action(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "send") == 0 || strcmp(v, "verify") == 0 || strcmp(v, "remove") == 0
		       ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_sms_post[] = {
	{ "action", HTTP_FORM, 8, v_sms_action, HTTP_PARAM_REQUIRED },
	{ "phone", HTTP_FORM, 4 * 20, NULL, 0 },
	{ "code", HTTP_FORM, 4 * 6, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_area_done(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "saved") == 0 || strcmp(v, "removed") == 0 || strcmp(v, "imported") == 0 ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_areas_import[] = {
	{ "file", HTTP_FILE, NOTIFY_AREAS_FILE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_areas_view[] = {
	{ "done", HTTP_QUERY, 8, v_area_done, 0 },
	{ "added", HTTP_QUERY, 3, app_v_digits, 0 },
	{ "renamed", HTTP_QUERY, 3, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* read up to 4 times the limits, so that the page answers a long name */
static const struct http_param_spec p_areas_post[] = {
	{ "code", HTTP_FORM, 4 * NOTIFY_AREA_MAX, NULL, 0 },
	{ "name_ja", HTTP_FORM, 4 * NOTIFY_AREA_NAME_MAX, NULL, 0 },
	{ "name_en", HTTP_FORM, 4 * NOTIFY_AREA_NAME_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_area_remove[] = {
	{ "code", HTTP_PATH, NOTIFY_AREA_MAX, NULL, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route notify_routes[] = {
	{ "GET", "/mypage/notifications/sms", "resident", HTTP_KIND_HTML, 0, NULL,
	  page_mypage_sms, "notify.sms" },
	{ "POST", "/mypage/notifications/sms", "resident", HTTP_KIND_HTML, 0, p_sms_post,
	  page_mypage_sms_post, "notify.sms.save" },
	{ "GET", "/mypage/notifications/line", "resident", HTTP_KIND_HTML, 0, NULL,
	  page_mypage_line, "notify.line" },
	{ "POST", "/mypage/notifications/line", "resident", HTTP_KIND_HTML, 0, p_line_post,
	  page_mypage_line_post, "notify.line.save" },
	{ "GET", "/mypage/notifications", "resident", HTTP_KIND_HTML, 0, p_subs_view,
	  page_mypage_notifications, "notify.subs" },
	{ "POST", "/mypage/notifications", "resident", HTTP_KIND_HTML, 0, p_subs_post,
	  page_mypage_notifications_post, "notify.subs.save" },
	/* the token is the proof: no login, no CSRF token (mail clients post it) */
	{ "GET", "/unsubscribe/{token}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_unsub,
	  page_unsubscribe, "notify.unsubscribe" },
	{ "POST", "/unsubscribe/{token}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_unsub,
	  page_unsubscribe_post, "notify.unsubscribe.post" },
	{ "GET", "/staff/notify/templates", NOTIFY_PERM_TEMPLATES, HTTP_KIND_HTML, 0, NULL,
	  page_notify_templates, "staff.notify.templates" },
	{ "GET", "/staff/notify/templates/{id}", NOTIFY_PERM_TEMPLATES, HTTP_KIND_HTML, 0, p_view,
	  page_notify_template, "staff.notify.template" },
	{ "POST", "/staff/notify/templates/{id}", NOTIFY_PERM_TEMPLATES, HTTP_KIND_HTML, 0, p_post,
	  page_notify_template_post, "staff.notify.template.save" },
	{ "GET", "/staff/notify/send", NOTIFY_PERM_SEND, HTTP_KIND_HTML, 0, p_send_view,
	  page_notify_send, "staff.notify.send" },
	{ "POST", "/staff/notify/send", NOTIFY_PERM_SEND, HTTP_KIND_HTML, 0, p_send,
	  page_notify_send_post, "staff.notify.send.post" },
	{ "GET", "/staff/notify/areas", NOTIFY_PERM_SEND, HTTP_KIND_HTML, 0, p_areas_view,
	  page_notify_areas, "staff.notify.areas" },
	{ "POST", "/staff/notify/areas", NOTIFY_PERM_SEND, HTTP_KIND_HTML, 0, p_areas_post,
	  page_notify_areas_post, "staff.notify.areas.post" },
	{ "POST", "/staff/notify/areas/{code}/remove", NOTIFY_PERM_SEND, HTTP_KIND_HTML, 0, p_area_remove,
	  page_notify_area_remove, "staff.notify.area.remove" },
	{ "POST", "/staff/notify/areas/import", NOTIFY_PERM_SEND, HTTP_KIND_HTML, 0, p_areas_import,
	  page_notify_areas_import, "staff.notify.areas.import" },
	{ "GET", "/staff/notify/areas.csv", NOTIFY_PERM_SEND, HTTP_KIND_TEXT, 0, NULL,
	  page_notify_areas_csv, "staff.notify.areas.csv" },
	NOTIFY_HOOKS_ROUTES,
	/* the SMS provider's status callback: its signature is the proof;
	 * a form body (Twilio's), so not a JSON route (those take JSON only) */
	{ "POST", NOTIFY_SMS_STATUS_PATH, HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, NULL,
	  api_notify_sms_status, "notify.sms.status" },
	/* the LINE platform's webhook: JSON, its signature is the proof */
	{ "POST", NOTIFY_LINE_WEBHOOK_PATH, HTTP_PERM_PUBLIC, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, NULL,
	  api_notify_line_webhook, "notify.line.webhook" },
	{ "GET", "/api/v1/notify/messages/{id}", AUTH_PERM_MAIL_READ, HTTP_KIND_JSON, 0, p_msg_id,
	  api_notify_message, "notify.message.api" },
	{ "GET", "/staff/notify/messages", AUTH_PERM_MAIL_READ, HTTP_KIND_HTML, 0, p_msg_list,
	  page_notify_messages, "staff.notify.messages" },
	{ "GET", "/staff/notify/messages/{id}", AUTH_PERM_MAIL_READ, HTTP_KIND_HTML, 0, p_msg_id,
	  page_notify_message, "staff.notify.message" },
	SVC_ROUTES_END,
};
