/*
 * fuzz_csv.c -- libFuzzer target for the open data CSV reader and its
 * decoding layer (encoding detection, CP932 conversion, UTF-8 checks).
 * The first byte picks the chunk size, so record boundaries, quotes, CRLF
 * and multi-byte characters fall across chunks.  Invariants: every record
 * has 1..JP_CSV_FIELDS_MAX fields, each NUL-terminated at its length
 * and at most JP_CSV_FIELD_MAX bytes; line numbers never decrease;
 * the same input gives the same records whatever the chunking; the
 * validator never crashes on it.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "jp/csv.h"
#include "svc/opendata/opendata.h"

struct st {
	long last_line;
	uint64_t hash;
	long n;
};

static int on_rec(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	struct st *s = arg;
	assert(nf >= 1 && nf <= JP_CSV_FIELDS_MAX);
	assert(line >= s->last_line);
	s->last_line = line;
	for (int i = 0; i < nf; i++) {
		assert(len[i] <= JP_CSV_FIELD_MAX);
		assert(f[i][len[i]] == '\0');
		for (size_t k = 0; k < len[i]; k++)
			s->hash = s->hash * 1099511628211ull ^ (unsigned char)f[i][k];
		s->hash = s->hash * 31 + 7;
	}
	s->n++;
	return 0;
}

static int run(const uint8_t *p, size_t n, size_t chunk, struct st *s)
{
	memset(s, 0, sizeof *s);
	struct jp_csv_reader rd;
	jp_csv_reader_init(&rd, on_rec, s);
	struct err e;
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < n; off += chunk)
		rc = jp_csv_reader_feed(&rd, (const char *)p + off, n - off < chunk ? n - off : chunk, &e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&rd, &e);
	jp_csv_reader_done(&rd);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1u << 20))
		return 0;
	size_t chunk = (size_t)(data[0] % 64) + 1;
	struct st a, b;
	int ra = run(data + 1, size - 1, chunk, &a);
	int rb = run(data + 1, size - 1, 1u << 20, &b);
	/* a whole-buffer read and a chunked one agree when both succeed */
	if (ra == 0 && rb == 0)
		assert(a.n == b.n && a.hash == b.hash);
	struct opendata_report r;
	struct opendata_validate_opts o = { .derive = 1 };
	struct err e;
	opendata_validate_buf(&r, NULL, (const char *)data + 1, size - 1, &o, &e);
	opendata_report_done(&r);
	return 0;
}
