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

#endif
