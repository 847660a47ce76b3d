/*
 * test_html.c -- html_printf: every %s escaped, %S raw, and the integer
 * conversions the pages use (%d, %ld, %lld, %zu).  %lld used to print
 * "3d" (the staff open data file column): the 'l' case took one 'l'.
 */
#include "t.h"

#include <limits.h>
#include <stdint.h>

#include "base/buf.h"
#include "html/html.h"

static void test_printf_integers(void)
{
	struct buf b;
	buf_init(&b, 4096);
	html_printf(&b, "[%d][%ld][%lld][%zu]", -7, 123456789L, (long long)3,
		    (size_t)SIZE_MAX);
	char want[128];
	snprintf(want, sizeof want, "[-7][123456789][3][%zu]", (size_t)SIZE_MAX);
	T_EQ_STR(buf_cstr(&b), want);
	buf_reset(&b);
	html_printf(&b, "%lld files", LLONG_MIN);
	snprintf(want, sizeof want, "%lld files", LLONG_MIN);
	T_EQ_STR(buf_cstr(&b), want);
	buf_done(&b);
}

static void test_printf_escapes(void)
{
	struct buf b;
	buf_init(&b, 4096);
	html_printf(&b, "<p title=\"%s\">%s %S 100%%</p>", "\"><script>", "a&b<c>",
		    "<b>raw</b>");
	T_EQ_STR(buf_cstr(&b), "<p title=\"&quot;&gt;&lt;script&gt;\">a&amp;b&lt;c&gt; "
			       "<b>raw</b> 100%</p>");
	buf_reset(&b);
	/* an unknown conversion is left as text, consuming no argument */
	html_printf(&b, "%q %l %z %d", 5);
	T_EQ_STR(buf_cstr(&b), "%q %l %z 5");
	buf_done(&b);
}

int main(void)
{
	T_RUN(test_printf_integers);
	T_RUN(test_printf_escapes);
	return t_done();
}
