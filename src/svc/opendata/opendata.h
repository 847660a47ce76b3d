/*
 * opendata.h -- the open data catalog: organisations (departments),
 * datasets, resources with versions, groups, tags, licences and a change
 * history; a streaming CSV reader; validation against Japan's standard
 * dataset formats (schema files kept as data in data/opendata/schemas/);
 * CKAN-shaped JSON and DCAT (Turtle, JSON-LD) output.
 *
 * Every row carries `tenant` (the 団体コード of the municipality).  Ids are
 * random UUIDs (as CKAN's); names are CKAN slugs [a-z0-9_-]{2,100}, unique
 * per tenant.  Times are Unix seconds in the database and ISO 8601 UTC
 * without a zone in JSON ("2026-11-22T21:30:00", as CKAN writes them).
 *
 * Resource bytes are kept in the database (a blob per version) up to
 * OPENDATA_BLOB_MAX bytes; a larger file is refused (ERR_LIMIT) with a
 * message naming the limit.  A new version is made only when the bytes
 * change (SHA-256); the "latest" URL of a resource always serves its
 * newest version, and every version keeps its own URL.
 *
 * Limits (every input has one): CSV field JP_CSV_FIELD_MAX bytes,
 * JP_CSV_FIELDS_MAX fields per record, physical line
 * JP_CSV_LINE_MAX bytes, OPENDATA_ROWS_MAX data rows per validated file,
 * OPENDATA_PROBLEMS_KEPT problems kept per report (all are counted),
 * derived JSON/GeoJSON at most OPENDATA_BLOB_MAX bytes each.
 *
 * Library code: no logging, no exit; errors are 0 / negative ERR_* with a
 * detail in struct err (ids, line numbers and column names only).
 */
#ifndef MADOGUCHI_OPENDATA_OPENDATA_H
#define MADOGUCHI_OPENDATA_OPENDATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include "jp/csv.h"

#define OPENDATA_BLOB_MAX (16u << 20)      /* bytes stored per version   */
#define OPENDATA_ROWS_MAX 500000L
#define OPENDATA_PROBLEMS_KEPT 500
#define OPENDATA_ID_LEN 36                 /* UUID text                  */
#define OPENDATA_NAME_MAX 100
#define OPENDATA_TITLE_MAX 500
#define OPENDATA_TEXT_MAX 20000
#define OPENDATA_TAGS_MAX 64
#define OPENDATA_GROUPS_MAX 16
#define OPENDATA_ROWS_API_MAX 1000         /* package_search rows cap    */

extern const struct store_module_schema opendata_schema;

/* ------------------------------------------------------------------ */
/* Standard formats (validate.c) */

enum opendata_coltype {
	OD_T_TEXT = 0, OD_T_LGCODE, OD_T_INT, OD_T_NUMBER, OD_T_LAT, OD_T_LON,
	OD_T_DATE, OD_T_TIME, OD_T_FLAG1, OD_T_UMU, OD_T_ENUM, OD_T_URL,
	OD_T_CODE, OD_T_CORPNUM,
};

struct opendata_column {
	char *name;
	char *key;             /* jp_text_fold(name), for matching        */
	int digits;            /* fixed number of digits (codes), 0: any  */
	int required;
	enum opendata_coltype type;
	char **values;         /* OD_T_ENUM: allowed values               */
	int nvalues;
};

struct opendata_format {
	char *id;              /* "suisho-08-public-toilet"               */
	char *title_ja, *title_en, *generation, *source;
	int partial;           /* column list known only in part          */
	struct opendata_column *cols;
	int ncols;
};

struct opendata_formats {
	struct opendata_format *f;
	int n;
};

/* opendata_formats_load -- every *.json in dir (data/opendata/schemas);
 * at most 64 files of 256 KiB.  ERR_INVALID names the bad file. */
int opendata_formats_load(struct opendata_formats *out, const char *dir,
			  struct err *e);
void opendata_formats_done(struct opendata_formats *fs);
const struct opendata_format *opendata_format_find(
	const struct opendata_formats *fs, const char *id);

enum opendata_severity { OD_ERROR = 1, OD_WARNING = 2 };

struct opendata_problem {
	long row;              /* data row, 1-based; 0 = the header        */
	long line;             /* physical line in the file                */
	int col;               /* 1-based column, 0 = whole row/file       */
	enum opendata_severity sev;
	char code[32];         /* stable: "missing_column", "lost_zero" ... */
	char column[128];      /* the column's name (as specified)         */
	char ja[256], en[256]; /* what is wrong, bilingual                  */
};

