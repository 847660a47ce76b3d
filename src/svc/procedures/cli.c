/*
 * cli_procedure.c -- `madoguchi procedure`: publish and list online
 * application procedures (src/core/forms/).
 *
 *   madoguchi procedure list --db URL [--tenant CODE]
 *   madoguchi procedure load --db URL --tenant CODE DIR
 *   madoguchi procedure check FILE...
 *
 * --db falls back to $MADOGUCHI_DB.  `list` prints the latest published
 * version of each procedure, one a line: tenant, id, version, publication
 * date (Japan time), Japanese and English titles, tab-separated.  `load`
 * schema-checks every DIR/NAME.json first and publishes nothing if one is
 * bad (the message names the file and the JSON path); then publishes each
 * in file-name order, a new version only when its canonical form changed,
 * and prints "id vN new|unchanged" per file.  A procedure whose
 * department no member of staff can read is refused before anything is
 * published (procedures_publish, publish.c).  Each new version is
 * recorded in the audit trail in the same transaction (actor "(cli)",
 * action procedure.publish, object "id:vN"; checkpoints signed with
 * $MADOGUCHI_AUDIT_KEY when set).  `check` only runs the schema
 * check.  Exit status: 0 done, 1 failed, 2 usage.  Limits: at most
 * MAX_FILES files of at most FORMS_DEF_MAX_BYTES bytes each.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/app.h"
#include "jp/date.h"
#include "core/audit/audit.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/forms/forms.h"
#include "core/search/search.h"
#include "svc/procedures/procedures.h"

#define MAX_FILES 1000

static void usage(FILE *f)
{
	fputs("usage: madoguchi procedure list --db URL [--tenant CODE]\n"
	      "       madoguchi procedure load --db URL --tenant CODE DIR\n"
	      "       madoguchi procedure check FILE...\n"
	      "\n"
	      "list   published procedures (latest version), one a line.\n"
	      "       公開中の手続を一覧表示します。\n"
	      "load   publish DIR/*.json for the municipality CODE; a new version\n"
	      "       only when a definition changed.  手続定義を公開します。\n"
	      "check  schema-check definition files.  手続定義を検査します。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

static void put_clean(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static void print_row(const struct forms_published *p, void *arg)
{
	(void)arg;
	struct tm tm;
	char when[32];
	jp_jst_tm(&tm, p->published_at);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M+09:00", &tm);
	printf("%s\t%s\tv%d\t%s\t", p->tenant, p->id, p->version, when);
	put_clean(p->title_ja);
	putchar('\t');
	put_clean(p->title_en);
	putchar('\n');
}

static char *read_file(size_t *len, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(e, ERR_IO, "cannot open %s", path);
		return NULL;
	}
	char *buf = malloc(FORMS_DEF_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, FORMS_DEF_MAX_BYTES + 1, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		free(buf);
		err_set(e, bad ? ERR_IO : ERR_NOMEM, "cannot read %s", path);
		return NULL;
	}
	if (n > FORMS_DEF_MAX_BYTES) {
		free(buf);
		err_set(e, ERR_LIMIT, "%s: larger than %u bytes", path, FORMS_DEF_MAX_BYTES);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

static int check_file(struct forms_def **out, struct arena *a, const char *path)
{
	struct err e;
	size_t len;
	char *text = read_file(&len, path, &e);
	if (!text)
		return cli_error(&e, "ファイルを読めません", "cannot read the file");
	int rc = forms_def_parse(out, a, text, len, &e);
	free(text);
	if (rc) {
		fprintf(stderr, "madoguchi: 手続定義に誤りがあります / bad procedure definition: %s\n"
			"  詳細 detail: %s\n", path, e.detail);
		return CLI_FAILED;
	}
	return CLI_OK;
}

/* the audit record of a publication, in forms_publish's transaction */
static int audit_publish(struct store *s, const char *tenant, const char *id,
			 int version, void *arg, struct err *e)
{
	const struct audit_config *ac = arg;
	char obj[FORMS_ID_MAX + 16];
	snprintf(obj, sizeof obj, "%s:v%d", id, version);
	struct audit_record r = {
		.actor_login = "(cli)",
		.action = "procedure.publish",
		.object_type = "procedure_version",
		.object_id = obj,
		.tenant = tenant,
		.result = AUDIT_R_OK,
	};
	return audit_append(NULL, s, ac, &r, e);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_check(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct arena *a = arena_new(0);
		struct forms_def *d;
		if (check_file(&d, a, argv[i]) == CLI_OK)
			printf("%s\tok\t%s\n", argv[i], d->id);
		else
			bad = 1;
		arena_free(a);
	}
	return bad ? CLI_FAILED : CLI_OK;
}

/* load: publish dir's definitions on the store given (the demo's), or on
 * db opened here; quiet: no line per procedure */
