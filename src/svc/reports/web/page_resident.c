/*
 * page_resident.c -- the resident's pages of the reports service:
 *   GET  /reports                 the public list (open or closed, by category)
 *   GET  /reports/new             step 1: the category and where (the page's
 *                                 small script fills lat/lon from the phone;
 *                                 without it the address and lat/lon fields work)
 *   GET  /reports/new/details     step 2: "the same problem nearby" (open
 *                                 reports of the category within
 *                                 REPORTS_NEARBY_M), then the description,
 *                                 up to four photos and the optional contact;
 *                                 the idempotency key is made here
 *   POST /reports                 the report (multipart): photos made safe off
 *                                 the event loop (core/image), the EXIF
 *                                 position filling the pin when none was
 *                                 given, stored by reports_submit; a resend
 *                                 with the same key answers the same report
 *   GET  /reports/{id}            the report's public page
 *   GET  /reports/{id}/photos/{n} a photo not hidden by staff (?size=s small)
 *   GET  /reports/mine            the logged-in resident's reports (My page)
 *
 * Invariants: nothing personal is shown on a public page (the contact,
 * the account); a hidden description or photo is not shown or served;
 * POST /reports needs the form's double-submit token (cookie
 * REPORTS_FORM_COOKIE and field rt), since a reporter need not be logged
 * in; every stored report is audited (its number, nothing of its text).
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "base/util.h"
#include "svc/reports/web/reports_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T rw_t
#define PER_PAGE 20

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

/* ---- the public list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
	int n;
};

static int list_row(void *arg, const struct reports_report *rep)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	c->n++;
	html_printf(c->b, "<li class=\"report-item\" data-report=\"%lld\"", (long long)rep->id);
	if (rep->has_pin)
		html_printf(c->b, " data-lat=\"%s\" data-lon=\"%s\"", rw_deg(r, rep->lat_e6), rw_deg(r, rep->lon_e6));
	html_printf(c->b, "><a href=\"/reports/%lld\">%s %lld</a> <span class=\"tag\">%s</span> "
		    "<span class=\"report-state report-state-%s\">%s</span><br><small><time>%s</time>",
		    (long long)rep->id, T(r, "reports.number"), (long long)rep->id, rw_category_name(r, rep->category),
		    reports_state_name(rep->state), rw_state(r, rep->state), rw_time(r, rep->created_at));
	if (rep->address[0])
		html_printf(c->b, " · %s", rep->address);
	buf_puts(c->b, "</small></li>");
	return 0;
}

static int cat_option(void *arg, const struct reports_category *cat)
{
	void **a = arg;
	struct http_req *r = a[0];
	struct buf *b = a[1];
	const char *sel = a[2];
	html_printf(b, "<option value=\"%s\"%S>%s</option>", cat->code, sel && !strcmp(sel, cat->code) ? " selected" : "",
		    app_req(r)->lang == HTML_EN ? cat->name_en : cat->name_ja);
	return 0;
}

int page_reports_list(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *st = param(r, "state"), *cat = param(r, "category");
	int64_t page = 1;
	if (*param(r, "page") && parse_i64(&page, param(r, "page"), 1, 10000))
		page = 1;
	int closed = !strcmp(st, "closed");
	int open = !strcmp(st, "open");
	if (*cat && reports_code_ok(cat))
		return app_send_error(r, ERR_INVALID, "reports.error.category", "list: category");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p><p><a class=\"button\" href=\"/reports/new\" id=\"report-new\">%s</a></p>",
		    T(r, "reports.lead"), T(r, "reports.new"));
	html_printf(&b, "<form method=\"get\" action=\"/reports\" class=\"form\"><div class=\"field\">"
		    "<label for=\"f-state\">%s</label><select id=\"f-state\" name=\"state\">"
		    "<option value=\"\">%s</option><option value=\"open\"%S>%s</option>"
		    "<option value=\"closed\"%S>%s</option></select></div>",
		    T(r, "reports.filter.state"), T(r, "reports.filter.all"), open ? " selected" : "",
		    T(r, "reports.filter.open"), closed ? " selected" : "", T(r, "reports.filter.closed"));
	html_printf(&b, "<div class=\"field\"><label for=\"f-category\">%s</label><select id=\"f-category\" name=\"category\">"
		    "<option value=\"\">%s</option>", T(r, "reports.field.category"), T(r, "reports.filter.all"));
	struct err e;
	void *ca[3] = { r, &b, (void *)cat };
	reports_category_each(app_store(r), q->tenant.code, 1, cat_option, ca, &e);
	html_printf(&b, "</select></div><button type=\"submit\" class=\"button-secondary\">%s</button></form>",
		    T(r, "reports.filter.go"));
	html_printf(&b, "<ul class=\"report-list\" id=\"report-list\">");
	struct list_ctx c = { r, &b, 0 };
	struct reports_query qq = { .state = open ? REPORTS_NSTATES : -1, .category = cat, .closed_only = closed,
				    .limit = PER_PAGE, .offset = (int)(page - 1) * PER_PAGE };
	int total = reports_list(app_store(r), q->tenant.code, &qq, r->arena, list_row, &c, &e);
	if (total < 0) {
		buf_done(&b);
		return app_send_error(r, total, "reports.error.unavailable", e.detail);
	}
	buf_puts(&b, "</ul>");
	if (!c.n)
		html_printf(&b, "<p>%s</p>", T(r, "reports.none"));
	if (page * PER_PAGE < total)
		html_printf(&b, "<p><a href=\"%s\">%s</a></p>",
			    ui_url(r->arena, "/reports", (const char *const[]){ "state", st, "category", cat, "page",
				   arena_printf(r->arena, "%lld", (long long)(page + 1)), NULL }),
			    T(r, "reports.older"));
	html_printf(&b, "<p><a href=\"/reports/closed.csv\">%s</a> · <a href=\"/reports/closed.geojson\">%s</a> · "
		    "<a href=\"/open311/v2/services.json\">Open311 GeoReport v2</a></p>",
		    T(r, "reports.opendata.csv"), T(r, "reports.opendata.geojson"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- step 1: what and where ---- */

