/*
 * routes.c -- the URLs of the bulky-waste service, next to their handlers
 * (page_waste.c): method, pattern, permission, kind, declared parameters.
 * The HTTP layer enforces them before a handler runs.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/waste/waste_int.h"
#include "svc/waste/web/waste_web.h"
#include "svc/waste/collect.h"
#include "svc/waste/waste_int.h"

#include <string.h>

/* a list: ID*N,ID*N (the page checks the ids against the master) */
static int v_list(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_' ||
		      v[i] == '*' || v[i] == ','))
			return ERR_INVALID;
	return 0;
}

static int v_id(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return ERR_INVALID;
	return 0;
}

static int v_number(const char *v, size_t n)
{
	return n == WASTE_NUMBER_LEN && waste_number_ok(v) ? 0 : ERR_INVALID;
}

/* the form's one-time key: 16..64 of [A-Za-z0-9_-] */
static int v_key(const char *v, size_t n)
{
	if (n < 16)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

static const struct http_param_spec p_book[] = {
	{ "list", HTTP_QUERY, WASTE_LIST_PARAM_MAX, v_list, HTTP_PARAM_REQUIRED },
	{ "chome", HTTP_QUERY, WASTE_CHOME_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_book_post[] = {
	{ "list", HTTP_FORM, WASTE_LIST_PARAM_MAX, v_list, HTTP_PARAM_REQUIRED },
	{ "chome", HTTP_FORM, WASTE_CHOME_MAX, NULL, 0 },
	{ "day", HTTP_FORM, 10, app_v_date, 0 },
	{ "address", HTTP_FORM, WASTE_ADDRESS_MAX, NULL, 0 },
	{ "place", HTTP_FORM, WASTE_PLACE_MAX, NULL, 0 },
	{ "name", HTTP_FORM, WASTE_CONTACT_NAME_MAX, NULL, 0 },
	{ "phone", HTTP_FORM, WASTE_PHONE_MAX, NULL, 0 },
	{ "email", HTTP_FORM, WASTE_EMAIL_MAX, NULL, 0 },
	{ "key", HTTP_FORM, 64, v_key, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_number[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "booked", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_number_only[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_pay[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "tickets", HTTP_FORM, WASTE_TICKETS_MAX * 12, NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_move[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_FORM, 10, app_v_date, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_cancel[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "confirm", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

static const struct http_param_spec p_waste[] = {
	{ "q", HTTP_QUERY, WASTE_QUERY_MAX, NULL, 0 },
	{ "list", HTTP_QUERY, WASTE_LIST_PARAM_MAX, v_list, 0 },
	{ "pick", HTTP_QUERY, WASTE_ID_MAX, v_id, 0 },
	{ "n", HTTP_QUERY, 2, app_v_digits, 0 },
	{ "drop", HTTP_QUERY, 2, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_api[] = {
	{ "q", HTTP_QUERY, WASTE_QUERY_MAX, NULL, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};

/* ---- staff (page_staff.c, route_list.c) ---- */

/* an area code ([a-z0-9-], WASTE_AREA_MAX) or "all" */
static int v_area(const char *v, size_t n)
{
	if (n == 0 || n > WASTE_AREA_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

/* an area of the collection calendar: "a" and 8 hex digits (collect.h) */
static int v_collect_area(const char *v, size_t n)
{
	if (n != WASTE_COLLECT_CODE_LEN || v[0] != 'a')
		return ERR_INVALID;
	for (size_t i = 1; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'f') || (v[i] >= '0' && v[i] <= '9')))
			return ERR_INVALID;
	return 0;
}

static int v_enc(const char *v, size_t n)
{
	return (n == 4 && memcmp(v, "utf8", 4) == 0) || (n == 5 && memcmp(v, "cp932", 5) == 0) ? 0 : ERR_INVALID;
}

static int v_done(const char *v, size_t n)
{
	return (n == 6 && memcmp(v, "cancel", 6) == 0) || (n == 4 && memcmp(v, "move", 4) == 0) ? 0 : ERR_INVALID;
}

static const struct http_param_spec p_staff_load[] = {
	{ "from", HTTP_QUERY, 10, app_v_date, 0 },
	{ "to", HTTP_QUERY, 10, app_v_date, 0 },
	{ "area", HTTP_QUERY, WASTE_AREA_MAX, v_area, 0 },
	{ "opened", HTTP_QUERY, 4, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_day[] = {
	{ "day", HTTP_QUERY, 10, app_v_date, HTTP_PARAM_REQUIRED },
	{ "area", HTTP_QUERY, WASTE_AREA_MAX, v_area, 0 },
	{ "cancelled", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_route[] = {
	{ "day", HTTP_QUERY, 10, app_v_date, HTTP_PARAM_REQUIRED },
	{ "area", HTTP_QUERY, WASTE_AREA_MAX, v_area, 0 },
	{ "enc", HTTP_QUERY, 5, v_enc, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_booking[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 6, v_done, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_cancel[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "confirm", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_move[] = {
	{ "number", HTTP_PATH, WASTE_NUMBER_LEN, v_number, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_FORM, 10, NULL, 0 },   /* checked by the page: an error on the form */
	{ NULL, 0, 0, NULL, 0 },
};
/* the form's fields; the page checks them and answers with the form */
static const struct http_param_spec p_staff_calendar[] = {
	{ "area", HTTP_FORM, WASTE_AREA_MAX, NULL, 0 },
	{ "from", HTTP_FORM, 10, NULL, 0 },
	{ "to", HTTP_FORM, 10, NULL, 0 },
	{ "capacity", HTTP_FORM, 6, NULL, 0 },
	{ "wd0", HTTP_FORM, 1, app_v_01, 0 },
	{ "wd1", HTTP_FORM, 1, app_v_01, 0 },
	{ "wd2", HTTP_FORM, 1, app_v_01, 0 },
	{ "wd3", HTTP_FORM, 1, app_v_01, 0 },
	{ "wd4", HTTP_FORM, 1, app_v_01, 0 },
	{ "wd5", HTTP_FORM, 1, app_v_01, 0 },
	{ "wd6", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

/* ---- the ordinary collection calendar (page_collect.c) ---- */

/* the feed's file: the area and ".ics" */
static int v_ics(const char *v, size_t n)
{
	if (n != WASTE_COLLECT_CODE_LEN + 4 || memcmp(v + WASTE_COLLECT_CODE_LEN, ".ics", 4) != 0)
		return ERR_INVALID;
	return v_collect_area(v, WASTE_COLLECT_CODE_LEN);
}

static const struct http_param_spec p_calendar[] = {
	{ "area", HTTP_QUERY, WASTE_COLLECT_CODE_LEN, v_collect_area, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_ics[] = {
	{ "file", HTTP_PATH, WASTE_COLLECT_CODE_LEN + 4, v_ics, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_none[] = {
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_collect[] = {
	{ "done", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_staff_collect_post[] = {
	{ "area_days", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ "target", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ "description", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ "center", HTTP_FILE, WASTE_COLLECT_FILE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

/* ---- the item master in the back office (page_waste_master.c; v_enc above) ---- */

static const struct http_param_spec p_master_list[] = {
	{ "q", HTTP_QUERY, 100, NULL, 0 },
	{ "cat", HTTP_QUERY, WASTE_NAME_MAX, NULL, 0 },
	{ "saved", HTTP_QUERY, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_master_id[] = {
	{ "id", HTTP_PATH, WASTE_ID_MAX, v_id, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
/* one item's columns (master.c's waste_cols), the day and the note */
#define WASTE_MASTER_FIELDS                                                                 \
	{ "name", HTTP_FORM, WASTE_NAME_MAX, NULL, 0 },                                     \
	{ "kana", HTTP_FORM, WASTE_NAME_MAX, NULL, 0 },                                     \
	{ "aliases", HTTP_FORM, WASTE_ALIASES_MAX * (WASTE_NAME_MAX + 2), NULL, HTTP_PARAM_MULTILINE }, \
	{ "category", HTTP_FORM, WASTE_NAME_MAX, NULL, 0 },                                 \
	{ "size_rule", HTTP_FORM, 64, NULL, 0 },                                            \
	{ "fee_yen", HTTP_FORM, 6, app_v_digits, 0 },                                       \
	{ "accepted", HTTP_FORM, 1, app_v_01, 0 },                                          \
	{ "not_accepted_reason", HTTP_FORM, 64, v_id, 0 },                                  \
	{ "guidance_ja", HTTP_FORM, 2000, NULL, HTTP_PARAM_MULTILINE },                     \
	{ "from", HTTP_FORM, 10, app_v_date, 0 },                                           \
	{ "note", HTTP_FORM, WASTE_NOTE_MAX, NULL, 0 }
static const struct http_param_spec p_master_save[] = {
	{ "id", HTTP_PATH, WASTE_ID_MAX, v_id, HTTP_PARAM_REQUIRED },
	WASTE_MASTER_FIELDS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_master_create[] = {
	{ "item_id", HTTP_FORM, WASTE_ID_MAX, NULL, 0 },
	WASTE_MASTER_FIELDS,
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_master_import[] = {
	{ "csv", HTTP_FILE, WASTE_MASTER_MAX, NULL, 0 },
	{ "from", HTTP_FORM, 10, app_v_date, 0 },
	{ "note", HTTP_FORM, WASTE_NOTE_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_master_export[] = {
	{ "enc", HTTP_QUERY, 5, v_enc, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_master_history[] = {
	{ "saved", HTTP_QUERY, 1, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};

const struct http_route waste_routes[] = {
	{ "GET", "/waste", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_waste, page_waste, "waste.page" },
	{ "GET", "/api/v1/waste/match", HTTP_PERM_PUBLIC, HTTP_KIND_JSON, 0, p_api, api_waste_match, "waste.match" },
	{ "GET", "/staff/waste", WASTE_PERM_STAFF, HTTP_KIND_HTML, 0, p_staff_load, page_staff_waste, "staff.waste" },
	{ "GET", "/staff/waste/day", WASTE_PERM_STAFF, HTTP_KIND_HTML, 0, p_staff_day, page_staff_waste_day, "staff.waste.day" },
	{ "GET", "/staff/waste/route.pdf", WASTE_PERM_STAFF, HTTP_KIND_TEXT, 0, p_staff_route, page_staff_waste_route_pdf, "staff.waste.route.pdf" },
	{ "GET", "/staff/waste/route.csv", WASTE_PERM_STAFF, HTTP_KIND_TEXT, 0, p_staff_route, page_staff_waste_route_csv, "staff.waste.route.csv" },
	{ "GET", "/staff/waste/booking/{number}", WASTE_PERM_STAFF, HTTP_KIND_HTML, 0, p_staff_booking, page_staff_waste_booking, "staff.waste.booking" },
	{ "POST", "/staff/waste/booking/{number}/cancel", WASTE_PERM_STAFF, HTTP_KIND_HTML, 0, p_staff_cancel, page_staff_waste_cancel, "staff.waste.cancel" },
	{ "POST", "/staff/waste/booking/{number}/move", WASTE_PERM_STAFF, HTTP_KIND_HTML, 0, p_staff_move, page_staff_waste_move, "staff.waste.move" },
	{ "POST", "/staff/waste/calendar", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_staff_calendar, page_staff_waste_calendar, "staff.waste.calendar" },
	{ "GET", "/waste/book", "resident", HTTP_KIND_HTML, 0, p_book, page_waste_book, "waste.book" },
	{ "POST", "/waste/book", "resident", HTTP_KIND_HTML, 0, p_book_post, page_waste_book_post, "waste.book.post" },
	{ "GET", "/mypage/waste", "resident", HTTP_KIND_HTML, 0, NULL, page_mypage_waste, "waste.mine" },
	{ "GET", "/mypage/waste/{number}", "resident", HTTP_KIND_HTML, 0, p_number, page_mypage_waste_booking, "waste.booking" },
	{ "POST", "/mypage/waste/{number}/pay", "resident", HTTP_KIND_HTML, 0, p_pay, page_mypage_waste_pay, "waste.booking.pay" },
	{ "POST", "/mypage/waste/{number}/pay/online", "resident", HTTP_KIND_HTML, 0, p_number_only, page_mypage_waste_pay_online, "waste.booking.pay.online" },
	{ "POST", "/mypage/waste/{number}/move", "resident", HTTP_KIND_HTML, 0, p_move, page_mypage_waste_move, "waste.booking.move" },
	{ "POST", "/mypage/waste/{number}/cancel", "resident", HTTP_KIND_HTML, 0, p_cancel, page_mypage_waste_cancel, "waste.booking.cancel" },
	{ "GET", "/waste/calendar", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, p_calendar, page_waste_calendar, "waste.calendar" },
	{ "GET", "/waste/calendar/{file}", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_ics, page_waste_calendar_ics, "waste.calendar.ics" },
	{ "GET", "/waste/5374/area_days.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_area_days, "waste.5374.area_days" },
	{ "GET", "/waste/5374/target.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_target, "waste.5374.target" },
	{ "GET", "/waste/5374/description.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_description, "waste.5374.description" },
	{ "GET", "/waste/5374/center.csv", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, p_none, page_waste_5374_center, "waste.5374.center" },
	{ "GET", "/staff/waste/collect", "waste.staff", HTTP_KIND_HTML, 0, p_staff_collect, page_staff_waste_collect, "staff.waste.collect" },
	{ "POST", "/staff/waste/collect", "waste.staff", HTTP_KIND_HTML, 0, p_staff_collect_post, page_staff_waste_collect_post, "staff.waste.collect.post" },
	/* the item master (page_waste_master.c): literal paths before {id};
	 * "new", "import" and "history" are therefore no item's id */
	{ "GET", "/staff/waste/items", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_master_list, page_waste_master_list, "waste.master.list" },
	{ "GET", "/staff/waste/items.csv", WASTE_PERM_MASTER, HTTP_KIND_TEXT, 0, p_master_export, page_waste_master_export, "waste.master.export" },
	{ "POST", "/staff/waste/items", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_master_create, page_waste_master_create, "waste.master.create" },
	{ "GET", "/staff/waste/items/new", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, NULL, page_waste_master_new, "waste.master.new" },
	{ "GET", "/staff/waste/items/history", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_master_history, page_waste_master_history, "waste.master.history" },
	{ "POST", "/staff/waste/items/import", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_master_import, page_waste_master_import, "waste.master.import" },
	{ "GET", "/staff/waste/items/{id}", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_master_id, page_waste_master_item, "waste.master.item" },
	{ "POST", "/staff/waste/items/{id}", WASTE_PERM_MASTER, HTTP_KIND_HTML, 0, p_master_save, page_waste_master_save, "waste.master.save" },
	SVC_ROUTES_END,
};
