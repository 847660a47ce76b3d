/*
 * test_prefill.c -- once only: answers prefilled from the registry record
 * (registry_person_json of the demo ward's seeded households, on the
 * database MADOGUCHI_TEST_DB names, default a fresh SQLite file) and from
 * the previous submission validate unchanged on a shipped definition
 * (住民票の写しの郵送請求); each keeps its source; a changed read-only
 * answer, a changed "from the registry" answer and a waiver the registry
 * does not prove are refused at submit (forms_prefill_check) without
 * quoting a value; the waive_if key is schema-checked; and
 * forms_prefill_sources_update drops sources of edited answers.
 */
#include "t.h"

#include <unistd.h>

#include "auth/auth.h"
#include "forms/forms.h"
#include "registry/registry.h"
#include "tenant/tenant.h"

static const struct jp_date TODAY = { 2026, 11, 23 };
static const char *url;
static char sqlite_path[128];
static const char *T1 = "139734";   /* fictional, no other suite uses it */

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	*n = fread(buf, 1, sizeof buf - 1, f);
	buf[*n] = 0;
	fclose(f);
	return buf;
}

static struct forms_def *load_def(struct arena *a, const char *path)
{
	size_t n = 0;
	char *t = slurp(path, &n);
	struct forms_def *d = NULL;
	struct err e;
	if (!t || forms_def_parse(&d, a, t, n, &e)) {
		printf("# %s: %s\n", path, t ? e.detail : "unreadable");
		return NULL;
	}
	return d;
}

