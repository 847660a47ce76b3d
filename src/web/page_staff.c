/*
 * page_staff.c -- staff login (password, then TOTP or enrolment), logout,
 * the staff home, account page and staff administration.
 *
 * Login CSRF: the login form is protected by a double-submit token (a
 * random cookie repeated in the form), since there is no session yet.
 * Every login attempt, success or failure, is written to the audit trail;
 * what the user sees never tells which check failed.  Audit actions: a
 * failed step auth.login_failed; a right password with a second factor
 * still owed auth.password_ok; a full login auth.login, or
 * auth.login_recovery_code when a recovery code was the second factor.
 *
 * Staff administration gives only the roles the caller may give
 * (auth_role_grantable: every permission of the role held, or
 * roles.manage); a refusal is a 403 and an audit record.  Replacing an
 * existing second factor asks for the password and a current code
 * (auth_totp_replace_confirm), ends the account's other sessions and is
 * audited as auth.totp_replaced.
 */
#include "web/app.h"
#include "web/app_mail.h"
#include "web/ui.h"
#include "web/app_mail.h" /* --- mail: the staff home warning --- */
#include "base/log.h"
#include "base/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a staff session's cookie is SameSite=Strict: no request started from
 * another site (a link in a mail, a form elsewhere) carries it, so the
 * back office is never entered from outside with the staff's session */
static int set_session_cookie(struct http_req *r, const char *token)
{
	http_set_cookie_ex(r, APP_SESSION_COOKIE, token, -1, HTTP_COOKIE_STRICT);
	return 0;
}

static int render_login(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	char pre[33];
	if (random_token(pre, 16))
		return ERR_IO;
	http_set_cookie(r, APP_PRELOGIN_COOKIE, pre, 1800);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "login.title"), "login", error);
	if (http_param(r, "expired"))
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
			    html_t(l, "login.expired_idle"));
	html_printf(&b, "<form method=\"post\" action=\"/login\" class=\"form\">"
		    "<input type=\"hidden\" name=\"pre\" value=\"%s\">", pre);
	/* a failure is said in the error summary, never which check failed */
	struct ui_field f = {
		.name = "login", .id = "login", .label = html_t(l, "login.user"),
		.autocomplete = "username", .verbatim = 1, .maxlength = AUTH_LOGIN_MAX,
		.html_required = 1, .invalid = error != NULL,
		.describedby = error ? "error-summary-title" : NULL, .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){
		.name = "password", .id = "password", .label = html_t(l, "login.password"),
		.type = "password", .autocomplete = "current-password",
		.maxlength = AUTH_PASSWORD_MAX, .html_required = 1, .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "login.submit"));
	return app_page_send(r, status, &b, &p);
}

int page_login_form(struct http_req *r)
{
	return render_login(r, 200, NULL);
}

static const char *outcome_name(enum auth_outcome o)
{
	switch (o) {
	case AUTH_OUT_OK: return "ok";
	case AUTH_OUT_TOTP_NEEDED: return "totp_needed";
	case AUTH_OUT_ENROL_NEEDED: return "enrol_needed";
	case AUTH_OUT_BAD_CREDENTIALS: return "bad_credentials";
	case AUTH_OUT_LOCKED: return "locked";
	case AUTH_OUT_THROTTLED: return "throttled";
	case AUTH_OUT_DISABLED: return "disabled";
	case AUTH_OUT_BAD_CODE: return "bad_code";
	case AUTH_OUT_CODE_REUSED: return "code_reused";
	case AUTH_OUT_PASSWORD_NEEDED: return "password_needed";
	default: return "none";
	}
}

#define AUDIT_A_PASSWORD_OK "auth.password_ok"
#define AUDIT_A_LOGIN_RECOVERY "auth.login_recovery_code"

/* the audit action of a login step: failed; password right but a second
 * factor owed (never "failed"); a full login, by TOTP or recovery code */
static const char *login_action(const struct auth_login *lg, int failed)
{
	if (failed)
		return AUDIT_A_LOGIN_FAILED;
	if (lg->outcome != AUTH_OUT_OK)
		return AUDIT_A_PASSWORD_OK;
	return lg->used_recovery_code ? AUDIT_A_LOGIN_RECOVERY : AUDIT_A_LOGIN;
}

/* the audit record of a login step; actor_id is known even on failure
 * when the account exists */
static int audit_login(struct http_req *r, const struct auth_login *lg,
		       const char *login, int failed)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct audit_record rec = {
		.actor_id = lg->account_id,
		/* a login name that matches no account may be a password typed
		 * into the wrong box: it is not recorded */
		.actor_login = lg->account_id ? login : NULL,
		.action = login_action(lg, failed),
		.object_type = "login_step",
		.object_id = outcome_name(lg->outcome),
		.tenant = q->tenant.code,
		.source = r->remote_addr,
		.result = failed ? AUDIT_R_FAILED : AUDIT_R_OK,
	};
	struct err e;
	int rc = store_begin(s, &e);
	if (rc == 0) {
		rc = audit_append(NULL, s, &app_of(r)->audit, &rec, &e);
		if (rc == 0)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
	}
	log_info(failed ? "login step failed" : "login step ok", "outcome",
		 outcome_name(lg->outcome));
	if (rc)
		log_error("audit of a login step failed", "detail", e.detail);
	return rc;
}

