/*
 * explain.c -- why each child got what it got.
 *
 * For every child and every nursery it ranked above its result, one
 * reason, decided in this order:
 *   NO_CLASS    the room of its age class has no seat at all;
 *   CUTOFF      the room is full and the lowest admitted priority there
 *               (the border, ボーダー) is above the child's score;
 *   TIEBREAK    same score as the border; the tie-break key that decided
 *               (reason rank, income, lottery) is named;
 *   SIBLING     the child alone would have fitted, but its family's joint
 *               request could not be met there;
 *   UNRESOLVED  the child would have fitted: the outcome is not stable
 *               here (only after `sibling` reports no stable outcome, or
 *               for outcomes produced elsewhere).
 * Borders are computed from the assignment alone, so the explanation of a
 * result file does not depend on which algorithm produced it.  Output is
 * UTF-8 with BOM for Excel; the same input gives the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"
#include "base/csv.h"

static const char *const reason_names[] = { "CUTOFF", "TIEBREAK", "NO_CLASS",
					    "SIBLING", "UNRESOLVED" };

const char *nursery_reason_name(int why)
{
	return why >= 0 && why <= NURSERY_WHY_UNRESOLVED ? reason_names[why]
							 : "?";
}

struct border {
	int *n;       /* holders per slot */
	int *low;     /* lowest holder (child) per slot, -1 none */
	uint64_t *lowkey;
};

static int border_build(struct border *b, const struct nursery_instance *in,
			const int *assign)
{
	b->n = calloc((size_t)in->nslot + 1, sizeof(int));
	b->low = malloc(sizeof(int) * ((size_t)in->nslot + 1));
	b->lowkey = malloc(sizeof(uint64_t) * ((size_t)in->nslot + 1));
	if (!b->n || !b->low || !b->lowkey) {
		free(b->n);
		free(b->low);
		free(b->lowkey);
		return ERR_NOMEM;
	}
	for (int s = 0; s < in->nslot; s++) {
		b->low[s] = -1;
		b->lowkey[s] = UINT64_MAX;
	}
	for (int c = 0; c < in->nchild; c++) {
		int d = assign[c];
		if (d < 0 || d >= in->nfac)
			continue;
		int s = in->fac[d].slot[in->child[c].age];
		uint64_t k = nursery_instance_child_key(in, c, d);
		b->n[s]++;
		if (k < b->lowkey[s]) {
			b->lowkey[s] = k;
			b->low[s] = c;
		}
	}
	return 0;
}

static void border_done(struct border *b)
{
	free(b->n);
	free(b->low);
	free(b->lowkey);
}

struct why {
	int reason;
	int tb;           /* TIEBREAK: 0 reason, 1 income, 2 lottery */
	int border_child; /* -1 if none */
	int border_score; /* score + bonus of the border child there */
	int incumbent;    /* the border is a continuing child */
	int my_score;     /* the child's score + bonus there */
};

static int key_score(uint64_t k)
{
	return (int)((int64_t)((k & ~NURSERY_KEY_INCUMBENT) >> 32) -
		     NURSERY_BONUS_MAX);
}

static void explain_one(struct why *w, const struct nursery_instance *in,
			const struct border *b, const int *assign, int c, int d)
{
	const struct nursery_child *ch = &in->child[c];
	int s = in->fac[d].slot[ch->age];
	uint64_t my = nursery_instance_child_key(in, c, d);
	memset(w, 0, sizeof *w);
	w->border_child = -1;
	w->my_score = key_score(my);
	if (in->slot[s].cap == 0) {
		w->reason = NURSERY_WHY_NO_CLASS;
		return;
	}
	int full = b->n[s] >= in->slot[s].cap;
	if (full && b->low[s] >= 0) {
		w->border_child = b->low[s];
		w->border_score = key_score(b->lowkey[s]);
		w->incumbent = (b->lowkey[s] & NURSERY_KEY_INCUMBENT) != 0;
	}
	if (full && b->lowkey[s] > my) {
		if (!w->incumbent && w->border_score == w->my_score) {
			const struct nursery_child *o = &in->child[b->low[s]];
			w->reason = NURSERY_WHY_TIEBREAK;
			w->tb = 2;
			for (int k = 0; k < 3; k++)
				if (o->tb[k] != ch->tb[k]) {
					w->tb = k;
					break;
				}
		} else {
			w->reason = NURSERY_WHY_CUTOFF;
		}
		return;
	}
	const struct nursery_family *fm = &in->fam[ch->family];
	(void)assign;
	w->reason = fm->tupled ? NURSERY_WHY_SIBLING : NURSERY_WHY_UNRESOLVED;
}

static const char *tb_ja(int k)
{
	return k == 0 ? "基準指数の優先順位" : k == 1 ? "世帯の所得" : "抽選番号";
}

