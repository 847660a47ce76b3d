/*
 * test_store.c -- the storage interface, run unchanged against both
 * backends: MADOGUCHI_TEST_DB names the database (default: a fresh SQLite
 * file).  tests/run.sh runs it once on SQLite and once on a real
 * PostgreSQL it started.
 */
#include "t.h"

#include <unistd.h>

#include "store/store.h"

static const char *url;
static char sqlite_path[128];

static const struct store_migration test_mig[] = {
	{ 1, "items", "CREATE TABLE t_items (id {{ID}}, tenant TEXT NOT NULL,"
		      " name TEXT NOT NULL, qty BIGINT, data {{BLOB}},"
		      " UNIQUE (tenant, name))" },
	{ 2, "notes", "CREATE TABLE t_notes (id {{ID}}, item_id BIGINT NOT NULL"
		      " REFERENCES t_items(id), body TEXT)" },
};
static const struct store_module_schema test_schema[] = {
	{ "storetest", test_mig, 2 },
};

static struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		printf("# open %s: %s\n", url, e.detail);
		return NULL;
	}
	store_script(s, "DROP TABLE IF EXISTS t_notes; DROP TABLE IF EXISTS t_items;"
		     "DROP TABLE IF EXISTS schema_migrations", NULL);
	return s;
}

static void test_migrate_is_idempotent(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int applied = -1;
	T_EQ_INT(store_migrate(s, test_schema, 1, &applied, &e), 0);
	T_EQ_INT(applied, 2);
	T_EQ_INT(store_migrate(s, test_schema, 1, &applied, &e), 0);
	T_EQ_INT(applied, 0);
	char **names;
	int n = store_tables(&names, s, &e);
	T_CHECK(n >= 3);
	int found = 0;
	for (int i = 0; i < n; i++)
		found += strcmp(names[i], "t_items") == 0 || strcmp(names[i], "t_notes") == 0;
	T_EQ_INT(found, 2);
	store_tables_free(names, n);
	store_close(s);
}

static void test_values_round_trip(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(store_migrate(s, test_schema, 1, NULL, &e) == 0);
	/* 𠮷 (outside the BMP) and 葛󠄀 (with an IVS) must come back as given */
	const char *name = "髙橋 𠮷野 葛\xf3\xa0\x84\x80城 '$1'";
	unsigned char blob[5] = { 0, 1, 0xff, '\\', 'x' };
	struct store_val v[] = { sv_text("131156"), sv_text(name), sv_int(-9007199254740993LL),
				 sv_blob(blob, sizeof blob) };
	T_EQ_INT(store_exec(s, "INSERT INTO t_items (tenant, name, qty, data)"
				" VALUES ($1, $2, $3, $4)", v, 4, &e), 1);
	struct store_rows *r;
	struct store_val q[] = { sv_text("131156") };
	T_REQUIRE(store_query(&r, s, "SELECT name, qty, data, NULL, '$1 literal'"
				     " FROM t_items WHERE tenant = $1", q, 1, &e) == 0);
	T_EQ_INT(store_rows_next(r, &e), 1);
	T_EQ_INT(store_rows_ncols(r), 5);
	T_EQ_STR(store_col_text(r, 0), name);
	T_EQ_INT(store_col_int(r, 1), -9007199254740993LL);
	size_t len = 0;
	const unsigned char *b = store_col_blob(r, 2, &len);
	T_EQ_INT(len, 5);
	T_CHECK(b && memcmp(b, blob, 5) == 0);
	T_CHECK(store_col_isnull(r, 3));
	T_EQ_STR(store_col_text(r, 3), "");
	T_EQ_STR(store_col_text(r, 4), "$1 literal");
	T_EQ_INT(store_rows_next(r, &e), 0);
	store_rows_free(r);
	store_close(s);
}

static void test_constraint_is_conflict(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(store_migrate(s, test_schema, 1, NULL, &e) == 0);
	struct store_val v[] = { sv_text("131156"), sv_text("dup") };
	const char *ins = "INSERT INTO t_items (tenant, name) VALUES ($1, $2)";
	T_EQ_INT(store_exec(s, ins, v, 2, &e), 1);
	T_EQ_INT(store_exec(s, ins, v, 2, &e), ERR_CONFLICT);
	/* the detail names the statement but not the values */
	T_CHECK(strstr(e.detail, "INSERT INTO t_items") != NULL);
	/* foreign key: a note for a missing item */
	struct store_val n[] = { sv_int(999999), sv_text("x") };
	T_EQ_INT(store_exec(s, "INSERT INTO t_notes (item_id, body) VALUES ($1, $2)",
			    n, 2, &e), ERR_CONFLICT);
	/* the connection stays usable after errors */
	int64_t c = 0;
	T_EQ_INT(store_query_int(&c, s, "SELECT count(*) FROM t_items", NULL, 0, &e), 0);
	T_EQ_INT(c, 1);
	store_close(s);
}

