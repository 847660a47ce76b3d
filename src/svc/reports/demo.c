/*
 * demo.c -- what `madoguchi demo` adds for the fictional デモ区's citizen
 * reports: the kinds (道路の穴, 倒木, 不法投棄, 街灯, 被害報告 for a disaster,
 * その他), four areas (three 町 and the 都道 デモ環状通り, a thin box along
 * it, first in order), the routes (the 都道's potholes and lights to
 * 東京都, the rest to the ward's departments of svc/dept's demo), the role
 * 通報受付 (reports.triage, reports.admin) given to demo-machi, and three
 * fictional reports (one closed, so the open data files are not empty).
 * Run again, it changes nothing.  Everything here is fictional.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/auth/auth.h"
#include "store/store.h"
#include "svc/reports/reports.h"

#define DEMO_ROLE "reports-desk"

static const struct { const char *code, *ja, *en, *dja, *den, *grp; } cats[] = {
	{ "road-pothole", "道路の穴・陥没", "Pothole or sunken road", "道路や歩道の穴、陥没、段差。",
	  "Holes, sunken patches or steps in roads and pavements.", "road" },
	{ "fallen-tree", "倒木・枝の落下", "Fallen tree or branch", "道や公園をふさぐ木や枝。",
	  "Trees or branches blocking a road or park.", "park" },
	{ "illegal-dumping", "不法投棄", "Dumped rubbish", "道や空き地に捨てられたごみ、粗大ごみ。",
	  "Rubbish or bulky waste left on streets or empty lots.", "environment" },
	{ "street-light", "街灯の故障", "Broken street light", "消えている、点滅している街灯。",
	  "Street lights that are out or flickering.", "road" },
	{ "damage", "被害報告（災害時）", "Damage report (disaster)", "地震・風水害などによる建物や道路の被害。",
	  "Damage to buildings or roads from an earthquake, storm or flood.", "disaster" },
	{ "other", "その他", "Other", "上にない困りごと。", "Anything else.", "other" },
};

static const struct { const char *code, *ja, *en, *addr; int64_t a, b, c, d; } areas[] = {
	{ "toei-kanjo", "都道 デモ環状通り", "Metropolitan road Demo Kanjo-dori", "デモ環状通り",
	  35690000, 139639500, 35704000, 139640500 },
	{ "hinode", "日之出町", "Hinode", "日之出町", 35698000, 139636000, 35703000, 139645000 },
	{ "sakuragi", "桜木坂", "Sakuragizaka", "桜木坂", 35692000, 139628000, 35698000, 139637000 },
	{ "konan", "港南", "Konan", "港南", 35685000, 139645000, 35692000, 139656000 },
};

#define TOEI "東京都第三建設事務所（デモ）"
#define TOEI_CONTACT "都道の道路・街灯：電話 03-0000-9001（平日 8:30〜17:15）"

static const struct { const char *cat, *area, *dept, *outside, *contact; } routes[] = {
	{ "road-pothole", "toei-kanjo", "", TOEI, TOEI_CONTACT },
	{ "street-light", "toei-kanjo", "", TOEI, TOEI_CONTACT },
	{ "road-pothole", "", "doboku", "", "" },
	{ "street-light", "", "doboku", "", "" },
	{ "fallen-tree", "", "midori", "", "" },
	{ "illegal-dumping", "", "seisou", "", "" },
	{ "damage", "", "bousai", "", "" },
	{ "", "", "doboku", "", "" },
};

static int demo_role(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_create(s, tenant, DEMO_ROLE, "通報受付（まちの困りごと）/ Citizen reports desk", 1, &ev, e);
	if (rc == ERR_CONFLICT)
		return 0;
	const char *perms[] = { REPORTS_PERM_TRIAGE, REPORTS_PERM_ADMIN };
	for (int i = 0; rc == 0 && i < 2; i++) {
		ev.n = 0;
		rc = auth_role_permission_add(s, tenant, DEMO_ROLE, perms[i], &ev, e);
	}
	struct auth_staff st;
	if (rc == 0 && auth_staff_get_by_login(&st, s, tenant, "demo-machi", NULL) == 0) {
		ev.n = 0;
		rc = auth_staff_role_grant(s, tenant, st.id, DEMO_ROLE, &ev, e);
	}
	/* the ward's admin manages kinds, routes and keys too */
	ev.n = 0;
	if (rc == 0 && (rc = auth_role_permission_add(s, tenant, "admin", REPORTS_PERM_ADMIN, &ev, e)) == ERR_CONFLICT)
		rc = 0;
	return rc;
}

