/*
 * test_dept.c -- departments as data (src/svc/dept) and the rule that a
 * published procedure reaches someone, on both backends (MADOGUCHI_TEST_DB;
 * default a fresh SQLite file):
 *   - in a fresh demo ward (`madoguchi demo`, cli_demo), every department
 *     a shipped procedure names (read here from data/procedures/NAME.json)
 *     is a department row with a Japanese name and is readable by at least
 *     one active demo login: checked per staff member with
 *     auth_staff_has_permission (applications.read and dept.<d> or
 *     dept.all), independently of auth_dept_readers' SQL; and the counts
 *     agree with dept_readers;
 *   - demo-staff stays in 子育て支援 (reads kosodate-teate, not
 *     kokuho-nenkin);
 *   - dept_check: each field's rule; dept_put insert, update, a parent
 *     that does not exist;
 *   - procedures_publish refuses (ERR_DENIED) a procedure whose
 *     department nobody reads and writes nothing; once a role owning the
 *     department is held by staff (dept_owner_set), it publishes;
 *   - apply_unrouted finds nothing in the demo.
 */
#include "t.h"
#include "tdb.h"

#include <dirent.h>
#include <jansson.h>
#include <unistd.h>

#include "web/app.h"
#include "cli/cli.h"
#include "core/auth/auth.h"
#include "core/forms/forms.h"
#include "svc/apply/apply.h"
#include "svc/dept/dept.h"
#include "svc/procedures/procedures.h"

static struct tdb db;
static struct store *s;
#define T "139998"

struct staff_ids {
	int64_t id[64];
	char login[64][AUTH_LOGIN_MAX + 1];
	int n;
};

static void staff_cb(const struct auth_staff *st, void *arg)
{
	struct staff_ids *l = arg;
	if (st->active && l->n < 64) {
		l->id[l->n] = st->id;
		snprintf(l->login[l->n], sizeof l->login[0], "%s", st->login);
		l->n++;
	}
}

/* the departments the shipped procedures name, each once */
static int shipped_departments(char (*out)[64], int max)
{
	DIR *d = opendir("data/procedures");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "data/procedures/%s", de->d_name);
		json_t *j = json_load_file(path, 0, NULL);
		const char *dep = json_string_value(json_object_get(j, "department"));
		int dup = 0;
		for (int i = 0; dep && i < n && !dup; i++)
			dup = strcmp(out[i], dep) == 0;
		if (dep && !dup && n < max)
			snprintf(out[n++], 64, "%s", dep);
		json_decref(j);
	}
	closedir(d);
	return n;
}

static int can_read(int64_t staff, const char *dept)
{
	struct err e;
	char perm[80];
	if (dept_perm(perm, sizeof perm, dept))
		return 0;
	return auth_staff_has_permission(s, T, staff, AUTH_PERM_APPLICATIONS_READ, 1, &e) == 1 &&
	       (auth_staff_has_permission(s, T, staff, perm, 1, &e) == 1 ||
		auth_staff_has_permission(s, T, staff, AUTH_PERM_DEPT_ALL, 1, &e) == 1);
}

static void test_demo_every_shipped_department_has_readers(void)
{
	char deps[128][64];
	int nd = shipped_departments(deps, 128);
	T_REQUIRE(nd > 0);
	struct staff_ids st = { .n = 0 };
	struct err e;
	T_REQUIRE(auth_staff_list(s, T, staff_cb, &st, &e) >= 0);
	T_REQUIRE(st.n > 0);
	for (int i = 0; i < nd; i++) {
		struct dept d;
		int rc = dept_get(&d, s, T, deps[i], &e);
		if (rc)
			T_FAIL_("department %s named by a procedure has no row", deps[i]);
		else
			T_CHECK(d.name_ja[0] != 0);
		int readers = 0;
		const char *who = NULL;
		for (int k = 0; k < st.n; k++)
			if (can_read(st.id[k], deps[i])) {
				readers++;
				if (strncmp(st.login[k], "demo-", 5) == 0)
					who = st.login[k];
			}
		if (!who)
			T_FAIL_("no demo login can read department %s", deps[i]);
		else
			printf("# %s: %s\n", deps[i], who);
		int64_t n = -1;
		T_EQ_INT(dept_readers(&n, NULL, s, T, deps[i], &e), 0);
		T_EQ_INT(n, readers);
		T_EQ_INT(dept_check_routed(s, T, deps[i], &e), 0);
	}
}

static void test_demo_staff_in_kosodate(void)
{
	struct auth_staff st;
	struct err e;
	T_REQUIRE(auth_staff_get_by_login(&st, s, T, "demo-staff", &e) == 0);
	T_CHECK(can_read(st.id, "kosodate-teate"));
	T_CHECK(can_read(st.id, "hoiku"));
	T_CHECK(!can_read(st.id, "kokuho-nenkin"));
	T_CHECK(!can_read(st.id, "seisou"));
	T_REQUIRE(auth_staff_get_by_login(&st, s, T, "demo-viewer", &e) == 0);
	T_CHECK(!can_read(st.id, "kuminka"));
}

