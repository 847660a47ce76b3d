/*
 * message.c -- the messages of the SMS and LINE channels (issue 20,
 * "Notifications" item 6): rendering a channel's template and queueing
 * it, the state machine, the SMS length in UCS-2 segments, back-off, the
 * claim of a batch by the delivery job and the record of each outcome and
 * receipt.  The pattern is the e-mail outbox's (src/core/mail/README.md):
 * queued in the caller's transaction, claimed in one UPDATE, sent outside
 * any transaction, each outcome written under the claim.  See notify.h.
 *
 * Invariants: state moves only along notify_state_step_ok (every UPDATE
 * names the state it leaves); delivered, failed and bounced are final;
 * last_error is a code ("sms 400 21211", "line 429", "curl 7"), never a
 * number, an id or a text; recipient and body are read by the job and by
 * staff pages that audit the read, and never logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/jobs/jobs.h"
#include "store/store.h"
#include "svc/notify/notify.h"
#include "svc/notify/channels.h"

/* a batch, every message to the provider's whole timeout, fits its claim */
_Static_assert(NOTIFY_MSG_BATCH * NOTIFY_HTTP_TIMEOUT_S + 60 <= NOTIFY_MSG_CLAIM_SECS, "a batch fits its claim");

/* a verification code's text is kept only until the provider has it
 * or it has failed: then it is blanked (the code itself is kept hashed,
 * link.c; nobody reads it back from the message) */
#define NOTIFY_BLANK_CODE " body = CASE WHEN template = 'sms.verify' THEN '' ELSE body END,"

static const char *const state_names[] = {
	[NOTIFY_QUEUED] = "queued", [NOTIFY_SENDING] = "sending", [NOTIFY_DELIVERED] = "delivered",
	[NOTIFY_FAILED] = "failed", [NOTIFY_BOUNCED] = "bounced",
};

const char *notify_state_name(enum notify_state s)
{
	return (unsigned)s <= NOTIFY_BOUNCED ? state_names[s] : "?";
}