static const char *tb_en(int k)
{
	return k == 0 ? "reason" : k == 1 ? "income" : "lottery";
}

static void reason_ja(char *buf, size_t n, const struct why *w, int age)
{
	switch (w->reason) {
	case NURSERY_WHY_NO_CLASS:
		snprintf(buf, n, "%d歳児クラスの募集がないため", age);
		break;
	case NURSERY_WHY_CUTOFF:
		if (w->incumbent)
			snprintf(buf, n, "%d歳児クラスが在園児で定員に達したため",
				 age);
		else
			snprintf(buf, n,
				 "%d歳児クラスのボーダー指数 %d に対し、指数が "
				 "%d のため",
				 age, w->border_score, w->my_score);
		break;
	case NURSERY_WHY_TIEBREAK:
		snprintf(buf, n,
			 "%d歳児クラスのボーダーと同じ指数 %d で、同一指数の"
			 "優先順位（%s）により",
			 age, w->my_score, tb_ja(w->tb));
		break;
	case NURSERY_WHY_SIBLING:
		snprintf(buf, n, "きょうだいの入所希望（同時・同一施設）が"
				 "この施設ではかなわないため");
		break;
	default:
		snprintf(buf, n, "選考結果に不整合があります（職員が確認します）");
	}
}

static int pos_of(const struct nursery_instance *in, int c, int d)
{
	const struct nursery_child *ch = &in->child[c];
	for (int k = 0; k < ch->npref; k++)
		if (in->pref_fac[ch->pref_off + (size_t)k] == d)
			return k;
	return ch->npref;
}

/* every cell through the one CSV writer, with the spreadsheet formula
 * guard: ids come from the ward's input files */
static void csv_field(FILE *f, const char *s)
{
	csv_cell_file(f, s);
}

int nursery_explain_write_csv(const struct nursery_instance *in,
			      const int *assign, FILE *f, struct err *e)
{
	struct border b;
	if (border_build(&b, in, assign))
		return err_set(e, ERR_NOMEM, "out of memory");
	fputs("\xef\xbb\xbf", f);
	fputs("児童番号 child_id,世帯番号 family_id,年齢 age,指数 score,"
	      "結果 assigned,結果の希望順位 result_rank,希望順位 pref_rank,"
	      "希望施設 nursery,理由コード reason,同点決定 tiebreak,"
	      "ボーダー指数 border_score,本人の指数 child_score,"
	      "理由 explanation\n",
	      f);
	char txt[512];
	for (int c = 0; c < in->nchild; c++) {
		const struct nursery_child *ch = &in->child[c];
		const struct nursery_family *fm = &in->fam[ch->family];
		int a = assign[c];
		int pos = a >= 0 ? pos_of(in, c, a) : ch->npref;
		char rr[16];
		if (a < 0)
			strcpy(rr, "");
		else if (pos < ch->npref)
			snprintf(rr, sizeof rr, "%d", pos + 1);
		else
			strcpy(rr, "0");
		/* the result row */
		csv_field(f, ch->id);
		fputc(',', f);
		csv_field(f, fm->id ? fm->id : "-");
		fprintf(f, ",%d,%d,", ch->age, ch->score);
		csv_field(f, a >= 0 ? in->fac[a].id : "");
		fprintf(f, ",%s,,,RESULT,,,,", rr);
		if (a < 0)
			snprintf(txt, sizeof txt, "%s", ch->cur >= 0 ? "" : "保留（入所不可）");
		else if (a == ch->cur)
			snprintf(txt, sizeof txt, "在園中の施設で継続");
		else
			snprintf(txt, sizeof txt, "第%d希望に内定", pos + 1);
		csv_field(f, txt);
		fputc('\n', f);
		for (int k = 0; k < pos && k < ch->npref; k++) {
			int d = in->pref_fac[ch->pref_off + (size_t)k];
			struct why w;
			explain_one(&w, in, &b, assign, c, d);
			reason_ja(txt, sizeof txt, &w, ch->age);
			csv_field(f, ch->id);
			fputc(',', f);
			csv_field(f, fm->id ? fm->id : "-");
			fprintf(f, ",%d,%d,", ch->age, ch->score);
			csv_field(f, a >= 0 ? in->fac[a].id : "");
			fprintf(f, ",%s,%d,", rr, k + 1);
			csv_field(f, in->fac[d].id);
			fprintf(f, ",%s,%s,", nursery_reason_name(w.reason),
				w.reason == NURSERY_WHY_TIEBREAK ? tb_en(w.tb) : "");
			if (w.border_child >= 0 && !w.incumbent)
				fprintf(f, "%d", w.border_score);
			fprintf(f, ",%d,", w.my_score);
			csv_field(f, txt);
			fputc('\n', f);
		}
	}
	border_done(&b);
	if (ferror(f))
		return err_set(e, ERR_IO, "write failed");
	return 0;
}

