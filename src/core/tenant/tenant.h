/*
 * tenant.h -- municipalities (tenants), keyed by 全国地方公共団体コード.
 *
 * A deployment serves one or several municipalities.  A request resolves
 * its tenant from the Host header or from a path prefix (/t/<prefix>/),
 * depending on configuration.  The code is six digits whose last is a
 * check digit (validated by src/jp); rows of every module carry it.
 */
#ifndef MADOGUCHI_TENANT_TENANT_H
#define MADOGUCHI_TENANT_TENANT_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define TENANT_CODE_LEN 6
#define TENANT_NAME_MAX 200
#define TENANT_HOST_MAX 253

struct tenant {
	char code[TENANT_CODE_LEN + 1];
	char name_ja[TENANT_NAME_MAX + 1];
	char name_en[TENANT_NAME_MAX + 1];
	char host[TENANT_HOST_MAX + 1];       /* "" when none */
	char path_prefix[64];                 /* "" when none */
	int demo;
};

extern const struct store_module_schema tenant_schema;

/* tenant_add -- create a tenant.  ERR_INVALID for a bad code (wrong
 * length, not digits, wrong check digit) or an empty name; ERR_CONFLICT
 * when the code, host or prefix is taken. */
int tenant_add(struct store *s, const struct tenant *t, struct err *e);

/* tenant_exists -- 1 when a municipality has code, 0 when none has, or
 * a negative ERR_* */
int tenant_exists(struct store *s, const char *code, struct err *e);
/* tenant_get -- by code.  ERR_NOTFOUND when absent. */
int tenant_get(struct tenant *out, struct store *s, const char *code,
	       struct err *e);

/* tenant_by_host / tenant_by_prefix -- resolve a request's tenant. */
int tenant_by_host(struct tenant *out, struct store *s, const char *host,
		   struct err *e);
int tenant_by_prefix(struct tenant *out, struct store *s, const char *prefix,
		     struct err *e);

/* tenant_list -- calls fn for each tenant in code order; returns the count
 * or a negative ERR_*. */
int tenant_list(struct store *s,
		void (*fn)(const struct tenant *t, void *arg), void *arg,
		struct err *e);

#endif