struct opendata_report {
	const char *encoding;
	const struct opendata_format *format;   /* NULL: no standard format */
	double format_score;
	long rows, cols;
	long nerrors, nwarnings;
	struct opendata_problem *problems;       /* malloc'd, kept ones      */
	int nproblems;
	int fatal;             /* the file could not be read to the end     */
	int lat_col, lon_col;  /* 0-based, -1 when absent                   */
	long geo_rows;         /* rows with a usable point                  */
	struct buf json;       /* derived JSON (array of row objects)       */
	struct buf geojson;    /* derived GeoJSON FeatureCollection          */
	int derived_ok;        /* both derived files complete               */
};

struct opendata_validate_opts {
	const char *format_id; /* NULL: detect from the header             */
	int derive;            /* build JSON and GeoJSON                    */
	long max_rows;         /* 0: OPENDATA_ROWS_MAX                      */
};

/* opendata_validate_fd -- read a CSV from fd to its end (streaming) and
 * report.  Returns 0 when the file was read (problems are in the report,
 * fatal == 0), or the ERR_* that stopped reading (malformed CSV, bad
 * encoding, a limit): the report then says where (a problem with code
 * "unreadable" or "too_many_rows"). */
int opendata_validate_fd(struct opendata_report *out,
			 const struct opendata_formats *fs, int fd,
			 const struct opendata_validate_opts *o, struct err *e);
/* the same over a buffer */
int opendata_validate_buf(struct opendata_report *out,
			  const struct opendata_formats *fs, const char *p,
			  size_t n, const struct opendata_validate_opts *o,
			  struct err *e);
void opendata_report_done(struct opendata_report *r);

/* ------------------------------------------------------------------ */
/* Catalog (catalog.c) */

struct opendata_license {
	const char *id, *title_ja, *title_en, *url;
	int open;
};
/* the licence table seeded for each tenant (CC BY 4.0, 公共データ利用規約
 * 第1.0版, ...); n in *n */
const struct opendata_license *opendata_licenses_builtin(int *n);
int opendata_licenses_seed(struct store *s, const char *tenant,
			   struct err *e);

struct opendata_org {
	const char *name, *title, *title_en, *description;
};

struct opendata_dataset {
	const char *name, *title, *title_en, *notes;
	const char *org_name;            /* must exist                    */
	const char *license_id;
	const char *frequency;           /* "毎月", "irregular", ...       */
	const char *spatial;             /* "焼津市", "デモ区"              */
	const char *temporal_start, *temporal_end;  /* YYYY-MM-DD or NULL */
	const char *contact_name, *contact_email;
	const char *source_url;          /* where it came from            */
	const char *attribution;         /* 出典 line required by licence */
	const char *format_id;           /* standard format, NULL if none */
	const char *const *tags;
	int ntags;
	const char *const *groups;       /* group names, must exist       */
	int ngroups;
};

struct opendata_resource_in {
	const char *name, *description;
	const char *format;              /* "CSV", "JSON", "GeoJSON", ... */
	const char *mimetype;
	const char *derived_from;        /* resource name, or NULL        */
	const char *report;              /* validation summary (JSON) or NULL */
	const void *data;
	size_t len;
};

/* _put: insert or update by name; each records a change (new/changed
 * package) in the history.  *id_out (OPENDATA_ID_LEN+1) may be NULL. */
int opendata_org_put(char *id_out, struct store *s, const char *tenant,
		     const struct opendata_org *o, int64_t now, struct err *e);
int opendata_group_put(char *id_out, struct store *s, const char *tenant,
		       const struct opendata_org *g, int64_t now, struct err *e);
/* *created = 1 when the dataset is new */
int opendata_dataset_put(char *id_out, int *created, struct store *s,
			 const char *tenant, const struct opendata_dataset *d,
			 int64_t now, struct err *e);
/* What opendata_resource_put stored. */
struct opendata_resource_out {
	char id[OPENDATA_ID_LEN + 1];    /* the resource's id              */
	int version;                     /* the version now latest         */
	int changed;                     /* 1: a new version was stored (0:
					    the bytes were already the
					    latest, or an error)           */
};
/* opendata_resource_put -- in as the resource in->name of the dataset;
 * *out (may be NULL) is filled on success, out->changed is 0 on failure.
 * ERR_LIMIT when in->len > OPENDATA_BLOB_MAX. */
