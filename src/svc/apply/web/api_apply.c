/*
 * api_apply.c -- the JSON API of online applications (電子申請) under
 * /api/v1: the published procedures (public), a resident's drafts,
 * attachments, canonical bytes, submission and withdrawal, and the staff
 * side (lists with filters and keyset paging, one submission with its
 * history, transitions, assignment, internal comments).  Described in
 * docs/openapi.yaml; every route is declared in web/routes.c beside it.
 *
 * Invariants:
 *   - Who may call a route is decided by the route table before a handler
 *     runs (permissions "api:resident", "api:applications.read", ...: see
 *     src/web/api_auth.c, which also accepts `Authorization: Bearer` and
 *     checks the X-CSRF-Token header of cookie sessions on writes).  Which
 *     records a caller sees is decided by src/svc/apply (the actor from
 *     app_apply_actor): another resident's draft or a submission outside
 *     a member of staff's departments is 404, never 403.
 *   - Errors use the server's one JSON error shape
 *     {"error":{"code","status","message":{"ja","en"},"request_id"}};
 *     validation errors are 422 with "errors":[{path, code, message_ja,
 *     message_en}] and never echo a value.
 *   - Every change to a submission (submit, withdraw, transition,
 *     assignment, comment) appends an audit record in the change's
 *     transaction (a submission's through its options' in_tx, so
 *     that the group commit carries it); a
 *     resident's own drafts and uploads are not audited (nobody else sees
 *     them before they are submitted, and their writes go through
 *     src/svc/apply's group commit, which a record of their own would
 *     serialise).  Nothing personal goes into a detail or a log line
 *     (ids, receipt numbers and rule names only).
 *   - Answers leave through apply_view: a 個人番号 in clear only to staff
 *     holding personal.read; every staff read of a submission or an
 *     attachment appends a data.read record (a clear 個人番号 one more).
 *     The account's attachment quota and upload rate answer 413 / 429
 *     (app_upload_refused).
 *
 * Limits: JSON bodies at most the server's body limit and APPLY_ANSWERS_MAX
 * (answers), API_NOTE_MAX bytes for a note, APPLY_COMMENT_MAX for a
 * comment, API_SIG_B64_MAX bytes of base64 signature, lists at most
 * APPLY_PAGE_MAX rows (default API_PAGE_DEFAULT), attachments the field's
 * max_bytes (and the server's body limit).
 */
#include "web/app.h"
#include "svc/apply/web/app_apply.h"
#include "svc/apply/apply.h"
#include "core/forms/forms.h"
#include "core/sign/sign.h"
#include "base/log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define API_PAGE_DEFAULT 50
#define API_NOTE_MAX APPLY_COMMENT_MAX
#define API_SIG_B64_MAX (256u << 10)
#define API_MAX_PROCEDURES 1000

/* ---- responses ---- */


/* send j (consumed) with status */
static int send_json(struct http_req *r, int status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "json encoding");
	http_set_header(r, "cache-control", "no-store");
	http_send_json(r, status, s);
	free(s);
	return 0;
}

static int fail(struct http_req *r, int rc, const struct err *e)
{
	switch (rc) {
	case ERR_NOTFOUND:
		return app_send_error(r, rc, "apply.error.not_found", e ? e->detail : NULL);
	case ERR_CONFLICT:
		return app_send_error(r, rc, "apply.error.state", e ? e->detail : NULL);
	case ERR_LIMIT:
		return app_send_error(r, rc, "apply.error.limit", e ? e->detail : NULL);
	default:
		return http_send_error(r, rc, NULL, NULL, e ? e->detail : NULL);
	}
}

/* 422 with a list of problems (paths, codes and messages: never values) */
struct api_problems {
	json_t *list;
};

static void problems_init(struct api_problems *p)
{
	p->list = json_array();
}

/* a problem in the texts given (a forms error's own) */
static void problem_add_texts(struct api_problems *p, const char *path, const char *code,
			      const char *ja, const char *en)
{
	json_array_append_new(p->list, json_pack("{s:s,s:s,s:s,s:s}", "path", path,
						 "code", code, "message_ja", ja,
						 "message_en", en));
}

/* a problem with the catalog's message id */
static void problem_add(struct api_problems *p, const char *path, const char *code,
			const char *id)
{
	problem_add_texts(p, path, code, html_t(HTML_JA, id), html_t(HTML_EN, id));
}

static int send_problems(struct http_req *r, struct api_problems *p)
{
	char st[8];
	snprintf(st, sizeof st, "%d", 422);
	log_info("request refused", "status", st, "code", "invalid", "detail",
		 "validation errors");
	json_t *j = json_pack("{s:{s:s,s:i,s:{s:s,s:s},s:s,s:o}}", "error",
			      "code", "invalid", "status", 422, "message",
			      "ja", html_t(HTML_JA, "api.error.check_answers"),
			      "en", html_t(HTML_EN, "api.error.check_answers"),
			      "request_id", r->request_id, "errors", p->list);
	return send_json(r, 422, j);
}

/* an error with a status the ERR_* codes do not give (501) */
static int send_status_error(struct http_req *r, int status, const char *code,
			     const char *id, const char *detail)
{
	const char *ja = html_t(HTML_JA, id), *en = html_t(HTML_EN, id);
	char st[8];
	snprintf(st, sizeof st, "%d", status);
	log_info("request refused", "status", st, "code", code, "detail", detail);
	return send_json(r, status, json_pack("{s:{s:s,s:i,s:{s:s,s:s},s:s}}", "error",
					      "code", code, "status", status, "message",
					      "ja", ja, "en", en, "request_id", r->request_id));
}

