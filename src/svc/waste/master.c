/*
 * master.c -- the bulky-waste item master as data: versions of a
 * municipality's whole master in the table waste_master_versions (schema
 * 4), each the canonical UTF-8 CSV written by waste_items_csv, in force
 * from its valid_from day; the master in force on a day; the list of
 * versions; what changed between two masters, field by field; export in
 * UTF-8 (with or without BOM) or CP932 (jp/cp932.h).  No HTTP here.
 *
 * Invariants: a version is checked whole by waste_items_parse before it
 * is written (ERR_INVALID with the line and column of the first
 * problem) and is never changed or deleted afterwards; a version is
 * never in force before today when written; versions already scheduled
 * after the new one's day get its changes too (waste.h says how), in the
 * same transaction, so the master in force on any day is always one
 * complete, checked CSV.  Two writers at once: the second's version
 * number is taken (primary key), it gets ERR_CONFLICT and writes nothing.
 */
#include "svc/waste/waste.h"
#include "svc/waste/waste_int.h"
#include "base/buf.h"
#include "jp/cp932.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const waste_cols[WASTE_COLS] = {
	"item_id", "name", "kana", "aliases", "category", "size_rule", "fee_yen", "accepted",
	"not_accepted_reason", "guidance_ja",
};

/* ---- canonical text ---- */

static const char *num(struct arena *a, double d)
{
	return arena_printf(a, "%g", d);
}

/* the rule as waste_rule_parse reads it back */
static const char *rule_text(struct arena *a, const struct waste_rule *r)
{
	if (r->var == WASTE_VAR_NONE)
		return "";
	const char *v = waste_var_name(r->var);
	int has_lo = r->lo >= 0, has_hi = r->hi < 1e18;
	if (has_lo && has_hi && r->lo == r->hi && r->lo_incl && r->hi_incl)
		return arena_printf(a, "%s==%s", v, num(a, r->lo));
	if (has_lo && has_hi)
		return arena_printf(a, "%s%s%s%s%s", num(a, r->lo), r->lo_incl ? "<=" : "<", v,
				    r->hi_incl ? "<=" : "<", num(a, r->hi));
	if (has_hi)
		return arena_printf(a, "%s%s%s", v, r->hi_incl ? "<=" : "<", num(a, r->hi));
	if (has_lo)
		return arena_printf(a, "%s%s%s", v, r->lo_incl ? ">=" : ">", num(a, r->lo));
	return "";
}

int waste_item_fields(const char *f[WASTE_COLS], struct arena *a, const struct waste_item *it)
{
	struct buf b;
	buf_init(&b, WASTE_ALIASES_MAX * (WASTE_NAME_MAX + 1));
	for (int i = 0; i < it->naliases; i++)
		buf_printf(&b, "%s%s", i ? ";" : "", it->aliases[i]);
	f[0] = arena_strdup(a, it->id);
	f[1] = it->name;
	f[2] = it->kana;
	f[3] = arena_strdup(a, buf_cstr(&b));
	f[4] = it->category;
	f[5] = rule_text(a, &it->rule);
	f[6] = arena_printf(a, "%d", it->fee_yen);
	f[7] = it->accepted ? "1" : "0";
	f[8] = waste_reason_code(it->reason);
	f[9] = it->guidance;
	buf_done(&b);
	for (int c = 0; c < WASTE_COLS; c++)
		if (!f[c])
			return ERR_NOMEM;
	return 0;
}

static void put_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void put_row(struct buf *b, const char *const f[WASTE_COLS])
{
	for (int c = 0; c < WASTE_COLS; c++) {
		if (c)
			buf_putc(b, ',');
		put_field(b, f[c] ? f[c] : "");
	}
	buf_puts(b, "\r\n");
}

/* rows: an editable master, each row its columns' text */
struct row {
	const char *f[WASTE_COLS];
	int gone;
};

