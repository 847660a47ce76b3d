/*
 * result.c -- the result file: CSV, one row per child in instance order,
 *
 *   child_id,family_id,age,assigned,rank
 *
 * assigned is a nursery id or empty (not placed); rank is the preference
 * position (1 = first choice), 0 when a transfer child keeps its current
 * seat, empty when not placed.  UTF-8 without BOM, LF line ends; the same
 * result gives the same bytes.  Reading refuses unknown or repeated
 * children, unknown nurseries and missing children, naming the line.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/nursery/nursery_int.h"

int nursery_result_write(const struct nursery_result *r,
			 const struct nursery_instance *in, FILE *f,
			 struct err *e)
{
	fputs("child_id,family_id,age,assigned,rank\n", f);
	for (int c = 0; c < in->nchild; c++) {
		const struct nursery_child *ch = &in->child[c];
		const struct nursery_family *fm = &in->fam[ch->family];
		int d = r->assign[c];
		fprintf(f, "%s,%s,%d,", ch->id, fm->id ? fm->id : "-", ch->age);
		if (d < 0) {
			fputs(",\n", f);
			continue;
		}
		int rank = 0;
		for (int k = 0; k < ch->npref; k++)
			if (in->pref_fac[ch->pref_off + (size_t)k] == d)
				rank = k + 1;
		fprintf(f, "%s,%d\n", in->fac[d].id, rank);
	}
	if (ferror(f))
		return err_set(e, ERR_IO, "write failed");
	return 0;
}

int nursery_result_parse(struct nursery_result *out,
			 const struct nursery_instance *in, const char *buf,
			 size_t len, struct err *e)
{
	memset(out, 0, sizeof *out);
	const char *u;
	size_t ulen;
	char *owned;
	int rc = nursery_text_to_utf8(&u, &ulen, &owned, buf, len, e);
	if (rc)
		return rc;
	out->nchild = in->nchild;
	out->assign = malloc(sizeof(int) * ((size_t)in->nchild + 1));
	char *seen = calloc((size_t)in->nchild + 1, 1);
	if (!out->assign || !seen) {
		free(seen);
		free(owned);
		nursery_result_done(out);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int c = 0; c < in->nchild; c++)
		out->assign[c] = -1;
	size_t pos = 0;
	long line = 0;
	while (pos < ulen && !rc) {
		const char *p = u + pos;
		const char *nl = memchr(p, '\n', ulen - pos);
		size_t n = nl ? (size_t)(nl - p) : ulen - pos;
		pos += n + 1;
		line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#' ||
		    (n >= 8 && !memcmp(p, "child_id", 8)))
			continue;
		const char *fld[5];
		size_t fl[5];
		int nf = 0;
		size_t i = 0;
		while (nf < 5) {
			size_t s = i;
			while (i < n && p[i] != ',' && p[i] != '\t')
				i++;
			fld[nf] = p + s;
			fl[nf] = i - s;
			nf++;
			if (i >= n)
				break;
			i++;
		}
		if (nf < 4) {
			rc = err_set_line(e, ERR_INVALID, line,
					  "need child_id,family_id,age,"
					  "assigned");
			break;
		}
		int c = nursery_index_find(in, 1, fld[0], fl[0]);
		if (c < 0) {
			rc = err_set_line(e, ERR_NOTFOUND, line,
					  "unknown child %.*s",
					  (int)(fl[0] < 64 ? fl[0] : 64), fld[0]);
			break;
		}
		if (seen[c]) {
			rc = err_set_line(e, ERR_INVALID, line,
					  "child %s appears twice",
					  in->child[c].id);
			break;
		}
		seen[c] = 1;
		if (fl[3] == 0 || (fl[3] == 1 && fld[3][0] == '-'))
			continue;
		int d = nursery_index_find(in, 0, fld[3], fl[3]);
		if (d < 0) {
			rc = err_set_line(e, ERR_NOTFOUND, line,
					  "unknown nursery %.*s",
					  (int)(fl[3] < 64 ? fl[3] : 64), fld[3]);
			break;
		}
		out->assign[c] = d;
	}
	for (int c = 0; c < in->nchild && !rc; c++)
		if (!seen[c])
			rc = err_set(e, ERR_INVALID, "child %s has no row",
				     in->child[c].id);
	free(seen);
	free(owned);
	if (rc)
		nursery_result_done(out);
	return rc;
}

int nursery_result_load(struct nursery_result *out,
			const struct nursery_instance *in, const char *path,
			struct err *e)
{
	char *buf;
	size_t len;
	int rc = nursery_file_read(&buf, &len, path, e);
	if (rc)
		return rc;
	rc = nursery_result_parse(out, in, buf, len, e);
	free(buf);
	return rc;
}
