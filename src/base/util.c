/*
 * util.c -- clocks, random tokens, hex, constant-time compare, integer
 * parsing; see util.h.
 */
#include "base/util.h"
#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int random_bytes(void *p, size_t n)
{
	unsigned char *c = p;
	while (n > 0) {
		ssize_t r = getrandom(c, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

void hex_encode(char *out, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[c[i] >> 4];
		out[2 * i + 1] = hex[c[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(void *out, size_t n, const char *s)
{
	unsigned char *o = out;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]);
		if (hi < 0)
			return ERR_INVALID;
		int lo = hexval(s[2 * i + 1]);
		if (lo < 0)
			return ERR_INVALID;
		o[i] = (unsigned char)(hi << 4 | lo);
	}
	return s[2 * n] == '\0' ? 0 : ERR_INVALID;
}

int random_token(char *out, size_t nbytes)
{
	unsigned char tmp[64];
	if (nbytes > sizeof tmp)
		return ERR_INVALID;
	if (random_bytes(tmp, nbytes))
		return ERR_IO;
	hex_encode(out, tmp, nbytes);
	return 0;
}

int ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int parse_i64(int64_t *out, const char *s, int64_t min, int64_t max)
{
	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return ERR_INVALID;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return ERR_INVALID;
	*out = v;
	return 0;
}

int keyfile_read_line(char *out, size_t cap, const char *path, struct err *e)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
			       "cannot read key file %s: %s", path, strerror(errno));
	if (st.st_mode & 077)
		return err_set(e, ERR_DENIED, "key file %s is readable by others (chmod 600)", path);
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_IO, "cannot read key file %s: %s", path, strerror(errno));
	char line[512];
	int rc = err_set(e, ERR_INVALID, "no key in %s", path);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		size_t n = strlen(line);
		if (n < cap) {
			memcpy(out, line, n + 1);
			rc = 0;
		} else {
			rc = err_set(e, ERR_INVALID, "the key in %s is too long", path);
		}
		break;
	}
	explicit_bzero(line, sizeof line);
	fclose(f);
	return rc;
}
