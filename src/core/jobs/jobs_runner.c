/*
 * jobs_runner.c -- the worker threads of the job queue: claim, run, renew
 * the lease, record the outcome, stop gracefully.  See jobs.h for the lease
 * semantics.
 *
 * Threads: N workers, each with its own connection, and one lease thread
 * with its own connection, which renews the leases of running jobs every
 * lease/3, writes progress reported by handlers (so a handler's own
 * connection is never used behind its back), and fails jobs whose lease
 * expired with no attempts left.  The shared state (slots, stop flags,
 * stats) is guarded by one mutex; handlers run without it.
 *
 * Invariants: a worker writes a job's outcome only with `WHERE locked_by =
 * itself AND status = 'running'`, so a worker that lost its lease cannot
 * overwrite the work of the one that took over; the lease thread renews a
 * slot's job only while the slot is busy with the same generation;
 * jobs_runner_stop() joins the workers before it stops the lease thread, so
 * leases keep being renewed while handlers finish.
 */
#include "core/jobs/jobs_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct jobs_slot {
	struct jobs_runner *r;
	char name[JOBS_NAME_MAX + 16];    /* locked_by */
	struct store *store;
	pthread_t th;
	int started;
	/* guarded by r->mu */
	int busy;
	unsigned gen;
	int64_t job_id;
	int progress;
	char msg[JOBS_PROGRESS_MSG_MAX + 1];
	int dirty;
	int lost;
	int64_t last_renew;
	/* the handler's thread only */
	char *result;
};

struct jobs_runner {
	struct jobs_registry reg;
	struct jobs_runner_opts o;
	char name[JOBS_NAME_MAX + 1];
	char *claim_sql, *peek_sql;
	pthread_mutex_t mu;
	pthread_cond_t work_cond;     /* wakes idle workers (stop)       */
	pthread_cond_t lease_cond;    /* wakes the lease thread          */
	int stopping, lease_stop;
	struct store *lease_store;
	pthread_t lease_th;
	int lease_started;
	int nslots;
	struct jobs_slot *slots;
	struct jobs_runner_stats stats;
};

/* ---- small helpers ------------------------------------------------------ */

static void deadline_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void note_db_error(struct jobs_runner *r, const struct err *e)
{
	pthread_mutex_lock(&r->mu);
	r->stats.db_errors++;
	snprintf(r->stats.last_error, sizeof r->stats.last_error, "%s", e->detail);
	pthread_mutex_unlock(&r->mu);
}

static int64_t backoff(const struct jobs_runner *r, int attempt)
{
	int64_t d = r->o.backoff_base_ms;
	for (int i = 1; i < attempt && d < r->o.backoff_max_ms; i++)
		d *= 2;
	return d < r->o.backoff_max_ms ? d : r->o.backoff_max_ms;
}

/* ---- handler API -------------------------------------------------------- */

void jobs_progress(struct jobs_ctx *ctx, int pct, const char *msg)
{
	struct jobs_slot *sl = ctx->slot;
	pthread_mutex_lock(&sl->r->mu);
	sl->progress = pct < 0 ? 0 : pct > 100 ? 100 : pct;
	jobs_utf8_cut(sl->msg, msg ? msg : "", JOBS_PROGRESS_MSG_MAX);
	sl->dirty = 1;
	pthread_cond_signal(&sl->r->lease_cond);
	pthread_mutex_unlock(&sl->r->mu);
}

int jobs_set_result(struct jobs_ctx *ctx, const char *text)
{
	if (strlen(text) > JOBS_RESULT_MAX)
		return ERR_LIMIT;
	char *copy = strdup(text);
	if (!copy)
		return ERR_NOMEM;
	free(ctx->slot->result);
	ctx->slot->result = copy;
	return 0;
}

int jobs_stopping(struct jobs_ctx *ctx)
{
	struct jobs_slot *sl = ctx->slot;
	pthread_mutex_lock(&sl->r->mu);
	int stop = sl->r->stopping || sl->lost;
	pthread_mutex_unlock(&sl->r->mu);
	return stop;
}

/* ---- claim ----------------------------------------------------------------- */

#define CLAIMABLE                                                        \
	"((status = 'queued' AND run_after <= $3) OR (status = 'running'" \
	" AND lease_until < $3 AND attempts < max_attempts))"

