/*
 * search.c -- package_search: words (q), filters (fq), sort, paging and
 * facets over the tenant's active datasets.
 *
 * Text matching is behind opendata_search_key() and the `search_key`
 * column: the folded text (jp_text_fold: NFKC, case, hiragana to
 * katakana, dash and space look-alikes) of title, English title,
 * description, tags and organisation, matched as a plain substring (instr / strpos) for each
 * word (so 1- and 2-character Japanese queries work).  When the shared
 * search module (src/search) lands, these two functions switch to it.
 *
 * Limits: q at most 8 words (OPENDATA_Q_WORDS), fq at most OPENDATA_FQ_MAX
 * terms, rows at most OPENDATA_ROWS_API_MAX, facet.limit 50.
 */
#include "opendata/opendata.h"
#include "opendata/opendata_int.h"
#include "jp/text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPENDATA_Q_WORDS 8
#define FACET_LIMIT 50
#define OPENDATA_KEY_MAX 2000 /* bytes of the indexed search key */

int opendata_search_key(char **out, const char *text, struct err *e)
{
	return jp_text_fold(out, text, strlen(text), e);
}

int opendata_search_reindex(struct store *s, const char *tenant, const char *dataset_id,
			    struct err *e)
{
	struct buf b;
	buf_init(&b, 4 * OPENDATA_TEXT_MAX);
	struct store_rows *r;
	struct store_val p[] = { sv_text(dataset_id), sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT d.title, COALESCE(d.title_en,''), o.title, COALESCE(o.title_en,''),"
				    " d.name, COALESCE(d.notes,'') FROM opendata_datasets d"
				    " JOIN opendata_orgs o ON o.id=d.org_id WHERE d.id=$1 AND d.tenant=$2",
			     p, SV_N(p), e);
	if (rc)
		return rc;
	char *notes = NULL;
	if ((rc = store_rows_next(r, e)) == 1) {
		for (int i = 0; i < 5; i++)
			buf_printf(&b, "%s\n", store_col_text(r, i));
		notes = strdup(store_col_text(r, 5));
	}
	store_rows_free(r);
	if (rc <= 0) {
		buf_done(&b);
		free(notes);
		return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "dataset %s", dataset_id);
	}
	if ((rc = store_query(&r, s, "SELECT tag FROM opendata_tags WHERE dataset_id=$1", p, 1, e))) {
		buf_done(&b);
		free(notes);
		return rc;
	}
	while ((rc = store_rows_next(r, e)) == 1)
		buf_printf(&b, "%s\n", store_col_text(r, 0));
	store_rows_free(r);
	buf_puts(&b, notes ? notes : "");
	free(notes);
	char *key = NULL;
	if (rc == 0)
		rc = opendata_search_key(&key, buf_cstr(&b), e);
	buf_done(&b);
	/* the key is indexed: at most OPENDATA_KEY_MAX bytes (titles, tags
	 * and organisation come first; a long description's tail is cut) */
	if (key && strlen(key) > OPENDATA_KEY_MAX) {
		size_t k = OPENDATA_KEY_MAX;
		while (k > 0 && ((unsigned char)key[k] & 0xC0) == 0x80)
			k--;
		key[k] = '\0';
	}
	if (rc)
		return rc;
	struct store_val u[] = { sv_text(dataset_id), sv_text(key) };
	rc = store_exec(s, "UPDATE opendata_datasets SET search_key=$2 WHERE id=$1", u, SV_N(u), e);
	free(key);
	return rc < 0 ? rc : 0;
}

static const char *const fq_fields[] = {
	"tags", "organization", "owner_org", "groups", "res_format", "license_id", "name", "id",
};

