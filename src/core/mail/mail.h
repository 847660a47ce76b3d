/*
 * mail.h -- e-mail to residents and staff: a durable outbox in the
 * database, RFC 5322 + MIME composition, delivery over SMTP with libcurl.
 *
 * Enqueue.  mail_enqueue() writes one row of the table `mail_outbox`
 * (schema module "mail", after "core" and "jobs") and, in the same
 * transaction, makes sure a `mail.send` job is due (src/core/jobs), so that a
 * state change and its notification commit together or not at all.  It
 * works inside the caller's open transaction (the message exists only if
 * that commits) or, when none is open, in one of its own.
 *
 * Deliver.  The `mail.send` job (wired in src/web/app_jobs.c) calls
 * mail_send_due(): it claims up to a batch of due queued messages (the
 * claim pushes their next_attempt_at MAIL_CLAIM_SECS ahead (longer when the
 * batch over its sessions could take longer: every message to its timeout), so that two
 * runners never send the same message at once and a crashed runner's batch
 * becomes due again: delivery is AT LEAST ONCE, the Message-ID stays the
 * same across attempts so that a duplicate can be recognised), composes
 * each message and sends it over one SMTP connection.  Outcome per
 * message: 2xx -> sent; 5xx to MAIL FROM, RCPT or DATA -> failed at once
 * (permanent); 4xx, 421/454/530/534/535/538 (the relay or our credentials,
 * not the message), or a connection, TLS or timeout error -> queued again after
 * retry_base * 2^(attempts-1) seconds (capped at MAIL_RETRY_CAP_SECS),
 * failed once max_attempts are used.  A connection-level error ends the
 * batch (the rest would fail the same way; they are not charged an
 * attempt).  Afterwards mail_schedule_pending() makes sure a job is due at
 * the earliest next attempt.  With no SMTP URL nothing is sent over the
 * network: the server either delivers the messages to the development
 * mailbox (mail_devbox_deliver: state sent, via "devbox", readable by
 * staff at /staff/outbox) or, with `serve --no-dev-mailbox`, leaves them
 * queued (`madoguchi mail list` shows them) for a server with a relay.
 *
 * Composition (mail_compose): CRLF lines; headers Date (the message's
 * creation, +0900), From, To, Subject, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64
 * (76-character lines), Auto-Submitted: auto-generated (RFC 3834, so that
 * auto-responders stay quiet).  A Subject that is not short printable ASCII
 * is written as RFC 2047 "B" encoded-words of at most MAIL_EW_BYTES bytes
 * of UTF-8 each, split only between characters, one per folded line (every
 * Subject line <= 76 characters; lines holding an address stay within
 * RFC 5322's 998).  Bare LF in the body becomes CRLF.
 *
 * Header injection is impossible by construction: addresses are checked
 * against a strict grammar (mail_addr_valid), the subject and display name
 * refuse every control character (CR and LF included) and are always
 * encoded when not plain ASCII, and the body travels base64-encoded.
 *
 * Privacy: err details, stored last_error and the log never carry an
 * address, a subject or a body: ids, SMTP codes and curl codes only.
 *
 * Library code: never logs (mail_send_due reports each outcome through a
 * callback for the caller to log), never exits.
 */
#ifndef MADOGUCHI_MAIL_MAIL_H
#define MADOGUCHI_MAIL_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* ---- limits ---------------------------------------------------------- */

/* An address is an RFC 5321 path: local@domain, at most 254 bytes, the
 * local part dot-atom (RFC 5322 atext and single inner dots, <= 64 bytes),
 * the domain LDH labels of 1..63 bytes separated by dots with at least one
 * dot (or a bracketed IPv4 literal is NOT accepted).  No quoted local
 * parts, no internationalised addresses (SMTPUTF8). */
#define MAIL_ADDR_MAX 254
#define MAIL_LOCAL_MAX 64
/* Subject: UTF-8, no control characters, <= 300 bytes (100 kanji). */
#define MAIL_SUBJECT_MAX 300
/* From display name: UTF-8, no control characters, <= 100 bytes. */
#define MAIL_NAME_MAX 100
/* Body: UTF-8 text, <= 64 KiB; tab and LF (and CR of CRLF) are the only
 * control characters allowed. */
#define MAIL_BODY_MAX (64 * 1024)
/* A composed message: headers + the base64 body (the body in canonical
 * form, CRLF for LF, is at most twice MAIL_BODY_MAX) stay within this. */
