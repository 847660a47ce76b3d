/*
 * test_answers.c -- validation and normalisation of answers: every field
 * type, hidden fields ignored, required_if, repeatable groups, 個人番号
 * check digit (and the number never in an error), 和暦 dates, routes and
 * exit pages, cross-field checks.
 */
#include "t.h"

#include "core/forms/forms.h"

static struct arena *A;
static struct forms_def *D;
static const struct jp_date TODAY = { 2026, 11, 22 };

#define L(ja, en) "\"label\":{\"ja\":\"" ja "\",\"en\":\"" en "\"}"
#define OPT(v) "{\"value\":\"" v "\",\"label\":{\"ja\":\"" v "\",\"en\":\"" v "\"}}"

static const char *DEF =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"all-types\","
	"\"title\":{\"ja\":\"全種類\",\"en\":\"All types\"},\"department\":\"test\","
	"\"retention_years\":5,\"target_days\":10,"
	"\"exits\":[{\"id\":\"outside\",\"title\":{\"ja\":\"区外\",\"en\":\"Outside\"},"
	"  \"body\":{\"ja\":\"対象外です\",\"en\":\"Not eligible\"}}],"
	"\"pages\":["
	"{\"id\":\"start\",\"title\":{\"ja\":\"最初\",\"en\":\"Start\"},\"fields\":["
	"  {\"id\":\"lives_here\",\"type\":\"yes_no\"," L("区内在住", "Lives here") ",\"required\":true}]},"
	"{\"id\":\"main\",\"title\":{\"ja\":\"本体\",\"en\":\"Main\"},\"fields\":["
	"  {\"id\":\"note\",\"type\":\"text\"," L("備考", "Note") ",\"max_length\":5},"
	"  {\"id\":\"code\",\"type\":\"text\"," L("記号", "Code") ",\"pattern\":\"^[A-Z]{2}[0-9]+$\"},"
	"  {\"id\":\"memo\",\"type\":\"textarea\"," L("メモ", "Memo") ",\"min_length\":2},"
	"  {\"id\":\"kana\",\"type\":\"kana\"," L("カナ", "Kana") "},"
	"  {\"id\":\"name\",\"type\":\"name_jp\"," L("氏名", "Name") ",\"required\":true},"
	"  {\"id\":\"birth\",\"type\":\"date\"," L("生年月日", "Birth date") ",\"not_future\":true,\"min\":\"1900-01-01\"},"
	"  {\"id\":\"zip\",\"type\":\"postal_code\"," L("郵便番号", "Postal code") "},"
	"  {\"id\":\"addr\",\"type\":\"address_jp\"," L("住所", "Address") "},"
	"  {\"id\":\"tel\",\"type\":\"phone\"," L("電話", "Phone") "},"
	"  {\"id\":\"mail\",\"type\":\"email\"," L("メール", "E-mail") "},"
	"  {\"id\":\"mynum\",\"type\":\"my_number\"," L("個人番号", "My Number") "},"
	"  {\"id\":\"n\",\"type\":\"integer\"," L("人数", "People") ",\"min\":1,\"max\":10},"
	"  {\"id\":\"fee\",\"type\":\"yen\"," L("金額", "Amount") ",\"max\":100000},"
	"  {\"id\":\"colour\",\"type\":\"radio\"," L("色", "Colour") ",\"options\":[" OPT("red") "," OPT("blue") "]},"
	"  {\"id\":\"size\",\"type\":\"select\"," L("大きさ", "Size") ",\"options\":[" OPT("S") "," OPT("M") "]},"
	"  {\"id\":\"items\",\"type\":\"checkboxes\"," L("品目", "Items") ",\"max_selected\":2,"
	"   \"options\":[" OPT("sofa") "," OPT("bed") "," OPT("desk") "]},"
	"  {\"id\":\"bank\",\"type\":\"bank_account\"," L("口座", "Account") "},"
	"  {\"id\":\"photo\",\"type\":\"file\"," L("写真", "Photo") ",\"accept\":[\"image/jpeg\",\"application/pdf\"],\"max_bytes\":1048576},"
	"  {\"id\":\"info\",\"type\":\"info\",\"text\":{\"ja\":\"説明\",\"en\":\"About\"}},"
	"  {\"id\":\"has_spouse\",\"type\":\"yes_no\"," L("配偶者", "Spouse") "},"
	"  {\"id\":\"spouse_name\",\"type\":\"text\"," L("配偶者氏名", "Spouse name") ",\"show_if\":\"has_spouse\",\"required\":true},"
	"  {\"id\":\"contact\",\"type\":\"radio\"," L("連絡方法", "Contact by") ",\"options\":[" OPT("phone") "," OPT("mail") "]},"
	"  {\"id\":\"contact_tel\",\"type\":\"phone\"," L("連絡先", "Contact number") ",\"required_if\":\"contact == 'phone'\"},"
	"  {\"id\":\"children\",\"type\":\"group\"," L("子", "Children") ",\"min_items\":0,\"max_items\":3,\"fields\":["
	"     {\"id\":\"c_birth\",\"type\":\"date\"," L("生年月日", "Birth") ",\"required\":true},"
	"     {\"id\":\"c_apart\",\"type\":\"yes_no\"," L("別居", "Apart") "},"
	"     {\"id\":\"c_mynum\",\"type\":\"my_number\"," L("個人番号", "My Number") ",\"required_if\":\"c_apart\"}]},"
	"  {\"id\":\"agree\",\"type\":\"declaration\",\"text\":{\"ja\":\"誓約します\",\"en\":\"I declare\"}}]},"
	"{\"id\":\"extra\",\"title\":{\"ja\":\"追加\",\"en\":\"Extra\"},\"show_if\":\"n > 5\",\"fields\":["
	"  {\"id\":\"reason\",\"type\":\"text\"," L("理由", "Reason") ",\"required\":true}]}"
	"],"
	"\"routes\":[{\"from\":\"start\",\"if\":\"lives_here == false\",\"goto\":\"exit:outside\"}],"
	"\"checks\":[{\"field\":\"fee\",\"when\":\"n > 2\",\"assert\":\"fee >= 1000\","
	"  \"message\":{\"ja\":\"3人以上は1000円以上です\",\"en\":\"3 or more people: at least 1000 yen\"}}]"
	"}";

