/*
 * shelter.c -- reading shelters, the ward's designation, and the live
 * status with its version check and history (contract in disaster.h).
 *
 * Invariants: a status change is one UPDATE conditioned on the version it
 * was made from (WHERE version = from): of concurrent writers from the
 * same version exactly one changes a row (SQLite: BEGIN IMMEDIATE
 * serialises them; PostgreSQL: the second UPDATE waits for the first and
 * re-reads the row, whose version no longer matches), and its history
 * row is written in the same transaction (UNIQUE (shelter_id, version)
 * backs it).  Nothing here logs; status notes and staff names are not
 * personal data of residents.
 */
#include "svc/disaster/disaster.h"
#include "svc/disaster/disaster_int.h"
#include "store/store.h"
#include "jp/address.h"
#include "jp/csv.h"
#include "jp/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = { "unopened", "open", "full", "closed" };

const char *disaster_state_name(enum disaster_state st)
{
	return (unsigned)st < 4 ? state_names[st] : "unopened";
}

int disaster_state_parse(const char *s)
{
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

int disaster_is_stale(const struct disaster_shelter *sh, int64_t now, int64_t stale_secs)
{
	return sh->status_at > 0 && now - sh->status_at > stale_secs;
}

/* own transaction when the caller has none */
static int own_begin(int *own, struct store *s, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int own_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- reading ---- */

#define COLS "d.id, d.key, d.emergency_id, d.designated_id, COALESCE(d.name_d, d.name_e), d.address," \
	     " d.lat_e6, d.lon_e6, d.is_emergency, d.hazards, d.is_designated, d.accepts, d.note_e, d.note_d," \
	     " d.ward_designation, t.state, t.people, t.needs, t.note, t.version, t.updated_at"
#define FROM " FROM disaster_shelters d JOIN disaster_status t ON t.shelter_id = d.id"

static const char *opt(struct store_rows *r, int col)
{
	return store_col_isnull(r, col) || !*store_col_text(r, col) ? NULL : store_col_text(r, col);
}

/* the current row; note may point into buf (both kinds' 備考) */
static void row_shelter(struct disaster_shelter *sh, struct store_rows *r, char *buf, size_t size)
{
	sh->id = store_col_int(r, 0);
	sh->key = store_col_text(r, 1);
	sh->emergency_id = opt(r, 2);
	sh->designated_id = opt(r, 3);
	sh->name = store_col_text(r, 4);
	sh->address = store_col_text(r, 5);
	sh->lat_e6 = store_col_int(r, 6);
	sh->lon_e6 = store_col_int(r, 7);
	sh->is_emergency = (int)store_col_int(r, 8);
	sh->hazards = (unsigned)store_col_int(r, 9);
	sh->is_designated = (int)store_col_int(r, 10);
	sh->accepts = opt(r, 11);
	const char *ne = opt(r, 12), *nd = opt(r, 13);
	if (ne && nd && strcmp(ne, nd)) {
		snprintf(buf, size, "%s / %s", ne, nd);
		sh->note = buf;
	} else {
		sh->note = ne ? ne : nd;
	}
	sh->ward_designation = opt(r, 14);
	int st = disaster_state_parse(store_col_text(r, 15));
	sh->state = st < 0 ? DISASTER_UNOPENED : (enum disaster_state)st;
	sh->people = store_col_int(r, 16);
	sh->needs = (unsigned)store_col_int(r, 17);
	sh->status_note = opt(r, 18);
	sh->version = store_col_int(r, 19);
	sh->status_at = store_col_int(r, 20);
}

static const char *dup(struct arena *a, const char *s, int *fail)
{
	if (!s)
		return NULL;
	char *d = arena_strdup(a, s);
	if (!d)
		*fail = 1;
	return d;
}

int disaster_get(struct disaster_shelter *out, struct arena *a, struct store *s, const char *tenant,
		 const char *key, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(key) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS FROM " WHERE d.tenant = $1 AND d.key = $2", v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		char buf[2 * DISASTER_NOTE_MAX + 8];
		struct disaster_shelter sh;
		row_shelter(&sh, r, buf, sizeof buf);
		int fail = 0;
		*out = sh;
		out->key = dup(a, sh.key, &fail);
		out->emergency_id = dup(a, sh.emergency_id, &fail);
		out->designated_id = dup(a, sh.designated_id, &fail);
		out->name = dup(a, sh.name, &fail);
		out->address = dup(a, sh.address, &fail);
		out->accepts = dup(a, sh.accepts, &fail);
		out->note = dup(a, sh.note, &fail);
		out->ward_designation = dup(a, sh.ward_designation, &fail);
		out->status_note = dup(a, sh.status_note, &fail);
		rc = fail ? err_set(e, ERR_NOMEM, "disaster: no memory") : 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "disaster: no shelter %s", key);
	}
	store_rows_free(r);
	return rc;
}

