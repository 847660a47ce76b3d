/*
 * checkdigit.c -- check digits of 団体コード, 個人番号, 法人番号, GS1 and Luhn; see
 * checkdigit.h.  Error details name the kind of identifier, never its
 * digits.
 */
#include "jp/checkdigit.h"

#include <string.h>

/* Length of s if it is all ASCII digits (bounded), -1 if it is not,
 * -2 if longer than the limit. */
static int digits_len(const char *s)
{
	if (!s)
		return -1;
	size_t n = strnlen(s, JP_CHECKDIGIT_INPUT_MAX + 1);
	if (n > JP_CHECKDIGIT_INPUT_MAX)
		return -2;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	return (int)n;
}

static int need_digits(const char *s, int want, const char *what,
		       struct err *e)
{
	int n = digits_len(s);
	if (n == -2)
		return err_set(e, ERR_LIMIT, "%s: input too long", what);
	if (n != want)
		return err_set(e, ERR_INVALID, "%s: not %d ASCII digits", what,
			       want);
	return 0;
}

static int lg_check(const char *s)
{
	static const int w[5] = {6, 5, 4, 3, 2};
	int sum = 0;
	for (int i = 0; i < 5; i++)
		sum += (s[i] - '0') * w[i];
	return (11 - sum % 11) % 10;
}

int jp_lgcode_check_digit(int *out, const char *code5, struct err *e)
{
	int rc = need_digits(code5, 5, "lgcode", e);
	if (rc)
		return rc;
	*out = lg_check(code5);
	return 0;
}

int jp_lgcode_validate(const char *code6, struct err *e)
{
	int rc = need_digits(code6, 6, "lgcode", e);
	if (rc)
		return rc;
	int pref = (code6[0] - '0') * 10 + (code6[1] - '0');
	if (pref < 1 || pref > 47)
		return err_set(e, ERR_INVALID, "lgcode: no such prefecture");
	if (lg_check(code6) != code6[5] - '0')
		return err_set(e, ERR_INVALID, "lgcode: wrong check digit");
	return 0;
}

static int my_check(const char *s)
{
	int sum = 0;
	for (int n = 1; n <= 11; n++) {
		int p = s[11 - n] - '0';
		int q = n <= 6 ? n + 1 : n - 5;
		sum += p * q;
	}
	int r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

int jp_mynumber_check_digit(int *out, const char *first11, struct err *e)
{
	int rc = need_digits(first11, 11, "my number", e);
	if (rc)
		return rc;
	*out = my_check(first11);
	return 0;
}

int jp_mynumber_validate(const char *s, struct err *e)
{
	int rc = need_digits(s, 12, "my number", e);
	if (rc)
		return rc;
	if (my_check(s) != s[11] - '0')
		return err_set(e, ERR_INVALID, "my number: wrong check digit");
	return 0;
}

int jp_mynumber_mask(char *buf, size_t size, const char *s, struct err *e)
{
	if (size < JP_MYNUMBER_MASK_SIZE) {
		if (size)
			buf[0] = '\0';
		return err_set(e, ERR_LIMIT, "my number: mask buffer too small");
	}
	memset(buf, '*', 12);
	buf[12] = '\0';
	int rc = need_digits(s, 12, "my number", e);
	if (rc)
		return rc;
	memcpy(buf + 8, s + 8, 4);
	return 0;
}

static int corp_check(const char *base12)
{
	int sum = 0;
	for (int n = 1; n <= 12; n++) {
		int p = base12[12 - n] - '0';
		sum += p * (n % 2 ? 1 : 2);
	}
	return 9 - sum % 9;
}

int jp_corpnum_check_digit(int *out, const char *base12, struct err *e)
{
	int rc = need_digits(base12, 12, "corporate number", e);
	if (rc)
		return rc;
	*out = corp_check(base12);
	return 0;
}

int jp_corpnum_validate(const char *s, struct err *e)
{
	int rc = need_digits(s, 13, "corporate number", e);
	if (rc)
		return rc;
	if (corp_check(s + 1) != s[0] - '0')
		return err_set(e, ERR_INVALID,
			       "corporate number: wrong check digit");
	return 0;
}

int jp_gs1_check_digit(int *out, const char *digits, size_t n, struct err *e)
{
	if (!digits || n == 0 || n >= JP_CHECKDIGIT_INPUT_MAX)
		return err_set(e, ERR_LIMIT, "gs1: 1..%d digits", JP_CHECKDIGIT_INPUT_MAX - 1);
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = digits[n - 1 - i] - '0';
		if (d < 0 || d > 9)
			return err_set(e, ERR_INVALID, "gs1: not ASCII digits");
		sum += d * (i % 2 == 0 ? 3 : 1);
	}
	*out = (10 - sum % 10) % 10;
	return 0;
}

int jp_luhn_digit(const char *d, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}