#define BASE "\"lives_here\":true,\"name\":{\"family\":\"区民\",\"given\":\"花子\"," \
	     "\"family_kana\":\"くみん\",\"given_kana\":\"ﾊﾅｺ\"},\"agree\":true"

static struct forms_result R;

static int run(const char *answers_body)
{
	char json[8192];
	snprintf(json, sizeof json, "{%s}", answers_body);
	struct err e;
	int rc = forms_validate_text(&R, A, D, json, strlen(json), TODAY, &e);
	if (rc)
		printf("# validate: %s\n", e.detail);
	for (int i = 0; i < R.nerrors; i++)
		printf("#   %s %s: %s / %s\n", R.errors[i].path, R.errors[i].code,
		       R.errors[i].ja, R.errors[i].en);
	return rc;
}

static const struct forms_error *err_at(const char *path)
{
	for (int i = 0; i < R.nerrors; i++)
		if (strcmp(R.errors[i].path, path) == 0)
			return &R.errors[i];
	return NULL;
}

static const char *code_at(const char *path)
{
	const struct forms_error *e = err_at(path);
	return e ? e->code : "(none)";
}

static const char *str_at(const char *key)
{
	const json_t *v = json_object_get(R.answers, key);
	return json_is_string(v) ? json_string_value(v) : "(not a string)";
}

static void test_minimal(void)
{
	T_EQ_INT(run(BASE), 0);
	T_EQ_INT(R.nerrors, 0);
	T_EQ_INT(R.exit, -1);
	T_EQ_INT(R.npath, 2);
	/* katakana normalised from hiragana and half-width */
	const json_t *n = json_object_get(R.answers, "name");
	T_EQ_STR(json_string_value(json_object_get(n, "family_kana")), "クミン");
	T_EQ_STR(json_string_value(json_object_get(n, "given_kana")), "ハナコ");
}

