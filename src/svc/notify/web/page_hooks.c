/*
 * page_hooks.c -- the staff pages of webhooks to staff systems
 * (permission notify.hooks), the delivery job and its serve option:
 *   GET  /staff/notify/hooks                 the endpoints, a form to add
 *                                            one, the latest deliveries
 *   POST /staff/notify/hooks                 add one: its secret is shown
 *                                            on the answer, once
 *   GET  /staff/notify/hooks/{id}            one endpoint: its events and
 *                                            state, its deliveries
 *   POST /staff/notify/hooks/{id}            action=save (events, enabled),
 *                                            rotate (a new secret, shown
 *                                            once), ping (a test event)
 *   GET  /staff/notify/deliveries/{id}       one delivery: its body (ids
 *                                            only) and every attempt
 *   POST /staff/notify/deliveries/{id}/resend  a failed one queued again
 *   job  notify.hooks                        sends what is due (hooks_send.c)
 *   serve --notify-hooks-loopback allow      tests: endpoints on loopback
 *
 * Invariants: what may be registered is the domain's rule
 * (notify_hook_url_check, notify_hook_create), never decided here; a
 * secret is on one answer only (never in a URL, a log or a later page);
 * every write is audited (notify.hook.*: the endpoint's or delivery's id).
 * Bodies hold ids only, so reading them is not audited.  No JavaScript.
 */
#include "web/app.h"
#include "web/params.h"
#include "web/ui.h"
#include "core/audit/audit.h"
#include "core/jobs/jobs.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/hooks_web.h"
#include "svc/notify/web/notify_web.h"
#include "jp/date.h"
#include "base/log.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct svc svc_notify;

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static const char *when(struct http_req *r, int64_t t)
{
	if (t <= 0)
		return "—";
	struct tm tm;
	jp_jst_tm(&tm, t);
	return arena_printf(r->arena, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- the option and the job ---- */

int notify_hooks_check_loopback(const char *v)
{
	return v && strcmp(v, "allow") == 0 ? 0 : ERR_INVALID;
}

static int flags_of(struct app *a)
{
	const char *v = svc_option(a, "notify-hooks-loopback");
	return v && strcmp(v, "allow") == 0 ? NOTIFY_HOOK_ALLOW_LOOPBACK : 0;
}

int notify_hooks_job(struct jobs_ctx *ctx, void *app, struct err *e)
{
	struct app *a = app;
	unsigned char key[NOTIFY_HOOK_KEY_LEN];
	notify_hook_key(key, a->auth.key);
	struct notify_hooks_run run;
	int64_t now = app_now();
	int rc = notify_hooks_deliver(&run, ctx->store, key, flags_of(a), 50, now, e);
	sodium_memzero(key, sizeof key);
	if (rc) {
		log_warn("notify.hooks: not run", "error", e->detail);
		return rc;
	}
	char msg[120];
	snprintf(msg, sizeof msg, "sent %d: delivered %d, retried %d, failed %d", run.sent, run.delivered,
		 run.retried, run.failed);
	jobs_set_result(ctx, msg);
	/* the next run: when the earliest retry is due (none: woken by the
	 * next event, notify_event) */
	if (run.next_at > 0)
		return notify_hooks_wake(ctx->store, run.next_at > now ? run.next_at : now + 1, e);
	return 0;
}

/* ---- shared bits ---- */

static const char *event_label(struct http_req *r, const char *type)
{
	char id[64];
	snprintf(id, sizeof id, "notify.hooks.event.%s", type);
	for (char *p = id + 19; *p; p++)
		if (*p == '.')
			*p = '_';
	const char *t = html_t(app_req(r)->lang, id);
	return t && strcmp(t, id) != 0 ? t : type;
}

static const char *state_label(struct http_req *r, enum notify_delivery_state st)
{
	static const char *const ids[] = { "notify.hooks.state.queued", "notify.hooks.state.delivered",
					   "notify.hooks.state.failed" };
	return T(r, ids[(unsigned)st < 3 ? st : 0]);
}

static int key_of(unsigned char key[NOTIFY_HOOK_KEY_LEN], struct http_req *r)
{
	notify_hook_key(key, app_of(r)->auth.key);
	return 0;
}

static int audit(struct http_req *r, const char *action, const char *type, int64_t id, struct err *e)
{
	struct app_actor a;
	app_actor_of(&a, r);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	return app_audit_as(app_store(r), &app_of(r)->audit, &a,
			    &(struct app_audit_entry){ .action = action, .object_type = type,
						       .object_id = ids, .result = AUDIT_R_OK }, e);
}

static int id_param(int64_t *id, struct http_req *r)
{
	const char *s = http_param(r, "id");
	return s && parse_i64(id, s, 1, INT64_MAX) == 0 ? 0 : ERR_NOTFOUND;
}

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "notify.hooks.error.not_found", "notify: no such endpoint or delivery");
}

