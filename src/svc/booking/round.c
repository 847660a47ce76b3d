/*
 * round.c -- lottery rounds in the database: made from the rules for a
 * month of use, entries of ranked choices in the entry window, the
 * public value, the draw at its time (draw.c does the drawing), the wins
 * as bookings, and the re-run (booking.h "Lottery").
 *
 * What is stored of a draw is its whole text (booking_draw_text: the
 * inputs -- the public value, the rule, the slots not available, every
 * entry with its choices in id order -- then the seed and the drawn
 * order) and the text's SHA-256.  booking_redraw reads the inputs back
 * from that text, checks them against the entries in the database (an
 * entry changed after the draw is found), draws again and compares the
 * text byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "svc/booking/booking_int.h"

static const char *alloc_code(enum booking_alloc a)
{
	return a == BOOKING_ALLOC_PER_SLOT ? "per_slot" : "order";
}

static enum booking_alloc alloc_parse(const char *s)
{
	return s && !strcmp(s, "per_slot") ? BOOKING_ALLOC_PER_SLOT : BOOKING_ALLOC_ORDER;
}

static int month_ok(int month)
{
	return month >= 200001 && month <= 209912 && month % 100 >= 1 && month % 100 <= 12;
}

int booking_rounds_make(int *n, struct store *s, const char *tenant, const struct booking_rule *r, int month,
			struct err *e)
{
	*n = 0;
	if (!month_ok(month))
		return err_set(e, ERR_INVALID, "rounds: month (yyyymm)");
	int own = 0, rc = booking_tx_begin(s, &own, e);
	for (int i = 0; rc == 0 && i < r->nrounds; i++) {
		const struct booking_round_rule *rr = &r->rounds[i];
		int64_t from, to, draw, confirm;
		if ((rc = booking_round_times(rr, month, &from, &to, &draw, &confirm, e)))
			break;
		struct store_val v[] = {
			sv_text(tenant), sv_text(r->kind), sv_int(i + 1), sv_int(month), sv_text(rr->name_ja),
			sv_text(rr->name_en), sv_int(rr->who), sv_int(rr->entries_cap), sv_int(rr->wins_cap),
			sv_int(rr->choices_max), sv_text(alloc_code(rr->alloc)), sv_int(from), sv_int(to), sv_int(draw),
			sv_int(confirm),
		};
		rc = store_exec(s, "INSERT INTO booking_rounds (tenant, kind, seq, month, name_ja, name_en, who,"
				   " entries_cap, wins_cap, choices_max, alloc, entry_from, entry_to, draw_at, confirm_by,"
				   " state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open')"
				   " ON CONFLICT (tenant, kind, month, seq) DO NOTHING", v, SV_N(v), e);
		rc = rc < 0 ? rc : 0;
	}
	int64_t c = 0;
	struct store_val p[] = { sv_text(tenant), sv_text(r->kind), sv_int(month) };
	if (rc == 0)
		rc = store_query_int(&c, s, "SELECT count(*) FROM booking_rounds WHERE tenant = $1 AND kind = $2"
					 " AND month = $3", p, 3, e);
	rc = booking_tx_end(s, own, rc, e);
	if (rc == 0)
		*n = (int)c;
	return rc;
}

#define ROUND_COLS \
	"r.id, r.kind, r.seq, r.month, r.name_ja, r.name_en, r.who, r.entries_cap, r.wins_cap, r.choices_max," \
	" r.alloc, r.entry_from, r.entry_to, r.draw_at, r.confirm_by, r.state, r.public_value, r.result_hash," \
	" r.drawn_at, (SELECT count(*) FROM booking_entries n WHERE n.round = r.id AND n.state = 'entered')," \
	" (SELECT count(*) FROM booking_bookings b WHERE b.tenant = r.tenant AND b.round = r.id)"

static void round_read(struct booking_round *o, struct store_rows *r)
{
	memset(o, 0, sizeof *o);
	o->id = store_col_int(r, 0);
	snprintf(o->kind, sizeof o->kind, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
	o->seq = (int)store_col_int(r, 2);
	o->month = (int)store_col_int(r, 3);
	snprintf(o->name_ja, sizeof o->name_ja, "%s", store_col_text(r, 4) ? store_col_text(r, 4) : "");
	snprintf(o->name_en, sizeof o->name_en, "%s", store_col_text(r, 5) ? store_col_text(r, 5) : "");
	o->who = (int)store_col_int(r, 6);
	o->entries_cap = (int)store_col_int(r, 7);
	o->wins_cap = (int)store_col_int(r, 8);
	o->choices_max = (int)store_col_int(r, 9);
	o->alloc = alloc_parse(store_col_text(r, 10));
	o->entry_from = store_col_int(r, 11);
	o->entry_to = store_col_int(r, 12);
	o->draw_at = store_col_int(r, 13);
	o->confirm_by = store_col_int(r, 14);
	const char *st = store_col_text(r, 15);
	o->state = st && !strcmp(st, "drawn") ? BOOKING_ROUND_DRAWN : BOOKING_ROUND_OPEN;
	snprintf(o->public_value, sizeof o->public_value, "%s", store_col_text(r, 16) ? store_col_text(r, 16) : "");
	snprintf(o->result_hash, sizeof o->result_hash, "%s", store_col_text(r, 17) ? store_col_text(r, 17) : "");
	o->drawn_at = store_col_isnull(r, 18) ? 0 : store_col_int(r, 18);
	o->nentries = (int)store_col_int(r, 19);
	o->nwins = (int)store_col_int(r, 20);
}

int booking_round_get(struct booking_round *out, struct store *s, const char *tenant, int64_t id, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_int(id) };
	int rc = store_query(&r, s, "SELECT " ROUND_COLS " FROM booking_rounds r WHERE r.tenant = $1 AND r.id = $2",
			     p, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		round_read(out, r);
	store_rows_free(r);
	return rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "round: none");
}

int booking_rounds_each(struct store *s, const char *tenant, int (*fn)(void *arg, const struct booking_round *r),
			void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT " ROUND_COLS " FROM booking_rounds r WHERE r.tenant = $1"
				    " ORDER BY r.month DESC, r.kind, r.seq LIMIT 500", p, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct booking_round o;
		round_read(&o, r);
		int frc = fn(arg, &o);
		if (frc) {
			rc = frc;
			break;
		}
	}
	store_rows_free(r);
	return rc == 1 ? 0 : rc;
}

int booking_round_public(struct store *s, const char *tenant, int64_t id, const char *value, int64_t now,
			 struct err *e)
{
	if (!booking_text_ok(value, 1, BOOKING_PUBLIC_MAX, 0))
		return err_set(e, ERR_INVALID, "public: 1 to %d characters on one line", BOOKING_PUBLIC_MAX);
	struct booking_round r;
	int rc = booking_round_get(&r, s, tenant, id, e);
	if (rc)
		return rc;
	if (r.state != BOOKING_ROUND_OPEN)
		return err_set(e, ERR_INVALID, "public: the round is drawn");
	if (now < r.entry_to)
		return err_set(e, ERR_INVALID, "public: entries are still open");
	struct store_val p[] = { sv_text(tenant), sv_int(id), sv_text(value), sv_int(now) };
	rc = store_exec(s, "UPDATE booking_rounds SET public_value = $3, public_at = $4 WHERE tenant = $1 AND id = $2"
			   " AND public_value = '' AND state = 'open'", p, 4, e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_CONFLICT, "public: entered already") : 0;
}

int booking_round_reschedule(struct store *s, const char *tenant, int64_t id, int64_t entry_to, int64_t draw_at,
			     int64_t now, struct err *e)
{
	struct booking_round r;
	int rc = booking_round_get(&r, s, tenant, id, e);
	if (rc)
		return rc;
	if (r.state != BOOKING_ROUND_OPEN || r.public_value[0])
		return err_set(e, ERR_INVALID, "reschedule: drawn, or its public value entered");
	if (entry_to <= r.entry_from || draw_at < entry_to || draw_at >= r.confirm_by)
		return err_set(e, ERR_INVALID, "reschedule: entries from < entries to <= draw < confirm by");
	/* closed entries stay closed as they were; open ones close at the
	 * earliest now (an entry made cannot be left out afterwards) */
	if (r.entry_to <= now ? entry_to != r.entry_to : entry_to < now)
		return err_set(e, ERR_INVALID, "reschedule: the end of entries would be in the past");
	/* the order the rules keep (rules.c): the draw before the next
	 * round of the month takes entries (it takes what this one left),
	 * and before the month's 空き枠 open first come */
	int64_t next_from;
	struct store_val q[] = { sv_text(tenant), sv_text(r.kind), sv_int(r.month), sv_int(r.seq) };
	rc = store_query_int(&next_from, s,
			     "SELECT COALESCE(MIN(entry_from), -1) FROM booking_rounds"
			     " WHERE tenant = $1 AND kind = $2 AND month = $3 AND seq > $4", q, 4, e);
	if (rc)
		return rc;
	if (next_from >= 0 && draw_at >= next_from)
		return err_set(e, ERR_INVALID, "reschedule: the draw would be after the next round opens");
	struct booking_rules *rules = malloc(sizeof *rules);
	if (!rules)
		return err_set(e, ERR_NOMEM, "out of memory");
	rc = booking_rules_load(rules, s, tenant, e);
	const struct booking_rule *rule = rc ? NULL : booking_rule_find(rules, r.kind);
	int64_t first_come = rule ? booking_first_come_opens(rule, (struct jp_date){ r.month / 100, r.month % 100, 1 })
				  : INT64_MAX;
	free(rules);
	if (rc)
		return rc;
	if (draw_at >= first_come)
		return err_set(e, ERR_INVALID, "reschedule: the draw would be after first come opens");
	struct store_val p[] = { sv_text(tenant), sv_int(id), sv_int(entry_to), sv_int(draw_at) };
	rc = store_exec(s, "UPDATE booking_rounds SET entry_to = $3, draw_at = $4 WHERE tenant = $1 AND id = $2"
			   " AND state = 'open' AND public_value = ''", p, 4, e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_CONFLICT, "reschedule: changed meanwhile") : 0;
}

