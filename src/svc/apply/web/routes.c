/*
 * routes.c -- the URLs of online applications (resident pages, the staff
 * inbox, the JSON API): method, pattern, permission, kind and declared
 * parameters of each URL, next to the handlers; the service descriptor
 * (../service.c) hands them to the server.  The HTTP layer enforces all of
 * it before a handler runs (src/http/http.h).
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/apply/web/app_apply.h"
#include "svc/apply/apply.h"

#include <string.h>

/* --- resident applications (page_apply.c) --- */
#define ROUTES_PROC_MAX 64               /* FORMS_ID_MAX    */
#define ROUTES_RECEIPT_LEN 20            /* APPLY_RECEIPT_LEN */
static int v_receipt(const char *v, size_t n)
{
	return n == ROUTES_RECEIPT_LEN && apply_receipt_check(v) == 0 ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_procedures[] = {
	{ "q", HTTP_QUERY, 200, NULL, 0 },
	{ "cat", HTTP_QUERY, 24, app_v_code, 0 },     /* a category (forms_categories) */
	{ "stage", HTTP_QUERY, 24, app_v_code, 0 },   /* a life stage, same list    */
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_proc_code[] = {
	{ "code", HTTP_PATH, ROUTES_PROC_MAX, app_v_code_alpha, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* a draft's page: the answers are the definition's own fields, read by
 * the handler from the body (page_form.h states their limits) */
/* where a draft page was opened from: only "check" (the check page) */
static int v_from(const char *v, size_t n)
{
	return n == 5 && memcmp(v, "check", 5) == 0 ? 0 : ERR_INVALID;
}
static const struct http_param_spec p_draft_page[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, 1 },
	{ "n", HTTP_PATH, 3, app_v_digits, 1 },
	{ "check", HTTP_QUERY, 1, app_v_digits, 0 },   /* show the page's errors */
	{ "from", HTTP_QUERY, 5, v_from, 0 },          /* "check": 「変更」 on the check page */
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_receipt[] = {
	{ "receipt", HTTP_PATH, ROUTES_RECEIPT_LEN, v_receipt, 1 },
	{ "new", HTTP_QUERY, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_withdraw[] = {
	{ "receipt", HTTP_PATH, ROUTES_RECEIPT_LEN, v_receipt, 1 },
	{ "confirm", HTTP_FORM, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_file[] = {
	{ "sha256", HTTP_PATH, 64, app_v_sha256, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_my_apps[] = {
	{ "saved", HTTP_QUERY, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static int v_api_receipt(const char *v, size_t n)
{
	if (n != 20)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}
static int v_api_assignee(const char *v, size_t n)
{
	if ((n == 4 && memcmp(v, "none", 4) == 0) || (n == 2 && memcmp(v, "me", 2) == 0))
		return 0;
	return app_v_digits(v, n);
}
static const struct http_param_spec p_api_proc[] = {
	{ "code", HTTP_PATH, 64, app_v_code, 1 },
	{ "version", HTTP_QUERY, 9, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* a whole submission in one request: the code only (the body, multipart
 * or JSON, is read by the handler, which answers every error in JSON;
 * HTTP_KIND_TEXT as the upload, since a JSON route takes JSON bodies
 * only) */
static const struct http_param_spec p_api_proc_submit[] = {
	{ "code", HTTP_PATH, 64, app_v_code, 1 },
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
	{ "limit", HTTP_QUERY, 3, app_v_digits, 0 },
	{ "cursor", HTTP_QUERY, 18, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api_list[] = {
	{ "department", HTTP_QUERY, 64, app_v_code, 0 },
	{ "procedure", HTTP_QUERY, 64, app_v_code, 0 },
	{ "status", HTTP_QUERY, 32, app_v_code, 0 },
	{ "from", HTTP_QUERY, 10, app_v_date, 0 },
	{ "to", HTTP_QUERY, 10, app_v_date, 0 },
	{ "assignee", HTTP_QUERY, 18, v_api_assignee, 0 },
	{ "overdue", HTTP_QUERY, 1, app_v_01, 0 },
	{ "duplicates", HTTP_QUERY, 1, app_v_01, 0 },
	{ "limit", HTTP_QUERY, 3, app_v_digits, 0 },
	{ "cursor", HTTP_QUERY, 18, app_v_digits, 0 },
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

/* --- signing with a signing app (page_sign.c) --- */
static int v_sign_token(const char *v, size_t n)
{
	if (n != APPLY_SIGNREQ_TOKEN_LEN)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return ERR_INVALID;
	return 0;
}
static const struct http_param_spec p_sign_token[] = {
	{ "token", HTTP_PATH, APPLY_SIGNREQ_TOKEN_LEN, v_sign_token, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the returned signature: a .p7s (DER, PEM or base64) of at most 64 KiB,
 * with room for PEM's armour */
static const struct http_param_spec p_sign_return[] = {
	{ "token", HTTP_PATH, APPLY_SIGNREQ_TOKEN_LEN, v_sign_token, 1 },
	{ "signature", HTTP_FILE, 96 * 1024, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route apply_routes[] = {
	{ "GET", "/staff/inbox", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_HTML, 0, inbox_p_list, page_inbox, "staff.inbox" },
	{ "GET", "/staff/inbox/export.csv", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_TEXT, 0, inbox_p_csv, page_inbox_csv, "staff.inbox.csv" },
	{ "GET", "/staff/inbox/unrouted", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_inbox_unrouted, "staff.unrouted" },
	{ "POST", "/staff/inbox/bulk", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_bulk, page_inbox_bulk, "staff.inbox.bulk" },
	{ "GET", "/staff/submissions/{id}", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_HTML, 0, inbox_p_submission, page_staff_submission, "staff.submission" },
	{ "GET", "/staff/submissions/{id}/history", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_HTML, 0, inbox_p_history, page_staff_submission_history, "staff.submission.history" },
	{ "GET", "/staff/submissions/{id}/files/{sha256}", AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_TEXT, 0, inbox_p_file, page_staff_submission_file, "staff.submission.file" },
	{ "POST", "/staff/submissions/{id}/assign", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_assign, page_staff_submission_assign, "staff.submission.assign" },
	{ "POST", "/staff/submissions/{id}/comment", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_comment, page_staff_submission_comment, "staff.submission.comment" },
	{ "POST", "/staff/submissions/{id}/transition", AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_HTML, 0, inbox_p_transition, page_staff_submission_transition, "staff.submission.transition" },
	{ "GET", "/procedures", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_procedures, page_procedures, "apply.procedures" },
	{ "GET", "/procedures/{code}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_proc_code, page_procedure, "apply.procedure" },
	{ "POST", "/procedures/{code}/start", "resident", HTTP_KIND_HTML, 0, p_proc_code, page_apply_start, "apply.start" },
	{ "GET", "/drafts/{id}/page/{n}", "resident", HTTP_KIND_HTML, 0, p_draft_page, page_draft_page, "apply.draft.page" },
	{ "POST", "/drafts/{id}/page/{n}", "resident", HTTP_KIND_HTML, 0, p_draft_page, page_draft_page_post, "apply.draft.page.post" },
	{ "POST", "/drafts/{id}/delete", "resident", HTTP_KIND_HTML, 0, app_p_id, page_draft_delete, "apply.draft.delete" },
	{ "GET", "/drafts/{id}/confirm", "resident", HTTP_KIND_HTML, 0, app_p_id, page_draft_confirm, "apply.draft.confirm" },
	{ "GET", "/drafts/{id}/canonical", "resident", HTTP_KIND_TEXT, 0, app_p_id, page_draft_canonical, "apply.draft.canonical" },
	{ "POST", "/drafts/{id}/sign-request", "resident", HTTP_KIND_HTML, 0, app_p_id, page_draft_sign_request, "apply.draft.sign_request" },
	{ "POST", "/bundles/{id}/sign-request", "resident", HTTP_KIND_HTML, 0, app_p_id, page_bundle_sign_request, "apply.bundle.sign_request" },
	/* the signing app's side: the token is the credential (no session,
	 * no CSRF token: a phone's app posts here) */
	{ "GET", "/sign/{token}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_sign_token, page_sign_request, "apply.sign" },
	{ "GET", "/sign/{token}/data", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_sign_token, page_sign_data, "apply.sign.data" },
	{ "GET", "/sign/{token}/demo-key", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_sign_token, page_sign_demo_key, "apply.sign.demo_key" },
	{ "POST", "/sign/{token}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, HTTP_ROUTE_NO_CSRF, p_sign_return, page_sign_return, "apply.sign.return" },
	{ "POST", "/drafts/{id}/submit", "resident", HTTP_KIND_HTML, 0, app_p_id, page_draft_submit, "apply.draft.submit" },
	{ "POST", "/drafts/{id}/pay", "resident", HTTP_KIND_HTML, 0, app_p_id, page_draft_pay, "apply.draft.pay" },
	{ "GET", "/submissions/{receipt}", "resident", HTTP_KIND_HTML, 0, p_receipt, page_submission, "apply.submission" },
	{ "GET", "/submissions/{receipt}/receipt.pdf", "resident", HTTP_KIND_TEXT, 0, p_receipt, page_submission_pdf, "apply.submission.pdf" },
	{ "GET", "/submissions/{receipt}/withdraw", "resident", HTTP_KIND_HTML, 0, p_receipt, page_submission_withdraw_form, "apply.submission.withdraw.form" },
	{ "POST", "/submissions/{receipt}/withdraw", "resident", HTTP_KIND_HTML, 0, p_withdraw, page_submission_withdraw, "apply.submission.withdraw" },
	{ "POST", "/submissions/{receipt}/correct", "resident", HTTP_KIND_HTML, 0, p_receipt, page_submission_correct, "apply.submission.correct" },
	{ "GET", "/files/{sha256}", "resident", HTTP_KIND_TEXT, 0, p_file, page_apply_file, "apply.file" },
	{ "GET", "/mypage/applications", "resident", HTTP_KIND_HTML, 0, p_my_apps, page_my_applications, "apply.mine" },
	{ "GET", "/api/v1/procedures", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, NULL, api_procedures_list, "api.procedures" },
	{ "GET", "/api/v1/procedures/{code}", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_api_proc, api_procedure_get, "api.procedure" },
	{ "POST", "/api/v1/procedures/{code}/submissions", "api:resident", HTTP_KIND_TEXT, HTTP_ROUTE_NO_CSRF, p_api_proc_submit, api_procedure_submit, "api.procedure.submit" },
	{ "POST", "/api/v1/drafts", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, NULL, api_draft_create, "api.drafts.create" },
	{ "GET", "/api/v1/drafts/{id}", "api:resident", HTTP_KIND_JSON, 0, app_p_id, api_draft_get, "api.drafts.get" },
	{ "PUT", "/api/v1/drafts/{id}", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, app_p_id, api_draft_put, "api.drafts.put" },
	{ "DELETE", "/api/v1/drafts/{id}", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, app_p_id, api_draft_delete, "api.drafts.delete" },
	{ "PUT", "/api/v1/drafts/{id}/files/{field}", "api:resident", HTTP_KIND_TEXT, HTTP_ROUTE_NO_CSRF, p_api_upload, api_draft_file_put, "api.drafts.file" },
	{ "GET", "/api/v1/drafts/{id}/canonical", "api:resident", HTTP_KIND_JSON, 0, app_p_id, api_draft_canonical, "api.drafts.canonical" },
	{ "POST", "/api/v1/drafts/{id}/submit", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, app_p_id, api_draft_submit, "api.drafts.submit" },
	{ "GET", "/api/v1/my/submissions", "api:resident", HTTP_KIND_JSON, 0, p_api_my, api_my_submissions, "api.my.submissions" },
	{ "GET", "/api/v1/submissions", "api:" AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_JSON, 0, p_api_list, api_submissions_list, "api.submissions" },
	{ "GET", "/api/v1/submissions/{receipt}", "api:resident|" AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_JSON, 0, p_api_receipt, api_submission_get, "api.submission" },
	{ "POST", "/api/v1/submissions/{receipt}/withdraw", "api:resident", HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_withdraw, "api.submission.withdraw" },
	{ "POST", "/api/v1/submissions/{receipt}/transitions", "api:" AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_transition, "api.submission.transition" },
	{ "POST", "/api/v1/submissions/{receipt}/assignee", "api:" AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_assign, "api.submission.assign" },
	{ "POST", "/api/v1/submissions/{receipt}/comments", "api:" AUTH_PERM_APPLICATIONS_WRITE, HTTP_KIND_JSON, HTTP_ROUTE_NO_CSRF, p_api_receipt, api_submission_comment, "api.submission.comment" },
	{ "GET", "/api/v1/files/{sha256}", "api:resident|" AUTH_PERM_APPLICATIONS_READ, HTTP_KIND_TEXT, 0, p_api_file, api_file_get, "api.file" },
	SVC_ROUTES_END,
};
