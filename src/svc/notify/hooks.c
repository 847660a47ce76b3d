/*
 * hooks.c -- signed webhooks to staff systems: the rules (URLs and
 * addresses, the events, signatures, the retry schedule), the endpoints
 * with their sealed secrets, events queued as deliveries in the caller's
 * transaction, and what staff see and resend (notify_hooks.h says the
 * contract; hooks_send.c sends).
 *
 * Tables (schema "notify", migration 4):
 *   notify_hook_endpoints   one row per endpoint: url, note, the sealed
 *                           secret, enabled; never deleted (deliveries
 *                           name it): disabled instead
 *   notify_hook_events      the event types an endpoint wants (one row each)
 *   notify_hook_deliveries  one row per event and endpoint: the message id
 *                           (the same on every attempt), the body as sent,
 *                           state queued -> delivered | failed, attempts,
 *                           next attempt, the claim of the runner sending it
 *   notify_hook_attempts    every attempt: when, the HTTP status, the error
 *
 * Invariants: a delivery's body is written once, when queued, and sent
 * byte for byte on every attempt (the signature covers it); only a queued
 * delivery has a next attempt; an outcome is written only by the runner
 * holding the claim (hooks_send.c).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "base/arena.h"
#include "core/jobs/jobs.h"
#include "jp/text.h"
#include "store/store.h"
#include "svc/notify/hooks_int.h"
#include "svc/notify/notify.h"

const char *const notify_hook_events[] = {
	"apply.submitted",       /* receipt, procedure                      */
	"apply.state_changed",   /* receipt, procedure, from, to            */
	"payments.paid",         /* number, service, reference, amount_yen  */
	"notify.ping",           /* the staff page's test event             */
};
const int notify_hook_nevents = (int)(sizeof notify_hook_events / sizeof notify_hook_events[0]);

int notify_hook_event_known(const char *type)
{
	for (int i = 0; type && i < notify_hook_nevents; i++)
		if (strcmp(type, notify_hook_events[i]) == 0)
			return 1;
	return 0;
}

/* ---- URLs and addresses ---- */

enum notify_addr_class notify_hook_addr_class(const unsigned char *a, size_t len)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (len == 16 && memcmp(a, mapped, 12) == 0)
		return notify_hook_addr_class(a + 12, 4);
	if (len == 4) {
		unsigned b0 = a[0], b1 = a[1], b2 = a[2];
		if (b0 == 127)
			return NOTIFY_ADDR_LOOPBACK;
		if (b0 == 0 || b0 == 10 || b0 >= 224 ||                 /* this, private, multicast, reserved */
		    (b0 == 100 && (b1 & 0xc0) == 64) ||                  /* 100.64/10 CGNAT */
		    (b0 == 169 && b1 == 254) ||                          /* link-local (cloud metadata) */
		    (b0 == 172 && (b1 & 0xf0) == 16) ||                  /* 172.16/12 */
		    (b0 == 192 && b1 == 168) ||                          /* 192.168/16 */
		    (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) ||    /* IETF, TEST-NET-1 */
		    (b0 == 198 && (b1 & 0xfe) == 18) ||                  /* 198.18/15 benchmarking */
		    (b0 == 198 && b1 == 51 && b2 == 100) ||              /* TEST-NET-2 */
		    (b0 == 203 && b1 == 0 && b2 == 113))                 /* TEST-NET-3 */
			return NOTIFY_ADDR_PRIVATE;
		return NOTIFY_ADDR_PUBLIC;
	}
	if (len != 16)
		return NOTIFY_ADDR_PRIVATE;
	static const unsigned char lo6[16] = { [15] = 1 }, any6[16] = { 0 };
	if (memcmp(a, lo6, 16) == 0)
		return NOTIFY_ADDR_LOOPBACK;
	if (memcmp(a, any6, 16) == 0 ||
	    (a[0] & 0xfe) == 0xfc ||                     /* fc00::/7 unique local */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||   /* fe80::/10 link-local */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) ||   /* fec0::/10 site-local (deprecated) */
	    a[0] == 0xff ||                              /* multicast */
	    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) ||  /* documentation */
	    (a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) ||     /* NAT64: an IPv4 inside */
	    (a[0] == 0x20 && a[1] == 0x02) ||            /* 6to4: an IPv4 inside */
	    (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0))          /* Teredo */
		return NOTIFY_ADDR_PRIVATE;
	static const unsigned char compat[12] = { 0 };
	if (memcmp(a, compat, 12) == 0)              /* ::a.b.c.d, deprecated */
		return NOTIFY_ADDR_PRIVATE;
	return NOTIFY_ADDR_PUBLIC;
}

