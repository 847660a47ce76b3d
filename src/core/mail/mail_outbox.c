/*
 * mail_outbox.c -- the "mail" schema (table mail_outbox), enqueue, list,
 * the claim of a batch and the record of each outcome, and the wake-up
 * `mail.send` job.  See mail.h.
 *
 * Invariants: state is queued, sent or failed; a queued message has
 * next_attempt_at set (a claimed one: pushed MAIL_CLAIM_SECS ahead, with
 * claimed_by naming the claim), sent and failed ones have it NULL;
 * attempts counts delivery attempts; last_error holds only "smtp NNN" or
 * "curl N (curl's text)", never an address or a body.  msg_token makes the
 * Message-ID, the same on every attempt.  tenant is NULL for
 * deployment-level messages.  via is 'devbox' for a message a server
 * without a relay delivered to the development mailbox, else NULL.  Depends on "core" (tenants) and "jobs".
 */
#include "core/mail/mail.h"
#include "core/mail/mail_int.h"
#include "core/jobs/jobs.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct store_migration mail_migrations[] = {
	{ 1, "mail outbox",
	  "CREATE TABLE mail_outbox ("
	  " id {{ID}},"
	  " tenant TEXT REFERENCES tenants(code),"
	  " recipient TEXT NOT NULL,"
	  " subject TEXT NOT NULL,"
	  " body TEXT NOT NULL,"
	  " msg_token TEXT NOT NULL,"
	  " state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " next_attempt_at BIGINT,"
	  " claimed_by TEXT,"
	  " last_error TEXT,"
	  " created_at BIGINT NOT NULL,"
	  " sent_at BIGINT);"
	  "CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);"
	  "CREATE INDEX mail_outbox_tenant ON mail_outbox (tenant, id)" },
	/* how a sent message went: NULL over SMTP, 'devbox' to the
	 * development mailbox of a server without a relay */
	{ 2, "mail delivery route",
	  "ALTER TABLE mail_outbox ADD COLUMN via TEXT" },
	/* the emergency lane and quiet hours (issue 20): priority 1 is sent
	 * before everything of priority 0; not_before holds a message back
	 * (next_attempt_at starts there); unsubscribe_url makes the
	 * List-Unsubscribe header of a subscription's message */
	{ 3, "mail priority, hold and unsubscribe link",
	  "ALTER TABLE mail_outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE mail_outbox ADD COLUMN not_before BIGINT;"
	  "ALTER TABLE mail_outbox ADD COLUMN unsubscribe_url TEXT;"
	  "CREATE INDEX mail_outbox_lane ON mail_outbox (state, priority DESC, next_attempt_at, id);"
	  /* a batch finds its claimed rows without reading the table */
	  "CREATE INDEX mail_outbox_claim ON mail_outbox (claimed_by) WHERE claimed_by IS NOT NULL" },
	/* bounces (issue 20): a DSN that reports a sent message failed sets
	 * bounced_at and bounce_status ("5.1.1"); state stays 'sent' (SQLite
	 * cannot change the CHECK), mail_list reports it bounced.  The
	 * index serves the staff's list of addresses that hard-bounced */
	{ 4, "mail bounces",
	  "ALTER TABLE mail_outbox ADD COLUMN bounced_at BIGINT;"
	  "ALTER TABLE mail_outbox ADD COLUMN bounce_status TEXT;"
	  "CREATE INDEX mail_outbox_bounced ON mail_outbox (tenant, recipient)"
	  " WHERE bounced_at IS NOT NULL" },
};

const struct store_module_schema mail_schema = {
	"mail", mail_migrations,
	(int)(sizeof mail_migrations / sizeof mail_migrations[0])
};

static const char *const state_names[] = { NULL, "queued", "sent", "failed", "bounced" };

const char *mail_state_name(enum mail_state s)
{
	return s >= MAIL_QUEUED && s <= MAIL_BOUNCED ? state_names[s] : "unknown";
}

