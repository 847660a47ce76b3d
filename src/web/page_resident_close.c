/*
 * page_resident_close.c -- a resident closes their account (退会) from My
 * page: /mypage/close explains, in the page's language (ja, en, やさしい
 * 日本語), what goes (the login, notification choices, SMS and LINE
 * links, the link to the resident record) and what the ward keeps by law
 * (submitted applications, payments, audit records), and asks for the
 * current password; the POST (CSRF-checked by the HTTP layer) closes it;
 * /resident/closed says it is done.
 *
 * Invariants: the password is checked first, outside any transaction (a
 * wrong one is counted as a login failure, audited as a failed
 * auth.resident.close, and changes nothing else); then in ONE transaction
 * the account is closed (auth_resident_close: no address, no password,
 * no session, no e-mail token), its registry link removed, every
 * service's account_closed hook run (svc_account_closed) and the record
 * auth.resident.close written (the account id only) -- any error undoes
 * all of it.  Argon2id runs on the blocking pool.  Nothing personal is
 * logged or shown (the page does not even show the address).
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "core/registry/registry.h"

#include <stdio.h>
#include <string.h>

#define CLOSE_AUDIT "auth.resident.close"

static int render_close(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "close.title"), "close-password", error);
	html_printf(&b, "<div class=\"notice\" id=\"close-warning\"><p>%s</p></div>",
		    html_t(l, "close.lead"));
	html_printf(&b, "<section aria-labelledby=\"close-removed-h\"><h2 id=\"close-removed-h\">%s</h2>"
		    "<ul id=\"close-removed\"><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul></section>",
		    html_t(l, "close.removed.h"), html_t(l, "close.removed.login"),
		    html_t(l, "close.removed.notify"), html_t(l, "close.removed.links"),
		    html_t(l, "close.removed.registry"));
	html_printf(&b, "<section aria-labelledby=\"close-kept-h\"><h2 id=\"close-kept-h\">%s</h2>"
		    "<ul id=\"close-kept\"><li>%s</li><li>%s</li><li>%s</li></ul><p>%s</p></section>",
		    html_t(l, "close.kept.h"), html_t(l, "close.kept.apply"),
		    html_t(l, "close.kept.pay"), html_t(l, "close.kept.audit"),
		    html_t(l, "close.kept.note"));
	html_printf(&b, "<form method=\"post\" action=\"/mypage/close\" class=\"form\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	ui_input(&b, &(struct ui_field){
			 .name = "password", .id = "close-password", .label = html_t(l, "close.password"),
			 .hint = html_t(l, "close.password.hint"), .type = "password",
			 .autocomplete = "current-password", .maxlength = AUTH_PASSWORD_MAX,
			 .html_required = 1, .invalid = error != NULL, .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"close-submit\">%s</button></form>\n"
		    "<p><a href=\"/mypage\">%s</a></p>",
		    html_t(l, "close.submit"), html_t(l, "close.cancel"));
	return app_page_send(r, status, &b, &p);
}

int page_resident_close_form(struct http_req *r)
{
	return render_close(r, 200, NULL);
}

struct close_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	struct app_actor actor;
	struct auth_session ses;
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	int64_t now;
	int rc;
	struct err e;
};

static int close_audit(struct store *s, struct close_job *j, const char *result, struct err *e)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)j->ses.account_id);
	return app_audit_as(s, j->audit, &j->actor,
			    &(struct app_audit_entry){ .action = CLOSE_AUDIT, .object_type = "resident",
						       .object_id = id, .result = result }, e);
}

static void close_work(void *arg, void *pool_ctx)
{
	struct close_job *j = arg;
	struct app_thread *t = pool_ctx;
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
		goto out;
	}
	struct store *s = t->store;
	const char *tenant = j->ses.tenant;
	int64_t id = j->ses.account_id;
	/* outside the transaction: a wrong password is counted and stays counted */
	j->rc = auth_password_confirm(s, j->auth, &j->ses, j->password, j->now, &j->e);
	explicit_bzero(j->password, sizeof j->password);
	if (j->rc == ERR_AUTH) {
		struct err ae;
		if (close_audit(s, j, AUDIT_R_FAILED, &ae))
			log_error("audit append failed", "action", CLOSE_AUDIT, "detail", ae.detail);
		goto out;
	}
	if (j->rc)
		goto out;
	/* all or nothing: the account, its registry link, every service's
	 * share, the audit record */
	struct auth_events ev = { 0 };
	if ((j->rc = store_begin(s, &j->e)))
		goto out;
	j->rc = auth_resident_close(s, tenant, id, j->now, &ev, &j->e);
	if (j->rc == 0)
		j->rc = registry_unlink(s, tenant, id, &j->e);
	if (j->rc == 0)
		j->rc = svc_account_closed(s, tenant, id, j->now, &j->e);
	if (j->rc == 0)
		j->rc = close_audit(s, j, AUDIT_R_OK, &j->e);
	if (j->rc == 0)
		j->rc = store_commit(s, &j->e);
	else
		store_rollback(s);
out:
	explicit_bzero(j->password, sizeof j->password);
}

static int close_done(struct http_req *r, void *arg)
{
	struct close_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	if (j->rc == ERR_AUTH)
		return render_close(r, 401, html_t(l, "close.wrong_password"));
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	/* every session of the account is gone with it: the cookie too */
	http_set_cookie(r, APP_SESSION_COOKIE, "", 0);
	return http_redirect(r, 303, "/resident/closed");
}

int page_resident_close(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct close_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit,
			       .ses = q->ses, .now = app_now() };
	app_actor_of(&j.actor, r);
	const char *pw = http_param(r, "password");
	snprintf(j.password, sizeof j.password, "%s", pw ? pw : "");
	int rc = http_defer(r, close_work, close_done, &j, sizeof j);
	explicit_bzero(&j, sizeof j);
	return rc;
}

/* after the closure: no session, a page anyone may see (it names nobody) */
int page_resident_closed(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "close.done.title"), NULL, NULL);
	html_printf(&b, "<p id=\"close-done\" role=\"status\">%s</p><p>%s</p><p><a href=\"/\">%s</a></p>",
		    html_t(l, "close.done.body"), html_t(l, "close.done.kept"), html_t(l, "close.done.home"));
	return app_page_send(r, 200, &b, &p);
}
