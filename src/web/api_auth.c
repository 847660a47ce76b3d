/*
 * api_auth.c -- the JSON API's authentication rules, called from app.c's
 * hooks for every route whose permission reads "api:<p>|<q>...": a Bearer
 * token (Authorization header, /api/ paths only) or the cookie session,
 * any alternative admitting; a cookie session's writes carry its CSRF
 * token in X-CSRF-Token, a Bearer token's need not.  Refusals answer in
 * the JSON shape whatever the route's kind.  (Contract in app.h.)
 */
#include "web/app.h"

#include <string.h>
#include <strings.h>

/* the route as a JSON route, so that http_send_error answers in the JSON
 * shape on a route the table declares as raw (the upload) */
void api_json_errors(struct http_req *r)
{
	if (!r->route || r->route->kind == HTTP_KIND_JSON)
		return;
	struct http_route *tw = arena_alloc(r->arena, sizeof *tw);
	if (!tw)
		return;
	*tw = *r->route;
	tw->kind = HTTP_KIND_JSON;
	r->route = tw;
}

const char *app_api_bearer(struct http_req *r)
{
	if (!r->path || strncmp(r->path, "/api/", 5) != 0)
		return NULL;
	const char *h = http_header(r, "authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	size_t n = strlen(h);
	return n > 0 && n <= 256 ? h : NULL;
}

int app_api_authorize(struct http_req *r, const char *alts,
		      int (*one)(struct http_req *r, const char *perm))
{
	int rc = ERR_AUTH, denied = 0;
	char perm[AUTH_PERM_MAX + 1];
	for (const char *p = alts; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == 0 || n > AUTH_PERM_MAX) {
			rc = ERR_DENIED;
			break;
		}
		memcpy(perm, p, n);
		perm[n] = 0;
		rc = one(r, perm);
		if (rc == 0 || (rc != ERR_AUTH && rc != ERR_DENIED))
			break;
		if (rc == ERR_DENIED)
			denied = 1;
		p = bar ? bar + 1 : NULL;
	}
	if (rc == ERR_AUTH && denied)
		rc = ERR_DENIED;
	if (rc) {
		/* refused before the handler: answer in JSON on the raw routes
		 * too (only now: a JSON route would refuse a raw body) */
		api_json_errors(r);
		return rc;
	}
	/* a session from the cookie is ambient: writes carry the session's
	 * CSRF token in X-CSRF-Token; a Bearer token is not ambient */
	struct app_req *q = app_req(r);
	if (app_api_bearer(r))
		return 0;
	http_set_header(r, "x-csrf-token", q->csrf);
	const char *m = r->method;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0)
		return 0;
	const char *tok = http_header(r, "x-csrf-token");
	if (!tok || auth_csrf_check(&q->ses, NULL, tok, NULL) != 0) {
		api_json_errors(r);
		app_send_error(r, ERR_DENIED, "error.form_expired", "csrf token missing or invalid");
		return ERR_DENIED;
	}
	return 0;
}
