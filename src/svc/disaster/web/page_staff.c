/*
 * page_staff.c -- the staff pages of the disaster service:
 *   GET  /staff/disaster                      shelters with their status
 *                                             (disaster.status); the import
 *                                             and designation forms for those
 *                                             holding disaster.admin
 *   POST /staff/disaster/import               a GSI file (GeoJSON or CSV):
 *                                             the report, rejected rows with
 *                                             their line or feature index
 *   POST /staff/disaster/designate            the ward's list (--as NAME)
 *                                             (both on the blocking pool)
 *   GET  /staff/disaster/shelters/{key}       the phone page: the status form
 *                                             and every change (history)
 *   POST /staff/disaster/shelters/{key}/status  a change made from a version:
 *                                             an older version is refused
 *                                             (409) with the current status,
 *                                             never written over
 * Every write is audited in its transaction (disaster.status with the
 * shelter's key and the new version; disaster.import, disaster.designate).
 * Staff names in the history are staff's display names, shown to staff.
 */
#include "web/app.h"
#include "web/ui.h"
#include "core/audit/audit.h"
#include "svc/disaster/disaster.h"
#include "svc/disaster/web/disaster_web.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static const char *L(struct http_req *r, const char *ja, const char *en)
{
	return app_req(r)->lang == HTML_EN ? en : ja;
}

/* ---- the list ---- */

struct list_ctx {
	struct http_req *r;
	struct buf *b;
};

static void staff_row(const struct disaster_shelter *sh, void *arg)
{
	struct list_ctx *c = arg;
	struct http_req *r = c->r;
	html_printf(c->b, "<tr><td><a href=\"/staff/disaster/shelters/%s\">%s</a><br><small>%s</small></td><td>%s",
		    sh->key, sh->name, sh->key, disaster_state_label(r, sh->state));
	if (disaster_is_stale(sh, app_now(), disaster_stale_secs(r)))
		html_printf(c->b, " <strong class=\"tag-important\">%s</strong>", T(r, "disaster.stale"));
	html_printf(c->b, "</td><td>%lld</td><td>%s</td><td>%s</td></tr>", (long long)sh->people,
		    sh->status_at ? disaster_time_text(r, sh->status_at) : "—",
		    sh->ward_designation ? sh->ward_designation : "");
}

