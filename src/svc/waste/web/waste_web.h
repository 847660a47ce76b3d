/*
 * waste_web.h -- the web side of the bulky-waste service: the chatbot
 * page and its JSON (page_waste.c), the routes (routes.c), the state the
 * service keeps from start (the item master).
 */
#ifndef MADOGUCHI_SVC_WASTE_WEB_H
#define MADOGUCHI_SVC_WASTE_WEB_H

#include "web/app.h"
#include "web/svc.h"
#include "svc/waste/waste.h"

#define WASTE_ITEMS_DEFAULT "data/waste/items.csv"   /* relative to the working directory */
#define WASTE_LIST_MAX 20          /* items on one resident's list        */
#define WASTE_COUNT_MAX 99         /* of one item                          */
#define WASTE_LIST_PARAM_MAX (WASTE_LIST_MAX * (WASTE_ID_MAX + 4))

struct waste_master_cache;         /* page_waste_master.c             */

struct waste_web {
	struct waste_items *items;   /* read at start, read-only after  */
	struct waste_master_cache *cache;   /* the versions in the database */
};

extern const struct svc svc_waste;
extern const struct http_route waste_routes[];

/* a resident's list of what goes out (the chatbot's list=ID*N,ID*N) */
struct waste_list_entry {
	const struct waste_item *it;
	int count;
};
struct waste_list {
	struct waste_list_entry e[WASTE_LIST_MAX];
	int n;
};
/* waste_list_parse -- list=ID*N,ID*N: 0, or ERR_INVALID for anything but
 * accepted items of w with counts in 1..WASTE_COUNT_MAX (at most
 * WASTE_LIST_MAX); waste_list_string writes it back (skip: an entry to
 * leave out, -1 none); waste_list_total: the fees of w's items times
 * their counts */
int waste_list_parse(struct waste_list *l, const struct waste_items *w, const char *s);
const char *waste_list_string(struct http_req *r, const struct waste_list *l, int skip);
long waste_list_total(const struct waste_list *l);
/* waste_yen -- "2,800" */
const char *waste_yen(struct http_req *r, long v);

/* waste_web_items -- the item master in force for the request's
 * municipality on day (the chatbot asks for today, a booking for its
 * collection day, so a fee change takes effect from its date): the file
 * read at start until staff edit the master.  NULL when there is none.
 * Valid until the server stops (versions are never freed while it runs). */
const struct waste_items *waste_web_items(struct http_req *r, struct jp_date day);
/* waste_web_price -- a booking's items (its JSON) priced by the master in
 * force on day, into *out (strings in the request's arena): 0,
 * ERR_NOTFOUND when an item is not accepted on that day, ERR_UNAVAILABLE
 * without a master, ERR_INVALID for items that are not that JSON */
struct waste_price;
int waste_web_price(struct waste_price *out, struct http_req *r, const char *items_json, struct jp_date day);

/* waste_web_today -- today in Japan, for the request */
struct jp_date waste_web_today(struct http_req *r);

int page_waste(struct http_req *r);
/* remind.c: the job mailing the day before (from 09:00 JST, every 15 min) */
#define WASTE_REMIND_HOUR 9
#define WASTE_REMIND_EVERY_MS (15LL * 60 * 1000)
struct jobs_ctx;
int waste_remind_job(struct jobs_ctx *ctx, void *app, struct err *e);
/* waste.paid: bookings whose online payment is paid become paid (page_book.c) */
#define WASTE_PAID_EVERY_MS (60LL * 1000)
int waste_paid_job(struct jobs_ctx *ctx, void *app, struct err *e);
int page_mypage_waste_pay_online(struct http_req *r);
/* 0 when v is an hour 0..23 (`serve --waste-remind-hour`) */
int waste_remind_hour_check(const char *v);

/* page_book.c: booking, and the resident's bookings on My page */
#define WASTE_CHOME_OPTIONS_MAX 2000   /* 町丁目 offered in the form     */
int page_waste_book(struct http_req *r);
int page_waste_book_post(struct http_req *r);
int page_mypage_waste(struct http_req *r);
int page_mypage_waste_booking(struct http_req *r);
int page_mypage_waste_pay(struct http_req *r);
int page_mypage_waste_move(struct http_req *r);
int page_mypage_waste_cancel(struct http_req *r);
int api_waste_match(struct http_req *r);
/* ---- staff: the load of collection days, a day's bookings, one
 * booking, opening calendars (page_staff.c) ---- */
int page_staff_waste(struct http_req *r);
int page_staff_waste_day(struct http_req *r);
int page_staff_waste_booking(struct http_req *r);
int page_staff_waste_cancel(struct http_req *r);
int page_staff_waste_move(struct http_req *r);
int page_staff_waste_calendar(struct http_req *r);
int page_staff_waste_route_pdf(struct http_req *r);   /* route_list.c */
int page_staff_waste_route_csv(struct http_req *r);

