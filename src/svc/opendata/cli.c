/*
 * cli_opendata.c -- `madoguchi opendata`: publish files into a
 * municipality's open data catalog, and validate a CSV on its own.
 *
 *   madoguchi opendata import --db URL --tenant CODE [--manifest FILE]
 *                             [--formats DIR] [--strict] DIR
 *   madoguchi opendata validate [--formats DIR] [--format ID] [--json] FILE
 *
 * import: the manifest (DIR/catalog.json, or --manifest FILE whose file
 * names are relative to DIR) names organisations, groups and datasets
 * (title, description, licence, tags, source, contact, coverage, files).
 * Without a manifest every file of DIR becomes a dataset of its own with
 * licence "notspecified".  With one, only the files it names are read.
 * Each CSV is read as a stream (UTF-8 or CP932 detected and converted),
 * validated against the standard formats (data/opendata/schemas), and
 * problems are printed as FILE:LINE:COLUMN; a CSV with 緯度/経度 gets
 * derived GeoJSON and JSON resources.  Files are stored as they came (the
 * canonical bytes are never transcoded) when at most OPENDATA_BLOB_MAX.
 * Each dataset is also put into the shared full-text projection
 * (src/core/search, collection "opendata", id = the dataset's name, fields
 * organization, license_id, tag, group) in its own transaction.
 * Exit status: 0 all files stored; 1 a file could not be read or stored
 * (or, with --strict, had validation errors); 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "svc/opendata/opendata.h"
#include "core/search/search.h"

#define MANIFEST_MAX (1u << 20)
#define FILES_MAX 1000
#define DEFAULT_FORMATS "data/opendata/schemas"

static void usage(FILE *f)
{
	fprintf(f, "usage: madoguchi opendata import --db URL --tenant CODE [--manifest FILE]\n"
		   "                                 [--formats DIR] [--strict] DIR\n"
		   "       madoguchi opendata validate [--formats DIR] [--format ID] [--json] FILE\n"
		   "  import: publish the files of DIR into the catalog (see src/svc/opendata/README.md)\n"
		   "  validate: check one CSV against Japan's standard open data formats\n");
}

static const char *ext(const char *name)
{
	const char *d = strrchr(name, '.');
	return d ? d + 1 : "";
}

static int kind_of(const char *name, const char **format, const char **mime)
{
	const char *x = ext(name);
	static const struct { const char *ext, *fmt, *mime; } k[] = {
		{ "csv", "CSV", "text/csv" }, { "CSV", "CSV", "text/csv" },
		{ "json", "JSON", "application/json" },
		{ "geojson", "GeoJSON", "application/geo+json" },
		{ "xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "pdf", "PDF", "application/pdf" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		if (strcmp(x, k[i].ext) == 0) {
			*format = k[i].fmt;
			*mime = k[i].mime;
			return 1;
		}
	return 0;
}

static void print_report(FILE *f, const char *file, const struct opendata_report *r)
{
	fprintf(f, "%s: %s, %ld 行 rows, %ld 列 columns, 形式 format: %s",
		file, r->encoding ? r->encoding : "?", r->rows, r->cols,
		r->format ? r->format->id : "(標準形式ではない / no standard format)");
	if (r->format)
		fprintf(f, " (%s)", r->format->title_ja);
	fprintf(f, "\n");
	for (int i = 0; i < r->nproblems; i++) {
		const struct opendata_problem *p = &r->problems[i];
		fprintf(f, "%s:%ld:%d: %s %s [%s] %s / %s\n", file, p->line, p->col,
			p->sev == OD_ERROR ? "error" : "warning", p->code,
			p->row ? "data" : "header", p->ja, p->en);
	}
	if (r->nerrors + r->nwarnings > r->nproblems)
		fprintf(f, "%s: ほか %ld 件 / and %ld more\n", file,
			r->nerrors + r->nwarnings - r->nproblems,
			r->nerrors + r->nwarnings - r->nproblems);
	fprintf(f, "%s: エラー %ld 件、警告 %ld 件 / %ld errors, %ld warnings%s\n", file,
		r->nerrors, r->nwarnings, r->nerrors, r->nwarnings,
		r->geo_rows ? "; 位置情報あり / has points" : "");
}

static int load_formats(struct opendata_formats *fs, const char *dir, struct err *e)
{
	return opendata_formats_load(fs, dir ? dir : DEFAULT_FORMATS, e);
}

/* read a whole file of at most max bytes */
static int slurp(char **out, size_t *len, const char *path, size_t max, struct err *e)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_IO, "cannot open %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || (size_t)st.st_size > max) {
		close(fd);
		return err_set(e, ERR_LIMIT, "%s: %lld bytes, more than the %zu allowed", path,
			       (long long)st.st_size, max);
	}
	char *b = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (b && got < (size_t)st.st_size) {
		ssize_t k = read(fd, b + got, (size_t)st.st_size - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!b || got != (size_t)st.st_size) {
		free(b);
		return err_set(e, ERR_IO, "cannot read %s", path);
	}
	b[got] = '\0';
	*out = b;
	*len = got;
	return 0;
}

