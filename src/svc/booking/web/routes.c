/*
 * routes.c -- the URLs of facility reservations, next to their handlers:
 * method, pattern, permission, kind, declared parameters.  The HTTP
 * layer enforces them before a handler runs.  The resident's routes come
 * first, the staff's after; each part keeps its parameters above.
 */
#include "web/app.h"
#include "web/params.h"
#include "svc/booking/web/booking_web.h"

#include <string.h>

/* ================================================================== */
/* the resident's parameters                                           */
/* ================================================================== */

/* Resident validators (only shapes no shared validator has).  Optional
 * form fields may come empty (a select's first option): the page then
 * names the field, so these accept "". */

/* a booking number and a form's one-time key: the domain's checks */
static int rv_number(const char *v, size_t n)
{
	return booking_number_ok(v, n) ? 0 : ERR_INVALID;
}

static int rv_key(const char *v, size_t n)
{
	return booking_key_ok(v, n) ? 0 : ERR_INVALID;
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

static const struct http_param_spec rp_none[] = {
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec rp_facility[] = {
	{ "facility", HTTP_PATH, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_QUERY, 10, rv_date_opt, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* a photo: its number; ?size=s the small copy */
static int rv_size(const char *v, size_t n)
{
	return (n == 1 && (v[0] == 's' || v[0] == 'l')) ? 0 : ERR_INVALID;
}
static const struct http_param_spec rp_photo[] = {
	{ "facility", HTTP_PATH, BOOKING_CODE_MAX, app_v_code, HTTP_PARAM_REQUIRED },
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "size", HTTP_QUERY, 1, rv_size, 0 },
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

/* a facility's code: booking_code_ok's shape (checked again by the domain) */
static int v_bs_code(const char *v, size_t n)
{
	return n >= 1 && n <= BOOKING_CODE_MAX ? app_v_code(v, n) : ERR_INVALID;
}

static int v_bs_enc(const char *v, size_t n)
{
	return (n == 4 && !memcmp(v, "utf8", 4)) || (n == 5 && !memcmp(v, "cp932", 5)) ? 0 : ERR_INVALID;
}

static int v_bs_decision(const char *v, size_t n)
{
	return (n == 7 && !memcmp(v, "approve", 7)) || (n == 6 && !memcmp(v, "reject", 6)) ? 0 : ERR_INVALID;
}

/* the done= of a page after a change: a word of [a-z] */
static int v_bs_word(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] < 'a' || v[i] > 'z')
			return ERR_INVALID;
	return n ? 0 : ERR_INVALID;
}

static const struct http_param_spec p_bs_list[] = {
	{ "imported", HTTP_QUERY, 4, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_csv[] = {
	{ "enc", HTTP_QUERY, 5, v_bs_enc, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_import[] = {
	{ "file", HTTP_FILE, BOOKING_CSV_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_closures[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 16, v_bs_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the form's fields: the page checks them and answers with the form */
static const struct http_param_spec p_bs_closure_add[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "unit", HTTP_FORM, BOOKING_CODE_MAX, NULL, 0 },
	{ "from", HTTP_FORM, 10, NULL, 0 },
	{ "to", HTTP_FORM, 10, NULL, 0 },
	{ "reason", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },
	{ "force", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_closure_remove[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_photos[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 16, v_bs_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the file's bound is a backstop (the server's body limit is lower): the
 * page refuses over BOOKING_PHOTO_BYTES_MAX with the form's own message;
 * the texts are checked by the page (an error at the field) */
static const struct http_param_spec p_bs_photo_add[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "photo", HTTP_FILE, 2 * BOOKING_PHOTO_BYTES_MAX, NULL, 0 },
	{ "alt_ja", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },
	{ "alt_en", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_photo_remove[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_calendar[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "day", HTTP_QUERY, 10, app_v_date, 0 },
	{ "days", HTTP_QUERY, 2, app_v_digits, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
#define BS_BOOK_FIELDS                                                          \
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },  \
	{ "unit", HTTP_FORM, BOOKING_CODE_MAX, NULL, 0 },                        \
	{ "band", HTTP_FORM, BOOKING_CODE_MAX, NULL, 0 },                        \
	{ "day", HTTP_FORM, 10, NULL, 0 },                                       \
	{ "holder", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },                      \
	{ "people", HTTP_FORM, 6, NULL, 0 },                                     \
	{ "purpose", HTTP_FORM, BOOKING_NAME_MAX, NULL, 0 },                     \
	{ "resident", HTTP_FORM, 1, app_v_01, 0 }
static const struct http_param_spec p_bs_book[] = {
	BS_BOOK_FIELDS,
	{ "key", HTTP_FORM, BOOKING_KEY_MAX, rv_key, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_recurring[] = {
	BS_BOOK_FIELDS,
	{ "last", HTTP_FORM, 10, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_usage[] = {
	{ "code", HTTP_PATH, BOOKING_CODE_MAX, v_bs_code, HTTP_PARAM_REQUIRED },
	{ "from", HTTP_QUERY, 10, app_v_date, 0 },
	{ "to", HTTP_QUERY, 10, app_v_date, 0 },
	{ "enc", HTTP_QUERY, 5, v_bs_enc, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_booking[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, rv_number, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 16, v_bs_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_number[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, rv_number, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_cancel[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, rv_number, HTTP_PARAM_REQUIRED },
	{ "confirm", HTTP_FORM, 1, app_v_01, 0 },
	{ "waive", HTTP_FORM, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_groups[] = {
	{ "done", HTTP_QUERY, 16, v_bs_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_decide[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "decision", HTTP_FORM, 7, v_bs_decision, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_rules[] = {
	{ "saved", HTTP_QUERY, 1, app_v_01, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_rules_save[] = {
	{ "text", HTTP_FORM, BOOKING_RULES_MAX, NULL, HTTP_PARAM_MULTILINE },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_rounds[] = {
	{ "done", HTTP_QUERY, 16, v_bs_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* the form's month (YYYY-MM) and kind: the page checks them */
static const struct http_param_spec p_bs_rounds_make[] = {
	{ "kind", HTTP_FORM, BOOKING_CODE_MAX, NULL, 0 },
	{ "month", HTTP_FORM, 7, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_round_public[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "value", HTTP_FORM, BOOKING_PUBLIC_MAX, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
/* datetime-local values in JST (YYYY-MM-DDTHH:MM[:SS]): the page checks them */
static const struct http_param_spec p_bs_round_reschedule[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ "entry_to", HTTP_FORM, 19, NULL, 0 },
	{ "draw_at", HTTP_FORM, 19, NULL, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_round_id[] = {
	{ "id", HTTP_PATH, 18, app_v_digits, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};



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
	{ "GET", "/facilities/{facility}/photos/{id}", HTTP_PERM_PUBLIC, HTTP_KIND_TEXT, HTTP_ROUTE_CACHEABLE, rp_photo, page_booking_photo, "booking.photo" },
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
#define BS_S BOOKING_PERM_STAFF
#define BS_M BOOKING_PERM_MASTER
	/* literal paths before {code}: "booking", "groups", "rules", "rounds"
	 * and "import" are no facility's pages */
	{ "GET", "/staff/facilities", BS_S, HTTP_KIND_HTML, 0, p_bs_list, page_bstaff_facilities, "booking.staff.list" },
	{ "GET", "/staff/facilities.csv", BS_M, HTTP_KIND_TEXT, 0, p_bs_csv, page_bstaff_csv, "booking.staff.csv" },
	{ "POST", "/staff/facilities/import", BS_M, HTTP_KIND_HTML, 0, p_bs_import, page_bstaff_import, "booking.staff.import" },
	{ "GET", "/staff/facilities/booking/{number}", BS_S, HTTP_KIND_HTML, 0, p_bs_booking, page_bstaff_booking, "booking.staff.booking" },
	{ "POST", "/staff/facilities/booking/{number}/checkin", BS_S, HTTP_KIND_HTML, 0, p_bs_number, page_bstaff_checkin, "booking.staff.checkin" },
	{ "POST", "/staff/facilities/booking/{number}/paid", BS_S, HTTP_KIND_HTML, 0, p_bs_number, page_bstaff_paid, "booking.staff.paid" },
	{ "POST", "/staff/facilities/booking/{number}/cancel", BS_S, HTTP_KIND_HTML, 0, p_bs_cancel, page_bstaff_cancel, "booking.staff.cancel" },
	{ "GET", "/staff/facilities/groups", BS_S, HTTP_KIND_HTML, 0, p_bs_groups, page_bstaff_groups, "booking.staff.groups" },
	{ "POST", "/staff/facilities/groups/{id}/decide", BS_S, HTTP_KIND_HTML, 0, p_bs_decide, page_bstaff_group_decide, "booking.staff.group.decide" },
	{ "GET", "/staff/facilities/rules", BS_M, HTTP_KIND_HTML, 0, p_bs_rules, page_bstaff_rules, "booking.staff.rules" },
	{ "POST", "/staff/facilities/rules", BS_M, HTTP_KIND_HTML, 0, p_bs_rules_save, page_bstaff_rules_save, "booking.staff.rules.save" },
	{ "GET", "/staff/facilities/rounds", BS_M, HTTP_KIND_HTML, 0, p_bs_rounds, page_bstaff_rounds, "booking.staff.rounds" },
	{ "POST", "/staff/facilities/rounds", BS_M, HTTP_KIND_HTML, 0, p_bs_rounds_make, page_bstaff_rounds_make, "booking.staff.rounds.make" },
	{ "POST", "/staff/facilities/rounds/{id}/public", BS_M, HTTP_KIND_HTML, 0, p_bs_round_public, page_bstaff_round_public, "booking.staff.round.public" },
	{ "POST", "/staff/facilities/rounds/{id}/reschedule", BS_M, HTTP_KIND_HTML, 0, p_bs_round_reschedule, page_bstaff_round_reschedule, "booking.staff.round.reschedule" },
	{ "POST", "/staff/facilities/rounds/{id}/draw", BS_M, HTTP_KIND_HTML, 0, p_bs_round_id, page_bstaff_round_draw, "booking.staff.round.draw" },
	{ "GET", "/staff/facilities/{code}/calendar", BS_S, HTTP_KIND_HTML, 0, p_bs_calendar, page_bstaff_calendar, "booking.staff.calendar" },
	{ "POST", "/staff/facilities/{code}/book", BS_S, HTTP_KIND_HTML, 0, p_bs_book, page_bstaff_book, "booking.staff.book" },
	{ "POST", "/staff/facilities/{code}/recurring", BS_S, HTTP_KIND_HTML, 0, p_bs_recurring, page_bstaff_recurring, "booking.staff.recurring" },
	{ "GET", "/staff/facilities/{code}/usage", BS_S, HTTP_KIND_HTML, 0, p_bs_usage, page_bstaff_usage, "booking.staff.usage" },
	{ "GET", "/staff/facilities/{code}/usage.csv", BS_S, HTTP_KIND_TEXT, 0, p_bs_usage, page_bstaff_usage_csv, "booking.staff.usage.csv" },
	{ "GET", "/staff/facilities/{code}/closures", BS_M, HTTP_KIND_HTML, 0, p_bs_closures, page_bstaff_closures, "booking.staff.closures" },
	{ "POST", "/staff/facilities/{code}/closures", BS_M, HTTP_KIND_HTML, 0, p_bs_closure_add, page_bstaff_closure_add, "booking.staff.closure.add" },
	{ "POST", "/staff/facilities/{code}/closures/{id}/remove", BS_M, HTTP_KIND_HTML, 0, p_bs_closure_remove, page_bstaff_closure_remove, "booking.staff.closure.remove" },
	{ "GET", "/staff/facilities/{code}/photos", BS_M, HTTP_KIND_HTML, 0, p_bs_photos, page_bstaff_photos, "booking.staff.photos" },
	{ "POST", "/staff/facilities/{code}/photos", BS_M, HTTP_KIND_HTML, 0, p_bs_photo_add, page_bstaff_photo_add, "booking.staff.photo.add" },
	{ "POST", "/staff/facilities/{code}/photos/{id}/remove", BS_M, HTTP_KIND_HTML, 0, p_bs_photo_remove, page_bstaff_photo_remove, "booking.staff.photo.remove" },
#undef BS_S
#undef BS_M



	SVC_ROUTES_END
};
