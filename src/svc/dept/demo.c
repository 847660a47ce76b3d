/*
 * demo.c -- the departments of the fictional demo ward デモ区: the 19 that
 * the shipped procedures (data/procedures/NAME.json, "department") name, and
 * the five 部 above them.  Names sound like a ward's, contacts are
 * fictional: phone numbers in 03-0000-xxxx (no subscriber number starts
 * with 0), e-mail under example.jp (reserved, RFC 2606 style).
 *
 * Then the roles that own their inboxes (permission dept.<code>, '-'
 * written '_', with applications.read/write; two-factor login, as every
 * role holding applications.* must) and which demo login holds which, so
 * that every department a shipped procedure names is read by someone
 * (tests/unit/dept/test_dept.c).  The logins themselves are the
 * demo staff `madoguchi demo` creates before the services' demo hooks
 * (src/cli/cli_setup.c); a login that is missing is skipped.
 */
#include "svc/dept/dept.h"
#include "svc/dept/dept_int.h"
#include "core/auth/auth.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *code, *ja, *en, *phone, *place, *parent;
} rows[] = {
	{ "kuminka", "区民課", "Residents' Registration Division", "03-0000-1101", "本庁舎1階 1番窓口", "" },
	{ "kazei", "課税課", "Taxation Division", "03-0000-1201", "本庁舎2階 8番窓口", "" },
	{ "kouhou", "広報課", "Public Relations Division", "03-0000-1301", "本庁舎7階", "" },
	{ "chiiki-katsudou", "地域活動推進課", "Community Activities Division", "03-0000-1401", "本庁舎7階", "" },
	{ "kokuho-nenkin", "国保年金課", "National Health Insurance and Pension Division", "03-0000-2101", "本庁舎2階 10番窓口", "" },
	{ "kaigo-hoken", "介護保険課", "Long-term Care Insurance Division", "03-0000-2201", "本庁舎3階 15番窓口", "" },
	{ "koureisha", "高齢者支援課", "Elderly Support Division", "03-0000-2301", "本庁舎3階 16番窓口", "" },
	{ "kenko-zukuri", "健康づくり課", "Health Promotion Division", "03-0000-2401", "保健センター1階", "" },
	{ "yobou", "保健予防課", "Disease Prevention Division", "03-0000-2501", "保健センター2階", "" },
	{ "seikatsu-eisei", "生活衛生課", "Environmental Health Division", "03-0000-2601", "保健センター2階", "" },
	{ "kosodate-teate", "子育て支援課", "Child-rearing Support Division", "03-0000-3101", "本庁舎4階 20番窓口", "" },
	{ "hoiku", "保育課", "Childcare Division", "03-0000-3201", "本庁舎4階 21番窓口", "" },
	{ "boshi-hoken", "母子保健課", "Maternal and Child Health Division", "03-0000-3301", "保健センター3階", "" },
	{ "jidou-seishounen", "児童青少年課", "Children and Youth Division", "03-0000-3401", "本庁舎4階", "" },
	{ "seisou", "清掃事務所", "Sanitation Office", "03-0000-4101", "清掃事務所（デモ区港町1-1）", "" },
	{ "midori", "みどり公園課", "Parks and Greenery Division", "03-0000-4201", "本庁舎5階", "" },
	{ "doboku", "土木管理課", "Civil Engineering Division", "03-0000-4301", "本庁舎5階", "" },
	{ "bousai", "防災課", "Disaster Prevention Division", "03-0000-4401", "本庁舎6階", "" },
	{ "gakumu", "学務課", "School Affairs Division", "03-0000-5101", "本庁舎6階", "" },
};

