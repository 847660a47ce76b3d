/*
 * page_staff_lottery.c -- groups, the rules and the lottery rounds in the
 * back office:
 *   GET  /staff/facilities/groups                 (booking.staff) the groups, pending
 *        first, each with its members (personal data: the read is audited), and
 *        the people in more than one group (booking_members_shared: the main
 *        way lotteries are gamed)
 *   POST /staff/facilities/groups/{id}/decide     approve or reject (decision=)
 *   GET  /staff/facilities/rules                  (booking.master) the rules text
 *   POST /staff/facilities/rules                  booking_rules_save; a refusal names its line
 *   GET  /staff/facilities/rounds                 (booking.master) every round: kind, month,
 *        name, entry window, draw, state, entries, wins, hash; a warning for a
 *        round past its draw time without its public value
 *   POST /staff/facilities/rounds                 make a kind's rounds for a month of use
 *   POST /staff/facilities/rounds/{id}/public     the public value (公開値)
 *   POST /staff/facilities/rounds/{id}/reschedule the end of entries and the draw (JST)
 *   POST /staff/facilities/rounds/{id}/draw       draw now (the domain refuses before its time)
 * Every change is audited with the round's or group's id.
 */
#include "web/app.h"
#include "web/ui.h"
#include "base/log.h"
#include "svc/booking/web/booking_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T bstaff_t

/* ---- groups ---- */

struct person {
	char kana[BOOKING_NAME_MAX + 1];
	char name[BOOKING_NAME_MAX + 1];
	long birth;
};

struct groups_ctx {
	struct http_req *r;
	struct buf *b;
	int n;
	struct person *people;
	int npeople, cap;
};

static const char *kind_label(struct http_req *r, enum booking_group_kind k)
{
	return T(r, arena_printf(r->arena, "booking.staff.gkind.%s", booking_group_kind_code(k)));
}

static const char *gstate_label(struct http_req *r, enum booking_group_state s)
{
	return T(r, s == BOOKING_GROUP_PENDING ? "booking.staff.gstate.pending"
		    : s == BOOKING_GROUP_APPROVED ? "booking.staff.gstate.approved" : "booking.staff.gstate.rejected");
}

