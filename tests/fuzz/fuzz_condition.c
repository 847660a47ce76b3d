/*
 * fuzz_condition.c -- libFuzzer target for the condition language of
 * procedure definitions (src/core/forms/cond.c): any byte string is either
 * refused with ERR_INVALID / ERR_LIMIT and a detail, or parsed into a
 * tree that evaluates (twice, to the same truth) against a fixed set of
 * answers, group items included, and whose names can all be visited.
 * Seeds: tests/fuzz/corpus/condition/.
 */
#include <assert.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/forms/forms.h"

static json_t *answers;

static int count_ref(const char *name, int scoped, const char *group, void *arg)
{
	(void)scoped;
	(void)group;
	assert(name && *name);
	(*(int *)arg)++;
	return 0;
}

static int count_lit(const char *name, int scoped, const char *group,
		     const struct forms_val *lit, void *arg)
{
	(void)scoped;
	(void)group;
	assert(name && *name && lit);
	(*(int *)arg)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FORMS_COND_MAX_LEN + 16)
		return 0;
	if (!answers)
		answers = json_loads("{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,"
				     "\"birth\":\"2000-02-29\",\"items\":[\"x\",\"y\"],"
				     "\"bank\":{\"kind\":\"ordinary\"},"
				     "\"g\":[{\"a\":2,\"birth\":\"2024-01-01\"},{\"a\":3}]}",
				     0, NULL);
	char *src = malloc(size + 1);
	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = 0;
	struct arena *a = arena_new(1u << 20);
	struct forms_cond *c = NULL;
	struct err e;
	err_clear(&e);
	int rc = forms_cond_parse(&c, a, src, &e);
	if (rc == 0) {
		assert(c);
		struct forms_env env = { .root = answers, .today = { 2026, 11, 22 } };
		int t1 = forms_cond_eval(c, &env);
		int t2 = forms_cond_eval(c, &env);
		assert(t1 == t2 && (t1 == 0 || t1 == 1));
		env.item = json_array_get(json_object_get(answers, "g"), 0);
		(void)forms_cond_value(c, &env);
		int n = 0;
		forms_cond_refs(c, count_ref, &n);
		forms_cond_literals(c, count_lit, &n);
	} else {
		assert(rc == ERR_INVALID || rc == ERR_LIMIT || rc == ERR_NOMEM);
		assert(e.detail[0]);
	}
	arena_free(a);
	free(src);
	return 0;
}
