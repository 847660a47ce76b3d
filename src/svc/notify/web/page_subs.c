/*
 * page_subs.c -- the resident's choice of notifications on My page
 * (/mypage/notifications: topics as checkboxes, the channel, no
 * JavaScript needed) and the one-click unsubscribe page of every
 * subscription message (/unsubscribe/{token}: GET shows a confirm button,
 * POST unsubscribes; no login, no cookie: the token is the proof, and
 * RFC 8058 mail clients POST "List-Unsubscribe=One-Click" to it).
 * Reads and changes are audited (notify.subscription); a token nobody
 * has answers 404.
 */
#include "web/app.h"
#include "web/ui.h"
#include "core/auth/auth.h"
#include "core/audit/audit.h"
#include "core/mail/mail.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"

#include <stdio.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* the fixed topics of the page: the form's name and the topic */
static const struct {
	const char *name, *topic, *label;
} topics[] = {
	{ "news", "news", "notify.subs.topic.news" },
	{ "waste", "waste.reminder", "notify.subs.topic.waste" },
	{ "apply", "apply.state", "notify.subs.topic.apply" },
};
#define NTOPICS ((int)(sizeof topics / sizeof topics[0]))

struct have {
	int on[NTOPICS];
	char area[NOTIFY_TOPIC_MAX + 1];   /* the disaster.<area> subscribed, or "" */
};

static int have_cb(const struct notify_sub *sub, void *arg)
{
	struct have *h = arg;
	for (int i = 0; i < NTOPICS; i++)
		if (strcmp(sub->topic, topics[i].topic) == 0)
			h->on[i] = 1;
	if (strncmp(sub->topic, "disaster.", 9) == 0)
		snprintf(h->area, sizeof h->area, "%s", sub->topic + 9);
	return 0;
}

/* the account's verified address into email ("" when none is verified) */
static int verified_email(char email[AUTH_EMAIL_MAX + 1], struct http_req *r, struct err *e)
{
	struct app_req *q = app_req(r);
	int active = 0, verified = 0;
	email[0] = '\0';
	int rc = auth_resident_get(email, &active, app_store(r), q->tenant.code, q->ses.account_id, e);
	if (rc == 0)
		rc = auth_resident_email_verified(&verified, app_store(r), q->tenant.code, q->ses.account_id, e);
	if (rc == 0 && (!verified || !active || !mail_addr_valid(email)))
		email[0] = '\0';
	return rc;
}

