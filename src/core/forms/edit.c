/*
 * edit.c -- the procedure builder's edit operations on a definition
 * document (a draft's JSON): add, change, move and delete pages and
 * fields, set a field's condition from three pickers (field, operator,
 * value), change the procedure's titles and department, add a page route
 * (after page X, when a condition from the same pickers holds, go to page
 * Y or to the end) and delete one.
 *
 * Invariants: an operation works on a copy and returns it only when the
 * copy passes the schema check (forms_def_from_json): a draft never holds
 * a definition that does not parse.  A refusal names a stable reason
 * (ed->why: "id_bad", "id_taken", "label_missing", ...) that the pages map
 * to catalog rows ("proc.e.<why>"), and an English detail for the log.
 * Limits: the definition's own (FORMS_MAX_PAGES, FORMS_MAX_FIELDS,
 * FORMS_MAX_OPTIONS, FORMS_TEXT_MAX, FORMS_ID_MAX).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/forms/forms.h"

static const char *const palette[] = {
	"text", "textarea", "kana", "name_jp", "date", "postal_code", "address_jp",
	"phone", "email", "integer", "yen", "radio", "select", "checkboxes", "yes_no",
	"file", "info", "declaration",
};

int forms_palette(const char *const **types)
{
	*types = palette;
	return (int)(sizeof palette / sizeof palette[0]);
}

static int refuse(struct forms_edit *ed, const char *why, struct err *e, const char *detail)
{
	ed->why = why;
	return err_set(e, ERR_INVALID, "edit: %s (%s)", detail, why);
}

int forms_edit_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > FORMS_ID_MAX || !(id[0] >= 'a' && id[0] <= 'z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '_'))
			return 0;
	return 1;
}

static int empty(const char *s) { return !s || !s[0]; }

/* a {"ja","en"[,"ja-easy"]} object, or NULL when ja or en is missing */
static json_t *text_obj(const struct forms_text *t)
{
	if (empty(t->ja) || empty(t->en))
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "ja", json_string(t->ja));
	json_object_set_new(o, "en", json_string(t->en));
	if (!empty(t->ja_easy))
		json_object_set_new(o, "ja-easy", json_string(t->ja_easy));
	return o;
}

/* set key of o to the text t, keeping the やさしい日本語 text the object
 * had when t brings none (the builder edits Japanese and English) */
static void set_text(json_t *o, const char *key, json_t *t)
{
	const json_t *old = json_object_get(o, key);
	const json_t *easy = json_object_get(old, "ja-easy");
	if (easy && !json_object_get(t, "ja-easy"))
		json_object_set(t, "ja-easy", (json_t *)easy);
	json_object_set_new(o, key, t);
}

static int dept_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FORMS_ID_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static int text_long(const struct forms_text *t)
{
	return (t->ja && strlen(t->ja) > FORMS_TEXT_MAX) || (t->en && strlen(t->en) > FORMS_TEXT_MAX) ||
	       (t->ja_easy && strlen(t->ja_easy) > FORMS_TEXT_MAX);
}

static json_t *pages_of(json_t *doc)
{
	json_t *p = json_object_get(doc, "pages");
	return json_is_array(p) ? p : NULL;
}

static json_t *find_page(json_t *doc, const char *id, size_t *at)
{
	json_t *pages = pages_of(doc), *p;
	size_t i;
	json_array_foreach(pages, i, p)
		if (id && json_is_string(json_object_get(p, "id")) &&
		    strcmp(json_string_value(json_object_get(p, "id")), id) == 0) {
			if (at)
				*at = i;
			return p;
		}
	return NULL;
}

/* a top-level field: its page's fields array and index */
static json_t *find_field(json_t *doc, const char *id, json_t **list, size_t *at)
{
	json_t *pages = pages_of(doc), *p, *f;
	size_t i, j;
	json_array_foreach(pages, i, p) {
		json_t *fs = json_object_get(p, "fields");
		json_array_foreach(fs, j, f)
			if (id && json_is_string(json_object_get(f, "id")) &&
			    strcmp(json_string_value(json_object_get(f, "id")), id) == 0) {
				if (list)
					*list = fs;
				if (at)
					*at = j;
				return f;
			}
	}
	return NULL;
}

