/*
 * diff.c -- what changed between two definitions, in words rather than
 * lines: procedure properties changed, pages added / removed / changed,
 * fields added / removed / moved to another page / changed (which
 * property: label, type, options, condition, ...).  Fields are matched by
 * id (a field's id is its answer's key), pages by id.
 *
 * Invariants: reads both documents only; compares values with jansson's
 * json_equal (key order never matters, as in the canonical form); a
 * group's sub-fields count as the group's "fields" property.  Limits: at
 * most FORMS_DIFF_MAX changes (then *truncated).
 */
#include <string.h>

#include "core/forms/forms.h"

struct dctx {
	struct forms_change *out;
	int n, truncated;
};

static void add(struct dctx *c, enum forms_change_kind k, const char *what, const char *id,
		const char *page, const char *prop)
{
	if (c->n >= FORMS_DIFF_MAX) {
		c->truncated = 1;
		return;
	}
	c->out[c->n++] = (struct forms_change){ .kind = k, .what = what, .id = id, .page = page,
						.prop = prop };
}

static const char *sid(const json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "id"));
	return s ? s : "";
}

/* properties of a and b that differ (union of keys, in a's then b's order) */
static void props(struct dctx *c, const json_t *a, const json_t *b, const char *what,
		  const char *id, const char *page, const char *skip)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)a, k, v) {
		if (skip && strcmp(skip, k) == 0)
			continue;
		const json_t *w = json_object_get(b, k);
		if (!w || !json_equal(v, (json_t *)w))
			add(c, FORMS_CH_CHANGED, what, id, page, k);
	}
	json_object_foreach((json_t *)b, k, v) {
		if (skip && strcmp(skip, k) == 0)
			continue;
		if (!json_object_get(a, k))
			add(c, FORMS_CH_CHANGED, what, id, page, k);
	}
}

static const json_t *page_by_id(const json_t *doc, const char *id)
{
	const json_t *p;
	size_t i;
	json_array_foreach(json_object_get(doc, "pages"), i, p)
		if (strcmp(sid(p), id) == 0)
			return p;
	return NULL;
}

static const json_t *field_by_id(const json_t *doc, const char *id, const char **page)
{
	const json_t *p, *f;
	size_t i, j;
	json_array_foreach(json_object_get(doc, "pages"), i, p)
		json_array_foreach(json_object_get(p, "fields"), j, f)
			if (strcmp(sid(f), id) == 0) {
				if (page)
					*page = sid(p);
				return f;
			}
	return NULL;
}

int forms_diff(struct forms_change **out, int *truncated, struct arena *a, const json_t *from,
	       const json_t *to, struct err *e)
{
	struct dctx c = { arena_alloc(a, sizeof *c.out * FORMS_DIFF_MAX), 0, 0 };
	if (!c.out)
		return err_set(e, ERR_NOMEM, "diff: arena full");
	*out = c.out;
	/* the procedure's own properties ("pages" compared below) */
	props(&c, from, to, "procedure", sid(to), NULL, "pages");
	const json_t *p, *f;
	size_t i, j;
	json_array_foreach(json_object_get(from, "pages"), i, p)
		if (!page_by_id(to, sid(p)))
			add(&c, FORMS_CH_REMOVED, "page", sid(p), NULL, NULL);
	json_array_foreach(json_object_get(to, "pages"), i, p) {
		const json_t *old = page_by_id(from, sid(p));
		if (!old)
			add(&c, FORMS_CH_ADDED, "page", sid(p), NULL, NULL);
		else
			props(&c, old, p, "page", sid(p), NULL, "fields");
	}
	json_array_foreach(json_object_get(from, "pages"), i, p)
		json_array_foreach(json_object_get(p, "fields"), j, f)
			if (!field_by_id(to, sid(f), NULL))
				add(&c, FORMS_CH_REMOVED, "field", sid(f), sid(p), NULL);
	json_array_foreach(json_object_get(to, "pages"), i, p)
		json_array_foreach(json_object_get(p, "fields"), j, f) {
			const char *was = NULL;
			const json_t *old = field_by_id(from, sid(f), &was);
			if (!old) {
				add(&c, FORMS_CH_ADDED, "field", sid(f), sid(p), NULL);
				continue;
			}
			if (strcmp(was, sid(p)) != 0)
				add(&c, FORMS_CH_MOVED, "field", sid(f), sid(p), NULL);
			props(&c, old, f, "field", sid(f), sid(p), NULL);
		}
	if (truncated)
		*truncated = c.truncated;
	return c.n;
}
