/*
 * group.c -- group commit: the writes of several threads of this process
 * share one transaction, so that one fsync makes many of them durable
 * (store_group_write in store.h).
 *
 * Why: a durable commit costs one fsync of the write-ahead log (about
 * 5-10 ms on the development machine's disk, i.e. at most 100-200 commits
 * a second whatever the CPU), and SQLite has one writer at a time.  With
 * 64 residents submitting at once, making each wait for its own commit
 * queues them behind each other; letting one commit carry everybody who
 * is waiting keeps the rate near (fsyncs per second) x (batch size).  The
 * same holds on PostgreSQL for writes that serialise on one row until
 * their commit, such as the audit chain's head (audit.h): there each
 * commit's flush is paid while the row is locked, whatever the server
 * does with concurrent flushes (measured: 59-69 audited pages a second
 * during a booking rush, each its own commit).
 *
 * How (leader and followers, no extra thread or connection): a writer
 * puts its item on the queue of its database.  If no leader is writing,
 * it becomes the leader: it takes every queued item (at most
 * STORE_GROUP_MAX), opens a transaction on its own connection, runs each
 * item's function, commits once, and wakes the others.  An item that
 * fails is taken out and the rest run again (run_batch), so it gets its
 * own error and the others are not affected.  A
 * writer whose item was carried by another leader returns that result.
 * Items queued while a leader writes form the next batch.
 *
 * Invariants: an item's function runs exactly once in a transaction that
 * commits (possibly after runs that rolled back), on the leader's
 * connection, while its owner waits (so the owner's arena and pointers
 * are safe to use); its result is reported only after the COMMIT returned
 * (0: durable) -- or the commit's error when that failed, in which case
 * none of the batch is written.  A caller that already has a transaction
 * open on its connection is not grouped: its function runs in that
 * transaction.  Databases are told apart by their kind and redacted URL.
 *
 * PostgreSQL only with STORE_GROUP_PG: otherwise each write runs in its
 * own transaction on its own connection, and the server groups the WAL
 * flushes of concurrent commits (its ceiling here: ~4,000 one-row
 * commits/s from 64 connections against ~200 from one); funnelling
 * statement-heavy writes through one connection would only add a round
 * trip per statement (measured for online applications: 20x slower).
 */
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

#define STORE_GROUP_MAX 64
#define GROUPS_MAX 8

struct gitem {
	int (*fn)(struct store *s, void *arg, struct err *e);
	void *arg;
	struct store_group_counts *counts;
	int rc, done;
	struct err err;
	struct gitem *next;
};

struct group {
	char key[STORE_URL_MAX + 8];
	struct gitem *head, *tail;
	int leader;
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
	struct gitem *items[STORE_GROUP_MAX];   /* the ones still to write */
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

/* one write in its own transaction */
static int alone(struct store *s, int (*fn)(struct store *s, void *arg, struct err *e),
		 void *arg, struct err *e)
{
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	rc = fn(s, arg, e);
	if (rc == 0)
		return store_commit(s, e);
	store_rollback(s);
	return rc;
}

/* add a batch to its items' counters (under lock): a write for each item
 * written, and the commit and its time once for each counter among them
 * (a commit that failed wrote nothing and counts nothing) */
static void count_batch(struct gitem *const *batch, int n, int64_t took)
{
	for (int i = 0; i < n; i++) {
		struct store_group_counts *c = batch[i]->counts;
		if (!c || batch[i]->rc != 0)
			continue;
		c->writes++;
		int first = 1;
		for (int k = 0; k < i && first; k++)
			first = batch[k]->counts != c || batch[k]->rc != 0;
		if (first) {
			c->commits++;
			c->busy_us += took;
		}
	}
}

int store_group_write(struct store *s, struct store_group_counts *counts, unsigned flags,
		      int (*fn)(struct store *s, void *arg, struct err *e),
		      void *arg, struct err *e)
{
	if (store_in_tx(s))
		return fn(s, arg, e);
	if (store_kind(s) == STORE_PG && !(flags & STORE_GROUP_PG))
		return alone(s, fn, arg, e);
	/* two in-memory databases have one URL: never one queue */
	if (strstr(store_url_redacted(s), ":memory:"))
		return alone(s, fn, arg, e);
	struct gitem me = { .fn = fn, .arg = arg, .counts = counts };
	pthread_mutex_lock(&lock);
	struct group *g = group_of(s);
	if (!g) {                 /* more databases than slots: alone */
		pthread_mutex_unlock(&lock);
		return alone(s, fn, arg, e);
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
		struct gitem *batch[STORE_GROUP_MAX];
		int n = 0;
		while (g->head && n < STORE_GROUP_MAX) {
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
		count_batch(batch, n, took);
		for (int i = 0; i < n; i++)
			batch[i]->done = 1;
		g->leader = 0;
		pthread_cond_broadcast(&wake);
	}
	pthread_mutex_unlock(&lock);
	if (me.rc && e)
		*e = me.err;
	return me.rc;
}

void store_group_counts_read(struct store_group_counts *out,
			    const struct store_group_counts *counts)
{
	pthread_mutex_lock(&lock);
	*out = *counts;
	pthread_mutex_unlock(&lock);
}
