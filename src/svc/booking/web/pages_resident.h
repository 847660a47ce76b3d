/*
 * pages_resident.h -- the handlers of the resident's pages of facility
 * reservations (the routes in routes.c) and what those page files share
 * (res_util.c).
 *
 *   page_facilities.c  the facilities, a facility's day, holding a slot
 *   page_photos.c      a facility's photos: its page's section, the bytes
 *   page_mine.c        My page: bookings, one booking, confirm, cancel
 *   page_groups.c      My page: groups (団体登録)
 *   page_lottery.c     the rounds, entering, withdrawing, the published draw
 */
#ifndef MADOGUCHI_SVC_BOOKING_PAGES_RESIDENT_H
#define MADOGUCHI_SVC_BOOKING_PAGES_RESIDENT_H

#include <stdint.h>

#include "http/http.h"
#include "base/buf.h"
#include "jp/date.h"

struct booking;

/* page_facilities.c */
int page_booking_facilities(struct http_req *r);
int page_booking_facility(struct http_req *r);
int page_booking_hold_form(struct http_req *r);
int page_booking_hold(struct http_req *r);
/* page_photos.c: a facility's photos (the section of its page, the bytes) */
struct booking_facility;
void bres_photos(struct buf *b, struct http_req *r, const struct booking_facility *f);
int page_booking_photo(struct http_req *r);
/* page_mine.c */
int page_booking_mine(struct http_req *r);
int page_booking_mine_one(struct http_req *r);
int page_booking_mine_confirm(struct http_req *r);
int page_booking_mine_cancel(struct http_req *r);
int page_booking_mine_pay_online(struct http_req *r);
/* page_groups.c */
int page_booking_groups(struct http_req *r);
int page_booking_groups_post(struct http_req *r);
/* page_lottery.c */
int page_booking_rounds(struct http_req *r);
int page_booking_round(struct http_req *r);
int page_booking_round_result(struct http_req *r);
int page_booking_enter(struct http_req *r);
int page_booking_enter_post(struct http_req *r);
int page_booking_withdraw(struct http_req *r);

/* ---- shared by the resident's page files (res_util.c) ---- */
/* the catalog text of id in the request's language */
const char *bres_t(struct http_req *r, const char *id);
/* 「2026年12月18日（金）」 / "Fri 18 Dec 2026" (arena) */
const char *bres_day(struct http_req *r, struct jp_date d);
/* YYYY-MM-DD (arena) */
const char *bres_iso(struct http_req *r, struct jp_date d);
/* "12月18日 09:00" / "18 Dec 09:00" in Japan (arena); "" for 0 */
const char *bres_when(struct http_req *r, int64_t t);
/* 1,200 (arena) */
const char *bres_yen(struct http_req *r, long v);
/* a name in the request's language (en when set and the page is English) */
const char *bres_name(struct http_req *r, const char *ja, const char *en);
/* a booking's state in words */
const char *bres_state(struct http_req *r, int state);
/* <input type="hidden"> */
void bres_hidden(struct buf *b, const char *name, const char *value);
/* a new one-time form key (32 hex digits, arena) */
const char *bres_key(struct http_req *r);
/* yyyymm as 「2027年3月」 / "March 2027" (arena) */
const char *bres_month(struct http_req *r, int month);

#endif
