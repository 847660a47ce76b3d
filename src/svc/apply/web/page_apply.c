/*
 * page_apply.c -- online applications, the resident's side: the list of
 * published procedures, a procedure's overview, drafts filled in page by
 * page (save and continue later), the confirmation page, the signature
 * step, submission with a receipt number, the receipt page and its PDF,
 * the status page with the history, withdrawal and the correction of a
 * returned submission.
 *
 * Invariants:
 *   - Every draft, submission and file is read through src/svc/apply with the
 *     logged-in resident as the actor: somebody else's record is "not
 *     found" (404), never "forbidden".
 *   - Answers are saved as entered (a draft may be incomplete); they are
 *     validated by src/core/forms page by page (forms_validate_upto) and in
 *     full before submission (apply_submit).
 *   - Nothing personal goes to the log or into error details: ids and
 *     receipt numbers only.  The receipt e-mail carries the receipt
 *     number, the procedure's title and a link, never an answer.
 *   - Every page works without JavaScript; a form's buttons are ordinary
 *     submit buttons.
 *
 * Limits: a submitted page is read up to FORM_MAX_PAIRS pairs (and the
 * HTTP layer's body limit); the procedure list shows at most
 * PROC_LIST_MAX procedures; the resident's lists APPLY_PAGE_MAX rows.
 */
#include "web/app.h"
#include "jp/date.h"
#include "svc/apply/web/app_apply.h"
#include "web/page_form.h"
#include "web/ui.h"
#include "core/search/search.h"
#include "svc/apply/apply.h"
#include "base/log.h"
#include "core/forms/forms.h"
#include "jp/wareki.h"

#include "web/app_mail.h" /* --- mail: link base, the typed address --- */
#include "core/sign/sign.h"
#include "core/registry/registry.h"
#include "svc/payments/payments.h"
#include "svc/notify/notify.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROC_LIST_MAX 500

/* ---- helpers ---- */

static const char *lang_code(struct http_req *r)
{
	return html_lang_code(app_req(r)->lang);
}

static void who_of(struct apply_actor *w, struct http_req *r)
{
	struct app_req *q = app_req(r);
	memset(w, 0, sizeof *w);
	w->kind = APPLY_RESIDENT;
	w->id = q->ses.account_id;
	w->tenant = q->tenant.code;
	w->limits = app_apply_limits(r, r->arena);
}

static int64_t param_id(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? strtoll(v, NULL, 10) : 0;
}

static int fail(struct http_req *r, int rc, struct err *e)
{
	return http_send_error(r, rc, NULL, NULL, e->detail);
}

/* when, in Japan: 令和8年11月23日（2026年11月23日）10:05 */
static void when_text(struct buf *b, int64_t t, enum html_lang l)
{
	int64_t j = t + JP_JST_OFFSET_S;
	struct jp_date d = form_today(t);
	int hh = (int)((j % 86400 + 86400) % 86400 / 3600), mm = (int)((j % 3600 + 3600) % 3600 / 60);
	char w[64];
	struct err e;
	if (l == HTML_EN) {
		buf_printf(b, "%04d-%02d-%02d %02d:%02d JST", d.y, d.m, d.d, hh, mm);
		return;
	}
	if (jp_wareki_format(w, sizeof w, d, JP_WAREKI_KANJI, 0, &e) == 0)
		buf_printf(b, "%s（%d年%d月%d日）%02d:%02d", w, d.y, d.m, d.d, hh, mm);
	else
		buf_printf(b, "%d年%d月%d日 %02d:%02d", d.y, d.m, d.d, hh, mm);
}

static const char *when_str(struct http_req *r, int64_t t)
{
	struct buf b;
	buf_init(&b, 256);
	when_text(&b, t, app_req(r)->lang);
	char *s = arena_strdup(r->arena, buf_cstr(&b));
	buf_done(&b);
	return s ? s : "";
}

static const char *status_label(enum html_lang l, const char *st)
{
	char id[64];
	snprintf(id, sizeof id, "apply.st.%s", st);
	const char *t = html_t(l, id);
	return strcmp(t, id) == 0 ? st : t;
}

static int load_def(struct forms_def **d, int *version, struct http_req *r,
		    const char *proc, int v, struct err *e)
{
	return forms_load_version(d, version, r->arena, app_store(r),
				  &(struct forms_ref){ .tenant = app_req(r)->tenant.code,
						       .id = proc, .version = v }, e);
}

static void link_css(struct buf *b)
{
	buf_puts(b, "<link rel=\"stylesheet\" href=\"/assets/apply.css\">\n");
}

static void page_begin(struct buf *b, struct html_page *p, struct http_req *r,
		       const char *title)
{
	app_page(r, p, title);
	buf_init(b, 8u << 20);
	html_page_begin(b, p);
	link_css(b);
}

/* the submitted pairs of a page: urlencoded, or multipart/form-data when
 * the page has a file input or the signature step.  The HTTP layer has
 * checked the CSRF token and the body limit; the page's fields are the
 * definition's own, so they are read here rather than declared. */
struct pairs {
	const char **names, **values;
	int n;
	struct form_upload *uploads;
	int nuploads;
	const void *sig;             /* an uploaded .p7s, if any            */
	size_t sig_len;
	int upload_rc;               /* the first refused upload, 0: none   */
	char upload_path[FORMS_PATH_MAX];
	struct err upload_err;       /* its error (apply_limit_hit)         */
};

static int read_pairs(struct pairs *p, struct http_req *r, const struct forms_def *d,
		      const struct apply_actor *who, struct err *e)
{
	memset(p, 0, sizeof *p);
	p->names = arena_alloc(r->arena, FORM_MAX_PAIRS * sizeof *p->names);
	p->values = arena_alloc(r->arena, FORM_MAX_PAIRS * sizeof *p->values);
	if (!p->names || !p->values)
		return err_set(e, ERR_NOMEM, "out of memory");
	const char *ct = http_header(r, "content-type");
	size_t len;
	const char *body = http_body(r, &len);
	if (len == 0)
		return 0;
	if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		int n = http_parse_urlencoded(body, len, r->arena, p->names, p->values, FORM_MAX_PAIRS);
		if (n < 0)
			return err_set(e, n, "form body not parsed");
		p->n = n;
		return 0;
	}
	char boundary[HTTP_MULTIPART_BOUNDARY_MAX + 1];
	if (!ct || http_multipart_boundary(boundary, sizeof boundary, ct) != 0)
		return err_set(e, ERR_INVALID, "unsupported form encoding");
	struct http_part *parts = arena_alloc(r->arena, FORM_MAX_PAIRS * sizeof *parts);
	p->uploads = arena_alloc(r->arena, HTTP_MAX_FILES * sizeof *p->uploads);
	if (!parts || !p->uploads)
		return err_set(e, ERR_NOMEM, "out of memory");
	int n = http_parse_multipart(parts, FORM_MAX_PAIRS, body, len, boundary, r->arena);
	if (n < 0)
		return err_set(e, n, "multipart body not parsed");
	const char *seen[HTTP_MAX_FILES];   /* file inputs already taken */
	int nseen = 0;
	for (int i = 0; i < n; i++) {
		const struct http_part *pt = &parts[i];
		if (!pt->filename) {
			char *v = arena_strndup(r->arena, pt->data, pt->len);
			if (!v || !http_utf8_valid(pt->data, pt->len))
				return err_set(e, ERR_INVALID, "form part is not text");
			p->names[p->n] = pt->name;
			p->values[p->n++] = v;
			continue;
		}
		if (pt->len == 0)
			continue;                 /* a file input left empty */
		if (strcmp(pt->name, "signature") == 0) {
			p->sig = pt->data;
			p->sig_len = pt->len;
			continue;
		}
		if (!d || strncmp(pt->name, "f.", 2) != 0 || p->nuploads >= HTTP_MAX_FILES)
			continue;
		int part = 0;
		const struct forms_field *f = form_field_at(d, pt->name + 2, &part);
		if (!f || part || f->type != FORMS_T_FILE)
			continue;
		/* a file field holds one file: only the first part of a name is
		 * the answer; more parts of the same name are never stored */
		int dup = 0;
		for (int k = 0; k < nseen && !dup; k++)
			dup = strcmp(seen[k], pt->name) == 0;
		if (dup || nseen >= HTTP_MAX_FILES)
			continue;
		seen[nseen++] = pt->name;
		json_t *meta = NULL;
		struct err fe;
		int rc = apply_file_put(&meta, app_store(r), who,
					&(struct apply_file_in){ .field = f, .name = pt->filename,
								 .data = pt->data, .n = pt->len },
					app_now(), &fe);
		if (rc) {
			if (!p->upload_rc) {
				p->upload_rc = rc;
				p->upload_err = fe;
				snprintf(p->upload_path, sizeof p->upload_path, "%s", pt->name + 2);
			}
			if (rc != ERR_INVALID && rc != ERR_LIMIT)
				return err_set(e, rc, "upload not stored: %s", fe.detail);
			continue;
		}
		if (!app_json_own(r, meta))
			return err_set(e, ERR_NOMEM, "out of memory");
		p->uploads[p->nuploads].path = arena_strdup(r->arena, pt->name + 2);
		p->uploads[p->nuploads++].meta = meta;
	}
	return 0;
}

/* ---- the procedure list and overview ---- */

