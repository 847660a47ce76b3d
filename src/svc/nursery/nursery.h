/*
 * nursery.h -- nursery admission allocation (保育所等入所選考): the public
 * contract of src/svc/nursery/.
 *
 * Pipeline: an instance (facilities with open seats per age class,
 * children with scores, tie-break keys and ranked preferences, families with
 * sibling requests) is parsed from the line format of docs/nursery.md
 * (nursery_instance_parse) or generated (nursery_gen_run); an algorithm
 * (nursery_alloc_run) produces a result (one facility or none per child);
 * the verifier (nursery_verify_run, written separately from the solvers
 * and sharing none of their code) measures it; nursery_explain_* says why.
 *
 * Invariants of a parsed instance (established by nursery_instance_finish):
 *   - every id resolves; ages are 0..5; no duplicate preference; a transfer
 *     child's current nursery is not among its preferences;
 *   - priorities are strict: key(c,d) packs (score + bonus(c,d)) and the
 *     child's global tie-break rank (reason, income, lottery, id), so two
 *     children never tie at a facility;
 *   - a transfer child keeps its current seat unless it moves: that seat is
 *     counted in the capacity of its slot and the child has the top key
 *     there (NURSERY_KEY_INCUMBENT), so the seat is freed only by moving;
 *   - a slot is one (facility, share group) pair; ages of a facility that
 *     share a room form one group whose capacity is the sum of their seats.
 *
 * Ownership: an instance owns all its arrays; nursery_instance_free frees
 * them.  A result owns its arrays; nursery_result_done frees them.
 * Nothing here logs, exits or keeps global mutable state; all output is a
 * function of the input (byte-identical for identical input).
 */
#ifndef MADOGUCHI_NURSERY_NURSERY_H
#define MADOGUCHI_NURSERY_NURSERY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

#define NURSERY_AGES 6          /* 0歳児 .. 5歳児 */
#define NURSERY_ID_MAX 64       /* bytes of an id                         */
#define NURSERY_PREFS_MAX 64    /* preferences per child                  */
#define NURSERY_FAMILY_MAX 6    /* children per family                    */
#define NURSERY_TUPLES_MAX 512  /* joint options per family (truncated)   */
#define NURSERY_CHILDREN_MAX 4000000
#define NURSERY_FACILITIES_MAX 200000
#define NURSERY_INPUT_MAX ((size_t)2 << 30)   /* bytes of one input file */
#define NURSERY_SCORE_MAX 1000000
#define NURSERY_BONUS_MAX 100000
#define NURSERY_TB_MAX 1000000000

#define NURSERY_KEY_INCUMBENT ((uint64_t)1 << 63)

/* Sibling request of a family (docs/nursery.md maps them to the seven
 * patterns used by municipalities). */
enum nursery_family_mode {
	NURSERY_FAM_SINGLE = 0, /* one child (also: no F line)                */
	NURSERY_FAM_INDEP,      /* 別保順次(希): each child on its own        */
	NURSERY_FAM_SAME,       /* 同保同時: all in one nursery, or none       */
	NURSERY_FAM_PREFER,     /* 別保順次(同): same nursery preferred,
				   split and partial entry allowed            */
	NURSERY_FAM_JOINT,      /* explicit ranked joint list (J lines)       */
};

struct nursery_facility {
	char *id;
	int cap[NURSERY_AGES];               /* open seats as given        */
	unsigned char group[NURSERY_AGES];   /* share group of each age    */
	int slot[NURSERY_AGES];              /* slot index of each age     */
	long line;
};

struct nursery_child {
	char *id;
	int family;        /* index into fam[]                               */
	int age;
	int score;         /* household score from the ward's rule table     */
	int tb[3];         /* tie-break: reason rank, income, lottery (lower
			      is better for each)                             */
	int cur;           /* current facility (転園 request) or -1          */
	int npref;
	size_t pref_off;   /* into pref_fac / pref_bonus / pref_key          */
	int fam_pos;       /* position within its family                     */
	long line;
};