static int group_row(void *arg, const struct booking_group *g)
{
	struct groups_ctx *c = arg;
	struct http_req *r = c->r;
	struct app_req *q = app_req(r);
	c->n++;
	html_printf(c->b, "<section class=\"bstaff-group\" data-group=\"%lld\" data-state=\"%s\" aria-labelledby=\"g%lld\">"
		    "<h3 id=\"g%lld\">%s</h3><dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
		    (long long)g->id, g->state == BOOKING_GROUP_PENDING ? "pending" : g->state == BOOKING_GROUP_APPROVED ? "approved" : "rejected",
		    (long long)g->id, (long long)g->id, g->name, T(r, "booking.staff.col.kind"), kind_label(r, g->kind),
		    T(r, "booking.staff.col.state"), gstate_label(r, g->state), T(r, "booking.staff.group.created"),
		    bstaff_when(r, g->created_at));
	html_printf(c->b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    arena_printf(r->arena, T(r, "booking.staff.group.members"), g->nmembers), T(r, "booking.staff.member.name"),
		    T(r, "booking.staff.member.kana"), T(r, "booking.staff.member.birth"));
	for (int i = 0; i < g->nmembers; i++) {
		const struct booking_member *m = &g->members[i];
		long bd = jp_date_to_days(m->birth);
		html_printf(c->b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", m->name, m->kana, bstaff_iso(r, bd));
		if (c->npeople == c->cap) {
			int cap = c->cap ? c->cap * 2 : 64;
			struct person *np = realloc(c->people, sizeof *np * (size_t)cap);
			if (!np)
				return ERR_NOMEM;
			c->people = np;
			c->cap = cap;
		}
		struct person *p = &c->people[c->npeople++];
		snprintf(p->kana, sizeof p->kana, "%s", m->kana);
		snprintf(p->name, sizeof p->name, "%s", m->name);
		p->birth = bd;
	}
	buf_puts(c->b, "</tbody></table>");
	if (g->state == BOOKING_GROUP_PENDING)
		html_printf(c->b, "<form method=\"post\" action=\"/staff/facilities/groups/%lld/decide\" class=\"form-inline\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"button\">%s</button> "
			    "<button type=\"submit\" name=\"decision\" value=\"reject\" class=\"button-secondary\">%s</button></form>",
			    (long long)g->id, q->csrf, T(r, "booking.staff.group.approve"), T(r, "booking.staff.group.reject"));
	buf_puts(c->b, "</section>\n");
	return 0;
}

struct shared_ctx {
	struct groups_ctx *g;
	char kana[BOOKING_NAME_MAX + 1];
	long birth;
	int n;
};

static int shared_row(void *arg, const char *kana, struct jp_date birth, int64_t group, const char *group_name)
{
	struct shared_ctx *s = arg;
	struct http_req *r = s->g->r;
	long bd = jp_date_to_days(birth);
	const char *name = "";
	for (int i = 0; i < s->g->npeople; i++)
		if (s->g->people[i].birth == bd && !strcmp(s->g->people[i].kana, kana ? kana : ""))
			name = s->g->people[i].name;
	s->n++;
	html_printf(s->g->b, "<tr><td>%s</td><td>%s</td><td>%s</td><td><a href=\"#g%lld\">%s</a></td></tr>", name,
		    kana ? kana : "", bstaff_iso(r, bd), (long long)group, group_name ? group_name : "");
	return 0;
}

int page_bstaff_groups(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.staff.groups.title"), NULL, NULL);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a></p>", T(r, "booking.staff.title"));
	const char *done = http_param(r, "done");
	if (done)
		bstaff_notice(&b, T(r, !strcmp(done, "approve") ? "booking.staff.group.approved" : "booking.staff.group.rejected"));
	struct groups_ctx c = { r, &b, 0, NULL, 0, 0 };
	struct err e;
	static const int order[] = { BOOKING_GROUP_PENDING, BOOKING_GROUP_APPROVED, BOOKING_GROUP_REJECTED };
	static const char *const heads[] = { "booking.staff.groups.pending", "booking.staff.groups.approved",
					     "booking.staff.groups.rejected" };
	int rc = 0;
	for (int i = 0; rc == 0 && i < 3; i++) {
		html_printf(&b, "<h2 id=\"groups-%d\">%s</h2>", order[i], T(r, heads[i]));
		int before = c.n;
		rc = booking_groups_each(app_store(r), q->tenant.code, 0, order[i], group_row, &c, &e);
		if (rc == 0 && c.n == before)
			html_printf(&b, "<p>%s</p>", T(r, "booking.staff.groups.none"));
	}
	html_printf(&b, "<section aria-labelledby=\"shared-h\"><h2 id=\"shared-h\">%s</h2><p>%s</p>"
		    "<table id=\"shared\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "booking.staff.shared.title"), T(r, "booking.staff.shared.lead"), T(r, "booking.staff.member.name"),
		    T(r, "booking.staff.member.kana"), T(r, "booking.staff.member.birth"), T(r, "booking.staff.shared.group"));
	struct shared_ctx sc = { &c, "", 0, 0 };
	if (rc == 0)
		rc = booking_members_shared(app_store(r), q->tenant.code, shared_row, &sc, &e);
	buf_puts(&b, "</tbody></table>");
	if (rc == 0 && !sc.n)
		html_printf(&b, "<p id=\"shared-none\">%s</p>", T(r, "booking.staff.shared.none"));
	buf_puts(&b, "</section>");
	free(c.people);
	app_audit(r, AUDIT_A_READ, "booking.groups", "all", rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc) {
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	return app_page_send(r, 200, &b, &p);
}

int page_bstaff_group_decide(struct http_req *r)
{
	const char *ids = http_param(r, "id"), *d = http_param(r, "decision");
	int approve = d && !strcmp(d, "approve");
	if (!d || (!approve && strcmp(d, "reject")))
		return app_send_error(r, ERR_INVALID, "booking.staff.error.decision", "decide: approve or reject");
	struct err e;
	int rc = booking_group_decide(app_store(r), app_req(r)->tenant.code, strtoll(ids, NULL, 10), approve,
				      app_req(r)->staff.id, app_now(), &e);
	app_audit(r, approve ? "booking.group_approved" : "booking.group_rejected", "booking.group", ids,
		  rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.staff.error.group", e.detail);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/groups?done=%s", approve ? "approve" : "reject"));
}