struct proc_row {
	char id[FORMS_ID_MAX + 1];
	char *title_ja, *title_en;
	char category[FORMS_CATEGORY_MAX + 1];
	char stages[FORMS_MAX_STAGES][FORMS_CATEGORY_MAX + 1];
	int nstages;
};
struct proc_list {
	struct arena *a;
	struct proc_row *rows;
	int n;
};

static void proc_cb(const struct forms_published *p, void *arg)
{
	struct proc_list *l = arg;
	if (l->n >= PROC_LIST_MAX)
		return;
	struct proc_row *row = &l->rows[l->n];
	snprintf(row->id, sizeof row->id, "%s", p->id);
	row->title_ja = arena_strdup(l->a, p->title_ja ? p->title_ja : "");
	row->title_en = arena_strdup(l->a, p->title_en ? p->title_en : "");
	memcpy(row->category, p->category, sizeof row->category);
	memcpy(row->stages, p->life_stages, sizeof row->stages);
	row->nstages = p->nlife_stages;
	if (row->title_ja && row->title_en)
		l->n++;
}

/* case-insensitive substring match (ASCII case folded; Japanese as is) */
static int matches(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return 1;
	for (const char *h = hay; *h; h++)
		if (strncasecmp(h, needle, n) == 0)
			return 1;
	return 0;
}

static int has_stage(const struct proc_row *row, const char *stage)
{
	for (int i = 0; i < row->nstages; i++)
		if (strcmp(row->stages[i], stage) == 0)
			return 1;
	return 0;
}

/* the procedures under a heading per category (forms_categories' order,
 * then those without one), each by its title in the page's language;
 * cat: only that category; stage: only procedures of that life stage */
static int proc_by_category(struct buf *b, enum html_lang l, const struct proc_list *pl,
			    const char *cat, const char *stage)
{
	int shown = 0;
	if (cat && !forms_category_known(cat))
		cat = NULL;
	if (stage && !forms_category_known(stage))
		stage = NULL;
	if (cat || stage) {
		char key[64];
		snprintf(key, sizeof key, "proc.cat.%s", cat ? cat : stage);
		html_printf(b, "<p class=\"lead\" id=\"proc-filter\">%s</p>", html_t(l, key));
	}
	for (int c = 0; ; c++) {
		const char *id = forms_categories[c] ? forms_categories[c] : "";
		if (cat && strcmp(cat, id) != 0) {
			if (!forms_categories[c])
				break;
			continue;
		}
		int n = 0;
		for (int i = 0; i < pl->n; i++) {
			const struct proc_row *row = &pl->rows[i];
			if (strcmp(row->category, id) != 0 || (stage && !has_stage(row, stage)))
				continue;
			if (n++ == 0) {
				char key[64];
				snprintf(key, sizeof key, "proc.cat.%s", id[0] ? id : "other");
				html_printf(b, "<section class=\"proc-category\" aria-labelledby=\"cat-%s\">"
					    "<h2 id=\"cat-%s\">%s</h2><ul class=\"procedure-list\">",
					    id[0] ? id : "other", id[0] ? id : "other", html_t(l, key));
			}
			html_printf(b, "<li><a href=\"/procedures/%s\">%s</a></li>", row->id,
				    l == HTML_EN ? row->title_en : row->title_ja);
			shown++;
		}
		if (n)
			buf_puts(b, "</ul></section>");
		if (!forms_categories[c])
			break;
	}
	return shown;
}

int page_procedures(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const char *q = http_param(r, "q");
	struct proc_list pl = { .a = r->arena };
	pl.rows = arena_alloc(r->arena, PROC_LIST_MAX * sizeof *pl.rows);
	if (!pl.rows)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	struct err e;
	int rc = forms_list(app_store(r), app_req(r)->tenant.code, proc_cb, &pl, &e);
	if (rc < 0)
		return fail(r, rc, &e);
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, html_t(l, "apply.procedures"));
	buf_puts(&b, "<form method=\"get\" action=\"/procedures\" class=\"search\" role=\"search\">");
	ui_input(&b, &(struct ui_field){ .name = "q", .id = "q", .label = html_t(l, "apply.search"),
					 .value = q, .type = "search", .maxlength = 200, .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>",
		    html_t(l, "apply.search_submit"));
	int shown = 0;
	/* words: the Japanese full-text search (titles, description, field
	 * labels; ranked, with the matched words marked); without an index,
	 * or for a query it refuses, a substring match on the titles */
	struct search *sr = app_search(r);
	struct search_result res = { 0 };
	struct search_query sq = { .text = q, .tenant = app_req(r)->tenant.code,
				   .collection = "procedure", .limit = SEARCH_MAX_LIMIT,
				   .with_snippets = 1 };
	if (q && q[0] && sr && search_query(&res, sr, &sq, &e) == 0) {
		buf_puts(&b, "<ul class=\"procedure-list\">");
		for (int i = 0; i < res.nhits; i++) {
			const struct search_hit *h = &res.hits[i];
			const struct proc_row *row = NULL;
			for (int k = 0; k < pl.n && !row; k++)
				if (strcmp(pl.rows[k].id, h->id) == 0)
					row = &pl.rows[k];
			if (!row)
				continue;          /* indexed but no longer published */
			html_printf(&b, "<li><a href=\"/procedures/%s\">%s</a>", row->id,
				    l == HTML_EN ? row->title_en : row->title_ja);
			if (h->snippet) {
				buf_puts(&b, "<p class=\"hint\">");
				search_snippet_html(&b, h);
				buf_puts(&b, "</p>");
			}
			buf_puts(&b, "</li>");
			shown++;
		}
		buf_puts(&b, "</ul>");
		search_result_done(&res);
	} else if (!(q && q[0])) {
		/* no words: by category (or one category, or one life stage) */
		search_result_done(&res);
		shown = proc_by_category(&b, l, &pl, http_param(r, "cat"), http_param(r, "stage"));
	} else {
		search_result_done(&res);
		buf_puts(&b, "<ul class=\"procedure-list\">");
		for (int i = 0; i < pl.n; i++) {
			const struct proc_row *row = &pl.rows[i];
			if (q && q[0] && !matches(row->title_ja, q) && !matches(row->title_en, q) &&
			    !matches(row->id, q))
				continue;
			html_printf(&b, "<li><a href=\"/procedures/%s\">%s</a></li>", row->id,
				    l == HTML_EN ? row->title_en : row->title_ja);
			shown++;
		}
		buf_puts(&b, "</ul>");
	}
	if (!shown)
		html_printf(&b, "<p>%s</p>", html_t(l, "apply.no_procedures"));
	return app_page_send(r, 200, &b, &p);
}

/* a resident session on a public page (the overview's start button, the
 * life-event result's): its CSRF token, 0 when there is none */

static void prepare_list(struct buf *b, const struct forms_field *fs, int n,
			 const char *lang, int *count)
{
	for (int i = 0; i < n; i++) {
		if (fs[i].type == FORMS_T_FILE) {
			html_printf(b, "<li>%s</li>", forms_text_get(&fs[i].label, lang));
			(*count)++;
		} else if (fs[i].type == FORMS_T_GROUP) {
			prepare_list(b, fs[i].fields, fs[i].nfields, lang, count);
		}
	}
}

static int has_type(const struct forms_field *fs, int n, enum forms_type t)
{
	for (int i = 0; i < n; i++)
		if (fs[i].type == t ||
		    (fs[i].type == FORMS_T_GROUP && has_type(fs[i].fields, fs[i].nfields, t)))
			return 1;
	return 0;
}