static int ldh_host_ok(const char *h, size_t n)
{
	if (n == 0 || n > 253 || h[0] == '.' || h[n - 1] == '.')
		return 0;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c == '.') {
			if (label == 0 || h[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-') || (label == 0 && c == '-') || ++label > 63)
			return 0;
	}
	return h[n - 1] != '-';
}

enum notify_url_problem notify_hook_url_check(const char *url, int flags)
{
	if (!url)
		return NOTIFY_URL_MALFORMED;
	size_t n = strlen(url);
	if (n < 10 || n > NOTIFY_HOOK_URL_MAX)
		return NOTIFY_URL_MALFORMED;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#' || c == '"' || c == '<' || c == '>')
			return NOTIFY_URL_MALFORMED;
	}
	int https;
	const char *p;
	if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		p = url + 7;
	} else {
		return NOTIFY_URL_SCHEME;
	}
	size_t alen = strcspn(p, "/?");
	if (memchr(p, '@', alen))               /* user info: refused */
		return NOTIFY_URL_MALFORMED;
	char host[300];
	const char *port = NULL;
	size_t hlen;
	if (alen && p[0] == '[') {
		const char *end = memchr(p, ']', alen);
		if (!end)
			return NOTIFY_URL_MALFORMED;
		hlen = (size_t)(end - p - 1);
		if (hlen == 0 || hlen >= sizeof host)
			return NOTIFY_URL_MALFORMED;
		memcpy(host, p + 1, hlen);
		if (end + 1 < p + alen) {
			if (end[1] != ':')
				return NOTIFY_URL_MALFORMED;
			port = end + 2;
		}
	} else {
		const char *colon = memchr(p, ':', alen);
		hlen = colon ? (size_t)(colon - p) : alen;
		if (hlen == 0 || hlen >= sizeof host)
			return NOTIFY_URL_MALFORMED;
		memcpy(host, p, hlen);
		if (colon)
			port = colon + 1;
	}
	host[hlen] = '\0';
	if (port) {
		size_t plen = (size_t)(p + alen - port);
		if (plen == 0 || plen > 5)
			return NOTIFY_URL_MALFORMED;
		long v = 0;
		for (size_t i = 0; i < plen; i++) {
			if (!isdigit((unsigned char)port[i]))
				return NOTIFY_URL_MALFORMED;
			v = v * 10 + (port[i] - '0');
		}
		if (v < 1 || v > 65535)
			return NOTIFY_URL_MALFORMED;
	}
	for (size_t i = 0; i < hlen; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	enum notify_addr_class cls = NOTIFY_ADDR_PUBLIC;
	unsigned char a[16];
	if (p[0] == '[') {
		if (inet_pton(AF_INET6, host, a) != 1)
			return NOTIFY_URL_MALFORMED;
		cls = notify_hook_addr_class(a, 16);
	} else if (inet_pton(AF_INET, host, a) == 1) {
		cls = notify_hook_addr_class(a, 4);
	} else {
		if (!ldh_host_ok(host, hlen))
			return NOTIFY_URL_MALFORMED;
		/* an address in a legacy form (010.1, 0x7f.1, 2130706433): a
		 * resolver reads it as one; refused, as is a last label of
		 * digits only */
		struct in_addr legacy;
		const char *last = strrchr(host, '.');
		last = last ? last + 1 : host;
		if (inet_aton(host, &legacy) || strspn(last, "0123456789") == strlen(last))
			return NOTIFY_URL_MALFORMED;
		if (strcmp(host, "localhost") == 0 ||
		    (hlen > 10 && strcmp(host + hlen - 10, ".localhost") == 0))
			cls = NOTIFY_ADDR_LOOPBACK;
		else if (!strchr(host, '.') ||                      /* a bare name: the intranet's */
			 (hlen > 6 && strcmp(host + hlen - 6, ".local") == 0) ||
			 (hlen > 9 && strcmp(host + hlen - 9, ".internal") == 0))
			cls = NOTIFY_ADDR_PRIVATE;
	}
	int loop_ok = (flags & NOTIFY_HOOK_ALLOW_LOOPBACK) && cls == NOTIFY_ADDR_LOOPBACK;
	if (cls != NOTIFY_ADDR_PUBLIC && !loop_ok)
		return NOTIFY_URL_PRIVATE;
	if (!https && !loop_ok)
		return NOTIFY_URL_SCHEME;
	return NOTIFY_URL_OK;
}

