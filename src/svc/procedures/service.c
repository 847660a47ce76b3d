/*
 * service.c -- the descriptor of procedures (src/web/svc.h): the staff
 * editor of procedure definitions (tables and domain code are core/forms,
 * shared with apply), its routes and menu entry, the `procedure`
 * command, and what `madoguchi demo` adds: the demo ward's procedures of
 * data/procedures (relative to the working directory, the repository's
 * root; skipped with a note when it is not there).
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/procedures/web/procedures_web.h"
#include "core/auth/auth.h"

#include <stdio.h>
#include <sys/stat.h>

int cli_procedure(int argc, char **argv);   /* cli.c */
int procedures_demo_load(struct store *s, const char *tenant, const char *dir,
			 struct err *e);   /* cli.c: `procedure load` on an open store */

#define DEMO_PROCEDURES "data/procedures"

/* the demo ward's procedures: published as `procedure load` does (a new
 * version only when a definition changed, so running demo again changes
 * nothing) */
/* the builder's second pair of eyes: demo-admin builds, demo-kumin
 * approves (role tetsuzuki-shounin; a login that is missing is skipped) */
static int demo_approver(struct store *s, const char *tenant, struct err *e)
{
	static const char *const perms[] = { AUTH_PERM_PROCEDURES_MANAGE, PROCEDURES_PERM_APPROVE };
	struct auth_events ev = { 0 };
	int rc = auth_role_create(s, tenant, "tetsuzuki-shounin",
				  "手続の承認 / approves procedures built by others", 1, &ev, e);
	if (rc && rc != ERR_CONFLICT)
		return rc;
	for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++) {
		ev.n = 0;
		if ((rc = auth_role_permission_add(s, tenant, "tetsuzuki-shounin", perms[i], &ev, e)))
			return rc;
	}
	struct auth_staff st;
	rc = auth_staff_get_by_login(&st, s, tenant, "demo-kumin", e);
	if (rc == ERR_NOTFOUND)
		return 0;
	ev.n = 0;
	return rc ? rc : auth_staff_role_grant(s, tenant, st.id, "tetsuzuki-shounin", &ev, e);
}

static int demo(struct store *s, const char *tenant, struct err *e)
{
	int rc = demo_approver(s, tenant, e);
	if (rc)
		return rc;
	struct stat st;
	if (stat(DEMO_PROCEDURES, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "madoguchi: %s がないため、デモ区の手続は作りません /"
			" no %s here: the demo ward gets no procedures\n", DEMO_PROCEDURES, DEMO_PROCEDURES);
		return 0;
	}
	return procedures_demo_load(s, tenant, DEMO_PROCEDURES, e);
}

static const struct svc_nav nav[] = {
	{ SVC_NAV_STAFF, "/staff/procedures", "staff.nav.procedures", "procedures.nav.summary" },
};

static const struct html_msg msgs[] = {
	{ "procedures.nav.summary", "申請の手続を作り、確かめて、公開します。",
	  "Write, check and publish the procedures residents apply for.", NULL },
#include "svc/procedures/web/catalog.inc"
};

static const struct svc_cli cli[] = {
	{ "procedure", cli_procedure, "online application procedures: list, load, check" },
};

/* publishing a procedure needs its department and a reader for it
 * (procedures_publish): the departments' demo first */
static const char *const demo_after[] = { "dept", NULL };

const struct svc svc_procedures = {
	.name = "procedures",
	.summary = "procedures as data: the staff editor, versions, publication",
	.routes = procedures_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.demo = demo,
	.demo_after = demo_after,
	.permissions = procedures_dept_permissions,
};