struct nursery_family {
	char *id;
	int mode;          /* enum nursery_family_mode                       */
	int nchild;
	size_t child_off;  /* into fam_child                                 */
	int ntuple;        /* joint options (only when tupled)               */
	size_t tuple_off;  /* into tuple_fac: ntuple * nchild facility
			      indices; -1 = not placed (a transfer child
			      keeps its current seat)                         */
	int tupled;        /* 1: the family is allocated as one unit         */
	int declared;      /* 1: an F line exists                            */
	long line;
};

struct nursery_slot {
	int fac;
	int cap;           /* open seats + transfer children holding a seat  */
	unsigned char ages;/* bit mask of the ages sharing this slot         */
};

struct nursery_instance {
	int nfac, nchild, nfam, nslot;
	struct nursery_facility *fac;
	struct nursery_child *child;
	struct nursery_family *fam;
	struct nursery_slot *slot;
	size_t npref;
	int *pref_fac;         /* facility of each preference entry          */
	int *pref_bonus;       /* facility-specific bonus (B lines)          */
	uint64_t *pref_key;    /* priority key of the child there            */
	int *fam_child;        /* children of each family, in input order    */
	int *tuple_fac;
	uint32_t *tb_rank;     /* global tie-break rank (0 = first)          */
	int finished;
	void *index;           /* private: id hash tables                    */
};

/* ---- instance ---------------------------------------------------------- */

/* nursery_instance_parse -- parse the line format (docs/nursery.md) from a
 * buffer, UTF-8 (with or without BOM) or CP932, comma- or tab-separated.
 * Refuses invalid input with e->line set: unknown ids, duplicates, ages out
 * of range, a family missing a child, bad numbers, limits exceeded.
 * *out is allocated; free with nursery_instance_free. */
int nursery_instance_parse(struct nursery_instance **out, const char *buf,
			   size_t len, struct err *e);

/* nursery_instance_load -- nursery_instance_parse on a file's contents. */
int nursery_instance_load(struct nursery_instance **out, const char *path,
			  struct err *e);

struct nursery_rules;

/* _rules variants: H lines (household data) are scored with the ward's
 * rule table for children whose score or reason rank is "*". */
int nursery_instance_parse_rules(struct nursery_instance **out,
				 const char *buf, size_t len,
				 const struct nursery_rules *rules,
				 struct err *e);
int nursery_instance_load_rules(struct nursery_instance **out,
				const char *path,
				const struct nursery_rules *rules,
				struct err *e);

/* nursery_instance_write -- write the instance in the line format (UTF-8,
 * comma-separated).  Parsing the output gives the same instance. */
int nursery_instance_write(const struct nursery_instance *in, FILE *f,
			   struct err *e);

void nursery_instance_free(struct nursery_instance *in);

/* nursery_instance_child_key -- priority key of child c at facility d (the
 * key used by the solvers; higher wins).  0 if d is not acceptable. */
uint64_t nursery_instance_child_key(const struct nursery_instance *in, int c,
				    int d);

/* nursery_instance_find_child / _fac -- index of an id, or -1. */
int nursery_instance_find_child(const struct nursery_instance *in,
				const char *id);
int nursery_instance_find_fac(const struct nursery_instance *in,
			      const char *id);

/* ---- rule tables (data/nursery/NAME.rules) -------------------------------- */

struct nursery_rules;

struct nursery_guardian {
	char reason[24];   /* "work", "illness", "care", "study", ... */
	int days_month;    /* working days per month                  */
	double hours_day;  /* working hours per day                   */
};

/* nursery_rules_parse -- parse a rule table (format in docs/nursery.md). */
int nursery_rules_parse(struct nursery_rules **out, const char *buf,
			size_t len, struct err *e);
int nursery_rules_load(struct nursery_rules **out, const char *path,
		       struct err *e);
void nursery_rules_free(struct nursery_rules *r);
const char *nursery_rules_name(const struct nursery_rules *r);

/* A household to score (nursery_rules_score); read during the call only. */
struct nursery_household {
	const struct nursery_guardian *guardians;
	int nguardians;    /* 1 or 2 (ERR_INVALID); with 1, the other
			      counts as reason "absent"              */
	const char *const *adjust; /* adjustment codes of the table, each
			      adding its points; NULL when nadjust is 0 */
	int nadjust;
};
/* nursery_rules_score -- household score: the guardians' base indices
 * combined as the table says (sum, or min x count), plus the points of
 * each named adjustment.  *reason_rank gets the tie-break rank of the
 * weakest guardian's reason (lower is better).  Unknown reasons or
 * adjustment codes are ERR_NOTFOUND. */
