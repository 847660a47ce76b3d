/*
 * page_inbox.c -- the staff back office of online applications: the
 * inbox (a department's submissions with filters, per-state tabs, keyset
 * paging, an overdue and a likely-duplicate view), one submission (its
 * answers with the definition's labels in page order, prefill sources,
 * signature, attachments, history, and the forms to assign, comment and
 * move it on), its attachments served to the browser, and the CSV export
 * of one procedure version in UTF-8 with BOM or CP932.
 *
 * Invariants:
 *   - Who may see what is decided by src/svc/apply: every read and write
 *     passes the staff actor (app_apply_actor: departments from the
 *     permissions dept.<department> / dept.all), and a submission, file
 *     or CSV row outside those departments is ERR_NOTFOUND, answered 404
 *     exactly like an id that does not exist.
 *   - Route permissions: applications.read to read, applications.write to
 *     act (routes.c); the HTTP layer checks them before these handlers.
 *   - Every transition, assignment and comment appends its audit record in
 *     the same transaction as the change; a transition also queues the
 *     resident's notification (notify_email) there, so that either all
 *     three commit or none does.  Reading a submission, revealing a My
 *     Number, opening a file and exporting CSV append data.read /
 *     data.export records.
 *   - My Number (個人番号) is shown masked ("********1234").  A member of
 *     staff who also holds personal.read may reveal it for one page view
 *     (?show=my_number), which is audited; others get 403 for that.
 *     The rule and which reads are audited are src/svc/apply's (apply_view),
 *     shared with the CSV export, the JSON API and the resident's pages.
 *   - Attachments are served with the type sniffed from their content
 *     (never the stored name or claimed type); only PDF and raster images
 *     (JPEG, PNG, GIF, WebP) inline, everything else as a download; always
 *     with Content-Security-Policy: sandbox and nosniff.
 *   - CSV: RFC 4180 quoting, CRLF, every cell starting with = + - @ TAB or
 *     CR prefixed with ' (formula injection); CP932 replaces a character
 *     it cannot encode with 〓 (U+3013, GETA MARK) and counts them in the
 *     X-Replaced-Characters response header.
 *
 * Limits: INBOX_PAGE rows per inbox page (at most APPLY_PAGE_MAX), CSV
 * at most INBOX_CSV_MAX_ROWS rows (larger exports belong to a job), note
 * and comment APPLY_COMMENT_MAX bytes (route parameters).
 */
#include "web/app.h"
#include "web/ui.h"
#include "svc/apply/web/app_apply.h"
#include "base/csv.h"
#include "svc/apply/apply.h"
#include "base/log.h"
#include "base/util.h"
#include "core/forms/forms.h"
#include "jp/cp932.h"
#include "svc/payments/payments.h"
#include "svc/notify/notify.h"
#include "jp/date.h"
#include "web/app_mail.h" /* --- mail: link base, the typed address --- */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INBOX_PAGE 50
#define INBOX_CSV_MAX_ROWS 20000
#define INBOX_STAFF_MAX 5000

/* ---- parameters (declared here, used by routes.c) ---- */

