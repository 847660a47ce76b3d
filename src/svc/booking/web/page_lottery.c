/*
 * page_lottery.c -- the lotteries: the rounds, a group's entry with ranked
 * choices, withdrawing it, and the published page anyone can check.
 *
 * GET  /facilities/lottery                  the rounds: name, month of
 *      use, entry window, draw time, state.
 * GET  /facilities/lottery/{round}          the published page: the
 *      round's times, once entries have closed its inputs (entries are
 *      ids and group ids, no names), once drawn the public value, the seed,
 *      the whole result text, its SHA-256, and how to re-run it.
 * GET  /facilities/lottery/{round}/result.txt   the result text.
 * GET  /facilities/lottery/{round}/enter    the entry form (a resident).
 * POST /facilities/lottery/{round}/enter    booking_enter.
 * POST /facilities/lottery/{round}/withdraw booking_entry_withdraw.
 *
 * Invariants: the domain decides the window, the group (approved, the
 * resident's, of a kind the round takes), the caps and the choices (of the
 * round's kind and month); the published page shows nothing personal.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "core/audit/audit.h"
#include "svc/booking/booking.h"
#include "svc/booking/web/booking_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bres_t
#define RESULT_SHOWN_MAX (256u << 10)   /* longer results: the download only */

struct rlist {
	struct booking_round *v;
	int n, cap;
};

static int rlist_cb(void *arg, const struct booking_round *rd)
{
	struct rlist *l = arg;
	if (l->n < l->cap)
		l->v[l->n++] = *rd;
	return 0;
}

/* the kind's name from the rules (the code when the rules cannot be read) */
static const char *kind_name(struct http_req *r, const char *kind)
{
	struct booking_rules *rules = malloc(sizeof *rules);
	struct err e;
	const char *out = kind;
	if (rules && booking_rules_load(rules, app_store(r), app_req(r)->tenant.code, &e) == 0) {
		const struct booking_rule *k = booking_rule_find(rules, kind);
		if (k)
			out = arena_strdup(r->arena, bres_name(r, k->name_ja, k->name_en));
	}
	free(rules);
	return out ? out : kind;
}

static int entries_open(const struct booking_round *rd, int64_t now)
{
	return rd->state == BOOKING_ROUND_OPEN && now >= rd->entry_from && now < rd->entry_to;
}

/* the window: from its first instant to the last second before its end */
static const char *window_text(struct http_req *r, const struct booking_round *rd)
{
	return arena_printf(r->arena, "%s – %s", bres_when(r, rd->entry_from), bres_when(r, rd->entry_to - 1));
}

static const char *round_state(struct http_req *r, const struct booking_round *rd, int64_t now)
{
	if (rd->state == BOOKING_ROUND_DRAWN)
		return T(r, "booking.round.drawn");
	if (now < rd->entry_from)
		return T(r, "booking.round.soon");
	if (now < rd->entry_to)
		return T(r, "booking.round.open");
	return T(r, "booking.round.closed");
}

int page_booking_rounds(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct rlist l = { .cap = 200 };
	l.v = arena_alloc(r->arena, sizeof *l.v * (size_t)l.cap);
	int rc = l.v ? booking_rounds_each(app_store(r), q->tenant.code, rlist_cb, &l, &e) : ERR_NOMEM;
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", "booking rounds: %s", rc == ERR_NOMEM ? "memory" : e.detail);
	int64_t now = app_now();
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.lottery.title"), NULL, NULL);
	html_printf(&b, "<p class=\"lead\">%s</p>", T(r, "booking.lottery.lead"));
	if (l.n == 0) {
		html_printf(&b, "<p>%s</p>", T(r, "booking.lottery.none"));
	} else {
		html_printf(&b, "<div class=\"table-scroll\"><table class=\"booking-rounds\"><caption class=\"visually-hidden\">%s</caption>"
			    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
			    T(r, "booking.lottery.title"), T(r, "booking.col.round"), T(r, "booking.col.kind"), T(r, "booking.col.month"),
			    T(r, "booking.col.window"), T(r, "booking.col.draw"), T(r, "booking.col.state"));
		for (int i = 0; i < l.n; i++) {
			const struct booking_round *rd = &l.v[i];
			html_printf(&b, "<tr><th scope=\"row\"><a href=\"/facilities/lottery/%lld\">%s</a></th><td>%s</td><td>%s</td>"
				    "<td>%s</td><td>%s</td><td>%s",
				    (long long)rd->id, bres_name(r, rd->name_ja, rd->name_en), kind_name(r, rd->kind),
				    bres_month(r, rd->month),
				    window_text(r, rd), bres_when(r, rd->draw_at), round_state(r, rd, now));
			if (entries_open(rd, now))
				html_printf(&b, " <a href=\"/facilities/lottery/%lld/enter\" class=\"button button-small\">%s"
					    "<span class=\"visually-hidden\"> %s</span></a>",
					    (long long)rd->id, T(r, "booking.enter.link"), bres_name(r, rd->name_ja, rd->name_en));
			buf_puts(&b, "</td></tr>");
		}
		buf_puts(&b, "</tbody></table></div>");
	}
	html_printf(&b, "<p><a href=\"/facilities\">%s</a></p>", T(r, "booking.fac.back"));
	return app_page_send(r, 200, &b, &p);
}

