/*
 * page_procedures.c -- the procedure editor of the back office (staff with
 * procedures.manage): the published procedures with their versions, an
 * editor (a textarea with the latest definition JSON, or a template),
 * "check": the schema check (forms_def_parse) with the problem's JSON path
 * shown next to the textarea, or on success a preview of every page (an
 * outline with conditions, options and prefill, and the page as the
 * resident pages render it, src/web/page_form.h); "publish": forms_publish, a new immutable version only when the
 * definition changed, its audit record written in the same transaction;
 * and a read-only view of any published version.
 *
 * Invariants: nothing here changes a published version (forms_publish
 * only ever inserts); the definition text is only ever shown escaped;
 * pages work without JavaScript (check and publish are two submit buttons
 * of one form); assets/procedures.js only adds a live check and preview
 * while typing, through the same check route.  Limits: a definition sent from the editor is at most
 * HTTP_MAX_PARAM_LEN bytes (64 KiB; larger ones are loaded with
 * `madoguchi procedure load`); the version history shows the newest
 * PROC_MAX_VERSIONS versions.
 */
#include "web/app.h"
#include "web/ui.h"
#include "jp/date.h"
#include "base/log.h"
#include "web/page_form.h"
#include "base/util.h"
#include "core/forms/forms.h"
#include "svc/procedures/procedures.h"
#include "svc/dept/dept.h"
#include "svc/procedures/web/procedures_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROC_MAX_VERSIONS 50

/* ---- declared parameters (routes.c) ---- */

