/*
 * test_page_form.c -- the procedure page renderer and parser
 * (src/web/page_form.c) on the shipped definitions: every page of every
 * definition renders, every label and aria-describedby points at an
 * element of the page and no id is used twice; a submitted page parses
 * into answers that src/core/forms validates; errors are shown next to their
 * fields and the summary links land on inputs; read-only prefilled
 * answers are shown with their source and cannot be changed by a forged
 * form; group items are added and removed without JavaScript; a 個人番号
 * is masked in the summary text.
 */
#include "t.h"

#include <dirent.h>
#include <unistd.h>

#include "web/app.h"
#include "web/page_form.h"
#include "html/html.h"

static const char *dir;
static struct arena *A;
static const struct jp_date TODAY = { 2026, 11, 22 };

static const char *find_dir(void)
{
	static const char *const c[] = { "data/procedures", "../data/procedures",
					 "../../data/procedures", "../../../data/procedures" };
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (access(c[i], R_OK) == 0)
			return c[i];
	return NULL;
}

static struct forms_def *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[FORMS_DEF_MAX_BYTES + 1];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct forms_def *d;
	struct err e;
	if (forms_def_parse(&d, A, buf, n, &e) != 0)
		return NULL;
	return d;
}

/* every attribute value `attr="..."` in html, then check each exists as id */
static int count_attr(const char *html, const char *attr, const char *val)
{
	char pat[300];
	snprintf(pat, sizeof pat, "%s=\"%s\"", attr, val);
	int n = 0;
	for (const char *p = html; (p = strstr(p, pat)); p++)
		n++;
	return n;
}

static int refs_ok(const char *html, const char *ctx)
{
	int ok = 1;
	/* ids unique */
	for (const char *p = html; (p = strstr(p, " id=\"")); p++) {
		const char *s = p + 5, *q = strchr(s, '"');
		char id[256];
		snprintf(id, sizeof id, "%.*s", (int)(q - s), s);
		if (count_attr(html, " id", id) != 1) {
			printf("# %s: id %s used %d times\n", ctx, id, count_attr(html, " id", id));
			ok = 0;
		}
	}
	/* label for= and aria-describedby point at ids */
	const char *attrs[] = { "for=\"", "aria-describedby=\"" };
	for (int k = 0; k < 2; k++) {
		for (const char *p = html; (p = strstr(p, attrs[k])); p++) {
			const char *s = p + strlen(attrs[k]), *q = strchr(s, '"');
			char list[600];
			snprintf(list, sizeof list, "%.*s", (int)(q - s), s);
			for (char *t = strtok(list, " "); t; t = strtok(NULL, " ")) {
				if (count_attr(html, " id", t) != 1) {
					printf("# %s: %s%s\" refers to no element\n", ctx, attrs[k], t);
					ok = 0;
				}
			}
		}
	}
	return ok;
}

static void test_all_pages_render(void)
{
	DIR *dh = opendir(dir);
	T_REQUIRE(dh);
	struct dirent *de;
	int pages = 0, bad = 0;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		struct forms_def *d = load(de->d_name);
		T_REQUIRE(d);
		for (int p = 0; p < d->npages; p++) {
			const char *langs[] = { "ja", "en", "ja-easy" };
			for (int li = 0; li < 3; li++) {
				struct buf b;
				buf_init(&b, 4u << 20);
				struct form_view v = { .d = d, .page = p, .lang = langs[li], .today = TODAY };
				struct err e;
				if (form_render_page(&b, &v, &e) != 0) {
					printf("# %s page %d: %s\n", de->d_name, p, e.detail);
					bad++;
				} else {
					char ctx[300];
					snprintf(ctx, sizeof ctx, "%s page %d %s", de->d_name, p, langs[li]);
					if (!refs_ok(buf_cstr(&b), ctx))
						bad++;
					if (strstr(buf_cstr(&b), "<script"))
						bad++;
				}
				buf_done(&b);
			}
			pages++;
		}
	}
	closedir(dh);
	T_CHECK(pages >= 50);
	T_EQ_INT(bad, 0);
}

