/*
 * ui.c -- the shared page components (contract in ui.h).
 */
#include "web/ui.h"

#include <stdio.h>
#include <string.h>

#define UI_ID_MAX 96
#define UI_PAIRS_MAX 16

static const char *id_of(char out[UI_ID_MAX], const struct ui_field *f)
{
	if (f->id)
		return f->id;
	snprintf(out, UI_ID_MAX, "f-%s", f->name);
	return out;
}

static int has_error(const struct ui_field *f)
{
	return f->error || f->error_html;
}

/* the hint block has something to say */
static int has_hint(const struct ui_field *f)
{
	return f->hint || f->more_hints[0] || f->more_hints[1] || f->more_hints[2] || f->source;
}

/* <div class="field[ more][ field-error]" (the tag left open) */
static void field_div(struct buf *b, const struct ui_field *f)
{
	html_printf(b, "<div class=\"field%S%s%S\"", f->field_class ? " " : "",
		    f->field_class ? f->field_class : "",
		    f->error_class && has_error(f) ? " field-error" : "");
}

static void required_mark(struct buf *b, const struct ui_field *f)
{
	if (f->required)
		html_printf(b, " <span class=\"required\">%s</span>",
			    f->required_text ? f->required_text : html_t(f->lang, "ui.required"));
}

/* the hint block: hint, more_hints, source */
static void hint_block(struct buf *b, const struct ui_field *f, const char *id)
{
	if (!has_hint(f))
		return;
	html_printf(b, "<div id=\"%s-hint\" class=\"hint\">", id);
	if (f->hint)
		html_printf(b, "<p>%s</p>", f->hint);
	for (int i = 0; i < 3; i++)
		if (f->more_hints[i])
			html_printf(b, "<p>%s</p>", f->more_hints[i]);
	if (f->source)
		html_printf(b, "<p class=\"source\">%s</p>", f->source);
	buf_puts(b, "</div>");
}

static void error_block(struct buf *b, const struct ui_field *f, const char *id)
{
	if (!has_error(f))
		return;
	html_printf(b, "<p id=\"%s-error\" class=\"error-message\">", id);
	if (f->error_prefix)
		html_printf(b, "<span class=\"visually-hidden\">%s: </span>", f->error_prefix);
	if (f->error_html)
		html_printf(b, "%S</p>", f->error_html);
	else
		html_printf(b, "%s</p>", f->error);
}

/* <div class="field.."><label ...>LABEL[ mark]</label>[hint][error] */
static void field_open(struct buf *b, const struct ui_field *f, const char *id)
{
	field_div(b, f);
	html_printf(b, "><label for=\"%s\">%s", id, f->label);
	required_mark(b, f);
	buf_puts(b, "</label>");
	hint_block(b, f, id);
	error_block(b, f, id);
}

/* aria-describedby (other elements, the hint block, the error),
 * aria-required (when the control takes it) and aria-invalid */
static void aria_attrs(struct buf *b, const struct ui_field *f, const char *id, int aria_required)
{
	if (f->describedby || has_hint(f) || has_error(f)) {
		const char *sep = "";
		buf_puts(b, " aria-describedby=\"");
		if (f->describedby) {
			html_printf(b, "%s", f->describedby);
			sep = " ";
		}
		if (has_hint(f)) {
			html_printf(b, "%S%s-hint", sep, id);
			sep = " ";
		}
		if (has_error(f))
			html_printf(b, "%S%s-error", sep, id);
		buf_putc(b, '"');
	}
	if (aria_required && f->required)
		buf_puts(b, " aria-required=\"true\"");
	if (has_error(f) || f->invalid)
		buf_puts(b, " aria-invalid=\"true\"");
}

/* the attributes every control shares, in ui.h's order */
static void control_attrs(struct buf *b, const struct ui_field *f, const char *id)
{
	if (f->maxlength > 0)
		html_printf(b, " maxlength=\"%d\"", f->maxlength);
	if (f->autocomplete)
		html_printf(b, " autocomplete=\"%s\"", f->autocomplete);
	if (f->minlength > 0)
		html_printf(b, " minlength=\"%d\"", f->minlength);
	if (f->inputmode)
		html_printf(b, " inputmode=\"%s\"", f->inputmode);
	if (f->pattern)
		html_printf(b, " pattern=\"%s\"", f->pattern);
	if (f->accept)
		html_printf(b, " accept=\"%s\"", f->accept);
	if (f->verbatim) {
		/* digits have no capitals to add */
		if (!f->inputmode || strcmp(f->inputmode, "numeric") != 0)
			buf_puts(b, " autocapitalize=\"none\"");
		buf_puts(b, " spellcheck=\"false\"");
	}
	if (f->html_required)
		buf_puts(b, " required");
	aria_attrs(b, f, id, 1);
}