/* the path's round, or an error answer sent (*sent) */
static int round_of(struct booking_round *rd, struct http_req *r, int *sent)
{
	const char *s = http_param(r, "round");
	int64_t id = 0;
	for (const char *c = s ? s : ""; *c && id < (INT64_MAX - 9) / 10; c++)
		id = id * 10 + (*c - '0');
	struct err e;
	int rc = id > 0 ? booking_round_get(rd, app_store(r), app_req(r)->tenant.code, id, &e) : ERR_NOTFOUND;
	if (rc)
		*sent = rc == ERR_NOTFOUND ? app_send_error(r, ERR_NOTFOUND, "booking.error.round", "booking: no such round")
					   : app_send_error(r, rc, "booking.error.unavailable", "booking round: %s", e.detail);
	return rc;
}

int page_booking_round(struct http_req *r)
{
	struct booking_round rd;
	int sent;
	if (round_of(&rd, r, &sent))
		return sent;
	const char *tenant = app_req(r)->tenant.code;
	int64_t now = app_now();
	struct err e;
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, bres_name(r, rd.name_ja, rd.name_en), NULL, NULL);
	html_printf(&b, "<dl class=\"booking-round\"><dt>%s</dt><dd>%s</dd>", T(r, "booking.col.kind"), kind_name(r, rd.kind));
	html_printf(&b, "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"round-state\">%s</dd><dt>%s</dt><dd>%d</dd>",
		    T(r, "booking.round.id"), (long long)rd.id, T(r, "booking.col.month"), bres_month(r, rd.month),
		    T(r, "booking.col.window"), window_text(r, &rd), T(r, "booking.col.draw"), bres_when(r, rd.draw_at),
		    T(r, "booking.col.state"), round_state(r, &rd, now), T(r, "booking.round.entries"), rd.nentries);
	html_printf(&b, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%d</dd></dl>", T(r, "booking.round.alloc"),
		    T(r, rd.alloc == BOOKING_ALLOC_PER_SLOT ? "booking.round.alloc.per_slot" : "booking.round.alloc.order"),
		    T(r, "booking.round.wins_cap"), rd.wins_cap);
	if (entries_open(&rd, now))
		html_printf(&b, "<p><a href=\"/facilities/lottery/%lld/enter\" class=\"button\">%s</a></p>", (long long)rd.id,
			    T(r, "booking.enter.link"));
	html_printf(&b, "<section aria-labelledby=\"how-h\"><h2 id=\"how-h\">%s</h2><p>%s</p></section>",
		    T(r, "booking.round.how"), T(r, "booking.round.how.text"));
	if (rd.state == BOOKING_ROUND_DRAWN) {
		unsigned char seed[32];
		char hex[65];
		booking_seed(seed, rd.public_value, rd.id);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", seed[i]);
		char *text = NULL;
		int rc = booking_round_result(&text, app_store(r), tenant, rd.id, &e);
		html_printf(&b, "<section aria-labelledby=\"result-h\"><h2 id=\"result-h\">%s</h2><dl class=\"booking-round\">"
			    "<dt>%s</dt><dd id=\"round-public\"><code>%s</code></dd><dt>%s</dt><dd><code id=\"round-seed\">%s</code></dd>"
			    "<dt>%s</dt><dd><code id=\"round-hash\">%s</code></dd><dt>%s</dt><dd>%s</dd></dl>",
			    T(r, "booking.round.result"), T(r, "booking.round.public"), rd.public_value,
			    T(r, "booking.round.seed"), hex, T(r, "booking.round.hash"), rd.result_hash,
			    T(r, "booking.round.drawn_at"), bres_when(r, rd.drawn_at));
		html_printf(&b, "<p><a href=\"/facilities/lottery/%lld/result.txt\" id=\"round-download\" download>%s</a></p>",
			    (long long)rd.id, T(r, "booking.round.download"));
		html_printf(&b, "<p>%s</p><pre class=\"booking-cmd\"><code>madoguchi booking redraw --inputs round-%lld.txt</code></pre>",
			    T(r, "booking.round.rerun"), (long long)rd.id);
		if (rc == 0 && text && strlen(text) <= RESULT_SHOWN_MAX)
			html_printf(&b, "<pre class=\"booking-result\" id=\"round-result\" tabindex=\"0\" aria-label=\"%s\">%s</pre>",
				    T(r, "booking.round.result"), text);
		free(text);
		buf_puts(&b, "</section>");
	} else if (now >= rd.entry_to) {
		/* entries closed: the inputs are fixed, published before the draw */
		struct booking_draw_in in;
		struct buf t;
		buf_init(&t, 64u << 20);
		if (booking_draw_inputs(&in, app_store(r), tenant, rd.id, &e) == 0) {
			booking_draw_inputs_text(&t, &in);
			booking_draw_in_free(&in);
			html_printf(&b, "<section aria-labelledby=\"inputs-h\"><h2 id=\"inputs-h\">%s</h2>", T(r, "booking.round.inputs"));
			if (rd.public_value[0])
				html_printf(&b, "<p>%s <code id=\"round-public\">%s</code></p>", T(r, "booking.round.public"),
					    rd.public_value);
			if (t.len <= RESULT_SHOWN_MAX)
				html_printf(&b, "<pre class=\"booking-result\" id=\"round-inputs\" tabindex=\"0\" aria-label=\"%s\">%s</pre>",
					    T(r, "booking.round.inputs"), buf_cstr(&t));
			buf_puts(&b, "</section>");
		}
		buf_done(&t);
	}
	html_printf(&b, "<p><a href=\"/facilities/lottery\">%s</a></p>", T(r, "booking.lottery.title"));
	return app_page_send(r, 200, &b, &p);
}

