/*
 * app_apply.c -- the bridge between a request and src/svc/apply: who acts.
 *
 * Invariants: the actor comes only from the request's session (loaded by
 * the route's permission check), never from a parameter; a staff
 * member's departments are their "dept.<department>" permissions read
 * live (a revoked role narrows the inbox at once), "dept.all" giving
 * every department; a member of staff without any such permission sees
 * no department (ndepts 0).  Fails closed: any error is an error, never
 * a wider scope.
 */
#include "web/app.h"
#include "base/log.h"
#include "base/util.h"
#include "svc/apply/web/app_apply.h"
#include "svc/apply/apply.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct depts {
	struct arena *a;
	const char **v;
	int n, all, nomem, personal;
};

static int on_perm(const char *perm, void *arg)
{
	struct depts *d = arg;
	if (strcmp(perm, AUTH_PERM_PERSONAL_READ) == 0) {
		d->personal = 1;
		return 0;
	}
	if (strncmp(perm, AUTH_PERM_DEPT_PREFIX, strlen(AUTH_PERM_DEPT_PREFIX)) != 0)
		return 0;
	if (strcmp(perm, AUTH_PERM_DEPT_ALL) == 0) {
		d->all = 1;
		return 0;
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

/* ---- the service's options and slot (svc.h) ---- */

int app_apply_check_quota(const char *v)
{
	int64_t x;
	return parse_i64(&x, v, 0, 1LL << 40);
}

int app_apply_check_rate(const char *v)
{
	int64_t x;
	return parse_i64(&x, v, 0, 100000);
}

/* a file of the demo signer's directory, whole (at most 64 KiB) */
static char *demo_file(const char *dir, const char *name)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *s = malloc(64 * 1024 + 1);
	size_t n = s ? fread(s, 1, 64 * 1024, f) : 0;
	int bad = ferror(f) || !feof(f) || n == 0;
	fclose(f);
	if (!s || bad) {
		free(s);
		return NULL;
	}
	s[n] = 0;
	return s;
}

int app_apply_check_demo_signer(const char *v)
{
	char *k = demo_file(v, "resident.key"), *c = demo_file(v, "resident.pem");
	int ok = k && c && strstr(k, "-----BEGIN PRIVATE KEY-----") && strstr(c, "-----BEGIN CERTIFICATE-----");
	free(k);
	free(c);
	return ok ? 0 : -1;
}

int app_apply_init(void **state, struct app *a, struct err *e)
{
	struct app_apply_config *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	c->upload_quota_bytes = APPLY_UPLOAD_QUOTA_DEFAULT;
	c->uploads_per_min = APPLY_UPLOAD_RATE_DEFAULT;
	int64_t v;
	const char *s;
	if ((s = svc_option(a, "upload-quota")) && parse_i64(&v, s, 0, 1LL << 40) == 0)
		c->upload_quota_bytes = v;
	if ((s = svc_option(a, "upload-rate")) && parse_i64(&v, s, 0, 100000) == 0)
		c->uploads_per_min = (int)v;
	if ((s = svc_option(a, "demo-signer"))) {
		c->demo_key_pem = demo_file(s, "resident.key");
		c->demo_cert_pem = demo_file(s, "resident.pem");
		log_warn("the demo signer is on: on a demo ward, anyone with a signing request may"
			 " sign with the fictional demo resident's key (never in production)");
	}
	*state = c;
	return 0;
}

void app_apply_done(void *state)
{
	struct app_apply_config *c = state;
	if (c) {
		free(c->demo_key_pem);
		free(c->demo_cert_pem);
	}
	free(state);
}

static const struct app_apply_config *config_of(struct http_req *r)
{
	static const struct app_apply_config defaults = {
		.upload_quota_bytes = APPLY_UPLOAD_QUOTA_DEFAULT,
		.uploads_per_min = APPLY_UPLOAD_RATE_DEFAULT,
	};
	const struct app_apply_config *c = svc_state(r, &svc_apply);
	return c ? c : &defaults;
}

const struct apply_limits *app_apply_limits(struct http_req *r, struct arena *a)
{
	const struct app_apply_config *cfg = config_of(r);
	if (cfg->upload_quota_bytes <= 0 && cfg->uploads_per_min <= 0)
		return NULL;
	struct apply_limits *lim = arena_alloc(a, sizeof *lim);
	if (!lim) {
		/* fail closed: no memory for the limits, no room for uploads */
		static const struct apply_limits none = { .quota_bytes = 1, .uploads_per_min = 1 };
		return &none;
	}
	lim->quota_bytes = cfg->upload_quota_bytes > 0 ? cfg->upload_quota_bytes : 0;
	lim->uploads_per_min = cfg->uploads_per_min > 0 ? cfg->uploads_per_min : 0;
	return lim;
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
	out->limits = app_apply_limits(r, a);
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
	/* one query: the departments and personal.read (apply_view) */
	int rc = auth_session_permissions(app_store(r), &q->ses, "", on_perm, &d, &e);
	if (rc < 0)
		return rc;
	if (d.nomem)
		return ERR_NOMEM;
	out->kind = APPLY_STAFF;
	out->login = arena_strdup(a, q->staff.login);
	out->personal_read = d.personal;
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
	return app_audit_as(s, a->c, &a->actor,
			    &(struct app_audit_entry){ .action = a->action,
						       .object_type = a->object_type,
						       .object_id = sub->receipt,
						       .result = AUDIT_R_OK }, e);
}

int app_file_unreadable(struct http_req *r, const struct err *e)
{
	return app_send_error(r, ERR_IO, "apply.error.file_unreadable", e ? e->detail : NULL);
}

/* ---- refusals of src/svc/apply's own rules, the same on every path ---- */

int app_registry_refused(struct http_req *r, const struct forms_result *res,
			 const struct err *e)
{
	return app_send_error(r, ERR_INVALID, apply_registry_message_id(apply_registry_problem(res)),
			      e ? e->detail : NULL);
}

/* http_send_error has no error code for 429: the same page or JSON shape,
 * the catalog's message id (a format of one %d, n) in every language */
static int send_429(struct http_req *r, const char *id, const char *detail, int n)
{
	const char *ja = arena_printf(r->arena, html_t(HTML_JA, id), n);
	const char *en = arena_printf(r->arena, html_t(HTML_EN, id), n);
	const char *easy = arena_printf(r->arena, html_t(HTML_JA_EASY, id), n);
	if (!ja || !en || !easy)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "429: out of memory");
	app_req(r)->error_easy = easy;
	log_info("request refused", "status", "429", "code", "limit", "detail", detail ? detail : "");
	http_set_header(r, "retry-after", "60");
	if (r->route && r->route->kind == HTTP_KIND_JSON) {
		json_t *j = json_pack("{s:{s:s,s:i,s:{s:s,s:s},s:s}}", "error",
				      "code", "rate_limited", "status", 429,
				      "message", "ja", ja, "en", en, "request_id", r->request_id);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		int rc = http_send_json(r, 429, s ? s : "{\"error\":{\"code\":\"rate_limited\"}}");
		free(s);
		json_decref(j);
		return rc;
	}
	struct buf b;
	buf_init(&b, 1u << 20);
	if (r->error_page)
		r->error_page(r, 429, ja, en, &b);
	else
		buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
			   "<title>429</title></head><body><main><h1>%s</h1><p lang=\"en\">%s</p>"
			   "</main></body></html>\n", ja, en);
	int rc = http_send_html(r, 429, &b);
	buf_done(&b);
	return rc;
}

int app_upload_refused(struct http_req *r, const struct err *e)
{
	const struct app_apply_config *c = config_of(r);
	switch (apply_limit_hit(e)) {
	case APPLY_LIMIT_QUOTA: {
		long long q = (long long)c->upload_quota_bytes;
		const char *lim = q % (1LL << 20) == 0 ? arena_printf(r->arena, "%lld MiB", q >> 20)
				: q % 1024 == 0 ? arena_printf(r->arena, "%lld KiB", q >> 10)
				: arena_printf(r->arena, "%lld bytes", q);
		app_send_error(r, ERR_LIMIT, "apply.error.storage_full", e->detail, lim);
		return 1;
	}
	case APPLY_LIMIT_RATE:
		send_429(r, "apply.error.upload_rate", e->detail, c->uploads_per_min);
		return 1;
	default:
		return 0;
	}
}