static void test_required(void)
{
	T_EQ_INT(run("\"lives_here\":true"), 0);
	T_EQ_STR(code_at("name"), "required");
	T_EQ_STR(code_at("agree"), "required");
	T_EQ_STR(err_at("name")->ja, "入力してください。");
	T_EQ_STR(err_at("name")->en, "This field is required.");
	T_EQ_INT(run(BASE ",\"agree\":false"), ERR_INVALID);  /* duplicate key */
	T_EQ_INT(run("\"lives_here\":true,\"name\":{\"family\":\"区民\",\"family_kana\":\"クミン\"},\"agree\":false"), 0);
	T_EQ_STR(code_at("agree"), "required");
	T_EQ_INT(run(""), 0);
	T_EQ_STR(code_at("lives_here"), "required");
	T_EQ_STR(err_at("lives_here")->ja, "選択してください。");
}

static void test_text_types(void)
{
	run(BASE ",\"note\":\"  abc  \",\"code\":\"AB12\",\"memo\":\"line1\\nline2\",\"kana\":\"やまだ　たろう\"");
	T_EQ_INT(R.nerrors, 0);
	T_EQ_STR(str_at("note"), "abc");
	T_EQ_STR(str_at("kana"), "ヤマダ　タロウ");
	run(BASE ",\"note\":\"123456\"");
	T_EQ_STR(code_at("note"), "too_long");
	T_EQ_STR(err_at("note")->ja, "5文字以内で入力してください。");
	T_EQ_STR(err_at("note")->en, "Enter at most 5 characters.");
	run(BASE ",\"note\":\"あいうえお\"");      /* characters, not bytes */
	T_EQ_INT(R.nerrors, 0);
	run(BASE ",\"code\":\"ab12\"");
	T_EQ_STR(code_at("code"), "pattern");
	run(BASE ",\"memo\":\"x\"");
	T_EQ_STR(code_at("memo"), "too_short");
	run(BASE ",\"note\":\"a\\u0007b\"");
	T_EQ_STR(code_at("note"), "control");
	run(BASE ",\"note\":\"a\\nb\"");
	T_EQ_STR(code_at("note"), "control");
	run(BASE ",\"kana\":\"山田\"");
	T_EQ_STR(code_at("kana"), "kana");
	run(BASE ",\"note\":12");
	T_EQ_STR(code_at("note"), "type");
}

static void test_name(void)
{
	run("\"lives_here\":true,\"agree\":true,\"name\":{\"family\":\"区民\",\"family_kana\":\"区民\"}");
	T_EQ_STR(code_at("name.family_kana"), "kana");
	run("\"lives_here\":true,\"agree\":true,\"name\":{\"given\":\"花子\",\"family_kana\":\"クミン\"}");
	T_EQ_STR(code_at("name.family"), "required");
	T_EQ_STR(code_at("name.given_kana"), "required");
	run("\"lives_here\":true,\"agree\":true,\"name\":{\"family\":\"区民\",\"family_kana\":\"クミン\",\"middle\":\"x\"}");
	T_EQ_STR(code_at("name"), "type");
	run("\"lives_here\":true,\"agree\":true,\"name\":\"区民 花子\"");
	T_EQ_STR(code_at("name"), "type");
}

