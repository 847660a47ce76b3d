/*
 * tick.c -- the job booking.tick, every minute: lottery rounds whose
 * draw time has come (and whose public value staff have entered) are
 * drawn, and holds, wins and unpaid bookings that ran out are released
 * (booking_tick).  A failure is logged and the next run tries again: the
 * chain never ends here.
 */
#include <stdio.h>

#include "base/log.h"
#include "core/jobs/jobs.h"
#include "svc/booking/web/booking_web.h"

int booking_web_tick(struct jobs_ctx *ctx, void *app, struct err *e)
{
	(void)app;
	int drawn = 0, expired = 0;
	if (booking_tick(&drawn, &expired, ctx->store, app_now(), e))
		log_warn("booking.tick: not run", "error", e->detail);
	char msg[64];
	snprintf(msg, sizeof msg, "%d rounds drawn, %d released", drawn, expired);
	jobs_set_result(ctx, msg);
	return app_job_again(ctx, "booking.tick", BOOKING_TICK_EVERY_MS, e);
}
