/*
 * page_waste.c -- the bulky-waste chatbot as a page and as JSON.
 *
 * GET /waste: a resident writes what they want to put out, in their own
 * words; the page answers each item it read (「3人掛けのソファと椅子2脚」
 * is two), says which item it matched and the words it read, and keeps a
 * list of what will be put out with the total fee.  A size that decides
 * the fee is asked for (a question with the variants and their fees); an
 * item that is not accepted is explained (why, and where it goes
 * instead), never given a fee.  The page works without JavaScript: the
 * conversation is carried in the query (list=ID*N,ID*N...), nothing is
 * stored, so it is a GET and needs no login or CSRF.
 *
 * GET /api/v1/waste/match?q=TEXT: the same answers as JSON.
 *
 * Invariants: the list only ever holds accepted items of the master
 * (an id that is not, or a count out of 1..WASTE_COUNT_MAX, is refused
 * with 400); at most WASTE_LIST_MAX entries; the fee is always the
 * master's fee times the count, computed here from the master, never read
 * from the request.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "svc/waste/waste.h"
#include "svc/waste/web/waste_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

const struct waste_items *waste_web_items(struct http_req *r, struct jp_date day)
{
	const struct waste_web *s = svc_state(r, &svc_waste);
	return s ? waste_master_cached(r, day, s->items) : NULL;
}

struct jp_date waste_web_today(struct http_req *r)
{
	(void)r;
	return jp_jst_date(app_now());
}

static const struct waste_items *master(struct http_req *r)
{
	return waste_web_items(r, waste_web_today(r));
}

/* "2,800" */
const char *waste_yen(struct http_req *r, long v)
{
	char d[32], o[48];
	snprintf(d, sizeof d, "%ld", v);
	size_t n = strlen(d), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			o[k++] = ',';
		o[k++] = d[i];
	}
	o[k] = '\0';
	return arena_strdup(r->arena, o);
}

/* list=ID*N,ID*N: 0, or ERR_INVALID for anything but accepted items of
 * the master with counts in 1..WASTE_COUNT_MAX */
