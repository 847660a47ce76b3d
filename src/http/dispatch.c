/*
 * dispatch.c -- the request pipeline (see server.c for the overview): it
 * turns an h2o request into a `struct http_req`, finds the route, lets only
 * declared and valid parameters through, asks the application's hooks for
 * the tenant, the permission and the CSRF check, runs the handler, and
 * writes the access log line and the metrics.
 */
#include "http/http_int.h"
#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void arena_dispose(void *p)
{
	arena_free(*(struct arena **)p);
}

static int is_state_changing(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	       strcmp(m, "OPTIONS") != 0;
}

/* the validator every parameter passes first: no control characters
 * (C0, DEL, and the C1 range U+0080..U+009F), and tab, LF and CRLF only
 * in a parameter declared HTTP_PARAM_MULTILINE (a textarea).  A value that
 * reaches a header (a redirect's Location) or a log line can then never
 * split it, whatever the handler does with it. */
static int default_validator(const char *v, size_t len, int flags)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\t' || c == '\r' || c == '\n') {
			/* a textarea's line ends are LF or CRLF (what browsers
			 * send); a CR alone is no line end of any browser */
			if (!(flags & HTTP_PARAM_MULTILINE) ||
			    (c == '\r' && (i + 1 >= len || v[i + 1] != '\n')))
				return ERR_INVALID;
		} else if (c < 0x20 || c == 0x7f) {
			return ERR_INVALID;
		} else if (c == 0xc2 && i + 1 < len && (unsigned char)v[i + 1] >= 0x80 &&
			   (unsigned char)v[i + 1] <= 0x9f) {
			return ERR_INVALID; /* U+0080..U+009F */
		}
	}
	return 0;
}

int http_local_path_ok(const char *v, size_t n)
{
	/* "/" then a path of this origin: not "//host" or "/\\host" (browsers
	 * read a backslash as a slash), and no byte a browser strips before
	 * resolving (tab, CR, LF and other controls: "/\t/evil.example" is
	 * read as "//evil.example"), no space, no backslash anywhere.  Bytes
	 * of UTF-8 text are let through: http_redirect percent-encodes them. */
	if (n == 0 || v[0] != '/' || (n > 1 && (v[1] == '/' || v[1] == '\\')))
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c <= 0x20 || c == 0x7f || c == '\\')
			return ERR_INVALID;
	}
	return 0;
}

int http_route_table_check(const struct http_route *routes, int n,
			   struct err *e)
{
	for (int i = 0; i < n; i++) {
		const struct http_route *rt = &routes[i];
		if (!rt->method || !rt->pattern || rt->pattern[0] != '/' || !rt->handler)
			return err_set(e, ERR_INTERNAL, "route %d is incomplete", i);
		int open = 0;
		for (const char *p = rt->pattern; *p; p++) {
			if (*p == '{') open++;
			if (*p == '}') open--;
			if (open < 0 || open > 1)
				return err_set(e, ERR_INTERNAL, "route %s: bad pattern",
					       rt->pattern);
		}
		int np = 0;
		for (const struct http_param_spec *ps = rt->params; ps && ps->name; ps++)
			if (++np > HTTP_MAX_PARAMS || !ps->where)
				return err_set(e, ERR_INTERNAL,
					       "route %s: bad parameter list", rt->pattern);
		for (int j = 0; j < i; j++)
			if (strcmp(routes[j].pattern, rt->pattern) == 0 &&
			    strcmp(routes[j].method, rt->method) == 0)
				return err_set(e, ERR_INTERNAL, "route %s %s declared twice",
					       rt->method, rt->pattern);
	}
	return 0;
}

static const struct http_param_spec *find_spec(const struct http_route *rt,
					       const char *name, int where)
{
	for (const struct http_param_spec *ps = rt->params; ps && ps->name; ps++)
		if ((ps->where & where) && strcmp(ps->name, name) == 0)
			return ps;
	return NULL;
}

/* add one raw input value if the route declares it; 0, or ERR_INVALID
 * with *bad naming the parameter */
