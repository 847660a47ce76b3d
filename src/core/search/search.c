/*
 * search.c -- documents in, hits out: the projection in the main database
 * (search_docs + search_log, through store.h) and the per-server FTS5 index
 * file that follows it (through sqlite3 directly: the file is a cache of
 * derived data, never the database of record).
 *
 * Invariants:
 * - the index file holds docs(rowid, tenant, collection, id), the FTS5
 *   table fts(title, body, fvals, meta) with the same rowids, and
 *   state(last_seq, version); fts and docs change together in one index
 *   transaction, with last_seq;
 * - applying a log row reads the document's CURRENT state from search_docs
 *   (absent = deleted), so re-applying is harmless and order does not
 *   matter;
 * - seqs missing below last_seq (a PostgreSQL transaction that took its
 *   seq earlier and committed later, or one that rolled back) are kept as
 *   holes and read again until they appear or are HOLE_MS old;
 * - an index behind search_state.pruned_upto, or built by another
 *   tokenizer version, is rebuilt.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "jp/text.h"
#include "core/search/search.h"
#include "core/search/search_int.h"

#define INDEX_VERSION 2          /* bump when the tokenizer or what is indexed changes
                                    (2: filter-only fields left out of fvals) */
#define CATCHUP_BATCH 256
#define MAX_HOLES 64
#define HOLE_MS 30000

struct hole {
	int64_t seq, seen_ms;
};

struct search {
	struct store *st;
	sqlite3 *db;
	int catchup_ms;
	int64_t last_check_ms;
	int64_t last_seq;
	struct hole holes[MAX_HOLES];
	int nholes;
	sqlite3_stmt *q_docid, *q_docins, *q_docdel, *q_ftsins, *q_ftsdel,
		*q_setseq, *q_getseq, *q_hitdoc, *q_hitsnip, *q_hittitle;
};

/* ---- small helpers ---- */

static int dberr(struct search *sr, struct err *e, const char *what)
{
	int code = sqlite3_errcode(sr->db);
	return err_set(e, code == SQLITE_FULL ? ERR_FULL : ERR_DB,
		       "search index: %s: %s", what, sqlite3_errmsg(sr->db));
}

static int xexec(struct search *sr, const char *sql, struct err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(sr->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = err_set(e, ERR_DB, "search index: %.40s: %s", sql,
				 msg ? msg : "?");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int prep(struct search *sr, sqlite3_stmt **st, const char *sql,
		struct err *e)
{
	if (sqlite3_prepare_v3(sr->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
			       NULL) != SQLITE_OK)
		return dberr(sr, e, "prepare");
	return 0;
}

static void finalize_all(struct search *sr)
{
	sqlite3_stmt **all[] = { &sr->q_docid, &sr->q_docins, &sr->q_docdel,
				 &sr->q_ftsins, &sr->q_ftsdel, &sr->q_setseq, &sr->q_getseq,
				 &sr->q_hitdoc, &sr->q_hitsnip, &sr->q_hittitle };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

static const char *schema_sql =
	"CREATE TABLE IF NOT EXISTS state (k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY,"
	" tenant TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL,"
	" UNIQUE (tenant, collection, id));"
	"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, fvals,"
	" meta, tokenize = 'mg');"
	"INSERT OR IGNORE INTO state (k, v) VALUES ('last_seq', 0);";

static int prepare_all(struct search *sr, struct err *e)
{
	int rc;
	if ((rc = prep(sr, &sr->q_docid, "SELECT rowid FROM docs WHERE tenant = ?1"
				       " AND collection = ?2 AND id = ?3", e)) ||
	    (rc = prep(sr, &sr->q_docins, "INSERT INTO docs (tenant, collection, id)"
					" VALUES (?1, ?2, ?3)", e)) ||
	    (rc = prep(sr, &sr->q_docdel, "DELETE FROM docs WHERE rowid = ?1", e)) ||
	    (rc = prep(sr, &sr->q_ftsins, "INSERT INTO fts (rowid, title, body,"
					" fvals, meta) VALUES (?1, ?2, ?3, ?4, ?5)", e)) ||
	    (rc = prep(sr, &sr->q_ftsdel, "DELETE FROM fts WHERE rowid = ?1", e)) ||
	    (rc = prep(sr, &sr->q_setseq, "UPDATE state SET v = max(v, ?1) WHERE k = 'last_seq'", e)) ||
	    (rc = prep(sr, &sr->q_getseq, "SELECT v FROM state WHERE k = 'last_seq'", e)) ||
	    (rc = prep(sr, &sr->q_hitdoc, "SELECT tenant, collection, id FROM docs"
					" WHERE rowid = ?1", e)) ||
	    (rc = prep(sr, &sr->q_hitsnip, "SELECT title, snippet(fts, 1, '', '', '…', 40)"
					 " FROM fts WHERE fts MATCH ?2 AND rowid = ?1", e)) ||
	    (rc = prep(sr, &sr->q_hittitle, "SELECT title FROM fts WHERE rowid = ?1", e)))
		return rc;
	return 0;
}

static int get_state(int64_t *out, struct search *sr, const char *k)
{
	sqlite3_stmt *st;
	*out = 0;
	if (sqlite3_prepare_v2(sr->db, "SELECT v FROM state WHERE k = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return ERR_DB;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return found ? 0 : ERR_NOTFOUND;
}

/* ---- validation ---- */

static int valid_utf8(const char *s, size_t n, const char *what, struct err *e)
{
	size_t bad;
	if (jp_text_utf8_validate(&bad, s, n, NULL))
		return err_set(e, ERR_INVALID, "search: %s is not UTF-8 (byte %zu)",
			       what, bad);
	return 0;
}

static int has_ctl(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

static int check_key(const char *s, int allow_empty, const char *what,
		     struct err *e)
{
	if (!s || (!*s && !allow_empty))
		return err_set(e, ERR_INVALID, "search: %s is missing", what);
	size_t n = strlen(s);
	if (n > SEARCH_MAX_ID)
		return err_set(e, ERR_LIMIT, "search: %s longer than %d bytes", what,
			       SEARCH_MAX_ID);
	if (has_ctl(s))
		return err_set(e, ERR_INVALID, "search: control character in %s", what);
	return valid_utf8(s, n, what, e);
}

static int check_field_name(const char *s, struct err *e)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64)
		return err_set(e, ERR_INVALID, "search: field name must be 1..64 bytes");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			return err_set(e, ERR_INVALID,
				       "search: field name has a character outside [a-z0-9_.-]");
	}
	return 0;
}

static int check_field_value(const char *s, struct err *e)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > SEARCH_MAX_FIELD)
		return err_set(e, ERR_LIMIT, "search: field value must be 1..%d bytes",
			       SEARCH_MAX_FIELD);
	if (has_ctl(s))
		return err_set(e, ERR_INVALID, "search: control character in a field value");
	return valid_utf8(s, n, "field value", e);
}

/* copy with C0 controls other than tab and newline made spaces (the
 * snippet markers 0x02/0x03 and the meta marks can never be in text) */
static char *clean_text(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		o[i] = ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) ? ' ' : (char)c;
	}
	o[n] = 0;
	return o;
}

