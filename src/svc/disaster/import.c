/*
 * import.c -- the shelter master from GSI files (contract in disaster.h):
 * GeoJSON through jansson, GSI's CSV through src/jp's reader (UTF-8, BOM
 * or CP932), one upsert per facility key; and the ward's designation
 * (disaster_designate) matched by normalised address, then name.
 *
 * Invariants: a row breaking a rule writes nothing and is reported with
 * its line (CSV) or feature index (GeoJSON); every other row is written;
 * the same file gives the same keys and so the same rows (select by
 * (tenant, key), then insert or update: never a second row).  Every row
 * written is in the caller's transaction, or in one of the import's own.
 */
#include "svc/disaster/disaster.h"
#include "svc/disaster/disaster_int.h"
#include "store/store.h"
#include "jp/address.h"
#include "jp/csv.h"
#include "jp/text.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct disaster_hazard_name disaster_hazards[DISASTER_NHAZARDS] = {
	{ DISASTER_FLOOD, "flood", "洪水" },
	{ DISASTER_LANDSLIDE, "landslide", "崖崩れ、土石流及び地滑り" },
	{ DISASTER_STORM_SURGE, "storm_surge", "高潮" },
	{ DISASTER_EARTHQUAKE, "earthquake", "地震" },
	{ DISASTER_TSUNAMI, "tsunami", "津波" },
	{ DISASTER_FIRE, "fire", "大規模な火事" },
	{ DISASTER_INLAND_FLOOD, "inland_flood", "内水氾濫" },
	{ DISASTER_VOLCANO, "volcano", "火山現象" },
};

unsigned disaster_hazard_parse(const char *code)
{
	for (int i = 0; code && i < DISASTER_NHAZARDS; i++)
		if (strcmp(code, disaster_hazards[i].code) == 0)
			return disaster_hazards[i].bit;
	return 0;
}

int disaster_key(char *out, const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > DISASTER_ID_MAX)
		return ERR_INVALID;
	int digits = 1;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return ERR_INVALID;
		if (i > 0 && (c < '0' || c > '9'))
			digits = 0;
	}
	/* E + 13 digits whose 12th and 13th say the kind (2 0n emergency,
	 * 1 1n designated): the facility is E + municipality + serial + n */
	if (n == 14 && id[0] == 'E' && digits &&
	    ((id[11] == '2' && id[12] == '0') || (id[11] == '1' && id[12] == '1'))) {
		memcpy(out, id, 11);
		out[11] = id[13];
		out[12] = '\0';
		return 0;
	}
	memcpy(out, id, n + 1);
	return 0;
}

int disaster_key_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > DISASTER_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* well-formed UTF-8 of at most max bytes without control characters */
int disaster_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s), bad;
	if (n > max || jp_text_utf8_validate(&bad, s, n, NULL))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* ---- one row, from either form ---- */

struct row {
	const char *id, *name, *address, *accepts, *note;
	int64_t lat_e6, lon_e6;
	unsigned hazards;
};

static void problem(struct disaster_import_report *rep, long line, long feature, const char *field,
		    const char *ja, const char *en)
{
	rep->rejected++;
	if (rep->nproblems >= DISASTER_PROBLEMS_MAX)
		return;
	struct disaster_problem *p = &rep->problems[rep->nproblems++];
	p->line = line;
	p->feature = feature;
	p->ja = ja;
	p->en = en;
	snprintf(p->field, sizeof p->field, "%s", field ? field : "");
}