int page_procedure(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	struct forms_def *d;
	int version;
	struct err e;
	int rc = load_def(&d, &version, r, http_param(r, "code"), 0, &e);
	if (rc)
		return fail(r, rc, &e);
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, forms_text_get(&d->title, lang));
	if (d->description.ja)
		html_printf(&b, "<p class=\"lead\">%s</p>", forms_text_get(&d->description, lang));
	html_printf(&b, "<dl class=\"summary-list\"><div><dt>%s</dt><dd>", html_t(l, "apply.fee"));
	if (d->fee_yen > 0)
		buf_printf(&b, "%lld%s", (long long)d->fee_yen, html_t(l, "form.yen"));
	else
		html_printf(&b, "%s", html_t(l, "apply.free"));
	html_printf(&b, "</dd></div><div><dt>%s</dt><dd>", html_t(l, "apply.target_days"));
	buf_printf(&b, html_t(l, "apply.days_n"), (int)d->target_days);
	html_printf(&b, "</dd></div><div><dt>%s</dt><dd>%s</dd></div></dl>",
		    html_t(l, "apply.signature"),
		    html_t(l, strcmp(d->signature ? d->signature : "none", "required") == 0 ? "apply.sig_required"
			   : strcmp(d->signature ? d->signature : "none", "optional") == 0 ? "apply.sig_optional"
			   : "apply.sig_none"));
	html_printf(&b, "<h2>%s</h2><ul class=\"prepare\">", html_t(l, "apply.prepare"));
	int count = 0;
	for (int i = 0; i < d->npages; i++)
		prepare_list(&b, d->pages[i].fields, d->pages[i].nfields, lang, &count);
	int mn = 0;
	for (int i = 0; i < d->npages; i++)
		mn |= has_type(d->pages[i].fields, d->pages[i].nfields, FORMS_T_MY_NUMBER);
	if (mn)
		html_printf(&b, "<li>%s</li>", html_t(l, "apply.prepare_my_number"));
	if (d->signature && strcmp(d->signature, "none") != 0)
		html_printf(&b, "<li>%s</li>", html_t(l, "apply.prepare_signature"));
	if (!count && !mn && !(d->signature && strcmp(d->signature, "none") != 0))
		html_printf(&b, "<li>%s</li>", html_t(l, "apply.prepare_nothing"));
	buf_puts(&b, "</ul>");
	char csrf[AUTH_CSRF_LEN + 1];
	if (app_resident_csrf(csrf, r))
		html_printf(&b, "<form method=\"post\" action=\"/procedures/%s/start\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button button-start\">%s</button></form>",
			    d->id, csrf, html_t(l, "apply.start"));
	else
		html_printf(&b, "<p>%s</p><p><a class=\"button button-start\" href=\"/resident/login\">%s</a></p>"
			    "<p><a href=\"/resident/register\">%s</a></p>",
			    html_t(l, "apply.login_first"), html_t(l, "apply.login_to_start"),
			    html_t(l, "resident.no_account"));
	html_printf(&b, "<p><a href=\"/procedures\">%s</a></p>", html_t(l, "apply.back_to_list"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- drafts ---- */

/* prefill from the resident register and the last submission of the
 * same procedure; best effort: a missing source leaves fields empty */
static void prefill(json_t **answers, json_t **sources, struct http_req *r,
		    const struct forms_def *d, const struct apply_actor *who)
{
	*answers = NULL;
	*sources = NULL;
	json_t *previous = NULL;
	struct err e;
	struct apply_filter f = { .procedure = d->id, .assignee = -1, .now = app_now(), .limit = 1 };
	struct apply_submission *subs = NULL;
	int n = 0;
	if (apply_list(&subs, &n, r->arena, app_store(r), who, &f, &e) == 0 && n > 0) {
		struct apply_submission full;
		if (apply_get(&full, r->arena, app_store(r), who, subs[0].id, &e) == 0)
			previous = full.answers;
	}
	/* the latest application of any procedure: phone and e-mail */
	json_t *previous_any = NULL;
	struct apply_filter fa = { .assignee = -1, .now = app_now(), .limit = 1 };
	subs = NULL;
	n = 0;
	if (apply_list(&subs, &n, r->arena, app_store(r), who, &fa, &e) == 0 && n > 0) {
		struct apply_submission full;
		if (apply_get(&full, r->arena, app_store(r), who, subs[0].id, &e) == 0)
			previous_any = full.answers;
	}
	/* the register (and the household's children), then the rest
	 * (app_prefill.c); no linked record: nothing from the register */
	if (app_prefill_start(answers, sources, r->arena, app_store(r),
			      &(struct app_prefill_in){ .tenant = who->tenant, .resident_id = who->id,
							.def = d, .previous = previous,
							.previous_any = previous_any }, &e) != 0) {
		*answers = NULL;
		*sources = NULL;
	}
}

int page_apply_start(struct http_req *r)
{
	struct apply_actor who;
	who_of(&who, r);
	struct forms_def *d;
	int version;
	struct err e;
	int rc = load_def(&d, &version, r, http_param(r, "code"), 0, &e);
	if (rc)
		return fail(r, rc, &e);
	json_t *answers, *sources;
	prefill(&answers, &sources, r, d, &who);
	int64_t id;
	rc = apply_draft_create(&id, app_store(r), &who,
				&(struct apply_draft_start){ .procedure = d->id,
							     .prefill = answers,
							     .sources = sources },
				app_now(), &e);
	if (rc == ERR_LIMIT)
		return app_send_error(r, rc, "apply.error.too_many_drafts", e.detail);
	if (rc)
		return fail(r, rc, &e);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	app_audit(r, AUDIT_A_WRITE, "apply.draft.created", oid, AUDIT_R_OK);
	int first = forms_first_page(d, NULL, form_today(app_now()));
	return http_redirect(r, 303, arena_printf(r->arena, "/drafts/%lld/page/%d", (long long)id,
						   first < 0 ? 0 : first));
}

struct draft_ctx {
	struct apply_actor who;
	struct apply_draft dr;
	struct forms_def *d;
	struct jp_date today;
};

static int draft_load(struct draft_ctx *c, struct http_req *r, struct err *e)
{
	who_of(&c->who, r);
	c->today = form_today(app_now());
	int rc = apply_draft_get(&c->dr, r->arena, app_store(r), &c->who, param_id(r, "id"), e);
	if (rc)
		return rc;
	return load_def(&c->d, NULL, r, c->dr.procedure, c->dr.version, e);
}

static void progress(struct buf *b, enum html_lang l, const struct forms_def *d, int page,
		     const char *lang)
{
	html_printf(b, "<p class=\"caption\">%s</p><p class=\"progress\">", forms_text_get(&d->title, lang));
	buf_printf(b, html_t(l, "apply.page_of"), page + 1, d->npages);
	buf_puts(b, "</p>");
}

/* what a draft's page shows besides its definition */
struct draft_view {
	const json_t *answers;           /* as typed                         */
	const struct forms_result *errs; /* the errors to show, NULL: none   */
	const json_t *norm;              /* the normalised answers, or NULL  */
	const char *notice;              /* a status line above, or NULL     */
};

/* the page of a draft, with v->errs on it */
/* --- 「変更」 returns to the check page (issue 14, item 4) --- */
/* 1 when the page was opened by 「変更」 on the check page (?from=check) */
static int from_check(struct http_req *r)
{
	const char *f = http_param(r, "from");
	return f && strcmp(f, "check") == 0;
}

/* 1 when answers need nothing more: no error and no exit on the way */
static int draft_complete(struct http_req *r, const struct forms_def *d, const json_t *answers,
			  struct jp_date today)
{
	struct forms_result all;
	struct err e;
	return forms_validate(&all, r->arena, d, answers, today, &e) == 0 &&
	       all.nerrors == 0 && all.exit < 0;
}
/* --- end 「変更」 --- */

static int render_draft_page(struct http_req *r, int status, struct draft_ctx *c, int page,
			     const struct draft_view *dv)
{
	const json_t *answers = dv->answers, *norm = dv->norm;
	const struct forms_result *errs = dv->errs;
	const char *notice = dv->notice;
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	const struct forms_page *pg = &c->d->pages[page];
	struct form_view v = { .d = c->d, .page = page, .answers = answers, .norm = norm,
			       .sources = c->dr.sources, .errors = errs, .lang = lang,
			       .today = c->today };
	int nerr = errs ? form_page_errors(c->d, errs, page) : 0;
	const char *title = forms_text_get(&pg->title, lang);
	if (nerr)
		title = arena_printf(r->arena, "%s: %s", html_t(l, "form.error"), title);
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, title ? title : forms_text_get(&c->d->title, lang));
	form_render_error_summary(&b, &v);
	progress(&b, l, c->d, page, lang);
	if (notice)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", notice);
	if (c->dr.submission_id) {
		/* a correction: staff's note stays in sight while editing */
		struct apply_submission sub;
		struct err se;
		if (apply_get(&sub, r->arena, app_store(r), &c->who, c->dr.submission_id, &se) == 0 &&
		    sub.return_note[0])
			html_printf(&b, "<div class=\"notice notice-warning\"><p><strong>%s</strong>（%s）</p>"
				    "<p class=\"staff-note\">%s</p></div>", html_t(l, "apply.returned_title"),
				    sub.receipt, sub.return_note);
	}
	int multipart = form_page_has_file(c->d, page);
	/* reached by 「変更」 on the check page: the post says so, and goes
	 * back there once the answers are complete (from_check) */
	html_printf(&b, "<form method=\"post\" action=\"/drafts/%ld/page/%d%s\" novalidate%S>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    (long)c->dr.id, page, from_check(r) ? "?from=check" : "",
		    multipart ? " enctype=\"multipart/form-data\"" : "", app_req(r)->csrf);
	/* Enter in a text input submits with the form's first submit button:
	 * on a page with group add/remove buttons, make that "continue" */
	for (int i = 0; i < pg->nfields; i++)
		if (pg->fields[i].type == FORMS_T_GROUP) {
			html_printf(&b, "<button type=\"submit\" name=\"_action\" value=\"next\" "
				    "class=\"visually-hidden\" tabindex=\"-1\" aria-hidden=\"true\">%s</button>",
				    html_t(l, "apply.next"));
			break;
		}
	struct err e;
	if (form_render_page(&b, &v, &e) != 0) {
		buf_done(&b);
		return fail(r, ERR_INTERNAL, &e);
	}
	html_printf(&b, "<div class=\"button-group\">"
		    "<button type=\"submit\" class=\"button\" name=\"_action\" value=\"next\">%s</button>"
		    "<button type=\"submit\" class=\"button-secondary\" name=\"_action\" value=\"save\">%s</button>",
		    html_t(l, "apply.next"), html_t(l, "apply.save_later"));
	if (page > 0)
		html_printf(&b, "<button type=\"submit\" class=\"button-secondary\" name=\"_action\" value=\"back\">%s</button>",
			    html_t(l, "apply.back"));
	buf_puts(&b, "</div></form>");
	return app_page_send(r, status, &b, &p);
}

static int page_index(struct http_req *r, const struct forms_def *d)
{
	const char *v = http_param(r, "n");
	int n = v ? atoi(v) : -1;
	return n >= 0 && n < d->npages ? n : -1;
}

int page_draft_page(struct http_req *r)
{
	struct draft_ctx c;
	struct err e;
	int rc = draft_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	int page = page_index(r, c.d);
	if (page < 0)
		return http_send_error(r, ERR_NOTFOUND, NULL, NULL, "no such page");
	struct forms_result res;
	const json_t *norm = NULL;
	int checked = 0;
	if (forms_validate_upto(&res, r->arena, c.d, c.dr.answers ? c.dr.answers : json_object(),
				page, c.today, &e) == 0) {
		norm = res.answers;
		checked = http_param(r, "check") != NULL;   /* sent here to put errors right */
	}
	return render_draft_page(r, 200, &c, page,
				 &(struct draft_view){ .answers = c.dr.answers,
						       .errs = checked ? &res : NULL, .norm = norm });
}

static int render_exit(struct http_req *r, struct draft_ctx *c, int exit, int from)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	if (exit < 0 || exit >= c->d->nexits)
		return http_send_error(r, ERR_INTERNAL, NULL, NULL, "bad exit index");
	const struct forms_exit *x = &c->d->exits[exit];
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, forms_text_get(&x->title, lang));
	html_printf(&b, "<p class=\"caption\">%s</p><div class=\"exit\"><p>%s</p></div>"
		    "<p><a href=\"/drafts/%ld/page/%d\">%s</a></p><p><a href=\"/mypage/applications\">%s</a></p>",
		    forms_text_get(&c->d->title, lang), forms_text_get(&x->body, lang),
		    (long)c->dr.id, from, html_t(l, "apply.change_answers"), html_t(l, "apply.my_applications"));
	return app_page_send(r, 200, &b, &p);
}

