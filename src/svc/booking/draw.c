/*
 * draw.c -- the lottery engine of facility reservations (booking.h,
 * "Lottery"): the seed, the stream of unbiased integers, the draw under
 * the two allocation rules, and the canonical texts of its inputs and of
 * its result.  Pure: no clock, no database, no randomness but the seed.
 *
 * Seed: SHA-256 of the bytes "madoguchi-booking-lottery\n", the public
 * value, "\n" and the round id in decimal (no sign, no leading zeros).
 *
 * Stream: block i = SHA-256(seed || i as 8 bytes big-endian); a value is
 * the first 8 bytes of a block read as a big-endian uint64.
 * booking_uniform(seed, &counter, n) takes values (counter + 1 each) and
 * rejects every value >= the largest multiple of n not above 2^64 (none
 * when n divides 2^64), so v % n is exactly uniform on [0, n).  n < 1
 * answers 0 and takes nothing.
 *
 * Draw: the entries, in strictly increasing id order, are shuffled by
 * Fisher-Yates from the last index down: for i = n-1 .. 1, j =
 * uniform(i+1), swap positions i and j; one counter, from 0, serves the
 * whole draw.  A slot is (facility, unit, day, band); slots are ordered
 * by facility, unit (bytewise), day (numerically), band (bytewise).
 *   order     walk the shuffled order; an entry whose group has fewer than
 *             wins_cap wins takes its highest-ranked choice that is
 *             neither blocked nor already won in this draw.  Rows: every
 *             entry in shuffled order with the rank won (0 none).
 *   per_slot  for each distinct slot named by any choice, in slot order,
 *             not blocked: the candidates are the entries naming it that
 *             have not won and whose group has fewer than wins_cap wins,
 *             in shuffled order; when there is one or more, winner =
 *             candidates[uniform(count)] (the same counter, going on).
 *             Rows: the winners in slot order, then the other entries in
 *             shuffled order with 0.
 * The engine knows no unit hierarchy: a 全面 and its 半面 are different
 * slots here (the caller blocks or resolves them).
 *
 * The inputs text (the published file; LF line ends, a final LF):
 *   madoguchi-booking-lottery 1
 *   round <id>
 *   public <value>                      (the rest of the line, verbatim)
 *   alloc order|per_slot
 *   wins_cap <n>
 *   blocked <facility> <unit> <YYYY-MM-DD> <band>   (slot order, distinct)
 *   entry <id> group <gid> choices <facility>/<unit>/<YYYY-MM-DD>/<band> ...
 * The result text is the inputs text, "seed <64 hex>", and one line per
 * row: "<pos> entry <id> won <rank>" (pos from 1), followed by
 * " <facility>/<unit>/<YYYY-MM-DD>/<band>" when it won.  Its hash is the
 * lowercase hex SHA-256 of those bytes.  Numbers are decimal without
 * sign or leading zeros; the parser accepts exactly what the writer
 * writes (blocked lines sorted and distinct, entries by increasing id).
 *
 * Limits: entries <= BOOKING_ENTRIES_MAX, choices 1..BOOKING_CHOICES_MAX,
 * blocked slots <= BOOKING_ENTRIES_MAX * BOOKING_CHOICES_MAX, public value
 * 1..BOOKING_PUBLIC_MAX bytes of UTF-8 without control characters (C0,
 * DEL, C1, U+2028, U+2029), ids and groups >= 1, wins_cap
 * 1..BOOKING_ENTRIES_MAX, days from 1970-01-01 to 9999-12-31, codes as
 * booking_code_ok.  A parsed text is at most DRAW_TEXT_MAX bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/util.h"
#include "jp/text.h"
#include "svc/booking/booking.h"

#define DRAW_MAGIC "madoguchi-booking-lottery"
#define DRAW_TEXT_MAX (256u << 20)
#define DRAW_BLOCKED_MAX ((long)BOOKING_ENTRIES_MAX * BOOKING_CHOICES_MAX)
#define DRAW_DAY_MAX 2932896L   /* 9999-12-31 */

int booking_code_ok(const char *code)
{
	if (!code)
		return 0;
	size_t n = strlen(code);
	if (n < 1 || n > BOOKING_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Seed and stream                                                     */

void booking_seed(unsigned char seed[32], const char *public_value, int64_t round)
{
	char num[32];
	int k = snprintf(num, sizeof num, "%" PRId64, round);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)DRAW_MAGIC "\n",
				  sizeof DRAW_MAGIC "\n" - 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)public_value, strlen(public_value));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)num, (size_t)k);
	crypto_hash_sha256_final(&st, seed);
}

static uint64_t stream_value(const unsigned char seed[32], uint64_t i)
{
	unsigned char in[40], h[crypto_hash_sha256_BYTES];
	memcpy(in, seed, 32);
	for (int b = 0; b < 8; b++)
		in[32 + b] = (unsigned char)(i >> (56 - 8 * b));
	crypto_hash_sha256(h, in, sizeof in);
	uint64_t v = 0;
	for (int b = 0; b < 8; b++)
		v = (v << 8) | h[b];
	return v;
}

