/*
 * backup.c -- logical backup and restore, portable between SQLite and
 * PostgreSQL (see store.h for the format).
 *
 * Invariants: a backup reads every table inside one snapshot transaction,
 * so the file is a consistent picture even while the server writes; it ends
 * with a line counting its rows, and a restore that does not reach that line
 * fails and rolls back.  Restore refuses a database whose tables hold rows
 * (other than schema_migrations), so nothing is ever merged or overwritten.
 */
#include "store/store_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define BACKUP_LINE_MAX (130u << 20)   /* a 64 MiB blob in hex, and more */
#define BACKUP_MAX_COLUMNS 128

static int write_line(FILE *out, json_t *j, struct err *e)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (!s)
		return err_set(e, ERR_NOMEM, "out of memory");
	int ok = fputs(s, out) >= 0 && fputc('\n', out) != EOF;
	free(s);
	return ok ? 0 : err_set(e, ERR_IO, "cannot write the backup file");
}

static json_t *value_json(struct store_rows *r, int col)
{
	switch (store_col_type(r, col)) {
	case STORE_T_NULL:
		return json_null();
	case STORE_T_INT:
		return json_integer(store_col_int(r, col));
	case STORE_T_BLOB: {
		size_t len = 0;
		const void *p = store_col_blob(r, col, &len);
		char *hex = malloc(2 * len + 1);
		if (!hex)
			return NULL;
		hex_encode(hex, p, len);
		json_t *o = json_pack("{s:s}", "hex", hex);
		free(hex);
		return o;
	}
	default:
		return json_string(store_col_text(r, col));
	}
}

