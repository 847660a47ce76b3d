/*
 * forms_int.h -- helpers shared by the files of src/core/forms/ (not public).
 *
 * Invariant: nothing here puts an answer's value into an error detail.
 */
#ifndef MADOGUCHI_FORMS_INT_H
#define MADOGUCHI_FORMS_INT_H

#include "core/forms/forms.h"

/* forms_val_of_json -- the condition value of a JSON value (NULL -> NULL). */
struct forms_val forms_val_of_json(const json_t *j);
/* forms_val_equal -- same kind and same value. */
int forms_val_equal(struct forms_val a, struct forms_val b);

/* forms_utf8_chars -- number of code points in a NUL-terminated string. */
size_t forms_utf8_chars(const char *s);

/* forms_field_is_answerable -- false for info (no answer). */
int forms_field_is_answerable(const struct forms_field *f);

/* forms_pathf -- snprintf that truncates silently (paths and messages
 * are cut at their buffer's size by design). */
void forms_pathf(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