uint64_t booking_uniform(const unsigned char seed[32], uint64_t *counter, uint64_t n)
{
	if (n < 1)
		return 0;
	/* r = 2^64 mod n; the values >= 2^64 - r are rejected */
	uint64_t r = (UINT64_MAX % n + 1) % n;
	uint64_t lim = 0 - r;   /* 2^64 - r (unused when r == 0) */
	for (;;) {
		uint64_t v = stream_value(seed, (*counter)++);
		if (r == 0 || v < lim)
			return v % n;
	}
}

/* ------------------------------------------------------------------ */
/* Checking the inputs                                                 */

static int slot_cmp(const struct booking_choice *a, const struct booking_choice *b)
{
	int c = strcmp(a->facility, b->facility);
	if (c)
		return c;
	c = strcmp(a->unit, b->unit);
	if (c)
		return c;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return strcmp(a->band, b->band);
}

static int part_cmp(const struct booking_part *a, const struct booking_part *b)
{
	int c = strcmp(a->facility, b->facility);
	return c ? c : strcmp(a->unit, b->unit);
}

static int public_ok(const char *v, struct err *e, long line)
{
	size_t n = strnlen(v, BOOKING_PUBLIC_MAX + 1);
	if (n > BOOKING_PUBLIC_MAX)
		return err_set_line(e, ERR_LIMIT, line, "public value longer than %d bytes",
				    BOOKING_PUBLIC_MAX);
	if (n == 0)
		return err_set_line(e, ERR_INVALID, line, "public value empty");
	if (jp_text_utf8_validate(NULL, v, n, NULL) != 0)
		return err_set_line(e, ERR_INVALID, line, "public value not UTF-8");
	const unsigned char *p = (const unsigned char *)v;
	for (size_t i = 0; i < n; i++) {
		int bad = p[i] < 0x20 || p[i] == 0x7f ||
			  (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) ||
			  (p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9));
		if (bad)
			return err_set_line(e, ERR_INVALID, line,
					    "public value has a control character at byte %zu", i);
	}
	return 0;
}

/* a code field of a fixed array: NUL within it and booking_code_ok */
static int field_ok(const char *s)
{
	return memchr(s, '\0', BOOKING_CODE_MAX + 1) != NULL && booking_code_ok(s);
}

static int choice_ok(const struct booking_choice *c)
{
	return field_ok(c->facility) && field_ok(c->unit) && field_ok(c->band) && c->day >= 0 &&
	       c->day <= DRAW_DAY_MAX;
}

static int entry_check(const struct booking_entry *en, int64_t prev_id, struct err *e, long line)
{
	if (en->id < 1)
		return err_set_line(e, ERR_INVALID, line, "entry id %" PRId64 " not positive", en->id);
	if (en->id <= prev_id)
		return err_set_line(e, ERR_INVALID, line,
				    "entry %" PRId64 " not after entry %" PRId64 " (ids must increase)",
				    en->id, prev_id);
	if (en->group < 1)
		return err_set_line(e, ERR_INVALID, line, "entry %" PRId64 ": group not positive", en->id);
	if (en->nchoices > BOOKING_CHOICES_MAX)
		return err_set_line(e, ERR_LIMIT, line, "entry %" PRId64 ": more than %d choices", en->id,
				    BOOKING_CHOICES_MAX);
	if (en->nchoices < 1)
		return err_set_line(e, ERR_INVALID, line, "entry %" PRId64 ": no choice", en->id);
	for (int i = 0; i < en->nchoices; i++) {
		if (!choice_ok(&en->choices[i]))
			return err_set_line(e, ERR_INVALID, line, "entry %" PRId64 ": choice %d invalid",
					    en->id, i + 1);
		for (int j = 0; j < i; j++)
			if (slot_cmp(&en->choices[i], &en->choices[j]) == 0)
				return err_set_line(e, ERR_INVALID, line,
						    "entry %" PRId64 ": choices %d and %d name the same slot",
						    en->id, j + 1, i + 1);
	}
	return 0;
}

