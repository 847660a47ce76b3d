/*
 * disaster.h -- the public header of the disaster service (防災・避難所):
 * the shelter master imported from GSI (国土地理院) files, the ward's own
 * designation of shelters (杉並区's 震災救援所), each shelter's live status
 * kept apart from the master, and the nearest open shelter for a hazard.
 * Domain code only: no HTTP.
 *
 * Contract:
 *  - One shelter per facility (table disaster_shelters), keyed per
 *    municipality by its facility key, made from GSI's 共通ID: a
 *    指定緊急避難場所 (E + 5-digit municipality + 5-digit serial + "2" +
 *    2-digit branch "0n") and a 指定避難所 of the same facility ("1" +
 *    "1n") share the key E + municipality + serial + n (disaster_key).
 *    An 共通ID of another shape is its own key.  The same file imported
 *    twice gives the same shelters (same keys, same row ids): an import
 *    inserts the keys it has not seen and updates those it has, never
 *    duplicates, and deletes nothing.
 *  - An import reads GeoJSON (a FeatureCollection of Points, RFC 7946,
 *    [lon, lat]) or GSI's CSV (UTF-8, BOM or CP932; columns by their GSI
 *    names), the kind (emergency sites or designated shelters) known from
 *    the property keys or the header.  A row or feature that breaks a rule
 *    is rejected and reported (CSV: its physical line; GeoJSON: its index
 *    in "features", 0-based) and the others are imported: a ward's file
 *    with one bad row still puts up every other shelter.  A file that is
 *    not one of these forms at all (not JSON, no features, no header
 *    naming 共通ID) imports nothing (ERR_INVALID).
 *  - The ward's designation (disaster_designate) is an attribute of the
 *    GSI shelter (ward_designation), matched by normalised address, then
 *    by name; the rows matching nothing are listed.  The file is the whole
 *    list of that designation: shelters it no longer names lose it.
 *  - A shelter's status (disaster_status: 未開設 / 開設 / 満員 / 閉鎖,
 *    people, needs, a note) carries a version.  A change names the
 *    version it was made from; if the stored one differs the change is
 *    refused (ERR_CONFLICT) and nothing is written: no lost update.  Each
 *    accepted change increments the version by one and is kept in
 *    disaster_status_history (one row per version, unique).
 *  - Limits: DISASTER_FILE_MAX bytes a file, DISASTER_ROWS_MAX rows or
 *    features, the text limits below (bytes of UTF-8); coordinates within
 *    Japan's extent (20..46 N, 122..154 E).
 */
#ifndef MADOGUCHI_SVC_DISASTER_H
#define MADOGUCHI_SVC_DISASTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct store;

#define DISASTER_FILE_MAX (16u << 20)   /* bytes of an imported file         */
#define DISASTER_ROWS_MAX 20000         /* rows / features of one file       */
#define DISASTER_ID_MAX 32              /* bytes of a 共通ID                   */
#define DISASTER_KEY_MAX 32             /* bytes of a facility key            */
#define DISASTER_NAME_MAX 300           /* bytes of a name                    */
#define DISASTER_ADDRESS_MAX 300        /* bytes of an address                */
#define DISASTER_NOTE_MAX 1000          /* 備考, 受入対象者                     */
#define DISASTER_DESIGNATION_MAX 60     /* bytes of a ward designation's name */
#define DISASTER_STATUS_NOTE_MAX 400    /* bytes of a status note             */
#define DISASTER_PEOPLE_MAX 100000      /* people present                     */
#define DISASTER_PROBLEMS_MAX 50        /* problems a report keeps            */
#define DISASTER_PAGE_MAX 200           /* shelters one disaster_list returns */

/* the GSI hazards (災害種別), one bit each */
enum disaster_hazard {
	DISASTER_FLOOD = 1 << 0,        /* 洪水                               */
	DISASTER_LANDSLIDE = 1 << 1,    /* 崖崩れ、土石流及び地滑り             */
	DISASTER_STORM_SURGE = 1 << 2,  /* 高潮                               */
	DISASTER_EARTHQUAKE = 1 << 3,   /* 地震                               */
	DISASTER_TSUNAMI = 1 << 4,      /* 津波                               */
	DISASTER_FIRE = 1 << 5,         /* 大規模な火事                         */
	DISASTER_INLAND_FLOOD = 1 << 6, /* 内水氾濫                             */
	DISASTER_VOLCANO = 1 << 7,      /* 火山現象                             */
};
#define DISASTER_NHAZARDS 8
struct disaster_hazard_name {
	unsigned bit;
	const char *code;               /* "flood", ... (URLs, GeoJSON)       */
	const char *gsi;                /* GSI's column name                  */
};
extern const struct disaster_hazard_name disaster_hazards[DISASTER_NHAZARDS];
/* disaster_hazard_parse -- the bit of a code, 0 when none */
unsigned disaster_hazard_parse(const char *code);

