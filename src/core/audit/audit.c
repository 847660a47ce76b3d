/*
 * audit.c -- append, checkpoint, verify and query the hash-chained audit
 * trail.  See audit.h for the contract and README.md for the formats.
 *
 * Invariants kept here:
 *  - an append reads the head row with a write lock (FOR UPDATE on
 *    PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the database
 *    lock), inserts seq = head.seq + 1 with hash = H(head.hash, record),
 *    and writes the head back, all in the caller's transaction;
 *  - the hash covers every stored column of the record (except the hash)
 *    in the canonical form of canon_hash(): a change to any of them, to
 *    the seq or to the order is visible;
 *  - a checkpoint record at seq c signs (c - 1, hash of c - 1, its own ts);
 *    only the library writes the action "audit.checkpoint".
 */
#include "core/audit/audit_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define VERIFY_BATCH 5000

static const char canon_magic[] = "madoguchi-audit-v1";
static const char ckpt_magic[] = "madoguchi-audit-checkpoint-v1";

static const char record_cols[] =
	"seq, ts, actor_id, actor_login, role, action, object_type,"
	" object_id, tenant, source, result, sig, hash";

/* ---- validation ---------------------------------------------------- */

/* UTF-8 without C0/C1 controls or DEL; 0 or ERR_INVALID */
static int check_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		int n;
		uint32_t cp;
		if (c < 0x20 || c == 0x7f)
			return ERR_INVALID;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return ERR_INVALID;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return ERR_INVALID;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return ERR_INVALID;
		p += n + 1;
	}
	return 0;
}

static int check_name(const char *s)
{
	if (!*s)
		return ERR_INVALID;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return ERR_INVALID;
	return 0;
}

static int check_field(const char *v, const char *name, size_t max,
		       int required, int strict, struct err *e)
{
	if (!v)
		return required ? err_set(e, ERR_INVALID, "audit %s missing", name)
				: 0;
	if (strlen(v) > max)
		return err_set(e, ERR_LIMIT, "audit %s longer than %zu bytes", name,
			       max);
	if (strict ? check_name(v) : check_text(v))
		return err_set(e, ERR_INVALID, "audit %s has bad characters",
			       name);
	return 0;
}

static int validate(const struct audit_record *r, struct err *e)
{
	int rc;
	if ((rc = check_field(r->actor_login, "actor_login", AUDIT_LOGIN_MAX, 0, 0, e)) ||
	    (rc = check_field(r->role, "role", AUDIT_ROLE_MAX, 0, 0, e)) ||
	    (rc = check_field(r->action, "action", AUDIT_ACTION_MAX, 1, 1, e)) ||
	    (rc = check_field(r->object_type, "object_type", AUDIT_OBJTYPE_MAX, 0, 0, e)) ||
	    (rc = check_field(r->object_id, "object_id", AUDIT_OBJID_MAX, 0, 0, e)) ||
	    (rc = check_field(r->tenant, "tenant", AUDIT_TENANT_MAX, 0, 0, e)) ||
	    (rc = check_field(r->source, "source", AUDIT_SOURCE_MAX, 0, 0, e)) ||
	    (rc = check_field(r->result, "result", AUDIT_RESULT_MAX, 1, 1, e)))
		return rc;
	if (strncmp(r->action, "audit.checkpoint", 16) == 0)
		return err_set(e, ERR_INVALID, "audit action %s is reserved",
			       r->action);
	if (r->actor_id < 0)
		return err_set(e, ERR_INVALID, "audit actor_id negative");
	return 0;
}

/* ---- canonical serialisation and hashing ----------------------------- */

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_generichash_update(st, b, 8);
}

