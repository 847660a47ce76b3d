/*
 * sms.c -- the SMS adapter: Twilio's Programmable Messaging API shape
 * (documented at twilio.com/docs/messaging/api/message-resource and
 * twilio.com/docs/usage/webhooks/webhooks-security), over libcurl.
 *
 *   POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
 *        HTTP Basic auth AccountSid:AuthToken; form To, From, Body,
 *        StatusCallback  -> 201 {"sid": "SM...", "status": "queued", ...}
 *        an error        -> 4xx {"code": 21211, "message": ..., "status": 400}
 *   the status callback: a form POST to StatusCallback with MessageSid,
 *        MessageStatus (queued|sending|sent|delivered|undelivered|failed),
 *        ErrorCode, AccountSid, signed in X-Twilio-Signature =
 *        base64(HMAC-SHA1(AuthToken, URL + each parameter's name and value,
 *        sorted by name)).
 *
 * Outcomes of a send: 2xx accepted (the sid kept); 429 and 5xx transient
 * (back-off); 401/403 the configuration (deferred, no attempt charged);
 * other 4xx the message refused (failed, "sms 400 21211"); no answer
 * (curl) deferred.  Nothing here logs a number, a text or a secret.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/util.h"
#include "svc/notify/notify.h"
#include "svc/notify/channels.h"

/* the channels' one URL rule (base/url.h), at the channels' limit */
int notify_url_ok(const char *v)
{
	return url_base_ok(v, NOTIFY_URL_MAX);
}

int notify_sms_config_load(struct notify_sms_config *c, int *enabled, const char *url,
			   const char *key_file, const char *from, struct err *e)
{
	memset(c, 0, sizeof *c);
	*enabled = 0;
	if (!url && !key_file && !from)
		return 0;
	if (!url || !key_file || !from)
		return err_set(e, ERR_INVALID, "sms: --sms-url, --sms-key-file and --sms-from go together");
	if (notify_url_ok(url))
		return err_set(e, ERR_INVALID, "sms: --sms-url is not an http(s) URL");
	if (!notify_phone_valid(from))
		return err_set(e, ERR_INVALID, "sms: --sms-from is not an E.164 number");
	snprintf(c->base_url, sizeof c->base_url, "%s", url);
	url_trim_slashes(c->base_url);
	snprintf(c->from, sizeof c->from, "%s", from);
	char line[256];
	int rc = keyfile_read_line(line, sizeof line, key_file, e);
	if (rc)
		return rc;
	char *colon = strchr(line, ':');
	size_t sl = colon ? (size_t)(colon - line) : 0;
	if (!colon || sl < 2 || sl >= sizeof c->sid || strlen(colon + 1) < 16 ||
	    strlen(colon + 1) >= sizeof c->token) {
		sodium_memzero(line, sizeof line);
		return err_set(e, ERR_INVALID, "sms: the key file's line is not AccountSid:AuthToken"
			       " (a token of at least 16 bytes)");
	}
	for (size_t i = 0; i < sl; i++)
		if (!isalnum((unsigned char)line[i])) {
			sodium_memzero(line, sizeof line);
			return err_set(e, ERR_INVALID, "sms: the AccountSid is not alphanumeric");
		}
	memcpy(c->sid, line, sl);
	snprintf(c->token, sizeof c->token, "%s", colon + 1);
	c->token_len = strlen(c->token);
	sodium_memzero(line, sizeof line);
	*enabled = 1;
	return 0;
}

void notify_sms_config_wipe(struct notify_sms_config *c)
{
	sodium_memzero(c, sizeof *c);
}

/* ---- the signature ---- */

struct pair {
	const char *k, *v;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	return strcmp(x->k, y->k);
}

