/*
 * notify_web.h -- the web side of the notification service: the staff
 * template editor (page_templates.c) and its route table (routes.c).
 */
#ifndef MADOGUCHI_SVC_NOTIFY_WEB_H
#define MADOGUCHI_SVC_NOTIFY_WEB_H

#include "web/app.h"

/* the permission of the template pages */
#define NOTIFY_PERM_TEMPLATES "notify.templates"

int page_notify_templates(struct http_req *r);
int page_notify_template(struct http_req *r);
int page_notify_template_post(struct http_req *r);

/* the router's validator of a template id in the path (a slug: nobody
 * else's shape, notify_slug_valid) */
int notify_v_slug(const char *v, size_t n);

extern const struct http_route notify_routes[];
extern const struct svc svc_notify;

#endif