/* a login that cannot be audited does not happen: its session is ended */
static int refuse_unaudited(struct http_req *r, const struct auth_login *lg)
{
	struct err e;
	auth_session_logout(app_store(r), lg->token, &e);
	return http_send_error(r, ERR_UNAVAILABLE, NULL, NULL, "login not audited");
}

/* A password check costs ~85 ms of Argon2id: it runs on the blocking
 * pool (http_defer), never on the event loop. */
struct login_job {
	const struct auth_config *cfg;
	char tenant[AUTH_TENANT_LEN + 1];
	char login[AUTH_LOGIN_MAX + 1];
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	char source[AUTH_SOURCE_MAX + 1];
	int64_t now;
	int rc;
	struct auth_login out;
	struct err e;
};

static void login_work(void *arg, void *pool_ctx)
{
	struct login_job *j = arg;
	struct app_thread *t = pool_ctx;
	j->rc = t ? auth_staff_login(&j->out, t->store, j->cfg,
				     &(struct auth_staff_login_in){ .tenant = j->tenant,
								    .login = j->login,
								    .password = j->password,
								    .source = j->source },
				     j->now, &j->e)
		  : err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
	explicit_bzero(j->password, sizeof j->password);
}

static int login_done(struct http_req *r, void *arg)
{
	struct login_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	struct auth_login *lg = &j->out;
	int rc = j->rc;
	if (rc == ERR_AUTH) {
		audit_login(r, lg, j->login, 1);
		return render_login(r, 401, html_t(l, lg->outcome == AUTH_OUT_LOCKED ||
						       lg->locked_now ? "login.locked" : "login.failed"));
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, j->e.detail);
	if (audit_login(r, lg, j->login, 0))
		return refuse_unaudited(r, lg);
	set_session_cookie(r, lg->token);
	explicit_bzero(lg->token, sizeof lg->token);
	http_set_cookie(r, APP_PRELOGIN_COOKIE, "", 0);
	if (lg->outcome == AUTH_OUT_TOTP_NEEDED)
		return http_redirect(r, 303, "/login/code");
	if (lg->outcome == AUTH_OUT_ENROL_NEEDED)
		return http_redirect(r, 303, "/account/totp");
	if (lg->outcome == AUTH_OUT_PASSWORD_NEEDED)
		return http_redirect(r, 303, "/login/password");
	return http_redirect(r, 303, "/staff");
}

/* ---- the new password owed after an administrator's reset
 * (AUTH_STAGE_PASSWORD): the temporary password reached this page only;
 * a new one leads on to enrolment (or the code, or the staff home) ---- */

static int render_newpw(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "login.newpw.title"), "new-password", error);
	html_printf(&b, "<p id=\"newpw-lead\">%s</p>"
		    "<form method=\"post\" action=\"/login/password\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "login.newpw.lead"), q->csrf);
	struct ui_field f = {
		.name = "new", .id = "new-password", .label = html_t(l, "account.new_password"),
		.hint = html_t(l, "account.password_hint"), .type = "password",
		.autocomplete = "new-password", .minlength = AUTH_PASSWORD_MIN,
		.maxlength = AUTH_PASSWORD_MAX, .html_required = 1, .invalid = error != NULL,
		.describedby = "newpw-lead", .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "account.password_change"));
	return app_page_send(r, status, &b, &p);
}

int page_newpw_form(struct http_req *r)
{
	return render_newpw(r, 200, NULL);
}

struct newpw_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	struct app_actor actor;
	struct auth_session ses;
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	int64_t now;
	int rc;
	struct auth_login out;
	struct err e;
};

static void newpw_work(void *arg, void *pool_ctx)
{
	struct newpw_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct auth_events ev = { 0 };
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)j->ses.account_id);
	/* Argon2id outside any transaction: the change commits on its own
	 * (as a password change does), then its record */
	int rc = t ? auth_staff_password_forced(&j->out, t->store, j->auth, &j->ses, j->password,
						j->now, &ev, &j->e)
		   : err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
	if (rc == 0)
		rc = app_audit_as(t->store, j->audit, &j->actor,
				  &(struct app_audit_entry){ .action = AUDIT_A_PERMISSION,
							     .object_type = "password.set_after_reset",
							     .object_id = id,
							     .result = AUDIT_R_OK },
				  &j->e);
	if (rc)
		explicit_bzero(j->out.token, sizeof j->out.token);
	j->rc = rc;
	explicit_bzero(j->password, sizeof j->password);
}

static int newpw_done(struct http_req *r, void *arg)
{
	struct newpw_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	if (j->rc == ERR_INVALID)
		return render_newpw(r, 400, html_t(l, "login.newpw.refused"));
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	set_session_cookie(r, j->out.token);
	explicit_bzero(j->out.token, sizeof j->out.token);
	if (j->out.outcome == AUTH_OUT_ENROL_NEEDED)
		return http_redirect(r, 303, "/account/totp");
	if (j->out.outcome == AUTH_OUT_TOTP_NEEDED)
		return http_redirect(r, 303, "/login/code");
	return http_redirect(r, 303, "/staff");
}

int page_newpw_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct newpw_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
			       .ses = q->ses, .now = app_now() };
	app_actor_of(&j.actor, r);
	const char *pw = http_param(r, "new");
	snprintf(j.password, sizeof j.password, "%s", pw ? pw : "");
	int rc = http_defer(r, newpw_work, newpw_done, &j, sizeof j);
	explicit_bzero(&j, sizeof j);
	return rc;
}

