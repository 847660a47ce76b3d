/*
 * service.c -- the descriptor of the notification service (お知らせの送信):
 * message templates per municipality (notify.h).
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/notify/notify.h"

const struct svc svc_notify = {
	.name = "notify",
	.summary = "notifications: message templates in three languages, versioned",
	.schema = &notify_schema,
};
