/*
 * test_audit.c -- the audit trail on both backends (MADOGUCHI_TEST_DB names
 * the database; default: a fresh SQLite file).  On PostgreSQL the tests
 * run in their own schema (mg_audit_test, via search_path) so that they
 * never touch other suites' tables.
 *
 * Covered: append joins the caller's transaction (rollback leaves nothing;
 * a failing append fails the action); an intact chain verifies; each kind
 * of tampering done with plain SQL (update, delete, insert, swap, tail
 * truncation, checkpoint signature) is reported at exactly the first bad
 * seq; a wrong public key fails; four threads appending at once leave a
 * gap-free valid chain; eight threads appending records of reads through
 * shared commits (audit_append_own) each get their own seq in a valid
 * chain, a bad one is refused before it joins a batch; queries by actor, time, tenant and object; keys.
 */
#include "t.h"
#include "tdb.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit/audit.h"
#include "core/tenant/tenant.h"

static struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */
static struct audit_key key;

static struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	tdb_reset(&db);
	if (store_open(&s, db.url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, audit_schema };
	if (store_migrate(s, mods, 2, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	store_script(s, "INSERT INTO tenants (code, name_ja, name_en, created_at)"
		     " VALUES ('131016', '千代田区', 'Chiyoda', 0);"
		     "INSERT INTO tenants (code, name_ja, name_en, created_at)"
		     " VALUES ('131024', '中央区', 'Chuo', 0)", NULL);
	return s;
}

static int append1(struct store *s, const struct audit_config *c,
		   const struct audit_record *r, int64_t *seq)
{
	struct err e;
	if (store_begin(s, &e))
		return -100;
	int rc = audit_append(seq, s, c, r, &e);
	if (rc) {
		printf("# append: %s\n", e.detail);
		store_rollback(s);
		return rc;
	}
	return store_commit(s, &e);
}

/* n ordinary records, a checkpoint after every 10 (seqs 11, 22, ...) */
static int build_chain(struct store *s, int n)
{
	struct audit_config c = { &key, 10 };
	for (int i = 0; i < n; i++) {
		char oid[16];
		snprintf(oid, sizeof oid, "%d", 1000 + i);
		struct audit_record r = {
			.actor_id = 7, .actor_login = "staff.sato", .role = "clerk",
			.action = i % 3 ? AUDIT_A_READ : AUDIT_A_WRITE,
			.object_type = "resident", .object_id = oid,
			.tenant = "131016", .source = "192.0.2.10",
			.result = AUDIT_R_OK,
		};
		if (append1(s, &c, &r, NULL))
			return -1;
	}
	return 0;
}

static struct audit_verify_result verify(struct store *s, const unsigned char *pk,
					 const struct audit_anchor *anchor)
{
	struct audit_verify_result v;
	struct err e;
	int rc = audit_verify(&v, s, pk, anchor, &e);
	if (rc)
		printf("# verify failed to run: %s\n", e.detail);
	if (!v.intact)
		printf("# verify: bad %lld %s: %s\n", (long long)v.bad_seq,
		       audit_problem_name(v.problem), v.what);
	return v;
}

static void sql(struct store *s, const char *q)
{
	struct err e;
	if (store_script(s, q, &e))
		printf("# sql failed: %s: %s\n", q, e.detail);
}

static int64_t count(struct store *s, const char *q)
{
	int64_t n = -1;
	struct err e;
	if (store_query_int(&n, s, q, NULL, 0, &e))
		printf("# count: %s\n", e.detail);
	return n;
}

static void test_append_joins_transaction(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	struct audit_record r = { .actor_id = 1, .actor_login = "admin",
				  .action = AUDIT_A_LOGIN, .result = AUDIT_R_OK };
	/* no transaction: refused */
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_INTERNAL);
	/* rolled back: no record, head unchanged */
	T_EQ_INT(store_begin(s, &e), 0);
	int64_t seq = 0;
	T_EQ_INT(audit_append(&seq, s, NULL, &r, &e), 0);
	T_EQ_INT(seq, 1);
	T_EQ_INT(store_rollback(s), 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM audit_records"), 0);
	T_EQ_INT(count(s, "SELECT seq FROM audit_head"), 0);
	/* committed: seq 1 */
	T_EQ_INT(append1(s, NULL, &r, &seq), 0);
	T_EQ_INT(seq, 1);
	T_EQ_INT(count(s, "SELECT count(*) FROM audit_records"), 1);
	/* an audit record that cannot be written fails the action: the
	 * business row of the same transaction is gone with it */
	sql(s, "CREATE TABLE t_business (id INTEGER PRIMARY KEY, v TEXT)");
	T_EQ_INT(store_begin(s, &e), 0);
	T_EQ_INT(store_exec(s, "INSERT INTO t_business (id, v) VALUES (1, 'x')",
			    NULL, 0, &e), 1);
	struct audit_record bad_tenant = r;
	bad_tenant.tenant = "999999";      /* no such tenant: FK fails */
	int rc = audit_append(NULL, s, NULL, &bad_tenant, &e);
	T_EQ_INT(rc, ERR_CONFLICT);
	if (rc)
		store_rollback(s);
	else
		store_commit(s, &e);
	T_EQ_INT(count(s, "SELECT count(*) FROM t_business"), 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM audit_records"), 1);
	store_close(s);
}

static void test_rejects_bad_fields(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(store_begin(s, &e) == 0);
	struct audit_record r = { .action = AUDIT_A_READ, .result = AUDIT_R_OK };
	r.actor_login = "evil\nlogin";
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_INVALID);
	r.actor_login = "bad\xff";
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_INVALID);
	char longer[AUDIT_OBJID_MAX + 2];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	r.actor_login = "鈴木.staff";       /* UTF-8 is fine */
	r.object_type = "resident";
	r.object_id = longer;
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_LIMIT);
	r.object_id = "42";
	r.action = AUDIT_A_CHECKPOINT;
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_INVALID);
	r.action = "Data Read";
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_INVALID);
	r.action = NULL;
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), ERR_INVALID);
	r.action = AUDIT_A_READ;
	T_EQ_INT(audit_append(NULL, s, NULL, &r, &e), 0);
	T_EQ_INT(store_commit(s, &e), 0);
	store_close(s);
}

