/*
 * card.h -- the card adapter of the payments service (private to
 * src/svc/payments): card payments through a payment service provider
 * (PSP) that speaks the API shape documented in README.md "## Card"
 * (GOV.UK Pay's, and the Japanese PSPs' alike).  Card data never
 * touches madoguchi: the payer types it on the provider's own page.
 *
 * The flow.  The payer chooses card: card_start creates a payment at the
 * provider (POST {base}/v1/payments) and records the attempt (table
 * payment_card_attempts: the provider's id, the payment's number and
 * amount, open/success/failed) and the provider's id on the payment
 * (payments_set_provider_ref); the payer is sent to the provider's
 * next_url.  The outcome comes back by two ways, in either order: the
 * provider's signed webhook (card_signature_verify, card_event_parse,
 * card_webhook_apply) and the payer's return, where card_refresh asks
 * the provider (GET {base}/v1/payments/{id}) when no webhook came yet;
 * a job asks for attempts left open longer (card_settle_stale).
 *
 * Invariants.  An attempt is settled once: card_settle turns it from
 * open to success or failed with a conditional UPDATE in the same
 * transaction as payments_receive (PAY_M_CARD, source "card:<id>") or
 * payments_fail, so the webhook and the return, whichever comes second
 * and even at the same moment, change nothing more: one receipt, one
 * paid state.  A webhook's event id is recorded (payment_card_events) in
 * the same transaction: an event seen before changes nothing.  Money
 * for an attempt whose payment has moved on (paid by another attempt) is
 * still received by payments_receive, which records it as a duplicate
 * for reconciliation: money that arrived is never dropped.
 *
 * Blocking: card_start, card_refresh, card_settle_stale and card_refund
 * call the provider with libcurl (timeouts CARD_TIMEOUT_S); pages run
 * them on the blocking pool (http_defer).  Errors: ERR_INVALID (bad
 * input or a provider answer that is not the documented shape),
 * ERR_UNAVAILABLE (provider unreachable, 5xx), ERR_DENIED (provider
 * refused the key: 401/403), ERR_AUTH (a webhook's signature refused),
 * ERR_NOTFOUND, ERR_CONFLICT, ERR_DB.
 */
#ifndef MADOGUCHI_SVC_PAYMENTS_CARD_H
#define MADOGUCHI_SVC_PAYMENTS_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "svc/payments/payments.h"

#define CARD_URL_MAX 300            /* the provider's base URL          */
#define CARD_KEY_MAX 256            /* the API key (one line of a file) */
#define CARD_SECRET_MAX 256         /* the webhook secret               */
#define CARD_NEXT_URL_MAX 1000      /* the provider's page for the payer */
#define CARD_ID_MAX PAY_PROVIDER_REF_MAX  /* the provider's payment id: [A-Za-z0-9_-] */
#define CARD_EVENT_ID_MAX 64        /* [A-Za-z0-9_.:-]                   */
#define CARD_WEBHOOK_BODY_MAX 16384 /* bytes of a webhook's body         */
#define CARD_SIG_HEADER_MAX 512     /* bytes of its Pay-Signature header */
#define CARD_REPLAY_WINDOW_S 300    /* a signature's t within +-5 min    */
#define CARD_RESPONSE_MAX 65536     /* bytes of a provider's answer      */
#define CARD_TIMEOUT_S 10           /* one call to the provider          */
#define CARD_STALE_S 900            /* the job asks about attempts open 15 min */
#define CARD_STALE_BATCH 100        /* attempts the job asks about a run */

/* the serve options, read once at start */
struct card_config {
	char base_url[CARD_URL_MAX + 1];    /* without its trailing '/'  */
	char api_key[CARD_KEY_MAX + 1];
	char secret[CARD_SECRET_MAX + 1];
	size_t secret_len;
};

/* card_config_load -- the options' values: url, and the files holding
 * the key and the webhook secret (keyfile_read_line: mode 0600, the
 * first line that is not blank or a comment).  All three or none: with
 * url NULL and no files, *enabled is 0 and the card method is not
 * offered; one without the others is ERR_INVALID, and so is a url that
 * is not a base URL (url_base_ok, base/url.h, at most CARD_URL_MAX). */
int card_config_load(struct card_config *c, int *enabled, const char *url, const char *key_file,
		     const char *secret_file, struct err *e);
/* card_config_wipe -- zero the key and secret */
void card_config_wipe(struct card_config *c);

/* ---- the provider's API (blocking) ---- */

/* the provider's states (README.md "## Card") */
enum card_status {
	CARD_S_UNKNOWN = 0, CARD_S_CREATED, CARD_S_STARTED, CARD_S_SUBMITTED, CARD_S_SUCCESS,
	CARD_S_FAILED, CARD_S_CANCELLED, CARD_S_ERROR
};
enum card_status card_status_of(const char *name);
/* 1 when the provider will not change it any more */
int card_status_final(enum card_status st);

/* card_api_create -- POST {base}/v1/payments: id (CARD_ID_MAX + 1) and
 * next_url (CARD_NEXT_URL_MAX + 1) of the provider's new payment */
int card_api_create(char *id, char *next_url, const struct card_config *c, int64_t amount_yen,
		    const char *reference, const char *description, const char *return_url,
		    struct err *e);
/* card_api_status -- GET {base}/v1/payments/{id}: its state and amount */
int card_api_status(enum card_status *st, int64_t *amount_yen, const struct card_config *c,
		    const char *id, struct err *e);