/* ------------------------------------------------------------------ */
/* entries                                                             */

int booking_enter(int64_t *id, struct store *s, const char *tenant, int64_t round, int64_t group,
		  int64_t account, const struct booking_choice *choices, int nchoices, int64_t now,
		  struct err *e)
{
	*id = 0;
	struct booking_round r;
	int rc = booking_round_get(&r, s, tenant, round, e);
	if (rc)
		return rc;
	if (r.state != BOOKING_ROUND_OPEN || now < r.entry_from || now >= r.entry_to)
		return err_set(e, ERR_INVALID, "window: entries are not open");
	if (nchoices < 1 || nchoices > r.choices_max || nchoices > BOOKING_CHOICES_MAX)
		return err_set(e, ERR_INVALID, "choices: 1 to %d", r.choices_max);
	struct booking_group *g = malloc(sizeof *g);
	if (!g)
		return err_set(e, ERR_NOMEM, "entry");
	rc = booking_group_get(g, s, tenant, group, e);
	if (rc == 0 && (g->leader != account || g->state != BOOKING_GROUP_APPROVED))
		rc = err_set(e, ERR_DENIED, "group: not approved, or not the account's");
	if (rc == 0 && !(booking_who_of(g->kind) & r.who))
		rc = err_set(e, ERR_DENIED, "who: the round does not take this group");
	free(g);
	for (int i = 0; rc == 0 && i < nchoices; i++) {
		const struct booking_choice *c = &choices[i];
		struct jp_date d = jp_date_from_days(c->day);
		struct booking_facility *f = NULL;
		if (c->day <= 0 || d.y * 100 + d.m != r.month)
			rc = err_set(e, ERR_INVALID, "choices: choice %d is not in the round's month", i + 1);
		else if ((rc = booking_facility_get(&f, s, tenant, c->facility, e)) == 0) {
			if (strcmp(f->kind, r.kind))
				rc = err_set(e, ERR_INVALID, "choices: choice %d is not of the round's kind", i + 1);
			else if (!booking_unit_find(f, c->unit) || !booking_band_find(f, c->band))
				rc = err_set(e, ERR_INVALID, "choices: choice %d has no such unit or band", i + 1);
			booking_facility_free(f);
		} else if (rc == ERR_NOTFOUND) {
			rc = err_set(e, ERR_INVALID, "choices: choice %d has no such facility", i + 1);
		}
		for (int j = 0; rc == 0 && j < i; j++)
			if (!strcmp(choices[j].facility, c->facility) && !strcmp(choices[j].unit, c->unit) &&
			    !strcmp(choices[j].band, c->band) && choices[j].day == c->day)
				rc = err_set(e, ERR_INVALID, "choices: choice %d twice", i + 1);
	}
	if (rc)
		return rc;
	int own = 0;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	/* the group's row locked first (PostgreSQL), so two entries at once
	 * count each other against the cap */
	struct store_val gl[] = { sv_int(group) };
	rc = store_exec(s, "UPDATE booking_groups SET leader = leader WHERE id = $1", gl, 1, e);
	int64_t have = 0;
	struct store_val p[] = { sv_int(round), sv_int(group) };
	if (rc >= 0)
		rc = store_query_int(&have, s, "SELECT count(*) FROM booking_entries WHERE round = $1 AND grp = $2"
					      " AND state = 'entered'", p, 2, e);
	if (rc == 0 && have >= r.entries_cap)
		rc = err_set(e, ERR_LIMIT, "cap: the group has its %d entries", r.entries_cap);
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_int(round), sv_int(group), sv_int(account), sv_int(now) };
		rc = store_exec(s, "INSERT INTO booking_entries (tenant, round, grp, account, state, created_at)"
				   " VALUES ($1, $2, $3, $4, 'entered', $5)", v, SV_N(v), e);
		struct store_val k[] = { sv_int(round), sv_int(group) };
		if (rc >= 0)
			rc = store_query_int(id, s, "SELECT max(id) FROM booking_entries WHERE round = $1 AND grp = $2",
					     k, 2, e);
	}
	for (int i = 0; rc == 0 && i < nchoices; i++) {
		const struct booking_choice *c = &choices[i];
		struct store_val v[] = { sv_int(*id), sv_int(i + 1), sv_text(c->facility), sv_text(c->unit),
					 sv_int(c->day), sv_text(c->band) };
		rc = store_exec(s, "INSERT INTO booking_choices (entry, rank, facility, unit, day, band)"
				   " VALUES ($1, $2, $3, $4, $5, $6)", v, SV_N(v), e);
		rc = rc < 0 ? rc : 0;
	}
	rc = booking_tx_end(s, own, rc, e);
	if (rc)
		*id = 0;
	return rc;
}

