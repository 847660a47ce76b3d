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
#include "jp/date.h"

struct store;
struct store_module_schema;

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

/* ---- areas, collection days, bookings (booking.c) ----
 *
 * A municipality's collection areas each have a calendar of collection
 * days with a capacity in points (one point an item, or what the ward
 * decides).  A booking takes points on one day of one area and gets a
 * number; the day is never overbooked, whatever runs at the same time
 * (one conditional UPDATE; CHECK booked <= capacity as the last guard).
 * A full day answers ERR_FULL and waste_earliest offers the next day with
 * room.  A booking can be cancelled until WASTE_CANCEL_BEFORE seconds
 * before its day begins (00:00 JST): by default 17:00 JST the day before.
 */

extern const struct store_module_schema waste_schema;

#define WASTE_AREA_MAX 32           /* bytes of an area code              */
#define WASTE_NUMBER_LEN 10         /* digits of a booking number         */
#define WASTE_POINTS_MAX 100        /* points one booking takes           */
#define WASTE_CAPACITY_MAX 100000   /* points of one day                  */
#define WASTE_CALENDAR_DAYS_MAX 800 /* days opened by one call            */
#define WASTE_ITEMS_JSON_MAX 8192   /* bytes of a booking's item list     */
#define WASTE_CANCEL_BEFORE (7 * 3600)

/* waste_area_put -- add or rename area code (1..WASTE_AREA_MAX of
 * [a-z0-9-]) of tenant */
int waste_area_put(struct store *s, const char *tenant, const char *code, const char *name_ja,
		   struct err *e);

/* which days a calendar opens: from..to (inclusive), on the weekdays of
 * the mask (bit 0 Sunday .. bit 6 Saturday), never a national holiday or
 * 12/29-1/3 (jp/holiday.h), each with capacity points */
struct waste_calendar {
	const char *area;
	struct jp_date from, to;
	unsigned weekdays;
	int capacity;
};

/* waste_calendar_open -- the days of c in the area's calendar; a day there
 * already gets the new capacity, never below what is booked (ERR_CONFLICT
 * names the day).  *opened: the days written. */
int waste_calendar_open(int *opened, struct store *s, const char *tenant,
			const struct waste_calendar *c, struct err *e);

/* who books, where the crew collects (personal data: read it through
 * audited paths only, never log it).  Limits in bytes; phone: 10..13
 * digits and hyphens (waste_phone_ok); email "" or an address. */
#define WASTE_CHOME_MAX 100         /* a 町丁目 name: 「日之出町1丁目」    */
#define WASTE_CONTACT_NAME_MAX 100
#define WASTE_PHONE_MAX 20
#define WASTE_EMAIL_MAX 254
#define WASTE_ADDRESS_MAX 200       /* after the 町丁目: 「2番3号 デモハイツ203」 */
#define WASTE_PLACE_MAX 200         /* where the items are put out        */

struct waste_contact {
	const char *name;
	const char *phone;
	const char *email;          /* "" or NULL: no reminder by mail       */
	const char *chome;          /* one of the municipality's 町丁目      */
	const char *address;
	const char *place;          /* 「玄関前」, "" allowed               */
};

struct waste_booking_req {
	const char *tenant;
	const char *area;
	struct jp_date day;
	int points;                 /* 1..WASTE_POINTS_MAX                   */
	int fee_yen;
	const char *items;          /* the items, JSON, for staff and route lists */
	int64_t account;            /* the resident's account, 0: none     */
	int64_t now;
	const struct waste_contact *contact;   /* NULL: none (tests)        */
	/* the form's one-time key (16..64 of [A-Za-z0-9_-]), NULL: none: the
	 * same key sent twice (a double click, a reload) books once and
	 * answers the first booking */
	const char *request_key;
};

/* how a booking's fee is paid: not yet, by 粗大ごみ処理券 (ticket numbers
 * entered), or online (the payments service) */
