/*
 * reports.h -- the public header of the citizen reports service
 * (src/svc/reports): residents report local problems (a pothole, a fallen
 * tree, dumped rubbish, a broken street light, damage in a disaster) with a
 * pin or an address, a description, up to four photos and an optional
 * contact; staff triage them; the public follows them; Open311 GeoReport
 * v2 clients read and write them.
 *
 * The model (tables of reports_schema.c, all per municipality):
 *   category   code (= Open311 service_code, [a-z0-9-]), names and
 *              descriptions in ja/en, a group, active, order
 *   area       code, names, a box of latitude/longitude (millionths of a
 *              degree) and/or an address fragment; a report is in the
 *              first area (by order) whose box holds its pin, else whose
 *              fragment its address contains, else in none ("")
 *   route      (category or "", area or "") -> a department of svc/dept or
 *              an outside body (a name and a contact text); the most
 *              specific route wins: category+area, category, area, default
 *   report     a number (its id), category, state, pin and/or address,
 *              description, the department or outside body it was routed
 *              to, the optional contact (personal data), the account of a
 *              logged-in reporter, a key made when the form was shown
 *   photo      up to REPORTS_PHOTOS_MAX a report, two copies made by
 *              core/image (re-encoded: no EXIF, no GPS), hideable
 *   history    every change: state, assignment, hiding, with who, when
 *              and a public note
 *
 * Invariants (kept here, whichever way a report comes in: page, Open311,
 * CLI):
 *   - the idempotency key: one report per (municipality, key); the same
 *     key again answers the first report and stores nothing (*again = 1);
 *   - rate limits: at most REPORTS_PER_HOUR_SOURCE reports an hour from a
 *     source (the client address, kept only as a keyed hash) and
 *     REPORTS_PER_HOUR_ACCOUNT from an account (ERR_LIMIT); an Open311 key
 *     has REPORTS_PER_HOUR_KEY instead of the source's limit;
 *   - a report has a pin or an address (ERR_INVALID otherwise); a pin is
 *     on the Earth; every text within its limit, valid UTF-8;
 *   - states: received (受付) -> in_progress (対応中) -> done (完了) /
 *     declined (対応不可) / transferred (他機関へ移送); any change but back
 *     to received; declined and transferred need a note; every change is a
 *     history row in the same transaction;
 *   - the public never sees the contact, the account, the source, a hidden
 *     description or a hidden photo (reports_public_* and the views that
 *     write the public shapes blank them);
 *   - Open311 status: received and in_progress are "open", the rest
 *     "closed" (reports_open311_status).
 * Nothing here logs; the contact never appears in an error's detail.
 * Errors: ERR_INVALID (a field; e->detail names it), ERR_NOTFOUND,
 * ERR_LIMIT (a rate limit or the photo cap), ERR_CONFLICT (a state
 * change from a state the caller did not see), ERR_NOMEM, store errors.
 */
#ifndef MADOGUCHI_SVC_REPORTS_H
#define MADOGUCHI_SVC_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/image/image.h"

struct store;
struct store_module_schema;

#define REPORTS_CODE_MAX 48          /* category and area codes           */
#define REPORTS_NAME_MAX 200         /* bytes: names                      */
#define REPORTS_DESC_MAX 2000        /* bytes: a category's description   */
#define REPORTS_TEXT_MAX 4000        /* bytes: a report's description     */
#define REPORTS_ADDRESS_MAX 300      /* bytes                             */
#define REPORTS_NOTE_MAX 1000        /* bytes: a public note, a reason    */
#define REPORTS_CONTACT_NAME_MAX 100
#define REPORTS_EMAIL_MAX 254
#define REPORTS_PHONE_MAX 32
#define REPORTS_KEY_MIN 16           /* idempotency key: [A-Za-z0-9_-]    */
#define REPORTS_KEY_MAX 64
#define REPORTS_PHOTOS_MAX 4
#define REPORTS_PHOTO_BYTES_MAX (15u << 20)
#define REPORTS_PHOTO_PIXELS_MAX 50000000ull
#define REPORTS_PHOTO_EDGE 1280      /* the large copy's long edge        */
#define REPORTS_PHOTO_EDGE_SMALL 480
#define REPORTS_NEARBY_M 50          /* "the same problem nearby"         */
#define REPORTS_PER_HOUR_SOURCE 10
#define REPORTS_PER_HOUR_ACCOUNT 20
#define REPORTS_PER_HOUR_KEY 1000
#define REPORTS_LIST_MAX 200         /* rows a list answers at most       */
#define REPORTS_CATEGORIES_MAX 100
#define REPORTS_AREAS_MAX 200
#define REPORTS_ROUTES_MAX 500
#define REPORTS_APIKEY_NAME_MAX 100

