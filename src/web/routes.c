/*
 * routes.c -- the shell's own URLs (home, health, login, accounts, staff
 * and roles, resident accounts and their e-mail, closing one): method, pattern,
 * permission, kind, declared parameters.  Each service declares its own
 * next to its handlers (src/svc/<name>/web/routes.c) and the server joins
 * them at start (app_routes, svc.c).  The HTTP layer enforces all of it
 * before a handler runs (see src/http/http.h).  `madoguchi routes --json`
 * prints the joined table; tests/security builds its attack suite from it.
 */
#include "web/app.h"
#include "web/app_mail.h"
#include "web/params.h"
#include "core/registry/registry.h"

#include <string.h>

static int v_login(const char *v, size_t n)
{
	if (n == 0 || n > AUTH_LOGIN_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return ERR_INVALID;
	}
	return 0;
}

static int v_role(const char *v, size_t n)
{
	if (n == 0 || n > AUTH_ROLE_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

/* --- mail: the outbox (page_outbox.c) --- */
static int v_mail_state(const char *v, size_t n)
{
	return n == 0 || (n <= 7 && mail_state_parse(v)) ? 0 : ERR_INVALID;   /* "bounced" */
}
static const struct http_param_spec p_outbox[] = {
	{ "state", HTTP_QUERY, 7, v_mail_state, 0 },
	{ "page", HTTP_QUERY, 5, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static const struct http_param_spec p_search[] = {
	{ "q", HTTP_QUERY, 200, NULL, 0 },
	{ "type", HTTP_QUERY, 16, app_v_code, 0 },   /* a group; another: every group */
	{ "page", HTTP_QUERY, 4, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static int v_person(const char *v, size_t n)
{
	if (n == 0 || n > REGISTRY_CODE_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}
static int v_delivery(const char *v, size_t n)
{
	return (n == 7 && memcmp(v, "counter", 7) == 0) || (n == 6 && memcmp(v, "letter", 6) == 0) ?
	       0 : ERR_INVALID;
}
static const struct http_param_spec p_reg_find[] = {
	{ "q", HTTP_QUERY, 100, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_reg_code[] = {
	{ "person", HTTP_FORM, REGISTRY_CODE_MAX, v_person, 1 },
	{ "delivery", HTTP_FORM, 8, v_delivery, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_reg_link_q[] = {
	{ "linked", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_reg_link[] = {
	{ "code", HTTP_FORM, 32, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_lang[] = {
	{ "to", HTTP_QUERY, 16, app_v_lang, 1 },
	{ "next", HTTP_QUERY, 512, app_v_local_path, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_login[] = {
	{ "login", HTTP_FORM, AUTH_LOGIN_MAX, v_login, 0 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 0 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_login_form[] = {
	{ "expired", HTTP_QUERY, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_code[] = {
	{ "code", HTTP_FORM, 32, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* enrolment; replacing a second factor also asks for the password and a
 * current code (TOTP or recovery code) */
static const struct http_param_spec p_enrol[] = {
	{ "code", HTTP_FORM, 32, NULL, 0 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 0 },
	{ "current", HTTP_FORM, 32, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static int v_email_opt(const char *v, size_t n)
{
	return n == 0 ? 0 : app_v_email(v, n);
}
static const struct http_param_spec p_user_add[] = {
	{ "login", HTTP_FORM, AUTH_LOGIN_MAX, v_login, 1 },
	{ "display_name", HTTP_FORM, AUTH_NAME_MAX, NULL, 1 },
	{ "role", HTTP_FORM, AUTH_ROLE_MAX, v_role, 1 },
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, v_email_opt, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_account_email[] = {
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, v_email_opt, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_newpw[] = {
	{ "new", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static int v_perm(const char *v, size_t n)
{
	if (n == 0 || n > AUTH_PERM_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '.'))
			return ERR_INVALID;
	return 0;
}

static const struct http_param_spec p_role_create[] = {
	{ "name", HTTP_FORM, AUTH_ROLE_MAX, v_role, 1 },
	{ "description", HTTP_FORM, AUTH_ROLE_DESC_MAX, NULL, 0 },
	{ "needs_mfa", HTTP_FORM, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_perm_add[] = {
	{ "role", HTTP_FORM, AUTH_ROLE_MAX, v_role, 1 },
	{ "permission", HTTP_FORM, AUTH_PERM_MAX, v_perm, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_perm_remove[] = {
	{ "name", HTTP_PATH, AUTH_ROLE_MAX, v_role, 1 },
	{ "permission", HTTP_FORM, AUTH_PERM_MAX, v_perm, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_grant[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, 1 },
	{ "role", HTTP_FORM, AUTH_ROLE_MAX, v_role, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_password[] = {
	{ "current", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ "new", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_resident[] = {
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, app_v_email, 1 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the login: where to go back after it (a local path only) */
static const struct http_param_spec p_resident_login[] = {
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, app_v_email, 1 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ "next", HTTP_FORM, APP_NEXT_MAX, app_v_local_path, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_resident_login_form[] = {
	{ "next", HTTP_QUERY, APP_NEXT_MAX, app_v_local_path, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* closing the account: the current password (page_resident_close.c) */
static const struct http_param_spec p_close[] = {
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* --- mail: resident e-mail verification and password reset (page_resident_email.c) --- */
static int v_email_token(const char *v, size_t n)
{
	if (n != AUTH_EMAIL_TOKEN_HEX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_token_q[] = {
	{ "token", HTTP_QUERY, AUTH_EMAIL_TOKEN_HEX, v_email_token, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_token_f[] = {
	{ "token", HTTP_FORM, AUTH_EMAIL_TOKEN_HEX, v_email_token, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_reset_request[] = {
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, app_v_email, 1 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_reset_confirm[] = {
	{ "token", HTTP_FORM, AUTH_EMAIL_TOKEN_HEX, v_email_token, 1 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* --- end mail --- */

const struct http_route app_shell_routes[] = {
	{ "GET", "/", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_CACHEABLE, NULL, page_home, "home" },
	{ "GET", "/lang", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_lang, page_lang, "lang" },
	{ "GET", "/search", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_search, page_search, "search" },
	{ "GET", "/help", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_help, "help" },
	{ "GET", "/staff/registry", AUTH_PERM_PERSONAL_READ, HTTP_KIND_HTML, 0, p_reg_find, page_staff_registry, "staff.registry" },
	{ "POST", "/staff/registry/code", AUTH_PERM_PERSONAL_WRITE, HTTP_KIND_HTML, 0, p_reg_code, page_staff_registry_code, "staff.registry.code" },
	{ "GET", "/mypage/registry", "resident", HTTP_KIND_HTML, 0, p_reg_link_q, page_mypage_registry, "mypage.registry" },
	{ "POST", "/mypage/registry", "resident", HTTP_KIND_HTML, 0, p_reg_link, page_mypage_registry_post, "mypage.registry.post" },
	{ "GET", "/healthz", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_NO_TENANT, NULL, page_healthz, "healthz" },
	{ "GET", "/readyz", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_NO_TENANT, NULL, page_readyz, "readyz" },
	{ "GET", "/metrics", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_NO_TENANT, NULL, page_metrics, "metrics" },
	{ "GET", "/api/v1/municipality", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, NULL, api_municipality, "api.municipality" },
	{ "GET", "/login", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_login_form, page_login_form, "login" },
	{ "POST", "/login", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_login, page_login_post, "login.post" },
	{ "GET", "/login/code", "pending", HTTP_KIND_HTML, 0, NULL, page_totp_form, "login.code" },
	{ "POST", "/login/code", "pending", HTTP_KIND_HTML, 0, p_code, page_totp_post, "login.code.post" },
	{ "GET", "/account/totp", "enrol", HTTP_KIND_HTML, 0, NULL, page_enrol_form, "enrol" },
	{ "POST", "/account/totp", "enrol", HTTP_KIND_HTML, 0, p_enrol, page_enrol_post, "enrol.post" },
	{ "POST", "/account/totp/restart", "enrol", HTTP_KIND_HTML, 0, NULL, page_enrol_restart, "enrol.restart" },
	{ "GET", "/login/password", "newpassword", HTTP_KIND_HTML, 0, NULL, page_newpw_form, "login.newpw" },
	{ "POST", "/login/password", "newpassword", HTTP_KIND_HTML, 0, p_newpw, page_newpw_post, "login.newpw.post" },
	{ "GET", "/resident/login", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_resident_login_form, page_resident_login_form, "resident.login" },
	{ "POST", "/resident/login", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_resident_login, page_resident_login, "resident.login.post" },
	{ "GET", "/resident/register", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_resident_register_form, "resident.register" },
	{ "POST", "/resident/register", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_resident, page_resident_register, "resident.register.post" },
	{ "GET", "/mypage", "resident", HTTP_KIND_HTML, 0, NULL, page_mypage, "mypage" },
	{ "POST", "/resident/logout", "resident", HTTP_KIND_HTML, 0, NULL, page_resident_logout, "resident.logout" },
	{ "GET", "/mypage/close", "resident", HTTP_KIND_HTML, 0, NULL, page_resident_close_form, "mypage.close" },
	{ "POST", "/mypage/close", "resident", HTTP_KIND_HTML, 0, p_close, page_resident_close, "mypage.close.post" },
	{ "GET", "/resident/closed", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_resident_closed, "resident.closed" },
	{ "POST", "/logout", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, NULL, page_logout, "logout" },
	{ "GET", "/account", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, NULL, page_account, "account" },
	{ "POST", "/account/sessions/{id}/end", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, app_p_id, page_account_session_end, "account.session.end" },
	{ "POST", "/account/password", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, p_password, page_account_password, "account.password" },
	{ "POST", "/account/email", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, p_account_email, page_account_email, "account.email" },
	{ "GET", "/staff", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, NULL, page_staff_home, "staff" },
	{ "GET", "/staff/users", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, NULL, page_users, "staff.users" },
	{ "POST", "/staff/users", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, p_user_add, page_users_add, "staff.users.add" },
	{ "POST", "/staff/users/{id}/disable", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, app_p_id, page_users_disable, "staff.users.disable" },
	{ "POST", "/staff/users/{id}/reset", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, app_p_id, page_users_reset, "staff.users.reset" },
	{ "GET", "/staff/roles", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_roles, "staff.roles" },
	{ "POST", "/staff/roles", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_role_create, page_roles_create, "staff.roles.create" },
	{ "POST", "/staff/roles/permissions", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_perm_add, page_roles_perm_add, "staff.roles.perm.add" },
	{ "POST", "/staff/roles/{name}/permissions/remove", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_perm_remove, page_roles_perm_remove, "staff.roles.perm.remove" },
	{ "POST", "/staff/users/{id}/roles", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_grant, page_users_grant, "staff.users.grant" },
	{ "POST", "/staff/users/{id}/roles/revoke", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_grant, page_users_revoke, "staff.users.revoke" },
	{ "GET", "/staff/jobs", AUTH_PERM_JOBS_READ, HTTP_KIND_HTML, 0, NULL, page_jobs, "staff.jobs" },
	{ "GET", "/staff/outbox", AUTH_PERM_MAIL_READ, HTTP_KIND_HTML, 0, p_outbox, page_outbox, "staff.outbox" },
	{ "GET", "/staff/outbox/{id}", AUTH_PERM_MAIL_READ, HTTP_KIND_HTML, 0, app_p_id, page_outbox_view, "staff.outbox.view" },
	{ "GET", "/api/v1/me", HTTP_PERM_SESSION, HTTP_KIND_JSON, 0, NULL, api_me, "api.me" },
	{ "GET", "/resident/verify", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_token_q, page_resident_verify_form, "resident.verify" },
	{ "POST", "/resident/verify", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_token_f, page_resident_verify, "resident.verify.post" },
	{ "POST", "/resident/verify/resend", "resident", HTTP_KIND_HTML, 0, NULL, page_resident_verify_resend, "resident.verify.resend" },
	{ "GET", "/resident/reset", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_resident_reset_form, "resident.reset" },
	{ "POST", "/resident/reset", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_reset_request, page_resident_reset_request, "resident.reset.post" },
	{ "GET", "/resident/reset/confirm", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_token_q, page_resident_reset_confirm_form, "resident.reset.confirm" },
	{ "POST", "/resident/reset/confirm", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_reset_confirm, page_resident_reset_confirm, "resident.reset.confirm.post" },
};

const int app_shell_nroutes = (int)(sizeof app_shell_routes / sizeof app_shell_routes[0]);
