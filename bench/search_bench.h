/*
 * search_bench.h -- shared by the two search benchmarks (bench/search_bench.c
 * for our FTS5 module, bench/groonga/search_groonga.c for Groonga): the
 * corpus reader, the query generator and latency statistics, so both run
 * the same documents and the same queries.
 *
 * Corpus: the TSV of bench/search_corpus.py (id TAB title TAB body).
 * Queries: drawn from the corpus itself with a fixed seed, so they are
 * frequency-weighted like real queries (common words come up often):
 * "1".."4": that many consecutive Japanese characters (kanji or kana) at a
 * random place of a random document; "multi": two 2-character words from
 * two places at least 12 bytes apart in one document, "w1 w2".  In the
 * default "words" mode a query must look typed (see bq_any); with
 * BENCH_QUERIES=any every run of kana/kanji counts, particles such as
 * 「の」 included (a stress test: 「の」 is in 81% of the paragraphs).
 */
#ifndef MADOGUCHI_BENCH_SEARCH_BENCH_H
#define MADOGUCHI_BENCH_SEARCH_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bdoc {
	char *id, *title, *body;
};

struct bcorpus {
	char *data;
	struct bdoc *docs;
	long n;
};

static int bcorpus_load(struct bcorpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	c->data = malloc((size_t)sz + 1);
	if (!c->data || fread(c->data, 1, (size_t)sz, f) != (size_t)sz) {
		fclose(f);
		return -1;
	}
	fclose(f);
	c->data[sz] = 0;
	long lines = 0;
	for (long i = 0; i < sz; i++)
		lines += c->data[i] == '\n';
	c->docs = calloc((size_t)lines + 1, sizeof *c->docs);
	c->n = 0;
	for (char *p = c->data; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t1 && t2) {
			*t1 = *t2 = 0;
			c->docs[c->n++] = (struct bdoc){ p, t1 + 1, t2 + 1 };
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

static uint64_t brand_state = 88172645463325252ull;
static uint64_t brand(void)
{
	brand_state ^= brand_state << 13;
	brand_state ^= brand_state >> 7;
	brand_state ^= brand_state << 17;
	return brand_state;
}

/* length of the UTF-8 sequence at p; *ja: 1 hiragana, 2 katakana (and
 * ー), 3 kanji, 0 anything else */
static int bchar(const unsigned char *p, int *ja)
{
	*ja = 0;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		return 2;
	if ((p[0] & 0xf0) == 0xe0) {
		unsigned cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
		*ja = (cp >= 0x3041 && cp <= 0x3096) ? 1
		      : ((cp >= 0x30a1 && cp <= 0x30fa) || cp == 0x30fc) ? 2
		      : (cp >= 0x4e00 && cp <= 0x9fff) ? 3 : 0;
		return 3;
	}
	return 4;
}

/* "words" mode (the default; BENCH_QUERIES=any turns it off): a query
 * looks like something a person types: a one-character query is a kanji,
 * a longer one has a kanji or katakana, and none starts with ー or a small
 * kana (a cut in the middle of a word) */
static int bq_any = -1;

/* k Japanese characters from body starting near byte `at`, into out */
static int bgrab(char *out, size_t outsz, const char *body, size_t at, int k)
{
	const unsigned char *p = (const unsigned char *)body;
	size_t n = strlen(body), i = 0;
	/* move to a character boundary at or after `at` */
	while (i < at && i < n) {
		int ja;
		i += (size_t)bchar(p + i, &ja);
	}
	size_t start = i;
	int content = 0;
	for (int c = 0; c < k; c++) {
		int ja;
		if (i >= n)
			return -1;
		int l = bchar(p + i, &ja);
		if (!ja)
			return -1;
		if (c == 0 && !bq_any && l == 3) {
			/* ー and the small kana ぁぃぅぇぉっゃゅょゎ and katakana */
			static const char *const bad[] = { "ー", "ぁ", "ぃ", "ぅ", "ぇ", "ぉ", "っ",
				"ゃ", "ゅ", "ょ", "ゎ", "ァ", "ィ", "ゥ", "ェ", "ォ", "ッ", "ャ",
				"ュ", "ョ", "ヮ", "ん", "ン" };
			for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
				if (memcmp(p + i, bad[b], 3) == 0)
					return -1;
		}
		content |= ja >= 2;
		if (k == 1 && !bq_any && ja != 3)
			return -1;
		i += (size_t)l;
	}
	if (!bq_any && !content)
		return -1;
	if (i - start + 1 > outsz)
		return -1;
	memcpy(out, body + start, i - start);
	out[i - start] = 0;
	return (int)(i - start);
}

#define BQ_CLASSES 5
static const char *const bq_class_names[BQ_CLASSES] = { "1", "2", "3", "4", "multi" };

struct bquery {
	int cls;
	char text[64];
};

/* nper queries of each class; returns how many were made */
__attribute__((unused)) static int bqueries_make(struct bquery *out, int nper, const struct bcorpus *c)
{
	int n = 0;
	if (bq_any < 0) {
		const char *m = getenv("BENCH_QUERIES");
		bq_any = m && strcmp(m, "any") == 0;
	}
	for (int cls = 0; cls < BQ_CLASSES; cls++) {
		int made = 0, tries = 0;
		while (made < nper && tries++ < nper * 10000) {
			const struct bdoc *d = &c->docs[brand() % (uint64_t)c->n];
			size_t bl = strlen(d->body);
			if (bl < 8)
				continue;
			struct bquery *q = &out[n];
			q->cls = cls;
			if (cls < 4) {
				if (bgrab(q->text, sizeof q->text, d->body, brand() % bl, cls + 1) < 0)
					continue;
			} else {
				char a[32], b[32];
				size_t x = brand() % bl, y = brand() % bl;
				if (x > y) {
					size_t t = x;
					x = y;
					y = t;
				}
				if (y - x < 12)
					continue;
				if (bgrab(a, sizeof a, d->body, x, 2) < 0 ||
				    bgrab(b, sizeof b, d->body, y, 2) < 0 || strcmp(a, b) == 0)
					continue;
				snprintf(q->text, sizeof q->text, "%s %s", a, b);
			}
			n++;
			made++;
		}
	}
	return n;
}

static int64_t bnow_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int bcmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* percentile (0..100) of n sorted values */
static double bpct(const int64_t *v, int n, double p)
{
	if (n <= 0)
		return 0;
	int i = (int)(p / 100.0 * (n - 1) + 0.5);
	return (double)v[i];
}

/* the quality queries: what a resident would type, and look-alikes */
static const char *const bquality[] = {
	"犬", "いぬ", "イヌ", "猫", "保育", "ファイル", "ふぁいる", "ﾌｧｲﾙ",
	"file", "ＦＩＬＥ", "FILE", "設定ファイル", "環境変数", "権限", "日本語",
	"文字コード", "ディレクトリ 削除", "シグナル 送信", "ネットワーク",
};
#define BQUALITY_N ((int)(sizeof bquality / sizeof bquality[0]))

#endif
