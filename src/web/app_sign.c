/*
 * app_sign.c -- the server's trust store for signed submissions: loaded
 * by app_init from `serve --trust-dir DIR` (src/core/sign), shared read-only
 * by every worker thread, loaded again when the directory's files change
 * (a CA publishes a new CRL every day or so), freed by app_done.
 *
 * Invariants:
 * - a configured directory that does not load stops the server (fail
 *   closed: a typo must not silently turn signatures off); no directory
 *   leaves app_trust() NULL, and sign_verify then refuses every signature
 *   with SIGN_NOT_CONFIGURED;
 * - at most every cfg.trust_reload_s seconds, one request thread (the
 *   others do not wait) compares the directory's fingerprint (names,
 *   sizes, modification times of its files) with the loaded one and, when
 *   it changed, loads it into a new store and swaps the pointer; a
 *   directory that no longer loads keeps the store in use and is logged
 *   as an error each time it is checked;
 * - a replaced store is freed only TRUST_GRACE_MS after the swap (a
 *   verification holding it takes milliseconds), at a later check or at
 *   app_trust_done: no reader ever sees a freed store.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "web/app.h"
#include "base/log.h"
#include "base/util.h"
#include "core/sign/sign.h"

#define TRUST_GRACE_MS 60000
#define TRUST_RETIRED_MAX 16

struct app_trust_state {
	pthread_mutex_t lock;
	int64_t checked_ms;            /* monotonic time of the last check */
	uint64_t fingerprint;          /* of the directory as loaded       */
	struct { struct sign_trust *t; int64_t at_ms; } retired[TRUST_RETIRED_MAX];
	int nretired;
};

/* FNV-1a over the names, sizes and mtimes of the directory's files, in
 * name order independent of readdir's: a sum of per-entry hashes */
static int dir_fingerprint(uint64_t *out, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	uint64_t sum = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char path[4200];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
			continue;
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		uint64_t h = 1469598103934665603ULL;
		for (const char *p = de->d_name; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		int64_t v[3] = { (int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
				 (int64_t)st.st_mtim.tv_nsec };
		for (int i = 0; i < 3; i++)
			h = (h ^ (uint64_t)v[i]) * 1099511628211ULL;
		sum += h;
	}
	closedir(d);
	*out = sum;
	return 0;
}

static void log_loaded(const struct sign_trust *t, const char *what)
{
	int certs, crls;
	sign_trust_counts(t, &certs, &crls);
	char c1[12], c2[12], next[32] = "none";
	snprintf(c1, sizeof c1, "%d", certs);
	snprintf(c2, sizeof c2, "%d", crls);
	int64_t nu = sign_trust_crl_expiry(t);
	time_t tt = (time_t)nu;
	struct tm tm;
	if (nu && gmtime_r(&tt, &tm))
		strftime(next, sizeof next, "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_info(what, "ca_certs", c1, "crls", c2, "crl_next_update", next);
	if (crls == 0)
		log_warn("the trust directory has no CRL: every signature is refused (no_crl)");
	else if (nu <= app_now())
		log_warn("a CRL of the trust directory is past its nextUpdate: signatures "
			 "that need it are refused (no_crl) until it is renewed",
			 "crl_next_update", next);
}

int app_trust_init(struct app *a, struct err *e)
{
	a->trust = NULL;
	a->trust_state = NULL;
	if (!a->cfg.trust_dir || !a->cfg.trust_dir[0]) {
		log_info("signatures not configured (no --trust-dir): signed submissions are refused");
		return 0;
	}
	struct app_trust_state *st = calloc(1, sizeof *st);
	if (!st)
		return err_set(e, ERR_NOMEM, "out of memory");
	pthread_mutex_init(&st->lock, NULL);
	/* the fingerprint first: a change while loading is seen at the next check */
	dir_fingerprint(&st->fingerprint, a->cfg.trust_dir);
	int rc = sign_trust_load(&a->trust, a->cfg.trust_dir, e);
	if (rc) {
		pthread_mutex_destroy(&st->lock);
		free(st);
		return rc;
	}
	st->checked_ms = mono_ms();
	a->trust_state = st;
	log_loaded(a->trust, "signature trust store loaded");
	return 0;
}

void app_trust_done(struct app *a)
{
	struct app_trust_state *st = a->trust_state;
	if (st) {
		for (int i = 0; i < st->nretired; i++)
			sign_trust_free(st->retired[i].t);
		pthread_mutex_destroy(&st->lock);
		free(st);
		a->trust_state = NULL;
	}
	sign_trust_free(a->trust);
	a->trust = NULL;
}

/* under st->lock: free what was replaced long enough ago */
static void free_retired(struct app_trust_state *st, int64_t now_ms)
{
	int k = 0;
	for (int i = 0; i < st->nretired; i++) {
		if (now_ms - st->retired[i].at_ms >= TRUST_GRACE_MS)
			sign_trust_free(st->retired[i].t);
		else
			st->retired[k++] = st->retired[i];
	}
	st->nretired = k;
}

int app_trust_refresh(struct app *a, int force)
{
	struct app_trust_state *st = a->trust_state;
	if (!st || (a->cfg.trust_reload_s <= 0 && !force))
		return 0;
	int64_t now = mono_ms();
	if (!force && now - __atomic_load_n(&st->checked_ms, __ATOMIC_RELAXED) <
			      (int64_t)a->cfg.trust_reload_s * 1000)
		return 0;
	if (force)
		pthread_mutex_lock(&st->lock);
	else if (pthread_mutex_trylock(&st->lock) != 0)
		return 0;                       /* another thread is checking */
	__atomic_store_n(&st->checked_ms, now, __ATOMIC_RELAXED);
	free_retired(st, now);
	int changed = 0;
	uint64_t fp = 0;
	if (dir_fingerprint(&fp, a->cfg.trust_dir) != 0) {
		log_error("the trust directory cannot be read: the loaded CA certificates and"
			  " CRLs stay in use", "dir", a->cfg.trust_dir);
	} else if (fp != st->fingerprint) {
		struct sign_trust *t = NULL;
		struct err e;
		if (sign_trust_load(&t, a->cfg.trust_dir, &e) != 0) {
			log_error("the trust directory changed but does not load: the loaded CA"
				  " certificates and CRLs stay in use", "detail", e.detail);
		} else if (st->nretired == TRUST_RETIRED_MAX) {
			sign_trust_free(t);   /* reloads faster than the grace: try later */
		} else {
			struct sign_trust *old = __atomic_exchange_n(&a->trust, t, __ATOMIC_ACQ_REL);
			st->retired[st->nretired].t = old;
			st->retired[st->nretired].at_ms = now;
			st->nretired++;
			st->fingerprint = fp;
			changed = 1;
			log_loaded(t, "signature trust store loaded again (the directory changed)");
		}
	}
	pthread_mutex_unlock(&st->lock);
	return changed;
}

const struct sign_trust *app_trust(struct http_req *r)
{
	struct app *a = app_of(r);
	if (!a)
		return NULL;
	app_trust_refresh(a, 0);
	return __atomic_load_n(&a->trust, __ATOMIC_ACQUIRE);
}
