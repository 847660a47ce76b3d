/*
 * procedures_web.h -- the web side of procedures: the staff editor
 * (page_procedures.c) and its routes.
 */
#ifndef MADOGUCHI_SVC_PROCEDURES_WEB_H
#define MADOGUCHI_SVC_PROCEDURES_WEB_H

#include "web/app.h"

/* --- registry: procedure editor (page_procedures.c), once only (app_prefill.c) --- */
extern const struct http_param_spec app_p_proc_code[];
extern const struct http_param_spec app_p_proc_version[];
extern const struct http_param_spec app_p_proc_def[];
int page_staff_procedures(struct http_req *r);
int page_staff_procedure_new(struct http_req *r);
int page_staff_procedure_edit(struct http_req *r);
int page_staff_procedure_check(struct http_req *r);
int page_staff_procedure_publish(struct http_req *r);
int page_staff_procedure_version(struct http_req *r);

/* the routes (routes.c), for the descriptor (../service.c) */
extern const struct http_route procedures_routes[];

#endif
