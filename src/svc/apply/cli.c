/*
 * cli_submission.c -- `madoguchi submission`: enter an application on a
 * resident's behalf (a paper form typed in, a migration, a test) and list
 * a municipality's submissions, through src/svc/apply like the web pages.
 *
 *   madoguchi submission submit --db URL --tenant CODE --procedure ID
 *                               --resident-email ADDRESS
 *                               [--received-on YYYY-MM-DD] [--json]
 *                               ANSWERS.json [FIELD=PATH ...]
 *   madoguchi submission list --db URL --tenant CODE [--procedure ID]
 *                             [--status STATE] [--json]
 *
 * ANSWERS.json is the answers object keyed by field id, or an object
 * {"answers": {...}, "sources": {...}} whose sources say where prefilled
 * answers came from (field id -> "juki", "previous_submission", ...).
 * Each FIELD=PATH uploads PATH as the answer to the file field FIELD
 * (checked by content like an upload from the browser).  The resident
 * account must exist (registered with that e-mail address).
 * --received-on dates the submission (09:00 Japan time that day) for a
 * paper form received earlier; its due date follows from it.
 *
 * Output: `submit` prints "RECEIPT<TAB>ID" (or one JSON object); an
 * answer that does not validate prints each error's field path and code
 * and exits 1, submitting nothing.  `list` prints one line per
 * submission, newest first: id, receipt, procedure, version, department,
 * status, submitted (Japan time), tab-separated (or JSON lines).  Each
 * submission is recorded in the audit trail (actor "(cli)", action
 * application.submit, object the receipt; signed checkpoints with
 * $MADOGUCHI_AUDIT_KEY when set).  No answer, name or address is ever
 * printed by `list` or in a message.
 *
 * Limits: the answers file FORMS_ANSWERS_MAX_BYTES, at most
 * APPLY_MAX_FILES files of APPLY_FILE_MAX bytes each, `list` at most
 * LIST_MAX rows.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/app.h"
#include "svc/apply/apply.h"
#include "core/audit/audit.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/forms/forms.h"
#include "jp/date.h"

#define LIST_MAX 100000

static void usage(FILE *f)
{
	fputs("usage: madoguchi submission submit --db URL --tenant CODE --procedure ID\n"
	      "                                   --resident-email ADDRESS\n"
	      "                                   [--received-on YYYY-MM-DD] [--json]\n"
	      "                                   ANSWERS.json [FIELD=PATH ...]\n"
	      "       madoguchi submission list --db URL --tenant CODE [--procedure ID]\n"
	      "                                 [--status STATE] [--json]\n"
	      "\n"
	      "submit  enter an application for a registered resident.  住民に代わって申請を登録します。\n"
	      "list    the municipality's submissions, newest first.  申請の一覧を表示します。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

/* a whole file into memory (at most max bytes) */
static int slurp(char **out, size_t *n, const char *path, size_t max, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "cannot open a file given on the command line");
	struct buf b;
	buf_init(&b, max + 1);
	char tmp[65536];
	size_t k;
	int rc = 0;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		if (buf_append(&b, tmp, k)) {
			rc = err_set(e, ERR_LIMIT, "a file is larger than %zu bytes", max);
			break;
		}
	fclose(f);
	if (rc == 0 && b.len > max)
		rc = err_set(e, ERR_LIMIT, "a file is larger than %zu bytes", max);
	if (rc) {
		buf_done(&b);
		return rc;
	}
	*n = b.len;
	*out = buf_steal(&b);
	if (!*out)
		*out = calloc(1, 1);
	return *out ? 0 : ERR_NOMEM;
}

static int resident_by_email(int64_t *id, struct store *s, const char *tenant,
			     const char *email, struct err *e)
{
	return auth_resident_find(id, s, tenant, email, e);
}

static struct audit_key audit_key_buf;

static int audit_config_env(struct audit_config *ac, struct err *e)
{
	memset(ac, 0, sizeof *ac);
	const char *hex = getenv("MADOGUCHI_AUDIT_KEY");
	if (hex && *hex) {
		int rc = audit_key_from_hex(&audit_key_buf, hex, e);
		if (rc)
			return rc;
		ac->key = &audit_key_buf;
	}
	return 0;
}

