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

static void test_surroundings(void);   /* the surroundings section, at the end */
static void test_pager_after(void);
static void test_fieldset(void);

int main(void)
{
	T_RUN(test_input_wiring);
	T_RUN(test_input_extras);
	T_RUN(test_textarea_select_checkbox);
	T_RUN(test_url);
	T_RUN(test_pager);
	T_RUN(test_surroundings);
	T_RUN(test_pager_after);
	T_RUN(test_fieldset);
	return t_done();
}

/* ---- the field's surroundings (Issue 13, item 4): more classes, more
 * hints, a source line, the error's prefix and class, the required mark's
 * text and a unit are wired as a field's own hint and error are; a file
 * and a checkbox take them too; ui_pager_after pages by key ---- */

static void test_surroundings(void)
{
	struct buf b;
	buf_init(&b, 1u << 16);
	struct ui_field f = { .name = "f.amount", .id = "f-amount", .label = "金額", .value = "1<2",
			      .hint = "半角数字", .error = "数字で", .required = 1, .lang = HTML_EN,
			      .inputmode = "numeric", .verbatim = 1,
			      .field_class = "part", .error_class = 1, .control_class = "input-short",
			      .more_hints = { NULL, "<最大>" }, .source = "前回",
			      .error_prefix = "エラー", .required_text = "required", .unit = "円" };
	ui_input(&b, &f);
	const char *s = buf_cstr(&b);
	T_CHECK(strstr(s, "<div class=\"field part field-error\"><label for=\"f-amount\">金額 "
			  "<span class=\"required\">required</span></label>") != NULL);
	T_CHECK(strstr(s, "<div id=\"f-amount-hint\" class=\"hint\"><p>半角数字</p><p>&lt;最大&gt;</p>"
			  "<p class=\"source\">前回</p></div>") != NULL);
	T_CHECK(strstr(s, "<p id=\"f-amount-error\" class=\"error-message\"><span class=\"visually-hidden\">"
			  "エラー: </span>数字で</p>") != NULL);
	/* a number is verbatim: no spelling check, and no capitals to turn off */
	T_CHECK(strstr(s, "<input class=\"input input-short\" type=\"text\" id=\"f-amount\" name=\"f.amount\" "
			  "value=\"1&lt;2\" inputmode=\"numeric\" spellcheck=\"false\"") != NULL);
	T_CHECK(strstr(s, "autocapitalize") == NULL);
	T_CHECK(strstr(s, "aria-describedby=\"f-amount-hint f-amount-error\" aria-required=\"true\" "
			  "aria-invalid=\"true\"> <span class=\"unit\">円</span></div>") != NULL);
	T_CHECK(strstr(s, "\" required") == NULL);      /* no required attribute */

	/* an error without error_class: the <div> is not marked (the shell's pages) */
	buf_reset(&b);
	f.error_class = 0;
	ui_input(&b, &f);
	T_CHECK(strstr(buf_cstr(&b), "<div class=\"field part\"><label") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "field-error") == NULL);

	/* only the more hints: still described by them; the attribute as well
	 * as the mark */
	buf_reset(&b);
	f = (struct ui_field){ .name = "f.amount", .id = "f-amount", .label = "金額", .required = 1,
			       .html_required = 1, .more_hints = { "和暦で" }, .lang = HTML_EN };
	ui_textarea(&b, &f, 3);
	s = buf_cstr(&b);
	T_CHECK(strstr(s, "<div class=\"field\">") != NULL);
	T_CHECK(strstr(s, "<div id=\"f-amount-hint\" class=\"hint\"><p>和暦で</p></div>") != NULL);
	T_CHECK(strstr(s, "rows=\"3\" required aria-describedby=\"f-amount-hint\" aria-required=\"true\">") != NULL);

	/* a select takes the surroundings too */
	buf_reset(&b);
	struct ui_field g = { .name = "pick", .label = "選択", .value = "b", .field_class = "part",
			      .control_class = "wide", .source = "住基", .lang = HTML_JA };
	const struct ui_option opts[] = { { "a", "エー" }, { "b", "ビー" } };
	ui_select(&b, &g, opts, 2, NULL);
	s = buf_cstr(&b);
	T_CHECK(strstr(s, "<div class=\"field part\"><label for=\"f-pick\">選択</label>"
			  "<div id=\"f-pick-hint\" class=\"hint\"><p class=\"source\">住基</p></div>"
			  "<select class=\"select wide\" id=\"f-pick\" name=\"pick\" "
			  "aria-describedby=\"f-pick-hint\">") != NULL);

	/* a file input: ui_input's, with the class of the file control and no value */
	buf_reset(&b);
	struct ui_field s2 = { .name = "signature", .id = "signature", .label = "署名", .error = "必要です",
			       .value = "x", .accept = ".p7s,application/pkcs7-signature", .error_class = 1,
			       .lang = HTML_JA };
	ui_file(&b, &s2);
	s = buf_cstr(&b);
	T_CHECK(strstr(s, "<div class=\"field field-error\"><label for=\"signature\">署名</label>") != NULL);
	T_CHECK(strstr(s, "<input class=\"file-upload\" type=\"file\" id=\"signature\" name=\"signature\" "
			  "accept=\".p7s,application/pkcs7-signature\" aria-describedby=\"signature-error\" "
			  "aria-invalid=\"true\"></div>") != NULL);
	T_CHECK(strstr(s, "value=") == NULL);

	/* a checkbox with its own value, a hint and more hints */
	buf_reset(&b);
	struct ui_field k = { .name = "procedure", .id = "proc-a&b", .label = "転入届", .value = "a&b",
			      .hint = "おすすめ", .more_hints = { "転入したとき" }, .lang = HTML_JA };
	ui_checkbox(&b, &k, 1);
	s = buf_cstr(&b);
	T_CHECK(strstr(s, "<input type=\"checkbox\" id=\"proc-a&amp;b\" name=\"procedure\" value=\"a&amp;b\" checked "
			  "aria-describedby=\"proc-a&amp;b-hint\">") != NULL);
	T_CHECK(strstr(s, "<label for=\"proc-a&amp;b\" class=\"inline\">転入届</label>"
			  "<div id=\"proc-a&amp;b-hint\" class=\"hint\"><p>おすすめ</p><p>転入したとき</p></div>") != NULL);
	/* ... and with an error and the mark: the error first, the mark in the label */
	buf_reset(&b);
	k = (struct ui_field){ .name = "agree", .id = "agree", .label = "同意", .required = 1,
			       .error = "同意してください", .error_class = 1, .lang = HTML_JA };
	ui_checkbox(&b, &k, 0);
	T_CHECK(strstr(buf_cstr(&b), "<div class=\"field field-error\"><p id=\"agree-error\" class=\"error-message\">"
				     "同意してください</p><input type=\"checkbox\" id=\"agree\" name=\"agree\" value=\"1\" "
				     "aria-describedby=\"agree-error\" aria-required=\"true\" aria-invalid=\"true\"> "
				     "<label for=\"agree\" class=\"inline\">同意 <span class=\"required\">必須</span>"
				     "</label></div>") != NULL);
	buf_done(&b);
}

