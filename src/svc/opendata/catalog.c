/*
 * catalog.c -- writing the catalog: licences, organisations, groups,
 * datasets (with tags and group membership), resources and their
 * versions, and the change history.
 *
 * Invariants: every write names its tenant; a dataset's search key is
 * recomputed whenever its text, tags or organisation change; a resource
 * version is added only when the bytes differ from the latest (SHA-256);
 * each dataset write adds one line to opendata_changes.  Callers wrap a
 * whole import in a transaction (store_begin/commit) for speed; the
 * functions here do not open one.
 */
#include "svc/opendata/opendata.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct opendata_license builtin[] = {
	{ "cc-by-4.0", "クリエイティブ・コモンズ 表示 4.0 国際", "Creative Commons Attribution 4.0",
	  "https://creativecommons.org/licenses/by/4.0/", 1 },
	{ "jp-pdl-1.0", "公共データ利用規約（第1.0版）", "Public Data License (Japan) 1.0",
	  "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0", 1 },
	{ "cc0-1.0", "CC0 1.0 全世界 パブリック・ドメイン提供", "CC0 1.0 Universal",
	  "https://creativecommons.org/publicdomain/zero/1.0/", 1 },
	{ "gsi-terms", "国土地理院コンテンツ利用規約（出典明示で CC BY 4.0 互換）",
	  "GSI content terms of use (compatible with CC BY 4.0 with credit)",
	  "https://www.gsi.go.jp/kikakuchousei/kikakuchousei40182.html", 1 },
	{ "mpl-2.0", "Mozilla Public License 2.0", "Mozilla Public License 2.0",
	  "https://www.mozilla.org/MPL/2.0/", 1 },
	{ "takamatsu-tos", "高松市オープンデータ利用規約", "Takamatsu City open data terms of use",
	  "https://opendata.smartcity-takamatsu.jp/odp/tos/", 1 },
	{ "notspecified", "ライセンス未表示（試験用データ）", "License not specified (test data)",
	  "", 0 },
};

const struct opendata_license *opendata_licenses_builtin(int *n)
{
	*n = (int)(sizeof builtin / sizeof builtin[0]);
	return builtin;
}

