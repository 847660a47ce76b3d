/*
 * opendata_int.h -- shared inside src/svc/opendata only.
 */
#ifndef MADOGUCHI_OPENDATA_INT_H
#define MADOGUCHI_OPENDATA_INT_H

#include <jansson.h>

#include "svc/opendata/opendata.h"

/* opendata_package_cached -- the package dict of dataset `id` whose
 * `modified` and last change id are known (from a query the caller ran),
 * from this thread's cache when still valid; *dump (may be NULL) gets the
 * cached compact JSON text, valid until the next call on this thread. */
int opendata_package_cached(json_t **out, const char **dump, const struct opendata_ctx *c,
			    const char *id, int64_t modified, int64_t change, struct err *e);

#endif
