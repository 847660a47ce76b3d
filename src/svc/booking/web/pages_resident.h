/*
 * pages_resident.h -- the handlers of the resident's pages of facility
 * reservations (the routes in routes.c).
 */
#ifndef MADOGUCHI_SVC_BOOKING_PAGES_RESIDENT_H
#define MADOGUCHI_SVC_BOOKING_PAGES_RESIDENT_H

#include "http/http.h"

#endif
