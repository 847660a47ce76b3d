/*
 * route_list.c -- a collection day's route list: the bookings of a day
 * in route order (area, then 町丁目, then address, then number), built
 * once for the staff day page, the crew's PDF and the CSV.
 *
 * Staff (permission waste.staff):
 *   GET /staff/waste/route.pdf?day=&area=   the crew's A4 list
 *   GET /staff/waste/route.csv?day=&area=&enc=utf8|cp932
 *
 * Invariants: both carry personal data (address, and in the CSV name and
 * phone): each answer writes one audit record (data.export, object
 * "waste.route" and "DAY/AREA", never the data); cancelled bookings are
 * never on them (the crew does not go there); the CSV's cells go through
 * csv_cell (the formula guard); CP932 replaces a character it lacks with
 * 〓 and says how many in X-Replaced-Characters.  The PDF is rendered on
 * the blocking pool (Pango's font map is per thread, src/pdf/README.md).
 */
#include "web/app.h"
#include "base/csv.h"
#include "base/log.h"
#include "jp/cp932.h"
#include "jp/wareki.h"
#include "pdf/pdf.h"
#include "svc/waste/waste.h"
#include "svc/waste/web/waste_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the rows ---- */

int waste_route_items_text(char *out, size_t size, const char *json)
{
	json_error_t je;
	json_t *a = json && *json ? json_loads(json, 0, &je) : NULL;
	size_t k = 0;
	out[0] = '\0';
	if (!a || !json_is_array(a)) {
		json_decref(a);
		snprintf(out, size, "?");
		return ERR_INVALID;
	}
	size_t i;
	json_t *it;
	int rc = 0;
	json_array_foreach(a, i, it) {
		const char *name = json_string_value(json_object_get(it, "name"));
		json_t *c = json_object_get(it, "count");
		if (!name || !json_is_integer(c)) {
			rc = ERR_INVALID;
			continue;
		}
		int w = snprintf(out + k, size - k, "%s%s×%lld", k ? "、" : "", name,
				 (long long)json_integer_value(c));
		if (w < 0 || (size_t)w >= size - k) {
			/* cut at a character boundary, marked */
			while (k > 0 && ((unsigned char)out[k] & 0xc0) == 0x80)
				k--;
			if (size - k > 4)
				snprintf(out + k, size - k, "…");
			break;
		}
		k += (size_t)w;
	}
	json_decref(a);
	if (rc && !out[0])
		snprintf(out, size, "?");
	return rc;
}

static int area_add(struct waste_route *rt, const char *code, const char *name)
{
	for (int i = 0; i < rt->nareas; i++)
		if (strcmp(rt->areas[i].code, code) == 0)
			return 0;
	if (rt->nareas >= WASTE_ROUTE_AREAS_MAX)
		return 0;
	struct waste_route_area *a = &rt->areas[rt->nareas++];
	snprintf(a->code, sizeof a->code, "%s", code);
	snprintf(a->name, sizeof a->name, "%s", name && *name ? name : code);
	return 0;
}

static int chome_fn(void *arg, const char *chome, const char *area, const char *area_name)
{
	(void)chome;
	return area_add(arg, area, area_name);
}

static int area_cmp(const void *x, const void *y)
{
	return strcmp(((const struct waste_route_area *)x)->code, ((const struct waste_route_area *)y)->code);
}

int waste_route_areas(struct waste_route *rt, struct store *s, const char *tenant, struct err *e)
{
	rt->nareas = 0;
	int rc = waste_chome_each(s, tenant, chome_fn, rt, e);
	if (rc < 0)
		return rc;
	qsort(rt->areas, (size_t)rt->nareas, sizeof rt->areas[0], area_cmp);
	return 0;
}

const char *waste_route_area_name(const struct waste_route *rt, const char *code)
{
	for (int i = 0; i < rt->nareas; i++)
		if (strcmp(rt->areas[i].code, code) == 0)
			return rt->areas[i].name;
	return code;
}

