/*
 * letter_pdf.c -- the family's notification letter as an A4 PDF, Japanese
 * text laid out by Pango over Cairo (Noto Sans CJK JP).
 *
 * Always built (the Makefile links pangocairo; fonts-noto-cjk is a
 * dependency).  The text is exactly that of
 * nursery_explain_write_letter_text (one source of wording).  The PDF's
 * creation date is fixed so that the same input gives the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 56.0

static double para(cairo_t *cr, const char *text, size_t n, double y,
		   const char *font, int draw)
{
	PangoLayout *lay = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(lay, n ? text : " ", n ? (int)n : 1);
	int w, h;
	pango_layout_get_size(lay, &w, &h);
	if (draw) {
		cairo_move_to(cr, MARGIN, y);
		pango_cairo_show_layout(cr, lay);
	}
	g_object_unref(lay);
	return (double)h / PANGO_SCALE;
}

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
	fclose(mf);
	if (rc) {
		free(text);
		return rc;
	}
	cairo_surface_t *sf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(sf);
		free(text);
		return err_set(e, ERR_IO, "cannot create %s", path);
	}
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE,
				       "保育所等利用調整結果のお知らせ");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
				       "madoguchi");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE,
				       "2000-01-01T00:00:00Z");
	cairo_t *cr = cairo_create(sf);
	cairo_set_source_rgb(cr, 0, 0, 0);
	double y = MARGIN;
	const char *p = text;
	int first = 1;
	while (p < text + len) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		const char *font = first ? "Noto Sans CJK JP Bold 16"
					 : "Noto Sans CJK JP 10.5";
		double h = para(cr, p, n, y, font, 0);
		if (y + h > PAGE_H - MARGIN && y > MARGIN) {
			cairo_show_page(cr);
			y = MARGIN;
		}
		para(cr, p, n, y, font, 1);
		y += h + (first ? 12 : 2);
		first = 0;
		p += n + 1;
	}
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	cairo_status_t st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	free(text);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, ERR_IO, "PDF rendering failed: %s",
			       cairo_status_to_string(st));
	return 0;
}
