/*
 * def.c -- procedure definitions: JSON document to struct forms_def, and
 * the schema check that refuses a bad definition with a precise message.
 *
 * The format is documented in docs/procedures.md.  The check is strict on
 * purpose: an unknown key is an error (a typo like "max_lenght" must not
 * silently drop a rule), every id is checked for shape and uniqueness,
 * every condition is parsed and may read only fields the resident has
 * already answered at that point (earlier fields, earlier pages), so
 * that a single pass in definition order decides visibility, and page
 * routes may not form a cycle.
 *
 * Invariants: on success every pointer in the struct is into arena a (or
 * into the JSON document, whose reference the arena releases); on failure
 * *out is NULL and the detail names the JSON path of the first problem.
 * The detail quotes ids and keys of the definition (not personal data),
 * truncated to a few dozen bytes.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/forms/forms.h"
#include "core/forms/forms_int.h"
#include "jp/text.h"

static const char *const type_names[] = {
	[FORMS_T_TEXT] = "text", [FORMS_T_TEXTAREA] = "textarea",
	[FORMS_T_KANA] = "kana", [FORMS_T_NAME_JP] = "name_jp",
	[FORMS_T_DATE] = "date", [FORMS_T_POSTAL_CODE] = "postal_code",
	[FORMS_T_ADDRESS_JP] = "address_jp", [FORMS_T_PHONE] = "phone",
	[FORMS_T_EMAIL] = "email", [FORMS_T_MY_NUMBER] = "my_number",
	[FORMS_T_INTEGER] = "integer", [FORMS_T_YEN] = "yen",
	[FORMS_T_RADIO] = "radio", [FORMS_T_SELECT] = "select",
	[FORMS_T_CHECKBOXES] = "checkboxes", [FORMS_T_YES_NO] = "yes_no",
	[FORMS_T_BANK_ACCOUNT] = "bank_account", [FORMS_T_FILE] = "file",
	[FORMS_T_GROUP] = "group", [FORMS_T_INFO] = "info",
	[FORMS_T_DECLARATION] = "declaration",
};
#define NTYPES ((int)(sizeof type_names / sizeof type_names[0]))

/* keys each type accepts besides the common ones */
static const char *const type_keys[] = {
	[FORMS_T_TEXT] = " min_length max_length pattern ",
	[FORMS_T_TEXTAREA] = " min_length max_length pattern ",
	[FORMS_T_KANA] = " min_length max_length ",
	[FORMS_T_NAME_JP] = " ",
	[FORMS_T_DATE] = " display min max not_future ",
	[FORMS_T_POSTAL_CODE] = " ",
	[FORMS_T_ADDRESS_JP] = " ",
	[FORMS_T_PHONE] = " ",
	[FORMS_T_EMAIL] = " ",
	[FORMS_T_MY_NUMBER] = " ",
	[FORMS_T_INTEGER] = " min max ",
	[FORMS_T_YEN] = " min max ",
	[FORMS_T_RADIO] = " options ",
	[FORMS_T_SELECT] = " options ",
	[FORMS_T_CHECKBOXES] = " options min_selected max_selected ",
	[FORMS_T_YES_NO] = " ",
	[FORMS_T_BANK_ACCOUNT] = " ",
	[FORMS_T_FILE] = " accept max_bytes waive_if ",
	[FORMS_T_GROUP] = " fields min_items max_items ",
	[FORMS_T_INFO] = " text ",
	[FORMS_T_DECLARATION] = " text ",
};

/* the parts of compound answers a condition may name ("bank.kind") */
static const char *const type_parts[] = {
	[FORMS_T_NAME_JP] = " family given family_kana given_kana ",
	[FORMS_T_ADDRESS_JP] = " postal_code pref city street building ",
	[FORMS_T_BANK_ACCOUNT] = " bank_code branch_code kind number holder_kana ",
	[FORMS_T_FILE] = " name type size sha256 ",
};

const char *forms_type_name(enum forms_type t)
{
	if ((int)t <= 0 || (int)t >= NTYPES)
		return NULL;
	return type_names[t];
}

int forms_field_is_answerable(const struct forms_field *f)
{
	return f->type != FORMS_T_INFO;
}

#define FILE_MAX_BYTES (50LL << 20)

struct bld {
	struct arena *a;
	struct err *e;
	struct forms_def *d;
	int nfields_total;
	/* every field, in definition order, for reference checks */
	struct forms_field **all;
	int nall;
	/* while checking a condition */
	int limit_order;          /* names must have order < this          */
	int limit_page;           /* ... or page <= this (routes), or -1   */
	const struct forms_field *group; /* group being defined, or NULL   */
	int group_limit;          /* sibling index limit inside the group  */
	const char *cpath;        /* JSON path of the condition            */
	const json_t *doc;        /* the whole definition                  */
};

/* later_field -- does a field with this id appear anywhere in the
 * definition (so that a reference to it is "later", not "unknown")? */
static int later_in(const json_t *fields, const char *id, size_t n, int depth)
{
	size_t i;
	json_t *f;
	if (!json_is_array(fields) || depth > FORMS_MAX_GROUP_DEPTH + 1)
		return 0;
	json_array_foreach(fields, i, f) {
		const json_t *v = json_object_get(f, "id");
		if (json_is_string(v) && strlen(json_string_value(v)) == n &&
		    memcmp(json_string_value(v), id, n) == 0)
			return 1;
		if (later_in(json_object_get(f, "fields"), id, n, depth + 1))
			return 1;
	}
	return 0;
}

static int later_field(const json_t *doc, const char *id, size_t n)
{
	size_t i;
	json_t *pg;
	const json_t *pages = json_object_get(doc, "pages");
	if (!json_is_array(pages))
		return 0;
	json_array_foreach(pages, i, pg)
		if (later_in(json_object_get(pg, "fields"), id, n, 0))
			return 1;
	return 0;
}

static int inval(struct bld *b, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int inval(struct bld *b, const char *path, const char *fmt, ...)
{
	char m[ERR_DETAIL_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	return err_set(b->e, ERR_INVALID, "%s: %s", path, m);
}

/* short -- a key or id, cut for messages */
static const char *cut(const char *s)
{
	static __thread char buf[48];
	size_t n = strlen(s);
	if (n < sizeof buf) {
		return s;
	}
	memcpy(buf, s, sizeof buf - 4);
	memcpy(buf + sizeof buf - 4, "...", 4);
	return buf;
}

static int check_keys(struct bld *b, const json_t *o, const char *path,
		      const char *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		char w[80];
		if (strlen(k) > 60)
			return inval(b, path, "unknown key \"%s\"", cut(k));
		forms_pathf(w, sizeof w, " %s ", k);
		if (!strstr(allowed, w))
			return inval(b, path, "unknown key \"%s\"", cut(k));
	}
	return 0;
}

static int valid_id(const char *s, int dash)
{
	size_t n = strlen(s);
	if (n == 0 || n > FORMS_ID_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || (dash && c == '-')))
			return 0;
	}
	return 1;
}

