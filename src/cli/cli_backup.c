/*
 * cli_backup.c -- `madoguchi backup` and `madoguchi restore`: an online,
 * consistent logical backup (taken in a snapshot while the server runs) and
 * its restore into an empty database, of either engine.  Progress goes to
 * stderr when it is a terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

#include "web/app.h"
#include "web/svc.h"
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
		fprintf(f, "usage: madoguchi backup --db URL --out FILE --key-file KEY\n"
			   "       madoguchi backup --db URL --out FILE --plaintext\n"
			   "       madoguchi backup keygen --out KEY\n"
			   "  writes a consistent backup while the server runs, encrypted with the\n"
			   "  key (XChaCha20-Poly1305); it holds personal data, so a plain file\n"
			   "  needs --plaintext.  Keep the key apart from the backups.\n");
	else
		fprintf(f, "usage: madoguchi restore --db URL --in FILE [--key-file KEY]\n"
			   "  restores into an empty database (the schema is created first);\n"
			   "  all or nothing: one transaction\n");
	return rc;
}

/* a key file: comment lines, then 64 hex digits; private to its owner */
static int load_key(unsigned char key[STORE_CRYPT_KEY], const char *path, struct err *e)
{
	char hex[2 * STORE_CRYPT_KEY + 2];
	int rc = keyfile_read_line(hex, sizeof hex, path, e);
	if (rc == 0 && hex_decode(key, STORE_CRYPT_KEY, hex))
		rc = err_set(e, ERR_INVALID, "the key in %s is not 64 hex digits", path);
	explicit_bzero(hex, sizeof hex);
	return rc;
}

static int keygen(const char *path)
{
	unsigned char key[STORE_CRYPT_KEY];
	char hex[2 * STORE_CRYPT_KEY + 1];
	if (random_bytes(key, sizeof key))
		return cli_error(NULL, "乱数を得られませんでした", "no random bytes");
	hex_encode(hex, key, sizeof key);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return cli_error(NULL, "鍵ファイルを作れません（既にあるか書き込めません）",
				 "cannot create the key file (it exists, or is not writable)");
	fprintf(f, "# madoguchi backup key: keep it apart from the backups; without it they cannot be read\n%s\n", hex);
	explicit_bzero(key, sizeof key);
	explicit_bzero(hex, sizeof hex);
	if (fclose(f) != 0)
		return cli_error(NULL, "鍵ファイルを書けません", "cannot write the key file");
	printf("madoguchi: バックアップ用の鍵を作りました / backup key written: %s\n", path);
	return CLI_OK;
}

/* The tables a fresh migration fills with rows of its own (a chain head,
 * an index state): found by migrating a throw-away in-memory database, so
 * that a module adding such a table needs no list kept here.  NULL-ended;
 * free with seeded_free. */
static char **seeded_tables(struct err *e)
{
	struct store *mem;
	if (store_open(&mem, "sqlite::memory:", e))
		return NULL;
	char **names = NULL, **out = NULL;
	int n = 0, k = 0;
	if (app_migrate(mem, NULL, e) == 0 && (n = store_tables(&names, mem, e)) >= 0 &&
	    (out = calloc((size_t)n + 1, sizeof *out))) {
		for (int i = 0; i < n; i++) {
			char sql[200];
			int64_t rows = 0;
			snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", names[i]);
			if (strcmp(names[i], "schema_migrations") != 0 &&
			    store_query_int(&rows, mem, sql, NULL, 0, e) == 0 && rows > 0)
				out[k++] = strdup(names[i]);
		}
	}
	if (n > 0)
		store_tables_free(names, n);
	store_close(mem);
	return out;
}

static void seeded_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int run(int argc, char **argv, int is_backup)
{
	const char *cmd = is_backup ? "backup" : "restore";
	struct opt o[] = { { "db", 1, NULL }, { "out", 1, NULL }, { "in", 1, NULL }, { "help", 0, NULL },
			   { "key-file", 1, NULL }, { "plaintext", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[1];
	int npos = opts_parse(o, n, argc, argv, pos, 1);
	if (npos < 0)
		return usage(stderr, cmd, CLI_USAGE);
	if (opts_get(o, n, "help"))
		return usage(stdout, cmd, CLI_OK);
	if (npos == 1) {
		if (!is_backup || strcmp(pos[0], "keygen") != 0 || !opts_get(o, n, "out"))
			return usage(stderr, cmd, CLI_USAGE);
		return keygen(opts_get(o, n, "out"));
	}
	const char *db = opts_db(o, n), *file = opts_get(o, n, is_backup ? "out" : "in");
	const char *keyfile = opts_get(o, n, "key-file");
	if (!db || !file)
		return usage(stderr, cmd, CLI_USAGE);
	if (is_backup && !keyfile && !opts_get(o, n, "plaintext"))
		return cli_error(NULL, "バックアップには個人情報が含まれます。--key-file で暗号化するか、--plaintext を指定してください",
				 "a backup holds personal data: encrypt it with --key-file, or say --plaintext");
	unsigned char key[STORE_CRYPT_KEY];
	struct err ke;
	err_clear(&ke);
	if (keyfile && load_key(key, keyfile, &ke))
		return cli_error(&ke, "鍵ファイルを読めません", "cannot use the key file");
	struct store_crypt *crypt = NULL;
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースに接続できませんでした", "could not open the database");
	FILE *f = NULL;
	int rc;
	long long rows = 0;
	/* what services keep outside the database (attachments as files
	 * beside SQLite) goes into the dump: svc.h backup_blob */
	struct store_progress pr = { progress, NULL, svc_backup_blob, s };
	if (is_backup) {
		f = strcmp(file, "-") == 0 ? stdout : fopen(file, "wx");
		if (!f) {
			store_close(s);
			return cli_error(NULL, "バックアップファイルを作れません（既にあるか書き込めません）",
					 "cannot create the backup file (it exists, or is not writable)");
		}
		if (f != stdout)
			fchmod(fileno(f), 0600);
		rc = 0;
		if (keyfile) {
			FILE *cf;
			rc = store_crypt_open(&cf, &crypt, f, 1, key, &e);
			if (rc == 0)
				f = cf;
		}
		if (rc == 0)
			rc = store_backup(s, f, &pr, &rows, &e);
		if (f != stdout && fclose(f) != 0 && rc == 0)
			rc = err_set(&e, ERR_IO, "cannot close the backup file");
		if (crypt && store_crypt_failed(crypt, NULL) && rc == 0)
			rc = err_set(&e, ERR_IO, "cannot write the encrypted backup");
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
		if (rc == 0 && f != stdin && store_is_encrypted_backup(f)) {
			FILE *cf;
			if (!keyfile)
				rc = err_set(&e, ERR_INVALID, "the backup is encrypted: give its --key-file");
			else if ((rc = store_crypt_open(&cf, &crypt, f, 0, key, &e)) == 0)
				f = cf;
			if (rc) {
				fclose(f);
				f = NULL;
			}
		}
		if (rc == 0) {
			char **seeded = seeded_tables(&e);
			if (!seeded)
				rc = err_set(&e, ERR_INTERNAL, "cannot tell which tables migrations seed");
			else
				rc = store_restore(s, f, (const char *const *)seeded, &pr, &rows, &e);
			seeded_free(seeded);
			if (f != stdin)
				fclose(f);
			const char *why;
			if (crypt && store_crypt_failed(crypt, &why) && rc)
				err_set(&e, ERR_INVALID, "%s", why);
		}
	}
	if (isatty(2))
		fprintf(stderr, "\n");
	explicit_bzero(key, sizeof key);
	store_crypt_free(crypt);
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
