/*
 * erase.c -- what the notification service forgets when a resident closes
 * their account (退会; the svc.h account_closed hook, notify_account_forget
 * in notify.h).
 *
 * Invariants: runs in the caller's transaction (the closing one: all or
 * nothing); afterwards no row of notify_subscriptions, notify_channel_subs,
 * notify_contacts or notify_link_codes names the account, and no message to one of its
 * numbers or LINE ids is left `queued` (each is `failed` with the code
 * "account closed", a verification code's text blanked) unless another
 * account of the municipality has the same number or id verified.  A
 * message already handed to a run (`sending`) or final is the record of
 * what the ward sent and stays as it is.  Nothing here logs.
 */
#include <string.h>

#include "store/store.h"
#include "svc/notify/notify.h"

int notify_account_forget(struct notify_forgotten *out, struct store *s, const char *tenant,
			  int64_t account, int64_t now, struct err *e)
{
	struct notify_forgotten f;
	memset(&f, 0, sizeof f);
	if (out)
		*out = f;
	if (!tenant || !*tenant || account <= 0)
		return err_set(e, ERR_INVALID, "forget: tenant and account required");
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	/* first the messages, while the numbers and ids are still known: one
	 * to the account's verified number or id, or to a number it asked a
	 * code for, that nobody else of the municipality has verified.  Only
	 * the queued backlog is read (the subquery's channel and state lead
	 * the index notify_messages_due; SQLite would otherwise walk the
	 * municipality's whole history by notify_messages_tenant). */
	struct store_val m[] = { sv_text(tenant), sv_int(account), sv_int(now) };
	rc = store_exec(s,
		"UPDATE notify_messages SET state = 'failed', last_error = 'account closed',"
		" body = CASE WHEN template = 'sms.verify' THEN '' ELSE body END,"
		" next_attempt_at = NULL, claimed_by = NULL, done_at = $3"
		" WHERE id IN (SELECT q.id FROM notify_messages q WHERE q.channel IN ('sms', 'line')"
		"   AND q.state = 'queued') AND state = 'queued' AND tenant = $1"
		" AND (EXISTS (SELECT 1 FROM notify_contacts c WHERE c.tenant = $1 AND c.account = $2"
		"   AND c.channel = notify_messages.channel AND c.address = notify_messages.recipient)"
		"  OR EXISTS (SELECT 1 FROM notify_link_codes k WHERE k.tenant = $1 AND k.account = $2"
		"   AND k.channel = notify_messages.channel AND k.target = notify_messages.recipient))"
		" AND NOT EXISTS (SELECT 1 FROM notify_contacts o WHERE o.tenant = $1 AND o.account <> $2"
		"   AND o.channel = notify_messages.channel AND o.address = notify_messages.recipient)",
		m, SV_N(m), e);
	if (rc >= 0) {
		f.messages = rc;
		struct store_val v[] = { sv_text(tenant), sv_int(account) };
		rc = store_exec(s, "DELETE FROM notify_contacts WHERE tenant = $1 AND account = $2",
				v, SV_N(v), e);
		if (rc >= 0) {
			f.contacts = rc;
			rc = store_exec(s, "DELETE FROM notify_link_codes WHERE tenant = $1 AND account = $2",
					v, SV_N(v), e);
		}
		if (rc >= 0) {
			f.codes = rc;
			rc = store_exec(s, "DELETE FROM notify_subscriptions WHERE tenant = $1 AND account = $2",
					v, SV_N(v), e);
		}
		if (rc >= 0) {
			f.subscriptions = rc;
			rc = store_exec(s, "DELETE FROM notify_channel_subs WHERE tenant = $1 AND account = $2",
					v, SV_N(v), e);
		}
		if (rc >= 0)
			f.subscriptions += rc;
	}
	if (own) {
		if (rc < 0)
			store_rollback(s);
		else if ((rc = store_commit(s, e)))
			return rc;
	}
	if (rc < 0)
		return rc;
	if (out)
		*out = f;
	return 0;
}
