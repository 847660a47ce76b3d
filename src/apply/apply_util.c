/*
 * apply_util.c -- helpers shared by the files of src/apply: who may see
 * what (actor checks, the SQL scope of a list), Japanese dates and due
 * dates, own-or-joined transactions, JSON in arenas, definition loading
 * and history rows.
 *
 * Invariants: a staff actor sees exactly the departments in who->depts
 * (ndepts -1: all of the tenant); a resident exactly their own rows; the
 * tenant always bounds a query.  Nothing here reads the clock.
 */
#include "apply/apply_int.h"

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

int apply_sql_scope(char *sql, size_t cap, struct store_val *p, int *np,
		    int pcap, const struct apply_actor *who,
		    const char *dept_col, const char *resident_col,
		    struct err *e)
{
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

int apply_load_def(const struct forms_def **d, int *version,
		   struct arena *a, struct store *s, const char *tenant,
		   const char *procedure, int version_in, struct err *e)
{
	struct forms_def *def = NULL;
	int v = 0;
	int rc = forms_load_version(&def, &v, a, s, tenant, procedure, version_in, e);
	if (rc)
		return rc;
	*d = def;
	if (version)
		*version = v;
	return 0;
}

int apply_event_add(struct store *s, const struct apply_actor *who,
		    int64_t submission_id, const char *tenant,
		    const char *kind, const char *from, const char *to,
		    const char *text, int internal, int64_t now,
		    struct err *e)
{
	struct store_val v[] = {
		sv_int(submission_id), sv_text(tenant), sv_int(now), sv_int(who->kind),
		sv_int(who->kind == APPLY_SYSTEM ? 0 : who->id), sv_text(kind),
		sv_text(from ? from : ""), sv_text(to ? to : ""),
		sv_text(text && *text ? text : NULL), sv_int(internal ? 1 : 0),
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
