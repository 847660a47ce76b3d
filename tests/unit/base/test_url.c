/*
 * test_url.c -- the one check of a provider's base URL (base/url.h), used
 * by the SMS and LINE channels and the card provider, and the trailing
 * '/' trim of a base URL.
 */
#include "t.h"

#include <string.h>

#include "base/err.h"
#include "base/url.h"

static void test_accepted(void)
{
	T_EQ_INT(url_base_ok("http://127.0.0.1:8123", 300), 0);
	T_EQ_INT(url_base_ok("https://psp.example.jp/api", 300), 0);
	T_EQ_INT(url_base_ok("https://api.line.me/", 300), 0);
	T_EQ_INT(url_base_ok("http://a", 8), 0);              /* the shortest, at its limit */
}

static void test_refused(void)
{
	T_EQ_INT(url_base_ok(NULL, 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("ftp://example.jp", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("HTTP://example.jp", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("javascript:alert(1)", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("http://", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("http:///path", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https:///path", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://a b", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://a\tb", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://a\nb", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://x/\"><script>", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://x/'", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://x/a\\b", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://x/?q=1", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://x/#top", 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("https://例え.jp", 300), ERR_INVALID);    /* non-ASCII */
	T_EQ_INT(url_base_ok("https://x/\x7f", 300), ERR_INVALID);
}

static void test_limit(void)
{
	char u[400];
	memcpy(u, "https://", 8);
	memset(u + 8, 'a', sizeof u - 9);
	u[300] = 0;                                   /* 300 bytes */
	T_EQ_INT(url_base_ok(u, 300), 0);
	T_EQ_INT(url_base_ok(u, 299), ERR_INVALID);
	u[300] = 'a';
	u[301] = 0;
	T_EQ_INT(url_base_ok(u, 300), ERR_INVALID);
	T_EQ_INT(url_base_ok("http://a", 7), ERR_INVALID);
}

static void test_trim(void)
{
	char a[] = "https://api.line.me///", b[] = "https://x", c[] = "/", d[] = "";
	url_trim_slashes(a);
	url_trim_slashes(b);
	url_trim_slashes(c);
	url_trim_slashes(d);
	T_EQ_STR(a, "https://api.line.me");
	T_EQ_STR(b, "https://x");
	T_EQ_STR(c, "");
	T_EQ_STR(d, "");
}

int main(void)
{
	T_RUN(test_accepted);
	T_RUN(test_refused);
	T_RUN(test_limit);
	T_RUN(test_trim);
	return t_done();
}
