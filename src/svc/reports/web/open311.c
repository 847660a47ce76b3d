/*
 * open311.c -- the Open311 GeoReport v2 API of the reports service
 * (http://wiki.open311.org/GeoReport_v2), in JSON and XML:
 *   GET  /open311/v2/services.{json,xml}          the categories (active)
 *   GET  /open311/v2/services/{code}.{json,xml}   a service definition (no
 *                                                 attributes: attributes [])
 *   GET  /open311/v2/requests.{json,xml}          reports, filtered by
 *        service_request_id (a comma list: then the others are ignored, as
 *        the spec says), service_code, start_date, end_date (W3C dates),
 *        status (open, closed or both); newest first, at most
 *        REPORTS_LIST_MAX; without dates the last 90 days
 *   GET  /open311/v2/requests/{id}.{json,xml}     one report
 *   POST /open311/v2/requests.{json,xml}          a new report, form-encoded:
 *        api_key (required: issued by staff at /staff/reports/keys),
 *        service_code, lat+long or address_string, description, email,
 *        first_name, last_name, phone; media_url is accepted and not fetched
 *        (the server fetches no URL a client names); idempotency_key (an
 *        extension, 11 to 40 characters: the same key from the same api_key
 *        answers the same request)
 * Errors are the spec's: an array of {code, description} (XML <errors>),
 * code the HTTP status: 400 a missing or bad value, 403 the api_key, 404 no
 * such service, request or jurisdiction, 429 a rate limit.
 *
 * The five states map to status open (受付, 対応中) or closed (完了, 対応不可,
 * 他機関へ移送); status_notes says which, in Japanese and English, with the
 * staff's public note.  Nothing personal is answered (no contact, no
 * account); a hidden description is answered empty, a hidden photo never
 * becomes media_url.
 *
 * The XML is written here (the project has no XML writer to share: the
 * news feed's escaping is that file's own); every text passes xml_text,
 * which escapes markup and drops what XML 1.0 cannot carry.
 */
#include "web/app.h"
#include "base/log.h"
#include "base/util.h"
#include "svc/reports/web/reports_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* service codes one GET /requests may name */
#define OPEN311_CODES_MAX 8

/* ---- the writer: one shape, two encodings ---- */

struct ow {
	int xml;
	struct buf b;     /* xml */
	json_t *arr;      /* json: the answer's array */
	json_t *cur;      /* json: the item being written */
	struct http_req *r;
};

static void xml_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		case '\t': case '\n': buf_append(b, (const char *)p, 1); break;
		case '\r': break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				break;
			if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
				p += 2;
				break;
			}
			buf_append(b, (const char *)p, 1);
		}
	}
}

static int is_xml(struct http_req *r)
{
	size_t n = strlen(r->path);
	return n > 4 && !strcmp(r->path + n - 4, ".xml");
}

