/*
 * test_export.c -- export columns are stable per version (one per leaf,
 * groups in max_items blocks, checkboxes one per option) and a row puts
 * each normalised answer in its column, with the 個人番号 masked.
 */
#include "t.h"

#include "core/forms/forms.h"

static struct arena *A;
static struct forms_def *D;
static const struct jp_date TODAY = { 2026, 11, 22 };

#define L(ja, en) "\"label\":{\"ja\":\"" ja "\",\"en\":\"" en "\"}"
#define OPT(v, ja) "{\"value\":\"" v "\",\"label\":{\"ja\":\"" ja "\",\"en\":\"" v "\"}}"

static const char *DEF =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"exp\",\"title\":{\"ja\":\"出力\",\"en\":\"Export\"},"
	"\"department\":\"t\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
	"\"title\":{\"ja\":\"p\",\"en\":\"p\"},\"fields\":["
	"{\"id\":\"name\",\"type\":\"name_jp\"," L("氏名", "Name") ",\"required\":true},"
	"{\"id\":\"mn\",\"type\":\"my_number\"," L("個人番号", "My Number") "},"
	"{\"id\":\"n\",\"type\":\"integer\"," L("人数", "People") "},"
	"{\"id\":\"ok\",\"type\":\"yes_no\"," L("可否", "OK") "},"
	"{\"id\":\"note\",\"type\":\"text\"," L("備考", "Note") ",\"show_if\":\"ok\"},"
	"{\"id\":\"items\",\"type\":\"checkboxes\"," L("品目", "Items") ",\"options\":[" OPT("sofa", "ソファ") "," OPT("bed", "ベッド") "]},"
	"{\"id\":\"i\",\"type\":\"info\",\"text\":{\"ja\":\"説明\",\"en\":\"Info\"}},"
	"{\"id\":\"kids\",\"type\":\"group\"," L("子", "Children") ",\"max_items\":2,\"fields\":["
	"  {\"id\":\"kb\",\"type\":\"date\"," L("生年月日", "Birth") "},"
	"  {\"id\":\"kn\",\"type\":\"my_number\"," L("個人番号", "My Number") "}]}]}]}";

static void test_columns(void)
{
	struct forms_column *c;
	struct err e;
	int n = forms_columns(&c, A, D, &e);
	T_EQ_INT(n, 4 + 1 + 1 + 1 + 1 + 2 + 2 * 2);
	static const char *const keys[] = {
		"name.family", "name.given", "name.family_kana", "name.given_kana", "mn", "n", "ok",
		"note", "items.sofa", "items.bed", "kids[1].kb", "kids[1].kn", "kids[2].kb", "kids[2].kn",
	};
	for (int i = 0; i < n && i < 14; i++)
		T_EQ_STR(c[i].key, keys[i]);
	T_EQ_STR(c[2].label_ja, "氏名（セイ）");
	T_EQ_STR(c[2].label_en, "Name (family_kana)");
	T_EQ_STR(c[8].label_ja, "品目（ソファ）");
	T_EQ_STR(c[12].label_ja, "子2 生年月日");
	T_EQ_STR(c[12].label_en, "Children 2: Birth");
}

static void test_row(void)
{
	struct forms_column *c;
	struct err e;
	int n = forms_columns(&c, A, D, &e);
	const char *json = "{\"name\":{\"family\":\"区民\",\"family_kana\":\"くみん\"},"
			   "\"mn\":\"123456789018\",\"n\":\"３\",\"ok\":false,\"note\":\"hidden\","
			   "\"items\":[\"bed\"],\"kids\":[{\"kb\":\"令和2年4月2日\",\"kn\":\"987654321093\"}]}";
	struct forms_result r;
	T_REQUIRE(forms_validate_text(&r, A, D, json, strlen(json), TODAY, &e) == 0);
	T_EQ_INT(r.nerrors, 0);
	const char **cells;
	T_REQUIRE(forms_export_row(&cells, A, c, n, r.answers, &e) == 0);
	static const char *const want[] = {
		"区民", "", "クミン", "", "********9018", "3", "0", "", "", "1",
		"2020-04-02", "********1093", "", "",
	};
	for (int i = 0; i < n && i < 14; i++)
		T_EQ_STR(cells[i], want[i]);
	/* the My Number never appears in clear */
	for (int i = 0; i < n; i++) {
		T_CHECK(!strstr(cells[i], "12345678"));
		T_CHECK(!strstr(cells[i], "98765432"));
	}
	/* the columns do not depend on the answers */
	struct forms_column *c2;
	T_EQ_INT(forms_columns(&c2, A, D, &e), n);
}

static void test_limit(void)
{
	/* 100 items x 40 sub-fields is past the column limit */
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_puts(&b, "{\"format\":\"madoguchi-procedure/1\",\"id\":\"big\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},"
		     "\"department\":\"t\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
		     "\"title\":{\"ja\":\"p\",\"en\":\"p\"},\"fields\":[{\"id\":\"g\",\"type\":\"group\","
		     L("g", "g") ",\"max_items\":100,\"fields\":[");
	for (int i = 0; i < 41; i++)
		buf_printf(&b, "%s{\"id\":\"f%d\",\"type\":\"text\"," L("f", "f") "}", i ? "," : "", i);
	buf_puts(&b, "]}]}]}");
	struct forms_def *d;
	struct err e;
	T_REQUIRE(forms_def_parse(&d, A, b.data, b.len, &e) == 0);
	struct forms_column *c;
	T_EQ_INT(forms_columns(&c, A, d, &e), ERR_LIMIT);
	buf_done(&b);
}

int main(void)
{
	A = arena_new(0);
	struct err e;
	if (forms_def_parse(&D, A, DEF, strlen(DEF), &e) != 0) {
		printf("# %s\nnot ok 1 - definition\n1..1\n", e.detail);
		return 1;
	}
	T_RUN(test_columns);
	T_RUN(test_row);
	T_RUN(test_limit);
	arena_free(A);
	return t_done();
}
