/*
 * routes.c -- the URLs of the procedure editor for staff: method, pattern,
 * permission, kind and declared parameters of each URL, next to the
 * handlers; the service descriptor (../service.c) hands them to the
 * server.  The HTTP layer enforces all of it before a handler runs
 * (src/http/http.h).
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/procedures/web/procedures_web.h"

#include <string.h>

const struct http_route procedures_routes[] = {
	{ "GET", "/staff/procedures", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_staff_procedures, "staff.procedures" },
	{ "GET", "/staff/procedures/new", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_staff_procedure_new, "staff.procedures.new" },
	{ "GET", "/staff/procedures/{code}/edit", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_code, page_staff_procedure_edit, "staff.procedures.edit" },
	{ "POST", "/staff/procedures/check", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_def, page_staff_procedure_check, "staff.procedures.check" },
	{ "POST", "/staff/procedures/draft", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_def, page_staff_procedure_save_draft, "staff.procedures.draft" },
	{ "GET", "/staff/procedures/{code}/versions/{n}", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_version, page_staff_procedure_version, "staff.procedures.version" },
	/* the builder (page_builder.c) */
	{ "GET", "/staff/procedures/new/json", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, NULL, page_staff_procedure_new_json, "staff.procedures.new_json" },
	{ "POST", "/staff/procedures/create", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder_create, page_staff_builder_create, "staff.procedures.create" },
	{ "GET", "/staff/procedures/{code}/builder", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder_get, page_staff_builder, "staff.procedures.builder" },
	{ "POST", "/staff/procedures/{code}/builder", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder, page_staff_builder_post, "staff.procedures.builder.edit" },
	{ "POST", "/staff/procedures/{code}/builder/preview", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder, page_staff_builder_preview, "staff.procedures.builder.preview" },
	{ "POST", "/staff/procedures/{code}/review", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder_review, page_staff_builder_review, "staff.procedures.review" },
	/* approve / send back / publish an approved draft: its own permission */
	{ "POST", "/staff/procedures/{code}/approve", PROCEDURES_PERM_APPROVE, HTTP_KIND_HTML, 0, app_p_builder_approve, page_staff_builder_review, "staff.procedures.approve" },
	{ "POST", "/staff/procedures/{code}/unpublish", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder_code, page_staff_procedure_unpublish, "staff.procedures.unpublish" },
	{ "GET", "/staff/procedures/{code}/diff", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_builder_diff, page_staff_procedure_diff, "staff.procedures.diff" },
	SVC_ROUTES_END,
};
