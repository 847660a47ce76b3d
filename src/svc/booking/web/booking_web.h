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
/* booking_web_tell_round -- tell round's entrants its result (after its
 * draw committed: by the job, or by staff at /staff/facilities/rounds):
 * e-mail, and SMS or LINE where they subscribed to BOOKING_RESULT_TOPIC */
struct app;
struct store;
void booking_web_tell_round(struct app *app, struct store *s, const char *tenant, int64_t round, int64_t now);
#define BOOKING_RESULT_TOPIC "booking.result"

#endif