static int v_num(const char *v, size_t n)
{
	if (n == 0 || n > 18)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

static int v_ident(const char *v, size_t n)
{
	if (n == 0 || n > FORMS_ID_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

static int v_date(const char *v, size_t n)
{
	struct jp_date d;
	char tmp[16];
	if (n != 10)
		return ERR_INVALID;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	return jp_date_parse_iso(&d, tmp, NULL) == 0 ? 0 : ERR_INVALID;
}

static int v_assignee(const char *v, size_t n)
{
	if (n == 0)
		return 0;
	if ((n == 4 && memcmp(v, "mine", 4) == 0) ||
	    (n == 10 && memcmp(v, "unassigned", 10) == 0))
		return 0;
	return v_num(v, n);
}

static int v_view(const char *v, size_t n)
{
	return (n == 7 && memcmp(v, "overdue", 7) == 0) ||
	       (n == 10 && memcmp(v, "duplicates", 10) == 0) ? 0 : ERR_INVALID;
}

static int v_sha(const char *v, size_t n)
{
	if (n != 64)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return ERR_INVALID;
	return 0;
}

static int v_encoding(const char *v, size_t n)
{
	return (n == 7 && memcmp(v, "utf8bom", 7) == 0) ||
	       (n == 5 && memcmp(v, "cp932", 5) == 0) ? 0 : ERR_INVALID;
}

static int v_header(const char *v, size_t n)
{
	return (n == 6 && memcmp(v, "labels", 6) == 0) ||
	       (n == 4 && memcmp(v, "keys", 4) == 0) ? 0 : ERR_INVALID;
}

static int v_show(const char *v, size_t n)
{
	return n == 9 && memcmp(v, "my_number", 9) == 0 ? 0 : ERR_INVALID;
}

static int v_state(const char *v, size_t n)
{
	if (n == 0 || n > APPLY_STATE_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}

/* a filter left at 「指定なし」 arrives empty ("department="): empty is
 * "any", never an error (filter_param reads it as absent) */
static int v_ident_any(const char *v, size_t n)
{
	return n == 0 ? 0 : v_ident(v, n);
}

static int v_date_any(const char *v, size_t n)
{
	return n == 0 ? 0 : v_date(v, n);
}

static int v_state_any(const char *v, size_t n)
{
	return n == 0 ? 0 : v_state(v, n);
}

static int v_view_any(const char *v, size_t n)
{
	return n == 0 ? 0 : v_view(v, n);
}

#define INBOX_FILTER_PARAMS \
	{ "department", HTTP_QUERY, APPLY_DEPT_MAX, v_ident_any, 0 }, \
	{ "procedure", HTTP_QUERY, FORMS_ID_MAX, v_ident_any, 0 }, \
	{ "status", HTTP_QUERY, APPLY_STATE_MAX, v_state_any, 0 }, \
	{ "from", HTTP_QUERY, 10, v_date_any, 0 }, \
	{ "to", HTTP_QUERY, 10, v_date_any, 0 }, \
	{ "assignee", HTTP_QUERY, 18, v_assignee, 0 }, \
	{ "view", HTTP_QUERY, 10, v_view_any, 0 }

const struct http_param_spec inbox_p_list[] = {
	INBOX_FILTER_PARAMS,
	{ "after", HTTP_QUERY, 18, v_num, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_csv[] = {
	INBOX_FILTER_PARAMS,
	{ "version", HTTP_QUERY, 6, v_num, 0 },
	{ "encoding", HTTP_QUERY, 7, v_encoding, 0 },
	{ "header", HTTP_QUERY, 6, v_header, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_submission[] = {
	{ "id", HTTP_PATH, 18, v_num, 1 },
	{ "show", HTTP_QUERY, 9, v_show, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_history[] = {
	{ "id", HTTP_PATH, 18, v_num, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_file[] = {
	{ "id", HTTP_PATH, 18, v_num, 1 },
	{ "sha256", HTTP_PATH, 64, v_sha, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_assign[] = {
	{ "id", HTTP_PATH, 18, v_num, 1 },
	{ "assignee", HTTP_FORM, 18, v_num, 1 },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_comment[] = {
	{ "id", HTTP_PATH, 18, v_num, 1 },
	{ "text", HTTP_FORM, APPLY_COMMENT_MAX, NULL, HTTP_PARAM_REQUIRED | HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
const struct http_param_spec inbox_p_transition[] = {
	{ "id", HTTP_PATH, 18, v_num, 1 },
	{ "to", HTTP_FORM, APPLY_STATE_MAX, v_state, 1 },
	{ "expect_from", HTTP_FORM, APPLY_STATE_MAX, v_state, 1 },
	{ "note", HTTP_FORM, APPLY_COMMENT_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};

/* bulk actions: the ticked rows of one inbox page arrive as s0..s49
 * (a name may come once only), each a submission id */
static int v_action(const char *v, size_t n)
{
	return (n == 6 && memcmp(v, "assign", 6) == 0) ||
	       (n == 10 && memcmp(v, "transition", 10) == 0) ? 0 : ERR_INVALID;
}

/* where to go back to: the inbox with its filters, nothing else */
static int v_back(const char *v, size_t n)
{
	if (n < 12 || memcmp(v, "/staff/inbox", 12) != 0 || (n > 12 && v[12] != '?'))
		return ERR_INVALID;
	return http_local_path_ok(v, n);
}

#define S(k) { "s" #k, HTTP_FORM, 18, v_num, 0 }
const struct http_param_spec inbox_p_bulk[] = {
	S(0), S(1), S(2), S(3), S(4), S(5), S(6), S(7), S(8), S(9),
	S(10), S(11), S(12), S(13), S(14), S(15), S(16), S(17), S(18), S(19),
	S(20), S(21), S(22), S(23), S(24), S(25), S(26), S(27), S(28), S(29),
	S(30), S(31), S(32), S(33), S(34), S(35), S(36), S(37), S(38), S(39),
	S(40), S(41), S(42), S(43), S(44), S(45), S(46), S(47), S(48), S(49),
	{ "action", HTTP_FORM, 10, v_action, HTTP_PARAM_REQUIRED },
	{ "assignee", HTTP_FORM, 18, v_num, 0 },
	{ "to", HTTP_FORM, APPLY_STATE_MAX, v_state_any, 0 },
	{ "note", HTTP_FORM, APPLY_COMMENT_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ "back", HTTP_FORM, 1024, v_back, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
#undef S
#define INBOX_BULK_MAX 50

/* ---- small helpers ---- */

static const char *lang_code(enum html_lang l)
{
	return l == HTML_EN ? "en" : l == HTML_JA_EASY ? "ja-easy" : "ja";
}

/* "2026-11-23 09:05" in JST (UTC+9, no daylight saving) */
static const char *fmt_jst(struct arena *a, int64_t t, int with_time)
{
	if (t <= 0)
		return "";
	struct tm tm;
	jp_jst_tm(&tm, t);
	char s[32];
	if (with_time == 2)
		strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(s, sizeof s, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
	return arena_strdup(a, s);
}

/* the Unix time of 00:00 JST of an ISO date (already validated) */
static int64_t jst_midnight(const char *iso)
{
	struct jp_date d;
	if (jp_date_parse_iso(&d, iso, NULL))
		return 0;
	return jp_jst_midnight(d);
}

/* the staff's names of the states (apply_states, defined once) */
static const char *state_label_in(const char *st, int en)
{
	const struct apply_state *s = apply_state_find(st);
	return s ? (en ? s->en : s->ja) : st;
}

static const char *state_label(enum html_lang l, const char *st)
{
	return state_label_in(st, l == HTML_EN);
}

static int state_final(const char *st)
{
	const struct apply_state *s = apply_state_find(st);
	return s && s->final;
}

/* the states staff may move a submission to from `from` (apply's
 * transition table), limited to the procedure's staff_states when it
 * lists them */
static int next_states(const char **out, int max, const char *from,
		       const struct forms_def *d)
{
	const char *all[APPLY_STATES_NEXT_MAX];
	int m = apply_next_states(all, APPLY_STATES_NEXT_MAX, from), n = 0;
	for (int k = 0; k < m && n < max; k++) {
		int ok = !d || d->nstates == 0;
		for (int j = 0; d && j < d->nstates && !ok; j++)
			ok = strcmp(d->staff_states[j], all[k]) == 0;
		if (ok)
			out[n++] = all[k];
	}
	return n;
}

static int has_perm(struct http_req *r, const char *perm)
{
	struct app_req *q = app_req(r);
	struct err e;
	return auth_has_permission(app_store(r), &q->ses, perm, &e) == 1;
}

/* staff of the tenant, for names and the assignment form */
struct staff_ent {
	int64_t id;
	char *login, *name;
};
struct staff_list {
	struct arena *a;
	struct staff_ent *v;
	int n, cap;
};

static void staff_add(const struct auth_staff *st, void *arg)
{
	struct staff_list *l = arg;
	if (l->n >= INBOX_STAFF_MAX)
		return;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct staff_ent *nv = arena_alloc(l->a, sizeof *nv * (size_t)cap);
		if (!nv)
			return;
		if (l->n)
			memcpy(nv, l->v, sizeof *nv * (size_t)l->n);
		l->v = nv;
		l->cap = cap;
	}
	if (!st->active)
		return;
	l->v[l->n].id = st->id;
	l->v[l->n].login = arena_strdup(l->a, st->login);
	l->v[l->n].name = arena_strdup(l->a, st->display_name);
	l->n++;
}

static void staff_load(struct staff_list *l, struct http_req *r)
{
	struct err e;
	memset(l, 0, sizeof *l);
	l->a = r->arena;
	if (auth_staff_list(app_store(r), app_req(r)->tenant.code, staff_add, l, &e) < 0)
		log_warn("staff list failed", "detail", e.detail);
}

static const struct staff_ent *staff_find(const struct staff_list *l, int64_t id)
{
	for (int i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return &l->v[i];
	return NULL;
}

/* procedure titles (latest versions) */
struct proc_ent {
	char *id, *title_ja, *title_en;
};
struct proc_list {
	struct arena *a;
	struct proc_ent v[512];
	int n;
};

static void proc_add(const struct forms_published *p, void *arg)
{
	struct proc_list *l = arg;
	if (l->n >= (int)(sizeof l->v / sizeof l->v[0]))
		return;
	l->v[l->n].id = arena_strdup(l->a, p->id);
	l->v[l->n].title_ja = arena_strdup(l->a, p->title_ja ? p->title_ja : p->id);
	l->v[l->n].title_en = arena_strdup(l->a, p->title_en ? p->title_en : p->id);
	l->n++;
}

static const char *proc_title(const struct proc_list *l, const char *id, enum html_lang lg)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return lg == HTML_EN ? l->v[i].title_en : l->v[i].title_ja;
	return id;
}

/* the staff actor of the request (departments from dept.* permissions) */
static int actor_of(struct apply_actor *a, struct http_req *r)
{
	return app_apply_actor(a, r->arena, r);
}

static int actor_sees_dept(const struct apply_actor *a, const char *dept)
{
	if (a->ndepts < 0)
		return 1;
	for (int i = 0; i < a->ndepts; i++)
		if (strcmp(a->depts[i], dept) == 0)
			return 1;
	return 0;
}

/* a filter's value, NULL when absent or left empty (「指定なし」) */
static const char *filter_param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v && *v ? v : NULL;
}

static const char *const filter_names[] = {
	"department", "procedure", "status", "from", "to", "assignee", "view",
};
#define NFILTERS ((int)(sizeof filter_names / sizeof filter_names[0]))

/* the URL path with the current filters, `name` set to `value` (NULL:
 * dropped), then the pair more_name=more_value (NULL: none): every value
 * percent-encoded (ui_url), whatever the request held */
static const char *const *filter_pairs(struct http_req *r, const char *name, const char *value,
				       const char *more_name, const char *more_value)
{
	const char **p = arena_alloc(r->arena, (2 * NFILTERS + 3) * sizeof *p);
	if (!p)
		return NULL;
	int n = 0;
	for (int i = 0; i < NFILTERS; i++) {
		p[n++] = filter_names[i];
		p[n++] = name && strcmp(filter_names[i], name) == 0 ? value
								    : filter_param(r, filter_names[i]);
	}
	if (more_name) {
		p[n++] = more_name;
		p[n++] = more_value;
	}
	p[n] = NULL;
	return p;
}

static const char *filter_url(struct http_req *r, const char *path, const char *name,
			      const char *value, const char *more_name, const char *more_value)
{
	const char *u = ui_url(r->arena, path, filter_pairs(r, name, value, more_name, more_value));
	return u ? u : path;
}

static void filter_from(struct apply_filter *f, struct http_req *r, int64_t now)
{
	struct app_req *q = app_req(r);
	memset(f, 0, sizeof *f);
	f->department = filter_param(r, "department");
	f->procedure = filter_param(r, "procedure");
	f->status = filter_param(r, "status");
	if (filter_param(r, "from"))
		f->from = jst_midnight(filter_param(r, "from"));
	if (filter_param(r, "to"))
		f->to = jst_midnight(filter_param(r, "to")) + 86400 - 1;
	const char *as = http_param(r, "assignee");
	f->assignee = -1;
	if (as && strcmp(as, "mine") == 0)
		f->assignee = q->ses.account_id;
	else if (as && strcmp(as, "unassigned") == 0)
		f->assignee = 0;
	else if (as && *as)
		parse_i64(&f->assignee, as, 1, INT64_MAX);
	const char *view = filter_param(r, "view");
	f->overdue = view && strcmp(view, "overdue") == 0;
	f->duplicates = view && strcmp(view, "duplicates") == 0;
	f->now = now;
	f->limit = INBOX_PAGE;
	if (http_param(r, "after"))
		parse_i64(&f->after_id, http_param(r, "after"), 1, INT64_MAX);
}

/* the options of a filter's select, from the arena */
struct opts {
	struct ui_option *v;
	int n, cap;
};

static void opt_add(struct opts *o, struct arena *a, const char *value, const char *label)
{
	if (o->n == o->cap) {
		int nc = o->cap ? o->cap * 2 : 32;
		struct ui_option *nv = arena_alloc(a, (size_t)nc * sizeof *nv);
		if (!nv)
			return;
		if (o->n)
			memcpy(nv, o->v, (size_t)o->n * sizeof *nv);
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n++] = (struct ui_option){ value, label };
}

/* the departments for the filter: the actor's, or with dept.all those
 * of the published procedures */
static void dept_options(struct opts *o, struct http_req *r, const struct apply_actor *a,
			 const struct proc_list *pl)
{
	if (a->ndepts >= 0) {
		for (int i = 0; i < a->ndepts; i++)
			opt_add(o, r->arena, a->depts[i], a->depts[i]);
		return;
	}
	const char *seen[512];
	int nseen = 0;
	for (int i = 0; i < pl->n; i++) {
		struct forms_def *d;
		struct err e;
		if (forms_load_version(&d, NULL, r->arena, app_store(r),
				       &(struct forms_ref){ .tenant = app_req(r)->tenant.code,
							    .id = pl->v[i].id, .version = 0 },
				       &e))
			continue;
		int dup = 0;
		for (int k = 0; k < nseen && !dup; k++)
			dup = strcmp(seen[k], d->department) == 0;
		if (!dup && nseen < 512) {
			seen[nseen++] = d->department;
			opt_add(o, r->arena, d->department, d->department);
		}
	}
}

/* a filter's select: id "f-<name>", "any" first */
static void filter_select(struct buf *b, struct http_req *r, const char *name, const char *label_id,
			  const struct opts *o)
{
	enum html_lang l = app_req(r)->lang;
	ui_select(b, &(struct ui_field){ .name = name, .label = html_t(l, label_id),
					 .value = http_param(r, name), .lang = l },
		  o->v, o->n, html_t(l, "inbox.any"));
}

/* the bulk actions under the list: the rows' checkboxes belong to this
 * form (form="inbox-bulk"); assign the ticked rows to someone, or move
 * them to a state.  Works without JavaScript (two submit buttons). */
static void bulk_form(struct buf *b, struct http_req *r, const struct staff_list *sl)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	html_printf(b, "<form method=\"post\" action=\"/staff/inbox/bulk\" id=\"inbox-bulk\" class=\"form inbox-bulk\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"back\" value=\"%s\">"
		    "<fieldset><legend>%s</legend><p class=\"hint\">%s</p>",
		    q->csrf, filter_url(r, "/staff/inbox", NULL, NULL, NULL, NULL),
		    html_t(l, "inbox.bulk.title"), html_t(l, "inbox.bulk.hint"));
	struct opts o = { 0 };
	opt_add(&o, r->arena, "0", html_t(l, "inbox.unassigned"));
	for (int i = 0; i < sl->n; i++)
		opt_add(&o, r->arena, arena_printf(r->arena, "%ld", (long)sl->v[i].id),
			arena_printf(r->arena, "%s (%s)", sl->v[i].name, sl->v[i].login));
	buf_puts(b, "<div class=\"bulk-group\">");
	ui_select(b, &(struct ui_field){ .name = "assignee", .id = "bulk-assignee",
					 .label = html_t(l, "sub.assign_to"), .lang = l },
		  o.v, o.n, NULL);
	html_printf(b, "<button type=\"submit\" class=\"button\" name=\"action\" value=\"assign\">%s</button></div>",
		    html_t(l, "inbox.bulk.assign"));
	o.n = 0;
	for (int i = 0; i < apply_nstates; i++)
		opt_add(&o, r->arena, apply_states[i].id, state_label(l, apply_states[i].id));
	buf_puts(b, "<div class=\"bulk-group\">");
	ui_select(b, &(struct ui_field){ .name = "to", .id = "bulk-to", .label = html_t(l, "inbox.bulk.to"),
					 .lang = l },
		  o.v, o.n, NULL);
	ui_textarea(b, &(struct ui_field){ .name = "note", .id = "bulk-note", .label = html_t(l, "sub.note"),
					   .hint = html_t(l, "inbox.bulk.note_hint"),
					   .maxlength = APPLY_COMMENT_MAX, .lang = l },
		    2);
	html_printf(b, "<button type=\"submit\" class=\"button\" name=\"action\" value=\"transition\">%s</button></div>",
		    html_t(l, "inbox.bulk.move"));
	buf_puts(b, "</fieldset></form>\n");
}

int page_inbox(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct store *s = app_store(r);
	struct apply_actor act;
	struct err e;
	err_clear(&e);
	int rc = actor_of(&act, r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "actor");
	int64_t now = app_now();
	struct apply_filter f;
	filter_from(&f, r, now);
	struct apply_submission *rows = NULL;
	int n = 0;
	rc = apply_list(&rows, &n, r->arena, s, &act, &f, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct apply_filter fc = f;
	fc.status = NULL;
	fc.after_id = 0;
	struct apply_count *counts = NULL;
	int ncounts = 0;
	rc = apply_counts(&counts, &ncounts, r->arena, s, &act, &fc, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct staff_list sl;
	staff_load(&sl, r);
	struct proc_list *pl = arena_alloc(r->arena, sizeof *pl);
	if (!pl)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "arena");
	pl->a = r->arena;
	pl->n = 0;
	forms_list(s, q->tenant.code, proc_add, pl, &e);

	const char *view = filter_param(r, "view");
	const char *title = html_t(l, view && strcmp(view, "overdue") == 0 ? "inbox.title_overdue" :
				      view ? "inbox.title_duplicates" : "inbox.title");
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, title, NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/inbox.css\">\n");

	/* views */
	html_printf(&b, "<nav aria-label=\"%s\" class=\"inbox-views\"><ul class=\"plain\">", html_t(l, "inbox.views"));
	html_printf(&b, "<li><a href=\"%s\"%S>%s</a></li>",
		    filter_url(r, "/staff/inbox", "view", NULL, NULL, NULL),
		    !view ? " aria-current=\"page\"" : "", html_t(l, "inbox.view_all"));
	html_printf(&b, "<li><a href=\"%s\"%S>%s</a></li>",
		    filter_url(r, "/staff/inbox", "view", "overdue", NULL, NULL),
		    view && strcmp(view, "overdue") == 0 ? " aria-current=\"page\"" : "",
		    html_t(l, "inbox.view_overdue"));
	html_printf(&b, "<li><a href=\"%s\"%S>%s</a></li>",
		    filter_url(r, "/staff/inbox", "view", "duplicates", NULL, NULL),
		    view && strcmp(view, "duplicates") == 0 ? " aria-current=\"page\"" : "",
		    html_t(l, "inbox.view_duplicates"));
	buf_puts(&b, "</ul></nav>\n");

	/* filters */
	html_printf(&b, "<form method=\"get\" action=\"/staff/inbox\" class=\"form inbox-filters\">"
		    "<fieldset><legend>%s</legend>", html_t(l, "inbox.filters"));
	if (view)
		html_printf(&b, "<input type=\"hidden\" name=\"view\" value=\"%s\">", view);
	struct opts o = { 0 };
	dept_options(&o, r, &act, pl);
	filter_select(&b, r, "department", "inbox.department", &o);
	o.n = 0;
	for (int i = 0; i < pl->n; i++)
		opt_add(&o, r->arena, pl->v[i].id, l == HTML_EN ? pl->v[i].title_en : pl->v[i].title_ja);
	filter_select(&b, r, "procedure", "inbox.procedure", &o);
	o.n = 0;
	for (int i = 0; i < apply_nstates; i++)
		opt_add(&o, r->arena, apply_states[i].id, state_label(l, apply_states[i].id));
	filter_select(&b, r, "status", "inbox.status", &o);
	ui_input(&b, &(struct ui_field){ .name = "from", .label = html_t(l, "inbox.from"), .type = "date",
					 .value = http_param(r, "from"), .lang = l });
	ui_input(&b, &(struct ui_field){ .name = "to", .label = html_t(l, "inbox.to"), .type = "date",
					 .value = http_param(r, "to"), .lang = l });
	o.n = 0;
	opt_add(&o, r->arena, "mine", html_t(l, "inbox.mine"));
	opt_add(&o, r->arena, "unassigned", html_t(l, "inbox.unassigned"));
	for (int i = 0; i < sl.n; i++)
		opt_add(&o, r->arena, arena_printf(r->arena, "%ld", (long)sl.v[i].id), sl.v[i].name);
	filter_select(&b, r, "assignee", "inbox.assignee", &o);
	html_printf(&b, "</fieldset><button type=\"submit\" class=\"button\">%s</button> "
		    "<a href=\"/staff/inbox\">%s</a></form>\n",
		    html_t(l, "inbox.apply_filters"), html_t(l, "inbox.clear"));

	/* per-state tabs */
	int64_t total = 0;
	for (int i = 0; i < ncounts; i++)
		total += counts[i].n;
	const char *cur = filter_param(r, "status");
	html_printf(&b, "<nav aria-label=\"%s\" class=\"inbox-tabs\"><ul class=\"plain\">", html_t(l, "inbox.by_status"));
	html_printf(&b, "<li><a href=\"%s\"%S>%s <span class=\"count\">(%ld)</span></a></li>",
		    filter_url(r, "/staff/inbox", "status", NULL, NULL, NULL),
		    !cur ? " aria-current=\"page\"" : "",
		    html_t(l, "inbox.all_states"), (long)total);
	for (int i = 0; i < ncounts; i++)
		html_printf(&b, "<li><a href=\"%s\" data-status=\"%s\"%S>%s <span class=\"count\">(%ld)</span></a></li>",
			    filter_url(r, "/staff/inbox", "status", counts[i].status, NULL, NULL),
			    counts[i].status,
			    cur && strcmp(cur, counts[i].status) == 0 ? " aria-current=\"page\"" : "",
			    state_label(l, counts[i].status), (long)counts[i].n);
	buf_puts(&b, "</ul></nav>\n");

	/* the table */
	int can_bulk = has_perm(r, AUTH_PERM_APPLICATIONS_WRITE);
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"inbox-caption\" tabindex=\"0\">"
		    "<table class=\"inbox\"><caption id=\"inbox-caption\">%s (%d)</caption><thead><tr>", title, n);
	if (can_bulk)
		html_printf(&b, "<th scope=\"col\" class=\"select\"><span class=\"visually-hidden\">%s</span></th>",
			    html_t(l, "inbox.bulk.select"));
	html_printf(&b,
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "inbox.receipt"), html_t(l, "inbox.procedure"),
		    html_t(l, "inbox.status"), html_t(l, "inbox.submitted"), html_t(l, "inbox.due"),
		    html_t(l, "inbox.assignee"), html_t(l, "inbox.notes"));
	for (int i = 0; i < n; i++) {
		const struct apply_submission *sb = &rows[i];
		const struct staff_ent *who = sb->assignee ? staff_find(&sl, sb->assignee) : NULL;
		int overdue = sb->due_at && sb->due_at < now && !state_final(sb->status);
		html_printf(&b, "<tr data-receipt=\"%s\">", sb->receipt);
		if (can_bulk)
			html_printf(&b, "<td class=\"select\"><input type=\"checkbox\" form=\"inbox-bulk\" "
				    "name=\"s%d\" value=\"%ld\" id=\"sel-%ld\">"
				    "<label for=\"sel-%ld\" class=\"visually-hidden\">%s %s</label></td>",
				    i, (long)sb->id, (long)sb->id, (long)sb->id,
				    html_t(l, "inbox.bulk.select_one"), sb->receipt);
		/* data-label: each cell's column, shown before it when the rows
		 * become cards on a phone (inbox.css) */
		html_printf(&b, "<th scope=\"row\"><a href=\"/staff/submissions/%ld\">%s</a></th>"
			    "<td data-label=\"%s\">%s</td><td data-label=\"%s\" data-status=\"%s\">%s</td>",
			    (long)sb->id, sb->receipt, html_t(l, "inbox.procedure"),
			    proc_title(pl, sb->procedure, l), html_t(l, "inbox.status"), sb->status,
			    state_label(l, sb->status));
		html_printf(&b, "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s%S</td>"
			    "<td data-label=\"%s\">%s</td><td class=\"notes\">",
			    html_t(l, "inbox.submitted"), fmt_jst(r->arena, sb->submitted_at, 1),
			    html_t(l, "inbox.due"), fmt_jst(r->arena, sb->due_at, 0),
			    overdue ? arena_printf(r->arena, " <strong class=\"overdue\">%s</strong>",
						   html_t(l, "inbox.overdue")) : "",
			    html_t(l, "inbox.assignee"),
			    who ? who->name : sb->assignee ? "#" : html_t(l, "inbox.unassigned"));
		if (sb->duplicate_of)
			html_printf(&b, "<span class=\"duplicate\" data-duplicate-of=\"%ld\">%s "
				    "<a href=\"/staff/submissions/%ld\">%s</a></span>",
				    (long)sb->duplicate_of, html_t(l, "inbox.duplicate"),
				    (long)sb->duplicate_of, html_t(l, "inbox.duplicate_open"));
		if (sb->revision > 1)
			html_printf(&b, " <span class=\"revision\">%s %d</span>", html_t(l, "inbox.revision"), sb->revision);
		/* a fee paid before submission: its payment's state now (a
		 * refund shows here) */
		struct payment pay;
		struct err pe;
		if (sb->payment[0] && payments_get(&pay, app_store(r), app_req(r)->tenant.code, sb->payment, &pe) == 0)
			html_printf(&b, " <span class=\"fee-badge\" data-payment=\"%s\">%s: %s</span>",
				    payments_state_name(pay.state), html_t(l, "inbox.col_payment"),
				    html_t(l, arena_printf(r->arena, "pay.state.%s", payments_state_name(pay.state))));
		buf_puts(&b, "</td></tr>\n");
	}
	if (n == 0)
		html_printf(&b, "<tr><td colspan=\"%d\">%s</td></tr>\n", can_bulk ? 8 : 7,
			    html_t(l, "inbox.none"));
	buf_puts(&b, "</tbody></table></div>\n");
	if (can_bulk && n > 0)
		bulk_form(&b, r, &sl);
	/* keyset paging: the next page starts after the last row shown */
	struct ui_pager_after pa = {
		.path = "/staff/inbox", .pairs = filter_pairs(r, NULL, NULL, NULL, NULL),
		.not_first = f.after_id != 0,
		.next_key = n == INBOX_PAGE ? arena_printf(r->arena, "%ld", (long)rows[n - 1].id) : NULL,
		.first = html_t(l, "inbox.first"), .next = html_t(l, "inbox.next"),
	};
	ui_pager_after(&b, r->arena, l, &pa);
	/* the export, always: what the filters select (with a procedure,
	 * its answers as columns too) */
	html_printf(&b, "<h2 id=\"inbox-export\">%s</h2><p class=\"hint\">%s</p><ul class=\"plain inbox-export\">"
		    "<li><a href=\"%s\" data-export=\"cp932\">%s</a></li>"
		    "<li><a href=\"%s\" data-export=\"utf8bom\">%s</a></li></ul>\n",
		    html_t(l, "inbox.export"),
		    html_t(l, f.procedure ? "inbox.export_hint_procedure" : "inbox.export_hint_any"),
		    filter_url(r, "/staff/inbox/export.csv", NULL, NULL, "encoding", "cp932"),
		    html_t(l, "inbox.export_cp932"),
		    filter_url(r, "/staff/inbox/export.csv", NULL, NULL, "encoding", "utf8bom"),
		    html_t(l, "inbox.export_utf8"));
	return app_page_send(r, 200, &b, &pg);
}

/* ---- applications that reach nobody (issue 14) ---- */

#define UNROUTED_DEPTS 48

/* the unrouted view: for whoever may change roles (roles.manage), the
 * open submissions of departments no member of staff can read, without
 * answers (receipt, procedure, department, state, date), each department
 * linked to its page where the roles owning its inbox are chosen */
int page_inbox_unrouted(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct store *s = app_store(r);
	struct err e;
	err_clear(&e);
	char (*depts)[APPLY_DEPT_MAX + 1] = arena_alloc(r->arena, UNROUTED_DEPTS * sizeof *depts);
	if (!depts)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "arena");
	int64_t open = 0;
	int nd = apply_unrouted(depts, UNROUTED_DEPTS, &open, s, q->tenant.code, &e);
	if (nd < 0)
		return http_send_error(r, nd, NULL, NULL, e.detail);
	struct apply_submission *rows = NULL;
	int n = 0;
	if (nd > 0) {
		const char *dv[UNROUTED_DEPTS];
		for (int i = 0; i < nd; i++)
			dv[i] = depts[i];
		struct apply_actor who = { .kind = APPLY_STAFF, .id = q->ses.account_id,
					   .tenant = q->tenant.code, .depts = dv, .ndepts = nd };
		struct apply_filter f = { .assignee = -1, .limit = APPLY_PAGE_MAX, .now = app_now() };
		int rc = apply_list(&rows, &n, r->arena, s, &who, &f, &e);
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	struct proc_list *pl = arena_alloc(r->arena, sizeof *pl);
	if (!pl)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "arena");
	pl->a = r->arena;
	pl->n = 0;
	forms_list(s, q->tenant.code, proc_add, pl, &e);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "inbox.unrouted.title"), NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/inbox.css\">\n");
	html_printf(&b, "<p>%s</p>", html_t(l, "inbox.unrouted.lead"));
	if (nd > 0) {
		html_printf(&b, "<div class=\"warning\" role=\"status\" id=\"unrouted-summary\" data-count=\"%ld\"><p>%s</p><ul>",
			    (long)open, arena_printf(r->arena, html_t(l, "inbox.unrouted.count"), (long)open));
		for (int i = 0; i < nd; i++)
			html_printf(&b, "<li data-department=\"%s\"><a href=\"%s\">%s</a></li>", depts[i],
				    ui_url(r->arena, "/staff/departments/edit",
					   (const char *[]){ "code", depts[i], NULL }),
				    depts[i]);
		buf_puts(&b, "</ul></div>");
	} else {
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"unrouted-summary\" data-count=\"0\">%s</p>",
			    html_t(l, "inbox.unrouted.none"));
	}
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"unrouted-caption\" tabindex=\"0\">"
		    "<table class=\"inbox\"><caption id=\"unrouted-caption\">%s (%d)</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "inbox.unrouted.title"), n, html_t(l, "inbox.receipt"),
		    html_t(l, "inbox.procedure"), html_t(l, "inbox.department"),
		    html_t(l, "inbox.status"), html_t(l, "inbox.submitted"));
	for (int i = 0; i < n; i++)
		html_printf(&b, "<tr data-receipt=\"%s\"><th scope=\"row\">%s</th><td>%s</td><td>%s</td>"
			    "<td data-status=\"%s\">%s</td><td>%s</td></tr>\n",
			    rows[i].receipt, rows[i].receipt, proc_title(pl, rows[i].procedure, l),
			    rows[i].department, rows[i].status, state_label(l, rows[i].status),
			    fmt_jst(r->arena, rows[i].submitted_at, 1));
	if (n == 0)
		html_printf(&b, "<tr><td colspan=\"5\">%s</td></tr>\n", html_t(l, "inbox.none"));
	buf_puts(&b, "</tbody></table></div>\n");
	html_printf(&b, "<p><a href=\"/staff/departments\">%s</a></p>", html_t(l, "inbox.unrouted.to_departments"));
	return app_page_send(r, 200, &b, &pg);
}

/* the staff home's warning (svc.h: staff_home): to whoever may change
 * roles, when open applications reach nobody */
void inbox_staff_home(struct buf *b, struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (q->ses.kind != AUTH_KIND_STAFF || !has_perm(r, AUTH_PERM_ROLES_MANAGE))
		return;
	char depts[UNROUTED_DEPTS][APPLY_DEPT_MAX + 1];
	int64_t open = 0;
	struct err e;
	int nd = apply_unrouted(depts, UNROUTED_DEPTS, &open, app_store(r), q->tenant.code, &e);
	if (nd < 0) {
		log_warn("unrouted count failed", "detail", e.detail);
		return;
	}
	if (nd == 0 || open == 0)
		return;
	html_printf(b, "<div class=\"warning\" role=\"status\" id=\"unrouted-warning\" data-count=\"%ld\">"
		    "<p><strong>%s</strong> <a href=\"/staff/inbox/unrouted\">%s</a></p></div>",
		    (long)open, arena_printf(r->arena, html_t(q->lang, "inbox.unrouted.count"), (long)open),
		    html_t(q->lang, "inbox.unrouted.open"));
}

/* ---- one submission ---- */

struct view {
	struct http_req *r;
	struct buf *b;
	enum html_lang l;
	const char *lang;
	int reveal;                  /* show My Number in full             */
	int has_my_number;
	int64_t id;
	const json_t *sources;
	json_t *files;               /* file answers met, in page order    */
};

static const char *opt_label(const struct forms_field *f, const char *v, const char *lang)
{
	for (int i = 0; i < f->noptions; i++)
		if (strcmp(f->options[i].value, v) == 0)
			return forms_text_get(&f->options[i].label, lang);
	return v;
}

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void render_value(struct view *v, const struct forms_field *f, const json_t *val);

static void render_fields(struct view *v, const struct forms_field *fs, int n,
			  const json_t *answers, int top)
{
	html_printf(v->b, "<dl class=\"answers\">");
	for (int i = 0; i < n; i++) {
		const struct forms_field *f = &fs[i];
		if (f->type == FORMS_T_INFO)
			continue;
		const json_t *val = json_object_get(answers, f->id);
		if (!val)
			continue;
		html_printf(v->b, "<dt>%s", forms_text_get(&f->label, v->lang));
		const json_t *src = top ? json_object_get(v->sources, f->id) : NULL;
		if (json_is_string(src)) {
			const char *sn = json_string_value(src);
			const char *id = strcmp(sn, "juki") == 0 ? "sub.source_juki" :
					 strcmp(sn, "previous_submission") == 0 ? "sub.source_previous" :
					 strcmp(sn, "jpki_cert") == 0 ? "sub.source_jpki" :
					 strcmp(sn, "staff") == 0 ? "sub.source_staff" : NULL;
			html_printf(v->b, " <span class=\"source\" data-source=\"%s\">%s</span>", sn,
				    id ? html_t(v->l, id) : sn);
		}
		buf_puts(v->b, "</dt><dd>");
		render_value(v, f, val);
		buf_puts(v->b, "</dd>");
	}
	buf_puts(v->b, "</dl>");
}

static void render_value(struct view *v, const struct forms_field *f, const json_t *val)
{
	struct buf *b = v->b;
	switch (f->type) {
	case FORMS_T_NAME_JP:
		html_printf(b, "%s %s（%s %s）", jstr(val, "family"), jstr(val, "given"),
			    jstr(val, "family_kana"), jstr(val, "given_kana"));
		return;
	case FORMS_T_ADDRESS_JP:
		html_printf(b, "〒%s %s%s%s %s", jstr(val, "postal_code"), jstr(val, "pref"),
			    jstr(val, "city"), jstr(val, "street"), jstr(val, "building"));
		return;
	case FORMS_T_MY_NUMBER: {
		const char *s = json_is_string(val) ? json_string_value(val) : "";
		size_t n = strlen(s);
		v->has_my_number = 1;
		/* masked by apply_view unless revealed: "********1234" */
		if (v->reveal)
			html_printf(b, "<span class=\"my-number\" data-masked=\"0\">%s</span>", s);
		else
			html_printf(b, "<span class=\"my-number\" data-masked=\"1\">********%s</span>",
				    n >= 4 ? s + n - 4 : "");
		return;
	}
	case FORMS_T_INTEGER:
		if (json_is_integer(val))
			html_printf(b, "%ld", (long)json_integer_value(val));
		return;
	case FORMS_T_YEN:
		if (json_is_integer(val))
			html_printf(b, "%ld %s", (long)json_integer_value(val), html_t(v->l, "sub.yen"));
		return;
	case FORMS_T_RADIO:
	case FORMS_T_SELECT:
		html_printf(b, "%s", opt_label(f, json_is_string(val) ? json_string_value(val) : "", v->lang));
		return;
	case FORMS_T_CHECKBOXES: {
		size_t i;
		const json_t *x;
		json_array_foreach(val, i, x)
			html_printf(b, "%S%s", i ? "、" : "",
				    opt_label(f, json_is_string(x) ? json_string_value(x) : "", v->lang));
		return;
	}
	case FORMS_T_YES_NO:
		html_printf(b, "%s", html_t(v->l, json_is_true(val) ? "yes" : "no"));
		return;
	case FORMS_T_DECLARATION:
		html_printf(b, "%s", html_t(v->l, json_is_true(val) ? "sub.agreed" : "no"));
		return;
	case FORMS_T_BANK_ACCOUNT:
		html_printf(b, "%s-%s %s %s %s", jstr(val, "bank_code"), jstr(val, "branch_code"),
			    jstr(val, "kind"), jstr(val, "number"), jstr(val, "holder_kana"));
		return;
	case FORMS_T_FILE: {
		const char *sha = jstr(val, "sha256");
		json_t *size = json_object_get(val, "size");
		html_printf(b, "<a href=\"/staff/submissions/%ld/files/%s\">%s</a> (%s, %ld bytes)",
			    (long)v->id, sha, jstr(val, "name"), jstr(val, "type"),
			    (long)(json_is_integer(size) ? json_integer_value(size) : 0));
		if (v->files)
			json_array_append(v->files, (json_t *)val);
		return;
	}
	case FORMS_T_GROUP: {
		size_t i;
		const json_t *item;
		buf_puts(b, "<ol class=\"group-items\">");
		json_array_foreach(val, i, item) {
			buf_puts(b, "<li>");
			render_fields(v, f->fields, f->nfields, item, 0);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ol>");
		return;
	}
	default:
		if (json_is_string(val))
			html_printf(b, "<span class=\"text\">%s</span>", json_string_value(val));
		else {
			char *s = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
			html_printf(b, "%s", s ? s : "");
			free(s);
		}
	}
}

static const char *actor_name(struct http_req *r, const struct staff_list *sl,
			      enum apply_actor_kind k, int64_t id)
{
	enum html_lang l = app_req(r)->lang;
	if (k == APPLY_RESIDENT)
		return html_t(l, "sub.resident");
	if (k == APPLY_SYSTEM)
		return html_t(l, "sub.system");
	const struct staff_ent *st = staff_find(sl, id);
	return st ? st->name : arena_printf(r->arena, "#%ld", (long)id);
}

static const char *kind_label(enum html_lang l, const char *kind)
{
	char id[40];
	snprintf(id, sizeof id, "hist.%s", kind);
	const char *t = html_t(l, id);
	return strcmp(t, id) == 0 ? kind : t;
}

/* the history table; 0 or ERR_* */
static int render_history(struct buf *b, struct http_req *r, const struct apply_actor *act,
			  const struct apply_submission *sb, const struct staff_list *sl)
{
	enum html_lang l = app_req(r)->lang;
	struct apply_history_item *h = NULL;
	int n = 0;
	struct err e;
	int rc = apply_history(&h, &n, r->arena, app_store(r), act, sb->id, &e);
	if (rc)
		return rc;
	html_printf(b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"history-caption\" tabindex=\"0\">"
		    "<table class=\"history\"><caption id=\"history-caption\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "sub.history"), html_t(l, "hist.at"), html_t(l, "hist.who"),
		    html_t(l, "hist.what"), html_t(l, "hist.state"), html_t(l, "hist.text"));
	for (int i = 0; i < n; i++) {
		const char *assignee = NULL;
		if (strcmp(h[i].kind, "assign") == 0 && h[i].text) {
			int64_t to = 0;
			if (parse_i64(&to, h[i].text, 0, INT64_MAX) == 0)
				assignee = to ? actor_name(r, sl, APPLY_STAFF, to) : html_t(l, "inbox.unassigned");
		}
		html_printf(b, "<tr data-kind=\"%s\"%S><th scope=\"row\">%s</th><td>%s</td><td>%s%S</td><td>",
			    h[i].kind, h[i].internal ? " data-internal=\"1\"" : "",
			    fmt_jst(r->arena, h[i].at, 1), actor_name(r, sl, h[i].actor_kind, h[i].actor_id),
			    kind_label(l, h[i].kind),
			    h[i].internal ? arena_printf(r->arena, " <span class=\"internal\">%s</span>",
							 html_t(l, "sub.internal")) : "");
		if (h[i].to[0])
			html_printf(b, "%s → %s", h[i].from[0] ? state_label(l, h[i].from) : "",
				    state_label(l, h[i].to));
		html_printf(b, "</td><td class=\"text\">%s</td></tr>\n",
			    assignee ? assignee : h[i].text ? h[i].text : "");
	}
	buf_puts(b, "</tbody></table></div>\n");
	return 0;
}

static int load_submission(struct apply_submission *sb, struct apply_actor *act,
			   int64_t *id, struct http_req *r, struct err *e)
{
	int rc = actor_of(act, r);
	if (rc)
		return rc;
	if (parse_i64(id, http_param(r, "id"), 1, INT64_MAX))
		return ERR_NOTFOUND;
	return apply_get(sb, r->arena, app_store(r), act, *id, e);
}

static int send_notfound(struct http_req *r)
{
	return http_send_error(r, ERR_NOTFOUND, NULL, NULL, "submission not visible");
}

/* the submission page; error (with the id of the field it is about) is
 * shown in the error summary */
/* the error of the page when it is about the field id (NULL: none) */
static const char *field_error(const char *error_id, const char *id, const char *error)
{
	return error_id && error && strcmp(error_id, id) == 0 ? error : NULL;
}

static int render_submission(struct http_req *r, int status, const char *error_id,
			     const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct store *s = app_store(r);
	struct apply_submission sb;
	struct apply_actor act;
	int64_t id;
	struct err e;
	err_clear(&e);
	int rc = load_submission(&sb, &act, &id, r, &e);
	if (rc == ERR_NOTFOUND)
		return send_notfound(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct forms_def *d = NULL;
	rc = forms_load_version(&d, NULL, r->arena, s,
				&(struct forms_ref){ .tenant = q->tenant.code, .id = sb.procedure,
						     .version = sb.version }, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	/* masking and auditing: src/svc/apply decides (apply_view), as for the
	 * API, the CSV export and the resident's pages */
	struct apply_view av;
	rc = apply_view(&av, r->arena, &act, d, sb.answers,
			http_param(r, "show") ? APPLY_REVEAL_ASKED : APPLY_REVEAL_NO, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	int reveal = av.revealed;
	struct staff_list sl;
	staff_load(&sl, r);
	int can_write = has_perm(r, AUTH_PERM_APPLICATIONS_WRITE);
	int64_t now = app_now();

	const char *title = arena_printf(r->arena, "%s %s", html_t(l, "sub.title"), sb.receipt);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, title, error_id, error);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/inbox.css\">\n");
	html_printf(&b, "<p><a href=\"/staff/inbox\">%s</a></p>\n", html_t(l, "inbox.back"));
	const struct staff_ent *as = sb.assignee ? staff_find(&sl, sb.assignee) : NULL;
	int overdue = sb.due_at && sb.due_at < now && !state_final(sb.status);
	html_printf(&b, "<dl class=\"summary\"><dt>%s</dt><dd>%s (%s %d)</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"current-status\" data-status=\"%s\">%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s%S</dd><dt>%s</dt><dd>%d</dd>"
		    "<dt>%s</dt><dd id=\"current-assignee\">%s</dd>",
		    html_t(l, "inbox.procedure"), forms_text_get(&d->title, lang_code(l)),
		    html_t(l, "sub.version"), sb.version,
		    html_t(l, "inbox.department"), sb.department,
		    html_t(l, "inbox.status"), sb.status, state_label(l, sb.status),
		    html_t(l, "inbox.submitted"), fmt_jst(r->arena, sb.submitted_at, 1),
		    html_t(l, "inbox.due"), fmt_jst(r->arena, sb.due_at, 0),
		    overdue ? arena_printf(r->arena, " <strong class=\"overdue\">%s</strong>",
					   html_t(l, "inbox.overdue")) : "",
		    html_t(l, "inbox.revision"), sb.revision,
		    html_t(l, "inbox.assignee"), as ? as->name : html_t(l, "inbox.unassigned"));
	if (sb.duplicate_of)
		html_printf(&b, "<dt>%s</dt><dd><a href=\"/staff/submissions/%ld\">%s</a></dd>",
			    html_t(l, "inbox.duplicate"), (long)sb.duplicate_of, html_t(l, "inbox.duplicate_open"));
	if (sb.return_note[0])
		html_printf(&b, "<dt>%s</dt><dd class=\"text\">%s</dd>", html_t(l, "sub.last_note"), sb.return_note);
	if (d->fee_yen > 0) {   /* the fee, and its payment once asked for (svc/payments) */
		struct payment pay;
		struct err pe;
		html_printf(&b, "<dt>%s</dt><dd id=\"sub-fee\">", html_t(l, "sub.fee"));
		buf_printf(&b, "%lld%s", (long long)d->fee_yen, html_t(l, "form.yen"));
		if (apply_fee_payment(&pay, s, q->tenant.code, &sb, d, &pe) == 0)
			html_printf(&b, " <a href=\"/staff/payments/%s\" id=\"sub-payment\" data-state=\"%s\">%s</a>",
				    pay.number, payments_state_name(pay.state),
				    html_t(l, arena_printf(r->arena, "pay.state.%s", payments_state_name(pay.state))));
		buf_puts(&b, "</dd>");
	}
	buf_puts(&b, "</dl>\n");

	/* signature */
	html_printf(&b, "<h2>%s</h2>", html_t(l, "sub.signature"));
	if (sb.sig_serial[0])
		html_printf(&b, "<dl class=\"signature\"><dt>%s</dt><dd><code>%s</code></dd><dt>%s</dt><dd>%s</dd></dl>\n",
			    html_t(l, "sub.sig_serial"), sb.sig_serial, html_t(l, "sub.sig_subject"), sb.sig_subject);
	else
		html_printf(&b, "<p>%s</p>\n", html_t(l, "sub.unsigned"));

	/* answers in page order */
	struct view v = { r, &b, l, lang_code(l), reveal, 0, id, sb.sources, json_array() };
	sb.answers = av.answers;
	/* the page reads v.files below: when the arena cannot hold its
	 * cleanup the array is already released, so answer now (using it
	 * would read freed memory) */
	if (!app_json_own(r, v.files)) {
		buf_done(&b);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	}
	html_printf(&b, "<h2>%s</h2>\n", html_t(l, "sub.answers"));
	for (int p = 0; p < d->npages; p++) {
		int any = 0;
		for (int i = 0; i < d->pages[p].nfields && !any; i++)
			any = json_object_get(sb.answers, d->pages[p].fields[i].id) != NULL;
		if (!any)
			continue;
		html_printf(&b, "<h3>%s</h3>", forms_text_get(&d->pages[p].title, v.lang));
		render_fields(&v, d->pages[p].fields, d->pages[p].nfields, sb.answers, 1);
	}
	if (av.has_my_number && av.may_reveal && !reveal)
		html_printf(&b, "<p><a href=\"/staff/submissions/%ld?show=my_number\">%s</a></p>",
			    (long)id, html_t(l, "sub.reveal"));

	/* attachments */
	html_printf(&b, "<h2>%s</h2>", html_t(l, "sub.files"));
	if (!v.files || json_array_size(v.files) == 0) {
		html_printf(&b, "<p>%s</p>", html_t(l, "sub.no_files"));
	} else {
		size_t i;
		json_t *fm;
		buf_puts(&b, "<ul class=\"files\">");
		json_array_foreach(v.files, i, fm)
			html_printf(&b, "<li><a href=\"/staff/submissions/%ld/files/%s\">%s</a> (%s)</li>",
				    (long)id, jstr(fm, "sha256"), jstr(fm, "name"), jstr(fm, "type"));
		buf_puts(&b, "</ul>\n");
	}

	/* history */
	html_printf(&b, "<h2 id=\"history\">%s</h2>", html_t(l, "sub.history"));
	rc = render_history(&b, r, &act, &sb, &sl);
	if (rc) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, "history");
	}

	/* actions */
	if (can_write) {
		html_printf(&b, "<h2>%s</h2>", html_t(l, "sub.actions"));
		html_printf(&b, "<form method=\"post\" action=\"/staff/submissions/%ld/assign\" class=\"form\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", (long)id, q->csrf);
		struct opts o = { 0 };
		opt_add(&o, r->arena, "0", html_t(l, "inbox.unassigned"));
		for (int i = 0; i < sl.n; i++)
			opt_add(&o, r->arena, arena_printf(r->arena, "%ld", (long)sl.v[i].id),
				arena_printf(r->arena, "%s (%s)", sl.v[i].name, sl.v[i].login));
		ui_select(&b, &(struct ui_field){
				  .name = "assignee", .id = "assignee", .label = html_t(l, "sub.assign_to"),
				  .value = arena_printf(r->arena, "%ld", (long)sb.assignee), .lang = l,
				  .error = field_error(error_id, "assignee", error) },
			  o.v, o.n, NULL);
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
			    html_t(l, "sub.assign"));
		html_printf(&b, "<form method=\"post\" action=\"/staff/submissions/%ld/comment\" class=\"form\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", (long)id, q->csrf);
		ui_textarea(&b, &(struct ui_field){
				    .name = "text", .id = "comment", .label = html_t(l, "sub.comment"),
				    .hint = html_t(l, "sub.comment_hint"), .maxlength = APPLY_COMMENT_MAX,
				    .required = 1, .html_required = 1, .lang = l,
				    .error = field_error(error_id, "comment", error),
				    .required_text = html_t(l, "sub.required"), .error_class = 1 },
			    3);
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
			    html_t(l, "sub.comment_add"));
		const char *next[8];
		int nn = next_states(next, 8, sb.status, d);
		for (int i = 0; i < nn; i++) {
			int need_note = strcmp(next[i], "returned") == 0 || strcmp(next[i], "rejected") == 0;
			const char *fid = arena_printf(r->arena, "note-%s", next[i]);
			html_printf(&b, "<form method=\"post\" action=\"/staff/submissions/%ld/transition\" class=\"form transition\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<input type=\"hidden\" name=\"to\" value=\"%s\">"
				    "<input type=\"hidden\" name=\"expect_from\" value=\"%s\">",
				    (long)id, q->csrf, next[i], sb.status);
			ui_textarea(&b, &(struct ui_field){
					    .name = "note", .id = fid, .label = html_t(l, "sub.note"),
					    .maxlength = APPLY_COMMENT_MAX, .required = need_note,
					    .html_required = need_note, .lang = l,
					    .error = field_error(error_id, fid, error),
					    .required_text = html_t(l, "sub.required"), .error_class = 1 },
				    2);
			html_printf(&b, "<button type=\"submit\" class=\"button%S\">%s</button></form>\n",
				    need_note ? "-secondary" : "",
				    arena_printf(r->arena, "%s: %s", html_t(l, "sub.move_to"), state_label(l, next[i])));
		}
	}
	if (status == 200) {
		if (av.audit_read)
			app_audit(r, AUDIT_A_READ, "submission", sb.receipt, AUDIT_R_OK);
		if (av.audit_reveal)
			app_audit(r, AUDIT_A_READ, "submission.my_number", sb.receipt, AUDIT_R_OK);
	}
	return app_page_send(r, status, &b, &pg);
}

int page_staff_submission(struct http_req *r)
{
	return render_submission(r, 200, NULL, NULL);
}

int page_staff_submission_history(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct apply_submission sb;
	struct apply_actor act;
	int64_t id;
	struct err e;
	err_clear(&e);
	int rc = load_submission(&sb, &act, &id, r, &e);
	if (rc == ERR_NOTFOUND)
		return send_notfound(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct staff_list sl;
	staff_load(&sl, r);
	const char *title = arena_printf(r->arena, "%s %s", html_t(l, "sub.history_of"), sb.receipt);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, title, NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/inbox.css\">\n");
	html_printf(&b, "<p><a href=\"/staff/submissions/%ld\">%s</a></p>\n", (long)id,
		    html_t(l, "sub.back"));
	rc = render_history(&b, r, &act, &sb, &sl);
	if (rc) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, "history");
	}
	return app_page_send(r, 200, &b, &pg);
}

/* ---- acting on a submission ---- */

/* the link a resident follows from the notification, built as the
 * resident e-mail pages build theirs (app_mail_link_base: serve
 * --public-url, else https://<the tenant's host>[/t/<prefix>], else the
 * listen address); never from the request's Host header. */
static const char *resident_link(struct http_req *r, const char *receipt)
{
	char base[600];
	if (app_mail_link_base(base, sizeof base, app_of(r), &app_req(r)->tenant) != 0)
		return NULL;
	return arena_printf(r->arena, "%s/submissions/%s", base, receipt);
}

/* queue the resident's notice of a transition (in the caller's
 * transaction): receipt, new state and a link; never the answers or the
 * note's text (only that there is one).  The text is the municipality's
 * template apply.state_changed (svc/notify; staff edit it): this gives the
 * values.  The language is the resident's subscription to apply.state
 * when they have one (My page), else Japanese; the e-mail goes whether
 * or not they subscribe (it is about their own application), an SMS or
 * LINE message too when they chose those channels for it. */
static int notify_resident(struct http_req *r, struct store *s, const struct apply_event *ev,
			   const struct apply_submission *sb, const char *note, struct err *e)
{
	struct app_req *q = app_req(r);
	if (!ev->resident_id)
		return 0;
	char email[AUTH_EMAIL_MAX + 1];
	int active = 0;
	int rc = auth_resident_get(email, &active, s, q->tenant.code, ev->resident_id, e);
	if (rc == ERR_NOTFOUND || (rc == 0 && !active))
		return 0;
	if (rc)
		return rc;
	/* the address typed in the form, when the procedure asks for one */
	struct forms_def *d = NULL;
	struct err de;
	if (forms_load_version(&d, NULL, r->arena, s,
			       &(struct forms_ref){ .tenant = q->tenant.code, .id = sb->procedure,
						    .version = sb->version }, &de) == 0) {
		const char *typed = app_mail_answer_address(d, sb->answers);
		if (typed)
			snprintf(email, sizeof email, "%s", typed);
	}
	char lang[8];
	if (notify_subscription_lang(lang, s, q->tenant.code, ev->resident_id, "apply.state", &de) < 0)
		snprintf(lang, sizeof lang, "ja");   /* unreadable: as without one */
	enum html_lang l = (enum html_lang)notify_lang_parse(lang);
	const char *link = resident_link(r, ev->receipt);
	const char *state = state_label_in(ev->to, l == HTML_EN);
	if (note && *note)   /* "差し戻し（担当者からのお知らせがあります）" */
		state = arena_printf(r->arena, html_t(l, "apply.mail.status.with_note"), state);
	if (!state)
		return ERR_NOMEM;
	const struct notify_value vals[] = {
		{ "ward", l == HTML_EN && q->tenant.name_en[0] ? q->tenant.name_en : q->tenant.name_ja },
		{ "receipt", ev->receipt }, { "state", state },
		/* no public URL that fits: the path, on the ward's site */
		{ "url", link ? link : arena_printf(r->arena, "/submissions/%s", ev->receipt) },
	};
	if (!vals[3].value)
		return ERR_NOMEM;
	int64_t mail_id;
	rc = notify_email(s, q->tenant.code, "apply.state_changed", lang, email, vals, 4, &mail_id, e);
	/* and by SMS or LINE when the resident chose it for apply.state */
	int sent = 0;
	if (rc >= 0) {
		struct err se;
		/* each SMS or LINE subscription's own link ends it (no public
		 * URL: the path, as the url above) */
		char base[600] = "";
		app_mail_link_base(base, sizeof base, app_of(r), &q->tenant);
		rc = notify_account_channels(&sent, s, q->tenant.code, ev->resident_id, "apply.state",
					     "sms.apply_state", "line.apply_state", vals, 4, base, 0, app_now(), &se);
		/* a text the SMS or LINE template refuses (a staff edit made it
		 * too long) does not undo the state change and its e-mail */
		if (rc == ERR_LIMIT || rc == ERR_INVALID || rc == ERR_NOTFOUND) {
			log_warn("apply: state notice not sent by SMS/LINE", "receipt", ev->receipt, "error", se.detail);
			rc = 0;
		} else if (rc < 0) {
			err_set(e, rc, "%s", se.detail);
		}
	}
	return rc < 0 ? rc : 0;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if (strncmp(s, "\u3000", 3) == 0)
			s += 3;
		else
			return 0;
	}
	return 1;
}

static int conflict_page(struct http_req *r, int64_t id, const char *current)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "sub.conflict_title"), NULL, NULL);
	const char *ja = html_t(HTML_JA, "sub.conflict"), *en = html_t(HTML_EN, "sub.conflict");
	if (l == HTML_EN)
		html_printf(&b, "<p>%s</p><p lang=\"ja\">%s</p>", en, ja);
	else
		html_printf(&b, "<p>%s</p><p lang=\"en\">%s</p>", ja, en);
	if (current)
		html_printf(&b, "<p>%s: <strong id=\"current-status\" data-status=\"%s\">%s</strong></p>",
			    html_t(l, "sub.current_state"), current, state_label(l, current));
	html_printf(&b, "<p><a href=\"/staff/submissions/%ld\">%s</a></p>", (long)id, html_t(l, "sub.reload"));
	return app_page_send(r, 409, &b, &pg);
}

enum act_kind { ACT_TRANSITION, ACT_ASSIGN, ACT_COMMENT };

static int act(struct http_req *r, enum act_kind k)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct store *s = app_store(r);
	struct apply_actor who;
	struct err e;
	err_clear(&e);
	int64_t id;
	int rc = actor_of(&who, r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "actor");
	if (parse_i64(&id, http_param(r, "id"), 1, INT64_MAX))
		return send_notfound(r);
	const char *to = http_param(r, "to"), *from = http_param(r, "expect_from");
	const char *note = http_param(r, "note"), *text = http_param(r, "text");
	int64_t assignee = 0;
	if (k == ACT_TRANSITION && (strcmp(to, "returned") == 0 || strcmp(to, "rejected") == 0) &&
	    blank(note)) {
		char fid[48];
		snprintf(fid, sizeof fid, "note-%s", to);
		return render_submission(r, 400, arena_strdup(r->arena, fid), html_t(l, "sub.note_required"));
	}
	if (k == ACT_COMMENT && blank(text))
		return render_submission(r, 400, "comment", html_t(l, "sub.comment_required"));
	if (k == ACT_ASSIGN && parse_i64(&assignee, http_param(r, "assignee"), 0, INT64_MAX))
		return render_submission(r, 400, "assignee", html_t(l, "sub.assign_invalid"));
	struct app_actor aa;
	app_actor_of(&aa, r);
	struct apply_submission sb;
	struct apply_event ev;
	memset(&sb, 0, sizeof sb);
	memset(&ev, 0, sizeof ev);
	int64_t now = app_now();
	rc = store_begin(s, &e);
	if (rc == 0)
		rc = apply_get(&sb, r->arena, s, &who, id, &e);
	const char *obj = NULL;
	if (rc == 0) {
		switch (k) {
		case ACT_TRANSITION:
			rc = apply_transition(&ev, s, &who,
					      &(struct apply_move){ .id = id, .expect_from = from,
								    .to = to,
								    .note = blank(note) ? NULL : note },
					      now, &e);
			obj = arena_printf(r->arena, "%s/%s/%s", sb.receipt, ev.from, ev.to);
			if (rc == 0)
				rc = app_audit_as(s, &app_of(r)->audit, &aa,
						  &(struct app_audit_entry){
							  .action = "application.transition",
							  .object_type = "submission", .object_id = obj,
							  .result = AUDIT_R_OK }, &e);
			if (rc == 0)
				rc = notify_resident(r, s, &ev, &sb, note, &e);
			break;
		case ACT_ASSIGN:
			rc = apply_assign(s, &who, id, assignee, now, &e);
			obj = arena_printf(r->arena, "%s/%ld", sb.receipt, (long)assignee);
			if (rc == 0)
				rc = app_audit_as(s, &app_of(r)->audit, &aa,
						  &(struct app_audit_entry){
							  .action = "application.assign",
							  .object_type = "submission", .object_id = obj,
							  .result = AUDIT_R_OK }, &e);
			break;
		case ACT_COMMENT:
			rc = apply_comment(s, &who, id, text, now, &e);
			if (rc == 0)
				rc = app_audit_as(s, &app_of(r)->audit, &aa,
						  &(struct app_audit_entry){
							  .action = "application.comment",
							  .object_type = "submission",
							  .object_id = sb.receipt, .result = AUDIT_R_OK },
						  &e);
			break;
		}
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	else if (store_in_tx(s))
		store_rollback(s);
	if (rc == ERR_DENIED && k == ACT_ASSIGN)   /* apply_assign: not in their inbox */
		return render_submission(r, 400, "assignee", html_t(l, "sub.assign_cannot_see"));
	if (rc == ERR_NOTFOUND && k == ACT_ASSIGN && sb.receipt[0] && apply_get(&sb, r->arena, s, &who, id, &e) == 0)
		return render_submission(r, 400, "assignee", html_t(l, "sub.assign_invalid"));
	if (rc == ERR_NOTFOUND)
		return send_notfound(r);
	if (rc == ERR_CONFLICT) {
		struct apply_submission cur;
		const char *st = apply_get(&cur, r->arena, s, &who, id, &e) == 0 ?
				 arena_strdup(r->arena, cur.status) : NULL;
		if (st && from && strcmp(st, from) == 0)
			return render_submission(r, 409, "main", html_t(l, "sub.not_allowed"));
		return conflict_page(r, id, st);
	}
	if (rc == ERR_INVALID || rc == ERR_LIMIT)
		return render_submission(r, 400, k == ACT_COMMENT ? "comment" : "main",
					 html_t(l, "sub.invalid"));
	if (rc) {
		log_error("submission action failed", "detail", e.detail);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/submissions/%ld", (long)id));
}

int page_staff_submission_transition(struct http_req *r)
{
	return act(r, ACT_TRANSITION);
}

int page_staff_submission_assign(struct http_req *r)
{
	return act(r, ACT_ASSIGN);
}

int page_staff_submission_comment(struct http_req *r)
{
	return act(r, ACT_COMMENT);
}

/* ---- bulk actions on the inbox list ---- */

struct bulk_refusal {
	const char *receipt;       /* or "#<id>" when not found            */
	const char *why;
};

/* the refusal page: which rows, why, and that nothing changed */
static int bulk_refused(struct http_req *r, int status, const struct bulk_refusal *v, int n,
			const char *lead_id)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "inbox.bulk.refused_title"), NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/inbox.css\">\n");
	html_printf(&b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><p id=\"bulk-refused\">%s</p>",
		    html_t(l, lead_id));
	if (n > 0) {
		buf_puts(&b, "<ul class=\"bulk-refused\">");
		for (int i = 0; i < n; i++)
			html_printf(&b, "<li data-receipt=\"%s\"><strong>%s</strong>: %s</li>", v[i].receipt,
				    v[i].receipt, v[i].why);
		buf_puts(&b, "</ul>");
	}
	buf_puts(&b, "</div>");
	const char *back = http_param(r, "back");
	html_printf(&b, "<p><a href=\"%s\">%s</a></p>", back ? back : "/staff/inbox",
		    html_t(l, "inbox.bulk.back"));
	return app_page_send(r, status, &b, &pg);
}

int page_inbox_bulk(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct store *s = app_store(r);
	struct apply_actor who;
	struct err e;
	err_clear(&e);
	int rc = actor_of(&who, r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "actor");
	int64_t ids[INBOX_BULK_MAX];
	int nids = 0;
	for (int k = 0; k < INBOX_BULK_MAX; k++) {
		char name[16];
		snprintf(name, sizeof name, "s%d", k);
		int64_t id;
		const char *v = http_param(r, name);
		if (!v || parse_i64(&id, v, 1, INT64_MAX))
			continue;
		int dup = 0;
		for (int i = 0; i < nids && !dup; i++)
			dup = ids[i] == id;
		if (!dup)
			ids[nids++] = id;
	}
	if (nids == 0)
		return bulk_refused(r, 400, NULL, 0, "inbox.bulk.none_selected");
	int assign = strcmp(http_param(r, "action"), "assign") == 0;
	const char *to = http_param(r, "to"), *note = http_param(r, "note");
	int64_t assignee = 0;
	if (assign && (!http_param(r, "assignee") ||
		       parse_i64(&assignee, http_param(r, "assignee"), 0, INT64_MAX)))
		return bulk_refused(r, 400, NULL, 0, "inbox.bulk.assignee_required");
	if (!assign && (!to || !*to))
		return bulk_refused(r, 400, NULL, 0, "inbox.bulk.to_required");
	if (!assign && (strcmp(to, "returned") == 0 || strcmp(to, "rejected") == 0) && blank(note))
		return bulk_refused(r, 400, NULL, 0, "sub.note_required");
	struct app_actor aa;
	app_actor_of(&aa, r);
	struct bulk_refusal *bad = arena_alloc(r->arena, sizeof *bad * INBOX_BULK_MAX);
	if (!bad)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "bulk");
	int nbad = 0;
	int64_t now = app_now();
	/* all or nothing: every row is tried in one transaction (a refusal is
	 * the domain's, before any write of that row), then it commits only
	 * when no row was refused */
	rc = store_begin(s, &e);
	for (int i = 0; rc == 0 && i < nids; i++) {
		struct apply_submission sb;
		memset(&sb, 0, sizeof sb);
		int one = apply_get(&sb, r->arena, s, &who, ids[i], &e);
		if (one == ERR_NOTFOUND) {
			bad[nbad++] = (struct bulk_refusal){ arena_printf(r->arena, "#%ld", (long)ids[i]),
							     html_t(l, "inbox.bulk.why_notfound") };
			continue;
		}
		if (one) {
			rc = one;
			break;
		}
		const char *receipt = arena_strdup(r->arena, sb.receipt);
		const char *from = arena_strdup(r->arena, sb.status);
		if (assign) {
			one = apply_assign(s, &who, ids[i], assignee, now, &e);
			if (one == ERR_DENIED || one == ERR_NOTFOUND) {
				bad[nbad++] = (struct bulk_refusal){ receipt,
					html_t(l, one == ERR_DENIED ? "inbox.bulk.why_cannot_see" : "sub.assign_invalid") };
				continue;
			}
			if (one == 0 && nbad == 0)
				one = app_audit_as(s, &app_of(r)->audit, &aa,
						   &(struct app_audit_entry){
							   .action = "application.assign",
							   .object_type = "submission",
							   .object_id = arena_printf(r->arena, "%s/%ld", receipt,
										     (long)assignee),
							   .result = AUDIT_R_OK }, &e);
		} else {
			struct apply_event ev;
			one = apply_transition(&ev, s, &who,
					       &(struct apply_move){ .id = ids[i], .expect_from = from,
								     .to = to,
								     .note = blank(note) ? NULL : note },
					       now, &e);
			if (one == ERR_CONFLICT || one == ERR_INVALID) {
				bad[nbad++] = (struct bulk_refusal){ receipt,
					arena_printf(r->arena, html_t(l, "inbox.bulk.why_transition"),
						     state_label(l, from), state_label(l, to)) };
				continue;
			}
			if (one == 0 && nbad == 0)
				one = app_audit_as(s, &app_of(r)->audit, &aa,
						   &(struct app_audit_entry){
							   .action = "application.transition",
							   .object_type = "submission",
							   .object_id = arena_printf(r->arena, "%s/%s/%s", receipt,
										     ev.from, ev.to),
							   .result = AUDIT_R_OK }, &e);
			if (one == 0 && nbad == 0)
				one = notify_resident(r, s, &ev, &sb, note, &e);
		}
		if (one)
			rc = one;
	}
	if (rc == 0 && nbad == 0)
		rc = store_commit(s, &e);
	else if (store_in_tx(s))
		store_rollback(s);
	if (rc) {
		log_error("bulk action failed", "detail", e.detail);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if (nbad)
		return bulk_refused(r, 409, bad, nbad, "inbox.bulk.refused");
	const char *back = http_param(r, "back");
	return http_redirect(r, 303, back && *back ? back : "/staff/inbox");
}

/* ---- attachments ---- */

/* 1 when a file answer with this hash is somewhere in v */
static int has_file(const json_t *v, const char *sha)
{
	if (json_is_object(v)) {
		const json_t *h = json_object_get(v, "sha256");
		if (json_is_string(h) && strcmp(json_string_value(h), sha) == 0 &&
		    json_object_get(v, "size"))
			return 1;
		const char *k;
		const json_t *x;
		json_object_foreach((json_t *)v, k, x)
			if (has_file(x, sha))
				return 1;
	} else if (json_is_array(v)) {
		size_t i;
		const json_t *x;
		json_array_foreach(v, i, x)
			if (has_file(x, sha))
				return 1;
	}
	return 0;
}

static const char *safe_inline(const char *sniffed)
{
	static const char *const ok[] = { "application/pdf", "image/jpeg", "image/png",
					  "image/gif", "image/webp" };
	for (size_t i = 0; sniffed && i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(sniffed, ok[i]) == 0)
			return ok[i];
	return NULL;
}

/* RFC 5987 ext-value of a file name */
static const char *disp_name(struct arena *a, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name);
	char *out = arena_alloc(a, n * 3 + 1);
	if (!out)
		return "file";
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

int page_staff_submission_file(struct http_req *r)
{
	struct apply_submission sb;
	struct apply_actor who;
	int64_t id;
	struct err e;
	err_clear(&e);
	int rc = load_submission(&sb, &who, &id, r, &e);
	const char *sha = http_param(r, "sha256");
	if (rc == 0 && !has_file(sb.answers, sha))
		rc = ERR_NOTFOUND;
	struct apply_file f;
	if (rc == 0)
		rc = apply_file_get(&f, r->arena, app_store(r), &who, sha, &e);
	if (rc == ERR_NOTFOUND)
		return send_notfound(r);
	if (rc == ERR_IO)
		return app_file_unreadable(r, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	const char *type = safe_inline(forms_file_sniff(f.data, (size_t)f.size));
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "%s; filename*=UTF-8''%s", type ? "inline" : "attachment",
				     disp_name(r->arena, f.name ? f.name : "file")));
	http_set_header(r, "content-security-policy", "sandbox");
	app_audit(r, AUDIT_A_READ, "submission.file", sb.receipt, AUDIT_R_OK);
	if (f.size <= 0)
		return http_send(r, 200, type ? type : "application/octet-stream", "", 0);
	return http_send(r, 200, type ? type : "application/octet-stream", f.data, (size_t)f.size);
}