static void ow_begin(struct ow *w, struct http_req *r, const char *root)
{
	memset(w, 0, sizeof *w);
	w->r = r;
	w->xml = is_xml(r);
	if (w->xml) {
		buf_init(&w->b, 8u << 20);
		buf_printf(&w->b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<%s>", root);
	} else {
		w->arr = json_array();
	}
}

static void ow_item(struct ow *w, const char *el)
{
	if (w->xml)
		buf_printf(&w->b, "<%s>", el);
	else
		w->cur = json_object();
}

static void ow_item_end(struct ow *w, const char *el)
{
	if (w->xml)
		buf_printf(&w->b, "</%s>", el);
	else if (w->arr && w->cur)
		json_array_append_new(w->arr, w->cur);
	w->cur = NULL;
}

/* a text field; NULL is JSON null and an empty XML element */
static void ow_str(struct ow *w, const char *name, const char *v)
{
	if (w->xml) {
		buf_printf(&w->b, "<%s>", name);
		xml_text(&w->b, v);
		buf_printf(&w->b, "</%s>", name);
	} else if (w->cur) {
		json_object_set_new(w->cur, name, v ? json_string(v) : json_null());
	}
}

static void ow_deg(struct ow *w, const char *name, int64_t e6, int present)
{
	if (!present) {
		ow_str(w, name, NULL);
		return;
	}
	const char *t = rw_deg(w->r, e6);
	if (w->xml)
		ow_str(w, name, t);
	else if (w->cur)
		json_object_set_new(w->cur, name, json_real((double)e6 / 1e6));
}

static void ow_bool(struct ow *w, const char *name, int v)
{
	if (w->xml)
		ow_str(w, name, v ? "true" : "false");
	else if (w->cur)
		json_object_set_new(w->cur, name, json_boolean(v));
}

static int ow_send(struct ow *w, const char *root, int status)
{
	struct http_req *r = w->r;
	if (w->xml) {
		buf_printf(&w->b, "</%s>\n", root);
		int rc = http_send(r, status, "text/xml; charset=utf-8", w->b.data, w->b.len);
		buf_done(&w->b);
		return rc;
	}
	char *s = w->arr ? json_dumps(w->arr, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(w->arr);
	if (!s)
		return http_send(r, 500, "application/json; charset=utf-8", "[{\"code\":500,\"description\":\"no memory\"}]", 42);
	int rc = http_send(r, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return rc;
}

/* the spec's error: [{code, description}], the description in English
 * (clients are programs) and the site's log gets the detail */
static int o_error(struct http_req *r, int status, const char *description, const char *detail)
{
	log_info("open311: refused", "status", status == 400 ? "400" : status == 403 ? "403" : status == 404 ? "404" : "429",
		 "detail", detail ? detail : description);
	if (status == 429)
		http_set_header(r, "retry-after", "3600");
	struct ow w;
	ow_begin(&w, r, "errors");
	ow_item(&w, "error");
	if (w.xml) {
		buf_printf(&w.b, "<code>%d</code>", status);
	} else if (w.cur) {
		json_object_set_new(w.cur, "code", json_integer(status));
	}
	ow_str(&w, "description", description);
	ow_item_end(&w, "error");
	return ow_send(&w, "errors", status);
}

static const char *param(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

static int jurisdiction_ok(struct http_req *r)
{
	const char *j = param(r, "jurisdiction_id");
	return !*j || !strcmp(j, app_req(r)->tenant.code);
}

static int en(struct http_req *r)
{
	return app_req(r)->lang == HTML_EN;
}

/* ---- services ---- */

static int service_item(void *arg, const struct reports_category *c)
{
	struct ow *w = arg;
	int e = en(w->r);
	ow_item(w, "service");
	ow_str(w, "service_code", c->code);
	ow_str(w, "service_name", e ? c->name_en : c->name_ja);
	ow_str(w, "description", e ? c->desc_en : c->desc_ja);
	ow_bool(w, "metadata", 0);
	ow_str(w, "type", "realtime");
	ow_str(w, "keywords", "");
	ow_str(w, "group", c->grp);
	ow_item_end(w, "service");
	return 0;
}

int api_open311_services(struct http_req *r)
{
	if (!jurisdiction_ok(r))
		return o_error(r, 404, "jurisdiction_id not found", NULL);
	struct ow w;
	struct err e;
	ow_begin(&w, r, "services");
	int n = reports_category_each(app_store(r), app_req(r)->tenant.code, 1, service_item, &w, &e);
	if (n < 0) {
		if (w.xml)
			buf_done(&w.b);
		json_decref(w.arr);
		log_error("open311: services", "detail", e.detail);
		return http_send_error(r, n, NULL, NULL, e.detail);
	}
	http_set_header(r, "cache-control", "public, max-age=300");
	return ow_send(&w, "services", 200);
}

/* "CODE.json" or "CODE.xml": the code into out and the format; ERR_NOTFOUND */
static int file_of(char *out, size_t cap, int *xml, const char *file)
{
	size_t n = strlen(file);
	if (n > 5 && !strcmp(file + n - 5, ".json"))
		*xml = 0, n -= 5;
	else if (n > 4 && !strcmp(file + n - 4, ".xml"))
		*xml = 1, n -= 4;
	else
		return ERR_NOTFOUND;
	if (n >= cap)
		return ERR_NOTFOUND;
	memcpy(out, file, n);
	out[n] = 0;
	return 0;
}

int api_open311_service(struct http_req *r)
{
	char code[REPORTS_CODE_MAX + 2];
	int xml;
	if (file_of(code, sizeof code, &xml, param(r, "file")) || reports_code_ok(code))
		return o_error(r, 404, "service_code not found", "service: path");
	if (!jurisdiction_ok(r))
		return o_error(r, 404, "jurisdiction_id not found", NULL);
	struct reports_category c;
	struct err e;
	int rc = reports_category_get(&c, app_store(r), app_req(r)->tenant.code, code, &e);
	if (rc == ERR_NOTFOUND || (!rc && !c.active))
		return o_error(r, 404, "service_code not found", NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	http_set_header(r, "cache-control", "public, max-age=300");
	if (xml) {
		struct buf b;
		buf_init(&b, 1u << 20);
		buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition><service_code>");
		xml_text(&b, c.code);
		buf_puts(&b, "</service_code><attributes></attributes></service_definition>\n");
		rc = http_send(r, 200, "text/xml; charset=utf-8", b.data, b.len);
		buf_done(&b);
		return rc;
	}
	json_t *j = json_pack("{s:s,s:[]}", "service_code", c.code, "attributes");
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "open311: no memory");
	rc = http_send(r, 200, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return rc;
}

/* ---- requests ---- */

static const char *w3c(struct http_req *r, int64_t t)
{
	time_t x = (time_t)(t + 9 * 3600);
	struct tm tm;
	gmtime_r(&x, &tm);
	return arena_printf(r->arena, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* a W3C date-time: YYYY-MM-DD, or with Thh:mm[:ss][.frac] and Z or ±hh:mm
 * (a date alone is 00:00 in Japan); ERR_INVALID */
static int parse_w3c(int64_t *out, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return ERR_INVALID;
	const char *p = s + 10;
	int64_t off = 9 * 3600;
	if (*p == 'T') {
		int k = 0;
		if (sscanf(p, "T%2d:%2d%n", &h, &mi, &k) != 2 || k != 6)
			return ERR_INVALID;
		p += k;
		if (*p == ':') {
			if (sscanf(p, ":%2d%n", &sec, &k) != 1 || k != 3)
				return ERR_INVALID;
			p += k;
		}
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p == 'Z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 14 || om > 59)
				return ERR_INVALID;
			off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
			p += 6;
		}
	}
	if (*p || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return ERR_INVALID;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}

static const char *base_url(struct http_req *r)
{
	return arena_printf(r->arena, "%s://%s%s", r->secure ? "https" : "http", http_authority(r), r->base ? r->base : "");
}

static int request_item(void *arg, const struct reports_report *rep)
{
	struct ow *w = arg;
	struct http_req *r = w->r;
	int e = en(r);
	ow_item(w, "request");
	ow_str(w, "service_request_id", arena_printf(r->arena, "%lld", (long long)rep->id));
	ow_str(w, "status", reports_open311_status(rep->state));
	const char *label = arena_printf(r->arena, "%s (%s)", html_t(HTML_JA, arena_printf(r->arena, "reports.state.%s",
					 reports_state_name(rep->state))), reports_state_name(rep->state));
	ow_str(w, "status_notes", rep->note[0] ? arena_printf(r->arena, "%s: %s", label, rep->note) : label);
	struct reports_category c;
	struct err er;
	int have = !reports_category_get(&c, app_store(r), app_req(r)->tenant.code, rep->category, &er);
	ow_str(w, "service_name", have ? (e ? c.name_en : c.name_ja) : rep->category);
	ow_str(w, "service_code", rep->category);
	ow_str(w, "description", rep->desc_hidden ? "" : rep->description);
	const char *routed = rw_routed(r, rep);
	ow_str(w, "agency_responsible", *routed ? routed : NULL);
	ow_str(w, "service_notice", NULL);
	ow_str(w, "requested_datetime", w3c(r, rep->created_at));
	ow_str(w, "updated_datetime", w3c(r, rep->updated_at));
	ow_str(w, "expected_datetime", NULL);
	ow_str(w, "address", rep->address[0] ? rep->address : NULL);
	ow_str(w, "address_id", NULL);
	ow_str(w, "zipcode", NULL);
	ow_deg(w, "lat", rep->lat_e6, rep->has_pin);
	ow_deg(w, "long", rep->lon_e6, rep->has_pin);
	/* the first photo staff have not hidden */
	const char *media = NULL;
	for (int n = 1; rep->nphotos_shown > 0 && n <= rep->nphotos && !media; n++) {
		const void *d;
		size_t len;
		const char *mime;
		int hidden;
		if (!reports_photo_bytes(&d, &len, &mime, &hidden, r->arena, app_store(r), app_req(r)->tenant.code, rep->id,
					 n, 1, &er) && !hidden)
			media = arena_printf(r->arena, "%s/reports/%lld/photos/%d", base_url(r), (long long)rep->id, n);
	}
	ow_str(w, "media_url", media);
	ow_item_end(w, "request");
	return 0;
}

static int list_ids(struct ow *w, struct http_req *r, const char *ids)
{
	int n = 0;
	for (const char *p = ids; *p && n < REPORTS_LIST_MAX;) {
		size_t k = strcspn(p, ",");
		char one[24];
		int64_t id;
		if (k == 0 || k >= sizeof one)
			return ERR_INVALID;
		memcpy(one, p, k);
		one[k] = 0;
		if (parse_i64(&id, one, 1, INT64_MAX))
			return ERR_INVALID;
		struct reports_report rep;
		struct err e;
		if (!reports_get(&rep, r->arena, app_store(r), app_req(r)->tenant.code, id, &e)) {
			request_item(w, &rep);
			n++;
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

int api_open311_requests(struct http_req *r)
{
	if (!jurisdiction_ok(r))
		return o_error(r, 404, "jurisdiction_id not found", NULL);
	const char *ids = param(r, "service_request_id");
	struct ow w;
	if (*ids) {
		ow_begin(&w, r, "service_requests");
		if (list_ids(&w, r, ids)) {
			if (w.xml)
				buf_done(&w.b);
			json_decref(w.arr);
			return o_error(r, 400, "service_request_id is not a list of request ids", NULL);
		}
		return ow_send(&w, "service_requests", 200);
	}
	struct reports_query q = { .state = -1, .limit = REPORTS_LIST_MAX };
	const char *st = param(r, "status");
	if (!strcmp(st, "open"))
		q.state = REPORTS_NSTATES;
	else if (!strcmp(st, "closed"))
		q.closed_only = 1;
	else if (*st && strcmp(st, "open,closed") && strcmp(st, "closed,open"))
		return o_error(r, 400, "status must be open or closed", NULL);
	const char *sd = param(r, "start_date"), *ed = param(r, "end_date");
	if (*sd && parse_w3c(&q.from, sd))
		return o_error(r, 400, "start_date is not a W3C date-time", NULL);
	if (*ed && parse_w3c(&q.until, ed))
		return o_error(r, 400, "end_date is not a W3C date-time", NULL);
	if (!*sd && !*ed)
		q.from = app_now() - 90LL * 86400;
	const char *codes = param(r, "service_code");
	ow_begin(&w, r, "service_requests");
	struct err e;
	int rc = 0;
	if (!*codes) {
		rc = reports_list(app_store(r), app_req(r)->tenant.code, &q, r->arena, request_item, &w, &e);
	} else {
		/* each code is one list of at most REPORTS_LIST_MAX: a few
		 * distinct codes, not a request that repeats one 400 times */
		char seen[OPEN311_CODES_MAX][REPORTS_CODE_MAX + 1];
		int nseen = 0;
		for (const char *p = codes; *p && rc >= 0;) {
			size_t k = strcspn(p, ",");
			char code[REPORTS_CODE_MAX + 1];
			if (k == 0 || k >= sizeof code) {
				rc = err_set(&e, ERR_INVALID, "service_code");
				break;
			}
			memcpy(code, p, k);
			code[k] = 0;
			if (reports_code_ok(code)) {
				rc = err_set(&e, ERR_INVALID, "service_code");
				break;
			}
			int dup = 0;
			for (int i = 0; i < nseen && !dup; i++)
				dup = !strcmp(seen[i], code);
			if (!dup && nseen == OPEN311_CODES_MAX) {
				rc = err_set(&e, ERR_INVALID, "service_code: too many");
				break;
			}
			if (!dup) {
				memcpy(seen[nseen++], code, k + 1);
				q.category = code;
				rc = reports_list(app_store(r), app_req(r)->tenant.code, &q, r->arena, request_item, &w, &e);
			}
			p += k;
			if (*p == ',')
				p++;
		}
	}
	if (rc < 0) {
		if (w.xml)
			buf_done(&w.b);
		json_decref(w.arr);
		if (rc == ERR_INVALID)
			return o_error(r, 400, "service_code is not valid", e.detail);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	return ow_send(&w, "service_requests", 200);
}

int api_open311_request(struct http_req *r)
{
	char ids[32];
	int xml;
	int64_t id;
	if (file_of(ids, sizeof ids, &xml, param(r, "file")) || parse_i64(&id, ids, 1, INT64_MAX))
		return o_error(r, 404, "service_request_id not found", "request: path");
	if (!jurisdiction_ok(r))
		return o_error(r, 404, "jurisdiction_id not found", NULL);
	struct reports_report rep;
	struct err e;
	int rc = reports_get(&rep, r->arena, app_store(r), app_req(r)->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return o_error(r, 404, "service_request_id not found", NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct ow w;
	ow_begin(&w, r, "service_requests");
	(void)xml;   /* ow_begin read the same suffix from the path */
	request_item(&w, &rep);
	return ow_send(&w, "service_requests", 200);
}

int api_open311_post(struct http_req *r)
{
	if (!jurisdiction_ok(r))
		return o_error(r, 404, "jurisdiction_id not found", NULL);
	struct app_req *q = app_req(r);
	int64_t key_id = 0;
	struct err e;
	err_clear(&e);
	if (!*param(r, "api_key"))
		return o_error(r, 403, "api_key is required", NULL);
	int rc = reports_apikey_check(&key_id, app_store(r), q->tenant.code, param(r, "api_key"), &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (!key_id)
		return o_error(r, 403, "api_key is not valid", NULL);
	const char *code = param(r, "service_code");
	struct reports_category c;
	if (!*code)
		return o_error(r, 400, "service_code is required", NULL);
	if (reports_code_ok(code) || reports_category_get(&c, app_store(r), q->tenant.code, code, &e) || !c.active)
		return o_error(r, 400, "service_code not found", NULL);
	int has_pin = 0;
	int64_t lat = 0, lon = 0;
	const char *la = param(r, "lat"), *lo = param(r, "long");
	if (*la || *lo) {
		if (rw_parse_deg(&lat, la, 1) || rw_parse_deg(&lon, lo, 0))
			return o_error(r, 400, "lat and long must both be decimal degrees (WGS84)", NULL);
		has_pin = 1;
	}
	const char *addr = param(r, "address_string");
	if (!has_pin && !*addr)
		return o_error(r, 400, "lat/long or address_string is required", NULL);
	const char *first = param(r, "first_name"), *last = param(r, "last_name");
	const char *name = *first && *last ? arena_printf(r->arena, "%s %s", last, first) : *last ? last : first;
	char key[REPORTS_KEY_MAX + 1];
	const char *ik = param(r, "idempotency_key");
	if (*ik && (strlen(ik) < 11 || strlen(ik) > 40))
		return o_error(r, 400, "idempotency_key must be 11 to 40 of A-Z a-z 0-9 _ -", NULL);
	if (*ik)   /* one client's keys never meet another's */
		snprintf(key, sizeof key, "o311-%lld-%s", (long long)key_id, ik);
	else if (random_token(key, 16))
		return http_send_error(r, ERR_IO, NULL, NULL, "no randomness");
	struct reports_new n = {
		.category = code, .has_pin = has_pin, .lat_e6 = lat, .lon_e6 = lon, .address = addr,
		.description = param(r, "description"), .contact_name = name, .contact_email = param(r, "email"),
		.contact_phone = param(r, "phone"), .source = r->remote_addr, .apikey = key_id, .key = key,
		.via = "open311",
	};
	int64_t id = 0;
	int again = 0;
	rc = reports_submit(&id, &again, app_store(r), q->tenant.code, &n, app_now(), &e);
	if (rc == ERR_LIMIT)
		return o_error(r, 429, "too many requests: try again later", e.detail);
	if (rc == ERR_INVALID) {
		const char *f = e.detail;
		const char *what = !strcmp(f, "description") ? "description is required (at most 4000 bytes)"
				   : !strcmp(f, "contact_email") ? "email is not valid"
				   : !strcmp(f, "contact_phone") ? "phone is not valid"
				   : !strcmp(f, "contact_name") ? "first_name or last_name is too long"
				   : !strcmp(f, "address") ? "address_string is too long"
				   : !strcmp(f, "key") ? "idempotency_key must be 11 to 40 of A-Z a-z 0-9 _ -"
				   : !strcmp(f, "pin") ? "lat/long or address_string is required"
				   : "the request is not valid";
		return o_error(r, 400, what, f);
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (!again)
		app_audit(r, AUDIT_A_WRITE, "reports.report", ids, AUDIT_R_OK);
	struct ow w;
	ow_begin(&w, r, "service_requests");
	ow_item(&w, "request");
	ow_str(&w, "service_request_id", ids);
	ow_str(&w, "service_notice", en(r) ? "Received. Follow it by its number." : "受け付けました。番号で状況を確認できます。");
	ow_str(&w, "account_id", NULL);
	ow_item_end(&w, "request");
	return ow_send(&w, "service_requests", 200);
}