/* an error of ours (a refused upload) next to src/core/forms' errors */
static void add_error(struct forms_result *res, struct arena *a, const char *path,
		      const char *code, const char *ja, const char *en)
{
	struct forms_error *ne = arena_alloc(a, (size_t)(res->nerrors + 1) * sizeof *ne);
	if (!ne)
		return;
	if (res->nerrors)
		memcpy(ne, res->errors, (size_t)res->nerrors * sizeof *ne);
	struct forms_error *x = &ne[res->nerrors];
	memset(x, 0, sizeof *x);
	snprintf(x->path, sizeof x->path, "%s", path);
	x->code = code;
	snprintf(x->ja, sizeof x->ja, "%s", ja);
	snprintf(x->en, sizeof x->en, "%s", en);
	res->errors = ne;
	res->nerrors++;
}

int page_draft_page_post(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct draft_ctx c;
	struct err e;
	int rc = draft_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	int page = page_index(r, c.d);
	if (page < 0)
		return http_send_error(r, ERR_NOTFOUND, NULL, NULL, "no such page");
	struct pairs pr;
	if ((rc = read_pairs(&pr, r, c.d, &c.who, &e)))
		return fail(r, rc, &e);
	json_t *answers;
	struct form_action act;
	rc = form_parse_page(&answers, &act, r->arena,
			     &(struct form_page_in){ .d = c.d, .page = page,
						     .previous = c.dr.answers,
						     .sources = c.dr.sources,
						     .names = pr.names, .values = pr.values,
						     .npairs = pr.n, .uploads = pr.uploads,
						     .nuploads = pr.nuploads },
			     &e);
	if (rc)
		return fail(r, rc, &e);
	int64_t now = app_now();
	char base[64];
	snprintf(base, sizeof base, "/drafts/%lld", (long long)c.dr.id);
	if (act.kind == FORM_ACT_ADD || act.kind == FORM_ACT_REMOVE || act.kind == FORM_ACT_SAVE) {
		rc = apply_draft_save(app_store(r), &c.who, c.dr.id, answers, page, now, &e);
		if (rc)
			return fail(r, rc, &e);
		if (act.kind == FORM_ACT_SAVE)
			return http_redirect(r, 303, "/mypage/applications?saved=1");
		char id[FORM_ID_MAX];
		form_dom_id(id, sizeof id, c.d, act.path);
		if (act.kind == FORM_ACT_REMOVE) {
			char *br = strrchr(act.path, '[');
			if (br)
				*br = '\0';
			form_dom_id(id, sizeof id, c.d, act.path);
		}
		return http_redirect(r, 303, arena_printf(r->arena, "%s/page/%d%s#%s", base, page,
							  from_check(r) ? "?from=check" : "", id));
	}
	struct forms_result res;
	rc = forms_validate_upto(&res, r->arena, c.d, answers, page, c.today, &e);
	if (rc)
		return fail(r, rc, &e);
	if (act.kind == FORM_ACT_BACK) {
		rc = apply_draft_save(app_store(r), &c.who, c.dr.id, answers, page, now, &e);
		if (rc)
			return fail(r, rc, &e);
		int prev = 0;
		for (int i = 0; i < res.npath; i++)
			if (res.path[i] == page && i > 0)
				prev = res.path[i - 1];
		return http_redirect(r, 303, arena_printf(r->arena, "%s/page/%d", base, prev));
	}
	/* the account's attachment quota or upload rate: 413 / 429 */
	if (pr.upload_rc == ERR_LIMIT && app_upload_refused(r, &pr.upload_err))
		return 0;
	if (pr.upload_rc)
		add_error(&res, r->arena, pr.upload_path, pr.upload_rc == ERR_LIMIT ? "file_size" : "file_type",
			  html_t(HTML_JA, pr.upload_rc == ERR_LIMIT ? "apply.error.file_too_large"
								     : "apply.error.file_type"),
			  html_t(HTML_EN, pr.upload_rc == ERR_LIMIT ? "apply.error.file_too_large"
								     : "apply.error.file_type"));
	if (form_page_unseen(c.d, page, res.answers, pr.names, pr.values, pr.n, c.today)) {
		/* an answer brought up a question on this page: ask it first */
		form_errors_drop_unseen(&res, c.d, pr.names, pr.values, pr.n);
		rc = apply_draft_save(app_store(r), &c.who, c.dr.id, answers, page, now, &e);
		if (rc)
			return fail(r, rc, &e);
		return render_draft_page(r, form_page_errors(c.d, &res, page) ? 400 : 200, &c, page,
					 &(struct draft_view){ .answers = answers, .errs = &res,
							       .norm = res.answers,
							       .notice = html_t(l, "apply.more_questions") });
	}
	int errpage = form_error_page(c.d, &res);
	if (errpage >= 0 && errpage <= page) {
		rc = apply_draft_save(app_store(r), &c.who, c.dr.id, answers, errpage, now, &e);
		if (rc)
			return fail(r, rc, &e);
		if (errpage < page)   /* an earlier page needs putting right: go there */
			return http_redirect(r, 303, arena_printf(r->arena, "%s/page/%d?check=1", base, errpage));
		return render_draft_page(r, 400, &c, errpage,
					 &(struct draft_view){ .answers = answers, .errs = &res,
							       .norm = res.answers });
	}
	int to, exit = -1;
	rc = forms_next_page(&to, &exit, c.d, page, res.answers, c.today, &e);
	if (rc)
		return fail(r, rc, &e);
	rc = apply_draft_save(app_store(r), &c.who, c.dr.id, answers, to >= 0 ? to : page, now, &e);
	if (rc)
		return fail(r, rc, &e);
	if (to == FORMS_GOTO_EXIT)
		return render_exit(r, &c, exit, page);
	if (to == FORMS_GOTO_END)
		return http_redirect(r, 303, arena_printf(r->arena, "%s/confirm", base));
	/* a change made from the check page goes back there when nothing
	 * more is needed; else on to the page that needs it, still on the
	 * way back to the check page */
	if (from_check(r)) {
		if (draft_complete(r, c.d, answers, c.today))
			return http_redirect(r, 303, arena_printf(r->arena, "%s/confirm", base));
		return http_redirect(r, 303, arena_printf(r->arena, "%s/page/%d?from=check", base, to));
	}
	return http_redirect(r, 303, arena_printf(r->arena, "%s/page/%d", base, to));
}

int page_draft_delete(struct http_req *r)
{
	struct apply_actor who;
	who_of(&who, r);
	struct err e;
	int64_t id = param_id(r, "id");
	int rc = apply_draft_delete(app_store(r), &who, id, &e);
	if (rc)
		return fail(r, rc, &e);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	app_audit(r, AUDIT_A_WRITE, "apply.draft.deleted", oid, AUDIT_R_OK);
	return http_redirect(r, 303, "/mypage/applications");
}

/* ---- confirmation, signature, submission ---- */

static void summary_fields(struct buf *b, const struct forms_field *fs, int n,
			   const json_t *vals, const char *lang, enum html_lang l)
{
	for (int i = 0; i < n; i++) {
		const struct forms_field *f = &fs[i];
		if (f->type == FORMS_T_INFO)
			continue;
		const json_t *v = json_is_object(vals) ? json_object_get(vals, f->id) : NULL;
		if (!v)
			continue;      /* not shown, or not answered */
		const char *label = f->label.ja ? forms_text_get(&f->label, lang)
						: html_t(l, "apply.declaration");
		if (f->type == FORMS_T_GROUP) {
			html_printf(b, "<div><dt>%s</dt><dd>", label);
			size_t k;
			const json_t *it;
			json_array_foreach(v, k, it) {
				html_printf(b, "<p class=\"item-title\">%s %d</p><dl class=\"summary-list nested\">",
					    label, (int)k + 1);
				summary_fields(b, f->fields, f->nfields, it, lang, l);
				buf_puts(b, "</dl>");
			}
			buf_puts(b, "</dd></div>");
			continue;
		}
		struct buf t;
		buf_init(&t, 1u << 16);
		form_value_text(&t, f, v, lang, 1);
		html_printf(b, "<div><dt>%s</dt><dd>%s</dd></div>", label, buf_cstr(&t));
		buf_done(&t);
	}
}

