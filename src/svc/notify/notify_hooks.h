/*
 * notify_hooks.h -- signed webhooks to staff systems (issue 20 item 6),
 * part of the notification service's public header (notify.h includes
 * it).  Domain code only: no HTTP server side; the delivery itself is an
 * HTTP client (libcurl, hooks_send.c).
 *
 * An administrator registers endpoints: an https URL, the events it
 * wants, a secret made here and shown once.  Code emits an event with
 * notify_event() in its own transaction: one delivery per enabled
 * endpoint subscribed to it is queued, all or nothing with the change it
 * announces.  A job POSTs each delivery following the Standard Webhooks
 * specification (https://www.standardwebhooks.com):
 *
 *   webhook-id: msg_<32 hex>          the same on every attempt (dedupe)
 *   webhook-timestamp: <unix seconds> of this attempt
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, id "." timestamp "." body)>
 *
 * where key is the secret "whsec_<base64>"'s decoded bytes.  The body is
 * {"type":..., "timestamp": RFC 3339, "data": {...}}: ids only, never
 * personal data.  A 2xx answer is delivered; anything else (another
 * status, no answer, a redirect: none is followed, an address refused) is
 * retried after notify_hook_backoff(); after NOTIFY_HOOK_ATTEMPTS the
 * delivery is failed, and staff may queue it again.  At least once: a
 * receiver dedupes by webhook-id.
 *
 * Addresses (SSRF): a URL is https, no user info, no fragment, a host
 * name or an IP literal of a public address; the address the name
 * resolves to is checked again when connecting (every attempt), and a
 * private, loopback, link-local, multicast or reserved one is refused.
 * For tests a server may allow loopback (and then http to loopback
 * only): NOTIFY_HOOK_ALLOW_LOOPBACK.
 *
 * Secrets are stored sealed (crypto_secretbox) under a key derived from
 * the deployment's secret-box key (auth.key, crypto_kdf context
 * "nfyhooks"): a copy of the database alone does not sign.
 */
#ifndef MADOGUCHI_SVC_NOTIFY_HOOKS_H
#define MADOGUCHI_SVC_NOTIFY_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct store;

#define NOTIFY_HOOK_URL_MAX 500        /* bytes of an endpoint's URL        */
#define NOTIFY_HOOK_NOTE_MAX 200       /* bytes of its note                 */
#define NOTIFY_HOOK_KEY_LEN 32         /* the sealing key                   */
#define NOTIFY_HOOK_SECRET_BYTES 24    /* random bytes of a secret          */
#define NOTIFY_HOOK_SECRET_TEXT 64     /* "whsec_" + base64, with its NUL   */
#define NOTIFY_HOOK_MSGID_LEN 36       /* "msg_" + 32 hex digits            */
#define NOTIFY_HOOK_SIG_MAX 64         /* "v1," + 44 base64, with its NUL   */
#define NOTIFY_HOOK_FIELDS_MAX 16      /* fields of one event               */
#define NOTIFY_HOOK_VALUE_MAX 200      /* bytes of one text field           */
#define NOTIFY_HOOK_ATTEMPTS 7         /* then failed                       */
#define NOTIFY_HOOK_ENDPOINTS_MAX 20   /* per municipality                  */
#define NOTIFY_HOOK_TIMEOUT_S 10       /* a whole attempt                   */
#define NOTIFY_HOOK_CONNECT_S 5
#define NOTIFY_HOOK_RESPONSE_MAX 65536 /* bytes of an answer read at most   */
#define NOTIFY_HOOK_BATCH 20           /* deliveries one claim takes        */

/* the events there are (notify_event refuses another type); "notify.ping"
 * is the test event the staff page sends to one endpoint */
extern const char *const notify_hook_events[];
extern const int notify_hook_nevents;
int notify_hook_event_known(const char *type);

/* ---- URLs and addresses ---- */

#define NOTIFY_HOOK_ALLOW_LOOPBACK 0x1   /* tests: http and https to loopback */

