/*
 * test_cond.c -- the condition language: parsing, evaluation, precedence,
 * error messages with columns, and the length and depth limits.
 */
#include "t.h"

#include "core/forms/forms.h"

static struct arena *A;
static json_t *answers;

static int ev(const char *src)
{
	struct forms_cond *c;
	struct err e;
	if (forms_cond_parse(&c, A, src, &e) != 0) {
		printf("# parse failed: %s: %s\n", src, e.detail);
		return -1;
	}
	struct forms_env env = { .root = answers, .today = { 2026, 11, 22 } };
	return forms_cond_eval(c, &env);
}

static int perr(const char *src, char *detail, size_t n)
{
	struct forms_cond *c;
	struct err e;
	err_clear(&e);
	int rc = forms_cond_parse(&c, A, src, &e);
	snprintf(detail, n, "%s", e.detail);
	return rc;
}

static void test_literals_and_compare(void)
{
	T_EQ_INT(ev("true"), 1);
	T_EQ_INT(ev("false"), 0);
	T_EQ_INT(ev("1 == 1"), 1);
	T_EQ_INT(ev("1 != 1"), 0);
	T_EQ_INT(ev("-3 < 2"), 1);
	T_EQ_INT(ev("2 <= 2"), 1);
	T_EQ_INT(ev("3 > 2"), 1);
	T_EQ_INT(ev("2 >= 3"), 0);
	T_EQ_INT(ev("'a' < 'b'"), 1);
	T_EQ_INT(ev("\"東京都\" == '東京都'"), 1);
	T_EQ_INT(ev("null == null"), 1);
	/* different kinds never compare */
	T_EQ_INT(ev("1 == '1'"), 0);
	T_EQ_INT(ev("1 < '2'"), 0);
	T_EQ_INT(ev("1 != '1'"), 1);
	T_EQ_INT(ev("'it\\'s' == \"it's\""), 1);
}

static void test_names(void)
{
	T_EQ_INT(ev("has_spouse == true"), 1);
	T_EQ_INT(ev("has_spouse"), 1);
	T_EQ_INT(ev("children_count >= 3"), 1);
	T_EQ_INT(ev("relation == '母'"), 1);
	T_EQ_INT(ev("bank.kind == 'ordinary'"), 1);
	T_EQ_INT(ev("bank.missing == null"), 1);
	T_EQ_INT(ev("missing == null"), 1);
	T_EQ_INT(ev("missing < 3"), 0);
	T_EQ_INT(ev("is_empty(missing)"), 1);
	T_EQ_INT(ev("is_empty(empty_text)"), 1);
	T_EQ_INT(ev("is_empty(relation)"), 0);
	T_EQ_INT(ev("is_empty(items)"), 0);
	T_EQ_INT(ev("is_empty(bank)"), 0);
}

static void test_in(void)
{
	T_EQ_INT(ev("relation in ['父', '母']"), 1);
	T_EQ_INT(ev("relation in ['父']"), 0);
	T_EQ_INT(ev("relation not in ['父']"), 1);
	T_EQ_INT(ev("'sofa' in items"), 1);
	T_EQ_INT(ev("'bed' in items"), 0);
	T_EQ_INT(ev("'bed' not in items"), 1);
	T_EQ_INT(ev("1 in [1, 2, 3]"), 1);
	T_EQ_INT(ev("1 in []"), 0);
	T_EQ_INT(ev("1 in missing"), 0);
}

static void test_precedence(void)
{
	/* not > and > or */
	T_EQ_INT(ev("true or false and false"), 1);
	T_EQ_INT(ev("(true or false) and false"), 0);
	T_EQ_INT(ev("not false and false"), 0);
	T_EQ_INT(ev("not (false and false)"), 1);
	T_EQ_INT(ev("not 1 == 2"), 1);           /* not (1 == 2) */
	T_EQ_INT(ev("not not true"), 1);
	T_EQ_INT(ev("false or false or true"), 1);
	T_EQ_INT(ev("true and true and false"), 0);
	T_EQ_INT(ev("1 == 1 and 2 == 2 or 3 == 4"), 1);
}

