/*
 * page_staff_photos.c -- the staff's page of a facility's photos:
 *   GET  /staff/facilities/{code}/photos                 the photos (small copies with
 *                                                        their texts, a remove button
 *                                                        each) and the upload form
 *   POST /staff/facilities/{code}/photos                 one photo (multipart: photo,
 *                                                        alt_ja, alt_en, both texts
 *                                                        required): the copies are made
 *                                                        off the event loop
 *                                                        (http_defer_owned), stored by
 *                                                        booking_photo_add
 *   POST /staff/facilities/{code}/photos/{id}/remove
 * The router has checked the permission (booking.master) and the CSRF
 * token.  A refused upload answers the form again with the reason at its
 * field (not a JPEG or PNG, too large, unreadable, a text missing, the
 * facility full).  Every change, and every refused image, is audited.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "svc/booking/web/booking_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bstaff_t

struct photo_form {
	const char *alt_ja, *alt_en;
	const char *field, *error;
};

struct photo_list {
	struct http_req *r;
	struct buf *b;
	const struct booking_facility *f;
	int n;
};

static int photo_row(void *arg, const struct booking_photo *ph)
{
	struct photo_list *x = arg;
	struct http_req *r = x->r;
	x->n++;
	html_printf(x->b, "<li class=\"booking-photo\" data-photo=\"%lld\"><figure>"
		    "<img src=\"/facilities/%s/photos/%lld?size=s\" alt=\"%s\" width=\"%d\" height=\"%d\" loading=\"lazy\">"
		    "<figcaption><span lang=\"ja\">%s</span><br><span lang=\"en\">%s</span><br>"
		    "<a href=\"/facilities/%s/photos/%lld\">%s</a> (%d × %d)</figcaption></figure>"
		    "<form method=\"post\" action=\"/staff/facilities/%s/photos/%lld/remove\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\" class=\"button-secondary\" id=\"photo-remove-%lld\">%s</button></form></li>\n",
		    (long long)ph->id, x->f->code, (long long)ph->id, bstaff_name(r, ph->alt_ja, ph->alt_en),
		    ph->small_width, ph->small_height, ph->alt_ja, ph->alt_en, x->f->code, (long long)ph->id,
		    T(r, "booking.staff.photo.large"), ph->width, ph->height, x->f->code, (long long)ph->id,
		    app_req(r)->csrf, (long long)ph->id, T(r, "booking.staff.photo.remove"));
	return 0;
}

static int photos_page(struct http_req *r, int status, const struct booking_facility *f, const struct photo_form *v,
		       const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "booking.staff.photos.title"),
					      bstaff_name(r, f->name_ja, f->name_en)), v->field, v->error);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a> · "
		    "<a href=\"/staff/facilities/%s/calendar\">%s</a> · <a href=\"/facilities/%s\">%s</a></p>",
		    T(r, "booking.staff.title"), f->code, T(r, "booking.staff.calendar"), f->code,
		    T(r, "booking.staff.photo.public"));
	bstaff_notice(&b, notice);
	html_printf(&b, "<h2 id=\"photos-h\">%s</h2><ul class=\"booking-photos\" id=\"photos\" aria-labelledby=\"photos-h\">",
		    T(r, "booking.staff.photos"));
	struct photo_list c = { r, &b, f, 0 };
	struct err e;
	int rc = booking_photos_each(app_store(r), q->tenant.code, f->code, photo_row, &c, &e);
	if (rc < 0) {
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	buf_puts(&b, "</ul>");
	if (!c.n)
		html_printf(&b, "<p id=\"photos-none\">%s</p>", T(r, "booking.staff.photos.none"));
	html_printf(&b, "<h2 id=\"photo-add-h\">%s</h2>", T(r, "booking.staff.photo.add"));
	html_printf(&b, "<form method=\"post\" action=\"/staff/facilities/%s/photos\" enctype=\"multipart/form-data\""
		    " class=\"form\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"%s\">", f->code, q->csrf);
	const char *hint = arena_printf(r->arena, T(r, "booking.staff.photo.file.hint"),
					(int)(BOOKING_PHOTO_BYTES_MAX >> 20), BOOKING_PHOTOS_MAX);
	ui_file(&b, &(struct ui_field){ .name = "photo", .id = "f-photo", .label = T(r, "booking.staff.photo.file"),
					.hint = hint, .accept = "image/jpeg,image/png", .required = 1, .lang = q->lang,
					.error = v->field && !strcmp(v->field, "f-photo") ? v->error : NULL });
	ui_input(&b, &(struct ui_field){ .name = "alt_ja", .id = "f-alt-ja", .label = T(r, "booking.staff.photo.alt_ja"),
					 .hint = T(r, "booking.staff.photo.alt.hint"), .value = v->alt_ja,
					 .maxlength = BOOKING_NAME_MAX, .required = 1, .lang = q->lang,
					 .error = v->field && !strcmp(v->field, "f-alt-ja") ? v->error : NULL });
	ui_input(&b, &(struct ui_field){ .name = "alt_en", .id = "f-alt-en", .label = T(r, "booking.staff.photo.alt_en"),
					 .value = v->alt_en, .maxlength = BOOKING_NAME_MAX, .required = 1, .lang = q->lang,
					 .error = v->field && !strcmp(v->field, "f-alt-en") ? v->error : NULL });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"photo-add\">%s</button></form>",
		    T(r, "booking.staff.photo.add"));
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_photos(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	const char *done = http_param(r, "done");
	const char *notice = !done ? NULL : !strcmp(done, "added") ? T(r, "booking.staff.photo.added")
					  : !strcmp(done, "removed") ? T(r, "booking.staff.photo.removed") : NULL;
	struct photo_form v = { "", "", NULL, NULL };
	return photos_page(r, 200, f, &v, notice);
}

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

/* the upload's work off the loop: the bytes are copied in (the request's
 * body may be gone when the client leaves), the copies made */
