/*
 * view.c -- reading a submission's answers: the one place that decides,
 * for every way in (the staff pages and their CSV export, the JSON API,
 * the resident's pages and receipt PDF, the CLI), whether a 個人番号 is
 * shown masked or in clear and which reads the caller must audit.
 *
 * Invariants:
 *   - A 個人番号 (a my_number field, at the top level or inside a group
 *     item) leaves here masked ("********1234", jp_mynumber_mask) unless
 *     the reader is staff holding personal.read (apply_actor.personal_read)
 *     who asked for it; asking without personal.read is ERR_DENIED.
 *   - Residents see their own answers masked too (they typed the number;
 *     the receipt and the status page need no more than its last digits).
 *   - Every read by anyone but the resident the data is about (staff, the
 *     system) is to be audited (audit_read), a clear 個人番号 once more
 *     (audit_reveal); so is a staff or system read of an attachment
 *     (apply_read_audited).  The caller writes the records: src/svc/apply
 *     has no audit trail of its own.
 *   - The stored answers are never changed: a masked view is a copy.
 */
#include "svc/apply/apply_int.h"

#include <string.h>

#include "jp/checkdigit.h"

int apply_read_audited(const struct apply_actor *who)
{
	return !who || who->kind != APPLY_RESIDENT;
}

static int has_my_number(const struct forms_field *fs, int n, const json_t *answers)
{
	for (int i = 0; i < n; i++) {
		const struct forms_field *f = &fs[i];
		const json_t *v = json_object_get(answers, f->id);
		if (!v)
			continue;
		if (f->type == FORMS_T_MY_NUMBER)
			return 1;
		if (f->type == FORMS_T_GROUP && json_is_array(v)) {
			size_t k;
			const json_t *it;
			json_array_foreach(v, k, it)
				if (has_my_number(f->fields, f->nfields, it))
					return 1;
		}
	}
	return 0;
}

/* mask every my_number answer of fs in answers (a copy) */
static void mask(const struct forms_field *fs, int n, json_t *answers)
{
	for (int i = 0; i < n; i++) {
		const struct forms_field *f = &fs[i];
		json_t *v = json_object_get(answers, f->id);
		if (!v)
			continue;
		if (f->type == FORMS_T_MY_NUMBER) {
			char m[JP_MYNUMBER_MASK_SIZE];
			jp_mynumber_mask(m, sizeof m, json_is_string(v) ? json_string_value(v) : "", NULL);
			json_object_set_new(answers, f->id, json_string(m));
		} else if (f->type == FORMS_T_GROUP && json_is_array(v)) {
			size_t k;
			json_t *it;
			json_array_foreach(v, k, it)
				if (json_is_object(it))
					mask(f->fields, f->nfields, it);
		}
	}
}

int apply_view(struct apply_view *out, struct arena *a, const struct apply_actor *who,
	       const struct forms_def *d, const json_t *answers,
	       enum apply_reveal reveal, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!who || !d)
		return err_set(e, ERR_INVALID, "apply view: no reader or definition");
	int staff = who->kind == APPLY_STAFF;
	out->may_reveal = staff && who->personal_read;
	if (reveal == APPLY_REVEAL_ASKED && !out->may_reveal)
		return err_set(e, ERR_DENIED, "apply view: my number without personal.read");
	out->audit_read = apply_read_audited(who);
	if (!answers) {
		out->answers = NULL;
		return 0;
	}
	for (int p = 0; p < d->npages && !out->has_my_number; p++)
		out->has_my_number = has_my_number(d->pages[p].fields, d->pages[p].nfields, answers);
	if (!out->has_my_number) {
		out->answers = (json_t *)answers;
		return 0;
	}
	if (reveal != APPLY_REVEAL_NO && out->may_reveal) {
		out->answers = (json_t *)answers;
		out->revealed = 1;
		out->audit_reveal = 1;
		return 0;
	}
	json_t *c = apply_json_keep(a, json_deep_copy(answers));
	if (!c)
		return err_set(e, ERR_NOMEM, "apply view: out of memory");
	for (int p = 0; p < d->npages; p++)
		mask(d->pages[p].fields, d->pages[p].nfields, c);
	out->answers = c;
	return 0;
}