const char *waste_route_pay_ja(enum waste_pay p)
{
	switch (p) {
	case WASTE_PAID_TICKETS: return "処理券";
	case WASTE_PAID_ONLINE: return "オンライン決済";
	default: return "未払い";
	}
}

struct build_ctx {
	struct waste_route *rt;
	int with_cancelled;
	struct err *e;
};

static int booking_fn(void *arg, const struct waste_booking *b)
{
	struct build_ctx *c = arg;
	struct waste_route *rt = c->rt;
	if (b->cancelled && !c->with_cancelled)
		return 0;
	if (rt->n >= WASTE_ROUTE_ROWS_MAX)
		return err_set(c->e, ERR_LIMIT, "waste route: more than %d bookings", WASTE_ROUTE_ROWS_MAX);
	if (rt->n == rt->cap) {
		int cap = rt->cap ? rt->cap * 2 : 32;
		void *p = realloc(rt->rows, (size_t)cap * sizeof *rt->rows);
		if (!p)
			return err_set(c->e, ERR_NOMEM, "waste route: no memory");
		rt->rows = p;
		rt->cap = cap;
	}
	struct waste_route_row *w = &rt->rows[rt->n++];
	memset(w, 0, sizeof *w);
	snprintf(w->number, sizeof w->number, "%s", b->number);
	snprintf(w->area, sizeof w->area, "%s", b->area);
	snprintf(w->chome, sizeof w->chome, "%s", b->chome);
	snprintf(w->address, sizeof w->address, "%s", b->address);
	snprintf(w->place, sizeof w->place, "%s", b->place);
	snprintf(w->name, sizeof w->name, "%s", b->name);
	snprintf(w->phone, sizeof w->phone, "%s", b->phone);
	if (waste_route_items_text(w->items, sizeof w->items, b->items))
		log_warn("waste route: a booking's items do not read", "number", b->number);
	w->points = b->points;
	w->fee_yen = b->fee_yen;
	w->cancelled = b->cancelled;
	w->pay = b->pay;
	return 0;
}

/* a and b compared with their runs of digits as numbers (「2番」 before
 * 「10番」); bytes otherwise */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
			if (na != nb)
				return na < nb ? -1 : 1;
			int c = strncmp(a, b, na);
			if (c)
				return c;
			a += na;
			b += nb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int row_cmp(const void *x, const void *y)
{
	const struct waste_route_row *a = x, *b = y;
	int c = strcmp(a->area, b->area);
	if (!c)
		c = natural_cmp(a->chome, b->chome);
	if (!c)
		c = natural_cmp(a->address, b->address);
	if (!c)
		c = strcmp(a->number, b->number);
	return c;
}

int waste_route_build(struct waste_route *rt, struct store *s, const char *tenant,
		      const char *area, struct jp_date day, int with_cancelled, struct err *e)
{
	rt->day = day;
	snprintf(rt->area, sizeof rt->area, "%s", area ? area : "");
	struct build_ctx c = { rt, with_cancelled, e };
	int rc = waste_bookings_each(s, tenant, rt->area[0] ? rt->area : NULL, day, with_cancelled,
				     booking_fn, &c, e);
	if (rc < 0)
		return rc;
	if (rt->n > 1)
		qsort(rt->rows, (size_t)rt->n, sizeof rt->rows[0], row_cmp);
	return 0;
}

void waste_route_free(struct waste_route *rt)
{
	if (!rt)
		return;
	if (rt->rows)
		explicit_bzero(rt->rows, (size_t)rt->cap * sizeof *rt->rows);
	free(rt->rows);
	rt->rows = NULL;
	rt->n = rt->cap = 0;
}

/* ---- CSV ---- */