int opendata_resource_put(struct opendata_resource_out *out, struct store *s,
			  const char *tenant, const char *dataset_id,
			  const struct opendata_resource_in *in, int64_t now,
			  struct err *e);
/* ---- publishing a CSV (publish.c), shared by the import and the staff
 * page; the caller holds the transaction ---- */
struct opendata_published {
	char id[OPENDATA_ID_LEN + 1];   /* the CSV resource                  */
	int version;                     /* its latest version now            */
	int changed;                     /* 1: a new version was stored       */
	int derived;                     /* derived resources written (0 or 2) */
	int derived_changed;             /* of which new versions             */
};
/* A CSV to publish (opendata_csv_publish).  Nothing is taken over: the
 * bytes, the name and the report are read during the call only. */
struct opendata_csv_in {
	const char *name;                /* the resource's name, "施設.csv":
					    1..OPENDATA_TITLE_MAX bytes;
					    the derived files are named
					    after it without its extension */
	const void *data;                /* the file as it came (never
					    transcoded)                   */
	size_t len;                      /* at most OPENDATA_BLOB_MAX      */
	const struct opendata_report *report; /* its validation (the JSON
					    summary is stored with it, the
					    derived files come from it);
					    NULL: none                    */
};
/* opendata_csv_publish -- in->data as the resource in->name of the
 * dataset, with the report's summary and, when the report has usable
 * points, NAME.geojson and NAME.json derived from it.  ERR_LIMIT beyond
 * OPENDATA_BLOB_MAX. */
int opendata_csv_publish(struct opendata_published *out, struct store *s,
			 const char *tenant, const char *dataset_id,
			 const struct opendata_csv_in *in, int64_t now, struct err *e);
/* opendata_report_json -- the report as compact JSON (counts, encoding,
 * format, the first maxp problems); malloc'd, NULL when out of memory */
char *opendata_report_json(const struct opendata_report *r, int maxp);

/* One line of the change history (opendata_change_add); the strings are
 * copied into the row. */
struct opendata_change {
	const char *dataset_id;
	const char *dataset_name;        /* as it is now (the history keeps
					    it when the dataset is renamed) */
	const char *activity;            /* "new package", "changed package" */
	const char *summary;             /* what changed, for people        */
};
/* opendata_change_add -- one line of the change history of tenant, at now */
int opendata_change_add(struct store *s, const char *tenant,
			const struct opendata_change *ch, int64_t now, struct err *e);

/* opendata_name_valid -- a CKAN name: [a-z0-9_-], 2..100 bytes */
int opendata_name_valid(const char *s);
/* opendata_iso_time -- "YYYY-MM-DDTHH:MM:SS" (UTC) into buf[20] */
void opendata_iso_time(char *buf, int64_t t);
/* opendata_uuid -- a random UUID v4 into buf[37] */
int opendata_uuid(char *buf, struct err *e);

/* ---- reading (catalog_read.c): CKAN-shaped JSON (jansson) ---- */

struct json_t;

/* ctx for URLs: base = "https://host" (no trailing slash) */
struct search;
struct opendata_ctx {
	struct store *s;
	const char *tenant;
	const char *base;
	struct search *sr;   /* full-text index (src/core/search); NULL: q is
			      * matched as folded substrings in SQL */
};

/* opendata_package -- package_show's dict by id or name; ERR_NOTFOUND */
int opendata_package(struct json_t **out, const struct opendata_ctx *c,
		     const char *id_or_name, struct err *e);
/* opendata_package_text -- the same as compact JSON text (malloc'd), from
 * the per-thread cache when the dataset has not changed */
int opendata_package_text(char **out, const struct opendata_ctx *c,
			  const char *id_or_name, struct err *e);
int opendata_resource(struct json_t **out, const struct opendata_ctx *c,
		      const char *id, struct err *e);
/* opendata_orgs_list -- organisations (is_org = 1) or groups (0): list
 * names or dicts (q->all_fields: organization_show's dict with
 * package_count), ordered by q->sort ("title" when NULL or "": title then
 * name; "name [asc|desc]", "title [asc|desc]", "package_count
 * [asc|desc]"), at most q->limit from q->offset; limit < 0: every one
 * (offset must then be 0).  ERR_INVALID for another sort, or an offset
 * with limit < 0. */
