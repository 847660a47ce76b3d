/*
 * test_registry.c -- the resident registry subset: checks on the way in
 * (katakana, dates, postal code, My Number check digit), the demo seed
 * (idempotent, 20 persons), links between accounts and persons (one each
 * way, tenants separate), the JSON record (shapes the prefill reads, the
 * household head first), that listings never carry the 個人番号, and the
 * application layer's join with the forms prefill (app_prefill.c).
 * Runs on the database MADOGUCHI_TEST_DB names (default: a fresh SQLite
 * file) and leaves a shared database as it found it.
 */
#include "t.h"

#include <unistd.h>

#include "web/app.h"
#include "svc/apply/web/app_apply.h"
#include "core/auth/auth.h"
#include "core/forms/forms.h"
#include "jp/checkdigit.h"
#include "core/registry/registry.h"
#include "core/tenant/tenant.h"

static const char *url;
static char sqlite_path[128];
/* fictional codes (valid check digits) no other suite uses */
static const char *T1 = "139718", *T2 = "139726";

static void cleanup(struct store *s)
{
	store_script(s, "DROP TABLE IF EXISTS registry_link_letters", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_link_codes", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_link_attempts", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_links", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_my_numbers", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_persons", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'registry'", NULL, 0, NULL);
	struct store_val v[] = { sv_text(T1), sv_text(T2) };
	store_exec(s, "DELETE FROM residents WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM tenants WHERE code IN ($1, $2)", v, 2, NULL);
}

/* whatever an earlier suite left: tables whose migrations are not
 * recorded are dropped, so that migrating recreates them (as test_auth) */
static void reset_unrecorded(struct store *s)
{
	int64_t n = 0;
	int pg = store_kind(s) == STORE_PG;
	if (store_query_int(&n, s, "SELECT count(*) FROM schema_migrations WHERE module = 'auth'",
			    NULL, 0, NULL) != 0 || n == 0) {
		static const char *const t[] = { "sessions", "login_failures", "recovery_codes",
						 "staff_roles", "role_permissions", "roles", "staff",
						 "residents" };
		for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
			char sql[96];
			snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s%s", t[i], pg ? " CASCADE" : "");
			store_script(s, sql, NULL);
		}
	}
	if (store_query_int(&n, s, "SELECT count(*) FROM schema_migrations WHERE module = 'core'",
			    NULL, 0, NULL) != 0 || n == 0)
		store_script(s, pg ? "DROP TABLE IF EXISTS tenants CASCADE" : "DROP TABLE IF EXISTS tenants",
			     NULL);
}