enum disaster_state {
	DISASTER_UNOPENED = 0,          /* 未開設                              */
	DISASTER_OPEN = 1,              /* 開設                                */
	DISASTER_FULL = 2,              /* 満員                                */
	DISASTER_CLOSED = 3,            /* 閉鎖                                */
};
const char *disaster_state_name(enum disaster_state s);  /* "unopened", ... */
int disaster_state_parse(const char *s);                 /* -1: none        */

enum disaster_need {
	DISASTER_NEED_WATER = 1 << 0,
	DISASTER_NEED_FOOD = 1 << 1,
	DISASTER_NEED_MEDICAL = 1 << 2,
	DISASTER_NEED_POWER = 1 << 3,
};
#define DISASTER_NEEDS_ALL 15u

/* disaster_key -- the facility key of a 共通ID (see above) into out
 * (DISASTER_KEY_MAX + 1 bytes); ERR_INVALID when id is not 1..32 of
 * A-Z 0-9 */
int disaster_key(char *out, const char *id);
/* disaster_key_ok -- 1 when s is a facility key's shape (A-Z 0-9 -) */
int disaster_key_ok(const char *s);

/* A shelter with its status, as disaster_get and disaster_list give it;
 * texts live in the arena (get) or until the callback returns (list). */
struct disaster_shelter {
	int64_t id;
	const char *key;
	const char *emergency_id, *designated_id;   /* GSI 共通ID or NULL  */
	const char *name;               /* the designated shelter's name, else
					   the emergency site's                 */
	const char *address;
	int64_t lat_e6, lon_e6;         /* degrees x 10^6 (JGD2011 = WGS84)    */
	int is_emergency;               /* 指定緊急避難場所                     */
	unsigned hazards;               /* its hazards (enum disaster_hazard)  */
	int is_designated;              /* 指定避難所                           */
	const char *accepts;            /* 受入対象者, NULL: none               */
	const char *note;               /* 備考 (both kinds'), NULL: none       */
	const char *ward_designation;   /* "震災救援所", NULL: none             */
	/* the live status */
	enum disaster_state state;
	int64_t people;
	unsigned needs;
	const char *status_note;        /* NULL: none                          */
	int64_t version;                /* 0: never changed                    */
	int64_t status_at;              /* 0: never changed                    */
};

/* one problem of an import: where, and what (both languages, our texts) */
struct disaster_problem {
	long line;                      /* CSV: physical line; 0 for GeoJSON  */
	long feature;                   /* GeoJSON: index in features; -1 CSV */
	const char *ja, *en;
	char field[48];                 /* the column or property concerned   */
};

enum disaster_kind { DISASTER_KIND_EMERGENCY = 1, DISASTER_KIND_DESIGNATED = 2 };

struct disaster_import_report {
	enum disaster_kind kind;
	int geojson;                    /* 1: GeoJSON, 0: CSV                 */
	long rows;                      /* rows / features read               */
	long inserted, updated, rejected;
	int nproblems;                  /* kept: at most DISASTER_PROBLEMS_MAX */
	struct disaster_problem problems[DISASTER_PROBLEMS_MAX];
};

/* disaster_import -- import a GSI file (see the contract) into tenant's
 * shelters at now.  ERR_INVALID (e says why) when the file is none of the
 * forms, ERR_LIMIT past DISASTER_FILE_MAX or DISASTER_ROWS_MAX; otherwise
 * 0 with *rep filled (rejected rows in rep->problems).  In the caller's
 * transaction, else in its own. */
int disaster_import(struct disaster_import_report *rep, struct store *s, const char *tenant,
		    const char *data, size_t len, int64_t now, struct err *e);

struct disaster_unmatched {
	long line;
	char name[DISASTER_NAME_MAX + 1];
	const char *ja, *en;            /* why: no such address or name, two
					   shelters fit                       */
};
struct disaster_designate_report {
	long rows, matched, cleared;    /* cleared: shelters that lost it     */
	long unmatched;
	int nlisted;                    /* at most DISASTER_PROBLEMS_MAX      */
	struct disaster_unmatched list[DISASTER_PROBLEMS_MAX];
};
/* disaster_designate -- the ward's list (CSV 施設名,所在地; UTF-8 or
 * CP932) of the designation `as` (1..DISASTER_DESIGNATION_MAX bytes, no
 * control characters): matched shelters get it, the others that had it
 * lose it.  ERR_INVALID for a file without those columns or a bad name,
 * ERR_LIMIT past the limits.  Caller's transaction, else its own. */
int disaster_designate(struct disaster_designate_report *rep, struct store *s, const char *tenant,
		       const char *data, size_t len, const char *as, int64_t now, struct err *e);

/* disaster_address_key -- an address as compared by disaster_designate:
 * NFKC, numbers of 丁目/番(地)/号 made Arabic (jp_address_normalize), then
 * 「1丁目17番3号」 and 「1-17-3」 both "1-17-3", spaces dropped.  *out is
 * malloc'd.  ERR_INVALID for malformed UTF-8. */
