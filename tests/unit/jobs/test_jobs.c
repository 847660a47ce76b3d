/*
 * test_jobs.c -- the durable job queue on both backends (MADOGUCHI_TEST_DB;
 * default a fresh SQLite file).  On PostgreSQL the tests run in their own
 * schema (mg_jobs_test, via search_path).
 *
 * Covered: enqueue joins the caller's transaction; claim, run, complete
 * with a result; retry with backoff then success, failure after
 * max_attempts, no retry for ERR_INVALID; two runners never run the same
 * job; a job left running by a dead worker runs again once its lease has
 * expired (and fails when it has no attempts left); the lease is renewed
 * while a long handler runs; progress is visible while it runs; stop
 * waits for the handler; cancel; list filters.
 */
#include "t.h"
#include "tdb.h"

#include <jansson.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "core/jobs/jobs.h"
#include "core/tenant/tenant.h"

static struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */

static struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	tdb_reset(&db);
	if (store_open(&s, db.url, &e)) {
		printf("# open %s: %s\n", db.url, e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, jobs_schema };
	if (store_migrate(s, mods, 2, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	store_script(s, "INSERT INTO tenants (code, name_ja, name_en, created_at)"
		     " VALUES ('131016', '千代田区', 'Chiyoda', 0)", NULL);
	return s;
}

static int64_t count(struct store *s, const char *q)
{
	int64_t n = -1;
	struct err e;
	if (store_query_int(&n, s, q, NULL, 0, &e))
		printf("# count: %s\n", e.detail);
	return n;
}

/* poll until q returns want (or timeout); returns the last value (-1:
 * no row) */
static int64_t wait_for(struct store *s, const char *q, int64_t want, int ms)
{
	int64_t deadline = mono_ms() + ms, v;
	for (;;) {
		v = -1;
		store_query_int(&v, s, q, NULL, 0, NULL);
		if (v == want || mono_ms() >= deadline)
			return v;
		usleep(10000);
	}
}

/* the runner's counters once `want` jobs have finished by its count: a
 * job's row is updated before the runner counts it, so a test that saw
 * the rows waits for the counters too (at most ms) */
static void stats_when(struct jobs_runner_stats *st, struct jobs_runner *r, int64_t want, int ms)
{
	int64_t deadline = mono_ms() + ms;
	for (;;) {
		jobs_runner_stats(st, r);
		if (st->done + st->failed >= want || mono_ms() >= deadline)
			return;
		usleep(10000);
	}
}

static char *text_of(struct store *s, const char *q)
{
	char *t = NULL;
	struct err e;
	if (store_query_text(&t, s, q, NULL, 0, &e))
		printf("# text: %s\n", e.detail);
	return t;
}

static struct jobs_runner *start(struct jobs_registry *reg, int workers,
				 int64_t lease_ms)
{
	struct jobs_runner_opts o = { .workers = workers, .lease_ms = lease_ms,
				      .poll_ms = 20, .backoff_base_ms = 10,
				      .backoff_max_ms = 50 };
	struct jobs_runner *r = NULL;
	struct err e;
	if (jobs_runner_start(&r, db.url, reg, &o, &e))
		printf("# runner: %s\n", e.detail);
	return r;
}

/* ---- handlers --------------------------------------------------------- */

static int h_echo(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	(void)e;
	return jobs_set_result(ctx, ctx->payload);
}

static int h_flaky(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	if (ctx->attempt < 3)
		return err_set(e, ERR_UNAVAILABLE, "flaky attempt %d", ctx->attempt);
	return 0;
}

static int h_broken(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)ctx;
	(void)arg;
	return err_set(e, ERR_IO, "printer on fire");
}

static int h_invalid(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)ctx;
	(void)arg;
	return err_set(e, ERR_INVALID, "payload has no form id");
}

#define NCOUNT 200
static atomic_int counts[NCOUNT];

static int h_count(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	json_t *j = json_loads(ctx->payload, 0, NULL);
	int n = (int)json_integer_value(json_object_get(j, "n"));
	json_decref(j);
	if (n < 0 || n >= NCOUNT)
		return err_set(e, ERR_INVALID, "n out of range");
	atomic_fetch_add(&counts[n], 1);
	usleep(1000);
	return 0;
}

static atomic_int started, finished, release;

