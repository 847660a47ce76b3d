/*
 * page_opendata.c -- the open data catalog on the web: the CKAN Action
 * API v3 (read) at /api/3/action/..., the public catalog pages (search
 * with facets, dataset page with a paged table preview, downloads with a
 * permanent "latest" URL and one URL per version), the Atom feed of
 * changes, and DCAT (Turtle, JSON-LD).
 *
 * CKAN routes answer their own errors in CKAN's envelope
 * ({"help":...,"success":false,"error":{"__type":...,"message":...}},
 * 404 Not Found Error, 409 Validation Error, 400 Search Query Error) and
 * validate their parameters here; the router's validators are permissive
 * (length only).  One deliberate difference from CKAN: rows above
 * OPENDATA_ROWS_API_MAX is refused (409) rather than silently cut, so a
 * harvester never takes a short page for the whole.
 */
#include "web/app.h"
#include "jp/date.h"
#include "base/util.h"
#include "svc/opendata/opendata.h"
#include "svc/opendata/web/opendata_web.h"
#include "core/search/search.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEARCH_PAGE_ROWS 20
#define PREVIEW_ROWS 20
#define PREVIEW_CELL_MAX 200

/* absolute URLs (CKAN, DCAT) start with the request's own scheme and
 * authority: https when the client reached us over HTTPS (also through a
 * trusted TLS proxy) */
static void ctx_of(struct http_req *r, struct opendata_ctx *c)
{
	const char *host = http_authority(r);
	c->s = app_store(r);
	c->tenant = app_req(r)->tenant.code;
	c->sr = app_search(r);
	c->base = arena_printf(r->arena, "%s://%s%s", r->secure ? "https" : "http",
			       host && *host ? host : "localhost", r->base ? r->base : "");
}

/* ---- CKAN envelope ---- */

static const char *action_of(const struct http_req *r)
{
	const char *s = strrchr(r->path, '/');
	return s ? s + 1 : "";
}

static int ckan_send(struct http_req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!s)
		return ERR_NOMEM;
	http_set_header(r, "access-control-allow-origin", "*");
	http_set_header(r, "cache-control", "no-cache");
	http_send_json(r, status, s);
	free(s);
	return 0;
}

static json_t *help_url(struct http_req *r, const struct opendata_ctx *c)
{
	return json_string(arena_printf(r->arena, "%s/api/3/action/help_show?name=%s", c->base,
					action_of(r)));
}

static int ckan_ok(struct http_req *r, const struct opendata_ctx *c, json_t *result)
{
	return ckan_send(r, 200, json_pack("{s:o,s:b,s:o}", "help", help_url(r, c), "success", 1,
					   "result", result ? result : json_null()));
}

/* error: fields (a Validation Error's dict) or message */
static int ckan_err(struct http_req *r, const struct opendata_ctx *c, int status,
		    const char *type, const char *message, json_t *fields)
{
	json_t *err = fields ? fields : json_object();
	json_object_set_new(err, "__type", json_string(type));
	if (message)
		json_object_set_new(err, "message", json_string(message));
	return ckan_send(r, status, json_pack("{s:o,s:b,s:o}", "help", help_url(r, c), "success", 0,
					      "error", err));
}

static int ckan_validation(struct http_req *r, const struct opendata_ctx *c,
			   const char *field, const char *msg)
{
	return ckan_err(r, c, 409, "Validation Error", NULL, json_pack("{s:[s]}", field, msg));
}

static int ckan_fail(struct http_req *r, const struct opendata_ctx *c, int rc,
		     const struct err *e)
{
	if (rc == ERR_NOTFOUND)
		return ckan_err(r, c, 404, "Not Found Error", "Not found", NULL);
	if (rc == ERR_INVALID || rc == ERR_LIMIT)
		return ckan_err(r, c, 400, "Search Query Error",
				arena_printf(r->arena, "Search Query is invalid: %s", e->detail), NULL);
	http_send_error(r, rc, NULL, NULL, e->detail);
	return 0;
}

/* ---- parameters: the query string, or a POST's JSON object ---- */

/* the JSON object of the POST being answered on this worker thread (a
 * CKAN action runs start to end on its thread, never deferred) */
static _Thread_local json_t *ck_body;

#define CKAN_VALUE_MAX 1000 /* bytes of one parameter, as the GET route's limit */

/* a parameter of a CKAN action: from the POST body (strings as they are,
 * numbers and booleans as text, lists as JSON), else the query string */
static const char *ckp(struct http_req *r, const char *k)
{
	if (ck_body) {
		json_t *v = json_object_get(ck_body, k);
		if (!v || json_is_null(v))
			return NULL;
		if (json_is_string(v))
			return json_string_value(v);
		if (json_is_integer(v))
			return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
		if (json_is_real(v))
			return arena_printf(r->arena, "%g", json_real_value(v));
		if (json_is_boolean(v))
			return json_is_true(v) ? "true" : "false";
		char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		const char *out = d ? arena_strdup(r->arena, d) : NULL;
		free(d);
		return out;
	}
	return http_param(r, k);
}

/* a natural number parameter: *out stays def when absent; -1 when bad */
static int nat(long *out, const char *v, long def)
{
	*out = def;
	if (!v)
		return 0;
	int64_t x;
	if (parse_i64(&x, v, 0, INT32_MAX))
		return -1;
	*out = (long)x;
	return 0;
}

static int truthy(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "1") == 0);
}

