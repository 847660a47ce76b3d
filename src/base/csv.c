/*
 * csv.c -- one RFC 4180 cell with the spreadsheet formula guard (see
 * csv.h).
 */
#include "base/csv.h"
#include "base/err.h"

#include <string.h>

int csv_needs_guard(const char *v)
{
	if (!v || !v[0])
		return 0;
	if (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')
		return 1;
	if (v[0] != '+' && v[0] != '-')
		return 0;
	/* + or - : a plain decimal number ("-3", "+81", "-0.5") is data */
	const char *p = v + 1;
	if (!*p)
		return 0; /* a lone sign */
	int digits = 0, dot = 0;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			return 1;
	}
	return digits == 0;
}

static int emit(struct buf *b, FILE *f, const char *s, size_t n)
{
	if (f)
		return fwrite(s, 1, n, f) == n ? 0 : -1;
	return buf_append(b, s, n);
}

static int cell(struct buf *b, FILE *f, const char *v)
{
	if (!v)
		v = "";
	int guard = csv_needs_guard(v);
	int quote = guard || strpbrk(v, ",\"\r\n") != NULL;
	int rc = 0;
	if (quote)
		rc |= emit(b, f, "\"", 1);
	if (guard)
		rc |= emit(b, f, "'", 1);
	const char *run = v;
	for (const char *p = v; *p; p++) {
		if (*p == '"') {
			rc |= emit(b, f, run, (size_t)(p - run + 1));
			rc |= emit(b, f, "\"", 1);
			run = p + 1;
		}
	}
	rc |= emit(b, f, run, strlen(run));
	if (quote)
		rc |= emit(b, f, "\"", 1);
	return rc;
}

int csv_cell(struct buf *b, const char *v, int first)
{
	int rc = first ? 0 : buf_putc(b, ',');
	if (rc == 0)
		rc = cell(b, NULL, v);
	return rc ? ERR_LIMIT : 0;
}

void csv_cell_file(FILE *f, const char *v)
{
	cell(NULL, f, v);
}