static json_t *parse(const struct forms_def *d, int page, const json_t *prev,
		     const json_t *sources, const char *const *kv, struct form_action *act)
{
	const char *names[100], *values[100];
	int n = 0;
	for (; kv[2 * n]; n++) {
		names[n] = kv[2 * n];
		values[n] = kv[2 * n + 1];
	}
	json_t *out;
	struct err e;
	struct form_action a2;
	struct form_page_in in = { .d = d, .page = page, .previous = prev, .sources = sources,
				   .names = names, .values = values, .npairs = n };
	if (form_parse_page(&out, act ? act : &a2, A, &in, &e) != 0) {
		printf("# parse: %s\n", e.detail);
		return NULL;
	}
	return out;
}

static void test_parse_validate(void)
{
	struct forms_def *d = load("shinseiji-houmon.json");
	T_REQUIRE(d);
	const char *kv[] = {
		"csrf", "x",
		"_shown", "baby_name baby_birth birth_weight weeks",
		"f.baby_name.family", "区民",
		"f.baby_name.given", "花子",
		"f.baby_name.family_kana", "くみん",
		"f.baby_name.given_kana", "ハナコ",
		"f.baby_birth", "令和8年11月1日",
		"f.birth_weight", "３０００",
		"f.weeks", "39",
		"_action", "next",
		NULL, NULL,
	};
	struct form_action act;
	json_t *a = parse(d, 0, NULL, NULL, kv, &act);
	T_REQUIRE(a);
	T_EQ_INT(act.kind, FORM_ACT_NEXT);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(a, "baby_name"), "given")), "花子");
	T_CHECK(json_object_get(a, "csrf") == NULL);
	struct forms_result r;
	struct err e;
	T_EQ_INT(forms_validate_upto(&r, A, d, a, 0, TODAY, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	T_EQ_INT(r.next, 1);
	T_EQ_STR(json_string_value(json_object_get(r.answers, "baby_birth")), "2026-11-01");
	/* page 2 keeps page 1's answers; the conditional date is unseen
	 * until "after_return" is chosen */
	const char *kv2[] = {
		"_shown", "mother_name visit_address phone wish_period",
		"f.wish_period", "after_return",
		NULL, NULL,
	};
	json_t *a2 = parse(d, 1, a, NULL, kv2, NULL);
	T_REQUIRE(a2);
	T_CHECK(json_object_get(a2, "baby_name") != NULL);
	T_EQ_INT(forms_validate_upto(&r, A, d, a2, 1, TODAY, &e), 0);
	const char *names[] = { "_shown" }, *values[] = { "mother_name visit_address phone wish_period" };
	T_EQ_INT(form_page_unseen(d, 1, r.answers, names, values, 1, TODAY), 1);
	/* the errors of page 2 render next to their fields, with the summary
	 * linking to inputs that exist */
	T_CHECK(form_page_errors(d, &r, 1) >= 3);
	T_EQ_INT(form_page_errors(d, &r, 0), 0);
	struct buf b;
	buf_init(&b, 4u << 20);
	struct form_view v = { .d = d, .page = 1, .answers = a2, .norm = r.answers,
			       .errors = &r, .lang = "en", .today = TODAY };
	T_CHECK(form_render_error_summary(&b, &v) >= 3);
	T_EQ_INT(form_render_page(&b, &v, &e), 0);
	const char *h = buf_cstr(&b);
	T_CHECK(strstr(h, "role=\"alert\"") != NULL);
	T_CHECK(strstr(h, "href=\"#f-mother_name-family\"") != NULL);
	T_CHECK(strstr(h, "id=\"f-mother_name-family\"") != NULL);
	T_CHECK(strstr(h, "aria-invalid=\"true\"") != NULL);
	T_CHECK(strstr(h, "id=\"f-return_date\"") != NULL); /* now shown */
	T_CHECK(strstr(h, "Japanese era") != NULL);         /* 和暦 date hint */
	T_CHECK(refs_ok(h, "shinseiji errors"));
	buf_done(&b);
}

static void test_prefill_readonly(void)
{
	struct forms_def *d = load("kodomo-iryosho.json");
	T_REQUIRE(d);
	json_t *prev = json_pack("{s:{s:s,s:s,s:s,s:s},s:s}", "applicant_name", "family", "区民",
				 "given", "太郎", "family_kana", "クミン", "given_kana", "タロウ",
				 "applicant_my_number", "123456789018");
	json_t *src = json_pack("{s:s,s:s}", "applicant_name", "juki", "applicant_my_number", "juki");
	int page = forms_def_field(d, "applicant_name")->page;
	struct buf b;
	buf_init(&b, 4u << 20);
	struct form_view v = { .d = d, .page = page, .answers = prev, .sources = src,
			       .lang = "ja", .today = TODAY };
	struct err e;
	T_EQ_INT(form_render_page(&b, &v, &e), 0);
	const char *h = buf_cstr(&b);
	T_CHECK(strstr(h, "住民基本台帳より") != NULL);
	T_CHECK(strstr(h, "区民 太郎") != NULL);
	T_CHECK(strstr(h, "name=\"f.applicant_name.family\"") == NULL);
	if (forms_def_field(d, "applicant_my_number")->page == page) {
		T_CHECK(strstr(h, "123456789018") == NULL);
		T_CHECK(strstr(h, "********9018") != NULL);
	}
	buf_done(&b);
	/* a forged form cannot change them */
	const char *kv[] = {
		"_shown", "applicant_name applicant_my_number",
		"f.applicant_name.family", "偽名",
		"f.applicant_my_number", "000000000000",
		NULL, NULL,
	};
	json_t *a = parse(d, page, prev, src, kv, NULL);
	T_REQUIRE(a);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(a, "applicant_name"), "family")), "区民");
	T_EQ_STR(json_string_value(json_object_get(a, "applicant_my_number")), "123456789018");
	/* masked in the summary text */
	struct buf t;
	buf_init(&t, 1024);
	form_value_text(&t, forms_def_field(d, "applicant_my_number"),
			json_object_get(a, "applicant_my_number"), "ja", 1);
	T_EQ_STR(buf_cstr(&t), "********9018");
	buf_done(&t);
	json_decref(prev);
	json_decref(src);
}