static void test_verify_intact(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	/* empty log */
	struct audit_verify_result v = verify(s, key.pk, NULL);
	T_CHECK(v.intact);
	T_EQ_INT(v.records, 0);
	T_REQUIRE(build_chain(s, 25) == 0);
	v = verify(s, key.pk, NULL);
	T_CHECK(v.intact);
	T_EQ_INT(v.records, 27);           /* 25 + checkpoints at 11 and 22 */
	T_EQ_INT(v.checkpoints, 2);
	T_EQ_INT(v.last_checkpoint, 22);
	T_EQ_INT(v.head_seq, 27);
	T_EQ_INT(v.bad_seq, 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM audit_records WHERE action ="
			  " 'audit.checkpoint' AND sig IS NOT NULL"), 2);
	/* on-demand checkpoint, and an anchor taken from it */
	struct err e;
	struct audit_anchor a;
	T_REQUIRE(store_begin(s, &e) == 0);
	T_EQ_INT(audit_checkpoint(&a.seq, a.hash, s, &key, &e), 0);
	T_EQ_INT(store_commit(s, &e), 0);
	T_EQ_INT(a.seq, 28);
	v = verify(s, key.pk, &a);
	T_CHECK(v.intact);
	T_EQ_INT(v.last_checkpoint, 28);
	a.hash[0] = a.hash[0] == '0' ? '1' : '0';
	v = verify(s, key.pk, &a);
	T_CHECK(!v.intact);
	T_EQ_INT(v.problem, AUDIT_ANCHOR_MISMATCH);
	T_EQ_INT(v.bad_seq, 28);
	store_close(s);
}

/* build 25 records + 2 checkpoints, tamper with q, expect bad seq */
static void expect_bad(const char *q, int64_t want, enum audit_problem p)
{
	struct store *s = open_clean();
	if (!s || build_chain(s, 25)) {
		T_FAIL_("setup failed");
		store_close(s);
		return;
	}
	sql(s, q);
	struct audit_verify_result v = verify(s, key.pk, NULL);
	T_CHECK(!v.intact);
	if (v.bad_seq != want || v.problem != p)
		T_FAIL_("after \"%s\": got bad seq %lld (%s), want %lld (%s)", q,
			(long long)v.bad_seq, audit_problem_name(v.problem),
			(long long)want, audit_problem_name(p));
	store_close(s);
}

