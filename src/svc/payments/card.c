/*
 * card.c -- the card adapter: the provider's API over libcurl, the
 * webhook's signature and body, and the attempts that settle a card
 * payment exactly once (card.h says the flow and its invariants; the
 * API shape is in README.md "## Card").
 *
 * Tables (this file's SQL only; migration card_schema_sql):
 *   payment_card_attempts  one row per payment created at the provider:
 *                          open until settled success or failed, once
 *   payment_card_events    the webhook events seen, by id (replays)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/util.h"
#include "store/store.h"
#include "svc/payments/card.h"

const char card_schema_sql[] =
	"CREATE TABLE payment_card_attempts ("
	" tenant TEXT NOT NULL REFERENCES tenants(code),"
	" provider_id TEXT NOT NULL,"
	" number TEXT NOT NULL,"
	" amount_yen BIGINT NOT NULL,"
	" outcome TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'success', 'failed')),"
	" created_at BIGINT NOT NULL,"
	" settled_at BIGINT,"
	" settled_by TEXT,"
	" PRIMARY KEY (tenant, provider_id));"
	"CREATE INDEX payment_card_attempts_open ON payment_card_attempts (outcome, created_at);"
	"CREATE INDEX payment_card_attempts_number ON payment_card_attempts (tenant, number);"
	"CREATE TABLE payment_card_events ("
	" tenant TEXT NOT NULL REFERENCES tenants(code),"
	" event_id TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" provider_id TEXT NOT NULL,"
	" received_at BIGINT NOT NULL,"
	" PRIMARY KEY (tenant, event_id))";

/* ---- configuration ---- */

int card_config_load(struct card_config *c, int *enabled, const char *url, const char *key_file,
		     const char *secret_file, struct err *e)
{
	memset(c, 0, sizeof *c);
	*enabled = 0;
	if (!url && !key_file && !secret_file)
		return 0;
	if (!url || !key_file || !secret_file)
		return err_set(e, ERR_INVALID,
			       "card: --pay-card-url, --pay-card-key-file and "
			       "--pay-card-webhook-secret-file go together");
	if (url_base_ok(url, CARD_URL_MAX))
		return err_set(e, ERR_INVALID, "card: --pay-card-url is not an http(s) URL");
	snprintf(c->base_url, sizeof c->base_url, "%s", url);
	url_trim_slashes(c->base_url);
	int rc = keyfile_read_line(c->api_key, sizeof c->api_key, key_file, e);
	if (rc == 0)
		rc = keyfile_read_line(c->secret, sizeof c->secret, secret_file, e);
	if (rc) {
		card_config_wipe(c);
		return rc;
	}
	c->secret_len = strlen(c->secret);
	if (c->secret_len < 16) {
		card_config_wipe(c);
		return err_set(e, ERR_INVALID, "card: the webhook secret is shorter than 16 bytes");
	}
	*enabled = 1;
	return 0;
}

void card_config_wipe(struct card_config *c)
{
	sodium_memzero(c->api_key, sizeof c->api_key);
	sodium_memzero(c->secret, sizeof c->secret);
	c->secret_len = 0;
}

/* ---- names ---- */

static const char *const status_names[] = {
	[CARD_S_UNKNOWN] = "unknown", [CARD_S_CREATED] = "created", [CARD_S_STARTED] = "started",
	[CARD_S_SUBMITTED] = "submitted", [CARD_S_SUCCESS] = "success", [CARD_S_FAILED] = "failed",
	[CARD_S_CANCELLED] = "cancelled", [CARD_S_ERROR] = "error",
};

enum card_status card_status_of(const char *name)
{
	for (int i = 1; name && i < (int)(sizeof status_names / sizeof status_names[0]); i++)
		if (strcmp(name, status_names[i]) == 0)
			return (enum card_status)i;
	return CARD_S_UNKNOWN;
}

int card_status_final(enum card_status st)
{
	return st == CARD_S_SUCCESS || st == CARD_S_FAILED || st == CARD_S_CANCELLED ||
	       st == CARD_S_ERROR;
}

