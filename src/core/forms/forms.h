/*
 * forms.h -- online application procedures (電子申請) as data: the
 * definition format and its schema check, the condition language, answer
 * validation and normalisation, next-page routing, the canonical form of a
 * submission (RFC 8785 JCS) and versioned storage of definitions.
 *
 * Invariants:
 * - A `struct forms_def` exists only for a definition that passed the
 *   schema check (forms_def_parse); everything that reads one may rely on
 *   unique ids, known field types, conditions that parse and refer only to
 *   fields they may see, and acyclic page routes.
 * - Conditions are evaluated here, by the server: the browser never
 *   decides what is shown, required or where a route goes.
 * - Answer errors carry the field path, a code and a bilingual message,
 *   never the value (a 個人番号 in particular never appears in an error,
 *   a detail or a log line).
 * - A published version is immutable: forms_publish only ever inserts a
 *   new version; nothing in this module updates or deletes a version row.
 * - No HTTP here (the module knows nothing of h2o); no logging, no exit.
 *
 * Memory: parsed definitions, conditions and validation results live in
 * the caller's arena (src/base/arena.h); jansson values they hold are
 * released by arena cleanup handlers.
 *
 * Limits (each input has one):
 *   definition JSON           FORMS_DEF_MAX_BYTES bytes
 *   pages / fields / options  FORMS_MAX_PAGES / FORMS_MAX_FIELDS / FORMS_MAX_OPTIONS
 *   group nesting             FORMS_MAX_GROUP_DEPTH
 *   condition text            FORMS_COND_MAX_LEN bytes, FORMS_COND_MAX_DEPTH nesting
 *   answers JSON              FORMS_ANSWERS_MAX_BYTES bytes, FORMS_MAX_ERRORS errors
 *   identifiers               FORMS_ID_MAX bytes, [a-z][a-z0-9_]* (procedure ids
 *                             also allow '-')
 *   attachments               the field's max_bytes (at most 50 MiB)
 *   export columns            FORMS_MAX_COLUMNS per version
 */
#ifndef MADOGUCHI_FORMS_FORMS_H
#define MADOGUCHI_FORMS_FORMS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "jp/date.h"
#include "store/store.h"

#define FORMS_FORMAT "madoguchi-procedure/1"
#define FORMS_DEF_MAX_BYTES (1u << 20)
#define FORMS_ANSWERS_MAX_BYTES (1u << 20)
#define FORMS_MAX_PAGES 100
#define FORMS_MAX_FIELDS 500
#define FORMS_MAX_OPTIONS 200
#define FORMS_MAX_ROUTES 200
#define FORMS_MAX_CHECKS 100
#define FORMS_MAX_GROUP_DEPTH 2
#define FORMS_MAX_GROUP_ITEMS 100
#define FORMS_MAX_ERRORS 200
#define FORMS_ID_MAX 64
#define FORMS_TEXT_MAX 2000          /* a title, label, hint or message  */
#define FORMS_PATTERN_MAX 256
#define FORMS_COND_MAX_LEN 1024
#define FORMS_COND_MAX_DEPTH 32
#define FORMS_COND_MAX_LIST 64
#define FORMS_PATH_MAX 160
#define FORMS_MSG_MAX 256

/* ------------------------------------------------------------------ */
/* The condition language (cond.c).  Grammar in src/core/forms/README.md.   */

struct forms_cond;

enum forms_val_kind {
	FORMS_V_NULL = 0, FORMS_V_BOOL, FORMS_V_INT, FORMS_V_STR, FORMS_V_LIST,
	FORMS_V_OBJ
};

/* A value during evaluation.  Strings and lists point into the answers or
 * the parsed expression (valid while those are). */
struct forms_val {
	enum forms_val_kind kind;
	int64_t i;                 /* BOOL (0/1) and INT                    */
	const char *s;             /* STR                                   */
	const json_t *list;        /* LIST: a JSON array; OBJ: an object    */
};

/* What names refer to: `item` (a group item, may be NULL) first, then
 * `root` (the normalised answers).  Names are dotted paths into objects
 * ("bank.kind").  `today` is what today() returns (given, so that
 * evaluation is reproducible). */
struct forms_env {
	const json_t *root;
	const json_t *item;
	struct jp_date today;
};

