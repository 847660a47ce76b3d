/*
 * test_pdf.c -- the PDF writer (src/pdf/pdf.h): the text of every block
 * is in the PDF (read back with pdftotext, poppler-utils: without it the
 * test fails); the same calls give the same bytes; pages break by
 * themselves, a block taller than a page is split and an empty page is
 * never emitted; errors stick and pdf_finish reports them; the limits
 * (bytes, pages, text) hold; a file is written, or removed on a failure.
 */
#include "t.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdf/pdf.h"

static int have_pdftotext(void)
{
	return system("command -v pdftotext >/dev/null 2>&1") == 0;
}

/* the text of a PDF file, or NULL */
static char *file_text(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	static char text[1 << 20];
	size_t n = p ? fread(text, 1, sizeof text - 1, p) : 0;
	if (p)
		pclose(p);
	text[n] = '\0';
	return n ? text : NULL;
}

static char *mem_text(const char *pdf, size_t len)
{
	char path[] = "/tmp/pdf-test-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, pdf, len) != (ssize_t)len) {
		close(fd);
		return NULL;
	}
	close(fd);
	char *t = file_text(path);
	unlink(path);
	return t;
}

static int pages(const char *pdf, size_t len)
{
	int n = 0;
	for (size_t i = 0; i + 12 < len; i++)
		if (memcmp(pdf + i, "/Type /Page", 11) == 0 && pdf[i + 11] != 's')
			n++;
	return n;
}

static void sample(struct pdf *d)
{
	pdf_set_title(d, "試験 / Test");
	pdf_heading(d, "見出し / Heading");
	pdf_paragraph(d, "本文です。 / Body text.");
	pdf_text(d, "大きな文字", &(struct pdf_style){ .size = 20, .bold = 1, .after = 4 });
	pdf_row(d, 0, "氏名 / Name", "区民 太郎");
	pdf_row(d, 1, "電話 / Phone", "03-5555-0101");
	pdf_row(d, 9, "署名 / Signature", NULL);
	pdf_rule(d, 0, 200);
	pdf_space(d, 10);
	pdf_keep(d, 40);
	pdf_paragraph(d, NULL);
	pdf_paragraph(d, "");
	pdf_paragraph(d, "最後の行 / Last line");
}

static void test_document(void)
{
	struct pdf *d;
	struct err e;
	char *pdf, *pdf2;
	size_t len, len2;
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	sample(d);
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), 0);
	pdf_free(d);
	T_CHECK(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	T_EQ_INT(pages(pdf, len), 1);
	T_CHECK(memmem(pdf, len, "/Creator", 8) != NULL);
	/* the same calls, the same bytes */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	sample(d);
	T_EQ_INT(pdf_finish(d, &pdf2, &len2, &e), 0);
	pdf_free(d);
	T_CHECK(len == len2 && memcmp(pdf, pdf2, len) == 0);
	free(pdf2);
	if (!have_pdftotext())
		T_FAIL_("pdftotext not installed (poppler-utils: scripts/deps.sh --test)");
	const char *t = mem_text(pdf, len);
	free(pdf);
	T_REQUIRE(t);
	T_CHECK(strstr(t, "見出し / Heading") != NULL);
	T_CHECK(strstr(t, "本文です。 / Body text.") != NULL);
	T_CHECK(strstr(t, "大きな文字") != NULL);
	T_CHECK(strstr(t, "区民 太郎") != NULL);
	T_CHECK(strstr(t, "03-5555-0101") != NULL);
	T_CHECK(strstr(t, "署名 / Signature") != NULL);
	T_CHECK(strstr(t, "最後の行 / Last line") != NULL);
}

static void test_pages(void)
{
	struct pdf *d;
	struct err e;
	char *pdf;
	size_t len;
	/* new pages on an empty page, and at the end, add nothing */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_new_page(d), 0);
	T_EQ_INT(pdf_new_page(d), 0);
	pdf_paragraph(d, "一枚目 / page one");
	pdf_new_page(d);
	pdf_paragraph(d, "二枚目 / page two");
	pdf_new_page(d);
	pdf_new_page(d);
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), 0);
	pdf_free(d);
	T_EQ_INT(pages(pdf, len), 2);
	free(pdf);
	/* nothing at all: one empty page */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), 0);
	pdf_free(d);
	T_EQ_INT(pages(pdf, len), 1);
	free(pdf);
	/* 200 rows flow onto more pages */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	for (int i = 0; i < 200; i++)
		pdf_row(d, i % 3, "項目 / Item", i == 199 ? "最後の値" : "値 / value");
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), 0);
	pdf_free(d);
	int n = pages(pdf, len);
	T_CHECK(n >= 5 && n < 40);
	const char *t = mem_text(pdf, len);
	T_CHECK(t && strstr(t, "最後の値") != NULL);
	free(pdf);
	/* one block taller than a page is split between its lines: every
	 * line is there, on three pages or more */
	static char big[40000];
	size_t k = 0;
	for (int i = 0; i < 400; i++)
		k += (size_t)snprintf(big + k, sizeof big - k, "行%03d\n", i);
	big[k - 1] = '\0';
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	pdf_paragraph(d, "前 / before");
	T_EQ_INT(pdf_text(d, big, &(struct pdf_style){ .size = 12 }), 0);
	pdf_paragraph(d, "後 / after");
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), 0);
	pdf_free(d);
	T_CHECK(pages(pdf, len) >= 3);
	t = mem_text(pdf, len);
	T_REQUIRE(t);
	T_CHECK(strstr(t, "行000") && strstr(t, "行199") && strstr(t, "行399"));
	T_CHECK(strstr(t, "後 / after") != NULL);
	free(pdf);
}

