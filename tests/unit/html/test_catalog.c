/*
 * test_catalog.c -- the merged message catalog (src/html/msg.c's rows and
 * every service's, loaded as the server loads them: app_catalogs_load) is
 * complete and its index is sound:
 *
 *   - every row has a non-empty Japanese and English text (the failing ids
 *     are listed);
 *   - every row that residents read has a やさしい日本語 text (the rule
 *     below; the failing ids are listed);
 *   - a text used as a format ("%d件", "（最初の %d 地点）") has the same
 *     conversions in every language, so that each works with the same
 *     arguments;
 *   - html_msg_find finds every row and html_t gives its texts (ja-easy
 *     falling back to ja), an id between two rows or past the ends is not
 *     found, and an unknown id comes back as itself in every language;
 *   - loading the catalogs again changes nothing, and a catalog repeating
 *     an id is refused (the server then stops);
 *   - every id named by a descriptor's menu entries, or written as a
 *     literal in an html_t(l, "...") or T(r, "...") call, or as the
 *     message id of an app_send_error(r, code, "...", ...) call, or any
 *     "api.error.<id>" literal (the JSON API's problems), anywhere under src/,
 *     is in the catalog.
 *
 * Which rows residents read (ja-easy required).  Every row, unless it is
 * staff-only, and a row is staff-only when either
 *   (a) its id lies in one of the staff areas below: the id is the area
 *       or starts with the area and a dot ("proc" covers "proc.title" but
 *       not "process.x"; "news.new" covers "news.new" but not
 *       "news.newer").  The areas are the back office's pages: the staff
 *       shell (staff.*, nav.staff, login/totp/enrol: staff login, account:
 *       the staff account page, users, roles, jobs), the inbox and its
 *       submission pages (inbox, sub, hist), the procedure editor (proc,
 *       procedures), the news editor, the counter (書かない窓口,
 *       lifeevent.counter) and open data publishing (opendata.staff); or
 *   (b) it is named only by staff menu entries (SVC_NAV_STAFF) of the
 *       services' descriptors, never by a home or My page entry (derived
 *       from the descriptors, so it cannot drift from them).
 * RESIDENT_TOO names the ids inside a staff area that resident pages use
 * as well (the resident login form borrows the staff login's labels):
 * they need ja-easy like any resident row.
 * So a new message needs ja-easy unless it is given an id in a staff
 * area; a new staff page either uses one of these areas or adds its own
 * here.  Staff-only rows may have ja-easy; html_t falls back to ja.
 */
#include "t.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "html/html.h"
#include "web/app.h"
#include "web/svc.h"

static const char *const STAFF_AREAS[] = {
	/* the staff shell (src/html/msg.c, src/web/) */
	"staff", "nav.staff", "login", "totp", "enrol", "account", "users", "roles", "jobs",
	/* the inbox and a submission's staff pages (src/svc/apply/web/page_inbox.c) */
	"inbox", "sub", "hist",
	/* the procedure editor (src/svc/procedures/) */
	"proc", "procedures",
	/* the news editor (src/svc/news/web/page_news.c, /staff/news) */
	"news.staff", "news.new", "news.edit", "news.saved", "news.publish", "news.draft",
	"news.withdraw", "news.back", "news.required", "news.field", "news.hint", "news.state",
	/* shelter staff and the shelter master (src/svc/disaster/web/page_staff.c, /staff/disaster) */
	"disaster.staff",
	/* the counter, 書かない窓口 (src/svc/lifeevent/web/page_lifeevent.c) */
	"lifeevent.counter",
	/* open data publishing (src/svc/opendata/web/page_staff_opendata.c) */
	"opendata.staff",
	/* departments (src/svc/dept/web/page_dept.c, /staff/departments) */
	"dept",
	/* payments' staff pages (src/svc/payments/web/page_staff.c, /staff/payments) */
	"pay.staff", "pay.ev", "pay.counter", "pay.refund", "pay.import", "pay.statement", "pay.outcome",
	"pay.service", "pay.reference", "pay.created", "pay.account", "pay.provider_ref", "pay.paid_at",
	"pay.history", "pay.when", "pay.what", "pay.who", "pay.detail", "pay.payeasy.numbers",
	"pay.error.reason", "pay.error.refund_other", "pay.rails",
	/* webhooks to staff systems (src/svc/notify/web/page_hooks.c, /staff/notify/hooks) */
	"notify.hooks",
	/* the staff page that sends a notice to subscribers (page_send.c, /staff/notify/send) */
	"notify.send",
	/* the areas of disaster alerts (page_areas.c, /staff/notify/areas) */
	"notify.areas",
	/* facility reservations' staff pages (src/svc/booking/web/page_staff_*.c, /staff/facilities) */
	"booking.staff",
	/* citizen reports' triage and settings (src/svc/reports/web/page_staff.c, /staff/reports) */
	"reports.staff",
	/* the map's layer editor (src/svc/map/web/page_staff_map.c, /staff/map) */
	"map.staff", "map.field", "map.hint", "map.source", "map.crs", "map.kind", "map.marker",
};

