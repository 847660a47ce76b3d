/*
 * apply.h -- online applications after the definition: a resident's
 * drafts (save and resume), submissions with a receipt number, their
 * attachments, the staff workflow (states, assignment, internal comments,
 * messages to the resident), the inbox queries (per department, filters,
 * overdue, likely duplicates) and life-event bundles (one interview, one
 * submission, several applications each routed to its department).
 *
 * The definitions themselves (format, validation, canonical form) belong
 * to src/core/forms; this module stores what residents and staff do with them.
 *
 * Invariants:
 *   - A submission is written in one transaction with its attachments
 *     links and its first event: when apply_submit returns a receipt
 *     number, everything it refers to is durable (store commit).
 *   - Answers are stored normalised (forms_validate) and as their RFC 8785
 *     canonical form with its SHA-256 (forms_canonical); a signature, when
 *     given, is over exactly those bytes.
 *   - Every state change goes through apply_transition, which checks the
 *     transition table below and appends an event row; the caller appends
 *     the audit record and queues the resident's notification in the same
 *     transaction (apply_transition's `ev` out-parameter says what).
 *   - Ownership is checked here, not only by the caller: every resident
 *     function takes the resident id and answers ERR_NOTFOUND for a draft,
 *     submission or attachment of somebody else (never "forbidden": the
 *     existence of another resident's record is not revealed); every
 *     staff function takes the departments the caller may see and answers
 *     ERR_NOTFOUND outside them.
 *   - Personal data (answers, names, file names) never appear in err
 *     details: they name ids, receipt numbers and rules.
 *   - A procedure whose fee is paid before submission is submitted only
 *     when a paid payment (src/svc/payments) covers its fee -- the
 *     draft's, its bundle's, or one staff take at the counter in the
 *     submission's transaction -- and the submission records its number
 *     (fee.c; every submit path checks it).
 *   - Time is a parameter `now` (Unix seconds, UTC); nothing reads the
 *     clock.  No HTTP, no logging, no exit.
 *
 * States (struct forms_def's staff_states may leave some out; `received`
 * and `withdrawn` always exist):
 *
 *   received  --> in_review, returned, approved, rejected, withdrawn
 *   in_review --> returned, approved, rejected, withdrawn
 *   returned  --> received (resident resubmits: revision + 1), withdrawn
 *   approved  --> completed
 *   rejected, completed, withdrawn: final
 *
 * `withdrawn` is only reached by the resident (apply_withdraw); staff
 * reach the others (apply_transition).
 *
 * Receipt numbers: "<tenant>-<year>-<7-digit sequence><check digit>",
 * e.g. 139998-2026-00000121 (a mod-10 weighted check digit -- Luhn's --
 * over the 17 digits before it, see apply_receipt_check).  The sequence
 * restarts each calendar year (JST) per tenant; numbers are never reused.
 *
 * Limits: answers APPLY_ANSWERS_MAX bytes (forms' limit), attachments
 * FORMS field max_bytes (at most APPLY_FILE_MAX), APPLY_MAX_FILES per
 * submission, comments APPLY_COMMENT_MAX bytes, inbox pages at most
 * APPLY_PAGE_MAX rows, a resident's open drafts APPLY_MAX_DRAFTS.
 */
#ifndef MADOGUCHI_APPLY_APPLY_H
#define MADOGUCHI_APPLY_APPLY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/forms/forms.h"
#include "store/store.h"

#define APPLY_ANSWERS_MAX FORMS_ANSWERS_MAX_BYTES
#define APPLY_FILE_MAX (50u << 20)
#define APPLY_MAX_FILES 50
#define APPLY_COMMENT_MAX 4000
#define APPLY_PAGE_MAX 200
#define APPLY_MAX_DRAFTS 100
#define APPLY_RECEIPT_LEN 20          /* "139998-2026-00000121" */
#define APPLY_STATE_MAX 32
#define APPLY_DEPT_MAX 64
#define APPLY_DRAFT_DAYS 90           /* an untouched draft expires      */
#define APPLY_PAYMENT_LEN 14          /* a payment's number (PAY_NUMBER_LEN) */
/* the server's defaults for struct apply_limits (serve --upload-quota,
 * --upload-rate; README.md) */
#define APPLY_UPLOAD_QUOTA_DEFAULT (100LL << 20)
#define APPLY_UPLOAD_RATE_DEFAULT 60

extern const struct store_module_schema apply_schema;

struct payment;
struct audit_config;

/* A member of staff taking a fee at the counter (apply_submit_opts.
 * counter_fee): the actor of the payment's audit records.  The member of
 * staff who submits (the STAFF apply_actor) must hold the payments
 * service's PAY_PERM_STAFF (payments.staff, the permission that marks a
 * payment paid at the counter), read live from their roles
 * (auth_staff_has_permission); without it the submission is refused
 * (ERR_DENIED, fee_unpaid) and nothing is written or paid. */
struct apply_cashier {
	const struct audit_config *audit;  /* the server's; NULL: defaults  */
	int64_t id;                  /* staff account id                   */
	const char *login, *role, *source;
	int mfa_ok;                  /* the session gave a second factor:
					a role that needs one counts only
					then (auth_has_permission's rule)   */
};

/* ------------------------------------------------------------------ */
/* Receipt numbers (receipt.c).                                        */

/* apply_receipt_check -- 0 when s is a well-formed receipt number with
 * a correct check digit, ERR_INVALID otherwise. */
int apply_receipt_check(const char *s);

