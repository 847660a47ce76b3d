/*
 * demo.c -- what `madoguchi demo` adds for the fictional デモ区's facility
 * reservations: three facilities (a community hall with three rooms, a
 * hall, a sports ground whose baseball field divides into two halves and
 * two tennis courts; the CSV below, `madoguchi booking export` writes it
 * back), the shipped rules (rules_default.c, Suginami's さざんかねっと
 * pattern), the lottery rounds of the next months of use, a group of the
 * demo resident 日之出 太郎 (approved) and one waiting for approval, and
 * the desk's role (booking.staff, booking.master) given to demo-kumin
 * (地域活動推進課, which keeps the ward's community facilities).
 * Everything here is fictional.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth/auth.h"
#include "store/store.h"
#include "svc/booking/booking.h"
#include "svc/booking/web/booking_web.h"

int booking_demo(struct store *s, const char *tenant, struct err *e);

#define HDR "facility,facility_name,facility_name_en,kind,address,lat,lon,access,photo,unit,unit_name,unit_name_en," \
	    "parent,capacity,equipment,band,band_name,band_name_en,start,end,fee,fee_holiday,fee_other," \
	    "fee_other_holiday,fee_heating\n"
#define HINODE "hinode-kaikan,デモ区立日之出会館,Hinode Community Hall (demo),room,デモ区日之出町2丁目1番1号," \
	       "35.700100,139.640200,\"入口にスロープ、エレベーターあり。多目的トイレ1階。\",,"
#define ROOM1 "room1,第1集会室,Meeting Room 1,,40,\"机20、椅子40、ホワイトボード\","
#define ROOM2 "room2,第2集会室,Meeting Room 2,,20,\"机10、椅子20\","
#define WASHITSU "washitsu,和室,Japanese-style room,,15,\"座卓6、座布団15\","
#define SAKURA "sakuragi-hall,デモ区立桜木坂ホール,Sakuragizaka Hall (demo),hall,デモ区桜木坂1丁目5番2号," \
	       "35.695300,139.632800,\"車いす席4席、磁気ループあり。\",,"
#define HALL "hall,ホール,Hall,,300,\"ピアノ、音響設備、照明設備\","
#define KONAN "konan-ground,デモ区立港南運動場,Konan Sports Ground (demo),sports,デモ区港南3丁目8番," \
	      "35.688700,139.651500,\"更衣室とトイレは段差なし。\",,"
#define FIELD "field,野球場（全面）,Baseball field (whole),,0,,"
#define FIELD_A "field-a,野球場（A面）,Baseball field (half A),field,0,,"
#define FIELD_B "field-b,野球場（B面）,Baseball field (half B),field,0,,"
#define COURT1 "court1,庭球場1,Tennis court 1,,0,\"ネット、審判台\","
#define COURT2 "court2,庭球場2,Tennis court 2,,0,\"ネット、審判台\","
#define AM "am,午前,Morning,09:00,12:00,"
#define PM "pm,午後,Afternoon,13:00,17:00,"
#define NIGHT "night,夜間,Evening,18:00,21:30,"
#define H09 "h09,9時〜11時,9:00-11:00,09:00,11:00,"
#define H11 "h11,11時〜13時,11:00-13:00,11:00,13:00,"
#define H13 "h13,13時〜15時,13:00-15:00,13:00,15:00,"
#define H15 "h15,15時〜17時,15:00-17:00,15:00,17:00,"

/* fees: resident weekday, resident 土日祝, other (区外) weekday, other 土日祝, heating */
static const char demo_csv[] =
	HDR
	HINODE ROOM1 AM "800,800,1000,1000,200\n"
	HINODE ROOM1 PM "1000,1000,1300,1300,200\n"
	HINODE ROOM1 NIGHT "1200,1200,1500,1500,200\n"
	HINODE ROOM2 AM "500,500,700,700,100\n"
	HINODE ROOM2 PM "600,600,800,800,100\n"
	HINODE ROOM2 NIGHT "700,700,900,900,100\n"
	HINODE WASHITSU AM "400,400,500,500,100\n"
	HINODE WASHITSU PM "500,500,600,600,100\n"
	HINODE WASHITSU NIGHT "600,600,700,700,100\n"
	SAKURA HALL AM "12000,15000,15000,18000,0\n"
	SAKURA HALL PM "18000,22000,22000,26000,0\n"
	SAKURA HALL NIGHT "20000,24000,24000,28000,0\n"
	KONAN FIELD H09 "2400,3000,3600,4400,0\n"
	KONAN FIELD H11 "2400,3000,3600,4400,0\n"
	KONAN FIELD H13 "2400,3000,3600,4400,0\n"
	KONAN FIELD H15 "2400,3000,3600,4400,0\n"
	KONAN FIELD_A H09 "1200,1500,1800,2200,0\n"
	KONAN FIELD_A H11 "1200,1500,1800,2200,0\n"
	KONAN FIELD_A H13 "1200,1500,1800,2200,0\n"
	KONAN FIELD_A H15 "1200,1500,1800,2200,0\n"
	KONAN FIELD_B H09 "1200,1500,1800,2200,0\n"
	KONAN FIELD_B H11 "1200,1500,1800,2200,0\n"
	KONAN FIELD_B H13 "1200,1500,1800,2200,0\n"
	KONAN FIELD_B H15 "1200,1500,1800,2200,0\n"
	KONAN COURT1 H09 "800,1000,1200,1500,0\n"
	KONAN COURT1 H11 "800,1000,1200,1500,0\n"
	KONAN COURT1 H13 "800,1000,1200,1500,0\n"
	KONAN COURT1 H15 "800,1000,1200,1500,0\n"
	KONAN COURT2 H09 "800,1000,1200,1500,0\n"
	KONAN COURT2 H11 "800,1000,1200,1500,0\n"
	KONAN COURT2 H13 "800,1000,1200,1500,0\n"
	KONAN COURT2 H15 "800,1000,1200,1500,0\n";

