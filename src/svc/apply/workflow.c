/*
 * workflow.c -- the staff workflow: state transitions, assignment,
 * internal comments and the history of a submission.
 *
 * The transition table (apply.h) is `table` below, and nothing else moves
 * a submission's state except apply_submit (resubmission: returned ->
 * received) and apply_withdraw (-> withdrawn).  A transition is refused
 * with ERR_CONFLICT when the table does not have it, when the procedure's
 * staff_states leave out its target, when expect_from is given and no
 * longer the state, or when the row changed between reading and writing
 * (the UPDATE is conditional on the state read).
 *
 * Invariants: staff act only on submissions of their departments
 * (ERR_NOTFOUND otherwise); each change appends one history row in the
 * same transaction; assignment and comments are internal (never shown to
 * the resident); notes to the resident are at most APPLY_COMMENT_MAX
 * bytes of UTF-8 and never enter an err detail.
 */
#include "svc/apply/apply_int.h"
#include "svc/notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth/auth.h"
#include "jp/text.h"

static const struct {
	const char *from, *to;
} table[] = {
	{ "received", "in_review" }, { "received", "returned" },
	{ "received", "approved" }, { "received", "rejected" },
	{ "in_review", "returned" }, { "in_review", "approved" },
	{ "in_review", "rejected" },
	{ "approved", "completed" },
};

const struct apply_state apply_states[] = {
	{ "received", "受付", "Received", 0 },
	{ "in_review", "審査中", "In review", 0 },
	{ "returned", "差戻し", "Returned", 0 },
	{ "approved", "承認", "Approved", 0 },
	{ "rejected", "却下", "Rejected", 1 },
	{ "completed", "完了", "Completed", 1 },
	{ "withdrawn", "取下げ", "Withdrawn", 1 },
};
const int apply_nstates = (int)(sizeof apply_states / sizeof apply_states[0]);

const struct apply_state *apply_state_find(const char *id)
{
	for (int i = 0; id && i < apply_nstates; i++)
		if (strcmp(apply_states[i].id, id) == 0)
			return &apply_states[i];
	return NULL;
}

int apply_next_states(const char **out, int max, const char *from)
{
	int n = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0] && n < max; i++)
		if (strcmp(table[i].from, from) == 0)
			out[n++] = table[i].to;
	return n;
}

static int staff_only(const struct apply_actor *who, struct err *e)
{
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (who->kind == APPLY_RESIDENT)
		return err_set(e, ERR_DENIED, "apply: staff only");
	return 0;
}

static int text_ok(const char *t, int required, struct err *e)
{
	if (!t || !*t)
		return required ? err_set(e, ERR_INVALID, "apply: a note is required") : 0;
	size_t n = strlen(t);
	if (n > APPLY_COMMENT_MAX)
		return err_set(e, ERR_LIMIT, "apply: text longer than %d bytes", APPLY_COMMENT_MAX);
	if (jp_text_utf8_validate(NULL, t, n, NULL) != 0)
		return err_set(e, ERR_INVALID, "apply: text is not valid UTF-8");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			return err_set(e, ERR_INVALID, "apply: control character in text");
	}
	return 0;
}