/* ------------------------------------------------------------------ */
/* Who acts.                                                           */

/* A resident (kind RESIDENT, id = resident account id), a member of
 * staff (kind STAFF, with the departments whose inboxes they may see;
 * depts == NULL with ndepts == -1 means every department), or the
 * system (jobs). */
enum apply_actor_kind { APPLY_RESIDENT = 1, APPLY_STAFF = 2, APPLY_SYSTEM = 3 };
struct apply_actor {
	enum apply_actor_kind kind;
	int64_t id;
	const char *tenant;
	const char *const *depts;
	int ndepts;
	int personal_read;           /* staff holding personal.read: may see a
					個人番号 in clear (apply_view)         */
	const struct apply_limits *limits; /* uploads (files.c); NULL: none */
	const char *login;           /* staff: the login (audit records of the
					payments asked for); NULL otherwise */
};

/* Limits on what an actor stores (app_apply_actor sets the server's
 * configuration; NULL or 0: unlimited, as for the CLI and jobs). */
struct apply_limits {
	int64_t quota_bytes;         /* attachment bytes kept per account:
					drafts and submissions not yet purged */
	int uploads_per_min;         /* new attachments per account a minute */
};

/* ------------------------------------------------------------------ */
/* Drafts (draft.c).                                                   */

struct apply_draft {
	int64_t id;
	char procedure[FORMS_ID_MAX + 1];
	int version;                 /* the version the draft was started on */
	int page;                    /* the page to resume on               */
	json_t *answers;             /* as entered (owned by the arena)     */
	json_t *sources;             /* field id -> "juki" / "previous_submission" / "staff" */
	int64_t bundle_id;           /* 0: not part of a bundle             */
	int64_t submission_id;       /* a correction of this submission, or 0 */
	int64_t created_at, updated_at;
};

/* A draft to start (apply_draft_create).  Nothing is taken over: the
 * JSON is serialised into the row. */
struct apply_draft_start {
	const char *procedure;       /* its id (1..FORMS_ID_MAX bytes, else
					ERR_NOTFOUND): the latest published
					version is used                     */
	const json_t *prefill;       /* the answers to start with: an object
					(ERR_INVALID otherwise), or NULL;
					at most APPLY_ANSWERS_MAX bytes as
					JSON (ERR_LIMIT)                    */
	const json_t *sources;       /* field id -> "juki" /
					"previous_submission" / "staff": an
					object (ERR_INVALID otherwise), or NULL */
	int64_t bundle_id;           /* a bundle of the actor's
					(ERR_NOTFOUND otherwise), 0: none    */
};
/* apply_draft_create -- a new draft of the actor's for the latest version
 * of in->procedure (ERR_NOTFOUND if none is published; ERR_LIMIT past
 * APPLY_MAX_DRAFTS open drafts); *id gets it. */
int apply_draft_create(int64_t *id, struct store *s,
		       const struct apply_actor *who,
		       const struct apply_draft_start *in, int64_t now, struct err *e);
/* apply_draft_get -- the resident's own draft (ERR_NOTFOUND otherwise). */
int apply_draft_get(struct apply_draft *out, struct arena *a, struct store *s,
		    const struct apply_actor *who, int64_t id, struct err *e);
/* apply_draft_save -- replace the answers and the resume page.  Answers
 * are stored as given (a draft may be incomplete or wrong); ERR_LIMIT
 * past APPLY_ANSWERS_MAX. */
int apply_draft_save(struct store *s, const struct apply_actor *who,
		     int64_t id, const json_t *answers, int page, int64_t now,
		     struct err *e);
int apply_draft_delete(struct store *s, const struct apply_actor *who,
		       int64_t id, struct err *e);
/* apply_drafts_list -- the actor's open drafts, newest first. */
int apply_drafts_list(struct apply_draft **out, int *n, struct arena *a,
		      struct store *s, const struct apply_actor *who,
		      struct err *e);
/* apply_drafts_purge -- delete drafts untouched for APPLY_DRAFT_DAYS (a
 * job); returns the number deleted. */
int apply_drafts_purge(struct store *s, int64_t now, struct err *e);

/* ------------------------------------------------------------------ */
/* Attachments (files.c).  Content is stored in the database (so that a
 * backup holds everything and a receipt implies the file is durable),
 * keyed by (tenant, owner, sha256): an upload of the same bytes twice is
 * stored once.                                                         */

struct apply_file {
	int64_t id;
	char sha256[65];
	char type[80];
	int64_t size;
	char *name;                  /* clean base name (arena)            */
	const void *data;            /* apply_file_get only (arena)        */
	/* apply_file_get for staff or the system: the receipt of a submission
	 * through which the reader may see the file (what a read's audit
	 * record names); "" for an account's own upload */
	char receipt[APPLY_RECEIPT_LEN + 1];
};

/* An upload to store (apply_file_put); its bytes are read during the
 * call only. */
struct apply_file_in {
	const struct forms_field *field; /* a file field of the definition
					(ERR_INVALID otherwise)             */
	const char *name;            /* the file name as sent (NULL: "file");
					stored cleaned to its base name      */
	const void *data;
	size_t n;                    /* at most the field's max_bytes and
					APPLY_FILE_MAX (ERR_LIMIT)          */
};
/* apply_file_put -- check in->data against in->field (forms_file_accept)
 * and store it for the actor; *meta gets the answer value
 * {"name","type","size","sha256"}.  ERR_LIMIT past the field's max_bytes
 * or APPLY_FILE_MAX, or past who->limits (apply_limit_hit says which),
 * ERR_INVALID for a refused type. */
