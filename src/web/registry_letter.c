/*
 * registry_letter.c -- the registry link code's letter as an A4 PDF (see
 * registry_letter.h): written with the one PDF writer (src/pdf), its
 * words from the message catalog (reg.letter.*), Japanese first and an
 * English summary under a rule, on one page.
 *
 * The layout for a 長形3号 window envelope (window about 90 x 45 mm, 23 mm
 * from the left and 13 mm from the top of the sheet folded in three): the
 * writer's text starts at its 20 mm margin, so the address block is
 * indented 12 pt (to ~24 mm), written in short lines (〒, the address, the
 * building, the name with 様) and followed by space,
 * below the window (the sender starts about 66 mm down).  An address line longer than the window (some 22
 * characters at 11 pt) wraps inside the block; nothing is cut.
 *
 * Invariants: the code is printed as given and nowhere else (not in the
 * title, which a viewer may show); the same input gives the same bytes.
 */
#include <stdio.h>
#include <string.h>

#include "html/html.h"
#include "jp/date.h"
#include "jp/wareki.h"
#include "pdf/pdf.h"
#include "web/registry_letter.h"

/* "令和8年12月20日（2026-12-20）21:05" in JST */
static void jst_date(char *out, size_t cap, int64_t t)
{
	int64_t j = t + JP_JST_OFFSET_S;
	int64_t days = j >= 0 ? j / 86400 : (j - 86399) / 86400;
	struct jp_date d = jp_date_from_days((long)days);
	int s = (int)(j - days * 86400);
	char w[64] = "";
	if (jp_wareki_format(w, sizeof w, d, JP_WAREKI_KANJI, 0, NULL))
		w[0] = 0;
	snprintf(out, cap, "%s（%04d-%02d-%02d）%02d:%02d", w, d.y, d.m, d.d, s / 3600, s / 60 % 60);
}

/* "令和8年12月6日" (the day of issue, JST) */
static void jst_day(char *out, size_t cap, int64_t t)
{
	int64_t j = t + JP_JST_OFFSET_S;
	int64_t days = j >= 0 ? j / 86400 : (j - 86399) / 86400;
	if (jp_wareki_format(out, cap, jp_date_from_days((long)days), JP_WAREKI_KANJI, 0, NULL))
		snprintf(out, cap, "-");
}

/* one catalog row with arguments, in a buffer of the letter's */
#define SAY(buf, lang, id, ...) snprintf(buf, sizeof buf, html_t(lang, id), __VA_ARGS__)

static void part(struct pdf *d, const struct registry_letter *l, enum html_lang lg, double size,
		 const char *until)
{
	const struct pdf_style body = { .size = size, .after = 2 };
	const struct pdf_style step = { .size = size, .indent = 12, .after = 1 };
	char t[2048];
	const char *ward = lg == HTML_EN ? l->ward_en : l->ward_ja;
	pdf_text(d, html_t(lg, "reg.letter.title"), &(struct pdf_style){ .size = size + 3, .bold = 1, .after = 4 });
	SAY(t, lg, "reg.letter.lead", ward);
	pdf_text(d, t, &body);
	pdf_text(d, html_t(lg, "reg.letter.code"), &(struct pdf_style){ .size = size, .bold = 1, .after = 1 });
	pdf_text(d, l->code, &(struct pdf_style){ .size = size + 8, .bold = 1, .indent = 12, .after = 2 });
	SAY(t, lg, "reg.letter.until", until);
	pdf_text(d, t, &(struct pdf_style){ .size = size, .bold = 1, .after = 5 });
	pdf_text(d, html_t(lg, "reg.letter.how"), &(struct pdf_style){ .size = size, .bold = 1, .after = 3 });
	SAY(t, lg, "reg.letter.step1", l->base);
	pdf_text(d, t, &step);
	pdf_text(d, html_t(lg, "reg.letter.step2"), &step);
	pdf_text(d, html_t(lg, "reg.letter.step3"), &step);
	SAY(t, lg, "reg.letter.direct", l->base);
	pdf_text(d, t, &(struct pdf_style){ .size = size, .indent = 12, .after = 5 });
	pdf_text(d, html_t(lg, "reg.letter.once"), &body);
	pdf_text(d, html_t(lg, "reg.letter.phone"), &(struct pdf_style){ .size = size, .bold = 1, .after = 3 });
	pdf_text(d, html_t(lg, "reg.letter.notme"), &body);
	SAY(t, lg, "reg.letter.contact", ward, l->base);
	pdf_text(d, t, &(struct pdf_style){ .size = size, .after = 6 });
}

int registry_letter_pdf(char **pdf, size_t *len, const struct registry_letter *l, struct err *e)
{
	struct pdf *d;
	int rc = pdf_new_mem(&d, 4u << 20, e);
	if (rc)
		return rc;
	char t[2048], until[160], day[64];
	pdf_set_title(d, html_t(HTML_JA, "reg.letter.title"));
	/* the window: 〒, address, building, name 様 */
	const struct pdf_style win = { .size = 11, .indent = 12, .after = 1 };
	snprintf(t, sizeof t, "〒%s", l->postal);
	pdf_text(d, t, &win);
	pdf_text(d, l->address, &win);
	if (l->building[0])
		pdf_text(d, l->building, &win);
	pdf_space(d, 6);
	snprintf(t, sizeof t, "%s 様", l->name);
	pdf_text(d, t, &(struct pdf_style){ .size = 13, .indent = 12, .after = 0 });
	pdf_space(d, 26);
	/* the sender, to the right */
	jst_day(day, sizeof day, l->issued_at);
	SAY(t, HTML_JA, "reg.letter.sender", l->ward_ja);
	char from[2200];
	snprintf(from, sizeof from, "%s\n%s", day, t);
	pdf_text(d, from, &(struct pdf_style){ .size = 10, .indent = PDF_MAX_INDENT, .after = 4 });
	jst_date(until, sizeof until, l->expires_at);
	part(d, l, HTML_JA, 10, until);
	pdf_rule(d, 0, 0);
	pdf_space(d, 6);
	/* English, in short: the same facts in one paragraph */
	pdf_text(d, html_t(HTML_EN, "reg.letter.title"), &(struct pdf_style){ .size = 9, .bold = 1, .after = 2 });
	SAY(t, HTML_EN, "reg.letter.summary", l->ward_en, until, l->base);
	pdf_text(d, t, &(struct pdf_style){ .size = 8, .after = 0 });
	rc = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return rc;
}
