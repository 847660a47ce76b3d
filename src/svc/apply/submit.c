/*
 * submit.c -- submissions: validate a draft, number it, store it with its
 * files and first event in one transaction; read submissions back; the
 * resident's withdrawal and correction.
 *
 * Invariants:
 *   - Everything slow or fallible that needs no lock (loading the
 *     definition, validation, the canonical form and its SHA-256, finding
 *     the uploads) happens before the transaction (apply_prepare); the
 *     transaction itself is a handful of indexed statements
 *     (apply_write), so the write lock is held briefly.
 *   - When apply_submit returns 0 the submission, its receipt number, its
 *     file links and its first event are committed, and the draft is gone.
 *     The transaction is shared with other threads submitting at the same
 *     moment (group commit, group.c): one fsync for many submissions.
 *     A draft deleted meanwhile (submitted twice at once) makes the second
 *     transaction roll back with ERR_CONFLICT: one draft, one submission.
 *   - Every function here joins a transaction the caller has open (so that
 *     the caller's audit record and notification commit with it), or
 *     opens and commits its own.
 *   - What is stored is forms_canonical's bytes (answers are read back out
 *     of them) and their SHA-256; a signature is over exactly those bytes.
 *   - Likely duplicates (see README.md): same tenant and procedure, not
 *     withdrawn, submitted within 30 days before, and either the same
 *     canonical SHA-256 or the same applicant identity (the folded kana
 *     of the first name_jp field plus the first date field whose id
 *     contains "birth").  duplicate_of names the most recent such.
 */
#include "svc/apply/apply_int.h"
#include "svc/notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp/text.h"
#include "core/registry/registry.h"

/* ---- reading ---------------------------------------------------------- */

int apply_sub_row(struct apply_submission *out, struct arena *a,
		  struct store_rows *r, int with_canonical, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->id = store_col_int(r, 0);
	snprintf(out->receipt, sizeof out->receipt, "%s", store_col_text(r, 1));
	snprintf(out->procedure, sizeof out->procedure, "%s", store_col_text(r, 2));
	out->version = (int)store_col_int(r, 3);
	snprintf(out->department, sizeof out->department, "%s", store_col_text(r, 4));
	snprintf(out->status, sizeof out->status, "%s", store_col_text(r, 5));
	out->revision = (int)store_col_int(r, 6);
	out->resident_id = store_col_int(r, 7);
	out->assignee = store_col_int(r, 8);
	out->bundle_id = store_col_int(r, 9);
	snprintf(out->sha256, sizeof out->sha256, "%s", store_col_text(r, 10));
	snprintf(out->sig_serial, sizeof out->sig_serial, "%s", store_col_text(r, 11));
	snprintf(out->sig_subject, sizeof out->sig_subject, "%s", store_col_text(r, 12));
	out->submitted_at = store_col_int(r, 13);
	out->updated_at = store_col_int(r, 14);
	out->due_at = store_col_int(r, 15);
	out->duplicate_of = store_col_int(r, 16);
	snprintf(out->return_note, sizeof out->return_note, "%s", store_col_text(r, 17));
	snprintf(out->payment, sizeof out->payment, "%s", store_col_text(r, 19));
	int rc;
	size_t n;
	if (!store_col_isnull(r, 18)) {
		const void *t = store_col_blob(r, 18, &n);
		if ((rc = apply_json_parse(&out->sources, a, t, n, e)))
			return rc;
	}
	if (with_canonical) {
		json_t *c = NULL;
		const void *t = store_col_blob(r, APPLY_SUB_NCOLS, &n);
		if ((rc = apply_json_parse(&c, a, t, n, e)))
			return rc;
		out->answers = json_object_get(c, "answers");
	}
	return 0;
}

/* which submission sub_query reads: the one whose column col is val */
struct sub_key {
	const char *col;             /* "id", "receipt"                    */
	struct store_val val;
};

static int sub_query(struct apply_submission *out, struct arena *a,
		     struct store *s, const struct apply_actor *who,
		     const struct sub_key *k, const struct apply_sub_how *how, struct err *e)
{
	const char *key_sql = k->col;
	struct store_val key = k->val;
	int with_answers = how->with_answers, for_update = how->for_update;
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	char sql[2048];
	snprintf(sql, sizeof sql, "SELECT " APPLY_SUB_COLS "%s FROM apply_submissions"
		 " WHERE tenant = $1 AND %s = $2", with_answers ? ", canonical" : "", key_sql);
	struct store_val v[STORE_MAX_PARAMS];
	struct apply_sql q = { .text = sql, .cap = sizeof sql, .v = v, .max = STORE_MAX_PARAMS };
	v[q.n++] = sv_text(who->tenant);
	v[q.n++] = key;
	if ((rc = apply_sql_scope(&q, who, "department", "resident_id", e)))
		return rc;
	int np = q.n;
	if (for_update && store_kind(s) == STORE_PG)
		strncat(sql, " FOR UPDATE", sizeof sql - strlen(sql) - 1);
	struct store_rows *r;
	if ((rc = store_query(&r, s, sql, v, np, e)))
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		rc = apply_sub_row(out, a, r, with_answers, e);
	else if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "submission not found");
	store_rows_free(r);
	return rc;
}

int apply_sub_load(struct apply_submission *out, struct arena *a,
		   struct store *s, const struct apply_actor *who, int64_t id,
		   const struct apply_sub_how *how, struct err *e)
{
	return sub_query(out, a, s, who, &(struct sub_key){ .col = "id", .val = sv_int(id) }, how,
			 e);
}

int apply_get(struct apply_submission *out, struct arena *a, struct store *s,
	      const struct apply_actor *who, int64_t id, struct err *e)
{
	return apply_sub_load(out, a, s, who, id, &(struct apply_sub_how){ .with_answers = 1 }, e);
}