static int get_id(const char **out, struct bld *b, const json_t *o,
		  const char *path, int dash)
{
	const json_t *v = json_object_get(o, "id");
	if (!v)
		return inval(b, path, "missing \"id\"");
	if (!json_is_string(v) || !valid_id(json_string_value(v), dash))
		return inval(b, path, "\"id\" must be 1-%d of [a-z0-9_%s], starting with a letter",
			     FORMS_ID_MAX, dash ? "-" : "");
	*out = json_string_value(v);
	return 0;
}

static int get_text(struct forms_text *t, struct bld *b, const json_t *o,
		    const char *key, const char *path, int required)
{
	char p[FORMS_PATH_MAX + 32];
	forms_pathf(p, sizeof p, "%s.%s", path, key);
	memset(t, 0, sizeof *t);
	const json_t *v = json_object_get(o, key);
	if (!v) {
		if (required)
			return inval(b, path, "missing \"%s\"", key);
		return 0;
	}
	if (!json_is_object(v))
		return inval(b, p, "must be an object {\"ja\", \"en\", \"ja-easy\"}");
	int rc = check_keys(b, v, p, " ja en ja-easy ");
	if (rc)
		return rc;
	static const char *const langs[] = { "ja", "en", "ja-easy" };
	const char **dst[] = { &t->ja, &t->en, &t->ja_easy };
	for (int i = 0; i < 3; i++) {
		const json_t *s = json_object_get(v, langs[i]);
		if (!s) {
			if (i < 2)
				return inval(b, p, "missing \"%s\" (Japanese and English are both required)",
					     langs[i]);
			continue;
		}
		if (!json_is_string(s) || json_string_length(s) == 0)
			return inval(b, p, "\"%s\" must be a non-empty string", langs[i]);
		if (json_string_length(s) > FORMS_TEXT_MAX)
			return err_set(b->e, ERR_LIMIT, "%s.%s: longer than %d bytes",
				       p, langs[i], FORMS_TEXT_MAX);
		*dst[i] = json_string_value(s);
	}
	return 0;
}

/* The inclusive bounds an integer member must lie within. */
struct int_range {
	int64_t min;
	int64_t max;
};