static int count_fields(json_t *doc)
{
	int n = 0;
	json_t *pages = pages_of(doc), *p;
	size_t i;
	json_array_foreach(pages, i, p)
		n += (int)json_array_size(json_object_get(p, "fields"));
	return n;
}

/* the first free "<stem>_N" */
static void fresh_id(char *out, size_t n, json_t *doc, const char *stem, int page)
{
	for (int k = 1; k < 10000; k++) {
		snprintf(out, n, "%s_%d", stem, k);
		if (!(page ? find_page(doc, out, NULL) != NULL : find_field(doc, out, NULL, NULL) != NULL))
			return;
	}
}

/* options from lines "value: 日本語 / English" (value may be left out:
 * then opt_N); NULL with ed->why set on a problem */
static json_t *parse_options(const char *text, struct forms_edit *ed)
{
	json_t *arr = json_array();
	const char *s = text ? text : "";
	int n = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char line[FORMS_TEXT_MAX + FORMS_ID_MAX + 8];
		if (len >= sizeof line) {
			ed->why = "too_long";
			goto bad;
		}
		memcpy(line, s, len);
		line[len] = 0;
		s = nl ? nl + 1 : s + len;
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		char *end = t + strlen(t);
		while (end > t && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\t'))
			*--end = 0;
		if (!*t)
			continue;
		char value[FORMS_ID_MAX + 1];
		char *colon = strchr(t, ':');
		if (colon) {
			*colon = 0;
			char *v = t, *ve = colon;
			while (ve > v && ve[-1] == ' ')
				*--ve = 0;
			if (!forms_edit_id_ok(v)) {
				ed->why = "option_value_bad";
				goto bad;
			}
			size_t vl = strlen(v);
			if (vl >= sizeof value) {
				ed->why = "option_value_bad";
				goto bad;
			}
			memcpy(value, v, vl + 1);
			t = colon + 1;
			while (*t == ' ')
				t++;
		} else {
			snprintf(value, sizeof value, "opt_%d", n + 1);
		}
		char *slash = strstr(t, " / ");
		const char *ja = t, *en = t;
		if (slash) {
			*slash = 0;
			en = slash + 3;
		}
		if (!*ja || !*en) {
			ed->why = "option_label_missing";
			goto bad;
		}
		size_t k;
		json_t *o;
		json_array_foreach(arr, k, o)
			if (strcmp(json_string_value(json_object_get(o, "value")), value) == 0) {
				ed->why = "option_value_taken";
				goto bad;
			}
		if (++n > FORMS_MAX_OPTIONS) {
			ed->why = "too_many";
			goto bad;
		}
		json_t *lab = json_object();
		json_object_set_new(lab, "ja", json_string(ja));
		json_object_set_new(lab, "en", json_string(en));
		json_t *opt = json_object();
		json_object_set_new(opt, "value", json_string(value));
		json_object_set_new(opt, "label", lab);
		json_array_append_new(arr, opt);
	}
	if (n == 0) {
		ed->why = "options_missing";
		goto bad;
	}
	return arr;
bad:
	json_decref(arr);
	return NULL;
}

int forms_options_text(struct buf *b, const json_t *field)
{
	const json_t *opts = json_object_get(field, "options"), *o;
	size_t i;
	json_array_foreach(opts, i, o) {
		const json_t *lab = json_object_get(o, "label");
		buf_printf(b, "%s: %s / %s\n", json_string_value(json_object_get(o, "value")),
			   json_string_value(json_object_get(lab, "ja")),
			   json_string_value(json_object_get(lab, "en")));
	}
	return (int)json_array_size(opts);
}

/* a literal the condition compares the field with, by its type */
static int literal(struct buf *b, const json_t *target, const char *value)
{
	const char *type = json_string_value(json_object_get(target, "type"));
	if (!type || empty(value))
		return -1;
	if (strcmp(type, "yes_no") == 0) {
		if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "yes") &&
		    strcmp(value, "no") && strcmp(value, "はい") && strcmp(value, "いいえ"))
			return -1;
		buf_puts(b, (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "はい"))
			 ? "true" : "false");
		return 0;
	}
	if (strcmp(type, "integer") == 0 || strcmp(type, "yen") == 0) {
		const char *p = value + (value[0] == '-');
		if (!*p || strlen(p) > 15)
			return -1;
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return -1;
		buf_puts(b, value);
		return 0;
	}
	if (strlen(value) > 200)
		return -1;
	buf_putc(b, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			buf_putc(b, '\\');
		if (*p == '\n' || *p == '\r')
			return -1;
		buf_putc(b, *p);
	}
	buf_putc(b, '\'');
	return 0;
}