static int api_package_search(struct http_req *r, struct opendata_ctx *c)
{
	struct opendata_query q = { .q = ckp(r, "q"), .sort = ckp(r, "sort") };
	struct err e;
	err_clear(&e);
	if (nat(&q.rows, ckp(r, "rows"), 10))
		return ckan_validation(r, c, "rows", "Must be a natural number");
	if (q.rows > OPENDATA_ROWS_API_MAX)
		return ckan_validation(r, c, "rows",
				       arena_printf(r->arena, "Must be less than or equal to %d", OPENDATA_ROWS_API_MAX));
	if (nat(&q.start, ckp(r, "start"), 0))
		return ckan_validation(r, c, "start", "Must be a natural number");
	/* fq, and fq_list (a list of fq strings, AND-ed) */
	const char *fqs[1 + OPENDATA_FQ_MAX];
	int nfqs = 0;
	if (ckp(r, "fq"))
		fqs[nfqs++] = ckp(r, "fq");
	json_t *fql = ck_body ? json_object_get(ck_body, "fq_list") : NULL;
	if (fql && !json_is_array(fql))
		return ckan_validation(r, c, "fq_list", "Not a list");
	for (size_t i = 0; i < json_array_size(fql); i++) {
		const char *x = json_string_value(json_array_get(fql, i));
		if (!x || nfqs >= 1 + OPENDATA_FQ_MAX)
			return ckan_validation(r, c, "fq_list", "A list of at most 8 strings");
		fqs[nfqs++] = x;
	}
	for (int i = 0; i < nfqs; i++) {
		int rc = opendata_query_parse_fq(&q, arena_strdup(r->arena, fqs[i]), &e);
		if (rc == ERR_NOTFOUND) /* Solr: "undefined field"; CKAN: SearchError, 409 */
			return ckan_err(r, c, 409, "Search Error",
					arena_printf(r->arena, "Search error: ('%s',)", e.detail), NULL);
		if (rc)
			return ckan_err(r, c, 400, "Search Query Error",
					arena_printf(r->arena, "Search Query is invalid: %s", e.detail), NULL);
	}
	if (q.sort && opendata_query_sort_valid(q.sort))
		return ckan_err(r, c, 409, "Search Error",
				"Search error: sort must be one of score, metadata_modified, metadata_created, title_string, name, id with asc or desc", NULL);
	const char *ff = ckp(r, "facet.field");
	json_t *ffj = NULL;
	if (ff && !truthy(ckp(r, "facet")) && ckp(r, "facet") &&
	    strcmp(ckp(r, "facet"), "false") == 0)
		ff = NULL;
	if (ff) {
		ffj = json_loads(ff, JSON_DECODE_ANY, NULL);
		if (!json_is_array(ffj) || json_array_size(ffj) > OPENDATA_FACETS_MAX) {
			json_decref(ffj);
			return ckan_validation(r, c, "facet.field", "Could not parse as valid JSON list (at most 5 fields)");
		}
		for (size_t i = 0; i < json_array_size(ffj); i++) {
			const char *f = json_string_value(json_array_get(ffj, i));
			if (!f || (strcmp(f, "tags") && strcmp(f, "organization") && strcmp(f, "groups") &&
				   strcmp(f, "res_format") && strcmp(f, "license_id"))) {
				json_decref(ffj);
				return ckan_err(r, c, 400, "Search Query Error",
						"Search Query is invalid: facet.field must be tags, organization, groups, res_format or license_id", NULL);
			}
			q.facets[q.nfacets++] = arena_strdup(r->arena, f);
		}
		json_decref(ffj);
	}
	json_t *res = NULL;
	int rc = opendata_search(&res, c, &q, &e);
	if (rc)
		return ckan_fail(r, c, rc, &e);
	return ckan_ok(r, c, res);
}

static int api_status(struct http_req *r, struct opendata_ctx *c)
{
	const struct tenant *t = &app_req(r)->tenant;
	return ckan_ok(r, c, json_pack("{s:s,s:s,s:s,s:s,s:s,s:n,s:[s,s],s:s}",
		"site_title", arena_printf(r->arena, html_t(HTML_JA, "opendata.site_title"), t->name_ja),
		"site_description", arena_printf(r->arena, html_t(HTML_EN, "opendata.site_title"),
						 t->name_en),
		"site_url", c->base, "ckan_version", "2.10.0", "locale_default", "ja",
		"error_emails_to", "extensions", "madoguchi_opendata", "dcat",
		"madoguchi", "CKAN Action API v3 read subset"));
}

static int api_ckan_action(struct http_req *r);

/* the package_search parameters CKAN accepts (others: "Invalid search
 * parameters", as CKAN answers) */
static int search_param_known(const char *k)
{
	static const char *const known[] = {
		"q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit",
		"facet.mincount", "include_private", "include_drafts", "include_deleted",
		"use_default_schema", "fl", "qf", "wt", "bf", "boost", "tie", "defType", "mm",
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(k, known[i]) == 0)
			return 1;
	return strncmp(k, "ext_", 4) == 0;
}

/* every action by GET (query string) or POST (a JSON object, as CKAN's
 * clients send; CKAN accepts POST for every action) */
int api_ckan(struct http_req *r)
{
	if (strcmp(r->method, "POST") != 0)
		return api_ckan_action(r);
	size_t len = 0;
	const char *body = http_body(r, &len);
	json_error_t je;
	json_t *j = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : json_object();
	if (!json_is_object(j)) {
		json_decref(j);
		http_set_header(r, "access-control-allow-origin", "*");
		return http_send(r, 400, "text/plain; charset=utf-8",
				 "Bad request - JSON Error: the request body must be a JSON object", 0);
	}
	const char *k;
	json_t *v;
	struct opendata_ctx c;
	ctx_of(r, &c);
	json_object_foreach(j, k, v) {
		const char *sv = json_is_string(v) ? json_string_value(v) : NULL;
		char *d = sv ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		size_t n = sv ? strlen(sv) : d ? strlen(d) : 0;
		free(d);
		/* k lives in j: copied before j is released */
		const char *key = strlen(k) > 100 ? "key" : arena_strdup(r->arena, k);
		if (n > CKAN_VALUE_MAX || strlen(k) > 100) {
			json_decref(j);
			return ckan_validation(r, &c, key, "Too long");
		}
		if (strcmp(action_of(r), "package_search") == 0 && !search_param_known(k)) {
			json_decref(j);
			return ckan_err(r, &c, 400, "Search Query Error",
					arena_printf(r->arena, "Search Query is invalid: \"Invalid search parameters: ['%s']\"",
						     key), NULL);
		}
	}
	ck_body = j;
	int rc = api_ckan_action(r);
	ck_body = NULL;
	json_decref(j);
	return rc;
}

