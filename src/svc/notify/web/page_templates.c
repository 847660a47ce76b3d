/*
 * page_templates.c -- the staff editor of message templates (permission
 * notify.templates):
 *   GET  /staff/notify/templates        every template of the municipality,
 *                                       the version in force, when, by whom
 *   GET  /staff/notify/templates/{id}   the editor: subject and body in
 *                                       Japanese, English and やさしい日本語,
 *                                       the placeholders the sending code
 *                                       gives, and the history of versions
 *                                       (each with what changed, old -> new)
 *   POST /staff/notify/templates/{id}   action=preview: the typed texts
 *                                       rendered with sample values; else a
 *                                       new version with a note
 *
 * Invariants: what may be saved is the domain's rule (notify_check,
 * notify_save), never decided here; a refused form comes back with what
 * was typed and the error summary linking to the field; a save edited
 * from a version no longer in force is refused (409) with the typed texts
 * kept; every saved version is audited (notify.template.save: the
 * template's id, never its text).  Templates hold no personal data, so
 * reading them is not audited.  No JavaScript: the preview is a button.
 */
#include "web/app.h"
#include "web/ui.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"
#include "jp/date.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* "2026-12-07 09:30" in Japan */
static const char *when(struct http_req *r, int64_t t)
{
	struct tm tm;
	jp_jst_tm(&tm, t);
	return arena_printf(r->arena, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static const char *about(struct http_req *r, const char *slug)
{
	const struct notify_default *d = notify_default_find(slug);
	if (!d)
		return slug;
	return app_req(r)->lang == HTML_EN ? d->about_en : d->about_ja;
}

static const char *channel_text(struct http_req *r, enum notify_channel c)
{
	static const char *const ids[] = { "notify.staff.channel.email", "notify.staff.channel.sms",
					   "notify.staff.channel.line" };
	return T(r, ids[(unsigned)c < 3 ? c : 0]);
}

/* a text: paragraphs at blank lines, line breaks kept, all escaped */
static void text_html(struct buf *b, const char *s)
{
	buf_puts(b, "<p>");
	for (const char *p = s ? s : ""; *p;) {
		size_t n = strcspn(p, "\r\n");
		char *line = strndup(p, n);
		if (line)
			html_text(b, line);
		free(line);
		p += n;
		int breaks = 0;
		while (*p == '\r' || *p == '\n') {
			if (*p == '\n')
				breaks++;
			p++;
		}
		if (*p)
			buf_puts(b, breaks >= 2 ? "</p><p>" : "<br>");
	}
	buf_puts(b, "</p>");
}

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "notify.error.not_found", "notify: no such template");
}

/* ---- the list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
};

static void list_row(const struct notify_template *t, void *arg)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><a href=\"/staff/notify/templates/%s\">%s</a><br><code>%s</code></td>"
		    "<td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>",
		    t->slug, about(r, t->slug), t->slug, channel_text(r, t->channel), t->version,
		    when(r, t->created_at), t->author);
}

int page_notify_templates(struct http_req *r)
{
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "notify.staff.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p>", T(r, "notify.staff.lead"));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"notify-caption\" tabindex=\"0\">"
		    "<table><caption id=\"notify-caption\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "notify.staff.title"), T(r, "notify.staff.col.template"),
		    T(r, "notify.staff.col.channel"), T(r, "notify.staff.col.version"),
		    T(r, "notify.staff.col.updated"), T(r, "notify.staff.col.author"));
	struct list_ctx c = { r, &b };
	struct err e;
	int n = notify_list(app_store(r), app_req(r)->tenant.code, list_row, &c, &e);
	if (n < 0) {
		buf_done(&b);
		return http_send_error(r, n, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table></div>");
	if (n == 0)
		html_printf(&b, "<p>%s</p>", T(r, "notify.staff.none"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- the editor ---- */

static const char *const col[] = { "ja", "en", "easy" };
static const char *const lang_ids[] = { "notify.staff.lang.ja", "notify.staff.lang.en",
					"notify.staff.lang.easy" };

struct editor {
	struct notify_template cur;      /* the version in force              */
	struct notify_text typed[NOTIFY_NLANG];
	const char *note;
	int base;                        /* the version the texts came from   */
	const struct notify_problem *prob;
	int preview;                     /* show the typed texts rendered     */
	int saved;                       /* the version just saved, or 0      */
};

/* the sample values of the preview: the default's, else the name in
 * brackets; n at most NOTIFY_FIELDS_MAX */
