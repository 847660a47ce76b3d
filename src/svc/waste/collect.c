/*
 * collect.c -- the ordinary collection calendar in the 5374 (ゴミナシ)
 * format: the files read and checked (every problem listed with its file,
 * line and column), imported in one transaction, loaded, written back as
 * 5374 reads them, and rules expanded into collection days (collect.h).
 *
 * Rules are read as 5374's TrashModel reads them (token of one weekday:
 * every week; weekday + n: the n-th such weekday of the month; *n: a
 * remark; 隔 + weekday + YYYYMMDD: every other week from that day;
 * YYYYMMDD: that day; ":m m": only those months), learnt from
 * codeforkanazawa-org/5374's js/script.js, written here from that
 * description.  Differences: tokens of several kinds in one cell are all
 * honoured (5374 drops the weekly tokens when one is a date); an area's
 * closed days are left out, never moved a week later (5374's WeekShift,
 * off by default there too); every other week runs for as long as asked
 * (5374 stops after 27).
 */
#include "svc/waste/collect.h"
#include "svc/waste/waste_int.h"
#include "store/store.h"
#include "jp/csv.h"
#include "jp/holiday.h"
#include "base/log.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const file_names[WASTE_COLLECT_FILES_] = {
	"area_days.csv", "target.csv", "description.csv", "center.csv"
};
static const char *const file_keys[WASTE_COLLECT_FILES_] = { "area_days", "target", "description", "center" };
static const int file_cols[WASTE_COLLECT_FILES_] = { 0, 4, 5, 3 };

const char *waste_collect_file_name(enum waste_collect_file f)
{
	return (unsigned)f < WASTE_COLLECT_FILES_ ? file_names[f] : "";
}

/* ---- rules ---- */

static const char *const wdays[7] = { "日", "月", "火", "水", "木", "金", "土" };

/* the weekday written at p (3 bytes), or -1 */
static int wday_at(const char *p, size_t n)
{
	if (n < 3)
		return -1;
	for (int i = 0; i < 7; i++)
		if (memcmp(p, wdays[i], 3) == 0)
			return i;
	return -1;
}