const char *card_sig_name(enum card_sig s)
{
	switch (s) {
	case CARD_SIG_OK: return "ok";
	case CARD_SIG_ABSENT: return "absent";
	case CARD_SIG_MALFORMED: return "malformed";
	case CARD_SIG_EXPIRED: return "expired";
	case CARD_SIG_FORGED: return "forged";
	}
	return "?";
}

const char *card_settled_name(enum card_settled s)
{
	switch (s) {
	case CARD_SETTLED_NOW: return "settled";
	case CARD_SETTLED_BEFORE: return "settled_before";
	case CARD_SETTLED_OPEN: return "open";
	case CARD_SETTLED_UNKNOWN: return "unknown";
	case CARD_SETTLED_SEEN: return "seen";
	}
	return "?";
}

/* the provider's payment id: [A-Za-z0-9_-], 1..CARD_ID_MAX */
static int id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > CARD_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

static int event_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > CARD_EVENT_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.:-", s[i]))
			return 0;
	return 1;
}

/* a URL the payer is sent to: http(s), printable ASCII, nothing that
 * could leave an attribute */
static int next_url_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 8 || n > CARD_NEXT_URL_MAX)
		return 0;
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\'' || ch == '<' || ch == '>' ||
		    ch == '\\' || ch == '`')
			return 0;
	}
	return 1;
}

/* ---- the provider's API ---- */

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
		return 0;                   /* over CARD_RESPONSE_MAX: abort */
	return size * n;
}

/* one call: method, path under the base URL, a JSON body or NULL; the
 * answer's JSON object in *out (caller json_decref's) */
static int api_call(json_t **out, const struct card_config *c, const char *method,
		    const char *path, const char *body, const char *idem, struct err *e)
{
	*out = NULL;
	pthread_once(&curl_once, curl_init_once);
	if (!curl_ok)
		return err_set(e, ERR_INTERNAL, "card: curl_global_init failed");
	CURL *h = curl_easy_init();
	if (!h)
		return err_set(e, ERR_NOMEM, "card: curl_easy_init failed");
	char url[CARD_URL_MAX + 200];
	snprintf(url, sizeof url, "%s%s", c->base_url, path);
	char auth[CARD_KEY_MAX + 32];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->api_key);
	struct curl_slist *hd = NULL, *t;
	int ok = 1;
	if ((t = curl_slist_append(hd, auth)))
		hd = t;
	else
		ok = 0;
	if (ok && (t = curl_slist_append(hd, "Accept: application/json")))
		hd = t;
	else
		ok = 0;
	if (ok && body && (t = curl_slist_append(hd, "Content-Type: application/json")))
		hd = t;
	else if (body)
		ok = 0;
	char ik[120];
	if (idem) {   /* the provider does it once for a key (a retried refund) */
		snprintf(ik, sizeof ik, "Idempotency-Key: %.90s", idem);
		if (ok && (t = curl_slist_append(hd, ik)))
			hd = t;
		else
			ok = 0;
	}
	sodium_memzero(auth, sizeof auth);
	if (!ok) {
		curl_slist_free_all(hd);
		curl_easy_cleanup(h);
		return err_set(e, ERR_NOMEM, "card: no memory for headers");
	}
	struct buf resp;
	buf_init(&resp, CARD_RESPONSE_MAX);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CARD_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)CARD_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode cc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	int rc = 0;
	if (cc != CURLE_OK)
		rc = err_set(e, cc == CURLE_WRITE_ERROR ? ERR_LIMIT : ERR_UNAVAILABLE,
			     "card: %s %s: %s", method, path, curl_easy_strerror(cc));
	else if (status == 401 || status == 403)
		rc = err_set(e, ERR_DENIED, "card: %s %s: the provider refused the key (%ld)", method,
			     path, status);
	else if (status == 404)
		rc = err_set(e, ERR_NOTFOUND, "card: %s %s: not found at the provider", method, path);
	else if (status >= 500 || status < 200)
		rc = err_set(e, ERR_UNAVAILABLE, "card: %s %s: the provider answered %ld", method,
			     path, status);
	else if (status >= 300)
		rc = err_set(e, ERR_INVALID, "card: %s %s: the provider answered %ld", method, path,
			     status);
	if (rc == 0) {
		json_error_t je;
		json_t *j = resp.len ? json_loadb(resp.data, resp.len, JSON_REJECT_DUPLICATES, &je)
				     : json_object();
		if (!j || !json_is_object(j)) {
			json_decref(j);
			rc = err_set(e, ERR_INVALID, "card: %s %s: the answer is not a JSON object",
				     method, path);
		} else {
			*out = j;
		}
	}
	buf_done(&resp);
	return rc;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int card_api_create(char *id, char *next_url, const struct card_config *c, int64_t amount_yen,
		    const char *reference, const char *description, const char *return_url,
		    struct err *e)
{
	id[0] = next_url[0] = 0;
	if (amount_yen < 1 || amount_yen > PAY_AMOUNT_MAX)
		return err_set(e, ERR_INVALID, "card: amount out of range");
	json_t *req = json_pack("{sIssssss}", "amount", (json_int_t)amount_yen, "reference",
				reference, "description", description, "return_url", return_url);
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!body)
		return err_set(e, ERR_NOMEM, "card: no memory for the request");
	json_t *j;
	int rc = api_call(&j, c, "POST", "/v1/payments", body, NULL, e);
	free(body);
	if (rc)
		return rc;
	const char *pid = jstr(j, "payment_id");
	const char *href = jstr(json_object_get(json_object_get(j, "_links"), "next_url"), "href");
	if (!id_ok(pid))
		rc = err_set(e, ERR_INVALID, "card: the provider's payment_id is missing or malformed");
	else if (!next_url_ok(href))
		rc = err_set(e, ERR_INVALID, "card: the provider's next_url is missing or malformed");
	else {
		snprintf(id, CARD_ID_MAX + 1, "%s", pid);
		snprintf(next_url, CARD_NEXT_URL_MAX + 1, "%s", href);
	}
	json_decref(j);
	return rc;
}