static int backup_table(struct store *s, FILE *out, const char *table,
			const struct store_progress *pr, long long *rows,
			struct err *e)
{
	char sql[300];
	if ((size_t)snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", table) >= sizeof sql)
		return err_set(e, ERR_LIMIT, "table name too long");
	struct store_rows *r;
	int rc = store_query(&r, s, sql, NULL, 0, e);
	if (rc)
		return rc;
	int ncols = store_rows_ncols(r);
	json_t *cols = json_array();
	for (int i = 0; i < ncols; i++)
		json_array_append_new(cols, json_string(store_col_name(r, i)));
	rc = write_line(out, json_pack("{s:s,s:o}", "table", table, "columns", cols), e);
	long long n = 0;
	while (rc == 0 && (rc = store_rows_next(r, e)) == 1) {
		json_t *row = json_array();
		int hrc = 0;
		for (int i = 0; i < ncols && row; i++) {
			json_t *v = NULL;
			size_t len = 1;
			if (pr && pr->blob && store_col_type(r, i) == STORE_T_BLOB &&
			    (store_col_blob(r, i, &len), len == 0)) {
				void *ext = NULL;
				size_t extn = 0;
				if ((hrc = pr->blob(pr->blob_arg, table, r, i, &ext, &extn, e)))
					break;
				if (ext) {
					char *hex = malloc(2 * extn + 1);
					if (hex) {
						hex_encode(hex, ext, extn);
						v = json_pack("{s:s}", "hex", hex);
						free(hex);
					}
					free(ext);
					if (!v) {
						json_decref(row);
						row = NULL;
						break;
					}
				}
			}
			if (!v)
				v = value_json(r, i);
			if (!v) {
				json_decref(row);
				row = NULL;
				break;
			}
			json_array_append_new(row, v);
		}
		if (hrc) {
			json_decref(row);
			rc = hrc;
			break;
		}
		rc = row ? write_line(out, row, e) : err_set(e, ERR_NOMEM, "out of memory");
		if (++n % 1000 == 0 && pr && pr->fn)
			pr->fn(table, n, pr->arg);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*rows += n;
	if (pr && pr->fn)
		pr->fn(table, n, pr->arg);
	return 0;
}

int store_backup(struct store *s, FILE *out, const struct store_progress *pr,
		 long long *rows, struct err *e)
{
	*rows = 0;
	int rc = store_begin_snapshot(s, e);
	if (rc)
		return rc;
	char **tables = NULL;
	int nt = store_tables(&tables, s, e);
	if (nt < 0) {
		store_rollback(s);
		return nt;
	}
	rc = write_line(out, json_pack("{s:i,s:I,s:s}", "madoguchi_backup", 1,
				       "created_at_ms", (json_int_t)now_ms(),
				       "engine", s->kind == STORE_PG ? "postgresql" : "sqlite"), e);
	for (int i = 0; i < nt && rc == 0; i++)
		rc = backup_table(s, out, tables[i], pr, rows, e);
	if (rc == 0)
		rc = write_line(out, json_pack("{s:b,s:I}", "end", 1, "rows", (json_int_t)*rows), e);
	store_tables_free(tables, nt);
	store_rollback(s);   /* read-only: nothing to commit */
	if (rc == 0 && fflush(out) != 0)
		rc = err_set(e, ERR_IO, "cannot write the backup file");
	return rc;
}

/* read one line (without the newline) into b; 0 at EOF, 1 a line, <0 err */
static int read_line(struct buf *b, FILE *in, struct err *e)
{
	buf_reset(b);
	int c;
	while ((c = fgetc(in)) != EOF && c != '\n')
		if (buf_putc(b, (char)c))
			return err_set(e, ERR_LIMIT, "backup line too long");
	if (c == EOF && b->len == 0)
		return 0;
	return 1;
}

static int is_known_table(char **tables, int nt, const char *name)
{
	for (int i = 0; i < nt; i++)
		if (strcmp(tables[i], name) == 0)
			return 1;
	return 0;
}

/* insert one row of the current table */
static int restore_row(struct store *s, const char *insert, json_t *row, int ncols,
		       long line, struct err *e)
{
	struct store_val v[BACKUP_MAX_COLUMNS];
	unsigned char *blobs[BACKUP_MAX_COLUMNS] = { 0 };
	if (!json_is_array(row) || (int)json_array_size(row) != ncols)
		return err_set_line(e, ERR_INVALID, line, "row does not match the columns");
	int rc = 0;
	for (int i = 0; i < ncols && rc == 0; i++) {
		json_t *x = json_array_get(row, (size_t)i);
		if (json_is_null(x)) {
			v[i] = sv_null();
		} else if (json_is_integer(x)) {
			v[i] = sv_int(json_integer_value(x));
		} else if (json_is_string(x)) {
			v[i] = sv_text(json_string_value(x));
		} else if (json_is_object(x) && json_is_string(json_object_get(x, "hex"))) {
			const char *hex = json_string_value(json_object_get(x, "hex"));
			size_t n = strlen(hex) / 2;
			blobs[i] = malloc(n + 1);
			if (!blobs[i] || hex_decode(blobs[i], n, hex))
				rc = err_set_line(e, ERR_INVALID, line, "bad blob in column %d", i + 1);
			else
				v[i] = sv_blob(blobs[i], n);
		} else {
			rc = err_set_line(e, ERR_INVALID, line, "unexpected value in column %d", i + 1);
		}
	}
	if (rc == 0) {
		rc = store_exec(s, insert, v, ncols, e);
		if (rc > 0)
			rc = 0;
		if (rc && e)
			e->line = line;
	}
	for (int i = 0; i < ncols; i++)
		free(blobs[i]);
	return rc;
}

/* after explicit ids were inserted, move PostgreSQL's sequences past them
 * (tables whose id is not a serial column have no sequence: skipped) */
static int fix_sequences(struct store *s, char **tables, int nt, struct err *e)
{
	if (s->kind != STORE_PG)
		return 0;
	for (int i = 0; i < nt; i++) {
		char qualified[160];
		snprintf(qualified, sizeof qualified, "\"%s\"", tables[i]);
		struct store_val v[] = { sv_text(qualified) };
		char *seq = NULL;
		int rc = store_query_text(&seq, s, "SELECT pg_get_serial_sequence($1, 'id')"
					  " WHERE EXISTS (SELECT 1 FROM information_schema.columns"
					  " WHERE table_schema = current_schema() AND table_name = $2"
					  " AND column_name = 'id')", (struct store_val[]){ v[0], sv_text(tables[i]) },
					  2, e);
		if (rc == ERR_NOTFOUND)
			continue; /* no id column */
		if (rc)
			return rc;
		if (!seq)
			continue; /* an id that is not serial */
		char sql[400];
		snprintf(sql, sizeof sql, "SELECT setval($1, (SELECT COALESCE(max(id), 0) + 1 FROM \"%s\"), false)",
			 tables[i]);
		struct store_val sv[] = { sv_text(seq) };
		rc = store_exec(s, sql, sv, 1, e);
		free(seq);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int is_seeded(const char *const *seeded, const char *name)
{
	for (; seeded && *seeded; seeded++)
		if (strcmp(*seeded, name) == 0)
			return 1;
	return 0;
}

int store_restore(struct store *s, FILE *in, const char *const *seeded,
		  const struct store_progress *pr, long long *rows,
		  struct err *e)
{
	*rows = 0;
	char **tables = NULL;
	int nt = store_tables(&tables, s, e);
	if (nt < 0)
		return nt;
	int rc = 0;
	for (int i = 0; i < nt && rc == 0; i++) {
		if (strcmp(tables[i], "schema_migrations") == 0 || is_seeded(seeded, tables[i]))
			continue;
		char sql[300];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", tables[i]);
		int64_t n = 0;
		rc = store_query_int(&n, s, sql, NULL, 0, e);
		if (rc == 0 && n > 0)
			rc = err_set(e, ERR_CONFLICT, "table %s is not empty: restore needs an empty database",
				     tables[i]);
	}
	if (rc) {
		store_tables_free(tables, nt);
		return rc;
	}
	struct buf line;
	buf_init(&line, BACKUP_LINE_MAX);
	char *insert = NULL;
	int ncols = 0, skip = 0, ended = 0;
	long lineno = 0;
	long long table_rows = 0;
	const char *table = NULL;
	char table_name[128] = "";
	rc = store_begin(s, e);
	while (rc == 0 && (rc = read_line(&line, in, e)) == 1) {
		lineno++;
		rc = 0;
		json_error_t jerr;
		json_t *j = json_loadb(line.data, line.len, 0, &jerr);
		if (!j) {
			rc = err_set_line(e, ERR_INVALID, lineno, "not JSON: %s", jerr.text);
			break;
		}
		if (ended) {
			rc = err_set_line(e, ERR_INVALID, lineno, "data after the end line");
		} else if (lineno == 1) {
			if (!json_is_object(j) || json_integer_value(json_object_get(j, "madoguchi_backup")) != 1)
				rc = err_set_line(e, ERR_INVALID, 1, "not a madoguchi backup (version 1)");
		} else if (json_is_object(j) && json_object_get(j, "end")) {
			if (json_integer_value(json_object_get(j, "rows")) != *rows + table_rows)
				rc = err_set_line(e, ERR_INVALID, lineno, "row count does not match");
			ended = 1;
		} else if (json_is_object(j) && json_is_string(json_object_get(j, "table"))) {
			*rows += table_rows;
			if (table && pr && pr->fn)
				pr->fn(table, table_rows, pr->arg);
			table_rows = 0;
			snprintf(table_name, sizeof table_name, "%s",
				 json_string_value(json_object_get(j, "table")));
			table = table_name;
			json_t *cols = json_object_get(j, "columns");
			ncols = json_is_array(cols) ? (int)json_array_size(cols) : 0;
			skip = strcmp(table, "schema_migrations") == 0;
			if (!skip && !is_known_table(tables, nt, table))
				rc = err_set_line(e, ERR_INVALID, lineno, "table %s does not exist here", table);
			else if (ncols <= 0 || ncols > BACKUP_MAX_COLUMNS)
				rc = err_set_line(e, ERR_INVALID, lineno, "bad column list");
			if (rc == 0 && !skip && is_seeded(seeded, table)) {
				char del[200];
				snprintf(del, sizeof del, "DELETE FROM \"%s\"", table);
				rc = store_exec(s, del, NULL, 0, e);
				if (rc > 0)
					rc = 0;
			}
			struct buf q;
			buf_init(&q, 1u << 16);
			buf_printf(&q, "INSERT INTO \"%s\" (", table);
			for (int i = 0; rc == 0 && i < ncols; i++) {
				const char *c = json_string_value(json_array_get(cols, (size_t)i));
				if (!c || strchr(c, '"'))
					rc = err_set_line(e, ERR_INVALID, lineno, "bad column name");
				else
					buf_printf(&q, "%s\"%s\"", i ? ", " : "", c);
			}
			buf_puts(&q, ") VALUES (");
			for (int i = 0; i < ncols; i++)
				buf_printf(&q, "%s$%d", i ? ", " : "", i + 1);
			buf_puts(&q, ")");
			free(insert);
			insert = buf_steal(&q);
		} else if (!table) {
			rc = err_set_line(e, ERR_INVALID, lineno, "row before any table line");
		} else {
			/* rows of skipped tables count too: the end line counts all */
			if (!skip)
				rc = restore_row(s, insert, j, ncols, lineno, e);
			table_rows++;
		}
		json_decref(j);
	}
	if (rc == 0 && !ended)
		rc = err_set_line(e, ERR_INVALID, lineno, "the backup is truncated (no end line)");
	if (rc == 0)
		rc = fix_sequences(s, tables, nt, e);
	if (rc == 0)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	free(insert);
	buf_done(&line);
	store_tables_free(tables, nt);
	return rc;
}