enum waste_pay { WASTE_UNPAID = 0, WASTE_PAID_TICKETS, WASTE_PAID_ONLINE };
#define WASTE_PAYMENT_LEN 14       /* a payment's number (svc/payments)    */

struct waste_booking {
	int64_t id;
	char number[WASTE_NUMBER_LEN + 1];
	char area[WASTE_AREA_MAX + 1];
	struct jp_date day;
	int points, fee_yen;
	int cancelled;
	/* read by waste_booking_get and the lists below */
	enum waste_pay pay;
	int64_t account;            /* 0: booked without an account          */
	int64_t created_at, changed_at, reminded_at;   /* 0: never          */
	char chome[WASTE_CHOME_MAX + 1];
	char address[WASTE_ADDRESS_MAX + 1];
	char place[WASTE_PLACE_MAX + 1];
	char name[WASTE_CONTACT_NAME_MAX + 1];
	char phone[WASTE_PHONE_MAX + 1];
	char email[WASTE_EMAIL_MAX + 1];
	char items[WASTE_ITEMS_JSON_MAX + 1];
	char payment[WASTE_PAYMENT_LEN + 1]; /* the online payment's number, or "" */
};

/* waste_book -- book rq; *out the booking with its number (the one
 * booked before with the same request_key, if any: then 1 is returned).  ERR_FULL: the
 * day has no room for the points; ERR_NOTFOUND: the area has no such
 * collection day; ERR_INVALID: a bad request (points, past day); inside
 * the caller's transaction when one is open, else in its own. */
int waste_book(struct waste_booking *out, struct store *s, const struct waste_booking_req *rq,
	       struct err *e);

/* waste_earliest -- the first collection day of area from `from` on with
 * room for points; ERR_NOTFOUND when none is open */
int waste_earliest(struct jp_date *out, struct store *s, const char *tenant, const char *area,
		   struct jp_date from, int points, struct err *e);

/* waste_booking_get -- the booking called number */
int waste_booking_get(struct waste_booking *out, struct store *s, const char *tenant,
		      const char *number, struct err *e);

/* waste_cancel -- cancel booking number and give its points back (its
 * unpaid online payment withdrawn); ERR_DENIED past the cut-off,
 * ERR_CONFLICT when cancelled already, or when paid online and no
 * refund has been asked for (the detail starts "paid online"),
 * ERR_NOTFOUND */
int waste_cancel(struct store *s, const char *tenant, const char *number, int64_t now,
		 struct err *e);

/* waste_booking_cutoff -- the last moment a booking of day may be made,
 * changed or cancelled: 17:00 JST the day before (WASTE_CANCEL_BEFORE) */
int64_t waste_booking_cutoff(struct jp_date day);

/* the items and fee of a booking priced by the master in force on a day */
struct waste_price {
	const char *items;          /* JSON, as waste_booking_req.items       */
	int fee_yen;
};

/* waste_move -- move booking number to day (its points leave the old day
 * and take places on the new one in one transaction); price, when not
 * NULL, is its items and fee by the master of the new day, stored with
 * it.  ERR_DENIED past the old day's cut-off or when the new day's has
 * passed; ERR_FULL: no room; ERR_NOTFOUND: no such day or booking;
 * ERR_CONFLICT: cancelled, or paid and the new day's fee is another (a
 * paid booking never changes its fee). */
int waste_move(struct store *s, const char *tenant, const char *number, struct jp_date day,
	       const struct waste_price *price, int64_t now, struct err *e);

/* ---- 町丁目 → collection area ---- */

/* waste_chome_put -- 町丁目 chome (1..WASTE_CHOME_MAX bytes of UTF-8)
 * is collected in area (which must exist) */
int waste_chome_put(struct store *s, const char *tenant, const char *chome, const char *area,
		    struct err *e);
/* waste_chome_area -- the area of chome; ERR_NOTFOUND when the
 * municipality has no such 町丁目 */