static int do_submit(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "procedure", 1, NULL },
			   { "resident-email", 1, NULL }, { "received-on", 1, NULL },
			   { "json", 0, NULL }, { "help", 0, NULL } };
	int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[APPLY_MAX_FILES + 1];
	int npos = opts_parse(o, no, argc, argv, pos, APPLY_MAX_FILES + 1);
	if (npos < 0 || opts_get(o, no, "help")) {
		usage(npos < 0 ? stderr : stdout);
		return npos < 0 ? CLI_USAGE : CLI_OK;
	}
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	const char *proc = opts_get(o, no, "procedure"), *email = opts_get(o, no, "resident-email");
	if (!db || !tenant || !proc || !email || npos < 1) {
		usage(stderr);
		return CLI_USAGE;
	}
	int64_t now = app_now();
	if (opts_get(o, no, "received-on")) {
		struct jp_date d;
		if (jp_date_parse_iso(&d, opts_get(o, no, "received-on"), NULL))
			return cli_error(NULL, "--received-on は YYYY-MM-DD です",
					 "--received-on must be YYYY-MM-DD");
		now = (int64_t)jp_date_to_days(d) * 86400; /* 09:00 JST = 00:00 UTC */
	}
	struct err e;
	err_clear(&e);
	char *text = NULL;
	size_t tlen = 0;
	if (slurp(&text, &tlen, pos[0], FORMS_ANSWERS_MAX_BYTES, &e))
		return cli_error(&e, "回答ファイルを読めません", "cannot read the answers file");
	json_error_t je;
	json_t *doc = json_loadb(text, tlen, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return cli_error(NULL, "回答ファイルは JSON オブジェクトです",
				 "the answers file must hold a JSON object");
	}
	json_t *answers = json_object_get(doc, "answers");
	json_t *sources = json_object_get(doc, "sources");
	if (!json_is_object(answers)) {
		answers = doc;
		sources = NULL;
	}
	struct store *s = NULL;
	struct arena *a = arena_new(256u << 20);
	int rc = CLI_OK;
	if (!a)
		rc = cli_error(NULL, "メモリが足りません", "out of memory");
	if (rc == CLI_OK && store_open(&s, db, &e))
		rc = cli_error(&e, "データベースに接続できません", "cannot open the database");
	if (rc == CLI_OK && app_migrate(s, NULL, &e))
		rc = cli_error(&e, "スキーマを更新できません", "cannot migrate the schema");
	int64_t rid = 0;
	if (rc == CLI_OK && resident_by_email(&rid, s, tenant, email, &e))
		rc = cli_error(&e, "その住民アカウントがありません",
			       "no resident account with that e-mail address");
	struct apply_actor who = { .kind = APPLY_RESIDENT, .id = rid, .tenant = tenant };
	struct forms_def *d = NULL;
	if (rc == CLI_OK && forms_load_version(&d, NULL, a, s,
					       &(struct forms_ref){ .tenant = tenant, .id = proc,
								    .version = 0 }, &e))
		rc = cli_error(&e, "手続が公開されていません", "the procedure is not published");
	for (int i = 1; rc == CLI_OK && i < npos; i++) {
		const char *eq = strchr(pos[i], '=');
		char field[FORMS_ID_MAX + 1];
		if (!eq || (size_t)(eq - pos[i]) > FORMS_ID_MAX) {
			rc = cli_error(NULL, "添付は FIELD=PATH で指定します", "attachments are FIELD=PATH");
			break;
		}
		memcpy(field, pos[i], (size_t)(eq - pos[i]));
		field[eq - pos[i]] = '\0';
		const struct forms_field *f = forms_def_field(d, field);
		if (!f || f->type != FORMS_T_FILE) {
			rc = cli_error(NULL, "添付ファイルの項目ではありません", "not a file field of the procedure");
			break;
		}
		char *data = NULL;
		size_t n = 0;
		if (slurp(&data, &n, eq + 1, APPLY_FILE_MAX, &e)) {
			rc = cli_error(&e, "添付ファイルを読めません", "cannot read an attachment");
			break;
		}
		const char *base = strrchr(eq + 1, '/');
		json_t *meta = NULL;
		int frc = apply_file_put(&meta, s, &who,
					 &(struct apply_file_in){ .field = f,
								  .name = base ? base + 1 : eq + 1,
								  .data = data, .n = n },
					 now, &e);
		free(data);
		if (frc) {
			rc = cli_error(&e, "添付ファイルを受け付けられません", "the attachment was refused");
			break;
		}
		json_object_set_new(answers, field, meta);
	}
	int64_t draft = 0;
	if (rc == CLI_OK && apply_draft_create(&draft, s, &who,
					       &(struct apply_draft_start){ .procedure = proc,
									    .sources = sources },
					       now, &e))
		rc = cli_error(&e, "下書きを作成できません", "cannot create the draft");
	if (rc == CLI_OK && apply_draft_save(s, &who, draft, answers, 0, now, &e))
		rc = cli_error(&e, "回答を保存できません", "cannot save the answers");
	struct apply_submit_result sr;
	memset(&sr, 0, sizeof sr);
	struct apply_submission *sub = &sr.sub;
	struct forms_result *res = &sr.check;
	if (rc == CLI_OK) {
		/* the sources are the operator's statement (a paper form typed
		 * in); waivers and read-only registry answers are still checked
		 * against the resident's record by src/svc/apply */
		int src = apply_submit(&sr, a, s, &who,
				       &(struct apply_draft_submit){ .draft_id = draft,
								     .opts.operator_sources = 1 },
				       now, &e);
		if (src == ERR_INVALID && res->nerrors > 0) {
			for (int i = 0; i < res->nerrors; i++)
				fprintf(stderr, "  %s: %s (%s)\n", res->errors[i].path[0] ? res->errors[i].path : "-",
					res->errors[i].code, res->errors[i].en);
			apply_draft_delete(s, &who, draft, NULL);
			rc = cli_error(NULL, "回答に誤りがあります", "the answers do not validate");
		} else if (src) {
			apply_draft_delete(s, &who, draft, NULL);
			rc = cli_error(&e, "申請できません", "cannot submit");
		}
	}
	if (rc == CLI_OK) {
		struct audit_config ac;
		struct audit_record ar = {
			.actor_login = "(cli)", .action = "application.submit",
			.object_type = "submission", .object_id = sub->receipt,
			.tenant = tenant, .result = AUDIT_R_OK,
		};
		if (audit_config_env(&ac, &e) == 0 && store_begin(s, &e) == 0) {
			if (audit_append(NULL, s, &ac, &ar, &e) == 0)
				store_commit(s, &e);
			else
				store_rollback(s);
		}
		if (e.code)
			fprintf(stderr, "madoguchi: 監査記録を書けませんでした / audit record not written: %s\n",
				e.detail);
		if (opts_get(o, no, "json"))
			printf("{\"id\":%lld,\"receipt\":\"%s\",\"status\":\"%s\",\"department\":\"%s\",\"duplicate_of\":%lld}\n",
			       (long long)sub->id, sub->receipt, sub->status, sub->department,
			       (long long)sub->duplicate_of);
		else
			printf("%s\t%lld\n", sub->receipt, (long long)sub->id);
	}
	json_decref(doc);
	store_close(s);
	arena_free(a);
	return rc;
}