int apply_transition(struct apply_event *ev, struct store *s,
		     const struct apply_actor *who, const struct apply_move *in,
		     int64_t now, struct err *e)
{
	int64_t id = in->id;
	const char *expect_from = in->expect_from, *to = in->to, *note = in->note;
	memset(ev, 0, sizeof *ev);
	int rc = staff_only(who, e);
	if (rc)
		return rc;
	if (!to || !*to || strlen(to) > APPLY_STATE_MAX)
		return err_set(e, ERR_CONFLICT, "apply: unknown target state");
	int needs_note = strcmp(to, "returned") == 0 || strcmp(to, "rejected") == 0;
	if ((rc = text_ok(note, needs_note, e)))
		return rc;
	struct arena *a = arena_new(8u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	int own;
	if ((rc = apply_tx_begin(&own, s, e)))
		goto out;
	struct apply_submission cur;
	if ((rc = apply_sub_load(&cur, a, s, who, id, &(struct apply_sub_how){ .for_update = 1 },
				 e)))
		goto fail;
	if (expect_from && *expect_from && strcmp(expect_from, cur.status) != 0) {
		rc = err_set(e, ERR_CONFLICT, "submission %lld is %s, not %.32s", (long long)id,
			     cur.status, expect_from);
		goto fail;
	}
	int allowed = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].from, cur.status) == 0 && strcmp(table[i].to, to) == 0)
			allowed = 1;
	if (!allowed) {
		rc = err_set(e, ERR_CONFLICT, "no transition %s -> %.32s", cur.status, to);
		goto fail;
	}
	const struct forms_def *d;
	if ((rc = apply_load_def(&d, NULL, a, s,
				 &(struct apply_def_ref){ .tenant = who->tenant,
							  .procedure = cur.procedure,
							  .version = cur.version },
				 e)))
		goto fail;
	int listed = d->nstates == 0;        /* none named: every state */
	for (int i = 0; i < d->nstates; i++)
		if (strcmp(d->staff_states[i], to) == 0)
			listed = 1;
	if (!listed) {
		rc = err_set(e, ERR_CONFLICT, "procedure %.64s has no state %.32s", cur.procedure, to);
		goto fail;
	}
	const char *sql = note && *note ?
		"UPDATE apply_submissions SET status = $1, updated_at = $2, return_note = $5"
		" WHERE id = $3 AND status = $4" :
		"UPDATE apply_submissions SET status = $1, updated_at = $2"
		" WHERE id = $3 AND status = $4";
	struct store_val v[] = { sv_text(to), sv_int(now), sv_int(id), sv_text(cur.status),
				 sv_text(note) };
	rc = store_exec(s, sql, v, note && *note ? 5 : 4, e);
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "submission %lld changed meanwhile", (long long)id);
	if (rc < 0)
		goto fail;
	if ((rc = apply_event_add(s, who,
				  &(struct apply_event_new){ .submission_id = id,
							     .kind = "transition",
							     .from = cur.status, .to = to,
							     .text = note },
				  now, e)))
		goto fail;
	/* a fee paid after review: approving asks the resident for it, in
	 * the same transaction (svc/payments; the key makes it once) */
	if (strcmp(to, "approved") == 0 && d->fee_yen > 0 && d->fee_timing &&
	    strcmp(d->fee_timing, "after_review") == 0 && cur.resident_id > 0 &&
	    (rc = apply_fee_create(NULL, s, who, &cur, d, now, e)))
		goto fail;
	if ((rc = notify_event(s, who->tenant, "apply.state_changed", (struct notify_field[]){ { "receipt", cur.receipt, 0 }, { "procedure", cur.procedure, 0 }, { "from", cur.status, 0 }, { "to", to, 0 } }, 4, now, e)) < 0) goto fail;   /* webhooks (svc/notify) */
	if ((rc = apply_tx_end(own, 0, s, e)))
		goto out;
	ev->submission_id = id;
	snprintf(ev->receipt, sizeof ev->receipt, "%s", cur.receipt);
	snprintf(ev->from, sizeof ev->from, "%s", cur.status);
	snprintf(ev->to, sizeof ev->to, "%s", to);
	ev->resident_id = cur.resident_id;
	goto out;
fail:
	apply_tx_end(own, rc, s, NULL);
out:
	arena_free(a);
	return rc;
}

/* may staff_id see submissions of dept in their inbox?  The inbox's own
 * rule (app_apply_actor, apply_sql_scope): applications.read and the
 * permission dept.<dept> ('-' written '_') or dept.all.  Roles that need
 * a second factor count (the assignee will sign in with it).  ERR_DENIED
 * otherwise; any error is a refusal (fail closed). */
static int assignee_sees(struct store *s, const char *tenant, int64_t staff_id,
			 const char *dept, struct err *e)
{
	int ok = auth_staff_has_permission(s, tenant, staff_id, AUTH_PERM_APPLICATIONS_READ, 1, e);
	if (ok < 0)
		return ok;
	if (ok == 1) {
		char perm[AUTH_PERM_MAX + 1];
		int n = snprintf(perm, sizeof perm, "%s%s", AUTH_PERM_DEPT_PREFIX, dept);
		if (n < 0 || (size_t)n >= sizeof perm)
			return err_set(e, ERR_DENIED, "apply: department id too long");
		for (char *c = perm; *c; c++)
			if (*c == '-')
				*c = '_';
		ok = auth_staff_has_permission(s, tenant, staff_id, perm, 1, e);
		if (ok == 0)
			ok = auth_staff_has_permission(s, tenant, staff_id, AUTH_PERM_DEPT_ALL, 1, e);
		if (ok < 0)
			return ok;
	}
	if (ok != 1)
		return err_set(e, ERR_DENIED, "apply: staff %lld cannot see department %.64s",
			       (long long)staff_id, dept);
	return 0;
}

