/*
 * page_form.c -- render one page of a procedure definition as an HTML form
 * and parse a submitted page back into answers (contract in page_form.h).
 *
 * Invariants: every text of a definition and every answer goes through
 * html_printf's %s (escaped); only our own fragments use %S.  Whether a
 * field is shown or required is asked of src/core/forms (forms_field_shown /
 * forms_field_required), never decided here.  Read-only prefilled answers
 * are rendered as text and never parsed back: form_parse_page copies them
 * from the previous answers.
 */
#include "web/page_form.h"
#include "jp/date.h"

#include "html/html.h"
#include "jp/wareki.h"
#include "web/ui.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

/* snprintf that truncates silently (paths are bounded by FORMS_PATH_MAX;
 * a truncated one matches nothing) */
static void pathf(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

struct rctx {
	struct buf *b;
	const struct form_view *v;
	enum html_lang l;
	const json_t *norm;
};

static enum html_lang lang_of(const char *lang)
{
	int l = html_lang_parse(lang ? lang : "ja");
	return l < 0 ? HTML_JA : (enum html_lang)l;
}

static const char *T(const struct rctx *x, const struct forms_text *t)
{
	return forms_text_get(t, x->v->lang ? x->v->lang : "ja");
}

static int has_text(const struct forms_text *t)
{
	return t && t->ja && t->ja[0];
}

static void dom_id_raw(char *out, size_t n, const char *path)
{
	size_t o = 0;
	if (n < 3) {
		if (n)
			out[0] = '\0';
		return;
	}
	out[o++] = 'f';
	out[o++] = '-';
	for (const char *p = path; *p && o + 1 < n; p++) {
		char c = *p;
		if (c == ']')
			continue;
		out[o++] = (c == '.' || c == '[') ? '-' : c;
	}
	out[o] = '\0';
}

static const struct forms_field *find_in(const struct forms_field *fs, int n,
					 const char *id, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(fs[i].id) == len && memcmp(fs[i].id, id, len) == 0)
			return &fs[i];
	return NULL;
}

static const struct forms_field *top_field(const struct forms_def *d,
					   const char *id, size_t len)
{
	for (int p = 0; p < d->npages; p++) {
		const struct forms_field *f = find_in(d->pages[p].fields,
						      d->pages[p].nfields, id, len);
		if (f)
			return f;
	}
	return NULL;
}

static int is_compound(enum forms_type t)
{
	return t == FORMS_T_NAME_JP || t == FORMS_T_ADDRESS_JP ||
	       t == FORMS_T_BANK_ACCOUNT;
}

static const char *first_part(enum forms_type t)
{
	switch (t) {
	case FORMS_T_NAME_JP: return "family";
	case FORMS_T_ADDRESS_JP: return "postal_code";
	case FORMS_T_BANK_ACCOUNT: return "bank_code";
	default: return NULL;
	}
}

/* resolve an error path to its field: *top the top-level field, *leaf the
 * deepest field named, *part 1 when the path ends in a compound's part */
static const struct forms_field *resolve(const struct forms_def *d,
					 const char *path,
					 const struct forms_field **top,
					 int *part)
{
	*part = 0;
	*top = NULL;
	const char *p = path;
	size_t l = strcspn(p, ".[");
	const struct forms_field *f = top_field(d, p, l);
	*top = f;
	p += l;
	while (f && *p) {
		if (*p == '[') {
			const char *c = strchr(p, ']');
			if (!c)
				return f;
			p = c + 1;
			continue;
		}
		if (*p == '.') {
			p++;
			l = strcspn(p, ".[");
			if (f->type == FORMS_T_GROUP) {
				const struct forms_field *g = find_in(f->fields, f->nfields, p, l);
				if (!g)
					return f;
				f = g;
			} else {
				*part = 1;
				return f;
			}
			p += l;
			continue;
		}
		break;
	}
	return f;
}

const struct forms_field *form_field_at(const struct forms_def *d,
					const char *path, int *part)
{
	const struct forms_field *top;
	return resolve(d, path, &top, part);
}

void form_dom_id(char *out, size_t n, const struct forms_def *d,
		 const char *path)
{
	if (!path || !path[0]) {
		snprintf(out, n, "main");
		return;
	}
	const struct forms_field *top;
	int part;
	const struct forms_field *f = resolve(d, path, &top, &part);
	if (f && !part && is_compound(f->type)) {
		char p2[FORMS_PATH_MAX + 20];
		pathf(p2, sizeof p2, "%s.%s", path, first_part(f->type));
		dom_id_raw(out, n, p2);
		return;
	}
	dom_id_raw(out, n, path);
}

static int field_page_of(const struct forms_def *d, const char *path)
{
	const struct forms_field *top;
	int part;
	resolve(d, path, &top, &part);
	return top ? top->page : -1;
}

int form_page_errors(const struct forms_def *d, const struct forms_result *r,
		     int page)
{
	int n = 0;
	for (int i = 0; r && i < r->nerrors; i++)
		if (field_page_of(d, r->errors[i].path) == page)
			n++;
	return n;
}

int form_error_page(const struct forms_def *d, const struct forms_result *r)
{
	int best = -1;
	for (int i = 0; r && i < r->nerrors; i++) {
		int p = field_page_of(d, r->errors[i].path);
		if (p < 0)
			continue;
		if (best < 0 || p < best)
			best = p;
	}
	return best;
}

static int fields_have_file(const struct forms_field *fs, int n)
{
	for (int i = 0; i < n; i++) {
		if (fs[i].type == FORMS_T_FILE)
			return 1;
		if (fs[i].type == FORMS_T_GROUP && fields_have_file(fs[i].fields, fs[i].nfields))
			return 1;
	}
	return 0;
}

int form_page_has_file(const struct forms_def *d, int page)
{
	if (page < 0 || page >= d->npages)
		return 0;
	return fields_have_file(d->pages[page].fields, d->pages[page].nfields);
}

static const char *err_msg(const struct rctx *x, const struct forms_error *er)
{
	return x->l == HTML_EN ? er->en : er->ja;
}

/* the first error at exactly this path */
static const struct forms_error *error_at(const struct rctx *x, const char *path)
{
	const struct forms_result *r = x->v->errors;
	for (int i = 0; r && i < r->nerrors; i++)
		if (strcmp(r->errors[i].path, path) == 0)
			return &r->errors[i];
	return NULL;
}

static const char *str_of(const json_t *v, char *tmp, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, n, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	return "";
}

static const char *source_of(const struct form_view *v, const struct forms_field *f)
{
	if (!v->sources || !json_is_object(v->sources))
		return NULL;
	return json_string_value(json_object_get(v->sources, f->id));
}

