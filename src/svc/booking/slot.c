/*
 * slot.c -- bookings of slots: 仮予約 (holds) and their confirmation,
 * staff and recurring bookings, cancelling with the fee rule, payment
 * and check-in marks, expiry, the availability grid and usage
 * (booking.h "Bookings").
 *
 * No overlap: a booking's row, its claims (one per atom of its unit:
 * booking_claims' primary key) and its once key (booking_once) are
 * written in one transaction; the database refuses the second claim of
 * an atom, so two residents, two PCs or a double click never book one
 * slot twice, on SQLite (BEGIN IMMEDIATE) and PostgreSQL (READ COMMITTED:
 * the primary key waits for the first transaction and then refuses).  A
 * claim of a booking that has run out (a hold past hold_until, a win past
 * confirm_by, unpaid past pay_by) is given up, in the claiming
 * transaction, before the new claim is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "jp/checkdigit.h"
#include "store/store.h"
#include "svc/booking/booking_int.h"

static const char *const state_codes[] = { NULL, "held", "won", "booked", "cancelled", "released", "queued", "refused" };
static const char *const source_codes[] = { NULL, "first_come", "lottery", "staff", "recurring" };

const char *booking_state_code(enum booking_state st)
{
	return st >= BOOKING_HELD && st <= BOOKING_REFUSED ? state_codes[st] : "";
}

const char *booking_source_code(enum booking_source so)
{
	return so >= BOOKING_FIRST_COME && so <= BOOKING_RECURRING ? source_codes[so] : "";
}

static int code_index(const char *const *codes, int n, const char *s)
{
	for (int i = 1; s && i < n; i++)
		if (!strcmp(codes[i], s))
			return i;
	return 0;
}

/* the condition of a booking in force that has run out at $N (now) */
#define RUN_OUT(b, now) \
	"((" b ".state = 'held' AND " b ".hold_until <= " now ") OR (" b ".state = 'won' AND " b ".confirm_by <= " \
	now ") OR (" b ".state = 'booked' AND " b ".paid_at IS NULL AND " b ".pay_by IS NOT NULL AND " b \
	".pay_by <= " now "))"

