/*
 * svc.c -- the shell's side of the service descriptors (svc.h): finding a
 * service, its state slot and options, and putting the services' parts
 * together with the shell's own: the schema list, the route table, the
 * message catalogs, the navigation, the jobs and the metrics.
 *
 * Invariant: everything assembled here is built once, before the server's
 * threads start (app_init, or a CLI command), and only read after that.
 */
#include "web/app.h"
#include "web/svc.h"
#include "core/audit/audit.h"
#include "core/auth/auth.h"
#include "core/forms/forms.h"
#include "core/jobs/jobs.h"
#include "core/mail/mail.h"
#include "core/registry/registry.h"
#include "core/search/search.h"
#include "core/tenant/tenant.h"
#include "base/log.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

const struct svc *svc_find(const char *name)
{
	for (int i = 0; i < svc_count; i++)
		if (strcmp(svc_all[i]->name, name) == 0)
			return svc_all[i];
	return NULL;
}

const struct svc_cli *svc_cli_find(const char *name)
{
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->ncli; j++)
			if (strcmp(svc_all[i]->cli[j].name, name) == 0)
				return &svc_all[i]->cli[j];
	return NULL;
}

static int svc_index(const struct svc *s)
{
	for (int i = 0; i < svc_count && i < APP_SVC_MAX; i++)
		if (svc_all[i] == s)
			return i;
	return -1;
}

void *svc_state_of(struct app *a, const struct svc *s)
{
	int i = svc_index(s);
	return i < 0 ? NULL : a->svc_state[i];
}

void *svc_state(struct http_req *r, const struct svc *s)
{
	return svc_state_of(app_of(r), s);
}

const char *svc_option(struct app *a, const char *name)
{
	for (int i = 0; i < a->cfg.noptions; i++)
		if (strcmp(a->cfg.options[i].name, name) == 0)
			return a->cfg.options[i].value;
	return NULL;
}

int svc_backup_blob(void *arg, const char *table, struct store_rows *r, int col,
		    void **p, size_t *n, struct err *e)
{
	*p = NULL;
	*n = 0;
	for (int i = 0; i < svc_count; i++) {
		if (!svc_all[i]->backup_blob)
			continue;
		int rc = svc_all[i]->backup_blob(arg, table, r, col, p, n, e);
		if (rc || *p)
			return rc;
	}
	return 0;
}

int svc_account_closed(struct store *s, const char *tenant, int64_t account, int64_t now,
		       struct err *e)
{
	for (int i = 0; i < svc_count; i++) {
		if (!svc_all[i]->account_closed)
			continue;
		struct err se;
		err_clear(&se);
		int rc = svc_all[i]->account_closed(s, tenant, account, now, &se);
		if (rc)
			return err_set(e, rc < 0 ? rc : ERR_IO, "service %s, account closed: %s",
				       svc_all[i]->name, se.detail);
	}
	return 0;
}

int app_job_again(struct jobs_ctx *ctx, const char *kind, int64_t every_ms, struct err *e)
{
	struct jobs_spec next = { .kind = kind, .run_after_ms = now_ms() + every_ms };
	int64_t id;
	return jobs_submit(&id, ctx->store, &next, e);
}

/* ---- schemas: the core modules', then each service's ---- */

#define APP_SCHEMAS_MAX (16 + APP_SVC_MAX)

int app_migrate(struct store *s, int *applied, struct err *e)
{
	struct store_module_schema mods[APP_SCHEMAS_MAX];
	int n = 0;
	/* core first, in dependency order: the other tables reference tenants */
	mods[n++] = tenant_schema;
	mods[n++] = auth_schema;
	mods[n++] = audit_schema;
	mods[n++] = jobs_schema;
	mods[n++] = search_schema;
	mods[n++] = forms_schema;
	mods[n++] = mail_schema;
	mods[n++] = auth_email_schema;
	mods[n++] = registry_schema;
	for (int i = 0; i < svc_count; i++) {
		if (!svc_all[i]->schema)
			continue;
		if (n == APP_SCHEMAS_MAX)
			return err_set(e, ERR_LIMIT, "more than %d schemas", APP_SCHEMAS_MAX);
		mods[n++] = *svc_all[i]->schema;
	}
	return store_migrate(s, mods, n, applied, e);
}

/* ---- routes: the shell's, then each service's ---- */

