/*
 * cli_nursery.c -- `madoguchi nursery`: generate, allocate, verify and
 * explain nursery admission allocations (src/svc/nursery/).
 *
 *   madoguchi nursery generate --preset NAME --seed N [options]
 *   madoguchi nursery allocate --algo baseline|da|sibling|exact INPUT
 *   madoguchi nursery verify INPUT RESULT
 *   madoguchi nursery explain INPUT RESULT [--cutoffs | --letter FAMILY]
 *
 * Results go to stdout (or -o FILE); messages to stderr, bilingual.  Long
 * runs show progress on stderr when it is a terminal.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svc/nursery/nursery.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi nursery generate --preset NAME --seed N "
	      "[--children N] [--facilities N]\n"
	      "           [--max-prefs N] [--siblings RATE] "
	      "[--transfers RATE] [--bonus RATE]\n"
	      "           [--share RATE] [--adversarial N] [--rules FILE] "
	      "[-o FILE]\n"
	      "       madoguchi nursery allocate --algo "
	      "baseline|da|sibling|exact [--time-limit S] [--rules FILE]\n"
	      "           [--allow-fewer] [-o FILE] INPUT\n"
	      "       madoguchi nursery verify [--rules FILE] INPUT RESULT\n"
	      "       madoguchi nursery explain INPUT RESULT [--cutoffs | "
	      "--letter FAMILY_OR_CHILD [--pdf FILE]\n"
	      "           | --letters DIR [--letters-pdf]] [--rules FILE] "
	      "[-o FILE]\n"
	      "--rules FILE: score H lines (household data) with a ward's rule "
	      "table (data/nursery/*.rules)\n"
	      "presets: tiny small medium suginami saitama tokyo stress\n"
	      "input format: docs/nursery.md\n",
	      f);
}

static FILE *open_out(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	return fopen(path, "wb");
}

static int close_out(FILE *f)
{
	if (f == stdout)
		return fflush(f);
	return fclose(f);
}

static int need_arg(int i, int argc)
{
	if (i + 1 >= argc) {
		fputs("madoguchi: 引数が足りません / missing argument\n", stderr);
		return 0;
	}
	return 1;
}

static int cmd_generate(int argc, char **argv)
{
	struct nursery_gen_opts o;
	nursery_gen_opts_init(&o);
	const char *out = NULL, *rules = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cli_is_help(a)) {
			usage(stdout);
			return CLI_OK;
		}
		if (!need_arg(i, argc))
			return CLI_USAGE;
		const char *v = argv[++i];
		if (!strcmp(a, "--preset"))
			o.preset = v;
		else if (!strcmp(a, "--seed"))
			o.seed = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--children"))
			o.children = atoi(v);
		else if (!strcmp(a, "--facilities"))
			o.facilities = atoi(v);
		else if (!strcmp(a, "--max-prefs"))
			o.max_prefs = atoi(v);
		else if (!strcmp(a, "--siblings"))
			o.sibling_rate = atof(v);
		else if (!strcmp(a, "--transfers"))
			o.transfer_rate = atof(v);
		else if (!strcmp(a, "--bonus"))
			o.bonus_rate = atof(v);
		else if (!strcmp(a, "--share"))
			o.share_rate = atof(v);
		else if (!strcmp(a, "--adversarial"))
			o.adversarial = atoi(v);
		else if (!strcmp(a, "--rules"))
			rules = v;
		else if (!strcmp(a, "-o"))
			out = v;
		else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	struct err e;
	err_clear(&e);
	struct nursery_rules *r = NULL;
	if (rules && nursery_rules_load(&r, rules, &e))
		return cli_error(&e, "選考基準表を読めません",
				 "cannot read the rule table");
	o.rules = r;
	struct nursery_instance *in;
	int rc = nursery_gen_run(&in, &o, &e);
	nursery_rules_free(r);
	if (rc)
		return cli_error(&e, "生成に失敗しました", "generation failed");
	FILE *f = open_out(out);
	if (!f) {
		nursery_instance_free(in);
		return cli_error(NULL, "出力ファイルを開けません",
				 "cannot open the output file");
	}
	rc = nursery_instance_write(in, f, &e);
	nursery_instance_free(in);
	if (close_out(f) || rc)
		return cli_error(&e, "書き込みに失敗しました", "write failed");
	return CLI_OK;
}

static void show_progress(void *arg, const char *phase, double done)
{
	(void)arg;
	fprintf(stderr, "\r%-16s %3d%%", phase, (int)(done * 100));
	fflush(stderr);
}

/* the instance, its H lines scored with the rule table if one is given */
static int load_instance(struct nursery_instance **in, const char *path,
			 const char *rules_path)
{
	struct err e;
	err_clear(&e);
	struct nursery_rules *rules = NULL;
	if (rules_path && nursery_rules_load(&rules, rules_path, &e)) {
		cli_error(&e, "選考基準表を読めません",
			  "cannot read the rule table");
		return 0;
	}
	int rc = nursery_instance_load_rules(in, path, rules, &e);
	nursery_rules_free(rules);
	if (rc) {
		cli_error(&e, "入力を受け付けられません",
			  "the input was refused");
		return 0;
	}
	return 1;
}

