/*
 * res_util.c -- what the resident's pages of facility reservations share:
 * catalog texts, days, times and yen in the reader's language, a
 * booking's state in words, the one-time form key.
 */
#include "web/app.h"
#include "svc/booking/booking.h"
#include "svc/booking/web/booking_web.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const month_en[] = { "January", "February", "March", "April", "May", "June",
					"July", "August", "September", "October", "November", "December" };

const char *bres_t(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

const char *bres_day(struct http_req *r, struct jp_date d)
{
	if (!jp_date_valid(d))
		return "";
	enum jp_weekday w = jp_date_weekday(d);
	if (app_req(r)->lang == HTML_EN)
		return arena_printf(r->arena, "%.3s %d %s %d", jp_weekday_name_en(w), d.d, mon_en[d.m - 1], d.y);
	return arena_printf(r->arena, "%d年%d月%d日（%s）", d.y, d.m, d.d, jp_weekday_name_ja(w));
}

const char *bres_iso(struct http_req *r, struct jp_date d)
{
	char b[JP_DATE_ISO_SIZE];
	struct err e;
	if (jp_date_format_iso(b, sizeof b, d, &e))
		return "";
	return arena_strdup(r->arena, b);
}

const char *bres_when(struct http_req *r, int64_t t)
{
	if (!t)
		return "";
	struct tm tm;
	jp_jst_tm(&tm, t);
	if (app_req(r)->lang == HTML_EN)
		return arena_printf(r->arena, "%d %s %d %02d:%02d", tm.tm_mday, mon_en[tm.tm_mon], tm.tm_year + 1900,
				    tm.tm_hour, tm.tm_min);
	return arena_printf(r->arena, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min);
}

const char *bres_yen(struct http_req *r, long v)
{
	char d[32], o[48];
	snprintf(d, sizeof d, "%ld", v < 0 ? -v : v);
	size_t n = strlen(d), k = 0;
	if (v < 0)
		o[k++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			o[k++] = ',';
		o[k++] = d[i];
	}
	o[k] = '\0';
	return arena_strdup(r->arena, o);
}

const char *bres_name(struct http_req *r, const char *ja, const char *en)
{
	return app_req(r)->lang == HTML_EN && en && *en ? en : ja;
}

const char *bres_state(struct http_req *r, int state)
{
	switch (state) {
	case BOOKING_HELD: return bres_t(r, "booking.state.held");
	case BOOKING_WON: return bres_t(r, "booking.state.won");
	case BOOKING_BOOKED: return bres_t(r, "booking.state.booked");
	case BOOKING_CANCELLED: return bres_t(r, "booking.state.cancelled");
	case BOOKING_QUEUED: return bres_t(r, "booking.state.queued");
	case BOOKING_REFUSED: return bres_t(r, "booking.state.refused");
	default: return bres_t(r, "booking.state.released");
	}
}

void bres_hidden(struct buf *b, const char *name, const char *value)
{
	html_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, value ? value : "");
}

const char *bres_key(struct http_req *r)
{
	unsigned char raw[16];
	char hex[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	return arena_strdup(r->arena, hex);
}

const char *bres_month(struct http_req *r, int month)
{
	int y = month / 100, m = month % 100;
	if (m < 1 || m > 12)
		return "";
	if (app_req(r)->lang == HTML_EN)
		return arena_printf(r->arena, "%s %d", month_en[m - 1], y);
	return arena_printf(r->arena, "%d年%d月", y, m);
}
