/*
 * booking.h -- the public header of facility reservations (施設予約,
 * src/svc/booking): facilities and their rooms and courts, the rules of
 * each kind of facility as data, groups, bookings that never overlap,
 * and lotteries anyone can re-run.
 *
 * The model (README.md has the why):
 *   facility   a building or ground (集会施設, ホール, 運動場) of a kind
 *              ("room", "hall", "sports": the kind names its rules)
 *   unit       a room or court of a facility; a divisible court (全面)
 *              has parts (半面) whose parent it is.  The atoms are the
 *              units without parts: a booking of a unit claims its atoms
 *              (a 全面 both 半面), so 全面 and 半面 never overlap
 *   band       a time slot of a facility's day (午前, 午後, 夜間, or an
 *              hour), start and end in minutes from midnight JST
 *   slot       (unit, day, band); its fee per unit and band: resident or
 *              not, weekday or holiday (土日祝), plus heating
 *   closure    a facility, or one unit, closed from one day to another
 *              (休館日, 保守)
 *
 * No overlap: a booking in force (held, won, booked) owns one row per
 * atom in booking_claims, whose primary key is (tenant, facility, atom,
 * day, band).  The database refuses the second claim, on SQLite and
 * PostgreSQL alike, whatever the page did; the booking, its claims and
 * its once-per-group key (below) are written in one transaction.
 *
 * First come: booking_hold makes a 仮予約 that ends at hold_until unless
 * confirmed (booking_confirm); an expired hold's claims are given up at
 * the next claim on its slot and by the job.  Every submit carries a
 * request key (16-64 of [A-Za-z0-9_-]) unique per municipality: the same
 * key again answers the first booking (a double click, a retry).  Where
 * the rule says one slot per group (the キャンセル枠), the booking carries
 * a once key (the window and the group, or the account) under a unique
 * index over the bookings in force: the database, not the page, refuses
 * the second.
 *
 * Lottery: a round (1次, 2次) of a kind and a month of use takes entries
 * of ranked choices in its entry window; at its draw time the job draws
 * it, when staff have entered the public value (公開値: published before
 * the draw, e.g. a number read out at a public event).  The seed is
 * SHA-256("madoguchi-booking-lottery\n" public value "\n" round id); a
 * stream of SHA-256(seed, counter) blocks gives unbiased integers
 * (rejection sampling); the entries, in id order, are shuffled
 * (Fisher-Yates) and allocated by the round's rule:
 *   order     in the drawn order each entry takes its best choice still
 *             free, while its group has fewer wins than the cap
 *   per_slot  each slot (in unit, day, band order) is drawn on its own
 *             among the entries naming it that have not won and whose
 *             group is under the cap
 * booking_draw_text writes the inputs and the result as one canonical
 * text; its SHA-256 is the round's result hash.  booking_redraw and
 * `madoguchi booking redraw ROUND` draw again from the stored inputs
 * and compare byte for byte; the inputs alone (the published page's
 * file) are enough to draw again (booking_draw_inputs_parse).
 *
 * Times are Unix seconds; days are day numbers (jp_date_to_days, Japan's
 * calendar day); a month is yyyymm.  Limits below; every text is UTF-8.
 * Errors: ERR_INVALID (a value out of range; the detail names the
 * field), ERR_NOTFOUND, ERR_CONFLICT (the slot is taken; a once key
 * already used), ERR_LIMIT, ERR_DB, ERR_NOMEM.  Details never carry
 * personal data.
 */
#ifndef MADOGUCHI_SVC_BOOKING_H
#define MADOGUCHI_SVC_BOOKING_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "core/image/image.h"
#include "jp/date.h"

struct store;
struct store_module_schema;

#define BOOKING_CODE_MAX 32        /* facility, unit, band, kind codes   */
#define BOOKING_NAME_MAX 200       /* bytes of a name                     */
#define BOOKING_TEXT_MAX 2000      /* address, access, equipment          */
#define BOOKING_UNITS_MAX 64       /* units of a facility                 */
#define BOOKING_BANDS_MAX 24       /* bands of a facility                 */
#define BOOKING_FACILITIES_MAX 500
#define BOOKING_CSV_MAX (4u << 20) /* bytes of a facilities CSV           */
#define BOOKING_RULES_MAX (64u << 10)  /* bytes of a rules text           */
#define BOOKING_KINDS_MAX 16
#define BOOKING_ROUNDS_MAX 4       /* rounds of a kind                    */
#define BOOKING_CHOICES_MAX 8      /* ranked choices of an entry          */
#define BOOKING_ENTRIES_MAX 100000 /* entries of a round                  */
#define BOOKING_MEMBERS_MAX 200    /* members of a group                  */
#define BOOKING_NUMBER_LEN 10      /* booking number: 9 digits + Luhn     */
#define BOOKING_KEY_MAX 64
#define BOOKING_PUBLIC_MAX 200     /* bytes of a round's public value     */
#define BOOKING_SERIES_MAX 120     /* occurrences of a recurring booking  */
#define BOOKING_SEED_HEX 65
#define BOOKING_PAYMENT_LEN 14     /* a payment's number (svc/payments)   */

