/*
 * waste.h -- the public header of the bulky-waste service (粗大ごみ受付,
 * src/svc/waste): the item master and the matcher that maps what a
 * resident writes to items.
 *
 * The item master (waste_items_parse) is the CSV of
 * ../shared/data/waste/items.csv's shape: item_id, name, kana, aliases
 * (';'-separated), category, size_rule, fee_yen, accepted,
 * not_accepted_reason, guidance_ja; UTF-8 or CP932 (jp/csv.h).  Items
 * whose names share the base before "（" and that carry a size rule form a
 * size group: the rule (width_cm<=100, 60<width_cm<=100, seats>=3, ...)
 * picks the variant.
 *
 * The matcher (waste_match) reads free text -- a word, a sentence
 * (「古いソファを捨てたいんですが」), typos (a missing dakuten, small kana,
 * long-vowel marks, one wrong or missing character), sizes and counts
 * (「3人掛け」「180cmの本棚」「椅子2脚」), several items
 * (「ソファと椅子2脚」) -- and answers one waste_answer per item named:
 * the item with its fee; a size question (ASK) when the size decides
 * between variants and the text does not say it; not accepted (NOT) with
 * the reason and the guidance, never a fee; or nothing found.  Every
 * answer names the words of the text it matched (matched) and the item,
 * so a wrong match is visible.
 *
 * Limits: WASTE_QUERY_MAX bytes of text, WASTE_ITEMS_MAX items,
 * WASTE_ALIASES_MAX names an item, WASTE_ANSWERS_MAX answers a text.
 * Errors: ERR_INVALID (malformed master or text that is not UTF-8, with
 * the line), ERR_LIMIT, ERR_NOMEM.
 */
#ifndef MADOGUCHI_SVC_WASTE_H
#define MADOGUCHI_SVC_WASTE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define WASTE_QUERY_MAX 400        /* bytes of one resident's text       */
#define WASTE_ITEMS_MAX 2000
#define WASTE_ALIASES_MAX 40       /* names of one item (name, kana, aliases) */
#define WASTE_NAME_MAX 200         /* bytes of a name or an alias        */
#define WASTE_ID_MAX 64
#define WASTE_ANSWERS_MAX 8        /* items named in one text            */
#define WASTE_ASK_MAX 8            /* variants offered by one question   */
#define WASTE_MASTER_MAX (4u << 20) /* bytes of an item master file      */

/* why an item is not accepted (items.csv not_accepted_reason) */
enum waste_reason {
	WASTE_ACCEPTED = 0,
	WASTE_KADEN_RECYCLE,      /* 家電リサイクル法                       */
	WASTE_PC_RECYCLE,         /* パソコンリサイクル                     */
	WASTE_TOO_SMALL,          /* ordinary burnable / non-burnable waste */
	WASTE_DANGEROUS,          /* 危険物                                 */
	WASTE_NOT_COLLECTABLE,    /* the ward does not collect it at all    */
};

/* the size a variant is for: lo < (or <=) var < (or <=) hi */
enum waste_var {
	WASTE_VAR_NONE = 0, WASTE_VAR_WIDTH, WASTE_VAR_HEIGHT, WASTE_VAR_LENGTH,
	WASTE_VAR_MAX_SIDE, WASTE_VAR_SEATS, WASTE_VAR_INCH, WASTE_VAR_TATAMI,
	WASTE_VAR_COUNT_
};

struct waste_rule {
	enum waste_var var;        /* NONE: no rule                          */
	double lo, hi;             /* bounds; -1 / 1e18 when open            */
	int lo_incl, hi_incl;
};

struct waste_item {
	char id[WASTE_ID_MAX + 1];
	const char *name;          /* 「ソファ（1人掛け）」                 */
	const char *base;          /* the name before "（": 「ソファ」       */
	const char *kana;
	const char *category;
	const char *guidance;      /* for a not-accepted item, else ""      */
	const char *const *aliases;
	int naliases;
	struct waste_rule rule;
	int fee_yen;               /* 0 when not accepted                    */
	int accepted;
	enum waste_reason reason;
	int group;                 /* size group number, or -1              */
};

struct waste_key;                  /* the matcher's prepared names (match.c) */

struct waste_items {
	struct arena *a;
	struct waste_item *items;
	int n;
	int ngroups;
	struct waste_key *keys;    /* every name of every item, prepared    */
	int nkeys;
};

/* waste_items_parse -- the master in data[0..len) (UTF-8 or CP932, with
 * its header row) into *out (free with waste_items_free).  ERR_INVALID
 * names the line and column of the first problem: a missing column, a
 * duplicate or malformed id, a rule that does not parse, a fee that is not
 * a non-negative multiple of 10, an accepted item with a reason or a
 * refused one without. */
int waste_items_parse(struct waste_items **out, const char *data, size_t len, struct err *e);
void waste_items_free(struct waste_items *w);
/* waste_item_find -- the item called id, or NULL */
const struct waste_item *waste_item_find(const struct waste_items *w, const char *id);
/* waste_reason_code -- "kaden_recycle", ... ("" for accepted) */
const char *waste_reason_code(enum waste_reason r);
/* waste_var_name -- "width_cm", ... */
const char *waste_var_name(enum waste_var v);

/* ---- the matcher (match.c) ---- */

enum waste_kind {
	WASTE_NONE = 0,            /* nothing in the text is an item         */
	WASTE_ITEM,                /* item, fee, count                       */
	WASTE_ASK,                 /* the size decides: ask (ask[] variants) */
	WASTE_NOT,                 /* not accepted: reason and guidance      */
};

struct waste_answer {
	enum waste_kind kind;
	const struct waste_item *item;   /* ITEM, NOT                        */
	const struct waste_item *ask[WASTE_ASK_MAX];  /* ASK: the variants  */
	int nask;
	enum waste_var ask_var;          /* ASK: the size to ask for         */
	int count;                       /* how many (「椅子2脚」), >= 1      */
	char matched[WASTE_NAME_MAX + 1];/* the words of the text matched    */
	int fuzzy;                       /* 1: matched with a typo allowed   */
};

/* waste_match -- the answers for text (at most max; one per item named,
 * in the order of the text).  Returns their count (0: nothing found is
 * returned as one WASTE_NONE answer, so the count is >= 1), or ERR_*
 * (ERR_INVALID: not UTF-8; ERR_LIMIT: over WASTE_QUERY_MAX). */
int waste_match(struct waste_answer *ans, int max, const struct waste_items *w,
		const char *text, struct err *e);

/* waste_answer_choose -- the answer once the resident has chosen variant
 * id of an ASK (count kept); 0, or ERR_NOTFOUND when id is not one of
 * ask[] */
int waste_answer_choose(struct waste_answer *a, const char *id);

/* waste_answer_meets -- 1 when a is what expected says, in the notation of
 * the query sets (tests/data/waste, bench/data): an item_id (that item,
 * accepted); "NOT:<reason>" (not accepted for that reason); "ASK:<id>|..."
 * (a question offering exactly those variants, or one of them answered).
 * For tests, `madoguchi waste check` and bench/waste.sh alike. */
int waste_answer_meets(const struct waste_answer *a, const char *expected);

#endif
