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
int page_staff_procedure_save_draft(struct http_req *r);
int page_staff_procedure_new_json(struct http_req *r);
/* the new-procedure page with an error (err, in the page's language) at
 * the control err_id */
int page_staff_procedure_new_with(struct http_req *r, int status, const char *err,
				  const char *err_id);

/* --- the builder (page_builder.c) --- */
/* Approve (and publish) a draft submitted for review, or send it back:
 * a permission of its own, apart from procedures.manage (the role
 * picker, src/web/page_roles.c, knows it from the route that needs it). */
#define PROCEDURES_PERM_APPROVE "procedures.approve"
extern const struct http_param_spec app_p_builder_approve[];
int page_staff_builder_preview(struct http_req *r);
extern const struct http_param_spec app_p_builder[];
extern const struct http_param_spec app_p_builder_get[];
extern const struct http_param_spec app_p_builder_create[];
extern const struct http_param_spec app_p_builder_review[];
extern const struct http_param_spec app_p_builder_diff[];
extern const struct http_param_spec app_p_builder_code[];
int page_staff_builder(struct http_req *r);
int page_staff_builder_post(struct http_req *r);
int page_staff_builder_create(struct http_req *r);
int page_staff_builder_review(struct http_req *r);
int page_staff_procedure_unpublish(struct http_req *r);
int page_staff_procedure_diff(struct http_req *r);
/* procedures_diff_list -- the changes from one definition document to
 * another as a list of sentences */
struct json_t;
void procedures_diff_list(struct buf *b, struct http_req *r, const struct json_t *from,
			  const struct json_t *to);
int page_staff_procedure_version(struct http_req *r);

/* procedures_dept_permissions -- the descriptor's permissions hook:
 * dept.<department> of every procedure (page_procedures.c) */
void procedures_dept_permissions(struct http_req *r, enum html_lang l,
				 void (*add)(void *arg, const char *name, const char *desc), void *arg);

/* the routes (routes.c), for the descriptor (../service.c) */
extern const struct http_route procedures_routes[];

#endif