static void location_fields(struct buf *b, struct http_req *r, const char *lat, const char *lon, const char *addr,
			    const char *error)
{
	enum html_lang l = app_req(r)->lang;
	html_printf(b, "<fieldset class=\"fieldset\" id=\"report-where\"><legend>%s</legend><p class=\"hint\">%s</p>"
		    "<p class=\"report-locate\" hidden><button type=\"button\" class=\"button-secondary\" id=\"report-locate\""
		    " data-busy=\"%s\" data-done=\"%s\" data-fail=\"%s\">%s</button>"
		    " <span id=\"report-locate-status\" role=\"status\"></span></p>",
		    T(r, "reports.field.where"), T(r, "reports.hint.where"), T(r, "reports.locate.busy"),
		    T(r, "reports.locate.done"), T(r, "reports.locate.fail"), T(r, "reports.locate"));
	ui_input(b, &(struct ui_field){ .name = "address", .id = "f-address", .label = T(r, "reports.field.address"),
					.hint = T(r, "reports.hint.address"), .value = addr, .maxlength = REPORTS_ADDRESS_MAX,
					.lang = l, .autocomplete = "street-address", .error = error });
	ui_input(b, &(struct ui_field){ .name = "lat", .id = "f-lat", .label = T(r, "reports.field.lat"), .value = lat,
					.inputmode = "decimal", .maxlength = 16, .lang = l, .verbatim = 1,
					.control_class = "input-short" });
	ui_input(b, &(struct ui_field){ .name = "lon", .id = "f-lon", .label = T(r, "reports.field.lon"), .value = lon,
					.inputmode = "decimal", .maxlength = 16, .lang = l, .verbatim = 1,
					.control_class = "input-short" });
	buf_puts(b, "</fieldset>");
}