static void test_dates(void)
{
	static const struct { const char *in, *want; } ok[] = {
		{ "2000-02-29", "2000-02-29" },
		{ "2000/2/29", "2000-02-29" },
		{ "２０００年２月２９日", "2000-02-29" },
		{ "平成12年2月29日", "2000-02-29" },
		{ "H12.2.29", "2000-02-29" },
		{ "令和元年5月1日", "2019-05-01" },
		{ "昭和64年1月7日", "1989-01-07" },
		{ "R8.11.22", "2026-11-22" },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char body[512];
		snprintf(body, sizeof body, BASE ",\"birth\":\"%s\"", ok[i].in);
		run(body);
		T_EQ_INT(R.nerrors, 0);
		T_EQ_STR(str_at("birth"), ok[i].want);
	}
	static const struct { const char *in, *code; } bad[] = {
		{ "2001-02-29", "date" },
		{ "平成32年1月1日", "date" },   /* 平成 ended in its 31st year */
		{ "yesterday", "date" },
		{ "2026-11-23", "date_future" },
		{ "1899-12-31", "date_min" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char body[512];
		snprintf(body, sizeof body, BASE ",\"birth\":\"%s\"", bad[i].in);
		run(body);
		T_EQ_STR(code_at("birth"), bad[i].code);
	}
	T_CHECK(strstr(err_at("birth")->ja, "1900-01-01以降"));
}

static void test_contact_types(void)
{
	run(BASE ",\"zip\":\"〒１６６－８５７０\",\"tel\":\"０３（１２３４）５６７８\","
	    "\"mail\":\"Hanako.Kumin@Example.JP\"");
	T_EQ_INT(R.nerrors, 0);
	T_EQ_STR(str_at("zip"), "166-8570");
	T_EQ_STR(str_at("tel"), "03-1234-5678");
	T_EQ_STR(str_at("mail"), "Hanako.Kumin@example.jp");
	run(BASE ",\"zip\":\"16685\",\"tel\":\"12345\",\"mail\":\"a@b\"");
	T_EQ_STR(code_at("zip"), "postal_code");
	T_EQ_STR(code_at("tel"), "phone");
	T_EQ_STR(code_at("mail"), "email");
	run(BASE ",\"mail\":\"a..b@example.jp\"");
	T_EQ_STR(code_at("mail"), "email");
	run(BASE ",\"addr\":{\"postal_code\":\"1668570\",\"pref\":\"東京都\",\"city\":\"デモ区\","
	    "\"street\":\"阿佐谷南一丁目１５－１\",\"building\":\"\"}");
	T_EQ_INT(R.nerrors, 0);
	const json_t *a = json_object_get(R.answers, "addr");
	T_EQ_STR(json_string_value(json_object_get(a, "street")), "阿佐谷南1丁目15-1");
	T_EQ_STR(json_string_value(json_object_get(a, "postal_code")), "166-8570");
	T_CHECK(!json_object_get(a, "building"));
	run(BASE ",\"addr\":{\"pref\":\"東京\",\"city\":\"\"}");
	T_EQ_STR(code_at("addr.pref"), "pref");
	T_EQ_STR(code_at("addr.city"), "required");
	T_EQ_STR(code_at("addr.street"), "required");
}

static void test_my_number(void)
{
	run(BASE ",\"mynum\":\"１２３４ ５６７８ ９０１８\"");
	T_EQ_INT(R.nerrors, 0);
	T_EQ_STR(str_at("mynum"), "123456789018");
	/* a wrong check digit: the error says so, and never repeats it */
	run(BASE ",\"mynum\":\"123456789017\"");
	T_EQ_STR(code_at("mynum"), "my_number_check");
	for (int i = 0; i < R.nerrors; i++) {
		T_CHECK(!strstr(R.errors[i].ja, "12345678901"));
		T_CHECK(!strstr(R.errors[i].en, "12345678901"));
		T_CHECK(!strstr(R.errors[i].ja, "9017"));
		T_CHECK(!strstr(R.errors[i].en, "9017"));
		T_CHECK(!strstr(R.errors[i].path, "9017"));
	}
	T_CHECK(!json_object_get(R.answers, "mynum"));
	run(BASE ",\"mynum\":\"12345\"");
	T_EQ_STR(code_at("mynum"), "my_number");
	T_CHECK(!strstr(err_at("mynum")->en, "12345"));
	run(BASE ",\"mynum\":123456789018");
	T_EQ_STR(code_at("mynum"), "my_number");
}

static void test_numbers_and_choices(void)
{
	run(BASE ",\"n\":\"３\",\"fee\":\"￥1,200円\",\"colour\":\"blue\",\"size\":\"M\","
	    "\"items\":[\"desk\",\"sofa\"]");
	T_EQ_INT(R.nerrors, 0);
	T_EQ_INT(json_integer_value(json_object_get(R.answers, "n")), 3);
	T_EQ_INT(json_integer_value(json_object_get(R.answers, "fee")), 1200);
	run(BASE ",\"n\":2,\"fee\":\"1,200円\"");
	T_EQ_INT(R.nerrors, 0);
	T_EQ_INT(json_integer_value(json_object_get(R.answers, "fee")), 1200);
	run(BASE ",\"n\":0");
	T_EQ_STR(code_at("n"), "min");
	T_EQ_STR(err_at("n")->ja, "1以上で入力してください。");
	run(BASE ",\"n\":11");
	T_EQ_STR(code_at("n"), "max");
	run(BASE ",\"n\":\"2.5\"");
	T_EQ_STR(code_at("n"), "integer");
	run(BASE ",\"fee\":-5");
	T_EQ_STR(code_at("fee"), "min");
	T_EQ_STR(err_at("fee")->ja, "0円以上で入力してください。");
	run(BASE ",\"colour\":\"green\",\"size\":\"L\"");
	T_EQ_STR(code_at("colour"), "option");
	T_EQ_STR(code_at("size"), "option");
	run(BASE ",\"items\":[\"desk\",\"desk\"]");
	T_EQ_STR(code_at("items"), "option");
	run(BASE ",\"items\":[\"desk\",\"sofa\",\"bed\"]");
	T_EQ_STR(code_at("items"), "too_many");
	/* checkboxes come out in the options' order */
	run(BASE ",\"items\":[\"desk\",\"sofa\"]");
	const json_t *it = json_object_get(R.answers, "items");
	T_EQ_STR(json_string_value(json_array_get(it, 0)), "sofa");
	T_EQ_STR(json_string_value(json_array_get(it, 1)), "desk");
	run(BASE ",\"has_spouse\":\"maybe\"");
	T_EQ_STR(code_at("has_spouse"), "yes_no");
	run(BASE ",\"has_spouse\":\"no\"");
	T_CHECK(json_is_false(json_object_get(R.answers, "has_spouse")));
}

static void test_bank_and_file(void)
{
	run(BASE ",\"bank\":{\"bank_code\":\"０００１\",\"branch_code\":\"001\",\"kind\":\"ordinary\","
	    "\"number\":\"12345\",\"holder_kana\":\"ｸﾐﾝ ﾊﾅｺ\"}");
	T_EQ_INT(R.nerrors, 0);
	const json_t *b = json_object_get(R.answers, "bank");
	T_EQ_STR(json_string_value(json_object_get(b, "number")), "0012345");
	T_EQ_STR(json_string_value(json_object_get(b, "holder_kana")), "クミン ハナコ");
	T_EQ_STR(json_string_value(json_object_get(b, "bank_code")), "0001");
	run(BASE ",\"bank\":{\"bank_code\":\"1\",\"branch_code\":\"1234\",\"kind\":\"x\","
	    "\"number\":\"12345678\",\"holder_kana\":\"区民\"}");
	T_EQ_STR(code_at("bank.bank_code"), "bank_code");
	T_EQ_STR(code_at("bank.branch_code"), "branch_code");
	T_EQ_STR(code_at("bank.kind"), "kind");
	T_EQ_STR(code_at("bank.number"), "number");
	T_EQ_STR(code_at("bank.holder_kana"), "kana");
	const char *sha = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
	char body[1024];
	snprintf(body, sizeof body, BASE ",\"photo\":{\"name\":\"p.jpg\",\"type\":\"image/JPEG\",\"size\":2048,\"sha256\":\"%s\"}", sha);
	run(body);
	T_EQ_INT(R.nerrors, 0);
	const json_t *p = json_object_get(R.answers, "photo");
	T_EQ_STR(json_string_value(json_object_get(p, "sha256")),
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	T_EQ_STR(json_string_value(json_object_get(p, "type")), "image/jpeg");
	snprintf(body, sizeof body, BASE ",\"photo\":{\"name\":\"p.exe\",\"type\":\"application/x-msdownload\",\"size\":2048,\"sha256\":\"%s\"}", sha);
	run(body);
	T_EQ_STR(code_at("photo"), "file_type");
	snprintf(body, sizeof body, BASE ",\"photo\":{\"name\":\"p.pdf\",\"type\":\"application/pdf\",\"size\":2000000,\"sha256\":\"%s\"}", sha);
	run(body);
	T_EQ_STR(code_at("photo"), "file_size");
	T_EQ_STR(err_at("photo")->en, "The file is empty or too large (at most 1 MB).");
	run(BASE ",\"photo\":{\"name\":\"../p.pdf\",\"type\":\"application/pdf\",\"size\":20,\"sha256\":\"zz\"}");
	T_EQ_STR(code_at("photo"), "file");
}

static void test_hidden_and_required_if(void)
{
	/* spouse_name is hidden without has_spouse: its answer is dropped */
	run(BASE ",\"has_spouse\":false,\"spouse_name\":\"誰か\"");
	T_EQ_INT(R.nerrors, 0);
	T_CHECK(!json_object_get(R.answers, "spouse_name"));
	/* shown and required */
	run(BASE ",\"has_spouse\":true");
	T_EQ_STR(code_at("spouse_name"), "required");
	/* required_if */
	run(BASE ",\"contact\":\"phone\"");
	T_EQ_STR(code_at("contact_tel"), "required");
	run(BASE ",\"contact\":\"mail\"");
	T_EQ_INT(R.nerrors, 0);
	/* a hidden page: its required field is not asked */
	run(BASE ",\"n\":3,\"fee\":1000");
	T_EQ_INT(R.nerrors, 0);
	T_EQ_INT(R.npath, 2);
	run(BASE ",\"n\":6,\"fee\":1000");
	T_EQ_STR(code_at("reason"), "required");
	T_EQ_INT(R.npath, 3);
	run(BASE ",\"n\":3,\"fee\":1000,\"reason\":\"多い\"");
	T_CHECK(!json_object_get(R.answers, "reason"));
	/* info fields take no answer; unknown fields are errors */
	run(BASE ",\"info\":\"x\",\"bogus\":1");
	T_EQ_STR(code_at("info"), "unknown");
	T_EQ_STR(code_at("bogus"), "unknown");
}

static void test_groups(void)
{
	run(BASE ",\"children\":[{\"c_birth\":\"令和2年4月2日\"},"
	    "{\"c_birth\":\"2018-01-01\",\"c_apart\":true,\"c_mynum\":\"987654321093\"}]");
	T_EQ_INT(R.nerrors, 0);
	const json_t *c = json_object_get(R.answers, "children");
	T_EQ_INT(json_array_size(c), 2);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(c, 0), "c_birth")), "2020-04-02");
	run(BASE ",\"children\":[{\"c_apart\":true},{\"c_birth\":\"x\",\"zzz\":1}]");
	T_EQ_STR(code_at("children[0].c_birth"), "required");
	T_EQ_STR(code_at("children[0].c_mynum"), "required");
	T_EQ_STR(code_at("children[1].c_birth"), "date");
	T_EQ_STR(code_at("children[1].zzz"), "unknown");
	run(BASE ",\"children\":[{},{},{},{}]");
	T_EQ_STR(code_at("children"), "too_many");
	run(BASE ",\"children\":{}");
	T_EQ_INT(R.nerrors, 0);         /* an empty value is no answer */
	run(BASE ",\"children\":[1]");
	T_EQ_STR(code_at("children[0]"), "type");
	run(BASE ",\"children\":[{\"c_birth\":\"2018-01-01\",\"c_apart\":true,\"c_mynum\":\"987654321094\"}]");
	T_EQ_STR(code_at("children[0].c_mynum"), "my_number_check");
	T_CHECK(!strstr(err_at("children[0].c_mynum")->ja, "98765"));
}

