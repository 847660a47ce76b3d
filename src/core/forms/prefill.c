/*
 * prefill.c -- once only (ワンスオンリー): answers taken from what the ward
 * already knows, each keeping its source, and the check at submit that
 * read-only registry answers were not changed and that waived attachments
 * are still proven.
 *
 * A file field may declare `"waive_if": {"source": "juki", "path": ...,
 * "matches": ...}`: when the registry record has a value at path (and,
 * with `matches`, that value equals the answer of the named field), the
 * file is replaced by the answer {"waived": "juki"}.  forms_validate
 * accepts that answer for such a field only (answers.c, v_file) and keeps
 * it in the normalised answers, so the signed canonical form says the file
 * was waived; forms_prefill_check proves it again against the registry at
 * submit, so a waiver typed in by hand does not pass.
 *
 * A group may be prefilled from a registry array (e.g. the household):
 * one item per element, its sub-fields taking the keys they name
 * (group_items).
 *
 * Invariants: nothing here writes a value into an error (registry values
 * are personal data: names, addresses, 個人番号); answers and sources
 * live in the caller's arena; the answers and sources are keyed by
 * top-level field (a group's source is the group's).
 */
#include <stdlib.h>
#include <string.h>

#include "core/forms/forms.h"
#include "core/forms/forms_int.h"

static void free_json(void *p)
{
	json_decref(p);
}

const json_t *forms_json_path(const json_t *v, const char *path)
{
	if (!v || !path || !*path || strlen(path) > FORMS_PATH_MAX)
		return NULL;
	char seg[FORMS_PATH_MAX + 1];
	const char *p = path;
	while (v && *p) {
		size_t n = strcspn(p, ".");
		if (n == 0 || n >= sizeof seg)
			return NULL;
		memcpy(seg, p, n);
		seg[n] = 0;
		if (json_is_object(v)) {
			v = json_object_get(v, seg);
		} else if (json_is_array(v) && seg[0] >= '0' && seg[0] <= '9' && n <= 4) {
			v = json_array_get(v, (size_t)atoi(seg));
		} else {
			return NULL;
		}
		p += n;
		if (*p == '.')
			p++;
	}
	return v;
}