int page_booking_round_result(struct http_req *r)
{
	struct booking_round rd;
	int sent;
	if (round_of(&rd, r, &sent))
		return sent;
	if (rd.state != BOOKING_ROUND_DRAWN)
		return app_send_error(r, ERR_NOTFOUND, "booking.error.round", "booking result: not drawn");
	char *text = NULL;
	struct err e;
	int rc = booking_round_result(&text, app_store(r), app_req(r)->tenant.code, rd.id, &e);
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", "booking result: %s", e.detail);
	size_t n = strlen(text);
	char *body = arena_alloc(r->arena, n + 1);
	if (body)
		memcpy(body, text, n + 1);
	free(text);
	if (!body)
		return app_send_error(r, ERR_NOMEM, "booking.error.unavailable", "booking result: memory");
	http_set_header(r, "content-disposition",
			arena_printf(r->arena, "inline; filename=\"round-%lld.txt\"", (long long)rd.id));
	return http_send(r, 200, "text/plain; charset=utf-8", body, n);
}

/* ---- entering ---- */

struct kind_units {
	struct http_req *r;
	const char *kind;
	struct ui_option units[256], bands[64];
	int nunits, nbands;
};

static int ku_cb(void *arg, const struct booking_facility *f)
{
	struct kind_units *k = arg;
	struct http_req *r = k->r;
	if (strcmp(f->kind, k->kind) != 0)
		return 0;
	for (int i = 0; i < f->nunits && k->nunits < 256; i++)
		k->units[k->nunits++] = (struct ui_option){
			arena_printf(r->arena, "%s:%s", f->code, f->units[i].code),
			arena_printf(r->arena, "%s %s", bres_name(r, f->name_ja, f->name_en),
				     bres_name(r, f->units[i].name_ja, f->units[i].name_en)) };
	for (int i = 0; i < f->nbands; i++) {
		int seen = 0;
		for (int j = 0; j < k->nbands && !seen; j++)
			seen = strcmp(k->bands[j].value, f->bands[i].code) == 0;
		if (!seen && k->nbands < 64) {
			char s[16], t[16];
			snprintf(s, sizeof s, "%02d:%02d", f->bands[i].start_min / 60, f->bands[i].start_min % 60);
			snprintf(t, sizeof t, "%02d:%02d", f->bands[i].end_min / 60, f->bands[i].end_min % 60);
			k->bands[k->nbands++] = (struct ui_option){
				arena_strdup(r->arena, f->bands[i].code),
				arena_printf(r->arena, "%s (%s–%s)", bres_name(r, f->bands[i].name_ja, f->bands[i].name_en), s, t) };
		}
	}
	return 0;
}

