/*
 * apply_int.h -- helpers shared by the files of src/svc/apply/ (not public).
 *
 * Invariants: nothing here puts an answer, a name or a file name into an
 * error detail; ownership helpers answer "not visible" for anything the
 * actor may not see, and callers turn that into ERR_NOTFOUND.
 */
#ifndef MADOGUCHI_APPLY_INT_H
#define MADOGUCHI_APPLY_INT_H

#include "svc/apply/apply.h"
#include "jp/date.h"

/* Owner kinds stored with drafts, files and bundles. */
#define APPLY_OWNER_RESIDENT 1
#define APPLY_OWNER_STAFF 2

/* At most this many departments in one actor's list (they become SQL
 * parameters; a ward has some 30-40 departments). */
#define APPLY_DEPTS_MAX 48

/* Likely duplicates are looked for this far back. */
#define APPLY_DUP_WINDOW (30 * 86400)

#define APPLY_JST JP_JST_OFFSET_S

/* apply_actor_check -- a usable actor: a tenant code of 6 digits, a kind,
 * an id > 0 for residents and staff, depts within APPLY_DEPTS_MAX.
 * ERR_INVALID otherwise (ERR_LIMIT for too many departments). */
int apply_actor_check(const struct apply_actor *who, struct err *e);
/* apply_owner -- the (kind, id) stored as owner of what the actor makes;
 * ERR_DENIED for the system actor. */
int apply_owner(int *kind, int64_t *id, const struct apply_actor *who,
		struct err *e);
/* apply_dept_visible -- 1 when staff may see department dept (residents
 * and the system: 1; residents are scoped by ownership instead). */
int apply_dept_visible(const struct apply_actor *who, const char *dept);
/* A query being built: its text and its parameters ($1 .. $n). */
struct apply_sql {
	char *text;                  /* NUL-terminated, appended to        */
	size_t cap;                  /* bytes of text                      */
	struct store_val *v;         /* the parameters                     */
	int n;                       /* how many are in v so far           */
	int max;                     /* how many v may hold                */
};
/* apply_sql_scope -- append to q->text " AND <dept_col> IN ($k, ...)" for
 * a staff actor with a department list (nothing for ndepts -1), " AND 1 =
 * 0" for an empty list, and for a resident " AND resident_col = $k";
 * pushes the values into q->v (q->n updated).  ERR_LIMIT when the text
 * or the parameters (q->max) are full. */
int apply_sql_scope(struct apply_sql *q, const struct apply_actor *who,
		    const char *dept_col, const char *resident_col, struct err *e);

/* apply_today -- the calendar date in Japan at now. */
struct jp_date apply_today(int64_t now);
/* apply_due_at -- the end (23:59:59 JST) of the target_days-th business
 * day (src/jp: Monday to Friday, not a holiday, not 12/29-1/3) after the
 * day of now in Japan; calendar days outside the holiday table's range;
 * 0 for target_days <= 0. */
int64_t apply_due_at(int64_t now, int64_t target_days);

/* Own-or-joined transactions: when the caller has one open, join it. */
int apply_tx_begin(int *own, struct store *s, struct err *e);
/* apply_tx_end -- commit (rc == 0) or roll back an own transaction;
 * returns rc or the commit's error. */
int apply_tx_end(int own, int rc, struct store *s, struct err *e);

/* apply_json_keep -- hand j to the arena (json_decref at arena_free);
 * returns j, or NULL (j released) when the arena cannot register it. */
json_t *apply_json_keep(struct arena *a, json_t *j);
/* apply_json_parse -- parse text (n bytes) into the arena; ERR_INVALID
 * for bad JSON (the detail gives no content). */
int apply_json_parse(json_t **out, struct arena *a, const void *text,
		     size_t n, struct err *e);
/* apply_json_text -- compact JSON of j, malloc'd; ERR_LIMIT past max. */
int apply_json_text(char **out, const json_t *j, size_t max, struct err *e);


/* The draft row as stored, with its owner. */
struct apply_draft_row {
	struct apply_draft d;
	int owner_kind;
	int64_t owner_id;
};
/* apply_draft_load -- the actor's own draft (ERR_NOTFOUND otherwise). */
int apply_draft_load(struct apply_draft_row *out, struct arena *a,
		     struct store *s, const struct apply_actor *who,
		     int64_t id, struct err *e);
/* A draft to insert (apply_draft_insert).  Nothing is taken over: the
 * JSON is serialised into the row. */
struct apply_draft_new {
	const char *procedure;       /* its id, not checked here           */
	int version;                 /* the version the draft keeps        */
	const json_t *answers;       /* NULL: {}; at most APPLY_ANSWERS_MAX
					bytes as JSON text (ERR_LIMIT)      */
	const json_t *sources;       /* field id -> source; NULL: none;
					the same limit                      */
	int64_t bundle_id;           /* 0: not part of a bundle            */
	int64_t submission_id;       /* the returned submission this draft
					corrects, 0: a new application      */
};
/* apply_draft_insert -- a new draft owned by who, in the caller's
 * transaction; *id gets it.  ERR_LIMIT past APPLY_MAX_DRAFTS open
 * drafts of the owner. */
