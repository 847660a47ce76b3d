/*
 * catalog_read.c -- reading the catalog as CKAN-shaped JSON (jansson):
 * package (dataset) and resource dicts, organisation and group dicts and
 * lists, package_list, tag_list, license_list, the change history; and,
 * for the pages, plain C reads: the staff list of datasets, a dataset's id
 * and standard format by name, a resource version's bytes for a download
 * or a preview.  The pages run no SQL of their own (check-src web-no-sql).
 *
 * Shapes follow CKAN 2.10's package_show / organization_show output
 * (research notes §1.4): the keys harvesters read are all present, with
 * null where we keep nothing.  Resource URLs are the permanent "latest"
 * URL; each resource dict also lists its versions with their own URLs.
 */
#include "svc/opendata/opendata.h"
#include "svc/opendata/opendata_int.h"
#include "base/arena.h"
#include "base/util.h"

#include <pthread.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *jtext(const struct store_rows *r, int col)
{
	return store_col_isnull(r, col) ? json_null() : json_string(store_col_text(r, col));
}

static json_t *jtime(int64_t t)
{
	char b[24];
	opendata_iso_time(b, t);
	return json_string(b);
}

static json_t *org_dict(const struct store_rows *r, int at, int is_org)
{
	/* columns at..: id, name, title, title_en, description, created */
	json_t *o = json_object();
	json_object_set_new(o, "id", jtext(r, at));
	json_object_set_new(o, "name", jtext(r, at + 1));
	json_object_set_new(o, "title", jtext(r, at + 2));
	json_object_set_new(o, "display_name", jtext(r, at + 2));
	json_object_set_new(o, "title_en", jtext(r, at + 3));
	json_object_set_new(o, "description", store_col_isnull(r, at + 4) ? json_string("") : jtext(r, at + 4));
	json_object_set_new(o, "image_url", json_string(""));
	json_object_set_new(o, "image_display_url", json_string(""));
	json_object_set_new(o, "created", jtime(store_col_int(r, at + 5)));
	json_object_set_new(o, "is_organization", json_boolean(is_org));
	json_object_set_new(o, "type", json_string(is_org ? "organization" : "group"));
	json_object_set_new(o, "state", json_string("active"));
	json_object_set_new(o, "approval_status", json_string("approved"));
	return o;
}

static const char *ext_of(const char *format)
{
	if (strcmp(format, "CSV") == 0) return "csv";
	if (strcmp(format, "JSON") == 0) return "json";
	if (strcmp(format, "GeoJSON") == 0) return "geojson";
	if (strcmp(format, "XLSX") == 0) return "xlsx";
	if (strcmp(format, "PDF") == 0) return "pdf";
	return "bin";
}

/* resource row: id, dataset_id, name, description, format, mimetype,
 * position, derived_from, latest, size, hash, created, modified, report */
#define RES_COLS "r.id, r.dataset_id, r.name, r.description, r.format, r.mimetype, r.position," \
		 " r.derived_from, r.latest, r.size, r.hash, r.created, r.modified, r.report"