static int step1(struct http_req *r, int status, const char *field, const char *error)
{
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.new"), field, error);
	html_printf(&b, "<p>%s</p><form method=\"get\" action=\"/reports/new/details\" class=\"form\" novalidate>",
		    T(r, "reports.new.lead"));
	html_printf(&b, "<div class=\"field%S\"><label for=\"f-category\">%s <span class=\"required\">%s</span></label>",
		    field && !strcmp(field, "f-category") ? " field-error" : "", T(r, "reports.field.category"),
		    T(r, "reports.required"));
	if (field && !strcmp(field, "f-category"))
		html_printf(&b, "<p class=\"error-message\" id=\"f-category-error\">%s</p>", error);
	html_printf(&b, "<select id=\"f-category\" name=\"category\" required%S><option value=\"\">%s</option>",
		    field && !strcmp(field, "f-category") ? " aria-invalid=\"true\" aria-describedby=\"f-category-error\"" : "",
		    T(r, "reports.choose"));
	struct err e;
	void *ca[3] = { r, &b, (void *)param(r, "category") };
	int n = reports_category_each(app_store(r), app_req(r)->tenant.code, 1, cat_option, ca, &e);
	if (n < 0) {
		buf_done(&b);
		return app_send_error(r, n, "reports.error.unavailable", e.detail);
	}
	buf_puts(&b, "</select></div>");
	location_fields(&b, r, param(r, "lat"), param(r, "lon"), param(r, "address"),
			field && !strcmp(field, "f-address") ? error : NULL);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"report-next\">%s</button></form>"
		    "<script src=\"/assets/reports.js\" defer></script>", T(r, "reports.next"));
	return app_page_send(r, status, &b, &p);
}

int page_reports_new(struct http_req *r)
{
	return step1(r, 200, NULL, NULL);
}

/* the step's where: *has_pin when both lat and lon are given and valid;
 * ERR_INVALID when either is malformed or only one is given */
static int read_pin(int *has_pin, int64_t *lat, int64_t *lon, struct http_req *r)
{
	const char *a = param(r, "lat"), *o = param(r, "lon");
	*has_pin = 0;
	if (!*a && !*o)
		return 0;
	if (rw_parse_deg(lat, a, 1) || rw_parse_deg(lon, o, 0))
		return ERR_INVALID;
	*has_pin = 1;
	return 0;
}

/* ---- step 2: nearby, then the details ---- */

struct near_ctx {
	struct http_req *r;
	struct buf *b;
};

static void nearby(struct buf *b, struct http_req *r, const char *cat, int64_t lat, int64_t lon)
{
	int64_t ids[10];
	struct err e;
	int n = reports_nearby(ids, 10, app_store(r), app_req(r)->tenant.code, cat, lat, lon, REPORTS_NEARBY_M, &e);
	if (n < 0) {
		log_warn("reports: nearby", "detail", e.detail);
		return;
	}
	if (!n)
		return;
	html_printf(b, "<section class=\"notice\" id=\"report-nearby\" aria-labelledby=\"report-nearby-h\">"
		    "<h2 id=\"report-nearby-h\">%s</h2><p>%s</p><ul>",
		    T(r, "reports.nearby.title"), arena_printf(r->arena, T(r, "reports.nearby.lead"), REPORTS_NEARBY_M));  /* checksrc: fmt-ok */
	for (int i = 0; i < n; i++) {
		struct reports_report rep;
		if (reports_get(&rep, r->arena, app_store(r), app_req(r)->tenant.code, ids[i], &e))
			continue;
		html_printf(b, "<li><a href=\"/reports/%lld\">%s %lld</a> %s · %s (%d m)</li>", (long long)rep.id,
			    T(r, "reports.number"), (long long)rep.id, rw_state(r, rep.state), rw_time(r, rep.created_at),
			    (int)(reports_distance_m(lat, lon, rep.lat_e6, rep.lon_e6) + 0.5));
	}
	html_printf(b, "</ul><p>%s</p></section>", T(r, "reports.nearby.still"));
}

/* the double-submit token: the cookie's when the browser has one (several
 * tabs share it), else a new one */
