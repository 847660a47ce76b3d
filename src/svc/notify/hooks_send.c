/*
 * hooks_send.c -- the delivery of webhooks: claim the due deliveries,
 * POST each (libcurl) with the Standard Webhooks headers, record every
 * attempt and its outcome (notify_hooks.h says the contract).
 *
 * The request: https only (http to loopback when a test server allows
 * it); no proxy; no redirect followed (a 3xx is a failed attempt); 5 s to
 * connect, 10 s in all; at most 64 KiB of answer read (more aborts the
 * attempt).  The address curl connects to is checked in the open-socket
 * callback, so a name that resolves (or re-resolves, DNS rebinding) to a
 * private, loopback or reserved address is refused on every attempt, not
 * only when the URL was registered.
 *
 * Claiming, as the outbox does (src/core/mail/README.md): one UPDATE sets
 * a random claim token on a batch of due deliveries and pushes their next
 * attempt 15 minutes ahead, and commits; sending happens outside any
 * transaction; the outcomes are written each WHERE claimed_by = token, so
 * a runner that overran its claim cannot overwrite another's result.  A
 * runner that dies leaves its batch due again: at least once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "store/store.h"
#include "svc/notify/hooks_int.h"
#include "svc/notify/notify.h"

#define CLAIM_S (15 * 60)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_init_once(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

struct post_ctx {
	int flags;
	int refused;          /* the address was refused */
	size_t got;           /* bytes of answer read    */
	int too_big;
};

static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct post_ctx *c = arg;
	(void)purpose;
	enum notify_addr_class cls = NOTIFY_ADDR_PRIVATE;
	if (a->family == AF_INET && a->addrlen >= sizeof(struct sockaddr_in))
		cls = notify_hook_addr_class((const unsigned char *)&((struct sockaddr_in *)&a->addr)->sin_addr, 4);
	else if (a->family == AF_INET6 && a->addrlen >= sizeof(struct sockaddr_in6))
		cls = notify_hook_addr_class((const unsigned char *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr, 16);
	if (cls != NOTIFY_ADDR_PUBLIC && !(cls == NOTIFY_ADDR_LOOPBACK && (c->flags & NOTIFY_HOOK_ALLOW_LOOPBACK))) {
		c->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	struct post_ctx *c = arg;
	(void)p;
	c->got += size * n;
	if (c->got > NOTIFY_HOOK_RESPONSE_MAX) {
		c->too_big = 1;
		return 0;
	}
	return size * n;
}

int hooks_post(int *status, char *error, size_t cap, const char *url, const char *msg_id,
	       int64_t timestamp, const char *signature, const char *body, int flags)
{
	*status = 0;
	error[0] = '\0';
	if (notify_hook_url_check(url, flags) != NOTIFY_URL_OK) {
		snprintf(error, cap, "url refused");
		return 0;
	}
	pthread_once(&curl_once, curl_init_once);
	CURL *h = curl_ok ? curl_easy_init() : NULL;
	if (!h) {
		snprintf(error, cap, "curl could not start");
		return 0;
	}
	char hid[64], hts[48], hsig[NOTIFY_HOOK_SIG_MAX + 32];
	snprintf(hid, sizeof hid, "webhook-id: %s", msg_id);
	snprintf(hts, sizeof hts, "webhook-timestamp: %lld", (long long)timestamp);
	snprintf(hsig, sizeof hsig, "webhook-signature: %s", signature);
	const char *lines[] = { "Content-Type: application/json", hid, hts, hsig, "Expect:" };
	struct curl_slist *hd = NULL;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct curl_slist *t = curl_slist_append(hd, lines[i]);
		if (!t) {
			curl_slist_free_all(hd);
			curl_easy_cleanup(h);
			snprintf(error, cap, "no memory");
			return 0;
		}
		hd = t;
	}
	struct post_ctx c = { .flags = flags };
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, (flags & NOTIFY_HOOK_ALLOW_LOOPBACK) ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_HOOK_CONNECT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)NOTIFY_HOOK_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "madoguchi-webhooks/1");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	CURLcode cc = curl_easy_perform(h);
	long st = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	*status = (int)st;
	if (c.refused) {
		snprintf(error, cap, "address refused (private, loopback or reserved)");
		return 0;
	}
	if (c.too_big) {
		snprintf(error, cap, "answer over %d bytes", NOTIFY_HOOK_RESPONSE_MAX);
		return st >= 200 && st < 300;   /* the status came first: it counts */
	}
	if (cc != CURLE_OK) {
		snprintf(error, cap, "curl %d (%s)", (int)cc, curl_easy_strerror(cc));
		return 0;
	}
	if (st >= 200 && st < 300)
		return 1;
	snprintf(error, cap, "http %ld", st);
	return 0;
}