/* the checked events of a form, space separated */
static const char *events_form(struct http_req *r)
{
	const char *out = "";
	for (int i = 0; i < notify_hook_nevents; i++) {
		if (strcmp(notify_hook_events[i], "notify.ping") == 0)
			continue;
		char name[64];
		snprintf(name, sizeof name, "ev_%s", notify_hook_events[i]);
		for (char *p = name; *p; p++)
			if (*p == '.')
				*p = '_';
		const char *v = http_param(r, name);
		if (v && strcmp(v, "1") == 0)
			out = arena_printf(r->arena, "%s%s%s", out, *out ? " " : "", notify_hook_events[i]);
	}
	return out;
}

static int has_event(const char *events, const char *type)
{
	size_t n = strlen(type);
	for (const char *p = events; p && *p;) {
		size_t k = strcspn(p, " ");
		if (k == n && memcmp(p, type, n) == 0)
			return 1;
		p += k + (p[k] == ' ');
	}
	return 0;
}

static void events_fieldset(struct buf *b, struct http_req *r, const char *events, const char *error)
{
	struct app_req *q = app_req(r);
	ui_fieldset_open(b, &(struct ui_field){ .id = "f-events", .label = T(r, "notify.hooks.field.events"),
						.hint = T(r, "notify.hooks.field.events.hint"), .error = error,
						.required = 1, .lang = q->lang });
	for (int i = 0; i < notify_hook_nevents; i++) {
		const char *t = notify_hook_events[i];
		if (strcmp(t, "notify.ping") == 0)
			continue;
		char *name = arena_printf(r->arena, "ev_%s", t);
		for (char *p = name; p && *p; p++)
			if (*p == '.')
				*p = '_';
		ui_checkbox(b, &(struct ui_field){ .name = name,
						   .label = arena_printf(r->arena, "%s (%s)", event_label(r, t), t),
						   .lang = q->lang }, has_event(events, t));
	}
	ui_fieldset_close(b);
}

/* a delivery's row (the list and an endpoint's page) */
struct drow {
	struct http_req *r;
	struct buf *b;
	int url;                  /* show the endpoint's URL */
	int n;
};

static void delivery_row(const struct notify_delivery *d, void *arg)
{
	struct drow *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><a href=\"/staff/notify/deliveries/%lld\">%lld</a></td>",
		    (long long)d->id, (long long)d->id);
	if (c->url)
		html_printf(c->b, "<td><a href=\"/staff/notify/hooks/%lld\"><code>%s</code></a></td>",
			    (long long)d->endpoint_id, d->url);
	html_printf(c->b, "<td><code>%s</code></td><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    d->type, state_label(r, d->state), d->attempts,
		    d->last_status ? arena_printf(r->arena, "%d", d->last_status) : "—",
		    d->last_error[0] ? d->last_error : "—",
		    when(r, d->state == NOTIFY_D_DELIVERED ? d->delivered_at : d->next_attempt_at));
	c->n++;
}

static int deliveries_table(struct buf *b, struct http_req *r, int64_t endpoint)
{
	html_printf(b, "<h2 id=\"hooks-deliveries-h\">%s</h2><p>%s</p>"
		    "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"hooks-deliveries-h\" tabindex=\"0\">"
		    "<table><thead><tr><th scope=\"col\">%s</th>",
		    T(r, "notify.hooks.deliveries"), T(r, "notify.hooks.deliveries.lead"), T(r, "notify.hooks.col.id"));
	if (!endpoint)
		html_printf(b, "<th scope=\"col\">%s</th>", T(r, "notify.hooks.col.url"));
	html_printf(b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "notify.hooks.col.event"), T(r, "notify.hooks.col.state"), T(r, "notify.hooks.col.attempts"),
		    T(r, "notify.hooks.col.status"), T(r, "notify.hooks.col.error"), T(r, "notify.hooks.col.when"));
	struct drow c = { r, b, endpoint == 0, 0 };
	struct err e;
	int n = notify_delivery_list(app_store(r), app_req(r)->tenant.code, endpoint, 50, delivery_row, &c, &e);
	if (n < 0)
		return n;
	buf_puts(b, "</tbody></table></div>");
	if (n == 0)
		html_printf(b, "<p>%s</p>", T(r, "notify.hooks.deliveries.none"));
	return 0;
}

