/*
 * items.c -- the bulky-waste item master read from CSV (jp/csv.h: UTF-8,
 * UTF-8 with BOM or CP932): columns found by their header names, every
 * row checked (id shape and uniqueness, fee, accepted/reason agreement,
 * the size rule parsed), size groups numbered (items sharing the base
 * name before "（" that carry a rule), then the matcher's keys prepared
 * (waste_keys_build, match.c).
 *
 * Invariants: everything the master holds lives in its arena; a master
 * that fails any check is refused whole, with the line of the first
 * problem, and nothing half-read is returned.
 */
#include "svc/waste/waste.h"
#include "svc/waste/waste_int.h"
#include "jp/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const reasons[] = {
	"", "kaden_recycle", "pc_recycle", "too_small_regular_waste", "dangerous",
	"not_collectable_other",
};

static const char *const vars[] = {
	"", "width_cm", "height_cm", "length_cm", "max_side_cm", "seats", "inch", "tatami",
};

const char *waste_reason_code(enum waste_reason r)
{
	return (int)r >= 0 && (size_t)r < sizeof reasons / sizeof reasons[0] ? reasons[r] : "";
}

const char *waste_var_name(enum waste_var v)
{
	return (int)v >= 0 && (size_t)v < sizeof vars / sizeof vars[0] ? vars[v] : "";
}

/* ---- size rules: "var OP n", "n OP var", "n OP var OP n" with OP one
 * of < <= > >= == ---- */

static int parse_var(enum waste_var *v, const char **p)
{
	for (size_t i = 1; i < sizeof vars / sizeof vars[0]; i++) {
		size_t n = strlen(vars[i]);
		if (strncmp(*p, vars[i], n) == 0) {
			*v = (enum waste_var)i;
			*p += n;
			return 0;
		}
	}
	return -1;
}

/* op: 1 <, 2 <=, 3 >, 4 >=, 5 == */
static int parse_op(int *op, const char **p)
{
	const char *s = *p;
	if (s[0] == '<' && s[1] == '=') *op = 2, *p += 2;
	else if (s[0] == '>' && s[1] == '=') *op = 4, *p += 2;
	else if (s[0] == '=' && s[1] == '=') *op = 5, *p += 2;
	else if (s[0] == '<') *op = 1, *p += 1;
	else if (s[0] == '>') *op = 3, *p += 1;
	else
		return -1;
	return 0;
}

static int parse_num(double *d, const char **p)
{
	char *end;
	if (!(**p >= '0' && **p <= '9'))
		return -1;
	*d = strtod(*p, &end);
	if (end == *p || *d < 0 || *d > 1e6)
		return -1;
	*p = end;
	return 0;
}

/* var OP n, as a bound on r */
static void bound(struct waste_rule *r, int op, double n)
{
	switch (op) {
	case 1: r->hi = n, r->hi_incl = 0; break;
	case 2: r->hi = n, r->hi_incl = 1; break;
	case 3: r->lo = n, r->lo_incl = 0; break;
	case 4: r->lo = n, r->lo_incl = 1; break;
	default: r->lo = r->hi = n, r->lo_incl = r->hi_incl = 1; break;
	}
}

/* the op that reads "n OP var" as "var OP' n" */
static int flip(int op)
{
	static const int f[] = { 0, 3, 4, 1, 2, 5 };
	return f[op];
}

int waste_rule_parse(struct waste_rule *r, const char *s)
{
	memset(r, 0, sizeof *r);
	r->lo = -1;
	r->hi = 1e18;
	if (!s || !*s)
		return 0;
	const char *p = s;
	int op;
	double n;
	if (parse_var(&r->var, &p) == 0) {              /* var OP n */
		if (parse_op(&op, &p) || parse_num(&n, &p) || *p)
			return -1;
		bound(r, op, n);
		return 0;
	}
	if (parse_num(&n, &p) || parse_op(&op, &p) || parse_var(&r->var, &p))
		return -1;
	if (op == 5)
		return -1;
	bound(r, flip(op), n);                       /* n OP var */
	if (!*p)
		return 0;
	if (parse_op(&op, &p) || op == 5 || parse_num(&n, &p) || *p)  /* ... OP n */
		return -1;
	bound(r, op, n);
	return 0;
}

int waste_rule_holds(const struct waste_rule *r, double v)
{
	if (r->var == WASTE_VAR_NONE)
		return 1;
	if (r->lo >= 0 && (r->lo_incl ? v < r->lo : v <= r->lo))
		return 0;
	if (r->hi < 1e18 && (r->hi_incl ? v > r->hi : v >= r->hi))
		return 0;
	return 1;
}