/* ---- rules ---- */

static int rules_page(struct http_req *r, int status, const char *text, const char *error, const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.staff.rules.title"), error ? "rules-text" : NULL, error);
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a></p>", T(r, "booking.staff.title"));
	bstaff_notice(&b, notice);
	html_printf(&b, "<p>%s</p><form method=\"post\" action=\"/staff/facilities/rules\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", T(r, "booking.staff.rules.lead"), q->csrf);
	ui_textarea(&b, &(struct ui_field){ .name = "text", .id = "rules-text", .label = T(r, "booking.staff.rules.text"),
					    .value = text, .maxlength = BOOKING_RULES_MAX, .verbatim = 1, .required = 1,
					    .error = error, .lang = q->lang }, 30);
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"rules-save\">%s</button></form>",
		    T(r, "booking.staff.rules.save"));
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_rules(struct http_req *r)
{
	char *text = NULL;
	struct err e;
	int rc = booking_rules_text(&text, app_store(r), app_req(r)->tenant.code, &e);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	const char *t = arena_strdup(r->arena, text);
	free(text);
	return rules_page(r, 200, t, NULL, http_param(r, "saved") ? T(r, "booking.staff.rules.saved") : NULL);
}

int page_bstaff_rules_save(struct http_req *r)
{
	const char *text = http_param(r, "text");
	if (!text || !*text)
		return rules_page(r, 422, "", T(r, "booking.staff.rules.error.empty"), NULL);
	struct err e;
	err_clear(&e);
	int rc = booking_rules_save(app_store(r), app_req(r)->tenant.code, text, app_req(r)->staff.id, app_now(), &e);
	app_audit(r, "booking.rules_saved", "booking_rules", app_req(r)->tenant.code, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		const char *msg = e.line ? arena_printf(r->arena, T(r, "booking.staff.rules.error.line"), (long)e.line, e.detail)
					 : arena_printf(r->arena, T(r, "booking.staff.rules.error.text"), e.detail);
		return rules_page(r, 422, text, msg, NULL);
	}
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/facilities/rules?saved=1");
}

/* ---- rounds ---- */

/* "YYYY-MM-DDTHH:MM" (or ":SS") in JST -> Unix seconds; 0 when bad */
static int64_t local_time(const char *s)
{
	if (!s || strlen(s) < 16 || s[10] != 'T')
		return 0;
	char d[11];
	memcpy(d, s, 10);
	d[10] = '\0';
	long days;
	int h, m, sec = 0;
	char tail = 0;
	if (bstaff_day_parse(&days, d))
		return 0;
	int n = sscanf(s + 11, "%2d:%2d:%2d%c", &h, &m, &sec, &tail);
	if (n < 2 || n > 3 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || (n == 2 && s[16]))
		return 0;
	return jp_jst_midnight(jp_date_from_days(days)) + h * 3600 + m * 60 + sec;
}

static const char *local_value(struct http_req *r, int64_t t)
{
	struct tm tm;
	jp_jst_tm(&tm, t);
	return arena_printf(r->arena, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min);
}

struct rounds_ctx {
	struct http_req *r;
	struct buf *b;
	int64_t now;
	int64_t err_round;
	const char *field, *error;
	int n, late;
};