static int cmd_load(struct store *given, const char *db, const char *tenant, const char *dir,
		    int quiet)
{
	struct err e;
	DIR *dh = opendir(dir);
	if (!dh) {
		err_set(&e, ERR_IO, "cannot open directory %s", dir);
		return cli_error(&e, "ディレクトリを開けません", "cannot open the directory");
	}
	char **names = calloc(MAX_FILES, sizeof *names);
	int n = 0, rc = CLI_OK;
	struct dirent *de;
	while (names && (de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || de->d_name[0] == '.' || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		if (n >= MAX_FILES) {
			rc = cli_error(NULL, "ファイルが多すぎます", "too many files");
			break;
		}
		size_t pl = strlen(dir) + l + 2;
		names[n] = malloc(pl);
		if (!names[n])
			break;
		snprintf(names[n], pl, "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(dh);
	if (!names)
		return cli_error(NULL, "メモリが足りません", "out of memory");
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	struct arena *a = arena_new(0);
	struct forms_def **defs = calloc((size_t)n + 1, sizeof *defs);
	/* all or nothing: check every file before publishing any */
	for (int i = 0; rc == CLI_OK && i < n; i++) {
		if (check_file(&defs[i], a, names[i]) != CLI_OK)
			rc = CLI_FAILED;
		for (int j = 0; rc == CLI_OK && j < i; j++)
			if (strcmp(defs[j]->id, defs[i]->id) == 0) {
				fprintf(stderr, "madoguchi: 手続IDが重複しています / duplicate procedure id"
					" %s in %s and %s\n", defs[i]->id, names[j], names[i]);
				rc = CLI_FAILED;
			}
	}
	struct store *s = given;
	if (rc == CLI_OK && n == 0)
		rc = cli_error(NULL, "手続定義がありません", "no *.json definitions in the directory");
	if (rc == CLI_OK && !given && store_open(&s, db, &e) != 0)
		rc = cli_error(&e, "データベースに接続できません", "cannot open the database");
	if (rc == CLI_OK && !given && app_migrate(s, NULL, &e) != 0)
		rc = cli_error(&e, "スキーマを更新できません", "cannot migrate the schema");
	struct audit_key key;
	struct audit_config ac = { 0 };
	const char *hex = getenv("MADOGUCHI_AUDIT_KEY");
	if (rc == CLI_OK && hex && *hex) {
		if (audit_key_from_hex(&key, hex, &e) != 0)
			rc = cli_error(&e, "監査鍵を読めません", "bad MADOGUCHI_AUDIT_KEY");
		else
			ac.key = &key;
	}
	struct forms_publish_hook hook = { audit_publish, &ac };
	/* each procedure also goes into the full-text search (the projection
	 * in the database; every server's index catches up from its log) */
	struct search *sr = NULL;
	if (rc == CLI_OK && search_open(&sr, s, ":memory:", NULL, &e) != 0)
		rc = cli_error(&e, "検索索引を開けません", "cannot open the search index");
	/* all or nothing: every procedure's department must reach someone
	 * (procedures_check_routed) before any is published */
	for (int i = 0; rc == CLI_OK && i < n; i++) {
		int c = procedures_check_routed(s, tenant, defs[i], &e);
		if (c == ERR_DENIED) {
			fprintf(stderr, "madoguchi: %s: 担当課「%s」の申請を読める職員がいないため、"
				"公開しません（何も公開していません）。先に部署の受付一覧を担当するロールを"
				"職員に付けてください（madoguchi department）/ not published: no staff can read"
				" the applications of department \"%s\" (nothing was published); give a role"
				" owning its inbox to staff first (madoguchi department)\n",
				names[i], defs[i]->department, defs[i]->department);
			rc = CLI_FAILED;
		} else if (c == ERR_NOTFOUND) {
			rc = cli_error(&e, "自治体が登録されていません", "no such municipality");
		} else if (c) {
			rc = cli_error(&e, "部署を確認できません", "cannot check the department");
		}
	}
	int added = 0;
	for (int i = 0; rc == CLI_OK && i < n; i++) {
		int v, created;
		struct procedures_publish_req pr = { .tenant = tenant, .d = defs[i], .hook = &hook };
		if (procedures_publish(&v, &created, s, &pr, &e) != 0) {
			rc = cli_error(&e, e.code == ERR_NOTFOUND ? "自治体が登録されていません"
								  : "手続を公開できません",
				       e.code == ERR_NOTFOUND ? "no such municipality"
							      : "cannot publish the procedure");
			break;
		}
		if (procedures_index(sr, tenant, defs[i], &e) != 0) {
			rc = cli_error(&e, "手続を検索索引に登録できません",
				       "cannot put the procedure into the search index");
			break;
		}
		if (!quiet)
			printf("%s\tv%d\t%s\n", defs[i]->id, v, created ? "new" : "unchanged");
		added += created;
	}
	search_close(sr);
	if (ac.key)
		audit_key_wipe(&key);
	if (rc == CLI_OK)
		fprintf(stderr, "madoguchi: %d件中%d件を新しい版として公開しました /"
			" %d of %d published as new versions\n", n, added, added, n);
	if (!given)
		store_close(s);
	arena_free(a);
	free(defs);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int procedures_demo_load(struct store *s, const char *tenant, const char *dir, struct err *e)
{
	if (cmd_load(s, NULL, tenant, dir, 1) != CLI_OK)
		return err_set(e, ERR_INVALID, "the procedures of %s were not published", dir);
	return 0;
}

int cli_procedure(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(sub, "list") != 0 && strcmp(sub, "load") != 0) {
		fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown subcommand: %s\n", sub);
		usage(stderr);
		return CLI_USAGE;
	}
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL } };
	const int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[1] = { NULL };
	int npos = opts_parse(o, no, argc - 1, argv + 1, pos, 1);
	if (npos < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	if (!db) {
		fprintf(stderr, "madoguchi: --db が必要です / --db is required\n");
		return CLI_USAGE;
	}
	if (strcmp(sub, "load") == 0) {
		if (!tenant || npos != 1) {
			usage(stderr);
			return CLI_USAGE;
		}
		return cmd_load(NULL, db, tenant, pos[0], 0);
	}
	if (npos != 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct err e;
	struct store *s;
	if (store_open(&s, db, &e) != 0)
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	int rc = app_migrate(s, NULL, &e);
	if (rc == 0)
		rc = forms_list(s, tenant, print_row, NULL, &e);
	store_close(s);
	if (rc < 0)
		return cli_error(&e, "手続の一覧を取得できません", "cannot list procedures");
	return CLI_OK;
}