int waste_chome_area(char area[WASTE_AREA_MAX + 1], struct store *s, const char *tenant,
		     const char *chome, struct err *e);
/* waste_chome_each -- fn for every 町丁目, in the order of their names
 * (fn returning non-zero stops and is returned) */
int waste_chome_each(struct store *s, const char *tenant,
		     int (*fn)(void *arg, const char *chome, const char *area, const char *area_name),
		     void *arg, struct err *e);

/* ---- days and lists ---- */

struct waste_day_load {
	const char *area;
	struct jp_date day;
	int capacity, booked;
};
/* waste_days_each -- the collection days of area (NULL: every area)
 * from..to inclusive, by day then area */
int waste_days_each(struct store *s, const char *tenant, const char *area, struct jp_date from,
		    struct jp_date to, int (*fn)(void *arg, const struct waste_day_load *d), void *arg,
		    struct err *e);

/* waste_bookings_each -- the bookings of day in area (NULL: every area),
 * by area then number; cancelled ones too when with_cancelled.  Personal
 * data: the caller audits the read. */
int waste_bookings_each(struct store *s, const char *tenant, const char *area, struct jp_date day,
			int with_cancelled,
			int (*fn)(void *arg, const struct waste_booking *b), void *arg, struct err *e);
/* waste_bookings_of_account -- the resident's bookings, newest day first
 * (at most limit) */
int waste_bookings_of_account(struct store *s, const char *tenant, int64_t account, int limit,
			      int (*fn)(void *arg, const struct waste_booking *b), void *arg,
			      struct err *e);

/* ---- 粗大ごみ処理券 ----
 * A ticket number is a kind letter and 8 digits: "A" tickets are worth
 * WASTE_TICKET_A_YEN, "B" tickets WASTE_TICKET_B_YEN (デモ区's own,
 * fictional, numbering).  A booking is paid by tickets whose values add
 * up to its fee exactly; a ticket pays one booking only (a cancelled
 * booking gives its tickets back). */
#define WASTE_TICKET_LEN 9
#define WASTE_TICKETS_MAX 40
#define WASTE_TICKET_A_YEN 300
#define WASTE_TICKET_B_YEN 400

/* waste_ticket_value -- the yen of ticket t, or 0 when it is not a ticket
 * number (after NFKC: "Ａ１２３４５６７８" reads as A12345678) */
int waste_ticket_value(const char *t);
/* waste_pay_tickets -- pay booking number by tickets t[0..n).
 * ERR_INVALID: a malformed ticket, a ticket twice, or a sum that is not
 * the fee (detail says which); ERR_CONFLICT: a ticket already pays
 * another booking, or the booking is paid or cancelled; ERR_DENIED: past
 * the cut-off. */
int waste_pay_tickets(struct store *s, const char *tenant, const char *number,
		      const char *const *t, int n, int64_t now, struct err *e);

/* ---- paid online (pay_online.c, through svc/payments) ---- */

struct payment;
struct pay_actor;
/* waste_pay_online_start -- the payment of booking number's fee (service
 * "waste", key "<number>:<fee>": asking again gives the same payment;
 * a moved booking with another fee gets a new one), due the day before
 * collection, for the resident account; its number is kept with the
 * booking.  ERR_CONFLICT: cancelled or paid; ERR_DENIED: past the
 * cut-off. */
int waste_pay_online_start(struct payment *out, struct store *s, const char *tenant, const char *number,
			   int64_t account, int64_t now, const struct pay_actor *who, struct err *e);
/* waste_pay_online_sync -- booking number becomes paid online when its
 * payment is paid with the booking's fee; *changed 1 when it did */
int waste_pay_online_sync(int *changed, struct store *s, const char *tenant, const char *number,
			  int64_t now, struct err *e);