static void test_group_add_remove(void)
{
	struct forms_def *d = load("sodai-gomi.json");
	T_REQUIRE(d);
	/* the first render shows min_items (1) item */
	struct buf b;
	buf_init(&b, 4u << 20);
	struct form_view v = { .d = d, .page = 1, .lang = "ja", .today = TODAY };
	struct err e;
	T_EQ_INT(form_render_page(&b, &v, &e), 0);
	T_CHECK(strstr(buf_cstr(&b), "name=\"_n.items\" value=\"1\"") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "value=\"add:items\"") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "value=\"remove:items[0]\"") == NULL); /* min 1 */
	buf_done(&b);
	const char *kv[] = {
		"_shown", "items collection_date place",
		"_n.items", "1",
		"f.items[0].count", "2",
		"_action", "add:items",
		NULL, NULL,
	};
	struct form_action act;
	json_t *a = parse(d, 1, NULL, NULL, kv, &act);
	T_REQUIRE(a);
	T_EQ_INT(act.kind, FORM_ACT_ADD);
	T_EQ_INT((int)json_array_size(json_object_get(a, "items")), 2);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(a, "items"), 0), "count")), "2");
	buf_init(&b, 4u << 20);
	v.answers = a;
	T_EQ_INT(form_render_page(&b, &v, &e), 0);
	T_CHECK(strstr(buf_cstr(&b), "value=\"remove:items[1]\"") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "id=\"f-items-1-count\"") != NULL);
	T_CHECK(refs_ok(buf_cstr(&b), "sodai-gomi 2 items"));
	buf_done(&b);
	const char *kv2[] = {
		"_shown", "items collection_date place",
		"_n.items", "2",
		"f.items[0].count", "2",
		"f.items[1].count", "5",
		"_action", "remove:items[0]",
		NULL, NULL,
	};
	json_t *a2 = parse(d, 1, a, NULL, kv2, &act);
	T_REQUIRE(a2);
	T_EQ_INT(act.kind, FORM_ACT_REMOVE);
	T_EQ_INT((int)json_array_size(json_object_get(a2, "items")), 1);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(a2, "items"), 0), "count")), "5");
	/* an unknown action is refused */
	const char *kv3[] = { "_action", "explode", NULL, NULL };
	T_CHECK(parse(d, 1, NULL, NULL, kv3, NULL) == NULL);
}