int page_login_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *pre = http_param(r, "pre"), *cookie = http_cookie(r, APP_PRELOGIN_COOKIE);
	if (!pre || !cookie || strlen(pre) != strlen(cookie) ||
	    !ct_equal(pre, cookie, strlen(pre)))
		return app_send_error(r, ERR_DENIED, "login.expired", "login csrf mismatch");
	const char *login = http_param(r, "login"), *password = http_param(r, "password");
	if (!login || !*login || !password || !*password)
		return render_login(r, 400, html_t(l, "login.required"));
	struct login_job j = { .cfg = &app_of(r)->auth, .now = app_now() };
	snprintf(j.tenant, sizeof j.tenant, "%s", q->tenant.code);
	snprintf(j.login, sizeof j.login, "%s", login);
	snprintf(j.password, sizeof j.password, "%s", password);
	snprintf(j.source, sizeof j.source, "%s", r->remote_addr);
	int rc = http_defer(r, login_work, login_done, &j, sizeof j);
	explicit_bzero(j.password, sizeof j.password);
	return rc;
}

/* the one code-entry form (login step two and two-factor enrolment):
 * a verification code field, with the hint when one is given */
static void code_form(struct buf *b, struct http_req *r, const char *action,
		      const char *hint, int maxlen, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	html_printf(b, "<form method=\"post\" action=\"%s\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", action, q->csrf);
	struct ui_field f = {
		.name = "code", .id = "code", .label = html_t(l, "totp.code"), .hint = hint,
		.inputmode = "numeric", .autocomplete = "one-time-code", .maxlength = maxlen,
		.html_required = 1, .invalid = error != NULL, .lang = l,
	};
	ui_input(b, &f);
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "totp.submit"));
}

static int render_code_form(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "totp.title"), "code", error);
	code_form(&b, r, "/login/code", html_t(l, "totp.hint"), 32, error);
	return app_page_send(r, status, &b, &p);
}

int page_totp_form(struct http_req *r)
{
	return render_code_form(r, 200, NULL);
}

int page_totp_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = http_param(r, "code");
	struct auth_login lg;
	struct err e;
	int rc = auth_staff_login_code(&lg, app_store(r), &app_of(r)->auth, &q->ses,
				       &(struct auth_login_code_in){ .code = code ? code : "",
								     .source = r->remote_addr },
				       app_now(), &e);
	if (rc == ERR_AUTH) {
		audit_login(r, &lg, q->staff.login, 1);
		if (lg.outcome == AUTH_OUT_LOCKED || lg.locked_now) {
			http_set_cookie(r, APP_SESSION_COOKIE, "", 0);
			return render_login(r, 401, html_t(q->lang, "login.locked"));
		}
		return render_code_form(r, 401, html_t(q->lang, "totp.failed"));
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (audit_login(r, &lg, q->staff.login, 0))
		return refuse_unaudited(r, &lg);
	set_session_cookie(r, lg.token);
	return http_redirect(r, 303, "/staff");
}

/* replacing a second factor the account already has: the password and a
 * code of the current factor (or a recovery code) prove it is the owner,
 * then the first code of the new one */
static void replace_form(struct buf *b, struct http_req *r, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	html_printf(b, "<p id=\"replace-lead\">%s</p>"
		    "<form method=\"post\" action=\"/account/totp\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "enrol.replace_lead"), q->csrf);
	/* which of the three was wrong is not told: each is marked */
	struct ui_field f = {
		.name = "password", .id = "current-password",
		.label = html_t(l, "account.current_password"), .type = "password",
		.autocomplete = "current-password", .maxlength = AUTH_PASSWORD_MAX,
		.html_required = 1, .invalid = error != NULL, .lang = l,
	};
	ui_input(b, &f);
	f = (struct ui_field){
		.name = "current", .id = "current-code", .label = html_t(l, "enrol.current_code"),
		.autocomplete = "off", .maxlength = 32, .html_required = 1,
		.invalid = error != NULL, .lang = l,
	};
	ui_input(b, &f);
	f = (struct ui_field){
		.name = "code", .id = "code", .label = html_t(l, "enrol.new_code"),
		.inputmode = "numeric", .autocomplete = "one-time-code", .maxlength = 6,
		.html_required = 1, .invalid = error != NULL, .lang = l,
	};
	ui_input(b, &f);
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "totp.submit"));
}

static int render_enrol(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct auth_totp_enrolment en = { 0 };
	struct err e;
	int rc = auth_totp_enrol_begin(&en, app_store(r), &app_of(r)->auth, &q->ses,
				       app_now(), &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "enrol.title"), "code", error);
	html_printf(&b, "<p>%s</p><div class=\"qr\">", html_t(l, "enrol.lead"));
	/* the SVG is generated by auth_qr_svg from our own data; its XML
	 * prolog is skipped so that it can sit inline */
	const char *svg = strstr(en.svg, "<svg");
	buf_puts(&b, svg ? svg : "");
	html_printf(&b, "</div><p>%s: <code class=\"secret\" id=\"totp-secret\">%s</code></p>",
		    html_t(l, "enrol.secret"), en.secret_b32);
	if (q->staff.totp_enrolled)
		replace_form(&b, r, error);
	else
		code_form(&b, r, "/account/totp", NULL, 6, error);
	/* the same secret is shown on every load until it is confirmed or
	 * expires; a new one only when asked for (a lost or mistyped scan) */
	html_printf(&b, "<form method=\"post\" action=\"/account/totp/restart\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<p class=\"hint\" id=\"restart-hint\">%s</p>"
		    "<button type=\"submit\" class=\"button-secondary\" aria-describedby=\"restart-hint\">%s</button>"
		    "</form>\n", q->csrf, html_t(l, "enrol.restart_hint"), html_t(l, "enrol.restart"));
	auth_totp_enrolment_done(&en);
	return app_page_send(r, status, &b, &p);
}