static void test_routes_and_exit(void)
{
	run("\"lives_here\":false,\"name\":{\"family\":\"区民\",\"family_kana\":\"クミン\"}");
	T_EQ_INT(R.exit, 0);
	T_EQ_STR(code_at(""), "exit");
	T_EQ_INT(R.npath, 1);
	/* fields beyond the exit are not examined (name is on a later page) */
	T_CHECK(!json_object_get(R.answers, "name"));
	json_t *ans = json_pack("{s:b}", "lives_here", 1);
	int to = 99, ex = 99;
	T_EQ_INT(forms_next_page(&to, &ex, D, 0, ans, TODAY, NULL), 0);
	T_EQ_INT(to, 1);
	json_object_set_new(ans, "lives_here", json_false());
	T_EQ_INT(forms_next_page(&to, &ex, D, 0, ans, TODAY, NULL), 0);
	T_EQ_INT(to, FORMS_GOTO_EXIT);
	T_EQ_INT(ex, 0);
	/* page "extra" is shown only when n > 5 */
	json_object_set_new(ans, "n", json_integer(6));
	T_EQ_INT(forms_next_page(&to, &ex, D, 1, ans, TODAY, NULL), 0);
	T_EQ_INT(to, 2);
	json_object_set_new(ans, "n", json_integer(2));
	T_EQ_INT(forms_next_page(&to, &ex, D, 1, ans, TODAY, NULL), 0);
	T_EQ_INT(to, FORMS_GOTO_END);
	T_EQ_INT(forms_next_page(&to, &ex, D, 2, ans, TODAY, NULL), 0);
	T_EQ_INT(to, FORMS_GOTO_END);
	T_EQ_INT(forms_next_page(&to, &ex, D, 7, ans, TODAY, NULL), ERR_INVALID);
	T_EQ_INT(forms_first_page(D, ans, TODAY), 0);
	json_decref(ans);
}

