/*
 * cli_user.c -- `madoguchi user`: staff accounts from the command line
 * (src/core/auth/).
 *
 *   madoguchi user add --db URL --tenant CODE --login NAME --name "表示名"
 *                      --role ROLE [--role ROLE ...] [--password-stdin]
 *   madoguchi user list --db URL --tenant CODE
 *   madoguchi user disable --db URL --tenant CODE --login NAME
 *
 * --db falls back to $MADOGUCHI_DB.  `add` generates a strong password and
 * prints it once on stdout unless --password-stdin gives one (first line
 * of stdin, checked against the policy).  The tenant must exist; its
 * built-in roles are created if missing.  Every change is written to the
 * audit trail in the same transaction (actor "(cli)", which no login can
 * be; object "<staff id>[:<role>]" or "<role>[:<permission>]"; checkpoints signed
 * with $MADOGUCHI_AUDIT_KEY when set): if the audit record cannot be
 * written, nothing changes.  The common-password list is read from
 * $MADOGUCHI_DATA_DIR/auth/common-passwords.txt or
 * ./data/auth/common-passwords.txt (the built-in list applies otherwise).
 *
 * Exit status: 0 done, 1 failed (bilingual message on stderr), 2 usage.
 * Text read back from the database is printed with control characters
 * escaped.  Invariant: the password is never printed except the generated
 * one, once, and is wiped from memory after use.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tenant/tenant.h"
#include "core/audit/audit.h"
#include "core/auth/auth.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"

#define MAX_ROLES AUTH_ROLES_PER_STAFF

static void usage(FILE *f)
{
	fputs("usage: madoguchi user add --db URL --tenant CODE --login NAME --name NAME\n"
	      "                          --role ROLE [--role ROLE ...] [--password-stdin]\n"
	      "       madoguchi user list --db URL --tenant CODE\n"
	      "       madoguchi user disable --db URL --tenant CODE --login NAME\n"
	      "\n"
	      "add      create a staff account (one per person); without\n"
	      "         --password-stdin a strong password is generated and printed\n"
	      "         once.  職員アカウントを作成します。\n"
	      "list     login, name, roles, status, 2FA enrolled.  一覧を表示します。\n"
	      "disable  disable an account and end all of its sessions.\n"
	      "         アカウントを無効にし、すべてのセッションを終了します。\n"
	      "\n"
	      "ROLE: admin, staff, viewer, auditor, or one made by an administrator.\n"
	      "Passwords: 12 to 128 characters, not a common password, not\n"
	      "containing the login.  --db defaults to $MADOGUCHI_DB.\n", f);
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i]))
			return 1;
	return 0;
}

static void put_escaped(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

static int load_auth(struct auth_config *ac)
{
	struct err e;
	if (auth_config_init(ac, AUTH_HASH_INTERACTIVE, &e))
		return cli_error(&e, "認証の初期化に失敗しました",
				 "could not initialise authentication");
	char path[1024];
	const char *dir = getenv("MADOGUCHI_DATA_DIR");
	if (dir && *dir)
		snprintf(path, sizeof path, "%s/auth/common-passwords.txt", dir);
	else
		snprintf(path, sizeof path, "data/auth/common-passwords.txt");
	if (access(path, R_OK) == 0 &&
	    auth_config_load_common_passwords(ac, path, &e)) {
		auth_config_done(ac);
		return cli_error(&e, "よく使われるパスワードの一覧を読めません",
				 "cannot read the common-password list");
	}
	return 0;
}

static int open_db(struct store **s, const struct opt *o, int no)
{
	const char *db = opts_db(o, no);
	if (!db) {
		fputs("madoguchi: --db か MADOGUCHI_DB が必要です /"
		      " --db or MADOGUCHI_DB is required\n", stderr);
		return CLI_USAGE;
	}
	struct err e;
	if (store_open(s, db, &e))
		return cli_error(&e, "データベースに接続できません",
				 "cannot open the database");
	return 0;
}

/* 0 when the tenant exists, else prints and returns CLI_FAILED */
static int check_tenant(struct store *s, const char *tenant)
{
	struct err e;
	int n = tenant_exists(s, tenant, &e);
	if (n < 0)
		return cli_error(&e, "団体の確認に失敗しました（migrate 済みですか）",
				 "cannot look up the tenant (is the database migrated?)");
	if (n == 0) {
		fprintf(stderr, "madoguchi: 団体コード %s の団体がありません /"
			" no tenant with code %s\n", tenant, tenant);
		return CLI_FAILED;
	}
	return 0;
}

