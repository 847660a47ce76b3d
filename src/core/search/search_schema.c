/*
 * search_schema.c -- the "search" schema: the search projection of every
 * module's documents and the change log each server's index catches up
 * from.
 *
 * Invariants: search_docs holds the current text of each indexed document,
 * keyed by (tenant, collection, doc_id); every change to it (put, delete)
 * appends one row to search_log in the same transaction, so an index that
 * has applied the log up to seq N and then the rows after N equals the
 * projection.  Log rows say only WHICH document changed: the index reads
 * the document's current state (absent = deleted), so applying a row twice
 * or out of order is harmless.  search_state.pruned_upto: log rows up to
 * it may have been deleted; an index behind it rebuilds.  tenant "" is a
 * deployment-wide document (no foreign key: documents of any module).
 */
#include "core/search/search.h"

static const struct store_migration search_migrations[] = {
	{ 1, "search projection and change log",
	  "CREATE TABLE search_docs ("
	  " tenant TEXT NOT NULL,"
	  " collection TEXT NOT NULL,"
	  " doc_id TEXT NOT NULL,"
	  " title TEXT NOT NULL,"
	  " body TEXT NOT NULL,"
	  " fields TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " PRIMARY KEY (tenant, collection, doc_id));"
	  "CREATE TABLE search_log ("
	  " seq {{ID}},"
	  " tenant TEXT NOT NULL,"
	  " collection TEXT NOT NULL,"
	  " doc_id TEXT NOT NULL,"
	  " at BIGINT NOT NULL);"
	  "CREATE INDEX search_log_at ON search_log (at);"
	  "CREATE TABLE search_state ("
	  " id INTEGER PRIMARY KEY CHECK (id = 1),"
	  " pruned_upto BIGINT NOT NULL);"
	  "INSERT INTO search_state (id, pruned_upto) VALUES (1, 0)" },
};

const struct store_module_schema search_schema = {
	"search", search_migrations,
	(int)(sizeof search_migrations / sizeof search_migrations[0])
};