static int digits(const char *p, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* YYYYMMDD at p into a day number, or -1 */
static long ymd8(const char *p)
{
	if (!digits(p, 8))
		return -1;
	struct jp_date d = { (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'),
			     (p[4] - '0') * 10 + (p[5] - '0'), (p[6] - '0') * 10 + (p[7] - '0') };
	return jp_date_valid(d) ? jp_date_to_days(d) : -1;
}

static int token_parse(struct waste_collect_tok *t, const char *p, size_t n)
{
	int w = wday_at(p, n);
	if (w >= 0 && n == 3) {
		*t = (struct waste_collect_tok){ .kind = WC_WEEKLY, .wday = w };
		return 0;
	}
	if (w >= 0 && n == 4 && p[3] >= '1' && p[3] <= '5') {
		*t = (struct waste_collect_tok){ .kind = WC_NTH, .wday = w, .nth = p[3] - '0' };
		return 0;
	}
	if (n >= 2 && n <= 4 && p[0] == '*' && digits(p + 1, n - 1)) {
		*t = (struct waste_collect_tok){ .kind = WC_REMARK, .nth = atoi(p + 1) };
		return 0;
	}
	if (n == 14 && memcmp(p, "隔", 3) == 0 && (w = wday_at(p + 3, 3)) >= 0) {
		long d = ymd8(p + 6);
		if (d < 0 || (int)jp_date_weekday(jp_date_from_days(d)) != w)
			return ERR_INVALID;
		*t = (struct waste_collect_tok){ .kind = WC_BIWEEKLY, .wday = w, .day = d };
		return 0;
	}
	if (n == 8) {
		long d = ymd8(p);
		if (d < 0)
			return ERR_INVALID;
		*t = (struct waste_collect_tok){ .kind = WC_DATE, .day = d };
		return 0;
	}
	return ERR_INVALID;
}

int waste_collect_rule_parse(struct waste_collect_rule *r, const char *text, struct err *e)
{
	memset(r, 0, sizeof *r);
	r->text = text ? text : "";
	r->months = 0xFFFu;
	const char *colon = strchr(r->text, ':');
	size_t end = colon ? (size_t)(colon - r->text) : strlen(r->text);
	for (size_t i = 0; i < end;) {
		if (r->text[i] == ' ') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < end && r->text[j] != ' ')
			j++;
		if (r->ntok == WASTE_COLLECT_TOKENS_MAX)
			return err_set(e, ERR_LIMIT, "at most %d days in one rule", WASTE_COLLECT_TOKENS_MAX);
		if (token_parse(&r->tok[r->ntok], r->text + i, j - i))
			return err_set(e, ERR_INVALID, "\"%.*s\" is not a day (火, 水1, *1, 隔火20260407, 20260415)",
				       (int)(j - i > 60 ? 60 : j - i), r->text + i);
		r->ntok++;
		i = j;
	}
	if (colon) {
		if (r->ntok == 0)
			return err_set(e, ERR_INVALID, "months without days");
		r->months = 0;
		const char *p = colon + 1;
		while (*p) {
			if (*p == ' ') {
				p++;
				continue;
			}
			size_t k = strcspn(p, " ");
			int m = digits(p, k) && k <= 2 ? atoi(p) : 0;
			if (m < 1 || m > 12)
				return err_set(e, ERR_INVALID, "\"%.*s\" is not a month (1..12)", (int)(k > 20 ? 20 : k), p);
			r->months |= 1u << (m - 1);
			p += k;
		}
		if (!r->months)
			return err_set(e, ERR_INVALID, "no month after ':'");
	}
	return 0;
}

int waste_collect_rule_holds(const struct waste_collect_rule *r, long d)
{
	struct jp_date dt = jp_date_from_days(d);
	int w = (int)jp_date_weekday(dt), in_month = (r->months >> (dt.m - 1)) & 1u;
	for (int i = 0; i < r->ntok; i++) {
		const struct waste_collect_tok *t = &r->tok[i];
		switch (t->kind) {
		case WC_WEEKLY:
			if (in_month && w == t->wday)
				return 1;
			break;
		case WC_NTH:
			if (in_month && w == t->wday && (dt.d - 1) / 7 + 1 == t->nth)
				return 1;
			break;
		case WC_BIWEEKLY:
			if (in_month && d >= t->day && (d - t->day) % 14 == 0)
				return 1;
			break;
		case WC_DATE:
			if (d == t->day)
				return 1;
			break;
		case WC_REMARK:
			break;
		}
	}
	return 0;
}

int waste_collect_closed(const struct waste_collect_area *a, long d)
{
	if (jp_is_nenmatsu_nenshi(jp_date_from_days(d)))
		return 1;
	return a->closed_from >= 0 && d >= a->closed_from && d <= a->closed_to;
}

int waste_collect_days(struct waste_collect_day *out, int max, const struct waste_collect *c,
		       const struct waste_collect_area *a, struct jp_date from, struct jp_date to)
{
	long f = jp_date_to_days(from), t = jp_date_to_days(to);
	if (!jp_date_valid(from) || !jp_date_valid(to) || t < f || t - f >= WASTE_COLLECT_SPAN_MAX)
		return ERR_LIMIT;
	int n = 0;
	for (long d = f; d <= t; d++) {
		if (waste_collect_closed(a, d))
			continue;
		unsigned cats = 0;
		for (int i = 0; i < c->ncats; i++)
			if (waste_collect_rule_holds(&a->rule[i], d))
				cats |= 1u << i;
		if (!cats)
			continue;
		if (n == max)
			return ERR_LIMIT;
		out[n++] = (struct waste_collect_day){ jp_date_from_days(d), cats };
	}
	return n;
}

const struct waste_collect_area *waste_collect_area_find(const struct waste_collect *c, const char *code)
{
	for (int i = 0; code && i < c->nareas; i++)
		if (strcmp(c->area[i].code, code) == 0)
			return &c->area[i];
	return NULL;
}

static void area_code(char out[WASTE_COLLECT_CODE_LEN + 1], const char *name)
{
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)name, strlen(name), NULL, 0);
	char hex[33];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(out, WASTE_COLLECT_CODE_LEN + 1, "a%.8s", hex);
}

/* ---- CSV out ---- */

static int put_field(struct buf *b, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")])
		return buf_puts(b, s);
	int rc = buf_putc(b, '"');
	for (; rc == 0 && *s; s++)
		rc = *s == '"' ? buf_puts(b, "\"\"") : buf_putc(b, *s);
	return rc ? rc : buf_putc(b, '"');
}

static int put_row(struct buf *b, const char *const *f, int n)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		if (i)
			rc = buf_putc(b, ',');
		if (rc == 0)
			rc = put_field(b, f[i] ? f[i] : "");
	}
	return rc;
}

/* ---- CSV in ---- */

struct row {
	long line;
	int nf;
	char **f;
	struct row *next;
};

struct rd {
	struct arena *a;
	struct row *head, **tail;
	int n, max;
	struct waste_collect_problems *pr;
	enum waste_collect_file file;
};

static void problem(struct waste_collect_problems *pr, enum waste_collect_file f, long line, int col,
		    const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(struct waste_collect_problems *pr, enum waste_collect_file f, long line, int col,
		    const char *code, const char *fmt, ...)
{
	if (pr->n == WASTE_COLLECT_PROBLEMS_MAX) {
		pr->more++;
		return;
	}
	struct waste_collect_problem *p = &pr->p[pr->n++];
	*p = (struct waste_collect_problem){ .file = f, .line = line, .col = col, .code = code };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->what, sizeof p->what, fmt, ap);
	va_end(ap);
}

