/*
 * payments.h -- the public header of the payments service (手数料の支払い,
 * src/svc/payments): one fee step every service calls, the methods that
 * pay it, the result files that mark it paid, the daily statement and
 * refunds.
 *
 * A payment is created by a service (payments_create) with an amount in
 * yen, a reference without personal data, a description and the local
 * path the payer returns to; the caller's key makes creating it
 * idempotent (the same key gives the same payment back, never a second
 * one).  Its states:
 *
 *   created --choose--> pending --paid--> paid --refund approved--> refunded
 *      |                   |  \--failed--> failed (card: may choose again)
 *      \-------------------+--due day passed--> expired
 *
 * A payment is identified to people by its number: PAY_NUMBER_LEN digits,
 * random, the last a Luhn check digit; it is the Pay-easy お客様番号 and
 * sits in the コンビニ barcode's free field, and the URLs use it.
 *
 * Methods: card (through a payment service provider, card.c), Pay-easy
 * (収納機関番号, お客様番号, 確認番号), コンビニ収納 (a slip with the GS1-128
 * barcode: AI 91, 44 digits, GS1 modulus-10 check digit; at most
 * PAY_KONBINI_MAX yen a slip), and the counter (staff mark it paid).
 *
 * Every change of state is written with its audit record in the same
 * transaction (action "payments.<what>", object "payment" and the
 * number), and into the payment's history (payment_events): the domain
 * keeps this invariant, whichever way the change comes in (page, CLI,
 * webhook, file import, job).
 *
 * Money received is a receipt (payment_receipts): one per line of an
 * imported result file, per provider notice, per counter payment; a
 * receipt either applies to its payment (which becomes paid) or is a
 * difference: duplicate (its payment was paid already), unknown (no
 * payment has that number or barcode), amount (the amount differs).
 * Result files come twice, as in Japanese practice: the notice (速報)
 * marks payments paid at once, the settlement (確報, final) confirms
 * them; the daily statement lists what the ward recorded paid that no
 * settlement confirms (missing) beside the differences.
 *
 * Limits: PAY_*_MAX below; every text is checked before it is stored.
 * Errors: ERR_INVALID (a bad field, with its name), ERR_NOTFOUND,
 * ERR_CONFLICT (a key reused with other values; a change the state does
 * not allow), ERR_LIMIT, ERR_DB.
 */
#ifndef MADOGUCHI_SVC_PAYMENTS_H
#define MADOGUCHI_SVC_PAYMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct store;
struct store_module_schema;
struct audit_config;

#define PAY_NUMBER_LEN 14          /* 13 random digits + Luhn             */
#define PAY_AMOUNT_MAX 999999      /* yen: the barcode's 6 digits         */
#define PAY_KONBINI_MAX 300000     /* yen a コンビニ slip (the agents' rule) */
#define PAY_SERVICE_MAX 32         /* [a-z0-9_] */
#define PAY_KEY_MAX 100            /* [A-Za-z0-9._:-] */
#define PAY_REFERENCE_MAX 64       /* printable ASCII, no personal data   */
#define PAY_DESCRIPTION_MAX 200    /* characters (UTF-8)                  */
#define PAY_URL_MAX 300            /* a local path                        */
#define PAY_REASON_MAX 400         /* characters of a refund's reason     */
#define PAY_VIA_MAX 100            /* characters: store, bank, staff      */
#define PAY_PROVIDER_REF_MAX 64
#define PAY_DUE_DAYS_DEFAULT 14    /* days from creation to the due day   */
#define PAY_DUE_DAYS_MAX 365
#define PAY_BARCODE_LEN 44
#define PAY_PAYEASY_BILLER_LEN 5   /* 収納機関番号                         */
#define PAY_PAYEASY_CONFIRM_LEN 4  /* 確認番号                             */
#define PAY_KONBINI_BILLER_LEN 6   /* 請求書発行企業コード                  */
#define PAY_KONBINI_AGENT_LEN 5    /* the collection agent's own code      */
#define PAY_FILE_MAX (8u << 20)    /* bytes of one imported result file   */
#define PAY_FILE_LINES_MAX 100000

enum pay_state {
	PAY_CREATED = 0, PAY_PENDING, PAY_PAID, PAY_FAILED, PAY_EXPIRED, PAY_REFUNDED,
	PAY_STATE_COUNT_
};

