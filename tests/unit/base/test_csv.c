/*
 * test_csv.c -- the one CSV cell writer: RFC 4180 quoting and the
 * spreadsheet formula guard (= @ tab CR, and + / - unless a plain number).
 */
#include "t.h"

#include <stdlib.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"

static const char *row(struct buf *b, const char *const *cells, int n)
{
	buf_reset(b);
	for (int i = 0; i < n; i++)
		T_EQ_INT(csv_cell(b, cells[i], i == 0), 0);
	return buf_cstr(b);
}

static void test_quoting(void)
{
	struct buf b;
	buf_init(&b, 4096);
	const char *plain[] = { "日之出 太郎", "", NULL, "a,b", "say \"hi\"", "two\nlines" };
	T_EQ_STR(row(&b, plain, 6), "日之出 太郎,,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"");
	buf_done(&b);
}

static void test_formula_guard(void)
{
	struct buf b;
	buf_init(&b, 4096);
	const char *f[] = { "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1+2", "-2+3", "\tx", "\rx", "-cmd" };
	T_EQ_STR(row(&b, f, 7), "\"'=HYPERLINK(\"\"http://x\"\")\",\"'@SUM(A1)\",\"'+1+2\","
				"\"'-2+3\",\"'\tx\",\"'\rx\",\"'-cmd\"");
	/* numbers and a lone sign are data */
	const char *n[] = { "-3", "+81", "-0.5", "-", "+", "3-4", "a=b" };
	T_EQ_STR(row(&b, n, 7), "-3,+81,-0.5,-,+,3-4,a=b");
	T_EQ_INT(csv_needs_guard("-."), 1);
	T_EQ_INT(csv_needs_guard("-1.2.3"), 1);
	T_EQ_INT(csv_needs_guard(NULL), 0);
	buf_done(&b);
}

static void test_file_and_limit(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	T_REQUIRE(f);
	csv_cell_file(f, "=1+1");
	fputc(',', f);
	csv_cell_file(f, "ok");
	fclose(f);
	T_EQ_STR(out, "\"'=1+1\",ok");
	free(out);
	struct buf b;
	buf_init(&b, 4);
	T_EQ_INT(csv_cell(&b, "toolong", 1), ERR_LIMIT);
	buf_done(&b);
}

int main(void)
{
	T_RUN(test_quoting);
	T_RUN(test_formula_guard);
	T_RUN(test_file_and_limit);
	return t_done();
}
