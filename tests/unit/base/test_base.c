/*
 * test_base.c -- arena, bounded buffers, hex, integer parsing, errors.
 */
#include "t.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/util.h"

static int cleanup_order[4], cleanup_n;
static void record_cleanup(void *p)
{
	cleanup_order[cleanup_n++] = *(int *)p;
}

static void test_arena_alloc_and_cleanup_order(void)
{
	struct arena *a = arena_new(0);
	T_REQUIRE(a);
	static int one = 1, two = 2;
	char *s = arena_printf(a, "%s-%d", "ward", 131156);
	T_EQ_STR(s, "ward-131156");
	/* a large block must not disturb small allocations */
	char *big = arena_alloc(a, 100000);
	T_REQUIRE(big);
	T_EQ_INT(big[99999], 0);
	char *small = arena_strdup(a, "abc");
	T_EQ_STR(small, "abc");
	T_EQ_INT(((uintptr_t)arena_alloc(a, 3)) % 16, 0);
	cleanup_n = 0;
	arena_cleanup_add(a, record_cleanup, &one);
	arena_cleanup_add(a, record_cleanup, &two);
	arena_free(a);
	T_EQ_INT(cleanup_n, 2);
	T_EQ_INT(cleanup_order[0], 2); /* reverse order of registration */
	T_EQ_INT(cleanup_order[1], 1);
}

static void test_arena_limit(void)
{
	struct arena *a = arena_new(1024);
	T_REQUIRE(a);
	T_CHECK(arena_alloc(a, 512) != NULL);
	T_CHECK(arena_alloc(a, 1024) == NULL);
	T_CHECK(arena_alloc(a, (size_t)-1) == NULL);
	T_CHECK(arena_used(a) <= 1024);
	arena_free(a);
}

static void test_buf_limit_keeps_content(void)
{
	struct buf b;
	buf_init(&b, 8);
	T_EQ_STR(buf_cstr(&b), "");
	T_EQ_INT(buf_puts(&b, "12345"), 0);
	T_EQ_INT(buf_puts(&b, "6789"), ERR_LIMIT);
	T_EQ_STR(buf_cstr(&b), "12345");
	T_EQ_INT(buf_printf(&b, "%d", 678), 0);
	T_EQ_STR(buf_cstr(&b), "12345678");
	T_EQ_INT(buf_putc(&b, 'x'), ERR_LIMIT);
	T_EQ_INT(b.len, 8);
	buf_done(&b);
}

static void test_hex_roundtrip_and_rejects(void)
{
	unsigned char in[3] = { 0x00, 0xab, 0xff }, out[3];
	char hex[7];
	hex_encode(hex, in, 3);
	T_EQ_STR(hex, "00abff");
	T_EQ_INT(hex_decode(out, 3, "00ABff"), 0);
	T_CHECK(memcmp(in, out, 3) == 0);
	T_EQ_INT(hex_decode(out, 3, "00abf"), ERR_INVALID);
	T_EQ_INT(hex_decode(out, 3, "00abfg"), ERR_INVALID);
	T_EQ_INT(hex_decode(out, 3, "00abff00"), ERR_INVALID);
}

static void test_parse_i64(void)
{
	int64_t v;
	T_EQ_INT(parse_i64(&v, "8080", 1, 65535), 0);
	T_EQ_INT(v, 8080);
	T_EQ_INT(parse_i64(&v, "65536", 1, 65535), ERR_INVALID);
	T_EQ_INT(parse_i64(&v, "80x", 1, 65535), ERR_INVALID);
	T_EQ_INT(parse_i64(&v, " 80", 1, 65535), ERR_INVALID);
	T_EQ_INT(parse_i64(&v, "", 1, 65535), ERR_INVALID);
	T_EQ_INT(parse_i64(&v, "99999999999999999999", 0, INT64_MAX), ERR_INVALID);
	T_EQ_INT(parse_i64(&v, "-5", -10, 10), 0);
	T_EQ_INT(v, -5);
}

static void test_random_tokens_differ(void)
{
	char a[33], b[33];
	T_EQ_INT(random_token(a, 16), 0);
	T_EQ_INT(random_token(b, 16), 0);
	T_EQ_INT(strlen(a), 32);
	T_CHECK(strcmp(a, b) != 0);
}

static void test_err_set(void)
{
	struct err e;
	err_clear(&e);
	T_EQ_INT(err_set_line(&e, ERR_INVALID, 12, "column %s", "x"), ERR_INVALID);
	T_EQ_INT(e.line, 12);
	T_EQ_STR(e.detail, "column x");
	T_EQ_STR(err_code_name(ERR_NOTFOUND), "not_found");
	T_EQ_INT(err_set(NULL, ERR_LIMIT, "ignored"), ERR_LIMIT);
}

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, (mode_t)mode);
}

static void test_keyfile_read_line(void)
{
	char path[64], out[16];
	struct err e;
	snprintf(path, sizeof path, "/tmp/madoguchi-key-%d", (int)getpid());
	write_file(path, "# comment\n\nabcdef0123\nsecond\n", 0600);
	T_EQ_INT(keyfile_read_line(out, sizeof out, path, &e), 0);
	T_EQ_STR(out, "abcdef0123");
	chmod(path, 0644);
	T_EQ_INT(keyfile_read_line(out, sizeof out, path, &e), ERR_DENIED);
	write_file(path, "# only a comment\n", 0600);
	T_EQ_INT(keyfile_read_line(out, sizeof out, path, &e), ERR_INVALID);
	write_file(path, "0123456789abcdef0123\n", 0600);
	T_EQ_INT(keyfile_read_line(out, sizeof out, path, &e), ERR_INVALID);
	unlink(path);
	T_EQ_INT(keyfile_read_line(out, sizeof out, path, &e), ERR_NOTFOUND);
}

int main(void)
{
	T_RUN(test_arena_alloc_and_cleanup_order);
	T_RUN(test_arena_limit);
	T_RUN(test_buf_limit_keeps_content);
	T_RUN(test_hex_roundtrip_and_rejects);
	T_RUN(test_parse_i64);
	T_RUN(test_random_tokens_differ);
	T_RUN(test_err_set);
	T_RUN(test_keyfile_read_line);
	return t_done();
}