enum notify_url_problem {
	NOTIFY_URL_OK = 0,
	NOTIFY_URL_MALFORMED,    /* not a URL we take (length, bytes, host, port) */
	NOTIFY_URL_SCHEME,       /* not https (http only to loopback when allowed) */
	NOTIFY_URL_PRIVATE,      /* a private, loopback or reserved address */
};
/* notify_hook_url_check -- what is wrong with url as an endpoint, under
 * flags (NOTIFY_HOOK_ALLOW_LOOPBACK) */
enum notify_url_problem notify_hook_url_check(const char *url, int flags);

enum notify_addr_class { NOTIFY_ADDR_PUBLIC = 0, NOTIFY_ADDR_LOOPBACK, NOTIFY_ADDR_PRIVATE };
/* notify_hook_addr_class -- the class of an IPv4 (4 bytes) or IPv6 (16
 * bytes, IPv4-mapped judged as IPv4) address: loopback; private
 * (RFC 1918, CGNAT, link-local, unique-local, multicast, unspecified,
 * documentation, benchmarking, reserved, NAT64); else public */
enum notify_addr_class notify_hook_addr_class(const unsigned char *addr, size_t len);

/* ---- signatures and the schedule ---- */

/* notify_hook_sign -- "v1,<base64 HMAC-SHA256>" of msg_id "." timestamp
 * "." body with the secret "whsec_<base64>" (the prefix optional) into
 * out (NOTIFY_HOOK_SIG_MAX).  ERR_INVALID: a secret that is not base64. */
int notify_hook_sign(char out[NOTIFY_HOOK_SIG_MAX], const char *secret, const char *msg_id,
		     int64_t timestamp, const char *body, size_t len);

/* notify_hook_backoff -- seconds until the next attempt after `attempts`
 * failed ones (1 ..): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, each plus up to
 * a fifth more by jitter (a random 0..65535 scales it); -1 when
 * attempts >= NOTIFY_HOOK_ATTEMPTS (failed) */
int64_t notify_hook_backoff(int attempts, unsigned jitter);

/* notify_hook_key -- the sealing key derived from the deployment's
 * 32-byte secret-box key */
void notify_hook_key(unsigned char out[NOTIFY_HOOK_KEY_LEN], const unsigned char *master);

/* ---- endpoints ---- */

struct notify_hook {
	int64_t id;
	const char *url;
	const char *events;         /* the types, space separated          */
	const char *note;
	int enabled;
	int64_t created_at, updated_at, secret_at;
	int64_t queued, failed;     /* deliveries waiting, failed (lists)  */
};

/* notify_hook_create -- a new endpoint of tenant (enabled) for url and
 * events (types, space separated, each notify_hook_event_known, at least
 * one); the new secret in secret (shown once, never again).  *id gets its
 * id.  ERR_INVALID (url: e's detail says which problem; events; note),
 * ERR_LIMIT (NOTIFY_HOOK_ENDPOINTS_MAX), ERR_DB.  Caller's transaction or
 * its own. */
int notify_hook_create(int64_t *id, char secret[NOTIFY_HOOK_SECRET_TEXT], struct store *s,
		       const unsigned char key[NOTIFY_HOOK_KEY_LEN], const char *tenant,
		       const char *url, const char *events, const char *note, int flags,
		       int64_t now, struct err *e);
/* notify_hook_update -- events and enabled of endpoint id; ERR_NOTFOUND */
int notify_hook_update(struct store *s, const char *tenant, int64_t id, const char *events,
		       int enabled, int64_t now, struct err *e);
/* notify_hook_rotate -- a new secret for endpoint id (the old one stops
 * signing at once) */
int notify_hook_rotate(char secret[NOTIFY_HOOK_SECRET_TEXT], struct store *s,
		       const unsigned char key[NOTIFY_HOOK_KEY_LEN], const char *tenant, int64_t id,
		       int64_t now, struct err *e);
/* notify_hook_get -- endpoint id of tenant (strings until the next call
 * on the same thread is not promised: copied into a) */
int notify_hook_get(struct notify_hook *out, struct arena *a, struct store *s, const char *tenant,
		    int64_t id, struct err *e);
/* notify_hook_list -- tenant's endpoints by id with their counts; returns
 * how many or a negative ERR_* */