struct photo_job {
	void *data;
	size_t len;
	struct booking_photo_copies c;
	int rc;
	struct err e;
};

static void photo_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct photo_job *j = arg;
	j->rc = booking_photo_prepare(&j->c, j->data, j->len, &j->e);
	free(j->data);
	j->data = NULL;
}

static void photo_discard(void *arg)
{
	struct photo_job *j = arg;
	free(j->data);
	booking_photo_copies_done(&j->c);
}

/* the reason of a refused upload, at the file's field */
static int photo_refused(struct http_req *r, const struct booking_facility *f, int rc, const char *detail)
{
	struct photo_form v = { param(r, "alt_ja"), param(r, "alt_en"), "f-photo", NULL };
	log_info("booking: photo refused", "detail", detail);
	app_audit(r, AUDIT_A_WRITE, "booking.photo", f->code, AUDIT_R_FAILED);
	int status = 422;
	if (rc == ERR_INVALID && detail && strstr(detail, "neither JPEG nor PNG")) {
		v.error = T(r, "booking.staff.photo.error.type");
		status = 415;
	} else if (rc == ERR_INVALID) {
		v.error = T(r, "booking.staff.photo.error.broken");
	} else if (rc == ERR_LIMIT) {
		v.error = arena_printf(r->arena, T(r, "booking.staff.photo.error.large"), (int)(BOOKING_PHOTO_BYTES_MAX >> 20));
		status = 413;
	} else {
		return app_send_error(r, rc, "booking.staff.error.failed", detail);
	}
	return photos_page(r, status, f, &v, NULL);
}

