/*
 * csv.c -- the streaming CSV reader (RFC 4180, CRLF or LF, quoted fields
 * with "" escapes and embedded newlines) and the decoding layer in front
 * of it (encoding detection, CP932 converted line by line, UTF-8
 * validated), so a file of any size is read in bounded memory.
 *
 * Invariants: a record is delivered once, complete, with every field
 * NUL-terminated; rec holds at most one record (JP_CSV_FIELD_MAX per
 * field, JP_CSV_FIELDS_MAX fields); the decoder holds at most one
 * physical line (JP_CSV_LINE_MAX).  A CR outside quotes is dropped (so
 * CRLF and LF read alike).  Line feeds never occur inside a CP932 or UTF-8
 * multi-byte character, so splitting at LF never cuts a character.
 */
#include "jp/csv.h"
#include "jp/cp932.h"
#include "jp/text.h"

#include <stdlib.h>
#include <string.h>

enum { S_START = 0, S_UNQ, S_QUO, S_QUO_QUOTE };

void jp_csv_init(struct jp_csv *c, jp_csv_fn fn, void *arg)
{
	memset(c, 0, sizeof *c);
	c->fn = fn;
	c->arg = arg;
	buf_init(&c->rec, JP_CSV_RECORD_MAX);
	c->line = 1;
	c->rec_line = 1;
	c->col = 0;
}

void jp_csv_done(struct jp_csv *c)
{
	buf_done(&c->rec);
}

static int end_field(struct jp_csv *c, struct err *e)
{
	if (c->nf >= JP_CSV_FIELDS_MAX)
		return err_set_line(e, ERR_LIMIT, c->rec_line,
				    "more than %d fields in a record", JP_CSV_FIELDS_MAX);
	if (buf_putc(&c->rec, '\0'))
		return err_set_line(e, ERR_LIMIT, c->rec_line, "record too long");
	c->nf++;
	c->field_len = 0;
	c->start[c->nf] = c->rec.len;
	return 0;
}

static int end_record(struct jp_csv *c, struct err *e)
{
	int rc = end_field(c, e);
	if (rc)
		return rc;
	const char *f[JP_CSV_FIELDS_MAX];
	size_t len[JP_CSV_FIELDS_MAX];
	const char *base = c->rec.data ? c->rec.data : "";
	for (int i = 0; i < c->nf; i++) {
		f[i] = base + c->start[i];
		len[i] = c->start[i + 1] - c->start[i] - 1;
	}
	c->records++;
	rc = c->fn ? c->fn(c->arg, c->rec_line, c->nf, f, len) : 0;
	buf_reset(&c->rec);
	c->nf = 0;
	c->start[0] = 0;
	c->state = S_START;
	return rc;
}

static int put(struct jp_csv *c, char ch, struct err *e)
{
	if (++c->field_len > JP_CSV_FIELD_MAX)
		return err_set_line(e, ERR_LIMIT, c->line,
				    "field %d longer than %u bytes", c->nf + 1,
				    JP_CSV_FIELD_MAX);
	if (buf_putc(&c->rec, ch))
		return err_set_line(e, ERR_LIMIT, c->line, "record too long");
	return 0;
}

int jp_csv_feed(struct jp_csv *c, const char *p, size_t n,
		      struct err *e)
{
	int rc;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		c->col++;
		switch (c->state) {
		case S_START:
			if (ch == '"') {
				c->state = S_QUO;
				break;
			}
			c->state = S_UNQ;
			/* fall through */
		case S_UNQ:
			if (ch == ',') {
				if ((rc = end_field(c, e)))
					return rc;
				c->state = S_START;
			} else if (ch == '\n') {
				if ((rc = end_record(c, e)))
					return rc;
				c->line++;
				c->col = 0;
				c->rec_line = c->line;
			} else if (ch == '\r') {
				/* dropped: CRLF reads as LF */
			} else if (ch == '"') {
				return err_set_line(e, ERR_INVALID, c->line,
						    "quote inside an unquoted field (column %d, byte %ld)",
						    c->nf + 1, c->col);
			} else if ((rc = put(c, ch, e))) {
				return rc;
			}
			break;
		case S_QUO:
			if (ch == '"') {
				c->state = S_QUO_QUOTE;
			} else {
				if (ch == '\n') {
					c->line++;
					c->col = 0;
				}
				if ((rc = put(c, ch, e)))
					return rc;
			}
			break;
		case S_QUO_QUOTE:
			if (ch == '"') {
				c->state = S_QUO;
				if ((rc = put(c, '"', e)))
					return rc;
			} else if (ch == ',') {
				if ((rc = end_field(c, e)))
					return rc;
				c->state = S_START;
			} else if (ch == '\n') {
				if ((rc = end_record(c, e)))
					return rc;
				c->line++;
				c->col = 0;
				c->rec_line = c->line;
			} else if (ch == '\r') {
				/* CRLF after a closing quote */
			} else {
				return err_set_line(e, ERR_INVALID, c->line,
						    "text after a closing quote (column %d, byte %ld)",
						    c->nf + 1, c->col);
			}
			break;
		}
	}
	return 0;
}

int jp_csv_finish(struct jp_csv *c, struct err *e)
{
	if (c->state == S_QUO)
		return err_set_line(e, ERR_INVALID, c->rec_line,
				    "a quoted field (column %d) is never closed", c->nf + 1);
	if (c->state == S_START && c->nf == 0 && c->rec.len == 0)
		return 0; /* nothing pending (the file ended with a newline) */
	return end_record(c, e);
}

