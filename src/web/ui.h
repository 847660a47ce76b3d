/*
 * ui.h -- the shared page components: form fields with their label,
 * hint, required mark and error wired for assistive technology, a group
 * of controls in a fieldset, a pager, and a URL builder that
 * percent-encodes what it is given.  Pages of the shell and of every
 * service use these instead of writing the markup and the aria-*
 * attributes by hand.
 *
 * One design (Issue 13, item 4): a field is one struct ui_field, and
 * each component takes it alone.  Its members come in three groups:
 * the field (name, label, hint, value, required, error), the less common
 * attributes of the control, and the field's surroundings (more classes,
 * more hint paragraphs, a source line, an error prefix, the required
 * mark's text, a unit).  Every member left 0 / NULL writes nothing, so a
 * page names only what it uses.
 *
 * Markup (the design system's classes, as madoguchi.css styles them):
 *   <div class="field[ FIELD_CLASS][ field-error]">
 *     <label for=ID>LABEL[ <span class="required">必須</span>]</label>
 *     [<div id="ID-hint" class="hint"><p>HINT</p>[<p>MORE</p>...]
 *        [<p class="source">SOURCE</p>]</div>]
 *     [<p id="ID-error" class="error-message">
 *        [<span class="visually-hidden">PREFIX: </span>]ERROR</p>]
 *     <input class="input[ CONTROL_CLASS]" type=.. id=ID name=NAME value=..
 *            ... aria-describedby="ID-hint ID-error"
 *            aria-required="true" aria-invalid="true">[ <span class="unit">UNIT</span>]
 *   </div>
 * (a <textarea class="textarea"> or <select class="select"> in place of
 * the <input>).  "field-error" is written only for an error with
 * error_class set (apply.css draws a bar beside such a field).  The
 * required mark's text is required_text, else the catalog's ui.required
 * in lang.  An id is "f-" followed by the name unless one is given; the
 * error summary of app_page_open links to it.  Every text is escaped;
 * nothing here allocates except ui_url (from the arena) and nothing logs.
 *
 * The control's attributes, each written only when set, in this order:
 *   maxlength="N" autocomplete="A" minlength="N" inputmode="M"
 *   pattern="P" accept="A"
 *   autocapitalize="none" spellcheck="false"   (verbatim; a numeric
 *                                   inputmode has no capitals: spellcheck
 *                                   only)
 *   required                                   (html_required)
 *   aria-describedby="DESCRIBEDBY ID-hint ID-error" aria-required="true"
 *   aria-invalid="true"
 * aria-describedby lists describedby's ids, then the hint block's (any
 * of hint, more_hints, source), then the error's; aria-required is
 * written for required (the mark); aria-invalid for an error (error or
 * error_html) or for invalid.  A file input (type "file"; ui_file) has no
 * value attribute.
 *
 * A checkbox (ui_checkbox) puts its control first and its label after:
 *   <div class="field[ ..]">[error]<input type="checkbox" id=ID name=NAME
 *     value=VALUE[ checked] ...attributes> <label for=ID class="inline">LABEL[ mark]</label>[hint]</div>
 * A fieldset (ui_fieldset_open) is described under its declaration.
 */
#ifndef MADOGUCHI_WEB_UI_H
#define MADOGUCHI_WEB_UI_H

#include "base/arena.h"
#include "base/buf.h"
#include "html/html.h"

struct ui_field {
	const char *name;          /* the form's name of the value            */
	const char *id;            /* NULL: "f-<name>"                        */
	const char *label;         /* text                                    */
	const char *hint;          /* text under the label, or NULL           */
	const char *value;         /* the current value, or NULL              */
	const char *type;          /* input type; NULL: "text"                */
	const char *autocomplete;  /* NULL: none                              */
	int maxlength;             /* 0: none                                 */
	int required;              /* the 必須 mark and aria-required          */
	const char *error;         /* the field's error message, or NULL      */
	enum html_lang lang;       /* of the required mark                    */

	/* the control's less common attributes: each left out when 0 / NULL
	   (markup above) */
	int html_required;         /* the required attribute: the browser does
				      not send the form empty (a login); with
				      or without required's mark            */
	int minlength;             /* 0: none                                 */
	const char *inputmode;     /* e.g. "numeric"                          */
	const char *pattern;       /* the browser's check of the value        */
	const char *accept;        /* type "file": the types offered          */
	int verbatim;              /* a code, number or name, not words: no
				      spelling check, no capitals added       */
	int invalid;               /* aria-invalid with no message here: the
				      error summary says what is wrong        */
	const char *describedby;   /* ids (space-separated) of other elements
				      that describe it: a lead paragraph, the
				      error summary's title                  */
	const char *error_html;    /* the error as HTML the page wrote (every
				      part escaped: html_printf), instead of
				      error: a message with code in it       */

