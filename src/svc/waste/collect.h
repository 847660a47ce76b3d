/*
 * collect.h -- the ordinary collection calendar (可燃ごみ・不燃ごみ・資源
 * days, not bulky waste) of src/svc/waste: which weekday each category is
 * collected in each area, in the 5374 (ゴミナシ) open data format.
 *
 * The files (5374's data folder), UTF-8 or CP932 (jp/csv.h):
 *   area_days.csv   地名, センター, then one column per category: the rule
 *                   text of that area for that category;
 *   target.csv      label, name, notice, furigana (what goes in which);
 *   description.csv label, sublabel, description, styles, bgcolor;
 *   center.csv      (optional) 名称, 休止開始日, 休止終了日 (YYYY/MM/DD): a
 *                   center's closed period, named by area_days' センター.
 *
 * A rule is tokens separated by spaces, as 5374 reads them:
 *   火            every Tuesday;
 *   水1           the 1st Wednesday of the month (n-th occurrence of that
 *                 weekday in the month, n = 1..5: 水1 of a month that
 *                 begins on a Thursday is the 7th);
 *   *1            a remark (remarks.csv id), no days of its own;
 *   隔火20260407  every other Tuesday from 2026-04-07;
 *   20260415      that one day;
 *   ...:4 5 6     (after the tokens) only in those months.
 * An empty cell: that category is not collected in that area.
 *
 * Days expanded (waste_collect_days): never on 12/29-1/3 nor in the area's
 * center's closed period; national holidays are collection days like any
 * other (what 5374 does, and what most wards do for ordinary waste).
 *
 * Export writes the files back as 5374 reads them: the header row as
 * imported, fields quoted only when they must be, the line ending (LF or
 * CRLF) and the final newline as imported, so a UTF-8 file imported and
 * exported is the same bytes.
 *
 * Limits: WASTE_COLLECT_* below.  Errors: ERR_INVALID with the problems
 * (file, line, column) in struct waste_collect_problems, ERR_LIMIT,
 * ERR_NOMEM, ERR_DB.
 */
#ifndef MADOGUCHI_SVC_WASTE_COLLECT_H
#define MADOGUCHI_SVC_WASTE_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "jp/date.h"

struct store;

#define WASTE_COLLECT_FILE_MAX (2u << 20)  /* bytes of one uploaded file     */
#define WASTE_COLLECT_AREAS_MAX 1000
#define WASTE_COLLECT_CATS_MAX 16          /* category columns of area_days  */
#define WASTE_COLLECT_TARGETS_MAX 5000
#define WASTE_COLLECT_FIELD_MAX 1000       /* bytes of one field             */
#define WASTE_COLLECT_TOKENS_MAX 16        /* tokens of one rule             */
#define WASTE_COLLECT_PROBLEMS_MAX 50      /* problems listed (then "more")  */
#define WASTE_COLLECT_CODE_LEN 9           /* "a" + 8 hex of the area's name */
#define WASTE_COLLECT_SPAN_MAX 400         /* days one waste_collect_days    */

enum waste_collect_file {
	WASTE_COLLECT_AREA_DAYS = 0, WASTE_COLLECT_TARGET, WASTE_COLLECT_DESCRIPTION,
	WASTE_COLLECT_CENTER, WASTE_COLLECT_FILES_
};

/* one token of a rule */
struct waste_collect_tok {
	enum { WC_WEEKLY, WC_NTH, WC_REMARK, WC_BIWEEKLY, WC_DATE } kind;
	int wday;                  /* 0 Sunday .. 6 Saturday                 */
	int nth;                   /* WC_NTH: 1..5; WC_REMARK: the id        */
	long day;                  /* WC_BIWEEKLY first day, WC_DATE the day */
};

struct waste_collect_rule {
	const char *text;          /* as written ("" none)                   */
	int ntok;
	struct waste_collect_tok tok[WASTE_COLLECT_TOKENS_MAX];
	unsigned months;           /* bit m-1 for month m                    */
};

struct waste_collect_area {
	char code[WASTE_COLLECT_CODE_LEN + 1];
	const char *name;          /* 「日之出町1丁目〜2丁目」               */
	const char *center;        /* "" none                                */
	long closed_from, closed_to; /* day numbers; -1 none                 */
	struct waste_collect_rule rule[WASTE_COLLECT_CATS_MAX]; /* per category column */
};