static struct store *open_fresh(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, auth_schema, registry_schema };
	store_script(s, "DROP TABLE IF EXISTS registry_link_letters", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_link_codes", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_link_attempts", NULL);
	store_script(s, store_kind(s) == STORE_PG ? "DROP TABLE IF EXISTS registry_links CASCADE"
		     : "DROP TABLE IF EXISTS registry_links", NULL);
	reset_unrecorded(s);
	if (store_migrate(s, mods, 2, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	cleanup(s);
	if (store_migrate(s, mods, 3, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	struct tenant t = { .demo = 1 };
	snprintf(t.code, sizeof t.code, "%s", T1);
	snprintf(t.name_ja, sizeof t.name_ja, "試験区");
	snprintf(t.name_en, sizeof t.name_en, "Test Ward");
	if (tenant_add(s, &t, &e))
		printf("# tenant: %s\n", e.detail);
	snprintf(t.code, sizeof t.code, "%s", T2);
	snprintf(t.name_ja, sizeof t.name_ja, "第二区");
	snprintf(t.name_en, sizeof t.name_en, "Second Ward");
	tenant_add(s, &t, &e);
	return s;
}

static int64_t add_resident(struct store *s, const char *tenant, const char *email)
{
	struct store_val v[] = { sv_text(tenant), sv_text(email) };
	store_exec(s, "INSERT INTO residents (tenant, email, password_hash, password_changed_at,"
		   " created_at) VALUES ($1, $2, 'x', 0, 0)", v, 2, NULL);
	int64_t id = 0;
	store_query_int(&id, s, "SELECT id FROM residents WHERE tenant = $1 AND email = $2",
			v, 2, NULL);
	return id;
}

static struct registry_person good(void)
{
	return (struct registry_person){
		.code = "X1", .household = "HX", .seq = 1, .relationship = "世帯主",
		.family = "試験", .given = "一郎", .family_kana = "シケン", .given_kana = "イチロウ",
		.birth_date = "1980-02-29", .sex = "male", .postal_code = "139-9999",
		.pref = "東京都", .city = "試験区", .street = "本町一丁目２－３", .building = NULL,
		.moved_in = "2020-04-01", .my_number = NULL,
	};
}

static void test_checks(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	struct registry_person p = good();
	p.given_kana = "いちろう";      /* hiragana: refused */
	T_EQ_INT(registry_person_add(NULL, s, T1, &p, &e), ERR_INVALID);
	p = good();
	p.birth_date = "1981-02-29";
	T_EQ_INT(registry_person_add(NULL, s, T1, &p, &e), ERR_INVALID);
	p = good();
	p.postal_code = "1399999";      /* must be written 139-9999 */
	T_EQ_INT(registry_person_add(NULL, s, T1, &p, &e), ERR_INVALID);
	p = good();
	p.sex = "m";
	T_EQ_INT(registry_person_add(NULL, s, T1, &p, &e), ERR_INVALID);
	p = good();
	p.my_number = "123456789012";   /* wrong check digit (it is 8) */
	T_EQ_INT(registry_person_add(NULL, s, T1, &p, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "123456789012") == NULL);
	p.my_number = "123456789018";
	int64_t id = 0;
	T_EQ_INT(registry_person_add(&id, s, T1, &p, &e), 0);
	T_CHECK(id > 0);
	T_EQ_INT(registry_person_add(NULL, s, T1, &p, &e), ERR_CONFLICT);
	T_EQ_INT(registry_person_add(NULL, s, "139998x", &p, &e) < 0, 1);
	/* the street is kept in the form forms_validate normalises to */
	json_t *j = NULL;
	T_EQ_INT(registry_person_json_by_code(&j, s, T1, "X1", &e), 0);
	T_REQUIRE(j);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(j, "address"), "street")),
		 "本町1丁目2-3");
	T_EQ_STR(json_string_value(json_object_get(j, "my_number")), "123456789018");
	T_CHECK(json_object_get(json_object_get(j, "address"), "building") == NULL);
	json_decref(j);
	cleanup(s);
	store_close(s);
}

struct listing {
	int n, linked;
	char households[8][8];
	int nh;
};

static void list_fn(const struct registry_person *p, void *arg)
{
	struct listing *l = arg;
	l->n++;
	l->linked += p->resident_id != 0;
	T_CHECK(p->my_number == NULL);
	if (l->nh == 0 || strcmp(l->households[l->nh - 1], p->household) != 0) {
		if (l->nh < 8)
			snprintf(l->households[l->nh++], 8, "%s", p->household);
	}
}