#define MAIL_MESSAGE_MAX (MAIL_BODY_MAX * 3 + 8192)
/* Bytes of UTF-8 per encoded-word (39 bytes -> 52 base64 characters, a
 * 64-character encoded-word). */
#define MAIL_EW_BYTES 39
/* Messages claimed per mail_send_due batch (1..MAIL_BATCH_MAX). */
#define MAIL_BATCH_MAX 200
#define MAIL_BATCH_DEFAULT 100
/* SMTP sessions a batch is sent over at once (1..MAIL_CONNS_MAX); kept
 * open from one batch to the next while idle at most MAIL_POOL_IDLE_SECS */
#define MAIL_CONNS_MAX 16
#define MAIL_CONNS_DEFAULT 4
#define MAIL_POOL_IDLE_SECS 30
#define MAIL_ATTEMPTS_MAX 30
#define MAIL_ATTEMPTS_DEFAULT 8
#define MAIL_RETRY_BASE_DEFAULT 60
#define MAIL_RETRY_CAP_SECS (6 * 3600)
#define MAIL_CLAIM_SECS 900
/* mail_list returns at most this many rows. */
#define MAIL_LIST_MAX 1000
/* last_error text: "smtp 451" / "curl 7 (Couldn't connect to server)". */
#define MAIL_ERROR_MAX 200
#define MAIL_URL_MAX 1024

extern const struct store_module_schema mail_schema;

/* MAIL_BOUNCED is never a stored state: a sent message that a DSN later
 * reported as failed (mail_bounce: bounced_at set); mail_list reports
 * such a message as MAIL_BOUNCED and filters by it, and its filters
 * MAIL_SENT and MAIL_FAILED leave bounced messages out. */
enum mail_state { MAIL_QUEUED = 1, MAIL_SENT, MAIL_FAILED, MAIL_BOUNCED };
const char *mail_state_name(enum mail_state s);    /* "queued" ... */
enum mail_state mail_state_parse(const char *name);  /* 0: unknown   */

/* ---- checks and composition (no database) ---------------------------- */

/* mail_addr_valid -- 1 when a is an address by the grammar above. */
int mail_addr_valid(const char *a);

struct mail_msg {
	const char *from;        /* address                                */
	const char *from_name;   /* display name or NULL                   */
	const char *to;          /* address                                */
	const char *subject;
	const char *body;
	int64_t date;            /* seconds since the epoch                */
	const char *message_id;  /* "<...@...>" or NULL: made from from's domain */
	const char *unsubscribe; /* NULL, or a link (mail_link_valid): the
				    headers List-Unsubscribe: <link> and
				    List-Unsubscribe-Post: List-Unsubscribe=One-Click */
};

/* mail_compose -- the message as it goes on the wire (CRLF lines, no
 * dot-stuffing: libcurl does that), malloc'd into *out (NUL-terminated,
 * *len bytes).  ERR_INVALID (bad address, control character in a header
 * value, invalid UTF-8), ERR_LIMIT, ERR_NOMEM. */
int mail_compose(char **out, size_t *len, const struct mail_msg *m,
		 struct err *e);

/* mail_subject_encode -- the Subject header field (name, value and folds,
 * CRLF between lines, no final CRLF) into a malloc'd *out. */
int mail_subject_encode(char **out, const char *subject, struct err *e);

/* ---- the outbox -------------------------------------------------------- */

/* mail_enqueue -- queue one message for `to` (tenant code, or NULL for a
 * deployment-level message); now is seconds since the epoch (app_now()).
 * Works inside the caller's open transaction or in its own.  Returns 0 or
 * a negative ERR_*: ERR_INVALID (bad address, control character in the
 * subject, invalid UTF-8, empty subject), ERR_LIMIT (a limit above),
 * ERR_CONFLICT (unknown tenant), ERR_DB.  A failure inside the caller's
 * transaction leaves it open (the caller decides). */
int mail_enqueue(struct store *s, const char *tenant, const char *to,
		 const char *subject, const char *body, int64_t now,
		 struct err *e);
/* A message to queue (mail_enqueue_id).  The strings are the caller's,
 * read during the call only (the outbox keeps copies). */
