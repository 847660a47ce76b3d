/*
 * jobs.h -- the durable job queue and its worker threads.
 *
 * A job is a row of the table `jobs` (schema module "jobs", migrated after
 * "core"): a kind, a JSON payload, a status (queued, running, done, failed,
 * cancelled), attempts, a time before which it must not run, a lease, a
 * progress figure and message, a result or an error.  Because the queue is
 * the database, a job enqueued in a committed transaction survives any
 * crash, and enqueueing inside the caller's transaction makes "save the
 * application and schedule its PDF" all-or-nothing.
 *
 * Running.  A `struct jobs_runner` starts N worker threads, each with its
 * own `struct store` connection opened from a URL, plus one lease thread
 * with its own connection.  A worker claims one job atomically (PostgreSQL:
 * UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)
 * RETURNING; SQLite: the same UPDATE inside BEGIN IMMEDIATE, which holds the
 * only write lock), which sets status = running, attempts + 1, locked_by =
 * the worker's name and lease_until = now + lease.  While the handler runs
 * the lease thread renews the lease (every lease/3) and writes progress.
 *
 * Lease semantics (what "survives a restart" means): a job whose worker
 * died (process killed, machine lost) stays `running` with a lease in the
 * past; any runner claims it again once the lease has expired, counting a
 * new attempt.  A job whose attempts are used up when its lease expires is
 * marked failed.  Delivery is therefore AT LEAST ONCE: a handler may run
 * again after a crash half-way, so handlers must be idempotent (check what
 * they already did).  A worker finishes a job only while it still holds the
 * lease (locked_by = itself, status running); if the lease was lost (the
 * lease thread could not renew it in time, or staff cancelled the job) the
 * outcome is dropped and jobs_stopping() turns true.  Leases compare the
 * hosts' wall clocks: keep them NTP-synchronised (the security guideline
 * requires it anyway) and the lease much longer than any clock skew.
 *
 * Failures.  A handler returns 0 (done) or a negative ERR_* with a detail in
 * its `struct err` (stored as the job's error: English, no personal data).
 * ERR_INVALID means "can never succeed" (bad payload): failed at once.
 * Anything else is retried after base * 2^(attempt-1) ms (capped), until
 * max_attempts; then failed.
 *
 * Stopping.  jobs_runner_stop() lets running handlers finish (they may poll
 * jobs_stopping() to finish early), records their outcome, then joins all
 * threads and closes the connections.
 *
 * Library code: never logs; the runner's problems (database down) are
 * counted in jobs_runner_stats() for the caller to log.
 *
 * Limits: kind 64 bytes [a-z0-9._-]; payload 64 KiB of JSON; result 64 KiB;
 * error 1000 bytes and progress message 200 bytes (longer text is cut at a
 * UTF-8 boundary); 32 kinds per registry; 64 workers per runner;
 * max_attempts 1..100; jobs_list returns at most JOBS_LIST_MAX rows.
 * Payloads are stored in clear: put ids in them, not personal data.
 */
#ifndef MADOGUCHI_JOBS_JOBS_H
#define MADOGUCHI_JOBS_JOBS_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define JOBS_KIND_MAX 64
#define JOBS_PAYLOAD_MAX (64 * 1024)
#define JOBS_RESULT_MAX (64 * 1024)
#define JOBS_ERROR_MAX 1000
#define JOBS_PROGRESS_MSG_MAX 200
#define JOBS_KINDS_MAX 32
#define JOBS_WORKERS_MAX 64
#define JOBS_ATTEMPTS_MAX 100
#define JOBS_ATTEMPTS_DEFAULT 5
#define JOBS_LIST_MAX 10000
#define JOBS_NAME_MAX 100

extern const struct store_module_schema jobs_schema;

enum jobs_status {
	JOBS_QUEUED = 1,
	JOBS_RUNNING,
	JOBS_DONE,
	JOBS_FAILED,
	JOBS_CANCELLED,
};

/* "queued", "running", ... and back (0 for an unknown name). */
const char *jobs_status_name(enum jobs_status s);
enum jobs_status jobs_status_parse(const char *name);

/* ---- enqueue ------------------------------------------------------------ */

struct jobs_spec {
	const char *tenant;      /* tenant code, or NULL (deployment job)   */
	const char *kind;        /* required                                */
	const char *payload;     /* JSON text; NULL: "{}"                   */
	int max_attempts;        /* 0: JOBS_ATTEMPTS_DEFAULT                */
	int64_t run_after_ms;    /* 0: now                                  */
};

/* jobs_submit -- add a queued job; works inside the caller's transaction
 * (the job exists only if it commits) or on its own.  *id receives the
 * job id.  ERR_INVALID (bad kind, payload not JSON), ERR_LIMIT, ERR_CONFLICT
 * (unknown tenant), ERR_DB. */
int jobs_submit(int64_t *id, struct store *s, const struct jobs_spec *spec,
		struct err *e);
/* jobs_enqueue -- jobs_submit with the defaults. */
int jobs_enqueue(int64_t *id, struct store *s, const char *tenant,
		 const char *kind, const char *payload, struct err *e);