int booking_entry_withdraw(struct store *s, const char *tenant, int64_t entry, int64_t account, int64_t now,
			   struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_int(entry), sv_int(account), sv_int(now) };
	int rc = store_exec(s, "UPDATE booking_entries SET state = 'withdrawn' WHERE tenant = $1 AND id = $2"
			       " AND account = $3 AND state = 'entered' AND round IN (SELECT id FROM booking_rounds"
			       " WHERE state = 'open' AND entry_from <= $4 AND entry_to > $4)", p, 4, e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_INVALID, "window: no entry to withdraw, or entries closed") : 0;
}

/* read every entered entry of round (group 0: all) with its choices */
static int entries_read(struct booking_entry **out, int64_t **created, int *n, struct store *s, const char *tenant,
			int64_t round, int64_t group, struct err *e)
{
	*out = NULL;
	*n = 0;
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_int(round), sv_int(group) };
	int rc = store_query(&r, s, "SELECT n.id, n.grp, n.created_at, c.rank, c.facility, c.unit, c.day, c.band"
				    " FROM booking_entries n JOIN booking_choices c ON c.entry = n.id"
				    " WHERE n.tenant = $1 AND n.round = $2 AND ($3 = 0 OR n.grp = $3)"
				    " AND n.state = 'entered' ORDER BY n.id, c.rank", p, 3, e);
	if (rc)
		return rc;
	int cap = 0;
	struct booking_entry *en = NULL;
	int64_t *cr = NULL;
	while ((rc = store_rows_next(r, e)) == 1) {
		int64_t id = store_col_int(r, 0);
		if (*n == 0 || en[*n - 1].id != id) {
			if (*n >= BOOKING_ENTRIES_MAX) {
				rc = err_set(e, ERR_LIMIT, "entries: more than %d", BOOKING_ENTRIES_MAX);
				break;
			}
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				struct booking_entry *m = realloc(en, (size_t)cap * sizeof *en);
				int64_t *mc = created ? realloc(cr, (size_t)cap * sizeof *cr) : NULL;
				if (m)
					en = m;
				if (mc)
					cr = mc;
				if (!m || (created && !mc)) {
					rc = err_set(e, ERR_NOMEM, "entries");
					break;
				}
			}
			memset(&en[*n], 0, sizeof en[*n]);
			en[*n].id = id;
			en[*n].group = store_col_int(r, 1);
			if (created)
				cr[*n] = store_col_int(r, 2);
			(*n)++;
		}
		struct booking_entry *x = &en[*n - 1];
		if (x->nchoices < BOOKING_CHOICES_MAX) {
			struct booking_choice *c = &x->choices[x->nchoices++];
			snprintf(c->facility, sizeof c->facility, "%s", store_col_text(r, 4) ? store_col_text(r, 4) : "");
			snprintf(c->unit, sizeof c->unit, "%s", store_col_text(r, 5) ? store_col_text(r, 5) : "");
			c->day = (long)store_col_int(r, 6);
			snprintf(c->band, sizeof c->band, "%s", store_col_text(r, 7) ? store_col_text(r, 7) : "");
		}
	}
	store_rows_free(r);
	if (rc < 0) {
		free(en);
		free(cr);
		*n = 0;
		return rc;
	}
	*out = en;
	if (created)
		*created = cr;
	return 0;
}