struct approved {
	struct http_req *r;
	struct ui_option o[32];
	int n;
};

static int approved_cb(void *arg, const struct booking_group *g)
{
	struct approved *a = arg;
	if (a->n < 32)
		a->o[a->n++] = (struct ui_option){ arena_printf(a->r->arena, "%lld", (long long)g->id),
						   arena_strdup(a->r->arena, g->name) };
	return 0;
}

struct enter_form {
	const char *group;
	const char *unit[BOOKING_CHOICES_MAX], *day[BOOKING_CHOICES_MAX], *band[BOOKING_CHOICES_MAX];
	const char *error_id, *error;
};

static int enter_page(struct http_req *r, int status, const struct booking_round *rd, struct enter_form *f)
{
	struct app_req *q = app_req(r);
	struct err e;
	int64_t now = app_now();
	struct html_page p;
	struct buf b;
	if (!entries_open(rd, now)) {
		app_page_open(&b, &p, r, bres_name(r, rd->name_ja, rd->name_en), NULL, NULL);
		html_printf(&b, "<p id=\"booking-closed\">%s</p><p><a href=\"/facilities/lottery/%lld\">%s</a></p>",
			    T(r, "booking.enter.error.window"), (long long)rd->id, T(r, "booking.lottery.title"));
		return app_page_send(r, status == 200 ? 409 : status, &b, &p);
	}
	struct kind_units *k = arena_alloc(r->arena, sizeof *k);
	struct approved *a = arena_alloc(r->arena, sizeof *a);
	if (!k || !a)
		return app_send_error(r, ERR_NOMEM, "booking.error.unavailable", "booking enter: memory");
	memset(k, 0, sizeof *k);
	memset(a, 0, sizeof *a);
	k->r = a->r = r;
	k->kind = rd->kind;
	int rc = booking_facilities_each(app_store(r), q->tenant.code, ku_cb, k, &e);
	if (rc == 0)
		rc = booking_groups_each(app_store(r), q->tenant.code, q->ses.account_id, BOOKING_GROUP_APPROVED, approved_cb, a, &e);
	if (rc)
		return app_send_error(r, rc, "booking.error.unavailable", "booking enter: %s", e.detail);
	app_audit(r, AUDIT_A_READ, "booking.group", "self", AUDIT_R_OK);
	app_page_open(&b, &p, r, arena_printf(r->arena, T(r, "booking.enter.title"), bres_name(r, rd->name_ja, rd->name_en)),   /* checksrc: fmt-ok */
		      f->error_id, f->error);
	html_printf(&b, "<p>%s</p>", arena_printf(r->arena, T(r, "booking.enter.lead"), bres_month(r, rd->month),   /* checksrc: fmt-ok */
						  bres_when(r, rd->entry_to - 1), bres_when(r, rd->draw_at)));
	if (a->n == 0) {
		html_printf(&b, "<p id=\"booking-no-group\">%s</p><p><a href=\"/mypage/facilities/groups\">%s</a></p>",
			    T(r, "booking.enter.no_group"), T(r, "booking.groups.title"));
		return app_page_send(r, status, &b, &p);
	}
	html_printf(&b, "<form method=\"post\" action=\"/facilities/lottery/%lld/enter\" class=\"form\">", (long long)rd->id);
	bres_hidden(&b, "csrf", q->csrf);
	const char *fe = f->error_id;
#define ERR_AT(id) (fe && strcmp(fe, (id)) == 0 ? f->error : NULL)
	struct ui_field fg = { .name = "group", .id = "f-group", .label = T(r, "booking.enter.group"), .value = f->group,
			       .required = 1, .lang = q->lang, .error = ERR_AT("f-group") };
	ui_select(&b, &fg, a->o, a->n, NULL);
	/* the days of the month of use */
	int y = rd->month / 100, m = rd->month % 100, nd = jp_date_month_days(y, m);
	struct ui_option *days = arena_alloc(r->arena, sizeof *days * 31);
	if (!days) {
		buf_done(&b);
		return app_send_error(r, ERR_NOMEM, "booking.error.unavailable", "booking enter: memory");
	}
	for (int d = 1; d <= nd; d++)
		days[d - 1] = (struct ui_option){ bres_iso(r, (struct jp_date){ y, m, d }), bres_day(r, (struct jp_date){ y, m, d }) };
	int nc = rd->choices_max < BOOKING_CHOICES_MAX ? rd->choices_max : BOOKING_CHOICES_MAX;
	for (int i = 0; i < nc; i++) {
		html_printf(&b, "<fieldset class=\"fieldset booking-choice\"><legend class=\"legend\">%s</legend>",
			    arena_printf(r->arena, T(r, "booking.enter.choice"), i + 1));   /* checksrc: fmt-ok */
		const char *iu = arena_printf(r->arena, "f-c%d_unit", i + 1), *id = arena_printf(r->arena, "f-c%d_day", i + 1),
			   *ib = arena_printf(r->arena, "f-c%d_band", i + 1);
		struct ui_field fu = { .name = iu + 2, .id = iu, .label = T(r, "booking.col.unit"), .value = f->unit[i],
				       .required = i == 0, .lang = q->lang, .error = ERR_AT(iu) };
		struct ui_field fd = { .name = id + 2, .id = id, .label = T(r, "booking.col.day"), .value = f->day[i],
				       .required = i == 0, .lang = q->lang, .error = ERR_AT(id) };
		struct ui_field fb = { .name = ib + 2, .id = ib, .label = T(r, "booking.col.band"), .value = f->band[i],
				       .required = i == 0, .lang = q->lang, .error = ERR_AT(ib) };
		ui_select(&b, &fu, k->units, k->nunits, T(r, "booking.enter.choose"));
		ui_select(&b, &fd, days, nd, T(r, "booking.enter.choose"));
		ui_select(&b, &fb, k->bands, k->nbands, T(r, "booking.enter.choose"));
		buf_puts(&b, "</fieldset>");
	}
#undef ERR_AT
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"booking-enter\">%s</button></form>", T(r, "booking.enter.submit"));
	html_printf(&b, "<p><a href=\"/facilities/lottery/%lld\">%s</a></p>", (long long)rd->id, T(r, "booking.enter.back"));
	return app_page_send(r, status, &b, &p);
}

