/*
 * test_checkdigit.c -- 団体コード, 個人番号 and 法人番号 check digits.
 *
 * 団体コード: real codes from the 総務省 全国地方公共団体コード list (the
 * 23 special wards of Tokyo, prefectures, designated cities, Naha).
 * 法人番号: real numbers published by the 国税庁 法人番号公表サイト.
 * 個人番号: the widely published sample 123456789018 and vectors computed
 * by hand from the formula in the 施行令 (shown in the comments), chosen so
 * that each weight band (2..7 for n = 1..6, 2..6 for n = 7..11) and both
 * remainder cases (r <= 1 gives 0) are exercised on their own.
 */
#include "t.h"
#include "jp/checkdigit.h"

static const char *const real_lgcodes[] = {
	/* 東京都特別区 */
	"131016", /* 千代田区 */ "131024", /* 中央区 */ "131032", /* 港区 */
	"131041", /* 新宿区 */ "131059", /* 文京区 */ "131067", /* 台東区 */
	"131075", /* 墨田区 */ "131083", /* 江東区 */ "131091", /* 品川区 */
	"131105", /* 目黒区 */ "131113", /* 大田区 */ "131121", /* 世田谷区 */
	"131130", /* 渋谷区 */ "131148", /* 中野区 */ "131156", /* 杉並区 */
	"131164", /* 豊島区 */ "131172", /* 北区 */ "131181", /* 荒川区 */
	"131199", /* 板橋区 */ "131202", /* 練馬区 */ "131211", /* 足立区 */
	"131229", /* 葛飾区 */ "131237", /* 江戸川区 */
	"132012", /* 八王子市 */
	/* 都道府県 */
	"010006", /* 北海道 */ "130001", /* 東京都 */ "270008", /* 大阪府 */
	"470007", /* 沖縄県 */
	/* 市 */
	"011002", /* 札幌市 */ "041009", /* 仙台市 */ "141003", /* 横浜市 */
	"231002", /* 名古屋市 */ "261009", /* 京都市 */ "271004", /* 大阪市 */
	"281000", /* 神戸市 */ "341002", /* 広島市 */ "401307", /* 福岡市 */
	"472018", /* 那覇市 */
};

static void test_lgcode_real(void)
{
	size_t n = sizeof real_lgcodes / sizeof real_lgcodes[0];
	for (size_t i = 0; i < n; i++) {
		const char *c = real_lgcodes[i];
		struct err e;
		if (jp_lgcode_validate(c, &e))
			T_FAIL_("%s rejected: %s", c, e.detail);
		char five[6];
		memcpy(five, c, 5);
		five[5] = 0;
		int d = -1;
		T_EQ_INT(jp_lgcode_check_digit(&d, five, NULL), 0);
		T_EQ_INT(d, c[5] - '0');
		/* Every other last digit is wrong. */
		for (int k = 0; k <= 9; k++) {
			if (k == c[5] - '0')
				continue;
			char w[7];
			memcpy(w, c, 7);
			w[5] = (char)('0' + k);
			if (jp_lgcode_validate(w, NULL) != ERR_INVALID)
				T_FAIL_("%s accepted", w);
		}
	}
}