static void test_functions(void)
{
	/* born 2020-04-02: 6 on 2026-04-02, 5 the day before */
	T_EQ_INT(ev("age_on(child_birth, '2026-04-01') == 5"), 1);
	T_EQ_INT(ev("age_on(child_birth, '2026-04-02') == 6"), 1);
	T_EQ_INT(ev("age_on(child_birth, today()) == 6"), 1);
	T_EQ_INT(ev("age_on(child_birth, 'not a date') == null"), 1);
	T_EQ_INT(ev("age_on('2000-02-29', '2026-02-28') == 25"), 1);
	T_EQ_INT(ev("age_on('2000-02-29', '2026-03-01') == 26"), 1);
	T_EQ_INT(ev("today() == '2026-11-22'"), 1);
	T_EQ_INT(ev("nendo_start('2027-03-31') == '2026-04-01'"), 1);
	T_EQ_INT(ev("nendo_start('2027-04-01') == '2027-04-01'"), 1);
	T_EQ_INT(ev("add_days('2026-12-31', 1) == '2027-01-01'"), 1);
	T_EQ_INT(ev("age_on(child_birth, nendo_start(today())) == 5"), 1);
	T_EQ_INT(ev("count(children) == 2"), 1);
	T_EQ_INT(ev("count(missing) == 0"), 1);
	T_EQ_INT(ev("len(relation) == 1"), 1);
	T_EQ_INT(ev("any(children, age_on(birth, today()) < 3)"), 1);
	T_EQ_INT(ev("all(children, age_on(birth, today()) < 3)"), 0);
	T_EQ_INT(ev("any(children, lives_with == '別居')"), 1);
	T_EQ_INT(ev("all(missing, false)"), 1);
	T_EQ_INT(ev("any(missing, true)"), 0);
	/* inside any(), root names stay visible */
	T_EQ_INT(ev("any(children, has_spouse)"), 1);
}

static void test_errors(void)
{
	char d[ERR_DETAIL_MAX];
	T_EQ_INT(perr("", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "empty condition"));
	T_EQ_INT(perr("a = 1", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "column 3") && strstr(d, "'=='"));
	T_EQ_INT(perr("a == ", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "column 6") && strstr(d, "end of condition"));
	T_EQ_INT(perr("(a == 1", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "expected ')'"));
	T_EQ_INT(perr("a == 1)", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "column 7") && strstr(d, "after the condition"));
	T_EQ_INT(perr("1 < a < 3", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "do not chain"));
	T_EQ_INT(perr("frob(a)", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "unknown function frob()") && strstr(d, "column 1"));
	T_EQ_INT(perr("age_on(a)", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "age_on() takes 2 arguments, not 1"));
	T_EQ_INT(perr("'abc", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "unterminated string"));
	T_EQ_INT(perr("a == 1.5", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "integers only"));
	T_EQ_INT(perr("a == 1234567890123456789", d, sizeof d), ERR_INVALID);
	T_EQ_INT(perr("a ! b", d, sizeof d), ERR_INVALID);
	T_EQ_INT(perr("a not b", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "expected 'in'"));
	T_EQ_INT(perr("a == 東京", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "non-ASCII"));
	T_EQ_INT(perr("a. == 1", d, sizeof d), ERR_INVALID);
	T_EQ_INT(perr("any(1, true)", d, sizeof d), ERR_INVALID);
	T_CHECK(strstr(d, "group field"));
	T_EQ_INT(perr("x in [1, 2", d, sizeof d), ERR_INVALID);
	T_EQ_INT(perr("'a\\q'", d, sizeof d), ERR_INVALID);
	T_EQ_INT(perr("a and", d, sizeof d), ERR_INVALID);
	T_EQ_INT(perr("and a", d, sizeof d), ERR_INVALID);
}

