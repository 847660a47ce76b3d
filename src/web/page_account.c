/*
 * page_account.c -- a staff member's own account: login and roles,
 * two-factor status (with when it was last replaced), the address notices
 * go to (an administrator's reset is told there; optional, audited when
 * changed), the sessions logged in now (each can be ended), and the
 * password change (the current password is checked; every other session
 * ends; Argon2id runs on the blocking pool).
 */
#include "web/app.h"
#include "web/ui.h"
#include "jp/date.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct sessions_page {
	struct buf *b;
	enum html_lang l;
	const char *csrf;
};

static void fmt_time(char *out, size_t cap, int64_t secs)
{
	struct tm tm;
	jp_jst_tm(&tm, secs);
	strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
}

static void session_row(const struct auth_session *ses, int current, void *arg)
{
	struct sessions_page *p = arg;
	char created[32], seen[32];
	fmt_time(created, sizeof created, ses->created_at);
	fmt_time(seen, sizeof seen, ses->last_seen);
	html_printf(p->b, "<tr><td>%s</td><td>%s</td><td>", created, seen);
	if (current)
		html_printf(p->b, "%s", html_t(p->l, "account.current"));
	else
		html_printf(p->b, "<form method=\"post\" action=\"/account/sessions/%ld/end\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-secondary\" aria-label=\"%s %s\">%s</button>"
			    "</form>", (long)ses->id, p->csrf, html_t(p->l, "account.end"), created,
			    html_t(p->l, "account.end"));
	buf_puts(p->b, "</td></tr>\n");
}

/* the page; error is about the field whose id is at (the error summary
 * links there) */
static int render_account_at(struct http_req *r, int status, const char *notice,
			     const char *error, const char *at)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	int email_error = error && strcmp(at, "notice-email") == 0;
	app_page_open(&b, &p, r, html_t(l, "account"), at, error);
	if (notice)
		html_printf(&b, "<div class=\"notice\" role=\"status\">%s</div>", notice);
	html_printf(&b, "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
		    html_t(l, "users.login"), q->staff.login, html_t(l, "users.roles"),
		    q->staff.roles);
	html_printf(&b, "<p>%s</p>", html_t(l, q->staff.totp_enrolled ? "account.mfa.on"
								      : "account.mfa.off"));
	/* staff have no e-mail address: a replaced second factor is told here */
	if (q->staff.totp_changed_at) {
		char changed[32];
		fmt_time(changed, sizeof changed, q->staff.totp_changed_at);
		html_printf(&b, "<p class=\"notice\" id=\"totp-changed\">%s</p>",
			    arena_printf(r->arena, html_t(l, "account.totp_changed"), changed));
	}
	if (q->staff.totp_enrolled)
		html_printf(&b, "<p><a href=\"/account/totp\">%s</a></p>",
			    html_t(l, "enrol.replace_link"));
	if (!q->staff.totp_enrolled)
		html_printf(&b, "<p><a href=\"/account/totp\">%s</a></p>", html_t(l, "enrol.title"));
	/* where a notice such as an administrator's reset goes */
	char email[AUTH_EMAIL_MAX + 1] = "";
	struct err ee;
	auth_staff_email_get(email, app_store(r), q->tenant.code, q->ses.account_id, &ee);
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/account/email\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "account.email"), q->csrf);
	ui_input(&b, &(struct ui_field){
			 .name = "email", .id = "notice-email", .label = html_t(l, "users.email"),
			 .hint = html_t(l, "account.email_hint"), .type = "email", .value = email,
			 .maxlength = AUTH_EMAIL_MAX, .autocomplete = "email", .invalid = email_error,
			 .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>\n",
		    html_t(l, "account.email_save"));
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\"><span class=\"visually-hidden\">%s</span></th>"
		    "</tr></thead><tbody>\n", html_t(l, "account.sessions"),
		    html_t(l, "account.started"), html_t(l, "account.seen"), html_t(l, "account.end"));
	struct sessions_page sp = { &b, l, q->csrf };
	struct err e;
	int rc = auth_session_list(app_store(r), &q->ses, app_now(), session_row, &sp, &e);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table>\n");
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/account/password\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    html_t(l, "account.password"), q->csrf);
	/* the error summary says what is wrong and links to the current password */
	struct ui_field f = {
		.name = "current", .id = "current-password", .label = html_t(l, "account.current_password"),
		.type = "password", .autocomplete = "current-password", .maxlength = AUTH_PASSWORD_MAX,
		.html_required = 1, .invalid = error != NULL && !email_error, .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){
		.name = "new", .id = "new-password", .label = html_t(l, "account.new_password"),
		.hint = html_t(l, "account.password_hint"), .type = "password",
		.autocomplete = "new-password", .minlength = AUTH_PASSWORD_MIN,
		.maxlength = AUTH_PASSWORD_MAX, .html_required = 1, .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, "account.password_change"));
	return app_page_send(r, status, &b, &p);
}