int disaster_address_key(char **out, const char *addr, struct err *e);

/* disaster_get -- the shelter `key` of tenant; ERR_NOTFOUND */
int disaster_get(struct disaster_shelter *out, struct arena *a, struct store *s, const char *tenant,
		 const char *key, struct err *e);

struct disaster_query {
	unsigned hazard;                /* 0: any; else shelters for it      */
	int state;                      /* -1: any; else that state          */
	const char *text;               /* NULL/"": any; else its NFKC form
					   within the name or the address  */
	int limit;                      /* 0..DISASTER_PAGE_MAX              */
	int offset;                     /* >= 0                              */
};
/* disaster_list -- the shelters q selects, by key; fn sees each (texts
 * live until it returns).  Returns how many match in all, or an ERR_*. */
int disaster_list(struct store *s, const char *tenant, const struct disaster_query *q,
		  void (*fn)(const struct disaster_shelter *sh, void *arg), void *arg, struct err *e);

/* A change of status, as staff give it. */
struct disaster_status {
	enum disaster_state state;
	int64_t people;                 /* 0..DISASTER_PEOPLE_MAX            */
	unsigned needs;                 /* enum disaster_need bits           */
	const char *note;               /* NULL or "": none                  */
};
/* disaster_status_check -- 0, or ERR_INVALID with *ja / *en saying why */
int disaster_status_check(const struct disaster_status *st, const char **ja, const char **en);
/* disaster_status_set -- the change made from version `from`:
 * ERR_CONFLICT (nothing written) when the shelter's version is no longer
 * `from`; ERR_NOTFOUND; ERR_INVALID (disaster_status_check).  Otherwise
 * the status and its history row (version from + 1, by staff_id and
 * staff_name) are written and *version gets from + 1.  Caller's
 * transaction, else its own. */
int disaster_status_set(int64_t *version, struct store *s, const char *tenant, const char *key,
			const struct disaster_status *st, int64_t from, int64_t staff_id,
			const char *staff_name, int64_t now, struct err *e);

struct disaster_change {
	int64_t version;
	enum disaster_state state;
	int64_t people;
	unsigned needs;
	const char *note;               /* NULL: none                        */
	int64_t at;
	const char *by;                 /* the staff member's name; NULL: the
					   system (demo, import)            */
};
/* disaster_history -- the newest `limit` changes of the shelter, newest
 * first; returns how many there are in all, or an ERR_* */
int disaster_history(struct store *s, const char *tenant, const char *key, int limit,
		     void (*fn)(const struct disaster_change *c, void *arg), void *arg, struct err *e);

/* disaster_is_stale -- a status changed more than stale_secs before now
 * (never changed: not stale, there is nothing to distrust) */
int disaster_is_stale(const struct disaster_shelter *sh, int64_t now, int64_t stale_secs);

/* ---- the nearest shelter (nearest.c) ---- */

/* disaster_distance_m -- great-circle (haversine) distance in metres on
 * a sphere of radius 6,371,008.8 m (the mean Earth radius) */
double disaster_distance_m(double lat1, double lon1, double lat2, double lon2);

struct disaster_point {
	int64_t id;                     /* ties go to the smaller id         */
	const char *key;                /* the shelter's (disaster_points)    */
	double lat, lon;                /* degrees                           */
	unsigned hazards;
	enum disaster_state state;
};
/* The index: the points sorted by latitude; a query walks outwards from
 * the query's latitude and stops when the latitude gap alone is farther
 * than the best found (R * |dlat| never exceeds the great-circle
 * distance).  Read-only after build: many threads may query it. */
struct disaster_index {
	struct disaster_point *p;       /* sorted by lat, then id            */
	int n;
};
/* disaster_index_build -- copies pts (n <= DISASTER_ROWS_MAX * 2) into
 * a (ERR_NOMEM, ERR_LIMIT) */
int disaster_index_build(struct disaster_index *ix, struct arena *a, const struct disaster_point *pts,
			 int n, struct err *e);
/* disaster_index_nearest -- the nearest point for hazard (0: any) that is
 * open (open_only: state DISASTER_OPEN; else any state), its distance in
 * *m; NULL when none.  The same answer as disaster_brute_nearest, always
 * (equal distances: the smaller id). */
const struct disaster_point *disaster_index_nearest(const struct disaster_index *ix, double lat, double lon,
						    unsigned hazard, int open_only, double *m);
const struct disaster_point *disaster_brute_nearest(const struct disaster_point *pts, int n, double lat,
						    double lon, unsigned hazard, int open_only, double *m);

/* disaster_points -- every shelter of tenant with coordinates, hazards
 * and state, into an arena array (*n of them) */
int disaster_points(struct disaster_point **out, int *n, struct arena *a, struct store *s,
		    const char *tenant, struct err *e);

/* disaster_demo -- the fictional shelters of the demo ward (demo.c) */
int disaster_demo(struct store *s, const char *tenant, struct err *e);

extern const struct store_module_schema disaster_schema;

#endif
