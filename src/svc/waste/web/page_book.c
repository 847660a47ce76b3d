/*
 * page_book.c -- the resident books a collection day for the chatbot's
 * list, then sees, pays, moves and cancels the booking on My page.
 *
 * GET  /waste/book?list=...[&chome=...]   the form: first the 町丁目
 *      (it decides the collection area), then the days with room for the
 *      list's points and the contact; the resident's register record
 *      fills name and address when the account is linked (once only).
 * POST /waste/book                        books (waste_book) and goes to
 *      the booking; a full day answers the form again with the next day
 *      with room chosen; a form sent twice books once (its one-time key).
 * GET  /mypage/waste                      the resident's bookings.
 * GET  /mypage/waste/{number}             one booking: items, day, fee,
 *      payment, and the forms below while the cut-off has not passed.
 * POST /mypage/waste/{number}/pay         粗大ごみ処理券 numbers.
 * POST /mypage/waste/{number}/move        another day with room.
 * POST /mypage/waste/{number}/cancel      cancel (a confirmation box).
 *
 * Invariants: booking needs a resident's login; a booking is shown and
 * changed only for the account that made it (another's number answers
 * 404, as an unknown one); the fee and the points are computed here from
 * the master in force on the collection day (waste_web_items), never read
 * from the form; every read of a booking (personal data) is audited.
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/params.h"
#include "base/log.h"
#include "core/audit/audit.h"
#include "core/mail/mail.h"
#include "core/registry/registry.h"
#include "jp/text.h"
#include "svc/waste/waste.h"
#include "svc/payments/payments.h"
#include "svc/waste/web/waste_web.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* an item of the booking is not accepted on the new day (page only) */
#define ERR_GONE_ITEM (-1000)
#define BOOK_WEEKS 8           /* days offered: from tomorrow for 8 weeks */
#define BOOK_DAYS_SHOWN 24     /* at most this many days in the form      */

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* 「2026年12月18日（金）」 / "Fri 18 Dec 2026" */
static const char *day_text(struct http_req *r, struct jp_date d)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	enum jp_weekday w = jp_date_weekday(d);
	if (app_req(r)->lang == HTML_EN)
		return arena_printf(r->arena, "%.3s %d %s %d", jp_weekday_name_en(w), d.d, mon[d.m - 1], d.y);
	return arena_printf(r->arena, "%d年%d月%d日（%s）", d.y, d.m, d.d, jp_weekday_name_ja(w));
}

static const char *iso(struct http_req *r, struct jp_date d)
{
	char b[JP_DATE_ISO_SIZE];
	struct err e;
	if (jp_date_format_iso(b, sizeof b, d, &e))
		return "";
	return arena_strdup(r->arena, b);
}

static int points_of(const struct waste_list *l)
{
	int n = 0;
	for (int i = 0; i < l->n; i++)
		n += l->e[i].count;
	return n;
}

/* ---- the 町丁目 and the days ---- */

struct chome_opts {
	struct http_req *r;
	struct ui_option o[WASTE_CHOME_OPTIONS_MAX];
	int n;
};

static int chome_cb(void *arg, const char *chome, const char *area, const char *area_name)
{
	(void)area;
	(void)area_name;
	struct chome_opts *c = arg;
	if (c->n == WASTE_CHOME_OPTIONS_MAX)
		return 0;
	const char *v = arena_strdup(c->r->arena, chome);
	c->o[c->n++] = (struct ui_option){ v, v };
	return 0;
}

struct day_opts {
	struct http_req *r;
	int points;
	int64_t now;
	struct ui_choice c[BOOK_DAYS_SHOWN];
	int n;
	const char *chosen;
};

static int day_cb(void *arg, const struct waste_day_load *d)
{
	struct day_opts *o = arg;
	if (o->n == BOOK_DAYS_SHOWN || d->capacity - d->booked < o->points ||
	    waste_booking_cutoff(d->day) < o->now)
		return 0;
	const char *v = iso(o->r, d->day);
	o->c[o->n++] = (struct ui_choice){ v, day_text(o->r, d->day), o->chosen && strcmp(o->chosen, v) == 0 };
	return 0;
}

/* the days of area with room for points, the chosen one (or the first) checked */
static int days_with_room(struct day_opts *o, struct http_req *r, const char *area, int points,
			  const char *chosen, struct err *e)
{
	struct jp_date today = waste_web_today(r);
	long t = jp_date_to_days(today);
	o->r = r;
	o->points = points;
	o->now = app_now();
	o->n = 0;
	o->chosen = chosen;
	int rc = waste_days_each(app_store(r), app_req(r)->tenant.code, area, jp_date_from_days(t + 1),
				 jp_date_from_days(t + 7 * BOOK_WEEKS), day_cb, o, e);
	if (rc)
		return rc;
	int any = 0;
	for (int i = 0; i < o->n; i++)
		any |= o->c[i].checked;
	if (!any && o->n)
		o->c[0].checked = 1;
	return 0;
}

