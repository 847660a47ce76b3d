/*
 * page_registry.c -- linking a resident's account to the resident registry
 * (src/core/registry, linkcode.c) by a one-time code:
 *
 *   GET  /staff/registry?q=      staff (personal.read) find a person by name,
 *                                フリガナ or code; every search is audited
 *   POST /staff/registry/code    staff (personal.write) issue a code for a
 *                                person: at the counter (shown once, here)
 *                                or by letter: the answer is the letter, a
 *                                PDF for a window envelope with the code
 *                                printed in it (registry_letter.c), made
 *                                in this request, the only one that knows
 *                                the code; nothing keeps it (no link to
 *                                fetch it again, no print queue)
 *   GET  /mypage/registry        the resident: linked or not, the code form
 *   POST /mypage/registry        the resident types the code: linked
 *
 * Invariants: a code is never stored nor logged (only its hash, by the
 * domain) and shown once, on a page that is not cached; audit records name
 * the person's code and the result, never a name; wrong, expired and used
 * codes look alike to the resident except for "expired or used", and the
 * domain throttles tries per account (ERR_LIMIT: 429).
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/app_mail.h"
#include "web/registry_letter.h"
#include "core/registry/registry.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGISTRY_FIND_MAX 30

/* ---- staff ---- */

struct find_ctx {
	struct buf *b;
	enum html_lang l;
	const char *csrf;
	int n;
};

static void find_row(const struct registry_person *p, void *arg)
{
	struct find_ctx *c = arg;
	if (c->n++ == 0)
		html_printf(c->b, "<table class=\"table\"><caption>%s</caption><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    html_t(c->l, "reg.results"), html_t(c->l, "reg.code"), html_t(c->l, "reg.name"),
			    html_t(c->l, "reg.birth"), html_t(c->l, "reg.linked"), html_t(c->l, "reg.issue"));
	html_printf(c->b, "<tr><td>%s</td><td>%s %s<br><span class=\"hint\">%s %s</span></td><td>%s</td><td>%s</td><td>"
		    "<form method=\"post\" action=\"/staff/registry/code\" class=\"inline\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"person\" value=\"%s\">"
		    "<button type=\"submit\" name=\"delivery\" value=\"counter\" class=\"button-secondary\">%s</button> "
		    "<button type=\"submit\" name=\"delivery\" value=\"letter\" class=\"button-secondary\">%s</button>"
		    "</form></td></tr>",
		    p->code, p->family, p->given ? p->given : "", p->family_kana,
		    p->given_kana ? p->given_kana : "", p->birth_date,
		    html_t(c->l, p->resident_id ? "reg.yes" : "reg.no"), c->csrf, p->code,
		    html_t(c->l, "reg.issue.counter"), html_t(c->l, "reg.issue.letter"));
}

int page_staff_registry(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *text = http_param(r, "q");
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "reg.title"), NULL, NULL);
	html_printf(&b, "<p>%s</p>", html_t(l, "reg.lead"));
	buf_puts(&b, "<form method=\"get\" action=\"/staff/registry\" class=\"search\" role=\"search\">");
	ui_input(&b, &(struct ui_field){ .name = "q", .id = "q", .label = html_t(l, "reg.find"),
					 .value = text, .type = "search", .maxlength = 100, .lang = l });
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>",
		    html_t(l, "search.submit"));
	if (text && *text) {
		struct find_ctx c = { &b, l, q->csrf, 0 };
		struct err e;
		int rc = registry_find(app_store(r), q->tenant.code, text, REGISTRY_FIND_MAX, find_row, &c, &e);
		/* a read of personal data: audited, the words are not recorded */
		app_audit(r, AUDIT_A_READ, "registry.person", "search", rc < 0 ? AUDIT_R_FAILED : AUDIT_R_OK);
		if (rc < 0) {
			buf_done(&b);
			return http_send_error(r, rc, NULL, NULL, e.detail);
		}
		if (c.n)
			html_printf(&b, "</tbody></table><p class=\"hint\" id=\"reg-letter-hint\">%s</p>",
				    html_t(l, "reg.letter.hint"));
		else
			html_printf(&b, "<p id=\"reg-none\">%s</p>", html_t(l, "reg.none"));
	}
	return app_page_send(r, 200, &b, &p);
}

/* ---- the letter: made in the issuing request, the only one that knows
 * the code (registry_letter.h) ---- */

struct letter_job {
	struct registry_letter l;
	char person[REGISTRY_CODE_MAX + 1];
	char *pdf;
	size_t len;
	int rc;
	struct err e;
};

static void letter_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct letter_job *j = arg;
	j->rc = registry_letter_pdf(&j->pdf, &j->len, &j->l, &j->e);
	explicit_bzero(j->l.code, sizeof j->l.code);
}