/* class="BASE[ control_class]" */
static void control_class(struct buf *b, const char *base, const struct ui_field *f)
{
	html_printf(b, " class=\"%s%S%s\"", base, f->control_class ? " " : "",
		    f->control_class ? f->control_class : "");
}

/* ui_input and ui_file: the control's base class is cls */
static void input_el(struct buf *b, const struct ui_field *f, const char *cls)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_open(b, f, id);
	const char *type = f->type ? f->type : "text";
	buf_puts(b, "<input");
	control_class(b, cls, f);
	html_printf(b, " type=\"%s\" id=\"%s\" name=\"%s\"", type, id, f->name);
	if (strcmp(type, "file") != 0)   /* a file input's value is the browser's */
		html_printf(b, " value=\"%s\"", f->value ? f->value : "");
	control_attrs(b, f, id);
	buf_puts(b, ">");
	if (f->unit)
		html_printf(b, " <span class=\"unit\">%s</span>", f->unit);
	buf_puts(b, "</div>");
}

void ui_input(struct buf *b, const struct ui_field *f)
{
	input_el(b, f, "input");
}

void ui_file(struct buf *b, const struct ui_field *f)
{
	struct ui_field g = *f;
	g.type = "file";
	input_el(b, &g, "file-upload");
}

void ui_textarea(struct buf *b, const struct ui_field *f, int rows)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_open(b, f, id);
	buf_puts(b, "<textarea");
	control_class(b, "textarea", f);
	html_printf(b, " id=\"%s\" name=\"%s\" rows=\"%d\"", id, f->name, rows > 0 ? rows : 5);
	control_attrs(b, f, id);
	html_printf(b, ">%s</textarea></div>", f->value ? f->value : "");
}

void ui_checkbox(struct buf *b, const struct ui_field *f, int checked)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_div(b, f);
	buf_puts(b, ">");
	error_block(b, f, id);
	html_printf(b, "<input type=\"checkbox\" id=\"%s\" name=\"%s\" value=\"%s\"%S", id, f->name,
		    f->value ? f->value : "1", checked ? " checked" : "");
	control_attrs(b, f, id);
	html_printf(b, "> <label for=\"%s\" class=\"inline\">%s", id, f->label);
	required_mark(b, f);
	buf_puts(b, "</label>");
	hint_block(b, f, id);
	buf_puts(b, "</div>");
}

void ui_select(struct buf *b, const struct ui_field *f, const struct ui_option *opts, int n,
	       const char *first)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_open(b, f, id);
	buf_puts(b, "<select");
	control_class(b, "select", f);
	html_printf(b, " id=\"%s\" name=\"%s\"", id, f->name);
	control_attrs(b, f, id);
	buf_puts(b, ">");
	if (first)
		html_printf(b, "<option value=\"\">%s</option>", first);
	for (int i = 0; i < n; i++)
		html_printf(b, "<option value=\"%s\"%S>%s</option>", opts[i].value,
			    f->value && strcmp(f->value, opts[i].value) == 0 ? " selected" : "",
			    opts[i].label);
	buf_puts(b, "</select></div>");
}