static void test_tamper_update(void)
{
	expect_bad("UPDATE audit_records SET action = 'data.write' WHERE seq = 5",
		   5, AUDIT_ALTERED);
	expect_bad("UPDATE audit_records SET ts = ts + 1 WHERE seq = 14", 14,
		   AUDIT_ALTERED);
	expect_bad("UPDATE audit_records SET actor_id = NULL WHERE seq = 3", 3,
		   AUDIT_ALTERED);
	expect_bad("UPDATE audit_records SET tenant = '131024' WHERE seq = 9", 9,
		   AUDIT_ALTERED);
	/* values moved between fields */
	expect_bad("UPDATE audit_records SET role = 'clerk', object_type = NULL,"
		   " object_id = 'resident' WHERE seq = 2", 2, AUDIT_ALTERED);
}

static void test_tamper_delete_middle(void)
{
	expect_bad("DELETE FROM audit_records WHERE seq = 7", 7, AUDIT_MISSING);
	/* deleting a checkpoint is a gap too */
	expect_bad("DELETE FROM audit_records WHERE seq = 11", 11, AUDIT_MISSING);
}

static void test_tamper_insert(void)
{
	/* make room at 6 and put a forged record there */
	expect_bad("UPDATE audit_records SET seq = -seq WHERE seq >= 6;"
		   "UPDATE audit_records SET seq = 1 - seq WHERE seq < 0;"
		   "INSERT INTO audit_records (seq, ts, action, result, hash)"
		   " SELECT 6, ts, 'data.read', 'ok', hash FROM audit_records"
		   " WHERE seq = 5", 6, AUDIT_ALTERED);
	/* a forged record before the first */
	expect_bad("INSERT INTO audit_records (seq, ts, action, result, hash)"
		   " VALUES (0, 0, 'data.read', 'ok', 'x')", 0,
		   AUDIT_OUT_OF_ORDER);
	/* a forged record after the last, with a well-formed hash */
	expect_bad("INSERT INTO audit_records (seq, ts, action, result, hash)"
		   " SELECT 28, ts, action, result, hash FROM audit_records"
		   " WHERE seq = 27", 28, AUDIT_ALTERED);
}

static void test_tamper_swap(void)
{
	expect_bad("UPDATE audit_records SET seq = -1 WHERE seq = 3;"
		   "UPDATE audit_records SET seq = 3 WHERE seq = 8;"
		   "UPDATE audit_records SET seq = 8 WHERE seq = -1", 3,
		   AUDIT_ALTERED);
}

static void test_tamper_truncate(void)
{
	/* tail after the last checkpoint (22): the head still says 27 */
	expect_bad("DELETE FROM audit_records WHERE seq > 24", 25,
		   AUDIT_TRUNCATED);
	/* the tail and the head rewritten to match; the head's checkpoint
	 * (22) is then missing */
	expect_bad("DELETE FROM audit_records WHERE seq > 20;"
		   "UPDATE audit_head SET seq = 20, hash = (SELECT hash FROM"
		   " audit_records WHERE seq = 20)", 21, AUDIT_TRUNCATED);
	/* head rewritten completely: only an outside anchor tells */
	struct store *s = open_clean();
	T_REQUIRE(s && build_chain(s, 25) == 0);
	struct audit_anchor a = { .seq = 27 };
	char *h = NULL;
	struct err e;
	T_REQUIRE(store_query_text(&h, s, "SELECT hash FROM audit_records"
				   " WHERE seq = 27", NULL, 0, &e) == 0 && h);
	snprintf(a.hash, sizeof a.hash, "%s", h);
	free(h);
	sql(s, "DELETE FROM audit_records WHERE seq > 24;"
	       "UPDATE audit_head SET seq = 24, hash = (SELECT hash FROM"
	       " audit_records WHERE seq = 24)");
	struct audit_verify_result v = verify(s, key.pk, NULL);
	T_CHECK(v.intact);   /* the documented limit */
	v = verify(s, key.pk, &a);
	T_CHECK(!v.intact);
	T_EQ_INT(v.bad_seq, 25);
	T_EQ_INT(v.problem, AUDIT_TRUNCATED);
	store_close(s);
}