/* the audit records of auth events, in the open transaction */
static int audit_events(struct store *s, const struct auth_events *ev,
			const char *tenant, struct err *e)
{
	struct audit_key key;
	struct audit_config ac = { 0 };
	const char *hex = getenv("MADOGUCHI_AUDIT_KEY");
	if (hex && *hex) {
		int rc = audit_key_from_hex(&key, hex, e);
		if (rc)
			return rc;
		ac.key = &key;
	}
	int rc = 0;
	for (int i = 0; i < ev->n && rc == 0; i++) {
		/* object: "staff id", "staff id:role", "role" or "role:permission",
		 * the format the server's pages write too */
		const struct auth_event *x = &ev->ev[i];
		char id[AUTH_EVENT_OBJECT_MAX];
		auth_event_object(id, sizeof id, x);
		struct audit_record r = {
			.actor_login = "(cli)",
			.action = AUDIT_A_PERMISSION,
			.object_type = auth_event_name(x->kind),
			.object_id = id,
			.tenant = tenant,
			.result = AUDIT_R_OK,
		};
		rc = audit_append(NULL, s, &ac, &r, e);
	}
	if (ac.key)
		audit_key_wipe(&key);
	return rc;
}

static int read_password_stdin(char out[AUTH_PASSWORD_MAX_BYTES + 1])
{
	char line[AUTH_PASSWORD_MAX_BYTES + 3];
	if (!fgets(line, sizeof line, stdin)) {
		fputs("madoguchi: 標準入力からパスワードを読めません /"
		      " no password on standard input\n", stderr);
		return CLI_FAILED;
	}
	size_t n = strlen(line);
	int had_nl = n > 0 && line[n - 1] == '\n';
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n > AUTH_PASSWORD_MAX_BYTES || (!had_nl && !feof(stdin))) {
		sodium_memzero(line, sizeof line);
		fputs("madoguchi: パスワードが長すぎます / password too long\n", stderr);
		return CLI_FAILED;
	}
	memcpy(out, line, n + 1);
	sodium_memzero(line, sizeof line);
	return 0;
}

static int password_error(const struct err *e, enum auth_pw_rule why)
{
	switch (why) {
	case AUTH_PW_TOO_SHORT:
		return cli_error(e, "パスワードは12文字以上にしてください",
				 "the password must have at least 12 characters");
	case AUTH_PW_TOO_LONG:
		return cli_error(e, "パスワードは128文字以下にしてください",
				 "the password must have at most 128 characters");
	case AUTH_PW_COMMON:
		return cli_error(e, "よく使われるパスワードは使えません",
				 "this password is too common");
	case AUTH_PW_CONTAINS_NAME:
		return cli_error(e, "パスワードにログイン名を含めないでください",
				 "the password must not contain the login");
	case AUTH_PW_REPEATED:
		return cli_error(e, "同じ文字の繰り返しは使えません",
				 "the password must not repeat one character");
	default:
		return cli_error(e, "パスワードに使えない文字があります",
				 "the password has invalid characters");
	}
}