static json_t *res_dict(const struct opendata_ctx *c, const struct store_rows *r,
			const char *dsname)
{
	json_t *o = json_object();
	const char *id = store_col_text(r, 0);
	char url[1024];
	snprintf(url, sizeof url, "%s/dataset/%s/resource/%s/download", c->base, dsname, id);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "package_id", jtext(r, 1));
	json_object_set_new(o, "name", jtext(r, 2));
	json_object_set_new(o, "description", store_col_isnull(r, 3) ? json_string("") : jtext(r, 3));
	json_object_set_new(o, "format", jtext(r, 4));
	json_object_set_new(o, "mimetype", jtext(r, 5));
	json_object_set_new(o, "mimetype_inner", json_null());
	json_object_set_new(o, "position", json_integer(store_col_int(r, 6)));
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "url_type", json_string("upload"));
	json_object_set_new(o, "size", json_integer(store_col_int(r, 9)));
	char h[96];
	snprintf(h, sizeof h, "sha256:%s", store_col_text(r, 10));
	json_object_set_new(o, "hash", json_string(h));
	json_object_set_new(o, "created", jtime(store_col_int(r, 11)));
	json_object_set_new(o, "last_modified", jtime(store_col_int(r, 12)));
	json_object_set_new(o, "metadata_modified", jtime(store_col_int(r, 12)));
	json_object_set_new(o, "state", json_string("active"));
	json_object_set_new(o, "resource_type", json_null());
	json_object_set_new(o, "cache_url", json_null());
	json_object_set_new(o, "datastore_active", json_false());
	json_object_set_new(o, "derived_from", jtext(r, 7));
	int64_t latest = store_col_int(r, 8);
	json_object_set_new(o, "version", json_integer(latest));
	json_t *vers = json_array();
	for (int64_t v = latest; v >= 1 && v > latest - 20; v--) {
		char vu[1100];
		snprintf(vu, sizeof vu, "%s?version=%lld", url, (long long)v);
		json_array_append_new(vers, json_pack("{s:I,s:s}", "version", (json_int_t)v, "url", vu));
	}
	json_object_set_new(o, "versions", vers);
	json_object_set_new(o, "file_extension", json_string(ext_of(store_col_text(r, 4))));
	if (!store_col_isnull(r, 13)) {
		json_t *rep = json_loads(store_col_text(r, 13), 0, NULL);
		json_object_set_new(o, "validation", rep ? rep : json_null());
	}
	return o;
}