int svc_nroutes(const struct svc *s)
{
	int n = 0;
	while (s->routes && s->routes[n].method)
		n++;
	return n;
}

static struct http_route *all_routes;
static int nall_routes;

int app_routes(const struct http_route **out, struct err *e)
{
	if (!all_routes) {
		int n = app_shell_nroutes;
		for (int i = 0; i < svc_count; i++)
			n += svc_nroutes(svc_all[i]);
		struct http_route *rt = calloc((size_t)n, sizeof *rt);
		if (!rt)
			return err_set(e, ERR_NOMEM, "route table");
		memcpy(rt, app_shell_routes, (size_t)app_shell_nroutes * sizeof *rt);
		int k = app_shell_nroutes;
		for (int i = 0; i < svc_count; i++) {
			int m = svc_nroutes(svc_all[i]);
			if (m)
				memcpy(rt + k, svc_all[i]->routes, (size_t)m * sizeof *rt);
			k += m;
		}
		all_routes = rt;
		nall_routes = n;
	}
	*out = all_routes;
	return nall_routes;
}

/* ---- message catalogs ---- */

int app_catalogs_load(struct err *e)
{
	for (int i = 0; i < svc_count; i++) {
		int rc = html_catalog_add(svc_all[i]->msgs, svc_all[i]->nmsgs);
		if (rc)
			return err_set(e, rc, "service %s: its message catalog %s",
				       svc_all[i]->name,
				       rc == ERR_CONFLICT ? "repeats an id already in the catalog"
							  : "cannot be added");
	}
	return 0;
}

/* ---- navigation ---- */

int app_route_permission(const char *href, const char **perm)
{
	const struct http_route *rt;
	struct err e;
	int n = app_routes(&rt, &e);
	for (int i = 0; i < n; i++)
		if (strcmp(rt[i].method, "GET") == 0 && strcmp(rt[i].pattern, href) == 0) {
			*perm = rt[i].permission;
			return 0;
		}
	return ERR_NOTFOUND;
}

void app_nav_each(enum svc_nav_where where,
		  void (*fn)(const struct svc_nav *n, void *arg), void *arg)
{
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->nnav; j++)
			if (svc_all[i]->nav[j].where == where)
				fn(&svc_all[i]->nav[j], arg);
}

/* two owners' routes that one path could reach: which serves it would
 * depend on the services' order, so the server does not start (a
 * service keeps to its own prefixes; within one owner the table's order
 * is the author's choice) */
