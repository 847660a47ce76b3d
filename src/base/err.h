/*
 * err.h -- the one error convention of madoguchi.
 *
 * Every fallible function returns an int: 0 on success, a negative ERR_*
 * code on failure.  When the caller passes a non-NULL `struct err *`, the
 * function also fills it with the code and a one-line English detail for
 * the operator's log.  The detail never contains personal data (names,
 * addresses, My Number, passwords, tokens): identifiers such as row ids,
 * line numbers and column names only.
 *
 * What the *user* sees is not the detail: the HTTP and CLI layers turn the
 * code (and, where given, the message id) into a bilingual message from the
 * catalog in src/html/msg.c (html_t).  Library code never logs and never
 * exits; the caller logs once (systemd's log-and-return rule).
 */
#ifndef MADOGUCHI_BASE_ERR_H
#define MADOGUCHI_BASE_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum err_code {
	ERR_OK = 0,
	ERR_INVALID = -1,      /* input does not satisfy the contract      */
	ERR_NOTFOUND = -2,     /* the named object does not exist          */
	ERR_CONFLICT = -3,     /* exists already / concurrent change       */
	ERR_LIMIT = -4,        /* a size or count limit was exceeded       */
	ERR_DENIED = -5,       /* not allowed for this identity            */
	ERR_IO = -6,           /* file system or network error             */
	ERR_DB = -7,           /* database error (not a constraint)        */
	ERR_UNAVAILABLE = -8,  /* a dependency is down; try again later    */
	ERR_NOMEM = -9,        /* allocation failed                        */
	ERR_INTERNAL = -10,    /* a bug: an invariant did not hold         */
	ERR_AUTH = -11,        /* not authenticated / bad credentials      */
	ERR_FULL = -12,        /* disk or quota full                       */
};

#define ERR_DETAIL_MAX 256

struct err {
	int code;                  /* one of enum err_code                   */
	long line;                 /* input line number (1-based) or 0       */
	char detail[ERR_DETAIL_MAX];
};

/* err_set -- record code and a printf-style detail in *e (if e != NULL).
 * Returns code, so that `return err_set(e, ERR_INVALID, "...")` reads well. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* err_set_line -- as err_set, and records the input line number. */
int err_set_line(struct err *e, int code, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* err_clear -- reset *e to ERR_OK with an empty detail. */
void err_clear(struct err *e);

/* err_code_name -- "invalid", "not_found", ... (stable, used in JSON). */
const char *err_code_name(int code);

#endif