static void cleanup(struct store *s)
{
	store_script(s, "DROP TABLE IF EXISTS registry_links", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_my_numbers", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_persons", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'registry'", NULL, 0, NULL);
	struct store_val v[] = { sv_text(T1) };
	store_exec(s, "DELETE FROM residents WHERE tenant = $1", v, 1, NULL);
	store_exec(s, "DELETE FROM tenants WHERE code = $1", v, 1, NULL);
}

/* the demo households in a fresh registry, and the record of 日之出 太郎 */
static json_t *demo_record(struct store **out)
{
	struct store *s;
	struct err e;
	*out = NULL;
	if (store_open(&s, url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, auth_schema, registry_schema };
	if (store_migrate(s, mods, 2, NULL, &e))
		printf("# migrate: %s\n", e.detail);
	cleanup(s);
	if (store_migrate(s, mods, 3, NULL, &e))
		printf("# migrate: %s\n", e.detail);
	struct tenant t = { .demo = 1 };
	snprintf(t.code, sizeof t.code, "%s", T1);
	snprintf(t.name_ja, sizeof t.name_ja, "試験区");
	snprintf(t.name_en, sizeof t.name_en, "Test Ward");
	tenant_add(s, &t, &e);
	registry_demo_seed(NULL, s, T1, &e);
	struct store_val v[] = { sv_text(T1) };
	store_exec(s, "INSERT INTO residents (tenant, email, password_hash, password_changed_at,"
		   " created_at) VALUES ($1, 'taro@example.jp', 'x', 0, 0)", v, 1, NULL);
	int64_t rid = 0;
	store_query_int(&rid, s, "SELECT id FROM residents WHERE tenant = $1", v, 1, NULL);
	json_t *j = NULL;
	if (registry_link(s, T1, rid, "P0001", 1, &e) ||
	    registry_person_json(&j, s, T1, rid, &e))
		printf("# registry: %s\n", e.detail);
	*out = s;
	return j;
}

static void done(struct store *s)
{
	if (!s)
		return;
	cleanup(s);
	store_close(s);
}

/* the rest of a 住民票郵送請求 a resident would type */
static void complete(json_t *ans)
{
	json_object_set_new(ans, "relation", json_string("self"));
	json_object_set_new(ans, "kind", json_string("juminhyo"));
	json_object_set_new(ans, "scope", json_string("all"));
	json_object_set_new(ans, "copies", json_integer(1));
	json_object_set_new(ans, "purpose", json_string("pension"));
}

static int has_error(const struct forms_result *r, const char *path, const char *code)
{
	for (int i = 0; i < r->nerrors; i++)
		if (strcmp(r->errors[i].path, path) == 0 && strcmp(r->errors[i].code, code) == 0)
			return 1;
	return 0;
}

static void test_prefill_from_registry(void)
{
	struct store *s;
	json_t *juki = demo_record(&s);
	struct arena *a = arena_new(0);
	struct forms_def *d = load_def(a, "data/procedures/juminhyo-yuso.json");
	if (!juki || !d) {
		T_CHECK(juki && d);
		goto out;
	}
	json_t *prev = json_pack("{s:s,s:s}", "applicant_phone", "03-1234-5678",
				 "applicant_email", "taro@example.jp");
	json_t *ans = NULL, *src = NULL;
	struct err e;
	T_EQ_INT(forms_prefill(&ans, &src, a, d, juki, prev, &e), 0);
	T_REQUIRE(ans && src);
	T_CHECK(json_equal(json_object_get(ans, "applicant_name"), json_object_get(juki, "name")));
	T_EQ_STR(json_string_value(json_object_get(ans, "applicant_birth")), "1988-05-12");
	T_EQ_STR(json_string_value(json_object_get(src, "applicant_name")), "juki");
	T_EQ_STR(json_string_value(json_object_get(src, "applicant_address")), "juki");
	T_EQ_STR(json_string_value(json_object_get(src, "applicant_phone")), "previous_submission");
	T_EQ_STR(json_string_value(json_object_get(ans, "applicant_email")), "taro@example.jp");
	/* the identity document is waived: the registry proves the address */
	json_t *w = json_object_get(ans, "id_document");
	T_CHECK(forms_answer_waived(w));
	T_EQ_STR(json_string_value(json_object_get(w, "waived")), "juki");
	T_EQ_STR(json_string_value(json_object_get(src, "id_document")), "juki");
	T_CHECK(json_object_get(ans, "relation") == NULL);

	/* the resident completes the rest: everything validates unchanged */
	complete(ans);
	struct forms_result r;
	T_EQ_INT(forms_validate(&r, a, d, ans, TODAY, &e), 0);
	for (int i = 0; i < r.nerrors; i++)
		printf("# unexpected error %s %s\n", r.errors[i].path, r.errors[i].code);
	T_EQ_INT(r.nerrors, 0);
	T_CHECK(json_equal(json_object_get(r.answers, "applicant_address"),
			   json_object_get(juki, "address")));
	T_CHECK(json_equal(json_object_get(r.answers, "id_document"), w));
	T_EQ_INT(forms_prefill_check(&r, a, d, r.answers, src, juki, &e), 0);
	T_EQ_INT(r.nerrors, 0);

	/* a read-only registry answer changed by hand */
	json_t *forged = json_deep_copy(ans);
	json_object_set_new(json_object_get(forged, "applicant_name"), "given",
			    json_string("次郎"));
	json_object_set_new(json_object_get(forged, "applicant_name"), "given_kana",
			    json_string("ジロウ"));
	T_EQ_INT(forms_validate(&r, a, d, forged, TODAY, &e), 0);
	T_EQ_INT(r.nerrors, 0);        /* validation alone cannot tell */
	T_EQ_INT(forms_prefill_check(&r, a, d, r.answers, src, juki, &e), 0);
	T_CHECK(has_error(&r, "applicant_name", "prefill_readonly"));
	for (int i = 0; i < r.nerrors; i++) {
		T_CHECK(strstr(r.errors[i].ja, "次郎") == NULL);
		T_CHECK(strstr(r.errors[i].en, "1988") == NULL);
	}
	json_decref(forged);

	/* a waiver without a registry record behind it */
	T_EQ_INT(forms_validate(&r, a, d, ans, TODAY, &e), 0);
	T_EQ_INT(forms_prefill_check(&r, a, d, r.answers, src, NULL, &e), 0);
	T_CHECK(has_error(&r, "id_document", "waiver"));

	/* no registry record: nothing from juki, no waiver; the file is asked */
	json_t *a2 = NULL, *s2 = NULL;
	T_EQ_INT(forms_prefill(&a2, &s2, a, d, NULL, NULL, &e), 0);
	T_EQ_INT(json_object_size(a2), 0);
	T_EQ_INT(json_object_size(s2), 0);
	json_decref(prev);
out:
	json_decref(juki);
	arena_free(a);
	done(s);
}

/* a definition where the address is editable, so the waiver must match */
static const char *WAIVE_DEF =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"t-waive\","
	"\"title\":{\"ja\":\"試験\",\"en\":\"Test\"},\"department\":\"shimin\","
	"\"retention_years\":5,\"target_days\":7,\"pages\":[{\"id\":\"p1\","
	"\"title\":{\"ja\":\"申請者\",\"en\":\"Applicant\"},\"fields\":["
	"{\"id\":\"addr\",\"type\":\"address_jp\",\"label\":{\"ja\":\"住所\",\"en\":\"Address\"},"
	"\"required\":true,\"prefill\":{\"source\":\"juki\",\"path\":\"address\",\"editable\":true}},"
	"{\"id\":\"proof\",\"type\":\"file\",\"label\":{\"ja\":\"住所を確認できる書類\",\"en\":\"Proof of address\"},"
	"\"required\":true,\"accept\":[\"application/pdf\"],"
	"\"waive_if\":{\"source\":\"juki\",\"path\":\"address\",\"matches\":\"addr\"}}]}]}";

static void test_waiver_matches(void)
{
	struct arena *a = arena_new(0);
	struct forms_def *d = NULL;
	struct err e;
	T_EQ_INT(forms_def_parse(&d, a, WAIVE_DEF, strlen(WAIVE_DEF), &e), 0);
	T_REQUIRE(d);
	json_t *juki = json_pack("{s:{s:s,s:s,s:s,s:s}}", "address", "postal_code", "139-9981",
				 "pref", "東京都", "city", "デモ区", "street", "日之出町1丁目2番3号");
	json_t *ans, *src;
	T_EQ_INT(forms_prefill(&ans, &src, a, d, juki, NULL, &e), 0);
	T_CHECK(forms_answer_waived(json_object_get(ans, "proof")));
	struct forms_result r;
	T_EQ_INT(forms_validate(&r, a, d, ans, TODAY, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	T_EQ_INT(forms_prefill_check(&r, a, d, r.answers, src, juki, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	/* the resident moves the address elsewhere: the waiver no longer holds,
	 * and "from the registry" no longer holds for the address either */
	json_t *edited = json_deep_copy(ans);
	json_object_set_new(json_object_get(edited, "addr"), "street",
			    json_string("紅葉台3丁目14番1号"));
	T_EQ_INT(forms_validate(&r, a, d, edited, TODAY, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	T_EQ_INT(forms_prefill_check(&r, a, d, r.answers, src, juki, &e), 0);
	T_CHECK(has_error(&r, "proof", "waiver"));
	T_CHECK(has_error(&r, "addr", "prefill_source"));
	/* the runner updates the sources after an edit */
	json_t *src2 = json_deep_copy(src);
	T_EQ_INT(forms_prefill_sources_update(src2, d, edited, juki, NULL), 2);
	T_EQ_INT(json_object_size(src2), 0);
	json_decref(src2);
	/* a waiver on a field that does not allow one is a wrong answer */
	json_t *bad = json_deep_copy(ans);
	json_object_set_new(bad, "proof", json_pack("{s:s}", "waived", "staff"));
	T_EQ_INT(forms_validate(&r, a, d, bad, TODAY, &e), 0);
	T_CHECK(has_error(&r, "proof", "type"));
	json_decref(bad);
	json_decref(edited);
	json_decref(juki);
	arena_free(a);
}

static void test_waive_if_schema(void)
{
	static const struct { const char *from, *to, *want; } cases[] = {
		{ "\"matches\":\"addr\"}", "\"matches\":\"nope\"}", "fields[1].waive_if" },
		{ "\"waive_if\":{\"source\":\"juki\"", "\"waive_if\":{\"source\":\"staff\"",
		  "must be one of" },
		{ "\"path\":\"address\",\"matches\"", "\"path\":\"Address!\",\"matches\"", "dotted name" },
		{ "\"matches\":\"addr\"}", "\"matches\":\"addr\",\"x\":1}", "unknown key" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[4096];
		const char *p = strstr(WAIVE_DEF, cases[i].from);
		T_REQUIRE(p);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - WAIVE_DEF), WAIVE_DEF, cases[i].to,
			 p + strlen(cases[i].from));
		struct arena *a = arena_new(0);
		struct forms_def *d = NULL;
		struct err e;
		T_EQ_INT(forms_def_parse(&d, a, buf, strlen(buf), &e), ERR_INVALID);
		if (!strstr(e.detail, cases[i].want))
			T_FAIL_("case %zu: detail \"%s\" lacks \"%s\"", i, e.detail, cases[i].want);
		arena_free(a);
	}
	/* waive_if on a text field is an unknown key */
	struct arena *a = arena_new(0);
	struct forms_def *d = NULL;
	struct err e;
	const char *t = "{\"format\":\"madoguchi-procedure/1\",\"id\":\"t\",\"title\":{\"ja\":\"a\",\"en\":\"a\"},"
			"\"department\":\"x\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
			"\"title\":{\"ja\":\"a\",\"en\":\"a\"},\"fields\":[{\"id\":\"t\",\"type\":\"text\","
			"\"label\":{\"ja\":\"a\",\"en\":\"a\"},\"waive_if\":{\"source\":\"juki\",\"path\":\"name\"}}]}]}";
	T_EQ_INT(forms_def_parse(&d, a, t, strlen(t), &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "unknown key \"waive_if\"") != NULL);
	arena_free(a);
}

static void test_json_path(void)
{
	json_t *v = json_pack("{s:{s:s},s:[{s:s}]}", "a", "b", "c", "h", "n", "x");
	T_EQ_STR(json_string_value(forms_json_path(v, "a.b")), "c");
	T_EQ_STR(json_string_value(forms_json_path(v, "h.0.n")), "x");
	T_CHECK(forms_json_path(v, "a.z") == NULL);
	T_CHECK(forms_json_path(v, "a..b") == NULL);
	T_CHECK(forms_json_path(v, "h.5.n") == NULL);
	T_CHECK(forms_json_path(NULL, "a") == NULL);
	json_decref(v);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/madoguchi-prefill-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	printf("# database: %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
	T_RUN(test_prefill_from_registry);
	T_RUN(test_waiver_matches);
	T_RUN(test_waive_if_schema);
	T_RUN(test_json_path);
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
