/*
 * test_address.c -- 郵便番号, phone numbers and 丁目・番地・号 numbers.
 *
 * Real examples: 杉並区役所 〒166-8570 東京都杉並区阿佐谷南1-15-1,
 * 03-3312-2111; 千代田区一番町 and 中央区八丁堀 (place names whose kanji
 * numerals must not be converted); phone number plan per 総務省 (0AB-J
 * landlines 10 digits, 070/080/090 mobile and 050 IP 11 digits, 0120
 * free dial 10 digits, 0800 11, 0570 navi dial 10).
 */
#include "t.h"
#include "jp/address.h"

static void postal_is(const char *in, const char *want)
{
	char buf[JP_POSTAL_SIZE];
	struct err e;
	if (jp_postal_normalize(buf, sizeof buf, in, &e)) {
		T_FAIL_("postal \"%s\" rejected: %s", in, e.detail);
		return;
	}
	if (strcmp(buf, want))
		T_FAIL_("postal \"%s\": got %s want %s", in, buf, want);
}

static void postal_bad(const char *in, int code)
{
	char buf[JP_POSTAL_SIZE];
	int rc = jp_postal_normalize(buf, sizeof buf, in, NULL);
	if (rc != code)
		T_FAIL_("postal \"%s\": rc %d want %d", in ? in : "NULL", rc,
			code);
}

static void test_postal(void)
{
	postal_is("〒１６６－８５７０", "166-8570");
	postal_is("166-8570", "166-8570");
	postal_is("1668570", "166-8570");
	postal_is(" 〒166-8570 ", "166-8570");
	postal_is("〒 166 8570", "166-8570");
	postal_is("１６６ー８５７０", "166-8570");
	postal_is("166‐8570", "166-8570");
	postal_is("　100-0001　", "100-0001");
	postal_bad("166-857", ERR_INVALID);    /* 6 digits */
	postal_bad("166857", ERR_INVALID);
	postal_bad("16685701", ERR_INVALID);   /* 8 digits */
	postal_bad("166-85701", ERR_INVALID);
	postal_bad("16-68570", ERR_INVALID);   /* separator misplaced */
	postal_bad("166--8570", ERR_INVALID);
	postal_bad("166-8570x", ERR_INVALID);
	postal_bad("〒", ERR_INVALID);
	postal_bad("", ERR_INVALID);
	postal_bad(NULL, ERR_INVALID);
	postal_bad("\xff\xfe", ERR_INVALID);
	char longs[100];
	memset(longs, '1', 99);
	longs[99] = 0;
	postal_bad(longs, ERR_LIMIT);
	char small[8];
	T_EQ_INT(jp_postal_normalize(small, sizeof small, "1668570", NULL),
		 ERR_LIMIT);
}

static void phone_is(const char *in, const char *want,
		     enum jp_phone_kind want_kind)
{
	char buf[JP_PHONE_SIZE];
	enum jp_phone_kind k = 0;
	struct err e;
	if (jp_phone_normalize(buf, sizeof buf, &k, in, &e)) {
		T_FAIL_("phone \"%s\" rejected: %s", in, e.detail);
		return;
	}
	if (strcmp(buf, want))
		T_FAIL_("phone \"%s\": got %s want %s", in, buf, want);
	if (k != want_kind)
		T_FAIL_("phone \"%s\": kind %d want %d", in, k, want_kind);
}

static void phone_bad(const char *in)
{
	char buf[JP_PHONE_SIZE];
	struct err e;
	err_clear(&e);
	int rc = jp_phone_normalize(buf, sizeof buf, NULL, in, &e);
	if (rc != ERR_INVALID)
		T_FAIL_("phone \"%s\": rc %d, want invalid", in, rc);
	/* The detail never repeats the number. */
	if (strstr(e.detail, "3312"))
		T_FAIL_("phone detail leaks input: %s", e.detail);
}