static int absent(const json_t *v)
{
	return !v || json_is_null(v) ||
	       (json_is_string(v) && json_string_length(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

int forms_answer_waived(const json_t *answer)
{
	return json_is_object(answer) && json_object_size(answer) == 1 &&
	       json_object_get(answer, "waived") != NULL;
}

/* does the registry prove what file field f would? */
static int waiver_proven(const struct forms_field *f, const json_t *answers,
			 const json_t *juki)
{
	if (!f->waive_source || strcmp(f->waive_source, "juki") != 0 || !juki)
		return 0;
	const json_t *v = forms_json_path(juki, f->waive_path);
	if (absent(v))
		return 0;
	if (!f->waive_matches)
		return 1;
	const json_t *a = json_object_get(answers, f->waive_matches);
	return a && json_equal(a, v);
}

/* a group's items from the registry array v: one per element (the
 * resident's own left out with except_self), each with the sub-fields
 * that name a key of the element; at most max_items; NULL when none */
static json_t *group_items(const struct forms_field *g, const json_t *v)
{
	if (!json_is_array(v))
		return NULL;
	json_t *items = json_array();
	size_t i;
	const json_t *el;
	json_array_foreach(v, i, el) {
		if (!items || (int64_t)json_array_size(items) >= g->max_items)
			break;
		if (!json_is_object(el) ||
		    (g->prefill_except_self && json_is_true(json_object_get(el, "self"))))
			continue;
		json_t *item = json_object();
		for (int k = 0; item && k < g->nfields; k++) {
			const struct forms_field *sf = &g->fields[k];
			const json_t *sv = sf->prefill_path ? forms_json_path(el, sf->prefill_path)
				       : NULL;
			if (!absent(sv))
				json_object_set_new(item, sf->id, json_deep_copy(sv));
		}
		if (item && json_object_size(item))
			json_array_append_new(items, item);
		else
			json_decref(item);
	}
	if (items && json_array_size(items) == 0) {
		json_decref(items);
		items = NULL;
	}
	return items;
}

/* the value of f's prefill source (a new reference), or NULL */
static json_t *source_value(const struct forms_field *f, const json_t *juki,
			    const json_t *previous)
{
	if (!f->prefill_source)
		return NULL;
	const json_t *v = NULL;
	if (strcmp(f->prefill_source, "juki") == 0) {
		v = juki ? forms_json_path(juki, f->prefill_path) : NULL;
		if (f->type == FORMS_T_GROUP)
			return group_items(f, v);
	} else if (strcmp(f->prefill_source, "previous_submission") == 0) {
		v = previous ? forms_json_path(previous, f->prefill_path ? f->prefill_path
					       : f->id) : NULL;
	}
	return v ? json_incref((json_t *)v) : NULL;
}

int forms_prefill(json_t **answers, json_t **sources, struct arena *a,
		  const struct forms_def *d, const json_t *juki,
		  const json_t *previous, struct err *e)
{
	*answers = *sources = NULL;
	json_t *ans = json_object(), *src = json_object();
	if (!ans || !src || arena_cleanup_add(a, free_json, ans)) {
		json_decref(ans);
		json_decref(src);
		return err_set(e, ERR_NOMEM, "prefill: out of memory");
	}
	if (arena_cleanup_add(a, free_json, src)) {
		json_decref(src);
		return err_set(e, ERR_NOMEM, "prefill: out of memory");
	}
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			const struct forms_field *f = &d->pages[p].fields[i];
			json_t *v = source_value(f, juki, previous);
			if (absent(v)) {
				json_decref(v);
				continue;
			}
			json_t *c = json_deep_copy(v);
			json_decref(v);
			if (!c)
				return err_set(e, ERR_NOMEM, "prefill: out of memory");
			json_object_set_new(ans, f->id, c);
			json_object_set_new(src, f->id, json_string(f->prefill_source));
		}
	/* waivers, once the answers they match are in */
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			const struct forms_field *f = &d->pages[p].fields[i];
			if (f->type != FORMS_T_FILE || !waiver_proven(f, ans, juki))
				continue;
			json_object_set_new(ans, f->id, json_pack("{s:s}", "waived", f->waive_source));
			json_object_set_new(src, f->id, json_string(f->waive_source));
		}
	*answers = ans;
	*sources = src;
	return 0;
}

static void add(struct forms_result *r, const char *id, const char *code,
		const char *ja, const char *en)
{
	if (r->nerrors >= FORMS_MAX_ERRORS) {
		r->truncated = 1;
		return;
	}
	struct forms_error *er = &r->errors[r->nerrors++];
	forms_pathf(er->path, sizeof er->path, "%s", id);
	er->code = code;
	forms_pathf(er->ja, sizeof er->ja, "%s", ja);
	forms_pathf(er->en, sizeof er->en, "%s", en);
}

int forms_prefill_check(struct forms_result *r, struct arena *a,
			const struct forms_def *d, const json_t *answers,
			const json_t *sources, const json_t *juki,
			struct err *e)
{
	if (!json_is_object(answers))
		return err_set(e, ERR_INVALID, "prefill check: answers must be a JSON object");
	if (!r->errors) {
		r->errors = arena_alloc(a, sizeof *r->errors * FORMS_MAX_ERRORS);
		if (!r->errors)
			return err_set(e, ERR_NOMEM, "prefill check: arena full");
	}
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			const struct forms_field *f = &d->pages[p].fields[i];
			const json_t *ans = json_object_get(answers, f->id);
			if (!ans)
				continue;
			const json_t *sv = json_object_get(sources, f->id);
			const char *src = json_is_string(sv) ? json_string_value(sv) : NULL;
			if (f->type == FORMS_T_FILE) {
				if (forms_answer_waived(ans) && !waiver_proven(f, answers, juki))
					add(r, f->id, "waiver",
					    "登録情報で確認できないため、書類を添付してください。",
					    "The registry does not prove this: attach the document.");
				continue;
			}
			int from_juki = f->prefill_source && strcmp(f->prefill_source, "juki") == 0;
			json_t *jv = from_juki ? source_value(f, juki, NULL) : NULL;
			if (from_juki && !f->prefill_editable && !absent(jv) && !json_equal(ans, jv))
				add(r, f->id, "prefill_readonly",
				    "住民基本台帳の内容と異なります。この項目は変更できません。",
				    "This answer comes from the resident registry and cannot be changed.");
			else if (src && strcmp(src, "juki") == 0 &&
				 (!from_juki || absent(jv) || !json_equal(ans, jv)))
				add(r, f->id, "prefill_source",
				    "登録情報から入力した内容が変わっています。もう一度確認してください。",
				    "An answer taken from the registry has changed: check it again.");
			json_decref(jv);
		}
	return 0;
}

int forms_def_uses_registry(const struct forms_def *d)
{
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			const struct forms_field *f = &d->pages[p].fields[i];
			if ((f->prefill_source && strcmp(f->prefill_source, "juki") == 0) ||
			    f->waive_source)
				return 1;
		}
	return 0;
}

int forms_prefill_sources_update(json_t *sources, const struct forms_def *d,
				 const json_t *answers, const json_t *juki,
				 const json_t *previous)
{
	if (!json_is_object(sources))
		return 0;
	int dropped = 0;
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(sources, tmp, k, v) {
		const struct forms_field *f = forms_def_field(d, k);
		const json_t *ans = json_object_get(answers, k);
		int keep = 0;
		if (f && ans && f->type == FORMS_T_FILE)
			keep = forms_answer_waived(ans) && waiver_proven(f, answers, juki);
		else if (f && ans && json_is_string(v) && f->prefill_source &&
			 strcmp(json_string_value(v), f->prefill_source) == 0) {
			json_t *sv = source_value(f, juki, previous);
			keep = sv && json_equal(ans, sv);
			json_decref(sv);
		}
		if (!keep) {
			json_object_del(sources, k);
			dropped++;
		}
	}
	return dropped;
}