static void put_text(crypto_generichash_state *st, const char *s)
{
	unsigned char tag = s ? 1 : 0;
	crypto_generichash_update(st, &tag, 1);
	if (!s)
		return;
	size_t n = strlen(s);
	unsigned char len[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
				 (unsigned char)(n >> 8), (unsigned char)n };
	crypto_generichash_update(st, len, 4);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

/* hash = BLAKE2b-256(magic NUL || prev || seq || ts || actor_id? ||
 *                    9 tagged, length-prefixed texts) */
static void canon_hash(unsigned char out[32], const unsigned char prev[32],
		       const struct audit_record *r)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)canon_magic,
				  sizeof canon_magic);
	crypto_generichash_update(&st, prev, 32);
	put_u64(&st, (uint64_t)r->seq);
	put_u64(&st, (uint64_t)r->ts_ms);
	unsigned char tag = r->actor_id ? 1 : 0;
	crypto_generichash_update(&st, &tag, 1);
	if (r->actor_id)
		put_u64(&st, (uint64_t)r->actor_id);
	put_text(&st, r->actor_login);
	put_text(&st, r->role);
	put_text(&st, r->action);
	put_text(&st, r->object_type);
	put_text(&st, r->object_id);
	put_text(&st, r->tenant);
	put_text(&st, r->source);
	put_text(&st, r->result);
	put_text(&st, r->sig);
	crypto_generichash_final(&st, out, 32);
}

/* the message a checkpoint signs */
static void ckpt_message(unsigned char msg[sizeof ckpt_magic + 48],
			 int64_t covered, const unsigned char hash[32], int64_t ts)
{
	memcpy(msg, ckpt_magic, sizeof ckpt_magic);
	unsigned char *p = msg + sizeof ckpt_magic;
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((uint64_t)covered >> (56 - 8 * i));
	memcpy(p + 8, hash, 32);
	for (int i = 0; i < 8; i++)
		p[40 + i] = (unsigned char)((uint64_t)ts >> (56 - 8 * i));
}

/* ---- append ------------------------------------------------------------ */

struct head {
	int64_t seq, ckpt_seq;
	unsigned char hash[32];
};

static int head_lock(struct head *h, struct store *s, struct err *e)
{
	const char *sql = store_kind(s) == STORE_PG ?
		"SELECT seq, hash, ckpt_seq FROM audit_head WHERE id = 1 FOR UPDATE" :
		"SELECT seq, hash, ckpt_seq FROM audit_head WHERE id = 1";
	struct store_rows *r;
	int rc = store_query(&r, s, sql, NULL, 0, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		h->seq = store_col_int(r, 0);
		h->ckpt_seq = store_col_int(r, 2);
		const char *hx = store_col_text(r, 1);
		rc = strlen(hx) == 64 && hex_decode(h->hash, 32, hx) == 0 ? 0 :
			err_set(e, ERR_INTERNAL, "audit head hash malformed");
	} else if (rc == 0) {
		rc = err_set(e, ERR_INTERNAL, "audit head row missing");
	}
	store_rows_free(r);
	return rc;
}

static int head_write(struct store *s, const struct head *h, struct err *e)
{
	char hx[65];
	hex_encode(hx, h->hash, 32);
	struct store_val v[] = { sv_int(h->seq), sv_text(hx), sv_int(h->ckpt_seq) };
	int rc = store_exec(s, "UPDATE audit_head SET seq = $1, hash = $2,"
			       " ckpt_seq = $3 WHERE id = 1", v, 3, e);
	if (rc == 1)
		return 0;
	return rc < 0 ? rc : err_set(e, ERR_INTERNAL, "audit head row missing");
}

/* insert r (its seq/ts/hash set here) after h, and advance h */
static int insert_record(struct store *s, struct head *h,
			 struct audit_record *r, struct err *e)
{
	unsigned char hash[32];
	char hx[65];
	r->seq = h->seq + 1;
	if (r->ts_ms == 0)
		r->ts_ms = now_ms();
	canon_hash(hash, h->hash, r);
	hex_encode(hx, hash, 32);
	struct store_val v[] = {
		sv_int(r->seq), sv_int(r->ts_ms),
		r->actor_id ? sv_int(r->actor_id) : sv_null(),
		sv_text(r->actor_login), sv_text(r->role), sv_text(r->action),
		sv_text(r->object_type), sv_text(r->object_id),
		sv_text(r->tenant), sv_text(r->source), sv_text(r->result),
		sv_text(r->sig), sv_text(hx),
	};
	int rc = store_exec(s, "INSERT INTO audit_records (seq, ts, actor_id,"
			       " actor_login, role, action, object_type, object_id,"
			       " tenant, source, result, sig, hash) VALUES ($1, $2,"
			       " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
			    v, SV_N(v), e);
	if (rc < 0)
		return rc;
	h->seq = r->seq;
	memcpy(h->hash, hash, 32);
	return 0;
}

