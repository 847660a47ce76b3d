/*
 * service.c -- the descriptor of facility reservations (施設予約,
 * src/web/svc.h): the schema, the routes of the resident's and the
 * staff's pages (web/routes.c), the catalog rows, the home, My page and
 * staff entries, the job that draws due lotteries and ends expired holds,
 * `madoguchi booking`, the demo (README.md).
 */
#include "web/app.h"
#include "web/svc.h"
#include "store/store.h"
#include "svc/booking/booking.h"
#include "svc/booking/web/booking_web.h"

int cli_booking(int argc, char **argv);   /* cli.c */
int booking_demo(struct store *s, const char *tenant, struct err *e);   /* demo.c */

static const struct svc_cli cli[] = {
	{ "booking", cli_booking, "facility reservations: import facilities, rules, redraw a lottery" },
};

static const struct svc_job jobs[] = {
	{ "booking.tick", booking_web_tick, BOOKING_TICK_EVERY_MS },
};

static const struct svc_page pages[] = {
	{ "facilities", "booking.title", { "booking.nav.summary", "booking.lead", NULL } },
};

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/facilities", "booking.nav", "booking.nav.summary" },
	{ SVC_NAV_RESIDENT, "/mypage/facilities", "booking.mine.title", NULL },
	{ SVC_NAV_STAFF, "/staff/facilities", "booking.staff.title", "booking.staff.nav.summary" },
};

static const struct html_msg msgs[] = {
	{ "booking.nav", "施設予約", "Facility booking", "しせつの よやく" },
	{ "booking.nav.summary", "集会室・ホール・運動場の空きを見て予約し、抽選に申し込めます。",
	  "See when rooms, halls and sports grounds are free, book them, and enter their lotteries.",
	  "へや・ホール・うんどうじょうの あいている ひを みて、よやく できます。ちゅうせんにも もうしこめます。" },
	{ "booking.title", "施設予約", "Facility booking", "しせつの よやく" },
	{ "booking.lead", "区の集会室、ホール、運動場・庭球場を予約できます。人気の枠は抽選で決まり、抽選の結果は誰でも確かめられます。",
	  "Book the ward's meeting rooms, halls and sports grounds. Popular slots go by lottery, and anyone can check how a lottery was drawn.",
	  "くの へや、ホール、うんどうじょうを よやく できます。にんきの ある わくは ちゅうせんで きめます。"
	  "ちゅうせんの けっかは だれでも たしかめられます。" },
	{ "booking.mine.title", "施設の予約", "Facility bookings", "しせつの よやく" },
	{ "booking.staff.title", "施設予約（窓口）", "Facility booking (desk)", NULL },
	{ "booking.staff.nav.summary", "施設ごとの予約表、窓口での予約・受付、団体の承認、抽選、施設と料金の管理。",
	  "The bookings of each facility, bookings at the desk and check-in, groups to approve, lotteries, facilities and fees.",
	  NULL },

	/* ================================================================ */
	/* the resident's pages                                             */
	/* ================================================================ */



	/* ================================================================ */
	/* the staff's pages                                                */
	/*                                                                  */
	/* (kept apart from the resident's so the two parts are written     */
	/* side by side)                                                    */
	/* ================================================================ */



};

const struct svc svc_booking = {
	.name = "booking",
	.summary = "facility reservations: rooms, halls and sports grounds, lotteries anyone can re-run, first come",
	.schema = &booking_schema,
	.routes = booking_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.cli = cli, .ncli = SVC_COUNT(cli),
	.jobs = jobs, .njobs = SVC_COUNT(jobs),
	.pages = pages, .npages = SVC_COUNT(pages),
	.demo = booking_demo,
};
