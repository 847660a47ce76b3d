/*
 * test_router.c -- the route trie (src/http/router.c) gives the answer the
 * linear scan gives (http_route_find_linear, every pattern in turn with
 * http_route_match: the router as it was): the same route, the same path
 * captures, the same 404/405 and the same Allow list, for every path built
 * from a vocabulary of segments against a table of overlapping literal and
 * {param} patterns, under every method (HEAD included); then the rules
 * spelled out: the first route in table order wins, HEAD is served by a
 * GET route, Allow lists the matching routes' methods in table order up to
 * its 128 bytes, patterns that can never match stay unmatched, and a path
 * matching more routes than the router keeps on its stack.
 */
#include <stdio.h>
#include <string.h>

#include "../t.h"
#include "http/http.h"

static int h(struct http_req *r)
{
	(void)r;
	return 0;
}

#define R(m, p) { m, p, NULL, HTTP_KIND_HTML, 0, NULL, h, p }

/* overlapping on purpose: literals and captures at the same depth, the
 * same pattern under several methods, captures of different names at the
 * same place, a literal prefix before a capture, empty segments, a
 * trailing slash, and patterns http_route_match never matches */
static const struct http_route table[] = {
	R("GET", "/"),
	R("GET", "/staff/procedures/new"),
	R("POST", "/staff/procedures/new"),
	R("GET", "/staff/procedures/{code}"),
	R("GET", "/staff/procedures/{code}/edit"),
	R("POST", "/staff/procedures/{code}/edit"),
	R("GET", "/staff/procedures/{code}/versions/{n}"),
	R("DELETE", "/staff/procedures/{id}"),
	R("PUT", "/staff/{section}/new"),
	R("GET", "/staff/{section}/{id}/edit"),
	R("GET", "/staff/users"),
	R("GET", "/staff/users/{id}"),
	R("POST", "/staff/users/{uid}/roles"),
	R("GET", "/{a}/{b}/{c}"),
	R("POST", "/{a}"),
	R("GET", "/a/b"),
	R("GET", "/a/"),
	R("GET", "/a//b"),
	R("GET", "/a/{x}/"),
	R("GET", "/files/v-{ver}"),
	R("GET", "/files/v-1"),
	R("GET", "/files/{name}/raw"),
	R("HEAD", "/files/{name}/raw"),
	R("HEAD", "/only-head"),
	R("OPTIONS", "/staff/users"),
	R("GET", "/x/{bad"),           /* unclosed: never matches  */
	R("GET", "/x/{a}b"),           /* text after a capture     */
	R("GET", "/x/{a}{b}"),         /* two captures, one segment */
	R("GET", "/api/v1/drafts/{id}/files/{field}"),
	R("PUT", "/api/v1/drafts/{id}/files/{field}"),
	R("GET", "/api/v1/drafts/{id}"),
	R("GET", "/api/{ver}/drafts/new"),
	R("GET", "/new/{x}/{y}/{z}/{w}"),
	R("PATCH", "/{a}/{b}/{c}"),
};
#define NTABLE ((int)(sizeof table / sizeof table[0]))

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE",
				       "PATCH", "OPTIONS", "TRACE" };
#define NMETHODS ((int)(sizeof methods / sizeof methods[0]))

static int differ(const char *what, const char *method, const char *path,
		  const struct http_route_found *t, const struct http_route_found *l)
{
	int bad = t->route != l->route || t->path_matched != l->path_matched ||
		  strcmp(t->allow, l->allow) != 0 || t->nparams != l->nparams;
	for (int i = 0; !bad && i < t->nparams; i++)
		bad = strcmp(t->names[i], l->names[i]) != 0 ||
		      strcmp(t->values[i], l->values[i]) != 0;
	if (bad)
		T_FAIL_("%s: %s %s: trie %s (%d) allow \"%s\" %d params; linear %s (%d) "
			"allow \"%s\" %d params", what, method, path,
			t->route ? t->route->pattern : "-", t->path_matched, t->allow,
			t->nparams, l->route ? l->route->pattern : "-", l->path_matched,
			l->allow, l->nparams);
	return bad;
}

