/*
 * page_channels.c -- the SMS channel's web side: its serve options (read
 * once at start), the delivery job `notify.deliver`, the provider's
 * signed status callback, a message's state by id (API) and the staff
 * pages that list the SMS/LINE messages with their state and reason.
 *
 *   POST /api/v1/notify/sms/status   no session, no CSRF: the signature
 *        (X-Twilio-Signature over this route's public URL and the form's
 *        parameters, HMAC-SHA1 with the AuthToken, compared in constant
 *        time) is the authentication; 403 when absent or forged; 404 when
 *        SMS is off.  Idempotent: a receipt for a message already final
 *        changes nothing (200).
 *   GET  /api/v1/notify/messages/{id}  staff (mail.read): state, channel,
 *        attempts, last error code -- no number, no text; audited.
 *   GET  /staff/notify/messages        staff (mail.read): the list with a
 *        state filter; failed and bounced show their reason code
 *   GET  /staff/notify/messages/{id}   one message (the text and the
 *        number: audited)
 *
 * The provider is called from the job (a job worker thread, never an
 * event loop).  Nothing here logs a number, a text, a key or a signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"
#include "core/audit/audit.h"
#include "core/auth/auth.h"
#include "core/jobs/jobs.h"
#include "core/tenant/tenant.h"
#include "svc/notify/channels.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"
#include "web/app.h"
#include "web/app_mail.h"
#include "web/params.h"
#include "web/svc.h"
#include "web/ui.h"

/* read once at start, before the workers; read-only after */
static struct notify_sms_config sms_cfg;
static int sms_on;
static struct notify_line_config line_cfg;
static int line_on;

int notify_channels_check_url(const char *v)
{
	return notify_url_ok(v);
}

int notify_channels_check_phone(const char *v)
{
	return notify_phone_valid(v) ? 0 : ERR_INVALID;
}

int notify_channels_init(struct app *a, struct err *e)
{
	int rc = notify_sms_config_load(&sms_cfg, &sms_on, svc_option(a, "sms-url"),
					svc_option(a, "sms-key-file"), svc_option(a, "sms-from"), e);
	if (rc)
		return rc;
	rc = notify_line_config_load(&line_cfg, &line_on, svc_option(a, "line-url"),
				     svc_option(a, "line-token-file"), svc_option(a, "line-secret-file"), e);
	if (rc) {
		notify_sms_config_wipe(&sms_cfg);
		sms_on = 0;
		return rc;
	}
	if (sms_on)
		log_info("notify: the SMS channel is on", "provider", "twilio-shape");
	if (line_on)
		log_info("notify: the LINE channel is on", "provider", "line-messaging-api");
	return 0;
}

void notify_channels_done(void)
{
	notify_sms_config_wipe(&sms_cfg);
	sms_on = 0;
	notify_line_config_wipe(&line_cfg);
	line_on = 0;
}

unsigned notify_channels_off(void)
{
	return (notify_sms_enabled() ? 0u : 1u << NOTIFY_SMS) | (notify_line_enabled() ? 0u : 1u << NOTIFY_LINE);
}

int notify_sms_enabled(void)
{
	return sms_on;
}

int notify_line_enabled(void)
{
	return line_on;
}

/* ---- the delivery job ---- */

static void callback_url(char *out, size_t cap, struct app *a, struct store *s, const char *tenant)
{
	out[0] = 0;
	struct tenant t;
	struct err e = { 0 };
	char base[600];
	if (tenant_get(&t, s, tenant, &e) == 0 && app_mail_link_base(base, sizeof base, a, &t) == 0)
		snprintf(out, cap, "%s%s", base, NOTIFY_SMS_STATUS_PATH);
}

