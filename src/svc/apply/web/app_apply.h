/*
 * app_apply.h -- the web side of online applications: the handlers of
 * src/svc/apply/web/ (resident pages, the staff inbox, the JSON API), the
 * route table they are declared in, and the answers the application pages and the JSON API give
 * when src/svc/apply refuses something for a reason of its own rules (once
 * only, an account's attachment limits), in both languages, the same on
 * every path.  Implemented in app_apply.c.
 *
 * Invariant: messages are fixed texts of ours; a refusal's detail (ids
 * and limits, never personal data) goes to the log only.
 */
#ifndef MADOGUCHI_SVC_APPLY_WEB_APP_APPLY_H
#define MADOGUCHI_SVC_APPLY_WEB_APP_APPLY_H

#include "base/err.h"
#include "core/forms/forms.h"
#include "web/app.h"

struct http_req;

/* app_apply_limits -- the server's per-account upload limits (serve
 * --upload-quota, --upload-rate) for struct apply_actor.limits, in a;
 * NULL when both are off.  Every actor a request builds carries them. */
struct apply_limits;
struct arena;
const struct apply_limits *app_apply_limits(struct http_req *r, struct arena *a);

/* app_registry_refused -- a submission refused because the registry does
 * not prove an answer (apply_registry_problem(res) is not NULL): 400,
 * saying what to do (attach the document / start again). */
int app_registry_refused(struct http_req *r, const struct forms_result *res,
			 const struct err *e);

/* app_upload_refused -- when apply_limit_hit(e) names a limit: 413 for the
 * account's attachment quota, 429 for the upload rate, each naming the
 * limit, and returns 1 (the answer sent); 0 when e is about something
 * else (nothing sent). */
int app_upload_refused(struct http_req *r, const struct err *e);


/* --- resident applications (page_apply.c) --- */
int page_procedures(struct http_req *r);
int page_procedure(struct http_req *r);
int page_apply_start(struct http_req *r);
int page_draft_page(struct http_req *r);
int page_draft_page_post(struct http_req *r);
int page_draft_delete(struct http_req *r);
int page_draft_confirm(struct http_req *r);
int page_draft_canonical(struct http_req *r);
int page_draft_submit(struct http_req *r);
int page_draft_pay(struct http_req *r);
int page_submission(struct http_req *r);
int page_submission_withdraw_form(struct http_req *r);
int page_submission_withdraw(struct http_req *r);
int page_submission_correct(struct http_req *r);
int page_submission_pdf(struct http_req *r);
int page_apply_file(struct http_req *r);
int page_my_applications(struct http_req *r);

/* --- signing with a signing app (page_sign.c, docs/signatures.md §5) --- */
int page_draft_sign_request(struct http_req *r);
int page_bundle_sign_request(struct http_req *r);
int page_sign_request(struct http_req *r);
int page_sign_data(struct http_req *r);
int page_sign_return(struct http_req *r);
int page_sign_demo_key(struct http_req *r);

/* --- apply (app_apply.c) --- */
/* app_apply_actor -- who acts on applications, from the request's session
 * (the route must declare a permission, so that the session is loaded):
 * a resident's full session gives APPLY_RESIDENT; a staff member's gives
 * APPLY_STAFF with the departments of their "dept.<x>" permissions ('_'
 * read back as '-'; "dept.all": ndepts -1) and personal_read from
 * "personal.read" (apply_view); both carry the server's upload limits
 * (app_apply_limits, app_apply.h); anything else ERR_AUTH.  The strings
 * live in a. */
struct apply_actor;
int app_apply_actor(struct apply_actor *out, struct arena *a, struct http_req *r);
/* app_submit_audit -- an apply_submit_opts.in_tx hook (arg: struct
 * app_submit_audit): the submission's audit record (action,
 * object_type, object_id its receipt), written in the submission's own
 * transaction.  Fill it with
 * app_submit_audit_init on the request's thread: the hook may run on
 * another thread (the group commit's leader) and never reads r. */
struct app_submit_audit {
	const struct audit_config *c;
	struct app_actor actor;
	const char *action, *object_type;
};
/* app_file_unreadable -- the answer when an attachment's stored copy is
 * missing or damaged (apply_file_get's ERR_IO): what to do next, in both
 * languages; the detail (which file, where) goes to the log only. */
int app_file_unreadable(struct http_req *r, const struct err *e);
struct apply_submission;
void app_submit_audit_init(struct app_submit_audit *out, struct http_req *r,
			   const char *action, const char *object_type);
