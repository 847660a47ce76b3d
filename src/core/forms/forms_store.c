/*
 * forms_store.c -- publish, list and load versioned procedure definitions
 * through src/store (the only way to the database).
 *
 * Invariants: a version row is written once, inside a transaction that
 * read the latest version first; an unchanged definition (same canonical
 * JSON, compared by SHA-256) adds nothing; nothing here updates or deletes
 * a version.  Two publishers racing on PostgreSQL cannot both create the
 * same version (UNIQUE (procedure_id, version)): the loser gets
 * ERR_CONFLICT and may retry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tenant/tenant.h"
#include "base/util.h"
#include "core/forms/forms.h"

int forms_publish(int *version, int *created, struct store *s,
		  const char *tenant, const struct forms_def *d,
		  struct err *e)
{
	return forms_publish_with(version, created, s, tenant, d, NULL, e);
}

int forms_publish_with(int *version, int *created, struct store *s,
		       const char *tenant, const struct forms_def *d,
		       const struct forms_publish_hook *hook, struct err *e)
{
	*version = 0;
	if (created)
		*created = 0;
	struct buf b;
	buf_init(&b, FORMS_DEF_MAX_BYTES * 2);
	int rc = forms_jcs(&b, d->json, e);
	if (rc) {
		buf_done(&b);
		return rc;
	}
	char sha[65];
	forms_sha256_hex(sha, b.data, b.len);
	int64_t pid = 0, latest = 0;
	if ((rc = store_begin(s, e)))
		goto out;
	if ((rc = tenant_exists(s, tenant, e)) < 0)
		goto fail;
	if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "publish: no tenant %.8s", tenant);
		goto fail;
	}
	struct store_val pk[] = { sv_text(tenant), sv_text(d->id) };
	rc = store_query_int(&pid, s, "SELECT id FROM procedures WHERE tenant = $1 AND code = $2",
			     pk, 2, e);
	if (rc == ERR_NOTFOUND) {
		struct store_val ins[] = { sv_text(tenant), sv_text(d->id),
					   sv_int(now_ms() / 1000) };
		if ((rc = store_exec(s, "INSERT INTO procedures (tenant, code, created_at)"
				     " VALUES ($1, $2, $3)", ins, 3, e)) < 0)
			goto fail;
		if ((rc = store_query_int(&pid, s, "SELECT id FROM procedures WHERE"
					  " tenant = $1 AND code = $2", pk, 2, e)))
			goto fail;
	} else if (rc) {
		goto fail;
	}
	struct store_val pv[] = { sv_int(pid) };
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT version, sha256 FROM procedure_versions"
			      " WHERE procedure_id = $1 ORDER BY version DESC LIMIT 1",
			      pv, 1, e)))
		goto fail;
	int same = 0;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		latest = store_col_int(r, 0);
		same = strcmp(store_col_text(r, 1), sha) == 0;
		rc = 0;
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	if (same) {
		store_rollback(s);
		*version = (int)latest;
		rc = 0;
		goto out;
	}
	struct store_val iv[] = {
		sv_int(pid), sv_text(tenant), sv_int(latest + 1), sv_text(b.data),
		sv_text(sha), sv_text(d->title.ja), sv_text(d->title.en),
		sv_int(now_ms() / 1000),
	};
	if ((rc = store_exec(s, "INSERT INTO procedure_versions (procedure_id, tenant,"
			     " version, definition, sha256, title_ja, title_en, published_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", iv, SV_N(iv), e)) < 0)
		goto fail;
	if (hook && hook->fn &&
	    (rc = hook->fn(s, tenant, d->id, (int)latest + 1, hook->arg, e)) != 0)
		goto fail;
	if ((rc = store_commit(s, e)))
		goto out;
	*version = (int)latest + 1;
	if (created)
		*created = 1;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	buf_done(&b);
	return rc;
}

/* the definition's category and life stages (a version published
 * before they existed has none: "" and 0) */