static int build_sql(struct jobs_runner *r, int pg)
{
	struct buf kinds, b;
	buf_init(&kinds, 4096);
	int rc = 0;
	for (int i = 0; i < r->reg.n && rc == 0; i++)
		rc = buf_printf(&kinds, "%s$%d", i ? ", " : "", i + 4);
	buf_init(&b, 8192);
	if (rc == 0)
		rc = buf_printf(&b,
			"UPDATE jobs SET status = 'running', attempts = attempts + 1,"
			" locked_by = $1, lease_until = $2, updated_at = $3"
			" WHERE id = (SELECT id FROM jobs WHERE " CLAIMABLE
			" AND kind IN (%s) ORDER BY run_after, id LIMIT 1%s)"
			" AND (status = 'queued' OR (status = 'running'"
			" AND lease_until < $3))"
			" RETURNING id, tenant, kind, payload, attempts, max_attempts",
			buf_cstr(&kinds), pg ? " FOR UPDATE SKIP LOCKED" : "");
	if (rc == 0)
		r->claim_sql = buf_steal(&b);
	buf_reset(&b);
	/* the same test for the SQLite pre-check ($1 and $2 unused: SQLite
	 * accepts values bound to parameters a statement does not name) */
	if (rc == 0)
		rc = buf_printf(&b, "SELECT count(*) FROM (SELECT 1 FROM jobs WHERE "
				CLAIMABLE " AND kind IN (%s) LIMIT 1) AS c",
				buf_cstr(&kinds));
	if (rc == 0)
		r->peek_sql = buf_steal(&b);
	buf_done(&b);
	buf_done(&kinds);
	return rc == 0 && r->claim_sql && r->peek_sql ? 0 : ERR_NOMEM;
}

struct claimed {
	int64_t id;
	char *tenant, *kind, *payload;
	int attempt, max_attempts;
};

static void claimed_free(struct claimed *c)
{
	free(c->tenant);
	free(c->kind);
	free(c->payload);
	memset(c, 0, sizeof *c);
}

/* 1: a job was claimed into *c; 0: none; < 0: error */
static int claim(struct claimed *c, struct jobs_slot *sl, struct err *e)
{
	struct jobs_runner *r = sl->r;
	int64_t now = now_ms();
	struct store_val p[3 + JOBS_KINDS_MAX];
	p[0] = sv_text(sl->name);
	p[1] = sv_int(now + r->o.lease_ms);
	p[2] = sv_int(now);
	for (int i = 0; i < r->reg.n; i++)
		p[3 + i] = sv_text(r->reg.h[i].kind);
	int np = 3 + r->reg.n;
	int rc;
	if (store_kind(sl->store) == STORE_SQLITE) {
		/* do not take the write lock just to find nothing */
		int64_t n = 0;
		if ((rc = store_query_int(&n, sl->store, r->peek_sql, p, np, e)))
			return rc;
		if (n == 0)
			return 0;
	}
	if ((rc = store_begin(sl->store, e)))
		return rc;
	struct store_rows *rows;
	rc = store_query(&rows, sl->store, r->claim_sql, p, np, e);
	if (rc == 0) {
		rc = store_rows_next(rows, e);
		if (rc == 1) {
			c->id = store_col_int(rows, 0);
			c->tenant = store_col_isnull(rows, 1) ? NULL :
				    strdup(store_col_text(rows, 1));
			c->kind = strdup(store_col_text(rows, 2));
			c->payload = strdup(store_col_text(rows, 3));
			c->attempt = (int)store_col_int(rows, 4);
			c->max_attempts = (int)store_col_int(rows, 5);
			if (!c->kind || !c->payload ||
			    (!store_col_isnull(rows, 1) && !c->tenant))
				rc = err_set(e, ERR_NOMEM, "out of memory");
		}
		store_rows_free(rows);
	}
	if (rc < 0) {
		store_rollback(sl->store);
		claimed_free(c);
		return rc;
	}
	int crc = store_commit(sl->store, e);
	if (crc) {
		claimed_free(c);
		return crc;
	}
	return rc;
}

/* ---- run and finish ------------------------------------------------------- */

static int handler_for(const struct jobs_runner *r, const char *kind)
{
	for (int i = 0; i < r->reg.n; i++)
		if (strcmp(r->reg.h[i].kind, kind) == 0)
			return i;
	return -1;
}

/* run an outcome update, retrying a few times on database errors;
 * returns the rows changed (1: done; 0: the lease was lost) or < 0 */
static int finish_exec(struct jobs_slot *sl, const char *sql,
		       const struct store_val *p, int np)
{
	struct err e;
	int rc = ERR_UNAVAILABLE;
	for (int tries = 0; tries < 5 && rc < 0; tries++) {
		rc = store_exec(sl->store, sql, p, np, &e);
		if (rc < 0) {
			note_db_error(sl->r, &e);
			sleep_ms(100);
		}
	}
	return rc;
}