/* ids in a staff area that resident pages use too (src/web/page_resident.c,
 * src/web/page_resident_email.c) */
static const char *const RESIDENT_TOO[] = {
	"login.password", "login.submit", "account.password_hint",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct html_msg *const *rows;
static size_t nrows;

static int in_area(const char *id, const char *area)
{
	size_t n = strlen(area);
	return strncmp(id, area, n) == 0 && (id[n] == '\0' || id[n] == '.');
}

/* named by a menu entry of a descriptor: 1 staff menu only, 2 a home or
 * My page entry, 0 none */
static int nav_use(const char *id)
{
	int use = 0;
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->nnav; j++) {
			const struct svc_nav *n = &svc_all[i]->nav[j];
			int named = (n->label && strcmp(n->label, id) == 0) ||
				    (n->summary && strcmp(n->summary, id) == 0);
			if (!named)
				continue;
			if (n->where == SVC_NAV_STAFF)
				use = use ? use : 1;
			else
				use = 2;
		}
	return use;
}

static int staff_only(const char *id)
{
	for (size_t i = 0; i < N(RESIDENT_TOO); i++)
		if (strcmp(id, RESIDENT_TOO[i]) == 0)
			return 0;
	for (size_t i = 0; i < N(STAFF_AREAS); i++)
		if (in_area(id, STAFF_AREAS[i]))
			return 1;
	return nav_use(id) == 1;
}

static int empty(const char *s)
{
	return !s || !*s;
}

/* the printf conversions of s, as "d,ld,s," ("%%" is none) */
static void conversions(char *out, size_t cap, const char *s)
{
	size_t k = 0;
	out[0] = '\0';
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		p += strspn(p, "-+ #0123456789.*");
		size_t len = strspn(p, "hlLqjzt");
		if (!p[len])
			break;
		int w = snprintf(out + k, cap - k, "%.*s,", (int)len + 1, p);
		if (w < 0 || (size_t)w >= cap - k)
			break;
		k += (size_t)w;
		p += len;
	}
}

/* ---- the tests ---- */

static void test_load(void)
{
	struct err e;
	err_clear(&e);
	int rc = app_catalogs_load(&e);
	if (rc)
		printf("# app_catalogs_load: %s\n", e.detail);
	T_EQ_INT(rc, 0);
	nrows = html_catalog_rows(&rows);
	/* the base catalog and at least the catalogs of the services that
	 * pages use: hundreds of rows */
	T_CHECK(nrows > 500);
	size_t from_services = 0;
	for (int i = 0; i < svc_count; i++) {
		T_CHECK(svc_all[i]->nmsgs == 0 || svc_all[i]->msgs);
		from_services += (size_t)svc_all[i]->nmsgs;
		/* each service's rows are in the merged index */
		for (int j = 0; j < svc_all[i]->nmsgs; j++)
			T_CHECK(html_msg_find(svc_all[i]->msgs[j].id) == &svc_all[i]->msgs[j]);
	}
	T_CHECK(from_services > 100);
	/* a second load adds nothing and is not an error (the CLI and the
	 * server may both load) */
	T_EQ_INT(app_catalogs_load(&e), 0);
	const struct html_msg *const *again;
	T_EQ_INT(html_catalog_rows(&again), nrows);
}