/* permissions */
#define REPORTS_PERM_TRIAGE "reports.triage"   /* list, detail, state, moderation */
#define REPORTS_PERM_ADMIN "reports.admin"     /* categories, areas, routes, keys */

enum reports_state {
	REPORTS_RECEIVED = 0,    /* 受付       */
	REPORTS_IN_PROGRESS = 1, /* 対応中     */
	REPORTS_DONE = 2,        /* 完了       */
	REPORTS_DECLINED = 3,    /* 対応不可   */
	REPORTS_TRANSFERRED = 4, /* 他機関へ移送 */
};
#define REPORTS_NSTATES 5

/* "received", "in_progress", ... (stored and in URLs); NULL if out of range */
const char *reports_state_name(int state);
/* the state of a name, or -1 */
int reports_state_parse(const char *name);
/* 1 when the state is open (received, in_progress) */
int reports_state_open(int state);
/* "open" or "closed" (Open311) */
const char *reports_open311_status(int state);

struct reports_category {
	char code[REPORTS_CODE_MAX + 1];
	char name_ja[REPORTS_NAME_MAX + 1], name_en[REPORTS_NAME_MAX + 1];
	char desc_ja[REPORTS_DESC_MAX + 1], desc_en[REPORTS_DESC_MAX + 1];
	char grp[REPORTS_CODE_MAX + 1];   /* Open311 group: "road", "disaster" */
	int active;
	int sort;
};

struct reports_area {
	char code[REPORTS_CODE_MAX + 1];
	char name_ja[REPORTS_NAME_MAX + 1], name_en[REPORTS_NAME_MAX + 1];
	int has_box;
	int64_t min_lat, min_lon, max_lat, max_lon;   /* millionths of a degree */
	char address[REPORTS_NAME_MAX + 1];            /* "" : none           */
	int sort;
};

struct reports_route {
	int64_t id;
	char category[REPORTS_CODE_MAX + 1];   /* "" : any                    */
	char area[REPORTS_CODE_MAX + 1];       /* "" : any                    */
	char dept[REPORTS_CODE_MAX + 1];       /* a svc/dept code, or ""      */
	char outside[REPORTS_NAME_MAX + 1];    /* an outside body, or ""      */
	char contact[REPORTS_NOTE_MAX + 1];    /* its contact text            */
};

/* what a resident (or an Open311 client) sends */
struct reports_new {
	const char *category;
	int has_pin;
	int64_t lat_e6, lon_e6;
	const char *address;       /* NULL or "": none                        */
	const char *description;
	const char *contact_name, *contact_email, *contact_phone;   /* optional */
	int64_t account;           /* 0: not logged in                        */
	const char *source;        /* the client address (hashed here)        */
	int64_t apikey;            /* 0: none (an Open311 key's id)           */
	const char *key;           /* the idempotency key (required)          */
	const char *via;           /* "web", "open311", "cli"                 */
	/* the photos' copies (made by reports_photo_prepare), at most
	 * REPORTS_PHOTOS_MAX */
	const struct reports_photo_copies *photos;
	int nphotos;
};

/* a report as stored; texts point into the caller's arena */
struct reports_report {
	int64_t id;
	char category[REPORTS_CODE_MAX + 1];
	int state;
	int has_pin;
	int64_t lat_e6, lon_e6;
	const char *address;       /* "" : none                               */
	const char *description;
	int desc_hidden;
	const char *hide_reason;   /* "" : none                               */
	char area[REPORTS_CODE_MAX + 1];
	char dept[REPORTS_CODE_MAX + 1];
	const char *outside, *outside_contact;
	const char *contact_name, *contact_email, *contact_phone;  /* personal */
	int64_t account;           /* personal                                */
	const char *via;
	const char *note;          /* the latest public note, "" : none       */
	int64_t created_at, updated_at;
	int nphotos;               /* stored, hidden or not                   */
	int nphotos_shown;         /* not hidden                              */
};

