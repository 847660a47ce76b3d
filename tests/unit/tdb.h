/*
 * tdb.h -- the database of a storage-backed unit test, on either engine:
 * the test's own SQLite file under /tmp, or, when MADOGUCHI_TEST_DB is a
 * PostgreSQL URL (tests/run.sh runs the suites again on a private
 * server), a schema of its own in that database, made empty at start and
 * dropped at the end, so that tests run side by side without meeting.
 *
 *     struct tdb db;
 *     tdb_begin(&db, "news");      // db.url: open it with store_open
 *     ... tests ...
 *     tdb_end(&db);                // drop the schema / remove the files
 *
 * A test that needs an empty database again (a fresh start per test)
 * calls tdb_reset(&db) with its connections closed.
 */
#ifndef MADOGUCHI_TESTS_TDB_H
#define MADOGUCHI_TESTS_TDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store.h"

struct tdb {
	char url[1024];        /* what the test opens                        */
	const char *base;      /* MADOGUCHI_TEST_DB, or NULL: SQLite          */
	char schema[64];       /* PostgreSQL: mg_<name>_test                  */
	char sqlite_path[160]; /* SQLite: the file (without "sqlite:")        */
	int pg;
};

/* tdb_reset -- an empty database at db->url: the schema dropped and made
 * again, or the SQLite file and its -wal / -shm removed; exits on a
 * database that cannot be reached (nothing could be tested) */
static inline void tdb_reset(struct tdb *db)
{
	if (!db->pg) {
		char p[200];
		unlink(db->sqlite_path);
		snprintf(p, sizeof p, "%s-wal", db->sqlite_path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", db->sqlite_path);
		unlink(p);
		return;
	}
	struct store *s;
	struct err e;
	if (store_open(&s, db->base, &e) != 0) {
		printf("# cannot open the test database: %s\n", e.detail);
		exit(1);
	}
	char sql[200];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
		 db->schema, db->schema);
	int rc = store_script(s, sql, &e);
	store_close(s);
	if (rc != 0) {
		printf("# cannot make schema %s: %s\n", db->schema, e.detail);
		exit(1);
	}
}

/* tdb_begin -- choose the database of the test named name ([a-z_]) and
 * make it empty; prints which engine */
static inline void tdb_begin(struct tdb *db, const char *name)
{
	memset(db, 0, sizeof *db);
	const char *env = getenv("MADOGUCHI_TEST_DB");
	if (env && *env && strncmp(env, "sqlite:", 7) != 0) {
		db->pg = 1;
		db->base = env;
		snprintf(db->schema, sizeof db->schema, "mg_%s_test", name);
		snprintf(db->url, sizeof db->url, "%s%coptions=-csearch_path%%3D%s", env,
			 strchr(env, '?') ? '&' : '?', db->schema);
	} else {
		snprintf(db->sqlite_path, sizeof db->sqlite_path, "/tmp/madoguchi-%s-%d.db", name,
			 (int)getpid());
		snprintf(db->url, sizeof db->url, "sqlite:%s", db->sqlite_path);
	}
	printf("# database: %s\n", db->pg ? "postgresql" : "sqlite");
	tdb_reset(db);
}

/* tdb_end -- drop the schema, or remove the SQLite files */
static inline void tdb_end(struct tdb *db)
{
	if (!db->pg) {
		tdb_reset(db);
		return;
	}
	struct store *s;
	struct err e;
	char sql[120];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", db->schema);
	if (store_open(&s, db->base, &e) == 0) {
		store_script(s, sql, NULL);
		store_close(s);
	}
}

#endif