/* jobs_wake -- make sure a queued job of kind (a deployment job, no
 * payload) is due by at_ms: submits one when none is, else nothing.  For
 * queues that wake their worker when work arrives instead of polling (the
 * outbox's "mail.send", notify's "notify.deliver" and "notify.hooks");
 * inside the caller's transaction, so the job exists only if the work it
 * is for commits.  0 or a negative ERR_*. */
int jobs_wake(struct store *s, const char *kind, int64_t at_ms, struct err *e);

/* jobs_cancel -- cancel a queued or running job (a running handler sees
 * jobs_stopping() and its outcome is dropped).  ERR_NOTFOUND when no such
 * job; ERR_CONFLICT when it has already finished. */
int jobs_cancel(struct store *s, int64_t id, struct err *e);

/* ---- list (the staff view) ------------------------------------------------ */

struct jobs_info {
	int64_t id;
	const char *tenant;      /* NULL: deployment job */
	const char *kind;
	const char *payload;
	enum jobs_status status;
	int attempts, max_attempts;
	int64_t run_after_ms;
	const char *locked_by;   /* NULL unless running */
	int64_t lease_until_ms;  /* 0 unless running    */
	int progress;            /* 0..100              */
	const char *progress_msg;
	const char *result;
	const char *error;
	int64_t created_ms, updated_ms;
};

struct jobs_filter {
	int64_t id;              /* 0: any */
	const char *tenant;      /* NULL: any */
	const char *kind;        /* NULL: any */
	enum jobs_status status; /* 0: any */
	int64_t before_id;       /* paging (newest first): id < before_id */
	int deployment_only;     /* 1: only jobs without a tenant        */
	int limit;               /* 0 or > JOBS_LIST_MAX: JOBS_LIST_MAX */
};

/* jobs_list -- newest first; fn returns non-zero to stop and must not use
 * s; the strings are valid during the call only.  Returns the number of
 * jobs passed to fn or a negative ERR_*. */
int jobs_list(struct store *s, const struct jobs_filter *f,
	      int (*fn)(const struct jobs_info *j, void *arg), void *arg,
	      struct err *e);

/* ---- handlers -------------------------------------------------------------- */

struct jobs_slot;

/* What a handler sees.  `store` is the worker's own connection, with no
 * transaction open; the handler may open and must close its own. */
struct jobs_ctx {
	int64_t id;
	const char *tenant;
	const char *kind;
	const char *payload;
	int attempt;             /* 1 on the first run */
	int max_attempts;
	struct store *store;
	struct jobs_slot *slot;  /* private */
};

struct jobs_registry {
	int n;
	struct {
		char kind[JOBS_KIND_MAX + 1];
		int (*fn)(struct jobs_ctx *ctx, void *arg, struct err *e);
		void *arg;
	} h[JOBS_KINDS_MAX];
};

void jobs_registry_init(struct jobs_registry *r);
/* jobs_register -- ERR_CONFLICT if kind is registered, ERR_LIMIT if full,
 * ERR_INVALID for a bad kind. */
int jobs_register(struct jobs_registry *r, const char *kind,
		  int (*fn)(struct jobs_ctx *ctx, void *arg, struct err *e),
		  void *arg, struct err *e);

/* jobs_progress -- report pct (clamped to 0..100) and a short message
 * (NULL: none); written to the job row by the lease thread within
 * moments, without touching ctx->store. */
void jobs_progress(struct jobs_ctx *ctx, int pct, const char *msg);
/* jobs_set_result -- the text stored as the job's result when the handler
 * returns 0.  ERR_LIMIT beyond JOBS_RESULT_MAX, ERR_NOMEM. */
int jobs_set_result(struct jobs_ctx *ctx, const char *text);
/* jobs_stopping -- true when the runner is stopping or the job's lease was
 * lost (cancelled, or claimed elsewhere): finish early if you can. */
int jobs_stopping(struct jobs_ctx *ctx);

/* ---- the runner -------------------------------------------------------- */

struct jobs_runner_opts {
	int workers;             /* threads; 0: 2                           */
	int64_t lease_ms;        /* 0: 30000                                */
	int64_t poll_ms;         /* idle wait between claims; 0: 1000       */
	int64_t backoff_base_ms; /* 0: 2000                                 */
	int64_t backoff_max_ms;  /* 0: 3600000                              */
	const char *name;        /* NULL: host:pid:random                   */
};

struct jobs_runner_stats {
	int64_t claimed, done, retried, failed, lost, db_errors;
	char last_error[ERR_DETAIL_MAX];   /* last db error detail, or "" */
};

struct jobs_runner;

/* jobs_runner_start -- open the connections (url as store_open) and start
 * the threads.  The registry is copied.  Handlers run only for the kinds
 * registered; other kinds wait for a runner that has them. */
int jobs_runner_start(struct jobs_runner **out, const char *url,
		      const struct jobs_registry *reg,
		      const struct jobs_runner_opts *o, struct err *e);
/* jobs_runner_stop -- let running handlers finish, join, close, free.
 * NULL is a no-op. */
void jobs_runner_stop(struct jobs_runner *r);
void jobs_runner_stats(struct jobs_runner_stats *out, struct jobs_runner *r);

#endif
