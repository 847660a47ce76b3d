/*
 * reports.c -- citizen reports (contract in reports.h): checking, the
 * idempotent submit with its rate limits and routing, reading, listing,
 * "the same problem nearby", state changes, assignment, moderation, the
 * history, the photos' copies and bytes, and the Open311 API keys.
 *
 * Invariants kept here for every way in (page, Open311, CLI): one report
 * per idempotency key (INSERT ... ON CONFLICT DO NOTHING, then the first
 * report is answered); the rate limits counted in the inserting
 * transaction; every change of a report and its history row commit
 * together; a client address is stored only as a keyed hash
 * (source_hash); nothing here logs, and no error detail names personal
 * data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/util.h"
#include "jp/text.h"
#include "store/store.h"
#include "svc/dept/dept.h"
#include "svc/reports/reports.h"

static const char *const state_names[REPORTS_NSTATES] = {
	"received", "in_progress", "done", "declined", "transferred",
};

const char *reports_state_name(int state)
{
	return state >= 0 && state < REPORTS_NSTATES ? state_names[state] : NULL;
}

int reports_state_parse(const char *name)
{
	for (int i = 0; name && i < REPORTS_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

int reports_state_open(int state)
{
	return state == REPORTS_RECEIVED || state == REPORTS_IN_PROGRESS;
}

const char *reports_open311_status(int state)
{
	return reports_state_open(state) ? "open" : "closed";
}

/* ---- checks ---- */

int reports_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > REPORTS_CODE_MAX)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return ERR_INVALID;
	}
	return 0;
}

static int blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
			 (unsigned char)s[2] == 0x80)
			s += 3;
		else
			return 0;
	}
	return 1;
}

int reports_text_ok(const char *s, size_t min, size_t max, int multiline)
{
	if (!s)
		return min == 0;
	size_t n = strlen(s), bad;
	if (n < min || n > max || jp_text_utf8_validate(&bad, s, n, NULL))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))))
			return 0;
	}
	return min == 0 || !blank(s);
}

static int empty(const char *s)
{
	return !s || !*s;
}

static int key_ok(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n < REPORTS_KEY_MIN || n > REPORTS_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int email_ok(const char *s)
{
	if (!reports_text_ok(s, 3, REPORTS_EMAIL_MAX, 0))
		return 0;
	const char *at = strchr(s, '@');
	return at && at != s && at[1] && !strchr(at + 1, '@') && !strchr(s, ' ');
}

static int phone_ok(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n > REPORTS_PHONE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (!strchr("+-() ", s[i]))
			return 0;
	}
	return digits >= 5;
}