static void test_tamper_checkpoint(void)
{
	/* the first byte of the signature changed (to 00, or to ff when it
	 * was 00: the key is random, so 1 run in 256 had it already 00) */
	expect_bad("UPDATE audit_records SET sig = CASE WHEN substr(sig, 1, 2) = '00'"
		   " THEN 'ff' ELSE '00' END || substr(sig, 3) WHERE seq = 11", 11,
		   AUDIT_BAD_SIGNATURE);
	expect_bad("UPDATE audit_records SET sig = 'zz' WHERE seq = 22", 22,
		   AUDIT_BAD_CHECKPOINT);
	/* a signature on an ordinary record */
	expect_bad("UPDATE audit_records SET sig = (SELECT sig FROM audit_records"
		   " WHERE seq = 11) WHERE seq = 12", 12, AUDIT_BAD_CHECKPOINT);
	/* the head row altered */
	expect_bad("UPDATE audit_head SET hash = (SELECT hash FROM audit_records"
		   " WHERE seq = 26)", 27, AUDIT_HEAD_MISMATCH);
	expect_bad("INSERT INTO audit_records (seq, ts, action, result, hash)"
		   " VALUES (28, 0, 'x', 'ok', 'x');"
		   "DELETE FROM audit_records WHERE seq = 28;"
		   "UPDATE audit_head SET seq = 26", 27, AUDIT_BEYOND_HEAD);
}

static void test_wrong_key(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s && build_chain(s, 12) == 0);
	struct audit_key other;
	struct err e;
	T_REQUIRE(audit_key_generate(&other, &e) == 0);
	struct audit_verify_result v = verify(s, other.pk, NULL);
	T_CHECK(!v.intact);
	T_EQ_INT(v.bad_seq, 11);
	T_EQ_INT(v.problem, AUDIT_BAD_SIGNATURE);
	v = verify(s, key.pk, NULL);
	T_CHECK(v.intact);
	store_close(s);
}

#define THREADS 4
#define PER_THREAD 40

struct worker {
	int id, ok, conflicts;
};

static void *appender(void *arg)
{
	struct worker *w = arg;
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e)) {
		printf("# thread open: %s\n", e.detail);
		return NULL;
	}
	struct audit_config c = { &key, 16 };
	char login[32];
	snprintf(login, sizeof login, "staff%d", w->id);
	for (int i = 0; i < PER_THREAD; i++) {
		struct audit_record r = { .actor_id = w->id + 1, .actor_login = login,
					  .action = AUDIT_A_WRITE, .object_type = "x",
					  .object_id = "1", .result = AUDIT_R_OK };
		int rc;
		for (int tries = 0; tries < 20; tries++) {
			rc = store_begin(s, &e);
			if (rc == 0)
				rc = audit_append(NULL, s, &c, &r, &e);
			if (rc == 0)
				rc = store_commit(s, &e);
			else
				store_rollback(s);
			/* a conflict would mean two appenders took the same
			 * seq: the head lock failed to serialise them */
			w->conflicts += rc == ERR_CONFLICT;
			if (rc != ERR_UNAVAILABLE)
				break;
			usleep(1000);
		}
		if (rc) {
			printf("# thread %d append: %s\n", w->id, e.detail);
			break;
		}
		w->ok++;
	}
	store_close(s);
	return NULL;
}

static void test_concurrent_appends(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	pthread_t th[THREADS];
	struct worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .id = i };
		pthread_create(&th[i], NULL, appender, &w[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		T_EQ_INT(w[i].ok, PER_THREAD);
		T_EQ_INT(w[i].conflicts, 0);
	}
	struct audit_verify_result v = verify(s, key.pk, NULL);
	T_CHECK(v.intact);
	int64_t ord = count(s, "SELECT count(*) FROM audit_records WHERE"
			       " action = 'data.write'");
	T_EQ_INT(ord, THREADS * PER_THREAD);
	T_EQ_INT(v.records, ord + v.checkpoints);
	T_EQ_INT(v.checkpoints, THREADS * PER_THREAD / 16);
	T_EQ_INT(count(s, "SELECT max(seq) FROM audit_records"), v.records);
	T_EQ_INT(count(s, "SELECT min(seq) FROM audit_records"), 1);
	store_close(s);
}

/* audit_append_own: records of reads in commits shared between threads */
#define OWN_THREADS 8
#define OWN_PER 40

struct own_worker {
	int id, ok;
	int64_t seqs[OWN_PER];
};