	/* the field's surroundings: each left out when 0 / NULL (markup above) */
	const char *field_class;   /* more classes of the field's <div> ("part") */
	int error_class;           /* with an error, the <div> also gets class
				      "field-error" (the application pages) */
	const char *control_class; /* more classes of the control ("input-short") */
	const char *more_hints[3]; /* more hint paragraphs after hint (a NULL
				      one is skipped)                        */
	const char *source;        /* a last hint paragraph of class "source":
				      where a prefilled answer came from     */
	const char *error_prefix;  /* visually hidden before the error ("エラー") */
	const char *required_text; /* the required mark's text (NULL: ui.required) */
	const char *unit;          /* text after an input ("円")                */
};

/* ui_input -- an <input> field (type "file": no value attribute) */
void ui_input(struct buf *b, const struct ui_field *f);
/* ui_file -- ui_input with type "file" and the control's class
 * "file-upload" (the design system's file control) in place of "input";
 * f->type and f->value are not used */
void ui_file(struct buf *b, const struct ui_field *f);
/* ui_textarea -- a <textarea> of rows lines */
void ui_textarea(struct buf *b, const struct ui_field *f, int rows);
/* ui_checkbox -- one checkbox with value f->value (NULL: "1"), its label
 * after it (markup above) */
void ui_checkbox(struct buf *b, const struct ui_field *f, int checked);

struct ui_option {
	const char *value, *label;
};
/* ui_select -- a <select>; the option whose value equals f->value is
 * selected; first (NULL: none) is an empty first option's label */
void ui_select(struct buf *b, const struct ui_field *f, const struct ui_option *opts, int n,
	       const char *first);

/* ui_url -- path followed by the query pairs (name, value, name, value,
 * ..., NULL; a NULL or empty value leaves its pair out), each name and
 * value percent-encoded (RFC 3986 unreserved characters kept), from a;
 * NULL when a is full */
const char *ui_url(struct arena *a, const char *path, const char *const *pairs);

/* ui_pager -- the previous / next links of a list shown per_page at a
 * time at page (1-based) of total items, to path with the pairs (as
 * ui_url) and page=N; nothing when everything fits on one page.  Labels:
 * prev / next (text; NULL: the catalog's ui.prev, ui.next in l). */
struct ui_pager {
	const char *path;
	const char *const *pairs;  /* as ui_url, or NULL                     */
	long page, total;
	int per_page;
	const char *prev, *next;   /* NULL: "前のページ" / "次のページ"       */
};
void ui_pager(struct buf *b, struct arena *a, enum html_lang l, const struct ui_pager *p);

/* ui_pager_after -- the links of a list paged by key (each page starts
 * after the last row of the one before: pairs and after=KEY) rather than
 * by number: "first" (to path with the pairs) when this page is not the
 * first, "next" (rel=next, after=next_key) when next_key is not NULL;
 * nothing when neither.  Labels: text; next NULL: the catalog's ui.next. */
struct ui_pager_after {
	const char *path;
	const char *const *pairs;   /* as ui_url, without "after", or NULL      */
	int not_first;              /* this page started after a key           */
	const char *next_key;       /* the last row's key, NULL: no more rows  */
	const char *first, *next;   /* first: required                        */
};
void ui_pager_after(struct buf *b, struct arena *a, enum html_lang l,
		    const struct ui_pager_after *p);

/* ---- ui_fieldset (Issue 13, item 4): a field of several controls (a
 * choice, a name in parts), as the procedure form writes it:
 *   <div class="field[ FIELD_CLASS][ field-error]" id="ID-field">
 *   <fieldset class="fieldset" aria-describedby=.. aria-invalid=..>
 *   <legend class="legend">LABEL[ mark]</legend>[hint][error]
 * then the caller's controls, then ui_fieldset_close.  Of f's members
 * it uses the field's and its surroundings' (not control_class, unit) and
 * of the control's only describedby, invalid and error_html.  A fieldset
 * takes no aria-required: the mark says it. ---- */
void ui_fieldset_open(struct buf *b, const struct ui_field *f);
void ui_fieldset_close(struct buf *b);
/* ui_options -- radio buttons or checkboxes (type) named name, in
 * <div class="options[ options-inline]">, each <div class="option">
 * with its label; the first one's id is id (a link to the field lands on
 * it), the others' id--o1, id--o2, ... */
struct ui_choice {
	const char *value, *label;
	int checked;
};
void ui_options(struct buf *b, const char *type, const char *id, const char *name,
		const struct ui_choice *c, int n, int inline_);

#endif
