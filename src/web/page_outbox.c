/*
 * page_outbox.c -- the municipality's outbox and development mailbox for
 * staff holding mail.read (AUTH_PERM_MAIL_READ):
 *
 *   GET /staff/outbox?state=S&page=N   the newest messages first: state
 *                                      (queued, sent, delivered to the
 *                                      development mailbox, failed,
 *                                      bounced), attempts, next attempt,
 *                                      last error (a bounce's status code);
 *                                      above them the addresses whose mail
 *                                      hard-bounced (mail_bounced_addresses)
 *   GET /staff/outbox/{id}             one message: its headers and its
 *                                      decoded text, links clickable
 *
 * A server without an SMTP relay delivers its mail here (app_mail.c:
 * mail_devbox_deliver), so that the demo and a developer's machine can
 * read the confirmation links a resident would have received.
 *
 * Invariants: messages hold addresses and what was said to residents
 * (personal data): every page is audited (data.read, the list by
 * municipality, a message by its id), and only the municipality's own
 * messages are shown (deployment-level ones, tenant NULL, never).  Only
 * http and https URLs of a body become links; all text is escaped.  On a
 * server with a relay (the mail reached the resident) a link's token is
 * hidden: staff reading the outbox must not be able to confirm an
 * address or reset a password with a resident's link.  Without one (the
 * development mailbox) the link is the point, and shown whole.
 */
#include "web/app_mail.h"
#include "web/ui.h"
#include "jp/date.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define OUTBOX_PER_PAGE 50