/* ------------------------------------------------------------------ */
/* Facilities                                                          */

struct booking_band {
	char code[BOOKING_CODE_MAX + 1];
	char name_ja[BOOKING_NAME_MAX + 1], name_en[BOOKING_NAME_MAX + 1];
	int start_min, end_min;    /* minutes from 00:00 JST, start < end */
};

/* the fee of a unit in a band, in yen */
struct booking_fee {
	char band[BOOKING_CODE_MAX + 1];
	int resident, resident_holiday, other, other_holiday, heating;
};

struct booking_unit {
	char code[BOOKING_CODE_MAX + 1];
	char name_ja[BOOKING_NAME_MAX + 1], name_en[BOOKING_NAME_MAX + 1];
	char parent[BOOKING_CODE_MAX + 1];  /* "" or the whole (全面)      */
	int capacity;                       /* people                      */
	char equipment[BOOKING_TEXT_MAX + 1];
	int nfees;
	struct booking_fee fees[BOOKING_BANDS_MAX];
};

struct booking_facility {
	char code[BOOKING_CODE_MAX + 1];
	char kind[BOOKING_CODE_MAX + 1];
	char name_ja[BOOKING_NAME_MAX + 1], name_en[BOOKING_NAME_MAX + 1];
	char address[BOOKING_TEXT_MAX + 1];
	char access[BOOKING_TEXT_MAX + 1];  /* accessibility (段差, 車いす) */
	char photo[BOOKING_TEXT_MAX + 1];   /* a local path or https URL   */
	int has_pin;
	double lat, lon;                    /* the map pin (WGS 84)         */
	int nbands, nunits;
	struct booking_band bands[BOOKING_BANDS_MAX];
	struct booking_unit units[BOOKING_UNITS_MAX];
};

int booking_code_ok(const char *code);
/* a booking number (BOOKING_NUMBER_LEN digits, the last its Luhn digit)
 * and a request key (16..BOOKING_KEY_MAX of [A-Za-z0-9_-]), n bytes of s
 * (s need not end there): 1 when well formed */
int booking_number_ok(const char *s, size_t n);
int booking_key_ok(const char *s, size_t n);

/* booking_facility_put -- add or replace a facility with its bands,
 * units and fees (checked: codes, names, bands that do not overlap, a
 * parent that is a unit of the facility without a parent, a fee for
 * every unit and band).  A unit or band that bookings in force use
 * cannot be removed (ERR_CONFLICT). */
int booking_facility_put(struct store *s, const char *tenant, const struct booking_facility *f,
			 struct err *e);
/* booking_facility_get -- ERR_NOTFOUND when none (out is heap: free) */
int booking_facility_get(struct booking_facility **out, struct store *s, const char *tenant,
			 const char *code, struct err *e);
void booking_facility_free(struct booking_facility *f);
/* booking_facilities_each -- every facility in code order (bands and
 * units filled); fn's non-zero return stops and is returned */
int booking_facilities_each(struct store *s, const char *tenant,
			    int (*fn)(void *arg, const struct booking_facility *f), void *arg,
			    struct err *e);
const struct booking_unit *booking_unit_find(const struct booking_facility *f, const char *code);
const struct booking_band *booking_band_find(const struct booking_facility *f, const char *code);
/* booking_fee_of -- the fee of unit in band on day for a resident of
 * the ward (or not), with heating or not: -1 when unit or band unknown */
int booking_fee_of(const struct booking_facility *f, const char *unit, const char *band,
		   struct jp_date day, int resident, int heating);

/* The facilities CSV: one row per (facility, unit, band), the facility's
 * and unit's columns repeated (they must agree), header row first:
 *   facility,facility_name,facility_name_en,kind,address,lat,lon,access,
 *   photo,unit,unit_name,unit_name_en,parent,capacity,equipment,band,
 *   band_name,band_name_en,start,end,fee,fee_holiday,fee_other,
 *   fee_other_holiday,fee_heating
 * (start and end HH:MM).  Import: UTF-8, UTF-8 with BOM or CP932; every
 * row checked before anything is written; *nfac the facilities read.
 * Errors name the line (e->line).  Export: UTF-8 with BOM, CRLF. */
int booking_csv_import(struct store *s, const char *tenant, const char *data, size_t n, int *nfac,
		       struct err *e);
int booking_csv_export(struct buf *out, struct store *s, const char *tenant, struct err *e);

struct booking_closure {
	int64_t id;
	char facility[BOOKING_CODE_MAX + 1];
	char unit[BOOKING_CODE_MAX + 1];    /* "" the whole facility        */
	long from_day, to_day;              /* inclusive                    */
	char reason[BOOKING_NAME_MAX + 1];
};
/* booking_closure_add -- refused (ERR_CONFLICT, *nbusy the bookings in
 * force it meets) unless force; with force the bookings stay and staff
 * are shown them (booking_slots marks them) */
int booking_closure_add(int64_t *id, int *nbusy, struct store *s, const char *tenant,
			const struct booking_closure *c, int force, struct err *e);
int booking_closure_remove(struct store *s, const char *tenant, int64_t id, struct err *e);
int booking_closures_each(struct store *s, const char *tenant, const char *facility,
			  int (*fn)(void *arg, const struct booking_closure *c), void *arg, struct err *e);