/* ---- CSV export ---- */

/* cells: csv_cell (src/base/csv.h), the one CSV writer, with the
 * spreadsheet formula guard */

/* The export runs on the blocking pool (http_defer): it reads every row
 * of a procedure version.  Everything it needs is copied into the job;
 * the body it builds is malloc'd and handed to csv_done, which sends and
 * frees it (a client that disconnected meanwhile leaves it unfreed: the
 * HTTP layer calls no clean-up then; bounded by INBOX_CSV_MAX_ROWS). */
#define CSV_DEPTS_MAX 48
struct csv_job {
	const struct audit_config *audit;
	struct app_actor aa;
	char tenant[TENANT_CODE_LEN + 1];
	char depts[CSV_DEPTS_MAX][APPLY_DEPT_MAX + 1];
	int ndepts;                          /* -1: every department        */
	char proc[FORMS_ID_MAX + 1];
	int version;                         /* 0: latest; then the one used */
	char department[APPLY_DEPT_MAX + 1], status[APPLY_STATE_MAX + 1];
	int64_t from, to, assignee, now;
	int overdue, duplicates, keys, cp932;
	/* results */
	int rc;
	struct err e;
	char *body;
	size_t len;
	long rows, replaced;
};

/* the body in the asked encoding and the export's audit record (object
 * object_id); b is consumed; j->rc is the result */