/* ---- decoding ---- */

void jp_csv_reader_init(struct jp_csv_reader *r, jp_csv_fn fn,
			  void *arg)
{
	memset(r, 0, sizeof *r);
	jp_csv_init(&r->csv, fn, arg);
	buf_init(&r->pend, JP_CSV_LINE_MAX + 65536);
}

void jp_csv_reader_done(struct jp_csv_reader *r)
{
	jp_csv_done(&r->csv);
	buf_done(&r->pend);
}

const char *jp_csv_reader_encoding(const struct jp_csv_reader *r)
{
	switch (r->enc) {
	case JP_ENC_ASCII: return "ASCII";
	case JP_ENC_UTF8: return "UTF-8";
	case JP_ENC_UTF8_BOM: return "UTF-8 (BOM)";
	case JP_ENC_CP932: return "CP932 (Shift_JIS)";
	default: return "unknown";
	}
}

static long count_lf(const char *p, size_t n)
{
	long k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/* decode complete lines p[0..n) and pass them on */
static int pass_lines(struct jp_csv_reader *r, const char *p, size_t n,
		      int prefix, struct err *e)
{
	if (n == 0)
		return 0;
	if (!r->started) {
		r->started = 1;
		if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3;
			n -= 3;
			r->enc = JP_ENC_UTF8_BOM;
		}
	}
	if (r->enc == 0 || r->enc == JP_ENC_ASCII) {
		enum jp_encoding enc;
		int rc = jp_encoding_detect(&enc, p, n, prefix ? JP_DETECT_PREFIX : 0, e);
		if (rc)
			return rc;
		if (enc == JP_ENC_UNKNOWN) {
			/* say where: the first byte that is not UTF-8 */
			size_t off = 0;
			jp_text_utf8_validate(&off, p, n, NULL);
			long line = r->line_base + 1 + count_lf(p, off);
			return err_set_line(e, ERR_INVALID, line,
					    "neither UTF-8 nor CP932 (line %ld)", line);
		}
		r->enc = enc;
	}
	int rc;
	if (r->enc == JP_ENC_CP932) {
		char *u = NULL;
		size_t ul = 0;
		struct jp_textpos bad;
		rc = jp_cp932_to_utf8(&u, &ul, &bad, p, n, e);
		if (rc) {
			long line = r->line_base + bad.line;
			return err_set_line(e, rc, line,
					    "not valid CP932 at line %ld, byte %ld", line,
					    bad.column);
		}
		rc = jp_csv_feed(&r->csv, u, ul, e);
		free(u);
	} else {
		size_t off = 0;
		if (jp_text_utf8_validate(&off, p, n, NULL)) {
			long line = r->line_base + 1 + count_lf(p, off);
			const char *ls = p + off;
			while (ls > p && ls[-1] != '\n')
				ls--;
			return err_set_line(e, ERR_INVALID, line,
					    "not valid UTF-8 at line %ld, byte %ld", line,
					    (long)(p + off - ls) + 1);
		}
		rc = jp_csv_feed(&r->csv, p, n, e);
	}
	r->line_base += count_lf(p, n);
	return rc;
}

int jp_csv_reader_feed(struct jp_csv_reader *r, const char *p, size_t n,
			 struct err *e)
{
	r->bytes += (int64_t)n;
	/* the part up to the last LF is complete lines */
	const char *last = NULL;
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '\n') {
			last = p + i;
			break;
		}
	if (!last) {
		if (r->pend.len + n > JP_CSV_LINE_MAX)
			return err_set_line(e, ERR_LIMIT, r->line_base + 1,
					    "line %ld is longer than %u bytes", r->line_base + 1,
					    JP_CSV_LINE_MAX);
		return buf_append(&r->pend, p, n) ? ERR_NOMEM : 0;
	}
	size_t head = (size_t)(last - p);
	int rc;
	if (r->pend.len) {
		if (r->pend.len + head > JP_CSV_LINE_MAX + 65536u) {
			/* flush the pending part first: it ends at no LF, so
			 * only if it alone is a too-long line */
			return err_set_line(e, ERR_LIMIT, r->line_base + 1,
					    "line %ld is longer than %u bytes", r->line_base + 1,
					    JP_CSV_LINE_MAX);
		}
		/* pending bytes + the first line of p, then the rest */
		const char *nl = memchr(p, '\n', head);
		size_t first = (size_t)(nl - p) + 1;
		if (buf_append(&r->pend, p, first))
			return ERR_NOMEM;
		rc = pass_lines(r, r->pend.data, r->pend.len, 1, e);
		buf_reset(&r->pend);
		if (rc)
			return rc;
		p += first;
		head -= first;
		n -= first;
	}
	rc = pass_lines(r, p, head, 1, e);
	if (rc)
		return rc;
	if (n - head > JP_CSV_LINE_MAX)
		return err_set_line(e, ERR_LIMIT, r->line_base + 1,
				    "line %ld is longer than %u bytes", r->line_base + 1,
				    JP_CSV_LINE_MAX);
	return n > head && buf_append(&r->pend, p + head, n - head) ? ERR_NOMEM : 0;
}

int jp_csv_reader_finish(struct jp_csv_reader *r, struct err *e)
{
	int rc = 0;
	if (r->pend.len) {
		rc = pass_lines(r, r->pend.data, r->pend.len, 0, e);
		buf_reset(&r->pend);
	}
	if (rc == 0 && r->enc == 0)
		r->enc = JP_ENC_ASCII;
	return rc ? rc : jp_csv_finish(&r->csv, e);
}