/* ------------------------------------------------------------------ */
/* Photos of a facility                                                */
/*
 * Staff upload photos of a facility, each with its alternative text in
 * Japanese and in English (both required: a photo nobody can hear is not
 * shown); residents see them on the facility's page.  An upload goes
 * through core/image (image.h): a JPEG or a PNG by its bytes, within its
 * limits, turned upright, and two copies are kept, encoded anew (so no
 * EXIF, no GPS, no comment of the upload is stored): the large one (long
 * edge BOOKING_PHOTO_EDGE) and the small one the page shows first
 * (BOOKING_PHOTO_EDGE_SMALL).  The copies live in booking_photos (bytes
 * in the table on both stores: a few a facility, written by staff now
 * and then, so the single writer of SQLite is no concern, and backups
 * and several PostgreSQL servers need nothing more).  A photo never
 * changes: its id names its bytes (a page may cache them for good);
 * removing it deletes the row.
 */
#define BOOKING_PHOTOS_MAX 12              /* photos of a facility        */
#define BOOKING_PHOTO_BYTES_MAX (15u << 20) /* an upload's bytes           */
#define BOOKING_PHOTO_EDGE 1600            /* the large copy's long edge  */
#define BOOKING_PHOTO_EDGE_SMALL 640       /* the small copy's            */
#define BOOKING_PHOTO_PIXELS_MAX 50000000ull /* an upload's pixels        */

struct booking_photo {
	int64_t id;
	char facility[BOOKING_CODE_MAX + 1];
	char alt_ja[BOOKING_NAME_MAX + 1], alt_en[BOOKING_NAME_MAX + 1];
	char mime[16];                     /* image/jpeg or image/png      */
	int width, height;                 /* the large copy, upright      */
	int small_width, small_height;
	int64_t created_at;
};

/* the copies of one upload, made before any database work */
struct booking_photo_copies {
	struct image_out large, small;
};

/* booking_photo_prepare -- check an upload and make its copies (CPU
 * work, no database: a page runs it off the event loop).  ERR_INVALID
 * (not a JPEG or PNG, corrupt, truncated), ERR_LIMIT (bytes, edges,
 * pixels), ERR_NOMEM; on error *out holds nothing.  The upload's EXIF
 * position is not kept. */
int booking_photo_prepare(struct booking_photo_copies *out, const void *data, size_t n, struct err *e);
void booking_photo_copies_done(struct booking_photo_copies *c);
/* booking_photo_add -- store prepared copies as a photo of a facility
 * with its two alternative texts (1..BOOKING_NAME_MAX bytes, one line
 * each): ERR_INVALID (a text; e->detail names alt_ja or alt_en, copies
 * not made by booking_photo_prepare), ERR_NOTFOUND (no such facility),
 * ERR_LIMIT (BOOKING_PHOTOS_MAX already) */
int booking_photo_add(int64_t *id, struct store *s, const char *tenant, const char *facility, const char *alt_ja,
		      const char *alt_en, const struct booking_photo_copies *c, int64_t by, int64_t now,
		      struct err *e);
/* booking_photo_remove -- ERR_NOTFOUND unless the photo is the facility's */
int booking_photo_remove(struct store *s, const char *tenant, const char *facility, int64_t id, struct err *e);
/* booking_photos_each -- the photos of a facility (no bytes) in the
 * order they were added; fn's non-zero return stops and is returned */
int booking_photos_each(struct store *s, const char *tenant, const char *facility,
			int (*fn)(void *arg, const struct booking_photo *p), void *arg, struct err *e);
/* booking_photo_bytes -- the bytes of a photo's large or small copy
 * (*out malloc: free) and its type; ERR_NOTFOUND unless the photo is the
 * facility's */
int booking_photo_bytes(void **out, size_t *len, char mime[16], struct store *s, const char *tenant,
			const char *facility, int64_t id, int small, struct err *e);

/* ------------------------------------------------------------------ */
/* Rules as data                                                       */

enum booking_who {                 /* who may enter or book: a bit set  */
	BOOKING_WHO_SAZANKA = 1,   /* さざんかーど登録団体 (priority)      */
	BOOKING_WHO_WARD = 2,      /* 区内 groups and residents            */
	BOOKING_WHO_OUTSIDE = 4,   /* 区外                                 */
};

enum booking_alloc { BOOKING_ALLOC_ORDER = 1, BOOKING_ALLOC_PER_SLOT = 2 };

struct booking_round_rule {
	char name_ja[BOOKING_NAME_MAX + 1], name_en[BOOKING_NAME_MAX + 1];
	int who;                   /* enum booking_who bits                */
	int months_before;         /* the entry window's month: use month - N */
	int entry_from_day, entry_to_day;  /* days of that month, whole days */
	int draw_day, draw_min;    /* the draw: day of that month, minute   */
	int entries_cap;           /* entries of one group in the round    */
	int wins_cap;              /* wins of one group in the round       */
	int choices_max;           /* ranked choices of one entry          */
	int confirm_days;          /* winners confirm by the draw day + N, 23:59:59 */
	enum booking_alloc alloc;
};