static int v_proc_code(const char *v, size_t n)
{
	if (n == 0 || n > FORMS_ID_MAX || !(v[0] >= 'a' && v[0] <= 'z'))
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

static int v_proc_version(const char *v, size_t n)
{
	if (n == 0 || n > 6 || v[0] == '0')
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

const struct http_param_spec app_p_proc_code[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_proc_code, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_proc_version[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_proc_code, 1 },
	{ "n", HTTP_PATH, 6, v_proc_version, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the router's check: UTF-8, no control characters but tab, CR, LF */
const struct http_param_spec app_p_proc_def[] = {
	{ "definition", HTTP_FORM, HTTP_MAX_PARAM_LEN, NULL, HTTP_PARAM_REQUIRED | HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};

/* ---- JSON for the textarea: keys in a reading order ---- */

static const char *const key_order[] = {
	"format", "id", "type", "title", "label", "description", "hint", "department",
	"fee", "amount_yen", "timing", "signature", "staff_states", "retention_years",
	"target_days", "life_events", "required", "required_if", "show_if", "prefill",
	"waive_if", "source", "path", "editable", "matches", "display", "min", "max",
	"not_future", "min_length", "max_length", "pattern", "min_selected", "max_selected",
	"min_items", "max_items", "accept", "max_bytes", "text", "options", "value", "fields",
	"pages", "routes", "from", "if", "goto", "exits", "body", "checks", "field", "when",
	"assert", "message", "declaration", "ja", "en", "ja-easy",
};

static json_t *ordered(const json_t *v, int depth)
{
	if (depth > 16)
		return json_deep_copy(v);
	if (json_is_array(v)) {
		json_t *o = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			json_array_append_new(o, ordered(x, depth + 1));
		return o;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof key_order / sizeof key_order[0]; i++) {
		const json_t *x = json_object_get(v, key_order[i]);
		if (x)
			json_object_set_new(o, key_order[i], ordered(x, depth + 1));
	}
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
		if (!json_object_get(o, k))
			json_object_set_new(o, k, ordered(x, depth + 1));
	return o;
}

/* pretty JSON text of a definition (malloc'd) */
static char *pretty(const json_t *doc)
{
	json_t *o = ordered(doc, 0);
	char *t = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return t;
}

static const char TEMPLATE[] =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"new-procedure\","
	"\"title\":{\"ja\":\"新しい手続\",\"en\":\"New procedure\"},"
	"\"department\":\"kuminka\",\"retention_years\":5,\"target_days\":14,"
	"\"pages\":[{\"id\":\"applicant\",\"title\":{\"ja\":\"申請者\",\"en\":\"Applicant\"},"
	"\"fields\":["
	"{\"id\":\"applicant_name\",\"type\":\"name_jp\",\"label\":{\"ja\":\"氏名\",\"en\":\"Name\"},"
	"\"required\":true,\"prefill\":{\"source\":\"juki\",\"path\":\"name\"}},"
	"{\"id\":\"applicant_address\",\"type\":\"address_jp\",\"label\":{\"ja\":\"住所\",\"en\":\"Address\"},"
	"\"required\":true,\"prefill\":{\"source\":\"juki\",\"path\":\"address\"}},"
	"{\"id\":\"applicant_phone\",\"type\":\"phone\",\"label\":{\"ja\":\"電話番号\",\"en\":\"Phone number\"},"
	"\"required\":true,\"prefill\":{\"source\":\"previous_submission\"}}]}]}";

/* ---- the preview outline ---- */

static void when_jst(char *out, size_t n, int64_t t)
{
	struct tm tm;
	jp_jst_tm(&tm, t);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

static void both(struct buf *b, const struct forms_text *t)
{
	html_printf(b, "<span lang=\"ja\">%s</span> / <span lang=\"en\">%s</span>",
		    t->ja ? t->ja : "", t->en ? t->en : "");
}

static void preview_fields(struct buf *b, enum html_lang l,
			   const struct forms_field *fs, int n, int depth)
{
	buf_puts(b, "<ol class=\"preview-fields\">\n");
	for (int i = 0; i < n; i++) {
		const struct forms_field *f = &fs[i];
		buf_puts(b, "<li>");
		if (f->type == FORMS_T_INFO) {
			html_printf(b, "<span class=\"tag\">info</span> ");
			both(b, &f->text);
			buf_puts(b, "</li>\n");
			continue;
		}
		if (f->label.ja) {
			buf_puts(b, "<strong>");
			both(b, &f->label);
			buf_puts(b, "</strong> ");
		}
		html_printf(b, "<span class=\"tag\">%s</span> <code>%s</code>",
			    forms_type_name(f->type), f->id);
		buf_puts(b, "<ul class=\"preview-props\">");
		if (f->required)
			html_printf(b, "<li>%s</li>", html_t(l, "proc.required"));
		if (f->required_if_src)
			html_printf(b, "<li>%s: <code>%s</code></li>", html_t(l, "proc.required_if"),
				    f->required_if_src);
		if (f->show_if_src)
			html_printf(b, "<li>%s: <code>%s</code></li>", html_t(l, "proc.shown_if"),
				    f->show_if_src);
		if (f->prefill_source)
			html_printf(b, "<li>%s: <code>%s%S%s</code>%s%s</li>", html_t(l, "proc.prefill"),
				    f->prefill_source, f->prefill_path ? "." : "",
				    f->prefill_path ? f->prefill_path : "",
				    f->prefill_editable ? "" : " ",
				    f->prefill_editable ? "" : html_t(l, "proc.prefill_read_only"));
		if (f->waive_source)
			html_printf(b, "<li>%s: <code>%s.%s</code>%S%s</li>", html_t(l, "proc.waive"),
				    f->waive_source, f->waive_path,
				    f->waive_matches ? " = " : "",
				    f->waive_matches ? f->waive_matches : "");
		if (f->hint.ja) {
			html_printf(b, "<li>%s: ", html_t(l, "proc.hint"));
			both(b, &f->hint);
			buf_puts(b, "</li>");
		}
		if (f->type == FORMS_T_DECLARATION && f->text.ja) {
			buf_puts(b, "<li>");
			both(b, &f->text);
			buf_puts(b, "</li>");
		}
		if (f->type == FORMS_T_FILE) {
			html_printf(b, "<li>%s: ", html_t(l, "proc.accept"));
			for (int j = 0; j < f->naccept; j++)
				html_printf(b, "%S<code>%s</code>", j ? ", " : "", f->accept[j]);
			html_printf(b, " (%ld MiB)</li>", (long)((f->max_bytes + (1 << 20) - 1) >> 20));
		}
		buf_puts(b, "</ul>");
		if (f->noptions > 0) {
			html_printf(b, "<p class=\"preview-sub\">%s</p><ul>", html_t(l, "proc.options"));
			for (int j = 0; j < f->noptions; j++) {
				html_printf(b, "<li><code>%s</code> ", f->options[j].value);
				both(b, &f->options[j].label);
				buf_puts(b, "</li>");
			}
			buf_puts(b, "</ul>");
		}
		if (f->type == FORMS_T_GROUP && depth < FORMS_MAX_GROUP_DEPTH)
			preview_fields(b, l, f->fields, f->nfields, depth + 1);
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ol>\n");
}

static void preview(struct buf *b, enum html_lang l, const struct forms_def *d)
{
	html_printf(b, "<section class=\"preview\" aria-labelledby=\"preview-title\">"
		    "<h2 id=\"preview-title\">%s</h2><p><strong>", html_t(l, "proc.preview"));
	both(b, &d->title);
	html_printf(b, "</strong> <code>%s</code></p><ul class=\"preview-props\">"
		    "<li>%s: <code>%s</code></li><li>%s: %ld</li><li>%s: %ld</li>"
		    "<li>%s: %ld</li><li>%s: <code>%s</code></li></ul>\n",
		    d->id, html_t(l, "proc.department"), d->department,
		    html_t(l, "proc.fee"), (long)d->fee_yen,
		    html_t(l, "proc.target_days"), (long)d->target_days,
		    html_t(l, "proc.retention"), (long)d->retention_years,
		    html_t(l, "proc.signature"), d->signature ? d->signature : "none");
	for (int i = 0; i < d->npages; i++) {
		const struct forms_page *pg = &d->pages[i];
		html_printf(b, "<h3>%s %d: ", html_t(l, "proc.page"), i + 1);
		both(b, &pg->title);
		html_printf(b, " <code>%s</code></h3>\n", pg->id);
		if (pg->show_if_src)
			html_printf(b, "<p>%s: <code>%s</code></p>", html_t(l, "proc.shown_if"),
				    pg->show_if_src);
		preview_fields(b, l, pg->fields, pg->nfields, 0);
		/* the page as a resident first sees it (the resident pages'
		 * renderer, page_form.c): fields shown by default only */
		struct form_view v = { .d = d, .page = i, .lang = html_lang_code(l),
				       .today = form_today(app_now()), .preview = 1 };
		html_printf(b, "<details class=\"preview-render\" open><summary>%s</summary>"
			    "<div class=\"preview-form\">", html_t(l, "proc.as_seen"));
		struct err e;
		if (form_render_page(b, &v, &e) != 0)
			html_printf(b, "<p>%s</p>", html_t(l, "proc.no_render"));
		buf_puts(b, "</div></details>\n");
	}
	if (d->nroutes > 0) {
		html_printf(b, "<h3>%s</h3><ul>", html_t(l, "proc.routes"));
		for (int i = 0; i < d->nroutes; i++) {
			const struct forms_route *r = &d->routes[i];
			const char *to = r->to >= 0 ? d->pages[r->to].id
					 : r->to == FORMS_GOTO_EXIT ? d->exits[r->exit].id : "end";
			html_printf(b, "<li><code>%s</code> → <code>%S%s</code>",
				    d->pages[r->from].id, r->to == FORMS_GOTO_EXIT ? "exit:" : "", to);
			if (r->cond_src)
				html_printf(b, " (<code>%s</code>)", r->cond_src);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>\n");
	}
	if (d->nexits > 0) {
		html_printf(b, "<h3>%s</h3><ul>", html_t(l, "proc.exits"));
		for (int i = 0; i < d->nexits; i++) {
			html_printf(b, "<li><code>%s</code> ", d->exits[i].id);
			both(b, &d->exits[i].title);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>\n");
	}
	if (d->nchecks > 0) {
		html_printf(b, "<h3>%s</h3><ul>", html_t(l, "proc.checks"));
		for (int i = 0; i < d->nchecks; i++) {
			html_printf(b, "<li><code>%s</code>: ", d->checks[i].field);
			both(b, &d->checks[i].message);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>\n");
	}
	buf_puts(b, "</section>\n");
}

/* ---- pages ---- */

static void assets(struct buf *b)
{
	buf_puts(b, "<link rel=\"stylesheet\" href=\"/assets/apply.css\">\n"
		 "<link rel=\"stylesheet\" href=\"/assets/procedures.css\">\n"
		 "<script src=\"/assets/procedures.js\" defer></script>\n");
}

#define PROC_MAX_LISTED 1000
#define PROC_VERSIONS_LISTED 10

struct list_row {
	char id[FORMS_ID_MAX + 1];
	const char *title_ja, *title_en;
	int version;
	int64_t published_at;
	int unpublished;
	const char *draft_state;       /* NULL: no draft */
};

struct list_ctx {
	struct arena *a;
	struct list_row *rows;
	int n;
};

/* a draft: marks its published row, or is a row of its own (new) */
static void draft_row(const char *code, const char *state, void *arg)
{
	struct list_ctx *c = arg;
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].id, code) == 0) {
			c->rows[i].draft_state = arena_strdup(c->a, state);
			return;
		}
	if (c->n >= PROC_MAX_LISTED)
		return;
	struct list_row *w = &c->rows[c->n];
	memset(w, 0, sizeof *w);
	snprintf(w->id, sizeof w->id, "%s", code);
	w->title_ja = w->title_en = "";
	w->draft_state = arena_strdup(c->a, state);
	if (w->draft_state)
		c->n++;
}

/* copy the rows out: versions are read after the listing's result set
 * is closed (one result set per connection at a time) */
static void list_row(const struct forms_published *p, void *arg)
{
	struct list_ctx *c = arg;
	if (c->n >= PROC_MAX_LISTED)
		return;
	struct list_row *w = &c->rows[c->n];
	snprintf(w->id, sizeof w->id, "%s", p->id);
	w->title_ja = arena_strdup(c->a, p->title_ja);
	w->title_en = arena_strdup(c->a, p->title_en);
	w->version = p->version;
	w->published_at = p->published_at;
	w->unpublished = p->unpublished;
	w->draft_state = NULL;
	if (w->title_ja && w->title_en)
		c->n++;
}

int page_staff_procedures(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct list_ctx c = { r->arena, arena_alloc(r->arena, sizeof *c.rows * PROC_MAX_LISTED), 0 };
	if (!c.rows)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "arena full");
	struct err e;
	int rc = forms_list_staff(app_store(r), q->tenant.code, list_row, &c, &e);
	if (rc >= 0)
		rc = forms_drafts_list(app_store(r), q->tenant.code, draft_row, &c, &e);
	if (rc < 0)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "proc.title"), NULL, NULL);
	assets(&b);
	html_printf(&b, "<p><a class=\"button\" href=\"/staff/procedures/new\">%s</a></p>\n",
		    html_t(l, "proc.new"));
	/* the table scrolls inside its own box (a focusable region), never
	 * the page: at 360 px its narrowest layout depends on the fonts */
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"proc-list-cap\" tabindex=\"0\">"
		    "<table class=\"proc-list\"><caption id=\"proc-list-cap\">%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\"><span class=\"visually-hidden\">%s</span></th></tr></thead><tbody>\n",
		    html_t(l, "proc.title"), html_t(l, "proc.code"), html_t(l, "proc.name"),
		    html_t(l, "proc.versions"), html_t(l, "proc.published"), html_t(l, "proc.actions"));
	for (int i = 0; i < c.n; i++) {
		const struct list_row *w = &c.rows[i];
		char when[32] = "";
		if (w->published_at)
			when_jst(when, sizeof when, w->published_at);
		html_printf(&b, "<tr><th scope=\"row\"><code>%s</code></th><td>"
			    "<span lang=\"ja\">%s</span><br><span lang=\"en\">%s</span>",
			    w->id, w->title_ja, w->title_en);
		if (w->draft_state) {
			char sid[32];
			snprintf(sid, sizeof sid, "proc.s.%s", w->draft_state);
			html_printf(&b, " <span class=\"tag\">%s</span>", html_t(l, sid));
		}
		if (w->unpublished)
			html_printf(&b, " <span class=\"tag\">%s</span>", html_t(l, "proc.s.unpublished"));
		buf_puts(&b, "</td><td>");
		struct forms_version_info v[PROC_VERSIONS_LISTED];
		int nv = forms_versions(v, PROC_VERSIONS_LISTED, app_store(r), q->tenant.code, w->id, &e);
		for (int k = 0; k < nv; k++)
			html_printf(&b, "%S<a href=\"/staff/procedures/%s/versions/%d\">v%d</a>",
				    k ? ", " : "", w->id, v[k].version, v[k].version);
		if (nv == PROC_VERSIONS_LISTED)
			buf_puts(&b, ", …");
		html_printf(&b, "</td><td>%s</td><td><a href=\"/staff/procedures/%s/builder\">%s"
			    "<span class=\"visually-hidden\"> %s</span></a><br>"
			    "<a href=\"/staff/procedures/%s/edit\">%s"
			    "<span class=\"visually-hidden\"> %s</span></a></td></tr>\n",
			    when, w->id, html_t(l, "proc.b.open"), w->id, w->id, html_t(l, "proc.b.json"), w->id);
	}
	buf_puts(&b, "</tbody></table></div>\n");
	if (c.n == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "proc.none"));
	return app_page_send(r, 200, &b, &pg);
}

/* the editor: text in the textarea, an optional problem (path + detail)
 * next to it, and an optional preview of a valid definition */
static int render_editor(struct http_req *r, int status, const char *title,
			 const char *text, const char *problem,
			 const struct forms_def *valid, const char *code)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, title, "definition", problem ? html_t(l, "proc.invalid") : NULL);
	assets(&b);
	if (valid)
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>\n", html_t(l, "proc.valid"));
	if (code) {
		struct forms_version_info v[PROC_MAX_VERSIONS];
		struct err e;
		int n = forms_versions(v, PROC_MAX_VERSIONS, app_store(r), q->tenant.code, code, &e);
		if (n > 0) {
			html_printf(&b, "<p>%s: ", html_t(l, "proc.versions"));
			for (int i = 0; i < n; i++)
				html_printf(&b, "%S<a href=\"/staff/procedures/%s/versions/%d\">v%d</a>",
					    i ? ", " : "", code, v[i].version, v[i].version);
			buf_puts(&b, "</p>\n");
		}
	}
	html_printf(&b, "<form method=\"post\" action=\"/staff/procedures/check\" class=\"editor\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	struct ui_field f = {
		.name = "definition", .id = "definition", .label = html_t(l, "proc.definition"),
		.hint = html_t(l, "proc.definition_hint"), .value = text, .autocomplete = "off",
		.verbatim = 1, .lang = l,
	};
	struct buf eb;
	buf_init(&eb, 1u << 16);
	if (problem) {
		/* the schema check's detail is "JSON.path: what is wrong" (in
		 * English: marked so) */
		const char *colon = strstr(problem, ": ");
		html_printf(&eb, "<strong>%s</strong>", html_t(l, "proc.invalid"));
		if (colon) {
			char path[FORMS_PATH_MAX + 64];
			snprintf(path, sizeof path, "%.*s", (int)(colon - problem), problem);
			html_printf(&eb, "<br>%s: <code class=\"error-path\">%s</code><br><span lang=\"en\">%s</span>",
				    html_t(l, "proc.error_at"), path, colon + 2);
		} else {
			html_printf(&eb, "<br><span lang=\"en\">%s</span>", problem);
		}
		f.error_html = buf_cstr(&eb);
	}
	ui_textarea(&b, &f, 28);
	buf_done(&eb);
	html_printf(&b, "<div class=\"editor-buttons\">"
		    "<button type=\"submit\" class=\"button-secondary\">%s</button> "
		    "<button type=\"submit\" class=\"button\" formaction=\"/staff/procedures/draft\">%s</button>"
		    "</div></form>\n",
		    html_t(l, "proc.check"), html_t(l, "proc.save_draft"));
	if (valid)
		preview(&b, l, valid);
	html_printf(&b, "<p><a href=\"/staff/procedures\">%s</a></p>", html_t(l, "proc.back"));
	return app_page_send(r, status, &b, &pg);
}

