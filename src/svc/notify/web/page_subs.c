/*
 * page_subs.c -- the resident's choice of notifications on My page
 * (/mypage/notifications: a fieldset per topic with a checkbox per channel
 * the account can receive on -- its verified e-mail, SMS number, LINE --
 * no JavaScript needed) and the one-click unsubscribe page of every
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

/* the topics of the page: the form's name, the topic and its label.
 * First the fixed ones (news, waste, apply, booking), then "news.<code>" for each
 * news category (notify_categories), then disaster (the area's topic)
 * last. */
struct topic_row {
	const char *name, *topic, *label;
};
static const struct topic_row fixed[] = {
	{ "news", "news", "notify.subs.topic.news" },
	{ "waste", "waste.reminder", "notify.subs.topic.waste" },
	{ "apply", "apply.state", "notify.subs.topic.apply" },
	{ "booking", "booking.result", "notify.subs.topic.booking" },
};
#define NFIXED ((int)(sizeof fixed / sizeof fixed[0]))
/* the rows: fixed, then the categories (at most 16), then disaster */
#define NCATS (notify_ncategories < 16 ? notify_ncategories : 16)
#define FIRST_CAT NFIXED
#define DISASTER (NFIXED + NCATS)
#define NTOPICS (DISASTER + 1)
#define NTOPICS_MAX (NFIXED + 16 + 1)

/* row t of the page (t < NTOPICS), its strings in r's arena */
static struct topic_row topic_row(struct http_req *r, int t)
{
	if (t < NFIXED)
		return fixed[t];
	if (t == DISASTER)
		return (struct topic_row){ "disaster", "disaster.", "notify.subs.topic.disaster" };
	const struct notify_category *c = &notify_categories[t - FIRST_CAT];
	return (struct topic_row){ arena_printf(r->arena, "news_%s", c->code),
				   arena_printf(r->arena, "news.%s", c->code), c->label_id };
}

/* the row of topic (disaster.<area>: DISASTER), or -1 */
static int topic_index(const char *topic)
{
	for (int i = 0; i < NFIXED; i++)
		if (strcmp(topic, fixed[i].topic) == 0)
			return i;
	if (strncmp(topic, "news.", 5) == 0)
		for (int i = 0; i < NCATS; i++)
			if (strcmp(topic + 5, notify_categories[i].code) == 0)
				return FIRST_CAT + i;
	return strncmp(topic, "disaster.", 9) == 0 ? DISASTER : -1;
}

/* every topic goes by every channel: news and disaster alerts are fanned
 * out, a resident's own messages (their bulky-waste day, their
 * application) go by e-mail and by SMS or LINE when chosen
 * (notify_account_channels) */
static int topic_has(int t, int ch)
{
	return t >= 0 && t < NTOPICS && ch >= 0 && ch < 3;
}

/* the form's name of topic t on channel ch: "news", "news_sms", "news_line" */
static const char *field_name(struct http_req *r, int t, int ch)
{
	const char *name = topic_row(r, t).name;
	return ch == NOTIFY_EMAIL ? name
	       : arena_printf(r->arena, "%s_%s", name, notify_channel_name((enum notify_channel)ch));
}

struct have {
	int on[NTOPICS_MAX][3];
	char area[NOTIFY_TOPIC_MAX + 1];   /* the disaster.<area> subscribed, or "" */
};

static int have_cb(const struct notify_sub *sub, void *arg)
{
	struct have *h = arg;
	int ch = notify_channel_parse(sub->channel);
	if (ch < 0)
		return 0;
	int t = topic_index(sub->topic);
	if (t == DISASTER)
		snprintf(h->area, sizeof h->area, "%s", sub->topic + 9);
	if (t >= 0)
		h->on[t][ch] = 1;
	return 0;
}

/* where the account can receive: its verified e-mail, SMS number, LINE
 * ("" for a channel it cannot use now) */
struct reach {
	char email[AUTH_EMAIL_MAX + 1];
	char sms[64];
	char line[64];
};

