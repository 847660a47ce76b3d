/*
 * page_waste_master.c -- the bulky-waste item master in the back office
 * (permission waste.master, checked by the router before any of this
 * runs), and the cache behind waste_web_items.
 *
 *   GET  /staff/waste/items             the items in force today, searched by name
 *                                       or category; fees scheduled from a later
 *                                       day shown beside today's; import, export
 *   GET  /staff/waste/items/new         the form for a new item
 *   POST /staff/waste/items             a new item, from a day
 *   POST /staff/waste/items/import      a whole master (CSV, UTF-8 or CP932), from a day
 *   GET  /staff/waste/items.csv         the master in force today (enc=utf8|cp932)
 *   GET  /staff/waste/items/history     the versions: who, when, from which day,
 *                                       why, and what changed field by field
 *   GET  /staff/waste/items/{id}        the form for one item
 *   POST /staff/waste/items/{id}        the item changed, from a day
 *
 * Every change writes a new version of the whole master (master.c) with
 * its audit record in one transaction; a day before today is refused, a
 * later day schedules the change (a fee from April), today's master is
 * unchanged until then.
 *
 * The cache (waste_master_cached): per municipality, the list of versions
 * and every version parsed once, never freed while the server runs (the
 * accessor's pointer stays valid); the newest version number is checked
 * at most every WASTE_MASTER_TTL_MS (another server sharing the database
 * is noticed within that), and at once after this server's own writes.
 * A municipality without versions uses the file master read at start.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "jp/date.h"
#include "svc/waste/waste.h"
#include "svc/waste/waste_int.h"
#include "svc/waste/web/waste_web.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WASTE_MASTER_TTL_MS 2000
#define HISTORY_MAX 30              /* versions shown with their changes */
#define LIST_MAX 500                /* items on the list page           */

/* ---- the cache ---- */

struct wm_parsed {
	int64_t version;
	struct waste_items *w;
	struct wm_parsed *next;
};

struct wm_tenant {
	char tenant[TENANT_CODE_LEN + 1];
	int64_t newest;
	int64_t checked_ms;
	int stale;
	struct waste_version *v;
	int n;
	struct wm_parsed *parsed;
	struct wm_tenant *next;
};

struct waste_master_cache {
	pthread_mutex_t mu;
	struct wm_tenant *t;
};

struct waste_master_cache *waste_master_cache_new(void)
{
	struct waste_master_cache *c = calloc(1, sizeof *c);
	if (c)
		pthread_mutex_init(&c->mu, NULL);
	return c;
}

