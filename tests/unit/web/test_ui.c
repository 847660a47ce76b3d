/*
 * test_ui.c -- the shared page components (src/web/ui.c): a field's
 * label, hint, error and required mark are wired to its control by id
 * (for, aria-describedby, aria-invalid, aria-required); every text is
 * escaped; ui_url percent-encodes names and values and leaves out empty
 * ones; the pager shows only the links that lead somewhere.
 */
#include "t.h"

#include "base/arena.h"
#include "base/buf.h"
#include "web/ui.h"

static const char *render_input(struct buf *b, const struct ui_field *f)
{
	buf_reset(b);
	ui_input(b, f);
	return buf_cstr(b);
}

static void test_input_wiring(void)
{
	struct buf b;
	buf_init(&b, 1u << 16);
	struct ui_field f = { .name = "title", .label = "件名", .value = "a\"<b>",
			      .required = 1, .maxlength = 200, .lang = HTML_JA };
	const char *s = render_input(&b, &f);
	T_CHECK(strstr(s, "<label for=\"f-title\">件名 <span class=\"required\">必須</span></label>") != NULL);
	T_CHECK(strstr(s, "id=\"f-title\" name=\"title\" value=\"a&quot;&lt;b&gt;\"") != NULL);
	T_CHECK(strstr(s, "aria-required=\"true\"") != NULL);
	T_CHECK(strstr(s, "maxlength=\"200\"") != NULL);
	T_CHECK(strstr(s, "aria-invalid") == NULL);
	T_CHECK(strstr(s, "aria-describedby") == NULL);

	f.hint = "例：<休館>";
	f.error = "入力してください";
	f.id = "x-title";
	f.required = 0;
	f.lang = HTML_EN;
	s = render_input(&b, &f);
	T_CHECK(strstr(s, "<label for=\"x-title\">件名</label>") != NULL);
	T_CHECK(strstr(s, "<div id=\"x-title-hint\" class=\"hint\"><p>例：&lt;休館&gt;</p></div>") != NULL);
	T_CHECK(strstr(s, "<p id=\"x-title-error\" class=\"error-message\">入力してください</p>") != NULL);
	T_CHECK(strstr(s, "aria-describedby=\"x-title-hint x-title-error\"") != NULL);
	T_CHECK(strstr(s, "aria-invalid=\"true\"") != NULL);
	T_CHECK(strstr(s, "aria-required") == NULL);

	f.hint = NULL;
	s = render_input(&b, &f);
	T_CHECK(strstr(s, "aria-describedby=\"x-title-error\"") != NULL);
	f.required = 1;
	s = render_input(&b, &f);
	T_CHECK(strstr(s, "<span class=\"required\">Required</span>") != NULL);
	buf_done(&b);
}

static void test_textarea_select_checkbox(void)
{
	struct buf b;
	buf_init(&b, 1u << 16);
	struct ui_field f = { .name = "body", .label = "本文", .value = "</textarea><script>",
			      .lang = HTML_JA };
	ui_textarea(&b, &f, 4);
	T_CHECK(strstr(buf_cstr(&b), "rows=\"4\">&lt;/textarea&gt;&lt;script&gt;</textarea>") != NULL);

	buf_reset(&b);
	const struct ui_option opts[] = { { "a", "エー" }, { "b&c", "ビー" } };
	struct ui_field s = { .name = "pick", .label = "選択", .value = "b&c", .lang = HTML_JA };
	ui_select(&b, &s, opts, 2, "選んでください");
	const char *t = buf_cstr(&b);
	T_CHECK(strstr(t, "<option value=\"\">選んでください</option>") != NULL);
	T_CHECK(strstr(t, "<option value=\"a\">エー</option>") != NULL);
	T_CHECK(strstr(t, "<option value=\"b&amp;c\" selected>ビー</option>") != NULL);

	buf_reset(&b);
	struct ui_field c = { .name = "ok", .label = "同意する", .lang = HTML_JA };
	ui_checkbox(&b, &c, 1);
	t = buf_cstr(&b);
	T_CHECK(strstr(t, "<input type=\"checkbox\" id=\"f-ok\" name=\"ok\" value=\"1\" checked>") != NULL);
	T_CHECK(strstr(t, "<label for=\"f-ok\" class=\"inline\">同意する</label>") != NULL);
	buf_reset(&b);
	ui_checkbox(&b, &c, 0);
	T_CHECK(strstr(buf_cstr(&b), "checked") == NULL);
	buf_done(&b);
}

static void test_url(void)
{
	struct arena *a = arena_new(1u << 16);
	T_REQUIRE(a);
	const char *p1[] = { "q", "保育 園&x=1", "empty", "", "none", NULL, "tag", "a/b?c#d", NULL };
	T_EQ_STR(ui_url(a, "/opendata", p1),
		 "/opendata?q=%E4%BF%9D%E8%82%B2%20%E5%9C%92%26x%3D1&tag=a%2Fb%3Fc%23d");
	T_EQ_STR(ui_url(a, "/news", NULL), "/news");
	const char *p2[] = { "a.b-c_d~", "x", NULL };
	T_EQ_STR(ui_url(a, "/p", p2), "/p?a.b-c_d~=x");
	arena_free(a);
}

static void test_pager(void)
{
	struct arena *a = arena_new(1u << 16);
	T_REQUIRE(a);
	struct buf b;
	buf_init(&b, 1u << 16);
	const char *pairs[] = { "q", "犬", NULL };
	struct ui_pager p = { .path = "/x", .pairs = pairs, .page = 1, .total = 20, .per_page = 20 };
	ui_pager(&b, a, HTML_JA, &p);
	T_EQ_STR(buf_cstr(&b), "");                       /* everything on one page */
	p.total = 21;
	ui_pager(&b, a, HTML_JA, &p);
	T_CHECK(strstr(buf_cstr(&b), "<a href=\"/x?q=%E7%8A%AC&amp;page=2\" rel=\"next\">次のページ</a>") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "rel=\"prev\"") == NULL);
	buf_reset(&b);
	p.page = 2;
	p.prev = "新しい";
	ui_pager(&b, a, HTML_EN, &p);
	T_CHECK(strstr(buf_cstr(&b), "<a href=\"/x?q=%E7%8A%AC&amp;page=1\" rel=\"prev\">新しい</a>") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "rel=\"next\"") == NULL);
	T_CHECK(strstr(buf_cstr(&b), "aria-label=\"Pages\"") != NULL);
	buf_done(&b);
	arena_free(a);
}

int main(void)
{
	T_RUN(test_input_wiring);
	T_RUN(test_textarea_select_checkbox);
	T_RUN(test_url);
	T_RUN(test_pager);
	return t_done();
}
