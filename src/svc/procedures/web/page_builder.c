/*
 * page_builder.c -- the procedure builder (staff with procedures.manage):
 * a procedure's draft as forms, with no JSON to write.  The procedure's
 * titles and department; each page with its fields; a field's label, hint,
 * required mark, options and its condition (three pickers: which earlier
 * field, which operator, which value); add a page, add a field from the
 * palette, move up / down, delete (after a confirmation page); the draft
 * shown as the resident will see it (src/web/page_form.c) in a phone-width
 * frame, in ja / en / ja-easy (texts of all three edited here); the live
 * preview (POST .../builder/preview: an edit applied to a copy, shown,
 * never saved); page routes from pickers; the review: submit
 * (procedures.manage), send back with a comment, approve (procedures.approve,
 * on /approve; a second member of staff: core/forms refuses the one who
 * submitted) which publishes through procedures_publish; unpublish; the
 * difference between versions in words (diff.c).
 *
 * Invariants: every change is a POST with CSRF that core/forms applies to
 * a copy of the draft and re-checks (forms_edit) before it is saved; a
 * refusal is shown next to the control it concerns, in the page's language
 * (catalog rows proc.e.*), never the English detail alone; pages work
 * without JavaScript (assets/procedures.js only submits the same forms
 * without a reload); every change is audited; nothing here publishes but
 * procedures_publish / procedures_approve (src/svc/procedures/publish.c).
 * Limits: the declared parameters' (routes.c); FORMS_* of core/forms.
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/page_form.h"
#include "web/params.h"
#include "base/log.h"
#include "core/audit/audit.h"
#include "core/forms/forms.h"
#include "svc/procedures/procedures.h"
#include "svc/procedures/web/procedures_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- declared parameters ---- */

