/*
 * pdf.h -- the one PDF writer: A4 documents of Japanese text that flow
 * from the top of the first page down, breaking pages by themselves
 * (Pango lays the text out, Cairo writes the PDF).  The receipts, the
 * counter's forms and the nursery letters are written with it; each of
 * them says only what its document says.
 *
 * A document is written in order: pdf_new_mem or pdf_new_file, then
 * pdf_heading / pdf_paragraph / pdf_text / pdf_row / pdf_rule / pdf_space
 * / pdf_keep / pdf_new_page in reading order, then pdf_finish, then
 * pdf_free (always, also after a failure).
 *
 * Invariants:
 *  - The page is A4 portrait (PDF_PAGE_W x PDF_PAGE_H points) with
 *    PDF_MARGIN on every side; text never starts below the bottom margin.
 *    A block (one call) that does not fit below the text already on a
 *    page starts the next page; one taller than a whole page is split
 *    between lines.  A page with nothing on it is never emitted but for
 *    a document with nothing at all (one empty page).
 *  - Errors are sticky: the first failure (a limit, text that is not
 *    UTF-8, Cairo's status) is kept, every later call does nothing and
 *    returns it, and pdf_finish reports it with its detail.  The flow
 *    functions return 0 or that ERR_*; checking only pdf_finish's is
 *    enough.
 *  - The same calls give the same bytes: the creation date in the
 *    metadata is fixed (2000-01-01) and nothing reads the clock.  The
 *    creator is "madoguchi".
 *  - Text is printed as given (the caller masks what must be masked).
 *    Nothing here logs.  A document belongs to one thread at a time.
 *
 * Limits (ERR_LIMIT past them):
 *  - PDF_MAX_BYTES bytes of PDF, in memory (or the smaller limit given to
 *    pdf_new_mem) or in a file;
 *  - PDF_MAX_PAGES pages;
 *  - PDF_MAX_TEXT bytes in one call's text, label or value.
 * Font sizes are PDF_SIZE_MIN to PDF_SIZE_MAX points and an indent is 0
 * to PDF_MAX_INDENT points, or ERR_INVALID.
 */
#ifndef MADOGUCHI_PDF_PDF_H
#define MADOGUCHI_PDF_PDF_H

#include <stddef.h>

#include "base/err.h"

#define PDF_MAX_BYTES (32u << 20)
#define PDF_MAX_PAGES 1000
#define PDF_MAX_TEXT (1u << 20)

/* A4 portrait in points (1/72 inch), the margin on each side (~20 mm) */
#define PDF_PAGE_W 595.276
#define PDF_PAGE_H 841.89
#define PDF_MARGIN 56.0
/* the width of a line of text without an indent */
#define PDF_TEXT_W (PDF_PAGE_W - 2 * PDF_MARGIN)
#define PDF_MAX_INDENT (PDF_TEXT_W / 2)

/* The fonts: Japanese Gothic (sans-serif) families, the first installed
 * one wins (fonts-noto-cjk is a dependency, scripts/deps.sh); Japanese
 * families before a generic one so that kanji take their Japanese forms. */
#define PDF_FONT_FAMILIES \
	"Noto Sans CJK JP,Source Han Sans JP,IPAexGothic,IPAGothic,TakaoGothic,sans-serif"
#define PDF_SIZE_MIN 4.0
#define PDF_SIZE_MAX 72.0
#define PDF_SIZE_BODY 10.5            /* pdf_paragraph: 公用文's 10.5 pt */

/* A document being written; opaque. */
struct pdf;

/* pdf_new_mem -- a document written to memory, at most limit bytes (0:
 * PDF_MAX_BYTES; more than PDF_MAX_BYTES is ERR_INVALID); pdf_finish hands
 * the bytes over.  ERR_NOMEM. */
int pdf_new_mem(struct pdf **out, size_t limit, struct err *e);

/* pdf_new_file -- a document written to the file at path (created or
 * truncated as it is written, at most PDF_MAX_BYTES); a document that is
 * not finished without an error is removed again (pdf_finish on a
 * failure, pdf_free before pdf_finish).  ERR_IO when the file cannot be
 * created. */
int pdf_new_file(struct pdf **out, const char *path, struct err *e);

/* pdf_set_title -- the document's title in its metadata (what a viewer
 * shows in its title bar); UTF-8, at most PDF_MAX_TEXT bytes. */
int pdf_set_title(struct pdf *d, const char *title);

/* One block's style. */
struct pdf_style {
	double size;       /* font size in points; 0: PDF_SIZE_BODY     */
	int bold;          /* 1: the bold weight                        */
	double indent;     /* from the left margin, points               */
	double after;      /* space below the block, points              */
};

/* pdf_text -- text (UTF-8; NULL or "" prints an empty line) as one block
 * in the style (NULL: pdf_paragraph's), wrapped to the width left of the margins and the indent
 * (between words, or between characters where Japanese has no spaces;
 * "\n" starts a new line in the block). */
int pdf_text(struct pdf *d, const char *text, const struct pdf_style *st);

/* pdf_heading -- a heading: bold 16 pt, 12 pt below. */
int pdf_heading(struct pdf *d, const char *text);

/* pdf_paragraph -- body text: PDF_SIZE_BODY, 2 pt below. */
int pdf_paragraph(struct pdf *d, const char *text);

/* pdf_row -- a label and its value: the label bold 9 pt, the value 11 pt
 * under it indented by 8 pt, 7 pt below; value NULL prints a line to write
 * on instead.  depth (0 to 4; more counts as 4) indents the row by 12 pt a
 * level (a group's fields).  The label stays on the page of its value
 * unless the two are taller than a page. */
int pdf_row(struct pdf *d, int depth, const char *label, const char *value);

/* pdf_rule -- a thin horizontal line at the current position from indent
 * for width points (0: to the right margin); the position does not move. */
int pdf_rule(struct pdf *d, double indent, double width);

/* One dark bar of a linear barcode: from x, w wide, in modules (the
 * barcode's narrowest bar is 1). */
struct pdf_bar {
	double x, w;
};
#define PDF_BARS_MAX 400

/* pdf_bars -- a linear barcode drawn as n (1 .. PDF_BARS_MAX) black bars
 * at the current position, indent points from the left margin: each module
 * module_mm wide (0.1 .. 1 mm), the bars height_mm high (5 .. 50 mm); the
 * caller encodes the symbol (pdf knows no symbology) and keeps its quiet
 * zones clear.  The bars stay on one page. */
int pdf_bars(struct pdf *d, double indent, const struct pdf_bar *bars, int n, double module_mm,
	     double height_mm);

/* pdf_space -- move down by pt points (0 to PDF_PAGE_H); past the bottom
 * margin the next block starts the next page. */
int pdf_space(struct pdf *d, double pt);

/* pdf_keep -- start the next page unless pt points (0 to PDF_PAGE_H) are
 * left above the bottom margin: what follows stays together. */
int pdf_keep(struct pdf *d, double pt);

/* pdf_new_page -- what follows starts a new page (nothing when the
 * current page is still empty). */
int pdf_new_page(struct pdf *d);

/* pdf_finish -- end the document.  In memory: *bytes (malloc'd, the
 * caller frees) and *len get the PDF.  In a file: the file is complete
 * and closed, *len (if len) gets its size and bytes may be NULL.  0, or
 * the document's first error (the file removed); then *bytes is NULL.
 * Call once; pdf_free still follows. */
int pdf_finish(struct pdf *d, char **bytes, size_t *len, struct err *e);

/* pdf_free -- release d (NULL: nothing); a file not finished is removed. */
void pdf_free(struct pdf *d);

#endif
