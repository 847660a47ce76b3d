/*
 * publish.c -- the one way a procedure definition becomes a published
 * version (the builder's approval, `madoguchi procedure load`): the new
 * immutable version (core/forms' forms_publish_with, only when the
 * definition changed) with the caller's audit record in the same
 * transaction, on approval the draft dropped and a withdrawal lifted, then
 * the full-text index.  Checks that must hold before anything is
 * published belong at the top of procedures_publish, so that every path
 * gets them.
 *
 * Invariants: knows no HTTP; the four-eyes rule is forms_draft_move's
 * (core/forms), checked before this publishes an approved draft; a
 * procedure is published only when at least one active member of staff
 * of the tenant can read its department's applications (src/svc/dept:
 * dept_check_routed), otherwise ERR_DENIED and nothing written.
 */
#include <string.h>

#include "svc/procedures/procedures.h"
#include "core/forms/forms.h"
#include "svc/dept/dept.h"

int procedures_check_routed(struct store *s, const char *tenant, const struct forms_def *d,
			    struct err *e)
{
	return dept_check_routed(s, tenant, d->department, e);
}

struct pub_hook {
	const struct procedures_publish_req *rq;
};

static int in_tx(struct store *s, const char *tenant, const char *id, int version, void *arg,
		 struct err *e)
{
	struct pub_hook *h = arg;
	int rc;
	if (h->rq->approved && (rc = forms_draft_drop(s, tenant, id, e)) != 0)
		return rc;
	if (h->rq->hook && h->rq->hook->fn)
		return h->rq->hook->fn(s, tenant, id, version, h->rq->hook->arg, e);
	return 0;
}

int procedures_publish(int *version, int *created, struct store *s,
		       const struct procedures_publish_req *rq, struct err *e)
{
	struct pub_hook h = { rq };
	struct forms_publish_hook hook = { in_tx, &h };
	int made = 0;
	*version = 0;
	if (created)
		*created = 0;
	int rc = procedures_check_routed(s, rq->tenant, rq->d, e);
	if (rc)
		return rc;
	rc = forms_publish_with(version, &made, s, rq->tenant, rq->d, &hook, e);
	if (rc)
		return rc;
	if (created)
		*created = made;
	if (rq->approved) {
		/* unchanged since the latest version: nothing was written, the
		 * draft still goes; an approved draft brings the procedure back */
		if (!made && (rc = forms_draft_drop(s, rq->tenant, rq->d->id, e)) != 0)
			return rc;
		if ((rc = forms_unpublish(s, rq->tenant, rq->d->id, 0, e)) != 0)
			return rc;
	}
	if (rq->search)
		return procedures_index(rq->search, rq->tenant, rq->d, e);
	return 0;
}

int procedures_approve(int *version, int *created, struct store *s, int64_t staff,
		       const struct procedures_publish_req *rq, struct err *e)
{
	struct forms_draft_step st = { .tenant = rq->tenant, .code = rq->d->id, .to = "approved",
				       .staff = staff };
	int rc = forms_draft_move(s, &st, e);
	if (rc)
		return rc;
	return procedures_publish(version, created, s, rq, e);
}