void waste_master_cache_free(struct waste_master_cache *c)
{
	if (!c)
		return;
	for (struct wm_tenant *t = c->t, *nt; t; t = nt) {
		nt = t->next;
		for (struct wm_parsed *p = t->parsed, *np; p; p = np) {
			np = p->next;
			waste_items_free(p->w);
			free(p);
		}
		free(t->v);
		free(t);
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct waste_master_cache *cache_of(struct http_req *r)
{
	const struct waste_web *s = svc_state(r, &svc_waste);
	return s ? s->cache : NULL;
}

/* the tenant's entry, its list fresh enough (c->mu held) */
static struct wm_tenant *tenant_of(struct waste_master_cache *c, struct http_req *r)
{
	const char *code = app_req(r)->tenant.code;
	struct wm_tenant *t;
	for (t = c->t; t && strcmp(t->tenant, code); t = t->next)
		;
	if (!t) {
		if (!(t = calloc(1, sizeof *t)))
			return NULL;
		snprintf(t->tenant, sizeof t->tenant, "%s", code);
		t->stale = 1;
		t->next = c->t;
		c->t = t;
	}
	int64_t now = mono_ms();
	if (!t->stale && now - t->checked_ms < WASTE_MASTER_TTL_MS)
		return t;
	struct err e;
	int64_t newest = 0;
	if (waste_master_newest(&newest, app_store(r), code, &e)) {
		log_warn("waste: cannot read the item master's versions", "detail", e.detail);
		return t;   /* what we had */
	}
	if (newest != t->newest || t->stale) {
		struct waste_version *v = NULL;
		int n = 0;
		if (waste_master_list(&v, &n, app_store(r), code, &e)) {
			log_warn("waste: cannot list the item master's versions", "detail", e.detail);
			return t;
		}
		free(t->v);
		t->v = v;
		t->n = n;
		t->newest = newest;
	}
	t->stale = 0;
	t->checked_ms = now;
	return t;
}

/* version parsed (c->mu held); NULL when it cannot be read */
static const struct waste_items *parsed(struct wm_tenant *t, struct http_req *r, int64_t version)
{
	for (struct wm_parsed *p = t->parsed; p; p = p->next)
		if (p->version == version)
			return p->w;
	char *csv = NULL;
	struct waste_items *w = NULL;
	struct err e;
	int rc = waste_master_csv_get(&csv, app_store(r), t->tenant, version, &e);
	if (rc == 0)
		rc = waste_items_parse(&w, csv, strlen(csv), &e);
	free(csv);
	struct wm_parsed *p = rc == 0 ? calloc(1, sizeof *p) : NULL;
	if (!p) {
		log_warn("waste: cannot read a version of the item master", "detail", e.detail);
		waste_items_free(w);
		return NULL;
	}
	p->version = version;
	p->w = w;
	p->next = t->parsed;
	t->parsed = p;
	return w;
}

const struct waste_items *waste_master_cached(struct http_req *r, struct jp_date day,
					      const struct waste_items *file)
{
	struct waste_master_cache *c = cache_of(r);
	if (!c || !app_req(r)->has_tenant)
		return file;
	pthread_mutex_lock(&c->mu);
	const struct waste_items *w = file;
	struct wm_tenant *t = tenant_of(c, r);
	int i = t ? waste_master_pick(t->v, t->n, jp_date_to_days(day)) : -1;
	if (i >= 0) {
		const struct waste_items *pw = parsed(t, r, t->v[i].version);
		if (pw)
			w = pw;
	}
	pthread_mutex_unlock(&c->mu);
	return w;
}

/* this server wrote a version: read the list again at the next request */
static void changed(struct http_req *r)
{
	struct waste_master_cache *c = cache_of(r);
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	for (struct wm_tenant *t = c->t; t; t = t->next)
		if (strcmp(t->tenant, app_req(r)->tenant.code) == 0)
			t->stale = 1;
	pthread_mutex_unlock(&c->mu);
}

/* a copy of the versions, newest first (free() it) */
static int versions(struct waste_version **v, int *n, struct http_req *r)
{
	*v = NULL;
	*n = 0;
	struct waste_master_cache *c = cache_of(r);
	if (!c || !app_req(r)->has_tenant)
		return 0;
	int rc = 0;
	pthread_mutex_lock(&c->mu);
	struct wm_tenant *t = tenant_of(c, r);
	if (t && t->n) {
		*v = malloc(sizeof **v * (size_t)t->n);
		if (*v) {
			memcpy(*v, t->v, sizeof **v * (size_t)t->n);
			*n = t->n;
		} else {
			rc = ERR_NOMEM;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

static const struct waste_items *version_items(struct http_req *r, int64_t version)
{
	struct waste_master_cache *c = cache_of(r);
	if (!c)
		return NULL;
	pthread_mutex_lock(&c->mu);
	struct wm_tenant *t = tenant_of(c, r);
	const struct waste_items *w = t ? parsed(t, r, version) : NULL;
	pthread_mutex_unlock(&c->mu);
	return w;
}

/* ---- pages ---- */

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static const char *day_iso(struct http_req *r, long days)
{
	char d[JP_DATE_ISO_SIZE];
	if (jp_date_format_iso(d, sizeof d, jp_date_from_days(days), NULL))
		return "";
	return arena_strdup(r->arena, d);
}

static const char *reason_label(struct http_req *r, enum waste_reason why)
{
	static const char *const ids[] = {
		"waste.master.accepted", "waste.master.reason.kaden_recycle",
		"waste.master.reason.pc_recycle", "waste.master.reason.too_small",
		"waste.master.reason.dangerous", "waste.master.reason.not_collectable",
	};
	return (int)why >= 0 && (size_t)why < sizeof ids / sizeof ids[0] ? T(r, ids[why]) : "";
}

static const char *col_label(struct http_req *r, int c)
{
	return T(r, arena_printf(r->arena, "waste.master.col.%s", waste_cols[c]));
}

static const char *item_url(struct http_req *r, const char *id)
{
	return arena_printf(r->arena, "/staff/waste/items/%s", id);
}

/* the days after today with a version in force from them (ascending) */
static int future_days(long *days, int max, const struct waste_version *v, int n, long today)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (v[i].valid_from <= today)
			continue;
		int dup = 0;
		for (int j = 0; j < k; j++)
			dup |= days[j] == v[i].valid_from;
		if (dup || k == max)
			continue;
		int at = k++;
		while (at > 0 && days[at - 1] > v[i].valid_from) {
			days[at] = days[at - 1];
			at--;
		}
		days[at] = v[i].valid_from;
	}
	return k;
}

static int contains(const char *hay, const char *needle)
{
	return !needle || !*needle || (hay && strstr(hay, needle));
}

static void import_form(struct http_req *r, struct buf *b, const char *from, const char *note,
			const char *err)
{
	enum html_lang l = app_req(r)->lang;
	html_printf(b, "<section aria-labelledby=\"wm-import-h\"><h2 id=\"wm-import-h\">%s</h2><p>%s</p>"
		       "<form method=\"post\" action=\"/staff/waste/items/import\" enctype=\"multipart/form-data\" class=\"form wm-form\">"
		       "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    T(r, "waste.master.import"), T(r, "waste.master.import.lead"), app_req(r)->csrf);
	struct ui_field f = { .name = "csv", .id = "wm-csv", .label = T(r, "waste.master.import.file"),
			      .type = "file", .accept = ".csv,text/csv", .required = 1, .lang = l,
			      .error = err };
	ui_input(b, &f);
	f = (struct ui_field){ .name = "from", .id = "wm-import-from", .label = T(r, "waste.master.from"),
			       .hint = T(r, "waste.master.from.hint"), .type = "date", .value = from,
			       .required = 1, .lang = l };
	ui_input(b, &f);
	f = (struct ui_field){ .name = "note", .id = "wm-import-note", .label = T(r, "waste.master.note"),
			       .value = note, .maxlength = WASTE_NOTE_MAX, .lang = l };
	ui_input(b, &f);
	html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form></section>\n",
		    T(r, "waste.master.import.submit"));
}

int page_waste_master_list(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct jp_date today = waste_web_today(r);
	long td = jp_date_to_days(today);
	const struct waste_items *w = waste_web_items(r, today);
	if (!w) {   /* no file master and nothing imported yet: the import form */
		struct html_page pg0;
		struct buf b0;
		app_page_open(&b0, &pg0, r, T(r, "waste.master.title"), NULL, NULL);
		html_printf(&b0, "<p>%s</p>", T(r, "waste.error.unavailable"));
		import_form(r, &b0, day_iso(r, td), NULL, NULL);
		return app_page_send(r, 200, &b0, &pg0);
	}
	const char *q = http_param(r, "q"), *cat = http_param(r, "cat");
	struct waste_version *v = NULL;
	int nv = 0;
	if (versions(&v, &nv, r))
		return ERR_NOMEM;
	long days[8];
	int nd = future_days(days, 8, v, nv, td);
	free(v);
	const struct waste_items *later[8];
	for (int i = 0; i < nd; i++)
		later[i] = waste_web_items(r, jp_date_from_days(days[i]));

	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "waste.master.title"), NULL, NULL);
	if (http_param(r, "saved"))
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>",
			    T(r, "waste.master.saved"));
	html_printf(&b, "<p>%s</p><p><a class=\"button\" href=\"/staff/waste/items/new\">%s</a> "
		       "<a href=\"/staff/waste/items/history\">%s</a></p>\n",
		    T(r, "waste.master.lead"), T(r, "waste.master.new"), T(r, "waste.master.history"));
	/* the search */
	html_printf(&b, "<form method=\"get\" action=\"/staff/waste/items\" class=\"form wm-form\" role=\"search\">");
	struct ui_field f = { .name = "q", .id = "wm-q", .label = T(r, "waste.master.search"),
			      .value = q, .maxlength = 100, .type = "search", .lang = l };
	ui_input(&b, &f);
	struct ui_option opts[64];
	int no = 0;
	for (int i = 0; i < w->n && no < 64; i++) {
		int dup = 0;
		for (int j = 0; j < no; j++)
			dup |= strcmp(opts[j].value, w->items[i].category) == 0;
		if (!dup && *w->items[i].category)
			opts[no++] = (struct ui_option){ w->items[i].category, w->items[i].category };
	}
	f = (struct ui_field){ .name = "cat", .id = "wm-cat", .label = T(r, "waste.master.col.category"),
			       .value = cat, .lang = l };
	ui_select(&b, &f, opts, no, T(r, "waste.master.all"));
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    T(r, "waste.master.search.submit"));
	/* the table */
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"wm-cap\" tabindex=\"0\">"
		       "<table><caption id=\"wm-cap\">%s</caption><thead><tr>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		       "</tr></thead><tbody>\n",
		    arena_printf(r->arena, T(r, "waste.master.caption"), day_iso(r, td)),
		    T(r, "waste.master.col.item_id"), T(r, "waste.master.col.name"),
		    T(r, "waste.master.col.category"), T(r, "waste.master.col.size_rule"),
		    T(r, "waste.master.col.fee_yen"), T(r, "waste.master.col.accepted"));
	int shown = 0;
	for (int i = 0; i < w->n && shown < LIST_MAX; i++) {
		const struct waste_item *it = &w->items[i];
		int hit = contains(it->name, q) || contains(it->kana, q) || contains(it->id, q);
		for (int a = 0; !hit && a < it->naliases; a++)
			hit = contains(it->aliases[a], q);
		if (!hit || (cat && *cat && strcmp(cat, it->category)))
			continue;
		shown++;
		const char *fs[WASTE_COLS];
		if (waste_item_fields(fs, r->arena, it))
			break;
		html_printf(&b, "<tr data-item=\"%s\"><td><code>%s</code></td><td><a href=\"%s\" lang=\"ja\">%s</a></td>"
			       "<td lang=\"ja\">%s</td><td><code>%s</code></td><td>",
			    it->id, it->id, item_url(r, it->id), it->name, it->category, fs[5]);
		if (it->accepted)
			html_printf(&b, "<span class=\"wm-fee\">%s</span>",
				    arena_printf(r->arena, T(r, "waste.master.yen"), waste_yen(r, it->fee_yen)));
		for (int d = 0; d < nd; d++) {
			const struct waste_item *lt = later[d] ? waste_item_find(later[d], it->id) : NULL;
			if (!lt || (lt->fee_yen == it->fee_yen && lt->accepted == it->accepted))
				continue;
			html_printf(&b, "<br><small class=\"wm-scheduled\">%s</small>",
				    arena_printf(r->arena, T(r, "waste.master.scheduled"), day_iso(r, days[d]),
						 lt->accepted ? arena_printf(r->arena, T(r, "waste.master.yen"),
									     waste_yen(r, lt->fee_yen))
							      : reason_label(r, lt->reason)));
		}
		html_printf(&b, "</td><td>%s</td></tr>\n", reason_label(r, it->reason));
	}
	buf_puts(&b, "</tbody></table></div>\n");
	if (!shown)
		html_printf(&b, "<p>%s</p>", T(r, "waste.master.none"));
	html_printf(&b, "<section aria-labelledby=\"wm-export-h\"><h2 id=\"wm-export-h\">%s</h2><p>%s</p><ul>"
		       "<li><a href=\"/staff/waste/items.csv?enc=utf8\" download>%s</a></li>"
		       "<li><a href=\"/staff/waste/items.csv?enc=cp932\" download>%s</a></li></ul></section>\n",
		    T(r, "waste.master.export"), T(r, "waste.master.export.lead"),
		    T(r, "waste.master.export.utf8"), T(r, "waste.master.export.cp932"));
	import_form(r, &b, day_iso(r, td), NULL, NULL);
	return app_page_send(r, 200, &b, &pg);
}

