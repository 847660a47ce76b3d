/*
 * router.c -- finds a request's route through a segment trie built once,
 * when the server starts (http_server_new), instead of trying every
 * pattern of the table in turn: with the route table assembled from every
 * service module (hundreds of routes) a request costs the same whatever the
 * table's size and wherever its route sits in it.
 *
 * The trie: a pattern "/staff/users/{id}/edit" is split on '/' into
 * segments; each node has literal children (found by binary search on
 * length, then bytes) and capture children keyed by the literal text before
 * the capture (nearly always "", i.e. a whole-segment {name}); a node lists,
 * in ascending table order, the routes whose pattern ends there.  Matching
 * walks the path's segments down every child that accepts the segment (a
 * literal child and a capture child may both match "new" in
 * "/staff/procedures/new") and gathers the routes of the nodes reached.
 *
 * Invariants (what tests/unit/http/test_router.c checks against the linear
 * scan http_route_find_linear, which is the definition):
 *  - a path matches a pattern exactly when http_route_match says so: a
 *    {name} is one non-empty segment (or the non-empty rest of a segment
 *    after a literal prefix), literal text matches byte for byte;
 *  - of the routes whose pattern matches, the one lowest in the table whose
 *    method is the request's wins (HEAD is served by a GET route);
 *  - when none has the method, Allow lists the methods of every matching
 *    route in table order, in HTTP_ALLOW_MAX bytes (a method that does not
 *    fit is left out, as before);
 *  - patterns that can never match under http_route_match (an unclosed
 *    '{', text after a capture within a segment, more than
 *    HTTP_MAX_PATH_PARAMS captures) are left out of the trie;
 *  - the router points into the route table (patterns, methods), which
 *    must outlive it; it is read-only after http_router_new, so every
 *    worker thread uses it without locks.
 *  - a capture's value is copied into the request's arena; its name points
 *    to the router's own copy.
 */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

struct rnode;

struct redge {
	const char *text;      /* into the pattern; not NUL-terminated  */
	size_t len;
	struct rnode *to;
};

struct rnode {
	struct redge *lit;     /* sorted by (len, bytes) once built      */
	int nlit, caplit;
	struct redge *par;     /* captures, by their literal prefix      */
	int npar, cappar;
	int *ends;             /* routes ending here, ascending          */
	int nend, capend;
};

struct rcap {
	int seg;               /* which path segment (0: the first)      */
	size_t prefix;         /* literal bytes before the capture       */
	char *name;            /* NUL-terminated copy                    */
};

struct rroute {
	int ncap;
	struct rcap *cap;
};

struct http_router {
	const struct http_route *routes;
	int nroutes;
	struct rnode *root;
	struct rroute *rr;
};

static int grow(void **arr, int *cap, int n, size_t elem)
{
	if (n < *cap)
		return 0;
	int nc = *cap ? *cap * 2 : 4;
	void *p = realloc(*arr, (size_t)nc * elem);
	if (!p)
		return ERR_NOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

/* the child of nd along an edge of the given kind and text, made when
 * missing; NULL when out of memory */
static struct rnode *child(struct rnode *nd, int capture, const char *text,
			   size_t len)
{
	struct redge **arr = capture ? &nd->par : &nd->lit;
	int *n = capture ? &nd->npar : &nd->nlit;
	int *cap = capture ? &nd->cappar : &nd->caplit;
	for (int i = 0; i < *n; i++)
		if ((*arr)[i].len == len && memcmp((*arr)[i].text, text, len) == 0)
			return (*arr)[i].to;
	if (grow((void **)arr, cap, *n, sizeof **arr))
		return NULL;
	struct rnode *to = calloc(1, sizeof *to);
	if (!to)
		return NULL;
	(*arr)[(*n)++] = (struct redge){ text, len, to };
	return to;
}

static void node_free(struct rnode *nd)
{
	if (!nd)
		return;
	for (int i = 0; i < nd->nlit; i++)
		node_free(nd->lit[i].to);
	for (int i = 0; i < nd->npar; i++)
		node_free(nd->par[i].to);
	free(nd->lit);
	free(nd->par);
	free(nd->ends);
	free(nd);
}

static int edge_cmp(const void *a, const void *b)
{
	const struct redge *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->text, y->text, x->len);
}

static void node_sort(struct rnode *nd)
{
	if (nd->nlit > 1)
		qsort(nd->lit, (size_t)nd->nlit, sizeof *nd->lit, edge_cmp);
	for (int i = 0; i < nd->nlit; i++)
		node_sort(nd->lit[i].to);
	for (int i = 0; i < nd->npar; i++)
		node_sort(nd->par[i].to);
}

/* 1 when http_route_match can match pattern p against some path: it
 * starts with '/', every '{' has its '}', a capture ends its segment (the
 * captured text runs to the next '/', so anything else after it fails),
 * and there are at most HTTP_MAX_PATH_PARAMS captures */