/* "%text%" for LIKE with % _ \ escaped, from the NFKC of text; NULL: any */
static char *like_of(const char *text, struct err *e, int *rc)
{
	*rc = 0;
	if (!text || !*text)
		return NULL;
	char *n;
	if ((*rc = jp_text_nfkc(&n, text, strlen(text), e)))
		return NULL;
	size_t len = strlen(n);
	char *p = malloc(2 * len + 3);
	if (!p) {
		free(n);
		*rc = err_set(e, ERR_NOMEM, "disaster: no memory");
		return NULL;
	}
	size_t j = 0;
	p[j++] = '%';
	for (size_t i = 0; i < len; i++) {
		if (n[i] == '%' || n[i] == '_' || n[i] == '\\')
			p[j++] = '\\';
		p[j++] = n[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	free(n);
	return p;
}

int disaster_list(struct store *s, const char *tenant, const struct disaster_query *q,
		  void (*fn)(const struct disaster_shelter *sh, void *arg), void *arg, struct err *e)
{
	if (q->limit < 0 || q->limit > DISASTER_PAGE_MAX || q->offset < 0 || q->state > DISASTER_CLOSED)
		return err_set(e, ERR_INVALID, "disaster: limit 0..%d, offset >= 0", DISASTER_PAGE_MAX);
	if (q->text && !disaster_text_ok(q->text, DISASTER_NAME_MAX))
		return err_set(e, ERR_INVALID, "disaster: a search text over %d bytes", DISASTER_NAME_MAX);
	int rc;
	char *like = like_of(q->text, e, &rc);
	if (rc)
		return rc;
#define WHERE " WHERE d.tenant = $1 AND (CAST($2 AS INTEGER) = 0 OR (d.hazards & CAST($2 AS INTEGER)) <> 0)" \
	      " AND (CAST($3 AS TEXT) = '' OR t.state = $3)" \
	      " AND (CAST($4 AS TEXT) = '' OR COALESCE(d.name_d, '') LIKE $4 ESCAPE '\\'" \
	      " OR COALESCE(d.name_e, '') LIKE $4 ESCAPE '\\' OR d.address LIKE $4 ESCAPE '\\')"
	struct store_val v[] = { sv_text(tenant), sv_int(q->hazard),
				 sv_text(q->state < 0 ? "" : disaster_state_name((enum disaster_state)q->state)),
				 sv_text(like ? like : ""), sv_int(q->limit), sv_int(q->offset) };
	int64_t total;
	rc = store_query_int(&total, s, "SELECT count(*)" FROM WHERE, v, 4, e);
	struct store_rows *r = NULL;
	if (rc == 0)
		rc = store_query(&r, s, "SELECT " COLS FROM WHERE " ORDER BY d.key LIMIT $5 OFFSET $6", v, SV_N(v), e);
#undef WHERE
	if (rc) {
		free(like);
		return rc;
	}
	char buf[2 * DISASTER_NOTE_MAX + 8];
	while ((rc = store_rows_next(r, e)) == 1) {
		struct disaster_shelter sh;
		row_shelter(&sh, r, buf, sizeof buf);
		fn(&sh, arg);
	}
	store_rows_free(r);
	free(like);   /* bound to the statement until its rows are read */
	return rc < 0 ? rc : (int)(total > DISASTER_ROWS_MAX * 4 ? DISASTER_ROWS_MAX * 4 : total);
}

int disaster_points(struct disaster_point **out, int *n, struct arena *a, struct store *s,
		    const char *tenant, struct err *e)
{
	struct store_val v[] = { sv_text(tenant) };
	int64_t total;
	int rc = store_query_int(&total, s, "SELECT count(*) FROM disaster_shelters WHERE tenant = $1", v, 1, e);
	if (rc)
		return rc;
	if (total > 4 * DISASTER_ROWS_MAX)
		return err_set(e, ERR_LIMIT, "disaster: %lld shelters", (long long)total);
	struct disaster_point *p = arena_alloc(a, (size_t)(total ? total : 1) * sizeof *p);
	if (!p)
		return err_set(e, ERR_NOMEM, "disaster: no memory");
	struct store_rows *r;
	if ((rc = store_query(&r, s, "SELECT d.id, d.key, d.lat_e6, d.lon_e6, d.hazards, t.state" FROM
			      " WHERE d.tenant = $1 ORDER BY d.id", v, 1, e)))
		return rc;
	int k = 0;
	while (k < total && (rc = store_rows_next(r, e)) == 1) {
		int st = disaster_state_parse(store_col_text(r, 5));
		p[k] = (struct disaster_point){
			.id = store_col_int(r, 0), .key = arena_strdup(a, store_col_text(r, 1)),
			.lat = (double)store_col_int(r, 2) / 1e6, .lon = (double)store_col_int(r, 3) / 1e6,
			.hazards = (unsigned)store_col_int(r, 4),
			.state = st < 0 ? DISASTER_UNOPENED : (enum disaster_state)st,
		};
		if (!p[k].key) {
			rc = err_set(e, ERR_NOMEM, "disaster: no memory");
			break;
		}
		k++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = p;
	*n = k;
	return 0;
}

/* ---- status ---- */

int disaster_status_check(const struct disaster_status *st, const char **ja, const char **en)
{
	const char *j = NULL, *n = NULL;
	if ((unsigned)st->state > DISASTER_CLOSED) {
		j = "状態を選んでください。";
		n = "Choose a state.";
	} else if (st->people < 0 || st->people > DISASTER_PEOPLE_MAX) {
		j = "避難者数は 0 から 100000 までの数で入力してください。";
		n = "Enter the people present as a number from 0 to 100000.";
	} else if (st->needs & ~DISASTER_NEEDS_ALL) {
		j = "必要な物資の選び方が正しくありません。";
		n = "The needs are not valid.";
	} else if (st->note && !disaster_text_ok(st->note, DISASTER_STATUS_NOTE_MAX)) {
		j = "メモは400バイト（全角約130文字）までで、改行や制御文字は使えません。";
		n = "The note is at most 400 bytes (about 130 full-width characters), on one line.";
	}
	if (ja)
		*ja = j;
	if (en)
		*en = n;
	return j ? ERR_INVALID : 0;
}

static int status_set(int64_t *version, struct store *s, const char *tenant, const char *key,
		      const struct disaster_status *st, int64_t from, int64_t staff_id, const char *staff_name,
		      int64_t now, struct err *e)
{
	int64_t id;
	struct store_val k[] = { sv_text(tenant), sv_text(key) };
	int rc = store_query_int(&id, s, "SELECT id FROM disaster_shelters WHERE tenant = $1 AND key = $2", k, 2, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "disaster: no shelter %s", key);
	if (rc)
		return rc;
	const char *note = st->note && *st->note ? st->note : NULL;
	struct store_val v[] = { sv_int(id), sv_int(from), sv_text(disaster_state_name(st->state)), sv_int(st->people),
				 sv_int(st->needs), sv_text(note), sv_int(now),
				 staff_id ? sv_int(staff_id) : sv_null(), sv_text(staff_name), sv_text(tenant) };
	int n = store_exec(s, "UPDATE disaster_status SET state = $3, people = $4, needs = $5, note = $6,"
			   " updated_at = $7, updated_by = $8, updated_by_name = $9, version = version + 1"
			   " WHERE shelter_id = $1 AND version = $2 AND tenant = $10", v, SV_N(v), e);
	if (n < 0)
		return n;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "disaster: the status of %s changed since version %lld", key,
			       (long long)from);
	struct store_val h[] = { sv_int(id), sv_int(from + 1), sv_text(disaster_state_name(st->state)),
				 sv_int(st->people), sv_int(st->needs), sv_text(note), sv_int(now),
				 staff_id ? sv_int(staff_id) : sv_null(), sv_text(staff_name), sv_text(tenant) };
	if ((rc = store_exec(s, "INSERT INTO disaster_status_history (shelter_id, version, state, people, needs,"
			     " note, updated_at, updated_by, updated_by_name, tenant)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", h, SV_N(h), e)) < 0)
		return rc;
	*version = from + 1;
	return 0;
}

int disaster_status_set(int64_t *version, struct store *s, const char *tenant, const char *key,
			const struct disaster_status *st, int64_t from, int64_t staff_id,
			const char *staff_name, int64_t now, struct err *e)
{
	if (disaster_status_check(st, NULL, NULL))
		return err_set(e, ERR_INVALID, "disaster: a status not valid");
	if (staff_name && !disaster_text_ok(staff_name, DISASTER_NAME_MAX))
		return err_set(e, ERR_INVALID, "disaster: a staff name not valid");
	int own;
	int rc = own_begin(&own, s, e);
	if (rc)
		return rc;
	return own_end(s, own, status_set(version, s, tenant, key, st, from, staff_id, staff_name, now, e), e);
}

int disaster_history(struct store *s, const char *tenant, const char *key, int limit,
		     void (*fn)(const struct disaster_change *c, void *arg), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(key), sv_int(limit < 0 ? 0 : limit) };
	int64_t total;
#define HFROM " FROM disaster_status_history h JOIN disaster_shelters d ON d.id = h.shelter_id" \
	      " WHERE d.tenant = $1 AND d.key = $2"
	int rc = store_query_int(&total, s, "SELECT count(*)" HFROM, v, 2, e);
	struct store_rows *r;
	if (rc == 0)
		rc = store_query(&r, s, "SELECT h.version, h.state, h.people, h.needs, h.note, h.updated_at,"
				 " h.updated_by_name" HFROM " ORDER BY h.version DESC LIMIT $3", v, 3, e);
#undef HFROM
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		int st = disaster_state_parse(store_col_text(r, 1));
		struct disaster_change c = {
			.version = store_col_int(r, 0), .state = st < 0 ? DISASTER_UNOPENED : (enum disaster_state)st,
			.people = store_col_int(r, 2), .needs = (unsigned)store_col_int(r, 3), .note = opt(r, 4),
			.at = store_col_int(r, 5), .by = opt(r, 6),
		};
		fn(&c, arg);
	}
	store_rows_free(r);
	return rc < 0 ? rc : (int)total;
}

