/*
 * cli.c -- `madoguchi reports`: the categories (Open311 services) of a
 * municipality, its reports (no personal data: number, state, category,
 * where, the first line of the description unless hidden), and the
 * Open311 API keys (`apikey add NAME` prints the new key once; `apikey
 * revoke ID`).  A key's issue and revocation are written to the audit
 * trail (actor "(cli)"; signed with $MADOGUCHI_AUDIT_KEY when set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/audit/audit.h"
#include "base/util.h"
#include "svc/reports/reports.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi reports categories --db URL --tenant CODE\n"
	      "       madoguchi reports list --db URL --tenant CODE [--state open|closed|STATE]\n"
	      "       madoguchi reports apikey add --db URL --tenant CODE --name NAME\n"
	      "       madoguchi reports apikey revoke --db URL --tenant CODE --id N\n"
	      "\n"
	      "categories  the kinds of report (Open311 service_code).  通報の種類。\n"
	      "list        the newest reports, without personal data.  通報の一覧。\n"
	      "apikey      issue (printed once) or revoke an Open311 API key.  Open311 のキー。\n"
	      "--db defaults to $MADOGUCHI_DB.\n", f);
}

static void clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p && *p != '\n'; p++)
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static int print_cat(void *arg, const struct reports_category *c)
{
	(void)arg;
	printf("%s\t%s\t%s\t", c->code, c->active ? "active" : "inactive", c->grp);
	clean(c->name_ja);
	putchar('\n');
	return 0;
}

static int print_report(void *arg, const struct reports_report *r)
{
	(void)arg;
	printf("%lld\t%s\t%s\t", (long long)r->id, reports_state_name(r->state), r->category);
	if (r->has_pin)
		printf("%.6f,%.6f", r->lat_e6 / 1e6, r->lon_e6 / 1e6);
	else
		clean(r->address);
	putchar('\t');
	clean(r->desc_hidden ? "(hidden)" : r->description);
	putchar('\n');
	return 0;
}

static int audit_key(struct store *s, const char *tenant, const char *action, int64_t id, struct err *e)
{
	struct audit_key key;
	struct audit_config ac = { 0 };
	const char *hex = getenv("MADOGUCHI_AUDIT_KEY");
	if (hex && *hex) {
		int rc = audit_key_from_hex(&key, hex, e);
		if (rc)
			return rc;
		ac.key = &key;
	}
	char obj[24];
	snprintf(obj, sizeof obj, "%lld", (long long)id);
	struct audit_record r = {
		.actor_login = "(cli)", .action = action, .object_type = "reports.apikey",
		.object_id = obj, .tenant = tenant, .result = AUDIT_R_OK,
	};
	int rc = audit_append(NULL, s, &ac, &r, e);
	if (ac.key)
		audit_key_wipe(&key);
	return rc;
}

int cli_reports(int argc, char **argv)
{
	struct opt o[] = {
		{ "db", 1, NULL }, { "tenant", 1, NULL }, { "state", 1, NULL }, { "name", 1, NULL },
		{ "id", 1, NULL }, { "help", 0, NULL },
	};
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[3] = { NULL, NULL, NULL };
	int np = opts_parse(o, n, argc, argv, pos, 3);
	if (opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (np < 1) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *cmd = pos[0], *sub = np > 1 ? pos[1] : "", *db = opts_db(o, n), *tenant = opts_get(o, n, "tenant");
	int apikey = !strcmp(cmd, "apikey");
	if ((strcmp(cmd, "categories") && strcmp(cmd, "list") && !apikey) ||
	    (apikey && strcmp(sub, "add") && strcmp(sub, "revoke"))) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!db || !tenant) {
		fprintf(stderr, "madoguchi: --db と --tenant が必要です / --db and --tenant are required\n");
		return CLI_USAGE;
	}
	int64_t id = 0;
	if (apikey && !strcmp(sub, "revoke") && (!opts_get(o, n, "id") || parse_i64(&id, opts_get(o, n, "id"), 1, INT64_MAX))) {
		fprintf(stderr, "madoguchi: --id にキーの番号を指定してください / --id must be the key's number\n");
		return CLI_USAGE;
	}
	struct reports_query q = { .state = -1, .limit = REPORTS_LIST_MAX };
	const char *st = opts_get(o, n, "state");
	if (st && !strcmp(st, "open"))
		q.state = REPORTS_NSTATES;
	else if (st && !strcmp(st, "closed"))
		q.closed_only = 1;
	else if (st && (q.state = reports_state_parse(st)) < 0) {
		fprintf(stderr, "madoguchi: --state が正しくありません / --state is not valid\n");
		return CLI_USAGE;
	}
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e))
		return cli_error(&e, "データベースに接続できません", "cannot open the database");
	int rc = app_migrate(s, NULL, &e);
	struct tenant t;
	if (rc == 0 && (rc = tenant_get(&t, s, tenant, &e)) == ERR_NOTFOUND) {
		store_close(s);
		return cli_error(NULL, "その自治体コードの自治体はありません", "no municipality has that code");
	}
	if (rc == 0 && !strcmp(cmd, "categories")) {
		rc = reports_category_each(s, tenant, 0, print_cat, NULL, &e);
		rc = rc < 0 ? rc : 0;
	} else if (rc == 0 && !strcmp(cmd, "list")) {
		struct arena *a = arena_new(16u << 20);
		rc = a ? reports_list(s, tenant, &q, a, print_report, NULL, &e) : err_set(&e, ERR_NOMEM, "no memory");
		rc = rc < 0 ? rc : 0;
		arena_free(a);
	} else if (rc == 0) {
		char key[REPORTS_APIKEY_LEN + 1] = "";
		rc = store_begin(s, &e);
		if (rc == 0 && !strcmp(sub, "add"))
			rc = reports_apikey_add(&id, key, s, tenant, opts_get(o, n, "name"), app_now(), &e);
		else if (rc == 0)
			rc = reports_apikey_revoke(s, tenant, id, app_now(), &e);
		if (rc == 0)
			rc = audit_key(s, tenant, !strcmp(sub, "add") ? "reports.apikey.add" : "reports.apikey.revoke", id, &e);
		if (rc == 0)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
		if (rc == 0 && key[0])
			printf("%lld\t%s\n", (long long)id, key);
	}
	store_close(s);
	if (rc == ERR_NOTFOUND)
		return cli_error(&e, "見つかりません", "not found");
	if (rc == ERR_INVALID)
		return cli_error(&e, "値が正しくありません", "a value is not valid");
	if (rc)
		return cli_error(&e, "処理できませんでした", "that could not be done");
	return CLI_OK;
}
