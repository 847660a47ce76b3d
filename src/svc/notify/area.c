/*
 * area.c -- the areas (地区) of disaster alerts (contract in notify.h):
 * staff add, rename and remove them, residents choose one on My page.
 * An area is removed only while nobody subscribes to its alerts, so that
 * no subscription is left pointing at nothing.
 */
#include "svc/notify/notify.h"
#include "jp/csv.h"
#include "jp/text.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int notify_area_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > NOTIFY_AREA_MAX)
		return 0;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* a name: 1..NOTIFY_AREA_NAME_MAX bytes of UTF-8, no control character */
static int name_ok(const char *s, int required)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return !required;
	if (n > NOTIFY_AREA_NAME_MAX || jp_text_utf8_validate(NULL, s, n, NULL))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int notify_area_put(struct store *s, const char *tenant, const struct notify_area *a, struct err *e)
{
	if (!notify_area_code_valid(a->code))
		return err_set(e, ERR_INVALID, "notify: area code invalid");
	if (!name_ok(a->name_ja, 1) || !name_ok(a->name_en, 0))
		return err_set(e, ERR_INVALID, "notify: area name invalid");
	const char *en = a->name_en && *a->name_en ? a->name_en : NULL;
	struct store_val v[] = { sv_text(tenant), sv_text(a->code), sv_text(a->name_ja), sv_text(en) };
	int n = store_exec(s, "UPDATE notify_areas SET name_ja = $3, name_en = $4 WHERE tenant = $1 AND code = $2",
			   v, SV_N(v), e);
	if (n != 0)
		return n < 0 ? n : 0;
	int64_t have = 0, pos = 0;
	int rc = store_query_int(&have, s, "SELECT COUNT(*) FROM notify_areas WHERE tenant = $1", v, 1, e);
	if (rc == 0 && have >= NOTIFY_AREAS_MAX)
		return err_set(e, ERR_LIMIT, "notify: at most %d areas", NOTIFY_AREAS_MAX);
	if (rc == 0)
		rc = store_query_int(&pos, s, "SELECT COALESCE(MAX(pos), 0) + 1 FROM notify_areas WHERE tenant = $1",
				     v, 1, e);
	if (rc)
		return rc;
	struct store_val w[] = { sv_text(tenant), sv_text(a->code), sv_text(a->name_ja), sv_text(en), sv_int(pos) };
	rc = store_exec(s, "INSERT INTO notify_areas (tenant, code, name_ja, name_en, pos) VALUES ($1, $2, $3, $4, $5)",
			w, SV_N(w), e);
	return rc < 0 ? rc : 1;
}

/* how many subscribe to the alerts of area code, on every channel */
static int subscribers_of(int64_t *n, struct store *s, const char *tenant, const char *code, struct err *e)
{
	char topic[NOTIFY_TOPIC_MAX + 1];
	snprintf(topic, sizeof topic, "disaster.%s", code);
	struct store_val v[] = { sv_text(tenant), sv_text(topic) };
	return store_query_int(n, s, "SELECT COUNT(*) FROM (SELECT account FROM notify_subscriptions"
			       " WHERE tenant = $1 AND topic = $2 UNION SELECT account FROM notify_channel_subs"
			       " WHERE tenant = $1 AND topic = $2) x", v, SV_N(v), e);
}

int notify_area_remove(int64_t *subscribers, struct store *s, const char *tenant, const char *code,
		       struct err *e)
{
	*subscribers = 0;
	if (!notify_area_code_valid(code))
		return err_set(e, ERR_NOTFOUND, "notify: no such area");
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	/* the row first, then the count: a subscription being made holds the
	 * row (notify_subscribe), so this waits for it and then counts it,
	 * and one made after waits for this and finds no area */
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_text(code) };
		int n = store_exec(s, "DELETE FROM notify_areas WHERE tenant = $1 AND code = $2", v, SV_N(v), e);
		rc = n < 0 ? n : n == 0 ? err_set(e, ERR_NOTFOUND, "notify: no such area") : 0;
	}
	if (rc == 0)
		rc = subscribers_of(subscribers, s, tenant, code, e);
	if (rc == 0 && *subscribers > 0)
		rc = err_set(e, ERR_CONFLICT, "notify: %lld subscribe to the area", (long long)*subscribers);
	if (!own)
		return rc;   /* the caller rolls back on an error */
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

