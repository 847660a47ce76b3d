/*
 * assets.c -- static files under /assets/, held in memory.
 *
 * At start-up every regular file below the static directory is read (at
 * most ASSET_MAX_FILE bytes each, ASSET_MAX_TOTAL in all), given a strong
 * ETag (a 64-bit FNV-1a hash of the content) and, for text types, a gzip
 * copy when that is smaller.  A request is answered from memory: 304 when
 * If-None-Match matches, the gzip copy when the client accepts it.  Assets
 * change only with a deployment, so the table is read-only after start-up
 * and shared by every worker thread.
 */
#include "http/http_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define ASSET_MAX_FILE (8u << 20)
#define ASSET_MAX_TOTAL (128u << 20)
#define ASSET_MAX_FILES 4096
#define ASSET_MAX_DEPTH 8

struct asset {
	char *url;          /* "/assets/css/madoguchi.css" */
	char *data, *gz;
	size_t len, gzlen;
	char etag[24];
	const char *mime;
};

struct http_assets {
	struct asset *v;
	int n, cap;
	size_t total;
};

static const struct { const char *ext, *mime; int text; } mimes[] = {
	{ ".css", "text/css; charset=utf-8", 1 },
	{ ".js", "text/javascript; charset=utf-8", 1 },
	{ ".mjs", "text/javascript; charset=utf-8", 1 },
	{ ".json", "application/json", 1 },
	{ ".geojson", "application/geo+json", 1 },
	{ ".svg", "image/svg+xml", 1 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
	{ ".html", "text/html; charset=utf-8", 1 },
	{ ".map", "application/json", 1 },
	{ ".png", "image/png", 0 },
	{ ".jpg", "image/jpeg", 0 },
	{ ".ico", "image/vnd.microsoft.icon", 0 },
	{ ".woff2", "font/woff2", 0 },
	{ ".pdf", "application/pdf", 0 },
};

static int mime_of(const char *name, const char **mime)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof mimes / sizeof mimes[0]; i++) {
		if (strcmp(dot, mimes[i].ext) == 0) {
			*mime = mimes[i].mime;
			return mimes[i].text;
		}
	}
	*mime = "application/octet-stream";
	return 0;
}

static void gzip_copy(struct asset *as)
{
	z_stream z = { 0 };
	if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	size_t cap = deflateBound(&z, as->len) + 32;
	char *out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return;
	}
	z.next_in = (unsigned char *)as->data;
	z.avail_in = (uInt)as->len;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < as->len) {
		as->gz = out;
		as->gzlen = z.total_out;
	} else {
		free(out);
	}
	deflateEnd(&z);
}

static int add_file(struct http_assets *a, const char *path, const char *url,
		    struct err *e)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((size_t)st.st_size > ASSET_MAX_FILE || a->n >= ASSET_MAX_FILES ||
	    a->total + (size_t)st.st_size > ASSET_MAX_TOTAL)
		return err_set(e, ERR_LIMIT, "static asset %s over the size limits", url);
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 64;
		struct asset *nv = realloc(a->v, (size_t)cap * sizeof *nv);
		if (!nv)
			return err_set(e, ERR_NOMEM, "out of memory");
		a->v = nv;
		a->cap = cap;
	}
	struct asset *as = &a->v[a->n];
	memset(as, 0, sizeof *as);
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "cannot read %s", path);
	as->len = (size_t)st.st_size;
	as->data = malloc(as->len + 1);
	size_t got = as->data ? fread(as->data, 1, as->len, f) : 0;
	fclose(f);
	as->url = strdup(url);
	if (!as->data || !as->url || got != as->len) {
		free(as->data);
		free(as->url);
		return err_set(e, ERR_IO, "cannot read %s", path);
	}
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < as->len; i++)
		h = (h ^ (unsigned char)as->data[i]) * 1099511628211ULL;
	snprintf(as->etag, sizeof as->etag, "\"%016llx\"", (unsigned long long)h);
	if (mime_of(url, &as->mime) && as->len > 256)
		gzip_copy(as);
	a->total += as->len;
	a->n++;
	return 0;
}

static int walk(struct http_assets *a, const char *dir, const char *url,
		int depth, struct err *e)
{
	if (depth > ASSET_MAX_DEPTH)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return depth == 0 ? err_set(e, ERR_IO, "cannot open static directory %s", dir) : 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096], u[1024];
		if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, de->d_name) >= sizeof p ||
		    (size_t)snprintf(u, sizeof u, "%s/%s", url, de->d_name) >= sizeof u)
			continue;
		struct stat st;
		if (stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(a, p, u, depth + 1, e);
		else
			rc = add_file(a, p, u, e);
	}
	closedir(d);
	return rc;
}

int http_assets_load(struct http_assets **out, const char *dir, struct err *e)
{
	struct http_assets *a = calloc(1, sizeof *a);
	if (!a)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = walk(a, dir, "/assets", 0, e);
	if (rc) {
		http_assets_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void http_assets_free(struct http_assets *a)
{
	if (!a)
		return;
	for (int i = 0; i < a->n; i++) {
		free(a->v[i].url);
		free(a->v[i].data);
		free(a->v[i].gz);
	}
	free(a->v);
	free(a);
}

static int accepts_gzip(const struct http_req *r)
{
	const char *ae = http_header(r, "accept-encoding");
	return ae && strstr(ae, "gzip") != NULL;
}

int http_assets_serve(struct http_assets *a, struct http_req *r)
{
	if (!a)
		return 0;
	const struct asset *as = NULL;
	for (int i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].url, r->path) == 0) {
			as = &a->v[i];
			break;
		}
	}
	if (!as)
		return 0;
	h2o_req_t *req = r->h2o_req;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		http_set_header(r, "allow", "GET, HEAD");
		http_send(r, 405, "text/plain; charset=utf-8", "method not allowed\n", 0);
		return 1;
	}
	http_common_headers(r);
	h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL,
		       H2O_STRLIT("public, max-age=3600"), 1);
	h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_ETAG, as->etag,
		       strlen(as->etag), 1);
	if (as->gz)
		h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY,
			       H2O_STRLIT("accept-encoding"), 1);
	const char *inm = http_header(r, "if-none-match");
	if (inm && strstr(inm, as->etag)) {
		r->status = req->res.status = 304;
		req->res.reason = "Not Modified";
		h2o_send_inline(req, "", 0);
		return 1;
	}
	const char *body = as->data;
	size_t len = as->len;
	if (as->gz && accepts_gzip(r)) {
		body = as->gz;
		len = as->gzlen;
		h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING,
			       H2O_STRLIT("gzip"), 1);
	}
	h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
		       as->mime, strlen(as->mime), 1);
	r->status = req->res.status = 200;
	req->res.reason = "OK";
	req->res.content_length = len;
	/* the table outlives every request: no copy needed */
	static h2o_generator_t generator = { NULL, NULL };
	h2o_start_response(req, &generator);
	h2o_iovec_t buf = h2o_iovec_init(body, len);
	if (strcmp(r->method, "HEAD") == 0)
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
	else
		h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
	return 1;
}
