/*
 * service.c -- the descriptor of the open data catalog (src/web/svc.h):
 * its tables, routes (pages, CKAN API, DCAT, staff publishing), the home
 * page tile and staff menu entry, the `opendata` command, and the map
 * options of `serve`.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/opendata/opendata.h"
#include "svc/opendata/web/opendata_web.h"

int cli_opendata(int argc, char **argv);   /* cli.c */

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/opendata", "opendata.nav", "opendata.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/opendata", "staff.nav.opendata", "opendata.nav.staff.summary" },
};

static const struct html_msg msgs[] = {
	{ "opendata.nav", "オープンデータ", "Open data", "オープンデータ" },
	{ "opendata.nav.summary", "区が公開しているデータを探して、自由に使えます。",
	  "Find the data the ward publishes, free to reuse.",
	  "区が だしている データを さがして、じゆうに つかえます。" },
	{ "opendata.nav.staff.summary", "データセットの公開と更新。",
	  "Publish and update datasets.", NULL },
};

static const struct svc_cli cli[] = {
	{ "opendata", cli_opendata, "open data catalog: import a directory, validate a CSV" },
};

static const struct svc_option options[] = {
	{ "map-tiles", "URL  map tile URL template for dataset maps, e.g.\n"
	  "                        https://tile.example.jp/{z}/{x}/{y}.png (default: no tiles)",
	  opendata_check_tiles, "--map-tiles は https://…/{z}/{x}/{y}.png の形の URL です",
	  "--map-tiles must be an https URL template with {z}, {x} and {y}" },
	{ "map-attribution", "TEXT  attribution shown with the tiles",
	  opendata_check_attribution, "--map-attribution は 300 バイトまでです",
	  "--map-attribution is at most 300 bytes" },
};

const struct svc svc_opendata = {
	.name = "opendata",
	.summary = "the open data catalog: datasets, CSV validation, CKAN API, DCAT",
	.schema = &opendata_schema,
	.routes = opendata_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.options = options, .noptions = SVC_COUNT(options),
	.init = opendata_web_init,
	.done = opendata_web_done,
};