static void letter_discard(void *arg)
{
	struct letter_job *j = arg;
	explicit_bzero(j->l.code, sizeof j->l.code);
	if (j->pdf)
		explicit_bzero(j->pdf, j->len);
	free(j->pdf);
}

/* the sent letter's bytes, wiped when the request ends (the code is in them) */
struct sent_pdf {
	char *p;
	size_t n;
};

static void sent_pdf_free(void *arg)
{
	struct sent_pdf *s = arg;
	explicit_bzero(s->p, s->n);
	free(s->p);
}

static int letter_done(struct http_req *r, void *arg)
{
	struct letter_job *j = arg;
	if (j->rc) {
		app_audit(r, "registry.letter.pdf", "registry.person", j->person, AUDIT_R_FAILED);
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	}
	struct sent_pdf *sp = arena_alloc(r->arena, sizeof *sp);
	if (sp)
		*sp = (struct sent_pdf){ j->pdf, j->len };
	if (!sp || arena_cleanup_add(r->arena, sent_pdf_free, sp)) {
		letter_discard(j);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "registry letter: out of memory");
	}
	struct app_req *q = app_req(r);
	struct err e;
	if (registry_letter_printed(app_store(r), q->tenant.code, j->person, &e) < 0)
		log_warn("registry letter: state not kept", "detail", e.detail);
	/* the letter carries a name, an address and the code: audited */
	app_audit(r, "registry.letter.pdf", "registry.person", j->person, AUDIT_R_OK);
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "attachment; filename=\"registry-letter-%s.pdf\"", j->person));
	return http_send(r, 200, "application/pdf", j->pdf, j->len);
}

#define JS(o, k) (json_string_value(json_object_get((o), (k))) ? json_string_value(json_object_get((o), (k))) : "")

/* the letter's words for the person's record and the new code; 0 or ERR_* */
static int letter_of(struct letter_job *j, struct http_req *r, const char *person, const char *code)
{
	struct app_req *q = app_req(r);
	json_t *rec = NULL;
	int rc = registry_person_json_by_code(&rec, app_store(r), q->tenant.code, person, &j->e);
	app_audit(r, AUDIT_A_READ, "registry.person", person, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc)
		return rc;
	const json_t *ad = json_object_get(rec, "address"), *nm = json_object_get(rec, "name");
	struct registry_letter *l = &j->l;
	snprintf(j->person, sizeof j->person, "%s", person);
	snprintf(l->postal, sizeof l->postal, "%s", JS(ad, "postal_code"));
	snprintf(l->address, sizeof l->address, "%s%s%s", JS(ad, "pref"), JS(ad, "city"), JS(ad, "street"));
	snprintf(l->building, sizeof l->building, "%s", JS(ad, "building"));
	snprintf(l->name, sizeof l->name, "%s%s%s", JS(nm, "family"),
		 json_object_get(nm, "given") ? " " : "", JS(nm, "given"));
	json_decref(rec);
	snprintf(l->ward_ja, sizeof l->ward_ja, "%s", q->tenant.name_ja);
	snprintf(l->ward_en, sizeof l->ward_en, "%s", q->tenant.name_en[0] ? q->tenant.name_en : q->tenant.name_ja);
	if (app_mail_link_base(l->base, sizeof l->base, app_of(r), &q->tenant) != 0)
		return err_set(&j->e, ERR_LIMIT, "registry letter: link base too long");
	snprintf(l->code, sizeof l->code, "%s", code);
	l->issued_at = app_now();
	l->expires_at = l->issued_at + REGISTRY_CODE_TTL;
	return 0;
}

int page_staff_registry_code(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	const char *person = http_param(r, "person"), *how = http_param(r, "delivery");
	int letter = how && strcmp(how, "letter") == 0;
	char code[REGISTRY_CODE_LEN + 1];
	struct err e;
	int rc = registry_code_issue(code, app_store(r), q->tenant.code, person,
				     letter ? REGISTRY_BY_LETTER : REGISTRY_AT_COUNTER, q->ses.account_id,
				     app_now(), &e);
	app_audit(r, letter ? "registry.code.letter" : "registry.code.issue", "registry.person", person,
		  rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (letter) {
		/* the answer is the letter itself: the code is printed and
		 * forgotten, never shown on a page nor kept for later */
		struct letter_job j = { 0 };
		rc = letter_of(&j, r, person, code);
		explicit_bzero(code, sizeof code);
		if (rc == 0 && (rc = http_defer_owned(r, letter_work, letter_done, letter_discard, &j, sizeof j)))
			err_set(&j.e, rc, "registry letter: cannot defer");
		explicit_bzero(&j.l.code, sizeof j.l.code);
		return rc ? http_send_error(r, rc, NULL, NULL, j.e.detail) : 0;
	}
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "reg.issued"), NULL, NULL);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p>%s <strong>%s</strong></p>"
		    "<p class=\"link-code\" id=\"link-code\" aria-label=\"%s\"><code>%s</code></p>"
		    "<p>%s</p><p class=\"hint\">%s</p>",
		    html_t(l, "reg.person"), person, html_t(l, "reg.code.label"), code,
		    html_t(l, "reg.counter.hand"), html_t(l, "reg.code.once"));
	explicit_bzero(code, sizeof code);
	html_printf(&b, "<p><a href=\"/staff/registry\">%s</a></p>", html_t(l, "reg.back"));
	return app_page_send(r, 200, &b, &p);
}