/* ---- the ward's designation ---- */

int disaster_address_key(char **out, const char *addr, struct err *e)
{
	char *n, *a;
	int rc = jp_text_nfkc(&n, addr, strlen(addr), e);
	if (rc)
		return rc;
	rc = jp_address_normalize(&a, n, strlen(n), e);
	free(n);
	if (rc)
		return rc;
	size_t len = strlen(a), j = 0;
	char *o = malloc(len + 1);
	if (!o) {
		free(a);
		return err_set(e, ERR_NOMEM, "disaster: no memory");
	}
	for (size_t i = 0; i < len;) {
		int after_digit = j > 0 && o[j - 1] >= '0' && o[j - 1] <= '9';
		const char *p = a + i;
		size_t w = !strncmp(p, "丁目", 6) ? 6 : !strncmp(p, "番地", 6) ? 6 : !strncmp(p, "番", 3) ? 3
			 : !strncmp(p, "号", 3) ? 3 : 0;
		if (after_digit && w) {
			int next_digit = a[i + w] >= '0' && a[i + w] <= '9';
			if (next_digit && strncmp(p, "号", 3))
				o[j++] = '-';
			i += w;
			continue;
		}
		if (*p == ' ') {
			i++;
			continue;
		}
		o[j++] = *p;
		i++;
	}
	o[j] = '\0';
	free(a);
	*out = o;
	return 0;
}