static int insert_checkpoint(struct store *s, struct head *h,
			     const struct audit_key *key, struct err *e)
{
	unsigned char msg[sizeof ckpt_magic + 48], sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1], covered[24];
	int64_t ts = now_ms();
	ckpt_message(msg, h->seq, h->hash, ts);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, key->sk);
	hex_encode(sig_hex, sig, sizeof sig);
	snprintf(covered, sizeof covered, "%" PRId64, h->seq);
	struct audit_record c = {
		.ts_ms = ts, .action = AUDIT_A_CHECKPOINT, .object_type = "audit",
		.object_id = covered, .result = AUDIT_R_OK, .sig = sig_hex,
	};
	int rc = insert_record(s, h, &c, e);
	if (rc == 0)
		h->ckpt_seq = h->seq;
	return rc;
}

int audit_append(int64_t *seq, struct store *s, const struct audit_config *c,
		 const struct audit_record *r, struct err *e)
{
	if (!store_in_tx(s))
		return err_set(e, ERR_INTERNAL,
			       "audit_append needs the caller's open transaction");
	int rc = validate(r, e);
	if (rc)
		return rc;
	if (c && c->key && (rc = audit_sodium_init(e)))
		return rc;
	struct head h;
	if ((rc = head_lock(&h, s, e)))
		return rc;
	struct audit_record copy = *r;
	copy.sig = NULL;
	copy.hash = NULL;
	if ((rc = insert_record(s, &h, &copy, e)))
		return rc;
	int every = c && c->checkpoint_every > 0 ? c->checkpoint_every :
		    AUDIT_CHECKPOINT_DEFAULT;
	if (c && c->key && h.seq - h.ckpt_seq >= every &&
	    (rc = insert_checkpoint(s, &h, c->key, e)))
		return rc;
	if ((rc = head_write(s, &h, e)))
		return rc;
	if (seq)
		*seq = copy.seq;
	return 0;
}

/* ---- a record in a commit of its own, shared ---------------------------- */

static struct store_group_counts own_counts;

struct own_append {
	int64_t seq;
	const struct audit_config *c;
	const struct audit_record *r;
};

static int own_append_fn(struct store *s, void *arg, struct err *e)
{
	struct own_append *o = arg;
	return audit_append(&o->seq, s, o->c, o->r, e);
}

int audit_append_own(int64_t *seq, struct store *s, const struct audit_config *c,
		     const struct audit_record *r, struct err *e)
{
	if (store_in_tx(s))
		return audit_append(seq, s, c, r, e);
	/* a bad record is refused here, not by taking it out of a batch */
	int rc = validate(r, e);
	if (rc)
		return rc;
	struct own_append o = { .c = c, .r = r };
	rc = store_group_write(s, &own_counts, STORE_GROUP_PG, own_append_fn, &o, e);
	if (rc == 0 && seq)
		*seq = o.seq;
	return rc;
}

void audit_own_counts(int64_t *commits, int64_t *records, int64_t *busy_us)
{
	struct store_group_counts n;
	store_group_counts_read(&n, &own_counts);
	*commits = n.commits;
	*records = n.writes;
	*busy_us = n.busy_us;
}

int audit_checkpoint(int64_t *seq, char *hash_hex, struct store *s,
		     const struct audit_key *key, struct err *e)
{
	if (!store_in_tx(s))
		return err_set(e, ERR_INTERNAL,
			       "audit_checkpoint needs an open transaction");
	if (!key)
		return err_set(e, ERR_INVALID, "audit checkpoint needs a key");
	int rc = audit_sodium_init(e);
	struct head h;
	if (rc || (rc = head_lock(&h, s, e)) ||
	    (rc = insert_checkpoint(s, &h, key, e)) ||
	    (rc = head_write(s, &h, e)))
		return rc;
	if (seq)
		*seq = h.seq;
	if (hash_hex)
		hex_encode(hash_hex, h.hash, 32);
	return 0;
}