static int send_result_errors(struct http_req *r, const struct forms_result *fr)
{
	struct api_problems p;
	problems_init(&p);
	for (int i = 0; fr && i < fr->nerrors; i++)
		problem_add_texts(&p, fr->errors[i].path,
				  fr->errors[i].code ? fr->errors[i].code : "invalid",
				  fr->errors[i].ja, fr->errors[i].en);
	if (fr && fr->truncated)
		problem_add(&p, "", "too_many_errors", "api.error.more_errors");
	if (json_array_size(p.list) == 0)
		problem_add(&p, "", "invalid", "api.error.answers_invalid");
	return send_problems(r, &p);
}

static int send_one_problem(struct http_req *r, const char *path, const char *code,
			    const char *id)
{
	struct api_problems p;
	problems_init(&p);
	problem_add(&p, path, code, id);
	return send_problems(r, &p);
}

/* one problem in texts given by the domain (core/sign's reasons, which
 * carry their own three languages for the CLI as well) */
static int send_one_problem_texts(struct http_req *r, const char *path, const char *code,
				  const char *ja, const char *en)
{
	struct api_problems p;
	problems_init(&p);
	problem_add_texts(&p, path, code, ja, en);
	return send_problems(r, &p);
}

static const char *iso_time(struct http_req *r, int64_t t)
{
	if (t <= 0)
		return NULL;
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char s[32];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(r->arena, s);
}

static json_t *jtime(struct http_req *r, int64_t t)
{
	const char *s = iso_time(r, t);
	return s ? json_string(s) : json_null();
}

/* ---- request bodies ---- */

/* the JSON object body; NULL after answering 400 (not JSON, not an
 * object, duplicate keys) or 413.  An empty body is {} when empty_ok. */
static json_t *body_object(struct http_req *r, int empty_ok)
{
	size_t n = 0;
	const char *b = http_body(r, &n);
	if ((!b || n == 0) && empty_ok)
		return json_object();
	json_error_t je;
	json_t *j = b && n ? json_loadb(b, n, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!j || !json_is_object(j)) {
		json_decref(j);
		app_send_error(r, ERR_INVALID, "apply.error.json", "bad json body");
		return NULL;
	}
	return j;
}

static int64_t parse_id(const char *s)
{
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

/* the actor of the request (resident or staff with departments) */
static int actor_of(struct apply_actor *who, struct http_req *r)
{
	int rc = app_apply_actor(who, r->arena, r);
	if (rc)
		http_send_error(r, rc, NULL, NULL, "no actor for the request");
	return rc;
}

/* ---- procedures (public) ---- */

struct proc_row {
	char id[FORMS_ID_MAX + 1];
	int version;
};
struct proc_list {
	struct proc_row *rows;
	int n, cap;
	struct arena *a;
};

static void proc_collect(const struct forms_published *p, void *arg)
{
	struct proc_list *l = arg;
	if (l->n >= API_MAX_PROCEDURES)
		return;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct proc_row *nr = arena_alloc(l->a, (size_t)cap * sizeof *nr);
		if (!nr)
			return;
		if (l->n)
			memcpy(nr, l->rows, (size_t)l->n * sizeof *nr);
		l->rows = nr;
		l->cap = cap;
	}
	snprintf(l->rows[l->n].id, sizeof l->rows[l->n].id, "%s", p->id);
	l->rows[l->n].version = p->version;
	l->n++;
}

static json_t *text_json(const struct forms_text *t)
{
	json_t *j = json_pack("{s:s,s:s}", "ja", t->ja ? t->ja : "", "en", t->en ? t->en : "");
	if (t->ja_easy)
		json_object_set_new(j, "ja-easy", json_string(t->ja_easy));
	return j;
}

static json_t *procedure_summary(const struct forms_def *d, int version)
{
	return json_pack("{s:s,s:i,s:o,s:s,s:s,s:{s:I,s:s}}", "code", d->id,
			 "version", version, "title", text_json(&d->title),
			 "department", d->department ? d->department : "",
			 "signature", d->signature ? d->signature : "none",
			 "fee", "amount_yen", (json_int_t)d->fee_yen,
			 "timing", d->fee_timing ? d->fee_timing : "none");
}

int api_procedures_list(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct proc_list l = { .a = r->arena };
	struct err e;
	int rc = forms_list(app_store(r), q->tenant.code, proc_collect, &l, &e);
	if (rc < 0)
		return fail(r, rc, &e);
	json_t *items = json_array();
	for (int i = 0; i < l.n; i++) {
		struct forms_def *d;
		int v;
		if ((rc = forms_load_version(&d, &v, r->arena, app_store(r),
					     &(struct forms_ref){ .tenant = q->tenant.code,
								  .id = l.rows[i].id,
								  .version = l.rows[i].version },
					     &e))) {
			json_decref(items);
			return fail(r, rc, &e);
		}
		json_array_append_new(items, procedure_summary(d, v));
	}
	return send_json(r, 200, json_pack("{s:o}", "procedures", items));
}

int api_procedure_get(struct http_req *r)
{
	struct app_req *q = app_req(r);
	const char *code = http_param(r, "code");
	const char *vs = http_param(r, "version");
	int version = vs ? (int)parse_id(vs) : 0;
	if (vs && version <= 0)
		return send_one_problem(r, "version", "invalid", "api.error.version_invalid");
	struct forms_def *d;
	int v;
	struct err e;
	int rc = forms_load_version(&d, &v, r->arena, app_store(r),
				    &(struct forms_ref){ .tenant = q->tenant.code, .id = code,
							 .version = version }, &e);
	if (rc)
		return fail(r, rc, &e);
	return send_json(r, 200, json_pack("{s:s,s:i,s:O}", "code", d->id, "version", v,
					   "definition", d->json));
}

/* ---- drafts (resident) ---- */