/* ---- signatures, the schedule, the key ---- */

int notify_hook_sign(char out[NOTIFY_HOOK_SIG_MAX], const char *secret, const char *msg_id,
		     int64_t timestamp, const char *body, size_t len)
{
	out[0] = '\0';
	if (!secret || !msg_id)
		return ERR_INVALID;
	if (strncmp(secret, "whsec_", 6) == 0)
		secret += 6;
	unsigned char key[128];
	size_t klen = 0;
	if (sodium_base642bin(key, sizeof key, secret, strlen(secret), NULL, &klen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || klen == 0)
		return ERR_INVALID;
	char ts[24];
	int tn = snprintf(ts, sizeof ts, "%lld", (long long)timestamp);
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id, strlen(msg_id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)tn);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&st, sizeof st);
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, NOTIFY_HOOK_SIG_MAX - 3, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int64_t notify_hook_backoff(int attempts, unsigned jitter)
{
	/* after attempt 1, 2, ...: the Standard Webhooks example schedule */
	static const int64_t wait_s[] = { 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600 };
	if (attempts < 1)
		attempts = 1;
	if (attempts >= NOTIFY_HOOK_ATTEMPTS || attempts > (int)(sizeof wait_s / sizeof wait_s[0]))
		return -1;
	int64_t w = wait_s[attempts - 1];
	return w + w * (int64_t)(jitter & 0xffff) / (5 * 65536);
}

void notify_hook_key(unsigned char out[NOTIFY_HOOK_KEY_LEN], const unsigned char *master)
{
	crypto_kdf_derive_from_key(out, NOTIFY_HOOK_KEY_LEN, 1, "nfyhooks", master);
}

/* ---- sealed secrets ---- */

#define BOX_RAW (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + NOTIFY_HOOK_SECRET_TEXT)
#define BOX_TEXT (BOX_RAW * 4 / 3 + 8)