int notify_sms_signature(char *out, size_t cap, const char *token, size_t token_len,
			 const char *url, const char **names, const char **values, int n)
{
	if (n < 0 || n > 64 || cap < 29)
		return ERR_INVALID;
	struct pair p[64];
	for (int i = 0; i < n; i++)
		p[i] = (struct pair){ names[i], values[i] };
	qsort(p, (size_t)n, sizeof p[0], pair_cmp);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	/* HMAC() over one buffer: url + k1 v1 k2 v2 ... */
	struct buf b;
	buf_init(&b, 256 * 1024);
	int rc = buf_append(&b, url, strlen(url));
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = buf_append(&b, p[i].k, strlen(p[i].k));
		if (rc == 0)
			rc = buf_append(&b, p[i].v, strlen(p[i].v));
	}
	if (rc == 0 && !HMAC(EVP_sha1(), token, (int)token_len, (const unsigned char *)b.data, b.len,
			     mac, &mlen))
		rc = ERR_INTERNAL;
	buf_done(&b);
	if (rc)
		return rc;
	sodium_bin2base64(out, cap, mac, mlen, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(mac, sizeof mac);
	return 0;
}

int notify_sms_verify(const char *token, size_t token_len, const char *url, const char *header,
		      const char **names, const char **values, int n)
{
	if (!header || !*header)
		return NOTIFY_SIG_ABSENT;
	if (strlen(header) != 28)   /* base64 of 20 bytes */
		return NOTIFY_SIG_MALFORMED;
	char want[64];
	if (notify_sms_signature(want, sizeof want, token, token_len, url, names, values, n))
		return NOTIFY_SIG_MALFORMED;
	int ok = sodium_memcmp(want, header, 28) == 0;
	sodium_memzero(want, sizeof want);
	return ok ? NOTIFY_SIG_OK : NOTIFY_SIG_FORGED;
}

