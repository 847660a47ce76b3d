/*
 * cli.c -- `madoguchi payments`: the payments service from the shell.
 *
 *   create    --service S --key K --amount YEN --reference R --description D
 *             [--account ID] [--return PATH] [--due YYYY-MM-DD]
 *             a payment (idempotent by service and key); prints its number
 *   show      NUMBER: its state, method, numbers and history
 *   import    --kind konbini|payeasy [--final] FILE: a result file
 *   statement --method M [--day YYYY-MM-DD]: the daily statement
 *   expire    payments past their due day expire
 *   rails     the municipality's codes; with --payeasy-biller,
 *             --konbini-biller and --konbini-agent, sets them
 *
 * Every command takes --db URL (or MADOGUCHI_DB) and --tenant CODE.
 * Changes are audited with the actor "(cli)", like every other way in.
 */
#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "jp/date.h"
#include "svc/payments/payments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_payments(int argc, char **argv);

/* the rails' codes the demo uses (service.c; a deployment passes its own) */
static const struct pay_rails demo_rails = { "99998", "999980", "00001" };

static void usage(FILE *f)
{
	fputs("usage: madoguchi payments create --db URL --tenant CODE --service S --key K --amount YEN\n"
	      "                                 --reference R --description TEXT [--account ID]\n"
	      "                                 [--return PATH] [--due YYYY-MM-DD]\n"
	      "       madoguchi payments show --db URL --tenant CODE NUMBER\n"
	      "       madoguchi payments import --db URL --tenant CODE --kind konbini|payeasy [--final] FILE\n"
	      "       madoguchi payments statement --db URL --tenant CODE --method M [--day YYYY-MM-DD]\n"
	      "       madoguchi payments expire --db URL\n"
	      "       madoguchi payments rails --db URL --tenant CODE [--payeasy-biller N --konbini-biller N\n"
	      "                                --konbini-agent N]\n"
	      "\n"
	      "create     支払いを作ります（同じ service と key なら同じ支払い）/ a payment (idempotent)\n"
	      "show       支払いの状態と履歴 / a payment's state and history\n"
	      "import     コンビニ・ペイジーの結果ファイルを取り込みます / import a result file\n"
	      "statement  日計表 / the daily statement of a method\n"
	      "expire     支払期限を過ぎた支払いを期限切れにします / expire payments past their due day\n"
	      "rails      団体の収納機関番号などを表示・設定します / show or set the municipality's codes\n"
	      "\n"
	      "--payeasy-biller, --konbini-biller, --konbini-agent: with rails, the codes to set (all three);\n"
	      "with import, the codes of a municipality that has not set its own (default: the demo's)\n", f);
}

static const struct pay_actor cli_actor = { .login = "(cli)", .source = "cli" };

static int ev_print(void *arg, const struct pay_event *ev)
{
	(void)arg;
	struct jp_date d = jp_jst_date(ev->at);
	printf("  %04d-%02d-%02d\t%s\t%s\t%s\n", d.y, d.m, d.d, ev->what, ev->actor, ev->detail);
	return 0;
}

static int cmd_create(struct store *s, const char *tenant, const struct opt *o, int no)
{
	const char *amount = opts_get(o, no, "amount"), *account = opts_get(o, no, "account");
	const char *due = opts_get(o, no, "due");
	struct pay_new n = {
		.service = opts_get(o, no, "service"), .key = opts_get(o, no, "key"),
		.reference = opts_get(o, no, "reference"), .description = opts_get(o, no, "description"),
		.return_url = opts_get(o, no, "return") ? opts_get(o, no, "return") : "/mypage",
		.amount_yen = amount ? strtoll(amount, NULL, 10) : 0,
		.account = account ? strtoll(account, NULL, 10) : 0,
	};
	if (due) {
		struct jp_date d;
		if (jp_date_parse_iso(&d, due, NULL)) {
			fprintf(stderr, "madoguchi: --due は YYYY-MM-DD です / --due must be YYYY-MM-DD\n");
			return CLI_USAGE;
		}
		n.due_day = jp_date_to_days(d);
	}
	struct payment p;
	int created;
	struct err e;
	err_clear(&e);
	if (payments_create(&p, &created, s, tenant, &n, app_now(), &cli_actor, &e))
		return cli_error(&e, "支払いを作れませんでした", "the payment was not created");
	printf("%s\t%s\t%lld\n", p.number, created ? "created" : "existing", (long long)p.amount_yen);
	return CLI_OK;
}