static void test_ja_en(void)
{
	T_REQUIRE(nrows);
	int bad = 0;
	for (size_t i = 0; i < nrows; i++) {
		const struct html_msg *m = rows[i];
		if (empty(m->id)) {
			printf("# a row without an id (ja: %s)\n", m->ja ? m->ja : "(null)");
			bad++;
			continue;
		}
		if (empty(m->ja) || empty(m->en)) {
			printf("# %s: %s%s%s\n", m->id, empty(m->ja) ? "ja" : "",
			       empty(m->ja) && empty(m->en) ? " and " : "", empty(m->en) ? "en" : "");
			bad++;
		}
		/* an easy text, when given, is a text */
		if (m->easy && !*m->easy) {
			printf("# %s: ja-easy is empty (NULL falls back to ja)\n", m->id);
			bad++;
		}
	}
	if (bad)
		printf("# %d row(s) without Japanese or English\n", bad);
	T_EQ_INT(bad, 0);
}

static void test_easy(void)
{
	T_REQUIRE(nrows);
	int bad = 0, resident = 0;
	for (size_t i = 0; i < nrows; i++) {
		const struct html_msg *m = rows[i];
		if (empty(m->id) || staff_only(m->id))
			continue;
		resident++;
		if (!m->easy) {
			printf("# %s: no ja-easy (%s)\n", m->id, m->ja ? m->ja : "");
			bad++;
		}
	}
	if (bad)
		printf("# %d row(s) residents read without やさしい日本語: write one, or give "
		       "a staff-only message an id in a staff area (tests/unit/html/test_catalog.c)\n",
		       bad);
	T_EQ_INT(bad, 0);
	T_CHECK(resident > 200);
	/* the exceptions are real rows (a stale entry would hide nothing) */
	for (size_t i = 0; i < N(RESIDENT_TOO); i++)
		T_CHECK(html_msg_find(RESIDENT_TOO[i]) != NULL);
}

/* the rule itself, on a few ids */
static void test_rule(void)
{
	T_CHECK(staff_only("staff.home"));
	T_CHECK(staff_only("proc.title"));
	T_CHECK(staff_only("opendata.staff.title"));
	T_CHECK(staff_only("lifeevent.counter.title"));
	T_CHECK(staff_only("news.new"));
	T_CHECK(staff_only("news.field.title_ja"));
	T_CHECK(!staff_only("news.newer"));        /* an area is not a bare prefix */
	T_CHECK(!staff_only("news.title"));        /* a staff and a home menu label */
	T_CHECK(!staff_only("process.x"));
	T_CHECK(!staff_only("login.submit"));      /* the resident login uses it */
	T_CHECK(!staff_only("lifeevent.bundle.needs_input"));
	T_CHECK(!staff_only("opendata.search.title"));
	T_CHECK(!staff_only("home.lead"));
	/* named by staff menu entries only */
	T_CHECK(staff_only("opendata.nav.staff.summary"));
	T_CHECK(staff_only("apply.nav.inbox.summary"));
	T_CHECK(!staff_only("apply.nav.procedures"));
}

static void test_formats(void)
{
	T_REQUIRE(nrows);
	int bad = 0, formats = 0;
	for (size_t i = 0; i < nrows; i++) {
		const struct html_msg *m = rows[i];
		char cja[64], cen[64], ceasy[64];
		conversions(cja, sizeof cja, m->ja);
		conversions(cen, sizeof cen, m->en);
		conversions(ceasy, sizeof ceasy, m->easy ? m->easy : m->ja);
		formats += cja[0] != '\0';
		if (strcmp(cja, cen) != 0 || strcmp(cja, ceasy) != 0) {
			printf("# %s: conversions ja \"%s\", en \"%s\", ja-easy \"%s\"\n", m->id, cja,
			       cen, ceasy);
			bad++;
		}
	}
	T_EQ_INT(bad, 0);
	T_CHECK(formats >= 5);   /* form.items_n, apply.days_n, apply.page_of, ... */
}

