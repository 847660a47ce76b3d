/*
 * nursery_int.h -- private helpers shared by the files of src/svc/nursery/:
 * the id index and string pool of an instance, instance assembly
 * (nursery_instance_finish), the solver state shared by the four
 * algorithms (never by the verifier), and small utilities.
 *
 * The verifier (verify.c) includes this header only for the instance
 * assembly types; it uses none of the solver helpers (nsolve_*).
 */
#ifndef MADOGUCHI_NURSERY_NURSERY_INT_H
#define MADOGUCHI_NURSERY_NURSERY_INT_H

#include <stdint.h>
#include <stddef.h>

#include "svc/nursery/nursery.h"

/* ---- id index (open addressing, FNV-1a) -------------------------------- */

struct nidx {
	int *slot;        /* index + 1, 0 = empty */
	size_t mask;
	size_t n;
	char **keys;      /* borrowed from the owner's arrays via getter */
};

struct nursery_index {
	struct nidx fac, child, fam;
	char **pool;      /* string chunks */
	size_t npool, capool;
	char *cur;        /* free space in the last chunk */
	size_t left;
};

uint64_t nursery_hash_bytes(uint64_t h, const void *p, size_t n);

/* nursery_index_get -- the index of an instance, created on first use. */
struct nursery_index *nursery_index_get(struct nursery_instance *in);
char *nursery_strdup(struct nursery_instance *in, const char *s, size_t n);

/* lookups: kind 0 fac, 1 child, 2 fam; -1 if absent */
int nursery_index_find(const struct nursery_instance *in, int kind,
		       const char *s, size_t n);
/* insert: returns the existing index if present (and sets *dup), else
 * idx after inserting. */
int nursery_index_put(struct nursery_instance *in, int kind, const char *id,
		      int idx, int *dup);

/* nursery_instance_finish -- validate and derive slots, keys, tie-break
 * ranks, family child lists and joint options.  Parser and generator
 * fill the raw fields (fac[].id/cap/group/line, child[] raw fields,
 * pref_fac, pref_bonus, fam[].id/mode/declared/line/nchild for declared
 * families and, for JOINT families, tuple lists in jt_*), then call it. */
struct nursery_joint_raw {
	int fam;
	int *comp;        /* nchild entries, facility or -1 */
	long line;
};

int nursery_instance_finish(struct nursery_instance *in,
			    struct nursery_joint_raw *joint, size_t njoint,
			    struct err *e);

/* ---- small utilities --------------------------------------------------- */

double nursery_now(void);   /* monotonic seconds */

/* xoshiro256** seeded by splitmix64: the generator's only randomness. */
struct nrand { uint64_t s[4]; };
void nrand_seed(struct nrand *r, uint64_t seed);
uint64_t nrand_next(struct nrand *r);
double nrand_unit(struct nrand *r);             /* [0,1) */
int nrand_below(struct nrand *r, int n);        /* [0,n) */

/* nsolve_base_key -- a child's key without facility bonus: the order in
 * which staff process applicants by hand (baseline, family order). */
static inline uint64_t nsolve_base_key(const struct nursery_instance *in,
				       int c)
{
	const struct nursery_child *ch = &in->child[c];
	return ((uint64_t)((int64_t)ch->score + NURSERY_BONUS_MAX) << 32) |
	       (uint64_t)(UINT32_MAX - in->tb_rank[c]);
}

/* ---- solver state (baseline, da, sibling, exact; never the verifier) --- */

/* A unit is what proposes: one child on its own, or a tupled family. */
struct nsolve_unit {
	int fam;          /* family index if tupled, else -1                 */
	int child;        /* child index if single, else -1                  */
	int nopt;         /* options, best first, fallback excluded          */
	int next;         /* next option to propose                          */
	int held;         /* option currently held, -1 none, nopt fallback   */
	uint64_t order;   /* processing key (higher first)                   */
	int touched;      /* activations in the repair loop                  */
};

