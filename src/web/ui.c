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

/* <div class="field"><label ...>LABEL[ mark]</label>[hint][error] */
static void field_open(struct buf *b, const struct ui_field *f, const char *id)
{
	html_printf(b, "<div class=\"field\"><label for=\"%s\">%s", id, f->label);
	if (f->required)
		html_printf(b, " <span class=\"required\">%s</span>", html_t(f->lang, "ui.required"));
	buf_puts(b, "</label>");
	if (f->hint)
		html_printf(b, "<div id=\"%s-hint\" class=\"hint\"><p>%s</p></div>", id, f->hint);
	if (f->error_html)
		html_printf(b, "<p id=\"%s-error\" class=\"error-message\">%S</p>", id, f->error_html);
	else if (f->error)
		html_printf(b, "<p id=\"%s-error\" class=\"error-message\">%s</p>", id, f->error);
}

/* the attributes every control shares: its limits and the less common
 * ones (ui.h), then described by other elements, its hint and its error,
 * required, invalid (last) */
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
	if (f->verbatim)
		buf_puts(b, " autocapitalize=\"none\" spellcheck=\"false\"");
	if (f->html_required)
		buf_puts(b, " required");
	if (f->describedby || f->hint || has_error(f)) {
		const char *sep = "";
		buf_puts(b, " aria-describedby=\"");
		if (f->describedby) {
			html_printf(b, "%s", f->describedby);
			sep = " ";
		}
		if (f->hint) {
			html_printf(b, "%S%s-hint", sep, id);
			sep = " ";
		}
		if (has_error(f))
			html_printf(b, "%S%s-error", sep, id);
		buf_putc(b, '"');
	}
	if (f->required)
		buf_puts(b, " aria-required=\"true\"");
	if (has_error(f) || f->invalid)
		buf_puts(b, " aria-invalid=\"true\"");
}

void ui_input(struct buf *b, const struct ui_field *f)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_open(b, f, id);
	const char *type = f->type ? f->type : "text";
	html_printf(b, "<input class=\"input\" type=\"%s\" id=\"%s\" name=\"%s\"", type, id, f->name);
	if (strcmp(type, "file") != 0)   /* a file input's value is the browser's */
		html_printf(b, " value=\"%s\"", f->value ? f->value : "");
	control_attrs(b, f, id);
	buf_puts(b, "></div>");
}

void ui_textarea(struct buf *b, const struct ui_field *f, int rows)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_open(b, f, id);
	html_printf(b, "<textarea class=\"textarea\" id=\"%s\" name=\"%s\" rows=\"%d\"", id, f->name,
		    rows > 0 ? rows : 5);
	control_attrs(b, f, id);
	html_printf(b, ">%s</textarea></div>", f->value ? f->value : "");
}

void ui_checkbox(struct buf *b, const struct ui_field *f, int checked)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	html_printf(b, "<div class=\"field\"><input type=\"checkbox\" id=\"%s\" name=\"%s\" value=\"%s\"%S",
		    id, f->name, f->value ? f->value : "1", checked ? " checked" : "");
	if (f->hint)
		html_printf(b, " aria-describedby=\"%s-hint\"", id);
	html_printf(b, "> <label for=\"%s\" class=\"inline\">%s</label>", id, f->label);
	if (f->hint)
		html_printf(b, "<div id=\"%s-hint\" class=\"hint\"><p>%s</p></div>", id, f->hint);
	buf_puts(b, "</div>");
}

void ui_select(struct buf *b, const struct ui_field *f, const struct ui_option *opts, int n,
	       const char *first)
{
	char idb[UI_ID_MAX];
	const char *id = id_of(idb, f);
	field_open(b, f, id);
	html_printf(b, "<select class=\"select\" id=\"%s\" name=\"%s\"", id, f->name);
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