static void test_lookup(void)
{
	T_REQUIRE(nrows);
	int bad = 0;
	for (size_t i = 0; i < nrows; i++) {
		const struct html_msg *m = rows[i];
		/* sorted, no id twice: what the binary search needs */
		if (i > 0 && strcmp(rows[i - 1]->id, m->id) >= 0) {
			printf("# index out of order at %s, %s\n", rows[i - 1]->id, m->id);
			bad++;
		}
		if (html_msg_find(m->id) != m) {
			printf("# html_msg_find(\"%s\") misses its row\n", m->id);
			bad++;
		}
		if (html_t(HTML_JA, m->id) != m->ja || html_t(HTML_EN, m->id) != m->en ||
		    html_t(HTML_JA_EASY, m->id) != (m->easy ? m->easy : m->ja)) {
			printf("# html_t(\"%s\") gives another row's texts\n", m->id);
			bad++;
		}
		/* ids that sort between this row and the next are not found */
		char probe[256];
		snprintf(probe, sizeof probe, "%s!", m->id);
		if (html_msg_find(probe)) {
			printf("# html_msg_find(\"%s\") found a row\n", probe);
			bad++;
		}
		if (strlen(m->id) > 1) {
			snprintf(probe, sizeof probe, "%.*s", (int)strlen(m->id) - 1, m->id);
			const struct html_msg *f = html_msg_find(probe);
			int exists = 0;
			for (size_t k = 0; k < nrows; k++)
				exists |= strcmp(rows[k]->id, probe) == 0;
			if ((f != NULL) != exists || (f && strcmp(f->id, probe) != 0)) {
				printf("# html_msg_find(\"%s\") is wrong\n", probe);
				bad++;
			}
		}
	}
	T_EQ_INT(bad, 0);
	/* past both ends, and the empty id */
	T_CHECK(html_msg_find("") == NULL);
	T_CHECK(html_msg_find("!") == NULL);
	T_CHECK(html_msg_find("~~~") == NULL);
	T_CHECK(html_msg_find(rows[0]->id) == rows[0]);
	T_CHECK(html_msg_find(rows[nrows - 1]->id) == rows[nrows - 1]);
}

static void test_unknown(void)
{
	static const char *const ids[] = { "no.such.message", "lifeevent.bundle.nonexistent",
					   "zzz", "", "opendata.search" };
	for (size_t i = 0; i < N(ids); i++) {
		T_CHECK(html_msg_find(ids[i]) == NULL);
		for (int l = HTML_JA; l <= HTML_JA_EASY; l++)
			T_CHECK(html_t((enum html_lang)l, ids[i]) == ids[i]);
	}
}

static void test_duplicate(void)
{
	T_REQUIRE(nrows);
	/* a service's catalog repeating an id is refused whole */
	static const struct html_msg dup[] = {
		{ "zz.test.new", "新", "new", NULL },
		{ "lifeevent.bundle.needs_input", "重複", "duplicate", NULL },
	};
	T_EQ_INT(html_catalog_add(dup, 2), ERR_CONFLICT);
	const struct html_msg *const *now;
	T_EQ_INT(html_catalog_rows(&now), nrows);
	T_CHECK(html_msg_find("zz.test.new") == NULL);
	T_EQ_STR(html_t(HTML_EN, "lifeevent.bundle.needs_input"), "Needs your answers");
	/* two rows with one id within one catalog too */
	static const struct html_msg twice[] = {
		{ "zz.test.twice", "一", "one", NULL },
		{ "zz.test.twice", "二", "two", NULL },
	};
	T_EQ_INT(html_catalog_add(twice, 2), ERR_CONFLICT);
	T_EQ_INT(html_catalog_rows(&now), nrows);
	rows = now;
}

/* ---- the ids the code names ---- */

static int missing;

static void need(const char *id, const char *where)
{
	if (!html_msg_find(id)) {
		printf("# %s: \"%s\" is not in the catalog\n", where, id);
		missing++;
	}
}

static void test_nav_ids(void)
{
	missing = 0;
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->nnav; j++) {
			const struct svc_nav *n = &svc_all[i]->nav[j];
			need(n->label, svc_all[i]->name);
			if (n->summary)
				need(n->summary, svc_all[i]->name);
		}
	T_EQ_INT(missing, 0);
}

/* the end of the call whose '(' is at p: the matching ')', or NULL */
static const char *call_end(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;
			for (p++; *p && *p != q; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return NULL;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p;
		}
	}
	return NULL;
}

/* the string literals of the second argument of the call at open: each
 * must be a catalog id; returns how many */