static int take_param(struct http_req *r, const char *name, const char *value,
		      int where, const char **bad)
{
	const struct http_param_spec *ps = find_spec(r->route, name, where);
	if (!ps)
		return 0; /* undeclared: dropped */
	for (int i = 0; i < r->nparams; i++) {
		if (strcmp(r->param_names[i], name) == 0) {
			*bad = ps->name;
			return ERR_INVALID; /* given twice: ambiguous */
		}
	}
	size_t len = strlen(value);
	size_t max = ps->max_len ? ps->max_len : HTTP_MAX_PARAM_LEN;
	if (len > max || default_validator(value, len, ps->flags) ||
	    (ps->validate && ps->validate(value, len))) {
		*bad = ps->name;
		return ERR_INVALID;
	}
	if (r->nparams >= HTTP_MAX_PARAMS) {
		*bad = ps->name;
		return ERR_LIMIT;
	}
	r->param_names[r->nparams] = ps->name;
	r->param_values[r->nparams] = value;
	r->nparams++;
	return 0;
}

static int header_starts(const struct http_req *r, const char *name,
			 const char *prefix)
{
	const char *v = http_header(r, name);
	return v && strncasecmp(v, prefix, strlen(prefix)) == 0;
}

/* the parts of a multipart/form-data body: text parts are form values
 * (and the CSRF token), file parts declared HTTP_FILE are kept; 0 or
 * ERR_* with *bad naming the parameter or "form" */
static int gather_multipart(struct http_req *r, h2o_req_t *req,
			    const char **csrf, const char **bad)
{
	char boundary[HTTP_MULTIPART_BOUNDARY_MAX + 1];
	struct http_part *parts = arena_alloc(r->arena, HTTP_MAX_PARTS * sizeof *parts);
	*bad = "form";
	if (!parts)
		return ERR_LIMIT;
	if (http_multipart_boundary(boundary, sizeof boundary,
				    http_header(r, "content-type")))
		return ERR_INVALID;
	int n = http_parse_multipart(parts, HTTP_MAX_PARTS, req->entity.base,
				     req->entity.len, boundary, r->arena);
	if (n < 0)
		return n;
	int rc;
	for (int i = 0; i < n; i++) {
		const struct http_part *pt = &parts[i];
		if (!pt->filename) {
			if (pt->len > HTTP_MAX_PARAM_LEN ||
			    !http_utf8_valid(pt->data, pt->len))
				return ERR_INVALID;
			char *v = arena_strndup(r->arena, pt->data, pt->len);
			if (!v)
				return ERR_LIMIT;
			if (strcmp(pt->name, "csrf") == 0) {
				*csrf = v;
				continue;
			}
			if ((rc = take_param(r, pt->name, v, HTTP_FORM, bad)))
				return rc;
			continue;
		}
		const struct http_param_spec *ps = find_spec(r->route, pt->name, HTTP_FILE);
		if (!ps)
			continue; /* undeclared: dropped */
		*bad = ps->name;
		if (!pt->filename[0] && pt->len == 0)
			continue; /* a file input left empty */
		if (http_file(r, ps->name))
			return ERR_INVALID; /* given twice */
		if ((ps->max_len && pt->len > ps->max_len) || r->nfiles >= HTTP_MAX_FILES)
			return ERR_LIMIT;
		r->files[r->nfiles] = *pt;
		r->files[r->nfiles].name = ps->name;
		r->nfiles++;
	}
	*bad = NULL;
	return 0;
}

/* gather path captures, query and form values; 0 or ERR_* */
static int gather_params(struct http_req *r, h2o_req_t *req, const char **pn,
			 const char **pv, int npath, const char **csrf,
			 const char **bad)
{
	int rc;
	for (int i = 0; i < npath; i++)
		if ((rc = take_param(r, pn[i], pv[i], HTTP_PATH, bad)))
			return rc;
	/* room for the pairs, only when there is a query or a body */
	const char **names = NULL, **values = NULL;
	if (req->query_at != SIZE_MAX || (req->entity.base && req->entity.len)) {
		names = arena_alloc(r->arena, HTTP_MAX_FORM_PAIRS * sizeof *names);
		values = arena_alloc(r->arena, HTTP_MAX_FORM_PAIRS * sizeof *values);
		if (!names || !values)
			return ERR_LIMIT;
	}
	if (req->query_at != SIZE_MAX) {
		int n = http_parse_urlencoded(req->path.base + req->query_at + 1,
					      req->path.len - req->query_at - 1,
					      r->arena, names, values, HTTP_MAX_FORM_PAIRS);
		if (n < 0) {
			*bad = "query";
			return n;
		}
		for (int i = 0; i < n; i++)
			if ((rc = take_param(r, names[i], values[i], HTTP_QUERY, bad)))
				return rc;
	}
	if (req->entity.base && req->entity.len &&
	    header_starts(r, "content-type", "application/x-www-form-urlencoded")) {
		int n = http_parse_urlencoded(req->entity.base, req->entity.len,
					      r->arena, names, values, HTTP_MAX_FORM_PAIRS);
		if (n < 0) {
			*bad = "form";
			return n;
		}
		for (int i = 0; i < n; i++) {
			if (strcmp(names[i], "csrf") == 0) {
				*csrf = values[i];
				continue;
			}
			if ((rc = take_param(r, names[i], values[i], HTTP_FORM, bad)))
				return rc;
		}
	}
	if (req->entity.base && req->entity.len &&
	    header_starts(r, "content-type", "multipart/form-data") &&
	    (rc = gather_multipart(r, req, csrf, bad)))
		return rc;
	for (const struct http_param_spec *ps = r->route->params; ps && ps->name; ps++) {
		if ((ps->flags & HTTP_PARAM_REQUIRED) && !((ps->where & HTTP_FILE) ? http_file(r, ps->name) != NULL
				      : http_param(r, ps->name) != NULL)) {
			*bad = ps->name;
			return ERR_INVALID;
		}
	}
	return 0;
}

