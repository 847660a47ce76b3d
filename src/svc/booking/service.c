/*
 * service.c -- the descriptor of facility reservations (施設予約,
 * src/web/svc.h): the schema, the routes of the resident's and the
 * staff's pages (web/routes.c), the catalog rows, the home, My page and
 * staff entries, the job that draws due lotteries and ends expired holds,
 * `madoguchi booking`, the demo (README.md).
 */
#include "web/app.h"
#include "web/svc.h"
#include "store/store.h"
#include "svc/booking/booking.h"

const struct svc svc_booking = {
	.name = "booking",
	.summary = "facility reservations: rooms, halls and sports grounds, lotteries anyone can re-run, first come",
	.schema = &booking_schema,
};
