/*
 * test_versions.c -- publishing procedure definitions: a new version for
 * each change and none for an unchanged definition (compared by canonical
 * form, so key order and spacing do not count), old versions still load
 * unchanged, tenants are separate.  Runs on the database MADOGUCHI_TEST_DB
 * names (default: a fresh SQLite file), and leaves a shared database as it
 * found it.
 */
#include "t.h"

#include <unistd.h>

#include "core/forms/forms.h"
#include "core/tenant/tenant.h"

static const char *url;
static char sqlite_path[128];
/* fictional codes (valid check digits) no other suite uses */
static const char *T1 = "479918", *T2 = "479926";

static const char *V1 =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"inu-touroku\","
	"\"title\":{\"ja\":\"犬の登録\",\"en\":\"Dog registration\"},\"department\":\"seikatsu-eisei\","
	"\"retention_years\":5,\"target_days\":7,\"pages\":[{\"id\":\"p1\","
	"\"title\":{\"ja\":\"犬\",\"en\":\"Dog\"},\"fields\":[{\"id\":\"dog_name\",\"type\":\"text\","
	"\"label\":{\"ja\":\"犬の名前\",\"en\":\"Dog's name\"},\"required\":true}]}]}";
/* the same definition, keys in another order and spaced out */
static const char *V1_REORDERED =
	"{ \"target_days\": 7, \"retention_years\": 5, \"id\": \"inu-touroku\",\n"
	"  \"pages\": [ { \"fields\": [ { \"required\": true, \"type\": \"text\", \"id\": \"dog_name\",\n"
	"      \"label\": { \"en\": \"Dog's name\", \"ja\": \"犬の名前\" } } ],\n"
	"    \"title\": { \"en\": \"Dog\", \"ja\": \"犬\" }, \"id\": \"p1\" } ],\n"
	"  \"department\": \"seikatsu-eisei\", \"title\": { \"en\": \"Dog registration\", \"ja\": \"犬の登録\" },\n"
	"  \"format\": \"madoguchi-procedure/1\" }";
static const char *V2 =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"inu-touroku\","
	"\"title\":{\"ja\":\"犬の登録申請\",\"en\":\"Dog registration\"},\"department\":\"seikatsu-eisei\","
	"\"retention_years\":5,\"target_days\":7,\"pages\":[{\"id\":\"p1\","
	"\"title\":{\"ja\":\"犬\",\"en\":\"Dog\"},\"fields\":[{\"id\":\"dog_name\",\"type\":\"text\","
	"\"label\":{\"ja\":\"犬の名前\",\"en\":\"Dog's name\"},\"required\":true},"
	"{\"id\":\"breed\",\"type\":\"text\",\"label\":{\"ja\":\"犬種\",\"en\":\"Breed\"}}]}]}";