static int render_account(struct http_req *r, int status, const char *notice,
			  const char *error)
{
	return render_account_at(r, status, notice, error, "current-password");
}

int page_account(struct http_req *r)
{
	return render_account(r, 200, NULL, NULL);
}

int page_account_session_end(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	if (parse_i64(&id, http_param(r, "id"), 1, INT64_MAX))
		return http_send_error(r, ERR_INVALID, NULL, NULL, "bad id");
	struct err e;
	/* auth_session_kill only ends sessions of the caller's own account */
	int rc = auth_session_kill(app_store(r), &q->ses, id, &e);
	if (rc == ERR_NOTFOUND)
		return render_account(r, 404, NULL, html_t(q->lang, "account.no_session"));
	if (rc < 0)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	app_audit(r, AUDIT_A_LOGOUT, "session", http_param(r, "id"), AUDIT_R_OK);
	return http_redirect(r, 303, "/account");
}

struct password_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	struct app_actor actor;
	struct auth_session ses;
	char current[AUTH_PASSWORD_MAX_BYTES + 1];
	char new_password[AUTH_PASSWORD_MAX_BYTES + 1];
	int64_t now;
	int rc;
	struct err e;
};

static void password_work(void *arg, void *pool_ctx)
{
	struct password_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct auth_events ev = { 0 };
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
	} else {
		/* a wrong current password counts as a login failure: the call
		 * commits its own counters, so it runs outside a transaction */
		j->rc = auth_password_change(t->store, j->auth, &j->ses,
					     &(struct auth_password_change_in){
						     .current = j->current,
						     .new_password = j->new_password },
					     j->now, &ev, &j->e);
		if (j->rc == 0)
			j->rc = app_audit_as(t->store, j->audit, &j->actor,
					     &(struct app_audit_entry){ .action = AUDIT_A_PERMISSION,
									.object_type = "password.changed",
									.object_id = j->actor.login,
									.result = AUDIT_R_OK },
					     &j->e);
	}
	explicit_bzero(j->current, sizeof j->current);
	explicit_bzero(j->new_password, sizeof j->new_password);
}

static int password_done(struct http_req *r, void *arg)
{
	struct password_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	if (j->rc == ERR_AUTH)
		return render_account(r, 401, NULL, html_t(l, "account.wrong_password"));
	if (j->rc == ERR_INVALID)
		return render_account(r, 400, NULL, html_t(l, "account.weak_password"));
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	return render_account(r, 200, html_t(l, "account.password_changed"), NULL);
}

int page_account_password(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct password_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
				  .ses = q->ses, .now = app_now() };
	app_actor_of(&j.actor, r);
	snprintf(j.current, sizeof j.current, "%s", http_param(r, "current"));
	snprintf(j.new_password, sizeof j.new_password, "%s", http_param(r, "new"));
	int rc = http_defer(r, password_work, password_done, &j, sizeof j);
	explicit_bzero(&j, sizeof j);
	return rc;
}

/* the address notices to the member go to ("" to have none); the change
 * is audited (the address itself is not: personal data) */
int page_account_email(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *email = http_param(r, "email");
	struct store *s = app_store(r);
	struct err e;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = auth_staff_email_set(s, q->tenant.code, q->ses.account_id, email ? email : "", &e);
	if (rc == 0) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)q->ses.account_id);
		struct app_actor a;
		app_actor_of(&a, r);
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = AUDIT_A_PERMISSION,
							     .object_type = "staff.email_set",
							     .object_id = id, .result = AUDIT_R_OK }, &e);
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	if (rc == ERR_INVALID)
		return render_account_at(r, 400, NULL, html_t(q->lang, "account.email_invalid"),
					 "notice-email");
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return render_account(r, 200, html_t(q->lang, "account.email_saved"), NULL);
}
