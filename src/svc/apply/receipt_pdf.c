/*
 * receipt_pdf.c -- the resident's receipt (受付票) of a submission as an
 * A4 PDF: what it says, in order; the page, fonts and page breaks are the
 * PDF writer's (src/pdf/pdf.h).
 *
 * Invariants: the answers summary is printed exactly as the caller gave
 * it (the caller masks a 個人番号); nothing here reads the clock (dates
 * come from the submission) and the writer fixes the creation date, so
 * the same input gives the same bytes.  No logging.
 */
#include "svc/apply/apply.h"

#include <stdio.h>

#include "jp/date.h"
#include "jp/wareki.h"
#include "pdf/pdf.h"

/* the date in Japan of a Unix time, in 和暦 and 西暦 */
static void jst_dates(char *out, size_t n, int64_t t)
{
	int64_t j = t + JP_JST_OFFSET_S;
	long days = (long)(j / 86400);
	if (j < 0 && j % 86400)
		days--;
	struct jp_date d = jp_date_from_days(days);
	int sec = (int)(j - (int64_t)days * 86400);
	char w[64];
	struct err e;
	if (jp_wareki_format(w, sizeof w, d, JP_WAREKI_KANJI, 0, &e) != 0)
		w[0] = '\0';
	snprintf(out, n, "%s（%04d年%d月%d日）%02d:%02d JST  /  %04d-%02d-%02d", w, d.y, d.m,
		 d.d, sec / 3600, sec / 60 % 60, d.y, d.m, d.d);
}

/* the receipt's looks: size, bold, indent, space below */
static const struct pdf_style
	MUNICIPALITY = { 10, 0, 0, 6 },
	TITLE = { 18, 1, 0, 14 },
	LABEL = { 10, 0, 0, 2 },
	NUMBER = { 26, 1, 0, 14 },
	PROCEDURE = { 14, 1, 0, 2 },
	PROCEDURE_EN = { 11, 0, 0, 10 },
	DATE = { 12, 0, 0, 10 },
	REVISION = { 11, 0, 0, 10 },
	SIGNED = { 9, 0, 0, 10 },
	SUMMARY = { 12, 1, 0, 6 },
	NOTE = { 9, 0, 0, 2 };

int apply_receipt_pdf(char **pdf, size_t *len, const struct apply_receipt_doc *doc,
		      struct err *e)
{
	*pdf = NULL;
	*len = 0;
	if (!doc || !doc->sub)
		return err_set(e, ERR_INVALID, "no submission");
	const struct apply_submission *s = doc->sub;
	struct pdf *d;
	int rc = pdf_new_mem(&d, 0, e);
	if (rc)
		return rc;
	pdf_set_title(d, "受付票 / Receipt");
	char tmp[512];
	snprintf(tmp, sizeof tmp, "%s  %s", doc->municipality_ja ? doc->municipality_ja : "",
		 doc->municipality_en ? doc->municipality_en : "");
	pdf_text(d, tmp, &MUNICIPALITY);
	pdf_text(d, "電子申請 受付票 / Application receipt", &TITLE);
	pdf_text(d, "受付番号 / Receipt number", &LABEL);
	pdf_text(d, s->receipt, &NUMBER);
	pdf_text(d, "手続 / Procedure", &LABEL);
	pdf_text(d, doc->title_ja ? doc->title_ja : s->procedure, &PROCEDURE);
	if (doc->title_en)
		pdf_text(d, doc->title_en, &PROCEDURE_EN);
	pdf_text(d, "受付日時 / Received", &LABEL);
	jst_dates(tmp, sizeof tmp, s->submitted_at);
	pdf_text(d, tmp, &DATE);
	if (s->revision > 1) {
		snprintf(tmp, sizeof tmp, "再提出 %d 回目 / Revision %d", s->revision, s->revision);
		pdf_text(d, tmp, &REVISION);
	}
	if (s->sig_serial[0]) {
		snprintf(tmp, sizeof tmp, "電子署名あり（証明書シリアル %s） / Signed (certificate serial %s)",
			 s->sig_serial, s->sig_serial);
		pdf_text(d, tmp, &SIGNED);
	}
	if (s->payment[0]) {   /* a fee paid before submission */
		pdf_text(d, "手数料 / Fee", &LABEL);
		snprintf(tmp, sizeof tmp, "%lld円 支払済み（支払番号 %s） / %lld yen paid (payment %s)",
			 (long long)doc->fee_yen, s->payment, (long long)doc->fee_yen, s->payment);
		pdf_text(d, tmp, &DATE);
	}
	snprintf(tmp, sizeof tmp, "内容の要約（SHA-256 %.16s…） / Summary of the answers", s->sha256);
	pdf_text(d, tmp, &SUMMARY);
	for (int i = 0; i < doc->nlines; i++) {
		const struct apply_receipt_line *ln = &doc->lines[i];
		pdf_row(d, ln->depth, ln->label, ln->value ? ln->value : "");
	}
	pdf_space(d, 8);
	pdf_text(d, "この受付票は申請を受け付けたことを示すもので、審査の結果を示すものではありません。"
		 "申請の状況はマイページで確認できます。", &NOTE);
	pdf_text(d, "This receipt shows that the application was received; it is not a decision. "
		 "Check its status on My page.", &NOTE);
	rc = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return rc;
}
