/*
 * demo.c -- what `madoguchi demo` adds for the fictional デモ区's
 * bulky-waste reception: three collection areas and their 町丁目,
 * calendars of collection days from tomorrow for twelve weeks, the
 * 清掃事務所's staff role (waste.staff, waste.master) given to
 * demo-machi; then each part's own demo (waste_int.h).
 */
#include "svc/waste/waste.h"
#include "svc/waste/waste_int.h"
#include "core/auth/auth.h"
#include "store/store.h"

#include <string.h>
#include <time.h>

static const struct { const char *code, *name; unsigned weekdays; } areas[] = {
	{ "kita", "北地区", (1u << JP_TUE) | (1u << JP_FRI) },
	{ "minami", "南地区", (1u << JP_MON) | (1u << JP_THU) },
	{ "higashi", "東地区", (1u << JP_WED) | (1u << JP_SAT) },
};

/* デモ区's 町丁目 (fictional; the register's demo addresses lie in them) */
static const struct { const char *chome, *area; } chome[] = {
	{ "日之出町1丁目", "kita" }, { "日之出町2丁目", "kita" }, { "日之出町3丁目", "kita" },
	{ "日之出町4丁目", "kita" }, { "桜木坂1丁目", "kita" }, { "桜木坂2丁目", "kita" },
	{ "桜木坂3丁目", "kita" },
	{ "港南1丁目", "minami" }, { "港南2丁目", "minami" }, { "港南3丁目", "minami" },
	{ "港南4丁目", "minami" }, { "港南5丁目", "minami" }, { "若葉町1丁目", "minami" },
	{ "若葉町2丁目", "minami" }, { "若葉町3丁目", "minami" }, { "若葉町4丁目", "minami" },
	{ "紅葉台1丁目", "higashi" }, { "紅葉台2丁目", "higashi" }, { "紅葉台3丁目", "higashi" },
	{ "紅葉台4丁目", "higashi" }, { "青空通り1丁目", "higashi" }, { "青空通り2丁目", "higashi" },
	{ "青空通り3丁目", "higashi" },
};

#define DEMO_CAPACITY 40
#define DEMO_WEEKS 12

static int demo_role(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_create(s, tenant, WASTE_DEMO_ROLE,
				  "清掃事務所（粗大ごみ受付・収集・品目表）/ Sanitation Office (bulky waste)", 1, &ev, e);
	if (rc == ERR_CONFLICT)   /* the demo run again */
		return 0;
	ev.n = 0;
	if (rc == 0)
		rc = auth_role_permission_add(s, tenant, WASTE_DEMO_ROLE, WASTE_PERM_STAFF, &ev, e);
	ev.n = 0;
	if (rc == 0)
		rc = auth_role_permission_add(s, tenant, WASTE_DEMO_ROLE, WASTE_PERM_MASTER, &ev, e);
	struct auth_staff st;
	if (rc == 0)
		rc = auth_staff_get_by_login(&st, s, tenant, "demo-machi", e);
	ev.n = 0;
	if (rc == 0)
		rc = auth_staff_role_grant(s, tenant, st.id, WASTE_DEMO_ROLE, &ev, e);
	return rc;
}

int waste_demo(struct store *s, const char *tenant, struct err *e)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof areas / sizeof areas[0]; i++)
		rc = waste_area_put(s, tenant, areas[i].code, areas[i].name, e);
	for (size_t i = 0; rc == 0 && i < sizeof chome / sizeof chome[0]; i++)
		rc = waste_chome_put(s, tenant, chome[i].chome, chome[i].area, e);
	struct jp_date today = jp_jst_date((int64_t)time(NULL));
	long t = jp_date_to_days(today);
	for (size_t i = 0; rc == 0 && i < sizeof areas / sizeof areas[0]; i++) {
		struct waste_calendar c = { areas[i].code, jp_date_from_days(t + 1),
					    jp_date_from_days(t + 7 * DEMO_WEEKS), areas[i].weekdays,
					    DEMO_CAPACITY };
		int opened;
		rc = waste_calendar_open(&opened, s, tenant, &c, e);
	}
	if (rc == 0)
		rc = demo_role(s, tenant, e);
	return rc;
}