static const char *form_token(struct http_req *r)
{
	const char *c = http_cookie(r, REPORTS_FORM_COOKIE);
	if (c && strlen(c) == 32) {
		int ok = 1;
		for (const char *p = c; *p; p++)
			ok &= (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
		if (ok)
			return c;
	}
	char t[33];
	if (random_token(t, 16))
		return NULL;
	http_set_cookie(r, REPORTS_FORM_COOKIE, t, 7200);
	return arena_strdup(r->arena, t);
}

struct details {
	const char *category, *lat, *lon, *address, *description, *cname, *cemail, *cphone, *key;
};

static int step2(struct http_req *r, int status, const struct details *d, const char *field, const char *error)
{
	enum html_lang l = app_req(r)->lang;
	const char *rt = form_token(r);
	char key[REPORTS_KEY_MAX + 1];
	if (d->key && *d->key)
		snprintf(key, sizeof key, "%s", d->key);
	else if (random_token(key, 16))
		rt = NULL;
	if (!rt)
		return app_send_error(r, ERR_IO, "reports.error.unavailable", "no randomness");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.details"), field, error);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<dl class=\"report-summary\"><dt>%s</dt><dd>%s</dd>", T(r, "reports.field.category"),
		    rw_category_name(r, d->category));
	if (*d->lat)
		html_printf(&b, "<dt>%s</dt><dd>%s, %s</dd>", T(r, "reports.field.pin"), d->lat, d->lon);
	if (*d->address)
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "reports.field.address"), d->address);
	html_printf(&b, "</dl><p><a href=\"%s\">%s</a></p>",
		    ui_url(r->arena, "/reports/new", (const char *const[]){ "category", d->category, "lat", d->lat,
			   "lon", d->lon, "address", d->address, NULL }), T(r, "reports.back.where"));
	int64_t lat, lon;
	if (*d->lat && !rw_parse_deg(&lat, d->lat, 1) && !rw_parse_deg(&lon, d->lon, 0))
		nearby(&b, r, d->category, lat, lon);
	html_printf(&b, "<form method=\"post\" action=\"/reports\" enctype=\"multipart/form-data\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"rt\" value=\"%s\"><input type=\"hidden\" name=\"key\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"category\" value=\"%s\"><input type=\"hidden\" name=\"lat\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"lon\" value=\"%s\"><input type=\"hidden\" name=\"address\" value=\"%s\">",
		    rt, key, d->category, d->lat, d->lon, d->address);
	ui_textarea(&b, &(struct ui_field){ .name = "description", .id = "f-description",
					    .label = T(r, "reports.field.description"), .hint = T(r, "reports.hint.description"),
					    .value = d->description, .maxlength = REPORTS_TEXT_MAX / 3, .required = 1, .lang = l,
					    .error = field && !strcmp(field, "f-description") ? error : NULL }, 5);
	html_printf(&b, "<fieldset class=\"fieldset\"><legend>%s</legend><p class=\"hint\">%s</p>",
		    T(r, "reports.field.photos"), arena_printf(r->arena, T(r, "reports.hint.photos"), REPORTS_PHOTOS_MAX,  /* checksrc: fmt-ok */
							       (int)(REPORTS_PHOTO_BYTES_MAX >> 20)));
	for (int i = 1; i <= REPORTS_PHOTOS_MAX; i++)
		ui_file(&b, &(struct ui_field){ .name = arena_printf(r->arena, "photo%d", i),
						.id = arena_printf(r->arena, "f-photo%d", i),
						.label = arena_printf(r->arena, T(r, "reports.field.photo"), i),  /* checksrc: fmt-ok */
						.accept = "image/jpeg,image/png", .lang = l,
						.error = i == 1 && field && !strcmp(field, "f-photo1") ? error : NULL });
	/* a photo's position becomes the public pin only when the reporter
	 * says so: a photo taken at home would otherwise publish the home */
	if (!d->lat[0])
		ui_checkbox(&b, &(struct ui_field){ .name = "photo_pin", .id = "f-photo-pin",
						    .label = T(r, "reports.field.photo_pin"),
						    .hint = T(r, "reports.hint.photo_pin"), .lang = l }, 0);
	buf_puts(&b, "</fieldset>");
	html_printf(&b, "<fieldset class=\"fieldset\"><legend>%s</legend><p class=\"hint\">%s</p>",
		    T(r, "reports.field.contact"), T(r, "reports.hint.contact"));
	ui_input(&b, &(struct ui_field){ .name = "contact_name", .id = "f-contact-name", .label = T(r, "reports.field.contact_name"),
					 .value = d->cname, .maxlength = REPORTS_CONTACT_NAME_MAX / 3, .autocomplete = "name",
					 .lang = l, .error = field && !strcmp(field, "f-contact-name") ? error : NULL });
	ui_input(&b, &(struct ui_field){ .name = "contact_email", .id = "f-contact-email", .type = "email",
					 .label = T(r, "reports.field.contact_email"), .value = d->cemail,
					 .maxlength = REPORTS_EMAIL_MAX, .autocomplete = "email", .lang = l, .verbatim = 1,
					 .error = field && !strcmp(field, "f-contact-email") ? error : NULL });
	ui_input(&b, &(struct ui_field){ .name = "contact_phone", .id = "f-contact-phone", .type = "tel",
					 .label = T(r, "reports.field.contact_phone"), .value = d->cphone,
					 .maxlength = REPORTS_PHONE_MAX, .autocomplete = "tel", .lang = l, .verbatim = 1,
					 .error = field && !strcmp(field, "f-contact-phone") ? error : NULL });
	html_printf(&b, "</fieldset><button type=\"submit\" class=\"button\" id=\"report-submit\">%s</button></form>",
		    T(r, "reports.submit"));
	return app_page_send(r, status, &b, &p);
}

