/*
 * payments_schema.c -- the "payments" schema: payments, their history,
 * the receipts of money that arrived, and the result files imported.
 *
 * Invariants: a payment's number is unique in its municipality, and so
 * is its service's key (the idempotency of payments_create); amounts are
 * whole yen, 1 .. PAY_AMOUNT_MAX; a receipt's source is unique in its
 * municipality (a file's line, a provider's event: importing or hearing
 * it again adds nothing); a file's SHA-256 is unique in its municipality.
 * Days are day numbers since 1970-01-01 (Japan's calendar day).  Depends
 * on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/payments/payments.h"
#include "svc/payments/card.h"

static const struct store_migration payments_migrations[] = {
	{ 1, "payments, their history, receipts, imported result files",
	  "CREATE TABLE payments ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " number TEXT NOT NULL,"
	  " service TEXT NOT NULL,"
	  " pkey TEXT NOT NULL,"
	  " reference TEXT NOT NULL,"
	  " description TEXT NOT NULL,"
	  " return_url TEXT NOT NULL,"
	  " amount_yen INTEGER NOT NULL CHECK (amount_yen > 0 AND amount_yen <= 999999),"
	  " account BIGINT NOT NULL DEFAULT 0,"
	  " state TEXT NOT NULL CHECK (state IN ('created', 'pending', 'paid', 'failed', 'expired', 'refunded')),"
	  " method TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'card', 'payeasy', 'konbini', 'counter')),"
	  " due_day INTEGER NOT NULL,"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " paid_at BIGINT NOT NULL DEFAULT 0,"
	  " paid_day INTEGER NOT NULL DEFAULT 0,"
	  " paid_yen INTEGER NOT NULL DEFAULT 0,"
	  " paid_via TEXT NOT NULL DEFAULT '',"
	  " barcode TEXT NOT NULL DEFAULT '',"
	  " payeasy_biller TEXT NOT NULL DEFAULT '',"
	  " payeasy_confirm TEXT NOT NULL DEFAULT '',"
	  " provider_ref TEXT NOT NULL DEFAULT '',"
	  " refund_reason TEXT NOT NULL DEFAULT '',"
	  " refund_by BIGINT NOT NULL DEFAULT 0,"
	  " refund_approved_by BIGINT NOT NULL DEFAULT 0,"
	  " refunded_at BIGINT NOT NULL DEFAULT 0,"
	  " refunded_day INTEGER NOT NULL DEFAULT 0,"
	  " UNIQUE (tenant, number),"
	  " UNIQUE (tenant, service, pkey));"
	  "CREATE INDEX payments_state ON payments (tenant, state, due_day);"
	  "CREATE INDEX payments_paid ON payments (tenant, method, paid_day);"
	  "CREATE INDEX payments_provider ON payments (tenant, provider_ref);"
	  "CREATE TABLE payment_events ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL,"
	  " payment_id BIGINT NOT NULL REFERENCES payments(id),"
	  " at BIGINT NOT NULL,"
	  " what TEXT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " detail TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX payment_events_of ON payment_events (payment_id, id);"
	  "CREATE TABLE payment_imports ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " kind TEXT NOT NULL,"
	  " final INTEGER NOT NULL DEFAULT 0,"
	  " name TEXT NOT NULL,"
	  " sha256 TEXT NOT NULL,"
	  " lines INTEGER NOT NULL,"
	  " created_by BIGINT NOT NULL DEFAULT 0,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, sha256));"
	  "CREATE TABLE payment_receipts ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " payment_id BIGINT REFERENCES payments(id),"
	  " method TEXT NOT NULL,"
	  " final INTEGER NOT NULL DEFAULT 0,"
	  " number TEXT NOT NULL DEFAULT '',"
	  " barcode TEXT NOT NULL DEFAULT '',"
	  " amount_yen INTEGER NOT NULL CHECK (amount_yen >= 0),"
	  " paid_day INTEGER NOT NULL,"
	  " via TEXT NOT NULL DEFAULT '',"
	  " source TEXT NOT NULL,"
	  " outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'unknown', 'amount', 'settled')),"
	  " received_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, source));"
	  "CREATE INDEX payment_receipts_day ON payment_receipts (tenant, method, paid_day);"
	  "CREATE INDEX payment_receipts_of ON payment_receipts (payment_id)" },
	/* card: the attempts at the provider and the webhook events seen (card.c) */
	{ 2, "card attempts and webhook events", card_schema_sql },
	/* each municipality's own codes for the rails (rails.c) */
	{ 3, "the rails' codes of each municipality",
	  "CREATE TABLE payment_rails ("
	  " tenant TEXT PRIMARY KEY REFERENCES tenants(code),"
	  " payeasy_biller TEXT NOT NULL,"
	  " konbini_biller TEXT NOT NULL,"
	  " konbini_agent TEXT NOT NULL,"
	  " updated_by TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL)" },
	/* a refund of a part of what was paid (a booking cancelled online
	 * keeps its cancellation fee): the amount asked; the refunds asked
	 * before were of all that was paid */
	{ 4, "the amount of a refund",
	  "ALTER TABLE payments ADD COLUMN refund_yen INTEGER NOT NULL DEFAULT 0"
	  " CHECK (refund_yen >= 0 AND refund_yen <= 999999);"
	  "UPDATE payments SET refund_yen = paid_yen WHERE refund_by <> 0" },
};

const struct store_module_schema payments_schema = {
	"payments", payments_migrations,
	(int)(sizeof payments_migrations / sizeof payments_migrations[0])
};