static int cmd_add(int argc, char **argv)
{
	struct opt o[] = {
		{ "db", 1, NULL }, { "tenant", 1, NULL }, { "login", 1, NULL },
		{ "name", 1, NULL }, { "role", 1, NULL }, { "password-stdin", 0, NULL },
	};
	const int no = (int)(sizeof o / sizeof o[0]);
	/* --role may repeat: collect them before opts_parse sees the rest */
	const char *roles[MAX_ROLES];
	int nroles = 0;
	char *rest[256];
	int nrest = 0;
	if (argc > 255) {
		fputs("madoguchi: 引数が多すぎます / too many arguments\n", stderr);
		return CLI_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i > 0 && strcmp(a, "--role") == 0 && i + 1 < argc) {
			if (nroles == MAX_ROLES) {
				fprintf(stderr, "madoguchi: ロールは%d個までです /"
					" at most %d roles\n", MAX_ROLES, MAX_ROLES);
				return CLI_USAGE;
			}
			roles[nroles++] = argv[++i];
			continue;
		}
		if (i > 0 && strncmp(a, "--role=", 7) == 0) {
			if (nroles == MAX_ROLES) {
				fprintf(stderr, "madoguchi: ロールは%d個までです /"
					" at most %d roles\n", MAX_ROLES, MAX_ROLES);
				return CLI_USAGE;
			}
			roles[nroles++] = a + 7;
			continue;
		}
		rest[nrest++] = argv[i];
	}
	const char *pos[1];
	if (opts_parse(o, no, nrest, rest, pos, 0) < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *tenant = opts_get(o, no, "tenant"), *login = opts_get(o, no, "login"),
		   *name = opts_get(o, no, "name");
	if (!tenant || !login || !name || nroles == 0) {
		fputs("madoguchi: --tenant, --login, --name, --role が必要です /"
		      " --tenant, --login, --name and --role are required\n", stderr);
		usage(stderr);
		return CLI_USAGE;
	}
	char password[AUTH_PASSWORD_MAX_BYTES + 1];
	int generated = !opts_get(o, no, "password-stdin");
	struct err e;
	int rc;
	if (generated) {
		if (auth_password_generate(password, &e))
			return cli_error(&e, "パスワードを生成できません",
					 "cannot generate a password");
	} else if ((rc = read_password_stdin(password))) {
		return rc;
	}
	struct auth_config ac;
	if ((rc = load_auth(&ac))) {
		sodium_memzero(password, sizeof password);
		return rc;
	}
	enum auth_pw_rule why = AUTH_PW_OK;
	if (auth_password_check(&why, &ac, password, login, &e)) {
		sodium_memzero(password, sizeof password);
		auth_config_done(&ac);
		return password_error(&e, why);
	}
	struct store *s;
	if ((rc = open_db(&s, o, no))) {
		sodium_memzero(password, sizeof password);
		auth_config_done(&ac);
		return rc;
	}
	rc = check_tenant(s, tenant);
	int64_t id = 0;
	struct auth_events ev = { 0 };
	if (rc == 0) {
		int r = store_begin(s, &e);
		if (r == 0)
			r = auth_tenant_seed(s, tenant, &ev, &e);
		if (r == 0)
			r = auth_staff_add(&id, s, &ac,
					   &(struct auth_staff_new){ .tenant = tenant,
								     .login = login,
								     .display_name = name,
								     .password = password,
								     .roles = roles,
								     .nroles = nroles },
					   now_ms() / 1000, &ev, &e);
		if (r == 0)
			r = audit_events(s, &ev, tenant, &e);
		if (r == 0)
			r = store_commit(s, &e);
		else if (store_in_tx(s))
			store_rollback(s);
		if (r == ERR_CONFLICT)
			rc = cli_error(&e, "そのログイン名は既に使われています",
				       "that login is already taken in this tenant");
		else if (r == ERR_NOTFOUND)
			rc = cli_error(&e, "指定のロールがありません",
				       "no such role in this tenant");
		else if (r == ERR_INVALID)
			rc = cli_error(&e, "入力が正しくありません（ログイン名は a-z 0-9 . _ -、"
				       "表示名は100文字以内）",
				       "invalid input (login: a-z 0-9 . _ -; name: at most"
				       " 100 characters)");
		else if (r)
			rc = cli_error(&e, "職員アカウントを作成できませんでした",
				       "could not create the staff account");
	}
	if (rc == 0) {
		printf("created staff %" PRId64 " in tenant %s\n", id, tenant);
		if (generated)
			printf("password (shown once / 一度だけ表示します): %s\n", password);
	}
	sodium_memzero(password, sizeof password);
	auth_config_done(&ac);
	store_close(s);
	return rc;
}

