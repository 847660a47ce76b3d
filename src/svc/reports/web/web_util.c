/*
 * web_util.c -- helpers shared by the reports service's pages: catalog
 * texts, names of categories, states and departments in the page's
 * language, times in Japan, degrees, the logged-in resident, and the
 * public history of a report.  Nothing here shows personal data.
 */
#include "web/app.h"
#include "base/log.h"
#include "svc/dept/dept.h"
#include "svc/reports/web/reports_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *rw_t(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

const char *rw_category_name(struct http_req *r, const char *code)
{
	struct reports_category c;
	struct err e;
	if (reports_category_get(&c, app_store(r), app_req(r)->tenant.code, code, &e))
		return code;
	const char *n = app_req(r)->lang == HTML_EN ? c.name_en : c.name_ja;
	const char *d = arena_strdup(r->arena, n);
	return d ? d : code;
}

const char *rw_time(struct http_req *r, int64_t t)
{
	time_t x = (time_t)(t + 9 * 3600);
	struct tm tm;
	gmtime_r(&x, &tm);
	return arena_printf(r->arena, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min);
}

const char *rw_deg(struct http_req *r, int64_t e6)
{
	int64_t a = e6 < 0 ? -e6 : e6;
	return arena_printf(r->arena, "%s%lld.%06lld", e6 < 0 ? "-" : "", (long long)(a / 1000000),
			    (long long)(a % 1000000));
}

int rw_parse_deg(int64_t *out, const char *s, int lat)
{
	if (!s || !*s || strlen(s) > 16)
		return ERR_INVALID;
	int neg = 0;
	const char *p = s;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	int64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;
	while (*p >= '0' && *p <= '9' && nd < 4) {
		whole = whole * 10 + (*p++ - '0');
		nd++;
	}
	if (!nd)
		return ERR_INVALID;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (nf < 6) {
				frac = frac * 10 + (*p - '0');
				nf++;
			}
			p++;
		}
	}
	if (*p)
		return ERR_INVALID;
	while (nf++ < 6)
		frac *= 10;
	int64_t v = whole * 1000000 + frac;
	if (v > (lat ? 90000000 : 180000000))
		return ERR_INVALID;
	*out = neg ? -v : v;
	return 0;
}

const char *rw_state(struct http_req *r, int state)
{
	const char *n = reports_state_name(state);
	return rw_t(r, arena_printf(r->arena, "reports.state.%s", n ? n : "received"));
}

const char *rw_routed(struct http_req *r, const struct reports_report *rep)
{
	if (rep->outside && *rep->outside)
		return rep->outside;
	if (!rep->dept[0])
		return "";
	struct dept *d = arena_alloc(r->arena, sizeof *d);
	struct err e;
	if (!d || dept_get(d, app_store(r), app_req(r)->tenant.code, rep->dept, &e))
		return rep->dept;
	return app_req(r)->lang == HTML_EN && d->name_en[0] ? d->name_en : d->name_ja;
}

int64_t rw_resident(struct http_req *r)
{
	const char *token = http_cookie(r, APP_SESSION_COOKIE);
	if (!token)
		return 0;
	struct auth_session ses;
	struct err e;
	if (auth_session_check(&ses, app_store(r), &app_of(r)->auth, token, app_now(), &e) != 0)
		return 0;
	if (ses.kind != AUTH_KIND_RESIDENT || ses.stage != AUTH_STAGE_FULL ||
	    strcmp(ses.tenant, app_req(r)->tenant.code) != 0)
		return 0;
	return ses.account_id;
}

struct hist {
	struct http_req *r;
	struct buf *b;
	int staff;
};

static int hist_row(void *arg, const struct reports_event *ev)
{
	struct hist *h = arg;
	struct http_req *r = h->r;
	const char *what;
	if (!strcmp(ev->kind, "created"))
		what = rw_t(r, "reports.hist.created");
	else if (!strcmp(ev->kind, "state"))
		what = arena_printf(r->arena, rw_t(r, "reports.hist.state"), rw_state(r, ev->state));  /* checksrc: fmt-ok */
	else if (!strcmp(ev->kind, "assign"))
		what = rw_t(r, "reports.hist.assign");
	else if (!h->staff)
		return 0;   /* moderation is the staff's business */
	else
		what = rw_t(r, !strcmp(ev->kind, "hide") ? "reports.hist.hide" : "reports.hist.show");
	html_printf(h->b, "<li><time>%s</time> %s", rw_time(r, ev->at), what);
	if (h->staff && ev->by_login[0])
		html_printf(h->b, " (%s)", ev->by_login);
	else if (ev->by_login[0])
		html_printf(h->b, " (%s)", rw_t(r, "reports.hist.by_ward"));
	if (ev->note[0] && (h->staff || strcmp(ev->kind, "hide")))
		html_printf(h->b, "<br><span class=\"report-note\">%s</span>", ev->note);
	buf_puts(h->b, "</li>");
	return 0;
}

void rw_history(struct buf *b, struct http_req *r, int64_t id, int staff)
{
	struct hist h = { r, b, staff };
	struct err e;
	html_printf(b, "<h2 id=\"report-history-h\">%s</h2><ol class=\"report-history\" aria-labelledby=\"report-history-h\">",
		    rw_t(r, "reports.history"));
	if (reports_history_each(app_store(r), app_req(r)->tenant.code, id, r->arena, hist_row, &h, &e) < 0)
		log_warn("reports: history", "detail", e.detail);
	buf_puts(b, "</ol>");
}
