/*
 * routes.c -- the URLs of facility reservations, next to their handlers:
 * method, pattern, permission, kind, declared parameters.  The HTTP
 * layer enforces them before a handler runs.  The resident's routes come
 * first, the staff's after; each part keeps its parameters above.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/booking/web/booking_web.h"
#include "jp/checkdigit.h"

#include <string.h>

/* ================================================================== */
/* the resident's parameters                                           */
/* ================================================================== */

/* Resident validators (only shapes no shared validator has).  Optional
 * form fields may come empty (a select's first option): the page then
 * names the field, so these accept "". */

/* a booking number: BOOKING_NUMBER_LEN digits, the last its Luhn digit */
static int rv_number(const char *v, size_t n)
{
	if (n != BOOKING_NUMBER_LEN)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return jp_luhn_digit(v, n - 1) == v[n - 1] - '0' ? 0 : ERR_INVALID;
}

/* a code ([a-z0-9_-]) or "" */
static int rv_code_opt(const char *v, size_t n)
{
	return n == 0 ? 0 : app_v_code(v, n);
}

/* digits or "" */
static int rv_digits_opt(const char *v, size_t n)
{
	return n == 0 ? 0 : app_v_digits(v, n);
}

/* YYYY-MM-DD or "" */
static int rv_date_opt(const char *v, size_t n)
{
	return n == 0 ? 0 : app_v_date(v, n);
}

/* a lottery choice's unit: FACILITY:UNIT (codes), or "" */
static int rv_choice_unit(const char *v, size_t n)
{
	if (n == 0)
		return 0;
	const char *c = memchr(v, ':', n);
	if (!c || c == v || c == v + n - 1)
		return ERR_INVALID;
	size_t a = (size_t)(c - v);
	return app_v_code(v, a) || app_v_code(c + 1, n - a - 1) ? ERR_INVALID : 0;
}

