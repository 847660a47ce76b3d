/*
 * page_groups.c -- the resident's groups (団体登録) on My page.
 *
 * GET  /mypage/facilities/groups    the groups the resident leads and
 *      their state (審査中, 承認, 不承認), and the form to register one.
 * POST /mypage/facilities/groups    booking_group_add: a name, a kind
 *      (さざんかーど登録団体, 区内, 区外) and up to GROUP_ROWS members
 *      (name, kana, birth day); the group waits for staff's approval.
 *
 * Invariants: the members are personal data: shown to the leader only,
 * the read audited; the checks (katakana, a birth day in the past, no
 * member twice) are the domain's, each refusal named on its field.
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
#define GROUP_ROWS 10

static const char *kind_text(struct http_req *r, int k)
{
	return T(r, k == BOOKING_GROUP_SAZANKA ? "booking.group.kind.sazanka"
		 : k == BOOKING_GROUP_WARD ? "booking.group.kind.ward" : "booking.group.kind.outside");
}

static const char *gstate_text(struct http_req *r, int s)
{
	return T(r, s == BOOKING_GROUP_APPROVED ? "booking.group.state.approved"
		 : s == BOOKING_GROUP_REJECTED ? "booking.group.state.rejected" : "booking.group.state.pending");
}

struct glist {
	struct http_req *r;
	struct buf *b;
	int n;
};

static int glist_cb(void *arg, const struct booking_group *g)
{
	struct glist *l = arg;
	struct http_req *r = l->r;
	if (l->n++ == 0)
		html_printf(l->b, "<div class=\"table-scroll\"><table class=\"booking-groups\" aria-labelledby=\"groups-h\"><thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "</tr></thead><tbody>",
			    T(r, "booking.group.name"), T(r, "booking.group.kind"), T(r, "booking.group.members"),
			    T(r, "booking.col.state"));
	html_printf(l->b, "<tr><td>%s</td><td>%s</td><td>%d</td><td data-state=\"%d\">%s</td></tr>", g->name,
		    kind_text(r, g->kind), g->nmembers, (int)g->state, gstate_text(r, g->state));
	return 0;
}

struct gform {
	const char *name, *kind;
	const char *m_name[GROUP_ROWS], *m_kana[GROUP_ROWS], *m_birth[GROUP_ROWS];
	const char *error_id, *error;
};

static int groups_page(struct http_req *r, int status, struct gform *f, const char *notice)
{
	struct app_req *q = app_req(r);
	struct err e;
	struct buf lb;
	buf_init(&lb, 4u << 20);
	struct glist l = { r, &lb, 0 };
	int rc = booking_groups_each(app_store(r), q->tenant.code, q->ses.account_id, 0, glist_cb, &l, &e);
	if (rc) {
		buf_done(&lb);
		return app_send_error(r, rc, "booking.error.unavailable", "booking groups: %s", e.detail);
	}
	app_audit(r, AUDIT_A_READ, "booking.group", "self", AUDIT_R_OK);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "booking.groups.title"), f->error_id, f->error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"booking-notice\">%s</p>", notice);
	html_printf(&b, "<h2 id=\"groups-h\">%s</h2>", T(r, "booking.groups.mine"));
	if (l.n) {
		buf_append(&b, lb.data, lb.len);
		buf_puts(&b, "</tbody></table></div>");
	} else {
		html_printf(&b, "<p id=\"booking-no-groups\">%s</p>", T(r, "booking.groups.none"));
	}
	buf_done(&lb);
	html_printf(&b, "<h2 id=\"register-h\">%s</h2><p>%s</p>"
		    "<form method=\"post\" action=\"/mypage/facilities/groups\" class=\"form\">",
		    T(r, "booking.groups.register"), T(r, "booking.groups.lead"));
	bres_hidden(&b, "csrf", q->csrf);
	const char *fe = f->error_id;
#define ERR_AT(id) (fe && strcmp(fe, (id)) == 0 ? f->error : NULL)
	struct ui_field fn = { .name = "name", .id = "f-name", .label = T(r, "booking.group.name"), .value = f->name,
			       .required = 1, .lang = q->lang, .maxlength = BOOKING_NAME_MAX / 3, .error = ERR_AT("f-name") };
	ui_input(&b, &fn);
	struct ui_field fk = { .name = "kind", .id = "f-kind", .label = T(r, "booking.group.kind"),
			       .hint = T(r, "booking.group.kind.hint"), .required = 1, .lang = q->lang, .error = ERR_AT("f-kind") };
	struct ui_choice kc[] = {
		{ "ward", T(r, "booking.group.kind.ward"), !f->kind || strcmp(f->kind, "ward") == 0 },
		{ "sazanka", T(r, "booking.group.kind.sazanka"), f->kind && strcmp(f->kind, "sazanka") == 0 },
		{ "outside", T(r, "booking.group.kind.outside"), f->kind && strcmp(f->kind, "outside") == 0 },
	};
	ui_fieldset_open(&b, &fk);
	ui_options(&b, "radio", fk.id, "kind", kc, 3, 0);
	ui_fieldset_close(&b);
	html_printf(&b, "<p class=\"hint\">%s</p>", arena_printf(r->arena, T(r, "booking.groups.members_hint"), GROUP_ROWS));   /* checksrc: fmt-ok */
	for (int i = 0; i < GROUP_ROWS; i++) {
		const char *legend = arena_printf(r->arena, T(r, "booking.group.member"), i + 1);   /* checksrc: fmt-ok */
		html_printf(&b, "<fieldset class=\"fieldset booking-member\"><legend class=\"legend\">%s</legend>", legend);
		const char *idn = arena_printf(r->arena, "f-m%d_name", i + 1), *idk = arena_printf(r->arena, "f-m%d_kana", i + 1),
			   *idb = arena_printf(r->arena, "f-m%d_birth", i + 1);
		struct ui_field mn = { .name = idn + 2, .id = idn, .label = T(r, "booking.member.name"), .value = f->m_name[i],
				       .required = i == 0, .lang = q->lang, .maxlength = BOOKING_NAME_MAX / 3, .error = ERR_AT(idn) };
		struct ui_field mk = { .name = idk + 2, .id = idk, .label = T(r, "booking.member.kana"), .value = f->m_kana[i],
				       .hint = i == 0 ? T(r, "booking.member.kana.hint") : NULL, .required = i == 0,
				       .lang = q->lang, .maxlength = BOOKING_NAME_MAX / 3, .error = ERR_AT(idk) };
		struct ui_field mb = { .name = idb + 2, .id = idb, .label = T(r, "booking.member.birth"), .type = "date",
				       .value = f->m_birth[i], .required = i == 0, .lang = q->lang, .error = ERR_AT(idb) };
		ui_input(&b, &mn);
		ui_input(&b, &mk);
		ui_input(&b, &mb);
		buf_puts(&b, "</fieldset>");
	}