/* the signer of the signature the signing app returned for this draft,
 * when it is over the answers as they are now; NULL otherwise */
static const char *app_signed_by(struct http_req *r, int64_t draft_id)
{
	struct apply_actor who;
	who_of(&who, r);
	struct apply_signreq sr;
	struct err e;
	if (apply_signreq_valid(&sr, r->arena, app_store(r), &who, APPLY_SIGNREQ_DRAFT, draft_id,
				app_now(), &e))
		return NULL;
	return sr.subject && *sr.subject ? sr.subject : "?";
}

/* the pay step of a draft (or of its bundle) whose fee is paid before
 * submission: amount, the payment's state and number, the button that
 * asks for it (POST /drafts/{id}/pay); 1 when there is such a fee (then
 * *unpaid says whether submitting must wait) */
static int app_apply_fee_step(struct buf *bp, struct http_req *r, const struct apply_actor *who,
			      int64_t draft_id, int *unpaid)
{
	struct buf *b = bp;
	enum html_lang l = app_req(r)->lang;
	struct apply_fee_due due;
	struct payment pay;
	struct err fe;
	*unpaid = 0;
	memset(&due, 0, sizeof due);
	if (apply_fee_draft(&due, &pay, app_store(r), who, draft_id, 0, app_now(), &fe)) {
		log_error("fee state not read", "draft", arena_printf(r->arena, "%lld", (long long)draft_id),
			  "detail", fe.detail);
		return 0;
	}
	if (due.amount_yen <= 0)
		return 0;
	*unpaid = !due.paid;
	html_printf(b, "<section class=\"fee-step\" id=\"fee-step\" aria-labelledby=\"fee-h\">"
		    "<h2 id=\"fee-h\">%s</h2><dl class=\"summary-list\"><div><dt>%s</dt><dd class=\"fee\">",
		    html_t(l, "apply.fee_step"), html_t(l, "apply.fee"));
	buf_printf(b, "%lld%s", (long long)due.amount_yen, html_t(l, "form.yen"));
	if (due.bundle_id)
		html_printf(b, "<br>%s", html_t(l, "apply.fee_bundle"));
	const char *st = due.have ? payments_state_name(pay.state) : "created";
	html_printf(b, "</dd></div><div><dt>%s</dt><dd id=\"fee-state\" data-state=\"%s\">%s</dd></div>",
		    html_t(l, "apply.fee_state"), due.have ? st : "unpaid",
		    html_t(l, arena_printf(r->arena, "pay.state.%s", st)));
	if (due.have)
		html_printf(b, "<div><dt>%s</dt><dd id=\"fee-number\">%s</dd></div>", html_t(l, "apply.fee_number"),
			    pay.number);
	buf_puts(b, "</dl>");
	if (*unpaid)
		html_printf(b, "<p id=\"fee-lead\">%s</p><form method=\"post\" action=\"/drafts/%ld/pay\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button\" id=\"fee-pay\">%s</button></form>",
			    html_t(l, "apply.fee_step_lead"), (long)draft_id, app_req(r)->csrf,
			    html_t(l, due.have && pay.state == PAY_PENDING ? "apply.fee_continue" : "apply.fee_pay"));
	else
		html_printf(b, "<div class=\"notice success\"><p>%s</p></div>", html_t(l, "apply.fee_paid_lead"));
	buf_puts(b, "</section>");
	return 1;
}

static int render_confirm(struct http_req *r, int status, struct draft_ctx *c,
			  const struct forms_result *res, const char *error)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	struct html_page p;
	struct buf b;
	const char *title = html_t(l, "apply.confirm");
	if (error)
		title = arena_printf(r->arena, "%s: %s", html_t(l, "form.error"), title);
	page_begin(&b, &p, r, title);
	if (error) {
		const char *ids[] = { error == html_t(l, "apply.error.fee_unpaid") ? "fee-step" : "signature" },
			   *msgs[] = { error };
		html_error_summary(&b, l, ids, msgs, 1);
	}
	html_printf(&b, "<p class=\"caption\">%s</p><p>%s</p>", forms_text_get(&c->d->title, lang),
		    html_t(l, "apply.confirm_lead"));
	for (int i = 0; i < res->npath; i++) {
		int pg = res->path[i];
		const struct forms_page *fp = &c->d->pages[pg];
		html_printf(&b, "<section class=\"confirm-page\"><div class=\"confirm-head\"><h2>%s</h2>"
			    "<a href=\"/drafts/%ld/page/%d?from=check\">%s<span class=\"visually-hidden\"> (%s)</span></a></div>"
			    "<dl class=\"summary-list\">",
			    forms_text_get(&fp->title, lang), (long)c->dr.id, pg,
			    html_t(l, "apply.change"), forms_text_get(&fp->title, lang));
		summary_fields(&b, fp->fields, fp->nfields, res->answers, lang, l);
		buf_puts(&b, "</dl></section>");
	}
	/* a fee paid before submission: the pay step, its state, and the
	 * submit button enabled only once paid (apply_submit refuses
	 * otherwise, whatever the page shows) */
	int before = c->d->fee_yen > 0 && c->d->fee_timing &&
		     strcmp(c->d->fee_timing, "before_submit") == 0;
	int unpaid = 0, has_step = before && app_apply_fee_step(&b, r, &c->who, c->dr.id, &unpaid);
	if (!has_step && c->d->fee_yen > 0) {
		html_printf(&b, "<p class=\"fee\">%s: ", html_t(l, "apply.fee"));
		buf_printf(&b, "%lld%s", (long long)c->d->fee_yen, html_t(l, "form.yen"));
		buf_puts(&b, "</p>");
	}
	if (c->d->declaration.ja)
		html_printf(&b, "<div class=\"declaration-text\"><h2>%s</h2><p>%s</p></div>",
			    html_t(l, "apply.declaration"), forms_text_get(&c->d->declaration, lang));
	const char *sig = c->d->signature ? c->d->signature : "none";
	int want_sig = strcmp(sig, "none") != 0;
	/* a signature the signing app returned (page_sign.c) over the
	 * answers as they are now */
	const char *signed_by = want_sig ? app_signed_by(r, c->dr.id) : NULL;
	if (want_sig) {
		html_printf(&b, "<section class=\"signature-step\" aria-labelledby=\"sig-h\"><h2 id=\"sig-h\">%s</h2>",
			    html_t(l, "apply.sig_title"));
		if (signed_by)
			html_printf(&b, "<div class=\"notice success\" id=\"signed-by\"><p>%s</p></div>",
				    arena_printf(r->arena, html_t(l, "apply.sign.signed_by"), signed_by));
		else
			html_printf(&b, "<h3>%s</h3><p>%s</p><form method=\"post\" action=\"/drafts/%ld/sign-request\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<button type=\"submit\" class=\"button secondary\">%s</button></form>",
				    html_t(l, "apply.sign.app_title"), html_t(l, "apply.sign.app_lead"),
				    (long)c->dr.id, app_req(r)->csrf, html_t(l, "apply.sign.app_button"));
		buf_puts(&b, "</section>");
	}
	html_printf(&b, "<form method=\"post\" action=\"/drafts/%ld/submit\" novalidate%S>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    (long)c->dr.id, want_sig ? " enctype=\"multipart/form-data\"" : "", app_req(r)->csrf);
	if (want_sig && !signed_by) {
		html_printf(&b, "<section class=\"signature-step\"><h3>%s</h3><ol>"
			    "<li><a href=\"/drafts/%ld/canonical\" download>%s</a></li>"
			    "<li>%s</li><li>%s</li></ol>",
			    html_t(l, "apply.sign.or_file"), (long)c->dr.id, html_t(l, "apply.sig_download"),
			    html_t(l, "apply.sig_sign"), html_t(l, "apply.sig_upload"));
		ui_file(&b, &(struct ui_field){ .name = "signature", .id = "signature",
						.label = html_t(l, "apply.sig_file"),
						.required = strcmp(sig, "required") == 0, .error = error,
						.lang = l, .accept = ".p7s,application/pkcs7-signature",
						.required_text = html_t(l, "form.required"),
						.error_class = 1 });
		buf_puts(&b, "</section>");
	}
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\" id=\"submit\"%S>%s</button></div></form>",
		    unpaid ? " disabled aria-describedby=\"fee-lead\"" : "", html_t(l, "apply.submit"));
	html_printf(&b, "<p><a href=\"/mypage/applications\">%s</a></p>", html_t(l, "apply.save_later_link"));
	return app_page_send(r, status, &b, &p);
}

int page_draft_confirm(struct http_req *r)
{
	struct draft_ctx c;
	struct err e;
	int rc = draft_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	struct forms_result res;
	rc = forms_validate(&res, r->arena, c.d, c.dr.answers ? c.dr.answers : json_object(),
			    c.today, &e);
	if (rc)
		return fail(r, rc, &e);
	if (res.exit >= 0)
		return render_exit(r, &c, res.exit, res.npath ? res.path[res.npath - 1] : 0);
	int errpage = form_error_page(c.d, &res);
	if (errpage >= 0)
		return http_redirect(r, 303, arena_printf(r->arena, "/drafts/%lld/page/%d?check=1",
							   (long long)c.dr.id, errpage));
	return render_confirm(r, 200, &c, &res, NULL);
}

