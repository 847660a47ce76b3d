/*
 * page_send.c -- staff send a notice to the residents who subscribed
 * (/staff/notify/send, permission notify.send): news to the "news" topic
 * (with a category: "news.<category>" and "news", each resident once)
 * or a disaster alert to an area's "disaster.<area>", on every channel the
 * residents chose (notify_fanout: e-mail, SMS, LINE with the topic's
 * templates).  Two steps, no JavaScript: "check" shows how many will get
 * it on each channel and the Japanese texts as they go out; "send" queues
 * them.  An emergency overtakes everything queued and is not held at
 * night; only a disaster alert can be one.  Sending is audited
 * (notify.send: the topic and the counts, never a text or an address).
 */
#include "web/app.h"
#include "web/app_mail.h"
#include "web/ui.h"
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

/* what the form says */
struct send_form {
	const char *kind;     /* "news" or "disaster" */
	const char *category; /* news: a news category's code, or "" */
	const char *area, *title, *text;
	int emergency;
	char topic[NOTIFY_TOPIC_MAX + 1];
	const char *also;     /* news of a category: "news" as well, else NULL */
	char area_name[NOTIFY_AREA_NAME_MAX + 1];   /* disaster: the area's name */
};

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

/* the form's fields checked: NULL, or the message id of the first wrong
 * one with its field's id in *field */
static const char *form_read(struct send_form *f, struct http_req *r, const char **field)
{
	f->kind = param(r, "kind");
	f->area = param(r, "area");
	f->category = param(r, "category");
	f->also = NULL;
	f->title = param(r, "title");
	/* a textarea's line breaks come as CRLF: one LF each (a value may not
	 * hold CR) */
	char *text = arena_strdup(r->arena, param(r, "text"));
	if (text) {
		char *o = text;
		for (const char *c = text; *c; c++)
			if (*c != '\r')
				*o++ = *c;
			else if (c[1] != '\n')
				*o++ = '\n';
		*o = '\0';
	}
	f->text = text ? text : "";
	f->emergency = strcmp(param(r, "emergency"), "1") == 0;
	f->topic[0] = '\0';
	f->area_name[0] = '\0';
	*field = NULL;
	if (strcmp(f->kind, "news") == 0) {
		const struct notify_category *c = *f->category ? notify_category_find(f->category) : NULL;
		if (*f->category && !c) {
			*field = "f-category";
			return "notify.send.error.category";
		}
		snprintf(f->topic, sizeof f->topic, c ? "news.%s" : "news", c ? c->code : "");
		f->also = c ? "news" : NULL;
	} else if (strcmp(f->kind, "disaster") == 0) {
		struct err e;
		if (!notify_area_code_valid(f->area) ||
		    snprintf(f->topic, sizeof f->topic, "disaster.%s", f->area) >= (int)sizeof f->topic ||
		    !notify_topic_valid(f->topic) ||
		    notify_area_name(f->area_name, app_store(r), app_req(r)->tenant.code, f->area, "ja", &e)) {
			*field = "f-area";
			return "notify.send.error.area";
		}
	} else {
		*field = "f-kind";
		return "notify.send.error.kind";
	}
	if (f->emergency && strcmp(f->kind, "disaster") != 0) {
		*field = "f-emergency";
		return "notify.send.error.emergency";
	}
	size_t tl = strlen(f->title);
	if (!tl || tl > NOTIFY_SEND_TITLE_MAX || strpbrk(f->title, "\r\n\t")) {
		*field = "f-title";
		return "notify.send.error.title";
	}
	size_t xl = strlen(f->text);
	if (!xl || xl > NOTIFY_SEND_TEXT_MAX) {
		*field = "f-text";
		return "notify.send.error.text";
	}
	return NULL;
}