static void when(char *out, size_t cap, int64_t secs)
{
	if (!secs) {
		snprintf(out, cap, "-");
		return;
	}
	struct tm tm;   /* shown in Japan time */
	jp_jst_tm(&tm, secs);
	strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

/* the catalog id of a message's state as staff read it */
static const char *state_label(const struct mail_info *m)
{
	if (m->state == MAIL_BOUNCED)
		return "outbox.state.bounced";
	if (m->state == MAIL_SENT)
		return m->devbox ? "outbox.state.devbox" : "outbox.state.sent";
	if (m->state == MAIL_FAILED)
		return "outbox.state.failed";
	/* queued: claimed by a runner, or held for quiet hours (mail_status) */
	const char *st = mail_status(m, app_now());
	return strcmp(st, "sending") == 0 ? "outbox.state.sending"
	       : strcmp(st, "held") == 0 ? "outbox.state.held" : "outbox.state.queued";
}

struct outbox_page {
	struct buf *b;
	enum html_lang l;
};

static int row(const struct mail_info *m, void *arg)
{
	struct outbox_page *p = arg;
	char created[32], next[32];
	when(created, sizeof created, m->created_at);
	when(next, sizeof next, m->state == MAIL_QUEUED ? m->next_attempt_at : 0);
	html_printf(p->b, "<tr><td>%ld</td><td>%s</td><td>%s</td>"
		    "<td><a href=\"/staff/outbox/%ld\">%s</a></td>"
		    "<td class=\"mail-state mail-state-%s\">%s</td><td>%d</td><td>%s</td><td>%s</td></tr>\n",
		    (long)m->id, created, m->to, (long)m->id, m->subject,
		    m->devbox && m->state == MAIL_SENT ? "devbox" : mail_state_name(m->state),
		    html_t(p->l, state_label(m)),
		    m->attempts, next, m->last_error ? m->last_error : "");
	return 0;
}

struct bounced_ctx {
	struct buf *b;
	enum html_lang l;
	int n;
};

static int bounced_row(const struct mail_bounced *m, void *arg)
{
	struct bounced_ctx *c = arg;
	char last[32];
	when(last, sizeof last, m->last_bounced_at);
	if (c->n++ == 0)
		html_printf(c->b, "<section aria-labelledby=\"bounced-title\" id=\"bounced\">"
			    "<h2 id=\"bounced-title\">%s</h2><p>%s</p>"
			    "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"bounced-title\""
			    " tabindex=\"0\"><table class=\"outbox\"><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "</tr></thead><tbody>\n",
			    html_t(c->l, "outbox.bounced.title"), html_t(c->l, "outbox.bounced.lead"),
			    html_t(c->l, "outbox.bounced.address"), html_t(c->l, "outbox.bounced.count"),
			    html_t(c->l, "outbox.bounced.last"));
	html_printf(c->b, "<tr class=\"bounced-address\"><td>%s</td><td>%d</td>"
		    "<td><a href=\"/staff/outbox/%ld\">%s</a></td></tr>\n",
		    m->address, m->count, (long)m->last_id, last);
	return 0;
}

/* the section of addresses whose mail hard-bounced (none: nothing) */
static int bounced_section(struct buf *b, struct http_req *r, enum html_lang l, struct err *e)
{
	struct bounced_ctx c = { b, l, 0 };
	int n = mail_bounced_addresses(app_store(r), app_req(r)->tenant.code, 50, bounced_row, &c, e);
	if (n < 0)
		return n;
	if (c.n)
		buf_puts(b, "</tbody></table></div></section>\n");
	return 0;
}

int page_outbox(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *st = http_param(r, "state");
	enum mail_state state = st && *st ? mail_state_parse(st) : 0;
	if (st && *st && !state)
		return app_send_error(r, ERR_INVALID, "outbox.bad_state", "unknown mail state");
	long page = 1;
	const char *pg = http_param(r, "page");
	if (pg && *pg) {
		int64_t v;
		if (parse_i64(&v, pg, 1, 10000))
			return app_send_error(r, ERR_INVALID, "outbox.bad_state", "page out of range");
		page = (long)v;
	}
	struct mail_filter f = { .tenant = q->tenant.code, .state = state,
				 .limit = OUTBOX_PER_PAGE,
				 .offset = (int)((page - 1) * OUTBOX_PER_PAGE) };
	struct err e;
	int total = mail_count(app_store(r), &f, &e);
	if (total < 0)
		return http_send_error(r, total, NULL, NULL, e.detail);
	struct html_page hp;
	struct buf b;
	app_page_open(&b, &hp, r, html_t(l, "outbox.title"), NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/outbox.css\">\n");
	html_printf(&b, "<p>%s</p>", html_t(l, app_mail_relay(app_of(r)) ? "outbox.lead.relay"
						 : app_mail_devbox(app_of(r)) ? "outbox.lead.devbox"
						 : "outbox.lead.queued"));
	/* the addresses that hard-bounced: staff ask the resident for another */
	if (page == 1 && bounced_section(&b, r, l, &e) < 0) {
		buf_done(&b);
		return http_send_error(r, ERR_DB, NULL, NULL, e.detail);
	}
	/* the filter: a GET form that works without JavaScript */
	static const char *const states[] = { "queued", "sent", "failed", "bounced" };
	static const char *const labels[] = { "outbox.state.queued", "outbox.state.sent_any",
					      "outbox.state.failed", "outbox.state.bounced" };
	struct ui_option opts[4];
	for (int i = 0; i < 4; i++)
		opts[i] = (struct ui_option){ .value = states[i], .label = html_t(l, labels[i]) };
	buf_puts(&b, "<form method=\"get\" action=\"/staff/outbox\" class=\"form\">");
	ui_select(&b, &(struct ui_field){ .name = "state", .id = "state",
					  .label = html_t(l, "outbox.filter"),
					  .value = state ? mail_state_name(state) : "", .lang = l },
		  opts, 4, html_t(l, "outbox.state.all"));
	html_printf(&b, "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
		    html_t(l, "outbox.show"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"outbox-caption\""
		    " tabindex=\"0\"><table class=\"outbox\"><caption id=\"outbox-caption\">%s</caption>"
		    "<thead><tr><th scope=\"col\">ID</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "outbox.title"), html_t(l, "outbox.created"), html_t(l, "outbox.to"),
		    html_t(l, "outbox.subject"), html_t(l, "outbox.state"), html_t(l, "outbox.attempts"),
		    html_t(l, "outbox.next"), html_t(l, "outbox.error"));
	struct outbox_page p = { &b, l };
	int n = mail_list(app_store(r), &f, row, &p, &e);
	if (n < 0) {
		buf_done(&b);
		return http_send_error(r, n, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table></div>\n");
	if (n == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "outbox.none"));
	const char *pairs[] = { "state", state ? mail_state_name(state) : NULL, NULL };
	ui_pager(&b, r->arena, l, &(struct ui_pager){ .path = "/staff/outbox", .pairs = pairs,
						      .page = page, .total = total,
						      .per_page = OUTBOX_PER_PAGE });
	app_audit(r, AUDIT_A_READ, "mail_outbox", q->tenant.code, AUDIT_R_OK);
	return app_page_send(r, 200, &b, &hp);
}

/* the body, escaped, its http(s) URLs made links; mask: a link that
 * carries a token (address confirmation, password reset) is shown with
 * the token hidden and not as a link -- the mail reached the resident
 * over the relay, and staff must not be able to use the resident's link */
static void body_html(struct buf *b, struct arena *a, const char *t, int mask)
{
	while (*t) {
		const char *h = strstr(t, "http");
		while (h && strncmp(h, "http://", 7) != 0 && strncmp(h, "https://", 8) != 0)
			h = strstr(h + 4, "http");
		if (!h) {
			html_printf(b, "%s", t);
			return;
		}
		size_t n = 0;
		/* a URL ends at a space, a control, a quote, an angle bracket
		 * or a character beyond ASCII (Japanese text right after it) */
		while (h[n] > ' ' && (unsigned char)h[n] < 0x7f && !strchr("\"'<>", h[n]))
			n++;
		while (n > 0 && strchr(".,)", h[n - 1]))
			n--;
		const char *pre = arena_printf(a, "%.*s", (int)(h - t), t);
		const char *url = arena_printf(a, "%.*s", (int)n, h);
		if (!pre || !url)
			return;
		const char *tok = strstr(url, "token=");
		if (mask && tok)
			html_printf(b, "%s%s%s", pre, arena_printf(a, "%.*s", (int)(tok - url) + 6, url),
				    "********");
		else
			html_printf(b, "%s<a href=\"%s\">%s</a>", pre, url, url);
		t = h + n;
	}
}

struct view_ctx {
	struct http_req *r;
	struct buf *b;
	int found;
};

/* one header row of the message view */
static void header_row(struct buf *b, const char *name, const char *value)
{
	html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td></tr>\n", name, value);
}

static int view_one(const struct mail_info *m, void *arg)
{
	struct view_ctx *v = arg;
	struct http_req *r = v->r;
	struct buf *b = v->b;
	enum html_lang l = app_req(r)->lang;
	const struct app *a = app_of(r);
	const char *from = a->cfg.mail && a->cfg.mail->from ? a->cfg.mail->from : "noreply@localhost";
	char mid[MAIL_ADDR_MAX + 80], created[32], sent[32], next[32], att[16];
	mail_message_id(mid, sizeof mid, m->msg_token, m->id, from);
	when(created, sizeof created, m->created_at);
	when(sent, sizeof sent, m->sent_at);
	when(next, sizeof next, m->state == MAIL_QUEUED ? m->next_attempt_at : 0);
	snprintf(att, sizeof att, "%d", m->attempts);
	v->found = 1;
	html_printf(b, "<table class=\"mail-headers\"><caption>%s</caption><tbody>\n",
		    html_t(l, "outbox.headers"));
	header_row(b, "Date", created);
	header_row(b, "From", from);
	header_row(b, "To", m->to);
	header_row(b, "Subject", m->subject);
	header_row(b, "Message-ID", mid);
	header_row(b, html_t(l, "outbox.state"), html_t(l, state_label(m)));
	header_row(b, html_t(l, "outbox.priority"),
		   html_t(l, m->priority ? "outbox.priority.emergency" : "outbox.priority.normal"));
	header_row(b, html_t(l, "outbox.sent_at"), sent);
	header_row(b, html_t(l, "outbox.attempts"), att);
	header_row(b, html_t(l, "outbox.next"), next);
	header_row(b, html_t(l, "outbox.error"), m->last_error ? m->last_error : "-");
	if (m->bounced_at) {
		char bounced[64];
		when(bounced, sizeof bounced - 16, m->bounced_at);
		size_t bl = strlen(bounced);
		snprintf(bounced + bl, sizeof bounced - bl, " %s",
			 m->bounce_status ? m->bounce_status : "");
		header_row(b, html_t(l, "outbox.bounce"), bounced);
	}
	buf_puts(b, "</tbody></table>\n");
	html_printf(b, "<h2>%s</h2>", html_t(l, "outbox.body"));
	if (!m->body || !*m->body) {
		html_printf(b, "<p>%s</p>", html_t(l, "outbox.pruned"));
		return 1;
	}
	buf_puts(b, "<pre class=\"mail-body\" id=\"mail-body\">");
	body_html(b, r->arena, m->body, app_mail_relay(a));
	buf_puts(b, "</pre>\n");
	return 1;
}

int page_outbox_view(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	int64_t id;
	const char *ids = http_param(r, "id");
	if (!ids || parse_i64(&id, ids, 1, INT64_MAX))
		return app_send_error(r, ERR_NOTFOUND, "outbox.not_found", "bad mail id");
	struct html_page hp;
	struct buf b;
	app_page_open(&b, &hp, r, html_t(l, "outbox.message"), NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/outbox.css\">\n");
	html_printf(&b, "<p><a href=\"/staff/outbox\">%s</a></p>", html_t(l, "outbox.back"));
	struct view_ctx v = { r, &b, 0 };
	struct err e;
	struct mail_filter f = { .id = id, .tenant = q->tenant.code, .limit = 1, .with_body = 1 };
	int rc = mail_list(app_store(r), &f, view_one, &v, &e);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if (!v.found) {
		buf_done(&b);
		return app_send_error(r, ERR_NOTFOUND, "outbox.not_found", "no such mail of the tenant");
	}
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)id);
	app_audit(r, AUDIT_A_READ, "mail", obj, AUDIT_R_OK);
	return app_page_send(r, 200, &b, &hp);
}