static int subs_page(struct http_req *r, int status, const char *notice, const char *error)
{
	struct app_req *q = app_req(r);
	struct err e;
	char email[AUTH_EMAIL_MAX + 1];
	struct have h = { 0 };
	int rc = verified_email(email, r, &e);
	if (rc == 0)
		rc = notify_subscriptions(app_store(r), q->tenant.code, q->ses.account_id, have_cb, &h, &e);
	if (rc < 0)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	app_audit(r, AUDIT_A_READ, "notify.subscription", "self", AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.subs.title"), error ? "f-area" : NULL, error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"subs-notice\">%s</p>", notice);
	html_printf(&b, "<p>%s</p>", T(r, "notify.subs.lead"));
	if (!email[0]) {
		html_printf(&b, "<p id=\"subs-unverified\">%s</p>", T(r, "notify.subs.unverified"));
		if (notify_sms_enabled())    /* SMS and LINE need no e-mail address */
			html_printf(&b, "<p><a href=\"/mypage/notifications/sms\" id=\"subs-sms\">%s</a></p>",
				    T(r, "notify.smsno.entry"));
		if (notify_line_enabled())
			html_printf(&b, "<p><a href=\"/mypage/notifications/line\" id=\"subs-line\">%s</a></p>",
				    T(r, "notify.line.entry"));
		html_printf(&b, "<p><a href=\"/mypage\">%s</a></p>", T(r, "notify.subs.back"));
		explicit_bzero(email, sizeof email);
		return app_page_send(r, status, &b, &p);
	}
	html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	ui_fieldset_open(&b, &(struct ui_field){ .id = "f-topics", .label = T(r, "notify.subs.topics"),
						 .hint = T(r, "notify.subs.topics.hint"), .lang = q->lang });
	for (int i = 0; i < NTOPICS; i++)
		ui_checkbox(&b, &(struct ui_field){ .name = topics[i].name, .label = T(r, topics[i].label),
						    .lang = q->lang }, h.on[i]);
	ui_checkbox(&b, &(struct ui_field){ .name = "disaster", .label = T(r, "notify.subs.topic.disaster"),
					    .lang = q->lang }, h.area[0] != 0);
	ui_input(&b, &(struct ui_field){ .name = "area", .label = T(r, "notify.subs.area"),
					 .hint = T(r, "notify.subs.area.hint"), .value = h.area,
					 .maxlength = 32, .pattern = "[a-z0-9_]{1,32}", .verbatim = 1,
					 .control_class = "input-short", .error = error, .lang = q->lang });
	ui_fieldset_close(&b);
	ui_fieldset_open(&b, &(struct ui_field){ .id = "f-channel", .label = T(r, "notify.subs.channel"),
						 .lang = q->lang });
	const char *ch = arena_printf(r->arena, T(r, "notify.subs.channel.email"), email);  /* checksrc: fmt-ok */
	ui_options(&b, "radio", "f-channel-email", "channel",
		   (struct ui_choice[]){ { "email", ch ? ch : "", 1 } }, 1, 0);
	ui_fieldset_close(&b);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"subs-save\">%s</button></form>",
		    T(r, "notify.subs.save"));
	if (notify_sms_enabled())
		html_printf(&b, "<p><a href=\"/mypage/notifications/sms\" id=\"subs-sms\">%s</a></p>",
			    T(r, "notify.smsno.entry"));
	if (notify_line_enabled())
		html_printf(&b, "<p><a href=\"/mypage/notifications/line\" id=\"subs-line\">%s</a></p>",
			    T(r, "notify.line.entry"));
	explicit_bzero(email, sizeof email);
	return app_page_send(r, status, &b, &p);
}

int page_mypage_notifications(struct http_req *r)
{
	const char *saved = http_param(r, "saved");
	return subs_page(r, 200, saved && strcmp(saved, "1") == 0 ? T(r, "notify.subs.saved") : NULL, NULL);
}

static int checked(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v && strcmp(v, "1") == 0;
}

struct drop {
	char topics[8][NOTIFY_TOPIC_MAX + 1];
	int n;
};

static int disaster_cb(const struct notify_sub *sub, void *arg)
{
	struct drop *d = arg;
	if (strncmp(sub->topic, "disaster.", 9) == 0 && d->n < 8)
		snprintf(d->topics[d->n++], sizeof d->topics[0], "%s", sub->topic);
	return 0;
}