static int cmd_show(struct store *s, const char *tenant, const char *number)
{
	struct payment p;
	struct err e;
	err_clear(&e);
	if (payments_get(&p, s, tenant, number, &e))
		return cli_error(&e, "支払いがありません", "no such payment");
	printf("number\t%s\nstate\t%s\nmethod\t%s\namount_yen\t%lld\nservice\t%s\nreference\t%s\n",
	       p.number, payments_state_name(p.state), payments_method_name(p.method), (long long)p.amount_yen,
	       p.service, p.reference);
	if (p.barcode[0])
		printf("barcode\t%s\n", p.barcode);
	if (p.payeasy_confirm[0])
		printf("payeasy\t%s %s %s\n", p.payeasy_biller, p.number, p.payeasy_confirm);
	printf("history\n");
	if (payments_events(s, tenant, number, ev_print, NULL, &e))
		return cli_error(&e, "履歴を読めません", "cannot read the history");
	return CLI_OK;
}

static int cmd_import(struct store *s, const char *tenant, const struct pay_rails *rails, const char *kind,
		      int final, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = f ? malloc(PAY_FILE_MAX + 1) : NULL;
	size_t n = data ? fread(data, 1, PAY_FILE_MAX + 1, f) : 0;
	if (f)
		fclose(f);
	if (!data || n > PAY_FILE_MAX) {
		free(data);
		fprintf(stderr, "madoguchi: ファイルを読めません / cannot read the file: %s\n", path);
		return 1;
	}
	const char *base = strrchr(path, '/');
	struct pay_file pf = { .kind = kind && strcmp(kind, "payeasy") == 0 ? PAY_FILE_PAYEASY : PAY_FILE_KONBINI,
			       .final = final, .name = base ? base + 1 : path, .data = data, .len = n };
	struct pay_import_result res;
	struct err e;
	err_clear(&e);
	int rc = payments_import(&res, s, tenant, &pf, rails, app_now(), &cli_actor, &e);
	free(data);
	if (rc)
		return cli_error(&e, "取り込みませんでした", "not imported");
	printf("lines %d\tapplied %d\tduplicate %d\tunknown %d\tamount %d\n", res.lines, res.applied, res.duplicate,
	       res.unknown, res.amount);
	return CLI_OK;
}

/* the municipality's codes: shown, or set when all three are given */
static int cmd_rails(struct store *s, const char *tenant, const struct pay_rails *fallback,
		     const struct pay_rails *want, int given)
{
	struct err e;
	err_clear(&e);
	if (given == 3) {
		if (payments_rails_set(s, tenant, want, app_now(), &cli_actor, &e))
			return cli_error(&e, "設定できません", "not set");
	} else if (given) {
		fprintf(stderr, "madoguchi: 3 つとも指定してください / give all three: --payeasy-biller,"
			" --konbini-biller, --konbini-agent\n");
		return CLI_USAGE;
	}
	struct pay_rails r;
	int own;
	if (payments_rails_get(&r, &own, s, tenant, fallback, &e))
		return cli_error(&e, "読めません", "cannot read the codes");
	printf("payeasy_biller\t%s\nkonbini_biller\t%s\nkonbini_agent\t%s\nsource\t%s\n", r.payeasy_biller,
	       r.konbini_biller, r.konbini_agent, own ? "municipality" : "server");
	return CLI_OK;
}