static int reach_of(struct reach *w, struct http_req *r, struct err *e)
{
	struct app_req *q = app_req(r);
	int active = 0, verified = 0;
	memset(w, 0, sizeof *w);
	int rc = auth_resident_get(w->email, &active, app_store(r), q->tenant.code, q->ses.account_id, e);
	if (rc == 0)
		rc = auth_resident_email_verified(&verified, app_store(r), q->tenant.code, q->ses.account_id, e);
	if (rc == 0 && (!verified || !active || !mail_addr_valid(w->email)))
		w->email[0] = '\0';
	if (rc == 0 && notify_sms_enabled())
		rc = notify_contact_get(w->sms, sizeof w->sms, app_store(r), q->tenant.code, q->ses.account_id,
					NOTIFY_SMS, e);
	if (rc == 0 && notify_line_enabled())
		rc = notify_contact_get(w->line, sizeof w->line, app_store(r), q->tenant.code,
					q->ses.account_id, NOTIFY_LINE, e);
	return rc;
}

static const char *reach_at(const struct reach *w, int ch)
{
	return ch == NOTIFY_EMAIL ? w->email : ch == NOTIFY_SMS ? w->sms : w->line;
}

static void reach_clear(struct reach *w)
{
	explicit_bzero(w, sizeof *w);
}

/* the links to set up SMS and LINE */
static void channel_links(struct buf *b, struct http_req *r)
{
	if (notify_sms_enabled())
		html_printf(b, "<p><a href=\"/mypage/notifications/sms\" id=\"subs-sms\">%s</a></p>",
			    T(r, "notify.smsno.entry"));
	if (notify_line_enabled())
		html_printf(b, "<p><a href=\"/mypage/notifications/line\" id=\"subs-line\">%s</a></p>",
			    T(r, "notify.line.entry"));
}

/* the municipality's areas as a select's options (notify_web.h) */
struct area_opts {
	struct http_req *r;
	struct ui_option *o;
	int n, with_code;
};

static int area_opt_cb(const struct notify_area *a, void *arg)
{
	struct area_opts *c = arg;
	struct arena *ar = c->r->arena;
	const char *name = app_req(c->r)->lang == HTML_EN && a->name_en ? a->name_en : a->name_ja;
	c->o[c->n++] = (struct ui_option){ arena_strdup(ar, a->code),
					   c->with_code ? arena_printf(ar, "%s（%s）", name, a->code)
							: arena_strdup(ar, name) };
	return c->n >= NOTIFY_AREAS_MAX;
}

int notify_web_area_options(struct ui_option **out, struct http_req *r, int with_code, struct err *e)
{
	struct area_opts c = { r, arena_alloc(r->arena, NOTIFY_AREAS_MAX * sizeof *c.o), 0, with_code };
	*out = c.o;
	if (!c.o)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	int rc = notify_areas_each(app_store(r), app_req(r)->tenant.code, area_opt_cb, &c, e);
	return rc < 0 ? rc : c.n;
}