/* ---- a day's route list (route_list.c): the rows of the day page, the
 * crew's PDF and the CSV, built once.  Rows are ordered by area, then
 * 町丁目, then address (numbers in it compared as numbers: 2番 before
 * 10番), then booking number.  Personal data: the caller audits. ---- */
#define WASTE_ROUTE_ROWS_MAX 5000   /* bookings of one day listed         */
#define WASTE_ROUTE_AREAS_MAX 64
#define WASTE_ROUTE_ITEMS_MAX 1024  /* bytes of a row's items text        */

struct waste_route_row {
	char number[WASTE_NUMBER_LEN + 1];
	char area[WASTE_AREA_MAX + 1];
	char chome[WASTE_CHOME_MAX + 1];
	char address[WASTE_ADDRESS_MAX + 1];
	char place[WASTE_PLACE_MAX + 1];
	char name[WASTE_CONTACT_NAME_MAX + 1];
	char phone[WASTE_PHONE_MAX + 1];
	char items[WASTE_ROUTE_ITEMS_MAX];  /* 「ソファ（3人掛け以上）×1、椅子×2」 */
	int points, fee_yen, cancelled;
	enum waste_pay pay;
};

struct waste_route_area {
	char code[WASTE_AREA_MAX + 1];
	char name[WASTE_CHOME_MAX + 1];     /* the area's name (its code when unnamed) */
};

struct waste_route {
	struct jp_date day;
	char area[WASTE_AREA_MAX + 1];      /* "": every area                */
	struct waste_route_area areas[WASTE_ROUTE_AREAS_MAX];
	int nareas;                         /* the municipality's areas      */
	struct waste_route_row *rows;       /* malloc'd; waste_route_free    */
	int n, cap;
};

/* waste_route_items_text -- a booking's items JSON ([{"name":..,"count":
 * ..},...]) as 「name×count、...」 in out; 0 or ERR_INVALID (not that
 * JSON; out gets "?") */
int waste_route_items_text(char *out, size_t size, const char *json);
/* waste_route_areas -- the municipality's areas (from its 町丁目) into rt */
int waste_route_areas(struct waste_route *rt, struct store *s, const char *tenant,
		      struct err *e);
/* waste_route_build -- rt (zeroed by the caller, then its areas read or
 * not) gets the bookings of day in area ("" or NULL: every area),
 * cancelled ones too when with_cancelled, in route order.  ERR_LIMIT past
 * WASTE_ROUTE_ROWS_MAX. */
int waste_route_build(struct waste_route *rt, struct store *s, const char *tenant,
		      const char *area, struct jp_date day, int with_cancelled, struct err *e);
void waste_route_free(struct waste_route *rt);
/* waste_route_area_name -- the name of area code in rt (code itself when unknown) */
const char *waste_route_area_name(const struct waste_route *rt, const char *code);
/* waste_route_pay_ja -- 「未払い」「処理券」「オンライン決済」 */
const char *waste_route_pay_ja(enum waste_pay p);
/* waste_route_csv -- the rows that are not cancelled as CSV (UTF-8, a
 * header row in Japanese, no BOM) appended to b */
int waste_route_csv(struct buf *b, const struct waste_route *rt);
/* waste_route_pdf -- the crew's A4 list (one section per area, a check
 * box a row, the day in 和暦 too, totals): *pdf malloc'd */
int waste_route_pdf(char **pdf, size_t *len, const struct waste_route *rt, const char *ward,
		    struct err *e);

/* the ordinary collection calendar (page_collect.c) */
int page_waste_calendar(struct http_req *r);
int page_waste_calendar_ics(struct http_req *r);
int page_waste_5374_area_days(struct http_req *r);
int page_waste_5374_target(struct http_req *r);
int page_waste_5374_description(struct http_req *r);
int page_waste_5374_center(struct http_req *r);
int page_staff_waste_collect(struct http_req *r);
int page_staff_waste_collect_post(struct http_req *r);
int waste_web_init(void **state, struct app *a, struct err *e);
void waste_web_done(void *state);

/* ---- the item master in the back office (page_waste_master.c) ---- */

/* waste_master_cached -- the parsed version in force for the request's
 * municipality on day, or file when it has none (waste_web_items) */
const struct waste_items *waste_master_cached(struct http_req *r, struct jp_date day,
					      const struct waste_items *file);
struct waste_master_cache *waste_master_cache_new(void);
void waste_master_cache_free(struct waste_master_cache *c);

int page_waste_master_list(struct http_req *r);
int page_waste_master_new(struct http_req *r);
int page_waste_master_create(struct http_req *r);
int page_waste_master_import(struct http_req *r);
int page_waste_master_export(struct http_req *r);
int page_waste_master_history(struct http_req *r);
int page_waste_master_item(struct http_req *r);
int page_waste_master_save(struct http_req *r);

#endif