int nursery_rules_score(int *score, int *reason_rank,
			const struct nursery_rules *r,
			const struct nursery_household *hh, struct err *e);

/* nursery_rules_adjust_count / _adjust_name -- the adjustment codes. */
int nursery_rules_adjust_count(const struct nursery_rules *r);
const char *nursery_rules_adjust_name(const struct nursery_rules *r, int i);

/* ---- generator --------------------------------------------------------- */

struct nursery_gen_opts {
	const char *preset;   /* suginami, saitama, tokyo, stress, tiny       */
	uint64_t seed;
	int children;         /* 0 = preset default                           */
	int facilities;       /* 0 = preset default                           */
	int max_prefs;        /* 0 = preset default                           */
	double sibling_rate;  /* <0 = preset default: share of families with
				 two or more applying children              */
	double transfer_rate; /* <0 = default                                 */
	double bonus_rate;    /* <0 = default: share of children with a
				 facility-specific bonus (B line)            */
	double share_rate;    /* <0 = default: facilities sharing 0-1 rooms  */
	int adversarial;      /* number of no-stable-outcome gadgets added   */
	const struct nursery_rules *rules; /* NULL: built-in Suginami-like   */
};

void nursery_gen_opts_init(struct nursery_gen_opts *o);

/* nursery_gen_run -- deterministic in (opts): the same options give the
 * same instance on every machine. */
int nursery_gen_run(struct nursery_instance **out,
		    const struct nursery_gen_opts *o, struct err *e);

/* ---- allocation -------------------------------------------------------- */

enum nursery_algo {
	NURSERY_ALGO_BASELINE = 0, /* score-ordered serial dictatorship      */
	NURSERY_ALGO_DA,           /* deferred acceptance, families monotone */
	NURSERY_ALGO_SIBLING,      /* sorted DA + blocking repair + restart  */
	NURSERY_ALGO_EXACT,        /* GLPK: min blocking, then max placed    */
};

enum nursery_status {
	NURSERY_STATUS_OK = 0,        /* done; stable if the algo promises it */
	NURSERY_STATUS_UNSTABLE,      /* sibling: no stable outcome found     */
	NURSERY_STATUS_OPTIMAL,       /* exact: both stages proven optimal    */
	NURSERY_STATUS_TIMELIMIT,     /* exact: time limit hit; gap reported  */
};

struct nursery_progress {
	void (*fn)(void *arg, const char *phase, double done);
	void *arg;
};

struct nursery_alloc_opts {
	int algo;
	double time_limit;   /* exact: seconds (0 = 60)                       */
	int max_restarts;    /* sibling: restarts after a cycle (0 = 8)       */
	int no_decompose;    /* exact: solve as one model                     */
	int allow_fewer;     /* exact: may place fewer children than the
				`sibling` warm start to remove more blocking
				coalitions (pure lexicographic order).  By
				default exact keeps at least sibling's
				placements in every part, so it never places
				fewer children nor leaves more blocking
				coalitions than sibling                       */
	const struct nursery_progress *progress; /* may be NULL               */
};

struct nursery_result {
	int nchild;
	int *assign;         /* facility index or -1                          */
	int algo;
	int status;
	double seconds;      /* solver wall time                              */
	/* sibling */
	int restarts, cycles;
	long blocking_left;  /* blocking coalitions the solver knows remain   */
	/* exact */
	double gap;          /* relative gap of the last stage, 0 if optimal  */
	long bc_bound;       /* lower bound on blocking coalitions            */
	long placed_bound;   /* upper bound on children placed               */
	int components;      /* independent parts solved                     */
	long reduced_units;  /* largest part left undecided by propagation  */
};

void nursery_alloc_opts_init(struct nursery_alloc_opts *o);
int nursery_algo_parse(int *algo, const char *name);
const char *nursery_algo_name(int algo);
const char *nursery_status_name(int status);

