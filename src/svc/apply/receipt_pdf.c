/*
 * receipt_pdf.c -- the resident's receipt (受付票) of a submission as an
 * A4 PDF: Japanese text laid out by Pango over Cairo (Noto Sans CJK JP),
 * like the nursery letters (src/svc/nursery/letter_pdf.c).
 *
 * Invariants: the answers summary is printed exactly as the caller gave
 * it (the caller masks a 個人番号); nothing here reads the clock (dates
 * come from the submission) and the PDF's creation date is fixed, so the
 * same input gives the same bytes.  No logging.
 */
#include "svc/apply/apply.h"
#include "jp/date.h"

#include "base/buf.h"
#include "jp/wareki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 56.0
#define PDF_MAX (32u << 20)

static double para(cairo_t *cr, const char *text, double x, double y, double w,
		   const char *font, int draw)
{
	PangoLayout *lay = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(lay, text && text[0] ? text : " ", -1);
	int lw, lh;
	pango_layout_get_size(lay, &lw, &lh);
	if (draw) {
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, lay);
	}
	g_object_unref(lay);
	return (double)lh / PANGO_SCALE;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data,
				unsigned int length)
{
	return buf_append(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS
						      : CAIRO_STATUS_WRITE_ERROR;
}

/* the date in Japan of a Unix time, in 和暦 and 西暦 */
static void jst_dates(char *out, size_t n, int64_t t)
{
	int64_t j = t + JP_JST_OFFSET_S;
	long days = (long)(j / 86400);
	if (j < 0 && j % 86400)
		days--;
	struct jp_date d = jp_date_from_days(days);
	int sec = (int)(j - (int64_t)days * 86400);
	char w[64];
	struct err e;
	if (jp_wareki_format(w, sizeof w, d, JP_WAREKI_KANJI, 0, &e) != 0)
		w[0] = '\0';
	snprintf(out, n, "%s（%04d年%d月%d日）%02d:%02d JST  /  %04d-%02d-%02d", w, d.y, d.m,
		 d.d, sec / 3600, sec / 60 % 60, d.y, d.m, d.d);
}

struct pen {
	cairo_t *cr;
	cairo_surface_t *sf;
	double y;
};

static void need(struct pen *p, double h)
{
	if (p->y + h <= PAGE_H - MARGIN)
		return;
	cairo_show_page(p->cr);
	p->y = MARGIN;
}

static void line(struct pen *p, const char *text, const char *font, double indent,
		 double after)
{
	double w = PAGE_W - 2 * MARGIN - indent;
	double h = para(p->cr, text, MARGIN + indent, p->y, w, font, 0);
	need(p, h);
	para(p->cr, text, MARGIN + indent, p->y, w, font, 1);
	p->y += h + after;
}

int apply_receipt_pdf(char **pdf, size_t *len, const struct apply_receipt_doc *doc,
		      struct err *e)
{
	*pdf = NULL;
	*len = 0;
	if (!doc || !doc->sub)
		return err_set(e, ERR_INVALID, "no submission");
	const struct apply_submission *s = doc->sub;
	struct buf out;
	buf_init(&out, PDF_MAX);
	cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(write_buf, &out, PAGE_W, PAGE_H);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(sf);
		buf_done(&out);
		return err_set(e, ERR_NOMEM, "cannot create the PDF surface");
	}
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, "受付票 / Receipt");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "madoguchi");
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
	struct pen p = { .cr = cairo_create(sf), .sf = sf, .y = MARGIN };
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	char tmp[512];
	snprintf(tmp, sizeof tmp, "%s  %s", doc->municipality_ja ? doc->municipality_ja : "",
		 doc->municipality_en ? doc->municipality_en : "");
	line(&p, tmp, "Noto Sans CJK JP 10", 0, 6);
	line(&p, "電子申請 受付票 / Application receipt", "Noto Sans CJK JP Bold 18", 0, 14);
	line(&p, "受付番号 / Receipt number", "Noto Sans CJK JP 10", 0, 2);
	line(&p, s->receipt, "Noto Sans CJK JP Bold 26", 0, 14);
	line(&p, "手続 / Procedure", "Noto Sans CJK JP 10", 0, 2);
	line(&p, doc->title_ja ? doc->title_ja : s->procedure, "Noto Sans CJK JP Bold 14", 0, 2);
	if (doc->title_en)
		line(&p, doc->title_en, "Noto Sans CJK JP 11", 0, 10);
	line(&p, "受付日時 / Received", "Noto Sans CJK JP 10", 0, 2);
	jst_dates(tmp, sizeof tmp, s->submitted_at);
	line(&p, tmp, "Noto Sans CJK JP 12", 0, 10);
	if (s->revision > 1) {
		snprintf(tmp, sizeof tmp, "再提出 %d 回目 / Revision %d", s->revision, s->revision);
		line(&p, tmp, "Noto Sans CJK JP 11", 0, 10);
	}
	if (s->sig_serial[0]) {
		snprintf(tmp, sizeof tmp, "電子署名あり（証明書シリアル %s） / Signed (certificate serial %s)",
			 s->sig_serial, s->sig_serial);
		line(&p, tmp, "Noto Sans CJK JP 9", 0, 10);
	}
	snprintf(tmp, sizeof tmp, "内容の要約（SHA-256 %.16s…） / Summary of the answers", s->sha256);
	line(&p, tmp, "Noto Sans CJK JP Bold 12", 0, 6);
	for (int i = 0; i < doc->nlines; i++) {
		const struct apply_receipt_line *ln = &doc->lines[i];
		double ind = 12.0 * (ln->depth > 4 ? 4 : ln->depth);
		line(&p, ln->label ? ln->label : "", "Noto Sans CJK JP Bold 9", ind, 1);
		line(&p, ln->value ? ln->value : "", "Noto Sans CJK JP 10", ind + 8, 6);
	}
	p.y += 8;
	line(&p, "この受付票は申請を受け付けたことを示すもので、審査の結果を示すものではありません。"
	     "申請の状況はマイページで確認できます。",
	     "Noto Sans CJK JP 9", 0, 2);
	line(&p, "This receipt shows that the application was received; it is not a decision. "
	     "Check its status on My page.", "Noto Sans CJK JP 9", 0, 0);
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	cairo_status_t st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (st != CAIRO_STATUS_SUCCESS) {
		buf_done(&out);
		return err_set(e, ERR_LIMIT, "receipt PDF not written: %s", cairo_status_to_string(st));
	}
	*len = out.len;
	*pdf = buf_steal(&out);
	if (!*pdf)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}