/* the form's one-time key: 16..64 of [A-Za-z0-9_-] */
static int rv_key(const char *v, size_t n)
{
	if (n < 16 || n > BOOKING_KEY_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
}

static const struct http_param_spec rp_none[] = {
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_facility[] = {
	{ "facility", HTTP_PATH, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_QUERY, 10, rv_date_opt, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_hold_form[] = {
	{ "facility", HTTP_PATH, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_QUERY, 10, app_v_date, HTTP_PARAM_REQUIRED },
	{ "unit", HTTP_QUERY, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "band", HTTP_QUERY, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
/* the form's fields: people and purpose checked by the page (an error on
 * the form), the slot by the domain */
static const struct http_param_spec rp_hold[] = {
	{ "facility", HTTP_PATH, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_FORM, 10, app_v_date, HTTP_PARAM_REQUIRED },
	{ "unit", HTTP_FORM, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "band", HTTP_FORM, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "group", HTTP_FORM, 18, rv_digits_opt, 0 },
	{ "resident", HTTP_FORM, 1, app_v_01, 0 },
	{ "people", HTTP_FORM, 6, NULL, 0 },
	{ "purpose", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },
	{ "key", HTTP_FORM, BOOKING_KEY_MAX, rv_key, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_mine[] = {
	{ "entered", HTTP_QUERY, 1, app_v_01, 0 },
	{ "withdrawn", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_number[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, rv_number, HTTP_PARAM_REQUIRED },
	{ "held", HTTP_QUERY, 1, app_v_01, 0 },
	{ "queued", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_number_only[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, rv_number, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_cancel[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, rv_number, HTTP_PARAM_REQUIRED },
	{ "confirm", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_groups[] = {
	{ "registered", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* a group: its name and kind, and GROUP_ROWS (page_groups.c) member rows */
#define RP_MEMBER(i)                                                        \
	{ "m" #i "_name", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },           \
	{ "m" #i "_kana", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },           \
	{ "m" #i "_birth", HTTP_FORM, 10, rv_date_opt, 0 }
static const struct http_param_spec rp_groups_post[] = {
	{ "name", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },
	{ "kind", HTTP_FORM, 16, rv_code_opt, 0 },
	RP_MEMBER(1), RP_MEMBER(2), RP_MEMBER(3), RP_MEMBER(4), RP_MEMBER(5),
	RP_MEMBER(6), RP_MEMBER(7), RP_MEMBER(8), RP_MEMBER(9), RP_MEMBER(10),
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_round[] = {
	{ "round", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
/* an entry: the group and BOOKING_CHOICES_MAX ranked choices */
#define RP_CHOICE(i)                                                            \
	{ "c" #i "_unit", HTTP_FORM, 2 * BOOKING_CODE_MAX + 1, rv_choice_unit, 0 }, \
	{ "c" #i "_day", HTTP_FORM, 10, rv_date_opt, 0 },                       \
	{ "c" #i "_band", HTTP_FORM, BOOKING_CODE_MAX, rv_code_opt, 0 }
static const struct http_param_spec rp_enter[] = {
	{ "round", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "group", HTTP_FORM, 18, rv_digits_opt, 0 },
	RP_CHOICE(1), RP_CHOICE(2), RP_CHOICE(3), RP_CHOICE(4),
	RP_CHOICE(5), RP_CHOICE(6), RP_CHOICE(7), RP_CHOICE(8),
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_withdraw[] = {
	{ "round", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "entry", HTTP_FORM, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};



/* ================================================================== */
/* the staff's parameters                                              */
/*                                                                     */
/* (kept apart from the resident's so the two parts are written side   */
/* by side)                                                            */
/* ================================================================== */



/* ================================================================== */
/* the table                                                           */
/* ================================================================== */

const struct http_route booking_routes[] = {
	/* ---- the resident's routes ---- */
	/* literal paths before {facility}: "lottery" is no facility's code */
	{ "GET", "/facilities", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, rp_none, page_booking_facilities, "booking.facilities" },
	{ "GET", "/facilities/lottery", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, rp_none, page_booking_rounds, "booking.rounds" },
	{ "GET", "/facilities/lottery/{round}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, rp_round, page_booking_round, "booking.round" },
	{ "GET", "/facilities/lottery/{round}/result.txt", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, 0, rp_round, page_booking_round_result, "booking.round.result" },
	{ "GET", "/facilities/lottery/{round}/enter", "resident", HTTP_KIND_HTML, 0, rp_round, page_booking_enter, "booking.enter" },
	{ "POST", "/facilities/lottery/{round}/enter", "resident", HTTP_KIND_HTML, 0, rp_enter, page_booking_enter_post, "booking.enter.post" },
	{ "POST", "/facilities/lottery/{round}/withdraw", "resident", HTTP_KIND_HTML, 0, rp_withdraw, page_booking_withdraw, "booking.withdraw" },
	{ "GET", "/facilities/{facility}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, rp_facility, page_booking_facility, "booking.facility" },
	{ "GET", "/facilities/{facility}/hold", "resident", HTTP_KIND_HTML, 0, rp_hold_form, page_booking_hold_form, "booking.hold.form" },
	{ "POST", "/facilities/{facility}/hold", "resident", HTTP_KIND_HTML, 0, rp_hold, page_booking_hold, "booking.hold" },
	{ "GET", "/mypage/facilities", "resident", HTTP_KIND_HTML, 0, rp_mine, page_booking_mine, "booking.mine" },
	{ "GET", "/mypage/facilities/groups", "resident", HTTP_KIND_HTML, 0, rp_groups, page_booking_groups, "booking.groups" },
	{ "POST", "/mypage/facilities/groups", "resident", HTTP_KIND_HTML, 0, rp_groups_post, page_booking_groups_post, "booking.groups.post" },
	{ "GET", "/mypage/facilities/{number}", "resident", HTTP_KIND_HTML, 0, rp_number, page_booking_mine_one, "booking.booking" },
	{ "POST", "/mypage/facilities/{number}/confirm", "resident", HTTP_KIND_HTML, 0, rp_number_only, page_booking_mine_confirm, "booking.confirm" },
	{ "POST", "/mypage/facilities/{number}/cancel", "resident", HTTP_KIND_HTML, 0, rp_cancel, page_booking_mine_cancel, "booking.cancel" },
	{ "POST", "/mypage/facilities/{number}/pay/online", "resident", HTTP_KIND_HTML, 0, rp_number_only, page_booking_mine_pay_online, "booking.pay.online" },



	/* ---- the staff's routes ----
	 * (kept apart from the resident's so the two parts are written
	 * side by side) */



	SVC_ROUTES_END
};