static int on_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	struct rd *d = arg;
	if (nf == 1 && len[0] == 0)
		return 0;   /* an empty line, as 5374 skips it */
	if (d->n == d->max)
		return ERR_LIMIT;
	struct row *r = arena_alloc(d->a, sizeof *r);
	char **ff = r ? arena_alloc(d->a, sizeof *ff * (size_t)nf) : NULL;
	if (!ff)
		return ERR_NOMEM;
	*r = (struct row){ .line = line, .nf = nf, .f = ff };
	for (int i = 0; i < nf; i++) {
		if (len[i] > WASTE_COLLECT_FIELD_MAX) {
			problem(d->pr, d->file, line, i + 1, "long", "over %d bytes", WASTE_COLLECT_FIELD_MAX);
			ff[i] = "";
		} else if (!(ff[i] = arena_strndup(d->a, f[i], len[i]))) {
			return ERR_NOMEM;
		}
	}
	*d->tail = r;
	d->tail = &r->next;
	d->n++;
	return 0;
}

/* the file's records into *rows (the header first); 0, or a problem
 * listed and ERR_INVALID */
static int read_file(struct rd *d, struct waste_collect_form *form, const char *data, size_t len)
{
	d->head = NULL;
	d->tail = &d->head;
	d->n = 0;
	if (len > WASTE_COLLECT_FILE_MAX) {
		problem(d->pr, d->file, 0, 0, "size", "over %u bytes", WASTE_COLLECT_FILE_MAX);
		return ERR_INVALID;
	}
	struct jp_csv_reader r;
	struct err e;
	err_clear(&e);
	jp_csv_reader_init(&r, on_record, d);
	int rc = jp_csv_reader_feed(&r, data, len, &e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&r, &e);
	jp_csv_reader_done(&r);
	if (rc == ERR_LIMIT && d->n == d->max) {
		problem(d->pr, d->file, 0, 0, "rows", "over %d rows", d->max - 1);
		return ERR_INVALID;
	}
	if (rc == ERR_NOMEM)
		return rc;
	if (rc) {
		problem(d->pr, d->file, e.line, 0, "csv", "%s", e.detail);
		return ERR_INVALID;
	}
	if (!d->head) {
		problem(d->pr, d->file, 1, 0, "empty", "no header row");
		return ERR_INVALID;
	}
	const char *lf = memchr(data, '\n', len);
	form->crlf = lf && lf > data && lf[-1] == '\r';
	form->final_eol = len > 0 && data[len - 1] == '\n';
	form->present = 1;
	struct buf b;
	buf_init(&b, WASTE_COLLECT_FIELD_MAX * 64);
	if (put_row(&b, (const char *const *)d->head->f, d->head->nf) || !(form->header = arena_strdup(d->a, buf_cstr(&b)))) {
		buf_done(&b);
		return ERR_NOMEM;
	}
	buf_done(&b);
	return 0;
}

