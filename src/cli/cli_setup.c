/*
 * cli_setup.c -- `madoguchi init`, `madoguchi demo` and `madoguchi
 * migrate`: create keys, bring a database's schema up to date, add a
 * municipality, or create the fictional demo ward デモ区 with demo staff.
 *
 * `demo` does everything the demo needs: the folders it writes to, the
 * keys, the ward, its staff and residents, then every service's demo hook
 * in the order svc_demo_order gives (svc.h: dept makes the departments and
 * the roles owning their inboxes, procedures publishes data/procedures
 * after them, opendata imports data/opendata/demo), and it prints the
 * logins.  Running it again changes nothing.
 *
 * The demo ward's code 139998 has a valid check digit (13 Tokyo, 999 is
 * assigned to no municipality).  Its staff are fictional; their passwords
 * are printed and documented because the demo is for trying things out,
 * never for real data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"

#define DEMO_CODE "139998"

static const struct { const char *login, *name, *role, *password, *works; } demo_staff[] = {
	{ "demo-admin", "デモ 管理者", "admin", "Hinode-Koban-2026", "管理者・手続の作成 / administrator, builds procedures" },
	{ "demo-staff", "デモ 職員", "staff", "Ajisai-Mado-2026",
	  "子育て支援課・保育課 / child-rearing support, childcare" },
	{ "demo-viewer", "デモ 閲覧者", "viewer", "Momiji-Etsuran-2026", "閲覧のみ・個人情報なし / read only, no personal data" },
	/* --- dept: staff of the other departments (dept_roles below) --- */
	{ "demo-kumin", "デモ 区民課職員", "staff", "Kusunoki-Kumin-2026",
	  "区民課・課税課・広報課・地域活動推進課（施設予約）・手続の承認 / registration, tax, PR, community (facility booking); approves procedures" },
	{ "demo-fukushi", "デモ 福祉職員", "staff", "Tsutsuji-Fukushi-2026",
	  "国保年金・介護保険・高齢者・健康・予防・母子保健・生活衛生 / health and welfare" },
	{ "demo-machi", "デモ まちづくり職員", "staff", "Keyaki-Machi-2026",
	  "清掃・みどり・土木・防災・学務・児童青少年 / environment, roads, education" },
	{ "demo-kaikei", "デモ 会計課職員", "staff", "Sazanka-Kaikei-2026",
	  "会計課：収納・消込・返金（返金の承認は demo-admin）/ accounts: payments, reconciliation, refunds" },
};

static int open_and_migrate(struct store **s, const char *db, const char *key_dir,
			    struct err *e)
{
	int rc = app_keys_create(key_dir, e);
	if (rc)
		return rc;
	rc = store_open(s, db, e);
	if (rc)
		return rc;
	int applied = 0;
	rc = app_migrate(*s, &applied, e);
	if (rc) {
		store_close(*s);
		return rc;
	}
	if (applied)
		printf("madoguchi: %d 件の移行を適用しました / applied %d migrations\n",
		       applied, applied);
	return 0;
}

static int add_tenant(struct store *s, const struct tenant *t, struct err *e)
{
	struct auth_events ev = { 0 };
	int rc = store_begin(s, e);
	if (rc)
		return rc;
	rc = tenant_add(s, t, e);
	if (rc == 0)
		rc = auth_tenant_seed(s, t->code, &ev, e);
	if (rc == 0)
		return store_commit(s, e);
	store_rollback(s);
	return rc;
}

static void usage_init(FILE *f)
{
	fprintf(f, "usage: madoguchi init --db URL --code CODE --name-ja NAME --name-en NAME\n"
		   "                      [--host HOST] [--path-prefix NAME] [--key-dir DIR]\n"
		   "  creates the key files (if missing), the schema, and the municipality\n");
}