int waste_list_parse(struct waste_list *l, const struct waste_items *w, const char *s)
{
	l->n = 0;
	if (!s || !*s)
		return 0;
	while (*s) {
		size_t len = strcspn(s, ",");
		const char *star = memchr(s, '*', len);
		if (!star || l->n == WASTE_LIST_MAX || (size_t)(star - s) > WASTE_ID_MAX)
			return ERR_INVALID;
		char id[WASTE_ID_MAX + 1];
		memcpy(id, s, (size_t)(star - s));
		id[star - s] = '\0';
		char *end;
		long n = strtol(star + 1, &end, 10);
		const struct waste_item *it = waste_item_find(w, id);
		if (end != s + len || star + 1 == end || n < 1 || n > WASTE_COUNT_MAX || !it || !it->accepted)
			return ERR_INVALID;
		l->e[l->n++] = (struct waste_list_entry){ it, (int)n };
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* the item joins the list (its count added when it is there already) */
static int list_add(struct waste_list *l, const struct waste_item *it, int count)
{
	for (int i = 0; i < l->n; i++)
		if (l->e[i].it == it) {
			l->e[i].count = l->e[i].count + count > WASTE_COUNT_MAX ? WASTE_COUNT_MAX
										: l->e[i].count + count;
			return 0;
		}
	if (l->n == WASTE_LIST_MAX)
		return ERR_LIMIT;
	l->e[l->n++] = (struct waste_list_entry){ it, count };
	return 0;
}

const char *waste_list_string(struct http_req *r, const struct waste_list *l, int skip)
{
	struct buf b;
	buf_init(&b, 4096);
	for (int i = 0; i < l->n; i++)
		if (i != skip)
			buf_printf(&b, "%s%s*%d", b.len ? "," : "", l->e[i].it->id, l->e[i].count);
	const char *s = arena_strndup(r->arena, b.data ? b.data : "", b.len);
	buf_done(&b);
	return s;
}

long waste_list_total(const struct waste_list *l)
{
	long t = 0;
	for (int i = 0; i < l->n; i++)
		t += (long)l->e[i].it->fee_yen * l->e[i].count;
	return t;
}

static const char *reason_msg(enum waste_reason why)
{
	switch (why) {
	case WASTE_KADEN_RECYCLE: return "waste.why.kaden_recycle";
	case WASTE_PC_RECYCLE: return "waste.why.pc_recycle";
	case WASTE_TOO_SMALL: return "waste.why.too_small";
	case WASTE_DANGEROUS: return "waste.why.dangerous";
	default: return "waste.why.not_collectable";
	}
}

static const char *size_msg(enum waste_var v)
{
	switch (v) {
	case WASTE_VAR_WIDTH: return "waste.size.width";
	case WASTE_VAR_HEIGHT: return "waste.size.height";
	case WASTE_VAR_LENGTH: return "waste.size.length";
	case WASTE_VAR_MAX_SIDE: return "waste.size.max_side";
	case WASTE_VAR_SEATS: return "waste.size.seats";
	case WASTE_VAR_INCH: return "waste.size.inch";
	case WASTE_VAR_TATAMI: return "waste.size.tatami";
	default: return "waste.size.any";
	}
}

/* one answer of the matcher, as a block of the page; ITEM answers have
 * joined the list already */
/* the other questions of the same text, as words the matcher reads
 * again (「ソファ2つ、本棚」): answering one question keeps the others */
static const char *other_questions(struct http_req *r, const struct waste_answer *ans, int na, int skip)
{
	struct buf b;
	buf_init(&b, 512);
	for (int i = 0; i < na; i++) {
		if (i == skip || ans[i].kind != WASTE_ASK)
			continue;
		if (b.len)
			buf_puts(&b, "、");
		buf_puts(&b, ans[i].matched);
		if (ans[i].count > 1)
			buf_printf(&b, "%dつ", ans[i].count);
	}
	const char *out = b.len && b.len <= WASTE_QUERY_MAX ? arena_strndup(r->arena, b.data, b.len) : "";
	buf_done(&b);
	return out;
}

static void write_answer(struct buf *b, struct http_req *r, const struct waste_answer *a,
			 const char *list, int qi, const char *others)
{
	switch (a->kind) {
	case WASTE_ITEM:
		html_printf(b, "<div class=\"waste-answer waste-item\"><p>");
		html_printf(b, T(r, "waste.read"), a->matched, a->item->name);   /* checksrc: fmt-ok */
		if (a->fuzzy)
			html_printf(b, " %s", T(r, "waste.fuzzy"));
		html_printf(b, "</p><p>");
		html_printf(b, T(r, "waste.fee"), waste_yen(r, a->item->fee_yen), a->count,
			    waste_yen(r, (long)a->item->fee_yen * a->count));   /* checksrc: fmt-ok */
		html_printf(b, " %s</p></div>", T(r, "waste.added"));
		break;
	case WASTE_NOT:
		html_printf(b, "<div class=\"waste-answer waste-not\"><p><strong>");
		html_printf(b, T(r, "waste.not"), a->matched, a->item->name);   /* checksrc: fmt-ok */
		html_printf(b, "</strong></p><p>%s</p>", T(r, reason_msg(a->item->reason)));
		if (a->item->guidance[0])
			html_printf(b, "<p lang=\"ja\">%s</p>", a->item->guidance);
		buf_puts(b, "</div>");
		break;
	case WASTE_ASK: {
		const char *legend = arena_printf(r->arena, T(r, "waste.ask"), a->matched,
						  T(r, size_msg(a->ask_var)));
		html_printf(b, "<form method=\"get\" action=\"/waste\" class=\"waste-answer waste-ask\">"
			    "<input type=\"hidden\" name=\"list\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"n\" value=\"%d\">", list, a->count);
		if (others && *others)
			html_printf(b, "<input type=\"hidden\" name=\"q\" value=\"%s\">", others);
		struct ui_choice c[WASTE_ASK_MAX];
		for (int i = 0; i < a->nask; i++) {
			const struct waste_item *v = a->ask[i];
			c[i] = (struct ui_choice){
				v->id,
				v->accepted ? arena_printf(r->arena, T(r, "waste.choice"), v->name, waste_yen(r, v->fee_yen))
					    : arena_printf(r->arena, T(r, "waste.choice_not"), v->name),
				0 };
		}
		struct ui_field f = { .name = "pick", .id = arena_printf(r->arena, "pick-%d", qi),
				      .label = legend ? legend : "", .lang = app_req(r)->lang };
		ui_fieldset_open(b, &f);
		ui_options(b, "radio", f.id, "pick", c, a->nask, 0);
		ui_fieldset_close(b);
		html_printf(b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "waste.choose"));
		break;
	}
	default:
		html_printf(b, "<div class=\"waste-answer waste-none\"><p>%s</p></div>", T(r, "waste.none"));
	}
}

static int unavailable(struct http_req *r)
{
	return app_send_error(r, ERR_UNAVAILABLE, "waste.error.unavailable", "waste: no item master loaded");
}

int page_waste(struct http_req *r)
{
	const struct waste_items *w = master(r);
	if (!w)
		return unavailable(r);
	struct waste_list l;
	if (waste_list_parse(&l, w, http_param(r, "list")))
		return app_send_error(r, ERR_INVALID, "waste.error.list", "waste: list");
	const char *ns = http_param(r, "n"), *pick = http_param(r, "pick"), *drop = http_param(r, "drop");
	int count = ns && *ns ? atoi(ns) : 1;
	if (count < 1 || count > WASTE_COUNT_MAX)
		return app_send_error(r, ERR_INVALID, "waste.error.list", "waste: n");
	struct waste_answer picked = { 0 };
	int have_pick = 0;
	if (drop && *drop) {
		int d = atoi(drop);
		if (d < 0 || d >= l.n)
			return app_send_error(r, ERR_INVALID, "waste.error.list", "waste: drop");
		for (int i = d; i + 1 < l.n; i++)
			l.e[i] = l.e[i + 1];
		l.n--;
	}
	if (pick && *pick) {   /* the answer to a size question */
		const struct waste_item *it = waste_item_find(w, pick);
		if (!it)
			return app_send_error(r, ERR_INVALID, "waste.error.list", "waste: pick");
		picked.item = it;
		picked.count = count;
		picked.kind = it->accepted ? WASTE_ITEM : WASTE_NOT;
		snprintf(picked.matched, sizeof picked.matched, "%s", it->base);
		if (it->accepted && list_add(&l, it, count))
			return app_send_error(r, ERR_LIMIT, "waste.error.full", "waste: list full");
		have_pick = 1;
	}
	const char *q = http_param(r, "q");
	struct waste_answer ans[WASTE_ANSWERS_MAX];
	int na = 0;
	if (q && *q) {
		struct err e;
		na = waste_match(ans, WASTE_ANSWERS_MAX, w, q, &e);
		if (na < 0)
			return app_send_error(r, na, "waste.error.text", arena_printf(r->arena, "waste: %s", e.detail));
		for (int i = 0; i < na; i++)
			if (ans[i].kind == WASTE_ITEM && list_add(&l, ans[i].item, ans[i].count))
				return app_send_error(r, ERR_LIMIT, "waste.error.full", "waste: list full");
	}
	const char *ls = waste_list_string(r, &l, -1);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "waste.title"), NULL, NULL);
	html_printf(&b, "<p class=\"lead\">%s</p>", T(r, "waste.lead"));
	/* what was read this time */
	if (have_pick || na > 0) {
		html_printf(&b, "<section aria-labelledby=\"waste-answers-h\" class=\"waste-answers\">"
			    "<h2 id=\"waste-answers-h\">%s</h2>", T(r, "waste.answers"));
		if (q && *q && !have_pick)   /* with a pick, q holds the questions still open */
			html_printf(&b, "<p class=\"waste-said\">%s <q>%s</q></p>", T(r, "waste.you_wrote"), q);
		if (have_pick)
			write_answer(&b, r, &picked, ls, 0, NULL);
		for (int i = 0; i < na; i++)
			write_answer(&b, r, &ans[i], ls, i + 1, other_questions(r, ans, na, i));
		buf_puts(&b, "</section>");
	}
	/* the question box */
	html_printf(&b, "<form method=\"get\" action=\"/waste\" class=\"form waste-form\">"
		    "<input type=\"hidden\" name=\"list\" value=\"%s\">", ls);
	struct ui_field f = { .name = "q", .id = "waste-q", .label = T(r, "waste.q"),
			      .hint = T(r, "waste.q.hint"), .maxlength = 130, .lang = app_req(r)->lang };
	ui_input(&b, &f);
	html_printf(&b, "<button type=\"submit\" class=\"button\">%s</button></form>", T(r, "waste.ask_button"));
	/* the list with the total */
	html_printf(&b, "<section aria-labelledby=\"waste-list-h\"><h2 id=\"waste-list-h\">%s</h2>",
		    T(r, "waste.list"));
	if (l.n == 0) {
		html_printf(&b, "<p>%s</p>", T(r, "waste.list.empty"));
	} else {
		html_printf(&b, "<table class=\"waste-list\"><caption class=\"visually-hidden\">%s</caption>"
			    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\"><span class=\"visually-hidden\">%s</span></th>"
			    "</tr></thead><tbody>",
			    T(r, "waste.list"), T(r, "waste.col.item"), T(r, "waste.col.count"),
			    T(r, "waste.col.fee"), T(r, "waste.drop"));
		for (int i = 0; i < l.n; i++) {
			const char *rest = waste_list_string(r, &l, i);
			html_printf(&b, "<tr data-item=\"%s\"><td lang=\"ja\">%s</td><td>%d</td><td>%s円</td>"
				    "<td><a href=\"/waste?list=%s\">%s<span class=\"visually-hidden\"> %s</span></a></td></tr>",
				    l.e[i].it->id, l.e[i].it->name, l.e[i].count,
				    waste_yen(r, (long)l.e[i].it->fee_yen * l.e[i].count), rest, T(r, "waste.drop"),
				    l.e[i].it->name);
		}
		html_printf(&b, "</tbody></table><p class=\"waste-total\"><strong>");
		html_printf(&b, T(r, "waste.total"), waste_yen(r, waste_list_total(&l)));   /* checksrc: fmt-ok */
		html_printf(&b, "</strong></p><p>%s</p><p><a class=\"button\" id=\"waste-book\" href=\"%s\">%s</a></p>",
			    T(r, "waste.next"), ui_url(r->arena, "/waste/book", (const char *[]){ "list", ls, NULL }),
			    T(r, "waste.book.go"));
	}
	buf_puts(&b, "</section>");
	return app_page_send(r, 200, &b, &p);
}

