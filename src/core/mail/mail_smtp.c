/*
 * mail_smtp.c -- delivery: the sender's configuration, the claim of a
 * batch, one SMTP transaction per message over libcurl (one connection
 * reused across the batch), and the record of each outcome.  See mail.h
 * for the policy (what is permanent, what is retried, backoff).
 *
 * Invariants: a batch's outcomes are written together, in one
 * transaction after its sends; a message is written back only while this batch's claim
 * (claimed_by = the batch's random token) is still on it, so a batch that
 * overran its claim never overwrites another's outcome; libcurl's error
 * buffer is never used (a server's reply text may quote an address): the
 * stored error is the reply code and curl's fixed text for its code.
 */
#include "core/mail/mail.h"
#include "core/mail/mail_int.h"
#include "base/util.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mail_sender {
	char url[MAIL_URL_MAX + 1];
	char from[MAIL_ADDR_MAX + 1];
	char from_name[MAIL_NAME_MAX + 1];
	char *ca_file;
	char user[256], pass[256];
	int has_auth;
	enum mail_tls tls;
	int timeout, connect_timeout, retry_base, max_attempts, batch, conns;
	/* the idle connections between batches (mail_send_due): the only
	 * part of a sender that changes after mail_sender_new */
	pthread_mutex_t mu;
	struct mail_pool *idle;
};

struct mail_pool;
static void pool_free(struct mail_pool *p);

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_init_once(void)
{
	curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static int range(int v, int def, int lo, int hi, int *out)
{
	if (v == 0)
		v = def;
	if (v < lo || v > hi)
		return ERR_INVALID;
	*out = v;
	return 0;
}

int mail_sender_new(struct mail_sender **out, const struct mail_config *c,
		    struct err *e)
{
	*out = NULL;
	if (!c->smtp_url)
		return err_set(e, ERR_INVALID, "no SMTP URL");
	size_t ul = strlen(c->smtp_url);
	if (ul > MAIL_URL_MAX || (strncmp(c->smtp_url, "smtp://", 7) != 0 &&
				  strncmp(c->smtp_url, "smtps://", 8) != 0))
		return err_set(e, ERR_INVALID, "SMTP URL must start with smtp:// or smtps://");
	for (size_t i = 0; i < ul; i++)
		if ((unsigned char)c->smtp_url[i] <= 0x20 || c->smtp_url[i] == 0x7f)
			return err_set(e, ERR_INVALID, "SMTP URL has a space or control character");
	if (!mail_addr_valid(c->from))
		return err_set(e, ERR_INVALID, "mail from address invalid");
	int rc;
	if (c->from_name && *c->from_name &&
	    (rc = mail_text_check(c->from_name, MAIL_NAME_MAX, 0, "from name", e)))
		return rc;
	if (c->tls < MAIL_TLS_REQUIRE || c->tls > MAIL_TLS_NONE)
		return err_set(e, ERR_INVALID, "unknown TLS policy");
	struct mail_sender *m = calloc(1, sizeof *m);
	if (!m)
		return err_set(e, ERR_NOMEM, "out of memory");
	pthread_mutex_init(&m->mu, NULL);
	/* curl says EHLO with the URL's path: without one, our own domain
	 * (relays may refuse a bare "localhost") */
	const char *hostpart = strstr(c->smtp_url, "://") + 3;
	int n = strchr(hostpart, '/') ? snprintf(m->url, sizeof m->url, "%s", c->smtp_url)
				      : snprintf(m->url, sizeof m->url, "%s/%s", c->smtp_url,
						 mail_domain_of(c->from));
	if (n < 0 || (size_t)n >= sizeof m->url) {
		free(m);
		return err_set(e, ERR_INVALID, "SMTP URL too long");
	}
	snprintf(m->from, sizeof m->from, "%s", c->from);
	snprintf(m->from_name, sizeof m->from_name, "%s", c->from_name ? c->from_name : "");
	m->tls = c->tls;
	if (range(c->timeout_secs, 30, 1, 600, &m->timeout) ||
	    range(c->connect_timeout_secs, 10, 1, 300, &m->connect_timeout) ||
	    range(c->retry_base_secs, MAIL_RETRY_BASE_DEFAULT, 1, MAIL_RETRY_CAP_SECS, &m->retry_base) ||
	    range(c->max_attempts, MAIL_ATTEMPTS_DEFAULT, 1, MAIL_ATTEMPTS_MAX, &m->max_attempts) ||
	    range(c->batch, MAIL_BATCH_DEFAULT, 1, MAIL_BATCH_MAX, &m->batch) ||
	    range(c->connections, MAIL_CONNS_DEFAULT, 1, MAIL_CONNS_MAX, &m->conns)) {
		free(m);
		return err_set(e, ERR_INVALID,
			       "mail timeout, retry, attempts, batch or connections out of range");
	}
	if (c->ca_file && !(m->ca_file = strdup(c->ca_file))) {
		free(m);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	if (c->auth_file) {
		char line[512];
		if ((rc = keyfile_read_line(line, sizeof line, c->auth_file, e))) {
			mail_sender_free(m);
			return rc;
		}
		char *colon = strchr(line, ':');
		size_t ulen = colon ? (size_t)(colon - line) : 0;
		size_t plen = colon ? strlen(colon + 1) : 0;
		if (ulen == 0 || ulen >= sizeof m->user || plen == 0 || plen >= sizeof m->pass) {
			memset(line, 0, sizeof line);
			mail_sender_free(m);
			return err_set(e, ERR_INVALID, "SMTP auth file: want one line user:password");
		}
		memcpy(m->user, line, ulen);
		m->user[ulen] = '\0';
		memcpy(m->pass, colon + 1, plen);
		m->pass[plen] = '\0';
		memset(line, 0, sizeof line);
		m->has_auth = 1;
	}
	pthread_once(&curl_once, curl_init_once);
	if (!curl_ok) {
		mail_sender_free(m);
		return err_set(e, ERR_INTERNAL, "curl_global_init failed");
	}
	*out = m;
	return 0;
}

void mail_sender_free(struct mail_sender *m)
{
	if (!m)
		return;
	pool_free(m->idle);
	pthread_mutex_destroy(&m->mu);
	free(m->ca_file);
	volatile char *p = (volatile char *)m->pass;
	for (size_t i = 0; i < sizeof m->pass; i++)
		p[i] = 0;
	free(m);
}

/* ---- one batch -------------------------------------------------------------- */

struct claimed {
	int64_t id, created_at;
	int attempts;
	char *to, *subject, *body, *token, *unsubscribe;
};

static void claimed_free(struct claimed *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].to);
		free(c[i].subject);
		free(c[i].body);
		free(c[i].token);
		free(c[i].unsubscribe);
	}
}

