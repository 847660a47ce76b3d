/*
 * page_staff_opendata.c -- open data publishing in the back office
 * (permission opendata.publish, checked by the router before any of this
 * runs): the list of the municipality's datasets, a form to create or
 * edit a dataset's metadata (title, description, tags, licence, update
 * frequency, coverage, contact, organisation, groups), and the upload of a
 * CSV as a new version of a resource.
 *
 * Invariants:
 * - every change (metadata, upload) is one transaction with its audit
 *   record and the dataset's full-text projection (opendata_search_put),
 *   so the public search, the CKAN API and the audit trail never disagree;
 * - an uploaded CSV is validated against the standard formats while it is
 *   read; a file with errors is NOT published: the page shows every kept
 *   problem by row, line and column, and the publisher fixes the file and
 *   uploads again (warnings are published with the file, and shown);
 * - validation and storage run on the blocking pool (http_defer), never on
 *   the event loop.
 *
 * Limits: an upload is at most OPENDATA_BLOB_MAX bytes (the route's file
 * limit); tags at most OPENDATA_TAGS_MAX of 100 bytes; the list shows the
 * STAFF_OD_LIST newest datasets.
 */
#include "web/app.h"
#include "jp/date.h"
#include "web/ui.h"
#include "base/util.h"
#include "svc/opendata/opendata.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAFF_OD_LIST 500
#define STAFF_OD_FORMATS "data/opendata/schemas"

static int v_name(const char *v, size_t n)
{
	(void)n;
	return opendata_name_valid(v) ? 0 : ERR_INVALID;
}