struct nsolve {
	const struct nursery_instance *in;
	int nunit;
	struct nsolve_unit *unit;
	int *unit_of_child;
	/* per slot: min-heap of holders (child indices) by key-at-slot */
	int *heap;        /* flat: slot s uses heap[hoff[s] .. hoff[s]+cap) */
	size_t *hoff;
	int *hn;          /* holders in slot s                               */
	uint64_t *hkey;   /* key of the holder at the same heap position     */
	int *hpos;        /* heap position of child (or -1)                  */
	int *slot_of;     /* slot held by child or -1                        */
	int *assign;      /* facility of child or -1                         */
	/* FIFO of units to process */
	int *queue;
	size_t qhead, qtail, qcap;
	int *inq;
	long proposals;
	/* slots that lost a holder since the last nsolve_dirty_take */
	unsigned char *dirty;
	int *dlist;
	int ndirty;
};

/* nsolve_dirty_take -- move the dirty slot list into out (capacity nslot),
 * clearing it; returns how many. */
int nsolve_dirty_take(struct nsolve *s, int *out);

/* snapshot of the mutable state, to restart from a phase */
struct nsolve_snap {
	int *heap, *hn, *hpos, *slot_of, *assign;
	uint64_t *hkey;
	struct nsolve_unit *unit;
};
int nsolve_snap_save(struct nsolve_snap *sn, const struct nsolve *s);
void nsolve_snap_load(struct nsolve *s, const struct nsolve_snap *sn);
void nsolve_snap_done(struct nsolve_snap *sn);

int nsolve_init(struct nsolve *s, const struct nursery_instance *in);
void nsolve_done(struct nsolve *s);
void nsolve_reset(struct nsolve *s);

/* option o of unit u: per child in the unit, facility (or -1) and key.
 * Returns the number of children written (1 for a single). */
int nsolve_option(const struct nsolve *s, int u, int o, int *child, int *fac,
		  uint64_t *key);

/* nsolve_fits -- can unit u take option o now, evicting only holders of
 * lower key (evict = 1) or using only free seats (evict = 0)? */
int nsolve_fits(const struct nsolve *s, int u, int o, int evict);

/* nsolve_take -- give option o to unit u (it must fit), evicting the
 * lowest holders as needed; evicted units are dropped from what they held
 * and queued (with next advanced past the lost option). */
void nsolve_take(struct nsolve *s, int u, int o);

/* nsolve_release -- unit u gives up what it holds. */
void nsolve_release(struct nsolve *s, int u);

/* nsolve_fallback -- give unit u its fallback (transfer children keep their
 * current seats, the others get nothing). */
void nsolve_fallback(struct nsolve *s, int u);

void nsolve_push(struct nsolve *s, int u);
int nsolve_pop(struct nsolve *s);

/* nsolve_run_queue -- deferred acceptance until the queue is empty: each
 * popped unit proposes from its next option down; monotone (a unit never
 * moves up).  Returns proposals made. */
long nsolve_run_queue(struct nsolve *s);

/* nsolve_blocking -- the best option above what u holds that would be
 * accepted now (evicting lower holders), or -1. */
int nsolve_blocking(const struct nsolve *s, int u);

int nursery_alloc_baseline(struct nursery_result *r, struct nsolve *s,
			   const struct nursery_alloc_opts *o, struct err *e);
int nursery_alloc_da(struct nursery_result *r, struct nsolve *s,
		     const struct nursery_alloc_opts *o, struct err *e);
int nursery_alloc_sibling(struct nursery_result *r, struct nsolve *s,
			  const struct nursery_alloc_opts *o, struct err *e);
int nursery_alloc_exact(struct nursery_result *r, struct nsolve *s,
			const struct nursery_alloc_opts *o, struct err *e);

/* reading a text file whole, with the input limit */
int nursery_file_read(char **buf, size_t *len, const char *path,
		      struct err *e);

/* nursery_text_to_utf8 -- UTF-8 (BOM stripped) as is; otherwise CP932
 * through jp_cp932_to_utf8.  *out is either buf+offset (no copy, *owned =
 * NULL) or a new buffer (*owned = it, free()). */
int nursery_text_to_utf8(const char **out, size_t *outlen, char **owned,
			 const char *buf, size_t len, struct err *e);

#endif
