/*
 * crs.c -- coordinates into WGS84 with PROJ (Debian's libproj): the plane
 * rectangular coordinate system (平面直角座標系, zones I..XIX on JGD2011
 * and JGD2000) and the geographic CRSs a municipal file may use.  No
 * formula of ours: PROJ's EPSG database defines each zone.
 *
 * Invariants: a PROJ context per call (PROJ objects are not shared
 * between threads); the conversion is normalised for visualisation, so
 * the input is (easting, northing) and the output (longitude, latitude)
 * whatever the CRSs' official axis order.
 */
#include "svc/map/map.h"

#include <proj.h>
#include <stdio.h>

int map_crs_to_wgs84(double *x, double *y, size_t n, int epsg, struct err *e)
{
	if (!map_crs_valid(epsg))
		return err_set(e, ERR_INVALID, "map: unknown CRS EPSG:%d", epsg);
	if (n == 0 || map_crs_geographic(epsg))
		return 0;
	PJ_CONTEXT *ctx = proj_context_create();
	if (!ctx)
		return err_set(e, ERR_UNAVAILABLE, "map: no PROJ context");
	proj_log_level(ctx, PJ_LOG_NONE);
	char src[16];
	snprintf(src, sizeof src, "EPSG:%d", epsg);
	PJ *p = proj_create_crs_to_crs(ctx, src, "EPSG:4326", NULL);
	PJ *v = p ? proj_normalize_for_visualization(ctx, p) : NULL;
	int rc = 0;
	if (!v) {
		rc = err_set(e, ERR_UNAVAILABLE, "map: PROJ cannot convert %s", src);
	} else {
		size_t done = proj_trans_generic(v, PJ_FWD, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0,
						 NULL, 0, 0);
		if (done != n || proj_errno(v))
			rc = err_set(e, ERR_INVALID, "map: PROJ could not convert every point of %s", src);
	}
	proj_destroy(v);
	proj_destroy(p);
	proj_context_destroy(ctx);
	return rc;
}
