/*
 * cli.h -- the subcommands of the `madoguchi` command.
 *
 * Each subcommand lives in its own file src/cli/cli_<name>.c and has the
 * signature below: argv[0] is the subcommand's name, the rest its arguments.
 * It returns the process exit status: 0 success, 1 the work failed (the
 * message says why), 2 the command line was wrong (usage printed).
 * Messages to the user go to stderr in Japanese and English
 * (cli_error()); results go to stdout.
 */
#ifndef MADOGUCHI_CLI_CLI_H
#define MADOGUCHI_CLI_CLI_H

#include "base/err.h"

#define CLI_OK 0
#define CLI_FAILED 1
#define CLI_USAGE 2

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_job(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_search(int argc, char **argv);
/* --- sign (cli_sign.c) --- */
int cli_sign(int argc, char **argv);
/* --- mail (cli_mail.c) --- */
int cli_mail(int argc, char **argv);
struct mail_config;
struct opt;
/* cli_mail_options -- the relay options shared by `serve` and `mail
 * send-pending` (--smtp-url, --mail-from, ...) into *out (strings point
 * into o); out->smtp_url NULL when none is given.  0, or CLI_USAGE after
 * a bilingual message. */
int cli_mail_options(struct mail_config *out, const struct opt *o, int n);
/* --- registry (cli_registry.c) --- */
int cli_registry(int argc, char **argv);
struct store;
struct auth_config;
/* cli_registry_demo -- the demo ward's registry households and the demo
 * resident accounts linked to persons (idempotent; `madoguchi demo`). */
int cli_registry_demo(struct store *s, const struct auth_config *ac,
		      const char *tenant, struct err *e);

/* cli_error -- print "madoguchi: <ja> / <en>" and, if e has a detail,
 * "  詳細 detail: ..." to stderr.  Returns CLI_FAILED. */
int cli_error(const struct err *e, const char *ja, const char *en);

/* cli_is_help -- true if arg is -h or --help. */
int cli_is_help(const char *arg);

#endif