struct booking_rule {
	char kind[BOOKING_CODE_MAX + 1];
	char name_ja[BOOKING_NAME_MAX + 1], name_en[BOOKING_NAME_MAX + 1];
	int nrounds;
	struct booking_round_rule rounds[BOOKING_ROUNDS_MAX];
	/* 空き枠: first come for a month opens on this day of the month
	 * months_before the month of use, at open_min */
	int open_months_before, open_day, open_min;
	int who;                   /* who may book first come              */
	int hold_minutes;          /* a 仮予約 lasts this long             */
	int pay_days;              /* pay within N days of confirming ...  */
	int pay_before_days;       /* ... and N days before the day of use */
	/* キャンセル枠: a slot given up (cancelled, released) after it was
	 * booked waits for the next opening, every day at cancel_min JST; from
	 * it, one such slot per group (or person) an opening when
	 * cancel_one_per_group; cancel_min < 0: none (a slot given up is
	 * free at once) */
	int cancel_min, cancel_one_per_group;
	int cancel_free_days;      /* cancel free until N days before use  */
	int cancel_fee_percent;    /* after that, this share of the fee    */
	int fair_pool_seconds;     /* requests in the first N s of a window
				    * are put in a random order (0: none)  */
	int days_ahead_max;        /* staff and recurring: how far ahead    */
};

struct booking_rules {
	int nkinds;
	struct booking_rule kinds[BOOKING_KINDS_MAX];
};

/* booking_rules_parse -- the rules text (README.md: sections "[kind]"
 * and "[kind round N]", lines "key = value", '#' comments); ERR_INVALID
 * with e->line for an unknown key, a bad value or a missing one */
int booking_rules_parse(struct booking_rules *out, const char *text, size_t n, struct err *e);
const struct booking_rule *booking_rule_find(const struct booking_rules *r, const char *kind);
/* the municipality's rules text as stored (heap), or the shipped default
 * (data/booking/rules.conf, compiled in) when none is stored */
int booking_rules_text(char **out, struct store *s, const char *tenant, struct err *e);
int booking_rules_load(struct booking_rules *out, struct store *s, const char *tenant, struct err *e);
int booking_rules_save(struct store *s, const char *tenant, const char *text, int64_t staff,
		       int64_t now, struct err *e);
extern const char booking_rules_default[];

/* booking_round_times -- the instants of a round of rule rr for the
 * month of use (yyyymm): the entry window [*entry_from, *entry_to)
 * (00:00:00 JST of entry_from_day to 00:00:00 JST after entry_to_day of
 * the month months_before the month of use), the draw, and the end of
 * confirming (00:00:00 JST after the draw day + confirm_days).  A day
 * past the month's end is its last day.  ERR_INVALID for a bad month. */
int booking_round_times(const struct booking_round_rule *rr, int month, int64_t *entry_from,
			int64_t *entry_to, int64_t *draw_at, int64_t *confirm_by, struct err *e);
/* booking_cancel_opening -- the last キャンセル枠 opening at or before
 * now (Unix s), 0 when the kind has none */
int64_t booking_cancel_opening(const struct booking_rule *r, int64_t now);
/* booking_hold_until -- when a hold made at now ends */
int64_t booking_hold_until(const struct booking_rule *r, int64_t now);
/* booking_pay_by -- when a booking of day confirmed at now must be paid:
 * the earlier of 00:00:00 JST after now's day + pay_days and 00:00:00 JST
 * of day - pay_before_days (never before now + 1 hour: a booking made
 * late is given an hour to pay) */
int64_t booking_pay_by(const struct booking_rule *r, struct jp_date day, int64_t now);
/* booking_first_come_opens -- when the 空き枠 of day opens (Unix s) */
int64_t booking_first_come_opens(const struct booking_rule *r, struct jp_date day);
/* booking_cancel_deadline -- the end of free cancellation of day */
int64_t booking_cancel_free_until(const struct booking_rule *r, struct jp_date day);
/* the fee kept when cancelling at now a booking of fee yen on day */
int booking_cancel_fee(const struct booking_rule *r, struct jp_date day, int fee, int64_t now);

/* ------------------------------------------------------------------ */
/* Groups (団体登録)                                                   */

enum booking_group_kind { BOOKING_GROUP_SAZANKA = 1, BOOKING_GROUP_WARD, BOOKING_GROUP_OUTSIDE };
enum booking_group_state { BOOKING_GROUP_PENDING = 1, BOOKING_GROUP_APPROVED, BOOKING_GROUP_REJECTED };

struct booking_member {
	char name[BOOKING_NAME_MAX + 1];
	char kana[BOOKING_NAME_MAX + 1];
	struct jp_date birth;
};

struct booking_group {
	int64_t id;
	char name[BOOKING_NAME_MAX + 1];
	enum booking_group_kind kind;
	enum booking_group_state state;
	int64_t leader;            /* the account that registered it       */
	int64_t created_at;
	int nmembers;
	struct booking_member members[BOOKING_MEMBERS_MAX];
};