/* the routes' parameters (routes.c) */
const struct http_param_spec p_staff_od_edit[] = {
	{ "name", HTTP_QUERY, OPENDATA_NAME_MAX, v_name, 0 },
	{ "saved", HTTP_QUERY, 1, NULL, 0 },
	{ "uploaded", HTTP_QUERY, 12, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec p_staff_od_save[] = {
	{ "new", HTTP_FORM, 1, NULL, 0 },
	{ "name", HTTP_FORM, OPENDATA_NAME_MAX, NULL, 0 },
	{ "title", HTTP_FORM, OPENDATA_TITLE_MAX, NULL, 0 },
	{ "title_en", HTTP_FORM, OPENDATA_TITLE_MAX, NULL, 0 },
	{ "notes", HTTP_FORM, OPENDATA_TEXT_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ "organization", HTTP_FORM, OPENDATA_NAME_MAX, NULL, 0 },
	{ "license_id", HTTP_FORM, 64, NULL, 0 },
	{ "tags", HTTP_FORM, 4000, NULL, 0 },
	/* one checkbox per group: group_0 .. group_15 (a name may not repeat) */
	{ "group_0", HTTP_FORM, 100, NULL, 0 }, { "group_1", HTTP_FORM, 100, NULL, 0 },
	{ "group_2", HTTP_FORM, 100, NULL, 0 }, { "group_3", HTTP_FORM, 100, NULL, 0 },
	{ "group_4", HTTP_FORM, 100, NULL, 0 }, { "group_5", HTTP_FORM, 100, NULL, 0 },
	{ "group_6", HTTP_FORM, 100, NULL, 0 }, { "group_7", HTTP_FORM, 100, NULL, 0 },
	{ "group_8", HTTP_FORM, 100, NULL, 0 }, { "group_9", HTTP_FORM, 100, NULL, 0 },
	{ "group_10", HTTP_FORM, 100, NULL, 0 }, { "group_11", HTTP_FORM, 100, NULL, 0 },
	{ "group_12", HTTP_FORM, 100, NULL, 0 }, { "group_13", HTTP_FORM, 100, NULL, 0 },
	{ "group_14", HTTP_FORM, 100, NULL, 0 }, { "group_15", HTTP_FORM, 100, NULL, 0 },
	{ "frequency", HTTP_FORM, 100, NULL, 0 },
	{ "spatial", HTTP_FORM, 200, NULL, 0 },
	{ "temporal_start", HTTP_FORM, 10, NULL, 0 },
	{ "temporal_end", HTTP_FORM, 10, NULL, 0 },
	{ "contact_name", HTTP_FORM, 200, NULL, 0 },
	{ "contact_email", HTTP_FORM, 200, NULL, 0 },
	{ "source_url", HTTP_FORM, 1000, NULL, 0 },
	{ "attribution", HTTP_FORM, 500, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec p_staff_od_upload[] = {
	{ "name", HTTP_FORM, OPENDATA_NAME_MAX, v_name, 1 },
	{ "target", HTTP_FORM, OPENDATA_TITLE_MAX, NULL, 0 },
	{ "csv", HTTP_FILE, OPENDATA_BLOB_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static const char *js(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* the dataset's page in the back office, with more query pairs (k, v,
 * ..., NULL), percent-encoded; the list when the arena is full */
static const char *dataset_url(struct http_req *r, const char *name, const char *k,
			       const char *v)
{
	const char *pairs[] = { "name", name, k, v, NULL };   /* k NULL: name only */
	const char *u = ui_url(r->arena, "/staff/opendata/dataset", pairs);
	return u ? u : "/staff/opendata";
}

/* ---- the list ---- */

int page_staff_opendata(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct app_req *q = app_req(r);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "opendata.staff.title"), NULL, NULL);
	html_printf(&b, "<p><a class=\"button\" href=\"/staff/opendata/dataset\">%s</a> "
		    "<a href=\"/opendata\">%s</a></p>\n",
		    html_t(l, "opendata.staff.create"), html_t(l, "opendata.staff.public_catalog"));
	struct opendata_dataset_brief *ds;
	int nds;
	struct err e;
	int rc = opendata_datasets_recent(&ds, &nds, r->arena, app_store(r), q->tenant.code, STAFF_OD_LIST, &e);
	if (rc) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	html_printf(&b, "<div class=\"table-scroll\"><table><caption>%s</caption><thead><tr>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "opendata.staff.list.caption"),
		    html_t(l, "opendata.staff.list.title"),
		    html_t(l, "opendata.staff.list.publisher"),
		    html_t(l, "opendata.staff.list.modified"),
		    html_t(l, "opendata.staff.list.files"));
	for (int i = 0; i < nds; i++) {
		/* Japan time: the list was UTC without saying so */
		char when[JP_JST_FORMAT_SIZE];
		jp_jst_format(when, sizeof when, ds[i].modified);
		html_printf(&b, "<tr><td><a href=\"%s\">%s</a><br><small><code>%s</code></small></td>"
			       "<td>%s</td><td>%s</td><td>%lld</td></tr>\n",
			    dataset_url(r, ds[i].name, NULL, NULL), ds[i].title, ds[i].name, ds[i].org_title, when, (long long)ds[i].nresources);
	}
	buf_puts(&b, "</tbody></table></div>\n");
	return app_page_send(r, 200, &b, &pg);
}

/* ---- the metadata form ---- */

struct form_vals {
	const char *name, *title, *title_en, *notes, *organization, *license_id, *tags, *groups,
		*frequency, *spatial, *temporal_start, *temporal_end, *contact_name, *contact_email,
		*source_url, *attribution;
};

/* values of an existing dataset (its CKAN dict) for the form */
static void vals_of_pkg(struct http_req *r, struct form_vals *v, json_t *pkg)
{
	v->name = arena_strdup(r->arena, js(pkg, "name"));
	v->title = arena_strdup(r->arena, js(pkg, "title"));
	v->title_en = arena_strdup(r->arena, js(pkg, "title_en"));
	v->notes = arena_strdup(r->arena, js(pkg, "notes"));
	v->organization = arena_strdup(r->arena, js(json_object_get(pkg, "organization"), "name"));
	v->license_id = arena_strdup(r->arena, js(pkg, "license_id"));
	v->frequency = arena_strdup(r->arena, js(pkg, "frequency"));
	v->spatial = arena_strdup(r->arena, js(pkg, "spatial"));
	v->temporal_start = arena_strdup(r->arena, js(pkg, "temporal_start"));
	v->temporal_end = arena_strdup(r->arena, js(pkg, "temporal_end"));
	v->contact_name = arena_strdup(r->arena, js(pkg, "maintainer"));
	v->contact_email = arena_strdup(r->arena, js(pkg, "maintainer_email"));
	v->source_url = arena_strdup(r->arena, js(pkg, "url"));
	v->attribution = arena_strdup(r->arena, js(pkg, "attribution"));
	struct buf t;
	buf_init(&t, 8192);
	json_t *tags = json_object_get(pkg, "tags");
	for (size_t i = 0; i < json_array_size(tags); i++)
		buf_printf(&t, "%s%s", i ? ", " : "", js(json_array_get(tags, i), "name"));
	v->tags = arena_strdup(r->arena, buf_cstr(&t));
	buf_reset(&t);
	json_t *groups = json_object_get(pkg, "groups");
	for (size_t i = 0; i < json_array_size(groups); i++)
		buf_printf(&t, "%s,", js(json_array_get(groups, i), "name"));
	v->groups = arena_strdup(r->arena, buf_cstr(&t));
	buf_done(&t);
}

/* The metadata form's one error, if any: the id of the field it is
 * about ("od-<name>"; the error summary links there) and its message. */
struct od_error {
	const char *field_id;
	const char *message;
};

/* One field of the metadata form. */
struct od_spec {
	const char *name;        /* the form's name; the id is "od-<name>"  */
	const char *label_id;    /* the catalog id of its label             */
	const char *type;        /* od_input's input type; NULL: text       */
	const char *value;       /* the current value, or NULL              */
	int maxlen;              /* 0: none                                 */
	int required;            /* the mark and the browser's check        */
};

/* one field of the metadata form: id "od-<name>", autocomplete off; a
 * required one has the mark and the browser's check; the error (err may
 * be NULL), when it is this field's, next to it (the error summary links
 * here) */
static struct ui_field od_field(struct http_req *r, const struct od_spec *sp,
				const struct od_error *err)
{
	enum html_lang l = app_req(r)->lang;
	const char *name = sp->name;
	const char *id = arena_printf(r->arena, "od-%s", name);
	const char *err_id = err ? err->field_id : NULL;
	return (struct ui_field){
		.name = name, .id = id, .label = html_t(l, sp->label_id), .value = sp->value,
		.maxlength = sp->maxlen, .required = sp->required,
		.html_required = sp->required, .autocomplete = "off", .lang = l,
		.error = err_id && id && strcmp(err_id, id) == 0 ? err->message : NULL,
	};
}

/* a text input of the metadata form (sp->type NULL: text) */
static void od_input(struct buf *b, struct http_req *r, const struct od_spec *sp,
		     const struct od_error *err)
{
	struct ui_field f = od_field(r, sp, err);
	f.type = sp->type;
	ui_input(b, &f);
}

/* the list form: organisations, licences and groups of the tenant */
static int render_form(struct http_req *r, int status, const struct form_vals *v, int is_new,
		       const struct od_error *err, const char *notice, json_t *pkg)
{
	const char *err_id = err ? err->field_id : NULL, *error = err ? err->message : NULL;
	enum html_lang l = app_req(r)->lang;
	struct app_req *q = app_req(r);
	struct opendata_ctx c = { .s = app_store(r), .tenant = q->tenant.code, .base = "" };
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, is_new ? html_t(l, "opendata.staff.form.new")
					 : arena_printf(r->arena, "%s: %s", html_t(l, "opendata.staff.form.edit"), v->title),
		      err_id, error);
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/opendata\">%s</a>%s</p>\n",
		    html_t(l, "opendata.staff.title"),
		    is_new ? "" : arena_printf(r->arena, " · <a href=\"/dataset/%s\">%s</a>", v->name,
					       html_t(l, "opendata.staff.form.public_page")));
	if (notice)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>\n", notice);
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/opendata/dataset\" class=\"form\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "opendata.staff.form.metadata"), q->csrf);
	if (is_new) {
		buf_puts(&b, "<input type=\"hidden\" name=\"new\" value=\"1\">");
		struct ui_field f = od_field(r,
					     &(struct od_spec){ .name = "name",
								.label_id = "opendata.staff.field.name",
								.value = v->name,
								.maxlen = OPENDATA_NAME_MAX,
								.required = 1 },
					     err);
		f.hint = html_t(l, "opendata.staff.field.name_hint");
		f.pattern = "[a-z0-9_\\-]{2,100}";
		ui_input(&b, &f);
	} else {
		html_printf(&b, "<input type=\"hidden\" name=\"name\" value=\"%s\">", v->name);
	}
	od_input(&b, r,
		 &(struct od_spec){ .name = "title", .label_id = "opendata.staff.field.title",
				    .value = v->title, .maxlen = OPENDATA_TITLE_MAX, .required = 1 },
		 err);
	od_input(&b, r,
		 &(struct od_spec){ .name = "title_en", .label_id = "opendata.staff.field.title_en",
				    .value = v->title_en, .maxlen = OPENDATA_TITLE_MAX },
		 err);
	struct ui_field f = od_field(r,
				     &(struct od_spec){ .name = "notes",
							.label_id = "opendata.staff.field.notes",
							.value = v->notes, .maxlen = OPENDATA_TEXT_MAX },
				     err);
	f.autocomplete = NULL;
	ui_textarea(&b, &f, 5);
	/* organisation: every one, by title */
	json_t *list = NULL;
	struct err e;
	f = od_field(r,
		     &(struct od_spec){ .name = "organization",
					.label_id = "opendata.staff.field.organization",
					.value = v->organization, .required = 1 },
		     err);
	f.autocomplete = NULL;
	if (opendata_orgs_list(&list, &c, 1,
			       &(struct opendata_orgs_query){ .all_fields = 1, .sort = "title",
							      .limit = -1 },
			       &e) == 0) {
		int n = (int)json_array_size(list);
		struct ui_option *opts = n ? arena_alloc(r->arena, sizeof *opts * (size_t)n) : NULL;
		for (int i = 0; opts && i < n; i++) {
			json_t *o = json_array_get(list, (size_t)i);
			opts[i] = (struct ui_option){ js(o, "name"), js(o, "title") };
		}
		ui_select(&b, &f, opts, opts ? n : 0, NULL);
		json_decref(list);
	} else {
		ui_select(&b, &f, NULL, 0, NULL);
	}
	/* licence: the built-in table (seeded for the tenant on save), CC BY
	 * 4.0 unless one is chosen */
	int nl = 0;
	const struct opendata_license *lic = opendata_licenses_builtin(&nl);
	struct ui_option *lopts = nl > 0 ? arena_alloc(r->arena, sizeof *lopts * (size_t)nl) : NULL;
	for (int i = 0; lopts && i < nl; i++)
		lopts[i] = (struct ui_option){ lic[i].id,
					       q->lang == HTML_EN ? lic[i].title_en : lic[i].title_ja };
	f = od_field(r,
		     &(struct od_spec){ .name = "license_id",
					.label_id = "opendata.staff.field.license",
					.value = v->license_id && *v->license_id ? v->license_id
										: "cc-by-4.0",
					.required = 1 },
		     err);
	f.autocomplete = NULL;
	ui_select(&b, &f, lopts, lopts ? nl : 0, NULL);
	od_input(&b, r,
		 &(struct od_spec){ .name = "tags", .label_id = "opendata.staff.field.tags",
				    .value = v->tags, .maxlen = 4000 },
		 err);
	/* groups: every one, by title (the first OPENDATA_GROUPS_MAX shown) */
	if (opendata_orgs_list(&list, &c, 0,
			       &(struct opendata_orgs_query){ .all_fields = 1, .sort = "title",
							      .limit = -1 },
			       &e) == 0) {
		html_printf(&b, "<fieldset class=\"field\"><legend>%s</legend>", html_t(l, "opendata.staff.field.groups"));
		int k = 0;
		for (size_t i = 0; i < json_array_size(list); i++) {
			json_t *o = json_array_get(list, i);
			const char *g = js(o, "name");
			char needle[128];
			snprintf(needle, sizeof needle, "%s,", g);
			int on = v->groups && (strncmp(v->groups, needle, strlen(needle)) == 0 ||
					       strstr(v->groups, arena_printf(r->arena, ",%s", needle)));
			if (k < OPENDATA_GROUPS_MAX) {
				char gname[24], gid[32];
				snprintf(gname, sizeof gname, "group_%d", k);
				snprintf(gid, sizeof gid, "od-group-%d", k);
				struct ui_field gf = { .name = gname, .id = gid, .label = js(o, "title"),
						       .value = g, .lang = l };
				ui_checkbox(&b, &gf, on);
			}
			k++;
		}
		json_decref(list);
		buf_puts(&b, "</fieldset>\n");
	}
	/* the optional metadata, one text field each */
	const struct od_spec more[] = {
		{ .name = "frequency", .label_id = "opendata.staff.field.frequency",
		  .value = v->frequency, .maxlen = 100 },
		{ .name = "spatial", .label_id = "opendata.staff.field.spatial",
		  .value = v->spatial, .maxlen = 200 },
		{ .name = "temporal_start", .label_id = "opendata.staff.field.temporal_start",
		  .type = "date", .value = v->temporal_start, .maxlen = 10 },
		{ .name = "temporal_end", .label_id = "opendata.staff.field.temporal_end",
		  .type = "date", .value = v->temporal_end, .maxlen = 10 },
		{ .name = "contact_name", .label_id = "opendata.staff.field.contact_name",
		  .value = v->contact_name, .maxlen = 200 },
		{ .name = "contact_email", .label_id = "opendata.staff.field.contact_email",
		  .type = "email", .value = v->contact_email, .maxlen = 200 },
		{ .name = "source_url", .label_id = "opendata.staff.field.source_url",
		  .type = "url", .value = v->source_url, .maxlen = 1000 },
		{ .name = "attribution", .label_id = "opendata.staff.field.attribution",
		  .value = v->attribution, .maxlen = 500 },
	};
	for (size_t i = 0; i < sizeof more / sizeof *more; i++)
		od_input(&b, r, &more[i], err);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    is_new ? html_t(l, "opendata.staff.form.create") : html_t(l, "opendata.staff.form.save"));

	if (!is_new && pkg) {
		/* the files, each with its versions and last report */
		json_t *res = json_object_get(pkg, "resources");
		html_printf(&b, "<h2 id=\"files-h\">%s</h2><div class=\"table-scroll\"><table><caption>%s</caption><thead><tr>"
			       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    html_t(l, "opendata.staff.files.title"),
			    html_t(l, "opendata.staff.files.caption"),
			    html_t(l, "opendata.staff.files.name"),
			    html_t(l, "opendata.staff.files.format"),
			    html_t(l, "opendata.staff.files.version"),
			    html_t(l, "opendata.staff.files.validation"));
		for (size_t i = 0; i < json_array_size(res); i++) {
			json_t *x = json_array_get(res, i), *val = json_object_get(x, "validation");
			const char *path = strstr(js(x, "url"), "/dataset/");
			html_printf(&b, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td>%ld</td><td>", path ? path : js(x, "url"),
				    js(x, "name"), js(x, "format"), (long)json_integer_value(json_object_get(x, "version")));
			if (val)
				html_printf(&b, "%s %ld / %s %ld", html_t(l, "opendata.staff.errors"),
					    (long)json_integer_value(json_object_get(val, "errors")), html_t(l, "opendata.staff.warnings"),
					    (long)json_integer_value(json_object_get(val, "warnings")));
			buf_puts(&b, "</td></tr>");
		}
		buf_puts(&b, "</tbody></table></div>\n");
		/* the upload form: a new version of a CSV file (the first one
		 * chosen), or a new file */
		html_printf(&b, "<h2 id=\"upload-h\">%s</h2><p>%s</p>"
			       "<form method=\"post\" action=\"/staff/opendata/upload\" enctype=\"multipart/form-data\" class=\"form\">"
			       "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"%s\">",
			    html_t(l, "opendata.staff.upload.title"),
			    html_t(l, "opendata.staff.upload.lead"), q->csrf, v->name);
		size_t nres = json_array_size(res);
		struct ui_option *topts = arena_alloc(r->arena, sizeof *topts * (nres + 1));
		int nt = 0;
		for (size_t i = 0; topts && i < nres; i++) {
			json_t *x = json_array_get(res, i);
			if (strcmp(js(x, "format"), "CSV") == 0)
				topts[nt++] = (struct ui_option){ js(x, "name"), js(x, "name") };
		}
		if (topts)
			topts[nt++] = (struct ui_option){ "", html_t(l, "opendata.staff.upload.new_file") };
		f = (struct ui_field){ .name = "target", .id = "od-target",
				       .label = html_t(l, "opendata.staff.upload.target"), .lang = l };
		ui_select(&b, &f, topts, nt, NULL);
		f = (struct ui_field){
			.name = "csv", .id = "od-csv", .label = html_t(l, "opendata.staff.upload.csv"),
			.type = "file", .accept = ".csv,text/csv", .required = 1, .html_required = 1,
			.error = err_id && strcmp(err_id, "od-csv") == 0 ? error : NULL, .lang = l,
		};
		ui_input(&b, &f);
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
			    html_t(l, "opendata.staff.upload.submit"));
	}
	return app_page_send(r, status, &b, &pg);
}