static int can_match(const char *p)
{
	if (p[0] != '/')
		return 0;
	int ncap = 0;
	for (const char *s = p; (s = strchr(s, '{')); ncap++) {
		const char *close = strchr(s, '}');
		if (!close || (close[1] && close[1] != '/') ||
		    ncap >= HTTP_MAX_PATH_PARAMS)
			return 0;
		s = close + 1;
	}
	return 1;
}

/* add route i (its pattern can match); 0 or ERR_NOMEM */
static int insert(struct http_router *rt, int i)
{
	struct rcap caps[HTTP_MAX_PATH_PARAMS];
	int ncap = 0, seg = 0;
	struct rnode *nd = rt->root;
	const char *s = rt->routes[i].pattern + 1;
	for (;;) {
		size_t len = strcspn(s, "/");
		const char *open = memchr(s, '{', len);
		if (open) {
			/* "{name}" or "prefix{name}", the capture ending the
			 * segment; the name may hold a '/' (http_route_match
			 * reads it up to the '}'), so the segment ends after
			 * the '}' */
			const char *close = strchr(open, '}');
			caps[ncap].seg = seg;
			caps[ncap].prefix = (size_t)(open - s);
			caps[ncap].name = strndup(open + 1, (size_t)(close - open - 1));
			if (!caps[ncap].name)
				goto nomem;
			ncap++;
			nd = child(nd, 1, s, (size_t)(open - s));
			len = (size_t)(close + 1 - s);
		} else {
			nd = child(nd, 0, s, len);
		}
		if (!nd)
			goto nomem;
		if (!s[len])
			break;
		s += len + 1;
		seg++;
	}
	if (grow((void **)&nd->ends, &nd->capend, nd->nend, sizeof *nd->ends))
		goto nomem;
	if (ncap && !(rt->rr[i].cap = malloc((size_t)ncap * sizeof *caps)))
		goto nomem;
	nd->ends[nd->nend++] = i;   /* routes are added in table order */
	if (ncap)
		memcpy(rt->rr[i].cap, caps, (size_t)ncap * sizeof *caps);
	rt->rr[i].ncap = ncap;
	return 0;
nomem:
	for (int k = 0; k < ncap; k++)
		free(caps[k].name);
	return ERR_NOMEM;
}

void http_router_free(struct http_router *rt)
{
	if (!rt)
		return;
	node_free(rt->root);
	for (int i = 0; rt->rr && i < rt->nroutes; i++) {
		for (int k = 0; k < rt->rr[i].ncap; k++)
			free(rt->rr[i].cap[k].name);
		free(rt->rr[i].cap);
	}
	free(rt->rr);
	free(rt);
}

int http_router_new(struct http_router **out, const struct http_route *routes,
		    int n, struct err *e)
{
	*out = NULL;
	struct http_router *rt = calloc(1, sizeof *rt);
	if (!rt)
		return err_set(e, ERR_NOMEM, "out of memory");
	rt->routes = routes;
	rt->nroutes = n;
	rt->root = calloc(1, sizeof *rt->root);
	rt->rr = calloc(n > 0 ? (size_t)n : 1, sizeof *rt->rr);
	if (!rt->root || !rt->rr) {
		http_router_free(rt);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		if (can_match(routes[i].pattern) && insert(rt, i)) {
			http_router_free(rt);
			return err_set(e, ERR_NOMEM, "out of memory building the routes");
		}
	}
	node_sort(rt->root);
	*out = rt;
	return 0;
}

/* the routes a path matches, gathered from the nodes it reaches */
struct gather {
	int *idx, n, cap;
	int local[64];
	struct arena *a;
	int nroutes;
	int nomem;
};

static void gather_ends(struct gather *g, const struct rnode *nd)
{
	if (!nd->nend)
		return;   /* a node on the way to longer patterns only */
	if (g->n + nd->nend > g->cap) {
		/* more than fit on the stack: room for every route */
		int *big = arena_alloc(g->a, (size_t)g->nroutes * sizeof *big);
		if (!big || g->n + nd->nend > g->nroutes) {
			g->nomem = 1;
			return;
		}
		memcpy(big, g->idx, (size_t)g->n * sizeof *big);
		g->idx = big;
		g->cap = g->nroutes;
	}
	memcpy(g->idx + g->n, nd->ends, (size_t)nd->nend * sizeof *nd->ends);
	g->n += nd->nend;
}

