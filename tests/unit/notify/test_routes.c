/*
 * test_routes.c -- My page's form of notifications declares a field for
 * every topic it shows: each category of news (notify_categories) by
 * e-mail, SMS and LINE.  The route's parameters are written out in
 * src/svc/notify/web/routes.c; a category added to the list without them
 * would have its boxes dropped by the router, and every save would then
 * unsubscribe it.
 */
#include "t.h"

#include "web/app.h"
#include "web/svc.h"
#include "svc/notify/notify.h"

#include <stdio.h>
#include <string.h>

extern const struct svc svc_notify;

static const struct http_param_spec *param_of(const struct http_route *rt, const char *name)
{
	for (const struct http_param_spec *p = rt->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void test_every_category_declared(void)
{
	const struct http_route *save = NULL;
	for (const struct http_route *rt = svc_notify.routes; rt->method; rt++)
		if (strcmp(rt->method, "POST") == 0 && strcmp(rt->pattern, "/mypage/notifications") == 0)
			save = rt;
	T_REQUIRE(save);
	T_CHECK(notify_ncategories >= 7);
	static const char *const suffix[] = { "", "_sms", "_line" };
	for (int i = 0; i < notify_ncategories; i++)
		for (int ch = 0; ch < 3; ch++) {
			char name[64];
			snprintf(name, sizeof name, "news_%s%s", notify_categories[i].code, suffix[ch]);
			const struct http_param_spec *p = param_of(save, name);
			T_CHECK(p != NULL);
			if (!p)
				printf("# %s is not declared\n", name);
			else
				T_CHECK(p->where == HTTP_FORM && p->max_len == 1);
		}
	/* a field for no category is not declared */
	T_CHECK(param_of(save, "news_nosuch") == NULL);
}

int main(void)
{
	T_RUN(test_every_category_declared);
	return t_done();
}
