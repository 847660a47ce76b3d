/*
 * reset.c -- an administrator's reset of a colleague's password and
 * second factor, the forced new password at the colleague's next login,
 * and the address a member of staff is notified at.
 *
 * Invariants:
 *   - Nobody resets themselves here (their own password is changed with
 *     the current one, auth_password_change), and nobody resets a
 *     colleague holding a role they could not give (auth_role_grantable):
 *     a reset hands the administrator a working password, so resetting a
 *     role's holder is as strong as granting it.
 *   - The reset, the removal of the second factor and recovery codes, and
 *     the end of the colleague's sessions happen in one transaction.
 *   - The temporary password works once: the next login with it reaches
 *     only AUTH_STAGE_PASSWORD, whose only way on is a new password that
 *     differs from it; then enrolment (must_enrol) before a full session.
 */
#include "core/auth/auth_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int auth_staff_email_set(struct store *s, const char *tenant,
			 int64_t staff_id, const char *email, struct err *e)
{
	char norm[AUTH_EMAIL_MAX + 1] = "";
	int rc = auth_valid_tenant(tenant, e);
	if (rc)
		return rc;
	if (email && *email && (rc = auth_norm_email(norm, email, e)))
		return rc;
	struct store_val v[] = { sv_text(norm), sv_text(tenant), sv_int(staff_id) };
	rc = store_exec(s, "UPDATE staff SET email = $1 WHERE tenant = $2 AND id = $3",
			v, 3, e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "staff %lld not found", (long long)staff_id);
	return rc < 0 ? rc : 0;
}

int auth_staff_email_get(char out[AUTH_EMAIL_MAX + 1], struct store *s,
			 const char *tenant, int64_t staff_id, struct err *e)
{
	out[0] = '\0';
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_int(staff_id) };
	int rc = store_query(&r, s, "SELECT email FROM staff WHERE tenant = $1 AND id = $2",
			     v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		snprintf(out, AUTH_EMAIL_MAX + 1, "%s", store_col_text(r, 0));
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "staff %lld not found", (long long)staff_id);
	return rc < 0 ? rc : 0;
}

