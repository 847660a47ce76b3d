/*
 * publish.c -- the one way a procedure is published from this service:
 * the rule that its applications must reach someone, then core/forms'
 * forms_publish_with (a new immutable version only when the canonical
 * form changed).  The CLI (`procedure load`) and the staff editor call
 * procedures_publish, so both refuse the same way.
 *
 * Invariant: a procedure is published only when at least one active
 * member of staff of the tenant can read its department's applications
 * (src/svc/dept: dept_check_routed); otherwise ERR_DENIED, nothing
 * written, and the caller shows the catalog row PROCEDURES_MSG_UNROUTED.
 */
#include "svc/procedures/procedures.h"

#include "core/forms/forms.h"
#include "svc/dept/dept.h"

int procedures_check_routed(struct store *s, const char *tenant, const struct forms_def *d,
			    struct err *e)
{
	return dept_check_routed(s, tenant, d->department, e);
}

int procedures_publish(int *version, int *created, struct store *s, const char *tenant,
		       const struct forms_def *d, const struct forms_publish_hook *hook,
		       struct err *e)
{
	*version = 0;
	*created = 0;
	int rc = procedures_check_routed(s, tenant, d, e);
	if (rc)
		return rc;
	return forms_publish_with(version, created, s, tenant, d, hook, e);
}
