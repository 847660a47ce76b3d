/*
 * service.c -- the descriptor of nursery admission allocation
 * (src/web/svc.h): today the `nursery` command only (generate, allocate,
 * verify, explain); its pages come with the nursery issue.
 */
#include "web/svc.h"

int cli_nursery(int argc, char **argv);   /* cli.c */

static const struct svc_cli cli[] = {
	{ "nursery", cli_nursery, "nursery admission allocation: generate, allocate, verify, explain" },
};

const struct svc svc_nursery = {
	.name = "nursery",
	.summary = "nursery admission allocation (利用調整): solvers, verifier, explanations",
	.cli = cli, .ncli = SVC_COUNT(cli),
};