/* ---- reading records ------------------------------------------------------ */

static const char *col_or_null(const struct store_rows *r, int col)
{
	return store_col_isnull(r, col) ? NULL : store_col_text(r, col);
}

static void row_to_record(struct audit_record *a, const struct store_rows *r)
{
	a->seq = store_col_int(r, 0);
	a->ts_ms = store_col_int(r, 1);
	a->actor_id = store_col_isnull(r, 2) ? 0 : store_col_int(r, 2);
	a->actor_login = col_or_null(r, 3);
	a->role = col_or_null(r, 4);
	a->action = col_or_null(r, 5);
	a->object_type = col_or_null(r, 6);
	a->object_id = col_or_null(r, 7);
	a->tenant = col_or_null(r, 8);
	a->source = col_or_null(r, 9);
	a->result = col_or_null(r, 10);
	a->sig = col_or_null(r, 11);
	a->hash = col_or_null(r, 12);
}

/* ---- verify ------------------------------------------------------------ */

const char *audit_problem_name(enum audit_problem p)
{
	switch (p) {
	case AUDIT_INTACT: return "intact";
	case AUDIT_ALTERED: return "altered";
	case AUDIT_MISSING: return "missing";
	case AUDIT_OUT_OF_ORDER: return "out_of_order";
	case AUDIT_BAD_SIGNATURE: return "bad_signature";
	case AUDIT_BAD_CHECKPOINT: return "bad_checkpoint";
	case AUDIT_TRUNCATED: return "truncated";
	case AUDIT_BEYOND_HEAD: return "beyond_head";
	case AUDIT_HEAD_MISMATCH: return "head_mismatch";
	case AUDIT_ANCHOR_MISMATCH: return "anchor_mismatch";
	}
	return "unknown";
}

static void bad(struct audit_verify_result *v, int64_t seq,
		enum audit_problem p, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void bad(struct audit_verify_result *v, int64_t seq,
		enum audit_problem p, const char *fmt, ...)
{
	if (!v->intact)
		return;   /* the first problem wins */
	v->intact = 0;
	v->bad_seq = seq;
	v->problem = p;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->what, sizeof v->what, fmt, ap);
	va_end(ap);
}

struct walk {
	struct audit_verify_result *v;
	const unsigned char *pk;
	const struct audit_anchor *anchor;
	int64_t want;               /* the seq the next record must have */
	unsigned char prev[32];     /* hash of record want - 1           */
};