enum pay_method {
	PAY_M_NONE = 0, PAY_M_CARD, PAY_M_PAYEASY, PAY_M_KONBINI, PAY_M_COUNTER,
	PAY_M_COUNT_
};

/* "created", "pending", ... / "card", "payeasy", "konbini", "counter" */
const char *payments_state_name(enum pay_state st);
const char *payments_method_name(enum pay_method m);
/* the method called name; PAY_M_NONE for anything else */
enum pay_method payments_method_of(const char *name);

/* a municipality's codes for the rails (payments_rails_get: its own, set
 * by staff, or the server's --pay-* options; the demo's are fictional) */
struct pay_rails {
	char payeasy_biller[PAY_PAYEASY_BILLER_LEN + 1];   /* 5 digits       */
	char konbini_biller[PAY_KONBINI_BILLER_LEN + 1];   /* 6, from 9 or 5 */
	char konbini_agent[PAY_KONBINI_AGENT_LEN + 1];     /* 5 digits       */
};

/* what a service asks for */
struct pay_new {
	const char *service;       /* the caller: "apply", "waste", ...      */
	const char *key;           /* idempotency key, unique per service    */
	const char *reference;     /* shown to payer and staff; no personal data */
	const char *description;   /* what is paid for, Japanese             */
	int64_t amount_yen;        /* 1 .. PAY_AMOUNT_MAX                    */
	const char *return_url;    /* local path the payer returns to        */
	int64_t account;           /* the resident who pays; 0: anyone with the number */
	long due_day;              /* day number (jp_date_to_days); 0: default */
};

struct payment {
	int64_t id;
	char number[PAY_NUMBER_LEN + 1];
	char service[PAY_SERVICE_MAX + 1];
	char key[PAY_KEY_MAX + 1];
	char reference[PAY_REFERENCE_MAX + 1];
	char description[PAY_DESCRIPTION_MAX * 4 + 1];
	char return_url[PAY_URL_MAX + 1];
	int64_t amount_yen;
	int64_t account;
	enum pay_state state;
	enum pay_method method;    /* the method chosen (NONE while created)  */
	long due_day;
	int64_t created_at, updated_at;
	/* once paid */
	int64_t paid_at;
	int64_t paid_yen;
	char paid_via[PAY_VIA_MAX * 4 + 1];
	/* the rails' numbers, issued when the method is chosen */
	char barcode[PAY_BARCODE_LEN + 1];                 /* コンビニ          */
	char payeasy_biller[PAY_PAYEASY_BILLER_LEN + 1];   /* Pay-easy         */
	char payeasy_confirm[PAY_PAYEASY_CONFIRM_LEN + 1];
	char provider_ref[PAY_PROVIDER_REF_MAX + 1];       /* card: the PSP's id */
	/* a refund asked for (by refund_by: a member of staff, or
	 * PAY_REFUND_BY_PAYER) of refund_yen (the paid amount, or a part of
	 * it) and, once approved, done */
	char refund_reason[PAY_REASON_MAX * 4 + 1];
	int64_t refund_by, refund_approved_by;
	int64_t refund_yen;
	int64_t refunded_at;
};

/* who changes a payment: the actor fields of its audit records */
/* The permission of staff who take money at the counter (a payment
 * marked paid by a counter receipt, PAY_M_COUNTER), list payments, import
 * result files and read the statement.  Its routes check it; a service
 * that takes its own fee at its counter (svc/apply, apply_fee_take) checks
 * it in its domain before it calls payments_receive. */
#define PAY_PERM_STAFF "payments.staff"

struct pay_actor {
	const struct audit_config *audit;
	int64_t id;                /* account id; 0: the system (job, webhook) */
	const char *login;         /* NULL for the system                      */
	const char *role;
	const char *source;        /* client address or "job", "webhook"       */
};

extern const struct store_module_schema payments_schema;

/* payments_number_ok -- 1 if s is PAY_NUMBER_LEN digits with a good check digit */
int payments_number_ok(const char *s);

/* payments_create -- a new payment (state created), or the one an earlier
 * call with the same service and key made (ERR_CONFLICT if its amount,
 * reference or account differ).  *created is 1 when it is new. */
int payments_create(struct payment *out, int *created, struct store *s, const char *tenant,
		    const struct pay_new *n, int64_t now, const struct pay_actor *who,
		    struct err *e);

/* payments_get -- the payment with this number; ERR_NOTFOUND */
int payments_get(struct payment *out, struct store *s, const char *tenant, const char *number,
		 struct err *e);