/* ---- JSON ---- */

static json_t *item_json(const struct waste_item *it)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:b}", "id", it->id, "name", it->name, "category",
			 it->category, "fee_yen", it->fee_yen, "accepted", it->accepted);
}

int api_waste_match(struct http_req *r)
{
	const struct waste_items *w = master(r);
	if (!w)
		return unavailable(r);
	const char *q = http_param(r, "q");
	struct waste_answer ans[WASTE_ANSWERS_MAX];
	struct err e;
	int na = waste_match(ans, WASTE_ANSWERS_MAX, w, q ? q : "", &e);
	if (na < 0)
		return app_send_error(r, na, "waste.error.text", arena_printf(r->arena, "waste: %s", e.detail));
	json_t *arr = json_array();
	long total = 0;
	for (int i = 0; i < na; i++) {
		const struct waste_answer *a = &ans[i];
		static const char *const kinds[] = { "none", "item", "ask", "not_accepted" };
		json_t *o = json_pack("{s:s, s:s, s:i, s:b}", "kind", kinds[a->kind], "matched", a->matched,
				      "count", a->count, "typo_allowed", a->fuzzy);
		if (!o)
			continue;
		if (a->kind == WASTE_ITEM) {
			json_object_set_new(o, "item", item_json(a->item));
			json_object_set_new(o, "fee_yen", json_integer((json_int_t)a->item->fee_yen * a->count));
			total += (long)a->item->fee_yen * a->count;
		} else if (a->kind == WASTE_NOT) {
			json_object_set_new(o, "item", item_json(a->item));
			json_object_set_new(o, "reason", json_string(waste_reason_code(a->item->reason)));
			json_object_set_new(o, "guidance_ja", json_string(a->item->guidance));
		} else if (a->kind == WASTE_ASK) {
			json_t *ch = json_array();
			for (int k = 0; k < a->nask; k++)
				json_array_append_new(ch, item_json(a->ask[k]));
			json_object_set_new(o, "ask_size", json_string(waste_var_name(a->ask_var)));
			json_object_set_new(o, "choices", ch);
		}
		json_array_append_new(arr, o);
	}
	json_t *root = app_json_own(r, json_pack("{s:o, s:I}", "answers", arr, "total_fee_yen", (json_int_t)total));
	if (!root)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "waste: json");
	char *s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s)
		return http_send_error(r, ERR_NOMEM, NULL, NULL, "waste: json");
	const char *out = arena_strdup(r->arena, s);
	free(s);
	return http_send_json(r, 200, out ? out : "{}");
}