static int category_active(struct http_req *r, const char *code)
{
	struct reports_category c;
	struct err e;
	return !reports_code_ok(code) && !reports_category_get(&c, app_store(r), app_req(r)->tenant.code, code, &e) &&
	       c.active;
}

int page_reports_details(struct http_req *r)
{
	const char *cat = param(r, "category");
	if (!category_active(r, cat))
		return step1(r, 422, "f-category", T(r, "reports.error.category"));
	int has_pin;
	int64_t lat, lon;
	if (read_pin(&has_pin, &lat, &lon, r))
		return step1(r, 422, "f-address", T(r, "reports.error.pin"));
	if (!reports_text_ok(param(r, "address"), 0, REPORTS_ADDRESS_MAX, 0))
		return step1(r, 422, "f-address", T(r, "reports.error.address"));
	struct details d = { cat, param(r, "lat"), param(r, "lon"), param(r, "address"), "", "", "", "", NULL };
	if (has_pin) {
		d.lat = rw_deg(r, lat);
		d.lon = rw_deg(r, lon);
	}
	return step2(r, 200, &d, NULL, NULL);
}

/* ---- the report ---- */

static int send_429(struct http_req *r, const char *detail)
{
	const char *id = "reports.error.rate";
	const char *ja = html_t(HTML_JA, id), *en = html_t(HTML_EN, id);
	app_req(r)->error_easy = html_t(HTML_JA_EASY, id);
	log_info("request refused", "status", "429", "code", "limit", "detail", detail);
	http_set_header(r, "retry-after", "3600");
	struct buf b;
	buf_init(&b, 1u << 20);
	if (r->error_page)
		r->error_page(r, 429, ja, en, &b);
	else
		buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>429</title></head>"
			   "<body><main><h1>%s</h1><p lang=\"en\">%s</p></main></body></html>\n", ja, en);
	int rc = http_send_html(r, 429, &b);
	buf_done(&b);
	return rc;
}

struct submit_job {
	int nfiles;
	void *data[REPORTS_PHOTOS_MAX];
	size_t len[REPORTS_PHOTOS_MAX];
	struct reports_photo_copies c[REPORTS_PHOTOS_MAX];
	struct image_gps gps;
	int rc;
	int bad;          /* the photo (1..4) refused */
	struct err e;
};

static void submit_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct submit_job *j = arg;
	for (int i = 0; i < j->nfiles && !j->rc; i++) {
		struct image_gps g;
		j->rc = reports_photo_prepare(&j->c[i], &g, j->data[i], j->len[i], &j->e);
		if (j->rc)
			j->bad = i + 1;
		else if (g.present && !j->gps.present)
			j->gps = g;
		free(j->data[i]);
		j->data[i] = NULL;
	}
}

static void submit_free(struct submit_job *j)
{
	for (int i = 0; i < REPORTS_PHOTOS_MAX; i++) {
		free(j->data[i]);
		j->data[i] = NULL;
		reports_photo_copies_done(&j->c[i]);
	}
}

static void submit_discard(void *arg)
{
	submit_free(arg);
}