/* payments_by_key -- the payment a service created with key */
int payments_by_key(struct payment *out, struct store *s, const char *tenant, const char *service,
		    const char *key, struct err *e);
/* payments_by_provider_ref -- the card payment the provider knows as ref */
int payments_by_provider_ref(struct payment *out, struct store *s, const char *tenant,
			     const char *ref, struct err *e);

/* payments_choose -- the payer chooses a method: created/pending/failed
 * → pending, and the method's numbers are issued (a barcode, Pay-easy
 * numbers; kept when the same method is chosen again).  Refused
 * (ERR_CONFLICT) once paid, expired or refunded; ERR_INVALID for konbini
 * above PAY_KONBINI_MAX, for counter (staff only: payments_mark_paid). */
int payments_choose(struct payment *p, struct store *s, const char *tenant, const char *number,
		    enum pay_method m, const struct pay_rails *rails, int64_t now,
		    const struct pay_actor *who, struct err *e);

/* payments_set_provider_ref -- the card provider's id for a pending card payment */
int payments_set_provider_ref(struct store *s, const char *tenant, const char *number,
			      const char *ref, const struct pay_actor *who, struct err *e);

/* what arrived: one receipt */
struct pay_receipt {
	enum pay_method method;
	const char *number;        /* the payment's number, or NULL ...       */
	const char *barcode;       /* ... the コンビニ barcode read            */
	int64_t amount_yen;
	long paid_day;             /* day number the payer paid              */
	const char *via;           /* store, bank, staff login, provider      */
	const char *source;        /* "file:<import id>:<line>", "webhook:<event>", "counter:<n>" */
	int final;                 /* 1: a settlement line (確報), 0: a notice (速報) */
	const char *confirm;       /* Pay-easy: the 確認番号 given, or NULL   */
	int must_apply;            /* 1: anything but applied is ERR_CONFLICT and
				      nothing is recorded (a taking at the counter:
				      staff are told, no difference is made)  */
};

/* applied: its payment became paid; settled: a final (確報) line that
 * confirms a payment already paid; the rest are differences */
enum pay_outcome { PAY_O_APPLIED = 0, PAY_O_DUPLICATE, PAY_O_UNKNOWN, PAY_O_AMOUNT, PAY_O_SETTLED };
const char *payments_outcome_name(enum pay_outcome o);

/* payments_receive -- record a receipt and apply it: its payment becomes
 * paid (from created, pending, failed or expired: money that arrived is
 * never refused), or the receipt is a difference (*outcome).  Runs in the
 * caller's transaction when one is open. */
int payments_receive(enum pay_outcome *outcome, struct store *s, const char *tenant,
		     const struct pay_receipt *rc, int64_t now, const struct pay_actor *who,
		     struct err *e);

/* payments_fail -- a pending card payment failed at the provider (the
 * payer may choose again) */
int payments_fail(struct store *s, const char *tenant, const char *number, const char *why,
		  int64_t now, const struct pay_actor *who, struct err *e);

/* payments_withdraw -- the service that asked for a payment no longer
 * wants it (its booking was cancelled, moved or paid another way): a
 * created, pending or failed payment expires now.  ERR_CONFLICT when it
 * is paid (the caller then treats it as paid). */
int payments_withdraw(struct store *s, const char *tenant, const char *number, const char *why,
		      int64_t now, const struct pay_actor *who, struct err *e);

/* payments_expire_due -- created and pending payments whose due day has
 * passed (today > due_day) become expired; returns how many (>= 0) */
int payments_expire_due(struct store *s, int64_t now, const struct pay_actor *who,
			struct err *e);

/* payments_refund_request -- staff ask to refund a paid payment (all of
 * what was paid), with a reason; payments_refund_request_part -- the same
 * for amount_yen, 1 .. the paid amount (a service that keeps a fee: a
 * booking cancelled after its free period); payments_refund_approve --
 * another member of staff approves it (ERR_CONFLICT when who is the one
 * who asked): the payment is refunded (refund_yen goes back; the rest
 * stays with the municipality).  One request a payment (ERR_CONFLICT for
 * a second, or when not paid). */
int payments_refund_request(struct store *s, const char *tenant, const char *number,
			    const char *reason, int64_t now, const struct pay_actor *who,
			    struct err *e);
int payments_refund_request_part(struct store *s, const char *tenant, const char *number,
				 int64_t amount_yen, const char *reason, int64_t now,
				 const struct pay_actor *who, struct err *e);