int page_mypage_notifications_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct err e;
	const char *area = http_param(r, "area");
	int disaster = checked(r, "disaster");
	char dtopic[NOTIFY_TOPIC_MAX + 1] = "";
	if (disaster) {
		if (!area || !*area ||
		    snprintf(dtopic, sizeof dtopic, "disaster.%s", area) >= (int)sizeof dtopic ||
		    !notify_topic_valid(dtopic))
			return subs_page(r, 400, NULL, T(r, "notify.subs.error.area"));
	}
	char email[AUTH_EMAIL_MAX + 1];
	int rc = verified_email(email, r, &e);
	if (rc == 0 && !email[0])
		rc = err_set(&e, ERR_DENIED, "notify: address not verified");
	const char *lang = notify_lang_code((enum notify_lang)q->lang);
	struct drop d = { .n = 0 };
	if (rc == 0)
		rc = notify_subscriptions(s, q->tenant.code, q->ses.account_id, disaster_cb, &d, &e);
	if (rc >= 0)
		rc = store_begin(s, &e);
	for (int i = 0; rc >= 0 && i < NTOPICS; i++)
		rc = checked(r, topics[i].name)
			? notify_subscribe(s, &(struct notify_sub_in){ q->tenant.code, q->ses.account_id,
								   topics[i].topic, email, lang }, app_now(), &e)
			: notify_unsubscribe(s, q->tenant.code, q->ses.account_id, topics[i].topic, &e);
	for (int i = 0; rc >= 0 && i < d.n; i++)
		if (strcmp(d.topics[i], dtopic) != 0)
			rc = notify_unsubscribe(s, q->tenant.code, q->ses.account_id, d.topics[i], &e);
	if (rc >= 0 && disaster)
		rc = notify_subscribe(s, &(struct notify_sub_in){ q->tenant.code, q->ses.account_id, dtopic,
							  email, lang }, app_now(), &e);
	explicit_bzero(email, sizeof email);
	if (rc >= 0)
		rc = store_commit(s, &e);
	else if (store_in_tx(s))
		store_rollback(s);
	app_audit(r, AUDIT_A_WRITE, "notify.subscription", "self", rc < 0 ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == ERR_DENIED)
		return subs_page(r, 403, NULL, NULL);
	if (rc < 0)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	return http_redirect(r, 303, "/mypage/notifications?saved=1");
}

/* ---- /unsubscribe/{token} ---- */

static const char *topic_label(struct http_req *r, const char *topic)
{
	for (int i = 0; i < NTOPICS; i++)
		if (strcmp(topic, topics[i].topic) == 0)
			return T(r, topics[i].label);
	if (strncmp(topic, "disaster.", 9) == 0)
		return arena_printf(r->arena, "%s（%s）", T(r, "notify.subs.topic.disaster"), topic + 9);
	return topic;
}

int page_unsubscribe(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *token = http_param(r, "token");
	struct notify_sub sub;
	char topic[NOTIFY_TOPIC_MAX + 1];
	struct err e;
	int rc = notify_token_find(&sub, topic, app_store(r), q->tenant.code, token, &e);
	if (rc) {
		app_audit(r, AUDIT_A_READ, "notify.subscription", "token", AUDIT_R_DENIED);
		return app_send_error(r, rc == ERR_NOTFOUND ? ERR_NOTFOUND : rc, "notify.unsub.error.not_found",
				      "unsubscribe: no such token");
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)sub.id);
	app_audit(r, AUDIT_A_READ, "notify.subscription", id, AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.unsub.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p><p id=\"unsub-topic\"><strong>%s</strong></p>"
		    "<form method=\"post\" action=\"/unsubscribe/%s\">"
		    "<button type=\"submit\" class=\"button\" id=\"unsub-confirm\">%s</button></form>",
		    T(r, "notify.unsub.confirm"), topic_label(r, topic), token, T(r, "notify.unsub.button"));
	return app_page_send(r, 200, &b, &p);
}

int page_unsubscribe_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *token = http_param(r, "token");
	struct notify_sub sub;
	char topic[NOTIFY_TOPIC_MAX + 1];
	struct err e;
	int rc = notify_token_find(&sub, topic, app_store(r), q->tenant.code, token, &e);
	if (rc == 0)
		rc = notify_unsubscribe_token(app_store(r), q->tenant.code, token, &e);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)sub.id);
	app_audit(r, AUDIT_A_WRITE, "notify.subscription", rc ? "token" : id, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc)
		return app_send_error(r, rc == ERR_NOTFOUND ? ERR_NOTFOUND : rc, "notify.unsub.error.not_found",
				      "unsubscribe: no such token");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.unsub.done.title"), NULL, NULL);
	html_printf(&b, "<p role=\"status\" id=\"unsub-done\">%s</p><p><strong>%s</strong></p>"
		    "<p><a href=\"/mypage/notifications\">%s</a></p>",
		    T(r, "notify.unsub.done"), topic_label(r, topic), T(r, "notify.unsub.manage"));
	return app_page_send(r, 200, &b, &p);
}