/* check one record; returns 0 to go on, 1 when a problem was found */
static int check_one(struct walk *w, const struct audit_record *a)
{
	struct audit_verify_result *v = w->v;
	if (a->seq < w->want) {
		bad(v, a->seq, AUDIT_OUT_OF_ORDER,
		    "record %" PRId64 " where the chain expects %" PRId64
		    " (inserted?)", a->seq, w->want);
		return 1;
	}
	if (a->seq > w->want) {
		bad(v, w->want, AUDIT_MISSING,
		    "record %" PRId64 " is missing (deleted?); next is %" PRId64,
		    w->want, a->seq);
		return 1;
	}
	int is_ckpt = (a->action && strcmp(a->action, AUDIT_A_CHECKPOINT) == 0) ||
		      a->sig != NULL;
	if (is_ckpt) {
		char covered[24];
		unsigned char sig[crypto_sign_BYTES];
		snprintf(covered, sizeof covered, "%" PRId64, w->want - 1);
		if (!a->action || strcmp(a->action, AUDIT_A_CHECKPOINT) != 0 ||
		    !a->sig || strlen(a->sig) != 2 * crypto_sign_BYTES ||
		    hex_decode(sig, sizeof sig, a->sig) != 0 ||
		    !a->object_id || strcmp(a->object_id, covered) != 0) {
			bad(v, a->seq, AUDIT_BAD_CHECKPOINT,
			    "checkpoint %" PRId64 " is malformed or does not"
			    " cover record %s", a->seq, covered);
			return 1;
		}
		unsigned char msg[sizeof ckpt_magic + 48];
		ckpt_message(msg, w->want - 1, w->prev, a->ts_ms);
		if (crypto_sign_verify_detached(sig, msg, sizeof msg, w->pk) != 0) {
			bad(v, a->seq, AUDIT_BAD_SIGNATURE,
			    "checkpoint %" PRId64 ": signature does not verify"
			    " with this public key (forged, altered or"
			    " wrong key)", a->seq);
			return 1;
		}
	}
	unsigned char hash[32];
	char hx[65];
	canon_hash(hash, w->prev, a);
	hex_encode(hx, hash, 32);
	if (!a->hash || strcmp(hx, a->hash) != 0) {
		bad(v, a->seq, AUDIT_ALTERED,
		    "record %" PRId64 ": hash does not match its fields and"
		    " the previous record (altered or forged)", a->seq);
		return 1;
	}
	if (w->anchor && w->anchor->seq == a->seq &&
	    strcmp(w->anchor->hash, hx) != 0) {
		bad(v, a->seq, AUDIT_ANCHOR_MISMATCH,
		    "record %" PRId64 ": hash differs from the anchor kept"
		    " outside (chain rewritten)", a->seq);
		return 1;
	}
	if (is_ckpt) {
		v->checkpoints++;
		v->last_checkpoint = a->seq;
	}
	v->records++;
	memcpy(w->prev, hash, 32);
	w->want++;
	return 0;
}

static int check_head(struct walk *w, struct store *s, struct err *e)
{
	struct audit_verify_result *v = w->v;
	int64_t last = w->want - 1;
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT seq, hash, ckpt_seq FROM audit_head"
				    " WHERE id = 1", NULL, 0, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc < 0) {
		store_rows_free(r);
		return rc;
	}
	if (rc == 0) {
		store_rows_free(r);
		bad(v, last + 1, AUDIT_TRUNCATED, "the audit_head row is missing");
		return 0;
	}
	int64_t hseq = store_col_int(r, 0), hckpt = store_col_int(r, 2);
	char hhash[65], lhash[65];
	snprintf(hhash, sizeof hhash, "%s", store_col_text(r, 1));
	store_rows_free(r);
	hex_encode(lhash, w->prev, 32);
	v->head_seq = hseq;
	if (hseq > last)
		bad(v, last + 1, AUDIT_TRUNCATED,
		    "records %" PRId64 "..%" PRId64 " are missing: the head says"
		    " the log has %" PRId64 " (tail deleted?)", last + 1, hseq,
		    hseq);
	else if (hseq < last)
		bad(v, hseq + 1, AUDIT_BEYOND_HEAD,
		    "record %" PRId64 " lies beyond the head (%" PRId64
		    "): appended outside the application?", hseq + 1, hseq);
	else if (strcmp(hhash, lhash) != 0)
		bad(v, last, AUDIT_HEAD_MISMATCH,
		    "the head's hash differs from record %" PRId64 "'s", last);
	else if (hckpt > last)
		bad(v, last + 1, AUDIT_TRUNCATED,
		    "the head names checkpoint %" PRId64 " but the log ends at"
		    " %" PRId64 " (tail deleted?)", hckpt, last);
	else if (hckpt != v->last_checkpoint)
		bad(v, hckpt > v->last_checkpoint ? hckpt : v->last_checkpoint,
		    AUDIT_BAD_CHECKPOINT,
		    "the head names checkpoint %" PRId64 ", the log's last is"
		    " %" PRId64, hckpt, v->last_checkpoint);
	if (w->anchor && w->anchor->seq > last)
		bad(v, last + 1, AUDIT_TRUNCATED,
		    "the anchor names record %" PRId64 " but the log ends at"
		    " %" PRId64 " (truncated)", w->anchor->seq, last);
	return 0;
}