int apply_draft_insert(int64_t *id, struct store *s,
		       const struct apply_actor *who,
		       const struct apply_draft_new *in, int64_t now,
		       struct err *e);

/* Submissions: the columns every loader selects, in this order. */
#define APPLY_SUB_COLS \
	"id, receipt, procedure, version, department, status, revision," \
	" resident_id, assignee, bundle_id, sha256, sig_serial, sig_subject," \
	" submitted_at, updated_at, due_at, duplicate_of, return_note, sources, payment"
#define APPLY_SUB_NCOLS 20
/* apply_sub_row -- fill out from a row of APPLY_SUB_COLS (then, when
 * with_canonical, the canonical text at column APPLY_SUB_NCOLS). */
int apply_sub_row(struct apply_submission *out, struct arena *a,
		  struct store_rows *r, int with_canonical, struct err *e);
/* How apply_sub_load reads a submission. */
struct apply_sub_how {
	int with_answers;            /* answers (and the canonical text)
					loaded; else out->answers is NULL    */
	int for_update;              /* the row locked on PostgreSQL (inside
					a transaction)                      */
};
/* apply_sub_load -- a submission the actor may see, by id; ERR_NOTFOUND
 * otherwise. */
int apply_sub_load(struct apply_submission *out, struct arena *a,
		   struct store *s, const struct apply_actor *who, int64_t id,
		   const struct apply_sub_how *how, struct err *e);

/* A submission prepared outside the transaction (validated, canonical
 * form computed, files found), then written inside it. */
struct apply_prep {
	struct apply_draft_row draft;
	const struct forms_def *def;
	char *canonical;             /* arena                               */
	size_t clen;
	char sha256[65];
	char identity[65];           /* "" when the procedure names nobody  */
	int64_t *file_ids;           /* arena                               */
	int nfiles;
	const struct apply_signature *sig;
	json_t *answers;             /* normalised (arena)                  */
	char receipt[APPLY_RECEIPT_LEN + 1]; /* taken before the transaction
					      (PostgreSQL), else ""          */
	/* uploads that arrive with the submission (apply_submit_answers):
	 * their rows are inserted in the submission's own write; a file_ids
	 * entry -(i + 1) stands for pending[i] until then */
	const struct apply_pending_file *pending;
	int npending;
	int operator_sources;        /* apply_submit_opts.operator_sources  */
	const json_t *registry;      /* apply_submit_opts.registry (staff)  */
	/* the fee paid before submission (fee.c): the paid payment's number
	 * recorded with the submission, or "" (no such fee, a correction) */
	char payment[APPLY_PAYMENT_LEN + 1];
	int64_t fee_yen;             /* that fee, when it is due (counter)  */
	struct forms_result check;   /* the answers' validation (answers is
					check.answers); with ERR_INVALID,
					the errors                          */
};
struct apply_pending_file {
	const char *sha256, *type, *name;
	const void *data;
	size_t n;
};
/* apply_fee_check -- before the transaction of a submission prepared in
 * p (apply_prepare): a procedure whose fee is paid before submission
 * needs a paid payment: the draft's own (key "draft:<id>:<fee>") or its
 * bundle's (apply_bundles.payment, covering at least bundle_sum yen; 0:
 * any amount, one draft of it submitted alone).  Its number goes to
 * p->payment.  With counter (staff at the counter taking the fee,
 * apply_submit_opts.counter_fee) nothing needs to be paid yet: p->fee_yen
 * is set and apply_fee_take takes it in the transaction, when who is
 * staff holding PAY_PERM_STAFF (svc/payments' permission to mark a
 * payment paid at the counter, read live; ERR_DENIED with *unpaid = 1
 * otherwise).  A correction (resubmission) was paid with the submission
 * it corrects.  Refused: ERR_CONFLICT with *unpaid = 1, *due (NULL: not
 * asked) the fee not paid. */
int apply_fee_check(struct apply_prep *p, int *unpaid, int64_t *due, struct store *s,
		    const struct apply_actor *who, const struct apply_cashier *counter,
		    int64_t bundle_sum, struct err *e);
/* apply_fee_take -- in the submission's transaction, the fee sub needs
 * (p->fee_yen) taken at the counter by staff: a payment created for it
 * (key "counter:<receipt>:<fee>") and a counter receipt applied to it
 * (audited by svc/payments), its number recorded with the submission
 * (sub->payment). */
int apply_fee_take(struct apply_submission *sub, struct store *s, const struct apply_actor *who,
		   const struct apply_prep *p, const struct apply_cashier *counter, int64_t now,
		   struct err *e);
/* apply_fee_before -- the fee def makes due before submission (0: none) */
int64_t apply_fee_before(const struct forms_def *d);