static int samples(struct http_req *r, const struct notify_template *t, struct notify_value *v)
{
	const struct notify_default *d = notify_default_find(t->slug);
	int n = 0;
	const char *f = t->fields;
	while (f && *f && n < NOTIFY_FIELDS_MAX) {
		while (*f == ' ')
			f++;
		size_t k = strcspn(f, " ");
		if (!k)
			break;
		char *name = arena_strndup(r->arena, f, k);
		const char *val = NULL;
		for (const char *s = d ? d->samples : NULL; s && *s && name;) {
			size_t line = strcspn(s, "\n");
			if (line > k && memcmp(s, name, k) == 0 && s[k] == '=') {
				val = arena_strndup(r->arena, s + k + 1, line - k - 1);
				break;
			}
			s += line + (s[line] == '\n');
		}
		if (name)
			v[n++] = (struct notify_value){ name, val ? val : arena_printf(r->arena, "［%s］", name) };
		f += k;
	}
	return n;
}

static void fields_html(struct buf *b, struct http_req *r, const struct notify_value *v, int n)
{
	html_printf(b, "<h2 id=\"notify-fields-h\">%s</h2><p>%s</p><dl class=\"notify-fields\">",
		    T(r, "notify.staff.fields"), T(r, "notify.staff.fields.hint"));
	for (int i = 0; i < n; i++)
		html_printf(b, "<dt><code>((%s))</code></dt><dd>%s</dd>", v[i].name, v[i].value);
	buf_puts(b, "</dl>");
}

static const char *field_error(struct http_req *r, const struct editor *ed, const char *name)
{
	if (!ed->prob || strcmp(ed->prob->field, name) != 0)
		return NULL;
	return app_req(r)->lang == HTML_EN ? ed->prob->en : ed->prob->ja;
}

static void lang_fieldset(struct buf *b, struct http_req *r, const struct editor *ed, int l)
{
	enum html_lang hl = app_req(r)->lang;
	ui_fieldset_open(b, &(struct ui_field){ .name = arena_printf(r->arena, "lang_%s", col[l]),
						.id = arena_printf(r->arena, "notify-lang-%s", col[l]),
						.label = T(r, lang_ids[l]),
						.hint = l == NOTIFY_JA ? NULL : T(r, "notify.staff.lang.hint"),
						.lang = hl });
	const char *sn = arena_printf(r->arena, "subject_%s", col[l]);
	const char *bn = arena_printf(r->arena, "body_%s", col[l]);
	struct ui_field f = { .name = sn, .id = arena_printf(r->arena, "notify-%s", sn),
			      .label = T(r, "notify.staff.field.subject"), .value = ed->typed[l].subject,
			      .maxlength = NOTIFY_SUBJECT_MAX, .required = l == NOTIFY_JA,
			      .error = field_error(r, ed, sn), .lang = hl };
	ui_input(b, &f);
	f = (struct ui_field){ .name = bn, .id = arena_printf(r->arena, "notify-%s", bn),
			       .label = T(r, "notify.staff.field.body"), .value = ed->typed[l].body,
			       .maxlength = NOTIFY_BODY_MAX, .required = l == NOTIFY_JA,
			       .error = field_error(r, ed, bn), .lang = hl };
	ui_textarea(b, &f, l == NOTIFY_JA ? 10 : 8);
	ui_fieldset_close(b);
}

static void preview_html(struct buf *b, struct http_req *r, const struct editor *ed,
			 const struct notify_value *v, int n)
{
	struct notify_template t = ed->cur;
	memcpy(t.text, ed->typed, sizeof t.text);
	html_printf(b, "<section aria-labelledby=\"notify-preview-h\" class=\"notify-preview\">"
		    "<h2 id=\"notify-preview-h\">%s</h2>", T(r, "notify.staff.preview.title"));
	for (int l = 0; l < NOTIFY_NLANG; l++) {
		struct notify_message m;
		struct notify_problem p;
		html_printf(b, "<h3>%s</h3>", T(r, lang_ids[l]));
		if (notify_render_text(&m, r->arena, &t, (enum notify_lang)l, v, n, &p)) {
			html_printf(b, "<p>%s</p>", app_req(r)->lang == HTML_EN ? p.en : p.ja);
			continue;
		}
		if ((int)m.lang != l)
			html_printf(b, "<p>%s</p>", T(r, "notify.staff.preview.fallback"));
		html_printf(b, "<p><strong>%s:</strong> <span lang=\"%s\">%s</span></p><div lang=\"%s\">",
			    T(r, "notify.staff.field.subject"), m.lang == NOTIFY_EN ? "en" : "ja", m.subject,
			    m.lang == NOTIFY_EN ? "en" : "ja");
		text_html(b, m.body);
		buf_puts(b, "</div>");
	}
	buf_puts(b, "</section>");
}