static const struct redge *find_lit(const struct rnode *nd, const char *s,
				    size_t len)
{
	int lo = 0, hi = nd->nlit;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		const struct redge *x = &nd->lit[mid];
		int c = x->len != len ? (x->len < len ? -1 : 1) : memcmp(x->text, s, len);
		if (c == 0)
			return x;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* s: the start of a path segment (after its '/') */
static void walk(struct gather *g, const struct rnode *nd, const char *s)
{
	size_t len = strcspn(s, "/");
	const char *next = s[len] == '/' ? s + len + 1 : NULL;
	const struct redge *x = find_lit(nd, s, len);
	if (x) {
		if (next)
			walk(g, x->to, next);
		else
			gather_ends(g, x->to);
	}
	for (int i = 0; i < nd->npar; i++) {
		x = &nd->par[i];
		if (len > x->len && memcmp(s, x->text, x->len) == 0) {
			if (next)
				walk(g, x->to, next);
			else
				gather_ends(g, x->to);
		}
	}
}

static int method_serves(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static void allow_add(char *allow, const char *method)
{
	/* the same cap, and the same test, as the router always had */
	if (strlen(allow) + strlen(method) + 3 < HTTP_ALLOW_MAX) {
		if (allow[0])
			strcat(allow, ", ");
		strcat(allow, method);
	}
}

int http_router_find(const struct http_router *rt, const char *method,
		     const char *path, struct arena *a, struct http_route_found *out)
{
	out->route = NULL;
	out->path_matched = 0;
	out->nparams = 0;
	out->allow[0] = '\0';
	if (path[0] != '/')
		return 0; /* every pattern starts with '/' */
	struct gather g = { .idx = NULL, .n = 0, .cap = 64, .a = a,
			    .nroutes = rt->nroutes };
	g.idx = g.local;
	walk(&g, rt->root, path + 1);
	if (g.nomem)
		return ERR_NOMEM;
	/* each node's list is ascending; several nodes: insertion sort (a
	 * path matches a handful of routes) */
	for (int i = 1; i < g.n; i++) {
		int v = g.idx[i], j = i;
		while (j > 0 && g.idx[j - 1] > v) {
			g.idx[j] = g.idx[j - 1];
			j--;
		}
		g.idx[j] = v;
	}
	int found = -1;
	for (int k = 0; k < g.n; k++) {
		const struct http_route *r = &rt->routes[g.idx[k]];
		out->path_matched = 1;
		if (method_serves(r->method, method)) {
			found = g.idx[k];
			break;
		}
		allow_add(out->allow, r->method);
	}
	if (found < 0)
		return 0;
	const struct rroute *rr = &rt->rr[found];
	/* the captures' segments, in order */
	const char *s = path + 1;
	int seg = 0;
	for (int c = 0; c < rr->ncap; c++) {
		while (seg < rr->cap[c].seg) {
			s = strchr(s, '/') + 1;   /* the path has this many segments */
			seg++;
		}
		size_t len = strcspn(s, "/");
		char *v = arena_strndup(a, s + rr->cap[c].prefix, len - rr->cap[c].prefix);
		if (!v)
			return ERR_NOMEM;
		out->names[c] = rr->cap[c].name;
		out->values[c] = v;
	}
	out->nparams = rr->ncap;
	out->route = &rt->routes[found];
	return 0;
}

int http_route_find_linear(const struct http_route *routes, int n,
			   const char *method, const char *path, struct arena *a,
			   struct http_route_found *out)
{
	/* the router as it was before the trie: every pattern in turn */
	out->route = NULL;
	out->path_matched = 0;
	out->nparams = 0;
	out->allow[0] = '\0';
	for (int i = 0; i < n; i++) {
		int k = 0;
		if (!http_route_match(routes[i].pattern, path, a, out->names,
				      out->values, &k, HTTP_MAX_PATH_PARAMS))
			continue;
		out->path_matched = 1;
		if (method_serves(routes[i].method, method)) {
			out->route = &routes[i];
			out->nparams = k;
			return 0;
		}
		allow_add(out->allow, routes[i].method);
	}
	return 0;
}

/* ---- overlapping patterns (http.h) ---- */

/* the next segment of *p (after its '/'), its length; *p moves past it */
static size_t next_segment(const char **p, const char **seg)
{
	const char *s = *p;
	if (*s == '/')
		s++;
	*seg = s;
	while (*s && *s != '/')
		s++;
	size_t n = (size_t)(s - *seg);
	*p = s;
	return n;
}

static int is_param(const char *seg, size_t n)
{
	return n >= 2 && seg[0] == '{' && seg[n - 1] == '}';
}

int http_patterns_overlap(const char *a, const char *b)
{
	for (;;) {
		int enda = *a == '\0', endb = *b == '\0';
		if (enda || endb)
			return enda && endb;
		const char *sa, *sb;
		size_t na = next_segment(&a, &sa), nb = next_segment(&b, &sb);
		int pa = is_param(sa, na), pb = is_param(sb, nb);
		if (pa && pb)
			continue;
		if (pa || pb) {         /* a parameter takes a non-empty segment */
			if ((pa ? nb : na) == 0)
				return 0;
			continue;
		}
		if (na != nb || memcmp(sa, sb, na) != 0)
			return 0;
	}
}