int apply_file_put(json_t **meta, struct store *s,
		   const struct apply_actor *who, const struct apply_file_in *in,
		   int64_t now, struct err *e);
/* apply_limit_hit -- which of the actor's limits (struct apply_limits)
 * refused an upload (apply_file_put, apply_submit_answers: ERR_LIMIT):
 * APPLY_LIMIT_QUOTA (the bytes an account may keep; answer 413),
 * APPLY_LIMIT_RATE (new attachments a minute; answer 429), or
 * APPLY_LIMIT_NONE for any other error. */
enum { APPLY_LIMIT_NONE = 0, APPLY_LIMIT_QUOTA, APPLY_LIMIT_RATE };
int apply_limit_hit(const struct err *e);

/* apply_file_get -- a file the actor may read: a resident their own
 * uploads, staff the files of submissions in their departments.
 * ERR_NOTFOUND otherwise. */
int apply_file_get(struct apply_file *out, struct arena *a, struct store *s,
		   const struct apply_actor *who, const char *sha256,
		   struct err *e);

/* ------------------------------------------------------------------ */
/* Submissions (submit.c).                                             */

/* A signature the caller has verified (src/core/sign) over the canonical
 * bytes; recorded with the submission. */
struct apply_signature {
	const char *serial;          /* certificate serial, hex            */
	const char *subject;         /* RFC 2253                           */
	const char *issuer;
	int64_t not_after;
	const void *cms;             /* the DER signature as received      */
	size_t cms_len;
	/* the bytes signed when they are not the submission's own canonical
	 * form: a bundle's manifest (apply_bundle_canonical), which names
	 * the submission's SHA-256; NULL otherwise.  Kept (sig_data) so
	 * that the signature can be checked again later.  NUL-terminated. */
	const char *signed_data;
	size_t signed_len;
};

struct apply_submission {
	int64_t id;
	char receipt[APPLY_RECEIPT_LEN + 1];
	char procedure[FORMS_ID_MAX + 1];
	int version;
	char department[APPLY_DEPT_MAX + 1];
	char status[APPLY_STATE_MAX + 1];
	int revision;                /* 1, +1 per resubmission             */
	int64_t resident_id;         /* 0: entered by staff (counter)      */
	int64_t assignee;            /* staff id, 0: unassigned            */
	int64_t bundle_id;
	json_t *answers;             /* normalised (arena)                 */
	json_t *sources;             /* prefill sources (arena)            */
	char sha256[65];             /* of the canonical form              */
	char sig_serial[80];         /* "" when unsigned                   */
	char sig_subject[256];
	int64_t submitted_at, updated_at;
	int64_t due_at;              /* last second (JST) of the target_days-th
						business day after submission, 0: none */
	int64_t duplicate_of;        /* likely duplicate of, 0: none        */
	char return_note[APPLY_COMMENT_MAX + 1]; /* last message to the resident */
	char payment[APPLY_PAYMENT_LEN + 1]; /* the payment of a fee paid before
						submission (svc/payments), "" */
};

/* apply_registry_problem -- the first problem of a refused submission
 * that is about the registry (once only, checked by every submit path:
 * an answer taken from the resident register that no longer matches it,
 * codes "prefill_readonly" / "prefill_source", or a waived attachment
 * the submitter's own registry record does not prove, code "waiver"),
 * or NULL.  Pages answer such a refusal with its bilingual message
 * rather than sending the resident back to a page. */
const struct forms_error *apply_registry_problem(const struct forms_result *r);
/* apply_registry_message_id -- the catalog id (apply's descriptor) of
 * what to tell the submitter about such a refusal (pe from
 * apply_registry_problem): attach the document (a waiver not proven,
 * "apply.error.registry_waiver"), or start again (answers from the
 * register that no longer match it, "apply.error.registry_stale"). */
const char *apply_registry_message_id(const struct forms_error *pe);

/* How a submission is made (struct apply_draft_submit, struct
 * apply_answers_in; all zero: unsigned, no options):
 * - sig: the verified signature, or NULL;
 * - expect_sha256: when set, ERR_CONFLICT with res->stale = 1 unless the
 *   canonical form about to be stored hashes to it (the bytes the
 *   resident signed: a save of the draft after signing must not be
 *   stored under that signature);
 * - in_tx: run in the submission's own transaction once it is written
 *   (the caller's audit record), so that one commit makes both durable;
 *   its error fails the submission.  It may run on another thread's
 *   connection (the group commit's leader): it uses only s, sub and arg,
 *   and the caller waits meanwhile. */
