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
/* page_subs.c: My page's notifications, the one-click unsubscribe */
int page_mypage_notifications(struct http_req *r);
int page_mypage_notifications_post(struct http_req *r);
int page_unsubscribe(struct http_req *r);
int page_unsubscribe_post(struct http_req *r);
/* notify_web_area_options -- the municipality's areas of disaster alerts
 * as a select's options, in r's arena: each labelled with its name in the
 * page's language (English when written), with its code too when
 * with_code (staff pages); how many, or a negative ERR_* */
struct ui_option;
int notify_web_area_options(struct ui_option **out, struct http_req *r, int with_code, struct err *e);

/* page_send.c: staff send news or a disaster alert to its subscribers */
#define NOTIFY_PERM_SEND "notify.send"
#define NOTIFY_SEND_TITLE_MAX 240    /* bytes of the title (80 characters) */
#define NOTIFY_SEND_TEXT_MAX 6000    /* bytes of the text (2000 characters) */
int page_notify_send(struct http_req *r);
int page_notify_send_post(struct http_req *r);
/* page_areas.c: the areas of disaster alerts, kept by the same staff */
int page_notify_areas(struct http_req *r);
int page_notify_areas_post(struct http_req *r);
int page_notify_area_remove(struct http_req *r);
int page_notify_areas_import(struct http_req *r);
int page_notify_areas_csv(struct http_req *r);

/* page_channels.c: the SMS channel (options, job, status callback), a
 * message's state by id, the staff list of SMS/LINE messages */
#define NOTIFY_SMS_STATUS_PATH "/api/v1/notify/sms/status"
struct app;
struct jobs_ctx;
int notify_channels_init(struct app *a, struct err *e);
void notify_channels_done(void);
int notify_sms_enabled(void);
int notify_line_enabled(void);
#define NOTIFY_LINE_WEBHOOK_PATH "/api/v1/notify/line/webhook"
int api_notify_line_webhook(struct http_req *r);
/* page_line.c: My page's LINE link */
int page_mypage_line(struct http_req *r);
int page_mypage_line_post(struct http_req *r);
/* page_sms.c: My page's SMS number, verified by a code */
int page_mypage_sms(struct http_req *r);
int page_mypage_sms_post(struct http_req *r);
/* a typed number (090-1234-5678, +81 90 ..., full-width digits) in E.164 */
int notify_phone_normalise(char *out, size_t cap, const char *in);
int notify_channels_check_url(const char *v);
int notify_channels_check_phone(const char *v);
int notify_deliver_job(struct jobs_ctx *ctx, void *app, struct err *e);
int api_notify_sms_status(struct http_req *r);
int api_notify_message(struct http_req *r);
int page_notify_messages(struct http_req *r);
int page_notify_message(struct http_req *r);

/* the router's validator of a template id in the path (a slug: nobody
 * else's shape, notify_slug_valid) */
int notify_v_slug(const char *v, size_t n);

extern const struct http_route notify_routes[];
extern const struct svc svc_notify;

#endif
