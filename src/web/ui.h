/*
 * ui.h -- the shared page components: form fields with their label,
 * hint, required mark and error wired for assistive technology, a pager,
 * and a URL builder that percent-encodes what it is given.  Pages of the
 * shell and of every service use these instead of writing the markup and
 * the aria-* attributes by hand.
 *
 * Markup (the design system's classes, as madoguchi.css styles them):
 *   <div class="field"> <label for=ID>LABEL[ <span class="required">必須</span>]</label>
 *     [<div id="ID-hint" class="hint"><p>HINT</p></div>]
 *     [<p id="ID-error" class="error-message">ERROR</p>]
 *     <input id=ID name=NAME ... aria-describedby="ID-hint ID-error"
 *            aria-required="true" aria-invalid="true">
 *   </div>
 * An id is "f-" followed by the name unless one is given; the error
 * summary of app_page_open links to it.  Every text is escaped; nothing
 * here allocates except ui_url (from the arena) and nothing logs.
 *
 * The less common attributes (the second group of struct ui_field) are
 * written only when set, after autocomplete and before aria-describedby:
 *   minlength="N" inputmode="M" pattern="P" accept="A"
 *   autocapitalize="none" spellcheck="false"   (verbatim)
 *   required                                   (html_required)
 * aria-describedby lists describedby's ids, then the hint's, then the
 * error's; aria-invalid is written for an error (error or error_html) or
 * for invalid.  A file input has no value attribute.  ui_checkbox writes
 * only its name, id, label, hint and value (none of these attributes).
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

	/* less common: each left out when 0 / NULL (markup above) */
	int html_required;         /* the required attribute: the browser does
				      not send the form empty (a login); with
				      or without required's mark            */
	int minlength;             /* 0: none                                 */
	const char *inputmode;     /* e.g. "numeric"                          */
	const char *pattern;       /* the browser's check of the value        */
	const char *accept;        /* type "file": the types offered          */
	int verbatim;              /* a code or name, not words: no spelling
				      check, no capitals added               */
	int invalid;               /* aria-invalid with no message here: the
				      error summary says what is wrong        */
	const char *describedby;   /* ids (space-separated) of other elements
				      that describe it: a lead paragraph, the
				      error summary's title                  */
	const char *error_html;    /* the error as HTML the page wrote (every
				      part escaped: html_printf), instead of
				      error: a message with code in it       */
};

/* ui_input -- an <input> field */
void ui_input(struct buf *b, const struct ui_field *f);
/* ui_textarea -- a <textarea> of rows lines */
void ui_textarea(struct buf *b, const struct ui_field *f, int rows);
/* ui_checkbox -- one checkbox with value f->value (NULL: "1"), its label
 * after it */
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

/* ---- ui_extra (Issue 13, item 4: the procedure form, the inbox, the
 * signature step): what the fields of src/web/page_form.c and of the
 * application pages need beyond struct ui_field.  The *_x components
 * write the markup above with these extras; x may be NULL.  With an
 * error, the field's <div> also gets class "field-error" (apply.css marks
 * it).  Every text is escaped, as above. ---- */
struct ui_extra {
	const char *field_class;    /* more classes of the field's <div> ("part") */
	const char *control_class;  /* more classes of the control ("input-short") */
	const char *inputmode;      /* "numeric" also turns spellcheck off       */
	const char *accept;         /* ui_file: the accept list, or NULL         */
	const char *hints[3];       /* more hint paragraphs after f->hint (NULL: none) */
	const char *source;         /* a last hint paragraph of class "source"   */
	const char *error_prefix;   /* visually hidden before the error ("エラー") */
	const char *required_text;  /* the required mark's text (NULL: ui.required) */
	const char *unit;           /* text after an input ("円")                 */
	int native_required;        /* also the required attribute (the browser
				       checks the field before sending)          */
};
void ui_input_x(struct buf *b, const struct ui_field *f, const struct ui_extra *x);
void ui_textarea_x(struct buf *b, const struct ui_field *f, int rows, const struct ui_extra *x);
void ui_select_x(struct buf *b, const struct ui_field *f, const struct ui_option *opts, int n,
		 const char *first, const struct ui_extra *x);
/* ui_file -- a file input (class "file-upload"); f->value is not used */
void ui_file(struct buf *b, const struct ui_field *f, const struct ui_extra *x);
/* ui_checkbox_x -- as ui_checkbox, with the value f->value (NULL: "1")
 * submitted when checked */
void ui_checkbox_x(struct buf *b, const struct ui_field *f, int checked, const struct ui_extra *x);

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
 *   <div class="field[ more][ field-error]" id="ID-field">
 *   <fieldset class="fieldset" aria-describedby=.. aria-invalid=..>
 *   <legend class="legend">LABEL[ mark]</legend>[hint][error]
 * then the caller's controls, then ui_fieldset_close.  A fieldset takes
 * no aria-required: the mark says it. ---- */
void ui_fieldset_open(struct buf *b, const struct ui_field *f, const struct ui_extra *x);
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