int nursery_alloc_run(struct nursery_result *out,
		      const struct nursery_instance *in,
		      const struct nursery_alloc_opts *o, struct err *e);

void nursery_result_done(struct nursery_result *r);

/* nursery_result_write -- CSV: child_id,family_id,age,assigned,rank
 * (rank 1.. = preference, 0 = kept current seat, empty = not placed). */
int nursery_result_write(const struct nursery_result *r,
			 const struct nursery_instance *in, FILE *f,
			 struct err *e);
/* nursery_result_parse -- read that CSV back against its instance. */
int nursery_result_parse(struct nursery_result *out,
			 const struct nursery_instance *in, const char *buf,
			 size_t len, struct err *e);
int nursery_result_load(struct nursery_result *out,
			const struct nursery_instance *in, const char *path,
			struct err *e);

/* ---- verifier ---------------------------------------------------------- */

#define NURSERY_RANK_HIST 11   /* ranks 1..10, then 11+ */

struct nursery_metrics {
	long children, placed, unplaced;
	long placed_by_age[NURSERY_AGES], children_by_age[NURSERY_AGES];
	long transfers_requested, transfers_moved;
	long blocking_coalitions;  /* (unit, option) pairs that block        */
	long blocking_units;       /* units with at least one                */
	long justified_envy;       /* (child, holder) pairs, one slot         */
	long wasted_seats;         /* empty seats some child prefers         */
	long capacity_violations;  /* seats over capacity, summed            */
	long sibling_violations;   /* families not in an admissible option   */
	long transfer_violations;  /* transfer child worse than current      */
	long invalid_assignments;  /* child at a facility it did not list    */
	long first_choice;         /* placed at preference 1                 */
	long rank_sum;             /* over children placed at a preference   */
	long rank_hist[NURSERY_RANK_HIST];
	double pct_first_choice;   /* over children placed at a preference   */
	double mean_rank;
	char hash[17];             /* FNV-1a 64 of the sorted assignment     */
};

/* nursery_verify_run -- recompute every metric from the raw fields of the
 * instance (scores, bonuses, tie-break keys, capacities, sharing,
 * transfers, families) and the assignment.  Independent of the solvers. */
int nursery_verify_run(struct nursery_metrics *m,
		       const struct nursery_instance *in, const int *assign,
		       struct err *e);

/* nursery_metrics_write_json -- one JSON object, stable key order. */
void nursery_metrics_write_json(const struct nursery_metrics *m, FILE *f);

/* ---- explanations ------------------------------------------------------ */

enum nursery_reason {
	NURSERY_WHY_CUTOFF = 0,    /* the border at that class is above you   */
	NURSERY_WHY_TIEBREAK,      /* same score as the border; lost tie-break */
	NURSERY_WHY_NO_CLASS,      /* no open seat in that age class          */
	NURSERY_WHY_SIBLING,       /* the family's joint request did not fit  */
	NURSERY_WHY_UNRESOLVED,    /* you would fit: the outcome blocks here  */
};

const char *nursery_reason_name(int why);

/* nursery_explain_write_csv -- for staff: one row per (child, facility
 * ranked above the result) with the reason and the border there, then
 * one row per child with the result.  UTF-8 with BOM. */
int nursery_explain_write_csv(const struct nursery_instance *in,
			      const int *assign, FILE *f, struct err *e);

/* nursery_explain_write_cutoffs -- per facility and age class: seats,
 * filled, border score and tie-break keys (ボーダー).  UTF-8 with BOM. */
int nursery_explain_write_cutoffs(const struct nursery_instance *in,
				  const int *assign, FILE *f, struct err *e);

/* nursery_explain_write_letter_text -- the notification letter of one
 * family in Japanese plain text (the PDF renders the same text). */
int nursery_explain_write_letter_text(const struct nursery_instance *in,
				      const int *assign, int fam, FILE *f,
				      struct err *e);

/* nursery_letter_pdf_write -- the same letter as an A4 PDF at path (the
 * PDF writer, pdf/pdf.h); on a failure no file is left at path. */
int nursery_letter_pdf_write(const struct nursery_instance *in,
			     const int *assign, int fam, const char *path,
			     struct err *e);

#endif