static int round_row(void *arg, const struct booking_round *o)
{
	struct rounds_ctx *c = arg;
	struct http_req *r = c->r;
	struct app_req *q = app_req(r);
	int late = o->state == BOOKING_ROUND_OPEN && c->now >= o->draw_at && !o->public_value[0];
	c->n++;
	c->late += late;
	html_printf(c->b, "<tr id=\"r%lld\" data-round=\"%lld\" data-state=\"%s\"%S><td>%lld</td><td><code>%s</code></td><td>%s</td>"
		    "<td>%s</td><td>%s – %s</td><td>%s</td><td>%s%S</td><td>%d</td><td>%d</td><td>",
		    (long long)o->id, (long long)o->id, o->state == BOOKING_ROUND_DRAWN ? "drawn" : "open", late ? " class=\"warning\"" : "",
		    (long long)o->id, o->kind, arena_printf(r->arena, "%04d-%02d", o->month / 100, o->month % 100), bstaff_name(r, o->name_ja, o->name_en),
		    bstaff_when(r, o->entry_from), bstaff_when(r, o->entry_to), bstaff_when(r, o->draw_at),
		    T(r, o->state == BOOKING_ROUND_DRAWN ? "booking.staff.round.drawn" : "booking.staff.round.open"),
		    late ? arena_printf(r->arena, "<br><strong class=\"bstaff-late\">%s</strong>", T(r, "booking.staff.round.late"))  /* checksrc: fmt-ok */
			 : "",
		    o->nentries, o->nwins);
	if (o->result_hash[0])
		html_printf(c->b, "<code class=\"bstaff-hash\">%s</code><br><a href=\"/facilities/lottery/%lld\">%s</a>",
			    o->result_hash, (long long)o->id, T(r, "booking.staff.round.published"));
	else
		buf_puts(c->b, "—");
	buf_puts(c->b, "</td><td>");
	if (o->state == BOOKING_ROUND_OPEN) {
		int mine = c->err_round == o->id;
		html_printf(c->b, "<details%s><summary>%s</summary>", mine ? " open" : "", T(r, "booking.staff.round.actions"));
		if (mine && c->error)
			html_printf(c->b, "<p class=\"error-message\" id=\"round-error\">%s</p>", c->error);
		if (o->public_value[0])
			html_printf(c->b, "<p>%s <code class=\"bstaff-public\">%s</code></p>", T(r, "booking.staff.round.public"),
				    o->public_value);
		else
			html_printf(c->b, "<form method=\"post\" action=\"/staff/facilities/rounds/%lld/public\" class=\"form\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<label for=\"pv-%lld\">%s</label><input class=\"input\" type=\"text\" id=\"pv-%lld\" name=\"value\""
				    " maxlength=\"%d\" required><button type=\"submit\" class=\"button\">%s</button></form>",
				    (long long)o->id, q->csrf, (long long)o->id, T(r, "booking.staff.round.public"), (long long)o->id,
				    BOOKING_PUBLIC_MAX, T(r, "booking.staff.round.public.go"));
		if (!o->public_value[0])
			html_printf(c->b, "<form method=\"post\" action=\"/staff/facilities/rounds/%lld/reschedule\" class=\"form\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				    "<label for=\"et-%lld\">%s</label><input class=\"input\" type=\"datetime-local\" id=\"et-%lld\" name=\"entry_to\" value=\"%s\">"
				    "<label for=\"da-%lld\">%s</label><input class=\"input\" type=\"datetime-local\" id=\"da-%lld\" name=\"draw_at\" value=\"%s\">"
				    "<button type=\"submit\" class=\"button-secondary\">%s</button></form>",
				    (long long)o->id, q->csrf, (long long)o->id, T(r, "booking.staff.round.entry_to"), (long long)o->id,
				    local_value(r, o->entry_to), (long long)o->id, T(r, "booking.staff.round.draw_at"), (long long)o->id,
				    local_value(r, o->draw_at), T(r, "booking.staff.round.reschedule"));
		if (o->public_value[0])
			html_printf(c->b, "<form method=\"post\" action=\"/staff/facilities/rounds/%lld/draw\" class=\"form\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" class=\"button\">%s</button></form>",
				    (long long)o->id, q->csrf, T(r, "booking.staff.round.draw"));
		buf_puts(c->b, "</details>");
	}
	buf_puts(c->b, "</td></tr>\n");
	return 0;
}

