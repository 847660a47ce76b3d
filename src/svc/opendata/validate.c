/*
 * validate.c -- Japan's standard open data formats as data, and the
 * validator: header against the format (exact, then by the folded key of
 * jp_text_fold so that look-alikes such as U+2015 for ー are named as
 * such), required values, codes (団体コード check digit, lost leading
 * zeros, 法人番号), dates, times, latitude/longitude (swapped, outside
 * Japan), flags (「○」 where 「1」 is specified), choices; and the derived
 * JSON and GeoJSON of a file with 緯度/経度.
 *
 * Streaming: rows are checked as the CSV reader delivers them; memory is
 * the header, OPENDATA_PROBLEMS_KEPT problems and the derived outputs
 * (each at most OPENDATA_BLOB_MAX bytes, dropped past it).
 */
#include "svc/opendata/opendata.h"
#include "jp/checkdigit.h"
#include "jp/date.h"
#include "jp/text.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMATS_MAX 64
#define FORMAT_FILE_MAX (256u << 10)

/* ---- formats ---- */

static enum opendata_coltype type_of(const char *t)
{
	static const struct { const char *n; enum opendata_coltype t; } m[] = {
		{ "text", OD_T_TEXT }, { "lgcode", OD_T_LGCODE }, { "int", OD_T_INT },
		{ "number", OD_T_NUMBER }, { "lat", OD_T_LAT }, { "lon", OD_T_LON },
		{ "date", OD_T_DATE }, { "time", OD_T_TIME }, { "flag1", OD_T_FLAG1 },
		{ "umu", OD_T_UMU }, { "enum", OD_T_ENUM }, { "url", OD_T_URL },
		{ "code", OD_T_CODE }, { "corpnum", OD_T_CORPNUM },
	};
	for (size_t i = 0; t && i < sizeof m / sizeof m[0]; i++)
		if (strcmp(m[i].n, t) == 0)
			return m[i].t;
	return (enum opendata_coltype)-1;
}

static char *dupj(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? strdup(v) : NULL;
}

static void format_free(struct opendata_format *f)
{
	for (int i = 0; i < f->ncols; i++) {
		free(f->cols[i].name);
		free(f->cols[i].key);
		for (int k = 0; k < f->cols[i].nvalues; k++)
			free(f->cols[i].values[k]);
		free(f->cols[i].values);
	}
	free(f->cols);
	free(f->id);
	free(f->title_ja);
	free(f->title_en);
	free(f->generation);
	free(f->source);
}

static int format_load(struct opendata_format *f, const char *path, struct err *e)
{
	struct stat st;
	if (stat(path, &st) != 0 || st.st_size > (off_t)FORMAT_FILE_MAX)
		return err_set(e, ERR_LIMIT, "%s: missing or larger than %u bytes", path,
			       FORMAT_FILE_MAX);
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return err_set_line(e, ERR_INVALID, je.line, "%s: %s", path, je.text);
	memset(f, 0, sizeof *f);
	int rc = 0;
	json_t *cols = json_object_get(j, "columns");
	f->id = dupj(j, "id");
	f->title_ja = dupj(j, "title_ja");
	f->title_en = dupj(j, "title_en");
	f->generation = dupj(j, "generation");
	f->source = dupj(j, "source");
	f->partial = json_is_true(json_object_get(j, "partial"));
	size_t n = json_array_size(cols);
	if (!f->id || !f->title_ja || !f->title_en || n == 0 || n > JP_CSV_FIELDS_MAX) {
		rc = err_set(e, ERR_INVALID, "%s: id, title_ja, title_en and columns are required", path);
		goto out;
	}
	f->cols = calloc(n, sizeof *f->cols);
	if (!f->cols) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(cols, i);
		struct opendata_column *oc = &f->cols[f->ncols++];
		oc->name = dupj(c, "name");
		const char *t = json_string_value(json_object_get(c, "type"));
		int ty = t ? (int)type_of(t) : OD_T_TEXT;
		if (!oc->name || ty < 0) {
			rc = err_set(e, ERR_INVALID, "%s: column %zu has no name or an unknown type",
				     path, i + 1);
			goto out;
		}
		oc->type = (enum opendata_coltype)ty;
		oc->required = json_is_true(json_object_get(c, "required"));
		oc->digits = (int)json_integer_value(json_object_get(c, "digits"));
		if ((rc = jp_text_fold(&oc->key, oc->name, strlen(oc->name), e)))
			goto out;
		json_t *vals = json_object_get(c, "values");
		size_t nv = json_array_size(vals);
		if (nv) {
			oc->values = calloc(nv, sizeof *oc->values);
			if (!oc->values) {
				rc = ERR_NOMEM;
				goto out;
			}
			for (size_t k = 0; k < nv; k++) {
				const char *v = json_string_value(json_array_get(vals, k));
				if (v && (oc->values[oc->nvalues] = strdup(v)))
					oc->nvalues++;
			}
		}
	}