static void test_demo_and_links(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	int added = -1;
	T_EQ_INT(registry_demo_seed(&added, s, T1, &e), 0);
	T_EQ_INT(added, 20);
	T_EQ_INT(registry_demo_seed(&added, s, T1, &e), 0);
	T_EQ_INT(added, 0);               /* idempotent */
	struct listing l = { 0 };
	T_EQ_INT(registry_list(s, T1, list_fn, &l, &e), 20);
	T_EQ_INT(l.nh, 6);                /* grouped by household */
	T_EQ_INT(l.linked, 0);
	T_EQ_INT(registry_list(s, T2, NULL, NULL, &e), 0);   /* tenants apart */

	int64_t taro = add_resident(s, T1, "taro@example.jp");
	int64_t other = add_resident(s, T1, "other@example.jp");
	int64_t foreign = add_resident(s, T2, "taro@example.jp");
	T_REQUIRE(taro > 0 && other > 0 && foreign > 0);
	json_t *j = NULL;
	T_EQ_INT(registry_person_json(&j, s, T1, taro, &e), ERR_NOTFOUND);
	T_CHECK(j == NULL);
	T_EQ_INT(registry_link(s, T1, taro, "P0001", 100, &e), 0);
	T_EQ_INT(registry_link(s, T1, other, "P0001", 100, &e), ERR_CONFLICT);
	T_EQ_INT(registry_link(s, T1, other, "P9999", 100, &e), ERR_NOTFOUND);
	T_EQ_INT(registry_link(s, T1, foreign, "P0002", 100, &e), ERR_NOTFOUND);
	T_EQ_INT(registry_link(s, T2, foreign, "P0002", 100, &e), ERR_NOTFOUND);
	T_EQ_INT(registry_person_json(&j, s, T2, foreign, &e), ERR_NOTFOUND);
	T_EQ_INT(registry_link(s, T1, taro, "P0001", 101, &e), 0);  /* again: fine */

	T_EQ_INT(registry_person_json(&j, s, T1, taro, &e), 0);
	T_REQUIRE(j);
	json_t *name = json_object_get(j, "name");
	T_EQ_STR(json_string_value(json_object_get(name, "family")), "日之出");
	T_EQ_STR(json_string_value(json_object_get(name, "given_kana")), "タロウ");
	T_EQ_INT(json_object_size(name), 4);
	T_EQ_STR(json_string_value(json_object_get(j, "birth_date")), "1988-05-12");
	T_EQ_STR(json_string_value(json_object_get(j, "sex")), "male");
	json_t *ad = json_object_get(j, "address");
	T_EQ_STR(json_string_value(json_object_get(ad, "postal_code")), "139-9981");
	T_EQ_STR(json_string_value(json_object_get(ad, "pref")), "東京都");
	T_EQ_STR(json_string_value(json_object_get(ad, "city")), "デモ区");
	const char *mn = json_string_value(json_object_get(j, "my_number"));
	T_CHECK(mn && jp_mynumber_validate(mn, NULL) == 0);
	json_t *hh = json_object_get(j, "household");
	T_EQ_INT(json_array_size(hh), 4);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(hh, 0), "relationship")), "世帯主");
	T_CHECK(json_is_true(json_object_get(json_array_get(hh, 0), "self")));
	T_CHECK(json_is_false(json_object_get(json_array_get(hh, 3), "self")));
	/* the youngest child is under 3 on 2026-11-23 (birth and nursery flows) */
	T_EQ_STR(json_string_value(json_object_get(json_array_get(hh, 3), "birth_date")), "2024-06-20");
	T_CHECK(json_object_get(json_array_get(hh, 1), "my_number") == NULL);
	json_decref(j);

	struct listing l2 = { 0 };
	registry_list(s, T1, list_fn, &l2, &e);
	T_EQ_INT(l2.linked, 1);
	T_EQ_INT(registry_unlink(s, T1, taro, &e), 0);
	T_EQ_INT(registry_person_json(&j, s, T1, taro, &e), ERR_NOTFOUND);
	T_EQ_INT(registry_link(s, T1, other, "P0001", 102, &e), 0);   /* now free */
	cleanup(s);
	store_close(s);
}

/* the application-layer join (app_prefill.c): a linked resident gets the
 * registry answers and the waiver, an unlinked one neither; a forged
 * waiver is refused at submit for the unlinked one */