/* ---- the booking form ---- */

struct book_form {
	const char *list, *chome, *day, *name, *phone, *email, *address, *place, *key;
	const char *error_id, *error;     /* the field in error and its message */
	const char *notice;               /* a full day: what happened          */
};

static void hidden(struct buf *b, const char *name, const char *value)
{
	html_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, value ? value : "");
}

static void list_table(struct buf *b, struct http_req *r, const struct waste_list *l)
{
	html_printf(b, "<table class=\"waste-list\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "waste.list"), T(r, "waste.col.item"), T(r, "waste.col.count"), T(r, "waste.col.fee"));
	for (int i = 0; i < l->n; i++)
		html_printf(b, "<tr><td lang=\"ja\">%s</td><td>%d</td><td>%s円</td></tr>", l->e[i].it->name,
			    l->e[i].count, waste_yen(r, (long)l->e[i].it->fee_yen * l->e[i].count));
	html_printf(b, "</tbody></table><p class=\"waste-total\"><strong>");
	html_printf(b, T(r, "waste.total"), waste_yen(r, waste_list_total(l)));   /* checksrc: fmt-ok */
	buf_puts(b, "</strong></p>");
}

/* once only: name and address from the register when the account is linked */
static void prefill(struct http_req *r, struct book_form *f, const struct chome_opts *co)
{
	struct app_req *q = app_req(r);
	json_t *rec = NULL;
	struct err e;
	if (registry_person_json(&rec, app_store(r), q->tenant.code, q->ses.account_id, &e) != 0 || !rec)
		return;
	app_audit(r, AUDIT_A_READ, "registry.person", "self", AUDIT_R_OK);
	const json_t *nm = json_object_get(rec, "name"), *ad = json_object_get(rec, "address");
	const char *fam = json_string_value(json_object_get(nm, "family"));
	const char *giv = json_string_value(json_object_get(nm, "given"));
	const char *street = json_string_value(json_object_get(ad, "street"));
	const char *bld = json_string_value(json_object_get(ad, "building"));
	if (!f->name && fam)
		f->name = arena_printf(r->arena, "%s%s%s", fam, giv ? " " : "", giv ? giv : "");
	for (int i = 0; street && i < co->n; i++) {
		size_t n = strlen(co->o[i].value);
		if (strncmp(street, co->o[i].value, n) != 0)
			continue;
		if (!f->chome)
			f->chome = co->o[i].value;
		if (!f->address && strcmp(f->chome, co->o[i].value) == 0)
			f->address = arena_printf(r->arena, "%s%s%s", street + n, bld ? " " : "", bld ? bld : "");
		break;
	}
	json_decref(rec);
}

static int book_form_page(struct http_req *r, int status, struct book_form *f, const struct waste_list *l)
{
	struct app_req *q = app_req(r);
	enum html_lang lang = q->lang;
	struct err e;
	struct chome_opts co = { .r = r };
	int rc = waste_chome_each(app_store(r), q->tenant.code, chome_cb, &co, &e);
	if (rc)
		return app_send_error(r, rc, "waste.error.unavailable", arena_printf(r->arena, "waste book: chome: %s", e.detail));
	if (status == 200 && !f->name && !f->address)
		prefill(r, f, &co);
	char area[WASTE_AREA_MAX + 1] = "";
	if (f->chome && *f->chome && waste_chome_area(area, app_store(r), q->tenant.code, f->chome, &e) != 0) {
		f->error_id = "f-chome";
		f->error = T(r, "waste.book.error.chome");
		f->chome = NULL;
		status = 400;
	}
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.book.title"), f->error_id, f->error);
	if (f->notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", f->notice);
	list_table(&b, r, l);
	html_printf(&b, "<p><a href=\"%s\">%s</a></p>", ui_url(r->arena, "/waste", (const char *[]){ "list", f->list, NULL }),
		    T(r, "waste.book.edit_list"));
	if (!area[0]) {   /* step 1: the 町丁目 decides the area */
		html_printf(&b, "<form method=\"get\" action=\"/waste/book\" class=\"form\">");
		hidden(&b, "list", f->list);
		struct ui_field fc = { .name = "chome", .id = "f-chome", .label = T(r, "waste.book.chome"),
				       .hint = T(r, "waste.book.chome.hint"), .value = f->chome, .required = 1,
				       .lang = lang, .error = f->error_id && strcmp(f->error_id, "f-chome") == 0 ? f->error : NULL };
		ui_select(&b, &fc, co.o, co.n, T(r, "waste.book.choose"));
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "waste.book.next"));
		return app_page_send(r, status, &b, &p);
	}
	struct day_opts d;
	if ((rc = days_with_room(&d, r, area, points_of(l), f->day, &e)) != 0) {
		buf_done(&b);
		return app_send_error(r, rc, "waste.error.unavailable", arena_printf(r->arena, "waste book: days: %s", e.detail));
	}
	html_printf(&b, "<p>%s <strong lang=\"ja\">%s</strong> <a href=\"%s\">%s</a></p>", T(r, "waste.book.chome"),
		    f->chome, ui_url(r->arena, "/waste/book", (const char *[]){ "list", f->list, NULL }),
		    T(r, "waste.book.change_chome"));
	if (d.n == 0) {
		html_printf(&b, "<p id=\"waste-no-day\">%s</p>", T(r, "waste.book.no_day"));
		return app_page_send(r, status, &b, &p);
	}
	html_printf(&b, "<form method=\"post\" action=\"/waste/book\" class=\"form\">");
	hidden(&b, "csrf", q->csrf);
	hidden(&b, "list", f->list);
	hidden(&b, "chome", f->chome);
	hidden(&b, "key", f->key);
	struct ui_field fd = { .name = "day", .id = "f-day", .label = T(r, "waste.book.day"),
			       .hint = T(r, "waste.book.day.hint"), .required = 1, .lang = lang,
			       .error = f->error_id && strcmp(f->error_id, "f-day") == 0 ? f->error : NULL };
	ui_fieldset_open(&b, &fd);
	ui_options(&b, "radio", fd.id, "day", d.c, d.n, 0);
	ui_fieldset_close(&b);
	struct { const char *name, *label, *hint, *value, *type, *ac; int max, req; } fs[] = {
		{ "address", "waste.book.address", "waste.book.address.hint", f->address, NULL, NULL, WASTE_ADDRESS_MAX, 1 },
		{ "place", "waste.book.place", "waste.book.place.hint", f->place, NULL, NULL, WASTE_PLACE_MAX, 0 },
		{ "name", "waste.book.name", NULL, f->name, NULL, "name", WASTE_CONTACT_NAME_MAX, 1 },
		{ "phone", "waste.book.phone", "waste.book.phone.hint", f->phone, "tel", "tel", WASTE_PHONE_MAX, 1 },
		{ "email", "waste.book.email", "waste.book.email.hint", f->email, "email", "email", WASTE_EMAIL_MAX, 0 },
	};
	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		const char *id = arena_printf(r->arena, "f-%s", fs[i].name);
		struct ui_field fi = { .name = fs[i].name, .id = id, .label = T(r, fs[i].label),
				       .hint = fs[i].hint ? T(r, fs[i].hint) : NULL, .value = fs[i].value,
				       .type = fs[i].type, .autocomplete = fs[i].ac,
				       /* characters: Japanese text is 3 bytes a character */
				       .maxlength = fs[i].type ? fs[i].max : fs[i].max / 3,
				       .required = fs[i].req, .lang = lang,
				       .error = f->error_id && id && strcmp(f->error_id, id) == 0 ? f->error : NULL };
		ui_input(&b, &fi);
	}
	html_printf(&b, "<p>%s</p><button type=\"submit\" class=\"button\">%s</button></form>",
		    T(r, "waste.book.pay_later"), T(r, "waste.book.submit"));
	return app_page_send(r, status, &b, &p);
}