/* a name as compared: NFKC, folded, without parenthesised parts
 * (「阿佐ヶ谷中学校（震災救援所）」 is 「阿佐ヶ谷中学校」) */
static char *name_key(const char *name)
{
	char *f;
	if (jp_text_fold(&f, name, strlen(name), NULL))
		return NULL;
	size_t j = 0;
	int depth = 0;
	for (size_t i = 0; f[i]; i++) {
		if (f[i] == '(')
			depth++;
		else if (f[i] == ')' && depth > 0)
			depth--;
		else if (!depth && f[i] != ' ')
			f[j++] = f[i];
	}
	f[j] = '\0';
	return f;
}

struct cand {
	int64_t id;
	char *addr, *name_e, *name_d;   /* keys                             */
	int had, matched;
};

struct dctx {
	struct disaster_designate_report *rep;
	struct cand *c;
	int n;
	int col_name, col_addr, header;
	int rc;
	struct err *e;
};

static void unmatched(struct dctx *x, long line, const char *name, const char *ja, const char *en)
{
	x->rep->unmatched++;
	if (x->rep->nlisted >= DISASTER_PROBLEMS_MAX)
		return;
	struct disaster_unmatched *u = &x->rep->list[x->rep->nlisted++];
	u->line = line;
	snprintf(u->name, sizeof u->name, "%s", name);
	u->ja = ja;
	u->en = en;
}