/* both answers for one path under every method; the number of
 * disagreements */
static int compare(const struct http_router *rt, const struct http_route *routes,
		   int n, const char *path, long *found)
{
	int bad = 0;
	struct arena *a = arena_new(0);
	for (int m = 0; m < NMETHODS; m++) {
		struct http_route_found t, l;
		int rt1 = http_router_find(rt, methods[m], path, a, &t);
		int rt2 = http_route_find_linear(routes, n, methods[m], path, a, &l);
		if (rt1 || rt2) {
			T_FAIL_("%s %s: returned %d / %d", methods[m], path, rt1, rt2);
			bad++;
		} else {
			bad += differ("table", methods[m], path, &t, &l);
			*found += t.route != NULL;
		}
	}
	arena_free(a);
	return bad;
}

static void test_same_as_linear_scan(void)
{
	static const char *const vocab[] = {
		"", "a", "b", "staff", "procedures", "new", "edit", "versions",
		"users", "roles", "files", "v-1", "v-", "v-22", "raw", "x",
		"{a}", "api", "v1", "drafts", "7", "only-head",
	};
	const int nv = (int)(sizeof vocab / sizeof vocab[0]);
	struct http_router *rt;
	struct err e;
	T_REQUIRE(http_router_new(&rt, table, NTABLE, &e) == 0);
	long paths = 0, found = 0;
	int bad = 0;
	char path[256];
	/* every path of 1 to 4 segments from the vocabulary (~250,000
	 * paths), and of 5 and 6 segments over the first few words */
	for (int depth = 1; depth <= 6 && bad < 20; depth++) {
		int width = depth <= 4 ? nv : 7;
		long total = 1;
		for (int d = 0; d < depth; d++)
			total *= width;
		for (long k = 0; k < total && bad < 20; k++) {
			size_t o = 0;
			long rest = k;
			for (int d = 0; d < depth; d++) {
				o += (size_t)snprintf(path + o, sizeof path - o, "/%s",
						      vocab[rest % width]);
				rest /= width;
			}
			bad += compare(rt, table, NTABLE, path, &found);
			paths++;
		}
	}
	/* the odd ones */
	static const char *const odd[] = {
		"", "a", "staff", "//", "///", "/staff/", "/staff//new",
		"/staff/procedures/new/", "/files/v-", "/files/v-1/raw",
		"/api/v1/drafts/1/files/f/", "/x/{bad", "/x/1b", "/x/{a}b",
		"/new/1/2/3/4", "/new/1/2/3/", "/a/b/c/d/e/f/g/h/i/j/k",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++, paths++)
		bad += compare(rt, table, NTABLE, odd[i], &found);
	T_EQ_INT(bad, 0);
	T_CHECK(paths > 250000);
	T_CHECK(found > 10000);   /* the vocabulary does reach the routes */
	printf("# %ld paths x %d methods, %ld found a route\n", paths, NMETHODS, found);
	http_router_free(rt);
}