static int read_only(const struct form_view *v, const struct forms_field *f,
		     const json_t *val)
{
	const char *src = source_of(v, f);
	if (!src || !val || json_is_null(val) || f->prefill_editable)
		return 0;
	return strcmp(src, "juki") == 0 || strcmp(src, "jpki_cert") == 0;
}

const char *form_source_label(const char *source, const char *lang)
{
	enum html_lang l = lang_of(lang);
	if (!source)
		return "";
	if (strcmp(source, "juki") == 0)
		return html_t(l, "form.src_juki");
	if (strcmp(source, "jpki_cert") == 0)
		return html_t(l, "form.src_jpki");
	if (strcmp(source, "previous_submission") == 0)
		return html_t(l, "form.src_previous");
	if (strcmp(source, "staff") == 0)
		return html_t(l, "form.src_staff");
	/* app_prefill.c: the household's children, the account's e-mail */
	if (strcmp(source, "juki_household") == 0)
		return html_t(l, "form.src_household");
	if (strcmp(source, "account") == 0)
		return html_t(l, "form.src_account");
	return source;
}

/* ---- values as text ---- */

static const char *option_label(const struct forms_field *f, const char *value,
				const char *lang)
{
	for (int i = 0; i < f->noptions; i++)
		if (strcmp(f->options[i].value, value) == 0)
			return forms_text_get(&f->options[i].label, lang);
	return value;
}

static const char *part(const json_t *v, const char *k)
{
	const json_t *p = json_is_object(v) ? json_object_get(v, k) : NULL;
	return json_is_string(p) ? json_string_value(p) : NULL;
}

static void put_sep(struct buf *b, const char *s, int *first)
{
	if (!s || !s[0])
		return;
	if (!*first)
		buf_putc(b, ' ');
	buf_puts(b, s);
	*first = 0;
}

static void date_text(struct buf *b, const struct forms_field *f, const char *s,
		      enum html_lang l)
{
	struct jp_date d;
	struct err e;
	if (strlen(s) == 10 && jp_date_parse_iso(&d, s, &e) == 0) {
		char w[64];
		if (f->date_wareki && l != HTML_EN &&
		    jp_wareki_format(w, sizeof w, d, JP_WAREKI_KANJI, 0, &e) == 0) {
			buf_printf(b, "%s（%d年）", w, d.y);
			return;
		}
		if (l == HTML_EN)
			buf_printf(b, "%04d-%02d-%02d", d.y, d.m, d.d);
		else
			buf_printf(b, "%d年%d月%d日", d.y, d.m, d.d);
		return;
	}
	buf_puts(b, s);
}

void form_value_text(struct buf *b, const struct forms_field *f,
		     const json_t *v, const char *lang, int mask)
{
	enum html_lang l = lang_of(lang);
	char tmp[32];
	if (!v || json_is_null(v)) {
		buf_puts(b, html_t(l, "form.unanswered"));
		return;
	}
	int first = 1;
	switch (f->type) {
	case FORMS_T_NAME_JP: {
		put_sep(b, part(v, "family"), &first);
		put_sep(b, part(v, "given"), &first);
		const char *fk = part(v, "family_kana"), *gk = part(v, "given_kana");
		if (fk || gk) {
			buf_puts(b, "（");
			int f2 = 1;
			put_sep(b, fk, &f2);
			put_sep(b, gk, &f2);
			buf_puts(b, "）");
		}
		return;
	}
	case FORMS_T_ADDRESS_JP: {
		const char *pc = part(v, "postal_code");
		if (pc && pc[0])
			buf_printf(b, "〒%s", pc), first = 0;
		put_sep(b, part(v, "pref"), &first);
		put_sep(b, part(v, "city"), &first);
		put_sep(b, part(v, "street"), &first);
		put_sep(b, part(v, "building"), &first);
		return;
	}
	case FORMS_T_BANK_ACCOUNT: {
		const char *kind = part(v, "kind");
		const char *kid = !kind ? NULL : strcmp(kind, "ordinary") == 0 ? "form.bank_ordinary"
			: strcmp(kind, "current") == 0 ? "form.bank_current"
			: strcmp(kind, "savings") == 0 ? "form.bank_savings" : NULL;
		buf_printf(b, "%s %s / %s %s / %s %s / %s %s",
			   html_t(l, "form.bank_code"), part(v, "bank_code") ? part(v, "bank_code") : "",
			   html_t(l, "form.branch_code"), part(v, "branch_code") ? part(v, "branch_code") : "",
			   kid ? html_t(l, kid) : (kind ? kind : ""),
			   part(v, "number") ? part(v, "number") : "",
			   html_t(l, "form.holder_kana"), part(v, "holder_kana") ? part(v, "holder_kana") : "");
		return;
	}
	case FORMS_T_MY_NUMBER: {
		const char *s = json_string_value(v);
		size_t n = s ? strlen(s) : 0;
		if (!mask) {
			buf_puts(b, s ? s : "");
			return;
		}
		buf_puts(b, "********");
		buf_puts(b, n >= 4 ? s + n - 4 : "****");
		return;
	}
	case FORMS_T_DATE:
		date_text(b, f, str_of(v, tmp, sizeof tmp), l);
		return;
	case FORMS_T_YEN:
		if (json_is_integer(v)) {
			/* thousands separators */
			char d[32];
			pathf(d, sizeof d, "%lld", (long long)json_integer_value(v));
			size_t n = strlen(d), lead = d[0] == '-' ? 1 : 0;
			for (size_t i = 0; i < n; i++) {
				buf_putc(b, d[i]);
				size_t rest = n - i - 1;
				if (i >= lead && rest && rest % 3 == 0)
					buf_putc(b, ',');
			}
			buf_puts(b, html_t(l, "form.yen"));
			return;
		}
		buf_puts(b, str_of(v, tmp, sizeof tmp));
		return;
	case FORMS_T_RADIO:
	case FORMS_T_SELECT:
		buf_puts(b, json_is_string(v) ? option_label(f, json_string_value(v), lang) : "");
		return;
	case FORMS_T_CHECKBOXES: {
		size_t i;
		const json_t *it;
		if (!json_is_array(v) || json_array_size(v) == 0) {
			buf_puts(b, html_t(l, "form.none_selected"));
			return;
		}
		json_array_foreach(v, i, it) {
			if (i)
				buf_puts(b, l == HTML_EN ? ", " : "、");
			buf_puts(b, json_is_string(it) ? option_label(f, json_string_value(it), lang) : "");
		}
		return;
	}
	case FORMS_T_YES_NO: {
		int yes = json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "yes") == 0);
		buf_puts(b, html_t(l, yes ? "yes" : "no"));
		return;
	}
	case FORMS_T_DECLARATION:
		buf_puts(b, html_t(l, json_is_true(v) || json_is_string(v) ? "form.agreed" : "form.unanswered"));
		return;
	case FORMS_T_FILE: {
		if (part(v, "waived")) {
			buf_puts(b, html_t(l, "form.waived"));
			return;
		}
		const char *n = part(v, "name");
		const json_t *sz = json_is_object(v) ? json_object_get(v, "size") : NULL;
		buf_puts(b, n ? n : "");
		if (json_is_integer(sz))
			buf_printf(b, "（%lld KB）", (long long)((json_integer_value(sz) + 1023) / 1024));
		return;
	}
	case FORMS_T_GROUP:
		buf_printf(b, html_t(l, "form.items_n"), (int)(json_is_array(v) ? json_array_size(v) : 0));
		return;
	default:
		buf_puts(b, str_of(v, tmp, sizeof tmp));
	}
}

