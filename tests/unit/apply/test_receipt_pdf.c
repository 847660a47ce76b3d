/*
 * test_receipt_pdf.c -- the receipt PDF (src/svc/apply/receipt_pdf.c): a PDF
 * whose text (read back with pdftotext, poppler-utils: without it the test
 * fails) holds the receipt number, the
 * Japanese title, the 和暦 and 西暦 dates and the masked My Number given,
 * never more; the same input gives the same bytes; long summaries go
 * onto more pages.
 */
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

#include "svc/apply/apply.h"

static char *pdf_text(const char *pdf, size_t len)
{
	char path[] = "/tmp/receipt-test-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, pdf, len) != (ssize_t)len) {
		close(fd);
		return NULL;
	}
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	static char text[1 << 20];
	size_t n = p ? fread(text, 1, sizeof text - 1, p) : 0;
	if (p)
		pclose(p);
	text[n] = '\0';
	unlink(path);
	return n ? text : NULL;
}

static struct apply_submission sub;

static void fill(void)
{
	memset(&sub, 0, sizeof sub);
	snprintf(sub.receipt, sizeof sub.receipt, "139998-2026-00000123");
	snprintf(sub.procedure, sizeof sub.procedure, "kodomo-iryosho");
	snprintf(sub.sha256, sizeof sub.sha256, "%064d", 0);
	sub.revision = 2;
	sub.submitted_at = 1795359600;   /* 2026-11-23 00:00 JST */
}

static void test_receipt(void)
{
	fill();
	struct apply_receipt_line lines[] = {
		{ "申請者の氏名 / Applicant", "区民 太郎（クミン タロウ）", 0 },
		{ "個人番号 / My Number", "********9018", 0 },
	};
	struct apply_receipt_doc doc = { "デモ区", "Demo Ward", "子ども医療証の交付申請",
					 "Child medical card", &sub, lines, 2, 3000 };
	/* a fee paid before submission: its payment's number on the receipt */
	snprintf(sub.payment, sizeof sub.payment, "40000000000012");
	char *pdf, *pdf2;
	size_t len, len2;
	struct err e;
	T_EQ_INT(apply_receipt_pdf(&pdf, &len, &doc, &e), 0);
	T_CHECK(len > 1000 && memcmp(pdf, "%PDF", 4) == 0);
	T_EQ_INT(apply_receipt_pdf(&pdf2, &len2, &doc, &e), 0);
	T_CHECK(len == len2 && memcmp(pdf, pdf2, len) == 0);
	free(pdf2);
	/* the text is the point of the test: without pdftotext it fails */
	if (system("command -v pdftotext >/dev/null 2>&1") != 0)
		T_FAIL_("pdftotext not installed (poppler-utils: scripts/deps.sh --test)");
	const char *t = pdf_text(pdf, len);
	free(pdf);
	T_REQUIRE(t);
	T_CHECK(strstr(t, "139998-2026-00000123") != NULL);
	T_CHECK(strstr(t, "子ども医療証の交付申請") != NULL);
	T_CHECK(strstr(t, "令和8年11月23日") != NULL);
	T_CHECK(strstr(t, "2026-11-23") != NULL);
	T_CHECK(strstr(t, "********9018") != NULL);
	T_CHECK(strstr(t, "Revision 2") != NULL);
	T_CHECK(strstr(t, "3000円 支払済み（支払番号 40000000000012）") != NULL);
}

static void test_many_pages(void)
{
	fill();
	static struct apply_receipt_line lines[300];
	for (int i = 0; i < 300; i++)
		lines[i] = (struct apply_receipt_line){ "項目 / Item", "値 / value", i % 2 };
	struct apply_receipt_doc doc = { "デモ区", "Demo Ward", "長い申請", "Long", &sub, lines, 300, 0 };
	char *pdf;
	size_t len;
	struct err e;
	T_EQ_INT(apply_receipt_pdf(&pdf, &len, &doc, &e), 0);
	int pages = 0;
	for (size_t i = 0; i + 10 < len; i++)
		if (memcmp(pdf + i, "/Type /Page", 11) == 0 && pdf[i + 11] != 's')
			pages++;
	T_CHECK(pages >= 3);
	free(pdf);
	struct apply_receipt_doc none = { 0 };
	T_EQ_INT(apply_receipt_pdf(&pdf, &len, &none, &e), ERR_INVALID);
}

int main(void)
{
	T_RUN(test_receipt);
	T_RUN(test_many_pages);
	return t_done();
}
