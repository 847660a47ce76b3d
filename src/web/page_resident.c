/*
 * page_resident.c -- resident accounts: register with an e-mail address
 * and a password, log in, see "my page" (with its link to closing the
 * account, page_resident_close.c), log out.  Stronger proof of
 * identity (My Number card signatures) comes with online applications.
 *
 * Password hashing (registration, login) runs on the blocking pool.  A
 * failed login or registration says the same whatever the cause, so the
 * pages never tell whether an address has an account.  A registration
 * answers "check your e-mail" whether the address is new (the account is
 * made and a confirmation link mailed) or taken (nothing is made; the
 * address is told someone tried, app_resident_register_taken_send); it
 * logs nobody in, so neither status, cookie nor page tells the two apart.
 * Registrations are throttled per source address (auth_register_attempt:
 * 429 past the limit), before any password hash.
 * The login takes a return path, `next` (a local path only, checked by
 * the route table with http_local_path_ok: never another origin): a page
 * that sends a resident to log in (a facility's 予約 button) names itself,
 * the form carries it, and a login that succeeds goes back there instead
 * of to My page.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "base/util.h"
#include "web/app_mail.h" /* --- mail: e-mail verification --- */

#include <stdio.h>
#include <string.h>

static int render_form(struct http_req *r, int status, int reg, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	char pre[33];
	if (random_token(pre, 16))
		return ERR_IO;
	http_set_cookie(r, APP_PRELOGIN_COOKIE, pre, 1800);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, reg ? "resident.register" : "resident.login"), "email", error);
	html_printf(&b, "<form method=\"post\" action=\"%s\" class=\"form\">"
		    "<input type=\"hidden\" name=\"pre\" value=\"%s\">",
		    reg ? "/resident/register" : "/resident/login", pre);
	/* where to go back after logging in (the route table checked it) */
	const char *next = reg ? NULL : http_param(r, "next");
	if (next && *next)
		html_printf(&b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
	/* the error summary says what is wrong (never which of the two) and
	 * links to the address */
	struct ui_field f = {
		.name = "email", .id = "email", .label = html_t(l, "resident.email"), .type = "email",
		.autocomplete = "email", .maxlength = AUTH_EMAIL_MAX, .html_required = 1,
		.invalid = error != NULL, .lang = l,
	};
	ui_input(&b, &f);
	f = (struct ui_field){
		.name = "password", .id = "password", .label = html_t(l, "login.password"),
		.hint = reg ? html_t(l, "account.password_hint") : NULL, .type = "password",
		.autocomplete = reg ? "new-password" : "current-password",
		.minlength = reg ? AUTH_PASSWORD_MIN : 0, .maxlength = AUTH_PASSWORD_MAX,
		.html_required = 1, .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    html_t(l, reg ? "resident.register_submit" : "login.submit"));
	if (reg)
		html_printf(&b, "<p><a href=\"/resident/login\">%s</a></p>", html_t(l, "resident.have_account"));
	else
		html_printf(&b, "<p><a href=\"/resident/register\">%s</a></p>"
			    /* --- mail: password reset by e-mail --- */
			    "<p><a href=\"/resident/reset\">%s</a></p>",
			    html_t(l, "resident.no_account"), html_t(l, "reset.forgot"));
	return app_page_send(r, status, &b, &p);
}

int page_resident_login_form(struct http_req *r)
{
	return render_form(r, 200, 0, NULL);
}

int page_resident_register_form(struct http_req *r)
{
	return render_form(r, 200, 1, NULL);
}

struct resident_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	int reg;
	char tenant[AUTH_TENANT_LEN + 1];
	char email[AUTH_EMAIL_MAX + 1];
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	char source[AUTH_SOURCE_MAX + 1];
	char next[APP_NEXT_MAX + 1];   /* login: the local path to go back to, or "" */
	int64_t now;
	int rc;                  /* of the registration (reg) or the login   */
	int64_t created;         /* reg: the new account, or 0               */
	int64_t taken;           /* reg: the account that has the address    */
	struct auth_login out;
	struct err e;
};

