/*
 * cli_master.c -- `madoguchi waste master import|export`: the item master
 * in the database (master.c) from the command line, for a first import
 * or a scripted one, and a copy of the master in force on a day.
 *
 *   import --db URL --tenant CODE [--from YYYY-MM-DD] [--note TEXT] FILE
 *          a version from FILE (UTF-8 or CP932), in force from --from
 *          (default today, never before); refused whole, with the line of
 *          the first problem; audited (actor "(cli)")
 *   export --db URL --tenant CODE [--day YYYY-MM-DD] [--enc utf8|utf8-bom|cp932]
 *          the master in force on --day (default today) to stdout
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "svc/waste/waste.h"

int cli_waste_master(int argc, char **argv);

static void usage(FILE *f)
{
	fputs("usage: madoguchi waste master import --db URL --tenant CODE [--from YYYY-MM-DD] [--note TEXT] FILE\n"
	      "       madoguchi waste master export --db URL --tenant CODE [--day YYYY-MM-DD]\n"
	      "                                     [--enc utf8|utf8-bom|cp932]\n"
	      "\n"
	      "import  a new version of the item master (CSV, UTF-8 or CP932) from --from (default today).\n"
	      "        品目表の新しい版を取り込みます（--from の日から有効、既定は今日）。\n"
	      "export  the item master in force on --day (default today) to stdout.\n"
	      "        指定日に有効な品目表を標準出力に書き出します。\n", f);
}

static int day_opt(struct jp_date *d, const char *s, const char *name)
{
	if (!s) {
		*d = jp_jst_date(app_now());
		return 0;
	}
	if (jp_date_parse_iso(d, s, NULL)) {
		fprintf(stderr, "madoguchi: %s は YYYY-MM-DD の形で指定してください / %s must be YYYY-MM-DD\n",
			name, name);
		return CLI_USAGE;
	}
	return 0;
}

static int import(struct store *s, const char *tenant, const char *path, struct jp_date from,
		  const char *note)
{
	FILE *f = fopen(path, "rb");
	char *data = f ? malloc(WASTE_MASTER_MAX + 1) : NULL;
	size_t n = data ? fread(data, 1, WASTE_MASTER_MAX + 1, f) : 0;
	if (f)
		fclose(f);
	if (!data || n > WASTE_MASTER_MAX) {
		free(data);
		fprintf(stderr, "madoguchi: 品目表を読めません / cannot read the item master: %s\n", path);
		return 1;
	}
	struct err e;
	err_clear(&e);
	struct waste_version v = { 0 };
	struct waste_master_in in = { .csv = data, .len = n, .from = from, .note = note ? note : "",
				      .login = "(cli)", .now = app_now() };
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = waste_master_add(&v, s, tenant, &in, &e);
	char ver[24];
	snprintf(ver, sizeof ver, "%lld", (long long)v.version);
	struct app_actor a = { 0 };
	snprintf(a.login, sizeof a.login, "(cli)");
	snprintf(a.tenant, sizeof a.tenant, "%s", tenant);
	if (rc == 0)
		rc = app_audit_as(s, NULL, &a,
				  &(struct app_audit_entry){ .action = "waste.master_imported",
							     .object_type = "waste_master", .object_id = ver,
							     .result = AUDIT_R_OK }, &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	free(data);
	if (rc)
		return cli_error(&e, "品目表を取り込めませんでした", "the item master was not imported");
	printf("version %lld\tfrom %04d-%02d-%02d\tcarried into %d scheduled\n", (long long)v.version,
	       from.y, from.m, from.d, v.carried);
	return CLI_OK;
}

static int export(struct store *s, const char *tenant, struct jp_date day, const char *enc)
{
	enum waste_enc en = WASTE_ENC_UTF8;
	if (enc && strcmp(enc, "cp932") == 0)
		en = WASTE_ENC_CP932;
	else if (enc && strcmp(enc, "utf8-bom") == 0)
		en = WASTE_ENC_UTF8_BOM;
	else if (enc && strcmp(enc, "utf8")) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct err e;
	err_clear(&e);
	struct waste_version v;
	struct waste_items *w = NULL;
	char *out = NULL;
	size_t n = 0;
	int rc = waste_master_in_force(&v, &w, s, tenant, day, &e);
	if (rc == 0)
		rc = waste_items_csv(&out, &n, w, en, &e);
	waste_items_free(w);
	if (rc)
		return cli_error(&e, "品目表を書き出せませんでした", "the item master was not exported");
	fwrite(out, 1, n, stdout);
	free(out);
	return CLI_OK;
}

int cli_waste_master(int argc, char **argv)
{
	/* argv[0] "master", argv[1] import|export */
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "from", 1, NULL },
			   { "note", 1, NULL }, { "day", 1, NULL }, { "enc", 1, NULL },
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
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant");
	int imp = strcmp(argv[1], "import") == 0, exp = strcmp(argv[1], "export") == 0;
	if (!db || !tenant || (!imp && !exp) || (imp && np != 1) || (exp && np != 0)) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct jp_date d;
	int rc = day_opt(&d, opts_get(o, no, imp ? "from" : "day"), imp ? "--from" : "--day");
	if (rc)
		return rc;
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースを開けません", "cannot open the database");
	if (app_migrate(s, NULL, &e)) {
		store_close(s);
		return cli_error(&e, "データベースを更新できません", "cannot migrate the database");
	}
	rc = imp ? import(s, tenant, pos[0], d, opts_get(o, no, "note"))
		 : export(s, tenant, d, opts_get(o, no, "enc"));
	store_close(s);
	return rc;
}