static const char *new_key(struct http_req *r)
{
	unsigned char raw[16];
	char hex[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	return arena_strdup(r->arena, hex);
}

static int list_of(struct waste_list *l, struct http_req *r, const char *s)
{
	const struct waste_items *w = waste_web_items(r, waste_web_today(r));
	if (!w)
		return ERR_UNAVAILABLE;
	if (!s || !*s || waste_list_parse(l, w, s) || l->n == 0 || points_of(l) > WASTE_POINTS_MAX)
		return ERR_INVALID;
	return 0;
}

int page_waste_book(struct http_req *r)
{
	struct waste_list l;
	struct book_form f = { .list = http_param(r, "list"), .chome = http_param(r, "chome") };
	int rc = list_of(&l, r, f.list);
	if (rc)
		return app_send_error(r, rc, rc == ERR_INVALID ? "waste.error.list" : "waste.error.unavailable",
				      "waste book: list");
	f.key = new_key(r);
	return book_form_page(r, 200, &f, &l);
}

/* the items as stored with the booking, priced by the master of the day */
static const char *items_json(struct http_req *r, const struct waste_list *l, const struct waste_items *w,
			      int *fee)
{
	json_t *a = json_array();
	*fee = 0;
	for (int i = 0; a && i < l->n; i++) {
		const struct waste_item *it = waste_item_find(w, l->e[i].it->id);
		if (!it || !it->accepted) {
			json_decref(a);
			return NULL;
		}
		*fee += it->fee_yen * l->e[i].count;
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:i}", "id", it->id, "name", it->name,
						   "count", l->e[i].count, "fee_yen", it->fee_yen));
	}
	char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	const char *out = s ? arena_strdup(r->arena, s) : NULL;
	free(s);
	return out;
}