static int cmd_allocate(int argc, char **argv)
{
	struct nursery_alloc_opts o;
	nursery_alloc_opts_init(&o);
	const char *out = NULL, *input = NULL, *rules = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cli_is_help(a)) {
			usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--rules")) {
			if (!need_arg(i, argc))
				return CLI_USAGE;
			rules = argv[++i];
		} else if (!strcmp(a, "--algo") || !strcmp(a, "--time-limit") ||
		    !strcmp(a, "-o") || !strcmp(a, "--restarts")) {
			if (!need_arg(i, argc))
				return CLI_USAGE;
			const char *v = argv[++i];
			if (!strcmp(a, "--algo")) {
				if (nursery_algo_parse(&o.algo, v)) {
					usage(stderr);
					return CLI_USAGE;
				}
			} else if (!strcmp(a, "--time-limit")) {
				o.time_limit = atof(v);
			} else if (!strcmp(a, "--restarts")) {
				o.max_restarts = atoi(v);
			} else {
				out = v;
			}
		} else if (!strcmp(a, "--no-decompose")) {
			o.no_decompose = 1;
		} else if (!strcmp(a, "--allow-fewer")) {
			o.allow_fewer = 1;
		} else if (a[0] == '-' && a[1]) {
			usage(stderr);
			return CLI_USAGE;
		} else if (!input) {
			input = a;
		} else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!input) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct nursery_progress pr = { show_progress, NULL };
	if (isatty(2))
		o.progress = &pr;
	struct nursery_instance *in;
	if (!load_instance(&in, input, rules))
		return CLI_FAILED;
	struct err e;
	err_clear(&e);
	struct nursery_result r;
	int rc = nursery_alloc_run(&r, in, &o, &e);
	if (o.progress)
		fputs("\r                      \r", stderr);
	if (rc) {
		nursery_instance_free(in);
		return cli_error(&e, "割り当てに失敗しました",
				 "allocation failed");
	}
	fprintf(stderr, "algo=%s status=%s seconds=%.3f", nursery_algo_name(r.algo),
		nursery_status_name(r.status), r.seconds);
	if (r.algo == NURSERY_ALGO_SIBLING)
		fprintf(stderr, " restarts=%d cycles=%d blocking_left=%ld",
			r.restarts, r.cycles, r.blocking_left);
	if (r.algo == NURSERY_ALGO_EXACT)
		fprintf(stderr, " gap=%.6f components=%d bc_bound=%ld "
				"placed_bound=%ld undecided=%ld",
			r.gap, r.components, r.bc_bound, r.placed_bound,
			r.reduced_units);
	fputc('\n', stderr);
	if (r.status == NURSERY_STATUS_UNSTABLE)
		fputs("madoguchi: 安定な割り当てが見つかりませんでした（結果は"
		      "出力します） / no stable outcome found (result written)\n",
		      stderr);
	FILE *f = open_out(out);
	if (!f) {
		nursery_result_done(&r);
		nursery_instance_free(in);
		return cli_error(NULL, "出力ファイルを開けません",
				 "cannot open the output file");
	}
	rc = nursery_result_write(&r, in, f, &e);
	nursery_result_done(&r);
	nursery_instance_free(in);
	if (close_out(f) || rc)
		return cli_error(&e, "書き込みに失敗しました", "write failed");
	return CLI_OK;
}

static int load_pair(struct nursery_instance **in, struct nursery_result *r,
		     const char *input, const char *result, const char *rules)
{
	if (!load_instance(in, input, rules))
		return 0;
	struct err e;
	err_clear(&e);
	if (nursery_result_load(r, *in, result, &e)) {
		nursery_instance_free(*in);
		cli_error(&e, "結果ファイルを受け付けられません",
			  "the result file was refused");
		return 0;
	}
	return 1;
}

static int cmd_verify(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL }, *rules = NULL;
	int np = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(argv[i], "--rules")) {
			if (!need_arg(i, argc))
				return CLI_USAGE;
			rules = argv[++i];
		} else if (np < 2 && (argv[i][0] != '-' || !argv[i][1])) {
			pos[np++] = argv[i];
		} else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (np != 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct nursery_instance *in;
	struct nursery_result r;
	if (!load_pair(&in, &r, pos[0], pos[1], rules))
		return CLI_FAILED;
	struct nursery_metrics m;
	struct err e;
	err_clear(&e);
	int rc = nursery_verify_run(&m, in, r.assign, &e);
	nursery_result_done(&r);
	nursery_instance_free(in);
	if (rc)
		return cli_error(&e, "検証に失敗しました", "verification failed");
	nursery_metrics_write_json(&m, stdout);
	if (m.capacity_violations || m.sibling_violations ||
	    m.transfer_violations || m.invalid_assignments) {
		fputs("madoguchi: 定員・きょうだい・転園の条件に違反しています / "
		      "the result violates capacity, sibling or transfer "
		      "rules\n",
		      stderr);
		return CLI_FAILED;
	}
	return CLI_OK;
}