static void test_pager_after(void)
{
	struct arena *a = arena_new(1u << 16);
	T_REQUIRE(a);
	struct buf b;
	buf_init(&b, 1u << 16);
	const char *pairs[] = { "procedure", "a b&c", "status", NULL, NULL };
	struct ui_pager_after p = { .path = "/staff/inbox", .pairs = pairs, .first = "最初" };
	ui_pager_after(&b, a, HTML_JA, &p);
	T_EQ_STR(buf_cstr(&b), "");                     /* one page only */
	p.next_key = "42";
	ui_pager_after(&b, a, HTML_JA, &p);
	T_CHECK(strstr(buf_cstr(&b), "<a href=\"/staff/inbox?procedure=a%20b%26c&amp;after=42\" "
				     "rel=\"next\">次のページ</a>") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "最初") == NULL);
	buf_reset(&b);
	p.next_key = NULL;
	p.not_first = 1;
	ui_pager_after(&b, a, HTML_EN, &p);
	T_CHECK(strstr(buf_cstr(&b), "<li><a href=\"/staff/inbox?procedure=a%20b%26c\">最初</a></li>") != NULL);
	T_CHECK(strstr(buf_cstr(&b), "rel=\"next\"") == NULL);
	buf_done(&b);
	arena_free(a);
}

/* ---- ui_fieldset (Issue 13, item 4): the legend, hint and error of a
 * group of controls are wired to the fieldset; the options' ids and
 * labels pair up ---- */

static void test_fieldset(void)
{
	struct buf b;
	buf_init(&b, 1u << 16);
	struct ui_field f = { .name = "f.pet", .id = "f-pet", .label = "ペット", .hint = "1つ",
			      .error = "選んでください", .required = 1, .lang = HTML_JA };
	f.error_prefix = "エラー";
	f.error_class = 1;
	ui_fieldset_open(&b, &f);
	const struct ui_choice c[] = { { "dog", "犬", 0 }, { "c&t", "猫", 1 } };
	ui_options(&b, "radio", "f-pet", "f.pet", c, 2, 0);
	ui_fieldset_close(&b);
	const char *s = buf_cstr(&b);
	T_CHECK(strstr(s, "<div class=\"field field-error\" id=\"f-pet-field\"><fieldset class=\"fieldset\" "
			  "aria-describedby=\"f-pet-hint f-pet-error\" aria-invalid=\"true\"><legend class=\"legend\">"
			  "ペット <span class=\"required\">必須</span></legend>") != NULL);
	T_CHECK(strstr(s, "aria-required") == NULL);     /* not on a fieldset */
	T_CHECK(strstr(s, "</legend><div id=\"f-pet-hint\" class=\"hint\"><p>1つ</p></div>"
			  "<p id=\"f-pet-error\" class=\"error-message\"><span class=\"visually-hidden\">"
			  "エラー: </span>選んでください</p><div class=\"options\">") != NULL);
	T_CHECK(strstr(s, "<div class=\"options\"><div class=\"option\"><input type=\"radio\" id=\"f-pet\" "
			  "name=\"f.pet\" value=\"dog\"><label for=\"f-pet\">犬</label></div>") != NULL);
	T_CHECK(strstr(s, "<input type=\"radio\" id=\"f-pet--o1\" name=\"f.pet\" value=\"c&amp;t\" checked>"
			  "<label for=\"f-pet--o1\">猫</label></div></div></fieldset></div>") != NULL);
	buf_reset(&b);
	ui_options(&b, "checkbox", "x", "x", c, 1, 1);
	T_CHECK(strstr(buf_cstr(&b), "<div class=\"options options-inline\">") != NULL);
	buf_done(&b);
}
