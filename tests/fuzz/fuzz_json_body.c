/*
 * fuzz_json_body.c -- libFuzzer target for JSON request bodies as the
 * server reads them: jansson with duplicate keys refused and a size limit,
 * then the canonical re-encoding must parse back to an equal value.
 */
#include <assert.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > HTTP_DEFAULT_MAX_BODY)
		return 0;
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size,
			       JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &err);
	if (!j)
		return 0;
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (s) {
		json_t *k = json_loads(s, JSON_DECODE_ANY, &err);
		assert(k && json_equal(j, k));
		json_decref(k);
		free(s);
	}
	json_decref(j);
	return 0;
}
