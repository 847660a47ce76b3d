/*
 * page_photos.c -- a facility's photos for everyone:
 *   bres_photos                               the section of the facility's page: each
 *                                             photo's small copy (width and height set,
 *                                             loading=lazy, the large one in srcset) with
 *                                             its text in the page's language as alt,
 *                                             linked to the large copy
 *   GET /facilities/{facility}/photos/{id}    the bytes of the large copy, ?size=s the
 *                                             small one: the stored type (image/jpeg or
 *                                             image/png, both made by core/image), cached
 *                                             for a year (a photo never changes: a new one
 *                                             has a new id), sandboxed
 * The path's values are a facility code and a number (the router's
 * validators), looked up in the database: no file name is ever built from
 * them.  A photo of another facility or municipality is not found.
 */
#include "web/app.h"
#include "base/log.h"
#include "svc/booking/web/booking_web.h"

#include <stdlib.h>
#include <string.h>

struct section {
	struct http_req *r;
	struct buf *b;
	const struct booking_facility *f;
	int n;
};

static int photo_item(void *arg, const struct booking_photo *ph)
{
	struct section *s = arg;
	struct http_req *r = s->r;
	if (!s->n++)
		html_printf(s->b, "<section aria-labelledby=\"photos-h\"><h2 id=\"photos-h\">%s</h2>"
			    "<ul class=\"booking-photos\" id=\"booking-photos\">", bres_t(r, "booking.fac.photos"));
	const char *src = arena_printf(r->arena, "/facilities/%s/photos/%lld", s->f->code, (long long)ph->id);
	html_printf(s->b, "<li><a href=\"%s\"><img src=\"%s?size=s\" srcset=\"%s?size=s %dw, %s %dw\""
		    " sizes=\"(min-width: 40rem) 20rem, 100vw\" alt=\"%s\" width=\"%d\" height=\"%d\" loading=\"lazy\""
		    " decoding=\"async\"></a></li>",
		    src, src, src, ph->small_width, src, ph->width, bres_name(r, ph->alt_ja, ph->alt_en), ph->small_width,
		    ph->small_height);
	return 0;
}

void bres_photos(struct buf *b, struct http_req *r, const struct booking_facility *f)
{
	struct section s = { r, b, f, 0 };
	struct err e;
	int rc = booking_photos_each(app_store(r), app_req(r)->tenant.code, f->code, photo_item, &s, &e);
	if (s.n)
		buf_puts(b, "</ul></section>");
	/* the page stands without its photos: the failure is logged */
	if (rc < 0)
		log_warn("booking: facility photos", "detail", e.detail);
}

int page_booking_photo(struct http_req *r)
{
	const char *ids = http_param(r, "id");
	const char *size = http_param(r, "size");
	int small = size && !strcmp(size, "s");
	void *data = NULL;
	size_t len = 0;
	char mime[16];
	struct err e;
	int rc = booking_photo_bytes(&data, &len, mime, app_store(r), app_req(r)->tenant.code, http_param(r, "facility"),
				     ids ? strtoll(ids, NULL, 10) : 0, small, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.error.photo", e.detail);
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", e.detail);
	/* the type sent is one of two literals, never the stored text */
	const char *type = !strcmp(mime, "image/jpeg") ? "image/jpeg" : !strcmp(mime, "image/png") ? "image/png" : NULL;
	if (!type) {
		free(data);
		return app_send_error(r, ERR_INTERNAL, "booking.error.unavailable", "photo: stored type");
	}
	if (arena_cleanup_add(r->arena, free, data))
		return app_send_error(r, ERR_NOMEM, "booking.error.unavailable", "photo: no memory");
	/* a photo never changes (a new one has a new id), but one removed
	 * (posted by mistake, a person in it) must leave shared caches soon:
	 * a day, not a year */
	http_set_header(r, "cache-control", "public, max-age=86400");
	http_set_header(r, "content-security-policy", "sandbox");
	http_set_header(r, "content-disposition", "inline");
	return http_send(r, 200, type, data, len);
}