/* the history: a copy of each version, newest first */
struct hist {
	struct http_req *r;
	struct notify_template v[NOTIFY_LIST_MAX];
	int n;
};

static void on_version(const struct notify_template *t, void *arg)
{
	struct hist *h = arg;
	if (h->n >= NOTIFY_LIST_MAX)
		return;
	struct notify_template *c = &h->v[h->n];
	struct arena *a = h->r->arena;
	*c = *t;
	c->author = arena_strdup(a, t->author);
	c->note = arena_strdup(a, t->note);
	for (int l = 0; l < NOTIFY_NLANG; l++) {
		c->text[l].subject = arena_strdup(a, t->text[l].subject);
		c->text[l].body = arena_strdup(a, t->text[l].body);
	}
	if (c->author && c->note)
		h->n++;
}

static void history_html(struct buf *b, struct http_req *r, const char *slug)
{
	struct hist *h = arena_alloc(r->arena, sizeof *h);
	struct err e;
	if (!h)
		return;
	h->r = r;
	h->n = 0;
	html_printf(b, "<section aria-labelledby=\"notify-history-h\"><h2 id=\"notify-history-h\">%s</h2>",
		    T(r, "notify.staff.history"));
	if (notify_history(app_store(r), app_req(r)->tenant.code, slug, on_version, h, &e) < 0) {
		html_printf(b, "<p>%s</p></section>", T(r, "notify.staff.history.failed"));
		return;
	}
	for (int i = 0; i < h->n; i++) {
		const struct notify_template *v = &h->v[i], *old = i + 1 < h->n ? &h->v[i + 1] : NULL;
		html_printf(b, "<h3>%s</h3><p>%s</p>",
			    arena_printf(r->arena, T(r, "notify.staff.version"), v->version),
			    arena_printf(r->arena, T(r, "notify.staff.meta"), when(r, v->created_at), v->author));
		if (v->note[0])
			html_printf(b, "<p>%s: %s</p>", T(r, "notify.staff.field.note"), v->note);
		if (!old) {
			html_printf(b, "<p>%s</p>", T(r, "notify.staff.first"));
			continue;
		}
		int changed = 0;
		for (int l = 0; l < NOTIFY_NLANG; l++)
			for (int k = 0; k < 2; k++) {
				const char *was = k ? old->text[l].body : old->text[l].subject;
				const char *now = k ? v->text[l].body : v->text[l].subject;
				if (strcmp(was, now) == 0)
					continue;
				if (!changed++)
					buf_puts(b, "<dl class=\"notify-diff\">");
				html_printf(b, "<dt>%s</dt><dd><p><strong>%s</strong></p><div class=\"notify-old\">",
					    arena_printf(r->arena, T(r, "notify.staff.text_label"),
							 T(r, k ? "notify.staff.field.body" : "notify.staff.field.subject"),
							 T(r, lang_ids[l])),
					    T(r, "notify.staff.before"));
				text_html(b, was[0] ? was : T(r, "notify.staff.empty"));
				html_printf(b, "</div><p><strong>%s</strong></p><div class=\"notify-new\">",
					    T(r, "notify.staff.after"));
				text_html(b, now[0] ? now : T(r, "notify.staff.empty"));
				buf_puts(b, "</div></dd>");
			}
		if (changed)
			buf_puts(b, "</dl>");
		else
			html_printf(b, "<p>%s</p>", T(r, "notify.staff.nochange"));
	}
	buf_puts(b, "</section>");
}