int page_staff_opendata_edit(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const char *name = http_param(r, "name");
	struct form_vals v = { 0 };
	if (!name)
		return render_form(r, 200, &v, 1, NULL, NULL, NULL);
	struct opendata_ctx c = { .s = app_store(r), .tenant = app_req(r)->tenant.code, .base = "" };
	json_t *pkg = NULL;
	struct err e;
	int rc = opendata_package(&pkg, &c, name, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "opendata.error.dataset_not_found", NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	vals_of_pkg(r, &v, pkg);
	const char *notice = NULL, *up = http_param(r, "uploaded");
	if (http_param(r, "saved"))
		notice = html_t(l, "opendata.staff.saved");
	if (up)
		notice = arena_printf(r->arena, "%s %s", html_t(l, "opendata.staff.published"), up);
	rc = render_form(r, 200, &v, 0, NULL, notice, pkg);
	json_decref(pkg);
	return rc;
}

/* tags "a, b、c" -> array (in the arena); -1 when too many or too long */
static int split_tags(struct http_req *r, const char **out, const char *s)
{
	int n = 0;
	char *copy = arena_strdup(r->arena, s ? s : "");
	/* 「、」 and 「，」 separate too */
	for (char *p = copy; *p; p++) {
		if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x81)
			p[0] = ',', p[1] = ' ', p[2] = ' ';
		else if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] == 0x8C)
			p[0] = ',', p[1] = ' ', p[2] = ' ';
	}
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t k = strlen(t);
		while (k > 0 && t[k - 1] == ' ')
			t[--k] = '\0';
		if (!*t)
			continue;
		if (n >= OPENDATA_TAGS_MAX || k > 100)
			return -1;
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= strcmp(out[i], t) == 0;
		if (!dup)
			out[n++] = t;
	}
	return n;
}

