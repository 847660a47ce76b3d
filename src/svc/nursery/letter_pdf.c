/*
 * letter_pdf.c -- the family's notification letter as an A4 PDF: the
 * letter's text, its first line as the heading and every further line a
 * paragraph; the page, fonts and page breaks are the PDF writer's
 * (src/pdf/pdf.h).
 *
 * The text is exactly that of nursery_explain_write_letter_text (one
 * source of wording).  The writer fixes the creation date, so the same
 * input gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf.h"
#include "svc/nursery/nursery.h"

int nursery_letter_pdf_write(const struct nursery_instance *in,
			     const int *assign, int fam, const char *path,
			     struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	if (!mf)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = nursery_explain_write_letter_text(in, assign, fam, mf, e);
	if (fclose(mf) && !rc)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	if (rc) {
		free(text);
		return rc;
	}
	struct pdf *d;
	rc = pdf_new_file(&d, path, e);
	if (rc) {
		free(text);
		return rc;
	}
	pdf_set_title(d, "保育所等利用調整結果のお知らせ");
	for (char *p = text, *end = text + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl)
			*nl = '\0';
		if (p == text)
			pdf_heading(d, p);
		else
			pdf_paragraph(d, p);
		p = nl ? nl + 1 : end;
	}
	rc = pdf_finish(d, NULL, NULL, e);
	pdf_free(d);
	free(text);
	return rc;
}
