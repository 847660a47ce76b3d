/*
 * exact.c -- placeholder until the GLPK model lands.
 */
#include "nursery/nursery_int.h"

int nursery_alloc_exact(struct nursery_result *r, struct nsolve *s,
			const struct nursery_alloc_opts *o, struct err *e)
{
	(void)r; (void)s; (void)o;
	return err_set(e, ERR_UNAVAILABLE, "exact not built yet");
}
