/*
 * app_prefill.c -- once only at the application layer: the resident's
 * registry record (src/core/registry) joined to the forms prefill (src/core/forms),
 * so that a page handler starts a draft with one call.  The check at
 * submission is not here: src/svc/apply's submit runs forms_prefill_check
 * against the submitter's record itself, on every path (pages, API,
 * bundles, CLI); app_prefill_check remains for checking answers outside
 * a submission.
 *
 * Invariant: a resident without a linked registry record gets no registry
 * answers and no waivers (juki NULL), never an error; nothing is logged.
 */
#include "web/app.h"
#include "svc/apply/web/app_apply.h"
#include "core/forms/forms.h"
#include "core/registry/registry.h"

int app_prefill_start(json_t **answers, json_t **sources, struct arena *a,
		      struct store *s, const struct app_prefill_in *in, struct err *e)
{
	json_t *juki = NULL;
	int rc = registry_person_json(&juki, s, in->tenant, in->resident_id, e);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	rc = forms_prefill(answers, sources, a, in->def, juki, in->previous, e);
	json_decref(juki);
	return rc;
}

int app_prefill_check(struct forms_result *r, struct arena *a, struct store *s,
		      const struct app_prefill_in *in, struct err *e)
{
	json_t *juki = NULL;
	int rc = registry_person_json(&juki, s, in->tenant, in->resident_id, e);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	rc = forms_prefill_check(r, a, in->def, in->norm, in->sources, juki, e);
	json_decref(juki);
	return rc;
}