static int deliver(struct jobs_ctx *ctx, struct app *a, enum notify_channel ch, int *sent,
		   struct err *e)
{
	struct store *s = ctx->store;
	char tok[33];
	if (random_token(tok, 16))
		return err_set(e, ERR_IO, "notify: no random bytes");
	struct notify_claimed c[NOTIFY_MSG_BATCH];
	int n = 0;
	int64_t now = app_now();
	int rc = notify_msg_claim(c, &n, NOTIFY_MSG_BATCH, s, ch, tok, now, e);
	if (rc) {
		notify_claimed_free(c, n);
		return rc;
	}
	int down = 0;
	for (int i = 0; i < n; i++) {
		char pid[NOTIFY_PROVIDER_ID_MAX + 1] = "", code[NOTIFY_CODE_MAX + 1] = "";
		enum notify_outcome o;
		if (down) {   /* the provider unreachable: the rest wait, uncharged */
			o = NOTIFY_OUT_DEFER;
			snprintf(code, sizeof code, "%s", ch == NOTIFY_SMS ? "sms unreachable" : "line unreachable");
		} else if (ch == NOTIFY_LINE) {
			struct notify_msg m;
			char rk[37];
			struct arena *ma = arena_new(16 * 1024);
			/* the retry key: the same on every attempt of this message */
			if (ma && notify_msg_get(&m, ma, s, c[i].tenant, c[i].id, e) == 0)
				notify_line_retry_key(rk, c[i].tenant, c[i].id, m.created_at);
			else
				notify_line_retry_key(rk, c[i].tenant, c[i].id, 0);
			arena_free(ma);
			o = notify_line_push(pid, code, &line_cfg, c[i].recipient, c[i].body, rk);
			if (o == NOTIFY_OUT_DEFER)
				down = 1;
		} else {
			char cb[700];
			callback_url(cb, sizeof cb, a, s, c[i].tenant);
			o = notify_sms_send(pid, code, &sms_cfg, c[i].recipient, c[i].body, cb[0] ? cb : NULL);
			if (o == NOTIFY_OUT_DEFER)
				down = 1;
		}
		rc = notify_msg_outcome(s, c[i].id, tok, o, pid, code, app_now(), e);
		if (rc < 0)
			break;
		rc = 0;
		/* LINE reports nothing later: accepted by the platform is delivered */
		if (o == NOTIFY_OUT_ACCEPTED && ch == NOTIFY_LINE) {
			int changed;
			rc = notify_msg_receipt(&changed, s, c[i].tenant, NOTIFY_LINE, pid, NOTIFY_DELIVERED,
						NULL, app_now(), e);
			if (rc < 0)
				break;
			rc = 0;
		}
		if (o == NOTIFY_OUT_ACCEPTED)
			(*sent)++;
		else {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)c[i].id);
			log_info("notify: a message was not accepted", "message", id, "code", code);
		}
	}
	notify_claimed_free(c, n);
	if (rc)
		return rc;
	return n;
}

int notify_deliver_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	struct app *a = app;
	int sent = 0;
	for (int k = 0; k < 2; k++) {
		enum notify_channel ch = k == 0 ? NOTIFY_SMS : NOTIFY_LINE;
		if (!(ch == NOTIFY_SMS ? sms_on : line_on))
			continue;   /* off: its messages stay queued, nothing pretends */
		int n;
		/* batch after batch while there are due messages */
		while ((n = deliver(ctx, a, ch, &sent, e)) > 0 && !jobs_stopping(ctx))
			;
		if (n < 0)
			return n;
		int64_t at = 0;
		int rc = notify_msg_next_due(&at, ctx->store, ch, e);
		if (rc == 0 && at > 0)
			rc = notify_wake(ctx->store, at > app_now() ? at : app_now() + 1, e);
		if (rc)
			return rc;
	}
	char msg[64];
	snprintf(msg, sizeof msg, "%d messages handed to the providers", sent);
	jobs_set_result(ctx, msg);
	return 0;
}

/* ---- the provider's status callback ---- */