static const char *DEF =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"t-reg\","
	"\"title\":{\"ja\":\"試験\",\"en\":\"Test\"},\"department\":\"shimin\","
	"\"retention_years\":5,\"target_days\":7,\"pages\":[{\"id\":\"p1\","
	"\"title\":{\"ja\":\"申請者\",\"en\":\"Applicant\"},\"fields\":["
	"{\"id\":\"who\",\"type\":\"name_jp\",\"label\":{\"ja\":\"氏名\",\"en\":\"Name\"},"
	"\"required\":true,\"prefill\":{\"source\":\"juki\",\"path\":\"name\"}},"
	"{\"id\":\"proof\",\"type\":\"file\",\"label\":{\"ja\":\"書類\",\"en\":\"Document\"},"
	"\"required\":true,\"accept\":[\"application/pdf\"],"
	"\"waive_if\":{\"source\":\"juki\",\"path\":\"address\"}}]}]}";

static void test_app_prefill(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	T_EQ_INT(registry_demo_seed(NULL, s, T1, &e), 0);
	int64_t taro = add_resident(s, T1, "taro@example.jp");
	int64_t nobody = add_resident(s, T1, "nobody@example.jp");
	T_EQ_INT(registry_link(s, T1, taro, "P0001", 1, &e), 0);
	struct arena *a = arena_new(0);
	struct forms_def *d = NULL;
	T_EQ_INT(forms_def_parse(&d, a, DEF, strlen(DEF), &e), 0);
	T_REQUIRE(d);
	json_t *ans, *src;
	T_EQ_INT(app_prefill_start(&ans, &src, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = taro,
							     .def = d },
				   &e), 0);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(ans, "who"), "family")), "日之出");
	T_CHECK(forms_answer_waived(json_object_get(ans, "proof")));
	struct forms_result r;
	struct jp_date today = { 2026, 11, 23 };
	T_EQ_INT(forms_validate(&r, a, d, ans, today, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	T_EQ_INT(app_prefill_check(&r, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = taro,
							     .def = d, .norm = r.answers,
							     .sources = src },
				   &e), 0);
	T_EQ_INT(r.nerrors, 0);
	/* the same answers from an account without a registry record */
	json_t *a2, *s2;
	T_EQ_INT(app_prefill_start(&a2, &s2, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = nobody,
							     .def = d },
				   &e), 0);
	T_EQ_INT(json_object_size(a2), 0);
	T_EQ_INT(forms_validate(&r, a, d, ans, today, &e), 0);
	T_EQ_INT(app_prefill_check(&r, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = nobody,
							     .def = d, .norm = r.answers,
							     .sources = src },
				   &e), 0);
	T_EQ_INT(r.nerrors, 2);   /* the waiver and the "from the registry" name */
	arena_free(a);
	cleanup(s);
	store_close(s);
}

/* a shipped definition (the tests run from the repository or build/) */
static struct forms_def *shipped(struct arena *a, const char *id)
{
	const char *dirs[] = { "data/procedures", "../data/procedures", "../../data/procedures",
			       "../../../data/procedures", "../../../../data/procedures" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s.json", dirs[i], id);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		static char text[1 << 18];
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = 0;
		struct forms_def *d = NULL;
		struct err e;
		if (forms_def_parse(&d, a, text, n, &e))
			printf("# %s: %s\n", id, e.detail);
		return d;
	}
	return NULL;
}

/* app_prefill.c: the household's children (the youngest for a nursery, all
 * in order of birth for the child allowance), phone from the latest
 * application of another procedure, e-mail from the account; each with
 * its source */
