/*
 * pages_staff.h -- the handlers of the staff's pages of facility
 * reservations (the routes in routes.c), and the few helpers their files
 * share (page_staff_common.c).
 *
 *   page_staff_facilities.c  the facilities, their CSV (export UTF-8 BOM
 *                            or CP932, import), closures
 *   page_staff_calendar.c    a facility's week, one booking (check-in,
 *                            paid at the counter, cancel), manual and
 *                            recurring bookings, usage and its CSV
 *   page_staff_lottery.c     groups (approve, reject, people in two),
 *                            the rules text, the lottery rounds
 *
 * The router checks the permission (booking.staff for the desk,
 * booking.master for facilities, closures, rules and rounds) and the
 * CSRF token of every POST before a handler runs.  Every change and every
 * read of personal data (who booked, a group's members) is audited.
 */
#ifndef MADOGUCHI_SVC_BOOKING_PAGES_STAFF_H
#define MADOGUCHI_SVC_BOOKING_PAGES_STAFF_H

#include "http/http.h"
#include "base/buf.h"
#include "jp/date.h"

struct booking_facility;

/* page_staff_facilities.c */
int page_bstaff_facilities(struct http_req *r);
int page_bstaff_csv(struct http_req *r);
int page_bstaff_import(struct http_req *r);
int page_bstaff_closures(struct http_req *r);
int page_bstaff_closure_add(struct http_req *r);
int page_bstaff_closure_remove(struct http_req *r);
/* page_staff_photos.c */
int page_bstaff_photos(struct http_req *r);
int page_bstaff_photo_add(struct http_req *r);
int page_bstaff_photo_remove(struct http_req *r);

/* page_staff_calendar.c */
int page_bstaff_calendar(struct http_req *r);
int page_bstaff_book(struct http_req *r);
int page_bstaff_recurring(struct http_req *r);
int page_bstaff_booking(struct http_req *r);
int page_bstaff_checkin(struct http_req *r);
int page_bstaff_paid(struct http_req *r);
int page_bstaff_cancel(struct http_req *r);
int page_bstaff_usage(struct http_req *r);
int page_bstaff_usage_csv(struct http_req *r);

/* page_staff_lottery.c */
int page_bstaff_groups(struct http_req *r);
int page_bstaff_group_decide(struct http_req *r);
int page_bstaff_rules(struct http_req *r);
int page_bstaff_rules_save(struct http_req *r);
int page_bstaff_rounds(struct http_req *r);
int page_bstaff_rounds_make(struct http_req *r);
int page_bstaff_round_public(struct http_req *r);
int page_bstaff_round_reschedule(struct http_req *r);
int page_bstaff_round_draw(struct http_req *r);

/* ---- shared (page_staff_common.c) ---- */
/* the catalog text of id in the request's language */
const char *bstaff_t(struct http_req *r, const char *id);
/* today in Japan, as a day number */
long bstaff_today(void);
/* a day number as YYYY-MM-DD (from the arena; "" when it cannot be) */
const char *bstaff_iso(struct http_req *r, long days);
/* a Unix time as "YYYY-MM-DD HH:MM" JST (from the arena) */
const char *bstaff_when(struct http_req *r, int64_t t);
/* YYYY-MM-DD -> *days; 0, or ERR_INVALID */
int bstaff_day_parse(long *days, const char *s);
/* the facility's, unit's, band's name in the request's language */
const char *bstaff_name(struct http_req *r, const char *ja, const char *en);
/* the facility of the path's {code}: 0, or the error page was sent
 * (404 for none); *f heap, freed with the request's arena */
int bstaff_facility(struct booking_facility **f, struct http_req *r, int *sent);
/* a CSV body answered as UTF-8 with BOM (as given) or, enc "cp932", in
 * CP932 (jp's converter, a character CP932 lacks becomes 〓) */
int bstaff_send_csv(struct http_req *r, struct buf *utf8_bom, const char *filename);
/* a notice (role=status) paragraph, when text is not NULL */
void bstaff_notice(struct buf *b, const char *text);

#endif