static json_t *draft_json(struct http_req *r, const struct apply_draft *d)
{
	return json_pack("{s:I,s:s,s:i,s:i,s:O,s:o,s:o}", "id", (json_int_t)d->id,
			 "procedure", d->procedure, "version", d->version, "page", d->page,
			 "answers", d->answers ? d->answers : json_object(),
			 "created_at", jtime(r, d->created_at),
			 "updated_at", jtime(r, d->updated_at));
}

/* one write: begin, fn, audit, commit; answers the error itself */
static int audit_in_tx(struct http_req *r, const char *action, const char *type,
		       const char *id, struct err *e)
{
	struct app_actor a;
	app_actor_of(&a, r);
	return app_audit_as(app_store(r), &app_of(r)->audit, &a,
			    &(struct app_audit_entry){ .action = action, .object_type = type,
						       .object_id = id, .result = AUDIT_R_OK },
			    e);
}

static int tx_begin(struct http_req *r, struct err *e)
{
	return store_begin(app_store(r), e);
}

static int tx_end(struct http_req *r, int rc, struct err *e)
{
	if (rc == 0)
		return store_commit(app_store(r), e);
	store_rollback(app_store(r));
	return rc;
}

int api_draft_create(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 0);
	if (!body)
		return 0;
	const char *proc = json_string_value(json_object_get(body, "procedure"));
	if (!proc || strlen(proc) > FORMS_ID_MAX) {
		json_decref(body);
		return send_one_problem(r, "procedure", "required", "api.error.procedure_required");
	}
	struct err e;
	int64_t id = 0;
	int rc = apply_draft_create(&id, app_store(r), &who,
				    &(struct apply_draft_start){ .procedure = proc }, app_now(),
				    &e);
	json_decref(body);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "apply.error.no_procedure", e.detail);
	if (rc)
		return fail(r, rc, &e);
	struct apply_draft d;
	if ((rc = apply_draft_get(&d, r->arena, app_store(r), &who, id, &e)))
		return fail(r, rc, &e);
	char loc[64];
	snprintf(loc, sizeof loc, "/api/v1/drafts/%lld", (long long)id);
	http_set_header(r, "location", arena_strdup(r->arena, loc));
	return send_json(r, 201, draft_json(r, &d));
}

int api_draft_get(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	struct apply_draft d;
	struct err e;
	int rc = apply_draft_get(&d, r->arena, app_store(r), &who,
				 parse_id(http_param(r, "id")), &e);
	if (rc)
		return fail(r, rc, &e);
	return send_json(r, 200, draft_json(r, &d));
}

int api_draft_put(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 0);
	if (!body)
		return 0;
	json_t *answers = json_object_get(body, "answers");
	json_t *page = json_object_get(body, "page");
	struct api_problems p;
	problems_init(&p);
	if (!json_is_object(answers))
		problem_add(&p, "answers", "required", "api.error.answers_object");
	if (page && (!json_is_integer(page) || json_integer_value(page) < 0 ||
		     json_integer_value(page) >= FORMS_MAX_PAGES))
		problem_add(&p, "page", "invalid", "api.error.page_invalid");
	if (json_array_size(p.list)) {
		json_decref(body);
		return send_problems(r, &p);
	}
	json_decref(p.list);
	int64_t id = parse_id(http_param(r, "id"));
	struct err e;
	int rc = apply_draft_save(app_store(r), &who, id, answers,
				  page ? (int)json_integer_value(page) : 0, app_now(), &e);
	json_decref(body);
	if (rc)
		return fail(r, rc, &e);
	struct apply_draft d;
	if ((rc = apply_draft_get(&d, r->arena, app_store(r), &who, id, &e)))
		return fail(r, rc, &e);
	return send_json(r, 200, draft_json(r, &d));
}