/* waste_pay_online_release -- in the caller's transaction, before b is
 * moved, cancelled or paid by 処理券: its unpaid online payment is
 * withdrawn (no slip stays payable) and forgotten; *paid is 1 when b is
 * paid online, or its payment is paid and not yet marked on it */
int waste_pay_online_release(int *paid, struct store *s, const char *tenant, const struct waste_booking *b,
			     const char *why, int64_t now, struct err *e);
/* waste_pay_online_refunded -- 1 when b's online payment is refunded or
 * its refund asked for (会計課): then b may be cancelled */
int waste_pay_online_refunded(struct store *s, const char *tenant, const struct waste_booking *b, struct err *e);
/* waste_pay_online_sync_due -- waste_pay_online_sync for every unpaid
 * booking waiting for a payment (at most 500 a call); returns how many
 * became paid */
int waste_pay_online_sync_due(struct store *s, int64_t now, struct err *e);

/* waste_tickets_of -- fn for each ticket paying booking (its id) */
int waste_tickets_of(struct store *s, const char *tenant, int64_t booking,
		     int (*fn)(void *arg, const char *ticket), void *arg, struct err *e);

/* ---- reminders ---- */

/* waste_remind_due -- for the bookings collected on day, in every
 * municipality, that are booked, have an e-mail address and were not
 * reminded yet (at most 500 a call): each is marked reminded and given to
 * fn inside the same transaction (fn enqueues the message there; two
 * runners never remind one booking twice).  fn failing rolls that
 * booking's mark back and the others go on; ERR_IO from fn (the database
 * gone) stops the call.  Returns how many fn took, or ERR_*. */
int waste_remind_due(struct store *s, struct jp_date day, int64_t now,
		     int (*fn)(void *arg, const char *tenant, const struct waste_booking *b), void *arg,
		     struct err *e);

/* waste_phone_ok -- 1 when p is 10..13 characters of digits and hyphens
 * with 10 or 11 digits (a Japanese telephone number) */
int waste_phone_ok(const char *p);

/* waste_number_ok -- 1 when s is a booking number: WASTE_NUMBER_LEN
 * digits whose last is the Luhn check digit of the others (a number read
 * over the phone with one digit wrong is caught) */
int waste_number_ok(const char *s);

/* ---- the item master as data (master.c) ----
 *
 * A municipality's master is kept whole, version by version, each the
 * canonical UTF-8 CSV of waste_items_csv (the columns of items.csv in
 * their order), with the first day it is in force (valid_from, Japan's
 * calendar day), who wrote it, when and why.  The master in force on day
 * D is the version with the latest valid_from <= D, of several on one
 * day the highest version.  A version is never changed or deleted.
 *
 * A version written from day F while versions are already scheduled
 * after F (a fee change from April, say) is carried into them: each such
 * version is written again (same valid_from, a new number) with the new
 * version's changes applied field by field, except where the scheduled
 * version had changed that field itself -- so an edit made today is not
 * undone when April's fees arrive, and April's fees still arrive.
 * A municipality without versions uses the file master (the web layer).
 */

#define WASTE_COLS 10               /* item_id .. guidance_ja           */
#define WASTE_NOTE_MAX 500          /* bytes of a version's note         */
#define WASTE_LOGIN_MAX 64
#define WASTE_VERSIONS_MAX 5000     /* versions listed for a municipality */

/* the column names, in the canonical order (items.csv's) */
extern const char *const waste_cols[WASTE_COLS];

enum waste_enc { WASTE_ENC_UTF8 = 0, WASTE_ENC_UTF8_BOM, WASTE_ENC_CP932 };

struct waste_version {
	int64_t version;
	long valid_from;            /* day number (jp_date_to_days)          */
	int64_t created_by;         /* staff id, 0: the CLI                  */
	char created_login[WASTE_LOGIN_MAX + 1];
	int64_t created_at;
	char note[WASTE_NOTE_MAX + 1];
	int64_t carried_from;       /* 0, or the version whose changes this
				       scheduled version was written again with */
	int carried;                /* waste_master_add: scheduled versions carried */
};

