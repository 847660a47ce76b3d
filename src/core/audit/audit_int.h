/*
 * audit_int.h -- private to src/core/audit: shared helpers of audit.c and
 * audit_key.c.
 */
#ifndef MADOGUCHI_AUDIT_AUDIT_INT_H
#define MADOGUCHI_AUDIT_AUDIT_INT_H

#include <pthread.h>

#include "core/audit/audit.h"

/* audit_sodium_init -- sodium_init() once per process (thread-safe).
 * 0 or ERR_INTERNAL. */
int audit_sodium_init(struct err *e);

#endif
