/*
 * procedures.h -- the public header of the procedures service: what other
 * services may call (see the README's "may use" rule).  The definitions
 * themselves (tables, parsing, versions) are core/forms; this service
 * owns the staff editor and the full-text index of published procedures.
 */
#ifndef MADOGUCHI_SVC_PROCEDURES_H
#define MADOGUCHI_SVC_PROCEDURES_H

#include <stdint.h>

#include "base/err.h"

struct search;
struct store;
struct forms_def;
struct forms_publish_hook;

/* procedures_index -- put procedure d of tenant into the full-text search
 * (collection "procedure", id = its code), on sr's store: call it inside
 * the publication's transaction, or after it (idempotent). */
int procedures_index(struct search *sr, const char *tenant, const struct forms_def *d,
		     struct err *e);

/* The catalog id of the refusal below (ja, en, やさしい日本語; one %s: the
 * department's code), for the pages that publish. */
#define PROCEDURES_MSG_UNROUTED "dept.error.unrouted"

/* procedures_check_routed -- 0 when at least one active member of staff
 * of tenant can read the applications of d's department (applications.read
 * and dept.<department> or dept.all: src/svc/dept, dept_check_routed);
 * ERR_DENIED (detail names the department) when nobody can; ERR_NOTFOUND
 * when tenant is no municipality. */
int procedures_check_routed(struct store *s, const char *tenant, const struct forms_def *d,
			    struct err *e);
/* What to publish (publish.c): d (checked) for tenant; hook (may be
 * NULL) runs in the publication's transaction when a version is written
 * (the caller's audit record); approved: d is the approved draft, which
 * is dropped with it and lifts a withdrawal; search (may be NULL): the
 * index to update. */
struct procedures_publish_req {
	const char *tenant;
	const struct forms_def *d;
	const struct forms_publish_hook *hook;
	struct search *search;
	int approved;
};
/* procedures_publish -- the one publishing function: every publication
 * (approval in the builder, `procedure load`) goes through it, so checks
 * that must hold before publishing live here: first
 * procedures_check_routed (ERR_DENIED and nothing written when the
 * department reaches nobody: answer with PROCEDURES_MSG_UNROUTED, the
 * department code as its %s).  *version: now current,
 * *created (may be NULL): 1 when a version was added. */
int procedures_publish(int *version, int *created, struct store *s,
		       const struct procedures_publish_req *rq, struct err *e);
/* procedures_approve -- staff approves rq->d's draft in review (refused
 * with ERR_DENIED to the member who submitted it, ERR_CONFLICT when not in
 * review) and publishes it (rq->approved should be 1). */
int procedures_approve(int *version, int *created, struct store *s, int64_t staff,
		       const struct procedures_publish_req *rq, struct err *e);

#endif