/* what waste_master_add writes */
struct waste_master_in {
	const char *csv;            /* UTF-8 or CP932, as waste_items_parse   */
	size_t len;
	struct jp_date from;        /* never before today (now's JST day)    */
	const char *note;           /* "" allowed, at most WASTE_NOTE_MAX     */
	int64_t by;                 /* staff id, 0: the CLI                  */
	const char *login;
	int64_t now;
	/* the master in force on from when the municipality has no version
	 * in force then (the file master), or NULL: what the changes carried
	 * into scheduled versions are computed against */
	const struct waste_items *before;
};

/* waste_master_add -- a new version of tenant's master from in->from.
 * ERR_INVALID: the CSV does not parse (the detail names its line), a
 * day before today, a note too long, a change that cannot be carried
 * into a scheduled version (the detail names its day); ERR_CONFLICT:
 * another version was written at the same moment (try again); inside
 * the caller's transaction when one is open.  *out: the version written (its number; carried:
 * how many scheduled versions were written again). */
int waste_master_add(struct waste_version *out, struct store *s, const char *tenant,
		     const struct waste_master_in *in, struct err *e);
/* waste_master_newest -- the highest version number, 0 when none */
int waste_master_newest(int64_t *version, struct store *s, const char *tenant, struct err *e);
/* waste_master_list -- every version, newest number first (*out
 * malloc'd, free() it; at most WASTE_VERSIONS_MAX) */
int waste_master_list(struct waste_version **out, int *n, struct store *s, const char *tenant,
		      struct err *e);
/* waste_master_pick -- the index in v[0..n) (any order) of the version in
 * force on day, -1 when none */
int waste_master_pick(const struct waste_version *v, int n, long day);
/* waste_master_csv_get -- the CSV of version (malloc'd); ERR_NOTFOUND */
int waste_master_csv_get(char **csv, struct store *s, const char *tenant, int64_t version,
			 struct err *e);
/* waste_master_in_force -- the version in force on day and its parsed
 * master (*w: waste_items_free it); ERR_NOTFOUND when there is none */
int waste_master_in_force(struct waste_version *out, struct waste_items **w, struct store *s,
			  const char *tenant, struct jp_date day, struct err *e);

/* waste_item_fields -- the item's columns as canonical text (aliases
 * joined by ';', the rule written back, "1"/"0"), from arena a */
int waste_item_fields(const char *f[WASTE_COLS], struct arena *a, const struct waste_item *it);
/* waste_items_csv -- w as CSV in the canonical column order (CRLF, fields
 * quoted when they need it) in enc (*out malloc'd).  ERR_INVALID: a
 * character CP932 lacks (the detail names it). */
int waste_items_csv(char **out, size_t *len, const struct waste_items *w, enum waste_enc enc,
		    struct err *e);
/* waste_items_with -- the CSV of base with the item f[0] replaced by f
 * (appended when base has no such id; base NULL: f alone), unchecked:
 * waste_items_parse or waste_master_add checks it */
int waste_items_with(char **out, size_t *len, const struct waste_items *base,
		     const char *const f[WASTE_COLS], struct err *e);

enum waste_change_kind { WASTE_CH_ADDED = 1, WASTE_CH_REMOVED, WASTE_CH_CHANGED };
/* one difference: an item added or removed (col -1), or one field of an
 * item changed (col, old -> new) */
struct waste_change {
	enum waste_change_kind kind;
	const char *id, *name;
	int col;
	const char *old, *new_;
};
/* waste_master_diff -- what changed from old (NULL: nothing) to new_,
 * items in new_'s order then the removed ones; *out from arena a */
int waste_master_diff(struct waste_change **out, int *n, struct arena *a,
		      const struct waste_items *old, const struct waste_items *new_, struct err *e);

#endif