static int photo_done(struct http_req *r, void *arg)
{
	struct photo_job *j = arg;
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc) {
		booking_photo_copies_done(&j->c);
		return rc;
	}
	if (j->rc)
		return photo_refused(r, f, j->rc, j->e.detail);
	struct app_req *q = app_req(r);
	int64_t id = 0;
	struct err e;
	err_clear(&e);
	rc = booking_photo_add(&id, app_store(r), q->tenant.code, f->code, param(r, "alt_ja"), param(r, "alt_en"), &j->c,
			       q->ses.account_id, app_now(), &e);
	booking_photo_copies_done(&j->c);
	char oid[64];
	snprintf(oid, sizeof oid, "%s:%lld", f->code, (long long)id);
	app_audit(r, AUDIT_A_WRITE, "booking.photo", rc ? f->code : oid, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_LIMIT) {
		struct photo_form v = { param(r, "alt_ja"), param(r, "alt_en"), "f-photo",
					arena_printf(r->arena, T(r, "booking.staff.photo.error.full"), BOOKING_PHOTOS_MAX) };
		return photos_page(r, 409, f, &v, NULL);
	}
	if (rc == ERR_INVALID) {
		/* the texts were checked before; this is the domain's own word */
		int en = strstr(e.detail, "alt_en") != NULL;
		struct photo_form v = { param(r, "alt_ja"), param(r, "alt_en"), en ? "f-alt-en" : "f-alt-ja",
					T(r, en ? "booking.staff.photo.error.alt_en" : "booking.staff.photo.error.alt_ja") };
		return photos_page(r, 422, f, &v, NULL);
	}
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/%s/photos?done=added", f->code));
}

/* a text of the form: one line of 1..BOOKING_NAME_MAX bytes after the
 * router's checks (UTF-8, no control characters) */
static int alt_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > BOOKING_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 1;
	return 0;
}

int page_bstaff_photo_add(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	struct photo_form v = { param(r, "alt_ja"), param(r, "alt_en"), NULL, NULL };
	const struct http_part *file = http_file(r, "photo");
	if (!file || !file->len) {
		v.field = "f-photo";
		v.error = T(r, "booking.staff.photo.error.none");
		return photos_page(r, 422, f, &v, NULL);
	}
	if (!alt_ok(v.alt_ja)) {
		v.field = "f-alt-ja";
		v.error = T(r, "booking.staff.photo.error.alt_ja");
		return photos_page(r, 422, f, &v, NULL);
	}
	if (!alt_ok(v.alt_en)) {
		v.field = "f-alt-en";
		v.error = T(r, "booking.staff.photo.error.alt_en");
		return photos_page(r, 422, f, &v, NULL);
	}
	/* refused by its size or kind at once: no copy, no thread */
	if (file->len > BOOKING_PHOTO_BYTES_MAX)
		return photo_refused(r, f, ERR_LIMIT, "photo: over the bytes limit");
	if (image_sniff(file->data, file->len) == IMAGE_NONE)
		return photo_refused(r, f, ERR_INVALID, "image: neither JPEG nor PNG");
	struct photo_job j;
	memset(&j, 0, sizeof j);
	if (!(j.data = malloc(file->len)))
		return app_send_error(r, ERR_NOMEM, "booking.staff.error.failed", "photo: no memory");
	memcpy(j.data, file->data, file->len);
	j.len = file->len;
	if ((rc = http_defer_owned(r, photo_work, photo_done, photo_discard, &j, sizeof j))) {
		free(j.data);
		return app_send_error(r, rc, "booking.staff.error.failed", "photo: cannot defer");
	}
	return 0;
}

int page_bstaff_photo_remove(struct http_req *r)
{
	struct booking_facility *f;
	int sent, rc = bstaff_facility(&f, r, &sent);
	if (sent || rc)
		return rc;
	const char *ids = http_param(r, "id");
	int64_t id = ids ? strtoll(ids, NULL, 10) : 0;
	struct err e;
	rc = booking_photo_remove(app_store(r), app_req(r)->tenant.code, f->code, id, &e);
	char oid[64];
	snprintf(oid, sizeof oid, "%s:%lld", f->code, (long long)id);
	app_audit(r, AUDIT_A_WRITE, "booking.photo", oid, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.staff.error.photo", e.detail);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/%s/photos?done=removed", f->code));
}