int booking_entries_each(struct store *s, const char *tenant, int64_t round, int64_t group,
			 int (*fn)(void *arg, const struct booking_entry *en, int64_t created_at), void *arg,
			 struct err *e)
{
	struct booking_entry *en = NULL;
	int64_t *cr = NULL;
	int n = 0;
	int rc = entries_read(&en, &cr, &n, s, tenant, round, group, e);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = fn(arg, &en[i], cr[i]);
	free(en);
	free(cr);
	return rc;
}

/* 1 when the choice's slot is not available to a draw now: taken or
 * closed (or its facility, unit or band gone) */
static int choice_blocked(struct store *s, const char *tenant, const struct booking_choice *c, int64_t now,
			  struct err *e)
{
	struct booking_facility *f = NULL;
	int rc = booking_facility_get(&f, s, tenant, c->facility, e);
	if (rc)
		return rc == ERR_NOTFOUND ? 1 : rc;
	struct booking_slot *sl = malloc((size_t)f->nunits * (size_t)f->nbands * sizeof *sl);
	if (!sl) {
		booking_facility_free(f);
		return err_set(e, ERR_NOMEM, "draw");
	}
	rc = booking_slots(sl, s, tenant, f, NULL, jp_date_from_days(c->day), now, e);
	int blocked = 1;
	for (int i = 0; rc == 0 && i < f->nunits * f->nbands; i++)
		if (!strcmp(sl[i].unit->code, c->unit) && !strcmp(sl[i].band->code, c->band))
			blocked = sl[i].state != BOOKING_SLOT_FREE;
	free(sl);
	booking_facility_free(f);
	return rc ? rc : blocked;
}

