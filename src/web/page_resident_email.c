/*
 * page_resident_email.c -- e-mail for resident accounts: the address is
 * confirmed by a link mailed at registration (resendable from my page),
 * and a forgotten password is reset through a link mailed on request.
 *
 *   GET  /resident/verify?token=T         a page with a confirm button
 *   POST /resident/verify                 token: confirm (single use)
 *   POST /resident/verify/resend          logged in: mail a new link
 *   GET  /resident/reset                  the form asking for the address
 *   POST /resident/reset                  mail a link if there is an account
 *   GET  /resident/reset/confirm?token=T  the form for a new password
 *   POST /resident/reset/confirm          token + password: set it
 *
 * A registration of an address that has an account already mails that
 * address (app_resident_register_taken_send: someone tried to register;
 * a reset link), so the registration page can answer the same for a
 * taken address as for a new one.
 *
 * Invariants: following a link never changes anything (mail scanners
 * fetch links): a GET only shows a form, the POST acts.  The token in the
 * form is the proof (a forged cross-site POST cannot know it).  The reset
 * request answers the same whether or not the address has an account
 * (no account enumeration), and at most one reset mail per account per
 * AUTH_RESET_INTERVAL.  Links are built from --public-url (or the
 * municipality's configured host, or the listen address with its port:
 * app_mail_link_base), never from the request's Host header
 * (which an attacker chooses: "reset poisoning").  Mail is the
 * municipality's message template (auth.email_verify, auth.password_reset,
 * auth.email_taken of svc/notify, through app_mail_template) in the
 * page's language, queued in the outbox (src/core/mail) in the same
 * transaction as its token.  The log and the
 * audit trail get resident ids, never addresses or tokens.
 */
#include "web/app_mail.h"
#include "web/svc.h"
#include "web/ui.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* ---- mail ------------------------------------------------------------ */

/* what a mailed link is for: the address's confirmation, a password
 * reset asked for, or a registration of an address that has an account
 * already (a reset link, so its owner can get in; the reset token's limit,
 * one per AUTH_RESET_INTERVAL, keeps repeated registrations from flooding
 * the address) */
enum link_kind { LINK_VERIFY, LINK_RESET, LINK_TAKEN };

/* A link to mail: to which account and address, what for, and in
 * which language the page was (ja, en or やさしい日本語: the mail is). */
struct link_mail {
	int64_t resident_id;
	const char *email;
	enum link_kind kind;
	enum html_lang lang;
};

/* token and mail in one transaction: both or neither.  The text is the
 * municipality's message template (svc/notify through app_mail_template:
 * auth.email_verify, auth.password_reset, auth.email_taken; staff edit it
 * at /staff/notify/templates) in the page's language; this file gives
 * the values (the municipality's name, the link), never the wording.
 * These are sent whatever the resident's subscriptions: they are the
 * account's own business, not a notice. */