static void test_errors(void)
{
	struct pdf *d;
	struct err e;
	char *pdf = (char *)1;
	size_t len = 1;
	/* the byte limit */
	T_EQ_INT(pdf_new_mem(&d, PDF_MAX_BYTES + 1u, &e), ERR_INVALID);
	T_REQUIRE(pdf_new_mem(&d, 2000, &e) == 0);
	pdf_paragraph(d, "本文 / text");
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), ERR_LIMIT);
	T_CHECK(pdf == NULL && len == 0);
	T_CHECK(strstr(e.detail, "2000") != NULL);
	pdf_free(d);
	/* the first error sticks: later calls return it, nothing is written */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	pdf_paragraph(d, "前");
	T_EQ_INT(pdf_paragraph(d, "\xff\xfe"), ERR_INVALID);
	T_EQ_INT(pdf_text(d, "x", &(struct pdf_style){ .size = 100 }), ERR_INVALID);
	T_EQ_INT(pdf_row(d, 0, "a", "b"), ERR_INVALID);
	T_EQ_INT(pdf_new_page(d), ERR_INVALID);
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "UTF-8") != NULL);
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), ERR_INVALID);
	pdf_free(d);
	/* sizes, indents and spaces out of range */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_text(d, "x", &(struct pdf_style){ .size = 2 }), ERR_INVALID);
	pdf_free(d);
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_text(d, "x", &(struct pdf_style){ .indent = PDF_TEXT_W }), ERR_INVALID);
	pdf_free(d);
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_space(d, -1), ERR_INVALID);
	pdf_free(d);
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_rule(d, 0, PDF_PAGE_W), ERR_INVALID);
	pdf_free(d);
	/* the text limit */
	char *huge = malloc(PDF_MAX_TEXT + 2);
	T_REQUIRE(huge);
	memset(huge, 'a', PDF_MAX_TEXT + 1);
	huge[PDF_MAX_TEXT + 1] = '\0';
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	T_EQ_INT(pdf_paragraph(d, huge), ERR_LIMIT);
	pdf_free(d);
	free(huge);
	/* the page limit */
	T_REQUIRE(pdf_new_mem(&d, 0, &e) == 0);
	int rc = 0;
	for (int i = 0; i <= PDF_MAX_PAGES && !rc; i++) {
		rc = pdf_new_page(d);
		if (!rc)
			rc = pdf_paragraph(d, "頁");
	}
	T_EQ_INT(rc, ERR_LIMIT);
	T_EQ_INT(pdf_finish(d, &pdf, &len, &e), ERR_LIMIT);
	T_CHECK(strstr(e.detail, "pages") != NULL);
	pdf_free(d);
	pdf_free(NULL);
}

static void test_file(void)
{
	struct pdf *d;
	struct err e;
	char path[64];
	struct stat st;
	size_t len;
	snprintf(path, sizeof path, "/tmp/pdf-test-%d.pdf", (int)getpid());
	T_REQUIRE(pdf_new_file(&d, path, &e) == 0);
	sample(d);
	T_EQ_INT(pdf_finish(d, NULL, &len, &e), 0);
	pdf_free(d);
	T_CHECK(stat(path, &st) == 0 && (size_t)st.st_size == len && len > 1000);
	const char *t = have_pdftotext() ? file_text(path) : NULL;
	T_CHECK(t && strstr(t, "最後の行 / Last line") != NULL);
	unlink(path);
	/* a failed document leaves no file, nor one freed before its end */
	T_REQUIRE(pdf_new_file(&d, path, &e) == 0);
	pdf_paragraph(d, "\xc3");
	T_EQ_INT(pdf_finish(d, NULL, NULL, &e), ERR_INVALID);
	pdf_free(d);
	T_CHECK(stat(path, &st) != 0);
	T_REQUIRE(pdf_new_file(&d, path, &e) == 0);
	pdf_paragraph(d, "途中 / unfinished");
	pdf_free(d);
	T_CHECK(stat(path, &st) != 0);
	T_EQ_INT(pdf_new_file(&d, "/nonexistent-dir/x.pdf", &e), ERR_IO);
	T_CHECK(d == NULL);
	T_EQ_INT(pdf_new_file(&d, "", &e), ERR_INVALID);
}

int main(void)
{
	T_RUN(test_document);
	T_RUN(test_pages);
	T_RUN(test_errors);
	T_RUN(test_file);
	return t_done();
}
