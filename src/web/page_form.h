/*
 * page_form.h -- one page of a procedure definition (src/core/forms) as an
 * accessible HTML form, and a submitted page back into answers.  Used by
 * the resident's application pages (page_apply.c) and reusable by any
 * page that shows a definition (the procedure editor's preview).
 *
 * Rendering: every field type of src/core/forms, with its label, hint,
 * required marker, autocomplete and inputmode attributes, its errors next
 * to it (aria-invalid, aria-describedby), and prefilled read-only answers
 * shown as text with their source (「住民基本台帳より」) instead of an
 * input.  Whether a field is shown is decided here, on the server, from
 * the normalised answers (forms_field_shown): no JavaScript is needed.
 * Repeatable groups get "add" and "remove" buttons that are ordinary
 * submit buttons (name "_action").
 *
 * Names and ids: the input for the answer at path P (the error path of
 * src/core/forms: "children[1].child_name.family") is named "f.P"; its id is
 * "f-" followed by P with '.', '[' and ']' turned into '-' (field ids are
 * [a-z0-9_], so the mapping is one to one).  Hidden inputs: "_shown" (the
 * top-level fields rendered, space separated) and "_n.P" (the number of
 * items a group had when rendered).
 *
 * Parsing: form_parse_page rebuilds the answers of one page from the
 * submitted pairs and keeps the answers of every other page, of fields not
 * rendered, and of read-only prefilled fields exactly as they were (the
 * browser cannot change those).  An empty input is no answer.
 *
 * Limits: at most FORM_MAX_PAIRS submitted pairs are looked at; group item
 * counts are capped at the field's max_items (and FORMS_MAX_GROUP_ITEMS);
 * a value longer than FORM_MAX_VALUE bytes is refused (ERR_LIMIT).
 * Nothing here logs or reads the clock.
 */
#ifndef MADOGUCHI_WEB_PAGE_FORM_H
#define MADOGUCHI_WEB_PAGE_FORM_H

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "core/forms/forms.h"
#include "jp/date.h"

#define FORM_MAX_PAIRS 1000
#define FORM_MAX_VALUE 65536
#define FORM_ID_MAX (FORMS_PATH_MAX + 8)

/* What to show. */
struct form_view {
	const struct forms_def *d;
	int page;                           /* index into d->pages          */
	const json_t *answers;              /* as entered (NULL: none)      */
	const json_t *norm;                 /* normalised answers for show_if
					       (NULL: use answers)          */
	const json_t *sources;              /* field id -> "juki", ... (NULL) */
	const struct forms_result *errors;  /* shown next to fields (NULL)  */
	const char *lang;                   /* "ja", "en", "ja-easy"        */
	struct jp_date today;
	int preview;                        /* 1: no group buttons (editor) */
	int reveal;                         /* 1: a question this page's own
					       choice would bring up is written
					       too, hidden, for madoguchi.js to
					       reveal in place (form_render_page) */
};

/* form_render_page -- the fieldsets and inputs of v->page (no <form>
 * element and no page buttons: the caller adds them; a page with a file
 * field needs enctype multipart/form-data, see form_page_has_file).
 * ERR_INVALID for a bad page index, ERR_LIMIT when b is full.
 *
 * With v->reveal, a question hidden now
 * whose condition one choice field of the page (yes/no, radio, select)
 * can make true is written as well, inside
 *   <div class="reveal" id="reveal-ID" hidden data-reveal-by="f.CHOICE"
 *        data-reveal-values="V1 V2" data-reveal-id="ID">...</div>
 * and left out of "_shown": without JavaScript it stays hidden and the
 * server asks it after "next" as before (form_page_unseen); madoguchi.js
 * shows it when the choice takes one of the values and adds ID to
 * "_shown".  The server still decides: a revealed question whose
 * condition is false is dropped like any hidden answer.
 */
int form_render_page(struct buf *b, const struct form_view *v, struct err *e);

/* form_render_error_summary -- the error summary for the errors of
 * v->errors that belong to v->page (role=alert, focusable, each error a
 * link to its input's id); nothing when there are none.  Returns the
 * number of errors listed. */
int form_render_error_summary(struct buf *b, const struct form_view *v);

/* form_page_errors -- the number of errors of r on page `page`. */
int form_page_errors(const struct forms_def *d, const struct forms_result *r,
		     int page);