struct reports_photo_copies {
	struct image_out large, small;
};

struct reports_photo {
	int64_t id;
	int n;                     /* 1..REPORTS_PHOTOS_MAX within its report  */
	const char *mime;
	int width, height, small_width, small_height;
	int hidden;
	const char *hide_reason;
};

struct reports_event {
	int64_t id;
	const char *kind;          /* "created", "state", "assign", "hide", "show" */
	int state;                 /* after the change                        */
	const char *note;          /* public                                  */
	const char *by_login;      /* staff login, "" : the reporter / a client */
	int64_t at;
};

extern const struct store_module_schema reports_schema;

/* ---- categories, areas, routes (staff edit them) ---- */

/* reports_code_ok -- 0 when code is 1..REPORTS_CODE_MAX of [a-z0-9-] */
int reports_code_ok(const char *code);
/* reports_text_ok -- 1 when s is valid UTF-8 of min..max bytes, one line
 * unless multiline, not only spaces when min > 0 */
int reports_text_ok(const char *s, size_t min, size_t max, int multiline);
int reports_category_put(struct store *s, const char *tenant, const struct reports_category *c,
			 struct err *e);
int reports_category_get(struct reports_category *out, struct store *s, const char *tenant,
			 const char *code, struct err *e);
/* each category of tenant by (sort, code); active_only: the active ones;
 * the count or < 0 */
int reports_category_each(struct store *s, const char *tenant, int active_only,
			  int (*fn)(void *arg, const struct reports_category *c), void *arg,
			  struct err *e);
int reports_area_put(struct store *s, const char *tenant, const struct reports_area *a,
		     struct err *e);
int reports_area_each(struct store *s, const char *tenant,
		      int (*fn)(void *arg, const struct reports_area *a), void *arg, struct err *e);
/* reports_route_put -- add (r->id 0) or replace a route; exactly one of
 * dept (an existing department) and outside; (category, area) unique */
int reports_route_put(int64_t *id, struct store *s, const char *tenant,
		      const struct reports_route *r, struct err *e);
int reports_route_delete(struct store *s, const char *tenant, int64_t id, struct err *e);
int reports_route_each(struct store *s, const char *tenant,
		       int (*fn)(void *arg, const struct reports_route *r), void *arg, struct err *e);
/* reports_route_find -- the area of a pin/address and the route that
 * applies to (category, that area); *route zeroed (dept and outside "")
 * when none applies */
int reports_route_find(struct reports_route *route, char area[REPORTS_CODE_MAX + 1],
		       struct store *s, const char *tenant, const char *category, int has_pin,
		       int64_t lat_e6, int64_t lon_e6, const char *address, struct err *e);

/* ---- photos ---- */

/* reports_photo_prepare -- the two copies of an upload through core/image
 * (slow: call it off the event loop); *gps is the EXIF position read from
 * the upload (gps->present 0 when none), which the copies do not carry */
int reports_photo_prepare(struct reports_photo_copies *out, struct image_gps *gps,
			  const void *data, size_t n, struct err *e);
void reports_photo_copies_done(struct reports_photo_copies *c);

/* ---- reports ---- */

/* reports_check -- the rules of a new report but the database's (the
 * category's existence, the limits): 0 or ERR_INVALID with the field in
 * e->detail ("category", "pin", "address", "description", "contact_name",
 * "contact_email", "contact_phone", "key", "photos") */
int reports_check(const struct reports_new *n, struct err *e);
/* reports_submit -- store a report, its photos and its first history row,
 * routed, in one transaction (its own when none is open): *id its number;
 * *again = 1 when the key had made a report before (nothing stored, *id
 * that report).  ERR_LIMIT: a rate limit (e->detail "source", "account"
 * or "apikey"). */
int reports_submit(int64_t *id, int *again, struct store *s, const char *tenant,
		   const struct reports_new *n, int64_t now, struct err *e);
/* reports_get -- the report (every field; the caller decides what to
 * show) */
int reports_get(struct reports_report *out, struct arena *a, struct store *s, const char *tenant,
		int64_t id, struct err *e);

