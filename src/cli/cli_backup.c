/*
 * cli_backup.c -- `madoguchi backup` and `madoguchi restore`: an online,
 * consistent logical backup (taken in a snapshot while the server runs) and
 * its restore into an empty database, of either engine.  Progress goes to
 * stderr when it is a terminal.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cli/cli.h"
#include "cli/opts.h"

static void progress(const char *table, long long rows, void *arg)
{
	(void)arg;
	if (isatty(2))
		fprintf(stderr, "\r  %-32s %lld\033[K", table, rows);
}

static int usage(FILE *f, const char *cmd, int rc)
{
	if (strcmp(cmd, "backup") == 0)
		fprintf(f, "usage: madoguchi backup --db URL --out FILE\n"
			   "  writes a consistent backup (JSON lines) while the server runs;\n"
			   "  the file holds personal data: keep it encrypted and access-controlled\n");
	else
		fprintf(f, "usage: madoguchi restore --db URL --in FILE\n"
			   "  restores into an empty database (the schema is created first);\n"
			   "  all or nothing: one transaction\n");
	return rc;
}

static int run(int argc, char **argv, int is_backup)
{
	const char *cmd = is_backup ? "backup" : "restore";
	struct opt o[] = { { "db", 1, NULL }, { "out", 1, NULL }, { "in", 1, NULL }, { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	if (opts_parse(o, n, argc, argv, NULL, 0) < 0)
		return usage(stderr, cmd, CLI_USAGE);
	if (opts_get(o, n, "help"))
		return usage(stdout, cmd, CLI_OK);
	const char *db = opts_db(o, n), *file = opts_get(o, n, is_backup ? "out" : "in");
	if (!db || !file)
		return usage(stderr, cmd, CLI_USAGE);
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースに接続できませんでした", "could not open the database");
	FILE *f = NULL;
	int rc;
	long long rows = 0;
	struct store_progress pr = { progress, NULL };
	if (is_backup) {
		f = strcmp(file, "-") == 0 ? stdout : fopen(file, "wx");
		if (!f) {
			store_close(s);
			return cli_error(NULL, "バックアップファイルを作れません（既にあるか書き込めません）",
					 "cannot create the backup file (it exists, or is not writable)");
		}
		rc = store_backup(s, f, &pr, &rows, &e);
		if (f != stdout && fclose(f) != 0 && rc == 0)
			rc = err_set(&e, ERR_IO, "cannot close the backup file");
		if (rc && f != stdout)
			unlink(file);
	} else {
		int applied = 0;
		rc = app_migrate(s, &applied, &e);
		if (rc == 0) {
			f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
			if (!f)
				rc = err_set(&e, ERR_IO, "cannot open %s", file);
		}
		if (rc == 0) {
			/* tables the migrations seed with rows of their own */
			static const char *const seeded[] = { "audit_head", NULL };
			rc = store_restore(s, f, seeded, &pr, &rows, &e);
			if (f != stdin)
				fclose(f);
		}
	}
	if (isatty(2))
		fprintf(stderr, "\n");
	store_close(s);
	if (rc)
		return cli_error(&e, is_backup ? "バックアップに失敗しました" : "復元に失敗しました（何も変更していません）",
				 is_backup ? "the backup failed" : "the restore failed (nothing was changed)");
	printf("madoguchi: %lld 行 / %lld rows %s\n", rows, rows, is_backup ? "backed up" : "restored");
	return CLI_OK;
}

int cli_backup(int argc, char **argv)
{
	return run(argc, argv, 1);
}

int cli_restore(int argc, char **argv)
{
	return run(argc, argv, 0);
}