static int api_ckan_action(struct http_req *r)
{
	struct opendata_ctx c;
	ctx_of(r, &c);
	const char *a = action_of(r);
	struct err e;
	err_clear(&e);
	json_t *res = NULL;
	int rc;
	const char *id = ckp(r, "id");
	if (strcmp(a, "package_search") == 0)
		return api_package_search(r, &c);
	if (strcmp(a, "status_show") == 0)
		return api_status(r, &c);
	if (strcmp(a, "package_show") == 0 || strcmp(a, "resource_show") == 0 ||
	    strcmp(a, "organization_show") == 0 || strcmp(a, "group_show") == 0) {
		if (!id || !*id)
			return ckan_validation(r, &c, "id", "Missing value");
		if (a[0] == 'p') {
			/* the cached text of the dict, in the envelope as text */
			char *txt = NULL;
			if ((rc = opendata_package_text(&txt, &c, id, &e)))
				return ckan_fail(r, &c, rc, &e);
			struct buf b;
			buf_init(&b, 64u << 20);
			buf_printf(&b, "{\"help\":\"%s/api/3/action/help_show?name=package_show\",\"success\":true,\"result\":",
				   c.base);
			buf_puts(&b, txt);
			buf_putc(&b, '}');
			free(txt);
			http_set_header(r, "access-control-allow-origin", "*");
			http_set_header(r, "cache-control", "no-cache");
			http_send_json(r, 200, buf_cstr(&b));
			buf_done(&b);
			return 0;
		} else if (a[0] == 'r')
			rc = opendata_resource(&res, &c, id, &e);
		else
			rc = opendata_org_show(&res, &c, a[0] == 'o', id,
					       truthy(ckp(r, "include_datasets")), &e);
		return rc ? ckan_fail(r, &c, rc, &e) : ckan_ok(r, &c, res);
	}
	long limit, offset;
	if (strcmp(a, "package_list") == 0 || strcmp(a, "organization_list") == 0 ||
	    strcmp(a, "group_list") == 0) {
		int lists = a[0] == 'p';
		if (nat(&limit, ckp(r, "limit"), lists ? 100000 : 1000))
			return ckan_validation(r, &c, "limit", "Must be a natural number");
		if (nat(&offset, ckp(r, "offset"), 0))
			return ckan_validation(r, &c, "offset", "Must be a natural number");
		if (lists)
			rc = opendata_package_list(&res, &c, limit, offset, &e);
		else
			rc = opendata_orgs_list(&res, &c, a[0] == 'o',
						&(struct opendata_orgs_query){
							.all_fields = truthy(ckp(r, "all_fields")),
							.sort = ckp(r, "sort"), .limit = limit,
							.offset = offset },
						&e);
		if (rc == ERR_INVALID)
			return ckan_validation(r, &c, "sort", "Cannot sort by this field");
		return rc ? ckan_fail(r, &c, rc, &e) : ckan_ok(r, &c, res);
	}
	if (strcmp(a, "tag_list") == 0) {
		const char *tq = ckp(r, "query") ? ckp(r, "query") : ckp(r, "q");
		rc = opendata_tag_list(&res, &c, tq, &e);
		return rc ? ckan_fail(r, &c, rc, &e) : ckan_ok(r, &c, res);
	}
	if (strcmp(a, "license_list") == 0) {
		rc = opendata_license_list(&res, &c, &e);
		return rc ? ckan_fail(r, &c, rc, &e) : ckan_ok(r, &c, res);
	}
	if (strcmp(a, "recently_changed_packages_activity_list") == 0) {
		if (nat(&limit, ckp(r, "limit"), 31) || limit > 100)
			return ckan_validation(r, &c, "limit", "Must be a natural number, at most 100");
		rc = opendata_changes(&res, &c, limit, &e);
		return rc ? ckan_fail(r, &c, rc, &e) : ckan_ok(r, &c, res);
	}
	if (strcmp(a, "help_show") == 0)
		return ckan_ok(r, &c, json_string("madoguchi implements the read actions of the CKAN Action API v3; see https://docs.ckan.org/en/latest/api/"));
	/* CKAN: a plain 400, not an envelope */
	http_set_header(r, "access-control-allow-origin", "*");
	return http_send(r, 400, "text/plain; charset=utf-8",
			 arena_printf(r->arena, "Bad request - Action name not known: %s", a), 0);
}

int api_ckan_version(struct http_req *r)
{
	return http_send_json(r, 200, "{\"version\": 3}");
}

/* ---- downloads ---- */