const char *booking_group_kind_code(enum booking_group_kind k);  /* "sazanka", "ward", "outside" */
int booking_group_kind_parse(const char *s);                      /* 0 when unknown */
int booking_who_of(enum booking_group_kind k);
/* booking_group_add -- a group (pending), members checked (name, kana
 * in katakana, a birth day in the past); *id */
int booking_group_add(int64_t *id, struct store *s, const char *tenant, const struct booking_group *g,
		      int64_t now, struct err *e);
int booking_group_get(struct booking_group *out, struct store *s, const char *tenant, int64_t id,
		      struct err *e);
int booking_group_decide(struct store *s, const char *tenant, int64_t id, int approve, int64_t staff,
			 int64_t now, struct err *e);
/* the groups an account leads, and all groups (staff; state 0 any) */
int booking_groups_each(struct store *s, const char *tenant, int64_t leader, int state,
			int (*fn)(void *arg, const struct booking_group *g), void *arg, struct err *e);
/* booking_members_shared -- people (same kana and birth day) who are
 * members of more than one group: fn per (person, group) row */
int booking_members_shared(struct store *s, const char *tenant,
			   int (*fn)(void *arg, const char *kana, struct jp_date birth, int64_t group,
				     const char *group_name),
			   void *arg, struct err *e);

/* ------------------------------------------------------------------ */
/* Bookings                                                            */

enum booking_state {
	BOOKING_HELD = 1,          /* 仮予約 (first come), until hold_until */
	BOOKING_WON,               /* lottery win, until confirm_by        */
	BOOKING_BOOKED,            /* confirmed; paid or until pay_by      */
	BOOKING_CANCELLED,         /* by the resident or staff             */
	BOOKING_RELEASED,          /* a hold expired, a win not confirmed, not paid */
	BOOKING_QUEUED,            /* asked for in a window's first seconds:
				    * decided at hold_until (the fair queue) */
	BOOKING_REFUSED,           /* queued, and the slot went to another  */
};

enum booking_source {
	BOOKING_FIRST_COME = 1, BOOKING_LOTTERY, BOOKING_STAFF, BOOKING_RECURRING,
};

struct booking {
	int64_t id;
	char number[BOOKING_NUMBER_LEN + 1];
	char facility[BOOKING_CODE_MAX + 1];
	char unit[BOOKING_CODE_MAX + 1];
	char band[BOOKING_CODE_MAX + 1];
	struct jp_date day;
	enum booking_state state;
	enum booking_source source;
	int64_t account;           /* 0 for a staff booking without one    */
	int64_t group;             /* 0 when booked by a person            */
	int fee;                   /* yen                                  */
	int resident;              /* the fee of a resident of the ward    */
	int heating;
	int people;
	char purpose[BOOKING_NAME_MAX + 1];
	char holder[BOOKING_NAME_MAX + 1];  /* staff bookings: for whom    */
	int64_t hold_until, confirm_by, pay_by;
	int64_t paid_at, checked_in_at, cancelled_at;
	int cancel_fee;
	char payment[BOOKING_PAYMENT_LEN + 1];  /* an online payment's number, or "" */
	int64_t round;             /* the lottery round, or 0              */
	int64_t series;            /* the recurring series, or 0           */
	int64_t created_at;
};

const char *booking_state_code(enum booking_state s);
const char *booking_source_code(enum booking_source s);

struct booking_req {
	const char *tenant;
	const char *facility, *unit, *band;
	struct jp_date day;
	int64_t account, group;
	enum booking_source source;   /* FIRST_COME, STAFF or RECURRING    */
	int resident, heating, people;
	const char *purpose, *holder;
	const char *request_key;      /* NULL only for staff and recurring */
	int64_t now;
};

/* booking_hold -- a 仮予約 for a resident (first come): checked against
 * the rules of the facility's kind (the 空き枠 has opened; who may book;
 * within the キャンセル枠 one per group), the slot is claimed; returns 0,
 * or 1 when the request key was used before (*out that booking).
 * The fair queue: asked for within the first fair_pool_seconds of the
 * slot's window (the 空き枠's opening, or the キャンセル枠's for a slot
 * given up), the request is queued instead (returns 2, *out QUEUED, its
 * hold_until the instant it is decided; one queued request an account a
 * window): at that instant the queued requests are served in a random
 * order (a key from the system's CSPRNG drawn at queueing), not in the
 * order they arrived, so the fastest connection gains nothing in the
 * first seconds (booking_settle; run by holds, by booking_get and by the
 * job).
 * ERR_CONFLICT: the slot is taken (e "slot") or the group already has its
 * one (e "once"); ERR_INVALID: closed, past, not yet open. */
int booking_hold(struct booking *out, struct store *s, const struct booking_req *rq, struct err *e);
/* booking_settle -- serve the queued requests whose instant has come
 * (every municipality): each becomes a hold, or REFUSED when its slot or
 * its group's one slot went to a request before it; *n how many */
int booking_settle(int *n, struct store *s, int64_t now, struct err *e);
/* booking_confirm -- a hold (before hold_until) or a win (before
 * confirm_by) becomes booked; pay_by is set from the rule.  The caller
 * names the account that owns it (0: staff). */
int booking_confirm(struct booking *out, struct store *s, const char *tenant, const char *number,
		    int64_t account, int64_t now, struct err *e);
