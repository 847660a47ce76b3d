/*
 * counter_pdf.c -- 書かない窓口: the forms of a life event's procedures,
 * filled from the register and the interview, as one PDF that the resident
 * checks and signs at the counter.  Pango over Cairo (Noto Sans CJK JP),
 * as the receipts and the nursery letters.
 *
 * Invariants: values are printed exactly as given (the caller masks a
 * 個人番号); an unanswered field gets a line to write on; each form starts
 * a new page and ends with the signature and date boxes; nothing reads the
 * clock and the creation date is fixed, so the same input gives the same
 * bytes.  No logging.
 */
#include "svc/lifeevent/lifeevent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "base/buf.h"

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 50.0
#define PDF_MAX (32u << 20)
#define FONT "Noto Sans CJK JP"

struct pen {
	cairo_t *cr;
	double y;
};

static double text(struct pen *p, const char *s, const char *font, double x, double w,
		   int draw)
{
	PangoLayout *lay = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(lay, s && s[0] ? s : " ", -1);
	int lw, lh;
	pango_layout_get_size(lay, &lw, &lh);
	if (draw) {
		cairo_move_to(p->cr, x, p->y);
		pango_cairo_show_layout(p->cr, lay);
	}
	g_object_unref(lay);
	return (double)lh / PANGO_SCALE;
}

static void need(struct pen *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN) {
		cairo_show_page(p->cr);
		p->y = MARGIN;
	}
}

static void line(struct pen *p, const char *s, const char *font, double indent, double after)
{
	double w = PAGE_W - 2 * MARGIN - indent;
	double h = text(p, s, font, MARGIN + indent, w, 0);
	need(p, h);
	text(p, s, font, MARGIN + indent, w, 1);
	p->y += h + after;
}

static void rule(struct pen *p, double x0, double x1)
{
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, x0, p->y);
	cairo_line_to(p->cr, x1, p->y);
	cairo_stroke(p->cr);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
	return buf_append(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS
						      : CAIRO_STATUS_WRITE_ERROR;
}

static void form(struct pen *p, const struct lifeevent_pdf_doc *doc,
		 const struct lifeevent_pdf_form *f, int index)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s  %s ・ %s / %s  (%d/%d)",
		 doc->municipality_ja ? doc->municipality_ja : "",
		 doc->municipality_en ? doc->municipality_en : "",
		 doc->event_ja ? doc->event_ja : "", doc->event_en ? doc->event_en : "",
		 index + 1, doc->nforms);
	line(p, tmp, FONT " 9", 0, 8);
	line(p, f->title_ja ? f->title_ja : "", FONT " Bold 17", 0, 2);
	if (f->title_en)
		line(p, f->title_en, FONT " 11", 0, 4);
	if (f->department) {
		snprintf(tmp, sizeof tmp, "担当 / Department: %s", f->department);
		line(p, tmp, FONT " 9", 0, 10);
	}
	line(p, "窓口で記入済みです。内容を確認し、誤りがあれば職員にお知らせください。"
	     " / Filled in at the counter: check it and tell the staff of any mistake.",
	     FONT " 9", 0, 10);
	for (int i = 0; i < f->nlines; i++) {
		const struct lifeevent_pdf_line *ln = &f->lines[i];
		double ind = 12.0 * (ln->depth > 4 ? 4 : ln->depth);
		line(p, ln->label ? ln->label : "", FONT " Bold 9", ind, 1);
		if (ln->blank) {
			need(p, 22);
			p->y += 18;
			rule(p, MARGIN + ind + 8, PAGE_W - MARGIN);
			p->y += 8;
		} else {
			line(p, ln->value ? ln->value : "", FONT " 11", ind + 8, 7);
		}
	}
	need(p, 90);
	p->y += 14;
	line(p, "上記の内容に相違ありません。 / I confirm the above is correct.", FONT " 10", 0, 14);
	line(p, "申請者署名 / Applicant's signature", FONT " 9", 0, 22);
	rule(p, MARGIN, MARGIN + 300);
	p->y += 10;
	line(p, "日付 / Date　　　　年　　月　　日", FONT " 9", 0, 0);
}

int lifeevent_forms_pdf(char **pdf, size_t *len, const struct lifeevent_pdf_doc *doc,
			struct err *e)
{
	*pdf = NULL;
	*len = 0;
	if (!doc || doc->nforms <= 0 || !doc->forms)
		return err_set(e, ERR_INVALID, "counter PDF: no forms");
	struct buf out;
	buf_init(&out, PDF_MAX);
	cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(write_buf, &out, PAGE_W, PAGE_H);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(sf);
		buf_done(&out);
		return err_set(e, ERR_NOMEM, "counter PDF: cannot create the surface");
	}
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, "申請書 / Application forms");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "madoguchi");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
	struct pen p = { cairo_create(sf), MARGIN };
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	for (int i = 0; i < doc->nforms; i++) {
		if (i > 0) {
			cairo_show_page(p.cr);
			p.y = MARGIN;
		}
		form(&p, doc, &doc->forms[i], i);
	}
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	cairo_status_t st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (st != CAIRO_STATUS_SUCCESS) {
		buf_done(&out);
		return err_set(e, ERR_LIMIT, "counter PDF not written: %s", cairo_status_to_string(st));
	}
	*len = out.len;
	*pdf = buf_steal(&out);
	return *pdf ? 0 : err_set(e, ERR_NOMEM, "counter PDF: out of memory");
}