enum mail_state mail_state_parse(const char *name)
{
	for (int i = MAIL_QUEUED; name && i <= MAIL_BOUNCED; i++)
		if (strcmp(name, state_names[i]) == 0)
			return (enum mail_state)i;
	return 0;
}

/* ---- the wake-up job ----------------------------------------------------- */

/* a queued mail.send job due by at_ms (jobs_wake), in the caller's
 * transaction */
static int wake_at(struct store *s, int64_t at_ms, struct err *e)
{
	return jobs_wake(s, "mail.send", at_ms, e);
}

static int in_own_tx(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int end_own_tx(struct store *s, int own, int rc, struct err *e)
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

int mail_schedule_pending(struct store *s, struct err *e)
{
	int own, rc = in_own_tx(s, &own, e);
	if (rc)
		return rc;
	int64_t next = 0;
	rc = store_query_int(&next, s,
			     "SELECT COALESCE(MIN(next_attempt_at), -1) FROM mail_outbox"
			     " WHERE state = 'queued'", NULL, 0, e);
	if (rc == 0 && next >= 0) {
		int64_t at = next * 1000, now = now_ms();
		rc = wake_at(s, at < now ? now : at, e);
	}
	return end_own_tx(s, own, rc, e);
}

/* ---- enqueue ------------------------------------------------------------- */

int mail_enqueue_id(int64_t *id, struct store *s, const struct mail_new *m,
		    int64_t now, struct err *e)
{
	const char *tenant = m->tenant, *to = m->to;
	const char *subject = m->subject, *body = m->body;
	*id = 0;
	if (!mail_addr_valid(to))
		return err_set(e, to && strlen(to) > MAIL_ADDR_MAX ? ERR_LIMIT : ERR_INVALID,
			       "recipient address invalid");
	int rc = mail_text_check(subject, MAIL_SUBJECT_MAX, 0, "subject", e);
	if (rc)
		return rc;
	if (!*subject)
		return err_set(e, ERR_INVALID, "subject empty");
	if ((rc = mail_text_check(body, MAIL_BODY_MAX, 1, "body", e)))
		return rc;
	if (m->priority < 0 || m->priority > MAIL_PRIORITY_MAX)
		return err_set(e, ERR_INVALID, "priority out of range");
	if (m->unsubscribe_url && !mail_link_valid(m->unsubscribe_url))
		return err_set(e, ERR_INVALID, "unsubscribe link invalid");
	char token[33];
	if (random_token(token, 16))
		return err_set(e, ERR_IO, "no random bytes");
	int own;
	if ((rc = in_own_tx(s, &own, e)))
		return rc;
	int64_t due = m->not_before > now ? m->not_before : now;
	struct store_val v[] = { sv_text(tenant), sv_text(to), sv_text(subject),
				 sv_text(body), sv_text(token), sv_int(now), sv_int(due),
				 sv_int(m->priority),
				 m->not_before > now ? sv_int(m->not_before) : sv_null(),
				 sv_text(m->unsubscribe_url) };
	rc = store_query_int(id, s,
			     "INSERT INTO mail_outbox (tenant, recipient, subject, body,"
			     " msg_token, state, attempts, next_attempt_at, created_at,"
			     " priority, not_before, unsubscribe_url)"
			     " VALUES ($1, $2, $3, $4, $5, 'queued', 0, $7, $6, $8, $9, $10) RETURNING id",
			     v, SV_N(v), e);
	if (rc == 0)
		rc = wake_at(s, due * 1000 > now_ms() ? due * 1000 : now_ms(), e);
	rc = end_own_tx(s, own, rc, e);
	if (rc)
		*id = 0;
	return rc;
}

int mail_enqueue(struct store *s, const char *tenant, const char *to,
		 const char *subject, const char *body, int64_t now,
		 struct err *e)
{
	int64_t id;
	return mail_enqueue_id(&id, s,
			       &(struct mail_new){ .tenant = tenant, .to = to,
						   .subject = subject, .body = body },
			       now, e);
}

/* ---- list ------------------------------------------------------------------ */

/* the WHERE clause of f into sql (after "... WHERE 1 = 1"), its values in v */
static int filter_sql(char *sql, size_t cap, struct store_val *v, const struct mail_filter *f,
		      struct err *e)
{
	if (f->state && !mail_state_parse(mail_state_name(f->state)))
		return err_set(e, ERR_INVALID, "unknown mail state");
	int np = 0;
	size_t n0 = strlen(sql);
	if (f->id) {
		v[np++] = sv_int(f->id);
		n0 += (size_t)snprintf(sql + n0, cap - n0, " AND id = $%d", np);
	}
	if (f->tenant) {
		v[np++] = sv_text(f->tenant);
		n0 += (size_t)snprintf(sql + n0, cap - n0, " AND tenant = $%d", np);
	}
	if (f->state == MAIL_BOUNCED) {
		snprintf(sql + n0, cap - n0, " AND bounced_at IS NOT NULL");
	} else if (f->state) {
		v[np++] = sv_text(mail_state_name(f->state));
		snprintf(sql + n0, cap - n0, " AND state = $%d%s", np,
			 f->state == MAIL_QUEUED ? "" : " AND bounced_at IS NULL");
	}
	return np;
}

int mail_count(struct store *s, const struct mail_filter *f, struct err *e)
{
	struct mail_filter none = { 0 };
	struct store_val v[3];
	char sql[256] = "SELECT COUNT(*) FROM mail_outbox WHERE 1 = 1";
	int np = filter_sql(sql, sizeof sql, v, f ? f : &none, e);
	if (np < 0)
		return np;
	int64_t n = 0;
	int rc = store_query_int(&n, s, sql, v, np, e);
	return rc ? rc : (int)n;
}

int mail_list(struct store *s, const struct mail_filter *f,
	      int (*fn)(const struct mail_info *m, void *arg), void *arg,
	      struct err *e)
{
	struct mail_filter none = { 0 };
	if (!f)
		f = &none;
	int limit = f->limit <= 0 || f->limit > MAIL_LIST_MAX ? MAIL_LIST_MAX : f->limit;
	int offset = f->offset > 0 ? f->offset : 0;
	struct store_val v[3];
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT id, tenant, recipient, subject, state, attempts,"
		 " next_attempt_at, last_error, created_at, sent_at, via,"
		 " priority, not_before, claimed_by, bounced_at, bounce_status%s"
		 " FROM mail_outbox WHERE 1 = 1", f->with_body ? ", body, msg_token" : "");
	int np = filter_sql(sql, sizeof sql, v, f, e);
	if (np < 0)
		return np;
	size_t n0 = strlen(sql);
	snprintf(sql + n0, sizeof sql - n0, " ORDER BY id DESC LIMIT %d OFFSET %d", limit, offset);
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, np, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct mail_info m = {
			.id = store_col_int(r, 0),
			.tenant = store_col_isnull(r, 1) ? NULL : store_col_text(r, 1),
			.to = store_col_text(r, 2),
			.subject = store_col_text(r, 3),
			.state = !store_col_isnull(r, 14) ? MAIL_BOUNCED
				 : mail_state_parse(store_col_text(r, 4)),
			.attempts = (int)store_col_int(r, 5),
			.next_attempt_at = store_col_isnull(r, 6) ? 0 : store_col_int(r, 6),
			.last_error = store_col_isnull(r, 7) ? NULL : store_col_text(r, 7),
			.created_at = store_col_int(r, 8),
			.sent_at = store_col_isnull(r, 9) ? 0 : store_col_int(r, 9),
			.devbox = !store_col_isnull(r, 10) && strcmp(store_col_text(r, 10), "devbox") == 0,
			.priority = (int)store_col_int(r, 11),
			.not_before = store_col_isnull(r, 12) ? 0 : store_col_int(r, 12),
			.claimed = !store_col_isnull(r, 13),
			.bounced_at = store_col_isnull(r, 14) ? 0 : store_col_int(r, 14),
			.bounce_status = store_col_isnull(r, 15) ? NULL : store_col_text(r, 15),
			.body = f->with_body ? store_col_text(r, 16) : NULL,
			.msg_token = f->with_body ? store_col_text(r, 17) : NULL,
		};
		n++;
		if (fn(&m, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

void mail_message_id(char *out, size_t cap, const char *msg_token, int64_t id,
		     const char *from)
{
	snprintf(out, cap, "<%s.%lld@%s>", msg_token, (long long)id, mail_domain_of(from));
}

/* ---- the development mailbox ------------------------------------------- */

int mail_devbox_deliver(struct store *s, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_int(now) };
	return store_exec(s, "UPDATE mail_outbox SET state = 'sent', via = 'devbox',"
			  " attempts = attempts + 1, next_attempt_at = NULL, claimed_by = NULL,"
			  " last_error = NULL, sent_at = $1 WHERE state = 'queued'"
			  " AND (not_before IS NULL OR not_before <= $1)", v, SV_N(v), e);
}

int mail_summary(struct mail_summary *out, struct store *s, const char *tenant,
		 int64_t since, int64_t stale_before, struct err *e)
{
	*out = (struct mail_summary){ 0 };
	struct store_val v[] = { sv_text(tenant), sv_int(stale_before), sv_int(since) };
	struct store_rows *r;
	int rc = store_query(&r, s,
			     "SELECT COALESCE(SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), 0),"
			     " COALESCE(SUM(CASE WHEN state = 'queued' AND (attempts > 0 OR (created_at < $2"
			     "  AND COALESCE(not_before, 0) < $2))"
			     "  THEN 1 ELSE 0 END), 0),"
			     " COALESCE(SUM(CASE WHEN state = 'failed' AND created_at >= $3 THEN 1 ELSE 0 END), 0),"
			     " COALESCE(MIN(CASE WHEN state = 'queued' THEN created_at END), 0)"
			     " FROM mail_outbox WHERE tenant = $1", v, SV_N(v), e);
	if (rc)
		return rc;
	if ((rc = store_rows_next(r, e)) == 1) {
		out->queued = (int)store_col_int(r, 0);
		out->retrying = (int)store_col_int(r, 1);
		out->failed = (int)store_col_int(r, 2);
		out->oldest_queued = store_col_int(r, 3);
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int mail_prune(struct store *s, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_int(now - MAIL_BODY_KEEP_SECS) };
	return store_exec(s, "UPDATE mail_outbox SET body = '' WHERE state IN ('sent', 'failed')"
			  " AND body <> '' AND COALESCE(sent_at, created_at) < $1", v, SV_N(v), e);
}

/* ---- status, links, bulk enqueue ------------------------------------------ */

const char *mail_status(const struct mail_info *m, int64_t now)
{
	if (m->state == MAIL_BOUNCED)
		return "bounced";
	if (m->state == MAIL_SENT)
		return "sent";
	if (m->state == MAIL_FAILED)
		return "failed";
	if (m->claimed)
		return "sending";
	if (m->not_before > now && m->attempts == 0)
		return "held";
	return "queued";
}

int mail_link_valid(const char *url)
{
	if (!url)
		return 0;
	size_t n = strlen(url);
	if (n > MAIL_LINK_MAX || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];
		/* printable ASCII without space, angle brackets, quote or comma:
		 * the header value is "<url>" */
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == '\\')
			return 0;
	}
	return 1;
}

int mail_enqueue_bulk(int64_t *count, struct store *s, const struct mail_bulk *b,
		      int64_t now, struct err *e)
{
	*count = 0;
	if (b->nparams < 0 || b->nparams > MAIL_BULK_PARAMS_MAX || !b->select_sql)
		return err_set(e, ERR_INVALID, "bulk: select or parameters");
	int rc = mail_text_check(b->subject, MAIL_SUBJECT_MAX, 0, "subject", e);
	if (rc)
		return rc;
	if (!*b->subject)
		return err_set(e, ERR_INVALID, "subject empty");
	/* the body is head + link + tail, the link link_base + a token of at
	 * most MAIL_BULK_TOKEN_MAX bytes */
	if ((rc = mail_text_check(b->body_head, MAIL_BODY_MAX, 1, "body", e)) ||
	    (rc = mail_text_check(b->body_tail, MAIL_BODY_MAX, 1, "body", e)))
		return rc;
	char probe[MAIL_LINK_MAX + 2];
	snprintf(probe, sizeof probe, "%s%s", b->link_base ? b->link_base : "", "x");
	if (!b->link_base || strlen(b->link_base) + MAIL_BULK_TOKEN_MAX > MAIL_LINK_MAX ||
	    !mail_link_valid(probe))
		return err_set(e, ERR_INVALID, "bulk: link base invalid");
	if (strlen(b->body_head) + strlen(b->body_tail) + strlen(b->link_base) + MAIL_BULK_TOKEN_MAX >
	    MAIL_BODY_MAX)
		return err_set(e, ERR_LIMIT, "body too long");
	if (b->priority < 0 || b->priority > MAIL_PRIORITY_MAX)
		return err_set(e, ERR_INVALID, "priority out of range");
	char token[33];
	if (random_token(token, 16))
		return err_set(e, ERR_IO, "no random bytes");
	int64_t due = b->not_before > now ? b->not_before : now;
	struct store_val v[MAIL_BULK_PARAMS_MAX + 10];
	for (int i = 0; i < b->nparams; i++)
		v[i] = b->params[i];
	int k = b->nparams;
	v[k + 0] = sv_text(b->tenant);
	v[k + 1] = sv_text(b->subject);
	v[k + 2] = sv_text(b->body_head);
	v[k + 3] = sv_text(b->body_tail);
	v[k + 4] = sv_text(b->link_base);
	v[k + 5] = sv_text(token);
	v[k + 6] = sv_int(due);
	v[k + 7] = sv_int(now);
	v[k + 8] = sv_int(b->priority);
	v[k + 9] = b->not_before > now ? sv_int(b->not_before) : sv_null();
	/* an address that hard-bounced since the subscriber saved it gets no
	 * more (the partial index mail_outbox_bounced answers it) */
	char skip[320] = "";
	if (b->skip_bounced)
		snprintf(skip, sizeof skip, " WHERE NOT " MAIL_SQL_BOUNCED("CAST($%d AS TEXT)", "x.recipient", "x.since"),
			 k + 1);
	size_t cap = strlen(b->select_sql) + 1024 + sizeof skip;
	char *sql = malloc(cap);
	if (!sql)
		return err_set(e, ERR_NOMEM, "out of memory");
	/* every message of the batch shares msg_token: the Message-ID adds the
	 * row's id, so each is still unique */
	snprintf(sql, cap,
		 "INSERT INTO mail_outbox (tenant, recipient, subject, body, msg_token, state,"
		 " attempts, next_attempt_at, created_at, priority, not_before, unsubscribe_url)"
		 " SELECT CAST($%d AS TEXT), x.recipient, CAST($%d AS TEXT),"
		 " CAST($%d AS TEXT) || CAST($%d AS TEXT) || x.token || CAST($%d AS TEXT),"
		 " CAST($%d AS TEXT), 'queued', 0, CAST($%d AS BIGINT), CAST($%d AS BIGINT),"
		 " CAST($%d AS INTEGER), CAST($%d AS BIGINT), CAST($%d AS TEXT) || x.token"
		 " FROM (%s) x%s",
		 k + 1, k + 2, k + 3, k + 5, k + 4, k + 6, k + 7, k + 8, k + 9, k + 10, k + 5,
		 b->select_sql, skip);
	int own;
	if ((rc = in_own_tx(s, &own, e))) {
		free(sql);
		return rc;
	}
	rc = store_exec(s, sql, v, k + 10, e);
	free(sql);
	if (rc >= 0) {
		*count = rc;
		rc = rc > 0 ? wake_at(s, due * 1000 > now_ms() ? due * 1000 : now_ms(), e) : 0;
	}
	rc = end_own_tx(s, own, rc, e);
	if (rc)
		*count = 0;
	return rc;
}