static int cli_opendata_validate(int argc, char **argv)
{
	struct opt o[] = { { "formats", 1, NULL }, { "format", 1, NULL }, { "json", 0, NULL },
			   { "max-rows", 1, NULL }, { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[2];
	int np = opts_parse(o, n, argc, argv, pos, 2);
	if (np != 1 || opts_get(o, n, "help")) {
		usage(np != 1 && !opts_get(o, n, "help") ? stderr : stdout);
		return opts_get(o, n, "help") ? CLI_OK : CLI_USAGE;
	}
	struct err e;
	err_clear(&e);
	struct opendata_formats fs;
	if (load_formats(&fs, opts_get(o, n, "formats"), &e))
		return cli_error(&e, "標準形式の定義を読めませんでした", "could not read the format definitions");
	int fd = open(pos[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		opendata_formats_done(&fs);
		err_set(&e, ERR_IO, "%s: %s", pos[0], strerror(errno));
		return cli_error(&e, "ファイルを開けませんでした", "could not open the file");
	}
	struct opendata_validate_opts vo = { .format_id = opts_get(o, n, "format") };
	if (opts_get(o, n, "max-rows"))
		vo.max_rows = atol(opts_get(o, n, "max-rows"));
	struct opendata_report r;
	int rc = opendata_validate_fd(&r, &fs, fd, &vo, &e);
	close(fd);
	if (opts_get(o, n, "json")) {
		char *s = opendata_report_json(&r, OPENDATA_PROBLEMS_KEPT);
		printf("%s\n", s ? s : "{}");
		free(s);
	} else {
		print_report(stdout, pos[0], &r);
	}
	int status = rc ? CLI_FAILED : r.nerrors ? CLI_FAILED : CLI_OK;
	opendata_report_done(&r);
	opendata_formats_done(&fs);
	return status;
}

/* ---- import ---- */

struct imp {
	struct store *s;
	struct search *sr;     /* the shared search projection (collection "opendata") */
	const char *tenant;
	const char *dir;
	struct opendata_formats fs;
	int strict;
	int quiet;             /* no report per file (the demo's import) */
	int64_t now;
	long datasets, created, resources, versions, failed, problems;
};

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int str_array(const char **out, int max, json_t *a)
{
	int n = 0;
	for (size_t i = 0; i < json_array_size(a) && n < max; i++)
		if (json_is_string(json_array_get(a, i)))
			out[n++] = json_string_value(json_array_get(a, i));
	return n;
}

/* a CKAN name from a file name: lower case ASCII, others to '-' */
static void name_from_file(char *out, size_t cap, const char *file)
{
	size_t k = 0;
	for (const char *p = file; *p && *p != '.' && k + 1 < cap && k < OPENDATA_NAME_MAX; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			c = '-';
		out[k++] = c;
	}
	out[k] = '\0';
	if (k < 2)
		snprintf(out, cap, "dataset-%s", file[0] ? "x" : "y");
}

/* one file into the dataset; returns 0, or 1 when the file failed */
static int import_file(struct imp *im, const char *dsid, const char *file,
		       const char *format_id, struct err *e)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", im->dir, file) >= sizeof path)
		return cli_error(NULL, "パスが長すぎます", "path too long"), 1;
	const char *fmt, *mime;
	if (!kind_of(file, &fmt, &mime)) {
		fprintf(stderr, "madoguchi: %s: 対応していない形式です（CSV, JSON, GeoJSON, XLSX, PDF）/ unsupported file type\n", file);
		return 1;
	}
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	struct opendata_report rep;
	int have_rep = 0;
	if (strcmp(fmt, "CSV") == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "madoguchi: %s: 開けません / cannot open: %s\n", path, strerror(errno));
			return 1;
		}
		struct opendata_validate_opts vo = { .format_id = format_id, .derive = 1 };
		int rc = opendata_validate_fd(&rep, &im->fs, fd, &vo, e);
		close(fd);
		have_rep = 1;
		if (!im->quiet)
			print_report(stdout, file, &rep);
		im->problems += rep.nerrors + rep.nwarnings;
		if (rc || (im->strict && rep.nerrors)) {
			fprintf(stderr, "madoguchi: %s: 公開しませんでした（上の行を直して再度取り込んでください）/ not published: fix the lines above and import again\n", file);
			opendata_report_done(&rep);
			return 1;
		}
	} else if (strcmp(fmt, "JSON") == 0 || strcmp(fmt, "GeoJSON") == 0) {
		json_error_t je;
		json_t *j = NULL;
		struct stat st;
		if (stat(path, &st) == 0 && (size_t)st.st_size <= OPENDATA_BLOB_MAX)
			j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
		if (!j) {
			fprintf(stderr, "madoguchi: %s:%d: JSON として読めません / not valid JSON: %s\n", file,
				je.line, je.text);
			return 1;
		}
		json_decref(j);
	}
	char *data = NULL;
	size_t len = 0;
	int rc = slurp(&data, &len, path, OPENDATA_BLOB_MAX, e);
	if (rc) {
		if (have_rep)
			opendata_report_done(&rep);
		if (rc == ERR_LIMIT)
			fprintf(stderr, "madoguchi: %s: %u MiB を超えるファイルはデータベースに保存できません。分割してください / files over %u MiB are not stored: split the file\n",
				file, OPENDATA_BLOB_MAX >> 20, OPENDATA_BLOB_MAX >> 20);
		else
			cli_error(e, "ファイルを読めませんでした", "could not read the file");
		return 1;
	}
	if (have_rep) {
		/* the CSV with its report and, when it has points, the GeoJSON
		 * and JSON derived from it (shared with the staff upload) */
		struct opendata_published pub;
		rc = opendata_csv_publish(&pub, im->s, im->tenant, dsid,
					  &(struct opendata_csv_in){ .name = base, .data = data,
								     .len = len, .report = &rep },
					  im->now, e);
		if (rc == 0) {
			im->resources += 1 + pub.derived;
			im->versions += pub.changed + pub.derived_changed;
		}
	} else {
		struct opendata_resource_in in = { .name = base, .format = fmt, .mimetype = mime,
						   .data = data, .len = len };
		struct opendata_resource_out put = { .changed = 0 };
		rc = opendata_resource_put(&put, im->s, im->tenant, dsid, &in, im->now, e);
		if (rc == 0) {
			im->resources++;
			im->versions += put.changed;
		}
	}
	free(data);
	if (have_rep)
		opendata_report_done(&rep);
	if (rc) {
		cli_error(e, "カタログに保存できませんでした", "could not store into the catalog");
		return -1;
	}
	return 0;
}