int page_enrol_form(struct http_req *r)
{
	return render_enrol(r, 200, NULL);
}

/* start the enrolment again: the pending secret is discarded, the next
 * page shows a new one */
int page_enrol_restart(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct err e;
	int rc = auth_totp_enrol_restart(app_store(r), &q->ses, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)q->ses.account_id);
	app_audit(r, AUDIT_A_PERMISSION, "staff.totp_restart", id, AUDIT_R_OK);
	return http_redirect(r, 303, "/account/totp");
}

/* the recovery codes page after an enrolment or a replacement */
static int render_recovery_codes(struct http_req *r, const struct auth_recovery_codes *codes,
				 const char *extra)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page p;
	app_page(r, &p, html_t(l, "enrol.title"));
	p.user_name = NULL;
	struct buf b;
	buf_init(&b, 1u << 20);
	html_page_begin(&b, &p);
	html_printf(&b, "<p role=\"status\">%s</p>", html_t(l, "enrol.done"));
	if (extra)
		html_printf(&b, "<p class=\"notice\" id=\"totp-replaced\">%s</p>", extra);
	buf_puts(&b, "<ul class=\"recovery-codes\">");
	for (int i = 0; i < AUTH_RECOVERY_CODES; i++)
		html_printf(&b, "<li><code>%s</code></li>", codes->code[i]);
	html_printf(&b, "</ul><p><a class=\"button\" href=\"/staff\">%s</a></p>",
		    html_t(l, "enrol.continue"));
	html_page_end(&b, &p);
	http_send_html(r, 200, &b);
	explicit_bzero(b.data, b.len);
	buf_done(&b);
	return 0;
}

/* Replacing a second factor checks the password (Argon2id): on the
 * blocking pool.  The replacement and its audit records commit together;
 * a failed re-authentication commits its failure count and its record. */
struct replace_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	struct app_actor actor;
	struct auth_session ses;
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	char current[40];
	char code[40];
	int64_t now;
	int rc;
	struct auth_login out;
	struct auth_recovery_codes codes;
	struct err e;
};

static void replace_work(void *arg, void *pool_ctx)
{
	struct replace_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct auth_events ev = { 0 };
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)j->ses.account_id);
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
		goto out;
	}
	struct store *s = t->store;
	int rc = store_begin(s, &j->e);
	if (rc) {
		j->rc = rc;
		goto out;
	}
	struct auth_totp_confirmed done;
	rc = auth_totp_replace_confirm(&done, s, j->auth,
				       &(struct auth_totp_replace_in){ .ses = &j->ses,
								       .password = j->password,
								       .current_code = j->current,
								       .new_code = j->code },
				       j->now, &ev, &j->e);
	j->out = done.login;
	j->codes = done.codes;
	explicit_bzero(&done, sizeof done);
	if (rc == 0) {
		rc = app_audit_as(s, j->audit, &j->actor,
				  &(struct app_audit_entry){
					  .action = "auth.totp_replaced",
					  .object_type = j->out.used_recovery_code
						  ? "reauth.recovery_code" : "reauth.totp",
					  .object_id = id, .result = AUDIT_R_OK },
				  &j->e);
		for (int i = 0; rc == 0 && i < ev.n; i++) {
			if (ev.ev[i].kind == AUTH_EV_TOTP_REPLACED)
				continue;
			char obj[AUTH_EVENT_OBJECT_MAX];
			auth_event_object(obj, sizeof obj, &ev.ev[i]);
			rc = app_audit_as(s, j->audit, &j->actor,
					  &(struct app_audit_entry){ .action = AUDIT_A_PERMISSION,
								     .object_type = auth_event_name(ev.ev[i].kind),
								     .object_id = obj,
								     .result = AUDIT_R_OK },
					  &j->e);
		}
	} else if (rc == ERR_AUTH) {
		/* the failure counter stays counted, with its record */
		struct err ae;
		if (app_audit_as(s, j->audit, &j->actor,
				 &(struct app_audit_entry){ .action = "auth.totp_replace_failed",
							    .object_type = outcome_name(j->out.outcome),
							    .object_id = id,
							    .result = AUDIT_R_FAILED },
				 &ae) == 0) {
			j->rc = store_commit(s, &ae) ? ae.code : ERR_AUTH;
			goto out;
		}
	}
	if (rc == 0)
		rc = store_commit(s, &j->e);
	else
		store_rollback(s);
	j->rc = rc;
out:
	if (j->rc) {
		explicit_bzero(&j->codes, sizeof j->codes);
		explicit_bzero(j->out.token, sizeof j->out.token);
	}
	explicit_bzero(j->password, sizeof j->password);
	explicit_bzero(j->current, sizeof j->current);
	explicit_bzero(j->code, sizeof j->code);
}

