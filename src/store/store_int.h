/*
 * store_int.h -- private to src/store: the backend vtable.
 *
 * store.c holds what both backends share (dispatch, migrations, the
 * convenience queries); store_sqlite.c and store_pg.c each fill one
 * `struct store_ops`.
 */
#ifndef MADOGUCHI_STORE_STORE_INT_H
#define MADOGUCHI_STORE_STORE_INT_H

#include "store/store.h"

struct store_ops {
	int (*exec)(struct store *s, const char *sql, const struct store_val *p,
		    int np, struct err *e);
	int (*query)(struct store_rows **out, struct store *s, const char *sql,
		     const struct store_val *p, int np, struct err *e);
	int (*next)(struct store_rows *r, struct err *e);
	int (*ncols)(const struct store_rows *r);
	void (*rows_free)(struct store_rows *r);
	int (*isnull)(const struct store_rows *r, int col);
	const char *(*text)(const struct store_rows *r, int col);
	const void *(*blob)(const struct store_rows *r, int col, size_t *len);
	enum store_type (*type)(const struct store_rows *r, int col);
	const char *(*name)(const struct store_rows *r, int col);
	int (*script)(struct store *s, const char *sql, struct err *e);
	void (*close)(struct store *s);
	const char *begin_write_sql;
	const char *begin_snapshot_sql;
	const char *id_type;      /* replaces {{ID}}   */
	const char *blob_type;    /* replaces {{BLOB}} */
	const char *tables_sql;   /* application tables in creation order */
};

/* The head every backend's connection struct starts with. */
struct store {
	const struct store_ops *ops;
	enum store_kind kind;
	int in_tx;
	char url_redacted[STORE_URL_MAX];
};

/* The head every backend's result set starts with. */
struct store_rows {
	struct store *s;
};

int store_sqlite_open(struct store **out, const char *path, struct err *e);
int store_pg_open(struct store **out, const char *conninfo, struct err *e);

/* sql_first_words -- the first words of a statement for error details
 * (never its values: those are bound, not spliced). */
void store_sql_head(char *out, size_t cap, const char *sql);

#endif