static int list_page(struct http_req *r, int status, const char *error, const char *result_html)
{
	struct app_req *q = app_req(r);
	const char *text = http_param(r, "q"), *st = http_param(r, "state");
	int state = st && *st ? disaster_state_parse(st) : -1;
	int64_t page = 1;
	const char *ps = http_param(r, "page");
	if (ps && parse_i64(&page, ps, 1, 1000))
		page = 1;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "disaster.staff.title"), error ? "f-file" : NULL, error);
	if (result_html)
		buf_puts(&b, result_html);
	html_printf(&b, "<form method=\"get\" action=\"/staff/disaster\" class=\"form\" role=\"search\" aria-label=\"%s\">",
		    T(r, "disaster.filter"));
	ui_input(&b, &(struct ui_field){ .name = "q", .id = "f-q", .label = T(r, "disaster.field.q"), .value = text,
					 .lang = q->lang, .maxlength = 100 });
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "disaster.filter.go"));
	html_printf(&b, "<div class=\"table-scroll\"><table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>", T(r, "disaster.shelters"), T(r, "disaster.staff.name"),
		    T(r, "disaster.status"), T(r, "disaster.people"), T(r, "disaster.updated"),
		    T(r, "disaster.designation"));
	struct list_ctx c = { r, &b };
	struct err e;
	int total = disaster_list(app_store(r), q->tenant.code,
				  &(struct disaster_query){ .state = state < 0 ? -1 : state, .text = text,
							    .limit = DISASTER_PER_PAGE,
							    .offset = (int)(page - 1) * DISASTER_PER_PAGE },
				  staff_row, &c, &e);
	if (total < 0) {
		buf_done(&b);
		return app_send_error(r, total, "disaster.staff.error.failed", e.detail);
	}
	buf_puts(&b, "</tbody></table></div>");
	html_printf(&b, "<p id=\"shelters-count\">%s</p>",
		    arena_printf(r->arena, T(r, "disaster.count"), total));  /* checksrc: fmt-ok */
	const char *const pairs[] = { "q", text, "state", st, NULL };
	struct ui_pager pg = { .path = "/staff/disaster", .pairs = pairs, .page = page, .total = total,
			       .per_page = DISASTER_PER_PAGE };
	ui_pager(&b, r->arena, q->lang, &pg);
	if (app_staff_holds(r, DISASTER_PERM_ADMIN)) {
		html_printf(&b, "<section aria-labelledby=\"import-h\"><h2 id=\"import-h\">%s</h2><p>%s</p>"
			    "<form method=\"post\" action=\"/staff/disaster/import\" enctype=\"multipart/form-data\""
			    " class=\"form\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			    T(r, "disaster.staff.import"), T(r, "disaster.staff.import.lead"), q->csrf);
		ui_file(&b, &(struct ui_field){ .name = "file", .id = "f-file", .label = T(r, "disaster.staff.file"),
						.accept = ".geojson,.json,.csv,application/geo+json,application/json,text/csv",
						.required = 1, .error = error, .lang = q->lang });
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"import-go\">%s</button></form></section>",
			    T(r, "disaster.staff.import.go"));
		html_printf(&b, "<section aria-labelledby=\"designate-h\"><h2 id=\"designate-h\">%s</h2><p>%s</p>"
			    "<form method=\"post\" action=\"/staff/disaster/designate\" enctype=\"multipart/form-data\""
			    " class=\"form\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			    T(r, "disaster.staff.designate"), T(r, "disaster.staff.designate.lead"), q->csrf);
		ui_input(&b, &(struct ui_field){ .name = "as", .id = "f-as", .label = T(r, "disaster.staff.designate.as"),
						 .value = "震災救援所", .required = 1, .lang = q->lang, .maxlength = 20 });
		ui_file(&b, &(struct ui_field){ .name = "file", .id = "f-dfile", .label = T(r, "disaster.staff.file"),
						.accept = ".csv,text/csv", .required = 1, .lang = q->lang });
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"designate-go\">%s</button></form></section>",
			    T(r, "disaster.staff.designate.go"));
	}
	return app_page_send(r, status, &b, &p);
}

int page_dstaff_list(struct http_req *r)
{
	return list_page(r, 200, NULL, NULL);
}

/* the message of a whole file refused (ERR_INVALID / ERR_LIMIT) */
static const char *file_error(struct http_req *r, int rc, const struct err *e)
{
	if (rc == ERR_LIMIT)
		return T(r, "disaster.staff.error.too_large");
	if (e->line)
		return arena_printf(r->arena, T(r, "disaster.staff.error.line"), (long)e->line);  /* checksrc: fmt-ok */
	return T(r, "disaster.staff.error.form");
}

/* An upload's import runs on the blocking pool (a file of thousands of
 * shelters is thousands of writes): the job holds a copy of the bytes
 * (http_defer_owned frees it whichever way the request ends) and the
 * report comes back in it. */
struct import_job {
	char tenant[TENANT_CODE_LEN + 1];
	char as[4 * DISASTER_DESIGNATION_MAX + 1];   /* designate: its name   */
	int designate;
	char *data;
	size_t len;
	int64_t now;
	int rc;
	struct err e;
	struct disaster_import_report rep;
	struct disaster_designate_report drep;
};

static void import_work(void *arg, void *pool_ctx)
{
	struct import_job *j = arg;
	struct app_thread *t = pool_ctx;
	err_clear(&j->e);
	j->rc = j->designate ? disaster_designate(&j->drep, t->store, j->tenant, j->data, j->len, j->as, j->now, &j->e)
			     : disaster_import(&j->rep, t->store, j->tenant, j->data, j->len, j->now, &j->e);
}

