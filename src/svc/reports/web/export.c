/*
 * export.c -- the closed reports as open data:
 *   GET /reports/closed.csv       UTF-8 with a BOM (Excel), one row a report
 *   GET /reports/closed.geojson   a FeatureCollection of those with a pin
 * Closed is done, declined or transferred.  No personal data (no contact,
 * no account, no source) and no hidden description (its cell is empty)
 * ever reaches a file: the columns below are the whole of it.  Built on
 * the blocking pool (http_defer_owned), at most EXPORT_ROWS_MAX rows,
 * newest first.
 */
#include "web/app.h"
#include "base/csv.h"
#include "base/log.h"
#include "svc/dept/dept.h"
#include "svc/reports/web/reports_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT_ROWS_MAX 100000
#define EXPORT_BYTES_MAX (64u << 20)

struct export_job {
	char tenant[TENANT_CODE_LEN + 1];
	int geojson;
	char *body;
	size_t len;
	long rows;
	int rc;
	struct err e;
};

struct export_ctx {
	struct export_job *j;
	struct store *s;
	struct buf *b;
	json_t *features;
	int n;
};

static void iso(char out[64], int64_t t)
{
	time_t x = (time_t)(t + 9 * 3600);
	struct tm tm;
	gmtime_r(&x, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

static void deg(char out[24], int64_t e6)
{
	int64_t a = e6 < 0 ? -e6 : e6;
	snprintf(out, 24, "%s%lld.%06lld", e6 < 0 ? "-" : "", (long long)(a / 1000000), (long long)(a % 1000000));
}

static int row(void *arg, const struct reports_report *rep)
{
	struct export_ctx *c = arg;
	c->n++;
	if (c->j->rows >= EXPORT_ROWS_MAX)
		return 0;
	c->j->rows++;
	struct reports_category cat;
	struct err e;
	int have = !reports_category_get(&cat, c->s, c->j->tenant, rep->category, &e);
	const char *routed = rep->outside;
	struct dept d;
	if (!*routed && rep->dept[0])
		routed = dept_get(&d, c->s, c->j->tenant, rep->dept, &e) ? rep->dept : d.name_ja;
	char id[24], lat[24] = "", lon[24] = "", created[64], updated[64];
	snprintf(id, sizeof id, "%lld", (long long)rep->id);
	if (rep->has_pin) {
		deg(lat, rep->lat_e6);
		deg(lon, rep->lon_e6);
	}
	iso(created, rep->created_at);
	iso(updated, rep->updated_at);
	const char *desc = rep->desc_hidden ? "" : rep->description;
	const char *state = reports_state_name(rep->state);
	if (!c->j->geojson) {
		const char *cells[] = { id, rep->category, have ? cat.name_ja : rep->category, state, lat, lon, rep->address,
					desc, rep->area, routed, rep->note, created, updated };
		for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
			if (csv_cell(c->b, cells[i], i == 0))
				return err_set(&c->j->e, ERR_LIMIT, "export: too large");
		buf_puts(c->b, "\r\n");
		return 0;
	}
	if (!rep->has_pin)
		return 0;
	json_t *f = json_pack("{s:s,s:{s:s,s:[f,f]},s:{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "type", "Feature",
			      "geometry", "type", "Point", "coordinates", (double)rep->lon_e6 / 1e6, (double)rep->lat_e6 / 1e6,
			      "properties", "id", (json_int_t)rep->id, "service_code", rep->category, "category",
			      have ? cat.name_ja : rep->category, "state", state, "address", rep->address,
			      "description", desc, "area", rep->area, "routed", routed, "note", rep->note, "created", created,
			      "updated", updated);
	if (!f || json_array_append_new(c->features, f))
		return err_set(&c->j->e, ERR_NOMEM, "export: no memory");
	return 0;
}

static void export_work(void *arg, void *pool_ctx)
{
	struct export_job *j = arg;
	struct app_thread *t = pool_ctx;
	struct arena *a = arena_new(64u << 20);
	struct buf b;
	buf_init(&b, EXPORT_BYTES_MAX);
	struct export_ctx c = { j, t ? t->store : NULL, &b, j->geojson ? json_array() : NULL, 0 };
	if (!t || !a || (j->geojson && !c.features)) {
		j->rc = err_set(&j->e, !t ? ERR_UNAVAILABLE : ERR_NOMEM, "export: no pool context");
		goto out;
	}
	if (!j->geojson)
		buf_puts(&b, "\xef\xbb\xbf" "id,service_code,category,state,lat,lon,address,description,area,routed_to,"
			 "note,requested,updated\r\n");
	for (int off = 0; j->rows < EXPORT_ROWS_MAX; off += REPORTS_LIST_MAX) {
		struct reports_query q = { .state = -1, .closed_only = 1, .limit = REPORTS_LIST_MAX, .offset = off };
		c.n = 0;
		int total = reports_list(c.s, j->tenant, &q, a, row, &c, &j->e);
		arena_free(a);   /* a page's rows are written: their texts go */
		a = arena_new(64u << 20);
		if (total >= 0 && !a)
			total = err_set(&j->e, ERR_NOMEM, "export: no memory");
		if (total < 0) {
			j->rc = total;
			goto out;
		}
		if (off + REPORTS_LIST_MAX >= total)
			break;
	}
	if (j->geojson) {
		json_t *fc = json_pack("{s:s,s:o}", "type", "FeatureCollection", "features", c.features);
		c.features = NULL;
		char *s = fc ? json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
		json_decref(fc);
		if (!s) {
			j->rc = err_set(&j->e, ERR_NOMEM, "export: no memory");
			goto out;
		}
		j->body = s;
		j->len = strlen(s);
	} else if (b.len) {
		if (!(j->body = malloc(b.len))) {
			j->rc = err_set(&j->e, ERR_NOMEM, "export: no memory");
			goto out;
		}
		memcpy(j->body, b.data, b.len);
		j->len = b.len;
	}
out:
	json_decref(c.features);
	buf_done(&b);
	arena_free(a);
}

static void export_discard(void *arg)
{
	struct export_job *j = arg;
	free(j->body);
}

static int export_done(struct http_req *r, void *arg)
{
	struct export_job *j = arg;
	if (j->rc) {
		free(j->body);
		return app_send_error(r, j->rc, "reports.error.unavailable", j->e.detail);
	}
	if (arena_cleanup_add(r->arena, free, j->body)) {
		free(j->body);
		return app_send_error(r, ERR_NOMEM, "reports.error.unavailable", "export: no memory");
	}
	http_set_header(r, "cache-control", "public, max-age=300");
	http_set_header(r, "content-disposition", j->geojson ? "inline; filename=\"reports-closed.geojson\""
							  : "attachment; filename=\"reports-closed.csv\"");
	return http_send(r, 200, j->geojson ? "application/geo+json" : "text/csv; charset=utf-8", j->body, j->len);
}

static int export(struct http_req *r, int geojson)
{
	struct export_job j;
	memset(&j, 0, sizeof j);
	snprintf(j.tenant, sizeof j.tenant, "%s", app_req(r)->tenant.code);
	j.geojson = geojson;
	int rc = http_defer_owned(r, export_work, export_done, export_discard, &j, sizeof j);
	return rc ? app_send_error(r, rc, "reports.error.unavailable", "export: cannot defer") : 0;
}

int page_reports_closed_csv(struct http_req *r)
{
	return export(r, 0);
}

int page_reports_closed_geojson(struct http_req *r)
{
	return export(r, 1);
}
