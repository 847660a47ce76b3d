/*
 * export.c -- the export columns of a procedure version and a
 * submission's row in them (for the staff CSV export).
 *
 * Columns are stable per version: one per leaf of every answerable field,
 * in definition order, whatever the answers: a compound answer (name,
 * address, bank account, file) gives one column per part, checkboxes one
 * column per option ("1" when chosen), a group max_items blocks of its
 * sub-fields' columns ("children[1].child_birth", 1-based).  So a column
 * never moves when a condition hides a field (the Decidim #8709 class of
 * bug); hidden and unanswered cells are empty.
 *
 * Invariants: a 個人番号 is never exported in clear: its cell is the mask
 * of jp_mynumber_mask ("********1234").  Cells are UTF-8 text; the CSV
 * writer (quoting, BOM or CP932) is the caller's.  Limits: at most
 * FORMS_MAX_COLUMNS columns (ERR_LIMIT beyond: a definition with many
 * large groups should lower their max_items).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/forms/forms.h"
#include "core/forms/forms_int.h"
#include "jp/checkdigit.h"

static const char *const name_parts[] = { "family", "given", "family_kana", "given_kana" };
static const char *const addr_parts[] = { "postal_code", "pref", "city", "street", "building" };
static const char *const bank_parts[] = { "bank_code", "branch_code", "kind", "number", "holder_kana" };
static const char *const file_parts[] = { "name", "type", "size", "sha256" };
static const char *const name_ja[] = { "姓", "名", "セイ", "メイ" };
static const char *const addr_ja[] = { "郵便番号", "都道府県", "市区町村", "町名番地", "建物" };
static const char *const bank_ja[] = { "金融機関コード", "支店コード", "種目", "口座番号", "名義" };
static const char *const file_ja[] = { "ファイル名", "形式", "バイト数", "SHA-256" };

struct cbuild {
	struct arena *a;
	struct forms_column *cols;
	int n;
	struct err *e;
};

static int add(struct cbuild *c, const struct forms_field *top, int item,
	       const struct forms_field *sub, const char *part, int option,
	       const char *part_ja)
{
	if (c->n >= FORMS_MAX_COLUMNS)
		return err_set(c->e, ERR_LIMIT, "export: more than %d columns", FORMS_MAX_COLUMNS);
	struct forms_column *col = &c->cols[c->n++];
	const struct forms_field *leaf = sub ? sub : top;
	col->top = top;
	col->item = item;
	col->sub = sub;
	col->part = part;
	col->option = option;
	char key[FORMS_PATH_MAX];
	if (sub)
		forms_pathf(key, sizeof key, "%s[%d].%s", top->id, item + 1, sub->id);
	else
		forms_pathf(key, sizeof key, "%s", top->id);
	char full[FORMS_PATH_MAX * 2];
	const char *opt = option >= 0 ? leaf->options[option].value : NULL;
	forms_pathf(full, sizeof full, "%s%s%s", key, part || opt ? "." : "",
		    part ? part : opt ? opt : "");
	char lj[FORMS_MSG_MAX], le[FORMS_MSG_MAX];
	char idx[16] = "";
	if (sub)
		snprintf(idx, sizeof idx, "%d", item + 1);
	const char *ja = leaf->label.ja ? leaf->label.ja : leaf->id;
	const char *en = leaf->label.en ? leaf->label.en : leaf->id;
	const char *tja = top->label.ja ? top->label.ja : top->id;
	const char *ten = top->label.en ? top->label.en : top->id;
	const char *oja = opt ? leaf->options[option].label.ja : part_ja;
	const char *oen = opt ? leaf->options[option].label.en : part;
	if (sub) {
		forms_pathf(lj, sizeof lj, "%s%s %s%s%s%s", tja, idx, ja, oja ? "（" : "",
			    oja ? oja : "", oja ? "）" : "");
		forms_pathf(le, sizeof le, "%s %s: %s%s%s%s", ten, idx, en, oen ? " (" : "",
			    oen ? oen : "", oen ? ")" : "");
	} else {
		forms_pathf(lj, sizeof lj, "%s%s%s%s", ja, oja ? "（" : "", oja ? oja : "",
			    oja ? "）" : "");
		forms_pathf(le, sizeof le, "%s%s%s%s", en, oen ? " (" : "", oen ? oen : "",
			    oen ? ")" : "");
	}
	col->key = arena_strdup(c->a, full);
	col->label_ja = arena_strdup(c->a, lj);
	col->label_en = arena_strdup(c->a, le);
	if (!col->key || !col->label_ja || !col->label_en)
		return err_set(c->e, ERR_NOMEM, "export: arena full");
	return 0;
}

static int leaf_columns(struct cbuild *c, const struct forms_field *top, int item,
			const struct forms_field *sub)
{
	const struct forms_field *f = sub ? sub : top;
	const char *const *parts = NULL, *const *parts_ja = NULL;
	int np = 0, rc;
	switch (f->type) {
	case FORMS_T_INFO:
		return 0;
	case FORMS_T_NAME_JP: parts = name_parts; parts_ja = name_ja; np = 4; break;
	case FORMS_T_ADDRESS_JP: parts = addr_parts; parts_ja = addr_ja; np = 5; break;
	case FORMS_T_BANK_ACCOUNT: parts = bank_parts; parts_ja = bank_ja; np = 5; break;
	case FORMS_T_FILE: parts = file_parts; parts_ja = file_ja; np = 4; break;
	case FORMS_T_CHECKBOXES:
		for (int i = 0; i < f->noptions; i++)
			if ((rc = add(c, top, item, sub, NULL, i, NULL)))
				return rc;
		return 0;
	case FORMS_T_GROUP:
		if (sub)      /* a nested group: one cell of JSON per item */
			return add(c, top, item, sub, NULL, -1, NULL);
		for (int k = 0; k < f->max_items; k++)
			for (int j = 0; j < f->nfields; j++)
				if ((rc = leaf_columns(c, top, k, &f->fields[j])))
					return rc;
		return 0;
	default:
		return add(c, top, item, sub, NULL, -1, NULL);
	}
	for (int i = 0; i < np; i++)
		if ((rc = add(c, top, item, sub, parts[i], -1, parts_ja[i])))
			return rc;
	return 0;
}