int reports_check(const struct reports_new *n, struct err *e)
{
	if (reports_code_ok(n->category))
		return err_set(e, ERR_INVALID, "category");
	if (n->has_pin && (n->lat_e6 < -90000000 || n->lat_e6 > 90000000 || n->lon_e6 < -180000000 ||
			   n->lon_e6 > 180000000))
		return err_set(e, ERR_INVALID, "pin");
	if (!reports_text_ok(n->address, 0, REPORTS_ADDRESS_MAX, 0))
		return err_set(e, ERR_INVALID, "address");
	if (!n->has_pin && (empty(n->address) || blank(n->address)))
		return err_set(e, ERR_INVALID, "pin");
	if (!reports_text_ok(n->description, 1, REPORTS_TEXT_MAX, 1))
		return err_set(e, ERR_INVALID, "description");
	if (!reports_text_ok(n->contact_name, 0, REPORTS_CONTACT_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "contact_name");
	if (!empty(n->contact_email) && !email_ok(n->contact_email))
		return err_set(e, ERR_INVALID, "contact_email");
	if (!empty(n->contact_phone) && !phone_ok(n->contact_phone))
		return err_set(e, ERR_INVALID, "contact_phone");
	if (!key_ok(n->key))
		return err_set(e, ERR_INVALID, "key");
	if (n->nphotos < 0 || n->nphotos > REPORTS_PHOTOS_MAX || (n->nphotos && !n->photos))
		return err_set(e, ERR_INVALID, "photos");
	for (int i = 0; i < n->nphotos; i++)
		if (!n->photos[i].large.data || !n->photos[i].small.data ||
		    n->photos[i].large.width > REPORTS_PHOTO_EDGE ||
		    n->photos[i].large.height > REPORTS_PHOTO_EDGE)
			return err_set(e, ERR_INVALID, "photos");
	return 0;
}

/* ---- transactions ---- */

static int tx_begin(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int tx_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* ---- categories ---- */

int reports_category_put(struct store *s, const char *tenant, const struct reports_category *c,
			 struct err *e)
{
	if (reports_code_ok(c->code))
		return err_set(e, ERR_INVALID, "code");
	if (!reports_text_ok(c->name_ja, 1, REPORTS_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "name_ja");
	if (!reports_text_ok(c->name_en, 1, REPORTS_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "name_en");
	if (!reports_text_ok(c->desc_ja, 0, REPORTS_DESC_MAX, 1))
		return err_set(e, ERR_INVALID, "desc_ja");
	if (!reports_text_ok(c->desc_en, 0, REPORTS_DESC_MAX, 1))
		return err_set(e, ERR_INVALID, "desc_en");
	if (c->grp[0] && reports_code_ok(c->grp))
		return err_set(e, ERR_INVALID, "grp");
	int64_t have = 0;
	struct store_val k[] = { sv_text(tenant), sv_text(c->code) };
	int rc = store_query_int(&have, s, "SELECT count(*) FROM reports_categories WHERE tenant = $1"
				 " AND code <> $2", k, 2, e);
	if (rc)
		return rc;
	if (have >= REPORTS_CATEGORIES_MAX)
		return err_set(e, ERR_LIMIT, "categories: at most %d", REPORTS_CATEGORIES_MAX);
	struct store_val v[] = {
		sv_text(tenant), sv_text(c->code), sv_text(c->name_ja), sv_text(c->name_en),
		sv_text(c->desc_ja), sv_text(c->desc_en), sv_text(c->grp), sv_int(c->active ? 1 : 0),
		sv_int(c->sort),
	};
	int n = store_exec(s, "INSERT INTO reports_categories (tenant, code, name_ja, name_en, desc_ja, desc_en,"
			   " grp, active, sort) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
			   " ON CONFLICT (tenant, code) DO UPDATE SET name_ja = excluded.name_ja,"
			   " name_en = excluded.name_en, desc_ja = excluded.desc_ja, desc_en = excluded.desc_en,"
			   " grp = excluded.grp, active = excluded.active, sort = excluded.sort",
			   v, SV_N(v), e);
	return n < 0 ? n : 0;
}

#define CAT_COLS "code, name_ja, name_en, desc_ja, desc_en, grp, active, sort"

static void row_category(struct reports_category *c, struct store_rows *r)
{
	copy(c->code, sizeof c->code, store_col_text(r, 0));
	copy(c->name_ja, sizeof c->name_ja, store_col_text(r, 1));
	copy(c->name_en, sizeof c->name_en, store_col_text(r, 2));
	copy(c->desc_ja, sizeof c->desc_ja, store_col_text(r, 3));
	copy(c->desc_en, sizeof c->desc_en, store_col_text(r, 4));
	copy(c->grp, sizeof c->grp, store_col_text(r, 5));
	c->active = (int)store_col_int(r, 6);
	c->sort = (int)store_col_int(r, 7);
}

int reports_category_get(struct reports_category *out, struct store *s, const char *tenant,
			 const char *code, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(code) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " CAT_COLS " FROM reports_categories WHERE tenant = $1 AND code = $2",
			     v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		row_category(out, r);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no such category");
	}
	store_rows_free(r);
	return rc;
}

int reports_category_each(struct store *s, const char *tenant, int active_only,
			  int (*fn)(void *arg, const struct reports_category *c), void *arg,
			  struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(active_only ? 1 : 0) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " CAT_COLS " FROM reports_categories WHERE tenant = $1"
			     " AND (active = 1 OR $2 = 0) ORDER BY sort, code", v, 2, e);
	if (rc)
		return rc;
	struct reports_category *c = malloc(sizeof *c);
	int n = 0;
	if (!c) {
		store_rows_free(r);
		return err_set(e, ERR_NOMEM, "no memory");
	}
	while ((rc = store_rows_next(r, e)) == 1 && n < REPORTS_CATEGORIES_MAX) {
		row_category(c, r);
		n++;
		if ((rc = fn(arg, c)))
			break;
	}
	free(c);
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

/* ---- areas ---- */

int reports_area_put(struct store *s, const char *tenant, const struct reports_area *a,
		     struct err *e)
{
	if (reports_code_ok(a->code))
		return err_set(e, ERR_INVALID, "code");
	if (!reports_text_ok(a->name_ja, 1, REPORTS_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "name_ja");
	if (!reports_text_ok(a->name_en, 1, REPORTS_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "name_en");
	if (!reports_text_ok(a->address, 0, REPORTS_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "address");
	if (a->has_box && (a->min_lat > a->max_lat || a->min_lon > a->max_lon || a->min_lat < -90000000 ||
			   a->max_lat > 90000000 || a->min_lon < -180000000 || a->max_lon > 180000000))
		return err_set(e, ERR_INVALID, "box");
	if (!a->has_box && !a->address[0])
		return err_set(e, ERR_INVALID, "box");
	struct store_val v[] = {
		sv_text(tenant), sv_text(a->code), sv_text(a->name_ja), sv_text(a->name_en),
		a->has_box ? sv_int(a->min_lat) : sv_null(), a->has_box ? sv_int(a->min_lon) : sv_null(),
		a->has_box ? sv_int(a->max_lat) : sv_null(), a->has_box ? sv_int(a->max_lon) : sv_null(),
		sv_text(a->address), sv_int(a->sort),
	};
	int n = store_exec(s, "INSERT INTO reports_areas (tenant, code, name_ja, name_en, min_lat, min_lon,"
			   " max_lat, max_lon, address, sort) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
			   " ON CONFLICT (tenant, code) DO UPDATE SET name_ja = excluded.name_ja,"
			   " name_en = excluded.name_en, min_lat = excluded.min_lat, min_lon = excluded.min_lon,"
			   " max_lat = excluded.max_lat, max_lon = excluded.max_lon, address = excluded.address,"
			   " sort = excluded.sort", v, SV_N(v), e);
	return n < 0 ? n : 0;
}

int reports_area_each(struct store *s, const char *tenant,
		      int (*fn)(void *arg, const struct reports_area *a), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT code, name_ja, name_en, min_lat, min_lon, max_lat, max_lon, address,"
			     " sort FROM reports_areas WHERE tenant = $1 ORDER BY sort, code", v, 1, e);
	if (rc)
		return rc;
	struct reports_area a;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1 && n < REPORTS_AREAS_MAX) {
		memset(&a, 0, sizeof a);
		copy(a.code, sizeof a.code, store_col_text(r, 0));
		copy(a.name_ja, sizeof a.name_ja, store_col_text(r, 1));
		copy(a.name_en, sizeof a.name_en, store_col_text(r, 2));
		a.has_box = !store_col_isnull(r, 3);
		if (a.has_box) {
			a.min_lat = store_col_int(r, 3);
			a.min_lon = store_col_int(r, 4);
			a.max_lat = store_col_int(r, 5);
			a.max_lon = store_col_int(r, 6);
		}
		copy(a.address, sizeof a.address, store_col_text(r, 7));
		a.sort = (int)store_col_int(r, 8);
		n++;
		if ((rc = fn(arg, &a)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

/* ---- routes ---- */

static int route_check(struct store *s, const char *tenant, const struct reports_route *r, struct err *e)
{
	if (r->category[0] && reports_code_ok(r->category))
		return err_set(e, ERR_INVALID, "category");
	if (r->area[0] && reports_code_ok(r->area))
		return err_set(e, ERR_INVALID, "area");
	if (!r->dept[0] == !r->outside[0])
		return err_set(e, ERR_INVALID, "dept");
	if (r->outside[0] && !reports_text_ok(r->outside, 1, REPORTS_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "outside");
	if (!reports_text_ok(r->contact, 0, REPORTS_NOTE_MAX, 1))
		return err_set(e, ERR_INVALID, "contact");
	if (r->dept[0]) {
		struct dept *d = malloc(sizeof *d);
		if (!d)
			return err_set(e, ERR_NOMEM, "no memory");
		int rc = dept_code_ok(r->dept) ? ERR_NOTFOUND : dept_get(d, s, tenant, r->dept, NULL);
		free(d);
		if (rc == ERR_NOTFOUND)
			return err_set(e, ERR_INVALID, "dept");
		if (rc)
			return err_set(e, rc, "dept: cannot read");
	}
	if (r->category[0]) {
		struct reports_category c;
		if (reports_category_get(&c, s, tenant, r->category, NULL))
			return err_set(e, ERR_INVALID, "category");
	}
	if (r->area[0]) {
		int64_t n = 0;
		struct store_val v[] = { sv_text(tenant), sv_text(r->area) };
		int rc = store_query_int(&n, s, "SELECT count(*) FROM reports_areas WHERE tenant = $1 AND code = $2",
					 v, 2, e);
		if (rc)
			return rc;
		if (!n)
			return err_set(e, ERR_INVALID, "area");
	}
	return 0;
}

int reports_route_put(int64_t *id, struct store *s, const char *tenant,
		      const struct reports_route *r, struct err *e)
{
	int rc = route_check(s, tenant, r, e);
	if (rc)
		return rc;
	int64_t n = 0;
	struct store_val k[] = { sv_text(tenant) };
	if ((rc = store_query_int(&n, s, "SELECT count(*) FROM reports_routes WHERE tenant = $1", k, 1, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(r->category), sv_text(r->area), sv_text(r->dept),
				 sv_text(r->outside), sv_text(r->contact), sv_int(r->id) };
	if (r->id) {
		int x = store_exec(s, "UPDATE reports_routes SET category = $2, area = $3, dept = $4, outside = $5,"
				   " contact = $6 WHERE tenant = $1 AND id = $7", v, SV_N(v), e);
		if (x < 0)
			return x;
		if (!x)
			return err_set(e, ERR_NOTFOUND, "no such route");
		*id = r->id;
		return 0;
	}
	if (n >= REPORTS_ROUTES_MAX)
		return err_set(e, ERR_LIMIT, "routes: at most %d", REPORTS_ROUTES_MAX);
	int64_t have = 0;
	if ((rc = store_query_int(&have, s, "SELECT count(*) FROM reports_routes WHERE tenant = $1 AND category = $2"
				  " AND area = $3", v, 3, e)))
		return rc;
	if (have)
		return err_set(e, ERR_CONFLICT, "route exists");
	return store_query_int(id, s, "INSERT INTO reports_routes (tenant, category, area, dept, outside, contact)"
			       " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", v, 6, e);
}

int reports_route_delete(struct store *s, const char *tenant, int64_t id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	int n = store_exec(s, "DELETE FROM reports_routes WHERE tenant = $1 AND id = $2", v, 2, e);
	return n < 0 ? n : n ? 0 : err_set(e, ERR_NOTFOUND, "no such route");
}

int reports_route_each(struct store *s, const char *tenant,
		       int (*fn)(void *arg, const struct reports_route *r), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, category, area, dept, outside, contact FROM reports_routes"
			     " WHERE tenant = $1 ORDER BY category, area, id", v, 1, e);
	if (rc)
		return rc;
	struct reports_route *x = malloc(sizeof *x);
	int n = 0;
	if (!x) {
		store_rows_free(r);
		return err_set(e, ERR_NOMEM, "no memory");
	}
	while ((rc = store_rows_next(r, e)) == 1 && n < REPORTS_ROUTES_MAX) {
		x->id = store_col_int(r, 0);
		copy(x->category, sizeof x->category, store_col_text(r, 1));
		copy(x->area, sizeof x->area, store_col_text(r, 2));
		copy(x->dept, sizeof x->dept, store_col_text(r, 3));
		copy(x->outside, sizeof x->outside, store_col_text(r, 4));
		copy(x->contact, sizeof x->contact, store_col_text(r, 5));
		n++;
		if ((rc = fn(arg, x)))
			break;
	}
	free(x);
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

struct area_find {
	int has_pin;
	int64_t lat, lon;
	const char *address;
	char *box, *text;    /* the first area by box, by address */
};

static int area_match(void *arg, const struct reports_area *a)
{
	struct area_find *f = arg;
	if (!f->box[0] && f->has_pin && a->has_box && f->lat >= a->min_lat && f->lat <= a->max_lat &&
	    f->lon >= a->min_lon && f->lon <= a->max_lon)
		copy(f->box, REPORTS_CODE_MAX + 1, a->code);
	if (!f->text[0] && f->address && a->address[0] && strstr(f->address, a->address))
		copy(f->text, REPORTS_CODE_MAX + 1, a->code);
	return 0;
}

int reports_route_find(struct reports_route *route, char area[REPORTS_CODE_MAX + 1],
		       struct store *s, const char *tenant, const char *category, int has_pin,
		       int64_t lat_e6, int64_t lon_e6, const char *address, struct err *e)
{
	memset(route, 0, sizeof *route);
	char by_text[REPORTS_CODE_MAX + 1] = "";
	area[0] = 0;
	struct area_find f = { has_pin, lat_e6, lon_e6, address, area, by_text };
	int rc = reports_area_each(s, tenant, area_match, &f, e);
	if (rc < 0)
		return rc;
	if (!area[0])
		copy(area, REPORTS_CODE_MAX + 1, by_text);
	/* the most specific route: category+area, category, area, default */
	struct store_val v[] = { sv_text(tenant), sv_text(category), sv_text(area) };
	struct store_rows *r;
	rc = store_query(&r, s, "SELECT id, category, area, dept, outside, contact FROM reports_routes"
			 " WHERE tenant = $1 AND (category = $2 OR category = '') AND (area = $3 OR area = '')"
			 " ORDER BY CASE WHEN category = '' THEN 1 ELSE 0 END, CASE WHEN area = '' THEN 1 ELSE 0 END"
			 " LIMIT 1", v, 3, e);
	if (rc)
		return rc;
	if ((rc = store_rows_next(r, e)) == 1) {
		route->id = store_col_int(r, 0);
		copy(route->category, sizeof route->category, store_col_text(r, 1));
		copy(route->area, sizeof route->area, store_col_text(r, 2));
		copy(route->dept, sizeof route->dept, store_col_text(r, 3));
		copy(route->outside, sizeof route->outside, store_col_text(r, 4));
		copy(route->contact, sizeof route->contact, store_col_text(r, 5));
		rc = 0;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* ---- photos ---- */

int reports_photo_prepare(struct reports_photo_copies *out, struct image_gps *gps,
			  const void *data, size_t n, struct err *e)
{
	memset(out, 0, sizeof *out);
	memset(gps, 0, sizeof *gps);
	struct image_limits lim = { .max_bytes = REPORTS_PHOTO_BYTES_MAX, .max_pixels = REPORTS_PHOTO_PIXELS_MAX };
	int rc = image_process(&out->large, data, n, REPORTS_PHOTO_EDGE, &lim, e);
	if (rc)
		return rc;
	*gps = out->large.gps;
	/* the copies carry no metadata (image.h); the position is the
	 * caller's to use, and no copy keeps it */
	memset(&out->large.gps, 0, sizeof out->large.gps);
	rc = image_process(&out->small, out->large.data, out->large.len, REPORTS_PHOTO_EDGE_SMALL, NULL, e);
	if (rc) {
		reports_photo_copies_done(out);
		return rc;
	}
	return 0;
}

void reports_photo_copies_done(struct reports_photo_copies *c)
{
	if (!c)
		return;
	image_out_done(&c->large);
	image_out_done(&c->small);
}

/* ---- the source's hash ---- */

/* hex of a keyed BLAKE2b of the client address, the key the municipality's
 * salt (made at its first report): counts a source's reports without
 * keeping its address */
static int source_hash(char out[65], struct store *s, const char *tenant, const char *source,
		       struct err *e)
{
	out[0] = 0;
	if (empty(source))
		return 0;
	char fresh[65];
	unsigned char raw[32];
	if (random_bytes(raw, sizeof raw))
		return err_set(e, ERR_IO, "no randomness");
	hex_encode(fresh, raw, sizeof raw);
	struct store_val v[] = { sv_text(tenant), sv_text(fresh) };
	int rc = store_exec(s, "INSERT INTO reports_salt (tenant, salt) VALUES ($1, $2)"
			    " ON CONFLICT (tenant) DO NOTHING", v, 2, e);
	if (rc < 0)
		return rc;
	char *salt = NULL;
	if ((rc = store_query_text(&salt, s, "SELECT salt FROM reports_salt WHERE tenant = $1", v, 1, e)))
		return rc;
	unsigned char key[32], h[32];
	rc = hex_decode(key, sizeof key, salt) ? err_set(e, ERR_INVALID, "salt") : 0;
	free(salt);
	if (rc)
		return rc;
	crypto_generichash(h, sizeof h, (const unsigned char *)source, strlen(source), key, sizeof key);
	sodium_memzero(key, sizeof key);
	hex_encode(out, h, sizeof h);
	return 0;
}

/* ---- submit ---- */

static int count_since(int64_t *n, struct store *s, const char *sql, const char *tenant, struct store_val who,
		       int64_t since, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), who, sv_int(since) };
	return store_query_int(n, s, sql, v, 3, e);
}

static int limits(struct store *s, const char *tenant, const struct reports_new *n, const char *src,
		  int64_t now, struct err *e)
{
	int64_t c = 0;
	int rc;
	if (n->apikey) {
		if ((rc = count_since(&c, s, "SELECT count(*) FROM reports WHERE tenant = $1 AND apikey = $2"
				      " AND created_at > $3", tenant, sv_int(n->apikey), now - 3600, e)))
			return rc;
		if (c >= REPORTS_PER_HOUR_KEY)
			return err_set(e, ERR_LIMIT, "apikey");
	} else if (src[0]) {
		if ((rc = count_since(&c, s, "SELECT count(*) FROM reports WHERE tenant = $1 AND source = $2"
				      " AND created_at > $3", tenant, sv_text(src), now - 3600, e)))
			return rc;
		if (c >= REPORTS_PER_HOUR_SOURCE)
			return err_set(e, ERR_LIMIT, "source");
	}
	if (n->account) {
		if ((rc = count_since(&c, s, "SELECT count(*) FROM reports WHERE tenant = $1 AND account = $2"
				      " AND created_at > $3", tenant, sv_int(n->account), now - 3600, e)))
			return rc;
		if (c >= REPORTS_PER_HOUR_ACCOUNT)
			return err_set(e, ERR_LIMIT, "account");
	}
	return 0;
}

static int history_add(struct store *s, const char *tenant, int64_t id, const char *kind, int state,
		       const char *note, int64_t staff, const char *login, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_text(kind), sv_text(reports_state_name(state)),
				 sv_text(note ? note : ""), staff ? sv_int(staff) : sv_null(),
				 sv_text(login ? login : ""), sv_int(now) };
	int n = store_exec(s, "INSERT INTO reports_history (tenant, report, kind, state, note, by_staff, by_login, at)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", v, SV_N(v), e);
	return n < 0 ? n : 0;
}

static int by_key(int64_t *id, struct store *s, const char *tenant, const char *key, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(key) };
	return store_query_int(id, s, "SELECT id FROM reports WHERE tenant = $1 AND idem_key = $2", v, 2, e);
}

static int submit(int64_t *id, int *again, struct store *s, const char *tenant, const struct reports_new *n,
		  int64_t now, struct err *e)
{
	int rc = by_key(id, s, tenant, n->key, NULL);
	if (rc == 0) {
		*again = 1;
		return 0;
	}
	struct reports_category c;
	if ((rc = reports_category_get(&c, s, tenant, n->category, NULL)) == ERR_NOTFOUND || (!rc && !c.active))
		return err_set(e, ERR_INVALID, "category");
	if (rc)
		return err_set(e, rc, "category: cannot read");
	char src[65];
	if ((rc = source_hash(src, s, tenant, n->source, e)))
		return rc;
	if ((rc = limits(s, tenant, n, src, now, e)))
		return rc;
	struct reports_route route;
	char area[REPORTS_CODE_MAX + 1];
	if ((rc = reports_route_find(&route, area, s, tenant, n->category, n->has_pin, n->lat_e6, n->lon_e6,
				     n->address, e)))
		return rc;
	struct store_val v[] = {
		sv_text(tenant), sv_text(n->category), n->has_pin ? sv_int(n->lat_e6) : sv_null(),
		n->has_pin ? sv_int(n->lon_e6) : sv_null(), sv_text(n->address ? n->address : ""),
		sv_text(n->description), sv_text(area), sv_text(route.dept), sv_text(route.outside),
		sv_text(route.contact), sv_text(n->contact_name ? n->contact_name : ""),
		sv_text(n->contact_email ? n->contact_email : ""), sv_text(n->contact_phone ? n->contact_phone : ""),
		n->account ? sv_int(n->account) : sv_null(), sv_text(src),
		n->apikey ? sv_int(n->apikey) : sv_null(), sv_text(n->key), sv_text(n->via ? n->via : "web"),
		sv_int(now),
	};
	struct store_rows *r;
	rc = store_query(&r, s, "INSERT INTO reports (tenant, category, state, lat, lon, address, description, area,"
			 " dept, outside, outside_contact, contact_name, contact_email, contact_phone, account, source,"
			 " apikey, idem_key, via, created_at, updated_at) VALUES ($1, $2, 'received', $3, $4, $5, $6,"
			 " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)"
			 " ON CONFLICT (tenant, idem_key) DO NOTHING RETURNING id", v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		*id = store_col_int(r, 0);
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0) {   /* the same key committed meanwhile: its report */
		*again = 1;
		return by_key(id, s, tenant, n->key, e);
	}
	for (int i = 0; i < n->nphotos; i++) {
		const struct reports_photo_copies *p = &n->photos[i];
		struct store_val pv[] = {
			sv_text(tenant), sv_int(*id), sv_int(i + 1), sv_text(p->large.mime),
			sv_int(p->large.width), sv_int(p->large.height), sv_int(p->small.width),
			sv_int(p->small.height), sv_blob(p->large.data, p->large.len),
			sv_blob(p->small.data, p->small.len),
		};
		int x = store_exec(s, "INSERT INTO reports_photos (tenant, report, n, mime, width, height, small_width,"
				   " small_height, large, small) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
				   pv, SV_N(pv), e);
		if (x < 0)
			return x;
	}
	return history_add(s, tenant, *id, "created", REPORTS_RECEIVED, "", 0, "", now, e);
}

int reports_submit(int64_t *id, int *again, struct store *s, const char *tenant,
		   const struct reports_new *n, int64_t now, struct err *e)
{
	*id = 0;
	*again = 0;
	int rc = reports_check(n, e);
	if (rc)
		return rc;
	int own;
	if ((rc = tx_begin(s, &own, e)))
		return rc;
	return tx_end(s, own, submit(id, again, s, tenant, n, now, e), e);
}

/* ---- reading ---- */

#define REPORT_COLS "r.id, r.category, r.state, r.lat, r.lon, r.address, r.description, r.desc_hidden," \
	" r.hide_reason, r.area, r.dept, r.outside, r.outside_contact, r.contact_name, r.contact_email," \
	" r.contact_phone, r.account, r.via, r.note, r.created_at, r.updated_at," \
	" (SELECT count(*) FROM reports_photos p WHERE p.report = r.id)," \
	" (SELECT count(*) FROM reports_photos p WHERE p.report = r.id AND p.hidden = 0)"

static const char *adup(struct arena *a, const char *s)
{
	const char *d = arena_strdup(a, s ? s : "");
	return d ? d : "";
}

static void row_report(struct reports_report *o, struct arena *a, struct store_rows *r)
{
	memset(o, 0, sizeof *o);
	o->id = store_col_int(r, 0);
	copy(o->category, sizeof o->category, store_col_text(r, 1));
	o->state = reports_state_parse(store_col_text(r, 2));
	if (o->state < 0)
		o->state = REPORTS_RECEIVED;
	o->has_pin = !store_col_isnull(r, 3);
	if (o->has_pin) {
		o->lat_e6 = store_col_int(r, 3);
		o->lon_e6 = store_col_int(r, 4);
	}
	o->address = adup(a, store_col_text(r, 5));
	o->description = adup(a, store_col_text(r, 6));
	o->desc_hidden = (int)store_col_int(r, 7);
	o->hide_reason = adup(a, store_col_text(r, 8));
	copy(o->area, sizeof o->area, store_col_text(r, 9));
	copy(o->dept, sizeof o->dept, store_col_text(r, 10));
	o->outside = adup(a, store_col_text(r, 11));
	o->outside_contact = adup(a, store_col_text(r, 12));
	o->contact_name = adup(a, store_col_text(r, 13));
	o->contact_email = adup(a, store_col_text(r, 14));
	o->contact_phone = adup(a, store_col_text(r, 15));
	o->account = store_col_isnull(r, 16) ? 0 : store_col_int(r, 16);
	o->via = adup(a, store_col_text(r, 17));
	o->note = adup(a, store_col_text(r, 18));
	o->created_at = store_col_int(r, 19);
	o->updated_at = store_col_int(r, 20);
	o->nphotos = (int)store_col_int(r, 21);
	o->nphotos_shown = (int)store_col_int(r, 22);
}

int reports_get(struct reports_report *out, struct arena *a, struct store *s, const char *tenant,
		int64_t id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " REPORT_COLS " FROM reports r WHERE r.tenant = $1 AND r.id = $2",
			     v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		row_report(out, a, r);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no such report");
	}
	store_rows_free(r);
	return rc;
}

int reports_list(struct store *s, const char *tenant, const struct reports_query *q,
		 struct arena *a, int (*fn)(void *arg, const struct reports_report *r), void *arg,
		 struct err *e)
{
	if (q->limit < 1 || q->limit > REPORTS_LIST_MAX || q->offset < 0)
		return err_set(e, ERR_INVALID, "limit");
	if (q->state < -1 || q->state > REPORTS_NSTATES)
		return err_set(e, ERR_INVALID, "state");
	/* $1 tenant, $2 state (NULL any), $3 open only, $4 category, $5 dept,
	 * $6 area, $7 account, $8 id, $9 from, $10 until, $11 closed only,
	 * $12 updated_from, $13 outside-or-none */
	const char *dept = empty(q->dept) ? NULL : q->dept;
	int outside = dept && strcmp(dept, "-") == 0;
	struct store_val v[] = {
		sv_text(tenant),
		q->state >= 0 && q->state < REPORTS_NSTATES ? sv_text(reports_state_name(q->state)) : sv_null(),
		sv_int(q->state == REPORTS_NSTATES), sv_text(empty(q->category) ? NULL : q->category),
		sv_text(outside ? NULL : dept), sv_text(empty(q->area) ? NULL : q->area), sv_int(q->account),
		sv_int(q->id), sv_int(q->from), sv_int(q->until), sv_int(q->closed_only),
		sv_int(q->updated_from), sv_int(outside),
		sv_int(q->limit), sv_int(q->offset),
	};
	static const char where[] =
		" FROM reports r WHERE r.tenant = $1 AND (CAST($2 AS TEXT) IS NULL OR r.state = $2)"
		" AND ($3 = 0 OR r.state IN ('received', 'in_progress'))"
		" AND (CAST($4 AS TEXT) IS NULL OR r.category = $4)"
		" AND (CAST($5 AS TEXT) IS NULL OR r.dept = $5)"
		" AND (CAST($6 AS TEXT) IS NULL OR r.area = $6)"
		" AND ($7 = 0 OR r.account = $7) AND ($8 = 0 OR r.id = $8)"
		" AND ($9 = 0 OR r.created_at >= $9) AND ($10 = 0 OR r.created_at < $10)"
		" AND ($11 = 0 OR r.state IN ('done', 'declined', 'transferred'))"
		" AND ($12 = 0 OR r.updated_at >= $12) AND ($13 = 0 OR r.dept = '')";
	char sql[2048];
	int64_t total = 0;
	snprintf(sql, sizeof sql, "SELECT count(*)%s", where);
	int rc = store_query_int(&total, s, sql, v, 13, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "SELECT " REPORT_COLS "%s ORDER BY r.id %s LIMIT $14 OFFSET $15", where,
		 q->oldest_first ? "ASC" : "DESC");
	struct store_rows *r;
	if ((rc = store_query(&r, s, sql, v, SV_N(v), e)))
		return rc;
	struct reports_report rep;
	while ((rc = store_rows_next(r, e)) == 1) {
		row_report(&rep, a, r);
		if ((rc = fn(arg, &rep)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : (int)(total > 1000000000 ? 1000000000 : total);
}

double reports_distance_m(int64_t lat1_e6, int64_t lon1_e6, int64_t lat2_e6, int64_t lon2_e6)
{
	const double R = 6371008.8, k = M_PI / 180e6;
	double p1 = lat1_e6 * k, p2 = lat2_e6 * k, dp = (lat2_e6 - lat1_e6) * k, dl = (lon2_e6 - lon1_e6) * k;
	double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	return 2 * R * asin(sqrt(h < 1 ? h : 1));
}

int reports_nearby(int64_t *out, int max, struct store *s, const char *tenant, const char *category,
		   int64_t lat_e6, int64_t lon_e6, int meters, struct err *e)
{
	if (max < 1 || meters < 1 || meters > 10000)
		return err_set(e, ERR_INVALID, "nearby");
	/* a box around the pin (a degree of latitude is >= 110.5 km; of
	 * longitude, that times cos(lat)), then the exact distance */
	int64_t dlat = (int64_t)(meters / 110000.0 * 1e6) + 1;
	double c = cos(lat_e6 / 1e6 * M_PI / 180);
	int64_t dlon = c > 0.01 ? (int64_t)(meters / (110000.0 * c) * 1e6) + 1 : 180000000;
	struct store_val v[] = { sv_text(tenant), sv_text(category), sv_int(lat_e6 - dlat), sv_int(lat_e6 + dlat),
				 sv_int(lon_e6 - dlon), sv_int(lon_e6 + dlon) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, lat, lon FROM reports WHERE tenant = $1 AND category = $2"
			     " AND state IN ('received', 'in_progress') AND lat BETWEEN $3 AND $4"
			     " AND lon BETWEEN $5 AND $6 ORDER BY id DESC LIMIT 500", v, SV_N(v), e);
	if (rc)
		return rc;
	int n = 0;
	double dist[64];
	if (max > 64)
		max = 64;
	while ((rc = store_rows_next(r, e)) == 1) {
		double d = reports_distance_m(lat_e6, lon_e6, store_col_int(r, 1), store_col_int(r, 2));
		if (d > meters)
			continue;
		int64_t id = store_col_int(r, 0);
		/* insert by distance, keeping the max nearest */
		int i = n < max ? n++ : max;
		while (i > 0 && dist[i - 1] > d) {
			if (i < max) {
				dist[i] = dist[i - 1];
				out[i] = out[i - 1];
			}
			i--;
		}
		if (i < max) {
			dist[i] = d;
			out[i] = id;
		}
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

/* ---- changes by staff ---- */

static int current_state(int *state, struct store *s, const char *tenant, int64_t id, struct err *e)
{
	char *st = NULL;
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	int rc = store_query_text(&st, s, "SELECT state FROM reports WHERE tenant = $1 AND id = $2", v, 2, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no such report");
	if (rc)
		return rc;
	*state = reports_state_parse(st);
	free(st);
	return 0;
}

static int set_state(struct store *s, const char *tenant, int64_t id, int from, int to, const char *note,
		     int64_t staff, const char *login, int64_t now, struct err *e)
{
	int cur;
	int rc = current_state(&cur, s, tenant, id, e);
	if (rc)
		return rc;
	if (cur != from)
		return err_set(e, ERR_CONFLICT, "state changed meanwhile");
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_text(reports_state_name(from)),
				 sv_text(reports_state_name(to)), sv_text(note), sv_int(now) };
	int n = store_exec(s, "UPDATE reports SET state = $4, note = $5, updated_at = $6"
			   " WHERE tenant = $1 AND id = $2 AND state = $3", v, SV_N(v), e);
	if (n < 0)
		return n;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "state changed meanwhile");
	return history_add(s, tenant, id, "state", to, note, staff, login, now, e);
}

int reports_set_state(struct store *s, const char *tenant, int64_t id, int from, int to,
		      const char *note, int64_t staff, const char *login, int64_t now, struct err *e)
{
	if (!reports_state_name(from) || !reports_state_name(to) || to == REPORTS_RECEIVED || to == from)
		return err_set(e, ERR_INVALID, "state");
	if (!note)
		note = "";
	if (!reports_text_ok(note, 0, REPORTS_NOTE_MAX, 1))
		return err_set(e, ERR_INVALID, "note");
	if ((to == REPORTS_DECLINED || to == REPORTS_TRANSFERRED) && (!*note || blank(note)))
		return err_set(e, ERR_INVALID, "note");
	int own, rc;
	if ((rc = tx_begin(s, &own, e)))
		return rc;
	return tx_end(s, own, set_state(s, tenant, id, from, to, note, staff, login, now, e), e);
}

static int assign(struct store *s, const char *tenant, int64_t id, const struct reports_route *rt,
		  const char *note, int64_t staff, const char *login, int64_t now, struct err *e)
{
	int cur;
	int rc = current_state(&cur, s, tenant, id, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_text(rt->dept), sv_text(rt->outside),
				 sv_text(rt->contact), sv_int(now) };
	int n = store_exec(s, "UPDATE reports SET dept = $3, outside = $4, outside_contact = $5, updated_at = $6"
			   " WHERE tenant = $1 AND id = $2", v, SV_N(v), e);
	if (n < 0)
		return n;
	return history_add(s, tenant, id, "assign", cur, note, staff, login, now, e);
}

int reports_assign(struct store *s, const char *tenant, int64_t id, const char *dept,
		   const char *outside, const char *contact, const char *note, int64_t staff,
		   const char *login, int64_t now, struct err *e)
{
	struct reports_route rt;
	memset(&rt, 0, sizeof rt);
	if (strlen(dept ? dept : "") > REPORTS_CODE_MAX || strlen(outside ? outside : "") > REPORTS_NAME_MAX ||
	    strlen(contact ? contact : "") > REPORTS_NOTE_MAX)
		return err_set(e, ERR_INVALID, "dept");
	copy(rt.dept, sizeof rt.dept, dept);
	copy(rt.outside, sizeof rt.outside, outside);
	copy(rt.contact, sizeof rt.contact, contact);
	if (!note)
		note = "";
	if (!reports_text_ok(note, 0, REPORTS_NOTE_MAX, 1))
		return err_set(e, ERR_INVALID, "note");
	int own, rc = route_check(s, tenant, &rt, e);
	if (rc)
		return rc;
	if ((rc = tx_begin(s, &own, e)))
		return rc;
	return tx_end(s, own, assign(s, tenant, id, &rt, note, staff, login, now, e), e);
}

static int hide(struct store *s, const char *tenant, int64_t id, int photo, int on, const char *reason,
		int64_t staff, const char *login, int64_t now, struct err *e)
{
	int cur;
	int rc = current_state(&cur, s, tenant, id, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_int(on), sv_text(on ? reason : ""), sv_int(photo),
				 sv_int(now) };
	int n = photo ? store_exec(s, "UPDATE reports_photos SET hidden = $3, hide_reason = $4"
				   " WHERE tenant = $1 AND report = $2 AND n = $5", v, 5, e)
		      : store_exec(s, "UPDATE reports SET desc_hidden = $3, hide_reason = $4, updated_at = $6"
				   " WHERE tenant = $1 AND id = $2 AND $5 = 0", v, SV_N(v), e);
	if (n < 0)
		return n;
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "no such photo");
	/* the reason is for staff: the public history says only what */
	char what[64];
	snprintf(what, sizeof what, "%s%d", on ? "hide:" : "show:", photo);
	return history_add(s, tenant, id, on ? "hide" : "show", cur, what, staff, login, now, e);
}

int reports_hide(struct store *s, const char *tenant, int64_t id, int photo, int on,
		 const char *reason, int64_t staff, const char *login, int64_t now, struct err *e)
{
	if (photo < 0 || photo > REPORTS_PHOTOS_MAX)
		return err_set(e, ERR_INVALID, "photo");
	if (on && (!reports_text_ok(reason, 1, REPORTS_NOTE_MAX, 1)))
		return err_set(e, ERR_INVALID, "reason");
	int own, rc;
	if ((rc = tx_begin(s, &own, e)))
		return rc;
	return tx_end(s, own, hide(s, tenant, id, photo, on ? 1 : 0, reason, staff, login, now, e), e);
}

int reports_history_each(struct store *s, const char *tenant, int64_t id, struct arena *a,
			 int (*fn)(void *arg, const struct reports_event *ev), void *arg,
			 struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, kind, state, note, by_login, at FROM reports_history"
			     " WHERE tenant = $1 AND report = $2 ORDER BY id LIMIT 1000", v, 2, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct reports_event ev = {
			.id = store_col_int(r, 0), .kind = adup(a, store_col_text(r, 1)),
			.state = reports_state_parse(store_col_text(r, 2)), .note = adup(a, store_col_text(r, 3)),
			.by_login = adup(a, store_col_text(r, 4)), .at = store_col_int(r, 5),
		};
		n++;
		if ((rc = fn(arg, &ev)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int reports_photo_each(struct store *s, const char *tenant, int64_t id, struct arena *a,
		       int (*fn)(void *arg, const struct reports_photo *p), void *arg,
		       struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, n, mime, width, height, small_width, small_height, hidden, hide_reason"
			     " FROM reports_photos WHERE tenant = $1 AND report = $2 ORDER BY n", v, 2, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct reports_photo p = {
			.id = store_col_int(r, 0), .n = (int)store_col_int(r, 1), .mime = adup(a, store_col_text(r, 2)),
			.width = (int)store_col_int(r, 3), .height = (int)store_col_int(r, 4),
			.small_width = (int)store_col_int(r, 5), .small_height = (int)store_col_int(r, 6),
			.hidden = (int)store_col_int(r, 7), .hide_reason = adup(a, store_col_text(r, 8)),
		};
		n++;
		if ((rc = fn(arg, &p)))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int reports_photo_bytes(const void **data, size_t *len, const char **mime, int *hidden,
			struct arena *a, struct store *s, const char *tenant, int64_t id, int n,
			int small, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_int(n) };
	struct store_rows *r;
	int rc = store_query(&r, s, small ? "SELECT small, mime, hidden FROM reports_photos WHERE tenant = $1"
					    " AND report = $2 AND n = $3"
					  : "SELECT large, mime, hidden FROM reports_photos WHERE tenant = $1"
					    " AND report = $2 AND n = $3", v, 3, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		size_t l = 0;
		const void *p = store_col_blob(r, 0, &l);
		void *d = arena_alloc(a, l ? l : 1);
		if (!d) {
			rc = err_set(e, ERR_NOMEM, "no memory");
		} else {
			if (l)
				memcpy(d, p, l);
			*data = d;
			*len = l;
			*mime = adup(a, store_col_text(r, 1));
			*hidden = (int)store_col_int(r, 2);
			rc = 0;
		}
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no such photo");
	}
	store_rows_free(r);
	return rc;
}

/* ---- Open311 API keys ---- */

static void key_hash(char out[65], const char *key)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
	hex_encode(out, h, sizeof h);
}

int reports_apikey_add(int64_t *id, char out[REPORTS_APIKEY_LEN + 1], struct store *s,
		       const char *tenant, const char *name, int64_t now, struct err *e)
{
	if (!reports_text_ok(name, 1, REPORTS_APIKEY_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "name");
	if (random_token(out, REPORTS_APIKEY_LEN / 2))
		return err_set(e, ERR_IO, "no randomness");
	char h[65];
	key_hash(h, out);
	struct store_val v[] = { sv_text(tenant), sv_text(name), sv_text(h), sv_int(now) };
	return store_query_int(id, s, "INSERT INTO reports_apikeys (tenant, name, hash, created_at)"
			       " VALUES ($1, $2, $3, $4) RETURNING id", v, 4, e);
}

int reports_apikey_check(int64_t *id, struct store *s, const char *tenant, const char *key,
			 struct err *e)
{
	*id = 0;
	if (!key || strlen(key) != REPORTS_APIKEY_LEN)
		return 0;
	char h[65];
	key_hash(h, key);
	struct store_val v[] = { sv_text(tenant), sv_text(h) };
	int rc = store_query_int(id, s, "SELECT id FROM reports_apikeys WHERE tenant = $1 AND hash = $2"
				 " AND revoked_at IS NULL", v, 2, e);
	if (rc == ERR_NOTFOUND) {
		*id = 0;
		return 0;
	}
	return rc;
}

int reports_apikey_revoke(struct store *s, const char *tenant, int64_t id, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(id), sv_int(now) };
	int n = store_exec(s, "UPDATE reports_apikeys SET revoked_at = $3 WHERE tenant = $1 AND id = $2"
			   " AND revoked_at IS NULL", v, 3, e);
	return n < 0 ? n : n ? 0 : err_set(e, ERR_NOTFOUND, "no such key");
}

int reports_apikey_each(struct store *s, const char *tenant,
			int (*fn)(void *arg, int64_t id, const char *name, int64_t created,
				  int64_t revoked), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, name, created_at, revoked_at FROM reports_apikeys WHERE tenant = $1"
			     " ORDER BY id LIMIT 500", v, 1, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		n++;
		if ((rc = fn(arg, store_col_int(r, 0), store_col_text(r, 1), store_col_int(r, 2),
			     store_col_isnull(r, 3) ? 0 : store_col_int(r, 3))))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}