int page_booking_enter(struct http_req *r)
{
	struct booking_round rd;
	int sent;
	if (round_of(&rd, r, &sent))
		return sent;
	struct enter_form f = { 0 };
	return enter_page(r, 200, &rd, &f);
}

static int64_t num_of(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return 0;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int page_booking_enter_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct booking_round rd;
	int sent;
	if (round_of(&rd, r, &sent))
		return sent;
	struct enter_form f = { .group = http_param(r, "group") };
	struct booking_choice ch[BOOKING_CHOICES_MAX];
	int row_of[BOOKING_CHOICES_MAX];
	int n = 0;
	struct err e;
	memset(ch, 0, sizeof ch);
	for (int i = 0; i < BOOKING_CHOICES_MAX; i++) {
		f.unit[i] = http_param(r, arena_printf(r->arena, "c%d_unit", i + 1));
		f.day[i] = http_param(r, arena_printf(r->arena, "c%d_day", i + 1));
		f.band[i] = http_param(r, arena_printf(r->arena, "c%d_band", i + 1));
	}
	for (int i = 0; i < BOOKING_CHOICES_MAX && !f.error_id; i++) {
		int any = (f.unit[i] && *f.unit[i]) || (f.day[i] && *f.day[i]) || (f.band[i] && *f.band[i]);
		if (!any)
			continue;
		const char *colon = f.unit[i] ? strchr(f.unit[i], ':') : NULL;
		struct jp_date d;
		if (!colon || colon == f.unit[i] || (size_t)(colon - f.unit[i]) > BOOKING_CODE_MAX || strlen(colon + 1) > BOOKING_CODE_MAX) {
			f.error_id = arena_printf(r->arena, "f-c%d_unit", i + 1);
		} else if (!f.day[i] || jp_date_parse_iso(&d, f.day[i], &e) != 0) {
			f.error_id = arena_printf(r->arena, "f-c%d_day", i + 1);
		} else if (!f.band[i] || !*f.band[i] || strlen(f.band[i]) > BOOKING_CODE_MAX) {
			f.error_id = arena_printf(r->arena, "f-c%d_band", i + 1);
		} else if (n < BOOKING_CHOICES_MAX) {
			snprintf(ch[n].facility, sizeof ch[n].facility, "%.*s", (int)(colon - f.unit[i]), f.unit[i]);
			snprintf(ch[n].unit, sizeof ch[n].unit, "%s", colon + 1);
			snprintf(ch[n].band, sizeof ch[n].band, "%s", f.band[i]);
			ch[n].day = jp_date_to_days(d);
			row_of[n++] = i + 1;
		}
		if (f.error_id)
			f.error = T(r, "booking.enter.error.choice_part");
	}
	int64_t group = num_of(f.group);
	if (!f.error_id && group <= 0) {
		f.error_id = "f-group";
		f.error = T(r, "booking.enter.error.group");
	}
	if (!f.error_id && n == 0) {
		f.error_id = "f-c1_unit";
		f.error = T(r, "booking.enter.error.none");
	}
	if (f.error_id)
		return enter_page(r, 400, &rd, &f);
	int64_t id = 0;
	int rc = booking_enter(&id, app_store(r), q->tenant.code, rd.id, group, q->ses.account_id, ch, n, app_now(), &e);
	/* the result is mailed in the language of this page */
	if (rc == 0 && booking_entry_set_lang(app_store(r), q->tenant.code, id, html_lang_code(q->lang), &e))
		log_warn("booking: entry language not kept", "error", e.detail);
	app_audit(r, AUDIT_A_WRITE, "booking.entry", rc == 0 ? arena_printf(r->arena, "%lld", (long long)id) : NULL,
		  rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == 0)
		return http_redirect(r, 303, "/mypage/facilities?entered=1");
	log_info("booking: entry refused", "detail", e.detail);
	int status = 400, k = 0;
	if (!strncmp(e.detail, "window", 6)) {
		f.error_id = "booking-enter";
		f.error = T(r, "booking.enter.error.window");
		status = 409;
	} else if (!strncmp(e.detail, "group", 5)) {
		f.error_id = "f-group";
		f.error = T(r, "booking.enter.error.group");
		status = 403;
	} else if (!strncmp(e.detail, "who", 3)) {
		f.error_id = "f-group";
		f.error = T(r, "booking.enter.error.who");
		status = 403;
	} else if (rc == ERR_LIMIT) {
		f.error_id = "f-group";
		f.error = T(r, "booking.enter.error.cap");
		status = 409;
	} else if (!strncmp(e.detail, "choices: choice", 15) && sscanf(e.detail, "choices: choice %d", &k) == 1 && k >= 1 && k <= n) {
		f.error_id = arena_printf(r->arena, "f-c%d_%s", row_of[k - 1], strstr(e.detail, "month") ? "day" : "unit");
		f.error = T(r, strstr(e.detail, "twice") ? "booking.enter.error.twice"
			       : strstr(e.detail, "month") ? "booking.enter.error.month" : "booking.enter.error.choice");
	} else if (!strncmp(e.detail, "choices", 7)) {
		f.error_id = "f-c1_unit";
		f.error = arena_printf(r->arena, T(r, "booking.enter.error.count"), rd.choices_max);   /* checksrc: fmt-ok */
	} else if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		f.error_id = "f-c1_unit";
		f.error = T(r, "booking.enter.error.choice");
	} else {
		return app_send_error(r, rc, "booking.error.unavailable", "booking enter: %s", e.detail);
	}
	return enter_page(r, status, &rd, &f);
}

int page_booking_withdraw(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct booking_round rd;
	int sent;
	if (round_of(&rd, r, &sent))
		return sent;
	int64_t entry = num_of(http_param(r, "entry"));
	struct err e;
	int rc = entry > 0 ? booking_entry_withdraw(app_store(r), q->tenant.code, entry, q->ses.account_id, app_now(), &e)
			   : ERR_INVALID;
	app_audit(r, AUDIT_A_WRITE, "booking.entry", arena_printf(r->arena, "%lld", (long long)entry),
		  rc ? AUDIT_R_DENIED : AUDIT_R_OK);
	if (rc == 0)
		return http_redirect(r, 303, "/mypage/facilities?withdrawn=1");
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND || rc == ERR_DENIED)
		return app_send_error(r, ERR_CONFLICT, "booking.enter.error.withdraw", "booking withdraw: %s",
				      rc == ERR_INVALID && entry <= 0 ? "no entry" : e.detail);
	return app_send_error(r, rc, "booking.error.unavailable", "booking withdraw: %s", e.detail);
}