int apply_get_by_receipt(struct apply_submission *out, struct arena *a,
			 struct store *s, const struct apply_actor *who,
			 const char *receipt, struct err *e)
{
	if (apply_receipt_check(receipt) != 0)
		return err_set(e, ERR_NOTFOUND, "submission not found");
	return sub_query(out, a, s, who, &(struct sub_key){ .col = "receipt", .val = sv_text(receipt) },
			 &(struct apply_sub_how){ .with_answers = 1 }, e);
}

/* ---- preparing -------------------------------------------------------- */

const char *apply_registry_message_id(const struct forms_error *pe)
{
	return pe && strcmp(pe->code, "waiver") == 0 ? "apply.error.registry_waiver"
						     : "apply.error.registry_stale";
}

const struct forms_error *apply_registry_problem(const struct forms_result *r)
{
	for (int i = 0; r && i < r->nerrors; i++)
		if (r->errors[i].code && (strcmp(r->errors[i].code, "waiver") == 0 ||
					  strncmp(r->errors[i].code, "prefill_", 8) == 0))
			return &r->errors[i];
	return NULL;
}

static int add_error(struct forms_result *r, struct arena *a, const char *path,
		     const char *code, const char *ja, const char *en)
{
	if (r->nerrors >= FORMS_MAX_ERRORS) {
		r->truncated = 1;
		return 0;
	}
	struct forms_error *v = arena_alloc(a, sizeof *v * (size_t)(r->nerrors + 1));
	if (!v)
		return ERR_NOMEM;
	if (r->nerrors)
		memcpy(v, r->errors, sizeof *v * (size_t)r->nerrors);
	struct forms_error *x = &v[r->nerrors];
	snprintf(x->path, sizeof x->path, "%s", path);
	x->code = code;
	snprintf(x->ja, sizeof x->ja, "%s", ja);
	snprintf(x->en, sizeof x->en, "%s", en);
	r->errors = v;
	r->nerrors++;
	return 0;
}

struct file_walk {
	struct apply_prep *p;
	struct forms_result *r;
	struct arena *a;
	struct store *s;
	const struct apply_actor *who;
	int cap;
};

static int file_one(struct file_walk *w, const json_t *v, const char *path,
		    struct err *e)
{
	const char *sha = json_string_value(json_object_get(v, "sha256"));
	if (!sha)
		return 0;
	int kind;
	int64_t oid, id = 0;
	int rc = apply_owner(&kind, &oid, w->who, e);
	if (rc)
		return rc;
	struct store_val q[] = { sv_text(w->who->tenant), sv_int(kind), sv_int(oid), sv_text(sha) };
	rc = store_query_int(&id, w->s, "SELECT id FROM apply_files WHERE tenant = $1"
			     " AND owner_kind = $2 AND owner_id = $3 AND sha256 = $4", q, 4, e);
	if (rc == ERR_NOTFOUND) {
		/* or one of the uploads that came with the submission */
		for (int i = 0; i < w->p->npending; i++)
			if (strcmp(w->p->pending[i].sha256, sha) == 0) {
				id = -(int64_t)(i + 1);
				rc = 0;
				break;
			}
	}
	if (rc == ERR_NOTFOUND)
		return add_error(w->r, w->a, path, "file_missing",
				 "添付ファイルが見つかりません。もう一度添付してください。",
				 "The attached file was not found: attach it again.");
	if (rc)
		return rc;
	struct apply_prep *p = w->p;
	for (int i = 0; i < p->nfiles; i++)
		if (p->file_ids[i] == id)
			return 0;
	if (p->nfiles >= APPLY_MAX_FILES)
		return err_set(e, ERR_LIMIT, "apply: more than %d files", APPLY_MAX_FILES);
	if (p->nfiles == w->cap) {
		int cap = w->cap ? w->cap * 2 : 8;
		int64_t *nv = arena_alloc(w->a, sizeof *nv * (size_t)cap);
		if (!nv)
			return err_set(e, ERR_NOMEM, "apply: arena full");
		if (p->nfiles)
			memcpy(nv, p->file_ids, sizeof *nv * (size_t)p->nfiles);
		p->file_ids = nv;
		w->cap = cap;
	}
	p->file_ids[p->nfiles++] = id;
	return 0;
}

/* every file answer (top level and inside group items) */
static int files_find(struct file_walk *w, const struct forms_def *d,
		      const json_t *answers, struct err *e)
{
	int rc = 0;
	for (int pg = 0; pg < d->npages && rc == 0; pg++) {
		const struct forms_page *page = &d->pages[pg];
		for (int i = 0; i < page->nfields && rc == 0; i++) {
			const struct forms_field *f = &page->fields[i];
			const json_t *v = json_object_get(answers, f->id);
			if (!v)
				continue;
			if (f->type == FORMS_T_FILE && json_is_object(v)) {
				rc = file_one(w, v, f->id, e);
			} else if (f->type == FORMS_T_GROUP && json_is_array(v)) {
				size_t k;
				const json_t *item;
				json_array_foreach(v, k, item) {
					for (int j = 0; j < f->nfields && rc == 0; j++) {
						const struct forms_field *sf = &f->fields[j];
						const json_t *sv = json_object_get(item, sf->id);
						char path[FORMS_PATH_MAX];
						snprintf(path, sizeof path, "%s[%zu].%s", f->id, k, sf->id);
						if (sf->type == FORMS_T_FILE && json_is_object(sv))
							rc = file_one(w, sv, path, e);
					}
				}
			}
		}
	}
	return rc;
}