static int demo_role(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_create(s, tenant, BOOKING_DEMO_ROLE,
				  "地域活動推進課（施設予約の窓口・抽選・施設）/ Community Activities (facility booking)", 1,
				  &ev, e);
	if (rc == ERR_CONFLICT)   /* the demo run again */
		return 0;
	ev.n = 0;
	if (rc == 0)
		rc = auth_role_permission_add(s, tenant, BOOKING_DEMO_ROLE, BOOKING_PERM_STAFF, &ev, e);
	ev.n = 0;
	if (rc == 0)
		rc = auth_role_permission_add(s, tenant, BOOKING_DEMO_ROLE, BOOKING_PERM_MASTER, &ev, e);
	struct auth_staff st;
	if (rc == 0)
		rc = auth_staff_get_by_login(&st, s, tenant, "demo-kumin", e);
	ev.n = 0;
	if (rc == 0)
		rc = auth_staff_role_grant(s, tenant, st.id, BOOKING_DEMO_ROLE, &ev, e);
	return rc;
}

static int demo_groups(struct store *s, const char *tenant, int64_t now, struct err *e)
{
	int64_t taro = 0, sakura = 0;
	int rc = auth_resident_find(&taro, s, tenant, "demo-taro@example.jp", e);
	if (rc == 0)
		rc = auth_resident_find(&sakura, s, tenant, "demo-sakura@example.jp", e);
	if (rc)
		return rc == ERR_NOTFOUND ? 0 : rc;   /* no demo residents: no groups */
	int64_t have = 0;
	struct store_val p[] = { sv_text(tenant) };
	if ((rc = store_query_int(&have, s, "SELECT count(*) FROM booking_groups WHERE tenant = $1", p, 1, e)))
		return rc;
	if (have)
		return 0;
	struct booking_group *g = calloc(1, sizeof *g);
	if (!g)
		return err_set(e, ERR_NOMEM, "demo");
	snprintf(g->name, sizeof g->name, "日之出テニスクラブ（デモ）");
	g->kind = BOOKING_GROUP_SAZANKA;
	g->leader = taro;
	g->nmembers = 3;
	g->members[0] = (struct booking_member){ "日之出 太郎", "ヒノデ タロウ", { 1988, 4, 12 } };
	g->members[1] = (struct booking_member){ "日之出 花子", "ヒノデ ハナコ", { 1990, 9, 3 } };
	g->members[2] = (struct booking_member){ "桜木 一郎", "サクラギ イチロウ", { 1975, 1, 20 } };
	int64_t id = 0;
	rc = booking_group_add(&id, s, tenant, g, now, e);
	if (rc == 0)
		rc = booking_group_decide(s, tenant, id, 1, 0, now, e);
	/* a second group waits for approval; 桜木 一郎 is in both (staff see it) */
	memset(g, 0, sizeof *g);
	snprintf(g->name, sizeof g->name, "港南コーラスの会（デモ）");
	g->kind = BOOKING_GROUP_WARD;
	g->leader = sakura;
	g->nmembers = 2;
	g->members[0] = (struct booking_member){ "港 さくら", "ミナト サクラ", { 1992, 6, 30 } };
	g->members[1] = (struct booking_member){ "桜木 一郎", "サクラギ イチロウ", { 1975, 1, 20 } };
	if (rc == 0)
		rc = booking_group_add(&id, s, tenant, g, now, e);
	free(g);
	return rc;
}

int booking_demo(struct store *s, const char *tenant, struct err *e)
{
	int nfac = 0;
	int64_t now = (int64_t)time(NULL);
	int rc = booking_csv_import(s, tenant, demo_csv, sizeof demo_csv - 1, &nfac, e);
	struct booking_rules *rules = rc == 0 ? malloc(sizeof *rules) : NULL;
	if (rc == 0 && !rules)
		rc = err_set(e, ERR_NOMEM, "demo");
	if (rc == 0)
		rc = booking_rules_load(rules, s, tenant, e);
	/* the rounds whose entries are open or coming: months of use from
	 * next month to nine months ahead (ホール: 8 months before) */
	struct jp_date today = jp_jst_date(now);
	for (int k = 0; rc == 0 && k < rules->nkinds; k++)
		for (int ahead = 1; rc == 0 && ahead <= 9; ahead++) {
			int y = today.y, m = today.m + ahead;
			while (m > 12) {
				m -= 12;
				y++;
			}
			int n = 0;
			rc = booking_rounds_make(&n, s, tenant, &rules->kinds[k], y * 100 + m, e);
		}
	free(rules);
	if (rc == 0)
		rc = demo_groups(s, tenant, now, e);
	if (rc == 0)
		rc = demo_role(s, tenant, e);
	return rc;
}
