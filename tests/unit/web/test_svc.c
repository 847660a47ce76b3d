/*
 * test_svc.c -- the shell refuses to start with two owners' routes that
 * one path could reach (src/web/svc.c: app_routes_check), since which of
 * them would serve it depends on the services' order:
 *   - the shipped services and the shell pass;
 *   - two tables with an overlapping pattern under the same method are
 *     refused, naming both owners and both routes; under different
 *     methods, or with patterns no path matches both, they pass.
 */
#include "t.h"

#include "web/app.h"

static int h(struct http_req *r)
{
	(void)r;
	return 0;
}

static const struct http_route news[] = {
	{ "GET", "/news/{id}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, h, "news.item" },
	{ "POST", "/news/{id}", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, h, "news.save" },
};
static const struct http_route latest_get[] = {
	{ "GET", "/news/latest", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, h, "other.latest" },
};
static const struct http_route latest_put[] = {
	{ "PUT", "/news/latest", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, h, "other.latest" },
	{ "GET", "/news/{id}/print", HTTP_PERM_PUBLIC, HTTP_KIND_HTML, 0, NULL, h, "other.print" },
};

static void test_shipped_routes_do_not_overlap(void)
{
	struct err e;
	err_clear(&e);
	int rc = app_routes_check(&e);
	if (rc)
		printf("# %s\n", e.detail);
	T_EQ_INT(rc, 0);
}

static void test_overlap_refused(void)
{
	struct err e;
	err_clear(&e);
	T_EQ_INT(svc_routes_overlap(news, 2, "news", latest_get, 1, "other", &e), ERR_CONFLICT);
	T_EQ_STR(e.detail, "service other: route GET /news/latest overlaps news's GET /news/{id}");
	err_clear(&e);
	T_EQ_INT(svc_routes_overlap(news, 2, "news", latest_put, 2, "other", &e), 0);
	T_EQ_INT(svc_routes_overlap(news, 0, "news", latest_get, 1, "other", &e), 0);
}

int main(void)
{
	T_RUN(test_shipped_routes_do_not_overlap);
	T_RUN(test_overlap_refused);
	return t_done();
}