struct apply_submit_opts {
	const struct apply_signature *sig;
	const char *expect_sha256;
	int (*in_tx)(struct store *s, const struct apply_submission *sub, void *arg,
		     struct err *e);
	void *in_tx_arg;
	/* the draft's sources were stated by an operator entering a paper
	 * form (`madoguchi submission submit`, who holds the database): they
	 * are recorded, not checked against the registry; read-only registry
	 * answers and waivers are checked all the same.  Never set from a
	 * request. */
	int operator_sources;
	/* staff entering an application at the counter (書かない窓口) for a
	 * resident they looked up in the register by its code: that
	 * person's record (registry_person_json_by_code), against which the
	 * answers and waivers claimed from the register are checked as they
	 * would be for the resident (a staff actor proves nothing without
	 * it).  Only with a STAFF actor; NULL otherwise. */
	const json_t *registry;
	/* staff entering an application at the counter take a fee paid
	 * before submission there and then (cash or the ward's terminal):
	 * the payment is created and marked paid by them (a counter receipt,
	 * audited by svc/payments as this actor) in the submission's
	 * transaction.  Only with a STAFF actor (ERR_INVALID otherwise)
	 * who holds PAY_PERM_STAFF (ERR_DENIED with fee_unpaid otherwise,
	 * whoever calls: page, API or CLI); NULL: the fee must have been
	 * paid (apply_fee_draft). */
	const struct apply_cashier *counter_fee;
};
/* What a submission gives back (apply_submit, apply_submit_answers). */
struct apply_submit_result {
	struct apply_submission sub; /* the stored submission when 0 is
					returned; zeroed otherwise          */
	struct forms_result check;   /* the answers' validation: with
					ERR_INVALID, the errors found (see
					apply_registry_problem)             */
	int stale;                   /* 1 with ERR_CONFLICT: the canonical
					form is not opts.expect_sha256      */
	int fee_unpaid;              /* 1 with ERR_CONFLICT: the procedure's
					fee is paid before submission and
					no paid payment covers it; 1 with
					ERR_DENIED: opts.counter_fee, but
					the member of staff may not take a
					fee (no PAY_PERM_STAFF)             */
	int64_t fee_yen;             /* with fee_unpaid: the fee not paid
					or not taken (yen)                  */
};
/* A draft to submit (apply_submit). */
struct apply_draft_submit {
	int64_t draft_id;            /* a draft of the actor's (ERR_NOTFOUND
					otherwise)                          */
	struct apply_submit_opts opts; /* zero: unsigned, no options       */
};

/*
 * apply_submit -- validate the draft's answers against its version
 * (forms_validate: any error gives ERR_INVALID with the result in
 * res->check so the caller can show the error summary), require a
 * signature when the procedure does (ERR_AUTH with "signature required"),
 * check the answers against the submitter's registry record when the
 * procedure takes answers or waivers from it (forms_prefill_check: a
 * waiver or a read-only answer the record does not prove is ERR_INVALID
 * with the problem in res->check; a resident without a record, staff and
 * the system prove nothing; with in->opts.operator_sources the sources
 * are recorded, not checked), check every file answer refers to an
 * upload of the actor, then in one transaction: number, insert the
 * submission and its first event, link its files, flag a likely
 * duplicate, delete the draft (and run in->opts.in_tx).  A draft that
 * corrects a returned submission resubmits it instead (same receipt,
 * revision + 1, state received).  res->sub gets the stored submission.
 */
int apply_submit(struct apply_submit_result *res, struct arena *a, struct store *s,
		 const struct apply_actor *who, const struct apply_draft_submit *in,
		 int64_t now, struct err *e);

/* apply_submit_answers -- a submission without a draft (automation, the
 * one-request API): the uploads (in->uploads: file field, name, bytes;
 * may be none) are checked by content as apply_file_put does and become
 * their fields' answers (their metadata is set into in->answers); the
 * answers are then validated against the latest published version of
 * in->procedure exactly as a draft's would be (a file answer may also
 * name an earlier upload of the actor), and the uploads' rows and the
 * submission are written in one group commit (the bytes made durable
 * before it).  An upload for a field that is not a file field, of a
 * refused type, or a second one for the same field is ERR_INVALID with
 * the error in res->check (codes unknown_field, type, duplicate); nothing
 * is stored then.  The same results and errors as apply_submit otherwise;
 * a procedure that requires a signature needs in->opts.sig. */
struct apply_upload {
	const char *field, *name;    /* the file field's id; the file name as
					sent (NULL: "file")                 */
	const void *data;
	size_t n;                    /* at most APPLY_FILE_MAX (ERR_LIMIT) */
};
/* A submission without a draft.  Nothing is taken over; answers is
 * changed (the uploads' metadata set into it) and the uploads' bytes are
 * read until the call returns. */
struct apply_answers_in {
	const char *procedure;       /* its id (1..FORMS_ID_MAX bytes): the
					latest published version is used   */
	json_t *answers;             /* an object (ERR_INVALID otherwise), at
					most APPLY_ANSWERS_MAX bytes as JSON */
	const json_t *sources;       /* field id -> "juki" / "staff" / ...:
					an object recorded with the
					submission (claims of "juki"
					checked), or NULL                   */
	const struct apply_upload *uploads; /* NULL when nuploads is 0     */
	int nuploads;                /* 0..APPLY_MAX_FILES (ERR_LIMIT)     */
	struct apply_submit_opts opts; /* zero: unsigned, no options       */
};
int apply_submit_answers(struct apply_submit_result *res, struct arena *a, struct store *s,
			 const struct apply_actor *who, const struct apply_answers_in *in,
			 int64_t now, struct err *e);

/* Which definition (apply_load_def). */
struct apply_def_ref {
	const char *tenant;          /* the municipality's code            */
	const char *procedure;       /* the procedure's id                 */
	int version;                 /* 0: the latest published            */
};
/* apply_load_def -- the definition ref names (ERR_NOTFOUND when absent);
 * *version (may be NULL) gets its number.  Versions are immutable, so the
 * parse is cached for the process (apply_util.c) and shared read-only:
 * use it rather than forms_load_version on a request's path (which
 * parses every time). */
int apply_load_def(const struct forms_def **d, int *version,
		   struct arena *a, struct store *s, const struct apply_def_ref *ref,
		   struct err *e);

