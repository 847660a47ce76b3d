/*
 * test_lifeevent.c -- life-event interviews (src/svc/lifeevent): the three
 * shipped files load and agree with the shipped procedure definitions;
 * the decision follows the interview answers (hidden answers do not
 * count); shared answers go only to fields of the same id and type; bad
 * files are refused with the path of the problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../t.h"
#include "svc/lifeevent/lifeevent.h"

static struct arena *A;

static const struct forms_def *lookup_file(const char *code, void *arg)
{
	(void)arg;
	char path[256];
	snprintf(path, sizeof path, "data/procedures/%s.json", code);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct forms_def *d = NULL;
	struct err e;
	err_clear(&e);
	if (forms_def_parse(&d, A, buf, n, &e))
		return NULL;
	return d;
}

static struct lifeevent **load(int *n)
{
	struct lifeevent **evs = NULL;
	struct err e;
	err_clear(&e);
	*n = lifeevent_load_dir(&evs, A, "data/life-events", &e);
	if (*n < 0)
		printf("# %s\n", e.detail);
	return evs;
}

static struct jp_date today(void)
{
	struct jp_date d = { 2026, 11, 22 };
	return d;
}

static int applies(struct lifeevent_choice *c, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (strcmp(c[i].procedure->code, code) == 0)
			return c[i].applies;
	return -1;
}

/* the "about you" page of the move-in interview */
static json_t *with_applicant(json_t *ans)
{
	json_object_set_new(ans, "applicant_name",
			    json_pack("{s:s,s:s,s:s,s:s}", "family", "転居", "given", "一郎",
				      "family_kana", "テンキョ", "given_kana", "イチロウ"));
	json_object_set_new(ans, "applicant_birth", json_string("1990-04-01"));
	json_object_set_new(ans, "applicant_address",
			    json_pack("{s:s,s:s,s:s,s:s}", "postal_code", "1668570", "pref", "東京都",
				      "city", "デモ区", "street", "1-2-3"));
	return ans;
}

static void test_shipped_files(void)
{
	int n;
	struct lifeevent **evs = load(&n);
	T_REQUIRE(n == 3);
	T_EQ_STR(evs[0]->id, "birth"); /* sorted by file name */
	T_EQ_STR(evs[1]->id, "death");
	T_EQ_STR(evs[2]->id, "move_in");
	for (int i = 0; i < n; i++) {
		struct err e;
		err_clear(&e);
		int rc = lifeevent_check_procedures(evs[i], lookup_file, NULL, &e);
		if (rc)
			T_FAIL_("%s: %s", evs[i]->id, e.detail);
	}
	T_CHECK(lifeevent_find(evs, n, "death") == evs[1]);
	T_CHECK(lifeevent_find(evs, n, "marriage") == NULL);
}

static void test_move_in_decision(void)
{
	int n;
	struct lifeevent **evs = load(&n);
	T_REQUIRE(n == 3);
	const struct lifeevent *le = lifeevent_find(evs, n, "move_in");
	json_t *ans = with_applicant(json_pack("{s:b, s:b, s:b, s:s, s:b, s:b, s:s}",
				"with_children", 1, "wants_nursery", 0,
				"wants_school_aid", 0, "health_insurance", "employee",
				"has_dog", 1, "parks_bicycle", 0,
				"applicant_phone", "０３－１２３４－５６７８"));
	struct lifeevent_choice *c;
	struct forms_result r;
	struct err e;
	err_clear(&e);
	T_REQUIRE(lifeevent_decide(&c, &r, A, le, ans, today(), &e) == 0);
	T_EQ_INT(applies(c, le->nprocedures, "tennyu-yoyaku"), 1);
	T_EQ_INT(applies(c, le->nprocedures, "kokuho-kanyu-dattai"), 0);
	T_EQ_INT(applies(c, le->nprocedures, "jidou-teate-nintei"), 1);
	T_EQ_INT(applies(c, le->nprocedures, "kodomo-iryosho"), 1);
	T_EQ_INT(applies(c, le->nprocedures, "hoikusho-riyou"), 0);
	T_EQ_INT(applies(c, le->nprocedures, "inu-touroku"), 1);
	T_EQ_INT(applies(c, le->nprocedures, "jitensha-chushajo"), 0);

	/* shared with 子ども医療証: the phone (normalised), not the dog */
	const struct forms_def *d = lookup_file("kodomo-iryosho", NULL);
	T_REQUIRE(d != NULL);
	json_t *sh = lifeevent_shared(A, le, r.answers, d);
	T_REQUIRE(sh != NULL);
	T_EQ_STR(json_string_value(json_object_get(sh, "applicant_phone")), "03-1234-5678");
	T_EQ_STR(json_string_value(json_object_get(json_object_get(sh, "applicant_name"), "family_kana")),
		 "テンキョ");
	T_CHECK(json_object_get(sh, "has_dog") == NULL);
	T_CHECK(json_object_get(sh, "with_children") == NULL);
	json_decref(ans);

	/* not sure about insurance: National Health Insurance is offered;
	 * no children: a nursery answer given anyway is hidden, so ignored */
	ans = with_applicant(json_pack("{s:b, s:b, s:s, s:b, s:b, s:s}", "with_children", 0,
			"wants_nursery", 1, "health_insurance", "unknown",
			"has_dog", 0, "parks_bicycle", 1, "applicant_phone", "0312345678"));
	T_REQUIRE(lifeevent_decide(&c, &r, A, le, ans, today(), &e) == 0);
	T_EQ_INT(applies(c, le->nprocedures, "kokuho-kanyu-dattai"), 1);
	T_EQ_INT(applies(c, le->nprocedures, "hoikusho-riyou"), 0);
	T_EQ_INT(applies(c, le->nprocedures, "jidou-teate-nintei"), 0);
	T_EQ_INT(applies(c, le->nprocedures, "jitensha-chushajo"), 1);
	json_decref(ans);

	/* a missing required answer: errors for the summary, no decision */
	ans = with_applicant(json_pack("{s:b, s:b, s:b, s:s}", "with_children", 0, "has_dog", 0,
			"parks_bicycle", 0, "applicant_phone", "0312345678"));
	T_EQ_INT(lifeevent_decide(&c, &r, A, le, ans, today(), &e), ERR_INVALID);
	T_CHECK(r.nerrors == 1 && strcmp(r.errors[0].path, "health_insurance") == 0);
	json_decref(ans);
}