int card_api_status(enum card_status *st, int64_t *amount_yen, const struct card_config *c,
		    const char *id, struct err *e)
{
	*st = CARD_S_UNKNOWN;
	*amount_yen = 0;
	if (!id_ok(id))
		return err_set(e, ERR_INVALID, "card: bad provider id");
	char path[CARD_ID_MAX + 32];
	snprintf(path, sizeof path, "/v1/payments/%s", id);
	json_t *j;
	int rc = api_call(&j, c, "GET", path, NULL, NULL, e);
	if (rc)
		return rc;
	const char *s = jstr(json_object_get(j, "state"), "status");
	json_t *a = json_object_get(j, "amount");
	*st = card_status_of(s);
	if (*st == CARD_S_UNKNOWN)
		rc = err_set(e, ERR_INVALID, "card: the provider's state is missing or unknown");
	else if (json_is_integer(a))
		*amount_yen = (int64_t)json_integer_value(a);
	json_decref(j);
	return rc;
}

int card_api_refund(const struct card_config *c, const char *id, int64_t amount_yen,
		    struct err *e)
{
	if (!id_ok(id))
		return err_set(e, ERR_INVALID, "card: bad provider id");
	if (amount_yen < 1 || amount_yen > PAY_AMOUNT_MAX)
		return err_set(e, ERR_INVALID, "card: refund amount out of range");
	char path[CARD_ID_MAX + 40], body[64];
	snprintf(path, sizeof path, "/v1/payments/%s/refunds", id);
	snprintf(body, sizeof body, "{\"amount\":%lld}", (long long)amount_yen);
	char idem[CARD_ID_MAX + 16];
	snprintf(idem, sizeof idem, "refund:%s", id);
	json_t *j;
	int rc = api_call(&j, c, "POST", path, body, idem, e);
	if (rc)
		return rc;
	const char *s = jstr(j, "status");
	if (s && (strcmp(s, "failed") == 0 || strcmp(s, "error") == 0))
		rc = err_set(e, ERR_CONFLICT, "card: the provider refused the refund");
	json_decref(j);
	return rc;
}

/* ---- the webhook's signature ---- */

static void hmac_hex(char out[65], const char *secret, size_t secret_len, const char *t,
		     size_t tlen, const char *body, size_t len)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, tlen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	hex_encode(out, mac, sizeof mac);
	sodium_memzero(&st, sizeof st);
}

