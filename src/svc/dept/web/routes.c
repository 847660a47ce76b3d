/*
 * routes.c -- the URLs of the departments service: the staff admin pages
 * (permission roles.manage: whoever may change roles may say which roles
 * own a department's inbox).  Parameters are declared in page_dept.c.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/dept/web/dept_web.h"

const struct http_route dept_routes[] = {
	{ "GET", "/staff/departments", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, dept_p_list, page_dept_list, "staff.departments" },
	{ "GET", "/staff/departments/edit", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, dept_p_edit, page_dept_edit, "staff.departments.edit" },
	{ "POST", "/staff/departments", AUTH_PERM_ROLES_MANAGE, HTTP_KIND_HTML, 0, dept_p_save, page_dept_save, "staff.departments.save" },
	SVC_ROUTES_END,
};