static void import_discard(void *arg)
{
	free(((struct import_job *)arg)->data);
}

static int import_report(struct http_req *r, const struct disaster_import_report *rep)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	html_printf(&b, "<div class=\"notice\" role=\"status\" id=\"import-result\"><p>%s</p><p>%s</p></div>",
		    T(r, rep->kind == DISASTER_KIND_EMERGENCY ? "disaster.staff.kind.emergency"
							     : "disaster.staff.kind.designated"),
		    arena_printf(r->arena, T(r, "disaster.staff.imported"), rep->rows, rep->inserted,  /* checksrc: fmt-ok */
				 rep->updated, rep->rejected));
	if (rep->nproblems) {
		html_printf(&b, "<div class=\"table-scroll\"><table id=\"import-problems\"><caption>%s</caption><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "disaster.staff.rejected"), T(r, "disaster.staff.where"), T(r, "disaster.staff.field"),
			    T(r, "disaster.staff.why"));
		for (int i = 0; i < rep->nproblems; i++) {
			const struct disaster_problem *pr = &rep->problems[i];
			const char *where = pr->feature >= 0
				? arena_printf(r->arena, T(r, "disaster.staff.feature"), pr->feature)  /* checksrc: fmt-ok */
				: arena_printf(r->arena, T(r, "disaster.staff.row"), pr->line);  /* checksrc: fmt-ok */
			html_printf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", where, pr->field, L(r, pr->ja, pr->en));
		}
		buf_puts(&b, "</tbody></table></div>");
	}
	int out = list_page(r, 200, NULL, buf_cstr(&b));
	buf_done(&b);
	return out;
}

static int designate_report(struct http_req *r, const struct disaster_designate_report *rep)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	html_printf(&b, "<div class=\"notice\" role=\"status\" id=\"designate-result\"><p>%s</p></div>",
		    arena_printf(r->arena, T(r, "disaster.staff.designated"), rep->rows, rep->matched,  /* checksrc: fmt-ok */
				 rep->unmatched, rep->cleared));
	if (rep->nlisted) {
		html_printf(&b, "<div class=\"table-scroll\"><table id=\"designate-unmatched\"><caption>%s</caption><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "disaster.staff.unmatched"), T(r, "disaster.staff.where"), T(r, "disaster.staff.name"),
			    T(r, "disaster.staff.why"));
		for (int i = 0; i < rep->nlisted; i++)
			html_printf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>",
				    arena_printf(r->arena, T(r, "disaster.staff.row"), rep->list[i].line),  /* checksrc: fmt-ok */
				    rep->list[i].name, L(r, rep->list[i].ja, rep->list[i].en));
		buf_puts(&b, "</tbody></table></div>");
	}
	int out = list_page(r, 200, NULL, buf_cstr(&b));
	buf_done(&b);
	return out;
}