/* ---- the resident ---- */

static int resident_form(struct http_req *r, int status, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	json_t *rec = NULL;
	struct err e;
	int rc = registry_person_json(&rec, app_store(r), q->tenant.code, q->ses.account_id, &e);
	if (rc && rc != ERR_NOTFOUND)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, html_t(l, "rlink.title"), error ? "link-code-input" : NULL, error);
	if (http_param(r, "linked"))
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"linked\">%s</p>", html_t(l, "rlink.done"));
	if (rec) {
		app_audit(r, AUDIT_A_READ, "registry.person", "self", AUDIT_R_OK);
		const json_t *nm = json_object_get(rec, "name");
		html_printf(&b, "<p id=\"rlink-status\">%s</p><dl><dt>%s</dt><dd>%s %s</dd>",
			    html_t(l, "rlink.linked"), html_t(l, "reg.name"),
			    json_string_value(json_object_get(nm, "family")),
			    json_object_get(nm, "given") ? json_string_value(json_object_get(nm, "given")) : "");
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(rec, "children"), i, c) {
			const json_t *cn = json_object_get(c, "name");
			html_printf(&b, "<dt>%s</dt><dd>%s %s（%s）</dd>", html_t(l, "rlink.child"),
				    json_string_value(json_object_get(cn, "family")),
				    json_object_get(cn, "given") ? json_string_value(json_object_get(cn, "given")) : "",
				    json_string_value(json_object_get(c, "birth_date")));
		}
		buf_puts(&b, "</dl>");
		html_printf(&b, "<p>%s</p>", html_t(l, "rlink.prefill"));
		json_decref(rec);
	} else {
		html_printf(&b, "<p id=\"rlink-status\">%s</p><p>%s</p>", html_t(l, "rlink.not_linked"),
			    html_t(l, "rlink.how"));
		html_printf(&b, "<form method=\"post\" action=\"/mypage/registry\" class=\"form\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
		ui_input(&b, &(struct ui_field){ .name = "code", .id = "link-code-input",
				.label = html_t(l, "rlink.code"), .hint = html_t(l, "rlink.code.hint"),
				.type = "text", .autocomplete = "one-time-code", .maxlength = 32,
				.html_required = 1, .invalid = error != NULL, .error = error, .lang = l });
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>",
			    html_t(l, "rlink.submit"));
		html_printf(&b, "<p class=\"hint\">%s</p>", html_t(l, "rlink.jpki"));
	}
	html_printf(&b, "<p><a href=\"/mypage\">%s</a></p>", html_t(l, "resident.mypage"));
	return app_page_send(r, status, &b, &p);
}

int page_mypage_registry(struct http_req *r)
{
	return resident_form(r, 200, NULL);
}

int page_mypage_registry_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	char person[REGISTRY_CODE_MAX + 1] = "";
	struct err e;
	int rc = registry_code_redeem(person, app_store(r), q->tenant.code, q->ses.account_id,
				      http_param(r, "code"), app_now(), &e);
	app_audit(r, "registry.link", "registry.person", rc ? NULL : person,
		  rc == 0 ? AUDIT_R_OK : rc == ERR_LIMIT || rc == ERR_NOTFOUND || rc == ERR_DENIED ||
		  rc == ERR_CONFLICT ? AUDIT_R_DENIED : AUDIT_R_ERROR);
	if (rc == 0)
		return http_redirect(r, 303, "/mypage/registry?linked=1");
	if (rc == ERR_LIMIT)
		return resident_form(r, 429, html_t(l, "rlink.err.limit"));
	if (rc == ERR_NOTFOUND)
		return resident_form(r, 200, html_t(l, "rlink.err.wrong"));
	if (rc == ERR_DENIED)
		return resident_form(r, 200, html_t(l, "rlink.err.used"));
	if (rc == ERR_CONFLICT)
		return resident_form(r, 200, html_t(l, "rlink.err.conflict"));
	return http_send_error(r, rc, NULL, NULL, e.detail);
}