static void test_transactions(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(store_migrate(s, test_schema, 1, NULL, &e) == 0);
	const char *ins = "INSERT INTO t_items (tenant, name) VALUES ($1, $2)";
	struct store_val a[] = { sv_text("131156"), sv_text("a") };
	struct store_val b[] = { sv_text("131156"), sv_text("b") };
	T_EQ_INT(store_begin(s, &e), 0);
	T_CHECK(store_in_tx(s));
	T_EQ_INT(store_exec(s, ins, a, 2, &e), 1);
	T_EQ_INT(store_rollback(s), 0);
	T_CHECK(!store_in_tx(s));
	T_EQ_INT(store_begin(s, &e), 0);
	T_EQ_INT(store_exec(s, ins, b, 2, &e), 1);
	T_EQ_INT(store_commit(s, &e), 0);
	/* a second connection sees exactly the committed row */
	struct store *s2;
	T_REQUIRE(store_open(&s2, url, &e) == 0);
	char *name = NULL;
	T_EQ_INT(store_query_text(&name, s2, "SELECT name FROM t_items", NULL, 0, &e), 0);
	T_EQ_STR(name, "b");
	free(name);
	int64_t id;
	struct store_val none[] = { sv_text("zzz") };
	T_EQ_INT(store_query_int(&id, s2, "SELECT id FROM t_items WHERE name = $1",
				 none, 1, &e), ERR_NOTFOUND);
	/* a snapshot does not see a later commit */
	T_EQ_INT(store_begin_snapshot(s2, &e), 0);
	int64_t before = 0, after = 0;
	T_EQ_INT(store_query_int(&before, s2, "SELECT count(*) FROM t_items", NULL, 0, &e), 0);
	T_EQ_INT(store_exec(s, ins, a, 2, &e), 1);
	T_EQ_INT(store_query_int(&after, s2, "SELECT count(*) FROM t_items", NULL, 0, &e), 0);
	T_EQ_INT(after, before);
	T_EQ_INT(store_commit(s2, &e), 0);
	store_close(s2);
	store_close(s);
}

static void test_returning_and_many_rows(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(store_migrate(s, test_schema, 1, NULL, &e) == 0);
	T_EQ_INT(store_begin(s, &e), 0);
	int64_t last = 0;
	for (int i = 0; i < 500; i++) {
		char nm[16];
		snprintf(nm, sizeof nm, "n%03d", i);
		struct store_val v[] = { sv_text("131059"), sv_text(nm), sv_int(i) };
		int64_t id = 0;
		T_EQ_INT(store_query_int(&id, s, "INSERT INTO t_items (tenant, name, qty)"
					 " VALUES ($1, $2, $3) RETURNING id", v, 3, &e), 0);
		T_CHECK(id > last);
		last = id;
	}
	T_EQ_INT(store_commit(s, &e), 0);
	struct store_rows *r;
	T_REQUIRE(store_query(&r, s, "SELECT qty FROM t_items ORDER BY qty", NULL, 0, &e) == 0);
	int n = 0, ordered = 1;
	while (store_rows_next(r, &e) == 1) {
		ordered &= store_col_int(r, 0) == n;
		n++;
	}
	store_rows_free(r);
	T_EQ_INT(n, 500);
	T_CHECK(ordered);
	store_close(s);
}

static void test_bad_urls_and_limits(void)
{
	struct store *s;
	struct err e;
	T_EQ_INT(store_open(&s, "mysql://x", &e), ERR_INVALID);
	T_EQ_INT(store_open(&s, "sqlite:", &e), ERR_INVALID);
	T_EQ_INT(store_open(&s, "sqlite:/nonexistent-dir/x/y.db", &e), ERR_IO);
	T_EQ_INT(store_open(&s, "postgresql://nobody:secret@127.0.0.1:1/x", &e),
		 ERR_UNAVAILABLE);
	T_CHECK(strstr(e.detail, "secret") == NULL);
	s = open_clean();
	T_REQUIRE(s);
	struct store_val many[STORE_MAX_PARAMS + 1];
	for (int i = 0; i <= STORE_MAX_PARAMS; i++)
		many[i] = sv_int(i);
	T_EQ_INT(store_exec(s, "SELECT 1", many, STORE_MAX_PARAMS + 1, &e), ERR_LIMIT);
	T_EQ_INT(store_exec(s, "SELEC nonsense", NULL, 0, &e), ERR_DB);
	T_EQ_INT(store_ping(s, &e), 0);
	store_close(s);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/madoguchi-store-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	printf("# database: %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
	T_RUN(test_migrate_is_idempotent);
	T_RUN(test_values_round_trip);
	T_RUN(test_constraint_is_conflict);
	T_RUN(test_transactions);
	T_RUN(test_returning_and_many_rows);
	T_RUN(test_bad_urls_and_limits);
	if (sqlite_path[0]) {
		unlink(sqlite_path + 7);
		char p[160];
		snprintf(p, sizeof p, "%s-wal", sqlite_path + 7); unlink(p);
		snprintf(p, sizeof p, "%s-shm", sqlite_path + 7); unlink(p);
	}
	return t_done();
}
