/*
 * dept_web.h -- the departments' staff pages (page_dept.c) and their
 * route table (routes.c).
 */
#ifndef MADOGUCHI_SVC_DEPT_WEB_H
#define MADOGUCHI_SVC_DEPT_WEB_H

#include "http/http.h"
#include "html/html.h"

extern const struct http_route dept_routes[];
extern const struct http_param_spec dept_p_edit[], dept_p_save[], dept_p_list[];

int page_dept_list(struct http_req *r);
int page_dept_edit(struct http_req *r);
int page_dept_save(struct http_req *r);
/* dept_permissions -- the descriptor's permissions hook: dept.<code> of
 * every department of the request's municipality, described by name */
void dept_permissions(struct http_req *r, enum html_lang l,
		      void (*add)(void *arg, const char *name, const char *desc), void *arg);

#endif