/* The applicant identity of the duplicate rule: SHA-256 of procedure,
 * folded kana of the first name_jp field and the first date field whose
 * id contains "birth"; "" when either is missing. */
static void identity_of(char out[65], const struct forms_def *d,
			const json_t *answers)
{
	out[0] = 0;
	const json_t *name = NULL, *birth = NULL;
	for (int pg = 0; pg < d->npages; pg++)
		for (int i = 0; i < d->pages[pg].nfields; i++) {
			const struct forms_field *f = &d->pages[pg].fields[i];
			if (!name && f->type == FORMS_T_NAME_JP)
				name = json_object_get(answers, f->id) ? json_object_get(answers, f->id) : NULL;
			if (!birth && f->type == FORMS_T_DATE && strstr(f->id, "birth"))
				birth = json_object_get(answers, f->id);
		}
	const char *fk = json_string_value(json_object_get(name, "family_kana"));
	const char *gk = json_string_value(json_object_get(name, "given_kana"));
	const char *b = json_string_value(birth);
	if (!fk || !b)
		return;
	char kana[512];
	snprintf(kana, sizeof kana, "%s%s", fk, gk ? gk : "");
	char *folded = NULL;
	if (jp_text_fold(&folded, kana, strlen(kana), NULL) != 0)
		return;
	/* spaces between family and given name never matter */
	size_t k = 0;
	for (size_t i = 0; folded[i]; i++)
		if (folded[i] != ' ')
			folded[k++] = folded[i];
	folded[k] = 0;
	char key[1024];
	int n = snprintf(key, sizeof key, "%s\x1f%s\x1f%s", d->id, folded, b);
	free(folded);
	if (n > 0 && (size_t)n < sizeof key)
		forms_sha256_hex(out, key, (size_t)n);
}

static int prepare_answers(struct apply_prep *p, struct arena *a, struct store *s,
			   const struct apply_actor *who, const struct apply_signature *sig,
			   int64_t now, struct err *e);

/* forms_prefill_check of the prepared answers (p->check.answers, of
 * p->def, with the draft's sources) against the record of the resident
 * who submits (registry_person_json; staff and the system have none, so
 * nothing is proven for them).  The record is read only when the
 * procedure takes answers or waivers from the registry; sources claiming
 * the registry are checked in any case.  ERR_INVALID with the problems in
 * p->check (codes "prefill_readonly", "prefill_source", "waiver"). */
static int registry_check(struct apply_prep *p, struct arena *a, struct store *s,
			  const struct apply_actor *who, struct err *e)
{
	struct forms_result *r = &p->check;
	const struct forms_def *d = p->def;
	const json_t *sources = p->draft.d.sources;
	int operator_sources = p->operator_sources;
	int64_t draft_id = p->draft.d.id;
	/* sources stated by an operator (the CLI, which holds the database)
	 * are not a claim to check; read-only answers and waivers still are */
	if (operator_sources)
		sources = NULL;
	int uses = forms_def_uses_registry(d);
	if (!uses && !(json_is_object(sources) && json_object_size(sources)))
		return 0;
	json_t *juki = NULL;
	int rc = 0;
	if (uses && who->kind == APPLY_RESIDENT) {
		rc = registry_person_json(&juki, s, who->tenant, who->id, e);
		if (rc == ERR_NOTFOUND)
			rc = 0;
		if (rc)
			return rc;
	}
	/* staff at the counter: the record of the person they looked up */
	const json_t *rec = juki;
	if (who->kind == APPLY_STAFF && p->registry)
		rec = p->registry;
	rc = forms_prefill_check(r, a, d, r->answers, json_is_object(sources) ? sources : NULL,
				 rec, e);
	json_decref(juki);
	if (rc)
		return rc;
	if (r->nerrors > 0)
		/* the log names the fields and why (ids, not answers) */
		return err_set(e, ERR_INVALID, "draft %lld: %d answers not proven by the registry"
			       " (%s %s%s%s%s%s)", (long long)draft_id, r->nerrors,
			       r->errors[0].path, r->errors[0].code, r->nerrors > 1 ? ", " : "",
			       r->nerrors > 1 ? r->errors[1].path : "", r->nerrors > 1 ? " " : "",
			       r->nerrors > 1 ? r->errors[1].code : "");
	return 0;
}

int apply_prepare(struct apply_prep *p, struct arena *a, struct store *s,
		  const struct apply_actor *who, const struct apply_prep_in *in,
		  int64_t now, struct err *e)
{
	memset(p, 0, sizeof *p);
	p->operator_sources = in->operator_sources;
	p->check.exit = -1;
	int rc = apply_draft_load(&p->draft, a, s, who, in->draft_id, e);
	if (rc)
		return rc;
	int ver = 0;
	if ((rc = apply_load_def(&p->def, &ver, a, s,
				 &(struct apply_def_ref){ .tenant = who->tenant,
							  .procedure = p->draft.d.procedure,
							  .version = p->draft.d.version },
				 e)))
		return rc;
	return prepare_answers(p, a, s, who, in->sig, now, e);
}

/* the part of apply_prepare after the draft (p->draft.d, its id 0 for a
 * submission without a draft) and its definition (p->def) are known:
 * validation into p->check, files, canonical form */