static void test_check_and_put(void)
{
	struct err e;
	struct dept d = { .code = "test-ka", .name_ja = "テスト課", .name_en = "Test",
			  .phone = "03-0000-9999", .email = "test@demo-ward.example.jp",
			  .place = "本庁舎9階" };
	T_EQ_INT(dept_check(&d, &e), 0);
	struct dept b = d;
	snprintf(b.code, sizeof b.code, "Bad_Code");
	T_EQ_INT(dept_check(&b, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "code");
	b = d;
	b.name_ja[0] = 0;
	T_EQ_INT(dept_check(&b, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "name_ja");
	b = d;
	snprintf(b.phone, sizeof b.phone, "03-abc");
	T_EQ_INT(dept_check(&b, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "phone");
	b = d;
	snprintf(b.email, sizeof b.email, "no-at-sign");
	T_EQ_INT(dept_check(&b, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "email");
	b = d;
	snprintf(b.parent, sizeof b.parent, "test-ka");
	T_EQ_INT(dept_check(&b, &e), ERR_INVALID);
	T_EQ_STR(e.detail, "parent");
	b = d;
	snprintf(b.parent, sizeof b.parent, "no-such-parent");
	int created = -1;
	T_EQ_INT(dept_put(&created, s, T, &b, 1, &e), ERR_INVALID);
	T_EQ_INT(dept_put(&created, s, T, &d, 1, &e), 0);
	T_EQ_INT(created, 1);
	snprintf(d.name_en, sizeof d.name_en, "Test Division");
	snprintf(d.parent, sizeof d.parent, "kuminka");
	T_EQ_INT(dept_put(&created, s, T, &d, 2, &e), 0);
	T_EQ_INT(created, 0);
	struct dept g;
	T_EQ_INT(dept_get(&g, s, T, "test-ka", &e), 0);
	T_EQ_STR(g.name_en, "Test Division");
	T_EQ_STR(g.parent, "kuminka");
	T_EQ_INT(dept_get(&g, s, "131059", "test-ka", &e), ERR_NOTFOUND);
}

static void count_cb(const struct forms_published *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
}

static void test_publish_refused_until_routed(void)
{
	struct err e;
	/* a shipped definition, moved to the department nobody reads */
	json_t *j = json_load_file("data/procedures/inkan-shomei.json", 0, NULL);
	T_REQUIRE(j != NULL);
	json_object_set_new(j, "id", json_string("dept-test"));
	json_object_set_new(j, "department", json_string("test-ka"));
	char *def = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	T_REQUIRE(def != NULL);
	struct arena *a = arena_new(0);
	struct forms_def *d = NULL;
	int rc = forms_def_parse(&d, a, def, strlen(def), &e);
	free(def);
	if (rc)
		printf("# parse: %s\n", e.detail);
	T_REQUIRE(rc == 0);
	int before = 0, after = 0;
	forms_list(s, T, count_cb, &before, &e);
	int v = 0, created = 0;
	T_EQ_INT(procedures_check_routed(s, T, d, &e), ERR_DENIED);
	T_EQ_INT(procedures_publish(&v, &created, s, &(struct procedures_publish_req){ .tenant = T, .d = d }, &e), ERR_DENIED);
	T_CHECK(strstr(e.detail, "test-ka") != NULL);
	forms_list(s, T, count_cb, &after, &e);
	T_EQ_INT(after, before);
	/* a role owning the department, but held by nobody: still refused */
	int changed = 0;
	struct auth_events ev = { 0 };
	T_EQ_INT(auth_role_create(s, T, "test-owner", "test", 1, &ev, &e), 0);
	ev.n = 0;
	T_EQ_INT(auth_role_permission_add(s, T, "test-owner", AUTH_PERM_APPLICATIONS_READ, &ev, &e), 0);
	T_EQ_INT(dept_owner_set(&changed, s, T, "test-ka", "test-owner", 1, &e), 0);
	T_EQ_INT(changed, 1);
	char roles[4][DEPT_ROLE_NAME];
	T_EQ_INT(dept_owner_roles(roles, 4, s, T, "test-ka", &e), 1);
	T_EQ_STR(roles[0], "test-owner");
	T_EQ_INT(procedures_publish(&v, &created, s, &(struct procedures_publish_req){ .tenant = T, .d = d }, &e), ERR_DENIED);
	/* held by a member of staff: published */
	struct auth_staff st;
	T_REQUIRE(auth_staff_get_by_login(&st, s, T, "demo-viewer", &e) == 0);
	ev.n = 0;
	T_EQ_INT(auth_staff_role_grant(s, T, st.id, "test-owner", &ev, &e), 0);
	T_EQ_INT(procedures_publish(&v, &created, s, &(struct procedures_publish_req){ .tenant = T, .d = d }, &e), 0);
	T_EQ_INT(created, 1);
	T_EQ_INT(v, 1);
	/* taking the role's ownership away makes it unrouted again */
	T_EQ_INT(dept_owner_set(&changed, s, T, "test-ka", "test-owner", 0, &e), 0);
	T_EQ_INT(changed, 1);
	T_EQ_INT(dept_check_routed(s, T, "test-ka", &e), ERR_DENIED);
	arena_free(a);
}

static void test_unrouted_none_in_demo(void)
{
	char deps[8][APPLY_DEPT_MAX + 1];
	int64_t open = -1;
	struct err e;
	T_EQ_INT(apply_unrouted(deps, 8, &open, s, T, &e), 0);
	T_EQ_INT(open, 0);
}

int main(void)
{
	tdb_begin(&db, "dept");
	char keys[] = "/tmp/mg-dept-keys-XXXXXX";
	if (!mkdtemp(keys)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	char *argv[] = { "demo", "--db", db.url, "--key-dir", keys, NULL };
	if (cli_demo(5, argv) != 0) {
		printf("Bail out! madoguchi demo failed\n");
		return 1;
	}
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("Bail out! %s\n", e.detail);
		return 1;
	}
	T_RUN(test_demo_every_shipped_department_has_readers);
	T_RUN(test_demo_staff_in_kosodate);
	T_RUN(test_check_and_put);
	T_RUN(test_publish_refused_until_routed);
	T_RUN(test_unrouted_none_in_demo);
	store_close(s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", keys);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", keys);
	tdb_end(&db);
	return t_done();
}