static int contains(const char *hay, const char *needle)
{
	return hay && needle && *needle && strstr(hay, needle) != NULL;
}

static int d_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)len;
	struct dctx *x = arg;
	if (!x->header) {
		x->col_name = x->col_addr = -1;
		for (int i = 0; i < nf; i++) {
			if (!strcmp(f[i], "施設名") || !strcmp(f[i], "名称") || !strcmp(f[i], "施設・場所名"))
				x->col_name = i;
			if (!strcmp(f[i], "所在地") || !strcmp(f[i], "住所"))
				x->col_addr = i;
		}
		x->header = 1;
		if (x->col_name < 0 || x->col_addr < 0) {
			x->rc = err_set(x->e, ERR_INVALID, "disaster: the header lacks 施設名 and 所在地");
			return 1;
		}
		return 0;
	}
	if (nf == 1 && !*f[0])
		return 0;
	if (++x->rep->rows > DISASTER_ROWS_MAX) {
		x->rc = err_set(x->e, ERR_LIMIT, "disaster: more than %d rows", DISASTER_ROWS_MAX);
		return 1;
	}
	const char *name = x->col_name < nf ? f[x->col_name] : "";
	const char *addr = x->col_addr < nf ? f[x->col_addr] : "";
	if (!disaster_text_ok(name, DISASTER_NAME_MAX) || !disaster_text_ok(addr, DISASTER_ADDRESS_MAX)) {
		unmatched(x, line, "", "施設名か所在地が長すぎるか、使えない文字を含みます。",
			  "The name or address is too long or holds characters that cannot be used.");
		return 0;
	}
	char *ak = NULL, *nk = name_key(name);
	if (disaster_address_key(&ak, addr, NULL) || !nk) {
		free(ak);
		free(nk);
		unmatched(x, line, name, "施設名か所在地を読めません。", "The name or address cannot be read.");
		return 0;
	}
	/* by address; of several there, the one whose name fits */
	int found = -1, nfound = 0;
	for (int i = 0; i < x->n; i++)
		if (!strcmp(x->c[i].addr, ak)) {
			nfound++;
			found = i;
		}
	if (nfound > 1) {
		int k = -1, nk2 = 0;
		for (int i = 0; i < x->n; i++)
			if (!strcmp(x->c[i].addr, ak) &&
			    (contains(x->c[i].name_d, nk) || contains(x->c[i].name_e, nk) ||
			     contains(nk, x->c[i].name_d) || contains(nk, x->c[i].name_e))) {
				k = i;
				nk2++;
			}
		found = nk2 == 1 ? k : -1;
		nfound = nk2;
	}
	if (nfound == 0) {   /* no shelter at that address: by name alone */
		for (int i = 0; i < x->n; i++)
			if (contains(x->c[i].name_d, nk) || contains(x->c[i].name_e, nk)) {
				nfound++;
				found = i;
			}
	}
	free(ak);
	free(nk);
	if (nfound == 1)
		x->c[found].matched = 1;
	else if (nfound == 0)
		unmatched(x, line, name, "この所在地・名称の避難所がありません。",
			  "No shelter has this address or name.");
	else
		unmatched(x, line, name, "この所在地・名称に当たる避難所が複数あります。",
			  "Several shelters fit this address or name.");
	return 0;
}