static int v_id(const char *v, size_t n)
{
	if (n > FORMS_ID_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_' ||
		      v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

static const char *const OPS[] = {
	"meta", "add_page", "page_title", "add_field", "field", "condition", "move_up",
	"move_down", "delete", "add_route", "delete_route",
};

static int v_op(const char *v, size_t n)
{
	for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
		if (strlen(OPS[i]) == n && memcmp(OPS[i], v, n) == 0)
			return 0;
	return ERR_INVALID;
}

/* the review's steps: submitting needs procedures.manage (/review), the
 * others procedures.approve (/approve) */
static int v_step(const char *v, size_t n)
{
	return n == 6 && memcmp(v, "submit", 6) == 0 ? 0 : ERR_INVALID;
}

static int v_step_approve(const char *v, size_t n)
{
	static const char *const steps[] = { "return", "approve", "publish" };
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (strlen(steps[i]) == n && memcmp(steps[i], v, n) == 0)
			return 0;
	return ERR_INVALID;
}

static int v_cond_op(const char *v, size_t n)
{
	if (n == 0)
		return 0;
	static const char *const ops[] = { "filled", "empty", "eq", "ne" };
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strlen(ops[i]) == n && memcmp(ops[i], v, n) == 0)
			return 0;
	return ERR_INVALID;
}

/* a route's destination: a page id or "end" */
static int v_go(const char *v, size_t n)
{
	return n == 0 || (n == 3 && !memcmp(v, "end", 3)) ? 0 : v_id(v, n);
}

static int v_index(const char *v, size_t n)
{
	if (n > 3)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

/* the preview's language */
static int v_plang(const char *v, size_t n)
{
	if (n == 0 || (n == 2 && (!memcmp(v, "ja", 2) || !memcmp(v, "en", 2))) ||
	    (n == 7 && !memcmp(v, "ja-easy", 7)))
		return 0;
	return ERR_INVALID;
}

static int v_ver(const char *v, size_t n)
{
	if (n == 0 || n > 6)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

static int v_code(const char *v, size_t n)
{
	if (n == 0 || n > FORMS_ID_MAX || !(v[0] >= 'a' && v[0] <= 'z'))
		return ERR_INVALID;
	return v_id(v, n);
}

#define P_TEXT(name) { name, HTTP_FORM, FORMS_TEXT_MAX, NULL, 0 }
const struct http_param_spec app_p_builder[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_code, HTTP_PARAM_REQUIRED },
	{ "op", HTTP_FORM, 16, v_op, HTTP_PARAM_REQUIRED },
	{ "page", HTTP_FORM, FORMS_ID_MAX, v_id, 0 },
	{ "field", HTTP_FORM, FORMS_ID_MAX, v_id, 0 },
	{ "type", HTTP_FORM, 16, v_id, 0 },
	{ "id", HTTP_FORM, 80, NULL, 0 },
	P_TEXT("label_ja"), P_TEXT("label_en"), P_TEXT("hint_ja"), P_TEXT("hint_en"),
	P_TEXT("label_easy"), P_TEXT("hint_easy"),
	{ "required", HTTP_FORM, 1, app_v_01, 0 },
	{ "options", HTTP_FORM, 16384, NULL, HTTP_PARAM_MULTILINE },
	{ "cond_field", HTTP_FORM, FORMS_ID_MAX, v_id, 0 },
	{ "cond_op", HTTP_FORM, 8, v_cond_op, 0 },
	{ "cond_value", HTTP_FORM, 200, NULL, 0 },
	{ "department", HTTP_FORM, 80, NULL, 0 },
	{ "confirm", HTTP_FORM, 1, app_v_01, 0 },
	{ "plang", HTTP_FORM, 8, v_plang, 0 },
	{ "go", HTTP_FORM, FORMS_ID_MAX, v_go, 0 },
	{ "route", HTTP_FORM, 3, v_index, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_builder_get[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_code, HTTP_PARAM_REQUIRED },
	{ "saved", HTTP_QUERY, 1, app_v_01, 0 },
	{ "plang", HTTP_QUERY, 8, v_plang, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_builder_create[] = {
	{ "code", HTTP_FORM, 80, NULL, HTTP_PARAM_REQUIRED },
	P_TEXT("label_ja"), P_TEXT("label_en"),
	{ "department", HTTP_FORM, 80, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_builder_review[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_code, HTTP_PARAM_REQUIRED },
	{ "step", HTTP_FORM, 8, v_step, HTTP_PARAM_REQUIRED },
	{ "comment", HTTP_FORM, FORMS_COMMENT_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_builder_approve[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_code, HTTP_PARAM_REQUIRED },
	{ "step", HTTP_FORM, 8, v_step_approve, HTTP_PARAM_REQUIRED },
	{ "comment", HTTP_FORM, FORMS_COMMENT_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_builder_diff[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_code, HTTP_PARAM_REQUIRED },
	{ "from", HTTP_QUERY, 6, v_ver, 0 },
	{ "to", HTTP_QUERY, 6, v_ver, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec app_p_builder_code[] = {
	{ "code", HTTP_PATH, FORMS_ID_MAX, v_code, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

/* ---- the working copy: the draft, else the latest published version ---- */

struct work {
	struct forms_draft dr;
	int has_draft;
	struct forms_def *d;
	int latest;                    /* the latest published version, 0: none */
	int unpublished;
};

static int load_work(struct work *w, struct http_req *r, const char *code, struct err *e)
{
	struct app_req *q = app_req(r);
	memset(w, 0, sizeof *w);
	struct forms_version_info vi;
	int rc = forms_version_find(&vi, app_store(r), q->tenant.code, code, 0, e);
	if (rc == 0)
		w->latest = vi.version;
	else if (rc != ERR_NOTFOUND)
		return rc;
	rc = forms_draft_get(&w->dr, r->arena, app_store(r), q->tenant.code, code, e);
	if (rc == 0) {
		w->has_draft = 1;
		w->d = w->dr.def;
	} else if (rc != ERR_NOTFOUND) {
		return rc;
	} else if (w->latest) {
		if ((rc = forms_load_version(&w->d, NULL, r->arena, app_store(r),
					     &(struct forms_ref){ .tenant = q->tenant.code, .id = code,
								  .version = w->latest }, e)))
			return rc;
	} else {
		return err_set(e, ERR_NOTFOUND, "builder: no procedure %.64s", code);
	}
	rc = w->latest ? forms_is_unpublished(app_store(r), q->tenant.code, code, e) : 0;
	if (rc < 0)
		return rc;
	w->unpublished = rc;
	return 0;
}

/* ---- what the page shows about an error ---- */

struct berr {
	const char *form;              /* the form's id ("fm-field-a")          */
	const char *control;           /* the control's name                    */
	const char *msg;               /* the message, in the page's language   */
	const char *link;              /* the summary's link when not the control */
};

struct bpage {
	struct http_req *r;
	enum html_lang l;
	const char *code;
	struct work *w;
	struct berr err;
	int saved;
	struct buf *b;
	/* a preview (POST .../builder/preview): the form whose posted values
	 * are shown, and the draft with its change applied (never saved) */
	const char *keep;
	const struct forms_def *shown;
	const char *plang;             /* the preview's language: "ja", "en", "ja-easy" */
};

/* the form whose posted values are shown: refused, or previewed */
static int posted_form(struct bpage *p, const char *form)
{
	return (p->err.form && strcmp(p->err.form, form) == 0) ||
	       (p->keep && strcmp(p->keep, form) == 0);
}

static const char *fid_of(struct bpage *p, const char *op, const char *target)
{
	return arena_printf(p->r->arena, "fm-%s-%s", op, target && *target ? target : "x");
}

/* a control's id within its form */
static const char *cid(struct bpage *p, const char *form, const char *name)
{
	return arena_printf(p->r->arena, "%s-%s", form, name);
}

/* the value to show: what was posted when this form was refused */
static const char *val(struct bpage *p, const char *form, const char *name, const char *dflt)
{
	if (posted_form(p, form)) {
		const char *v = http_param(p->r, name);
		return v ? v : "";
	}
	return dflt;
}

static const char *err_for(struct bpage *p, const char *form, const char *name)
{
	if (p->err.form && strcmp(p->err.form, form) == 0 && strcmp(p->err.control, name) == 0)
		return p->err.msg;
	return NULL;
}

static void form_open(struct bpage *p, const char *form, const char *op, const char *page,
		      const char *field)
{
	struct app_req *q = app_req(p->r);
	html_printf(p->b, "<form method=\"post\" action=\"/staff/procedures/%s/builder\" "
		    "class=\"builder-op\" id=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"op\" value=\"%s\">",
		    p->code, form, q->csrf, op);
	if (page)
		html_printf(p->b, "<input type=\"hidden\" name=\"page\" value=\"%s\">", page);
	if (field)
		html_printf(p->b, "<input type=\"hidden\" name=\"field\" value=\"%s\">", field);
	if (p->plang && strcmp(p->plang, "ja") != 0)
		html_printf(p->b, "<input type=\"hidden\" name=\"plang\" value=\"%s\">", p->plang);
}

/* 「保存」 and, for an edit a preview can show, 「プレビュー」: the same
 * form posted to .../builder/preview, nothing saved */
static void save_buttons(struct bpage *p, const char *save_id)
{
	html_printf(p->b, "<div class=\"builder-save\"><button type=\"submit\" class=\"button\">%s</button> "
		    "<button type=\"submit\" class=\"button-secondary builder-preview-button\" "
		    "formaction=\"/staff/procedures/%s/builder/preview\">%s</button></div></form>",
		    html_t(p->l, save_id), p->code, html_t(p->l, "proc.b.preview_button"));
}

static void input(struct bpage *p, const char *form, const char *name, const char *label,
		  const char *hint, const char *value, int verbatim)
{
	struct ui_field f = { .name = name, .id = cid(p, form, name), .label = label, .hint = hint,
			      .value = val(p, form, name, value), .lang = p->l,
			      .error = err_for(p, form, name), .verbatim = verbatim,
			      .maxlength = verbatim ? FORMS_ID_MAX : FORMS_TEXT_MAX };
	ui_input(p->b, &f);
}

static void text2(struct bpage *p, const char *form, const char *stem, const char *label_id,
		  const struct forms_text *t)
{
	char ja[32], en[32];
	snprintf(ja, sizeof ja, "%s_ja", stem);
	snprintf(en, sizeof en, "%s_en", stem);
	input(p, form, arena_strdup(p->r->arena, ja),
	      arena_printf(p->r->arena, "%s（%s）", html_t(p->l, label_id), html_t(p->l, "proc.b.in_ja")),
	      NULL, t ? t->ja : NULL, 0);
	input(p, form, arena_strdup(p->r->arena, en),
	      arena_printf(p->r->arena, "%s（%s）", html_t(p->l, label_id), html_t(p->l, "proc.b.in_en")),
	      NULL, t ? t->en : NULL, 0);
	char easy[32];
	snprintf(easy, sizeof easy, "%s_easy", stem);
	input(p, form, arena_strdup(p->r->arena, easy),
	      arena_printf(p->r->arena, "%s（%s）", html_t(p->l, label_id), html_t(p->l, "proc.b.in_easy")),
	      NULL, t ? t->ja_easy : NULL, 0);
}

static void small_button(struct bpage *p, const char *op, const char *page, const char *field,
			 const char *label, const char *what)
{
	const char *form = fid_of(p, op, field ? field : page);
	form_open(p, form, op, page, field);
	html_printf(p->b, "<button type=\"submit\" class=\"button-secondary button-small\"%S>%s"
		    "<span class=\"visually-hidden\"> %s</span></button></form>",
		    strcmp(op, "delete") == 0 ? " data-confirm=\"1\"" : "", label, what);
}

static const char *type_label(enum html_lang l, const char *type)
{
	char id[48];
	snprintf(id, sizeof id, "proc.t.%s", type);
	return html_t(l, id);
}

static const char *prop_label(enum html_lang l, const char *prop)
{
	static const char *const known[] = {
		"label", "hint", "required", "options", "show_if", "required_if", "type", "title",
		"department", "text", "description", "fee", "target_days", "retention_years",
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i], prop) == 0) {
			char id[48];
			snprintf(id, sizeof id, "proc.p.%s", prop);
			return html_t(l, id);
		}
	return prop;
}

static const char *op_label(enum html_lang l, const char *op)
{
	char id[32];
	snprintf(id, sizeof id, "proc.op.%s", op);
	return html_t(l, id);
}

/* the fields a condition of field `upto` may read: earlier, answerable */
static int readable(const struct forms_field *f)
{
	return f->type != FORMS_T_INFO && f->type != FORMS_T_DECLARATION &&
	       f->type != FORMS_T_FILE && f->type != FORMS_T_GROUP && f->type != FORMS_T_NAME_JP &&
	       f->type != FORMS_T_ADDRESS_JP && f->type != FORMS_T_BANK_ACCOUNT;
}

static const struct forms_field *any_field(const struct forms_def *d, const char *id)
{
	return forms_def_field(d, id);
}

static void condition_words(struct bpage *p, const struct forms_field *f)
{
	if (!f->show_if_src)
		return;
	struct forms_cond_pick pk;
	if (forms_cond_pickers(&pk, f->show_if_src) == 0) {
		const struct forms_field *t = any_field(p->w->d, pk.field);
		html_printf(p->b, "<p class=\"builder-cond\">%s: 「%s」 %s%S%s%S</p>",
			    html_t(p->l, "proc.shown_if"),
			    t ? forms_text_get(&t->label, html_lang_code(p->l)) : pk.field,
			    op_label(p->l, pk.op), pk.value[0] ? " 「" : "", pk.value,
			    pk.value[0] ? "」" : "");
	} else {
		html_printf(p->b, "<p class=\"builder-cond\">%s: <code>%s</code> %s</p>",
			    html_t(p->l, "proc.shown_if"), f->show_if_src, html_t(p->l, "proc.b.cond_json"));
	}
}

static void field_block(struct bpage *p, const struct forms_page *pg, int fi, int first_order)
{
	const struct forms_field *f = &pg->fields[fi];
	const char *lc = html_lang_code(p->l);
	const struct forms_text *lab = f->type == FORMS_T_INFO ? &f->text : &f->label;
	const char *name = lab->ja ? forms_text_get(lab, lc) : f->id;
	html_printf(p->b, "<li class=\"builder-field\" id=\"bf-%s\"><h4>%s <span class=\"tag\">%s</span>%S%s</h4>",
		    f->id, name, type_label(p->l, forms_type_name(f->type)),
		    f->required ? " <span class=\"tag tag-required\">" : "",
		    f->required ? html_t(p->l, "proc.required") : "");
	if (f->required)
		buf_puts(p->b, "</span>");
	condition_words(p, f);
	/* the field's edit form */
	const char *form = fid_of(p, "field", f->id);
	int open = posted_form(p, form) || posted_form(p, fid_of(p, "condition", f->id));
	html_printf(p->b, "<details class=\"builder-details\"%S><summary>%s<span class=\"visually-hidden\"> %s</span></summary>",
		    open ? " open" : "", html_t(p->l, "proc.b.edit_field"), name);
	form_open(p, form, "field", NULL, f->id);
	text2(p, form, "label", f->type == FORMS_T_INFO ? "proc.b.text" : "proc.b.label", lab);
	text2(p, form, "hint", "proc.hint", f->hint.ja ? &f->hint : NULL);
	if (f->type != FORMS_T_INFO && f->type != FORMS_T_DECLARATION) {
		const char *posted = http_param(p->r, "required");
		struct ui_field c = { .name = "required", .id = cid(p, form, "required"),
				      .label = html_t(p->l, "proc.required"), .value = "1", .lang = p->l };
		ui_checkbox(p->b, &c, posted_form(p, form) ? posted && posted[0] == '1' : f->required);
	}
	if (f->noptions > 0) {
		struct buf ob;
		buf_init(&ob, 64 * 1024);
		const json_t *fj = NULL, *pj, *x;
		size_t i, j;
		json_array_foreach(json_object_get(p->w->d->json, "pages"), i, pj)
			json_array_foreach(json_object_get(pj, "fields"), j, x)
				if (!strcmp(json_string_value(json_object_get(x, "id")), f->id))
					fj = x;
		if (fj)
			forms_options_text(&ob, fj);
		struct ui_field t = { .name = "options", .id = cid(p, form, "options"),
				      .label = html_t(p->l, "proc.options"), .hint = html_t(p->l, "proc.b.options_hint"),
				      .value = val(p, form, "options", buf_cstr(&ob)), .lang = p->l,
				      .error = err_for(p, form, "options"), .verbatim = 1 };
		ui_textarea(p->b, &t, f->noptions + 2);
		buf_done(&ob);
	}
	save_buttons(p, "proc.b.save_field");
	/* the condition pickers: fields answered before this one */
	const char *cf = fid_of(p, "condition", f->id);
	form_open(p, cf, "condition", NULL, f->id);
	html_printf(p->b, "<fieldset class=\"builder-cond-pick\"><legend>%s</legend>",
		    html_t(p->l, "proc.b.condition"));
	struct ui_option opts[FORMS_MAX_FIELDS];
	int n = 0;
	for (int pi = 0; pi < p->w->d->npages; pi++)
		for (int k = 0; k < p->w->d->pages[pi].nfields; k++) {
			const struct forms_field *g = &p->w->d->pages[pi].fields[k];
			if (g->order >= first_order + fi || !readable(g) || n >= FORMS_MAX_FIELDS)
				continue;
			opts[n++] = (struct ui_option){ g->id, forms_text_get(&g->label, lc) };
		}
	struct forms_cond_pick pk;
	if (!f->show_if_src || forms_cond_pickers(&pk, f->show_if_src) != 0)
		memset(&pk, 0, sizeof pk);
	struct ui_field s1 = { .name = "cond_field", .id = cid(p, cf, "cond_field"),
			       .label = html_t(p->l, "proc.b.cond_field"), .lang = p->l,
			       .value = val(p, cf, "cond_field", pk.field), .error = err_for(p, cf, "cond_field") };
	ui_select(p->b, &s1, opts, n, html_t(p->l, "proc.b.cond_always"));
	const struct ui_option ops[] = {
		{ "filled", html_t(p->l, "proc.op.filled") }, { "empty", html_t(p->l, "proc.op.empty") },
		{ "eq", html_t(p->l, "proc.op.eq") }, { "ne", html_t(p->l, "proc.op.ne") },
	};
	struct ui_field s2 = { .name = "cond_op", .id = cid(p, cf, "cond_op"),
			       .label = html_t(p->l, "proc.b.cond_op"), .lang = p->l,
			       .value = val(p, cf, "cond_op", pk.op ? pk.op : "filled"),
			       .error = err_for(p, cf, "cond_op") };
	ui_select(p->b, &s2, ops, 4, NULL);
	struct ui_field s3 = { .name = "cond_value", .id = cid(p, cf, "cond_value"),
			       .label = html_t(p->l, "proc.b.cond_value"), .hint = html_t(p->l, "proc.b.cond_value_hint"),
			       .value = val(p, cf, "cond_value", pk.value), .lang = p->l, .maxlength = 200,
			       .error = err_for(p, cf, "cond_value") };
	ui_input(p->b, &s3);
	buf_puts(p->b, "</fieldset>");
	save_buttons(p, "proc.b.save_condition");
	buf_puts(p->b, "</details>");
	buf_puts(p->b, "<div class=\"builder-buttons\">");
	if (fi > 0)
		small_button(p, "move_up", NULL, f->id, html_t(p->l, "proc.b.up"), name);
	if (fi + 1 < pg->nfields)
		small_button(p, "move_down", NULL, f->id, html_t(p->l, "proc.b.down"), name);
	small_button(p, "delete", NULL, f->id, html_t(p->l, "proc.b.delete"), name);
	buf_puts(p->b, "</div></li>\n");
}

static void add_field_form(struct bpage *p, const struct forms_page *pg)
{
	const char *form = fid_of(p, "add_field", pg->id);
	html_printf(p->b, "<details class=\"builder-add\"%S><summary>%s<span class=\"visually-hidden\"> (%s)</span></summary>",
		    posted_form(p, form) ? " open" : "",
		    html_t(p->l, "proc.b.add_field"), forms_text_get(&pg->title, html_lang_code(p->l)));
	form_open(p, form, "add_field", pg->id, NULL);
	const char *const *types;
	int nt = forms_palette(&types);
	struct ui_option opts[32];
	for (int i = 0; i < nt && i < 32; i++)
		opts[i] = (struct ui_option){ types[i], type_label(p->l, types[i]) };
	struct ui_field s = { .name = "type", .id = cid(p, form, "type"), .label = html_t(p->l, "proc.b.type"),
			      .value = val(p, form, "type", "text"), .lang = p->l,
			      .error = err_for(p, form, "type") };
	ui_select(p->b, &s, opts, nt, NULL);
	text2(p, form, "label", "proc.b.label", NULL);
	input(p, form, "id", html_t(p->l, "proc.b.id"), html_t(p->l, "proc.b.id_hint"), NULL, 1);
	struct ui_field c = { .name = "required", .id = cid(p, form, "required"),
			      .label = html_t(p->l, "proc.required"), .value = "1", .lang = p->l };
	const char *posted = http_param(p->r, "required");
	ui_checkbox(p->b, &c, posted_form(p, form) && posted && posted[0] == '1');
	save_buttons(p, "proc.b.add_field");
	buf_puts(p->b, "</details>\n");
}

/* "ページ 2: 題名" of page index i, or the end */
static const char *page_words(struct bpage *p, int i)
{
	const struct forms_def *d = p->w->d;
	if (i < 0 || i >= d->npages)
		return html_t(p->l, "proc.b.route_end");
	return arena_printf(p->r->arena, "%s %d: %s", html_t(p->l, "proc.page"), i + 1,
			    forms_text_get(&d->pages[i].title, html_lang_code(p->l)));
}

/* the page routes in words, each with its delete button; a new one from
 * pickers (after which page, the condition's three pickers, where to) */
static void routes_section(struct bpage *p)
{
	const struct forms_def *d = p->w->d;
	const char *lc = html_lang_code(p->l);
	html_printf(p->b, "<section class=\"builder-routes\" id=\"b-routes\" aria-labelledby=\"b-routes-h\">"
		    "<h2 id=\"b-routes-h\">%s</h2><p>%s</p>", html_t(p->l, "proc.b.routes"),
		    html_t(p->l, "proc.b.routes_hint"));
	if (d->nroutes == 0)
		html_printf(p->b, "<p class=\"builder-no-routes\">%s</p>", html_t(p->l, "proc.b.no_routes"));
	else
		buf_puts(p->b, "<ol class=\"builder-route-list\">");
	for (int i = 0; i < d->nroutes; i++) {
		const struct forms_route *rt = &d->routes[i];
		const char *when = html_t(p->l, "proc.b.route_always");
		if (rt->cond_src) {
			struct forms_cond_pick pk;
			if (forms_cond_pickers(&pk, rt->cond_src) == 0) {
				const struct forms_field *t = any_field(d, pk.field);
				when = arena_printf(p->r->arena, "「%s」 %s%s%s%s",
						    t ? forms_text_get(&t->label, lc) : pk.field, op_label(p->l, pk.op),
						    pk.value[0] ? " 「" : "", pk.value, pk.value[0] ? "」" : "");
			} else {
				when = rt->cond_src;
			}
		}
		const char *words = arena_printf(p->r->arena, "%s → %s", page_words(p, rt->from),
						 rt->to == FORMS_GOTO_EXIT ? d->exits[rt->exit].id
									   : page_words(p, rt->to));
		html_printf(p->b, "<li class=\"builder-route\"><p>%s <span class=\"builder-route-when\">(%s: %s)</span></p>",
			    words, html_t(p->l, "proc.b.route_when"), when);
		const char *form = arena_printf(p->r->arena, "fm-delete_route-%d", i);
		form_open(p, form, "delete_route", NULL, NULL);
		html_printf(p->b, "<input type=\"hidden\" name=\"route\" value=\"%d\">"
			    "<button type=\"submit\" class=\"button-secondary button-small\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form></li>",
			    i, html_t(p->l, "proc.b.delete_route"), words);
	}
	if (d->nroutes)
		buf_puts(p->b, "</ol>");
	/* a new route */
	const char *form = fid_of(p, "add_route", NULL);
	html_printf(p->b, "<details class=\"builder-add\"%S><summary>%s</summary>",
		    posted_form(p, form) ? " open" : "", html_t(p->l, "proc.b.add_route"));
	form_open(p, form, "add_route", NULL, NULL);
	struct ui_option pages[FORMS_MAX_PAGES + 1];
	int np = 0;
	for (int i = 0; i < d->npages && np < FORMS_MAX_PAGES; i++)
		pages[np++] = (struct ui_option){ d->pages[i].id, page_words(p, i) };
	struct ui_field sf = { .name = "page", .id = cid(p, form, "page"), .label = html_t(p->l, "proc.b.route_from"),
			       .value = val(p, form, "page", d->npages ? d->pages[0].id : NULL), .lang = p->l,
			       .error = err_for(p, form, "page") };
	ui_select(p->b, &sf, pages, np, NULL);
	html_printf(p->b, "<fieldset class=\"builder-cond-pick\"><legend>%s</legend>", html_t(p->l, "proc.b.route_cond"));
	struct ui_option opts[FORMS_MAX_FIELDS];
	int n = 0;
	for (int pi = 0; pi < d->npages; pi++)
		for (int k = 0; k < d->pages[pi].nfields && n < FORMS_MAX_FIELDS; k++) {
			const struct forms_field *g = &d->pages[pi].fields[k];
			if (readable(g))
				opts[n++] = (struct ui_option){ g->id, forms_text_get(&g->label, lc) };
		}
	struct ui_field s1 = { .name = "cond_field", .id = cid(p, form, "cond_field"),
			       .label = html_t(p->l, "proc.b.cond_field"), .lang = p->l,
			       .value = val(p, form, "cond_field", NULL), .error = err_for(p, form, "cond_field") };
	ui_select(p->b, &s1, opts, n, html_t(p->l, "proc.b.route_always"));
	const struct ui_option ops[] = {
		{ "filled", html_t(p->l, "proc.op.filled") }, { "empty", html_t(p->l, "proc.op.empty") },
		{ "eq", html_t(p->l, "proc.op.eq") }, { "ne", html_t(p->l, "proc.op.ne") },
	};
	struct ui_field s2 = { .name = "cond_op", .id = cid(p, form, "cond_op"),
			       .label = html_t(p->l, "proc.b.cond_op"), .lang = p->l,
			       .value = val(p, form, "cond_op", "eq"), .error = err_for(p, form, "cond_op") };
	ui_select(p->b, &s2, ops, 4, NULL);
	struct ui_field s3 = { .name = "cond_value", .id = cid(p, form, "cond_value"),
			       .label = html_t(p->l, "proc.b.cond_value"), .hint = html_t(p->l, "proc.b.cond_value_hint"),
			       .value = val(p, form, "cond_value", NULL), .lang = p->l, .maxlength = 200,
			       .error = err_for(p, form, "cond_value") };
	ui_input(p->b, &s3);
	buf_puts(p->b, "</fieldset>");
	pages[np++] = (struct ui_option){ "end", html_t(p->l, "proc.b.route_end") };
	struct ui_field sg = { .name = "go", .id = cid(p, form, "go"), .label = html_t(p->l, "proc.b.route_go"),
			       .value = val(p, form, "go", NULL), .lang = p->l, .error = err_for(p, form, "go") };
	ui_select(p->b, &sg, pages, np, NULL);
	html_printf(p->b, "<button type=\"submit\" class=\"button\">%s</button></form></details></section>\n",
		    html_t(p->l, "proc.b.add_route"));
}

static const char *state_text(enum html_lang l, const struct work *w)
{
	if (!w->has_draft)
		return html_t(l, "proc.s.published");
	char id[32];
	snprintf(id, sizeof id, "proc.s.%s", w->dr.state);
	return html_t(l, id);
}

void procedures_diff_list(struct buf *b, struct http_req *r, const json_t *from, const json_t *to)
{
	enum html_lang l = app_req(r)->lang;
	struct forms_change *c;
	int trunc = 0;
	struct err e;
	int n = forms_diff(&c, &trunc, r->arena, from, to, &e);
	if (n < 0) {
		html_printf(b, "<p>%s</p>", html_t(l, "proc.no_render"));
		return;
	}
	if (n == 0) {
		html_printf(b, "<p class=\"diff-none\">%s</p>", html_t(l, "proc.d.none"));
		return;
	}
	buf_puts(b, "<ul class=\"diff\">\n");
	for (int i = 0; i < n; i++) {
		char kind[32], what[32];
		static const char *const kinds[] = { "", "added", "removed", "changed", "moved" };
		snprintf(kind, sizeof kind, "proc.d.%s", kinds[c[i].kind]);
		snprintf(what, sizeof what, "proc.d.%s", c[i].what);
		html_printf(b, "<li class=\"diff-%s\"><strong>%s</strong>: %s <code>%s</code>",
			    kinds[c[i].kind], html_t(l, kind), html_t(l, what), c[i].id);
		if (c[i].page)
			html_printf(b, " (%s <code>%s</code>)", html_t(l, "proc.page"), c[i].page);
		if (c[i].prop)
			html_printf(b, " — %s", prop_label(l, c[i].prop));
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul>\n");
	if (trunc)
		html_printf(b, "<p>%s</p>", html_t(l, "proc.d.truncated"));
}

static void return_form(struct bpage *p, const char *action)
{
	struct app_req *q = app_req(p->r);
	html_printf(p->b, "<form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"step\" value=\"return\">", action, q->csrf);
	struct ui_field c = { .name = "comment", .id = "review-comment", .label = html_t(p->l, "proc.b.comment"),
			      .hint = html_t(p->l, "proc.b.comment_hint"), .lang = p->l,
			      .error = p->err.form && !strcmp(p->err.form, "review") ? p->err.msg : NULL };
	ui_textarea(p->b, &c, 3);
	html_printf(p->b, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
		    html_t(p->l, "proc.b.return"));
}

static void review_panel(struct bpage *p)
{
	struct app_req *q = app_req(p->r);
	struct work *w = p->w;
	html_printf(p->b, "<section class=\"builder-review\" aria-labelledby=\"review-title\">"
		    "<h2 id=\"review-title\">%s</h2>", html_t(p->l, "proc.b.review"));
	html_printf(p->b, "<p>%s: <strong class=\"builder-state\">%s</strong>%S%s</p>",
		    html_t(p->l, "proc.b.state"), state_text(p->l, w),
		    w->unpublished ? " — " : "", w->unpublished ? html_t(p->l, "proc.s.unpublished") : "");
	if (w->has_draft && w->dr.comment[0])
		html_printf(p->b, "<div class=\"notice builder-comment\"><p>%s</p><p>%s</p></div>",
			    html_t(p->l, "proc.b.comment_from_review"), w->dr.comment);
	const char *action = arena_printf(p->r->arena, "/staff/procedures/%s/review", p->code);
	const char *approve = arena_printf(p->r->arena, "/staff/procedures/%s/approve", p->code);
	int may_approve = app_staff_holds(p->r, PROCEDURES_PERM_APPROVE);
	if (w->has_draft && !strcmp(w->dr.state, "draft")) {
		html_printf(p->b, "<form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"step\" value=\"submit\"><p>%s</p>"
			    "<button type=\"submit\" class=\"button\">%s</button></form>",
			    action, q->csrf, html_t(p->l, "proc.b.submit_hint"), html_t(p->l, "proc.b.submit"));
	} else if (w->has_draft && !strcmp(w->dr.state, "review")) {
		html_printf(p->b, "<h3>%s</h3>", html_t(p->l, "proc.b.changes"));
		if (w->latest) {
			struct forms_def *old = NULL;
			struct err e;
			if (forms_load_version(&old, NULL, p->r->arena, app_store(p->r),
					       &(struct forms_ref){ .tenant = q->tenant.code, .id = p->code,
								    .version = w->latest }, &e) == 0)
				procedures_diff_list(p->b, p->r, old->json, w->d->json);
		} else {
			html_printf(p->b, "<p>%s</p>", html_t(p->l, "proc.b.new_procedure"));
		}
		if (w->dr.submitted_by == q->staff.id) {
			html_printf(p->b, "<p class=\"notice\">%s</p>", html_t(p->l, "proc.b.not_self"));
		} else if (!may_approve) {
			html_printf(p->b, "<p class=\"notice builder-no-approve\">%s</p>", html_t(p->l, "proc.b.no_approve"));
		} else {
			html_printf(p->b, "<form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<input type=\"hidden\" name=\"step\" value=\"approve\"><p>%s</p>"
				    "<button type=\"submit\" class=\"button\">%s</button></form>",
				    approve, q->csrf, html_t(p->l, "proc.b.approve_hint"), html_t(p->l, "proc.b.approve"));
		}
		if (may_approve)
			return_form(p, approve);
	} else if (w->has_draft && !strcmp(w->dr.state, "approved")) {
		if (may_approve) {
			html_printf(p->b, "<form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<input type=\"hidden\" name=\"step\" value=\"publish\">"
				    "<button type=\"submit\" class=\"button\">%s</button></form>",
				    approve, q->csrf, html_t(p->l, "proc.publish"));
			return_form(p, approve);
		} else {
			html_printf(p->b, "<p class=\"notice builder-no-approve\">%s</p>", html_t(p->l, "proc.b.no_approve"));
		}
	}
	if (w->latest && !w->unpublished)
		html_printf(p->b, "<form method=\"post\" action=\"/staff/procedures/%s/unpublish\" class=\"builder-unpublish\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><p>%s</p>"
			    "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
			    p->code, q->csrf, html_t(p->l, "proc.b.unpublish_hint"), html_t(p->l, "proc.b.unpublish"));
	buf_puts(p->b, "</section>\n");
}

static int render(struct bpage *p, int status)
{
	struct http_req *r = p->r;
	struct work *w = p->w;
	const struct forms_def *d = w->d;
	const char *lc = html_lang_code(p->l);
	struct html_page pg;
	struct buf b;
	p->b = &b;
	char title[300];
	snprintf(title, sizeof title, "%s: %s", html_t(p->l, "proc.b.title"), forms_text_get(&d->title, lc));
	const char *err_id = p->err.link ? p->err.link
			     : p->err.form ? (strcmp(p->err.form, "review") == 0 ? "review-comment"
					      : cid(p, p->err.form, p->err.control)) : NULL;
	app_page_open(&b, &pg, r, title, err_id, p->err.msg);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/apply.css\">\n"
		 "<link rel=\"stylesheet\" href=\"/assets/procedures.css\">\n"
		 "<script src=\"/assets/procedures.js\" defer></script>\n");
	html_printf(&b, "<div id=\"builder\" data-code=\"%s\" data-refused=\"%s\" data-drag=\"%s\" "
		    "data-drag-help=\"%s\">", p->code, html_t(p->l, "proc.b.live_refused"),
		    html_t(p->l, "proc.b.drag"), html_t(p->l, "proc.b.drag_help"));
	html_printf(&b, "<p class=\"builder-live\" id=\"builder-live\" role=\"status\">%S</p>",
		    p->shown ? html_t(p->l, "proc.b.previewing") : p->saved ? html_t(p->l, "proc.b.saved") : "");
	html_printf(&b, "<p class=\"builder-nav\"><a href=\"/staff/procedures/%s/edit\">%s</a> · "
		    "<a href=\"/staff/procedures/%s/diff\">%s</a> · <a href=\"/staff/procedures\">%s</a></p>\n",
		    p->code, html_t(p->l, "proc.b.json"), p->code, html_t(p->l, "proc.b.history"),
		    html_t(p->l, "proc.back"));
	buf_puts(&b, "<div class=\"builder-layout\"><div class=\"builder-edit\">\n");
	review_panel(p);
	int editable = !w->has_draft || !strcmp(w->dr.state, "draft");
	if (!editable) {
		html_printf(&b, "<p class=\"notice\">%s</p>", html_t(p->l, "proc.b.locked"));
	} else {
		/* the procedure's own properties */
		const char *form = fid_of(p, "meta", "x");
		html_printf(&b, "<section aria-labelledby=\"meta-title\"><h2 id=\"meta-title\">%s</h2>",
			    html_t(p->l, "proc.b.meta"));
		form_open(p, form, "meta", NULL, NULL);
		text2(p, form, "label", "proc.name", &d->title);
		input(p, form, "department", html_t(p->l, "proc.department"), html_t(p->l, "proc.b.department_hint"),
		      d->department, 1);
		save_buttons(p, "proc.b.save");
		buf_puts(&b, "</section>\n");
		int order = 0;
		for (int i = 0; i < d->npages; i++) {
			const struct forms_page *pp = &d->pages[i];
			const char *pt = forms_text_get(&pp->title, lc);
			html_printf(&b, "<section class=\"builder-page\" id=\"bp-%s\" aria-labelledby=\"bp-%s-h\">"
				    "<h2 id=\"bp-%s-h\">%s %d: %s</h2>", pp->id, pp->id, pp->id,
				    html_t(p->l, "proc.page"), i + 1, pt);
			const char *tf = fid_of(p, "page_title", pp->id);
			html_printf(&b, "<details class=\"builder-details\"%S><summary>%s<span class=\"visually-hidden\"> %s</span></summary>",
				    posted_form(p, tf) ? " open" : "",
				    html_t(p->l, "proc.b.edit_page"), pt);
			form_open(p, tf, "page_title", pp->id, NULL);
			text2(p, tf, "label", "proc.b.page_title", &pp->title);
			save_buttons(p, "proc.b.save");
			buf_puts(&b, "</details>");
			buf_puts(&b, "<div class=\"builder-buttons\">");
			if (i > 0)
				small_button(p, "move_up", pp->id, NULL, html_t(p->l, "proc.b.up"), pt);
			if (i + 1 < d->npages)
				small_button(p, "move_down", pp->id, NULL, html_t(p->l, "proc.b.down"), pt);
			if (d->npages > 1)
				small_button(p, "delete", pp->id, NULL, html_t(p->l, "proc.b.delete"), pt);
			buf_puts(&b, "</div>");
			if (pp->nfields == 0)
				html_printf(&b, "<p>%s</p>", html_t(p->l, "proc.b.no_fields"));
			else
				buf_puts(&b, "<ol class=\"builder-fields\">");
			for (int k = 0; k < pp->nfields; k++)
				field_block(p, pp, k, order);
			if (pp->nfields)
				buf_puts(&b, "</ol>");
			order += pp->nfields;
			add_field_form(p, pp);
			buf_puts(&b, "</section>\n");
		}
		routes_section(p);
		const char *af = fid_of(p, "add_page", "x");
		html_printf(&b, "<section aria-labelledby=\"add-page-title\"><h2 id=\"add-page-title\">%s</h2>",
			    html_t(p->l, "proc.b.add_page"));
		form_open(p, af, "add_page", NULL, NULL);
		text2(p, af, "label", "proc.b.page_title", NULL);
		save_buttons(p, "proc.b.add_page");
		buf_puts(&b, "</section>\n");
	}
	buf_puts(&b, "</div>\n");
	/* the preview: the resident's renderer in a phone-width frame, in the
	 * language chosen for it; a previewed change applied (p->shown) */
	const struct forms_def *pd = p->shown ? p->shown : d;
	const char *pl = p->plang ? p->plang : "ja";
	html_printf(&b, "<aside class=\"builder-preview\" aria-labelledby=\"phone-title\">"
		    "<h2 id=\"phone-title\">%s</h2>", html_t(p->l, "proc.b.preview"));
	html_printf(&b, "<form method=\"get\" action=\"/staff/procedures/%s/builder\" class=\"builder-plang\" "
		    "id=\"builder-plang\">", p->code);
	const struct ui_option langs[] = {
		{ "ja", html_t(p->l, "proc.b.lang_ja") }, { "en", html_t(p->l, "proc.b.lang_en") },
		{ "ja-easy", html_t(p->l, "proc.b.lang_easy") },
	};
	struct ui_field ls = { .name = "plang", .id = "builder-plang-select",
			       .label = html_t(p->l, "proc.b.preview_lang"), .value = pl, .lang = p->l };
	ui_select(&b, &ls, langs, 3, NULL);
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary button-small\">%s</button></form>",
		    html_t(p->l, "proc.b.preview_lang_show"));
	html_printf(&b, "<div class=\"phone-frame\" id=\"phone-frame\" lang=\"%s\" data-plang=\"%s\">",
		    strcmp(pl, "en") == 0 ? "en" : "ja", pl);
	for (int i = 0; i < pd->npages; i++) {
		struct form_view v = { .d = pd, .page = i, .lang = pl, .today = form_today(app_now()),
				       .preview = 1 };
		html_printf(&b, "<section class=\"phone-page\" aria-label=\"%s %d\"><h3>%s</h3>",
			    html_t(p->l, "proc.page"), i + 1, forms_text_get(&pd->pages[i].title, pl));
		struct err e;
		if (form_render_page(&b, &v, &e) != 0)
			html_printf(&b, "<p>%s</p>", html_t(p->l, "proc.no_render"));
		buf_puts(&b, "</section>");
	}
	html_printf(&b, "</div><p class=\"phone-note\">%s</p></aside></div></div>\n",
		    html_t(p->l, "proc.b.preview_note"));
	return app_page_send(r, status, &b, &pg);
}

int page_staff_builder(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = http_param(r, "code");
	struct work w;
	struct err e;
	int rc = load_work(&w, r, code, &e);
	if (rc)
		return app_send_error(r, rc, rc == ERR_NOTFOUND ? "proc.e.not_found" : NULL, e.detail);
	const char *s = http_param(r, "saved");
	struct bpage p = { .r = r, .l = q->lang, .code = code, .w = &w, .saved = s && s[0] == '1',
			   .plang = http_param(r, "plang") };
	if (p.plang && !*p.plang)
		p.plang = NULL;
	return render(&p, 200);
}

/* the control a refusal is shown next to */
static const char *control_of(const char *op, const char *why)
{
	if (!strcmp(op, "add_route") && strncmp(why, "cond", 4) != 0)
		return !strcmp(why, "route_from") ? "page" : "go";
	if (!strcmp(op, "condition") || !strcmp(op, "add_route"))
		return !strcmp(why, "cond_value") || !strcmp(why, "cond_literal") ? "cond_value"
		       : !strcmp(why, "cond_op") ? "cond_op" : "cond_field";
	if (!strncmp(why, "option", 6) || (!strcmp(why, "too_many") && !strcmp(op, "field")))
		return "options";
	if (!strcmp(why, "id_bad") || !strcmp(why, "id_taken"))
		return !strcmp(op, "meta") ? "department" : "id";
	if (!strcmp(why, "dept_bad"))
		return "department";
	if (!strcmp(why, "hint_half"))
		return "hint_ja";
	if (!strcmp(why, "type_unknown"))
		return "type";
	return "label_ja";
}

static int audit_edit(struct http_req *r, const char *action, const char *code, const char *result)
{
	return app_audit(r, action, "procedure", code, result);
}

static void confirm_page(struct http_req *r, struct buf *b, const char *code, const char *page,
			 const char *field, const char *what)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	html_printf(b, "<p>%s</p><p><strong>%s</strong></p>", html_t(l, "proc.b.confirm_delete"), what);
	html_printf(b, "<form method=\"post\" action=\"/staff/procedures/%s/builder\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"op\" value=\"delete\">"
		    "<input type=\"hidden\" name=\"confirm\" value=\"1\">", code, q->csrf);
	if (field)
		html_printf(b, "<input type=\"hidden\" name=\"field\" value=\"%s\">", field);
	else
		html_printf(b, "<input type=\"hidden\" name=\"page\" value=\"%s\">", page);
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button> "
		    "<a href=\"/staff/procedures/%s/builder\">%s</a></form>",
		    html_t(l, "proc.b.delete"), code, html_t(l, "proc.b.cancel"));
}

/* an edit of the builder: saved in the draft, or (preview) applied to a
 * copy and shown, nothing saved */
static int builder_edit(struct http_req *r, int preview)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	struct work w;
	struct err e;
	err_clear(&e);
	int rc = load_work(&w, r, code, &e);
	if (rc)
		return app_send_error(r, rc, rc == ERR_NOTFOUND ? "proc.e.not_found" : NULL, e.detail);
	if (w.has_draft && strcmp(w.dr.state, "draft") != 0)
		return app_send_error(r, ERR_CONFLICT, "proc.e.in_review", "builder: draft in review");
	const char *op = http_param(r, "op");
	const char *field = http_param(r, "field"), *page = http_param(r, "page");
	if (field && !*field)
		field = NULL;
	if (page && !*page)
		page = NULL;
	const char *plang = http_param(r, "plang");
	if (plang && !*plang)
		plang = NULL;
	if (!preview && !strcmp(op, "delete") &&
	    !(http_param(r, "confirm") && http_param(r, "confirm")[0] == '1')) {
		const struct forms_field *f = field ? forms_def_field(w.d, field) : NULL;
		int pi = page ? forms_def_page_index(w.d, page) : -1;
		if (!f && pi < 0)
			return app_send_error(r, ERR_NOTFOUND, "proc.e.not_found", "builder: nothing to delete");
		struct html_page pg;
		struct buf b;
		app_page_open(&b, &pg, r, html_t(l, "proc.b.delete_title"), NULL, NULL);
		confirm_page(r, &b, code, page, f ? field : NULL,
			     f ? forms_text_get(f->type == FORMS_T_INFO ? &f->text : &f->label, html_lang_code(l))
			       : forms_text_get(&w.d->pages[pi].title, html_lang_code(l)));
		return app_page_send(r, 200, &b, &pg);
	}
	static const struct { const char *name; enum forms_edit_op op; int delta; } map[] = {
		{ "meta", FORMS_EDIT_META, 0 }, { "add_page", FORMS_EDIT_ADD_PAGE, 0 },
		{ "page_title", FORMS_EDIT_PAGE_TITLE, 0 }, { "add_field", FORMS_EDIT_ADD_FIELD, 0 },
		{ "field", FORMS_EDIT_FIELD, 0 }, { "condition", FORMS_EDIT_CONDITION, 0 },
		{ "move_up", FORMS_EDIT_MOVE, -1 }, { "move_down", FORMS_EDIT_MOVE, 1 },
		{ "delete", FORMS_EDIT_DELETE, 0 },
		{ "add_route", FORMS_EDIT_ADD_ROUTE, 0 }, { "delete_route", FORMS_EDIT_DELETE_ROUTE, 0 },
	};
	struct forms_edit ed = { 0 };
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].name, op)) {
			ed.op = map[i].op;
			ed.delta = map[i].delta;
		}
	ed.page = page;
	ed.field = field;
	ed.id = http_param(r, "id");
	ed.type = http_param(r, "type");
	ed.label = (struct forms_text){ http_param(r, "label_ja"), http_param(r, "label_en"),
					http_param(r, "label_easy") };
	ed.hint = (struct forms_text){ http_param(r, "hint_ja"), http_param(r, "hint_en"),
				       http_param(r, "hint_easy") };
	const char *req = http_param(r, "required");
	ed.required = req && req[0] == '1';
	ed.options = http_param(r, "options");
	ed.cond_field = http_param(r, "cond_field");
	ed.cond_op = http_param(r, "cond_op");
	ed.cond_value = http_param(r, "cond_value");
	ed.department = http_param(r, "department");
	ed.go = http_param(r, "go");
	const char *rix = http_param(r, "route");
	ed.route = rix && *rix ? atoi(rix) : -1;
	int routing = !strcmp(op, "add_route") || !strcmp(op, "delete_route");
	/* a ja-easy text left empty keeps the one the definition has */
	json_t *out = NULL;
	rc = forms_edit(&out, r->arena, w.d->json, &ed, &e);
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		if (!preview)
			audit_edit(r, "procedure.draft.edit", code, AUDIT_R_FAILED);
		char id[48];
		snprintf(id, sizeof id, "proc.e.%s", ed.why ? ed.why : "schema");
		struct bpage p = { .r = r, .l = l, .code = code, .w = &w, .plang = plang };
		const char *target = field ? field : page;
		if (!strcmp(op, "meta") || !strcmp(op, "add_page") || routing)
			target = NULL;
		p.err.form = fid_of(&p, op, target);
		p.err.control = control_of(op, ed.why ? ed.why : "schema");
		p.err.msg = html_t(l, id);
		if (!strcmp(p.err.msg, id) || !ed.why)   /* no row: the general one */
			p.err.msg = html_t(l, "proc.e.schema");
		log_info("procedure builder edit refused", "procedure", code, "detail", e.detail);
		if (!strcmp(op, "delete_route")) {
			p.err.control = "x";
			p.err.link = "b-routes";
		}
		if (!strcmp(op, "move_up") || !strcmp(op, "move_down") || !strcmp(op, "delete")) {
			/* no form of its own to hold the message: the page's summary */
			p.err.form = fid_of(&p, op, target);
			p.err.control = "x";
			p.err.link = target ? arena_printf(r->arena, "%s-%s", field ? "bf" : "bp", target) : NULL;
		}
		return render(&p, 422);
	}
	if (rc)
		return app_send_error(r, rc, NULL, e.detail);
	if (!json_object_get(out, "id") || strcmp(json_string_value(json_object_get(out, "id")), code)) {
		json_decref(out);
		return app_send_error(r, ERR_INTERNAL, "proc.e.schema", "builder: id changed");
	}
	struct forms_def *nd = NULL;
	rc = forms_def_from_json(&nd, r->arena, out, &e);
	json_decref(out);
	if (preview) {
		if (rc)
			return app_send_error(r, rc, NULL, e.detail);
		/* the page as saved, this form with what was posted, the
		 * preview with the change: nothing written, nothing audited
		 * (no personal data is read) */
		struct bpage p = { .r = r, .l = l, .code = code, .w = &w, .plang = plang, .shown = nd };
		const char *target = field ? field : page;
		if (!strcmp(op, "meta") || !strcmp(op, "add_page") || routing)
			target = NULL;
		p.keep = fid_of(&p, op, target);
		return render(&p, 200);
	}
	if (rc == 0)
		rc = forms_draft_put(app_store(r), q->tenant.code, nd, w.has_draft ? w.dr.base_version : w.latest,
				     q->staff.id, &e);
	if (rc == ERR_CONFLICT)
		return app_send_error(r, rc, "proc.e.in_review", e.detail);
	if (rc)
		return app_send_error(r, rc, NULL, e.detail);
	audit_edit(r, "procedure.draft.edit", code, AUDIT_R_OK);
	if (routing)
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/procedures/%s/builder?saved=1%s%s#b-routes",
							  code, plang ? "&plang=" : "", plang ? plang : ""));
	const char *anchor = ed.done_id[0] ? ed.done_id : field ? field : page;
	const char *to = arena_printf(r->arena, "/staff/procedures/%s/builder?saved=1%s%s%s%s", code,
				      plang ? "&plang=" : "", plang ? plang : "",
				      anchor ? (ed.op == FORMS_EDIT_ADD_PAGE || (!field && page && !ed.done_id[0])
						? "#bp-" : "#bf-") : "", anchor ? anchor : "");
	return http_redirect(r, 303, to);
}