static void topics(struct forms_published *p, const char *def)
{
	json_t *doc = def ? json_loads(def, 0, NULL) : NULL;
	const char *c = json_string_value(json_object_get(doc, "category"));
	if (c && forms_category_known(c))
		snprintf(p->category, sizeof p->category, "%s", c);
	const json_t *ls = json_object_get(doc, "life_stage");
	for (size_t i = 0; i < json_array_size(ls) && p->nlife_stages < FORMS_MAX_STAGES; i++) {
		const char *x = json_string_value(json_array_get(ls, i));
		if (x && forms_category_known(x))
			snprintf(p->life_stages[p->nlife_stages++], sizeof p->life_stages[0], "%s", x);
	}
	json_decref(doc);
}

static int list_impl(struct store *s, const char *tenant, int all,
		     void (*fn)(const struct forms_published *p, void *arg),
		     void *arg, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant) };
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT p.tenant, p.code, v.version, v.published_at, v.sha256,"
		 " v.title_ja, v.title_en, p.unpublished_at, v.definition FROM procedures p"
		 " JOIN procedure_versions v ON v.procedure_id = p.id"
		 " WHERE v.version = (SELECT max(version) FROM procedure_versions"
		 "  WHERE procedure_id = p.id)%s%s"
		 " ORDER BY p.tenant, p.code", tenant ? " AND p.tenant = $1" : "",
		 all ? "" : " AND p.unpublished_at IS NULL");
	int rc = store_query(&r, s, sql, v, tenant ? 1 : 0, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct forms_published p;
		memset(&p, 0, sizeof p);
		snprintf(p.tenant, sizeof p.tenant, "%s", store_col_text(r, 0));
		snprintf(p.id, sizeof p.id, "%s", store_col_text(r, 1));
		p.version = (int)store_col_int(r, 2);
		p.published_at = store_col_int(r, 3);
		snprintf(p.sha256, sizeof p.sha256, "%s", store_col_text(r, 4));
		p.title_ja = store_col_text(r, 5);
		p.title_en = store_col_text(r, 6);
		p.unpublished = !store_col_isnull(r, 7);
		topics(&p, store_col_text(r, 8));
		fn(&p, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int forms_list(struct store *s, const char *tenant,
	       void (*fn)(const struct forms_published *p, void *arg),
	       void *arg, struct err *e)
{
	return list_impl(s, tenant, 0, fn, arg, e);
}

int forms_list_staff(struct store *s, const char *tenant,
		     void (*fn)(const struct forms_published *p, void *arg),
		     void *arg, struct err *e)
{
	return list_impl(s, tenant, 1, fn, arg, e);
}

int forms_load_version(struct forms_def **out, int *version_out,
		       struct arena *a, struct store *s,
		       const struct forms_ref *ref, struct err *e)
{
	const char *tenant = ref->tenant, *id = ref->id;
	int version = ref->version;
	*out = NULL;
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_text(id), sv_int(version) };
	int rc = store_query(&r, s,
		"SELECT v.definition, v.version FROM procedure_versions v"
		" JOIN procedures p ON p.id = v.procedure_id"
		" WHERE p.tenant = $1 AND p.code = $2 AND ($3 = 0 OR v.version = $3)"
		" AND ($3 <> 0 OR p.unpublished_at IS NULL)"
		" ORDER BY v.version DESC LIMIT 1", v, 3, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 0) {
		store_rows_free(r);
		return err_set(e, ERR_NOTFOUND, "procedure %.64s version %d not found",
			       id, version);
	}
	if (rc < 0) {
		store_rows_free(r);
		return rc;
	}
	size_t len = 0;
	const char *text = store_col_blob(r, 0, &len);
	int ver = (int)store_col_int(r, 1);
	rc = forms_def_parse(out, a, text, len, e);
	store_rows_free(r);
	if (rc == 0 && version_out)
		*version_out = ver;
	return rc;
}
