/*
 * mail_int.h -- private helpers shared by the files of src/core/mail.
 */
#ifndef MADOGUCHI_MAIL_MAIL_INT_H
#define MADOGUCHI_MAIL_MAIL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* mail_utf8_next -- length (1..4) of the well-formed UTF-8 character at
 * s[0..n) (no overlong forms, surrogates or code points above U+10FFFF),
 * its code point in *cp; 0 when s does not start with one. */
size_t mail_utf8_next(uint32_t *cp, const unsigned char *s, size_t n);

/* mail_text_check -- UTF-8, at most max bytes, no control characters
 * (C0, DEL, C1); allow_lines lets tab, LF and the CR of CRLF through
 * (a body).  `what` names the field in the err detail.  ERR_INVALID,
 * ERR_LIMIT. */
int mail_text_check(const char *s, size_t max, int allow_lines,
		    const char *what, struct err *e);

/* mail_domain_of -- the domain part of a valid address (after '@'). */
const char *mail_domain_of(const char *addr);

#endif