/* ---- fields: stored as name 0x1f value 0x1e ...; a filter-only field's
 * name is stored with a leading '!' (never a name character) ---- */

static int fields_encode(struct buf *b, const struct search_field *f, int n)
{
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		if (f[i].filter_only)
			rc = buf_putc(b, '!');
		if (!rc)
			rc = buf_puts(b, f[i].name);
		if (!rc)
			rc = buf_putc(b, '\x1f');
		if (!rc)
			rc = buf_puts(b, f[i].value);
		if (!rc)
			rc = buf_putc(b, '\x1e');
	}
	return rc;
}

/* meta text and field values from the stored fields */
static int build_meta(struct buf *meta, struct buf *fvals, const char *tenant,
		      const char *coll, const char *fields)
{
	int rc = buf_putc(meta, SEARCH_META_MARK);
	if (!rc)
		rc = buf_printf(meta, "c:%s%ct:%s%c", coll, SEARCH_META_SEP, tenant,
				SEARCH_META_SEP);
	const char *p = fields;
	while (!rc && *p) {
		const char *us = strchr(p, '\x1f');
		if (!us)
			break;
		const char *rs = strchr(us + 1, '\x1e');
		if (!rs)
			rs = us + 1 + strlen(us + 1);
		int filter_only = *p == '!';
		if (filter_only)
			p++;
		rc = buf_printf(meta, "f:%.*s=%.*s%c", (int)(us - p), p,
				(int)(rs - us - 1), us + 1, SEARCH_META_SEP);
		if (!rc && !filter_only)
			rc = buf_printf(fvals, "%.*s\n", (int)(rs - us - 1), us + 1);
		p = *rs ? rs + 1 : rs;
	}
	return rc;
}

/* ---- the index ---- */

/* A document as index_apply brings the index up to date with: its key,
 * and whether search_docs still holds it, with what. */
struct doc_row {
	const char *tenant, *coll, *id;
	int present;            /* 0: gone from search_docs (the rest NULL) */
	const char *title;
	const char *body;
	const char *fields;     /* search_docs.fields, as build_meta reads it */
};

static int index_apply(struct search *sr, const struct doc_row *d, struct err *e)
{
	const char *tenant = d->tenant, *coll = d->coll, *id = d->id;
	const char *title = d->title, *body = d->body, *fields = d->fields;
	int present = d->present;
	sqlite3_stmt *q = sr->q_docid;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, coll, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
	int64_t rowid = 0;
	int step = sqlite3_step(q);
	if (step == SQLITE_ROW)
		rowid = sqlite3_column_int64(q, 0);
	else if (step != SQLITE_DONE)
		return dberr(sr, e, "doc lookup");
	sqlite3_reset(q);
	if (rowid) {
		sqlite3_reset(sr->q_ftsdel);
		sqlite3_bind_int64(sr->q_ftsdel, 1, rowid);
		if (sqlite3_step(sr->q_ftsdel) != SQLITE_DONE)
			return dberr(sr, e, "fts delete");
		if (!present) {
			sqlite3_reset(sr->q_docdel);
			sqlite3_bind_int64(sr->q_docdel, 1, rowid);
			if (sqlite3_step(sr->q_docdel) != SQLITE_DONE)
				return dberr(sr, e, "doc delete");
			return 0;
		}
	}
	if (!present)
		return 0;
	if (!rowid) {
		q = sr->q_docins;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, coll, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			return dberr(sr, e, "doc insert");
		rowid = sqlite3_last_insert_rowid(sr->db);
	}
	struct buf meta, fvals;
	buf_init(&meta, 64u << 10);
	buf_init(&fvals, 64u << 10);
	int rc = build_meta(&meta, &fvals, tenant, coll, fields);
	if (rc) {
		buf_done(&meta);
		buf_done(&fvals);
		return err_set(e, rc, "search: fields too large");
	}
	q = sr->q_ftsins;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, rowid);
	sqlite3_bind_text(q, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, buf_cstr(&fvals), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, buf_cstr(&meta), -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = dberr(sr, e, "fts insert");
	sqlite3_reset(q);
	buf_done(&meta);
	buf_done(&fvals);
	return rc;
}