/*
 * forms_cond_parse -- parse a condition.  ERR_INVALID with "column N: ..."
 * in the detail for a syntax error, an unknown function or a wrong number
 * of arguments; ERR_LIMIT beyond FORMS_COND_MAX_LEN bytes or
 * FORMS_COND_MAX_DEPTH nesting; ERR_NOMEM when the arena is full.
 */
int forms_cond_parse(struct forms_cond **out, struct arena *a,
		     const char *src, struct err *e);

/* forms_cond_eval -- 1 if the condition holds, 0 if not.  Never fails:
 * comparing values of different kinds, a missing answer or a bad date
 * makes the comparison false (see README.md for the exact rules). */
int forms_cond_eval(const struct forms_cond *c, const struct forms_env *env);

/* forms_cond_value -- evaluate to a value rather than a truth. */
struct forms_val forms_cond_value(const struct forms_cond *c,
				  const struct forms_env *env);

/*
 * forms_cond_refs -- call fn for every field name the condition reads
 * (with `scoped` = 1 for names inside the second argument of any()/all(),
 * which are looked up in the group's items first).  Stops and returns
 * fn's value when it is non-zero; else 0.
 */
int forms_cond_refs(const struct forms_cond *c,
		    int (*fn)(const char *name, int scoped, const char *group,
			      void *arg),
		    void *arg);

/*
 * forms_cond_literals -- call fn for every comparison of a field name
 * with a literal (`name == lit`, `lit < name`, `name in [lit, ...]`,
 * `lit in name`), so that the schema check can compare literals with the
 * field's type and options.  Stops at fn's first non-zero value.
 */
int forms_cond_literals(const struct forms_cond *c,
			int (*fn)(const char *name, int scoped, const char *group,
				  const struct forms_val *lit, void *arg),
			void *arg);

/* ------------------------------------------------------------------ */
/* Definitions (def.c).                                                */

enum forms_type {
	FORMS_T_TEXT = 1, FORMS_T_TEXTAREA, FORMS_T_KANA, FORMS_T_NAME_JP,
	FORMS_T_DATE, FORMS_T_POSTAL_CODE, FORMS_T_ADDRESS_JP, FORMS_T_PHONE,
	FORMS_T_EMAIL, FORMS_T_MY_NUMBER, FORMS_T_INTEGER, FORMS_T_YEN,
	FORMS_T_RADIO, FORMS_T_SELECT, FORMS_T_CHECKBOXES, FORMS_T_YES_NO,
	FORMS_T_BANK_ACCOUNT, FORMS_T_FILE, FORMS_T_GROUP, FORMS_T_INFO,
	FORMS_T_DECLARATION,
};

/* forms_type_name -- "text", "name_jp", ...; NULL for an unknown value. */
const char *forms_type_name(enum forms_type t);

/* Bilingual text: ja and en always, ja_easy (やさしい日本語) optional. */
struct forms_text {
	const char *ja, *en, *ja_easy;
};

struct forms_option {
	const char *value;
	struct forms_text label;
};

struct forms_field {
	const char *id;
	enum forms_type type;
	struct forms_text label, hint;
	int required;                        /* 1: must be answered        */
	struct forms_cond *show_if;          /* NULL: always shown         */
	struct forms_cond *required_if;      /* NULL: `required` decides   */
	const char *show_if_src, *required_if_src;
	int64_t min_length, max_length;      /* characters; -1 none        */
	const char *pattern;                 /* POSIX ERE, NULL none       */
	void *pattern_re;                    /* compiled regex_t           */
	int has_min, has_max;
	int64_t min, max;                    /* integer / yen              */
	struct jp_date min_date, max_date;   /* {0} none                   */
	int not_future;                      /* date: not after today      */
	int date_wareki;                     /* date shown in 和暦 (1) or 西暦 */
	struct forms_option *options;
	int noptions;
	int64_t min_selected, max_selected;  /* checkboxes; -1 none        */
	const char **accept;                 /* file: MIME types           */
	int naccept;
	int64_t max_bytes;                   /* file                       */
	struct forms_field *fields;          /* group: item fields         */
	int nfields;
	int64_t min_items, max_items;        /* group                      */
	struct forms_text text;              /* info / declaration text    */
	const char *prefill_source;          /* "juki", ...; NULL: none    */
	const char *prefill_path;            /* where in the source        */
	int prefill_editable;                /* the resident may change it */
	int prefill_except_self;             /* group from "juki": leave out
						the item with "self": true */
	int page;                            /* index of its page          */
	int order;                           /* definition order, global   */
	/* --- prefill (prefill.c): a file field's waiver --- */
	const char *waive_source;            /* "juki"; NULL: no waiver    */
	const char *waive_path;              /* what in the source proves it */
	const char *waive_matches;           /* a field whose answer must equal
						the source value, or NULL   */
};