/* apply_group_stats -- of the group commits (store_group_write, SQLite
 * only for applications) that carried this process's submissions,
 * uploads and draft saves, so far: those commits, the writes of
 * applications they carried, and the time their leaders spent writing and
 * committing (microseconds).  For /metrics. */
void apply_group_stats(int64_t *commits, int64_t *writes, int64_t *busy_us);

/* apply_files_collect -- on SQLite, remove the attachment files beside
 * the database that no apply_files row names any more (after
 * apply_drafts_purge) and that are over an hour old; *removed counts
 * them.  Nothing to do on PostgreSQL (the bytes are in the table). */
int apply_files_collect(int64_t *removed, struct store *s, int64_t now, struct err *e);

/* apply_backup_blob -- a store_progress.blob hook for store_backup (arg:
 * the store being backed up): the bytes of an attachment kept as a file
 * beside a SQLite database, so that the dump holds them (and restores
 * into either engine).  ERR_IO when a file is missing or damaged. */
struct store_rows;
int apply_backup_blob(void *arg, const char *table, struct store_rows *r, int col,
		      void **p, size_t *n, struct err *e);

/* The bytes a resident signs (apply_canonical, apply_bundle_canonical). */
struct apply_canonical_result {
	char *text;                  /* NUL-terminated, in the arena; NULL
					on error                            */
	size_t len;
	int64_t bad_draft;           /* apply_bundle_canonical: the draft
					that does not validate, else 0      */
	struct forms_result check;   /* with ERR_INVALID, the errors of the
					draft's answers                     */
};
/* apply_canonical -- the bytes a resident signs for this draft (the
 * canonical form of its normalised answers, forms_canonical), for the
 * signing step before apply_submit.  ERR_INVALID when the answers do not
 * validate (a missing signature is no error here). */
int apply_canonical(struct apply_canonical_result *res, struct arena *a, struct store *s,
		    const struct apply_actor *who, int64_t draft_id, int64_t now,
		    struct err *e);

/* apply_get / apply_get_by_receipt -- a submission the actor may see. */
int apply_get(struct apply_submission *out, struct arena *a, struct store *s,
	      const struct apply_actor *who, int64_t id, struct err *e);
int apply_get_by_receipt(struct apply_submission *out, struct arena *a,
			 struct store *s, const struct apply_actor *who,
			 const char *receipt, struct err *e);

/* apply_withdraw -- the resident withdraws their own submission (from
 * received, in_review or returned; ERR_CONFLICT otherwise). */
int apply_withdraw(struct store *s, const struct apply_actor *who,
		   int64_t id, int64_t now, struct err *e);

/* apply_correct -- start a correction draft of a returned submission
 * (answers copied); *draft_id gets it.  ERR_CONFLICT unless returned. */
int apply_correct(int64_t *draft_id, struct store *s,
		  const struct apply_actor *who, int64_t id, int64_t now,
		  struct err *e);

/* ------------------------------------------------------------------ */
/* Reading answers (view.c): masking and what to audit, for every path. */

/* APPLY_REVEAL_NO: masked; ASKED: the reader asked for the clear
 * 個人番号 (ERR_DENIED without personal.read); IF_ALLOWED: clear when
 * the reader holds personal.read (the JSON API), masked otherwise. */
enum apply_reveal { APPLY_REVEAL_NO = 0, APPLY_REVEAL_ASKED, APPLY_REVEAL_IF_ALLOWED };
struct apply_view {
	json_t *answers;             /* to show: the stored answers, or a
					masked copy (arena); NULL for none  */
	int has_my_number;           /* the answers hold a 個人番号          */
	int revealed;                /* ... and it is in clear               */
	int may_reveal;              /* the reader could ask for it          */
	int audit_read;              /* the caller must audit the read
					(action read, object "submission")   */
	int audit_reveal;            /* and the clear 個人番号
					("submission.my_number")             */
};
/* apply_view -- the answers of a submission (of definition d) as `who`
 * may see them: every my_number answer (top level and inside group
 * items) masked "********1234" unless who is staff with personal_read
 * and reveal asks for it; which reads the caller audits: any by staff or
 * the system, never a resident's read of their own.  The one rule for
 * the staff pages, the CSV export, the API, the resident's pages and
 * receipt PDF. */
int apply_view(struct apply_view *out, struct arena *a, const struct apply_actor *who,
	       const struct forms_def *d, const json_t *answers,
	       enum apply_reveal reveal, struct err *e);
/* apply_read_audited -- 1 when a read of personal data by who (a
 * submission, an attachment) must be audited: staff and the system. */
int apply_read_audited(const struct apply_actor *who);

/* ------------------------------------------------------------------ */
/* Staff workflow (workflow.c).                                        */

/* What a transition did, for the caller's audit record and the
 * resident's notification. */
struct apply_event {
	int64_t submission_id;
	char receipt[APPLY_RECEIPT_LEN + 1];
	char from[APPLY_STATE_MAX + 1], to[APPLY_STATE_MAX + 1];
	int64_t resident_id;         /* whom to notify, 0: nobody          */
};

/* The states of a submission, defined once (workflow.c, in the order
 * above) with the names staff see; residents see the catalog's
 * "apply.st.<id>" texts (test_apply checks that each state has one, and
 * that a definition's default staff_states, src/core/forms, are these). */
struct apply_state {
	const char *id;
	const char *ja, *en;         /* the staff's name of the state        */
	int final;                   /* nothing follows it                   */
};
extern const struct apply_state apply_states[];
extern const int apply_nstates;
/* apply_state_find -- the state called id, or NULL */
const struct apply_state *apply_state_find(const char *id);
/* apply_next_states -- the states staff may move a submission in state
 * `from` to (the transition table above, in its order), at most max;
 * returns how many */
