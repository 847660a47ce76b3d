/*
 * payments_int.h -- what the payments service's own files share: the
 * checks of text and digits, the history-and-audit writer every change
 * of state goes through, and the end of a transaction a function may
 * have opened itself.
 */
#ifndef MADOGUCHI_SVC_PAYMENTS_INT_H
#define MADOGUCHI_SVC_PAYMENTS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct store;
struct pay_actor;

/* pay_text_ok -- valid UTF-8 of at most max_chars characters, no control
 * characters (but CR and LF when allow_newline) */
int pay_text_ok(const char *s, size_t max_chars, int allow_newline);
/* pay_digits_ok -- exactly n ASCII digits */
int pay_digits_ok(const char *s, size_t n);
/* pay_record -- the history line (when payment_id > 0) and the audit
 * record "payments.<what>" of one change, in s's open transaction */
int pay_record(struct store *s, const char *tenant, int64_t payment_id, const char *number,
	       const char *what, const char *detail, int64_t now, const struct pay_actor *who,
	       struct err *e);
/* pay_tx_end -- commit (rc >= 0) or roll back when own; returns rc or
 * the commit's error */
int pay_tx_end(struct store *s, int own, int rc, struct err *e);

#endif