/* how long a claim holds its batch: MAIL_CLAIM_SECS, or longer when the
 * batch could take longer over its sessions (every message to its
 * timeout, one session after another), so that no other runner takes a
 * batch still being sent and sends it again */
static int64_t claim_lease(const struct mail_sender *m)
{
	int64_t worst = (int64_t)((m->batch + m->conns - 1) / m->conns) *
			(m->timeout + m->connect_timeout) + 60;
	return worst > MAIL_CLAIM_SECS ? worst : MAIL_CLAIM_SECS;
}

static int claim(struct claimed *out, int *n, struct store *s, const char *tok,
		 int64_t now, int batch, int64_t lease, struct err *e)
{
	*n = 0;
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	char sql[512];
	/* the emergency lane first, then by when each became due.  The outer
	 * re-check is written +state, +next_attempt_at so that no index
	 * serves it: SQLite otherwise walked every due row of the
	 * (state, next_attempt_at) index to test "id IN (...)" -- 25 ms a
	 * claim with 90,000 queued, rather than 20 look-ups by id (PostgreSQL
	 * has no unary + for text, and its plan joins on the ids anyway) */
	int pg = store_kind(s) == STORE_PG;
	snprintf(sql, sizeof sql,
		 "UPDATE mail_outbox SET next_attempt_at = $1, claimed_by = $2"
		 " WHERE id IN (SELECT id FROM mail_outbox WHERE state = 'queued'"
		 " AND next_attempt_at <= $3 ORDER BY priority DESC, next_attempt_at, id LIMIT %d%s)"
		 " AND %sstate = 'queued' AND %snext_attempt_at <= $3",
		 batch, pg ? " FOR UPDATE SKIP LOCKED" : "", pg ? "" : "+", pg ? "" : "+");
	struct store_val v[] = { sv_int(now + lease), sv_text(tok), sv_int(now) };
	rc = store_exec(s, sql, v, SV_N(v), e);
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	if (rc == 0) {
		store_rollback(s);
		return 0;
	}
	if ((rc = store_commit(s, e)))
		return rc;
	struct store_rows *r;
	struct store_val q[] = { sv_text(tok) };
	rc = store_query(&r, s,
			 "SELECT id, recipient, subject, body, msg_token, created_at, attempts,"
			 " unsubscribe_url FROM mail_outbox WHERE claimed_by = $1"
			 " ORDER BY priority DESC, created_at, id",
			 q, SV_N(q), e);
	if (rc)
		return rc;
	while (*n < batch && (rc = store_rows_next(r, e)) == 1) {
		struct claimed *c = &out[*n];
		c->id = store_col_int(r, 0);
		c->to = strdup(store_col_text(r, 1));
		c->subject = strdup(store_col_text(r, 2));
		c->body = strdup(store_col_text(r, 3));
		c->token = strdup(store_col_text(r, 4));
		c->created_at = store_col_int(r, 5);
		c->attempts = (int)store_col_int(r, 6);
		c->unsubscribe = store_col_isnull(r, 7) ? NULL : strdup(store_col_text(r, 7));
		(*n)++;
		if (!c->to || !c->subject || !c->body || !c->token) {
			rc = err_set(e, ERR_NOMEM, "out of memory");
			break;
		}
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nitems, void *arg)
{
	struct reader *rd = arg;
	size_t n = size * nitems;
	if (n > rd->left)
		n = rd->left;
	memcpy(dst, rd->p, n);
	rd->p += n;
	rd->left -= n;
	return n;
}

/* the connection or the relay's configuration failed rather than this
 * message: ends the batch */
static int connection_level(CURLcode cc, long smtp)
{
	if (smtp == 421 || smtp == 530 || smtp == 534 || smtp == 535 || smtp == 538 ||
	    smtp == 454)
		return 1;
	if (smtp >= 200)
		return 0;   /* the relay answered about this message */
	return cc != CURLE_OK;
}

static int64_t backoff(int base, int attempts)
{
	int64_t d = base;
	for (int i = 1; i < attempts && d < MAIL_RETRY_CAP_SECS; i++)
		d *= 2;
	return d < MAIL_RETRY_CAP_SECS ? d : MAIL_RETRY_CAP_SECS;
}

/* What one attempt at a claimed message came to, as record writes it
 * back to its row of mail_outbox. */
struct outcome {
	enum mail_state state;
	int attempts;             /* the message's attempts, this one counted */
	int64_t next;             /* MAIL_QUEUED: when it is due again       */
	const char *error;        /* last_error; NULL once sent              */
};

static int record(struct store *s, const struct claimed *c, const char *tok,
		  const struct outcome *o, int64_t now, struct err *e)
{
	enum mail_state st = o->state;
	struct store_val v[] = {
		sv_text(mail_state_name(st)), sv_int(o->attempts),
		st == MAIL_QUEUED ? sv_int(o->next) : sv_null(),
		sv_text(o->error), st == MAIL_SENT ? sv_int(now) : sv_null(),
		sv_int(c->id), sv_text(tok),
	};
	int rc = store_exec(s,
			    "UPDATE mail_outbox SET state = $1, attempts = $2,"
			    " next_attempt_at = $3, last_error = $4, sent_at = $5,"
			    " claimed_by = NULL WHERE id = $6 AND claimed_by = $7",
			    v, SV_N(v), e);
	return rc < 0 ? rc : 0;
}

static CURL *easy_new(struct mail_sender *m)
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	char from[MAIL_ADDR_MAX + 3];
	snprintf(from, sizeof from, "<%s>", m->from);
	curl_easy_setopt(h, CURLOPT_URL, m->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)m->connect_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)m->timeout);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 m->tls == MAIL_TLS_REQUIRE ? (long)CURLUSESSL_ALL :
			 m->tls == MAIL_TLS_TRY ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_NONE);
	if (m->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, m->ca_file);
	if (m->has_auth) {
		curl_easy_setopt(h, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, m->pass);
	}
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	return h;
}