static int import_done(struct http_req *r, void *arg)
{
	struct import_job *j = arg;
	free(j->data);
	j->data = NULL;
	const char *what = j->designate ? "disaster.designate" : "disaster.import";
	app_audit(r, AUDIT_A_WRITE, what, j->designate ? "csv" : j->rep.geojson ? "geojson" : "csv",
		  j->rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (j->rc == ERR_INVALID || j->rc == ERR_LIMIT) {
		log_info("disaster: a shelter file refused", "detail", j->e.detail);
		int bad_as = j->designate && (!*j->as || strlen(j->as) > DISASTER_DESIGNATION_MAX);
		return list_page(r, 422, bad_as ? T(r, "disaster.staff.error.as") : file_error(r, j->rc, &j->e), NULL);
	}
	if (j->rc)
		return app_send_error(r, j->rc, "disaster.staff.error.failed", j->e.detail);
	return j->designate ? designate_report(r, &j->drep) : import_report(r, &j->rep);
}

static int import_start(struct http_req *r, int designate)
{
	const struct http_part *f = http_file(r, "file");
	if (!f || !f->len)
		return list_page(r, 422, T(r, "disaster.staff.error.nofile"), NULL);
	struct import_job *j = arena_alloc(r->arena, sizeof *j);
	if (!j)
		return app_send_error(r, ERR_NOMEM, "disaster.staff.error.failed", "disaster: no memory");
	memset(j, 0, sizeof *j);
	snprintf(j->tenant, sizeof j->tenant, "%s", app_req(r)->tenant.code);
	const char *as = http_param(r, "as");
	snprintf(j->as, sizeof j->as, "%s", as ? as : "");
	j->designate = designate;
	j->now = app_now();
	j->len = f->len;
	if (!(j->data = malloc(f->len)))
		return app_send_error(r, ERR_NOMEM, "disaster.staff.error.failed", "disaster: no memory");
	memcpy(j->data, f->data, f->len);
	int rc = http_defer_owned(r, import_work, import_done, import_discard, j, sizeof *j);
	if (rc) {
		free(j->data);
		return app_send_error(r, rc, "disaster.staff.error.failed", "disaster: cannot defer the import");
	}
	return 0;
}

int page_dstaff_import(struct http_req *r)
{
	return import_start(r, 0);
}

int page_dstaff_designate(struct http_req *r)
{
	return import_start(r, 1);
}

/* ---- one shelter: the status form and its history ---- */

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "disaster.error.not_found", "disaster: no such shelter");
}

struct hist_ctx {
	struct http_req *r;
	struct buf *b;
};

static void hist_row(const struct disaster_change *c, void *arg)
{
	struct hist_ctx *x = arg;
	struct http_req *r = x->r;
	html_printf(x->b, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%lld</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		    (long long)c->version, disaster_time_text(r, c->at), disaster_state_label(r, c->state),
		    (long long)c->people, disaster_needs_text(r, c->needs), c->note ? c->note : "",
		    c->by ? c->by : T(r, "disaster.staff.system"));
}

/* the form's values: the stored status, or what was typed */
struct form_values {
	int state;
	const char *people, *note;
	unsigned needs;
	int64_t version;
};