static int set_last_seq(struct search *sr, int64_t seq, struct err *e)
{
	sqlite3_reset(sr->q_setseq);
	sqlite3_bind_int64(sr->q_setseq, 1, seq);
	if (sqlite3_step(sr->q_setseq) != SQLITE_DONE)
		return dberr(sr, e, "state");
	sqlite3_reset(sr->q_setseq);
	return 0;
}

static int create_index(struct search *sr, int drop, struct err *e)
{
	int rc;
	finalize_all(sr);
	if (drop && (rc = xexec(sr, "DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS docs;"
				    " DROP TABLE IF EXISTS state", e)))
		return rc;
	if ((rc = xexec(sr, schema_sql, e)))
		return rc;
	char sql[128];
	snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO state (k, v) VALUES"
		 " ('version', %d)", INDEX_VERSION);
	if ((rc = xexec(sr, sql, e)))
		return rc;
	return prepare_all(sr, e);
}

int search_open(struct search **out, struct store *s, const char *index_path,
		const struct search_opts *opts, struct err *e)
{
	*out = NULL;
	if (!s || !index_path || !*index_path)
		return err_set(e, ERR_INVALID, "search: store and index path are required");
	struct search *sr = calloc(1, sizeof *sr);
	if (!sr)
		return err_set(e, ERR_NOMEM, "search: out of memory");
	sr->st = s;
	sr->catchup_ms = opts ? opts->catchup_ms : 0;
	int rc;
	if (sqlite3_open_v2(index_path, &sr->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = err_set(e, ERR_IO, "search index: cannot open: %s",
			     sr->db ? sqlite3_errmsg(sr->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(sr->db, 10000);
	if ((rc = search_fts5_register(sr->db, e)) ||
	    (rc = xexec(sr, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			    " PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384", e)) ||
	    (rc = xexec(sr, "BEGIN IMMEDIATE", e)))
		goto fail;
	int64_t version = 0;
	int have = get_state(&version, sr, "version") == 0;
	rc = create_index(sr, have && version != INDEX_VERSION, e);
	if (rc) {
		xexec(sr, "ROLLBACK", NULL);
		goto fail;
	}
	if ((rc = xexec(sr, "COMMIT", e)))
		goto fail;
	get_state(&sr->last_seq, sr, "last_seq");
	*out = sr;
	return 0;
fail:
	search_close(sr);
	return rc;
}

void search_close(struct search *sr)
{
	if (!sr)
		return;
	finalize_all(sr);
	sqlite3_close(sr->db);
	free(sr);
}

/* ---- writes to the projection ---- */

static int in_tx(struct search *sr, int *own, struct err *e)
{
	*own = !store_in_tx(sr->st);
	return *own ? store_begin(sr->st, e) : 0;
}

static int end_tx(struct search *sr, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(sr->st);
		return rc;
	}
	return store_commit(sr->st, e);
}

static int log_change(struct search *sr, const char *tenant, const char *coll,
		      const char *id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(coll), sv_text(id),
				 sv_int(now_ms()) };
	int rc = store_exec(sr->st, "INSERT INTO search_log (tenant, collection,"
			    " doc_id, at) VALUES ($1, $2, $3, $4)", v, SV_N(v), e);
	return rc < 0 ? rc : 0;
}

int search_put(struct search *sr, const struct search_doc *d, struct err *e)
{
	int rc;
	if (!sr || !d)
		return err_set(e, ERR_INVALID, "search: no document");
	if ((rc = check_key(d->tenant, 1, "tenant", e)) ||
	    (rc = check_key(d->collection, 0, "collection", e)) ||
	    (rc = check_key(d->id, 0, "id", e)))
		return rc;
	const char *title = d->title ? d->title : "", *body = d->body ? d->body : "";
	size_t tl = strlen(title), bl = strlen(body);
	if (tl > SEARCH_MAX_TITLE)
		return err_set(e, ERR_LIMIT, "search: title longer than %d bytes",
			       SEARCH_MAX_TITLE);
	if (bl > SEARCH_MAX_BODY)
		return err_set(e, ERR_LIMIT, "search: body longer than %u bytes",
			       SEARCH_MAX_BODY);
	if ((rc = valid_utf8(title, tl, "title", e)) ||
	    (rc = valid_utf8(body, bl, "body", e)))
		return rc;
	if (d->nfields < 0 || d->nfields > SEARCH_MAX_FIELDS ||
	    (d->nfields && !d->fields))
		return err_set(e, ERR_LIMIT, "search: at most %d fields",
			       SEARCH_MAX_FIELDS);
	for (int i = 0; i < d->nfields; i++)
		if ((rc = check_field_name(d->fields[i].name, e)) ||
		    (rc = check_field_value(d->fields[i].value, e)))
			return rc;
	struct buf fb;
	buf_init(&fb, 64u << 10);
	char *ct = clean_text(title), *cb = clean_text(body);
	if (!ct || !cb || fields_encode(&fb, d->fields, d->nfields)) {
		rc = err_set(e, ERR_NOMEM, "search: out of memory");
		goto out;
	}
	int own;
	if ((rc = in_tx(sr, &own, e)))
		goto out;
	struct store_val v[] = { sv_text(d->tenant), sv_text(d->collection),
				 sv_text(d->id), sv_text(ct), sv_text(cb),
				 sv_text(buf_cstr(&fb)), sv_int(now_ms()) };
	rc = store_exec(sr->st,
			"INSERT INTO search_docs (tenant, collection, doc_id, title,"
			" body, fields, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
			" ON CONFLICT (tenant, collection, doc_id) DO UPDATE SET"
			" title = excluded.title, body = excluded.body,"
			" fields = excluded.fields, updated_at = excluded.updated_at",
			v, SV_N(v), e);
	if (rc >= 0)
		rc = log_change(sr, d->tenant, d->collection, d->id, e);
	rc = end_tx(sr, own, rc < 0 ? rc : 0, e);
out:
	free(ct);
	free(cb);
	buf_done(&fb);
	return rc;
}

int search_delete(struct search *sr, const char *tenant, const char *collection,
		  const char *id, struct err *e)
{
	int rc;
	if (!sr)
		return err_set(e, ERR_INVALID, "search: no handle");
	if ((rc = check_key(tenant, 1, "tenant", e)) ||
	    (rc = check_key(collection, 0, "collection", e)) ||
	    (rc = check_key(id, 0, "id", e)))
		return rc;
	int own;
	if ((rc = in_tx(sr, &own, e)))
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(collection), sv_text(id) };
	rc = store_exec(sr->st, "DELETE FROM search_docs WHERE tenant = $1 AND"
			" collection = $2 AND doc_id = $3", v, SV_N(v), e);
	if (rc > 0)
		rc = log_change(sr, tenant, collection, id, e);
	return end_tx(sr, own, rc < 0 ? rc : 0, e);
}

int search_delete_collection(struct search *sr, const char *tenant,
			     const char *collection, struct err *e)
{
	int rc;
	if (!sr)
		return err_set(e, ERR_INVALID, "search: no handle");
	if ((tenant && (rc = check_key(tenant, 1, "tenant", e))) ||
	    (rc = check_key(collection, 0, "collection", e)))
		return rc;
	int own;
	if ((rc = in_tx(sr, &own, e)))
		return rc;
	struct store_val v[] = { sv_text(collection), sv_int(now_ms()),
				 sv_text(tenant ? tenant : "") };
	int np = tenant ? 3 : 2;
	rc = store_exec(sr->st, tenant
			? "INSERT INTO search_log (tenant, collection, doc_id, at)"
			  " SELECT tenant, collection, doc_id, $2 FROM search_docs"
			  " WHERE collection = $1 AND tenant = $3"
			: "INSERT INTO search_log (tenant, collection, doc_id, at)"
			  " SELECT tenant, collection, doc_id, $2 FROM search_docs"
			  " WHERE collection = $1", v, np, e);
	int n = rc;
	if (rc >= 0) {
		struct store_val w[] = { sv_text(collection), sv_text(tenant) };
		rc = store_exec(sr->st, tenant
				? "DELETE FROM search_docs WHERE collection = $1 AND tenant = $2"
				: "DELETE FROM search_docs WHERE collection = $1",
				w, tenant ? 2 : 1, e);
	}
	rc = end_tx(sr, own, rc < 0 ? rc : 0, e);
	return rc ? rc : n;
}

/* ---- catching up ---- */

struct logrow {
	int64_t seq;
	char *tenant, *coll, *id;
};

static void logrows_free(struct logrow *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].tenant);
		free(r[i].coll);
		free(r[i].id);
	}
}