static int cmd_statement(struct store *s, const char *tenant, const char *method, const char *day)
{
	enum pay_method m = payments_method_of(method);
	struct jp_date d = jp_jst_date(app_now());
	if (m == PAY_M_NONE || (day && jp_date_parse_iso(&d, day, NULL))) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct pay_statement st;
	struct err e;
	err_clear(&e);
	if (payments_statement(&st, s, tenant, m, jp_date_to_days(d), &e))
		return cli_error(&e, "日計表を作れません", "cannot make the statement");
	printf("figure\tcount\tyen\n");
	printf("expected\t%lld\t%lld\nnotice\t%lld\t%lld\nfinal\t%lld\t%lld\nsettled\t%lld\t%lld\n"
	       "missing\t%lld\t%lld\nduplicate\t%lld\t%lld\nunknown\t%lld\t%lld\namount\t%lld\t%lld\n"
	       "refunded\t%lld\t%lld\n",
	       (long long)st.expected_n, (long long)st.expected_yen, (long long)st.notice_n, (long long)st.notice_yen,
	       (long long)st.final_n, (long long)st.final_yen, (long long)st.settled_n, (long long)st.settled_yen,
	       (long long)st.missing_n, (long long)st.missing_yen, (long long)st.duplicate_n,
	       (long long)st.duplicate_yen, (long long)st.unknown_n, (long long)st.unknown_yen,
	       (long long)st.amount_n, (long long)st.amount_yen, (long long)st.refunded_n,
	       (long long)st.refunded_yen);
	return CLI_OK;
}

int cli_payments(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	struct opt o[] = {
		{ "db", 1, NULL }, { "tenant", 1, NULL }, { "service", 1, NULL }, { "key", 1, NULL },
		{ "amount", 1, NULL }, { "reference", 1, NULL }, { "description", 1, NULL },
		{ "account", 1, NULL }, { "return", 1, NULL }, { "due", 1, NULL }, { "kind", 1, NULL },
		{ "final", 0, NULL }, { "method", 1, NULL }, { "day", 1, NULL },
		{ "payeasy-biller", 1, NULL }, { "konbini-biller", 1, NULL }, { "konbini-agent", 1, NULL },
		{ "help", 0, NULL },
	};
	int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[2];
	int np = opts_parse(o, no, argc - 1, argv + 1, pos, 2);
	if (np < 0)
		return CLI_USAGE;
	const char *cmd = argv[1], *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	int expire = strcmp(cmd, "expire") == 0;
	if (!db || (!tenant && !expire)) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct pay_rails rails = demo_rails;
	const char *pb = opts_get(o, no, "payeasy-biller"), *kb = opts_get(o, no, "konbini-biller");
	const char *ka = opts_get(o, no, "konbini-agent");
	if (pb)
		snprintf(rails.payeasy_biller, sizeof rails.payeasy_biller, "%s", pb);
	if (kb)
		snprintf(rails.konbini_biller, sizeof rails.konbini_biller, "%s", kb);
	if (ka)
		snprintf(rails.konbini_agent, sizeof rails.konbini_agent, "%s", ka);
	int given = !!pb + !!kb + !!ka;
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
	if (strcmp(cmd, "create") == 0 && np == 0) {
		rc = cmd_create(s, tenant, o, no);
	} else if (strcmp(cmd, "show") == 0 && np == 1) {
		rc = cmd_show(s, tenant, pos[0]);
	} else if (strcmp(cmd, "import") == 0 && np == 1) {
		/* the municipality's own codes, else those given (or the demo's) */
		struct pay_rails mine;
		rc = payments_rails_get(&mine, NULL, s, tenant, &rails, &e)
			? cli_error(&e, "読めません", "cannot read the codes")
			: cmd_import(s, tenant, &mine, opts_get(o, no, "kind"), opts_get(o, no, "final") != NULL, pos[0]);
	} else if (strcmp(cmd, "rails") == 0 && np == 0) {
		/* the codes to set, whole (one too long is refused, not cut) */
		struct pay_rails want = { 0 };
		rc = given == 3 && payments_rails_from(&want, pb, kb, ka, &e)
			? cli_error(&e, "設定できません", "not set")
			: cmd_rails(s, tenant, &rails, &want, given);
	} else if (strcmp(cmd, "statement") == 0 && np == 0) {
		rc = cmd_statement(s, tenant, opts_get(o, no, "method"), opts_get(o, no, "day"));
	} else if (expire && np == 0) {
		int n = payments_expire_due(s, app_now(), &cli_actor, &e);
		rc = n < 0 ? cli_error(&e, "期限切れにできません", "cannot expire") : (printf("expired %d\n", n), CLI_OK);
	} else {
		usage(stderr);
		rc = CLI_USAGE;
	}
	store_close(s);
	return rc;
}
