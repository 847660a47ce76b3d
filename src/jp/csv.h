/*
 * csv.h -- the CSV reader every import uses (open data, item masters,
 * rosters): RFC 4180 with CRLF or LF, quoted fields with "" escapes and
 * embedded newlines, pushed in chunks; in front of it the decoding layer
 * that detects the encoding (UTF-8, UTF-8 with BOM, CP932: what Excel and
 * a ward's systems write) and converts CP932 line by line, so a file of
 * any size is read in bounded memory.
 *
 * Limits (every input has one): JP_CSV_FIELD_MAX bytes a field,
 * JP_CSV_FIELDS_MAX fields a record, JP_CSV_RECORD_MAX bytes a record,
 * JP_CSV_LINE_MAX bytes a physical line.  Errors carry the physical line
 * (e->line) and name the column in the detail.
 */
#ifndef MADOGUCHI_JP_CSV_H
#define MADOGUCHI_JP_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define JP_CSV_FIELD_MAX (64u << 10)
#define JP_CSV_FIELDS_MAX 512
#define JP_CSV_RECORD_MAX (4u << 20)  /* bytes of one record */
#define JP_CSV_LINE_MAX (1u << 20)

/* ------------------------------------------------------------------ */
/* The CSV reader: RFC 4180 with CRLF or LF, pushed in chunks.        */

/* on_record -- one record: nf fields (NUL-terminated, with lengths);
 * line is the physical line where the record starts (1-based).  A
 * non-zero return stops the reader and is returned by feed/finish. */
typedef int (*jp_csv_fn)(void *arg, long line, int nf,
			       const char *const *f, const size_t *len);

struct jp_csv {
	jp_csv_fn fn;
	void *arg;
	struct buf rec;        /* field bytes, each NUL-terminated        */
	size_t start[JP_CSV_FIELDS_MAX + 1]; /* field i is start[i]..start[i+1] */
	int nf;
	int state;             /* internal                                */
	long line;             /* current physical line                   */
	long rec_line;         /* line where the current record began     */
	long col;              /* byte column in the current line         */
	size_t field_len;
	long records;
};

void jp_csv_init(struct jp_csv *c, jp_csv_fn fn, void *arg);
/* feed -- ERR_INVALID for malformed CSV (a quote inside an unquoted field,
 * text after a closing quote), ERR_LIMIT past a limit; e->line is the
 * physical line, the detail names the column. */
int jp_csv_feed(struct jp_csv *c, const char *p, size_t n,
		      struct err *e);
/* finish -- end of input: the last record (without a final newline) is
 * delivered; ERR_INVALID for a quoted field left open. */
int jp_csv_finish(struct jp_csv *c, struct err *e);
void jp_csv_done(struct jp_csv *c);

/* ------------------------------------------------------------------ */
/* Text decoding: raw bytes of a file -> UTF-8 -> CSV reader.
 * The encoding is detected (UTF-8, UTF-8 with BOM, CP932) and CP932 is
 * converted line by line, so memory stays bounded by JP_CSV_LINE_MAX
 * whatever the file's size.  Errors carry the physical line. */

struct jp_csv_reader {
	struct jp_csv csv;
	int enc;               /* enum jp_encoding, 0 until known          */
	struct buf pend;       /* bytes of an unfinished line              */
	long line_base;        /* physical lines already passed to csv     */
	int64_t bytes;
	int started;
};

void jp_csv_reader_init(struct jp_csv_reader *r, jp_csv_fn fn,
			  void *arg);
int jp_csv_reader_feed(struct jp_csv_reader *r, const char *p, size_t n,
			 struct err *e);
int jp_csv_reader_finish(struct jp_csv_reader *r, struct err *e);
void jp_csv_reader_done(struct jp_csv_reader *r);
/* "UTF-8", "UTF-8 (BOM)", "CP932 (Shift_JIS)", "ASCII", "unknown" */
const char *jp_csv_reader_encoding(const struct jp_csv_reader *r);

#endif
