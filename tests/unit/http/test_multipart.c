/*
 * test_multipart.c -- multipart/form-data parsing (src/http/multipart.c):
 * the boundary from Content-Type, text and file parts, a body as browsers
 * send it (with a preamble-less first delimiter and a UTF-8 file name),
 * binary content with CR/LF and boundary look-alikes inside, and each kind
 * of malformed or over-limit input refused without a partial result.
 */
#include <string.h>

#include "../t.h"
#include "http/http.h"

static int parse(struct http_part *parts, int max, const char *body, size_t len,
		 const char *boundary, struct arena *a)
{
	return http_parse_multipart(parts, max, body, len, boundary, a);
}

static void test_boundary(void)
{
	char b[HTTP_MULTIPART_BOUNDARY_MAX + 1];
	T_EQ_INT(http_multipart_boundary(b, sizeof b,
		 "multipart/form-data; boundary=----WebKitFormBoundaryABC123"), 0);
	T_EQ_STR(b, "----WebKitFormBoundaryABC123");
	T_EQ_INT(http_multipart_boundary(b, sizeof b,
		 "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\""), 0);
	T_EQ_STR(b, "a b:c");
	T_EQ_INT(http_multipart_boundary(b, sizeof b, "multipart/form-data"), ERR_INVALID);
	T_EQ_INT(http_multipart_boundary(b, sizeof b, "multipart/mixed; boundary=x"), ERR_INVALID);
	T_EQ_INT(http_multipart_boundary(b, sizeof b, "multipart/form-data; boundary="), ERR_INVALID);
	char longb[200] = "multipart/form-data; boundary=";
	memset(longb + strlen(longb), 'x', 71);
	T_EQ_INT(http_multipart_boundary(b, sizeof b, longb), ERR_INVALID);
}

static void test_browser_body(void)
{
	/* as Chromium sends a form with a text field, a file and a CSRF token;
	 * the file holds CRLFs and near-boundary lines (a delimiter itself cannot occur in a part, RFC 2046 5.1.1) */
	static const char body[] =
		"------B\r\n"
		"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
		"tok\r\n"
		"------B\r\n"
		"Content-Disposition: form-data; name=\"family\"\r\n\r\n"
		"山田\r\n"
		"------B\r\n"
		"Content-Disposition: form-data; name=\"proof\"; filename=\"住民票 (写し).pdf\"\r\n"
		"Content-Type: Application/PDF\r\n\r\n"
		"%PDF-1.7\r\n----B\r\n-----B\r\n\0\1\2\r\n"
		"------B--\r\n";
	struct arena *a = arena_new(1 << 16);
	struct http_part p[8];
	int n = parse(p, 8, body, sizeof body - 1, "----B", a);
	T_REQUIRE(n == 3);
	T_EQ_STR(p[0].name, "csrf");
	T_CHECK(p[0].filename == NULL);
	T_CHECK(p[0].len == 3 && memcmp(p[0].data, "tok", 3) == 0);
	T_EQ_STR(p[1].name, "family");
	T_CHECK(p[1].len == strlen("山田") && memcmp(p[1].data, "山田", p[1].len) == 0);
	T_EQ_STR(p[2].name, "proof");
	T_EQ_STR(p[2].filename, "住民票 (写し).pdf");
	T_EQ_STR(p[2].type, "application/pdf");
	static const char content[] = "%PDF-1.7\r\n----B\r\n-----B\r\n\0\1\2";
	T_CHECK(p[2].len == sizeof content - 1);
	T_CHECK(memcmp(p[2].data, content, sizeof content - 1) == 0);
	arena_free(a);
}

static void test_preamble_and_empty_file(void)
{
	static const char body[] =
		"ignored preamble\r\n"
		"--xyz\r\n"
		"Content-Disposition: form-data; name=f; filename=\"\"\r\n"
		"Content-Type: application/octet-stream\r\n\r\n"
		"\r\n"
		"--xyz--";
	struct arena *a = arena_new(1 << 16);
	struct http_part p[4];
	int n = parse(p, 4, body, sizeof body - 1, "xyz", a);
	T_REQUIRE(n == 1);
	T_EQ_STR(p[0].name, "f");
	T_EQ_STR(p[0].filename, "");
	T_CHECK(p[0].len == 0);
	arena_free(a);
}

static void test_malformed(void)
{
	struct arena *a = arena_new(1 << 16);
	struct http_part p[2];
	const char *bad[] = {
		/* no closing delimiter */
		"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue",
		/* no blank line after the headers */
		"--b\r\nContent-Disposition: form-data; name=\"x\"\r\nvalue\r\n--b--",
		/* a part without a name */
		"--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--",
		/* not form-data */
		"--b\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nv\r\n--b--",
		/* unterminated quoted name */
		"--b\r\nContent-Disposition: form-data; name=\"x\r\n\r\nv\r\n--b--",
		/* a header line without a colon */
		"--b\r\nContent-Disposition: form-data; name=\"x\"\r\nbogus\r\n\r\nv\r\n--b--",
		/* garbage after the delimiter */
		"--bQ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--b--",
		/* no delimiter at all */
		"name=value",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int n = parse(p, 2, bad[i], strlen(bad[i]), "b", a);
		if (n != ERR_INVALID)
			T_FAIL_("case %zu: got %d, want ERR_INVALID", i, n);
	}
	/* a name with a control character, a file name not UTF-8 */
	const char ctl[] = "--b\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nv\r\n--b--";
	T_EQ_INT(parse(p, 2, ctl, sizeof ctl - 1, "b", a), ERR_INVALID);
	const char utf[] = "--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"\xff.pdf\"\r\n\r\nv\r\n--b--";
	T_EQ_INT(parse(p, 2, utf, sizeof utf - 1, "b", a), ERR_INVALID);
	arena_free(a);
}

static void test_limits(void)
{
	struct arena *a = arena_new(1 << 20);
	struct http_part p[2];
	/* three parts where two are allowed */
	const char three[] =
		"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--";
	T_EQ_INT(parse(p, 2, three, sizeof three - 1, "b", a), ERR_LIMIT);
	/* a header block over HTTP_MULTIPART_HEADERS_MAX */
	size_t big = HTTP_MULTIPART_HEADERS_MAX + 100;
	char *body = malloc(big + 64);
	strcpy(body, "--b\r\nX-Pad: ");
	size_t at = strlen(body);
	memset(body + at, 'p', big);
	strcpy(body + at + big, "\r\n\r\nv\r\n--b--");
	T_EQ_INT(parse(p, 2, body, strlen(body), "b", a), ERR_LIMIT);
	free(body);
	T_EQ_INT(parse(p, 2, three, sizeof three - 1, "", a), ERR_INVALID);
	arena_free(a);
}

int main(void)
{
	T_RUN(test_boundary);
	T_RUN(test_browser_body);
	T_RUN(test_preamble_and_empty_file);
	T_RUN(test_malformed);
	T_RUN(test_limits);
	return t_done();
}