static void test_today(void)
{
	/* 2026-11-22 15:00 UTC is already the 23rd in Japan */
	struct jp_date t = form_today(1795359600);
	T_EQ_INT(t.y, 2026);
	T_EQ_INT(t.m, 11);
	T_EQ_INT(t.d, 23);
}

/* every catalog id the resident pages use exists in ja, en and ja-easy
 * (html_t answers the id itself for a missing one); audit action names,
 * which share the "apply." prefix, are not messages.  The catalogs are
 * loaded as the server loads them (the services' as well as
 * src/html/msg.c's), since a page may use a message of its service's own
 * catalog; tests/unit/html/test_catalog.c checks every row and every id
 * named in src/. */
static void test_messages(void)
{
	struct err ce;
	err_clear(&ce);
	T_EQ_INT(app_catalogs_load(&ce), 0);
	static const char *const audit_names[] = {
		"apply.draft.created", "apply.draft.deleted", "apply.submitted",
		"apply.withdrawn", "apply.correction.started",
	};
	const char *files[] = { "src/web/page_form.c", "src/svc/apply/web/page_apply.c" };
	const char *prefixes[] = { "\"form.", "\"apply.", "\"resident." };
	int n = 0, missing = 0;
	for (int k = 0; k < 2; k++) {
		char path[512];
		snprintf(path, sizeof path, "%s/../../%s", dir, files[k]);
		FILE *f = fopen(path, "rb");
		T_REQUIRE(f);
		static char src[1 << 20];
		size_t len = fread(src, 1, sizeof src - 1, f);
		fclose(f);
		src[len] = 0;
		for (int q = 0; q < 3; q++) {
			for (char *p = src; (p = strstr(p, prefixes[q])); p++) {
				char id[64];
				size_t l = strcspn(p + 1, "\"");
				if (l >= sizeof id || p[l] == '.' || memchr(p + 1, '%', l))
					continue;       /* a prefix completed at run time */
				memcpy(id, p + 1, l);
				id[l] = 0;
				int audit = 0;
				for (size_t i = 0; i < sizeof audit_names / sizeof audit_names[0]; i++)
					audit |= strcmp(id, audit_names[i]) == 0;
				if (audit)
					continue;
				n++;
				for (int lang = 0; lang < 3; lang++) {
					if (strcmp(html_t((enum html_lang)lang, id), id) == 0) {
						printf("# message %s missing (%d)\n", id, lang);
						missing++;
					}
				}
			}
		}
	}
	const char *states[] = { "received", "in_review", "returned", "approved", "rejected",
				 "completed", "withdrawn" };
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		char id[64];
		snprintf(id, sizeof id, "apply.st.%s", states[i]);
		if (strcmp(html_t(HTML_EN, id), id) == 0)
			missing++;
	}
	T_CHECK(n > 80);
	T_EQ_INT(missing, 0);
}

int main(void)
{
	dir = find_dir();
	if (!dir) {
		printf("not ok 1 - data/procedures not found\n1..1\n");
		return 1;
	}
	A = arena_new(512u << 20);
	T_RUN(test_all_pages_render);
	T_RUN(test_parse_validate);
	T_RUN(test_prefill_readonly);
	T_RUN(test_group_add_remove);
	T_RUN(test_today);
	T_RUN(test_messages);
	arena_free(A);
	return t_done();
}
