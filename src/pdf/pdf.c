/*
 * pdf.c -- the PDF writer of pdf.h: a Cairo PDF surface written through a
 * bounded sink (memory or a file), one Pango layout per document reused
 * for every block, and a pen (the y of the next block on the page).
 *
 * Invariants: d->y is where the next block starts, PDF_MARGIN at the top
 * of a page; d->drawn says whether the current page has anything on it
 * (an empty page is never emitted by a page break); d->rc is 0 or the
 * first error, and once set nothing is drawn and nothing more is written
 * (the sink refuses when d->discard is set).
 */
#include "pdf/pdf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "base/buf.h"

#define BOTTOM (PDF_PAGE_H - PDF_MARGIN)
#define TEXT_H (PDF_PAGE_H - 2 * PDF_MARGIN)

/* pdf_heading, pdf_paragraph and pdf_row's looks */
static const struct pdf_style HEADING = { .size = 16, .bold = 1, .after = 12 };
static const struct pdf_style PARAGRAPH = { .size = PDF_SIZE_BODY, .after = 2 };
#define ROW_LABEL_SIZE 9.0
#define ROW_VALUE_SIZE 11.0
#define ROW_VALUE_INDENT 8.0
#define ROW_DEPTH_INDENT 12.0
#define ROW_DEPTH_MAX 4
#define ROW_LABEL_AFTER 1.0
#define ROW_VALUE_AFTER 7.0
/* a line to write on: 18 pt of room above the rule, 8 below */
#define ROW_BLANK_ABOVE 18.0
#define ROW_BLANK_BELOW 8.0
#define RULE_WIDTH 0.6

struct pdf {
	cairo_surface_t *sf;
	cairo_t *cr;
	PangoLayout *lay;
	PangoFontDescription *font;
	/* the sink: memory (fp NULL) or a file */
	struct buf mem;
	FILE *fp;
	char *path;
	size_t written, limit;
	int sink_rc;            /* the sink's own failure, an ERR_*         */
	int sink_errno;         /* and its errno, for a file                */
	int discard;            /* refuse every write (a failed document)  */
	/* the pen */
	double y;
	int page;               /* from 1 */
	int drawn;
	/* the first error */
	int rc;
	struct err err;
	int finished;
};

/* the first failure sticks; its detail goes to pdf_finish */
static int fail(struct pdf *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct pdf *d, int code, const char *fmt, ...)
{
	if (d->rc)
		return d->rc;
	d->rc = code;
	d->err.code = code;
	d->err.line = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err.detail, sizeof d->err.detail, fmt, ap);
	va_end(ap);
	d->discard = 1;
	return code;
}

/* ---- the sink ---- */