int api_draft_delete(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	struct err e;
	int rc = apply_draft_delete(app_store(r), &who, parse_id(http_param(r, "id")), &e);
	if (rc)
		return fail(r, rc, &e);
	return send_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

int api_draft_file_put(struct http_req *r)
{
	api_json_errors(r);
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	int64_t id = parse_id(http_param(r, "id"));
	const char *field = http_param(r, "field");
	const char *name = http_param(r, "name");
	struct apply_draft d;
	struct err e;
	int rc = apply_draft_get(&d, r->arena, app_store(r), &who, id, &e);
	if (rc)
		return fail(r, rc, &e);
	const struct forms_def *def;
	if ((rc = apply_load_def(&def, NULL, r->arena, app_store(r),
				 &(struct apply_def_ref){ .tenant = who.tenant,
							  .procedure = d.procedure,
							  .version = d.version },
				 &e)))
		return fail(r, rc, &e);
	const struct forms_field *f = forms_def_field(def, field);
	if (!f || f->type != FORMS_T_FILE)
		return app_send_error(r, ERR_NOTFOUND, "apply.error.no_file_field", "no file field");
	size_t n = 0;
	const char *data = http_body(r, &n);
	if (!data || n == 0)
		return send_one_problem(r, field, "empty", "api.error.file_empty");
	json_t *meta = NULL;
	rc = apply_file_put(&meta, app_store(r), &who,
			    &(struct apply_file_in){ .field = f, .name = name ? name : "file",
						     .data = data, .n = n },
			    app_now(), &e);
	if (rc == ERR_INVALID) {
		json_decref(meta);
		return send_one_problem(r, field, "type", "api.error.file_type");
	}
	if (rc == ERR_LIMIT) {
		json_decref(meta);
		if (app_upload_refused(r, &e))   /* the account's quota or rate */
			return 0;
		return app_send_error(r, ERR_LIMIT, "apply.error.file_too_large", e.detail);
	}
	if (rc) {
		json_decref(meta);
		return fail(r, rc, &e);
	}
	return send_json(r, 201, json_pack("{s:s,s:o}", "field", field, "file", meta));
}

int api_draft_canonical(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	struct apply_canonical_result cr;
	struct err e;
	int rc = apply_canonical(&cr, r->arena, app_store(r), &who, parse_id(http_param(r, "id")),
				 app_now(), &e);
	char *text = cr.text;
	size_t len = cr.len;
	struct forms_result fr = cr.check;
	if (rc == ERR_INVALID && fr.nerrors)
		return send_result_errors(r, &fr);
	if (rc == 0 && (!text || len == 0))
		rc = err_set(&e, ERR_INTERNAL, "no canonical bytes");
	if (rc)
		return fail(r, rc, &e);
	char hex[65];
	forms_sha256_hex(hex, text, len);
	http_set_header(r, "x-content-sha256", arena_strdup(r->arena, hex));
	http_set_header(r, "cache-control", "no-store");
	return http_send(r, 200, "application/json", text, len);
}

static json_t *submission_json(struct http_req *r, const struct apply_submission *s,
			       int staff)
{
	json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:s,s:i,s:o,s:o,s:o,s:b}",
			      "receipt", s->receipt, "procedure", s->procedure,
			      "version", s->version, "department", s->department,
			      "status", s->status, "revision", s->revision,
			      "submitted_at", jtime(r, s->submitted_at),
			      "updated_at", jtime(r, s->updated_at),
			      "due_at", jtime(r, s->due_at),
			      "signed", s->sig_serial[0] != 0);
	if (j && s->payment[0])   /* the fee paid before submission: its payment's number */
		json_object_set_new(j, "payment", json_string(s->payment));
	if (staff) {
		json_object_set_new(j, "id", json_integer(s->id));
		json_object_set_new(j, "assignee", s->assignee ? json_integer(s->assignee) : json_null());
		json_object_set_new(j, "duplicate_of",
				    s->duplicate_of ? json_integer(s->duplicate_of) : json_null());
		json_object_set_new(j, "entered_by_staff", json_boolean(s->resident_id == 0));
	}
	return j;
}

/* d: the definition of s's version when the caller has it (version dv),
 * else NULL: loaded here */
static int send_submission_def(struct http_req *r, int status, const struct apply_submission *s,
			       const struct apply_actor *who, const struct forms_def *d, int dv)
{
	int staff = who->kind == APPLY_STAFF;
	/* what the caller may see of the answers and what to audit: src/svc/apply
	 * decides (apply_view), as for the pages; the API has no "reveal"
	 * step, so staff holding personal.read get the 個人番号 in clear and
	 * that read is audited as such */
	struct apply_view av;
	memset(&av, 0, sizeof av);
	struct err ve;
	if (s->answers) {
		int rc = 0;
		if (!d || dv != s->version)
			rc = apply_load_def(&d, NULL, r->arena, app_store(r),
					    &(struct apply_def_ref){ .tenant = who->tenant,
								     .procedure = s->procedure,
								     .version = s->version },
					    &ve);
		if (rc == 0)
			rc = apply_view(&av, r->arena, who, d, s->answers, APPLY_REVEAL_IF_ALLOWED, &ve);
		if (rc)
			return fail(r, rc, &ve);
	} else {
		av.audit_read = apply_read_audited(who);
	}
	json_t *j = submission_json(r, s, staff);
	if (av.answers)
		json_object_set(j, "answers", av.answers);
	json_object_set_new(j, "sha256", json_string(s->sha256));
	if (s->return_note[0])
		json_object_set_new(j, "return_note", json_string(s->return_note));
	if (s->sig_serial[0])
		json_object_set_new(j, "signature", json_pack("{s:s,s:s}", "serial", s->sig_serial,
							      "subject", s->sig_subject));
	struct apply_history_item *h = NULL;
	int n = 0;
	struct err e;
	if (apply_history(&h, &n, r->arena, app_store(r), who, s->id, &e) == 0) {
		json_t *hist = json_array();
		for (int i = 0; i < n; i++) {
			json_t *it = json_pack("{s:o,s:s}", "at", jtime(r, h[i].at), "kind", h[i].kind);
			if (h[i].from[0])
				json_object_set_new(it, "from", json_string(h[i].from));
			if (h[i].to[0])
				json_object_set_new(it, "to", json_string(h[i].to));
			if (h[i].text)
				json_object_set_new(it, "text", json_string(h[i].text));
			json_object_set_new(it, "by", json_string(
				h[i].actor_kind == APPLY_RESIDENT ? "resident" :
				h[i].actor_kind == APPLY_STAFF ? "staff" : "system"));
			if (staff) {
				json_object_set_new(it, "internal", json_boolean(h[i].internal));
				if (h[i].actor_kind == APPLY_STAFF)
					json_object_set_new(it, "staff_id", json_integer(h[i].actor_id));
			}
			json_array_append_new(hist, it);
		}
		json_object_set_new(j, "history", hist);
	} else {
		json_decref(j);
		return fail(r, ERR_INTERNAL, &e);
	}
	if (status == 201) {
		char loc[80];
		snprintf(loc, sizeof loc, "/api/v1/submissions/%s", s->receipt);
		http_set_header(r, "location", arena_strdup(r->arena, loc));
	}
	if (av.audit_read)
		app_audit(r, AUDIT_A_READ, "submission", s->receipt, AUDIT_R_OK);
	if (av.audit_reveal)
		app_audit(r, AUDIT_A_READ, "submission.my_number", s->receipt, AUDIT_R_OK);
	return send_json(r, status, j);
}

static int send_submission(struct http_req *r, int status, const struct apply_submission *s,
			   const struct apply_actor *who)
{
	return send_submission_def(r, status, s, who, NULL, 0);
}