static int code_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static int same_slot(const struct booking_choice *a, const struct booking_choice *b)
{
	return a->day == b->day && !strcmp(a->facility, b->facility) && !strcmp(a->unit, b->unit) &&
	       !strcmp(a->band, b->band);
}

int booking_draw_inputs(struct booking_draw_in *out, struct store *s, const char *tenant, int64_t round,
			struct err *e)
{
	memset(out, 0, sizeof *out);
	struct booking_round r;
	int rc = booking_round_get(&r, s, tenant, round, e);
	if (rc)
		return rc;
	out->round = r.id;
	snprintf(out->public_value, sizeof out->public_value, "%s", r.public_value);
	out->alloc = r.alloc;
	out->wins_cap = r.wins_cap;
	rc = entries_read(&out->entries, NULL, &out->nentries, s, tenant, round, 0, e);
	/* the parts of the facilities named (a 全面 and its 半面 overlap) */
	char (*named)[BOOKING_CODE_MAX + 1] = rc == 0 ? calloc(BOOKING_FACILITIES_MAX, sizeof *named) : NULL;
	int nnamed = 0;
	if (rc == 0 && !named)
		rc = err_set(e, ERR_NOMEM, "draw");
	for (int i = 0; rc == 0 && i < out->nentries; i++)
		for (int k = 0; k < out->entries[i].nchoices; k++) {
			const char *fc = out->entries[i].choices[k].facility;
			int seen = 0;
			for (int j = 0; j < nnamed && !seen; j++)
				seen = !strcmp(named[j], fc);
			if (!seen && nnamed >= BOOKING_FACILITIES_MAX)
				rc = err_set(e, ERR_LIMIT, "draw: more than %d facilities named", BOOKING_FACILITIES_MAX);
			else if (!seen)
				snprintf(named[nnamed++], sizeof named[0], "%s", fc);
		}
	/* in code order, so the parts come sorted */
	if (nnamed)
		qsort(named, (size_t)nnamed, sizeof named[0], code_cmp);
	for (int j = 0; rc == 0 && j < nnamed; j++) {
		struct booking_facility *f = NULL;
		rc = booking_facility_get(&f, s, tenant, named[j], e);
		if (rc == ERR_NOTFOUND) {   /* gone: its choices are blocked */
			rc = 0;
			continue;
		}
		/* its units with a parent, by code */
		char parts[BOOKING_UNITS_MAX][BOOKING_CODE_MAX + 1];
		const char *parent_of[BOOKING_UNITS_MAX];
		int n = 0;
		for (int u = 0; rc == 0 && u < f->nunits; u++)
			if (f->units[u].parent[0]) {
				snprintf(parts[n], sizeof parts[n], "%s", f->units[u].code);
				parent_of[n++] = f->units[u].parent;
			}
		for (int a = 1; a < n; a++)   /* a few units: insertion sort, parents kept beside */
			for (int b = a; b > 0 && strcmp(parts[b - 1], parts[b]) > 0; b--) {
				char tmp[BOOKING_CODE_MAX + 1];
				memcpy(tmp, parts[b], sizeof tmp);
				memcpy(parts[b], parts[b - 1], sizeof tmp);
				memcpy(parts[b - 1], tmp, sizeof tmp);
				const char *tp = parent_of[b];
				parent_of[b] = parent_of[b - 1];
				parent_of[b - 1] = tp;
			}
		struct booking_part *m = n ? realloc(out->parts, (size_t)(out->nparts + n) * sizeof *m) : out->parts;
		if (n && !m)
			rc = err_set(e, ERR_NOMEM, "draw");
		for (int a = 0; rc == 0 && a < n; a++) {
			out->parts = m;
			struct booking_part *pt = &out->parts[out->nparts++];
			memset(pt, 0, sizeof *pt);
			snprintf(pt->facility, sizeof pt->facility, "%s", f->code);
			memcpy(pt->unit, parts[a], sizeof pt->unit);
			snprintf(pt->parent, sizeof pt->parent, "%s", parent_of[a]);
		}
		booking_facility_free(f);
	}
	free(named);
	return rc;
}