int api_notify_sms_status(struct http_req *r)
{
	if (!sms_on)
		return app_send_error(r, ERR_NOTFOUND, "notify.channel.error.disabled",
				      "sms status: not configured");
	size_t len = 0;
	const char *body = http_body(r, &len);
	if (len > NOTIFY_CALLBACK_BODY_MAX)
		return app_send_error(r, ERR_LIMIT, "notify.channel.error.too_large",
				      "sms status: body too large", NOTIFY_CALLBACK_BODY_MAX);
	const char *names[64], *values[64];
	int n = http_parse_urlencoded(body ? body : "", body ? len : 0, r->arena, names, values, 64);
	if (n < 0)
		return app_send_error(r, ERR_INVALID, "notify.channel.error.callback",
				      "sms status: not a form");
	char url[700];
	struct app_req *q = app_req(r);
	char base[600];
	if (app_mail_link_base(base, sizeof base, app_of(r), &q->tenant))
		return app_send_error(r, ERR_INTERNAL, "notify.channel.error.callback",
				      "sms status: no public URL");
	snprintf(url, sizeof url, "%s%s", base, NOTIFY_SMS_STATUS_PATH);
	int sig = notify_sms_verify(sms_cfg.token, sms_cfg.token_len, url,
				    http_header(r, "x-twilio-signature"), names, values, n);
	if (sig != NOTIFY_SIG_OK) {
		log_warn("notify: an SMS status callback refused", "signature",
			 sig == NOTIFY_SIG_ABSENT ? "absent" : sig == NOTIFY_SIG_MALFORMED ? "malformed"
											: "forged");
		return app_send_error(r, ERR_DENIED, "notify.channel.error.signature",
				      "sms status: signature refused");
	}
	const char *sid = NULL, *status = NULL, *ecode = NULL, *account = NULL;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], "MessageSid") == 0)
			sid = values[i];
		else if (strcmp(names[i], "MessageStatus") == 0)
			status = values[i];
		else if (strcmp(names[i], "ErrorCode") == 0)
			ecode = values[i];
		else if (strcmp(names[i], "AccountSid") == 0)
			account = values[i];
	}
	int st = notify_sms_status_of(status);
	if (!sid || st < 0 || (account && strcmp(account, sms_cfg.sid) != 0))
		return app_send_error(r, ERR_INVALID, "notify.channel.error.callback",
				      "sms status: MessageSid, MessageStatus or AccountSid");
	char code[NOTIFY_CODE_MAX + 1] = "";
	if (ecode && *ecode) {
		long v = strtol(ecode, NULL, 10);
		if (v > 0 && v < 1000000)
			snprintf(code, sizeof code, "sms %s %ld", status, v);
	}
	if (!code[0] && st != NOTIFY_DELIVERED)
		snprintf(code, sizeof code, "sms %.20s", status);
	int changed = 0;
	struct err e = { 0 };
	int rc = notify_msg_receipt(&changed, app_store(r), q->tenant.code, NOTIFY_SMS, sid,
				    (enum notify_state)st, code, app_now(), &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "notify.channel.error.not_found",
				      "sms status: no message has this sid");
	if (rc)
		return app_send_error(r, ERR_UNAVAILABLE, "notify.channel.error.unavailable",
				      arena_printf(r->arena, "sms status: %s", e.detail));
	return http_send_json(r, 200, changed ? "{\"received\":true,\"changed\":true}"
					      : "{\"received\":true,\"changed\":false}");
}

/* ---- the LINE webhook ---- */

