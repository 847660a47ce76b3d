/*
 * booking_web.h -- the web side of facility reservations: the routes
 * (routes.c), the resident's pages (page_*.c of the resident: the
 * facilities, a facility's days, holds and bookings on My page, groups,
 * lottery entries, the published draw) and the staff's (facilities and
 * their CSV, closures, rules, rounds, groups, the calendar, manual and
 * recurring bookings, check-in, usage), and the permissions.
 */
#ifndef MADOGUCHI_SVC_BOOKING_WEB_H
#define MADOGUCHI_SVC_BOOKING_WEB_H

#include "web/app.h"
#include "web/svc.h"
#include "svc/booking/booking.h"

/* the staff's permissions: the desk (the calendar, bookings for people,
 * check-in, groups to approve) and the master (facilities, closures, the
 * rules, the lottery rounds and their public values) */
#define BOOKING_PERM_STAFF "booking.staff"
#define BOOKING_PERM_MASTER "booking.master"
#define BOOKING_DEMO_ROLE "shisetsu"   /* short: demo-kumin's roles joined stay within AUDIT_ROLE_MAX (64) */

extern const struct svc svc_booking;
extern const struct http_route booking_routes[];

/* ---- the resident's pages (web/page_facilities.c, page_mine.c, page_lottery.c) ---- */
#include "svc/booking/web/pages_resident.h"
/* ---- the staff's pages (web/page_staff_*.c) ---- */
#include "svc/booking/web/pages_staff.h"

/* booking_web_tick -- the job booking.tick: draws due rounds, ends
 * expired holds and wins, and sends the results (service.c) */
struct jobs_ctx;
int booking_web_tick(struct jobs_ctx *ctx, void *app, struct err *e);
#define BOOKING_TICK_EVERY_MS (60LL * 1000)

#endif