static int rounds_page(struct http_req *r, int status, int64_t err_round, const char *field, const char *error,
		       const char *notice)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.staff.rounds.title"),
		      field ? field : error ? (err_round ? "round-error" : "f-month") : NULL, error);
	http_set_header(r, "cache-control", "no-store");
	html_printf(&b, "<p class=\"breadcrumb\"><a href=\"/staff/facilities\">%s</a></p>", T(r, "booking.staff.title"));
	bstaff_notice(&b, notice);
	html_printf(&b, "<p>%s</p>", T(r, "booking.staff.rounds.lead"));
	/* make the rounds of a kind and month */
	struct booking_rules *rules = malloc(sizeof *rules);
	struct err e;
	if (!rules)
		return ERR_NOMEM;
	int rc = booking_rules_load(rules, app_store(r), q->tenant.code, &e);
	if (rc) {
		free(rules);
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	html_printf(&b, "<section aria-labelledby=\"make-h\"><h2 id=\"make-h\">%s</h2>"
		    "<form method=\"post\" action=\"/staff/facilities/rounds\" class=\"form\" novalidate>"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", T(r, "booking.staff.rounds.make"), q->csrf);
	struct ui_option o[BOOKING_KINDS_MAX];
	for (int i = 0; i < rules->nkinds; i++)
		o[i] = (struct ui_option){ arena_strdup(r->arena, rules->kinds[i].kind),
					   arena_strdup(r->arena, bstaff_name(r, rules->kinds[i].name_ja, rules->kinds[i].name_en)) };
	ui_select(&b, &(struct ui_field){ .name = "kind", .id = "f-kind", .label = T(r, "booking.staff.col.kind"),
					  .required = 1, .lang = q->lang }, o, rules->nkinds, NULL);
	free(rules);
	ui_input(&b, &(struct ui_field){ .name = "month", .id = "f-month", .label = T(r, "booking.staff.rounds.month"),
					 .hint = T(r, "booking.staff.rounds.month.hint"), .type = "month", .required = 1,
					 .lang = q->lang, .error = !err_round && error ? error : NULL });
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"rounds-make\">%s</button></form></section>",
		    T(r, "booking.staff.rounds.make.go"));
	struct buf rows;
	buf_init(&rows, 4u << 20);
	struct rounds_ctx c = { r, &rows, app_now(), err_round, field, error, 0, 0 };
	rc = booking_rounds_each(app_store(r), q->tenant.code, round_row, &c, &e);
	if (rc) {
		buf_done(&rows);
		buf_done(&b);
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	}
	if (c.late)
		html_printf(&b, "<div class=\"warning\" role=\"alert\" id=\"rounds-late\"><p>%s</p></div>",
			    arena_printf(r->arena, T(r, "booking.staff.rounds.late"), c.late));
	html_printf(&b, "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"rounds-cap\" tabindex=\"0\">"
		    "<table id=\"rounds\"><caption id=\"rounds-cap\">%s</caption><thead><tr>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		    T(r, "booking.staff.rounds.title"), T(r, "booking.staff.round.id"), T(r, "booking.staff.col.kind"),
		    T(r, "booking.staff.rounds.month"), T(r, "booking.staff.col.name"), T(r, "booking.staff.round.window"),
		    T(r, "booking.staff.round.draw_at"), T(r, "booking.staff.col.state"), T(r, "booking.staff.round.entries"),
		    T(r, "booking.staff.round.wins"), T(r, "booking.staff.round.hash"), T(r, "booking.staff.col.action"));
	buf_append(&b, rows.data ? rows.data : "", rows.len);
	buf_done(&rows);
	buf_puts(&b, "</tbody></table></div>");
	if (!c.n)
		html_printf(&b, "<p id=\"rounds-none\">%s</p>", T(r, "booking.staff.rounds.none"));
	return app_page_send(r, status, &b, &p);
}

int page_bstaff_rounds(struct http_req *r)
{
	const char *done = http_param(r, "done");
	const char *notice = !done ? NULL : !strcmp(done, "made") ? T(r, "booking.staff.rounds.made")
					  : !strcmp(done, "public") ? T(r, "booking.staff.round.public.done")
					  : !strcmp(done, "rescheduled") ? T(r, "booking.staff.round.rescheduled")
					  : !strcmp(done, "drawn") ? T(r, "booking.staff.round.drawn.done") : NULL;
	return rounds_page(r, 200, 0, NULL, NULL, notice);
}