int apply_next_states(const char **out, int max, const char *from);
#define APPLY_STATES_NEXT_MAX 8      /* more than any state has          */

/* A move of a submission by staff (apply_transition).  The strings are
 * copied where they are stored. */
struct apply_move {
	int64_t id;                  /* the submission: one the actor sees
					(ERR_NOTFOUND otherwise)            */
	const char *expect_from;     /* the state the caller saw, or NULL
					(or ""): no check                   */
	const char *to;              /* the state to move to (1..
					APPLY_STATE_MAX bytes)              */
	const char *note;            /* the message to the resident, or
					NULL: at most APPLY_COMMENT_MAX bytes
					(ERR_LIMIT) of UTF-8 text           */
};
/* apply_transition -- staff move the submission in->id to in->to (table
 * above; ERR_CONFLICT for a transition the table or the procedure's
 * staff_states do not allow, or when in->expect_from is given and the
 * state has changed meanwhile).  in->note is required for returned and
 * rejected (ERR_INVALID without).  *ev says what was done. */
int apply_transition(struct apply_event *ev, struct store *s,
		     const struct apply_actor *who, const struct apply_move *in,
		     int64_t now, struct err *e);
/* apply_assign -- set the assignee (0: none); the assignee must be staff
 * of the tenant (ERR_NOTFOUND) who can see the submission in their inbox
 * (applications.read and dept.<its department> or dept.all; ERR_DENIED
 * otherwise). */
int apply_assign(struct store *s, const struct apply_actor *who, int64_t id,
		 int64_t staff_id, int64_t now, struct err *e);
/* apply_comment -- an internal comment, never shown to the resident. */
int apply_comment(struct store *s, const struct apply_actor *who, int64_t id,
		  const char *text, int64_t now, struct err *e);

/* The history of a submission: transitions, assignments, comments. */
struct apply_history_item {
	int64_t at;
	enum apply_actor_kind actor_kind;
	int64_t actor_id;
	char kind[16];               /* "submitted", "transition", "assign", "comment", "resubmitted", "withdrawn" */
	char from[APPLY_STATE_MAX + 1], to[APPLY_STATE_MAX + 1];
	char *text;                  /* comment or note (arena), may be NULL */
	int internal;                /* 1: staff only                      */
};
/* ---- fees (fee.c, through svc/payments) ---- */

struct payment;
/* apply_fee_create -- the payment of sub's fee (a procedure whose fee is
 * paid after review; approving asks for it): the same one again for the
 * same receipt and fee.  out may be NULL. */
int apply_fee_create(struct payment *out, struct store *s, const struct apply_actor *who,
		     const struct apply_submission *sub, const struct forms_def *d, int64_t now,
		     struct err *e);
/* apply_fee_payment -- that payment, when it has been asked for, or the
 * payment a fee paid before submission was paid by (sub->payment);
 * ERR_NOTFOUND when the procedure's fee is not paid this way or not yet */
int apply_fee_payment(struct payment *out, struct store *s, const char *tenant,
		      const struct apply_submission *sub, const struct forms_def *d, struct err *e);

/* A fee paid before submission (fee.timing "before_submit"): what a
 * draft needs paid before apply_submit accepts it (apply_fee_draft). */
struct apply_fee_due {
	int64_t amount_yen;          /* to pay: the procedure's fee, or for a
					draft of a bundle the sum of the
					bundle's open drafts' fees; 0: none */
	int64_t bundle_id;           /* the payment is the bundle's, 0: the
					draft's own                          */
	int have;                    /* a payment has been asked for (*pay) */
	int paid;                    /* ... and it is paid: submit may go on */
	char number[APPLY_PAYMENT_LEN + 1]; /* when have: its number          */
	char state[16];              /* when have: its state ("created",
					"pending", "paid", ...: svc/payments'
					payments_state_name)                */
};
/* apply_fee_draft -- the fee the actor's draft needs paid before it is
 * submitted, and its payment (svc/payments) in *pay (may be NULL) when
 * one was asked for; with create, asked for now if not yet (idempotent: key
 * "draft:<draft id>:<fee>", or for a bundle "bundle:<bundle id>:<sum>",
 * the bundle's payment recorded on the bundle; reference "draft-<id>" /
 * "bundle-<id>", no personal data; return URL the draft's confirmation
 * page).  A bundle's payment is one for the sum of its drafts' fees; a
 * bundle that shrank after it was paid stays paid (nothing is paid
 * twice); an unpaid payment of another sum is withdrawn and a new one
 * asked for.  ERR_NOTFOUND for a draft that is not the actor's. */
int apply_fee_draft(struct apply_fee_due *out, struct payment *pay, struct store *s,
		    const struct apply_actor *who, int64_t draft_id, int create, int64_t now,
		    struct err *e);

/* apply_history -- oldest first; a resident sees only the non-internal
 * items of their own submission. */
int apply_history(struct apply_history_item **out, int *n, struct arena *a,
		  struct store *s, const struct apply_actor *who, int64_t id,
		  struct err *e);

/* ------------------------------------------------------------------ */
/* Lists (inbox.c).                                                    */