int page_staff_builder_post(struct http_req *r)
{
	return builder_edit(r, 0);
}

int page_staff_builder_preview(struct http_req *r)
{
	return builder_edit(r, 1);
}

int page_staff_builder_create(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	const char *ja = http_param(r, "label_ja"), *en = http_param(r, "label_en");
	const char *dept = http_param(r, "department");
	const char *why = NULL;
	struct work w;
	struct err e;
	if (!code || !*code || v_code(code, strlen(code)) != 0)
		why = "code_bad";
	else if (load_work(&w, r, code, &e) == 0)
		why = "code_taken";
	else if (!ja || !*ja || !en || !*en)
		why = "label_missing";
	if (!why) {
		json_t *doc = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:i, s:i, s:[{s:s, s:{s:s, s:s}, s:[]}]}",
					"format", FORMS_FORMAT, "id", code, "title", "ja", ja, "en", en,
					"department", dept && *dept ? dept : "",
					"retention_years", 5, "target_days", 14, "pages", "id", "page_1",
					"title", "ja", "申請の内容", "en", "Application", "fields");
		struct forms_def *d = NULL;
		int rc = doc ? forms_def_from_json(&d, r->arena, doc, &e) : ERR_NOMEM;
		json_decref(doc);
		if (rc == ERR_INVALID)
			why = forms_def_error_why(e.detail);
		else if (rc)
			return app_send_error(r, rc, NULL, e.detail);
		else if ((rc = forms_draft_put(app_store(r), q->tenant.code, d, 0, q->staff.id, &e)) != 0)
			return app_send_error(r, rc, NULL, e.detail);
		if (!why) {
			app_audit(r, "procedure.draft.create", "procedure", code, AUDIT_R_OK);
			return http_redirect(r, 303, arena_printf(r->arena, "/staff/procedures/%s/builder", code));
		}
	}
	char id[48];
	snprintf(id, sizeof id, "proc.e.%s", why);
	return page_staff_procedure_new_with(r, 422, html_t(l, id),
					     !strcmp(why, "label_missing") ? "new-label_ja" : "new-code");
}