static int new_secret(char secret[NOTIFY_HOOK_SECRET_TEXT], char box[BOX_TEXT],
		      const unsigned char key[NOTIFY_HOOK_KEY_LEN])
{
	unsigned char raw[NOTIFY_HOOK_SECRET_BYTES];
	randombytes_buf(raw, sizeof raw);
	memcpy(secret, "whsec_", 6);
	sodium_bin2base64(secret + 6, NOTIFY_HOOK_SECRET_TEXT - 6, raw, sizeof raw,
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(raw, sizeof raw);
	size_t n = strlen(secret);
	unsigned char sealed[BOX_RAW];
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, (const unsigned char *)secret, n,
			      sealed, key);
	sodium_bin2base64(box, BOX_TEXT, sealed, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n,
			  sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int hooks_unseal(char out[NOTIFY_HOOK_SECRET_TEXT], const unsigned char key[NOTIFY_HOOK_KEY_LEN],
		 const char *box, struct err *e)
{
	unsigned char sealed[BOX_RAW];
	size_t n = 0;
	out[0] = '\0';
	if (!box || sodium_base642bin(sealed, sizeof sealed, box, strlen(box), NULL, &n, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n <= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return err_set(e, ERR_INVALID, "hooks: a sealed secret is damaged");
	size_t m = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (m >= NOTIFY_HOOK_SECRET_TEXT ||
	    crypto_secretbox_open_easy((unsigned char *)out, sealed + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, sealed, key) != 0) {
		out[0] = '\0';
		return err_set(e, ERR_INVALID, "hooks: a secret does not open with this deployment's key");
	}
	out[m] = '\0';
	return 0;
}

/* ---- transactions ---- */

static int own_begin(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int own_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	int c = store_commit(s, e);
	return c ? c : rc;
}

/* ---- endpoints ---- */

/* the types of a space-separated list, each known, no repeats: how many,
 * or ERR_INVALID */
static int events_parse(char types[][40], int max, const char *events)
{
	int n = 0;
	for (const char *p = events ? events : ""; *p;) {
		p += strspn(p, " ");
		size_t k = strcspn(p, " ");
		if (!k)
			break;
		if (k >= 40 || n >= max)
			return ERR_INVALID;
		memcpy(types[n], p, k);
		types[n][k] = '\0';
		if (!notify_hook_event_known(types[n]) || strcmp(types[n], "notify.ping") == 0)
			return ERR_INVALID;
		for (int i = 0; i < n; i++)
			if (strcmp(types[i], types[n]) == 0)
				return ERR_INVALID;
		n++;
		p += k;
	}
	return n ? n : ERR_INVALID;
}

static int events_store(struct store *s, int64_t id, char types[][40], int n, struct err *e)
{
	struct store_val d[] = { sv_int(id) };
	int rc = store_exec(s, "DELETE FROM notify_hook_events WHERE endpoint_id = $1", d, 1, e);
	for (int i = 0; rc >= 0 && i < n; i++) {
		struct store_val v[] = { sv_int(id), sv_text(types[i]) };
		rc = store_exec(s, "INSERT INTO notify_hook_events (endpoint_id, type) VALUES ($1, $2)", v, 2, e);
	}
	return rc < 0 ? rc : 0;
}

static const char *url_problem_text(enum notify_url_problem p)
{
	return p == NOTIFY_URL_SCHEME ? "url: not https" : p == NOTIFY_URL_PRIVATE
		? "url: a private, loopback or reserved address" : "url: malformed";
}

int notify_hook_create(int64_t *id, char secret[NOTIFY_HOOK_SECRET_TEXT], struct store *s,
		       const unsigned char key[NOTIFY_HOOK_KEY_LEN], const char *tenant,
		       const char *url, const char *events, const char *note, int flags,
		       int64_t now, struct err *e)
{
	*id = 0;
	secret[0] = '\0';
	enum notify_url_problem up = notify_hook_url_check(url, flags);
	if (up != NOTIFY_URL_OK)
		return err_set(e, ERR_INVALID, "%s", url_problem_text(up));
	char types[8][40];
	int nt = events_parse(types, 8, events);
	if (nt < 0)
		return err_set(e, ERR_INVALID, "events");
	if (!note)
		note = "";
	if (strlen(note) > NOTIFY_HOOK_NOTE_MAX || jp_text_utf8_validate(NULL, note, strlen(note), NULL))
		return err_set(e, ERR_INVALID, "note");
	for (const char *c = note; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return err_set(e, ERR_INVALID, "note");
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	int64_t count = 0;
	struct store_val tv[] = { sv_text(tenant) };
	rc = store_query_int(&count, s, "SELECT count(*) FROM notify_hook_endpoints WHERE tenant = $1", tv, 1, e);
	if (rc == 0 && count >= NOTIFY_HOOK_ENDPOINTS_MAX)
		rc = err_set(e, ERR_LIMIT, "hooks: at most %d endpoints", NOTIFY_HOOK_ENDPOINTS_MAX);
	char box[BOX_TEXT];
	if (rc == 0) {
		new_secret(secret, box, key);
		struct store_val v[] = { sv_text(tenant), sv_text(url), sv_text(note), sv_text(box), sv_int(now) };
		rc = store_query_int(id, s, "INSERT INTO notify_hook_endpoints (tenant, url, note, secret_box,"
				     " enabled, created_at, updated_at, secret_at)"
				     " VALUES ($1, $2, $3, $4, 1, $5, $5, $5) RETURNING id", v, SV_N(v), e);
	}
	if (rc == 0)
		rc = events_store(s, *id, types, nt, e);
	rc = own_end(s, own, rc, e);
	if (rc) {
		sodium_memzero(secret, NOTIFY_HOOK_SECRET_TEXT);
		*id = 0;
	}
	return rc;
}

int notify_hook_update(struct store *s, const char *tenant, int64_t id, const char *events,
		       int enabled, int64_t now, struct err *e)
{
	char types[8][40];
	int nt = events_parse(types, 8, events);
	if (nt < 0)
		return err_set(e, ERR_INVALID, "events");
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_int(enabled ? 1 : 0), sv_int(now), sv_int(id), sv_text(tenant) };
	rc = store_exec(s, "UPDATE notify_hook_endpoints SET enabled = $1, updated_at = $2"
			" WHERE id = $3 AND tenant = $4", v, SV_N(v), e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "hooks: no endpoint %lld", (long long)id);
	if (rc > 0)
		rc = events_store(s, id, types, nt, e);
	return own_end(s, own, rc, e);
}

int notify_hook_rotate(char secret[NOTIFY_HOOK_SECRET_TEXT], struct store *s,
		       const unsigned char key[NOTIFY_HOOK_KEY_LEN], const char *tenant, int64_t id,
		       int64_t now, struct err *e)
{
	char box[BOX_TEXT];
	new_secret(secret, box, key);
	struct store_val v[] = { sv_text(box), sv_int(now), sv_int(id), sv_text(tenant) };
	int rc = store_exec(s, "UPDATE notify_hook_endpoints SET secret_box = $1, secret_at = $2, updated_at = $2"
			    " WHERE id = $3 AND tenant = $4", v, SV_N(v), e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "hooks: no endpoint %lld", (long long)id);
	if (rc < 0) {
		sodium_memzero(secret, NOTIFY_HOOK_SECRET_TEXT);
		return rc;
	}
	return 0;
}

#define HOOK_COLS "h.id, h.url, h.note, h.enabled, h.created_at, h.updated_at, h.secret_at," \
	" (SELECT count(*) FROM notify_hook_deliveries d WHERE d.endpoint_id = h.id AND d.state = 'queued')," \
	" (SELECT count(*) FROM notify_hook_deliveries d WHERE d.endpoint_id = h.id AND d.state = 'failed')"

static void hook_of(struct notify_hook *h, struct store_rows *r)
{
	h->id = store_col_int(r, 0);
	h->url = store_col_text(r, 1);
	h->note = store_col_text(r, 2);
	h->enabled = (int)store_col_int(r, 3);
	h->created_at = store_col_int(r, 4);
	h->updated_at = store_col_int(r, 5);
	h->secret_at = store_col_int(r, 6);
	h->queued = store_col_int(r, 7);
	h->failed = store_col_int(r, 8);
	h->events = "";
}

/* the types of endpoint id, space separated, into out */
static int events_of(char *out, size_t cap, struct store *s, int64_t id, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_int(id) };
	out[0] = '\0';
	int rc = store_query(&r, s, "SELECT type FROM notify_hook_events WHERE endpoint_id = $1 ORDER BY type",
			     v, 1, e);
	if (rc)
		return rc;
	size_t len = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		int k = snprintf(out + len, cap - len, "%s%s", len ? " " : "", store_col_text(r, 0));
		if (k > 0 && (size_t)k < cap - len)
			len += (size_t)k;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int notify_hook_get(struct notify_hook *out, struct arena *a, struct store *s, const char *tenant,
		    int64_t id, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_int(id), sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT " HOOK_COLS " FROM notify_hook_endpoints h"
			     " WHERE h.id = $1 AND h.tenant = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		hook_of(out, r);
		out->url = arena_strdup(a, out->url);
		out->note = arena_strdup(a, out->note);
		rc = out->url && out->note ? 0 : err_set(e, ERR_NOMEM, "hooks");
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "hooks: no endpoint %lld", (long long)id);
	}
	store_rows_free(r);
	if (rc)
		return rc;
	char ev[400];
	if ((rc = events_of(ev, sizeof ev, s, id, e)))
		return rc;
	out->events = arena_strdup(a, ev);
	return out->events ? 0 : err_set(e, ERR_NOMEM, "hooks");
}

int notify_hook_list(struct store *s, const char *tenant,
		     void (*fn)(const struct notify_hook *h, void *arg), void *arg, struct err *e)
{
	/* the endpoints first (at most NOTIFY_HOOK_ENDPOINTS_MAX), then each
	 * one's events: one result set open at a time */
	struct notify_hook hs[NOTIFY_HOOK_ENDPOINTS_MAX];
	char urls[NOTIFY_HOOK_ENDPOINTS_MAX][NOTIFY_HOOK_URL_MAX + 1];
	char notes[NOTIFY_HOOK_ENDPOINTS_MAX][NOTIFY_HOOK_NOTE_MAX + 1];
	int n = 0;
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT " HOOK_COLS " FROM notify_hook_endpoints h WHERE h.tenant = $1"
			     " ORDER BY h.id", v, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && n < NOTIFY_HOOK_ENDPOINTS_MAX) {
		hook_of(&hs[n], r);
		snprintf(urls[n], sizeof urls[n], "%s", hs[n].url);
		snprintf(notes[n], sizeof notes[n], "%s", hs[n].note);
		hs[n].url = urls[n];
		hs[n].note = notes[n];
		n++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		char ev[400];
		if ((rc = events_of(ev, sizeof ev, s, hs[i].id, e)))
			return rc;
		hs[i].events = ev;
		fn(&hs[i], arg);
	}
	return n;
}

/* ---- events ---- */

static int name_ok(const char *n)
{
	if (!n || !*n || strlen(n) > 32)
		return 0;
	for (const char *c = n; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
			return 0;
	return 1;
}

/* the body: {"type", "timestamp" (RFC 3339, UTC), "data"} */
static char *body_of(const char *type, const struct notify_field *f, int n, int64_t now, struct err *e)
{
	if (n < 0 || n > NOTIFY_HOOK_FIELDS_MAX || (n && !f)) {
		err_set(e, ERR_INVALID, "hooks: %d fields", n);
		return NULL;
	}
	json_t *data = json_object();
	for (int i = 0; data && i < n; i++) {
		if (!name_ok(f[i].name) || json_object_get(data, f[i].name)) {
			json_decref(data);
			err_set(e, ERR_INVALID, "hooks: field %d's name", i);
			return NULL;
		}
		json_t *val;
		if (f[i].text) {
			size_t len = strlen(f[i].text);
			if (len > NOTIFY_HOOK_VALUE_MAX || jp_text_utf8_validate(NULL, f[i].text, len, NULL)) {
				json_decref(data);
				err_set(e, ERR_INVALID, "hooks: field %s", f[i].name);
				return NULL;
			}
			val = json_stringn(f[i].text, len);
		} else {
			val = json_integer((json_int_t)f[i].num);
		}
		if (!val || json_object_set_new(data, f[i].name, val)) {
			json_decref(data);
			data = NULL;
		}
	}
	struct tm tm;
	time_t t = (time_t)now;
	char ts[32];
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *o = data ? json_pack("{s:s, s:s, s:o}", "type", type, "timestamp", ts, "data", data) : NULL;
	char *body = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!body)
		err_set(e, ERR_NOMEM, "hooks: no memory for the body");
	return body;
}

static void msg_id_new(char out[NOTIFY_HOOK_MSGID_LEN + 1])
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	memcpy(out, "msg_", 4);
	sodium_bin2hex(out + 4, 33, raw, sizeof raw);
}