static int rows_of(struct row **out, struct arena *a, const struct waste_items *w)
{
	struct row *rs = arena_alloc(a, sizeof *rs * (size_t)(w && w->n ? w->n : 1));
	if (!rs)
		return ERR_NOMEM;
	for (int i = 0; w && i < w->n; i++) {
		rs[i].gone = 0;
		if (waste_item_fields(rs[i].f, a, &w->items[i]))
			return ERR_NOMEM;
	}
	*out = rs;
	return 0;
}

static int rows_csv(char **out, size_t *len, const struct row *rs, int n, const struct row *extra,
		    struct err *e)
{
	struct buf b;
	buf_init(&b, WASTE_MASTER_MAX);
	put_row(&b, waste_cols);
	for (int i = 0; i < n; i++)
		if (!rs[i].gone)
			put_row(&b, rs[i].f);
	if (extra)
		put_row(&b, extra->f);
	if (b.len >= WASTE_MASTER_MAX) {
		buf_done(&b);
		return err_set(e, ERR_LIMIT, "the item master is over %u bytes", WASTE_MASTER_MAX);
	}
	*len = b.len;
	if (!(*out = buf_steal(&b)))
		return err_set(e, ERR_NOMEM, "item master CSV");
	return 0;
}

static int row_find(const struct row *rs, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (!rs[i].gone && strcmp(rs[i].f[0], id) == 0)
			return i;
	return -1;
}

int waste_items_csv(char **out, size_t *len, const struct waste_items *w, enum waste_enc enc,
		    struct err *e)
{
	*out = NULL;
	*len = 0;
	struct arena *a = arena_new(16u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "item master CSV");
	struct row *rs;
	char *csv = NULL;
	size_t n = 0;
	int rc = rows_of(&rs, a, w) ? err_set(e, ERR_NOMEM, "item master CSV")
				    : rows_csv(&csv, &n, rs, w->n, NULL, e);
	arena_free(a);
	if (rc)
		return rc;
	if (enc == WASTE_ENC_CP932) {
		struct jp_textpos bad;
		rc = jp_utf8_to_cp932(out, len, &bad, csv, n, e);
		free(csv);
		return rc;
	}
	if (enc == WASTE_ENC_UTF8_BOM) {
		char *b = malloc(n + 4);
		if (!b) {
			free(csv);
			return err_set(e, ERR_NOMEM, "item master CSV");
		}
		memcpy(b, "\xEF\xBB\xBF", 3);
		memcpy(b + 3, csv, n + 1);
		free(csv);
		*out = b;
		*len = n + 3;
		return 0;
	}
	*out = csv;
	*len = n;
	return 0;
}

int waste_items_with(char **out, size_t *len, const struct waste_items *base,
		     const char *const f[WASTE_COLS], struct err *e)
{
	struct arena *a = arena_new(16u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "item master CSV");
	struct row *rs, extra;
	int n = base ? base->n : 0, rc = rows_of(&rs, a, base);
	if (rc) {
		arena_free(a);
		return err_set(e, ERR_NOMEM, "item master CSV");
	}
	memcpy(extra.f, f, sizeof extra.f);
	int at = row_find(rs, n, f[0]);
	if (at >= 0)
		memcpy(rs[at].f, f, sizeof rs[at].f);
	rc = rows_csv(out, len, rs, n, at >= 0 ? NULL : &extra, e);
	arena_free(a);
	return rc;
}

/* ---- the difference between two masters ---- */