static int is_hole(struct search *sr, int64_t seq)
{
	for (int i = 0; i < sr->nholes; i++)
		if (sr->holes[i].seq == seq) {
			sr->holes[i] = sr->holes[--sr->nholes];
			return 1;
		}
	return 0;
}

static void add_holes(struct search *sr, int64_t from, int64_t to, int64_t now)
{
	if (to - from >= MAX_HOLES)
		from = to - MAX_HOLES + 1;
	for (int64_t s = from; s <= to; s++) {
		if (sr->nholes == MAX_HOLES) {
			int old = 0;
			for (int i = 1; i < sr->nholes; i++)
				if (sr->holes[i].seq < sr->holes[old].seq)
					old = i;
			sr->holes[old] = sr->holes[--sr->nholes];
		}
		sr->holes[sr->nholes++] = (struct hole){ s, now };
	}
}

/* apply one log row: read the document's current state */
static int apply_row(struct search *sr, const struct logrow *l, struct err *e)
{
	struct store_rows *r;
	struct store_val v[] = { sv_text(l->tenant), sv_text(l->coll), sv_text(l->id) };
	int rc = store_query(&r, sr->st, "SELECT title, body, fields FROM search_docs"
			     " WHERE tenant = $1 AND collection = $2 AND doc_id = $3",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc >= 0)
		rc = index_apply(sr, &(struct doc_row){
					 .tenant = l->tenant, .coll = l->coll, .id = l->id,
					 .present = rc == 1,
					 .title = rc == 1 ? store_col_text(r, 0) : NULL,
					 .body = rc == 1 ? store_col_text(r, 1) : NULL,
					 .fields = rc == 1 ? store_col_text(r, 2) : NULL },
				 e);
	store_rows_free(r);
	return rc;
}