/* ---- one item's form ---- */

struct item_form {
	const char *f[WASTE_COLS];
	const char *from, *note;
	int is_new;
	int bad_col;                /* the field an error is about, -1: none; WASTE_COLS: from */
	const char *error;
};

static const char *field_id(int c)
{
	return c == WASTE_COLS ? "wm-from" : c >= 0 ? waste_cols[c] : NULL;
}

/* aliases ';'-separated <-> one a line */
static const char *aliases_lines(struct http_req *r, const char *s)
{
	char *o = arena_strdup(r->arena, s ? s : "");
	for (char *p = o; p && *p; p++)
		if (*p == ';')
			*p = '\n';
	return o;
}

static const char *aliases_joined(struct http_req *r, const char *s)
{
	struct buf b;
	buf_init(&b, 16384);
	while (s && *s) {
		size_t n = strcspn(s, "\r\n;");
		const char *a = s, *z = s + n;
		while (a < z && (*a == ' ' || *a == '\t'))
			a++;
		while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
			z--;
		if (z > a) {
			if (b.len)
				buf_putc(&b, ';');
			buf_append(&b, a, (size_t)(z - a));
		}
		s += n;
		while (*s == '\r' || *s == '\n' || *s == ';')
			s++;
	}
	const char *o = arena_strdup(r->arena, buf_cstr(&b));
	buf_done(&b);
	return o;
}

