/*
 * cli.c -- `madoguchi disaster`: import a GSI shelter file (GeoJSON or
 * CSV, the kind known from its content), import the ward's designation
 * (--as NAME), list the shelters with their status.  Each write is
 * audited (actor "(cli)") in its transaction; rejected rows are printed
 * with their line or feature index, and the exit is 0 when the file was
 * read (rows may have been rejected: the report says how many), 1 when
 * nothing was imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "svc/disaster/disaster.h"

int cli_disaster(int argc, char **argv);

static void usage(FILE *f)
{
	fputs("usage: madoguchi disaster import --db URL --tenant CODE FILE\n"
	      "       madoguchi disaster designate --db URL --tenant CODE FILE --as NAME\n"
	      "       madoguchi disaster list --db URL --tenant CODE\n"
	      "\n"
	      "import     a GSI 指定緊急避難場所 or 指定避難所 file, GeoJSON or CSV (UTF-8 or CP932);\n"
	      "           the same facility is one shelter (共通ID); importing again updates.\n"
	      "           国土地理院の避難所データを取り込みます（同じ施設は一つに、再取り込みは更新）。\n"
	      "designate  the ward's list (CSV 施設名,所在地) of a designation such as 震災救援所.\n"
	      "           区の指定（震災救援所など）を住所・名前で避難所に対応づけます。\n"
	      "list       key, state, people, name, one shelter a line.  避難所の一覧です。\n", f);
}

static int read_file(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *b = malloc(max + 1);
	size_t n = b ? fread(b, 1, max + 1, f) : 0;
	fclose(f);
	if (!b || n > max) {
		free(b);
		return -1;
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

static int audit_cli(struct store *s, const char *tenant, const char *action, const char *id, struct err *e)
{
	struct app_actor a = { 0 };
	snprintf(a.login, sizeof a.login, "(cli)");
	snprintf(a.tenant, sizeof a.tenant, "%s", tenant);
	return app_audit_as(s, NULL, &a,
			    &(struct app_audit_entry){ .action = action, .object_type = "disaster_shelters",
						       .object_id = id, .result = AUDIT_R_OK }, e);
}

static int do_import(struct store *s, const char *tenant, const char *data, size_t n)
{
	struct disaster_import_report *rep = calloc(1, sizeof *rep);
	struct err e;
	err_clear(&e);
	int rc = rep ? store_begin(s, &e) : ERR_NOMEM;
	if (rc == 0)
		rc = disaster_import(rep, s, tenant, data, n, app_now(), &e);
	if (rc == 0)
		rc = audit_cli(s, tenant, "disaster.import", rep->geojson ? "geojson" : "csv", &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else if (rep)
		store_rollback(s);
	if (rc) {
		free(rep);
		return cli_error(&e, "避難所データを取り込めませんでした", "the shelter file was not imported");
	}
	printf("kind %s\nrows %ld\ninserted %ld\nupdated %ld\nrejected %ld\n",
	       rep->kind == DISASTER_KIND_EMERGENCY ? "emergency" : "designated", rep->rows, rep->inserted, rep->updated,
	       rep->rejected);
	for (int i = 0; i < rep->nproblems; i++) {
		const struct disaster_problem *p = &rep->problems[i];
		if (p->feature >= 0)
			printf("rejected feature %ld: %s (%s) / %s\n", p->feature, p->ja, p->field, p->en);
		else
			printf("rejected line %ld: %s (%s) / %s\n", p->line, p->ja, p->field, p->en);
	}
	free(rep);
	return CLI_OK;
}

static int do_designate(struct store *s, const char *tenant, const char *data, size_t n, const char *as)
{
	struct disaster_designate_report *rep = calloc(1, sizeof *rep);
	struct err e;
	err_clear(&e);
	int rc = rep ? store_begin(s, &e) : ERR_NOMEM;
	if (rc == 0)
		rc = disaster_designate(rep, s, tenant, data, n, as, app_now(), &e);
	if (rc == 0)
		rc = audit_cli(s, tenant, "disaster.designate", "csv", &e);
	if (rc == 0)
		rc = store_commit(s, &e);
	else if (rep)
		store_rollback(s);
	if (rc) {
		free(rep);
		return cli_error(&e, "区の指定を取り込めませんでした", "the designation was not imported");
	}
	printf("rows %ld\nmatched %ld\nunmatched %ld\ncleared %ld\n", rep->rows, rep->matched, rep->unmatched,
	       rep->cleared);
	for (int i = 0; i < rep->nlisted; i++)
		printf("unmatched line %ld: %s: %s / %s\n", rep->list[i].line, rep->list[i].name, rep->list[i].ja,
		       rep->list[i].en);
	free(rep);
	return CLI_OK;
}

static void list_line(const struct disaster_shelter *sh, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%lld\t%s\t%s\n", sh->key, disaster_state_name(sh->state), (long long)sh->people, sh->name,
	       sh->ward_designation ? sh->ward_designation : "");
}

static int do_list(struct store *s, const char *tenant)
{
	struct err e;
	err_clear(&e);
	int total = 0;
	for (int off = 0; off == 0 || off < total; off += DISASTER_PAGE_MAX) {
		total = disaster_list(s, tenant, &(struct disaster_query){ .state = -1, .limit = DISASTER_PAGE_MAX,
									   .offset = off }, list_line, NULL, &e);
		if (total < 0)
			return cli_error(&e, "避難所を読めません", "cannot read the shelters");
		if (total == 0)
			break;
	}
	return CLI_OK;
}

int cli_disaster(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *cmd = argv[1];
	struct opt o[] = { { "db", 1, NULL }, { "tenant", 1, NULL }, { "as", 1, NULL }, { "help", 0, NULL } };
	int no = (int)(sizeof o / sizeof o[0]);
	const char *pos[2];
	int np = opts_parse(o, no, argc - 1, argv + 1, pos, 2);
	if (np < 0)
		return CLI_USAGE;
	if (opts_get(o, no, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	const char *db = opts_db(o, no), *tenant = opts_get(o, no, "tenant"), *as = opts_get(o, no, "as");
	int imp = !strcmp(cmd, "import"), des = !strcmp(cmd, "designate"), lst = !strcmp(cmd, "list");
	if (!db || !tenant || (!imp && !des && !lst) || np != (lst ? 0 : 1) || (des && !as) || (!des && as)) {
		usage(stderr);
		return CLI_USAGE;
	}
	char *data = NULL;
	size_t n = 0;
	if (!lst && read_file(&data, &n, pos[0], DISASTER_FILE_MAX)) {
		fprintf(stderr, "madoguchi: ファイルを読めません（16 MB まで）/ cannot read the file (16 MB at most): %s\n",
			pos[0]);
		return CLI_USAGE;
	}
	struct store *s;
	struct err e;
	err_clear(&e);
	if (store_open(&s, db, &e)) {
		free(data);
		return cli_error(&e, "データベースを開けません", "cannot open the database");
	}
	if (app_migrate(s, NULL, &e)) {
		store_close(s);
		free(data);
		return cli_error(&e, "データベースを更新できません", "cannot migrate the database");
	}
	int rc = imp ? do_import(s, tenant, data, n) : des ? do_designate(s, tenant, data, n, as) : do_list(s, tenant);
	store_close(s);
	free(data);
	return rc;
}