/* ---- the batch ---- */

struct job {
	int64_t id;
	char msg_id[NOTIFY_HOOK_MSGID_LEN + 1];
	char *body;
	char url[NOTIFY_HOOK_URL_MAX + 1];
	char *box;
	int enabled, attempts;
	/* the outcome */
	int ok, status;
	int permanent;        /* waiting will not change it: failed at once */
	char error[200];
};

static int claim(char token[33], struct store *s, int64_t now, struct err *e)
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, 33, raw, sizeof raw);
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(token), sv_int(now), sv_int(now + CLAIM_S), sv_int(NOTIFY_HOOK_BATCH) };
	int n = store_exec(s, store_kind(s) == STORE_PG
			   ? "UPDATE notify_hook_deliveries SET claimed_by = $1, next_attempt_at = $3"
			     " WHERE id IN (SELECT id FROM notify_hook_deliveries WHERE state = 'queued'"
			     " AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)"
			   : "UPDATE notify_hook_deliveries SET claimed_by = $1, next_attempt_at = $3"
			     " WHERE id IN (SELECT id FROM notify_hook_deliveries WHERE state = 'queued'"
			     " AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $4)",
			   v, SV_N(v), e);
	if (n < 0) {
		store_rollback(s);
		return n;
	}
	rc = store_commit(s, e);
	return rc ? rc : n;
}

static int load(struct job *jobs, int max, struct store *s, const char *token, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(token) };
	int rc = store_query(&r, s, "SELECT d.id, d.msg_id, d.body, h.url, h.secret_box, h.enabled, d.attempts"
			     " FROM notify_hook_deliveries d JOIN notify_hook_endpoints h ON h.id = d.endpoint_id"
			     " WHERE d.claimed_by = $1 ORDER BY d.id", v, 1, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1 && n < max) {
		struct job *j = &jobs[n];
		memset(j, 0, sizeof *j);
		j->id = store_col_int(r, 0);
		snprintf(j->msg_id, sizeof j->msg_id, "%s", store_col_text(r, 1));
		j->body = strdup(store_col_text(r, 2));
		snprintf(j->url, sizeof j->url, "%s", store_col_text(r, 3));
		j->box = strdup(store_col_text(r, 4));
		j->enabled = (int)store_col_int(r, 5);
		j->attempts = (int)store_col_int(r, 6);
		if (!j->body || !j->box) {
			free(j->body);
			free(j->box);
			rc = err_set(e, ERR_NOMEM, "hooks: no memory");
			break;
		}
		n++;
	}
	store_rows_free(r);
	if (rc < 0) {
		for (int i = 0; i < n; i++) {
			free(jobs[i].body);
			free(jobs[i].box);
		}
		return rc;
	}
	return n;
}

static void send_one(struct job *j, const unsigned char key[NOTIFY_HOOK_KEY_LEN], int flags, int64_t now)
{
	if (!j->enabled) {
		snprintf(j->error, sizeof j->error, "endpoint disabled");
		j->permanent = 1;
		return;
	}
	char secret[NOTIFY_HOOK_SECRET_TEXT], sig[NOTIFY_HOOK_SIG_MAX];
	struct err e;
	if (hooks_unseal(secret, key, j->box, &e) ||
	    notify_hook_sign(sig, secret, j->msg_id, now, j->body, strlen(j->body))) {
		sodium_memzero(secret, sizeof secret);
		snprintf(j->error, sizeof j->error, "the secret does not open with this deployment's key");
		j->permanent = 1;
		return;
	}
	sodium_memzero(secret, sizeof secret);
	j->ok = hooks_post(&j->status, j->error, sizeof j->error, j->url, j->msg_id, now, sig, j->body, flags);
}