static void form_fields(struct buf *b, struct http_req *r, const struct send_form *f, const char *field,
			const char *error)
{
	enum html_lang l = app_req(r)->lang;
	ui_fieldset_open(b, &(struct ui_field){ .id = "f-kind", .label = T(r, "notify.send.kind"), .lang = l });
	ui_options(b, "radio", "f-kind", "kind", (struct ui_choice[]){
		{ "news", T(r, "notify.send.kind.news"), strcmp(f->kind, "disaster") != 0 },
		{ "disaster", T(r, "notify.send.kind.disaster"), strcmp(f->kind, "disaster") == 0 } }, 2, 0);
	ui_fieldset_close(b);
	struct ui_option cats[16];
	int ncat = 0;
	for (int i = 0; i < notify_ncategories && ncat < 16; i++)
		cats[ncat++] = (struct ui_option){ notify_categories[i].code, T(r, notify_categories[i].label_id) };
	ui_select(b, &(struct ui_field){ .name = "category", .label = T(r, "notify.send.category"),
					 .hint = T(r, "notify.send.category.hint"), .value = f->category,
					 .error = field && strcmp(field, "f-category") == 0 ? error : NULL, .lang = l },
		  cats, ncat, T(r, "notify.send.category.none"));
	/* the areas by name and code (staff know both) */
	struct ui_option *areas;
	struct err e;
	int nareas = notify_web_area_options(&areas, r, 1, &e);
	ui_select(b, &(struct ui_field){ .name = "area", .label = T(r, "notify.send.area"),
					 .hint = T(r, "notify.send.area.hint"), .value = f->area,
					 .error = field && strcmp(field, "f-area") == 0 ? error : NULL, .lang = l },
		  areas, nareas > 0 ? nareas : 0, T(r, "notify.send.area.choose"));
	ui_input(b, &(struct ui_field){ .name = "title", .label = T(r, "notify.send.title_field"),
					.hint = T(r, "notify.send.title.hint"), .value = f->title, .maxlength = 80,
					.required = 1, .error = field && strcmp(field, "f-title") == 0 ? error : NULL,
					.lang = l });
	ui_textarea(b, &(struct ui_field){ .name = "text", .label = T(r, "notify.send.text"),
					   .hint = T(r, "notify.send.text.hint"), .value = f->text,
					   .maxlength = 2000, .required = 1,
					   .error = field && strcmp(field, "f-text") == 0 ? error : NULL, .lang = l }, 6);
	ui_checkbox(b, &(struct ui_field){ .name = "emergency", .label = T(r, "notify.send.emergency"),
					   .hint = T(r, "notify.send.emergency.hint"),
					   .error = field && strcmp(field, "f-emergency") == 0 ? error : NULL,
					   .lang = l }, f->emergency);
}

static int send_page(struct http_req *r, int status, const struct send_form *f, const char *field,
		     const char *error, const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.send.page"), field, error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"send-notice\">%s</p>", notice);
	html_printf(&b, "<p>%s</p>", T(r, "notify.send.lead"));
	html_printf(&b, "<form method=\"post\" action=\"/staff/notify/send\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	form_fields(&b, r, f, field, error);
	html_printf(&b, "<button type=\"submit\" class=\"button\" name=\"action\" value=\"check\" id=\"send-check\">"
		    "%s</button></form>", T(r, "notify.send.check"));
	return app_page_send(r, status, &b, &p);
}

int page_notify_send(struct http_req *r)
{
	struct send_form f = { .kind = "news", .category = "", .area = "", .title = "", .text = "" };
	const char *topic = http_param(r, "topic");
	const char *notice = NULL;
	if (topic && notify_topic_valid(topic))   /* after a send: what was queued */
		notice = arena_printf(r->arena, T(r, "notify.send.done"), topic,  /* checksrc: fmt-ok */
				      param(r, "email"), param(r, "sms"), param(r, "line"));
	return send_page(r, 200, &f, NULL, NULL, notice);
}

/* the values of the form for the fan-out (each channel's template takes
 * those it has a field for) */
static int form_values(struct notify_value v[4], struct http_req *r, const struct send_form *f)
{
	v[0] = (struct notify_value){ "ward", app_req(r)->tenant.name_ja };
	v[1] = (struct notify_value){ "title", f->title };
	v[2] = (struct notify_value){ "text", f->text };
	v[3] = (struct notify_value){ "area", f->area_name };
	return strcmp(f->kind, "disaster") == 0 ? 4 : 3;
}

/* each channel's Japanese text as it goes out (with a sample link) */
static int preview(struct buf *b, struct http_req *r, const struct send_form *f, const char *base,
		   struct err *e)
{
	struct app_req *q = app_req(r);
	struct notify_value v[4];
	int n = form_values(v, r, f);
	struct notify_message m[3];
	int rc = notify_fanout_render(m, r->arena, app_store(r), q->tenant.code, &(struct notify_fanout){
		.topic = f->topic, .also = f->also, .vals = v, .n = n, .link_base = base }, "ja", e);
	static const char *const label[3] = { "notify.staff.channel.email", "notify.staff.channel.sms",
					      "notify.staff.channel.line" };
	for (int ch = 0; rc == 0 && ch < 3; ch++) {
		html_printf(b, "<h2>%s</h2>", T(r, label[ch]));
		if (ch == NOTIFY_EMAIL)
			html_printf(b, "<p id=\"send-subject\"><strong>%s</strong></p>", m[ch].subject);
		html_printf(b, "<pre class=\"send-preview\" id=\"send-preview-%s\">%s</pre>",
			    notify_channel_name((enum notify_channel)ch), m[ch].body);
		if (ch == NOTIFY_SMS)
			html_printf(b, "<p id=\"send-sms-units\">%s</p>",
				    arena_printf(r->arena, T(r, "notify.send.sms_units"),  /* checksrc: fmt-ok */
						 notify_sms_units(m[ch].body), notify_sms_segments(m[ch].body)));
	}
	return rc;
}