/* form_error_page -- the page of the first error of r (-1: none or an
 * error of the whole submission). */
int form_error_page(const struct forms_def *d, const struct forms_result *r);

/* form_field_at -- the field an input path names ("children[1].proof":
 * the group's sub-field), or NULL; *part is 1 when the path names a part
 * of a compound answer ("applicant_name.family"). */
const struct forms_field *form_field_at(const struct forms_def *d,
					const char *path, int *part);

/* form_page_has_file -- 1 when the page has a file field (at any depth). */
int form_page_has_file(const struct forms_def *d, int page);

/* form_dom_id -- the id attribute of the input for an answer path (see
 * above); for a compound answer (name, address, bank account) the id of
 * its first part, so that a link from the error summary lands on an
 * input. */
void form_dom_id(char *out, size_t n, const struct forms_def *d,
		 const char *path);

/* The action a submitted page asks for (the "_action" button). */
enum form_action_kind {
	FORM_ACT_NEXT = 0,    /* continue (also when no button is named) */
	FORM_ACT_SAVE,        /* save and continue later                 */
	FORM_ACT_BACK,        /* previous page                           */
	FORM_ACT_ADD,         /* add an item to group `path`             */
	FORM_ACT_REMOVE,      /* remove item `path` ("g[2]")             */
};
struct form_action {
	enum form_action_kind kind;
	char path[FORMS_PATH_MAX];
};

/* One uploaded file of the submitted page, already checked and stored by
 * the caller: the answer value (apply_file_put's meta) for input "f.P". */
struct form_upload {
	const char *path;                   /* P                             */
	const json_t *meta;
};

/* A submitted page of the resident's form, for form_parse_page.  All of
 * it is the caller's (the request's pairs and uploads) and is read during
 * the call only: the answers made hold copies. */
struct form_page_in {
	const struct forms_def *d;
	int page;                           /* index into d->pages          */
	const json_t *previous;             /* the answers before this page
					       (NULL: none); not changed    */
	const json_t *sources;              /* field id -> "juki", ... of the
					       read-only prefills (NULL)    */
	const char *const *names;           /* the submitted pairs:         */
	const char *const *values;          /* names[i] = values[i]; a value
					       over FORM_MAX_VALUE bytes is
					       ERR_LIMIT                    */
	int npairs;                         /* at most FORM_MAX_PAIRS       */
	const struct form_upload *uploads;  /* the page's uploads (NULL)    */
	int nuploads;
};

/*
 * form_parse_page -- the answers after a submission of page in->page:
 * in->previous with this page's rendered fields replaced by the submitted
 * pairs ("csrf" and other pairs not starting with "f.", "_n." or "_" are
 * ignored), uploads applied, and the group add/remove action (into *act)
 * applied.  *out is a new object owned by the arena a.  ERR_INVALID for a
 * malformed pair or a page index out of range, ERR_LIMIT past a limit.
 */
int form_parse_page(json_t **out, struct form_action *act, struct arena *a,
		    const struct form_page_in *in, struct err *e);

/* form_page_unseen -- 1 when a field of `page` is shown for these
 * normalised answers but was not on the page the resident submitted (a
 * question that an answer on the same page brought up): the page is shown
 * again instead of moving on. */
int form_page_unseen(const struct forms_def *d, int page, const json_t *norm,
		     const char *const *names, const char *const *values,
		     int n, struct jp_date today);

/* form_errors_drop_unseen -- remove from r the errors of top-level fields
 * that were not on the submitted page ("_shown"), so that a question an
 * answer just brought up is asked before it is reported missing. */
void form_errors_drop_unseen(struct forms_result *r, const struct forms_def *d,
			     const char *const *names, const char *const *values,
			     int n);

/* form_value_text -- an answer as one line of text for the confirmation
 * page and the receipt ("ヤマダ タロウ" style compounds, options by their
 * label, yes/no, dates as entered or normalised, files by name, a 個人番号
 * masked "********1234" when mask is set).  Appends to b (not escaped). */
void form_value_text(struct buf *b, const struct forms_field *f,
		     const json_t *v, const char *lang, int mask);

/* form_source_label -- 「住民基本台帳より」 etc. for a prefill source. */
const char *form_source_label(const char *source, const char *lang);

/* form_today -- the date in Japan (JST) at Unix time now. */
struct jp_date form_today(int64_t now);

#endif
