/*
 * cli.c -- `madoguchi booking`: facilities from and to CSV, the rules
 * text, lottery rounds (make, list, the public value, draw), and
 * `redraw`: a round drawn again from its published inputs, printed, and
 * compared byte for byte with the stored result (exit 0 when identical,
 * 1 when not).  `redraw --inputs FILE` draws from a published inputs
 * file alone, with no database: what anyone can run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "svc/booking/booking.h"

int cli_booking(int argc, char **argv);

static void usage(FILE *f)
{
	fputs("usage: madoguchi booking import --db URL --tenant CODE FILE.csv\n"
	      "       madoguchi booking export --db URL --tenant CODE\n"
	      "       madoguchi booking rules --db URL --tenant CODE [--set FILE]\n"
	      "       madoguchi booking rules --check FILE | --default\n"
	      "       madoguchi booking rounds --db URL --tenant CODE [--make KIND --month YYYYMM]\n"
	      "       madoguchi booking public --db URL --tenant CODE ROUND VALUE\n"
	      "       madoguchi booking draw --db URL --tenant CODE ROUND\n"
	      "       madoguchi booking redraw --db URL --tenant CODE ROUND\n"
	      "       madoguchi booking redraw --inputs FILE\n"
	      "\n"
	      "import  facilities, rooms, time bands and fees from CSV (UTF-8 or CP932).\n"
	      "        施設・部屋・時間帯・料金を CSV から取り込みます。\n"
	      "export  the facilities as CSV (UTF-8 with BOM).  施設を CSV で書き出します。\n"
	      "rules   print the rules text, or save one (--set), check a file, print the default.\n"
	      "        利用規則（抽選・先着・キャンセル）を表示・保存・検査します。\n"
	      "rounds  list lottery rounds, or make a kind's rounds for a month of use.\n"
	      "        抽選回の一覧、または利用月の抽選回を作ります。\n"
	      "public  enter a round's public value (after entries close, before the draw).\n"
	      "        抽選の公開値を入力します（受付終了後・抽選前）。\n"
	      "draw    draw a round whose time has come.  抽選時刻を過ぎた回を抽選します。\n"
	      "redraw  draw again from the published inputs and compare with the stored result\n"
	      "        (exit 0: identical).  公開された入力から抽選をやり直し、結果と照合します。\n", f);
}

static int read_file(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *b = malloc(max + 1);
	size_t n = b ? fread(b, 1, max + 1, f) : 0;
	fclose(f);
	if (!b || n > max) {
		free(b);
		return -1;
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

static int cant_read(const char *path)
{
	fprintf(stderr, "madoguchi: ファイルを読めません / cannot read the file: %s\n", path ? path : "(none)");
	return CLI_USAGE;
}

static int audit_cli(struct store *s, const char *tenant, const char *action, const char *type, const char *id,
		     struct err *e)
{
	struct app_actor a = { 0 };
	snprintf(a.login, sizeof a.login, "(cli)");
	snprintf(a.tenant, sizeof a.tenant, "%s", tenant);
	return app_audit_as(s, NULL, &a,
			    &(struct app_audit_entry){ .action = action, .object_type = type, .object_id = id,
						       .result = AUDIT_R_OK }, e);
}

static int do_import(struct store *s, const char *tenant, const char *path)
{
	char *data = NULL;
	size_t n = 0;
	if (!path || read_file(&data, &n, path, BOOKING_CSV_MAX))
		return cant_read(path);
	struct err e;
	err_clear(&e);
	int nfac = 0;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = booking_csv_import(s, tenant, data, n, &nfac, &e);
	if (rc == 0)
		rc = audit_cli(s, tenant, "booking.facilities_imported", "booking_facilities", "csv", &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	free(data);
	if (rc)
		return cli_error(&e, "施設の CSV を取り込めませんでした", "the facilities CSV was not imported");
	printf("facilities %d\n", nfac);
	return CLI_OK;
}

static int do_export(struct store *s, const char *tenant)
{
	struct buf b;
	buf_init(&b, BOOKING_CSV_MAX * 2);
	struct err e;
	err_clear(&e);
	int rc = booking_csv_export(&b, s, tenant, &e);
	if (rc == 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_done(&b);
	return rc ? cli_error(&e, "施設を書き出せませんでした", "the facilities were not exported") : CLI_OK;
}

static int do_rules(struct store *s, const char *tenant, const char *set)
{
	struct err e;
	err_clear(&e);
	if (set) {
		char *data = NULL;
		size_t n = 0;
		if (read_file(&data, &n, set, BOOKING_RULES_MAX))
			return cant_read(set);
		int rc = store_begin(s, &e);
		if (rc == 0)
			rc = booking_rules_save(s, tenant, data, 0, app_now(), &e);
		if (rc == 0)
			rc = audit_cli(s, tenant, "booking.rules_saved", "booking_rules", tenant, &e);
		if (rc == 0)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
		free(data);
		if (rc)
			return cli_error(&e, "利用規則を保存できませんでした", "the rules were not saved");
		printf("saved\n");
		return CLI_OK;
	}
	char *text = NULL;
	if (booking_rules_text(&text, s, tenant, &e))
		return cli_error(&e, "利用規則を読めません", "cannot read the rules");
	fputs(text, stdout);
	free(text);
	return CLI_OK;
}

static int do_check(const char *path)
{
	char *data = NULL;
	size_t n = 0;
	if (read_file(&data, &n, path, BOOKING_RULES_MAX))
		return cant_read(path);
	struct booking_rules *r = malloc(sizeof *r);
	struct err e;
	err_clear(&e);
	int rc = r ? booking_rules_parse(r, data, n, &e) : err_set(&e, ERR_NOMEM, "rules");
	if (rc == 0)
		for (int i = 0; i < r->nkinds; i++)
			printf("%s\t%s\trounds %d\n", r->kinds[i].kind, r->kinds[i].name_ja, r->kinds[i].nrounds);
	free(r);
	free(data);
	return rc ? cli_error(&e, "利用規則が正しくありません", "the rules are not valid") : CLI_OK;
}

static int print_round(void *arg, const struct booking_round *r)
{
	(void)arg;
	char from[JP_JST_FORMAT_SIZE], to[JP_JST_FORMAT_SIZE], draw[JP_JST_FORMAT_SIZE];
	printf("%lld\t%s\t%d\t%d\t%s\tentries %s..%s\tdraw %s\t%s\tentries %d\twins %d\t%s\n", (long long)r->id,
	       r->kind, r->month, r->seq, r->name_ja, jp_jst_format(from, sizeof from, r->entry_from),
	       jp_jst_format(to, sizeof to, r->entry_to), jp_jst_format(draw, sizeof draw, r->draw_at),
	       r->state == BOOKING_ROUND_DRAWN ? "drawn" : "open", r->nentries, r->nwins,
	       r->result_hash[0] ? r->result_hash : "-");
	return 0;
}

static int do_rounds(struct store *s, const char *tenant, const char *make, const char *month)
{
	struct err e;
	err_clear(&e);
	if (make) {
		int64_t m = 0;
		if (!month || parse_i64(&m, month, 200001, 209912)) {
			usage(stderr);
			return CLI_USAGE;
		}
		struct booking_rules *rules = malloc(sizeof *rules);
		const struct booking_rule *rule = NULL;
		int n = 0;
		int rc = rules ? booking_rules_load(rules, s, tenant, &e) : err_set(&e, ERR_NOMEM, "rules");
		if (rc == 0 && !(rule = booking_rule_find(rules, make)))
			rc = err_set(&e, ERR_NOTFOUND, "no rules for kind %s", make);
		if (rc == 0)
			rc = booking_rounds_make(&n, s, tenant, rule, (int)m, &e);
		free(rules);
		if (rc)
			return cli_error(&e, "抽選回を作れませんでした", "the rounds were not made");
	}
	int rc = booking_rounds_each(s, tenant, print_round, NULL, &e);
	return rc ? cli_error(&e, "抽選回を読めません", "cannot read the rounds") : CLI_OK;
}

static int round_arg(int64_t *id, const char *s)
{
	if (!s || parse_i64(id, s, 1, INT64_MAX)) {
		fprintf(stderr, "madoguchi: ROUND は抽選回の番号です / ROUND is a round's number\n");
		return CLI_USAGE;
	}
	return 0;
}

static int do_public(struct store *s, const char *tenant, int64_t id, const char *value)
{
	struct err e;
	err_clear(&e);
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = booking_round_public(s, tenant, id, value, app_now(), &e);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (rc == 0)
		rc = audit_cli(s, tenant, "booking.round_public", "booking_round", ids, &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	return rc ? cli_error(&e, "公開値を入力できませんでした", "the public value was not entered") : CLI_OK;
}

static int do_draw(struct store *s, const char *tenant, int64_t id)
{
	struct err e;
	err_clear(&e);
	struct booking_round r;
	int rc = booking_round_draw(&r, s, tenant, id, app_now(), &e);
	if (rc)
		return cli_error(&e, "抽選できませんでした", "the round was not drawn");
	printf("drawn\twins %d\t%s\n", r.nwins, r.result_hash);
	/* the command has no mail links of the server's; the job and the
	 * staff page tell the entrants of the rounds they draw */
	fprintf(stderr, "madoguchi: 抽選結果は申込者に通知されていません（通知するには職員画面か定時のジョブで抽選します）"
			" / the entrants were not told: a draw by the staff page or the job tells them\n");
	return CLI_OK;
}