/* Japan's extent, with room: a point outside is a swapped or broken pair */
static int in_japan(int64_t lat_e6, int64_t lon_e6)
{
	return lat_e6 >= 20000000 && lat_e6 <= 46000000 && lon_e6 >= 122000000 && lon_e6 <= 154000000;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* checks a row and writes it; 0 also when rejected (reported) */
static int put_row(struct disaster_import_report *rep, struct store *s, const char *tenant,
		   const struct row *w, long line, long feature, int64_t now, struct err *e)
{
	char key[DISASTER_KEY_MAX + 1];
	if (!w->id || !*w->id) {
		problem(rep, line, feature, "共通ID", "共通IDがありません。", "The 共通ID (common id) is missing.");
		return 0;
	}
	if (disaster_key(key, w->id)) {
		problem(rep, line, feature, "共通ID", "共通IDは英大文字と数字で32文字までです。",
			"The 共通ID must be up to 32 capital letters and digits.");
		return 0;
	}
	if (!w->name || !*w->name || !disaster_text_ok(w->name, DISASTER_NAME_MAX)) {
		problem(rep, line, feature, "施設・場所名", "施設・場所名がないか、長すぎるか、使えない文字を含みます。",
			"The name (施設・場所名) is missing, too long or holds characters that cannot be used.");
		return 0;
	}
	if (!w->address || !*w->address || !disaster_text_ok(w->address, DISASTER_ADDRESS_MAX)) {
		problem(rep, line, feature, "住所", "住所がないか、長すぎるか、使えない文字を含みます。",
			"The address (住所) is missing, too long or holds characters that cannot be used.");
		return 0;
	}
	if ((w->accepts && !disaster_text_ok(w->accepts, DISASTER_NOTE_MAX)) ||
	    (w->note && !disaster_text_ok(w->note, DISASTER_NOTE_MAX))) {
		problem(rep, line, feature, "備考", "備考または受入対象者が長すぎるか、使えない文字を含みます。",
			"A note (備考, 受入対象者) is too long or holds characters that cannot be used.");
		return 0;
	}
	if (!in_japan(w->lat_e6, w->lon_e6)) {
		problem(rep, line, feature, "緯度・経度", "緯度・経度が日本の範囲にありません。",
			"The latitude and longitude are not in Japan.");
		return 0;
	}
	int em = rep->kind == DISASTER_KIND_EMERGENCY;
	int64_t id;
	struct store_val k[] = { sv_text(tenant), sv_text(key) };
	int rc = store_query_int(&id, s, "SELECT id FROM disaster_shelters WHERE tenant = $1 AND key = $2", k, 2, e);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	/* $1 tenant $2 key $3 共通ID $4 name $5 address $6 lat $7 lon $8 now
	 * $9 hazards (emergency) or 受入対象者 (designated) $10 備考 */
	struct store_val v[] = {
		sv_text(tenant), sv_text(key), sv_text(w->id), sv_text(w->name), sv_text(w->address),
		sv_int(w->lat_e6), sv_int(w->lon_e6), sv_int(now),
		em ? sv_int(w->hazards) : sv_text(nonempty(w->accepts)), sv_text(nonempty(w->note)),
	};
	if (rc == ERR_NOTFOUND) {
		rc = store_query_int(&id, s, em
			? "INSERT INTO disaster_shelters (tenant, key, emergency_id, name_e, address, lat_e6, lon_e6,"
			  " created_at, updated_at, is_emergency, hazards, note_e)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1, $9, $10) RETURNING id"
			: "INSERT INTO disaster_shelters (tenant, key, designated_id, name_d, address, lat_e6, lon_e6,"
			  " created_at, updated_at, is_designated, accepts, note_d)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1, $9, $10) RETURNING id", v, SV_N(v), e);
		if (rc)
			return rc;
		struct store_val sv[] = { sv_int(id), sv_text(tenant) };
		if ((rc = store_exec(s, "INSERT INTO disaster_status (shelter_id, tenant, state) VALUES ($1, $2, 'unopened')",
				     sv, 2, e)) < 0)
			return rc;
		rep->inserted++;
		return 0;
	}
	rc = store_exec(s, em
		? "UPDATE disaster_shelters SET emergency_id = $3, name_e = $4, address = $5, lat_e6 = $6, lon_e6 = $7,"
		  " updated_at = $8, is_emergency = 1, hazards = $9, note_e = $10 WHERE tenant = $1 AND key = $2"
		: "UPDATE disaster_shelters SET designated_id = $3, name_d = $4, address = $5, lat_e6 = $6, lon_e6 = $7,"
		  " updated_at = $8, is_designated = 1, accepts = $9, note_d = $10 WHERE tenant = $1 AND key = $2",
		v, SV_N(v), e);
	if (rc < 0)
		return rc;
	rep->updated++;
	return 0;
}

/* ---- GeoJSON ---- */

static const char *jstr(json_t *props, const char *name, int *bad)
{
	json_t *v = json_object_get(props, name);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	*bad = 1;
	return NULL;
}

/* a hazard flag: "1" / 1 set, "" / null / 0 / "0" / absent not */
static int jflag(json_t *props, const char *name, int *bad)
{
	json_t *v = json_object_get(props, name);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		return (int)json_integer_value(v);
	if (json_is_string(v)) {
		const char *t = json_string_value(v);
		if (!*t || !strcmp(t, "0"))
			return 0;
		if (!strcmp(t, "1"))
			return 1;
	}
	*bad = 1;
	return 0;
}

static int kind_of_props(json_t *props)
{
	for (int i = 0; i < DISASTER_NHAZARDS; i++)
		if (json_object_get(props, disaster_hazards[i].gsi))
			return DISASTER_KIND_EMERGENCY;
	if (json_object_get(props, "受入対象者") || json_object_get(props, "指定緊急避難場所との住所同一"))
		return DISASTER_KIND_DESIGNATED;
	return 0;
}

static int import_geojson(struct disaster_import_report *rep, struct store *s, const char *tenant,
			  const char *data, size_t len, int64_t now, struct err *e)
{
	json_error_t je;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return err_set(e, ERR_INVALID, "disaster: not JSON (line %d: %s)", je.line, je.text);
	json_t *fs = json_object_get(root, "features");
	int rc = 0;
	if (!json_is_object(root) || !json_is_array(fs)) {
		rc = err_set(e, ERR_INVALID, "disaster: no FeatureCollection with features");
		goto out;
	}
	size_t n = json_array_size(fs);
	if (n > DISASTER_ROWS_MAX) {
		rc = err_set(e, ERR_LIMIT, "disaster: %zu features, at most %d", n, DISASTER_ROWS_MAX);
		goto out;
	}
	for (size_t i = 0; i < n && !rep->kind; i++)
		rep->kind = kind_of_props(json_object_get(json_array_get(fs, i), "properties"));
	if (!rep->kind) {
		rc = err_set(e, ERR_INVALID, "disaster: no feature has GSI shelter properties");
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_t *f = json_array_get(fs, i);
		json_t *g = json_object_get(f, "geometry"), *props = json_object_get(f, "properties");
		json_t *c = json_object_get(g, "coordinates");
		rep->rows++;
		if (!json_is_object(f) || !json_is_object(props)) {
			problem(rep, 0, (long)i, "properties", "地物に properties がありません。",
				"The feature has no properties.");
			continue;
		}
		const char *type = json_string_value(json_object_get(g, "type"));
		if (!type || strcmp(type, "Point") || json_array_size(c) < 2 || !json_is_number(json_array_get(c, 0)) ||
		    !json_is_number(json_array_get(c, 1))) {
			problem(rep, 0, (long)i, "geometry", "位置が点（Point）の座標ではありません。",
				"The geometry is not a Point with coordinates.");
			continue;
		}
		double lon = json_number_value(json_array_get(c, 0)), lat = json_number_value(json_array_get(c, 1));
		int bad = 0;
		struct row w = {
			.id = jstr(props, "共通ID", &bad), .name = jstr(props, "施設・場所名", &bad),
			.address = jstr(props, "住所", &bad), .accepts = jstr(props, "受入対象者", &bad),
			.note = jstr(props, "備考", &bad),
			.lat_e6 = isfinite(lat) && fabs(lat) < 1000 ? llround(lat * 1e6) : 0,
			.lon_e6 = isfinite(lon) && fabs(lon) < 1000 ? llround(lon * 1e6) : 0,
		};
		if (rep->kind == DISASTER_KIND_EMERGENCY)
			for (int h = 0; h < DISASTER_NHAZARDS; h++)
				if (jflag(props, disaster_hazards[h].gsi, &bad))
					w.hazards |= disaster_hazards[h].bit;
		if (bad) {
			problem(rep, 0, (long)i, "properties", "属性の値の型が正しくありません（文字列か、災害種別は \"1\" か空）。",
				"A property has the wrong type (text; a hazard is \"1\" or empty).");
			continue;
		}
		rc = put_row(rep, s, tenant, &w, 0, (long)i, now, e);
	}
out:
	json_decref(root);
	return rc;
}

/* ---- CSV ---- */

enum { C_ID, C_NAME, C_ADDR, C_LAT, C_LON, C_NOTE, C_ACCEPTS, C_HAZ0, C_N = C_HAZ0 + DISASTER_NHAZARDS };

struct csv_ctx {
	struct disaster_import_report *rep;
	struct store *s;
	const char *tenant;
	int64_t now;
	struct err *e;
	int col[C_N];               /* field index, -1: absent            */
	int header;
	int rc;                     /* a store error stops the reader     */
};

/* decimal degrees "35.700322" into *e6; -1 for anything else */
static int parse_deg(int64_t *e6, const char *t)
{
	char *end;
	if (!*t || strspn(t, "0123456789.-+") != strlen(t))
		return -1;
	double d = strtod(t, &end);
	if (*end || !isfinite(d) || fabs(d) > 1000)
		return -1;
	*e6 = llround(d * 1e6);
	return 0;
}

static int csv_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)len;
	struct csv_ctx *c = arg;
	struct disaster_import_report *rep = c->rep;
	if (!c->header) {
		static const char *const names[C_HAZ0] = { "共通ID", "施設・場所名", "住所", "緯度", "経度", "備考",
							    "受入対象者" };
		for (int k = 0; k < C_N; k++)
			c->col[k] = -1;
		for (int i = 0; i < nf; i++) {
			for (int k = 0; k < C_HAZ0; k++)
				if (!strcmp(f[i], names[k]))
					c->col[k] = i;
			for (int h = 0; h < DISASTER_NHAZARDS; h++)
				if (!strcmp(f[i], disaster_hazards[h].gsi))
					c->col[C_HAZ0 + h] = i;
			if (!strcmp(f[i], "指定緊急避難場所との住所同一") && !rep->kind)
				rep->kind = DISASTER_KIND_DESIGNATED;
		}
		for (int h = 0; h < DISASTER_NHAZARDS; h++)
			if (c->col[C_HAZ0 + h] >= 0)
				rep->kind = DISASTER_KIND_EMERGENCY;
		if (c->col[C_ACCEPTS] >= 0 && !rep->kind)
			rep->kind = DISASTER_KIND_DESIGNATED;
		c->header = 1;
		if (!rep->kind || c->col[C_ID] < 0 || c->col[C_NAME] < 0 || c->col[C_ADDR] < 0 ||
		    c->col[C_LAT] < 0 || c->col[C_LON] < 0) {
			c->rc = err_set(c->e, ERR_INVALID, "disaster: the header lacks 共通ID, 施設・場所名, 住所, 緯度,"
					" 経度 or the columns of a kind");
			return 1;
		}
		return 0;
	}
	if (nf == 1 && !*f[0])
		return 0;   /* an empty line */
	if (++rep->rows > DISASTER_ROWS_MAX) {
		c->rc = err_set(c->e, ERR_LIMIT, "disaster: more than %d rows", DISASTER_ROWS_MAX);
		return 1;
	}