/* the slots of in's entries not available at now: in->blocked */
static int inputs_blocked(struct booking_draw_in *in, struct store *s, const char *tenant, int64_t now, struct err *e)
{
	int cap = 0;
	for (int i = 0; i < in->nentries; i++)
		for (int k = 0; k < in->entries[i].nchoices; k++) {
			const struct booking_choice *c = &in->entries[i].choices[k];
			int seen = 0;
			for (int j = 0; j < in->nblocked && !seen; j++)
				seen = same_slot(&in->blocked[j], c);
			if (seen)
				continue;
			int b = choice_blocked(s, tenant, c, now, e);
			if (b < 0)
				return b;
			if (!b)
				continue;
			if (in->nblocked == cap) {
				cap = cap ? cap * 2 : 16;
				struct booking_choice *m = realloc(in->blocked, (size_t)cap * sizeof *m);
				if (!m)
					return err_set(e, ERR_NOMEM, "draw");
				in->blocked = m;
			}
			in->blocked[in->nblocked++] = *c;
		}
	return 0;
}

int booking_round_result(char **out, struct store *s, const char *tenant, int64_t round, struct err *e)
{
	*out = NULL;
	struct store_val p[] = { sv_text(tenant), sv_int(round) };
	int rc = store_query_text(out, s, "SELECT result FROM booking_rounds WHERE tenant = $1 AND id = $2"
					 " AND state = 'drawn'", p, 2, e);
	if (rc == 0 && !*out)
		rc = err_set(e, ERR_NOTFOUND, "round: not drawn");
	return rc;
}

int booking_round_draw(struct booking_round *out, struct store *s, const char *tenant, int64_t round, int64_t now,
		       struct err *e)
{
	return booking_round_draw_once(out, NULL, s, tenant, round, now, e);
}

