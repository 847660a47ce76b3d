/*
 * synonyms.c -- the words a resident types for a procedure that the
 * ward's texts spell another way (保育園 for 保育所, 引っ越し for 転居,
 * マイナンバー for 個人番号, 粗大ゴミ for 粗大ごみ).  The query compiler
 * (parse.c) turns a query word that belongs to a group into an OR of the
 * group's words, so 「保育園」 finds 保育所等利用申込.
 *
 * Invariants: the table is fixed at build time; a word matches a group
 * when its folded form (jp_text_fold: NFKC, case, hiragana to katakana)
 * equals a member's folded form, so ほいくえん and ホイクエン are one
 * word, and ごみ = ゴミ by folding alone.  Only whole words of the query
 * are looked up (no substrings): 「保育園 申込」 expands 保育園 only.
 */
#include <stdlib.h>
#include <string.h>

#include "jp/text.h"
#include "core/search/search.h"

/* each row: equivalent words, NULL-terminated; keep rows short */
static const char *const groups[][SEARCH_MAX_SYNONYMS + 1] = {
	{ "保育園", "保育所", "ほいくえん", NULL },
	{ "こども園", "認定こども園", "保育所", NULL },
	{ "児童手当", "子ども手当", "こども手当", NULL },
	{ "住民票", "住民票の写し", "住民票写し", NULL },
	{ "粗大ごみ", "粗大ゴミ", "大型ごみ", NULL },
	{ "引越し", "引っ越し", "引越", "転居", "転入", "転出", NULL },
	{ "マイナンバー", "個人番号", "マイナンバーカード", NULL },
	{ "印鑑証明", "印鑑登録証明", "印鑑登録", NULL },
	{ "医療証", "子ども医療費", "こども医療費", "乳幼児医療", NULL },
	{ "学童", "学童クラブ", "学童保育", "放課後児童", NULL },
	{ "出産", "出生", "妊娠", "母子手帳", "母子健康手帳", NULL },
	{ "介護", "要介護", "介護保険", NULL },
	{ "国保", "国民健康保険", NULL },
	{ "原付", "原動機付自転車", "バイク", NULL },
	{ "ペット", "飼い犬", "愛犬", NULL },   /* not 犬 alone: one character is exact */
	{ "避難", "防災", "災害", NULL },
	{ "がん検診", "癌検診", NULL },
};

static int same_folded(const char *a_folded, const char *word)
{
	char *f = NULL;
	if (jp_text_fold(&f, word, strlen(word), NULL))
		return 0;
	int same = strcmp(a_folded, f) == 0;
	free(f);
	return same;
}

int search_synonyms(const char **out, int max, const char *word, size_t n)
{
	char *w = NULL;
	if (!word || !n || n > SEARCH_MAX_QUERY || max < 1)
		return 0;
	if (jp_text_fold(&w, word, n, NULL))
		return 0;
	int k = 0;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0] && !k; g++) {
		int hit = 0;
		for (int i = 0; groups[g][i] && !hit; i++)
			hit = same_folded(w, groups[g][i]);
		if (!hit)
			continue;
		for (int i = 0; groups[g][i] && k < max; i++)
			if (!same_folded(w, groups[g][i]))
				out[k++] = groups[g][i];
	}
	free(w);
	return k;
}
