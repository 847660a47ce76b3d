/*
 * facility.c -- facilities, their bands, units and fees, closures, and
 * the facilities CSV (booking.h "Facilities").
 *
 * A facility is written whole (booking_facility_put): the facility row,
 * its bands and units upserted, the fees replaced, in one transaction.
 * A band or unit missing from the new version is deleted unless a
 * booking names it (ERR_CONFLICT: the record of a booking keeps its
 * room).  Parts (半面) are one level deep: a unit's parent is a unit of
 * the same facility that has no parent itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/util.h"
#include "jp/csv.h"
#include "jp/holiday.h"
#include "jp/text.h"
#include "store/store.h"
#include "svc/booking/booking_int.h"

int booking_text_ok(const char *s, size_t min, size_t max, int multiline)
{
	if (!s)
		return min == 0;
	size_t n = strlen(s), bad = 0;
	if (n < min || n > max)
		return 0;
	if (jp_text_utf8_validate(&bad, s, n, NULL) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))))
			return 0;
	}
	return 1;
}

int booking_tx_begin(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

int booking_tx_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

int booking_hhmm_parse(int *min, const char *s, int allow_24)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (!allow_24 || m != 0)))
		return -1;
	*min = h * 60 + m;
	return 0;
}

void booking_hhmm(char out[6], int min)
{
	if (min < 0 || min > 1440)
		min = 0;
	snprintf(out, 6, "%02d:%02d", (min / 60) % 100, min % 60);
}

int booking_atoms(const char *atoms[BOOKING_UNITS_MAX], const struct booking_facility *f,
		  const struct booking_unit *u)
{
	int n = 0;
	for (int i = 0; i < f->nunits; i++)
		if (!strcmp(f->units[i].parent, u->code))
			atoms[n++] = f->units[i].code;
	if (n == 0)
		atoms[n++] = u->code;
	return n;
}

const struct booking_unit *booking_unit_find(const struct booking_facility *f, const char *code)
{
	for (int i = 0; code && i < f->nunits; i++)
		if (!strcmp(f->units[i].code, code))
			return &f->units[i];
	return NULL;
}

const struct booking_band *booking_band_find(const struct booking_facility *f, const char *code)
{
	for (int i = 0; code && i < f->nbands; i++)
		if (!strcmp(f->bands[i].code, code))
			return &f->bands[i];
	return NULL;
}

int booking_fee_of(const struct booking_facility *f, const char *unit, const char *band,
		   struct jp_date day, int resident, int heating)
{
	const struct booking_unit *u = booking_unit_find(f, unit);
	if (!u || !booking_band_find(f, band))
		return -1;
	enum jp_weekday w = jp_date_weekday(day);
	int holiday = w == JP_SAT || w == JP_SUN || jp_is_holiday(day);
	for (int i = 0; i < u->nfees; i++) {
		const struct booking_fee *fe = &u->fees[i];
		if (strcmp(fe->band, band))
			continue;
		int base = resident ? (holiday ? fe->resident_holiday : fe->resident)
				    : (holiday ? fe->other_holiday : fe->other);
		return base + (heating ? fe->heating : 0);
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* checks                                                              */

static int fee_ok(int v)
{
	return v >= 0 && v <= 10000000;
}

/* codes the pages' paths take for themselves (/facilities/lottery,
 * /staff/facilities/booking/{number}, /staff/facilities/rules, ...) */
static const char *const reserved_codes[] = { "lottery", "booking", "rules", "rounds", "groups", "import", NULL };