static int import_dataset(struct imp *im, json_t *d, struct err *e)
{
	const char *tags[OPENDATA_TAGS_MAX], *groups[OPENDATA_GROUPS_MAX], *files[64];
	struct opendata_dataset ds = {
		.name = js(d, "name"), .title = js(d, "title"), .title_en = js(d, "title_en"),
		.notes = js(d, "notes"), .org_name = js(d, "organization"),
		.license_id = js(d, "license_id"), .frequency = js(d, "frequency"),
		.spatial = js(d, "spatial"), .temporal_start = js(d, "temporal_start"),
		.temporal_end = js(d, "temporal_end"), .contact_name = js(d, "contact_name"),
		.contact_email = js(d, "contact_email"), .source_url = js(d, "source_url"),
		.attribution = js(d, "attribution"), .format_id = js(d, "format"),
		.tags = tags, .groups = groups,
	};
	ds.ntags = str_array(tags, OPENDATA_TAGS_MAX, json_object_get(d, "tags"));
	ds.ngroups = str_array(groups, OPENDATA_GROUPS_MAX, json_object_get(d, "groups"));
	int nfiles = str_array(files, 64, json_object_get(d, "files"));
	int rc = store_begin(im->s, e);
	if (rc)
		return rc;
	char id[OPENDATA_ID_LEN + 1];
	int created = 0;
	rc = opendata_dataset_put(id, &created, im->s, im->tenant, &ds, im->now, e);
	if (rc) {
		store_rollback(im->s);
		fprintf(stderr, "madoguchi: データセット %s を登録できません / cannot publish dataset %s: %s\n",
			ds.name ? ds.name : "?", ds.name ? ds.name : "?", e->detail);
		im->failed++;
		return 0;
	}
	int bad = 0;
	for (int i = 0; i < nfiles; i++) {
		int k = import_file(im, id, files[i], ds.format_id, e);
		if (k < 0) {
			store_rollback(im->s);
			return k;
		}
		bad += k;
	}
	/* the dataset in the shared full-text projection, in the same
	 * transaction: title, description, and its facets as fields */
	if ((rc = opendata_search_put(im->sr, im->s, im->tenant, id, e))) {
		store_rollback(im->s);
		return rc;
	}
	if ((rc = store_commit(im->s, e)))
		return rc;
	im->datasets++;
	im->created += created;
	im->failed += bad;
	return 0;
}