struct forms_page {
	const char *id;
	struct forms_text title;
	struct forms_cond *show_if;
	const char *show_if_src;
	struct forms_field *fields;
	int nfields;
};

/* goto: a page index >= 0, or FORMS_GOTO_END, or an exit (FORMS_GOTO_EXIT
 * with exit index in `exit`). */
#define FORMS_GOTO_END (-1)
#define FORMS_GOTO_EXIT (-2)

struct forms_route {
	int from;                            /* page index                 */
	struct forms_cond *cond;             /* NULL: always               */
	const char *cond_src;
	int to;                              /* page, END or EXIT          */
	int exit;                            /* exit index when to == EXIT */
};

struct forms_exit {
	const char *id;
	struct forms_text title, body;
};

/* A cross-field check: when `when` holds (or is absent), `assert` must
 * hold, else the message is reported on `field`. */
struct forms_check {
	const char *field;
	struct forms_cond *when, *assert_;
	struct forms_text message;
};

struct forms_def {
	const char *id;                      /* procedure code              */
	struct forms_text title, description;
	const char *department;
	int64_t fee_yen;                     /* 0: free                     */
	const char *fee_timing;              /* "none", "before_submit", "after_review" */
	const char *signature;               /* "none", "optional", "required" */
	const char **staff_states;           /* the states staff may use, each
						an id of [a-z0-9_], "received"
						among them; NULL (nstates 0)
						when the definition names none:
						every state of the workflow
						(src/svc/apply owns the list) */
	int nstates;
	int64_t retention_years;
	int64_t target_days;
	struct forms_page *pages;
	int npages;
	struct forms_route *routes;
	int nroutes;
	struct forms_exit *exits;
	int nexits;
	struct forms_check *checks;
	int nchecks;
	struct forms_text declaration;
	const char **life_events;            /* "move_in", "birth", ...      */
	int nlife_events;
	const char *category;                /* one of forms_categories, or NULL */
	const char **life_stages;            /* "life_stage": ids of forms_categories */
	int nlife_stages;
	const json_t *json;                  /* the source document          */
};

/*
 * forms_def_parse -- parse and schema-check a definition.  ERR_INVALID
 * with a precise detail naming the JSON path ("pages[1].fields[3].type:
 * unknown field type \"txt\"") for the first problem found: unknown or
 * missing keys, bad ids, duplicate ids, unknown field types, options on a
 * type without them, conditions that do not parse or read unknown or later
 * fields, routes from or to unknown pages or exits, cycles in page routes.
 * ERR_LIMIT past a limit.  The result lives in arena a.
 */
int forms_def_parse(struct forms_def **out, struct arena *a,
		    const char *json_text, size_t len, struct err *e);
/* forms_def_from_json -- the same for a parsed document (borrowed: the
 * definition takes its own reference). */
int forms_def_from_json(struct forms_def **out, struct arena *a,
			json_t *doc, struct err *e);

/* forms_def_field -- a top-level field by id (NULL if none). */
const struct forms_field *forms_def_field(const struct forms_def *d,
					  const char *id);
/* forms_def_page_index -- index of a page id, or -1. */
int forms_def_page_index(const struct forms_def *d, const char *id);

/* ------------------------------------------------------------------ */
/* Answers (answers.c).                                                */

struct forms_error {
	char path[FORMS_PATH_MAX];           /* "children[1].birth", "" = whole */
	const char *code;                    /* "required", "too_long", ...    */
	char ja[FORMS_MSG_MAX];
	char en[FORMS_MSG_MAX];
};