struct apply_filter {
	const char *department;      /* NULL: every department the actor sees */
	const char *procedure;       /* NULL: all                          */
	const char *status;          /* NULL: all                          */
	int64_t from, to;            /* submitted_at range, 0: open        */
	int64_t assignee;            /* -1: any, 0: unassigned, else staff id */
	int overdue;                 /* 1: due_at < now and not final      */
	int duplicates;              /* 1: only likely duplicates          */
	int64_t now;
	int limit;                   /* at most APPLY_PAGE_MAX             */
	int64_t after_id;            /* keyset paging: ids below this one  */
};

/* apply_list -- submissions the actor may see (a resident: their own;
 * staff: their departments), newest first, at most filter->limit.
 * Answers are not loaded (answers == NULL) to keep lists cheap. */
int apply_list(struct apply_submission **out, int *n, struct arena *a,
	       struct store *s, const struct apply_actor *who,
	       const struct apply_filter *f, struct err *e);

/* --- inbox: applications that reach nobody (issue 14) --- */
/* apply_unrouted -- the departments of tenant whose open submissions (not
 * rejected, completed or withdrawn) no active member of staff can read
 * (src/svc/dept: dept_readers == 0), their codes into depts (at most max,
 * APPLY_DEPT_MAX + 1 bytes each); *open = those submissions' count.
 * Returns the number of such departments or < 0.  List the submissions
 * with apply_list and an APPLY_STAFF actor whose depts are these (they
 * hold no answers).  Limit: the first APPLY_UNROUTED_SCAN departments
 * with open submissions. */
#define APPLY_UNROUTED_SCAN 200
int apply_unrouted(char (*depts)[APPLY_DEPT_MAX + 1], int max, int64_t *open,
		   struct store *s, const char *tenant, struct err *e);

/* apply_count -- per-state counts for the filter (for inbox tabs). */
struct apply_count { char status[APPLY_STATE_MAX + 1]; int64_t n; };
int apply_counts(struct apply_count **out, int *n, struct arena *a,
		 struct store *s, const struct apply_actor *who,
		 const struct apply_filter *f, struct err *e);

/* ------------------------------------------------------------------ */
/* Life-event bundles (bundle.c).                                      */

/* A life-event interview's outcome to record (apply_bundle_create).
 * Nothing is taken over: the caller keeps its strings and JSON. */
struct apply_bundle_new {
	const char *event;           /* "move_in", "birth", "death", ...:
					[a-z][a-z0-9_]*, at most 64 bytes   */
	const char *const *procedures; /* the procedure ids chosen, each
					once, in the order they are shown
					and submitted                       */
	int nprocedures;             /* 1..32                              */
	const json_t *shared;        /* the interview's answers (an object,
					or NULL): each draft gets those of
					its own top-level fields            */
	const json_t *sources;       /* field id -> source of a shared
					answer ("juki" ...), or NULL        */
};
/* apply_bundle_create -- record an interview for a life event: the
 * procedures chosen (each published and listing the event: ERR_INVALID
 * otherwise; ERR_LIMIT past 32) get one draft each, sharing the answers
 * in in->shared (field ids common to several procedures get the same
 * value; a "juki" source only where the procedure's own field takes the
 * registry).  *bundle_id gets the bundle; the drafts list the bundle. */
int apply_bundle_create(int64_t *bundle_id, struct store *s,
			const struct apply_actor *who,
			const struct apply_bundle_new *in, int64_t now,
			struct err *e);
/* apply_bundle_canonical -- what a resident signs for a whole bundle
 * (one signature, one PIN entry, for every application in it): the
 * RFC 8785 form of
 *   {"applications":[{"procedure","sha256","version"}, ...],
 *    "bundle":ID,"event":E,"format":"madoguchi-bundle/1","tenant":CODE}
 * in the bundle's order, each sha256 that of the application's own
 * canonical form (forms_canonical), in res->text.  A draft that does not
 * validate: ERR_INVALID, its id in res->bad_draft and its errors in
 * res->check (a missing signature is no error here). */
int apply_bundle_canonical(struct apply_canonical_result *res, struct arena *a,
			   struct store *s, const struct apply_actor *who, int64_t bundle_id,
			   int64_t now, struct err *e);
/* a bundle's signature: verified by the caller over the bytes whose
 * SHA-256 is manifest_sha256 */
struct apply_bundle_sig {
	const struct apply_signature *sig; /* NULL: unsigned               */
	const char *manifest_sha256;
};
/* A bundle to submit (apply_bundle_submit). */
struct apply_bundle_submit_in {
	int64_t bundle_id;           /* a bundle of the actor's with drafts
					left (ERR_NOTFOUND otherwise)       */
	struct apply_bundle_sig signature; /* zero: unsigned               */
};
/* What apply_bundle_submit gives back. */
struct apply_bundle_result {
	struct apply_submission *subs; /* when 0 is returned: the
					submissions in procedure order
					(arena); NULL otherwise             */
	int n;
	int64_t bad_draft;           /* the draft that failed validation (or
					needs a signature), else 0          */
	int stale;                   /* 1 with ERR_CONFLICT: the drafts
					changed after signing               */
	int fee_unpaid;              /* 1 with ERR_CONFLICT: the bundle's
					fees (before submission) are not
					paid (apply_fee_draft)              */
	struct forms_result check;   /* bad_draft's errors                 */
};
/* apply_bundle_submit -- submit every draft of the bundle in one
 * transaction (all or none: the first invalid draft's errors are in
 * res->check and its id in res->bad_draft).  res->subs gets the
 * submissions in procedure order.  Without in->signature.sig, a draft
 * whose procedure requires a signature gives ERR_AUTH with its id in
 * res->bad_draft.  With it, the manifest of the drafts as they are now
 * (apply_bundle_canonical) must have in->signature.manifest_sha256 (else
 * ERR_CONFLICT and res->stale), and every submission records the
 * signature with the manifest (sig_data). */
