/*
 * hooks_web.h -- the web side of webhooks to staff systems
 * (page_hooks.c): the pages, the delivery job, the serve option, and the
 * lines the service's descriptor and route table take (one each).
 */
#ifndef MADOGUCHI_SVC_NOTIFY_HOOKS_WEB_H
#define MADOGUCHI_SVC_NOTIFY_HOOKS_WEB_H

#include "web/app.h"
#include "web/svc.h"

/* the permission of the pages (the demo ward's admin holds it) */
#define NOTIFY_PERM_HOOKS "notify.hooks"

int page_notify_hooks(struct http_req *r);
int page_notify_hooks_post(struct http_req *r);
int page_notify_hook(struct http_req *r);
int page_notify_hook_post(struct http_req *r);
int page_notify_delivery(struct http_req *r);
int page_notify_delivery_resend(struct http_req *r);

struct jobs_ctx;
int notify_hooks_job(struct jobs_ctx *ctx, void *app, struct err *e);
int notify_hooks_check_loopback(const char *v);

extern const struct http_param_spec notify_hooks_p_post[], notify_hooks_p_hook[],
	notify_hooks_p_hook_post[], notify_hooks_p_delivery[];

/* the descriptor's job, option and routes (service.c, routes.c) */
#define NOTIFY_HOOKS_JOBS { "notify.hooks", notify_hooks_job, 0 }
#define NOTIFY_HOOKS_OPTIONS \
	{ "notify-hooks-loopback", "allow  tests only: webhook endpoints on loopback (and http there)", \
	  notify_hooks_check_loopback, "--notify-hooks-loopback の値は allow だけです", \
	  "--notify-hooks-loopback takes allow only" }
#define NOTIFY_HOOKS_ROUTES \
	{ "GET", "/staff/notify/hooks", NOTIFY_PERM_HOOKS, HTTP_KIND_HTML, 0, NULL, \
	  page_notify_hooks, "staff.notify.hooks" }, \
	{ "POST", "/staff/notify/hooks", NOTIFY_PERM_HOOKS, HTTP_KIND_HTML, 0, notify_hooks_p_post, \
	  page_notify_hooks_post, "staff.notify.hooks.create" }, \
	{ "GET", "/staff/notify/hooks/{id}", NOTIFY_PERM_HOOKS, HTTP_KIND_HTML, 0, notify_hooks_p_hook, \
	  page_notify_hook, "staff.notify.hook" }, \
	{ "POST", "/staff/notify/hooks/{id}", NOTIFY_PERM_HOOKS, HTTP_KIND_HTML, 0, notify_hooks_p_hook_post, \
	  page_notify_hook_post, "staff.notify.hook.save" }, \
	{ "GET", "/staff/notify/deliveries/{id}", NOTIFY_PERM_HOOKS, HTTP_KIND_HTML, 0, notify_hooks_p_delivery, \
	  page_notify_delivery, "staff.notify.delivery" }, \
	{ "POST", "/staff/notify/deliveries/{id}/resend", NOTIFY_PERM_HOOKS, HTTP_KIND_HTML, 0, app_p_id, \
	  page_notify_delivery_resend, "staff.notify.delivery.resend" }

#endif