static int catchup_batch(struct search *sr, int64_t *applied, int *more,
			 int *rebuild, struct err *e)
{
	/* another handle on the same file (another worker thread) may have
	 * applied more: start from the file's last_seq */
	sqlite3_reset(sr->q_getseq);
	if (sqlite3_step(sr->q_getseq) == SQLITE_ROW) {
		int64_t stored = sqlite3_column_int64(sr->q_getseq, 0);
		if (stored > sr->last_seq)
			sr->last_seq = stored;
	}
	sqlite3_reset(sr->q_getseq);
	int64_t now = mono_ms(), low = sr->last_seq;
	*more = 0;
	for (int i = 0; i < sr->nholes;) {
		if (now - sr->holes[i].seen_ms > HOLE_MS) {
			sr->holes[i] = sr->holes[--sr->nholes];
			continue;
		}
		if (sr->holes[i].seq - 1 < low)
			low = sr->holes[i].seq - 1;
		i++;
	}
	struct logrow rows[CATCHUP_BATCH];
	int n = 0;
	struct store_rows *r;
	struct store_val v[] = { sv_int(low), sv_int(CATCHUP_BATCH) };
	int rc = store_query(&r, sr->st, "SELECT seq, tenant, collection, doc_id"
			     " FROM search_log WHERE seq > $1 ORDER BY seq LIMIT $2",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		rows[n].seq = store_col_int(r, 0);
		rows[n].tenant = strdup(store_col_text(r, 1));
		rows[n].coll = strdup(store_col_text(r, 2));
		rows[n].id = strdup(store_col_text(r, 3));
		n++;
		if (!rows[n - 1].tenant || !rows[n - 1].coll || !rows[n - 1].id) {
			rc = err_set(e, ERR_NOMEM, "search: out of memory");
			break;
		}
	}
	store_rows_free(r);
	if (rc < 0)
		goto out;
	*more = n == CATCHUP_BATCH;
	/* a gap right after what we have: pruned away, or a hole */
	if (n && rows[0].seq > sr->last_seq + 1 && sr->last_seq > 0) {
		int64_t pruned = 0;
		if ((rc = store_query_int(&pruned, sr->st, "SELECT pruned_upto FROM"
					  " search_state WHERE id = 1", NULL, 0, e)))
			goto out;
		if (pruned > sr->last_seq) {
			*rebuild = 1;
			goto out;
		}
	}
	int any = 0;
	int64_t last = sr->last_seq;
	for (int i = 0; i < n; i++) {
		int hole = rows[i].seq <= last && is_hole(sr, rows[i].seq);
		if (rows[i].seq <= last && !hole)
			continue;
		if (!any) {
			if ((rc = xexec(sr, "BEGIN IMMEDIATE", e)))
				goto out;
			any = 1;
		}
		if ((rc = apply_row(sr, &rows[i], e)))
			break;
		if (rows[i].seq > last) {
			if (rows[i].seq > last + 1 && last > 0)
				add_holes(sr, last + 1, rows[i].seq - 1, now);
			last = rows[i].seq;
		}
		if (applied)
			(*applied)++;
	}
	if (any) {
		if (!rc && last > sr->last_seq)
			rc = set_last_seq(sr, last, e);
		if (rc) {
			xexec(sr, "ROLLBACK", NULL);
			goto out;
		}
		if ((rc = xexec(sr, "COMMIT", e)))
			goto out;
		sr->last_seq = last;
	}
out:
	logrows_free(rows, n);
	return rc < 0 ? rc : 0;
}

int search_catchup(struct search *sr, int64_t *applied, struct err *e)
{
	if (applied)
		*applied = 0;
	int more = 1, rebuild = 0, rc = 0;
	if (sr->last_seq == 0) {
		/* a new index: a bulk rebuild is twice as fast as replaying a
		 * long log (measured: 4-8 s against 8-25 s for 106,841 docs) */
		int64_t ndocs = 0;
		if ((rc = store_query_int(&ndocs, sr->st, "SELECT count(*) FROM"
					  " search_docs", NULL, 0, e)))
			return rc;
		rebuild = ndocs > CATCHUP_BATCH;
		more = !rebuild;
	}
	while (more && !rc && !rebuild)
		rc = catchup_batch(sr, applied, &more, &rebuild, e);
	if (!rc && rebuild)
		rc = search_reindex(sr, applied, e);
	if (!rc)
		sr->last_check_ms = mono_ms();
	return rc;
}

int search_reindex(struct search *sr, int64_t *ndocs, struct err *e)
{
	int rc;
	int64_t maxseq = 0, n = 0;
	if ((rc = store_query_int(&maxseq, sr->st, "SELECT COALESCE(MAX(seq), 0)"
				  " FROM search_log", NULL, 0, e)))
		return rc;
	if ((rc = xexec(sr, "BEGIN IMMEDIATE", e)))
		return rc;
	if ((rc = create_index(sr, 1, e)))
		goto fail;
	struct store_rows *r;
	if ((rc = store_query(&r, sr->st, "SELECT tenant, collection, doc_id, title,"
			      " body, fields FROM search_docs", NULL, 0, e)))
		goto fail;
	while ((rc = store_rows_next(r, e)) == 1) {
		rc = index_apply(sr, &(struct doc_row){
					 .tenant = store_col_text(r, 0),
					 .coll = store_col_text(r, 1),
					 .id = store_col_text(r, 2), .present = 1,
					 .title = store_col_text(r, 3),
					 .body = store_col_text(r, 4),
					 .fields = store_col_text(r, 5) },
				 e);
		if (rc)
			break;
		n++;
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	if ((rc = set_last_seq(sr, maxseq, e)) ||
	    (rc = xexec(sr, "INSERT INTO fts (fts) VALUES ('optimize')", e)) ||
	    (rc = xexec(sr, "COMMIT", e)))
		goto fail;
	sr->last_seq = maxseq;
	sr->nholes = 0;
	sr->last_check_ms = mono_ms();
	if (ndocs)
		*ndocs = n;
	return 0;
fail:
	xexec(sr, "ROLLBACK", NULL);
	/* the statements were finalized by create_index: make them again */
	finalize_all(sr);
	prepare_all(sr, NULL);
	return rc;
}

int search_prune(struct search *sr, int64_t keep_ms, int64_t *pruned,
		 struct err *e)
{
	int rc, own;
	if (pruned)
		*pruned = 0;
	if ((rc = in_tx(sr, &own, e)))
		return rc;
	int64_t upto = 0;
	struct store_val v[] = { sv_int(now_ms() - keep_ms) };
	rc = store_query_int(&upto, sr->st, "SELECT COALESCE(MAX(seq), 0) FROM"
			     " search_log WHERE at < $1", v, 1, e);
	if (!rc && upto > 0) {
		struct store_val w[] = { sv_int(upto) };
		rc = store_exec(sr->st, "UPDATE search_state SET pruned_upto = $1"
				" WHERE id = 1 AND pruned_upto < $1", w, 1, e);
		if (rc >= 0)
			rc = store_exec(sr->st, "DELETE FROM search_log WHERE seq <= $1",
					w, 1, e);
		if (rc >= 0 && pruned)
			*pruned = rc;
	}
	return end_tx(sr, own, rc < 0 ? rc : 0, e);
}

/* ---- queries ---- */

struct ranked {
	int64_t rowid;
	double score;
};

/* a ranks before b: higher score, then lower rowid (older in the index) */
static int better(struct ranked a, struct ranked b)
{
	return a.score > b.score || (a.score == b.score && a.rowid < b.rowid);
}

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	return better(*a, *b) ? -1 : better(*b, *a) ? 1 : 0;
}