int waste_route_csv(struct buf *b, const struct waste_route *rt)
{
	static const char *const head[] = {
		"収集日", "地区", "受付番号", "町丁目", "住所", "出す場所", "品目", "点数",
		"手数料（円）", "支払い", "氏名", "電話番号",
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		rc |= csv_cell(b, head[i], i == 0);
	buf_puts(b, "\r\n");
	char day[JP_DATE_ISO_SIZE];
	jp_date_format_iso(day, sizeof day, rt->day, NULL);
	for (int i = 0; i < rt->n && rc == 0; i++) {
		const struct waste_route_row *w = &rt->rows[i];
		if (w->cancelled)
			continue;
		char pts[16], fee[16];
		snprintf(pts, sizeof pts, "%d", w->points);
		snprintf(fee, sizeof fee, "%d", w->fee_yen);
		rc |= csv_cell(b, day, 1);
		rc |= csv_cell(b, waste_route_area_name(rt, w->area), 0);
		rc |= csv_cell(b, w->number, 0);
		rc |= csv_cell(b, w->chome, 0);
		rc |= csv_cell(b, w->address, 0);
		rc |= csv_cell(b, w->place, 0);
		rc |= csv_cell(b, w->items, 0);
		rc |= csv_cell(b, pts, 0);
		rc |= csv_cell(b, fee, 0);
		rc |= csv_cell(b, waste_route_pay_ja(w->pay), 0);
		rc |= csv_cell(b, w->name, 0);
		rc |= csv_cell(b, w->phone, 0);
		buf_puts(b, "\r\n");
	}
	return rc ? ERR_LIMIT : 0;
}

/* ---- PDF ---- */

static void day_words(char *out, size_t size, struct jp_date d)
{
	char iso[JP_DATE_ISO_SIZE], wa[64];
	jp_date_format_iso(iso, sizeof iso, d, NULL);
	if (jp_wareki_format(wa, sizeof wa, d, JP_WAREKI_KANJI, 0, NULL))
		wa[0] = '\0';
	snprintf(out, size, "%s（%s）%s曜日", wa, iso, jp_weekday_name_ja(jp_date_weekday(d)));
}

int waste_route_pdf(char **pdf, size_t *len, const struct waste_route *rt, const char *ward,
		    struct err *e)
{
	struct pdf *d;
	*pdf = NULL;
	int rc = pdf_new_mem(&d, 0, e);
	if (rc)
		return rc;
	char day[128], line[2048];
	day_words(day, sizeof day, rt->day);
	pdf_set_title(d, "粗大ごみ収集 ルート表");
	int total = 0, points = 0;
	for (int i = 0; i < rt->n; i++)
		if (!rt->rows[i].cancelled) {
			total++;
			points += rt->rows[i].points;
		}
	snprintf(line, sizeof line, "%s 粗大ごみ収集 ルート表", ward ? ward : "");
	pdf_heading(d, line);
	snprintf(line, sizeof line, "収集日：%s\n地区：%s\n合計：%d件　%d点", day,
		 rt->area[0] ? waste_route_area_name(rt, rt->area) : "全地区", total, points);
	pdf_text(d, line, &(struct pdf_style){ .size = 11, .after = 10 });
	const struct pdf_style row_st = { .size = 10.5, .after = 4 };
	const struct pdf_style sub_st = { .size = 10, .indent = 18, .after = 6 };
	int i = 0;
	while (i < rt->n) {
		const char *area = rt->rows[i].area;
		int j = i, n = 0, p = 0;
		for (; j < rt->n && strcmp(rt->rows[j].area, area) == 0; j++)
			if (!rt->rows[j].cancelled) {
				n++;
				p += rt->rows[j].points;
			}
		if (n) {
			pdf_keep(d, 120);
			snprintf(line, sizeof line, "%s　%d件　%d点", waste_route_area_name(rt, area), n, p);
			pdf_text(d, line, &(struct pdf_style){ .size = 13, .bold = 1, .after = 4 });
			pdf_text(d, "済　受付番号　住所／出す場所・品目・支払い", &(struct pdf_style){ .size = 9, .after = 2 });
			pdf_rule(d, 0, 0);
			pdf_space(d, 4);
		}
		for (int k = i; k < j; k++) {
			const struct waste_route_row *w = &rt->rows[k];
			if (w->cancelled)
				continue;
			pdf_keep(d, 60);
			snprintf(line, sizeof line, "□　%s　%s %s", w->number, w->chome, w->address);
			pdf_text(d, line, &row_st);
			/* unpaid: the fee, so the crew knows what the tickets on the items should add up to */
			char fee[48] = "";
			if (w->pay == WASTE_UNPAID)
				snprintf(fee, sizeof fee, "（手数料 %d円）", w->fee_yen);
			snprintf(line, sizeof line, "出す場所：%s　支払い：%s%s\n%s", w->place[0] ? w->place : "－",
				 waste_route_pay_ja(w->pay), fee, w->items);
			pdf_text(d, line, &sub_st);
			pdf_rule(d, 0, 0);
			pdf_space(d, 4);
		}
		i = j;
	}
	if (total == 0)
		pdf_paragraph(d, "この日の予約はありません。");
	rc = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return rc;
}

/* ---- the handlers ---- */

/* day and area of the request into rt; ERR_INVALID for a bad day */
static int route_of(struct waste_route *rt, struct http_req *r, const char **object, int with_cancelled,
		    struct err *e)
{
	struct app_req *q = app_req(r);
	const char *ds = http_param(r, "day"), *area = http_param(r, "area");
	struct jp_date day;
	memset(rt, 0, sizeof *rt);
	if (!ds || jp_date_parse_iso(&day, ds, e))
		return err_set(e, ERR_INVALID, "waste route: bad day");
	if (area && strcmp(area, "all") == 0)
		area = NULL;
	*object = arena_printf(r->arena, "%s/%s", ds, area ? area : "all");
	int rc = waste_route_areas(rt, app_store(r), q->tenant.code, e);
	int known = !area;
	for (int i = 0; i < rt->nareas && !known; i++)
		known = strcmp(rt->areas[i].code, area) == 0;
	if (rc == 0 && !known)
		rc = err_set(e, ERR_NOTFOUND, "waste route: no such area");
	if (rc == 0)
		rc = waste_route_build(rt, app_store(r), q->tenant.code, area, day, with_cancelled, e);
	if (rc)
		waste_route_free(rt);
	return rc;
}

static const char *file_name(struct http_req *r, const struct waste_route *rt, const char *tail)
{
	char iso[JP_DATE_ISO_SIZE];
	jp_date_format_iso(iso, sizeof iso, rt->day, NULL);
	return arena_printf(r->arena, "attachment; filename=\"waste-route-%s-%s%s\"", iso,
			    rt->area[0] ? rt->area : "all", tail);
}

static void free_wiped(void *arg)
{
	struct buf *b = arg;
	if (b->data)
		explicit_bzero(b->data, b->len);
	buf_done(b);
}

int page_staff_waste_route_csv(struct http_req *r)
{
	struct waste_route rt;
	const char *object = "-";
	struct err e;
	int rc = route_of(&rt, r, &object, 0, &e);
	if (rc) {
		app_audit(r, AUDIT_A_EXPORT, "waste.route.csv", object, AUDIT_R_FAILED);
		return rc == ERR_INVALID ? app_send_error(r, rc, "waste.staff.error.day", e.detail) :
		       rc == ERR_NOTFOUND ? app_send_error(r, rc, "waste.staff.error.area", e.detail) :
		       http_send_error(r, rc, NULL, NULL, e.detail);
	}
	int cp932 = http_param(r, "enc") && strcmp(http_param(r, "enc"), "cp932") == 0;
	struct buf *b = arena_alloc(r->arena, sizeof *b);
	if (!b || (buf_init(b, JP_CP932_MAX), arena_cleanup_add(r->arena, free_wiped, b))) {
		waste_route_free(&rt);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "waste route csv: no memory");
	}
	if (!cp932)
		buf_puts(b, "\xef\xbb\xbf");
	rc = waste_route_csv(b, &rt);
	waste_route_free(&rt);
	long replaced = 0;
	char *body = NULL;
	size_t len = 0;
	if (rc == 0 && cp932) {
		rc = jp_utf8_to_cp932_geta(&body, &len, &replaced, buf_cstr(b), b->len, &e);
		if (rc == 0 && arena_cleanup_add(r->arena, free, body)) {
			free(body);
			rc = ERR_NOMEM;
		}
	}
	app_audit(r, AUDIT_A_EXPORT, "waste.route.csv", object, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, "waste route csv: build or encode failed");
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition", file_name(r, &rt, cp932 ? "-sjis.csv" : "-utf8.csv"));
	http_set_header(r, "x-replaced-characters", arena_printf(r->arena, "%ld", replaced));
	if (cp932)
		return http_send(r, 200, "text/csv; charset=Shift_JIS", body, len);
	return http_send(r, 200, "text/csv; charset=utf-8", buf_cstr(b), b->len);
}

