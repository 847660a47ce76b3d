/*
 * app_mail.h -- the server's side of e-mail (app_mail.c): the `mail.send`
 * job and its start-up.  The outbox itself is src/core/mail.
 */
#ifndef MADOGUCHI_WEB_APP_MAIL_H
#define MADOGUCHI_WEB_APP_MAIL_H

#include "web/app.h"
#include "core/jobs/jobs.h"
#include "core/mail/mail.h"

/* app_mail_jobs_register -- when a->cfg.mail names an SMTP URL: check the
 * configuration (mail_sender_new: a bad URL, address or auth file stops
 * the server from starting), register the `mail.send` handler in reg and
 * make sure a job is due for messages queued while no server sent them.
 * Without an SMTP URL the handler delivers to the development mailbox
 * (mail_devbox_deliver), or, with keep_queued (`serve
 * --no-dev-mailbox`), nothing is registered: messages stay queued. */
int app_mail_jobs_register(struct jobs_registry *reg, struct app *a,
			   struct err *e);

/* What app_mail_send_all did: the outcomes of the messages it tried,
 * summed over its batches (set to 0 first, counted also on an error). */
struct app_mail_totals {
	int sent;                /* delivered                              */
	int retried;             /* failed for now, queued again           */
	int failed;              /* failed for good                        */
};
/* app_mail_send_all -- what the job does, also used by `madoguchi mail
 * send-pending`: send batches while messages are due (at most
 * APP_MAIL_ROUNDS batches; stopping(arg), when not NULL, ends it after a
 * batch), logging each outcome (ids and codes only), and schedule the
 * next attempt.  *out counts the outcomes. */
#define APP_MAIL_ROUNDS 20
int app_mail_send_all(struct app_mail_totals *out, struct mail_sender *m,
		      struct store *s, int (*stopping)(void *arg), void *arg,
		      struct err *e);

/* app_mail_relay -- 1 when the server has an SMTP relay.
 * app_mail_devbox -- 1 when it has none and delivers to the development
 * mailbox instead (not `serve --no-dev-mailbox`). */
int app_mail_relay(const struct app *a);
int app_mail_devbox(const struct app *a);

/* app_mail_link_base -- the base of links mailed for municipality t,
 * without a final '/': serve --public-url, else https://<t's host>[/t/<prefix>],
 * else the listen address with its port (http, or https with --tls-cert;
 * 0.0.0.0 written 127.0.0.1).  Never the request's Host header, which an
 * attacker chooses.  ERR_LIMIT when it does not fit in cap. */
int app_mail_link_base(char *out, size_t cap, const struct app *a, const struct tenant *t);

/* app_mail_template -- the shell's mail (registration, password reset, a
 * staff account's reset) as every service's: the message template
 * template_id of municipality tenant, rendered in l with the values, queued
 * for `to` in the outbox in the caller's open transaction (else its own),
 * through the service that offers the svc.h mail hook (svc/notify).  The
 * shell never writes the text.  ERR_UNAVAILABLE when no service offers
 * it; else the hook's result (ERR_NOTFOUND, ERR_INVALID, ERR_DB). */
struct svc_mail_value;
int app_mail_template(struct store *s, const char *tenant, const char *template_id, enum html_lang l,
		      const char *to, const struct svc_mail_value *vals, int n, struct err *e);

/* app_mail_answer_address -- whom mail about an application goes to: the
 * answer of the definition's first e-mail field (type email, a page's
 * own field: the contact address the resident typed) when it is a valid
 * address, else NULL (then: the account's address). */
struct forms_def;
struct json_t;
const char *app_mail_answer_address(const struct forms_def *d, const struct json_t *answers);

/* app_mail_staff_warning -- on the staff home: a notice when mail of the
 * municipality waits or fails (a relay that refuses, no relay and
 * --no-dev-mailbox) or when, without a relay, a real municipality's mail
 * goes only to the development mailbox; nothing otherwise. */
void app_mail_staff_warning(struct buf *b, struct http_req *r);

/* the development mailbox and outbox pages (page_outbox.c) */
int page_outbox(struct http_req *r);
int page_outbox_view(struct http_req *r);

/* resident e-mail (page_resident_email.c) */
/* app_resident_verify_send -- mail the resident a new confirmation link
 * (token and mail in one transaction); logs the outcome (ids only). */
int app_resident_verify_send(struct http_req *r, int64_t resident_id);
/* app_resident_register_taken_send -- someone registered an address that
 * has an account: mail the account's address (a reset link; at most one
 * per AUTH_RESET_INTERVAL, ERR_LIMIT otherwise); logs the outcome. */
int app_resident_register_taken_send(struct http_req *r, int64_t resident_id);
int page_resident_verify_form(struct http_req *r);
int page_resident_verify(struct http_req *r);
int page_resident_verify_resend(struct http_req *r);
int page_resident_reset_form(struct http_req *r);
int page_resident_reset_request(struct http_req *r);
int page_resident_reset_confirm_form(struct http_req *r);
int page_resident_reset_confirm(struct http_req *r);

#endif