/* queue body for the endpoints `where` selects ($1 tenant, $6 type or id) */
static int queue(struct store *s, const char *tenant, const char *type, const char *body,
		 const char *where, struct store_val sel, int64_t now, struct err *e)
{
	char id[NOTIFY_HOOK_MSGID_LEN + 1];
	msg_id_new(id);
	struct store_val v[] = { sv_text(tenant), sv_text(id), sv_text(type), sv_text(body), sv_int(now), sel };
	char sql[600];
	snprintf(sql, sizeof sql,
		 "INSERT INTO notify_hook_deliveries (tenant, endpoint_id, msg_id, type, body, state, attempts,"
		 " next_attempt_at, created_at) SELECT CAST($1 AS TEXT), h.id, CAST($2 AS TEXT), CAST($3 AS TEXT),"
		 " CAST($4 AS TEXT), 'queued', 0, CAST($5 AS BIGINT), CAST($5 AS BIGINT)"
		 " FROM notify_hook_endpoints h WHERE h.tenant = $1 AND %s", where);
	int n = store_exec(s, sql, v, SV_N(v), e);
	if (n > 0) {
		int rc = notify_hooks_wake(s, now, e);
		if (rc)
			return rc;
	}
	return n;
}

int notify_event(struct store *s, const char *tenant, const char *type,
		 const struct notify_field *f, int n, int64_t now, struct err *e)
{
	if (!notify_hook_event_known(type) || strcmp(type, "notify.ping") == 0)
		return err_set(e, ERR_INVALID, "hooks: unknown event type");
	char *body = body_of(type, f, n, now, e);
	if (!body)
		return e ? e->code : ERR_NOMEM;
	int own, rc = own_begin(s, &own, e);
	if (rc == 0)
		rc = queue(s, tenant, type, body,
			   "h.enabled = 1 AND EXISTS (SELECT 1 FROM notify_hook_events x"
			   " WHERE x.endpoint_id = h.id AND x.type = CAST($6 AS TEXT))", sv_text(type), now, e);
	free(body);
	return own_end(s, own, rc, e);
}

