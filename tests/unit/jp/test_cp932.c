/*
 * test_cp932.c -- CP932 <-> UTF-8 with error positions, encoding detection.
 *
 * Fixtures (tests/data/jp, see its README) are real CP932 bytes made with
 * `iconv -t CP932` from known text; the test also checks a few of their
 * bytes against the JIS X 0208 / CP932 code table (杉 = 90 99, 並 = 95 C0,
 * 区 = 8B E6, 〒 = 81 A7, ① = 87 40, ～ = 81 60, ｽ = BD), so a broken
 * converter cannot agree with itself.
 */
#include "t.h"
#include "jp/cp932.h"

static char *fixture(const char *name, size_t *len)
{
	const char *dir = getenv("MADOGUCHI_TEST_DATA");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "tests/data/jp",
		 name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("# fixture %s missing\n", path);
		return NULL;
	}
	char *b = malloc(1 << 20);
	*len = b ? fread(b, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (b)
		b[*len] = 0;
	return b;
}

static const char sample_utf8[] =
	"区分,名称,住所\r\n"
	"1,杉並区役所,〒166-8570 東京都杉並区阿佐谷南1-15-1\r\n"
	"2,ｽｷﾞﾅﾐｸ,①髙橋～\r\n";

static void test_sample(void)
{
	size_t len;
	char *cp = fixture("cp932-sample.csv", &len);
	T_REQUIRE(cp);
	/* Bytes from the code table, independent of iconv. */
	T_CHECK(memcmp(cp + 0x12, "\x90\x99\x95\xC0\x8B\xE6", 6) == 0);
	T_CHECK(memcmp(cp + 0x1D, "\x81\xA7", 2) == 0);
	T_CHECK(memcmp(cp + 0x46, "\xBD\xB7\xDE", 3) == 0);
	T_CHECK(memcmp(cp + 0x4D, "\x87\x40", 2) == 0);
	T_CHECK(memcmp(cp + 0x53, "\x81\x60", 2) == 0);
	char *u = NULL;
	size_t ulen = 0;
	struct err e;
	T_EQ_INT(jp_cp932_to_utf8(&u, &ulen, NULL, cp, len, &e), 0);
	T_REQUIRE(u);
	T_EQ_STR(u, sample_utf8);
	T_EQ_INT(ulen, strlen(sample_utf8));
	/* And back, byte for byte. */
	char *back = NULL;
	size_t blen = 0;
	T_EQ_INT(jp_utf8_to_cp932(&back, &blen, NULL, u, ulen, &e), 0);
	T_REQUIRE(back);
	T_EQ_INT(blen, len);
	T_CHECK(memcmp(back, cp, len) == 0);
	enum jp_encoding enc;
	T_EQ_INT(jp_encoding_detect(&enc, cp, len, 0, NULL), 0);
	T_EQ_INT(enc, JP_ENC_CP932);
	free(u);
	free(back);
	free(cp);
}