/* ---- rendering ---- */

static void attr_describedby(struct rctx *x, const char *id, int hint, int err)
{
	if (!hint && !err)
		return;
	buf_puts(x->b, " aria-describedby=\"");
	if (hint)
		html_printf(x->b, "%s-hint", id);
	if (err)
		html_printf(x->b, "%S%s-error", hint ? " " : "", id);
	buf_putc(x->b, '"');
	if (err)
		buf_puts(x->b, " aria-invalid=\"true\"");
}

static void error_line(struct rctx *x, const char *id, const struct forms_error *er)
{
	if (er)
		html_printf(x->b, "<p id=\"%s-error\" class=\"error-message\">"
			    "<span class=\"visually-hidden\">%s: </span>%s</p>",
			    id, html_t(x->l, "form.error"), err_msg(x, er));
}

static void label_text(struct rctx *x, const struct forms_field *f, int required)
{
	html_printf(x->b, "%s", has_text(&f->label) ? T(x, &f->label) : "");
	if (required)
		html_printf(x->b, " <span class=\"required\">%s</span>", html_t(x->l, "form.required"));
}

/* the type's own help under the hint (date format, kana, digits), or NULL */
static const char *type_hint(struct rctx *x, const struct forms_field *f)
{
	switch (f->type) {
	case FORMS_T_DATE:
		return html_t(x->l, f->date_wareki ? "form.date_hint_wareki" : "form.date_hint_seireki");
	case FORMS_T_KANA: return html_t(x->l, "form.kana_hint");
	case FORMS_T_MY_NUMBER: return html_t(x->l, "form.my_number_hint");
	case FORMS_T_PHONE: return html_t(x->l, "form.phone_hint");
	case FORMS_T_POSTAL_CODE: return html_t(x->l, "form.postal_hint");
	case FORMS_T_FILE: return html_t(x->l, "form.file_hint");
	default: return NULL;
	}
}

/* the hint of f plus the type's own help (a file field's; the other
 * fields' are written by the ui components, see field_of) */
static int hint_block(struct rctx *x, const struct forms_field *f, const char *id,
		      const char *src, int editable_src)
{
	const char *extra = type_hint(x, f);
	int has = has_text(&f->hint) || extra || (src && editable_src);
	if (!has)
		return 0;
	html_printf(x->b, "<div id=\"%s-hint\" class=\"hint\">", id);
	if (has_text(&f->hint))
		html_printf(x->b, "<p>%s</p>", T(x, &f->hint));
	if (extra)
		html_printf(x->b, "<p>%s</p>", extra);
	if (f->type == FORMS_T_FILE && f->max_bytes > 0)
		buf_printf(x->b, "<p>%s %lld MB</p>", html_t(x->l, "form.file_max"),
			   (long long)((f->max_bytes + (1 << 20) - 1) >> 20));
	if (src && editable_src)
		html_printf(x->b, "<p class=\"source\">%s</p>", form_source_label(src, x->v->lang));
	buf_puts(x->b, "</div>");
	return 1;
}

/* A field for the ui components (web/ui.h): the input for path P is
 * named "f.P" and has the id of dom_id_raw; the required mark and the
 * error's hidden prefix are the form's messages, and an error marks the
 * field (error_class).  A number's input (inputmode "numeric") is also
 * verbatim: no spelling check.  id and name are the caller's buffers. */
struct ui_of {
	char id[FORM_ID_MAX + 24], name[FORMS_PATH_MAX + 24];
	struct ui_field f;
};

static void field_of(struct ui_of *u, struct rctx *x, const char *path, const char *label,
		     const char *value, int required)
{
	memset(u, 0, sizeof *u);
	dom_id_raw(u->id, sizeof u->id, path);
	pathf(u->name, sizeof u->name, "f.%s", path);
	const struct forms_error *er = error_at(x, path);
	u->f = (struct ui_field){ .name = u->name, .id = u->id, .label = label, .value = value,
				  .required = required, .error = er ? err_msg(x, er) : NULL,
				  .lang = x->l, .error_class = 1,
				  .required_text = html_t(x->l, "form.required"),
				  .error_prefix = html_t(x->l, "form.error") };
}

/* field_of for a field of the definition: its label, its hint, the
 * type's help and the source of an editable prefilled answer */
/* a definition's field: its label, hint and type hint; shown_src is the
 * source of a prefilled answer the resident may still edit (its line is
 * shown), or NULL */
static void def_field_of(struct ui_of *u, struct rctx *x, const struct forms_field *f,
			 const char *path, const char *value, int required, const char *shown_src)
{
	field_of(u, x, path, has_text(&f->label) ? T(x, &f->label) : "", value, required);
	u->f.hint = has_text(&f->hint) ? T(x, &f->hint) : NULL;
	u->f.more_hints[0] = type_hint(x, f);
	u->f.source = shown_src ? form_source_label(shown_src, x->v->lang) : NULL;
}

static int max_len(int64_t n)
{
	return n <= 0 ? 0 : n > INT_MAX ? INT_MAX : (int)n;
}

static int applicant(const struct forms_field *f)
{
	return strncmp(f->id, "applicant_", 10) == 0;
}

/* where fields are rendered: at the top of a page or inside a group's item */
struct field_scope {
	const char *prefix;         /* the item's path ("kids[0]"), NULL: top  */
	const json_t *vals;         /* the answers at this level               */
	const json_t *norm_item;    /* the normalised item, for conditions     */
	int top;                    /* the page's own fields                   */
	struct buf *shown;          /* top: the ids shown are listed here      */
};
static void render_fields(struct rctx *x, const struct forms_field *fs, int n,
			  const struct field_scope *sc);

