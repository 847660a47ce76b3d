/*
 * page_lifeevent.c -- connected one-stop: life events (転入, 出生, おくやみ).
 *
 * Resident side:
 *   GET  /life-events                 the events
 *   GET  /life-events/{event}         the interview, first page
 *   POST /life-events/{event}         next page (answers carried in a
 *                                     hidden "_state"); after the last
 *                                     page, which procedures apply and why
 *   POST /life-events/{event}/start   (resident) one draft per chosen
 *                                     procedure: a bundle (apply_bundle_create),
 *                                     shared answers + the register's prefill
 *   GET  /bundles/{id}                the bundle's drafts, what each still needs
 *   POST /bundles/{id}/submit         every draft at once (all or none)
 * Staff side (書かない窓口, applications.write):
 *   GET  /staff/counter               events, and the resident's register code
 *   GET/POST /staff/counter/{event}   the same interview, run by staff
 *   POST /staff/counter/{event}/pdf   every chosen procedure's form, filled
 *                                     from the register and the interview,
 *                                     as one PDF for the resident to check
 *                                     and sign
 *   POST /staff/counter/{event}/submit without _step: the answers page
 *                                     (what the register and the interview
 *                                     filled, with sources; inputs for what
 *                                     they did not); with _step=submit the
 *                                     procedures submitted on the resident's
 *                                     behalf, entered by staff
 *                                     (apply_submit_answers), all or none,
 *                                     each audited; else the page again
 *                                     with the errors (422)
 *   GET  /staff/counter/{event}/receipt the resident's 控え of a counter
 *                                     submission (receipt numbers,
 *                                     departments, contacts) as a PDF
 *
 * Invariants: the server decides everything (lifeevent_decide validates
 * the whole interview again on every POST: "_state" is only a carrier and
 * a tampered one is simply validated like typed answers); the procedures
 * started are the intersection of what was ticked, what the event lists
 * and what the municipality publishes; no answer is logged or audited,
 * only ids (event, bundle, receipts).  Interview posts change nothing on
 * the server, so the public interview needs no session (nor CSRF); every
 * post that writes does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/app.h"
#include "svc/lifeevent/web/lifeevent_web.h"
#include "web/page_form.h"
#include "web/app_mail.h"
#include "web/ui.h"
#include "svc/apply/apply.h"
#include "core/audit/audit.h"
#include "base/log.h"
#include "svc/lifeevent/lifeevent.h"
#include "svc/notify/notify.h"
#include "core/registry/registry.h"
#include "core/sign/sign.h"
#include "svc/dept/dept.h"

#define STATE_MAX (64u << 10)     /* the hidden interview answers        */
#define PERSON_CODE_MAX REGISTRY_CODE_MAX

/* ---- start-up ---- */

/* the service's slot (svc_state): the interviews loaded at start, read
 * only after that */
struct life_events {
	struct lifeevent **events;
	int n;
	struct arena *arena;
};

int app_life_events_init(void **state, struct app *a, struct err *e)
{
	const char *given = svc_option(a, "life-events");
	const char *dir = given ? given : "data/life-events";
	struct life_events *st = calloc(1, sizeof *st);
	if (!st || !(st->arena = arena_new(64u << 20))) {
		free(st);
		return err_set(e, ERR_NOMEM, "life events: no memory");
	}
	*state = st;
	struct err le;
	err_clear(&le);
	int n = lifeevent_load_dir(&st->events, st->arena, dir, &le);
	if (n == ERR_NOTFOUND && !given) {
		log_info("no life events", "dir", dir);
		st->n = 0;
		return 0;
	}
	if (n < 0)
		return err_set(e, n, "life events: %s", le.detail);
	st->n = n;
	return 0;
}

void app_life_events_done(void *state)
{
	struct life_events *st = state;
	if (!st)
		return;
	arena_free(st->arena);
	free(st);
}

static const struct life_events *events_of(struct http_req *r)
{
	static const struct life_events none;
	const struct life_events *st = svc_state(r, &svc_lifeevent);
	return st ? st : &none;
}

/* ---- helpers ---- */

/* the procedure forms' stylesheet (fields, option lists, fieldsets, the
 * button group): the interview and its result are the same kind of page */
static void link_form_css(struct buf *b)
{
	buf_puts(b, "<link rel=\"stylesheet\" href=\"/assets/apply.css\">\n");
}

static const char *lang_of(struct http_req *r)
{
	return html_lang_code(app_req(r)->lang);
}

static const struct lifeevent *event_of(struct http_req *r)
{
	const char *id = http_param(r, "event");
	const struct life_events *st = events_of(r);
	return id ? lifeevent_find(st->events, st->n, id) : NULL;
}

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "lifeevent.error.unknown", "unknown life event");
}

/* the urlencoded pairs of the body (interview pages have no files) */
struct pairs {
	const char **names, **values;
	int n;
};

static int read_pairs(struct pairs *p, struct http_req *r, struct err *e)
{
	memset(p, 0, sizeof *p);
	p->names = arena_alloc(r->arena, FORM_MAX_PAIRS * sizeof *p->names);
	p->values = arena_alloc(r->arena, FORM_MAX_PAIRS * sizeof *p->values);
	if (!p->names || !p->values)
		return err_set(e, ERR_NOMEM, "out of memory");
	size_t len;
	const char *body = http_body(r, &len);
	const char *ct = http_header(r, "content-type");
	if (len == 0)
		return 0;
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return err_set(e, ERR_INVALID, "interview: unsupported form encoding");
	int n = http_parse_urlencoded(body, len, r->arena, p->names, p->values, FORM_MAX_PAIRS);
	if (n < 0)
		return err_set(e, n, "interview: form body not parsed");
	p->n = n;
	return 0;
}

static const char *pair(const struct pairs *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return p->values[i];
	return NULL;
}

/* a JSON object carried in a hidden input (anything else: an empty one;
 * NULL: out of memory) */
static json_t *hidden_json(struct http_req *r, const struct pairs *p, const char *name)
{
	const char *s = pair(p, name);
	json_t *j = NULL;
	if (s && strlen(s) <= STATE_MAX)
		j = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return app_json_own(r, j ? j : json_object());
}

/* the answers carried in "_state" */
static json_t *state_of(struct http_req *r, const struct pairs *p)
{
	return hidden_json(r, p, "_state");
}

static void hidden_state(struct buf *b, const json_t *answers)
{
	char *s = json_dumps(answers, JSON_COMPACT);
	html_printf(b, "<input type=\"hidden\" name=\"_state\" value=\"%s\">", s ? s : "{}");
	free(s);
}

/* a register person code: letters, digits, '-' */
static int v_person(const char *v, size_t n)
{
	if (n == 0 || n > PERSON_CODE_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= 'A' && v[i] <= 'Z') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

/* ---- the list of events ---- */

static int events_list(struct http_req *r, int staff)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_of(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, staff ? "lifeevent.counter.title" : "lifeevent.list.title"),
		      NULL, NULL);
	if (staff)
		html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.counter.lead"));
	else
		html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.list.lead"));
	const struct life_events *st = events_of(r);
	if (st->n == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.list.none"));
	buf_puts(&b, "<ul class=\"life-events\">");
	for (int i = 0; i < st->n; i++) {
		const struct lifeevent *le = st->events[i];
		if (staff) {
			html_printf(&b, "<li><h2>%s</h2><form method=\"get\" action=\"/staff/counter/%s\">",
				    forms_text_get(&le->title, lang), le->id);
			ui_input(&b, &(struct ui_field){
					 .name = "person", .id = arena_printf(r->arena, "person-%s", le->id),
					 .label = html_t(l, "lifeevent.counter.person"), .autocomplete = "off",
					 .maxlength = PERSON_CODE_MAX, .lang = l });
			html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form></li>",
				    html_t(l, "lifeevent.counter.start"));
		} else {
			html_printf(&b, "<li><h2><a href=\"/life-events/%s\">%s</a></h2>",
				    le->id, forms_text_get(&le->title, lang));
			if (le->description.ja)
				html_printf(&b, "<p>%s</p>", forms_text_get(&le->description, lang));
			buf_puts(&b, "</li>");
		}
	}
	buf_puts(&b, "</ul>");
	return app_page_send(r, 200, &b, &p);
}

int page_life_events(struct http_req *r)
{
	return events_list(r, 0);
}

int page_counter(struct http_req *r)
{
	return events_list(r, 1);
}

/* ---- the interview ---- */

struct interview {
	const struct lifeevent *le;
	int staff;
	const char *person;          /* staff: the register code, or NULL */
	const char *action;          /* where the pages post to            */
};

static void interview_open(struct interview *iv, struct http_req *r, int staff)
{
	memset(iv, 0, sizeof *iv);
	iv->le = event_of(r);
	iv->staff = staff;
	if (iv->le)
		iv->action = arena_printf(r->arena, staff ? "/staff/counter/%s" : "/life-events/%s",
					  iv->le->id);
}

/* what a question page shows besides the interview's definition */
struct question_view {
	const json_t *answers;           /* as typed                         */
	const struct forms_result *errs; /* the errors to show, NULL: none   */
	const json_t *norm;              /* the normalised answers, or NULL  */
	const char *notice;              /* a status line above, or NULL     */
};