int waste_master_diff(struct waste_change **out, int *n, struct arena *a,
		      const struct waste_items *old, const struct waste_items *new_, struct err *e)
{
	*out = NULL;
	*n = 0;
	int cap = 64, k = 0;
	struct waste_change *v = arena_alloc(a, sizeof *v * (size_t)cap);
	if (!v)
		return err_set(e, ERR_NOMEM, "diff");
#define PUSH(...)                                                                           \
	do {                                                                                \
		if (k == cap) {                                                             \
			struct waste_change *nv = arena_alloc(a, sizeof *nv * (size_t)cap * 2); \
			if (!nv)                                                            \
				return err_set(e, ERR_NOMEM, "diff");                      \
			memcpy(nv, v, sizeof *v * (size_t)k);                               \
			v = nv;                                                             \
			cap *= 2;                                                           \
		}                                                                           \
		v[k++] = (struct waste_change){ __VA_ARGS__ };                              \
	} while (0)
	for (int i = 0; new_ && i < new_->n; i++) {
		const struct waste_item *ni = &new_->items[i];
		const struct waste_item *oi = old ? waste_item_find(old, ni->id) : NULL;
		if (!oi) {
			PUSH(.kind = WASTE_CH_ADDED, .id = ni->id, .name = ni->name, .col = -1);
			continue;
		}
		const char *fo[WASTE_COLS], *fn[WASTE_COLS];
		if (waste_item_fields(fo, a, oi) || waste_item_fields(fn, a, ni))
			return err_set(e, ERR_NOMEM, "diff");
		for (int c = 1; c < WASTE_COLS; c++)
			if (strcmp(fo[c], fn[c]))
				PUSH(.kind = WASTE_CH_CHANGED, .id = ni->id, .name = ni->name, .col = c,
				     .old = fo[c], .new_ = fn[c]);
	}
	for (int i = 0; old && i < old->n; i++)
		if (!new_ || !waste_item_find(new_, old->items[i].id))
			PUSH(.kind = WASTE_CH_REMOVED, .id = old->items[i].id,
			     .name = old->items[i].name, .col = -1);
#undef PUSH
	*out = v;
	*n = k;
	return 0;
}

/* ---- versions ---- */

static void version_of(struct waste_version *v, struct store_rows *r)
{
	memset(v, 0, sizeof *v);
	v->version = store_col_int(r, 0);
	v->valid_from = (long)store_col_int(r, 1);
	v->created_by = store_col_int(r, 2);
	snprintf(v->created_login, sizeof v->created_login, "%s", store_col_text(r, 3));
	v->created_at = store_col_int(r, 4);
	snprintf(v->note, sizeof v->note, "%s", store_col_text(r, 5));
	v->carried_from = store_col_int(r, 6);
}

#define VERSION_COLS "version, valid_from, created_by, created_login, created_at, note, carried_from"

int waste_master_newest(int64_t *version, struct store *s, const char *tenant, struct err *e)
{
	struct store_val p[] = { sv_text(tenant) };
	return store_query_int(version, s,
			       "SELECT COALESCE(MAX(version), 0) FROM waste_master_versions WHERE tenant = $1",
			       p, 1, e);
}

int waste_master_list(struct waste_version **out, int *n, struct store *s, const char *tenant,
		      struct err *e)
{
	*out = NULL;
	*n = 0;
	struct store_val p[] = { sv_text(tenant), sv_int(WASTE_VERSIONS_MAX) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " VERSION_COLS " FROM waste_master_versions"
			     " WHERE tenant = $1 ORDER BY version DESC LIMIT $2", p, 2, e);
	if (rc)
		return rc;
	int cap = 0, k = 0;
	struct waste_version *v = NULL;
	while ((rc = store_rows_next(r, e)) == 1) {
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			struct waste_version *nv = realloc(v, sizeof *v * (size_t)cap);
			if (!nv) {
				rc = err_set(e, ERR_NOMEM, "versions");
				break;
			}
			v = nv;
		}
		version_of(&v[k++], r);
	}
	store_rows_free(r);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

int waste_master_pick(const struct waste_version *v, int n, long day)
{
	int best = -1;
	for (int i = 0; i < n; i++)
		if (v[i].valid_from <= day &&
		    (best < 0 || v[i].valid_from > v[best].valid_from ||
		     (v[i].valid_from == v[best].valid_from && v[i].version > v[best].version)))
			best = i;
	return best;
}

int waste_master_csv_get(char **csv, struct store *s, const char *tenant, int64_t version,
			 struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_int(version) };
	int rc = store_query_text(csv, s, "SELECT csv FROM waste_master_versions"
				  " WHERE tenant = $1 AND version = $2", p, 2, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no version %lld of the item master", (long long)version);
	return rc;
}