static void test_limits(void)
{
	char d[ERR_DETAIL_MAX];
	char src[FORMS_COND_MAX_LEN + 2];
	/* length: exactly the limit parses, one more byte is refused */
	memset(src, ' ', FORMS_COND_MAX_LEN);
	src[0] = 'a';
	src[FORMS_COND_MAX_LEN] = 0;
	T_EQ_INT(perr(src, d, sizeof d), 0);
	src[FORMS_COND_MAX_LEN] = ' ';
	src[FORMS_COND_MAX_LEN + 1] = 0;
	T_EQ_INT(perr(src, d, sizeof d), ERR_LIMIT);
	/* depth */
	char deep[400];
	int n = 0;
	for (int i = 0; i < 40; i++)
		deep[n++] = '(';
	deep[n++] = 'a';
	for (int i = 0; i < 40; i++)
		deep[n++] = ')';
	deep[n] = 0;
	T_EQ_INT(perr(deep, d, sizeof d), ERR_LIMIT);
	T_CHECK(strstr(d, "nested deeper"));
	n = 0;
	for (int i = 0; i < 40; i++)
		n += sprintf(deep + n, "not ");
	sprintf(deep + n, "a");
	T_EQ_INT(perr(deep, d, sizeof d), ERR_LIMIT);
	/* a moderate nesting is fine */
	T_EQ_INT(ev("((((((((((true))))))))))"), 1);
	T_EQ_INT(ev("not not not not not false"), 1);
	/* list size */
	char list[600];
	n = sprintf(list, "1 in [");
	for (int i = 0; i < FORMS_COND_MAX_LIST + 1; i++)
		n += sprintf(list + n, "%s%d", i ? "," : "", i);
	sprintf(list + n, "]");
	T_EQ_INT(perr(list, d, sizeof d), ERR_LIMIT);
}

static void test_value(void)
{
	struct forms_cond *c;
	struct err e;
	struct forms_env env = { .root = answers, .today = { 2026, 11, 22 } };
	T_REQUIRE(forms_cond_parse(&c, A, "add_days(today(), 10)", &e) == 0);
	struct forms_val v = forms_cond_value(c, &env);
	T_EQ_INT(v.kind, FORMS_V_STR);
	T_EQ_STR(v.s, "2026-12-02");
	T_REQUIRE(forms_cond_parse(&c, A, "count(children)", &e) == 0);
	v = forms_cond_value(c, &env);
	T_EQ_INT(v.kind, FORMS_V_INT);
	T_EQ_INT(v.i, 2);
	T_REQUIRE(forms_cond_parse(&c, A, "bank", &e) == 0);
	T_EQ_INT(forms_cond_value(c, &env).kind, FORMS_V_OBJ);
	/* a non-boolean value is not true */
	T_EQ_INT(ev("children_count"), 0);
	T_EQ_INT(ev("'yes'"), 0);
	/* inside a group item, item fields shadow nothing at the root */
	json_t *item = json_pack("{s:s}", "relation", "父");
	env.item = item;
	T_REQUIRE(forms_cond_parse(&c, A, "relation == '父' and has_spouse", &e) == 0);
	T_EQ_INT(forms_cond_eval(c, &env), 1);
	json_decref(item);
}

static int collect(const char *name, int scoped, const char *group, void *arg)
{
	char *acc = arg;
	size_t n = strlen(acc);
	snprintf(acc + n, 256 - n, "%s%s%s%s ", name, scoped ? "@" : "",
		 group ? group : "", "");
	return 0;
}

static void test_refs(void)
{
	struct forms_cond *c;
	struct err e;
	T_REQUIRE(forms_cond_parse(&c, A, "a == 1 and (b.kind in [x]) or any(g, y > z) or is_empty(w)",
				   &e) == 0);
	char acc[256] = "";
	forms_cond_refs(c, collect, acc);
	T_EQ_STR(acc, "a b.kind x g y@g z@g w ");
}

int main(void)
{
	A = arena_new(0);
	json_error_t je;
	answers = json_loads(
		"{\"has_spouse\": true, \"children_count\": 3, \"relation\": \"母\","
		" \"bank\": {\"kind\": \"ordinary\"}, \"items\": [\"sofa\", \"desk\"],"
		" \"empty_text\": \"\", \"child_birth\": \"2020-04-02\","
		" \"children\": [{\"birth\": \"2025-01-01\", \"lives_with\": \"同居\"},"
		"               {\"birth\": \"2019-06-01\", \"lives_with\": \"別居\"}]}",
		0, &je);
	T_RUN(test_literals_and_compare);
	T_RUN(test_names);
	T_RUN(test_in);
	T_RUN(test_precedence);
	T_RUN(test_functions);
	T_RUN(test_errors);
	T_RUN(test_limits);
	T_RUN(test_value);
	T_RUN(test_refs);
	json_decref(answers);
	arena_free(A);
	return t_done();
}