static int render_question_page(struct http_req *r, int status, const struct interview *iv,
				int page, const struct question_view *qv)
{
	const json_t *answers = qv->answers, *norm = qv->norm;
	const struct forms_result *errs = qv->errs;
	const char *notice = qv->notice;
	enum html_lang l = app_req(r)->lang;
	const struct forms_def *d = iv->le->interview;
	const char *lang = lang_of(r);
	/* a question this page's choice brings up is revealed in place with
	 * JavaScript (madoguchi.js); without it, it is asked after "next" */
	struct form_view v = { .d = d, .page = page, .answers = answers, .norm = norm,
			       .errors = errs, .lang = lang, .today = form_today(app_now()),
			       .reveal = 1 };
	const char *title = arena_printf(r->arena, "%s — %s (%d/%d)",
					 forms_text_get(&iv->le->title, lang),
					 forms_text_get(&d->pages[page].title, lang), page + 1, d->npages);
	if (errs && form_page_errors(d, errs, page))
		title = arena_printf(r->arena, "%s: %s", html_t(l, "lifeevent.interview.check"), title);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, title, NULL, NULL);
	link_form_css(&b);
	form_render_error_summary(&b, &v);
	if (notice)
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", notice);
	if (page == 0 && iv->le->description.ja)
		html_printf(&b, "<p>%s</p>", forms_text_get(&iv->le->description, lang));
	html_printf(&b, "<form method=\"post\" action=\"%s\" novalidate>"
		    "<input type=\"hidden\" name=\"_page\" value=\"%d\">", iv->action, page);
	if (iv->staff)
		html_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", app_req(r)->csrf);
	if (iv->person)
		html_printf(&b, "<input type=\"hidden\" name=\"person\" value=\"%s\">", iv->person);
	hidden_state(&b, answers);
	struct err e;
	if (form_render_page(&b, &v, &e) != 0) {
		buf_done(&b);
		return http_send_error(r, ERR_INTERNAL, NULL, NULL, e.detail);
	}
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\""
		    " name=\"_action\" value=\"next\">%s</button>", html_t(l, "lifeevent.interview.next"));
	if (page > 0)
		html_printf(&b, "<button type=\"submit\" class=\"button-secondary\" name=\"_action\""
			    " value=\"back\">%s</button>", html_t(l, "lifeevent.interview.back"));
	buf_puts(&b, "</div></form>");
	return app_page_send(r, status, &b, &p);
}

/* the latest published definition of a code for this tenant, or NULL */
static const struct forms_def *published(struct http_req *r, const char *code)
{
	struct forms_def *d = NULL;
	struct err e;
	if (forms_load_version(&d, NULL, r->arena, app_store(r),
			       &(struct forms_ref){ .tenant = app_req(r)->tenant.code, .id = code,
						    .version = 0 }, &e) != 0)
		return NULL;
	return d;
}

static int render_result(struct http_req *r, const struct interview *iv,
			 const json_t *answers, const struct lifeevent_choice *c)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_of(r);
	const struct lifeevent *le = iv->le;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, "%s — %s", forms_text_get(&le->title, lang),
					      html_t(l, "lifeevent.result.title")), NULL, NULL);
	link_form_css(&b);
	char csrf[AUTH_CSRF_LEN + 1] = "";
	int can_start = iv->staff ? 1 : app_resident_csrf(csrf, r);
	html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.result.lead"));
	html_printf(&b, "<form method=\"post\" action=\"%s\">",
		    iv->staff ? arena_printf(r->arena, "/staff/counter/%s/pdf", le->id)
			      : arena_printf(r->arena, "/life-events/%s/start", le->id));
	html_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    iv->staff ? app_req(r)->csrf : csrf);
	if (iv->person)
		html_printf(&b, "<input type=\"hidden\" name=\"person\" value=\"%s\">", iv->person);
	hidden_state(&b, answers);
	ui_fieldset_open(&b, &(struct ui_field){ .name = "procedure", .id = "procedures",
						 .label = html_t(l, "lifeevent.result.legend"),
						 .lang = l });
	buf_puts(&b, "<ul class=\"procedure-choices plain\">");
	int shown = 0;
	for (int i = 0; i < le->nprocedures; i++) {
		const struct lifeevent_procedure *lp = c[i].procedure;
		const struct forms_def *d = published(r, lp->code);
		if (!d)
			continue;                  /* not offered by this ward */
		shown++;
		/* the hint: why it might apply, after "not suggested" when the
		 * answers did not tick it */
		buf_puts(&b, "<li>");
		ui_checkbox(&b, &(struct ui_field){
				    .name = "procedure", .id = arena_printf(r->arena, "proc-%s", lp->code),
				    .value = lp->code, .label = forms_text_get(&d->title, lang),
				    .hint = c[i].applies ? NULL : html_t(l, "lifeevent.result.not_suggested"),
				    .more_hints = { forms_text_get(&lp->why, lang) }, .lang = l },
			    c[i].applies);
		buf_puts(&b, "</li>");
	}
	buf_puts(&b, "</ul>");
	ui_fieldset_close(&b);
	if (shown == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.result.none_online"));
	else if (iv->staff)
		/* the same answers either way: printed, or submitted at once
		 * on the resident's behalf (page_counter_submit) */
		html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\">%s</button>"
			    "<button type=\"submit\" class=\"button\" formaction=\"/staff/counter/%s/submit\">%s</button></div>",
			    html_t(l, "lifeevent.counter.print"), le->id, html_t(l, "lifeevent.counter.check"));
	else if (can_start)
		html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\">%s</button></div>",
			    html_t(l, "lifeevent.result.start"));
	buf_puts(&b, "</form>");
	if (!iv->staff && !can_start && shown)
		html_printf(&b, "<p>%s <a href=\"%s\">%s</a></p>", html_t(l, "lifeevent.result.login_needed"),
			    ui_url(r->arena, "/resident/login",
				   (const char *const[]){ "next", arena_printf(r->arena, "/life-events/%s", le->id),
							  NULL }),
			    html_t(l, "lifeevent.result.login"));
	return app_page_send(r, 200, &b, &p);
}

static int interview_get(struct http_req *r, int staff)
{
	struct interview iv;
	interview_open(&iv, r, staff);
	if (!iv.le)
		return not_found(r);
	iv.person = staff ? http_param(r, "person") : NULL;
	if (iv.person && !iv.person[0])
		iv.person = NULL;
	int first = forms_first_page(iv.le->interview, NULL, form_today(app_now()));
	json_t *empty = app_json_own(r, json_object());
	if (!empty)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	return render_question_page(r, 200, &iv, first < 0 ? 0 : first,
				&(struct question_view){ .answers = empty });
}