/* line breaks in a one-line text read as spaces */
static const char *one_line(struct http_req *r, const char *s)
{
	char *o = arena_strdup(r->arena, s ? s : "");
	for (char *p = o; p && *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	return o;
}

/* the changes of item id scheduled for later days, if any */
static void scheduled_of(struct http_req *r, struct buf *b, const char *id)
{
	struct jp_date today = waste_web_today(r);
	const struct waste_items *now = waste_web_items(r, today);
	const struct waste_item *it = now ? waste_item_find(now, id) : NULL;
	struct waste_version *v = NULL;
	int nv = 0;
	if (!it || versions(&v, &nv, r))
		return;
	long days[8];
	int nd = future_days(days, 8, v, nv, jp_date_to_days(today));
	free(v);
	const char *fn[WASTE_COLS], *fl[WASTE_COLS];
	int open = 0;
	if (waste_item_fields(fn, r->arena, it))
		return;
	for (int d = 0; d < nd; d++) {
		const struct waste_items *lw = waste_web_items(r, jp_date_from_days(days[d]));
		const struct waste_item *lt = lw ? waste_item_find(lw, id) : NULL;
		if (!lt || waste_item_fields(fl, r->arena, lt))
			continue;
		for (int c = 1; c < WASTE_COLS; c++) {
			if (strcmp(fn[c], fl[c]) == 0)
				continue;
			if (!open++)
				html_printf(b, "<section aria-labelledby=\"wm-sched-h\"><h2 id=\"wm-sched-h\">%s</h2><ul>",
					    T(r, "waste.master.item.scheduled"));
			html_printf(b, "<li>%s %s</li>", arena_printf(r->arena, T(r, "waste.master.from_day"),
								     day_iso(r, days[d])),
				    arena_printf(r->arena, T(r, "waste.master.ch.changed"), it->name,
						 col_label(r, c), fn[c], fl[c]));
		}
	}
	if (open)
		buf_puts(b, "</ul></section>");
}

static int render_item(struct http_req *r, int status, const struct item_form *v)
{
	enum html_lang l = app_req(r)->lang;
	struct html_page pg;
	struct buf b;
	const char *fid = v->error ? field_id(v->bad_col) : NULL;
	app_page_open(&b, &pg, r, v->is_new ? T(r, "waste.master.new")
					    : arena_printf(r->arena, T(r, "waste.master.edit"), v->f[1]),
		      fid ? arena_printf(r->arena, "%s%s", v->bad_col == WASTE_COLS ? "" : "wm-", fid) : NULL,
		      v->error);
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/waste/items\">%s</a></p>\n",
		    T(r, "waste.master.title"));
	if (!v->is_new)
		scheduled_of(r, &b, v->f[0]);
	if (v->is_new)
		buf_puts(&b, "<form method=\"post\" action=\"/staff/waste/items\" class=\"form wm-form\" novalidate>");
	else
		html_printf(&b, "<form method=\"post\" action=\"%s\" class=\"form wm-form\" novalidate>", item_url(r, v->f[0]));
	html_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", app_req(r)->csrf);
	for (int c = 0; c < WASTE_COLS; c++) {
		if (c == 0 && !v->is_new)
			continue;
		struct ui_field f = {
			.name = waste_cols[c], .id = arena_printf(r->arena, "wm-%s", waste_cols[c]),
			.label = col_label(r, c), .value = v->f[c], .lang = l,
			.error = v->error && v->bad_col == c ? v->error : NULL,
			.hint = T(r, arena_printf(r->arena, "waste.master.hint.%s", waste_cols[c])),
		};
		if (strncmp(f.hint, "waste.master.hint.", 18) == 0)
			f.hint = NULL;
		switch (c) {
		case 0: f.required = 1; f.maxlength = WASTE_ID_MAX; f.autocomplete = "off"; break;
		case 1: f.required = 1; f.maxlength = WASTE_NAME_MAX; break;
		case 3: f.value = aliases_lines(r, v->f[3]); ui_textarea(&b, &f, 6); continue;
		case 6: f.inputmode = "numeric"; f.maxlength = 6; f.unit = T(r, "waste.master.yen_unit"); break;
		case 7: {
			struct ui_option o[] = { { "1", T(r, "waste.master.accepted.yes") },
						 { "0", T(r, "waste.master.accepted.no") } };
			ui_select(&b, &f, o, 2, NULL);
			continue;
		}
		case 8: {
			struct ui_option o[WASTE_NOT_COLLECTABLE];
			for (int i = 1; i <= WASTE_NOT_COLLECTABLE; i++)
				o[i - 1] = (struct ui_option){ waste_reason_code((enum waste_reason)i),
							       reason_label(r, (enum waste_reason)i) };
			ui_select(&b, &f, o, WASTE_NOT_COLLECTABLE, T(r, "waste.master.accepted"));
			continue;
		}
		case 9: ui_textarea(&b, &f, 3); continue;
		default: f.maxlength = WASTE_NAME_MAX; break;
		}
		ui_input(&b, &f);
	}
	struct ui_field f = { .name = "from", .id = "wm-from", .label = T(r, "waste.master.from"),
			      .hint = T(r, "waste.master.from.hint"), .type = "date", .value = v->from,
			      .required = 1, .lang = l,
			      .error = v->error && v->bad_col == WASTE_COLS ? v->error : NULL };
	ui_input(&b, &f);
	f = (struct ui_field){ .name = "note", .id = "wm-note", .label = T(r, "waste.master.note"),
			       .hint = T(r, "waste.master.note.hint"), .value = v->note,
			       .maxlength = WASTE_NOTE_MAX, .lang = l };
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>\n",
		    T(r, "waste.master.save"));
	return app_page_send(r, status, &b, &pg);
}