static void test_app_prefill_household(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	T_EQ_INT(registry_demo_seed(NULL, s, T1, &e), 0);
	int64_t taro = add_resident(s, T1, "taro@example.jp");
	int64_t nobody = add_resident(s, T1, "nobody@example.jp");
	T_EQ_INT(registry_link(s, T1, taro, "P0001", 1, &e), 0);
	struct arena *a = arena_new(0);
	struct forms_def *hoiku = shipped(a, "hoikusho-riyou"), *teate = shipped(a, "jidou-teate-nintei");
	T_REQUIRE(hoiku && teate);
	json_t *prev = json_pack("{s:s}", "applicant_phone", "03-1234-5678");
	json_t *ans, *src;
	T_EQ_INT(app_prefill_start(&ans, &src, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = taro,
							     .def = hoiku, .previous_any = prev }, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(ans, "child_name"), "given")), "陽葵");
	T_EQ_STR(json_string_value(json_object_get(ans, "child_birth")), "2024-06-20");
	T_EQ_STR(json_string_value(json_object_get(src, "child_name")), "juki_household");
	T_EQ_STR(json_string_value(json_object_get(ans, "applicant_phone")), "03-1234-5678");
	T_EQ_STR(json_string_value(json_object_get(src, "applicant_phone")), "previous_submission");
	T_EQ_STR(json_string_value(json_object_get(ans, "applicant_email")), "taro@example.jp");
	T_EQ_STR(json_string_value(json_object_get(src, "applicant_email")), "account");
	T_EQ_STR(json_string_value(json_object_get(src, "applicant_name")), "juki");
	T_EQ_INT(app_prefill_start(&ans, &src, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = taro,
							     .def = teate }, &e), 0);
	json_t *kids = json_object_get(ans, "children");
	T_EQ_INT((int)json_array_size(kids), 2);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(json_array_get(kids, 0), "child_name"), "given")), "蒼");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(kids, 1), "child_birth")), "2024-06-20");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(kids, 1), "child_relation")), "child");
	T_EQ_STR(json_string_value(json_object_get(src, "children")), "juki_household");
	/* no link: no children, but the account's e-mail still */
	T_EQ_INT(app_prefill_start(&ans, &src, a, s,
				   &(struct app_prefill_in){ .tenant = T1, .resident_id = nobody,
							     .def = hoiku }, &e), 0);
	T_CHECK(json_object_get(ans, "child_name") == NULL);
	T_EQ_STR(json_string_value(json_object_get(ans, "applicant_email")), "nobody@example.jp");
	json_decref(prev);
	arena_free(a);
	cleanup(s);
	store_close(s);
}

/* linkcode.c: a code links once, expires, is withdrawn by a newer one,
 * and refused tries are throttled; the record lists the children */