/* ---- the API ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_init_once(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	if (buf_append(b, p, size * n))
		return 0;
	return size * n;
}

int notify_http_call(long *status, struct buf *resp, const char *url, const char *userpwd,
		     const char *const *headers, const char *body, struct err *e)
{
	*status = 0;
	pthread_once(&curl_once, curl_init_once);
	if (!curl_ok)
		return err_set(e, ERR_INTERNAL, "curl_global_init failed");
	CURL *h = curl_easy_init();
	if (!h)
		return err_set(e, ERR_NOMEM, "curl_easy_init failed");
	struct curl_slist *hd = NULL, *t;
	for (int i = 0; headers && headers[i]; i++) {
		if (!(t = curl_slist_append(hd, headers[i]))) {
			curl_slist_free_all(hd);
			curl_easy_cleanup(h);
			return err_set(e, ERR_NOMEM, "no memory for headers");
		}
		hd = t;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_HTTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)NOTIFY_HTTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (hd)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	if (userpwd) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERPWD, userpwd);
	}
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK)
		return err_set(e, ERR_UNAVAILABLE, "curl %d", (int)cc);
	return 0;
}

static int form_add(struct buf *b, CURL *h, const char *k, const char *v)
{
	char *ev = curl_easy_escape(h, v, 0);
	if (!ev)
		return ERR_NOMEM;
	int rc = 0;
	if (b->len)
		rc = buf_append(b, "&", 1);
	if (rc == 0)
		rc = buf_append(b, k, strlen(k));
	if (rc == 0)
		rc = buf_append(b, "=", 1);
	if (rc == 0)
		rc = buf_append(b, ev, strlen(ev));
	curl_free(ev);
	return rc;
}

enum notify_outcome notify_sms_send(char provider_id[NOTIFY_PROVIDER_ID_MAX + 1],
				    char code[NOTIFY_CODE_MAX + 1], const struct notify_sms_config *c,
				    const char *to, const char *body, const char *callback_url)
{
	provider_id[0] = code[0] = 0;
	pthread_once(&curl_once, curl_init_once);
	CURL *esc = curl_easy_init();
	if (!esc) {
		snprintf(code, NOTIFY_CODE_MAX + 1, "sms nomem");
		return NOTIFY_OUT_DEFER;
	}
	struct buf form;
	buf_init(&form, 64 * 1024);
	int rc = form_add(&form, esc, "To", to);
	if (rc == 0)
		rc = form_add(&form, esc, "From", c->from);
	if (rc == 0)
		rc = form_add(&form, esc, "Body", body);
	if (rc == 0 && callback_url)
		rc = form_add(&form, esc, "StatusCallback", callback_url);
	if (rc == 0)
		rc = buf_append(&form, "", 1) ? ERR_NOMEM : 0;
	curl_easy_cleanup(esc);
	if (rc) {
		buf_done(&form);
		snprintf(code, NOTIFY_CODE_MAX + 1, "sms nomem");
		return NOTIFY_OUT_DEFER;
	}
	char url[NOTIFY_URL_MAX + 128], userpwd[sizeof c->sid + sizeof c->token + 2];
	snprintf(url, sizeof url, "%s/2010-04-01/Accounts/%s/Messages.json", c->base_url, c->sid);
	snprintf(userpwd, sizeof userpwd, "%s:%s", c->sid, c->token);
	static const char *const hdrs[] = { "Accept: application/json",
					    "Content-Type: application/x-www-form-urlencoded", NULL };
	struct buf resp;
	buf_init(&resp, 64 * 1024);
	long status = 0;
	struct err e = { 0 };
	rc = notify_http_call(&status, &resp, url, userpwd, hdrs, form.data, &e);
	sodium_memzero(userpwd, sizeof userpwd);
	buf_done(&form);
	enum notify_outcome o;
	json_t *j = NULL;
	if (rc) {
		snprintf(code, NOTIFY_CODE_MAX + 1, "sms %.30s", e.detail);
		o = NOTIFY_OUT_DEFER;
		goto out;
	}
	json_error_t je;
	j = resp.len ? json_loadb(resp.data, resp.len, 0, &je) : NULL;
	json_t *jc = json_is_object(j) ? json_object_get(j, "code") : NULL;
	long pcode = json_is_integer(jc) ? (long)json_integer_value(jc) : 0;
	if (status >= 200 && status < 300) {
		json_t *sid = json_is_object(j) ? json_object_get(j, "sid") : NULL;
		const char *sv = json_is_string(sid) ? json_string_value(sid) : NULL;
		size_t n = sv ? strlen(sv) : 0;
		int ok = n >= 2 && n <= NOTIFY_PROVIDER_ID_MAX;
		for (size_t i = 0; ok && i < n; i++)
			ok = isalnum((unsigned char)sv[i]) != 0;
		if (!ok) {
			snprintf(code, NOTIFY_CODE_MAX + 1, "sms %ld no sid", status);
			o = NOTIFY_OUT_RETRY;
		} else {
			snprintf(provider_id, NOTIFY_PROVIDER_ID_MAX + 1, "%s", sv);
			o = NOTIFY_OUT_ACCEPTED;
		}
	} else {
		if (pcode > 0 && pcode < 1000000)
			snprintf(code, NOTIFY_CODE_MAX + 1, "sms %ld %ld", status, pcode);
		else
			snprintf(code, NOTIFY_CODE_MAX + 1, "sms %ld", status);
		o = status == 429 || status >= 500 || status < 200 ? NOTIFY_OUT_RETRY
		    : status == 401 || status == 403	       ? NOTIFY_OUT_DEFER
								       : NOTIFY_OUT_REFUSED;
	}
out:
	json_decref(j);
	buf_done(&resp);
	return o;
}

int notify_sms_status_of(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "delivered") == 0)
		return NOTIFY_DELIVERED;
	if (strcmp(s, "undelivered") == 0)
		return NOTIFY_BOUNCED;
	if (strcmp(s, "failed") == 0)
		return NOTIFY_FAILED;
	if (strcmp(s, "queued") == 0 || strcmp(s, "sending") == 0 || strcmp(s, "sent") == 0 ||
	    strcmp(s, "accepted") == 0 || strcmp(s, "scheduled") == 0)
		return NOTIFY_SENDING;
	return -1;
}