static void number_new(char out[BOOKING_NUMBER_LEN + 1])
{
	out[0] = (char)('1' + randombytes_uniform(9));
	for (int i = 1; i < BOOKING_NUMBER_LEN - 1; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[BOOKING_NUMBER_LEN - 1] = (char)('0' + jp_luhn_digit(out, BOOKING_NUMBER_LEN - 1));
	out[BOOKING_NUMBER_LEN] = '\0';
}

int booking_number_ok(const char *s, size_t n)
{
	if (!s || n != BOOKING_NUMBER_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return jp_luhn_digit(s, BOOKING_NUMBER_LEN - 1) == s[BOOKING_NUMBER_LEN - 1] - '0';
}

int booking_key_ok(const char *k, size_t n)
{
	if (!k || n < 16 || n > BOOKING_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') ||
		      k[i] == '_' || k[i] == '-'))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* reading                                                             */

#define BOOKING_COLS \
	"id, number, facility, unit, band, day, state, source, account, grp, fee, resident, heating, people," \
	" purpose, holder, hold_until, confirm_by, pay_by, paid_at, checked_in_at, cancelled_at, cancel_fee," \
	" round, series, created_at, payment"

static int64_t opt_int(struct store_rows *r, int col)
{
	return store_col_isnull(r, col) ? 0 : store_col_int(r, col);
}

static void booking_read(struct booking *b, struct store_rows *r)
{
	memset(b, 0, sizeof *b);
	b->id = store_col_int(r, 0);
	snprintf(b->number, sizeof b->number, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
	snprintf(b->facility, sizeof b->facility, "%s", store_col_text(r, 2) ? store_col_text(r, 2) : "");
	snprintf(b->unit, sizeof b->unit, "%s", store_col_text(r, 3) ? store_col_text(r, 3) : "");
	snprintf(b->band, sizeof b->band, "%s", store_col_text(r, 4) ? store_col_text(r, 4) : "");
	b->day = jp_date_from_days((long)store_col_int(r, 5));
	b->state = (enum booking_state)code_index(state_codes, 8, store_col_text(r, 6));
	b->source = (enum booking_source)code_index(source_codes, 5, store_col_text(r, 7));
	b->account = store_col_int(r, 8);
	b->group = store_col_int(r, 9);
	b->fee = (int)store_col_int(r, 10);
	b->resident = (int)store_col_int(r, 11);
	b->heating = (int)store_col_int(r, 12);
	b->people = (int)store_col_int(r, 13);
	snprintf(b->purpose, sizeof b->purpose, "%s", store_col_text(r, 14) ? store_col_text(r, 14) : "");
	snprintf(b->holder, sizeof b->holder, "%s", store_col_text(r, 15) ? store_col_text(r, 15) : "");
	b->hold_until = opt_int(r, 16);
	b->confirm_by = opt_int(r, 17);
	b->pay_by = opt_int(r, 18);
	b->paid_at = opt_int(r, 19);
	b->checked_in_at = opt_int(r, 20);
	b->cancelled_at = opt_int(r, 21);
	b->cancel_fee = (int)store_col_int(r, 22);
	b->round = store_col_int(r, 23);
	b->series = store_col_int(r, 24);
	b->created_at = store_col_int(r, 25);
	snprintf(b->payment, sizeof b->payment, "%s", store_col_text(r, 26) ? store_col_text(r, 26) : "");
}

static int bookings_query(struct store *s, const char *sql, const struct store_val *p, int np,
			  int (*fn)(void *arg, const struct booking *b), void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	int rc = store_query(&r, s, sql, p, np, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct booking b;
		booking_read(&b, r);
		int frc = fn(arg, &b);
		if (frc) {
			rc = frc;
			break;
		}
	}
	store_rows_free(r);
	return rc == 1 ? 0 : rc;
}

static int one(void *arg, const struct booking *b)
{
	*(struct booking *)arg = *b;
	return 1;
}

static void settle_due(struct store *s, int64_t now);

int booking_get(struct booking *out, struct store *s, const char *tenant, const char *number_in, struct err *e)
{
	/* number may be out->number: copied before out is cleared */
	char number[BOOKING_NUMBER_LEN + 1];
	if (!number_in || strlen(number_in) != BOOKING_NUMBER_LEN)
		return err_set(e, ERR_NOTFOUND, "booking: no such number");
	memcpy(number, number_in, sizeof number);
	memset(out, 0, sizeof *out);
	if (!booking_number_ok(number, strlen(number)))
		return err_set(e, ERR_NOTFOUND, "booking: no such number");
	settle_due(s, 0);
	struct store_val p[] = { sv_text(tenant), sv_text(number) };
	struct store_rows *r = NULL;
	int rc = store_query(&r, s, "SELECT " BOOKING_COLS " FROM booking_bookings WHERE tenant = $1 AND number = $2",
			     p, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		booking_read(out, r);
	store_rows_free(r);
	return rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "booking: no such number");
}

int booking_of_account(struct store *s, const char *tenant, int64_t account, int limit,
		       int (*fn)(void *arg, const struct booking *b), void *arg, struct err *e)
{
	if (limit < 1 || limit > 1000)
		limit = 1000;
	struct store_val p[] = { sv_text(tenant), sv_int(account), sv_int(limit) };
	return bookings_query(s, "SELECT " BOOKING_COLS " FROM booking_bookings WHERE tenant = $1 AND account = $2"
				 " ORDER BY day DESC, id DESC LIMIT $3", p, 3, fn, arg, e);
}

int booking_of_facility(struct store *s, const char *tenant, const char *facility, long from, long to,
			int (*fn)(void *arg, const struct booking *b), void *arg, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_text(facility), sv_int(from), sv_int(to) };
	return bookings_query(s, "SELECT " BOOKING_COLS " FROM booking_bookings WHERE tenant = $1 AND facility = $2"
				 " AND day BETWEEN $3 AND $4 AND state IN ('held', 'won', 'booked')"
				 " ORDER BY day, band, unit", p, 4, fn, arg, e);
}

/* ------------------------------------------------------------------ */
/* claims                                                              */

/* release the bookings in force that have run out and hold a claim on
 * one of atoms of f on day in band */
static int release_run_out(struct store *s, const char *tenant, const char *facility, const char **atoms, int natoms,
			   long day, const char *band, int64_t now, struct err *e)
{
	for (int i = 0; i < natoms; i++) {
		int64_t id = 0;
		struct store_val p[] = { sv_text(tenant), sv_text(facility), sv_text(atoms[i]), sv_int(day),
					 sv_text(band), sv_int(now) };
		int rc = store_query_int(&id, s, "SELECT b.id FROM booking_claims c JOIN booking_bookings b"
					       " ON b.id = c.booking WHERE c.tenant = $1 AND c.facility = $2"
					       " AND c.atom = $3 AND c.day = $4 AND c.band = $5 AND " RUN_OUT("b", "$6"),
					 p, SV_N(p), e);
		if (rc == ERR_NOTFOUND)
			continue;   /* no claim that ran out */
		if (rc)
			return rc;
		/* released only while it is still run out (a confirm may have
		 * committed since it was read): then its claims go */
		struct store_val q[] = { sv_int(id), sv_int(now) };
		rc = store_exec(s, "UPDATE booking_bookings SET state = 'released', cancelled_at = $2"
				   " WHERE id = $1 AND state IN ('held', 'won', 'booked') AND " RUN_OUT("booking_bookings", "$2"),
				q, 2, e);
		if (rc > 0)
			rc = store_exec(s, "DELETE FROM booking_claims WHERE booking = $1", q, 1, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int claim(struct store *s, const char *tenant, const struct booking_facility *f, const struct booking_unit *u,
		 long day, const char *band, int64_t booking, struct err *e)
{
	const char *atoms[BOOKING_UNITS_MAX];
	int n = booking_atoms(atoms, f, u);
	for (int i = 0; i < n; i++) {
		struct store_val p[] = { sv_text(tenant), sv_text(f->code), sv_text(atoms[i]), sv_int(day),
					 sv_text(band), sv_int(booking) };
		int rc = store_exec(s, "INSERT INTO booking_claims (tenant, facility, atom, day, band, booking)"
				       " VALUES ($1, $2, $3, $4, $5, $6)", p, SV_N(p), e);
		if (rc < 0)
			return rc == ERR_CONFLICT ? err_set(e, ERR_CONFLICT, "slot: taken") : rc;
	}
	return 0;
}

/* 1 when a claim in force (not run out) holds one of the atoms */
static int slot_taken(struct store *s, const char *tenant, const struct booking_facility *f,
		      const struct booking_unit *u, long day, const char *band, int64_t now, struct err *e)
{
	const char *atoms[BOOKING_UNITS_MAX];
	int n = booking_atoms(atoms, f, u);
	for (int i = 0; i < n; i++) {
		int64_t c = 0;
		struct store_val p[] = { sv_text(tenant), sv_text(f->code), sv_text(atoms[i]), sv_int(day),
					 sv_text(band), sv_int(now) };
		int rc = store_query_int(&c, s, "SELECT count(*) FROM booking_claims c JOIN booking_bookings b"
					      " ON b.id = c.booking WHERE c.tenant = $1 AND c.facility = $2"
					      " AND c.atom = $3 AND c.day = $4 AND c.band = $5 AND NOT " RUN_OUT("b", "$6"),
					 p, SV_N(p), e);
		if (rc)
			return rc;
		if (c)
			return 1;
	}
	return 0;
}

/* 1 when a claim in force holds the unit or one of its parts: the first
 * check of a hold, before anything is loaded (at a rush most attempts
 * meet a taken slot: two statements answer them) */
static int unit_taken(struct store *s, const char *tenant, const char *facility, const char *unit, long day,
		      const char *band, int64_t now, struct err *e)
{
	int64_t c = 0;
	struct store_val p[] = { sv_text(tenant), sv_text(facility), sv_text(unit), sv_int(day), sv_text(band),
				 sv_int(now) };
	int rc = store_query_int(&c, s, "SELECT count(*) FROM booking_claims c JOIN booking_bookings b"
				      " ON b.id = c.booking WHERE c.tenant = $1 AND c.facility = $2 AND c.day = $4"
				      " AND c.band = $5 AND (c.atom = $3 OR c.atom IN (SELECT code FROM booking_units"
				      " WHERE tenant = $1 AND facility = $2 AND parent = $3)) AND NOT " RUN_OUT("b", "$6"),
				 p, SV_N(p), e);
	return rc ? rc : c ? 1 : 0;
}

/* 1 when a closure covers unit u (or its whole, or one of its parts) on day */
static int closed_on(struct store *s, const char *tenant, const struct booking_facility *f,
		     const struct booking_unit *u, long day, struct err *e)
{
	int64_t c = 0;
	struct store_val p[] = { sv_text(tenant), sv_text(f->code), sv_int(day), sv_text(u->code), sv_text(u->parent) };
	int rc = store_query_int(&c, s, "SELECT count(*) FROM booking_closures WHERE tenant = $1 AND facility = $2"
				      " AND $3 BETWEEN from_day AND to_day AND (unit = '' OR unit = $4 OR unit = $5"
				      " OR unit IN (SELECT code FROM booking_units WHERE tenant = $1 AND facility = $2"
				      " AND parent = $4))", p, SV_N(p), e);
	return rc ? rc : c ? 1 : 0;
}

/* the units whose bookings meet u's: u, its whole, its parts */
static int related(const struct booking_unit *u, const struct booking_unit *v)
{
	return !strcmp(u->code, v->code) || !strcmp(u->parent, v->code) || !strcmp(v->parent, u->code);
}

/* when the slot was last given up (cancelled or released after being in
 * force), 0 never */
static int given_up_at(int64_t *at, struct store *s, const char *tenant, const struct booking_facility *f,
		       const struct booking_unit *u, long day, const char *band, struct err *e)
{
	*at = 0;
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(f->code), sv_int(day), sv_text(band) };
	int rc = store_query(&r, s, "SELECT unit, cancelled_at FROM booking_bookings WHERE tenant = $1"
				    " AND facility = $2 AND day = $3 AND band = $4 AND state IN ('cancelled', 'released')"
				    " AND cancelled_at IS NOT NULL", p, 4, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		const struct booking_unit *v = booking_unit_find(f, store_col_text(r, 0));
		int64_t t = store_col_int(r, 1);
		if (v && related(u, v) && t > *at)
			*at = t;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------ */
/* booking                                                             */

static int slot_start_passed(const struct booking_band *b, struct jp_date day, int64_t now)
{
	return jp_jst_midnight(day) + (int64_t)b->start_min * 60 <= now;
}

static int with_key(struct booking *out, struct store *s, const char *tenant, const char *key, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_text(key) };
	int rc = bookings_query(s, "SELECT " BOOKING_COLS " FROM booking_bookings WHERE tenant = $1 AND request_key = $2",
				p, 2, one, out, e);
	return rc == 0 && out->id ? 1 : rc < 0 ? rc : 0;
}

struct made {
	const struct booking_req *rq;
	const struct booking_facility *f;
	const struct booking_unit *u;
	enum booking_state state;
	int fee;
	int64_t hold_until, confirm_by, pay_by, paid_at, round, series;
	const char *once_key;
	/* the fair queue: a queued request has no claims */
	const char *queue_key, *want_once;
	int64_t queue_order;
};

/* the booking row and its claims, in the open transaction */
static int insert_booking(struct booking *out, struct store *s, const struct made *m, struct err *e)
{
	const struct booking_req *rq = m->rq;
	long day = jp_date_to_days(rq->day);
	const char *atoms[BOOKING_UNITS_MAX];
	int natoms = booking_atoms(atoms, m->f, m->u);
	int rc = release_run_out(s, rq->tenant, m->f->code, atoms, natoms, day, rq->band, rq->now, e);
	if (rc)
		return rc;
	char number[BOOKING_NUMBER_LEN + 1];
	for (int tries = 0; tries < 5; tries++) {
		number_new(number);
		int64_t taken = 0;
		struct store_val q[] = { sv_text(rq->tenant), sv_text(number) };
		if ((rc = store_query_int(&taken, s, "SELECT count(*) FROM booking_bookings WHERE tenant = $1"
						     " AND number = $2", q, 2, e)))
			return rc;
		if (!taken)
			break;
	}
#define OPT(x) ((x) ? sv_int(x) : sv_null())
	struct store_val v[] = {
		sv_text(rq->tenant), sv_text(number), sv_text(m->f->code), sv_text(m->u->code), sv_int(day),
		sv_text(rq->band), sv_text(booking_state_code(m->state)), sv_text(booking_source_code(rq->source)),
		sv_int(rq->account), sv_int(rq->group), sv_int(m->fee), sv_int(rq->resident ? 1 : 0),
		sv_int(rq->heating ? 1 : 0), sv_int(rq->people), sv_text(rq->purpose ? rq->purpose : ""),
		sv_text(rq->holder ? rq->holder : ""), OPT(m->hold_until), OPT(m->confirm_by), OPT(m->pay_by),
		OPT(m->paid_at), sv_int(m->round), sv_int(m->series), sv_text(rq->request_key),
		sv_text(m->once_key), sv_int(rq->now), sv_text(m->queue_key), OPT(m->queue_order), sv_text(m->want_once),
	};
#undef OPT
	rc = store_exec(s, "INSERT INTO booking_bookings (tenant, number, facility, unit, day, band, state, source,"
			   " account, grp, fee, resident, heating, people, purpose, holder, hold_until, confirm_by,"
			   " pay_by, paid_at, round, series, request_key, once_key, created_at, queue_key, queue_order,"
			   " want_once) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
			   " $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)", v, SV_N(v), e);
	if (rc < 0 && rc == ERR_CONFLICT && m->queue_key)
		return err_set(e, ERR_CONFLICT, "queue: one request a window");
	if (rc < 0)
		return rc == ERR_CONFLICT ? err_set(e, ERR_CONFLICT, "once: the group has its slot of this opening") : rc;
	int64_t id = 0;
	struct store_val q[] = { sv_text(rq->tenant), sv_text(number) };
	if ((rc = store_query_int(&id, s, "SELECT id FROM booking_bookings WHERE tenant = $1 AND number = $2", q, 2, e)))
		return rc;
	if (m->state != BOOKING_QUEUED && (rc = claim(s, rq->tenant, m->f, m->u, day, rq->band, id, e)))
		return rc;
	struct store_val g[] = { sv_text(rq->tenant), sv_text(number) };
	return bookings_query(s, "SELECT " BOOKING_COLS " FROM booking_bookings WHERE tenant = $1 AND number = $2",
			      g, 2, one, out, e);
}

/* the checks every booking passes: the slot exists, is open, in time */
static int slot_check(const struct booking_facility *f, const struct booking_req *rq, const struct booking_unit **u,
		      struct err *e)
{
	*u = booking_unit_find(f, rq->unit);
	const struct booking_band *b = booking_band_find(f, rq->band);
	if (!*u || !b)
		return err_set(e, ERR_NOTFOUND, "booking: no such unit or band");
	if (!jp_date_valid(rq->day) || jp_date_to_days(rq->day) <= 0)
		return err_set(e, ERR_INVALID, "booking: day");
	if (slot_start_passed(b, rq->day, rq->now))
		return err_set(e, ERR_INVALID, "past: the slot has begun");
	if (rq->people < 0 || rq->people > 100000 || !booking_text_ok(rq->purpose, 0, BOOKING_NAME_MAX, 0) ||
	    !booking_text_ok(rq->holder, 0, BOOKING_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "booking: people, purpose or holder");
	if ((*u)->capacity > 0 && rq->people > (*u)->capacity)
		return err_set(e, ERR_INVALID, "capacity: more people than the room takes");
	return 0;
}

static int load(struct booking_facility **f, struct booking_rules *rules, const struct booking_rule **rule,
		struct store *s, const char *tenant, const char *facility, struct err *e)
{
	int rc = booking_facility_get(f, s, tenant, facility, e);
	if (rc)
		return rc;
	if ((rc = booking_rules_load(rules, s, tenant, e)) == 0 && !(*rule = booking_rule_find(rules, (*f)->kind)))
		rc = err_set(e, ERR_INVALID, "rules: none for kind %s", (*f)->kind);
	if (rc) {
		booking_facility_free(*f);
		*f = NULL;
	}
	return rc;
}

int booking_hold(struct booking *out, struct store *s, const struct booking_req *rq_in, struct err *e)
{
	/* a group's booking pays its kind's rate (区外 or not), whatever the
	 * form said; a person's is the rate they declare (checked at the desk) */
	struct booking_req rq_own = *rq_in;
	struct booking_req *rq = &rq_own;
	memset(out, 0, sizeof *out);
	if (!rq->request_key || !booking_key_ok(rq->request_key, strlen(rq->request_key)))
		return err_set(e, ERR_INVALID, "booking: request key");
	if (rq->account <= 0 || rq->source != BOOKING_FIRST_COME)
		return err_set(e, ERR_INVALID, "booking: a hold is a resident's, first come");
	int rc = with_key(out, s, rq->tenant, rq->request_key, e);
	if (rc)
		return rc;
	settle_due(s, rq->now);
	if (!booking_code_ok(rq->facility) || !booking_code_ok(rq->unit) || !booking_code_ok(rq->band) ||
	    !jp_date_valid(rq->day))
		return err_set(e, ERR_NOTFOUND, "booking: no such unit or band");
	if ((rc = unit_taken(s, rq->tenant, rq->facility, rq->unit, jp_date_to_days(rq->day), rq->band, rq->now, e)))
		return rc == 1 ? err_set(e, ERR_CONFLICT, "slot: taken") : rc;
	struct booking_facility *f = NULL;
	struct booking_rules *rules = malloc(sizeof *rules);
	const struct booking_rule *rule = NULL;
	const struct booking_unit *u = NULL;
	if (!rules)
		return err_set(e, ERR_NOMEM, "booking");
	rc = load(&f, rules, &rule, s, rq->tenant, rq->facility, e);
	if (rc == 0)
		rc = slot_check(f, rq, &u, e);
	/* who may book: the group's kind, or the person */
	int who = rq->resident ? BOOKING_WHO_WARD : BOOKING_WHO_OUTSIDE;
	if (rc == 0 && rq->group) {
		struct booking_group *g = malloc(sizeof *g);
		rc = g ? booking_group_get(g, s, rq->tenant, rq->group, e) : err_set(e, ERR_NOMEM, "booking");
		if (rc == 0 && (g->leader != rq->account || g->state != BOOKING_GROUP_APPROVED))
			rc = err_set(e, ERR_DENIED, "group: not approved, or not the account's");
		if (rc == 0) {
			who = booking_who_of(g->kind);
			rq->resident = g->kind != BOOKING_GROUP_OUTSIDE;
		}
		free(g);
	}
	if (rc == 0 && !(who & rule->who))
		rc = err_set(e, ERR_DENIED, "who: the rule does not let them book");
	long day = rc == 0 ? jp_date_to_days(rq->day) : 0;
	if (rc == 0 && day > jp_date_to_days(jp_jst_date(rq->now)) + rule->days_ahead_max)
		rc = err_set(e, ERR_INVALID, "not_yet: too far ahead");
	if (rc == 0 && rq->now < booking_first_come_opens(rule, rq->day))
		rc = err_set(e, ERR_INVALID, "not_yet: first come has not opened");
	char once[128] = "";
	int64_t opening = rc == 0 ? booking_cancel_opening(rule, rq->now) : 0;
	int64_t window = rc == 0 ? booking_first_come_opens(rule, rq->day) : 0;   /* the slot's window opened */
	if (rc == 0 && rule->cancel_min >= 0) {
		int64_t at = 0;
		rc = given_up_at(&at, s, rq->tenant, f, u, day, rq->band, e);
		if (rc == 0 && at)
			window = opening;
		if (rc == 0 && at && at >= opening)
			rc = err_set(e, ERR_INVALID, "not_yet: given up, it waits for the next opening");
		if (rc == 0 && at && rule->cancel_one_per_group)
			snprintf(once, sizeof once, "c:%s:%lld:%c%lld", rule->kind, (long long)opening,
				 rq->group ? 'g' : 'a', (long long)(rq->group ? rq->group : rq->account));
	}
	int own = 0;
	if (rc == 0 && (rc = closed_on(s, rq->tenant, f, u, day, e)) == 1)
		rc = err_set(e, ERR_INVALID, "closed: the facility is closed that day");
	/* a slot seen taken is refused without the write lock: at a rush most
	 * attempts meet a taken slot (the claim in the transaction decides) */
	if (rc == 0 && (rc = slot_taken(s, rq->tenant, f, u, day, rq->band, rq->now, e)) == 1)
		rc = err_set(e, ERR_CONFLICT, "slot: taken");
	/* the fair queue: within the window's first seconds, queued */
	int queued = rc == 0 && rule->fair_pool_seconds > 0 && rq->now < window + rule->fair_pool_seconds;
	char qkey[128] = "";
	if (queued)
		snprintf(qkey, sizeof qkey, "q:%s:%lld:%lld", rq->facility, (long long)window, (long long)rq->account);
	if (rc == 0 && (rc = booking_tx_begin(s, &own, e)) == 0) {
		struct made m = {
			.rq = rq, .f = f, .u = u, .state = queued ? BOOKING_QUEUED : BOOKING_HELD,
			.fee = booking_fee_of(f, rq->unit, rq->band, rq->day, rq->resident, rq->heating),
			.hold_until = queued ? window + rule->fair_pool_seconds : booking_hold_until(rule, rq->now),
			.once_key = !queued && once[0] ? once : NULL,
			.queue_key = queued ? qkey : NULL, .want_once = queued && once[0] ? once : NULL,
		};
		if (queued)
			randombytes_buf(&m.queue_order, sizeof m.queue_order);
		m.queue_order &= INT64_MAX;
		rc = m.fee < 0 ? err_set(e, ERR_INTERNAL, "booking: no fee") : insert_booking(out, s, &m, e);
		rc = booking_tx_end(s, own, rc, e);
		if (rc == 0 && queued)
			rc = 2;
	}
	/* the same key at the same moment on another connection: the unique
	 * index refused this one; answer the other's booking */
	if (rc == ERR_CONFLICT && !store_in_tx(s)) {
		struct err e2;
		if (with_key(out, s, rq->tenant, rq->request_key, &e2) == 1)
			rc = 1;
	}
	booking_facility_free(f);
	free(rules);
	return rc;
}

int booking_staff_book(struct booking *out, struct store *s, const struct booking_req *rq, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (rq->source != BOOKING_STAFF && rq->source != BOOKING_RECURRING)
		return err_set(e, ERR_INVALID, "booking: staff or recurring");
	if (rq->request_key && !booking_key_ok(rq->request_key, strlen(rq->request_key)))
		return err_set(e, ERR_INVALID, "booking: request key");
	int rc = rq->request_key ? with_key(out, s, rq->tenant, rq->request_key, e) : 0;
	if (rc)
		return rc;
	struct booking_facility *f = NULL;
	const struct booking_unit *u = NULL;
	rc = booking_facility_get(&f, s, rq->tenant, rq->facility, e);
	if (rc)
		return rc;
	rc = slot_check(f, rq, &u, e);
	long day = jp_date_to_days(rq->day);
	if (rc == 0 && (rc = closed_on(s, rq->tenant, f, u, day, e)) == 1)
		rc = err_set(e, ERR_INVALID, "closed: the facility is closed that day");
	int own = 0;
	if (rc == 0 && (rc = booking_tx_begin(s, &own, e)) == 0) {
		struct made m = {
			.rq = rq, .f = f, .u = u, .state = BOOKING_BOOKED,
			.fee = booking_fee_of(f, rq->unit, rq->band, rq->day, rq->resident, rq->heating),
		};
		rc = m.fee < 0 ? err_set(e, ERR_INTERNAL, "booking: no fee") : insert_booking(out, s, &m, e);
		rc = booking_tx_end(s, own, rc, e);
	}
	booking_facility_free(f);
	return rc;
}

/* a lottery win: round.c calls it in the draw's transaction */
int booking_win(struct booking *out, struct store *s, const struct booking_req *rq, int64_t round, int64_t confirm_by,
		struct err *e)
{
	struct booking_facility *f = NULL;
	const struct booking_unit *u = NULL;
	int rc = booking_facility_get(&f, s, rq->tenant, rq->facility, e);
	if (rc)
		return rc;
	rc = slot_check(f, rq, &u, e);
	if (rc == 0) {
		struct made m = {
			.rq = rq, .f = f, .u = u, .state = BOOKING_WON, .round = round, .confirm_by = confirm_by,
			.fee = booking_fee_of(f, rq->unit, rq->band, rq->day, rq->resident, rq->heating),
		};
		rc = m.fee < 0 ? err_set(e, ERR_INTERNAL, "booking: no fee") : insert_booking(out, s, &m, e);
	}
	booking_facility_free(f);
	return rc;
}

static int rule_of(struct booking_rules *rules, const struct booking_rule **rule, struct store *s, const char *tenant,
		   const char *facility, struct err *e)
{
	struct booking_facility *f = NULL;
	int rc = load(&f, rules, rule, s, tenant, facility, e);
	booking_facility_free(f);
	return rc;
}

int booking_confirm(struct booking *out, struct store *s, const char *tenant, const char *number_in,
		    int64_t account, int64_t now, struct err *e)
{
	char number[BOOKING_NUMBER_LEN + 1];   /* number_in may be out->number */
	snprintf(number, sizeof number, "%s", number_in ? number_in : "");
	int rc = booking_get(out, s, tenant, number, e);
	if (rc)
		return rc;
	if (account && out->account != account)
		return err_set(e, ERR_NOTFOUND, "booking: no such number");
	if (out->state == BOOKING_BOOKED)
		return 0;   /* confirmed already: a double click */
	if (out->state != BOOKING_HELD && out->state != BOOKING_WON)
		return err_set(e, ERR_INVALID, "state: not a hold or a win");
	struct booking_rules *rules = malloc(sizeof *rules);
	const struct booking_rule *rule = NULL;
	if (!rules)
		return err_set(e, ERR_NOMEM, "booking");
	rc = rule_of(rules, &rule, s, tenant, out->facility, e);
	if (rc == 0) {
		int64_t pay_by = booking_pay_by(rule, out->day, now);
		struct store_val p[] = { sv_text(tenant), sv_text(number), sv_int(now),
					 out->fee ? sv_int(pay_by) : sv_null(), out->fee ? sv_null() : sv_int(now) };
		rc = store_exec(s, "UPDATE booking_bookings SET state = 'booked', pay_by = $4, paid_at = $5"
				   " WHERE tenant = $1 AND number = $2 AND ((state = 'held' AND hold_until > $3)"
				   " OR (state = 'won' AND confirm_by > $3))", p, SV_N(p), e);
		if (rc == 0)
			rc = err_set(e, ERR_INVALID, "expired: the hold or the win has run out");
		rc = rc < 0 ? rc : 0;
	}
	free(rules);
	/* no row changed: the hold ran out, or a confirm of the same booking
	 * (the other request of a double click, on another connection)
	 * committed between the read above and the update: booked is booked */
	if (rc == ERR_INVALID && booking_get(out, s, tenant, number, e) == 0 && out->state == BOOKING_BOOKED)
		return 0;
	if (rc == ERR_INVALID)
		err_set(e, ERR_INVALID, "expired: the hold or the win has run out");
	return rc ? rc : booking_get(out, s, tenant, number, e);
}

int booking_cancel_open(const struct booking *b, int64_t now)
{
	return !b->checked_in_at && now < jp_jst_midnight(b->day);
}

int booking_cancel(struct booking *out, struct store *s, const char *tenant, const char *number,
		   int64_t account, int waive_fee, int64_t now, struct err *e)
{
	return booking_cancel_as(out, s, tenant, number, account, waive_fee, now, NULL, e);
}

int booking_cancel_as(struct booking *out, struct store *s, const char *tenant, const char *number_in,
		      int64_t account, int waive_fee, int64_t now, const struct pay_actor *who, struct err *e)
{
	char number[BOOKING_NUMBER_LEN + 1];   /* number_in may be out->number */
	snprintf(number, sizeof number, "%s", number_in ? number_in : "");
	int rc = booking_get(out, s, tenant, number, e);
	if (rc)
		return rc;
	if (account && out->account != account)
		return err_set(e, ERR_NOTFOUND, "booking: no such number");
	if (out->state == BOOKING_QUEUED) {   /* withdrawn before it was decided: no slot, nothing given up */
		struct store_val q[] = { sv_text(tenant), sv_text(number) };
		rc = store_exec(s, "UPDATE booking_bookings SET state = 'refused' WHERE tenant = $1 AND number = $2"
				   " AND state = 'queued'", q, 2, e);
		return rc < 0 ? rc : booking_get(out, s, tenant, number, e);
	}
	if (out->state != BOOKING_HELD && out->state != BOOKING_WON && out->state != BOOKING_BOOKED)
		return err_set(e, ERR_INVALID, "state: not in force");
	/* a resident cancels before the day of use begins, and never once
	 * checked in: a slot used (or the day come) is not given back, nor
	 * its fee refunded; staff may still (a slot closed by the ward) */
	if (account && !booking_cancel_open(out, now))
		return err_set(e, ERR_INVALID, "cancel: the day of use has begun");
	/* paid online but not yet marked on the booking: marked first, so
	 * that what was paid is refunded */
	if (out->state == BOOKING_BOOKED && out->payment[0] && !out->paid_at) {
		int changed = 0;
		if ((rc = booking_pay_online_sync(&changed, s, tenant, number, now, e)) ||
		    (changed && (rc = booking_get(out, s, tenant, number, e))))
			return rc;
	}
	int fee = 0;
	if (out->state == BOOKING_BOOKED && !waive_fee) {
		struct booking_rules *rules = malloc(sizeof *rules);
		const struct booking_rule *rule = NULL;
		if (!rules)
			return err_set(e, ERR_NOMEM, "booking");
		rc = rule_of(rules, &rule, s, tenant, out->facility, e);
		if (rc == 0)
			fee = booking_cancel_fee(rule, out->day, out->fee, now);
		free(rules);
		if (rc)
			return rc;
	}
	int own = 0;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	/* the state first (one cancel wins: a second finds it not in force),
	 * then the claims, then the refund, all in one transaction */
	/* ... as read above: a payment marked meanwhile (a webhook, the job)
	 * changes no row here, and the cancel is refused (ERR_CONFLICT)
	 * rather than cancelled without its refund; the resident tries again */
	struct store_val p[] = { sv_text(tenant), sv_text(number), sv_int(now), sv_int(fee),
				 sv_int(out->paid_at ? 1 : 0) };
	rc = store_exec(s, "UPDATE booking_bookings SET state = 'cancelled', cancelled_at = $3, cancel_fee = $4"
			   " WHERE tenant = $1 AND number = $2 AND state IN ('held', 'won', 'booked')"
			   " AND (CASE WHEN paid_at IS NULL THEN 0 ELSE 1 END) = $5", p, 5, e);
	if (rc == 0) {
		/* still in force: the payment was marked meanwhile, and
		 * trying again cancels it with its refund */
		struct booking now_bk;
		rc = booking_get(&now_bk, s, tenant, number, e);
		if (rc == 0)
			rc = now_bk.state == BOOKING_HELD || now_bk.state == BOOKING_WON ||
			     now_bk.state == BOOKING_BOOKED ?
			     err_set(e, ERR_CONFLICT, "cancel: the payment changed meanwhile") :
			     err_set(e, ERR_INVALID, "state: not in force");
	}
	if (rc > 0) {
		struct store_val q[] = { sv_int(out->id) };
		rc = store_exec(s, "DELETE FROM booking_claims WHERE booking = $1", q, 1, e);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0 && out->state == BOOKING_BOOKED && out->paid_at && out->payment[0])
		rc = booking_cancel_refund(s, tenant, out, fee, account, now, who, e);
	rc = booking_tx_end(s, own, rc, e);
	return rc ? rc : booking_get(out, s, tenant, number, e);
}

int booking_mark_paid(struct store *s, const char *tenant, const char *number, int64_t now, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_text(number), sv_int(now) };
	int rc = store_exec(s, "UPDATE booking_bookings SET paid_at = $3 WHERE tenant = $1 AND number = $2"
			       " AND state = 'booked' AND paid_at IS NULL AND (pay_by IS NULL OR pay_by > $3)", p, 3, e);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	struct booking b;
	if ((rc = booking_get(&b, s, tenant, number, e)))
		return rc;
	return b.paid_at ? 0 : err_set(e, ERR_INVALID, "state: not booked, or past the payment deadline");
}

int booking_check_in(struct store *s, const char *tenant, const char *number, int64_t now, struct err *e)
{
	struct booking b;
	int rc = booking_get(&b, s, tenant, number, e);
	if (rc)
		return rc;
	if (b.state != BOOKING_BOOKED)
		return err_set(e, ERR_INVALID, "state: not booked");
	if (jp_date_cmp(b.day, jp_jst_date(now)))
		return err_set(e, ERR_INVALID, "day: check-in is on the day of use");
	struct store_val p[] = { sv_text(tenant), sv_text(number), sv_int(now) };
	rc = store_exec(s, "UPDATE booking_bookings SET checked_in_at = $3 WHERE tenant = $1 AND number = $2"
			   " AND checked_in_at IS NULL", p, 3, e);
	return rc < 0 ? rc : 0;
}

int booking_expire(int *n, struct store *s, int64_t now, struct err *e)
{
	*n = 0;
	int own = 0;
	int rc = booking_tx_begin(s, &own, e);
	if (rc)
		return rc;
	/* the state first: the UPDATE checks each row again as it changes it
	 * (a confirm that committed meanwhile keeps its booking, on PostgreSQL
	 * too), then the claims of bookings no longer in force */
	struct store_val p[] = { sv_int(now) };
	rc = store_exec(s, "UPDATE booking_bookings SET state = 'released', cancelled_at = $1"
			   " WHERE state IN ('held', 'won', 'booked') AND " RUN_OUT("booking_bookings", "$1"),
			p, 1, e);
	if (rc >= 0) {
		*n = rc;
		rc = store_exec(s, "DELETE FROM booking_claims WHERE booking IN (SELECT b.id FROM booking_bookings b"
				   " WHERE b.state NOT IN ('held', 'won', 'booked') AND b.id IN (SELECT booking FROM"
				   " booking_claims))", NULL, 0, e);
		rc = rc < 0 ? rc : 0;
	}
	return booking_tx_end(s, own, rc, e);
}

/* ------------------------------------------------------------------ */
/* the grid                                                            */

/* what the grid of one facility's day needs, read in three statements:
 * the claims in force (atom, band), the closures' units, and when each
 * (unit, band) was last given up */
struct day_state {
	int nclaims, nclosed, ngiven;
	struct { char atom[BOOKING_CODE_MAX + 1], band[BOOKING_CODE_MAX + 1]; } claims[BOOKING_UNITS_MAX * BOOKING_BANDS_MAX];
	char closed[BOOKING_UNITS_MAX + 1][BOOKING_CODE_MAX + 1];
	struct { char unit[BOOKING_CODE_MAX + 1], band[BOOKING_CODE_MAX + 1]; int64_t at; } given[BOOKING_UNITS_MAX * BOOKING_BANDS_MAX];
};

static int day_state_read(struct day_state *d, struct store *s, const char *tenant, const char *facility, long day,
			  int64_t now, int with_given, struct err *e)
{
	memset(d, 0, sizeof *d);
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_text(facility), sv_int(day), sv_int(now) };
	int rc = store_query(&r, s, "SELECT c.atom, c.band FROM booking_claims c JOIN booking_bookings b ON b.id = c.booking"
				    " WHERE c.tenant = $1 AND c.facility = $2 AND c.day = $3 AND NOT " RUN_OUT("b", "$4"),
			     p, 4, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && d->nclaims < (int)(sizeof d->claims / sizeof d->claims[0])) {
		snprintf(d->claims[d->nclaims].atom, sizeof d->claims[0].atom, "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
		snprintf(d->claims[d->nclaims].band, sizeof d->claims[0].band, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
		d->nclaims++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	rc = store_query(&r, s, "SELECT unit FROM booking_closures WHERE tenant = $1 AND facility = $2"
				" AND $3 BETWEEN from_day AND to_day", p, 3, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && d->nclosed <= BOOKING_UNITS_MAX)
		snprintf(d->closed[d->nclosed++], sizeof d->closed[0], "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
	store_rows_free(r);
	if (rc < 0 || !with_given)
		return rc < 0 ? rc : 0;
	rc = store_query(&r, s, "SELECT unit, band, max(cancelled_at) FROM booking_bookings WHERE tenant = $1"
				" AND facility = $2 AND day = $3 AND state IN ('cancelled', 'released')"
				" AND cancelled_at IS NOT NULL GROUP BY unit, band", p, 3, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && d->ngiven < (int)(sizeof d->given / sizeof d->given[0])) {
		snprintf(d->given[d->ngiven].unit, sizeof d->given[0].unit, "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
		snprintf(d->given[d->ngiven].band, sizeof d->given[0].band, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
		d->given[d->ngiven].at = store_col_int(r, 2);
		d->ngiven++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int day_taken(const struct day_state *d, const struct booking_facility *f, const struct booking_unit *u,
		     const char *band)
{
	const char *atoms[BOOKING_UNITS_MAX];
	int n = booking_atoms(atoms, f, u);
	for (int k = 0; k < d->nclaims; k++)
		for (int i = 0; i < n; i++)
			if (!strcmp(d->claims[k].atom, atoms[i]) && !strcmp(d->claims[k].band, band))
				return 1;
	return 0;
}

static int day_closed(const struct day_state *d, const struct booking_facility *f, const struct booking_unit *u)
{
	for (int k = 0; k < d->nclosed; k++) {
		const struct booking_unit *v = d->closed[k][0] ? booking_unit_find(f, d->closed[k]) : NULL;
		if (!d->closed[k][0] || (v && related(u, v)))
			return 1;
	}
	return 0;
}

static int64_t day_given_up(const struct day_state *d, const struct booking_facility *f, const struct booking_unit *u,
			    const char *band)
{
	int64_t at = 0;
	for (int k = 0; k < d->ngiven; k++) {
		const struct booking_unit *v = booking_unit_find(f, d->given[k].unit);
		if (v && related(u, v) && !strcmp(d->given[k].band, band) && d->given[k].at > at)
			at = d->given[k].at;
	}
	return at;
}

int booking_slots(struct booking_slot *out, struct store *s, const char *tenant,
		  const struct booking_facility *f, const struct booking_rule *rule, struct jp_date day,
		  int64_t now, struct err *e)
{
	long d = jp_date_to_days(day);
	int64_t opens = rule ? booking_first_come_opens(rule, day) : 0;
	int64_t opening = rule ? booking_cancel_opening(rule, now) : 0;
	int k = 0;
	/* is a lottery of this kind and month still to be drawn? */
	int64_t pending = 0;
	if (rule && now < opens) {
		struct store_val p[] = { sv_text(tenant), sv_text(f->kind), sv_int(day.y * 100 + day.m) };
		int rc = store_query_int(&pending, s, "SELECT count(*) FROM booking_rounds WHERE tenant = $1 AND kind = $2"
						    " AND month = $3 AND state = 'open'", p, 3, e);
		if (rc)
			return rc;
	}
	struct day_state *ds = malloc(sizeof *ds);
	if (!ds)
		return err_set(e, ERR_NOMEM, "slots");
	int rc = day_state_read(ds, s, tenant, f->code, d, now, rule && rule->cancel_min >= 0, e);
	for (int i = 0; rc == 0 && i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		int closed = day_closed(ds, f, u);
		for (int j = 0; j < f->nbands; j++) {
			struct booking_slot *sl = &out[k++];
			sl->unit = u;
			sl->band = &f->bands[j];
			sl->opens_at = 0;
			if (closed)
				sl->state = BOOKING_SLOT_CLOSED;
			else if (day_taken(ds, f, u, f->bands[j].code))
				sl->state = BOOKING_SLOT_TAKEN;
			else if (slot_start_passed(&f->bands[j], day, now))
				sl->state = BOOKING_SLOT_PAST;
			else if (rule && now < opens) {
				sl->state = pending ? BOOKING_SLOT_LOTTERY : BOOKING_SLOT_NOT_YET;
				sl->opens_at = opens;
			} else {
				sl->state = BOOKING_SLOT_FREE;
				int64_t at = rule && rule->cancel_min >= 0 ? day_given_up(ds, f, u, f->bands[j].code) : 0;
				if (at && at >= opening) {
					sl->state = BOOKING_SLOT_NOT_YET;
					sl->opens_at = booking_cancel_opening(rule, now + 86400);
				}
			}
		}
	}
	free(ds);
	return rc;
}

/* ------------------------------------------------------------------ */
/* recurring and usage                                                 */

int booking_recurring(int64_t *series, int *nbooked, struct jp_date *skipped, int *nskipped,
		      struct store *s, const struct booking_req *rq, struct jp_date last, struct err *e)
{
	*series = 0;
	*nbooked = *nskipped = 0;
	if (rq->source != BOOKING_RECURRING || !jp_date_valid(rq->day) || !jp_date_valid(last) ||
	    jp_date_cmp(last, rq->day) < 0)
		return err_set(e, ERR_INVALID, "recurring: first and last day");
	long first = jp_date_to_days(rq->day), end = jp_date_to_days(last);
	if ((end - first) / 7 + 1 > BOOKING_SERIES_MAX)
		return err_set(e, ERR_LIMIT, "recurring: more than %d weeks", BOOKING_SERIES_MAX);
	struct booking_facility *f = NULL;
	int rc = booking_facility_get(&f, s, rq->tenant, rq->facility, e);
	if (rc)
		return rc;
	if (!booking_unit_find(f, rq->unit) || !booking_band_find(f, rq->band))
		rc = err_set(e, ERR_NOTFOUND, "recurring: no such unit or band");
	booking_facility_free(f);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(rq->tenant), sv_text(rq->facility), sv_text(rq->unit), sv_text(rq->band),
				 sv_int(first), sv_int(end), sv_text(rq->holder ? rq->holder : ""),
				 sv_int(rq->account), sv_int(rq->now) };
	/* the series and its id read in one transaction (two at once on
	 * PostgreSQL would otherwise read each other's) */
	int own = 0;
	if ((rc = booking_tx_begin(s, &own, e)))
		return rc;
	rc = store_exec(s, "INSERT INTO booking_series (tenant, facility, unit, band, first_day, last_day, holder,"
			   " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", v, SV_N(v), e);
	if (rc >= 0)
		rc = store_query_int(series, s, "SELECT max(id) FROM booking_series WHERE tenant = $1 AND facility = $2"
					       " AND unit = $3 AND band = $4 AND first_day = $5 AND created_at = $9"
					       " AND last_day = $6 AND holder = $7 AND created_by = $8", v, SV_N(v), e);
	if ((rc = booking_tx_end(s, own, rc < 0 ? rc : 0, e)))
		return rc;
	/* each occurrence in its own transaction: a taken one is skipped */
	for (long d = first; d <= end; d += 7) {
		struct booking_req one_rq = *rq;
		one_rq.day = jp_date_from_days(d);
		one_rq.request_key = NULL;
		one_rq.account = 0;
		struct booking b;
		struct err e2;
		rc = booking_staff_book(&b, s, &one_rq, &e2);
		if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
			skipped[(*nskipped)++] = one_rq.day;
			continue;
		}
		if (rc) {
			*e = e2;
			return rc;
		}
		struct store_val q[] = { sv_int(*series), sv_int(b.id) };
		if ((rc = store_exec(s, "UPDATE booking_bookings SET series = $1 WHERE id = $2", q, 2, e)) < 0)
			return rc;
		(*nbooked)++;
	}
	return 0;
}

int booking_usage(struct booking_usage *out, int *n, struct store *s, const char *tenant,
		  const struct booking_facility *f, long from, long to, struct err *e)
{
	*n = 0;
	if (to < from || to - from > 3660)
		return err_set(e, ERR_INVALID, "usage: days");
	for (int i = 0; i < f->nunits; i++) {
		const struct booking_unit *u = &f->units[i];
		int closed_days = 0;
		for (long d = from; d <= to; d++) {
			int c = closed_on(s, tenant, f, u, d, e);
			if (c < 0)
				return c;
			closed_days += c;
		}
		for (int j = 0; j < f->nbands; j++) {
			struct booking_usage *us = &out[(*n)++];
			memset(us, 0, sizeof *us);
			snprintf(us->unit, sizeof us->unit, "%s", u->code);
			snprintf(us->band, sizeof us->band, "%s", f->bands[j].code);
			us->open = (int)(to - from + 1) - closed_days;
			int64_t c = 0;
			struct store_val p[] = { sv_text(tenant), sv_text(f->code), sv_text(u->code), sv_text(f->bands[j].code),
						 sv_int(from), sv_int(to) };
			int rc = store_query_int(&c, s, "SELECT count(*) FROM booking_bookings WHERE tenant = $1"
						      " AND facility = $2 AND unit = $3 AND band = $4 AND day BETWEEN $5 AND $6"
						      " AND state = 'booked'", p, SV_N(p), e);
			if (rc)
				return rc;
			us->booked = (int)c;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* the fair queue                                                      */

/* one queued request decided as a hold, in its own transaction: 0,
 * ERR_CONFLICT (its slot or its group's one went before it), 1 (decided
 * by another connection meanwhile) */
static int settle_win(struct store *s, const char *tenant, int64_t id, const struct booking_facility *f,
		      const struct booking_unit *u, long day, const char *band, const struct booking_rule *rule,
		      int64_t now, struct err *e)
{
	int own = 0;
	int rc = booking_tx_begin(s, &own, e);
	if (rc)
		return rc;
	const char *atoms[BOOKING_UNITS_MAX];
	int natoms = booking_atoms(atoms, f, u);
	rc = release_run_out(s, tenant, f->code, atoms, natoms, day, band, now, e);
	struct store_val q[] = { sv_int(id), sv_int(booking_hold_until(rule, now)) };
	if (rc == 0)
		rc = store_exec(s, "UPDATE booking_bookings SET state = 'held', hold_until = $2, once_key = want_once"
				   " WHERE id = $1 AND state = 'queued'", q, 2, e);
	int decided = rc == 0;
	if (rc == 1)
		rc = claim(s, tenant, f, u, day, band, id, e);
	rc = booking_tx_end(s, own, decided ? 0 : rc, e);
	return rc ? rc : decided;
}

struct queued {
	char tenant[32];
	int64_t id;
	char facility[BOOKING_CODE_MAX + 1], unit[BOOKING_CODE_MAX + 1], band[BOOKING_CODE_MAX + 1];
	long day;
	char want_once[128];
	int lost;
};

/* 1 when a and b's atoms meet on one day and band (both of facility f) */
static int meets(const struct booking_facility *f, const struct queued *a, const struct queued *b)
{
	if (strcmp(a->tenant, b->tenant) || strcmp(a->facility, b->facility) || a->day != b->day ||
	    strcmp(a->band, b->band))
		return 0;
	const struct booking_unit *x = booking_unit_find(f, a->unit), *y = booking_unit_find(f, b->unit);
	return x && y && related(x, y);
}

int booking_settle(int *n, struct store *s, int64_t now, struct err *e)
{
	*n = 0;
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_int(now) };
	/* requests decided at one instant are served in their random order */
	int rc = store_query(&r, s, "SELECT tenant, id, facility, unit, band, day, want_once FROM booking_bookings"
				    " WHERE state = 'queued' AND hold_until <= $1 ORDER BY hold_until, queue_order, id"
				    " LIMIT 5000", p, 1, e);
	if (rc)
		return rc;
	struct queued *q = NULL;
	int cap = 0, k = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			struct queued *m = realloc(q, (size_t)cap * sizeof *m);
			if (!m) {
				rc = err_set(e, ERR_NOMEM, "settle");
				break;
			}
			q = m;
		}
		struct queued *x = &q[k++];
		memset(x, 0, sizeof *x);
		snprintf(x->tenant, sizeof x->tenant, "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
		x->id = store_col_int(r, 1);
		snprintf(x->facility, sizeof x->facility, "%s", store_col_text(r, 2) ? store_col_text(r, 2) : "");
		snprintf(x->unit, sizeof x->unit, "%s", store_col_text(r, 3) ? store_col_text(r, 3) : "");
		snprintf(x->band, sizeof x->band, "%s", store_col_text(r, 4) ? store_col_text(r, 4) : "");
		x->day = (long)store_col_int(r, 5);
		snprintf(x->want_once, sizeof x->want_once, "%s", store_col_text(r, 6) ? store_col_text(r, 6) : "");
	}
	store_rows_free(r);
	rc = rc < 0 ? rc : 0;
	/* the facility and rules of the last request, kept while they serve */
	struct booking_facility *f = NULL;
	struct booking_rules *rules = malloc(sizeof *rules);
	const struct booking_rule *rule = NULL;
	char f_tenant[32] = "", f_code[BOOKING_CODE_MAX + 1] = "";
	if (!rules)
		rc = err_set(e, ERR_NOMEM, "settle");
	int nlost = 0;
	for (int i = 0; rc == 0 && i < k; i++) {
		struct queued *x = &q[i];
		if (!f || strcmp(f_tenant, x->tenant) || strcmp(f_code, x->facility)) {
			booking_facility_free(f);
			f = NULL;
			if ((rc = load(&f, rules, &rule, s, x->tenant, x->facility, e)))
				break;
			snprintf(f_tenant, sizeof f_tenant, "%s", x->tenant);
			snprintf(f_code, sizeof f_code, "%s", x->facility);
		}
		const struct booking_unit *u = booking_unit_find(f, x->unit);
		/* lost at once when a request before it won its slot or its
		 * group's one: no transaction for it */
		for (int j = 0; j < i && !x->lost && u; j++)
			if (!q[j].lost && q[j].id && (meets(f, &q[j], x) ||
						     (x->want_once[0] && !strcmp(q[j].want_once, x->want_once))))
				x->lost = 1;
		if (!u)
			x->lost = 1;
		if (!x->lost) {
			int w = settle_win(s, x->tenant, x->id, f, u, x->day, x->band, rule, now, e);
			if (w == ERR_CONFLICT)
				x->lost = 1;
			else if (w < 0)
				rc = w;
			else if (w == 1)
				x->id = 0;   /* not ours: decided elsewhere */
			else
				(*n)++;
		}
		nlost += x->lost;
	}
	booking_facility_free(f);
	free(rules);
	/* the others refused, in one transaction */
	if (rc == 0 && nlost) {
		int own = 0;
		rc = booking_tx_begin(s, &own, e);
		for (int i = 0; rc == 0 && i < k; i++) {
			if (!q[i].lost)
				continue;
			struct store_val v[] = { sv_int(q[i].id) };
			rc = store_exec(s, "UPDATE booking_bookings SET state = 'refused' WHERE id = $1 AND state = 'queued'",
					v, 1, e);
			if (rc >= 0) {
				*n += rc;
				rc = 0;
			}
		}
		rc = booking_tx_end(s, own, rc, e);
	}
	free(q);
	return rc;
}

/* settle what is due before a hold or a read (now 0: the clock's); a
 * failure is left for the job (the caller's work goes on) */
static void settle_due(struct store *s, int64_t now)
{
	if (store_in_tx(s))
		return;
	if (!now)
		now = (int64_t)time(NULL);
	int64_t due = 0;
	struct store_val p[] = { sv_int(now) };
	struct err e;
	if (store_query_int(&due, s, "SELECT count(*) FROM booking_bookings WHERE state = 'queued' AND hold_until <= $1",
			    p, 1, &e) || !due)
		return;
	int n = 0;
	booking_settle(&n, s, now, &e);
}
