/*
 * line.c -- the LINE adapter: the LINE Messaging API's shape
 * (developers.line.biz/en/reference/messaging-api/), over libcurl.
 *
 *   POST {base}/v2/bot/message/push
 *        Authorization: Bearer <channel access token>
 *        X-Line-Retry-Key: <UUID>   the same key on every attempt of a
 *                                   message: the platform sends it once
 *        {"to": "U...", "messages": [{"type": "text", "text": "..."}]}
 *        -> 200 {"sentMessages": [{"id": "...", "quoteToken": "..."}]}
 *        -> 409 the retry key was accepted before (a retry after a lost
 *           answer): already sent
 *   the webhook: POST with X-Line-Signature = base64(HMAC-SHA256(channel
 *        secret, the body)); {"destination", "events": [{"type":
 *        "message"|"follow"|"unfollow", "webhookEventId", "timestamp",
 *        "source": {"type": "user", "userId"}, "message": {"type":
 *        "text", "text"}, "deliveryContext": {"isRedelivery"}}]}
 *
 * The Messaging API reports no delivery to the phone: a push the platform
 * accepted is delivered as far as anyone can tell (page_channels.c
 * records it so).  Outcomes: 200/409 accepted; 429, 5xx retried; 401/403
 * deferred (the token); other 4xx refused ("line 400").  Nothing here
 * logs a token, a secret, a user id or a text.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/util.h"
#include "svc/notify/channels.h"
#include "svc/notify/notify.h"

int notify_line_config_load(struct notify_line_config *c, int *enabled, const char *url,
			    const char *token_file, const char *secret_file, struct err *e)
{
	memset(c, 0, sizeof *c);
	*enabled = 0;
	if (!url && !token_file && !secret_file)
		return 0;
	if (!url || !token_file || !secret_file)
		return err_set(e, ERR_INVALID,
			       "line: --line-url, --line-token-file and --line-secret-file go together");
	if (notify_url_ok(url))
		return err_set(e, ERR_INVALID, "line: --line-url is not an http(s) URL");
	snprintf(c->base_url, sizeof c->base_url, "%s", url);
	url_trim_slashes(c->base_url);
	int rc = keyfile_read_line(c->token, sizeof c->token, token_file, e);
	if (rc == 0)
		rc = keyfile_read_line(c->secret, sizeof c->secret, secret_file, e);
	if (rc) {
		notify_line_config_wipe(c);
		return rc;
	}
	c->secret_len = strlen(c->secret);
	if (c->secret_len < 16 || strlen(c->token) < 16) {
		notify_line_config_wipe(c);
		return err_set(e, ERR_INVALID, "line: the token or the secret is shorter than 16 bytes");
	}
	*enabled = 1;
	return 0;
}

void notify_line_config_wipe(struct notify_line_config *c)
{
	sodium_memzero(c, sizeof *c);
}

void notify_line_retry_key(char out[37], const char *tenant, int64_t id, int64_t created_at)
{
	char in[128];
	int n = snprintf(in, sizeof in, "madoguchi-line:%s:%lld:%lld", tenant, (long long)id,
			 (long long)created_at);
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)in, (size_t)n, NULL, 0);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);   /* version 4 layout */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);   /* variant */
	char hex[33];
	hex_encode(hex, h, sizeof h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

enum notify_outcome notify_line_push(char provider_id[NOTIFY_PROVIDER_ID_MAX + 1],
				     char code[NOTIFY_CODE_MAX + 1],
				     const struct notify_line_config *c, const char *to,
				     const char *text, const char *retry_key)
{
	provider_id[0] = code[0] = 0;
	json_t *req = json_pack("{ss s[{ssss}]}", "to", to, "messages", "type", "text", "text", text);
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!body) {
		snprintf(code, NOTIFY_CODE_MAX + 1, "line nomem");
		return NOTIFY_OUT_DEFER;
	}
	char url[NOTIFY_URL_MAX + 32], auth[sizeof c->token + 32], rk[80];
	snprintf(url, sizeof url, "%s/v2/bot/message/push", c->base_url);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
	snprintf(rk, sizeof rk, "X-Line-Retry-Key: %s", retry_key);
	const char *const hdrs[] = { auth, rk, "Content-Type: application/json", "Accept: application/json",
				     NULL };
	struct buf resp;
	buf_init(&resp, 64 * 1024);
	long status = 0;
	struct err e = { 0 };
	int rc = notify_http_call(&status, &resp, url, NULL, hdrs, body, &e);
	sodium_memzero(auth, sizeof auth);
	free(body);
	enum notify_outcome o;
	if (rc) {
		snprintf(code, NOTIFY_CODE_MAX + 1, "line %.30s", e.detail);
		o = NOTIFY_OUT_DEFER;
	} else if (status == 200 || status == 409) {
		/* the platform's message id when it says one, else the retry key */
		json_error_t je;
		json_t *j = status == 200 && resp.len ? json_loadb(resp.data, resp.len, 0, &je) : NULL;
		json_t *id = json_object_get(json_array_get(json_object_get(j, "sentMessages"), 0), "id");
		const char *sv = json_is_string(id) ? json_string_value(id) : NULL;
		int ok = sv && *sv && strlen(sv) <= NOTIFY_PROVIDER_ID_MAX;
		for (const char *p = sv; ok && *p; p++)
			ok = isalnum((unsigned char)*p) != 0;
		snprintf(provider_id, NOTIFY_PROVIDER_ID_MAX + 1, "%s", ok ? sv : retry_key);
		json_decref(j);
		o = NOTIFY_OUT_ACCEPTED;
	} else {
		snprintf(code, NOTIFY_CODE_MAX + 1, "line %ld", status);
		o = status == 429 || status >= 500 || status < 200 ? NOTIFY_OUT_RETRY
		    : status == 401 || status == 403	       ? NOTIFY_OUT_DEFER
								       : NOTIFY_OUT_REFUSED;
	}
	buf_done(&resp);
	return o;
}