int page_waste_book_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct waste_list l;
	struct book_form f = {
		.list = http_param(r, "list"), .chome = http_param(r, "chome"), .day = http_param(r, "day"),
		.name = http_param(r, "name"), .phone = http_param(r, "phone"), .email = http_param(r, "email"),
		.address = http_param(r, "address"), .place = http_param(r, "place"), .key = http_param(r, "key"),
	};
	int rc = list_of(&l, r, f.list);
	if (rc)
		return app_send_error(r, rc, rc == ERR_INVALID ? "waste.error.list" : "waste.error.unavailable",
				      "waste book: list");
	if (!f.key || !*f.key)
		f.key = new_key(r);
	struct err e;
	char area[WASTE_AREA_MAX + 1];
	if (!f.chome || waste_chome_area(area, app_store(r), q->tenant.code, f.chome, &e) != 0) {
		f.chome = NULL;
		return book_form_page(r, 400, &f, &l);
	}
	struct jp_date day;
	if (!f.day || jp_date_parse_iso(&day, f.day, &e) != 0) {
		f.error_id = "f-day";
		f.error = T(r, "waste.book.error.day");
		return book_form_page(r, 400, &f, &l);
	}
	/* the contact, field by field, so the error names the field */
	static const struct { const char *id, *msg; } checks[] = {
		{ "f-address", "waste.book.error.address" }, { "f-name", "waste.book.error.name" },
		{ "f-phone", "waste.book.error.phone" }, { "f-email", "waste.book.error.email" },
	};
	const char *vals[] = { f.address, f.name, f.phone, f.email };
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		int bad = i == 2 ? !waste_phone_ok(vals[i])
			: i == 3 ? vals[i] && *vals[i] && (strlen(vals[i]) > WASTE_EMAIL_MAX || !mail_addr_valid(vals[i]))
				 : !vals[i] || !*vals[i];
		if (bad) {
			f.error_id = checks[i].id;
			f.error = T(r, checks[i].msg);
			return book_form_page(r, 400, &f, &l);
		}
	}
	const struct waste_items *w = waste_web_items(r, day);
	int fee = 0;
	const char *items = w ? items_json(r, &l, w, &fee) : NULL;
	if (!items)
		return app_send_error(r, ERR_CONFLICT, "waste.book.error.master", "waste book: items not in the day's master");
	struct waste_contact ct = { f.name, f.phone, f.email ? f.email : "", f.chome, f.address, f.place ? f.place : "" };
	struct waste_booking_req rq = { q->tenant.code, area, day, points_of(&l), fee, items, q->ses.account_id,
					app_now(), &ct, f.key };
	struct waste_booking *bk = arena_alloc(r->arena, sizeof *bk);
	if (!bk)
		return app_send_error(r, ERR_NOMEM, "waste.error.unavailable", "waste book: memory");
	if (waste_booking_cutoff(day) < rq.now) {   /* the form sat open past 17:00 the day before */
		f.error_id = "f-day";
		f.error = T(r, "waste.book.error.closed");
		f.day = NULL;
		return book_form_page(r, 400, &f, &l);
	}
	rc = waste_book(bk, app_store(r), &rq, &e);
	if (rc == ERR_FULL || rc == ERR_NOTFOUND) {
		/* the day filled up meanwhile (or was never offered): the form
		 * again, the earliest day with room chosen, and a notice */
		f.notice = arena_printf(r->arena, T(r, "waste.book.full"), day_text(r, day));   /* checksrc: fmt-ok */
		f.day = NULL;
		f.key = new_key(r);
		app_audit(r, AUDIT_A_WRITE, "waste.booking", NULL, AUDIT_R_DENIED);
		return book_form_page(r, 409, &f, &l);
	}
	if (rc < 0)
		return app_send_error(r, rc, rc == ERR_INVALID ? "waste.error.list" : "waste.error.unavailable",
				      arena_printf(r->arena, "waste book: %s", e.detail));
	app_audit(r, AUDIT_A_WRITE, "waste.booking", bk->number, AUDIT_R_OK);
	return http_redirect(r, 303, arena_printf(r->arena, "/mypage/waste/%s?booked=1", bk->number));
}