static void test_lgcode_bad(void)
{
	struct err e;
	T_EQ_INT(jp_lgcode_validate("131155", &e), ERR_INVALID); /* typo */
	T_EQ_INT(jp_lgcode_validate("131516", &e), ERR_INVALID); /* swap */
	T_EQ_INT(jp_lgcode_validate("13115", &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_validate("1311566", &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_validate("13115a", &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_validate(" 131156", &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_validate("１３１１５６", &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_validate("", &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_validate(NULL, &e), ERR_INVALID);
	/* Check digit right but no prefecture 00 or 48. */
	int d;
	T_EQ_INT(jp_lgcode_check_digit(&d, "48201", NULL), 0);
	char c[7] = "48201x";
	c[5] = (char)('0' + d);
	T_EQ_INT(jp_lgcode_validate(c, &e), ERR_INVALID);
	T_EQ_INT(jp_lgcode_check_digit(&d, "1311", &e), ERR_INVALID);
	char longs[100];
	memset(longs, '1', 99);
	longs[99] = 0;
	T_EQ_INT(jp_lgcode_validate(longs, &e), ERR_LIMIT);
}

static void my_ok(const char *s)
{
	struct err e;
	if (jp_mynumber_validate(s, &e))
		T_FAIL_("my number vector %s rejected: %s", s, e.detail);
	int d = -1;
	char eleven[12];
	memcpy(eleven, s, 11);
	eleven[11] = 0;
	T_EQ_INT(jp_mynumber_check_digit(&d, eleven, NULL), 0);
	T_EQ_INT(d, s[11] - '0');
}

static void test_mynumber(void)
{
	/* Published sample: sum 212, r = 3, check 8. */
	my_ok("123456789018");
	my_ok("000000000000");  /* r = 0 -> 0 */
	my_ok("000000000019");  /* n=1 weight 2: sum 2, r 2 -> 9 */
	my_ok("000000000060");  /* 6*2 = 12, r = 1 -> 0 */
	my_ok("000001000004");  /* n=6 weight 7: r 7 -> 4 */
	my_ok("000010000009");  /* n=7 weight 2 (n-5): r 2 -> 9 */
	my_ok("100000000005");  /* n=11 weight 6: r 6 -> 5 */
	my_ok("000000000108");  /* n=2 weight 3: r 3 -> 8 */
	struct err e;
	err_clear(&e);
	T_EQ_INT(jp_mynumber_validate("123456789012", &e), ERR_INVALID);
	/* The detail never carries the number or its digits. */
	T_CHECK(strstr(e.detail, "1234") == NULL);
	T_CHECK(strstr(e.detail, "9012") == NULL);
	T_EQ_INT(jp_mynumber_validate("12345678901", &e), ERR_INVALID);
	T_EQ_INT(jp_mynumber_validate("1234-5678-9018", &e), ERR_INVALID);
	T_EQ_INT(jp_mynumber_validate("1234567890188", &e), ERR_INVALID);
	for (int k = 0; k <= 9; k++) {
		char w[13] = "123456789018";
		if (k == 8)
			continue;
		w[11] = (char)('0' + k);
		T_EQ_INT(jp_mynumber_validate(w, NULL), ERR_INVALID);
	}
}

static void test_mynumber_mask(void)
{
	char buf[JP_MYNUMBER_MASK_SIZE];
	T_EQ_INT(jp_mynumber_mask(buf, sizeof buf, "123456789018", NULL), 0);
	T_EQ_STR(buf, "********9018");
	T_EQ_INT(strlen(buf), 12);
	/* Wrong check digit: still masked, last four shown. */
	T_EQ_INT(jp_mynumber_mask(buf, sizeof buf, "123456789012", NULL), 0);
	T_EQ_STR(buf, "********9012");
	/* Not a My Number shape: nothing of the input comes out. */
	T_EQ_INT(jp_mynumber_mask(buf, sizeof buf, "1234 5678 9018", NULL),
		 ERR_INVALID);
	T_EQ_STR(buf, "************");
	T_EQ_INT(jp_mynumber_mask(buf, sizeof buf, "9018", NULL), ERR_INVALID);
	T_EQ_STR(buf, "************");
	T_EQ_INT(jp_mynumber_mask(buf, sizeof buf, NULL, NULL), ERR_INVALID);
	T_EQ_STR(buf, "************");
	char small[8] = "xxxxxxx";
	T_EQ_INT(jp_mynumber_mask(small, sizeof small, "123456789018", NULL),
		 ERR_LIMIT);
	T_EQ_STR(small, "");
}

static void test_corpnum(void)
{
	struct err e;
	T_EQ_INT(jp_corpnum_validate("7000012050002", &e), 0); /* 国税庁 */
	T_EQ_INT(jp_corpnum_validate("1180301018771", &e), 0); /* トヨタ自動車 */
	T_EQ_INT(jp_corpnum_validate("9000000000000", &e), 0); /* sum 0 */
	T_EQ_INT(jp_corpnum_validate("8000000000001", &e), 0); /* n=1, Q=1 */
	T_EQ_INT(jp_corpnum_validate("7000000000010", &e), 0); /* n=2, Q=2 */
	T_EQ_INT(jp_corpnum_validate("6000012050002", &e), ERR_INVALID);
	T_EQ_INT(jp_corpnum_validate("7000012050003", &e), ERR_INVALID);
	T_EQ_INT(jp_corpnum_validate("700001205000", &e), ERR_INVALID);
	T_EQ_INT(jp_corpnum_validate("700001205000x", &e), ERR_INVALID);
	int d;
	T_EQ_INT(jp_corpnum_check_digit(&d, "000012050002", &e), 0);
	T_EQ_INT(d, 7);
	T_EQ_INT(jp_corpnum_check_digit(&d, "180301018771", &e), 0);
	T_EQ_INT(d, 1);
}

/* GS1 modulus 10: the worked examples of a collection agent's public
 * specification of the コンビニ barcode (research/payments.md §1) and the
 * EAN-13 example of the GS1 General Specifications */
static void test_gs1(void)
{
	struct err e;
	int d = -1;
	const char *a = "9191234501234567890123456789010103310123000";
	T_EQ_INT(jp_gs1_check_digit(&d, a, 43, &e), 0);
	T_EQ_INT(d, 3);
	const char *b = "9194238617895391785393569273010307311031290";
	T_EQ_INT(jp_gs1_check_digit(&d, b, 43, &e), 0);
	T_EQ_INT(d, 3);
	T_EQ_INT(jp_gs1_check_digit(&d, "400638133393", 12, &e), 0);
	T_EQ_INT(d, 1);
	/* one digit changed changes the check digit */
	T_EQ_INT(jp_gs1_check_digit(&d, "400638133392", 12, &e), 0);
	T_EQ_INT(d, 4);
	T_EQ_INT(jp_gs1_check_digit(&d, "40063813339x", 12, &e), ERR_INVALID);
	T_EQ_INT(jp_gs1_check_digit(&d, "4", 0, &e), ERR_LIMIT);
}

/* Luhn: the ISO/IEC 7812 example 7992739871 -> 3, and one digit changed */
static void test_luhn(void)
{
	T_EQ_INT(jp_luhn_digit("7992739871", 10), 3);
	T_EQ_INT(jp_luhn_digit("7992739872", 10), 1);
	T_EQ_INT(jp_luhn_digit("1234567890123", 13), 7);
	T_EQ_INT(jp_luhn_digit("0", 1), 0);
}

int main(void)
{
	T_RUN(test_gs1);
	T_RUN(test_luhn);
	T_RUN(test_lgcode_real);
	T_RUN(test_lgcode_bad);
	T_RUN(test_mynumber);
	T_RUN(test_mynumber_mask);
	T_RUN(test_corpnum);
	return t_done();
}