int notify_hook_list(struct store *s, const char *tenant,
		     void (*fn)(const struct notify_hook *h, void *arg), void *arg, struct err *e);

/* ---- events and deliveries ---- */

/* one field of an event's data: text, or (text NULL) the integer num */
struct notify_field {
	const char *name;
	const char *text;
	int64_t num;
};

/* notify_event -- queue event type with its fields (ids only: receipt and
 * payment numbers, states, amounts; never a name or an address) for each
 * enabled endpoint of tenant subscribed to type, in the caller's
 * transaction (else its own), and wake the delivery job.  Returns how
 * many deliveries were queued (0: nobody subscribes) or a negative
 * ERR_* (ERR_INVALID: unknown type, a
 * field's name not [a-z_]+, a text not UTF-8 or over
 * NOTIFY_HOOK_VALUE_MAX, more than NOTIFY_HOOK_FIELDS_MAX). */
int notify_event(struct store *s, const char *tenant, const char *type,
		 const struct notify_field *f, int n, int64_t now, struct err *e);

/* notify_hook_ping -- queue the test event "notify.ping" to endpoint id
 * alone (enabled or not: staff try it before enabling) */
int notify_hook_ping(struct store *s, const char *tenant, int64_t id, int64_t now, struct err *e);

enum notify_delivery_state { NOTIFY_D_QUEUED = 0, NOTIFY_D_DELIVERED, NOTIFY_D_FAILED };
const char *notify_delivery_state_name(enum notify_delivery_state st);

struct notify_delivery {
	int64_t id, endpoint_id;
	const char *msg_id, *type, *body, *url;
	enum notify_delivery_state state;
	int attempts;               /* since it was (re)queued              */
	int last_status;            /* HTTP status of the last attempt, 0: none */
	const char *last_error;     /* "" or what went wrong (no body text) */
	int64_t next_attempt_at;    /* 0: none (delivered, failed)          */
	int64_t created_at, delivered_at;
};
/* notify_delivery_list -- tenant's deliveries, newest first, of endpoint
 * (0: every endpoint), at most limit (1..200); returns how many or a
 * negative ERR_* */
int notify_delivery_list(struct store *s, const char *tenant, int64_t endpoint, int limit,
			 void (*fn)(const struct notify_delivery *d, void *arg), void *arg,
			 struct err *e);
/* notify_delivery_get -- one delivery of tenant and its attempts (fn sees
 * each: number, time, status, error); ERR_NOTFOUND */
int notify_delivery_get(struct notify_delivery *out, struct arena *a, struct store *s,
			const char *tenant, int64_t id,
			void (*fn)(int n, int64_t at, int status, const char *error, void *arg),
			void *arg, struct err *e);
/* notify_delivery_resend -- a failed delivery queued again now (its
 * webhook-id kept, its attempts counted afresh); ERR_NOTFOUND, ERR_CONFLICT
 * (not failed) */
int notify_delivery_resend(struct store *s, const char *tenant, int64_t id, int64_t now,
			   struct err *e);

/* ---- the delivery job (hooks_send.c) ---- */

struct notify_hooks_run {
	int sent, delivered, retried, failed;
	int64_t next_at;            /* earliest queued attempt left, 0: none */
};
/* notify_hooks_deliver -- claim the due deliveries (every tenant) in
 * batches and POST each, recording every attempt and its outcome, until
 * none is due at now or max_batches were done.  flags:
 * NOTIFY_HOOK_ALLOW_LOOPBACK.  Sending happens outside any transaction;
 * a claim lasts 15 minutes (a runner that dies leaves them due again).
 * ERR_DB. */
int notify_hooks_deliver(struct notify_hooks_run *out, struct store *s,
			 const unsigned char key[NOTIFY_HOOK_KEY_LEN], int flags, int max_batches,
			 int64_t now, struct err *e);
/* notify_hooks_wake -- make sure a "notify.hooks" job is queued by at
 * (seconds); in the caller's transaction */
int notify_hooks_wake(struct store *s, int64_t at, struct err *e);
#define NOTIFY_HOOKS_JOB "notify.hooks"

#endif