struct forms_result {
	json_t *answers;          /* normalised answers of the shown fields
				     (owned by the arena)                  */
	struct forms_error *errors;
	int nerrors;
	int truncated;            /* more than FORMS_MAX_ERRORS errors      */
	int exit;                 /* index of the exit page reached, or -1  */
	int *path;                /* pages visited, in order                */
	int npath;
	int next;                 /* page after the last one visited: an
				     index, FORMS_GOTO_END or FORMS_GOTO_EXIT */
};

/*
 * forms_validate -- validate answers (a JSON object keyed by field id)
 * against a definition, walking pages from the first along the routes:
 * fields on pages not visited, and fields whose show_if is false, are
 * dropped; the rest are checked and normalised (全角 digits, postal code,
 * phone, dates in 和暦 or 西暦 to ISO, kana, My Number digits).  Answers
 * for unknown fields are errors.  Returns 0 when the answers could be
 * examined (even with errors: see r->nerrors), ERR_INVALID when `answers`
 * is not a JSON object, ERR_LIMIT past FORMS_ANSWERS_MAX_BYTES.
 */
int forms_validate(struct forms_result *r, struct arena *a,
		   const struct forms_def *d, const json_t *answers,
		   struct jp_date today, struct err *e);

/*
 * forms_validate_upto -- the same, walking no further than `last_page`
 * (a page-by-page runner validates what the resident has seen so far):
 * pages after it are not examined and their answers are left out of
 * r->answers without errors; r->next is the page to show next.  Unknown
 * keys are still errors.  ERR_INVALID for a bad page index.
 */
int forms_validate_upto(struct forms_result *r, struct arena *a,
			const struct forms_def *d, const json_t *answers,
			int last_page, struct jp_date today, struct err *e);

/* forms_field_shown / forms_field_required -- for rendering a page: is f
 * shown, is it required, given the (normalised) answers so far and, for a
 * group's sub-field, the item being rendered (else NULL)? */
int forms_field_shown(const struct forms_field *f, const json_t *answers,
		      const json_t *item, struct jp_date today);
int forms_field_required(const struct forms_field *f, const json_t *answers,
			 const json_t *item, struct jp_date today);

/* forms_text_get -- the text in "ja", "en" or "ja-easy"; falls back to
 * Japanese (never NULL). */
const char *forms_text_get(const struct forms_text *t, const char *lang);

/* forms_validate_text -- the same from JSON text (duplicate keys refused). */
int forms_validate_text(struct forms_result *r, struct arena *a,
			const struct forms_def *d, const char *json_text,
			size_t len, struct jp_date today, struct err *e);

/*
 * forms_next_page -- the page after `from` for these (normalised) answers:
 * the first route from `from` whose condition holds, else the next page in
 * order whose show_if holds.  *to is a page index, FORMS_GOTO_END or
 * FORMS_GOTO_EXIT (then *exit is the exit index).  ERR_INVALID for a bad
 * page index.
 */
int forms_next_page(int *to, int *exit, const struct forms_def *d, int from,
		    const json_t *answers, struct jp_date today, struct err *e);

/* forms_first_page -- the first page whose show_if holds (or END). */
int forms_first_page(const struct forms_def *d, const json_t *answers,
		     struct jp_date today);

/* ------------------------------------------------------------------ */
/* Attachments (attach.c).                                             */

/* forms_file_sniff -- the MIME type the first bytes show (PDF, JPEG,
 * PNG, GIF, WebP, HEIC, zip), or NULL when unrecognised. */
const char *forms_file_sniff(const void *data, size_t n);

/*
 * forms_file_accept -- check an uploaded file against a file field: not
 * empty, at most max_bytes (ERR_LIMIT), its content of an accepted type
 * (decided by forms_file_sniff, never by the name; an office document is
 * accepted as zip content when the field accepts that document type;
 * unrecognised content only when the field accepts
 * application/octet-stream).  *meta gets the answer to store,
 * {"name","type","size","sha256"}, with the name reduced to a clean base
 * name (at most 255 bytes).  The detail never contains the file name.
 */
int forms_file_accept(json_t **meta, const struct forms_field *f,
		      const char *name, const void *data, size_t n,
		      struct err *e);

/* ------------------------------------------------------------------ */
/* Export columns (export.c).                                          */

#define FORMS_MAX_COLUMNS 4000