static int get_int(int64_t *out, int *present, struct bld *b, const json_t *o,
		   const char *key, const char *path, struct int_range r)
{
	int64_t min = r.min, max = r.max;
	const json_t *v = json_object_get(o, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return inval(b, path, "\"%s\" must be an integer from %lld to %lld",
			     key, (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

static int get_bool(int *out, struct bld *b, const json_t *o, const char *key,
		    const char *path)
{
	const json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return inval(b, path, "\"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

static int get_str(const char **out, struct bld *b, const json_t *o,
		   const char *key, const char *path, int required)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v)
		return required ? inval(b, path, "missing \"%s\"", key) : 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return inval(b, path, "\"%s\" must be a non-empty string", key);
	if (json_string_length(v) > FORMS_TEXT_MAX)
		return err_set(b->e, ERR_LIMIT, "%s.%s: too long", path, key);
	*out = json_string_value(v);
	return 0;
}

static int get_enum(const char **out, struct bld *b, const json_t *o,
		    const char *key, const char *path, const char *allowed,
		    const char *dflt)
{
	int rc = get_str(out, b, o, key, path, 0);
	if (rc)
		return rc;
	if (!*out) {
		*out = dflt;
		return 0;
	}
	char w[80];
	if (strlen(*out) <= 60)
		forms_pathf(w, sizeof w, " %s ", *out);
	if (strlen(*out) > 60 || !strstr(allowed, w))
		return inval(b, path, "\"%s\" must be one of:%s", key, allowed);
	return 0;
}

/* ---- condition references ---- */

static const struct forms_field *find_field(struct forms_field *fs, int n,
					    const char *id, size_t len)
{
	for (int i = 0; i < n; i++)
		if (fs[i].id && strlen(fs[i].id) == len && memcmp(fs[i].id, id, len) == 0)
			return &fs[i];
	return NULL;
}

static int check_part(struct bld *b, const struct forms_field *f,
		      const char *name, const char *rest)
{
	if (!rest)
		return 0;
	const char *parts = (int)f->type < (int)(sizeof type_parts / sizeof type_parts[0])
			    ? type_parts[f->type] : NULL;
	char w[FORMS_PATH_MAX + 4];
	forms_pathf(w, sizeof w, " %s ", rest);
	if (!parts || strchr(rest, '.') || !strstr(parts, w))
		return inval(b, b->cpath, "\"%s\": a %s field has no part \"%s\"",
			     cut(name), forms_type_name(f->type), cut(rest));
	return 0;
}

static int ref_fn(const char *name, int scoped, const char *group, void *arg)
{
	struct bld *b = arg;
	size_t n = strcspn(name, ".");
	const char *rest = name[n] ? name + n + 1 : NULL;
	/* inside any(g, ...): the items of group g */
	if (scoped && group) {
		const struct forms_field *g = NULL;
		for (int i = 0; i < b->nall; i++)
			if (strcmp(b->all[i]->id, group) == 0)
				g = b->all[i];
		if (g && g->type == FORMS_T_GROUP) {
			const struct forms_field *f = find_field(g->fields, g->nfields, name, n);
			if (f)
				return check_part(b, f, name, rest);
		}
	}
	/* sibling in the group being defined */
	if (b->group) {
		const struct forms_field *f =
			find_field(b->group->fields, b->group_limit, name, n);
		if (f)
			return check_part(b, f, name, rest);
		if (find_field(b->group->fields, b->group->nfields, name, n))
			return inval(b, b->cpath, "\"%s\" is answered later in the group: a condition may only read earlier fields",
				     cut(name));
	}
	for (int i = 0; i < b->nall; i++) {
		const struct forms_field *f = b->all[i];
		if (strlen(f->id) != n || memcmp(f->id, name, n) != 0)
			continue;
		if (f->order < 0)
			return inval(b, b->cpath, "\"%s\" is a field inside a group: read it with any(), all() or count() on the group",
				     cut(name));
		int ok = b->limit_page >= 0 ? f->page <= b->limit_page
					    : f->order < b->limit_order;
		if (!ok)
			return inval(b, b->cpath, "\"%s\" is answered later: a condition may only read fields answered before it",
				     cut(name));
		if (f->type == FORMS_T_INFO)
			return inval(b, b->cpath, "\"%s\" is an info field and has no answer",
				     cut(name));
		return check_part(b, f, name, rest);
	}
	if (!(scoped && group) && later_field(b->doc, name, n))
		return inval(b, b->cpath, "\"%s\" is answered later: a condition may only read fields answered before it",
			     cut(name));
	if (scoped && group)
		return inval(b, b->cpath, "\"%s\" is not a field of group \"%s\" nor a field before it",
			     cut(name), cut(group));
	return inval(b, b->cpath, "unknown field \"%s\"", cut(name));
}

/* resolve a name to its field, as ref_fn does (NULL when not a field) */
static const struct forms_field *resolve(struct bld *b, const char *name,
					 int scoped, const char *group)
{
	size_t n = strcspn(name, ".");
	if (scoped && group)
		for (int i = 0; i < b->nall; i++)
			if (strcmp(b->all[i]->id, group) == 0 && b->all[i]->type == FORMS_T_GROUP) {
				const struct forms_field *f =
					find_field(b->all[i]->fields, b->all[i]->nfields, name, n);
				if (f)
					return f;
			}
	if (b->group) {
		const struct forms_field *f = find_field(b->group->fields, b->group_limit, name, n);
		if (f)
			return f;
	}
	for (int i = 0; i < b->nall; i++)
		if (strlen(b->all[i]->id) == n && memcmp(b->all[i]->id, name, n) == 0)
			return b->all[i];
	return NULL;
}

static const char *kind_name(enum forms_val_kind k)
{
	switch (k) {
	case FORMS_V_BOOL: return "true/false";
	case FORMS_V_INT: return "an integer";
	case FORMS_V_STR: return "a string";
	case FORMS_V_NULL: return "null";
	default: return "a list";
	}
}

/* lit_fn -- a literal compared with a field must be able to match it */
static int lit_fn(const char *name, int scoped, const char *group,
		  const struct forms_val *lit, void *arg)
{
	struct bld *b = arg;
	const struct forms_field *f = resolve(b, name, scoped, group);
	if (!f || strchr(name, '.') || lit->kind == FORMS_V_NULL)
		return 0;
	enum forms_val_kind want;
	switch (f->type) {
	case FORMS_T_YES_NO:
	case FORMS_T_DECLARATION:
		want = FORMS_V_BOOL;
		break;
	case FORMS_T_INTEGER:
	case FORMS_T_YEN:
		want = FORMS_V_INT;
		break;
	case FORMS_T_NAME_JP:
	case FORMS_T_ADDRESS_JP:
	case FORMS_T_BANK_ACCOUNT:
	case FORMS_T_FILE:
	case FORMS_T_GROUP:
		return inval(b, b->cpath, "\"%s\" is a %s answer: compare one of its parts or use is_empty()/count()",
			     cut(name), forms_type_name(f->type));
	default:
		want = FORMS_V_STR;
	}
	if (lit->kind != want)
		return inval(b, b->cpath, "\"%s\" (%s) is compared with %s, which it can never equal",
			     cut(name), forms_type_name(f->type), kind_name(lit->kind));
	if (f->noptions > 0) {
		for (int i = 0; i < f->noptions; i++)
			if (strcmp(f->options[i].value, lit->s) == 0)
				return 0;
		return inval(b, b->cpath, "\"%s\" has no option \"%s\"", cut(name), cut(lit->s));
	}
	if (f->type == FORMS_T_DATE) {
		struct jp_date d;
		if (jp_date_parse_iso(&d, lit->s, NULL) != 0)
			return inval(b, b->cpath, "\"%s\" is a date: compare it with 'YYYY-MM-DD'", cut(name));
	}
	return 0;
}

static int get_cond(struct forms_cond **out, const char **src, struct bld *b,
		    const json_t *o, const char *key, const char *path)
{
	char p[FORMS_PATH_MAX + 32];
	forms_pathf(p, sizeof p, "%s.%s", path, key);
	*out = NULL;
	if (src)
		*src = NULL;
	const json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_string(v))
		return inval(b, p, "must be a condition string");
	struct err ce;
	int rc = forms_cond_parse(out, b->a, json_string_value(v), &ce);
	if (rc)
		return err_set(b->e, rc, "%s: %s", p, ce.detail);
	if (src)
		*src = json_string_value(v);
	b->cpath = p;
	rc = forms_cond_refs(*out, ref_fn, b);
	if (rc == 0)
		rc = forms_cond_literals(*out, lit_fn, b);
	b->cpath = NULL;
	return rc;
}

/* ---- fields ---- */

/* Where a list of fields sits: the index of its page, the group whose
 * fields they are (NULL: the page's own fields) and how many groups
 * deep that is (0 on the page, 1 inside a group, ...). */
struct field_place {
	int page;
	const struct forms_field *group;
	int depth;
};

static int parse_fields(struct forms_field **out, int *n, struct bld *b,
			const json_t *arr, const char *path,
			const struct field_place *at);

static int parse_options(struct forms_field *f, struct bld *b, const json_t *o,
			 const char *path)
{
	const json_t *opts = json_object_get(o, "options");
	if (!opts)
		return inval(b, path, "missing \"options\" (a %s field needs them)",
			     forms_type_name(f->type));
	if (!json_is_array(opts) || json_array_size(opts) == 0)
		return inval(b, path, "\"options\" must be a non-empty array");
	if (json_array_size(opts) > FORMS_MAX_OPTIONS)
		return err_set(b->e, ERR_LIMIT, "%s.options: more than %d", path,
			       FORMS_MAX_OPTIONS);
	f->noptions = (int)json_array_size(opts);
	f->options = arena_alloc(b->a, sizeof *f->options * (size_t)f->noptions);
	if (!f->options)
		return err_set(b->e, ERR_NOMEM, "arena full");
	for (int i = 0; i < f->noptions; i++) {
		char p[FORMS_PATH_MAX + 32];
		forms_pathf(p, sizeof p, "%s.options[%d]", path, i);
		const json_t *op = json_array_get(opts, (size_t)i);
		int rc;
		if (!json_is_object(op))
			return inval(b, p, "must be an object {\"value\", \"label\"}");
		if ((rc = check_keys(b, op, p, " value label ")) ||
		    (rc = get_str(&f->options[i].value, b, op, "value", p, 1)) ||
		    (rc = get_text(&f->options[i].label, b, op, "label", p, 1)))
			return rc;
		if (strlen(f->options[i].value) > FORMS_ID_MAX * 2)
			return inval(b, p, "\"value\" longer than %d bytes", FORMS_ID_MAX * 2);
		for (int j = 0; j < i; j++)
			if (strcmp(f->options[j].value, f->options[i].value) == 0)
				return inval(b, p, "duplicate option value \"%s\"",
					     cut(f->options[i].value));
	}
	return 0;
}

static void regfree_cb(void *p)
{
	regfree(p);
}

static int parse_date_opt(struct jp_date *d, struct bld *b, const json_t *o,
			  const char *key, const char *path)
{
	const json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_string(v) || jp_date_parse_iso(d, json_string_value(v), NULL))
		return inval(b, path, "\"%s\" must be a date YYYY-MM-DD", key);
	return 0;
}

/* a prefill path: a dotted name of [a-z0-9_] ("address.city") */
static int dotted_name(const char *s)
{
	int ok = strlen(s) <= FORMS_ID_MAX * 2 && s[0] >= 'a' && s[0] <= 'z';
	for (; ok && *s; s++)
		ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		     *s == '_' || (*s == '.' && s[1] && s[1] != '.');
	return ok;
}

/* prefill: where a once-only answer comes from (the runner fills it; a
 * registry answer is read-only unless "editable").  A group prefilled
 * from "juki" takes the array at its path (e.g. "household"), one item
 * per element ("except_self": without the resident's own), and each of
 * its sub-fields says with its own {"source": "juki", "path"} which key
 * of the element it takes; sub-fields of other groups are not prefilled. */
static int parse_prefill(struct forms_field *f, struct bld *b, const json_t *o,
			 const char *path, const struct forms_field *group)
{
	const json_t *pf = json_object_get(o, "prefill");
	if (!pf)
		return 0;
	char p[FORMS_PATH_MAX + 16];
	forms_pathf(p, sizeof p, "%s.prefill", path);
	int rc;
	if (!json_is_object(pf))
		return inval(b, p, "must be an object {\"source\", \"path\", \"editable\"}");
	if (f->type == FORMS_T_INFO || f->type == FORMS_T_DECLARATION || f->type == FORMS_T_FILE)
		return inval(b, p, "a %s field cannot be prefilled", forms_type_name(f->type));
	if (group) {
		/* an element's key, read when the group is prefilled */
		if (!group->prefill_source || strcmp(group->prefill_source, "juki") != 0)
			return inval(b, p, "a field of a group is prefilled only when its group is"
				     " (\"prefill\": {\"source\": \"juki\", \"path\": ...} on the group)");
		if ((rc = check_keys(b, pf, p, " source path ")) ||
		    (rc = get_enum(&f->prefill_source, b, pf, "source", p, " juki ", NULL)) ||
		    (rc = get_str(&f->prefill_path, b, pf, "path", p, 1)))
			return rc;
		if (!f->prefill_source)
			return inval(b, p, "missing \"source\"");
		if (!dotted_name(f->prefill_path))
			return inval(b, p, "\"path\" must be a dotted name of [a-z0-9_]");
		if (f->type == FORMS_T_GROUP)
			return inval(b, p, "a group inside a group cannot be prefilled");
		f->prefill_editable = group->prefill_editable;
		return 0;
	}
	if ((rc = check_keys(b, pf, p, f->type == FORMS_T_GROUP ? " source path editable except_self "
			      : " source path editable ")) ||
	    (rc = get_enum(&f->prefill_source, b, pf, "source", p,
			   " juki jpki_cert previous_submission staff ", NULL)))
		return rc;
	if (!f->prefill_source)
		return inval(b, p, "missing \"source\"");
	if ((rc = get_str(&f->prefill_path, b, pf, "path", p,
			  strcmp(f->prefill_source, "previous_submission") != 0)))
		return rc;
	if (f->prefill_path && !dotted_name(f->prefill_path))
		return inval(b, p, "\"path\" must be a dotted name of [a-z0-9_]");
	/* registry and certificate data are read-only unless said otherwise */
	f->prefill_editable = strcmp(f->prefill_source, "juki") != 0 &&
			      strcmp(f->prefill_source, "jpki_cert") != 0;
	if ((rc = get_bool(&f->prefill_editable, b, pf, "editable", p)) ||
	    (rc = get_bool(&f->prefill_except_self, b, pf, "except_self", p)))
		return rc;
	if (f->type == FORMS_T_GROUP && strcmp(f->prefill_source, "juki") != 0 &&
	    strcmp(f->prefill_source, "previous_submission") != 0)
		return inval(b, p, "a group is prefilled from \"juki\" or \"previous_submission\"");
	if (f->prefill_except_self && strcmp(f->prefill_source, "juki") != 0)
		return inval(b, p, "\"except_self\" is for a group prefilled from \"juki\"");
	return 0;
}

/* waive_if (file fields): the registry proves the fact the attachment
 * would, so the file is not asked for (see prefill.c) */
static int parse_waive(struct forms_field *f, struct bld *b, const json_t *o,
		       const char *path, const struct forms_field *group)
{
	const json_t *w = json_object_get(o, "waive_if");
	if (!w)
		return 0;
	char p[FORMS_PATH_MAX + 16];
	forms_pathf(p, sizeof p, "%s.waive_if", path);
	int rc;
	if (!json_is_object(w))
		return inval(b, p, "must be an object {\"source\", \"path\", \"matches\"}");
	if (group)
		return inval(b, p, "a file inside a group cannot be waived");
	if ((rc = check_keys(b, w, p, " source path matches ")) ||
	    (rc = get_enum(&f->waive_source, b, w, "source", p, " juki ", NULL)))
		return rc;
	if (!f->waive_source)
		return inval(b, p, "missing \"source\"");
	if ((rc = get_str(&f->waive_path, b, w, "path", p, 1)))
		return rc;
	const char *s = f->waive_path;
	int ok = strlen(s) <= FORMS_ID_MAX * 2 && s[0] >= 'a' && s[0] <= 'z';
	for (; ok && *s; s++)
		ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		     *s == '_' || (*s == '.' && s[1] && s[1] != '.');
	if (!ok)
		return inval(b, p, "\"path\" must be a dotted name of [a-z0-9_]");
	if ((rc = get_str(&f->waive_matches, b, w, "matches", p, 0)))
		return rc;
	if (f->waive_matches) {
		const struct forms_field *m = NULL;
		for (int i = 0; i < b->nall; i++)
			if (b->all[i]->order >= 0 && strcmp(b->all[i]->id, f->waive_matches) == 0)
				m = b->all[i];
		if (!m)
			return inval(b, p, "\"matches\": \"%s\" is not a field before this one",
				     cut(f->waive_matches));
		if (!forms_field_is_answerable(m) || m->type == FORMS_T_FILE ||
		    m->type == FORMS_T_GROUP || m->type == FORMS_T_DECLARATION)
			return inval(b, p, "\"matches\": a %s field cannot match a registry value",
				     forms_type_name(m->type));
	}
	return 0;
}

static int parse_field(struct forms_field *f, struct bld *b, const json_t *o,
		       const char *path, int page,
		       const struct forms_field *group, int depth)
{
	int rc;
	if (!json_is_object(o))
		return inval(b, path, "a field must be an object");
	if ((rc = get_id(&f->id, b, o, path, 0)))
		return rc;
	const json_t *tv = json_object_get(o, "type");
	if (!tv || !json_is_string(tv))
		return inval(b, path, "missing \"type\" (field \"%s\")", f->id);
	for (int t = 1; t < NTYPES; t++)
		if (strcmp(type_names[t], json_string_value(tv)) == 0)
			f->type = (enum forms_type)t;
	if (!f->type)
		return inval(b, path, "unknown field type \"%s\" (field \"%s\")",
			     cut(json_string_value(tv)), f->id);
	char allowed[256];
	snprintf(allowed, sizeof allowed,
		 " id type label hint required required_if show_if prefill%s",
		 type_keys[f->type]);
	if ((rc = check_keys(b, o, path, allowed)))
		return rc;
	int is_info = f->type == FORMS_T_INFO;
	if ((rc = get_text(&f->label, b, o, "label", path, !is_info &&
			   f->type != FORMS_T_DECLARATION)) ||
	    (rc = get_text(&f->hint, b, o, "hint", path, 0)))
		return rc;
	f->required = f->type == FORMS_T_DECLARATION;
	if ((rc = get_bool(&f->required, b, o, "required", path)))
		return rc;
	if (is_info && (json_object_get(o, "required") || json_object_get(o, "required_if")))
		return inval(b, path, "an info field takes no answer: no \"required\"");
	/* conditions read fields before this one */
	if (group) {
		b->group = group;
		b->group_limit = (int)(f - group->fields);
		b->limit_order = group->order;
	} else {
		b->group = NULL;
		b->limit_order = f->order;
	}
	b->limit_page = -1;
	if ((rc = get_cond(&f->show_if, &f->show_if_src, b, o, "show_if", path)) ||
	    (rc = get_cond(&f->required_if, &f->required_if_src, b, o, "required_if", path)))
		return rc;
	if (f->required_if && f->required)
		return inval(b, path, "\"required\": true and \"required_if\" together (drop one)");
	if ((rc = parse_prefill(f, b, o, path, group)) ||
	    (rc = parse_waive(f, b, o, path, group)))
		return rc;
	f->min_length = f->max_length = -1;
	f->min_selected = f->max_selected = -1;
	f->min_items = 0;
	f->max_items = FORMS_MAX_GROUP_ITEMS;
	switch (f->type) {
	case FORMS_T_TEXT:
	case FORMS_T_TEXTAREA:
	case FORMS_T_KANA:
		if ((rc = get_int(&f->min_length, NULL, b, o, "min_length", path,
				  (struct int_range){ .min = 0, .max = 100000 })) ||
		    (rc = get_int(&f->max_length, NULL, b, o, "max_length", path,
				  (struct int_range){ .min = 1, .max = 100000 })))
			return rc;
		if (f->max_length >= 0 && f->min_length > f->max_length)
			return inval(b, path, "\"min_length\" is greater than \"max_length\"");
		if (f->type != FORMS_T_KANA &&
		    (rc = get_str(&f->pattern, b, o, "pattern", path, 0)))
			return rc;
		if (f->pattern) {
			if (strlen(f->pattern) > FORMS_PATTERN_MAX)
				return err_set(b->e, ERR_LIMIT, "%s.pattern: longer than %d bytes",
					       path, FORMS_PATTERN_MAX);
			regex_t *re = arena_alloc(b->a, sizeof *re);
			if (!re)
				return err_set(b->e, ERR_NOMEM, "arena full");
			if (regcomp(re, f->pattern, REG_EXTENDED | REG_NOSUB) != 0)
				return inval(b, path, "\"pattern\" is not a valid POSIX extended regular expression");
			if (arena_cleanup_add(b->a, regfree_cb, re))
				return err_set(b->e, ERR_NOMEM, "arena full");
			f->pattern_re = re;
		}
		break;
	case FORMS_T_DATE: {
		const char *disp;
		if ((rc = get_enum(&disp, b, o, "display", path, " wareki seireki ", "wareki")) ||
		    (rc = parse_date_opt(&f->min_date, b, o, "min", path)) ||
		    (rc = parse_date_opt(&f->max_date, b, o, "max", path)) ||
		    (rc = get_bool(&f->not_future, b, o, "not_future", path)))
			return rc;
		f->date_wareki = strcmp(disp, "wareki") == 0;
		if (f->min_date.y && f->max_date.y && jp_date_cmp(f->min_date, f->max_date) > 0)
			return inval(b, path, "\"min\" is after \"max\"");
		break;
	}
	case FORMS_T_INTEGER:
	case FORMS_T_YEN: {
		int64_t lim = 999999999999LL;
		if ((rc = get_int(&f->min, &f->has_min, b, o, "min", path,
				  (struct int_range){ .min = -lim, .max = lim })) ||
		    (rc = get_int(&f->max, &f->has_max, b, o, "max", path,
				  (struct int_range){ .min = -lim, .max = lim })))
			return rc;
		if (f->has_min && f->has_max && f->min > f->max)
			return inval(b, path, "\"min\" is greater than \"max\"");
		if (f->type == FORMS_T_YEN && !f->has_min) {
			f->has_min = 1;
			f->min = 0;
		}
		break;
	}
	case FORMS_T_RADIO:
	case FORMS_T_SELECT:
	case FORMS_T_CHECKBOXES:
		if ((rc = parse_options(f, b, o, path)))
			return rc;
		if (f->type == FORMS_T_CHECKBOXES) {
			if ((rc = get_int(&f->min_selected, NULL, b, o, "min_selected", path,
					  (struct int_range){ .min = 0, .max = f->noptions })) ||
			    (rc = get_int(&f->max_selected, NULL, b, o, "max_selected", path,
					  (struct int_range){ .min = 1, .max = f->noptions })))
				return rc;
			if (f->max_selected >= 0 && f->min_selected > f->max_selected)
				return inval(b, path, "\"min_selected\" is greater than \"max_selected\"");
		}
		break;
	case FORMS_T_FILE: {
		const json_t *acc = json_object_get(o, "accept");
		if (!acc || !json_is_array(acc) || json_array_size(acc) == 0 ||
		    json_array_size(acc) > 20)
			return inval(b, path, "\"accept\" must list 1-20 MIME types");
		f->naccept = (int)json_array_size(acc);
		f->accept = arena_alloc(b->a, sizeof *f->accept * (size_t)f->naccept);
		if (!f->accept)
			return err_set(b->e, ERR_NOMEM, "arena full");
		for (int i = 0; i < f->naccept; i++) {
			const json_t *m = json_array_get(acc, (size_t)i);
			const char *ms = json_is_string(m) ? json_string_value(m) : "";
			const char *slash = strchr(ms, '/');
			if (!slash || slash == ms || !slash[1] || strlen(ms) > 100 ||
			    strchr(slash + 1, '/') || strchr(ms, ' '))
				return inval(b, path, "accept[%d] is not a MIME type (type/subtype)", i);
			f->accept[i] = ms;
		}
		f->max_bytes = 10LL << 20;
		if ((rc = get_int(&f->max_bytes, NULL, b, o, "max_bytes", path,
				  (struct int_range){ .min = 1, .max = FILE_MAX_BYTES })))
			return rc;
		break;
	}
	case FORMS_T_GROUP: {
		if (depth >= FORMS_MAX_GROUP_DEPTH)
			return err_set(b->e, ERR_LIMIT, "%s: groups nested deeper than %d",
				       path, FORMS_MAX_GROUP_DEPTH);
		if ((rc = get_int(&f->min_items, NULL, b, o, "min_items", path,
				  (struct int_range){ .min = 0, .max = FORMS_MAX_GROUP_ITEMS })) ||
		    (rc = get_int(&f->max_items, NULL, b, o, "max_items", path,
				  (struct int_range){ .min = 1, .max = FORMS_MAX_GROUP_ITEMS })))
			return rc;
		if (f->min_items > f->max_items)
			return inval(b, path, "\"min_items\" is greater than \"max_items\"");
		const json_t *sub = json_object_get(o, "fields");
		if (!sub)
			return inval(b, path, "missing \"fields\" (a group needs fields)");
		char p[FORMS_PATH_MAX + 16];
		forms_pathf(p, sizeof p, "%s.fields", path);
		if ((rc = parse_fields(&f->fields, &f->nfields, b, sub, p,
				       &(struct field_place){ .page = page, .group = f,
							      .depth = depth + 1 })))
			return rc;
		if (f->nfields == 0)
			return inval(b, p, "a group needs at least one field");
		if (f->prefill_source && strcmp(f->prefill_source, "juki") == 0) {
			int mapped = 0;
			for (int i = 0; i < f->nfields; i++)
				mapped += f->fields[i].prefill_path != NULL;
			if (!mapped)
				return inval(b, path, "a group prefilled from \"juki\" needs a field with"
					     " \"prefill\" naming the key it takes from each element");
		}
		break;
	}
	case FORMS_T_INFO:
	case FORMS_T_DECLARATION:
		if ((rc = get_text(&f->text, b, o, "text", path, 1)))
			return rc;
		break;
	default:
		break;
	}
	return 0;
}

static int parse_fields(struct forms_field **out, int *n, struct bld *b,
			const json_t *arr, const char *path,
			const struct field_place *at)
{
	int page = at->page, depth = at->depth;
	const struct forms_field *group = at->group;
	if (!json_is_array(arr))
		return inval(b, path, "must be an array of fields");
	*n = (int)json_array_size(arr);
	if (b->nfields_total + *n > FORMS_MAX_FIELDS)
		return err_set(b->e, ERR_LIMIT, "%s: more than %d fields in the procedure",
			       path, FORMS_MAX_FIELDS);
	b->nfields_total += *n;
	*out = arena_alloc(b->a, sizeof **out * (size_t)(*n ? *n : 1));
	if (!*out)
		return err_set(b->e, ERR_NOMEM, "arena full");
	/* ids first, so that a condition naming a later sibling gets the
	 * message "answered later" rather than "unknown" */
	for (int i = 0; i < *n; i++) {
		const json_t *o = json_array_get(arr, (size_t)i);
		const json_t *idv = json_is_object(o) ? json_object_get(o, "id") : NULL;
		if (idv && json_is_string(idv))
			(*out)[i].id = json_string_value(idv);
	}
	for (int i = 0; i < *n; i++) {
		struct forms_field *f = &(*out)[i];
		char p[FORMS_PATH_MAX + 32];
		forms_pathf(p, sizeof p, "%s[%d]", path, i);
		f->page = page;
		f->order = group ? -1 : b->nall;
		/* register before parsing so that ids are checked in order;
		 * the group's own sub-fields register too (order -1) */
		const json_t *o = json_array_get(arr, (size_t)i);
		const json_t *idv = json_is_object(o) ? json_object_get(o, "id") : NULL;
		if (idv && json_is_string(idv))
			for (int j = 0; j < b->nall; j++)
				if (strcmp(b->all[j]->id, json_string_value(idv)) == 0)
					return inval(b, p, "duplicate field id \"%s\"",
						     cut(json_string_value(idv)));
		int rc = parse_field(f, b, o, p, page, group, depth);
		if (rc)
			return rc;
		b->all[b->nall++] = f;
	}
	return 0;
}

/* ---- routes ---- */

static int resolve_goto(int *to, int *exit, struct bld *b, const char *g,
			const char *path)
{
	const struct forms_def *d = b->d;
	if (strcmp(g, "end") == 0) {
		*to = FORMS_GOTO_END;
		return 0;
	}
	if (strncmp(g, "exit:", 5) == 0) {
		for (int i = 0; i < d->nexits; i++)
			if (strcmp(d->exits[i].id, g + 5) == 0) {
				*to = FORMS_GOTO_EXIT;
				*exit = i;
				return 0;
			}
		return inval(b, path, "\"goto\": unknown exit \"%s\"", cut(g + 5));
	}
	int p = forms_def_page_index(d, g);
	if (p < 0)
		return inval(b, path, "\"goto\": unknown page \"%s\" (a page id, \"exit:ID\" or \"end\")",
			     cut(g));
	*to = p;
	return 0;
}

/* cycle search: colour 0 white, 1 on stack, 2 done */
static int dfs(struct bld *b, int u, int *colour, int *stack, int depth)
{
	const struct forms_def *d = b->d;
	colour[u] = 1;
	stack[depth] = u;
	int next[FORMS_MAX_ROUTES + 1];
	int nn = 0;
	for (int i = 0; i < d->nroutes; i++)
		if (d->routes[i].from == u && d->routes[i].to >= 0)
			next[nn++] = d->routes[i].to;
	if (u + 1 < d->npages)
		next[nn++] = u + 1;
	for (int i = 0; i < nn; i++) {
		int v = next[i];
		if (colour[v] == 1) {
			char m[ERR_DETAIL_MAX];
			size_t o = 0;
			int start = depth;
			while (start > 0 && stack[start] != v)
				start--;
			for (int k = start; k <= depth && o < sizeof m - 80; k++)
				o += (size_t)snprintf(m + o, sizeof m - o, "%s -> ",
						      cut(d->pages[stack[k]].id));
			snprintf(m + o, sizeof m - o, "%s", cut(d->pages[v].id));
			return inval(b, "routes", "cycle in page routes: %s", m);
		}
		if (colour[v] == 0) {
			int rc = dfs(b, v, colour, stack, depth + 1);
			if (rc)
				return rc;
		}
	}
	colour[u] = 2;
	return 0;
}

static int check_cycles(struct bld *b)
{
	int colour[FORMS_MAX_PAGES] = { 0 }, stack[FORMS_MAX_PAGES + 1];
	for (int i = 0; i < b->d->npages; i++)
		if (colour[i] == 0) {
			int rc = dfs(b, i, colour, stack, 0);
			if (rc)
				return rc;
		}
	return 0;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

const char *const forms_categories[] = {
	"ninshin_shussan", "kosodate", "hikkoshi", "zei", "kenko_fukushi", "gomi",
	"pet", "shomei", "bousai", "kyouiku", "koureisha_kaigo", "hoken_nenkin",
	"okuyami", "kurashi", NULL,
};

int forms_category_known(const char *id)
{
	for (int i = 0; id && forms_categories[i]; i++)
		if (strcmp(forms_categories[i], id) == 0)
			return 1;
	return 0;
}

#define TOP_KEYS " format id title description department fee signature " \
		 "staff_states retention_years target_days pages routes exits " \
		 "checks declaration life_events category life_stage "

int forms_def_from_json(struct forms_def **out, struct arena *a, json_t *doc,
			struct err *e)
{
	*out = NULL;
	struct forms_def *d = arena_alloc(a, sizeof *d);
	struct bld bb = { .a = a, .e = e, .d = d, .doc = doc }, *b = &bb;
	if (!d)
		return err_set(e, ERR_NOMEM, "arena full");
	if (!json_is_object(doc))
		return err_set(e, ERR_INVALID, "definition: must be a JSON object");
	json_incref(doc);
	if (arena_cleanup_add(a, decref_cb, doc))
		return err_set(e, ERR_NOMEM, "arena full");
	d->json = doc;
	b->all = arena_alloc(a, sizeof *b->all * FORMS_MAX_FIELDS);
	if (!b->all)
		return err_set(e, ERR_NOMEM, "arena full");
	int rc;
	const char *fmt;
	if ((rc = check_keys(b, doc, "definition", TOP_KEYS)) ||
	    (rc = get_str(&fmt, b, doc, "format", "definition", 1)))
		return rc;
	if (strcmp(fmt, FORMS_FORMAT) != 0)
		return inval(b, "format", "must be \"%s\"", FORMS_FORMAT);
	if ((rc = get_id(&d->id, b, doc, "definition", 1)) ||
	    (rc = get_text(&d->title, b, doc, "title", "definition", 1)) ||
	    (rc = get_text(&d->description, b, doc, "description", "definition", 0)) ||
	    (rc = get_text(&d->declaration, b, doc, "declaration", "definition", 0)) ||
	    (rc = get_str(&d->department, b, doc, "department", "definition", 1)))
		return rc;
	if (!valid_id(d->department, 1))
		return inval(b, "department", "must be an id of [a-z0-9_-]");
	/* fee */
	d->fee_timing = "none";
	const json_t *fee = json_object_get(doc, "fee");
	if (fee) {
		if (!json_is_object(fee))
			return inval(b, "fee", "must be an object {\"amount_yen\", \"timing\"}");
		if ((rc = check_keys(b, fee, "fee", " amount_yen timing ")) ||
		    (rc = get_int(&d->fee_yen, NULL, b, fee, "amount_yen", "fee",
				  (struct int_range){ .min = 0, .max = 10000000 })) ||
		    (rc = get_enum(&d->fee_timing, b, fee, "timing", "fee",
				   " before_submit after_review at_counter ", "after_review")))
			return rc;
		if (!json_object_get(fee, "amount_yen"))
			return inval(b, "fee", "missing \"amount_yen\"");
	}
	if ((rc = get_enum(&d->signature, b, doc, "signature", "definition",
			   " none optional required ", "none")))
		return rc;
	/* staff states */
	const json_t *st = json_object_get(doc, "staff_states");
	if (st) {
		if (!json_is_array(st) || json_array_size(st) == 0 || json_array_size(st) > 20)
			return inval(b, "staff_states", "must be an array of 1-20 state ids");
		d->nstates = (int)json_array_size(st);
		d->staff_states = arena_alloc(a, sizeof *d->staff_states * (size_t)d->nstates);
		if (!d->staff_states)
			return err_set(e, ERR_NOMEM, "arena full");
		int has_received = 0;
		for (int i = 0; i < d->nstates; i++) {
			const json_t *s = json_array_get(st, (size_t)i);
			if (!json_is_string(s) || !valid_id(json_string_value(s), 0))
				return inval(b, "staff_states", "[%d] must be an id of [a-z0-9_]", i);
			d->staff_states[i] = json_string_value(s);
			for (int j = 0; j < i; j++)
				if (strcmp(d->staff_states[j], d->staff_states[i]) == 0)
					return inval(b, "staff_states", "duplicate state \"%s\"",
						     cut(d->staff_states[i]));
			has_received |= strcmp(d->staff_states[i], "received") == 0;
		}
		if (!has_received)
			return inval(b, "staff_states", "must include \"received\" (the state of a new submission)");
	}
	/* without staff_states: NULL and 0, every state of the workflow that
	 * handles the procedure (its owner, src/svc/apply, names them) */
	const json_t *le = json_object_get(doc, "life_events");
	if (le) {
		if (!json_is_array(le) || json_array_size(le) > 20)
			return inval(b, "life_events", "must be an array of at most 20 event ids");
		d->nlife_events = (int)json_array_size(le);
		d->life_events = arena_alloc(a, sizeof *d->life_events * (size_t)(d->nlife_events + 1));
		if (!d->life_events)
			return err_set(e, ERR_NOMEM, "arena full");
		for (int i = 0; i < d->nlife_events; i++) {
			const json_t *x = json_array_get(le, (size_t)i);
			if (!json_is_string(x) || !valid_id(json_string_value(x), 0))
				return inval(b, "life_events", "[%d] must be an id of [a-z0-9_]", i);
			d->life_events[i] = json_string_value(x);
			for (int j = 0; j < i; j++)
				if (strcmp(d->life_events[j], d->life_events[i]) == 0)
					return inval(b, "life_events", "duplicate event \"%s\"",
						     cut(d->life_events[i]));
		}
	}
	const json_t *cat = json_object_get(doc, "category");
	if (cat) {
		if (!json_is_string(cat) || !forms_category_known(json_string_value(cat)))
			return inval(b, "category", "must be one of the categories (forms.h)");
		d->category = json_string_value(cat);
	}
	const json_t *ls = json_object_get(doc, "life_stage");
	if (ls) {
		if (!json_is_array(ls) || json_array_size(ls) > FORMS_MAX_STAGES)
			return inval(b, "life_stage", "must be an array of at most %d categories",
				     FORMS_MAX_STAGES);
		d->nlife_stages = (int)json_array_size(ls);
		d->life_stages = arena_alloc(a, sizeof *d->life_stages * (size_t)(d->nlife_stages + 1));
		if (!d->life_stages)
			return err_set(e, ERR_NOMEM, "arena full");
		for (int i = 0; i < d->nlife_stages; i++) {
			const json_t *x = json_array_get(ls, (size_t)i);
			if (!json_is_string(x) || !forms_category_known(json_string_value(x)))
				return inval(b, "life_stage", "[%d] must be one of the categories", i);
			d->life_stages[i] = json_string_value(x);
		}
	}
	int present;
	if ((rc = get_int(&d->retention_years, &present, b, doc, "retention_years",
			  "definition", (struct int_range){ .min = 1, .max = 100 })))
		return rc;
	if (!present)
		return inval(b, "definition", "missing \"retention_years\"");
	if ((rc = get_int(&d->target_days, &present, b, doc, "target_days",
			  "definition", (struct int_range){ .min = 1, .max = 366 })))
		return rc;
	if (!present)
		return inval(b, "definition", "missing \"target_days\"");
	/* exits (before pages: routes name them) */
	const json_t *ex = json_object_get(doc, "exits");
	if (ex) {
		if (!json_is_array(ex) || json_array_size(ex) > FORMS_MAX_PAGES)
			return inval(b, "exits", "must be an array of at most %d exits",
				     FORMS_MAX_PAGES);
		d->nexits = (int)json_array_size(ex);
		d->exits = arena_alloc(a, sizeof *d->exits * (size_t)(d->nexits + 1));
		if (!d->exits)
			return err_set(e, ERR_NOMEM, "arena full");
		for (int i = 0; i < d->nexits; i++) {
			char p[64];
			forms_pathf(p, sizeof p, "exits[%d]", i);
			const json_t *x = json_array_get(ex, (size_t)i);
			if (!json_is_object(x))
				return inval(b, p, "must be an object");
			if ((rc = check_keys(b, x, p, " id title body ")) ||
			    (rc = get_id(&d->exits[i].id, b, x, p, 0)) ||
			    (rc = get_text(&d->exits[i].title, b, x, "title", p, 1)) ||
			    (rc = get_text(&d->exits[i].body, b, x, "body", p, 1)))
				return rc;
			for (int j = 0; j < i; j++)
				if (strcmp(d->exits[j].id, d->exits[i].id) == 0)
					return inval(b, p, "duplicate exit id \"%s\"", d->exits[i].id);
		}
	}
	/* pages */
	const json_t *pages = json_object_get(doc, "pages");
	if (!pages)
		return inval(b, "definition", "missing \"pages\"");
	if (!json_is_array(pages) || json_array_size(pages) == 0)
		return inval(b, "pages", "must be a non-empty array");
	if (json_array_size(pages) > FORMS_MAX_PAGES)
		return err_set(e, ERR_LIMIT, "pages: more than %d", FORMS_MAX_PAGES);
	d->npages = (int)json_array_size(pages);
	d->pages = arena_alloc(a, sizeof *d->pages * (size_t)d->npages);
	if (!d->pages)
		return err_set(e, ERR_NOMEM, "arena full");
	for (int i = 0; i < d->npages; i++) {
		char p[64];
		forms_pathf(p, sizeof p, "pages[%d]", i);
		struct forms_page *pg = &d->pages[i];
		const json_t *o = json_array_get(pages, (size_t)i);
		if (!json_is_object(o))
			return inval(b, p, "must be an object");
		if ((rc = check_keys(b, o, p, " id title show_if fields ")) ||
		    (rc = get_id(&pg->id, b, o, p, 0)) ||
		    (rc = get_text(&pg->title, b, o, "title", p, 1)))
			return rc;
		for (int j = 0; j < i; j++)
			if (strcmp(d->pages[j].id, pg->id) == 0)
				return inval(b, p, "duplicate page id \"%s\"", pg->id);
		b->group = NULL;
		b->limit_page = i - 1;     /* fields of earlier pages */
		if ((rc = get_cond(&pg->show_if, &pg->show_if_src, b, o, "show_if", p)))
			return rc;
		const json_t *fs = json_object_get(o, "fields");
		if (!fs)
			return inval(b, p, "missing \"fields\"");
		char fp[64];
		forms_pathf(fp, sizeof fp, "%s.fields", p);
		if ((rc = parse_fields(&pg->fields, &pg->nfields, b, fs, fp,
				       &(struct field_place){ .page = i })))
			return rc;
	}
	/* routes */
	const json_t *rs = json_object_get(doc, "routes");
	if (rs) {
		if (!json_is_array(rs) || json_array_size(rs) > FORMS_MAX_ROUTES)
			return inval(b, "routes", "must be an array of at most %d routes",
				     FORMS_MAX_ROUTES);
		d->nroutes = (int)json_array_size(rs);
		d->routes = arena_alloc(a, sizeof *d->routes * (size_t)(d->nroutes + 1));
		if (!d->routes)
			return err_set(e, ERR_NOMEM, "arena full");
		for (int i = 0; i < d->nroutes; i++) {
			char p[64];
			forms_pathf(p, sizeof p, "routes[%d]", i);
			struct forms_route *r = &d->routes[i];
			const json_t *o = json_array_get(rs, (size_t)i);
			const char *from, *go;
			if (!json_is_object(o))
				return inval(b, p, "must be an object {\"from\", \"if\", \"goto\"}");
			if ((rc = check_keys(b, o, p, " from if goto ")) ||
			    (rc = get_str(&from, b, o, "from", p, 1)) ||
			    (rc = get_str(&go, b, o, "goto", p, 1)))
				return rc;
			r->from = forms_def_page_index(d, from);
			if (r->from < 0)
				return inval(b, p, "\"from\": unknown page \"%s\"", cut(from));
			if ((rc = resolve_goto(&r->to, &r->exit, b, go, p)))
				return rc;
			b->group = NULL;
			b->limit_page = r->from;
			if ((rc = get_cond(&r->cond, &r->cond_src, b, o, "if", p)))
				return rc;
		}
		if ((rc = check_cycles(b)))
			return rc;
	}
	/* cross-field checks */
	const json_t *cs = json_object_get(doc, "checks");
	if (cs) {
		if (!json_is_array(cs) || json_array_size(cs) > FORMS_MAX_CHECKS)
			return inval(b, "checks", "must be an array of at most %d checks",
				     FORMS_MAX_CHECKS);
		d->nchecks = (int)json_array_size(cs);
		d->checks = arena_alloc(a, sizeof *d->checks * (size_t)(d->nchecks + 1));
		if (!d->checks)
			return err_set(e, ERR_NOMEM, "arena full");
		for (int i = 0; i < d->nchecks; i++) {
			char p[64];
			forms_pathf(p, sizeof p, "checks[%d]", i);
			struct forms_check *c = &d->checks[i];
			const json_t *o = json_array_get(cs, (size_t)i);
			if (!json_is_object(o))
				return inval(b, p, "must be an object");
			if ((rc = check_keys(b, o, p, " field when assert message ")) ||
			    (rc = get_str(&c->field, b, o, "field", p, 1)) ||
			    (rc = get_text(&c->message, b, o, "message", p, 1)))
				return rc;
			if (!forms_def_field(d, c->field))
				return inval(b, p, "\"field\": unknown field \"%s\"", cut(c->field));
			if (!json_object_get(o, "assert"))
				return inval(b, p, "missing \"assert\"");
			b->group = NULL;
			b->limit_page = d->npages;   /* any field */
			if ((rc = get_cond(&c->when, NULL, b, o, "when", p)) ||
			    (rc = get_cond(&c->assert_, NULL, b, o, "assert", p)))
				return rc;
		}
	}
	*out = d;
	return 0;
}

int forms_def_parse(struct forms_def **out, struct arena *a,
		    const char *json_text, size_t len, struct err *e)
{
	*out = NULL;
	if (len > FORMS_DEF_MAX_BYTES)
		return err_set(e, ERR_LIMIT, "definition: larger than %u bytes",
			       FORMS_DEF_MAX_BYTES);
	json_error_t je;
	json_t *doc = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return err_set_line(e, ERR_INVALID, je.line,
				    "definition: JSON error at line %d column %d: %s",
				    je.line, je.column, je.text);
	int rc = forms_def_from_json(out, a, doc, e);
	json_decref(doc);
	return rc;
}

const struct forms_field *forms_def_field(const struct forms_def *d,
					  const char *id)
{
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++)
			if (strcmp(d->pages[p].fields[i].id, id) == 0)
				return &d->pages[p].fields[i];
	return NULL;
}

int forms_def_page_index(const struct forms_def *d, const char *id)
{
	for (int i = 0; i < d->npages; i++)
		if (d->pages[i].id && strcmp(d->pages[i].id, id) == 0)
			return i;
	return -1;
}
