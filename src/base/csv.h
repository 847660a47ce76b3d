/*
 * csv.h -- the one CSV cell writer (RFC 4180) every export uses: the
 * staff inbox export, the nursery explanation and cut-off files, and any
 * later one.  Staff open these files in a spreadsheet, and a cell that
 * begins like a formula (=, @, a tab or CR, or + / - not followed by a
 * plain number) runs as one there: such a cell gets a leading apostrophe
 * and is quoted (OWASP "CSV injection").  A plain number such as "-3" or
 * "+81" is left as it is; so is a lone "-".
 */
#ifndef MADOGUCHI_BASE_CSV_H
#define MADOGUCHI_BASE_CSV_H

#include <stdio.h>

#include "base/buf.h"

/* csv_needs_guard -- 1 when a spreadsheet would read v as a formula. */
int csv_needs_guard(const char *v);
/* csv_cell -- append v (NULL: empty) as one cell, quoted when it holds
 * , " CR or LF or needs the guard; a comma first unless first.  Returns
 * 0 or ERR_LIMIT (the buffer's limit). */
int csv_cell(struct buf *b, const char *v, int first);
/* csv_cell_file -- the same cell written to f (without the comma). */
void csv_cell_file(FILE *f, const char *v);

#endif
