/*
 * apply_util.c -- helpers shared by the files of src/svc/apply: who may see
 * what (actor checks, the SQL scope of a list), Japanese dates and due
 * dates, own-or-joined transactions, JSON in arenas, definition loading
 * and history rows.
 *
 * Invariants: a staff actor sees exactly the departments in who->depts
 * (ndepts -1: all of the tenant); a resident exactly their own rows; the
 * tenant always bounds a query.  Nothing here reads the clock.
 */
#include "svc/apply/apply_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp/holiday.h"

int apply_actor_check(const struct apply_actor *who, struct err *e)
{
	if (!who || !who->tenant || strlen(who->tenant) != 6 ||
	    strspn(who->tenant, "0123456789") != 6)
		return err_set(e, ERR_INVALID, "apply: actor without a valid tenant");
	switch (who->kind) {
	case APPLY_RESIDENT:
		if (who->id <= 0)
			return err_set(e, ERR_INVALID, "apply: resident actor without an id");
		break;
	case APPLY_STAFF:
		if (who->id <= 0)
			return err_set(e, ERR_INVALID, "apply: staff actor without an id");
		if (who->ndepts < -1 || (who->ndepts > 0 && !who->depts))
			return err_set(e, ERR_INVALID, "apply: bad department list");
		if (who->ndepts > APPLY_DEPTS_MAX)
			return err_set(e, ERR_LIMIT, "apply: more than %d departments",
				       APPLY_DEPTS_MAX);
		break;
	case APPLY_SYSTEM:
		break;
	default:
		return err_set(e, ERR_INVALID, "apply: unknown actor kind");
	}
	return 0;
}

int apply_owner(int *kind, int64_t *id, const struct apply_actor *who,
		struct err *e)
{
	if (who->kind == APPLY_RESIDENT)
		*kind = APPLY_OWNER_RESIDENT;
	else if (who->kind == APPLY_STAFF)
		*kind = APPLY_OWNER_STAFF;
	else
		return err_set(e, ERR_DENIED, "apply: the system owns no drafts or files");
	*id = who->id;
	return 0;
}

int apply_dept_visible(const struct apply_actor *who, const char *dept)
{
	if (who->kind != APPLY_STAFF || who->ndepts == -1)
		return 1;
	for (int i = 0; i < who->ndepts; i++)
		if (who->depts[i] && strcmp(who->depts[i], dept) == 0)
			return 1;
	return 0;
}