static void csv_finish(struct csv_job *j, struct store *s, int rc, struct buf *b,
		       const char *object_id)
{
	struct err *e = &j->e;
	if (rc == 0 && b->len >= JP_CP932_MAX - 1)
		rc = err_set(e, ERR_LIMIT, "csv larger than %u bytes", JP_CP932_MAX);
	if (rc == 0 && j->cp932) {
		rc = jp_utf8_to_cp932_geta(&j->body, &j->len, &j->replaced, buf_cstr(b), b->len, e);
		buf_done(b);
	} else if (rc == 0) {
		j->len = b->len;
		j->body = buf_steal(b);
		if (!j->body)
			rc = ERR_NOMEM;
	} else {
		buf_done(b);
	}
	if (rc == 0)
		rc = app_audit_as(s, j->audit, &j->aa,
				  &(struct app_audit_entry){
					  .action = AUDIT_A_EXPORT, .object_type = "submissions.csv",
					  .object_id = object_id ? object_id : "-",
					  .result = AUDIT_R_OK }, e);
	if (rc) {
		free(j->body);
		j->body = NULL;
	}
	j->rc = rc;
}

/* the export without a procedure: every submission the filters select,
 * one row each with what the inbox list shows (no answers, so no
 * personal data beyond the assignee's login) */