/* 1 when the textual address addr is one of the comma-separated
 * addresses in list (compared as binary addresses, so "::1" and
 * "0:0::1" are the same) */
static int addr_in_list(const char *addr, const char *list)
{
	unsigned char a[16], b[16];
	int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, addr, a) != 1)
		return 0;
	size_t alen = fam == AF_INET6 ? 16 : 4;
	for (const char *p = list; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t n = strcspn(p, ", ");
		char one[INET6_ADDRSTRLEN + 1];
		if (n && n < sizeof one) {
			memcpy(one, p, n);
			one[n] = 0;
			int f2 = strchr(one, ':') ? AF_INET6 : AF_INET;
			if (f2 == fam && inet_pton(f2, one, b) == 1 && memcmp(a, b, alen) == 0)
				return 1;
		}
		p += n;
	}
	return 0;
}

/* the client's address from X-Forwarded-For as a trusted proxy gives it:
 * the rightmost entry that is not itself a trusted proxy (entries left of
 * it were written by the client and prove nothing); NULL when none is a
 * valid address */
static const char *forwarded_client(struct http_req *r, const char *trusted)
{
	const char *xff = http_header(r, "x-forwarded-for");
	if (!xff)
		return NULL;
	const char *end = xff + strlen(xff);
	while (end > xff) {
		const char *start = end;
		while (start > xff && start[-1] != ',')
			start--;
		const char *s = start, *e = end;
		while (s < e && *s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			e--;
		char one[INET6_ADDRSTRLEN + 1];
		unsigned char bin[16];
		size_t n = (size_t)(e - s);
		if (n == 0 || n >= sizeof one)
			return NULL;
		memcpy(one, s, n);
		one[n] = 0;
		int fam = strchr(one, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(fam, one, bin) != 1)
			return NULL;
		if (!addr_in_list(one, trusted))
			return arena_strdup(r->arena, one);
		end = start > xff ? start - 1 : xff;
	}
	return NULL;
}

/* "%08x%08x" of the thread's random prefix and its request counter,
 * without snprintf's format parsing on every request */
static void put_hex32(char *out, uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 7; i >= 0; i--, v >>= 4)
		out[i] = digits[v & 0xf];
}

/* the method as a constant string when it is a common one (no copy) */
static const char *method_of(struct http_req *r, h2o_iovec_t m)
{
	static const char *const common[] = { "GET", "HEAD", "POST", "PUT",
					      "DELETE", "PATCH", "OPTIONS" };
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (h2o_memis(m.base, m.len, common[i], strlen(common[i])))
			return common[i];
	return arena_strndup(r->arena, m.base, m.len);
}

/* the peer's address as text; the last address formatted on this thread
 * is kept with its text (the connections of one client, or of a proxy in
 * front, come from one address) */
static void peer_text(char *out, const struct sockaddr_storage *ss, socklen_t sl)
{
	static _Thread_local int last_family;
	static _Thread_local unsigned char last[16];
	static _Thread_local char last_text[INET6_ADDRSTRLEN];
	int family = sl ? ss->ss_family : 0;
	const void *bin = family == AF_INET ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
			: family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
			: NULL;
	size_t blen = family == AF_INET ? 4 : 16;
	if (!bin) {
		strcpy(out, "-");
		return;
	}
	if (family == last_family && memcmp(bin, last, blen) == 0) {
		memcpy(out, last_text, sizeof last_text);
		return;
	}
	if (!inet_ntop(family, bin, out, INET6_ADDRSTRLEN)) {
		strcpy(out, "-");
		return;
	}
	last_family = family;
	memcpy(last, bin, blen);
	memcpy(last_text, out, sizeof last_text);
}

