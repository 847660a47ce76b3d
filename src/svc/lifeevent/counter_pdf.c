/*
 * counter_pdf.c -- 書かない窓口: the forms of a life event's procedures,
 * filled from the register and the interview, as one PDF that the resident
 * checks and signs at the counter.  What the forms say, in order; the
 * page, fonts and page breaks are the PDF writer's (src/pdf/pdf.h).
 *
 * The counter receipt (控え) after a submission at the counter is here
 * too (lifeevent_receipt_pdf).
 *
 * Invariants: values are printed exactly as given (the caller masks a
 * 個人番号); an unanswered field gets a line to write on; each form starts
 * a new page and ends with the signature and date boxes, kept together;
 * nothing reads the clock and the writer fixes the creation date, so the
 * same input gives the same bytes.  No logging.
 */
#include "svc/lifeevent/lifeevent.h"

#include <stdio.h>

#include "jp/date.h"
#include "jp/wareki.h"
#include "pdf/pdf.h"

/* the forms' looks: size, bold, indent, space below */
static const struct pdf_style
	RUNNING = { 9, 0, 0, 8 },
	TITLE = { 17, 1, 0, 2 },
	TITLE_EN = { 11, 0, 0, 4 },
	NOTE = { 9, 0, 0, 10 },
	CONFIRM = { 10, 0, 0, 14 },
	SIGNATURE = { 9, 0, 0, 22 },
	DATE = { 9, 0, 0, 0 };

/* the signature block: its height, kept on one page, and its line */
#define SIGN_KEEP 90.0
#define SIGN_LINE 300.0

static void form(struct pdf *d, const struct lifeevent_pdf_doc *doc,
		 const struct lifeevent_pdf_form *f, int index)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s  %s ・ %s / %s  (%d/%d)",
		 doc->municipality_ja ? doc->municipality_ja : "",
		 doc->municipality_en ? doc->municipality_en : "",
		 doc->event_ja ? doc->event_ja : "", doc->event_en ? doc->event_en : "",
		 index + 1, doc->nforms);
	pdf_text(d, tmp, &RUNNING);
	pdf_text(d, f->title_ja, &TITLE);
	if (f->title_en)
		pdf_text(d, f->title_en, &TITLE_EN);
	if (f->department) {
		snprintf(tmp, sizeof tmp, "担当 / Department: %s", f->department);
		pdf_text(d, tmp, &NOTE);
	}
	pdf_text(d, "窓口で記入済みです。内容を確認し、誤りがあれば職員にお知らせください。"
		 " / Filled in at the counter: check it and tell the staff of any mistake.", &NOTE);
	for (int i = 0; i < f->nlines; i++) {
		const struct lifeevent_pdf_line *ln = &f->lines[i];
		pdf_row(d, ln->depth, ln->label, ln->blank ? NULL : ln->value ? ln->value : "");
	}
	pdf_keep(d, SIGN_KEEP);
	pdf_space(d, 14);
	pdf_text(d, "上記の内容に相違ありません。 / I confirm the above is correct.", &CONFIRM);
	pdf_text(d, "申請者署名 / Applicant's signature", &SIGNATURE);
	pdf_rule(d, 0, SIGN_LINE);
	pdf_space(d, 10);
	pdf_text(d, "日付 / Date　　　　年　　月　　日", &DATE);
}

int lifeevent_forms_pdf(char **pdf, size_t *len, const struct lifeevent_pdf_doc *doc,
			struct err *e)
{
	*pdf = NULL;
	*len = 0;
	if (!doc || doc->nforms <= 0 || !doc->forms)
		return err_set(e, ERR_INVALID, "counter PDF: no forms");
	struct pdf *d;
	int rc = pdf_new_mem(&d, 0, e);
	if (rc)
		return rc;
	pdf_set_title(d, "申請書 / Application forms");
	for (int i = 0; i < doc->nforms; i++) {
		pdf_new_page(d);
		form(d, doc, &doc->forms[i], i);
	}
	rc = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return rc;
}