static void render_simple(struct rctx *x, const struct forms_field *f,
			  const char *path, const json_t *val, int required,
			  const char *src, int editable_src)
{
	char tmp[32];
	struct ui_of u;
	def_field_of(&u, x, f, path, str_of(val, tmp, sizeof tmp), required,
		     editable_src ? src : NULL);
	switch (f->type) {
	case FORMS_T_TEXTAREA:
		u.f.maxlength = max_len(f->max_length);
		ui_textarea(x->b, &u.f, 5);
		return;
	case FORMS_T_TEXT:
	case FORMS_T_KANA:
		u.f.maxlength = max_len(f->max_length);
		break;
	case FORMS_T_DATE:
		u.f.control_class = "input-date";
		u.f.maxlength = 40;
		if (applicant(f) && strstr(f->id, "birth"))
			u.f.autocomplete = f->date_wareki ? NULL : "bday";
		break;
	case FORMS_T_POSTAL_CODE:
		u.f.inputmode = "numeric";
		u.f.verbatim = 1;
		u.f.autocomplete = "postal-code";
		u.f.maxlength = 10;
		u.f.control_class = "input-short";
		break;
	case FORMS_T_PHONE:
		u.f.type = "tel";
		u.f.autocomplete = applicant(f) || strstr(f->id, "phone") ? "tel" : NULL;
		u.f.maxlength = 30;
		break;
	case FORMS_T_EMAIL:
		u.f.type = "email";
		u.f.autocomplete = "email";
		u.f.maxlength = 254;
		break;
	case FORMS_T_MY_NUMBER:
		u.f.inputmode = "numeric";
		u.f.verbatim = 1;
		u.f.autocomplete = "off";
		u.f.maxlength = 20;
		u.f.control_class = "input-medium";
		break;
	case FORMS_T_INTEGER:
		u.f.inputmode = "numeric";
		u.f.verbatim = 1;
		u.f.maxlength = 24;
		u.f.control_class = "input-short";
		break;
	case FORMS_T_YEN:
		u.f.inputmode = "numeric";
		u.f.verbatim = 1;
		u.f.maxlength = 24;
		u.f.control_class = "input-short";
		u.f.unit = html_t(x->l, "form.yen");
		break;
	default:
		break;
	}
	ui_input(x->b, &u.f);
}

static void choices(struct rctx *x, const struct forms_field *f, const char *path,
		    const json_t *val, int required, const char *src, int ed)
{
	struct ui_of u;
	def_field_of(&u, x, f, path, NULL, required, ed ? src : NULL);
	ui_fieldset_open(x->b, &u.f);
	struct ui_choice c[FORMS_MAX_OPTIONS];
	int n = 0;
	if (f->type == FORMS_T_YES_NO) {
		int yes = json_is_true(val) || (json_is_string(val) && strcmp(json_string_value(val), "yes") == 0);
		int no = json_is_false(val) || (json_is_string(val) && strcmp(json_string_value(val), "no") == 0);
		c[n++] = (struct ui_choice){ "yes", html_t(x->l, "yes"), yes };
		c[n++] = (struct ui_choice){ "no", html_t(x->l, "no"), no };
		ui_options(x->b, "radio", u.id, u.name, c, n, 1);
		ui_fieldset_close(x->b);
		return;
	}
	int checkbox = f->type == FORMS_T_CHECKBOXES;
	for (int i = 0; i < f->noptions && n < FORMS_MAX_OPTIONS; i++) {
		const char *ov = f->options[i].value;
		int on = 0;
		if (checkbox && json_is_array(val)) {
			size_t k;
			const json_t *it;
			json_array_foreach(val, k, it)
				on |= json_is_string(it) && strcmp(json_string_value(it), ov) == 0;
		} else if (json_is_string(val)) {
			on = strcmp(json_string_value(val), ov) == 0;
		}
		c[n++] = (struct ui_choice){ ov, forms_text_get(&f->options[i].label, x->v->lang), on };
	}
	ui_options(x->b, checkbox ? "checkbox" : "radio", u.id, u.name, c, n, 0);
	ui_fieldset_close(x->b);
}

static void select_el(struct rctx *x, const struct forms_field *f, const char *path,
		      const json_t *val, int required, const char *src, int ed)
{
	struct ui_of u;
	def_field_of(&u, x, f, path, json_string_value(val), required, ed ? src : NULL);
	struct ui_option opts[FORMS_MAX_OPTIONS];
	int n = 0;
	for (int i = 0; i < f->noptions && n < FORMS_MAX_OPTIONS; i++)
		opts[n++] = (struct ui_option){ f->options[i].value,
						forms_text_get(&f->options[i].label, x->v->lang) };
	ui_select(x->b, &u.f, opts, n, html_t(x->l, "form.choose"));
}

static const char *const prefectures[47] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
	"新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
	"奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
	"徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
};

struct part_def {
	const char *key, *label, *autocomplete, *inputmode;
	int maxlength;
	const char *cls;
	int kind;              /* 0 input, 1 prefecture select, 2 bank kind select */
};

