/*
 * demo.c -- the fictional households of デモ区 (tenant 139998) for trying
 * the once-only prefill: six households, twenty persons, every name,
 * address and number made up.
 *
 * The 個人番号 are built from the demo ward code ("139998" + a serial,
 * then the statutory check digit) so that they validate like real ones;
 * they are demo data only and must never be used outside a demo ward.
 * Invariant: seeding is idempotent (a person whose code exists is left
 * alone).
 */
#include <stdio.h>
#include <string.h>

#include "jp/checkdigit.h"
#include "core/registry/registry.h"

#define DEMO_PREF "東京都"
#define DEMO_CITY "デモ区"

static const struct demo_person {
	const char *code, *household;
	int seq;
	const char *rel, *family, *given, *family_kana, *given_kana, *birth, *sex;
	const char *postal, *street, *building, *moved_in;
} demo[] = {
	{ "P0001", "H001", 1, "世帯主", "日之出", "太郎", "ヒノデ", "タロウ", "1988-05-12", "male",
	  "139-9981", "日之出町1丁目2番3号", NULL, "2019-04-01" },
	{ "P0002", "H001", 2, "妻", "日之出", "花子", "ヒノデ", "ハナコ", "1990-09-03", "female",
	  "139-9981", "日之出町1丁目2番3号", NULL, "2019-04-01" },
	{ "P0003", "H001", 3, "子", "日之出", "蒼", "ヒノデ", "アオイ", "2020-02-14", "male",
	  "139-9981", "日之出町1丁目2番3号", NULL, "2020-02-14" },
	{ "P0004", "H001", 4, "子", "日之出", "陽葵", "ヒノデ", "ヒマリ", "2024-06-20", "female",
	  "139-9981", "日之出町1丁目2番3号", NULL, "2024-06-20" },
	{ "P0005", "H002", 1, "世帯主", "紅葉", "一郎", "モミジ", "イチロウ", "1955-03-30", "male",
	  "139-9982", "紅葉台3丁目14番1号", NULL, "1985-10-01" },
	{ "P0006", "H002", 2, "妻", "紅葉", "和子", "モミジ", "カズコ", "1957-11-02", "female",
	  "139-9982", "紅葉台3丁目14番1号", NULL, "1985-10-01" },
	{ "P0007", "H002", 3, "子", "紅葉", "誠二", "モミジ", "セイジ", "1985-07-21", "male",
	  "139-9982", "紅葉台3丁目14番1号", NULL, "1985-07-21" },
	{ "P0008", "H003", 1, "世帯主", "青空", "美咲", "アオゾラ", "ミサキ", "1996-07-07", "female",
	  "139-9983", "青空通り2丁目5番8号", "デモハイツ203", "2023-03-20" },
	{ "P0009", "H003", 2, "妹", "青空", "莉子", "アオゾラ", "リコ", "2001-01-19", "female",
	  "139-9983", "青空通り2丁目5番8号", "デモハイツ203", "2024-04-01" },
	{ "P0010", "H004", 1, "世帯主", "若葉", "健", "ワカバ", "ケン", "1982-01-25", "male",
	  "139-9984", "若葉町4丁目1番20号", NULL, "2012-08-01" },
	{ "P0011", "H004", 2, "妻", "若葉", "恵", "ワカバ", "メグミ", "1984-04-18", "female",
	  "139-9984", "若葉町4丁目1番20号", NULL, "2012-08-01" },
	{ "P0012", "H004", 3, "子", "若葉", "大翔", "ワカバ", "ヒロト", "2014-10-10", "male",
	  "139-9984", "若葉町4丁目1番20号", NULL, "2014-10-10" },
	{ "P0013", "H004", 4, "子", "若葉", "結衣", "ワカバ", "ユイ", "2017-12-01", "female",
	  "139-9984", "若葉町4丁目1番20号", NULL, "2017-12-01" },
	{ "P0014", "H004", 5, "母", "若葉", "トメ", "ワカバ", "トメ", "1948-08-15", "female",
	  "139-9984", "若葉町4丁目1番20号", NULL, "2021-05-10" },
	{ "P0015", "H005", 1, "世帯主", "桜木", "誠", "サクラギ", "マコト", "1970-06-06", "male",
	  "139-9985", "桜木坂1丁目7番2号", NULL, "2001-11-15" },
	{ "P0016", "H005", 2, "妻", "桜木", "由美", "サクラギ", "ユミ", "1972-02-29", "female",
	  "139-9985", "桜木坂1丁目7番2号", NULL, "2001-11-15" },
	{ "P0017", "H005", 3, "子", "桜木", "翔", "サクラギ", "ショウ", "2008-05-05", "male",
	  "139-9985", "桜木坂1丁目7番2号", NULL, "2008-05-05" },
	{ "P0018", "H005", 4, "母", "桜木", "ミヨ", "サクラギ", "ミヨ", "1944-12-24", "female",
	  "139-9985", "桜木坂1丁目7番2号", NULL, "2016-09-30" },
	{ "P0019", "H006", 1, "世帯主", "港", "さくら", "ミナト", "サクラ", "1999-03-15", "female",
	  "139-9986", "港南5丁目3番11号", "デモコーポ101", "2025-01-10" },
	{ "P0020", "H006", 2, "子", "港", "湊", "ミナト", "ミナト", "2025-08-01", "male",
	  "139-9986", "港南5丁目3番11号", "デモコーポ101", "2025-08-01" },
};

int registry_demo_seed(int *added, struct store *s, const char *tenant,
		       struct err *e)
{
	if (added)
		*added = 0;
	for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		const struct demo_person *d = &demo[i];
		char mn[13];
		int cd = 0;
		snprintf(mn, sizeof mn, "139998%05zu", i + 1);
		if (jp_mynumber_check_digit(&cd, mn, e))
			return ERR_INVALID;
		mn[11] = (char)('0' + cd);
		mn[12] = 0;
		struct registry_person p = {
			.code = d->code, .household = d->household, .seq = d->seq,
			.relationship = d->rel, .family = d->family, .given = d->given,
			.family_kana = d->family_kana, .given_kana = d->given_kana,
			.birth_date = d->birth, .sex = d->sex, .postal_code = d->postal,
			.pref = DEMO_PREF, .city = DEMO_CITY, .street = d->street,
			.building = d->building, .moved_in = d->moved_in, .my_number = mn,
		};
		int rc = registry_person_add(NULL, s, tenant, &p, e);
		if (rc == ERR_CONFLICT)
			continue;
		if (rc)
			return rc;
		if (added)
			(*added)++;
	}
	return 0;
}
