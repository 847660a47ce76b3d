/*
 * cli.c -- `madoguchi waste`: try the bulky-waste matcher on an item
 * master file, one text at a time (`ask`) or over a file of queries with
 * their expected answers (`check`, the format of
 * ../shared/data/waste/sample_queries.tsv: query TAB expected, expected
 * an item_id, NOT:<reason> or ASK:<id>|<id>...).  `check` prints one line
 * per wrong answer and the share right; exit 1 when any is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "svc/waste/waste.h"

int cli_waste_master(int argc, char **argv);   /* cli_master.c */

static void usage(FILE *f)
{
	fputs("usage: madoguchi waste ask --items FILE TEXT...\n"
	      "       madoguchi waste check --items FILE --queries FILE.tsv\n"
	      "       madoguchi waste master import|export ...  (madoguchi waste master --help)\n"
	      "\n"
	      "ask    what the matcher answers for TEXT.  入力文への回答を表示します。\n"
	      "check  every query of the file against its expected answer.\n"
	      "       期待する回答と照合し、正答率を表示します。\n"
	      "--items  the item master CSV (UTF-8 or CP932), e.g. data/waste/items.csv.\n", f);
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

static struct waste_items *load(const char *path)
{
	char *data;
	size_t len;
	struct err e;
	err_clear(&e);
	if (!path || read_file(&data, &len, path, WASTE_MASTER_MAX)) {
		fprintf(stderr, "madoguchi: 品目マスタを読めません / cannot read the item master: %s\n",
			path ? path : "(--items missing)");
		return NULL;
	}
	struct waste_items *w;
	int rc = waste_items_parse(&w, data, len, &e);
	free(data);
	if (rc) {
		cli_error(&e, "品目マスタが正しくありません", "the item master is not valid");
		return NULL;
	}
	return w;
}

static void print_answer(const struct waste_answer *a)
{
	switch (a->kind) {
	case WASTE_ITEM:
		printf("ITEM\t%s\t%s\t%d\t%d\t%s%s\n", a->item->id, a->item->name, a->count,
		       a->item->fee_yen * a->count, a->matched, a->fuzzy ? "\t(typo allowed)" : "");
		break;
	case WASTE_NOT:
		printf("NOT\t%s\t%s\t%s\t%s\n", a->item->id, waste_reason_code(a->item->reason),
		       a->matched, a->item->guidance);
		break;
	case WASTE_ASK:
		printf("ASK\t%s\t", waste_var_name(a->ask_var));
		for (int i = 0; i < a->nask; i++)
			printf("%s%s", i ? "|" : "", a->ask[i]->id);
		printf("\t%s\n", a->matched);
		break;
	default:
		printf("NONE\n");
	}
}

static int check(struct waste_items *w, const char *path)
{
	char *data;
	size_t len;
	if (!path || read_file(&data, &len, path, 16u << 20)) {
		fprintf(stderr, "madoguchi: 照合用ファイルを読めません / cannot read the queries: %s\n",
			path ? path : "(--queries missing)");
		return CLI_USAGE;
	}
	int total = 0, ok = 0;
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (!tab || strncmp(line, "query\t", 6) == 0)
			continue;
		*tab = '\0';
		char *exp = tab + 1;
		exp[strcspn(exp, "\r\t")] = '\0';
		struct waste_answer a[WASTE_ANSWERS_MAX];
		struct err e;
		int n = waste_match(a, WASTE_ANSWERS_MAX, w, line, &e);
		total++;
		if (n >= 1 && waste_answer_meets(&a[0], exp)) {
			ok++;
			continue;
		}
		printf("WRONG\t%s\texpected %s\tgot ", line, exp);
		if (n >= 1)
			print_answer(&a[0]);
		else
			printf("error %s\n", e.detail);
	}
	free(data);
	printf("%d of %d right (%.3f)\n", ok, total, total ? (double)ok / total : 0.0);
	return ok == total ? CLI_OK : 1;
}

int cli_waste(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "master") == 0)   /* the master in the database: cli_master.c */
		return cli_waste_master(argc - 1, argv + 1);
	struct opt o[] = { { "items", 1, NULL }, { "queries", 1, NULL } };
	const char *pos[16];
	int np = opts_parse(o, 2, argc - 1, argv + 1, pos, 16);
	if (np < 0)
		return CLI_USAGE;
	struct waste_items *w = load(opts_get(o, 2, "items"));
	if (!w)
		return 1;
	int rc = CLI_OK;
	if (strcmp(argv[1], "ask") == 0) {
		for (int i = 0; i < np; i++) {
			struct waste_answer a[WASTE_ANSWERS_MAX];
			struct err e;
			int n = waste_match(a, WASTE_ANSWERS_MAX, w, pos[i], &e);
			if (n < 0) {
				rc = cli_error(&e, "入力文を読めません", "cannot read the text");
				break;
			}
			for (int k = 0; k < n; k++)
				print_answer(&a[k]);
		}
	} else if (strcmp(argv[1], "check") == 0) {
		rc = check(w, opts_get(o, 2, "queries"));
	} else {
		usage(stderr);
		rc = CLI_USAGE;
	}
	waste_items_free(w);
	return rc;
}