int page_waste_master_new(struct http_req *r)
{
	struct item_form v = { .is_new = 1, .bad_col = -1 };
	for (int c = 0; c < WASTE_COLS; c++)
		v.f[c] = "";
	v.f[6] = "0";
	v.f[7] = "1";
	v.from = day_iso(r, jp_date_to_days(waste_web_today(r)));
	return render_item(r, 200, &v);
}

int page_waste_master_item(struct http_req *r)
{
	struct jp_date today = waste_web_today(r);
	const struct waste_items *w = waste_web_items(r, today);
	const char *id = http_param(r, "id");
	const struct waste_item *it = w && id ? waste_item_find(w, id) : NULL;
	if (!it)
		return app_send_error(r, ERR_NOTFOUND, "waste.master.error.not_found", "no such item");
	struct item_form v = { .bad_col = -1 };
	if (waste_item_fields(v.f, r->arena, it))
		return ERR_NOMEM;
	v.from = day_iso(r, jp_date_to_days(today));
	return render_item(r, 200, &v);
}

/* the column a parse error is about (its name in the detail), else -1 */
static int col_of_detail(const char *d)
{
	int best = -1;
	const char *at = NULL;
	for (int c = 0; c < WASTE_COLS; c++) {
		const char *p = strstr(d, waste_cols[c]);
		if (p && (!at || p < at || (p == at && strlen(waste_cols[c]) > strlen(waste_cols[best]))))
			at = p, best = c;
	}
	return best;
}