static void fill_request(struct http_req *r, h2o_req_t *req,
			 const struct http_config *cfg)
{
	static _Thread_local unsigned long long seq;
	static _Thread_local uint32_t prefix;
	if (!prefix) {
		random_bytes(&prefix, sizeof prefix);
		prefix |= 1;
	}
	put_hex32(r->request_id, prefix);
	put_hex32(r->request_id + 8, (uint32_t)++seq);
	r->request_id[16] = '\0';
	r->method = method_of(r, req->method);
	/* host: lower case, without the port */
	size_t hl = req->authority.len;
	const char *hb = req->authority.base;
	if (hl && hb[0] == '[') {
		const char *close = memchr(hb, ']', hl);
		hl = close ? (size_t)(close - hb + 1) : hl;
	} else {
		const char *colon = memchr(hb, ':', hl);
		if (colon)
			hl = (size_t)(colon - hb);
	}
	char *host = arena_strndup(r->arena, hb, hl > 253 ? 253 : hl);
	for (char *c = host; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	r->host = host ? host : "";
	struct sockaddr_storage ss;
	char addr[INET6_ADDRSTRLEN];
	socklen_t sl = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	peer_text(addr, &ss, sl);
	r->remote_addr = arena_strdup(r->arena, addr);
	r->tls = req->scheme == &H2O_URL_SCHEME_HTTPS;
	r->secure = r->tls || (cfg->public_https_host && r->host &&
				strcmp(r->host, cfg->public_https_host) == 0);
	r->proxied = http_header(r, "x-forwarded-for") != NULL ||
		     http_header(r, "forwarded") != NULL;
	if (cfg->trusted_proxies && addr_in_list(addr, cfg->trusted_proxies)) {
		r->proxied = 1;
		const char *proto = http_header(r, "x-forwarded-proto");
		if (proto) {
			/* the value the nearest proxy appended: after the last comma */
			const char *last = strrchr(proto, ',');
			last = last ? last + 1 : proto;
			while (*last == ' ')
				last++;
			if (strncasecmp(last, "https", 5) == 0 && (!last[5] || last[5] == ' '))
				r->secure = 1;
		}
		const char *client = forwarded_client(r, cfg->trusted_proxies);
		if (client)
			r->remote_addr = client;
	}
}

static int respond_auth_failure(struct http_req *r, const struct http_hooks *hooks,
				int rc)
{
	if (rc == ERR_AUTH && r->route->kind == HTTP_KIND_HTML && hooks->login_url) {
		const char *login = hooks->login_url(r);
		if (login)
			return http_redirect(r, 303, login);
	}
	r->error_key = rc == ERR_AUTH ? "http.login" : rc == ERR_DENIED ? "http.denied" : NULL;
	if (rc == ERR_AUTH)
		return http_send_error(r, ERR_AUTH, "ログインしてください。",
				       "Please log in.", NULL);
	if (rc == ERR_DENIED)
		return http_send_error(r, ERR_DENIED,
				       "この操作を行う権限がありません。",
				       "You do not have permission to do this.", NULL);
	return http_send_error(r, rc, NULL, NULL, "authorize hook failed");
}

/* RFC 9112 framing that a server must refuse (400, then close the
 * connection) but libh2o 2.2 lets through: more than one Host field (it
 * keeps the last, a proxy in front may have used the first), no Host in
 * HTTP/1.1, Content-Length fields that disagree or are not a number (it
 * uses the first), Content-Length with Transfer-Encoding.  These are the
 * request-smuggling shapes.  h2o takes Host, Content-Length and
 * Transfer-Encoding out of req->headers, so the check reads the request's
 * header block itself: for HTTP/1 it is still at the start of the
 * connection's input buffer while the request is handled (h2o consumes it
 * after the response; picohttpparser has validated it and lower-cased the
 * names).  NULL when the framing is sound, else what is wrong (for the
 * log). */
static const char *framing_problem(h2o_req_t *req)
{
	if (req->version >= 0x200 || !req->conn->callbacks->get_socket)
		return NULL; /* HTTP/2 frames its own body and has :authority */
	h2o_socket_t *sock = req->conn->callbacks->get_socket(req->conn);
	if (!sock || !sock->input)
		return NULL;
	const char *b = sock->input->bytes;
	size_t n = sock->input->size < H2O_MAX_REQLEN ? sock->input->size : H2O_MAX_REQLEN;
	if (n < req->method.len || memcmp(b, req->method.base, req->method.len) != 0)
		return NULL; /* not this request's bytes: nothing to check against */
	int hosts = 0, te = 0;
	const char *cl = NULL;
	size_t cll = 0;
	const char *line = memchr(b, '\n', n);
	while (line && (size_t)(line + 1 - b) < n) {
		const char *ls = line + 1;
		const char *le = memchr(ls, '\n', n - (size_t)(ls - b));
		if (!le)
			break;
		size_t len = (size_t)(le - ls);
		if (len && ls[len - 1] == '\r')
			len--;
		if (len == 0)
			break; /* the end of the header block */
		const char *colon = memchr(ls, ':', len);
		if (colon) {
			size_t nl = (size_t)(colon - ls);
			const char *v = colon + 1, *ve = ls + len;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			size_t vl = (size_t)(ve - v);
			if (nl == 4 && strncasecmp(ls, "host", 4) == 0) {
				hosts++;
			} else if (nl == 17 && strncasecmp(ls, "transfer-encoding", 17) == 0) {
				te = 1;
			} else if (nl == 14 && strncasecmp(ls, "content-length", 14) == 0) {
				if (vl == 0 || vl > 19)
					return "bad content-length";
				for (size_t k = 0; k < vl; k++)
					if (v[k] < '0' || v[k] > '9')
						return "bad content-length";
				if (cl && (cll != vl || memcmp(cl, v, vl) != 0))
					return "content-length given twice with different values";
				cl = v;
				cll = vl;
			}
		}
		line = le;
	}
	if (hosts > 1)
		return "host given twice";
	if (hosts == 0 && req->version >= 0x101)
		return "no host in HTTP/1.1";
	if (te && cl)
		return "content-length with transfer-encoding";
	return NULL;
}

static void run_pipeline(struct http_server *srv, struct http_req *r,
			 h2o_req_t *req)
{
	const struct http_hooks *hooks = http_server_hooks(srv);
	int rc;
	const char *framing = framing_problem(req);
	if (framing) {
		r->path = "/";
		req->http1_is_persistent = 0;
		r->error_key = "http.malformed";
		http_send_error(r, ERR_INVALID, "リクエストの形式が正しくありません。",
				"The request is malformed.", framing);
		return;
	}
	char *path = arena_alloc(r->arena, req->path.len + 1);
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	if (!path || http_urldecode(path, req->path.base, plen, 0) < 0 ||
	    path[0] != '/') {
		r->path = "/";
		r->error_key = "http.bad_url";
		http_send_error(r, ERR_INVALID, "URL が正しくありません。",
				"The address (URL) is not valid.", "bad path encoding");
		return;
	}
	r->path = path;
	r->base = "";
	if (http_server_config(srv)->tenant_path_prefix && strncmp(path, "/t/", 3) == 0) {
		const char *seg = path + 3, *end = strchr(seg, '/');
		size_t sl = end ? (size_t)(end - seg) : strlen(seg);
		if (sl == 0 || sl > 63) {
			r->error_key = "http.not_found";
			http_send_error(r, ERR_NOTFOUND, "ページが見つかりません。",
					"The page was not found.", "bad tenant prefix");
			return;
		}
		r->tenant_prefix = arena_strndup(r->arena, seg, sl);
		r->base = arena_strndup(r->arena, path, sl + 3);
		r->path = end ? end : "/";
	}

	if (strncmp(r->path, "/assets/", 8) == 0 &&
	    http_assets_serve(http_server_assets(srv), r))
		return;

	struct http_route_found found;
	if (http_router_find(http_server_router(srv), r->method, r->path, r->arena,
			     &found)) {
		http_send_error(r, ERR_NOMEM, NULL, NULL, "routing: out of memory");
		return;
	}
	if (!found.route) {
		if (found.path_matched) {
			http_set_header(r, "allow", arena_strdup(r->arena, found.allow));
			http_send(r, 405, "text/plain; charset=utf-8",
				  "405 この方法は使えません / method not allowed\n", 0);
		} else {
			r->error_key = "http.not_found";
			http_send_error(r, ERR_NOTFOUND, "ページが見つかりません。",
					"The page was not found.", NULL);
		}
		return;
	}
	r->route = found.route;
	if (!(r->route->flags & HTTP_ROUTE_NO_TENANT) && hooks->prepare &&
	    (rc = hooks->prepare(r)) != 0) {
		if (r->status == 0)
			http_send_error(r, rc, NULL, NULL, "prepare hook failed");
		return;
	}
	/* who may use the route is decided before anything of the input is
	 * looked at: a stranger learns nothing from validation errors */
	if (r->route->permission && hooks->authorize &&
	    (rc = hooks->authorize(r, r->route->permission)) != 0) {
		if (r->status == 0)
			respond_auth_failure(r, hooks, rc);
		return;
	}
	if (r->route->permission && !hooks->authorize) {
		http_send_error(r, ERR_DENIED, NULL, NULL, "no authorize hook");
		return;
	}
	const char *csrf = http_header(r, "x-csrf-token"), *bad = NULL;
	if (r->route->kind == HTTP_KIND_JSON && is_state_changing(r->method) &&
	    req->entity.len && !header_starts(r, "content-type", "application/json")) {
		http_send(r, 415, "application/json",
			  "{\"error\":{\"code\":\"unsupported_media_type\",\"status\":415,"
			  "\"message\":{\"ja\":\"JSON で送ってください。\","
			  "\"en\":\"Send the body as application/json.\"}}}", 0);
		return;
	}
	rc = gather_params(r, req, found.names, found.values, found.nparams,
			   &csrf, &bad);
	if (rc) {
		const char *en = arena_printf(r->arena,
			"A value is missing or not valid: %s.", bad ? bad : "?");
		const char *ja = arena_printf(r->arena,
			"入力内容に不足または誤りがあります（%s）。", bad ? bad : "?");
		r->error_key = "http.invalid";
		http_send_error(r, rc == ERR_LIMIT ? ERR_LIMIT : ERR_INVALID, ja, en,
				bad);
		return;
	}
	if (is_state_changing(r->method) && !(r->route->flags & HTTP_ROUTE_NO_CSRF) &&
	    (!csrf || !hooks->csrf_ok || !hooks->csrf_ok(r, csrf))) {
		r->error_key = "http.expired";
		http_send_error(r, ERR_DENIED,
				"画面の有効期限が切れました。もう一度操作してください。",
				"This form has expired. Please go back and try again.",
				"csrf token missing or invalid");
		return;
	}
	r->handler_rc = r->route->handler(r);
	if (r->handler_rc)
		r->deferred = 0; /* a failed handler answers now */
}

void http_finish_request(struct http_req *r, int rc)
{
	if (r->status == 0) {
		if (rc == 0)
			rc = ERR_INTERNAL;
		http_send_error(r, rc, NULL, NULL, "handler returned without a response");
	}
	int64_t us = mono_us() - r->start_us;
	metrics_request_done(r->status, us);
	metrics_in_flight(-1);
	if (!r->access_log_off) {
		char st[16], dur[24];
		snprintf(st, sizeof st, "%d", r->status);
		snprintf(dur, sizeof dur, "%lld", (long long)us);
		log_info("request", "method", r->method, "path", r->path ? r->path : "-",
			 "route", r->route && r->route->name ? r->route->name : "-",
			 "status", st, "us", dur, "peer", r->remote_addr);
	}
}

int http_dispatch(h2o_handler_t *self, h2o_req_t *req)
{
	struct http_server *srv = http_server_of(self);
	const struct http_config *cfg = http_server_config(srv);
	int64_t t0 = mono_us();
	struct arena **slot = h2o_mem_alloc_shared(&req->pool, sizeof *slot, arena_dispose);
	size_t max_body = cfg->max_body ? cfg->max_body : HTTP_DEFAULT_MAX_BODY;
	*slot = arena_new(max_body * 3 + (4u << 20));
	if (!*slot) {
		h2o_send_error_generic(req, 503, "Service Unavailable", "out of memory\n", 0);
		return 0;
	}
	struct http_req *r = arena_alloc(*slot, sizeof *r);
	r->arena = *slot;
	r->h2o_req = req;
	r->start_us = t0;
	r->access_log_off = cfg->access_log_off;
	r->app = http_server_app(srv);
	struct worker_view wv = http_worker_of(srv, req->conn->ctx);
	r->thread_ctx = wv.thread_ctx;
	r->worker = wv.worker;
	r->error_page = http_server_hooks(srv)->error_page;
	metrics_in_flight(1);
	fill_request(r, req, cfg);
	log_set_request_id(r->request_id);
	run_pipeline(srv, r, req);
	if (!r->deferred) /* else http_defer's completion finishes it */
		http_finish_request(r, r->handler_rc);
	log_set_request_id(NULL);
	return 0;
}
