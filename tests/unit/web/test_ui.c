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

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* the less common attributes: written only when set, in ui.h's order;
 * aria-describedby lists other elements, the hint, the error */
static void test_input_extras(void)
{
	struct buf b;
	buf_init(&b, 1u << 16);
	struct ui_field f = { .name = "password", .id = "password", .label = "パスワード",
			      .type = "password", .autocomplete = "new-password", .maxlength = 128,
			      .minlength = 12, .html_required = 1, .hint = "12文字以上",
			      .lang = HTML_JA };
	const char *s = render_input(&b, &f);
	T_CHECK(strstr(s, "<label for=\"password\">パスワード</label>") != NULL);  /* no mark */
	T_CHECK(strstr(s, "type=\"password\" id=\"password\" name=\"password\" value=\"\" "
			  "maxlength=\"128\" autocomplete=\"new-password\" minlength=\"12\" required "
			  "aria-describedby=\"password-hint\">") != NULL);
	T_CHECK(strstr(s, "aria-required") == NULL);
	T_CHECK(strstr(s, "aria-invalid") == NULL);

	/* invalid: aria-invalid with no message of its own; describedby first */
	f = (struct ui_field){ .name = "login", .id = "login", .label = "ユーザー名",
			       .autocomplete = "username", .verbatim = 1, .html_required = 1,
			       .invalid = 1, .describedby = "error-summary-title", .lang = HTML_JA };
	s = render_input(&b, &f);
	T_CHECK(strstr(s, "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
			  "required aria-describedby=\"error-summary-title\" aria-invalid=\"true\">") != NULL);
	T_CHECK(strstr(s, "error-message") == NULL);
	f.hint = "h";
	f.error = "e";
	s = render_input(&b, &f);
	T_CHECK(strstr(s, "aria-describedby=\"error-summary-title login-hint login-error\"") != NULL);
	T_EQ_INT(count(s, "aria-invalid"), 1);

	/* inputmode, pattern (escaped) */
	f = (struct ui_field){ .name = "code", .id = "code", .label = "コード", .inputmode = "numeric",
			       .pattern = "[a-z\"<]+", .lang = HTML_JA };
	s = render_input(&b, &f);
	T_CHECK(strstr(s, " inputmode=\"numeric\" pattern=\"[a-z&quot;&lt;]+\">") != NULL);

	/* a file: accept, and no value attribute */
	f = (struct ui_field){ .name = "csv", .id = "od-csv", .label = "CSV", .type = "file",
			       .value = "x", .accept = ".csv,text/csv", .required = 1,
			       .html_required = 1, .lang = HTML_JA };
	s = render_input(&b, &f);
	T_CHECK(strstr(s, "<input class=\"input\" type=\"file\" id=\"od-csv\" name=\"csv\" "
			  "accept=\".csv,text/csv\" required aria-required=\"true\">") != NULL);
	T_CHECK(strstr(s, "value=") == NULL);

	/* error_html: the page's own markup, not escaped again */
	f = (struct ui_field){ .name = "definition", .id = "definition", .label = "定義",
			       .error_html = "<strong>誤り</strong> <code>a&lt;b</code>",
			       .lang = HTML_JA };
	buf_reset(&b);
	ui_textarea(&b, &f, 3);
	s = buf_cstr(&b);
	T_CHECK(strstr(s, "<p id=\"definition-error\" class=\"error-message\"><strong>誤り</strong> "
			  "<code>a&lt;b</code></p>") != NULL);
	T_CHECK(strstr(s, "aria-describedby=\"definition-error\" aria-invalid=\"true\">") != NULL);
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
	/* a value of its own (one of a group) */
	buf_reset(&b);
	c = (struct ui_field){ .name = "group_0", .id = "od-group-0", .label = "子育て",
			       .value = "kosodate&x", .lang = HTML_JA };
	ui_checkbox(&b, &c, 0);
	T_CHECK(strstr(buf_cstr(&b), "id=\"od-group-0\" name=\"group_0\" value=\"kosodate&amp;x\">") != NULL);

	/* a required select: the mark, aria-required and the attribute */
	buf_reset(&b);
	s.required = 1;
	s.html_required = 1;
	ui_select(&b, &s, opts, 2, NULL);
	t = buf_cstr(&b);
	T_CHECK(strstr(t, "<select class=\"select\" id=\"f-pick\" name=\"pick\" required "
			  "aria-required=\"true\">") != NULL);
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
	T_RUN(test_input_extras);
	T_RUN(test_textarea_select_checkbox);
	T_RUN(test_url);
	T_RUN(test_pager);
	return t_done();
}
