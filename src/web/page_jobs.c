/*
 * page_jobs.c -- the staff's view of the job queue: the newest jobs of the
 * municipality and of the deployment, with status and progress.
 */
#include "web/app.h"
#include "jp/date.h"
#include "core/jobs/jobs.h"

#include <stdio.h>
#include <time.h>

struct jobs_page {
	struct buf *b;
	enum html_lang l;
	int n;
};

static void when(char *out, size_t cap, int64_t ms)
{
	struct tm tm;   /* shown in Japan time */
	jp_jst_tm(&tm, ms / 1000);
	strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

static int job_row(const struct jobs_info *j, void *arg)
{
	struct jobs_page *p = arg;
	char created[32], updated[32];
	when(created, sizeof created, j->created_ms);
	when(updated, sizeof updated, j->updated_ms);
	html_printf(p->b, "<tr><td>%ld</td><td>%s</td><td>%s</td><td>"
		    "<progress max=\"100\" value=\"%d\" aria-label=\"%s %ld\">%d%%</progress> %s</td>"
		    "<td>%s</td><td>%s</td></tr>\n",
		    (long)j->id, j->kind, jobs_status_name(j->status), j->progress,
		    html_t(p->l, "jobs.progress"), (long)j->id, j->progress,
		    j->progress_msg ? j->progress_msg : "", created, updated);
	p->n++;
	return 0;
}

int page_jobs(struct http_req *r)
{
	struct app_req *q = app_req(r);
	enum html_lang l = q->lang;
	struct html_page pg;
	struct buf b;
	app_page_open(&b, &pg, r, html_t(l, "staff.jobs"), NULL, NULL);
	html_printf(&b, "<table><caption>%s</caption><thead><tr><th scope=\"col\">ID</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		    html_t(l, "staff.jobs"), html_t(l, "jobs.kind"), html_t(l, "jobs.status"),
		    html_t(l, "jobs.progress"), html_t(l, "jobs.created"), html_t(l, "jobs.updated"));
	struct jobs_page p = { &b, l, 0 };
	struct err e;
	/* the municipality's own jobs, then the deployment's (tenant NULL) */
	struct jobs_filter f = { .tenant = q->tenant.code, .limit = 100 };
	int rc = jobs_list(app_store(r), &f, job_row, &p, &e);
	struct jobs_filter fd = { .deployment_only = 1, .limit = 100 };
	if (rc >= 0)
		rc = jobs_list(app_store(r), &fd, job_row, &p, &e);
	if (rc < 0) {
		buf_done(&b);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	buf_puts(&b, "</tbody></table>\n");
	if (p.n == 0)
		html_printf(&b, "<p>%s</p>", html_t(l, "jobs.none"));
	return app_page_send(r, 200, &b, &pg);
}
