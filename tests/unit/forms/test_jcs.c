/*
 * test_jcs.c -- RFC 8785 canonicalisation: the RFC's own examples
 * (section 3.2.2 "sample", 3.2.3 key sorting, appendix B numbers), escapes,
 * and the canonical form of a submission.
 */
#include "t.h"

#include <math.h>

#include "core/forms/forms.h"

static char *canon(const char *json)
{
	json_error_t je;
	json_t *j = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!j) {
		printf("# bad test JSON: %s\n", je.text);
		return NULL;
	}
	struct buf b;
	buf_init(&b, 1 << 20);
	struct err e;
	int rc = forms_jcs(&b, j, &e);
	json_decref(j);
	if (rc) {
		buf_done(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void test_rfc_sample(void)
{
	/* RFC 8785 section 3.2.2 */
	char *c = canon("{\n"
			"  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
			"              2e-3, 0.000000000000000000000000001],\n"
			"  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
			"  \"literals\": [null, true, false]\n"
			"}");
	T_EQ_STR(c, "{\"literals\":[null,true,false],"
		    "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
		    "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	free(c);
}

static void test_rfc_sorting(void)
{
	/* RFC 8785 section 3.2.3: UTF-16 code unit order */
	char *c = canon("{\n"
			"  \"\\u20ac\": \"Euro Sign\",\n"
			"  \"\\r\": \"Carriage Return\",\n"
			"  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
			"  \"1\": \"One\",\n"
			"  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
			"  \"\\u0080\": \"Control\",\n"
			"  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
			"}");
	T_EQ_STR(c, "{\"\\r\":\"Carriage Return\",\"1\":\"One\","
		    "\"\xc2\x80\":\"Control\","
		    "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		    "\"\xe2\x82\xac\":\"Euro Sign\","
		    "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	free(c);
	/* nested objects sort too; arrays keep their order */
	c = canon("{\"b\":[3,1,{\"z\":1,\"a\":2}],\"a\":{\"y\":null,\"x\":true}}");
	T_EQ_STR(c, "{\"a\":{\"x\":true,\"y\":null},\"b\":[3,1,{\"a\":2,\"z\":1}]}");
	free(c);
	/* prefix sorts first */
	c = canon("{\"ab\":1,\"a\":2,\"\":3}");
	T_EQ_STR(c, "{\"\":3,\"a\":2,\"ab\":1}");
	free(c);
}

static void num(double d, const char *want)
{
	char buf[40];
	T_EQ_INT(forms_jcs_number(buf, sizeof buf, d, NULL), 0);
	T_EQ_STR(buf, want);
}

static void test_numbers(void)
{
	/* RFC 8785 appendix B, as doubles */
	num(0.0, "0");
	num(-0.0, "0");
	num(5e-324, "5e-324");
	num(-5e-324, "-5e-324");
	num(1.7976931348623157e308, "1.7976931348623157e+308");
	num(-1.7976931348623157e308, "-1.7976931348623157e+308");
	num(9007199254740992.0, "9007199254740992");
	num(-9007199254740992.0, "-9007199254740992");
	num(295147905179352830000.0, "295147905179352830000");
	num(9.999999999999997e22, "9.999999999999997e+22");
	num(1e23, "1e+23");
	num(0x1.52d02c7e14af7p+76, "1.0000000000000001e+23");
	num(999999999999999700000.0, "999999999999999700000");
	num(999999999999999900000.0, "999999999999999900000");
	num(1e21, "1e+21");
	num(9.999999999999997e-7, "9.999999999999997e-7");
	num(0.000001, "0.000001");
	num(1e-7, "1e-7");
	num(333333333.3333333, "333333333.3333333");
	num(4.5, "4.5");
	num(0.002, "0.002");
	num(1e-27, "1e-27");
	num(1e30, "1e+30");
	num(100, "100");
	num(123.456, "123.456");
	char buf[40];
	T_EQ_INT(forms_jcs_number(buf, sizeof buf, NAN, NULL), ERR_INVALID);
	T_EQ_INT(forms_jcs_number(buf, sizeof buf, INFINITY, NULL), ERR_INVALID);
	/* JSON integers: exact to 2^53, then as a double */
	char *c = canon("[0, -1, 9007199254740992, 9007199254740993, 1000000000000000000]");
	T_EQ_STR(c, "[0,-1,9007199254740992,9007199254740992,1000000000000000000]");
	free(c);
}

static void test_escapes(void)
{
	char *c = canon("[\"\\u0000\\u0001\\b\\t\\n\\f\\r\\u001f\\u007f \\\" \\\\ / \\u3042 \\ud842\\udfb7\"]");
	T_EQ_STR(c, "[\"\\u0000\\u0001\\b\\t\\n\\f\\r\\u001f\x7f \\\" \\\\ / \xe3\x81\x82 \xf0\xa0\xae\xb7\"]");
	free(c);
}

static void test_submission(void)
{
	json_error_t je;
	json_t *a = json_loads("{\"name\":{\"given\":\"花子\",\"family\":\"区民\"},"
			       "\"photo\":{\"sha256\":\"ab\",\"name\":\"p.jpg\",\"size\":10,\"type\":\"image/jpeg\"},"
			       "\"count\":2}", 0, &je);
	T_REQUIRE(a);
	char *out = NULL;
	size_t len = 0;
	T_EQ_INT(forms_canonical(&out, &len, "131156", "inu-touroku", 3, a, NULL), 0);
	T_EQ_STR(out, "{\"answers\":{\"count\":2,\"name\":{\"family\":\"区民\",\"given\":\"花子\"},"
		      "\"photo\":{\"name\":\"p.jpg\",\"sha256\":\"ab\",\"size\":10,\"type\":\"image/jpeg\"}},"
		      "\"procedure\":\"inu-touroku\",\"tenant\":\"131156\",\"version\":3}");
	T_EQ_INT(len, strlen(out));
	/* a known answer for the hash of the canonical form */
	char h[65];
	forms_sha256_hex(h, "abc", 3);
	T_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	free(out);
	json_decref(a);
}

static void test_limits(void)
{
	/* depth beyond 64 */
	char deep[200];
	int n = 0;
	for (int i = 0; i < 70; i++)
		deep[n++] = '[';
	for (int i = 0; i < 70; i++)
		deep[n++] = ']';
	deep[n] = 0;
	json_error_t je;
	json_t *j = json_loads(deep, 0, &je);
	T_REQUIRE(j);
	struct buf b;
	buf_init(&b, 1000);
	struct err e;
	T_EQ_INT(forms_jcs(&b, j, &e), ERR_LIMIT);
	buf_done(&b);
	/* a full buffer */
	buf_init(&b, 10);
	json_t *s = json_string("0123456789abcdef");
	T_EQ_INT(forms_jcs(&b, s, &e), ERR_LIMIT);
	buf_done(&b);
	json_decref(s);
	json_decref(j);
}

int main(void)
{
	T_RUN(test_rfc_sample);
	T_RUN(test_rfc_sorting);
	T_RUN(test_numbers);
	T_RUN(test_escapes);
	T_RUN(test_submission);
	T_RUN(test_limits);
	return t_done();
}