static int package_build(json_t **out, const struct opendata_ctx *c, const char *idn,
			 struct err *e)
{
	*out = NULL;
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant), sv_text(idn) };
	int rc = store_query(&r, c->s,
		"SELECT d.id, d.name, d.title, d.title_en, d.notes, d.license_id, d.frequency, d.spatial,"
		" d.temporal_start, d.temporal_end, d.contact_name, d.contact_email, d.source_url,"
		" d.attribution, d.format_id, d.state, d.created, d.modified,"
		" o.id, o.name, o.title, o.title_en, o.description, o.created,"
		" l.title_ja, l.url, l.is_open, l.title_en"
		" FROM opendata_datasets d JOIN opendata_orgs o ON o.id=d.org_id"
		" LEFT JOIN opendata_licenses l ON l.tenant=d.tenant AND l.id=d.license_id"
		" WHERE d.tenant=$1 AND (d.id=$2 OR d.name=$2) AND d.state='active'", p, SV_N(p), e);
	if (rc)
		return rc;
	if ((rc = store_rows_next(r, e)) != 1) {
		store_rows_free(r);
		return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "no such dataset");
	}
	json_t *d = json_object();
	char id[OPENDATA_ID_LEN + 1], name[OPENDATA_NAME_MAX + 1];
	snprintf(id, sizeof id, "%s", store_col_text(r, 0));
	snprintf(name, sizeof name, "%s", store_col_text(r, 1));
	json_object_set_new(d, "id", json_string(id));
	json_object_set_new(d, "name", json_string(name));
	json_object_set_new(d, "title", jtext(r, 2));
	json_object_set_new(d, "notes", store_col_isnull(r, 4) ? json_string("") : jtext(r, 4));
	json_object_set_new(d, "url", jtext(r, 12));
	json_object_set_new(d, "version", json_null());
	json_object_set_new(d, "author", jtext(r, 20));
	json_object_set_new(d, "author_email", json_null());
	json_object_set_new(d, "maintainer", jtext(r, 10));
	json_object_set_new(d, "maintainer_email", jtext(r, 11));
	json_object_set_new(d, "license_id", jtext(r, 5));
	json_object_set_new(d, "license_title", store_col_isnull(r, 24) ? jtext(r, 5) : jtext(r, 24));
	json_object_set_new(d, "license_url", jtext(r, 25));
	json_object_set_new(d, "isopen", json_boolean(store_col_int(r, 26) != 0));
	json_object_set_new(d, "state", jtext(r, 15));
	json_object_set_new(d, "type", json_string("dataset"));
	json_object_set_new(d, "private", json_false());
	json_object_set_new(d, "owner_org", jtext(r, 18));
	json_object_set_new(d, "organization", org_dict(r, 18, 1));
	json_object_set_new(d, "metadata_created", jtime(store_col_int(r, 16)));
	json_object_set_new(d, "metadata_modified", jtime(store_col_int(r, 17)));
	json_object_set_new(d, "creator_user_id", json_null());
	json_object_set_new(d, "relationships_as_object", json_array());
	json_object_set_new(d, "relationships_as_subject", json_array());
	/* our fields, also as CKAN extras (ckanext-dcat reads these keys) */
	static const struct { int col; const char *key; } ex[] = {
		{ 3, "title_en" }, { 6, "frequency" }, { 7, "spatial" }, { 8, "temporal_start" },
		{ 9, "temporal_end" }, { 13, "attribution" }, { 14, "conforms_to" },
	};
	json_t *extras = json_array();
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		json_object_set_new(d, ex[i].key, jtext(r, ex[i].col));
		if (!store_col_isnull(r, ex[i].col))
			json_array_append_new(extras, json_pack("{s:s,s:s}", "key", ex[i].key, "value",
								store_col_text(r, ex[i].col)));
	}
	json_object_set_new(d, "license_title_en", jtext(r, 27));
	json_object_set_new(d, "extras", extras);
	store_rows_free(r);

	struct store_val ip[] = { sv_text(id) };
	json_t *tags = json_array();
	if ((rc = store_query(&r, c->s, "SELECT tag FROM opendata_tags WHERE dataset_id=$1 ORDER BY tag", ip, 1, e)) == 0) {
		while ((rc = store_rows_next(r, e)) == 1)
			json_array_append_new(tags, json_pack("{s:s,s:s,s:s,s:n}", "name", store_col_text(r, 0),
							      "display_name", store_col_text(r, 0), "state", "active",
							      "vocabulary_id"));
		store_rows_free(r);
	}
	json_object_set_new(d, "num_tags", json_integer((json_int_t)json_array_size(tags)));
	json_object_set_new(d, "tags", tags);
	json_t *groups = json_array();
	if (rc >= 0 && (rc = store_query(&r, c->s,
			"SELECT g.id, g.name, g.title, g.title_en, g.description, g.created FROM opendata_members m"
			" JOIN opendata_orgs g ON g.id=m.group_id WHERE m.dataset_id=$1 ORDER BY g.name", ip, 1, e)) == 0) {
		while ((rc = store_rows_next(r, e)) == 1)
			json_array_append_new(groups, org_dict(r, 0, 0));
		store_rows_free(r);
	}
	json_object_set_new(d, "groups", groups);
	json_t *res = json_array();
	if (rc >= 0 && (rc = store_query(&r, c->s, "SELECT " RES_COLS " FROM opendata_resources r"
					 " WHERE r.dataset_id=$1 ORDER BY r.position", ip, 1, e)) == 0) {
		while ((rc = store_rows_next(r, e)) == 1)
			json_array_append_new(res, res_dict(c, r, name));
		store_rows_free(r);
	}
	json_object_set_new(d, "num_resources", json_integer((json_int_t)json_array_size(res)));
	json_object_set_new(d, "resources", res);
	if (rc < 0) {
		json_decref(d);
		return rc;
	}
	*out = d;
	return 0;
}

int opendata_resource(json_t **out, const struct opendata_ctx *c, const char *id,
		      struct err *e)
{
	*out = NULL;
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant), sv_text(id) };
	int rc = store_query(&r, c->s, "SELECT " RES_COLS ", d.name FROM opendata_resources r"
				       " JOIN opendata_datasets d ON d.id=r.dataset_id"
				       " WHERE r.tenant=$1 AND r.id=$2 AND d.state='active'", p, SV_N(p), e);
	if (rc)
		return rc;
	if ((rc = store_rows_next(r, e)) == 1) {
		char dn[OPENDATA_NAME_MAX + 1];
		snprintf(dn, sizeof dn, "%s", store_col_text(r, 14));
		*out = res_dict(c, r, dn);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no such resource");
	}
	store_rows_free(r);
	return rc;
}