/* ---- the list and the form ---- */

struct hrow {
	struct http_req *r;
	struct buf *b;
};

static void hook_row(const struct notify_hook *h, void *arg)
{
	struct hrow *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><a href=\"/staff/notify/hooks/%lld\"><code>%s</code></a>%S%s</td><td>",
		    (long long)h->id, h->url, h->note[0] ? "<br>" : "", h->note);
	for (const char *p = h->events; *p;) {
		size_t k = strcspn(p, " ");
		html_printf(c->b, "<code>%s</code> ", arena_strndup(r->arena, p, k));
		p += k + (p[k] == ' ');
	}
	html_printf(c->b, "</td><td>%s</td><td>%lld</td><td>%lld</td></tr>",
		    T(r, h->enabled ? "notify.hooks.enabled" : "notify.hooks.disabled"),
		    (long long)h->queued, (long long)h->failed);
}

struct form {
	const char *url, *events, *note;
	const char *err_field, *err_text;
};

static int render_list(struct http_req *r, int status, const struct form *f)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.hooks.title"), f->err_field, f->err_text);
	html_printf(&b, "<p>%s</p>", T(r, "notify.hooks.lead"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"hooks-caption\" tabindex=\"0\">"
		    "<table><caption id=\"hooks-caption\">%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "notify.hooks.endpoints"), T(r, "notify.hooks.col.url"), T(r, "notify.hooks.col.events"),
		    T(r, "notify.hooks.col.enabled"), T(r, "notify.hooks.col.queued"), T(r, "notify.hooks.col.failed"));
	struct hrow c = { r, &b };
	struct err e;
	int n = notify_hook_list(app_store(r), q->tenant.code, hook_row, &c, &e);
	if (n < 0) {
		buf_done(&b);
		return http_send_error(r, n, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table></div>");
	if (n == 0)
		html_printf(&b, "<p>%s</p>", T(r, "notify.hooks.none"));
	html_printf(&b, "<h2 id=\"hooks-add-h\">%s</h2>"
		    "<form method=\"post\" action=\"/staff/notify/hooks\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", T(r, "notify.hooks.add"), q->csrf);
	int url_err = f->err_field && strcmp(f->err_field, "f-url") == 0;
	ui_input(&b, &(struct ui_field){ .name = "url", .label = T(r, "notify.hooks.field.url"),
					 .hint = T(r, "notify.hooks.field.url.hint"), .value = f->url,
					 .type = "url", .maxlength = NOTIFY_HOOK_URL_MAX, .required = 1,
					 .verbatim = 1, .error = url_err ? f->err_text : NULL, .lang = q->lang });
	int ev_err = f->err_field && strcmp(f->err_field, "f-events") == 0;
	events_fieldset(&b, r, f->events, ev_err ? f->err_text : NULL);
	int note_err = f->err_field && strcmp(f->err_field, "f-note") == 0;
	ui_input(&b, &(struct ui_field){ .name = "note", .label = T(r, "notify.hooks.field.note"),
					 .hint = T(r, "notify.hooks.field.note.hint"), .value = f->note,
					 .maxlength = NOTIFY_HOOK_NOTE_MAX, .error = note_err ? f->err_text : NULL,
					 .lang = q->lang });
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\">%s</button></div></form>",
		    T(r, "notify.hooks.add.submit"));
	if ((n = deliveries_table(&b, r, 0)) < 0) {
		buf_done(&b);
		return http_send_error(r, n, NULL, NULL, "notify: deliveries");
	}
	return app_page_send(r, status, &b, &p);
}

int page_notify_hooks(struct http_req *r)
{
	return render_list(r, 200, &(struct form){ 0 });
}

/* the page that shows a new secret, once */
static int secret_page(struct http_req *r, int64_t id, const char *secret, const char *title_id)
{
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, title_id), NULL, NULL);
	html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>"
		    "<p>%s</p><p><code id=\"hook-secret\" class=\"secret\">%s</code></p><p>%s</p>"
		    "<p><a href=\"/staff/notify/hooks/%lld\">%s</a></p>",
		    T(r, "notify.hooks.secret.once"), T(r, "notify.hooks.secret.label"), secret,
		    T(r, "notify.hooks.secret.how"), (long long)id, T(r, "notify.hooks.secret.continue"));
	return app_page_send(r, 200, &b, &p);
}

