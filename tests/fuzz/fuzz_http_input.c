/*
 * fuzz_http_input.c -- libFuzzer target for the HTTP layer's input parsers:
 * percent-decoding, query strings and forms, Cookie headers, route
 * matching, multipart/form-data bodies.  The first byte chooses the parser; the rest is its input.
 * Properties checked besides "no crash": a decoded value is valid UTF-8
 * without NUL; counts stay within the limits given.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	struct arena *a = arena_new(1u << 24);
	const char *names[HTTP_MAX_PARAMS], *values[HTTP_MAX_PARAMS];
	switch (data[0] % 5) {
	case 0: {
		char *out = malloc(n + 1);
		int len = http_urldecode(out, in, n, data[0] & 4);
		if (len >= 0) {
			assert((size_t)len <= n);
			assert(http_utf8_valid(out, (size_t)len));
		}
		free(out);
		break;
	}
	case 1: {
		int k = http_parse_urlencoded(in, n, a, names, values, HTTP_MAX_PARAMS);
		assert(k <= HTTP_MAX_PARAMS);
		for (int i = 0; i < k; i++)
			assert(http_utf8_valid(names[i], strlen(names[i])) &&
			       http_utf8_valid(values[i], strlen(values[i])));
		break;
	}
	case 2: {
		int k = http_parse_cookies(in, n, a, names, values, 8);
		assert(k <= 8);
		break;
	}
	case 3: {
		/* pattern and path separated by the first NUL-free newline */
		const char *nl = memchr(in, '\n', n);
		if (!nl)
			break;
		char *pat = strndup(in, (size_t)(nl - in));
		char *path = strndup(nl + 1, n - (size_t)(nl - in) - 1);
		int cnt = 0;
		if (http_route_match(pat, path, a, names, values, &cnt, 16))
			assert(cnt >= 0 && cnt <= 16);
		free(pat);
		free(path);
		break;
	}
	case 4: {
		/* a multipart body with the boundary "b": parts stay inside
		 * the body, names and file names are UTF-8 text */
		struct http_part parts[8];
		int k = http_parse_multipart(parts, 8, in, n, "b", a);
		assert(k <= 8);
		for (int i = 0; i < k; i++) {
			assert(parts[i].data >= in && parts[i].data + parts[i].len <= in + n);
			assert(http_utf8_valid(parts[i].name, strlen(parts[i].name)));
			if (parts[i].filename)
				assert(http_utf8_valid(parts[i].filename, strlen(parts[i].filename)));
		}
		break;
	}
	}
	arena_free(a);
	return 0;
}
