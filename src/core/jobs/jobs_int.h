/*
 * jobs_int.h -- private to src/core/jobs: helpers shared by jobs.c (queue,
 * list, registry) and jobs_runner.c (threads, claims, leases).
 */
#ifndef MADOGUCHI_JOBS_JOBS_INT_H
#define MADOGUCHI_JOBS_JOBS_INT_H

#include <stddef.h>

#include "core/jobs/jobs.h"

/* jobs_kind_ok -- [a-z0-9._-]{1,JOBS_KIND_MAX} */
int jobs_kind_ok(const char *kind);

/* jobs_utf8_cut -- copy at most max bytes of s into out (max + 1 bytes),
 * cutting at a UTF-8 character boundary and replacing control characters
 * by spaces. */
void jobs_utf8_cut(char *out, const char *s, size_t max);

#endif