int forms_cond_build(struct buf *b, const json_t *doc, const char *field, const char *op,
		     const char *value)
{
	json_t *target = find_field((json_t *)doc, field, NULL, NULL);
	if (!target || !forms_edit_id_ok(field))
		return -1;
	const char *type = json_string_value(json_object_get(target, "type"));
	int multi = type && strcmp(type, "checkboxes") == 0;
	if (strcmp(op, "filled") == 0)
		buf_printf(b, "not is_empty(%s)", field);
	else if (strcmp(op, "empty") == 0)
		buf_printf(b, "is_empty(%s)", field);
	else if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0) {
		struct buf lit;
		buf_init(&lit, 512);
		int rc = literal(&lit, target, value);
		if (rc == 0) {
			int ne = op[0] == 'n';
			if (multi)
				buf_printf(b, "%s%s in %s%s", ne ? "not (" : "", buf_cstr(&lit), field,
					   ne ? ")" : "");
			else
				buf_printf(b, "%s %s %s", field, ne ? "!=" : "==", buf_cstr(&lit));
		}
		buf_done(&lit);
		return rc;
	} else
		return -1;
	return 0;
}

int forms_cond_pickers(struct forms_cond_pick *out, const char *src)
{
	memset(out, 0, sizeof *out);
	if (!src)
		return -1;
	char f[FORMS_ID_MAX + 1];
	int n = 0;
	if (sscanf(src, "not is_empty(%64[a-z0-9_])%n", f, &n) == 1 && !src[n]) {
		snprintf(out->field, sizeof out->field, "%s", f);
		out->op = "filled";
		return 0;
	}
	if (sscanf(src, "is_empty(%64[a-z0-9_])%n", f, &n) == 1 && !src[n]) {
		snprintf(out->field, sizeof out->field, "%s", f);
		out->op = "empty";
		return 0;
	}
	char opc[2];
	n = 0;
	if (sscanf(src, "%64[a-z0-9_] %1[=!]= %n", f, opc, &n) == 2 && n > 0 && src[n]) {
		const char *v = src + n;
		snprintf(out->field, sizeof out->field, "%s", f);
		out->op = opc[0] == '!' ? "ne" : "eq";
		size_t len = strlen(v);
		if (v[0] == '\'' && len >= 2 && v[len - 1] == '\'') {
			size_t k = 0;
			for (size_t i = 1; i + 1 < len && k + 1 < sizeof out->value; i++) {
				if (v[i] == '\\' && i + 2 < len)
					i++;
				out->value[k++] = v[i];
			}
			out->value[k] = 0;
		} else {
			snprintf(out->value, sizeof out->value, "%s", v);
		}
		return 0;
	}
	return -1;
}

/* ---- the operations ---- */

static int op_add_page(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *pages = pages_of(doc);
	if (!pages)
		return refuse(ed, "schema", e, "no pages");
	if (json_array_size(pages) >= FORMS_MAX_PAGES)
		return refuse(ed, "too_many", e, "too many pages");
	char id[FORMS_ID_MAX + 1];
	if (empty(ed->id))
		fresh_id(id, sizeof id, doc, "page", 1);
	else if (!forms_edit_id_ok(ed->id))
		return refuse(ed, "id_bad", e, "bad page id");
	else if (find_page(doc, ed->id, NULL))
		return refuse(ed, "id_taken", e, "page id taken");
	else
		snprintf(id, sizeof id, "%s", ed->id);
	json_t *title = text_obj(&ed->label);
	if (!title)
		return refuse(ed, "label_missing", e, "page title missing");
	json_t *p = json_object();
	json_object_set_new(p, "id", json_string(id));
	json_object_set_new(p, "title", title);
	json_object_set_new(p, "fields", json_array());
	json_array_append_new(pages, p);
	snprintf(ed->done_id, sizeof ed->done_id, "%s", id);
	return 0;
}