int waste_web_price(struct waste_price *out, struct http_req *r, const char *items_json, struct jp_date day)
{
	const struct waste_items *w = waste_web_items(r, day);
	if (!w)
		return ERR_UNAVAILABLE;
	json_t *in = json_loads(items_json ? items_json : "", 0, NULL), *a = json_array();
	int rc = json_is_array(in) && a ? 0 : ERR_INVALID;
	long fee = 0;
	size_t i;
	json_t *x;
	if (rc == 0)
		json_array_foreach(in, i, x) {
			const struct waste_item *it = waste_item_find(w, json_string_value(json_object_get(x, "id")) ?: "");
			json_int_t n = json_integer_value(json_object_get(x, "count"));
			if (!it || !it->accepted || n < 1 || n > WASTE_COUNT_MAX) {
				rc = it ? ERR_INVALID : ERR_NOTFOUND;
				if (it && !it->accepted)
					rc = ERR_NOTFOUND;
				break;
			}
			fee += (long)it->fee_yen * (long)n;
			json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:i}", "id", it->id, "name", it->name,
							   "count", n, "fee_yen", it->fee_yen));
		}
	char *dump = rc == 0 ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(in);
	json_decref(a);
	if (rc == 0 && !dump)
		rc = ERR_NOMEM;
	if (rc == 0) {
		out->items = arena_strdup(r->arena, dump);
		out->fee_yen = (int)fee;
		rc = out->items ? 0 : ERR_NOMEM;
	}
	free(dump);
	return rc;
}

/* ---- My page ---- */

static const char *pay_text(struct http_req *r, enum waste_pay p)
{
	return T(r, p == WASTE_PAID_TICKETS ? "waste.pay.tickets" : p == WASTE_PAID_ONLINE ? "waste.pay.online"
										       : "waste.pay.unpaid");
}

struct mine {
	struct http_req *r;
	struct buf *b;
	int n;
};

static int mine_cb(void *arg, const struct waste_booking *bk)
{
	struct mine *m = arg;
	struct http_req *r = m->r;
	if (m->n++ == 0)
		html_printf(m->b, "<table class=\"waste-bookings\"><caption class=\"visually-hidden\">%s</caption><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "waste.mine.title"), T(r, "waste.col.number"), T(r, "waste.book.day"),
			    T(r, "waste.col.fee"), T(r, "waste.col.state"));
	html_printf(m->b, "<tr><td><a href=\"/mypage/waste/%s\">%s</a></td><td>%s</td><td>%s円</td><td>%s</td></tr>",
		    bk->number, bk->number, day_text(r, bk->day), waste_yen(r, bk->fee_yen),
		    bk->cancelled ? T(r, "waste.state.cancelled") : pay_text(r, bk->pay));
	return 0;
}

int page_mypage_waste(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.mine.title"), NULL, NULL);
	struct mine m = { r, &b, 0 };
	struct err e;
	int rc = waste_bookings_of_account(app_store(r), q->tenant.code, q->ses.account_id, 100, mine_cb, &m, &e);
	if (rc) {
		buf_done(&b);
		return app_send_error(r, rc, "waste.error.unavailable", arena_printf(r->arena, "waste mine: %s", e.detail));
	}
	app_audit(r, AUDIT_A_READ, "waste.booking", "self", AUDIT_R_OK);
	if (m.n)
		buf_puts(&b, "</tbody></table>");
	else
		html_printf(&b, "<p>%s</p>", T(r, "waste.mine.none"));
	html_printf(&b, "<p><a href=\"/waste\">%s</a></p>", T(r, "waste.mine.new"));
	return app_page_send(r, 200, &b, &p);
}

/* the booking of the path's number when it is the resident's; NULL after
 * an error answer has been sent (*rc) */
static struct waste_booking *own_booking(struct http_req *r, int *rc)
{
	struct app_req *q = app_req(r);
	struct waste_booking *bk = arena_alloc(r->arena, sizeof *bk);
	struct err e;
	const char *number = http_param(r, "number");
	*rc = bk ? waste_booking_get(bk, app_store(r), q->tenant.code, number, &e) : ERR_NOMEM;
	if (*rc == 0 && bk->account != q->ses.account_id)
		*rc = ERR_NOTFOUND;   /* another's booking is as unknown as no booking */
	if (*rc) {
		app_audit(r, AUDIT_A_READ, "waste.booking", number, AUDIT_R_DENIED);
		*rc = app_send_error(r, *rc == ERR_NOMEM ? ERR_NOMEM : ERR_NOTFOUND, "waste.error.booking",
				     "waste booking: not the resident's");
		return NULL;
	}
	return bk;
}

struct tickets_text {
	struct buf *b;
	int n;
};

static int ticket_cb(void *arg, const char *t)
{
	struct tickets_text *tt = arg;
	html_printf(tt->b, "%s%s", tt->n++ ? ", " : "", t);
	return 0;
}