struct reports_query {
	int state;                  /* -1: any; REPORTS_NSTATES: open ones    */
	const char *category;       /* NULL/"" : any                          */
	const char *dept;           /* NULL/"" : any; "-": routed outside/none */
	const char *area;           /* NULL/"" : any                          */
	int64_t account;            /* 0: any                                 */
	int64_t id;                 /* 0: any                                 */
	int64_t from, until;        /* created_at in [from, until); 0: open   */
	int64_t updated_from;       /* 0: any; else updated_at >= it          */
	int closed_only;            /* done, declined, transferred            */
	int oldest_first;
	int limit, offset;          /* limit 1..REPORTS_LIST_MAX              */
};
/* reports_list -- fn for each report matching q (newest first unless
 * oldest_first); the total matching (all pages), or < 0.  The reports
 * handed to fn live until fn returns. */
int reports_list(struct store *s, const char *tenant, const struct reports_query *q,
		 struct arena *a, int (*fn)(void *arg, const struct reports_report *r), void *arg,
		 struct err *e);
/* reports_nearby -- open reports of category within meters of the pin,
 * nearest first, at most max, ids into out; the count or < 0 */
int reports_nearby(int64_t *out, int max, struct store *s, const char *tenant, const char *category,
		   int64_t lat_e6, int64_t lon_e6, int meters, struct err *e);
/* reports_distance_m -- great-circle distance in meters (haversine) */
double reports_distance_m(int64_t lat1_e6, int64_t lon1_e6, int64_t lat2_e6, int64_t lon2_e6);

/* reports_set_state -- change the state (from `from`, the state the
 * staff saw: ERR_CONFLICT when it changed meanwhile) with a public note,
 * by a member of staff (id and login) */
int reports_set_state(struct store *s, const char *tenant, int64_t id, int from, int to,
		      const char *note, int64_t staff, const char *login, int64_t now, struct err *e);
/* reports_assign -- route the report to a department (dept) or an outside
 * body (outside, contact) with a public note */
int reports_assign(struct store *s, const char *tenant, int64_t id, const char *dept,
		   const char *outside, const char *contact, const char *note, int64_t staff,
		   const char *login, int64_t now, struct err *e);
/* reports_hide -- hide (hide = 1, a reason required) or show again the
 * description (photo 0) or photo number n of the report */
int reports_hide(struct store *s, const char *tenant, int64_t id, int photo, int hide,
		 const char *reason, int64_t staff, const char *login, int64_t now, struct err *e);
int reports_history_each(struct store *s, const char *tenant, int64_t id, struct arena *a,
			 int (*fn)(void *arg, const struct reports_event *ev), void *arg,
			 struct err *e);
int reports_photo_each(struct store *s, const char *tenant, int64_t id, struct arena *a,
		       int (*fn)(void *arg, const struct reports_photo *p), void *arg,
		       struct err *e);
/* reports_photo_bytes -- the copy (small or large) of photo n of report
 * id; *hidden says whether staff hid it (the caller decides); bytes in a */
int reports_photo_bytes(const void **data, size_t *len, const char **mime, int *hidden,
			struct arena *a, struct store *s, const char *tenant, int64_t id, int n,
			int small, struct err *e);

/* ---- Open311 API keys ---- */

/* reports_apikey_add -- a new key for a client called name: the key
 * (REPORTS_APIKEY_LEN characters, shown once) into out; only its hash is
 * stored */
#define REPORTS_APIKEY_LEN 40
int reports_apikey_add(int64_t *id, char out[REPORTS_APIKEY_LEN + 1], struct store *s,
		       const char *tenant, const char *name, int64_t now, struct err *e);
/* reports_apikey_check -- *id the key's id (0: not a valid key) */
int reports_apikey_check(int64_t *id, struct store *s, const char *tenant, const char *key,
			 struct err *e);
int reports_apikey_revoke(struct store *s, const char *tenant, int64_t id, int64_t now,
			  struct err *e);
int reports_apikey_each(struct store *s, const char *tenant,
			int (*fn)(void *arg, int64_t id, const char *name, int64_t created,
				  int64_t revoked), void *arg, struct err *e);

/* reports_demo -- the demo ward's categories, areas, routes, its triage
 * role (demo-machi) and a few fictional reports */
int reports_demo(struct store *s, const char *tenant, struct err *e);

#endif