/* the answer to a submission attempt: 201 with it, or the problems (the
 * answers' errors, a missing signature with the caller's words (a
 * catalog id), any
 * other error) */
/* What a submission attempt came to, as submit_answer answers it. */
struct submit_outcome {
	int rc;                             /* apply_submit's or
					       apply_submit_answers'        */
	const struct forms_result *check;   /* rc ERR_INVALID: the answers' errors */
	const struct err *e;                /* rc != 0: the error            */
	const struct apply_submission *sub; /* rc 0: the submission made     */
};

static int submit_answer(struct http_req *r, const struct submit_outcome *o,
			 const struct apply_actor *who, const struct forms_def *d, int dv,
			 const char *sig_id)
{
	int rc = o->rc;
	const struct forms_result *fr = o->check;
	const struct err *e = o->e;
	const struct apply_submission *s = o->sub;
	if (rc == ERR_INVALID && fr->nerrors)
		return send_result_errors(r, fr);
	if (rc == ERR_INVALID)
		return send_one_problem(r, "", "invalid", "api.error.application_invalid");
	if (rc == ERR_AUTH)
		return send_one_problem(r, "signature", "required", sig_id);
	if (rc == ERR_LIMIT && app_upload_refused(r, e))
		return 0;
	if (rc)
		return fail(r, rc, e);
	return send_submission_def(r, 201, s, who, d, dv);
}

/* the submission itself, once any signature is verified (sig may be NULL) */
static int submit_now(struct http_req *r, const struct apply_actor *who, int64_t id,
		      const struct apply_signature *sig, const char *signed_sha)
{
	struct apply_submit_result sr;
	struct err e;
	/* the audit record commits with the submission (one group commit);
	 * a signed submission is stored only over the bytes verified */
	struct app_submit_audit au;
	app_submit_audit_init(&au, r, sig ? "apply.submit.signed" : "apply.submit", "submission");
	struct apply_submit_opts o = { .sig = sig, .expect_sha256 = signed_sha,
				       .in_tx = app_submit_audit, .in_tx_arg = &au };
	int rc = apply_submit(&sr, r->arena, app_store(r), who,
			      &(struct apply_draft_submit){ .draft_id = id, .opts = o }, app_now(), &e);
	struct apply_submission s = sr.sub;
	struct forms_result fr = sr.check;
	if (rc == ERR_CONFLICT && sr.stale)
		return app_send_error(r, rc, "apply.error.changed_after_signing", e.detail);
	if (rc == ERR_CONFLICT && sr.fee_unpaid)   /* the fee is paid before submission */
		return app_send_error(r, rc, "apply.error.fee_unpaid", e.detail);
	return submit_answer(r, &(struct submit_outcome){ .rc = rc, .check = &fr, .e = &e,
							  .sub = &s },
			     who, NULL, 0, "api.error.signature_required");
}

/* POST /api/v1/procedures/{code}/submissions -- a whole submission in one
 * request, for automation (a staff system, an OCR intake, a client that
 * keeps its own draft): multipart/form-data with a part "answers" (the
 * JSON object of answers) and one part per attachment named by its file
 * field (filename given), or an application/json body {"answers": {...}}
 * when there is no attachment.  Each attachment is checked as PUT
 * .../files/{field} checks it and becomes that field's answer; the
 * answers are submitted as a draft's would be, the uploads' rows, the
 * submission and its audit record in one group commit
 * (apply_submit_answers).  A procedure that
 * requires a signature is refused here: its bytes are signed through a
 * draft (GET .../canonical). */
int api_procedure_submit(struct http_req *r)
{
	api_json_errors(r);   /* a multipart route, answering as the JSON API */
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	const char *code = http_param(r, "code");
	struct err e;
	const struct forms_def *def;
	int dver = 0;
	int rc = apply_load_def(&def, &dver, r->arena, app_store(r),
				&(struct apply_def_ref){ .tenant = who.tenant, .procedure = code },
				&e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "apply.error.no_procedure", e.detail);
	if (rc)
		return fail(r, rc, &e);
	const char *ct = http_header(r, "content-type");
	size_t len = 0;
	const char *body = http_body(r, &len);
	json_t *answers = NULL;
	struct http_part *parts = NULL;
	int nparts = 0;
	char boundary[HTTP_MULTIPART_BOUNDARY_MAX + 1];
	if (ct && http_multipart_boundary(boundary, sizeof boundary, ct) == 0) {
		parts = arena_alloc(r->arena, HTTP_MAX_PARTS * sizeof *parts);
		if (!parts)
			return fail(r, ERR_NOMEM, NULL);
		nparts = http_parse_multipart(parts, HTTP_MAX_PARTS, body, len, boundary, r->arena);
		if (nparts < 0)
			return app_send_error(r, ERR_INVALID, "apply.error.multipart", "multipart not parsed");
		for (int i = 0; i < nparts; i++)
			if (!parts[i].filename && strcmp(parts[i].name, "answers") == 0 && !answers) {
				json_error_t je;
				answers = json_loadb(parts[i].data, parts[i].len, JSON_REJECT_DUPLICATES, &je);
				if (!answers || !json_is_object(answers)) {
					json_decref(answers);
					return send_one_problem(r, "answers", "invalid",
						"api.error.answers_not_object");
				}
			}
	} else {
		json_t *b = body_object(r, 0);
		if (!b)
			return 0;
		answers = json_incref(json_object_get(b, "answers"));
		json_decref(b);
		if (!answers || !json_is_object(answers)) {
			json_decref(answers);
			return send_one_problem(r, "answers", "invalid",
				"api.error.answers_not_object2");
		}
	}
	if (!answers)
		return send_one_problem(r, "answers", "required", "api.error.answers_missing");
	/* the attachments: one part per file field, written with the
	 * submission (apply_submit_answers) */
	struct apply_upload ups[HTTP_MAX_FILES];
	int nups = 0;
	for (int i = 0; i < nparts; i++) {
		if (!parts[i].filename)
			continue;
		const char *field = parts[i].name;
		for (int k = 0; k < nups; k++)
			if (strcmp(ups[k].field, field) == 0) {
				json_decref(answers);
				return send_one_problem(r, field, "duplicate", "api.error.file_duplicate");
			}
		if (parts[i].len == 0) {
			json_decref(answers);
			return send_one_problem(r, field, "empty", "api.error.file_empty");
		}
		if (nups == HTTP_MAX_FILES) {
			json_decref(answers);
			return app_send_error(r, ERR_LIMIT, "apply.error.too_many_files",
					      "too many file parts", HTTP_MAX_FILES);
		}
		ups[nups++] = (struct apply_upload){ field, parts[i].filename, parts[i].data,
						     parts[i].len };
	}
	struct app_submit_audit au;
	app_submit_audit_init(&au, r, "apply.submit", "submission");
	struct apply_submit_result sr;
	rc = apply_submit_answers(&sr, r->arena, app_store(r), &who,
				  &(struct apply_answers_in){ .procedure = def->id,
							      .answers = answers,
							      .uploads = ups,
							      .nuploads = nups,
							      .opts.in_tx = app_submit_audit,
							      .opts.in_tx_arg = &au },
				  app_now(), &e);
	struct apply_submission sub = sr.sub;
	struct forms_result fr = sr.check;
	json_decref(answers);
	if (rc == ERR_CONFLICT && sr.fee_unpaid)   /* no draft: nothing it could be paid for */
		return app_send_error(r, rc, "apply.error.fee_counter", e.detail);
	return submit_answer(r, &(struct submit_outcome){ .rc = rc, .check = &fr, .e = &e,
							  .sub = &sub },
			     &who, def, dver, "api.error.signature_required_draft");
}