static int booking_page(struct http_req *r, int status, const struct waste_booking *bk, const char *notice,
			const char *error_id, const char *error)
{
	struct app_req *q = app_req(r);
	enum html_lang lang = q->lang;
	struct html_page p;
	struct buf b;
	const char *title = arena_printf(r->arena, T(r, "waste.booking.title"), bk->number);   /* checksrc: fmt-ok */
	app_page_open(&b, &p, r, title ? title : "", error_id, error);
	app_audit(r, AUDIT_A_READ, "waste.booking", bk->number, AUDIT_R_OK);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"waste-notice\">%s</p>", notice);
	html_printf(&b, "<dl class=\"waste-booking\"><dt>%s</dt><dd id=\"waste-number\">%s</dd>"
		    "<dt>%s</dt><dd id=\"waste-day\">%s</dd><dt>%s</dt><dd lang=\"ja\">%s%s</dd>",
		    T(r, "waste.col.number"), bk->number, T(r, "waste.book.day"), day_text(r, bk->day),
		    T(r, "waste.book.address"), bk->chome, bk->address);
	if (bk->place[0])
		html_printf(&b, "<dt>%s</dt><dd lang=\"ja\">%s</dd>", T(r, "waste.book.place"), bk->place);
	html_printf(&b, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>", T(r, "waste.book.name"), bk->name,
		    T(r, "waste.book.phone"), bk->phone);
	html_printf(&b, "<dt>%s</dt><dd id=\"waste-fee\">%s円</dd><dt>%s</dt><dd id=\"waste-state\">%s</dd></dl>",
		    T(r, "waste.col.fee"), waste_yen(r, bk->fee_yen), T(r, "waste.col.state"),
		    bk->cancelled ? T(r, "waste.state.cancelled") : pay_text(r, bk->pay));
	json_t *items = json_loads(bk->items, 0, NULL);
	html_printf(&b, "<h2>%s</h2><ul class=\"waste-items\">", T(r, "waste.list"));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		html_printf(&b, "<li lang=\"ja\">%s × %d</li>", json_string_value(json_object_get(it, "name")) ?: "",
			    (int)json_integer_value(json_object_get(it, "count")));
	json_decref(items);
	buf_puts(&b, "</ul>");
	if (bk->pay == WASTE_PAID_TICKETS) {
		struct tickets_text tt = { &b, 0 };
		struct err e;
		html_printf(&b, "<p>%s <span id=\"waste-tickets\">", T(r, "waste.pay.tickets_used"));
		waste_tickets_of(app_store(r), q->tenant.code, bk->id, ticket_cb, &tt, &e);
		buf_puts(&b, "</span></p>");
	}
	int open = !bk->cancelled && app_now() <= waste_booking_cutoff(bk->day);
	if (!open) {
		if (!bk->cancelled)
			html_printf(&b, "<p>%s</p>", T(r, "waste.booking.closed"));
		html_printf(&b, "<p><a href=\"/mypage/waste\">%s</a></p>", T(r, "waste.mine.title"));
		return app_page_send(r, status, &b, &p);
	}
	html_printf(&b, "<p>%s</p>", arena_printf(r->arena, T(r, "waste.booking.cutoff"),   /* checksrc: fmt-ok */
						  day_text(r, jp_date_from_days(jp_date_to_days(bk->day) - 1))));
	if (bk->pay == WASTE_UNPAID && bk->fee_yen > 0) {   /* online, through the payments service */
		html_printf(&b, "<section aria-labelledby=\"online-h\"><h2 id=\"online-h\">%s</h2><p>%s</p>"
			    "<form method=\"post\" action=\"/mypage/waste/%s/pay/online\" class=\"form\">",
			    T(r, "waste.online.title"), T(r, "waste.online.lead"), bk->number);
		hidden(&b, "csrf", q->csrf);
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"waste-pay-online\">%s</button></form>",
			    T(r, "waste.online.submit"));
		if (bk->payment[0])
			html_printf(&b, "<p><a href=\"/pay/%s\" id=\"waste-payment\">%s</a></p>", bk->payment,
				    T(r, "waste.online.status"));
		buf_puts(&b, "</section>");
	}
	if (bk->pay == WASTE_UNPAID) {   /* 処理券 */
		html_printf(&b, "<section aria-labelledby=\"pay-h\"><h2 id=\"pay-h\">%s</h2><p>%s</p>"
			    "<form method=\"post\" action=\"/mypage/waste/%s/pay\" class=\"form\">",
			    T(r, "waste.pay.title"), T(r, "waste.pay.lead"), bk->number);
		hidden(&b, "csrf", q->csrf);
		struct ui_field ft = { .name = "tickets", .id = "f-tickets", .label = T(r, "waste.pay.numbers"),
				       .hint = T(r, "waste.pay.numbers.hint"), .required = 1, .lang = lang,
				       .maxlength = WASTE_TICKETS_MAX * 12, .verbatim = 1,
				       .error = error_id && strcmp(error_id, "f-tickets") == 0 ? error : NULL };
		ui_textarea(&b, &ft, 4);
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form></section>", T(r, "waste.pay.submit"));
	}
	struct day_opts d;
	struct err e;
	if (days_with_room(&d, r, bk->area, bk->points, iso(r, bk->day), &e) == 0 && d.n > 0) {
		html_printf(&b, "<section aria-labelledby=\"move-h\"><h2 id=\"move-h\">%s</h2>"
			    "<form method=\"post\" action=\"/mypage/waste/%s/move\" class=\"form\">",
			    T(r, "waste.move.title"), bk->number);
		hidden(&b, "csrf", q->csrf);
		struct ui_field fd = { .name = "day", .id = "f-move-day", .label = T(r, "waste.move.day"), .lang = lang,
				       .error = error_id && strcmp(error_id, "f-move-day") == 0 ? error : NULL };
		ui_fieldset_open(&b, &fd);
		ui_options(&b, "radio", fd.id, "day", d.c, d.n, 0);
		ui_fieldset_close(&b);
		html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form></section>", T(r, "waste.move.submit"));
	}
	html_printf(&b, "<section aria-labelledby=\"cancel-h\"><h2 id=\"cancel-h\">%s</h2>"
		    "<form method=\"post\" action=\"/mypage/waste/%s/cancel\" class=\"form\">",
		    T(r, "waste.cancel.title"), bk->number);
	hidden(&b, "csrf", q->csrf);
	struct ui_field fc = { .name = "confirm", .id = "f-confirm", .label = T(r, "waste.cancel.confirm"), .lang = lang,
			       .error = error_id && strcmp(error_id, "f-confirm") == 0 ? error : NULL };
	ui_checkbox(&b, &fc, 0);
	html_printf(&b, "<button type=\"submit\" class=\"button button-warning\">%s</button></form></section>",
		    T(r, "waste.cancel.submit"));
	return app_page_send(r, status, &b, &p);
}

