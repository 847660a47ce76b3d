/*
 * app_apply.c -- the bridge between a request and src/apply: who acts.
 *
 * Invariants: the actor comes only from the request's session (loaded by
 * the route's permission check), never from a parameter; a staff
 * member's departments are their "dept.<department>" permissions read
 * live (a revoked role narrows the inbox at once), "dept.all" giving
 * every department; a member of staff without any such permission sees
 * no department (ndepts 0).  Fails closed: any error is an error, never
 * a wider scope.
 */
#include "app/app.h"
#include "apply/apply.h"

#include <string.h>

struct depts {
	struct arena *a;
	const char **v;
	int n, all, nomem;
};

static int on_perm(const char *perm, void *arg)
{
	struct depts *d = arg;
	if (strcmp(perm, AUTH_PERM_DEPT_ALL) == 0) {
		d->all = 1;
		return 1;
	}
	const char *id = perm + strlen(AUTH_PERM_DEPT_PREFIX);
	if (!*id || strlen(id) > APPLY_DEPT_MAX || d->n >= 48)
		return 0;
	char *x = arena_strdup(d->a, id);
	if (!x) {
		d->nomem = 1;
		return 1;
	}
	for (char *p = x; *p; p++)
		if (*p == '_')
			*p = '-';
	d->v[d->n++] = x;
	return 0;
}

int app_apply_actor(struct apply_actor *out, struct arena *a, struct http_req *r)
{
	memset(out, 0, sizeof *out);
	struct app_req *q = app_req(r);
	if (!q || !q->has_tenant || !q->has_session || q->ses.stage != AUTH_STAGE_FULL ||
	    strcmp(q->ses.tenant, q->tenant.code) != 0)
		return ERR_AUTH;
	char *tenant = arena_strdup(a, q->tenant.code);
	if (!tenant)
		return ERR_NOMEM;
	out->tenant = tenant;
	out->id = q->ses.account_id;
	if (q->ses.kind == AUTH_KIND_RESIDENT) {
		out->kind = APPLY_RESIDENT;
		return 0;
	}
	if (q->ses.kind != AUTH_KIND_STAFF)
		return ERR_AUTH;
	struct depts d = { .a = a, .v = arena_alloc(a, sizeof(char *) * 48) };
	if (!d.v)
		return ERR_NOMEM;
	struct err e;
	int rc = auth_session_permissions(app_store(r), &q->ses, AUTH_PERM_DEPT_PREFIX,
					  on_perm, &d, &e);
	if (rc < 0)
		return rc;
	if (d.nomem)
		return ERR_NOMEM;
	out->kind = APPLY_STAFF;
	if (d.all) {
		out->depts = NULL;
		out->ndepts = -1;
	} else {
		out->depts = d.v;
		out->ndepts = d.n;
	}
	return 0;
}

/* ---- the audit record of a submission, in its own transaction ---- */

void app_submit_audit_init(struct app_submit_audit *out, struct http_req *r,
			   const char *action, const char *object_type)
{
	out->c = &app_of(r)->audit;
	app_actor_of(&out->actor, r);
	out->action = action;
	out->object_type = object_type;
}

int app_submit_audit(struct store *s, const struct apply_submission *sub, void *arg,
		     struct err *e)
{
	const struct app_submit_audit *a = arg;
	return app_audit_as(s, a->c, &a->actor, a->action, a->object_type, sub->receipt,
			    AUDIT_R_OK, e);
}

int app_file_unreadable(struct http_req *r, const struct err *e)
{
	return http_send_error(r, ERR_IO,
		"添付ファイルを読み出せませんでした（保管されている写しがないか、壊れています）。"
		"受付番号を添えて担当課に連絡してください（職員の方はシステム管理者へ。"
		"バックアップから復旧できます）。",
		"The attachment could not be read: its stored copy is missing or damaged. "
		"Contact the department with the receipt number (staff: the system "
		"administrator, who can restore it from the backup).", e ? e->detail : NULL);
}