static int replace_done(struct http_req *r, void *arg)
{
	struct replace_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	if (j->rc == ERR_AUTH) {
		if (j->out.outcome == AUTH_OUT_LOCKED || j->out.locked_now)
			return render_enrol(r, 401, html_t(l, "login.locked"));
		return render_enrol(r, 401, j->out.outcome == AUTH_OUT_BAD_CODE
			? html_t(l, "totp.failed")
			: html_t(l, "enrol.replace_failed"));
	}
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	set_session_cookie(r, j->out.token);
	explicit_bzero(j->out.token, sizeof j->out.token);
	int rc = render_recovery_codes(r, &j->codes,
		html_t(l, "enrol.replaced"));
	explicit_bzero(&j->codes, sizeof j->codes);
	return rc;
}

int page_enrol_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *code = http_param(r, "code");
	if (q->staff.totp_enrolled) {
		struct replace_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
					 .ses = q->ses, .now = app_now() };
		app_actor_of(&j.actor, r);
		const char *pw = http_param(r, "password"), *cur = http_param(r, "current");
		snprintf(j.password, sizeof j.password, "%s", pw ? pw : "");
		snprintf(j.current, sizeof j.current, "%s", cur ? cur : "");
		snprintf(j.code, sizeof j.code, "%s", code ? code : "");
		int rc = http_defer(r, replace_work, replace_done, &j, sizeof j);
		explicit_bzero(&j, sizeof j);
		return rc;
	}
	struct auth_totp_confirmed done;
	struct auth_events ev = { 0 };
	struct err e;
	struct store *s = app_store(r);
	int rc = auth_totp_enrol_confirm(&done, s, &app_of(r)->auth,
					 &(struct auth_totp_enrol_in){ .ses = &q->ses,
								       .code = code ? code : "" },
					 app_now(), &ev, &e);
	if (rc == ERR_AUTH)
		return render_enrol(r, 401, html_t(l, "totp.failed"));
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)q->ses.account_id);
	app_audit(r, AUDIT_A_PERMISSION, "staff.totp", id, AUDIT_R_OK);
	set_session_cookie(r, done.login.token);
	rc = render_recovery_codes(r, &done.codes, NULL);
	explicit_bzero(&done, sizeof done);
	return rc;
}

int page_logout(struct http_req *r)
{
	const char *token = http_cookie(r, APP_SESSION_COOKIE);
	struct err e;
	if (token)
		auth_session_logout(app_store(r), token, &e);
	app_audit(r, AUDIT_A_LOGOUT, NULL, NULL, AUDIT_R_OK);
	http_set_cookie(r, APP_SESSION_COOKIE, "", 0);
	return http_redirect(r, 303, "/login");
}

struct staff_tiles {
	struct http_req *r;
	struct buf *b;
	enum html_lang l;
	int n;
};

static void staff_tile(const struct svc_nav *n, void *arg)
{
	struct staff_tiles *t = arg;
	if (!app_staff_may_open(t->r, n->href))
		return;
	if (t->n++ == 0)
		buf_puts(t->b, "<ul class=\"service-tiles\">");
	html_printf(t->b, "<li><a href=\"%s\">%s</a>", n->href, html_t(t->l, n->label));
	if (n->summary)
		html_printf(t->b, "<p>%s</p>", html_t(t->l, n->summary));
	buf_puts(t->b, "</li>");
}

int page_staff_home(struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (q->ses.kind != AUTH_KIND_STAFF)
		return http_send_error(r, ERR_DENIED, NULL, NULL, "not staff");
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "staff.home"), NULL, NULL);
	html_printf(&b, "<p>%s</p>", html_t(l, "staff.home.lead"));
	app_mail_staff_warning(&b, r);   /* --- mail: queued and not sent --- */
	if (!q->staff.totp_enrolled)
		html_printf(&b, "<p class=\"notice\"><a href=\"/account/totp\">%s</a></p>",
			    html_t(l, "enrol.title"));
	/* --- inbox: the services' warnings (applications that reach nobody) --- */
	app_services_staff_home(&b, r);
	/* --- end inbox --- */
	/* the services' work the member may open, each with what it is for
	 * (svc.h: SVC_NAV_STAFF) */
	struct staff_tiles t = { r, &b, l, 0 };
	app_nav_each(SVC_NAV_STAFF, staff_tile, &t);
	if (t.n)
		buf_puts(&b, "</ul>");
	return app_page_send(r, 200, &b, &p);
}

#define USERS_ROLES_MAX 64        /* roles offered on the users page */
#define USERS_LEAST_ROLE "viewer" /* the built-in role of least privilege */

struct users_ctx {
	struct buf *b;
	enum html_lang l;
	const char *csrf;
	int64_t self;
	int can_roles;                  /* roles.manage: grant/revoke forms */
	int nroles;                     /* the roles the caller may give    */
	char roles[USERS_ROLES_MAX][AUTH_ROLE_MAX + 1];
};

static void collect_role(const struct auth_role *ro, void *arg)
{
	struct users_ctx *c = arg;
	if (c->nroles < USERS_ROLES_MAX)
		snprintf(c->roles[c->nroles++], sizeof c->roles[0], "%s", ro->name);
}

/* keep only the roles the session may give (auth_role_grantable); the
 * checks run after the role list's result set is closed */
static void keep_grantable(struct users_ctx *c, struct store *s, const struct auth_session *ses)
{
	int n = 0;
	for (int i = 0; i < c->nroles; i++) {
		struct err e;
		if (auth_role_grantable(s, ses, c->roles[i], &e) == 1) {
			if (n != i)
				memcpy(c->roles[n], c->roles[i], sizeof c->roles[0]);
			n++;
		}
	}
	c->nroles = n;
}