/* ---- the connections: a few SMTP sessions driven together -------------- */

/* One session of the pool: an easy handle and the message it carries. */
struct lane {
	CURL *h;
	int idx;                  /* the batch's message in flight, -1: idle */
	int refused;              /* the relay refused this session while it
				     took another: not used again this batch */
	char *text;               /* its composed text                        */
	struct curl_slist *rcpt;
	struct reader rd;
};

/* The multi handle and its easy handles: the SMTP connections stay open
 * in the multi's connection cache from one batch to the next (kept in the
 * sender while idle, at most MAIL_POOL_IDLE_SECS). */
struct mail_pool {
	CURLM *multi;
	struct lane lane[MAIL_CONNS_MAX];
	int n;
	int64_t idle_since;
};

static void pool_free(struct mail_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		if (p->lane[i].h)
			curl_easy_cleanup(p->lane[i].h);
	if (p->multi)
		curl_multi_cleanup(p->multi);   /* QUIT on the cached connections */
	free(p);
}

static struct mail_pool *pool_new(struct mail_sender *m)
{
	struct mail_pool *p = calloc(1, sizeof *p);
	if (!p || !(p->multi = curl_multi_init())) {
		free(p);
		return NULL;
	}
	curl_multi_setopt(p->multi, CURLMOPT_MAXCONNECTS, (long)m->conns);
	for (p->n = 0; p->n < m->conns; p->n++) {
		struct lane *l = &p->lane[p->n];
		if (!(l->h = easy_new(m))) {
			pool_free(p);
			return NULL;
		}
		l->idx = -1;
		curl_easy_setopt(l->h, CURLOPT_READDATA, &l->rd);
		curl_easy_setopt(l->h, CURLOPT_PRIVATE, (void *)l);
	}
	return p;
}

