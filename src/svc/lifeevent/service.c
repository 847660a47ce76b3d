/*
 * service.c -- the descriptor of life events (src/web/svc.h): the
 * interviews that start a bundle of procedures (connected one-stop), the
 * staff counter (書かない窓口), their routes and menu entries, and the
 * `--life-events DIR` option whose interviews init loads into the slot.
 */
#include "web/app.h"
#include "web/svc.h"
#include "svc/lifeevent/web/lifeevent_web.h"

static const struct svc_nav nav[] = {
	{ SVC_NAV_HOME, "/life-events", "lifeevent.nav", "lifeevent.nav.summary" },
	{ SVC_NAV_STAFF, "/staff/counter", "staff.nav.counter", "lifeevent.nav.counter.summary" },
};

static const struct html_msg msgs[] = {
	{ "lifeevent.nav", "引越し・出生・おくやみの手続", "Moving, births and deaths",
	  "ひっこし・こどもが うまれた・なくなった ときの てつづき" },
	{ "lifeevent.nav.summary", "いくつかの質問に答えると、必要な手続をまとめて申請できます。",
	  "Answer a few questions and apply for every procedure that applies at once.",
	  "しつもんに こたえると、ひつような てつづきを まとめて できます。" },
	{ "lifeevent.nav.counter.summary", "窓口で住民と一緒に質問に答え、申請書をまとめて作ります。",
	  "Answer the questions with a resident at the counter and make every form at once.", NULL },
};

static const struct svc_option options[] = {
	{ "life-events", "DIR  life-event interviews (default data/life-events)", NULL, NULL, NULL },
};

const struct svc svc_lifeevent = {
	.name = "lifeevent",
	.summary = "life events: interviews, bundles of procedures, the staff counter",
	.routes = lifeevent_routes,
	.msgs = msgs, .nmsgs = SVC_COUNT(msgs),
	.nav = nav, .nnav = SVC_COUNT(nav),
	.options = options, .noptions = SVC_COUNT(options),
	.init = app_life_events_init,
	.done = app_life_events_done,
};