static void finish(struct jobs_slot *sl, const struct claimed *c, int hrc,
		   const struct err *he)
{
	struct jobs_runner *r = sl->r;
	int64_t now = now_ms();
	int rc;
	int64_t *counter;
	if (hrc == 0) {
		char msg[JOBS_PROGRESS_MSG_MAX + 1];
		pthread_mutex_lock(&r->mu);
		memcpy(msg, sl->msg, sizeof msg);
		pthread_mutex_unlock(&r->mu);
		struct store_val p[] = {
			sv_int(c->id), sv_text(sl->name), sv_text(msg[0] ? msg : NULL),
			sv_text(sl->result), sv_int(now),
		};
		rc = finish_exec(sl,
			"UPDATE jobs SET status = 'done', progress = 100,"
			" progress_msg = $3, result = $4, error = NULL, locked_by = NULL,"
			" lease_until = NULL, updated_at = $5"
			" WHERE id = $1 AND locked_by = $2 AND status = 'running'",
			p, SV_N(p));
		counter = &r->stats.done;
	} else {
		char error[JOBS_ERROR_MAX + 1];
		if (he->detail[0])
			jobs_utf8_cut(error, he->detail, JOBS_ERROR_MAX);
		else
			snprintf(error, sizeof error, "handler failed: %s",
				 err_code_name(hrc));
		if (hrc != ERR_INVALID && c->attempt < c->max_attempts) {
			struct store_val p[] = {
				sv_int(c->id), sv_text(sl->name), sv_text(error),
				sv_int(now + backoff(r, c->attempt)), sv_int(now),
			};
			rc = finish_exec(sl,
				"UPDATE jobs SET status = 'queued', error = $3,"
				" run_after = $4, progress = 0, locked_by = NULL,"
				" lease_until = NULL, updated_at = $5"
				" WHERE id = $1 AND locked_by = $2 AND status = 'running'",
				p, SV_N(p));
			counter = &r->stats.retried;
		} else {
			struct store_val p[] = {
				sv_int(c->id), sv_text(sl->name), sv_text(error),
				sv_int(now),
			};
			rc = finish_exec(sl,
				"UPDATE jobs SET status = 'failed', error = $3,"
				" locked_by = NULL, lease_until = NULL, updated_at = $4"
				" WHERE id = $1 AND locked_by = $2 AND status = 'running'",
				p, SV_N(p));
			counter = &r->stats.failed;
		}
	}
	/* rc < 0: the database stayed away; the lease expires and the job
	 * runs again (at least once) */
	pthread_mutex_lock(&r->mu);
	if (rc == 1)
		(*counter)++;
	else if (rc == 0)
		r->stats.lost++;
	pthread_mutex_unlock(&r->mu);
}

static void run_job(struct jobs_slot *sl, struct claimed *c)
{
	struct jobs_runner *r = sl->r;
	pthread_mutex_lock(&r->mu);
	sl->busy = 1;
	sl->gen++;
	sl->job_id = c->id;
	sl->progress = 0;
	sl->msg[0] = '\0';
	sl->dirty = 0;
	sl->lost = 0;
	sl->last_renew = mono_ms();
	r->stats.claimed++;
	pthread_mutex_unlock(&r->mu);

	struct jobs_ctx ctx = {
		.id = c->id, .tenant = c->tenant, .kind = c->kind,
		.payload = c->payload, .attempt = c->attempt,
		.max_attempts = c->max_attempts, .store = sl->store, .slot = sl,
	};
	struct err he;
	err_clear(&he);
	int h = handler_for(r, c->kind);
	int hrc = h < 0 ? err_set(&he, ERR_INTERNAL, "no handler for kind %s", c->kind)
			: r->reg.h[h].fn(&ctx, r->reg.h[h].arg, &he);
	if (hrc > 0)
		hrc = ERR_INTERNAL;
	if (store_in_tx(sl->store)) {
		store_rollback(sl->store);
		if (hrc == 0)
			hrc = err_set(&he, ERR_INTERNAL,
				      "handler left a transaction open");
	}
	pthread_mutex_lock(&r->mu);
	sl->busy = 0;     /* the lease thread stops renewing it */
	pthread_mutex_unlock(&r->mu);
	finish(sl, c, hrc, &he);
	free(sl->result);
	sl->result = NULL;
}

