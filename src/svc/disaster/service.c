/*
 * service.c -- the descriptor of the disaster service (防災・避難所):
 *
 *   schema   disaster_shelters, disaster_status, disaster_status_history
 *            (disaster_schema.c)
 *   routes   /disaster..., /staff/disaster... (web/routes.c)
 *   msgs     the pages' texts in Japanese, English and やさしい日本語
 *            (web/catalog.inc)
 *   nav      a home page tile (防災・避難所) and the staff menu entry
 *   cli      `madoguchi disaster import|designate|list` (cli.c)
 *   options  `serve --disaster-stale-hours N` (1 to 168; default 3): a
 *            status older than this is flagged on public pages
 *   init     reads the option into the service's slot
 *   demo     fictional shelters of デモ区 and the shelter staff role (demo.c)
 *   pages    /disaster and /disaster/nearest for the site search
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/disaster/disaster.h"
#include "svc/disaster/web/disaster_web.h"

int cli_disaster(int argc, char **argv);   /* cli.c */

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/disaster", "disaster.title", "disaster.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/disaster", "disaster.staff.title", "disaster.staff.nav.summary" },
};

static const struct html_msg msgs[] = {
#include "svc/disaster/web/catalog.inc"
};

static const struct svc_cli cli[] = {
	{ "disaster", cli_disaster, "shelters: import GSI files, the ward's designation, list" },
};

static const struct svc_option options[] = {
	{ "disaster-stale-hours", "N  a shelter status older than N hours is flagged (1 to 168; default 3)",
	  disaster_check_stale_hours, "--disaster-stale-hours は 1〜168 です",
	  "--disaster-stale-hours must be 1 to 168" },
};

static const struct svc_page pages[] = {
	{ "disaster", "disaster.title", { "disaster.nav.summary", "disaster.lead", NULL } },
	{ "disaster/nearest", "disaster.nearest.title", { "disaster.nearest.lead", NULL } },
};

const struct svc svc_disaster = {
	.name = "disaster",
	.summary = "shelters from GSI files, their live status, the nearest open shelter",
	.schema = &disaster_schema,
	.routes = disaster_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.options = options, .noptions = SVC_COUNT(options),
	.pages = pages, .npages = SVC_COUNT(pages),
	.init = disaster_web_init,
	.done = disaster_web_done,
	.demo = disaster_demo,
};