static int valid_date(const char *s)
{
	if (!s || !*s)
		return 1;
	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' && strspn(s, "0123456789-") == 10;
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

int page_staff_opendata_save(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	int is_new = http_param(r, "new") != NULL;
	struct form_vals v = {
		.name = http_param(r, "name"), .title = http_param(r, "title"), .title_en = http_param(r, "title_en"),
		.notes = http_param(r, "notes"), .organization = http_param(r, "organization"),
		.license_id = http_param(r, "license_id"), .tags = http_param(r, "tags"),
		.frequency = http_param(r, "frequency"), .spatial = http_param(r, "spatial"),
		.temporal_start = http_param(r, "temporal_start"), .temporal_end = http_param(r, "temporal_end"),
		.contact_name = http_param(r, "contact_name"), .contact_email = http_param(r, "contact_email"),
		.source_url = http_param(r, "source_url"), .attribution = http_param(r, "attribution"),
	};
	const char *groups[OPENDATA_GROUPS_MAX];
	int ngroups = 0;
	struct buf gb;
	buf_init(&gb, 4096);
	for (int i = 0; i < OPENDATA_GROUPS_MAX; i++) {
		char k[24];
		snprintf(k, sizeof k, "group_%u", (unsigned)i & 31u);
		const char *g = http_param(r, k);
		if (g && *g) {
			groups[ngroups++] = g;
			buf_printf(&gb, "%s,", g);
		}
	}
	v.groups = arena_strdup(r->arena, buf_cstr(&gb));
	buf_done(&gb);
	const char *tags[OPENDATA_TAGS_MAX];
	int ntags = split_tags(r, tags, v.tags);
	const char *err_id = NULL, *msg = NULL;
	if (!v.name || !opendata_name_valid(v.name))
		err_id = "od-name", msg = html_t(l, "opendata.staff.error.name");
	else if (!v.title || !*v.title)
		err_id = "od-title", msg = html_t(l, "opendata.staff.error.title");
	else if (!v.organization || !*v.organization)
		err_id = "od-organization", msg = html_t(l, "opendata.staff.error.organization");
	else if (ntags < 0)
		err_id = "od-tags", msg = html_t(l, "opendata.staff.error.tags");
	else if (!valid_date(v.temporal_start))
		err_id = "od-temporal_start", msg = html_t(l, "opendata.staff.error.date");
	else if (!valid_date(v.temporal_end))
		err_id = "od-temporal_end", msg = html_t(l, "opendata.staff.error.date");
	else if (v.contact_email && *v.contact_email && !strchr(v.contact_email, '@'))
		err_id = "od-contact_email", msg = html_t(l, "opendata.staff.error.email");
	else if (v.source_url && *v.source_url && strncmp(v.source_url, "https://", 8) && strncmp(v.source_url, "http://", 7))
		err_id = "od-source_url", msg = html_t(l, "opendata.staff.error.source_url");
	int nl = 0, lic_ok = 0;
	const struct opendata_license *lic = opendata_licenses_builtin(&nl);
	for (int i = 0; v.license_id && i < nl; i++)
		lic_ok |= strcmp(lic[i].id, v.license_id) == 0;
	if (!err_id && !lic_ok)
		err_id = "od-license_id", msg = html_t(l, "opendata.staff.error.license");
	if (err_id)
		return render_form(r, 400, &v, is_new,
				   &(struct od_error){ .field_id = err_id, .message = msg },
				   NULL, NULL);

	struct err e;
	err_clear(&e);
	/* the standard format a dataset conforms to is kept (set by import) */
	char *format_id = NULL;
	int rc = opendata_dataset_find(NULL, &format_id, s, q->tenant.code, v.name, 0, &e);
	int exists = rc == 0;
	if (rc && rc != ERR_NOTFOUND)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (is_new && exists) {
		free(format_id);
		return render_form(r, 409, &v, 1,
				   &(struct od_error){ .field_id = "od-name",
						       .message = html_t(l, "opendata.staff.error.name_taken") },
				   NULL, NULL);
	}
	if (!is_new && !exists)
		return app_send_error(r, ERR_NOTFOUND, "opendata.error.dataset_not_found", NULL);
	struct opendata_dataset d = {
		.name = v.name, .title = v.title, .title_en = nz(v.title_en), .notes = nz(v.notes),
		.org_name = v.organization, .license_id = v.license_id, .frequency = nz(v.frequency),
		.spatial = nz(v.spatial), .temporal_start = nz(v.temporal_start), .temporal_end = nz(v.temporal_end),
		.contact_name = nz(v.contact_name), .contact_email = nz(v.contact_email),
		.source_url = nz(v.source_url), .attribution = nz(v.attribution),
		.format_id = nz(format_id), .tags = tags, .ntags = ntags, .groups = groups, .ngroups = ngroups,
	};
	struct app_actor a;
	app_actor_of(&a, r);
	char id[OPENDATA_ID_LEN + 1];
	int created = 0;
	if ((rc = store_begin(s, &e)) == 0) {
		rc = opendata_licenses_seed(s, q->tenant.code, &e);
		if (rc == 0)
			rc = opendata_dataset_put(id, &created, s, q->tenant.code, &d, app_now(), &e);
		if (rc == 0)
			rc = opendata_search_put(app_search(r), s, q->tenant.code, id, &e);
		if (rc == 0)
			rc = app_audit_as(s, &app_of(r)->audit, &a,
					  &(struct app_audit_entry){
						  .action = created ? "opendata.dataset_created"
								    : "opendata.dataset_updated",
						  .object_type = "dataset", .object_id = v.name,
						  .result = AUDIT_R_OK }, &e);
		if (rc == 0)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
	}
	free(format_id);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND)
		return render_form(r, 400, &v, is_new,
				   &(struct od_error){ .field_id = "od-title",
						       .message = html_t(l, "opendata.staff.error.not_saved") },
				   NULL, NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, dataset_url(r, v.name, "saved", "1"));
}