/* the roles cell: each role with a revoke button, and a grant form */
static void role_cell(struct users_ctx *c, const struct auth_staff *st)
{
	if (!c->can_roles) {
		html_printf(c->b, "%s", st->roles);
		return;
	}
	buf_puts(c->b, "<ul class=\"plain\">");
	char roles[AUTH_ROLES_TEXT_MAX];
	snprintf(roles, sizeof roles, "%s", st->roles);
	char *save = NULL;
	for (char *ro = strtok_r(roles, ",", &save); ro; ro = strtok_r(NULL, ",", &save))
		html_printf(c->b, "<li>%s <form method=\"post\" class=\"inline\" action=\"/staff/users/%ld/roles/revoke\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"role\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-link\" aria-label=\"%s %s: %s\">%s</button></form></li>",
			    ro, (long)st->id, c->csrf, ro, st->login, ro, html_t(c->l, "roles.remove"),
			    html_t(c->l, "roles.remove"));
	buf_puts(c->b, "</ul>");
	/* nothing chosen until the administrator chooses (least privilege) */
	html_printf(c->b, "<form method=\"post\" class=\"inline\" action=\"/staff/users/%ld/roles\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<select name=\"role\" class=\"select\" required aria-label=\"%s %s\">"
		    "<option value=\"\">%s</option>", (long)st->id, c->csrf,
		    st->login, html_t(c->l, "roles.grant"), html_t(c->l, "users.role_choose"));
	for (int i = 0; i < c->nroles; i++)
		html_printf(c->b, "<option value=\"%s\">%s</option>", c->roles[i], c->roles[i]);
	html_printf(c->b, "</select> <button type=\"submit\" class=\"button-secondary\" aria-label=\"%s %s\">%s</button></form>",
		    st->login, html_t(c->l, "roles.grant"), html_t(c->l, "roles.grant"));
}

static void user_row(const struct auth_staff *st, void *arg)
{
	struct users_ctx *c = arg;
	html_printf(c->b, "<tr><td>%s</td><td>%s</td><td>", st->login, st->display_name);
	role_cell(c, st);
	html_printf(c->b, "</td><td>%s</td><td>%s</td><td>",
		    html_t(c->l, st->active ? "users.active" : "users.disabled"),
		    html_t(c->l, st->totp_enrolled ? "yes" : "no"));
	if (st->active && st->id != c->self)
		html_printf(c->b, "<form method=\"post\" action=\"/staff/users/%ld/disable\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-secondary\" "
			    "aria-label=\"%s %s\">%s</button></form>",
			    (long)st->id, c->csrf, html_t(c->l, "users.disable"),
			    st->login, html_t(c->l, "users.disable"));
	/* reset a colleague's password and second factor (never one's own) */
	if (st->id != c->self)
		html_printf(c->b, "<form method=\"post\" action=\"/staff/users/%ld/reset\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-secondary\" "
			    "aria-label=\"%s %s\">%s</button></form>",
			    (long)st->id, c->csrf, html_t(c->l, "users.reset"),
			    st->login, html_t(c->l, "users.reset"));
	buf_puts(c->b, "</td></tr>\n");
}

static int render_users(struct http_req *r, int status, const char *notice,
			const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "staff.users"), "new-login", error);
	if (notice)
		html_printf(&b, "<div class=\"notice\" role=\"status\">%S</div>", notice);
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\"><span class=\"visually-hidden\">%s</span></th>"
		    "</tr></thead><tbody>\n",
		    html_t(l, "staff.users"), html_t(l, "users.login"), html_t(l, "users.name"),
		    html_t(l, "users.roles"), html_t(l, "users.status"), html_t(l, "users.mfa"),
		    html_t(l, "users.disable"));
	struct users_ctx c = { .b = &b, .l = l, .csrf = q->csrf, .self = q->ses.account_id };
	struct err e;
	c.can_roles = auth_has_permission(app_store(r), &q->ses, AUTH_PERM_ROLES_MANAGE, &e) == 1;
	auth_role_list(app_store(r), q->tenant.code, collect_role, &c, &e);
	keep_grantable(&c, app_store(r), &q->ses);
	int rc = auth_staff_list(app_store(r), q->tenant.code, user_row, &c, &e);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table>\n");
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/users\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", html_t(l, "users.add"), q->csrf);
	struct ui_field f = {
		.name = "login", .id = "new-login", .label = html_t(l, "users.login"),
		.maxlength = AUTH_LOGIN_MAX, .autocomplete = "off", .pattern = "[A-Za-z0-9._\\-]+",
		.html_required = 1, .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){
		.name = "display_name", .id = "new-name", .label = html_t(l, "users.name"),
		.maxlength = AUTH_NAME_MAX_CHARS, .autocomplete = "off", .html_required = 1, .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){
		.name = "email", .id = "new-email", .label = html_t(l, "users.email"),
		.hint = html_t(l, "users.email_hint"), .type = "email",
		.maxlength = AUTH_EMAIL_MAX, .autocomplete = "off", .lang = l,
	};
	ui_input(&b, &f);
	/* only the roles this caller may give; the least privilege first
	 * chosen (viewer when it may be given, else nothing: never admin) */
	struct ui_option opts[USERS_ROLES_MAX];
	const char *least = NULL;
	for (int i = 0; i < c.nroles; i++) {
		opts[i] = (struct ui_option){ c.roles[i], c.roles[i] };
		if (strcmp(c.roles[i], USERS_LEAST_ROLE) == 0)
			least = USERS_LEAST_ROLE;
	}
	f = (struct ui_field){ .name = "role", .id = "new-role", .label = html_t(l, "users.role"),
			       .value = least, .html_required = 1, .lang = l };
	ui_select(&b, &f, opts, c.nroles, least ? NULL : html_t(l, "users.role_choose"));
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "users.add"));
	html_page_end(&b, &p);
	app_audit(r, AUDIT_A_READ, "staff_list", q->tenant.code, AUDIT_R_OK);
	http_send_html(r, status, &b);
	buf_done(&b);
	return 0;
}