static struct details posted(struct http_req *r)
{
	return (struct details){ param(r, "category"), param(r, "lat"), param(r, "lon"), param(r, "address"),
				 param(r, "description"), param(r, "contact_name"), param(r, "contact_email"),
				 param(r, "contact_phone"), param(r, "key") };
}

static int refused(struct http_req *r, const char *field, const char *id)
{
	struct details d = posted(r);
	return step2(r, 422, &d, field, T(r, id));
}

static int submit_done(struct http_req *r, void *arg)
{
	struct submit_job *j = arg;
	struct app_req *q = app_req(r);
	if (j->rc) {
		log_info("reports: photo refused", "detail", j->e.detail);
		submit_free(j);
		return refused(r, "f-photo1", j->rc == ERR_LIMIT ? "reports.error.photo_large" : "reports.error.photo");
	}
	int has_pin;
	int64_t lat = 0, lon = 0;
	if (read_pin(&has_pin, &lat, &lon, r)) {
		submit_free(j);
		return refused(r, "f-description", "reports.error.pin");
	}
	const char *pp = http_param(r, "photo_pin");
	if (!has_pin && j->gps.present && pp && !strcmp(pp, "1")) {   /* the photo's position, when none was given and the reporter chose it */
		has_pin = 1;
		lat = j->gps.lat_e6;
		lon = j->gps.lon_e6;
	}
	struct reports_new n = {
		.category = param(r, "category"), .has_pin = has_pin, .lat_e6 = lat, .lon_e6 = lon,
		.address = param(r, "address"), .description = param(r, "description"),
		.contact_name = param(r, "contact_name"), .contact_email = param(r, "contact_email"),
		.contact_phone = param(r, "contact_phone"), .account = rw_resident(r), .source = r->remote_addr,
		.key = param(r, "key"), .via = "web", .photos = j->c, .nphotos = j->nfiles,
	};
	int64_t id = 0;
	int again = 0;
	struct err e;
	err_clear(&e);
	int rc = reports_submit(&id, &again, app_store(r), q->tenant.code, &n, app_now(), &e);
	submit_free(j);
	if (rc == ERR_LIMIT)
		return send_429(r, e.detail);
	if (rc == ERR_INVALID) {
		log_info("reports: refused", "detail", e.detail);
		if (!strcmp(e.detail, "category"))
			return refused(r, "f-description", "reports.error.category");
		if (!strcmp(e.detail, "pin") || !strcmp(e.detail, "address"))
			return refused(r, "f-description", "reports.error.where");
		if (!strncmp(e.detail, "contact_", 8))
			return refused(r, !strcmp(e.detail, "contact_email") ? "f-contact-email"
					  : !strcmp(e.detail, "contact_phone") ? "f-contact-phone" : "f-contact-name",
				       !strcmp(e.detail, "contact_email") ? "reports.error.email"
				       : !strcmp(e.detail, "contact_phone") ? "reports.error.phone" : "reports.error.name");
		if (!strcmp(e.detail, "key"))
			return app_send_error(r, ERR_INVALID, "reports.error.form_expired", "submit: key");
		return refused(r, "f-description", "reports.error.description");
	}
	if (rc)
		return app_send_error(r, rc, "reports.error.unavailable", e.detail);
	if (!again) {
		char ids[24];
		snprintf(ids, sizeof ids, "%lld", (long long)id);
		app_audit(r, AUDIT_A_WRITE, "reports.report", ids, AUDIT_R_OK);
	}
	return http_redirect(r, 303, arena_printf(r->arena, "/reports/%lld?new=1", (long long)id));
}