int opendata_orgs_list(json_t **out, const struct opendata_ctx *c, int is_org,
		       const struct opendata_orgs_query *q, struct err *e)
{
	int all_fields = q->all_fields;
	const char *sort = q->sort;
	long limit = q->limit, offset = q->offset;
	*out = NULL;
	const char *ord = "o.title ASC";
	if (sort && *sort) {
		if (strcmp(sort, "name asc") == 0 || strcmp(sort, "name") == 0) ord = "o.name ASC";
		else if (strcmp(sort, "name desc") == 0) ord = "o.name DESC";
		else if (strcmp(sort, "title asc") == 0 || strcmp(sort, "title") == 0) ord = "o.title ASC";
		else if (strcmp(sort, "title desc") == 0) ord = "o.title DESC";
		else if (strcmp(sort, "package_count desc") == 0 || strcmp(sort, "package_count") == 0) ord = "8 DESC";
		else if (strcmp(sort, "package_count asc") == 0) ord = "8 ASC";
		else
			return err_set(e, ERR_INVALID, "sort not supported");
	}
	if (limit < 0 && offset != 0)
		return err_set(e, ERR_INVALID, "an offset needs a limit");
	char page[64] = "";
	if (limit >= 0)
		snprintf(page, sizeof page, " LIMIT %ld OFFSET %ld", limit, offset);
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "SELECT o.id, o.name, o.title, o.title_en, o.description, o.created, o.modified,"
		 " (SELECT COUNT(*) FROM opendata_datasets d WHERE d.state='active' AND %s)"
		 " FROM opendata_orgs o WHERE o.tenant=$1 AND o.is_org=$2 ORDER BY %s, o.name%s",
		 is_org ? "d.org_id=o.id" : "d.id IN (SELECT dataset_id FROM opendata_members m WHERE m.group_id=o.id)",
		 ord, page);
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant), sv_int(is_org) };
	int rc = store_query(&r, c->s, sql, p, SV_N(p), e);
	if (rc)
		return rc;
	json_t *a = json_array();
	while ((rc = store_rows_next(r, e)) == 1) {
		if (!all_fields) {
			json_array_append_new(a, json_string(store_col_text(r, 1)));
			continue;
		}
		json_t *o = org_dict(r, 0, is_org);
		json_object_set_new(o, "package_count", json_integer(store_col_int(r, 7)));
		json_array_append_new(a, o);
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int opendata_org_show(json_t **out, const struct opendata_ctx *c, int is_org,
		      const char *idn, int include_datasets, struct err *e)
{
	*out = NULL;
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "SELECT o.id, o.name, o.title, o.title_en, o.description, o.created,"
		 " (SELECT COUNT(*) FROM opendata_datasets d WHERE d.state='active' AND %s)"
		 " FROM opendata_orgs o WHERE o.tenant=$1 AND o.is_org=$2 AND (o.id=$3 OR o.name=$3)",
		 is_org ? "d.org_id=o.id" : "d.id IN (SELECT dataset_id FROM opendata_members m WHERE m.group_id=o.id)");
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant), sv_int(is_org), sv_text(idn) };
	int rc = store_query(&r, c->s, sql, p, SV_N(p), e);
	if (rc)
		return rc;
	if ((rc = store_rows_next(r, e)) != 1) {
		store_rows_free(r);
		return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "no such %s", is_org ? "organization" : "group");
	}
	json_t *o = org_dict(r, 0, is_org);
	json_object_set_new(o, "package_count", json_integer(store_col_int(r, 6)));
	json_object_set_new(o, "extras", json_array());
	json_object_set_new(o, "users", json_array());
	char name[OPENDATA_NAME_MAX + 1];
	snprintf(name, sizeof name, "%s", store_col_text(r, 1));
	store_rows_free(r);
	if (include_datasets) {
		/* CKAN: the first 10 (organisation) or 1000 (group) datasets */
		struct opendata_query q = { .rows = is_org ? 10 : 1000, .sort = "name asc", .nfq = 1 };
		q.fq_field[0] = is_org ? "organization" : "groups";
		q.fq_value[0] = name;
		json_t *sr = NULL;
		if ((rc = opendata_search(&sr, c, &q, e))) {
			json_decref(o);
			return rc;
		}
		json_object_set(o, "packages", json_object_get(sr, "results"));
		json_decref(sr);
	}
	*out = o;
	return 0;
}