out:
	json_decref(j);
	if (rc)
		format_free(f);
	return rc;
}

static int cmp_format(const void *a, const void *b)
{
	return strcmp(((const struct opendata_format *)a)->id,
		      ((const struct opendata_format *)b)->id);
}

int opendata_formats_load(struct opendata_formats *out, const char *dir,
			  struct err *e)
{
	memset(out, 0, sizeof *out);
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ERR_NOTFOUND, "cannot open format directory %s", dir);
	out->f = calloc(FORMATS_MAX, sizeof *out->f);
	if (!out->f) {
		closedir(d);
		return ERR_NOMEM;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		if (out->n >= FORMATS_MAX) {
			rc = err_set(e, ERR_LIMIT, "more than %d format files in %s", FORMATS_MAX, dir);
			break;
		}
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path) {
			rc = err_set(e, ERR_LIMIT, "path too long");
			break;
		}
		if ((rc = format_load(&out->f[out->n], path, e)))
			break;
		out->n++;
	}
	closedir(d);
	if (rc) {
		opendata_formats_done(out);
		return rc;
	}
	qsort(out->f, (size_t)out->n, sizeof *out->f, cmp_format);
	return 0;
}

void opendata_formats_done(struct opendata_formats *fs)
{
	for (int i = 0; fs->f && i < fs->n; i++)
		format_free(&fs->f[i]);
	free(fs->f);
	fs->f = NULL;
	fs->n = 0;
}

const struct opendata_format *opendata_format_find(const struct opendata_formats *fs,
						   const char *id)
{
	for (int i = 0; fs && id && i < fs->n; i++)
		if (strcmp(fs->f[i].id, id) == 0)
			return &fs->f[i];
	return NULL;
}

/* ---- validation state ---- */

struct vstate {
	struct opendata_report *rep;
	const struct opendata_formats *fs;
	const struct opendata_validate_opts *o;
	long max_rows;
	int nh;                          /* header fields                  */
	char **head;                     /* header names as in the file    */
	char **hkey;                     /* folded                         */
	int *map;                        /* file column -> format column or -1 */
	int stop;                        /* ERR_LIMIT: too many rows       */
	int first_geo, first_json;
};

/* Where a problem is: the data row (0: the header or the file as a
 * whole), the line of the file it starts on (0: not known) and the
 * column, counted from 1 (0: the whole row). */
struct cell_at {
	long row;
	long line;
	int col;
};

static void problem(struct vstate *v, const struct cell_at *at,
		    enum opendata_severity sev, const char *code, const char *column,
		    const char *ja, const char *en)
{
	long row = at->row, line = at->line;
	int col = at->col;
	struct opendata_report *r = v->rep;
	if (sev == OD_ERROR)
		r->nerrors++;
	else
		r->nwarnings++;
	if (r->nproblems >= OPENDATA_PROBLEMS_KEPT)
		return;
	struct opendata_problem *p = &r->problems[r->nproblems++];
	memset(p, 0, sizeof *p);
	p->row = row;
	p->line = line;
	p->col = col;
	p->sev = sev;
	snprintf(p->code, sizeof p->code, "%s", code);
	snprintf(p->column, sizeof p->column, "%s", column ? column : "");
	snprintf(p->ja, sizeof p->ja, "%s", ja);
	snprintf(p->en, sizeof p->en, "%s", en);
}

static char *fold(const char *s, size_t n)
{
	char *k = NULL;
	if (jp_text_fold(&k, s, n, NULL))
		return strdup("");
	return k;
}