static int interview_post(struct http_req *r, int staff)
{
	enum html_lang l = app_req(r)->lang;
	struct interview iv;
	interview_open(&iv, r, staff);
	if (!iv.le)
		return not_found(r);
	struct pairs pr;
	struct err e;
	int rc = read_pairs(&pr, r, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (staff) {
		iv.person = pair(&pr, "person");
		if (iv.person && (!iv.person[0] || v_person(iv.person, strlen(iv.person))))
			iv.person = NULL;
	}
	const struct forms_def *d = iv.le->interview;
	const char *pg = pair(&pr, "_page");
	int page = pg ? atoi(pg) : 0;
	if (page < 0 || page >= d->npages)
		page = 0;
	json_t *prev = state_of(r, &pr);
	if (!prev)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	json_t *answers = NULL;
	struct form_action act;
	rc = form_parse_page(&answers, &act, r->arena,
			     &(struct form_page_in){ .d = d, .page = page, .previous = prev,
						     .names = pr.names, .values = pr.values,
						     .npairs = pr.n },
			     &e);
	if (rc)
		return app_send_error(r, rc, "lifeevent.error.answers_unreadable", e.detail);
	struct jp_date today = form_today(app_now());
	struct forms_result res;
	if ((rc = forms_validate_upto(&res, r->arena, d, answers, page, today, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (act.kind == FORM_ACT_ADD || act.kind == FORM_ACT_REMOVE)
		return render_question_page(r, 200, &iv, page,
				&(struct question_view){ .answers = answers, .norm = res.answers });
	if (act.kind == FORM_ACT_BACK) {
		/* the page shown before this one on the route so far */
		int back = 0;
		for (int i = 0; i < res.npath; i++)
			if (res.path[i] == page && i > 0)
				back = res.path[i - 1];
		return render_question_page(r, 200, &iv, back,
				&(struct question_view){ .answers = answers, .norm = res.answers });
	}
	/* a question that this page's answers brought up: ask it first,
	 * without calling it an error */
	if (form_page_unseen(d, page, res.answers, pr.names, pr.values, pr.n, today))
		return render_question_page(r, 200, &iv, page,
				&(struct question_view){ .answers = answers,
							   .norm = res.answers,
							   .notice = html_t(l, "lifeevent.interview.more_questions") });
	int ep = form_error_page(d, &res);
	if (ep >= 0 && ep <= page)
		return render_question_page(r, 400, &iv, ep,
				&(struct question_view){ .answers = answers,
							   .errs = &res,
							   .norm = res.answers });
	if (res.next >= 0)
		return render_question_page(r, 200, &iv, res.next,
				&(struct question_view){ .answers = answers, .norm = res.answers });
	/* the end: the whole interview decides */
	struct lifeevent_choice *c;
	rc = lifeevent_decide(&c, &res, r->arena, iv.le, answers, today, &e);
	if (rc == ERR_INVALID && res.nerrors) {
		ep = form_error_page(d, &res);
		return render_question_page(r, 400, &iv, ep >= 0 ? ep : 0,
				&(struct question_view){ .answers = answers,
							   .errs = &res,
							   .norm = res.answers });
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return render_result(r, &iv, answers, c);
}

int page_life_event(struct http_req *r)
{
	return interview_get(r, 0);
}

int page_life_event_post(struct http_req *r)
{
	return interview_post(r, 0);
}

int page_counter_event(struct http_req *r)
{
	return interview_get(r, 1);
}

int page_counter_event_post(struct http_req *r)
{
	return interview_post(r, 1);
}

/* The chosen procedures after the interview: validated again, and only
 * those ticked, listed by the event and published.  *shared gets the
 * normalised interview answers. */
struct chosen {
	const char **codes;
	const struct forms_def **defs;
	int n;
	json_t *shared;
};

static int choose(struct chosen *ch, struct http_req *r, const struct lifeevent *le,
		  const struct pairs *pr, struct forms_result *res, struct err *e)
{
	memset(ch, 0, sizeof *ch);
	json_t *answers = state_of(r, pr);
	if (!answers)
		return err_set(e, ERR_NOMEM, "out of memory");
	struct lifeevent_choice *c;
	int rc = lifeevent_decide(&c, res, r->arena, le, answers, form_today(app_now()), e);
	if (rc)
		return rc;
	ch->codes = arena_alloc(r->arena, (size_t)le->nprocedures * sizeof *ch->codes);
	ch->defs = arena_alloc(r->arena, (size_t)le->nprocedures * sizeof *ch->defs);
	if (!ch->codes || !ch->defs)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int i = 0; i < le->nprocedures; i++) {
		const char *code = le->procedures[i].code;
		int ticked = 0;
		for (int k = 0; k < pr->n; k++)
			if (strcmp(pr->names[k], "procedure") == 0 && strcmp(pr->values[k], code) == 0)
				ticked = 1;
		if (!ticked)
			continue;
		const struct forms_def *d = published(r, code);
		if (!d)
			continue;
		ch->codes[ch->n] = code;
		ch->defs[ch->n++] = d;
	}
	ch->shared = res->answers;
	if (ch->n == 0)
		return err_set(e, ERR_INVALID, "no procedure chosen");
	return 0;
}

/* the register's prefill for every chosen procedure, merged (the first
 * procedure asking a field decides), then the interview's answers */
static int merge_prefill(json_t **answers, json_t **sources, struct http_req *r,
			 const struct chosen *ch, const json_t *juki, struct err *e)
{
	json_t *ans = app_json_own(r, json_object()), *src = app_json_own(r, json_object());
	if (!ans || !src)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int i = 0; juki && i < ch->n; i++) {
		json_t *pa = NULL, *ps = NULL;
		int rc = forms_prefill(&pa, &ps, r->arena, ch->defs[i], juki, NULL, e);
		if (rc)
			return rc;
		const char *k;
		json_t *v;
		json_object_foreach(pa, k, v) {
			if (!json_object_get(ans, k)) {
				json_object_set(ans, k, v);
				json_t *s = json_object_get(ps, k);
				if (s)
					json_object_set(src, k, s);
			}
		}
	}
	const char *k;
	json_t *v;
	json_object_foreach(ch->shared, k, v) {
		if (!json_object_get(src, k))
			json_object_set(ans, k, v);
	}
	*answers = ans;
	*sources = src;
	return 0;
}

static void resident_of(struct apply_actor *w, struct http_req *r)
{
	struct app_req *q = app_req(r);
	memset(w, 0, sizeof *w);
	w->kind = APPLY_RESIDENT;
	w->id = q->ses.account_id;
	w->tenant = q->tenant.code;
}

int page_life_event_start(struct http_req *r)
{
	const struct lifeevent *le = event_of(r);
	if (!le)
		return not_found(r);
	struct pairs pr;
	struct err e;
	int rc = read_pairs(&pr, r, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct chosen ch;
	struct forms_result res;
	if ((rc = choose(&ch, r, le, &pr, &res, &e)))
		return app_send_error(r, rc, "lifeevent.error.choose_procedures", e.detail);
	struct apply_actor who;
	resident_of(&who, r);
	json_t *juki = NULL;
	if (registry_person_json(&juki, app_store(r), who.tenant, who.id, &e) == 0) {
		if (!app_json_own(r, juki))
			return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	} else {
		juki = NULL;
	}
	json_t *answers = NULL, *sources = NULL;
	if ((rc = merge_prefill(&answers, &sources, r, &ch, juki, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	int64_t bid;
	rc = apply_bundle_create(&bid, app_store(r), &who,
				 &(struct apply_bundle_new){ .event = le->id,
							     .procedures = ch.codes,
							     .nprocedures = ch.n,
							     .shared = answers, .sources = sources },
				 app_now(), &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)bid);
	app_audit(r, AUDIT_A_WRITE, "apply.bundle.created", id, AUDIT_R_OK);
	return http_redirect(r, 303, arena_printf(r->arena, "/bundles/%lld", (long long)bid));
}

/* ---- a resident's bundle ---- */

static int64_t id_param(struct http_req *r)
{
	const char *v = http_param(r, "id");
	return v ? strtoll(v, NULL, 10) : 0;
}

/* the bundle page; sig_error: why the signature was not accepted */
/* the bundle's pay step: one payment for the fees its procedures take
 * before submission (src/svc/apply: apply_fee_draft through any of its
 * drafts), its state and number, the button that asks for it
 * (POST /drafts/{id}/pay, then the payments service's page, which returns
 * here); *unpaid when the submit button must wait */
static void fee_step(struct buf *b, struct http_req *r, const struct apply_actor *who,
		     int64_t draft_id, int *unpaid)
{
	enum html_lang l = app_req(r)->lang;
	struct apply_fee_due due;
	struct err e;
	*unpaid = 0;
	if (apply_fee_draft(&due, NULL, app_store(r), who, draft_id, 0, app_now(), &e)) {
		log_error("bundle fee not read", "detail", e.detail);
		return;
	}
	if (due.amount_yen <= 0)
		return;
	*unpaid = !due.paid;
	const char *st = due.have ? due.state : "created";
	html_printf(b, "<section class=\"fee-step\" id=\"fee-step\" aria-labelledby=\"fee-h\">"
		    "<h2 id=\"fee-h\">%s</h2><dl class=\"summary-list\"><div><dt>%s</dt><dd class=\"fee\">",
		    html_t(l, "apply.fee_step"), html_t(l, "apply.fee"));
	buf_printf(b, "%lld%s", (long long)due.amount_yen, html_t(l, "form.yen"));
	html_printf(b, "<br>%s</dd></div><div><dt>%s</dt><dd id=\"fee-state\" data-state=\"%s\">%s</dd></div>",
		    html_t(l, "apply.fee_bundle"), html_t(l, "apply.fee_state"), due.have ? st : "unpaid",
		    html_t(l, arena_printf(r->arena, "pay.state.%s", st)));
	if (due.have)
		html_printf(b, "<div><dt>%s</dt><dd id=\"fee-number\">%s</dd></div>",
			    html_t(l, "apply.fee_number"), due.number);
	buf_puts(b, "</dl>");
	if (*unpaid)
		html_printf(b, "<p id=\"fee-lead\">%s</p><form method=\"post\" action=\"/drafts/%ld/pay\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button\" id=\"fee-pay\">%s</button></form>",
			    html_t(l, "apply.fee_step_lead"), (long)draft_id, app_req(r)->csrf,
			    html_t(l, strcmp(st, "pending") == 0 ? "apply.fee_continue" : "apply.fee_pay"));
	else
		html_printf(b, "<div class=\"notice success\"><p>%s</p></div>", html_t(l, "apply.fee_paid_lead"));
	buf_puts(b, "</section>");
}

static int render_bundle(struct http_req *r, int status, int64_t bid, const char *notice,
			 int64_t bad_draft, const char *sig_error)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_of(r);
	struct apply_actor who;
	resident_of(&who, r);
	struct err e;
	struct apply_draft *drafts;
	int nd;
	int rc = apply_drafts_list(&drafts, &nd, r->arena, app_store(r), &who, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct apply_filter f;
	memset(&f, 0, sizeof f);
	f.assignee = -1;
	f.limit = APPLY_PAGE_MAX;
	f.now = app_now();
	struct apply_submission *subs;
	int ns;
	if ((rc = apply_list(&subs, &ns, r->arena, app_store(r), &who, &f, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	int mine = 0;
	for (int i = 0; i < nd; i++)
		mine += drafts[i].bundle_id == bid;
	for (int i = 0; i < ns; i++)
		mine += subs[i].bundle_id == bid;
	if (!mine)
		return http_send_error(r, ERR_NOTFOUND, NULL, NULL, "bundle not found");
	struct html_page p;
	struct buf b;
	const char *page_title = html_t(l, "lifeevent.bundle.title");
	if (sig_error)
		page_title = arena_printf(r->arena, "%s: %s", html_t(l, "form.error"), page_title);
	app_page_open(&b, &p, r, page_title, NULL, NULL);
	if (sig_error) {
		const char *ids[] = { "signature" }, *msgs[] = { sig_error };
		html_error_summary(&b, l, ids, msgs, 1);
	}
	if (notice)
		html_printf(&b, "<div class=\"notice\" role=\"alert\"><p>%s</p></div>", notice);
	int open = 0, ready = 0, need_sig = 0, may_sig = 0;
	int64_t first_draft = 0;   /* the bundle's fee is paid through any of its drafts */
	struct jp_date today = form_today(app_now());
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    html_t(l, "lifeevent.bundle.caption"),
		    html_t(l, "lifeevent.bundle.col.procedure"),
		    html_t(l, "lifeevent.bundle.col.status"),
		    html_t(l, "lifeevent.bundle.col.action"));
	for (int i = 0; i < nd; i++) {
		const struct apply_draft *dr = &drafts[i];
		if (dr->bundle_id != bid)
			continue;
		open++;
		/* the fee step asks through a draft that is not a correction
		 * (a correction was paid with its submission: it has no fee) */
		if (!first_draft && dr->submission_id == 0)
			first_draft = dr->id;
		struct forms_def *d = NULL;
		if (forms_load_version(&d, NULL, r->arena, app_store(r),
				       &(struct forms_ref){ .tenant = who.tenant,
							    .id = dr->procedure,
							    .version = dr->version },
				       &e) != 0)
			continue;
		struct forms_result vr;
		int ok = forms_validate(&vr, r->arena, d, dr->answers, today, &e) == 0 &&
			 vr.nerrors == 0 && vr.exit < 0;
		ready += ok;
		need_sig |= d->signature && strcmp(d->signature, "required") == 0;
		may_sig |= d->signature && strcmp(d->signature, "none") != 0;
		int first = forms_first_page(d, dr->answers, today);
		html_printf(&b, "<tr%S><th scope=\"row\">%s</th><td>%s</td>"
			    "<td><a href=\"/drafts/%ld/page/%d\">%s</a></td></tr>",
			    dr->id == bad_draft ? " class=\"needs-attention\"" : "",
			    forms_text_get(&d->title, lang),
			    ok ? html_t(l, "lifeevent.bundle.ready") : html_t(l, "lifeevent.bundle.needs_input"),
			    (long)dr->id, first < 0 ? 0 : first,
			    ok ? html_t(l, "lifeevent.bundle.check") : html_t(l, "lifeevent.bundle.fill_in"));
	}
	for (int i = 0; i < ns; i++) {
		if (subs[i].bundle_id != bid)
			continue;
		struct forms_def *d = NULL;
		const char *title = subs[i].procedure;
		if (forms_load_version(&d, NULL, r->arena, app_store(r),
				       &(struct forms_ref){ .tenant = who.tenant,
							    .id = subs[i].procedure,
							    .version = subs[i].version },
				       &e) == 0)
			title = forms_text_get(&d->title, lang);
		html_printf(&b, "<tr><th scope=\"row\">%s</th><td>%s %s</td>"
			    "<td><a href=\"/submissions/%s\">%s</a></td></tr>", title,
			    html_t(l, "lifeevent.bundle.submitted"), subs[i].receipt,
			    subs[i].receipt, html_t(l, "lifeevent.bundle.see_status"));
	}
	buf_puts(&b, "</tbody></table>");
	/* the fees paid before submission: one payment for their sum
	 * (src/svc/apply), submitting waits until it is paid */
	int unpaid = 0;
	if (first_draft)
		fee_step(&b, r, &who, first_draft, &unpaid);
	/* a signature a signing app returned (docs/signatures.md §5) over
	 * the bundle's manifest as it is now */
	struct apply_signreq signed_req;
	int is_signed = open && may_sig &&
			apply_signreq_valid(&signed_req, r->arena, app_store(r), &who, APPLY_SIGNREQ_BUNDLE,
					    bid, app_now(), &e) == 0;
	if (open && may_sig) {
		html_printf(&b, "<section class=\"signature-step\" aria-labelledby=\"sig-h\"><h2 id=\"sig-h\">%s</h2><p>%s</p>",
			    html_t(l, "apply.sig_title"), html_t(l, "lifeevent.bundle.one_signature"));
		if (is_signed)
			html_printf(&b, "<div class=\"notice success\" id=\"signed-by\"><p>%s</p></div>",
				    arena_printf(r->arena, html_t(l, "apply.sign.signed_by"),
						 *signed_req.subject ? signed_req.subject : "?"));
		else
			html_printf(&b, "<h3>%s</h3><p>%s</p><form method=\"post\" action=\"/bundles/%ld/sign-request\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<button type=\"submit\" class=\"button secondary\">%s</button></form>",
				    html_t(l, "apply.sign.app_title"), html_t(l, "apply.sign.app_lead"),
				    (long)bid, app_req(r)->csrf, html_t(l, "apply.sign.app_button"));
		buf_puts(&b, "</section>");
	}
	if (open) {
		html_printf(&b, "<form method=\"post\" action=\"/bundles/%ld/submit\" novalidate%S>"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", (long)bid,
			    may_sig ? " enctype=\"multipart/form-data\"" : "", app_req(r)->csrf);
		if (may_sig && !is_signed) {
			/* one signature over the whole bundle (its manifest names
			 * every application's own canonical form) */
			html_printf(&b, "<section class=\"signature-step\"><h3>%s</h3><ol>"
				    "<li><a href=\"/bundles/%ld/canonical\" download>%s</a></li>"
				    "<li>%s</li><li>%s</li></ol>",
				    html_t(l, "apply.sign.or_file"),
				    (long)bid, html_t(l, "apply.sig_download"), html_t(l, "apply.sig_sign"),
				    html_t(l, "apply.sig_upload"));
			ui_file(&b, &(struct ui_field){ .name = "signature", .id = "signature",
							.label = html_t(l, "apply.sig_file"),
							.required = need_sig, .error = sig_error, .lang = l,
							.accept = ".p7s,application/pkcs7-signature",
							.required_text = html_t(l, "form.required"),
							.error_class = 1 });
			buf_puts(&b, "</section>");
		}
		html_printf(&b, "<p>%s</p><button type=\"submit\" class=\"button\"%S>%s</button></form>",
			    ready == open ? html_t(l, "lifeevent.bundle.all_ready")
					  : html_t(l, "lifeevent.bundle.fill_first"),
			    unpaid ? " disabled aria-describedby=\"fee-lead\"" : "",
			    html_t(l, "lifeevent.bundle.submit"));
	}
	return app_page_send(r, status, &b, &p);
}

int page_bundle(struct http_req *r)
{
	return render_bundle(r, 200, id_param(r), NULL, 0, NULL);
}

static void bundle_mail(struct http_req *r, const struct apply_submission *subs, int n)
{
	struct app_req *q = app_req(r);
	char email[AUTH_EMAIL_MAX + 1];
	int active = 0;
	struct err e;
	if (auth_resident_get(email, &active, app_store(r), q->tenant.code, q->ses.account_id, &e) != 0)
		return;
	/* the address the resident typed in the bundle's forms, when one asks
	 * for it (the first that does), as for a single application's mail */
	for (int i = 0; i < n; i++) {
		struct forms_def *d = NULL;
		if (forms_load_version(&d, NULL, r->arena, app_store(r),
				       &(struct forms_ref){ .tenant = q->tenant.code, .id = subs[i].procedure,
							    .version = subs[i].version }, &e) != 0)
			continue;
		const char *typed = app_mail_answer_address(d, subs[i].answers);
		if (typed) {
			snprintf(email, sizeof email, "%s", typed);
			break;
		}
	}
	/* the municipality's template lifeevent.bundle_received (svc/notify;
	 * staff edit it) in the page's language: the values only */
	enum html_lang l = q->lang;
	char base[600];
	if (app_mail_link_base(base, sizeof base, app_of(r), &q->tenant) != 0)
		base[0] = '\0';   /* no public URL that fits: the path alone */
	struct buf list;
	buf_init(&list, NOTIFY_VALUE_MAX);
	for (int i = 0; i < n; i++)
		buf_printf(&list, "%s  %s", i ? "\n" : "", subs[i].receipt);
	char count[16], url[sizeof base + 16];
	snprintf(count, sizeof count, "%d", n);
	snprintf(url, sizeof url, "%s/mypage", base);
	const struct notify_value vals[] = {
		{ "ward", l == HTML_EN && q->tenant.name_en[0] ? q->tenant.name_en : q->tenant.name_ja },
		{ "count", count }, { "receipts", buf_cstr(&list) }, { "url", url },
	};
	int64_t mail_id;
	if (notify_email(app_store(r), q->tenant.code, "lifeevent.bundle_received",
			 notify_lang_code((enum notify_lang)l), email, vals, 4, &mail_id, &e) != 0)
		log_error("bundle mail not queued", "detail", e.detail);
	buf_done(&list);
}

/* the signature file of a bundle checked over its manifest as it is now:
 * 0 with *sig and msha filled; else the page to answer with (its status
 * in *rc_page) */
struct bundle_sig_found {
	struct apply_signature *sig;   /* the signer and the CMS (arena)        */
	char *msha;                    /* 65 bytes: the manifest's SHA-256     */
	int *rc_page;                  /* when refused: the answer's result    */
};

static int bundle_verify(const struct bundle_sig_found *out, struct http_req *r,
			 const struct apply_actor *who, int64_t bid, const struct http_part *sp,
			 int64_t now)
{
	struct apply_signature *sig = out->sig;
	char *msha = out->msha;
	int *rc_page = out->rc_page;
	enum html_lang l = app_req(r)->lang;
	struct apply_canonical_result cr;
	struct err e;
	int rc = apply_bundle_canonical(&cr, r->arena, app_store(r), who, bid, now, &e);
	char *m = cr.text;
	size_t mlen = cr.len;
	int64_t bad = cr.bad_draft;
	if (rc == ERR_INVALID && bad) {
		*rc_page = render_bundle(r, 422, bid, html_t(l, "lifeevent.bundle.needs_answers"),
					 bad, NULL);
		return rc;
	}
	if (rc) {
		*rc_page = http_send_error(r, rc, NULL, NULL, e.detail);
		return rc;
	}
	forms_sha256_hex(msha, m, mlen);
	struct sign_result sres;
	memset(&sres, 0, sizeof sres);
	rc = sign_verify(&sres, app_trust(r),
			 &(struct sign_verify_in){ .data = m, .n = mlen, .cms = sp->data,
						   .cms_len = sp->len }, now, &e);
	struct buf der;
	buf_init(&der, SIGN_CMS_MAX);
	if (rc == 0 && (rc = sign_cms_der(&der, sp->data, sp->len, &e)) == 0) {
		void *copy = arena_alloc(r->arena, der.len ? der.len : 1);
		if (copy)
			memcpy(copy, der.data, der.len);
		*sig = (struct apply_signature){
			.serial = arena_strdup(r->arena, sres.serial),
			.subject = arena_strdup(r->arena, sres.subject),
			.issuer = arena_strdup(r->arena, sres.issuer),
			.not_after = sres.not_after, .cms = copy, .cms_len = der.len,
		};
		if (!copy)
			rc = err_set(&e, ERR_NOMEM, "out of memory");
	}
	buf_done(&der);
	if (rc == 0)
		return 0;
	log_info("signature refused", "bundle", arena_printf(r->arena, "%lld", (long long)bid),
		 "reason", sign_reason_name(sres.reason), "detail", e.detail);
	const char *why = html_t(l, "apply.sig_unavailable");
	if (sres.reason != SIGN_OK && sres.reason != SIGN_ERROR)
		why = arena_printf(r->arena, "%s %s", html_t(l, "apply.sig_refused"),
				   sign_reason_message(sres.reason, lang_of(r)));
	*rc_page = render_bundle(r, 400, bid, NULL, 0, why);
	return rc;
}

int page_bundle_canonical(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	int64_t bid = id_param(r);
	struct apply_actor who;
	resident_of(&who, r);
	struct apply_canonical_result cr;
	struct err e;
	int rc = apply_bundle_canonical(&cr, r->arena, app_store(r), &who, bid, app_now(), &e);
	char *m = cr.text;
	size_t mlen = cr.len;
	int64_t bad = cr.bad_draft;
	if (rc == ERR_INVALID && bad)
		return render_bundle(r, 422, bid, html_t(l, "lifeevent.bundle.sign_first"), bad, NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "attachment; filename=\"bundle-%lld.json\"", (long long)bid));
	return http_send(r, 200, "application/json", m, mlen);
}

int page_bundle_submit(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	int64_t bid = id_param(r);
	struct apply_actor who;
	resident_of(&who, r);
	struct apply_submission *subs = NULL;
	int n = 0, stale = 0, fee_unpaid = 0;
	int64_t bad = 0, now = app_now();
	struct forms_result res;
	struct err e;
	struct apply_signature sig;
	struct apply_bundle_sig bs = { 0 };
	char msha[65];
	const struct http_part *sp = http_file(r, "signature");
	/* no file: the signature a signing app returned (page_sign.c), if any */
	struct apply_signreq sreq;
	struct http_part returned;
	if ((!sp || !sp->len) &&
	    apply_signreq_latest(&sreq, r->arena, app_store(r), &who, APPLY_SIGNREQ_BUNDLE, bid, &e) == 0 &&
	    sreq.signed_at && sreq.cms) {
		returned = (struct http_part){ .name = "signature", .filename = "returned.p7s",
					       .data = sreq.cms, .len = sreq.cms_len };
		sp = &returned;
	}
	if (sp && sp->len) {
		int page_rc = 0;
		if (bundle_verify(&(struct bundle_sig_found){ &sig, msha, &page_rc }, r, &who, bid, sp,
				  now))
			return page_rc;
		bs.sig = &sig;
		bs.manifest_sha256 = msha;
	}
	/* the submissions and their audit records commit together or not at
	 * all (apply_bundle_submit joins the transaction open here) */
	struct store *st = app_store(r);
	struct app_actor aa;
	app_actor_of(&aa, r);
	int rc = store_begin(st, &e);
	if (rc == 0) {
		struct apply_bundle_result br;
		rc = apply_bundle_submit(&br, r->arena, st, &who,
					 &(struct apply_bundle_submit_in){ .bundle_id = bid,
									   .signature = bs },
					 now, &e);
		subs = br.subs;
		n = br.n;
		bad = br.bad_draft;
		stale = br.stale;
		fee_unpaid = br.fee_unpaid;
		res = br.check;
		for (int i = 0; rc == 0 && i < n; i++)
			rc = app_audit_as(st, &app_of(r)->audit, &aa,
					  &(struct app_audit_entry){ .action = AUDIT_A_WRITE,
								     .object_type = "apply.submitted",
								     .object_id = subs[i].receipt,
								     .result = AUDIT_R_OK },
					  &e);
		if (rc == 0)
			rc = store_commit(st, &e);
		else
			store_rollback(st);
	}
	/* once only, checked by src/svc/apply for every path */
	if (rc == ERR_INVALID && apply_registry_problem(&res)) {
		return app_send_error(r, ERR_INVALID,
				      apply_registry_message_id(apply_registry_problem(&res)), e.detail);
	}
	if (rc == ERR_INVALID && bad)
		return render_bundle(r, 422, bid, html_t(l, "lifeevent.bundle.needs_answers"),
				     bad, NULL);
	if (rc == ERR_CONFLICT && stale)
		return render_bundle(r, 409, bid, NULL, 0, html_t(l, "apply.sig_stale"));
	if (rc == ERR_CONFLICT && fee_unpaid)   /* the bundle's fees are paid first */
		return render_bundle(r, 409, bid, html_t(l, "apply.error.fee_unpaid"), 0, NULL);
	if (rc == ERR_AUTH && bad)
		return render_bundle(r, 400, bid, NULL, bad, html_t(l, "apply.sig_missing"));
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (apply_signreq_forget(app_store(r), &who, APPLY_SIGNREQ_BUNDLE, bid, &e))
		log_error("signing requests not forgotten", "bundle",
			  arena_printf(r->arena, "%lld", (long long)bid), "detail", e.detail);
	bundle_mail(r, subs, n);
	return http_redirect(r, 303, arena_printf(r->arena, "/bundles/%lld", (long long)bid));
}

/* one chosen procedure's answers at the counter: the merged register and
 * interview answers (merge_prefill) narrowed to the procedure's own
 * top-level fields; every answer not taken from the register is marked
 * as stated to staff ("staff") */
static int counter_answers(json_t **answers, json_t **sources, struct http_req *r,
			   const struct forms_def *d, const json_t *all, const json_t *from)
{
	json_t *ans = app_json_own(r, json_object()), *src = app_json_own(r, json_object());
	if (!ans || !src)
		return ERR_NOMEM;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)all, k, v) {
		if (!forms_def_field(d, k))
			continue;
		json_object_set(ans, k, v);
		json_t *s = json_object_get(from, k);
		json_object_set_new(src, k, s ? json_incref(s) : json_string("staff"));
	}
	*answers = ans;
	*sources = src;
	return 0;
}

/* ---- 書かない窓口: what the counter knows of the chosen procedures ---- */

/* One counter post (the answers page, the forms PDF, the submission): the
 * interview, the procedures chosen, the register record looked up by its
 * code and the answers staff typed on the answers page, merged; per
 * procedure its answers and their check; the fields the answers page
 * shows.  counter_open builds it (the prologue every counter post shares). */
struct counter {
	const struct lifeevent *le;
	struct pairs pr;
	struct chosen ch;
	const char *person;            /* the register code, or NULL        */
	json_t *juki;                  /* its record, or NULL               */
	json_t *base, *base_from;      /* register and interview, merged    */
	json_t *typed;                 /* staff's changes on the answers page
					  ("_typed"): id -> value, null when
					  an answer was cleared             */
	json_t *all, *from;            /* base with typed applied, and where
					  each answer came from              */
	json_t **answers, **sources;   /* per procedure (counter_answers)   */
	struct forms_result *checks;
	int nbad;                      /* procedures not complete           */
	/* the answers page: the fields of every procedure that staff can see
	 * or fill here, each once (the first procedure asking it has it) */
	struct forms_def view;         /* page i: procedure i's fields      */
	struct forms_def edit;         /* one page with all of them: parsing
					  and the error summary              */
	struct forms_result errs;      /* the errors of those fields        */
	struct forms_result *other;    /* per procedure: errors not fixable
					  here (groups, files, the whole)    */
	int ret;                       /* the response sent when counter_open
					  fails                              */
};

static int same(const json_t *a, const json_t *b)
{
	return (!a && !b) || (a && b && json_equal((json_t *)a, (json_t *)b));
}

/* the top-level field id an error path names ("" for the whole) */
static void top_of(char *out, size_t n, const char *path)
{
	snprintf(out, n, "%s", path);
	out[strcspn(out, "[.")] = '\0';
}

/* the fields staff may type on the answers page: not files, groups or
 * texts (a group's or a file's gap is listed instead) */
static int typable(const struct forms_field *f)
{
	return f && f->type != FORMS_T_FILE && f->type != FORMS_T_GROUP && f->type != FORMS_T_INFO;
}

/* an answer copied read-only from the register or a certificate: the
 * register is the truth, staff cannot change it here */
static int locked(const struct forms_field *f, const json_t *from)
{
	const char *s = json_string_value(json_object_get(from, f->id));
	return s && !f->prefill_editable && (strcmp(s, "juki") == 0 || strcmp(s, "jpki_cert") == 0);
}

/* the first chosen procedure's top-level field by id, or NULL */
static const struct forms_field *chosen_field(const struct chosen *ch, const char *id)
{
	for (int i = 0; i < ch->n; i++) {
		const struct forms_field *f = forms_def_field(ch->defs[i], id);
		if (f)
			return f;
	}
	return NULL;
}

/* 1 when any chosen procedure with a field called id holds it read-only
 * from the register (two procedures may share an id, one of them letting
 * it be edited: the register's value still stands) */
static int locked_any(const struct chosen *ch, const char *id, const json_t *from)
{
	for (int i = 0; i < ch->n; i++) {
		const struct forms_field *f = forms_def_field(ch->defs[i], id);
		if (f && locked(f, from))
			return 1;
	}
	return 0;
}

/* all and from: the register and interview answers with staff's typed
 * ones over them (never over a read-only register answer) */
static int counter_merge(struct counter *c, struct http_req *r)
{
	c->all = app_json_own(r, json_deep_copy(c->base));
	c->from = app_json_own(r, json_deep_copy(c->base_from));
	if (!c->all || !c->from)
		return ERR_NOMEM;
	const char *k;
	json_t *v;
	json_object_foreach(c->typed, k, v) {
		const struct forms_field *f = chosen_field(&c->ch, k);
		if (!typable(f) || locked_any(&c->ch, k, c->base_from))
			continue;
		if (json_is_null(v))
			json_object_del(c->all, k);
		else
			json_object_set(c->all, k, v);
		json_object_set_new(c->from, k, json_string("staff"));
	}
	return 0;
}

/* every procedure's answers and check */
static int counter_validate(struct counter *c, struct http_req *r, struct err *e)
{
	int n = c->ch.n;
	if (!c->answers) {
		c->answers = arena_alloc(r->arena, (size_t)n * sizeof *c->answers);
		c->sources = arena_alloc(r->arena, (size_t)n * sizeof *c->sources);
		c->checks = arena_alloc(r->arena, (size_t)n * sizeof *c->checks);
		c->other = arena_alloc(r->arena, (size_t)n * sizeof *c->other);
		if (!c->answers || !c->sources || !c->checks || !c->other)
			return err_set(e, ERR_NOMEM, "out of memory");
	}
	struct jp_date today = form_today(app_now());
	c->nbad = 0;
	for (int i = 0; i < n; i++) {
		if (counter_answers(&c->answers[i], &c->sources[i], r, c->ch.defs[i], c->all, c->from))
			return err_set(e, ERR_NOMEM, "out of memory");
		int rc = forms_validate(&c->checks[i], r->arena, c->ch.defs[i], c->answers[i], today, e);
		if (rc)
			return rc;
		if (c->checks[i].nerrors > 0 || c->checks[i].exit >= 0)
			c->nbad++;
	}
	return 0;
}

static int has_error(const struct forms_result *res, const char *id)
{
	char top[FORMS_PATH_MAX];
	for (int i = 0; i < res->nerrors; i++) {
		top_of(top, sizeof top, res->errors[i].path);
		if (strcmp(top, id) == 0)
			return 1;
	}
	return 0;
}

static int in_fields(const struct forms_field *fs, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(fs[i].id, id) == 0)
			return 1;
	return 0;
}

/* the answers page's fields, from the checks: per procedure, on the pages
 * its answers lead through, every shown field that has an answer (shown
 * with its source, changeable unless read-only from the register) or an
 * error (to be typed) */
static int counter_fields(struct counter *c, struct http_req *r, struct err *e)
{
	struct arena *a = r->arena;
	int n = c->ch.n, cap = 0, ncap = 0;
	for (int i = 0; i < n; i++) {
		for (int pg = 0; pg < c->ch.defs[i]->npages; pg++)
			cap += c->ch.defs[i]->pages[pg].nfields;
		ncap += c->checks[i].nerrors;
	}
	struct forms_field *vf = arena_alloc(a, (size_t)(cap + 1) * sizeof *vf);
	struct forms_field *ef = arena_alloc(a, (size_t)(cap + 1) * sizeof *ef);
	struct forms_page *vp = arena_alloc(a, (size_t)n * sizeof *vp);
	struct forms_page *ep = arena_alloc(a, sizeof *ep);
	struct forms_error *ee = arena_alloc(a, (size_t)(ncap + 1) * sizeof *ee);
	if (!vf || !ef || !vp || !ep || !ee)
		return err_set(e, ERR_NOMEM, "out of memory");
	struct jp_date today = form_today(app_now());
	int nf = 0;
	for (int i = 0; i < n; i++) {
		const struct forms_def *d = c->ch.defs[i];
		const struct forms_result *ck = &c->checks[i];
		vp[i] = (struct forms_page){ .id = d->id, .title = d->title, .fields = vf + nf };
		for (int pi = 0; pi < ck->npath; pi++) {
			if (ck->path[pi] < 0 || ck->path[pi] >= d->npages)
				continue;
			const struct forms_page *pg = &d->pages[ck->path[pi]];
			for (int k = 0; k < pg->nfields; k++) {
				const struct forms_field *f = &pg->fields[k];
				if (!typable(f) || in_fields(vf, nf, f->id) ||
				    !forms_field_shown(f, ck->answers, NULL, today))
					continue;
				if (!has_error(ck, f->id) && !json_object_get(c->answers[i], f->id))
					continue;
				vf[nf] = *f;
				vf[nf].page = i;
				ef[nf] = *f;
				ef[nf].page = 0;
				nf++;
				vp[i].nfields++;
			}
		}
	}
	*ep = (struct forms_page){ .id = "counter", .fields = ef, .nfields = nf };
	c->view = (struct forms_def){ .id = "counter", .pages = vp, .npages = n };
	c->edit = (struct forms_def){ .id = "counter", .pages = ep, .npages = 1 };
	/* the errors: of a field on the page (once), or the procedure's own */
	memset(&c->errs, 0, sizeof c->errs);
	c->errs.errors = ee;
	c->errs.exit = -1;
	char top[FORMS_PATH_MAX];
	for (int i = 0; i < n; i++) {
		const struct forms_result *ck = &c->checks[i];
		struct forms_result *o = &c->other[i];
		memset(o, 0, sizeof *o);
		o->exit = ck->exit;
		if (!(o->errors = arena_alloc(a, (size_t)(ck->nerrors + 1) * sizeof *o->errors)))
			return err_set(e, ERR_NOMEM, "out of memory");
		for (int k = 0; k < ck->nerrors; k++) {
			top_of(top, sizeof top, ck->errors[k].path);
			if (!top[0] || !in_fields(ef, nf, top)) {
				o->errors[o->nerrors++] = ck->errors[k];
				continue;
			}
			int dup = 0;
			for (int m = 0; m < c->errs.nerrors; m++)
				dup |= strcmp(ee[m].path, ck->errors[k].path) == 0;
			if (!dup)
				ee[c->errs.nerrors++] = ck->errors[k];
		}
	}
	return 0;
}

/* the answers page as posted: its inputs (every procedure's section wrote
 * its own "_shown"; parsed as one page) over what was known; typed keeps
 * what differs from the register and the interview */
static int counter_parse(struct counter *c, struct http_req *r, struct err *e)
{
	const struct pairs *p = &c->pr;
	const char **names = arena_alloc(r->arena, (size_t)(p->n + 1) * sizeof *names);
	const char **values = arena_alloc(r->arena, (size_t)(p->n + 1) * sizeof *values);
	struct buf shown;
	if (!names || !values)
		return err_set(e, ERR_NOMEM, "out of memory");
	buf_init(&shown, STATE_MAX);
	int n = 0;
	for (int i = 0; i < p->n; i++) {
		if (strcmp(p->names[i], "_shown") == 0) {
			if (shown.len)
				buf_putc(&shown, ' ');
			buf_puts(&shown, p->values[i]);
			continue;
		}
		names[n] = p->names[i];
		values[n++] = p->values[i];
	}
	names[n] = "_shown";
	values[n++] = arena_strdup(r->arena, buf_cstr(&shown));
	buf_done(&shown);
	json_t *out = NULL;
	struct form_action act;
	int rc = form_parse_page(&out, &act, r->arena,
				 &(struct form_page_in){ .d = &c->edit, .page = 0, .previous = c->all,
							 .sources = c->from, .names = names,
							 .values = values, .npairs = n },
				 e);
	if (rc)
		return rc;
	const struct forms_page *pg = &c->edit.pages[0];
	for (int i = 0; i < pg->nfields; i++) {
		const char *id = pg->fields[i].id;
		json_t *nv = json_object_get(out, id);
		if (same(nv, json_object_get(c->all, id)))
			continue;
		if (same(nv, json_object_get(c->base, id)))
			json_object_del(c->typed, id);
		else
			json_object_set(c->typed, id, nv ? nv : json_null());
	}
	return 0;
}

/* the interview's answers were stated to staff at the counter: so marked,
 * shown with that source and changeable */
static int stated_to_staff(const json_t *answers, json_t *sources)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)answers, k, v) {
		if (!json_object_get(sources, k) &&
		    json_object_set_new(sources, k, json_string("staff")))
			return ERR_NOMEM;
	}
	return 0;
}

/* The prologue of every counter post: 0 and c ready, or the error sent
 * (the handler returns c->ret).  Reading the register record is audited
 * here, whatever follows: the answers page shows it. */
static int counter_open(struct counter *c, struct http_req *r)
{
	memset(c, 0, sizeof *c);
	struct err e;
	int rc;
	if (!(c->le = event_of(r))) {
		c->ret = not_found(r);
		return -1;
	}
	if ((rc = read_pairs(&c->pr, r, &e))) {
		c->ret = http_send_error(r, rc, NULL, NULL, e.detail);
		return -1;
	}
	struct forms_result res;
	if ((rc = choose(&c->ch, r, c->le, &c->pr, &res, &e))) {
		c->ret = app_send_error(r, rc, "lifeevent.counter.error.choose_procedures", e.detail);
		return -1;
	}
	const char *person = pair(&c->pr, "person");
	if (person && person[0]) {
		if (v_person(person, strlen(person)) ||
		    registry_person_json_by_code(&c->juki, app_store(r), app_req(r)->tenant.code,
						 person, &e) != 0) {
			c->ret = app_send_error(r, ERR_NOTFOUND, "lifeevent.counter.error.no_register_code",
						"register code not found");
			return -1;
		}
		if (!app_json_own(r, c->juki)) {
			c->ret = http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
			return -1;
		}
		c->person = person;
		/* whose register record was read, by its code */
		app_audit(r, AUDIT_A_READ, "lifeevent.counter.register",
			  arena_printf(r->arena, "%s:%s", c->le->id, person), AUDIT_R_OK);
	}
	if ((rc = merge_prefill(&c->base, &c->base_from, r, &c->ch, c->juki, &e)) ||
	    (rc = stated_to_staff(c->base, c->base_from)) ||
	    (rc = (c->typed = hidden_json(r, &c->pr, "_typed")) ? 0 : ERR_NOMEM) ||
	    (rc = counter_merge(c, r)) || (rc = counter_validate(c, r, &e)) ||
	    (rc = counter_fields(c, r, &e))) {
		c->ret = http_send_error(r, rc, NULL, NULL, rc == ERR_NOMEM ? "out of memory" : e.detail);
		return -1;
	}
	if (!pair(&c->pr, "_shown"))
		return 0;                  /* from the result page: nothing typed */
	if ((rc = counter_parse(c, r, &e))) {
		c->ret = app_send_error(r, rc, "lifeevent.error.answers_unreadable", e.detail);
		return -1;
	}
	if ((rc = counter_merge(c, r)) || (rc = counter_validate(c, r, &e)) ||
	    (rc = counter_fields(c, r, &e))) {
		c->ret = http_send_error(r, rc, NULL, NULL, rc == ERR_NOMEM ? "out of memory" : e.detail);
		return -1;
	}
	return 0;
}

/* ---- 書かない窓口: the filled forms as one PDF ---- */

/* the lines of one form as they grow (in a) */
struct line_list {
	struct arena *a;
	struct lifeevent_pdf_line **v;
	int *n, cap;
};

static void answer_lines(struct line_list *ll, const struct forms_field *fs, int nf,
			 const json_t *vals, int depth)
{
	struct lifeevent_pdf_line **out = ll->v;
	int *n = ll->n, *cap = &ll->cap;
	struct arena *a = ll->a;
	for (int i = 0; i < nf; i++) {
		const struct forms_field *f = &fs[i];
		if (f->type == FORMS_T_INFO || f->type == FORMS_T_DECLARATION)
			continue;
		const json_t *v = json_is_object(vals) ? json_object_get(vals, f->id) : NULL;
		if (*n >= *cap) {
			int nc = *cap ? *cap * 2 : 64;
			struct lifeevent_pdf_line *nl = arena_alloc(a, (size_t)nc * sizeof *nl);
			if (!nl)
				return;
			if (*n)
				memcpy(nl, *out, (size_t)*n * sizeof *nl);
			*out = nl;
			*cap = nc;
		}
		struct lifeevent_pdf_line *ln = &(*out)[(*n)++];
		ln->label = arena_printf(a, "%s / %s", f->label.ja, f->label.en);
		ln->depth = depth;
		ln->blank = v == NULL;
		if (!v) {
			ln->value = "";
			continue;
		}
		if (f->type == FORMS_T_GROUP) {
			ln->value = arena_printf(a, "%d", (int)json_array_size(v));
			size_t k;
			const json_t *it;
			json_array_foreach(v, k, it)
				answer_lines(ll, f->fields, f->nfields, it, depth + 1);
			continue;
		}
		struct buf t;
		buf_init(&t, 1u << 16);
		form_value_text(&t, f, v, "ja", 1);
		ln->value = arena_strdup(a, buf_cstr(&t));
		buf_done(&t);
	}
}

/* The forms PDF is rendered on the blocking pool (Pango and Cairo take
 * tens to hundreds of milliseconds, which would hold up every connection
 * of the event loop); the job carries the document in an arena of its
 * own, since the request's may be gone when the rendering ends. */
struct counter_job {
	struct arena *a;                 /* the document                   */
	struct lifeevent_pdf_doc doc;
	struct lifeevent_receipt_doc receipt; /* with is_receipt: the 控え  */
	int is_receipt;
	char file[96];                   /* the file name                  */
	const char *audit_type;          /* the audit record's object type */
	char audit_detail[512];          /* the event and the register code,
					    or the receipts (16 of 24 bytes) */
	char *pdf;
	size_t len;
	int rc;
	struct err e;
};

static void counter_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct counter_job *j = arg;
	j->rc = j->is_receipt ? lifeevent_receipt_pdf(&j->pdf, &j->len, &j->receipt, &j->e)
			      : lifeevent_forms_pdf(&j->pdf, &j->len, &j->doc, &j->e);
}

