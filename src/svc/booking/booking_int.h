/*
 * booking_int.h -- what the files of src/svc/booking share and nobody
 * else uses: checks of text fields and the transaction helpers.
 */
#ifndef MADOGUCHI_SVC_BOOKING_INT_H
#define MADOGUCHI_SVC_BOOKING_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "svc/booking/booking.h"

struct store;

/* 1 when s is well-formed UTF-8 of min..max bytes without control
 * characters (a tab or newline only where multiline) */
int booking_text_ok(const char *s, size_t min, size_t max, int multiline);

/* a transaction of our own unless the caller has one open: *own set */
int booking_tx_begin(struct store *s, int *own, struct err *e);
/* commit (rc == 0) or roll back our own; returns rc or the commit's */
int booking_tx_end(struct store *s, int own, int rc, struct err *e);

/* booking_cancel_refund -- in the cancel's transaction: the refund of
 * b (paid online, payment b->payment) less fee_kept is asked from
 * svc/payments; for the resident (account != 0) or as staff who
 * (pay_online.c) */
int booking_cancel_refund(struct store *s, const char *tenant, const struct booking *b, int fee_kept,
			  int64_t account, int64_t now, const struct pay_actor *who, struct err *e);

/* "HH:MM" <-> minutes from midnight (0..1440 when end) */
int booking_hhmm_parse(int *min, const char *s, int allow_24);
void booking_hhmm(char out[6], int min);

/* the atoms a booking of unit claims: its parts, or itself */
int booking_atoms(const char *atoms[BOOKING_UNITS_MAX], const struct booking_facility *f,
		  const struct booking_unit *u);

/* booking_win -- a lottery win (state won until confirm_by) written in
 * the caller's transaction (round.c, slot.c) */
int booking_win(struct booking *out, struct store *s, const struct booking_req *rq, int64_t round,
		int64_t confirm_by, struct err *e);

#endif