/* the day of a form: today or later; 0, or the catalog id of the error */
static const char *day_of(long *day, struct http_req *r, const char *s)
{
	struct jp_date d;
	if (!s || !*s) {
		*day = jp_date_to_days(waste_web_today(r));
		return NULL;
	}
	if (jp_date_parse_iso(&d, s, NULL) || !jp_date_valid(d))
		return "waste.master.error.day";
	*day = jp_date_to_days(d);
	if (*day < jp_date_to_days(waste_web_today(r)))
		return "waste.master.error.past";
	return NULL;
}

/* write csv as the version from day, with its audit record */
static int write_version(struct waste_version *out, struct http_req *r, const char *csv, size_t len,
			 long day, const char *note, const char *action, struct err *e)
{
	struct app_actor a;
	app_actor_of(&a, r);
	struct store *s = app_store(r);
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	const struct waste_web *st = svc_state(r, &svc_waste);
	struct waste_master_in in = { .csv = csv, .len = len, .from = jp_date_from_days(day),
				      .note = note ? note : "", .by = a.id, .login = a.login,
				      .now = app_now(), .before = st ? st->items : NULL };
	rc = waste_master_add(out, s, app_req(r)->tenant.code, &in, e);
	char ver[24];
	snprintf(ver, sizeof ver, "%lld", (long long)out->version);
	if (rc == 0)
		rc = app_audit_as(s, &app_of(r)->audit, &a,
				  &(struct app_audit_entry){ .action = action, .object_type = "waste_master",
							     .object_id = ver, .result = AUDIT_R_OK }, e);
	if (rc == 0)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc == 0)
		changed(r);
	return rc;
}