static void compound(struct rctx *x, const struct forms_field *f, const char *path,
		     const json_t *val, int required, const char *src, int ed)
{
	static const struct part_def name_parts[] = {
		{ "family", "form.family", "family-name", NULL, 50, "input-medium", 0 },
		{ "given", "form.given", "given-name", NULL, 50, "input-medium", 0 },
		{ "family_kana", "form.family_kana", NULL, NULL, 100, "input-medium", 0 },
		{ "given_kana", "form.given_kana", NULL, NULL, 100, "input-medium", 0 },
		{ NULL, NULL, NULL, NULL, 0, NULL, 0 },
	};
	static const struct part_def addr_parts[] = {
		{ "postal_code", "form.postal_code", "postal-code", "numeric", 10, "input-short", 0 },
		{ "pref", "form.pref", "address-level1", NULL, 0, NULL, 1 },
		{ "city", "form.city", "address-level2", NULL, 100, NULL, 0 },
		{ "street", "form.street", "address-line1", NULL, 200, NULL, 0 },
		{ "building", "form.building", "address-line2", NULL, 200, NULL, 0 },
		{ NULL, NULL, NULL, NULL, 0, NULL, 0 },
	};
	static const struct part_def bank_parts[] = {
		{ "bank_code", "form.bank_code", NULL, "numeric", 4, "input-short", 0 },
		{ "branch_code", "form.branch_code", NULL, "numeric", 3, "input-short", 0 },
		{ "kind", "form.bank_kind", NULL, NULL, 0, NULL, 2 },
		{ "number", "form.bank_number", NULL, "numeric", 7, "input-short", 0 },
		{ "holder_kana", "form.holder_kana", NULL, NULL, 100, NULL, 0 },
		{ NULL, NULL, NULL, NULL, 0, NULL, 0 },
	};
	const struct part_def *parts = f->type == FORMS_T_NAME_JP ? name_parts
		: f->type == FORMS_T_ADDRESS_JP ? addr_parts : bank_parts;
	struct ui_of whole;
	def_field_of(&whole, x, f, path, NULL, required, ed ? src : NULL);
	ui_fieldset_open(x->b, &whole.f);
	int personal = applicant(f);
	static const char *const kinds[3][2] = {
		{ "ordinary", "form.bank_ordinary" },
		{ "current", "form.bank_current" },
		{ "savings", "form.bank_savings" },
	};
	struct ui_option opts[47];
	for (const struct part_def *p = parts; p->key; p++) {
		char pp[FORMS_PATH_MAX + 24], tmp[32];
		pathf(pp, sizeof pp, "%s.%s", path, p->key);
		const json_t *pv = json_is_object(val) ? json_object_get(val, p->key) : NULL;
		struct ui_of u;
		field_of(&u, x, pp, html_t(x->l, p->label), str_of(pv, tmp, sizeof tmp), 0);
		u.f.field_class = "part";
		u.f.autocomplete = personal ? p->autocomplete : NULL;
		if (p->kind == 1 || p->kind == 2) {
			int n = p->kind == 1 ? 47 : 3;
			for (int i = 0; i < n; i++)
				opts[i] = p->kind == 1 ? (struct ui_option){ prefectures[i], prefectures[i] }
					: (struct ui_option){ kinds[i][0], html_t(x->l, kinds[i][1]) };
			ui_select(x->b, &u.f, opts, n, html_t(x->l, "form.choose"));
			continue;
		}
		u.f.inputmode = p->inputmode;
		u.f.verbatim = p->inputmode && strcmp(p->inputmode, "numeric") == 0;
		u.f.control_class = p->cls;
		u.f.maxlength = p->maxlength;
		ui_input(x->b, &u.f);
	}
	ui_fieldset_close(x->b);
}

static void file_el(struct rctx *x, const struct forms_field *f, const char *path,
		    const json_t *val, int required)
{
	char id[FORM_ID_MAX];
	dom_id_raw(id, sizeof id, path);
	const struct forms_error *er = error_at(x, path);
	html_printf(x->b, "<div class=\"field%S\"><label for=\"%s\">", er ? " field-error" : "", id);
	label_text(x, f, required);
	buf_puts(x->b, "</label>");
	int hint = hint_block(x, f, id, NULL, 0);
	error_line(x, id, er);
	if (json_is_object(val) && part(val, "waived")) {
		html_printf(x->b, "<p class=\"uploaded\">%s</p>", html_t(x->l, "form.waived"));
	} else if (json_is_object(val) && part(val, "name")) {
		struct buf t;
		buf_init(&t, 4096);
		form_value_text(&t, f, val, x->v->lang, 0);
		const char *sha = part(val, "sha256");
		int link = !x->v->preview && sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
		html_printf(x->b, "<p class=\"uploaded\">%s: ", html_t(x->l, "form.uploaded"));
		if (link)
			html_printf(x->b, "<a href=\"/files/%s\">%s</a>", sha, buf_cstr(&t));
		else
			html_printf(x->b, "%s", buf_cstr(&t));
		buf_puts(x->b, "</p>");
		buf_done(&t);
	}
	html_printf(x->b, "<input class=\"file-upload\" type=\"file\" id=\"%s\" name=\"f.%s\"", id, path);
	if (f->naccept) {
		buf_puts(x->b, " accept=\"");
		for (int i = 0; i < f->naccept; i++)
			html_printf(x->b, "%S%s", i ? "," : "", f->accept[i]);
		buf_putc(x->b, '"');
	}
	attr_describedby(x, id, hint, er != NULL);
	buf_puts(x->b, "></div>");
}