struct mail_new {
	const char *tenant;      /* tenant code, or NULL: deployment level */
	const char *to;          /* an address by the grammar above        */
	const char *subject;     /* UTF-8 without control characters, not
				    empty, at most MAIL_SUBJECT_MAX bytes  */
	const char *body;        /* UTF-8 text, at most MAIL_BODY_MAX bytes
				    (controls: tab, LF, CR of CRLF only)   */
	int priority;            /* 0 normal, 1 (MAIL_PRIORITY_EMERGENCY)
				    sent before every message of 0          */
	int64_t not_before;      /* seconds: held until then (quiet hours);
				    0 or past: due at once                  */
	const char *unsubscribe_url; /* NULL, or an http(s) link (mail_link_valid)
				    put in List-Unsubscribe with One-Click
				    (RFC 8058)                              */
};

/* the emergency lane: mail_send_due claims by priority (highest first),
 * then by when a message is due, then by id */
#define MAIL_PRIORITY_NORMAL 0
#define MAIL_PRIORITY_EMERGENCY 1
#define MAIL_PRIORITY_MAX 1
/* an unsubscribe link: http(s), printable ASCII without space, <, >, ",
 * comma or backslash, at most this many bytes */
#define MAIL_LINK_MAX 500
int mail_link_valid(const char *url);

/* One message to many (mail_enqueue_bulk): the recipients are the rows
 * of the caller's SELECT (select_sql with params $1..$nparams), which
 * must give two text columns, `recipient` (an address the caller checked
 * with mail_addr_valid; composition refuses any other at delivery) and
 * `token` (at most MAIL_BULK_TOKEN_MAX URL-safe bytes).  Each message's
 * body is body_head + link_base + token + body_tail, its unsubscribe link
 * link_base + token.  One INSERT ... SELECT: 100,000 rows in one
 * statement. */
#define MAIL_BULK_PARAMS_MAX 8
#define MAIL_BULK_TOKEN_MAX 64
struct mail_bulk {
	const char *tenant;
	const char *subject;
	const char *body_head, *body_tail;
	const char *link_base;
	int priority;
	int64_t not_before;
	const char *select_sql;    /* gives recipient, token (and since) */
	const struct store_val *params;
	int nparams;
	int skip_bounced;          /* 1: the select also gives since (seconds),
				      and a recipient whose mail hard-bounced
				      (5.x.x) at or after it is not queued */
};
/* MAIL_SQL_BOUNCED -- SQL that is true when the address `recipient`
 * hard-bounced (a 5.x.x status) in `tenant` at or after `since`: the rule
 * of mail_bulk.skip_bounced, for a page that counts who would get a bulk
 * message (the partial index mail_outbox_bounced answers it).  No '%' in
 * it: it may be part of a printf format. */
#define MAIL_SQL_BOUNCED(tenant, recipient, since) \
	"EXISTS (SELECT 1 FROM mail_outbox b WHERE b.tenant = " tenant " AND b.recipient = " recipient \
	" AND b.bounced_at IS NOT NULL AND b.bounced_at >= " since " AND substr(b.bounce_status, 1, 2) = '5.')"

/* mail_enqueue_bulk -- queue one message per row of b's SELECT, with one
 * wake-up job; the caller's transaction or its own.  *count gets how many.
 * ERR_INVALID (subject, texts, link base, priority), ERR_LIMIT, ERR_DB. */
int mail_enqueue_bulk(int64_t *count, struct store *s, const struct mail_bulk *b,
		      int64_t now, struct err *e);
/* mail_enqueue_id -- mail_enqueue for the message m, with the new
 * message's id in *id (0 on an error).  The same checks, errors and
 * transaction rules. */
int mail_enqueue_id(int64_t *id, struct store *s, const struct mail_new *m,
		    int64_t now, struct err *e);

struct mail_info {
	int64_t id;
	const char *tenant;      /* NULL: deployment-level */
	const char *to;
	const char *subject;
	enum mail_state state;
	int attempts;
	int64_t next_attempt_at; /* seconds; 0 when sent or failed */
	const char *last_error;  /* NULL or "smtp 451" ... */
	int64_t created_at, sent_at;
	int devbox;              /* sent: delivered to the development mailbox */
	int priority;            /* MAIL_PRIORITY_*                          */
	int64_t not_before;      /* held until (quiet hours), 0: not held    */
	int claimed;             /* queued and claimed by a runner: sending  */
	/* filled only when the filter asked for with_body, else NULL: */
	const char *body;        /* the text ('' once pruned)               */
	const char *msg_token;   /* makes the Message-ID                    */
	int64_t bounced_at;      /* a DSN reported it failed (0: none)       */
	const char *bounce_status; /* then its status "5.1.1", else NULL     */
};