int opendata_licenses_seed(struct store *s, const char *tenant, struct err *e)
{
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		struct store_val p[] = { sv_text(tenant), sv_text(builtin[i].id),
					 sv_text(builtin[i].title_ja), sv_text(builtin[i].title_en),
					 sv_text(builtin[i].url), sv_int(builtin[i].open) };
		int rc = store_exec(s, "INSERT INTO opendata_licenses (tenant, id, title_ja, title_en, url, is_open)"
				       " VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING", p, SV_N(p), e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int opendata_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > OPENDATA_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

void opendata_iso_time(char *buf, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 20, "%Y-%m-%dT%H:%M:%S", &tm);
}

int opendata_uuid(char *buf, struct err *e)
{
	unsigned char b[16];
	int rc = random_bytes(b, sizeof b);
	if (rc)
		return err_set(e, rc, "no randomness for an id");
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(buf, OPENDATA_ID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
	return 0;
}

static int text_ok(const char *s, size_t max)
{
	return !s || strlen(s) <= max;
}

static int put_org(char *id_out, struct store *s, const char *tenant, int is_org,
		   const struct opendata_org *o, int64_t now, struct err *e)
{
	if (!opendata_name_valid(o->name) || !o->title || !*o->title ||
	    !text_ok(o->title, OPENDATA_TITLE_MAX) || !text_ok(o->title_en, OPENDATA_TITLE_MAX) ||
	    !text_ok(o->description, OPENDATA_TEXT_MAX))
		return err_set(e, ERR_INVALID, "organisation/group name or title not valid");
	char *id = NULL;
	struct store_val q[] = { sv_text(tenant), sv_int(is_org), sv_text(o->name) };
	int rc = store_query_text(&id, s, "SELECT id FROM opendata_orgs WHERE tenant=$1 AND is_org=$2 AND name=$3",
				  q, SV_N(q), e);
	char nid[OPENDATA_ID_LEN + 1];
	if (rc == ERR_NOTFOUND) {
		if ((rc = opendata_uuid(nid, e)))
			return rc;
		struct store_val p[] = { sv_text(nid), sv_text(tenant), sv_int(is_org), sv_text(o->name),
					 sv_text(o->title), sv_text(o->title_en), sv_text(o->description),
					 sv_int(now) };
		rc = store_exec(s, "INSERT INTO opendata_orgs (id, tenant, is_org, name, title, title_en, description, created, modified)"
				   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8)", p, SV_N(p), e);
	} else if (rc == 0) {
		snprintf(nid, sizeof nid, "%s", id);
		free(id);
		struct store_val p[] = { sv_text(nid), sv_text(o->title), sv_text(o->title_en),
					 sv_text(o->description), sv_int(now) };
		rc = store_exec(s, "UPDATE opendata_orgs SET title=$2, title_en=$3, description=$4, modified=$5"
				   " WHERE id=$1 AND (title<>$2 OR COALESCE(title_en,'')<>COALESCE($3,'')"
				   " OR COALESCE(description,'')<>COALESCE($4,''))", p, SV_N(p), e);
	}
	if (rc < 0)
		return rc;
	if (id_out)
		memcpy(id_out, nid, OPENDATA_ID_LEN + 1);
	return 0;
}

int opendata_org_put(char *id_out, struct store *s, const char *tenant,
		     const struct opendata_org *o, int64_t now, struct err *e)
{
	return put_org(id_out, s, tenant, 1, o, now, e);
}

int opendata_group_put(char *id_out, struct store *s, const char *tenant,
		       const struct opendata_org *g, int64_t now, struct err *e)
{
	return put_org(id_out, s, tenant, 0, g, now, e);
}

int opendata_change_add(struct store *s, const char *tenant,
			const struct opendata_change *ch, int64_t now, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_int(now), sv_text(ch->dataset_id),
				 sv_text(ch->dataset_name), sv_text(ch->activity),
				 sv_text(ch->summary) };
	int rc = store_exec(s, "INSERT INTO opendata_changes (tenant, at, dataset_id, dataset_name, activity, summary)"
			       " VALUES ($1,$2,$3,$4,$5,$6)", p, SV_N(p), e);
	return rc < 0 ? rc : 0;
}

static int org_id_by_name(char *out, struct store *s, const char *tenant, int is_org,
			  const char *name, struct err *e)
{
	char *id = NULL;
	struct store_val q[] = { sv_text(tenant), sv_int(is_org), sv_text(name) };
	int rc = store_query_text(&id, s, "SELECT id FROM opendata_orgs WHERE tenant=$1 AND is_org=$2 AND name=$3",
				  q, SV_N(q), e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "%s %s does not exist", is_org ? "organization" : "group", name);
	if (rc)
		return rc;
	snprintf(out, OPENDATA_ID_LEN + 1, "%s", id);
	free(id);
	return 0;
}

int opendata_dataset_put(char *id_out, int *created, struct store *s,
			 const char *tenant, const struct opendata_dataset *d,
			 int64_t now, struct err *e)
{
	if (!opendata_name_valid(d->name))
		return err_set(e, ERR_INVALID, "dataset name must be [a-z0-9_-], 2..100 bytes");
	if (!d->title || !*d->title || !text_ok(d->title, OPENDATA_TITLE_MAX) ||
	    !text_ok(d->title_en, OPENDATA_TITLE_MAX) || !text_ok(d->notes, OPENDATA_TEXT_MAX) ||
	    !d->license_id || d->ntags > OPENDATA_TAGS_MAX || d->ngroups > OPENDATA_GROUPS_MAX)
		return err_set(e, ERR_INVALID, "dataset %s: title, licence, tags or groups not valid", d->name);
	char org[OPENDATA_ID_LEN + 1];
	int rc = org_id_by_name(org, s, tenant, 1, d->org_name ? d->org_name : "", e);
	if (rc)
		return rc;
	int64_t has_lic = 0;
	struct store_val lq[] = { sv_text(tenant), sv_text(d->license_id) };
	if ((rc = store_query_int(&has_lic, s, "SELECT COUNT(*) FROM opendata_licenses WHERE tenant=$1 AND id=$2",
				  lq, SV_N(lq), e)))
		return rc;
	if (!has_lic)
		return err_set(e, ERR_INVALID, "dataset %s: unknown licence %s", d->name, d->license_id);
	char *old = NULL;
	struct store_val q[] = { sv_text(tenant), sv_text(d->name) };
	rc = store_query_text(&old, s, "SELECT id FROM opendata_datasets WHERE tenant=$1 AND name=$2", q, SV_N(q), e);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	char id[OPENDATA_ID_LEN + 1];
	int isnew = rc == ERR_NOTFOUND;
	if (isnew) {
		if ((rc = opendata_uuid(id, e)))
			return rc;
	} else {
		snprintf(id, sizeof id, "%s", old);
		free(old);
	}
	struct store_val p[] = {
		sv_text(id), sv_text(tenant), sv_text(d->name), sv_text(d->title),
		sv_text(d->title_en), sv_text(d->notes), sv_text(org), sv_text(d->license_id),
		sv_text(d->frequency), sv_text(d->spatial), sv_text(d->temporal_start),
		sv_text(d->temporal_end), sv_text(d->contact_name), sv_text(d->contact_email),
		sv_text(d->source_url), sv_text(d->attribution), sv_text(d->format_id), sv_int(now),
	};
	if (isnew)
		rc = store_exec(s, "INSERT INTO opendata_datasets (id, tenant, name, title, title_en, notes, org_id,"
				   " license_id, frequency, spatial, temporal_start, temporal_end, contact_name,"
				   " contact_email, source_url, attribution, format_id, created, modified)"
				   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$18)",
				p, SV_N(p), e);
	else
		rc = store_exec(s, "UPDATE opendata_datasets SET title=$4, title_en=$5, notes=$6, org_id=$7,"
				   " license_id=$8, frequency=$9, spatial=$10, temporal_start=$11, temporal_end=$12,"
				   " contact_name=$13, contact_email=$14, source_url=$15, attribution=$16,"
				   " format_id=$17, modified=$18, state='active' WHERE id=$1 AND tenant=$2 AND name=$3",
				p, SV_N(p), e);
	if (rc < 0)
		return rc;
	struct store_val did[] = { sv_text(id) };
	if ((rc = store_exec(s, "DELETE FROM opendata_tags WHERE dataset_id=$1", did, 1, e)) < 0 ||
	    (rc = store_exec(s, "DELETE FROM opendata_members WHERE dataset_id=$1", did, 1, e)) < 0)
		return rc;
	for (int i = 0; i < d->ntags; i++) {
		const char *t = d->tags[i];
		if (!t || !*t || strlen(t) > 100)
			return err_set(e, ERR_INVALID, "dataset %s: tag %d empty or too long", d->name, i + 1);
		struct store_val tp[] = { sv_text(tenant), sv_text(id), sv_text(t) };
		if ((rc = store_exec(s, "INSERT INTO opendata_tags (tenant, dataset_id, tag) VALUES ($1,$2,$3)"
					" ON CONFLICT DO NOTHING", tp, SV_N(tp), e)) < 0)
			return rc;
	}
	for (int i = 0; i < d->ngroups; i++) {
		char gid[OPENDATA_ID_LEN + 1];
		if ((rc = org_id_by_name(gid, s, tenant, 0, d->groups[i], e)))
			return rc;
		struct store_val gp[] = { sv_text(tenant), sv_text(gid), sv_text(id) };
		if ((rc = store_exec(s, "INSERT INTO opendata_members (tenant, group_id, dataset_id) VALUES ($1,$2,$3)"
					" ON CONFLICT DO NOTHING", gp, SV_N(gp), e)) < 0)
			return rc;
	}
	if ((rc = opendata_search_reindex(s, tenant, id, e)))
		return rc;
	rc = opendata_change_add(s, tenant,
				 &(struct opendata_change){ .dataset_id = id, .dataset_name = d->name,
							    .activity = isnew ? "new package"
									      : "changed package",
							    .summary = d->title },
				 now, e);
	if (rc)
		return rc;
	if (id_out)
		memcpy(id_out, id, sizeof id);
	if (created)
		*created = isnew;
	return 0;
}