int opendata_package_list(json_t **out, const struct opendata_ctx *c, long limit,
			  long offset, struct err *e)
{
	*out = NULL;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT name FROM opendata_datasets WHERE tenant=$1 AND state='active'"
				  " ORDER BY name LIMIT %ld OFFSET %ld", limit, offset);
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant) };
	int rc = store_query(&r, c->s, sql, p, 1, e);
	if (rc)
		return rc;
	json_t *a = json_array();
	while ((rc = store_rows_next(r, e)) == 1)
		json_array_append_new(a, json_string(store_col_text(r, 0)));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int opendata_tag_list(json_t **out, const struct opendata_ctx *c, const char *query,
		      struct err *e)
{
	*out = NULL;
	struct store_rows *r;
	/* the query is text, not a pattern: % _ and the escape itself are
	 * escaped (a query longer than the buffer is cut, never split inside
	 * an escape) */
	char like[512];
	size_t o = 0;
	like[o++] = '%';
	for (const char *q = query ? query : ""; *q && o + 3 < sizeof like; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			like[o++] = '\\';
		like[o++] = *q;
	}
	like[o++] = '%';
	like[o] = 0;
	struct store_val p[] = { sv_text(c->tenant), sv_text(like) };
	int rc = store_query(&r, c->s, "SELECT DISTINCT t.tag FROM opendata_tags t JOIN opendata_datasets d"
				       " ON d.id=t.dataset_id WHERE t.tenant=$1 AND d.state='active'"
				       " AND t.tag LIKE $2 ESCAPE '\\' ORDER BY t.tag LIMIT 10000", p, SV_N(p), e);
	if (rc)
		return rc;
	json_t *a = json_array();
	while ((rc = store_rows_next(r, e)) == 1)
		json_array_append_new(a, json_string(store_col_text(r, 0)));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int opendata_license_list(json_t **out, const struct opendata_ctx *c, struct err *e)
{
	*out = NULL;
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant) };
	int rc = store_query(&r, c->s, "SELECT id, title_ja, title_en, url, is_open FROM opendata_licenses"
				       " WHERE tenant=$1 ORDER BY id", p, 1, e);
	if (rc)
		return rc;
	json_t *a = json_array();
	while ((rc = store_rows_next(r, e)) == 1)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:s}", "id", store_col_text(r, 0),
						   "title", store_col_text(r, 1), "title_en", store_col_text(r, 2),
						   "url", store_col_text(r, 3), "od_conformance", 0,
						   "is_okd_compliant", store_col_int(r, 4) != 0,
						   "status", "active", "maintainer", ""));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	if (json_array_size(a) == 0) {
		/* not seeded yet (nothing imported): the built-in table */
		int n;
		const struct opendata_license *l = opendata_licenses_builtin(&n);
		for (int i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "id", l[i].id,
							   "title", l[i].title_ja, "title_en", l[i].title_en,
							   "url", l[i].url, "is_okd_compliant", l[i].open,
							   "status", "active"));
	}
	*out = a;
	return 0;
}