/* the sender's idle pool, or a new one; NULL: out of memory */
static struct mail_pool *pool_take(struct mail_sender *m, int64_t now)
{
	pthread_mutex_lock(&m->mu);
	struct mail_pool *p = m->idle;
	m->idle = NULL;
	pthread_mutex_unlock(&m->mu);
	if (p && now - p->idle_since > MAIL_POOL_IDLE_SECS) {
		pool_free(p);
		p = NULL;
	}
	return p ? p : pool_new(m);
}

static void pool_give_back(struct mail_sender *m, struct mail_pool *p, int64_t now)
{
	p->idle_since = now;
	pthread_mutex_lock(&m->mu);
	if (!m->idle) {
		m->idle = p;
		p = NULL;
	}
	pthread_mutex_unlock(&m->mu);
	pool_free(p);
}

/* What became of one message: its result and how it is written back. */
struct done {
	struct mail_result res;
	int64_t next;
	char error[MAIL_ERROR_MAX];
	int stop;                 /* connection-level: end the batch          */
	int answered;             /* the relay answered about this message    */
};

/* the outcome of a finished transfer (cc, the last reply code) */
static void judge(struct done *d, const struct mail_sender *m, CURLcode cc, long code,
		  int64_t now)
{
	/* the last reply may be an earlier step's success (250 to EHLO
	 * before STARTTLS failed): only a refusal is news */
	if (cc != CURLE_OK && code < 400)
		code = 0;
	d->res.smtp_code = (int)code;
	d->res.curl_code = (int)cc;
	d->answered = cc == CURLE_OK || code >= 200;
	if (cc == CURLE_OK) {
		d->res.state = MAIL_SENT;
		d->error[0] = '\0';
		return;
	}
	if (code > 0)
		snprintf(d->error, sizeof d->error, "smtp %ld (curl %d)", code, (int)cc);
	else
		snprintf(d->error, sizeof d->error, "curl %d (%s)", (int)cc, curl_easy_strerror(cc));
	d->stop = connection_level(cc, code);
	if (d->stop)
		d->answered = 0;
	if (code >= 500 && code <= 599 && !d->stop)
		d->res.state = MAIL_FAILED;
	else if (d->res.attempts >= m->max_attempts)
		d->res.state = MAIL_FAILED;
	else {
		d->res.state = MAIL_QUEUED;
		d->next = now + backoff(m->retry_base, d->res.attempts);
	}
}