/* ---- the CSV upload (validation and storage on the blocking pool) ---- */

#define UPLOAD_REPORT_MAX (96u << 10)

struct upload_job {
	char tenant[TENANT_CODE_LEN + 1];
	char name[OPENDATA_NAME_MAX + 1];
	char target[OPENDATA_TITLE_MAX + 1];
	struct app_actor actor;
	enum html_lang lang;
	char *data;                 /* malloc'd copy of the file, freed by work */
	size_t len;
	/* results */
	int rc;
	int refused;                /* the CSV has errors: not published */
	int version;
	long nerrors, nwarnings, rows;
	char detail[256];
	char report[UPLOAD_REPORT_MAX]; /* the problems as HTML rows */
};

/* the problems as table rows (escaped) */
static void report_rows(struct upload_job *j, const struct opendata_report *rep)
{
	struct buf b;
	buf_init(&b, UPLOAD_REPORT_MAX - 1);
	for (int i = 0; i < rep->nproblems; i++) {
		const struct opendata_problem *p = &rep->problems[i];
		size_t before = b.len;
		if (p->row)
			html_printf(&b, "<tr><td>%ld</td>", p->row);
		else
			html_printf(&b, "<tr><td>%s</td>", html_t(j->lang, "opendata.staff.report.header"));
		html_printf(&b, "<td>%ld</td><td>%d%s%s</td><td>%s</td><td><code>%s</code></td><td>%s<br><span lang=\"%s\">%s</span></td></tr>",
			    p->line, p->col, p->column[0] ? " " : "", p->column,
			    html_t(j->lang, p->sev == OD_ERROR ? "opendata.staff.report.error"
							       : "opendata.staff.report.warning"), p->code,
			    j->lang == HTML_EN ? p->en : p->ja, j->lang == HTML_EN ? "ja" : "en",
			    j->lang == HTML_EN ? p->ja : p->en);
		if (b.len >= UPLOAD_REPORT_MAX - 2048) {
			b.len = before;
			break;
		}
	}
	snprintf(j->report, sizeof j->report, "%s", buf_cstr(&b));
	buf_done(&b);
}