static int shelter_page(struct http_req *r, int status, const struct disaster_shelter *sh,
			const struct form_values *v, const char *error, const char *error_field)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, sh->name, error ? error_field : NULL, error);
	if (http_param(r, "saved"))
		html_printf(&b, "<div class=\"notice\" role=\"status\" id=\"status-saved\"><p>%s</p></div>",
			    arena_printf(r->arena, T(r, "disaster.staff.saved"), http_param(r, "saved")));  /* checksrc: fmt-ok */
	html_printf(&b, "<p>%s</p><h2>%s</h2><p id=\"current-status\">%s",
		    sh->address, T(r, "disaster.staff.current"), disaster_state_label(r, sh->state));
	if (disaster_is_stale(sh, app_now(), disaster_stale_secs(r)))
		html_printf(&b, " <strong class=\"tag-important\">%s</strong>", T(r, "disaster.stale"));
	html_printf(&b, " — %s %lld", T(r, "disaster.people"), (long long)sh->people);
	if (sh->status_at)
		html_printf(&b, " — %s %s", T(r, "disaster.updated"), disaster_time_text(r, sh->status_at));
	html_printf(&b, " <span id=\"current-version\">(%s)</span></p>",
		    arena_printf(r->arena, T(r, "disaster.staff.version"), (long long)sh->version));  /* checksrc: fmt-ok */
	html_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/staff/disaster/shelters/%s/status\" class=\"form\""
		    " novalidate id=\"status-form\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"version\" value=\"%lld\">",
		    T(r, "disaster.staff.update"), sh->key, q->csrf, (long long)v->version);
	static const char *const states[] = { "unopened", "open", "full", "closed" };
	struct ui_choice ch[4];
	for (int i = 0; i < 4; i++)
		ch[i] = (struct ui_choice){ states[i], disaster_state_label(r, i), v->state == i };
	ui_fieldset_open(&b, &(struct ui_field){ .name = "state", .id = "f-state", .label = T(r, "disaster.field.state"),
						 .lang = q->lang,
						 .error = error_field && !strcmp(error_field, "f-state") ? error : NULL });
	ui_options(&b, "radio", "f-state", "state", ch, 4, 0);
	ui_fieldset_close(&b);
	ui_input(&b, &(struct ui_field){ .name = "people", .id = "f-people", .label = T(r, "disaster.people"),
					 .value = v->people, .inputmode = "numeric", .verbatim = 1, .lang = q->lang,
					 .error = error_field && !strcmp(error_field, "f-people") ? error : NULL });
	static const char *const needs[] = { "need_water", "need_food", "need_medical", "need_power" };
	static const char *const need_ids[] = { "disaster.need.water", "disaster.need.food", "disaster.need.medical",
						"disaster.need.power" };
	ui_fieldset_open(&b, &(struct ui_field){ .name = "needs", .id = "f-needs", .label = T(r, "disaster.needs"),
						 .lang = q->lang });
	for (int i = 0; i < 4; i++)
		ui_checkbox(&b, &(struct ui_field){ .name = needs[i], .id = arena_printf(r->arena, "f-%s", needs[i]),
						    .label = T(r, need_ids[i]), .lang = q->lang }, (v->needs >> i) & 1);
	ui_fieldset_close(&b);
	ui_input(&b, &(struct ui_field){ .name = "note", .id = "f-note", .label = T(r, "disaster.status_note"),
					 .value = v->note, .maxlength = 130, .lang = q->lang,
					 .error = error_field && !strcmp(error_field, "f-note") ? error : NULL });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"status-go\">%s</button></form>",
		    T(r, "disaster.staff.update.go"));
	struct hist_ctx x = { r, &b };
	struct buf rows;
	buf_init(&rows, 1u << 20);
	x.b = &rows;
	struct err e;
	int total = disaster_history(app_store(r), q->tenant.code, sh->key, 100, hist_row, &x, &e);
	if (total < 0) {
		buf_done(&rows);
		buf_done(&b);
		return app_send_error(r, total, "disaster.staff.error.failed", e.detail);
	}
	html_printf(&b, "<h2 id=\"history-h\">%s</h2><p id=\"history-count\">%s</p>", T(r, "disaster.staff.history"),
		    arena_printf(r->arena, T(r, "disaster.staff.history.count"), total));  /* checksrc: fmt-ok */
	if (total > 0) {
		html_printf(&b, "<div class=\"table-scroll\"><table aria-labelledby=\"history-h\"><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "disaster.staff.version.h"), T(r, "disaster.updated"), T(r, "disaster.status"),
			    T(r, "disaster.people"), T(r, "disaster.needs"), T(r, "disaster.status_note"),
			    T(r, "disaster.staff.by"));
		buf_append(&b, rows.data, rows.len);
		buf_puts(&b, "</tbody></table></div>");
	}
	buf_done(&rows);
	html_printf(&b, "<p><a href=\"/disaster/shelters/%s\">%s</a></p><p><a href=\"/staff/disaster\">%s</a></p>",
		    sh->key, T(r, "disaster.staff.public_page"), T(r, "disaster.staff.back"));
	return app_page_send(r, status, &b, &p);
}

int page_dstaff_shelter(struct http_req *r)
{
	struct disaster_shelter sh;
	struct err e;
	int rc = disaster_get(&sh, r->arena, app_store(r), app_req(r)->tenant.code, http_param(r, "key"), &e);
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc)
		return app_send_error(r, rc, "disaster.staff.error.failed", e.detail);
	struct form_values v = { .state = (int)sh.state, .people = arena_printf(r->arena, "%lld", (long long)sh.people),
				 .note = sh.status_note, .needs = sh.needs, .version = sh.version };
	return shelter_page(r, 200, &sh, &v, NULL, NULL);
}

