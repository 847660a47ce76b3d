/*
 * receipt.c -- receipt numbers: "<tenant>-<year>-<7-digit sequence><check
 * digit>", e.g. 139998-2026-00000123.
 *
 * The check digit is Luhn's (ISO/IEC 7812-1 annex B: from the right,
 * every second digit doubled, digits of products summed, the digit that
 * makes the total a multiple of 10) over all 17 digits before it (tenant,
 * year, sequence), so that a mistyped tenant or year is caught as well as
 * a mistyped sequence.  Luhn catches every single-digit error and every
 * transposition of adjacent digits except 09/90.
 *
 * Numbering: one counter row per (tenant, year in Japan), advanced by an
 * upsert inside the submission's transaction:
 *   INSERT ... ON CONFLICT (tenant, year) DO UPDATE SET n = n + 1
 *   RETURNING n
 * On PostgreSQL the upsert takes the row lock, so a concurrent submission
 * waits for this transaction and then reads the committed value: no two
 * transactions get the same number (UNIQUE (receipt) checks it again).
 * On SQLite the write transaction is exclusive.  A rolled-back
 * transaction gives its number back (it was never issued); a committed
 * number is never reused.
 *
 * On PostgreSQL, holding the counter's row lock until the submission
 * commits would serialise every commit (and its WAL flush) of a tenant;
 * apply_submit there takes the number first, in a transaction of its own
 * (apply_receipt_take), so the lock lasts one statement.  A submission
 * that then fails leaves a gap: numbers stay unique and increasing, and
 * are never reused, but are not dense.  Limit: 9,999,999 numbers per tenant and year
 * (ERR_LIMIT after).
 */
#include "svc/apply/apply_int.h"

#include <stdio.h>
#include <string.h>

int apply_receipt_digit(const char *d)
{
	int sum = 0;
	for (int i = 16, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int v = d[i] - '0';
		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

int apply_receipt_check(const char *s)
{
	if (!s || strlen(s) != APPLY_RECEIPT_LEN || s[6] != '-' || s[11] != '-')
		return ERR_INVALID;
	char d[18];
	int k = 0;
	for (int i = 0; i < APPLY_RECEIPT_LEN; i++) {
		if (i == 6 || i == 11)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return ERR_INVALID;
		if (k < 17)
			d[k++] = s[i];
	}
	d[17] = 0;
	return apply_receipt_digit(d) == s[APPLY_RECEIPT_LEN - 1] - '0' ? 0 : ERR_INVALID;
}

int apply_receipt_next(char out[APPLY_RECEIPT_LEN + 1], struct store *s,
		       const char *tenant, int64_t now, struct err *e)
{
	int year = apply_today(now).y;
	if (year < 1000 || year > 9999)
		return err_set(e, ERR_INVALID, "receipt: year out of range");
	int64_t n = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(year) };
	int rc = store_query_int(&n, s,
		"INSERT INTO apply_receipt_seq (tenant, year, n) VALUES ($1, $2, 1)"
		" ON CONFLICT (tenant, year) DO UPDATE SET n = apply_receipt_seq.n + 1"
		" RETURNING n", v, 2, e);
	if (rc)
		return rc;
	if (n < 1 || n > 9999999)
		return err_set(e, ERR_LIMIT, "receipt: sequence of %d exhausted", year);
	char d[18];
	snprintf(d, sizeof d, "%.6s%04d%07lld", tenant, year, (long long)n);
	snprintf(out, APPLY_RECEIPT_LEN + 1, "%.6s-%04d-%07lld%d", tenant, year,
		 (long long)n, apply_receipt_digit(d));
	return 0;
}

int apply_receipt_take(char out[APPLY_RECEIPT_LEN + 1], struct store *s,
		       const char *tenant, int64_t now, struct err *e)
{
	if (store_in_tx(s))
		return err_set(e, ERR_INTERNAL, "receipt: take outside a transaction only");
	if (store_kind(s) != STORE_PG)
		return apply_receipt_next(out, s, tenant, now, e);
	/* The counter's commit need not wait for its WAL flush: the WAL is
	 * flushed in order, so when the submission that carries number N
	 * commits durably, the counter's step to N is durable too; if the
	 * submission never commits and a crash loses the step, N was never
	 * issued. */
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	if ((rc = store_exec(s, "SET LOCAL synchronous_commit = off", NULL, 0, e)) >= 0 &&
	    (rc = apply_receipt_next(out, s, tenant, now, e)) == 0)
		return store_commit(s, e);
	store_rollback(s);
	return rc;
}