static void counter_discard(void *arg)
{
	struct counter_job *j = arg;
	arena_free(j->a);
	free(j->pdf);
}

static int counter_done(struct http_req *r, void *arg)
{
	struct counter_job *j = arg;
	arena_free(j->a);
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	arena_cleanup_add(r->arena, free, j->pdf);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "inline; filename=\"%s\"", j->file));
	int rc = http_send(r, 200, "application/pdf", j->pdf, j->len);
	/* whose register record (by its code) or which applications (by
	 * their receipts) were read, not the person's data */
	app_audit(r, AUDIT_A_READ, j->audit_type, j->audit_detail, AUDIT_R_OK);
	return rc;
}

int page_counter_pdf(struct http_req *r)
{
	struct counter c;
	if (counter_open(&c, r))
		return c.ret;
	const struct lifeevent *le = c.le;
	struct counter_job j = { .a = arena_new(1u << 16), .audit_type = "lifeevent.counter.pdf" };
	struct lifeevent_pdf_form *forms = j.a ? arena_alloc(j.a, (size_t)c.ch.n * sizeof *forms) : NULL;
	if (!forms) {
		arena_free(j.a);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	}
	for (int i = 0; i < c.ch.n; i++) {
		const struct forms_def *d = c.ch.defs[i];
		struct lifeevent_pdf_form *pf = &forms[i];
		memset(pf, 0, sizeof *pf);
		pf->title_ja = d->title.ja ? arena_strdup(j.a, d->title.ja) : NULL;
		pf->title_en = d->title.en ? arena_strdup(j.a, d->title.en) : NULL;
		pf->department = d->department ? arena_strdup(j.a, d->department) : NULL;
		struct line_list ll = { .a = j.a, .v = &pf->lines, .n = &pf->nlines };
		for (int pg = 0; pg < d->npages; pg++)
			answer_lines(&ll, d->pages[pg].fields, d->pages[pg].nfields, c.answers[i], 0);
	}
	j.doc = (struct lifeevent_pdf_doc){
		.municipality_ja = arena_strdup(j.a, app_req(r)->tenant.name_ja),
		.municipality_en = arena_strdup(j.a, app_req(r)->tenant.name_en),
		.event_ja = le->title.ja ? arena_strdup(j.a, le->title.ja) : NULL,
		.event_en = le->title.en ? arena_strdup(j.a, le->title.en) : NULL,
		.forms = forms, .nforms = c.ch.n,
	};
	snprintf(j.file, sizeof j.file, "%s-forms.pdf", le->id);
	if (c.person)
		snprintf(j.audit_detail, sizeof j.audit_detail, "%s:%s", le->id, c.person);
	else
		snprintf(j.audit_detail, sizeof j.audit_detail, "%s", le->id);
	int rc;
	if ((rc = http_defer_owned(r, counter_work, counter_done, counter_discard, &j, sizeof j))) {
		arena_free(j.a);
		return http_send_error(r, rc, NULL, NULL, "counter pdf: cannot defer");
	}
	return 0;
}