int page_notify_hooks_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct form f = { .url = http_param(r, "url"), .events = events_form(r), .note = http_param(r, "note") };
	if (!f.url)
		f.url = "";
	if (!f.note)
		f.note = "";
	enum notify_url_problem up = notify_hook_url_check(f.url, flags_of(app_of(r)));
	if (up != NOTIFY_URL_OK) {
		f.err_field = "f-url";
		f.err_text = T(r, up == NOTIFY_URL_SCHEME ? "notify.hooks.error.scheme"
				  : up == NOTIFY_URL_PRIVATE ? "notify.hooks.error.private" : "notify.hooks.error.url");
		return render_list(r, 422, &f);
	}
	if (!*f.events) {
		f.err_field = "f-events";
		f.err_text = T(r, "notify.hooks.error.events");
		return render_list(r, 422, &f);
	}
	unsigned char key[NOTIFY_HOOK_KEY_LEN];
	key_of(key, r);
	char secret[NOTIFY_HOOK_SECRET_TEXT];
	int64_t id = 0;
	struct store *s = app_store(r);
	struct err e;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = notify_hook_create(&id, secret, s, key, q->tenant.code, f.url, f.events, f.note,
					flags_of(app_of(r)), app_now(), &e);
	sodium_memzero(key, sizeof key);
	if (rc == 0)
		rc = audit(r, "notify.hook.create", "notify.hook", id, &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		f.err_field = rc == ERR_LIMIT ? "f-url" : strncmp(e.detail, "note", 4) == 0 ? "f-note" : "f-url";
		f.err_text = T(r, rc == ERR_LIMIT ? "notify.hooks.error.limit" : f.err_field[2] == 'n'
			       ? "notify.hooks.error.note" : "notify.hooks.error.url");
		return render_list(r, 422, &f);
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	int sent = secret_page(r, id, secret, "notify.hooks.created");
	sodium_memzero(secret, sizeof secret);
	return sent;
}

/* ---- one endpoint ---- */

static int render_hook(struct http_req *r, int status, const struct notify_hook *h, const char *notice_id,
		       const char *error)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.hooks.endpoint"), error ? "f-events" : NULL, error);
	if (notice_id)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", T(r, notice_id));
	html_printf(&b, "<dl class=\"summary-list hook-summary\"><dt>%s</dt><dd><code>%s</code></dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
		    T(r, "notify.hooks.col.url"), h->url, T(r, "notify.hooks.field.note"), h->note[0] ? h->note : "—",
		    T(r, "notify.hooks.col.enabled"), T(r, h->enabled ? "notify.hooks.enabled" : "notify.hooks.disabled"),
		    T(r, "notify.hooks.created_at"), when(r, h->created_at),
		    T(r, "notify.hooks.secret_at"), when(r, h->secret_at));
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/notify/hooks/%lld\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", T(r, "notify.hooks.settings"),
		    (long long)h->id, q->csrf);
	events_fieldset(&b, r, h->events, error);
	ui_checkbox(&b, &(struct ui_field){ .name = "enabled", .label = T(r, "notify.hooks.field.enabled"),
					    .lang = q->lang }, h->enabled);
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\" name=\"action\" "
		    "value=\"save\">%s</button></div></form>", T(r, "notify.hooks.save"));
	html_printf(&b, "<h2>%s</h2><p>%s</p><form method=\"post\" action=\"/staff/notify/hooks/%lld\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><div class=\"button-group\">"
		    "<button type=\"submit\" class=\"button-secondary\" name=\"action\" value=\"ping\">%s</button>"
		    "<button type=\"submit\" class=\"button-secondary\" name=\"action\" value=\"rotate\">%s</button>"
		    "</div></form>", T(r, "notify.hooks.tools"), T(r, "notify.hooks.tools.lead"), (long long)h->id,
		    q->csrf, T(r, "notify.hooks.ping"), T(r, "notify.hooks.rotate"));
	int rc = deliveries_table(&b, r, h->id);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, "notify: deliveries");
	}
	html_printf(&b, "<p><a href=\"/staff/notify/hooks\">%s</a></p>", T(r, "notify.hooks.back"));
	return app_page_send(r, status, &b, &p);
}