#undef ERR_AT
	html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"booking-group-submit\">%s</button></form>",
		    T(r, "booking.groups.submit"));
	html_printf(&b, "<p><a href=\"/mypage/facilities\">%s</a></p>", T(r, "booking.mine.title"));
	return app_page_send(r, status, &b, &p);
}

int page_booking_groups(struct http_req *r)
{
	struct gform f = { 0 };
	return groups_page(r, 200, &f, http_param(r, "registered") ? T(r, "booking.groups.done") : NULL);
}

int page_booking_groups_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct gform f = { .name = http_param(r, "name"), .kind = http_param(r, "kind") };
	for (int i = 0; i < GROUP_ROWS; i++) {
		f.m_name[i] = http_param(r, arena_printf(r->arena, "m%d_name", i + 1));
		f.m_kana[i] = http_param(r, arena_printf(r->arena, "m%d_kana", i + 1));
		f.m_birth[i] = http_param(r, arena_printf(r->arena, "m%d_birth", i + 1));
	}
	struct booking_group *g = calloc(1, sizeof *g);
	if (!g)
		return app_send_error(r, ERR_NOMEM, "booking.error.unavailable", "booking group: memory");
	int rc = 0;
	struct err e;
	snprintf(g->name, sizeof g->name, "%s", f.name ? f.name : "");
	g->kind = booking_group_kind_parse(f.kind ? f.kind : "");
	g->leader = q->ses.account_id;
	/* the member rows filled in (an empty row is skipped); a row's
	 * member number in the domain's errors is its place among those */
	int row_of[GROUP_ROWS];
	for (int i = 0; i < GROUP_ROWS && rc == 0; i++) {
		int any = (f.m_name[i] && *f.m_name[i]) || (f.m_kana[i] && *f.m_kana[i]) || (f.m_birth[i] && *f.m_birth[i]);
		if (!any)
			continue;
		struct booking_member *m = &g->members[g->nmembers];
		row_of[g->nmembers++] = i + 1;
		snprintf(m->name, sizeof m->name, "%s", f.m_name[i] ? f.m_name[i] : "");
		snprintf(m->kana, sizeof m->kana, "%s", f.m_kana[i] ? f.m_kana[i] : "");
		if (!f.m_birth[i] || jp_date_parse_iso(&m->birth, f.m_birth[i], &e) != 0) {
			f.error_id = arena_printf(r->arena, "f-m%d_birth", i + 1);
			f.error = T(r, "booking.group.error.birth");
			rc = ERR_INVALID;
		}
	}
	if (rc == 0 && !g->name[0]) {
		f.error_id = "f-name";
		f.error = T(r, "booking.group.error.name");
		rc = ERR_INVALID;
	} else if (rc == 0 && !g->kind) {
		f.error_id = "f-kind";
		f.error = T(r, "booking.group.error.kind");
		rc = ERR_INVALID;
	} else if (rc == 0 && g->nmembers == 0) {
		f.error_id = "f-m1_name";
		f.error = T(r, "booking.group.error.members");
		rc = ERR_INVALID;
	}
	int64_t id = 0;
	if (rc == 0) {
		rc = booking_group_add(&id, app_store(r), q->tenant.code, g, app_now(), &e);
		if (rc == ERR_INVALID) {
			int k = 0;
			const char *msg = "booking.group.error.name", *col = "name";
			if (sscanf(e.detail, "group: member %d", &k) == 1 && k >= 1 && k <= g->nmembers) {
				if (strstr(e.detail, "kana"))
					msg = "booking.group.error.kana", col = "kana";
				else if (strstr(e.detail, "birth"))
					msg = "booking.group.error.birth", col = "birth";
				else if (strstr(e.detail, "twice"))
					msg = "booking.group.error.twice", col = "name";
				else
					msg = "booking.group.error.member_name", col = "name";
				f.error_id = arena_printf(r->arena, "f-m%d_%s", row_of[k - 1], col);
			} else if (strstr(e.detail, "kind")) {
				msg = "booking.group.error.kind";
				f.error_id = "f-kind";
			} else if (strstr(e.detail, "members")) {
				msg = "booking.group.error.members";
				f.error_id = "f-m1_name";
			} else {
				f.error_id = "f-name";
			}
			f.error = T(r, msg);
		}
	}
	free(g);
	if (rc == 0) {
		app_audit(r, AUDIT_A_WRITE, "booking.group", arena_printf(r->arena, "%lld", (long long)id), AUDIT_R_OK);
		return http_redirect(r, 303, "/mypage/facilities/groups?registered=1");
	}
	if (rc != ERR_INVALID)
		return app_send_error(r, rc, "booking.error.unavailable", "booking group: %s", e.detail);
	app_audit(r, AUDIT_A_WRITE, "booking.group", NULL, AUDIT_R_DENIED);
	return groups_page(r, 400, &f, NULL);
}