static int cat(char *sql, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cat(char *sql, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(sql);
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(sql + n, cap - n, fmt, ap);
	va_end(ap);
	return w < 0 || (size_t)w >= cap - n ? ERR_LIMIT : 0;
}

int apply_sql_scope(struct apply_sql *q, const struct apply_actor *who,
		    const char *dept_col, const char *resident_col, struct err *e)
{
	char *sql = q->text;
	size_t cap = q->cap;
	struct store_val *p = q->v;
	int *np = &q->n;
	int pcap = q->max;
	int rc = 0;
	if (who->kind == APPLY_RESIDENT) {
		if (*np >= pcap)
			return err_set(e, ERR_LIMIT, "apply: too many parameters");
		p[(*np)++] = sv_int(who->id);
		rc = cat(sql, cap, " AND %s = $%d", resident_col, *np);
	} else if (who->kind == APPLY_STAFF && who->ndepts != -1) {
		if (who->ndepts == 0)
			return cat(sql, cap, " AND 1 = 0") ? err_set(e, ERR_LIMIT, "apply: query too long") : 0;
		if (*np + who->ndepts > pcap)
			return err_set(e, ERR_LIMIT, "apply: too many departments");
		rc = cat(sql, cap, " AND %s IN (", dept_col);
		for (int i = 0; rc == 0 && i < who->ndepts; i++) {
			p[(*np)++] = sv_text(who->depts[i] ? who->depts[i] : "");
			rc = cat(sql, cap, "%s$%d", i ? ", " : "", *np);
		}
		if (rc == 0)
			rc = cat(sql, cap, ")");
	}
	return rc ? err_set(e, ERR_LIMIT, "apply: query too long") : 0;
}

struct jp_date apply_today(int64_t now)
{
	int64_t t = now + APPLY_JST;
	long days = (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
	return jp_date_from_days(days);
}

int64_t apply_due_at(int64_t now, int64_t target_days)
{
	if (target_days <= 0)
		return 0;
	struct jp_date today = apply_today(now), due;
	if (jp_business_days_add(&due, today, (int)target_days, NULL) != 0)
		due = jp_date_add_days(today, (long)target_days);
	/* the last second of the due day in Japan */
	return ((int64_t)jp_date_to_days(due) + 1) * 86400 - APPLY_JST - 1;
}

struct store_group_counts apply_group_counts;

void apply_group_stats(int64_t *commits, int64_t *writes, int64_t *busy_us)
{
	struct store_group_counts c;
	store_group_counts_read(&c, &apply_group_counts);
	*commits = c.commits;
	*writes = c.writes;
	*busy_us = c.busy_us;
}

int apply_tx_begin(int *own, struct store *s, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

int apply_tx_end(int own, int rc, struct store *s, struct err *e)
{
	if (!own)
		return rc;
	if (rc == 0)
		return store_commit(s, e);
	store_rollback(s);
	return rc;
}

static void json_release(void *p)
{
	json_decref(p);
}

json_t *apply_json_keep(struct arena *a, json_t *j)
{
	if (!j)
		return NULL;
	if (arena_cleanup_add(a, json_release, j) != 0)
		return NULL;
	return j;
}

int apply_json_parse(json_t **out, struct arena *a, const void *text,
		     size_t n, struct err *e)
{
	json_error_t je;
	json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!j)
		return err_set(e, ERR_INVALID, "apply: stored JSON does not parse (line %d)",
			       je.line);
	if (!apply_json_keep(a, j))
		return err_set(e, ERR_NOMEM, "apply: arena full");
	*out = j;
	return 0;
}

int apply_json_text(char **out, const json_t *j, size_t max, struct err *e)
{
	*out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!*out)
		return err_set(e, ERR_NOMEM, "apply: cannot serialise JSON");
	if (strlen(*out) > max) {
		free(*out);
		*out = NULL;
		return err_set(e, ERR_LIMIT, "apply: answers larger than %zu bytes", max);
	}
	return 0;
}

/* Parsed definitions, shared by every thread of the process: a version is
 * immutable, and the cache is keyed by the SHA-256 of its canonical text
 * (so that two databases reusing a version number cannot mix them up).
 * Entries are never freed (at most DEF_CACHE_MAX; past that, definitions
 * are parsed into the caller's arena); a parsed definition is read-only
 * and safe to share (forms README). */
#define DEF_CACHE_MAX 512
struct def_entry {
	char sha[65];
	const struct forms_def *def;
	struct arena *arena;          /* holds def, for the process */
};
static struct def_entry def_cache[DEF_CACHE_MAX];
static int def_n;
static pthread_mutex_t def_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct forms_def *def_find(const char *sha)
{
	const struct forms_def *d = NULL;
	pthread_mutex_lock(&def_lock);
	for (int i = 0; i < def_n && !d; i++)
		if (strcmp(def_cache[i].sha, sha) == 0)
			d = def_cache[i].def;
	pthread_mutex_unlock(&def_lock);
	return d;
}

int apply_load_def(const struct forms_def **d, int *version,
		   struct arena *a, struct store *s, const struct apply_def_ref *ref,
		   struct err *e)
{
	const char *tenant = ref->tenant, *procedure = ref->procedure;
	int version_in = ref->version;
	*d = NULL;
	struct forms_version_info fv;
	int rc = forms_version_find(&fv, s, tenant, procedure, version_in, e);
	if (rc)
		return rc;
	const char *sha = fv.sha256;
	int ver = fv.version;
	if (version)
		*version = ver;
	if ((*d = def_find(sha)))
		return 0;
	/* parse into an arena of its own, kept for the process */
	struct arena *keep = arena_new(0);
	struct forms_def *def = NULL;
	if (!keep)
		return err_set(e, ERR_NOMEM, "apply: no memory");
	if ((rc = forms_load_version(&def, NULL, keep, s,
				     &(struct forms_ref){ .tenant = tenant, .id = procedure,
							  .version = ver }, e))) {
		arena_free(keep);
		return rc;
	}
	pthread_mutex_lock(&def_lock);
	const struct forms_def *have = NULL;
	for (int i = 0; i < def_n && !have; i++)
		if (strcmp(def_cache[i].sha, sha) == 0)
			have = def_cache[i].def;
	int stored = 0;
	if (!have && def_n < DEF_CACHE_MAX) {
		snprintf(def_cache[def_n].sha, sizeof def_cache[def_n].sha, "%s", sha);
		def_cache[def_n].def = def;
		def_cache[def_n].arena = keep;
		def_n++;
		stored = 1;
	}
	pthread_mutex_unlock(&def_lock);
	if (have) {                   /* another thread was quicker */
		arena_free(keep);
		*d = have;
		return 0;
	}
	if (!stored) {                /* cache full: parse for this caller only */
		arena_free(keep);
		if ((rc = forms_load_version(&def, NULL, a, s,
					     &(struct forms_ref){ .tenant = tenant, .id = procedure,
								  .version = ver }, e)))
			return rc;
	}
	*d = def;
	return 0;
}

int apply_event_add(struct store *s, const struct apply_actor *who,
		    const struct apply_event_new *in, int64_t now, struct err *e)
{
	struct store_val v[] = {
		sv_int(in->submission_id), sv_text(who->tenant), sv_int(now), sv_int(who->kind),
		sv_int(who->kind == APPLY_SYSTEM ? 0 : who->id), sv_text(in->kind),
		sv_text(in->from ? in->from : ""), sv_text(in->to ? in->to : ""),
		sv_text(in->text && *in->text ? in->text : NULL), sv_int(in->internal ? 1 : 0),
	};
	int rc = store_exec(s, "INSERT INTO apply_events (submission_id, tenant, at,"
			    " actor_kind, actor_id, kind, from_state, to_state, text, internal)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			    v, SV_N(v), e);
	return rc < 0 ? rc : 0;
}

int apply_state_final(const char *st)
{
	return strcmp(st, "rejected") == 0 || strcmp(st, "completed") == 0 ||
	       strcmp(st, "withdrawn") == 0;
}