static void *own_appender(void *arg)
{
	struct own_worker *w = arg;
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e)) {
		printf("# thread open: %s\n", e.detail);
		return NULL;
	}
	struct audit_config c = { &key, 16 };
	for (int i = 0; i < OWN_PER; i++) {
		struct audit_record r = { .actor_id = w->id + 1, .action = AUDIT_A_READ,
					  .object_type = "x", .object_id = "1",
					  .result = AUDIT_R_OK };
		int rc = audit_append_own(&w->seqs[i], s, &c, &r, &e);
		if (rc) {
			printf("# thread %d append_own: %s\n", w->id, e.detail);
			break;
		}
		w->ok++;
	}
	store_close(s);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void test_own_appends(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int64_t c0, r0, b0, c1, r1, b1;
	audit_own_counts(&c0, &r0, &b0);
	static struct own_worker w[OWN_THREADS];
	pthread_t th[OWN_THREADS];
	for (int i = 0; i < OWN_THREADS; i++) {
		w[i] = (struct own_worker){ .id = i };
		pthread_create(&th[i], NULL, own_appender, &w[i]);
	}
	static int64_t all[OWN_THREADS * OWN_PER];
	int n = 0;
	for (int i = 0; i < OWN_THREADS; i++) {
		pthread_join(th[i], NULL);
		T_EQ_INT(w[i].ok, OWN_PER);
		for (int k = 0; k < w[i].ok; k++)
			all[n++] = w[i].seqs[k];
	}
	/* every caller got its own seq back, and it is the record's */
	qsort(all, (size_t)n, sizeof *all, cmp_i64);
	int dup = 0;
	for (int i = 1; i < n; i++)
		dup += all[i] == all[i - 1];
	T_EQ_INT(dup, 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM audit_records WHERE action = 'data.read'"),
		 OWN_THREADS * OWN_PER);
	struct audit_verify_result v = verify(s, key.pk, NULL);
	T_CHECK(v.intact);
	T_EQ_INT(v.checkpoints, OWN_THREADS * OWN_PER / 16);
	/* grouped on both engines: every record went through a shared
	 * commit, and no commit carried nothing */
	audit_own_counts(&c1, &r1, &b1);
	T_EQ_INT(r1 - r0, OWN_THREADS * OWN_PER);
	T_CHECK(c1 - c0 >= 1 && c1 - c0 <= r1 - r0);

	/* a bad record is refused before it joins anyone's commit */
	struct audit_record bad = { .action = "Bad Action", .result = AUDIT_R_OK };
	T_EQ_INT(audit_append_own(NULL, s, NULL, &bad, &e), ERR_INVALID);
	/* with a transaction open it joins that transaction */
	struct audit_record r = { .action = AUDIT_A_READ, .object_type = "y", .result = AUDIT_R_OK };
	T_EQ_INT(store_begin(s, &e), 0);
	T_EQ_INT(audit_append_own(NULL, s, NULL, &r, &e), 0);
	store_rollback(s);
	T_EQ_INT(count(s, "SELECT count(*) FROM audit_records WHERE object_type = 'y'"), 0);
	audit_own_counts(&c0, &r0, &b0);
	T_EQ_INT(r0, r1);
	store_close(s);
}

struct collect {
	int n;
	int64_t seqs[16];
	int64_t ts[16];
};

static int collect_fn(const struct audit_record *r, void *arg)
{
	struct collect *c = arg;
	if (c->n < 16) {
		c->seqs[c->n] = r->seq;
		c->ts[c->n] = r->ts_ms;
	}
	c->n++;
	return 0;
}

