/*
 * page_staff_common.c -- what the staff's pages of facility reservations
 * share (pages_staff.h): catalog texts, days and times in JST, the
 * facility of a path, a CSV answer in UTF-8 with BOM or CP932.
 */
#include "web/app.h"
#include "base/log.h"
#include "jp/cp932.h"
#include "svc/booking/web/booking_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bstaff_t(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

long bstaff_today(void)
{
	return jp_date_to_days(jp_jst_date(app_now()));
}

const char *bstaff_iso(struct http_req *r, long days)
{
	char d[JP_DATE_ISO_SIZE];
	if (jp_date_format_iso(d, sizeof d, jp_date_from_days(days), NULL))
		return "";
	return arena_strdup(r->arena, d);
}

const char *bstaff_when(struct http_req *r, int64_t t)
{
	if (!t)
		return "—";
	struct tm tm;
	jp_jst_tm(&tm, t);
	return arena_printf(r->arena, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min);
}

int bstaff_day_parse(long *days, const char *s)
{
	struct jp_date d;
	if (!s || jp_date_parse_iso(&d, s, NULL) || !jp_date_valid(d) || d.y < 2000 || d.y > 2099)
		return ERR_INVALID;
	*days = jp_date_to_days(d);
	return 0;
}

const char *bstaff_name(struct http_req *r, const char *ja, const char *en)
{
	return app_req(r)->lang == HTML_EN && en && *en ? en : ja;
}

static void facility_free(void *p)
{
	booking_facility_free(p);
}

int bstaff_facility(struct booking_facility **f, struct http_req *r, int *sent)
{
	*f = NULL;
	*sent = 0;
	struct err e;
	int rc = booking_facility_get(f, app_store(r), app_req(r)->tenant.code, http_param(r, "code"), &e);
	if (rc == 0 && arena_cleanup_add(r->arena, facility_free, *f)) {
		*f = NULL;   /* freed by arena_cleanup_add already */
		rc = ERR_NOMEM;
	}
	if (rc == ERR_NOTFOUND) {
		*sent = 1;
		return app_send_error(r, rc, "booking.staff.error.facility", "no such facility");
	}
	if (rc) {
		*sent = 1;
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	return 0;
}

int bstaff_send_csv(struct http_req *r, struct buf *b, const char *filename)
{
	const char *enc = http_param(r, "enc");
	int cp932 = enc && strcmp(enc, "cp932") == 0;
	const char *data = b->data ? b->data : "";
	size_t len = b->len;
	char *conv = NULL;
	if (cp932) {
		struct err e;
		long replaced = 0;
		if (jp_utf8_to_cp932_geta(&conv, &len, &replaced, data, len, &e)) {
			buf_done(b);
			return app_send_error(r, ERR_INTERNAL, "booking.staff.error.failed", e.detail);
		}
		if (replaced)
			log_info("booking: CSV in CP932 with characters replaced by the geta mark");
		data = conv;
	}
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "attachment; filename=\"%s-%s.csv\"", filename, cp932 ? "sjis" : "utf8"));
	int rc = http_send(r, 200, cp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8", data, len);
	free(conv);
	buf_done(b);
	return rc;
}

void bstaff_notice(struct buf *b, const char *text)
{
	if (text)
		html_printf(b, "<div class=\"notice\" role=\"status\" id=\"notice\"><p>%s</p></div>", text);
}