int booking_round_draw_once(struct booking_round *out, int *drew, struct store *s, const char *tenant,
			    int64_t round, int64_t now, struct err *e)
{
	if (drew)
		*drew = 0;
	int rc = booking_round_get(out, s, tenant, round, e);
	if (rc)
		return rc;
	if (out->state == BOOKING_ROUND_DRAWN)
		return 0;
	if (now < out->draw_at)
		return err_set(e, ERR_INVALID, "draw: not yet its time");
	if (!out->public_value[0])
		return err_set(e, ERR_INVALID, "draw: no public value yet");
	int own = 0;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	/* the round's row locked: one draw, whatever runs twice */
	struct store_val lk[] = { sv_text(tenant), sv_int(round) };
	rc = store_exec(s, "UPDATE booking_rounds SET state = state WHERE tenant = $1 AND id = $2 AND state = 'open'",
			lk, 2, e);
	if (rc == 0) {   /* drawn meanwhile */
		booking_tx_end(s, own, ERR_CONFLICT, e);
		return booking_round_get(out, s, tenant, round, e);
	}
	rc = rc < 0 ? rc : 0;
	struct booking_draw_in in;
	struct booking_draw_out o;
	memset(&in, 0, sizeof in);
	memset(&o, 0, sizeof o);
	struct buf text;
	buf_init(&text, 64u << 20);
	char hash[BOOKING_SEED_HEX] = "";
	if (rc == 0)
		rc = booking_draw_inputs(&in, s, tenant, round, e);
	if (rc == 0)
		rc = inputs_blocked(&in, s, tenant, now, e);
	if (rc == 0)
		rc = booking_draw(&o, &in, e);
	if (rc == 0 && booking_draw_text(&text, &in, &o, hash))
		rc = err_set(e, ERR_NOMEM, "draw: text");
	/* the wins: bookings waiting for confirmation */
	for (int i = 0; rc == 0 && i < o.n; i++) {
		if (!o.rows[i].won)
			continue;
		const struct booking_entry *en = NULL;
		for (int j = 0; j < in.nentries && !en; j++)
			if (in.entries[j].id == o.rows[i].entry)
				en = &in.entries[j];
		if (!en || o.rows[i].won > en->nchoices) {
			rc = err_set(e, ERR_INTERNAL, "draw: a row without its entry");
			break;
		}
		const struct booking_choice *c = &en->choices[o.rows[i].won - 1];
		int64_t account = 0;
		struct store_val q[] = { sv_int(en->id) };
		if ((rc = store_query_int(&account, s, "SELECT account FROM booking_entries WHERE id = $1", q, 1, e)))
			break;
		struct booking_group g;
		if ((rc = booking_group_get(&g, s, tenant, en->group, e)))
			break;
		struct booking_req rq = {
			.tenant = tenant, .facility = c->facility, .unit = c->unit, .band = c->band,
			.day = jp_date_from_days(c->day), .account = account, .group = en->group,
			.source = BOOKING_LOTTERY, .resident = g.kind != BOOKING_GROUP_OUTSIDE, .now = now,
		};
		struct booking b;
		rc = booking_win(&b, s, &rq, round, out->confirm_by, e);
		if (rc == 0) {
			struct store_val w[] = { sv_int(en->id), sv_int(o.rows[i].won) };
			rc = store_exec(s, "UPDATE booking_entries SET won_rank = $2 WHERE id = $1", w, 2, e);
			rc = rc < 0 ? rc : 0;
		}
	}
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_int(round), sv_text(buf_cstr(&text)), sv_text(hash),
					 sv_int(now) };
		rc = store_exec(s, "UPDATE booking_rounds SET state = 'drawn', result = $3, result_hash = $4,"
				   " drawn_at = $5 WHERE tenant = $1 AND id = $2", v, SV_N(v), e);
		rc = rc < 0 ? rc : 0;
	}
	rc = booking_tx_end(s, own, rc, e);
	buf_done(&text);
	booking_draw_out_free(&o);
	booking_draw_in_free(&in);
	if (rc == 0 && drew)
		*drew = 1;
	return rc ? rc : booking_round_get(out, s, tenant, round, e);
}

int booking_redraw(struct buf *b, struct store *s, const char *tenant, int64_t round, struct err *e)
{
	char *stored = NULL;
	int rc = booking_round_result(&stored, s, tenant, round, e);
	if (rc)
		return rc;
	/* the inputs are the text before its seed line */
	const char *seed = strstr(stored, "\nseed ");
	struct booking_draw_in in, db;
	struct booking_draw_out o;
	memset(&in, 0, sizeof in);
	memset(&db, 0, sizeof db);
	memset(&o, 0, sizeof o);
	char hash[BOOKING_SEED_HEX];
	if (!seed)
		rc = err_set(e, ERR_INVALID, "redraw: the stored text has no seed line");
	if (rc == 0)
		rc = booking_draw_inputs_parse(&in, stored, (size_t)(seed - stored) + 1, e);
	/* the entries in the database are those the draw read */
	if (rc == 0)
		rc = booking_draw_inputs(&db, s, tenant, round, e);
	if (rc == 0) {
		int same = db.nentries == in.nentries && db.round == in.round &&
			   !strcmp(db.public_value, in.public_value) && db.alloc == in.alloc &&
			   db.wins_cap == in.wins_cap;
		for (int i = 0; same && i < in.nentries; i++) {
			const struct booking_entry *x = &in.entries[i], *y = &db.entries[i];
			same = x->id == y->id && x->group == y->group && x->nchoices == y->nchoices;
			for (int k = 0; same && k < x->nchoices; k++)
				same = same_slot(&x->choices[k], &y->choices[k]);
		}
		if (!same)
			rc = err_set(e, ERR_CONFLICT, "redraw: the entries in the database differ from the draw's inputs");
	}
	if (rc == 0)
		rc = booking_draw(&o, &in, e);
	if (rc == 0 && booking_draw_text(b, &in, &o, hash))
		rc = err_set(e, ERR_NOMEM, "redraw: text");
	if (rc == 0 && strcmp(buf_cstr(b), stored))
		rc = err_set(e, ERR_CONFLICT, "redraw: the result differs from the stored one");
	booking_draw_out_free(&o);
	booking_draw_in_free(&in);
	booking_draw_in_free(&db);
	free(stored);
	return rc;
}

