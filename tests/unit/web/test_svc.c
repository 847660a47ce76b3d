/*
 * test_svc.c -- the shell refuses to start with two owners' routes that
 * one path could reach (src/web/svc.c: app_routes_check), since which of
 * them would serve it depends on the services' order:
 *   - the shipped services and the shell pass;
 *   - two tables with an overlapping pattern under the same method are
 *     refused, naming both owners and both routes; under different
 *     methods, or with patterns no path matches both, they pass.
 * and that the demo hooks run in an order their demo_after allows
 * (svc_demo_order): the shipped departments before the procedures that
 * name them; a service after the one it names even when its name sorts
 * first; a cycle or an unknown name refused, naming the service.
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

static int demo_hook(struct store *s, const char *tenant, struct err *e)
{
	(void)s, (void)tenant, (void)e;
	return 0;
}

static int position(const struct svc **order, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(order[i]->name, name) == 0)
			return i;
	return -1;
}

static void test_shipped_demo_order(void)
{
	const struct svc *order[APP_SVC_MAX];
	struct err e;
	err_clear(&e);
	int n = svc_demo_order(order, &e);
	T_REQUIRE(n > 0);
	int d = position(order, n, "dept"), p = position(order, n, "procedures");
	T_REQUIRE(d >= 0 && p >= 0);
	T_CHECK(d < p);
	for (int i = 0; i < n; i++)
		T_CHECK(order[i]->demo != NULL);   /* only services with a hook */
}

static const char *const after_b[] = { "b", NULL };
static const char *const after_a[] = { "a", NULL };
static const char *const after_x[] = { "x", NULL };

static void test_demo_order_rules(void)
{
	/* "a" names "b": b first although a sorts first; "c" has no hook */
	const struct svc a = { .name = "a", .demo = demo_hook, .demo_after = after_b };
	const struct svc b = { .name = "b", .demo = demo_hook };
	const struct svc c = { .name = "c", .demo_after = after_a };
	const struct svc *const list[] = { &a, &b, &c };
	const struct svc *order[APP_SVC_MAX];
	struct err e;
	err_clear(&e);
	T_EQ_INT(svc_demo_order_of(order, list, 3, &e), 2);
	T_EQ_STR(order[0]->name, "b");
	T_EQ_STR(order[1]->name, "a");

	const struct svc b2 = { .name = "b", .demo = demo_hook, .demo_after = after_a };
	const struct svc *const cycle[] = { &a, &b2 };
	err_clear(&e);
	T_EQ_INT(svc_demo_order_of(order, cycle, 2, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "cycle") != NULL);

	const struct svc x = { .name = "y", .demo = demo_hook, .demo_after = after_x };
	const struct svc *const unknown[] = { &x };
	err_clear(&e);
	T_EQ_INT(svc_demo_order_of(order, unknown, 1, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "service y: demo_after names no service x");
}

int main(void)
{
	T_RUN(test_shipped_demo_order);
	T_RUN(test_demo_order_rules);
	T_RUN(test_shipped_routes_do_not_overlap);
	T_RUN(test_overlap_refused);
	return t_done();
}