static void declaration_el(struct rctx *x, const struct forms_field *f,
			   const char *path, const json_t *val, int required)
{
	char id[FORM_ID_MAX];
	dom_id_raw(id, sizeof id, path);
	const struct forms_error *er = error_at(x, path);
	html_printf(x->b, "<div class=\"field declaration%S\">", er ? " field-error" : "");
	if (has_text(&f->label))
		html_printf(x->b, "<p class=\"label\">%s</p>", T(x, &f->label));
	error_line(x, id, er);
	html_printf(x->b, "<div class=\"option\"><input type=\"checkbox\" id=\"%s\" name=\"f.%s\" value=\"true\"%S",
		    id, path, json_is_true(val) || json_is_string(val) ? " checked" : "");
	if (er)
		html_printf(x->b, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
	html_printf(x->b, "><label for=\"%s\">%s", id, T(x, &f->text));
	if (required)
		html_printf(x->b, " <span class=\"required\">%s</span>", html_t(x->l, "form.required"));
	buf_puts(x->b, "</label></div></div>");
}

static void group_el(struct rctx *x, const struct forms_field *f, const char *path,
		     const json_t *val, const json_t *norm_val, int required)
{
	char id[FORM_ID_MAX];
	dom_id_raw(id, sizeof id, path);
	const struct forms_error *er = error_at(x, path);
	int nitems = json_is_array(val) ? (int)json_array_size(val) : 0;
	if (nitems < f->min_items)
		nitems = (int)f->min_items;
	int max = f->max_items > 0 ? (int)f->max_items : FORMS_MAX_GROUP_ITEMS;
	if (nitems > max)
		nitems = max;
	html_printf(x->b, "<div class=\"field group%S\"><fieldset class=\"fieldset\" id=\"%s\"",
		    er ? " field-error" : "", id);
	attr_describedby(x, id, has_text(&f->hint), er != NULL);
	buf_puts(x->b, "><legend class=\"legend\">");
	label_text(x, f, required);
	buf_puts(x->b, "</legend>");
	if (has_text(&f->hint))
		html_printf(x->b, "<div id=\"%s-hint\" class=\"hint\"><p>%s</p></div>", id, T(x, &f->hint));
	error_line(x, id, er);
	html_printf(x->b, "<input type=\"hidden\" name=\"_n.%s\" value=\"%d\">", path, nitems);
	for (int i = 0; i < nitems; i++) {
		char ip[FORMS_PATH_MAX];
		pathf(ip, sizeof ip, "%s[%d]", path, i);
		const json_t *item = json_is_array(val) ? json_array_get(val, (size_t)i) : NULL;
		const json_t *nitem = json_is_array(norm_val) ? json_array_get(norm_val, (size_t)i) : item;
		html_printf(x->b, "<fieldset class=\"fieldset group-item\"><legend class=\"legend\">%s %d</legend>",
			    has_text(&f->label) ? T(x, &f->label) : "", i + 1);
		render_fields(x, f->fields, f->nfields,
			      &(struct field_scope){ .prefix = ip, .vals = item,
						     .norm_item = nitem ? nitem : item });
		if (!x->v->preview && nitems > f->min_items)
			html_printf(x->b, "<button type=\"submit\" class=\"button-secondary\" name=\"_action\" "
				    "value=\"remove:%s\">%s<span class=\"visually-hidden\"> (%s %d)</span></button>",
				    ip, html_t(x->l, "form.remove_item"),
				    has_text(&f->label) ? T(x, &f->label) : "", i + 1);
		buf_puts(x->b, "</fieldset>");
	}
	if (!x->v->preview && nitems < max)
		html_printf(x->b, "<button type=\"submit\" class=\"button-secondary\" name=\"_action\" "
			    "value=\"add:%s\">%s<span class=\"visually-hidden\"> (%s)</span></button>",
			    path, html_t(x->l, "form.add_item"), has_text(&f->label) ? T(x, &f->label) : "");
	buf_puts(x->b, "</fieldset></div>");
}

static void readonly_el(struct rctx *x, const struct forms_field *f, const char *path,
			const json_t *val, const char *src)
{
	char id[FORM_ID_MAX];
	dom_id_raw(id, sizeof id, path);
	struct buf t;
	buf_init(&t, 1u << 16);
	form_value_text(&t, f, val, x->v->lang, 1);
	html_printf(x->b, "<div class=\"field prefilled\" id=\"%s\"><p class=\"label\">%s</p>"
		    "<p class=\"value\">%s</p><p class=\"source\">%s</p></div>",
		    id, has_text(&f->label) ? T(x, &f->label) : "", buf_cstr(&t),
		    form_source_label(src, x->v->lang));
	buf_done(&t);
}

/* --- reveal in place (form_view.reveal; issue 14, item 4) --- */
/* the first choice field g of the page (not f) some of whose values would
 * show f: *by gets g, vals the values (space-separated); 1 found, 0 not */
static int reveal_trigger(const struct forms_field **by, struct buf *vals, struct rctx *x,
			  const struct forms_field *f)
{
	const struct forms_page *pg = &x->v->d->pages[x->v->page];
	json_t *try = json_is_object(x->norm) ? json_copy((json_t *)x->norm) : json_object();
	if (!try)
		return 0;
	int found = 0;
	for (int i = 0; i < pg->nfields && !found; i++) {
		const struct forms_field *g = &pg->fields[i];
		if (g == f || (g->type != FORMS_T_YES_NO && g->type != FORMS_T_RADIO &&
			       g->type != FORMS_T_SELECT))
			continue;
		int nv = g->type == FORMS_T_YES_NO ? 2 : g->noptions;
		json_t *was = json_object_get(try, g->id);
		json_incref(was);
		buf_reset(vals);
		for (int k = 0; k < nv; k++) {
			const char *ov = g->type == FORMS_T_YES_NO ? (k == 0 ? "yes" : "no")
								     : g->options[k].value;
			json_object_set_new(try, g->id, g->type == FORMS_T_YES_NO ? json_boolean(k == 0)
										     : json_string(ov));
			if (forms_field_shown(f, try, NULL, x->v->today)) {
				if (vals->len)
					buf_putc(vals, ' ');
				buf_puts(vals, ov);
			}
		}
		if (was)
			json_object_set_new(try, g->id, was);
		else
			json_object_del(try, g->id);
		if (vals->len) {
			*by = g;
			found = 1;
		}
	}
	json_decref(try);
	return found;
}
/* --- end reveal --- */

static void render_fields(struct rctx *x, const struct forms_field *fs, int n,
			  const struct field_scope *sc)
{
	const char *prefix = sc->prefix;
	const json_t *vals = sc->vals, *norm_item = sc->norm_item;
	int top = sc->top;
	struct buf *shown = sc->shown;
	for (int i = 0; i < n; i++) {
		const struct forms_field *f = &fs[i];
		int reveal = 0;
		if (!forms_field_shown(f, x->norm, top ? NULL : norm_item, x->v->today)) {
			const struct forms_field *by = NULL;
			struct buf rv;
			buf_init(&rv, 4096);
			if (top && x->v->reveal && f->type != FORMS_T_INFO &&
			    reveal_trigger(&by, &rv, x, f)) {
				html_printf(x->b, "<div class=\"reveal\" id=\"reveal-%s\" hidden"
					    " data-reveal-by=\"f.%s\" data-reveal-values=\"%s\""
					    " data-reveal-id=\"%s\">", f->id, by->id, buf_cstr(&rv), f->id);
				reveal = 1;
			}
			buf_done(&rv);
			if (!reveal)
				continue;
		}
		char path[FORMS_PATH_MAX];
		if (prefix)
			pathf(path, sizeof path, "%s.%s", prefix, f->id);
		else
			pathf(path, sizeof path, "%s", f->id);
		const json_t *val = json_is_object(vals) ? json_object_get(vals, f->id) : NULL;
		int required = forms_field_required(f, x->norm, top ? NULL : norm_item, x->v->today);
		const char *src = top ? source_of(x->v, f) : NULL;
		if (top && shown && !reveal) {
			if (shown->len)
				buf_putc(shown, ' ');
			buf_puts(shown, f->id);
		}
		if (top && read_only(x->v, f, val)) {
			readonly_el(x, f, path, val, src);
			if (reveal)
				buf_puts(x->b, "</div>");
			continue;
		}
		int ed = src != NULL && val != NULL;
		switch (f->type) {
		case FORMS_T_INFO:
			html_printf(x->b, "<div class=\"info\">%S%s%S<p>%s</p></div>",
				    has_text(&f->label) ? "<p class=\"label\">" : "",
				    has_text(&f->label) ? T(x, &f->label) : "",
				    has_text(&f->label) ? "</p>" : "", T(x, &f->text));
			break;
		case FORMS_T_DECLARATION:
			declaration_el(x, f, path, val, required);
			break;
		case FORMS_T_RADIO:
		case FORMS_T_CHECKBOXES:
		case FORMS_T_YES_NO:
			choices(x, f, path, val, required, src, ed);
			break;
		case FORMS_T_SELECT:
			select_el(x, f, path, val, required, src, ed);
			break;
		case FORMS_T_NAME_JP:
		case FORMS_T_ADDRESS_JP:
		case FORMS_T_BANK_ACCOUNT:
			compound(x, f, path, val, required, src, ed);
			break;
		case FORMS_T_FILE:
			file_el(x, f, path, val, required);
			break;
		case FORMS_T_GROUP: {
			const json_t *nv = top ? json_object_get(x->norm, f->id)
					       : (json_is_object(norm_item) ? json_object_get(norm_item, f->id) : NULL);
			/* a group prefilled as a whole (the household's children,
			 * app_prefill.c): where its items came from, above them */
			if (src && val)
				html_printf(x->b, "<p class=\"source\" id=\"%s-source\">%s</p>", f->id,
					    form_source_label(src, x->v->lang));
			group_el(x, f, path, val, nv, required);
			break;
		}
		default:
			render_simple(x, f, path, val, required, src, ed);
		}
		if (reveal)
			buf_puts(x->b, "</div>");
	}
}

int form_render_page(struct buf *b, const struct form_view *v, struct err *e)
{
	if (!v->d || v->page < 0 || v->page >= v->d->npages)
		return err_set(e, ERR_INVALID, "page %d out of range", v->page);
	struct rctx x = { .b = b, .v = v, .l = lang_of(v->lang),
			  .norm = v->norm ? v->norm : v->answers };
	const struct forms_page *pg = &v->d->pages[v->page];
	struct buf shown;
	buf_init(&shown, 1u << 16);
	render_fields(&x, pg->fields, pg->nfields,
		      &(struct field_scope){ .vals = v->answers, .top = 1, .shown = &shown });
	html_printf(b, "<input type=\"hidden\" name=\"_shown\" value=\"%s\">", buf_cstr(&shown));
	buf_done(&shown);
	if (b->len + 64 >= b->max)
		return err_set(e, ERR_LIMIT, "page too large for the buffer");
	return 0;
}

int form_render_error_summary(struct buf *b, const struct form_view *v)
{
	const struct forms_result *r = v->errors;
	enum html_lang l = lang_of(v->lang);
	int n = 0;
	for (int i = 0; r && i < r->nerrors; i++) {
		if (field_page_of(v->d, r->errors[i].path) != v->page)
			continue;
		if (n == 0)
			html_printf(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
				    "aria-labelledby=\"error-summary-title\">"
				    "<h2 id=\"error-summary-title\">%s</h2><ul>", html_t(l, "errors.title"));
		char id[FORM_ID_MAX + 24];
		form_dom_id(id, sizeof id, v->d, r->errors[i].path);
		/* the question the error is about, then what to do: a screen
		 * reader user hears "健康保険：選択してください" rather than a bare
		 * "選択してください" four times */
		int part = 0;
		const struct forms_field *f = form_field_at(v->d, r->errors[i].path, &part);
		const char *label = f ? forms_text_get(&f->label, v->lang) : NULL;
		const char *msg = l == HTML_EN ? r->errors[i].en : r->errors[i].ja;
		if (label && label[0])
			html_printf(b, "<li><a href=\"#%s\">%s%s%s</a></li>", id, label,
				    l == HTML_EN ? ": " : "：", msg);
		else
			html_printf(b, "<li><a href=\"#%s\">%s</a></li>", id, msg);
		n++;
	}
	if (n)
		buf_puts(b, "</ul></div>\n");
	return n;
}

/* ---- parsing ---- */

struct pctx {
	struct arena *a;
	const char *const *names, *const *values;
	int n;
	const struct form_upload *uploads;
	int nuploads;
	const struct form_action *act;
	struct err *e;
	int rc;
};

static const char *pair(const struct pctx *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return p->values[i];
	return NULL;
}

static const char *fval(const struct pctx *p, const char *path)
{
	char nm[FORMS_PATH_MAX + 4];
	pathf(nm, sizeof nm, "f.%s", path);
	const char *v = pair(p, nm);
	if (!v)
		return NULL;
	/* an input that is all spaces is no answer */
	for (const char *c = v; *c; c++)
		if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
			return v;
	return NULL;
}

static json_t *parse_field(struct pctx *p, const struct forms_field *f,
			   const char *path, const json_t *prev);

static json_t *parse_fields_obj(struct pctx *p, const struct forms_field *fs, int n,
				const char *prefix, const json_t *prev_item)
{
	json_t *o = json_object();
	for (int i = 0; i < n; i++) {
		char path[FORMS_PATH_MAX];
		pathf(path, sizeof path, "%s.%s", prefix, fs[i].id);
		const json_t *pv = json_is_object(prev_item) ? json_object_get(prev_item, fs[i].id) : NULL;
		json_t *v = parse_field(p, &fs[i], path, pv);
		if (v)
			json_object_set_new(o, fs[i].id, v);
	}
	return o;
}

static json_t *parse_field(struct pctx *p, const struct forms_field *f,
			   const char *path, const json_t *prev)
{
	const char *s;
	switch (f->type) {
	case FORMS_T_INFO:
		return NULL;
	case FORMS_T_DECLARATION:
		s = fval(p, path);
		return s ? json_true() : NULL;
	case FORMS_T_CHECKBOXES: {
		char nm[FORMS_PATH_MAX + 4];
		pathf(nm, sizeof nm, "f.%s", path);
		json_t *arr = json_array();
		for (int i = 0; i < p->n; i++)
			if (strcmp(p->names[i], nm) == 0 && p->values[i][0])
				json_array_append_new(arr, json_string(p->values[i]));
		if (json_array_size(arr) == 0) {
			json_decref(arr);
			return NULL;
		}
		return arr;
	}
	case FORMS_T_NAME_JP:
	case FORMS_T_ADDRESS_JP:
	case FORMS_T_BANK_ACCOUNT: {
		static const char *const name_k[] = { "family", "given", "family_kana", "given_kana", NULL };
		static const char *const addr_k[] = { "postal_code", "pref", "city", "street", "building", NULL };
		static const char *const bank_k[] = { "bank_code", "branch_code", "kind", "number", "holder_kana", NULL };
		const char *const *keys = f->type == FORMS_T_NAME_JP ? name_k
			: f->type == FORMS_T_ADDRESS_JP ? addr_k : bank_k;
		json_t *o = json_object();
		for (int i = 0; keys[i]; i++) {
			char pp[FORMS_PATH_MAX + 24];
			pathf(pp, sizeof pp, "%s.%s", path, keys[i]);
			const char *v = fval(p, pp);
			if (v)
				json_object_set_new(o, keys[i], json_string(v));
		}
		if (json_object_size(o) == 0) {
			json_decref(o);
			return NULL;
		}
		return o;
	}
	case FORMS_T_FILE:
		for (int i = 0; i < p->nuploads; i++)
			if (strcmp(p->uploads[i].path, path) == 0)
				return json_deep_copy(p->uploads[i].meta);
		return prev ? json_deep_copy(prev) : NULL;
	case FORMS_T_GROUP: {
		char nm[FORMS_PATH_MAX + 4];
		pathf(nm, sizeof nm, "_n.%s", path);
		const char *cnt = pair(p, nm);
		int n = cnt ? atoi(cnt) : (json_is_array(prev) ? (int)json_array_size(prev) : 0);
		int max = f->max_items > 0 ? (int)f->max_items : FORMS_MAX_GROUP_ITEMS;
		if (n < 0)
			n = 0;
		if (n > max)
			n = max;
		json_t *arr = json_array();
		char rm[FORMS_PATH_MAX + 8] = "";
		if (p->act->kind == FORM_ACT_REMOVE)
			pathf(rm, sizeof rm, "%s", p->act->path);
		for (int i = 0; i < n; i++) {
			char ip[FORMS_PATH_MAX];
			pathf(ip, sizeof ip, "%s[%d]", path, i);
			if (rm[0] && strcmp(rm, ip) == 0)
				continue;
			const json_t *pi = json_is_array(prev) ? json_array_get(prev, (size_t)i) : NULL;
			json_t *item = cnt ? parse_fields_obj(p, f->fields, f->nfields, ip, pi)
					   : json_deep_copy(pi);
			json_array_append_new(arr, item ? item : json_object());
		}
		if (p->act->kind == FORM_ACT_ADD && strcmp(p->act->path, path) == 0 &&
		    (int)json_array_size(arr) < max)
			json_array_append_new(arr, json_object());
		if (json_array_size(arr) == 0 && !cnt) {
			json_decref(arr);
			return NULL;
		}
		return arr;
	}
	case FORMS_T_YES_NO:
		s = fval(p, path);
		if (!s)
			return NULL;
		return strcmp(s, "yes") == 0 ? json_true() : strcmp(s, "no") == 0 ? json_false()
									    : json_string(s);
	default:
		s = fval(p, path);
		if (!s)
			return NULL;
		if (strlen(s) > FORM_MAX_VALUE) {
			p->rc = err_set(p->e, ERR_LIMIT, "value of %s too long", path);
			return NULL;
		}
		return json_string(s);
	}
}

static void release_json(void *p)
{
	json_decref(p);
}

static int in_list(const char *list, const char *id)
{
	size_t l = strlen(id);
	for (const char *c = list; c && *c;) {
		while (*c == ' ')
			c++;
		size_t k = strcspn(c, " ");
		if (k == l && memcmp(c, id, l) == 0)
			return 1;
		c += k;
	}
	return 0;
}

int form_parse_page(json_t **out, struct form_action *act, struct arena *a,
		    const struct form_page_in *in, struct err *e)
{
	const struct forms_def *d = in->d;
	int page = in->page;
	*out = NULL;
	memset(act, 0, sizeof *act);
	if (page < 0 || page >= d->npages)
		return err_set(e, ERR_INVALID, "page %d out of range", page);
	if (in->npairs > FORM_MAX_PAIRS)
		return err_set(e, ERR_LIMIT, "more than %d form pairs", FORM_MAX_PAIRS);
	struct pctx p = { .a = a, .names = in->names, .values = in->values, .n = in->npairs,
			  .uploads = in->uploads, .nuploads = in->nuploads, .act = act, .e = e };
	const char *ac = pair(&p, "_action");
	if (ac) {
		if (strcmp(ac, "save") == 0)
			act->kind = FORM_ACT_SAVE;
		else if (strcmp(ac, "back") == 0)
			act->kind = FORM_ACT_BACK;
		else if (strncmp(ac, "add:", 4) == 0 && strlen(ac + 4) < sizeof act->path) {
			act->kind = FORM_ACT_ADD;
			pathf(act->path, sizeof act->path, "%s", ac + 4);
		} else if (strncmp(ac, "remove:", 7) == 0 && strlen(ac + 7) < sizeof act->path) {
			act->kind = FORM_ACT_REMOVE;
			pathf(act->path, sizeof act->path, "%s", ac + 7);
		} else if (strcmp(ac, "next") != 0) {
			return err_set(e, ERR_INVALID, "unknown form action");
		}
	}
	json_t *o = json_is_object(in->previous) ? json_deep_copy(in->previous)
						 : json_object();
	if (!o || arena_cleanup_add(a, release_json, o)) {
		json_decref(o);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	const char *shown = pair(&p, "_shown");
	const struct forms_page *pg = &d->pages[page];
	struct form_view rv = { .d = d, .sources = in->sources };
	for (int i = 0; i < pg->nfields; i++) {
		const struct forms_field *f = &pg->fields[i];
		if (!shown || !in_list(shown, f->id))
			continue;      /* not on the page the resident saw: kept */
		const json_t *pv = json_object_get(o, f->id);
		if (read_only(&rv, f, pv))
			continue;      /* read-only prefill: never from the browser */
		json_t *v = parse_field(&p, f, f->id, pv);
		if (p.rc) {
			json_decref(v);
			return p.rc;
		}
		if (v)
			json_object_set_new(o, f->id, v);
		else
			json_object_del(o, f->id);
	}
	*out = o;
	return 0;
}

int form_page_unseen(const struct forms_def *d, int page, const json_t *norm,
		     const char *const *names, const char *const *values,
		     int n, struct jp_date today)
{
	if (page < 0 || page >= d->npages)
		return 0;
	const char *shown = NULL;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], "_shown") == 0)
			shown = values[i];
	const struct forms_page *pg = &d->pages[page];
	for (int i = 0; i < pg->nfields; i++) {
		const struct forms_field *f = &pg->fields[i];
		if (f->type == FORMS_T_INFO)
			continue;
		if (forms_field_shown(f, norm, NULL, today) && !in_list(shown, f->id))
			return 1;
	}
	return 0;
}

void form_errors_drop_unseen(struct forms_result *r, const struct forms_def *d,
			     const char *const *names, const char *const *values,
			     int n)
{
	const char *shown = NULL;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], "_shown") == 0)
			shown = values[i];
	int k = 0;
	for (int i = 0; i < r->nerrors; i++) {
		const struct forms_field *top;
		int part;
		resolve(d, r->errors[i].path, &top, &part);
		if (top && !in_list(shown, top->id))
			continue;
		if (k != i)
			r->errors[k] = r->errors[i];
		k++;
	}
	r->nerrors = k;
}

struct jp_date form_today(int64_t now)
{
	return jp_jst_date(now);
}