/* the builder's form for a new procedure (code, titles, department) */

/* the ward's departments as the options of a select ("code: name") */
struct dept_opts {
	struct http_req *r;
	enum html_lang l;
	struct ui_option *opts;
	int n;
};

static void dept_opt(const struct dept *d, void *arg)
{
	struct dept_opts *o = arg;
	if (o->n >= DEPT_LIST_MAX)
		return;
	const char *name = o->l == HTML_EN && d->name_en[0] ? d->name_en : d->name_ja;
	o->opts[o->n].value = arena_strdup(o->r->arena, d->code);
	o->opts[o->n].label = arena_printf(o->r->arena, "%s（%s）", name, d->code);
	if (o->opts[o->n].value && o->opts[o->n].label)
		o->n++;
}

static void create_form(struct buf *b, struct http_req *r, const char *err, const char *err_id)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	html_printf(b, "<section aria-labelledby=\"create-title\"><h2 id=\"create-title\">%s</h2><p>%s</p>"
		    "<form method=\"post\" action=\"/staff/procedures/create\" id=\"create\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "proc.b.create"), html_t(l, "proc.b.create_lead"), q->csrf);
	const char *code = http_param(r, "code");
	struct ui_field c = { .name = "code", .id = "new-code", .label = html_t(l, "proc.code"),
			      .hint = html_t(l, "proc.b.code_hint"), .value = err ? code : NULL,
			      .verbatim = 1, .maxlength = FORMS_ID_MAX, .required = 1, .lang = l,
			      .error = err_id && !strcmp(err_id, "new-code") ? err : NULL };
	ui_input(b, &c);
	struct ui_field ja = { .name = "label_ja", .id = "new-label_ja",
			       .label = arena_printf(r->arena, "%s（%s）", html_t(l, "proc.name"), html_t(l, "proc.b.in_ja")),
			       .value = err ? http_param(r, "label_ja") : NULL, .required = 1, .lang = l,
			       .maxlength = FORMS_TEXT_MAX,
			       .error = err_id && !strcmp(err_id, "new-label_ja") ? err : NULL };
	ui_input(b, &ja);
	struct ui_field en = { .name = "label_en", .id = "new-label_en",
			       .label = arena_printf(r->arena, "%s（%s）", html_t(l, "proc.name"), html_t(l, "proc.b.in_en")),
			       .value = err ? http_param(r, "label_en") : NULL, .required = 1, .lang = l,
			       .maxlength = FORMS_TEXT_MAX };
	ui_input(b, &en);
	/* the department from the ward's departments (src/svc/dept), so that
	 * a procedure names one that exists; typed only where none are kept */
	struct dept_opts dop = { r, l, NULL, 0 };
	struct err de;
	dop.opts = arena_alloc(r->arena, sizeof *dop.opts * DEPT_LIST_MAX);
	if (dop.opts)
		dept_list(app_store(r), app_req(r)->tenant.code, dept_opt, &dop, &de);
	struct ui_field dp = { .name = "department", .id = "new-department", .label = html_t(l, "proc.department"),
			       .hint = html_t(l, dop.n ? "proc.b.department_pick" : "proc.b.department_hint"),
			       .value = err ? http_param(r, "department") : NULL, .required = 1,
			       .verbatim = 1, .maxlength = FORMS_ID_MAX, .lang = l,
			       .required_text = html_t(l, "form.required") };
	if (dop.n)
		ui_select(b, &dp, dop.opts, dop.n, html_t(l, "form.choose"));
	else
		ui_input(b, &dp);
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form></section>\n",
		    html_t(l, "proc.b.create_button"));
}