/* the pay step: the draft's payment asked for (once: its key is the
 * draft's, or its bundle's) and the resident sent to the payments
 * service's own page, which returns them to the confirmation page */
int page_draft_pay(struct http_req *r)
{
	struct draft_ctx c;
	struct err e;
	int rc = draft_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	struct apply_fee_due due;
	struct payment pay;
	if ((rc = apply_fee_draft(&due, &pay, app_store(r), &c.who, c.dr.id, 1, app_now(), &e)))
		return fail(r, rc, &e);
	if (due.amount_yen <= 0 || !due.have || due.paid)
		return http_redirect(r, 303, arena_printf(r->arena, "/drafts/%lld/confirm",
							   (long long)c.dr.id));
	return http_redirect(r, 303, arena_printf(r->arena, "/pay/%s", pay.number));
}

/* the bytes the resident signs (apply_canonical: RFC 8785 form of the
 * normalised answers; also for a procedure that requires a signature) */
static int draft_canonical(char **text, size_t *len, struct http_req *r,
			   struct draft_ctx *c, int64_t now, struct err *e)
{
	struct apply_canonical_result cr;
	int rc = apply_canonical(&cr, r->arena, app_store(r), &c->who, c->dr.id, now, e);
	*text = cr.text;
	*len = cr.len;
	if (rc == 0 && (!*text || !*len))
		rc = err_set(e, ERR_INTERNAL, "draft %lld: no canonical form", (long long)c->dr.id);
	return rc;
}

int page_draft_canonical(struct http_req *r)
{
	struct draft_ctx c;
	struct err e;
	int rc = draft_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	char *text;
	size_t len;
	rc = draft_canonical(&text, &len, r, &c, app_now(), &e);
	if (rc)
		return fail(r, rc, &e);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "attachment; filename=\"application-%lld.json\"", (long long)c.dr.id));
	return http_send(r, 200, "application/json", text, len);
}

/* the trust store of the server (serve --trust-dir, app_sign.c); NULL:
 * signatures are not configured and sign_verify says so */
#define RESIDENT_TRUST(r) app_trust(r)

/* where page_apply_verify puts what it found */
struct sig_found {
	struct apply_signature *sig;   /* the signer (arena strings)            */
	struct sign_result *res;       /* the verification, its reason         */
	char *signed_sha;              /* 65 bytes: the canonical text's SHA-256 */
};

/* verify an uploaded detached signature (cms, n bytes) over the draft's
 * canonical bytes; 0 with *out->sig filled, else ERR_AUTH /
 * ERR_UNAVAILABLE with out->res->reason saying why */
static int page_apply_verify(const struct sig_found *out, struct http_req *r, struct draft_ctx *c,
			     const void *cms, size_t n, int64_t now, struct err *e)
{
	struct apply_signature *sig = out->sig;
	struct sign_result *res = out->res;
	char *signed_sha = out->signed_sha;
	char *text;
	size_t len;
	memset(res, 0, sizeof *res);
	res->reason = SIGN_ERROR;
	int rc = draft_canonical(&text, &len, r, c, now, e);
	if (rc)
		return rc;
	forms_sha256_hex(signed_sha, text, len);
	rc = sign_verify(res, RESIDENT_TRUST(r),
			 &(struct sign_verify_in){ .data = text, .n = len, .cms = cms,
						   .cms_len = n }, now, e);
	if (rc)
		return rc;
	sig->serial = arena_strdup(r->arena, res->serial);
	sig->subject = arena_strdup(r->arena, res->subject);
	sig->issuer = arena_strdup(r->arena, res->issuer);
	sig->not_after = res->not_after;
	sig->cms = cms;
	sig->cms_len = n;
	return 0;
}

/* the receipt e-mail: receipt number, title and link only; to the
 * address typed in the form when the procedure asks for one, else the
 * account's; the link from the configured public URL (app_mail_link_base).
 * Its text is the municipality's template apply.received (svc/notify;
 * staff edit it) in the page's language: this gives the values only. */
static void receipt_mail(struct http_req *r, const struct apply_submission *sub,
			 const struct forms_def *d)
{
	struct app_req *q = app_req(r);
	char email[AUTH_EMAIL_MAX + 1];
	int active = 0;
	struct err e;
	const char *typed = app_mail_answer_address(d, sub->answers);
	if (typed)
		snprintf(email, sizeof email, "%s", typed);
	else if (auth_resident_get(email, &active, app_store(r), q->tenant.code, q->ses.account_id, &e) != 0)
		return;
	char base[600];
	if (app_mail_link_base(base, sizeof base, app_of(r), &q->tenant) != 0)
		return;
	enum html_lang l = q->lang;
	const char *url = arena_printf(r->arena, "%s/submissions/%s", base, sub->receipt);
	const char *title = l == HTML_EN && d->title.en && *d->title.en ? d->title.en
		: l == HTML_JA_EASY && d->title.ja_easy && *d->title.ja_easy ? d->title.ja_easy
		: d->title.ja ? d->title.ja : "";
	if (!url)
		return;
	const struct notify_value vals[] = {
		{ "ward", l == HTML_EN && q->tenant.name_en[0] ? q->tenant.name_en : q->tenant.name_ja },
		{ "receipt", sub->receipt }, { "procedure", title }, { "url", url },
	};
	int64_t mail_id;
	if (notify_email(app_store(r), q->tenant.code, "apply.received", notify_lang_code((enum notify_lang)l),
			 email, vals, 4, &mail_id, &e) != 0)
		log_error("receipt mail not queued", "receipt", sub->receipt, "detail", e.detail);
}