/* ---- start: the item master ---- */

int waste_web_init(void **state, struct app *a, struct err *e)
{
	*state = NULL;
	const char *path = svc_option(a, "waste-items");
	int given = path != NULL;
	if (!path)
		path = WASTE_ITEMS_DEFAULT;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (given)
			return err_set(e, ERR_IO, "waste: cannot open the item master %s", path);
		log_warn("waste: no item master file: the bulky-waste pages answer 503 until staff"
			 " import one", "path", path);
		struct waste_web *s0 = calloc(1, sizeof *s0);
		if (!s0 || !(s0->cache = waste_master_cache_new())) {
			free(s0);
			return err_set(e, ERR_NOMEM, "waste");
		}
		*state = s0;
		return 0;
	}
	char *data = malloc(WASTE_MASTER_MAX + 1);
	size_t n = data ? fread(data, 1, WASTE_MASTER_MAX + 1, f) : 0;
	fclose(f);
	if (!data || n > WASTE_MASTER_MAX) {
		free(data);
		return err_set(e, ERR_LIMIT, "waste: the item master %s is over %u bytes", path, WASTE_MASTER_MAX);
	}
	struct waste_web *s = calloc(1, sizeof *s);
	struct waste_items *w = NULL;
	int rc = s ? waste_items_parse(&w, data, n, e) : err_set(e, ERR_NOMEM, "waste");
	free(data);
	if (rc) {
		free(s);
		return rc;
	}
	s->items = w;
	if (!(s->cache = waste_master_cache_new())) {
		waste_items_free(w);
		free(s);
		return err_set(e, ERR_NOMEM, "waste");
	}
	*state = s;
	return 0;
}

void waste_web_done(void *state)
{
	struct waste_web *s = state;
	if (!s)
		return;
	waste_master_cache_free(s->cache);
	waste_items_free(s->items);
	free(s);
}