int page_staff_procedure_new_with(struct http_req *r, int status, const char *err, const char *err_id)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "proc.new"), err_id, err);
	assets(&b);
	create_form(&b, r, err, err_id);
	html_printf(&b, "<p><a href=\"/staff/procedures/new/json\">%s</a></p>", html_t(l, "proc.b.json_new"));
	html_printf(&b, "<p><a href=\"/staff/procedures\">%s</a></p>", html_t(l, "proc.back"));
	return app_page_send(r, status, &b, &pg);
}

int page_staff_procedure_new(struct http_req *r)
{
	return page_staff_procedure_new_with(r, 200, NULL, NULL);
}

int page_staff_procedure_new_json(struct http_req *r)
{
	struct app_req *q = app_req(r);
	json_t *doc = json_loads(TEMPLATE, 0, NULL);
	char *text = doc ? pretty(doc) : NULL;
	json_decref(doc);
	if (!text)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "template");
	int rc = render_editor(r, 200, html_t(q->lang, "proc.new"), text, NULL, NULL, NULL);
	free(text);
	return rc;
}

int page_staff_procedure_edit(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = http_param(r, "code");
	struct forms_def *d = NULL;
	struct err e;
	/* the draft when there is one, else the latest version (withdrawn too) */
	struct forms_draft dr;
	int rc = forms_draft_get(&dr, r->arena, app_store(r), q->tenant.code, code, &e);
	if (rc == 0) {
		d = dr.def;
	} else if (rc == ERR_NOTFOUND) {
		struct forms_version_info vi;
		rc = forms_version_find(&vi, app_store(r), q->tenant.code, code, 0, &e);
		if (rc == 0)
			rc = forms_load_version(&d, NULL, r->arena, app_store(r),
						&(struct forms_ref){ .tenant = q->tenant.code, .id = code,
								     .version = vi.version }, &e);
	}
	if (rc)
		return app_send_error(r, rc, rc == ERR_NOTFOUND ? "proc.e.not_found" : NULL, e.detail);
	char *text = pretty(d->json);
	if (!text)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "pretty");
	rc = render_editor(r, 200, html_t(q->lang, "proc.edit"), text, NULL, NULL, code);
	free(text);
	return rc;
}