int page_users(struct http_req *r)
{
	return render_users(r, 200, NULL, NULL);
}

/* the audit records of auth events, in the caller's transaction; the
 * object names the role where there is one ("12:admin") */
static int audit_events(struct store *s, const struct audit_config *c,
			const struct app_actor *a, const struct auth_events *ev,
			struct err *e)
{
	for (int i = 0; i < ev->n; i++) {
		char obj[AUTH_EVENT_OBJECT_MAX];
		auth_event_object(obj, sizeof obj, &ev->ev[i]);
		int rc = app_audit_as(s, c, a,
				      &(struct app_audit_entry){ .action = AUDIT_A_PERMISSION,
								 .object_type = auth_event_name(ev->ev[i].kind),
								 .object_id = obj,
								 .result = AUDIT_R_OK },
				      e);
		if (rc)
			return rc;
	}
	return 0;
}

/* adding a staff member hashes the initial password (Argon2id): it runs
 * on the blocking pool, the staff row and its audit records in one
 * transaction there */
struct user_add_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	struct app_actor actor;
	struct auth_session ses;        /* the caller: which roles it may give */
	char login[AUTH_LOGIN_MAX + 1];
	char display_name[AUTH_NAME_MAX + 1];
	char role[AUTH_ROLE_MAX + 1];
	char email[AUTH_EMAIL_MAX + 1];
	int64_t now;
	int rc;
	struct err e;
	char password[AUTH_GEN_PASSWORD_LEN + 1];
};

static void user_add_work(void *arg, void *pool_ctx)
{
	struct user_add_job *j = arg;
	struct app_thread *t = pool_ctx;
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
		return;
	}
	struct store *s = t->store;
	struct auth_events ev = { 0 };
	const char *role = j->role;
	int64_t id;
	int rc = auth_password_generate(j->password, &j->e);
	if (rc == 0)
		rc = store_begin(s, &j->e);
	else
		goto out;
	if (rc == 0)
		rc = auth_staff_add_by(&id, s, j->auth,
				       &(struct auth_staff_add_by_in){
					       .by = &j->ses,
					       .account = { .login = j->login,
							    .display_name = j->display_name,
							    .password = j->password,
							    .roles = &role, .nroles = 1 } },
				       j->now, &ev, &j->e);
	if (rc == 0 && j->email[0])
		rc = auth_staff_email_set(s, j->ses.tenant, id, j->email, &j->e);
	if (rc == 0)
		rc = audit_events(s, j->audit, &j->actor, &ev, &j->e);
	if (rc == 0)
		rc = store_commit(s, &j->e);
	else
		store_rollback(s);
	if (rc == ERR_DENIED) {
		/* the refusal is on the record too */
		struct err ae;
		if (app_audit_as(s, j->audit, &j->actor,
				 &(struct app_audit_entry){ .action = "auth.grant_denied",
							    .object_type = "role",
							    .object_id = j->role,
							    .result = AUDIT_R_DENIED },
				 &ae))
			rc = err_set(&j->e, ae.code, "audit of a refused grant: %s", ae.detail);
	}
out:
	if (rc)
		explicit_bzero(j->password, sizeof j->password);
	j->rc = rc;
}

static int user_add_done(struct http_req *r, void *arg)
{
	struct user_add_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	int rc = j->rc;
	if (rc == ERR_CONFLICT || rc == ERR_INVALID)
		return render_users(r, rc == ERR_CONFLICT ? 409 : 400, NULL,
				    html_t(l, rc == ERR_CONFLICT ? "users.error.taken" : "users.error.check"));
	if (rc == ERR_DENIED)
		return render_users(r, 403, NULL, html_t(l, "roles.error.not_grantable"));
	if (rc)
		return http_send_error(r, rc, NULL, NULL, j->e.detail);
	struct buf n;
	buf_init(&n, 4096);
	html_printf(&n, "<p>%s</p><p><code id=\"initial-password\">%s</code></p>",
		    html_t(l, "users.added"), j->password);
	explicit_bzero(j->password, sizeof j->password);
	rc = render_users(r, 201, buf_cstr(&n), NULL);
	explicit_bzero(n.data, n.len);
	buf_done(&n);
	return rc;
}

int page_users_add(struct http_req *r)
{
	struct user_add_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
				  .ses = app_req(r)->ses, .now = app_now() };
	app_actor_of(&j.actor, r);
	snprintf(j.login, sizeof j.login, "%s", http_param(r, "login"));
	snprintf(j.display_name, sizeof j.display_name, "%s", http_param(r, "display_name"));
	snprintf(j.role, sizeof j.role, "%s", http_param(r, "role"));
	const char *email = http_param(r, "email");
	snprintf(j.email, sizeof j.email, "%s", email ? email : "");
	return http_defer(r, user_add_work, user_add_done, &j, sizeof j);
}