int notify_hook_ping(struct store *s, const char *tenant, int64_t id, int64_t now, struct err *e)
{
	struct notify_field f[] = { { "endpoint", NULL, id } };
	char *body = body_of("notify.ping", f, 1, now, e);
	if (!body)
		return e ? e->code : ERR_NOMEM;
	int own, rc = own_begin(s, &own, e);
	if (rc == 0)
		rc = queue(s, tenant, "notify.ping", body, "h.id = CAST($6 AS BIGINT)", sv_int(id), now, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "hooks: no endpoint %lld", (long long)id);
	free(body);
	return own_end(s, own, rc < 0 ? rc : 0, e);
}

/* ---- the wake-up job ---- */

int notify_hooks_wake(struct store *s, int64_t at, struct err *e)
{
	return jobs_wake(s, NOTIFY_HOOKS_JOB, at * 1000, e);
}

/* ---- deliveries ---- */

static const char *const state_names[] = { "queued", "delivered", "failed" };

const char *notify_delivery_state_name(enum notify_delivery_state st)
{
	return (unsigned)st < 3 ? state_names[st] : "queued";
}

static enum notify_delivery_state state_of(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum notify_delivery_state)i;
	return NOTIFY_D_QUEUED;
}

#define DELIVERY_COLS "d.id, d.endpoint_id, d.msg_id, d.type, d.body, h.url, d.state, d.attempts," \
	" d.last_status, d.last_error, d.next_attempt_at, d.created_at, d.delivered_at"