/* a booking waiting for its online payment: paid now if the payment is */
static void sync_online(struct http_req *r, struct waste_booking *bk)
{
	if (bk->pay != WASTE_UNPAID || !bk->payment[0] || bk->cancelled)
		return;
	struct err e;
	int changed = 0;
	const char *tenant = app_req(r)->tenant.code;
	if (waste_pay_online_sync(&changed, app_store(r), tenant, bk->number, app_now(), &e)) {
		log_warn("waste: the online payment not read", "error", e.detail);
		return;
	}
	char number[WASTE_NUMBER_LEN + 1];   /* bk is the output of the read */
	snprintf(number, sizeof number, "%s", bk->number);
	if (changed && waste_booking_get(bk, app_store(r), tenant, number, &e))
		log_warn("waste: the booking not read again", "error", e.detail);
}

int page_mypage_waste_booking(struct http_req *r)
{
	int rc;
	struct waste_booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	sync_online(r, bk);
	return booking_page(r, 200, bk, http_param(r, "booked") ? T(r, "waste.booking.done") : NULL, NULL, NULL);
}

/* after an action: the booking read again, with the notice or the error */
static int after(struct http_req *r, struct waste_booking *bk, int rc, const char *done_id, const char *field,
		 const char *err_id)
{
	struct app_req *q = app_req(r);
	struct err e;
	char number[WASTE_NUMBER_LEN + 1];
	snprintf(number, sizeof number, "%s", bk->number);
	if (waste_booking_get(bk, app_store(r), q->tenant.code, number, &e) != 0)
		return app_send_error(r, ERR_UNAVAILABLE, "waste.error.unavailable", "waste booking: read again");
	if (rc == 0)
		return booking_page(r, 200, bk, T(r, done_id), NULL, NULL);
	return booking_page(r, rc == ERR_DENIED ? 403 : rc == ERR_CONFLICT || rc == ERR_FULL ? 409 : 400, bk, NULL,
			    field, T(r, err_id));
}