/* the audit record of a publication, in its transaction */
struct pub_arg {
	struct app_actor actor;
	const struct audit_config *audit;
};

static int pub_hook(struct store *s, const char *tenant, const char *id, int version, void *arg,
		    struct err *e)
{
	(void)tenant;
	struct pub_arg *h = arg;
	char obj[FORMS_ID_MAX + 16];
	snprintf(obj, sizeof obj, "%s:v%d", id, version);
	return app_audit_as(s, h->audit, &h->actor,
			    &(struct app_audit_entry){ .action = "procedure.publish",
						       .object_type = "procedure_version",
						       .object_id = obj, .result = AUDIT_R_OK }, e);
}

int page_staff_builder_review(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	const char *step = http_param(r, "step");
	struct work w;
	struct err e;
	err_clear(&e);
	int rc = load_work(&w, r, code, &e);
	if (rc)
		return app_send_error(r, rc, rc == ERR_NOTFOUND ? "proc.e.not_found" : NULL, e.detail);
	if (!w.has_draft)
		return app_send_error(r, ERR_CONFLICT, "proc.e.no_draft", "review: no draft");
	const char *action = arena_printf(r->arena, "procedure.review.%s", step);
	if (!strcmp(step, "submit") || !strcmp(step, "return")) {
		const char *comment = http_param(r, "comment");
		if (!strcmp(step, "return") && (!comment || !*comment)) {
			struct bpage p = { .r = r, .l = l, .code = code, .w = &w };
			p.err = (struct berr){ "review", "comment", html_t(l, "proc.e.comment_missing"), NULL };
			return render(&p, 422);
		}
		struct forms_draft_step st = { .tenant = q->tenant.code, .code = code,
					       .to = !strcmp(step, "submit") ? "review" : "draft",
					       .comment = !strcmp(step, "return") ? comment : NULL,
					       .staff = q->staff.id };
		rc = forms_draft_move(app_store(r), &st, &e);
		if (rc == ERR_CONFLICT)
			return app_send_error(r, rc, "proc.e.state", e.detail);
		if (rc)
			return app_send_error(r, rc, NULL, e.detail);
		app_audit(r, action, "procedure", code, AUDIT_R_OK);
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/procedures/%s/builder?saved=1", code));
	}
	/* approve (publishes) or publish an approved draft */
	struct pub_arg h = { .audit = &app_of(r)->audit };
	app_actor_of(&h.actor, r);
	struct forms_publish_hook hook = { pub_hook, &h };
	struct procedures_publish_req pr = { .tenant = q->tenant.code, .d = w.d, .hook = &hook,
					     .search = app_search(r), .approved = 1 };
	int version = 0, created = 0;
	if (!strcmp(step, "approve"))
		rc = procedures_approve(&version, &created, app_store(r), q->staff.id, &pr, &e);
	else if (strcmp(w.dr.state, "approved") != 0)
		rc = err_set(&e, ERR_CONFLICT, "publish: not approved");
	else
		rc = procedures_publish(&version, &created, app_store(r), &pr, &e);
	if (rc == ERR_DENIED) {
		app_audit(r, action, "procedure", code, AUDIT_R_DENIED);
		/* two refusals share the code: a department nobody reads
		 * (procedures_publish) and the submitter approving their own */
		struct err re;
		if (procedures_check_routed(app_store(r), q->tenant.code, w.d, &re) == ERR_DENIED)
			return app_send_error(r, ERR_CONFLICT, PROCEDURES_MSG_UNROUTED, re.detail,
					      w.d->department);
		return app_send_error(r, ERR_DENIED, "proc.e.self_approval", e.detail);
	}
	if (rc == ERR_CONFLICT)
		return app_send_error(r, rc, "proc.e.state", e.detail);
	if (rc) {
		app_audit(r, action, "procedure", code, AUDIT_R_FAILED);
		return app_send_error(r, rc, rc == ERR_INVALID ? "proc.e.publish_refused" : NULL, e.detail);
	}
	app_audit(r, action, "procedure", code, AUDIT_R_OK);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, created ? "proc.published_new" : "proc.unchanged_title"), NULL, NULL);
	html_printf(&b, "<p class=\"notice\" role=\"status\">%s <span class=\"published-version\">"
		    "%s: <strong>%d</strong></span></p>\n",
		    html_t(l, created ? "proc.published_lead" : "proc.unchanged"), html_t(l, "proc.version"), version);
	html_printf(&b, "<ul><li><a href=\"/staff/procedures/%s/versions/%d\">%s</a></li>"
		    "<li><a href=\"/staff/procedures/%s/builder\">%s</a></li>"
		    "<li><a href=\"/staff/procedures\">%s</a></li></ul>\n",
		    code, version, html_t(l, "proc.view_version"), code, html_t(l, "proc.b.title"),
		    html_t(l, "proc.back"));
	return app_page_send(r, 200, &b, &pg);
}