int opendata_resource_put(struct opendata_resource_out *out, struct store *s,
			  const char *tenant, const char *dataset_id,
			  const struct opendata_resource_in *in, int64_t now,
			  struct err *e)
{
	if (out)
		out->changed = 0;
	if (!in->name || !*in->name || strlen(in->name) > OPENDATA_TITLE_MAX || !in->format ||
	    !in->mimetype || !text_ok(in->description, OPENDATA_TEXT_MAX))
		return err_set(e, ERR_INVALID, "resource name, format or type not valid");
	if (in->len > OPENDATA_BLOB_MAX)
		return err_set(e, ERR_LIMIT, "resource %s: %zu bytes, more than the %u stored per version",
			       in->name, in->len, OPENDATA_BLOB_MAX);
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium init failed");
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, in->data, in->len);
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	hex_encode(hex, h, sizeof h);

	struct store_rows *rows;
	struct store_val q[] = { sv_text(dataset_id), sv_text(in->name), sv_text(tenant) };
	int rc = store_query(&rows, s, "SELECT id, latest, hash FROM opendata_resources"
				       " WHERE dataset_id=$1 AND name=$2 AND tenant=$3", q, SV_N(q), e);
	if (rc)
		return rc;
	char id[OPENDATA_ID_LEN + 1] = "", oldhash[80] = "";
	int latest = 0;
	if ((rc = store_rows_next(rows, e)) == 1) {
		snprintf(id, sizeof id, "%s", store_col_text(rows, 0));
		latest = (int)store_col_int(rows, 1);
		snprintf(oldhash, sizeof oldhash, "%s", store_col_text(rows, 2));
	}
	store_rows_free(rows);
	if (rc < 0)
		return rc;
	if (!id[0]) {
		int64_t pos = 0;
		struct store_val pq[] = { sv_text(dataset_id) };
		if ((rc = store_query_int(&pos, s, "SELECT COUNT(*) FROM opendata_resources WHERE dataset_id=$1",
					  pq, 1, e)))
			return rc;
		if ((rc = opendata_uuid(id, e)))
			return rc;
		struct store_val p[] = { sv_text(id), sv_text(tenant), sv_text(dataset_id), sv_text(in->name),
					 sv_text(in->description), sv_text(in->format), sv_text(in->mimetype),
					 sv_int(pos), sv_text(in->derived_from), sv_int(now) };
		rc = store_exec(s, "INSERT INTO opendata_resources (id, tenant, dataset_id, name, description, format,"
				   " mimetype, position, derived_from, created, modified)"
				   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10)", p, SV_N(p), e);
		if (rc < 0)
			return rc;
	} else {
		struct store_val p[] = { sv_text(id), sv_text(in->description), sv_text(in->format),
					 sv_text(in->mimetype), sv_text(in->derived_from) };
		if ((rc = store_exec(s, "UPDATE opendata_resources SET description=$2, format=$3, mimetype=$4,"
					" derived_from=$5 WHERE id=$1", p, SV_N(p), e)) < 0)
			return rc;
	}
	if (latest == 0 || strcmp(oldhash, hex) != 0) {
		latest++;
		struct store_val vp[] = { sv_text(tenant), sv_text(id), sv_int(latest), sv_int((int64_t)in->len),
					  sv_text(hex), sv_blob(in->data ? in->data : "", in->len), sv_int(now) };
		if ((rc = store_exec(s, "INSERT INTO opendata_versions (tenant, resource_id, version, size, hash, data, created)"
					" VALUES ($1,$2,$3,$4,$5,$6,$7)", vp, SV_N(vp), e)) < 0)
			return rc;
		struct store_val up[] = { sv_text(id), sv_int(latest), sv_int((int64_t)in->len), sv_text(hex),
					  sv_text(in->report), sv_int(now) };
		if ((rc = store_exec(s, "UPDATE opendata_resources SET latest=$2, size=$3, hash=$4, report=$5, modified=$6"
					" WHERE id=$1", up, SV_N(up), e)) < 0)
			return rc;
		struct store_val dp[] = { sv_text(dataset_id), sv_int(now) };
		if ((rc = store_exec(s, "UPDATE opendata_datasets SET modified=$2 WHERE id=$1", dp, SV_N(dp), e)) < 0)
			return rc;
		char *dsname = NULL;
		struct store_val nq[] = { sv_text(dataset_id) };
		if ((rc = store_query_text(&dsname, s, "SELECT name FROM opendata_datasets WHERE id=$1", nq, 1, e)))
			return rc;
		char sum[OPENDATA_TITLE_MAX + 64];
		snprintf(sum, sizeof sum, "%s: 版 %d / version %d", in->name, latest, latest);
		rc = opendata_change_add(s, tenant,
					 &(struct opendata_change){ .dataset_id = dataset_id,
								    .dataset_name = dsname,
								    .activity = "changed package",
								    .summary = sum },
					 now, e);
		free(dsname);
		if (rc)
			return rc;
		if (out)
			out->changed = 1;
	}
	if (out) {
		out->version = latest;
		memcpy(out->id, id, sizeof id);
	}
	return 0;
}
