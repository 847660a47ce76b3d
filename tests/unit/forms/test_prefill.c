/*
 * test_prefill.c -- once only: answers prefilled from the registry record
 * (registry_person_json of the demo ward's seeded households, on the
 * database MADOGUCHI_TEST_DB names, default a fresh SQLite file) and from
 * the previous submission validate unchanged on a shipped definition
 * (住民票の写しの郵送請求); each keeps its source; a changed read-only
 * answer, a changed "from the registry" answer and a waiver the registry
 * does not prove are refused at submit (forms_prefill_check) without
 * quoting a value; the waive_if key is schema-checked;
 * forms_prefill_sources_update drops sources of edited answers; and a
 * repeatable group is prefilled from the household (the shipped 転出届's
 * "movers"), one item per other member, read-only or editable as the
 * definition says, with its schema rules.
 */
#include "t.h"

#include <dirent.h>
#include <unistd.h>

#include "core/auth/auth.h"
#include "core/forms/forms.h"
#include "core/registry/registry.h"
#include "core/tenant/tenant.h"

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

/* data/procedures, from the repository root or a build directory */
static const char *procedures_dir(void)
{
	static const char *const c[] = { "data/procedures", "../data/procedures",
					 "../../data/procedures", "../../../data/procedures" };
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (access(c[i], R_OK) == 0)
			return c[i];
	return "data/procedures";
}