int notify_line_signature(char *out, size_t cap, const char *secret, size_t secret_len,
			  const char *body, size_t len)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
	if (cap < sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL))
		return ERR_LIMIT;
	sodium_bin2base64(out, cap, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(mac, sizeof mac);
	return 0;
}

int notify_line_verify(const char *secret, size_t secret_len, const char *header, const char *body,
		       size_t len)
{
	if (!header || !*header)
		return NOTIFY_SIG_ABSENT;
	if (strlen(header) != 44)   /* base64 of 32 bytes */
		return NOTIFY_SIG_MALFORMED;
	char want[64];
	if (notify_line_signature(want, sizeof want, secret, secret_len, body, len))
		return NOTIFY_SIG_MALFORMED;
	int ok = sodium_memcmp(want, header, 44) == 0;
	sodium_memzero(want, sizeof want);
	return ok ? NOTIFY_SIG_OK : NOTIFY_SIG_FORGED;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int notify_line_events_parse(struct notify_line_event *ev, int max, const char *body, size_t len,
			     struct err *e)
{
	if (len > NOTIFY_CALLBACK_BODY_MAX)
		return err_set(e, ERR_LIMIT, "line: body too large");
	json_error_t je;
	json_t *j = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
	json_t *events = json_object_get(j, "events");
	if (!json_is_object(j) || !json_is_array(events)) {
		json_decref(j);
		return err_set(e, ERR_INVALID, "line: not a webhook body");
	}
	int n = 0;
	size_t i;
	json_t *x;
	json_array_foreach(events, i, x) {
		if (n == max)
			break;
		struct notify_line_event *v = &ev[n];
		memset(v, 0, sizeof *v);
		const char *type = jstr(x, "type"), *id = jstr(x, "webhookEventId");
		json_t *src = json_object_get(x, "source");
		const char *uid = jstr(src, "userId"), *stype = jstr(src, "type");
		if (!type || !id || strlen(id) >= sizeof v->event_id || strlen(type) >= sizeof v->type)
			continue;   /* not an event this service reads */
		int ok = 1;
		for (const char *p = id; *p && ok; p++)
			ok = isalnum((unsigned char)*p) != 0;
		if (!ok)
			continue;
		snprintf(v->event_id, sizeof v->event_id, "%s", id);
		snprintf(v->type, sizeof v->type, "%s", type);
		if (stype && strcmp(stype, "user") == 0 && notify_line_id_valid(uid))
			snprintf(v->user_id, sizeof v->user_id, "%s", uid);
		json_t *m = json_object_get(x, "message");
		const char *mt = jstr(m, "type"), *text = jstr(m, "text");
		if (mt && strcmp(mt, "text") == 0 && text && strlen(text) < sizeof v->text)
			snprintf(v->text, sizeof v->text, "%s", text);
		json_t *ts = json_object_get(x, "timestamp");
		v->timestamp_ms = json_is_integer(ts) ? (int64_t)json_integer_value(ts) : 0;
		json_t *rd = json_object_get(json_object_get(x, "deliveryContext"), "isRedelivery");
		v->redelivery = json_is_true(rd);
		n++;
	}
	json_decref(j);
	return n;
}
