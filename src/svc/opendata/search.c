/*
 * search.c -- package_search: words (q), filters (fq), sort, paging and
 * facets over the tenant's active datasets.
 *
 * Words (q) go through the shared full-text index (src/core/search) when the
 * context has one (the server: one handle per worker, caught up from the
 * change log before each query): fq terms become the index's exact field
 * filters, the index counts every match and the facet values among them,
 * and its ranking is the default order; the page's package dicts then come
 * from SQL by name.  opendata_search_put() keeps the projection in step
 * with the catalog (same transaction).  Without an index (or without
 * words) SQL does everything: words are then plain substrings (instr /
 * strpos) of the folded `search_key` (jp_text_fold of title, English
 * title, description, tags and organisation).
 *
 * Limits: q at most 8 words (OPENDATA_Q_WORDS), fq at most OPENDATA_FQ_MAX
 * terms, rows at most OPENDATA_ROWS_API_MAX, facet.limit 50.
 */
#include "svc/opendata/opendata.h"
#include "svc/opendata/opendata_int.h"
#include "jp/text.h"
#include "core/search/search.h"

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

/* fields every dataset of ours has one value of (CKAN adds them to fq
 * itself; harvesters copy them): the value we hold, or NULL for any */
static const struct { const char *field, *value; } fq_constant[] = {
	{ "dataset_type", "dataset" }, { "type", "dataset" }, { "capacity", "public" },
	{ "state", "active" }, { "site_id", NULL }, { "private", "false" },
};

/* one value: "quoted with \" escapes" or bare with \-escapes, up to a
 * space; unescaped in place; *pp moves past it */
static int fq_value(char **out, char **pp, struct err *e)
{
	char *p = *pp, *w = p;
	*out = w;
	if (*p == '"') {
		p++;
		for (;;) {
			if (!*p)
				return err_set(e, ERR_INVALID, "Cannot parse fq: an opening quote is not closed");
			if (*p == '\\' && p[1]) {
				*w++ = p[1];
				p += 2;
				continue;
			}
			if (*p == '"')
				break;
			*w++ = *p++;
		}
		p++;
		if (*p && *p != ' ' && *p != '\t')
			return err_set(e, ERR_INVALID, "Cannot parse fq: text after a closing quote");
	} else {
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\\' && p[1]) {
				*w++ = p[1];
				p += 2;
				continue;
			}
			if (*p == '(' || *p == ')' || *p == '[' || *p == ']' || *p == '{' || *p == '}' ||
			    *p == '"')
				return err_set(e, ERR_INVALID, "Cannot parse fq: '%c' (groups and ranges are not supported)", *p);
			if ((*p == '*' || *p == '?') && w == *out && (!p[1] || p[1] == ' '))
				return err_set(e, ERR_INVALID, "Cannot parse fq: wildcards are not supported");
			*w++ = *p++;
		}
	}
	char *end = p;
	*pp = *end ? end + 1 : end;
	*w = '\0';
	if (!**out)
		return err_set(e, ERR_INVALID, "Cannot parse fq: an empty value");
	return 0;
}