static void content_disposition(struct http_req *r, const char *name)
{
	struct buf b;
	buf_init(&b, 2048);
	buf_puts(&b, "attachment; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_')
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	http_set_header(r, "content-disposition", arena_strdup(r->arena, buf_cstr(&b)));
	buf_done(&b);
}

int page_opendata_download(struct http_req *r)
{
	struct opendata_ctx c;
	ctx_of(r, &c);
	const char *vs = http_param(r, "version");
	long ver = 0;
	if (vs && (nat(&ver, vs, 0) || ver < 1))
		return app_send_error(r, ERR_INVALID, "opendata.error.version", "bad version");
	struct opendata_file f;
	struct err e;
	int rc = opendata_file_get(&f, c.s, c.tenant, http_param(r, "name"), http_param(r, "rid"), ver, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, ERR_NOTFOUND, "opendata.error.file_not_found", NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	size_t len = f.len;
	const void *data = f.data;
	const char *mime = f.mimetype;
	const char *ct = mime;
	if (strcmp(mime, "text/csv") == 0)
		ct = strstr(f.report, "CP932") ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
	else if (strcmp(mime, "application/json") == 0 || strcmp(mime, "application/geo+json") == 0)
		ct = arena_printf(r->arena, "%s; charset=utf-8", mime);
	/* ?excel=1: the same UTF-8 CSV with a byte order mark, which Excel
	 * needs to read it as UTF-8 (the canonical file stays untouched) */
	int excel = http_param(r, "excel") && strcmp(ct, "text/csv; charset=utf-8") == 0;
	if (excel)
		content_disposition(r, arena_printf(r->arena, "excel_%s", f.name));
	else
		content_disposition(r, f.name);
	http_set_header(r, "etag", arena_printf(r->arena, "\"%s\"", f.hash));
	http_set_header(r, "x-resource-version", arena_printf(r->arena, "%lld", (long long)f.version));
	http_set_header(r, "access-control-allow-origin", "*");
	http_set_header(r, "cache-control", vs ? "public, max-age=31536000, immutable" : "public, max-age=60");
	/* copy: the file is released before the response is sent */
	char *copy = arena_alloc(r->arena, len + 4);
	if (!copy) {
		opendata_file_done(&f);
		return ERR_NOMEM;
	}
	size_t off = 0;
	if (excel && !(len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)) {
		memcpy(copy, "\xEF\xBB\xBF", 3);
		off = 3;
	}
	memcpy(copy + off, data, len);
	len += off;
	ct = arena_strdup(r->arena, ct);
	opendata_file_done(&f);
	if (len == 0)
		return http_send(r, 200, ct, "", 0);
	return http_send(r, 200, ct, copy, len);
}

/* ---- DCAT ---- */

static int send_ttl(struct http_req *r, struct buf *b)
{
	http_set_header(r, "access-control-allow-origin", "*");
	http_send(r, 200, "text/turtle; charset=utf-8", buf_cstr(b), b->len);
	buf_done(b);
	return 0;
}

static int send_jsonld(struct http_req *r, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(1) | JSON_ESCAPE_SLASH) : NULL;
	json_decref(j);
	if (!s)
		return ERR_NOMEM;
	http_set_header(r, "access-control-allow-origin", "*");
	http_send(r, 200, "application/ld+json; charset=utf-8", s, 0);
	free(s);
	return 0;
}

/* the catalog's name in its metadata (DCAT, Atom): Japanese, the
 * catalog's default language */
static const char *catalog_title(struct http_req *r)
{
	return arena_printf(r->arena, html_t(HTML_JA, "opendata.catalog_title"),
			    app_req(r)->tenant.name_ja);
}

int page_catalog_ttl(struct http_req *r)
{
	struct opendata_ctx c;
	ctx_of(r, &c);
	struct buf b;
	buf_init(&b, 64u << 20);
	struct err e;
	long page = 1;
	if (nat(&page, http_param(r, "page"), 1) || page < 1) {
		buf_done(&b);
		return app_send_error(r, ERR_INVALID, "opendata.error.page", "bad page");
	}
	int rc = opendata_dcat_catalog_ttl(&b, &c, catalog_title(r), app_req(r)->tenant.name_ja, page, &e);
	if (rc) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	return send_ttl(r, &b);
}

int page_catalog_jsonld(struct http_req *r)
{
	struct opendata_ctx c;
	ctx_of(r, &c);
	json_t *j = NULL;
	struct err e;
	long page = 1;
	if (nat(&page, http_param(r, "page"), 1) || page < 1)
		return app_send_error(r, ERR_INVALID, "opendata.error.page", "bad page");
	int rc = opendata_dcat_catalog_jsonld(&j, &c, catalog_title(r), app_req(r)->tenant.name_ja, page, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return send_jsonld(r, j);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n > k && strcmp(s + n - k, suf) == 0;
}

/* ---- HTML ---- */

static void fmt_size(char *out, size_t cap, int64_t n)
{
	if (n < 1024)
		snprintf(out, cap, "%lld B", (long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, cap, "%.1f KB", (double)n / 1024);
	else
		snprintf(out, cap, "%.1f MB", (double)n / 1048576);
}

static const char *js_s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* the preview: rows [from, from+PREVIEW_ROWS) of a CSV */
struct preview {
	struct buf *b;
	long from, row;
	int ncols;
	int more;
};

static int preview_row(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)line;
	struct preview *p = arg;
	if (p->row == 0) {
		p->ncols = nf;
		buf_puts(p->b, "<thead><tr><th scope=\"col\">#</th>");
		for (int i = 0; i < nf; i++) {
			char cell[PREVIEW_CELL_MAX + 1];
			snprintf(cell, sizeof cell, "%.*s", (int)(len[i] < PREVIEW_CELL_MAX ? len[i] : PREVIEW_CELL_MAX), f[i]);
			html_printf(p->b, "<th scope=\"col\">%s</th>", cell);
		}
		buf_puts(p->b, "</tr></thead><tbody>");
		p->row++;
		return 0;
	}
	long n = p->row++;
	if (n <= p->from)
		return 0;
	if (n > p->from + PREVIEW_ROWS) {
		p->more = 1;
		return 1; /* stop */
	}
	html_printf(p->b, "<tr><th scope=\"row\">%ld</th>", n);
	for (int i = 0; i < nf && i < p->ncols; i++) {
		char cell[PREVIEW_CELL_MAX * 4 + 1];
		size_t k = len[i] < sizeof cell - 1 ? len[i] : sizeof cell - 1;
		/* do not cut a UTF-8 character */
		while (k > 0 && k < len[i] && ((unsigned char)f[i][k] & 0xC0) == 0x80)
			k--;
		memcpy(cell, f[i], k);
		cell[k] = '\0';
		html_printf(p->b, "<td>%s</td>", cell);
	}
	buf_puts(p->b, "</tr>");
	return 0;
}

static void render_preview(struct http_req *r, struct buf *b, json_t *pkg, json_t *res, long page)
{
	enum html_lang l = app_req(r)->lang;
	struct err e;
	void *data = NULL;
	size_t len = 0;
	if (opendata_resource_data(&data, &len, app_store(r), app_req(r)->tenant.code, js_s(res, "id"), &e))
		return;
	struct buf t;
	buf_init(&t, 8u << 20);
	struct preview pv = { .b = &t, .from = (page - 1) * PREVIEW_ROWS };
	struct jp_csv_reader rd;
	jp_csv_reader_init(&rd, preview_row, &pv);
	int rc = jp_csv_reader_feed(&rd, data, len, &e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&rd, &e);
	jp_csv_reader_done(&rd);
	free(data);
	html_printf(b, "<section aria-labelledby=\"preview-h\"><h2 id=\"preview-h\">%s</h2>\n",
		    html_t(l, "opendata.preview.title"));
	if (rc < 0) {
		html_printf(b, "<p>%s</p></section>\n", html_t(l, "opendata.preview.not_table"));
		buf_done(&t);
		return;
	}
	html_printf(b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"preview-cap\" tabindex=\"0\">"
		       "<table class=\"preview\"><caption id=\"preview-cap\">%s — %s %ld</caption>",
		    js_s(res, "name"), html_t(l, "opendata.preview.page"), page);
	buf_puts(b, buf_cstr(&t));
	buf_puts(b, "</tbody></table></div>\n");
	buf_done(&t);
	const char *name = js_s(pkg, "name"), *rid = js_s(res, "id");
	html_printf(b, "<nav class=\"pager\" aria-label=\"%s\"><ul>", html_t(l, "opendata.preview.pages"));
	if (page > 1)
		html_printf(b, "<li><a href=\"/dataset/%s?resource=%s&amp;page=%ld#preview-h\">%s</a></li>", name, rid,
			    page - 1, html_t(l, "opendata.preview.previous"));
	if (pv.more)
		html_printf(b, "<li><a href=\"/dataset/%s?resource=%s&amp;page=%ld#preview-h\">%s</a></li>", name, rid,
			    page + 1, html_t(l, "opendata.preview.next"));
	buf_puts(b, "</ul></nav></section>\n");
}


/* the location preview of the dataset's first GeoJSON: a Leaflet map
 * drawn by /assets/opendata-map.js (an external script: the CSP stays
 * strict; with --map-tiles their origin is added to img-src only), and,
 * for every reader, a table of the points and a link to the GeoJSON.  The
 * map container is hidden until the script has the points, so without
 * JavaScript the table and the link are the content; the table is also
 * the accessible alternative to the map (whose markers are keyboard
 * buttons named after the place). */
#define MAP_TABLE_MAX 500

static const char *feature_name(json_t *props)
{
	static const char *const keys[] = { "名称", "施設・場所名", "name", "title", "施設名" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = json_string_value(json_object_get(props, keys[i]));
		if (v && *v)
			return v;
	}
	return "";
}

/* "https://host" of a tile URL template ({s} subdomains as *) into the arena */
static const char *tile_origin(struct http_req *r, const char *tpl)
{
	if (!tpl || strncmp(tpl, "https://", 8) != 0)
		return NULL;
	const char *h = tpl + 8, *end = h + strcspn(h, "/?#");
	const char *o = arena_strndup(r->arena, tpl, (size_t)(end - tpl));
	if (strncmp(h, "{s}.", 4) == 0)
		o = arena_printf(r->arena, "https://*.%.*s", (int)(end - h - 4), h + 4);
	return o;
}

static void render_map(struct http_req *r, struct buf *b, json_t *pkg)
{
	enum html_lang l = app_req(r)->lang;
	json_t *res = json_object_get(pkg, "resources"), *gj = NULL;
	for (size_t i = 0; i < json_array_size(res) && !gj; i++)
		if (strcmp(js_s(json_array_get(res, i), "format"), "GeoJSON") == 0)
			gj = json_array_get(res, i);
	if (!gj)
		return;
	struct err e;
	void *data = NULL;
	size_t len = 0;
	int rc = opendata_resource_data(&data, &len, app_store(r), app_req(r)->tenant.code, js_s(gj, "id"), &e);
	if (rc && rc != ERR_NOTFOUND)
		return;
	json_t *doc = rc == 0 ? json_loadb(data, len, 0, NULL) : NULL;
	free(data);
	json_t *feats = json_object_get(doc, "features");
	struct buf t;
	buf_init(&t, 4u << 20);
	long n = 0;
	for (size_t i = 0; i < json_array_size(feats); i++) {
		json_t *f = json_array_get(feats, i), *g = json_object_get(f, "geometry");
		json_t *c = json_object_get(g, "coordinates");
		if (strcmp(js_s(g, "type"), "Point") != 0 || !json_is_number(json_array_get(c, 0)) ||
		    !json_is_number(json_array_get(c, 1)))
			continue;
		double lon = json_number_value(json_array_get(c, 0)), lat = json_number_value(json_array_get(c, 1));
		if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
			continue;
		n++;
		if (n <= MAP_TABLE_MAX) {
			char la[32], lo[32];
			snprintf(la, sizeof la, "%.6f", lat);
			snprintf(lo, sizeof lo, "%.6f", lon);
			html_printf(&t, "<tr><th scope=\"row\">%ld</th><td>%s</td><td>%s</td><td>%s</td></tr>", n,
				    feature_name(json_object_get(f, "properties")), la, lo);
		}
	}
	json_decref(doc);
	if (n == 0) {
		buf_done(&t);
		return;
	}
	const struct opendata_web_config *cfg = opendata_web_config(r);
	const char *url = js_s(gj, "url");
	html_printf(b, "<section aria-labelledby=\"map-h\"><h2 id=\"map-h\">%s</h2>\n",
		    html_t(l, "opendata.map.title"));
	html_printf(b, "<div id=\"od-map\" class=\"od-map-box\" role=\"region\" aria-label=\"%s\" data-geojson=\"%s\"",
		    arena_printf(r->arena, "%s: %s（%ld %s）", html_t(l, "opendata.map.map"), js_s(gj, "name"), n,
				 html_t(l, "opendata.map.points")), url);
	if (cfg->map_tiles) {
		html_printf(b, " data-tiles=\"%s\" data-attribution=\"%s\"", cfg->map_tiles,
			    cfg->map_attribution ? cfg->map_attribution : "");
		r->csp_img_src = tile_origin(r, cfg->map_tiles);
	}
	buf_puts(b, " hidden></div>\n");
	html_printf(b, "<p class=\"map-note\">%s <a href=\"%s\">%s（GeoJSON、%ld %s）</a></p>\n",
		    html_t(l, "opendata.map.note"),
		    url, js_s(gj, "name"), n, html_t(l, "opendata.map.points"));
	html_printf(b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"points-cap\" tabindex=\"0\">"
		       "<table class=\"points\"><caption id=\"points-cap\">%s%s</caption><thead><tr><th scope=\"col\">#</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    html_t(l, "opendata.map.table"),
		    n > MAP_TABLE_MAX ? arena_printf(r->arena, html_t(l, "opendata.map.first_n"), MAP_TABLE_MAX) : "",
		    html_t(l, "opendata.map.name"), html_t(l, "opendata.map.latitude"),
		    html_t(l, "opendata.map.longitude"));
	buf_puts(b, buf_cstr(&t));
	buf_puts(b, "</tbody></table></div>\n"
		    "<link rel=\"stylesheet\" href=\"/assets/leaflet/leaflet.css\">\n"
		    "<script src=\"/assets/leaflet/leaflet.js\" defer></script>\n"
		    "<script src=\"/assets/opendata-map.js\" defer></script></section>\n");
	buf_done(&t);
}
/* a CKAN time (UTC, "YYYY-MM-DDTHH:MM:SS[.ffffff]", as the API gives it)
 * as residents read it: Japan time, "YYYY-MM-DD HH:MM (日本時間)"; the
 * text as it is when it is not such a time */
static const char *shown_time(struct http_req *r, enum html_lang l, const char *iso)
{
	struct tm tm = { 0 };
	const char *end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && *end != '.' && *end != 'Z'))
		return iso;
	char buf[JP_JST_FORMAT_SIZE];
	jp_jst_format(buf, sizeof buf, (int64_t)timegm(&tm));
	return arena_printf(r->arena, html_t(l, "opendata.time_jst"), buf);
}