int notify_state_parse(const char *s)
{
	for (int i = 0; s && i <= NOTIFY_BOUNCED; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

int notify_state_final(enum notify_state s)
{
	return s == NOTIFY_DELIVERED || s == NOTIFY_FAILED || s == NOTIFY_BOUNCED;
}

int notify_state_step_ok(enum notify_state from, enum notify_state to)
{
	switch (from) {
	case NOTIFY_QUEUED:   /* failed without a claim: the account closed (erase.c) */
		return to == NOTIFY_SENDING || to == NOTIFY_FAILED;
	case NOTIFY_SENDING:   /* delivered/bounced by a receipt; queued again
				  after a transient failure; failed */
		return to == NOTIFY_QUEUED || to == NOTIFY_DELIVERED || to == NOTIFY_FAILED ||
		       to == NOTIFY_BOUNCED;
	default:
		return 0;
	}
}

/* ---- lengths and recipients ---- */

int notify_sms_units(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	int units = 0;
	while (*p) {
		int len, cp;
		if (*p < 0x80) {
			len = 1;
			cp = *p;
		} else if ((*p & 0xe0) == 0xc0) {
			len = 2;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			len = 3;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			len = 4;
			cp = *p & 0x07;
		} else {
			return -1;
		}
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;   /* overlong, out of range, a surrogate */
		units += cp >= 0x10000 ? 2 : 1;
		if (units > 1000000)
			return -1;
		p += len;
	}
	return units;
}

int notify_sms_segments(const char *text)
{
	int u = notify_sms_units(text);
	if (u <= 0)
		return u;
	if (u <= NOTIFY_SMS_SEGMENT1)
		return 1;
	return (u + NOTIFY_SMS_SEGMENTN - 1) / NOTIFY_SMS_SEGMENTN;
}

int notify_phone_valid(const char *s)
{
	if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	size_t n = strlen(s + 1);
	if (n < 8 || n > 15)
		return 0;
	for (const char *p = s + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

int notify_line_id_valid(const char *s)
{
	if (!s || s[0] != 'U' || strlen(s) != NOTIFY_LINE_ID_LEN)
		return 0;
	for (const char *p = s + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int64_t notify_backoff(int attempts)
{
	if (attempts < 1)
		attempts = 1;
	int64_t d = NOTIFY_MSG_RETRY_BASE;
	for (int i = 1; i < attempts && d < NOTIFY_MSG_RETRY_CAP; i++)
		d *= 2;
	return d > NOTIFY_MSG_RETRY_CAP ? NOTIFY_MSG_RETRY_CAP : d;
}

/* ---- queueing ---- */

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

int notify_wake(struct store *s, int64_t at, struct err *e)
{
	return jobs_wake(s, NOTIFY_DELIVER_JOB, at * 1000, e);
}

int notify_send(int64_t *id, struct store *s, const char *tenant, const struct notify_send *m,
		int64_t now, struct err *e)
{
	*id = 0;
	if (m->channel == NOTIFY_SMS ? !notify_phone_valid(m->recipient)
	    : m->channel == NOTIFY_LINE ? !notify_line_id_valid(m->recipient) : 1)
		return err_set(e, ERR_INVALID, "notify: recipient or channel invalid");
	const char *lang = m->lang ? m->lang : "ja";
	if (notify_lang_parse(lang) < 0)
		return err_set(e, ERR_INVALID, "notify: language invalid");
	struct arena *a = arena_new(64 * 1024);
	if (!a)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	struct notify_message msg;
	int rc = notify_render(&msg, a, s, tenant, m->template_id, lang, m->vals, m->n, e);
	if (rc == 0 && msg.channel != m->channel)
		rc = err_set(e, ERR_INVALID, "notify: %s is not a template of the %s channel",
			     m->template_id, notify_channel_name(m->channel));
	int segments = 1;
	if (rc == 0 && m->channel == NOTIFY_SMS) {
		int u = notify_sms_units(msg.body);
		if (u < 0)
			rc = err_set(e, ERR_INVALID, "notify: the text is not UTF-8");
		else if (u > NOTIFY_SMS_UNITS_MAX)
			rc = err_set(e, ERR_LIMIT, "notify: an SMS of %d units (at most %d)", u,
				     NOTIFY_SMS_UNITS_MAX);
		else
			segments = notify_sms_segments(msg.body);
	} else if (rc == 0) {
		int u = notify_sms_units(msg.body);   /* characters, near enough: UTF-16 units */
		if (u < 0 || u > NOTIFY_LINE_TEXT_MAX)
			rc = err_set(e, ERR_LIMIT, "notify: a LINE text over %d characters",
				     NOTIFY_LINE_TEXT_MAX);
	}
	if (rc == 0 && !msg.body[0])
		rc = err_set(e, ERR_INVALID, "notify: the text is empty");
	int64_t due = now;
	if (m->priority <= 0) {
		int64_t q = notify_quiet_until(now);
		if (q > due)
			due = q;
	}
	int own = 0;
	if (rc == 0)
		rc = own_begin(s, &own, e);
	else {
		arena_free(a);
		return rc;
	}
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_text(notify_channel_name(m->channel)),
					 sv_text(m->recipient), sv_text(m->template_id),
					 sv_text(notify_lang_code(msg.lang)), sv_text(msg.body),
					 sv_int(segments), sv_int(m->priority > 0 ? 1 : 0), sv_int(due),
					 sv_int(now) };
		rc = store_query_int(id, s,
				     "INSERT INTO notify_messages (tenant, channel, recipient, template, lang,"
				     " body, segments, priority, state, attempts, next_attempt_at, created_at)"
				     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10) RETURNING id",
				     v, SV_N(v), e);
	}
	if (rc == 0)
		rc = notify_wake(s, due, e);
	arena_free(a);
	rc = own_end(s, own, rc, e);
	if (rc)
		*id = 0;
	return rc;
}

/* ---- reading ---- */

#define MSG_COLS "id, tenant, channel, recipient, template, lang, body, segments, priority, state," \
		 " provider_id, attempts, next_attempt_at, last_error, created_at, sent_at, done_at"

static const char *dup_col(struct arena *a, struct store_rows *r, int c)
{
	if (store_col_isnull(r, c))
		return "";
	const char *t = store_col_text(r, c);
	return a ? arena_strdup(a, t) : t;
}

static void msg_of(struct notify_msg *m, struct arena *a, struct store_rows *r)
{
	memset(m, 0, sizeof *m);
	m->id = store_col_int(r, 0);
	m->tenant = dup_col(a, r, 1);
	m->channel = dup_col(a, r, 2);
	m->recipient = dup_col(a, r, 3);
	m->template_id = dup_col(a, r, 4);
	m->lang = dup_col(a, r, 5);
	m->body = dup_col(a, r, 6);
	m->segments = (int)store_col_int(r, 7);
	m->priority = (int)store_col_int(r, 8);
	int st = notify_state_parse(store_col_text(r, 9));
	m->state = st < 0 ? NOTIFY_FAILED : (enum notify_state)st;
	m->provider_id = dup_col(a, r, 10);
	m->attempts = (int)store_col_int(r, 11);
	m->next_attempt_at = store_col_isnull(r, 12) ? 0 : store_col_int(r, 12);
	m->last_error = dup_col(a, r, 13);
	m->created_at = store_col_int(r, 14);
	m->sent_at = store_col_isnull(r, 15) ? 0 : store_col_int(r, 15);
	m->done_at = store_col_isnull(r, 16) ? 0 : store_col_int(r, 16);
}

int notify_msg_get(struct notify_msg *out, struct arena *a, struct store *s, const char *tenant,
		   int64_t id, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!a)
		return err_set(e, ERR_INVALID, "notify: an arena is needed");
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " MSG_COLS " FROM notify_messages"
			     " WHERE tenant = $1 AND id = $2", v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		msg_of(out, a, r);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "notify: no such message");
	}
	store_rows_free(r);
	return rc;
}

