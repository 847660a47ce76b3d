/*
 * publish.c -- one CSV into the catalog, shared by the import command and
 * the staff publishing page: the file (as it came, never transcoded) with
 * its validation report, and the GeoJSON and JSON derived from it when it
 * has usable points, as new versions of the dataset's resources; and the
 * report as JSON (counts and the first problems).
 *
 * Invariant: the caller holds the transaction, so the CSV, its derived
 * files and the dataset's search projection change together or not at
 * all.  A version is new only when the bytes differ (opendata_resource_put).
 */
#include "svc/opendata/opendata.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *opendata_report_json(const struct opendata_report *r, int maxp)
{
	json_t *a = json_array();
	for (int i = 0; i < r->nproblems && i < maxp; i++) {
		const struct opendata_problem *p = &r->problems[i];
		json_array_append_new(a, json_pack("{s:I,s:I,s:i,s:s,s:s,s:s,s:s,s:s}",
			"row", (json_int_t)p->row, "line", (json_int_t)p->line, "col", p->col,
			"severity", p->sev == OD_ERROR ? "error" : "warning", "code", p->code,
			"column", p->column, "ja", p->ja, "en", p->en));
	}
	json_t *o = json_pack("{s:s,s:s?,s:I,s:I,s:I,s:I,s:I,s:b,s:o}",
		"encoding", r->encoding ? r->encoding : "", "format", r->format ? r->format->id : NULL,
		"rows", (json_int_t)r->rows, "columns", (json_int_t)r->cols,
		"errors", (json_int_t)r->nerrors, "warnings", (json_int_t)r->nwarnings,
		"points", (json_int_t)r->geo_rows, "complete", !r->fatal, "problems", a);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

int opendata_csv_publish(struct opendata_published *out, struct store *s,
			 const char *tenant, const char *dataset_id,
			 const struct opendata_csv_in *in, int64_t now, struct err *e)
{
	const char *name = in->name;
	const struct opendata_report *rep = in->report;
	memset(out, 0, sizeof *out);
	char *report = rep ? opendata_report_json(rep, 50) : NULL;
	struct opendata_resource_in csv = { .name = name, .format = "CSV", .mimetype = "text/csv",
					    .report = report, .data = in->data, .len = in->len };
	struct opendata_resource_out put = { .changed = 0 };
	int rc = opendata_resource_put(&put, s, tenant, dataset_id, &csv, now, e);
	free(report);
	memcpy(out->id, put.id, sizeof out->id);
	out->version = put.version;
	out->changed = put.changed;
	if (rc || !rep || rep->geo_rows <= 0 || !rep->derived_ok)
		return rc;
	char stem[512], gj[600], jn[600];
	snprintf(stem, sizeof stem, "%s", name);
	char *dot = strrchr(stem, '.');
	if (dot)
		*dot = '\0';
	snprintf(gj, sizeof gj, "%s.geojson", stem);
	snprintf(jn, sizeof jn, "%s.json", stem);
	struct opendata_resource_in g = { .name = gj, .format = "GeoJSON", .mimetype = "application/geo+json",
					  .derived_from = name, .data = rep->geojson.data, .len = rep->geojson.len,
					  .description = "CSV の緯度・経度から自動生成 / derived from the CSV's 緯度/経度" };
	struct opendata_resource_in jj = { .name = jn, .format = "JSON", .mimetype = "application/json",
					   .derived_from = name, .data = rep->json.data, .len = rep->json.len,
					   .description = "CSV から自動生成 / derived from the CSV" };
	if ((rc = opendata_resource_put(&put, s, tenant, dataset_id, &g, now, e)))
		return rc;
	out->derived_changed += put.changed;
	if ((rc = opendata_resource_put(&put, s, tenant, dataset_id, &jj, now, e)))
		return rc;
	out->derived_changed += put.changed;
	out->derived = 2;
	return 0;
}