int page_dstaff_status(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	const char *key = http_param(r, "key");
	struct disaster_shelter sh;
	struct err e;
	int rc = disaster_get(&sh, r->arena, s, q->tenant.code, key, &e);
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc)
		return app_send_error(r, rc, "disaster.staff.error.failed", e.detail);
	int64_t from = 0, people = -1;
	parse_i64(&from, http_param(r, "version"), 0, INT64_MAX / 2);
	const char *ps = http_param(r, "people"), *st = http_param(r, "state");
	struct form_values v = { .state = disaster_state_parse(st), .people = ps, .note = http_param(r, "note"),
				 .version = from };
	static const char *const needs[] = { "need_water", "need_food", "need_medical", "need_power" };
	for (int i = 0; i < 4; i++)
		if (http_param(r, needs[i]))
			v.needs |= 1u << i;
	if (v.state < 0)
		return shelter_page(r, 422, &sh, &v, T(r, "disaster.staff.error.state"), "f-state");
	if (!ps || !*ps)
		people = 0;
	else if (parse_i64(&people, ps, 0, DISASTER_PEOPLE_MAX))
		return shelter_page(r, 422, &sh, &v, T(r, "disaster.staff.error.people"), "f-people");
	struct disaster_status ds = { .state = (enum disaster_state)v.state, .people = people, .needs = v.needs,
				      .note = v.note };
	const char *ja, *en;
	if (disaster_status_check(&ds, &ja, &en))
		return shelter_page(r, 422, &sh, &v, L(r, ja, en), "f-note");
	int64_t version = 0;
	rc = store_begin(s, &e);
	if (rc == 0)
		rc = disaster_status_set(&version, s, q->tenant.code, key, &ds, from, q->staff.id,
					 q->staff.display_name[0] ? q->staff.display_name : q->staff.login, app_now(), &e);
	if (rc == 0) {
		struct app_actor a;
		app_actor_of(&a, r);
		char what[DISASTER_KEY_MAX + 24];
		snprintf(what, sizeof what, "%s v%lld", key, (long long)version);
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = "disaster.status", .object_type = "disaster_shelter",
							     .object_id = what, .result = AUDIT_R_OK }, &e);
	}
	if (rc) {
		store_rollback(s);
		if (rc == ERR_CONFLICT) {
			/* someone saved first: show theirs, keep what was typed,
			 * and let the next save build on their version */
			struct disaster_shelter now;
			if (disaster_get(&now, r->arena, s, q->tenant.code, key, &e) == 0) {
				v.version = now.version;
				const char *msg = arena_printf(r->arena, T(r, "disaster.staff.error.version"),  /* checksrc: fmt-ok */
							       (long long)from, (long long)now.version);
				return shelter_page(r, 409, &now, &v, msg, "f-state");
			}
		}
		if (rc == ERR_NOTFOUND)
			return not_found(r);
		return app_send_error(r, rc, "disaster.staff.error.failed", e.detail);
	}
	if ((rc = store_commit(s, &e)))
		return app_send_error(r, rc, "disaster.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/disaster/shelters/%s?saved=%lld", key,
						  (long long)version));
}

/* ---- the slot ---- */

int disaster_check_stale_hours(const char *v)
{
	int64_t n;
	return parse_i64(&n, v, 1, 168);
}

int disaster_web_init(void **state, struct app *a, struct err *e)
{
	struct disaster_web_config *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "disaster: no memory");
	c->stale_hours = DISASTER_STALE_HOURS_DEFAULT;
	int64_t n;
	const char *s = svc_option(a, "disaster-stale-hours");
	if (s && parse_i64(&n, s, 1, 168) == 0)
		c->stale_hours = (int)n;
	*state = c;
	return 0;
}

void disaster_web_done(void *state)
{
	free(state);
}

int64_t disaster_stale_secs(struct http_req *r)
{
	const struct disaster_web_config *c = svc_state(r, &svc_disaster);
	return (int64_t)(c ? c->stale_hours : DISASTER_STALE_HOURS_DEFAULT) * 3600;
}