int page_staff_procedure_unpublish(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	struct err e;
	int rc = forms_unpublish(app_store(r), q->tenant.code, code, 1, &e);
	if (rc)
		return app_send_error(r, rc, rc == ERR_NOTFOUND ? "proc.e.not_found" : NULL, e.detail);
	app_audit(r, "procedure.unpublish", "procedure", code, AUDIT_R_OK);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "proc.b.unpublished_title"), NULL, NULL);
	html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p><ul>"
		    "<li><a href=\"/staff/procedures/%s/builder\">%s</a></li>"
		    "<li><a href=\"/staff/procedures\">%s</a></li></ul>\n",
		    html_t(l, "proc.b.unpublished_lead"), code, html_t(l, "proc.b.title"), html_t(l, "proc.back"));
	return app_page_send(r, 200, &b, &pg);
}

int page_staff_procedure_diff(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	struct forms_version_info v[50];
	struct err e;
	int nv = forms_versions(v, 50, app_store(r), q->tenant.code, code, &e);
	if (nv < 0)
		return app_send_error(r, nv, NULL, e.detail);
	struct forms_draft dr;
	int has_draft = forms_draft_get(&dr, r->arena, app_store(r), q->tenant.code, code, &e) == 0;
	if (nv == 0 && !has_draft)
		return app_send_error(r, ERR_NOTFOUND, "proc.e.not_found", "diff: no procedure");
	int64_t from = 0, to = -1;
	const char *fs = http_param(r, "from"), *ts = http_param(r, "to");
	if (ts && *ts)
		to = strtoll(ts, NULL, 10);
	if (fs && *fs)
		from = strtoll(fs, NULL, 10);
	/* defaults: the draft against the latest, else the latest against the one before */
	if (to < 0)
		to = has_draft ? 0 : (nv ? v[0].version : 0);
	if (!(fs && *fs))
		from = to == 0 ? (nv ? v[0].version : 0) : to - 1;
	const json_t *a = NULL, *bj = NULL;
	struct forms_def *d1 = NULL, *d2 = NULL;
	if (from > 0 && forms_load_version(&d1, NULL, r->arena, app_store(r),
					   &(struct forms_ref){ .tenant = q->tenant.code, .id = code,
								.version = (int)from }, &e) == 0)
		a = d1->json;
	if (to == 0 && has_draft)
		bj = dr.def->json;
	else if (to > 0 && forms_load_version(&d2, NULL, r->arena, app_store(r),
					      &(struct forms_ref){ .tenant = q->tenant.code, .id = code,
								   .version = (int)to }, &e) == 0)
		bj = d2->json;
	struct html_page pg;
	struct buf b;
	char title[160];
	snprintf(title, sizeof title, "%s: %s", html_t(l, "proc.b.history"), code);
	app_page_open(&b, &pg, r, title, NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/procedures.css\">\n");
	html_printf(&b, "<h2>%s</h2><ul class=\"history\">", html_t(l, "proc.versions"));
	if (has_draft)
		html_printf(&b, "<li>%s (%s) — <a href=\"/staff/procedures/%s/diff?to=0\">%s</a></li>",
			    html_t(l, "proc.d.draft"), html_t(l, dr.state[0] == 'r' ? "proc.s.review"
							      : dr.state[0] == 'a' ? "proc.s.approved" : "proc.s.draft"),
			    code, html_t(l, "proc.d.show_changes"));
	for (int i = 0; i < nv; i++) {
		html_printf(&b, "<li><a href=\"/staff/procedures/%s/versions/%d\">v%d</a>", code, v[i].version,
			    v[i].version);
		if (v[i].version > 1)
			html_printf(&b, " — <a href=\"/staff/procedures/%s/diff?from=%d&amp;to=%d\">%s</a>", code,
				    v[i].version - 1, v[i].version, html_t(l, "proc.d.show_changes"));
		buf_puts(&b, "</li>");
	}
	buf_puts(&b, "</ul>\n");
	char from_s[32], to_s[32];
	snprintf(from_s, sizeof from_s, "v%lld", (long long)from);
	if (to == 0)
		snprintf(to_s, sizeof to_s, "%s", html_t(l, "proc.d.draft"));
	else
		snprintf(to_s, sizeof to_s, "v%lld", (long long)to);
	html_printf(&b, "<h2 id=\"diff-title\">%s: %s → %s</h2>", html_t(l, "proc.d.title"),
		    from > 0 ? from_s : "—", to_s);
	if (a && bj)
		procedures_diff_list(&b, r, a, bj);
	else if (bj && from == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "proc.b.new_procedure"));
	else
		html_printf(&b, "<p>%s</p>", html_t(l, "proc.d.nothing"));
	html_printf(&b, "<p><a href=\"/staff/procedures/%s/builder\">%s</a> · <a href=\"/staff/procedures\">%s</a></p>",
		    code, html_t(l, "proc.b.title"), html_t(l, "proc.back"));
	return app_page_send(r, 200, &b, &pg);
}
