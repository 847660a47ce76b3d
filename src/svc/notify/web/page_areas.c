/*
 * page_areas.c -- the areas (地区) of disaster alerts, kept by staff
 * (permission notify.send, the staff who send the alerts):
 *   GET  /staff/notify/areas               the areas, with how many
 *                                          subscribe to each, and a form
 *                                          to add one or rename one
 *   POST /staff/notify/areas               add or rename (code, names)
 *   POST /staff/notify/areas/{code}/remove remove one nobody subscribes to
 * A refused form comes back with what was typed and the error at its
 * field; every change is audited (notify.area: the code, never a name of
 * a resident -- an area holds none).  Residents choose among these on
 * My page (page_subs.c), staff send to one (page_send.c).
 */
#include "web/app.h"
#include "web/ui.h"
#include "core/audit/audit.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"

#include <stdio.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

struct rows_ctx {
	struct http_req *r;
	struct buf *b;
};

static int row_cb(const struct notify_area *a, void *arg)
{
	struct rows_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%lld</td><td>", a->code,
		    a->name_ja, a->name_en ? a->name_en : "—", (long long)a->subscribers);
	if (a->subscribers == 0)
		html_printf(c->b, "<form method=\"post\" action=\"/staff/notify/areas/%s/remove\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-secondary\" aria-label=\"%s\">%s</button></form>",
			    a->code, app_req(r)->csrf,
			    arena_printf(r->arena, T(r, "notify.areas.remove.label"), a->name_ja),  /* checksrc: fmt-ok */
			    T(r, "notify.areas.remove"));
	else
		html_printf(c->b, "%s", T(r, "notify.areas.in_use"));
	buf_puts(c->b, "</td></tr>");
	return 0;
}

static int areas_page(struct http_req *r, int status, const char *code, const char *name_ja,
		      const char *name_en, const char *field, const char *error, const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.areas.title"), field, error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"areas-notice\">%s</p>", notice);
	html_printf(&b, "<p>%s</p>", T(r, "notify.areas.lead"));
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "notify.areas.title"), T(r, "notify.areas.code"), T(r, "notify.areas.name_ja"),
		    T(r, "notify.areas.name_en"), T(r, "notify.areas.subscribers"), T(r, "notify.areas.action"));
	struct rows_ctx c = { r, &b };
	struct err e;
	int n = notify_areas_each(app_store(r), q->tenant.code, row_cb, &c, &e);
	if (n < 0) {
		buf_done(&b);
		return app_send_error(r, n, "notify.areas.error.failed", e.detail);
	}
	buf_puts(&b, "</tbody></table>");
	if (n == 0)
		html_printf(&b, "<p id=\"areas-none\">%s</p>", T(r, "notify.areas.none"));
	html_printf(&b, "<h2>%s</h2><p>%s</p><form method=\"post\" action=\"/staff/notify/areas\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", T(r, "notify.areas.add"),
		    T(r, "notify.areas.add.lead"), q->csrf);
	enum html_lang l = q->lang;
	ui_input(&b, &(struct ui_field){ .name = "code", .label = T(r, "notify.areas.code"),
					 .hint = T(r, "notify.areas.code.hint"), .value = code, .maxlength = NOTIFY_AREA_MAX,
					 .pattern = "[a-z0-9_]{1,32}", .verbatim = 1, .required = 1,
					 .control_class = "input-short",
					 .error = field && strcmp(field, "f-code") == 0 ? error : NULL, .lang = l });
	ui_input(&b, &(struct ui_field){ .name = "name_ja", .label = T(r, "notify.areas.name_ja"),
					 .value = name_ja, .maxlength = 40, .required = 1,
					 .error = field && strcmp(field, "f-name_ja") == 0 ? error : NULL, .lang = l });
	ui_input(&b, &(struct ui_field){ .name = "name_en", .label = T(r, "notify.areas.name_en"),
					 .value = name_en, .maxlength = 40,
					 .error = field && strcmp(field, "f-name_en") == 0 ? error : NULL, .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"areas-save\">%s</button></form>"
		    "<p><a href=\"/staff/notify/send\">%s</a></p>", T(r, "notify.areas.save"), T(r, "notify.send.page"));
	return app_page_send(r, status, &b, &p);
}

int page_notify_areas(struct http_req *r)
{
	const char *done = http_param(r, "done");
	const char *notice = !done ? NULL : strcmp(done, "saved") == 0 ? T(r, "notify.areas.saved")
					 : strcmp(done, "removed") == 0 ? T(r, "notify.areas.removed") : NULL;
	return areas_page(r, 200, "", "", "", NULL, NULL, notice);
}

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

int page_notify_areas_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = param(r, "code"), *name_ja = param(r, "name_ja"), *name_en = param(r, "name_en");
	if (!notify_area_code_valid(code))
		return areas_page(r, 400, code, name_ja, name_en, "f-code", T(r, "notify.areas.error.code"), NULL);
	struct err e;
	int rc = notify_area_put(app_store(r), q->tenant.code,
				 &(struct notify_area){ .code = code, .name_ja = name_ja, .name_en = name_en }, &e);
	app_audit(r, AUDIT_A_WRITE, "notify.area", code, rc < 0 ? AUDIT_R_DENIED : AUDIT_R_OK);
	/* the code passed: a name (the router let only UTF-8 without control
	 * characters through, so empty or too long) */
	int bad_ja = !*name_ja || strlen(name_ja) > NOTIFY_AREA_NAME_MAX;
	if (rc == ERR_INVALID)
		return areas_page(r, 400, code, name_ja, name_en, bad_ja ? "f-name_ja" : "f-name_en",
				  T(r, bad_ja ? "notify.areas.error.name_ja" : "notify.areas.error.name_en"), NULL);
	if (rc == ERR_LIMIT)
		return areas_page(r, 400, code, name_ja, name_en, "f-code", T(r, "notify.areas.error.limit"), NULL);
	if (rc < 0)
		return app_send_error(r, rc, "notify.areas.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/notify/areas?done=saved");
}

int page_notify_area_remove(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = param(r, "code");
	int64_t n = 0;
	struct err e;
	int rc = notify_area_remove(&n, app_store(r), q->tenant.code, code, &e);
	app_audit(r, AUDIT_A_WRITE, "notify.area", notify_area_code_valid(code) ? code : "-",
		  rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == ERR_CONFLICT)
		return areas_page(r, 409, "", "", "", NULL, NULL,
				  arena_printf(r->arena, T(r, "notify.areas.error.in_use"), (long long)n));  /* checksrc: fmt-ok */
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "notify.areas.error.not_found", e.detail);
	if (rc)
		return app_send_error(r, rc, "notify.areas.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/notify/areas?done=removed");
}