int app_submit_audit(struct store *s, const struct apply_submission *sub, void *arg,
		     struct err *e);
/* --- end apply --- */

/* --- api (api_apply.c): the applications JSON API --- */
int api_procedures_list(struct http_req *r);
int api_procedure_get(struct http_req *r);
int api_draft_create(struct http_req *r);
int api_draft_get(struct http_req *r);
int api_draft_put(struct http_req *r);
int api_draft_delete(struct http_req *r);
int api_draft_file_put(struct http_req *r);
int api_draft_canonical(struct http_req *r);
int api_draft_submit(struct http_req *r);
int api_procedure_submit(struct http_req *r);
int api_my_submissions(struct http_req *r);
int api_submissions_list(struct http_req *r);
int api_submission_get(struct http_req *r);
int api_submission_withdraw(struct http_req *r);
int api_submission_transition(struct http_req *r);
int api_submission_assign(struct http_req *r);
int api_submission_comment(struct http_req *r);
int api_file_get(struct http_req *r);

/* once only (app_prefill.c): the resident's registry record joined to
 * forms_prefill / forms_prefill_check (see src/core/forms/forms.h); a resident
 * without a linked record gets no registry answers and no waivers.  Call
 * app_prefill_check with forms_validate's r->answers (in->norm) before
 * apply_submit: it adds errors to r (read-only registry answers changed,
 * a waiver the registry no longer proves).  Errors from the store are
 * returned. */
struct forms_def;
struct forms_result;
struct json_t;
/* Whose record, for which definition.  Nothing is taken over. */
struct app_prefill_in {
	const char *tenant;                  /* the municipality's code       */
	int64_t resident_id;                 /* the resident's account        */
	const struct forms_def *def;
	const struct json_t *previous;       /* app_prefill_start: the last
						answers of the resident, keyed
						by field id, or NULL          */
	const struct json_t *previous_any;   /* app_prefill_start: the answers
						of the resident's latest
						application of any procedure
						(phone, e-mail), or NULL      */
	const struct json_t *norm;           /* app_prefill_check: the
						normalised answers            */
	const struct json_t *sources;        /* app_prefill_check: the draft's
						sources (field id -> "juki"
						...), or NULL                 */
};
int app_prefill_start(struct json_t **answers, struct json_t **sources, struct arena *a,
		      struct store *s, const struct app_prefill_in *in, struct err *e);
int app_prefill_check(struct forms_result *r, struct arena *a, struct store *s,
		      const struct app_prefill_in *in, struct err *e);

/* --- inbox (page_inbox.c): the staff back office of online applications --- */
int page_inbox(struct http_req *r);
int page_inbox_csv(struct http_req *r);
int page_inbox_bulk(struct http_req *r);
int page_inbox_unrouted(struct http_req *r);
void inbox_staff_home(struct buf *b, struct http_req *r);
int page_staff_submission(struct http_req *r);
int page_staff_submission_history(struct http_req *r);
int page_staff_submission_file(struct http_req *r);
int page_staff_submission_assign(struct http_req *r);
int page_staff_submission_comment(struct http_req *r);
int page_staff_submission_transition(struct http_req *r);
/* their declared parameters (defined in page_inbox.c) */
extern const struct http_param_spec inbox_p_list[], inbox_p_csv[], inbox_p_submission[],
	inbox_p_history[], inbox_p_file[], inbox_p_assign[], inbox_p_comment[],
	inbox_p_transition[], inbox_p_bulk[];
/* --- end inbox --- */

/* ---- the service (../service.c) ---- */
/* the options `serve --upload-quota BYTES` and `--upload-rate N`, read at
 * start into the service's slot (svc_state) */
struct app_apply_config {
	int64_t upload_quota_bytes;  /* attachment bytes kept; <= 0: unlimited */
	int uploads_per_min;         /* new attachments a minute; <= 0: unlimited */
	/* the demo signer (page_sign.c; serve --demo-signer DIR): the fictional
	 * demo resident's key (PKCS#8 PEM) and certificate; NULL: off */
	char *demo_key_pem, *demo_cert_pem;
};
int app_apply_check_demo_signer(const char *v);
int app_apply_check_quota(const char *v);
int app_apply_check_rate(const char *v);
int app_apply_init(void **state, struct app *a, struct err *e);
void app_apply_done(void *state);
extern const struct svc svc_apply;

/* the routes (routes.c) and the descriptor (../service.c) */
extern const struct http_route apply_routes[];

#endif