static void render_dataset(struct http_req *r, struct buf *b, struct opendata_ctx *c, json_t *pkg)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page pg;
	app_page(r, &pg, js_s(pkg, "title"));
	html_page_begin(b, &pg);
	const char *name = js_s(pkg, "name");
	buf_puts(b, "<link rel=\"stylesheet\" href=\"/assets/opendata.css\">\n");
	html_printf(b, "<p class=\"breadcrumb\"><a href=\"/opendata\">%s</a></p>\n",
		    html_t(l, "opendata.search.title"));
	if (l == HTML_EN && *js_s(pkg, "title_en"))
		html_printf(b, "<p lang=\"en\">%s</p>\n", js_s(pkg, "title_en"));
	html_printf(b, "<p class=\"notes\">%s</p>\n", js_s(pkg, "notes"));
	json_t *org = json_object_get(pkg, "organization");
	html_printf(b, "<h2>%s</h2>\n<dl class=\"meta\">", html_t(l, "opendata.dataset.about"));
	html_printf(b, "<dt>%s</dt><dd><a href=\"/opendata?organization=%s\">%s</a></dd>",
		    html_t(l, "opendata.dataset.publisher"), js_s(org, "name"), js_s(org, "title"));
	if (*js_s(pkg, "license_url"))
		html_printf(b, "<dt>%s</dt><dd><a href=\"%s\">%s</a></dd>", html_t(l, "opendata.dataset.licence"),
			    js_s(pkg, "license_url"), js_s(pkg, "license_title"));
	else
		html_printf(b, "<dt>%s</dt><dd>%s</dd>", html_t(l, "opendata.dataset.licence"), js_s(pkg, "license_title"));
	/* the dict's key and the catalog id of its label */
	static const struct { const char *k, *id; } f[] = {
		{ "attribution", "opendata.dataset.meta.attribution" },
		{ "frequency", "opendata.dataset.meta.frequency" },
		{ "spatial", "opendata.dataset.meta.spatial" },
		{ "temporal_start", "opendata.dataset.meta.temporal_start" },
		{ "temporal_end", "opendata.dataset.meta.temporal_end" },
		{ "maintainer", "opendata.dataset.meta.maintainer" },
		{ "maintainer_email", "opendata.dataset.meta.maintainer_email" },
		{ "conforms_to", "opendata.dataset.meta.conforms_to" },
		{ "metadata_created", "opendata.dataset.meta.metadata_created" },
		{ "metadata_modified", "opendata.dataset.meta.metadata_modified" },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (*js_s(pkg, f[i].k))
			html_printf(b, "<dt>%s</dt><dd>%s</dd>", html_t(l, f[i].id),
				    strncmp(f[i].k, "metadata_", 9) == 0
					    ? shown_time(r, l, js_s(pkg, f[i].k))
					    : js_s(pkg, f[i].k));
	if (*js_s(pkg, "url"))
		html_printf(b, "<dt>%s</dt><dd><a href=\"%s\">%s</a></dd>", html_t(l, "opendata.dataset.source"), js_s(pkg, "url"),
			    js_s(pkg, "url"));
	buf_puts(b, "</dl>\n");
	json_t *tags = json_object_get(pkg, "tags");
	if (json_array_size(tags)) {
		html_printf(b, "<h2>%s</h2><ul class=\"tags\">", html_t(l, "opendata.dataset.tags"));
		for (size_t i = 0; i < json_array_size(tags); i++) {
			const char *t = js_s(json_array_get(tags, i), "name");
			char *enc = arena_alloc(r->arena, strlen(t) * 3 + 1), *o = enc;
			for (const unsigned char *s = (const unsigned char *)t; *s; s++)
				o += (*s >= 0x80 || *s == '&' || *s == '#' || *s == '+' || *s == ' ' || *s == '%' || *s == '"')
					     ? sprintf(o, "%%%02X", *s) : sprintf(o, "%c", *s);
			html_printf(b, "<li><a href=\"/opendata?tags=%s\">%s</a></li>", enc, t);
		}
		buf_puts(b, "</ul>\n");
	}
	json_t *res = json_object_get(pkg, "resources");
	html_printf(b, "<h2 id=\"files\">%s</h2>\n<div class=\"table-scroll\"><table class=\"resources\"><caption>%s</caption><thead><tr>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    html_t(l, "opendata.dataset.files"),
		    html_t(l, "opendata.dataset.files.caption"),
		    html_t(l, "opendata.dataset.files.name"),
		    html_t(l, "opendata.dataset.files.format"),
		    html_t(l, "opendata.dataset.files.size"),
		    html_t(l, "opendata.dataset.files.version"),
		    html_t(l, "opendata.dataset.files.validation"));
	json_t *csv = NULL;
	const char *want = http_param(r, "resource");
	for (size_t i = 0; i < json_array_size(res); i++) {
		json_t *x = json_array_get(res, i);
		char sz[32];
		fmt_size(sz, sizeof sz, json_integer_value(json_object_get(x, "size")));
		const char *path = strstr(js_s(x, "url"), "/dataset/");
		html_printf(b, "<tr><td><a href=\"%s\">%s</a>", path ? path : js_s(x, "url"), js_s(x, "name"));
		json_t *val = json_object_get(x, "validation");
		if (strcmp(js_s(x, "format"), "CSV") == 0 && val &&
		    strncmp(json_string_value(json_object_get(val, "encoding")) ? json_string_value(json_object_get(val, "encoding")) : "", "UTF-8", 5) == 0 &&
		    strcmp(json_string_value(json_object_get(val, "encoding")), "UTF-8 (BOM)") != 0)
			html_printf(b, " <small>(<a href=\"%s?excel=1\" aria-label=\"%s %s\">%s</a>)</small>",
				    path ? path : js_s(x, "url"), js_s(x, "name"), html_t(l, "opendata.dataset.files.excel"),
				    html_t(l, "opendata.dataset.files.excel"));
		if (*js_s(x, "description"))
			html_printf(b, "<br><small>%s</small>", js_s(x, "description"));
		html_printf(b, "</td><td>%s</td><td>%s</td><td>%ld</td><td>", js_s(x, "format"), sz,
			    (long)json_integer_value(json_object_get(x, "version")));
		json_t *v = json_object_get(x, "validation");
		if (v)
			html_printf(b, "%s %ld / %s %ld", html_t(l, "opendata.dataset.files.errors"),
				    (long)json_integer_value(json_object_get(v, "errors")), html_t(l, "opendata.dataset.files.warnings"),
				    (long)json_integer_value(json_object_get(v, "warnings")));
		buf_puts(b, "</td></tr>");
		if (strcmp(js_s(x, "format"), "CSV") == 0 &&
		    (!csv || (want && strcmp(want, js_s(x, "id")) == 0)))
			csv = x;
	}
	buf_puts(b, "</tbody></table></div>\n");
	if (csv) {
		long page = 1;
		if (nat(&page, http_param(r, "page"), 1) || page < 1)
			page = 1;
		render_preview(r, b, pkg, csv, page);
	}
	render_map(r, b, pkg);
	html_printf(b, "<h2>%s</h2><ul class=\"api-links\">"
		       "<li><a href=\"/api/3/action/package_show?id=%s\">CKAN API (package_show)</a></li>"
		       "<li><a href=\"/dataset/%s.ttl\">DCAT Turtle</a></li>"
		       "<li><a href=\"/dataset/%s.jsonld\">DCAT JSON-LD</a></li></ul>\n",
		    html_t(l, "opendata.dataset.machines"), name, name, name);
	/* schema.org Dataset (not executed: allowed by the CSP) */
	json_t *so = opendata_schemaorg(c, pkg);
	char *s = so ? json_dumps(so, JSON_COMPACT | JSON_ESCAPE_SLASH) : NULL;
	json_decref(so);
	if (s) {
		buf_puts(b, "<script type=\"application/ld+json\">");
		buf_puts(b, s);
		buf_puts(b, "</script>\n");
		free(s);
	}
	html_page_end(b, &pg);
}