static int prepare_answers(struct apply_prep *p, struct arena *a, struct store *s,
			   const struct apply_actor *who, const struct apply_signature *sig,
			   int64_t now, struct err *e)
{
	struct forms_result *r = &p->check;
	int64_t draft_id = p->draft.d.id;
	int rc;
	if ((rc = forms_validate(r, a, p->def, p->draft.d.answers, apply_today(now), e)))
		return rc;
	if (r->nerrors > 0)
		return err_set(e, ERR_INVALID, "draft %lld: %d answer errors", (long long)draft_id,
			       r->nerrors);
	if (r->exit >= 0)
		return err_set(e, ERR_INVALID, "draft %lld: the answers lead to an exit page",
			       (long long)draft_id);
	/* once only: answers from the registry still say what it says, and a
	 * waived attachment is proven by the submitter's own record -- on
	 * every path (pages, API, bundles, CLI), never left to the caller */
	if ((rc = registry_check(p, a, s, who, e)))
		return rc;
	p->answers = r->answers;
	struct file_walk w = { .p = p, .r = r, .a = a, .s = s, .who = who };
	if ((rc = files_find(&w, p->def, r->answers, e)))
		return rc;
	if (r->nerrors > 0)
		return err_set(e, ERR_INVALID, "draft %lld: an attachment is missing",
			       (long long)draft_id);
	if (sig && (!sig->serial || !sig->subject))
		return err_set(e, ERR_INVALID, "apply: incomplete signature record");
	p->sig = sig;
	char *text = NULL;
	size_t len = 0;
	if ((rc = forms_canonical(&text, &len, who->tenant, p->def->id, p->draft.d.version,
				  r->answers, e)))
		return rc;
	p->canonical = arena_alloc(a, len + 1);
	if (!p->canonical) {
		free(text);
		return err_set(e, ERR_NOMEM, "apply: arena full");
	}
	memcpy(p->canonical, text, len);
	p->canonical[len] = 0;
	p->clen = len;
	free(text);
	forms_sha256_hex(p->sha256, p->canonical, p->clen);
	identity_of(p->identity, p->def, r->answers);
	/* after the canonical form: apply_canonical gives the bytes to sign
	 * (ERR_AUTH with them) for a procedure that requires a signature */
	if (strcmp(p->def->signature, "required") == 0 && !sig)
		return err_set(e, ERR_AUTH, "signature required");
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

static int dup_find(int64_t *dup, struct store *s, const char *tenant,
		    const struct apply_prep *p, int64_t self, int64_t now,
		    struct err *e)
{
	*dup = 0;
	int64_t a = 0, b = 0;
	struct store_val v[] = { sv_text(tenant), sv_text(p->sha256), sv_int(now - APPLY_DUP_WINDOW),
				 sv_int(self) };
	int rc = store_query_int(&a, s, "SELECT id FROM apply_submissions WHERE tenant = $1"
				 " AND sha256 = $2 AND submitted_at >= $3 AND id <> $4"
				 " AND status <> 'withdrawn' ORDER BY id DESC LIMIT 1", v, 4, e);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (p->identity[0]) {
		struct store_val w[] = { sv_text(tenant), sv_text(p->def->id), sv_text(p->identity),
					 sv_int(now - APPLY_DUP_WINDOW), sv_int(self) };
		rc = store_query_int(&b, s, "SELECT id FROM apply_submissions WHERE tenant = $1"
				     " AND procedure = $2 AND identity = $3 AND submitted_at >= $4"
				     " AND id <> $5 AND status <> 'withdrawn' ORDER BY id DESC LIMIT 1",
				     w, 5, e);
		if (rc && rc != ERR_NOTFOUND)
			return rc;
	}
	*dup = a > b ? a : b;
	return 0;
}

static int link_files(struct store *s, int64_t sub_id, const struct apply_prep *p,
		      struct err *e)
{
	for (int i = 0; i < p->nfiles; i++) {
		struct store_val v[] = { sv_int(sub_id), sv_int(p->file_ids[i]) };
		int rc = store_exec(s, "INSERT INTO apply_submission_files (submission_id, file_id)"
				    " VALUES ($1, $2) ON CONFLICT DO NOTHING", v, 2, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int apply_write(struct apply_submission *out, struct arena *a,
		struct store *s, const struct apply_actor *who,
		const struct apply_prep *p, int64_t now, struct err *e)
{
	(void)a;
	memset(out, 0, sizeof *out);
	const struct apply_draft *d = &p->draft.d;
	const struct apply_signature *sig = p->sig;
	char *sources = NULL;
	int rc = 0;
	if (d->sources && (rc = apply_json_text(&sources, d->sources, APPLY_ANSWERS_MAX, e)))
		return rc;
	int64_t due = apply_due_at(now, p->def->target_days), dup = 0;
	int64_t id = d->submission_id;
	if (id == 0) {
		if (p->receipt[0])
			snprintf(out->receipt, sizeof out->receipt, "%s", p->receipt);
		else if ((rc = apply_receipt_next(out->receipt, s, who->tenant, now, e)))
			goto out;
		if ((rc = dup_find(&dup, s, who->tenant, p, 0, now, e)))
			goto out;
		struct store_val v[] = {
			sv_text(who->tenant), sv_text(out->receipt), sv_text(p->def->id),
			sv_int(d->version), sv_text(p->def->department),
			sv_int(who->kind == APPLY_RESIDENT ? who->id : 0),
			sv_int(who->kind == APPLY_STAFF ? who->id : 0),
			sv_int(d->bundle_id), sv_text(p->canonical), sv_text(p->sha256),
			sv_text(p->identity), sv_text(sources),
			sv_text(sig ? sig->serial : ""), sv_text(sig ? sig->subject : ""),
			sv_text(sig && sig->issuer ? sig->issuer : ""),
			sv_int(sig ? sig->not_after : 0),
			sig && sig->cms ? sv_blob(sig->cms, sig->cms_len) : sv_null(),
			sv_int(now), sv_int(due), sv_int(dup),
			sig && sig->signed_data ? sv_text(sig->signed_data) : sv_null(),
			sv_text(p->payment),
		};
		if ((rc = store_query_int(&id, s, "INSERT INTO apply_submissions (tenant, receipt,"
					  " procedure, version, department, status, revision, resident_id,"
					  " entered_by, bundle_id, canonical, sha256, identity, sources,"
					  " sig_serial, sig_subject, sig_issuer, sig_not_after, sig_cms,"
					  " submitted_at, updated_at, due_at, duplicate_of, sig_data, payment)"
					  " VALUES ($1, $2, $3, $4, $5, 'received', 1, $6, $7, $8, $9, $10, $11,"
					  " $12, $13, $14, $15, $16, $17, $18, $18, $19, $20, $21, $22)"
					  " RETURNING id",
					  v, SV_N(v), e)))
			goto out;
		if ((rc = apply_event_add(s, who,
					  &(struct apply_event_new){ .submission_id = id,
								     .kind = "submitted",
								     .to = "received" },
					  now, e)))
			goto out;
		if ((rc = notify_event(s, who->tenant, "apply.submitted", (struct notify_field[]){ { "receipt", out->receipt, 0 }, { "procedure", p->def->id, 0 } }, 2, now, e)) < 0) goto out;   /* webhooks (svc/notify) */
		out->revision = 1;
		out->submitted_at = now;
		snprintf(out->payment, sizeof out->payment, "%s", p->payment);
	} else {
		/* a correction: the returned submission is resubmitted */
		struct apply_submission cur;
		if ((rc = apply_sub_load(&cur, a, s, who, id,
					 &(struct apply_sub_how){ .for_update = 1 }, e)))
			goto out;
		if (strcmp(cur.status, "returned") != 0) {
			rc = err_set(e, ERR_CONFLICT, "submission %lld is %s, not returned",
				     (long long)id, cur.status);
			goto out;
		}
		if ((rc = dup_find(&dup, s, who->tenant, p, id, now, e)))
			goto out;
		struct store_val v[] = {
			sv_text(p->canonical), sv_text(p->sha256), sv_text(p->identity),
			sv_text(sig ? sig->serial : ""), sv_text(sig ? sig->subject : ""),
			sv_text(sig && sig->issuer ? sig->issuer : ""),
			sv_int(sig ? sig->not_after : 0),
			sig && sig->cms ? sv_blob(sig->cms, sig->cms_len) : sv_null(),
			sv_int(now), sv_int(due), sv_int(dup), sv_int(id), sv_text(who->tenant),
			sig && sig->signed_data ? sv_text(sig->signed_data) : sv_null(),
		};
		rc = store_exec(s, "UPDATE apply_submissions SET canonical = $1, sha256 = $2,"
				" identity = $3, sig_serial = $4, sig_subject = $5, sig_issuer = $6,"
				" sig_not_after = $7, sig_cms = $8, updated_at = $9, due_at = $10,"
				" duplicate_of = $11, revision = revision + 1, status = 'received',"
				" sig_data = $14 WHERE id = $12 AND tenant = $13 AND status = 'returned'",
				v, SV_N(v), e);
		if (rc == 0)
			rc = err_set(e, ERR_CONFLICT, "submission %lld changed meanwhile", (long long)id);
		if (rc < 0)
			goto out;
		if ((rc = apply_event_add(s, who,
					  &(struct apply_event_new){ .submission_id = id,
								     .kind = "resubmitted",
								     .from = "returned",
								     .to = "received" },
					  now, e)))
			goto out;
		if ((rc = notify_event(s, who->tenant, "apply.state_changed", (struct notify_field[]){ { "receipt", cur.receipt, 0 }, { "procedure", cur.procedure, 0 }, { "from", "returned", 0 }, { "to", "received", 0 } }, 4, now, e)) < 0) goto out;   /* webhooks (svc/notify) */
		snprintf(out->receipt, sizeof out->receipt, "%s", cur.receipt);
		out->revision = cur.revision + 1;
		out->submitted_at = cur.submitted_at;
		out->assignee = cur.assignee;
		snprintf(out->return_note, sizeof out->return_note, "%s", cur.return_note);
		snprintf(out->payment, sizeof out->payment, "%s", cur.payment);
	}
	if ((rc = link_files(s, id, p, e)))
		goto out;
	int kind;
	int64_t oid;
	apply_owner(&kind, &oid, who, NULL);
	struct store_val dv[] = { sv_int(d->id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	/* d->id 0: answers submitted directly (apply_submit_answers), no draft */
	rc = d->id == 0 ? 1 : store_exec(s, "DELETE FROM apply_drafts WHERE id = $1 AND tenant = $2"
					 " AND owner_kind = $3 AND owner_id = $4", dv, 4, e);
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "draft %lld already submitted", (long long)d->id);
	if (rc < 0)
		goto out;
	rc = 0;
	out->id = id;
	snprintf(out->procedure, sizeof out->procedure, "%s", p->def->id);
	out->version = d->version;
	snprintf(out->department, sizeof out->department, "%s", p->def->department);
	snprintf(out->status, sizeof out->status, "received");
	out->resident_id = who->kind == APPLY_RESIDENT ? who->id : 0;
	out->bundle_id = d->bundle_id;
	out->answers = p->answers;
	out->sources = d->sources;
	snprintf(out->sha256, sizeof out->sha256, "%s", p->sha256);
	snprintf(out->sig_serial, sizeof out->sig_serial, "%s", sig ? sig->serial : "");
	snprintf(out->sig_subject, sizeof out->sig_subject, "%s", sig ? sig->subject : "");
	out->updated_at = now;
	out->due_at = due;
	out->duplicate_of = dup;
out:
	free(sources);
	return rc;
}

/* ---- the public functions -------------------------------------------- */

struct submit_job {
	struct apply_submission *out;
	struct arena *a;
	const struct apply_actor *who;
	struct apply_prep *p;
	const struct apply_submit_opts *o;
	const char *blob_dir;        /* the attachment files' directory, or NULL */
	const int64_t *placeholders; /* p->file_ids as prepared (a batch that is
					run again starts from them)          */
	int64_t now;
};

/* the rows of the uploads that came with the submission, and their ids
 * in place of the placeholders */
static int pending_rows(struct store *s, struct submit_job *j, struct err *e)
{
	struct apply_prep *p = j->p;
	if (p->nfiles)
		memcpy(p->file_ids, j->placeholders, sizeof *p->file_ids * (size_t)p->nfiles);
	int kind;
	int64_t oid;
	int rc = apply_owner(&kind, &oid, j->who, e);
	/* the account's limits again, under the writer's lock */
	if (rc == 0)
		rc = apply_limits_check(s, j->who, p->pending, p->npending, j->now, e);
	for (int i = 0; rc == 0 && i < p->npending; i++) {
		const struct apply_pending_file *f = &p->pending[i];
		/* the file was made durable before; under the writer's lock it
		 * is checked to be still there (see files.c) */
		if (j->blob_dir && !apply_blob_exists(j->blob_dir, f->sha256, f->n) &&
		    (rc = apply_blob_write(j->blob_dir, f->sha256, f->data, f->n, e)))
			break;
		struct store_val v[] = {
			sv_text(j->who->tenant), sv_int(kind), sv_int(oid), sv_text(f->sha256),
			sv_text(f->type), sv_int((int64_t)f->n), sv_text(f->name),
			j->blob_dir ? sv_blob("", 0) : sv_blob(f->data, f->n), sv_int(j->now),
		};
		if ((rc = apply_file_row(s, v, e)))
			break;
		int64_t id = 0;
		rc = store_query_int(&id, s, "SELECT id FROM apply_files WHERE tenant = $1"
				     " AND owner_kind = $2 AND owner_id = $3 AND sha256 = $4", v, 4, e);
		for (int k = 0; rc == 0 && k < p->nfiles; k++)
			if (p->file_ids[k] == -(int64_t)(i + 1))
				p->file_ids[k] = id;
	}
	return rc < 0 ? rc : 0;
}

/* the write, on the connection of whichever thread leads the group, and
 * the caller's own record of it in the same transaction */
static int submit_fn(struct store *s, void *arg, struct err *e)
{
	struct submit_job *j = arg;
	int rc = j->p->npending ? pending_rows(s, j, e) : 0;
	if (rc)
		return rc;
	rc = apply_write(j->out, j->a, s, j->who, j->p, j->now, e);
	/* a fee taken at the counter: paid with the submission, or neither */
	if (rc == 0 && j->o && j->o->counter_fee)
		rc = apply_fee_take(j->out, s, j->who, j->p, j->o->counter_fee, j->now, e);
	if (rc == 0 && j->o && j->o->in_tx)
		rc = j->o->in_tx(s, j->out, j->o->in_tx_arg, e);
	return rc;
}

int apply_submit(struct apply_submit_result *res, struct arena *a, struct store *s,
		 const struct apply_actor *who, const struct apply_draft_submit *in,
		 int64_t now, struct err *e)
{
	const struct apply_submit_opts *o = &in->opts;
	int64_t draft_id = in->draft_id;
	memset(&res->sub, 0, sizeof res->sub);
	res->stale = 0;
	res->fee_unpaid = 0;
	res->fee_yen = 0;
	struct apply_prep p;
	int rc = apply_prepare(&p, a, s, who,
			       &(struct apply_prep_in){ .draft_id = draft_id, .sig = o->sig,
							.operator_sources = o->operator_sources },
			       now, e);
	res->check = p.check;
	if (rc)
		return rc;
	/* what was signed must be what is stored: a save of the draft
	 * between the signing and now changed the bytes */
	if (o->expect_sha256 && strcmp(o->expect_sha256, p.sha256) != 0) {
		res->stale = 1;
		return err_set(e, ERR_CONFLICT, "apply: draft %lld changed after it was signed",
			       (long long)draft_id);
	}
	/* a fee paid before submission: paid, or taken at the counter now */
	if ((rc = apply_fee_check(&p, &res->fee_unpaid, &res->fee_yen, s, who, o->counter_fee, 0, e)))
		return rc;
	if (store_kind(s) == STORE_PG && !store_in_tx(s) && p.draft.d.submission_id == 0 &&
	    (rc = apply_receipt_take(p.receipt, s, who->tenant, now, e)))
		return rc;
	struct submit_job j = { .out = &res->sub, .a = a, .who = who, .p = &p, .o = o, .now = now };
	return store_group_write(s, &apply_group_counts, 0, submit_fn, &j, e);
}

int apply_submit_answers(struct apply_submit_result *res, struct arena *a, struct store *s,
			 const struct apply_actor *who, const struct apply_answers_in *in,
			 int64_t now, struct err *e)
{
	struct apply_submission *out = &res->sub;
	struct forms_result *r = &res->check;
	const struct apply_submit_opts *o = &in->opts;
	res->stale = 0;
	res->fee_unpaid = 0;
	res->fee_yen = 0;
	const char *procedure = in->procedure;
	json_t *answers = in->answers;
	const struct apply_upload *ups = in->uploads;
	int nups = in->nuploads;
	memset(out, 0, sizeof *out);
	memset(r, 0, sizeof *r);
	r->exit = -1;
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (!procedure || !*procedure || strlen(procedure) > FORMS_ID_MAX)
		return err_set(e, ERR_INVALID, "apply: procedure required");
	if (!answers || !json_is_object(answers))
		return err_set(e, ERR_INVALID, "apply: answers must be an object");
	if (nups < 0 || nups > APPLY_MAX_FILES || (nups && !ups))
		return err_set(e, ERR_LIMIT, "apply: at most %d files", APPLY_MAX_FILES);
	struct apply_prep p;
	memset(&p, 0, sizeof p);
	int ver = 0;
	if ((rc = apply_load_def(&p.def, &ver, a, s,
				 &(struct apply_def_ref){ .tenant = who->tenant,
							  .procedure = procedure },
				 e)))
		return rc;
	/* the uploads: checked by content here; made durable as files
	 * (SQLite) outside the writer's lock once the answers validate; their
	 * rows written with the submission */
	char dir[APPLY_BLOB_PATH_MAX];
	int external = apply_blob_dir(dir, sizeof dir, s);
	struct apply_pending_file *pend = nups ? arena_alloc(a, sizeof *pend * (size_t)nups) : NULL;
	if (nups && !pend)
		return err_set(e, ERR_NOMEM, "apply: arena full");
	for (int i = 0; i < nups; i++) {
		const struct forms_field *f = forms_def_field(p.def, ups[i].field);
		if (!f || f->type != FORMS_T_FILE)
			return add_error(r, a, ups[i].field, "unknown_field", "この添付欄はありません。",
					 "There is no such attachment field.") ? ERR_NOMEM
			       : err_set(e, ERR_INVALID, "apply: no file field %.64s", ups[i].field);
		if (ups[i].n > APPLY_FILE_MAX)
			return err_set(e, ERR_LIMIT, "apply: file larger than %u bytes", APPLY_FILE_MAX);
		/* a file field holds one file: a second upload for it would be
		 * stored without any answer naming it */
		for (int k = 0; k < i; k++)
			if (strcmp(ups[k].field, ups[i].field) == 0)
				return add_error(r, a, ups[i].field, "duplicate",
						 "同じ添付欄にファイルが二つあります。",
						 "Two files for the same attachment field.") ? ERR_NOMEM
				       : err_set(e, ERR_INVALID, "apply: two files for field %.64s",
						 ups[i].field);
		json_t *m = NULL;
		rc = forms_file_accept(&m, f, ups[i].name ? ups[i].name : "file", ups[i].data,
				       ups[i].n, e);
		if (rc == ERR_INVALID) {
			json_decref(m);
			return add_error(r, a, ups[i].field, "type",
					 "このファイルの種類は受け付けていません。",
					 "This type of file is not accepted.") ? ERR_NOMEM : ERR_INVALID;
		}
		if (rc) {
			json_decref(m);
			return rc;
		}
		pend[i] = (struct apply_pending_file){
			.sha256 = arena_strdup(a, json_string_value(json_object_get(m, "sha256"))),
			.type = arena_strdup(a, json_string_value(json_object_get(m, "type"))),
			.name = arena_strdup(a, json_string_value(json_object_get(m, "name"))),
			.data = ups[i].data, .n = ups[i].n,
		};
		json_object_set_new(answers, ups[i].field, m);
		if (!pend[i].sha256 || !pend[i].type || !pend[i].name)
			return err_set(e, ERR_NOMEM, "apply: arena full");
	}
	p.pending = pend;
	p.npending = nups;
	char *text = NULL;
	if ((rc = apply_json_text(&text, answers, APPLY_ANSWERS_MAX, e)))
		return rc;   /* the same size limit as a draft's */
	free(text);
	struct apply_draft *d = &p.draft.d;
	snprintf(d->procedure, sizeof d->procedure, "%s", p.def->id);
	d->version = ver;
	d->answers = answers;
	if (in->sources && !json_is_object(in->sources))
		return err_set(e, ERR_INVALID, "apply: sources must be an object");
	d->sources = (json_t *)in->sources;
	d->created_at = d->updated_at = now;
	apply_owner(&p.draft.owner_kind, &p.draft.owner_id, who, NULL);
	p.registry = who->kind == APPLY_STAFF ? o->registry : NULL;
	p.check.exit = -1;
	rc = prepare_answers(&p, a, s, who, o->sig, now, e);
	*r = p.check;
	if (rc)
		return rc;
	if (o->expect_sha256 && strcmp(o->expect_sha256, p.sha256) != 0) {
		res->stale = 1;
		return err_set(e, ERR_CONFLICT, "apply: answers differ from what was signed");
	}
	int64_t *orig = NULL;
	if (p.nfiles) {
		if (!(orig = arena_alloc(a, sizeof *orig * (size_t)p.nfiles)))
			return err_set(e, ERR_NOMEM, "apply: arena full");
		memcpy(orig, p.file_ids, sizeof *orig * (size_t)p.nfiles);
	}
	/* the account's quota and upload rate, before any byte is written */
	if ((rc = apply_limits_check(s, who, pend, nups, now, e)))
		return rc;
	/* a fee paid before submission: without a draft there is nothing it
	 * could have been paid for, so only staff taking it at the counter */
	if ((rc = apply_fee_check(&p, &res->fee_unpaid, &res->fee_yen, s, who, o->counter_fee, 0, e)))
		return rc;
	/* only answers that will be written cost a durable file: the bytes
	 * go to disk once the submission is known to be valid */
	for (int i = 0; external && i < nups; i++)
		if ((rc = apply_blob_write(dir, pend[i].sha256, pend[i].data, pend[i].n, e)))
			return rc;
	if (store_kind(s) == STORE_PG && !store_in_tx(s) &&
	    (rc = apply_receipt_take(p.receipt, s, who->tenant, now, e)))
		return rc;
	struct submit_job j = { .out = out, .a = a, .who = who, .p = &p, .o = o,
				.blob_dir = external ? dir : NULL, .placeholders = orig, .now = now };
	return store_group_write(s, &apply_group_counts, 0, submit_fn, &j, e);
}

int apply_canonical(struct apply_canonical_result *res, struct arena *a, struct store *s,
		    const struct apply_actor *who, int64_t draft_id, int64_t now,
		    struct err *e)
{
	res->text = NULL;
	res->len = 0;
	res->bad_draft = 0;
	struct apply_prep p;
	int rc = apply_prepare(&p, a, s, who, &(struct apply_prep_in){ .draft_id = draft_id },
			       now, e);
	res->check = p.check;
	if (rc == ERR_AUTH)   /* the signature is what the caller is about to make */
		rc = 0;
	if (rc)
		return rc;
	res->text = p.canonical;
	res->len = p.clen;
	return 0;
}

int apply_withdraw(struct store *s, const struct apply_actor *who,
		   int64_t id, int64_t now, struct err *e)
{
	int rc = apply_actor_check(who, e);
	if (rc)
		return rc;
	if (who->kind != APPLY_RESIDENT)
		return err_set(e, ERR_DENIED, "apply: only the resident withdraws");
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	int own;
	if ((rc = apply_tx_begin(&own, s, e)))
		goto out;
	struct apply_submission cur;
	if ((rc = apply_sub_load(&cur, a, s, who, id, &(struct apply_sub_how){ .for_update = 1 },
				 e)))
		goto fail;
	if (strcmp(cur.status, "received") != 0 && strcmp(cur.status, "in_review") != 0 &&
	    strcmp(cur.status, "returned") != 0) {
		rc = err_set(e, ERR_CONFLICT, "submission %lld is %s: cannot withdraw",
			     (long long)id, cur.status);
		goto fail;
	}
	struct store_val v[] = { sv_int(now), sv_int(id), sv_text(who->tenant), sv_text(cur.status) };
	rc = store_exec(s, "UPDATE apply_submissions SET status = 'withdrawn', updated_at = $1"
			" WHERE id = $2 AND tenant = $3 AND status = $4", v, 4, e);
	if (rc == 0)
		rc = err_set(e, ERR_CONFLICT, "submission %lld changed meanwhile", (long long)id);
	if (rc < 0)
		goto fail;
	if ((rc = apply_event_add(s, who,
				  &(struct apply_event_new){ .submission_id = id, .kind = "withdrawn",
							     .from = cur.status, .to = "withdrawn" },
				  now, e)))
		goto fail;
	if ((rc = notify_event(s, who->tenant, "apply.state_changed", (struct notify_field[]){ { "receipt", cur.receipt, 0 }, { "procedure", cur.procedure, 0 }, { "from", cur.status, 0 }, { "to", "withdrawn", 0 } }, 4, now, e)) < 0) goto fail;   /* webhooks (svc/notify) */
	/* a correction under way is moot now */
	struct store_val dv[] = { sv_int(id), sv_text(who->tenant) };
	if ((rc = store_exec(s, "DELETE FROM apply_drafts WHERE submission_id = $1 AND tenant = $2",
			     dv, 2, e)) < 0)
		goto fail;
	rc = apply_tx_end(own, 0, s, e);
	goto out;
fail:
	apply_tx_end(own, rc, s, NULL);
out:
	arena_free(a);
	return rc;
}

int apply_correct(int64_t *draft_id, struct store *s,
		  const struct apply_actor *who, int64_t id, int64_t now,
		  struct err *e)
{
	*draft_id = 0;
	int kind;
	int64_t oid;
	int rc = apply_actor_check(who, e);
	if (rc || (rc = apply_owner(&kind, &oid, who, e)))
		return rc == ERR_DENIED ? err_set(e, ERR_NOTFOUND, "submission not found") : rc;
	struct arena *a = arena_new(8u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	int own;
	if ((rc = apply_tx_begin(&own, s, e)))
		goto out;
	struct apply_submission cur;
	if ((rc = apply_sub_load(&cur, a, s, who, id,
				 &(struct apply_sub_how){ .with_answers = 1, .for_update = 1 }, e)))
		goto fail;
	if (who->kind == APPLY_STAFF && cur.resident_id != 0) {
		/* staff correct only what they entered at the counter */
		rc = err_set(e, ERR_DENIED, "submission %lld belongs to a resident", (long long)id);
		goto fail;
	}
	if (strcmp(cur.status, "returned") != 0) {
		rc = err_set(e, ERR_CONFLICT, "submission %lld is %s, not returned",
			     (long long)id, cur.status);
		goto fail;
	}
	/* one correction draft per submission: the one under way, if any */
	struct store_val q[] = { sv_int(id), sv_text(who->tenant), sv_int(kind), sv_int(oid) };
	rc = store_query_int(draft_id, s, "SELECT id FROM apply_drafts WHERE submission_id = $1"
			     " AND tenant = $2 AND owner_kind = $3 AND owner_id = $4"
			     " ORDER BY id LIMIT 1", q, 4, e);
	if (rc == 0) {
		rc = apply_tx_end(own, 0, s, e);
		goto out;
	}
	if (rc != ERR_NOTFOUND)
		goto fail;
	if ((rc = apply_draft_insert(draft_id, s, who,
				     &(struct apply_draft_new){ .procedure = cur.procedure,
								.version = cur.version,
								.answers = cur.answers,
								.sources = cur.sources,
								.bundle_id = cur.bundle_id,
								.submission_id = id },
				     now, e)))
		goto fail;
	rc = apply_tx_end(own, 0, s, e);
	goto out;
fail:
	*draft_id = 0;
	apply_tx_end(own, rc, s, NULL);
out:
	arena_free(a);
	return rc;
}
