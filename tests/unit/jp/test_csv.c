/*
 * test_csv.c -- the streaming CSV reader and its decoding layer: RFC 4180
 * records (quotes, "" escapes, embedded newlines, CRLF/LF), the same
 * records whatever the chunking, malformed CSV with its line, limits,
 * UTF-8 with and without BOM, CP932 converted, invalid UTF-8 and truncated
 * CP932 refused with their line.
 */
#include "t.h"

#include "jp/cp932.h"
#include "jp/csv.h"

struct rec {
	int n;
	char out[8192];
	long lines[64];
};

static int collect(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	struct rec *r = arg;
	if (r->n < 64)
		r->lines[r->n] = line;
	r->n++;
	size_t o = strlen(r->out);
	for (int i = 0; i < nf; i++)
		o += (size_t)snprintf(r->out + o, sizeof r->out - o, "%s[%.*s]", i ? "" : "", (int)len[i], f[i]);
	snprintf(r->out + o, sizeof r->out - o, "|");
	return 0;
}

static int parse(struct rec *r, const char *s, size_t chunk, struct err *e)
{
	memset(r, 0, sizeof *r);
	struct jp_csv c;
	jp_csv_init(&c, collect, r);
	size_t n = strlen(s);
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < n; off += chunk)
		rc = jp_csv_feed(&c, s + off, n - off < chunk ? n - off : chunk, e);
	if (rc == 0)
		rc = jp_csv_finish(&c, e);
	jp_csv_done(&c);
	return rc;
}

static void test_records(void)
{
	struct rec r;
	struct err e;
	const char *in = "a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n2,\"line1\nline2\",\r\n3,,last";
	T_EQ_INT(parse(&r, in, 1 << 20, &e), 0);
	T_EQ_STR(r.out, "[a][b][c]|[1][x,y][say \"hi\"]|[2][line1\nline2][]|[3][][last]|");
	T_EQ_INT(r.n, 4);
	T_EQ_INT(r.lines[2], 3);
	T_EQ_INT(r.lines[3], 5); /* after the embedded newline */
	/* every chunking gives the same records */
	for (size_t ch = 1; ch < 12; ch++) {
		struct rec r2;
		T_EQ_INT(parse(&r2, in, ch, &e), 0);
		T_EQ_STR(r2.out, r.out);
	}
	T_EQ_INT(parse(&r, "a,b\n", 3, &e), 0);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(parse(&r, "", 3, &e), 0);
	T_EQ_INT(r.n, 0);
}

static void test_malformed(void)
{
	struct rec r;
	struct err e;
	err_clear(&e);
	T_EQ_INT(parse(&r, "a,b\n1,x\"y\n", 4, &e), ERR_INVALID);
	T_EQ_INT(e.line, 2);
	T_CHECK(strstr(e.detail, "column 2") != NULL);
	T_EQ_INT(parse(&r, "a,b\n\"q\"z,1\n", 4, &e), ERR_INVALID);
	T_EQ_INT(e.line, 2);
	T_EQ_INT(parse(&r, "a,b\n1,2\n3,\"open\nstill open", 5, &e), ERR_INVALID);
	T_EQ_INT(e.line, 3);
	T_CHECK(strstr(e.detail, "never closed") != NULL);
}

static void test_limits(void)
{
	struct rec r;
	struct err e;
	size_t n = JP_CSV_FIELD_MAX + 10;
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	T_EQ_INT(parse(&r, big, 4096, &e), ERR_LIMIT);
	free(big);
	size_t m = (JP_CSV_FIELDS_MAX + 5) * 2;
	char *many = malloc(m + 2);
	for (size_t i = 0; i < m; i += 2) {
		many[i] = '1';
		many[i + 1] = ',';
	}
	many[m] = '\n';
	many[m + 1] = '\0';
	T_EQ_INT(parse(&r, many, 4096, &e), ERR_LIMIT);
	free(many);
}

static int read_all(struct rec *r, const char *p, size_t n, size_t chunk, const char **enc, struct err *e)
{
	memset(r, 0, sizeof *r);
	struct jp_csv_reader rd;
	jp_csv_reader_init(&rd, collect, r);
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < n; off += chunk)
		rc = jp_csv_reader_feed(&rd, p + off, n - off < chunk ? n - off : chunk, e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&rd, e);
	*enc = jp_csv_reader_encoding(&rd);
	jp_csv_reader_done(&rd);
	return rc;
}

static void test_encodings(void)
{
	struct rec r, r2;
	struct err e;
	const char *enc;
	const char *u = "名称,住所\r\n区役所,デモ区日の出町1-1\r\n図書館,あじさい町～2\r\n";
	T_EQ_INT(read_all(&r, u, strlen(u), 7, &enc, &e), 0);
	T_EQ_STR(enc, "UTF-8");
	T_EQ_INT(r.n, 3);
	char bom[256];
	snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", u);
	T_EQ_INT(read_all(&r2, bom, strlen(bom), 5, &enc, &e), 0);
	T_EQ_STR(enc, "UTF-8 (BOM)");
	T_EQ_STR(r2.out, r.out);
	char *sj = NULL;
	size_t sl = 0;
	T_REQUIRE(jp_utf8_to_cp932(&sj, &sl, NULL, u, strlen(u), &e) == 0);
	for (size_t ch = 1; ch < 9; ch += 3) {
		T_EQ_INT(read_all(&r2, sj, sl, ch, &enc, &e), 0);
		T_EQ_STR(enc, "CP932 (Shift_JIS)");
		T_EQ_STR(r2.out, r.out);
	}
	/* truncated CP932: the last character cut in half */
	err_clear(&e);
	T_CHECK(read_all(&r2, sj, sl - 4, 64, &enc, &e) < 0);
	T_EQ_INT(e.line, 3);
	free(sj);
	/* invalid UTF-8 on line 2 (a lone continuation byte after valid text) */
	const char *bad = "a,b\n\xE5\x90\x8D,\x80\x80\x80z\n";
	err_clear(&e);
	T_EQ_INT(read_all(&r2, bad, strlen(bad), 64, &enc, &e), ERR_INVALID);
	T_EQ_INT(e.line, 2);
	/* a line longer than the limit */
	size_t n = JP_CSV_LINE_MAX + 100;
	char *lng = malloc(n);
	memset(lng, 'y', n);
	T_EQ_INT(read_all(&r2, lng, n, 65536, &enc, &e), ERR_LIMIT);
	free(lng);
}

int main(void)
{
	T_RUN(test_records);
	T_RUN(test_malformed);
	T_RUN(test_limits);
	T_RUN(test_encodings);
	return t_done();
}