/* min-heap on "better": heap[0] is the worst kept */
static void heap_down(struct ranked *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && better(h[w], h[l]))
			w = l;
		if (r < n && better(h[w], h[r]))
			w = r;
		if (w == i)
			return;
		struct ranked t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void heap_push(struct ranked *h, int *n, struct ranked r)
{
	int i = (*n)++;
	h[i] = r;
	while (i > 0) {
		int p = (i - 1) / 2;
		if (!better(h[p], h[i]))
			break;
		struct ranked t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

static void heap_replace_top(struct ranked *h, int n, struct ranked r)
{
	h[0] = r;
	heap_down(h, n, 0);
}

void search_result_done(struct search_result *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nhits; i++) {
		struct search_hit *h = &r->hits[i];
		free(h->tenant);
		free(h->collection);
		free(h->id);
		free(h->title);
		free(h->snippet);
	}
	free(r->hits);
	memset(r, 0, sizeof *r);
}

static int hit_fill(struct search *sr, struct search_hit *h, int64_t rowid,
		    const char *expr, const char *text, int snippets, struct err *e)
{
	int rc = 0;
	sqlite3_stmt *st = sr->q_hitdoc;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		h->tenant = strdup((const char *)sqlite3_column_text(st, 0));
		h->collection = strdup((const char *)sqlite3_column_text(st, 1));
		h->id = strdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	st = snippets ? sr->q_hitsnip : sr->q_hittitle;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	if (snippets)
		sqlite3_bind_text(st, 2, expr, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		h->title = strdup((const char *)sqlite3_column_text(st, 0));
		if (snippets)
			rc = search_highlight(h, (const char *)sqlite3_column_text(st, 1),
					      text);
		if (snippets && !rc && h->title)
			rc = search_marks(h->title_marks, &h->ntitle_marks, h->title, text);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc || !h->tenant || !h->collection || !h->id || !h->title)
		return err_set(e, ERR_INTERNAL, "search: index row %" PRId64 " incomplete",
			       rowid);
	return 0;
}

int search_query(struct search_result *out, struct search *sr,
		 const struct search_query *q, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!sr || !q)
		return err_set(e, ERR_INVALID, "search: no query");
	int limit = q->limit ? q->limit : 10;
	if (limit < 1 || limit > SEARCH_MAX_LIMIT || q->offset < 0)
		return err_set(e, ERR_INVALID, "search: limit must be 1..%d, offset >= 0",
			       SEARCH_MAX_LIMIT);
	if ((int64_t)q->offset + limit > SEARCH_MAX_WINDOW)
		return err_set(e, ERR_LIMIT, "search: offset + limit over %d",
			       SEARCH_MAX_WINDOW);
	char *expr = NULL;
	int ntext = 0, intx = 0;
	int rc = search_parse_n(&expr, &ntext, q, e);
	if (rc)
		return rc;
	if (!*expr)
		goto done;
	if (sr->catchup_ms <= 0 || mono_ms() - sr->last_check_ms >= sr->catchup_ms)
		if ((rc = search_catchup(sr, NULL, e)))
			goto done;
	/* one read transaction for the ranking and the hits: one
	 * consistent view, one lock */
	if ((rc = xexec(sr, "BEGIN", e)))
		goto done;
	intx = 1;
	/* one pass over the matches: count them and keep the best
	 * offset + limit in a min-heap (worst on top) */
	int want = q->offset + limit, nheap = 0, n = 0;
	struct ranked *heap = malloc((size_t)want * sizeof *heap);
	if (!heap) {
		rc = err_set(e, ERR_NOMEM, "search: out of memory");
		goto done;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sr->db, "SELECT rowid, mg_rank(fts, ?2) FROM fts"
			       " WHERE fts MATCH ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = dberr(sr, e, "prepare");
		free(heap);
		goto done;
	}
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, ntext);
	int step;
	int64_t total = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct ranked r = { sqlite3_column_int64(st, 0),
				    sqlite3_column_double(st, 1) };
		total++;
		if (nheap < want)
			heap_push(heap, &nheap, r);
		else if (better(r, heap[0]))
			heap_replace_top(heap, nheap, r);
	}
	if (step != SQLITE_DONE)
		rc = dberr(sr, e, "query");
	sqlite3_finalize(st);
	if (rc) {
		free(heap);
		goto done;
	}
	out->total = total;
	qsort(heap, (size_t)nheap, sizeof *heap, cmp_ranked);
	int64_t rowids[SEARCH_MAX_LIMIT];
	double scores[SEARCH_MAX_LIMIT];
	for (int i = q->offset; i < nheap && n < limit; i++) {
		rowids[n] = heap[i].rowid;
		scores[n] = heap[i].score;
		n++;
	}
	free(heap);
	if (n) {
		out->hits = calloc((size_t)n, sizeof *out->hits);
		if (!out->hits) {
			rc = err_set(e, ERR_NOMEM, "search: out of memory");
			goto done;
		}
	}
	for (int i = 0; i < n && !rc; i++) {
		out->nhits++;
		out->hits[i].score = scores[i];
		rc = hit_fill(sr, &out->hits[i], rowids[i], expr, q->text,
			      q->with_snippets, e);
	}