int booking_entry_set_lang(struct store *s, const char *tenant, int64_t entry, const char *lang, struct err *e)
{
	if (!lang || (strcmp(lang, "ja") && strcmp(lang, "en") && strcmp(lang, "ja-easy")))
		return err_set(e, ERR_INVALID, "entry: language");
	struct store_val p[] = { sv_text(tenant), sv_int(entry), sv_text(lang) };
	int rc = store_exec(s, "UPDATE booking_entries SET lang = $3 WHERE tenant = $1 AND id = $2", p, 3, e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_NOTFOUND, "entry: none") : 0;
}

int booking_round_outcomes(struct store *s, const char *tenant, int64_t round,
			   int (*fn)(void *arg, const struct booking_outcome *o), void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_int(round) };
	int rc = store_query(&r, s, "SELECT n.id, n.account, n.grp, n.lang, n.won_rank, (SELECT b.number FROM"
				    " booking_bookings b JOIN booking_choices c ON c.entry = n.id AND c.rank = n.won_rank"
				    " WHERE b.tenant = n.tenant AND b.round = n.round AND b.grp = n.grp"
				    " AND b.facility = c.facility AND b.unit = c.unit AND b.day = c.day AND b.band = c.band)"
				    " FROM booking_entries n WHERE n.tenant = $1 AND n.round = $2 AND n.state = 'entered'"
				    " ORDER BY n.id", p, 2, e);
	if (rc)
		return rc;
	int cap = 0, n = 0;
	struct booking_outcome *os = NULL;
	char (*numbers)[BOOKING_NUMBER_LEN + 1] = NULL;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct booking_outcome *m = realloc(os, (size_t)cap * sizeof *m);
			char (*mn)[BOOKING_NUMBER_LEN + 1] = realloc(numbers, (size_t)cap * sizeof *mn);
			if (m)
				os = m;
			if (mn)
				numbers = mn;
			if (!m || !mn) {
				rc = err_set(e, ERR_NOMEM, "outcomes");
				break;
			}
		}
		struct booking_outcome *o = &os[n];
		memset(o, 0, sizeof *o);
		o->entry = store_col_int(r, 0);
		o->account = store_col_int(r, 1);
		o->group = store_col_int(r, 2);
		snprintf(o->lang, sizeof o->lang, "%s", store_col_text(r, 3) ? store_col_text(r, 3) : "ja");
		o->won = (int)store_col_int(r, 4);
		snprintf(numbers[n], sizeof numbers[n], "%s", store_col_text(r, 5) ? store_col_text(r, 5) : "");
		n++;
	}
	store_rows_free(r);
	rc = rc < 0 ? rc : 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		if (os[i].won && numbers[i][0] && (rc = booking_get(&os[i].booking, s, tenant, numbers[i], e)))
			break;
		rc = fn(arg, &os[i]);
	}
	free(os);
	free(numbers);
	return rc;
}

int booking_tick(int *drawn, int *expired, struct store *s, int64_t now,
		 void (*on_drawn)(void *arg, const char *tenant, int64_t round), void *arg, struct err *e)
{
	*drawn = *expired = 0;
	int settled = 0;
	int rc = booking_settle(&settled, s, now, e);
	if (rc == 0)
		rc = booking_expire(expired, s, now, e);
	if (rc)
		return rc;
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_int(now) };
	rc = store_query(&r, s, "SELECT tenant, id FROM booking_rounds WHERE state = 'open' AND draw_at <= $1"
				" AND public_value <> '' ORDER BY draw_at, id LIMIT 100", p, 1, e);
	if (rc)
		return rc;
	struct due {
		char tenant[32];
		int64_t id;
	} due[100];
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1 && n < 100) {
		snprintf(due[n].tenant, sizeof due[n].tenant, "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
		due[n++].id = store_col_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	/* a round that cannot be drawn does not hold up the others: the first
	 * failure is returned after every due round was tried */
	int first = 0;
	struct err e1;
	for (int i = 0; i < n; i++) {
		struct booking_round o;
		struct err ei;
		int drew = 0;
		if ((rc = booking_round_draw_once(&o, &drew, s, due[i].tenant, due[i].id, now, &ei))) {
			if (!first) {
				first = rc;
				e1 = ei;
			}
			continue;
		}
		if (!drew)   /* drawn meanwhile by staff, who told its entrants */
			continue;
		(*drawn)++;
		if (on_drawn)
			on_drawn(arg, due[i].tenant, due[i].id);
	}
	if (first && e)
		*e = e1;
	return first;
}