int opendata_query_parse_fq(struct opendata_query *q, char *fq, struct err *e)
{
	char *p = fq;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		/* AND between clauses, and the required mark + in front of one,
		 * change nothing: every clause is required */
		if ((strncmp(p, "AND", 3) == 0 || strncmp(p, "&&", 2) == 0) &&
		    (p[p[0] == '&' ? 2 : 3] == ' ' || p[p[0] == '&' ? 2 : 3] == '\t')) {
			p += p[0] == '&' ? 2 : 3;
			continue;
		}
		if (strncmp(p, "OR ", 3) == 0 || strncmp(p, "|| ", 3) == 0 || strncmp(p, "NOT ", 4) == 0 ||
		    *p == '-' || *p == '!')
			return err_set(e, ERR_INVALID, "Cannot parse fq: OR and NOT are not supported");
		if (*p == '+')
			p++;
		char *colon = p + strcspn(p, ": \t");
		if (*colon != ':')
			return err_set(e, ERR_INVALID, "Cannot parse fq: a clause is not field:value");
		*colon = '\0';
		const char *field = p;
		if (!*field)
			return err_set(e, ERR_INVALID, "Cannot parse fq: a clause without a field");
		p = colon + 1;
		char *v;
		int rc = fq_value(&v, &p, e);
		if (rc)
			return rc;
		int known = 0;
		for (size_t i = 0; i < sizeof fq_fields / sizeof fq_fields[0]; i++)
			known |= strcmp(field, fq_fields[i]) == 0;
		if (!known) {
			size_t i;
			for (i = 0; i < sizeof fq_constant / sizeof fq_constant[0]; i++)
				if (strcmp(field, fq_constant[i].field) == 0)
					break;
			if (i == sizeof fq_constant / sizeof fq_constant[0])
				return err_set(e, ERR_NOTFOUND, "undefined field %.40s", field);
			if (fq_constant[i].value && strcmp(v, fq_constant[i].value) != 0 &&
			    !(strcmp(v, "*") == 0))
				q->none = 1;
			continue;
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

static int search_fts(json_t **out, const struct opendata_ctx *c,
		      const struct opendata_query *q, struct err *e);

/* q has a word other than CKAN's match-all "*:*" */
static int has_words(const char *q)
{
	if (!q)
		return 0;
	for (const char *p = q; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t");
		if (n && !(n == 3 && strncmp(p, "*:*", 3) == 0))
			return 1;
		p += n;
	}
	return 0;
}

int opendata_search(json_t **out, const struct opendata_ctx *c,
		    const struct opendata_query *q, struct err *e)
{
	*out = NULL;
	if (q->none) {
		/* a constant field asked for another value: nothing matches */
		json_t *f = json_object(), *sf = json_object();
		for (int i = 0; i < q->nfacets; i++) {
			json_object_set_new(f, q->facets[i], json_object());
			json_object_set_new(sf, q->facets[i], json_pack("{s:s,s:[]}", "title", q->facets[i], "items"));
		}
		*out = json_pack("{s:i,s:s,s:[],s:o,s:o}", "count", 0, "sort",
				 q->sort && *q->sort ? q->sort : "score desc, metadata_modified desc",
				 "results", "facets", f, "search_facets", sf);
		return *out ? 0 : ERR_NOMEM;
	}
	/* words or filters: the index finds the matches, counts them and
	 * their facet values (filters are exact tokens there, cheaper than
	 * SQL's IN over the tenant's datasets) */
	if (c->sr && (has_words(q->q) || q->nfq > 0))
		return search_fts(out, c, q, e);
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

/* ---- the full-text projection and the index path ---- */

int opendata_search_put(struct search *sr, struct store *s, const char *tenant,
			const char *dataset_id, struct err *e)
{
	if (!sr)
		return 0;
	struct store_val p[] = { sv_text(dataset_id), sv_text(tenant) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT d.name, d.title, COALESCE(d.notes,''), COALESCE(d.title_en,''),"
				    " o.name, o.id, o.title, COALESCE(d.license_id,''), d.state"
				    " FROM opendata_datasets d JOIN opendata_orgs o ON o.id=d.org_id"
				    " WHERE d.id=$1 AND d.tenant=$2", p, SV_N(p), e);
	if (rc)
		return rc;
	char *v[9] = { 0 };
	if ((rc = store_rows_next(r, e)) == 1)
		for (int i = 0; i < 9; i++)
			if (!(v[i] = strdup(store_col_text(r, i))))
				rc = ERR_NOMEM;
	store_rows_free(r);
	if (rc != 1) {
		for (int i = 0; i < 9; i++)
			free(v[i]);
		return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "dataset %s", dataset_id);
	}
	if (strcmp(v[8], "active") != 0) {
		rc = search_delete(sr, tenant, "opendata", v[0], e);
		for (int i = 0; i < 9; i++)
			free(v[i]);
		return rc;
	}
	struct search_field f[SEARCH_MAX_FIELDS];
	int nf = 0;
	f[nf++] = (struct search_field){ .name = "organization", .value = v[4] };
	f[nf++] = (struct search_field){ .name = "owner_org", .value = v[5], .filter_only = 1 };
	if (*v[6])
		f[nf++] = (struct search_field){ .name = "org_title", .value = v[6] };
	if (*v[7])
		f[nf++] = (struct search_field){ .name = "license_id", .value = v[7] };
	f[nf++] = (struct search_field){ .name = "name", .value = v[0] };
	f[nf++] = (struct search_field){ .name = "dataset_id", .value = dataset_id, .filter_only = 1 };
	if (*v[3])
		f[nf++] = (struct search_field){ .name = "title_en", .value = v[3] };
	/* formats, tags, groups: their values live until the put */
	char *vals[SEARCH_MAX_FIELDS];
	int nv = 0;
	static const char *const sql[] = {
		"SELECT DISTINCT format FROM opendata_resources WHERE dataset_id=$1 AND tenant=$2 AND format<>'' ORDER BY 1",
		/* by the primary key (dataset_id, tag): a tenant term would make
		 * SQLite walk the tenant's tag index instead */
		"SELECT tag FROM opendata_tags WHERE dataset_id=$1 AND (tenant=$2 OR $2 IS NULL) ORDER BY tag",
		"SELECT g.name FROM opendata_members m JOIN opendata_orgs g ON g.id=m.group_id"
		" WHERE m.dataset_id=$1 AND g.tenant=$2 ORDER BY g.name",
	};
	static const char *const names[] = { "res_format", "tag", "group" };
	for (int k = 0; k < 3 && rc >= 0; k++) {
		if ((rc = store_query(&r, s, sql[k], p, SV_N(p), e)))
			break;
		while ((rc = store_rows_next(r, e)) == 1)
			if (nf < SEARCH_MAX_FIELDS && nv < SEARCH_MAX_FIELDS) {
				const char *t = store_col_text(r, 0);
				if (!*t || strlen(t) > SEARCH_MAX_FIELD)
					continue;
				if (!(vals[nv] = strdup(t))) {
					rc = ERR_NOMEM;
					break;
				}
				f[nf++] = (struct search_field){ .name = names[k], .value = vals[nv++] };
			}
		store_rows_free(r);
	}
	if (rc >= 0) {
		struct search_doc doc = { .tenant = tenant, .collection = "opendata", .id = v[0],
					  .title = v[1], .body = v[2], .fields = f, .nfields = nf };
		rc = search_put(sr, &doc, e);
	}
	for (int i = 0; i < nv; i++)
		free(vals[i]);
	for (int i = 0; i < 9; i++)
		free(v[i]);
	return rc < 0 ? rc : 0;
}

/* ---- package_search through the full-text index ---- */

/* CKAN's fq and facet names -> the projection's field names */
static const char *fts_field(const char *ckan)
{
	if (strcmp(ckan, "tags") == 0) return "tag";
	if (strcmp(ckan, "groups") == 0) return "group";
	if (strcmp(ckan, "id") == 0) return "dataset_id";
	if (strcmp(ckan, "organization") == 0 || strcmp(ckan, "owner_org") == 0 ||
	    strcmp(ckan, "res_format") == 0 || strcmp(ckan, "license_id") == 0 ||
	    strcmp(ckan, "name") == 0)
		return ckan;
	return NULL;
}

/* a page's dataset by name: id, modified, last change */
static int page_pkg(json_t *results, const struct opendata_ctx *c, const char *name, struct err *e)
{
	struct store_val p[] = { sv_text(c->tenant), sv_text(name) };
	struct store_rows *r;
	int rc = store_query(&r, c->s, "SELECT d.id, d.modified, (SELECT MAX(h.id) FROM opendata_changes h"
				       " WHERE h.dataset_id=d.id) FROM opendata_datasets d"
				       " WHERE d.tenant=$1 AND d.name=$2 AND d.state='active'", p, SV_N(p), e);
	if (rc)
		return rc;
	char *id = NULL;
	int64_t mod = 0, chg = 0;
	if ((rc = store_rows_next(r, e)) == 1) {
		id = strdup(store_col_text(r, 0));
		mod = store_col_int(r, 1);
		chg = store_col_int(r, 2);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (!id)
		return rc == 1 ? ERR_NOMEM : 0; /* not active: left out */
	json_t *pkg = NULL;
	rc = opendata_package_cached(&pkg, NULL, c, id, mod, chg, e);
	free(id);
	if (rc == 0)
		json_array_append_new(results, pkg);
	return rc == ERR_NOTFOUND ? 0 : rc;
}

/* display names of organisations, groups or licences: name -> title */
static json_t *titles(const struct opendata_ctx *c, const char *facet, struct err *e)
{
	const char *sql = strcmp(facet, "license_id") == 0
		? "SELECT id, COALESCE(title_ja, id) FROM opendata_licenses WHERE tenant=$1"
		: strcmp(facet, "organization") == 0
		? "SELECT name, title FROM opendata_orgs WHERE tenant=$1 AND is_org=1"
		: strcmp(facet, "groups") == 0
		? "SELECT name, title FROM opendata_orgs WHERE tenant=$1 AND is_org=0" : NULL;
	json_t *o = json_object();
	if (!sql)
		return o;
	struct store_val p[] = { sv_text(c->tenant) };
	struct store_rows *r;
	if (store_query(&r, c->s, sql, p, 1, e))
		return o;
	while (store_rows_next(r, e) == 1)
		json_object_set_new(o, store_col_text(r, 0), json_string(store_col_text(r, 1)));
	store_rows_free(r);
	return o;
}

static int sort_is_score(const char *sort)
{
	if (!sort || !*sort)
		return 1;
	while (*sort == ' ')
		sort++;
	return strncmp(sort, "score", 5) == 0 && (sort[5] == ' ' || sort[5] == ',' || !sort[5]) &&
	       !strstr(sort, "score asc");
}

static int search_fts(json_t **out, const struct opendata_ctx *c,
		      const struct opendata_query *q, struct err *e)
{
	struct search_field filters[OPENDATA_FQ_MAX];
	int nfilters = 0;
	for (int i = 0; i < q->nfq; i++) {
		const char *f = fts_field(q->fq_field[i]);
		if (!f)
			return err_set(e, ERR_INVALID, "fq field %.40s is not supported", q->fq_field[i]);
		filters[nfilters++] = (struct search_field){ .name = f, .value = q->fq_value[i] };
	}
	const char *fnames[OPENDATA_FACETS_MAX];
	for (int i = 0; i < q->nfacets; i++)
		if (!(fnames[i] = fts_field(q->facets[i])) || strcmp(fnames[i], "name") == 0 ||
		    strcmp(fnames[i], "dataset_id") == 0)
			return err_set(e, ERR_INVALID, "facet field %.40s is not supported", q->facets[i]);
	/* without words every match scores the same: CKAN's order is then
	 * metadata_modified (order_by maps score to it), done in SQL */
	int by_score = has_words(q->q) && sort_is_score(q->sort);
	struct search_query sq = { .text = has_words(q->q) ? q->q : NULL, .tenant = c->tenant, .collection = "opendata",
				   .filters = filters, .nfilters = nfilters };
	long want = q->start + q->rows;
	struct search_ids_opts so = {
		.max = by_score ? (int)(want < 1 ? 1 : want > SEARCH_MAX_IDS ? SEARCH_MAX_IDS : want)
				: SEARCH_MAX_IDS,
		.facets = fnames, .nfacets = q->nfacets, .facet_limit = FACET_LIMIT,
	};
	struct search_ids ids;
	int rc = search_ids(&ids, c->sr, &sq, &so, e);
	if (rc) {
		search_ids_done(&ids);
		return rc;
	}
	json_t *results = json_array();
	if (by_score) {
		for (long i = q->start; rc == 0 && i < ids.n && i < want; i++)
			rc = page_pkg(results, c, ids.ids[i], e);
	} else if (ids.n > 0) {
		/* another order: the matches sorted in SQL */
		json_t *names = json_array();
		for (int i = 0; i < ids.n; i++)
			json_array_append_new(names, json_string(ids.ids[i]));
		char *js = json_dumps(names, JSON_COMPACT);
		json_decref(names);
		struct buf sql;
		buf_init(&sql, 8192);
		buf_printf(&sql, "SELECT d.name FROM opendata_datasets d WHERE d.tenant=$1 AND d.state='active'"
				 " AND d.name IN (%s)", store_kind(c->s) == STORE_PG
				 ? "SELECT jsonb_array_elements_text($2::jsonb)" : "SELECT value FROM json_each($2)");
		if (!js || order_by(&sql, q->sort)) {
			rc = js ? err_set(e, ERR_INVALID, "sort not supported") : ERR_NOMEM;
		} else {
			buf_printf(&sql, " LIMIT %ld OFFSET %ld", q->rows, q->start);
			struct store_val p[] = { sv_text(c->tenant), sv_text(js) };
			struct store_rows *r;
			char **page = calloc((size_t)(q->rows > 0 ? q->rows : 1), sizeof *page);
			long np = 0;
			if (!page)
				rc = ERR_NOMEM;
			else if ((rc = store_query(&r, c->s, buf_cstr(&sql), p, SV_N(p), e)) == 0) {
				while ((rc = store_rows_next(r, e)) == 1 && np < q->rows)
					page[np++] = strdup(store_col_text(r, 0));
				store_rows_free(r);
			}
			for (long i = 0; rc >= 0 && i < np; i++)
				rc = page[i] ? page_pkg(results, c, page[i], e) : ERR_NOMEM;
			for (long i = 0; page && i < np; i++)
				free(page[i]);
			free(page);
			rc = rc < 0 ? rc : 0;
		}
		buf_done(&sql);
		free(js);
	}
	if (rc) {
		json_decref(results);
		search_ids_done(&ids);
		return rc;
	}
	json_t *facets = json_object(), *sf = json_object();
	for (int i = 0; i < ids.nfacets; i++) {
		json_t *fo = json_object(), *items = json_array(), *tt = titles(c, q->facets[i], e);
		for (int k = 0; k < ids.facets[i].nvalues; k++) {
			const struct search_facet_value *v = &ids.facets[i].values[k];
			const char *dn = json_string_value(json_object_get(tt, v->value));
			json_object_set_new(fo, v->value, json_integer(v->count));
			json_array_append_new(items, json_pack("{s:s,s:s,s:I}", "name", v->value, "display_name",
							       dn ? dn : v->value, "count", (json_int_t)v->count));
		}
		json_decref(tt);
		json_object_set_new(facets, q->facets[i], fo);
		json_object_set_new(sf, q->facets[i], json_pack("{s:s,s:o}", "title", q->facets[i], "items", items));
	}
	*out = json_pack("{s:I,s:s,s:o,s:o,s:o}", "count", (json_int_t)ids.total, "sort",
			 q->sort && *q->sort ? q->sort : "score desc, metadata_modified desc",
			 "results", results, "facets", facets, "search_facets", sf);
	search_ids_done(&ids);
	return *out ? 0 : ERR_NOMEM;
}