static int put_orgs(struct imp *im, json_t *a, int is_org, struct err *e)
{
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		struct opendata_org org = { js(o, "name"), js(o, "title"), js(o, "title_en"), js(o, "description") };
		int rc = is_org ? opendata_org_put(NULL, im->s, im->tenant, &org, im->now, e)
				: opendata_group_put(NULL, im->s, im->tenant, &org, im->now, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* a manifest for a directory without one: a dataset per file */
static json_t *default_manifest(const char *dir, struct err *e)
{
	DIR *d = opendir(dir);
	if (!d) {
		err_set(e, ERR_IO, "cannot open %s: %s", dir, strerror(errno));
		return NULL;
	}
	char *names[FILES_MAX];
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < FILES_MAX) {
		const char *f, *m;
		if (de->d_name[0] != '.' && kind_of(de->d_name, &f, &m))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	json_t *ds = json_array();
	for (int i = 0; i < n; i++) {
		char nm[OPENDATA_NAME_MAX + 1];
		name_from_file(nm, sizeof nm, names[i]);
		json_array_append_new(ds, json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "name", nm, "title", names[i],
						    "organization", "opendata", "license_id", "notspecified",
						    "files", names[i]));
		free(names[i]);
	}
	return json_pack("{s:[{s:s,s:s,s:s}],s:o}", "organizations", "name", "opendata", "title",
			 "オープンデータ", "title_en", "Open data", "datasets", ds);
}

/* What one import reads: into the store given (the demo's) or db opened
 * here, for tenant, the files of dir by the manifest (NULL: dir's
 * catalog.json, else every file), against the formats of formats (NULL:
 * the default); quiet: no report per file, only the closing summary. */
struct import_run {
	struct store *given;
	const char *db, *tenant, *dir, *manifest, *formats;
	int strict, quiet;
};

static int import_run(const struct import_run *in)
{
	const char *tenant = in->tenant;
	struct imp im = { .tenant = tenant, .dir = in->dir, .strict = in->strict,
			  .quiet = in->quiet, .now = (int64_t)time(NULL) };
	struct err e;
	err_clear(&e);
	if (load_formats(&im.fs, in->formats, &e))
		return cli_error(&e, "標準形式の定義を読めませんでした", "could not read the format definitions");
	json_t *man = NULL;
	char mpath[4096];
	const char *mp = in->manifest;
	if (!mp) {
		snprintf(mpath, sizeof mpath, "%s/catalog.json", im.dir);
		if (access(mpath, R_OK) == 0)
			mp = mpath;
	}
	if (mp) {
		json_error_t je;
		struct stat st;
		if (stat(mp, &st) != 0 || (size_t)st.st_size > MANIFEST_MAX ||
		    !(man = json_load_file(mp, JSON_REJECT_DUPLICATES, &je))) {
			opendata_formats_done(&im.fs);
			err_set_line(&e, ERR_INVALID, mp && stat(mp, &st) == 0 ? je.line : 0, "%s", mp);
			return cli_error(&e, "カタログ定義（JSON）を読めませんでした", "could not read the manifest (JSON)");
		}
	} else if (!(man = default_manifest(im.dir, &e))) {
		opendata_formats_done(&im.fs);
		return cli_error(&e, "ディレクトリを読めませんでした", "could not read the directory");
	}
	int rc = 0;
	if (in->given)
		im.s = in->given;
	else if ((rc = store_open(&im.s, in->db, &e))) {
		json_decref(man);
		opendata_formats_done(&im.fs);
		return cli_error(&e, "データベースに接続できませんでした", "could not open the database");
	}
	int applied = 0;
	struct tenant t;
	if ((in->given || (rc = app_migrate(im.s, &applied, &e)) == 0) &&
	    (rc = tenant_get(&t, im.s, tenant, &e)) == 0 &&
	    (rc = store_begin(im.s, &e)) == 0) {
		rc = opendata_licenses_seed(im.s, tenant, &e);
		if (rc == 0)
			rc = put_orgs(&im, json_object_get(man, "organizations"), 1, &e);
		if (rc == 0)
			rc = put_orgs(&im, json_object_get(man, "groups"), 0, &e);
		if (rc == 0)
			rc = store_commit(im.s, &e);
		else
			store_rollback(im.s);
	}
	/* writes to the search projection only: a private in-memory index; the
	 * servers' indexes catch up from the change log */
	if (rc == 0 && search_open(&im.sr, im.s, ":memory:", NULL, &e) != 0) {
		im.sr = NULL;
		err_clear(&e);
	}
	json_t *dsa = json_object_get(man, "datasets");
	for (size_t i = 0; rc == 0 && i < json_array_size(dsa); i++)
		rc = import_dataset(&im, json_array_get(dsa, i), &e);
	search_close(im.sr);
	if (!in->given)
		store_close(im.s);
	json_decref(man);
	opendata_formats_done(&im.fs);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "自治体または組織が見つかりません", "municipality or organisation not found");
	if (rc)
		return cli_error(&e, "取り込みに失敗しました", "the import failed");
	printf("madoguchi: データセット %ld 件（新規 %ld 件）、ファイル %ld 件（新しい版 %ld 件）、指摘 %ld 件、失敗 %ld 件 / "
	       "%ld datasets (%ld new), %ld resources (%ld new versions), %ld problems, %ld failed\n",
	       im.datasets, im.created, im.resources, im.versions, im.problems, im.failed,
	       im.datasets, im.created, im.resources, im.versions, im.problems, im.failed);
	return im.failed ? CLI_FAILED : CLI_OK;
}