/* ---- the counter receipt (控え) ---- */

static const struct pdf_style
	R_TITLE = { 18, 1, 0, 4 },
	R_DATE = { 11, 0, 0, 14 },
	R_NUMBER = { 16, 1, 0, 2 },
	R_PROC = { 12, 1, 0, 2 },
	R_LINE = { 10, 0, 12, 2 },
	R_NEXT = { 10, 0, 0, 4 };

int lifeevent_receipt_pdf(char **pdf, size_t *len, const struct lifeevent_receipt_doc *doc,
			  struct err *e)
{
	*pdf = NULL;
	*len = 0;
	if (!doc || doc->nitems <= 0 || !doc->items)
		return err_set(e, ERR_INVALID, "counter receipt: no applications");
	struct pdf *d;
	int rc = pdf_new_mem(&d, 0, e);
	if (rc)
		return rc;
	pdf_set_title(d, "窓口受付控え / Counter receipt");
	pdf_new_page(d);
	char tmp[1024], w[64];
	snprintf(tmp, sizeof tmp, "%s  %s", doc->municipality_ja ? doc->municipality_ja : "",
		 doc->municipality_en ? doc->municipality_en : "");
	pdf_text(d, tmp, &RUNNING);
	pdf_text(d, "窓口受付控え / Counter receipt", &R_TITLE);
	struct jp_date day = jp_jst_date(doc->received_at);
	struct err we;
	if (jp_wareki_format(w, sizeof w, day, JP_WAREKI_KANJI, 0, &we) != 0)
		w[0] = '\0';
	snprintf(tmp, sizeof tmp, "受付日 / Received: %s（%04d年%d月%d日）", w, day.y, day.m, day.d);
	pdf_text(d, tmp, &R_DATE);
	for (int i = 0; i < doc->nitems; i++) {
		const struct lifeevent_receipt_item *it = &doc->items[i];
		pdf_keep(d, 110);
		snprintf(tmp, sizeof tmp, "受付番号 / Receipt number: %s", it->receipt ? it->receipt : "");
		pdf_text(d, tmp, &R_NUMBER);
		snprintf(tmp, sizeof tmp, "%s%s%s", it->title_ja ? it->title_ja : "",
			 it->title_en ? " / " : "", it->title_en ? it->title_en : "");
		pdf_text(d, tmp, &R_PROC);
		snprintf(tmp, sizeof tmp, "担当 / Department: %s%s%s", it->dept_ja ? it->dept_ja : "",
			 it->dept_en && it->dept_en[0] ? " / " : "", it->dept_en ? it->dept_en : "");
		pdf_text(d, tmp, &R_LINE);
		if (it->place && it->place[0]) {
			snprintf(tmp, sizeof tmp, "窓口 / Counter: %s", it->place);
			pdf_text(d, tmp, &R_LINE);
		}
		if (it->phone && it->phone[0]) {
			snprintf(tmp, sizeof tmp, "電話 / Phone: %s", it->phone);
			pdf_text(d, tmp, &R_LINE);
		}
		if (it->email && it->email[0]) {
			snprintf(tmp, sizeof tmp, "メール / E-mail: %s", it->email);
			pdf_text(d, tmp, &R_LINE);
		}
		if (it->target_days > 0) {
			snprintf(tmp, sizeof tmp, "標準処理期間 / Usual time: %lld 開庁日 / working days",
				 (long long)it->target_days);
			pdf_text(d, tmp, &R_LINE);
		}
		pdf_space(d, 10);
	}
	pdf_space(d, 6);
	pdf_text(d, "このあと / What happens next", &R_PROC);
	pdf_text(d, "担当課が申請の内容を確認し、結果や追加で必要なものを連絡します。"
		 "問い合わせのときは受付番号をお伝えください。この控えは大切に保管してください。", &R_NEXT);
	pdf_text(d, "Each department checks its application and tells you the result or what else"
		 " it needs. Quote the receipt number when you ask about it. Keep this receipt.", &R_NEXT);
	rc = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return rc;
}