/* ---- the CSV ---- */

enum col { C_ID, C_NAME, C_KANA, C_ALIASES, C_CATEGORY, C_RULE, C_FEE, C_ACCEPTED,
	   C_REASON, C_GUIDANCE, C_N_ };

static const char *const col_names[C_N_] = {
	"item_id", "name", "kana", "aliases", "category", "size_rule", "fee_yen", "accepted",
	"not_accepted_reason", "guidance_ja",
};

struct reader {
	struct waste_items *w;
	int col[C_N_];
	int header_done;
	int cap;
	struct err err;
	int rc;
};

static int fail(struct reader *rd, long line, int code, const char *fmt, const char *what)
{
	err_set_line(&rd->err, code, line, fmt, what);
	rd->rc = code;
	return code;
}

static int id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > WASTE_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int text_ok(const char *s)
{
	return strlen(s) <= WASTE_NAME_MAX * 4 && !strpbrk(s, "\r\n");
}

static int on_header(struct reader *rd, long line, int nf, const char *const *f)
{
	for (int c = 0; c < C_N_; c++) {
		rd->col[c] = -1;
		for (int i = 0; i < nf; i++)
			if (strcmp(f[i], col_names[c]) == 0)
				rd->col[c] = i;
		if (rd->col[c] < 0 && c != C_GUIDANCE && c != C_KANA)
			return fail(rd, line, ERR_INVALID, "the header has no column %s", col_names[c]);
	}
	rd->header_done = 1;
	return 0;
}

static const char *field(const struct reader *rd, int nf, const char *const *f, enum col c)
{
	int i = rd->col[c];
	return i >= 0 && i < nf ? f[i] : "";
}

/* the aliases of one item: ';'-separated, empty ones skipped */
static int split_aliases(struct waste_item *it, struct arena *a, const char *s)
{
	const char **v = arena_alloc(a, sizeof *v * WASTE_ALIASES_MAX);
	if (!v)
		return ERR_NOMEM;
	int n = 0;
	while (*s) {
		size_t l = strcspn(s, ";");
		if (l > WASTE_NAME_MAX)
			return ERR_LIMIT;
		if (l > 0) {
			if (n == WASTE_ALIASES_MAX - 3)   /* room for name, base, kana */
				return ERR_LIMIT;
			if (!(v[n++] = arena_strndup(a, s, l)))
				return ERR_NOMEM;
		}
		s += l;
		if (*s == ';')
			s++;
	}
	it->aliases = v;
	it->naliases = n;
	return 0;
}