static int do_list(int argc, char **argv)
{
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "procedure", 1, NULL },
			   { "status", 1, NULL }, { "json", 0, NULL }, { "help", 0, NULL } };
	int no = (int)(sizeof o / sizeof o[0]);
	int npos = opts_parse(o, no, argc, argv, NULL, 0);
	if (npos < 0 || opts_get(o, no, "help")) {
		usage(npos < 0 ? stderr : stdout);
		return npos < 0 ? CLI_USAGE : CLI_OK;
	}
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	if (!db || !tenant) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct err e;
	err_clear(&e);
	struct store *s;
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	/* the operator sees every department of the tenant: the system actor */
	struct apply_actor who = { .kind = APPLY_SYSTEM, .id = 0, .tenant = tenant,
				   .depts = NULL, .ndepts = -1 };
	struct apply_filter f = { .procedure = opts_get(o, no, "procedure"),
				  .status = opts_get(o, no, "status"), .assignee = -1,
				  .now = app_now(), .limit = APPLY_PAGE_MAX };
	int rc = CLI_OK;
	long total = 0;
	for (;;) {
		struct arena *a = arena_new(64u << 20);
		struct apply_submission *rows = NULL;
		int n = 0;
		if (!a || apply_list(&rows, &n, a, s, &who, &f, &e)) {
			arena_free(a);
			rc = cli_error(&e, "一覧を取得できません", "cannot list the submissions");
			break;
		}
		for (int i = 0; i < n && total < LIST_MAX; i++, total++) {
			struct tm tm;
			char when[32];
			jp_jst_tm(&tm, rows[i].submitted_at);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
			if (opts_get(o, no, "json"))
				printf("{\"id\":%lld,\"receipt\":\"%s\",\"procedure\":\"%s\",\"version\":%d,"
				       "\"department\":\"%s\",\"status\":\"%s\",\"submitted_at\":\"%s\","
				       "\"assignee\":%lld,\"duplicate_of\":%lld,\"revision\":%d}\n",
				       (long long)rows[i].id, rows[i].receipt, rows[i].procedure,
				       rows[i].version, rows[i].department, rows[i].status, when,
				       (long long)rows[i].assignee, (long long)rows[i].duplicate_of,
				       rows[i].revision);
			else
				printf("%lld\t%s\t%s\t%d\t%s\t%s\t%s\n", (long long)rows[i].id,
				       rows[i].receipt, rows[i].procedure, rows[i].version,
				       rows[i].department, rows[i].status, when);
		}
		int64_t last = n ? rows[n - 1].id : 0;
		arena_free(a);
		if (n < f.limit || total >= LIST_MAX)
			break;
		f.after_id = last;
	}
	store_close(s);
	return rc;
}

int cli_submission(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "submit") == 0)
		return do_submit(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return do_list(argc - 1, argv + 1);
	usage(stderr);
	return CLI_USAGE;
}
