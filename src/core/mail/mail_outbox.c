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
};

const struct store_module_schema mail_schema = {
	"mail", mail_migrations,
	(int)(sizeof mail_migrations / sizeof mail_migrations[0])
};

static const char *const state_names[] = { NULL, "queued", "sent", "failed" };

const char *mail_state_name(enum mail_state s)
{
	return s >= MAIL_QUEUED && s <= MAIL_FAILED ? state_names[s] : "unknown";
}

enum mail_state mail_state_parse(const char *name)
{
	for (int i = MAIL_QUEUED; name && i <= MAIL_FAILED; i++)
		if (strcmp(name, state_names[i]) == 0)
			return (enum mail_state)i;
	return 0;
}

/* ---- the wake-up job ----------------------------------------------------- */

struct wake_ctx {
	int64_t by_ms;
	int found;
};

static int wake_cb(const struct jobs_info *j, void *arg)
{
	struct wake_ctx *w = arg;
	if (j->run_after_ms <= w->by_ms)
		w->found = 1;
	return w->found;
}

/* a queued mail.send job due by at_ms, submitting one if there is none;
 * inside the caller's transaction */
static int wake_at(struct store *s, int64_t at_ms, struct err *e)
{
	struct wake_ctx w = { .by_ms = at_ms };
	struct jobs_filter f = { .kind = "mail.send", .status = JOBS_QUEUED, .limit = 100 };
	int rc = jobs_list(s, &f, wake_cb, &w, e);
	if (rc < 0 || w.found)
		return rc < 0 ? rc : 0;
	/* the handler returns an error only when the database fails: retry
	 * that for long */
	struct jobs_spec spec = { .kind = "mail.send", .run_after_ms = at_ms,
				  .max_attempts = JOBS_ATTEMPTS_MAX };
	int64_t id;
	return jobs_submit(&id, s, &spec, e);
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
	char token[33];
	if (random_token(token, 16))
		return err_set(e, ERR_IO, "no random bytes");
	int own;
	if ((rc = in_own_tx(s, &own, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(to), sv_text(subject),
				 sv_text(body), sv_text(token), sv_int(now) };
	rc = store_query_int(id, s,
			     "INSERT INTO mail_outbox (tenant, recipient, subject, body,"
			     " msg_token, state, attempts, next_attempt_at, created_at)"
			     " VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6) RETURNING id",
			     v, SV_N(v), e);
	if (rc == 0)
		rc = wake_at(s, now_ms(), e);
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
	if (f->state) {
		v[np++] = sv_text(mail_state_name(f->state));
		snprintf(sql + n0, cap - n0, " AND state = $%d", np);
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
		 " next_attempt_at, last_error, created_at, sent_at, via%s"
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
			.state = mail_state_parse(store_col_text(r, 4)),
			.attempts = (int)store_col_int(r, 5),
			.next_attempt_at = store_col_isnull(r, 6) ? 0 : store_col_int(r, 6),
			.last_error = store_col_isnull(r, 7) ? NULL : store_col_text(r, 7),
			.created_at = store_col_int(r, 8),
			.sent_at = store_col_isnull(r, 9) ? 0 : store_col_int(r, 9),
			.devbox = !store_col_isnull(r, 10) && strcmp(store_col_text(r, 10), "devbox") == 0,
			.body = f->with_body ? store_col_text(r, 11) : NULL,
			.msg_token = f->with_body ? store_col_text(r, 12) : NULL,
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
			  " last_error = NULL, sent_at = $1 WHERE state = 'queued'", v, SV_N(v), e);
}

int mail_summary(struct mail_summary *out, struct store *s, const char *tenant,
		 int64_t since, int64_t stale_before, struct err *e)
{
	*out = (struct mail_summary){ 0 };
	struct store_val v[] = { sv_text(tenant), sv_int(stale_before), sv_int(since) };
	struct store_rows *r;
	int rc = store_query(&r, s,
			     "SELECT COALESCE(SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), 0),"
			     " COALESCE(SUM(CASE WHEN state = 'queued' AND (attempts > 0 OR created_at < $2)"
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
