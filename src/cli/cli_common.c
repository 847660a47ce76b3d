/*
 * cli_common.c -- helpers shared by the subcommands: bilingual errors,
 * --help detection.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_error(const struct err *e, const char *ja, const char *en)
{
	fprintf(stderr, "madoguchi: %s / %s\n", ja, en);
	if (e && e->detail[0]) {
		if (e->line > 0)
			fprintf(stderr, "  詳細 detail: line %ld: %s\n", e->line,
				e->detail);
		else
			fprintf(stderr, "  詳細 detail: %s\n", e->detail);
	}
	return CLI_FAILED;
}

int cli_is_help(const char *arg)
{
	return arg && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0);
}