/* One export column: a leaf of a field's answer.  key is stable per
 * version ("applicant_name.family_kana", "items.sofa",
 * "children[2].child_birth"); labels are for a CSV header. */
struct forms_column {
	const char *key, *label_ja, *label_en;
	const struct forms_field *top;   /* the top-level field           */
	const struct forms_field *sub;   /* a group's sub-field, or NULL  */
	int item;                        /* group item (0-based), or -1   */
	const char *part;                /* part of a compound, or NULL   */
	int option;                      /* checkboxes option, or -1      */
};

/* forms_columns -- the columns of a version, in definition order; every
 * group contributes max_items blocks.  Returns the count (*out in the
 * arena) or ERR_LIMIT beyond FORMS_MAX_COLUMNS. */
int forms_columns(struct forms_column **out, struct arena *a,
		  const struct forms_def *d, struct err *e);

/* forms_export_row -- the cells of normalised answers in those columns:
 * "" when absent, "1"/"0" for yes/no, "1" for a chosen checkbox, integers
 * in decimal, a 個人番号 masked ("********1234").  Cells live in the arena
 * or in `answers`. */
int forms_export_row(const char ***cells, struct arena *a,
		     const struct forms_column *cols, int ncols,
		     const json_t *answers, struct err *e);

/* ------------------------------------------------------------------ */
/* Canonical JSON, RFC 8785 (jcs.c).                                   */

/*
 * forms_jcs -- append the JCS serialisation of v to b: object keys sorted
 * by UTF-16 code units, no white space, strings with the minimal escapes,
 * numbers as ECMAScript formats doubles (integers beyond 2^53 are first
 * rounded to a double, as JCS requires).  ERR_INVALID for a NaN or an
 * infinity, ERR_LIMIT when b is full, ERR_LIMIT beyond 64 levels.
 */
int forms_jcs(struct buf *b, const json_t *v, struct err *e);

/* forms_jcs_number -- ECMAScript Number.prototype.toString of d into buf
 * (32 bytes suffice).  ERR_INVALID for NaN / infinity. */
int forms_jcs_number(char *buf, size_t size, double d, struct err *e);

/*
 * forms_canonical -- the signed form of a submission:
 *   {"answers":{...},"procedure":ID,"tenant":CODE,"version":N}
 * in JCS, where answers are forms_validate's normalised answers (files
 * appear as their metadata with "sha256": the attachment by hash).
 * *out is malloc'd (caller frees).
 */
int forms_canonical(char **out, size_t *len, const char *tenant,
		    const char *procedure, int version, const json_t *answers,
		    struct err *e);

/* forms_sha256_hex -- SHA-256 of p[0..n) as 64 hex digits and a NUL. */
void forms_sha256_hex(char out[65], const void *p, size_t n);

/* ------------------------------------------------------------------ */
/* Versioned storage (forms_store.c).                                  */

extern const struct store_module_schema forms_schema;

/*
 * forms_publish -- publish a definition (already checked) for a tenant:
 * a new version when its canonical JSON differs from the latest version's,
 * nothing otherwise.  *version gets the version now current, *created
 * (if not NULL) 1 when a version was added.  ERR_NOTFOUND for an unknown
 * tenant (foreign key: ERR_CONFLICT from the store is mapped).
 */
int forms_publish(int *version, int *created, struct store *s,
		  const char *tenant, const struct forms_def *d,
		  struct err *e);

/* A hook run inside forms_publish's transaction right after a new version
 * row is written (not when nothing changed): the caller appends its audit
 * record there, so that a version without its record never commits.  A
 * non-zero return rolls the publication back and is returned. */
struct forms_publish_hook {
	int (*fn)(struct store *s, const char *tenant, const char *id,
		  int version, void *arg, struct err *e);
	void *arg;
};
int forms_publish_with(int *version, int *created, struct store *s,
		       const char *tenant, const struct forms_def *d,
		       const struct forms_publish_hook *hook, struct err *e);

/* The topics a resident looks for procedures by (a definition's optional
 * "category", one id, and "life_stage", up to FORMS_MAX_STAGES ids, both
 * of this list, in the order a listing shows them); their labels are the
 * catalog rows "proc.cat.<id>" of the shell. */