/* signature verification on the blocking pool (about 1.4 ms of CPU):
 * the deferral's copy holds the header, the signed bytes, the signature
 * as received and room for its DER */
struct sig_job {
	const struct sign_trust *trust;
	int64_t draft_id, now;
	size_t n, cms_len, der_len;
	int rc, der_rc;
	struct sign_result res;
	char sha[65];
	char detail[ERR_DETAIL_MAX];
	unsigned char bytes[];       /* data[n], cms[cms_len], der[SIGN_CMS_MAX] */
};

static void sig_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct sig_job *j = arg;
	struct err e;
	err_clear(&e);
	const unsigned char *data = j->bytes, *cms = j->bytes + j->n;
	j->rc = sign_verify(&j->res, j->trust,
			    &(struct sign_verify_in){ .data = data, .n = j->n, .cms = cms,
						      .cms_len = j->cms_len },
			    j->now, &e);
	snprintf(j->detail, sizeof j->detail, "%s", e.detail);
	if (j->rc == 0) {
		struct buf b;
		buf_init(&b, SIGN_CMS_MAX);
		j->der_rc = sign_cms_der(&b, cms, j->cms_len, &e);
		if (j->der_rc == 0) {
			j->der_len = b.len;
			memcpy(j->bytes + j->n + j->cms_len, b.data, b.len);
		}
		buf_done(&b);
	}
}

static int sig_done(struct http_req *r, void *arg)
{
	struct sig_job *j = arg;
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	if (j->rc == ERR_UNAVAILABLE)
		return send_status_error(r, 501, "not_implemented", "api.error.signatures_not_set_up",
					 "no trust store (serve --trust-dir)");
	if (j->rc == ERR_AUTH)
		return send_one_problem_texts(r, "signature", sign_reason_name(j->res.reason),
					sign_reason_message(j->res.reason, "ja"),
					sign_reason_message(j->res.reason, "en"));
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->detail);
	if (j->der_rc)
		return send_one_problem_texts(r, "signature", "bad_format",
					sign_reason_message(SIGN_BAD_FORMAT, "ja"),
					sign_reason_message(SIGN_BAD_FORMAT, "en"));
	struct apply_signature sig = {
		.serial = j->res.serial, .subject = j->res.subject, .issuer = j->res.issuer,
		.not_after = j->res.not_after, .cms = j->bytes + j->n + j->cms_len,
		.cms_len = j->der_len,
	};
	return submit_now(r, &who, j->draft_id, &sig, j->sha);
}

int api_draft_submit(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 1);
	if (!body)
		return 0;
	int64_t id = parse_id(http_param(r, "id"));
	json_t *sigj = json_object_get(body, "signature");
	if (!sigj || json_is_null(sigj)) {
		json_decref(body);
		return submit_now(r, &who, id, NULL, NULL);
	}
	const char *s64 = json_string_value(sigj);
	size_t cms_len = s64 ? strlen(s64) : 0;
	if (!s64 || cms_len == 0 || cms_len > API_SIG_B64_MAX) {
		json_decref(body);
		return send_one_problem(r, "signature", "bad_format",
			"api.error.signature_format");
	}
	/* the bytes signed: this draft's canonical form, now */
	struct apply_canonical_result cr;
	struct err e;
	int rc = apply_canonical(&cr, r->arena, app_store(r), &who, id, app_now(), &e);
	char *text = cr.text;
	size_t len = cr.len;
	struct forms_result fr = cr.check;
	if (rc == ERR_INVALID && fr.nerrors) {
		json_decref(body);
		return send_result_errors(r, &fr);
	}
	if (rc == 0 && (!text || len == 0))
		rc = err_set(&e, ERR_INTERNAL, "no canonical bytes to verify");
	if (rc) {
		json_decref(body);
		return fail(r, rc, &e);
	}
	size_t size = sizeof(struct sig_job) + len + cms_len + SIGN_CMS_MAX;
	struct sig_job *j = malloc(size);
	if (!j) {
		json_decref(body);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "signature job");
	}
	memset(j, 0, sizeof *j);
	j->trust = app_trust(r);
	j->draft_id = id;
	j->now = app_now();
	j->n = len;
	j->cms_len = cms_len;
	forms_sha256_hex(j->sha, text, len);
	memcpy(j->bytes, text, len);
	memcpy(j->bytes + len, s64, cms_len);
	json_decref(body);
	rc = http_defer(r, sig_work, sig_done, j, size);
	free(j);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "cannot defer the signature check");
	return 0;
}