#define F(k) (c->col[k] >= 0 && c->col[k] < nf ? f[c->col[k]] : NULL)
	struct row w = { .id = F(C_ID), .name = F(C_NAME), .address = F(C_ADDR), .accepts = F(C_ACCEPTS),
			 .note = F(C_NOTE) };
	if (!F(C_LAT) || !F(C_LON) || parse_deg(&w.lat_e6, F(C_LAT)) || parse_deg(&w.lon_e6, F(C_LON))) {
		problem(rep, line, -1, "緯度・経度", "緯度・経度が数値ではありません。",
			"The latitude and longitude are not numbers.");
		return 0;
	}
	if (rep->kind == DISASTER_KIND_EMERGENCY)
		for (int h = 0; h < DISASTER_NHAZARDS; h++) {
			const char *t = F(C_HAZ0 + h);
			if (t && !strcmp(t, "1"))
				w.hazards |= disaster_hazards[h].bit;
			else if (t && *t && strcmp(t, "0")) {
				problem(rep, line, -1, disaster_hazards[h].gsi, "災害種別の欄は 1 か空にしてください。",
					"A hazard column must be 1 or empty.");
				return 0;
			}
		}
#undef F
	if ((c->rc = put_row(rep, c->s, c->tenant, &w, line, -1, c->now, c->e)))
		return 1;
	return 0;
}