#define FORMS_MAX_STAGES 8
#define FORMS_CATEGORY_MAX 24
extern const char *const forms_categories[];   /* NULL-terminated */
/* forms_category_known -- 1 when id is in forms_categories */
int forms_category_known(const char *id);

struct forms_published {
	char category[FORMS_CATEGORY_MAX + 1];     /* "" when none        */
	char life_stages[FORMS_MAX_STAGES][FORMS_CATEGORY_MAX + 1];
	int nlife_stages;
	char tenant[8];
	char id[FORMS_ID_MAX + 1];
	int version;
	int64_t published_at;          /* Unix seconds                    */
	char sha256[65];               /* of the canonical definition     */
	const char *title_ja, *title_en;  /* valid during the callback    */
	int unpublished;               /* withdrawn (forms_list_staff only) */
};

/* forms_list -- the latest version of each procedure, by tenant then id;
 * tenant NULL = every tenant.  Calls fn per row; returns the count. */
int forms_list(struct store *s, const char *tenant,
	       void (*fn)(const struct forms_published *p, void *arg),
	       void *arg, struct err *e);

/* A published definition to load (forms_load_version): the procedure's
 * id within the tenant, and which version.  The strings are read during
 * the call only. */
struct forms_ref {
	const char *tenant;            /* tenant code                     */
	const char *id;                /* procedure id (FORMS_ID_MAX)     */
	int version;                   /* 1, 2, ...; 0: the latest        */
};
/* forms_load_version -- the definition of (ref->tenant, ref->id,
 * ref->version), parsed into a's memory.  *version_out (if not NULL) gets
 * its number (the latest's when ref->version is 0).  ERR_NOTFOUND when
 * absent. */
int forms_load_version(struct forms_def **out, int *version_out,
		       struct arena *a, struct store *s,
		       const struct forms_ref *ref, struct err *e);

/* ------------------------------------------------------------------ */
/* --- prefill (prefill.c): once only ---                              */

/*
 * forms_prefill -- the answers the runner starts a draft with, from the
 * sources the definition's top-level fields declare:
 *   "juki": the value at the field's dotted `path` in `juki` (the
 *           resident's registry record, registry_person_json; may be NULL);
 *           for a group, one item per element of the array there (the
 *           resident's own left out with "except_self"), each sub-field
 *           taking the key its own prefill path names;
 *   "previous_submission": previous[path or the field id] (the caller
 *           passes the resident's last answers, keyed by field id; may be
 *           NULL).
 * A file field with `waive_if` whose fact the registry proves (the value
 * at waive_if.path is present and, with `matches`, equals the prefilled
 * answer of that field) gets the answer {"waived": "juki"}.
 * *answers and *sources are new objects owned by the arena: sources maps
 * field id -> "juki" / "previous_submission".  Fields of other sources
 * (jpki_cert, staff) are left to the caller.  Values
 * are copied as they are (the registry keeps them in normalised form).
 */
int forms_prefill(json_t **answers, json_t **sources, struct arena *a,
		  const struct forms_def *d, const json_t *juki,
		  const json_t *previous, struct err *e);

/*
 * forms_prefill_check -- at submit, with the normalised answers
 * (forms_validate's r->answers) and the draft's sources: every answered
 * field that is read-only from the registry (source juki, not editable)
 * still equals the registry's value; every answer marked as coming from
 * "juki" still does; every waived file is still proven (as forms_prefill
 * decides it, against the answers).  Problems are added to r (path = the
 * field id, codes "prefill_readonly", "prefill_source", "waiver") like
 * forms_validate's errors, never quoting a value.  juki NULL: nothing is
 * proven (a waiver is an error).  Returns 0 or ERR_NOMEM / ERR_INVALID
 * (answers not an object).
 */
int forms_prefill_check(struct forms_result *r, struct arena *a,
			const struct forms_def *d, const json_t *answers,
			const json_t *sources, const json_t *juki,
			struct err *e);

/* forms_def_uses_registry -- 1 when a top-level field of d is prefilled
 * from the registry ("juki") or may be waived by it: only then does a
 * submission need the resident's registry record for
 * forms_prefill_check (so that other procedures cost no look-up). */
int forms_def_uses_registry(const struct forms_def *d);

/* forms_prefill_sources_update -- drop from sources the fields whose
 * (raw or normalised) answer no longer equals its source's value, so that
 * an edited editable answer stops claiming its source.  Returns the
 * number of entries dropped. */