/* ---- submissions ---- */

static int list_answer(struct http_req *r, const struct apply_actor *who,
		       const struct apply_filter *f)
{
	struct apply_submission *rows = NULL;
	int n = 0;
	struct err e;
	int rc = apply_list(&rows, &n, r->arena, app_store(r), who, f, &e);
	if (rc)
		return fail(r, rc, &e);
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, submission_json(r, &rows[i], who->kind == APPLY_STAFF));
	json_t *j = json_pack("{s:o}", "submissions", items);
	if (n == f->limit && n > 0)
		json_object_set_new(j, "next", json_string(arena_printf(r->arena, "%lld",
						  (long long)rows[n - 1].id)));
	else
		json_object_set_new(j, "next", json_null());
	return send_json(r, 200, j);
}

static int64_t parse_when(const char *s)
{
	if (!s)
		return 0;
	if (strlen(s) == 10) { /* YYYY-MM-DD, UTC midnight */
		struct tm tm = { 0 };
		if (sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
			return -1;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		return (int64_t)timegm(&tm);
	}
	return -1;
}

static int limit_of(struct http_req *r, int *limit)
{
	const char *l = http_param(r, "limit");
	*limit = API_PAGE_DEFAULT;
	if (!l)
		return 0;
	int64_t v = parse_id(l);
	if (v <= 0 || v > APPLY_PAGE_MAX)
		return send_one_problem(r, "limit", "out_of_range", "api.error.limit_range"), ERR_INVALID;
	*limit = (int)v;
	return 0;
}

int api_my_submissions(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	struct apply_filter f = { .assignee = -1, .now = app_now() };
	if (limit_of(r, &f.limit))
		return 0;
	f.after_id = parse_id(http_param(r, "cursor"));
	return list_answer(r, &who, &f);
}

int api_submissions_list(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	struct apply_filter f = {
		.department = http_param(r, "department"),
		.procedure = http_param(r, "procedure"),
		.status = http_param(r, "status"),
		.assignee = -1,
		.now = app_now(),
	};
	if (limit_of(r, &f.limit))
		return 0;
	f.after_id = parse_id(http_param(r, "cursor"));
	f.from = parse_when(http_param(r, "from"));
	f.to = parse_when(http_param(r, "to"));
	if (f.from < 0 || f.to < 0)
		return send_one_problem(r, f.from < 0 ? "from" : "to", "invalid_date",
					"api.error.date_format");
	if (f.to)
		f.to += 86400 - 1; /* the whole day */
	const char *as = http_param(r, "assignee");
	if (as && strcmp(as, "none") == 0)
		f.assignee = 0;
	else if (as && strcmp(as, "me") == 0)
		f.assignee = app_req(r)->ses.account_id;
	else if (as)
		f.assignee = parse_id(as);
	f.overdue = http_param(r, "overdue") && strcmp(http_param(r, "overdue"), "1") == 0;
	f.duplicates = http_param(r, "duplicates") && strcmp(http_param(r, "duplicates"), "1") == 0;
	return list_answer(r, &who, &f);
}

static int load_submission(struct apply_submission *s, struct http_req *r,
			   const struct apply_actor *who)
{
	struct err e;
	int rc = apply_get_by_receipt(s, r->arena, app_store(r), who,
				      http_param(r, "receipt"), &e);
	if (rc)
		fail(r, rc, &e);
	return rc;
}

int api_submission_get(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	struct apply_submission s;
	if (load_submission(&s, r, &who))
		return 0;
	return send_submission(r, 200, &s, &who);
}

int api_submission_withdraw(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 1);
	if (!body)
		return 0;
	json_decref(body);
	struct apply_submission s;
	if (load_submission(&s, r, &who))
		return 0;
	struct err e;
	int rc = tx_begin(r, &e);
	if (rc == 0) {
		rc = apply_withdraw(app_store(r), &who, s.id, app_now(), &e);
		if (rc == 0)
			rc = audit_in_tx(r, "apply.withdraw", "submission", s.receipt, &e);
		rc = tx_end(r, rc, &e);
	}
	if (rc)
		return fail(r, rc, &e);
	if (load_submission(&s, r, &who))
		return 0;
	return send_submission(r, 200, &s, &who);
}