static void test_rules(void)
{
	struct http_router *rt;
	struct err e;
	T_REQUIRE(http_router_new(&rt, table, NTABLE, &e) == 0);
	struct arena *a = arena_new(0);
	struct http_route_found f;

	/* declared first, the literal wins over the capture after it */
	T_EQ_INT(http_router_find(rt, "GET", "/staff/procedures/new", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->pattern, "/staff/procedures/new");
	T_EQ_INT(f.nparams, 0);
	/* ... and for a method only a later capture route has, that one */
	T_EQ_INT(http_router_find(rt, "DELETE", "/staff/procedures/new", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->pattern, "/staff/procedures/{id}");
	T_EQ_INT(f.nparams, 1);
	T_EQ_STR(f.names[0], "id");
	T_EQ_STR(f.values[0], "new");
	T_EQ_STR(f.allow, "GET, POST, GET");  /* the matches passed over */
	/* a later route of another shape wins when the earlier lack the method */
	T_EQ_INT(http_router_find(rt, "PUT", "/staff/procedures/new", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->pattern, "/staff/{section}/new");
	T_EQ_STR(f.values[0], "procedures");

	/* captures, in order, copied into the arena */
	T_EQ_INT(http_router_find(rt, "PUT", "/api/v1/drafts/42/files/photo", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->pattern, "/api/v1/drafts/{id}/files/{field}");
	T_EQ_INT(f.nparams, 2);
	T_EQ_STR(f.names[0], "id");
	T_EQ_STR(f.values[0], "42");
	T_EQ_STR(f.names[1], "field");
	T_EQ_STR(f.values[1], "photo");
	/* a literal prefix before the capture */
	T_EQ_INT(http_router_find(rt, "GET", "/files/v-22", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->pattern, "/files/v-{ver}");
	T_EQ_STR(f.values[0], "22");
	T_EQ_INT(http_router_find(rt, "GET", "/files/v-", a, &f), 0);
	T_CHECK(f.route == NULL);   /* a capture is never empty */

	/* HEAD: the GET route, when it comes first */
	T_EQ_INT(http_router_find(rt, "HEAD", "/staff/users/9", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->method, "GET");
	T_EQ_STR(f.route->pattern, "/staff/users/{id}");
	T_EQ_INT(http_router_find(rt, "HEAD", "/files/x/raw", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->method, "GET");      /* the first GET that matches */
	T_EQ_STR(f.route->pattern, "/{a}/{b}/{c}");
	T_EQ_INT(http_router_find(rt, "HEAD", "/only-head", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->method, "HEAD");
	/* but a GET is not served by a HEAD route */
	T_EQ_INT(http_router_find(rt, "GET", "/only-head", a, &f), 0);
	T_CHECK(f.route == NULL);
	T_EQ_INT(f.path_matched, 1);   /* "/only-head" is also "/{a}" (POST) */
	T_EQ_STR(f.allow, "POST, HEAD");

	/* 405: every matching route's method, in table order */
	T_EQ_INT(http_router_find(rt, "DELETE", "/staff/users", a, &f), 0);
	T_CHECK(f.route == NULL);
	T_EQ_INT(f.path_matched, 1);
	T_EQ_STR(f.allow, "GET, OPTIONS");
	/* 404 */
	T_EQ_INT(http_router_find(rt, "GET", "/nowhere/at/all/really", a, &f), 0);
	T_CHECK(f.route == NULL);
	T_EQ_INT(f.path_matched, 0);
	T_EQ_STR(f.allow, "");
	T_EQ_INT(http_router_find(rt, "GET", "no-slash", a, &f), 0);
	T_CHECK(f.route == NULL && !f.path_matched);

	/* never-matching patterns stay so */
	T_EQ_INT(http_router_find(rt, "GET", "/x/{bad", a, &f), 0);
	T_CHECK(f.route == NULL);
	T_EQ_INT(http_router_find(rt, "GET", "/x/1b", a, &f), 0);
	T_CHECK(f.route == NULL);

	arena_free(a);
	http_router_free(rt);
}

/* more matches than the router's stack holds (64), Allow past its 128
 * bytes, and a pattern with more captures than HTTP_MAX_PATH_PARAMS */
/* http_patterns_overlap: a path both could match */
static void test_overlap(void)
{
	T_EQ_INT(http_patterns_overlap("/news/{id}", "/news/latest"), 1);
	T_EQ_INT(http_patterns_overlap("/news/latest", "/news/{id}"), 1);
	T_EQ_INT(http_patterns_overlap("/news/{id}", "/news/{n}"), 1);
	T_EQ_INT(http_patterns_overlap("/{a}/x", "/b/{c}"), 1);
	T_EQ_INT(http_patterns_overlap("/", "/"), 1);
	T_EQ_INT(http_patterns_overlap("/news", "/news"), 1);
	T_EQ_INT(http_patterns_overlap("/news/{id}", "/news/{id}/edit"), 0);
	T_EQ_INT(http_patterns_overlap("/news/{id}/edit", "/news/{id}"), 0);
	T_EQ_INT(http_patterns_overlap("/news", "/newsroom"), 0);
	T_EQ_INT(http_patterns_overlap("/news/a", "/news/b"), 0);
	T_EQ_INT(http_patterns_overlap("/", "/news"), 0);
	T_EQ_INT(http_patterns_overlap("/{x}", "/"), 0);    /* an empty segment is no parameter value */
}

static void test_limits(void)
{
	enum { N = 100 };
	static struct http_route many[N + 2];
	static char pats[N][32], meths[N][16];
	for (int i = 0; i < N; i++) {
		snprintf(pats[i], sizeof pats[i], "/many/{p%d}", i);
		snprintf(meths[i], sizeof meths[i], "M%02d", i);
		many[i] = (struct http_route)R(meths[i], pats[i]);
	}
	/* 16 captures match; 17 never do */
	many[N] = (struct http_route)R("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}/{l}/{m}/{n}/{o}/{p}");
	many[N + 1] = (struct http_route)R("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}/{l}/{m}/{n}/{o}/{p}/{q}");
	struct http_router *rt;
	struct err e;
	T_REQUIRE(http_router_new(&rt, many, N + 2, &e) == 0);
	struct arena *a = arena_new(0);
	struct http_route_found f, l;

	T_EQ_INT(http_router_find(rt, "M77", "/many/x", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_STR(f.route->method, "M77");
	T_EQ_STR(f.names[0], "p77");
	T_EQ_STR(f.values[0], "x");

	T_EQ_INT(http_router_find(rt, "GET", "/many/x", a, &f), 0);
	T_CHECK(f.route == NULL);
	T_EQ_INT(f.path_matched, 1);
	T_CHECK(strlen(f.allow) < HTTP_ALLOW_MAX);
	T_CHECK(strncmp(f.allow, "M00, M01, M02", 13) == 0);
	T_EQ_INT(http_route_find_linear(many, N + 2, "GET", "/many/x", a, &l), 0);
	T_EQ_STR(f.allow, l.allow);

	T_EQ_INT(http_router_find(rt, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", a, &f), 0);
	T_REQUIRE(f.route != NULL);
	T_EQ_INT(f.nparams, 16);
	T_EQ_STR(f.values[15], "16");
	T_EQ_INT(http_router_find(rt, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", a, &f), 0);
	T_CHECK(f.route == NULL && !f.path_matched);

	long found = 0;
	static const char *const paths[] = {
		"/many/x", "/many/", "/many", "/many/x/y",
		"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16",
		"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		T_EQ_INT(compare(rt, many, N + 2, paths[i], &found), 0);
	for (int i = 0; i < N; i += 7) {
		T_EQ_INT(http_router_find(rt, meths[i], "/many/q", a, &f), 0);
		T_EQ_INT(http_route_find_linear(many, N + 2, meths[i], "/many/q", a, &l), 0);
		T_CHECK(!differ("many", meths[i], "/many/q", &f, &l));
	}
	arena_free(a);
	http_router_free(rt);
}

static void test_empty_table(void)
{
	struct http_router *rt;
	struct err e;
	T_REQUIRE(http_router_new(&rt, NULL, 0, &e) == 0);
	struct arena *a = arena_new(0);
	struct http_route_found f;
	T_EQ_INT(http_router_find(rt, "GET", "/", a, &f), 0);
	T_CHECK(f.route == NULL && !f.path_matched);
	arena_free(a);
	http_router_free(rt);
}

int main(void)
{
	T_RUN(test_same_as_linear_scan);
	T_RUN(test_rules);
	T_RUN(test_overlap);
	T_RUN(test_limits);
	T_RUN(test_empty_table);
	return t_done();
}
