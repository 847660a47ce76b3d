/*
 * service.c -- the descriptor of the bulky-waste service (src/web/svc.h):
 * so far the item master and the matcher behind the chatbot, tried with
 * `madoguchi waste`.  Reception pages, calendars and bookings come next
 * (README.md, issue 15).
 */
#include "web/app.h"
#include "web/svc.h"

int cli_waste(int argc, char **argv);   /* cli.c */

static const struct svc_cli cli[] = {
	{ "waste", cli_waste, "bulky waste: the item matcher (ask, check)" },
};

const struct svc svc_waste = {
	.name = "waste",
	.summary = "bulky-waste reception: the item master and the matcher of residents' words",
	.cli = cli, .ncli = SVC_COUNT(cli),
};