static void test_page_by_page(void)
{
	struct err e;
	json_error_t je;
	json_t *ans = json_loads("{\"lives_here\":true,\"note\":\"abc\"}", 0, &je);
	T_REQUIRE(ans);
	/* only the first page so far: the later page's missing name is no error */
	T_EQ_INT(forms_validate_upto(&R, A, D, ans, 0, TODAY, &e), 0);
	T_EQ_INT(R.nerrors, 0);
	T_EQ_INT(R.next, 1);
	T_EQ_INT(R.npath, 1);
	T_CHECK(!json_object_get(R.answers, "note"));
	/* up to the main page: now the name is required */
	T_EQ_INT(forms_validate_upto(&R, A, D, ans, 1, TODAY, &e), 0);
	T_CHECK(R.nerrors > 0);
	T_EQ_INT(R.next, FORMS_GOTO_END);
	T_EQ_STR(json_string_value(json_object_get(R.answers, "note")), "abc");
	T_EQ_INT(forms_validate_upto(&R, A, D, ans, 5, TODAY, &e), ERR_INVALID);
	/* exit on the first page */
	json_object_set_new(ans, "lives_here", json_false());
	T_EQ_INT(forms_validate_upto(&R, A, D, ans, 0, TODAY, &e), 0);
	T_EQ_INT(R.next, FORMS_GOTO_EXIT);
	T_EQ_INT(R.exit, 0);
	json_decref(ans);
	/* rendering helpers */
	const struct forms_field *sp = forms_def_field(D, "spouse_name");
	const struct forms_field *ct = forms_def_field(D, "contact_tel");
	json_t *a2 = json_pack("{s:b,s:s}", "has_spouse", 1, "contact", "phone");
	T_EQ_INT(forms_field_shown(sp, a2, NULL, TODAY), 1);
	T_EQ_INT(forms_field_required(sp, a2, NULL, TODAY), 1);
	T_EQ_INT(forms_field_required(ct, a2, NULL, TODAY), 1);
	json_object_set_new(a2, "has_spouse", json_false());
	json_object_set_new(a2, "contact", json_string("mail"));
	T_EQ_INT(forms_field_shown(sp, a2, NULL, TODAY), 0);
	T_EQ_INT(forms_field_required(ct, a2, NULL, TODAY), 0);
	const struct forms_field *g = forms_def_field(D, "children");
	json_t *item = json_pack("{s:b}", "c_apart", 1);
	T_EQ_INT(forms_field_required(&g->fields[2], a2, item, TODAY), 1);
	json_decref(item);
	json_decref(a2);
	T_EQ_STR(forms_text_get(&D->title, "en"), "All types");
	T_EQ_STR(forms_text_get(&D->title, "ja-easy"), "全種類");   /* falls back */
	T_EQ_STR(forms_text_get(&D->title, NULL), "全種類");
}

