/*
 * page_line.c -- My page's LINE link (issue 20 item 6): a resident links
 * their LINE user id by sending a one-time code to the ward's official
 * account; the signed webhook (page_channels.c) carries the user id and
 * the code.
 *
 *   GET  /mypage/notifications/line   linked or not; LINE off: says so
 *   POST /mypage/notifications/line   action=code: a new code (the older
 *        ones end), shown once with what to do; action=unlink: the LINE
 *        id is removed.  CSRF; audited (notify.line, self).
 *
 * The code is shown, never logged; the page is no-store as every page
 * with a session.  No JavaScript needed.
 */
#include <stdio.h>
#include <string.h>

#include "core/audit/audit.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"
#include "web/app.h"
#include "web/ui.h"

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static int line_page(struct http_req *r, int status, const char *code, const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	if (!notify_line_enabled()) {
		app_page_open(&b, &p, r, T(r, "notify.line.title"), NULL, NULL);
		html_printf(&b, "<p id=\"line-off\">%s</p><p><a href=\"/mypage/notifications\">%s</a></p>",
			    T(r, "notify.line.off"), T(r, "notify.line.back"));
		return app_page_send(r, status, &b, &p);
	}
	char uid[NOTIFY_LINE_ID_LEN + 1];
	struct err e = { 0 };
	int rc = notify_contact_get(uid, sizeof uid, app_store(r), q->tenant.code, q->ses.account_id,
				    NOTIFY_LINE, &e);
	if (rc < 0)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	app_audit(r, AUDIT_A_READ, "notify.line", "self", AUDIT_R_OK);
	app_page_open(&b, &p, r, T(r, "notify.line.title"), NULL, NULL);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"line-notice\">%s</p>", notice);
	if (uid[0]) {
		html_printf(&b, "<p id=\"line-linked\">%s</p>", T(r, "notify.line.linked"));
		html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications/line\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"unlink\">"
			    "<button type=\"submit\" class=\"button-secondary\" id=\"line-unlink\">%s</button></form>",
			    q->csrf, T(r, "notify.line.unlink"));
	} else if (code) {
		html_printf(&b, "<p>%s</p>", T(r, "notify.line.code.lead"));
		html_printf(&b, "<p class=\"link-code\"><span class=\"visually-hidden\">%s</span>"
			    "<strong id=\"line-code\" lang=\"en\">%s</strong></p>",
			    T(r, "notify.line.code.label"), code);
		html_printf(&b, "<p>%s</p>", T(r, "notify.line.code.hint"));
		html_printf(&b, "<p><a href=\"/mypage/notifications/line\" id=\"line-check\">%s</a></p>",
			    T(r, "notify.line.check"));
	} else {
		html_printf(&b, "<p id=\"line-unlinked\">%s</p>", T(r, "notify.line.lead"));
		html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications/line\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"code\">"
			    "<button type=\"submit\" class=\"button\" id=\"line-get-code\">%s</button></form>",
			    q->csrf, T(r, "notify.line.get_code"));
	}
	html_printf(&b, "<p><a href=\"/mypage/notifications\">%s</a></p>", T(r, "notify.line.back"));
	return app_page_send(r, status, &b, &p);
}

int page_mypage_line(struct http_req *r)
{
	return line_page(r, 200, NULL, NULL);
}

int page_mypage_line_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (!notify_line_enabled())
		return line_page(r, 200, NULL, NULL);
	const char *action = http_param(r, "action");
	struct err e = { 0 };
	int rc;
	if (action && strcmp(action, "unlink") == 0) {
		rc = notify_contact_remove(app_store(r), q->tenant.code, q->ses.account_id, NOTIFY_LINE, &e);
		app_audit(r, AUDIT_A_WRITE, "notify.line", "self", rc < 0 ? AUDIT_R_ERROR : AUDIT_R_OK);
		if (rc < 0)
			return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
		return line_page(r, 200, NULL, T(r, "notify.line.unlinked"));
	}
	/* a few codes an hour: each is a row, and a code is what a guess at
	 * the webhook must hit (every input has a limit) */
	rc = notify_link_codes_recent(app_store(r), q->tenant.code, q->ses.account_id, NOTIFY_LINE,
				      app_now() - 3600, &e);
	if (rc < 0)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	if (rc >= NOTIFY_LINE_CODES_PER_HOUR)
		return line_page(r, 429, NULL, T(r, "notify.line.error.too_many"));
	char code[NOTIFY_LINE_CODE_LEN + 1];
	rc = notify_link_code_new(code, app_store(r), q->tenant.code, q->ses.account_id, NOTIFY_LINE, NULL,
				  app_now(), &e);
	app_audit(r, AUDIT_A_WRITE, "notify.line.code", "self", rc ? AUDIT_R_ERROR : AUDIT_R_OK);
	if (rc)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	return line_page(r, 200, code, NULL);
}