struct mail_filter {
	int64_t id;              /* 0: any   */
	const char *tenant;      /* NULL: any */
	enum mail_state state;   /* 0: any   */
	int limit;               /* 0 or > MAIL_LIST_MAX: MAIL_LIST_MAX */
	int offset;              /* rows to skip (paging), >= 0          */
	int with_body;           /* 1: fill body and msg_token           */
};

/* mail_list -- newest first; fn returns non-zero to stop and must not use
 * s; the strings are valid during the call only.  Returns the number of
 * rows passed to fn or a negative ERR_*. */
int mail_list(struct store *s, const struct mail_filter *f,
	      int (*fn)(const struct mail_info *m, void *arg), void *arg,
	      struct err *e);

/* mail_status -- what a caller shows: "queued", "held" (waiting for
 * not_before, never tried), "sending" (claimed by a runner), "sent",
 * "failed", "bounced" (sent, then a DSN reported it failed). */
const char *mail_status(const struct mail_info *m, int64_t now);

/* mail_count -- the number of messages mail_list would pass for f
 * (ignoring its limit and offset), or a negative ERR_*. */
int mail_count(struct store *s, const struct mail_filter *f, struct err *e);

/* mail_message_id -- the Message-ID of message (id, msg_token) sent
 * from the address from: "<token.id@from-domain>", the same on every
 * attempt (mail_send_due writes it so). */
void mail_message_id(char *out, size_t cap, const char *msg_token, int64_t id,
		     const char *from);

/* ---- the development mailbox ------------------------------------------ */

/* mail_devbox_deliver -- a server without an SMTP relay: mark every
 * queued message as delivered to the development mailbox (state sent,
 * via "devbox", one attempt counted, sent_at now, no error).  Nothing
 * leaves the machine; staff with mail.read read them at /staff/outbox.
 * Own transaction unless one is open.  Returns the number delivered or a
 * negative ERR_*. */
int mail_devbox_deliver(struct store *s, int64_t now, struct err *e);

/* What waits in a municipality's outbox (mail_summary), for the warning
 * on the staff home. */
struct mail_summary {
	int queued;              /* state queued                            */
	int retrying;            /* queued after at least one failed attempt,
				    or created before stale_before          */
	int failed;              /* failed, created at or after since       */
	int64_t oldest_queued;   /* created_at of the oldest queued, or 0   */
};
/* mail_summary -- the counts above for tenant (not NULL). */
int mail_summary(struct mail_summary *out, struct store *s, const char *tenant,
		 int64_t since, int64_t stale_before, struct err *e);

/* mail_schedule_pending -- make sure a `mail.send` job is queued to run no
 * later than the earliest next attempt of a queued message (nothing when
 * none is queued).  Own transaction unless one is open. */
int mail_schedule_pending(struct store *s, struct err *e);

/* mail_prune -- empty the body of sent and failed messages older than
 * MAIL_BODY_KEEP_SECS (the row stays: who was told what, when, is a
 * record; what the body said is not kept longer than needed).  Returns the
 * number of messages pruned. */
#define MAIL_BODY_KEEP_SECS (30 * 24 * 3600)
int mail_prune(struct store *s, int64_t now, struct err *e);

/* ---- delivery ------------------------------------------------------------ */

enum mail_tls {
	MAIL_TLS_REQUIRE = 0,    /* smtp://: STARTTLS or fail (default)    */
	MAIL_TLS_TRY,            /* smtp://: STARTTLS when offered         */
	MAIL_TLS_NONE,           /* smtp://: clear text (loopback relays)  */
};

struct mail_config {
	const char *smtp_url;    /* smtp://host[:port][/ehlo-domain] or smtps://...;
				    no path: EHLO with the from domain; NULL: keep queued */
	const char *from;        /* envelope and header From address       */
	const char *from_name;   /* display name (UTF-8) or NULL           */
	enum mail_tls tls;       /* smtps:// is always TLS                 */
	const char *auth_file;   /* key file (0600) with one line user:password, or NULL */
	const char *ca_file;     /* CA bundle for the relay, NULL: system  */
	int timeout_secs;        /* whole SMTP transaction; 0: 30          */
	int connect_timeout_secs;/* 0: 10                                  */
	int retry_base_secs;     /* 0: MAIL_RETRY_BASE_DEFAULT             */
	int max_attempts;        /* 0: MAIL_ATTEMPTS_DEFAULT               */
	int batch;               /* 0: MAIL_BATCH_DEFAULT                  */
	int connections;         /* 0: MAIL_CONNS_DEFAULT                  */
	/* the server without smtp_url: 0 delivers to the development mailbox
	 * (mail_devbox_deliver), 1 keeps messages queued for a later relay */
	int keep_queued;
};