/* ---- 書かない窓口: the applications submitted at the counter ---- */

/* what one procedure still needs that cannot be typed on the answers page
 * (a group's items, a document, the whole): its fields' labels and the
 * reasons, in the page's language (Japanese for やさしい日本語) */
static void missing_list(struct buf *b, struct http_req *r, const struct forms_def *d,
			 const struct forms_result *res)
{
	enum html_lang l = app_req(r)->lang;
	buf_puts(b, "<ul class=\"counter-missing\">");
	for (int i = 0; i < res->nerrors; i++) {
		const struct forms_error *fe = &res->errors[i];
		char top[FORMS_PATH_MAX];
		top_of(top, sizeof top, fe->path);
		const struct forms_field *f = top[0] ? forms_def_field(d, top) : NULL;
		const char *label = f ? (l == HTML_EN && f->label.en ? f->label.en : f->label.ja)
				      : html_t(l, "lifeevent.counter.missing.whole");
		html_printf(b, "<li><strong>%s</strong>: %s</li>", label ? label : top,
			    l == HTML_EN ? fe->en : fe->ja);
	}
	if (res->nerrors == 0)
		html_printf(b, "<li>%s</li>", html_t(l, "lifeevent.counter.missing.exit"));
	buf_puts(b, "</ul>");
}

