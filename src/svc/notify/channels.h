/*
 * channels.h -- the provider adapters of the SMS and LINE channels
 * (sms.c: Twilio's Messages API shape; line.c: the LINE Messaging API),
 * their configuration (the serve options), the signatures of their
 * callbacks, and one HTTP POST over libcurl they share.  Domain and
 * protocol only: the routes and the job are web/page_channels.c's.
 *
 * A channel without its options is off: nothing is offered, nothing is
 * sent, its messages stay queued.  Keys, tokens and secrets are read once
 * at start and wiped at stop; nothing here logs them, a number, a user id
 * or a text.
 */
#ifndef MADOGUCHI_SVC_NOTIFY_CHANNELS_H
#define MADOGUCHI_SVC_NOTIFY_CHANNELS_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "svc/notify/notify.h"

#define NOTIFY_URL_MAX 300
#define NOTIFY_HTTP_TIMEOUT_S 10
#define NOTIFY_CALLBACK_BODY_MAX 16384

/* an http(s) URL of printable ASCII, no query or fragment: 0 or ERR_INVALID */
int notify_url_ok(const char *v);

/* a signature check's answer */
enum notify_sig { NOTIFY_SIG_OK = 0, NOTIFY_SIG_ABSENT, NOTIFY_SIG_MALFORMED, NOTIFY_SIG_FORGED };

/* notify_http_call -- POST body to url (HTTP Basic userpwd, or NULL) with
 * the headers (NULL-terminated list); *status the answer's code and resp
 * its body (bounded by resp's limit).  ERR_UNAVAILABLE with "curl N" in e
 * when no answer came. */
int notify_http_call(long *status, struct buf *resp, const char *url, const char *userpwd,
		     const char *const *headers, const char *body, struct err *e);

/* ---- SMS (sms.c) ---- */
struct notify_sms_config {
	char base_url[NOTIFY_URL_MAX + 1];   /* https://api.twilio.com      */
	char sid[64];                        /* the AccountSid              */
	char token[128];                     /* the AuthToken: API and signature */
	size_t token_len;
	char from[NOTIFY_PHONE_MAX + 1];     /* the sender's number         */
};
/* notify_sms_config_load -- --sms-url, --sms-key-file (a line
 * "AccountSid:AuthToken") and --sms-from: all or none (*enabled 0). */
int notify_sms_config_load(struct notify_sms_config *c, int *enabled, const char *url,
			   const char *key_file, const char *from, struct err *e);
void notify_sms_config_wipe(struct notify_sms_config *c);
/* notify_sms_send -- one message to the provider (blocking, up to
 * NOTIFY_HTTP_TIMEOUT_S): ACCEPTED with its sid in provider_id, or the
 * outcome with a code ("sms 400 21211", "sms 503", "sms curl 7") */
enum notify_outcome notify_sms_send(char provider_id[NOTIFY_PROVIDER_ID_MAX + 1],
				    char code[NOTIFY_CODE_MAX + 1], const struct notify_sms_config *c,
				    const char *to, const char *body, const char *callback_url);
/* notify_sms_signature -- X-Twilio-Signature of a form POST to url with
 * these decoded parameters: base64(HMAC-SHA1(token, url + name value ...
 * sorted by name)); at most 64 parameters.  0 or ERR_* */
int notify_sms_signature(char *out, size_t cap, const char *token, size_t token_len,
			 const char *url, const char **names, const char **values, int n);
/* notify_sms_verify -- the header against the signature: compared in
 * constant time; enum notify_sig */
int notify_sms_verify(const char *token, size_t token_len, const char *url, const char *header,
		      const char **names, const char **values, int n);
/* notify_sms_status_of -- a MessageStatus as a state: delivered,
 * undelivered (bounced), failed; the intermediate ones NOTIFY_SENDING;
 * -1 unknown */
int notify_sms_status_of(const char *s);

/* ---- LINE (line.c) ---- */
struct notify_line_config {
	char base_url[NOTIFY_URL_MAX + 1];   /* https://api.line.me         */
	char token[512];                     /* the channel access token    */
	char secret[128];                    /* the channel secret (webhook) */
	size_t secret_len;
};
/* --line-url, --line-token-file, --line-secret-file: all or none */
int notify_line_config_load(struct notify_line_config *c, int *enabled, const char *url,
			    const char *token_file, const char *secret_file, struct err *e);
void notify_line_config_wipe(struct notify_line_config *c);
/* notify_line_retry_key -- the X-Line-Retry-Key of a message: a UUID
 * derived from its tenant, id and creation time, the same on every attempt */
void notify_line_retry_key(char out[37], const char *tenant, int64_t id, int64_t created_at);
/* notify_line_push -- one text message to a user (blocking): ACCEPTED
 * (provider_id: the platform's message id, or the retry key after a 409),
 * or the outcome with a code ("line 400", "line 429", "line curl 7") */
enum notify_outcome notify_line_push(char provider_id[NOTIFY_PROVIDER_ID_MAX + 1],
				     char code[NOTIFY_CODE_MAX + 1],
				     const struct notify_line_config *c, const char *to,
				     const char *text, const char *retry_key);
/* X-Line-Signature: base64(HMAC-SHA256(secret, body)); verify compares in
 * constant time (enum notify_sig) */
int notify_line_signature(char *out, size_t cap, const char *secret, size_t secret_len,
			  const char *body, size_t len);
int notify_line_verify(const char *secret, size_t secret_len, const char *header, const char *body,
		       size_t len);
/* one webhook event, as far as this service reads it */
struct notify_line_event {
	char event_id[64];          /* webhookEventId ([A-Za-z0-9])          */
	char type[16];              /* message, follow, unfollow, ...        */
	char user_id[NOTIFY_LINE_ID_LEN + 1];   /* "" unless a user's         */
	char text[64];              /* a text message's text ("" otherwise, or longer) */
	int64_t timestamp_ms;
	int redelivery;
};
/* notify_line_events_parse -- up to max events of a webhook body (events
 * without an id are skipped); returns how many or ERR_INVALID/ERR_LIMIT */
int notify_line_events_parse(struct notify_line_event *ev, int max, const char *body, size_t len,
			     struct err *e);

#endif