int notify_areas_each(struct store *s, const char *tenant, int (*fn)(const struct notify_area *a, void *arg),
		      void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant) };
	struct store_rows *r;
	/* subscribers: residents (accounts), on whichever channels */
	int rc = store_query(&r, s, "SELECT a.code, a.name_ja, a.name_en,"
			     " (SELECT COUNT(*) FROM (SELECT x.account FROM notify_subscriptions x"
			     "  WHERE x.tenant = a.tenant AND x.topic = 'disaster.' || a.code"
			     "  UNION SELECT y.account FROM notify_channel_subs y"
			     "  WHERE y.tenant = a.tenant AND y.topic = 'disaster.' || a.code) u)"
			     " FROM notify_areas a WHERE a.tenant = $1 ORDER BY a.pos, a.code", v, SV_N(v), e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct notify_area a = { store_col_text(r, 0), store_col_text(r, 1),
					 store_col_isnull(r, 2) ? NULL : store_col_text(r, 2), store_col_int(r, 3) };
		n++;
		if (fn && fn(&a, arg)) {
			rc = 0;
			break;
		}
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int notify_area_name(char *out, struct store *s, const char *tenant, const char *code, const char *lang,
		     struct err *e)
{
	out[0] = '\0';
	struct store_val v[] = { sv_text(tenant), sv_text(code) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT name_ja, name_en FROM notify_areas WHERE tenant = $1 AND code = $2",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		int en = lang && strcmp(lang, "en") == 0 && !store_col_isnull(r, 1);
		snprintf(out, NOTIFY_AREA_NAME_MAX + 1, "%s", store_col_text(r, en ? 1 : 0));
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "notify: no such area");
	}
	store_rows_free(r);
	return rc;
}

/* ---- CSV import ---- */

struct import_ctx {
	struct store *s;
	const char *tenant;
	struct notify_areas_import *out;
	struct err *e;
	int rc;
	long records;
	char seen[NOTIFY_AREAS_MAX][NOTIFY_AREA_MAX + 1];
	int nseen;
};

static int refuse(struct import_ctx *c, long line, int rc, const char *what)
{
	c->out->bad_line = line;
	c->out->bad = what;
	c->rc = err_set(c->e, rc, "notify: areas file line %ld: %s", line, what);
	return c->rc;
}

static int import_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)len;
	struct import_ctx *c = arg;
	if (c->records++ == 0)
		return 0;   /* the header line */
	if (nf == 1 && !f[0][0])
		return 0;   /* an empty line */
	if (nf < 2 || nf > 3)
		return refuse(c, line, ERR_INVALID, "columns");
	if (!notify_area_code_valid(f[0]))
		return refuse(c, line, ERR_INVALID, "code");
	if (!name_ok(f[1], 1))
		return refuse(c, line, ERR_INVALID, "name_ja");
	if (nf == 3 && !name_ok(f[2], 0))
		return refuse(c, line, ERR_INVALID, "name_en");
	for (int i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i], f[0]) == 0)
			return refuse(c, line, ERR_INVALID, "twice");
	if (c->nseen == NOTIFY_AREAS_MAX)
		return refuse(c, line, ERR_LIMIT, "limit");
	snprintf(c->seen[c->nseen++], NOTIFY_AREA_MAX + 1, "%s", f[0]);
	int rc = notify_area_put(c->s, c->tenant, &(struct notify_area){ .code = f[0], .name_ja = f[1],
									   .name_en = nf == 3 ? f[2] : NULL }, c->e);
	if (rc == ERR_LIMIT)
		return refuse(c, line, ERR_LIMIT, "limit");
	if (rc < 0) {
		c->rc = rc;
		return rc;
	}
	if (rc == 1)
		c->out->added++;
	else
		c->out->renamed++;
	return 0;
}

int notify_areas_import(struct notify_areas_import *out, struct store *s, const char *tenant, const char *data,
			size_t len, struct err *e)
{
	*out = (struct notify_areas_import){ 0 };
	if (len > NOTIFY_AREAS_FILE_MAX) {
		out->bad = "limit";
		return err_set(e, ERR_LIMIT, "notify: areas file over %u bytes", NOTIFY_AREAS_FILE_MAX);
	}
	struct import_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	*c = (struct import_ctx){ .s = s, .tenant = tenant, .out = out, .e = e };
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc == 0) {
		struct jp_csv_reader r;
		jp_csv_reader_init(&r, import_record, c);
		rc = jp_csv_reader_feed(&r, data, len, e);
		if (rc == 0)
			rc = jp_csv_reader_finish(&r, e);
		jp_csv_reader_done(&r);
		if (c->rc)
			rc = c->rc;
		else if (rc) {   /* the reader's own: malformed CSV, a limit */
			out->bad_line = e->line;
			out->bad = "csv";
		} else if (out->added + out->renamed == 0) {
			out->bad = "empty";
			rc = err_set(e, ERR_INVALID, "notify: no area in the file");
		}
	}
	free(c);
	if (rc)   /* all or none */
		out->added = out->renamed = 0;
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}