struct list_ctx {
	int n;
};

static void list_row(const struct auth_staff *st, void *arg)
{
	struct list_ctx *c = arg;
	c->n++;
	put_escaped(st->login);
	putchar('\t');
	put_escaped(st->display_name);
	putchar('\t');
	put_escaped(st->roles[0] ? st->roles : "-");
	printf("\t%s\t%s\n", st->active ? "active" : "disabled",
	       st->totp_enrolled ? "yes" : "no");
}

static int cmd_list(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL } };
	const int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[1];
	if (opts_parse(o, no, argc, argv, pos, 0) < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *tenant = opts_get(o, no, "tenant");
	if (!tenant) {
		fputs("madoguchi: --tenant が必要です / --tenant is required\n", stderr);
		return CLI_USAGE;
	}
	struct store *s;
	int rc = open_db(&s, o, no);
	if (rc)
		return rc;
	rc = check_tenant(s, tenant);
	if (rc == 0) {
		struct err e;
		struct list_ctx c = { 0 };
		printf("login\tname\troles\tstatus\t2fa\n");
		int n = auth_staff_list(s, tenant, list_row, &c, &e);
		if (n < 0)
			rc = cli_error(&e, "職員の一覧を取得できません",
				       "cannot list the staff");
	}
	store_close(s);
	return rc;
}

static int cmd_disable(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL },
			   { "login", 1, NULL } };
	const int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[1];
	if (opts_parse(o, no, argc, argv, pos, 0) < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *tenant = opts_get(o, no, "tenant"), *login = opts_get(o, no, "login");
	if (!tenant || !login) {
		fputs("madoguchi: --tenant と --login が必要です /"
		      " --tenant and --login are required\n", stderr);
		return CLI_USAGE;
	}
	struct store *s;
	int rc = open_db(&s, o, no);
	if (rc)
		return rc;
	rc = check_tenant(s, tenant);
	if (rc == 0) {
		struct err e;
		struct auth_staff st;
		struct auth_events ev = { 0 };
		int r = store_begin(s, &e);
		if (r == 0)
			r = auth_staff_get_by_login(&st, s, tenant, login, &e);
		if (r == 0)
			r = auth_staff_set_active(s, tenant, st.id, 0, now_ms() / 1000,
						  &ev, &e);
		if (r == 0)
			r = audit_events(s, &ev, tenant, &e);
		if (r == 0)
			r = store_commit(s, &e);
		else if (store_in_tx(s))
			store_rollback(s);
		if (r == ERR_NOTFOUND || r == ERR_INVALID)
			rc = cli_error(&e, "その職員はいません", "no such staff login");
		else if (r)
			rc = cli_error(&e, "無効にできませんでした",
				       "could not disable the account");
		else {
			int64_t killed = 0;
			for (int i = 0; i < ev.n; i++)
				if (ev.ev[i].kind == AUTH_EV_SESSIONS_KILLED)
					killed = ev.ev[i].value;
			printf("disabled staff %" PRId64 "; %" PRId64 " session(s) ended\n",
			       st.id, killed);
		}
	}
	store_close(s);
	return rc;
}

int cli_user(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (wants_help(argc, argv)) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0)
		return cmd_disable(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown subcommand: %s\n",
		argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
