/*
 * group.c -- group commit: the writes of several threads of this process
 * share one transaction, so that one fsync makes many submissions durable.
 *
 * Why: a durable commit costs one fsync of the write-ahead log (about
 * 5-10 ms on the development machine's disk, i.e. at most 100-200 commits
 * a second whatever the CPU), and SQLite has one writer at a time.  With
 * 64 residents submitting at once, making each wait for its own commit
 * queues them behind each other; letting one commit carry everybody who
 * is waiting keeps the rate near (fsyncs per second) x (batch size).
 *
 * How (leader and followers, no extra thread or connection): a writer
 * puts its item on the queue of its database.  If no leader is writing,
 * it becomes the leader: it takes every queued item (at most
 * APPLY_GROUP_MAX), opens a transaction on its own connection, runs each
 * item's function, commits once, and wakes the others.  An item that
 * fails is taken out and the rest run again (run_batch), so it gets its
 * own error and the others are not affected.  A
 * writer whose item was carried by another leader returns that result.
 * Items queued while a leader writes form the next batch.
 *
 * Invariants: an item's function runs exactly once, on the leader's
 * connection, while its owner waits (so the owner's arena and pointers
 * are safe to use); its result is reported only after the COMMIT returned
 * (0: durable) -- or the commit's error when that failed, in which case
 * none of the batch is written.  A caller that already has a transaction
 * open on its connection is not grouped: its function runs in that
 * transaction.  Databases are told apart by their redacted URL.
 *
 * SQLite only: on PostgreSQL each write runs in its own transaction on
 * its own connection, and the server groups the WAL flushes of
 * concurrent commits (its ceiling here: ~4,000 one-row commits/s from 64
 * connections against ~200 from one).
 */
#include "svc/apply/apply_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

#define APPLY_GROUP_MAX 64
#define GROUPS_MAX 8

struct gitem {
	int (*fn)(struct store *s, void *arg, struct err *e);
	void *arg;
	int rc, done;
	struct err err;
	struct gitem *next;
};

struct group {
	char key[STORE_URL_MAX + 8];
	struct gitem *head, *tail;
	int leader;
	int64_t commits, writes, busy_us;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct group groups[GROUPS_MAX];
static int ngroups;

static struct group *group_of(struct store *s)
{
	char key[STORE_URL_MAX + 8];
	snprintf(key, sizeof key, "%d:%s", (int)store_kind(s), store_url_redacted(s));
	for (int i = 0; i < ngroups; i++)
		if (strcmp(groups[i].key, key) == 0)
			return &groups[i];
	if (ngroups == GROUPS_MAX)
		return NULL;
	struct group *g = &groups[ngroups++];
	memcpy(g->key, key, sizeof key);
	return g;
}

/* Run the items in one transaction, in queue order, without savepoints
 * (failures are rare: validation happened before).  When an item fails,
 * roll back, give that item its own error, and run the others again from
 * the same starting state: the items before it succeed again the same
 * way, so its failure stands (e.g. the second submission of one draft);
 * the items after it were never judged on a partial write.  A failed
 * BEGIN or COMMIT fails every item still in the batch. */
static void run_batch(struct store *s, struct gitem *const *batch, int n)
{
	struct gitem *items[APPLY_GROUP_MAX];   /* the ones still to write */
	memcpy(items, batch, sizeof *items * (size_t)n);
	for (;;) {
		if (n == 0)
			return;
		struct err e = { 0 };
		int rc = store_begin(s, &e), bad = -1;
		for (int i = 0; rc == 0 && i < n; i++) {
			err_clear(&items[i]->err);
			items[i]->rc = items[i]->fn(s, items[i]->arg, &items[i]->err);
			if (items[i]->rc) {
				bad = i;
				break;
			}
		}
		if (rc == 0 && bad >= 0) {
			store_rollback(s);
			memmove(&items[bad], &items[bad + 1], sizeof *items * (size_t)(n - bad - 1));
			n--;
			continue;
		}
		if (rc == 0 && (rc = store_commit(s, &e)) == 0)
			return;
		if (store_in_tx(s))
			store_rollback(s);
		for (int i = 0; i < n; i++) {   /* nothing of the batch is written */
			items[i]->rc = rc;
			items[i]->err = e;
		}
		return;
	}
}

int apply_group_write(struct store *s,
		      int (*fn)(struct store *s, void *arg, struct err *e),
		      void *arg, struct err *e)
{
	if (store_in_tx(s))
		return fn(s, arg, e);
	if (store_kind(s) == STORE_PG) {
		/* PostgreSQL flushes the WAL of concurrent commits together
		 * itself; funnelling them through one connection would only
		 * add a round trip per statement (measured: 20x slower) */
		int own, rc = apply_tx_begin(&own, s, e);
		if (rc == 0)
			rc = apply_tx_end(own, fn(s, arg, e), s, e);
		return rc;
	}
	struct gitem me = { .fn = fn, .arg = arg };
	pthread_mutex_lock(&lock);
	struct group *g = group_of(s);
	if (!g) {                 /* more databases than slots: alone */
		pthread_mutex_unlock(&lock);
		int own, rc = apply_tx_begin(&own, s, e);
		if (rc == 0)
			rc = apply_tx_end(own, fn(s, arg, e), s, e);
		return rc;
	}
	if (g->tail)
		g->tail->next = &me;
	else
		g->head = &me;
	g->tail = &me;
	while (!me.done) {
		if (g->leader) {
			pthread_cond_wait(&wake, &lock);
			continue;
		}
		g->leader = 1;
		struct gitem *batch[APPLY_GROUP_MAX];
		int n = 0;
		while (g->head && n < APPLY_GROUP_MAX) {
			batch[n++] = g->head;
			g->head = g->head->next;
		}
		if (!g->head)
			g->tail = NULL;
		pthread_mutex_unlock(&lock);
		int64_t t0 = mono_us();
		run_batch(s, batch, n);
		int64_t took = mono_us() - t0;
		pthread_mutex_lock(&lock);
		g->busy_us += took;
		for (int i = 0; i < n; i++)
			batch[i]->done = 1;
		g->commits++;
		g->writes += n;
		g->leader = 0;
		pthread_cond_broadcast(&wake);
	}
	pthread_mutex_unlock(&lock);
	if (me.rc && e)
		*e = me.err;
	return me.rc;
}

void apply_group_stats(int64_t *commits, int64_t *writes, int64_t *busy_us)
{
	pthread_mutex_lock(&lock);
	*commits = *writes = *busy_us = 0;
	for (int i = 0; i < ngroups; i++) {
		*commits += groups[i].commits;
		*writes += groups[i].writes;
		*busy_us += groups[i].busy_us;
	}
	pthread_mutex_unlock(&lock);
}