/* choose the format whose columns the header holds best */
static const struct opendata_format *detect(struct vstate *v, double *score)
{
	const struct opendata_format *best = NULL;
	double bs = 0;
	for (int i = 0; i < v->fs->n; i++) {
		const struct opendata_format *f = &v->fs->f[i];
		int found = 0;
		for (int c = 0; c < f->ncols; c++)
			for (int h = 0; h < v->nh; h++)
				if (strcmp(f->cols[c].key, v->hkey[h]) == 0) {
					found++;
					break;
				}
		/* share of the format found, and of the file explained */
		double s = (double)found / f->ncols * 0.7 + (double)found / (v->nh ? v->nh : 1) * 0.3;
		/* most of a format must be there (of a partly known one: most
		 * of the file must be explained), and every required column */
		if ((f->partial ? (double)found / (v->nh ? v->nh : 1) : (double)found / f->ncols) < 0.75)
			s = 0;
		/* every required column must be there (by its folded name) */
		for (int c = 0; c < f->ncols && s > 0; c++) {
			if (!f->cols[c].required)
				continue;
			int there = 0;
			for (int h = 0; h < v->nh && !there; h++)
				there = strcmp(f->cols[c].key, v->hkey[h]) == 0;
			if (!there && !(c < v->nh && c == 0))
				s = 0;
		}
		if (s > bs) {
			bs = s;
			best = f;
		}
	}
	*score = bs;
	return bs >= 0.55 ? best : NULL;
}

