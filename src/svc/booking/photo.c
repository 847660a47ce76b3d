/*
 * photo.c -- photos of a facility (booking.h has the contract): the
 * copies made by core/image, their two alternative texts, the table
 * booking_photos.
 *
 * Invariants:
 *   - what is stored was encoded by image_process (both copies): the
 *     upload's own bytes, and so its EXIF and GPS, never reach the table;
 *   - both alternative texts are present (1..BOOKING_NAME_MAX bytes, one
 *     line): checked here and by the table's CHECK;
 *   - at most BOOKING_PHOTOS_MAX photos a facility, counted in the
 *     inserting transaction;
 *   - a photo is read or removed only through its facility (the id alone
 *     never finds another facility's or municipality's photo).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "svc/booking/booking_int.h"

int booking_photo_prepare(struct booking_photo_copies *out, const void *data, size_t n, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct image_limits lim = { .max_bytes = BOOKING_PHOTO_BYTES_MAX, .max_pixels = BOOKING_PHOTO_PIXELS_MAX };
	int rc = image_process(&out->large, data, n, BOOKING_PHOTO_EDGE, &lim, e);
	if (rc)
		return rc;
	/* the small copy from the large one: already upright and clean */
	rc = image_process(&out->small, out->large.data, out->large.len, BOOKING_PHOTO_EDGE_SMALL, NULL, e);
	if (rc) {
		booking_photo_copies_done(out);
		return rc;
	}
	return 0;
}

void booking_photo_copies_done(struct booking_photo_copies *c)
{
	if (!c)
		return;
	image_out_done(&c->large);
	image_out_done(&c->small);
}

int booking_photo_add(int64_t *id, struct store *s, const char *tenant, const char *facility, const char *alt_ja,
		      const char *alt_en, const struct booking_photo_copies *c, int64_t by, int64_t now,
		      struct err *e)
{
	*id = 0;
	if (!booking_code_ok(facility))
		return err_set(e, ERR_INVALID, "photo: facility code");
	if (!alt_ja || !booking_text_ok(alt_ja, 1, BOOKING_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "photo: alt_ja");
	if (!alt_en || !booking_text_ok(alt_en, 1, BOOKING_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "photo: alt_en");
	if (!c || !c->large.data || !c->small.data || c->large.format != c->small.format ||
	    c->large.width > BOOKING_PHOTO_EDGE || c->large.height > BOOKING_PHOTO_EDGE ||
	    c->small.width > BOOKING_PHOTO_EDGE_SMALL || c->small.height > BOOKING_PHOTO_EDGE_SMALL)
		return err_set(e, ERR_INVALID, "photo: copies not prepared");
	int own, rc;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	int64_t have = 0;
	struct store_val k[] = { sv_text(tenant), sv_text(facility) };
	/* the facility's row locked (PostgreSQL: two uploads at once count
	 * one after the other, so the cap holds), and there is one */
	rc = store_exec(s, "UPDATE booking_facilities SET name_ja = name_ja WHERE tenant = $1 AND code = $2", k, SV_N(k), e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "photo: no such facility");
	else if (rc > 0)
		rc = 0;
	if (!rc)
		rc = store_query_int(&have, s, "SELECT count(*) FROM booking_photos WHERE tenant = $1 AND facility = $2",
				     k, SV_N(k), e);
	if (!rc && have >= BOOKING_PHOTOS_MAX)
		rc = err_set(e, ERR_LIMIT, "photo: %d photos already", BOOKING_PHOTOS_MAX);
	if (!rc) {
		struct store_val v[] = {
			sv_text(tenant), sv_text(facility), sv_text(alt_ja), sv_text(alt_en), sv_text(c->large.mime),
			sv_int(c->large.width), sv_int(c->large.height), sv_int(c->small.width),
			sv_int(c->small.height), sv_blob(c->large.data, c->large.len),
			sv_blob(c->small.data, c->small.len), sv_int(by), sv_int(now),
		};
		rc = store_query_int(id, s, "INSERT INTO booking_photos (tenant, facility, alt_ja, alt_en, mime, width,"
					    " height, small_width, small_height, large, small, created_by, created_at)"
					    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
				     v, SV_N(v), e);
	}
	return booking_tx_end(s, own, rc, e);
}

int booking_photo_remove(struct store *s, const char *tenant, const char *facility, int64_t id, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_text(facility), sv_int(id) };
	int rc = store_exec(s, "DELETE FROM booking_photos WHERE tenant = $1 AND facility = $2 AND id = $3", p,
			    SV_N(p), e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_NOTFOUND, "photo: none") : 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int booking_photos_each(struct store *s, const char *tenant, const char *facility,
			int (*fn)(void *arg, const struct booking_photo *p), void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(facility) };
	int rc = store_query(&r, s, "SELECT id, facility, alt_ja, alt_en, mime, width, height, small_width,"
				    " small_height, created_at FROM booking_photos WHERE tenant = $1 AND facility = $2"
				    " ORDER BY id", p, SV_N(p), e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct booking_photo ph;
		memset(&ph, 0, sizeof ph);
		ph.id = store_col_int(r, 0);
		copy(ph.facility, sizeof ph.facility, store_col_text(r, 1));
		copy(ph.alt_ja, sizeof ph.alt_ja, store_col_text(r, 2));
		copy(ph.alt_en, sizeof ph.alt_en, store_col_text(r, 3));
		copy(ph.mime, sizeof ph.mime, store_col_text(r, 4));
		ph.width = (int)store_col_int(r, 5);
		ph.height = (int)store_col_int(r, 6);
		ph.small_width = (int)store_col_int(r, 7);
		ph.small_height = (int)store_col_int(r, 8);
		ph.created_at = store_col_int(r, 9);
		if ((rc = fn(arg, &ph)) != 0)
			break;
	}
	store_rows_free(r);
	return rc;
}

int booking_photo_bytes(void **out, size_t *len, char mime[16], struct store *s, const char *tenant,
			const char *facility, int64_t id, int small, struct err *e)
{
	*out = NULL;
	*len = 0;
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(facility), sv_int(id) };
	int rc = store_query(&r, s, small ? "SELECT mime, small FROM booking_photos WHERE tenant = $1 AND facility = $2"
					    " AND id = $3"
					  : "SELECT mime, large FROM booking_photos WHERE tenant = $1 AND facility = $2"
					    " AND id = $3",
			     p, SV_N(p), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		size_t n = 0;
		const void *b = store_col_blob(r, 1, &n);
		copy(mime, 16, store_col_text(r, 0));
		rc = 0;
		if (!b || !n)
			rc = err_set(e, ERR_INTERNAL, "photo %lld: no bytes", (long long)id);
		else if (!(*out = malloc(n)))
			rc = err_set(e, ERR_NOMEM, "photo: no memory");
		else {
			memcpy(*out, b, n);
			*len = n;
		}
	} else if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "photo: none");
	store_rows_free(r);
	return rc;
}