void card_signature_make(char *out, size_t cap, const char *secret, size_t secret_len, int64_t t,
			 const char *body, size_t len)
{
	char ts[24], hex[65];
	int tn = snprintf(ts, sizeof ts, "%lld", (long long)t);
	hmac_hex(hex, secret, secret_len, ts, (size_t)tn, body, len);
	snprintf(out, cap, "t=%s,v1=%s", ts, hex);
}

enum card_sig card_signature_verify(const char *secret, size_t secret_len, const char *header,
				    const char *body, size_t len, int64_t now)
{
	if (!header || !*header)
		return CARD_SIG_ABSENT;
	size_t hn = strlen(header);
	if (hn > CARD_SIG_HEADER_MAX)
		return CARD_SIG_MALFORMED;
	/* t=<digits> first, then one or more v1=<64 hex>, comma separated;
	 * other keys are skipped */
	const char *t = NULL;
	size_t tlen = 0;
	const char *v1[8];
	int nv = 0;
	const char *p = header;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		if (n > 2 && p[0] == 't' && p[1] == '=') {
			if (t)
				return CARD_SIG_MALFORMED;  /* two timestamps */
			t = p + 2;
			tlen = n - 2;
		} else if (n > 3 && strncmp(p, "v1=", 3) == 0) {
			if (n - 3 != 64 || nv == (int)(sizeof v1 / sizeof v1[0]))
				return CARD_SIG_MALFORMED;
			for (size_t i = 3; i < n; i++)
				if (!isxdigit((unsigned char)p[i]))
					return CARD_SIG_MALFORMED;
			v1[nv++] = p + 3;
		} else if (!memchr(p, '=', n)) {
			return CARD_SIG_MALFORMED;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (!t || !nv || tlen == 0 || tlen > 12)
		return CARD_SIG_MALFORMED;
	int64_t ts = 0;
	for (size_t i = 0; i < tlen; i++) {
		if (!isdigit((unsigned char)t[i]))
			return CARD_SIG_MALFORMED;
		ts = ts * 10 + (t[i] - '0');
	}
	if (ts < now - CARD_REPLAY_WINDOW_S || ts > now + CARD_REPLAY_WINDOW_S)
		return CARD_SIG_EXPIRED;
	char want[65];
	hmac_hex(want, secret, secret_len, t, tlen, body, len);
	int match = 0;
	for (int i = 0; i < nv; i++) {
		char got[65];
		for (int k = 0; k < 64; k++)
			got[k] = (char)tolower((unsigned char)v1[i][k]);
		got[64] = 0;
		/* every candidate compared, in constant time each */
		match |= sodium_memcmp(got, want, 64) == 0;
	}
	sodium_memzero(want, sizeof want);
	return match ? CARD_SIG_OK : CARD_SIG_FORGED;
}

int card_event_parse(struct card_event *ev, const char *body, size_t len, struct err *e)
{
	memset(ev, 0, sizeof *ev);
	if (len > CARD_WEBHOOK_BODY_MAX)
		return err_set(e, ERR_LIMIT, "card event: body over %d bytes", CARD_WEBHOOK_BODY_MAX);
	json_error_t je;
	json_t *j = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
	int rc = 0;
	if (!j || !json_is_object(j)) {
		rc = err_set(e, ERR_INVALID, "card event: not a JSON object");
		goto out;
	}
	const char *id = jstr(j, "event_id"), *type = jstr(j, "type"), *pid = jstr(j, "payment_id");
	json_t *amount = json_object_get(j, "amount"), *created = json_object_get(j, "created");
	if (!event_id_ok(id)) {
		rc = err_set(e, ERR_INVALID, "card event: event_id");
		goto out;
	}
	if (!type || (strcmp(type, "payment_succeeded") && strcmp(type, "payment_failed") &&
		      strcmp(type, "refund_succeeded"))) {
		rc = err_set(e, ERR_INVALID, "card event: type");
		goto out;
	}
	if (!id_ok(pid)) {
		rc = err_set(e, ERR_INVALID, "card event: payment_id");
		goto out;
	}
	if (!json_is_integer(amount) || json_integer_value(amount) < 0 ||
	    json_integer_value(amount) > PAY_AMOUNT_MAX) {
		rc = err_set(e, ERR_INVALID, "card event: amount");
		goto out;
	}
	if (created && !json_is_null(created) && !json_is_integer(created)) {
		rc = err_set(e, ERR_INVALID, "card event: created");
		goto out;
	}
	snprintf(ev->event_id, sizeof ev->event_id, "%s", id);
	snprintf(ev->payment_id, sizeof ev->payment_id, "%s", pid);
	ev->type = strcmp(type, "payment_succeeded") == 0 ? CARD_EV_SUCCEEDED
		   : strcmp(type, "payment_failed") == 0  ? CARD_EV_FAILED
							   : CARD_EV_REFUNDED;
	ev->amount_yen = (int64_t)json_integer_value(amount);
	ev->created = json_is_integer(created) ? (int64_t)json_integer_value(created) : 0;
out:
	json_decref(j);
	return rc;
}

/* ---- the domain ---- */

/* the day number (days since 1970-01-01) of t in Japan (UTC+9) */
static long jst_day(int64_t t)
{
	int64_t s = t + 9 * 3600;
	return (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

static int own_begin(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int own_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

struct attempt {
	char tenant[16];
	char provider_id[CARD_ID_MAX + 1];
	char number[PAY_NUMBER_LEN + 1];
	int64_t amount_yen;
	char outcome[8];
	int64_t created_at;
};

static int attempt_get(struct attempt *a, struct store *s, const char *tenant, const char *id,
		       struct err *e)
{
	memset(a, 0, sizeof *a);
	struct store_val v[] = { sv_text(tenant), sv_text(id) };
	struct store_rows *rows;
	int rc = store_query(&rows, s,
			     "SELECT number, amount_yen, outcome, created_at FROM payment_card_attempts"
			     " WHERE tenant = $1 AND provider_id = $2",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(rows, e);
	if (rc == 1) {
		snprintf(a->tenant, sizeof a->tenant, "%s", tenant);
		snprintf(a->provider_id, sizeof a->provider_id, "%s", id);
		snprintf(a->number, sizeof a->number, "%s", store_col_text(rows, 0));
		a->amount_yen = store_col_int(rows, 1);
		snprintf(a->outcome, sizeof a->outcome, "%s", store_col_text(rows, 2));
		a->created_at = store_col_int(rows, 3);
		rc = 0;
	} else if (rc == 0) {
		rc = ERR_NOTFOUND;
	}
	store_rows_free(rows);
	return rc;
}

int card_start(char *next_url, struct store *s, const struct card_config *c,
	       const struct card_start *st, const struct payment *p, const struct pay_actor *who,
	       struct err *e)
{
	next_url[0] = 0;
	if (p->state != PAY_PENDING || p->method != PAY_M_CARD)
		return err_set(e, ERR_CONFLICT, "card: the payment is not a pending card payment");
	/* the provider is called outside any transaction: it may take
	 * seconds.  The payment stays pending (card) if it fails: the payer
	 * may try again or choose another method. */
	char id[CARD_ID_MAX + 1];
	const char *description = p->description[0] ? p->description : p->reference;
	int rc = card_api_create(id, next_url, c, p->amount_yen, p->number, description,
				 st->return_url, e);
	if (rc)
		return rc;
	int own;
	if ((rc = own_begin(s, &own, e)))
		return rc;
	struct store_val v[] = { sv_text(st->tenant), sv_text(id), sv_text(p->number),
				 sv_int(p->amount_yen), sv_int(st->now) };
	rc = store_exec(s,
			"INSERT INTO payment_card_attempts (tenant, provider_id, number, amount_yen,"
			" outcome, created_at) VALUES ($1, $2, $3, $4, 'open', $5)",
			v, SV_N(v), e);
	if (rc > 0)
		rc = 0;
	if (rc == 0)
		rc = payments_set_provider_ref(s, st->tenant, p->number, id, who, e);
	rc = own_end(s, own, rc, e);
	if (rc)
		next_url[0] = 0;
	return rc;
}

int card_settle(enum card_settled *out, struct store *s, const char *tenant,
		const char *provider_id, enum card_status st, int64_t amount_yen,
		const char *source, int64_t now, const struct pay_actor *who, struct err *e)
{
	*out = CARD_SETTLED_OPEN;
	if (!card_status_final(st))
		return 0;
	int own, rc;
	if ((rc = own_begin(s, &own, e)))
		return rc;
	struct attempt a;
	rc = attempt_get(&a, s, tenant, provider_id, e);
	if (rc == ERR_NOTFOUND) {
		*out = CARD_SETTLED_UNKNOWN;
		return own_end(s, own, 0, e);
	}
	if (rc)
		return own_end(s, own, rc, e);
	const char *outcome = st == CARD_S_SUCCESS ? "success" : "failed";
	struct store_val v[] = { sv_text(tenant), sv_text(provider_id), sv_text(outcome),
				 sv_int(now), sv_text(source) };
	/* the conditional UPDATE is the once: a second caller, even one
	 * waiting on this row's lock, finds it settled and changes nothing */
	/* a success after the attempt was given up as failed (the job found
	 * it abandoned, the provider answered late) still settles it: money
	 * taken is never dropped */
	rc = store_exec(s,
			"UPDATE payment_card_attempts SET outcome = $3, settled_at = $4, settled_by = $5"
			" WHERE tenant = $1 AND provider_id = $2"
			" AND (outcome = 'open' OR (outcome = 'failed' AND $3 = 'success'))",
			v, SV_N(v), e);
	if (rc < 0)
		return own_end(s, own, rc, e);
	if (rc == 0) {
		*out = CARD_SETTLED_BEFORE;
		return own_end(s, own, 0, e);
	}
	rc = 0;
	if (st == CARD_S_SUCCESS) {
		char src[CARD_ID_MAX + 8];
		snprintf(src, sizeof src, "card:%s", provider_id);
		struct pay_receipt r = {
			.method = PAY_M_CARD,
			.number = a.number,
			.amount_yen = amount_yen > 0 ? amount_yen : a.amount_yen,
			.paid_day = jst_day(now),
			.via = "card",
			.source = src,
			.final = 1,     /* the provider's confirmed success settles it */
		};
		enum pay_outcome o;
		rc = payments_receive(&o, s, tenant, &r, now, who, e);
	} else {
		/* failed: the payment fails only while this attempt is its
		 * current one; a payer who started again, or paid by another
		 * way, is not set back */
		struct payment p;
		rc = payments_get(&p, s, tenant, a.number, e);
		if (rc == 0 && p.state == PAY_PENDING && p.method == PAY_M_CARD &&
		    strcmp(p.provider_ref, provider_id) == 0)
			rc = payments_fail(s, tenant, a.number,
					   st == CARD_S_CANCELLED ? "cancelled at the provider"
								  : "declined at the provider",
					   now, who, e);
		else if (rc == ERR_NOTFOUND)
			rc = 0;
	}
	if (rc == 0)
		*out = CARD_SETTLED_NOW;
	return own_end(s, own, rc, e);
}

int card_webhook_apply(enum card_settled *out, struct store *s, const char *tenant,
		       const struct card_event *ev, int64_t now, const struct pay_actor *who,
		       struct err *e)
{
	*out = CARD_SETTLED_UNKNOWN;
	static const char *const types[] = { "", "payment_succeeded", "payment_failed",
					     "refund_succeeded" };
	int own, rc;
	if ((rc = own_begin(s, &own, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(ev->event_id), sv_text(types[ev->type]),
				 sv_text(ev->payment_id), sv_int(now) };
	rc = store_exec(s,
			"INSERT INTO payment_card_events (tenant, event_id, type, provider_id, received_at)"
			" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, event_id) DO NOTHING",
			v, SV_N(v), e);
	if (rc < 0)
		return own_end(s, own, rc, e);
	if (rc == 0) {
		*out = CARD_SETTLED_SEEN;
		return own_end(s, own, 0, e);
	}
	rc = 0;
	char src[CARD_EVENT_ID_MAX + 16];
	snprintf(src, sizeof src, "webhook:%s", ev->event_id);
	if (ev->type == CARD_EV_SUCCEEDED)
		rc = card_settle(out, s, tenant, ev->payment_id, CARD_S_SUCCESS, ev->amount_yen, src,
				 now, who, e);
	else if (ev->type == CARD_EV_FAILED)
		rc = card_settle(out, s, tenant, ev->payment_id, CARD_S_FAILED, 0, src, now, who, e);
	else
		*out = CARD_SETTLED_BEFORE;   /* a refund madoguchi made itself */
	return own_end(s, own, rc, e);
}

int card_refresh(enum card_settled *out, struct store *s, const struct card_config *c,
		 const char *tenant, const char *number, int64_t now, const struct pay_actor *who,
		 struct err *e)
{
	*out = CARD_SETTLED_UNKNOWN;
	struct payment p;
	int rc = payments_get(&p, s, tenant, number, e);
	if (rc)
		return rc;
	if (p.state != PAY_PENDING || p.method != PAY_M_CARD || !p.provider_ref[0])
		return 0;
	struct attempt a;
	rc = attempt_get(&a, s, tenant, p.provider_ref, e);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (strcmp(a.outcome, "open") != 0) {
		*out = CARD_SETTLED_BEFORE;
		return 0;
	}
	enum card_status st;
	int64_t amount;
	if ((rc = card_api_status(&st, &amount, c, p.provider_ref, e)))
		return rc;
	return card_settle(out, s, tenant, p.provider_ref, st, amount, "return", now, who, e);
}

int card_settle_stale(struct store *s, const struct card_config *c, int64_t older_s, int64_t now,
		      const struct pay_actor *who, struct err *e)
{
	struct attempt *as = calloc(CARD_STALE_BATCH, sizeof *as);
	if (!as)
		return err_set(e, ERR_NOMEM, "card: no memory");
	struct store_val v[] = { sv_int(now - older_s), sv_int(CARD_STALE_BATCH) };
	struct store_rows *rows;
	int rc = store_query(&rows, s,
			     "SELECT tenant, provider_id, number, created_at FROM payment_card_attempts"
			     " WHERE outcome = 'open' AND created_at < $1"
			     " ORDER BY created_at, provider_id LIMIT $2",
			     v, SV_N(v), e);
	if (rc) {
		free(as);
		return rc;
	}
	int n = 0;
	while (n < CARD_STALE_BATCH && (rc = store_rows_next(rows, e)) == 1) {
		snprintf(as[n].tenant, sizeof as[n].tenant, "%s", store_col_text(rows, 0));
		snprintf(as[n].provider_id, sizeof as[n].provider_id, "%s", store_col_text(rows, 1));
		snprintf(as[n].number, sizeof as[n].number, "%s", store_col_text(rows, 2));
		as[n].created_at = store_col_int(rows, 3);
		n++;
	}
	store_rows_free(rows);
	if (rc < 0) {
		free(as);
		return rc;
	}
	int settled = 0;
	for (int i = 0; i < n; i++) {
		enum card_status st;
		int64_t amount;
		struct err ie = { 0 };
		int r = card_api_status(&st, &amount, c, as[i].provider_id, &ie);
		if (r == ERR_NOTFOUND || (r == 0 && !card_status_final(st) &&
					  as[i].created_at < now - 86400)) {
			/* the provider forgot it, or the payer left it open a
			 * day: abandoned */
			st = CARD_S_CANCELLED;
			amount = 0;
			r = 0;
		}
		if (r) {
			if (r == ERR_DENIED || r == ERR_UNAVAILABLE) {
				/* the provider is down or refuses us: try the rest later */
				rc = err_set(e, r, "%s", ie.detail);
				break;
			}
			continue;
		}
		enum card_settled out;
		r = card_settle(&out, s, as[i].tenant, as[i].provider_id, st, amount, "job", now, who,
				e);
		if (r) {
			rc = r;
			break;
		}
		if (out == CARD_SETTLED_NOW)
			settled++;
	}
	free(as);
	if (rc < 0 && settled == 0)
		return rc;
	return settled;
}

int card_refund(const struct card_config *c, const struct payment *p, struct err *e)
{
	if (p->method != PAY_M_CARD || !p->provider_ref[0])
		return err_set(e, ERR_INVALID, "card: not a card payment");
	if (p->state != PAY_PAID)
		return err_set(e, ERR_CONFLICT, "card: only a paid payment is refunded");
	/* what was asked to refund (a part when a fee is kept), else all paid */
	int64_t amount = p->refund_yen > 0 ? p->refund_yen : p->paid_yen > 0 ? p->paid_yen : p->amount_yen;
	return card_api_refund(c, p->provider_ref, amount, e);
}
