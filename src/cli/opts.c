/*
 * opts.c -- long options for the subcommands; see opts.h.
 */
#include "cli/opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int opts_parse(struct opt *opts, int nopts, int argc, char **argv,
	       const char **pos, int maxpos)
{
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (npos >= maxpos) {
				fprintf(stderr, "madoguchi: 余分な引数があります / unexpected argument: %s\n", a);
				return -1;
			}
			pos[npos++] = a;
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t nl = eq ? (size_t)(eq - name) : strlen(name);
		struct opt *o = NULL;
		for (int j = 0; j < nopts; j++)
			if (strlen(opts[j].name) == nl && strncmp(opts[j].name, name, nl) == 0)
				o = &opts[j];
		if (!o) {
			fprintf(stderr, "madoguchi: 不明なオプションです / unknown option: %s\n", a);
			return -1;
		}
		if (!o->has_value) {
			o->value = "1";
		} else if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			fprintf(stderr, "madoguchi: --%s には値が必要です / --%s needs a value\n",
				o->name, o->name);
			return -1;
		}
	}
	return npos;
}

const char *opts_get(const struct opt *opts, int nopts, const char *name)
{
	for (int i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].value;
	return NULL;
}

const char *opts_db(const struct opt *opts, int nopts)
{
	const char *db = opts_get(opts, nopts, "db");
	if (!db || !*db)
		db = getenv("MADOGUCHI_DB");
	return db && *db ? db : NULL;
}