static int same_method(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

int svc_routes_overlap(const struct http_route *a, int na, const char *owner_a,
				 const struct http_route *b, int nb, const char *owner_b,
				 struct err *e)
{
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			if (same_method(a[i].method, b[j].method) &&
			    http_patterns_overlap(a[i].pattern, b[j].pattern))
				return err_set(e, ERR_CONFLICT,
					       "service %s: route %s %s overlaps %s's %s %s",
					       owner_b, b[j].method, b[j].pattern, owner_a,
					       a[i].method, a[i].pattern);
	return 0;
}

int app_routes_check(struct err *e)
{
	for (int i = 0; i < svc_count; i++) {
		const struct svc *b = svc_all[i];
		int rc = svc_routes_overlap(app_shell_routes, app_shell_nroutes, "the shell",
					       b->routes, svc_nroutes(b), b->name, e);
		for (int j = 0; rc == 0 && j < i; j++)
			rc = svc_routes_overlap(svc_all[j]->routes, svc_nroutes(svc_all[j]),
						   svc_all[j]->name, b->routes, svc_nroutes(b),
						   b->name, e);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- start and stop ---- */

int app_services_init(struct app *a, struct err *e)
{
	if (svc_count > APP_SVC_MAX)
		return err_set(e, ERR_LIMIT, "more than %d services", APP_SVC_MAX);
	int rc = app_routes_check(e);
	if (rc == 0)
		rc = app_catalogs_load(e);
	for (int i = 0; rc == 0 && i < svc_count; i++) {
		if (!svc_all[i]->init)
			continue;
		rc = svc_all[i]->init(&a->svc_state[i], a, e);
		if (rc == 0)
			a->svc_inited[i] = 1;
	}
	return rc;
}

void app_services_done(struct app *a)
{
	for (int i = svc_count - 1; i >= 0; i--) {
		if (i < APP_SVC_MAX && a->svc_inited[i] && svc_all[i]->done)
			svc_all[i]->done(a->svc_state[i]);
		if (i < APP_SVC_MAX) {
			a->svc_state[i] = NULL;
			a->svc_inited[i] = 0;
		}
	}
}

/* ---- jobs ---- */

static int pending_cb(const struct jobs_info *j, void *arg)
{
	(void)j;
	(*(int *)arg)++;
	return 0;
}

/* one queued or running job of kind, inside the caller's transaction */
int app_job_ensure(struct store *s, const char *kind, struct err *e)
{
	int pending = 0;
	struct jobs_filter f = { .kind = kind, .status = JOBS_QUEUED, .limit = 1 };
	int rc = jobs_list(s, &f, pending_cb, &pending, e);
	if (rc >= 0) {
		f.status = JOBS_RUNNING;
		rc = jobs_list(s, &f, pending_cb, &pending, e);
	}
	if (rc >= 0 && pending == 0) {
		struct jobs_spec spec = { .kind = kind };
		int64_t id;
		rc = jobs_submit(&id, s, &spec, e);
	}
	return rc < 0 ? rc : 0;
}

int app_services_jobs_ensure(struct store *s, struct err *e)
{
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->njobs; j++) {
			if (svc_all[i]->jobs[j].every_ms <= 0)
				continue;
			int rc = app_job_ensure(s, svc_all[i]->jobs[j].kind, e);
			if (rc)
				return rc;
		}
	return 0;
}

int app_services_jobs_register(struct jobs_registry *reg, struct app *a, struct err *e)
{
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->njobs; j++) {
			int rc = jobs_register(reg, svc_all[i]->jobs[j].kind, svc_all[i]->jobs[j].run,
					       a, e);
			if (rc)
				return rc;
		}
	return 0;
}

void app_services_metrics(struct buf *b)
{
	for (int i = 0; i < svc_count; i++)
		if (svc_all[i]->metrics)
			svc_all[i]->metrics(b);
}

void app_services_home(struct buf *b, struct http_req *r)
{
	for (int i = 0; i < svc_count; i++)
		if (svc_all[i]->home)
			svc_all[i]->home(b, r);
}

void app_services_staff_home(struct buf *b, struct http_req *r)
{
	for (int i = 0; i < svc_count; i++)
		if (svc_all[i]->staff_home)
			svc_all[i]->staff_home(b, r);
}

void app_services_banner(struct buf *b, struct http_req *r)
{
	for (int i = 0; i < svc_count; i++)
		if (svc_all[i]->banner)
			svc_all[i]->banner(b, r);
}

/* ---- the order of the demo hooks: a depth-first topological sort over
 * demo_after, in name order where nothing decides ---- */

static int list_index(const struct svc *const *list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(list[i]->name, name) == 0)
			return i;
	return -1;
}

/* mark: 0 not seen, 1 on the current path, 2 placed */
static int demo_visit(int i, const struct svc **out, int *nout, char *mark,
		      const struct svc *const *list, int n, struct err *e)
{
	if (mark[i] == 2)
		return 0;
	if (mark[i] == 1)
		return err_set(e, ERR_INVALID, "service %s: its demo_after forms a cycle", list[i]->name);
	mark[i] = 1;
	for (const char *const *a = list[i]->demo_after; a && *a; a++) {
		int j = list_index(list, n, *a);
		if (j < 0)
			return err_set(e, ERR_INVALID, "service %s: demo_after names no service %s",
				       list[i]->name, *a);
		int rc = demo_visit(j, out, nout, mark, list, n, e);
		if (rc)
			return rc;
	}
	mark[i] = 2;
	if (list[i]->demo)
		out[(*nout)++] = list[i];
	return 0;
}

int svc_demo_order_of(const struct svc **out, const struct svc *const *list, int n, struct err *e)
{
	if (n < 0 || n > APP_SVC_MAX)
		return err_set(e, ERR_INVALID, "too many services (%d)", n);
	char mark[APP_SVC_MAX] = { 0 };
	int nout = 0;
	for (int i = 0; i < n; i++) {
		int rc = demo_visit(i, out, &nout, mark, list, n, e);
		if (rc)
			return rc;
	}
	return nout;
}

int svc_demo_order(const struct svc **out, struct err *e)
{
	return svc_demo_order_of(out, svc_all, svc_count, e);
}