/* YYYY/MM/DD (5374's center.csv; one-digit month and day too) */
static long slash_date(const char *s)
{
	int y, m, d;
	char tail;
	if (sscanf(s, "%4d/%2d/%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	struct jp_date dt = { y, m, d };
	return jp_date_valid(dt) ? jp_date_to_days(dt) : -1;
}

static int wrong_cols(struct waste_collect_problems *pr, enum waste_collect_file f, const struct row *r, int want)
{
	if (r->nf == want)
		return 0;
	problem(pr, f, r->line, 0, "cols", "%d columns, the header has %d", r->nf, want);
	return 1;
}

static int parse_centers(struct waste_collect *c, struct rd *d, const char *data, size_t len)
{
	d->file = WASTE_COLLECT_CENTER;
	d->max = 1000;
	int rc = read_file(d, &c->form[WASTE_COLLECT_CENTER], data, len);
	if (rc)
		return rc;
	if (d->head->nf != 3) {
		problem(d->pr, d->file, d->head->line, 0, "header", "the header must have 3 columns");
		return ERR_INVALID;
	}
	c->center = arena_alloc(c->arena, sizeof *c->center * (size_t)(d->n ? d->n : 1));
	if (!c->center)
		return ERR_NOMEM;
	for (struct row *r = d->head->next; r; r = r->next) {
		if (wrong_cols(d->pr, d->file, r, 3))
			continue;
		struct waste_collect_center *ce = &c->center[c->ncenters];
		*ce = (struct waste_collect_center){ r->f[0], slash_date(r->f[1]), slash_date(r->f[2]), r->f[1], r->f[2] };
		if (!*ce->name)
			problem(d->pr, d->file, r->line, 1, "required", "a name is required");
		else if (ce->from < 0 || ce->to < 0)
			problem(d->pr, d->file, r->line, ce->from < 0 ? 2 : 3, "date", "not a date YYYY/MM/DD");
		else if (ce->to < ce->from)
			problem(d->pr, d->file, r->line, 3, "date", "ends before it starts");
		else
			c->ncenters++;
	}
	return 0;
}

static int parse_area_days(struct waste_collect *c, struct rd *d, const char *data, size_t len)
{
	d->file = WASTE_COLLECT_AREA_DAYS;
	d->max = WASTE_COLLECT_AREAS_MAX + 1;
	int rc = read_file(d, &c->form[WASTE_COLLECT_AREA_DAYS], data, len);
	if (rc)
		return rc;
	const struct row *h = d->head;
	if (h->nf < 3 || h->nf - 2 > WASTE_COLLECT_CATS_MAX) {
		problem(d->pr, d->file, h->line, 0, "header",
			"the header must be 地名, センター and 1..%d categories", WASTE_COLLECT_CATS_MAX);
		return ERR_INVALID;
	}
	c->ncats = h->nf - 2;
	for (int i = 0; i < c->ncats; i++) {
		c->cat[i] = h->f[i + 2];
		if (!*c->cat[i])
			problem(d->pr, d->file, h->line, i + 3, "required", "a category is required");
		for (int k = 0; k < i; k++)
			if (strcmp(c->cat[k], c->cat[i]) == 0)
				problem(d->pr, d->file, h->line, i + 3, "dup", "the category is there twice");
	}
	c->area = arena_alloc(c->arena, sizeof *c->area * (size_t)d->n);
	if (!c->area)
		return ERR_NOMEM;
	for (const struct row *r = h->next; r; r = r->next) {
		if (wrong_cols(d->pr, d->file, r, h->nf))
			continue;
		struct waste_collect_area *a = &c->area[c->nareas];
		memset(a, 0, sizeof *a);
		a->name = r->f[0];
		a->center = r->f[1];
		a->closed_from = a->closed_to = -1;
		if (!*a->name) {
			problem(d->pr, d->file, r->line, 1, "required", "an area name is required");
			continue;
		}
		area_code(a->code, a->name);
		int bad = 0;
		for (int k = 0; k < c->nareas; k++)
			if (strcmp(c->area[k].name, a->name) == 0 || strcmp(c->area[k].code, a->code) == 0) {
				problem(d->pr, d->file, r->line, 1, "dup", "the area is there twice");
				bad = 1;
				break;
			}
		if (*a->center) {
			int found = 0;
			for (int k = 0; k < c->ncenters; k++)
				if (strcmp(c->center[k].name, a->center) == 0) {
					a->closed_from = c->center[k].from;
					a->closed_to = c->center[k].to;
					found = 1;
				}
			if (!found && c->form[WASTE_COLLECT_CENTER].present) {
				problem(d->pr, d->file, r->line, 2, "center", "no such center in center.csv");
				bad = 1;
			}
		}
		for (int i = 0; i < c->ncats; i++) {
			struct err e;
			if (waste_collect_rule_parse(&a->rule[i], r->f[i + 2], &e)) {
				problem(d->pr, d->file, r->line, i + 3, "rule", "%s", e.detail);
				bad = 1;
			}
		}
		if (!bad)
			c->nareas++;
	}
	return 0;
}

static int parse_target(struct waste_collect *c, struct rd *d, const char *data, size_t len)
{
	d->file = WASTE_COLLECT_TARGET;
	d->max = WASTE_COLLECT_TARGETS_MAX + 1;
	int rc = read_file(d, &c->form[WASTE_COLLECT_TARGET], data, len);
	if (rc)
		return rc;
	if (d->head->nf != 4) {
		problem(d->pr, d->file, d->head->line, 0, "header", "the header must be label,name,notice,furigana");
		return ERR_INVALID;
	}
	c->target = arena_alloc(c->arena, sizeof *c->target * (size_t)d->n);
	if (!c->target)
		return ERR_NOMEM;
	for (const struct row *r = d->head->next; r; r = r->next) {
		if (wrong_cols(d->pr, d->file, r, 4))
			continue;
		if (!*r->f[0] || !*r->f[1]) {
			problem(d->pr, d->file, r->line, *r->f[0] ? 2 : 1, "required", "label and name are required");
			continue;
		}
		c->target[c->ntargets++] = (struct waste_collect_target){ r->f[0], r->f[1], r->f[2], r->f[3] };
	}
	return 0;
}

static int color_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return 1;
	if (s[0] != '#' || (n != 4 && n != 7))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

static int parse_description(struct waste_collect *c, struct rd *d, const char *data, size_t len)
{
	d->file = WASTE_COLLECT_DESCRIPTION;
	d->max = WASTE_COLLECT_CATS_MAX * 4 + 1;
	int rc = read_file(d, &c->form[WASTE_COLLECT_DESCRIPTION], data, len);
	if (rc)
		return rc;
	if (d->head->nf != 5) {
		problem(d->pr, d->file, d->head->line, 0, "header",
			"the header must be label,sublabel,description,styles,bgcolor");
		return ERR_INVALID;
	}
	c->category = arena_alloc(c->arena, sizeof *c->category * (size_t)d->n);
	if (!c->category)
		return ERR_NOMEM;
	for (const struct row *r = d->head->next; r; r = r->next) {
		if (wrong_cols(d->pr, d->file, r, 5))
			continue;
		if (!*r->f[0]) {
			problem(d->pr, d->file, r->line, 1, "required", "a label is required");
			continue;
		}
		if (!color_ok(r->f[4])) {
			problem(d->pr, d->file, r->line, 5, "color", "not a colour #rrggbb");
			continue;
		}
		c->category[c->ncategories++] =
			(struct waste_collect_category){ r->f[0], r->f[1], r->f[2], r->f[3], r->f[4] };
	}
	return 0;
}

static int collect_new(struct waste_collect **out, size_t bytes)
{
	struct waste_collect *c = calloc(1, sizeof *c);
	if (!c || !(c->arena = arena_new(bytes))) {
		free(c);
		return ERR_NOMEM;
	}
	*out = c;
	return 0;
}

void waste_collect_free(struct waste_collect *c)
{
	if (!c)
		return;
	arena_free(c->arena);
	free(c);
}

int waste_collect_parse(struct waste_collect **out, const char *const data[WASTE_COLLECT_FILES_],
			const size_t len[WASTE_COLLECT_FILES_], struct waste_collect_problems *pr,
			struct err *e)
{
	*out = NULL;
	memset(pr, 0, sizeof *pr);
	struct waste_collect *c;
	if (collect_new(&c, (size_t)256 << 20))
		return err_set(e, ERR_NOMEM, "collect: memory");
	struct rd d = { .a = c->arena, .pr = pr };
	int rc = 0;
	for (int f = 0; f < WASTE_COLLECT_CENTER; f++)
		if (!data[f])
			problem(pr, (enum waste_collect_file)f, 0, 0, "missing", "the file is missing");
	if (data[WASTE_COLLECT_CENTER])
		rc = parse_centers(c, &d, data[WASTE_COLLECT_CENTER], len[WASTE_COLLECT_CENTER]);
	if (rc != ERR_NOMEM && data[WASTE_COLLECT_AREA_DAYS])
		rc = parse_area_days(c, &d, data[WASTE_COLLECT_AREA_DAYS], len[WASTE_COLLECT_AREA_DAYS]);
	if (rc != ERR_NOMEM && data[WASTE_COLLECT_TARGET])
		rc = parse_target(c, &d, data[WASTE_COLLECT_TARGET], len[WASTE_COLLECT_TARGET]);
	if (rc != ERR_NOMEM && data[WASTE_COLLECT_DESCRIPTION])
		rc = parse_description(c, &d, data[WASTE_COLLECT_DESCRIPTION], len[WASTE_COLLECT_DESCRIPTION]);
	if (rc == ERR_NOMEM) {
		waste_collect_free(c);
		return err_set(e, ERR_NOMEM, "collect: memory");
	}
	if (pr->n || pr->more) {
		waste_collect_free(c);
		const struct waste_collect_problem *p = &pr->p[0];
		return err_set_line(e, ERR_INVALID, p->line, "%s line %ld column %d: %s", file_names[p->file],
				    p->line, p->col, p->what);
	}
	*out = c;
	return 0;
}

/* ---- the database ---- */

static const char *const tables[] = {
	"waste_collect_rules", "waste_collect_areas", "waste_collect_centers",
	"waste_collect_categories", "waste_collect_targets", "waste_collect_files",
};

static int import_rows(struct store *s, const char *tenant, const struct waste_collect *c, struct err *e)
{
	int rc = 0;
	for (int f = 0; rc >= 0 && f < WASTE_COLLECT_FILES_; f++) {
		const struct waste_collect_form *fm = &c->form[f];
		if (!fm->present)
			continue;
		struct store_val p[] = { sv_text(tenant), sv_text(file_keys[f]), sv_text(fm->header),
					 sv_int(fm->crlf), sv_int(fm->final_eol) };
		rc = store_exec(s, "INSERT INTO waste_collect_files (tenant, file, header, crlf, final_eol)"
				" VALUES ($1, $2, $3, $4, $5)", p, SV_N(p), e);
	}
	for (int i = 0; rc >= 0 && i < c->ncenters; i++) {
		const struct waste_collect_center *ce = &c->center[i];
		struct store_val p[] = { sv_text(tenant), sv_int(i), sv_text(ce->name), sv_text(ce->from_text),
					 sv_text(ce->to_text), sv_int(ce->from), sv_int(ce->to) };
		rc = store_exec(s, "INSERT INTO waste_collect_centers (tenant, seq, name, from_text, to_text,"
				" closed_from, closed_to) VALUES ($1, $2, $3, $4, $5, $6, $7)", p, SV_N(p), e);
	}
	for (int i = 0; rc >= 0 && i < c->nareas; i++) {
		const struct waste_collect_area *a = &c->area[i];
		struct store_val p[] = { sv_text(tenant), sv_text(a->code), sv_int(i), sv_text(a->name),
					 sv_text(a->center) };
		rc = store_exec(s, "INSERT INTO waste_collect_areas (tenant, code, seq, name_ja, center)"
				" VALUES ($1, $2, $3, $4, $5)", p, SV_N(p), e);
		for (int k = 0; rc >= 0 && k < c->ncats; k++) {
			struct store_val q[] = { sv_text(tenant), sv_text(a->code), sv_int(k), sv_text(c->cat[k]),
						 sv_text(a->rule[k].text) };
			rc = store_exec(s, "INSERT INTO waste_collect_rules (tenant, area, col, category, rule)"
					" VALUES ($1, $2, $3, $4, $5)", q, SV_N(q), e);
		}
	}
	for (int i = 0; rc >= 0 && i < c->ncategories; i++) {
		const struct waste_collect_category *k = &c->category[i];
		struct store_val p[] = { sv_text(tenant), sv_int(i), sv_text(k->label), sv_text(k->sublabel),
					 sv_text(k->description), sv_text(k->styles), sv_text(k->bgcolor) };
		rc = store_exec(s, "INSERT INTO waste_collect_categories (tenant, seq, label, sublabel,"
				" description, styles, bgcolor) VALUES ($1, $2, $3, $4, $5, $6, $7)", p, SV_N(p), e);
	}
	for (int i = 0; rc >= 0 && i < c->ntargets; i++) {
		const struct waste_collect_target *t = &c->target[i];
		struct store_val p[] = { sv_text(tenant), sv_int(i), sv_text(t->label), sv_text(t->name),
					 sv_text(t->notice), sv_text(t->furigana) };
		rc = store_exec(s, "INSERT INTO waste_collect_targets (tenant, seq, label, name, notice, furigana)"
				" VALUES ($1, $2, $3, $4, $5, $6)", p, SV_N(p), e);
	}
	return rc < 0 ? rc : 0;
}

int waste_collect_import(struct store *s, const char *tenant, const struct waste_collect *c, struct err *e)
{
	int own = !store_in_tx(s), rc = own ? store_begin(s, e) : 0;
	for (size_t i = 0; rc >= 0 && i < sizeof tables / sizeof tables[0]; i++) {
		char sql[120];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE tenant = $1", tables[i]);
		rc = store_exec(s, sql, (struct store_val[]){ sv_text(tenant) }, 1, e);
	}
	if (rc >= 0)
		rc = import_rows(s, tenant, c, e);
	if (rc < 0) {
		if (own)
			store_rollback(s);
		return rc;
	}
	return own ? store_commit(s, e) : 0;
}

static char *col_dup(struct waste_collect *c, struct store_rows *r, int col)
{
	return arena_strdup(c->arena, store_col_text(r, col));
}

/* one query's rows, each given to fn */
static int each(struct store *s, const char *sql, const char *tenant, struct err *e,
		int (*fn)(struct waste_collect *c, struct store_rows *r), struct waste_collect *c)
{
	struct store_rows *r;
	int rc = store_query(&r, s, sql, (struct store_val[]){ sv_text(tenant) }, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1)
		if ((rc = fn(c, r)) != 0)
			break;
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int on_file(struct waste_collect *c, struct store_rows *r)
{
	const char *k = store_col_text(r, 0);
	for (int f = 0; f < WASTE_COLLECT_FILES_; f++)
		if (strcmp(k, file_keys[f]) == 0)
			c->form[f] = (struct waste_collect_form){ col_dup(c, r, 1), (int)store_col_int(r, 2),
								  (int)store_col_int(r, 3), 1 };
	return 0;
}

static int on_center(struct waste_collect *c, struct store_rows *r)
{
	if (c->ncenters == 1000)
		return ERR_LIMIT;
	c->center[c->ncenters++] = (struct waste_collect_center){
		col_dup(c, r, 0), (long)store_col_int(r, 3), (long)store_col_int(r, 4), col_dup(c, r, 1), col_dup(c, r, 2)
	};
	return 0;
}

static int on_area(struct waste_collect *c, struct store_rows *r)
{
	if (c->nareas == c->areas_cap)
		return ERR_LIMIT;
	struct waste_collect_area *a = &c->area[c->nareas++];
	memset(a, 0, sizeof *a);
	snprintf(a->code, sizeof a->code, "%s", store_col_text(r, 0));
	a->name = col_dup(c, r, 1);
	a->center = col_dup(c, r, 2);
	a->closed_from = a->closed_to = -1;
	for (int k = 0; k < c->ncenters; k++)
		if (*a->center && strcmp(c->center[k].name, a->center) == 0) {
			a->closed_from = c->center[k].from;
			a->closed_to = c->center[k].to;
		}
	return 0;
}

static int on_rule(struct waste_collect *c, struct store_rows *r)
{
	const struct waste_collect_area *a = waste_collect_area_find(c, store_col_text(r, 0));
	int k = (int)store_col_int(r, 1);
	if (!a || k < 0 || k >= WASTE_COLLECT_CATS_MAX)
		return 0;
	if (k >= c->ncats)
		c->ncats = k + 1;
	if (!c->cat[k])
		c->cat[k] = col_dup(c, r, 2);
	struct err e;
	struct waste_collect_rule *ru = (struct waste_collect_rule *)&a->rule[k];
	if (waste_collect_rule_parse(ru, col_dup(c, r, 3), &e))
		return ERR_INTERNAL;   /* it was checked at import */
	return 0;
}

static int on_category(struct waste_collect *c, struct store_rows *r)
{
	if (c->ncategories == WASTE_COLLECT_CATS_MAX * 4)
		return ERR_LIMIT;
	c->category[c->ncategories++] = (struct waste_collect_category){
		col_dup(c, r, 0), col_dup(c, r, 1), col_dup(c, r, 2), col_dup(c, r, 3), col_dup(c, r, 4)
	};
	return 0;
}

static int on_target(struct waste_collect *c, struct store_rows *r)
{
	if (c->ntargets == c->targets_cap)
		return ERR_LIMIT;
	c->target[c->ntargets++] = (struct waste_collect_target){
		col_dup(c, r, 0), col_dup(c, r, 1), col_dup(c, r, 2), col_dup(c, r, 3)
	};
	return 0;
}

int waste_collect_load(struct waste_collect **out, struct store *s, const char *tenant, struct err *e)
{
	*out = NULL;
	struct waste_collect *c;
	if (collect_new(&c, (size_t)64 << 20))
		return err_set(e, ERR_NOMEM, "collect: memory");
	int rc = each(s, "SELECT file, header, crlf, final_eol FROM waste_collect_files WHERE tenant = $1",
		      tenant, e, on_file, c);
	if (rc == 0 && !c->form[WASTE_COLLECT_AREA_DAYS].present)
		rc = err_set(e, ERR_NOTFOUND, "collect: no calendar");
	/* room for what is there (an area holds its rules: a few kB each) */
	int64_t na = 0, nt = 0;
	struct store_val p[] = { sv_text(tenant) };
	if (rc == 0)
		rc = store_query_int(&na, s, "SELECT count(*) FROM waste_collect_areas WHERE tenant = $1", p, 1, e);
	if (rc == 0)
		rc = store_query_int(&nt, s, "SELECT count(*) FROM waste_collect_targets WHERE tenant = $1", p, 1, e);
	if (rc == 0) {
		c->areas_cap = na < WASTE_COLLECT_AREAS_MAX ? (int)na : WASTE_COLLECT_AREAS_MAX;
		c->targets_cap = nt < WASTE_COLLECT_TARGETS_MAX ? (int)nt : WASTE_COLLECT_TARGETS_MAX;
		c->center = arena_alloc(c->arena, sizeof *c->center * 1000);
		c->area = arena_alloc(c->arena, sizeof *c->area * (size_t)(c->areas_cap + 1));
		c->category = arena_alloc(c->arena, sizeof *c->category * WASTE_COLLECT_CATS_MAX * 4);
		c->target = arena_alloc(c->arena, sizeof *c->target * (size_t)(c->targets_cap + 1));
		if (!c->center || !c->area || !c->category || !c->target)
			rc = err_set(e, ERR_NOMEM, "collect: memory");
	}
	if (rc == 0)
		rc = each(s, "SELECT name, from_text, to_text, closed_from, closed_to FROM waste_collect_centers"
			  " WHERE tenant = $1 ORDER BY seq", tenant, e, on_center, c);
	if (rc == 0)
		rc = each(s, "SELECT code, name_ja, center FROM waste_collect_areas WHERE tenant = $1 ORDER BY seq",
			  tenant, e, on_area, c);
	if (rc == 0)
		rc = each(s, "SELECT area, col, category, rule FROM waste_collect_rules WHERE tenant = $1"
			  " ORDER BY col", tenant, e, on_rule, c);
	if (rc == 0)
		rc = each(s, "SELECT label, sublabel, description, styles, bgcolor FROM waste_collect_categories"
			  " WHERE tenant = $1 ORDER BY seq", tenant, e, on_category, c);
	if (rc == 0)
		rc = each(s, "SELECT label, name, notice, furigana FROM waste_collect_targets WHERE tenant = $1"
			  " ORDER BY seq", tenant, e, on_target, c);
	if (rc) {
		waste_collect_free(c);
		return rc == ERR_NOTFOUND ? rc : (e->code ? e->code : err_set(e, rc, "collect: load"));
	}
	*out = c;
	return 0;
}

/* ---- export ---- */

int waste_collect_export(struct buf *b, const struct waste_collect *c, enum waste_collect_file f, struct err *e)
{
	static const char *const empty[WASTE_COLLECT_FILES_] = {
		"地名,センター（center.csvを使わない場合は空白化）\n", "label,name,notice,furigana\n",
		"label,sublabel,description,styles,bgcolor\n", "名称,休止開始日,休止終了日\n",
	};
	if ((unsigned)f >= WASTE_COLLECT_FILES_)
		return err_set(e, ERR_INVALID, "collect: no such file");
	if (!c || !c->form[f].present)   /* nothing published: 5374's header row alone */
		return buf_puts(b, empty[f]) ? err_set(e, ERR_LIMIT, "collect: export") : 0;
	const struct waste_collect_form *fm = &c->form[f];
	const char *eol = fm->crlf ? "\r\n" : "\n";
	int rc = buf_puts(b, fm->header);
	int n = f == WASTE_COLLECT_AREA_DAYS ? c->nareas : f == WASTE_COLLECT_TARGET ? c->ntargets
		: f == WASTE_COLLECT_DESCRIPTION ? c->ncategories : c->ncenters;
	for (int i = 0; rc == 0 && i < n; i++) {
		const char *row[2 + WASTE_COLLECT_CATS_MAX];
		int nf = file_cols[f];
		if (f == WASTE_COLLECT_AREA_DAYS) {
			row[0] = c->area[i].name;
			row[1] = c->area[i].center;
			for (int k = 0; k < c->ncats; k++)
				row[2 + k] = c->area[i].rule[k].text;
			nf = 2 + c->ncats;
		} else if (f == WASTE_COLLECT_TARGET) {
			const struct waste_collect_target *t = &c->target[i];
			row[0] = t->label, row[1] = t->name, row[2] = t->notice, row[3] = t->furigana;
		} else if (f == WASTE_COLLECT_DESCRIPTION) {
			const struct waste_collect_category *k = &c->category[i];
			row[0] = k->label, row[1] = k->sublabel, row[2] = k->description, row[3] = k->styles,
			row[4] = k->bgcolor;
		} else {
			row[0] = c->center[i].name, row[1] = c->center[i].from_text, row[2] = c->center[i].to_text;
		}
		rc = buf_puts(b, eol);
		if (rc == 0)
			rc = put_row(b, row, nf);
	}
	if (rc == 0 && fm->final_eol)
		rc = buf_puts(b, eol);
	return rc ? err_set(e, ERR_LIMIT, "collect: export too large") : 0;
}

/* ---- the demo ---- */

/* the file at path, or NULL when there is none; *n its bytes */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = malloc(WASTE_COLLECT_FILE_MAX + 1);
	*n = d ? fread(d, 1, WASTE_COLLECT_FILE_MAX + 1, f) : 0;
	fclose(f);
	if (d && *n > WASTE_COLLECT_FILE_MAX) {
		free(d);
		return NULL;
	}
	return d;
}

int waste_collect_demo(struct store *s, const char *tenant, struct err *e)
{
	const char *data[WASTE_COLLECT_FILES_] = { 0 };
	size_t len[WASTE_COLLECT_FILES_] = { 0 };
	char *own[WASTE_COLLECT_FILES_] = { 0 };
	for (int f = 0; f < WASTE_COLLECT_FILES_; f++) {
		char path[200];
		snprintf(path, sizeof path, "%s/%s", WASTE_COLLECT_DEMO_DIR, file_names[f]);
		data[f] = own[f] = slurp(path, &len[f]);
	}
	int rc;
	struct waste_collect *c = NULL;
	struct waste_collect_problems *pr = malloc(sizeof *pr);
	if (!pr)
		rc = err_set(e, ERR_NOMEM, "collect demo");
	else if (!data[WASTE_COLLECT_AREA_DAYS])   /* not run from the source tree: no calendar */
		rc = (log_warn("waste: no demo collection calendar", "dir", WASTE_COLLECT_DEMO_DIR), 0);
	else if ((rc = waste_collect_parse(&c, data, len, pr, e)) == 0)
		rc = waste_collect_import(s, tenant, c, e);
	waste_collect_free(c);
	free(pr);
	for (int f = 0; f < WASTE_COLLECT_FILES_; f++)
		free(own[f]);
	return rc;
}