/* a family id, or a child id standing for its family */
static int find_family(const struct nursery_instance *in, const char *id)
{
	for (int i = 0; i < in->nfam; i++)
		if (in->fam[i].id && !strcmp(in->fam[i].id, id))
			return i;
	int c = nursery_instance_find_child(in, id);
	return c >= 0 ? in->child[c].family : -1;
}

/* one letter per family (a single child is its own family) into dir:
 * <id>.txt, and <id>.pdf when asked; '/' in ids becomes '_' */
static int write_letters(const struct nursery_instance *in, const int *assign,
			 const char *dir, int pdf)
{
	struct err e;
	err_clear(&e);
	char path[4096];
	for (int f = 0; f < in->nfam; f++) {
		const struct nursery_family *fm = &in->fam[f];
		if (fm->nchild == 0)
			continue;
		const char *id = fm->id ? fm->id
					: in->child[in->fam_child[fm->child_off]].id;
		char safe[NURSERY_ID_MAX];
		snprintf(safe, sizeof safe, "%s", id);
		for (char *p = safe; *p; p++)
			if (*p == '/')
				*p = '_';
		snprintf(path, sizeof path, "%s/%s.txt", dir, safe);
		FILE *out = fopen(path, "wb");
		if (!out)
			return cli_error(NULL, "出力ファイルを開けません",
					 "cannot open the output file");
		int rc = nursery_explain_write_letter_text(in, assign, f, out, &e);
		if (fclose(out) || rc)
			return cli_error(&e, "書き込みに失敗しました",
					 "write failed");
		if (pdf) {
			snprintf(path, sizeof path, "%s/%s.pdf", dir, safe);
			if (nursery_letter_pdf_write(in, assign, f, path, &e))
				return cli_error(&e, "PDFを作成できません",
						 "cannot write the PDF letter");
		}
	}
	return CLI_OK;
}

static int cmd_explain(int argc, char **argv)
{
	const char *input = NULL, *result = NULL, *out = NULL, *letter = NULL;
	const char *pdf = NULL, *rules = NULL, *letters = NULL;
	int letters_pdf = 0;
	int cutoffs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cli_is_help(a)) {
			usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--cutoffs")) {
			cutoffs = 1;
		} else if (!strcmp(a, "--letters-pdf")) {
			letters_pdf = 1;
		} else if (!strcmp(a, "--letters")) {
			if (!need_arg(i, argc))
				return CLI_USAGE;
			letters = argv[++i];
		} else if (!strcmp(a, "-o") || !strcmp(a, "--letter") ||
			   !strcmp(a, "--pdf") || !strcmp(a, "--rules")) {
			if (!need_arg(i, argc))
				return CLI_USAGE;
			if (!strcmp(a, "--rules"))
				rules = argv[++i];
			else if (!strcmp(a, "-o"))
				out = argv[++i];
			else if (!strcmp(a, "--pdf"))
				pdf = argv[++i];
			else
				letter = argv[++i];
		} else if (!input) {
			input = a;
		} else if (!result) {
			result = a;
		} else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!input || !result || (pdf && !letter)) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct nursery_instance *in;
	struct nursery_result r;
	if (!load_pair(&in, &r, input, result, rules))
		return CLI_FAILED;
	struct err e;
	err_clear(&e);
	int rc = 0;
	if (letters) {
		rc = write_letters(in, r.assign, letters, letters_pdf);
		goto done;
	}
	if (pdf) {
		int fam = find_family(in, letter);
		if (fam < 0)
			rc = cli_error(NULL, "世帯または児童が見つかりません",
				       "no such family or child");
		else if (nursery_letter_pdf_write(in, r.assign, fam, pdf, &e))
			rc = cli_error(&e, "PDFを作成できません",
				       "cannot write the PDF letter");
		goto done;
	}
	FILE *f = open_out(out);
	if (!f) {
		rc = cli_error(NULL, "出力ファイルを開けません",
			       "cannot open the output file");
		goto done;
	}
	if (letter) {
		int fam = find_family(in, letter);
		if (fam < 0) {
			rc = cli_error(NULL, "世帯または児童が見つかりません",
				       "no such family or child");
			close_out(f);
			goto done;
		}
		rc = nursery_explain_write_letter_text(in, r.assign, fam, f, &e);
	} else if (cutoffs) {
		rc = nursery_explain_write_cutoffs(in, r.assign, f, &e);
	} else {
		rc = nursery_explain_write_csv(in, r.assign, f, &e);
	}
	if (close_out(f) || rc)
		rc = cli_error(&e, "説明の出力に失敗しました",
			       "writing the explanation failed");
done:
	nursery_result_done(&r);
	nursery_instance_free(in);
	return rc;
}

int cli_nursery(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "generate"))
		return cmd_generate(argc - 1, argv + 1);
	if (!strcmp(sub, "allocate"))
		return cmd_allocate(argc - 1, argv + 1);
	if (!strcmp(sub, "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(sub, "explain"))
		return cmd_explain(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown "
			"subcommand: %s\n",
		sub);
	usage(stderr);
	return CLI_USAGE;
}