static void delivery_of(struct notify_delivery *d, struct store_rows *r)
{
	d->id = store_col_int(r, 0);
	d->endpoint_id = store_col_int(r, 1);
	d->msg_id = store_col_text(r, 2);
	d->type = store_col_text(r, 3);
	d->body = store_col_text(r, 4);
	d->url = store_col_text(r, 5);
	d->state = state_of(store_col_text(r, 6));
	d->attempts = (int)store_col_int(r, 7);
	d->last_status = (int)store_col_int(r, 8);
	d->last_error = store_col_text(r, 9);
	d->next_attempt_at = store_col_isnull(r, 10) ? 0 : store_col_int(r, 10);
	d->created_at = store_col_int(r, 11);
	d->delivered_at = store_col_isnull(r, 12) ? 0 : store_col_int(r, 12);
}

int notify_delivery_list(struct store *s, const char *tenant, int64_t endpoint, int limit,
			 void (*fn)(const struct notify_delivery *d, void *arg), void *arg,
			 struct err *e)
{
	if (limit < 1 || limit > 200)
		return err_set(e, ERR_INVALID, "hooks: limit");
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_int(endpoint), sv_int(limit) };
	int rc = store_query(&r, s, "SELECT " DELIVERY_COLS " FROM notify_hook_deliveries d"
			     " JOIN notify_hook_endpoints h ON h.id = d.endpoint_id"
			     " WHERE d.tenant = $1 AND (d.endpoint_id = $2 OR $2 = 0)"
			     " ORDER BY d.id DESC LIMIT $3", v, SV_N(v), e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct notify_delivery d;
		delivery_of(&d, r);
		fn(&d, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int notify_delivery_get(struct notify_delivery *out, struct arena *a, struct store *s,
			const char *tenant, int64_t id,
			void (*fn)(int n, int64_t at, int status, const char *error, void *arg),
			void *arg, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	int rc = store_query(&r, s, "SELECT " DELIVERY_COLS " FROM notify_hook_deliveries d"
			     " JOIN notify_hook_endpoints h ON h.id = d.endpoint_id"
			     " WHERE d.tenant = $1 AND d.id = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		delivery_of(out, r);
		out->msg_id = arena_strdup(a, out->msg_id);
		out->type = arena_strdup(a, out->type);
		out->body = arena_strdup(a, out->body);
		out->url = arena_strdup(a, out->url);
		out->last_error = arena_strdup(a, out->last_error);
		rc = out->msg_id && out->type && out->body && out->url && out->last_error
			? 0 : err_set(e, ERR_NOMEM, "hooks");
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "hooks: no delivery %lld", (long long)id);
	}
	store_rows_free(r);
	if (rc || !fn)
		return rc;
	struct store_val w[] = { sv_int(id) };
	rc = store_query(&r, s, "SELECT n, at, status, error FROM notify_hook_attempts WHERE delivery_id = $1"
			 " ORDER BY n", w, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1)
		fn((int)store_col_int(r, 0), store_col_int(r, 1), (int)store_col_int(r, 2),
		   store_col_text(r, 3), arg);
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int notify_delivery_resend(struct store *s, const char *tenant, int64_t id, int64_t now,
			   struct err *e)
{
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	int64_t found = 0;
	struct store_val k[] = { sv_text(tenant), sv_int(id) };
	rc = store_query_int(&found, s, "SELECT count(*) FROM notify_hook_deliveries WHERE tenant = $1 AND id = $2",
			     k, 2, e);
	if (rc == 0 && !found)
		rc = err_set(e, ERR_NOTFOUND, "hooks: no delivery %lld", (long long)id);
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_int(id), sv_int(now) };
		rc = store_exec(s, "UPDATE notify_hook_deliveries SET state = 'queued', attempts = 0,"
				" next_attempt_at = $3, claimed_by = NULL, last_error = ''"
				" WHERE tenant = $1 AND id = $2 AND state = 'failed'", v, SV_N(v), e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "hooks: delivery %lld is not failed", (long long)id);
	}
	if (rc > 0)
		rc = notify_hooks_wake(s, now, e);
	return own_end(s, own, rc, e);
}
