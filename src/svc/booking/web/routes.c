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

/* a booking number: 10 digits (the page's booking_get checks the Luhn digit) */
static int v_bs_number(const char *v, size_t n)
{
	if (n != BOOKING_NUMBER_LEN)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return ERR_INVALID;
	return 0;
}

static int v_bs_enc(const char *v, size_t n)
{
	return (n == 4 && !memcmp(v, "utf8", 4)) || (n == 5 && !memcmp(v, "cp932", 5)) ? 0 : ERR_INVALID;
}

static int v_bs_decision(const char *v, size_t n)
{
	return (n == 7 && !memcmp(v, "approve", 7)) || (n == 6 && !memcmp(v, "reject", 6)) ? 0 : ERR_INVALID;
}

/* a form's one-time key: 16..64 of [A-Za-z0-9_-] */
static int v_bs_key(const char *v, size_t n)
{
	if (n < 16 || n > BOOKING_KEY_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			return ERR_INVALID;
	return 0;
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
	{ "key", HTTP_FORM, BOOKING_KEY_MAX, v_bs_key, 0 },
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
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, v_bs_number, HTTP_PARAM_REQUIRED },
	{ "done", HTTP_QUERY, 16, v_bs_word, 0 },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_number[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, v_bs_number, HTTP_PARAM_REQUIRED },
	{ NULL, 0, 0, NULL, 0 },
};
static const struct http_param_spec p_bs_cancel[] = {
	{ "number", HTTP_PATH, BOOKING_NUMBER_LEN, v_bs_number, HTTP_PARAM_REQUIRED },
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
#undef BS_S
#undef BS_M



	SVC_ROUTES_END
};