int forms_columns(struct forms_column **out, struct arena *a,
		  const struct forms_def *d, struct err *e)
{
	*out = NULL;
	struct cbuild c = { .a = a, .e = e };
	c.cols = arena_alloc(a, sizeof *c.cols * FORMS_MAX_COLUMNS);
	if (!c.cols)
		return err_set(e, ERR_NOMEM, "export: arena full");
	for (int p = 0; p < d->npages; p++)
		for (int i = 0; i < d->pages[p].nfields; i++) {
			int rc = leaf_columns(&c, &d->pages[p].fields[i], -1, NULL);
			if (rc)
				return rc;
		}
	*out = c.cols;
	return c.n;
}

static const char *cell(struct arena *a, const struct forms_column *col,
			const json_t *answers)
{
	const json_t *v = json_object_get(answers, col->top->id);
	const struct forms_field *f = col->top;
	if (col->sub) {
		v = json_object_get(json_array_get(v, (size_t)col->item), col->sub->id);
		f = col->sub;
	}
	if (!v)
		return "";
	if (col->option >= 0) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			if (json_is_string(x) &&
			    strcmp(json_string_value(x), f->options[col->option].value) == 0)
				return "1";
		return "";
	}
	/* a waived attachment (prefill.c): "waived:juki" in its name column */
	if (f->type == FORMS_T_FILE && forms_answer_waived(v)) {
		const json_t *w = json_object_get(v, "waived");
		if (!col->part || strcmp(col->part, "name") != 0 || !json_is_string(w))
			return "";
		return arena_printf(a, "waived:%s", json_string_value(w));
	}
	if (col->part)
		v = json_object_get(v, col->part);
	if (!v)
		return "";
	if (f->type == FORMS_T_MY_NUMBER) {
		char m[JP_MYNUMBER_MASK_SIZE];
		jp_mynumber_mask(m, sizeof m, json_is_string(v) ? json_string_value(v) : "", NULL);
		return arena_strdup(a, m);
	}
	switch (json_typeof(v)) {
	case JSON_STRING: return json_string_value(v);
	case JSON_INTEGER: return arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_TRUE: return "1";
	case JSON_FALSE: return "0";
	default: {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
		const char *r = s ? arena_strdup(a, s) : NULL;
		free(s);
		return r;
	}
	}
}

int forms_export_row(const char ***cells, struct arena *a,
		     const struct forms_column *cols, int ncols,
		     const json_t *answers, struct err *e)
{
	*cells = arena_alloc(a, sizeof **cells * (size_t)(ncols ? ncols : 1));
	if (!*cells)
		return err_set(e, ERR_NOMEM, "export: arena full");
	for (int i = 0; i < ncols; i++) {
		(*cells)[i] = cell(a, &cols[i], answers);
		if (!(*cells)[i])
			return err_set(e, ERR_NOMEM, "export: arena full");
	}
	return 0;
}