static void test_death_decision(void)
{
	int n;
	struct lifeevent **evs = load(&n);
	T_REQUIRE(n == 3);
	const struct lifeevent *le = lifeevent_find(evs, n, "death");
	json_t *ans = json_pack("{s:{s:s,s:s,s:s,s:s}, s:s, s:s, s:b, s:b, s:b, s:s}",
				"deceased_name", "family", "出合", "given", "花子",
				"family_kana", "デアイ", "given_kana", "ハナコ",
				"deceased_birth", "昭和15年4月1日", "death_date", "2026-11-01",
				"had_kokuho", 1, "funeral_held", 1, "had_kaigo", 1,
				"applicant_phone", "0312345678");
	struct lifeevent_choice *c;
	struct forms_result r;
	struct err e;
	err_clear(&e);
	int rc = lifeevent_decide(&c, &r, A, le, ans, today(), &e);
	if (rc)
		for (int i = 0; i < r.nerrors; i++)
			printf("# %s %s\n", r.errors[i].path, r.errors[i].code);
	T_REQUIRE(rc == 0);
	T_EQ_INT(applies(c, le->nprocedures, "kokuho-sousaihi"), 1);
	T_EQ_INT(applies(c, le->nprocedures, "kaigo-soushitsu"), 1);
	/* shared with 葬祭費: the deceased's data, the 和暦 date normalised */
	const struct forms_def *d = lookup_file("kokuho-sousaihi", NULL);
	T_REQUIRE(d != NULL);
	json_t *sh = lifeevent_shared(A, le, r.answers, d);
	T_EQ_STR(json_string_value(json_object_get(sh, "deceased_birth")), "1940-04-01");
	T_CHECK(json_is_object(json_object_get(sh, "deceased_name")));
	T_CHECK(json_object_get(sh, "funeral_held") == NULL);
	json_decref(ans);
	/* no National Health Insurance: the funeral answer is hidden */
	ans = json_pack("{s:{s:s,s:s,s:s,s:s}, s:s, s:s, s:b, s:b, s:b, s:s}",
			"deceased_name", "family", "出合", "given", "花子",
			"family_kana", "デアイ", "given_kana", "ハナコ",
			"deceased_birth", "1940-04-01", "death_date", "2026-11-01",
			"had_kokuho", 0, "funeral_held", 1, "had_kaigo", 0,
			"applicant_phone", "0312345678");
	T_REQUIRE(lifeevent_decide(&c, &r, A, le, ans, today(), &e) == 0);
	T_EQ_INT(applies(c, le->nprocedures, "kokuho-sousaihi"), 0);
	T_EQ_INT(applies(c, le->nprocedures, "kokuho-kanyu-dattai"), 0);
	T_EQ_INT(applies(c, le->nprocedures, "kaigo-soushitsu"), 0);
	json_decref(ans);
}