static void csv_build_any(struct csv_job *j, struct store *s, struct arena *a,
			  const struct apply_actor *who)
{
	struct err *e = &j->e;
	struct staff_list sl = { .a = a };
	auth_staff_list(s, j->tenant, staff_add, &sl, NULL);
	struct buf b;
	buf_init(&b, JP_CP932_MAX);
	if (!j->cp932)
		buf_puts(&b, "\xef\xbb\xbf");
	static const char *const head_ja[] = { "受付番号", "手続", "版", "担当課", "状態", "申請日時",
					       "処理期限", "担当者", "重複の疑い" };
	static const char *const head_key[] = { "receipt", "procedure", "version", "department", "status",
						"submitted_at", "due_at", "assignee", "duplicate_of" };
	for (size_t c = 0; c < sizeof head_ja / sizeof head_ja[0]; c++)
		csv_cell(&b, j->keys ? head_key[c] : head_ja[c], c == 0);
	buf_puts(&b, "\r\n");
	struct apply_filter f = {
		.department = j->department[0] ? j->department : NULL,
		.status = j->status[0] ? j->status : NULL,
		.from = j->from, .to = j->to, .assignee = j->assignee,
		.overdue = j->overdue, .duplicates = j->duplicates, .now = j->now,
		.limit = APPLY_PAGE_MAX,
	};
	int rc = 0;
	for (;;) {
		struct apply_submission *rows = NULL;
		int n = 0;
		struct arena *pa = arena_new(16u << 20);
		if (!pa) {
			rc = ERR_NOMEM;
			break;
		}
		rc = apply_list(&rows, &n, pa, s, who, &f, e);
		for (int i = 0; rc == 0 && i < n && j->rows < INBOX_CSV_MAX_ROWS; i++) {
			const struct apply_submission *sb = &rows[i];
			const struct staff_ent *as = sb->assignee ? staff_find(&sl, sb->assignee) : NULL;
			csv_cell(&b, sb->receipt, 1);
			csv_cell(&b, sb->procedure, 0);
			csv_cell(&b, arena_printf(pa, "%d", sb->version), 0);
			csv_cell(&b, sb->department, 0);
			csv_cell(&b, sb->status, 0);
			csv_cell(&b, fmt_jst(pa, sb->submitted_at, 2), 0);
			csv_cell(&b, fmt_jst(pa, sb->due_at, 0), 0);
			csv_cell(&b, as ? as->login : "", 0);
			csv_cell(&b, sb->duplicate_of ? arena_printf(pa, "%ld", (long)sb->duplicate_of) : "", 0);
			buf_puts(&b, "\r\n");
			j->rows++;
		}
		int64_t last = n ? rows[n - 1].id : 0;
		arena_free(pa);
		if (rc || n < f.limit || j->rows >= INBOX_CSV_MAX_ROWS)
			break;
		f.after_id = last;
	}
	csv_finish(j, s, rc, &b, arena_printf(a, "*/%ld", j->rows));
}