static int send_link(struct store *s, const struct app *a, const struct tenant *t,
		     const struct link_mail *m, struct err *e)
{
	static const char *const template_ids[] = { "auth.email_verify", "auth.password_reset",
						    "auth.email_taken" };
	enum link_kind k = m->kind;
	enum auth_email_purpose p = k == LINK_VERIFY ? AUTH_EMAIL_VERIFY : AUTH_EMAIL_RESET;
	char base[600];
	int rc = app_mail_link_base(base, sizeof base, a, t);
	if (rc)
		return err_set(e, rc, "public URL too long");
	int64_t now = app_now();
	if ((rc = store_begin(s, e)))
		return rc;
	char token[AUTH_EMAIL_TOKEN_HEX + 1], url[sizeof base + 64 + sizeof token];
	rc = auth_email_token_new(token, s, t->code, m->resident_id, p, now, e);
	if (rc == 0) {
		snprintf(url, sizeof url, "%s/resident/%s?token=%s", base,
			 k == LINK_VERIFY ? "verify" : "reset/confirm", token);
		const struct svc_mail_value vals[] = {
			{ "ward", m->lang == HTML_EN && t->name_en[0] ? t->name_en : t->name_ja },
			{ "url", url },
		};
		rc = app_mail_template(s, t->code, template_ids[k], m->lang, m->email, vals, 2, e);
	}
	explicit_bzero(token, sizeof token);
	explicit_bzero(url, sizeof url);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* a link of kind k to the address on the account, as stored (not as
 * typed); only_active: not to a disabled account */
static int send_to_account(struct http_req *r, int64_t resident_id, enum link_kind k,
			   int only_active, struct err *e)
{
	struct app_req *q = app_req(r);
	char email[AUTH_EMAIL_MAX + 1];
	int active = 0;
	int rc = auth_resident_get(email, &active, app_store(r), q->tenant.code, resident_id, e);
	if (rc == 0 && only_active && !active)
		rc = err_set(e, ERR_NOTFOUND, "resident disabled");
	if (rc == 0)
		rc = send_link(app_store(r), app_of(r), &q->tenant,
			       &(struct link_mail){ .resident_id = resident_id, .email = email,
						    .kind = k, .lang = q->lang },
			       e);
	explicit_bzero(email, sizeof email);
	return rc;
}

int app_resident_verify_send(struct http_req *r, int64_t resident_id)
{
	struct err e;
	err_clear(&e);
	int rc = send_to_account(r, resident_id, LINK_VERIFY, 0, &e);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)resident_id);
	if (rc)
		log_warn("verification mail not queued", "resident", id, "detail", e.detail);
	else
		log_info("verification mail queued", "resident", id);
	return rc;
}

int app_resident_register_taken_send(struct http_req *r, int64_t resident_id)
{
	struct err e;
	err_clear(&e);
	int rc = send_to_account(r, resident_id, LINK_TAKEN, 1, &e);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)resident_id);
	if (rc == ERR_LIMIT)
		log_info("registration-attempt mail not sent: one was sent moments ago", "resident", id);
	else if (rc)
		log_warn("registration-attempt mail not queued", "resident", id, "detail", e.detail);
	else
		log_info("registration-attempt mail queued", "resident", id);
	return rc;
}

/* ---- pages ---------------------------------------------------------------- */

static int message_page(struct http_req *r, int status, const char *title_id,
			const char *text_id, const char *link, const char *link_id)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, title_id), NULL, NULL);
	html_printf(&b, "<p>%s</p>", html_t(l, text_id));
	if (link)
		html_printf(&b, "<p><a href=\"%s\">%s</a></p>", link, html_t(l, link_id));
	return app_page_send(r, status, &b, &p);
}

static int bad_link(struct http_req *r)
{
	return message_page(r, 404, "mailv.bad_link_title", "mailv.bad_link", "/resident/reset",
			    "reset.title");
}

int page_resident_verify_form(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *token = http_param(r, "token");
	int64_t id;
	struct err e;
	int rc = auth_email_token_check(&id, app_store(r),
					&(struct auth_email_token_in){ .tenant = q->tenant.code,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = token },
					app_now(), &e);
	if (rc == ERR_NOTFOUND)
		return bad_link(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	enum html_lang l = q->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "mailv.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p><form method=\"post\" action=\"/resident/verify\" class=\"form\">"
		    "<input type=\"hidden\" name=\"token\" value=\"%s\">"
		    "<button type=\"submit\" class=\"button\">%s</button></form>",
		    html_t(l, "mailv.lead"), token, html_t(l, "mailv.submit"));
	return app_page_send(r, 200, &b, &p);
}

int page_resident_verify(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	struct err e;
	int rc = auth_email_token_check(&id, app_store(r),
					&(struct auth_email_token_in){ .tenant = q->tenant.code,
								       .purpose = AUTH_EMAIL_VERIFY,
								       .token = http_param(r, "token"),
								       .use = 1 },
					app_now(), &e);
	if (rc == ERR_NOTFOUND)
		return bad_link(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)id);
	app_audit(r, AUDIT_A_WRITE, "resident.email_verified", obj, AUDIT_R_OK);
	return message_page(r, 200, "mailv.title", "mailv.done", "/mypage", "resident.mypage");
}