static int designate(struct disaster_designate_report *rep, struct store *s, const char *tenant,
		     const char *data, size_t len, const char *as, int64_t now, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(as) };
	int64_t total;
	int rc = store_query_int(&total, s, "SELECT count(*) FROM disaster_shelters WHERE tenant = $1"
				 " AND CAST($2 AS TEXT) IS NOT NULL", v, 2, e);
	if (rc)
		return rc;
	if (total > 4 * DISASTER_ROWS_MAX)
		return err_set(e, ERR_LIMIT, "disaster: too many shelters");
	struct dctx x = { .rep = rep, .e = e };
	x.c = calloc((size_t)total + 1, sizeof *x.c);
	if (!x.c)
		return err_set(e, ERR_NOMEM, "disaster: no memory");
	struct store_rows *r = NULL;
	rc = store_query(&r, s, "SELECT id, address, name_e, name_d,"
			 " CASE WHEN COALESCE(ward_designation, '') = $2 THEN 1 ELSE 0 END"
			 " FROM disaster_shelters WHERE tenant = $1 ORDER BY id", v, 2, e);
	int more = rc == 0;
	while (more && x.n < total && (rc = store_rows_next(r, e)) == 1) {
		struct cand *c = &x.c[x.n++];
		c->id = store_col_int(r, 0);
		if (disaster_address_key(&c->addr, store_col_text(r, 1), NULL))
			c->addr = strdup("");
		c->name_e = store_col_isnull(r, 2) ? NULL : name_key(store_col_text(r, 2));
		c->name_d = store_col_isnull(r, 3) ? NULL : name_key(store_col_text(r, 3));
		c->had = store_col_int(r, 4) != 0;
		if (!c->addr) {
			rc = err_set(e, ERR_NOMEM, "disaster: no memory");
			more = 0;
		}
	}
	if (r)
		store_rows_free(r);
	if (rc > 0)
		rc = 0;
	if (rc == 0) {
		struct jp_csv_reader rd;
		jp_csv_reader_init(&rd, d_record, &x);
		struct err ce;
		err_clear(&ce);
		int crc = jp_csv_reader_feed(&rd, data, len, &ce);
		if (crc == 0)
			crc = jp_csv_reader_finish(&rd, &ce);
		jp_csv_reader_done(&rd);
		if (x.rc)
			rc = x.rc;
		else if (crc) {
			if (e)
				*e = ce;
			rc = crc < 0 ? crc : ERR_INVALID;
		} else if (!x.header)
			rc = err_set(e, ERR_INVALID, "disaster: an empty file");
	}
	for (int i = 0; rc == 0 && i < x.n; i++) {
		struct cand *c = &x.c[i];
		if (c->matched == c->had && !c->matched)
			continue;
		struct store_val u[] = { sv_int(c->id), sv_text(c->matched ? as : NULL), sv_int(now) };
		int n = store_exec(s, "UPDATE disaster_shelters SET ward_designation = $2, updated_at = $3 WHERE id = $1",
				   u, 3, e);
		if (n < 0)
			rc = n;
		if (c->matched)
			rep->matched++;
		else
			rep->cleared++;
	}
	for (int i = 0; i < x.n; i++) {
		free(x.c[i].addr);
		free(x.c[i].name_e);
		free(x.c[i].name_d);
	}
	free(x.c);
	return rc;
}

int disaster_designate(struct disaster_designate_report *rep, struct store *s, const char *tenant,
		       const char *data, size_t len, const char *as, int64_t now, struct err *e)
{
	memset(rep, 0, sizeof *rep);
	if (!as || !*as || !disaster_text_ok(as, DISASTER_DESIGNATION_MAX))
		return err_set(e, ERR_INVALID, "disaster: the designation's name is empty, too long or not text");
	if (len > DISASTER_FILE_MAX)
		return err_set(e, ERR_LIMIT, "disaster: the file is over %u bytes", DISASTER_FILE_MAX);
	int own;
	int rc = own_begin(&own, s, e);
	if (rc)
		return rc;
	return own_end(s, own, designate(rep, s, tenant, data, len, as, now, e), e);
}