int page_reports_submit(struct http_req *r)
{
	const char *rt = http_param(r, "rt"), *cookie = http_cookie(r, REPORTS_FORM_COOKIE);
	if (!rt || !cookie || strlen(rt) != strlen(cookie) || !*rt || !ct_equal(rt, cookie, strlen(rt)))
		return app_send_error(r, ERR_DENIED, "reports.error.form_expired", "report form token mismatch");
	struct submit_job j;
	memset(&j, 0, sizeof j);
	for (int i = 1; i <= REPORTS_PHOTOS_MAX; i++) {
		const struct http_part *f = http_file(r, arena_printf(r->arena, "photo%d", i));
		if (!f || !f->len)
			continue;
		if (f->len > REPORTS_PHOTO_BYTES_MAX || image_sniff(f->data, f->len) == IMAGE_NONE) {
			submit_free(&j);
			return refused(r, "f-photo1", f->len > REPORTS_PHOTO_BYTES_MAX ? "reports.error.photo_large"
										   : "reports.error.photo");
		}
		if (!(j.data[j.nfiles] = malloc(f->len))) {
			submit_free(&j);
			return app_send_error(r, ERR_NOMEM, "reports.error.unavailable", "photo: no memory");
		}
		memcpy(j.data[j.nfiles], f->data, f->len);
		j.len[j.nfiles++] = f->len;
	}
	if (!j.nfiles)
		return submit_done(r, &j);
	int rc = http_defer_owned(r, submit_work, submit_done, submit_discard, &j, sizeof j);
	if (rc) {
		submit_free(&j);
		return app_send_error(r, rc, "reports.error.unavailable", "photo: cannot defer");
	}
	return 0;
}

/* ---- the report's page ---- */

struct photos_ctx {
	struct http_req *r;
	struct buf *b;
	int64_t id;
	int n;
	int staff;
};

static int photo_item(void *arg, const struct reports_photo *ph)
{
	struct photos_ctx *c = arg;
	struct http_req *r = c->r;
	if (ph->hidden && !c->staff)
		return 0;
	if (!c->n++)
		html_printf(c->b, "<h2 id=\"report-photos-h\">%s</h2><ul class=\"report-photos\" aria-labelledby=\"report-photos-h\">",
			    T(r, "reports.field.photos"));
	const char *src = arena_printf(r->arena, "%s/reports/%lld/photos/%d", c->staff ? "/staff" : "", (long long)c->id, ph->n);
	html_printf(c->b, "<li><a href=\"%s\"><img src=\"%s?size=s\" alt=\"%s\" width=\"%d\" height=\"%d\" loading=\"lazy\"></a>",
		    src, src, arena_printf(r->arena, T(r, "reports.photo.alt"), ph->n),  /* checksrc: fmt-ok */
		    ph->small_width, ph->small_height);
	if (c->staff && ph->hidden)
		html_printf(c->b, "<br><strong>%s</strong> %s", T(r, "reports.staff.hidden"), ph->hide_reason);
	buf_puts(c->b, "</li>");
	return 0;
}

void rw_photos(struct buf *b, struct http_req *r, int64_t id, int staff);
void rw_photos(struct buf *b, struct http_req *r, int64_t id, int staff)
{
	struct photos_ctx c = { r, b, id, 0, staff };
	struct err e;
	if (reports_photo_each(app_store(r), app_req(r)->tenant.code, id, r->arena, photo_item, &c, &e) < 0)
		log_warn("reports: photos", "detail", e.detail);
	if (c.n)
		buf_puts(b, "</ul>");
}

int page_report(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	if (parse_i64(&id, param(r, "id"), 1, INT64_MAX))
		return app_send_error(r, ERR_NOTFOUND, "reports.error.not_found", "report: id");
	struct reports_report rep;
	struct err e;
	int rc = reports_get(&rep, r->arena, app_store(r), q->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "reports.error.not_found", e.detail);
	if (rc)
		return app_send_error(r, rc, "reports.error.unavailable", e.detail);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "reports.report.title"), (long long)id), NULL, NULL);  /* checksrc: fmt-ok */
	if (!strcmp(param(r, "new"), "1"))
		html_printf(&b, "<div class=\"notice\" role=\"status\" id=\"report-thanks\"><p>%s</p></div>",
			    arena_printf(r->arena, T(r, "reports.thanks"), (long long)id));  /* checksrc: fmt-ok */
	html_printf(&b, "<dl class=\"report-summary\" id=\"report\" data-report=\"%lld\"><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd><span class=\"report-state report-state-%s\" id=\"report-state\">%s</span></dd>",
		    (long long)id, T(r, "reports.field.category"), rw_category_name(r, rep.category),
		    T(r, "reports.field.state"), reports_state_name(rep.state), rw_state(r, rep.state));
	const char *routed = rw_routed(r, &rep);
	if (*routed)
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "reports.field.routed"), routed);
	if (rep.has_pin)
		html_printf(&b, "<dt>%s</dt><dd><span data-lat=\"%s\" data-lon=\"%s\">%s, %s</span></dd>", T(r, "reports.field.pin"),
			    rw_deg(r, rep.lat_e6), rw_deg(r, rep.lon_e6), rw_deg(r, rep.lat_e6), rw_deg(r, rep.lon_e6));
	if (rep.address[0])
		html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "reports.field.address"), rep.address);
	html_printf(&b, "<dt>%s</dt><dd><time>%s</time></dd></dl>", T(r, "reports.field.created"), rw_time(r, rep.created_at));
	html_printf(&b, "<h2>%s</h2>", T(r, "reports.field.description"));
	if (rep.desc_hidden)
		html_printf(&b, "<p id=\"report-description\"><em>%s</em></p>", T(r, "reports.hidden.description"));
	else
		html_printf(&b, "<p id=\"report-description\" class=\"report-description\">%s</p>", rep.description);
	rw_photos(&b, r, id, 0);
	rw_history(&b, r, id, 0);
	html_printf(&b, "<p><a href=\"/reports\">%s</a></p>", T(r, "reports.back.list"));
	return app_page_send(r, 200, &b, &p);
}