/* payments_refund_request_payer -- the payer gave up what they paid for
 * (a resident cancelled a booking paid online) and the service asks, on
 * their behalf, to refund amount_yen (1 .. the paid amount).  who is the
 * payer (the payment's account, or the system: id 0), the actor of the
 * audit record; refund_by is PAY_REFUND_BY_PAYER, never an account id
 * (staff and residents are numbered apart).  The two people are the
 * payer, who asked, and the one member of staff who approves: any member
 * with payments.refund may (refund_by is never theirs).  ERR_NOTFOUND
 * when who is another resident than the payer. */
#define PAY_REFUND_BY_PAYER (-1)
int payments_refund_request_payer(struct store *s, const char *tenant, const char *number,
				  int64_t amount_yen, const char *reason, int64_t now,
				  const struct pay_actor *who, struct err *e);
int payments_refund_approve(struct store *s, const char *tenant, const char *number,
			    int64_t now, const struct pay_actor *who, struct err *e);
/* payments_refund_claim -- before money goes back through a provider:
 * who (not the one who asked) takes the approval, committed, so that a
 * second approver at the same moment is refused (ERR_CONFLICT) before
 * the provider is asked twice; the same approver may try again (the
 * provider's refund is idempotent by the payment's number).
 * payments_refund_unclaim gives it back when the provider refused. */
int payments_refund_claim(struct store *s, const char *tenant, const char *number, int64_t now,
			  const struct pay_actor *who, struct err *e);
int payments_refund_unclaim(struct store *s, const char *tenant, const char *number,
			    const struct pay_actor *who, struct err *e);

/* ---- the rails ---- */

/* Each municipality has its own Pay-easy 収納機関番号, コンビニ biller code
 * and collection agent's code: a group of municipalities on one database
 * has as many sets (table payment_rails, one row a municipality).  One
 * without a row uses the server's (the --pay-* options, or the demo's).
 * The codes are read when a method is chosen (the numbers go on the
 * payment then: a slip issued keeps its barcode) and when a result file
 * is imported (its biller codes must be the municipality's). */

/* payments_rails_ok -- the three codes well formed: 5 digits, 6 digits
 * from 9 or 5, 5 digits (ERR_INVALID naming the first that is not) */
int payments_rails_ok(const struct pay_rails *r, struct err *e);
/* payments_rails_from -- the three codes from text (NULL: empty) into
 * out, checked by payments_rails_ok: one too long is refused (naming it),
 * never cut to fit */
int payments_rails_from(struct pay_rails *out, const char *payeasy_biller, const char *konbini_biller,
			const char *konbini_agent, struct err *e);
/* payments_rails_get -- tenant's codes into out; *own (when not NULL) 1
 * when they are its own, 0 when fallback's were copied */
int payments_rails_get(struct pay_rails *out, int *own, struct store *s, const char *tenant,
		       const struct pay_rails *fallback, struct err *e);
/* payments_rails_set -- tenant's own codes (checked; the row names who
 * set them and when; audited "payments.rails") */
int payments_rails_set(struct store *s, const char *tenant, const struct pay_rails *r, int64_t now,
		       const struct pay_actor *who, struct err *e);

/* payments_barcode -- the 44 digits of the コンビニ barcode: "91", the
 * biller code, the free field (agent code, "00", number), 再発行区分 0,
 * the due day YYMMDD, 印紙フラグ 0 (public money), the amount (6 digits)
 * and the GS1 modulus-10 check digit.  out: PAY_BARCODE_LEN + 1. */
int payments_barcode(char *out, const struct pay_rails *rails, const char *number,
		     long due_day, int64_t amount_yen, struct err *e);
/* payments_barcode_check -- 0 if the 44 digits start "91" and end with a
 * good check digit; fills *amount and *number when not NULL */
int payments_barcode_check(const char *digits, int64_t *amount, char *number, struct err *e);
/* payments_barcode_human -- the human-readable line under the bars:
 * "(91)912345-…" grouped as printed on slips; out at least 64 bytes */
void payments_barcode_human(char *out, size_t cap, const char *digits);

/* payments_slip_pdf -- the コンビニ payment slip (払込票) of p as a PDF in
 * memory (malloc'd, the caller frees): the ward, description, amount, due
 * day, number, the GS1-128 barcode and its human-readable line. */
int payments_slip_pdf(char **pdf, size_t *len, const struct payment *p, const char *ward_ja,
		      struct err *e);

