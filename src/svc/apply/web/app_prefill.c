/*
 * app_prefill.c -- once only at the application layer: the resident's
 * registry record (src/core/registry) joined to the forms prefill
 * (src/core/forms), so that a page handler starts a draft with one call,
 * and what the definitions do not declare but the ward knows:
 *
 *   - the household's children (the record's "children", relationship 子):
 *     a top-level child_name / child_birth pair gets the youngest child (the
 *     one a nursery, a medical card or a first allowance is for); a group
 *     whose items have child_name / child_birth gets one item per child,
 *     oldest first ("in order of birth"), child_relation "child" when the
 *     item has it.  Source "juki_household": shown as 住民基本台帳 and left
 *     editable (a child may live elsewhere; the definition does not make
 *     it read-only, so the submit check does not hold it either).
 *   - phone and e-mail across procedures: an empty phone / email field
 *     takes the same field of the resident's latest application of any
 *     procedure (source "previous_submission"), else the e-mail of the
 *     account (source "account").
 *
 * The check at submission is not here: src/svc/apply's submit runs
 * forms_prefill_check against the submitter's record itself, on every path
 * (pages, API, bundles, CLI); app_prefill_check remains for checking
 * answers outside a submission.
 *
 * Invariant: a resident without a linked registry record gets no registry
 * answers and no waivers (juki NULL), never an error; a missing source
 * leaves the field empty; nothing is logged.
 */
#include "web/app.h"
#include "svc/apply/web/app_apply.h"
#include "core/forms/forms.h"
#include "core/registry/registry.h"

#include <string.h>

static const struct forms_field *sub(const struct forms_field *g, const char *id)
{
	for (int i = 0; i < g->nfields; i++)
		if (strcmp(g->fields[i].id, id) == 0)
			return &g->fields[i];
	return NULL;
}

/* the record's children sorted oldest first (ISO dates sort as text) */
static json_t *children_by_birth(const json_t *juki)
{
	const json_t *ch = json_object_get(juki, "children");
	json_t *out = json_array();
	size_t n = json_array_size(ch);
	if (!out || !n)
		return out;
	for (size_t k = 0; k < n; k++) {
		const json_t *best = NULL;
		for (size_t i = 0; i < n; i++) {
			const json_t *c = json_array_get(ch, i);
			const char *b = json_string_value(json_object_get(c, "birth_date"));
			int taken = 0;
			for (size_t j = 0; j < json_array_size(out) && !taken; j++)
				taken = json_array_get(out, j) == c;
			if (taken || !b)
				continue;
			if (!best || strcmp(b, json_string_value(json_object_get(best, "birth_date"))) < 0)
				best = c;
		}
		if (!best)
			break;
		json_array_append(out, (json_t *)best);
	}
	return out;
}

static void household_children(json_t *answers, json_t *sources, const struct forms_def *d,
			       const json_t *juki)
{
	json_t *kids = children_by_birth(juki);
	size_t n = json_array_size(kids);
	for (int p = 0; n && p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			const struct forms_field *f = &d->pages[p].fields[i];
			if (json_object_get(answers, f->id))
				continue;
			const json_t *youngest = json_array_get(kids, n - 1);
			if (f->type == FORMS_T_NAME_JP && strcmp(f->id, "child_name") == 0) {
				json_object_set(answers, f->id, json_object_get(youngest, "name"));
				json_object_set_new(sources, f->id, json_string("juki_household"));
			} else if (f->type == FORMS_T_DATE && strcmp(f->id, "child_birth") == 0) {
				json_object_set(answers, f->id, json_object_get(youngest, "birth_date"));
				json_object_set_new(sources, f->id, json_string("juki_household"));
			} else if (f->type == FORMS_T_GROUP && sub(f, "child_name") && sub(f, "child_birth")) {
				json_t *items = json_array();
				size_t max = f->max_items > 0 ? (size_t)f->max_items : n;
				for (size_t k = 0; k < n && k < max; k++) {
					const json_t *c = json_array_get(kids, k);
					json_t *it = json_object();
					json_object_set(it, "child_name", json_object_get(c, "name"));
					json_object_set(it, "child_birth", json_object_get(c, "birth_date"));
					if (sub(f, "child_relation"))
						json_object_set_new(it, "child_relation", json_string("child"));
					json_array_append_new(items, it);
				}
				json_object_set_new(answers, f->id, items);
				json_object_set_new(sources, f->id, json_string("juki_household"));
			}
		}
	json_decref(kids);
}

static void contact_reuse(json_t *answers, json_t *sources, struct store *s,
			  const struct app_prefill_in *in)
{
	const struct forms_def *d = in->def;
	char email[AUTH_EMAIL_MAX + 1] = "";
	int active = 0, have_email = -1;
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			const struct forms_field *f = &d->pages[p].fields[i];
			if ((f->type != FORMS_T_PHONE && f->type != FORMS_T_EMAIL) ||
			    json_object_get(answers, f->id))
				continue;
			const json_t *v = json_object_get(in->previous_any, f->id);
			if (json_is_string(v) && json_string_length(v)) {
				json_object_set(answers, f->id, (json_t *)v);
				json_object_set_new(sources, f->id, json_string("previous_submission"));
				continue;
			}
			if (f->type != FORMS_T_EMAIL)
				continue;
			if (have_email < 0)
				have_email = auth_resident_get(email, &active, s, in->tenant,
							       in->resident_id, NULL) == 0 && email[0];
			if (have_email) {
				json_object_set_new(answers, f->id, json_string(email));
				json_object_set_new(sources, f->id, json_string("account"));
			}
		}
}

int app_prefill_start(json_t **answers, json_t **sources, struct arena *a,
		      struct store *s, const struct app_prefill_in *in, struct err *e)
{
	json_t *juki = NULL;
	int rc = registry_person_json(&juki, s, in->tenant, in->resident_id, e);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	rc = forms_prefill(answers, sources, a, in->def, juki, in->previous, e);
	if (rc == 0 && *answers && *sources) {
		if (juki)
			household_children(*answers, *sources, in->def, juki);
		contact_reuse(*answers, *sources, s, in);
	}
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