int apply_assign(struct store *s, const struct apply_actor *who, int64_t id,
		 int64_t staff_id, int64_t now, struct err *e)
{
	int rc = staff_only(who, e);
	if (rc)
		return rc;
	if (staff_id < 0)
		return err_set(e, ERR_NOTFOUND, "apply: no such staff member");
	if (staff_id > 0) {
		struct auth_staff st;
		if ((rc = auth_staff_get(&st, s, who->tenant, staff_id, e)))
			return rc == ERR_NOTFOUND || rc == ERR_INVALID ?
				err_set(e, ERR_NOTFOUND, "apply: no staff member %lld", (long long)staff_id) : rc;
	}
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	int own;
	if ((rc = apply_tx_begin(&own, s, e)))
		goto out;
	struct apply_submission cur;
	if ((rc = apply_sub_load(&cur, a, s, who, id, &(struct apply_sub_how){ .for_update = 1 },
				 e)))
		goto fail;
	if (staff_id > 0 && (rc = assignee_sees(s, who->tenant, staff_id, cur.department, e)))
		goto fail;
	struct store_val v[] = { sv_int(staff_id), sv_int(now), sv_int(id) };
	if ((rc = store_exec(s, "UPDATE apply_submissions SET assignee = $1, updated_at = $2"
			     " WHERE id = $3", v, 3, e)) < 0)
		goto fail;
	char txt[24];
	snprintf(txt, sizeof txt, "%lld", (long long)staff_id);
	if ((rc = apply_event_add(s, who,
				  &(struct apply_event_new){ .submission_id = id, .kind = "assign",
							     .text = txt, .internal = 1 },
				  now, e)))
		goto fail;
	rc = apply_tx_end(own, 0, s, e);
	goto out;
fail:
	apply_tx_end(own, rc, s, NULL);
out:
	arena_free(a);
	return rc;
}

int apply_comment(struct store *s, const struct apply_actor *who, int64_t id,
		  const char *text, int64_t now, struct err *e)
{
	int rc = staff_only(who, e);
	if (rc || (rc = text_ok(text, 1, e)))
		return rc;
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	struct apply_submission cur;
	int own = 0;
	if ((rc = apply_sub_load(&cur, a, s, who, id, &(struct apply_sub_how){ 0 }, e)) == 0 &&
	    (rc = apply_tx_begin(&own, s, e)) == 0) {
		rc = apply_event_add(s, who,
				     &(struct apply_event_new){ .submission_id = id, .kind = "comment",
								.text = text, .internal = 1 },
				     now, e);
		rc = apply_tx_end(own, rc, s, e);
	}
	arena_free(a);
	return rc;
}

int apply_history(struct apply_history_item **out, int *n, struct arena *a,
		  struct store *s, const struct apply_actor *who, int64_t id,
		  struct err *e)
{
	*out = NULL;
	*n = 0;
	struct apply_submission cur;
	int rc = apply_sub_load(&cur, a, s, who, id, &(struct apply_sub_how){ 0 }, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_int(id), sv_int(who->kind == APPLY_RESIDENT ? 1 : 0) };
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT at, actor_kind, actor_id, kind, from_state, to_state,"
			      " text, internal FROM apply_events WHERE submission_id = $1"
			      " AND (internal = 0 OR $2 = 0) ORDER BY id LIMIT 10000", v, 2, e)))
		return rc;
	int cap = 0, k = 0;
	struct apply_history_item *items = NULL;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (k == cap) {
			int ncap = cap ? cap * 2 : 16;
			struct apply_history_item *nv = arena_alloc(a, sizeof *nv * (size_t)ncap);
			if (!nv) {
				rc = err_set(e, ERR_NOMEM, "apply: arena full");
				break;
			}
			if (k)
				memcpy(nv, items, sizeof *nv * (size_t)k);
			items = nv;
			cap = ncap;
		}
		struct apply_history_item *it = &items[k++];
		memset(it, 0, sizeof *it);
		it->at = store_col_int(r, 0);
		it->actor_kind = (enum apply_actor_kind)store_col_int(r, 1);
		it->actor_id = store_col_int(r, 2);
		snprintf(it->kind, sizeof it->kind, "%s", store_col_text(r, 3));
		snprintf(it->from, sizeof it->from, "%s", store_col_text(r, 4));
		snprintf(it->to, sizeof it->to, "%s", store_col_text(r, 5));
		if (!store_col_isnull(r, 6))
			it->text = arena_strdup(a, store_col_text(r, 6));
		it->internal = (int)store_col_int(r, 7);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = items;
	*n = k;
	return 0;
}