static int save_item(struct http_req *r, int is_new)
{
	struct item_form v = { .is_new = is_new, .bad_col = -1 };
	for (int c = 0; c < WASTE_COLS; c++) {
		const char *p = http_param(r, waste_cols[c]);
		v.f[c] = p ? p : "";
	}
	if (!is_new)
		v.f[0] = http_param(r, "id");
	v.f[3] = aliases_joined(r, v.f[3]);
	v.f[9] = one_line(r, v.f[9]);
	if (!*v.f[6])
		v.f[6] = "0";
	v.from = http_param(r, "from");
	v.note = http_param(r, "note");
	long day;
	const char *bad = day_of(&day, r, v.from);
	if (bad) {
		v.bad_col = WASTE_COLS;
		v.error = T(r, bad);
		return render_item(r, 422, &v);
	}
	const struct waste_items *base = waste_web_items(r, jp_date_from_days(day));
	int exists = base && waste_item_find(base, v.f[0]) != NULL;
	if (!is_new && !exists)
		return app_send_error(r, ERR_NOTFOUND, "waste.master.error.not_found", "no such item");
	if (is_new && exists) {
		v.bad_col = 0;
		v.error = T(r, "waste.master.error.taken");
		return render_item(r, 409, &v);
	}
	/* the form showed today's values: a field left as it was keeps the
	 * value in force on the chosen day (a change scheduled for that day
	 * is not undone by a form filled in today) */
	const char *f[WASTE_COLS];
	memcpy(f, v.f, sizeof f);
	const struct waste_items *now = waste_web_items(r, waste_web_today(r));
	const struct waste_item *shown = !is_new && now ? waste_item_find(now, v.f[0]) : NULL;
	const char *fs[WASTE_COLS], *fb[WASTE_COLS];
	if (shown && waste_item_fields(fs, r->arena, shown) == 0 &&
	    waste_item_fields(fb, r->arena, waste_item_find(base, v.f[0])) == 0)
		for (int c = 1; c < WASTE_COLS; c++)
			if (strcmp(f[c], fs[c]) == 0)
				f[c] = fb[c];
	char *csv = NULL;
	size_t len = 0;
	struct err e;
	int rc = waste_items_with(&csv, &len, base, f, &e);
	struct waste_version out;
	if (rc == 0)
		rc = write_version(&out, r, csv, len, day, v.note, is_new ? "waste.master_item_added"
									  : "waste.master_item_changed", &e);
	free(csv);
	if (rc == ERR_CONFLICT) {
		v.bad_col = WASTE_COLS;
		v.error = T(r, "waste.master.error.busy");
		return render_item(r, 409, &v);
	}
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		int carried = strstr(e.detail, "carried") != NULL;
		v.bad_col = carried ? WASTE_COLS : col_of_detail(e.detail);
		if (v.bad_col < 0 || (v.bad_col == 0 && !is_new))
			v.bad_col = 1;
		v.error = arena_printf(r->arena, T(r, carried ? "waste.master.error.carry"
							      : "waste.master.error.item"), e.detail);
		return render_item(r, 422, &v);
	}
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, "/staff/waste/items?saved=1");
}

int page_waste_master_save(struct http_req *r)
{
	return save_item(r, 0);
}

int page_waste_master_create(struct http_req *r)
{
	return save_item(r, 1);
}

/* ---- import, export ---- */

int page_waste_master_import(struct http_req *r)
{
	const struct http_part *f = http_file(r, "csv");
	const char *from = http_param(r, "from"), *note = http_param(r, "note");
	long day;
	const char *bad = day_of(&day, r, from);
	const char *err = NULL;
	struct err e;
	err_clear(&e);
	int rc = 0;
	if (!f || !f->len)
		err = T(r, "waste.master.error.no_file");
	else if (bad)
		err = T(r, bad);
	if (!err) {
		struct waste_version out;
		rc = write_version(&out, r, f->data, f->len, day, note, "waste.master_imported", &e);
		if (rc == ERR_CONFLICT)
			err = T(r, "waste.master.error.busy");
		else if (rc == ERR_INVALID || rc == ERR_LIMIT)
			err = e.line ? arena_printf(r->arena, T(r, "waste.master.error.line"), e.line, e.detail)
				     : arena_printf(r->arena, T(r, "waste.master.error.file"), e.detail);
		else if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
		else
			return http_redirect(r, 303, "/staff/waste/items/history?saved=1");
	}
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "waste.master.import"), bad && f && f->len ? "wm-import-from" : "wm-csv", err);
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/waste/items\">%s</a></p>\n",
		    T(r, "waste.master.title"));
	html_printf(&b, "<div class=\"error-report\"><p>%s</p></div>", err);
	import_form(r, &b, from, note, err);
	return app_page_send(r, 422, &b, &pg);
}