int page_draft_submit(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct draft_ctx c;
	struct err e;
	int rc = draft_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	struct pairs pr;
	if ((rc = read_pairs(&pr, r, NULL, &c.who, &e)))
		return fail(r, rc, &e);
	struct apply_signature sig, *sigp = NULL;
	memset(&sig, 0, sizeof sig);
	char signed_sha[65] = "";
	int64_t now = app_now();
	/* no file: the signature a signing app returned (page_sign.c), if any */
	struct apply_signreq sreq;
	if ((!pr.sig || !pr.sig_len) &&
	    apply_signreq_latest(&sreq, r->arena, app_store(r), &c.who, APPLY_SIGNREQ_DRAFT, c.dr.id, &e) == 0 &&
	    sreq.signed_at && sreq.cms) {
		pr.sig = sreq.cms;
		pr.sig_len = sreq.cms_len;
	}
	if (pr.sig && pr.sig_len) {
		const char *why = html_t(l, "apply.sig_unavailable");
		struct sign_result sres;
		rc = page_apply_verify(&(struct sig_found){ &sig, &sres, signed_sha }, r, &c,
				       pr.sig, pr.sig_len, now, &e);
		if (rc && sres.reason != SIGN_OK && sres.reason != SIGN_ERROR)
			why = arena_printf(r->arena, "%s %s", html_t(l, "apply.sig_refused"),
					   sign_reason_message(sres.reason, lang_code(r)));
		if (rc)
			log_info("signature refused", "draft", arena_printf(r->arena, "%lld", (long long)c.dr.id),
				 "reason", sign_reason_name(sres.reason), "detail", e.detail);
		if (rc) {
			struct forms_result res;
			forms_validate(&res, r->arena, c.d, c.dr.answers, c.today, &e);
			return render_confirm(r, 400, &c, &res, why);
		}
		sigp = &sig;
	}
	struct apply_submission sub;
	struct forms_result res;
	/* the audit record commits with the submission (one group commit);
	 * a signed submission is stored only over the bytes verified */
	struct app_submit_audit au;
	app_submit_audit_init(&au, r, AUDIT_A_WRITE, "apply.submitted");
	struct apply_submit_opts so = { .sig = sigp, .expect_sha256 = sigp ? signed_sha : NULL,
					.in_tx = app_submit_audit, .in_tx_arg = &au };
	struct apply_submit_result sr;
	rc = apply_submit(&sr, r->arena, app_store(r), &c.who,
			  &(struct apply_draft_submit){ .draft_id = c.dr.id, .opts = so }, now, &e);
	sub = sr.sub;
	res = sr.check;
	if (rc == ERR_CONFLICT && sr.stale) {
		struct forms_result r2;
		forms_validate(&r2, r->arena, c.d, c.dr.answers, c.today, &e);
		return render_confirm(r, 409, &c, &r2, html_t(l, "apply.sig_stale"));
	}
	if (rc == ERR_INVALID && apply_registry_problem(&res))
		return app_registry_refused(r, &res, &e);
	if (rc == ERR_INVALID) {
		int errpage = form_error_page(c.d, &res);
		if (errpage >= 0)
			return http_redirect(r, 303, arena_printf(r->arena, "/drafts/%lld/page/%d?check=1",
								   (long long)c.dr.id, errpage));
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if (rc == ERR_AUTH) {
		struct forms_result r2;
		forms_validate(&r2, r->arena, c.d, c.dr.answers, c.today, &e);
		return render_confirm(r, 400, &c, &r2, html_t(l, "apply.sig_missing"));
	}
	if (rc == ERR_CONFLICT && sr.fee_unpaid) {
		log_info("submission refused: fee not paid", "detail", e.detail);
		struct forms_result r2;
		forms_validate(&r2, r->arena, c.d, c.dr.answers, c.today, &e);
		return render_confirm(r, 409, &c, &r2, html_t(l, "apply.error.fee_unpaid"));
	}
	if (rc)
		return fail(r, rc, &e);
	if (apply_signreq_forget(app_store(r), &c.who, APPLY_SIGNREQ_DRAFT, c.dr.id, &e))
		log_error("signing requests not forgotten", "draft",
			  arena_printf(r->arena, "%lld", (long long)c.dr.id), "detail", e.detail);
	receipt_mail(r, &sub, c.d);
	return http_redirect(r, 303, arena_printf(r->arena, "/submissions/%s?new=1", sub.receipt));
}

/* ---- submissions ---- */

struct sub_ctx {
	struct apply_actor who;
	struct apply_submission sub;
	struct forms_def *d;
};

static int sub_load(struct sub_ctx *c, struct http_req *r, struct err *e)
{
	who_of(&c->who, r);
	int rc = apply_get_by_receipt(&c->sub, r->arena, app_store(r), &c->who,
				      http_param(r, "receipt"), e);
	if (rc)
		return rc;
	if ((rc = load_def(&c->d, NULL, r, c->sub.procedure, c->sub.version, e)))
		return rc;
	/* the answers as the resident may see them (status page, receipt
	 * PDF): src/svc/apply masks (apply_view), as on every other path */
	struct apply_view av;
	if ((rc = apply_view(&av, r->arena, &c->who, c->d, c->sub.answers, APPLY_REVEAL_NO, e)))
		return rc;
	c->sub.answers = av.answers;
	return 0;
}

static int final_state(const char *st)
{
	return strcmp(st, "rejected") == 0 || strcmp(st, "completed") == 0 ||
	       strcmp(st, "withdrawn") == 0 || strcmp(st, "approved") == 0;
}

int page_submission(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	struct sub_ctx c;
	struct err e;
	int rc = sub_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	int fresh = http_param(r, "new") != NULL;
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, html_t(l, fresh ? "apply.received" : "apply.status_title"));
	html_printf(&b, "<div class=\"panel\"><p>%s</p><p class=\"receipt-number\">%s</p>"
		    "<p>%s</p></div>",
		    html_t(l, "apply.receipt_number"), c.sub.receipt, forms_text_get(&c.d->title, lang));
	html_printf(&b, "<dl class=\"summary-list\"><div><dt>%s</dt><dd><strong class=\"status status-%s\">%s</strong></dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div>",
		    html_t(l, "apply.status"), c.sub.status, status_label(l, c.sub.status),
		    html_t(l, "apply.submitted_at"), when_str(r, c.sub.submitted_at));
	if (c.sub.revision > 1)
		html_printf(&b, "<div><dt>%s</dt><dd>%d</dd></div>", html_t(l, "apply.revision"), c.sub.revision);
	if (c.sub.due_at && !final_state(c.sub.status))
		html_printf(&b, "<div><dt>%s</dt><dd>%s</dd></div>", html_t(l, "apply.due"),
			    when_str(r, c.sub.due_at));
	buf_puts(&b, "</dl>");
	struct payment pay;   /* a fee paid after review: asked for on approval */
	if (apply_fee_payment(&pay, app_store(r), app_req(r)->tenant.code, &c.sub, c.d, &e) == 0) {
		html_printf(&b, "<section class=\"notice\" id=\"sub-fee\" aria-labelledby=\"sub-fee-h\"><h2 id=\"sub-fee-h\">%s</h2><p>",
			    html_t(l, "apply.fee"));
		buf_printf(&b, "%lld%s", (long long)pay.amount_yen, html_t(l, "form.yen"));
		html_printf(&b, "（%s）</p>", html_t(l, arena_printf(r->arena, "pay.state.%s", payments_state_name(pay.state))));
		if (c.sub.payment[0])   /* paid before submission */
			html_printf(&b, "<p>%s: <span id=\"sub-payment\">%s</span></p>", html_t(l, "apply.fee_number"),
				    pay.number);
		if (pay.state == PAY_CREATED || pay.state == PAY_PENDING || pay.state == PAY_FAILED)
			html_printf(&b, "<p><a class=\"button\" id=\"sub-pay\" href=\"/pay/%s\">%s</a></p>", pay.number,
				    html_t(l, "apply.fee_pay"));
		buf_puts(&b, "</section>");
	}
	if (strcmp(c.sub.status, "returned") == 0) {
		html_printf(&b, "<div class=\"notice notice-warning\"><h2>%s</h2><p class=\"staff-note\">%s</p>"
			    "<form method=\"post\" action=\"/submissions/%s/correct\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button\">%s</button></form></div>",
			    html_t(l, "apply.returned_title"), c.sub.return_note, c.sub.receipt,
			    app_req(r)->csrf, html_t(l, "apply.correct"));
	}
	if (fresh)
		html_printf(&b, "<h2>%s</h2><p>%s</p>", html_t(l, "apply.next_steps"),
			    html_t(l, "apply.next_steps_text"));
	html_printf(&b, "<p><a href=\"/submissions/%s/receipt.pdf\">%s</a></p>", c.sub.receipt,
		    html_t(l, "apply.receipt_pdf"));
	/* history */
	struct apply_history_item *items = NULL;
	int n = 0;
	if (apply_history(&items, &n, r->arena, app_store(r), &c.who, c.sub.id, &e) == 0 && n > 0) {
		html_printf(&b, "<h2>%s</h2><ol class=\"history\">", html_t(l, "apply.history"));
		for (int i = 0; i < n; i++) {
			char id[48];
			snprintf(id, sizeof id, "apply.ev.%s", items[i].kind);
			const char *what = html_t(l, id);
			html_printf(&b, "<li><span class=\"when\">%s</span> %s", when_str(r, items[i].at),
				    strcmp(what, id) == 0 ? items[i].kind : what);
			if (items[i].to[0])
				html_printf(&b, "（%s）", status_label(l, items[i].to));
			if (items[i].text && !items[i].internal)
				html_printf(&b, "<p class=\"staff-note\">%s</p>", items[i].text);
			buf_puts(&b, "</li>");
		}
		buf_puts(&b, "</ol>");
	}
	/* answers */
	if (c.sub.answers) {
		html_printf(&b, "<details class=\"answers\"><summary>%s</summary><dl class=\"summary-list\">",
			    html_t(l, "apply.your_answers"));
		for (int pg = 0; pg < c.d->npages; pg++)
			summary_fields(&b, c.d->pages[pg].fields, c.d->pages[pg].nfields, c.sub.answers, lang, l);
		buf_puts(&b, "</dl></details>");
	}
	if (strcmp(c.sub.status, "received") == 0 || strcmp(c.sub.status, "in_review") == 0 ||
	    strcmp(c.sub.status, "returned") == 0)
		html_printf(&b, "<p><a href=\"/submissions/%s/withdraw\">%s</a></p>", c.sub.receipt,
			    html_t(l, "apply.withdraw"));
	html_printf(&b, "<p><a href=\"/mypage/applications\">%s</a></p>", html_t(l, "apply.my_applications"));
	return app_page_send(r, 200, &b, &p);
}

int page_submission_withdraw_form(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	struct sub_ctx c;
	struct err e;
	int rc = sub_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, html_t(l, "apply.withdraw_title"));
	html_printf(&b, "<p>%s</p><dl class=\"summary-list\"><div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div></dl>"
		    "<form method=\"post\" action=\"/submissions/%s/withdraw\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"confirm\" value=\"1\">"
		    "<div class=\"button-group\"><button type=\"submit\" class=\"button button-warning\">%s</button>"
		    "<a href=\"/submissions/%s\">%s</a></div></form>",
		    html_t(l, "apply.withdraw_lead"), html_t(l, "apply.receipt_number"), c.sub.receipt,
		    html_t(l, "apply.procedure"), forms_text_get(&c.d->title, lang), c.sub.receipt,
		    app_req(r)->csrf, html_t(l, "apply.withdraw_confirm"), c.sub.receipt,
		    html_t(l, "apply.withdraw_cancel"));
	return app_page_send(r, 200, &b, &p);
}

int page_submission_withdraw(struct http_req *r)
{
	struct sub_ctx c;
	struct err e;
	int rc = sub_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	if (!http_param(r, "confirm"))
		return http_redirect(r, 303, arena_printf(r->arena, "/submissions/%s/withdraw", c.sub.receipt));
	/* the audit record commits with the withdrawal or not at all
	 * (apply_withdraw joins the transaction open here) */
	struct store *st = app_store(r);
	struct app_actor aa;
	app_actor_of(&aa, r);
	rc = store_begin(st, &e);
	if (rc == 0) {
		rc = apply_withdraw(st, &c.who, c.sub.id, app_now(), &e);
		if (rc == 0)
			rc = app_audit_as(st, &app_of(r)->audit, &aa,
					  &(struct app_audit_entry){ .action = AUDIT_A_WRITE,
								     .object_type = "apply.withdrawn",
								     .object_id = c.sub.receipt,
								     .result = AUDIT_R_OK },
					  &e);
		if (rc == 0)
			rc = store_commit(st, &e);
		else
			store_rollback(st);
	}
	if (rc == ERR_CONFLICT)
		return app_send_error(r, rc, "apply.error.cannot_withdraw", e.detail);
	if (rc)
		return fail(r, rc, &e);
	return http_redirect(r, 303, arena_printf(r->arena, "/submissions/%s", c.sub.receipt));
}