/* apply_limits_check -- would storing the n files f (sha256, n used)
 * keep who within who->limits (struct apply_limits)?  Files the owner
 * holds already cost nothing.  ERR_LIMIT with APPLY_RATE_DETAIL or
 * APPLY_QUOTA_DETAIL (apply_limit_hit) otherwise.  Called before any
 * byte is written and again inside the write transaction. */
int apply_limits_check(struct store *s, const struct apply_actor *who,
		       const struct apply_pending_file *f, int n, int64_t now,
		       struct err *e);
#define APPLY_QUOTA_DETAIL "apply: attachment quota"
#define APPLY_RATE_DETAIL "apply: upload rate"

/* What apply_prepare prepares: a draft of the actor's, and how it is to
 * be submitted. */
struct apply_prep_in {
	int64_t draft_id;
	const struct apply_signature *sig; /* verified by the caller, kept
					   in p->sig (must outlive p); NULL:
					   unsigned (ERR_AUTH when the
					   procedure requires a signature) */
	int operator_sources;        /* apply_submit_opts.operator_sources:
					the draft's sources are recorded, not
					checked against the registry        */
};
/* apply_prepare -- load and validate the draft (ERR_INVALID with
 * p->check filled when it does not validate), the registry check
 * included (sources not checked with in->operator_sources). */
int apply_prepare(struct apply_prep *p, struct arena *a, struct store *s,
		  const struct apply_actor *who, const struct apply_prep_in *in,
		  int64_t now, struct err *e);
/* apply_write -- inside the caller's transaction: number, insert (or
 * resubmit), events, file links, duplicate flag, delete the draft; out
 * gets the stored submission (without re-reading). */
int apply_write(struct apply_submission *out, struct arena *a,
		struct store *s, const struct apply_actor *who,
		const struct apply_prep *p, int64_t now, struct err *e);

/* apply_receipt_next -- the next receipt number of the tenant for the
 * year (JST) of now, inside the caller's transaction. */
int apply_receipt_next(char out[APPLY_RECEIPT_LEN + 1], struct store *s,
		       const char *tenant, int64_t now, struct err *e);
/* apply_receipt_take -- the same in a transaction of its own (PostgreSQL:
 * called before the submission's transaction; see receipt.c). */
int apply_receipt_take(char out[APPLY_RECEIPT_LEN + 1], struct store *s,
		       const char *tenant, int64_t now, struct err *e);
/* apply_receipt_digit -- the check digit of the 17 digits d (Luhn). */
int apply_receipt_digit(const char *digits17);

/* A row of a submission's history (apply_events), as apply_history
 * reads it back (struct apply_history_item).  The strings are the
 * caller's, copied into the row. */
struct apply_event_new {
	int64_t submission_id;
	const char *kind;            /* "submitted", "resubmitted", "transition",
					"assign", "comment", "withdrawn" (at most
					15 bytes: apply_history_item.kind)  */
	const char *from, *to;       /* states; NULL is ""                 */
	const char *text;            /* the note or comment (the assignee's
					id for "assign"); NULL or "": none  */
	int internal;                /* 1: staff only, never shown to the
					resident                            */
};
/* apply_event_add -- append a history row of who's tenant, acted by who,
 * at now, in the caller's transaction. */
int apply_event_add(struct store *s, const struct apply_actor *who,
		    const struct apply_event_new *in, int64_t now, struct err *e);

/* apply_file_row (files.c) -- insert an upload's row, or touch it when
 * the owner has these bytes already: v = tenant, owner_kind, owner_id,
 * sha256, type, size, name, data (empty when in a file), now. */
int apply_file_row(struct store *s, const struct store_val v[9], struct err *e);

/* ---- blobs.c: attachment bytes as files beside a SQLite database ---- */
#define APPLY_BLOB_PATH_MAX 4200
/* apply_blob_dir -- 1 and the directory (<database>.files) when s keeps
 * attachment bytes in files (SQLite on a file), else 0 (in the table). */
int apply_blob_dir(char *out, size_t cap, const struct store *s);
/* apply_blob_exists -- 1 when the file of sha is there with n bytes. */
int apply_blob_exists(const char *dir, const char *sha, size_t n);
/* apply_blob_write -- make the file of sha durable (nothing to do when it
 * exists): temporary file, fdatasync, rename, fsync of the directory. */
int apply_blob_write(const char *dir, const char *sha, const void *p, size_t n,
		     struct err *e);
/* apply_blob_read -- the n bytes of sha into the arena, checked against
 * the hash (ERR_IO when missing or damaged: callers tell staff plainly,
 * app_file_unreadable). */
int apply_blob_read(const void **out, struct arena *a, const char *dir, const char *sha,
		    size_t n, struct err *e);

/* apply_state_final -- rejected, completed, withdrawn. */
int apply_state_final(const char *st);

/* the group commits (store_group_write) that carried the writes of
 * online applications: submissions, uploads, draft saves (apply_util.c) */
extern struct store_group_counts apply_group_counts;

#endif