static void cleanup(struct store *s)
{
	store_script(s, "DROP TABLE IF EXISTS procedure_drafts; DROP TABLE IF EXISTS procedure_versions;"
		     " DROP TABLE IF EXISTS procedures", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'forms'", NULL, 0, NULL);
	struct store_val v[] = { sv_text(T1), sv_text(T2) };
	store_exec(s, "DELETE FROM tenants WHERE code IN ($1, $2)", v, 2, NULL);
}

static struct store *open_fresh(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	cleanup(s);
	const struct store_module_schema mods[] = { tenant_schema, forms_schema };
	if (store_migrate(s, mods, 2, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	struct tenant t = { .demo = 1 };
	snprintf(t.code, sizeof t.code, "%s", T1);
	snprintf(t.name_ja, sizeof t.name_ja, "試験区");
	snprintf(t.name_en, sizeof t.name_en, "Test Ward");
	if (tenant_add(s, &t, &e)) {
		printf("# tenant: %s\n", e.detail);
	}
	snprintf(t.code, sizeof t.code, "%s", T2);
	snprintf(t.name_ja, sizeof t.name_ja, "第二区");
	snprintf(t.name_en, sizeof t.name_en, "Second Ward");
	tenant_add(s, &t, &e);
	return s;
}

static struct forms_def *def(struct arena *a, const char *json)
{
	struct forms_def *d = NULL;
	struct err e;
	if (forms_def_parse(&d, a, json, strlen(json), &e))
		printf("# def: %s\n", e.detail);
	return d;
}

struct listed {
	int n;
	char line[8][200];
};

static void on_row(const struct forms_published *p, void *arg)
{
	struct listed *l = arg;
	if (l->n < 8)
		snprintf(l->line[l->n], sizeof l->line[0], "%s %s v%d %s", p->tenant, p->id,
			 p->version, p->title_ja);
	l->n++;
}

static void test_versions(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct arena *a = arena_new(0);
	struct err e;
	int v = -1, created = -1;
	T_EQ_INT(forms_publish(&v, &created, s, T1, def(a, V1), &e), 0);
	T_EQ_INT(v, 1);
	T_EQ_INT(created, 1);
	char *v1_before = NULL;
	const char *row_sql = "SELECT definition || '|' || sha256 || '|' || title_ja || '|' ||"
			      " CAST(published_at AS TEXT) FROM procedure_versions"
			      " WHERE tenant = $1 AND version = 1";
	struct store_val tv[] = { sv_text(T1) };
	T_EQ_INT(store_query_text(&v1_before, s, row_sql, tv, 1, &e), 0);
	/* unchanged: no new version, even with keys reordered */
	T_EQ_INT(forms_publish(&v, &created, s, T1, def(a, V1), &e), 0);
	T_EQ_INT(v, 1);
	T_EQ_INT(created, 0);
	T_EQ_INT(forms_publish(&v, &created, s, T1, def(a, V1_REORDERED), &e), 0);
	T_EQ_INT(v, 1);
	T_EQ_INT(created, 0);
	/* a change: version 2 */
	T_EQ_INT(forms_publish(&v, &created, s, T1, def(a, V2), &e), 0);
	T_EQ_INT(v, 2);
	T_EQ_INT(created, 1);
	/* going back to the first text is a change too: version 3 */
	T_EQ_INT(forms_publish(&v, &created, s, T1, def(a, V1), &e), 0);
	T_EQ_INT(v, 3);
	/* the first version's row is exactly as it was written */
	char *v1_after = NULL;
	T_EQ_INT(store_query_text(&v1_after, s, row_sql, tv, 1, &e), 0);
	T_EQ_STR(v1_after, v1_before);
	free(v1_before);
	free(v1_after);
	/* every version loads as it was published */
	struct forms_def *d;
	int got = 0;
	T_EQ_INT(forms_load_version(&d, &got, a, s,
				    &(struct forms_ref){ .tenant = T1, .id = "inu-touroku",
							 .version = 1 }, &e), 0);
	T_EQ_INT(got, 1);
	T_EQ_STR(d->title.ja, "犬の登録");
	T_EQ_INT(d->pages[0].nfields, 1);
	T_EQ_INT(forms_load_version(&d, &got, a, s,
				    &(struct forms_ref){ .tenant = T1, .id = "inu-touroku",
							 .version = 2 }, &e), 0);
	T_EQ_STR(d->title.ja, "犬の登録申請");
	T_EQ_INT(d->pages[0].nfields, 2);
	T_EQ_INT(forms_load_version(&d, &got, a, s,
				    &(struct forms_ref){ .tenant = T1, .id = "inu-touroku",
							 .version = 0 }, &e), 0);
	T_EQ_INT(got, 3);
	T_EQ_INT(forms_load_version(&d, &got, a, s,
				    &(struct forms_ref){ .tenant = T1, .id = "inu-touroku",
							 .version = 9 }, &e), ERR_NOTFOUND);
	T_EQ_INT(forms_load_version(&d, &got, a, s,
				    &(struct forms_ref){ .tenant = T2, .id = "inu-touroku",
							 .version = 0 }, &e), ERR_NOTFOUND);
	/* the stored text is the canonical form, and its hash is recorded */
	struct store_rows *r;
	T_REQUIRE(store_query(&r, s, "SELECT definition, sha256 FROM procedure_versions"
			      " WHERE tenant = $1 AND version = 1",
			      (struct store_val[]){ sv_text(T1) }, 1, &e) == 0);
	T_EQ_INT(store_rows_next(r, &e), 1);
	char h[65];
	const char *text = store_col_text(r, 0);
	forms_sha256_hex(h, text, strlen(text));
	T_EQ_STR(store_col_text(r, 1), h);
	T_CHECK(strncmp(text, "{\"department\":\"seikatsu-eisei\",\"format\":", 40) == 0);
	store_rows_free(r);
	arena_free(a);
	store_close(s);
}

static void test_tenants_and_list(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct arena *a = arena_new(0);
	struct err e;
	int v;
	T_EQ_INT(forms_publish(&v, NULL, s, T1, def(a, V1), &e), 0);
	T_EQ_INT(forms_publish(&v, NULL, s, T1, def(a, V2), &e), 0);
	T_EQ_INT(forms_publish(&v, NULL, s, T2, def(a, V1), &e), 0);
	T_EQ_INT(v, 1);                      /* each tenant counts its own */
	T_EQ_INT(forms_publish(&v, NULL, s, "999999", def(a, V1), &e), ERR_NOTFOUND);
	struct listed l = { 0 };
	T_EQ_INT(forms_list(s, NULL, on_row, &l, &e), 2);
	T_EQ_STR(l.line[0], "479918 inu-touroku v2 犬の登録申請");
	T_EQ_STR(l.line[1], "479926 inu-touroku v1 犬の登録");
	memset(&l, 0, sizeof l);
	T_EQ_INT(forms_list(s, T1, on_row, &l, &e), 1);
	T_EQ_STR(l.line[0], "479918 inu-touroku v2 犬の登録申請");
	/* the module has no way to change a version: its rows stay as written */
	int64_t n = 0;
	T_EQ_INT(store_query_int(&n, s, "SELECT count(*) FROM procedure_versions", NULL, 0, &e), 0);
	T_EQ_INT(n, 3);
	arena_free(a);
	cleanup(s);
	store_close(s);
}

struct hook_log {
	int calls, fail;
	char last[64];
};

static int hook(struct store *s, const char *tenant, const char *id, int version,
		void *arg, struct err *e)
{
	struct hook_log *h = arg;
	(void)s;
	h->calls++;
	snprintf(h->last, sizeof h->last, "%s %s v%d", tenant, id, version);
	return h->fail ? err_set(e, ERR_DB, "hook refused") : 0;
}

static void test_hook(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct arena *a = arena_new(0);
	struct err e;
	struct hook_log h = { 0 };
	struct forms_publish_hook hk = { hook, &h };
	int v = 0, created = 0;
	T_EQ_INT(forms_publish_with(&v, &created, s, T1, def(a, V1), &hk, &e), 0);
	T_EQ_INT(h.calls, 1);
	T_EQ_STR(h.last, "479918 inu-touroku v1");
	/* unchanged: no version, no hook */
	T_EQ_INT(forms_publish_with(&v, &created, s, T1, def(a, V1), &hk, &e), 0);
	T_EQ_INT(h.calls, 1);
	/* a failing hook rolls the new version back */
	h.fail = 1;
	T_EQ_INT(forms_publish_with(&v, &created, s, T1, def(a, V2), &hk, &e), ERR_DB);
	T_EQ_INT(h.calls, 2);
	int64_t n = 0;
	T_EQ_INT(store_query_int(&n, s, "SELECT count(*) FROM procedure_versions", NULL, 0, &e), 0);
	T_EQ_INT(n, 1);
	T_CHECK(!store_in_tx(s));
	h.fail = 0;
	T_EQ_INT(forms_publish_with(&v, &created, s, T1, def(a, V2), &hk, &e), 0);
	T_EQ_INT(v, 2);
	arena_free(a);
	cleanup(s);
	store_close(s);
}

/* drafts and their review: edits refused in review, the submitter cannot
 * approve, a second member can; sent back with a comment; withdrawal
 * hides the latest version from forms_list and version 0 */
static void test_drafts(void)
{
	struct store *s = open_fresh();
	T_REQUIRE(s);
	struct arena *a = arena_new(0);
	struct err e;
	struct forms_draft dr;
	T_EQ_INT(forms_draft_get(&dr, a, s, T1, "inu-touroku", &e), ERR_NOTFOUND);
	T_EQ_INT(forms_draft_put(s, T1, def(a, V1), 0, 11, &e), 0);
	T_EQ_INT(forms_draft_get(&dr, a, s, T1, "inu-touroku", &e), 0);
	T_EQ_STR(dr.state, "draft");
	T_EQ_INT(dr.updated_by, 11);
	T_EQ_STR(dr.def->title.ja, "犬の登録");
	T_EQ_INT(forms_draft_put(s, T1, def(a, V2), 0, 11, &e), 0);
	struct forms_draft_step st = { .tenant = T1, .code = "inu-touroku", .to = "review", .staff = 11 };
	T_EQ_INT(forms_draft_move(s, &st, &e), 0);
	T_EQ_INT(forms_draft_put(s, T1, def(a, V1), 0, 11, &e), ERR_CONFLICT);
	st.to = "approved";
	T_EQ_INT(forms_draft_move(s, &st, &e), ERR_DENIED);
	st.to = "draft";
	st.staff = 12;
	st.comment = "題名を直してください";
	T_EQ_INT(forms_draft_move(s, &st, &e), 0);
	T_EQ_INT(forms_draft_get(&dr, a, s, T1, "inu-touroku", &e), 0);
	T_EQ_STR(dr.state, "draft");
	T_EQ_STR(dr.comment, "題名を直してください");
	T_EQ_STR(dr.def->title.ja, "犬の登録申請");
	st.to = "review";
	st.staff = 11;
	st.comment = NULL;
	T_EQ_INT(forms_draft_move(s, &st, &e), 0);
	st.to = "approved";
	st.staff = 12;
	T_EQ_INT(forms_draft_move(s, &st, &e), 0);
	T_EQ_INT(forms_draft_move(s, &st, &e), ERR_CONFLICT);
	int v = 0;
	T_EQ_INT(forms_publish(&v, NULL, s, T1, dr.def, &e), 0);
	T_EQ_INT(forms_draft_drop(s, T1, "inu-touroku", &e), 0);
	T_EQ_INT(forms_draft_get(&dr, a, s, T1, "inu-touroku", &e), ERR_NOTFOUND);
	/* withdrawal */
	struct listed l = { 0 };
	T_EQ_INT(forms_unpublish(s, T1, "inu-touroku", 1, &e), 0);
	T_EQ_INT(forms_is_unpublished(s, T1, "inu-touroku", &e), 1);
	T_EQ_INT(forms_list(s, T1, on_row, &l, &e), 0);
	T_EQ_INT(forms_list_staff(s, T1, on_row, &l, &e), 1);
	struct forms_def *d = NULL;
	T_EQ_INT(forms_load_version(&d, NULL, a, s, &(struct forms_ref){ .tenant = T1,
		.id = "inu-touroku", .version = 0 }, &e), ERR_NOTFOUND);
	T_EQ_INT(forms_load_version(&d, NULL, a, s, &(struct forms_ref){ .tenant = T1,
		.id = "inu-touroku", .version = v }, &e), 0);
	T_EQ_INT(forms_unpublish(s, T1, "inu-touroku", 0, &e), 0);
	T_EQ_INT(forms_list(s, T1, on_row, &l, &e), 1);
	T_EQ_INT(forms_unpublish(s, T1, "no-such", 1, &e), ERR_NOTFOUND);
	arena_free(a);
	cleanup(s);
	store_close(s);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/madoguchi-forms-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	printf("# database: %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
	T_RUN(test_versions);
	T_RUN(test_tenants_and_list);
	T_RUN(test_hook);
	T_RUN(test_drafts);
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