static int check_call(const char *open, const char *rel, int line, int commas, int first_only)
{
	const char *end = call_end(open);
	if (!end)
		return 0;
	/* the commas-th top-level comma */
	int depth = 0, seen = 0;
	const char *p = open + 1;
	for (; p < end; p++) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == ',' && depth == 0 && ++seen == commas) {
			break;
		}
	}
	/* the argument's own literals: those of a call inside it
	 * (strcmp(view, "overdue") == 0 ? "inbox.title_overdue" : ...) are
	 * not ids */
	int n = 0;
	depth = 0;
	for (p++; p < end; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (*p != '"')
			continue;
		if (depth > 0) {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			continue;
		}
		const char *s = ++p;
		while (p < end && *p != '"')
			p++;
		char id[128], where[1100];
		if ((size_t)(p - s) >= sizeof id)
			continue;
		memcpy(id, s, (size_t)(p - s));
		id[p - s] = '\0';
		snprintf(where, sizeof where, "%s:%d", rel, line);
		need(id, where);
		n++;
		if (first_only)
			break;
	}
	return n;
}

static int scan_file(const char *path, const char *rel)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	static char src[4 << 20];
	size_t len = fread(src, 1, sizeof src - 1, f);
	fclose(f);
	src[len] = '\0';
	int n = 0;
	for (const char *p = src; *p; p++) {
		const char *open = NULL;
		int commas = 1, first_only = 0;
		int ident_before = p > src && (p[-1] == '_' || p[-1] == '>' || p[-1] == '.' ||
					       (p[-1] >= 'a' && p[-1] <= 'z') ||
					       (p[-1] >= 'A' && p[-1] <= 'Z') ||
					       (p[-1] >= '0' && p[-1] <= '9'));
		if (ident_before)
			continue;
		/* the JSON API's problem ids (api_apply.c hands them to
		 * helpers of its own): every "api.error.<id>" literal */
		if (strncmp(p, "\"api.error.", 11) == 0 && (p == src || p[-1] != '\\')) {
			const char *q = p + 1, *end = strchr(q, '"');
			char id[128], where[1100];
			if (end && (size_t)(end - q) < sizeof id &&
			    strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789_.") == (size_t)(end - q)) {
				memcpy(id, q, (size_t)(end - q));
				id[end - q] = '\0';
				int line = 1;
				for (const char *c = src; c < p; c++)
					line += *c == '\n';
				snprintf(where, sizeof where, "%s:%d", rel, line);
				need(id, where);
				n++;
			}
			continue;
		}
		if (strncmp(p, "html_t(", 7) == 0)
			open = p + 6;
		else if (strncmp(p, "T(r, ", 5) == 0)   /* news's helper, T(r, id) */
			open = p + 1;
		else if (strncmp(p, "app_send_error(", 15) == 0) {
			/* app_send_error(r, code, "id", detail...): the detail
			 * and the format's arguments are not ids */
			open = p + 14;
			commas = 2;
			first_only = 1;
		}
		if (!open)
			continue;
		int line = 1;
		for (const char *q = src; q < p; q++)
			line += *q == '\n';
		n += check_call(open, rel, line, commas, first_only);
	}
	return n;
}

static int scan_dir(const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024], r2[1024];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		snprintf(r2, sizeof r2, "%s/%s", rel, de->d_name);
		struct stat st;
		if (stat(path, &st))
			continue;
		size_t l = strlen(de->d_name);
		if (S_ISDIR(st.st_mode))
			n += scan_dir(path, r2);
		else if (l > 2 && strcmp(de->d_name + l - 2, ".c") == 0)
			n += scan_file(path, r2);
	}
	closedir(d);
	return n;
}

static void test_source_ids(void)
{
	static const char *const c[] = { "src", "../src", "../../src", "../../../src" };
	const char *dir = NULL;
	for (size_t i = 0; i < N(c); i++) {
		char probe[256];
		snprintf(probe, sizeof probe, "%s/html/msg.c", c[i]);
		if (access(probe, R_OK) == 0) {
			dir = c[i];
			break;
		}
	}
	T_REQUIRE(dir);
	missing = 0;
	int n = scan_dir(dir, "src");
	printf("# %d ids named in html_t and T calls and app_send_error ids under src/\n", n);
	/* the services' pages and the shell name hundreds of messages */
	T_CHECK(n > 400);
	T_EQ_INT(missing, 0);
}

int main(void)
{
	T_RUN(test_load);
	T_RUN(test_ja_en);
	T_RUN(test_easy);
	T_RUN(test_rule);
	T_RUN(test_formats);
	T_RUN(test_lookup);
	T_RUN(test_unknown);
	T_RUN(test_duplicate);
	T_RUN(test_nav_ids);
	T_RUN(test_source_ids);
	return t_done();
}
