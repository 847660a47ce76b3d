/*
 * routes.c -- every URL of the server, in one table: method, pattern,
 * permission, kind, declared parameters.  The HTTP layer enforces all of
 * it before a handler runs (see src/http/http.h).  `madoguchi routes
 * --json` prints this table; tests/http builds its "every route as every
 * role and tenant" checks from that output.
 */
#include "web/app.h"

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

static int v_digits(const char *v, size_t n)
{
	if (n == 0 || n > 18)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

static int v_lang(const char *v, size_t n)
{
	(void)n;
	return html_lang_parse(v) >= 0 ? 0 : ERR_INVALID;
}

/* a local path only: nothing a browser could read as another origin
 * (see http_local_path_ok) */
static int v_local_path(const char *v, size_t n)
{
	return http_local_path_ok(v, n);
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

static const struct http_param_spec p_lang[] = {
	{ "to", HTTP_QUERY, 16, v_lang, 1 },
	{ "next", HTTP_QUERY, 512, v_local_path, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_login[] = {
	{ "login", HTTP_FORM, AUTH_LOGIN_MAX, v_login, 0 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 0 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_login_form[] = {
	{ "expired", HTTP_QUERY, 1, v_digits, 0 },
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
static const struct http_param_spec p_user_add[] = {
	{ "login", HTTP_FORM, AUTH_LOGIN_MAX, v_login, 1 },
	{ "display_name", HTTP_FORM, AUTH_NAME_MAX, NULL, 1 },
	{ "role", HTTP_FORM, AUTH_ROLE_MAX, v_role, 1 },
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
	{ "needs_mfa", HTTP_FORM, 1, v_digits, 0 },
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
	{ "id", HTTP_PATH, 18, v_digits, 1 },
	{ "role", HTTP_FORM, AUTH_ROLE_MAX, v_role, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_password[] = {
	{ "current", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ "new", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static int v_email(const char *v, size_t n)
{
	return n >= 3 && n <= AUTH_EMAIL_MAX && memchr(v, '@', n) ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_resident[] = {
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, v_email, 1 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_id[] = {
	{ "id", HTTP_PATH, 18, v_digits, 1 },
	{ NULL, 0, 0, NULL, 0 },
};

/* open data (page_opendata.c): CKAN's parameters are checked by the
 * handlers, which answer in CKAN's error format; here only lengths */
static int v_od_name(const char *v, size_t n)
{
	if (n == 0 || n > 120)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '-' || v[i] == '_' || v[i] == '.'))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_ckan[] = {
	{ "action", HTTP_PATH, 100, NULL, 1 },
	{ "id", HTTP_QUERY, 200, NULL, 0 },
	{ "q", HTTP_QUERY, 1000, NULL, 0 },
	{ "fq", HTTP_QUERY, 1000, NULL, 0 },
	{ "rows", HTTP_QUERY, 20, NULL, 0 },
	{ "start", HTTP_QUERY, 20, NULL, 0 },
	{ "sort", HTTP_QUERY, 200, NULL, 0 },
	{ "facet", HTTP_QUERY, 10, NULL, 0 },
	{ "facet.field", HTTP_QUERY, 1000, NULL, 0 },
	{ "facet.limit", HTTP_QUERY, 20, NULL, 0 },
	{ "limit", HTTP_QUERY, 20, NULL, 0 },
	{ "offset", HTTP_QUERY, 20, NULL, 0 },
	{ "all_fields", HTTP_QUERY, 10, NULL, 0 },
	{ "include_datasets", HTTP_QUERY, 10, NULL, 0 },
	{ "include_dataset_count", HTTP_QUERY, 10, NULL, 0 },
	{ "use_default_schema", HTTP_QUERY, 10, NULL, 0 },
	{ "include_plugin_data", HTTP_QUERY, 10, NULL, 0 },
	{ "query", HTTP_QUERY, 200, NULL, 0 },
	{ "name", HTTP_QUERY, 100, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_search[] = {
	{ "q", HTTP_QUERY, 400, NULL, 0 },
	{ "organization", HTTP_QUERY, 100, NULL, 0 },
	{ "groups", HTTP_QUERY, 100, NULL, 0 },
	{ "tags", HTTP_QUERY, 200, NULL, 0 },
	{ "res_format", HTTP_QUERY, 20, NULL, 0 },
	{ "license_id", HTTP_QUERY, 50, NULL, 0 },
	{ "page", HTTP_QUERY, 3, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_dataset[] = {
	{ "name", HTTP_PATH, 120, v_od_name, 1 },
	{ "resource", HTTP_QUERY, 36, NULL, 0 },
	{ "page", HTTP_QUERY, 6, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_catalog[] = {
	{ "page", HTTP_QUERY, 6, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_od_download[] = {
	{ "name", HTTP_PATH, 100, v_od_name, 1 },
	{ "rid", HTTP_PATH, 36, NULL, 1 },
	{ "version", HTTP_QUERY, 9, NULL, 0 },
	{ "excel", HTTP_QUERY, 1, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* --- mail: resident e-mail verification and password reset (page_resident_email.c) --- */
#include "web/app_mail.h"
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
	{ "email", HTTP_FORM, AUTH_EMAIL_MAX, v_email, 1 },
	{ "pre", HTTP_FORM, 64, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_reset_confirm[] = {
	{ "token", HTTP_FORM, AUTH_EMAIL_TOKEN_HEX, v_email_token, 1 },
	{ "password", HTTP_FORM, AUTH_PASSWORD_MAX_BYTES, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* --- end mail --- */

/* --- resident applications (page_apply.c) --- */
int apply_receipt_check(const char *s);  /* apply/apply.h */
#define ROUTES_PROC_MAX 64               /* FORMS_ID_MAX    */
#define ROUTES_RECEIPT_LEN 20            /* APPLY_RECEIPT_LEN */
static int v_proc_code(const char *v, size_t n)
{
	if (n == 0 || n > ROUTES_PROC_MAX || !(v[0] >= 'a' && v[0] <= 'z'))
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}
static int v_receipt(const char *v, size_t n)
{
	return n == ROUTES_RECEIPT_LEN && apply_receipt_check(v) == 0 ? 0 : ERR_INVALID;
}
static int v_sha256(const char *v, size_t n)
{
	if (n != 64)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_procedures[] = {
	{ "q", HTTP_QUERY, 200, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_proc_code[] = {
	{ "code", HTTP_PATH, ROUTES_PROC_MAX, v_proc_code, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* a draft's page: the answers are the definition's own fields, read by
 * the handler from the body (page_form.h states their limits) */
static const struct http_param_spec p_draft_page[] = {
	{ "id", HTTP_PATH, 18, v_digits, 1 },
	{ "n", HTTP_PATH, 3, v_digits, 1 },
	{ "check", HTTP_QUERY, 1, v_digits, 0 },   /* show the page's errors */
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_receipt[] = {
	{ "receipt", HTTP_PATH, ROUTES_RECEIPT_LEN, v_receipt, 1 },
	{ "new", HTTP_QUERY, 1, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_withdraw[] = {
	{ "receipt", HTTP_PATH, ROUTES_RECEIPT_LEN, v_receipt, 1 },
	{ "confirm", HTTP_FORM, 1, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_file[] = {
	{ "sha256", HTTP_PATH, 64, v_sha256, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_my_apps[] = {
	{ "saved", HTTP_QUERY, 1, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

/* --- api (api_apply.c): parameters of the applications API --- */
static int v_api_code(const char *v, size_t n)
{
	if (n == 0 || n > 64)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '-' || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}
static int v_api_receipt(const char *v, size_t n)
{
	if (n != 20)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}
static int v_api_date(const char *v, size_t n)
{
	if (n != 10 || v[4] != '-' || v[7] != '-')
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return ERR_INVALID;
	return 0;
}
static int v_api_01(const char *v, size_t n)
{
	return n == 1 && (v[0] == '0' || v[0] == '1') ? 0 : ERR_INVALID;
}
static int v_api_assignee(const char *v, size_t n)
{
	if ((n == 4 && memcmp(v, "none", 4) == 0) || (n == 2 && memcmp(v, "me", 2) == 0))
		return 0;
	return v_digits(v, n);
}
static const struct http_param_spec p_api_proc[] = {
	{ "code", HTTP_PATH, 64, v_api_code, 1 },
	{ "version", HTTP_QUERY, 9, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* a whole submission in one request: the code only (the body, multipart
 * or JSON, is read by the handler, which answers every error in JSON;
 * HTTP_KIND_TEXT as the upload, since a JSON route takes JSON bodies
 * only) */
static const struct http_param_spec p_api_proc_submit[] = {
	{ "code", HTTP_PATH, 64, v_api_code, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the upload answers every error in JSON from its handler: its
 * parameters are checked there (a router 400 would be an HTML page) */
static const struct http_param_spec p_api_upload[] = {
	{ "id", HTTP_PATH, 64, NULL, 1 },
	{ "field", HTTP_PATH, 128, NULL, 1 },
	{ "name", HTTP_QUERY, 1024, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api_my[] = {
	{ "limit", HTTP_QUERY, 3, v_digits, 0 },
	{ "cursor", HTTP_QUERY, 18, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api_list[] = {
	{ "department", HTTP_QUERY, 64, v_api_code, 0 },
	{ "procedure", HTTP_QUERY, 64, v_api_code, 0 },
	{ "status", HTTP_QUERY, 32, v_api_code, 0 },
	{ "from", HTTP_QUERY, 10, v_api_date, 0 },
	{ "to", HTTP_QUERY, 10, v_api_date, 0 },
	{ "assignee", HTTP_QUERY, 18, v_api_assignee, 0 },
	{ "overdue", HTTP_QUERY, 1, v_api_01, 0 },
	{ "duplicates", HTTP_QUERY, 1, v_api_01, 0 },
	{ "limit", HTTP_QUERY, 3, v_digits, 0 },
	{ "cursor", HTTP_QUERY, 18, v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api_receipt[] = {
	{ "receipt", HTTP_PATH, 20, v_api_receipt, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api_file[] = {
	{ "sha256", HTTP_PATH, 64, NULL, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* --- end api --- */
/* --- life events (page_lifeevent.c) --- */
static int v_event(const char *v, size_t n)
{
	if (n == 0 || n > 64 || v[0] < 'a' || v[0] > 'z')
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}
static int v_person_code(const char *v, size_t n)
{
	if (n > 32)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= 'A' && v[i] <= 'Z') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_event[] = {
	{ "event", HTTP_PATH, 64, v_event, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_counter_event[] = {
	{ "event", HTTP_PATH, 64, v_event, 1 },
	{ "person", HTTP_QUERY, 32, v_person_code, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bundle[] = {
	{ "id", HTTP_PATH, 18, v_digits, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the bundle's one signature (a .p7s: DER, PEM or base64 of at most
 * SIGN_CMS_MAX bytes of DER) */
static const struct http_param_spec p_bundle_submit[] = {
	{ "id", HTTP_PATH, 18, v_digits, 1 },
	{ "signature", HTTP_FILE, 96 * 1024, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route app_routes[] = {
	{ "GET", "/", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_CACHEABLE, NULL, page_home, "home" },
	{ "GET", "/lang", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_lang, page_lang, "lang" },
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
	{ "GET", "/resident/login", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_resident_login_form, "resident.login" },
	{ "POST", "/resident/login", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_resident, page_resident_login, "resident.login.post" },
	{ "GET", "/resident/register", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_resident_register_form, "resident.register" },
	{ "POST", "/resident/register", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_resident, page_resident_register, "resident.register.post" },
	{ "GET", "/mypage", "resident", HTTP_KIND_HTML, 0, NULL, page_mypage, "mypage" },
	{ "POST", "/resident/logout", "resident", HTTP_KIND_HTML, 0, NULL, page_resident_logout, "resident.logout" },
	{ "POST", "/logout", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, NULL, page_logout, "logout" },
	{ "GET", "/account", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, NULL, page_account, "account" },
	{ "POST", "/account/sessions/{id}/end", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, p_id, page_account_session_end, "account.session.end" },
	{ "POST", "/account/password", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, p_password, page_account_password, "account.password" },
	{ "GET", "/staff", HTTP_PERM_SESSION, HTTP_KIND_HTML, 0, NULL, page_staff_home, "staff" },
	{ "GET", "/staff/users", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, NULL, page_users, "staff.users" },
	{ "POST", "/staff/users", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, p_user_add, page_users_add, "staff.users.add" },
	{ "POST", "/staff/users/{id}/disable", AUTH_PERM_STAFF_MANAGE, HTTP_KIND_HTML, 0, p_id, page_users_disable, "staff.users.disable" },
	{ "GET", "/staff/roles", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_roles, "staff.roles" },
	{ "POST", "/staff/roles", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_role_create, page_roles_create, "staff.roles.create" },
	{ "POST", "/staff/roles/permissions", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_perm_add, page_roles_perm_add, "staff.roles.perm.add" },
	{ "POST", "/staff/roles/{name}/permissions/remove", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_perm_remove, page_roles_perm_remove, "staff.roles.perm.remove" },
	{ "POST", "/staff/users/{id}/roles", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_grant, page_users_grant, "staff.users.grant" },
	{ "POST", "/staff/users/{id}/roles/revoke", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, p_grant, page_users_revoke, "staff.users.revoke" },
	{ "GET", "/staff/jobs", AUTH_PERM_JOBS_READ, HTTP_KIND_HTML, 0, NULL, page_jobs, "staff.jobs" },
	{ "GET", "/api/v1/me", HTTP_PERM_SESSION, HTTP_KIND_JSON, 0, NULL, api_me, "api.me" },
	{ "GET", "/api/3", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, NULL, api_ckan_version, "ckan.version" },
	{ "GET", "/api/3/action/{action}", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_ckan, api_ckan, "ckan.action" },
	{ "GET", "/opendata", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_CACHEABLE, p_od_search, page_opendata_search, "opendata" },
	{ "GET", "/opendata/changes.atom", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, NULL, page_opendata_atom, "opendata.atom" },
	{ "GET", "/dataset/{name}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_CACHEABLE, p_od_dataset, page_dataset, "opendata.dataset" },
	{ "GET", "/dataset/{name}/resource/{rid}/download", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, p_od_download, page_opendata_download, "opendata.download" },
	{ "GET", "/catalog.ttl", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, p_od_catalog, page_catalog_ttl, "opendata.catalog.ttl" },
	{ "GET", "/catalog.jsonld", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, HTTP_ROUTE_CACHEABLE, p_od_catalog, page_catalog_jsonld, "opendata.catalog.jsonld" },
	/* --- inbox (page_inbox.c): staff back office of online applications --- */
	{ "GET", "/staff/inbox", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_HTML, 0, inbox_p_list, page_inbox, "staff.inbox" },
	{ "GET", "/staff/inbox/export.csv", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_TEXT, 0, inbox_p_csv, page_inbox_csv, "staff.inbox.csv" },
	{ "GET", "/staff/submissions/{id}", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_HTML, 0, inbox_p_submission, page_staff_submission, "staff.submission" },
	{ "GET", "/staff/submissions/{id}/history", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_HTML, 0, inbox_p_history, page_staff_submission_history, "staff.submission.history" },
	{ "GET", "/staff/submissions/{id}/files/{sha256}", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_TEXT, 0, inbox_p_file, page_staff_submission_file, "staff.submission.file" },
	{ "POST", "/staff/submissions/{id}/assign", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_assign, page_staff_submission_assign, "staff.submission.assign" },
	{ "POST", "/staff/submissions/{id}/comment", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_comment, page_staff_submission_comment, "staff.submission.comment" },
	{ "POST", "/staff/submissions/{id}/transition", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_transition, page_staff_submission_transition, "staff.submission.transition" },
	/* --- end inbox --- */
	/* --- mail: resident e-mail verification and password reset --- */
	{ "GET", "/resident/verify", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_token_q, page_resident_verify_form, "resident.verify" },
	{ "POST", "/resident/verify", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_token_f, page_resident_verify, "resident.verify.post" },
	{ "POST", "/resident/verify/resend", "resident", HTTP_KIND_HTML, 0, NULL, page_resident_verify_resend, "resident.verify.resend" },
	{ "GET", "/resident/reset", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_resident_reset_form, "resident.reset" },
	{ "POST", "/resident/reset", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_reset_request, page_resident_reset_request, "resident.reset.post" },
	{ "GET", "/resident/reset/confirm", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_token_q, page_resident_reset_confirm_form, "resident.reset.confirm" },
	{ "POST", "/resident/reset/confirm", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_reset_confirm, page_resident_reset_confirm, "resident.reset.confirm.post" },
	/* --- resident applications (page_apply.c) --- */
	{ "GET", "/procedures", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_procedures, page_procedures, "apply.procedures" },
	{ "GET", "/procedures/{code}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_proc_code, page_procedure, "apply.procedure" },
	{ "POST", "/procedures/{code}/start", "resident", HTTP_KIND_HTML, 0, p_proc_code, page_apply_start, "apply.start" },
	{ "GET", "/drafts/{id}/page/{n}", "resident", HTTP_KIND_HTML, 0, p_draft_page, page_draft_page, "apply.draft.page" },
	{ "POST", "/drafts/{id}/page/{n}", "resident", HTTP_KIND_HTML, 0, p_draft_page, page_draft_page_post, "apply.draft.page.post" },
	{ "POST", "/drafts/{id}/delete", "resident", HTTP_KIND_HTML, 0, p_id, page_draft_delete, "apply.draft.delete" },
	{ "GET", "/drafts/{id}/confirm", "resident", HTTP_KIND_HTML, 0, p_id, page_draft_confirm, "apply.draft.confirm" },
	{ "GET", "/drafts/{id}/canonical", "resident", HTTP_KIND_TEXT, 0, p_id, page_draft_canonical, "apply.draft.canonical" },
	{ "POST", "/drafts/{id}/submit", "resident", HTTP_KIND_HTML, 0, p_id, page_draft_submit, "apply.draft.submit" },
	{ "GET", "/submissions/{receipt}", "resident", HTTP_KIND_HTML, 0, p_receipt, page_submission, "apply.submission" },
	{ "GET", "/submissions/{receipt}/receipt.pdf", "resident", HTTP_KIND_TEXT, 0, p_receipt, page_submission_pdf, "apply.submission.pdf" },
	{ "GET", "/submissions/{receipt}/withdraw", "resident", HTTP_KIND_HTML, 0, p_receipt, page_submission_withdraw_form, "apply.submission.withdraw.form" },
	{ "POST", "/submissions/{receipt}/withdraw", "resident", HTTP_KIND_HTML, 0, p_withdraw, page_submission_withdraw, "apply.submission.withdraw" },
	{ "POST", "/submissions/{receipt}/correct", "resident", HTTP_KIND_HTML, 0, p_receipt, page_submission_correct, "apply.submission.correct" },
	{ "GET", "/files/{sha256}", "resident", HTTP_KIND_TEXT, 0, p_file, page_apply_file, "apply.file" },
	{ "GET", "/mypage/applications", "resident", HTTP_KIND_HTML, 0, p_my_apps, page_my_applications, "apply.mine" },
	/* --- procedure editor (page_procedures.c) --- */
	{ "GET", "/staff/procedures", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_staff_procedures, "staff.procedures" },
	{ "GET", "/staff/procedures/new", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_staff_procedure_new, "staff.procedures.new" },
	{ "GET", "/staff/procedures/{code}/edit", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_code, page_staff_procedure_edit, "staff.procedures.edit" },
	{ "POST", "/staff/procedures/check", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_def, page_staff_procedure_check, "staff.procedures.check" },
	{ "POST", "/staff/procedures/publish", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_def, page_staff_procedure_publish, "staff.procedures.publish" },
	{ "GET", "/staff/procedures/{code}/versions/{n}", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_version, page_staff_procedure_version, "staff.procedures.version" },
	/* --- open data: CKAN POST, staff publishing (page_opendata.c, page_staff_opendata.c) --- */
	{ "POST", "/api/3/action/{action}", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_ckan, api_ckan, "ckan.action.post" },
	{ "GET", "/staff/opendata", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, NULL, page_staff_opendata, "staff.opendata" },
	{ "GET", "/staff/opendata/dataset", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, p_staff_od_edit, page_staff_opendata_edit, "staff.opendata.edit" },
	{ "POST", "/staff/opendata/dataset", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, p_staff_od_save, page_staff_opendata_save, "staff.opendata.save" },
	{ "POST", "/staff/opendata/upload", AUTH_PERM_OPENDATA_PUBLISH, HTTP_KIND_HTML, 0, p_staff_od_upload, page_staff_opendata_upload, "staff.opendata.upload" },
	/* --- api (api_apply.c): online applications; see docs/openapi.yaml --- */
	{ "GET", "/api/v1/procedures", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, NULL, api_procedures_list, "api.procedures" },
	{ "GET", "/api/v1/procedures/{code}", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_api_proc, api_procedure_get, "api.procedure" },
	{ "POST", "/api/v1/procedures/{code}/submissions", "api:resident", HTTP_KIND_TEXT, HTTP_ROUTE_NO_CSRF, p_api_proc_submit, api_procedure_submit, "api.procedure.submit" },
	{ "POST", "/api/v1/drafts", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, NULL, api_draft_create, "api.drafts.create" },
	{ "GET", "/api/v1/drafts/{id}", "api:resident", HTTP_KIND_JSON, 0, p_id, api_draft_get, "api.drafts.get" },
	{ "PUT", "/api/v1/drafts/{id}", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_id, api_draft_put, "api.drafts.put" },
	{ "DELETE", "/api/v1/drafts/{id}", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_id, api_draft_delete, "api.drafts.delete" },
	{ "PUT", "/api/v1/drafts/{id}/files/{field}", "api:resident", HTTP_KIND_TEXT, HTTP_ROUTE_NO_CSRF, p_api_upload, api_draft_file_put, "api.drafts.file" },
	{ "GET", "/api/v1/drafts/{id}/canonical", "api:resident", HTTP_KIND_JSON, 0, p_id, api_draft_canonical, "api.drafts.canonical" },
	{ "POST", "/api/v1/drafts/{id}/submit", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_id, api_draft_submit, "api.drafts.submit" },
	{ "GET", "/api/v1/my/submissions", "api:resident", HTTP_KIND_JSON, 0, p_api_my, api_my_submissions, "api.my.submissions" },
	{ "GET", "/api/v1/submissions", "api:" AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_JSON, 0, p_api_list, api_submissions_list, "api.submissions" },
	{ "GET", "/api/v1/submissions/{receipt}", "api:resident|" AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_JSON, 0, p_api_receipt, api_submission_get, "api.submission" },
	{ "POST", "/api/v1/submissions/{receipt}/withdraw", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_withdraw, "api.submission.withdraw" },
	{ "POST", "/api/v1/submissions/{receipt}/transitions", "api:" AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_transition, "api.submission.transition" },
	{ "POST", "/api/v1/submissions/{receipt}/assignee", "api:" AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_assign, "api.submission.assign" },
	{ "POST", "/api/v1/submissions/{receipt}/comments", "api:" AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_comment, "api.submission.comment" },
	{ "GET", "/api/v1/files/{sha256}", "api:resident|" AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_TEXT, 0, p_api_file, api_file_get, "api.file" },
	/* --- end api --- */
	/* --- life events (page_lifeevent.c) --- */
	{ "GET", "/life-events", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, page_life_events, "lifeevent.list" },
	{ "GET", "/life-events/{event}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_event, page_life_event, "lifeevent.interview" },
	{ "POST", "/life-events/{event}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_event, page_life_event_post, "lifeevent.interview.post" },
	{ "POST", "/life-events/{event}/start", "resident", HTTP_KIND_HTML, 0, p_event, page_life_event_start, "lifeevent.start" },
	{ "GET", "/bundles/{id}", "resident", HTTP_KIND_HTML, 0, p_bundle, page_bundle, "lifeevent.bundle" },
	{ "GET", "/bundles/{id}/canonical", "resident", HTTP_KIND_TEXT, 0, p_bundle, page_bundle_canonical, "lifeevent.bundle.canonical" },
	{ "POST", "/bundles/{id}/submit", "resident", HTTP_KIND_HTML, 0, p_bundle_submit, page_bundle_submit, "lifeevent.bundle.submit" },
	{ "GET", "/staff/counter", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, NULL, page_counter, "counter" },
	{ "GET", "/staff/counter/{event}", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, p_counter_event, page_counter_event, "counter.interview" },
	{ "POST", "/staff/counter/{event}", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, p_event, page_counter_event_post, "counter.interview.post" },
	{ "POST", "/staff/counter/{event}/pdf", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_TEXT, 0, p_event, page_counter_pdf, "counter.pdf" },
};

const int app_nroutes = (int)(sizeof app_routes / sizeof app_routes[0]);