/* ---- result files ---- */

enum pay_file_kind {
	PAY_FILE_KONBINI = 1,      /* barcode,amount_yen,paid_on,store            */
	PAY_FILE_PAYEASY,          /* biller,customer,confirm,amount_yen,paid_on,bank */
};

struct pay_import_result {
	int64_t import_id;
	int lines;                 /* data lines read                        */
	int applied, duplicate, unknown, amount;
	int bad_line;              /* ERR_INVALID: the file's line (1-based)  */
	const char *bad_code;      /* what is wrong, a word: header, fields, barcode,
				      biller, customer, confirm, amount, day, via,
				      lines, csv (the page's message "pay.import.bad.<code>") */
	char bad_what[200];        /* English, for the log                    */
};

/* payments_import -- read a collection agent's or a bank's result file
 * (UTF-8, UTF-8 with BOM or CP932; the header line named in the README)
 * and record a receipt per line.  All or nothing: a malformed line
 * refuses the whole file (ERR_INVALID, out->bad_line), and so does a file
 * imported before (ERR_CONFLICT, same SHA-256). */
struct pay_file {
	enum pay_file_kind kind;
	int final;                 /* 1: settlement (確報), 0: notice (速報)    */
	const char *name;          /* the file's name, for the list          */
	const void *data;
	size_t len;
};
int payments_import(struct pay_import_result *out, struct store *s, const char *tenant,
		    const struct pay_file *f, const struct pay_rails *rails, int64_t now,
		    const struct pay_actor *who, struct err *e);

/* ---- lists, statement ---- */

struct pay_filter {
	const char *tenant;
	int state;                 /* -1: any                                */
	int method;                /* -1: any                                */
	const char *service;       /* NULL: any                              */
	const char *q;             /* a number or a reference prefix         */
	int refund_asked;          /* 1: paid, a refund asked and not yet approved */
	int offset, limit;
};
int payments_list(struct store *s, const struct pay_filter *f,
		  int (*each)(void *arg, const struct payment *p), void *arg, struct err *e);
int payments_count(int64_t *n, struct store *s, const struct pay_filter *f, struct err *e);

/* one line of a payment's history */
struct pay_event {
	int64_t at;
	const char *what;          /* "created", "pending", "paid", ...      */
	const char *actor;         /* login or "system"                      */
	const char *detail;        /* method, amount, source: no personal data */
};
int payments_events(struct store *s, const char *tenant, const char *number,
		    int (*each)(void *arg, const struct pay_event *ev), void *arg, struct err *e);

/* one receipt as stored */
struct pay_receipt_row {
	int64_t id;
	enum pay_method method;
	const char *number;        /* "" when unknown                        */
	const char *barcode;
	int64_t amount_yen;
	long paid_day;
	const char *via;
	const char *source;
	enum pay_outcome outcome;
	int64_t expected_yen;      /* the payment's amount (0 when unknown)  */
	int final;
};
/* payments_missing -- the payments paid that day by the method that no
 * settlement line confirms */
int payments_missing(struct store *s, const char *tenant, enum pay_method m, long day,
		     int (*each)(void *arg, const struct payment *p), void *arg, struct err *e);

/* the daily statement of one method: what the ward recorded paid that
 * day (expected) against the settlement (確報) lines of that day
 * (settled), and every difference */
struct pay_statement {
	long day;
	enum pay_method method;
	int64_t expected_n, expected_yen;   /* payments paid that day by the method */
	int64_t notice_n, notice_yen;       /* notice receipts of the day    */
	int64_t final_n, final_yen;         /* settlement lines of the day   */
	int64_t settled_n, settled_yen;     /* expected payments a settlement line confirms */
	int64_t missing_n, missing_yen;     /* expected, in no settlement line */
	int64_t duplicate_n, duplicate_yen;
	int64_t unknown_n, unknown_yen;
	int64_t amount_n, amount_yen;       /* received where the amount differs */
	int64_t refunded_n, refunded_yen;   /* refunds approved that day     */
};
int payments_statement(struct pay_statement *out, struct store *s, const char *tenant,
		       enum pay_method m, long day, struct err *e);
/* the receipts of one day and method (all, or only the differences) */
int payments_receipts(struct store *s, const char *tenant, enum pay_method m, long day,
		      int differences_only,
		      int (*each)(void *arg, const struct pay_receipt_row *rr), void *arg,
		      struct err *e);

#endif