int opendata_query_parse_fq(struct opendata_query *q, char *fq, struct err *e)
{
	char *p = fq;
	while (*p) {
		while (*p == ' ' || *p == '+')
			p++;
		if (!*p)
			break;
		if (strncmp(p, "AND ", 4) == 0) {
			p += 4;
			continue;
		}
		char *colon = strchr(p, ':');
		if (!colon)
			return err_set(e, ERR_INVALID, "fq term without field:value");
		*colon = '\0';
		const char *field = p;
		int known = 0;
		for (size_t i = 0; i < sizeof fq_fields / sizeof fq_fields[0]; i++)
			known |= strcmp(field, fq_fields[i]) == 0;
		if (!known)
			return err_set(e, ERR_INVALID, "fq field %.40s is not supported", field);
		char *v = colon + 1, *end;
		if (*v == '"') {
			v++;
			end = strchr(v, '"');
			if (!end)
				return err_set(e, ERR_INVALID, "fq value with an open quote");
			*end = '\0';
			p = end + 1;
		} else {
			end = v + strcspn(v, " ");
			p = *end ? end + 1 : end;
			*end = '\0';
		}
		if (q->nfq >= OPENDATA_FQ_MAX)
			return err_set(e, ERR_LIMIT, "more than %d fq terms", OPENDATA_FQ_MAX);
		q->fq_field[q->nfq] = field;
		q->fq_value[q->nfq] = v;
		q->nfq++;
	}
	return 0;
}

static const char *sort_sql(const char *f)
{
	if (strcmp(f, "metadata_modified") == 0) return "d.modified";
	if (strcmp(f, "metadata_created") == 0) return "d.created";
	if (strcmp(f, "title_string") == 0 || strcmp(f, "title") == 0) return "d.title";
	if (strcmp(f, "name") == 0) return "d.name";
	if (strcmp(f, "id") == 0) return "d.id";
	if (strcmp(f, "score") == 0) return "d.modified";
	return NULL;
}

/* ORDER BY from a CKAN sort string into b; ERR_INVALID if not ours */
static int order_by(struct buf *b, const char *sort)
{
	char tmp[256];
	if (!sort || !*sort)
		sort = "score desc, metadata_modified desc";
	if (strlen(sort) >= sizeof tmp)
		return ERR_INVALID;
	snprintf(tmp, sizeof tmp, "%s", sort);
	char *save = NULL;
	int n = 0;
	for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char f[64], dir[16] = "asc", extra[8];
		int k = sscanf(t, " %63s %15s %7s", f, dir, extra);
		if (k < 1 || k > 2 || (strcmp(dir, "asc") && strcmp(dir, "desc")))
			return ERR_INVALID;
		const char *col = sort_sql(f);
		if (!col)
			return ERR_INVALID;
		buf_printf(b, "%s%s %s", n++ ? ", " : " ORDER BY ", col, dir);
	}
	if (n == 0)
		return ERR_INVALID;
	buf_puts(b, ", d.name asc");
	return 0;
}

int opendata_query_sort_valid(const char *sort)
{
	struct buf b;
	buf_init(&b, 1024);
	int rc = order_by(&b, sort);
	buf_done(&b);
	return rc;
}

struct where {
	struct buf sql;
	struct store_val p[STORE_MAX_PARAMS];
	int np;
	char *words[OPENDATA_Q_WORDS];
	int nwords;
};

static void where_done(struct where *w)
{
	buf_done(&w->sql);
	for (int i = 0; i < w->nwords; i++)
		free(w->words[i]);
}