struct opendata_orgs_query {
	int all_fields;                  /* dicts (1) or names (0)          */
	const char *sort;                /* NULL or "": "title"; or one of
					    the sorts above (ERR_INVALID)   */
	long limit;                      /* < 0: every one                  */
	long offset;                     /* 0 when limit < 0 (ERR_INVALID)  */
};
int opendata_orgs_list(struct json_t **out, const struct opendata_ctx *c,
		       int is_org, const struct opendata_orgs_query *q, struct err *e);
int opendata_org_show(struct json_t **out, const struct opendata_ctx *c,
		      int is_org, const char *id_or_name, int include_datasets,
		      struct err *e);
int opendata_package_list(struct json_t **out, const struct opendata_ctx *c,
			  long limit, long offset, struct err *e);
int opendata_tag_list(struct json_t **out, const struct opendata_ctx *c,
		      const char *query, struct err *e);
int opendata_license_list(struct json_t **out, const struct opendata_ctx *c,
			  struct err *e);
/* the change history, newest first (Atom feed, what's new) */
int opendata_changes(struct json_t **out, const struct opendata_ctx *c,
		     long limit, struct err *e);

/* ---- reading for the pages (catalog_read.c): plain C, no JSON ---- */

/* one line of the staff list of datasets */
struct opendata_dataset_brief {
	const char *name, *title;
	const char *org_title;           /* its organisation's title      */
	int64_t modified;                /* Unix seconds                  */
	long nresources;                 /* its files, derived ones too   */
};

struct arena;

/* opendata_datasets_recent -- the tenant's active datasets, most recently
 * modified first (then by name), at most limit (1 to
 * OPENDATA_ROWS_API_MAX, else ERR_INVALID) into *out, *n of them (0: an
 * empty catalog, *out then NULL).  The array and its strings come from a
 * (the caller's arena; ERR_NOMEM when it is full). */
int opendata_datasets_recent(struct opendata_dataset_brief **out, int *n,
			     struct arena *a, struct store *s,
			     const char *tenant, int limit, struct err *e);

/* opendata_dataset_find -- the dataset named name in the tenant, in any
 * state (active_only 0: a withdrawn one too, as a name stays taken) or only
 * when active: its id into id_out (OPENDATA_ID_LEN + 1 bytes; may be NULL)
 * and the standard format it conforms to into *format_id (malloc'd, the
 * caller frees; "" when none; format_id may be NULL).  ERR_NOTFOUND when
 * there is no such dataset (nothing is then allocated). */
int opendata_dataset_find(char *id_out, char **format_id, struct store *s,
			  const char *tenant, const char *name,
			  int active_only, struct err *e);

/* a stored version of a resource, as served for download */
struct opendata_file {
	void *data;          /* its bytes, malloc'd, len of them then a NUL */
	size_t len;
	char *name;          /* the resource's name (the file name)         */
	char *mimetype;      /* as stored: "text/csv", "application/json" ...*/
	char *report;        /* the resource's last validation report (JSON,
			      * opendata_report_json), "" when none         */
	char *hash;          /* the version's SHA-256, hex                  */
	int version;         /* the version these bytes are                 */
};

/* opendata_file_get -- version `version` (0: the latest) of the resource
 * resource_id of the active dataset dataset_name in the tenant, bytes and
 * all (at most OPENDATA_BLOB_MAX).  ERR_NOTFOUND when there is no such
 * resource in that dataset, no such version, or the dataset is not
 * active; ERR_INVALID for a negative version.  On success release *out
 * with opendata_file_done; on an error there is nothing to release. */
int opendata_file_get(struct opendata_file *out, struct store *s,
		      const char *tenant, const char *dataset_name,
		      const char *resource_id, long version, struct err *e);
/* opendata_file_done -- frees what *f holds (a zeroed one: nothing) */
void opendata_file_done(struct opendata_file *f);

/* opendata_resource_data -- the bytes of the latest version of the
 * resource resource_id in the tenant (whatever its dataset's state), for
 * the dataset page's previews: *data malloc'd (the caller frees), *len
 * bytes followed by a NUL, at most OPENDATA_BLOB_MAX.  ERR_NOTFOUND when
 * there is no such resource or it has no version yet. */
int opendata_resource_data(void **data, size_t *len, struct store *s,
			   const char *tenant, const char *resource_id,
			   struct err *e);