static int parse_version(struct waste_items **w, struct store *s, const char *tenant,
			 int64_t version, struct err *e)
{
	char *csv = NULL;
	int rc = waste_master_csv_get(&csv, s, tenant, version, e);
	if (rc == 0)
		rc = waste_items_parse(w, csv, strlen(csv), e);
	free(csv);
	return rc;
}

int waste_master_in_force(struct waste_version *out, struct waste_items **w, struct store *s,
			  const char *tenant, struct jp_date day, struct err *e)
{
	*w = NULL;
	struct store_val p[] = { sv_text(tenant), sv_int(jp_date_to_days(day)) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " VERSION_COLS " FROM waste_master_versions"
			     " WHERE tenant = $1 AND valid_from <= $2"
			     " ORDER BY valid_from DESC, version DESC LIMIT 1", p, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		version_of(out, r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "the municipality has no item master in force");
	if (rc < 0)
		return rc;
	return parse_version(w, s, tenant, out->version, e);
}

static int insert_version(struct store *s, const char *tenant, int64_t version, long from,
			  const char *csv, const struct waste_master_in *in, int64_t carried_from,
			  struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_int(version), sv_int(from), sv_text(csv),
				 sv_text(in->note ? in->note : ""), sv_int(in->by),
				 sv_text(in->login ? in->login : ""), sv_int(in->now), sv_int(carried_from) };
	int rc = store_exec(s, "INSERT INTO waste_master_versions (tenant, version, valid_from, csv,"
			    " note, created_by, created_login, created_at, carried_from)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", p, SV_N(p), e);
	if (rc == ERR_CONFLICT)   /* two writers took the same number (PostgreSQL) */
		return err_set(e, ERR_CONFLICT, "version %lld of the item master was not written"
			       " (another written at the same time, or no such municipality)",
			       (long long)version);
	return rc < 0 ? rc : 0;
}

/* later, with what changed from base to now applied where later kept
 * base's value (waste.h); *out "" when nothing changes */
static int carry(char **out, size_t *len, const struct waste_items *base,
		 const struct waste_items *now, const struct waste_items *later, struct err *e)
{
	*out = NULL;
	*len = 0;
	struct arena *a = arena_new(32u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "carry");
	struct row *rb, *rn, *rl;
	int nl = later->n, nb = base ? base->n : 0, changed = 0, rc;
	if (rows_of(&rb, a, base) || rows_of(&rn, a, now)) {
		arena_free(a);
		return err_set(e, ERR_NOMEM, "carry");
	}
	/* room for items now adds */
	rl = arena_alloc(a, sizeof *rl * (size_t)(nl + now->n + 1));
	struct row *tmp;
	if (!rl || rows_of(&tmp, a, later)) {
		arena_free(a);
		return err_set(e, ERR_NOMEM, "carry");
	}
	memcpy(rl, tmp, sizeof *rl * (size_t)nl);
	for (int i = 0; i < now->n; i++) {
		int b = row_find(rb, nb, rn[i].f[0]), l = row_find(rl, nl, rn[i].f[0]);
		if (b < 0) {
			if (l < 0) {          /* added now: added later too */
				rl[nl++] = rn[i];
				changed = 1;
			}
			continue;
		}
		if (l < 0)
			continue;             /* the later version removed it */
		for (int c = 1; c < WASTE_COLS; c++)
			if (strcmp(rn[i].f[c], rb[b].f[c]) && strcmp(rl[l].f[c], rb[b].f[c]) == 0) {
				rl[l].f[c] = rn[i].f[c];
				changed = 1;
			}
	}
	for (int i = 0; i < nb; i++)
		if (row_find(rn, now->n, rb[i].f[0]) < 0) {
			int l = row_find(rl, nl, rb[i].f[0]);
			if (l >= 0) {         /* removed now: removed later too */
				rl[l].gone = 1;
				changed = 1;
			}
		}
	rc = changed ? rows_csv(out, len, rl, nl, NULL, e) : 0;
	arena_free(a);
	return rc;
}