/* The answers page: per chosen procedure what the register and the
 * interview filled (each answer with its source; changeable unless
 * read-only from the register) and the inputs for what they did not, with
 * the procedure forms' own widgets; staff and the resident check it on
 * the screen, then accept (or print).  status 422: a submission refused,
 * the errors summarised and beside their fields, nothing submitted;
 * refusal (with 403 or 409): a submission refused for another reason
 * (a fee this member of staff may not take), said instead of the
 * missing fields' lead. */
static int render_answers(struct http_req *r, struct counter *c, int status, const char *refusal)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_of(r);
	const struct lifeevent *le = c->le;
	const struct forms_result *errs = status >= 400 ? &c->errs : NULL;
	struct jp_date today = form_today(app_now());
	const char *title = html_t(l, status >= 400 ? "lifeevent.counter.missing.title"
						    : "lifeevent.counter.answers.title");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, title, NULL, NULL);
	link_form_css(&b);
	struct form_view sv = { .d = &c->edit, .page = 0, .answers = c->all, .errors = errs,
				.lang = lang, .today = today };
	form_render_error_summary(&b, &sv);
	if (refusal)
		html_printf(&b, "<div class=\"notice notice-error\" id=\"counter-refused\" role=\"alert\">"
			    "<p>%s</p></div>", refusal);
	else if (status >= 400)
		html_printf(&b, "<div class=\"notice notice-error\"><p>%s</p></div>",
			    html_t(l, "lifeevent.counter.missing.lead"));
	html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.counter.answers.lead"));
	html_printf(&b, "<form method=\"post\" action=\"/staff/counter/%s/submit\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", le->id, app_req(r)->csrf);
	if (c->person)
		html_printf(&b, "<input type=\"hidden\" name=\"person\" value=\"%s\">", c->person);
	const char *st = pair(&c->pr, "_state");
	html_printf(&b, "<input type=\"hidden\" name=\"_state\" value=\"%s\">",
		    st && strlen(st) <= STATE_MAX ? st : "{}");
	for (int i = 0; i < c->ch.n; i++)
		html_printf(&b, "<input type=\"hidden\" name=\"procedure\" value=\"%s\">", c->ch.codes[i]);
	char *typed = json_dumps(c->typed, JSON_COMPACT);
	html_printf(&b, "<input type=\"hidden\" name=\"_typed\" value=\"%s\">", typed ? typed : "{}");
	free(typed);
	for (int i = 0; i < c->ch.n; i++) {
		const struct forms_def *d = c->ch.defs[i];
		html_printf(&b, "<section class=\"counter-procedure\" aria-labelledby=\"proc-h-%d\">"
			    "<h2 id=\"proc-h-%d\">%s</h2>", i, i, forms_text_get(&d->title, lang));
		struct err e;
		if (c->view.pages[i].nfields > 0 &&
		    form_render_page(&b, &(struct form_view){ .d = &c->view, .page = i,
							      .answers = c->all,
							      .norm = c->checks[i].answers,
							      .sources = c->from, .errors = errs,
							      .lang = lang, .today = today },
				     &e) != 0) {
			buf_done(&b);
			return http_send_error(r, ERR_INTERNAL, NULL, NULL, e.detail);
		}
		if (c->other[i].nerrors > 0 || c->other[i].exit >= 0)
			missing_list(&b, r, d, &c->other[i]);
		buf_puts(&b, "</section>");
	}
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\" name=\"_step\""
		    " value=\"submit\">%s</button><button type=\"submit\" class=\"button-secondary\""
		    " formaction=\"/staff/counter/%s/pdf\">%s</button></div></form>",
		    html_t(l, "lifeevent.counter.submit"), le->id, html_t(l, "lifeevent.counter.print"));
	html_printf(&b, "<p><a href=\"/staff/counter/%s\">%s</a></p>", le->id,
		    html_t(l, "lifeevent.counter.missing.again"));
	return app_page_send(r, status, &b, &p);
}