static int demo_reports(struct store *s, const char *tenant, struct err *e)
{
	int64_t have = 0;
	struct store_val v[] = { sv_text(tenant) };
	int rc = store_query_int(&have, s, "SELECT count(*) FROM reports WHERE tenant = $1", v, 1, e);
	if (rc || have)
		return rc;
	int64_t now = (int64_t)time(NULL);
	const struct reports_new n[] = {
		{ .category = "road-pothole", .has_pin = 1, .lat_e6 = 35700400, .lon_e6 = 139642100,
		  .address = "デモ区日之出町2丁目 会館前の歩道", .description = "歩道に直径30センチほどの穴があります。（デモ）",
		  .key = "demo-report-000000001", .via = "web" },
		{ .category = "street-light", .has_pin = 1, .lat_e6 = 35695200, .lon_e6 = 139640000,
		  .address = "デモ環状通り 桜木坂交差点", .description = "街灯が夜じゅう点滅しています。（デモ）",
		  .key = "demo-report-000000002", .via = "web" },
		{ .category = "illegal-dumping", .has_pin = 1, .lat_e6 = 35688500, .lon_e6 = 139650800,
		  .address = "デモ区港南3丁目 運動場の裏", .description = "古い自転車が2台捨てられていました。（デモ）",
		  .key = "demo-report-000000003", .via = "web" },
	};
	int64_t ids[3] = { 0 };
	for (int i = 0; rc == 0 && i < 3; i++) {
		int again;
		rc = reports_submit(&ids[i], &again, s, tenant, &n[i], now - (3 - i) * 86400, e);
	}
	if (rc == 0)
		rc = reports_set_state(s, tenant, ids[0], REPORTS_RECEIVED, REPORTS_IN_PROGRESS, "補修の手配をしました。（デモ）",
				       0, "demo-machi", now - 86400, e);
	if (rc == 0)
		rc = reports_set_state(s, tenant, ids[2], REPORTS_RECEIVED, REPORTS_DONE, "回収しました。（デモ）", 0,
				       "demo-machi", now - 3600, e);
	return rc;
}

int reports_demo(struct store *s, const char *tenant, struct err *e)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof cats / sizeof cats[0]; i++) {
		struct reports_category c;
		memset(&c, 0, sizeof c);
		snprintf(c.code, sizeof c.code, "%s", cats[i].code);
		snprintf(c.name_ja, sizeof c.name_ja, "%s", cats[i].ja);
		snprintf(c.name_en, sizeof c.name_en, "%s", cats[i].en);
		snprintf(c.desc_ja, sizeof c.desc_ja, "%s", cats[i].dja);
		snprintf(c.desc_en, sizeof c.desc_en, "%s", cats[i].den);
		snprintf(c.grp, sizeof c.grp, "%s", cats[i].grp);
		c.active = 1;
		c.sort = (int)i * 10;
		rc = reports_category_put(s, tenant, &c, e);
	}
	for (size_t i = 0; rc == 0 && i < sizeof areas / sizeof areas[0]; i++) {
		struct reports_area a = { .has_box = 1, .min_lat = areas[i].a, .min_lon = areas[i].b,
					  .max_lat = areas[i].c, .max_lon = areas[i].d, .sort = (int)i * 10 };
		snprintf(a.code, sizeof a.code, "%s", areas[i].code);
		snprintf(a.name_ja, sizeof a.name_ja, "%s", areas[i].ja);
		snprintf(a.name_en, sizeof a.name_en, "%s", areas[i].en);
		snprintf(a.address, sizeof a.address, "%s", areas[i].addr);
		rc = reports_area_put(s, tenant, &a, e);
	}
	for (size_t i = 0; rc == 0 && i < sizeof routes / sizeof routes[0]; i++) {
		struct reports_route r;
		memset(&r, 0, sizeof r);
		snprintf(r.category, sizeof r.category, "%s", routes[i].cat);
		snprintf(r.area, sizeof r.area, "%s", routes[i].area);
		snprintf(r.dept, sizeof r.dept, "%s", routes[i].dept);
		snprintf(r.outside, sizeof r.outside, "%s", routes[i].outside);
		snprintf(r.contact, sizeof r.contact, "%s", routes[i].contact);
		int64_t id;
		rc = reports_route_put(&id, s, tenant, &r, e);
		if (rc == ERR_CONFLICT)   /* the demo run again */
			rc = 0;
	}
	if (rc == 0)
		rc = demo_role(s, tenant, e);
	if (rc == 0)
		rc = demo_reports(s, tenant, e);
	return rc;
}