static int op_page_title(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *p = find_page(doc, ed->page, NULL);
	if (!p)
		return refuse(ed, "not_found", e, "no such page");
	json_t *title = text_obj(&ed->label);
	if (!title)
		return refuse(ed, "label_missing", e, "page title missing");
	set_text(p, "title", title);
	return 0;
}

static int op_add_field(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *p = find_page(doc, ed->page, NULL);
	if (!p)
		return refuse(ed, "not_found", e, "no such page");
	const char *const *types;
	int nt = forms_palette(&types), known = 0;
	for (int i = 0; i < nt && ed->type; i++)
		known |= strcmp(types[i], ed->type) == 0;
	if (!known)
		return refuse(ed, "type_unknown", e, "type not in the palette");
	if (count_fields(doc) >= FORMS_MAX_FIELDS)
		return refuse(ed, "too_many", e, "too many fields");
	char id[FORMS_ID_MAX + 1];
	if (empty(ed->id))
		fresh_id(id, sizeof id, doc, "field", 0);
	else if (!forms_edit_id_ok(ed->id))
		return refuse(ed, "id_bad", e, "bad field id");
	else if (find_field(doc, ed->id, NULL, NULL))
		return refuse(ed, "id_taken", e, "field id taken");
	else
		snprintf(id, sizeof id, "%s", ed->id);
	json_t *lab = text_obj(&ed->label);
	if (!lab)
		return refuse(ed, "label_missing", e, "label missing");
	json_t *f = json_object();
	json_object_set_new(f, "id", json_string(id));
	json_object_set_new(f, "type", json_string(ed->type));
	if (!strcmp(ed->type, "info") || !strcmp(ed->type, "declaration"))
		json_object_set_new(f, "text", lab);
	else
		json_object_set_new(f, "label", lab);
	if (!strcmp(ed->type, "radio") || !strcmp(ed->type, "select") || !strcmp(ed->type, "checkboxes")) {
		json_t *opts = parse_options(empty(ed->options)
					     ? "opt_1: 選択肢1 / Option 1\nopt_2: 選択肢2 / Option 2"
					     : ed->options, ed);
		if (!opts) {
			json_decref(f);
			return refuse(ed, ed->why, e, "bad options");
		}
		json_object_set_new(f, "options", opts);
	}
	if (!strcmp(ed->type, "file")) {
		json_t *acc = json_array();
		json_array_append_new(acc, json_string("application/pdf"));
		json_array_append_new(acc, json_string("image/jpeg"));
		json_array_append_new(acc, json_string("image/png"));
		json_object_set_new(f, "accept", acc);
	}
	if (!strcmp(ed->type, "declaration"))
		json_object_set_new(f, "label", json_deep_copy(json_object_get(f, "text")));
	if (ed->required && strcmp(ed->type, "info") && strcmp(ed->type, "declaration"))
		json_object_set_new(f, "required", json_true());
	json_array_append_new(json_object_get(p, "fields"), f);
	snprintf(ed->done_id, sizeof ed->done_id, "%s", id);
	return 0;
}

static int op_field(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *f = find_field(doc, ed->field, NULL, NULL);
	if (!f)
		return refuse(ed, "not_found", e, "no such field");
	const char *type = json_string_value(json_object_get(f, "type"));
	int is_text = !strcmp(type, "info") || !strcmp(type, "declaration");
	json_t *lab = text_obj(&ed->label);
	if (!lab)
		return refuse(ed, "label_missing", e, "label missing");
	set_text(f, is_text && strcmp(type, "declaration") ? "text" : "label", lab);
	if (!empty(ed->hint.ja) || !empty(ed->hint.en)) {
		json_t *h = text_obj(&ed->hint);
		if (!h)
			return refuse(ed, "hint_half", e, "hint needs both languages");
		set_text(f, "hint", h);
	} else {
		json_object_del(f, "hint");
	}
	if (strcmp(type, "info") && strcmp(type, "declaration")) {
		if (ed->required)
			json_object_set_new(f, "required", json_true());
		else
			json_object_del(f, "required");
	}
	if (json_object_get(f, "options")) {
		json_t *opts = parse_options(ed->options, ed);
		if (!opts)
			return refuse(ed, ed->why, e, "bad options");
		json_object_set_new(f, "options", opts);
	}
	return 0;
}