static void csv_build(struct csv_job *j, struct store *s, struct arena *a)
{
	const char *dv[CSV_DEPTS_MAX];
	for (int i = 0; i < j->ndepts; i++)
		dv[i] = j->depts[i];
	struct apply_actor who = { .kind = APPLY_STAFF, .id = j->aa.id, .tenant = j->tenant,
				   .depts = j->ndepts >= 0 ? dv : NULL, .ndepts = j->ndepts };
	struct err *e = &j->e;
	if (!j->proc[0]) {
		csv_build_any(j, s, a, &who);
		return;
	}
	struct forms_def *d;
	int version = 0;
	j->rc = forms_load_version(&d, &version, a, s,
				   &(struct forms_ref){ .tenant = j->tenant, .id = j->proc,
							.version = j->version }, e);
	/* a procedure of a department the caller does not see is as absent
	 * as one that does not exist */
	if (j->rc == 0 && !actor_sees_dept(&who, d->department))
		j->rc = err_set(e, ERR_NOTFOUND, "procedure outside the departments");
	if (j->rc)
		return;
	j->version = version;
	struct forms_column *cols;
	int ncols = forms_columns(&cols, a, d, e);
	if (ncols < 0) {
		j->rc = ncols;
		return;
	}
	struct staff_list sl = { .a = a };
	auth_staff_list(s, j->tenant, staff_add, &sl, NULL);

	struct buf b;
	buf_init(&b, JP_CP932_MAX);
	if (!j->cp932)
		buf_puts(&b, "\xef\xbb\xbf");
	csv_cell(&b, j->keys ? "receipt" : "受付番号", 1);
	csv_cell(&b, j->keys ? "status" : "状態", 0);
	csv_cell(&b, j->keys ? "submitted_at" : "申請日時", 0);
	csv_cell(&b, j->keys ? "assignee" : "担当者", 0);
	for (int c = 0; c < ncols; c++)
		csv_cell(&b, j->keys ? cols[c].key : cols[c].label_ja, 0);
	buf_puts(&b, "\r\n");

	struct apply_filter f = {
		.department = j->department[0] ? j->department : NULL,
		.procedure = j->proc, .status = j->status[0] ? j->status : NULL,
		.from = j->from, .to = j->to, .assignee = j->assignee,
		.overdue = j->overdue, .duplicates = j->duplicates, .now = j->now,
		.limit = APPLY_PAGE_MAX,
	};
	int rc = 0;
	for (;;) {
		struct apply_submission *rows = NULL;
		int n = 0;
		struct arena *pa = arena_new(64u << 20);
		if (!pa) {
			rc = ERR_NOMEM;
			break;
		}
		rc = apply_list(&rows, &n, pa, s, &who, &f, e);
		for (int i = 0; rc == 0 && i < n; i++) {
			if (rows[i].version != version)
				continue;
			struct apply_submission full;
			rc = apply_get(&full, pa, s, &who, rows[i].id, e);
			if (rc)
				break;
			/* masked as apply_view decides for every path (the export
			 * itself is audited once, below) */
			struct apply_view av;
			if ((rc = apply_view(&av, pa, &who, d, full.answers, APPLY_REVEAL_NO, e)))
				break;
			const char **cells;
			rc = forms_export_row(&cells, pa, cols, ncols, av.answers, e);
			if (rc)
				break;
			const struct staff_ent *as = full.assignee ? staff_find(&sl, full.assignee) : NULL;
			csv_cell(&b, full.receipt, 1);
			csv_cell(&b, full.status, 0);
			csv_cell(&b, fmt_jst(pa, full.submitted_at, 2), 0);
			csv_cell(&b, as ? as->login : "", 0);
			for (int c = 0; c < ncols; c++)
				csv_cell(&b, cells[c], 0);
			buf_puts(&b, "\r\n");
			if (++j->rows >= INBOX_CSV_MAX_ROWS)
				break;
		}
		int64_t last = n ? rows[n - 1].id : 0;
		arena_free(pa);
		if (rc || n < f.limit || j->rows >= INBOX_CSV_MAX_ROWS)
			break;
		f.after_id = last;
	}
	csv_finish(j, s, rc, &b, arena_printf(a, "%s/%d/%ld", j->proc, version, j->rows));
}