/* the confirmation the resident reads on the screen */
static int render_received(struct http_req *r, const char *event, const struct chosen *ch,
			   const struct apply_submission *subs)
{
	enum html_lang l = app_req(r)->lang;
	const char *lang = lang_of(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "lifeevent.counter.done.title"), NULL, NULL);
	link_form_css(&b);
	html_printf(&b, "<div class=\"counter-received\"><p class=\"lead\">%s</p>",
		    html_t(l, "lifeevent.counter.done.lead"));
	html_printf(&b, "<table class=\"table\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    html_t(l, "lifeevent.counter.done.caption"), html_t(l, "lifeevent.counter.done.procedure"),
		    html_t(l, "lifeevent.counter.done.receipt"), html_t(l, "lifeevent.counter.done.department"));
	for (int i = 0; i < ch->n; i++) {
		/* the department by its name, and where its counter is, when
		 * the ward has described it (src/svc/dept); else its code */
		struct dept dp;
		struct err de;
		const char *name = subs[i].department, *place = "";
		if (dept_get(&dp, app_store(r), app_req(r)->tenant.code, subs[i].department, &de) == 0) {
			name = l == HTML_EN && dp.name_en[0] ? arena_strdup(r->arena, dp.name_en)
							     : arena_strdup(r->arena, dp.name_ja);
			place = arena_strdup(r->arena, dp.place);
		}
		html_printf(&b, "<tr><th scope=\"row\">%s</th><td class=\"receipt-number\">%s</td><td>%s",
			    forms_text_get(&ch->defs[i]->title, lang), subs[i].receipt,
			    name ? name : subs[i].department);
		if (place && place[0])
			html_printf(&b, "<br>%s", place);
		buf_puts(&b, "</td></tr>");
	}
	buf_puts(&b, "</tbody></table>");
	html_printf(&b, "<p>%s</p>", html_t(l, "lifeevent.counter.done.keep"));
	buf_puts(&b, "<ul class=\"plain\">");
	for (int i = 0; i < ch->n; i++)
		html_printf(&b, "<li><a href=\"/staff/submissions/%lld\">%s %s</a></li>",
			    (long long)subs[i].id, html_t(l, "lifeevent.counter.done.print"),
			    subs[i].receipt);
	buf_puts(&b, "</ul>");
	/* the resident's 控え: every receipt number, department and contact */
	struct buf list;
	buf_init(&list, 4096);
	for (int i = 0; i < ch->n; i++) {
		if (i)
			buf_putc(&list, ',');
		buf_puts(&list, subs[i].receipt);
	}
	html_printf(&b, "<p><a class=\"button\" href=\"%s\">%s</a></p></div>",
		    ui_url(r->arena, arena_printf(r->arena, "/staff/counter/%s/receipt", event),
			   (const char *const[]){ "receipts", buf_cstr(&list), NULL }),
		    html_t(l, "lifeevent.counter.done.receipt_pdf"));
	buf_done(&list);
	return app_page_send(r, 200, &b, &p);
}