static int op_condition(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *f = find_field(doc, ed->field, NULL, NULL);
	if (!f)
		return refuse(ed, "not_found", e, "no such field");
	if (empty(ed->cond_field)) {
		json_object_del(f, "show_if");
		return 0;
	}
	if (!strcmp(ed->cond_field, ed->field))
		return refuse(ed, "cond_self", e, "a field's condition reads itself");
	struct buf b;
	buf_init(&b, FORMS_COND_MAX_LEN);
	int rc = forms_cond_build(&b, doc, ed->cond_field, ed->cond_op ? ed->cond_op : "", ed->cond_value);
	if (rc == 0 && buf_cstr(&b)[0])
		json_object_set_new(f, "show_if", json_string(buf_cstr(&b)));
	buf_done(&b);
	if (rc) {
		if (!find_field(doc, ed->cond_field, NULL, NULL))
			return refuse(ed, "cond_unknown", e, "condition reads no field");
		if (!ed->cond_op || (strcmp(ed->cond_op, "filled") && strcmp(ed->cond_op, "empty") &&
				     strcmp(ed->cond_op, "eq") && strcmp(ed->cond_op, "ne")))
			return refuse(ed, "cond_op", e, "unknown operator");
		return refuse(ed, "cond_value", e, "value does not fit the field");
	}
	return 0;
}

static int op_move(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *list, *pages = pages_of(doc);
	size_t at;
	if (!empty(ed->field)) {
		if (!find_field(doc, ed->field, &list, &at))
			return refuse(ed, "not_found", e, "no such field");
	} else if (find_page(doc, ed->page, &at)) {
		list = pages;
	} else {
		return refuse(ed, "not_found", e, "nothing to move");
	}
	long to = (long)at + (ed->delta < 0 ? -1 : 1);
	if (to < 0 || to >= (long)json_array_size(list))
		return refuse(ed, "cannot_move", e, "already at the end");
	json_t *x = json_incref(json_array_get(list, at));
	json_array_remove(list, at);
	json_array_insert_new(list, (size_t)to, x);
	return 0;
}

static int op_delete(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *list;
	size_t at;
	if (!empty(ed->field)) {
		if (!find_field(doc, ed->field, &list, &at))
			return refuse(ed, "not_found", e, "no such field");
		json_array_remove(list, at);
		return 0;
	}
	if (!find_page(doc, ed->page, &at))
		return refuse(ed, "not_found", e, "no such page");
	if (json_array_size(pages_of(doc)) <= 1)
		return refuse(ed, "last_page", e, "the last page stays");
	json_array_remove(pages_of(doc), at);
	return 0;
}

static int op_meta(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *title = text_obj(&ed->label);
	if (!title)
		return refuse(ed, "label_missing", e, "title missing");
	set_text(doc, "title", title);
	if (!empty(ed->department)) {
		if (!dept_ok(ed->department))
			return refuse(ed, "dept_bad", e, "bad department");
		json_object_set_new(doc, "department", json_string(ed->department));
	}
	return 0;
}

static int op_add_route(json_t *doc, struct forms_edit *ed, struct err *e)
{
	if (empty(ed->page) || !find_page(doc, ed->page, NULL))
		return refuse(ed, "route_from", e, "no such page to route from");
	if (empty(ed->go) || (strcmp(ed->go, "end") != 0 && !find_page(doc, ed->go, NULL)))
		return refuse(ed, "route_goto", e, "no such page to go to");
	if (!strcmp(ed->go, ed->page))
		return refuse(ed, "cycle", e, "a route to its own page");
	json_t *routes = json_object_get(doc, "routes");
	if (routes && json_array_size(routes) >= FORMS_MAX_ROUTES)
		return refuse(ed, "too_many", e, "too many routes");
	json_t *r = json_pack("{s:s, s:s}", "from", ed->page, "goto", ed->go);
	if (!r)
		return err_set(e, ERR_NOMEM, "edit: route");
	if (!empty(ed->cond_field)) {
		struct buf b;
		buf_init(&b, FORMS_COND_MAX_LEN);
		int rc = forms_cond_build(&b, doc, ed->cond_field, ed->cond_op ? ed->cond_op : "",
					  ed->cond_value);
		if (rc == 0 && buf_cstr(&b)[0])
			json_object_set_new(r, "if", json_string(buf_cstr(&b)));
		buf_done(&b);
		if (rc) {
			json_decref(r);
			if (!find_field(doc, ed->cond_field, NULL, NULL))
				return refuse(ed, "cond_unknown", e, "condition reads no field");
			if (!ed->cond_op || (strcmp(ed->cond_op, "filled") && strcmp(ed->cond_op, "empty") &&
					     strcmp(ed->cond_op, "eq") && strcmp(ed->cond_op, "ne")))
				return refuse(ed, "cond_op", e, "unknown operator");
			return refuse(ed, "cond_value", e, "value does not fit the field");
		}
	}
	if (!routes) {
		routes = json_array();
		json_object_set_new(doc, "routes", routes);
	}
	json_array_append_new(routes, r);
	return 0;
}