static int h_slow(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)ctx;
	(void)e;
	int ms = arg ? *(int *)arg : 300;
	atomic_fetch_add(&started, 1);
	usleep((useconds_t)ms * 1000);
	atomic_fetch_add(&finished, 1);
	return 0;
}

static int h_progress(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	(void)e;
	jobs_progress(ctx, 40, "半分 half\nway");
	atomic_store(&started, 1);
	for (int i = 0; i < 1000 && !atomic_load(&release); i++)
		usleep(10000);
	return 0;
}

static int h_until_stopped(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)arg;
	(void)e;
	atomic_store(&started, 1);
	for (int i = 0; i < 1000 && !jobs_stopping(ctx); i++)
		usleep(10000);
	atomic_store(&finished, jobs_stopping(ctx) ? 1 : 2);
	return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_enqueue(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int64_t id = 0;
	T_EQ_INT(store_begin(s, &e), 0);
	T_EQ_INT(jobs_enqueue(&id, s, "131016", "pdf.render", "{\"form\": 1}", &e), 0);
	T_CHECK(id > 0);
	T_EQ_INT(store_rollback(s), 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs"), 0);
	T_EQ_INT(jobs_enqueue(&id, s, "131016", "pdf.render", "{\"form\": 1}", &e), 0);
	T_EQ_INT(jobs_enqueue(&id, s, NULL, "backup", NULL, &e), 0);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE status = 'queued'"
			  " AND attempts = 0"), 2);
	T_EQ_INT(jobs_enqueue(&id, s, NULL, "Bad Kind", "{}", &e), ERR_INVALID);
	T_EQ_INT(jobs_enqueue(&id, s, NULL, "x", "{not json", &e), ERR_INVALID);
	T_EQ_INT(jobs_enqueue(&id, s, "999999", "x", "{}", &e), ERR_CONFLICT);
	struct jobs_spec sp = { .kind = "x", .max_attempts = 1000 };
	T_EQ_INT(jobs_submit(&id, s, &sp, &e), ERR_INVALID);
	char *big = malloc(JOBS_PAYLOAD_MAX + 10);
	T_REQUIRE(big);
	memset(big, ' ', JOBS_PAYLOAD_MAX + 9);
	big[0] = '1';
	big[JOBS_PAYLOAD_MAX + 9] = '\0';
	T_EQ_INT(jobs_enqueue(&id, s, NULL, "x", big, &e), ERR_LIMIT);
	free(big);
	store_close(s);
}

static void test_run_and_complete(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int64_t id[3];
	for (int i = 0; i < 3; i++) {
		char p[32];
		snprintf(p, sizeof p, "{\"i\": %d}", i);
		T_REQUIRE(jobs_enqueue(&id[i], s, "131016", "echo", p, &e) == 0);
	}
	/* a kind nobody handles stays queued */
	T_REQUIRE(jobs_enqueue(NULL, s, NULL, "other", "{}", &e) == 0);
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	T_EQ_INT(jobs_register(&reg, "echo", h_echo, NULL, &e), 0);
	T_EQ_INT(jobs_register(&reg, "echo", h_echo, NULL, &e), ERR_CONFLICT);
	struct jobs_runner *r = start(&reg, 2, 5000);
	T_REQUIRE(r);
	T_EQ_INT(wait_for(s, "SELECT count(*) FROM jobs WHERE status = 'done'", 3, 10000), 3);
	jobs_runner_stop(r);
	char *res = text_of(s, "SELECT result FROM jobs WHERE kind = 'echo'"
			       " ORDER BY id LIMIT 1");
	T_EQ_STR(res, "{\"i\": 0}");
	free(res);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE status = 'done' AND"
			  " attempts = 1 AND progress = 100 AND locked_by IS NULL"
			  " AND lease_until IS NULL AND error IS NULL"), 3);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE kind = 'other' AND"
			  " status = 'queued' AND attempts = 0"), 1);
	store_close(s);
}

