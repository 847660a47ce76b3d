/*
 * app_apply.h -- the answers the application pages and the JSON API give
 * when src/svc/apply refuses something for a reason of its own rules (once
 * only, an account's attachment limits), in both languages, the same on
 * every path.  Implemented in app_apply.c.
 *
 * Invariant: messages are fixed texts of ours; a refusal's detail (ids
 * and limits, never personal data) goes to the log only.
 */
#ifndef MADOGUCHI_APP_APP_APPLY_H
#define MADOGUCHI_APP_APP_APPLY_H

#include "base/err.h"
#include "core/forms/forms.h"

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

#endif
