/*
 * test_text.c -- UTF-8 validation, NFKC, fold, 全角/半角, フリガナ.
 *
 * Expected strings are written out by hand from the Unicode charts; the
 * half-width katakana table is also checked against libutf8proc's NFKC
 * (an independent implementation of the Unicode decomposition data).
 */
#include "t.h"
#include "jp/text.h"
#include "jp/jp_int.h"

#include <utf8proc.h>

typedef int (*xform)(char **, const char *, size_t, struct err *);

static void xf_is(xform f, const char *fname, const char *in,
		  const char *want)
{
	char *out = (char *)1;
	struct err e;
	int rc = f(&out, in, strlen(in), &e);
	if (rc) {
		T_FAIL_("%s(\"%s\") failed: %s", fname, in, e.detail);
		return;
	}
	if (strcmp(out, want))
		T_FAIL_("%s(\"%s\"): got \"%s\" want \"%s\"", fname, in, out,
			want);
	free(out);
}

#define XF(f, in, want) xf_is(f, #f, in, want)

static void bad_is(const char *s, size_t len, size_t off)
{
	size_t got = 9999;
	struct err e;
	if (jp_text_utf8_validate(&got, s, len, &e) != ERR_INVALID)
		T_FAIL_("invalid UTF-8 accepted (want offset %zu)", off);
	else if (got != off)
		T_FAIL_("bad offset %zu want %zu", got, off);
}

static void test_utf8(void)
{
	T_EQ_INT(jp_text_utf8_validate(NULL, "", 0, NULL), 0);
	T_EQ_INT(jp_text_utf8_validate(NULL, "abc", 3, NULL), 0);
	T_EQ_INT(jp_text_utf8_validate(NULL, "杉並区", strlen("杉並区"), NULL),
		 0);
	T_EQ_INT(jp_text_utf8_validate(NULL, "𠮷野家", strlen("𠮷野家"), NULL),
		 0);
	T_EQ_INT(jp_text_utf8_validate(NULL, "a\0b", 3, NULL), 0);
	bad_is("abc\xff", 4, 3);
	bad_is("\xe3\x81\x82\xe3\x81", 5, 3);        /* あ + truncated */
	bad_is("\xc0\xaf", 2, 0);                    /* overlong "/" */
	bad_is("\xe0\x80\xaf", 3, 0);                /* overlong */
	bad_is("ab\xed\xa0\x80", 5, 2);              /* surrogate D800 */
	bad_is("\xf4\x90\x80\x80", 4, 0);            /* > U+10FFFF */
	bad_is("\xf8\x88\x80\x80\x80", 5, 0);        /* 5-byte form */
	bad_is("x\x80", 2, 1);                       /* lone continuation */
	bad_is("\xe3\x81\x41", 3, 0);                /* bad continuation */
	struct err e;
	T_EQ_INT(jp_text_utf8_validate(NULL, "x", (size_t)JP_TEXT_MAX + 1, &e),
		 ERR_LIMIT);
	char *out = (char *)1;
	T_EQ_INT(jp_text_nfkc(&out, "x", (size_t)JP_TEXT_MAX + 1, &e),
		 ERR_LIMIT);
	T_CHECK(out == NULL);
	T_EQ_INT(jp_text_fold(&out, "\xff", 1, &e), ERR_INVALID);
	T_CHECK(out == NULL);
	T_CHECK(strstr(e.detail, "byte 0") != NULL);
}

static void test_nfkc(void)
{
	XF(jp_text_nfkc, "ＡＢＣ１２３", "ABC123");
	XF(jp_text_nfkc, "ｶﾞｷﾞ", "ガギ");
	XF(jp_text_nfkc, "ﾊﾟﾝ", "パン");
	XF(jp_text_nfkc, "㈱", "(株)");
	XF(jp_text_nfkc, "①", "1");
	XF(jp_text_nfkc, "㍻", "平成");
	XF(jp_text_nfkc, "　", " ");
	XF(jp_text_nfkc, "か\xe3\x82\x99", "が"); /* か + combining mark */
	XF(jp_text_nfkc, "髙", "髙");  /* no compatibility mapping */
	XF(jp_text_nfkc, "", "");
}

static void fold_eq(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	T_EQ_INT(jp_text_fold(&x, a, strlen(a), NULL), 0);
	T_EQ_INT(jp_text_fold(&y, b, strlen(b), NULL), 0);
	if (x && y && strcmp(x, y))
		T_FAIL_("fold(\"%s\") = \"%s\" != fold(\"%s\") = \"%s\"", a, x,
			b, y);
	free(x);
	free(y);
}

static void test_fold(void)
{
	XF(jp_text_fold, "ＡＢＣ abc", "abc abc");
	XF(jp_text_fold, "ひらがな", "ヒラガナ");
	XF(jp_text_fold, "ゔぁいおりん", "ヴァイオリン");
	XF(jp_text_fold, "ゝゞ", "ヽヾ");
	XF(jp_text_fold, "カ-ド", "カード");
	XF(jp_text_fold, "ｶｰﾄﾞ", "カード");
	XF(jp_text_fold, "カ－ド", "カード");
	XF(jp_text_fold, "コンピュ—タ", "コンピュータ");
	XF(jp_text_fold, "1ー2ー3", "1-2-3");
	XF(jp_text_fold, "１－２－３", "1-2-3");
	XF(jp_text_fold, "3‐2−1", "3-2-1");
	XF(jp_text_fold, "e-mail", "e-mail");
	XF(jp_text_fold, "  東京　都 \t 杉並区  ", "東京 都 杉並区");
	XF(jp_text_fold, "10〜20", "10~20");
	XF(jp_text_fold, "10～20", "10~20");
	XF(jp_text_fold, "", "");
	XF(jp_text_fold, "   ", "");
	fold_eq("ほいくえん", "ホイクエン");
	fold_eq("ﾎｲｸｴﾝ", "ホイクエン");
	fold_eq("ＳＵＧＩＮＡＭＩ", "suginami");
	fold_eq("保育", "保育");
	fold_eq("ﾃﾞｼﾞﾀﾙ", "でじたる");
	fold_eq("〜", "～");
}

