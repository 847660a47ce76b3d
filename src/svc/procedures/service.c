/*
 * service.c -- the descriptor of procedures (src/web/svc.h): the staff
 * editor of procedure definitions (tables and domain code are core/forms,
 * shared with apply), its routes and menu entry, and the `procedure`
 * command.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/procedures/web/procedures_web.h"

int cli_procedure(int argc, char **argv);   /* cli.c */

static const struct svc_nav nav[] = {
	{ SVC_NAV_STAFF, "/staff/procedures", "staff.nav.procedures", "procedures.nav.summary" },
};

static const struct html_msg msgs[] = {
	{ "procedures.nav.summary", "申請の手続を作り、確かめて、公開します。",
	  "Write, check and publish the procedures residents apply for.", NULL },
#include "svc/procedures/web/catalog.inc"
};

static const struct svc_cli cli[] = {
	{ "procedure", cli_procedure, "online application procedures: list, load, check" },
};

const struct svc svc_procedures = {
	.name = "procedures",
	.summary = "procedures as data: the staff editor, versions, publication",
	.routes = procedures_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
};