/* the days with versions after from, each with its version in force */
static int scheduled_after(struct waste_version **v, int *n, struct store *s, const char *tenant,
			   long from, struct err *e)
{
	int rc = waste_master_list(v, n, s, tenant, e);
	if (rc)
		return rc;
	int k = 0;
	for (int i = 0; i < *n; i++) {
		if ((*v)[i].valid_from <= from)
			continue;
		int dup = 0;      /* newest first: the first of its day is in force */
		for (int j = 0; j < k; j++)
			dup |= (*v)[j].valid_from == (*v)[i].valid_from;
		if (!dup)
			(*v)[k++] = (*v)[i];
	}
	*n = k;
	return 0;
}

int waste_master_add(struct waste_version *out, struct store *s, const char *tenant,
		     const struct waste_master_in *in, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (in->note && strlen(in->note) > WASTE_NOTE_MAX)
		return err_set(e, ERR_INVALID, "the note is over %d bytes", WASTE_NOTE_MAX);
	if (!jp_date_valid(in->from))
		return err_set(e, ERR_INVALID, "the first day is not a date");
	long from = jp_date_to_days(in->from), today = jp_date_to_days(jp_jst_date(in->now));
	if (from < today)
		return err_set(e, ERR_INVALID, "the first day is before today");
	struct waste_items *w = NULL;
	int rc = waste_items_parse(&w, in->csv, in->len, e);
	if (rc)
		return rc;
	char *csv = NULL;
	size_t len;
	rc = waste_items_csv(&csv, &len, w, WASTE_ENC_UTF8, e);
	if (rc) {
		waste_items_free(w);
		return rc;
	}
	int own = !store_in_tx(s);
	if (own && (rc = store_begin(s, e))) {
		free(csv);
		waste_items_free(w);
		return rc;
	}
	int64_t next = 0;
	struct waste_version base_v, *later = NULL;
	struct waste_items *base = NULL;
	int nlater = 0;
	rc = waste_master_newest(&next, s, tenant, e);
	next++;
	if (rc == 0) {
		rc = waste_master_in_force(&base_v, &base, s, tenant, in->from, e);
		if (rc == ERR_NOTFOUND)
			rc = 0, base = NULL;
	}
	if (rc == 0)
		rc = insert_version(s, tenant, next, from, csv, in, 0, e);
	if (rc == 0)
		rc = scheduled_after(&later, &nlater, s, tenant, from, e);
	/* oldest day first, each written again with the changes */
	for (int i = nlater - 1; rc == 0 && i >= 0; i--) {
		struct waste_items *lw = NULL, *cw = NULL;
		char *cc = NULL;
		size_t clen = 0;
		rc = parse_version(&lw, s, tenant, later[i].version, e);
		if (rc == 0)
			rc = carry(&cc, &clen, base ? base : in->before, w, lw, e);
		if (rc == 0 && cc) {
			char day[JP_DATE_ISO_SIZE];
			jp_date_format_iso(day, sizeof day, jp_date_from_days(later[i].valid_from), NULL);
			rc = waste_items_parse(&cw, cc, clen, e);
			if (rc) {
				char why[sizeof e->detail];
				snprintf(why, sizeof why, "%s", e->detail);
				rc = err_set(e, ERR_INVALID, "the change cannot be carried into the version"
					     " from %s: %s", day, why);
			}
			if (rc == 0)
				rc = insert_version(s, tenant, next + 1 + out->carried,
						    later[i].valid_from, cc, in, next, e);
			if (rc == 0)
				out->carried++;
		}
		waste_items_free(cw);
		waste_items_free(lw);
		free(cc);
	}
	free(later);
	waste_items_free(base);
	waste_items_free(w);
	free(csv);
	if (own) {
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, e);
	}
	if (rc)
		return rc;
	out->version = next;
	out->valid_from = from;
	out->created_by = in->by;
	snprintf(out->created_login, sizeof out->created_login, "%s", in->login ? in->login : "");
	out->created_at = in->now;
	snprintf(out->note, sizeof out->note, "%s", in->note ? in->note : "");
	return 0;
}