static void test_phone(void)
{
	const enum jp_phone_kind L = JP_PHONE_LANDLINE, M = JP_PHONE_MOBILE;
	phone_is("03-3312-2111", "03-3312-2111", L);
	phone_is("0333122111", "03-3312-2111", L);
	phone_is("03(3312)2111", "03-3312-2111", L);
	phone_is("(03)3312-2111", "03-3312-2111", L);
	phone_is("（０３）３３１２－２１１１", "03-3312-2111", L);
	phone_is("０３－３３１２－２１１１", "03-3312-2111", L);
	phone_is("03ー3312ー2111", "03-3312-2111", L);
	phone_is("03‐3312―2111", "03-3312-2111", L);
	phone_is("03 3312 2111", "03-3312-2111", L);
	phone_is("03-33-122111", "03-3312-2111", L); /* bad grouping */
	phone_is("+81-3-3312-2111", "03-3312-2111", L);
	phone_is("+81 (0)3 3312 2111", "03-3312-2111", L);
	phone_is("0422-51-5131", "0422-51-5131", L);  /* 4-2-4 kept */
	phone_is("042-251-5131", "042-251-5131", L);  /* 3-3-4 kept */
	phone_is("04992-2-1234", "04992-2-1234", L);  /* 5-1-4 kept */
	phone_is("0422515131", "0422515131", L);      /* area unknown */
	phone_is("0422-5151-31", "0422515131", L);    /* invalid grouping */
	phone_is("090-1234-5678", "090-1234-5678", M);
	phone_is("09012345678", "090-1234-5678", M);
	phone_is("０９０ー１２３４ー５６７８", "090-1234-5678", M);
	phone_is("090-12345-678", "090-1234-5678", M);
	phone_is("+81 90-1234-5678", "090-1234-5678", M);
	phone_is("+819012345678", "090-1234-5678", M);
	phone_is("070-1234-5678", "070-1234-5678", M);
	phone_is("080 1234 5678", "080-1234-5678", M);
	phone_is("050-1234-5678", "050-1234-5678", JP_PHONE_IP);
	phone_is("05012345678", "050-1234-5678", JP_PHONE_IP);
	phone_is("0120-123-456", "0120-123-456", JP_PHONE_FREEDIAL);
	phone_is("0120123456", "0120-123-456", JP_PHONE_FREEDIAL);
	phone_is("0800-123-4567", "0800-123-4567", JP_PHONE_FREEDIAL);
	phone_is("0570-000-123", "0570-000-123", JP_PHONE_NAVIDIAL);
	phone_is("  03-3312-2111  ", "03-3312-2111", L);

	phone_bad("03-3312-211");       /* 9 digits */
	phone_bad("03-3312-21111");     /* 11 digits landline */
	phone_bad("090-1234-567");      /* 10 digits mobile */
	phone_bad("0120-123-4567");     /* 11 digits 0120 */
	phone_bad("0800-123-456");      /* 10 digits 0800 */
	phone_bad("050-1234-567");
	phone_bad("3312-2111");         /* no trunk 0 */
	phone_bad("00-1-234-5678");     /* international prefix */
	phone_bad("020-1234-5678");     /* M2M */
	phone_bad("03-3312-2111 内線");
	phone_bad("03-3312-2111(");
	phone_bad("03)3312(2111");
	phone_bad("(03)(3312)2111");
	phone_bad("+1 555 123 4567");
	phone_bad("tel:0333122111");
	phone_bad("");
	phone_bad("\xff");
	char buf[JP_PHONE_SIZE];
	char longs[100];
	memset(longs, '0', 99);
	longs[99] = 0;
	T_EQ_INT(jp_phone_normalize(buf, sizeof buf, NULL, longs, NULL),
		 ERR_LIMIT);
	T_EQ_INT(jp_phone_normalize(buf, 8, NULL, "03-3312-2111", NULL),
		 ERR_LIMIT);
}

static void addr_is(const char *in, const char *want)
{
	char *out = NULL;
	struct err e;
	if (jp_address_normalize(&out, in, strlen(in), &e)) {
		T_FAIL_("address \"%s\" rejected: %s", in, e.detail);
		return;
	}
	if (strcmp(out, want))
		T_FAIL_("address \"%s\": got \"%s\" want \"%s\"", in, out, want);
	free(out);
}

static void test_address(void)
{
	addr_is("東京都杉並区阿佐谷南一丁目１５番１号",
		"東京都杉並区阿佐谷南1丁目15番1号");
	addr_is("阿佐谷南三丁目", "阿佐谷南3丁目");
	addr_is("十二番地", "12番地");
	addr_is("二十三号", "23号");
	addr_is("百番地", "100番地");
	addr_is("一〇二号室", "102号室");
	addr_is("五番", "5番");
	addr_is("三番の二", "3番の二");
	addr_is("１－２－３", "1-2-3");
	addr_is("1ー2ー3", "1-2-3");
	addr_is("1‐2−3", "1-2-3");
	addr_is("阿佐谷南１－１５－１", "阿佐谷南1-15-1");
	addr_is("千代田区一番町", "千代田区一番町");       /* place name */
	addr_is("一番町二十三番地", "一番町23番地");
	addr_is("中央区八丁堀二丁目", "中央区八丁堀2丁目"); /* 丁 alone */
	addr_is("北区十条仲原一丁目", "北区十条仲原1丁目");
	addr_is("四谷三丁目", "四谷3丁目");
	addr_is("メゾン・ドー101", "メゾン・ドー101");
	addr_is("3丁目2番地の5", "3丁目2番地の5");
	addr_is("101ー", "101ー");
	addr_is("𠮷田町一丁目", "𠮷田町1丁目");             /* 外字 kept */
	addr_is("葛\xf3\xa0\x84\x80飾区", "葛\xf3\xa0\x84\x80飾区"); /* IVS */
	addr_is("", "");
	char *out = (char *)1;
	T_EQ_INT(jp_address_normalize(&out, "a\xff", 2, NULL), ERR_INVALID);
	T_CHECK(out == NULL);
	static char big[JP_ADDRESS_MAX + 2];
	memset(big, 'a', sizeof big);
	T_EQ_INT(jp_address_normalize(&out, big, sizeof big, NULL), ERR_LIMIT);
	T_EQ_INT(jp_address_normalize(&out, big, JP_ADDRESS_MAX, NULL), 0);
	T_CHECK(out && strlen(out) == JP_ADDRESS_MAX);
	free(out);
}

int main(void)
{
	T_RUN(test_postal);
	T_RUN(test_phone);
	T_RUN(test_address);
	return t_done();
}