int page_mypage_waste_pay(struct http_req *r)
{
	int rc;
	struct waste_booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	const char *text = http_param(r, "tickets");
	const char *t[WASTE_TICKETS_MAX];
	int n = 0, bad = 0;
	/* NFKC first (全角 letters, digits and ，), 、 as a space; then split on ASCII */
	char *norm = NULL;
	struct err e;
	if (text && jp_text_nfkc(&norm, text, strlen(text), &e) == 0 && norm) {
		char *copy = arena_strdup(r->arena, norm);
		free(norm);
		for (char *p = copy; p && (p = strstr(p, "、")) != NULL;)
			memset(p, ' ', 3);
		for (char *save = NULL, *tok = copy ? strtok_r(copy, " ,\r\n\t", &save) : NULL; tok;
		     tok = strtok_r(NULL, " ,\r\n\t", &save)) {
			if (n == WASTE_TICKETS_MAX) {
				bad = 1;
				break;
			}
			t[n++] = tok;
		}
	}
	/* each number a ticket number, none twice: said as such, not as a wrong sum */
	for (int i = 0; i < n && !bad; i++) {
		bad = !waste_ticket_value(t[i]);
		for (int k = 0; k < i && !bad; k++)
			bad = strcasecmp(t[i], t[k]) == 0;
	}
	rc = n == 0 || bad ? ERR_INVALID
			   : waste_pay_tickets(app_store(r), app_req(r)->tenant.code, bk->number, t, n, app_now(), &e);
	app_audit(r, AUDIT_A_WRITE, "waste.booking", bk->number, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	return after(r, bk, rc, "waste.pay.done", "f-tickets",
		     n == 0 || bad ? "waste.pay.error.number"
		     : rc == ERR_CONFLICT ? "waste.pay.error.used" : rc == ERR_DENIED ? "waste.booking.closed"
		     : "waste.pay.error.sum");
}

int page_mypage_waste_move(struct http_req *r)
{
	int rc;
	struct waste_booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	struct jp_date day;
	struct err e;
	const char *d = http_param(r, "day");
	struct waste_price price;
	rc = d && jp_date_parse_iso(&day, d, &e) == 0 ? 0 : ERR_INVALID;
	/* the new day's master prices the items: a paid booking keeps its fee */
	int prc = rc == 0 ? waste_web_price(&price, r, bk->items, day) : 0;
	if (rc == 0 && prc)
		rc = ERR_GONE_ITEM;
	else if (rc == 0 && bk->pay != WASTE_UNPAID && price.fee_yen != bk->fee_yen)
		rc = ERR_CONFLICT;
	if (rc == 0)
		rc = waste_move(app_store(r), app_req(r)->tenant.code, bk->number, day, &price, app_now(), &e);
	app_audit(r, AUDIT_A_WRITE, "waste.booking", bk->number, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	return after(r, bk, rc == ERR_GONE_ITEM ? ERR_INVALID : rc, "waste.move.done", "f-move-day",
		     rc == ERR_FULL ? "waste.move.error.full" : rc == ERR_DENIED ? "waste.booking.closed"
		     : rc == ERR_CONFLICT ? "waste.move.error.fee" : rc == ERR_GONE_ITEM ? "waste.move.error.item"
		     : "waste.book.error.day");
}

int page_mypage_waste_cancel(struct http_req *r)
{
	int rc;
	struct waste_booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	const char *c = http_param(r, "confirm");
	struct err e;
	rc = c && strcmp(c, "1") == 0 ? waste_cancel(app_store(r), app_req(r)->tenant.code, bk->number, app_now(), &e)
				      : ERR_INVALID;
	app_audit(r, AUDIT_A_WRITE, "waste.booking", bk->number, rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	int paid_online = rc == ERR_CONFLICT && strncmp(e.detail, "paid online", 11) == 0;
	return after(r, bk, rc, "waste.cancel.done", "f-confirm",
		     rc == ERR_DENIED ? "waste.booking.closed" : paid_online ? "waste.cancel.error.paid_online"
		     : rc == ERR_CONFLICT ? "waste.cancel.error.done" : "waste.cancel.error.confirm");
}

/* POST /mypage/waste/{number}/pay/online: on to the payments service's
 * fee step (/pay/{payment}), which returns here */
int page_mypage_waste_pay_online(struct http_req *r)
{
	int rc;
	struct waste_booking *bk = own_booking(r, &rc);
	if (!bk)
		return rc;
	struct app_actor a;
	app_actor_of(&a, r);
	struct pay_actor who = { .audit = &app_of(r)->audit, .id = a.id, .login = a.login, .role = a.roles,
				 .source = a.source };
	struct payment p;
	struct err e;
	rc = waste_pay_online_start(&p, app_store(r), app_req(r)->tenant.code, bk->number, app_req(r)->ses.account_id,
				    app_now(), &who, &e);
	if (rc == ERR_CONFLICT || rc == ERR_DENIED) {
		log_info("waste: online payment refused", "detail", e.detail);
		return after(r, bk, rc, NULL, NULL, rc == ERR_DENIED ? "waste.booking.closed" : "waste.online.error");
	}
	if (rc)
		return app_send_error(r, rc, "waste.error.unavailable", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/pay/%s", p.number));
}
