/*
 * versions.c -- the version history of one procedure (for the back
 * office's procedure editor): every published version, newest first.
 *
 * Invariant: read-only; a version row is never changed here (see
 * forms_store.c: versions are immutable).
 */
#include <stdio.h>
#include <string.h>

#include "core/forms/forms.h"

int forms_version_find(struct forms_version_info *out, struct store *s, const char *tenant,
		       const char *id, int version, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_text(id), sv_int(version) };
	int rc = store_query(&r, s,
		"SELECT v.version, v.published_at, v.sha256 FROM procedure_versions v"
		" JOIN procedures p ON p.id = v.procedure_id"
		" WHERE p.tenant = $1 AND p.code = $2 AND ($3 = 0 OR v.version = $3)"
		" ORDER BY v.version DESC LIMIT 1", v, 3, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		out->version = (int)store_col_int(r, 0);
		out->published_at = store_col_int(r, 1);
		snprintf(out->sha256, sizeof out->sha256, "%s", store_col_text(r, 2));
	}
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "procedure %.64s version %d not found", id, version);
	return rc < 0 ? rc : 0;
}

int forms_versions(struct forms_version_info *out, int max, struct store *s,
		   const char *tenant, const char *id, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(tenant), sv_text(id), sv_int(max) };
	int rc = store_query(&r, s,
		"SELECT v.version, v.published_at, v.sha256 FROM procedure_versions v"
		" JOIN procedures p ON p.id = v.procedure_id"
		" WHERE p.tenant = $1 AND p.code = $2 ORDER BY v.version DESC LIMIT $3",
		v, 3, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1 && n < max) {
		out[n].version = (int)store_col_int(r, 0);
		out[n].published_at = store_col_int(r, 1);
		snprintf(out[n].sha256, sizeof out[n].sha256, "%s", store_col_text(r, 2));
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}
