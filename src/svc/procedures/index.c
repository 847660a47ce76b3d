/*
 * index.c -- procedures in the Japanese full-text search
 * (src/core/search, collection "procedure"): what a resident types into the
 * procedure search finds a procedure by its titles (ja, en, やさしい日本語),
 * its description, and the labels of its pages and fields, with 1- and
 * 2-character Japanese words working (「犬」「保育」).
 *
 * Invariants: the document is written with search_put on the caller's
 * store connection, so inside a publication's transaction it commits with
 * the version it describes; id = the procedure code; only published text
 * of the definition goes in (no answers, nothing personal).  Body text is
 * capped at SEARCH_MAX_BODY.
 */
#include <string.h>

#include "svc/procedures/procedures.h"
#include "base/buf.h"
#include "core/forms/forms.h"
#include "core/search/search.h"

static void add_text(struct buf *b, const struct forms_text *t)
{
	const char *parts[] = { t->ja, t->en, t->ja_easy };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (parts[i] && parts[i][0]) {
			buf_puts(b, parts[i]);
			buf_puts(b, "\n");
		}
}

static void add_fields(struct buf *b, const struct forms_field *fs, int n)
{
	for (int i = 0; i < n; i++) {
		add_text(b, &fs[i].label);
		if (fs[i].type == FORMS_T_GROUP)
			add_fields(b, fs[i].fields, fs[i].nfields);
	}
}

int procedures_index(struct search *sr, const char *tenant, const struct forms_def *d,
			struct err *e)
{
	struct buf title, body;
	buf_init(&title, SEARCH_MAX_TITLE);
	buf_init(&body, SEARCH_MAX_BODY);
	buf_puts(&title, d->title.ja);
	buf_puts(&title, " ");
	buf_puts(&title, d->title.en);
	if (d->title.ja_easy) {
		buf_puts(&title, " ");
		buf_puts(&title, d->title.ja_easy);
	}
	add_text(&body, &d->description);
	for (int p = 0; p < d->npages; p++) {
		add_text(&body, &d->pages[p].title);
		add_fields(&body, d->pages[p].fields, d->pages[p].nfields);
	}
	struct search_field f[1 + 20];
	int nf = 0;
	f[nf++] = (struct search_field){ .name = "department", .value = d->department };
	for (int i = 0; i < d->nlife_events && nf < (int)(sizeof f / sizeof f[0]); i++)
		f[nf++] = (struct search_field){ .name = "life_event", .value = d->life_events[i] };
	struct search_doc doc = {
		.tenant = tenant, .collection = "procedure", .id = d->id,
		.title = buf_cstr(&title), .body = buf_cstr(&body), .fields = f, .nfields = nf,
	};
	int rc = search_put(sr, &doc, e);
	buf_done(&title);
	buf_done(&body);
	return rc;
}