/* parse the posted definition; on a problem the editor is shown again */
static int posted_def(struct forms_def **d, struct http_req *r, struct err *e)
{
	const char *text = http_param(r, "definition");
	return forms_def_parse(d, r->arena, text, strlen(text), e);
}

int page_staff_procedure_check(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct forms_def *d = NULL;
	struct err e;
	err_clear(&e);
	int rc = posted_def(&d, r, &e);
	const char *title = html_t(q->lang, "proc.edit");
	if (rc == ERR_INVALID || rc == ERR_LIMIT)
		return render_editor(r, 422, title, http_param(r, "definition"), e.detail, NULL, NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return render_editor(r, 200, title, http_param(r, "definition"), NULL, d, d->id);
}

/* the JSON editor's "save as draft": the definition becomes the draft of
 * its procedure (the builder's working copy), which is published only
 * after a second member of staff approves it (page_builder.c) */
int page_staff_procedure_save_draft(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct forms_def *d = NULL;
	struct err e;
	err_clear(&e);
	int rc = posted_def(&d, r, &e);
	if (rc == ERR_INVALID || rc == ERR_LIMIT)
		return render_editor(r, 422, html_t(l, "proc.edit"), http_param(r, "definition"),
				     e.detail, NULL, NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct forms_version_info vi;
	int base = forms_version_find(&vi, app_store(r), q->tenant.code, d->id, 0, &e) == 0 ? vi.version : 0;
	rc = forms_draft_put(app_store(r), q->tenant.code, d, base, q->staff.id, &e);
	if (rc == ERR_CONFLICT)
		return render_editor(r, 409, html_t(l, "proc.edit"), http_param(r, "definition"),
				     html_t(l, "proc.e.in_review"), NULL, NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	app_audit(r, "procedure.draft.edit", "procedure", d->id, AUDIT_R_OK);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/procedures/%s/builder?saved=1", d->id));
}

int page_staff_procedure_version(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	int64_t n = 0;
	if (parse_i64(&n, http_param(r, "n"), 1, 999999))
		return http_send_error(r, ERR_NOTFOUND, NULL, NULL, "bad version");
	struct forms_def *d = NULL;
	struct err e;
	int got = 0;
	int rc = forms_load_version(&d, &got, r->arena, app_store(r),
				    &(struct forms_ref){ .tenant = q->tenant.code, .id = code,
							 .version = (int)n }, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char *text = pretty(d->json);
	if (!text)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "pretty");
	struct forms_version_info v[PROC_MAX_VERSIONS];
	int nv = forms_versions(v, PROC_MAX_VERSIONS, app_store(r), q->tenant.code, code, &e);
	struct html_page pg;
	struct buf b;
	char title[160];
	snprintf(title, sizeof title, "%s v%d", code, got);
	app_page_open(&b, &pg, r, title, NULL, NULL);
	assets(&b);
	html_printf(&b, "<p class=\"notice\">%s</p>\n", html_t(l, "proc.readonly"));
	for (int i = 0; i < nv; i++)
		if (v[i].version == got) {
			char when[32];
			when_jst(when, sizeof when, v[i].published_at);
			html_printf(&b, "<p>%s: %s (JST)<br>SHA-256: <code class=\"hash\">%s</code></p>\n",
				    html_t(l, "proc.published"), when, v[i].sha256);
		}
	if (nv > 1) {
		html_printf(&b, "<p>%s: ", html_t(l, "proc.versions"));
		for (int i = 0; i < nv; i++)
			html_printf(&b, "%S<a href=\"/staff/procedures/%s/versions/%d\"%S>v%d</a>",
				    i ? ", " : "", code, v[i].version,
				    v[i].version == got ? " aria-current=\"page\"" : "", v[i].version);
		buf_puts(&b, "</p>\n");
	}
	preview(&b, l, d);
	html_printf(&b, "<h2 id=\"json-title\">%s</h2><pre class=\"definition\" tabindex=\"0\" "
		    "aria-labelledby=\"json-title\"><code>%s</code></pre>\n",
		    html_t(l, "proc.definition"), text);
	free(text);
	html_printf(&b, "<p><a href=\"/staff/procedures/%s/builder\">%s</a> · "
		    "<a href=\"/staff/procedures/%s/diff\">%s</a> · "
		    "<a href=\"/staff/procedures\">%s</a></p>", code, html_t(l, "proc.b.open"), code,
		    html_t(l, "proc.b.history"), html_t(l, "proc.back"));
	return app_page_send(r, 200, &b, &pg);
}

/* ---- the role picker's department permissions (svc.h: permissions):
 * dept.<department> of every procedure of the municipality, so that a
 * department a procedure names is offered even before it has a row of
 * its own in the departments service ---- */

#define PERM_PROCS_MAX 512          /* procedures read for their department */

struct perm_procs {
	char (*id)[FORMS_ID_MAX + 1];
	int n;
};

static void perm_proc_id(const struct forms_published *p, void *arg)
{
	struct perm_procs *ids = arg;
	if (ids->n < PERM_PROCS_MAX)
		snprintf(ids->id[ids->n++], FORMS_ID_MAX + 1, "%s", p->id);
}

void procedures_dept_permissions(struct http_req *r, enum html_lang l,
				 void (*add)(void *arg, const char *name, const char *desc), void *arg)
{
	(void)l;   /* described by the picker's generic row (roles.perm.dept) */
	const char *tenant = app_req(r)->tenant.code;
	struct err e;
	struct perm_procs ids = { arena_alloc(r->arena, PERM_PROCS_MAX * sizeof *ids.id), 0 };
	if (!ids.id || forms_list(app_store(r), tenant, perm_proc_id, &ids, &e) < 0)
		return;
	for (int i = 0; i < ids.n; i++) {
		struct forms_def *d = NULL;
		char perm[AUTH_PERM_MAX + 1];
		if (forms_load_version(&d, NULL, r->arena, app_store(r),
				       &(struct forms_ref){ .tenant = tenant, .id = ids.id[i], .version = 0 },
				       &e) != 0 ||
		    !d->department || !d->department[0] ||
		    dept_perm(perm, sizeof perm, d->department) != 0)
			continue;
		add(arg, perm, NULL);
	}
}
