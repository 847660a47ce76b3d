/*
 * test_explain.c -- explanations on a hand-made instance: each reason
 * code where it must appear, the border table, the family letter.
 */
#include "t.h"

#include <unistd.h>

#include "svc/nursery/nursery.h"

/* N1 age 1: one seat; N2 age 1: none; N3 age 1: one seat.
 * A (30) wins N1.  B (20, lottery 5) and C (20, lottery 2) tie for N3:
 * C wins on the lottery.  B: N1 CUTOFF (30 > 20), N2 NO_CLASS, N3
 * TIEBREAK(lottery).  Family H (same) wants N4 where only one seat per
 * class is open for ages 1 and 2 ... and N4 has no age-2 seat: SIBLING is
 * not the reason there, NO_CLASS for Q; P alone would fit: SIBLING. */
static const char *const INST =
	"N,N1,0,1,0,0,0,0\n"
	"N,N2,0,0,0,0,0,0\n"
	"N,N3,0,1,0,0,0,0\n"
	"N,N4,0,1,0,0,0,0\n"
	"C,A,-,1,30,1,0,1,-,N1\n"
	"C,B,-,1,20,1,0,5,-,N1,N2,N3\n"
	"C,C,-,1,20,1,0,2,-,N3\n"
	"F,H,same,2\n"
	"C,P,H,1,25,1,0,3,-,N4\n"
	"C,Q,H,2,25,1,0,3,-,N4\n";

static char *explain(const struct nursery_instance *in, const int *a, int mode,
		     int fam)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (mode == 0)
		nursery_explain_write_csv(in, a, f, NULL);
	else if (mode == 1)
		nursery_explain_write_cutoffs(in, a, f, NULL);
	else
		nursery_explain_write_letter_text(in, a, fam, f, NULL);
	fclose(f);
	return buf;
}

static void test_reasons(void)
{
	struct nursery_instance *in = NULL;
	T_REQUIRE(nursery_instance_parse(&in, INST, strlen(INST), NULL) == 0);
	struct nursery_alloc_opts o;
	nursery_alloc_opts_init(&o);
	o.algo = NURSERY_ALGO_SIBLING;
	struct nursery_result r;
	T_REQUIRE(nursery_alloc_run(&r, in, &o, NULL) == 0);
	T_EQ_INT(r.assign[nursery_instance_find_child(in, "B")], -1);
	char *csv = explain(in, r.assign, 0, 0);
	T_REQUIRE(csv);
	T_CHECK(!memcmp(csv, "\xef\xbb\xbf", 3));
	T_CHECK(strstr(csv, "B,-,1,20,,,1,N1,CUTOFF,,30,20,") != NULL);
	T_CHECK(strstr(csv, "B,-,1,20,,,2,N2,NO_CLASS,") != NULL);
	T_CHECK(strstr(csv, "B,-,1,20,,,3,N3,TIEBREAK,lottery,20,20,") != NULL);
	T_CHECK(strstr(csv, "P,H,1,25,,,1,N4,SIBLING,") != NULL);
	T_CHECK(strstr(csv, "Q,H,2,25,,,1,N4,NO_CLASS,") != NULL);
	T_CHECK(strstr(csv, "UNRESOLVED") == NULL);
	free(csv);
	char *cut = explain(in, r.assign, 1, 0);
	T_REQUIRE(cut);
	T_CHECK(strstr(cut, "N1,1,,1,1,満員 full,30,1,0,1\n") != NULL);
	T_CHECK(strstr(cut, "N4,1,,1,0,空きあり open") != NULL);
	T_CHECK(strstr(cut, "N2,1,,0,0,募集なし none") != NULL);
	free(cut);
	int h = in->child[nursery_instance_find_child(in, "P")].family;
	char *letter = explain(in, r.assign, 2, h);
	T_REQUIRE(letter);
	T_CHECK(strstr(letter, "世帯番号 H の保護者様") != NULL);
	T_CHECK(strstr(letter, "きょうだい") != NULL);
	free(letter);
	/* the same letter as a PDF: real Japanese text in it (pdftotext reads
	 * it back through the embedded font's ToUnicode map) */
	char pdf[64], cmd[160];
	snprintf(pdf, sizeof pdf, "/tmp/madoguchi-letter-%d.pdf", (int)getpid());
	T_EQ_INT(nursery_letter_pdf_write(in, r.assign, h, pdf, NULL), 0);
	FILE *pf = fopen(pdf, "rb");
	char head[5] = { 0 };
	T_CHECK(pf && fread(head, 1, 5, pf) == 5 && memcmp(head, "%PDF-", 5) == 0);
	if (pf)
		fclose(pf);
	snprintf(cmd, sizeof cmd, "pdftotext -q %s - 2>/dev/null", pdf);
	FILE *pt = popen(cmd, "r");
	char text[8192] = "";
	size_t got = pt ? fread(text, 1, sizeof text - 1, pt) : 0;
	text[got] = '\0';
	if (pt)
		pclose(pt);
	T_CHECK(strstr(text, "保護者様") != NULL);
	T_CHECK(strstr(text, "きょうだい") != NULL);
	unlink(pdf);
	/* an unstable outcome is flagged, not explained away */
	int bad[8];
	memcpy(bad, r.assign, sizeof(int) * (size_t)in->nchild);
	bad[nursery_instance_find_child(in, "A")] = -1;
	csv = explain(in, bad, 0, 0);
	T_CHECK(csv && strstr(csv, "A,-,1,30,,,1,N1,UNRESOLVED") != NULL);
	free(csv);
	nursery_result_done(&r);
	nursery_instance_free(in);
}

/* ids come from the ward's files: one that a spreadsheet reads as a
 * formula is written with the guard (the staff open this CSV in Excel) */
static void test_csv_formula_guard(void)
{
	static const char inst[] =
		"N,@N1,0,1,0,0,0,0\n"
		"C,=1+2,-,1,30,1,0,1,-,@N1\n"
		"C,-2+3,-,1,20,1,0,2,-,@N1\n";
	struct nursery_instance *in = NULL;
	T_REQUIRE(nursery_instance_parse(&in, inst, strlen(inst), NULL) == 0);
	struct nursery_alloc_opts o;
	nursery_alloc_opts_init(&o);
	struct nursery_result r;
	T_REQUIRE(nursery_alloc_run(&r, in, &o, NULL) == 0);
	char *csv = explain(in, r.assign, 0, 0);
	T_REQUIRE(csv);
	T_CHECK(strstr(csv, "\n\"'=1+2\",-,1,30,\"'@N1\",") != NULL);
	T_CHECK(strstr(csv, "\n\"'-2+3\",-,1,20,") != NULL);
	/* no line starts with a bare formula character */
	T_CHECK(strstr(csv, "\n=") == NULL && strstr(csv, "\n@") == NULL &&
		strstr(csv, ",@") == NULL && strstr(csv, ",=") == NULL);
	free(csv);
	csv = explain(in, r.assign, 1, 0);
	T_REQUIRE(csv);
	T_CHECK(strstr(csv, "\n\"'@N1\",") != NULL);
	free(csv);
	nursery_result_done(&r);
	nursery_instance_free(in);
}

int main(void)
{
	T_RUN(test_reasons);
	T_RUN(test_csv_formula_guard);
	return t_done();
}
