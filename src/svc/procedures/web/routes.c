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
	{ "POST", "/staff/procedures/publish", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_def, page_staff_procedure_publish, "staff.procedures.publish" },
	{ "GET", "/staff/procedures/{code}/versions/{n}", AUTH_PERM_PROCEDURES_MANAGE, HTTP_KIND_HTML, 0, app_p_proc_version, page_staff_procedure_version, "staff.procedures.version" },
	SVC_ROUTES_END,
};
