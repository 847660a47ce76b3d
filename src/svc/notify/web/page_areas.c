/*
 * page_areas.c -- the areas (地区) of disaster alerts, kept by staff
 * (permission notify.send, the staff who send the alerts):
 *   GET  /staff/notify/areas               the areas, with how many
 *                                          subscribe to each, and a form
 *                                          to add one or rename one
 *   POST /staff/notify/areas               add or rename (code, names)
 *   POST /staff/notify/areas/{code}/remove remove one nobody subscribes to
 *   POST /staff/notify/areas/import        many from a CSV file, all or none
 *   GET  /staff/notify/areas.csv           the list as CSV (what import reads)
 * A refused form comes back with what was typed and the error at its
 * field; every change is audited (notify.area: the code, never a name of
 * a resident -- an area holds none).  Residents choose among these on
 * My page (page_subs.c), staff send to one (page_send.c).
 */
#include "web/app.h"
#include "web/ui.h"
#include "core/audit/audit.h"
#include "base/csv.h"
#include "base/log.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"

#include <stdio.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* run the change and its audit record in one transaction: both or
 * neither (a refused change is audited as denied after the rollback) */
struct change {
	int (*run)(struct http_req *r, void *arg, struct err *e);
	void *arg;
	const char *what;   /* the audit's object id: a code, or the import's counts */
};

static int change_audited(struct http_req *r, const struct change *c, struct err *e)
{
	struct store *s = app_store(r);
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	rc = c->run(r, c->arg, e);
	if (rc >= 0) {
		struct app_actor a;
		app_actor_of(&a, r);
		int arc = app_audit_as(s, &app_of(r)->audit, &a,
				       &(struct app_audit_entry){ .action = AUDIT_A_WRITE, .object_type = "notify.area",
								  .object_id = c->what, .result = AUDIT_R_OK }, e);
		if (arc)
			rc = arc;
	}
	if (rc < 0) {
		store_rollback(s);
		app_audit(r, AUDIT_A_WRITE, "notify.area", c->what, AUDIT_R_DENIED);
		return rc;
	}
	int crc = store_commit(s, e);
	return crc ? crc : rc;
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
	html_printf(&b, "<table id=\"areas-h\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
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
					 .value = name_en, .maxlength = NOTIFY_AREA_NAME_MAX,
					 .error = field && strcmp(field, "f-name_en") == 0 ? error : NULL, .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"areas-save\">%s</button></form>",
		    T(r, "notify.areas.save"));
	/* many at once: a CSV file (a ward's 町丁目), and the list as one */
	html_printf(&b, "<h2>%s</h2><p>%s</p><form method=\"post\" action=\"/staff/notify/areas/import\""
		    " enctype=\"multipart/form-data\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "notify.areas.import"), T(r, "notify.areas.import.lead"), q->csrf);
	ui_file(&b, &(struct ui_field){ .name = "file", .id = "f-file", .label = T(r, "notify.areas.import.file"),
					.hint = T(r, "notify.areas.import.hint"),
					.error = field && strcmp(field, "f-file") == 0 ? error : NULL, .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"areas-import\">%s</button></form>"
		    "<p><a href=\"/staff/notify/areas.csv\" id=\"areas-csv\">%s</a></p>"
		    "<p><a href=\"/staff/notify/send\">%s</a></p>", T(r, "notify.areas.import.go"),
		    T(r, "notify.areas.export"), T(r, "notify.send.page"));
	return app_page_send(r, status, &b, &p);
}

int page_notify_areas(struct http_req *r)
{
	const char *done = http_param(r, "done");
	const char *notice = !done ? NULL : strcmp(done, "saved") == 0 ? T(r, "notify.areas.saved")
					 : strcmp(done, "removed") == 0 ? T(r, "notify.areas.removed") : NULL;
	const char *added = http_param(r, "added"), *renamed = http_param(r, "renamed");
	if (done && strcmp(done, "imported") == 0 && added && renamed)
		notice = arena_printf(r->arena, T(r, "notify.areas.imported"), added, renamed);  /* checksrc: fmt-ok */
	return areas_page(r, 200, "", "", "", NULL, NULL, notice);
}

struct import_arg {
	const char *tenant, *data;
	size_t len;
	struct notify_areas_import res;
};

static int run_import(struct http_req *r, void *arg, struct err *e)
{
	struct import_arg *p = arg;
	return notify_areas_import(&p->res, app_store(r), p->tenant, p->data, p->len, e);
}

/* a CSV file of areas: all or none, a refusal names the line and what */
int page_notify_areas_import(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const struct http_part *file = http_file(r, "file");
	if (!file || !file->len)
		return areas_page(r, 422, "", "", "", "f-file", T(r, "notify.areas.import.error.none"), NULL);
	struct import_arg ia = { q->tenant.code, file->data, file->len, { 0 } };
	struct err e;
	int rc = change_audited(r, &(struct change){ run_import, &ia, "import" }, &e);
	struct notify_areas_import res = ia.res;
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		log_info("notify: areas import refused", "detail", e.detail);
		const char *why = T(r, arena_printf(r->arena, "notify.areas.import.bad.%s", res.bad ? res.bad : "csv"));
		const char *msg = res.bad_line
				  ? arena_printf(r->arena, T(r, "notify.areas.import.error.line"), res.bad_line, why)  /* checksrc: fmt-ok */
				  : why;
		return areas_page(r, 422, "", "", "", "f-file", msg, NULL);
	}
	if (rc)
		return app_send_error(r, rc, "notify.areas.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/notify/areas?done=imported&added=%d&renamed=%d",
						  res.added, res.renamed));
}