static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int n)
{
	struct pdf *d = closure;
	if (d->discard)
		return CAIRO_STATUS_WRITE_ERROR;
	if (n > d->limit - d->written) {
		d->sink_rc = ERR_LIMIT;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	if (d->fp) {
		if (fwrite(data, 1, n, d->fp) != n) {
			d->sink_errno = errno;
			d->sink_rc = errno == ENOSPC ? ERR_FULL : ERR_IO;
			return CAIRO_STATUS_WRITE_ERROR;
		}
	} else {
		int rc = buf_append(&d->mem, data, n);
		if (rc) {
			d->sink_rc = rc;
			return CAIRO_STATUS_WRITE_ERROR;
		}
	}
	d->written += n;
	return CAIRO_STATUS_SUCCESS;
}

/* Cairo's status as the document's error: the sink's own when it refused */
static int fail_cairo(struct pdf *d, cairo_status_t st)
{
	if (d->sink_rc == ERR_LIMIT)
		return fail(d, ERR_LIMIT, "PDF larger than its limit of %zu bytes", d->limit);
	if (d->sink_rc == ERR_NOMEM)
		return fail(d, ERR_NOMEM, "PDF not written: out of memory");
	if (d->sink_rc)
		return fail(d, d->sink_rc, "PDF not written: %s", strerror(d->sink_errno));
	return fail(d, st == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_INTERNAL,
		    "PDF not written: %s", cairo_status_to_string(st));
}

static int check_cairo(struct pdf *d)
{
	cairo_status_t st = cairo_status(d->cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(d->sf);
	return st == CAIRO_STATUS_SUCCESS && !d->sink_rc ? d->rc : fail_cairo(d, st);
}

/* ---- the document ---- */

static int open_doc(struct pdf *d, struct err *e)
{
	d->sf = cairo_pdf_surface_create_for_stream(sink, d, PDF_PAGE_W, PDF_PAGE_H);
	if (cairo_surface_status(d->sf) != CAIRO_STATUS_SUCCESS)
		return err_set(e, ERR_NOMEM, "cannot create the PDF surface");
	cairo_pdf_surface_set_metadata(d->sf, CAIRO_PDF_METADATA_CREATOR, "madoguchi");
	cairo_pdf_surface_set_metadata(d->sf, CAIRO_PDF_METADATA_CREATE_DATE,
				       "2000-01-01T00:00:00Z");
	d->cr = cairo_create(d->sf);
	d->lay = pango_cairo_create_layout(d->cr);
	d->font = pango_font_description_new();
	if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS || !d->lay || !d->font)
		return err_set(e, ERR_NOMEM, "cannot create the PDF surface");
	pango_font_description_set_family(d->font, PDF_FONT_FAMILIES);
	pango_font_description_set_style(d->font, PANGO_STYLE_NORMAL);
	pango_font_description_set_variant(d->font, PANGO_VARIANT_NORMAL);
	pango_font_description_set_stretch(d->font, PANGO_STRETCH_NORMAL);
	pango_layout_set_wrap(d->lay, PANGO_WRAP_WORD_CHAR);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	d->y = PDF_MARGIN;
	d->page = 1;
	return 0;
}

static struct pdf *alloc_doc(size_t limit)
{
	struct pdf *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->limit = limit;
	buf_init(&d->mem, limit);
	return d;
}

int pdf_new_mem(struct pdf **out, size_t limit, struct err *e)
{
	*out = NULL;
	if (limit > PDF_MAX_BYTES)
		return err_set(e, ERR_INVALID, "PDF limit %zu bytes is past PDF_MAX_BYTES", limit);
	struct pdf *d = alloc_doc(limit ? limit : PDF_MAX_BYTES);
	if (!d)
		return err_set(e, ERR_NOMEM, "out of memory");
	int rc = open_doc(d, e);
	if (rc) {
		pdf_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int pdf_new_file(struct pdf **out, const char *path, struct err *e)
{
	*out = NULL;
	if (!path || !path[0])
		return err_set(e, ERR_INVALID, "no PDF file name");
	struct pdf *d = alloc_doc(PDF_MAX_BYTES);
	if (!d || !(d->path = strdup(path))) {
		free(d);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	d->fp = fopen(path, "wbe");
	if (!d->fp) {
		int rc = err_set(e, ERR_IO, "cannot create %s: %s", path, strerror(errno));
		pdf_free(d);
		return rc;
	}
	int rc = open_doc(d, e);
	if (rc) {
		pdf_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* text that may go to Pango: one space for NULL or "" (an empty line the
 * height of the font), within the limit, UTF-8 */
static int text_ok(struct pdf *d, const char **text)
{
	if (!*text || !**text)
		*text = " ";
	size_t n = strlen(*text);
	if (n > PDF_MAX_TEXT)
		return fail(d, ERR_LIMIT, "PDF text of %zu bytes (at most %u)", n, PDF_MAX_TEXT);
	if (!g_utf8_validate(*text, (gssize)n, NULL))
		return fail(d, ERR_INVALID, "PDF text is not UTF-8");
	return 0;
}

int pdf_set_title(struct pdf *d, const char *title)
{
	if (d->rc)
		return d->rc;
	if (text_ok(d, &title))
		return d->rc;
	cairo_pdf_surface_set_metadata(d->sf, CAIRO_PDF_METADATA_TITLE, title);
	return check_cairo(d);
}

/* ---- the flow ---- */

/* the page is full: emit it (unless empty) and start at the top of the next */
static int page_break(struct pdf *d)
{
	if (d->rc)
		return d->rc;
	if (d->drawn) {
		if (d->page >= PDF_MAX_PAGES)
			return fail(d, ERR_LIMIT, "PDF of more than %d pages", PDF_MAX_PAGES);
		cairo_show_page(d->cr);
		d->page++;
		if (check_cairo(d))
			return d->rc;
	}
	d->y = PDF_MARGIN;
	d->drawn = 0;
	return 0;
}

/* lay text out in the layout; its height in points (text checked) */
static double lay_out(struct pdf *d, const char *text, double size, int bold, double width)
{
	pango_font_description_set_size(d->font, (int)(size * PANGO_SCALE + 0.5));
	pango_font_description_set_weight(d->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(d->lay, d->font);
	pango_layout_set_width(d->lay, (int)(width * PANGO_SCALE));
	pango_layout_set_text(d->lay, text, -1);
	int w, h;
	pango_layout_get_size(d->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

static int style_ok(struct pdf *d, double *size, double indent, double after)
{
	if (*size == 0)
		*size = PDF_SIZE_BODY;
	if (!(*size >= PDF_SIZE_MIN && *size <= PDF_SIZE_MAX))
		return fail(d, ERR_INVALID, "PDF font size %g (%g to %g)", *size, PDF_SIZE_MIN,
			    PDF_SIZE_MAX);
	if (!(indent >= 0 && indent <= PDF_MAX_INDENT))
		return fail(d, ERR_INVALID, "PDF indent %g (0 to %g)", indent, PDF_MAX_INDENT);
	if (!(after >= 0 && after <= PDF_PAGE_H))
		return fail(d, ERR_INVALID, "PDF space %g (0 to %g)", after, PDF_PAGE_H);
	return 0;
}

/* the laid-out block taller than a page, line by line from d->y,
 * breaking the page before a line that would cross the bottom margin */
static void draw_lines(struct pdf *d, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(d->lay);
	double top = d->y;      /* where the layout's top is on this page */
	do {
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		double y0 = top + (double)lr.y / PANGO_SCALE;
		double y1 = y0 + (double)lr.height / PANGO_SCALE;
		if (y1 > BOTTOM && (d->drawn || y0 > PDF_MARGIN)) {
			if (page_break(d))
				break;
			top = PDF_MARGIN - (double)lr.y / PANGO_SCALE;
		}
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		cairo_move_to(d->cr, x + (double)lr.x / PANGO_SCALE, top + base);
		pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
		d->drawn = 1;
		d->y = top + (double)(lr.y + lr.height) / PANGO_SCALE;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

int pdf_text(struct pdf *d, const char *text, const struct pdf_style *st)
{
	if (d->rc)
		return d->rc;
	if (!st)
		st = &PARAGRAPH;
	double size = st->size;
	if (text_ok(d, &text) || style_ok(d, &size, st->indent, st->after))
		return d->rc;
	double x = PDF_MARGIN + st->indent;
	double h = lay_out(d, text, size, st->bold, PDF_TEXT_W - st->indent);
	if (d->y + h > BOTTOM && h <= TEXT_H && page_break(d))
		return d->rc;
	if (d->y + h <= BOTTOM) {
		cairo_move_to(d->cr, x, d->y);
		pango_cairo_show_layout(d->cr, d->lay);
		d->drawn = 1;
		d->y += h;
	} else {
		draw_lines(d, x);
	}
	if (d->rc)
		return d->rc;
	d->y += st->after;
	return check_cairo(d);
}

int pdf_heading(struct pdf *d, const char *text)
{
	return pdf_text(d, text, &HEADING);
}

int pdf_paragraph(struct pdf *d, const char *text)
{
	return pdf_text(d, text, &PARAGRAPH);
}

int pdf_space(struct pdf *d, double pt)
{
	if (d->rc)
		return d->rc;
	if (!(pt >= 0 && pt <= PDF_PAGE_H))
		return fail(d, ERR_INVALID, "PDF space %g (0 to %g)", pt, PDF_PAGE_H);
	d->y += pt;
	return d->y > BOTTOM ? page_break(d) : 0;
}

int pdf_keep(struct pdf *d, double pt)
{
	if (d->rc)
		return d->rc;
	if (!(pt >= 0 && pt <= PDF_PAGE_H))
		return fail(d, ERR_INVALID, "PDF space %g (0 to %g)", pt, PDF_PAGE_H);
	return d->y + pt > BOTTOM ? page_break(d) : 0;
}

int pdf_new_page(struct pdf *d)
{
	return page_break(d);
}

int pdf_rule(struct pdf *d, double indent, double width)
{
	if (d->rc)
		return d->rc;
	if (!(indent >= 0 && indent <= PDF_MAX_INDENT))
		return fail(d, ERR_INVALID, "PDF indent %g (0 to %g)", indent, PDF_MAX_INDENT);
	if (!(width >= 0 && width <= PDF_TEXT_W - indent))
		return fail(d, ERR_INVALID, "PDF rule of %g points", width);
	if (d->y > BOTTOM && page_break(d))
		return d->rc;
	double x0 = PDF_MARGIN + indent;
	cairo_set_line_width(d->cr, RULE_WIDTH);
	cairo_move_to(d->cr, x0, d->y);
	cairo_line_to(d->cr, width > 0 ? x0 + width : PDF_PAGE_W - PDF_MARGIN, d->y);
	cairo_stroke(d->cr);
	d->drawn = 1;
	return check_cairo(d);
}

int pdf_bars(struct pdf *d, double indent, const struct pdf_bar *bars, int n, double module_mm,
	     double height_mm)
{
	if (d->rc)
		return d->rc;
	if (!bars || n < 1 || n > PDF_BARS_MAX)
		return fail(d, ERR_LIMIT, "PDF barcode of %d bars (1 to %d)", n, PDF_BARS_MAX);
	if (!(module_mm >= 0.1 && module_mm <= 1.0) || !(height_mm >= 5 && height_mm <= 50) ||
	    !(indent >= 0 && indent <= PDF_MAX_INDENT))
		return fail(d, ERR_INVALID, "PDF barcode module %g mm, height %g mm", module_mm, height_mm);
	const double pt_mm = 72.0 / 25.4, m = module_mm * pt_mm, h = height_mm * pt_mm;
	double right = 0;
	for (int i = 0; i < n; i++) {
		if (!(bars[i].x >= 0 && bars[i].w > 0 && bars[i].x + bars[i].w <= 2000))
			return fail(d, ERR_INVALID, "PDF barcode bar %d out of range", i);
		if (bars[i].x + bars[i].w > right)
			right = bars[i].x + bars[i].w;
	}
	if (right * m > PDF_TEXT_W - indent)
		return fail(d, ERR_LIMIT, "PDF barcode wider than the page");
	if (pdf_keep(d, h))
		return d->rc;
	double x0 = PDF_MARGIN + indent;
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (int i = 0; i < n; i++)
		cairo_rectangle(d->cr, x0 + bars[i].x * m, d->y, bars[i].w * m, h);
	cairo_fill(d->cr);
	d->y += h;
	d->drawn = 1;
	return check_cairo(d);
}

int pdf_row(struct pdf *d, int depth, const char *label, const char *value)
{
	if (d->rc)
		return d->rc;
	if (text_ok(d, &label) || (value && text_ok(d, &value)))
		return d->rc;
	double ind = ROW_DEPTH_INDENT * (depth < 0 ? 0 : depth > ROW_DEPTH_MAX ? ROW_DEPTH_MAX : depth);
	/* the label on the page of its value: measure both first */
	double h = lay_out(d, label, ROW_LABEL_SIZE, 1, PDF_TEXT_W - ind) + ROW_LABEL_AFTER;
	h += value ? lay_out(d, value, ROW_VALUE_SIZE, 0, PDF_TEXT_W - ind - ROW_VALUE_INDENT)
		   : ROW_BLANK_ABOVE + ROW_BLANK_BELOW;
	if (h <= TEXT_H && pdf_keep(d, h))
		return d->rc;
	struct pdf_style ls = { ROW_LABEL_SIZE, 1, ind, ROW_LABEL_AFTER };
	if (pdf_text(d, label, &ls))
		return d->rc;
	if (value) {
		struct pdf_style vs = { ROW_VALUE_SIZE, 0, ind + ROW_VALUE_INDENT, ROW_VALUE_AFTER };
		return pdf_text(d, value, &vs);
	}
	if (pdf_space(d, ROW_BLANK_ABOVE) || pdf_rule(d, ind + ROW_VALUE_INDENT, 0))
		return d->rc;
	return pdf_space(d, ROW_BLANK_BELOW);
}

/* ---- the end ---- */

/* release Cairo and Pango; the surface finishes (writes) unless discarding */
static void close_doc(struct pdf *d)
{
	if (d->lay)
		g_object_unref(d->lay);
	d->lay = NULL;
	if (d->font)
		pango_font_description_free(d->font);
	d->font = NULL;
	if (d->cr)
		cairo_destroy(d->cr);
	d->cr = NULL;
	if (d->sf) {
		if (!d->discard) {
			/* Cairo may report success after its stream refused a
			 * write: the sink's own record decides too */
			cairo_surface_finish(d->sf);
			cairo_status_t st = cairo_surface_status(d->sf);
			if (st != CAIRO_STATUS_SUCCESS || d->sink_rc)
				fail_cairo(d, st);
		}
		d->discard = 1;     /* destroying an unfinished surface writes */
		cairo_surface_destroy(d->sf);
	}
	d->sf = NULL;
	if (d->fp) {
		if (fclose(d->fp) != 0 && !d->rc)
			fail(d, errno == ENOSPC ? ERR_FULL : ERR_IO, "PDF not written: %s",
			     strerror(errno));
		d->fp = NULL;
		if (d->rc)
			unlink(d->path);
	}
}

int pdf_finish(struct pdf *d, char **bytes, size_t *len, struct err *e)
{
	if (bytes)
		*bytes = NULL;
	if (len)
		*len = 0;
	if (d->finished)
		return err_set(e, ERR_INVALID, "PDF finished already");
	if (!d->path && !bytes && !d->rc)
		fail(d, ERR_INVALID, "PDF in memory finished without a place for its bytes");
	d->finished = 1;
	close_doc(d);
	if (d->rc) {
		if (e)
			*e = d->err;
		return d->rc;
	}
	if (len)
		*len = d->written;
	if (d->path)
		return 0;
	*bytes = buf_steal(&d->mem);
	if (!*bytes)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

void pdf_free(struct pdf *d)
{
	if (!d)
		return;
	if (!d->finished && !d->rc)
		fail(d, ERR_INVALID, "PDF not finished");
	close_doc(d);
	buf_done(&d->mem);
	free(d->path);
	free(d);
}