static void upload_work(void *arg, void *pool_ctx)
{
	struct upload_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct store *s = t->store;
	struct err e;
	err_clear(&e);
	struct opendata_formats fs = { 0 };
	if (opendata_formats_load(&fs, STAFF_OD_FORMATS, &e))
		memset(&fs, 0, sizeof fs); /* no formats: checked as plain CSV */
	err_clear(&e);
	char dsid[OPENDATA_ID_LEN + 1] = "", *format_id = NULL;
	j->rc = opendata_dataset_find(dsid, &format_id, s, j->tenant, j->name, 1, &e);
	struct opendata_report rep;
	memset(&rep, 0, sizeof rep);
	int have_rep = 0;
	if (j->rc == 0) {
		struct opendata_validate_opts vo = { .format_id = format_id && *format_id ? format_id : NULL, .derive = 1 };
		int vr = opendata_validate_buf(&rep, &fs, j->data, j->len, &vo, &e);
		have_rep = 1;
		j->nerrors = rep.nerrors;
		j->nwarnings = rep.nwarnings;
		j->rows = rep.rows;
		report_rows(j, &rep);
		if (vr || rep.nerrors) {
			j->refused = 1;
			if (vr && rep.nerrors == 0)
				j->nerrors = 1;
		}
	}
	if (j->rc == 0) {
		struct opendata_published pub;
		int rc = store_begin(s, &e);
		if (rc == 0 && !j->refused)
			rc = opendata_csv_publish(&pub, s, j->tenant, dsid,
						  &(struct opendata_csv_in){ .name = j->target,
									     .data = j->data,
									     .len = j->len,
									     .report = &rep },
						  app_now(), &e);
		if (rc == 0 && !j->refused)
			rc = opendata_search_put(t->search, s, j->tenant, dsid, &e);
		if (rc == 0)
			rc = app_audit_as(s, &t->app->audit, &j->actor,
					  &(struct app_audit_entry){
						  .action = j->refused ? "opendata.upload_refused"
								       : "opendata.resource_uploaded",
						  .object_type = "dataset", .object_id = j->name,
						  .result = j->refused ? AUDIT_R_FAILED : AUDIT_R_OK },
					  &e);
		if (rc == 0)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
		if (rc == 0 && !j->refused)
			j->version = pub.version;
		j->rc = rc;
	}
	if (j->rc)
		snprintf(j->detail, sizeof j->detail, "%s", e.detail);
	if (have_rep)
		opendata_report_done(&rep);
	opendata_formats_done(&fs);
	free(format_id);
	free(j->data);
	j->data = NULL;
}