static void test_checks(void)
{
	run(BASE ",\"n\":3,\"fee\":500");
	T_EQ_STR(code_at("fee"), "check");
	T_EQ_STR(err_at("fee")->ja, "3人以上は1000円以上です");
	T_EQ_STR(err_at("fee")->en, "3 or more people: at least 1000 yen");
	run(BASE ",\"n\":2,\"fee\":500");
	T_EQ_INT(R.nerrors, 0);
}

static void test_bad_input(void)
{
	struct err e;
	T_EQ_INT(forms_validate_text(&R, A, D, "[1]", 3, TODAY, &e), ERR_INVALID);
	T_EQ_INT(forms_validate_text(&R, A, D, "{", 1, TODAY, &e), ERR_INVALID);
	T_EQ_INT(forms_validate_text(&R, A, D, "{}", FORMS_ANSWERS_MAX_BYTES + 1, TODAY, &e), ERR_LIMIT);
	/* a My Number inside malformed JSON never reaches the detail */
	const char *j = "{\"mynum\":\"123456789018\",}";
	T_EQ_INT(forms_validate_text(&R, A, D, j, strlen(j), TODAY, &e), ERR_INVALID);
	T_CHECK(!strstr(e.detail, "123456789018"));
	/* many errors are capped */
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_puts(&b, "{");
	for (int i = 0; i < FORMS_MAX_ERRORS + 10; i++)
		buf_printf(&b, "%s\"x%d\":1", i ? "," : "", i);
	buf_puts(&b, "}");
	T_EQ_INT(forms_validate_text(&R, A, D, b.data, b.len, TODAY, &e), 0);
	T_EQ_INT(R.nerrors, FORMS_MAX_ERRORS);
	T_EQ_INT(R.truncated, 1);
	buf_done(&b);
}