/* the PDF is drawn on the blocking pool; the job owns the rows */
struct pdf_job {
	struct waste_route rt;
	char ward[256];
	char object[64];
	char fname[160];
	int rc;
	struct err e;
	char *pdf;
	size_t len;
};

static void pdf_work(void *arg, void *pool_ctx)
{
	(void)pool_ctx;
	struct pdf_job *j = arg;
	j->rc = waste_route_pdf(&j->pdf, &j->len, &j->rt, j->ward, &j->e);
	waste_route_free(&j->rt);
}

static void pdf_discard(void *arg)
{
	struct pdf_job *j = arg;
	waste_route_free(&j->rt);
	free(j->pdf);
}

static int pdf_done(struct http_req *r, void *arg)
{
	struct pdf_job *j = arg;
	waste_route_free(&j->rt);
	app_audit(r, AUDIT_A_EXPORT, "waste.route.pdf", j->object, j->rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (j->rc)
		return http_send_error(r, j->rc, NULL, NULL, j->e.detail);
	if (arena_cleanup_add(r->arena, free, j->pdf)) {
		free(j->pdf);
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "waste route pdf: no memory");
	}
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition", arena_strdup(r->arena, j->fname));
	return http_send(r, 200, "application/pdf", j->pdf, j->len);
}