/* may by give every role the colleague holds?  0 yes, ERR_DENIED no */
static int may_reset(struct store *s, const struct auth_session *by,
		     const struct auth_staff *st, struct err *e)
{
	char roles[AUTH_ROLES_TEXT_MAX];
	snprintf(roles, sizeof roles, "%s", st->roles);
	char *save = NULL;
	for (char *ro = strtok_r(roles, ",", &save); ro; ro = strtok_r(NULL, ",", &save)) {
		int rc = auth_role_grantable(s, by, ro, e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return err_set(e, ERR_DENIED, "staff %lld holds role %s the caller"
				       " could not give", (long long)st->id, ro);
	}
	return 0;
}

int auth_staff_reset_by(struct auth_staff_reset *out, struct store *s,
			const struct auth_config *c,
			const struct auth_session *by, int64_t staff_id,
			int64_t now, struct auth_events *ev, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (by->kind != AUTH_KIND_STAFF || by->stage != AUTH_STAGE_FULL)
		return err_set(e, ERR_DENIED, "session %lld: needs a full staff session",
			       (long long)by->id);
	if (staff_id == by->account_id)
		return err_set(e, ERR_INVALID, "staff %lld may not reset themselves",
			       (long long)staff_id);
	struct auth_staff st;
	int rc = auth_staff_get(&st, s, by->tenant, staff_id, e);
	if (rc)
		return rc;
	if ((rc = may_reset(s, by, &st, e)))
		return rc;
	char email[AUTH_EMAIL_MAX + 1];
	if ((rc = auth_staff_email_get(email, s, by->tenant, staff_id, e)))
		return rc;
	char h[AUTH_HASH_MAX];
	if ((rc = auth_password_generate(out->password, e)) ||
	    (rc = auth_password_hash(h, c, out->password, e)))
		goto fail;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		goto fail;
	struct store_val v[] = { sv_text(h), sv_int(now), sv_text(by->tenant),
				 sv_int(staff_id) };
	rc = store_exec(s, "UPDATE staff SET password_hash = $1, password_changed_at = $2,"
			" failed_count = 0, locked_until = 0, totp_secret = NULL,"
			" totp_pending = NULL, totp_pending_at = 0, totp_last_step = 0,"
			" must_change_password = 1, must_enrol = 1"
			" WHERE tenant = $3 AND id = $4", v, 4, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "staff %lld not found", (long long)staff_id);
	struct store_val d[] = { sv_int(staff_id) };
	if (rc > 0)
		rc = store_exec(s, "DELETE FROM recovery_codes WHERE staff_id = $1", d, 1, e);
	int killed = 0;
	if (rc >= 0)
		rc = killed = auth_sessions_kill_account(s, by->tenant, AUTH_KIND_STAFF,
							 staff_id, 0, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	sodium_memzero(h, sizeof h);
	if (rc)
		goto fail;
	snprintf(out->login, sizeof out->login, "%s", st.login);
	snprintf(out->display_name, sizeof out->display_name, "%s", st.display_name);
	snprintf(out->email, sizeof out->email, "%s", email);
	auth_ev_add(ev, AUTH_EV_STAFF_RESET, by->tenant, staff_id, NULL, NULL, 0);
	if (killed)
		auth_ev_add(ev, AUTH_EV_SESSIONS_KILLED, by->tenant, staff_id, NULL, NULL,
			    killed);
	return 0;
fail:
	sodium_memzero(out, sizeof *out);
	return rc;
}

int auth_staff_password_forced(struct auth_login *out, struct store *s,
			       const struct auth_config *c,
			       const struct auth_session *ses,
			       const char *new_password, int64_t now,
			       struct auth_events *ev, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->kind = AUTH_KIND_STAFF;
	if (ses->kind != AUTH_KIND_STAFF || ses->stage != AUTH_STAGE_PASSWORD)
		return err_set(e, ERR_DENIED, "session %lld is not waiting for a new password",
			       (long long)ses->id);
	struct store_rows *r;
	struct store_val v[] = { sv_text(ses->tenant), sv_int(ses->account_id) };
	int rc = store_query(&r, s, "SELECT login, password_hash, must_enrol,"
			     " CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END, status"
			     " FROM staff WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc)
		return rc;
	char login[AUTH_LOGIN_MAX + 1] = "", old[AUTH_HASH_MAX] = "";
	int must_enrol = 0, enrolled = 0, active = 0;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		snprintf(login, sizeof login, "%s", store_col_text(r, 0));
		snprintf(old, sizeof old, "%s", store_col_text(r, 1));
		must_enrol = store_col_int(r, 2) != 0;
		enrolled = store_col_int(r, 3) != 0;
		active = strcmp(store_col_text(r, 4), "active") == 0;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0 || !active)
		return err_set(e, ERR_AUTH, "staff %lld gone or disabled",
			       (long long)ses->account_id);
	if ((rc = auth_password_check(NULL, c, new_password, login, e)))
		return rc;
	/* the temporary password, known to the administrator, is not kept */
	if (auth_password_verify(old, new_password, NULL) == 0)
		return err_set(e, ERR_INVALID, "new password equals the temporary one");
	char h[AUTH_HASH_MAX];
	if ((rc = auth_password_hash(h, c, new_password, e)))
		return rc;
	int own;
	if ((rc = auth_tx_begin(&own, s, e)))
		return rc;
	struct store_val u[] = { sv_text(h), sv_int(now), sv_int(ses->account_id) };
	rc = store_exec(s, "UPDATE staff SET password_hash = $1, password_changed_at = $2,"
			" must_change_password = 0 WHERE id = $3 AND must_change_password = 1",
			u, 3, e);
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "password already set meanwhile");
	struct store_val d[] = { sv_int(ses->id) };
	if (rc > 0)
		rc = store_exec(s, "DELETE FROM sessions WHERE id = $1", d, 1, e);
	enum auth_stage stage = AUTH_STAGE_FULL;
	enum auth_outcome outcome = AUTH_OUT_OK;
	if (rc >= 0)
		rc = auth_staff_next_stage(&stage, &outcome, s, ses->tenant, ses->account_id,
					   enrolled, must_enrol, e);
	if (rc >= 0)
		rc = auth_session_create(out, s, c,
					 &(struct auth_session_new){ .tenant = ses->tenant,
								     .kind = AUTH_KIND_STAFF,
								     .account_id = ses->account_id,
								     .stage = stage },
					 now, e);
	rc = auth_tx_end(own, rc < 0 ? rc : 0, s, e);
	sodium_memzero(h, sizeof h);
	sodium_memzero(old, sizeof old);
	if (rc) {
		sodium_memzero(out->token, sizeof out->token);
		return rc;
	}
	out->outcome = outcome;
	out->account_id = ses->account_id;
	auth_ev_add(ev, AUTH_EV_PASSWORD_CHANGED, ses->tenant, ses->account_id, NULL, NULL, 0);
	return 0;
}