int opendata_changes(json_t **out, const struct opendata_ctx *c, long limit, struct err *e)
{
	*out = NULL;
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT id, at, dataset_id, dataset_name, activity, summary FROM opendata_changes"
				  " WHERE tenant=$1 ORDER BY at DESC, id DESC LIMIT %ld", limit);
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant) };
	int rc = store_query(&r, c->s, sql, p, 1, e);
	if (rc)
		return rc;
	json_t *a = json_array();
	while ((rc = store_rows_next(r, e)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(store_col_int(r, 0)));
		json_object_set_new(o, "timestamp", jtime(store_col_int(r, 1)));
		json_object_set_new(o, "at", json_integer(store_col_int(r, 1)));
		json_object_set_new(o, "object_id", jtext(r, 2));
		json_object_set_new(o, "dataset_name", jtext(r, 3));
		json_object_set_new(o, "activity_type", jtext(r, 4));
		json_object_set_new(o, "summary", jtext(r, 5));
		json_array_append_new(a, o);
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* ---- the per-thread package cache ----
 * A package dict is rebuilt when its dataset's `modified` or its last change
 * id differ from the cached ones (every write bumps one of them), when the
 * base URL differs, or after PKG_CACHE_SECS.  One cache per thread (pthread
 * key with a destructor), PKG_CACHE_SLOTS entries, direct-mapped by id. */

#define PKG_CACHE_SLOTS 512
#define PKG_CACHE_SECS 60

struct pkg_slot {
	char tenant[8];
	char id[OPENDATA_ID_LEN + 1];
	char *base;
	int64_t modified, change, at;
	json_t *j;
	char *dump;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct pkg_slot *s = p;
	for (int i = 0; s && i < PKG_CACHE_SLOTS; i++) {
		json_decref(s[i].j);
		free(s[i].dump);
		free(s[i].base);
	}
	free(s);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct pkg_slot *slot_for(const char *id)
{
	pthread_once(&cache_once, cache_init);
	struct pkg_slot *s = pthread_getspecific(cache_key);
	if (!s) {
		s = calloc(PKG_CACHE_SLOTS, sizeof *s);
		if (!s || pthread_setspecific(cache_key, s)) {
			free(s);
			return NULL;
		}
	}
	unsigned h = 2166136261u;
	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &s[h % PKG_CACHE_SLOTS];
}

int opendata_package_cached(json_t **out, const char **dump, const struct opendata_ctx *c,
			    const char *id, int64_t modified, int64_t change, struct err *e)
{
	*out = NULL;
	struct pkg_slot *sl = slot_for(id);
	int64_t now = mono_ms() / 1000;
	if (sl && sl->j && strcmp(sl->id, id) == 0 && strcmp(sl->tenant, c->tenant) == 0 &&
	    sl->modified == modified && sl->change == change && sl->base &&
	    strcmp(sl->base, c->base) == 0 && now - sl->at < PKG_CACHE_SECS) {
		*out = json_incref(sl->j);
		if (dump)
			*dump = sl->dump;
		return 0;
	}
	json_t *j = NULL;
	int rc = package_build(&j, c, id, e);
	if (rc)
		return rc;
	if (sl) {
		char *d = json_dumps(j, JSON_COMPACT);
		char *b = strdup(c->base);
		if (d && b) {
			json_decref(sl->j);
			free(sl->dump);
			free(sl->base);
			snprintf(sl->tenant, sizeof sl->tenant, "%s", c->tenant);
			snprintf(sl->id, sizeof sl->id, "%s", id);
			sl->base = b;
			sl->modified = modified;
			sl->change = change;
			sl->at = now;
			sl->j = json_incref(j);
			sl->dump = d;
			if (dump)
				*dump = sl->dump;
		} else {
			free(d);
			free(b);
			if (dump)
				*dump = NULL;
		}
	} else if (dump) {
		*dump = NULL;
	}
	*out = j;
	return 0;
}

/* the dataset's id and validity keys, by id or name */
static int package_key(char *id, int64_t *modified, int64_t *change, const struct opendata_ctx *c,
		       const char *idn, struct err *e)
{
	struct store_rows *r;
	struct store_val p[] = { sv_text(c->tenant), sv_text(idn) };
	int rc = store_query(&r, c->s, "SELECT d.id, d.modified, (SELECT MAX(h.id) FROM opendata_changes h"
				       " WHERE h.dataset_id=d.id) FROM opendata_datasets d WHERE d.tenant=$1"
				       " AND (d.id=$2 OR d.name=$2) AND d.state='active'", p, SV_N(p), e);
	if (rc)
		return rc;
	if ((rc = store_rows_next(r, e)) == 1) {
		snprintf(id, OPENDATA_ID_LEN + 1, "%s", store_col_text(r, 0));
		*modified = store_col_int(r, 1);
		*change = store_col_int(r, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no such dataset");
	}
	store_rows_free(r);
	return rc;
}

int opendata_package(json_t **out, const struct opendata_ctx *c, const char *idn,
		     struct err *e)
{
	*out = NULL;
	char id[OPENDATA_ID_LEN + 1];
	int64_t m, ch;
	int rc = package_key(id, &m, &ch, c, idn, e);
	if (rc)
		return rc;
	return opendata_package_cached(out, NULL, c, id, m, ch, e);
}

int opendata_package_text(char **out, const struct opendata_ctx *c, const char *idn,
			  struct err *e)
{
	*out = NULL;
	char id[OPENDATA_ID_LEN + 1];
	int64_t m, ch;
	int rc = package_key(id, &m, &ch, c, idn, e);
	if (rc)
		return rc;
	json_t *j = NULL;
	const char *d = NULL;
	if ((rc = opendata_package_cached(&j, &d, c, id, m, ch, e)))
		return rc;
	*out = d ? strdup(d) : json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return *out ? 0 : ERR_NOMEM;
}

/* ---- reading for the pages: plain C ---- */

int opendata_datasets_recent(struct opendata_dataset_brief **out, int *n, struct arena *a,
			     struct store *s, const char *tenant, int limit, struct err *e)
{
	*out = NULL;
	*n = 0;
	if (limit < 1 || limit > OPENDATA_ROWS_API_MAX)
		return err_set(e, ERR_INVALID, "limit must be 1 to %d", OPENDATA_ROWS_API_MAX);
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_int(limit) };
	int rc = store_query(&r, s,
		"SELECT d.name, d.title, o.title, d.modified,"
		" (SELECT COUNT(*) FROM opendata_resources x WHERE x.dataset_id=d.id)"
		" FROM opendata_datasets d JOIN opendata_orgs o ON o.id=d.org_id"
		" WHERE d.tenant=$1 AND d.state='active' ORDER BY d.modified DESC, d.name LIMIT $2",
		p, SV_N(p), e);
	if (rc)
		return rc;
	struct opendata_dataset_brief *v = NULL;
	int k = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (!v && !(v = arena_alloc(a, (size_t)limit * sizeof *v))) {
			rc = err_set(e, ERR_NOMEM, "no memory for the list of datasets");
			break;
		}
		struct opendata_dataset_brief *d = &v[k];
		d->name = arena_strdup(a, store_col_text(r, 0));
		d->title = arena_strdup(a, store_col_text(r, 1));
		d->org_title = arena_strdup(a, store_col_text(r, 2));
		d->modified = store_col_int(r, 3);
		d->nresources = (long)store_col_int(r, 4);
		if (!d->name || !d->title || !d->org_title) {
			rc = err_set(e, ERR_NOMEM, "no memory for the list of datasets");
			break;
		}
		if (++k == limit) {
			rc = 0;
			break;
		}
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = v;
	*n = k;
	return 0;
}

int opendata_dataset_find(char *id_out, char **format_id, struct store *s, const char *tenant,
			  const char *name, int active_only, struct err *e)
{
	if (format_id)
		*format_id = NULL;
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_text(name) };
	int rc = store_query(&r, s, active_only
		? "SELECT id, COALESCE(format_id,'') FROM opendata_datasets WHERE tenant=$1 AND name=$2 AND state='active'"
		: "SELECT id, COALESCE(format_id,'') FROM opendata_datasets WHERE tenant=$1 AND name=$2",
		p, SV_N(p), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "no such dataset");
	else if (rc == 1) {
		rc = 0;
		if (id_out && strlen(store_col_text(r, 0)) > OPENDATA_ID_LEN)
			rc = err_set(e, ERR_INTERNAL, "a dataset id longer than %d bytes", OPENDATA_ID_LEN);
		else if (id_out)
			snprintf(id_out, OPENDATA_ID_LEN + 1, "%s", store_col_text(r, 0));
		if (rc == 0 && format_id && !(*format_id = strdup(store_col_text(r, 1))))
			rc = err_set(e, ERR_NOMEM, "no memory");
	}
	store_rows_free(r);
	return rc;
}

/* a copy of a blob column with a NUL after it; NULL when out of memory */
static void *blob_copy(const struct store_rows *r, int col, size_t *len)
{
	size_t n = 0;
	const void *d = store_col_blob(r, col, &n);
	char *c = malloc(n + 1);
	if (!c)
		return NULL;
	if (n)
		memcpy(c, d, n);
	c[n] = '\0';
	*len = n;
	return c;
}

void opendata_file_done(struct opendata_file *f)
{
	if (!f)
		return;
	free(f->data);
	free(f->name);
	free(f->mimetype);
	free(f->report);
	free(f->hash);
	memset(f, 0, sizeof *f);
}

int opendata_file_get(struct opendata_file *out, struct store *s, const char *tenant,
		      const char *dataset_name, const char *resource_id, long version, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (version < 0)
		return err_set(e, ERR_INVALID, "a version is 0 (the latest) or more");
	struct store_rows *r;
	struct store_val p[] = { sv_text(tenant), sv_text(resource_id), sv_text(dataset_name), sv_int(version) };
	int rc = store_query(&r, s,
		"SELECT v.data, r.mimetype, r.name, v.hash, v.version, COALESCE(r.report,'')"
		" FROM opendata_resources r JOIN opendata_datasets d ON d.id=r.dataset_id"
		" JOIN opendata_versions v ON v.resource_id=r.id"
		" WHERE r.tenant=$1 AND r.id=$2 AND d.name=$3 AND d.state='active'"
		" AND v.version = CASE WHEN $4=0 THEN r.latest ELSE $4 END", p, SV_N(p), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "no such file");
	else if (rc == 1) {
		out->data = blob_copy(r, 0, &out->len);
		out->mimetype = strdup(store_col_text(r, 1));
		out->name = strdup(store_col_text(r, 2));
		out->hash = strdup(store_col_text(r, 3));
		out->version = (int)store_col_int(r, 4);
		out->report = strdup(store_col_text(r, 5));
		rc = out->data && out->mimetype && out->name && out->hash && out->report
			? 0 : err_set(e, ERR_NOMEM, "no memory for a file");
	}
	store_rows_free(r);
	if (rc)
		opendata_file_done(out);
	return rc;
}

int opendata_resource_data(void **data, size_t *len, struct store *s, const char *tenant,
			   const char *resource_id, struct err *e)
{
	*data = NULL;
	*len = 0;
	struct store_rows *r;
	struct store_val p[] = { sv_text(resource_id), sv_text(tenant) };
	int rc = store_query(&r, s,
		"SELECT v.data FROM opendata_versions v JOIN opendata_resources r"
		" ON r.id=v.resource_id AND v.version=r.latest WHERE r.id=$1 AND r.tenant=$2",
		p, SV_N(p), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 0)
		rc = err_set(e, ERR_NOTFOUND, "no such resource");
	else if (rc == 1)
		rc = (*data = blob_copy(r, 0, len)) ? 0 : err_set(e, ERR_NOMEM, "no memory for a file");
	store_rows_free(r);
	return rc;
}