int page_waste_master_export(struct http_req *r)
{
	const char *enc = http_param(r, "enc");
	int cp932 = enc && strcmp(enc, "cp932") == 0;
	const struct waste_items *w = waste_web_items(r, waste_web_today(r));
	if (!w)
		return app_send_error(r, ERR_UNAVAILABLE, "waste.error.unavailable", "no item master");
	char *out = NULL;
	size_t len = 0;
	struct err e;
	int rc = waste_items_csv(&out, &len, w, cp932 ? WASTE_ENC_CP932 : WASTE_ENC_UTF8_BOM, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	arena_cleanup_add(r->arena, free, out);
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "attachment; filename=\"waste-items-%s-%s.csv\"",
				     day_iso(r, jp_date_to_days(waste_web_today(r))), cp932 ? "sjis" : "utf8"));
	return http_send(r, 200, cp932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8", out, len);
}

/* ---- history ---- */

static void change_rows(struct http_req *r, struct buf *b, const struct waste_items *old,
			const struct waste_items *now)
{
	struct waste_change *ch;
	int n = 0;
	struct err e;
	if (!now || waste_master_diff(&ch, &n, r->arena, old, now, &e)) {
		html_printf(b, "<p>%s</p>", T(r, "waste.master.history.unreadable"));
		return;
	}
	if (!n) {
		html_printf(b, "<p>%s</p>", T(r, "waste.master.history.same"));
		return;
	}
	int shown = 0;
	buf_puts(b, "<ul class=\"wm-changes\">");
	for (int i = 0; i < n && shown < 200; i++, shown++) {
		const struct waste_change *c = &ch[i];
		if (c->kind == WASTE_CH_ADDED)
			html_printf(b, "<li>%s</li>", arena_printf(r->arena, T(r, "waste.master.ch.added"), c->name, c->id));
		else if (c->kind == WASTE_CH_REMOVED)
			html_printf(b, "<li>%s</li>", arena_printf(r->arena, T(r, "waste.master.ch.removed"), c->name, c->id));
		else
			html_printf(b, "<li>%s</li>", arena_printf(r->arena, T(r, "waste.master.ch.changed"), c->name,
								   col_label(r, c->col), c->old, c->new_));
	}
	buf_puts(b, "</ul>");
	if (shown < n)
		html_printf(b, "<p>%s</p>", arena_printf(r->arena, T(r, "waste.master.history.more"), n - shown));
}

int page_waste_master_history(struct http_req *r)
{
	struct waste_version *v = NULL;
	int n = 0;
	if (versions(&v, &n, r))
		return ERR_NOMEM;
	const struct waste_web *s = svc_state(r, &svc_waste);
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, T(r, "waste.master.history"), NULL, NULL);
	if (http_param(r, "saved"))
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>",
			    T(r, "waste.master.saved"));
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/waste/items\">%s</a></p><p>%s</p>\n",
		    T(r, "waste.master.title"), T(r, "waste.master.history.lead"));
	if (!n)
		html_printf(&b, "<p>%s</p>", T(r, "waste.master.history.none"));
	for (int i = 0; i < n && i < HISTORY_MAX; i++) {
		char when[JP_JST_FORMAT_SIZE];
		jp_jst_format(when, sizeof when, v[i].created_at);
		html_printf(&b, "<section class=\"wm-version\" aria-labelledby=\"wm-v%lld\"><h2 id=\"wm-v%lld\">%s</h2>"
			       "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
			    (long long)v[i].version, (long long)v[i].version,
			    arena_printf(r->arena, T(r, "waste.master.version"), (long long)v[i].version),
			    T(r, "waste.master.from"), day_iso(r, v[i].valid_from),
			    T(r, "waste.master.by"), *v[i].created_login ? v[i].created_login : "(cli)",
			    T(r, "waste.master.when"), when);
		if (*v[i].note)
			html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "waste.master.note"), v[i].note);
		if (v[i].carried_from)
			html_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "waste.master.carried"),
				    arena_printf(r->arena, T(r, "waste.master.version"), (long long)v[i].carried_from));
		buf_puts(&b, "</dl>");
		/* what it replaced: the version in force on its day among the
		 * older ones, else the file master */
		int prev = waste_master_pick(v + i + 1, n - i - 1, v[i].valid_from);
		const struct waste_items *old = prev >= 0 ? version_items(r, v[i + 1 + prev].version)
							  : (s ? s->items : NULL);
		change_rows(r, &b, old, version_items(r, v[i].version));
		buf_puts(&b, "</section>\n");
	}
	free(v);
	return app_page_send(r, 200, &b, &pg);
}
