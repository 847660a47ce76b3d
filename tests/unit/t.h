/*
 * t.h -- the unit test harness: one header, TAP output.
 *
 * A test file defines `static void test_xxx(void)` functions and a main():
 *
 *     int main(void) { T_RUN(test_a); T_RUN(test_b); return t_done(); }
 *
 * Each T_RUN prints "ok N - name" or "not ok N - name" (TAP), with a
 * "# file:line: what" diagnostic per failed check.  tests/run.sh counts
 * those lines across every suite and prints the closing
 * "N passed, N failed" line.  t_done() returns 1 if anything failed.
 *
 * Checks do not abort the test: they record the failure and go on, so a
 * test reports every broken expectation at once.  Use T_REQUIRE where going
 * on would crash (it returns from the test function).
 */
#ifndef MADOGUCHI_TESTS_T_H
#define MADOGUCHI_TESTS_T_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int t_n, t_failed_tests, t_cur_failed;

#define T_FAIL_(...)                                                      \
	do {                                                              \
		t_cur_failed = 1;                                         \
		printf("# %s:%d: ", __FILE__, __LINE__);                  \
		printf(__VA_ARGS__);                                      \
		printf("\n");                                             \
	} while (0)

#define T_CHECK(cond)                                                     \
	do {                                                              \
		if (!(cond))                                              \
			T_FAIL_("check failed: %s", #cond);               \
	} while (0)

#define T_REQUIRE(cond)                                                   \
	do {                                                              \
		if (!(cond)) {                                            \
			T_FAIL_("requirement failed: %s", #cond);         \
			return;                                           \
		}                                                         \
	} while (0)

#define T_EQ_INT(a, b)                                                    \
	do {                                                              \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);   \
		if (t_a_ != t_b_)                                         \
			T_FAIL_("%s == %s: got %lld, want %lld", #a, #b,  \
				t_a_, t_b_);                              \
	} while (0)

#define T_EQ_STR(a, b)                                                    \
	do {                                                              \
		const char *t_a_ = (a), *t_b_ = (b);                      \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0)            \
			T_FAIL_("%s == %s: got \"%s\", want \"%s\"", #a,  \
				#b, t_a_ ? t_a_ : "(null)",               \
				t_b_ ? t_b_ : "(null)");                  \
	} while (0)

#define T_RUN(fn)                                                         \
	do {                                                              \
		t_cur_failed = 0;                                         \
		fn();                                                     \
		t_n++;                                                    \
		if (t_cur_failed)                                         \
			t_failed_tests++;                                 \
		printf("%s %d - %s\n", t_cur_failed ? "not ok" : "ok",    \
		       t_n, #fn);                                         \
		fflush(stdout);                                           \
	} while (0)

static inline int t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed_tests ? 1 : 0;
}

#endif