int page_counter_submit(struct http_req *r)
{
	struct counter c;
	if (counter_open(&c, r))
		return c.ret;
	/* from the result page, or a change on the answers page: the page
	 * again; accepted only with its own button, all complete */
	const char *step = pair(&c.pr, "_step");
	if (!step || strcmp(step, "submit") != 0)
		return render_answers(r, &c, 200, NULL);
	if (c.nbad)
		return render_answers(r, &c, 422, NULL);
	struct err e;
	int rc;
	struct apply_submission *subs = arena_alloc(r->arena, (size_t)c.ch.n * sizeof *subs);
	if (!subs)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	/* staff enter them, for the person looked up in the register; the
	 * submissions and their audit records commit together or not at all */
	struct app_actor aa;
	app_actor_of(&aa, r);
	struct apply_actor who = { .kind = APPLY_STAFF, .id = aa.id,
				   .tenant = app_req(r)->tenant.code, .ndepts = 0 };
	struct store *st = app_store(r);
	int64_t now = app_now();
	int failed = -1;
	struct apply_submit_result sr;
	memset(&sr, 0, sizeof sr);
	/* a fee paid before submission is taken here, at the counter, by
	 * this member of staff (src/svc/apply: a payment marked paid by a
	 * counter receipt, audited, in this transaction) */
	const struct apply_cashier fee_taker = { .audit = &app_of(r)->audit, .id = aa.id,
						 .login = aa.login, .role = aa.roles,
						 .source = aa.source,
						 .mfa_ok = app_req(r)->ses.mfa_ok };
	rc = store_begin(st, &e);
	for (int i = 0; rc == 0 && i < c.ch.n; i++) {
		rc = apply_submit_answers(&sr, r->arena, st, &who,
					  &(struct apply_answers_in){ .procedure = c.ch.codes[i],
								      .answers = c.answers[i],
								      .sources = c.sources[i],
								      .opts.registry = c.juki,
								      .opts.counter_fee = &fee_taker },
					  now, &e);
		if (rc) {
			failed = i;
			break;
		}
		subs[i] = sr.sub;
		rc = app_audit_as(st, &app_of(r)->audit, &aa,
				  &(struct app_audit_entry){ .action = AUDIT_A_WRITE,
							     .object_type = "apply.counter.submitted",
							     .object_id = subs[i].receipt,
							     .result = AUDIT_R_OK },
				  &e);
	}
	if (store_in_tx(st)) {
		if (rc == 0)
			rc = store_commit(st, &e);
		else
			store_rollback(st);
	}
	if (rc == ERR_INVALID && failed >= 0 && (sr.check.nerrors > 0 || sr.check.exit >= 0)) {
		/* the register no longer says what was copied, or a waiver it
		 * does not prove: the same page, with that procedure's errors */
		c.checks[failed] = sr.check;
		if ((rc = counter_fields(&c, r, &e)))
			return http_send_error(r, rc, NULL, NULL, e.detail);
		return render_answers(r, &c, 422, NULL);
	}
	if ((rc == ERR_DENIED || rc == ERR_CONFLICT) && failed >= 0 && sr.fee_unpaid) {
		/* a fee paid before submission that this member of staff may
		 * not take (svc/apply: payments.staff): the same page, naming
		 * the procedure, its fee and where it is taken; nothing was
		 * submitted or paid (the transaction was rolled back) */
		enum html_lang l = app_req(r)->lang;
		log_info("lifeevent: counter submission refused", "detail", e.detail);
		const char *yen = arena_printf(r->arena, "%lld%s", (long long)sr.fee_yen,
					       html_t(l, "form.yen"));
		const char *msg = arena_printf(r->arena, html_t(l, "lifeevent.counter.fee_denied"),
					       forms_text_get(&c.ch.defs[failed]->title, lang_of(r)), yen);
		return render_answers(r, &c, rc == ERR_CONFLICT ? 409 : 403, msg);
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return render_received(r, c.le->id, &c.ch, subs);
}

/* ---- 書かない窓口: the resident's receipt (控え) ---- */

#define COUNTER_RECEIPTS_MAX 16

/* one application of the 控え: its procedure and department, copied into
 * the job's arena a */
static int receipt_item(struct lifeevent_receipt_item *it, struct arena *a, struct http_req *r,
			const struct apply_submission *sub)
{
	const struct forms_def *d = published(r, sub->procedure);
	struct dept dp;
	struct err de;
	int have = dept_get(&dp, app_store(r), app_req(r)->tenant.code, sub->department, &de) == 0;
	*it = (struct lifeevent_receipt_item){
		.receipt = arena_strdup(a, sub->receipt),
		.title_ja = arena_strdup(a, d && d->title.ja ? d->title.ja : sub->procedure),
		.title_en = d && d->title.en ? arena_strdup(a, d->title.en) : NULL,
		.dept_ja = arena_strdup(a, have ? dp.name_ja : sub->department),
		.dept_en = have ? arena_strdup(a, dp.name_en) : NULL,
		.place = have ? arena_strdup(a, dp.place) : NULL,
		.phone = have ? arena_strdup(a, dp.phone) : NULL,
		.email = have ? arena_strdup(a, dp.email) : NULL,
		.target_days = d ? d->target_days : 0,
	};
	return it->receipt && it->title_ja && it->dept_ja ? 0 : ERR_NOMEM;
}

/* may this member of staff see the department's applications: a
 * "dept.<code>" permission or "dept.all" among the session's (read once
 * per request, as for the staff menu: app_staff_may_open) */
static int may_see_dept(struct http_req *r, const char *code)
{
	struct app_req *q = app_req(r);
	char want[DEPT_CODE_MAX + 8];
	if (!app_staff_may_open(r, "/staff/counter") || dept_perm(want, sizeof want, code))
		return 0;
	for (int i = 0; q->perms_read && i < q->nperms; i++)
		if (strcmp(q->perms[i], want) == 0 || strcmp(q->perms[i], "dept.all") == 0)
			return 1;
	return 0;
}

/* GET /staff/counter/{event}/receipt?receipts=R1,R2,...: the 控え of
 * applications entered at the counter (no resident account), that this
 * member of staff may see; no name or answer is printed */
int page_counter_receipt(struct http_req *r)
{
	const struct lifeevent *le = event_of(r);
	if (!le)
		return not_found(r);
	/* read as staff of every department, then kept to the member's own
	 * (may_see_dept) and to applications entered at the counter */
	struct apply_actor who = { .kind = APPLY_STAFF, .id = app_req(r)->ses.account_id,
				   .tenant = app_req(r)->tenant.code, .ndepts = -1 };
	int rc;
	const char *list = http_param(r, "receipts");
	char *copy = arena_strdup(r->arena, list ? list : "");
	struct counter_job j = { .a = arena_new(1u << 16), .is_receipt = 1,
				 .audit_type = "lifeevent.counter.receipt" };
	struct lifeevent_receipt_item *items =
		j.a ? arena_alloc(j.a, COUNTER_RECEIPTS_MAX * sizeof *items) : NULL;
	if (!copy || !items) {
		arena_free(j.a);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "out of memory");
	}
	int n = 0;
	int64_t at = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct apply_submission sub;
		struct err e;
		if (n >= COUNTER_RECEIPTS_MAX ||
		    apply_get_by_receipt(&sub, r->arena, app_store(r), &who, tok, &e) != 0 ||
		    sub.resident_id != 0 || !may_see_dept(r, sub.department)) {
			arena_free(j.a);
			return app_send_error(r, ERR_NOTFOUND, "lifeevent.counter.error.no_receipt",
					      "counter receipt: not a counter application of this staff's");
		}
		if ((rc = receipt_item(&items[n], j.a, r, &sub))) {
			arena_free(j.a);
			return http_send_error(r, rc, NULL, NULL, "out of memory");
		}
		if (n == 0 || sub.submitted_at < at)
			at = sub.submitted_at;
		n++;
	}
	if (n == 0) {
		arena_free(j.a);
		return app_send_error(r, ERR_NOTFOUND, "lifeevent.counter.error.no_receipt",
				      "counter receipt: no receipts");
	}
	j.receipt = (struct lifeevent_receipt_doc){
		.municipality_ja = arena_strdup(j.a, app_req(r)->tenant.name_ja),
		.municipality_en = arena_strdup(j.a, app_req(r)->tenant.name_en),
		.received_at = at, .items = items, .nitems = n,
	};
	snprintf(j.file, sizeof j.file, "%s-counter-receipt.pdf", le->id);
	snprintf(j.audit_detail, sizeof j.audit_detail, "%s:%s", le->id, list);
	if ((rc = http_defer_owned(r, counter_work, counter_done, counter_discard, &j, sizeof j))) {
		arena_free(j.a);
		return http_send_error(r, rc, NULL, NULL, "counter receipt: cannot defer");
	}
	return 0;
}
