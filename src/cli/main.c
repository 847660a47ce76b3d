/*
 * main.c -- entry point of the `madoguchi` command: dispatch to a subcommand.
 *
 * The table below is the list of subcommands; each is implemented in
 * src/cli/cli_<name>.c (see cli.h for the contract).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct cli_command commands[] = {
	{ "serve", cli_serve, "run the server (--db URL --listen ADDR:PORT)" },
	{ "init", cli_init, "create keys and schema, add a municipality" },
	{ "demo", cli_demo, "create the fictional demo ward デモ区 (--db URL)" },
	{ "migrate", cli_migrate, "bring the database schema up to date" },
	{ "routes", cli_routes, "print the route table (--json)" },
	{ "backup", cli_backup, "online, consistent backup to a file" },
	{ "restore", cli_restore, "restore a backup into an empty database" },
	{ "user", cli_user, "staff accounts: add, list, disable" },
	{ "audit", cli_audit, "audit trail: verify, query, keygen" },
	{ "job", cli_job, "the job queue: list, cancel" },
	{ "opendata", cli_opendata, "open data catalog: import a directory, validate a CSV" },
	{ "search", cli_search, "full-text index: reindex, catchup, query, prune" },
	{ "procedure", cli_procedure, "online application procedures: list, load, check" },
	{ "nursery", cli_nursery, "nursery admission allocation: generate, allocate, verify, explain" },
	/* --- sign (cli_sign.c) --- */
	{ "sign", cli_sign, "electronic signatures: sign a file, verify a signature" },
	/* --- mail (cli_mail.c) --- */
	{ "mail", cli_mail, "e-mail outbox: list, send-pending, test --to ADDR" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: madoguchi <command> [options]\n"
		     "       madoguchi <command> --help\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なコマンドです / unknown command: %s\n",
		argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