static void *worker_main(void *arg)
{
	struct jobs_slot *sl = arg;
	struct jobs_runner *r = sl->r;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		int stop = r->stopping;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			break;
		struct claimed c = { 0 };
		struct err e;
		int rc = claim(&c, sl, &e);
		if (rc == 1) {
			run_job(sl, &c);
			claimed_free(&c);
			continue;
		}
		if (rc < 0)
			note_db_error(r, &e);
		struct timespec ts;
		deadline_in(&ts, r->o.poll_ms);
		pthread_mutex_lock(&r->mu);
		while (!r->stopping &&
		       pthread_cond_timedwait(&r->work_cond, &r->mu, &ts) == 0)
			;
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

/* ---- the lease thread --------------------------------------------------- */

struct renewal {
	struct jobs_slot *sl;
	unsigned gen;
	int64_t job_id;
	int progress;
	char msg[JOBS_PROGRESS_MSG_MAX + 1];
};

static void reap(struct jobs_runner *r)
{
	struct err e;
	struct store_val p[] = { sv_int(now_ms()) };
	if (store_exec(r->lease_store,
		       "UPDATE jobs SET status = 'failed', error = 'worker lost"
		       " (lease expired) and no attempts left', locked_by = NULL,"
		       " lease_until = NULL, updated_at = $1 WHERE status = 'running'"
		       " AND lease_until < $1 AND attempts >= max_attempts",
		       p, 1, &e) < 0)
		note_db_error(r, &e);
}

static void *lease_main(void *arg)
{
	struct jobs_runner *r = arg;
	int64_t every = r->o.lease_ms / 3 > 0 ? r->o.lease_ms / 3 : 1;
	int64_t next_reap = 0;
	struct renewal *todo = calloc((size_t)r->nslots, sizeof *todo);
	if (!todo)
		return NULL;   /* leases then expire: jobs are run again */
	for (;;) {
		pthread_mutex_lock(&r->mu);
		for (;;) {
			if (r->lease_stop)
				break;
			int64_t now = mono_ms(), wait = every;
			int due = 0;
			for (int i = 0; i < r->nslots; i++) {
				struct jobs_slot *sl = &r->slots[i];
				if (!sl->busy)
					continue;
				int64_t left = sl->last_renew + every - now;
				if (sl->dirty || left <= 0)
					due = 1;
				else if (left < wait)
					wait = left;
			}
			if (now >= next_reap)
				due = 1;
			else if (next_reap - now < wait)
				wait = next_reap - now;
			if (due)
				break;
			struct timespec ts;
			deadline_in(&ts, wait);
			pthread_cond_timedwait(&r->lease_cond, &r->mu, &ts);
		}
		if (r->lease_stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		int n = 0;
		int64_t now = mono_ms();
		for (int i = 0; i < r->nslots; i++) {
			struct jobs_slot *sl = &r->slots[i];
			if (!sl->busy || (!sl->dirty && now - sl->last_renew < every))
				continue;
			todo[n].sl = sl;
			todo[n].gen = sl->gen;
			todo[n].job_id = sl->job_id;
			todo[n].progress = sl->progress;
			memcpy(todo[n].msg, sl->msg, sizeof todo[n].msg);
			sl->dirty = 0;
			n++;
		}
		pthread_mutex_unlock(&r->mu);
		for (int i = 0; i < n; i++) {
			struct renewal *w = &todo[i];
			int64_t wall = now_ms();
			struct store_val p[] = {
				sv_int(w->job_id), sv_text(w->sl->name),
				sv_int(wall + r->o.lease_ms), sv_int(w->progress),
				sv_text(w->msg[0] ? w->msg : NULL), sv_int(wall),
			};
			struct err e;
			int rc = store_exec(r->lease_store,
				"UPDATE jobs SET lease_until = $3, progress = $4,"
				" progress_msg = $5, updated_at = $6 WHERE id = $1"
				" AND locked_by = $2 AND status = 'running'",
				p, SV_N(p), &e);
			if (rc < 0)
				note_db_error(r, &e);
			pthread_mutex_lock(&r->mu);
			if (w->sl->gen == w->gen && w->sl->busy) {
				if (rc == 0)
					w->sl->lost = 1;
				else if (rc > 0)
					w->sl->last_renew = mono_ms();
				else
					w->sl->dirty = 1;   /* try again */
			}
			pthread_mutex_unlock(&r->mu);
		}
		if (mono_ms() >= next_reap) {
			reap(r);
			next_reap = mono_ms() + every;
		}
		sleep_ms(20);   /* at most ~50 progress writes a second */
	}
	free(todo);
	return NULL;
}

/* ---- start and stop -------------------------------------------------------- */

static void runner_free(struct jobs_runner *r)
{
	for (int i = 0; i < r->nslots; i++)
		store_close(r->slots[i].store);
	store_close(r->lease_store);
	free(r->slots);
	free(r->claim_sql);
	free(r->peek_sql);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->work_cond);
	pthread_cond_destroy(&r->lease_cond);
	free(r);
}

int jobs_runner_start(struct jobs_runner **out, const char *url,
		      const struct jobs_registry *reg,
		      const struct jobs_runner_opts *o, struct err *e)
{
	*out = NULL;
	if (!reg || reg->n < 1 || reg->n > JOBS_KINDS_MAX)
		return err_set(e, ERR_INVALID, "job runner needs 1..%d handlers",
			       JOBS_KINDS_MAX);
	struct jobs_runner *r = calloc(1, sizeof *r);
	if (!r)
		return err_set(e, ERR_NOMEM, "out of memory");
	r->reg = *reg;
	r->o = o ? *o : (struct jobs_runner_opts){ 0 };
	if (r->o.workers <= 0)
		r->o.workers = 2;
	if (r->o.workers > JOBS_WORKERS_MAX)
		r->o.workers = JOBS_WORKERS_MAX;
	if (r->o.lease_ms <= 0)
		r->o.lease_ms = 30000;
	if (r->o.poll_ms <= 0)
		r->o.poll_ms = 1000;
	if (r->o.backoff_base_ms <= 0)
		r->o.backoff_base_ms = 2000;
	if (r->o.backoff_max_ms <= 0)
		r->o.backoff_max_ms = 3600000;
	if (r->o.name && *r->o.name) {
		jobs_utf8_cut(r->name, r->o.name, JOBS_NAME_MAX);
	} else {
		char host[64] = "host", rnd[9];
		gethostname(host, sizeof host - 1);
		host[sizeof host - 1] = '\0';
		if (random_token(rnd, 4))
			snprintf(rnd, sizeof rnd, "0");
		snprintf(r->name, sizeof r->name, "%s:%d:%s", host, (int)getpid(), rnd);
	}
	r->o.name = NULL;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->work_cond, &ca);
	pthread_cond_init(&r->lease_cond, &ca);
	pthread_condattr_destroy(&ca);
	r->nslots = r->o.workers;
	r->slots = calloc((size_t)r->nslots, sizeof *r->slots);
	if (!r->slots) {
		runner_free(r);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	int rc = store_open(&r->lease_store, url, e);
	for (int i = 0; rc == 0 && i < r->nslots; i++) {
		struct jobs_slot *sl = &r->slots[i];
		sl->r = r;
		snprintf(sl->name, sizeof sl->name, "%s/%d", r->name, i);
		rc = store_open(&sl->store, url, e);
	}
	if (rc == 0 && build_sql(r, store_kind(r->lease_store) == STORE_PG))
		rc = err_set(e, ERR_NOMEM, "out of memory");
	if (rc) {
		runner_free(r);
		return rc;
	}
	if (pthread_create(&r->lease_th, NULL, lease_main, r) != 0) {
		runner_free(r);
		return err_set(e, ERR_NOMEM, "cannot start the lease thread");
	}
	r->lease_started = 1;
	for (int i = 0; i < r->nslots; i++) {
		if (pthread_create(&r->slots[i].th, NULL, worker_main, &r->slots[i])) {
			jobs_runner_stop(r);
			return err_set(e, ERR_NOMEM, "cannot start worker threads");
		}
		r->slots[i].started = 1;
	}
	*out = r;
	return 0;
}

void jobs_runner_stop(struct jobs_runner *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = 1;
	pthread_cond_broadcast(&r->work_cond);
	pthread_mutex_unlock(&r->mu);
	for (int i = 0; i < r->nslots; i++)
		if (r->slots[i].started)
			pthread_join(r->slots[i].th, NULL);
	pthread_mutex_lock(&r->mu);
	r->lease_stop = 1;
	pthread_cond_broadcast(&r->lease_cond);
	pthread_mutex_unlock(&r->mu);
	if (r->lease_started)
		pthread_join(r->lease_th, NULL);
	runner_free(r);
}

void jobs_runner_stats(struct jobs_runner_stats *out, struct jobs_runner *r)
{
	pthread_mutex_lock(&r->mu);
	*out = r->stats;
	pthread_mutex_unlock(&r->mu);
}