/* card_api_refund -- POST {base}/v1/payments/{id}/refunds {amount} */
int card_api_refund(const struct card_config *c, const char *id, int64_t amount_yen,
		    struct err *e);

/* ---- the webhook ---- */

enum card_sig {
	CARD_SIG_OK = 0,
	CARD_SIG_ABSENT,      /* no header                                    */
	CARD_SIG_MALFORMED,   /* not "t=<digits>,v1=<64 hex>"                 */
	CARD_SIG_EXPIRED,     /* t outside now +- CARD_REPLAY_WINDOW_S        */
	CARD_SIG_FORGED,      /* the HMAC does not match                      */
};
const char *card_sig_name(enum card_sig s);

/* card_signature_verify -- the Pay-Signature header of a webhook:
 * "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t "." body)>" (more
 * v1= entries may follow, any one matching is enough: a provider rolling
 * its secret signs with both; other keys are ignored).  Compared in
 * constant time.  header may be NULL. */
enum card_sig card_signature_verify(const char *secret, size_t secret_len, const char *header,
				    const char *body, size_t len, int64_t now);
/* card_signature_make -- the header value a provider would send (tests,
 * the CLI): out at least 96 bytes */
void card_signature_make(char *out, size_t cap, const char *secret, size_t secret_len, int64_t t,
			 const char *body, size_t len);

enum card_event_type { CARD_EV_SUCCEEDED = 1, CARD_EV_FAILED, CARD_EV_REFUNDED };
struct card_event {
	char event_id[CARD_EVENT_ID_MAX + 1];
	enum card_event_type type;
	char payment_id[CARD_ID_MAX + 1];
	int64_t amount_yen;
	int64_t created;
};
/* card_event_parse -- the JSON body {event_id, type, payment_id, amount,
 * created}; ERR_INVALID (e names the field) for anything else */
int card_event_parse(struct card_event *ev, const char *body, size_t len, struct err *e);

/* ---- the domain (store) ---- */

enum card_settled {
	CARD_SETTLED_NOW = 0,   /* this call settled the attempt            */
	CARD_SETTLED_BEFORE,    /* it was settled already: nothing changed  */
	CARD_SETTLED_OPEN,      /* the provider has no final state yet      */
	CARD_SETTLED_UNKNOWN,   /* no attempt has this provider id          */
	CARD_SETTLED_SEEN,      /* a webhook event seen before              */
};
const char *card_settled_name(enum card_settled s);

/* card_start -- p has just become a pending card payment (the payer
 * chose card: payments_choose): a payment at the provider, its attempt
 * recorded and payments_set_provider_ref; next_url (CARD_NEXT_URL_MAX +
 * 1) is where to send the payer.  st->return_url is the absolute URL of
 * /pay/{number}/return.  ERR_CONFLICT when p is not pending card. */
struct card_start {
	const char *tenant;
	const char *return_url;
	int64_t now;
};
int card_start(char *next_url, struct store *s, const struct card_config *c,
	       const struct card_start *st, const struct payment *p, const struct pay_actor *who,
	       struct err *e);

/* card_settle -- the provider says provider_id ended in st (success,
 * failed, cancelled or error; anything else: CARD_SETTLED_OPEN): settle
 * the attempt once and apply it to its payment in the same transaction
 * (opened here when none is).  source names where it came from
 * ("webhook:<event>", "return", "job"). */
int card_settle(enum card_settled *out, struct store *s, const char *tenant,
		const char *provider_id, enum card_status st, int64_t amount_yen,
		const char *source, int64_t now, const struct pay_actor *who, struct err *e);

/* card_webhook_apply -- a verified event: recorded by its id (seen
 * before: CARD_SETTLED_SEEN, nothing changes) and, for succeeded or
 * failed, card_settle in the same transaction.  refund_succeeded is
 * recorded only (the refund was made by madoguchi's own call). */
int card_webhook_apply(enum card_settled *out, struct store *s, const char *tenant,
		       const struct card_event *ev, int64_t now, const struct pay_actor *who,
		       struct err *e);

/* card_refresh -- the payer came back: when the payment is a pending
 * card payment with an open attempt, ask the provider once and settle
 * what it says.  *out CARD_SETTLED_UNKNOWN when there was nothing to
 * ask about. */
int card_refresh(enum card_settled *out, struct store *s, const struct card_config *c,
		 const char *tenant, const char *number, int64_t now, const struct pay_actor *who,
		 struct err *e);

/* card_settle_stale -- the job: attempts open for longer than older_s,
 * at most CARD_STALE_BATCH, oldest first, asked about and settled; an
 * attempt the provider still has open after 24 hours is marked failed
 * (abandoned).  Returns how many were settled (>= 0). */
int card_settle_stale(struct store *s, const struct card_config *c, int64_t older_s, int64_t now,
		      const struct pay_actor *who, struct err *e);

/* card_refund -- ask the provider to refund the card payment p (paid,
 * method card, with a provider_ref) of its refund_yen (a part when the
 * service kept a fee; all that was paid when none is set): called before
 * payments_refund_approve, so that a refund the provider refuses is
 * not recorded as done */
int card_refund(const struct card_config *c, const struct payment *p, struct err *e);

/* the migration of the two tables (card.c; payments_schema lists it:
 * { N, "card attempts and webhook events", card_schema_sql }) */
extern const char card_schema_sql[];

#endif