int forms_prefill_sources_update(json_t *sources, const struct forms_def *d,
				 const json_t *answers, const json_t *juki,
				 const json_t *previous);

/* forms_versions -- the published versions of (tenant, id), newest
 * first, at most max (versions.c).  Returns the count (0: none). */
struct forms_version_info {
	int version;
	int64_t published_at;          /* Unix seconds                    */
	char sha256[65];
};
/* forms_version_find -- one published version of (tenant, id): version
 * 0 = the latest.  ERR_NOTFOUND when there is none such. */
int forms_version_find(struct forms_version_info *out, struct store *s, const char *tenant,
		       const char *id, int version, struct err *e);
int forms_versions(struct forms_version_info *out, int max, struct store *s,
		   const char *tenant, const char *id, struct err *e);

/* forms_json_path -- the value at a dotted path ("address.city") in v,
 * or NULL. */
const json_t *forms_json_path(const json_t *v, const char *path);

/* forms_answer_waived -- 1 if a file answer is a waiver ({"waived": ...})
 * rather than an upload's metadata (so that callers checking uploads
 * skip it). */
int forms_answer_waived(const json_t *answer);


/* ------------------------------------------------------------------ */
/* The builder (edit.c, diff.c, draft.c): edit operations on a draft's  */
/* definition, the difference between two versions in words, drafts and */
/* their review states, withdrawal from residents.                      */

#define FORMS_COMMENT_MAX 2000
#define FORMS_DIFF_MAX 500

enum forms_edit_op {
	FORMS_EDIT_ADD_PAGE = 1, FORMS_EDIT_PAGE_TITLE, FORMS_EDIT_ADD_FIELD, FORMS_EDIT_FIELD,
	FORMS_EDIT_CONDITION, FORMS_EDIT_MOVE, FORMS_EDIT_DELETE, FORMS_EDIT_META,
	FORMS_EDIT_ADD_ROUTE, FORMS_EDIT_DELETE_ROUTE,
};

/* One edit.  Which members an operation reads:
 *   ADD_PAGE    id (empty: page_N), label = the page title
 *   PAGE_TITLE  page, label
 *   ADD_FIELD   page, type (of forms_palette), id (empty: field_N), label,
 *               required, options (choices; empty: two placeholders)
 *   FIELD       field, label, hint (both languages or neither), required,
 *               options (a choice field: lines "value: 日本語 / English")
 *   CONDITION   field, cond_field (empty: always shown), cond_op
 *               ("filled", "empty", "eq", "ne"), cond_value (eq / ne)
 *   MOVE        field, or page when field is empty; delta -1 up, +1 down
 *   DELETE      field, or page when field is empty (the last page stays)
 *   META        label = the procedure's title, department
 *   ADD_ROUTE   page (after which page), go (a later or earlier page id,
 *               or "end"), cond_field / cond_op / cond_value as CONDITION
 *               (empty cond_field: always); appended to "routes", the
 *               first route whose condition holds is taken
 *   DELETE_ROUTE route (index into "routes")
 * Out: why (a refusal's reason, the suffix of catalog id "proc.e.<why>"),
 * done_id (the id an ADD_* gave). */
struct forms_edit {
	enum forms_edit_op op;
	const char *page, *field, *id, *type;
	struct forms_text label, hint;
	int required;
	const char *options;
	const char *cond_field, *cond_op, *cond_value;
	const char *department;
	int delta;
	const char *go;
	int route;
	const char *why;
	char done_id[FORMS_ID_MAX + 1];
};

/* forms_edit -- apply ed to a copy of doc; the copy is re-checked
 * (forms_def_from_json) and given in *out (a new reference) only when it
 * passes.  ERR_INVALID with ed->why and a detail otherwise. */
int forms_edit(json_t **out, struct arena *a, const json_t *doc, struct forms_edit *ed,
	       struct err *e);
/* forms_palette -- the field types the builder offers; returns the count. */
int forms_palette(const char *const **types);
/* forms_edit_id_ok -- [a-z][a-z0-9_]*, at most FORMS_ID_MAX bytes. */
int forms_edit_id_ok(const char *id);
/* forms_def_error_why -- the builder's reason for a schema check detail
 * ("cond_later", "id_taken", ...; "schema" when none fits). */
