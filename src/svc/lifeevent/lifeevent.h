/*
 * lifeevent.h -- life-event interviews (ライフイベント: 転入, 出生, おくやみ):
 * one short interview decides which procedures apply, and its answers are
 * shared with every procedure that asks the same question, so that one
 * life event is one visit (the "connected one-stop" principle).
 *
 * A life event is data (`data/life-events/<id>.json`, format
 * "madoguchi-life-event/1", documented in docs/life-events.md):
 *
 *   { "format": "madoguchi-life-event/1", "id": "move_in",
 *     "title": {ja, en, ja-easy}, "description": {...},
 *     "interview": { "pages": [ ...pages as in a procedure definition... ] },
 *     "procedures": [ { "code": "jidou-teate-nintei",
 *                       "when": "with_children",          (condition; absent = always)
 *                       "why": {ja, en, ja-easy} }, ... ] }
 *
 * The interview is a procedure definition's pages (same field types,
 * conditions and validation: src/core/forms), so the same renderer and the
 * same server-side validation serve it.  Interview answers whose field id
 * also exists in a chosen procedure, with the same type, become that
 * procedure's answers ("shared").
 *
 * Invariants: a `struct lifeevent` exists only for a file that passed the
 * schema check (lifeevent_parse): unique procedure codes, conditions that
 * parse and read only interview fields.  lifeevent_check_procedures
 * additionally checks, against the published procedures, that each code
 * exists, lists this event in its life_events, and that every shared field
 * has the same type in the interview and the procedure.  No HTTP, no
 * logging; memory in the caller's arena.
 *
 * Limits: file LIFEEVENT_MAX_BYTES; LIFEEVENT_MAX_PROCEDURES procedures;
 * the interview obeys the procedure limits of forms.h.
 */
#ifndef MADOGUCHI_LIFEEVENT_LIFEEVENT_H
#define MADOGUCHI_LIFEEVENT_LIFEEVENT_H

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/forms/forms.h"

#define LIFEEVENT_FORMAT "madoguchi-life-event/1"
#define LIFEEVENT_MAX_BYTES (256u << 10)
#define LIFEEVENT_MAX_PROCEDURES 50
#define LIFEEVENT_MAX_EVENTS 32

struct lifeevent_procedure {
	const char *code;
	struct forms_cond *when;          /* NULL: always                  */
	const char *when_src;
	struct forms_text why;
};

struct lifeevent {
	const char *id;                   /* "move_in"                     */
	struct forms_text title, description;
	struct forms_def *interview;      /* id "life-event-<id>"          */
	struct lifeevent_procedure *procedures;
	int nprocedures;
};

/* lifeevent_parse -- parse and schema-check one file.  ERR_INVALID with
 * the JSON path of the first problem in the detail; ERR_LIMIT past a
 * limit. */
int lifeevent_parse(struct lifeevent **out, struct arena *a, const char *json,
		    size_t len, struct err *e);

/* lifeevent_load_dir -- every *.json of dir, sorted by file name (at most
 * LIFEEVENT_MAX_EVENTS); the detail names the file that failed.  Returns
 * the count. */
int lifeevent_load_dir(struct lifeevent ***out, struct arena *a,
		       const char *dir, struct err *e);

/* lifeevent_find -- by id, or NULL. */
const struct lifeevent *lifeevent_find(struct lifeevent *const *events, int n,
				       const char *id);

/* lifeevent_check_procedures -- check the event against definitions:
 * lookup(code, arg) returns the latest definition of a code (NULL when
 * none is published).  ERR_INVALID naming the first procedure that is
 * missing, does not list the event, or shares a field of another type. */
int lifeevent_check_procedures(const struct lifeevent *le,
			       const struct forms_def *(*lookup)(const char *code, void *arg),
			       void *arg, struct err *e);

/* The outcome of an interview for one procedure. */
struct lifeevent_choice {
	const struct lifeevent_procedure *procedure;
	int applies;                      /* its `when` holds              */
};

/* lifeevent_decide -- validate the interview answers (forms_validate:
 * any error gives ERR_INVALID with *r holding the errors for the error
 * summary) and evaluate each procedure's `when` on the normalised
 * answers.  *out gets one choice per procedure, in file order. */
int lifeevent_decide(struct lifeevent_choice **out, struct forms_result *r,
		     struct arena *a, const struct lifeevent *le,
		     const json_t *answers, struct jp_date today, struct err *e);

/* lifeevent_shared -- the answers to give procedure d: the normalised
 * interview answers whose id is a top-level field of d with the same type
 * (a new object in the arena; empty when nothing is shared). */
json_t *lifeevent_shared(struct arena *a, const struct lifeevent *le,
			 const json_t *answers, const struct forms_def *d);

/* ------------------------------------------------------------------ */
/* The counter's filled forms as one PDF (counter_pdf.c).              */

/* One line of a form: an answer formatted by the caller (a 個人番号
 * masked); blank = 1 prints a line to write on instead. */
struct lifeevent_pdf_line {
	const char *label, *value;
	int depth;                        /* > 0: a group item's field      */
	int blank;
};
struct lifeevent_pdf_form {
	const char *title_ja, *title_en, *department;
	struct lifeevent_pdf_line *lines;
	int nlines;
};
struct lifeevent_pdf_doc {
	const char *municipality_ja, *municipality_en;
	const char *event_ja, *event_en;
	const struct lifeevent_pdf_form *forms;
	int nforms;
};

/* lifeevent_forms_pdf -- every form on its own pages (A4, Japanese with
 * English headings, the PDF writer pdf/pdf.h), each ending with a place
 * for the applicant's signature and the date, for the resident to check
 * and sign at the counter (書かない窓口).  *pdf is malloc'd.  ERR_INVALID
 * without forms; ERR_LIMIT past PDF_MAX_BYTES (32 MiB) or PDF_MAX_PAGES.
 * The same input gives the same bytes (fixed creation date). */
int lifeevent_forms_pdf(char **pdf, size_t *len, const struct lifeevent_pdf_doc *doc,
			struct err *e);

/* The resident's receipt (控え) of the applications submitted at the
 * counter (counter_pdf.c): per application its receipt number, the
 * department handling it and how to reach it. */
struct lifeevent_receipt_item {
	const char *receipt, *title_ja, *title_en;
	const char *dept_ja, *dept_en;    /* the department's names (or code) */
	const char *place, *phone, *email; /* "" or NULL: not described      */
	int64_t target_days;              /* business days, 0: none         */
};
struct lifeevent_receipt_doc {
	const char *municipality_ja, *municipality_en;
	int64_t received_at;              /* Unix time of the submission    */
	const struct lifeevent_receipt_item *items;
	int nitems;
};

/* lifeevent_receipt_pdf -- the counter receipt (窓口受付控え): the ward,
 * the date in Japan (和暦 and 西暦), each application with its receipt
 * number, department and contact, and what happens next.  *pdf is
 * malloc'd; ERR_INVALID without items; the same input gives the same
 * bytes. */
int lifeevent_receipt_pdf(char **pdf, size_t *len, const struct lifeevent_receipt_doc *doc,
			  struct err *e);

#endif
