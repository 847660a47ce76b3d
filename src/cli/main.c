/*
 * main.c -- entry point of the `madoguchi` command: dispatch to a subcommand.
 *
 * The table below is the list of the shell's subcommands, each
 * implemented in src/cli/cli_<name>.c (see cli.h for the contract); the
 * services add theirs through their descriptors (src/web/svc.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "web/svc.h"

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
	{ "search", cli_search, "full-text index: reindex, catchup, query, prune" },
	/* --- sign (cli_sign.c) --- */
	{ "sign", cli_sign, "electronic signatures: sign a file, verify a signature" },
	/* --- mail (cli_mail.c) --- */
	{ "mail", cli_mail, "e-mail outbox: list, send-pending, test --to ADDR" },
	/* --- registry (cli_registry.c) --- */
	{ "registry", cli_registry, "the demo ward's resident registry: list, show, link, unlink" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: madoguchi <command> [options]\n"
		     "       madoguchi <command> --help\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->ncli; j++)
			fprintf(out, "  %-10s %s\n", svc_all[i]->cli[j].name, svc_all[i]->cli[j].summary);
}

/* two commands of one name: the second could never run.  A build with
 * such a service stops here, naming it, before doing anything. */
static int names_clash(void)
{
	size_t nshell = sizeof commands / sizeof commands[0];
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->ncli; j++) {
			const char *name = svc_all[i]->cli[j].name;
			int seen = 0;
			for (size_t k = 0; k < nshell; k++)
				seen += strcmp(commands[k].name, name) == 0;
			for (int x = 0; x < svc_count; x++)
				for (int y = 0; y < svc_all[x]->ncli; y++)
					seen += strcmp(svc_all[x]->cli[y].name, name) == 0;
			if (seen > 1) {
				fprintf(stderr, "madoguchi: サービス %s のコマンド名 %s は他と重複しています /"
					" service %s: the command %s is declared twice\n",
					svc_all[i]->name, name, svc_all[i]->name, name);
				return 1;
			}
		}
	return 0;
}

int main(int argc, char **argv)
{
	if (names_clash())
		return CLI_FAILED;
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
	const struct svc_cli *sc = svc_cli_find(argv[1]);
	if (sc)
		return sc->run(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なコマンドです / unknown command: %s\n",
		argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