static int render_editor(struct http_req *r, int status, const struct editor *ed)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	const char *err_id = ed->prob ? arena_printf(r->arena, "notify-%s", ed->prob->field) : NULL;
	app_page_open(&b, &p, r, T(r, "notify.staff.edit"), err_id,
		      ed->prob ? (q->lang == HTML_EN ? ed->prob->en : ed->prob->ja) : NULL);
	if (ed->saved)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>",
			    arena_printf(r->arena, T(r, "notify.staff.saved"), ed->saved));
	html_printf(&b, "<p><strong>%s</strong> <code>%s</code></p><p>%s</p>", about(r, ed->cur.slug),
		    ed->cur.slug,
		    arena_printf(r->arena, T(r, "notify.staff.current"), ed->cur.version,
				 when(r, ed->cur.created_at), ed->cur.author));
	struct notify_value v[NOTIFY_FIELDS_MAX];
	int n = samples(r, &ed->cur, v);
	/* the preview first: after the button the page opens at its top */
	if (ed->preview && !ed->prob)
		preview_html(&b, r, ed, v, n);
	fields_html(&b, r, v, n);
	html_printf(&b, "<form method=\"post\" action=\"/staff/notify/templates/%s\" class=\"form notify-form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"base\" value=\"%d\">", ed->cur.slug, q->csrf, ed->base);
	for (int l = 0; l < NOTIFY_NLANG; l++)
		lang_fieldset(&b, r, ed, l);
	ui_input(&b, &(struct ui_field){ .name = "note", .id = "notify-note",
					 .label = T(r, "notify.staff.field.note"),
					 .hint = T(r, "notify.staff.field.note.hint"), .value = ed->note,
					 .maxlength = NOTIFY_NOTE_MAX, .error = field_error(r, ed, "note"),
					 .lang = q->lang });
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\" name=\"action\" "
		    "value=\"save\">%s</button><button type=\"submit\" class=\"button-secondary\" "
		    "name=\"action\" value=\"preview\">%s</button></div></form>",
		    T(r, "notify.staff.save"), T(r, "notify.staff.preview"));
	history_html(&b, r, ed->cur.slug);
	html_printf(&b, "<p><a href=\"/staff/notify/templates\">%s</a></p>", T(r, "notify.staff.back"));
	return app_page_send(r, status, &b, &p);
}

static int load(struct notify_template *t, struct http_req *r, int *status)
{
	struct err e;
	const char *slug = http_param(r, "id");
	int rc = slug ? notify_get(t, r->arena, app_store(r), app_req(r)->tenant.code, slug, 0, &e)
		      : ERR_NOTFOUND;
	*status = rc;
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return 0;
}

int page_notify_template(struct http_req *r)
{
	struct editor ed = { 0 };
	int st, rc = load(&ed.cur, r, &st);
	if (st)
		return rc;
	memcpy(ed.typed, ed.cur.text, sizeof ed.typed);
	ed.base = ed.cur.version;
	int64_t saved;
	const char *sv = http_param(r, "saved");
	if (sv && parse_i64(&saved, sv, 1, ed.cur.version) == 0)
		ed.saved = (int)saved;
	return render_editor(r, 200, &ed);
}

int page_notify_template_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct editor ed = { 0 };
	int st, rc = load(&ed.cur, r, &st);
	if (st)
		return rc;
	for (int l = 0; l < NOTIFY_NLANG; l++) {
		const char *s = http_param(r, arena_printf(r->arena, "subject_%s", col[l]));
		const char *bd = http_param(r, arena_printf(r->arena, "body_%s", col[l]));
		ed.typed[l] = (struct notify_text){ s ? s : "", bd ? bd : "" };
	}
	ed.note = http_param(r, "note");
	int64_t base = 0;
	parse_i64(&base, http_param(r, "base"), 0, 1000000000);
	ed.base = (int)base;
	const char *action = http_param(r, "action");
	struct notify_problem prob;
	struct app_actor a;
	app_actor_of(&a, r);
	struct notify_template t = ed.cur;
	memcpy(t.text, ed.typed, sizeof t.text);
	t.note = ed.note ? ed.note : "";
	t.author = a.login;
	if (action && strcmp(action, "preview") == 0) {
		ed.preview = 1;
		if (notify_check(&t, &prob))
			ed.prob = &prob;
		return render_editor(r, ed.prob ? 422 : 200, &ed);
	}
	struct store *s = app_store(r);
	struct err e;
	int ver = 0;
	rc = store_begin(s, &e);
	if (rc == 0)
		rc = notify_save(&ver, s, q->tenant.code, &t, ed.base, app_now(), &prob, &e);
	if (rc == 0)
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = "notify.template.save",
							     .object_type = "notify.template",
							     .object_id = t.slug, .result = AUDIT_R_OK }, &e);
	if (rc) {
		store_rollback(s);
		if (rc == ERR_INVALID) {
			ed.prob = &prob;
			return render_editor(r, 422, &ed);
		}
		if (rc == ERR_CONFLICT) {
			prob = (struct notify_problem){ .field = "subject_ja" };
			snprintf(prob.ja, sizeof prob.ja, "%s", html_t(HTML_JA, "notify.staff.error.conflict"));
			snprintf(prob.en, sizeof prob.en, "%s", html_t(HTML_EN, "notify.staff.error.conflict"));
			ed.prob = &prob;
			/* the newer version is in the history below: saving
			 * again makes the typed texts the next version */
			ed.base = ed.cur.version;
			return render_editor(r, 409, &ed);
		}
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if ((rc = store_commit(s, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/notify/templates/%s?saved=%d",
						  t.slug, ver));
}
