/*
 * procedures.h -- the public header of the procedures service: what other
 * services may call (see the README's "may use" rule).  The definitions
 * themselves (tables, parsing, versions) are core/forms; this service
 * owns the staff editor and the full-text index of published procedures.
 */
#ifndef MADOGUCHI_SVC_PROCEDURES_H
#define MADOGUCHI_SVC_PROCEDURES_H

#include "base/err.h"

struct search;
struct forms_def;

/* procedures_index -- put procedure d of tenant into the full-text search
 * (collection "procedure", id = its code), on sr's store: call it inside
 * the publication's transaction, or after it (idempotent). */
int procedures_index(struct search *sr, const char *tenant, const struct forms_def *d,
		     struct err *e);

#endif
