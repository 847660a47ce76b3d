/*
 * routes.c -- the URLs of facility reservations, next to their handlers:
 * method, pattern, permission, kind, declared parameters.  The HTTP
 * layer enforces them before a handler runs.  The resident's routes come
 * first, the staff's after; each part keeps its parameters above.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/booking/web/booking_web.h"

#include <string.h>

/* ================================================================== */
/* the resident's parameters                                           */
/* ================================================================== */



/* ================================================================== */
/* the staff's parameters                                              */
/*                                                                     */
/* (kept apart from the resident's so the two parts are written side   */
/* by side)                                                            */
/* ================================================================== */



/* ================================================================== */
/* the table                                                           */
/* ================================================================== */

const struct http_route booking_routes[] = {
	/* ---- the resident's routes ---- */



	/* ---- the staff's routes ----
	 * (kept apart from the resident's so the two parts are written
	 * side by side) */



	SVC_ROUTES_END
};
