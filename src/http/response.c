/*
 * response.c -- request accessors and the response helpers: headers,
 * cookies, the one error format (JSON body or HTML page), the one mapping
 * from ERR_* codes to HTTP statuses, and the security headers every
 * response carries.
 */
#include "http/http_int.h"
#include "base/log.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define H2O(r) ((h2o_req_t *)(r)->h2o_req)

static const char csp[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; "
	"object-src 'none'; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'";

static const char *cookie_wire_name(const struct http_req *r, const char *name);

const char *http_param(const struct http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

const struct http_part *http_file(const struct http_req *r, const char *name)
{
	for (int i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, name) == 0)
			return &r->files[i];
	return NULL;
}

const char *http_authority(const struct http_req *r)
{
	h2o_req_t *req = H2O(r);
	const char *fallback = r->host && *r->host ? r->host : "localhost";
	if (!req || req->authority.len == 0 || req->authority.len > 300)
		return fallback;
	for (size_t i = 0; i < req->authority.len; i++) {
		char ch = req->authority.base[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']'))
			return fallback;
	}
	const char *a = arena_strndup(r->arena, req->authority.base, req->authority.len);
	return a ? a : fallback;
}

const char *http_header(const struct http_req *r, const char *name)
{
	h2o_req_t *req = H2O(r);
	size_t nl = strlen(name);
	for (size_t i = 0; i < req->headers.size; i++) {
		h2o_header_t *h = &req->headers.entries[i];
		if (h->name->len == nl && strncasecmp(h->name->base, name, nl) == 0)
			return arena_strndup(r->arena, h->value.base, h->value.len);
	}
	return NULL;
}

const char *http_cookie(const struct http_req *r, const char *name)
{
	h2o_req_t *req = H2O(r);
	/* over a secure connection only the prefixed cookie counts: an
	 * unprefixed one may have been planted by a sibling host or over
	 * plain HTTP */
	name = cookie_wire_name(r, name);
	if (!name)
		return NULL;
	for (size_t i = 0; i < req->headers.size; i++) {
		h2o_header_t *h = &req->headers.entries[i];
		if (h->name->len != 6 || strncasecmp(h->name->base, "cookie", 6) != 0)
			continue;
		const char *names[HTTP_MAX_COOKIES], *values[HTTP_MAX_COOKIES];
		int n = http_parse_cookies(h->value.base, h->value.len, r->arena,
					   names, values, HTTP_MAX_COOKIES);
		for (int j = 0; j < n; j++)
			if (strcmp(names[j], name) == 0)
				return values[j];
	}
	return NULL;
}

const char *http_body(const struct http_req *r, size_t *len)
{
	h2o_req_t *req = H2O(r);
	*len = req->entity.len;
	return req->entity.base ? req->entity.base : "";
}

const char *http_query_string(const struct http_req *r)
{
	h2o_req_t *req = H2O(r);
	if (req->query_at == SIZE_MAX)
		return NULL;
	return arena_strndup(r->arena, req->path.base + req->query_at + 1,
			     req->path.len - req->query_at - 1);
}

const char *http_accept_lang(const struct http_req *r, const char *const *langs,
			     int n)
{
	const char *al = http_header(r, "accept-language");
	if (!al)
		return langs[0];
	/* the first listed language we have (q-values are rarely used by
	 * browsers in an order other than the listed one) */
	const char *p = al;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ",;");
		for (int i = 0; i < n; i++) {
			size_t ll = strlen(langs[i]);
			if (len >= ll && strncasecmp(p, langs[i], ll) == 0 &&
			    (len == ll || p[ll] == '-'))
				return langs[i];
		}
		p += len;
		while (*p && *p != ',')
			p++;
	}
	return langs[0];
}

/* a header value may not carry CR, LF, NUL or another control byte
 * (tab aside): one would end the header and start another (a response
 * split).  Refused here whatever the caller, so that no handler can be
 * the one that forgot. */
static int header_value_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

static int header_name_ok(const char *n)
{
	if (!*n)
		return 0;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return 0;
	return 1;
}

int http_set_header(struct http_req *r, const char *name, const char *value)
{
	h2o_req_t *req = H2O(r);
	if (!name || !value || !header_name_ok(name) || !header_value_ok(value)) {
		log_error("http", "what", "header refused: control character in a value",
			  "header", name && header_name_ok(name) ? name : "-");
		return ERR_INVALID;
	}
	size_t nl = strlen(name);
	char *n = h2o_mem_alloc_pool(&req->pool, nl + 1);
	memcpy(n, name, nl + 1);
	h2o_iovec_t v = h2o_strdup(&req->pool, value, strlen(value));
	h2o_set_header_by_str(&req->pool, &req->res.headers, n, nl, 1, v.base,
			      v.len, 1);
	return 0;
}

