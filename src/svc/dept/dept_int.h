/*
 * dept_int.h -- shared inside src/svc/dept only: the demo ward's rows.
 */
#ifndef MADOGUCHI_SVC_DEPT_INT_H
#define MADOGUCHI_SVC_DEPT_INT_H

#include <stdint.h>

#include "base/err.h"

struct store;

/* dept_demo -- the demo ward's departments (demo.c); rows already there
 * are kept as they are */
int dept_demo(struct store *s, const char *tenant, int64_t now, struct err *e);

#endif