int api_submission_transition(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 0);
	if (!body)
		return 0;
	const char *to = json_string_value(json_object_get(body, "to"));
	json_t *notej = json_object_get(body, "note");
	json_t *expj = json_object_get(body, "expect_from");
	const char *note = json_string_value(notej);
	const char *expect = json_string_value(expj);
	struct api_problems p;
	problems_init(&p);
	if (!to || !*to || strlen(to) > APPLY_STATE_MAX)
		problem_add(&p, "to", "required", "api.error.state_required");
	if (notej && !json_is_null(notej) && (!note || strlen(note) > API_NOTE_MAX))
		problem_add(&p, "note", "too_long", "api.error.note_too_long");
	if (expj && !json_is_null(expj) && (!expect || strlen(expect) > APPLY_STATE_MAX))
		problem_add(&p, "expect_from", "invalid", "api.error.expect_from_invalid");
	if (json_array_size(p.list)) {
		json_decref(body);
		return send_problems(r, &p);
	}
	json_decref(p.list);
	int needs_note = strcmp(to, "returned") == 0 || strcmp(to, "rejected") == 0;
	if (needs_note && (!note || !*note)) {
		json_decref(body);
		return send_one_problem(r, "note", "required",
			"api.error.note_required_return");
	}
	struct apply_submission s;
	if (load_submission(&s, r, &who)) {
		json_decref(body);
		return 0;
	}
	struct apply_event ev;
	memset(&ev, 0, sizeof ev);
	struct err e;
	int rc = tx_begin(r, &e);
	if (rc == 0) {
		rc = apply_transition(&ev, app_store(r), &who,
				      &(struct apply_move){ .id = s.id, .expect_from = expect,
							    .to = to,
							    .note = note && *note ? note : NULL },
				      app_now(), &e);
		if (rc == 0)
			rc = audit_in_tx(r, "apply.transition", "submission", s.receipt, &e);
		rc = tx_end(r, rc, &e);
	}
	json_decref(body);
	if (rc == ERR_INVALID)
		return send_one_problem(r, "note", "required",
			"api.error.note_required_state");
	if (rc)
		return fail(r, rc, &e);
	if (load_submission(&s, r, &who))
		return 0;
	return send_submission(r, 200, &s, &who);
}

int api_submission_assign(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 0);
	if (!body)
		return 0;
	json_t *sid = json_object_get(body, "staff_id");
	const char *login = json_string_value(json_object_get(body, "login"));
	int64_t staff_id = -1;
	struct err e;
	int rc = 0;
	if (sid && json_is_null(sid))
		staff_id = 0;
	else if (json_is_integer(sid) && json_integer_value(sid) >= 0)
		staff_id = json_integer_value(sid);
	else if (!sid && login && strlen(login) <= AUTH_LOGIN_MAX) {
		struct auth_staff st;
		rc = auth_staff_get_by_login(&st, app_store(r), who.tenant, login, &e);
		if (rc == 0)
			staff_id = st.id;
	}
	json_decref(body);
	if (rc == ERR_NOTFOUND)
		return send_one_problem(r, "login", "unknown", "api.error.staff_unknown");
	if (rc)
		return fail(r, rc, &e);
	if (staff_id < 0)
		return send_one_problem(r, "staff_id", "required",
			"api.error.staff_required");
	struct apply_submission s;
	if (load_submission(&s, r, &who))
		return 0;
	if ((rc = tx_begin(r, &e)) == 0) {
		rc = apply_assign(app_store(r), &who, s.id, staff_id, app_now(), &e);
		if (rc == 0)
			rc = audit_in_tx(r, "apply.assign", "submission", s.receipt, &e);
		rc = tx_end(r, rc, &e);
	}
	if (rc == ERR_NOTFOUND && staff_id > 0)
		return send_one_problem(r, "staff_id", "unknown", "api.error.staff_unknown");
	if (rc == ERR_DENIED && staff_id > 0)   /* apply_assign: not in their inbox */
		return send_one_problem(r, "staff_id", "cannot_see",
			"api.error.staff_cannot_see");
	if (rc)
		return fail(r, rc, &e);
	if (load_submission(&s, r, &who))
		return 0;
	return send_submission(r, 200, &s, &who);
}

int api_submission_comment(struct http_req *r)
{
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	json_t *body = body_object(r, 0);
	if (!body)
		return 0;
	const char *text = json_string_value(json_object_get(body, "text"));
	if (!text || !*text || strlen(text) > APPLY_COMMENT_MAX) {
		const char *code = text && *text ? "too_long" : "required";
		json_decref(body);
		return send_one_problem(r, "text", code,
			"api.error.comment_length");
	}
	struct apply_submission s;
	if (load_submission(&s, r, &who)) {
		json_decref(body);
		return 0;
	}
	struct err e;
	int rc = tx_begin(r, &e);
	if (rc == 0) {
		rc = apply_comment(app_store(r), &who, s.id, text, app_now(), &e);
		if (rc == 0)
			rc = audit_in_tx(r, "apply.comment", "submission", s.receipt, &e);
		rc = tx_end(r, rc, &e);
	}
	json_decref(body);
	if (rc)
		return fail(r, rc, &e);
	if (load_submission(&s, r, &who))
		return 0;
	return send_submission(r, 201, &s, &who);
}

/* an attachment the caller may read (their own upload; staff: files of
 * submissions in their departments) */
int api_file_get(struct http_req *r)
{
	api_json_errors(r);
	struct apply_actor who;
	if (actor_of(&who, r))
		return 0;
	const char *sha = http_param(r, "sha256");
	if (!sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return app_send_error(r, ERR_NOTFOUND, "apply.error.not_found", "bad sha256");
	struct apply_file f;
	struct err e;
	int rc = apply_file_get(&f, r->arena, app_store(r), &who, sha, &e);
	if (rc == ERR_IO)
		return app_file_unreadable(r, &e);
	if (rc)
		return fail(r, rc, &e);
	http_set_header(r, "content-disposition", "attachment");
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "x-content-sha256", arena_strdup(r->arena, f.sha256));
	/* an attachment is personal data: staff reads are audited (a
	 * resident's read of their own upload is not: apply_read_audited),
	 * naming the submission as the staff page's record does */
	if (apply_read_audited(&who))
		app_audit(r, AUDIT_A_READ, "submission.file", f.receipt[0] ? f.receipt : f.sha256,
			  AUDIT_R_OK);
	return http_send(r, 200, f.type[0] ? f.type : "application/octet-stream",
			 f.data, (size_t)f.size);
}