static int header(struct vstate *v, long line, int nf, const char *const *f,
		  const size_t *len)
{
	struct opendata_report *r = v->rep;
	v->nh = nf;
	r->cols = nf;
	v->head = calloc((size_t)nf, sizeof *v->head);
	v->hkey = calloc((size_t)nf, sizeof *v->hkey);
	v->map = calloc((size_t)nf, sizeof *v->map);
	if (!v->head || !v->hkey || !v->map)
		return ERR_NOMEM;
	for (int i = 0; i < nf; i++) {
		v->head[i] = strndup(f[i], len[i]);
		v->hkey[i] = fold(f[i], len[i]);
		v->map[i] = -1;
		if (!v->head[i] || !v->hkey[i])
			return ERR_NOMEM;
		if (strcmp(v->hkey[i], "緯度") == 0 && r->lat_col < 0)
			r->lat_col = i;
		if (strcmp(v->hkey[i], "経度") == 0 && r->lon_col < 0)
			r->lon_col = i;
		for (int k = 0; k < i; k++)
			if (strcmp(v->head[k], v->head[i]) == 0) {
				char ja[256], en[256];
				snprintf(ja, sizeof ja, "列名「%s」が重複しています（%d列目と%d列目）。", v->head[i], k + 1, i + 1);
				snprintf(en, sizeof en, "Column name \"%s\" appears twice (columns %d and %d).", v->head[i], k + 1, i + 1);
				problem(v, &(struct cell_at){ .row = 0, .line = line, .col = i + 1 },
					OD_ERROR, "duplicate_column", v->head[i], ja, en);
			}
	}
	const struct opendata_format *fmt = NULL;
	if (v->o && v->o->format_id) {
		fmt = opendata_format_find(v->fs, v->o->format_id);
		r->format_score = 1;
	} else if (v->fs) {
		fmt = detect(v, &r->format_score);
	}
	r->format = fmt;
	if (!fmt)
		return 0;
	char ja[256], en[256];
	int *used = calloc((size_t)nf, sizeof *used);
	if (!used)
		return ERR_NOMEM;
	for (int c = 0; c < fmt->ncols; c++) {
		const struct opendata_column *col = &fmt->cols[c];
		int at = -1, exact = 0;
		for (int h = 0; h < nf && at < 0; h++)
			if (!used[h] && strcmp(v->head[h], col->name) == 0)
				at = h, exact = 1;
		for (int h = 0; h < nf && at < 0; h++)
			if (!used[h] && strcmp(v->hkey[h], col->key) == 0)
				at = h;
		if (at >= 0) {
			used[at] = 1;
			v->map[at] = c;
			if (!exact) {
				snprintf(ja, sizeof ja, "列名「%s」は規定の「%s」と文字が違います（似た文字・全角半角）。", v->head[at], col->name);
				snprintf(en, sizeof en, "Column \"%s\" differs from the specified \"%s\" (look-alike or full-width characters).", v->head[at], col->name);
				problem(v, &(struct cell_at){ .row = 0, .line = line, .col = at + 1 },
					OD_ERROR, "misnamed_column", col->name, ja, en);
			}
			continue;
		}
		/* a column of another name where this one is expected */
		if (c < nf && !used[c] && v->map[c] < 0) {
			int known = 0;
			for (int k = 0; k < fmt->ncols; k++)
				if (strcmp(fmt->cols[k].key, v->hkey[c]) == 0)
					known = 1;
			if (!known) {
				used[c] = 1;
				v->map[c] = c;
				snprintf(ja, sizeof ja, "%d列目の列名「%s」は、規定では「%s」です。", c + 1, v->head[c], col->name);
				snprintf(en, sizeof en, "Column %d is named \"%s\"; the format specifies \"%s\".", c + 1, v->head[c], col->name);
				problem(v, &(struct cell_at){ .row = 0, .line = line, .col = c + 1 },
					OD_ERROR, "misnamed_column", col->name, ja, en);
				continue;
			}
		}
		if (fmt->partial && !col->required)
			continue;
		snprintf(ja, sizeof ja, "%s列「%s」がありません。", col->required ? "必須の" : "", col->name);
		snprintf(en, sizeof en, "The %scolumn \"%s\" is missing.", col->required ? "required " : "", col->name);
		problem(v, &(struct cell_at){ .row = 0, .line = line, .col = 0 },
			col->required ? OD_ERROR : OD_WARNING, "missing_column", col->name, ja, en);
	}
	for (int h = 0; h < nf; h++)
		if (!used[h] && !fmt->partial) {
			snprintf(ja, sizeof ja, "列「%s」は「%s」の規定にない列です。", v->head[h], fmt->title_ja);
			snprintf(en, sizeof en, "Column \"%s\" is not part of the format \"%s\".", v->head[h], fmt->title_en);
			problem(v, &(struct cell_at){ .row = 0, .line = line, .col = h + 1 },
				OD_WARNING, "unknown_column", v->head[h], ja, en);
		}
	free(used);
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int parse_num(double *out, const char *s)
{
	if (!*s)
		return -1;
	char *end;
	double d = strtod(s, &end);
	if (*end || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

static int in_japan_lat(double d) { return d >= 20.0 && d <= 46.0; }
static int in_japan_lon(double d) { return d >= 122.0 && d <= 154.0; }

static int is_maru(const char *s)
{
	return strcmp(s, "○") == 0 || strcmp(s, "〇") == 0 || strcmp(s, "◯") == 0 ||
	       strcmp(s, "●") == 0;
}

static int is_fullwidth_digits(const char *s, size_t n)
{
	char *h = NULL;
	if (jp_text_zen_to_han_ascii(&h, s, n, NULL))
		return 0;
	int ok = strcmp(h, s) != 0 && all_digits(h, strlen(h));
	free(h);
	return ok;
}

static void check_cell(struct vstate *v, long row, long line, int h,
		       const struct opendata_column *col, const char *val, size_t n)
{
	const struct cell_at at = { .row = row, .line = line, .col = h + 1 };
	char ja[256], en[256];
	const char *nm = col->name;
	if (n == 0) {
		/* a flag's empty value means "no": required means the column */
		if (col->required && col->type != OD_T_FLAG1) {
			snprintf(ja, sizeof ja, "必須項目「%s」が空です。", nm);
			snprintf(en, sizeof en, "The required value \"%s\" is empty.", nm);
			problem(v, &at, OD_ERROR, "required", nm, ja, en);
		}
		return;
	}
	switch (col->type) {
	case OD_T_LGCODE: {
		if (is_fullwidth_digits(val, n)) {
			snprintf(ja, sizeof ja, "「%s」が全角数字です。半角で書いてください。", nm);
			snprintf(en, sizeof en, "\"%s\" is written in full-width digits; use ASCII digits.", nm);
			problem(v, &at, OD_ERROR, "fullwidth_digits", nm, ja, en);
			return;
		}
		if (all_digits(val, n) && n == 5) {
			char six[8];
			snprintf(six, sizeof six, "0%s", val);
			if (jp_lgcode_validate(six, NULL) == 0) {
				snprintf(ja, sizeof ja, "「%s」の先頭の0が落ちています（%s → %s）。", nm, val, six);
				snprintf(en, sizeof en, "\"%s\" lost its leading zero (%s should be %s).", nm, val, six);
				problem(v, &at, OD_ERROR, "lost_zero", nm, ja, en);
				return;
			}
		}
		if (!all_digits(val, n) || n != 6) {
			snprintf(ja, sizeof ja, "「%s」は6桁の全国地方公共団体コードです（値「%.40s」）。", nm, val);
			snprintf(en, sizeof en, "\"%s\" must be a 6-digit local government code (value \"%.40s\").", nm, val);
			problem(v, &at, OD_ERROR, "bad_code", nm, ja, en);
		} else if (jp_lgcode_validate(val, NULL) != 0) {
			snprintf(ja, sizeof ja, "「%s」の検査数字が合いません（%s）。", nm, val);
			snprintf(en, sizeof en, "\"%s\" has a wrong check digit (%s).", nm, val);
			problem(v, &at, OD_ERROR, "check_digit", nm, ja, en);
		}
		return;
	}
	case OD_T_CODE:
		if (all_digits(val, n) && col->digits && (int)n < col->digits) {
			snprintf(ja, sizeof ja, "「%s」は%d桁のコードですが%zu桁です（先頭の0が落ちた可能性）。", nm, col->digits, n);
			snprintf(en, sizeof en, "\"%s\" is a %d-digit code but has %zu digits (leading zeros lost?).", nm, col->digits, n);
			problem(v, &at, OD_ERROR, "lost_zero", nm, ja, en);
		} else if (!all_digits(val, n)) {
			snprintf(ja, sizeof ja, "「%s」は数字のコードです（値「%.40s」）。", nm, val);
			snprintf(en, sizeof en, "\"%s\" must be a numeric code (value \"%.40s\").", nm, val);
			problem(v, &at, OD_WARNING, "bad_code", nm, ja, en);
		}
		return;
	case OD_T_CORPNUM:
		if (!all_digits(val, n) || n != 13 || jp_corpnum_validate(val, NULL) != 0) {
			snprintf(ja, sizeof ja, "「%s」は検査数字の合う13桁の法人番号ではありません。", nm);
			snprintf(en, sizeof en, "\"%s\" is not a 13-digit corporate number with a valid check digit.", nm);
			problem(v, &at, OD_ERROR, "bad_corpnum", nm, ja, en);
		}
		return;
	case OD_T_INT: {
		const char *s = val[0] == '-' ? val + 1 : val;
		if (!all_digits(s, strlen(s))) {
			snprintf(ja, sizeof ja, "「%s」は整数です（値「%.40s」）。単位や注記は別の列に。", nm, val);
			snprintf(en, sizeof en, "\"%s\" must be an integer (value \"%.40s\"); put units and notes in another column.", nm, val);
			problem(v, &at, is_fullwidth_digits(val, n) ? OD_ERROR : OD_ERROR, "not_integer", nm, ja, en);
		}
		return;
	}
	case OD_T_NUMBER:
	case OD_T_LAT:
	case OD_T_LON: {
		double d;
		if (parse_num(&d, val)) {
			snprintf(ja, sizeof ja, "「%s」は数値です（値「%.40s」）。", nm, val);
			snprintf(en, sizeof en, "\"%s\" must be a number (value \"%.40s\").", nm, val);
			problem(v, &at, OD_ERROR, "not_number", nm, ja, en);
		}
		return; /* ranges: per row, both columns together */
	}
	case OD_T_DATE: {
		struct jp_date dt;
		if (jp_date_parse_iso(&dt, val, NULL) == 0)
			return;
		int y, m, d2;
		char tail;
		if (sscanf(val, "%d/%d/%d%c", &y, &m, &d2, &tail) == 3 &&
		    jp_date_valid((struct jp_date){ y, m, d2 })) {
			snprintf(ja, sizeof ja, "「%s」の日付は YYYY-MM-DD で書いてください（値「%.40s」）。", nm, val);
			snprintf(en, sizeof en, "Write the date \"%s\" as YYYY-MM-DD (value \"%.40s\").", nm, val);
			problem(v, &at, OD_WARNING, "date_format", nm, ja, en);
			return;
		}
		snprintf(ja, sizeof ja, "「%s」は日付として読めません（値「%.40s」）。", nm, val);
		snprintf(en, sizeof en, "\"%s\" is not a valid date (value \"%.40s\").", nm, val);
		problem(v, &at, OD_ERROR, "bad_date", nm, ja, en);
		return;
	}
	case OD_T_TIME: {
		int hh, mm, ss = 0;
		char tail;
		int k = sscanf(val, "%d:%d:%d%c", &hh, &mm, &ss, &tail);
		if ((k == 2 || k == 3) && hh >= 0 && hh <= 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 60)
			return;
		snprintf(ja, sizeof ja, "「%s」は時刻 hh:mm です（値「%.40s」）。", nm, val);
		snprintf(en, sizeof en, "\"%s\" must be a time hh:mm (value \"%.40s\").", nm, val);
		problem(v, &at, OD_WARNING, "bad_time", nm, ja, en);
		return;
	}
	case OD_T_FLAG1:
		if (strcmp(val, "1") == 0)
			return;
		if (is_maru(val)) {
			snprintf(ja, sizeof ja, "「%s」は「1」または空欄と規定されていますが「%s」です。", nm, val);
			snprintf(en, sizeof en, "\"%s\" must be \"1\" or empty, not \"%s\".", nm, val);
			problem(v, &at, OD_ERROR, "maru_for_one", nm, ja, en);
			return;
		}
		snprintf(ja, sizeof ja, "「%s」は「1」または空欄です（値「%.40s」）。", nm, val);
		snprintf(en, sizeof en, "\"%s\" must be \"1\" or empty (value \"%.40s\").", nm, val);
		problem(v, &at, OD_ERROR, "bad_flag", nm, ja, en);
		return;
	case OD_T_UMU:
		if (strcmp(val, "有") == 0 || strcmp(val, "無") == 0)
			return;
		snprintf(ja, sizeof ja, "「%s」は「有」または「無」です（値「%.40s」）。", nm, val);
		snprintf(en, sizeof en, "\"%s\" must be 有 or 無 (value \"%.40s\").", nm, val);
		problem(v, &at, OD_WARNING, "bad_choice", nm, ja, en);
		return;
	case OD_T_ENUM: {
		/* several values separated by ';' are allowed */
		char tmp[512];
		snprintf(tmp, sizeof tmp, "%s", val);
		char *save = NULL;
		for (char *t = strtok_r(tmp, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
			int ok = 0;
			for (int k = 0; k < col->nvalues && !ok; k++)
				ok = strcmp(col->values[k], t) == 0;
			if (!ok) {
				snprintf(ja, sizeof ja, "「%s」の値「%.60s」は規定の選択肢にありません。", nm, t);
				snprintf(en, sizeof en, "\"%s\": \"%.60s\" is not one of the specified values.", nm, t);
				problem(v, &at, OD_WARNING, "bad_choice", nm, ja, en);
				return;
			}
		}
		return;
	}
	case OD_T_URL:
		if (strncmp(val, "http://", 7) != 0 && strncmp(val, "https://", 8) != 0) {
			snprintf(ja, sizeof ja, "「%s」は http:// または https:// で始まる URL です。", nm);
			snprintf(en, sizeof en, "\"%s\" must be a URL starting with http:// or https://.", nm);
			problem(v, &at, OD_WARNING, "bad_url", nm, ja, en);
		}
		return;
	case OD_T_TEXT:
		return;
	}
}

/* JSON string into b (UTF-8 already valid) */
static int jstr(struct buf *b, const char *s, size_t n)
{
	int rc = buf_putc(b, '"');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			rc = buf_putc(b, '\\');
			if (rc == 0)
				rc = buf_putc(b, (char)c);
		} else if (c < 0x20) {
			rc = buf_printf(b, "\\u%04x", c);
		} else {
			rc = buf_putc(b, (char)c);
		}
	}
	return rc ? rc : buf_putc(b, '"');
}

static void derive_row(struct vstate *v, int nf, const char *const *f,
		       const size_t *len, int has_point, double lat, double lon)
{
	struct opendata_report *r = v->rep;
	if (!r->derived_ok)
		return;
	struct buf *j = &r->json;
	int rc = buf_puts(j, v->first_json ? "\n{" : ",\n{");
	v->first_json = 0;
	for (int i = 0; rc == 0 && i < v->nh; i++) {
		if (i)
			rc = buf_putc(j, ',');
		if (rc == 0)
			rc = jstr(j, v->head[i], strlen(v->head[i]));
		if (rc == 0)
			rc = buf_putc(j, ':');
		if (rc == 0)
			rc = i < nf ? jstr(j, f[i], len[i]) : buf_puts(j, "null");
	}
	if (rc == 0)
		rc = buf_putc(j, '}');
	if (rc == 0 && has_point) {
		struct buf *g = &r->geojson;
		rc = buf_printf(g, "%s{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.10g,%.10g]},\"properties\":{",
				v->first_geo ? "\n" : ",\n", lon, lat);
		v->first_geo = 0;
		int first = 1;
		for (int i = 0; rc == 0 && i < v->nh && i < nf; i++) {
			if (i == r->lat_col || i == r->lon_col)
				continue;
			rc = buf_puts(g, first ? "" : ",");
			first = 0;
			if (rc == 0)
				rc = jstr(g, v->head[i], strlen(v->head[i]));
			if (rc == 0)
				rc = buf_putc(g, ':');
			if (rc == 0)
				rc = jstr(g, f[i], len[i]);
		}
		if (rc == 0)
			rc = buf_puts(g, "}}");
	}
	if (rc)
		r->derived_ok = 0;
}

static int on_record(void *arg, long line, int nf, const char *const *f,
		     const size_t *len)
{
	struct vstate *v = arg;
	struct opendata_report *r = v->rep;
	if (!v->head)
		return header(v, line, nf, f, len);
	if (nf == 1 && len[0] == 0)
		return 0; /* blank line */
	long row = ++r->rows;
	if (row > v->max_rows) {
		r->rows--;
		v->stop = 1;
		return ERR_LIMIT;
	}
	char ja[256], en[256];
	if (nf != v->nh) {
		snprintf(ja, sizeof ja, "列の数が見出し（%d列）と違い、%d列あります。", v->nh, nf);
		snprintf(en, sizeof en, "The row has %d fields; the header has %d.", nf, v->nh);
		problem(v, &(struct cell_at){ .row = row, .line = line, .col = 0 },
			OD_ERROR, "field_count", "", ja, en);
	}
	const struct opendata_format *fmt = r->format;
	for (int h = 0; fmt && h < nf && h < v->nh; h++)
		if (v->map[h] >= 0)
			check_cell(v, row, line, h, &fmt->cols[v->map[h]], f[h], len[h]);
	/* required columns the file lacks are reported once, at the header */
	double lat = 0, lon = 0;
	int has_point = 0;
	if (r->lat_col >= 0 && r->lon_col >= 0 && r->lat_col < nf && r->lon_col < nf &&
	    len[r->lat_col] && len[r->lon_col] &&
	    parse_num(&lat, f[r->lat_col]) == 0 && parse_num(&lon, f[r->lon_col]) == 0) {
		if (in_japan_lat(lat) && in_japan_lon(lon)) {
			has_point = 1;
		} else if (in_japan_lat(lon) && in_japan_lon(lat)) {
			snprintf(ja, sizeof ja, "緯度と経度が入れ替わっています（緯度 %s、経度 %s）。", f[r->lat_col], f[r->lon_col]);
			snprintf(en, sizeof en, "Latitude and longitude are swapped (緯度 %s, 経度 %s).", f[r->lat_col], f[r->lon_col]);
			problem(v, &(struct cell_at){ .row = row, .line = line, .col = r->lat_col + 1 },
				OD_ERROR, "latlon_swapped", "緯度", ja, en);
		} else {
			snprintf(ja, sizeof ja, "位置（緯度 %s、経度 %s）が日本の範囲外です。", f[r->lat_col], f[r->lon_col]);
			snprintf(en, sizeof en, "The point (緯度 %s, 経度 %s) is outside Japan.", f[r->lat_col], f[r->lon_col]);
			problem(v, &(struct cell_at){ .row = row, .line = line, .col = r->lat_col + 1 },
				OD_ERROR, "outside_japan", "緯度", ja, en);
		}
	}
	if (has_point)
		r->geo_rows++;
	if (v->o && v->o->derive)
		derive_row(v, nf, f, len, has_point, lat, lon);
	return 0;
}

static int begin(struct vstate *v, struct opendata_report *out,
		 const struct opendata_formats *fs,
		 const struct opendata_validate_opts *o)
{
	memset(out, 0, sizeof *out);
	memset(v, 0, sizeof *v);
	out->lat_col = out->lon_col = -1;
	out->problems = calloc(OPENDATA_PROBLEMS_KEPT, sizeof *out->problems);
	if (!out->problems)
		return ERR_NOMEM;
	buf_init(&out->json, OPENDATA_BLOB_MAX);
	buf_init(&out->geojson, OPENDATA_BLOB_MAX);
	out->derived_ok = o && o->derive;
	if (out->derived_ok) {
		buf_putc(&out->json, '[');
		buf_puts(&out->geojson, "{\"type\":\"FeatureCollection\",\"features\":[");
	}
	v->rep = out;
	v->fs = fs;
	v->o = o;
	v->max_rows = o && o->max_rows > 0 ? o->max_rows : OPENDATA_ROWS_MAX;
	v->first_geo = v->first_json = 1;
	return 0;
}

static int end(struct vstate *v, struct jp_csv_reader *rd, int rc, struct err *e)
{
	struct opendata_report *r = v->rep;
	r->encoding = jp_csv_reader_encoding(rd);
	if (rc == 0 && !v->head) {
		problem(v, &(struct cell_at){ .row = 0, .line = 1, .col = 0 },
			OD_ERROR, "empty", "", "ファイルが空です。", "The file is empty.");
		rc = err_set(e, ERR_INVALID, "empty file");
	}
	if (rc) {
		r->fatal = 1;
		r->derived_ok = 0;
		char ja[256], en[256];
		if (v->stop) {
			snprintf(ja, sizeof ja, "行数が上限（%ld行）を超えたため、検査を打ち切りました。ファイルを分けてください。", v->max_rows);
			snprintf(en, sizeof en, "More than %ld rows: validation stopped. Split the file.", v->max_rows);
			problem(v, &(struct cell_at){ .row = v->max_rows + 1, .line = e ? e->line : 0, .col = 0 },
				OD_ERROR, "too_many_rows", "", ja, en);
			rc = err_set(e, ERR_LIMIT, "more than %ld rows", v->max_rows);
		} else {
			snprintf(ja, sizeof ja, "%ld行目でファイルを読めませんでした（文字コードまたはCSVの形式の誤り）。", e ? e->line : 0L);
			snprintf(en, sizeof en, "The file cannot be read at line %ld (character encoding or CSV syntax): %.150s",
				 e ? e->line : 0L, e ? e->detail : "");
			problem(v, &(struct cell_at){ .row = 0, .line = e ? e->line : 0, .col = 0 },
				OD_ERROR, "unreadable", "", ja, en);
		}
	}
	if (r->derived_ok) {
		if (buf_puts(&r->json, "\n]\n") || buf_puts(&r->geojson, "\n]}\n"))
			r->derived_ok = 0;
	}
	for (int i = 0; i < v->nh; i++) {
		free(v->head ? v->head[i] : NULL);
		free(v->hkey ? v->hkey[i] : NULL);
	}
	free(v->head);
	free(v->hkey);
	free(v->map);
	jp_csv_reader_done(rd);
	return rc;
}

int opendata_validate_fd(struct opendata_report *out,
			 const struct opendata_formats *fs, int fd,
			 const struct opendata_validate_opts *o, struct err *e)
{
	struct vstate v;
	int rc = begin(&v, out, fs, o);
	if (rc)
		return rc;
	struct jp_csv_reader rd;
	jp_csv_reader_init(&rd, on_record, &v);
	enum { CHUNK = 1 << 16 };
	char *chunk = malloc(CHUNK);
	if (!chunk)
		rc = ERR_NOMEM;
	for (;;) {
		if (rc)
			break;
		ssize_t k = read(fd, chunk, CHUNK);
		if (k < 0) {
			rc = err_set(e, ERR_IO, "read failed");
			break;
		}
		if (k == 0) {
			rc = jp_csv_reader_finish(&rd, e);
			break;
		}
		rc = jp_csv_reader_feed(&rd, chunk, (size_t)k, e);
	}
	free(chunk);
	return end(&v, &rd, rc, e);
}

int opendata_validate_buf(struct opendata_report *out,
			  const struct opendata_formats *fs, const char *p,
			  size_t n, const struct opendata_validate_opts *o,
			  struct err *e)
{
	struct vstate v;
	int rc = begin(&v, out, fs, o);
	if (rc)
		return rc;
	struct jp_csv_reader rd;
	jp_csv_reader_init(&rd, on_record, &v);
	/* in slices, as a file would come */
	for (size_t off = 0; rc == 0 && off < n; off += 1u << 16) {
		size_t k = n - off < (1u << 16) ? n - off : (1u << 16);
		rc = jp_csv_reader_feed(&rd, p + off, k, e);
	}
	if (rc == 0)
		rc = jp_csv_reader_finish(&rd, e);
	return end(&v, &rd, rc, e);
}

void opendata_report_done(struct opendata_report *r)
{
	free(r->problems);
	r->problems = NULL;
	buf_done(&r->json);
	buf_done(&r->geojson);
}