static void csv_work(void *arg, void *pool_ctx)
{
	struct csv_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct arena *a = arena_new(64u << 20);
	if (!t || !a)
		j->rc = err_set(&j->e, !t ? ERR_UNAVAILABLE : ERR_NOMEM, "csv export: no pool context");
	else
		csv_build(j, t->store, a);
	arena_free(a);
}

/* the request went away while the export ran */
static void csv_discard(void *arg)
{
	struct csv_job *j = arg;
	free(j->body);
}

static int csv_done(struct http_req *r, void *arg)
{
	struct csv_job *j = arg;
	if (j->rc == ERR_NOTFOUND)
		return send_notfound(r);
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	arena_cleanup_add(r->arena, free, j->body);
	http_set_header(r, "content-disposition",
			j->proc[0] ?
			arena_printf(r->arena, "attachment; filename=\"%s-v%d-%s.csv\"", j->proc,
				     j->version, j->cp932 ? "sjis" : "utf8") :
			arena_printf(r->arena, "attachment; filename=\"inbox-%s.csv\"",
				     j->cp932 ? "sjis" : "utf8"));
	http_set_header(r, "x-rows", arena_printf(r->arena, "%ld", j->rows));
	http_set_header(r, "x-replaced-characters", arena_printf(r->arena, "%ld", j->replaced));
	return http_send(r, 200, j->cp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8",
			 j->body, j->len);
}

