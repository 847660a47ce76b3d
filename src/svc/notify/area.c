/*
 * area.c -- the areas (地区) of disaster alerts (contract in notify.h):
 * staff add, rename and remove them, residents choose one on My page.
 * An area is removed only while nobody subscribes to its alerts, so that
 * no subscription is left pointing at nothing.
 */
#include "svc/notify/notify.h"
#include "jp/text.h"
#include "store/store.h"

#include <stdio.h>
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
	return store_query_int(n, s, "SELECT (SELECT COUNT(*) FROM notify_subscriptions WHERE tenant = $1"
			       " AND topic = $2) + (SELECT COUNT(*) FROM notify_channel_subs WHERE tenant = $1"
			       " AND topic = $2)", v, SV_N(v), e);
}

int notify_area_remove(int64_t *subscribers, struct store *s, const char *tenant, const char *code,
		       struct err *e)
{
	*subscribers = 0;
	if (!notify_area_code_valid(code))
		return err_set(e, ERR_NOTFOUND, "notify: no such area");
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc == 0)
		rc = subscribers_of(subscribers, s, tenant, code, e);
	if (rc == 0 && *subscribers > 0)
		rc = err_set(e, ERR_CONFLICT, "notify: %lld subscribe to the area", (long long)*subscribers);
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_text(code) };
		int n = store_exec(s, "DELETE FROM notify_areas WHERE tenant = $1 AND code = $2", v, SV_N(v), e);
		rc = n < 0 ? n : n == 0 ? err_set(e, ERR_NOTFOUND, "notify: no such area") : 0;
	}
	if (!own)
		return rc;
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
	int rc = store_query(&r, s, "SELECT a.code, a.name_ja, a.name_en,"
			     " (SELECT COUNT(*) FROM notify_subscriptions x WHERE x.tenant = a.tenant"
			     "  AND x.topic = 'disaster.' || a.code)"
			     " + (SELECT COUNT(*) FROM notify_channel_subs y WHERE y.tenant = a.tenant"
			     "  AND y.topic = 'disaster.' || a.code)"
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