static int do_redraw(struct store *s, const char *tenant, int64_t id)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	struct err e;
	err_clear(&e);
	int rc = booking_redraw(&b, s, tenant, id, &e);
	if (b.len)
		fwrite(b.data, 1, b.len, stdout);
	buf_done(&b);
	if (rc == ERR_CONFLICT) {
		fprintf(stderr, "madoguchi: 抽選結果が一致しません / the result differs: %s\n", e.detail);
		return 1;
	}
	return rc ? cli_error(&e, "抽選をやり直せませんでした", "the draw could not be re-run") : CLI_OK;
}

/* from a published inputs file alone: print the result text and its hash */
static int do_redraw_file(const char *path)
{
	char *data = NULL;
	size_t n = 0;
	if (read_file(&data, &n, path, 64u << 20))
		return cant_read(path);
	struct booking_draw_in in;
	struct booking_draw_out o;
	memset(&in, 0, sizeof in);
	memset(&o, 0, sizeof o);
	struct err e;
	err_clear(&e);
	/* a whole result text may be given: its inputs are before the seed */
	char *seed = strstr(data, "\nseed ");
	size_t len = seed ? (size_t)(seed - data) + 1 : n;
	struct buf b;
	buf_init(&b, 64u << 20);
	char hash[BOOKING_SEED_HEX];
	int rc = booking_draw_inputs_parse(&in, data, len, &e);
	if (rc == 0)
		rc = booking_draw(&o, &in, &e);
	if (rc == 0 && booking_draw_text(&b, &in, &o, hash))
		rc = err_set(&e, ERR_NOMEM, "redraw");
	if (rc == 0) {
		fwrite(b.data, 1, b.len, stdout);
		printf("sha256 %s\n", hash);
	}
	int same = rc == 0 && seed && n == b.len && !memcmp(data, b.data, n);
	buf_done(&b);
	booking_draw_out_free(&o);
	booking_draw_in_free(&in);
	free(data);
	if (rc)
		return cli_error(&e, "入力ファイルが正しくありません", "the inputs file is not valid");
	if (seed && !same) {
		fprintf(stderr, "madoguchi: 抽選結果が一致しません / the result differs from the file's\n");
		return 1;
	}
	return CLI_OK;
}

