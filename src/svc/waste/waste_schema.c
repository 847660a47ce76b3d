/*
 * waste_schema.c -- the "waste" schema: collection areas, their calendar
 * of collection days with a capacity, and the bookings.
 *
 * Invariants: a day's booked points never exceed its capacity (CHECK; a
 * booking raises booked with one conditional UPDATE, booking.c, so two
 * bookings at once cannot both take the last place, on SQLite and on
 * PostgreSQL alike); a booking's number is unique in its municipality;
 * state is booked or cancelled, and a cancelled booking's points have been
 * given back to its day.  Days are day numbers since 1970-01-01 (Japan's
 * calendar day, jp_date_to_days).  Depends on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/waste/waste.h"

static const struct store_migration waste_migrations[] = {
	{ 1, "bulky-waste areas, collection days, bookings",
	  "CREATE TABLE waste_areas ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " name_ja TEXT NOT NULL,"
	  " PRIMARY KEY (tenant, code));"
	  "CREATE TABLE waste_days ("
	  " tenant TEXT NOT NULL,"
	  " area TEXT NOT NULL,"
	  " day INTEGER NOT NULL,"
	  " capacity INTEGER NOT NULL CHECK (capacity >= 0),"
	  " booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),"
	  " PRIMARY KEY (tenant, area, day),"
	  " FOREIGN KEY (tenant, area) REFERENCES waste_areas(tenant, code));"
	  "CREATE TABLE waste_bookings ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL,"
	  " number TEXT NOT NULL,"
	  " area TEXT NOT NULL,"
	  " day INTEGER NOT NULL,"
	  " points INTEGER NOT NULL CHECK (points > 0),"
	  " fee_yen INTEGER NOT NULL CHECK (fee_yen >= 0),"
	  " items TEXT NOT NULL,"
	  " account BIGINT,"
	  " state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled')),"
	  " created_at BIGINT NOT NULL,"
	  " cancelled_at BIGINT,"
	  " UNIQUE (tenant, number),"
	  " FOREIGN KEY (tenant, area, day) REFERENCES waste_days(tenant, area, day));"
	  "CREATE INDEX waste_bookings_day ON waste_bookings (tenant, area, day)" },
	{ 2, "bulky-waste 町丁目, contacts, changes, 処理券, reminders",
	  "CREATE TABLE waste_chome ("
	  " tenant TEXT NOT NULL,"
	  " name_ja TEXT NOT NULL,"
	  " area TEXT NOT NULL,"
	  " PRIMARY KEY (tenant, name_ja),"
	  " FOREIGN KEY (tenant, area) REFERENCES waste_areas(tenant, code));"
	  "ALTER TABLE waste_bookings ADD COLUMN chome TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE waste_bookings ADD COLUMN address TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE waste_bookings ADD COLUMN place TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE waste_bookings ADD COLUMN name TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE waste_bookings ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE waste_bookings ADD COLUMN email TEXT NOT NULL DEFAULT '';"
	  "ALTER TABLE waste_bookings ADD COLUMN pay TEXT NOT NULL DEFAULT 'unpaid'"
	  " CHECK (pay IN ('unpaid', 'tickets', 'online'));"
	  "ALTER TABLE waste_bookings ADD COLUMN paid_at BIGINT;"
	  "ALTER TABLE waste_bookings ADD COLUMN changed_at BIGINT;"
	  "ALTER TABLE waste_bookings ADD COLUMN reminded_at BIGINT;"
	  "ALTER TABLE waste_bookings ADD COLUMN request_key TEXT;"
	  "CREATE UNIQUE INDEX waste_bookings_request ON waste_bookings (tenant, request_key);"
	  "CREATE INDEX waste_bookings_account ON waste_bookings (tenant, account);"
	  "CREATE TABLE waste_tickets ("
	  " tenant TEXT NOT NULL,"
	  " ticket TEXT NOT NULL,"
	  " booking BIGINT NOT NULL REFERENCES waste_bookings(id),"
	  " PRIMARY KEY (tenant, ticket))" },
	{ 3, "ordinary collection calendar (5374): areas, rules, categories, targets",
	  "CREATE TABLE waste_collect_files ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " file TEXT NOT NULL CHECK (file IN ('area_days', 'target', 'description', 'center')),"
	  " header TEXT NOT NULL,"
	  " crlf INTEGER NOT NULL,"
	  " final_eol INTEGER NOT NULL,"
	  " PRIMARY KEY (tenant, file));"
	  "CREATE TABLE waste_collect_centers ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " seq INTEGER NOT NULL,"
	  " name TEXT NOT NULL,"
	  " from_text TEXT NOT NULL,"
	  " to_text TEXT NOT NULL,"
	  " closed_from INTEGER NOT NULL,"
	  " closed_to INTEGER NOT NULL CHECK (closed_to >= closed_from),"
	  " PRIMARY KEY (tenant, seq));"
	  "CREATE TABLE waste_collect_areas ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " seq INTEGER NOT NULL,"
	  " name_ja TEXT NOT NULL,"
	  " center TEXT NOT NULL,"
	  " PRIMARY KEY (tenant, code),"
	  " UNIQUE (tenant, name_ja));"
	  "CREATE TABLE waste_collect_rules ("
	  " tenant TEXT NOT NULL,"
	  " area TEXT NOT NULL,"
	  " col INTEGER NOT NULL,"
	  " category TEXT NOT NULL,"
	  " rule TEXT NOT NULL,"
	  " PRIMARY KEY (tenant, area, col),"
	  " FOREIGN KEY (tenant, area) REFERENCES waste_collect_areas(tenant, code));"
	  "CREATE TABLE waste_collect_categories ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " seq INTEGER NOT NULL,"
	  " label TEXT NOT NULL,"
	  " sublabel TEXT NOT NULL,"
	  " description TEXT NOT NULL,"
	  " styles TEXT NOT NULL,"
	  " bgcolor TEXT NOT NULL,"
	  " PRIMARY KEY (tenant, seq));"
	  "CREATE TABLE waste_collect_targets ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " seq INTEGER NOT NULL,"
	  " label TEXT NOT NULL,"
	  " name TEXT NOT NULL,"
	  " notice TEXT NOT NULL,"
	  " furigana TEXT NOT NULL,"
	  " PRIMARY KEY (tenant, seq))" },
	/* the item master as data, per municipality: every version whole
	 * (its canonical UTF-8 CSV), in force from valid_from (a day
	 * number, Japan's calendar day) until a version with a later
	 * valid_from; who wrote it and why */
	{ 4, "bulky-waste item master versions",
	  "CREATE TABLE waste_master_versions ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " version INTEGER NOT NULL CHECK (version > 0),"
	  " valid_from INTEGER NOT NULL,"
	  " csv TEXT NOT NULL,"
	  " note TEXT NOT NULL DEFAULT '',"
	  " created_by BIGINT NOT NULL DEFAULT 0,"
	  " created_login TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " carried_from INTEGER NOT NULL DEFAULT 0,"
	  " PRIMARY KEY (tenant, version));"
	  "CREATE INDEX waste_master_versions_from ON waste_master_versions (tenant, valid_from, version)" },
	/* a booking paid online: the number of its payment (svc/payments),
	 * read until the payment is paid (pay_online.c) */
	{ 5, "bulky-waste bookings paid online",
	  "ALTER TABLE waste_bookings ADD COLUMN payment TEXT NOT NULL DEFAULT '';"
	  "CREATE INDEX waste_bookings_payment ON waste_bookings (tenant, pay, payment)" },
};

const struct store_module_schema waste_schema = {
	"waste", waste_migrations,
	(int)(sizeof waste_migrations / sizeof waste_migrations[0])
};