static void resident_work(void *arg, void *pool_ctx)
{
	struct resident_job *j = arg;
	struct app_thread *t = pool_ctx;
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
		goto out;
	}
	if (j->reg) {
		/* throttled per source address before any password hash */
		j->rc = auth_register_attempt(t->store, j->auth, j->tenant, j->source, j->now,
					      &j->e);
		if (j->rc)
			goto out;
		int64_t id;
		j->rc = auth_resident_add(&id, t->store, j->auth,
					  &(struct auth_resident_new){ .tenant = j->tenant,
								       .email = j->email,
								       .password = j->password },
					  j->now, NULL, &j->e);
		const char *what = "resident.created";
		if (j->rc == ERR_CONFLICT) {
			/* taken: nothing is made, the owner is told by mail */
			struct err fe;
			id = 0;
			if (auth_resident_find(&id, t->store, j->tenant, j->email, &fe) != 0)
				id = 0;   /* disabled: no mail */
			j->taken = id;
			what = "resident.register_existing";
			j->rc = 0;
		} else if (j->rc) {
			goto out;
		} else {
			j->created = id;
		}
		struct app_actor a = { .id = j->created };
		snprintf(a.tenant, sizeof a.tenant, "%s", j->tenant);
		snprintf(a.source, sizeof a.source, "%s", j->source);
		char obj[24];
		snprintf(obj, sizeof obj, "%lld", (long long)id);
		j->rc = app_audit_as(t->store, j->audit, &a,
				     &(struct app_audit_entry){ .action = AUDIT_A_WRITE,
								.object_type = what,
								.object_id = obj,
								.result = AUDIT_R_OK },
				     &j->e);
		/* no login: a session only for new addresses would tell them apart */
		goto out;
	}
	j->rc = auth_resident_login(&j->out, t->store, j->auth,
				    &(struct auth_resident_login_in){ .tenant = j->tenant,
								      .email = j->email,
								      .password = j->password,
								      .source = j->source },
				    j->now, &j->e);
	{
		struct app_actor a = { .id = j->out.account_id };
		snprintf(a.tenant, sizeof a.tenant, "%s", j->tenant);
		snprintf(a.source, sizeof a.source, "%s", j->source);
		int arc = app_audit_as(t->store, j->audit, &a,
				       &(struct app_audit_entry){
					       .action = j->rc == 0 ? AUDIT_A_LOGIN : AUDIT_A_LOGIN_FAILED,
					       .object_type = "resident", .object_id = NULL,
					       .result = j->rc == 0 ? AUDIT_R_OK : AUDIT_R_FAILED },
				       &j->e);
		if (arc && j->rc == 0) {
			/* a login that cannot be audited does not happen */
			struct err e2;
			auth_session_logout(t->store, j->out.token, &e2);
			j->rc = arc;
		}
	}
out:
	explicit_bzero(j->password, sizeof j->password);
}

/* the one answer to a registration, new or taken address alike */
static int render_registered(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	http_set_cookie(r, APP_PRELOGIN_COOKIE, "", 0);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "resident.register"), NULL, NULL);
	html_printf(&b, "<p id=\"register-sent\" role=\"status\">%s</p><p><a href=\"/resident/login\">%s</a></p>",
		    html_t(l, "resident.register_sent"),
		    html_t(l, "resident.login"));
	return app_page_send(r, 200, &b, &p);
}

static int resident_done(struct http_req *r, void *arg)
{
	struct resident_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	if (j->reg && j->rc == ERR_LIMIT) {
		/* 429 Too Many Requests, with the form again */
		log_info("registration throttled", "detail", j->e.detail);
		return render_form(r, 429, 1, html_t(l, "resident.register_throttled"));
	}
	if (j->reg && j->rc == ERR_INVALID)
		return render_form(r, 400, 1, html_t(l, "resident.register_failed"));
	if (!j->reg && j->rc == ERR_AUTH)
		return render_form(r, 401, 0, html_t(l, "resident.login_failed"));
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	if (j->reg) {
		/* --- mail: a link to confirm a new address, or word to the owner
		 * of a taken one (failures are logged; my page offers a resend) --- */
		if (j->created)
			app_resident_verify_send(r, j->created);
		else if (j->taken)
			app_resident_register_taken_send(r, j->taken);
		return render_registered(r);
	}
	http_set_cookie(r, APP_SESSION_COOKIE, j->out.token, -1);
	explicit_bzero(j->out.token, sizeof j->out.token);
	http_set_cookie(r, APP_PRELOGIN_COOKIE, "", 0);
	/* back to the page that asked for the login (a local path: checked
	 * again here, whatever the route table did) */
	if (j->next[0] && http_local_path_ok(j->next, strlen(j->next)) == 0)
		return http_redirect(r, 303, j->next);
	return http_redirect(r, 303, "/mypage");
}