int cli_booking(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *cmd = argv[1];
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "set", 1, NULL }, { "check", 1, NULL },
			   { "default", 0, NULL }, { "make", 1, NULL }, { "month", 1, NULL }, { "inputs", 1, NULL },
			   { "help", 0, NULL } };
	int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[4];
	int np = opts_parse(o, no, argc - 1, argv + 1, pos, 4);
	if (np < 0)
		return CLI_USAGE;
	if (opts_get(o, no, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(cmd, "rules") && opts_get(o, no, "default")) {
		fputs(booking_rules_default, stdout);
		return CLI_OK;
	}
	if (!strcmp(cmd, "rules") && opts_get(o, no, "check"))
		return do_check(opts_get(o, no, "check"));
	if (!strcmp(cmd, "redraw") && opts_get(o, no, "inputs"))
		return np == 0 ? do_redraw_file(opts_get(o, no, "inputs")) : (usage(stderr), CLI_USAGE);
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	int want = !strcmp(cmd, "import") ? 1 : !strcmp(cmd, "public") ? 2
		 : !strcmp(cmd, "draw") || !strcmp(cmd, "redraw") ? 1 : 0;
	int known = !strcmp(cmd, "import") || !strcmp(cmd, "export") || !strcmp(cmd, "rules") ||
		    !strcmp(cmd, "rounds") || !strcmp(cmd, "public") || !strcmp(cmd, "draw") || !strcmp(cmd, "redraw");
	if (!db || !tenant || !known || np != want) {
		usage(stderr);
		return CLI_USAGE;
	}
	int64_t id = 0;
	if ((!strcmp(cmd, "public") || !strcmp(cmd, "draw") || !strcmp(cmd, "redraw")) && round_arg(&id, pos[0]))
		return CLI_USAGE;
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースを開けません", "cannot open the database");
	if (app_migrate(s, NULL, &e)) {
		store_close(s);
		return cli_error(&e, "データベースを更新できません", "cannot migrate the database");
	}
	int rc;
	if (!strcmp(cmd, "import"))
		rc = do_import(s, tenant, pos[0]);
	else if (!strcmp(cmd, "export"))
		rc = do_export(s, tenant);
	else if (!strcmp(cmd, "rules"))
		rc = do_rules(s, tenant, opts_get(o, no, "set"));
	else if (!strcmp(cmd, "rounds"))
		rc = do_rounds(s, tenant, opts_get(o, no, "make"), opts_get(o, no, "month"));
	else if (!strcmp(cmd, "public"))
		rc = do_public(s, tenant, id, pos[1]);
	else if (!strcmp(cmd, "draw"))
		rc = do_draw(s, tenant, id);
	else
		rc = do_redraw(s, tenant, id);
	store_close(s);
	return rc;
}