#define PAGES "\"interview\":{\"pages\":[{\"id\":\"p\",\"title\":{\"ja\":\"問\",\"en\":\"Q\"}," \
	"\"fields\":[{\"id\":\"q\",\"type\":\"yes_no\",\"label\":{\"ja\":\"問\",\"en\":\"Q\"},\"required\":true}]}]}"
#define TITLE "\"title\":{\"ja\":\"テスト\",\"en\":\"Test\"}"

static void expect_bad(const char *json, int code, const char *detail_part)
{
	struct lifeevent *le;
	struct err e;
	err_clear(&e);
	int rc = lifeevent_parse(&le, A, json, strlen(json), &e);
	if (rc != code || !strstr(e.detail, detail_part))
		T_FAIL_("got %d \"%s\", want %d with \"%s\"", rc, e.detail, code, detail_part);
}

static void test_bad_files(void)
{
	expect_bad("[]", ERR_INVALID, "JSON object");
	expect_bad("{\"format\":\"x\",\"id\":\"t\"," TITLE "," PAGES ",\"procedures\":[]}",
		   ERR_INVALID, "format");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\",\"extra\":1}",
		   ERR_INVALID, "unknown key");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\"," TITLE "," PAGES
		   ",\"procedures\":[]}", ERR_INVALID, "non-empty");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\"," TITLE "," PAGES
		   ",\"procedures\":[{\"code\":\"a\",\"when\":\"nope == true\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}",
		   ERR_INVALID, "not an interview field");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\"," TITLE "," PAGES
		   ",\"procedures\":[{\"code\":\"a\",\"when\":\"q ==\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}",
		   ERR_INVALID, "procedures[0].when");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\"," TITLE "," PAGES
		   ",\"procedures\":[{\"code\":\"a\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}},"
		   "{\"code\":\"a\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}",
		   ERR_INVALID, "listed twice");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\"," TITLE ","
		   "\"interview\":{\"pages\":[{\"id\":\"p\",\"title\":{\"ja\":\"問\",\"en\":\"Q\"},"
		   "\"fields\":[{\"id\":\"q\",\"type\":\"yesno\",\"label\":{\"ja\":\"問\",\"en\":\"Q\"}}]}]},"
		   "\"procedures\":[{\"code\":\"a\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}",
		   ERR_INVALID, "interview: ");
	expect_bad("{\"format\":\"madoguchi-life-event/1\",\"id\":\"t\"," TITLE "," PAGES
		   ",\"procedures\":[{\"code\":\"a\"}]}", ERR_INVALID, "procedures[0].why");
}

static void test_check_against_definitions(void)
{
	/* a procedure that does not list the event, and a shared field of
	 * another type, are refused */
	const char *json = "{\"format\":\"madoguchi-life-event/1\",\"id\":\"move_in\"," TITLE
		"," PAGES ",\"procedures\":[{\"code\":\"sodai-gomi\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}";
	struct lifeevent *le;
	struct err e;
	err_clear(&e);
	T_REQUIRE(lifeevent_parse(&le, A, json, strlen(json), &e) == 0);
	T_EQ_INT(lifeevent_check_procedures(le, lookup_file, NULL, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "does not list") != NULL);
	json = "{\"format\":\"madoguchi-life-event/1\",\"id\":\"move_in\"," TITLE ","
		"\"interview\":{\"pages\":[{\"id\":\"p\",\"title\":{\"ja\":\"問\",\"en\":\"Q\"},"
		"\"fields\":[{\"id\":\"applicant_phone\",\"type\":\"text\",\"label\":{\"ja\":\"問\",\"en\":\"Q\"}}]}]},"
		"\"procedures\":[{\"code\":\"inu-touroku\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}";
	T_REQUIRE(lifeevent_parse(&le, A, json, strlen(json), &e) == 0);
	T_EQ_INT(lifeevent_check_procedures(le, lookup_file, NULL, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "applicant_phone is text in the interview but phone") != NULL);
	json = "{\"format\":\"madoguchi-life-event/1\",\"id\":\"move_in\"," TITLE "," PAGES
		",\"procedures\":[{\"code\":\"no-such-thing\",\"why\":{\"ja\":\"x\",\"en\":\"x\"}}]}";
	T_REQUIRE(lifeevent_parse(&le, A, json, strlen(json), &e) == 0);
	T_EQ_INT(lifeevent_check_procedures(le, lookup_file, NULL, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "not published") != NULL);
}

int main(void)
{
	A = arena_new(256u << 20);
	T_RUN(test_shipped_files);
	T_RUN(test_move_in_decision);
	T_RUN(test_death_decision);
	T_RUN(test_bad_files);
	T_RUN(test_check_against_definitions);
	arena_free(A);
	return t_done();
}
