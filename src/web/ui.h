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

#endif