int cli_init(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "code", 1, NULL }, { "name-ja", 1, NULL },
			   { "name-en", 1, NULL }, { "host", 1, NULL }, { "key-dir", 1, NULL },
			   { "path-prefix", 1, NULL },
			   { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	if (opts_parse(o, n, argc, argv, NULL, 0) < 0) {
		usage_init(stderr);
		return CLI_USAGE;
	}
	if (opts_get(o, n, "help")) {
		usage_init(stdout);
		return CLI_OK;
	}
	const char *db = opts_db(o, n), *code = opts_get(o, n, "code");
	if (!db || !code || !opts_get(o, n, "name-ja") || !opts_get(o, n, "name-en")) {
		usage_init(stderr);
		return CLI_USAGE;
	}
	struct tenant t = { 0 };
	snprintf(t.code, sizeof t.code, "%s", code);
	if (strlen(code) != 6)
		return cli_error(NULL, "団体コードは6桁です", "the municipality code has six digits");
	snprintf(t.name_ja, sizeof t.name_ja, "%s", opts_get(o, n, "name-ja"));
	snprintf(t.name_en, sizeof t.name_en, "%s", opts_get(o, n, "name-en"));
	if (opts_get(o, n, "host"))
		snprintf(t.host, sizeof t.host, "%s", opts_get(o, n, "host"));
	if (opts_get(o, n, "path-prefix"))
		snprintf(t.path_prefix, sizeof t.path_prefix, "%s", opts_get(o, n, "path-prefix"));
	struct store *s;
	struct err e;
	err_clear(&e);
	const char *kd = opts_get(o, n, "key-dir") ? opts_get(o, n, "key-dir") : "var/keys";
	if (open_and_migrate(&s, db, kd, &e))
		return cli_error(&e, "データベースを準備できませんでした", "could not prepare the database");
	int rc = add_tenant(s, &t, &e);
	store_close(s);
	if (rc == ERR_INVALID)
		return cli_error(&e, "団体コードまたは名称が正しくありません（検査数字を確認してください）",
				 "the municipality code or name is not valid (check the check digit)");
	if (rc)
		return cli_error(&e, "自治体を登録できませんでした", "could not add the municipality");
	printf("madoguchi: %s を登録しました / added municipality %s\n", t.code, t.code);
	return CLI_OK;
}

/* --- mail / demo: the folders demo writes to, and the logins it made --- */
/* every parent of path (and path itself unless is_file) made, 0755 (a
 * key directory's last component is made 0700 by app_keys_create) */
static int demo_mkdirs(const char *path, int is_file)
{
	char p[1024];
	if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
		return -1;
	char *end = is_file ? strrchr(p, '/') : p + strlen(p);
	if (!end)
		return 0;
	for (char *c = p + 1; c <= end; c++) {
		if (*c != '/' && *c != 0)
			continue;
		char keep = *c;
		*c = 0;
		if (c != end || is_file)
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				return -1;
		*c = keep;
		if (!keep)
			break;
	}
	return 0;
}

static void demo_print_logins(void)
{
	printf("\n  職員ログイン / staff login: /login\n");
	for (size_t i = 0; i < sizeof demo_staff / sizeof demo_staff[0]; i++)
		printf("    %-12s / %-22s %s\n", demo_staff[i].login, demo_staff[i].password,
		       demo_staff[i].works);
	printf("    (閲覧以外は初回ログイン時に二要素認証を設定 / all but the viewer set up 2FA at first login)\n"
	       "  部署の管理 / departments: /staff/departments (demo-admin)\n"
	       "  区民 / residents: /resident/register (メールアドレスで登録 / register with an e-mail address)\n"
	       "  デモ区民 / demo residents (住民基本台帳と紐付け済み / linked to the resident registry): /resident/login\n"
	       "    demo-taro@example.jp    / Hinode-Kumin-2026   (日之出 太郎: 3歳未満の子あり / a child under 3)\n"
	       "    demo-sakura@example.jp  / Minato-Kumin-2026   (港 さくら: ひとり親・乳児 / single parent, a baby)\n"
	       "  送信メール / outgoing e-mail (開発用メールボックス / development mailbox): /staff/outbox (demo-admin)\n\n");
}