int page_dataset(struct http_req *r)
{
	struct opendata_ctx c;
	ctx_of(r, &c);
	const char *name = http_param(r, "name");
	int ttl = ends_with(name, ".ttl"), jsonld = ends_with(name, ".jsonld");
	char *id = arena_strdup(r->arena, name);
	if (ttl)
		id[strlen(id) - 4] = '\0';
	else if (jsonld)
		id[strlen(id) - 7] = '\0';
	json_t *pkg = NULL;
	struct err e;
	err_clear(&e);
	int rc = opendata_package(&pkg, &c, id, &e);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "opendata.error.dataset_not_found", NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	if (ttl) {
		struct buf b;
		buf_init(&b, 16u << 20);
		opendata_dcat_dataset_ttl(&b, &c, pkg, 1);
		json_decref(pkg);
		return send_ttl(r, &b);
	}
	if (jsonld) {
		json_t *j = opendata_dcat_dataset_jsonld(&c, pkg);
		json_decref(pkg);
		return send_jsonld(r, j);
	}
	struct buf b;
	buf_init(&b, 16u << 20);
	render_dataset(r, &b, &c, pkg);
	json_decref(pkg);
	http_set_header(r, "cache-control", "public, max-age=60");
	http_send_html(r, 200, &b);
	buf_done(&b);
	return 0;
}