int page_submission_correct(struct http_req *r)
{
	struct sub_ctx c;
	struct err e;
	int rc = sub_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	int64_t draft;
	rc = apply_correct(&draft, app_store(r), &c.who, c.sub.id, app_now(), &e);
	if (rc == ERR_CONFLICT)
		return app_send_error(r, rc, "apply.error.cannot_correct", e.detail);
	if (rc)
		return fail(r, rc, &e);
	app_audit(r, AUDIT_A_WRITE, "apply.correction.started", c.sub.receipt, AUDIT_R_OK);
	int first = forms_first_page(c.d, c.sub.answers, form_today(app_now()));
	return http_redirect(r, 303, arena_printf(r->arena, "/drafts/%lld/page/%d", (long long)draft,
						   first < 0 ? 0 : first));
}

/* the receipt's lines as they grow (in a) */
struct receipt_list {
	struct arena *a;
	struct apply_receipt_line *v;
	int n, cap;
};

/* the lines of the receipt PDF: every answer, My Number masked */
static void receipt_lines(struct receipt_list *rl, const struct forms_field *fs, int nf,
			  const json_t *vals, int depth)
{
	struct apply_receipt_line **out = &rl->v;
	int *n = &rl->n, *cap = &rl->cap;
	struct arena *a = rl->a;
	for (int i = 0; i < nf; i++) {
		const struct forms_field *f = &fs[i];
		if (f->type == FORMS_T_INFO)
			continue;
		const json_t *v = json_is_object(vals) ? json_object_get(vals, f->id) : NULL;
		if (!v)
			continue;
		if (*n >= *cap) {
			int nc = *cap ? *cap * 2 : 64;
			struct apply_receipt_line *nl = arena_alloc(a, (size_t)nc * sizeof *nl);
			if (!nl)
				return;
			if (*n)
				memcpy(nl, *out, (size_t)*n * sizeof *nl);
			*out = nl;
			*cap = nc;
		}
		struct apply_receipt_line *ln = &(*out)[(*n)++];
		/* a field without a label is the declaration */
		ln->label = arena_printf(a, "%s / %s",
					 f->label.ja ? f->label.ja : html_t(HTML_JA, "apply.declaration"),
					 f->label.en ? f->label.en : html_t(HTML_EN, "apply.declaration"));
		ln->depth = depth;
		if (f->type == FORMS_T_GROUP) {
			ln->value = arena_printf(a, "%d", (int)json_array_size(v));
			size_t k;
			const json_t *it;
			json_array_foreach(v, k, it)
				receipt_lines(rl, f->fields, f->nfields, it, depth + 1);
			continue;
		}
		struct buf t;
		buf_init(&t, 1u << 16);
		form_value_text(&t, f, v, "ja", 1);
		ln->value = arena_strdup(a, buf_cstr(&t));
		buf_done(&t);
	}
}

/* The receipt PDF is rendered on the blocking pool (Pango and Cairo take
 * 25-370 ms, which would hold up every connection of the event loop):
 * the handler loads and checks on the loop, and the job carries the
 * document in an arena of its own (the request's may be gone when the
 * rendering ends). */
struct receipt_job {
	struct arena *a;                 /* the document's text            */
	struct apply_receipt_doc doc;
	struct apply_submission sub;     /* answers and sources not kept   */
	char *pdf;
	size_t len;
	int rc;
	struct err e;
};

static void receipt_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct receipt_job *j = arg;
	j->doc.sub = &j->sub;            /* the job was copied by http_defer */
	j->rc = apply_receipt_pdf(&j->pdf, &j->len, &j->doc, &j->e);
}

static void receipt_discard(void *arg)
{
	struct receipt_job *j = arg;
	arena_free(j->a);
	free(j->pdf);
}

static int receipt_done(struct http_req *r, void *arg)
{
	struct receipt_job *j = arg;
	arena_free(j->a);
	if (j->rc)
		return fail(r, j->rc, &j->e);
	arena_cleanup_add(r->arena, free, j->pdf);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "inline; filename=\"receipt-%s.pdf\"", j->sub.receipt));
	int rc = http_send(r, 200, "application/pdf", j->pdf, j->len);
	app_audit(r, AUDIT_A_READ, "apply.receipt_pdf", j->sub.receipt, AUDIT_R_OK);
	return rc;
}

int page_submission_pdf(struct http_req *r)
{
	struct sub_ctx c;
	struct err e;
	int rc = sub_load(&c, r, &e);
	if (rc)
		return fail(r, rc, &e);
	struct receipt_job j = { .a = arena_new(1u << 16), .sub = c.sub };
	if (!j.a)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "receipt pdf: out of memory");
	j.sub.answers = j.sub.sources = NULL;
	struct receipt_list rl = { .a = j.a };
	for (int pg = 0; pg < c.d->npages; pg++)
		receipt_lines(&rl, c.d->pages[pg].fields, c.d->pages[pg].nfields, c.sub.answers, 0);
	struct apply_receipt_line *lines = rl.v;
	int n = rl.n;
	j.doc = (struct apply_receipt_doc){
		.municipality_ja = arena_strdup(j.a, app_req(r)->tenant.name_ja),
		.municipality_en = arena_strdup(j.a, app_req(r)->tenant.name_en),
		.title_ja = c.d->title.ja ? arena_strdup(j.a, c.d->title.ja) : NULL,
		.title_en = c.d->title.en ? arena_strdup(j.a, c.d->title.en) : NULL,
		.lines = lines, .nlines = n,
		.fee_yen = c.d->fee_yen,
	};
	if ((rc = http_defer_owned(r, receipt_work, receipt_done, receipt_discard, &j, sizeof j))) {
		arena_free(j.a);
		return http_send_error(r, rc, NULL, NULL, "receipt pdf: cannot defer");
	}
	return 0;
}

int page_apply_file(struct http_req *r)
{
	struct apply_actor who;
	who_of(&who, r);
	struct apply_file f;
	struct err e;
	int rc = apply_file_get(&f, r->arena, app_store(r), &who, http_param(r, "sha256"), &e);
	if (rc == ERR_IO)
		return app_file_unreadable(r, &e);
	if (rc)
		return fail(r, rc, &e);
	http_set_header(r, "content-disposition", "attachment");
	return http_send(r, 200, f.type[0] ? f.type : "application/octet-stream", f.data, (size_t)f.size);
}

/* ---- my applications ---- */

int page_my_applications(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_code(r);
	struct apply_actor who;
	who_of(&who, r);
	struct err e;
	struct apply_draft *drafts = NULL;
	int nd = 0;
	int rc = apply_drafts_list(&drafts, &nd, r->arena, app_store(r), &who, &e);
	if (rc)
		return fail(r, rc, &e);
	struct apply_filter f = { .assignee = -1, .now = app_now(), .limit = APPLY_PAGE_MAX };
	struct apply_submission *subs = NULL;
	int ns = 0;
	rc = apply_list(&subs, &ns, r->arena, app_store(r), &who, &f, &e);
	if (rc)
		return fail(r, rc, &e);
	struct html_page p;
	struct buf b;
	page_begin(&b, &p, r, html_t(l, "apply.my_applications"));
	if (http_param(r, "saved"))
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", html_t(l, "apply.saved"));
	html_printf(&b, "<p><a href=\"/procedures\">%s</a></p><h2>%s</h2>", html_t(l, "apply.find_procedure"),
		    html_t(l, "apply.drafts"));
	if (!nd)
		html_printf(&b, "<p>%s</p>", html_t(l, "apply.no_drafts"));
	else
		buf_puts(&b, "<ul class=\"draft-list\">");
	for (int i = 0; i < nd; i++) {
		struct forms_def *d;
		const char *title = drafts[i].procedure;
		if (load_def(&d, NULL, r, drafts[i].procedure, drafts[i].version, &e) == 0)
			title = forms_text_get(&d->title, lang);
		html_printf(&b, "<li><a href=\"/drafts/%ld/page/%d\">%s</a> <span class=\"meta\">%s %s%S</span>"
			    "<form method=\"post\" action=\"/drafts/%ld/delete\" class=\"inline\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-link\">%s<span class=\"visually-hidden\"> (%s)</span></button></form></li>",
			    (long)drafts[i].id, drafts[i].page, title, html_t(l, "apply.updated"),
			    when_str(r, drafts[i].updated_at),
			    drafts[i].submission_id ? arena_printf(r->arena, " <strong>%s</strong>",
								   html_t(l, "apply.correction")) : "",
			    (long)drafts[i].id, app_req(r)->csrf, html_t(l, "apply.delete_draft"), title);
	}
	if (nd)
		buf_puts(&b, "</ul>");
	html_printf(&b, "<h2>%s</h2>", html_t(l, "apply.submissions"));
	if (!ns)
		html_printf(&b, "<p>%s</p>", html_t(l, "apply.no_submissions"));
	else
		html_printf(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    html_t(l, "apply.receipt_number"), html_t(l, "apply.procedure"),
			    html_t(l, "apply.status"), html_t(l, "apply.submitted_at"));
	for (int i = 0; i < ns; i++) {
		struct forms_def *d;
		const char *title = subs[i].procedure;
		if (load_def(&d, NULL, r, subs[i].procedure, subs[i].version, &e) == 0)
			title = forms_text_get(&d->title, lang);
		html_printf(&b, "<tr><td><a href=\"/submissions/%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td></tr>",
			    subs[i].receipt, subs[i].receipt, title, status_label(l, subs[i].status),
			    when_str(r, subs[i].submitted_at));
	}
	if (ns)
		buf_puts(&b, "</tbody></table></div>");
	return app_page_send(r, 200, &b, &p);
}