static int record(struct notify_hooks_run *out, struct store *s, const char *token, struct job *jobs,
		  int n, int64_t now, struct err *e)
{
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	for (int i = 0; rc == 0 && i < n; i++) {
		struct job *j = &jobs[i];
		int attempts = j->attempts + 1;
		int64_t wait = j->ok ? -1 : notify_hook_backoff(attempts, randombytes_uniform(65536));
		/* a disabled endpoint or a secret that does not open will not
		 * change by waiting: failed at once (staff resend) */
		if (!j->ok && j->permanent)
			wait = -1;
		const char *state = j->ok ? "delivered" : wait < 0 ? "failed" : "queued";
		struct store_val v[] = { sv_int(j->id), sv_text(token), sv_text(state), sv_int(attempts),
					 wait >= 0 && !j->ok ? sv_int(now + wait) : sv_null(), sv_int(j->status),
					 sv_text(j->error), j->ok ? sv_int(now) : sv_null() };
		int changed = store_exec(s, "UPDATE notify_hook_deliveries SET state = $3, attempts = $4,"
					 " next_attempt_at = $5, last_status = $6, last_error = $7, delivered_at = $8,"
					 " claimed_by = NULL WHERE id = $1 AND claimed_by = $2", v, SV_N(v), e);
		if (changed < 0) {
			rc = changed;
			break;
		}
		if (changed == 0)
			continue;   /* the claim was lost: another runner has it */
		struct store_val w[] = { sv_int(j->id), sv_int(now), sv_int(j->status), sv_text(j->error) };
		rc = store_exec(s, "INSERT INTO notify_hook_attempts (delivery_id, n, at, status, error)"
				" SELECT CAST($1 AS BIGINT), COALESCE(MAX(n), 0) + 1, CAST($2 AS BIGINT),"
				" CAST($3 AS INTEGER), CAST($4 AS TEXT) FROM notify_hook_attempts WHERE delivery_id = $1",
				w, SV_N(w), e);
		rc = rc < 0 ? rc : 0;
		out->sent++;
		if (j->ok)
			out->delivered++;
		else if (wait < 0)
			out->failed++;
		else
			out->retried++;
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

int notify_hooks_deliver(struct notify_hooks_run *out, struct store *s,
			 const unsigned char key[NOTIFY_HOOK_KEY_LEN], int flags, int max_batches,
			 int64_t now, struct err *e)
{
	memset(out, 0, sizeof *out);
	time_t start = time(NULL);
	struct job *jobs = calloc(NOTIFY_HOOK_BATCH, sizeof *jobs);
	if (!jobs)
		return err_set(e, ERR_NOMEM, "hooks: no memory");
	int rc = 0;
	for (int b = 0; rc == 0 && b < max_batches; b++) {
		char token[33];
		int claimed = claim(token, s, now, e);
		if (claimed <= 0) {
			rc = claimed < 0 ? claimed : 0;
			break;
		}
		int n = load(jobs, NOTIFY_HOOK_BATCH, s, token, e);
		if (n < 0) {
			rc = n;
			break;
		}
		/* each attempt is signed at its own time (a batch of slow
		 * receivers takes minutes), counted from the caller's now */
		for (int i = 0; i < n; i++)
			send_one(&jobs[i], key, flags, now + (int64_t)(time(NULL) - start));
		rc = record(out, s, token, jobs, n, now, e);
		for (int i = 0; i < n; i++) {
			free(jobs[i].body);
			free(jobs[i].box);
		}
	}
	free(jobs);
	if (rc)
		return rc;
	int64_t next = 0;
	int q = store_query_int(&next, s, "SELECT COALESCE(MIN(next_attempt_at), 0) FROM notify_hook_deliveries"
				" WHERE state = 'queued'", NULL, 0, e);
	if (q)
		return q;
	out->next_at = next;
	return 0;
}