static int subs_page(struct http_req *r, int status, const char *notice, const char *error)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct reach w;
	struct have h = { 0 };
	int rc = reach_of(&w, r, &e);
	if (rc == 0)
		rc = notify_subscriptions(app_store(r), q->tenant.code, q->ses.account_id, have_cb, &h, &e);
	struct ui_option *areas = NULL;
	int nareas = rc < 0 ? rc : notify_web_area_options(&areas, r, 0, &e);
	if (nareas < 0)
		rc = nareas;
	if (rc < 0) {
		reach_clear(&w);
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	}
	app_audit(r, AUDIT_A_READ, "notify.subscription", "self", AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.subs.title"), error ? "f-area" : NULL, error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"subs-notice\">%s</p>", notice);
	html_printf(&b, "<p>%s</p>", T(r, "notify.subs.lead"));
	if (!w.email[0] && !w.sms[0] && !w.line[0]) {
		html_printf(&b, "<p id=\"subs-unverified\">%s</p>", T(r, "notify.subs.unverified"));
		channel_links(&b, r);     /* SMS and LINE need no e-mail address */
		html_printf(&b, "<p><a href=\"/mypage\">%s</a></p>", T(r, "notify.subs.back"));
		reach_clear(&w);
		return app_page_send(r, status, &b, &p);
	}
	const char *label[3] = {
		w.email[0] ? arena_printf(r->arena, T(r, "notify.subs.channel.email"), w.email) : NULL, /* checksrc: fmt-ok */
		w.sms[0] ? arena_printf(r->arena, T(r, "notify.subs.channel.sms"), w.sms) : NULL,       /* checksrc: fmt-ok */
		w.line[0] ? T(r, "notify.subs.channel.line") : NULL,
	};
	html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	int cats_on = 0;
	for (int t = FIRST_CAT; t < DISASTER; t++)
		for (int ch = 0; ch < 3; ch++)
			cats_on |= h.on[t][ch];
	for (int t = 0; t < NTOPICS; t++) {
		if (t == FIRST_CAT)
			html_printf(&b, "<details class=\"subs-categories\" id=\"subs-categories\"%S><summary>%s</summary>"
				    "<p>%s</p>", cats_on ? " open" : "", T(r, "notify.subs.categories"),
				    T(r, "notify.subs.categories.hint"));
		if (t == DISASTER && DISASTER > FIRST_CAT)
			buf_puts(&b, "</details>");
		struct topic_row row = topic_row(r, t);
		ui_fieldset_open(&b, &(struct ui_field){ .id = arena_printf(r->arena, "f-topic-%s", row.name),
							 .label = T(r, row.label),
							 .hint = t == 0 ? T(r, "notify.subs.channel.hint") : NULL,
							 .lang = q->lang });
		if (t == DISASTER && nareas == 0) {   /* no areas: nothing to choose */
			html_printf(&b, "<p id=\"subs-no-areas\">%s</p>", T(r, "notify.subs.area.none"));
			ui_fieldset_close(&b);
			continue;
		}
		if (t == DISASTER)
			ui_select(&b, &(struct ui_field){ .name = "area", .label = T(r, "notify.subs.area"),
							  .hint = T(r, "notify.subs.area.hint"), .value = h.area,
							  .error = error, .lang = q->lang },
				  areas, nareas, T(r, "notify.subs.area.choose"));
		for (int ch = 0; ch < 3; ch++)
			if (label[ch] && label[ch][0] && topic_has(t, ch))
				ui_checkbox(&b, &(struct ui_field){ .name = field_name(r, t, ch), .label = label[ch],
								    .lang = q->lang }, h.on[t][ch]);
		ui_fieldset_close(&b);
	}
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"subs-save\">%s</button></form>",
		    T(r, "notify.subs.save"));
	channel_links(&b, r);
	reach_clear(&w);
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
	if (strncmp(sub->topic, "disaster.", 9) != 0)
		return 0;
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->topics[i], sub->topic) == 0)
			return 0;
	if (d->n < 8)
		snprintf(d->topics[d->n++], sizeof d->topics[0], "%s", sub->topic);
	return 0;
}

/* one topic on a channel the form offered, as the form says */
static int save_one(struct http_req *r, const struct reach *w, const char *topic, int ch, int want,
		    const char *lang, struct err *e)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	if (want)
		return notify_subscribe(s, &(struct notify_sub_in){
			.tenant = q->tenant.code, .account = q->ses.account_id, .topic = topic,
			.address = w->email, .lang = lang, .channel = (enum notify_channel)ch }, app_now(), e);
	return notify_unsubscribe_channel(s, q->tenant.code, q->ses.account_id, topic, (enum notify_channel)ch, e);
}