static int import_csv(struct disaster_import_report *rep, struct store *s, const char *tenant,
		      const char *data, size_t len, int64_t now, struct err *e)
{
	struct csv_ctx c = { .rep = rep, .s = s, .tenant = tenant, .now = now, .e = e };
	struct jp_csv_reader rd;
	jp_csv_reader_init(&rd, csv_record, &c);
	struct err ce;
	err_clear(&ce);
	int rc = jp_csv_reader_feed(&rd, data, len, &ce);
	if (rc == 0)
		rc = jp_csv_reader_finish(&rd, &ce);
	jp_csv_reader_done(&rd);
	if (c.rc)
		return c.rc;
	if (rc) {
		/* a malformed CSV: where it broke (the reader names the line) */
		if (e)
			*e = ce;
		return rc < 0 ? rc : ERR_INVALID;
	}
	if (!c.header)
		return err_set(e, ERR_INVALID, "disaster: an empty file");
	return 0;
}

int disaster_import(struct disaster_import_report *rep, struct store *s, const char *tenant,
		    const char *data, size_t len, int64_t now, struct err *e)
{
	memset(rep, 0, sizeof *rep);
	if (len > DISASTER_FILE_MAX)
		return err_set(e, ERR_LIMIT, "disaster: the file is over %u bytes", DISASTER_FILE_MAX);
	size_t i = 0;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	rep->geojson = i < len && data[i] == '{';
	int own = !store_in_tx(s);
	int rc = own ? store_begin(s, e) : 0;
	if (rc)
		return rc;
	rc = rep->geojson ? import_geojson(rep, s, tenant, data + i, len - i, now, e)
			  : import_csv(rep, s, tenant, data, len, now, e);
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}