static int load_hook(struct notify_hook *h, struct http_req *r, int *sent)
{
	int64_t id;
	struct err e;
	*sent = 0;
	if (id_param(&id, r)) {
		*sent = 1;
		return not_found(r);
	}
	int rc = notify_hook_get(h, r->arena, app_store(r), app_req(r)->tenant.code, id, &e);
	if (rc) {
		*sent = 1;
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	return 0;
}

int page_notify_hook(struct http_req *r)
{
	struct notify_hook h;
	int sent, rc = load_hook(&h, r, &sent);
	if (sent)
		return rc;
	const char *done = http_param(r, "done");
	const char *notice = !done ? NULL : strcmp(done, "saved") == 0 ? "notify.hooks.saved"
		: strcmp(done, "ping") == 0 ? "notify.hooks.pinged" : NULL;
	return render_hook(r, 200, &h, notice, NULL);
}

int page_notify_hook_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct notify_hook h;
	int sent, rc = load_hook(&h, r, &sent);
	if (sent)
		return rc;
	const char *action = http_param(r, "action");
	struct store *s = app_store(r);
	struct err e;
	int64_t now = app_now();
	if (action && strcmp(action, "rotate") == 0) {
		unsigned char key[NOTIFY_HOOK_KEY_LEN];
		char secret[NOTIFY_HOOK_SECRET_TEXT];
		key_of(key, r);
		rc = store_begin(s, &e);
		if (rc == 0)
			rc = notify_hook_rotate(secret, s, key, q->tenant.code, h.id, now, &e);
		sodium_memzero(key, sizeof key);
		if (rc == 0)
			rc = audit(r, "notify.hook.rotate", "notify.hook", h.id, &e);
		rc = rc ? (store_rollback(s), rc) : store_commit(s, &e);
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
		int out = secret_page(r, h.id, secret, "notify.hooks.rotated");
		sodium_memzero(secret, sizeof secret);
		return out;
	}
	if (action && strcmp(action, "ping") == 0) {
		rc = store_begin(s, &e);
		if (rc == 0)
			rc = notify_hook_ping(s, q->tenant.code, h.id, now, &e);
		if (rc == 0)
			rc = audit(r, "notify.hook.ping", "notify.hook", h.id, &e);
		rc = rc ? (store_rollback(s), rc) : store_commit(s, &e);
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
		return http_redirect(r, 303, arena_printf(r->arena, "/staff/notify/hooks/%lld?done=ping",
							  (long long)h.id));
	}
	const char *events = events_form(r);
	const char *en = http_param(r, "enabled");
	int enabled = en && strcmp(en, "1") == 0;
	if (!*events) {
		h.events = events;
		h.enabled = enabled;
		return render_hook(r, 422, &h, NULL, T(r, "notify.hooks.error.events"));
	}
	rc = store_begin(s, &e);
	if (rc == 0)
		rc = notify_hook_update(s, q->tenant.code, h.id, events, enabled, now, &e);
	if (rc == 0)
		rc = audit(r, enabled ? "notify.hook.update" : "notify.hook.disable", "notify.hook", h.id, &e);
	rc = rc ? (store_rollback(s), rc) : store_commit(s, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/notify/hooks/%lld?done=saved", (long long)h.id));
}

/* ---- one delivery ---- */

struct arow {
	struct http_req *r;
	struct buf *b;
};

static void attempt_row(int n, int64_t at, int status, const char *error, void *arg)
{
	struct arow *c = arg;
	html_printf(c->b, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>", n, when(c->r, at),
		    status ? arena_printf(c->r->arena, "%d", status) : "—", error[0] ? error : "—");
}

int page_notify_delivery(struct http_req *r)
{
	struct app_req *q = app_req(r);
	int64_t id;
	if (id_param(&id, r))
		return not_found(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.hooks.delivery"), NULL, NULL);
	const char *done = http_param(r, "done");
	if (done && strcmp(done, "resent") == 0)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", T(r, "notify.hooks.resent"));
	struct notify_delivery d;
	struct err e;
	struct buf rows;
	buf_init(&rows, 1u << 20);
	struct arow c = { r, &rows };
	int rc = notify_delivery_get(&d, r->arena, app_store(r), q->tenant.code, id, attempt_row, &c, &e);
	if (rc) {
		buf_done(&rows);
		buf_done(&b);
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	html_printf(&b, "<dl class=\"summary-list hook-summary\"><dt>%s</dt><dd><code>%s</code></dd><dt>%s</dt><dd>"
		    "<a href=\"/staff/notify/hooks/%lld\"><code>%s</code></a></dd><dt>%s</dt><dd><code>%s</code> %s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
		    T(r, "notify.hooks.msg_id"), d.msg_id, T(r, "notify.hooks.col.url"), (long long)d.endpoint_id,
		    d.url, T(r, "notify.hooks.col.event"), d.type, event_label(r, d.type),
		    T(r, "notify.hooks.col.state"), state_label(r, d.state), T(r, "notify.hooks.created_at"),
		    when(r, d.created_at), T(r, d.state == NOTIFY_D_DELIVERED ? "notify.hooks.delivered_at"
					      : "notify.hooks.next_at"),
		    when(r, d.state == NOTIFY_D_DELIVERED ? d.delivered_at : d.next_attempt_at));
	html_printf(&b, "<h2>%s</h2><pre class=\"hook-body\">%s</pre>", T(r, "notify.hooks.body"), d.body);
	html_printf(&b, "<h2 id=\"hooks-attempts-h\">%s</h2>"
		    "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"hooks-attempts-h\" tabindex=\"0\">"
		    "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "notify.hooks.attempts"), T(r, "notify.hooks.col.n"), T(r, "notify.hooks.col.when"),
		    T(r, "notify.hooks.col.status"), T(r, "notify.hooks.col.error"));
	buf_append(&b, rows.data, rows.len);
	buf_done(&rows);
	buf_puts(&b, "</tbody></table></div>");
	if (d.state == NOTIFY_D_FAILED)
		html_printf(&b, "<form method=\"post\" action=\"/staff/notify/deliveries/%lld/resend\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><p>%s</p><div class=\"button-group\">"
			    "<button type=\"submit\" class=\"button\">%s</button></div></form>",
			    (long long)d.id, q->csrf, T(r, "notify.hooks.resend.lead"), T(r, "notify.hooks.resend"));
	html_printf(&b, "<p><a href=\"/staff/notify/hooks\">%s</a></p>", T(r, "notify.hooks.back"));
	return app_page_send(r, 200, &b, &p);
}

int page_notify_delivery_resend(struct http_req *r)
{
	int64_t id;
	if (id_param(&id, r))
		return not_found(r);
	struct store *s = app_store(r);
	struct err e;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = notify_delivery_resend(s, app_req(r)->tenant.code, id, app_now(), &e);
	if (rc == 0)
		rc = audit(r, "notify.hook.resend", "notify.delivery", id, &e);
	rc = rc ? (store_rollback(s), rc) : store_commit(s, &e);
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc == ERR_CONFLICT)
		return app_send_error(r, ERR_CONFLICT, "notify.hooks.error.not_failed", "notify: delivery not failed");
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/notify/deliveries/%lld?done=resent", (long long)id));
}

/* ---- the declared parameters (the route table is routes.c's) ---- */

static int v_done(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "saved") == 0 || strcmp(v, "ping") == 0 || strcmp(v, "resent") == 0 ? 0 : ERR_INVALID;
}

static int v_action(const char *v, size_t n)
{
	(void)n;
	return strcmp(v, "save") == 0 || strcmp(v, "ping") == 0 || strcmp(v, "rotate") == 0 ? 0 : ERR_INVALID;
}

/* the events' checkboxes: ev_ and the type with '_' for '.' */
#define HOOK_EVENT_PARAMS \
	{ "ev_apply_submitted", HTTP_FORM, 1, app_v_01, 0 }, \
	{ "ev_apply_state_changed", HTTP_FORM, 1, app_v_01, 0 }, \
	{ "ev_payments_paid", HTTP_FORM, 1, app_v_01, 0 }

/* the URL and the note: read up to 4 times the limit, so that the domain
 * answers with the form and what was typed, not the router a bare 400 */
const struct http_param_spec notify_hooks_p_post[] = {
	{ "url", HTTP_FORM, 4 * NOTIFY_HOOK_URL_MAX, NULL, 0 },
	{ "note", HTTP_FORM, 4 * NOTIFY_HOOK_NOTE_MAX, NULL, 0 },
	HOOK_EVENT_PARAMS,
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec notify_hooks_p_hook[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 8, v_done, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec notify_hooks_p_hook_post[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "action", HTTP_FORM, 8, v_action, 0 },
	{ "enabled", HTTP_FORM, 1, app_v_01, 0 },
	HOOK_EVENT_PARAMS,
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec notify_hooks_p_delivery[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 8, v_done, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