static void test_retry_and_fail(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	struct jobs_spec flaky = { .kind = "flaky", .max_attempts = 5 };
	struct jobs_spec broken = { .kind = "broken", .max_attempts = 3 };
	struct jobs_spec invalid = { .kind = "invalid", .max_attempts = 5 };
	T_REQUIRE(jobs_submit(NULL, s, &flaky, &e) == 0);
	T_REQUIRE(jobs_submit(NULL, s, &broken, &e) == 0);
	T_REQUIRE(jobs_submit(NULL, s, &invalid, &e) == 0);
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "flaky", h_flaky, NULL, &e);
	jobs_register(&reg, "broken", h_broken, NULL, &e);
	jobs_register(&reg, "invalid", h_invalid, NULL, &e);
	struct jobs_runner *r = start(&reg, 2, 5000);
	T_REQUIRE(r);
	T_EQ_INT(wait_for(s, "SELECT count(*) FROM jobs WHERE status IN"
			     " ('done', 'failed')", 3, 10000), 3);
	struct jobs_runner_stats st;
	stats_when(&st, r, 3, 10000);
	jobs_runner_stop(r);
	T_EQ_INT(count(s, "SELECT attempts FROM jobs WHERE kind = 'flaky'"
			  " AND status = 'done' AND error IS NULL"), 3);
	T_EQ_INT(count(s, "SELECT attempts FROM jobs WHERE kind = 'broken'"
			  " AND status = 'failed'"), 3);
	char *err = text_of(s, "SELECT error FROM jobs WHERE kind = 'broken'");
	T_EQ_STR(err, "printer on fire");
	free(err);
	T_EQ_INT(count(s, "SELECT attempts FROM jobs WHERE kind = 'invalid'"
			  " AND status = 'failed'"), 1);
	T_EQ_INT(st.retried, 2 + 2);
	T_EQ_INT(st.failed, 2);
	T_EQ_INT(st.done, 1);
	store_close(s);
}

static void test_two_runners_exactly_once(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(store_begin(s, &e) == 0);
	for (int i = 0; i < NCOUNT; i++) {
		char p[32];
		snprintf(p, sizeof p, "{\"n\": %d}", i);
		atomic_store(&counts[i], 0);
		T_REQUIRE(jobs_enqueue(NULL, s, NULL, "count", p, &e) == 0);
	}
	T_REQUIRE(store_commit(s, &e) == 0);
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "count", h_count, NULL, &e);
	struct jobs_runner *a = start(&reg, 3, 5000), *b = start(&reg, 3, 5000);
	T_REQUIRE(a && b);
	T_EQ_INT(wait_for(s, "SELECT count(*) FROM jobs WHERE status = 'done'",
			  NCOUNT, 60000), NCOUNT);
	struct jobs_runner_stats sa, sb;
	jobs_runner_stats(&sa, a);
	jobs_runner_stats(&sb, b);
	jobs_runner_stop(a);
	jobs_runner_stop(b);
	int once = 0;
	for (int i = 0; i < NCOUNT; i++)
		once += atomic_load(&counts[i]) == 1;
	T_EQ_INT(once, NCOUNT);
	T_EQ_INT(sa.claimed + sb.claimed, NCOUNT);
	printf("# runner a ran %lld, b ran %lld\n", (long long)sa.claimed,
	       (long long)sb.claimed);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE attempts <> 1"), 0);
	store_close(s);
}