static int walk_all(struct walk *w, struct store *s, struct err *e)
{
	int64_t after = INT64_MIN;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT %s FROM audit_records WHERE seq > $1"
		 " ORDER BY seq LIMIT %d", record_cols, VERIFY_BATCH);
	for (;;) {
		struct store_rows *r;
		struct store_val p[] = { sv_int(after) };
		int rc = store_query(&r, s, sql, p, 1, e);
		if (rc)
			return rc;
		int n = 0, stop = 0;
		while (!stop && (rc = store_rows_next(r, e)) == 1) {
			struct audit_record a;
			row_to_record(&a, r);
			after = a.seq;
			n++;
			stop = check_one(w, &a);
		}
		store_rows_free(r);
		if (rc < 0)
			return rc;
		if (stop || n < VERIFY_BATCH)
			return stop;
	}
}

int audit_verify(struct audit_verify_result *out, struct store *s,
		 const unsigned char pk[32], const struct audit_anchor *anchor,
		 struct err *e)
{
	memset(out, 0, sizeof *out);
	out->intact = 1;
	if (!pk)
		return err_set(e, ERR_INVALID, "audit verify needs a public key");
	int rc = audit_sodium_init(e);
	if (rc)
		return rc;
	int own_tx = !store_in_tx(s);
	if (own_tx && (rc = store_begin_snapshot(s, e)))
		return rc;
	struct walk w = { .v = out, .pk = pk, .anchor = anchor, .want = 1 };
	rc = walk_all(&w, s, e);
	if (rc == 0)
		rc = check_head(&w, s, e);
	else if (rc == 1)
		rc = 0;
	if (own_tx)
		store_rollback(s);
	if (rc < 0) {
		out->intact = 0;
		return rc;
	}
	if (out->intact)
		snprintf(out->what, sizeof out->what,
			 "%" PRId64 " records intact, %" PRId64 " checkpoints,"
			 " %" PRId64 " after the last", out->records,
			 out->checkpoints, out->records - out->last_checkpoint);
	return 0;
}

/* ---- query -------------------------------------------------------------- */

int audit_query(struct store *s, const struct audit_filter *f,
		int (*fn)(const struct audit_record *r, void *arg), void *arg,
		struct err *e)
{
	struct store_val p[12];
	int np = 0;
	struct buf sql;
	buf_init(&sql, 2048);
	int rc = buf_printf(&sql, "SELECT %s FROM audit_records WHERE seq > $1",
			    record_cols);
	p[np++] = sv_int(f->after_seq);
#define COND(test, text, val)                                               \
	do {                                                                \
		if (rc == 0 && (test)) {                                    \
			p[np++] = (val);                                    \
			rc = buf_printf(&sql, " AND " text " $%d", np);     \
		}                                                           \
	} while (0)
	COND(f->actor_id > 0, "actor_id =", sv_int(f->actor_id));
	COND(f->actor_login, "actor_login =", sv_text(f->actor_login));
	COND(f->tenant, "tenant =", sv_text(f->tenant));
	COND(f->from_ms, "ts >=", sv_int(f->from_ms));
	COND(f->to_ms, "ts <", sv_int(f->to_ms));
	COND(f->action, "action =", sv_text(f->action));
	COND(f->object_type, "object_type =", sv_text(f->object_type));
	COND(f->object_id, "object_id =", sv_text(f->object_id));
#undef COND
	int limit = f->limit > 0 && f->limit <= AUDIT_QUERY_MAX ? f->limit :
		    AUDIT_QUERY_MAX;
	if (rc == 0)
		rc = buf_printf(&sql, " ORDER BY seq LIMIT %d", limit);
	if (rc) {
		buf_done(&sql);
		return err_set(e, rc, "audit query too long");
	}
	if (f->object_id && !f->object_type) {
		buf_done(&sql);
		return err_set(e, ERR_INVALID, "audit query: object id without type");
	}
	struct store_rows *r;
	rc = store_query(&r, s, buf_cstr(&sql), p, np, e);
	buf_done(&sql);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct audit_record a;
		row_to_record(&a, r);
		n++;
		if (fn && fn(&a, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}