/* the list as CSV (UTF-8 with BOM, as a spreadsheet in Japan opens it;
 * the header and columns notify_areas_import reads) */
struct csv_ctx {
	struct buf *b;
	int rc;
};

static int csv_row(const struct notify_area *a, void *arg)
{
	struct csv_ctx *c = arg;
	if (c->rc == 0)
		c->rc = csv_cell(c->b, a->code, 1);
	if (c->rc == 0)
		c->rc = csv_cell(c->b, a->name_ja, 0);
	if (c->rc == 0)
		c->rc = csv_cell(c->b, a->name_en, 0);
	if (c->rc == 0)
		c->rc = buf_puts(c->b, "\r\n");
	return c->rc;
}

int page_notify_areas_csv(struct http_req *r)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, "\xef\xbb\xbf" "code,name_ja,name_en\r\n");
	struct csv_ctx c = { &b, 0 };
	struct err e;
	int n = notify_areas_each(app_store(r), app_req(r)->tenant.code, csv_row, &c, &e);
	if (n < 0 || c.rc) {
		buf_done(&b);
		return app_send_error(r, n < 0 ? n : ERR_LIMIT, "notify.areas.error.failed", n < 0 ? e.detail : "csv");
	}
	http_set_header(r, "Content-Disposition", "attachment; filename=\"areas.csv\"");
	int rc = http_send(r, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
	buf_done(&b);
	return rc;
}

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

struct put_arg {
	const char *tenant;
	struct notify_area a;
};

static int run_put(struct http_req *r, void *arg, struct err *e)
{
	struct put_arg *p = arg;
	return notify_area_put(app_store(r), p->tenant, &p->a, e);
}

int page_notify_areas_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = param(r, "code"), *name_ja = param(r, "name_ja"), *name_en = param(r, "name_en");
	if (!notify_area_code_valid(code))
		return areas_page(r, 400, code, name_ja, name_en, "f-code", T(r, "notify.areas.error.code"), NULL);
	struct err e;
	struct put_arg pa = { q->tenant.code, { .code = code, .name_ja = name_ja, .name_en = name_en } };
	int rc = change_audited(r, &(struct change){ run_put, &pa, code }, &e);
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

struct remove_arg {
	const char *tenant, *code;
	int64_t n;
};

static int run_remove(struct http_req *r, void *arg, struct err *e)
{
	struct remove_arg *p = arg;
	return notify_area_remove(&p->n, app_store(r), p->tenant, p->code, e);
}

int page_notify_area_remove(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = param(r, "code");
	struct remove_arg ra = { q->tenant.code, code, 0 };
	struct err e;
	int rc = change_audited(r, &(struct change){ run_remove, &ra, notify_area_code_valid(code) ? code : "-" }, &e);
	if (rc == ERR_CONFLICT)   /* an error: in the summary, not a notice */
		return areas_page(r, 409, "", "", "", "areas-h",
				  arena_printf(r->arena, T(r, "notify.areas.error.in_use"), (long long)ra.n),  /* checksrc: fmt-ok */
				  NULL);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "notify.areas.error.not_found", e.detail);
	if (rc)
		return app_send_error(r, rc, "notify.areas.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/notify/areas?done=removed");
}