static void test_dead_worker_lease_expires(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int64_t dead, alive, spent;
	T_REQUIRE(jobs_enqueue(&dead, s, NULL, "slow", "{}", &e) == 0);
	T_REQUIRE(jobs_enqueue(&alive, s, NULL, "slow", "{}", &e) == 0);
	struct jobs_spec sp = { .kind = "slow", .max_attempts = 2 };
	T_REQUIRE(jobs_submit(&spent, s, &sp, &e) == 0);
	/* what a killed worker leaves behind: running, lease in the past */
	int64_t now = now_ms();
	struct store_val v[] = { sv_int(dead), sv_int(now - 1000) };
	T_REQUIRE(store_exec(s, "UPDATE jobs SET status = 'running', attempts = 1,"
				" locked_by = 'deadhost:1:0/0', lease_until = $2"
				" WHERE id = $1", v, 2, &e) == 1);
	struct store_val w[] = { sv_int(alive), sv_int(now + 600000) };
	T_REQUIRE(store_exec(s, "UPDATE jobs SET status = 'running', attempts = 1,"
				" locked_by = 'livehost:1:0/0', lease_until = $2"
				" WHERE id = $1", w, 2, &e) == 1);
	struct store_val x[] = { sv_int(spent), sv_int(now - 1000) };
	T_REQUIRE(store_exec(s, "UPDATE jobs SET status = 'running', attempts = 2,"
				" locked_by = 'deadhost:1:0/1', lease_until = $2"
				" WHERE id = $1", x, 2, &e) == 1);
	atomic_store(&started, 0);
	atomic_store(&finished, 0);
	int ms = 10;
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "slow", h_slow, &ms, &e);
	struct jobs_runner *r = start(&reg, 2, 3000);
	T_REQUIRE(r);
	char q[160];
	snprintf(q, sizeof q, "SELECT attempts FROM jobs WHERE id = %lld"
		 " AND status = 'done'", (long long)dead);
	T_EQ_INT(wait_for(s, q, 2, 10000), 2);
	snprintf(q, sizeof q, "SELECT count(*) FROM jobs WHERE id = %lld"
		 " AND status = 'failed'", (long long)spent);
	T_EQ_INT(wait_for(s, q, 1, 10000), 1);
	usleep(200000);
	jobs_runner_stop(r);
	T_EQ_INT(atomic_load(&finished), 1);
	/* the job whose lease is still valid was left alone */
	snprintf(q, sizeof q, "SELECT count(*) FROM jobs WHERE id = %lld AND"
		 " status = 'running' AND locked_by = 'livehost:1:0/0'",
		 (long long)alive);
	T_EQ_INT(count(s, q), 1);
	char *err = text_of(s, "SELECT error FROM jobs WHERE status = 'failed'");
	T_CHECK(err && strstr(err, "lease expired"));
	free(err);
	store_close(s);
}

static int h_hang(struct jobs_ctx *ctx, void *arg, struct err *e)
{
	(void)ctx;
	(void)arg;
	(void)e;
	sleep(60);
	return 0;
}

/* the real thing: a process running the job is killed with SIGKILL */
static void test_killed_process(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int64_t id;
	T_REQUIRE(jobs_enqueue(&id, s, NULL, "hang", "{}", &e) == 0);
	fflush(stdout);
	pid_t pid = fork();
	T_REQUIRE(pid >= 0);
	if (pid == 0) {
		struct jobs_registry reg;
		jobs_registry_init(&reg);
		jobs_register(&reg, "hang", h_hang, NULL, NULL);
		if (start(&reg, 1, 500))
			sleep(60);
		_exit(0);
	}
	T_EQ_INT(wait_for(s, "SELECT count(*) FROM jobs WHERE status = 'running'",
			  1, 10000), 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	atomic_store(&finished, 0);
	int ms = 10;
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "hang", h_slow, &ms, &e);
	struct jobs_runner *r = start(&reg, 1, 500);
	T_REQUIRE(r);
	T_EQ_INT(wait_for(s, "SELECT attempts FROM jobs WHERE status = 'done'", 2,
			  10000), 2);
	jobs_runner_stop(r);
	T_EQ_INT(atomic_load(&finished), 1);
	store_close(s);
}

static void test_lease_renewed_while_running(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(jobs_enqueue(NULL, s, NULL, "slow", "{}", &e) == 0);
	atomic_store(&started, 0);
	atomic_store(&finished, 0);
	int ms = 2000;   /* more than three times the lease */
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "slow", h_slow, &ms, &e);
	struct jobs_runner *a = start(&reg, 1, 600), *b = start(&reg, 1, 600);
	T_REQUIRE(a && b);
	T_EQ_INT(wait_for(s, "SELECT count(*) FROM jobs WHERE status = 'done'", 1,
			  10000), 1);
	jobs_runner_stop(a);
	jobs_runner_stop(b);
	T_EQ_INT(atomic_load(&started), 1);
	T_EQ_INT(count(s, "SELECT attempts FROM jobs"), 1);
	store_close(s);
}

static void test_progress_visible(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(jobs_enqueue(NULL, s, "131016", "prog", "{}", &e) == 0);
	atomic_store(&started, 0);
	atomic_store(&release, 0);
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "prog", h_progress, NULL, &e);
	struct jobs_runner *r = start(&reg, 1, 30000);
	T_REQUIRE(r);
	T_EQ_INT(wait_for(s, "SELECT progress FROM jobs WHERE status = 'running'",
			  40, 5000), 40);
	char *msg = text_of(s, "SELECT progress_msg FROM jobs");
	T_EQ_STR(msg, "半分 half way");   /* control characters replaced */
	free(msg);
	/* the staff view shows it too */
	struct jobs_filter f = { .status = JOBS_RUNNING };
	T_EQ_INT(jobs_list(s, &f, NULL, NULL, &e), 1);
	atomic_store(&release, 1);
	T_EQ_INT(wait_for(s, "SELECT progress FROM jobs WHERE status = 'done'",
			  100, 5000), 100);
	jobs_runner_stop(r);
	store_close(s);
}