const char *forms_def_error_why(const char *detail);
/* forms_options_text -- a field's options as the builder's lines. */
int forms_options_text(struct buf *b, const json_t *field);
/* forms_cond_build -- the condition text of the pickers (field op value)
 * for doc; -1 when they do not make one. */
int forms_cond_build(struct buf *b, const json_t *doc, const char *field, const char *op,
		     const char *value);
/* forms_cond_pickers -- the pickers back from a condition the builder
 * wrote; -1 for any other condition (written by hand in JSON). */
struct forms_cond_pick {
	char field[FORMS_ID_MAX + 1];
	const char *op;
	char value[256];
};
int forms_cond_pickers(struct forms_cond_pick *out, const char *src);

enum forms_change_kind { FORMS_CH_ADDED = 1, FORMS_CH_REMOVED, FORMS_CH_CHANGED, FORMS_CH_MOVED };
/* One difference: what ("procedure", "page", "field") with id, the page
 * a field is on (in `to`, or `from` when removed), prop the key that
 * changed ("label", "options", "show_if", ...; NULL for added / removed /
 * moved).  Strings point into the documents. */
struct forms_change {
	enum forms_change_kind kind;
	const char *what, *id, *page, *prop;
};
/* forms_diff -- the changes from `from` to `to` (definition documents),
 * procedure first, then pages, then fields; returns the count (*out in
 * a), at most FORMS_DIFF_MAX (*truncated set beyond). */
int forms_diff(struct forms_change **out, int *truncated, struct arena *a, const json_t *from,
	       const json_t *to, struct err *e);

/* A procedure's working copy: state "draft", "review" or "approved". */
struct forms_draft {
	char code[FORMS_ID_MAX + 1];
	char state[16];
	struct forms_def *def;             /* in the caller's arena          */
	int64_t submitted_by;              /* staff id; 0 when never         */
	int64_t updated_by, updated_at;
	char comment[FORMS_COMMENT_MAX + 1];  /* a reviewer's, when sent back */
	int base_version;                  /* the version it started from (0: new) */
};
/* forms_draft_get -- ERR_NOTFOUND when the procedure has no draft. */
int forms_draft_get(struct forms_draft *out, struct arena *a, struct store *s,
		    const char *tenant, const char *code, struct err *e);
/* forms_draft_put -- save d (checked) as the draft of d->id, creating it
 * in state "draft"; ERR_CONFLICT when it is in review or approved. */
int forms_draft_put(struct store *s, const char *tenant, const struct forms_def *d,
		    int base_version, int64_t staff, struct err *e);
/* A review step: to "review" (submit), "draft" (send back, with
 * comment) or "approved" (by a member of staff other than the one who
 * submitted: else ERR_DENIED).  ERR_CONFLICT from a wrong state.  A draft
 * approved whose publication was refused may be sent back too. */
struct forms_draft_step {
	const char *tenant, *code, *to, *comment;
	int64_t staff;
};
int forms_draft_move(struct store *s, const struct forms_draft_step *m, struct err *e);
/* forms_draft_drop -- delete the draft (after its publication). */
int forms_draft_drop(struct store *s, const char *tenant, const char *code, struct err *e);
/* forms_drafts_list -- every draft of tenant: code and state; the count. */
int forms_drafts_list(struct store *s, const char *tenant,
		      void (*fn)(const char *code, const char *state, void *arg), void *arg,
		      struct err *e);
/* forms_unpublish -- withdraw a procedure from residents (withdrawn 1:
 * forms_list leaves it out and forms_load_version refuses its "latest"
 * with ERR_NOTFOUND; its versions stay readable by number) or bring it
 * back (0).  forms_is_unpublished: 1, 0 or an ERR_*. */
int forms_unpublish(struct store *s, const char *tenant, const char *code, int withdrawn,
		    struct err *e);
int forms_is_unpublished(struct store *s, const char *tenant, const char *code, struct err *e);
/* forms_list_staff -- forms_list with withdrawn procedures too (unpublished
 * set in each row). */
int forms_list_staff(struct store *s, const char *tenant,
		     void (*fn)(const struct forms_published *p, void *arg),
		     void *arg, struct err *e);
#endif