/* the roles owning the departments' inboxes */
static const struct {
	const char *role, *desc, *perms[10];
} roles[] = {
	{ "kosodate", "子育て支援（児童手当・医療証・保育）/ child and family support",
	  { AUTH_PERM_APPLICATIONS_READ, AUTH_PERM_APPLICATIONS_WRITE,
	    "dept.kosodate_teate", "dept.hoiku", NULL } },
	{ "kuminka", "区民課（証明書・転入転出）/ residents' registration",
	  { AUTH_PERM_APPLICATIONS_READ, AUTH_PERM_APPLICATIONS_WRITE,
	    "dept.kuminka", NULL } },
	{ "kusei", "区政・税務（課税・広報・地域活動）/ tax, public relations, community",
	  { AUTH_PERM_APPLICATIONS_READ, AUTH_PERM_APPLICATIONS_WRITE,
	    "dept.kazei", "dept.kouhou", "dept.chiiki_katsudou", NULL } },
	{ "hoken-fukushi", "保健福祉（国保年金・介護・高齢者・健康・予防・母子保健・生活衛生）/ health and welfare",
	  { AUTH_PERM_APPLICATIONS_READ, AUTH_PERM_APPLICATIONS_WRITE,
	    "dept.kokuho_nenkin", "dept.kaigo_hoken", "dept.koureisha",
	    "dept.kenko_zukuri", "dept.yobou", "dept.boshi_hoken",
	    "dept.seikatsu_eisei", NULL } },
	{ "machi", "環境・まちづくり（清掃・みどり・土木・防災）/ environment, parks, roads, disaster prevention",
	  { AUTH_PERM_APPLICATIONS_READ, AUTH_PERM_APPLICATIONS_WRITE,
	    "dept.seisou", "dept.midori", "dept.doboku", "dept.bousai", NULL } },
	{ "kyouiku", "教育（学務・児童青少年）/ education, children and youth",
	  { AUTH_PERM_APPLICATIONS_READ, AUTH_PERM_APPLICATIONS_WRITE,
	    "dept.gakumu", "dept.jidou_seishounen", NULL } },
};

/* who holds which role (demo-staff works in 子育て支援) */
static const struct { const char *login, *role; } grants[] = {
	{ "demo-staff", "kosodate" },
	{ "demo-kumin", "kuminka" }, { "demo-kumin", "kusei" },
	{ "demo-fukushi", "hoken-fukushi" },
	{ "demo-machi", "machi" }, { "demo-machi", "kyouiku" },
};

static int demo_roles(struct store *s, const char *tenant, struct err *e)
{
	struct auth_events ev = { 0 };
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		ev.n = 0;
		int rc = auth_role_create(s, tenant, roles[i].role, roles[i].desc, 1, &ev, e);
		if (rc && rc != ERR_CONFLICT)
			return rc;
		for (int k = 0; roles[i].perms[k]; k++) {
			ev.n = 0;
			if ((rc = auth_role_permission_add(s, tenant, roles[i].role, roles[i].perms[k], &ev, e)))
				return rc;
		}
	}
	for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++) {
		struct auth_staff st;
		int rc = auth_staff_get_by_login(&st, s, tenant, grants[i].login, e);
		if (rc == ERR_NOTFOUND)
			continue;
		ev.n = 0;
		if (rc || (rc = auth_staff_role_grant(s, tenant, st.id, grants[i].role, &ev, e)))
			return rc;
	}
	return 0;
}

int dept_demo(struct store *s, const char *tenant, int64_t now, struct err *e)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct dept d;
		memset(&d, 0, sizeof d);
		snprintf(d.code, sizeof d.code, "%s", rows[i].code);
		snprintf(d.name_ja, sizeof d.name_ja, "%s", rows[i].ja);
		snprintf(d.name_en, sizeof d.name_en, "%s", rows[i].en);
		snprintf(d.phone, sizeof d.phone, "%s", rows[i].phone);
		snprintf(d.email, sizeof d.email, "%s@demo-ward.example.jp", rows[i].code);
		snprintf(d.place, sizeof d.place, "%s", rows[i].place);
		snprintf(d.parent, sizeof d.parent, "%s", rows[i].parent);
		struct dept have;
		if (dept_get(&have, s, tenant, d.code, e) == 0)
			continue;   /* ran before, or edited since: kept */
		int created;
		int rc = dept_put(&created, s, tenant, &d, now, e);
		if (rc)
			return rc;
	}
	return demo_roles(s, tenant, e);
}
