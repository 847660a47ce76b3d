/*
 * test_cli.c -- `madoguchi procedure` on a fresh SQLite file: load
 * publishes each definition once (again: unchanged), a bad definition
 * stops the load before anything is published, list prints one line per
 * procedure, and the usage errors exit 2.  Its municipality has one member
 * of staff reading department "d" (procedures are published only when
 * their applications reach someone: tests/unit/dept/test_dept.c).
 */
#include "t.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/app.h"
#include "cli/cli.h"
#include "core/forms/forms.h"
#include "core/tenant/tenant.h"
#include "core/auth/auth.h"

static char dbpath[128], url[160], dir[128], outpath[128];

static const char *DEF_A =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"a-proc\",\"title\":{\"ja\":\"手続A\",\"en\":\"Procedure A\"},"
	"\"department\":\"d\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
	"\"title\":{\"ja\":\"p\",\"en\":\"p\"},\"fields\":[]}]}";
static const char *DEF_B =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"b-proc\",\"title\":{\"ja\":\"手続B\",\"en\":\"Procedure B\"},"
	"\"department\":\"d\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
	"\"title\":{\"ja\":\"p\",\"en\":\"p\"},\"fields\":[]}]}";

static void write_file(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* run the command with stdout and stderr captured into out */
static int run(char *out, size_t n, int argc, const char **argv)
{
	fflush(stdout);
	fflush(stderr);
	int so = dup(1), se = dup(2);
	int fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	int rc = svc_cli_find("procedure")->run(argc, (char **)argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	FILE *f = fopen(outpath, "r");
	size_t got = f ? fread(out, 1, n - 1, f) : 0;
	out[got] = 0;
	if (f)
		fclose(f);
	return rc;
}

static int count_lines(const char *s, const char *needle)
{
	int c = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		c++;
	return c;
}

static void test_load_and_list(void)
{
	char out[8192];
	const char *load[] = { "procedure", "load", "--db", url, "--tenant", "139998", dir };
	T_EQ_INT(run(out, sizeof out, 7, load), 0);
	T_CHECK(strstr(out, "a-proc\tv1\tnew"));
	T_CHECK(strstr(out, "b-proc\tv1\tnew"));
	T_EQ_INT(run(out, sizeof out, 7, load), 0);
	T_EQ_INT(count_lines(out, "unchanged"), 2);
	/* a change to one file: one new version */
	write_file("b.json", "{\"format\":\"madoguchi-procedure/1\",\"id\":\"b-proc\","
		   "\"title\":{\"ja\":\"手続B（改）\",\"en\":\"Procedure B\"},"
		   "\"department\":\"d\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
		   "\"title\":{\"ja\":\"p\",\"en\":\"p\"},\"fields\":[]}]}");
	T_EQ_INT(run(out, sizeof out, 7, load), 0);
	T_CHECK(strstr(out, "a-proc\tv1\tunchanged"));
	T_CHECK(strstr(out, "b-proc\tv2\tnew"));
	const char *list[] = { "procedure", "list", "--db", url };
	T_EQ_INT(run(out, sizeof out, 4, list), 0);
	T_EQ_INT(count_lines(out, "\n"), 2);
	T_CHECK(strstr(out, "139998\ta-proc\tv1\t"));
	T_CHECK(strstr(out, "139998\tb-proc\tv2\t") && strstr(out, "手続B（改）\tProcedure B\n"));
	const char *list2[] = { "procedure", "list", "--db", url, "--tenant", "131016" };
	T_EQ_INT(run(out, sizeof out, 6, list2), 0);
	T_EQ_STR(out, "");
}

static void test_bad_definition_publishes_nothing(void)
{
	char out[8192];
	write_file("a.json", DEF_A);
	write_file("c.json", "{\"format\":\"madoguchi-procedure/1\",\"id\":\"c-proc\"}");
	const char *load[] = { "procedure", "load", "--db", url, "--tenant", "139998", dir };
	T_EQ_INT(run(out, sizeof out, 7, load), 1);
	T_CHECK(strstr(out, "c.json") && strstr(out, "missing \"title\""));
	T_CHECK(!strstr(out, "\tnew"));
	unlink(outpath);
	char p[256];
	snprintf(p, sizeof p, "%s/c.json", dir);
	unlink(p);
	/* a duplicate id across files */
	write_file("z.json", DEF_A);
	T_EQ_INT(run(out, sizeof out, 7, load), 1);
	T_CHECK(strstr(out, "duplicate procedure id a-proc"));
	snprintf(p, sizeof p, "%s/z.json", dir);
	unlink(p);
	/* an unknown municipality */
	const char *load2[] = { "procedure", "load", "--db", url, "--tenant", "999999", dir };
	T_EQ_INT(run(out, sizeof out, 7, load2), 1);
	T_CHECK(strstr(out, "no such municipality"));
}

static void test_usage(void)
{
	char out[8192];
	const char *a[] = { "procedure" };
	T_EQ_INT(run(out, sizeof out, 1, a), 2);
	const char *b[] = { "procedure", "frob" };
	T_EQ_INT(run(out, sizeof out, 2, b), 2);
	const char *c[] = { "procedure", "load", "--db", url, dir };
	T_EQ_INT(run(out, sizeof out, 5, c), 2);       /* --tenant missing */
	const char *d[] = { "procedure", "check", "/nonexistent.json" };
	T_EQ_INT(run(out, sizeof out, 3, d), 1);
	const char *h[] = { "procedure", "--help" };
	T_EQ_INT(run(out, sizeof out, 2, h), 0);
	T_CHECK(strstr(out, "usage: madoguchi procedure list"));
}

int main(void)
{
	int pid = (int)getpid();
	snprintf(dbpath, sizeof dbpath, "/tmp/madoguchi-forms-cli-%d.db", pid);
	snprintf(url, sizeof url, "sqlite:%s", dbpath);
	snprintf(dir, sizeof dir, "/tmp/madoguchi-forms-cli-%d.d", pid);
	snprintf(outpath, sizeof outpath, "/tmp/madoguchi-forms-cli-%d.out", pid);
	mkdir(dir, 0700);
	write_file("a.json", DEF_A);
	write_file("b.json", DEF_B);
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e) || app_migrate(s, NULL, &e)) {
		printf("# %s\nnot ok 1 - setup\n1..1\n", e.detail);
		return 1;
	}
	struct tenant t = { .demo = 1 };
	snprintf(t.code, sizeof t.code, "139998");
	snprintf(t.name_ja, sizeof t.name_ja, "デモ区");
	snprintf(t.name_en, sizeof t.name_en, "Demo Ward");
	tenant_add(s, &t, &e);
	/* a member of staff reading department "d": a procedure is published
	 * only when its applications reach someone (procedures_publish) */
	struct auth_events ev = { 0 };
	struct auth_config ac;
	int64_t sid = 0;
	const char *role = "d-role";
	int rc = auth_tenant_seed(s, "139998", &ev, &e);
	if (rc == 0)
		rc = auth_config_init(&ac, AUTH_HASH_INTERACTIVE, &e);
	if (rc == 0) {
		rc = auth_role_create(s, "139998", role, "d", 1, &ev, &e);
		if (rc == 0)
			rc = auth_role_permission_add(s, "139998", role, AUTH_PERM_APPLICATIONS_READ, &ev, &e);
		if (rc == 0)
			rc = auth_role_permission_add(s, "139998", role, "dept.d", &ev, &e);
		if (rc == 0)
			rc = auth_staff_add(&sid, s, &ac,
					    &(struct auth_staff_new){ .tenant = "139998", .login = "d-staff",
								      .display_name = "d", .password = "Kawasemi-Hashi-2026",
								      .roles = &role, .nroles = 1 },
					    app_now(), &ev, &e);
		auth_config_done(&ac);
	}
	store_close(s);
	if (rc) {
		printf("# %s\nnot ok 1 - setup staff\n1..1\n", e.detail);
		return 1;
	}
	T_RUN(test_load_and_list);
	T_RUN(test_bad_definition_publishes_nothing);
	T_RUN(test_usage);
	char p[256];
	const char *files[] = { "a.json", "b.json" };
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	unlink(outpath);
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return t_done();
}