static void put_encoded(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

const char *ui_url(struct arena *a, const char *path, const char *const *pairs)
{
	struct buf b;
	buf_init(&b, 16u << 10);
	buf_puts(&b, path);
	int first = 1;
	for (int i = 0; pairs && pairs[i] && i < 2 * UI_PAIRS_MAX; i += 2) {
		if (!pairs[i + 1] || !*pairs[i + 1])
			continue;
		buf_putc(&b, first ? '?' : '&');
		first = 0;
		put_encoded(&b, pairs[i]);
		buf_putc(&b, '=');
		put_encoded(&b, pairs[i + 1]);
	}
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_done(&b);
	return s;
}

/* pairs followed by page=N */
static const char *page_url(struct arena *a, const char *path, const char *const *pairs,
			    long page)
{
	const char *all[2 * UI_PAIRS_MAX + 3];
	int n = 0;
	for (int i = 0; pairs && pairs[i] && n < 2 * UI_PAIRS_MAX; i += 2) {
		all[n++] = pairs[i];
		all[n++] = pairs[i + 1];
	}
	char num[24];
	snprintf(num, sizeof num, "%ld", page);
	all[n++] = "page";
	all[n++] = num;
	all[n] = NULL;
	return ui_url(a, path, all);
}

void ui_pager(struct buf *b, struct arena *a, enum html_lang l, const struct ui_pager *p)
{
	int more = p->per_page > 0 && p->page * (long)p->per_page < p->total;
	if (p->page <= 1 && !more)
		return;
	html_printf(b, "<nav class=\"pager\" aria-label=\"%s\"><ul>", html_t(l, "ui.pages"));
	const char *u;
	if (p->page > 1 && (u = page_url(a, p->path, p->pairs, p->page - 1)))
		html_printf(b, "<li><a href=\"%s\" rel=\"prev\">%s</a></li>", u,
			    p->prev ? p->prev : html_t(l, "ui.prev"));
	if (more && (u = page_url(a, p->path, p->pairs, p->page + 1)))
		html_printf(b, "<li><a href=\"%s\" rel=\"next\">%s</a></li>", u,
			    p->next ? p->next : html_t(l, "ui.next"));
	buf_puts(b, "</ul></nav>");
}

void ui_pager_after(struct buf *b, struct arena *a, enum html_lang l,
		    const struct ui_pager_after *p)
{
	if (!p->not_first && !p->next_key)
		return;
	html_printf(b, "<nav class=\"pager\" aria-label=\"%s\"><ul>", html_t(l, "ui.pages"));
	const char *u;
	if (p->not_first && (u = ui_url(a, p->path, p->pairs)))
		html_printf(b, "<li><a href=\"%s\">%s</a></li>", u, p->first);
	if (p->next_key) {
		const char *all[2 * UI_PAIRS_MAX + 3];
		int n = 0;
		for (int i = 0; p->pairs && p->pairs[i] && n < 2 * UI_PAIRS_MAX; i += 2) {
			all[n++] = p->pairs[i];
			all[n++] = p->pairs[i + 1];
		}
		all[n++] = "after";
		all[n++] = p->next_key;
		all[n] = NULL;
		if ((u = ui_url(a, p->path, all)))
			html_printf(b, "<li><a href=\"%s\" rel=\"next\">%s</a></li>", u,
				    p->next ? p->next : html_t(l, "ui.next"));
	}
	buf_puts(b, "</ul></nav>");
}

/* ---- ui_fieldset (Issue 13, item 4; contract in ui.h) ---- */

void ui_fieldset_open(struct buf *b, const struct ui_field *f)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_div(b, f);
	html_printf(b, " id=\"%s-field\"><fieldset class=\"fieldset\"", id);
	aria_attrs(b, f, id, 0);
	html_printf(b, "><legend class=\"legend\">%s", f->label);
	required_mark(b, f);
	buf_puts(b, "</legend>");
	hint_block(b, f, id);
	error_block(b, f, id);
}

void ui_fieldset_close(struct buf *b)
{
	buf_puts(b, "</fieldset></div>");
}

void ui_options(struct buf *b, const char *type, const char *id, const char *name,
		const struct ui_choice *c, int n, int inline_)
{
	html_printf(b, "<div class=\"options%S\">", inline_ ? " options-inline" : "");
	for (int i = 0; i < n; i++) {
		char oid[256];          /* the form's ids are at most 168 bytes */
		if (i == 0)
			snprintf(oid, sizeof oid, "%s", id);
		else
			snprintf(oid, sizeof oid, "%s--o%d", id, i);
		html_printf(b, "<div class=\"option\"><input type=\"%s\" id=\"%s\" name=\"%s\" value=\"%s\"%S>"
			    "<label for=\"%s\">%s</label></div>",
			    type, oid, name, c[i].value, c[i].checked ? " checked" : "", oid, c[i].label);
	}
	buf_puts(b, "</div>");
}