static void test_stop_waits_for_handler(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	T_REQUIRE(jobs_enqueue(NULL, s, NULL, "slow", "{}", &e) == 0);
	atomic_store(&started, 0);
	atomic_store(&finished, 0);
	int ms = 400;
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "slow", h_slow, &ms, &e);
	struct jobs_runner *r = start(&reg, 2, 30000);
	T_REQUIRE(r);
	for (int i = 0; i < 500 && !atomic_load(&started); i++)
		usleep(10000);
	T_EQ_INT(atomic_load(&started), 1);
	T_EQ_INT(atomic_load(&finished), 0);
	jobs_runner_stop(r);
	T_EQ_INT(atomic_load(&finished), 1);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE status = 'done'"), 1);
	store_close(s);
}

static void test_cancel_and_list(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s);
	struct err e;
	int64_t q1, q2, run;
	T_REQUIRE(jobs_enqueue(&q1, s, NULL, "idle", "{}", &e) == 0);
	T_REQUIRE(jobs_enqueue(&q2, s, "131016", "idle", "{}", &e) == 0);
	T_EQ_INT(jobs_cancel(s, q1, &e), 0);
	T_EQ_INT(jobs_cancel(s, q1, &e), ERR_CONFLICT);
	T_EQ_INT(jobs_cancel(s, 999999, &e), ERR_NOTFOUND);
	/* cancelling a running job: the handler sees jobs_stopping() and
	 * its outcome is dropped */
	T_REQUIRE(jobs_enqueue(&run, s, NULL, "loop", "{}", &e) == 0);
	atomic_store(&started, 0);
	atomic_store(&finished, 0);
	struct jobs_registry reg;
	jobs_registry_init(&reg);
	jobs_register(&reg, "loop", h_until_stopped, NULL, &e);
	struct jobs_runner *r = start(&reg, 1, 300);
	T_REQUIRE(r);
	for (int i = 0; i < 500 && !atomic_load(&started); i++)
		usleep(10000);
	T_EQ_INT(jobs_cancel(s, run, &e), 0);
	for (int i = 0; i < 500 && !atomic_load(&finished); i++)
		usleep(10000);
	T_EQ_INT(atomic_load(&finished), 1);
	/* the handler's end is counted after it returns: wait for the count */
	struct jobs_runner_stats st;
	for (int i = 0; i < 500; i++) {
		jobs_runner_stats(&st, r);
		if (st.lost >= 1)
			break;
		usleep(10000);
	}
	jobs_runner_stop(r);
	T_EQ_INT(st.lost, 1);
	T_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE status = 'cancelled'"), 2);
	struct jobs_filter f = { .status = JOBS_CANCELLED };
	T_EQ_INT(jobs_list(s, &f, NULL, NULL, &e), 2);
	struct jobs_filter t = { .tenant = "131016" };
	T_EQ_INT(jobs_list(s, &t, NULL, NULL, &e), 1);
	struct jobs_filter page = { .before_id = run, .limit = 1 };
	T_EQ_INT(jobs_list(s, &page, NULL, NULL, &e), 1);
	T_EQ_STR(jobs_status_name(JOBS_QUEUED), "queued");
	T_EQ_INT(jobs_status_parse("failed"), JOBS_FAILED);
	T_EQ_INT(jobs_status_parse("nope"), 0);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "jobs");
	T_RUN(test_enqueue);
	T_RUN(test_run_and_complete);
	T_RUN(test_retry_and_fail);
	T_RUN(test_two_runners_exactly_once);
	T_RUN(test_dead_worker_lease_expires);
	T_RUN(test_killed_process);
	T_RUN(test_lease_renewed_while_running);
	T_RUN(test_progress_visible);
	T_RUN(test_stop_waits_for_handler);
	T_RUN(test_cancel_and_list);
	tdb_end(&db);
	return t_done();
}