int cli_demo(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "key-dir", 1, NULL }, { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	if (opts_parse(o, n, argc, argv, NULL, 0) < 0 || opts_get(o, n, "help")) {
		fprintf(opts_get(o, n, "help") ? stdout : stderr,
			"usage: madoguchi demo --db URL [--key-dir DIR]\n"
			"  creates the fictional demo ward デモ区 (code " DEMO_CODE ") and its demo staff;\n"
			"  running it again changes nothing\n");
		return opts_get(o, n, "help") ? CLI_OK : CLI_USAGE;
	}
	const char *db = opts_db(o, n);
	if (!db)
		return cli_error(NULL, "--db が必要です", "--db is required");
	struct store *s;
	struct err e;
	err_clear(&e);
	const char *kd = opts_get(o, n, "key-dir") ? opts_get(o, n, "key-dir") : "var/keys";
	/* the folders demo writes to: the key directory's parents and the
	 * SQLite file's (var/ of `make run`) */
	if (demo_mkdirs(kd, 0) || (strncmp(db, "sqlite:", 7) == 0 && demo_mkdirs(db + 7, 1)))
		return cli_error(NULL, "ディレクトリを作成できませんでした", "could not create a directory");
	if (open_and_migrate(&s, db, kd, &e))
		return cli_error(&e, "データベースを準備できませんでした", "could not prepare the database");
	struct tenant t = { .code = DEMO_CODE, .name_ja = "デモ区", .name_en = "Demo Ward", .demo = 1 };
	int rc = add_tenant(s, &t, &e);
	if (rc && rc != ERR_CONFLICT) {
		store_close(s);
		return cli_error(&e, "デモ区を作成できませんでした", "could not create the demo ward");
	}
	struct auth_config ac;
	if (auth_config_init(&ac, AUTH_HASH_INTERACTIVE, &e)) {
		store_close(s);
		return cli_error(&e, "初期化に失敗しました", "initialisation failed");
	}
	for (size_t i = 0; i < sizeof demo_staff / sizeof demo_staff[0]; i++) {
		struct auth_staff st;
		if (auth_staff_get_by_login(&st, s, DEMO_CODE, demo_staff[i].login, &e) == 0)
			continue;
		int64_t id;
		struct auth_events ev = { 0 };
		const char *role = demo_staff[i].role;
		rc = auth_staff_add(&id, s, &ac,
				    &(struct auth_staff_new){ .tenant = DEMO_CODE,
							      .login = demo_staff[i].login,
							      .display_name = demo_staff[i].name,
							      .password = demo_staff[i].password,
							      .roles = &role, .nroles = 1 },
				    app_now(), &ev, &e);
		if (rc) {
			auth_config_done(&ac);
			store_close(s);
			return cli_error(&e, "デモ職員を作成できませんでした", "could not create demo staff");
		}
	}
	/* --- registry: the registry households, demo residents, procedure editor --- */
	{
		struct auth_events ev = { 0 };
		rc = cli_registry_demo(s, &ac, DEMO_CODE, &e);
		if (rc == 0)
			rc = auth_role_permission_add(s, DEMO_CODE, "admin",
						      AUTH_PERM_PROCEDURES_MANAGE, &ev, &e);
		if (rc == 0) {   /* --- mail: the outbox (page_outbox.c) --- */
			ev.n = 0;
			rc = auth_role_permission_add(s, DEMO_CODE, "admin", AUTH_PERM_MAIL_READ, &ev, &e);
		}
		if (rc) {
			auth_config_done(&ac);
			store_close(s);
			return cli_error(&e, "デモ住民を作成できませんでした",
					 "could not create the demo residents");
		}
	}
	/* what each service adds for the demo ward (svc.h: demo), after the
	 * demo staff and in the order the services' demo_after asks (the
	 * departments and their roles before the procedures that name them) */
	const struct svc *order[APP_SVC_MAX];
	int norder = svc_demo_order(order, &e);
	if (norder < 0) {
		auth_config_done(&ac);
		store_close(s);
		return cli_error(&e, "サービスのデモの順序が決められません", "the services' demo order is broken");
	}
	for (int i = 0; i < norder; i++) {
		if ((rc = order[i]->demo(s, DEMO_CODE, &e))) {
			auth_config_done(&ac);
			store_close(s);
			fprintf(stderr, "madoguchi: service %s\n", order[i]->name);
			return cli_error(&e, "デモ区のデータを作成できませんでした",
					 "could not create the demo ward's data");
		}
	}
	auth_config_done(&ac);
	store_close(s);
	printf("madoguchi: デモ区 (" DEMO_CODE ") を用意しました / demo ward ready\n");
	demo_print_logins();
	return CLI_OK;
}

int cli_migrate(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	if (opts_parse(o, n, argc, argv, NULL, 0) < 0 || opts_get(o, n, "help")) {
		fprintf(opts_get(o, n, "help") ? stdout : stderr,
			"usage: madoguchi migrate --db URL\n  brings the schema up to date\n");
		return opts_get(o, n, "help") ? CLI_OK : CLI_USAGE;
	}
	const char *db = opts_db(o, n);
	if (!db)
		return cli_error(NULL, "--db が必要です", "--db is required");
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースに接続できませんでした", "could not open the database");
	int applied = 0;
	int rc = app_migrate(s, &applied, &e);
	store_close(s);
	if (rc)
		return cli_error(&e, "移行に失敗しました", "the migration failed");
	printf("madoguchi: %d 件の移行を適用しました / applied %d migrations\n", applied, applied);
	return CLI_OK;
}