static int upload_done(struct http_req *r, void *arg)
{
	enum html_lang l = app_req(r)->lang;
	struct upload_job *j = arg;
	if (j->rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "opendata.error.dataset_not_found", NULL);
	if (j->rc == ERR_LIMIT || j->rc == ERR_INVALID)
		return app_send_error(r, j->rc, "opendata.staff.error.file_not_stored", j->detail);
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->detail);
	if (!j->refused) {
		char version[16];
		snprintf(version, sizeof version, "%d", j->version);
		return http_redirect(r, 303, arena_printf(r->arena, "%s#files-h",
							  dataset_url(r, j->name, "uploaded", version)));
	}
	/* refused: the report by row and column, then the form again */
	struct opendata_ctx c = { .s = app_store(r), .tenant = app_req(r)->tenant.code, .base = "" };
	json_t *pkg = NULL;
	struct err e;
	if (opendata_package(&pkg, &c, j->name, &e))
		return app_send_error(r, ERR_NOTFOUND, "opendata.error.dataset_not_found", NULL);
	struct form_vals v = { 0 };
	vals_of_pkg(r, &v, pkg);
	/* render the form page with the error summary, then splice the
	 * report in front of the upload form */
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, arena_printf(r->arena, "%s: %s", html_t(l, "opendata.staff.report.page_title"), v.title),
		      "od-csv",
		      arena_printf(r->arena, html_t(l, "opendata.staff.report.refused"),
				   j->nerrors));
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/opendata\">%s</a> · <a href=\"%s\">%s</a></p>\n",
		    html_t(l, "opendata.staff.title"), dataset_url(r, j->name, NULL, NULL), v.title);
	html_printf(&b, "<h2 id=\"report-h\">%s</h2><p>%s %ld / %s %ld / %s %ld</p>"
		       "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"report-cap\" tabindex=\"0\"><table class=\"report\">"
		       "<caption id=\"report-cap\">%s %s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    html_t(l, "opendata.staff.report.title"),
		    html_t(l, "opendata.staff.report.rows"), j->rows,
		    html_t(l, "opendata.staff.errors"),
		    j->nerrors, html_t(l, "opendata.staff.warnings"), j->nwarnings, j->target, html_t(l, "opendata.staff.report.problems"),
		    html_t(l, "opendata.staff.report.row"), html_t(l, "opendata.staff.report.line"),
		    html_t(l, "opendata.staff.report.column"),
		    html_t(l, "opendata.staff.report.kind"),
		    html_t(l, "opendata.staff.report.code"),
		    html_t(l, "opendata.staff.report.what"));
	buf_puts(&b, j->report);
	buf_puts(&b, "</tbody></table></div>\n");
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/opendata/upload\" enctype=\"multipart/form-data\" class=\"form\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"%s\">"
		       "<input type=\"hidden\" name=\"target\" value=\"%s\">",
		    html_t(l, "opendata.staff.report.upload_again"), app_req(r)->csrf, j->name, j->target);
	/* the report above and the error summary say what is wrong */
	struct ui_field f = {
		.name = "csv", .id = "od-csv",
		.label = arena_printf(r->arena, "%s (%s)", html_t(l, "opendata.staff.upload.csv"), j->target),
		.type = "file", .accept = ".csv,text/csv", .html_required = 1, .invalid = 1, .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "opendata.staff.upload.submit"));
	json_decref(pkg);
	return app_page_send(r, 422, &b, &pg);
}