static int cli_opendata_import(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "manifest", 1, NULL },
			   { "formats", 1, NULL }, { "strict", 0, NULL }, { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[2];
	int np = opts_parse(o, n, argc, argv, pos, 2);
	if (opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	const char *db = opts_db(o, n), *tenant = opts_get(o, n, "tenant");
	if (np != 1 || !db || !tenant) {
		usage(stderr);
		return CLI_USAGE;
	}
	return import_run(&(struct import_run){ .db = db, .tenant = tenant, .dir = pos[0],
						.manifest = opts_get(o, n, "manifest"),
						.formats = opts_get(o, n, "formats"),
						.strict = opts_get(o, n, "strict") != NULL });
}

/* the demo ward's catalog (service.c: demo): the fictional data of
 * data/opendata/demo.  The real sample files of ../shared/data (not
 * shipped here) are imported by scripts/run-demo.sh when that folder
 * exists: the tests start from `demo` and expect the demo catalog alone */
int opendata_demo_import(struct store *s, const char *tenant, struct err *e)
{
	struct stat st;
	if (stat("data/opendata/demo", &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "madoguchi: data/opendata/demo がないため、デモ区のオープンデータは作りません /"
			" no data/opendata/demo here: the demo ward gets no open data\n");
		return 0;
	}
	if (import_run(&(struct import_run){ .given = s, .tenant = tenant,
					     .dir = "data/opendata/demo", .quiet = 1 }) != CLI_OK)
		return err_set(e, ERR_INVALID, "the demo open data was not imported");
	return 0;
}

int cli_opendata(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "import") == 0)
		return cli_opendata_import(argc - 1, argv + 1);
	if (strcmp(argv[1], "validate") == 0)
		return cli_opendata_validate(argc - 1, argv + 1);
	usage(stderr);
	return CLI_USAGE;
}