static int send_photo(struct http_req *r, int staff)
{
	int64_t id, n;
	if (parse_i64(&id, param(r, "id"), 1, INT64_MAX) || parse_i64(&n, param(r, "n"), 1, REPORTS_PHOTOS_MAX))
		return app_send_error(r, ERR_NOTFOUND, "reports.error.photo_none", "photo: path");
	const void *data;
	size_t len;
	const char *mime;
	int hidden;
	struct err e;
	int rc = reports_photo_bytes(&data, &len, &mime, &hidden, r->arena, app_store(r), app_req(r)->tenant.code, id,
				     (int)n, !strcmp(param(r, "size"), "s"), &e);
	if (rc == 0 && hidden && !staff)
		rc = err_set(&e, ERR_NOTFOUND, "photo hidden");
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "reports.error.photo_none", e.detail);
	if (rc)
		return app_send_error(r, rc, "reports.error.unavailable", e.detail);
	const char *type = !strcmp(mime, "image/jpeg") ? "image/jpeg" : !strcmp(mime, "image/png") ? "image/png" : NULL;
	if (!type)
		return app_send_error(r, ERR_INTERNAL, "reports.error.unavailable", "photo: stored type");
	/* a photo staff hide must leave shared caches soon */
	http_set_header(r, "cache-control", staff ? "private, no-store" : "public, max-age=300");
	http_set_header(r, "content-security-policy", "sandbox");
	http_set_header(r, "content-disposition", "inline");
	return http_send(r, 200, type, data, len);
}

int page_report_photo(struct http_req *r)
{
	return send_photo(r, 0);
}

int page_sreport_photo(struct http_req *r)
{
	return send_photo(r, 1);
}

int page_reports_mine(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t page = 1;
	if (*param(r, "page") && parse_i64(&page, param(r, "page"), 1, 10000))
		page = 1;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "reports.mine"), NULL, NULL);
	html_printf(&b, "<p><a class=\"button\" href=\"/reports/new\">%s</a></p><ul class=\"report-list\" id=\"report-list\">",
		    T(r, "reports.new"));
	struct list_ctx c = { r, &b, 0 };
	struct err e;
	struct reports_query qq = { .state = -1, .account = q->ses.account_id, .limit = PER_PAGE,
				    .offset = (int)(page - 1) * PER_PAGE };
	int total = q->ses.account_id ? reports_list(app_store(r), q->tenant.code, &qq, r->arena, list_row, &c, &e) : 0;
	if (total < 0) {
		buf_done(&b);
		return app_send_error(r, total, "reports.error.unavailable", e.detail);
	}
	buf_puts(&b, "</ul>");
	if (!c.n)
		html_printf(&b, "<p>%s</p>", T(r, "reports.mine.none"));
	if (page * PER_PAGE < total)
		html_printf(&b, "<p><a href=\"/reports/mine?page=%lld\">%s</a></p>", (long long)(page + 1), T(r, "reports.older"));
	return app_page_send(r, 200, &b, &p);
}