int page_inbox_csv(struct http_req *r)
{
	struct apply_actor who;
	int rc = actor_of(&who, r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "actor");
	const char *proc = filter_param(r, "procedure");
	struct csv_job *j = arena_alloc(r->arena, sizeof *j);
	if (!j)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "csv job");
	memset(j, 0, sizeof *j);
	j->audit = &app_of(r)->audit;
	app_actor_of(&j->aa, r);
	snprintf(j->tenant, sizeof j->tenant, "%s", who.tenant);
	j->ndepts = who.ndepts < 0 ? -1 : who.ndepts > CSV_DEPTS_MAX ? CSV_DEPTS_MAX : who.ndepts;
	for (int i = 0; i < j->ndepts; i++)
		snprintf(j->depts[i], sizeof j->depts[i], "%s", who.depts[i]);
	snprintf(j->proc, sizeof j->proc, "%s", proc ? proc : "");
	int64_t ver = 0;
	if (http_param(r, "version"))
		parse_i64(&ver, http_param(r, "version"), 1, 999999);
	j->version = (int)ver;
	struct apply_filter f;
	j->now = app_now();
	filter_from(&f, r, j->now);
	snprintf(j->department, sizeof j->department, "%s", f.department ? f.department : "");
	snprintf(j->status, sizeof j->status, "%s", f.status ? f.status : "");
	j->from = f.from;
	j->to = f.to;
	j->assignee = f.assignee;
	j->overdue = f.overdue;
	j->duplicates = f.duplicates;
	j->keys = http_param(r, "header") && strcmp(http_param(r, "header"), "keys") == 0;
	j->cp932 = http_param(r, "encoding") && strcmp(http_param(r, "encoding"), "cp932") == 0;
	return http_defer_owned(r, csv_work, csv_done, csv_discard, j, sizeof *j);
}