static int on_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)len;
	struct reader *rd = arg;
	if (!rd->header_done)
		return on_header(rd, line, nf, f);
	if (nf == 1 && !f[0][0])
		return 0;   /* an empty line */
	struct waste_items *w = rd->w;
	if (w->n == WASTE_ITEMS_MAX)
		return fail(rd, line, ERR_LIMIT, "more than %s items", "2000");
	if (w->n == rd->cap) {
		int cap = rd->cap ? rd->cap * 2 : 256;
		struct waste_item *ni = arena_alloc(w->a, sizeof *ni * (size_t)cap);
		if (!ni)
			return fail(rd, line, ERR_NOMEM, "%s", "out of memory");
		if (w->n)
			memcpy(ni, w->items, sizeof *ni * (size_t)w->n);
		w->items = ni;
		rd->cap = cap;
	}
	struct waste_item *it = &w->items[w->n];
	memset(it, 0, sizeof *it);
	const char *id = field(rd, nf, f, C_ID);
	if (!id_ok(id))
		return fail(rd, line, ERR_INVALID, "%s: the item_id is not 1..64 of [a-z0-9_]",
			    "item_id");
	if (waste_item_find(w, id))
		return fail(rd, line, ERR_INVALID, "the item_id %s is given twice", id);
	snprintf(it->id, sizeof it->id, "%s", id);
	const char *name = field(rd, nf, f, C_NAME);
	if (!*name || strlen(name) > WASTE_NAME_MAX || !text_ok(name))
		return fail(rd, line, ERR_INVALID, "%s: a name of 1..200 bytes on one line", "name");
	struct arena *a = w->a;
	it->name = arena_strdup(a, name);
	const char *paren = strstr(name, "（");
	it->base = arena_strndup(a, name, paren ? (size_t)(paren - name) : strlen(name));
	it->kana = arena_strdup(a, field(rd, nf, f, C_KANA));
	it->category = arena_strdup(a, field(rd, nf, f, C_CATEGORY));
	it->guidance = arena_strdup(a, field(rd, nf, f, C_GUIDANCE));
	if (!it->name || !it->base || !it->kana || !it->category || !it->guidance)
		return fail(rd, line, ERR_NOMEM, "%s", "out of memory");
	if (!text_ok(it->kana) || strlen(it->kana) > WASTE_NAME_MAX || !text_ok(it->category) ||
	    strlen(it->guidance) > 2000 || strpbrk(it->guidance, "\r\n"))
		return fail(rd, line, ERR_INVALID, "%s: too long or not on one line",
			    "kana/category/guidance_ja");
	int rc = split_aliases(it, a, field(rd, nf, f, C_ALIASES));
	if (rc)
		return fail(rd, line, rc, "%s: at most 37 aliases of at most 200 bytes",
			    "aliases");
	if (waste_rule_parse(&it->rule, field(rd, nf, f, C_RULE)))
		return fail(rd, line, ERR_INVALID, "size_rule \"%s\" does not parse",
			    field(rd, nf, f, C_RULE));
	const char *fee = field(rd, nf, f, C_FEE), *acc = field(rd, nf, f, C_ACCEPTED);
	char *end;
	long fy = strtol(fee, &end, 10);
	if (!*fee || *end || fy < 0 || fy > 100000 || fy % 10)
		return fail(rd, line, ERR_INVALID, "%s: a fee in yen, 0..100000, a multiple of 10",
			    "fee_yen");
	it->fee_yen = (int)fy;
	if (strcmp(acc, "1") && strcmp(acc, "0"))
		return fail(rd, line, ERR_INVALID, "%s: 1 or 0", "accepted");
	it->accepted = acc[0] == '1';
	const char *reason = field(rd, nf, f, C_REASON);
	it->reason = WASTE_ACCEPTED;
	for (size_t i = 1; *reason && i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(reason, reasons[i]) == 0)
			it->reason = (enum waste_reason)i;
	if (*reason && it->reason == WASTE_ACCEPTED)
		return fail(rd, line, ERR_INVALID, "not_accepted_reason \"%s\" is none of the known",
			    reason);
	if (it->accepted != (it->reason == WASTE_ACCEPTED))
		return fail(rd, line, ERR_INVALID, "%s: an accepted item has no reason, a refused one has one",
			    "not_accepted_reason");
	if (!it->accepted && it->fee_yen)
		return fail(rd, line, ERR_INVALID, "%s: a refused item has no fee", "fee_yen");
	it->group = -1;
	w->n++;
	return 0;
}

const struct waste_item *waste_item_find(const struct waste_items *w, const char *id)
{
	for (int i = 0; i < w->n; i++)
		if (strcmp(w->items[i].id, id) == 0)
			return &w->items[i];
	return NULL;
}

/* size groups: items with a rule sharing a base name */
static void number_groups(struct waste_items *w)
{
	for (int i = 0; i < w->n; i++) {
		struct waste_item *it = &w->items[i];
		if (it->rule.var == WASTE_VAR_NONE || it->group >= 0)
			continue;
		it->group = w->ngroups;
		for (int j = i + 1; j < w->n; j++)
			if (w->items[j].rule.var != WASTE_VAR_NONE && w->items[j].group < 0 &&
			    strcmp(w->items[j].base, it->base) == 0)
				w->items[j].group = w->ngroups;
		w->ngroups++;
	}
}

int waste_items_parse(struct waste_items **out, const char *data, size_t len, struct err *e)
{
	*out = NULL;
	if (len > WASTE_MASTER_MAX)
		return err_set(e, ERR_LIMIT, "the item master is over %u bytes", WASTE_MASTER_MAX);
	struct waste_items *w = calloc(1, sizeof *w);
	if (!w || !(w->a = arena_new(64u << 20))) {
		free(w);
		return err_set(e, ERR_NOMEM, "item master");
	}
	struct reader rd = { .w = w };
	err_clear(&rd.err);
	struct jp_csv_reader r;
	jp_csv_reader_init(&r, on_record, &rd);
	int rc = jp_csv_reader_feed(&r, data, len, e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&r, e);
	jp_csv_reader_done(&r);
	if (rd.rc) {
		*e = rd.err;
		rc = rd.rc;
	}
	if (rc == 0 && !rd.header_done)
		rc = err_set(e, ERR_INVALID, "the item master is empty");
	if (rc == 0) {
		number_groups(w);
		rc = waste_keys_build(w, e);
	}
	if (rc) {
		waste_items_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void waste_items_free(struct waste_items *w)
{
	if (!w)
		return;
	arena_free(w->a);
	free(w);
}