int api_notify_line_webhook(struct http_req *r)
{
	if (!line_on)
		return app_send_error(r, ERR_NOTFOUND, "notify.channel.error.disabled",
				      "line webhook: not configured");
	size_t len = 0;
	const char *body = http_body(r, &len);
	if (len > NOTIFY_CALLBACK_BODY_MAX)
		return app_send_error(r, ERR_LIMIT, "notify.channel.error.too_large",
				      "line webhook: body too large", NOTIFY_CALLBACK_BODY_MAX);
	int sig = notify_line_verify(line_cfg.secret, line_cfg.secret_len,
				     http_header(r, "x-line-signature"), body ? body : "", body ? len : 0);
	if (sig != NOTIFY_SIG_OK) {
		log_warn("notify: a LINE webhook refused", "signature",
			 sig == NOTIFY_SIG_ABSENT ? "absent" : sig == NOTIFY_SIG_MALFORMED ? "malformed"
											: "forged");
		return app_send_error(r, ERR_DENIED, "notify.channel.error.signature",
				      "line webhook: signature refused");
	}
	struct notify_line_event ev[16];
	struct err e = { 0 };
	int n = notify_line_events_parse(ev, 16, body, len, &e);
	if (n < 0)
		return app_send_error(r, ERR_INVALID, "notify.channel.error.callback",
				      arena_printf(r->arena, "line webhook: %s", e.detail));
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	int64_t now = app_now();
	int linked = 0, seen = 0, refused = 0;
	for (int i = 0; i < n; i++) {
		int rc = store_begin(s, &e);
		if (rc)
			return app_send_error(r, ERR_UNAVAILABLE, "notify.channel.error.unavailable",
					      "line webhook: begin");
		rc = notify_line_event_seen(s, q->tenant.code, ev[i].event_id, now, &e);
		if (rc == 1) {           /* a replay or a redelivery: done before */
			store_rollback(s);
			seen++;
			continue;
		}
		if (rc == 0 && ev[i].user_id[0] && strcmp(ev[i].type, "unfollow") == 0) {
			rc = notify_line_unfollow(s, q->tenant.code, ev[i].user_id, &e);
			rc = rc < 0 ? rc : 0;
		} else if (rc == 0 && ev[i].user_id[0] && strcmp(ev[i].type, "message") == 0 &&
			   notify_link_code_valid(NOTIFY_LINE, ev[i].text)) {
			int64_t account = 0;
			rc = notify_line_link(&account, s, q->tenant.code, ev[i].text, ev[i].user_id, now, &e);
			char obj[24];
			snprintf(obj, sizeof obj, "%lld", (long long)account);
			if (rc == 0) {
				/* confirmed to the resident on LINE, in the same transaction: a
				 * reply they wait for, never held by quiet hours */
				struct notify_value v[] = { { "ward", q->tenant.name_ja } };
				int64_t mid;
				rc = notify_send(&mid, s, q->tenant.code, &(struct notify_send){
					.channel = NOTIFY_LINE, .recipient = ev[i].user_id,
					.template_id = "line.linked", .vals = v, .n = 1, .priority = 1 },
					now, &e);
				if (rc == 0) {
					linked++;
					app_audit(r, "notify.line.link", "account", obj, AUDIT_R_OK);
				}
			} else if (rc == ERR_NOTFOUND) {
				refused++;
				app_audit(r, "notify.line.link", "account", "0", AUDIT_R_DENIED);
				rc = 0;
			}
		}
		if (rc) {
			store_rollback(s);
			return app_send_error(r, ERR_UNAVAILABLE, "notify.channel.error.unavailable",
					      arena_printf(r->arena, "line webhook: %s", e.detail));
		}
		if ((rc = store_commit(s, &e)))
			return app_send_error(r, ERR_UNAVAILABLE, "notify.channel.error.unavailable",
					      "line webhook: commit");
	}
	return http_send_json(r, 200, arena_printf(r->arena,
		"{\"received\":%d,\"linked\":%d,\"seen_before\":%d,\"unknown_code\":%d}",
		n, linked, seen, refused));
}

/* ---- a message's state by id ---- */

static int msg_id(int64_t *id, struct http_req *r)
{
	const char *v = http_param(r, "id");
	return v && parse_i64(id, v, 1, INT64_MAX) == 0 ? 0 : ERR_NOTFOUND;
}

int api_notify_message(struct http_req *r)
{
	int64_t id;
	if (msg_id(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "notify.message.not_found", "bad message id");
	struct notify_msg m;
	struct err e = { 0 };
	int rc = notify_msg_get(&m, r->arena, app_store(r), app_req(r)->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "notify.message.not_found", "no such message");
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)id);
	app_audit(r, AUDIT_A_READ, "notify_message", obj, AUDIT_R_OK);
	/* no recipient, no text: the state and why */
	return http_send_json(r, 200, arena_printf(r->arena,
		"{\"id\":%lld,\"channel\":\"%s\",\"state\":\"%s\",\"priority\":\"%s\",\"attempts\":%d,"
		"\"segments\":%d,\"last_error\":\"%s\",\"created_at\":%lld,\"sent_at\":%lld,\"done_at\":%lld}",
		(long long)m.id, m.channel, notify_state_name(m.state),
		m.priority ? "emergency" : "normal", m.attempts, m.segments, m.last_error,
		(long long)m.created_at, (long long)m.sent_at, (long long)m.done_at));
}