/* The Cabinet Office holiday CSV is CP932 with CRLF, like this fixture. */
static void test_holiday_csv(void)
{
	size_t clen, ulen;
	char *cp = fixture("cao-syukujitsu-1955-1969.cp932.csv", &clen);
	char *ut = fixture("cao-syukujitsu-1955-1969.csv", &ulen);
	T_REQUIRE(cp && ut);
	/* 「国民の祝日」: 国 = 8D 91, 民 = 96 AF, の = 82 CC. */
	T_CHECK(memcmp(cp, "\x8D\x91\x96\xAF\x82\xCC", 6) == 0);
	char *u = NULL;
	size_t n = 0;
	T_EQ_INT(jp_cp932_to_utf8(&u, &n, NULL, cp, clen, NULL), 0);
	T_REQUIRE(u);
	/* Same text once CR is dropped. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (u[i] != '\r')
			u[k++] = u[i];
	u[k] = 0;
	T_EQ_STR(u, ut);
	enum jp_encoding enc;
	jp_encoding_detect(&enc, cp, clen, 0, NULL);
	T_EQ_INT(enc, JP_ENC_CP932);
	jp_encoding_detect(&enc, ut, ulen, 0, NULL);
	T_EQ_INT(enc, JP_ENC_UTF8);
	free(u);
	free(cp);
	free(ut);
}

static void test_invalid(void)
{
	size_t len;
	char *cp = fixture("cp932-invalid.csv", &len);
	T_REQUIRE(cp);
	char *u = (char *)1;
	struct jp_textpos pos = {0, 0, 0, 0};
	struct err e;
	err_clear(&e);
	T_EQ_INT(jp_cp932_to_utf8(&u, NULL, &pos, cp, len, &e), ERR_INVALID);
	T_CHECK(u == NULL);
	T_EQ_INT(pos.line, 3);
	T_EQ_INT(pos.column, 5);
	T_EQ_INT(pos.offset, 25);
	T_EQ_INT(e.line, 3);
	T_CHECK(strstr(e.detail, "invalid") != NULL);
	T_CHECK(strstr(e.detail, "line 3") != NULL);
	free(cp);

	cp = fixture("cp932-truncated.csv", &len);
	T_REQUIRE(cp);
	err_clear(&e);
	T_EQ_INT(jp_cp932_to_utf8(&u, NULL, &pos, cp, len, &e), ERR_INVALID);
	T_EQ_INT(pos.line, 3);
	T_EQ_INT(pos.column, 5);
	T_EQ_INT(pos.offset, 25);
	T_CHECK(strstr(e.detail, "truncated") != NULL);
	free(cp);

	/* Bytes that are never CP932: 0x80, 0xA0, 0xFD-0xFF, bad trail. */
	const char *bad[] = {"\x80", "\xA0", "\xFD", "\xFF", "\x81\x20",
			     "ok\n\x81\x7F"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_EQ_INT(jp_cp932_to_utf8(&u, NULL, NULL, bad[i],
					  strlen(bad[i]), NULL),
			 ERR_INVALID);
	T_EQ_INT(jp_cp932_to_utf8(&u, NULL, &pos, "ok\n\x81\x7F", 5, NULL),
		 ERR_INVALID);
	T_EQ_INT(pos.line, 2);
	T_EQ_INT(pos.column, 1);
}

static void test_unrepresentable(void)
{
	size_t len;
	char *ut = fixture("utf8-not-cp932.csv", &len);
	T_REQUIRE(ut);
	char *c = (char *)1;
	struct jp_textpos pos = {0, 0, 0, 0};
	struct err e;
	T_EQ_INT(jp_utf8_to_cp932(&c, NULL, &pos, ut, len, &e), ERR_INVALID);
	T_CHECK(c == NULL);
	T_EQ_INT(pos.cp, 0x20BB7);
	T_EQ_INT(pos.line, 3);
	T_EQ_INT(pos.column, 1);
	T_EQ_INT(e.line, 3);
	T_CHECK(strstr(e.detail, "U+20BB7") != NULL);
	free(ut);

	const char emoji[] = "名前\n山田😀\n";
	T_EQ_INT(jp_utf8_to_cp932(&c, NULL, &pos, emoji, strlen(emoji), &e),
		 ERR_INVALID);
	T_EQ_INT(pos.cp, 0x1F600);
	T_EQ_INT(pos.line, 2);
	T_EQ_INT(pos.column, 7);
	T_CHECK(strstr(e.detail, "U+1F600") != NULL);

	/* Invalid UTF-8 is reported as such (cp = 0). */
	T_EQ_INT(jp_utf8_to_cp932(&c, NULL, &pos, "ab\ncd\xff", 6, &e),
		 ERR_INVALID);
	T_EQ_INT(pos.cp, 0);
	T_EQ_INT(pos.line, 2);
	T_EQ_INT(pos.column, 3);
	T_CHECK(strstr(e.detail, "invalid UTF-8") != NULL);
}

static void enc_is(const char *u, const char *want_cp932)
{
	char *c = NULL;
	size_t n = 0;
	if (jp_utf8_to_cp932(&c, &n, NULL, u, strlen(u), NULL)) {
		T_FAIL_("encoding %s failed", u);
		return;
	}
	if (n != strlen(want_cp932) || memcmp(c, want_cp932, n))
		T_FAIL_("encoding %s: wrong bytes", u);
	free(c);
}

static void dec_is(const char *c, const char *want_utf8)
{
	char *u = NULL;
	if (jp_cp932_to_utf8(&u, NULL, NULL, c, strlen(c), NULL)) {
		T_FAIL_("decoding to %s failed", want_utf8);
		return;
	}
	T_EQ_STR(u, want_utf8);
	free(u);
}

/* What glibc's CP932 does with the WAVE DASH family (see cp932.h). */
static void test_wave_dash(void)
{
	enc_is("〜", "\x81\x60");      /* U+301C WAVE DASH */
	enc_is("～", "\x81\x60");      /* U+FF5E FULLWIDTH TILDE */
	dec_is("\x81\x60", "～");      /* back as U+FF5E only */
	enc_is("−", "\x81\x7C");       /* U+2212 MINUS SIGN */
	enc_is("－", "\x81\x7C");      /* U+FF0D */
	dec_is("\x81\x7C", "－");
	enc_is("‖", "\x81\x61");       /* U+2016 */
	dec_is("\x81\x61", "∥");       /* U+2225 */
	enc_is("—", "\x81\x5C");       /* U+2014 EM DASH */
	dec_is("\x81\x5C", "―");       /* U+2015 */
	enc_is("¢£¬", "\x81\x91\x81\x92\x81\xCA");
	dec_is("\x81\x91\x81\x92\x81\xCA", "￠￡￢");
	enc_is("¥100", "\x5C" "100"); /* YEN SIGN becomes a backslash */
	dec_is("\x5C" "100", "\\100");
	enc_is("①Ⅰ㈱髙", "\x87\x40\x87\x54\x87\x8A\xFB\xFC");
	dec_is("\x87\x40\x87\x54\x87\x8A\xFB\xFC", "①Ⅰ㈱髙");
	dec_is("\xF0\x40", "\xEE\x80\x80"); /* 外字 -> U+E000 */
	enc_is("\xEE\x80\x80", "\xF0\x40");
	dec_is("\xB1\xDE", "ｱﾞ");
}

static void test_bom_and_edges(void)
{
	size_t len;
	char *ut = fixture("utf8-bom.csv", &len);
	T_REQUIRE(ut);
	enum jp_encoding enc;
	jp_encoding_detect(&enc, ut, len, 0, NULL);
	T_EQ_INT(enc, JP_ENC_UTF8_BOM);
	T_EQ_STR(jp_encoding_name(enc), "UTF-8 with BOM");
	char *c = NULL;
	size_t n = 0;
	T_EQ_INT(jp_utf8_to_cp932(&c, &n, NULL, ut, len, NULL), 0);
	T_REQUIRE(c);
	T_CHECK(memcmp(c, "\x8B\xE6\x95\xAA", 4) == 0); /* 区分, BOM gone */
	free(c);
	free(ut);
	/* Empty input and NUL bytes. */
	T_EQ_INT(jp_cp932_to_utf8(&c, &n, NULL, "", 0, NULL), 0);
	T_EQ_STR(c, "");
	T_EQ_INT(n, 0);
	free(c);
	T_EQ_INT(jp_cp932_to_utf8(&c, &n, NULL, "a\0b", 3, NULL), 0);
	T_EQ_INT(n, 3);
	T_CHECK(c && c[1] == 0 && c[2] == 'b');
	free(c);
	struct err e;
	T_EQ_INT(jp_cp932_to_utf8(&c, &n, NULL, "x", (size_t)JP_CP932_MAX + 1,
				  &e),
		 ERR_LIMIT);
	T_EQ_INT(jp_utf8_to_cp932(&c, &n, NULL, "x", (size_t)JP_CP932_MAX + 1,
				  &e),
		 ERR_LIMIT);
	T_EQ_INT(jp_encoding_detect(&enc, "x", (size_t)JP_CP932_MAX + 1, 0,
				    &e),
		 ERR_LIMIT);
}

static void test_detect(void)
{
	enum jp_encoding enc;
	jp_encoding_detect(&enc, "a,b\r\n1,2\r\n", 10, 0, NULL);
	T_EQ_INT(enc, JP_ENC_ASCII);
	jp_encoding_detect(&enc, "", 0, 0, NULL);
	T_EQ_INT(enc, JP_ENC_ASCII);
	jp_encoding_detect(&enc, "杉並区", strlen("杉並区"), 0, NULL);
	T_EQ_INT(enc, JP_ENC_UTF8);
	jp_encoding_detect(&enc, "\x90\x99\x95\xC0\x8B\xE6", 6, 0, NULL);
	T_EQ_INT(enc, JP_ENC_CP932);
	jp_encoding_detect(&enc, "\xFF\xFE", 2, 0, NULL);
	T_EQ_INT(enc, JP_ENC_UNKNOWN);
	T_EQ_STR(jp_encoding_name(enc), "unknown");
	/* UTF-8 「杉並」 cut inside its last character: only a prefix reading
	 * keeps it UTF-8 (whole, its bytes happen to be valid CP932). */
	const char *cut = "\xE6\x9D\x89\xE4\xB8";
	jp_encoding_detect(&enc, cut, 5, JP_DETECT_PREFIX, NULL);
	T_EQ_INT(enc, JP_ENC_UTF8);
	jp_encoding_detect(&enc, cut, 5, 0, NULL);
	T_EQ_INT(enc, JP_ENC_CP932);
	/* CP932 「杉並区」 cut after a lead byte. */
	const char *cp = "\x90\x99\x95\xC0\x8B";
	jp_encoding_detect(&enc, cp, 5, JP_DETECT_PREFIX, NULL);
	T_EQ_INT(enc, JP_ENC_CP932);
	jp_encoding_detect(&enc, cp, 5, 0, NULL);
	T_EQ_INT(enc, JP_ENC_UNKNOWN);
	/* Half-width katakana only (ｽｷﾞﾅﾐ) is CP932, not UTF-8. */
	jp_encoding_detect(&enc, "\xBD\xB7\xDE\xC5\xD0", 5, 0, NULL);
	T_EQ_INT(enc, JP_ENC_CP932);
}

int main(void)
{
	T_RUN(test_sample);
	T_RUN(test_holiday_csv);
	T_RUN(test_invalid);
	T_RUN(test_unrepresentable);
	T_RUN(test_wave_dash);
	T_RUN(test_bom_and_edges);
	T_RUN(test_detect);
	return t_done();
}