/* a cookie's name as it travels: over a secure connection (TLS here or at
 * a trusted proxy, see http_req.secure) "__Host-" + name when its path is
 * "/" (the browser then refuses it without Secure, from another host or
 * with a Domain: a sibling subdomain cannot plant it), "__Secure-" + name
 * under a tenant path prefix (a __Host- cookie must have Path=/) */
static const char *cookie_wire_name(const struct http_req *r, const char *name)
{
	if (!r->secure)
		return name;
	int rooted = !(r->base && r->base[0]);
	return arena_printf(r->arena, "%s%s", rooted ? "__Host-" : "__Secure-", name);
}

static int cookie_token_ok(const char *s)
{
	/* RFC 6265 cookie-octets (no CTLs, whitespace, DQUOTE, comma,
	 * semicolon, backslash) */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == ',' || *p == ';' ||
		    *p == '\\')
			return 0;
	return 1;
}

void http_set_cookie_ex(struct http_req *r, const char *name, const char *value,
			long max_age, int flags)
{
	h2o_req_t *req = H2O(r);
	if (!cookie_token_ok(name) || !*name || !cookie_token_ok(value)) {
		log_error("http", "what", "cookie refused: a character not allowed in a cookie");
		return;
	}
	char age[48] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
	const char *c = arena_printf(r->arena, "%s=%s; Path=%s; HttpOnly; SameSite=%s%s%s",
				     cookie_wire_name(r, name), value,
				     r->base && r->base[0] ? r->base : "/",
				     (flags & HTTP_COOKIE_STRICT) ? "Strict" : "Lax",
				     r->secure ? "; Secure" : "", age);
	if (!c)
		return;
	h2o_iovec_t v = h2o_strdup(&req->pool, c, strlen(c));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_SET_COOKIE, NULL,
		       v.base, v.len);
}

void http_set_cookie(struct http_req *r, const char *name, const char *value,
		     long max_age)
{
	http_set_cookie_ex(r, name, value, max_age, 0);
}

static void set_token(h2o_req_t *req, const h2o_token_t *t, const char *v)
{
	h2o_set_header(&req->pool, &req->res.headers, t, v, strlen(v), 1);
}

/* "https://host[:port]", or a wildcard subdomain ("https://" then "*.host"):
 * letters, digits, . - : only */
static int csp_origin_ok(const char *o)
{
	if (strncmp(o, "https://", 8) != 0 || strlen(o) > 200 || !o[8])
		return 0;
	const char *p = o + 8;
	if (p[0] == '*' && p[1] == '.')
		p += 2;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == ':'))
			return 0;
	return 1;
}

void http_common_headers(struct http_req *r)
{
	h2o_req_t *req = H2O(r);
	/* r lives in the request's arena, which goes with h2o's request
	 * pool: the id needs no copy */
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"),
			      0, r->request_id, strlen(r->request_id), 1);
	h2o_set_header_by_str(&req->pool, &req->res.headers,
			      H2O_STRLIT("x-content-type-options"), 0,
			      H2O_STRLIT("nosniff"), 1);
	h2o_set_header_by_str(&req->pool, &req->res.headers,
			      H2O_STRLIT("x-frame-options"), 0, H2O_STRLIT("DENY"), 1);
	/* the default policy, with one more image origin when the page asks
	 * (map tiles) */
	h2o_iovec_t pol = h2o_iovec_init(csp, sizeof csp - 1);
	if (r->csp_img_src && csp_origin_ok(r->csp_img_src)) {
		const char *at = strstr(csp, "img-src 'self' data:");
		size_t head = (size_t)(at - csp) + strlen("img-src 'self' data:");
		size_t ol = strlen(r->csp_img_src), n = sizeof csp - 1 + 1 + ol;
		char *v = h2o_mem_alloc_pool(&req->pool, n + 1);
		memcpy(v, csp, head);
		v[head] = ' ';
		memcpy(v + head + 1, r->csp_img_src, ol);
		memcpy(v + head + 1 + ol, csp + head, sizeof csp - 1 - head);
		v[n] = '\0';
		pol = h2o_iovec_init(v, n);
	}
	/* a handler may add a policy of its own (an attachment served with
	 * "sandbox"): both apply, as two policies joined by a comma; it can
	 * only tighten the default, never loosen it */
	ssize_t ci = h2o_find_header_by_str(&req->res.headers,
					    H2O_STRLIT("content-security-policy"), -1);
	if (ci >= 0) {
		h2o_iovec_t own = req->res.headers.entries[ci].value;
		req->res.headers.entries[ci].value =
			h2o_concat(&req->pool, own, h2o_iovec_init(H2O_STRLIT(", ")), pol);
	} else {
		h2o_set_header_by_str(&req->pool, &req->res.headers,
				      H2O_STRLIT("content-security-policy"), 0,
				      pol.base, pol.len, 1);
	}
	h2o_set_header_by_str(&req->pool, &req->res.headers,
			      H2O_STRLIT("referrer-policy"), 0,
			      H2O_STRLIT("same-origin"), 1);
	h2o_set_header_by_str(&req->pool, &req->res.headers,
			      H2O_STRLIT("permissions-policy"), 0,
			      H2O_STRLIT("camera=(), microphone=(), geolocation=(self)"), 1);
	if (r->secure)
		set_token(req, H2O_TOKEN_STRICT_TRANSPORT_SECURITY,
			  "max-age=63072000; includeSubDomains");
	if (!(r->route && (r->route->flags & HTTP_ROUTE_CACHEABLE)))
		set_token(req, H2O_TOKEN_CACHE_CONTROL, "no-store");
}