int nursery_explain_write_cutoffs(const struct nursery_instance *in,
				  const int *assign, FILE *f, struct err *e)
{
	struct border b;
	if (border_build(&b, in, assign))
		return err_set(e, ERR_NOMEM, "out of memory");
	fputs("\xef\xbb\xbf", f);
	fputs("施設 nursery,年齢 age,共有クラス shared_ages,定員 seats,"
	      "内定 filled,状況 status,ボーダー指数 border_score,"
	      "ボーダー優先順位 border_reason_rank,ボーダー所得 border_income,"
	      "ボーダー抽選番号 border_lottery\n",
	      f);
	for (int d = 0; d < in->nfac; d++) {
		const struct nursery_facility *fa = &in->fac[d];
		for (int a = 0; a < NURSERY_AGES; a++) {
			int s = fa->slot[a];
			const struct nursery_slot *sl = &in->slot[s];
			char ages[16] = "";
			int k = 0;
			if (sl->ages != (1u << a))
				for (int x = 0; x < NURSERY_AGES; x++)
					if (sl->ages & (1u << x))
						k += snprintf(ages + k,
							      sizeof ages - (size_t)k,
							      "%s%d", k ? "-" : "", x);
			csv_field(f, fa->id);
			fprintf(f, ",%d,%s,%d,%d,", a, ages, sl->cap, b.n[s]);
			if (sl->cap == 0) {
				fputs("募集なし none,,,,\n", f);
				continue;
			}
			if (b.n[s] < sl->cap || b.low[s] < 0) {
				fputs("空きあり open,,,,\n", f);
				continue;
			}
			if (b.lowkey[s] & NURSERY_KEY_INCUMBENT) {
				fputs("在園児で満員 full_continuing,,,,\n", f);
				continue;
			}
			const struct nursery_child *o = &in->child[b.low[s]];
			fprintf(f, "満員 full,%d,%d,%d,%d\n",
				key_score(b.lowkey[s]), o->tb[0], o->tb[1],
				o->tb[2]);
		}
	}
	border_done(&b);
	if (ferror(f))
		return err_set(e, ERR_IO, "write failed");
	return 0;
}

int nursery_explain_write_letter_text(const struct nursery_instance *in,
				      const int *assign, int fam, FILE *f,
				      struct err *e)
{
	if (fam < 0 || fam >= in->nfam)
		return err_set(e, ERR_NOTFOUND, "no family %d", fam);
	struct border b;
	if (border_build(&b, in, assign))
		return err_set(e, ERR_NOMEM, "out of memory");
	const struct nursery_family *fm = &in->fam[fam];
	const int *kids = in->fam_child + fm->child_off;
	fprintf(f, "保育所等利用調整結果のお知らせ\n\n");
	if (fm->id)
		fprintf(f, "世帯番号 %s の保護者様\n\n", fm->id);
	else
		fprintf(f, "児童番号 %s の保護者様\n\n", in->child[kids[0]].id);
	fprintf(f, "お申し込みいただいた保育所等の利用調整（入所選考）の結果を"
		   "お知らせします。\n\n");
	char txt[512];
	for (int i = 0; i < fm->nchild; i++) {
		int c = kids[i];
		const struct nursery_child *ch = &in->child[c];
		int a = assign[c];
		int pos = a >= 0 ? pos_of(in, c, a) : ch->npref;
		fprintf(f, "■ 児童番号 %s（%d歳児クラス、利用調整指数 %d）\n",
			ch->id, ch->age, ch->score);
		if (a < 0)
			fprintf(f, "  結果：保留（今回は入所できませんでした）\n");
		else if (a == ch->cur)
			fprintf(f, "  結果：在園中の %s での継続となりました\n",
				in->fac[a].id);
		else
			fprintf(f, "  結果：%s（第%d希望）に内定しました\n",
				in->fac[a].id, pos + 1);
		for (int k = 0; k < pos && k < ch->npref; k++) {
			int d = in->pref_fac[ch->pref_off + (size_t)k];
			struct why w;
			explain_one(&w, in, &b, assign, c, d);
			reason_ja(txt, sizeof txt, &w, ch->age);
			fprintf(f, "  第%d希望 %s：%s、内定しませんでした。\n",
				k + 1, in->fac[d].id, txt);
		}
		fputc('\n', f);
	}
	fprintf(f, "ボーダー指数は、その施設・クラスで内定した方のうち最も低い"
		   "利用調整指数です。同じ指数の場合は、基準指数の優先順位、"
		   "世帯の所得（低い方を優先）、抽選番号の順で決めています。\n"
		   "ご不明な点は保育課窓口までお問い合わせください。\n");
	border_done(&b);
	if (ferror(f))
		return err_set(e, ERR_IO, "write failed");
	return 0;
}