/* booking_staff_book -- a booking by staff, booked at once (no rule of
 * windows; the slot must be free and open) */
int booking_staff_book(struct booking *out, struct store *s, const struct booking_req *rq, struct err *e);
/* booking_cancel_open -- whether its holder may still cancel b: before
 * 00:00 JST of the day of use, and not checked in */
int booking_cancel_open(const struct booking *b, int64_t now);
/* booking_cancel -- held, won or booked becomes cancelled, its claims
 * given up in the same transaction; the fee rule decides the fee kept,
 * out->cancel_fee (staff: waive).  Cancelling again is refused
 * (ERR_INVALID) and changes nothing.  booking_cancel_as names who
 * cancels (booking_cancel: the booking module itself).
 * Paid online (svc/payments): the resident may cancel it too; in the
 * same transaction a refund of what was paid less the fee kept is asked
 * from payments (payments_refund_request_payer: for the resident, any
 * one member of staff with payments.refund approves it; staff who cancel
 * ask it as themselves, payments_refund_request_part, and another member
 * approves).  Nothing is asked when the whole fee is kept, or when staff
 * asked a refund of that payment before.  A payment paid but not yet
 * marked on the booking is marked first.  Paid at the counter
 * (booking_mark_paid, no payment): the same fee rule; what is owed back
 * is handed at the counter (booking_refund_of says how much). */
struct pay_actor;
int booking_cancel(struct booking *out, struct store *s, const char *tenant, const char *number,
		   int64_t account, int waive_fee, int64_t now, struct err *e);
int booking_cancel_as(struct booking *out, struct store *s, const char *tenant, const char *number,
		      int64_t account, int waive_fee, int64_t now, const struct pay_actor *who, struct err *e);
/* what a cancelled booking that was paid gives back */
enum booking_refund_state {
	BOOKING_REFUND_NONE = 0,   /* not paid, or the whole fee kept       */
	BOOKING_REFUND_ASKED,      /* online: asked, staff have not refunded yet */
	BOOKING_REFUND_DONE,       /* online: refunded (at)                  */
	BOOKING_REFUND_COUNTER,    /* paid at the counter: handed back there */
};
struct booking_refund {
	enum booking_refund_state state;
	int64_t yen;               /* paid less the fee kept                 */
	int64_t at;                /* DONE: when                             */
};
int booking_refund_of(struct booking_refund *out, struct store *s, const char *tenant, const struct booking *b,
		      struct err *e);
int booking_mark_paid(struct store *s, const char *tenant, const char *number, int64_t now,
		      struct err *e);
int booking_check_in(struct store *s, const char *tenant, const char *number, int64_t now,
		     struct err *e);
int booking_get(struct booking *out, struct store *s, const char *tenant, const char *number,
		struct err *e);
/* bookings of an account (newest first, at most limit) */
int booking_of_account(struct store *s, const char *tenant, int64_t account, int limit,
		       int (*fn)(void *arg, const struct booking *b), void *arg, struct err *e);
/* bookings in force of a facility from day from to day to (inclusive) */
int booking_of_facility(struct store *s, const char *tenant, const char *facility, long from, long to,
			int (*fn)(void *arg, const struct booking *b), void *arg, struct err *e);
/* Online payment through svc/payments (pay_online.c): a booked, unpaid
 * booking with a fee asks for a payment of it (the same one when asked
 * again; a new one when the last was withdrawn), before pay_by; the
 * booking is paid when its payment is (booking_pay_online_sync: on the
 * resident's read and by the job, a conditional UPDATE, once whoever
 * notices first); a payment whose booking ended unpaid (released,
 * cancelled) is withdrawn by the job.  A booking paid online is
 * cancelled like any other, and what was paid less the fee kept is
 * refunded (booking_cancel). */
struct payment;
int booking_pay_online_start(struct payment *out, struct store *s, const char *tenant, const char *number,
			     int64_t account, int64_t now, const struct pay_actor *who, struct err *e);
int booking_pay_online_sync(int *changed, struct store *s, const char *tenant, const char *number, int64_t now,
			    struct err *e);
/* every booking waiting for its payment, and the payments of bookings
 * that ended unpaid: returns how many changed, or an ERR_* */
int booking_pay_online_sync_due(struct store *s, int64_t now, struct err *e);

/* booking_expire -- holds past hold_until, wins past confirm_by and
 * bookings past pay_by unpaid become released; *n how many */
int booking_expire(int *n, struct store *s, int64_t now, struct err *e);

/* the state of a slot for the availability grid */
enum booking_slot_state {
	BOOKING_SLOT_FREE = 1, BOOKING_SLOT_TAKEN, BOOKING_SLOT_CLOSED, BOOKING_SLOT_PAST,
	BOOKING_SLOT_LOTTERY,      /* not yet open first come: lottery     */
	BOOKING_SLOT_NOT_YET,      /* not yet open at all                  */
};
struct booking_slot {
	const struct booking_unit *unit;
	const struct booking_band *band;
	enum booking_slot_state state;
	int64_t opens_at;          /* FREE later / LOTTERY: first come opens */
};
/* booking_slots -- every (unit, band) of f on day, in unit and band
 * order; out holds f->nunits * f->nbands */