int notify_msg_list(struct store *s, const char *tenant, const char *channel, const char *state,
		    int limit, int offset, int (*fn)(const struct notify_msg *m, void *arg),
		    void *arg, struct err *e)
{
	if (limit <= 0 || limit > 200)
		limit = 200;
	if (offset < 0)
		offset = 0;
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT " MSG_COLS " FROM notify_messages WHERE tenant = $1"
		 " AND ($2 = '' OR channel = $2) AND ($3 = '' OR state = $3)"
		 " ORDER BY id DESC LIMIT %d OFFSET %d", limit, offset);
	struct store_val v[] = { sv_text(tenant), sv_text(channel ? channel : ""),
				 sv_text(state ? state : "") };
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, SV_N(v), e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct notify_msg m;
		msg_of(&m, NULL, r);
		n++;
		if (fn && fn(&m, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

/* ---- delivery ---- */

void notify_claimed_free(struct notify_claimed *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].body);
		c[i].body = NULL;
	}
}

int notify_msg_claim(struct notify_claimed *out, int *n, int max, struct store *s,
		     enum notify_channel ch, const char *tok, int64_t now, struct err *e)
{
	*n = 0;
	if (max <= 0 || max > 1000)
		return err_set(e, ERR_INVALID, "notify: batch size");
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	char sql[700];
	/* queued and due, or claimed by a runner that never finished (sending,
	 * no provider id, its claim run out): the emergency lane first */
	snprintf(sql, sizeof sql,
		 "UPDATE notify_messages SET state = 'sending', claimed_by = $1, next_attempt_at = $2"
		 " WHERE id IN (SELECT id FROM notify_messages WHERE channel = $3"
		 " AND (state = 'queued' OR (state = 'sending' AND provider_id IS NULL))"
		 " AND next_attempt_at <= $4 ORDER BY priority DESC, next_attempt_at, id LIMIT %d%s)"
		 " AND (state = 'queued' OR (state = 'sending' AND provider_id IS NULL))"
		 " AND next_attempt_at <= $4",
		 max, store_kind(s) == STORE_PG ? " FOR UPDATE SKIP LOCKED" : "");
	struct store_val v[] = { sv_text(tok), sv_int(now + NOTIFY_MSG_CLAIM_SECS),
				 sv_text(notify_channel_name(ch)), sv_int(now) };
	rc = store_exec(s, sql, v, SV_N(v), e);
	if (rc <= 0) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)))
		return rc;
	struct store_rows *r;
	struct store_val q[] = { sv_text(tok) };
	rc = store_query(&r, s, "SELECT id, tenant, recipient, body, attempts, priority"
			 " FROM notify_messages WHERE claimed_by = $1 AND state = 'sending'"
			 " AND provider_id IS NULL ORDER BY priority DESC, id", q, SV_N(q), e);
	if (rc)
		return rc;
	while (*n < max && (rc = store_rows_next(r, e)) == 1) {
		struct notify_claimed *c = &out[*n];
		memset(c, 0, sizeof *c);
		c->id = store_col_int(r, 0);
		snprintf(c->tenant, sizeof c->tenant, "%s", store_col_text(r, 1));
		snprintf(c->recipient, sizeof c->recipient, "%s", store_col_text(r, 2));
		c->body = strdup(store_col_text(r, 3));
		c->attempts = (int)store_col_int(r, 4);
		c->priority = (int)store_col_int(r, 5);
		(*n)++;
		if (!c->body) {
			rc = err_set(e, ERR_NOMEM, "notify: no memory");
			break;
		}
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int notify_msg_outcome(struct store *s, int64_t id, const char *tok, enum notify_outcome o,
		       const char *provider_id, const char *code, int64_t now, struct err *e)
{
	const char *c = code && *code ? code : NULL;
	switch (o) {
	case NOTIFY_OUT_ACCEPTED: {
		if (!provider_id || !*provider_id || strlen(provider_id) > NOTIFY_PROVIDER_ID_MAX)
			return err_set(e, ERR_INVALID, "notify: provider id");
		struct store_val v[] = { sv_text(provider_id), sv_int(now), sv_int(id), sv_text(tok) };
		return store_exec(s, "UPDATE notify_messages SET provider_id = $1, sent_at = $2," NOTIFY_BLANK_CODE
				  " attempts = attempts + 1, next_attempt_at = NULL, claimed_by = NULL,"
				  " last_error = NULL WHERE id = $3 AND claimed_by = $4 AND state = 'sending'",
				  v, SV_N(v), e);
	}
	case NOTIFY_OUT_REFUSED: {
		struct store_val v[] = { c ? sv_text(c) : sv_null(), sv_int(now), sv_int(id), sv_text(tok) };
		return store_exec(s, "UPDATE notify_messages SET state = 'failed', last_error = $1," NOTIFY_BLANK_CODE
				  " attempts = attempts + 1, done_at = $2, next_attempt_at = NULL,"
				  " claimed_by = NULL WHERE id = $3 AND claimed_by = $4 AND state = 'sending'",
				  v, SV_N(v), e);
	}
	case NOTIFY_OUT_DEFER: {
		struct store_val v[] = { c ? sv_text(c) : sv_null(), sv_int(now + NOTIFY_MSG_RETRY_BASE),
					 sv_int(id), sv_text(tok) };
		return store_exec(s, "UPDATE notify_messages SET state = 'queued', last_error = $1,"
				  " next_attempt_at = $2, claimed_by = NULL"
				  " WHERE id = $3 AND claimed_by = $4 AND state = 'sending'",
				  v, SV_N(v), e);
	}
	case NOTIFY_OUT_RETRY: {
		/* attempts counts this one: the last allowed fails the message */
		struct store_val v[] = { c ? sv_text(c) : sv_null(), sv_int(now), sv_int(id), sv_text(tok),
					 sv_int(NOTIFY_MSG_ATTEMPTS_MAX) };
		int rc = store_exec(s, "UPDATE notify_messages SET state = 'failed', last_error = $1," NOTIFY_BLANK_CODE
				    " attempts = attempts + 1, done_at = $2, next_attempt_at = NULL,"
				    " claimed_by = NULL WHERE id = $3 AND claimed_by = $4"
				    " AND state = 'sending' AND attempts + 1 >= $5", v, SV_N(v), e);
		if (rc != 0)
			return rc;
		int64_t attempts = 0;
		struct store_val q[] = { sv_int(id) };
		rc = store_query_int(&attempts, s, "SELECT attempts FROM notify_messages WHERE id = $1",
				     q, SV_N(q), e);
		if (rc)
			return rc;
		struct store_val u[] = { c ? sv_text(c) : sv_null(),
					 sv_int(now + notify_backoff((int)attempts + 1)), sv_int(id),
					 sv_text(tok) };
		return store_exec(s, "UPDATE notify_messages SET state = 'queued', last_error = $1,"
				  " attempts = attempts + 1, next_attempt_at = $2, claimed_by = NULL"
				  " WHERE id = $3 AND claimed_by = $4 AND state = 'sending'",
				  u, SV_N(u), e);
	}
	}
	return err_set(e, ERR_INVALID, "notify: outcome");
}

int notify_msg_receipt(int *changed, struct store *s, const char *tenant, enum notify_channel ch,
		       const char *provider_id, enum notify_state to, const char *code, int64_t now,
		       struct err *e)
{
	*changed = 0;
	if (!notify_state_final(to))
		return 0;   /* an intermediate status (sent, queued) says nothing new */
	if (!provider_id || !*provider_id || strlen(provider_id) > NOTIFY_PROVIDER_ID_MAX)
		return err_set(e, ERR_INVALID, "notify: provider id");
	const char *c = to == NOTIFY_DELIVERED ? NULL : (code && *code ? code : NULL);
	struct store_val v[] = { sv_text(notify_state_name(to)), c ? sv_text(c) : sv_null(), sv_int(now),
				 sv_text(tenant), sv_text(notify_channel_name(ch)), sv_text(provider_id) };
	int rc = store_exec(s, "UPDATE notify_messages SET state = $1, last_error = $2, done_at = $3"
			    " WHERE tenant = $4 AND channel = $5 AND provider_id = $6 AND state = 'sending'",
			    v, SV_N(v), e);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		*changed = 1;
		return 0;
	}
	int64_t k = 0;
	struct store_val q[] = { sv_text(tenant), sv_text(notify_channel_name(ch)), sv_text(provider_id) };
	rc = store_query_int(&k, s, "SELECT COUNT(*) FROM notify_messages WHERE tenant = $1"
			     " AND channel = $2 AND provider_id = $3", q, SV_N(q), e);
	if (rc)
		return rc;
	return k ? 0 : err_set(e, ERR_NOTFOUND, "notify: no message has this provider id");
}

int notify_msg_next_due(int64_t *at, struct store *s, enum notify_channel ch, struct err *e)
{
	*at = 0;
	struct store_val v[] = { sv_text(notify_channel_name(ch)) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT MIN(next_attempt_at) FROM notify_messages WHERE channel = $1"
			     " AND (state = 'queued' OR (state = 'sending' AND provider_id IS NULL))",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1 && !store_col_isnull(r, 0))
		*at = store_col_int(r, 0);
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}