static int facility_check(const struct booking_facility *f, struct err *e)
{
	if (!booking_code_ok(f->code) || !booking_code_ok(f->kind))
		return err_set(e, ERR_INVALID, "facility: code or kind");
	for (int i = 0; reserved_codes[i]; i++)
		if (!strcmp(f->code, reserved_codes[i]))
			return err_set(e, ERR_INVALID, "facility: the code %s is a page's name", f->code);
	if (!booking_text_ok(f->name_ja, 1, BOOKING_NAME_MAX, 0) || !booking_text_ok(f->name_en, 0, BOOKING_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "facility %s: name", f->code);
	if (!booking_text_ok(f->address, 0, BOOKING_TEXT_MAX, 0) || !booking_text_ok(f->access, 0, BOOKING_TEXT_MAX, 1))
		return err_set(e, ERR_INVALID, "facility %s: address or access", f->code);
	if (f->photo[0] && (!booking_text_ok(f->photo, 1, BOOKING_TEXT_MAX, 0) ||
			    (strncmp(f->photo, "/", 1) && strncmp(f->photo, "https://", 8)) ||
			    !strncmp(f->photo, "//", 2) || strpbrk(f->photo, "\"'<> ")))
		return err_set(e, ERR_INVALID, "facility %s: photo (a local path or an https URL)", f->code);
	if (f->has_pin && (!isfinite(f->lat) || !isfinite(f->lon) || f->lat < -90 || f->lat > 90 ||
			   f->lon < -180 || f->lon > 180))
		return err_set(e, ERR_INVALID, "facility %s: lat, lon", f->code);
	if (f->nbands < 1 || f->nbands > BOOKING_BANDS_MAX || f->nunits < 1 || f->nunits > BOOKING_UNITS_MAX)
		return err_set(e, ERR_INVALID, "facility %s: 1 to %d bands and 1 to %d units", f->code,
			       BOOKING_BANDS_MAX, BOOKING_UNITS_MAX);
	for (int i = 0; i < f->nbands; i++) {
		const struct booking_band *b = &f->bands[i];
		if (!booking_code_ok(b->code) || !booking_text_ok(b->name_ja, 1, BOOKING_NAME_MAX, 0) ||
		    !booking_text_ok(b->name_en, 0, BOOKING_NAME_MAX, 0))
			return err_set(e, ERR_INVALID, "facility %s: band %d code or name", f->code, i + 1);
		if (b->start_min < 0 || b->end_min > 1440 || b->start_min >= b->end_min)
			return err_set(e, ERR_INVALID, "facility %s: band %s times", f->code, b->code);
		for (int j = 0; j < i; j++) {
			if (!strcmp(f->bands[j].code, b->code))
				return err_set(e, ERR_INVALID, "facility %s: band %s twice", f->code, b->code);
			if (b->start_min < f->bands[j].end_min && f->bands[j].start_min < b->end_min)
				return err_set(e, ERR_INVALID, "facility %s: bands %s and %s overlap", f->code,
					       f->bands[j].code, b->code);
		}
	}
	for (int i = 0; i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		if (!booking_code_ok(u->code) || !booking_text_ok(u->name_ja, 1, BOOKING_NAME_MAX, 0) ||
		    !booking_text_ok(u->name_en, 0, BOOKING_NAME_MAX, 0) ||
		    !booking_text_ok(u->equipment, 0, BOOKING_TEXT_MAX, 1))
			return err_set(e, ERR_INVALID, "facility %s: unit %d code, name or equipment", f->code, i + 1);
		if (u->capacity < 0 || u->capacity > 100000)
			return err_set(e, ERR_INVALID, "facility %s: unit %s capacity", f->code, u->code);
		for (int j = 0; j < i; j++)
			if (!strcmp(f->units[j].code, u->code))
				return err_set(e, ERR_INVALID, "facility %s: unit %s twice", f->code, u->code);
		if (u->parent[0]) {
			const struct booking_unit *p = booking_unit_find(f, u->parent);
			if (!p || p == u || p->parent[0])
				return err_set(e, ERR_INVALID,
					       "facility %s: unit %s: its parent must be a unit without a parent",
					       f->code, u->code);
		}
		if (u->nfees != f->nbands)
			return err_set(e, ERR_INVALID, "facility %s: unit %s needs a fee for each band", f->code, u->code);
		for (int k = 0; k < u->nfees; k++) {
			const struct booking_fee *fe = &u->fees[k];
			if (!booking_band_find(f, fe->band))
				return err_set(e, ERR_INVALID, "facility %s: unit %s: fee of an unknown band", f->code,
					       u->code);
			for (int j = 0; j < k; j++)
				if (!strcmp(u->fees[j].band, fe->band))
					return err_set(e, ERR_INVALID, "facility %s: unit %s: band %s's fee twice",
						       f->code, u->code, fe->band);
			if (!fee_ok(fe->resident) || !fee_ok(fe->resident_holiday) || !fee_ok(fe->other) ||
			    !fee_ok(fe->other_holiday) || !fee_ok(fe->heating))
				return err_set(e, ERR_INVALID, "facility %s: unit %s: fee out of range", f->code, u->code);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* put                                                                 */

/* delete the rows of table (units or bands) of f no longer in the list,
 * refused when a booking names one */
static int drop_missing(struct store *s, const char *tenant, const struct booking_facility *f, int units,
			struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(f->code) };
	int rc = store_query(&r, s, units ? "SELECT code FROM booking_units WHERE tenant = $1 AND facility = $2"
				      : "SELECT code FROM booking_bands WHERE tenant = $1 AND facility = $2",
			     p, 2, e);
	if (rc)
		return rc;
	char gone[BOOKING_UNITS_MAX + BOOKING_BANDS_MAX][BOOKING_CODE_MAX + 1];
	int ngone = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		const char *c = store_col_text(r, 0);
		if (!c || (units ? booking_unit_find(f, c) != NULL : booking_band_find(f, c) != NULL))
			continue;
		if (ngone < (int)(sizeof gone / sizeof gone[0]))
			snprintf(gone[ngone++], sizeof gone[0], "%s", c);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	for (int i = 0; i < ngone; i++) {
		int64_t used = 0;
		struct store_val q[] = { sv_text(tenant), sv_text(f->code), sv_text(gone[i]) };
		rc = store_query_int(&used, s, units ? "SELECT count(*) FROM booking_bookings WHERE tenant = $1"
						       " AND facility = $2 AND unit = $3"
						     : "SELECT count(*) FROM booking_bookings WHERE tenant = $1"
						       " AND facility = $2 AND band = $3", q, 3, e);
		if (rc)
			return rc;
		if (used)
			return err_set(e, ERR_CONFLICT, "facility %s: %s %s has bookings", f->code,
				       units ? "unit" : "band", gone[i]);
		rc = store_exec(s, "DELETE FROM booking_fees WHERE tenant = $1 AND facility = $2 AND"
				   " (unit = $3 OR band = $3)", q, 3, e);
		if (rc >= 0)
			rc = store_exec(s, units ? "DELETE FROM booking_units WHERE tenant = $1 AND facility = $2 AND code = $3"
						 : "DELETE FROM booking_bands WHERE tenant = $1 AND facility = $2 AND code = $3",
					q, 3, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* 1 when the atoms of unit code differ between a and b */
static int atoms_differ(const struct booking_facility *a, const struct booking_facility *b, const char *code)
{
	const struct booking_unit *ua = booking_unit_find(a, code), *ub = booking_unit_find(b, code);
	if (!ua || !ub)
		return 0;
	const char *xa[BOOKING_UNITS_MAX], *xb[BOOKING_UNITS_MAX];
	int na = booking_atoms(xa, a, ua), nb = booking_atoms(xb, b, ub);
	if (na != nb)
		return 1;
	for (int i = 0; i < na; i++) {
		int found = 0;
		for (int j = 0; j < nb && !found; j++)
			found = !strcmp(xa[i], xb[j]);
		if (!found)
			return 1;
	}
	return 0;
}

/* a unit whose parts change (split into halves, a half moved) while it
 * has bookings in force would leave claims on the old atoms that the new
 * ones do not meet: refused */
static int parts_kept(struct store *s, const char *tenant, const struct booking_facility *f, struct err *e)
{
	struct booking_facility *old = NULL;
	int rc = booking_facility_get(&old, s, tenant, f->code, e);
	if (rc == ERR_NOTFOUND)
		return 0;
	for (int i = 0; rc == 0 && i < f->nunits; i++) {
		if (!atoms_differ(old, f, f->units[i].code))
			continue;
		int64_t n = 0;
		struct store_val p[] = { sv_text(tenant), sv_text(f->code), sv_text(f->units[i].code) };
		rc = store_query_int(&n, s, "SELECT count(*) FROM booking_bookings WHERE tenant = $1 AND facility = $2"
					 " AND unit = $3 AND state IN ('held', 'won', 'booked')", p, 3, e);
		if (rc == 0 && n)
			rc = err_set(e, ERR_CONFLICT, "facility %s: unit %s's parts change while it has bookings",
				     f->code, f->units[i].code);
	}
	booking_facility_free(old);
	return rc;
}

int booking_facility_put(struct store *s, const char *tenant, const struct booking_facility *f,
			 struct err *e)
{
	int rc = facility_check(f, e);
	if (rc)
		return rc;
	if ((rc = parts_kept(s, tenant, f, e)))
		return rc;
	int own;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	struct store_val fv[] = {
		sv_text(tenant), sv_text(f->code), sv_text(f->kind), sv_text(f->name_ja), sv_text(f->name_en),
		sv_text(f->address), sv_text(f->access), sv_text(f->photo),
		f->has_pin ? sv_int(llround(f->lat * 1e6)) : sv_null(),
		f->has_pin ? sv_int(llround(f->lon * 1e6)) : sv_null(),
	};
	rc = store_exec(s, "INSERT INTO booking_facilities (tenant, code, kind, name_ja, name_en, address, access,"
			   " photo, lat_e6, lon_e6) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
			   " ON CONFLICT (tenant, code) DO UPDATE SET kind = excluded.kind, name_ja = excluded.name_ja,"
			   " name_en = excluded.name_en, address = excluded.address, access = excluded.access,"
			   " photo = excluded.photo, lat_e6 = excluded.lat_e6, lon_e6 = excluded.lon_e6",
			fv, SV_N(fv), e);
	rc = rc < 0 ? rc : 0;
	struct store_val fk[] = { sv_text(tenant), sv_text(f->code) };
	if (rc == 0)
		rc = drop_missing(s, tenant, f, 1, e);
	if (rc == 0)
		rc = drop_missing(s, tenant, f, 0, e);
	if (rc == 0) {
		rc = store_exec(s, "DELETE FROM booking_fees WHERE tenant = $1 AND facility = $2", fk, 2, e);
		rc = rc < 0 ? rc : 0;
	}
	for (int i = 0; rc == 0 && i < f->nbands; i++) {
		const struct booking_band *b = &f->bands[i];
		struct store_val v[] = { sv_text(tenant), sv_text(f->code), sv_text(b->code), sv_int(i + 1),
					 sv_text(b->name_ja), sv_text(b->name_en), sv_int(b->start_min),
					 sv_int(b->end_min) };
		rc = store_exec(s, "INSERT INTO booking_bands (tenant, facility, code, seq, name_ja, name_en, start_min,"
				   " end_min) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
				   " ON CONFLICT (tenant, facility, code) DO UPDATE SET seq = excluded.seq,"
				   " name_ja = excluded.name_ja, name_en = excluded.name_en,"
				   " start_min = excluded.start_min, end_min = excluded.end_min", v, SV_N(v), e);
		rc = rc < 0 ? rc : 0;
	}
	for (int i = 0; rc == 0 && i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		struct store_val v[] = { sv_text(tenant), sv_text(f->code), sv_text(u->code), sv_int(i + 1),
					 sv_text(u->name_ja), sv_text(u->name_en), sv_text(u->parent),
					 sv_int(u->capacity), sv_text(u->equipment) };
		rc = store_exec(s, "INSERT INTO booking_units (tenant, facility, code, seq, name_ja, name_en, parent,"
				   " capacity, equipment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
				   " ON CONFLICT (tenant, facility, code) DO UPDATE SET seq = excluded.seq,"
				   " name_ja = excluded.name_ja, name_en = excluded.name_en, parent = excluded.parent,"
				   " capacity = excluded.capacity, equipment = excluded.equipment", v, SV_N(v), e);
		rc = rc < 0 ? rc : 0;
		for (int k = 0; rc == 0 && k < u->nfees; k++) {
			const struct booking_fee *fe = &u->fees[k];
			struct store_val w[] = { sv_text(tenant), sv_text(f->code), sv_text(u->code), sv_text(fe->band),
						 sv_int(fe->resident), sv_int(fe->resident_holiday), sv_int(fe->other),
						 sv_int(fe->other_holiday), sv_int(fe->heating) };
			rc = store_exec(s, "INSERT INTO booking_fees (tenant, facility, unit, band, resident,"
					   " resident_holiday, other, other_holiday, heating)"
					   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", w, SV_N(w), e);
			rc = rc < 0 ? rc : 0;
		}
	}
	return booking_tx_end(s, own, rc, e);
}

/* ------------------------------------------------------------------ */
/* get                                                                 */

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}
#define COPY(dst, src) copy((dst), sizeof(dst), (src))

static int facility_parts(struct booking_facility *f, struct store *s, const char *tenant, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_text(f->code) };
	struct store_rows *r = NULL;
	int rc = store_query(&r, s, "SELECT code, name_ja, name_en, start_min, end_min FROM booking_bands"
				    " WHERE tenant = $1 AND facility = $2 ORDER BY seq, code", p, 2, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && f->nbands < BOOKING_BANDS_MAX) {
		struct booking_band *b = &f->bands[f->nbands++];
		COPY(b->code, store_col_text(r, 0));
		COPY(b->name_ja, store_col_text(r, 1));
		COPY(b->name_en, store_col_text(r, 2));
		b->start_min = (int)store_col_int(r, 3);
		b->end_min = (int)store_col_int(r, 4);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	rc = store_query(&r, s, "SELECT code, name_ja, name_en, parent, capacity, equipment FROM booking_units"
				" WHERE tenant = $1 AND facility = $2 ORDER BY seq, code", p, 2, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && f->nunits < BOOKING_UNITS_MAX) {
		struct booking_unit *u = &f->units[f->nunits++];
		COPY(u->code, store_col_text(r, 0));
		COPY(u->name_ja, store_col_text(r, 1));
		COPY(u->name_en, store_col_text(r, 2));
		COPY(u->parent, store_col_text(r, 3));
		u->capacity = (int)store_col_int(r, 4);
		COPY(u->equipment, store_col_text(r, 5));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	rc = store_query(&r, s, "SELECT f.unit, f.band, f.resident, f.resident_holiday, f.other, f.other_holiday,"
				" f.heating FROM booking_fees f JOIN booking_bands b ON b.tenant = f.tenant"
				" AND b.facility = f.facility AND b.code = f.band"
				" WHERE f.tenant = $1 AND f.facility = $2 ORDER BY b.seq", p, 2, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct booking_unit *u = (struct booking_unit *)booking_unit_find(f, store_col_text(r, 0));
		if (!u || u->nfees >= BOOKING_BANDS_MAX)
			continue;
		struct booking_fee *fe = &u->fees[u->nfees++];
		COPY(fe->band, store_col_text(r, 1));
		fe->resident = (int)store_col_int(r, 2);
		fe->resident_holiday = (int)store_col_int(r, 3);
		fe->other = (int)store_col_int(r, 4);
		fe->other_holiday = (int)store_col_int(r, 5);
		fe->heating = (int)store_col_int(r, 6);
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

#define FACILITY_COLS "code, kind, name_ja, name_en, address, access, photo, lat_e6, lon_e6"

static void facility_read(struct booking_facility *f, struct store_rows *r)
{
	memset(f, 0, sizeof *f);
	COPY(f->code, store_col_text(r, 0));
	COPY(f->kind, store_col_text(r, 1));
	COPY(f->name_ja, store_col_text(r, 2));
	COPY(f->name_en, store_col_text(r, 3));
	COPY(f->address, store_col_text(r, 4));
	COPY(f->access, store_col_text(r, 5));
	COPY(f->photo, store_col_text(r, 6));
	if (!store_col_isnull(r, 7) && !store_col_isnull(r, 8)) {
		f->has_pin = 1;
		f->lat = (double)store_col_int(r, 7) / 1e6;
		f->lon = (double)store_col_int(r, 8) / 1e6;
	}
}

int booking_facility_get(struct booking_facility **out, struct store *s, const char *tenant,
			 const char *code, struct err *e)
{
	*out = NULL;
	if (!booking_code_ok(code))
		return err_set(e, ERR_NOTFOUND, "facility: no such code");
	struct booking_facility *f = malloc(sizeof *f);
	if (!f)
		return err_set(e, ERR_NOMEM, "facility");
	struct store_val p[] = { sv_text(tenant), sv_text(code) };
	struct store_rows *r = NULL;
	int rc = store_query(&r, s, "SELECT " FACILITY_COLS " FROM booking_facilities WHERE tenant = $1 AND code = $2",
			     p, 2, e);
	if (rc == 0) {
		rc = store_rows_next(r, e);
		if (rc == 1)
			facility_read(f, r);
		store_rows_free(r);
		rc = rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "facility: no such code");
	}
	if (rc == 0)
		rc = facility_parts(f, s, tenant, e);
	if (rc) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void booking_facility_free(struct booking_facility *f)
{
	free(f);
}

int booking_facilities_each(struct store *s, const char *tenant,
			    int (*fn)(void *arg, const struct booking_facility *f), void *arg,
			    struct err *e)
{
	/* the codes first: each facility's parts are read with the rows closed */
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT code FROM booking_facilities WHERE tenant = $1 ORDER BY code", p, 1, e);
	if (rc)
		return rc;
	char (*codes)[BOOKING_CODE_MAX + 1] = calloc(BOOKING_FACILITIES_MAX, sizeof *codes);
	int n = 0;
	if (!codes) {
		store_rows_free(r);
		return err_set(e, ERR_NOMEM, "facilities");
	}
	while ((rc = store_rows_next(r, e)) == 1 && n < BOOKING_FACILITIES_MAX)
		COPY(codes[n++], store_col_text(r, 0));
	store_rows_free(r);
	rc = rc < 0 ? rc : 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		struct booking_facility *f = NULL;
		rc = booking_facility_get(&f, s, tenant, codes[i], e);
		if (rc == 0)
			rc = fn(arg, f);
		booking_facility_free(f);
	}
	free(codes);
	return rc;
}

/* ------------------------------------------------------------------ */
/* closures                                                            */

int booking_closure_add(int64_t *id, int *nbusy, struct store *s, const char *tenant,
			const struct booking_closure *c, int force, struct err *e)
{
	*id = 0;
	if (nbusy)
		*nbusy = 0;
	if (!booking_code_ok(c->facility) || (c->unit[0] && !booking_code_ok(c->unit)) || c->from_day <= 0 ||
	    c->to_day < c->from_day || c->to_day - c->from_day > 3660 ||
	    !booking_text_ok(c->reason, 0, BOOKING_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "closure: facility, unit, days or reason");
	struct booking_facility *f = NULL;
	int rc = booking_facility_get(&f, s, tenant, c->facility, e);
	if (rc)
		return rc;
	const struct booking_unit *u = c->unit[0] ? booking_unit_find(f, c->unit) : NULL;
	if (c->unit[0] && !u) {
		booking_facility_free(f);
		return err_set(e, ERR_NOTFOUND, "closure: no such unit");
	}
	/* bookings in force it meets: of the unit, its parts or its whole */
	int64_t busy = 0;
	struct store_val p[] = { sv_text(tenant), sv_text(c->facility), sv_int(c->from_day), sv_int(c->to_day),
				 sv_text(c->unit), sv_text(u ? u->parent : "") };
	rc = store_query_int(&busy, s, "SELECT count(*) FROM booking_bookings b WHERE b.tenant = $1"
				       " AND b.facility = $2 AND b.day BETWEEN $3 AND $4"
				       " AND b.state IN ('held', 'won', 'booked')"
				       " AND ($5 = '' OR b.unit = $5 OR b.unit = $6 OR b.unit IN (SELECT code FROM"
				       " booking_units WHERE tenant = $1 AND facility = $2 AND parent = $5))",
			     p, SV_N(p), e);
	booking_facility_free(f);
	if (rc)
		return rc;
	if (nbusy)
		*nbusy = (int)busy;
	if (busy && !force)
		return err_set(e, ERR_CONFLICT, "closure: %lld bookings in force", (long long)busy);
	struct store_val v[] = { sv_text(tenant), sv_text(c->facility), sv_text(c->unit), sv_int(c->from_day),
				 sv_int(c->to_day), sv_text(c->reason) };
	rc = store_exec(s, "INSERT INTO booking_closures (tenant, facility, unit, from_day, to_day, reason)"
			   " VALUES ($1, $2, $3, $4, $5, $6)", v, SV_N(v), e);
	if (rc < 0)
		return rc;
	return store_query_int(id, s, "SELECT max(id) FROM booking_closures WHERE tenant = $1 AND facility = $2",
			       v, 2, e);
}

int booking_closure_remove(struct store *s, const char *tenant, int64_t id, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_int(id) };
	int rc = store_exec(s, "DELETE FROM booking_closures WHERE tenant = $1 AND id = $2", p, 2, e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_NOTFOUND, "closure: none") : 0;
}

int booking_closures_each(struct store *s, const char *tenant, const char *facility,
			  int (*fn)(void *arg, const struct booking_closure *c), void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(facility ? facility : "") };
	int rc = store_query(&r, s, "SELECT id, facility, unit, from_day, to_day, reason FROM booking_closures"
				    " WHERE tenant = $1 AND ($2 = '' OR facility = $2) ORDER BY from_day, id", p, 2, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct booking_closure c;
		memset(&c, 0, sizeof c);
		c.id = store_col_int(r, 0);
		COPY(c.facility, store_col_text(r, 1));
		COPY(c.unit, store_col_text(r, 2));
		c.from_day = (long)store_col_int(r, 3);
		c.to_day = (long)store_col_int(r, 4);
		COPY(c.reason, store_col_text(r, 5));
		if ((rc = fn(arg, &c)) != 0)
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : rc;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

static const char *const csv_cols[] = {
	"facility", "facility_name", "facility_name_en", "kind", "address", "lat", "lon", "access", "photo",
	"unit", "unit_name", "unit_name_en", "parent", "capacity", "equipment", "band", "band_name",
	"band_name_en", "start", "end", "fee", "fee_holiday", "fee_other", "fee_other_holiday", "fee_heating",
};
enum {
	C_FAC, C_FNAME, C_FNAME_EN, C_KIND, C_ADDR, C_LAT, C_LON, C_ACCESS, C_PHOTO, C_UNIT, C_UNAME,
	C_UNAME_EN, C_PARENT, C_CAP, C_EQUIP, C_BAND, C_BNAME, C_BNAME_EN, C_START, C_END, C_FEE, C_FEE_HOL,
	C_FEE_OTHER, C_FEE_OTHER_HOL, C_FEE_HEAT, C_NCOLS
};

struct csv_import {
	struct booking_facility *facs;
	int nfac;
	int header;
	struct err *e;
};

static int int_cell(int *out, const char *v, int max)
{
	int64_t x;
	if (!v[0] || parse_i64(&x, v, 0, max))
		return -1;
	*out = (int)x;
	return 0;
}

static int deg_cell(double *out, const char *v, double lim)
{
	char *end = NULL;
	if (!v[0] || strlen(v) > 20)
		return -1;
	for (const char *p = v; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return -1;
	double d = strtod(v, &end);
	if (!end || *end || !isfinite(d) || d < -lim || d > lim)
		return -1;
	*out = d;
	return 0;
}

/* the facility of code among those read, or a new one */
static struct booking_facility *import_facility(struct csv_import *c, const char *code, int *fresh)
{
	*fresh = 0;
	for (int i = 0; i < c->nfac; i++)
		if (!strcmp(c->facs[i].code, code))
			return &c->facs[i];
	if (c->nfac >= BOOKING_FACILITIES_MAX)
		return NULL;
	*fresh = 1;
	struct booking_facility *f = &c->facs[c->nfac++];
	memset(f, 0, sizeof *f);
	return f;
}

#define SAME(field, col) (strcmp((field), f[col]) == 0)

static int import_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	struct csv_import *c = arg;
	(void)len;
	if (!c->header) {
		const char *h0 = f[0];
		if (!strncmp(h0, "\xef\xbb\xbf", 3))
			h0 += 3;
		if (nf != C_NCOLS || strcmp(h0, csv_cols[0]))
			return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: the header must be %s,...,%s (%d columns)",
				       csv_cols[0], csv_cols[C_NCOLS - 1], C_NCOLS);
		for (int i = 1; i < nf; i++)
			if (strcmp(f[i], csv_cols[i]))
				return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: column %d must be %s", i + 1, csv_cols[i]);
		c->header = 1;
		return 0;
	}
	if (nf == 1 && !f[0][0])
		return 0;   /* a blank line */
	if (nf != C_NCOLS)
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: %d columns, not %d", nf, C_NCOLS);
	if (!booking_code_ok(f[C_FAC]) || !booking_code_ok(f[C_UNIT]) || !booking_code_ok(f[C_BAND]))
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: facility, unit and band are codes (a-z, 0-9, _ and -)");
	for (int i = 0; i < nf; i++)
		if (strlen(f[i]) > BOOKING_TEXT_MAX)
			return err_set_line(c->e, ERR_LIMIT, line, "facilities CSV: column %s is too long", csv_cols[i]);
	int fresh;
	struct booking_facility *fa = import_facility(c, f[C_FAC], &fresh);
	if (!fa)
		return err_set_line(c->e, ERR_LIMIT, line, "facilities CSV: more than %d facilities", BOOKING_FACILITIES_MAX);
	int has_pin = f[C_LAT][0] || f[C_LON][0];
	double lat = 0, lon = 0;
	if (has_pin && (deg_cell(&lat, f[C_LAT], 90) || deg_cell(&lon, f[C_LON], 180)))
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: lat and lon are degrees (both or neither)");
	if (fresh) {
		COPY(fa->code, f[C_FAC]);
		COPY(fa->name_ja, f[C_FNAME]);
		COPY(fa->name_en, f[C_FNAME_EN]);
		COPY(fa->kind, f[C_KIND]);
		COPY(fa->address, f[C_ADDR]);
		COPY(fa->access, f[C_ACCESS]);
		COPY(fa->photo, f[C_PHOTO]);
		fa->has_pin = has_pin;
		fa->lat = lat;
		fa->lon = lon;
	} else if (!SAME(fa->name_ja, C_FNAME) || !SAME(fa->name_en, C_FNAME_EN) || !SAME(fa->kind, C_KIND) ||
		   !SAME(fa->address, C_ADDR) || !SAME(fa->access, C_ACCESS) || !SAME(fa->photo, C_PHOTO) ||
		   fa->has_pin != has_pin || (has_pin && (fa->lat != lat || fa->lon != lon))) {
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: facility %s's columns differ from its first row",
			       fa->code);
	}
	/* the band */
	int start, end;
	if (booking_hhmm_parse(&start, f[C_START], 0) || booking_hhmm_parse(&end, f[C_END], 1))
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: start and end are HH:MM");
	struct booking_band *b = (struct booking_band *)booking_band_find(fa, f[C_BAND]);
	if (!b) {
		if (fa->nbands >= BOOKING_BANDS_MAX)
			return err_set_line(c->e, ERR_LIMIT, line, "facilities CSV: more than %d bands", BOOKING_BANDS_MAX);
		b = &fa->bands[fa->nbands++];
		COPY(b->code, f[C_BAND]);
		COPY(b->name_ja, f[C_BNAME]);
		COPY(b->name_en, f[C_BNAME_EN]);
		b->start_min = start;
		b->end_min = end;
	} else if (!SAME(b->name_ja, C_BNAME) || !SAME(b->name_en, C_BNAME_EN) || b->start_min != start ||
		   b->end_min != end) {
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: band %s differs from its first row", b->code);
	}
	/* the unit */
	int cap;
	if (int_cell(&cap, f[C_CAP], 100000))
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: capacity is a number of people");
	struct booking_unit *u = (struct booking_unit *)booking_unit_find(fa, f[C_UNIT]);
	if (!u) {
		if (fa->nunits >= BOOKING_UNITS_MAX)
			return err_set_line(c->e, ERR_LIMIT, line, "facilities CSV: more than %d units", BOOKING_UNITS_MAX);
		u = &fa->units[fa->nunits++];
		COPY(u->code, f[C_UNIT]);
		COPY(u->name_ja, f[C_UNAME]);
		COPY(u->name_en, f[C_UNAME_EN]);
		COPY(u->parent, f[C_PARENT]);
		COPY(u->equipment, f[C_EQUIP]);
		u->capacity = cap;
	} else if (!SAME(u->name_ja, C_UNAME) || !SAME(u->name_en, C_UNAME_EN) || !SAME(u->parent, C_PARENT) ||
		   !SAME(u->equipment, C_EQUIP) || u->capacity != cap) {
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: unit %s differs from its first row", u->code);
	}
	for (int i = 0; i < u->nfees; i++)
		if (!strcmp(u->fees[i].band, b->code))
			return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: unit %s band %s twice", u->code, b->code);
	if (u->nfees >= BOOKING_BANDS_MAX)
		return err_set_line(c->e, ERR_LIMIT, line, "facilities CSV: too many fees");
	struct booking_fee *fe = &u->fees[u->nfees++];
	COPY(fe->band, b->code);
	if (int_cell(&fe->resident, f[C_FEE], 10000000) || int_cell(&fe->resident_holiday, f[C_FEE_HOL], 10000000) ||
	    int_cell(&fe->other, f[C_FEE_OTHER], 10000000) ||
	    int_cell(&fe->other_holiday, f[C_FEE_OTHER_HOL], 10000000) ||
	    (f[C_FEE_HEAT][0] ? int_cell(&fe->heating, f[C_FEE_HEAT], 10000000) : 0))
		return err_set_line(c->e, ERR_INVALID, line, "facilities CSV: fees are yen (0 or more, digits only)");
	return 0;
}

int booking_csv_import(struct store *s, const char *tenant, const char *data, size_t n, int *nfac,
		       struct err *e)
{
	*nfac = 0;
	if (n > BOOKING_CSV_MAX)
		return err_set(e, ERR_LIMIT, "facilities CSV: over %u bytes", BOOKING_CSV_MAX);
	struct csv_import c = { .e = e };
	c.facs = calloc(BOOKING_FACILITIES_MAX, sizeof *c.facs);
	if (!c.facs)
		return err_set(e, ERR_NOMEM, "facilities CSV");
	struct jp_csv_reader r;
	jp_csv_reader_init(&r, import_record, &c);
	int rc = jp_csv_reader_feed(&r, data, n, e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&r, e);
	jp_csv_reader_done(&r);
	if (rc == 0 && !c.header)
		rc = err_set(e, ERR_INVALID, "facilities CSV: empty");
	/* every facility checked before anything is written */
	for (int i = 0; rc == 0 && i < c.nfac; i++) {
		e->line = 0;
		rc = facility_check(&c.facs[i], e);
	}
	int own = 0;
	if (rc == 0)
		rc = booking_tx_begin(s, &own, e);
	for (int i = 0; rc == 0 && i < c.nfac; i++)
		rc = booking_facility_put(s, tenant, &c.facs[i], e);
	if (rc == 0 || own)
		rc = booking_tx_end(s, own, rc, e);
	if (rc == 0)
		*nfac = c.nfac;
	free(c.facs);
	return rc;
}

static int export_one(void *arg, const struct booking_facility *f)
{
	struct buf *b = arg;
	char lat[32] = "", lon[32] = "";
	if (f->has_pin) {
		snprintf(lat, sizeof lat, "%.6f", f->lat);
		snprintf(lon, sizeof lon, "%.6f", f->lon);
	}
	for (int i = 0; i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		for (int k = 0; k < u->nfees; k++) {
			const struct booking_fee *fe = &u->fees[k];
			const struct booking_band *bd = booking_band_find(f, fe->band);
			if (!bd)
				continue;
			char cap[16], start[6], end[6], fee[5][16];
			snprintf(cap, sizeof cap, "%d", u->capacity);
			booking_hhmm(start, bd->start_min);
			booking_hhmm(end, bd->end_min);
			snprintf(fee[0], sizeof fee[0], "%d", fe->resident);
			snprintf(fee[1], sizeof fee[1], "%d", fe->resident_holiday);
			snprintf(fee[2], sizeof fee[2], "%d", fe->other);
			snprintf(fee[3], sizeof fee[3], "%d", fe->other_holiday);
			snprintf(fee[4], sizeof fee[4], "%d", fe->heating);
			const char *v[C_NCOLS] = {
				f->code, f->name_ja, f->name_en, f->kind, f->address, lat, lon, f->access, f->photo,
				u->code, u->name_ja, u->name_en, u->parent, cap, u->equipment, bd->code, bd->name_ja,
				bd->name_en, start, end, fee[0], fee[1], fee[2], fee[3], fee[4],
			};
			for (int j = 0; j < C_NCOLS; j++)
				if (csv_cell(b, v[j], j == 0))
					return ERR_NOMEM;
			if (buf_puts(b, "\r\n"))
				return ERR_NOMEM;
		}
	}
	return 0;
}

int booking_csv_export(struct buf *out, struct store *s, const char *tenant, struct err *e)
{
	if (buf_puts(out, "\xef\xbb\xbf"))
		return err_set(e, ERR_NOMEM, "facilities CSV");
	for (int j = 0; j < C_NCOLS; j++)
		if (csv_cell(out, csv_cols[j], j == 0))
			return err_set(e, ERR_NOMEM, "facilities CSV");
	if (buf_puts(out, "\r\n"))
		return err_set(e, ERR_NOMEM, "facilities CSV");
	int rc = booking_facilities_each(s, tenant, export_one, out, e);
	return rc == ERR_NOMEM ? err_set(e, ERR_NOMEM, "facilities CSV") : rc;
}
