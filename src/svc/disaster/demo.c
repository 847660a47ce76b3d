/*
 * demo.c -- what `madoguchi demo` adds for the fictional デモ区: six
 * invented shelters around the ward's invented centre (35.70 N, 139.74 E,
 * where the demo's other open data lies), imported through the same GSI
 * GeoJSON path as a real file (an emergency-site file and a designated-
 * shelter file sharing facilities), two of them designated 震災救援所, a
 * few live statuses (open, full, not yet open), and the role 防災課
 * (disaster.status, disaster.admin) for demo-machi, whose work includes
 * 防災; the admin role gets both too.  Nothing here pretends to be real.
 * Run again on a ward that has shelters, it changes nothing.
 */
#include "svc/disaster/disaster.h"
#include "svc/disaster/web/disaster_web.h"
#include "web/app.h"
#include "core/auth/auth.h"
#include "store/store.h"

#include <string.h>

#define DEMO_ROLE "bousai"

#define EM(id, name, addr, lon, lat, flood, slide, quake, fire) \
	"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" lon "," lat "]}," \
	"\"properties\":{\"共通ID\":\"" id "\",\"施設・場所名\":\"" name "\",\"住所\":\"" addr "\"," \
	"\"洪水\":\"" flood "\",\"崖崩れ、土石流及び地滑り\":\"" slide "\",\"高潮\":\"\",\"地震\":\"" quake "\"," \
	"\"津波\":\"\",\"大規模な火事\":\"" fire "\",\"内水氾濫\":\"\",\"火山現象\":\"\",\"備考\":\"架空のデモデータ\"}}"
#define DS(id, name, addr, lon, lat) \
	"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" lon "," lat "]}," \
	"\"properties\":{\"共通ID\":\"" id "\",\"施設・場所名\":\"" name "\",\"住所\":\"" addr "\"," \
	"\"指定緊急避難場所との住所同一\":\"1\",\"受入対象者\":null,\"備考\":\"架空のデモデータ\"}}"

static const char emergency[] = "{\"type\":\"FeatureCollection\",\"features\":["
	EM("E1399900001201", "日の出小学校", "東京都デモ区日の出町1-4-2", "139.7321", "35.6921", "1", "", "1", "1") ","
	EM("E1399900002201", "もみじ台中学校", "東京都デモ区もみじ台3-2-8", "139.7498", "35.7031", "1", "1", "1", "1") ","
	EM("E1399900003201", "あじさい公園", "東京都デモ区あじさい町2-9-1", "139.7370", "35.7102", "", "", "1", "1") ","
	EM("E1399900004201", "みどり坂小学校", "東京都デモ区みどり坂4-1-6", "139.7475", "35.6968", "", "1", "1", "") ","
	EM("E1399900005201", "さくら通防災広場", "東京都デモ区さくら通1-12-3", "139.7402", "35.6889", "1", "", "1", "1") ","
	EM("E1399900006201", "デモ区総合体育館", "東京都デモ区日の出町3-7-1", "139.7290", "35.7005", "1", "", "1", "") "]}";

static const char designated[] = "{\"type\":\"FeatureCollection\",\"features\":["
	DS("E1399900001111", "デモ区立日の出小学校", "東京都デモ区日の出町1-4-2", "139.7321", "35.6921") ","
	DS("E1399900002111", "デモ区立もみじ台中学校", "東京都デモ区もみじ台3-2-8", "139.7498", "35.7031") ","
	DS("E1399900004111", "デモ区立みどり坂小学校", "東京都デモ区みどり坂4-1-6", "139.7475", "35.6968") ","
	DS("E1399900006111", "デモ区総合体育館", "東京都デモ区日の出町3-7-1", "139.7290", "35.7005") "]}";

static const char kyuenjo[] = "施設名,所在地\n"
	"日の出小学校（震災救援所）,東京都デモ区日の出町1丁目4番2号\n"
	"もみじ台中学校（震災救援所）,東京都デモ区もみじ台3丁目2番8号\n";

static int demo_role(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = auth_role_permission_add(s, tenant, "admin", DISASTER_PERM_STATUS, &ev, e);
	ev.n = 0;
	if (rc == 0 || rc == ERR_CONFLICT)
		rc = auth_role_permission_add(s, tenant, "admin", DISASTER_PERM_ADMIN, &ev, e);
	if (rc && rc != ERR_CONFLICT)
		return rc;
	ev.n = 0;
	rc = auth_role_create(s, tenant, DEMO_ROLE, "防災課（避難所の開設状況・避難所データ）/ Disaster prevention (shelters)",
			      0, &ev, e);
	if (rc == ERR_CONFLICT)   /* the demo run again */
		return 0;
	ev.n = 0;
	if (rc == 0)
		rc = auth_role_permission_add(s, tenant, DEMO_ROLE, DISASTER_PERM_STATUS, &ev, e);
	ev.n = 0;
	if (rc == 0)
		rc = auth_role_permission_add(s, tenant, DEMO_ROLE, DISASTER_PERM_ADMIN, &ev, e);
	struct auth_staff st;
	if (rc == 0)
		rc = auth_staff_get_by_login(&st, s, tenant, "demo-machi", e);
	if (rc == ERR_NOTFOUND)
		return 0;   /* no such demo member: the role waits for one */
	ev.n = 0;
	if (rc == 0)
		rc = auth_staff_role_grant(s, tenant, st.id, DEMO_ROLE, &ev, e);
	return rc;
}

int disaster_demo(struct store *s, const char *tenant, struct err *e)
{
	int rc = demo_role(s, tenant, e);
	if (rc)
		return rc;
	int64_t n;
	struct store_val v[] = { sv_text(tenant) };
	if ((rc = store_query_int(&n, s, "SELECT count(*) FROM disaster_shelters WHERE tenant = $1", v, 1, e)))
		return rc;
	if (n > 0)
		return 0;
	int64_t now = app_now();
	struct disaster_import_report rep;
	struct disaster_designate_report drep;
	if ((rc = store_begin(s, e)))
		return rc;
	rc = disaster_import(&rep, s, tenant, emergency, sizeof emergency - 1, now, e);
	if (rc == 0)
		rc = disaster_import(&rep, s, tenant, designated, sizeof designated - 1, now, e);
	if (rc == 0)
		rc = disaster_designate(&drep, s, tenant, kyuenjo, sizeof kyuenjo - 1, "震災救援所", now, e);
	static const struct { const char *key; struct disaster_status st; } live[] = {
		{ "E13999000011", { DISASTER_OPEN, 124, DISASTER_NEED_WATER, "体育館を開放しています（デモ）" } },
		{ "E13999000021", { DISASTER_FULL, 310, DISASTER_NEED_FOOD | DISASTER_NEED_POWER, NULL } },
		{ "E13999000061", { DISASTER_OPEN, 45, 0, NULL } },
	};
	for (size_t i = 0; rc == 0 && i < sizeof live / sizeof live[0]; i++) {
		int64_t ver;
		rc = disaster_status_set(&ver, s, tenant, live[i].key, &live[i].st, 0, 0, NULL, now, e);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}