int page_staff_waste_route_pdf(struct http_req *r)
{
	struct pdf_job *j = arena_alloc(r->arena, sizeof *j);
	if (!j)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "waste route pdf: no memory");
	memset(j, 0, sizeof *j);
	const char *object = "-";
	int rc = route_of(&j->rt, r, &object, 0, &j->e);
	snprintf(j->object, sizeof j->object, "%s", object);
	if (rc) {
		app_audit(r, AUDIT_A_EXPORT, "waste.route.pdf", j->object, AUDIT_R_FAILED);
		return rc == ERR_INVALID ? app_send_error(r, rc, "waste.staff.error.day", j->e.detail) :
		       rc == ERR_NOTFOUND ? app_send_error(r, rc, "waste.staff.error.area", j->e.detail) :
		       http_send_error(r, rc, NULL, NULL, j->e.detail);
	}
	snprintf(j->ward, sizeof j->ward, "%s", app_req(r)->tenant.name_ja);
	snprintf(j->fname, sizeof j->fname, "%s", file_name(r, &j->rt, ".pdf"));
	if ((rc = http_defer_owned(r, pdf_work, pdf_done, pdf_discard, j, sizeof *j))) {
		waste_route_free(&j->rt);
		return http_send_error(r, rc, NULL, NULL, "waste route pdf: cannot defer");
	}
	return 0;
}
