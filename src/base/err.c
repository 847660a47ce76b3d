/*
 * err.c -- filling struct err; see err.h for the convention.
 */
#include "base/err.h"

#include <stdio.h>
#include <string.h>

static void err_vset(struct err *e, int code, long line, const char *fmt,
		     va_list ap)
{
	e->code = code;
	e->line = line;
	vsnprintf(e->detail, sizeof e->detail, fmt, ap);
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		err_vset(e, code, 0, fmt, ap);
		va_end(ap);
	}
	return code;
}

int err_set_line(struct err *e, int code, long line, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		err_vset(e, code, line, fmt, ap);
		va_end(ap);
	}
	return code;
}

void err_clear(struct err *e)
{
	if (e) {
		e->code = ERR_OK;
		e->line = 0;
		e->detail[0] = '\0';
	}
}

const char *err_code_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_NOTFOUND: return "not_found";
	case ERR_CONFLICT: return "conflict";
	case ERR_LIMIT: return "limit";
	case ERR_DENIED: return "denied";
	case ERR_IO: return "io";
	case ERR_DB: return "db";
	case ERR_UNAVAILABLE: return "unavailable";
	case ERR_NOMEM: return "nomem";
	case ERR_INTERNAL: return "internal";
	case ERR_AUTH: return "auth";
	case ERR_FULL: return "full";
	}
	return "unknown";
}