static void test_canonical_of_answers(void)
{
	run(BASE ",\"n\":\"２\",\"birth\":\"平成12年2月29日\"");
	T_EQ_INT(R.nerrors, 0);
	char *c = NULL;
	T_EQ_INT(forms_canonical(&c, NULL, "131156", "all-types", 1, R.answers, NULL), 0);
	T_EQ_STR(c, "{\"answers\":{\"agree\":true,\"birth\":\"2000-02-29\",\"lives_here\":true,"
		    "\"n\":2,\"name\":{\"family\":\"区民\",\"family_kana\":\"クミン\","
		    "\"given\":\"花子\",\"given_kana\":\"ハナコ\"}},"
		    "\"procedure\":\"all-types\",\"tenant\":\"131156\",\"version\":1}");
	free(c);
}

int main(void)
{
	A = arena_new(0);
	struct err e;
	if (forms_def_parse(&D, A, DEF, strlen(DEF), &e) != 0) {
		printf("# definition: %s\nnot ok 1 - definition\n1..1\n", e.detail);
		return 1;
	}
	T_RUN(test_minimal);
	T_RUN(test_required);
	T_RUN(test_text_types);
	T_RUN(test_name);
	T_RUN(test_dates);
	T_RUN(test_contact_types);
	T_RUN(test_my_number);
	T_RUN(test_numbers_and_choices);
	T_RUN(test_bank_and_file);
	T_RUN(test_hidden_and_required_if);
	T_RUN(test_groups);
	T_RUN(test_routes_and_exit);
	T_RUN(test_page_by_page);
	T_RUN(test_checks);
	T_RUN(test_bad_input);
	T_RUN(test_canonical_of_answers);
	arena_free(A);
	return t_done();
}