static int resident_post(struct http_req *r, int reg)
{
	struct app_req *q = app_req(r);
	const char *pre = http_param(r, "pre"), *cookie = http_cookie(r, APP_PRELOGIN_COOKIE);
	if (!pre || !cookie || strlen(pre) != strlen(cookie) || !ct_equal(pre, cookie, strlen(pre)))
		return app_send_error(r, ERR_DENIED, "resident.form_expired", "resident form csrf mismatch");
	struct resident_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
				  .reg = reg, .now = app_now() };
	snprintf(j.tenant, sizeof j.tenant, "%s", q->tenant.code);
	snprintf(j.email, sizeof j.email, "%s", http_param(r, "email"));
	snprintf(j.password, sizeof j.password, "%s", http_param(r, "password"));
	snprintf(j.source, sizeof j.source, "%s", r->remote_addr);
	const char *next = reg ? NULL : http_param(r, "next");
	if (next && strlen(next) <= APP_NEXT_MAX)
		snprintf(j.next, sizeof j.next, "%s", next);
	int rc = http_defer(r, resident_work, resident_done, &j, sizeof j);
	explicit_bzero(j.password, sizeof j.password);
	return rc;
}

int page_resident_login(struct http_req *r)
{
	return resident_post(r, 0);
}

int page_resident_register(struct http_req *r)
{
	return resident_post(r, 1);
}

struct mypage_ctx {
	struct buf *b;
	enum html_lang l;
	int n;
};

static void mypage_link(const struct svc_nav *n, void *arg)
{
	struct mypage_ctx *c = arg;
	if (c->n++ == 0)
		html_printf(c->b, "<section><h2>%s</h2><ul>", html_t(c->l, "mypage.services"));
	html_printf(c->b, "<li><a href=\"%s\">%s</a></li>", n->href, html_t(c->l, n->label));
}

int page_mypage(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	char email[AUTH_EMAIL_MAX + 1];
	int active = 0;
	struct err e;
	int rc = auth_resident_get(email, &active, app_store(r), q->tenant.code,
				   q->ses.account_id, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	app_page(r, &p, html_t(l, "resident.mypage"));
	p.csrf = NULL; /* the resident's own logout form is below */
	struct buf b;
	buf_init(&b, 1u << 20);
	html_page_begin(&b, &p);
	html_printf(&b, "<dl><dt>%s</dt><dd>%s</dd></dl>", html_t(l, "resident.email"), email);
	/* --- mail: whether the address is confirmed, and a resend --- */
	int verified = 0;
	if (auth_resident_email_verified(&verified, app_store(r), q->tenant.code, q->ses.account_id, &e) == 0) {
		html_printf(&b, "<dl><dt>%s</dt><dd id=\"email-status\">%s</dd></dl>", html_t(l, "mailv.status"),
			    html_t(l, verified ? "mailv.verified" : "mailv.unverified"));
		if (!verified)
			html_printf(&b, "<form method=\"post\" action=\"/resident/verify/resend\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
				    q->csrf, html_t(l, "mailv.resend"));
	}
	/* the link to the resident registry (page_registry.c) */
	html_printf(&b, "<p><a href=\"/mypage/registry\">%s</a></p>", html_t(l, "rlink.title"));
	/* the services' entries of My page (svc.h: SVC_NAV_RESIDENT) */
	struct mypage_ctx mc = { &b, l, 0 };
	app_nav_each(SVC_NAV_RESIDENT, mypage_link, &mc);
	if (mc.n)
		buf_puts(&b, "</ul></section>");
	/* closing the account (page_resident_close.c) */
	html_printf(&b, "<p><a href=\"/mypage/close\" id=\"close-link\">%s</a></p>", html_t(l, "close.entry"));
	html_printf(&b, "<form method=\"post\" action=\"/resident/logout\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
		    q->csrf, html_t(l, "logout"));
	return app_page_send(r, 200, &b, &p);
}

int page_resident_logout(struct http_req *r)
{
	const char *token = http_cookie(r, APP_SESSION_COOKIE);
	struct err e;
	if (token)
		auth_session_logout(app_store(r), token, &e);
	app_audit(r, AUDIT_A_LOGOUT, "resident", NULL, AUDIT_R_OK);
	http_set_cookie(r, APP_SESSION_COOKIE, "", 0);
	return http_redirect(r, 303, "/resident/login");
}