/* ---- staff pages ---- */

static void fmt_time(char *out, size_t cap, int64_t t)
{
	if (!t) {
		snprintf(out, cap, "-");
		return;
	}
	time_t tt = (time_t)t + 9 * 3600;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

static const char *state_label(enum notify_state s)
{
	switch (s) {
	case NOTIFY_QUEUED: return "notify.msg.state.queued";
	case NOTIFY_SENDING: return "notify.msg.state.sending";
	case NOTIFY_DELIVERED: return "notify.msg.state.delivered";
	case NOTIFY_FAILED: return "notify.msg.state.failed";
	case NOTIFY_BOUNCED: return "notify.msg.state.bounced";
	}
	return "notify.msg.state.failed";
}

struct list_ctx {
	struct buf *b;
	enum html_lang l;
};

static int list_row(const struct notify_msg *m, void *arg)
{
	struct list_ctx *c = arg;
	char created[32];
	fmt_time(created, sizeof created, m->created_at);
	html_printf(c->b, "<tr><td><a href=\"/staff/notify/messages/%lld\">%lld</a></td><td>%s</td>"
		    "<td>%s</td><td>%s</td><td class=\"state-%s\">%s</td><td>%s</td><td>%d</td><td>%s</td></tr>\n",
		    (long long)m->id, (long long)m->id, created,
		    html_t(c->l, strcmp(m->channel, "sms") == 0 ? "notify.staff.channel.sms"
								 : "notify.staff.channel.line"),
		    m->template_id, notify_state_name(m->state), html_t(c->l, state_label(m->state)),
		    html_t(c->l, m->priority ? "notify.msg.lane.emergency" : "notify.msg.lane.normal"),
		    m->attempts, m->last_error[0] ? m->last_error : "-");
	return 0;
}

#define MSG_PER_PAGE 50

int page_notify_messages(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *state = http_param(r, "state");
	if (state && !*state)
		state = NULL;
	if (state && notify_state_parse(state) < 0)
		return app_send_error(r, ERR_INVALID, "notify.msg.error.state", "bad state filter");
	long page = 1;
	const char *pv = http_param(r, "page");
	if (pv) {
		int64_t v;
		if (parse_i64(&v, pv, 1, 100000))
			return app_send_error(r, ERR_INVALID, "notify.msg.error.state", "bad page");
		page = (long)v;
	}
	struct html_page hp;
	struct buf b;
	app_page_open(&b, &hp, r, html_t(l, "notify.msg.title"), NULL, NULL);
	html_printf(&b, "<p id=\"channels-lead\">%s</p>",
		    html_t(l, sms_on ? "notify.msg.lead" : "notify.msg.lead.off"));
	if (!line_on)
		html_printf(&b, "<p id=\"channels-line-off\">%s</p>", html_t(l, "notify.msg.lead.line_off"));
	static const char *const states[] = { "queued", "sending", "delivered", "failed", "bounced" };
	struct ui_option opts[5];
	for (int i = 0; i < 5; i++)
		opts[i] = (struct ui_option){ .value = states[i],
					      .label = html_t(l, state_label((enum notify_state)i)) };
	buf_puts(&b, "<form method=\"get\" action=\"/staff/notify/messages\" class=\"form\">");
	ui_select(&b, &(struct ui_field){ .name = "state", .id = "state",
					  .label = html_t(l, "notify.msg.filter"),
					  .value = state ? state : "", .lang = l },
		  opts, 5, html_t(l, "notify.msg.state.all"));
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
		    html_t(l, "notify.msg.show"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"msg-caption\""
		    " tabindex=\"0\"><table id=\"notify-messages\"><caption id=\"msg-caption\">%s</caption>"
		    "<thead><tr><th scope=\"col\">ID</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "notify.msg.title"), html_t(l, "notify.msg.col.created"),
		    html_t(l, "notify.staff.col.channel"), html_t(l, "notify.staff.col.template"),
		    html_t(l, "notify.msg.col.state"), html_t(l, "notify.msg.col.lane"),
		    html_t(l, "notify.msg.col.attempts"), html_t(l, "notify.msg.col.error"));
	struct list_ctx c = { &b, l };
	struct err e = { 0 };
	int n = notify_msg_list(app_store(r), q->tenant.code, NULL, state, MSG_PER_PAGE + 1,
				(int)((page - 1) * MSG_PER_PAGE), list_row, &c, &e);
	if (n < 0) {
		buf_done(&b);
		return http_send_error(r, n, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table></div>\n");
	if (n == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "notify.msg.none"));
	app_audit(r, AUDIT_A_READ, "notify_messages", q->tenant.code, AUDIT_R_OK);
	return app_page_send(r, 200, &b, &hp);
}

int page_notify_message(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	int64_t id;
	if (msg_id(&id, r))
		return app_send_error(r, ERR_NOTFOUND, "notify.message.not_found", "bad message id");
	struct notify_msg m;
	struct err e = { 0 };
	int rc = notify_msg_get(&m, r->arena, app_store(r), q->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "notify.message.not_found", "no such message");
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page hp;
	struct buf b;
	app_page_open(&b, &hp, r, html_t(l, "notify.msg.one"), NULL, NULL);
	html_printf(&b, "<p><a href=\"/staff/notify/messages\">%s</a></p>", html_t(l, "notify.msg.back"));
	char created[32], sent[32], done[32], next[32];
	fmt_time(created, sizeof created, m.created_at);
	fmt_time(sent, sizeof sent, m.sent_at);
	fmt_time(done, sizeof done, m.done_at);
	fmt_time(next, sizeof next, m.next_attempt_at);
	html_printf(&b, "<dl class=\"summary-list\" id=\"notify-message\">"
		    "<div><dt>ID</dt><dd>%lld</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s (%s)</dd></div>"
		    "<div><dt>%s</dt><dd id=\"msg-state\">%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%d</dd></div>"
		    "<div><dt>%s</dt><dd id=\"msg-error\">%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%d</dd></div>"
		    "</dl>",
		    (long long)m.id,
		    html_t(l, "notify.staff.col.channel"),
		    html_t(l, strcmp(m.channel, "sms") == 0 ? "notify.staff.channel.sms"
							     : "notify.staff.channel.line"),
		    html_t(l, "notify.msg.col.to"), m.recipient,
		    html_t(l, "notify.staff.col.template"), m.template_id, m.lang,
		    html_t(l, "notify.msg.col.state"), html_t(l, state_label(m.state)),
		    html_t(l, "notify.msg.col.lane"),
		    html_t(l, m.priority ? "notify.msg.lane.emergency" : "notify.msg.lane.normal"),
		    html_t(l, "notify.msg.col.attempts"), m.attempts,
		    html_t(l, "notify.msg.col.error"), m.last_error[0] ? m.last_error : "-",
		    html_t(l, "notify.msg.col.created"), created,
		    html_t(l, "notify.msg.col.sent"), sent,
		    html_t(l, "notify.msg.col.done"), done,
		    html_t(l, "notify.msg.col.next"), next,
		    html_t(l, "notify.msg.col.segments"), m.segments);
	/* a verification code is the resident's, not staff's to read */
	if (strcmp(m.template_id, "sms.verify") == 0)
		html_printf(&b, "<h2>%s</h2><p id=\"message-body-hidden\">%s</p>", html_t(l, "notify.msg.text"),
			    html_t(l, "notify.msg.text.hidden"));
	else
		html_printf(&b, "<h2>%s</h2><pre class=\"message-body\">%s</pre>", html_t(l, "notify.msg.text"),
			    m.body);
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)id);
	app_audit(r, AUDIT_A_READ, "notify_message", obj, AUDIT_R_OK);
	return app_page_send(r, 200, &b, &hp);
}