int apply_bundle_submit(struct apply_bundle_result *res, struct arena *a, struct store *s,
			const struct apply_actor *who, const struct apply_bundle_submit_in *in,
			int64_t now, struct err *e);

/* --- signing requests handed to a signing app (signreq.c) --- */

/* The resident's browser asks for a request; its token goes, as a link
 * and a QR code, to the signing app (docs/signatures.md §5), which reads
 * the bytes to sign with it and returns the detached CMS.  The browser
 * then submits with the signature the request holds (verified again). */
#define APPLY_SIGNREQ_TOKEN_LEN 64      /* hex of 32 random bytes          */
#define APPLY_SIGNREQ_TTL (15 * 60)     /* seconds a request can be signed */
#define APPLY_SIGNREQ_MAX_OPEN 10       /* unexpired requests per owner    */
#define APPLY_SIGNREQ_CMS_MAX (64 * 1024)
enum apply_signreq_kind { APPLY_SIGNREQ_DRAFT = 1, APPLY_SIGNREQ_BUNDLE = 2 };
struct apply_signreq_new {
	enum apply_signreq_kind kind;
	int64_t target;                  /* the draft or bundle id          */
	const char *sha256;              /* of the bytes to sign, now       */
};
struct apply_signreq {
	int64_t id;
	int owner_kind;                  /* 1 resident, 2 counter staff     */
	int64_t owner_id;
	enum apply_signreq_kind kind;
	int64_t target;
	char sha256[65];
	int64_t expires_at, signed_at;   /* signed_at 0: not signed yet     */
	const void *cms;                 /* arena; NULL until signed        */
	size_t cms_len;
	const char *subject;             /* the signer (arena); "" unsigned */
};
/* what the signing app returned, verified by the caller */
struct apply_signreq_signature {
	const void *cms;
	size_t cms_len;
	const char *subject;             /* the signer, for the page        */
};
/* apply_signreq_create -- a new request of the actor's for one of their
 * drafts or bundles; token gets its secret (hex, NUL-terminated), which
 * is stored only hashed.  ERR_LIMIT past APPLY_SIGNREQ_MAX_OPEN. */
int apply_signreq_create(char token[APPLY_SIGNREQ_TOKEN_LEN + 1], struct store *s,
			 const struct apply_actor *who, const struct apply_signreq_new *in,
			 int64_t now, struct err *e);
/* apply_signreq_by_token -- the unexpired request of this tenant with
 * this token (ERR_NOTFOUND otherwise: unknown and expired look alike). */
int apply_signreq_by_token(struct apply_signreq *out, struct arena *a, struct store *s,
			   const char *tenant, const char *token, int64_t now, struct err *e);
/* apply_signreq_sign -- record the signature; once per request, before
 * it expires (ERR_CONFLICT otherwise). */
int apply_signreq_sign(struct store *s, const char *tenant, const char *token,
		       const struct apply_signreq_signature *sig, int64_t now, struct err *e);
/* apply_signreq_latest -- the actor's newest request for this draft or
 * bundle, signed or not (ERR_NOTFOUND when none). */
int apply_signreq_latest(struct apply_signreq *out, struct arena *a, struct store *s,
			 const struct apply_actor *who, enum apply_signreq_kind kind,
			 int64_t target, struct err *e);
/* apply_signreq_valid -- the actor's newest request for this draft or
 * bundle when it is signed and over the bytes as they are now
 * (apply_canonical / apply_bundle_canonical); ERR_NOTFOUND otherwise
 * (none, not signed yet, or the answers changed after signing). */
int apply_signreq_valid(struct apply_signreq *out, struct arena *a, struct store *s,
			const struct apply_actor *who, enum apply_signreq_kind kind,
			int64_t target, int64_t now, struct err *e);
/* apply_signreq_forget -- drop the actor's requests for a draft or bundle
 * (after it is submitted, or when the resident starts again). */
int apply_signreq_forget(struct store *s, const struct apply_actor *who,
			 enum apply_signreq_kind kind, int64_t target, struct err *e);

/* --- receipt PDF (receipt_pdf.c, resident pages) --- */

/* One line of the answers summary on the receipt, already formatted by
 * the caller (a 個人番号 masked: "********1234"); depth > 0 for the
 * fields of a group item. */
struct apply_receipt_line {
	const char *label, *value;
	int depth;
};
struct apply_receipt_doc {
	const char *municipality_ja, *municipality_en;
	const char *title_ja, *title_en;        /* the procedure's title   */
	const struct apply_submission *sub;     /* receipt, dates, revision */
	const struct apply_receipt_line *lines;
	int nlines;
	int64_t fee_yen;                        /* the fee paid before submission
						   (sub->payment set), yen   */
};
/* apply_receipt_pdf -- the resident's receipt (受付票) as an A4 PDF:
 * municipality, receipt number, procedure title, submission date in 和暦
 * and 西暦 (JST), revision, status and the answers summary, in Japanese
 * with English headings (the PDF writer, pdf/pdf.h).  *pdf is malloc'd
 * (caller frees).  ERR_INVALID without a submission; the writer's limits
 * (ERR_LIMIT past PDF_MAX_BYTES or PDF_MAX_PAGES).  The same input gives
 * the same bytes. */
int apply_receipt_pdf(char **pdf, size_t *len, const struct apply_receipt_doc *doc,
		      struct err *e);

#endif