static void test_link_codes(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct err e;
	T_EQ_INT(registry_demo_seed(NULL, s, T1, &e), 0);
	int64_t a = add_resident(s, T1, "a@example.jp"), b = add_resident(s, T1, "b@example.jp");
	int64_t c = add_resident(s, T1, "c@example.jp");
	T_REQUIRE(a > 0 && b > 0 && c > 0);
	int64_t now = 1800000000;
	char code[REGISTRY_CODE_LEN + 1], old[REGISTRY_CODE_LEN + 1], person[REGISTRY_CODE_MAX + 1];
	T_EQ_INT(registry_code_issue(code, s, T1, "NOPE", REGISTRY_AT_COUNTER, 1, now, &e), ERR_NOTFOUND);
	/* only the hash is stored */
	T_EQ_INT(registry_code_issue(old, s, T1, "P0010", REGISTRY_AT_COUNTER, 1, now, &e), 0);
	T_EQ_INT((int)strlen(old), REGISTRY_CODE_LEN);
	char *stored = NULL;
	T_EQ_INT(store_query_text(&stored, s, "SELECT code_hash FROM registry_link_codes", NULL, 0, &e), 0);
	T_CHECK(stored && strlen(stored) == 64 && !strstr(stored, old));
	free(stored);
	/* a newer code for the person withdraws the older one */
	T_EQ_INT(registry_code_issue(code, s, T1, "P0010", REGISTRY_AT_COUNTER, 1, now + 1, &e), 0);
	T_CHECK(strcmp(code, old) != 0);
	T_EQ_INT(registry_code_redeem(NULL, s, T1, a, old, now + 2, &e), ERR_DENIED);
	/* expired */
	T_EQ_INT(registry_code_redeem(NULL, s, T1, a, code, now + 1 + REGISTRY_CODE_TTL, &e), ERR_DENIED);
	/* within its time: links; typed in lower case without hyphens */
	char typed[16];
	int k = 0;
	for (const char *p = code; *p; p++)
		if (*p != '-')
			typed[k++] = (char)(*p - 'A' + 'a' >= 'a' && *p >= 'A' ? *p - 'A' + 'a' : *p);
	typed[k] = 0;
	T_EQ_INT(registry_code_redeem(person, s, T1, a, typed, now + 100, &e), 0);
	T_EQ_STR(person, "P0010");
	json_t *j = NULL;
	T_EQ_INT(registry_person_json(&j, s, T1, a, &e), 0);
	T_EQ_INT((int)json_array_size(json_object_get(j, "children")), 2);
	T_EQ_STR(json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(j, "children"), 0),
								    "name"), "given")), "大翔");
	json_decref(j);
	/* used: not again, not by another account */
	T_EQ_INT(registry_code_redeem(NULL, s, T1, b, code, now + 200, &e), ERR_DENIED);
	/* another tenant does not know the code */
	T_EQ_INT(registry_code_issue(code, s, T1, "P0015", REGISTRY_BY_LETTER, 1, now, &e), 0);
	int64_t letters = 0;
	T_EQ_INT(store_query_int(&letters, s, "SELECT count(*) FROM registry_link_letters", NULL, 0, &e), 0);
	T_EQ_INT(letters, 1);
	/* the letter made: queued becomes printed, for that person only, once */
	T_EQ_INT(registry_letter_printed(s, T1, "P0010", &e), 0);
	T_EQ_INT(registry_letter_printed(s, T2, "P0015", &e), 0);
	T_EQ_INT(registry_letter_printed(s, T1, "P0015", &e), 1);
	T_EQ_INT(registry_letter_printed(s, T1, "P0015", &e), 0);
	T_EQ_INT(store_query_int(&letters, s, "SELECT count(*) FROM registry_link_letters WHERE state = 'printed'",
				 NULL, 0, &e), 0);
	T_EQ_INT(letters, 1);
	/* throttle: c's refused tries */
	for (int i = 0; i < REGISTRY_CODE_TRIES; i++)
		T_EQ_INT(registry_code_redeem(NULL, s, T1, c, i % 2 ? "AAAA-BBBB-CCCC" : "not a code", now, &e),
			 ERR_NOTFOUND);
	T_EQ_INT(registry_code_redeem(NULL, s, T1, c, code, now + 10, &e), ERR_LIMIT);
	/* after the window, the good code works */
	T_EQ_INT(registry_code_redeem(NULL, s, T1, c, code, now + REGISTRY_CODE_WINDOW + 10, &e), 0);
	/* the staff's search: folded kana, names with or without the space */
	int n = registry_find(s, T1, "わかば", 30, list_fn, &(struct listing){ 0 }, &e);
	T_EQ_INT(n, 5);
	T_EQ_INT(registry_find(s, T1, "若葉 健", 30, list_fn, &(struct listing){ 0 }, &e), 1);
	T_EQ_INT(registry_find(s, T1, "", 30, list_fn, &(struct listing){ 0 }, &e), ERR_INVALID);
	cleanup(s);
	store_close(s);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/madoguchi-registry-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	printf("# database: %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
	T_RUN(test_checks);
	T_RUN(test_demo_and_links);
	T_RUN(test_app_prefill);
	T_RUN(test_link_codes);
	T_RUN(test_app_prefill_household);
	if (url == sqlite_path) {
		unlink(sqlite_path + 7);
		char w[160];
		snprintf(w, sizeof w, "%s-wal", sqlite_path + 7);
		unlink(w);
		snprintf(w, sizeof w, "%s-shm", sqlite_path + 7);
		unlink(w);
	}
	return t_done();
}