int page_mypage_notifications_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct err e;
	const char *area = http_param(r, "area");
	int disaster = 0;
	for (int ch = 0; ch < 3; ch++)
		disaster |= topic_has(DISASTER, ch) && checked(r, field_name(r, DISASTER, ch));
	char dtopic[NOTIFY_TOPIC_MAX + 1] = "";
	if (disaster) {
		char name[NOTIFY_AREA_NAME_MAX + 1];
		if (!area || !notify_area_code_valid(area) ||
		    snprintf(dtopic, sizeof dtopic, "disaster.%s", area) >= (int)sizeof dtopic ||
		    !notify_topic_valid(dtopic) ||
		    notify_area_name(name, app_store(r), q->tenant.code, area, "ja", &e))
			return subs_page(r, 400, NULL, T(r, "notify.subs.error.area"));
	}
	struct reach w;
	int rc = reach_of(&w, r, &e);
	if (rc == 0 && !w.email[0] && !w.sms[0] && !w.line[0])
		rc = err_set(&e, ERR_DENIED, "notify: no verified address, number or LINE");
	const char *lang = notify_lang_code((enum notify_lang)q->lang);
	struct drop d = { .n = 0 };
	if (rc == 0)
		rc = notify_subscriptions(s, q->tenant.code, q->ses.account_id, disaster_cb, &d, &e);
	if (rc >= 0)
		rc = store_begin(s, &e);
	/* only the channels the form offered: a subscription on a channel the
	 * account cannot use now (an address to confirm again, SMS or LINE off
	 * on this server) is left as it is, not removed by a save */
	for (int t = 0; rc >= 0 && t < DISASTER; t++)
		for (int ch = 0; rc >= 0 && ch < 3; ch++)
			if (reach_at(&w, ch)[0])
				rc = save_one(r, &w, topic_row(r, t).topic, ch,
					      topic_has(t, ch) && checked(r, field_name(r, t, ch)), lang, &e);
	/* one area: the others go on every channel */
	for (int i = 0; rc >= 0 && i < d.n; i++)
		if (strcmp(d.topics[i], dtopic) != 0)
			rc = notify_unsubscribe(s, q->tenant.code, q->ses.account_id, d.topics[i], &e);
	for (int ch = 0; rc >= 0 && disaster && ch < 3; ch++)
		if (reach_at(&w, ch)[0])
			rc = save_one(r, &w, dtopic, ch, checked(r, field_name(r, DISASTER, ch)), lang, &e);
	reach_clear(&w);
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
	for (int i = 0; i < NFIXED; i++)
		if (strcmp(topic, fixed[i].topic) == 0)
			return T(r, fixed[i].label);
	if (strncmp(topic, "news.", 5) == 0) {
		const struct notify_category *c = notify_category_find(topic + 5);
		return arena_printf(r->arena, T(r, "notify.subs.topic.news_of"),  /* checksrc: fmt-ok */
				    c ? T(r, c->label_id) : topic + 5);
	}
	if (strncmp(topic, "disaster.", 9) == 0) {
		char name[NOTIFY_AREA_NAME_MAX + 1];
		struct err e;
		if (notify_area_name(name, app_store(r), app_req(r)->tenant.code, topic + 9,
				     app_req(r)->lang == HTML_EN ? "en" : "ja", &e))
			snprintf(name, sizeof name, "%s", topic + 9);   /* not expected: area.c keeps it */
		return arena_printf(r->arena, "%s（%s）", T(r, "notify.subs.topic.disaster"), name);
	}
	return topic;
}

/* the topic and, for SMS and LINE, the channel the link ends */
static const char *sub_label(struct http_req *r, const struct notify_sub *sub, const char *topic)
{
	if (!sub->channel || strcmp(sub->channel, "email") == 0)
		return topic_label(r, topic);
	return arena_printf(r->arena, T(r, "notify.unsub.channel"), topic_label(r, topic),  /* checksrc: fmt-ok */
			    T(r, strcmp(sub->channel, "sms") == 0 ? "notify.staff.channel.sms"
								  : "notify.staff.channel.line"));
}

/* a subscription's audit id: the e-mail one's number, "sms:N" / "line:N"
 * (the two tables number apart) */
static void sub_id(char id[32], const struct notify_sub *sub)
{
	if (!sub->channel || strcmp(sub->channel, "email") == 0)
		snprintf(id, 32, "%lld", (long long)sub->id);
	else
		snprintf(id, 32, "%s:%lld", sub->channel, (long long)sub->id);
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
	char id[32];
	sub_id(id, &sub);
	app_audit(r, AUDIT_A_READ, "notify.subscription", id, AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.unsub.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p><p id=\"unsub-topic\"><strong>%s</strong></p>"
		    "<form method=\"post\" action=\"/unsubscribe/%s\">"
		    "<button type=\"submit\" class=\"button\" id=\"unsub-confirm\">%s</button></form>",
		    T(r, "notify.unsub.confirm"), sub_label(r, &sub, topic), token, T(r, "notify.unsub.button"));
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
	char id[32];
	sub_id(id, &sub);
	app_audit(r, AUDIT_A_WRITE, "notify.subscription", rc ? "token" : id, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc)
		return app_send_error(r, rc == ERR_NOTFOUND ? ERR_NOTFOUND : rc, "notify.unsub.error.not_found",
				      "unsubscribe: no such token");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.unsub.done.title"), NULL, NULL);
	html_printf(&b, "<p role=\"status\" id=\"unsub-done\">%s</p><p><strong>%s</strong></p>"
		    "<p><a href=\"/mypage/notifications\">%s</a></p>",
		    T(r, "notify.unsub.done"), sub_label(r, &sub, topic), T(r, "notify.unsub.manage"));
	return app_page_send(r, 200, &b, &p);
}