int page_staff_opendata_upload(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const struct http_part *f = http_file(r, "csv");
	const char *name = http_param(r, "name"), *target = http_param(r, "target");
	if (!f || f->len == 0) {
		struct opendata_ctx c = { .s = app_store(r), .tenant = app_req(r)->tenant.code, .base = "" };
		json_t *pkg = NULL;
		struct err e;
		if (opendata_package(&pkg, &c, name, &e))
			return app_send_error(r, ERR_NOTFOUND, "opendata.error.dataset_not_found", NULL);
		struct form_vals v = { 0 };
		vals_of_pkg(r, &v, pkg);
		int rc = render_form(r, 400, &v, 0,
				     &(struct od_error){ .field_id = "od-csv",
							 .message = html_t(l, "opendata.staff.error.no_file") },
				     NULL, pkg);
		json_decref(pkg);
		return rc;
	}
	/* the resource's name: the chosen file, else the uploaded file's name
	 * (its last path part, control characters refused) */
	const char *rn = target && *target ? target : f->filename;
	const char *slash = rn ? strrchr(rn, '/') : NULL;
	if (slash)
		rn = slash + 1;
	slash = rn ? strrchr(rn, '\\') : NULL;
	if (slash)
		rn = slash + 1;
	int ok = rn && *rn && strlen(rn) <= 200;
	for (const unsigned char *p = (const unsigned char *)(rn ? rn : ""); ok && *p; p++)
		ok = *p >= 0x20 && *p != 0x7f;
	if (!ok)
		return app_send_error(r, ERR_INVALID, "opendata.staff.error.file_name", "bad file name");
	struct upload_job *j = calloc(1, sizeof *j);
	if (!j)
		return ERR_NOMEM;
	snprintf(j->tenant, sizeof j->tenant, "%s", app_req(r)->tenant.code);
	snprintf(j->name, sizeof j->name, "%s", name);
	snprintf(j->target, sizeof j->target, "%s", rn);
	app_actor_of(&j->actor, r);
	j->lang = app_req(r)->lang;
	j->data = malloc(f->len + 1);
	if (!j->data) {
		free(j);
		return ERR_NOMEM;
	}
	memcpy(j->data, f->data, f->len);
	j->len = f->len;
	int rc = http_defer(r, upload_work, upload_done, j, sizeof *j);
	if (rc)
		free(j->data);
	free(j);
	return rc;
}