static void facet_block(struct http_req *r, struct buf *b, json_t *sf, const char *field,
			const char *title, const char *self)
{
	json_t *items = json_object_get(json_object_get(sf, field), "items");
	if (!json_array_size(items))
		return;
	html_printf(b, "<section class=\"facet\"><h3>%s</h3><ul>", title);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *v = js_s(it, "name");
		struct buf u;
		buf_init(&u, 4096);
		buf_printf(&u, "%s%s%s=", self, strchr(self, '?') ? "&" : "?", field);
		for (const unsigned char *s = (const unsigned char *)v; *s; s++)
			if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.')
				buf_putc(&u, (char)*s);
			else
				buf_printf(&u, "%%%02X", *s);
		html_printf(b, "<li><a href=\"%s\">%s</a> <span class=\"count\">(%ld)</span></li>",
			    buf_cstr(&u), js_s(it, "display_name"), (long)json_integer_value(json_object_get(it, "count")));
		buf_done(&u);
	}
	buf_puts(b, "</ul></section>\n");
	(void)r;
}

static void url_param(struct buf *u, const char *k, const char *v)
{
	if (!v || !*v)
		return;
	buf_printf(u, "%s%s=", strchr(buf_cstr(u), '?') ? "&" : "?", k);
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.')
			buf_putc(u, (char)*s);
		else
			buf_printf(u, "%%%02X", *s);
}

static const char *const facet_fields[] = { "organization", "groups", "tags", "res_format", "license_id" };

int page_opendata_search(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct opendata_ctx c;
	ctx_of(r, &c);
	long page = 1;
	if (nat(&page, http_param(r, "page"), 1) || page < 1 || page > 500)
		page = 1;
	const char *qtext = http_param(r, "q");
	int words = qtext && qtext[strspn(qtext, " \t")];
	/* with words: the full-text ranking; without: newest first */
	struct opendata_query q = { .q = qtext, .rows = SEARCH_PAGE_ROWS,
				    .start = (page - 1) * SEARCH_PAGE_ROWS,
				    .sort = words ? "score desc, metadata_modified desc" : "metadata_modified desc" };
	struct buf self;
	buf_init(&self, 8192);
	buf_puts(&self, "/opendata");
	url_param(&self, "q", q.q);
	for (size_t i = 0; i < sizeof facet_fields / sizeof facet_fields[0]; i++) {
		const char *v = http_param(r, facet_fields[i]);
		q.facets[q.nfacets++] = facet_fields[i];
		if (v && *v) {
			q.fq_field[q.nfq] = facet_fields[i];
			q.fq_value[q.nfq++] = v;
			url_param(&self, facet_fields[i], v);
		}
	}
	json_t *res = NULL;
	struct err e;
	err_clear(&e);
	int rc = opendata_search(&res, &c, &q, &e);
	if (rc) {
		buf_done(&self);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "opendata.search.title"), NULL, NULL);
	buf_puts(&b, "<link rel=\"stylesheet\" href=\"/assets/opendata.css\">\n");
	html_printf(&b, "<p>%s</p>\n",
		    html_t(l, "opendata.search.lead"));
	html_printf(&b, "<form class=\"search\" method=\"get\" action=\"/opendata\" role=\"search\">"
		       "<label for=\"od-q\">%s</label> <input type=\"search\" id=\"od-q\" name=\"q\" value=\"%s\" maxlength=\"200\"> "
		       "<button type=\"submit\">%s</button></form>\n",
		    html_t(l, "opendata.search.keywords"), q.q ? q.q : "",
		    html_t(l, "opendata.search.submit"));
	if (q.nfq) {
		html_printf(&b, "<p class=\"filters\">%s: ", html_t(l, "opendata.search.filters"));
		for (int i = 0; i < q.nfq; i++)
			html_printf(&b, "<span class=\"filter\">%s = %s</span> ", q.fq_field[i], q.fq_value[i]);
		html_printf(&b, "<a href=\"/opendata%s%s\">%s</a></p>\n", q.q ? "?q=" : "", "",
			    html_t(l, "opendata.search.clear"));
	}
	long count = (long)json_integer_value(json_object_get(res, "count"));
	html_printf(&b, "<p class=\"count\" role=\"status\">%ld %s</p>\n", count,
		    html_t(l, "opendata.search.count"));
	buf_puts(&b, "<div class=\"od-layout\">");
	html_printf(&b, "<nav class=\"facets\" aria-label=\"%s\"><h2>%s</h2>", html_t(l, "opendata.search.filters"),
		    html_t(l, "opendata.search.filter_by"));
	json_t *sf = json_object_get(res, "search_facets");
	facet_block(r, &b, sf, "organization", html_t(l, "opendata.search.facet.organization"), buf_cstr(&self));
	facet_block(r, &b, sf, "groups", html_t(l, "opendata.search.facet.groups"), buf_cstr(&self));
	facet_block(r, &b, sf, "tags", html_t(l, "opendata.search.facet.tags"), buf_cstr(&self));
	facet_block(r, &b, sf, "res_format", html_t(l, "opendata.search.facet.res_format"), buf_cstr(&self));
	facet_block(r, &b, sf, "license_id", html_t(l, "opendata.search.facet.license_id"), buf_cstr(&self));
	buf_puts(&b, "</nav>\n");
	html_printf(&b, "<section class=\"results\" aria-labelledby=\"res-h\"><h2 id=\"res-h\">%s</h2><ol class=\"datasets\">",
		    html_t(l, "opendata.search.results"));
	json_t *list = json_object_get(res, "results");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *d = json_array_get(list, i);
		struct search_hit hit;
		struct err he;
		if (words && c.sr &&
		    search_hit_get(&hit, c.sr, c.tenant, "opendata", js_s(d, "name"), qtext, &he) == 0) {
			/* the title and a snippet of the description with the
			 * words marked (<mark>), from the full-text index */
			html_printf(&b, "<li><h3><a href=\"/dataset/%s\">", js_s(d, "name"));
			search_title_html(&b, &hit);
			html_printf(&b, "</a></h3><p class=\"org\">%s</p>", js_s(json_object_get(d, "organization"), "title"));
			if (hit.snippet && *hit.snippet) {
				buf_puts(&b, "<p class=\"snippet\">");
				search_snippet_html(&b, &hit);
				buf_puts(&b, "</p>");
			} else {
				html_printf(&b, "<p>%s</p>", js_s(d, "notes"));
			}
			search_hit_done(&hit);
			buf_puts(&b, "<ul class=\"formats\">");
			goto formats;
		}
		html_printf(&b, "<li><h3><a href=\"/dataset/%s\">%s</a></h3><p class=\"org\">%s</p>",
			    js_s(d, "name"), js_s(d, "title"), js_s(json_object_get(d, "organization"), "title"));
		char notes[400];
		const char *n = js_s(d, "notes");
		size_t k = strlen(n) < 300 ? strlen(n) : 300;
		while (k > 0 && k < strlen(n) && ((unsigned char)n[k] & 0xC0) == 0x80)
			k--;
		snprintf(notes, sizeof notes, "%.*s%s", (int)k, n, k < strlen(n) ? "…" : "");
		html_printf(&b, "<p>%s</p><ul class=\"formats\">", notes);
	formats:;
		json_t *rs = json_object_get(d, "resources");
		const char *seen[16];
		int ns = 0;
		for (size_t j = 0; j < json_array_size(rs) && ns < 16; j++) {
			const char *f = js_s(json_array_get(rs, j), "format");
			int dup = 0;
			for (int k2 = 0; k2 < ns; k2++)
				dup |= strcmp(seen[k2], f) == 0;
			if (!dup) {
				seen[ns++] = f;
				html_printf(&b, "<li>%s</li>", f);
			}
		}
		buf_puts(&b, "</ul></li>\n");
	}
	buf_puts(&b, "</ol>");
	html_printf(&b, "<nav class=\"pager\" aria-label=\"%s\"><ul>", html_t(l, "opendata.search.pages"));
	if (page > 1)
		html_printf(&b, "<li><a href=\"%s%Spage=%ld\">%s</a></li>", buf_cstr(&self),
			    strchr(buf_cstr(&self), '?') ? "&amp;" : "?", page - 1, html_t(l, "opendata.search.previous"));
	if (page * SEARCH_PAGE_ROWS < count)
		html_printf(&b, "<li><a href=\"%s%Spage=%ld\">%s</a></li>", buf_cstr(&self),
			    strchr(buf_cstr(&self), '?') ? "&amp;" : "?", page + 1, html_t(l, "opendata.search.next"));
	buf_puts(&b, "</ul></nav></section></div>\n");
	html_printf(&b, "<h2>%s</h2><ul class=\"api-links\">"
		       "<li><a href=\"/opendata/changes.atom\">%s (Atom)</a></li>"
		       "<li><a href=\"/api/3/action/package_search\">CKAN API (package_search)</a></li>"
		       "<li><a href=\"/catalog.ttl\">DCAT Turtle</a></li><li><a href=\"/catalog.jsonld\">DCAT JSON-LD</a></li></ul>\n",
		    html_t(l, "opendata.search.api"), html_t(l, "opendata.search.changes"));
	html_page_end(&b, &pg);
	json_decref(res);
	buf_done(&self);
	http_set_header(r, "cache-control", "public, max-age=60");
	http_send_html(r, 200, &b);
	buf_done(&b);
	return 0;
}

