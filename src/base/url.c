/*
 * url.c -- the check of a provider's base URL (url.h).  Deliberately
 * narrow: a base URL is printed into configuration pages and joined with
 * paths, so anything that could end an attribute or start a query is
 * refused rather than escaped.
 */
#include "base/url.h"
#include "base/err.h"

#include <string.h>

int url_base_ok(const char *v, size_t max)
{
	if (!v)
		return ERR_INVALID;
	size_t n = strlen(v);
	if (n < 8 || n > max)
		return ERR_INVALID;
	size_t scheme;
	if (strncmp(v, "http://", 7) == 0)
		scheme = 7;
	else if (strncmp(v, "https://", 8) == 0)
		scheme = 8;
	else
		return ERR_INVALID;
	if (!v[scheme] || v[scheme] == '/')
		return ERR_INVALID;   /* no host */
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\'' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '?' || *p == '#')
			return ERR_INVALID;
	return 0;
}

void url_trim_slashes(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = 0;
}