int page_bstaff_rounds_make(struct http_req *r)
{
	const char *kind = http_param(r, "kind"), *ms = http_param(r, "month");
	int y = 0, m = 0;
	char tail = 0;
	if (!ms || sscanf(ms, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 || y > 2099 || m < 1 || m > 12)
		return rounds_page(r, 422, 0, "f-month", T(r, "booking.staff.rounds.error.month"), NULL);
	struct booking_rules *rules = malloc(sizeof *rules);
	if (!rules)
		return ERR_NOMEM;
	struct err e;
	int n = 0;
	int rc = booking_rules_load(rules, app_store(r), app_req(r)->tenant.code, &e);
	const struct booking_rule *rule = rc == 0 && kind ? booking_rule_find(rules, kind) : NULL;
	if (rc == 0 && !rule) {
		free(rules);
		return rounds_page(r, 422, 0, "f-kind", T(r, "booking.staff.rounds.error.kind"), NULL);
	}
	if (rc == 0)
		rc = booking_rounds_make(&n, app_store(r), app_req(r)->tenant.code, rule, y * 100 + m, &e);
	free(rules);
	char oid[64];
	snprintf(oid, sizeof oid, "%s:%04d%02d", kind ? kind : "", y, m);
	app_audit(r, "booking.rounds_made", "booking.round", oid, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_INVALID)
		return rounds_page(r, 422, 0, "f-month", T(r, "booking.staff.rounds.error.month"), NULL);
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e.detail);
	return http_redirect(r, 303, "/staff/facilities/rounds?done=made");
}

/* the answer to a change of one round: the list again with its error */
static int round_done(struct http_req *r, const char *action, const char *done, int rc, struct err *e)
{
	const char *ids = http_param(r, "id");
	int64_t id = strtoll(ids, NULL, 10);
	app_audit(r, action, "booking.round", ids, rc ? AUDIT_R_FAILED : AUDIT_R_OK);
	if (rc == ERR_NOTFOUND)
		return app_send_error(r, rc, "booking.staff.error.round", e->detail);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT) {
		const char *d = e->detail;
#define STARTS(lit) (!strncmp(d, lit, sizeof lit - 1))
		const char *msg = STARTS("draw: not yet") ? "booking.staff.round.error.not_yet"
				  : STARTS("draw: no public") ? "booking.staff.round.error.no_public"
				  : STARTS("public: entries") ? "booking.staff.round.error.entries_open"
				  : STARTS("public: entered") ? "booking.staff.round.error.public_twice"
				  : STARTS("public: 1 to") ? "booking.staff.round.error.public_value"
				  : STARTS("reschedule: the end") ? "booking.staff.round.error.past"
				  : STARTS("reschedule: entries") ? "booking.staff.round.error.order"
				  : STARTS("reschedule: the draw would be after the next")
				      ? "booking.staff.round.error.next_round"
				  : STARTS("reschedule: the draw would be after first")
				      ? "booking.staff.round.error.first_come"
				  : "booking.staff.round.error.state";
#undef STARTS
		return rounds_page(r, 409, id, NULL, T(r, msg), NULL);
	}
	if (rc)
		return app_send_error(r, rc, "booking.staff.error.failed", e->detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/facilities/rounds?done=%s#r%lld", done, (long long)id));
}

int page_bstaff_round_public(struct http_req *r)
{
	const char *v = http_param(r, "value");
	struct err e;
	err_clear(&e);
	int rc = booking_round_public(app_store(r), app_req(r)->tenant.code, strtoll(http_param(r, "id"), NULL, 10),
				      v ? v : "", app_now(), &e);
	return round_done(r, "booking.round_public", "public", rc, &e);
}

int page_bstaff_round_reschedule(struct http_req *r)
{
	int64_t to = local_time(http_param(r, "entry_to")), at = local_time(http_param(r, "draw_at"));
	struct err e;
	err_clear(&e);
	int rc = !to || !at ? err_set(&e, ERR_INVALID, "reschedule: entries from < entries to <= draw < confirm by")
			    : booking_round_reschedule(app_store(r), app_req(r)->tenant.code,
						       strtoll(http_param(r, "id"), NULL, 10), to, at, app_now(), &e);
	return round_done(r, "booking.round_rescheduled", "rescheduled", rc, &e);
}

int page_bstaff_round_draw(struct http_req *r)
{
	struct booking_round o;
	struct err e;
	err_clear(&e);
	int64_t id = strtoll(http_param(r, "id"), NULL, 10), now = app_now();
	int drew = 0;
	int rc = booking_round_draw_once(&o, &drew, app_store(r), app_req(r)->tenant.code, id, now, &e);
	/* drawn and committed by this request: the entrants are told as after
	 * the job's draw (not again for a second click) */
	if (rc == 0 && drew)
		booking_web_tell_round(app_of(r), app_store(r), app_req(r)->tenant.code, id, now);
	return round_done(r, "booking.round_drawn", "drawn", rc, &e);
}
