/*
 * pages_staff.h -- the handlers of the staff's pages of facility
 * reservations (the routes in routes.c).
 */
#ifndef MADOGUCHI_SVC_BOOKING_PAGES_STAFF_H
#define MADOGUCHI_SVC_BOOKING_PAGES_STAFF_H

#include "http/http.h"

#endif