/* put message i of the batch on lane l: compose it and add the transfer to
 * the multi.  0: started; 1: it cannot be composed (its outcome is in d,
 * failed); < 0: out of memory. */
static int lane_start(struct mail_pool *p, struct lane *l, struct mail_sender *m,
		      const struct claimed *c, int i, struct done *d)
{
	char mid[MAIL_ADDR_MAX + 80];
	mail_message_id(mid, sizeof mid, c->token, c->id, m->from);
	struct mail_msg msg = { .from = m->from, .from_name = m->from_name,
				.to = c->to, .subject = c->subject, .body = c->body,
				.date = c->created_at, .message_id = mid,
				.unsubscribe = c->unsubscribe };
	size_t len = 0;
	struct err ce;
	err_clear(&ce);
	d->res = (struct mail_result){ .id = c->id, .attempts = c->attempts + 1 };
	if (mail_compose(&l->text, &len, &msg, &ce)) {
		/* cannot ever be sent (checked at enqueue; only a changed
		 * configuration gets here) */
		d->res.state = MAIL_FAILED;
		d->answered = 1;
		snprintf(d->error, sizeof d->error, "compose: %s", err_code_name(ce.code));
		return 1;
	}
	char rcpt[MAIL_ADDR_MAX + 3];
	snprintf(rcpt, sizeof rcpt, "<%s>", c->to);
	if (!(l->rcpt = curl_slist_append(NULL, rcpt))) {
		free(l->text);
		l->text = NULL;
		return ERR_NOMEM;
	}
	l->rd = (struct reader){ l->text, len };
	curl_easy_setopt(l->h, CURLOPT_MAIL_RCPT, l->rcpt);
	curl_easy_setopt(l->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	if (curl_multi_add_handle(p->multi, l->h) != CURLM_OK) {
		curl_easy_setopt(l->h, CURLOPT_MAIL_RCPT, NULL);
		curl_slist_free_all(l->rcpt);
		l->rcpt = NULL;
		free(l->text);
		l->text = NULL;
		return ERR_NOMEM;
	}
	l->idx = i;
	return 0;
}

static void lane_end(struct mail_pool *p, struct lane *l)
{
	curl_multi_remove_handle(p->multi, l->h);
	curl_easy_setopt(l->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(l->rcpt);
	l->rcpt = NULL;
	free(l->text);
	l->text = NULL;
	l->idx = -1;
}

int mail_send_due(struct mail_send_stats *stats, struct mail_sender *m,
		  struct store *s, int64_t now,
		  void (*fn)(const struct mail_result *r, void *arg), void *arg,
		  struct err *e)
{
	memset(stats, 0, sizeof *stats);
	char tok[33];
	if (random_token(tok, 16))
		return err_set(e, ERR_IO, "no random bytes");
	struct claimed *batch = calloc((size_t)m->batch, sizeof *batch);
	struct done *done = calloc((size_t)m->batch, sizeof *done);
	if (!batch || !done) {
		free(batch);
		free(done);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	int n = 0;
	int rc = claim(batch, &n, s, tok, now, m->batch, claim_lease(m), e);
	stats->claimed = n;
	int *finished = NULL;     /* indexes of the batch with an outcome */
	int nfin = 0;
	struct mail_pool *p = NULL;
	if (rc || n == 0)
		goto release;
	if (!(finished = calloc((size_t)n, sizeof *finished)) || !(p = pool_take(m, now))) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto release;
	}
	/* One lane first: only once the relay has answered about a message
	 * are the other sessions opened, so that a relay that is down costs
	 * one message an attempt, not one per session.  Messages are started
	 * in the claim's order (the emergency lane first). */
	int next = 0, active = 0, stop = 0, opened = 0;
	int width = 1, refused = 0;
	for (int k = 0; k < p->n; k++)
		p->lane[k].refused = 0;
	/* an error of the sending loop: the outcomes already in are still
	 * recorded below (a message the relay took is not sent again) */
	int loop_rc = 0;
	while (loop_rc == 0) {
		for (int k = 0; k < width && !stop && loop_rc == 0; k++) {
			struct lane *l = &p->lane[k];
			while (l->idx < 0 && !l->refused && next < n && loop_rc == 0) {
				int i = next++;
				int st = lane_start(p, l, m, &batch[i], i, &done[i]);
				if (st < 0)
					loop_rc = err_set(e, ERR_NOMEM, "out of memory");
				else if (st == 1)
					finished[nfin++] = i;
				else
					active++;
			}
		}
		if (active == 0 || loop_rc)
			break;
		int running = 0;
		if (curl_multi_perform(p->multi, &running) != CURLM_OK) {
			loop_rc = err_set(e, ERR_INTERNAL, "curl multi failed");
			break;
		}
		CURLMsg *msg;
		int queued;
		while ((msg = curl_multi_info_read(p->multi, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct lane *l = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&l);
			CURLcode cc = msg->data.result;   /* read before lane_end */
			long code = 0;
			curl_easy_getinfo(l->h, CURLINFO_RESPONSE_CODE, &code);
			int i = l->idx;
			lane_end(p, l);
			active--;
			judge(&done[i], m, cc, code, now);
			if (done[i].stop && opened && width - refused > 1) {
				/* another session was taken: the relay limits how
				 * many it takes from us (421 at its greeting).  This
				 * lane stops for the batch; its message stays claimed
				 * and is released below, due at once, uncharged */
				l->refused = 1;
				refused++;
				continue;
			}
			finished[nfin++] = i;
			if (done[i].stop)
				stop = 1;
			else if (done[i].answered && !opened) {
				opened = 1;
				width = p->n;
			}
		}
		if (active > 0 && curl_multi_poll(p->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
			loop_rc = err_set(e, ERR_INTERNAL, "curl multi poll failed");
			break;
		}
	}
	/* an error above may leave transfers in the multi: end them (their
	 * messages are released below, uncharged) */
	for (int k = 0; k < p->n; k++)
		if (p->lane[k].idx >= 0)
			lane_end(p, &p->lane[k]);
	stats->stopped_early = stop;
	/* the outcomes in one transaction: one commit (one fsync) a batch
	 * rather than one a message; a crash before it re-sends the batch,
	 * with the same Message-IDs (delivery is at least once) */
	int recorded = 0;
	if (nfin > 0 && (rc = store_begin(s, e)) == 0) {
		for (int j = 0; j < nfin && rc == 0; j++) {
			const struct done *d = &done[finished[j]];
			rc = record(s, &batch[finished[j]], tok,
				    &(struct outcome){ .state = d->res.state,
						       .attempts = d->res.attempts,
						       .next = d->next,
						       .error = d->error[0] ? d->error : NULL },
				    now, e);
		}
		if (rc == 0)
			rc = store_commit(s, e);
		else
			store_rollback(s);
		recorded = rc == 0;
	}
	for (int j = 0; recorded && j < nfin; j++) {
		const struct done *d = &done[finished[j]];
		if (d->res.state == MAIL_SENT)
			stats->sent++;
		else if (d->res.state == MAIL_FAILED)
			stats->failed++;
		else
			stats->retried++;
		if (fn)
			fn(&d->res, arg);
	}
	if (rc == 0)
		rc = loop_rc;
release:
	if (p) {
		/* a relay that failed mid-batch: its connections are not kept */
		if (stop || rc)
			pool_free(p);
		else
			pool_give_back(m, p, now);
	}
	if (n > 0) {
		/* what this batch did not try: due again after retry_base when
		 * the connection failed, at once otherwise, uncharged */
		struct store_val v[] = { sv_int(stats->stopped_early ? now + m->retry_base : now),
					 sv_text(tok) };
		int r2 = store_exec(s, "UPDATE mail_outbox SET next_attempt_at = $1,"
				    " claimed_by = NULL WHERE claimed_by = $2", v, SV_N(v),
				    rc ? NULL : e);
		if (rc == 0 && r2 < 0)
			rc = r2;
	}
	claimed_free(batch, n);
	free(batch);
	free(done);
	free(finished);
	return rc;
}