/* ---- search (search.c) ---- */

#define OPENDATA_FQ_MAX 8
#define OPENDATA_FACETS_MAX 5

struct opendata_query {
	const char *q;                   /* words, AND-ed; NULL: all       */
	const char *fq_field[OPENDATA_FQ_MAX], *fq_value[OPENDATA_FQ_MAX];
	int nfq;                         /* tags organization groups res_format license_id name */
	const char *sort;                /* "metadata_modified desc", ...  */
	long rows, start;
	const char *facets[OPENDATA_FACETS_MAX];
	int nfacets;
	int full;                        /* results as full package dicts  */
	int none;                        /* fq asked for what no dataset is */
};

/* opendata_query_parse_fq -- CKAN's Solr filter syntax as harvesters send
 * it, into q: clauses `field:value`, `field:"quoted value"` (\" and \\
 * escapes), `+field:value`, separated by spaces or AND, all required;
 * fields tags organization owner_org groups res_format license_id name id,
 * and the constants CKAN adds itself (dataset_type:dataset,
 * capacity:public, state:active, site_id:*, private:false; another value
 * matches nothing).  fq is modified in place (values point into it).
 * ERR_NOTFOUND "undefined field X" for another field (Solr's error, which
 * CKAN answers with 409 Search Error); ERR_INVALID "Cannot parse ..." for
 * syntax we do not take (OR, NOT/-, groups, ranges, wildcards, an open
 * quote); ERR_LIMIT beyond OPENDATA_FQ_MAX clauses. */
int opendata_query_parse_fq(struct opendata_query *q, char *fq,
			    struct err *e);
/* opendata_query_sort_valid -- 0 when sort is one we support */
int opendata_query_sort_valid(const char *sort);

/* opendata_search -- package_search's result object {count, sort,
 * results, facets, search_facets}.  With c->sr and words in q, the words
 * go through the full-text index (collection "opendata"): fq terms become
 * its exact field filters, count and facets are counted over every match
 * by the index, the default sort is its ranking; another sort orders the
 * matches (at most SEARCH_MAX_IDS) in SQL.  Without words, SQL alone. */
int opendata_search(struct json_t **out, const struct opendata_ctx *c,
		    const struct opendata_query *q, struct err *e);

/* opendata_search_key -- the folded search key of a text (NFKC, kana
 * folding: jp_text_fold); malloc'd.  One function so the search module
 * can replace it. */
int opendata_search_key(char **out, const char *text, struct err *e);
/* opendata_search_put -- put the dataset (by id) into the full-text
 * projection (src/core/search, collection "opendata", id = the dataset's name,
 * title, description as body, and fields organization, owner_org,
 * org_title, license_id, name, dataset_id, title_en, tag, group,
 * res_format: the names fq and the facets use).  Call it in the
 * transaction that changed the dataset or its resources, so the index
 * never disagrees with the catalog. */
int opendata_search_put(struct search *sr, struct store *s, const char *tenant,
			const char *dataset_id, struct err *e);
/* opendata_search_reindex -- recompute one dataset's search key */
int opendata_search_reindex(struct store *s, const char *tenant,
			    const char *dataset_id, struct err *e);

/* ---- DCAT (dcat.c) ---- */

/* append Turtle / JSON-LD of the catalog (all datasets, paged) or of one
 * package dict (from opendata_package) */
/* the catalog is paged as ckanext-dcat pages it: OPENDATA_DCAT_PAGE
 * datasets a page (sorted by name), page >= 1, described with Hydra
 * (hydra:PagedCollection, totalItems, first/last/next/previous pages) */
#define OPENDATA_DCAT_PAGE 100
int opendata_dcat_catalog_ttl(struct buf *out, const struct opendata_ctx *c,
			      const char *title, const char *publisher,
			      long page, struct err *e);
int opendata_dcat_dataset_ttl(struct buf *out, const struct opendata_ctx *c,
			      struct json_t *pkg, int with_prefixes);
int opendata_dcat_catalog_jsonld(struct json_t **out,
				 const struct opendata_ctx *c, const char *title,
				 const char *publisher, long page, struct err *e);
struct json_t *opendata_dcat_dataset_jsonld(const struct opendata_ctx *c,
					    struct json_t *pkg);
/* schema.org Dataset for the dataset page */
struct json_t *opendata_schemaorg(const struct opendata_ctx *c,
				  struct json_t *pkg);

#endif