static int where_build(struct where *w, const struct opendata_ctx *c,
		       const struct opendata_query *q, struct err *e)
{
	memset(w, 0, sizeof *w);
	buf_init(&w->sql, 16384);
	w->p[w->np++] = sv_text(c->tenant);
	buf_puts(&w->sql, " WHERE d.tenant=$1 AND d.state='active'");
	if (q->q && *q->q) {
		char *key = NULL;
		int rc = opendata_search_key(&key, q->q, e);
		if (rc)
			return rc;
		char *save = NULL;
		for (char *t = strtok_r(key, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			if (strcmp(t, "*:*") == 0)
				continue;
			if (w->nwords >= OPENDATA_Q_WORDS) {
				free(key);
				return err_set(e, ERR_LIMIT, "more than %d words", OPENDATA_Q_WORDS);
			}
			/* a plain substring of the folded key: instr() in SQLite,
			 * strpos() in PostgreSQL (no LIKE pattern characters) */
			w->words[w->nwords] = strdup(t);
			if (!w->words[w->nwords]) {
				free(key);
				return ERR_NOMEM;
			}
			w->p[w->np++] = sv_text(w->words[w->nwords++]);
			buf_printf(&w->sql, store_kind(c->s) == STORE_PG ? " AND strpos(d.search_key, $%d) > 0"
									 : " AND instr(d.search_key, $%d) > 0", w->np);
		}
		free(key);
	}
	for (int i = 0; i < q->nfq; i++) {
		const char *f = q->fq_field[i];
		w->p[w->np++] = sv_text(q->fq_value[i]);
		int k = w->np;
		if (strcmp(f, "tags") == 0)
			buf_printf(&w->sql, " AND d.id IN (SELECT t.dataset_id FROM opendata_tags t WHERE t.tenant=$1 AND t.tag=$%d)", k);
		else if (strcmp(f, "organization") == 0 || strcmp(f, "owner_org") == 0)
			buf_printf(&w->sql, " AND d.org_id IN (SELECT o.id FROM opendata_orgs o WHERE o.tenant=$1 AND o.is_org=1 AND (o.name=$%d OR o.id=$%d))", k, k);
		else if (strcmp(f, "groups") == 0)
			buf_printf(&w->sql, " AND d.id IN (SELECT m.dataset_id FROM opendata_members m JOIN opendata_orgs g ON g.id=m.group_id WHERE g.tenant=$1 AND g.is_org=0 AND (g.name=$%d OR g.id=$%d))", k, k);
		else if (strcmp(f, "res_format") == 0)
			buf_printf(&w->sql, " AND d.id IN (SELECT r.dataset_id FROM opendata_resources r WHERE r.tenant=$1 AND r.format=$%d)", k);
		else if (strcmp(f, "license_id") == 0)
			buf_printf(&w->sql, " AND d.license_id=$%d", k);
		else if (strcmp(f, "name") == 0)
			buf_printf(&w->sql, " AND d.name=$%d", k);
		else if (strcmp(f, "id") == 0)
			buf_printf(&w->sql, " AND d.id=$%d", k);
	}
	return 0;
}

static int facet(json_t *facets, json_t *sfacets, struct store *s, const struct where *w,
		 const char *field, struct err *e)
{
	struct buf sql;
	buf_init(&sql, 32768);
	if (strcmp(field, "tags") == 0)
		buf_printf(&sql, "SELECT t.tag, t.tag, COUNT(*) FROM opendata_tags t JOIN opendata_datasets d ON d.id=t.dataset_id%s GROUP BY t.tag", buf_cstr(&w->sql));
	else if (strcmp(field, "organization") == 0)
		buf_printf(&sql, "SELECT o.name, o.title, COUNT(*) FROM opendata_datasets d JOIN opendata_orgs o ON o.id=d.org_id%s GROUP BY o.name, o.title", buf_cstr(&w->sql));
	else if (strcmp(field, "groups") == 0)
		buf_printf(&sql, "SELECT g.name, g.title, COUNT(*) FROM opendata_members m JOIN opendata_orgs g ON g.id=m.group_id JOIN opendata_datasets d ON d.id=m.dataset_id%s GROUP BY g.name, g.title", buf_cstr(&w->sql));
	else if (strcmp(field, "res_format") == 0)
		buf_printf(&sql, "SELECT r.format, r.format, COUNT(DISTINCT d.id) FROM opendata_resources r JOIN opendata_datasets d ON d.id=r.dataset_id%s GROUP BY r.format", buf_cstr(&w->sql));
	else if (strcmp(field, "license_id") == 0)
		buf_printf(&sql, "SELECT d.license_id, COALESCE(l.title_ja, d.license_id), COUNT(*) FROM opendata_datasets d LEFT JOIN opendata_licenses l ON l.tenant=d.tenant AND l.id=d.license_id%s GROUP BY d.license_id, l.title_ja", buf_cstr(&w->sql));
	else {
		buf_done(&sql);
		return err_set(e, ERR_INVALID, "facet field %.40s is not supported", field);
	}
	buf_printf(&sql, " ORDER BY 3 DESC, 1 ASC LIMIT %d", FACET_LIMIT);
	struct store_rows *r;
	int rc = store_query(&r, s, buf_cstr(&sql), w->p, w->np, e);
	buf_done(&sql);
	if (rc)
		return rc;
	json_t *fo = json_object(), *items = json_array();
	while ((rc = store_rows_next(r, e)) == 1) {
		const char *name = store_col_text(r, 0);
		json_int_t n = store_col_int(r, 2);
		json_object_set_new(fo, name, json_integer(n));
		json_array_append_new(items, json_pack("{s:s,s:s,s:I}", "name", name, "display_name",
						       store_col_text(r, 1), "count", n));
	}
	store_rows_free(r);
	json_object_set_new(facets, field, fo);
	json_object_set_new(sfacets, field, json_pack("{s:s,s:o}", "title", field, "items", items));
	return rc < 0 ? rc : 0;
}

int opendata_search(json_t **out, const struct opendata_ctx *c,
		    const struct opendata_query *q, struct err *e)
{
	*out = NULL;
	struct where w;
	int rc = where_build(&w, c, q, e);
	struct buf sql;
	buf_init(&sql, 32768);
	json_t *res = NULL;
	if (rc)
		goto out;
	int64_t count = 0;
	buf_printf(&sql, "SELECT d.id, d.modified, (SELECT MAX(h.id) FROM opendata_changes h WHERE h.dataset_id=d.id)"
			 " FROM opendata_datasets d%s", buf_cstr(&w.sql));
	if (order_by(&sql, q->sort)) {
		rc = err_set(e, ERR_INVALID, "sort not supported");
		goto out;
	}
	buf_printf(&sql, " LIMIT %ld OFFSET %ld", q->rows, q->start);
	/* ids first: package dicts need their own queries on this connection */
	char **ids = calloc((size_t)(q->rows > 0 ? q->rows : 1), sizeof *ids);
	int64_t *mod = calloc((size_t)(q->rows > 0 ? q->rows : 1), 2 * sizeof *mod);
	int nids = 0;
	struct store_rows *r;
	if (!ids || !mod) {
		free(ids);
		free(mod);
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = store_query(&r, c->s, buf_cstr(&sql), w.p, w.np, e)) == 0) {
		while ((rc = store_rows_next(r, e)) == 1 && nids < q->rows) {
			mod[2 * nids] = store_col_int(r, 1);
			mod[2 * nids + 1] = store_col_int(r, 2);
			ids[nids++] = strdup(store_col_text(r, 0));
		}
		store_rows_free(r);
	}
	json_t *results = json_array();
	for (int i = 0; rc >= 0 && i < nids; i++) {
		json_t *pkg = NULL;
		if (ids[i] && (rc = opendata_package_cached(&pkg, NULL, c, ids[i], mod[2 * i], mod[2 * i + 1], e)) == 0)
			json_array_append_new(results, pkg);
	}
	for (int i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	free(mod);
	if (rc < 0) {
		json_decref(results);
		goto out;
	}
	/* the count: known without another scan when this page is the last */
	if (q->rows > 0 && nids < q->rows && (nids > 0 || q->start == 0)) {
		count = q->start + nids;
	} else {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT COUNT(*) FROM opendata_datasets d%s", buf_cstr(&w.sql));
		if ((rc = store_query_int(&count, c->s, buf_cstr(&sql), w.p, w.np, e))) {
			json_decref(results);
			goto out;
		}
	}
	json_t *facets = json_object(), *sf = json_object();
	res = json_pack("{s:I,s:s,s:o,s:o,s:o}", "count", (json_int_t)count, "sort",
			q->sort && *q->sort ? q->sort : "score desc, metadata_modified desc",
			"results", results, "facets", facets, "search_facets", sf);
	for (int i = 0; rc >= 0 && i < q->nfacets; i++)
		rc = facet(facets, sf, c->s, &w, q->facets[i], e);
	rc = rc < 0 ? rc : 0;
out:
	buf_done(&sql);
	where_done(&w);
	if (rc)
		json_decref(res);
	else
		*out = res;
	return rc;
}