static const char *reason_of(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default: return status >= 500 ? "Internal Server Error" : "OK";
	}
}

/* under a tenant path prefix: href="/x", action="/x" and src="/x" become
 * "/t/<prefix>/x" (our own templates write every local link that way) */
static const char *rebase_html(struct http_req *r, const char *body, size_t *len)
{
	static const char *const attrs[] = { "href=\"/", "action=\"/", "src=\"/" };
	size_t bl = strlen(r->base), n = 0;
	for (const char *p = body; (p = strstr(p, "=\"/")); p++)
		n++;
	char *out = arena_alloc(r->arena, *len + n * bl + 1);
	if (!out)
		return body;
	size_t o = 0;
	for (size_t i = 0; i < *len;) {
		int hit = 0;
		for (size_t a = 0; a < 3 && !hit; a++) {
			size_t al = strlen(attrs[a]);
			if (*len - i >= al && memcmp(body + i, attrs[a], al) == 0 &&
			    !(*len - i > al && body[i + al] == '/')) {
				memcpy(out + o, body + i, al - 1);
				o += al - 1;
				memcpy(out + o, r->base, bl);
				o += bl;
				i += al - 1;
				hit = 1;
			}
		}
		if (!hit)
			out[o++] = body[i++];
	}
	out[o] = '\0';
	*len = o;
	return out;
}

int http_send(struct http_req *r, int status, const char *content_type,
	      const char *body, size_t len)
{
	h2o_req_t *req = H2O(r);
	if (r->status)
		return 0; /* already answered */
	if (r->withhold && status >= 200 && status < 300) {
		r->withhold = 0;
		return http_send_error(r, ERR_UNAVAILABLE, NULL, NULL, "answer withheld: its audit record failed");
	}
	if (body && len == 0)
		len = strlen(body);
	if (body && r->base && r->base[0] && content_type &&
	    strncmp(content_type, "text/html", 9) == 0)
		body = rebase_html(r, body, &len);
	r->status = status;
	req->res.status = status;
	req->res.reason = reason_of(status);
	http_common_headers(r);
	if (content_type)
		set_token(req, H2O_TOKEN_CONTENT_TYPE, content_type);
	req->res.content_length = len;
	h2o_send_inline(req, body ? body : "", len);
	return 0;
}

int http_send_html(struct http_req *r, int status, const struct buf *body)
{
	return http_send(r, status, "text/html; charset=utf-8", buf_cstr(body),
			 body->len ? body->len : 0);
}

int http_send_json(struct http_req *r, int status, const char *json)
{
	return http_send(r, status, "application/json; charset=utf-8", json, 0);
}