static int op_delete_route(json_t *doc, struct forms_edit *ed, struct err *e)
{
	json_t *routes = json_object_get(doc, "routes");
	if (!routes || ed->route < 0 || (size_t)ed->route >= json_array_size(routes))
		return refuse(ed, "not_found", e, "no such route");
	json_array_remove(routes, (size_t)ed->route);
	if (json_array_size(routes) == 0)
		json_object_del(doc, "routes");
	return 0;
}

const char *forms_def_error_why(const char *detail)
{
	static const struct { const char *has, *why; } map[] = {
		{ "unknown field type", "type_unknown" }, { "unknown field", "cond_unknown" },
		{ "answered later", "cond_later" }, { "has no option", "cond_literal" },
		{ "can never", "cond_literal" }, { "compare it with", "cond_literal" },
		{ "duplicate", "id_taken" },
		{ "too long", "too_long" }, { "Japanese and English", "label_missing" },
		{ "missing \"options\"", "options_missing" }, { "a group needs", "schema" },
		{ "at least one field", "page_empty" }, { "cycle", "cycle" },
	};
	for (size_t i = 0; detail && i < sizeof map / sizeof map[0]; i++)
		if (strstr(detail, map[i].has))
			return map[i].why;
	return "schema";
}

int forms_edit(json_t **out, struct arena *a, const json_t *doc, struct forms_edit *ed,
	       struct err *e)
{
	*out = NULL;
	ed->why = NULL;
	ed->done_id[0] = 0;
	if (text_long(&ed->label) || text_long(&ed->hint) ||
	    (ed->options && strlen(ed->options) > 64 * 1024))
		return refuse(ed, "too_long", e, "text too long");
	json_t *copy = json_deep_copy(doc);
	if (!copy)
		return err_set(e, ERR_NOMEM, "edit: copy");
	int rc;
	switch (ed->op) {
	case FORMS_EDIT_ADD_PAGE: rc = op_add_page(copy, ed, e); break;
	case FORMS_EDIT_PAGE_TITLE: rc = op_page_title(copy, ed, e); break;
	case FORMS_EDIT_ADD_FIELD: rc = op_add_field(copy, ed, e); break;
	case FORMS_EDIT_FIELD: rc = op_field(copy, ed, e); break;
	case FORMS_EDIT_CONDITION: rc = op_condition(copy, ed, e); break;
	case FORMS_EDIT_MOVE: rc = op_move(copy, ed, e); break;
	case FORMS_EDIT_DELETE: rc = op_delete(copy, ed, e); break;
	case FORMS_EDIT_META: rc = op_meta(copy, ed, e); break;
	case FORMS_EDIT_ADD_ROUTE: rc = op_add_route(copy, ed, e); break;
	case FORMS_EDIT_DELETE_ROUTE: rc = op_delete_route(copy, ed, e); break;
	default: rc = refuse(ed, "schema", e, "unknown operation");
	}
	if (rc == 0) {
		struct forms_def *d;
		if ((rc = forms_def_from_json(&d, a, copy, e)) != 0 && !ed->why)
			ed->why = forms_def_error_why(e->detail);
	}
	if (rc) {
		json_decref(copy);
		return rc;
	}
	*out = copy;
	return 0;
}