done:
	if (intx)
		xexec(sr, "COMMIT", NULL);
	free(expr);
	if (rc)
		search_result_done(out);
	return rc;
}

/* ---- every match (search_ids) and one document's hit ---- */

/* facet counting: an open-addressing table of (facet, value) -> count */
struct fcell {
	char *value;             /* NULL: empty                             */
	size_t len;
	int facet;
	uint64_t hash;
	int64_t count;
};
struct ftab {
	struct fcell *c;
	size_t cap, used;
};

static uint64_t fnv(int facet, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)facet;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int ftab_add(struct ftab *t, int facet, const char *v, size_t n)
{
	if ((t->used + 1) * 2 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		struct fcell *c = calloc(nc, sizeof *c);
		if (!c)
			return ERR_NOMEM;
		for (size_t i = 0; i < t->cap; i++)
			if (t->c[i].value) {
				size_t j = t->c[i].hash & (nc - 1);
				while (c[j].value)
					j = (j + 1) & (nc - 1);
				c[j] = t->c[i];
			}
		free(t->c);
		t->c = c;
		t->cap = nc;
	}
	uint64_t h = fnv(facet, v, n);
	size_t j = h & (t->cap - 1);
	while (t->c[j].value) {
		struct fcell *x = &t->c[j];
		if (x->hash == h && x->facet == facet && x->len == n && memcmp(x->value, v, n) == 0) {
			x->count++;
			return 0;
		}
		j = (j + 1) & (t->cap - 1);
	}
	char *copy = malloc(n + 1);
	if (!copy)
		return ERR_NOMEM;
	memcpy(copy, v, n);
	copy[n] = 0;
	t->c[j] = (struct fcell){ copy, n, facet, h, 1 };
	t->used++;
	return 0;
}