static int in_check(const struct booking_draw_in *in, struct err *e)
{
	if (!in)
		return err_set(e, ERR_INVALID, "no inputs");
	if (in->round < 1)
		return err_set(e, ERR_INVALID, "round id not positive");
	if (!memchr(in->public_value, '\0', sizeof in->public_value))
		return err_set(e, ERR_LIMIT, "public value longer than %d bytes", BOOKING_PUBLIC_MAX);
	int rc = public_ok(in->public_value, e, 0);
	if (rc)
		return rc;
	if (in->alloc != BOOKING_ALLOC_ORDER && in->alloc != BOOKING_ALLOC_PER_SLOT)
		return err_set(e, ERR_INVALID, "alloc unknown");
	if (in->wins_cap < 1 || in->wins_cap > BOOKING_ENTRIES_MAX)
		return err_set(e, ERR_INVALID, "wins_cap out of range");
	if (in->nentries < 0 || (in->nentries > 0 && !in->entries))
		return err_set(e, ERR_INVALID, "entries missing");
	if (in->nentries > BOOKING_ENTRIES_MAX)
		return err_set(e, ERR_LIMIT, "more than %d entries", BOOKING_ENTRIES_MAX);
	if (in->nparts < 0 || in->nparts > BOOKING_PARTS_MAX || (in->nparts > 0 && !in->parts))
		return err_set(e, ERR_INVALID, "parts: 0 to %d", BOOKING_PARTS_MAX);
	for (int i = 0; i < in->nparts; i++) {
		const struct booking_part *pt = &in->parts[i];
		if (!booking_code_ok(pt->facility) || !booking_code_ok(pt->unit) || !booking_code_ok(pt->parent) ||
		    !strcmp(pt->unit, pt->parent))
			return err_set(e, ERR_INVALID, "part %d invalid", i + 1);
		if (i > 0 && part_cmp(&in->parts[i - 1], pt) >= 0)
			return err_set(e, ERR_INVALID, "parts not in order");
	}
	if (in->nblocked < 0 || (in->nblocked > 0 && !in->blocked))
		return err_set(e, ERR_INVALID, "blocked slots missing");
	if (in->nblocked > DRAW_BLOCKED_MAX)
		return err_set(e, ERR_LIMIT, "more than %ld blocked slots", DRAW_BLOCKED_MAX);
	for (int i = 0; i < in->nblocked; i++)
		if (!choice_ok(&in->blocked[i]))
			return err_set(e, ERR_INVALID, "blocked slot %d invalid", i + 1);
	int64_t prev = 0;
	for (int i = 0; i < in->nentries; i++) {
		rc = entry_check(&in->entries[i], prev, e, 0);
		if (rc)
			return rc;
		prev = in->entries[i].id;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The draw                                                            */

static int pchoice_cmp(const void *a, const void *b)
{
	return slot_cmp(*(const struct booking_choice *const *)a, *(const struct booking_choice *const *)b);
}

static uint64_t slot_hash(const struct booking_choice *c)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	const char *f[3] = { c->facility, c->unit, c->band };
	for (int k = 0; k < 3; k++) {
		for (const unsigned char *q = (const unsigned char *)f[k]; *q; q++)
			h = (h ^ *q) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return (h ^ (uint64_t)c->day) * 1099511628211ull;
}

static uint64_t i64_hash(int64_t v)
{
	uint64_t x = (uint64_t)v;   /* splitmix64's finalizer */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

struct pair {
	const struct booking_choice *c;
	int k;
};

static int pair_cmp(const void *a, const void *b)
{
	return slot_cmp(((const struct pair *)a)->c, ((const struct pair *)b)->c);
}

struct bucket {
	int entry, rank;
};

/* the work space of a draw: one allocation */
struct ws {
	int *perm;          /* position -> entry                       */
	int *gidx;          /* entry -> group number                   */
	int *wins;          /* group number -> wins so far             */
	int *eslot;         /* entry * CHOICES_MAX + rank-1 -> slot    */
	int *table;         /* hash table: slot or group number + 1    */
	int64_t *gids;      /* group number -> group id                */
	const struct booking_choice **reps;  /* slot (first seen) -> a choice */
	const struct booking_choice **blk;   /* the blocked, sorted    */
	int *order;         /* first-seen slot -> slot number          */
	int *start;         /* slot number -> first bucket             */
	struct bucket *bk;  /* per_slot: namers by slot, then position */
	unsigned char *won, *taken, *blocked;
	const struct booking_choice **sorted;  /* slot number -> its slot  */
	int ns;
};

/* the slot numbered by (facility, unit, day, band), or -1 */
static int slot_find(const struct ws *w, const char *facility, const char *unit, long day, const char *band)
{
	struct booking_choice key;
	memset(&key, 0, sizeof key);
	snprintf(key.facility, sizeof key.facility, "%s", facility);
	snprintf(key.unit, sizeof key.unit, "%s", unit);
	snprintf(key.band, sizeof key.band, "%s", band);
	key.day = day;
	int lo = 0, hi = w->ns;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int c = slot_cmp(w->sorted[mid], &key);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* slot sl is won: the slots overlapping it (its unit's whole, its parts,
 * the same day and band) are taken as well */
static void take_overlapping(struct ws *w, const struct booking_draw_in *in, int sl)
{
	const struct booking_choice *c = w->sorted[sl];
	for (int i = 0; i < in->nparts; i++) {
		const struct booking_part *pt = &in->parts[i];
		if (strcmp(pt->facility, c->facility))
			continue;
		int k = !strcmp(pt->unit, c->unit) ? slot_find(w, c->facility, pt->parent, c->day, c->band)
		      : !strcmp(pt->parent, c->unit) ? slot_find(w, c->facility, pt->unit, c->day, c->band) : -1;
		if (k >= 0)
			w->taken[k] = 1;
	}
}

static void *carve(char **p, size_t n)
{
	void *r = *p;
	*p += (n + 7) & ~(size_t)7;
	return r;
}

int booking_draw(struct booking_draw_out *out, const struct booking_draw_in *in, struct err *e)
{
	memset(out, 0, sizeof *out);
	int rc = in_check(in, e);
	if (rc)
		return rc;
	int n = in->nentries;
	booking_seed(out->seed, in->public_value, in->round);
	if (n <= 0)
		return 0;

	size_t m = 0;
	for (int i = 0; i < n; i++)
		m += (size_t)in->entries[i].nchoices;
	size_t tsize = 16;
	while (tsize < 2 * m)
		tsize *= 2;
	size_t un = (size_t)n, nb = (size_t)in->nblocked;
	size_t total = 0;
	size_t sizes[] = { un * sizeof(int), un * sizeof(int), un * sizeof(int),
			   un * BOOKING_CHOICES_MAX * sizeof(int), tsize * sizeof(int),
			   un * sizeof(int64_t), m * sizeof(void *), nb * sizeof(void *),
			   m * sizeof(int), (m + 1) * sizeof(int), m * sizeof(struct bucket), un, m, m,
			   m * sizeof(void *) };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		total += (sizes[k] + 7) & ~(size_t)7;
	char *base = malloc(total);
	struct booking_draw_row *rows = malloc(un * sizeof *rows);
	if (!base || !rows) {
		free(base);
		free(rows);
		return err_set(e, ERR_NOMEM, "no memory for a draw of %d entries", n);
	}
	char *p = base;
	struct ws w;
	w.perm = carve(&p, sizes[0]);
	w.gidx = carve(&p, sizes[1]);
	w.wins = carve(&p, sizes[2]);
	w.eslot = carve(&p, sizes[3]);
	w.table = carve(&p, sizes[4]);
	w.gids = carve(&p, sizes[5]);
	w.reps = carve(&p, sizes[6]);
	w.blk = carve(&p, sizes[7]);
	w.order = carve(&p, sizes[8]);
	w.start = carve(&p, sizes[9]);
	w.bk = carve(&p, sizes[10]);
	w.won = carve(&p, sizes[11]);
	w.taken = carve(&p, sizes[12]);
	w.blocked = carve(&p, sizes[13]);
	w.sorted = carve(&p, sizes[14]);

	/* groups: each entry's group numbered in first-seen order */
	int ng = 0;
	memset(w.table, 0, sizes[4]);
	for (int i = 0; i < n; i++) {
		int64_t g = in->entries[i].group;
		size_t h = i64_hash(g) & (tsize - 1);
		while (w.table[h] && w.gids[w.table[h] - 1] != g)
			h = (h + 1) & (tsize - 1);
		if (!w.table[h]) {
			w.gids[ng] = g;
			w.table[h] = ++ng;
		}
		w.gidx[i] = w.table[h] - 1;
	}
	memset(w.wins, 0, sizes[2]);
	memset(w.won, 0, un);

	/* the distinct slots: numbered first-seen, then in slot order */
	int ns = 0;
	memset(w.table, 0, sizes[4]);
	for (int i = 0; i < n; i++)
		for (int c = 0; c < in->entries[i].nchoices; c++) {
			const struct booking_choice *ch = &in->entries[i].choices[c];
			size_t h = slot_hash(ch) & (tsize - 1);
			while (w.table[h] && slot_cmp(w.reps[w.table[h] - 1], ch) != 0)
				h = (h + 1) & (tsize - 1);
			if (!w.table[h]) {
				w.reps[ns] = ch;
				w.table[h] = ++ns;
			}
			w.eslot[i * BOOKING_CHOICES_MAX + c] = w.table[h] - 1;
		}
	/* order[first-seen number] = slot number: the first-seen numbers
	 * sorted by their slot (nothing to sort when already in order) */
	int in_order = 1;
	for (int k = 1; k < ns && in_order; k++)
		in_order = slot_cmp(w.reps[k - 1], w.reps[k]) < 0;
	if (in_order) {
		for (int k = 0; k < ns; k++)
			w.order[k] = k;
	} else {
		struct pair *pairs = malloc((size_t)ns * sizeof *pairs);
		if (!pairs) {
			free(base);
			free(rows);
			return err_set(e, ERR_NOMEM, "no memory for a draw of %d entries", n);
		}
		for (int k = 0; k < ns; k++)
			pairs[k] = (struct pair){ w.reps[k], k };
		qsort(pairs, (size_t)ns, sizeof *pairs, pair_cmp);
		for (int k = 0; k < ns; k++)
			w.order[pairs[k].k] = k;
		free(pairs);
	}
	for (int i = 0; i < n; i++)
		for (int c = 0; c < in->entries[i].nchoices; c++)
			w.eslot[i * BOOKING_CHOICES_MAX + c] = w.order[w.eslot[i * BOOKING_CHOICES_MAX + c]];
	/* blocked: sorted, each slot looked up */
	for (size_t k = 0; k < nb; k++)
		w.blk[k] = &in->blocked[k];
	qsort(w.blk, nb, sizeof *w.blk, pchoice_cmp);
	for (int k = 0; k < ns; k++) {
		const struct booking_choice *ch = w.reps[k];
		size_t lo = 0, hi = nb;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (slot_cmp(w.blk[mid], ch) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		w.blocked[w.order[k]] = lo < nb && slot_cmp(w.blk[lo], ch) == 0;
		w.taken[k] = 0;
		w.sorted[w.order[k]] = ch;
	}
	w.ns = ns;

	/* the shuffle: Fisher-Yates from the last index down */
	uint64_t counter = 0;
	for (int i = 0; i < n; i++)
		w.perm[i] = i;
	for (int i = n - 1; i >= 1; i--) {
		int j = (int)booking_uniform(out->seed, &counter, (uint64_t)i + 1);
		int t = w.perm[i];
		w.perm[i] = w.perm[j];
		w.perm[j] = t;
	}

	if (in->alloc == BOOKING_ALLOC_ORDER) {
		for (int q = 0; q < n; q++) {
			int i = w.perm[q];
			rows[q] = (struct booking_draw_row){ in->entries[i].id, 0 };
			if (w.wins[w.gidx[i]] >= in->wins_cap)
				continue;
			for (int c = 0; c < in->entries[i].nchoices; c++) {
				int sl = w.eslot[i * BOOKING_CHOICES_MAX + c];
				if (w.taken[sl] || w.blocked[sl])
					continue;
				w.taken[sl] = 1;
				take_overlapping(&w, in, sl);
				w.wins[w.gidx[i]]++;
				rows[q].won = c + 1;
				break;
			}
		}
	} else {
		/* the namers of each slot in shuffled order (a counting sort by
		 * slot, filled in shuffled order), then slot by slot */
		memset(w.start, 0, sizes[9]);
		for (int i = 0; i < n; i++)
			for (int c = 0; c < in->entries[i].nchoices; c++)
				w.start[w.eslot[i * BOOKING_CHOICES_MAX + c] + 1]++;
		for (int k = 0; k < ns; k++)
			w.start[k + 1] += w.start[k];
		int *fill = w.table;   /* reused: next free bucket per slot */
		for (int k = 0; k < ns; k++)
			fill[k] = w.start[k];
		for (int q = 0; q < n; q++) {
			int i = w.perm[q];
			for (int c = 0; c < in->entries[i].nchoices; c++)
				w.bk[fill[w.eslot[i * BOOKING_CHOICES_MAX + c]]++] = (struct bucket){ i, c + 1 };
		}
		int nrow = 0;
		for (int k = 0; k < ns; k++) {
			if (w.blocked[k] || w.taken[k])
				continue;
			uint64_t cnt = 0;
			for (int x = w.start[k]; x < w.start[k + 1]; x++) {
				int i = w.bk[x].entry;
				cnt += !w.won[i] && w.wins[w.gidx[i]] < in->wins_cap;
			}
			if (cnt == 0)
				continue;
			uint64_t pick = booking_uniform(out->seed, &counter, cnt);
			for (int x = w.start[k]; x < w.start[k + 1]; x++) {
				int i = w.bk[x].entry;
				if (w.won[i] || w.wins[w.gidx[i]] >= in->wins_cap || pick-- > 0)
					continue;
				w.won[i] = 1;
				w.wins[w.gidx[i]]++;
				w.taken[k] = 1;
				take_overlapping(&w, in, k);
				rows[nrow++] = (struct booking_draw_row){ in->entries[i].id, w.bk[x].rank };
				break;
			}
		}
		for (int q = 0; q < n; q++)
			if (!w.won[w.perm[q]])
				rows[nrow++] = (struct booking_draw_row){ in->entries[w.perm[q]].id, 0 };
	}
	free(base);
	out->n = n;
	out->rows = rows;
	return 0;
}

void booking_draw_out_free(struct booking_draw_out *o)
{
	if (!o)
		return;
	free(o->rows);
	o->rows = NULL;
	o->n = 0;
}

/* ------------------------------------------------------------------ */
/* Texts                                                               */

static int put_slot(struct buf *b, const struct booking_choice *c, char sep)
{
	char iso[JP_DATE_ISO_SIZE];
	if (jp_date_format_iso(iso, sizeof iso, jp_date_from_days(c->day), NULL) != 0)
		return ERR_INVALID;
	const char *part[4] = { c->facility, c->unit, iso, c->band };
	int rc = 0;
	for (int k = 0; k < 4 && !rc; k++) {
		if (k)
			rc = buf_putc(b, sep);
		if (!rc)
			rc = buf_puts(b, part[k]);
	}
	return rc;
}

int booking_draw_inputs_text(struct buf *b, const struct booking_draw_in *in)
{
	int rc = in_check(in, NULL);
	if (rc)
		return rc;
	rc = buf_printf(b, DRAW_MAGIC " 1\nround %" PRId64 "\npublic %s\nalloc %s\nwins_cap %d\n",
			in->round, in->public_value,
			in->alloc == BOOKING_ALLOC_ORDER ? "order" : "per_slot", in->wins_cap);
	for (int i = 0; i < in->nparts && !rc; i++)
		rc = buf_printf(b, "part %s %s %s\n", in->parts[i].facility, in->parts[i].unit, in->parts[i].parent);
	if (rc)
		return rc;
	/* blocked: sorted, each once */
	const struct booking_choice **blk = NULL;
	if (in->nblocked > 0) {
		blk = malloc((size_t)in->nblocked * sizeof *blk);
		if (!blk)
			return ERR_NOMEM;
		for (int i = 0; i < in->nblocked; i++)
			blk[i] = &in->blocked[i];
		qsort(blk, (size_t)in->nblocked, sizeof *blk, pchoice_cmp);
	}
	for (int i = 0; i < in->nblocked && !rc; i++) {
		if (i > 0 && slot_cmp(blk[i - 1], blk[i]) == 0)
			continue;
		rc = buf_puts(b, "blocked ");
		if (!rc)
			rc = put_slot(b, blk[i], ' ');
		if (!rc)
			rc = buf_putc(b, '\n');
	}
	free(blk);
	for (int i = 0; i < in->nentries && !rc; i++) {
		const struct booking_entry *en = &in->entries[i];
		rc = buf_printf(b, "entry %" PRId64 " group %" PRId64 " choices", en->id, en->group);
		for (int c = 0; c < en->nchoices && !rc; c++) {
			rc = buf_putc(b, ' ');
			if (!rc)
				rc = put_slot(b, &en->choices[c], '/');
		}
		if (!rc)
			rc = buf_putc(b, '\n');
	}
	return rc;
}

static const struct booking_entry *entry_find(const struct booking_draw_in *in, int64_t id, int *idx)
{
	int lo = 0, hi = in->nentries;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (in->entries[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < in->nentries && in->entries[lo].id == id) {
		*idx = lo;
		return &in->entries[lo];
	}
	return NULL;
}

int booking_draw_text(struct buf *b, const struct booking_draw_in *in, const struct booking_draw_out *o,
		      char hash_hex[BOOKING_SEED_HEX])
{
	hash_hex[0] = '\0';
	if (!o || o->n != (in ? in->nentries : -1) || (o->n > 0 && !o->rows))
		return ERR_INVALID;
	size_t start = b->len;
	int rc = booking_draw_inputs_text(b, in);
	if (rc)
		return rc;
	char seed[65];
	hex_encode(seed, o->seed, 32);
	rc = buf_printf(b, "seed %s\n", seed);
	unsigned char *seen = calloc((size_t)o->n + 1, 1);
	if (!seen)
		return ERR_NOMEM;
	for (int q = 0; q < o->n && !rc; q++) {
		int idx;
		const struct booking_entry *en = entry_find(in, o->rows[q].entry, &idx);
		if (!en || seen[idx] || o->rows[q].won < 0 || o->rows[q].won > en->nchoices) {
			rc = ERR_INVALID;
			break;
		}
		seen[idx] = 1;
		rc = buf_printf(b, "%d entry %" PRId64 " won %d", q + 1, en->id, o->rows[q].won);
		if (!rc && o->rows[q].won > 0) {
			rc = buf_putc(b, ' ');
			if (!rc)
				rc = put_slot(b, &en->choices[o->rows[q].won - 1], '/');
		}
		if (!rc)
			rc = buf_putc(b, '\n');
	}
	free(seen);
	if (rc)
		return rc;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)b->data + start, b->len - start);
	hex_encode(hash_hex, h, sizeof h);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing the inputs text                                             */

void booking_draw_in_free(struct booking_draw_in *in)
{
	if (!in)
		return;
	free(in->entries);
	free(in->blocked);
	free(in->parts);
	memset(in, 0, sizeof *in);
}

/* a decimal number exactly as the writer writes it: no sign unless
 * negative, no leading zeros, within [min, max] */
static int num_tok(int64_t *out, const char *s, int64_t min, int64_t max)
{
	char again[32];
	if (parse_i64(out, s, min, max) != 0)
		return ERR_INVALID;
	snprintf(again, sizeof again, "%" PRId64, *out);
	return strcmp(again, s) == 0 ? 0 : ERR_INVALID;
}

static int code_tok(char dst[BOOKING_CODE_MAX + 1], const char *s)
{
	if (!booking_code_ok(s))
		return ERR_INVALID;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int day_tok(long *day, const char *s)
{
	struct jp_date d;
	if (strlen(s) != 10 || jp_date_parse_iso(&d, s, NULL) != 0)
		return ERR_INVALID;
	long v = jp_date_to_days(d);
	if (v < 0 || v > DRAW_DAY_MAX)
		return ERR_INVALID;
	*day = v;
	return 0;
}

/* split s in place at sep into tokens (at most max): their number, -1
 * when there are more (the first max are set), -2 for an empty token */
static int split(char *s, char sep, char **tok, int max)
{
	int n = 0;
	for (;;) {
		if (n == max)
			return -1;
		tok[n++] = s;
		char *q = strchr(s, sep);
		if (!q)
			break;
		*q = '\0';
		s = q + 1;
	}
	for (int i = 0; i < n; i++)
		if (!*tok[i])
			return -2;
	return n;
}

static int slot_tok(struct booking_choice *c, char *s, char sep)
{
	char *t[4];
	memset(c, 0, sizeof *c);
	if (split(s, sep, t, 4) != 4)
		return ERR_INVALID;
	if (code_tok(c->facility, t[0]) || code_tok(c->unit, t[1]) || day_tok(&c->day, t[2]) ||
	    code_tok(c->band, t[3]))
		return ERR_INVALID;
	return 0;
}

enum { P_MAGIC, P_ROUND, P_PUBLIC, P_ALLOC, P_CAP, P_BODY };

static int parse_line(struct booking_draw_in *out, char *line, long ln, int *stage, int *cap_entries,
		      int *cap_blocked, struct err *e)
{
	char *sp = strchr(line, ' ');
	if (!sp)
		return err_set_line(e, ERR_INVALID, ln, "line not understood");
	*sp = '\0';
	const char *key = line;
	char *rest = sp + 1;
	int64_t v;
	switch (*stage) {
	case P_MAGIC:
		if (strcmp(key, DRAW_MAGIC) != 0 || strcmp(rest, "1") != 0)
			return err_set_line(e, ERR_INVALID, ln, "not a lottery inputs file of version 1");
		break;
	case P_ROUND:
		if (strcmp(key, "round") != 0 || num_tok(&v, rest, 1, INT64_MAX) != 0)
			return err_set_line(e, ERR_INVALID, ln, "round expected");
		out->round = v;
		break;
	case P_PUBLIC: {
		if (strcmp(key, "public") != 0)
			return err_set_line(e, ERR_INVALID, ln, "public expected");
		int rc = public_ok(rest, e, ln);
		if (rc)
			return rc;
		memcpy(out->public_value, rest, strlen(rest) + 1);
		break;
	}
	case P_ALLOC:
		if (strcmp(key, "alloc") != 0)
			return err_set_line(e, ERR_INVALID, ln, "alloc expected");
		if (strcmp(rest, "order") == 0)
			out->alloc = BOOKING_ALLOC_ORDER;
		else if (strcmp(rest, "per_slot") == 0)
			out->alloc = BOOKING_ALLOC_PER_SLOT;
		else
			return err_set_line(e, ERR_INVALID, ln, "alloc is order or per_slot");
		break;
	case P_CAP:
		if (strcmp(key, "wins_cap") != 0 || num_tok(&v, rest, 1, BOOKING_ENTRIES_MAX) != 0)
			return err_set_line(e, ERR_INVALID, ln, "wins_cap expected (1..%d)",
					    BOOKING_ENTRIES_MAX);
		out->wins_cap = (int)v;
		break;
	default:
		if (strcmp(key, "part") == 0) {
			if (out->nentries > 0 || out->nblocked > 0)
				return err_set_line(e, ERR_INVALID, ln, "part after a blocked slot or an entry");
			if (out->nparts >= BOOKING_PARTS_MAX)
				return err_set_line(e, ERR_LIMIT, ln, "more than %d parts", BOOKING_PARTS_MAX);
			char *t[3];
			struct booking_part pt;
			memset(&pt, 0, sizeof pt);
			if (split(rest, ' ', t, 3) != 3 || code_tok(pt.facility, t[0]) || code_tok(pt.unit, t[1]) ||
			    code_tok(pt.parent, t[2]) || !strcmp(pt.unit, pt.parent))
				return err_set_line(e, ERR_INVALID, ln, "part not understood");
			if (out->nparts > 0 && part_cmp(&out->parts[out->nparts - 1], &pt) >= 0)
				return err_set_line(e, ERR_INVALID, ln, "parts not in order");
			void *q = realloc(out->parts, (size_t)(out->nparts + 1) * sizeof *out->parts);
			if (!q)
				return err_set_line(e, ERR_NOMEM, ln, "no memory");
			out->parts = q;
			out->parts[out->nparts++] = pt;
		} else if (strcmp(key, "blocked") == 0) {
			if (out->nentries > 0)
				return err_set_line(e, ERR_INVALID, ln, "blocked after an entry");
			if (out->nblocked >= DRAW_BLOCKED_MAX)
				return err_set_line(e, ERR_LIMIT, ln, "more than %ld blocked slots",
						    DRAW_BLOCKED_MAX);
			struct booking_choice c;
			if (slot_tok(&c, rest, ' ') != 0)
				return err_set_line(e, ERR_INVALID, ln, "blocked slot not understood");
			if (out->nblocked > 0 && slot_cmp(&out->blocked[out->nblocked - 1], &c) >= 0)
				return err_set_line(e, ERR_INVALID, ln, "blocked slots not in order");
			if (out->nblocked == *cap_blocked) {
				int nc = *cap_blocked ? *cap_blocked * 2 : 16;
				void *q = realloc(out->blocked, (size_t)nc * sizeof *out->blocked);
				if (!q)
					return err_set_line(e, ERR_NOMEM, ln, "no memory");
				out->blocked = q;
				*cap_blocked = nc;
			}
			out->blocked[out->nblocked++] = c;
		} else if (strcmp(key, "entry") == 0) {
			if (out->nentries >= BOOKING_ENTRIES_MAX)
				return err_set_line(e, ERR_LIMIT, ln, "more than %d entries",
						    BOOKING_ENTRIES_MAX);
			char *t[4 + BOOKING_CHOICES_MAX];
			int nt = split(rest, ' ', t, 4 + BOOKING_CHOICES_MAX);
			int64_t id = 0, group = 0;
			if (nt == -2 || (nt >= 0 && nt < 4) ||
			    num_tok(&id, t[0], 1, INT64_MAX) != 0 || strcmp(t[1], "group") != 0 ||
			    num_tok(&group, t[2], 1, INT64_MAX) != 0 || strcmp(t[3], "choices") != 0)
				return err_set_line(e, ERR_INVALID, ln, "entry line not understood");
			if (nt == -1)
				return err_set_line(e, ERR_LIMIT, ln, "entry %" PRId64 " with more than %d choices",
						    id, BOOKING_CHOICES_MAX);
			if (nt < 5)
				return err_set_line(e, ERR_INVALID, ln, "entry without choices");
			if (out->nentries == *cap_entries) {
				int nc = *cap_entries ? *cap_entries * 2 : 16;
				if (nc > BOOKING_ENTRIES_MAX)
					nc = BOOKING_ENTRIES_MAX;
				void *q = realloc(out->entries, (size_t)nc * sizeof *out->entries);
				if (!q)
					return err_set_line(e, ERR_NOMEM, ln, "no memory");
				out->entries = q;
				*cap_entries = nc;
			}
			struct booking_entry *en = &out->entries[out->nentries];
			memset(en, 0, sizeof *en);
			en->id = id;
			en->group = group;
			en->nchoices = nt - 4;
			for (int c = 0; c < en->nchoices; c++)
				if (slot_tok(&en->choices[c], t[4 + c], '/') != 0)
					return err_set_line(e, ERR_INVALID, ln, "entry %" PRId64 ": choice %d not understood",
							    id, c + 1);
			int rc = entry_check(en, out->nentries ? out->entries[out->nentries - 1].id : 0, e,
					     ln);
			if (rc)
				return rc;
			out->nentries++;
		} else {
			return err_set_line(e, ERR_INVALID, ln, "line not understood");
		}
		return 0;
	}
	(*stage)++;
	return 0;
}

int booking_draw_inputs_parse(struct booking_draw_in *out, const char *text, size_t n, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (n > DRAW_TEXT_MAX)
		return err_set(e, ERR_LIMIT, "lottery inputs longer than %u bytes", DRAW_TEXT_MAX);
	if (n == 0 || text[n - 1] != '\n')
		return err_set_line(e, ERR_INVALID, 1, "lottery inputs do not end with a line end");
	if (memchr(text, '\0', n))
		return err_set(e, ERR_INVALID, "lottery inputs hold a NUL byte");
	char *copy = malloc(n + 1);
	if (!copy)
		return err_set(e, ERR_NOMEM, "no memory");
	memcpy(copy, text, n);
	copy[n] = '\0';
	int stage = P_MAGIC, cap_entries = 0, cap_blocked = 0, rc = 0;
	long ln = 0;
	char *line = copy;
	while (*line) {
		char *nl = strchr(line, '\n');
		*nl = '\0';
		ln++;
		rc = parse_line(out, line, ln, &stage, &cap_entries, &cap_blocked, e);
		if (rc)
			break;
		line = nl + 1;
	}
	free(copy);
	if (!rc && stage < P_BODY)
		rc = err_set_line(e, ERR_INVALID, ln + 1, "lottery inputs end too early");
	if (rc)
		booking_draw_in_free(out);
	return rc;
}