int page_resident_verify_resend(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int rc = app_resident_verify_send(r, q->ses.account_id);
	if (rc == ERR_LIMIT)
		return message_page(r, 429, "mailv.title", "mailv.wait", "/mypage", "resident.mypage");
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "verification mail not queued");
	return message_page(r, 200, "mailv.title", "mailv.resent", "/mypage", "resident.mypage");
}

static int reset_request_form(struct http_req *r, int status, const char *error)
{
	enum html_lang l = app_req(r)->lang;
	char pre[33];
	if (random_token(pre, 16))
		return ERR_IO;
	http_set_cookie(r, APP_PRELOGIN_COOKIE, pre, 1800);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "reset.title"), "email", error);
	html_printf(&b, "<p id=\"reset-lead\">%s</p>"
		    "<form method=\"post\" action=\"/resident/reset\" class=\"form\">"
		    "<input type=\"hidden\" name=\"pre\" value=\"%s\">",
		    html_t(l, "reset.lead"), pre);
	struct ui_field f = {
		.name = "email", .id = "email", .label = html_t(l, "resident.email"), .type = "email",
		.autocomplete = "email", .maxlength = AUTH_EMAIL_MAX, .html_required = 1,
		.describedby = "reset-lead", .invalid = error != NULL, .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>",
		    html_t(l, "reset.submit"));
	return app_page_send(r, status, &b, &p);
}

int page_resident_reset_form(struct http_req *r)
{
	return reset_request_form(r, 200, NULL);
}

int page_resident_reset_request(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *pre = http_param(r, "pre"), *cookie = http_cookie(r, APP_PRELOGIN_COOKIE);
	if (!pre || !cookie || strlen(pre) != strlen(cookie) || !ct_equal(pre, cookie, strlen(pre)))
		return app_send_error(r, ERR_DENIED, "resident.form_expired", "reset form csrf mismatch");
	int64_t id = 0;
	struct err e;
	err_clear(&e);
	int rc = auth_resident_find(&id, app_store(r), q->tenant.code, http_param(r, "email"), &e);
	if (rc == 0) {
		rc = send_to_account(r, id, LINK_RESET, 0, &e);
		char obj[24];
		snprintf(obj, sizeof obj, "%lld", (long long)id);
		if (rc == ERR_LIMIT)
			log_info("password reset mail not sent: one was sent moments ago", "resident", obj);
		else if (rc)
			log_warn("password reset mail not queued", "resident", obj, "detail", e.detail);
		else
			app_audit(r, AUDIT_A_WRITE, "resident.password_reset_requested", obj, AUDIT_R_OK);
	} else if (rc != ERR_NOTFOUND) {
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	http_set_cookie(r, APP_PRELOGIN_COOKIE, "", 0);
	/* the same answer whether or not there is an account */
	return message_page(r, 200, "reset.title", "reset.sent", "/resident/login", "resident.login");
}

static int reset_password_form(struct http_req *r, int status, const char *token,
			       const char *error)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "reset.title"), "password", error);
	html_printf(&b, "<form method=\"post\" action=\"/resident/reset/confirm\" class=\"form\">"
		    "<input type=\"hidden\" name=\"token\" value=\"%s\">", token);
	struct ui_field f = {
		.name = "password", .id = "password", .label = html_t(l, "reset.new_password"),
		.hint = html_t(l, "account.password_hint"), .type = "password",
		.autocomplete = "new-password", .minlength = AUTH_PASSWORD_MIN,
		.maxlength = AUTH_PASSWORD_MAX, .html_required = 1, .error = error, .lang = l,
	};
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>",
		    html_t(l, "reset.confirm_submit"));
	return app_page_send(r, status, &b, &p);
}