int page_notify_send_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct send_form f;
	const char *field;
	const char *bad = form_read(&f, r, &field);
	if (bad)
		return send_page(r, 400, &f, field, T(r, bad), NULL);
	char base[MAIL_LINK_MAX + 1];
	if (app_mail_link_base(base, sizeof base, app_of(r), &q->tenant))
		return app_send_error(r, ERR_INVALID, "notify.send.error.base", "send: no public link base");
	if (strcmp(param(r, "action"), "edit") == 0)
		return send_page(r, 200, &f, NULL, NULL, NULL);
	int sending = strcmp(param(r, "action"), "send") == 0;
	struct err e;
	if (!sending) {
		int64_t n[3];
		int rc = notify_topic_counts(n, app_store(r), q->tenant.code, f.topic, f.also, &e);
		if (rc)
			return app_send_error(r, rc, "notify.send.error.failed", e.detail);
		unsigned off = notify_channels_off();
		for (int ch = NOTIFY_SMS; ch <= NOTIFY_LINE; ch++)
			if (off & (1u << ch))
				n[ch] = 0;   /* not sent by this server */
		struct html_page p;
		struct buf b;
		app_page_open(&b, &p, r, T(r, "notify.send.confirm"), NULL, NULL);
		html_printf(&b, "<p id=\"send-counts\">%s</p>",
			    arena_printf(r->arena, T(r, "notify.send.counts"), f.topic,  /* checksrc: fmt-ok */
					 (long long)n[0], (long long)n[1], (long long)n[2]));
		if (f.emergency)
			html_printf(&b, "<p class=\"notice\" id=\"send-emergency\">%s</p>",
				    T(r, "notify.send.emergency.note"));
		else if (notify_quiet_until(app_now()))
			html_printf(&b, "<p class=\"notice\" id=\"send-held\">%s</p>", T(r, "notify.send.held"));
		rc = preview(&b, r, &f, base, &e);
		if (rc == ERR_LIMIT) {
			buf_done(&b);
			return send_page(r, 400, &f, "f-title", T(r, "notify.send.error.template"), NULL);
		}
		if (rc) {
			buf_done(&b);
			return app_send_error(r, rc, "notify.send.error.failed", e.detail);
		}
		html_printf(&b, "<form method=\"post\" action=\"/staff/notify/send\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"kind\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"category\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"area\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"title\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"text\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"emergency\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button\" name=\"action\" value=\"send\" id=\"send-go\">%s</button>"
			    " <button type=\"submit\" class=\"button-secondary\" name=\"action\" value=\"edit\" id=\"send-edit\">"
			    "%s</button></form>",
			    q->csrf, f.kind, f.category, f.area, f.title, f.text, f.emergency ? "1" : "0",
			    T(r, "notify.send.go"), T(r, "notify.send.edit"));
		return app_page_send(r, 200, &b, &p);
	}
	struct notify_value v[4];
	int nv = form_values(v, r, &f);
	int64_t queued = 0, by[3] = { 0, 0, 0 };
	int rc = notify_fanout(&queued, app_store(r), q->tenant.code, &(struct notify_fanout){
		.topic = f.topic, .also = f.also, .vals = v, .n = nv,
		.priority = f.emergency ? MAIL_PRIORITY_EMERGENCY : MAIL_PRIORITY_NORMAL,
		.link_base = base, .per_channel = by, .off = notify_channels_off() }, app_now(), &e);
	char what[160];
	snprintf(what, sizeof what, "%s email=%lld sms=%lld line=%lld%s", f.topic, (long long)by[0],
		 (long long)by[1], (long long)by[2], f.emergency ? " emergency" : "");
	app_audit(r, AUDIT_A_WRITE, "notify.send", what, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == ERR_LIMIT)
		return send_page(r, 400, &f, "f-title", T(r, "notify.send.error.template"), NULL);
	if (rc)
		return app_send_error(r, rc, "notify.send.error.failed", e.detail);
	/* a redirect: reloading the answer must not send it all again */
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/notify/send?topic=%s&email=%lld&sms=%lld&line=%lld",
						  f.topic, (long long)by[0], (long long)by[1], (long long)by[2]));
}