static void test_query(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct {
		const char *login;
		int64_t ts;
		const char *tenant, *otype, *oid;
	} rows[] = {
		{ "alice", 1000, "131016", "resident", "1" },
		{ "alice", 2000, "131016", "resident", "2" },
		{ "bob", 2500, "131024", "resident", "1" },
		{ "alice", 3000, "131024", "application", "1" },
		{ "alice", 4000, NULL, NULL, NULL },
		{ NULL, 2200, NULL, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct audit_record r = {
			.ts_ms = rows[i].ts, .actor_id = rows[i].login ? 5 : 0,
			.actor_login = rows[i].login, .action = AUDIT_A_READ,
			.object_type = rows[i].otype, .object_id = rows[i].oid,
			.tenant = rows[i].tenant, .result = AUDIT_R_OK,
		};
		T_REQUIRE(append1(s, NULL, &r, NULL) == 0);
	}
	struct err e;
	struct collect c = { 0 };
	struct audit_filter f = { .actor_login = "alice", .from_ms = 1500,
				  .to_ms = 4000 };
	T_EQ_INT(audit_query(s, &f, collect_fn, &c, &e), 2);
	T_EQ_INT(c.n, 2);
	T_EQ_INT(c.seqs[0], 2);
	T_EQ_INT(c.seqs[1], 4);
	T_EQ_INT(c.ts[0], 2000);
	c = (struct collect){ 0 };
	f.tenant = "131024";
	T_EQ_INT(audit_query(s, &f, collect_fn, &c, &e), 1);
	T_EQ_INT(c.seqs[0], 4);
	/* "who touched resident 1" */
	c = (struct collect){ 0 };
	struct audit_filter o = { .object_type = "resident", .object_id = "1" };
	T_EQ_INT(audit_query(s, &o, collect_fn, &c, &e), 2);
	T_EQ_INT(c.seqs[0], 1);
	T_EQ_INT(c.seqs[1], 3);
	/* paging and limit */
	c = (struct collect){ 0 };
	struct audit_filter pg = { .after_seq = 2, .limit = 2 };
	T_EQ_INT(audit_query(s, &pg, collect_fn, &c, &e), 2);
	T_EQ_INT(c.seqs[0], 3);
	T_EQ_INT(c.seqs[1], 4);
	/* nobody */
	struct audit_filter none = { .actor_login = "carol" };
	T_EQ_INT(audit_query(s, &none, collect_fn, &c, &e), 0);
	struct audit_filter badf = { .object_id = "1" };
	T_EQ_INT(audit_query(s, &badf, collect_fn, &c, &e), ERR_INVALID);
	store_close(s);
}

static void test_keys(void)
{
	char path[128];
	snprintf(path, sizeof path, "/tmp/madoguchi-audit-key-%d", (int)getpid());
	unlink(path);
	struct audit_key k, l;
	struct err e;
	T_EQ_INT(audit_key_generate(&k, &e), 0);
	T_EQ_INT(audit_key_save(&k, path, &e), 0);
	struct stat st;
	T_REQUIRE(stat(path, &st) == 0);
	T_EQ_INT(st.st_mode & 0777, 0600);
	T_EQ_INT(audit_key_save(&k, path, &e), ERR_CONFLICT);
	T_EQ_INT(audit_key_load(&l, path, &e), 0);
	T_CHECK(memcmp(k.pk, l.pk, 32) == 0);
	T_CHECK(memcmp(k.sk, l.sk, 64) == 0);
	chmod(path, 0644);
	T_EQ_INT(audit_key_load(&l, path, &e), ERR_DENIED);
	unlink(path);
	T_EQ_INT(audit_key_load(&l, path, &e), ERR_NOTFOUND);
	/* from hex (an environment variable) */
	char seed[65];
	static const char hexd[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		seed[2 * i] = hexd[k.sk[i] >> 4];
		seed[2 * i + 1] = hexd[k.sk[i] & 15];
	}
	seed[64] = '\0';
	char padded[80];
	snprintf(padded, sizeof padded, " %s\n", seed);
	T_EQ_INT(audit_key_from_hex(&l, padded, &e), 0);
	T_CHECK(memcmp(k.pk, l.pk, 32) == 0);
	T_EQ_INT(audit_key_from_hex(&l, "abcd", &e), ERR_INVALID);
	char pkhex[AUDIT_PK_HEX];
	unsigned char pk[32];
	audit_key_public_hex(pkhex, &k);
	T_EQ_INT(audit_public_key_from_hex(pk, pkhex, &e), 0);
	T_CHECK(memcmp(pk, k.pk, 32) == 0);
	T_EQ_INT(audit_public_key_from_hex(pk, "zz", &e), ERR_INVALID);
	audit_key_wipe(&k);
	audit_key_wipe(&l);
}

int main(void)
{
	tdb_begin(&db, "audit");
	struct err e;
	if (audit_key_generate(&key, &e)) {
		printf("# keygen: %s\n", e.detail);
		return 1;
	}
	T_RUN(test_append_joins_transaction);
	T_RUN(test_rejects_bad_fields);
	T_RUN(test_verify_intact);
	T_RUN(test_tamper_update);
	T_RUN(test_tamper_delete_middle);
	T_RUN(test_tamper_insert);
	T_RUN(test_tamper_swap);
	T_RUN(test_tamper_truncate);
	T_RUN(test_tamper_checkpoint);
	T_RUN(test_wrong_key);
	T_RUN(test_concurrent_appends);
	T_RUN(test_own_appends);
	T_RUN(test_query);
	T_RUN(test_keys);
	tdb_end(&db);
	return t_done();
}