static void test_zen_han(void)
{
	XF(jp_text_zen_to_han_ascii, "Ｔｏｋｙｏ　１２３－４５",
	   "Tokyo 123-45");
	XF(jp_text_zen_to_han_ascii, "！＂＃～", "!\"#~");
	XF(jp_text_zen_to_han_ascii, "カタカナ漢字ｶﾅ", "カタカナ漢字ｶﾅ");
	XF(jp_text_zen_to_han_ascii, "￥１００", "￥100");
	XF(jp_text_han_to_zen_kana, "ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ");
	XF(jp_text_han_to_zen_kana, "ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ", "ダヂヅデド");
	XF(jp_text_han_to_zen_kana, "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ");
	XF(jp_text_han_to_zen_kana, "ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ", "バビブベボ");
	XF(jp_text_han_to_zen_kana, "ｳﾞｧｲｵﾘﾝ", "ヴァイオリン");
	XF(jp_text_han_to_zen_kana, "ﾜﾞｦﾞ", "ヷヺ");
	XF(jp_text_han_to_zen_kana, "ｷｬｯﾁｰ", "キャッチー");
	XF(jp_text_han_to_zen_kana, "｢ﾃｽﾄ｣｡､･", "「テスト」。、・");
	XF(jp_text_han_to_zen_kana, "ﾞ", "゛");
	XF(jp_text_han_to_zen_kana, "aﾟ", "a゜");
	XF(jp_text_han_to_zen_kana, "ｱﾞ", "ア゛");
	XF(jp_text_han_to_zen_kana, "ｶﾟ", "カ゜");
	XF(jp_text_han_to_zen_kana, "カﾞ", "ガ");
	XF(jp_text_han_to_zen_kana, "ABC１ｱ漢", "ABC１ア漢");
	XF(jp_text_hira_to_kata, "やまだ たろう", "ヤマダ タロウ");
	XF(jp_text_hira_to_kata, "ゔゕゖ漢a", "ヴヵヶ漢a");
}

static char *nfkc1(const char *s)
{
	return (char *)utf8proc_NFKC((const utf8proc_uint8_t *)s);
}

/* Every half-width katakana, alone and with each sound mark, against
 * utf8proc's NFKC where NFKC yields one precomposed character. */
static void test_han_table_vs_utf8proc(void)
{
	int checked = 0;
	for (int32_t c = 0xFF61; c <= 0xFF9D; c++) {
		for (int mark = 0; mark < 3; mark++) {
			unsigned char in[12];
			size_t n = jp_int_utf8_encode(in, c);
			if (mark)
				n += jp_int_utf8_encode(
					in + n, mark == 1 ? 0xFF9E : 0xFF9F);
			in[n] = 0;
			char *want = nfkc1((const char *)in);
			int32_t w0;
			size_t wl = jp_int_utf8_decode(
				&w0, (unsigned char *)want, strlen(want));
			bool single = wl == strlen(want);
			char *got = NULL;
			T_EQ_INT(jp_text_han_to_zen_kana(&got, (char *)in, n,
							 NULL),
				 0);
			if (single || !mark) {
				checked++;
				if (!got || strcmp(got, want))
					T_FAIL_("U+%04X mark %d: got %s want %s",
						(unsigned)c, mark, got, want);
			}
			free(got);
			free(want);
		}
	}
	/* 63 letters and marks alone + 20 voiced + 5 semi-voiced + ヴ ヷ ヺ. */
	T_EQ_INT(checked, 61 + 25 + 3);
}

static void kata_ok(const char *s)
{
	struct err e;
	if (jp_text_is_katakana(NULL, s, strlen(s), &e))
		T_FAIL_("\"%s\" rejected: %s", s, e.detail);
}

static void kata_bad(const char *s, size_t off)
{
	size_t got = 9999;
	if (jp_text_is_katakana(&got, s, strlen(s), NULL) != ERR_INVALID)
		T_FAIL_("\"%s\" accepted", s);
	else if (got != off)
		T_FAIL_("\"%s\": offset %zu want %zu", s, got, off);
}

static void test_katakana(void)
{
	kata_ok("ヤマダ タロウ");
	kata_ok("ヤマダ　タロウ");
	kata_ok("ジョン・スミス");
	kata_ok("ヴァイオリン");
	kata_ok("コーヒー");
	kata_ok("ヲヰヱヵヶヽヾ");
	kata_bad("やまだ", 0);
	kata_bad("ヤマダ太郎", 9);
	kata_bad("ﾔﾏﾀﾞ", 0);
	kata_bad("ヤマダA", 9);
	kata_bad("ヤマダ-タロウ", 9);
	kata_bad("", 0);
	kata_bad("　", 3);
	kata_bad("ー・", 6);
	kata_bad("ヤマ\xff", 6);
}

int main(void)
{
	T_RUN(test_utf8);
	T_RUN(test_nfkc);
	T_RUN(test_fold);
	T_RUN(test_zen_han);
	T_RUN(test_han_table_vs_utf8proc);
	T_RUN(test_katakana);
	return t_done();
}