static void cleanup(struct store *s)
{
	/* the registry's link code tables (linkcode.c) reference persons */
	store_script(s, "DROP TABLE IF EXISTS registry_link_letters", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_link_codes", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_link_attempts", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_links", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_my_numbers", NULL);
	store_script(s, "DROP TABLE IF EXISTS registry_persons", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'registry'", NULL, 0, NULL);
	struct store_val v[] = { sv_text(T1) };
	store_exec(s, "DELETE FROM residents WHERE tenant = $1", v, 1, NULL);
	store_exec(s, "DELETE FROM tenants WHERE code = $1", v, 1, NULL);
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
	store_script(s, store_kind(s) == STORE_PG ? "DROP TABLE IF EXISTS registry_links CASCADE"
		     : "DROP TABLE IF EXISTS registry_links", NULL);
	reset_unrecorded(s);
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
	char jpath[300];
	snprintf(jpath, sizeof jpath, "%s/juminhyo-yuso.json", procedures_dir());
	struct forms_def *d = load_def(a, jpath);
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

/* every shipped definition: what the registry and the previous answers
 * prefill validates as it is (errors may only concern other fields) */
static void test_shipped_prefills_validate(void)
{
	struct store *s;
	json_t *juki = demo_record(&s);
	DIR *dir = opendir(procedures_dir());
	if (!juki || !dir) {
		T_CHECK(juki && dir);
		goto out;
	}
	json_t *prev = json_pack("{s:s,s:s}", "applicant_phone", "090-1234-5678",
				 "applicant_email", "taro@example.jp");
	struct dirent *de;
	int files = 0, prefilled = 0, waived = 0;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		char path[300];
		snprintf(path, sizeof path, "%s/%s", procedures_dir(), de->d_name);
		struct arena *a = arena_new(0);
		struct forms_def *d = load_def(a, path);
		T_CHECK(d != NULL);
		json_t *ans = NULL, *src = NULL;
		struct err e;
		if (d && forms_prefill(&ans, &src, a, d, juki, prev, &e) == 0) {
			files++;
			prefilled += (int)json_object_size(src);
			struct forms_result r;
			T_EQ_INT(forms_validate(&r, a, d, ans, TODAY, &e), 0);
			for (int i = 0; i < r.nerrors; i++) {
				char id[FORMS_PATH_MAX];
				snprintf(id, sizeof id, "%s", r.errors[i].path);
				id[strcspn(id, ".[")] = 0;
				if (json_object_get(src, id))
					T_FAIL_("%s: prefilled %s: %s", de->d_name, r.errors[i].path,
						r.errors[i].code);
			}
			/* normalising a prefilled answer leaves it as it was, so the
			 * read-only comparison at submit holds */
			const char *k;
			json_t *v;
			json_object_foreach(ans, k, v) {
				waived += forms_answer_waived(v);
				const json_t *nv = json_object_get(r.answers, k);
				if (nv && !json_equal(nv, v))
					T_FAIL_("%s: %s changes when normalised", de->d_name, k);
			}
			/* at submit the unchanged prefill passes the check */
			r.nerrors = 0;
			T_EQ_INT(forms_prefill_check(&r, a, d, ans, src, juki, &e), 0);
			T_EQ_INT(r.nerrors, 0);
		}
		arena_free(a);
	}
	printf("# %d definitions, %d prefilled answers, %d waived files\n", files, prefilled, waived);
	T_CHECK(files >= 30);
	T_CHECK(prefilled >= 130);
	T_EQ_INT(waived, 3);
	json_decref(prev);
out:
	if (dir)
		closedir(dir);
	json_decref(juki);
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
	/* the staff export says the file was waived, and by what */
	struct forms_column *cols;
	int nc = forms_columns(&cols, a, d, &e);
	const char **cells;
	T_REQUIRE(nc > 0);
	T_EQ_INT(forms_export_row(&cells, a, cols, nc, r.answers, &e), 0);
	int seen = 0;
	for (int i = 0; i < nc; i++) {
		if (strcmp(cols[i].key, "proof.name") == 0) {
			T_EQ_STR(cells[i], "waived:juki");
			seen = 1;
		} else if (strncmp(cols[i].key, "proof.", 6) == 0) {
			T_EQ_STR(cells[i], "");
		}
	}
	T_CHECK(seen);
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

/* a group prefilled from the household, the resident's own entry left out */
static const char *GROUP_DEF_HEAD =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"t-group\","
	"\"title\":{\"ja\":\"試験\",\"en\":\"Test\"},\"department\":\"shimin\","
	"\"retention_years\":5,\"target_days\":7,\"pages\":[{\"id\":\"p1\","
	"\"title\":{\"ja\":\"世帯\",\"en\":\"Household\"},\"fields\":[";
static const char *GROUP_DEF_TAIL = "]}]}";

static struct forms_def *group_def(struct arena *a, const char *field, struct err *e)
{
	char text[4096];
	snprintf(text, sizeof text, "%s%s%s", GROUP_DEF_HEAD, field, GROUP_DEF_TAIL);
	struct forms_def *d = NULL;
	return forms_def_parse(&d, a, text, strlen(text), e) == 0 ? d : NULL;
}

static void test_group_from_household(void)
{
	struct store *s;
	json_t *juki = demo_record(&s);
	struct arena *a = arena_new(0);
	char jpath[300];
	snprintf(jpath, sizeof jpath, "%s/tenshutsu.json", procedures_dir());
	struct forms_def *d = load_def(a, jpath);
	if (!juki || !d) {
		T_CHECK(juki && d);
		goto out;
	}
	json_t *ans = NULL, *src = NULL;
	struct err e;
	T_EQ_INT(forms_prefill(&ans, &src, a, d, juki, NULL, &e), 0);
	/* 日之出太郎's household: his wife and two children, in registry order */
	const json_t *movers = json_object_get(ans, "movers");
	T_REQUIRE(json_is_array(movers));
	T_EQ_INT((int)json_array_size(movers), 3);
	T_EQ_STR(json_string_value(json_object_get(src, "movers")), "juki");
	const json_t *wife = json_array_get(movers, 0), *hh = json_object_get(juki, "household");
	T_EQ_INT((int)json_object_size(wife), 3);
	T_CHECK(json_equal(json_object_get(wife, "mover_name"),
			   json_object_get(json_array_get(hh, 1), "name")));
	T_EQ_STR(json_string_value(json_object_get(wife, "mover_birth")), "1990-09-03");
	T_EQ_STR(json_string_value(json_object_get(wife, "mover_relation")), "妻");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(movers, 2), "mover_birth")),
		 "2024-06-20");
	/* valid as prefilled; unchanged after normalising; passes the check */
	struct forms_result r;
	T_EQ_INT(forms_validate(&r, a, d, ans, TODAY, &e), 0);
	for (int i = 0; i < r.nerrors; i++)
		if (strncmp(r.errors[i].path, "movers", 6) == 0)
			T_FAIL_("prefilled movers: %s %s", r.errors[i].path, r.errors[i].code);
	T_CHECK(json_equal(json_object_get(r.answers, "movers"), movers));
	r.nerrors = 0;
	T_EQ_INT(forms_prefill_check(&r, a, d, ans, src, juki, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	/* editable: a member who stays is removed, and the answer is no
	 * longer "from the registry" */
	json_t *edited = json_deep_copy(ans);
	json_array_remove(json_object_get(edited, "movers"), 0);
	json_t *src2 = json_deep_copy(src);
	T_CHECK(forms_prefill_sources_update(src2, d, edited, juki, NULL) >= 1);
	T_CHECK(json_object_get(src2, "movers") == NULL);
	r.nerrors = 0;
	T_EQ_INT(forms_prefill_check(&r, a, d, edited, src2, juki, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	/* but kept marked as from the registry, it must be looked at again */
	r.nerrors = 0;
	T_EQ_INT(forms_prefill_check(&r, a, d, edited, src, juki, &e), 0);
	T_CHECK(has_error(&r, "movers", "prefill_source"));
	json_decref(src2);

	/* read-only (no "editable"): the household as the registry has it,
	 * the resident's own entry included without except_self */
	struct forms_def *ro = group_def(a,
		"{\"id\":\"members\",\"type\":\"group\",\"label\":{\"ja\":\"世帯員\",\"en\":\"Members\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"household\"},\"fields\":["
		"{\"id\":\"who\",\"type\":\"name_jp\",\"label\":{\"ja\":\"氏名\",\"en\":\"Name\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"name\"}},"
		"{\"id\":\"born\",\"type\":\"date\",\"label\":{\"ja\":\"生年月日\",\"en\":\"Born\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"birth_date\"}}]}", &e);
	T_REQUIRE(ro != NULL);
	json_t *a2 = NULL, *s2 = NULL;
	T_EQ_INT(forms_prefill(&a2, &s2, a, ro, juki, NULL, &e), 0);
	T_EQ_INT((int)json_array_size(json_object_get(a2, "members")), 4);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(a2, "members"), 0),
						   "born")), "1988-05-12");
	json_t *forged = json_deep_copy(a2);
	json_object_set_new(json_array_get(json_object_get(forged, "members"), 3), "born",
			    json_string("2023-06-20"));
	r.nerrors = 0;
	T_EQ_INT(forms_prefill_check(&r, a, ro, forged, s2, juki, &e), 0);
	T_CHECK(has_error(&r, "members", "prefill_readonly"));
	for (int i = 0; i < r.nerrors; i++)
		T_CHECK(strstr(r.errors[i].ja, "2023") == NULL && strstr(r.errors[i].en, "2023") == NULL);
	json_decref(forged);
	/* no registry record: no items */
	T_EQ_INT(forms_prefill(&a2, &s2, a, ro, NULL, NULL, &e), 0);
	T_CHECK(json_object_get(a2, "members") == NULL);

	/* the schema: a sub-field is prefilled only in a prefilled group; a
	 * group from the registry names what each item takes; except_self
	 * is for a group from the registry */
	T_CHECK(group_def(a,
		"{\"id\":\"g\",\"type\":\"group\",\"label\":{\"ja\":\"g\",\"en\":\"g\"},\"fields\":["
		"{\"id\":\"x\",\"type\":\"text\",\"label\":{\"ja\":\"x\",\"en\":\"x\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"name\"}}]}", &e) == NULL);
	T_CHECK(strstr(e.detail, "only when its group is") != NULL);
	T_CHECK(group_def(a,
		"{\"id\":\"g\",\"type\":\"group\",\"label\":{\"ja\":\"g\",\"en\":\"g\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"household\"},\"fields\":["
		"{\"id\":\"x\",\"type\":\"text\",\"label\":{\"ja\":\"x\",\"en\":\"x\"}}]}", &e) == NULL);
	T_CHECK(strstr(e.detail, "naming the key") != NULL);
	T_CHECK(group_def(a,
		"{\"id\":\"x\",\"type\":\"text\",\"label\":{\"ja\":\"x\",\"en\":\"x\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"name\",\"except_self\":true}}", &e) == NULL);
	T_CHECK(group_def(a,
		"{\"id\":\"g\",\"type\":\"group\",\"label\":{\"ja\":\"g\",\"en\":\"g\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"household\"},\"fields\":["
		"{\"id\":\"x\",\"type\":\"text\",\"label\":{\"ja\":\"x\",\"en\":\"x\"},"
		"\"prefill\":{\"source\":\"juki\",\"path\":\"Name!\"}}]}", &e) == NULL);
	json_decref(edited);
out:
	json_decref(juki);
	arena_free(a);
	done(s);
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
	T_RUN(test_shipped_prefills_validate);
	T_RUN(test_waiver_matches);
	T_RUN(test_waive_if_schema);
	T_RUN(test_json_path);
	T_RUN(test_group_from_household);
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
