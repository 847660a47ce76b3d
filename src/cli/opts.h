/*
 * opts.h -- the small long-option parser every subcommand uses:
 * "--name value" and "--name=value", flags without a value, and
 * MADOGUCHI_DB as the fallback for --db.  Unknown options are errors.
 */
#ifndef MADOGUCHI_CLI_OPTS_H
#define MADOGUCHI_CLI_OPTS_H

struct opt {
	const char *name;     /* "db" for --db                          */
	int has_value;        /* 1: takes a value; 0: a flag            */
	const char *value;    /* result: the value, or "1" for a flag   */
};

/* opts_parse -- fill opts from argv[1..]; positional arguments go to
 * pos (at most maxpos).  Returns the number of positionals, or -1 after
 * printing a bilingual message for an unknown option or missing value. */
int opts_parse(struct opt *opts, int nopts, int argc, char **argv,
	       const char **pos, int maxpos);
const char *opts_get(const struct opt *opts, int nopts, const char *name);
/* opts_db -- --db, or MADOGUCHI_DB, or NULL */
const char *opts_db(const struct opt *opts, int nopts);

#endif