int booking_slots(struct booking_slot *out, struct store *s, const char *tenant,
		  const struct booking_facility *f, const struct booking_rule *rule, struct jp_date day,
		  int64_t now, struct err *e);

/* recurring bookings by staff: every week on day's weekday from first to
 * last (inclusive, at most BOOKING_SERIES_MAX); the occurrences whose
 * slot is taken or closed are skipped and listed (skipped, at most
 * BOOKING_SERIES_MAX), *nbooked the others */
int booking_recurring(int64_t *series, int *nbooked, struct jp_date *skipped, int *nskipped,
		      struct store *s, const struct booking_req *rq, struct jp_date last,
		      struct err *e);

/* usage: per unit and band, slots booked out of slots open, from..to */
struct booking_usage {
	char unit[BOOKING_CODE_MAX + 1];
	char band[BOOKING_CODE_MAX + 1];
	int open, booked;
};
int booking_usage(struct booking_usage *out, int *n, struct store *s, const char *tenant,
		  const struct booking_facility *f, long from, long to, struct err *e);

/* ------------------------------------------------------------------ */
/* Lottery                                                             */

struct booking_choice {
	char facility[BOOKING_CODE_MAX + 1];
	char unit[BOOKING_CODE_MAX + 1];
	char band[BOOKING_CODE_MAX + 1];
	long day;
};

struct booking_entry {
	int64_t id;
	int64_t group;
	int nchoices;
	struct booking_choice choices[BOOKING_CHOICES_MAX];
};

/* a part of a divisible unit (半面 of a 全面): slots of a unit and of its
 * part (or whole) on one day and band overlap, so a draw never gives
 * both */
struct booking_part {
	char facility[BOOKING_CODE_MAX + 1];
	char unit[BOOKING_CODE_MAX + 1];
	char parent[BOOKING_CODE_MAX + 1];
};
#define BOOKING_PARTS_MAX 10000

/* the inputs of a draw: what is published before and after it */
struct booking_draw_in {
	int64_t round;
	char public_value[BOOKING_PUBLIC_MAX + 1];
	enum booking_alloc alloc;
	int wins_cap;
	int nparts;
	struct booking_part *parts;      /* sorted by facility, unit     */
	int nentries;
	struct booking_entry *entries;   /* in id order                  */
	/* slots not available to the draw (booked before it, closed) */
	int nblocked;
	struct booking_choice *blocked;
};

/* one entry's place in the drawn order and what it won */
struct booking_draw_row {
	int64_t entry;
	int won;                   /* rank won (1-based), 0 none           */
};

struct booking_draw_out {
	unsigned char seed[32];
	int n;
	struct booking_draw_row *rows;   /* in drawn order (per_slot: wins in slot order, then the rest) */
};

/* booking_seed -- SHA-256("madoguchi-booking-lottery\n" pv "\n" round) */
void booking_seed(unsigned char seed[32], const char *public_value, int64_t round);
/* booking_uniform -- the i-th draw of the stream: an unbiased integer in
 * [0, n) (n >= 1); *counter advances */
uint64_t booking_uniform(const unsigned char seed[32], uint64_t *counter, uint64_t n);
/* booking_draw -- the draw (pure: no clock, no database); out->rows heap */
int booking_draw(struct booking_draw_out *out, const struct booking_draw_in *in, struct err *e);
void booking_draw_out_free(struct booking_draw_out *o);
/* booking_draw_inputs_text -- the inputs as text (the published file) */
int booking_draw_inputs_text(struct buf *b, const struct booking_draw_in *in);
/* booking_draw_inputs_parse -- read it back (heap inside: ..._in_free) */
int booking_draw_inputs_parse(struct booking_draw_in *out, const char *text, size_t n, struct err *e);
void booking_draw_in_free(struct booking_draw_in *in);
/* booking_draw_text -- inputs and result, canonical; hash_hex its SHA-256 */
int booking_draw_text(struct buf *b, const struct booking_draw_in *in, const struct booking_draw_out *o,
		      char hash_hex[BOOKING_SEED_HEX]);

enum booking_round_state { BOOKING_ROUND_OPEN = 1, BOOKING_ROUND_DRAWN };

struct booking_round {
	int64_t id;
	char kind[BOOKING_CODE_MAX + 1];
	int seq;                   /* 1: 1次, 2: 2次                        */
	int month;                 /* yyyymm of use                        */
	char name_ja[BOOKING_NAME_MAX + 1], name_en[BOOKING_NAME_MAX + 1];
	int who, entries_cap, wins_cap, choices_max;
	enum booking_alloc alloc;
	int64_t entry_from, entry_to, draw_at, confirm_by;
	enum booking_round_state state;
	char public_value[BOOKING_PUBLIC_MAX + 1];  /* "" until entered    */
	char result_hash[BOOKING_SEED_HEX];         /* "" until drawn      */
	int64_t drawn_at;
	int nentries, nwins;
};

/* booking_round_open -- the rounds of kind for month from the rules
 * (again: nothing new); *n the rounds there are */