int page_opendata_atom(struct http_req *r)
{
	struct opendata_ctx c;
	ctx_of(r, &c);
	json_t *ch = NULL;
	struct err e;
	int rc = opendata_changes(&ch, &c, 50, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct buf b;
	buf_init(&b, 4u << 20);
	const char *host = r->host;
	char updated[24] = "1970-01-01T00:00:00";
	if (json_array_size(ch))
		snprintf(updated, sizeof updated, "%s", js_s(json_array_get(ch, 0), "timestamp"));
	html_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n"
		       "<title>%s</title>\n<id>%s/opendata/changes.atom</id>\n"
		       "<link rel=\"self\" href=\"%s/opendata/changes.atom\"/>\n<link href=\"%s/opendata\"/>\n"
		       "<updated>%sZ</updated>\n<author><name>%s</name></author>\n",
		    catalog_title(r), c.base, c.base, c.base, updated, app_req(r)->tenant.name_ja);
	for (size_t i = 0; i < json_array_size(ch); i++) {
		json_t *x = json_array_get(ch, i);
		const char *act = js_s(x, "activity_type");
		const char *what = strcmp(act, "new package") == 0 ? "opendata.atom.new" :
				   strcmp(act, "deleted package") == 0 ? "opendata.atom.deleted"
								       : "opendata.atom.updated";
		html_printf(&b, "<entry><title>%s / %s: %s</title><id>tag:%s,2026:opendata-change-%ld</id>"
			       "<link href=\"%s/dataset/%s\"/><updated>%sZ</updated><summary>%s (%s)</summary></entry>\n",
			    html_t(HTML_JA, what), html_t(HTML_EN, what), js_s(x, "summary"),
			    host && *host ? host : "localhost",
			    (long)json_integer_value(json_object_get(x, "id")), c.base, js_s(x, "dataset_name"),
			    js_s(x, "timestamp"), js_s(x, "summary"), js_s(x, "dataset_name"));
	}
	buf_puts(&b, "</feed>\n");
	json_decref(ch);
	http_set_header(r, "cache-control", "public, max-age=60");
	http_send(r, 200, "application/atom+xml; charset=utf-8", buf_cstr(&b), b.len);
	buf_done(&b);
	return 0;
}

/* ---- the service's options and slot (svc.h) ---- */

int opendata_check_tiles(const char *v)
{
	return strncmp(v, "https://", 8) == 0 && strlen(v) <= 500 && strstr(v, "{z}") &&
	       strstr(v, "{x}") && strstr(v, "{y}") && !strpbrk(v, "\"'<> ;") ? 0 : ERR_INVALID;
}

int opendata_check_attribution(const char *v)
{
	return strlen(v) <= 300 ? 0 : ERR_INVALID;
}

int opendata_web_init(void **state, struct app *a, struct err *e)
{
	struct opendata_web_config *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "opendata: no memory");
	c->map_tiles = svc_option(a, "map-tiles");
	c->map_attribution = svc_option(a, "map-attribution");
	if (c->map_tiles && opendata_check_tiles(c->map_tiles)) {
		free(c);
		return err_set(e, ERR_INVALID, "--map-tiles is not an https URL template");
	}
	*state = c;
	return 0;
}

void opendata_web_done(void *state)
{
	free(state);
}

const struct opendata_web_config *opendata_web_config(struct http_req *r)
{
	static const struct opendata_web_config none;
	const struct opendata_web_config *c = svc_state(r, &svc_opendata);
	return c ? c : &none;
}
