/*
 * params.c -- the shared parameter validators (contract in params.h).
 */
#include "web/params.h"
#include "base/err.h"
#include "core/auth/auth.h"
#include "html/html.h"

#include <string.h>

int app_v_digits(const char *v, size_t n)
{
	if (n == 0 || n > 18)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

int app_v_01(const char *v, size_t n)
{
	return n == 1 && (v[0] == '0' || v[0] == '1') ? 0 : ERR_INVALID;
}

int app_v_date(const char *v, size_t n)
{
	if (n != 10 || v[4] != '-' || v[7] != '-')
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return ERR_INVALID;
	return 0;
}

int app_v_sha256(const char *v, size_t n)
{
	if (n != 64)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return ERR_INVALID;
	return 0;
}

int app_v_code(const char *v, size_t n)
{
	if (n == 0 || n > 64)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '-' || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}

int app_v_code_alpha(const char *v, size_t n)
{
	return n > 0 && v[0] >= 'a' && v[0] <= 'z' ? app_v_code(v, n) : ERR_INVALID;
}

int app_v_email(const char *v, size_t n)
{
	return n >= 3 && n <= AUTH_EMAIL_MAX && memchr(v, '@', n) ? 0 : ERR_INVALID;
}

int app_v_local_path(const char *v, size_t n)
{
	return http_local_path_ok(v, n);
}

int app_v_lang(const char *v, size_t n)
{
	(void)n;
	return html_lang_parse(v) >= 0 ? 0 : ERR_INVALID;
}

const struct http_param_spec app_p_id[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