/* ---- an administrator resets a colleague's password and second factor
 * (auth_staff_reset_by: never oneself, never a holder of a role the
 * administrator could not give).  The reset, its audit records and the
 * notice to the colleague (the mail outbox, when an address is on
 * record) commit together; the temporary password is shown once to the
 * administrator, never mailed.  Argon2id: on the blocking pool. ---- */
struct user_reset_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	struct app_actor actor;
	struct auth_session ses;
	int64_t staff_id;
	char tenant_name[401];
	int64_t now;
	int rc;
	int mailed;
	struct auth_staff_reset out;
	struct err e;
};

static void user_reset_work(void *arg, void *pool_ctx)
{
	struct user_reset_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct auth_events ev = { 0 };
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)j->staff_id);
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
		return;
	}
	struct store *s = t->store;
	int rc = store_begin(s, &j->e);
	if (rc == 0)
		rc = auth_staff_reset_by(&j->out, s, j->auth, &j->ses, j->staff_id, j->now,
					 &ev, &j->e);
	if (rc == 0)
		rc = audit_events(s, j->audit, &j->actor, &ev, &j->e);
	if (rc == 0 && j->out.email[0]) {
		/* the municipality's template staff.account_reset (svc/notify,
		 * through app_mail_template): the member's language is not
		 * known, so Japanese; the values only, never the wording */
		const struct svc_mail_value vals[] = {
			{ "name", j->out.display_name }, { "ward", j->tenant_name },
			{ "login", j->out.login },
		};
		rc = app_mail_template(s, j->ses.tenant, "staff.account_reset", HTML_JA, j->out.email,
				       vals, 3, &j->e);
		if (rc == 0) {
			j->mailed = 1;
			rc = app_audit_as(s, j->audit, &j->actor,
					  &(struct app_audit_entry){ .action = "mail.queued",
								     .object_type = "staff.reset_notice",
								     .object_id = id,
								     .result = AUDIT_R_OK },
					  &j->e);
		}
	}
	if (rc == 0)
		rc = store_commit(s, &j->e);
	else
		store_rollback(s);
	if (rc == ERR_DENIED || rc == ERR_INVALID) {
		/* a refused reset is on the record too */
		struct err ae;
		if (app_audit_as(s, j->audit, &j->actor,
				 &(struct app_audit_entry){ .action = "auth.reset_denied",
							    .object_type = "staff",
							    .object_id = id,
							    .result = AUDIT_R_DENIED },
				 &ae))
			rc = err_set(&j->e, ae.code, "audit of a refused reset: %s", ae.detail);
	}
	if (rc)
		explicit_bzero(j->out.password, sizeof j->out.password);
	j->rc = rc;
}

static int user_reset_done(struct http_req *r, void *arg)
{
	struct user_reset_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	int rc = j->rc;
	if (rc == ERR_INVALID)
		return render_users(r, 400, NULL, html_t(l, "users.error.self_reset"));
	if (rc == ERR_DENIED)
		return render_users(r, 403, NULL, html_t(l, "users.error.reset_denied"));
	if (rc)
		return http_send_error(r, rc, NULL, NULL, j->e.detail);
	struct buf n;
	buf_init(&n, 4096);
	html_printf(&n, "<p>%s</p><p><code id=\"reset-password\">%s</code></p><p id=\"reset-mail\">%s</p>",
		    arena_printf(r->arena, html_t(l, "users.reset.done"), j->out.login),
		    j->out.password,
		    html_t(l, j->mailed ? "users.reset.mailed" : "users.reset.no_mail"));
	explicit_bzero(j->out.password, sizeof j->out.password);
	rc = render_users(r, 200, buf_cstr(&n), NULL);
	explicit_bzero(n.data, n.len);
	buf_done(&n);
	return rc;
}

int page_users_reset(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct user_reset_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
				    .ses = q->ses, .now = app_now() };
	if (parse_i64(&j.staff_id, http_param(r, "id"), 1, INT64_MAX))
		return http_send_error(r, ERR_INVALID, NULL, NULL, "bad id");
	app_actor_of(&j.actor, r);
	snprintf(j.tenant_name, sizeof j.tenant_name, "%s", q->tenant.name_ja);
	return http_defer(r, user_reset_work, user_reset_done, &j, sizeof j);
}

int page_users_disable(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	if (parse_i64(&id, http_param(r, "id"), 1, INT64_MAX))
		return http_send_error(r, ERR_INVALID, NULL, NULL, "bad id");
	if (id == q->ses.account_id)
		return app_send_error(r, ERR_INVALID, "users.error.self_disable", NULL);
	struct store *s = app_store(r);
	struct auth_events ev = { 0 };
	struct err e;
	int rc = store_begin(s, &e);
	struct app_actor a;
	app_actor_of(&a, r);
	if (rc == 0)
		rc = auth_staff_set_active(s, q->tenant.code, id, 0, app_now(), &ev, &e);
	if (rc == 0)
		rc = audit_events(s, &app_of(r)->audit, &a, &ev, &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, "/staff/users");
}

int api_me(struct http_req *r)
{
	struct app_req *q = app_req(r);
	json_t *j = json_pack("{s:s,s:s,s:s,s:b,s:I}", "login", q->staff.login,
			      "display_name", q->staff.display_name, "roles", q->staff.roles,
			      "mfa", q->ses.mfa_ok, "idle_left", (json_int_t)q->ses.idle_left);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return ERR_NOMEM;
	http_send_json(r, 200, s);
	free(s);
	return 0;
}
