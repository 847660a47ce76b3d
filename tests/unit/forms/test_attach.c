/*
 * test_attach.c -- attachments: type by content, size limit, clean
 * names, SHA-256 naming, and the accepted metadata validates as the
 * field's answer.
 */
#include "t.h"

#include "core/forms/forms.h"

static struct arena *A;
static struct forms_def *D;
static const struct jp_date TODAY = { 2026, 11, 22 };

static const char *DEF =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"att\",\"title\":{\"ja\":\"添付\",\"en\":\"Attach\"},"
	"\"department\":\"test\",\"retention_years\":1,\"target_days\":1,\"pages\":[{\"id\":\"p\","
	"\"title\":{\"ja\":\"p\",\"en\":\"p\"},\"fields\":["
	"{\"id\":\"photo\",\"type\":\"file\",\"label\":{\"ja\":\"写真\",\"en\":\"Photo\"},"
	" \"accept\":[\"image/*\",\"application/pdf\"],\"max_bytes\":1000},"
	"{\"id\":\"doc\",\"type\":\"file\",\"label\":{\"ja\":\"書類\",\"en\":\"Document\"},"
	" \"accept\":[\"application/vnd.openxmlformats-officedocument.wordprocessingml.document\"]},"
	"{\"id\":\"any\",\"type\":\"file\",\"label\":{\"ja\":\"何でも\",\"en\":\"Anything\"},"
	" \"accept\":[\"application/octet-stream\"]},"
	"{\"id\":\"t\",\"type\":\"text\",\"label\":{\"ja\":\"t\",\"en\":\"t\"}}]}]}";

static void test_sniff(void)
{
	T_EQ_STR(forms_file_sniff("%PDF-1.7\n", 9), "application/pdf");
	T_EQ_STR(forms_file_sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
	T_EQ_STR(forms_file_sniff("\x89PNG\r\n\x1a\n\0\0", 10), "image/png");
	T_EQ_STR(forms_file_sniff("GIF89a..", 8), "image/gif");
	T_EQ_STR(forms_file_sniff("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp");
	T_EQ_STR(forms_file_sniff("\0\0\0\x18" "ftypheic....", 16), "image/heic");
	T_EQ_STR(forms_file_sniff("PK\x03\x04", 4), "application/zip");
	T_CHECK(forms_file_sniff("MZ\x90\0", 4) == NULL);
	T_CHECK(forms_file_sniff("%PD", 3) == NULL);
	T_CHECK(forms_file_sniff("", 0) == NULL);
}

static void test_accept(void)
{
	const struct forms_field *photo = forms_def_field(D, "photo");
	const struct forms_field *doc = forms_def_field(D, "doc");
	const struct forms_field *any = forms_def_field(D, "any");
	json_t *m = NULL;
	struct err e;
	/* a PNG named .pdf is a PNG */
	T_EQ_INT(forms_file_accept(&m, photo, "C:\\Users\\区民\\写真.pdf",
				   "\x89PNG\r\n\x1a\n", 8, &e), 0);
	T_REQUIRE(m);
	T_EQ_STR(json_string_value(json_object_get(m, "type")), "image/png");
	T_EQ_STR(json_string_value(json_object_get(m, "name")), "写真.pdf");
	T_EQ_INT(json_integer_value(json_object_get(m, "size")), 8);
	char h[65];
	forms_sha256_hex(h, "\x89PNG\r\n\x1a\n", 8);
	T_EQ_STR(json_string_value(json_object_get(m, "sha256")), h);
	/* the metadata is a valid answer for the field */
	json_t *ans = json_object();
	json_object_set_new(ans, "photo", m);
	struct forms_result r;
	T_EQ_INT(forms_validate(&r, A, D, ans, TODAY, &e), 0);
	T_EQ_INT(r.nerrors, 0);
	json_decref(ans);
	/* an executable named .jpg is refused, and the name is not in the detail */
	T_EQ_INT(forms_file_accept(&m, photo, "秘密の名前.jpg", "MZ\x90\0\3\0", 6, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "unrecognised"));
	T_CHECK(!strstr(e.detail, "秘密"));
	T_EQ_INT(forms_file_accept(&m, photo, "a.zip", "PK\x03\x04", 4, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "application/zip"));
	/* size */
	char big[1001];
	memset(big, 0, sizeof big);
	memcpy(big, "%PDF-", 5);
	T_EQ_INT(forms_file_accept(&m, photo, "big.pdf", big, 1001, &e), ERR_LIMIT);
	T_EQ_INT(forms_file_accept(&m, photo, "ok.pdf", big, 1000, &e), 0);
	json_decref(m);
	T_EQ_INT(forms_file_accept(&m, photo, "empty.pdf", "", 0, &e), ERR_INVALID);
	/* an office document is zip content */
	T_EQ_INT(forms_file_accept(&m, doc, "申立書.docx", "PK\x03\x04rest", 8, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(m, "type")),
		 "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	json_decref(m);
	/* unrecognised content only where octet-stream is accepted */
	T_EQ_INT(forms_file_accept(&m, any, "notes.txt", "hello", 5, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(m, "type")), "application/octet-stream");
	json_decref(m);
	/* not a file field */
	T_EQ_INT(forms_file_accept(&m, forms_def_field(D, "t"), "x", "%PDF-", 5, &e), ERR_INVALID);
}

static void test_names(void)
{
	const struct forms_field *photo = forms_def_field(D, "photo");
	json_t *m;
	static const struct { const char *in, *want; } c[] = {
		{ "../../etc/passwd.png", "passwd.png" },
		{ "a\x01" "b\nc.png", "abc.png" },
		{ "dir/", "file" },
		{ "..", "file" },
		{ "\xff\xfe.png", "file" },      /* not UTF-8 */
		{ NULL, "file" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		T_EQ_INT(forms_file_accept(&m, photo, c[i].in, "GIF89a", 6, NULL), 0);
		T_EQ_STR(json_string_value(json_object_get(m, "name")), c[i].want);
		json_decref(m);
	}
	/* a long Japanese name is cut on a character boundary */
	char longname[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(longname, "写");          /* 3 bytes each */
	strcat(longname, ".png");
	T_EQ_INT(forms_file_accept(&m, photo, longname, "GIF89a", 6, NULL), 0);
	const char *n = json_string_value(json_object_get(m, "name"));
	T_EQ_INT(strlen(n), 255);
	T_EQ_INT(strncmp(n, "写写", 6), 0);
	json_decref(m);
}

int main(void)
{
	A = arena_new(0);
	struct err e;
	if (forms_def_parse(&D, A, DEF, strlen(DEF), &e) != 0) {
		printf("# %s\nnot ok 1 - definition\n1..1\n", e.detail);
		return 1;
	}
	T_RUN(test_sniff);
	T_RUN(test_accept);
	T_RUN(test_names);
	arena_free(A);
	return t_done();
}