struct mail_sender;

/* mail_sender_new -- check the configuration (URL scheme, from address,
 * ranges) and read the auth file; ERR_INVALID, ERR_DENIED (auth file
 * readable by others), ERR_NOTFOUND, ERR_IO. */
int mail_sender_new(struct mail_sender **out, const struct mail_config *c,
		    struct err *e);
void mail_sender_free(struct mail_sender *m);

/* One outcome: state after the attempt, the SMTP reply code (0: none) and
 * the curl code (0: none). */
struct mail_result {
	int64_t id;
	enum mail_state state;
	int attempts;
	int smtp_code;
	int curl_code;
};

struct mail_send_stats {
	int claimed, sent, retried, failed;
	int stopped_early;       /* a connection-level error ended the batch */
};

/* mail_send_due -- claim and send one batch of messages due at `now`
 * (seconds).  fn (may be NULL) sees each outcome.  Returns 0, or a
 * negative ERR_* for a database error (delivery errors are outcomes, not
 * errors).  Call again while stats.claimed == batch to drain the queue. */
int mail_send_due(struct mail_send_stats *stats, struct mail_sender *m,
		  struct store *s, int64_t now,
		  void (*fn)(const struct mail_result *r, void *arg), void *arg,
		  struct err *e);

/* ---- bounces (RFC 3464 delivery status notifications) --------------------- */

/* A DSN is read whole, at most this many bytes (Postfix returns the
 * headers or the whole message, at most MAIL_MESSAGE_MAX). */
#define MAIL_DSN_MAX (MAIL_MESSAGE_MAX + 64 * 1024)

/* What mail_dsn_parse found: the message (our Message-ID in the returned
 * headers) and its first failed recipient (else the first reported). */
struct mail_dsn {
	int64_t id;
	char token[33];
	char recipient[MAIL_ADDR_MAX + 1];        /* Original-Recipient, else Final- */
	char final_recipient[MAIL_ADDR_MAX + 1];
	char action[16];          /* failed, delayed, delivered, relayed, expanded */
	char status[16];          /* "5.1.1": class 2, 4 or 5                       */
	int smtp_code;            /* from "Diagnostic-Code: smtp; 550 ...", or 0    */
};

/* mail_dsn_parse -- read a DSN as an MTA delivers it (Postfix's pipe
 * transport: the message on standard input): the top-level Content-Type
 * multipart/report; report-type=delivery-status with its boundary, a
 * message/delivery-status part (per-message fields, then a group per
 * recipient: Final-Recipient: rfc822; ADDR, Action, Status,
 * Diagnostic-Code) and a text/rfc822-headers or message/rfc822 part whose
 * Message-ID is ours ("<32 hex digits.id@domain>").  ERR_LIMIT (larger
 * than MAIL_DSN_MAX), ERR_INVALID with a detail naming what is missing or
 * malformed (never an address). */
int mail_dsn_parse(struct mail_dsn *d, const char *text, size_t len, struct err *e);

/* mail_dsn_hard -- 1 for a permanent failure (Action failed, Status 5.x.x):
 * the address is flagged (mail_bounced_addresses). */
int mail_dsn_hard(const struct mail_dsn *d);

/* mail_bounce -- mark the message d reports on as bounced: the row with
 * d->id, d->token, state sent and d's recipient (either recipient field,
 * case-insensitive) gets bounced_at = now, bounce_status and last_error
 * "bounce 5.1.1 (smtp 550)".  ERR_INVALID (Action is not failed: a delay
 * or a success report changes nothing), ERR_NOTFOUND (no such sent
 * message), ERR_DB.  A second DSN for the same message writes again. */
int mail_bounce(struct store *s, const struct mail_dsn *d, int64_t now, struct err *e);

/* An address whose mail hard-bounced (mail_bounced_addresses). */
struct mail_bounced {
	const char *address;
	int64_t last_bounced_at;
	int count;                /* its messages that hard-bounced            */
	int64_t last_id;          /* the newest of them                        */
};
/* mail_bounced_addresses -- tenant's addresses with a hard bounce, the
 * most recent first, at most limit (<= MAIL_LIST_MAX).  Returns the number
 * passed to fn (which returns non-zero to stop) or a negative ERR_*. */
int mail_bounced_addresses(struct store *s, const char *tenant, int limit,
			   int (*fn)(const struct mail_bounced *b, void *arg), void *arg,
			   struct err *e);

#endif