struct waste_collect_category {  /* description.csv */
	const char *label, *sublabel, *description, *styles, *bgcolor;
};

struct waste_collect_target {    /* target.csv */
	const char *label, *name, *notice, *furigana;
};

struct waste_collect_center {    /* center.csv */
	const char *name;
	long from, to;             /* day numbers                            */
	const char *from_text, *to_text;
};

/* how a file was written, to write it back the same way */
struct waste_collect_form {
	const char *header;        /* the header row (CSV, no line ending)   */
	int crlf, final_eol, present;
};

struct waste_collect {
	struct arena *arena;
	int ncats;                 /* category columns of area_days          */
	const char *cat[WASTE_COLLECT_CATS_MAX]; /* their labels (header)    */
	struct waste_collect_area *area;
	int nareas;
	struct waste_collect_category *category;
	int ncategories;
	struct waste_collect_target *target;
	int ntargets;
	struct waste_collect_center *center;
	int ncenters;
	struct waste_collect_form form[WASTE_COLLECT_FILES_];
	int areas_cap, targets_cap;  /* room allocated (internal)          */
};

struct waste_collect_problem {
	enum waste_collect_file file;
	long line;                 /* 1-based; 0: the file as a whole        */
	int col;                   /* 1-based; 0: the row                    */
	char what[200];            /* English, for staff (the page words it) */
	const char *code;          /* catalog suffix: waste.collect.p.<code> */
};

struct waste_collect_problems {
	struct waste_collect_problem p[WASTE_COLLECT_PROBLEMS_MAX];
	int n;                     /* listed                                 */
	int more;                  /* not listed                             */
};

/* waste_collect_file_name -- "area_days.csv", ... */
const char *waste_collect_file_name(enum waste_collect_file f);

/* waste_collect_rule_parse -- text into r (text kept as given); 0, or
 * ERR_INVALID with e saying which token */
int waste_collect_rule_parse(struct waste_collect_rule *r, const char *text, struct err *e);
/* waste_collect_rule_holds -- 1 when r collects on day d (day number) */
int waste_collect_rule_holds(const struct waste_collect_rule *r, long d);

/* waste_collect_parse -- the files (data[f], len[f]; a NULL data: not
 * given; area_days, target and description are required, center is not)
 * into *out.  Every problem found is listed in pr (up to its limit) and
 * the answer is ERR_INVALID; *out is then NULL. */
int waste_collect_parse(struct waste_collect **out, const char *const data[WASTE_COLLECT_FILES_],
			const size_t len[WASTE_COLLECT_FILES_], struct waste_collect_problems *pr,
			struct err *e);
void waste_collect_free(struct waste_collect *c);

/* waste_collect_import -- c replaces the tenant's calendar in one
 * transaction (nothing changes when it fails) */
int waste_collect_import(struct store *s, const char *tenant, const struct waste_collect *c,
			 struct err *e);
/* waste_collect_load -- the tenant's calendar; ERR_NOTFOUND when none
 * was imported */
int waste_collect_load(struct waste_collect **out, struct store *s, const char *tenant,
		       struct err *e);
/* waste_collect_export -- file f of c into b, as 5374 reads it; a file
 * not imported (center.csv is optional) or no calendar (c NULL): the
 * 5374 header row alone, an empty data set */
int waste_collect_export(struct buf *b, const struct waste_collect *c, enum waste_collect_file f,
			 struct err *e);

/* waste_collect_area_find -- the area of code, or NULL */
const struct waste_collect_area *waste_collect_area_find(const struct waste_collect *c,
							 const char *code);

/* one collection day of an area: the categories collected (bit i for
 * c->cat[i]) */
struct waste_collect_day {
	struct jp_date date;
	unsigned cats;
};

/* waste_collect_closed -- 1 when nothing is collected in a on day d
 * (12/29-1/3, the center's closed period) */
int waste_collect_closed(const struct waste_collect_area *a, long d);
/* waste_collect_days -- the collection days of area a from..to
 * (inclusive, at most WASTE_COLLECT_SPAN_MAX days) in date order into
 * out (max entries); their count, or ERR_LIMIT */
int waste_collect_days(struct waste_collect_day *out, int max, const struct waste_collect *c,
		       const struct waste_collect_area *a, struct jp_date from, struct jp_date to);

#endif