/* count the fields of one match's meta text ("\x1f" "c:..\x1et:..\x1ef:name=value\x1e...") */
static int ftab_meta(struct ftab *t, const char *meta, const struct search_ids_opts *o)
{
	const char *p = meta;
	while (p && *p) {
		const char *end = strchr(p, SEARCH_META_SEP);
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (*p == SEARCH_META_MARK) {
			p++;
			n--;
		}
		if (n > 2 && p[0] == 'f' && p[1] == ':') {
			const char *eq = memchr(p + 2, '=', n - 2);
			if (eq) {
				size_t nl = (size_t)(eq - p - 2);
				for (int f = 0; f < o->nfacets; f++)
					if (strlen(o->facets[f]) == nl && memcmp(o->facets[f], p + 2, nl) == 0) {
						int rc = ftab_add(t, f, eq + 1, n - 2 - nl - 1);
						if (rc)
							return rc;
					}
			}
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static int cmp_fvalue(const void *x, const void *y)
{
	const struct search_facet_value *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->value, b->value);
}

/* the table into out->facets: sorted, cut to limit; frees the table */
static int ftab_emit(struct search_ids *out, struct ftab *t, const struct search_ids_opts *o)
{
	int limit = o->facet_limit > 0 ? o->facet_limit : 50;
	int rc = 0;
	for (int f = 0; f < o->nfacets; f++) {
		out->facets[f].name = o->facets[f];
		size_t n = 0;
		for (size_t i = 0; i < t->cap; i++)
			n += t->c[i].value && t->c[i].facet == f;
		struct search_facet_value *v = n ? calloc(n, sizeof *v) : NULL;
		if (n && !v)
			rc = ERR_NOMEM;
		size_t k = 0;
		for (size_t i = 0; v && i < t->cap; i++)
			if (t->c[i].value && t->c[i].facet == f) {
				v[k].value = t->c[i].value;
				v[k++].count = t->c[i].count;
				t->c[i].value = NULL;
			}
		if (k)
			qsort(v, k, sizeof *v, cmp_fvalue);
		for (size_t i = (size_t)limit; i < k; i++)
			free(v[i].value);
		out->facets[f].values = v;
		out->facets[f].nvalues = (int)(k < (size_t)limit ? k : (size_t)limit);
		out->nfacets = f + 1;
	}
	for (size_t i = 0; i < t->cap; i++)
		free(t->c[i].value);
	free(t->c);
	memset(t, 0, sizeof *t);
	return rc;
}

void search_ids_done(struct search_ids *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	free(r->scores);
	for (int f = 0; f < r->nfacets; f++) {
		for (int i = 0; i < r->facets[f].nvalues; i++)
			free(r->facets[f].values[i].value);
		free(r->facets[f].values);
	}
	memset(r, 0, sizeof *r);
}

int search_ids(struct search_ids *out, struct search *sr,
	       const struct search_query *q, const struct search_ids_opts *o,
	       struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!sr || !q || !o || o->max < 1 || o->max > SEARCH_MAX_IDS)
		return err_set(e, ERR_INVALID, "search: max must be 1..%d", SEARCH_MAX_IDS);
	if (o->nfacets < 0 || o->nfacets > SEARCH_MAX_FACETS || (o->nfacets && !o->facets) ||
	    o->facet_limit < 0 || o->facet_limit > 1000)
		return err_set(e, ERR_LIMIT, "search: at most %d facets of 1000 values",
			       SEARCH_MAX_FACETS);
	for (int f = 0; f < o->nfacets; f++)
		if (!o->facets[f] || !*o->facets[f] || strlen(o->facets[f]) > 64)
			return err_set(e, ERR_INVALID, "search: bad facet name");
	char *expr = NULL;
	int ntext = 0, intx = 0, rc = search_parse_n(&expr, &ntext, q, e);
	struct ranked *all = NULL;
	size_t nall = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	struct ftab ft = { 0 };
	if (rc || !*expr)
		goto done;
	if (sr->catchup_ms <= 0 || mono_ms() - sr->last_check_ms >= sr->catchup_ms)
		if ((rc = search_catchup(sr, NULL, e)))
			goto done;
	if ((rc = xexec(sr, "BEGIN", e)))
		goto done;
	intx = 1;
	if (sqlite3_prepare_v2(sr->db, o->nfacets ? "SELECT rowid, mg_rank(fts, ?2), meta FROM fts"
						    " WHERE fts MATCH ?1"
						  : "SELECT rowid, mg_rank(fts, ?2) FROM fts"
						    " WHERE fts MATCH ?1", -1, &st, NULL) != SQLITE_OK) {
		rc = dberr(sr, e, "prepare");
		goto done;
	}
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, ntext);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (nall == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct ranked *t = realloc(all, nc * sizeof *all);
			if (!t) {
				rc = err_set(e, ERR_NOMEM, "search: out of memory");
				goto done;
			}
			all = t;
			cap = nc;
		}
		all[nall++] = (struct ranked){ sqlite3_column_int64(st, 0),
					       sqlite3_column_double(st, 1) };
		if (o->nfacets && (rc = ftab_meta(&ft, (const char *)sqlite3_column_text(st, 2), o))) {
			rc = err_set(e, rc, "search: out of memory");
			goto done;
		}
	}
	if (step != SQLITE_DONE) {
		rc = dberr(sr, e, "query");
		goto done;
	}
	out->total = (int64_t)nall;
	if ((rc = ftab_emit(out, &ft, o))) {
		rc = err_set(e, rc, "search: out of memory");
		goto done;
	}
	/* the best o->max: a full sort is fine at these sizes */
	if (nall)
		qsort(all, nall, sizeof *all, cmp_ranked);
	int n = nall < (size_t)o->max ? (int)nall : o->max;
	if (n) {
		out->ids = calloc((size_t)n, sizeof *out->ids);
		out->scores = calloc((size_t)n, sizeof *out->scores);
		if (!out->ids || !out->scores) {
			rc = err_set(e, ERR_NOMEM, "search: out of memory");
			goto done;
		}
	}
	for (int i = 0; i < n && !rc; i++) {
		sqlite3_stmt *d = sr->q_hitdoc;
		sqlite3_reset(d);
		sqlite3_bind_int64(d, 1, all[i].rowid);
		if (sqlite3_step(d) == SQLITE_ROW) {
			out->ids[out->n] = strdup((const char *)sqlite3_column_text(d, 2));
			out->scores[out->n] = all[i].score;
			if (!out->ids[out->n++])
				rc = err_set(e, ERR_NOMEM, "search: out of memory");
		}
		sqlite3_reset(d);
	}
done:
	sqlite3_finalize(st);
	if (intx)
		xexec(sr, "COMMIT", NULL);
	for (size_t i = 0; i < ft.cap; i++)
		free(ft.c[i].value);
	free(ft.c);
	free(all);
	free(expr);
	if (rc)
		search_ids_done(out);
	return rc;
}

void search_hit_done(struct search_hit *h)
{
	if (!h)
		return;
	free(h->tenant);
	free(h->collection);
	free(h->id);
	free(h->title);
	free(h->snippet);
	memset(h, 0, sizeof *h);
}

int search_hit_get(struct search_hit *out, struct search *sr,
		   const char *tenant, const char *collection, const char *id,
		   const char *text, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!sr || !tenant || !collection || !id)
		return err_set(e, ERR_INVALID, "search: document key required");
	int has_text = text && *text;
	char *expr = NULL;
	int ntext = 0, rc = 0;
	if (has_text) {
		struct search_query q = { .text = text, .tenant = tenant, .collection = collection };
		if ((rc = search_parse_n(&expr, &ntext, &q, e)))
			return rc;
	}
	sqlite3_stmt *d = sr->q_docid;
	sqlite3_reset(d);
	sqlite3_bind_text(d, 1, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(d, 2, collection, -1, SQLITE_STATIC);
	sqlite3_bind_text(d, 3, id, -1, SQLITE_STATIC);
	int64_t rowid = 0;
	if (sqlite3_step(d) == SQLITE_ROW)
		rowid = sqlite3_column_int64(d, 0);
	sqlite3_reset(d);
	sqlite3_clear_bindings(d);
	if (!rowid) {
		free(expr);
		return err_set(e, ERR_NOTFOUND, "search: document not indexed");
	}
	/* the snippet needs the document to match the text; otherwise the
	 * title alone */
	rc = hit_fill(sr, out, rowid, expr, text, has_text && expr && *expr, e);
	if (rc && has_text) {
		search_hit_done(out);
		err_clear(e);
		rc = hit_fill(sr, out, rowid, NULL, text, 0, e);
		if (!rc && out->title)
			rc = search_marks(out->title_marks, &out->ntitle_marks, out->title, text);
	}
	free(expr);
	if (rc)
		search_hit_done(out);
	return rc;
}