int booking_rounds_make(int *n, struct store *s, const char *tenant, const struct booking_rule *r,
			int month, struct err *e);
int booking_round_get(struct booking_round *out, struct store *s, const char *tenant, int64_t id,
		      struct err *e);
int booking_rounds_each(struct store *s, const char *tenant, int (*fn)(void *arg, const struct booking_round *r),
			void *arg, struct err *e);
/* the public value: entered once, after the entry window closes and
 * before the draw (ERR_INVALID otherwise) */
int booking_round_public(struct store *s, const char *tenant, int64_t id, const char *value, int64_t now,
			 struct err *e);
/* booking_round_reschedule -- staff move a round's end of entries and
 * its draw (a storm, a mistaken window): only while it is not drawn, the
 * public value not entered, entries still open or closing no earlier than
 * now; entry_from < entry_to <= draw_at < confirm_by kept, and the draw
 * before the next round of the month opens and before the month's 空き枠
 * open first come (ERR_INVALID) */
int booking_round_reschedule(struct store *s, const char *tenant, int64_t id, int64_t entry_to, int64_t draw_at,
			     int64_t now, struct err *e);
/* booking_enter -- an entry of group in the round (its window open; the
 * group approved and of a kind the round takes; under the entry cap;
 * choices distinct, of the round's kind and month); *id.  The page then
 * records the language its result mail goes in (booking_entry_set_lang). */
int booking_enter(int64_t *id, struct store *s, const char *tenant, int64_t round, int64_t group,
		  int64_t account, const struct booking_choice *choices, int nchoices, int64_t now,
		  struct err *e);
int booking_entry_withdraw(struct store *s, const char *tenant, int64_t entry, int64_t account, int64_t now,
			   struct err *e);
/* entries of a round (group 0: all), with their choices */
int booking_entries_each(struct store *s, const char *tenant, int64_t round, int64_t group,
			 int (*fn)(void *arg, const struct booking_entry *en, int64_t created_at), void *arg,
			 struct err *e);
/* booking_draw_inputs -- a round's inputs from the database (heap) */
int booking_draw_inputs(struct booking_draw_in *out, struct store *s, const char *tenant, int64_t round,
			struct err *e);
/* booking_round_draw -- draw a round whose draw time has come and whose
 * public value is entered: the wins become bookings (WON, confirm_by),
 * the result text and hash are stored, all in one transaction */
int booking_round_draw(struct booking_round *out, struct store *s, const char *tenant, int64_t round,
		       int64_t now, struct err *e);
/* booking_round_draw_once -- the same; *drew 1 when this call drew it, 0
 * when it was drawn already (a second click, the job at the same minute):
 * only the one that drew tells the entrants */
int booking_round_draw_once(struct booking_round *out, int *drew, struct store *s, const char *tenant,
			    int64_t round, int64_t now, struct err *e);
/* booking_redraw -- draw again from the stored inputs: 0 when the text
 * is byte-identical to the stored one (text in b), ERR_CONFLICT if not */
int booking_redraw(struct buf *b, struct store *s, const char *tenant, int64_t round, struct err *e);
/* where a round stands at now: entries not yet open, open, closed and
 * waiting for the draw, drawn */
enum booking_round_phase {
	BOOKING_PHASE_BEFORE = 1, BOOKING_PHASE_ENTRIES, BOOKING_PHASE_DRAW, BOOKING_PHASE_DRAWN,
};
enum booking_round_phase booking_round_phase(const struct booking_round *r, int64_t now);
/* booking_day_lottery -- the lottery over one day of f, for the staff's
 * calendar: the first round (lowest seq) of f's kind and the day's month
 * not yet drawn (*round; its id 0 when none), and per (unit, band) of f,
 * in unit and band order (entries holds f->nunits * f->nbands), how many
 * entries in force of that round name the slot among their choices */
int booking_day_lottery(struct booking_round *round, int *entries, struct store *s, const char *tenant,
			const struct booking_facility *f, struct jp_date day, struct err *e);
/* booking_round_result -- the stored result text (heap) */
int booking_round_result(char **out, struct store *s, const char *tenant, int64_t round, struct err *e);
/* booking_entry_set_lang -- the language the entrant's result is sent
 * in ("ja", "en", "ja-easy"; the page's when they entered) */
int booking_entry_set_lang(struct store *s, const char *tenant, int64_t entry, const char *lang, struct err *e);

/* what one entry of a drawn round came to */
struct booking_outcome {
	int64_t entry, account, group;
	char lang[8];
	int won;                   /* the rank won, 0 none                  */
	struct booking booking;    /* the win, when won                     */
};
/* booking_round_outcomes -- every entry of a drawn round, in id order */
int booking_round_outcomes(struct store *s, const char *tenant, int64_t round,
			   int (*fn)(void *arg, const struct booking_outcome *o), void *arg, struct err *e);

/* the job: draw due rounds of every municipality (on_drawn after each
 * draw's commit, may be NULL), release what ran out */
int booking_tick(int *drawn, int *expired, struct store *s, int64_t now,
		 void (*on_drawn)(void *arg, const char *tenant, int64_t round), void *arg, struct err *e);

extern const struct store_module_schema booking_schema;

#endif