int http_redirect(struct http_req *r, int status, const char *location)
{
	if (r->base && r->base[0] && location[0] == '/' && location[1] != '/')
		location = arena_printf(r->arena, "%s%s", r->base, location);
	/* a Location is ASCII: bytes of UTF-8 text (a local path with
	 * Japanese in it) are percent-encoded; a control byte is refused by
	 * http_set_header */
	size_t n = location ? strlen(location) : 0, extra = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)location[i] >= 0x80 || location[i] == ' ')
			extra += 2;
	if (extra) {
		char *enc = arena_alloc(r->arena, n + extra + 1), *o = enc;
		if (!enc)
			return http_send_error(r, ERR_NOMEM, NULL, NULL, "redirect: out of memory");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)location[i];
			if (c >= 0x80 || c == ' ')
				o += sprintf(o, "%%%02X", c);
			else
				*o++ = (char)c;
		}
		*o = 0;
		location = enc;
	}
	if (!location || http_set_header(r, "location", location))
		return http_send_error(r, ERR_INTERNAL, NULL, NULL,
				       "redirect target refused (control character)");
	return http_send(r, status, "text/plain; charset=utf-8", "", 0);
}

int http_status_of(int err_code)
{
	switch (err_code) {
	case ERR_OK: return 200;
	case ERR_INVALID: return 400;
	case ERR_AUTH: return 401;
	case ERR_DENIED: return 403;
	case ERR_NOTFOUND: return 404;
	case ERR_CONFLICT: return 409;
	case ERR_LIMIT: return 413;
	case ERR_UNAVAILABLE: return 503;
	case ERR_FULL: return 507;
	default: return 500;
	}
}

static void default_message(int status, const char **ja, const char **en, const char **key)
{
	switch (status) {
	case 400:
		*key = "http.status.400";
		*ja = "入力内容に誤りがあります。";
		*en = "The request is not valid.";
		break;
	case 401:
		*key = "http.status.401";
		*ja = "ログインしてください。";
		*en = "Please log in.";
		break;
	case 403:
		*key = "http.status.403";
		*ja = "この操作を行う権限がありません。";
		*en = "You do not have permission to do this.";
		break;
	case 404:
		*key = "http.status.404";
		*ja = "ページが見つかりません。";
		*en = "The page was not found.";
		break;
	case 409:
		*key = "http.status.409";
		*ja = "ほかの操作と重なりました。もう一度お試しください。";
		*en = "This conflicts with another change. Please try again.";
		break;
	case 413:
		*key = "http.status.413";
		*ja = "送信された内容が大きすぎます。";
		*en = "What you sent is too large.";
		break;
	case 503:
		*key = "http.status.503";
		*ja = "ただいま混み合っているか保守中です。しばらくしてからもう一度お試しください。";
		*en = "The service is busy or under maintenance. Please try again in a few minutes.";
		break;
	case 507:
		*key = "http.status.507";
		*ja = "保存領域が不足しているため受け付けられませんでした。時間をおいてお試しください。";
		*en = "Storage is full, so this could not be saved. Please try again later.";
		break;
	default:
		*key = "http.status.500";
		*ja = "システムで問題が起きました。お問い合わせの際は受付番号をお伝えください。";
		*en = "Something went wrong on our side. Please quote the reference number if you contact us.";
	}
}

static void builtin_error_page(struct http_req *r, int status, const char *ja,
			       const char *en, struct buf *out)
{
	/* ja and en are fixed texts of ours, never user input */
	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<title>%d エラー / Error</title></head><body><main>"
		   "<h1>%s</h1><p lang=\"en\">%s</p><p>受付番号 / Reference: %s</p>"
		   "</main></body></html>\n", status, ja, en, r->request_id);
}

int http_send_error(struct http_req *r, int err_code, const char *ja,
		    const char *en, const char *detail)
{
	int status = http_status_of(err_code);
	if (!ja || !en)
		default_message(status, &ja, &en, &r->error_key);
	char st[16];
	snprintf(st, sizeof st, "%d", status);
	if (status >= 500)
		log_error("request failed", "status", st, "code", err_code_name(err_code),
			  "detail", detail ? detail : "");
	else if (detail)
		log_info("request refused", "status", st, "code", err_code_name(err_code),
			 "detail", detail);
	if (r->route && r->route->kind == HTTP_KIND_JSON) {
		json_t *j = json_pack("{s:{s:s,s:i,s:{s:s,s:s},s:s}}", "error",
				      "code", err_code_name(err_code), "status", status,
				      "message", "ja", ja, "en", en,
				      "request_id", r->request_id);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		http_send_json(r, status, s ? s : "{\"error\":{\"code\":\"internal\"}}");
		free(s);
		json_decref(j);
		return 0;
	}
	struct buf b;
	buf_init(&b, 1u << 20);
	if (r->error_page)
		r->error_page(r, status, ja, en, &b);
	else
		builtin_error_page(r, status, ja, en, &b);
	http_send_html(r, status, &b);
	buf_done(&b);
	return 0;
}