int page_resident_reset_confirm_form(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *token = http_param(r, "token");
	int64_t id;
	struct err e;
	int rc = auth_email_token_check(&id, app_store(r),
					&(struct auth_email_token_in){ .tenant = q->tenant.code,
								       .purpose = AUTH_EMAIL_RESET,
								       .token = token },
					app_now(), &e);
	if (rc == ERR_NOTFOUND)
		return bad_link(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return reset_password_form(r, 200, token, NULL);
}

struct reset_job {
	const struct auth_config *auth;
	const struct audit_config *audit;
	char tenant[AUTH_TENANT_LEN + 1];
	char token[AUTH_EMAIL_TOKEN_HEX + 1];
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	char source[AUTH_SOURCE_MAX + 1];
	int64_t now, id;
	int rc;
	struct err e;
};

static void reset_work(void *arg, void *pool_ctx)
{
	struct reset_job *j = arg;
	struct app_thread *t = pool_ctx;
	char email[AUTH_EMAIL_MAX + 1] = "";
	int active = 0;
	if (!t) {
		j->rc = err_set(&j->e, ERR_UNAVAILABLE, "no database connection in the pool");
		goto out;
	}
	/* the policy first: a refused password leaves the link usable */
	j->rc = auth_email_token_check(&j->id, t->store,
				       &(struct auth_email_token_in){ .tenant = j->tenant,
								      .purpose = AUTH_EMAIL_RESET,
								      .token = j->token },
				       j->now, &j->e);
	if (j->rc == 0)
		j->rc = auth_resident_get(email, &active, t->store, j->tenant, j->id, &j->e);
	if (j->rc == 0 && !active)
		j->rc = err_set(&j->e, ERR_NOTFOUND, "resident disabled");
	if (j->rc == 0)
		j->rc = auth_password_check(NULL, j->auth, j->password, email, &j->e);
	if (j->rc)
		goto out;
	int64_t used = 0;
	j->rc = auth_email_token_check(&used, t->store,
				       &(struct auth_email_token_in){ .tenant = j->tenant,
								      .purpose = AUTH_EMAIL_RESET,
								      .token = j->token, .use = 1 },
				       j->now, &j->e);
	if (j->rc == 0 && used != j->id)
		j->rc = err_set(&j->e, ERR_INTERNAL, "token changed hands");
	if (j->rc == 0)
		j->rc = auth_resident_set_password(t->store, j->auth, j->tenant, j->id, j->password,
						   j->now, &j->e);
	struct app_actor a = { .id = j->id };
	snprintf(a.tenant, sizeof a.tenant, "%s", j->tenant);
	snprintf(a.source, sizeof a.source, "%s", j->source);
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)j->id);
	struct err ae;
	app_audit_as(t->store, j->audit, &a,
		     &(struct app_audit_entry){ .action = AUDIT_A_WRITE,
						.object_type = "resident.password_reset",
						.object_id = obj,
						.result = j->rc == 0 ? AUDIT_R_OK : AUDIT_R_ERROR },
		     &ae);
out:
	explicit_bzero(email, sizeof email);
	explicit_bzero(j->password, sizeof j->password);
}

static int reset_done(struct http_req *r, void *arg)
{
	struct reset_job *j = arg;
	enum html_lang l = app_req(r)->lang;
	int rc = j->rc;
	if (rc == ERR_NOTFOUND)
		return bad_link(r);
	if (rc == ERR_INVALID)
		return reset_password_form(r, 400, j->token, html_t(l, "reset.weak"));
	if (rc)
		return http_send_error(r, rc, NULL, NULL, j->e.detail);
	return message_page(r, 200, "reset.title", "reset.done", "/resident/login", "resident.login");
}

int page_resident_reset_confirm(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct reset_job j = { .auth = &app_of(r)->auth, .audit = &app_of(r)->audit, .now = app_now() };
	snprintf(j.tenant, sizeof j.tenant, "%s", q->tenant.code);
	snprintf(j.token, sizeof j.token, "%s", http_param(r, "token"));
	snprintf(j.password, sizeof j.password, "%s", http_param(r, "password"));
	snprintf(j.source, sizeof j.source, "%s", r->remote_addr);
	int rc = http_defer(r, reset_work, reset_done, &j, sizeof j);
	explicit_bzero(j.password, sizeof j.password);
	return rc;
}
