/*
 * html.h -- the page writer: escaping by default, the accessible base
 * layout, and the bilingual message catalog.
 *
 * Every piece of text that is not a fixed literal of ours goes through
 * html_text() (element content) or html_attr() (attribute values), which
 * escape & < > " ' .  The layout gives every page: lang attribute, a skip
 * link, header/nav/main/footer landmarks, a language switch (日本語,
 * English, やさしい日本語), the Digital Agency design tokens and our style
 * sheet, and no inline script (the Content-Security-Policy forbids it).
 *
 * Languages: "ja", "en", "ja-easy" (やさしい日本語: plain Japanese with
 * short sentences and furigana-friendly words; its lang attribute is "ja").
 */
#ifndef MADOGUCHI_HTML_HTML_H
#define MADOGUCHI_HTML_HTML_H

#include "base/buf.h"

enum html_lang { HTML_JA = 0, HTML_EN = 1, HTML_JA_EASY = 2 };

/* html_lang_parse -- "ja", "en", "ja-easy" (anything else: -1). */
int html_lang_parse(const char *s);
const char *html_lang_code(enum html_lang l);     /* "ja", "en", "ja-easy" */
const char *html_lang_attr(enum html_lang l);     /* "ja", "en", "ja"      */

/* html_text / html_attr -- append s escaped. */
void html_text(struct buf *b, const char *s);
void html_attr(struct buf *b, const char *s);
/* html_printf -- printf where every %s argument is escaped; use %S for a
 * string that is already HTML (our own fragments only).  Integers: %d,
 * %ld, %lld, %zu; %% is a percent sign; anything else is copied as
 * text and takes no argument. */
void html_printf(struct buf *b, const char *fmt, ...);

/* html_t -- a catalog message in the given language; falls back to ja
 * for ja-easy and never returns NULL (an unknown id returns the id). */
const char *html_t(enum html_lang l, const char *id);

/* One row of a message catalog: Japanese, English and やさしい日本語
 * (easy NULL: the Japanese text). */
struct html_msg {
	const char *id, *ja, *en, *easy;
};
/* html_catalog_add -- add a service's catalog (m stays owned by the
 * caller and must live as long as the process).  Call at start, before
 * other threads look messages up.  0; ERR_CONFLICT when an id is in the
 * catalog already (nothing added); ERR_LIMIT past 64 catalogs. */
int html_catalog_add(const struct html_msg *m, int n);
/* html_msg_find -- the row of id, or NULL (binary search). */
const struct html_msg *html_msg_find(const char *id);
/* html_catalog_rows -- every row, sorted by id; returns the count. */
size_t html_catalog_rows(const struct html_msg *const **rows);

/* a link of a menu: its label is text (escaped) */
struct html_link {
	const char *href, *label;
};

struct html_page {
	enum html_lang lang;
	const char *title;         /* page title (text)                      */
	const char *title_lang;    /* its language when it is not the page's
				      ("ja" for a Japanese-only title on an
				      English page), NULL: the page's        */
	const char *site_name;     /* municipality name in this language     */
	const char *user_name;     /* logged-in display name or NULL          */
	const char *csrf;          /* for the logout form; NULL when not logged in */
	const char *path;          /* current path, for the language links    */
	int idle_seconds;          /* >0: warn before the idle timeout        */
	int staff;                 /* back-office navigation                  */
	int demo;                  /* a demo municipality: the footer says it
				      is fictional                          */
	const struct html_link *staff_links; /* the staff menu's sections between
						"staff home" and "account" (the
						caller leaves out those the
						member may not open)          */
	int nstaff_links;
	/* an Atom feed of the page (<link rel="alternate"> in the head, for
	   feed readers): its local path and title, NULL: none */
	const char *feed_href, *feed_title;
};

void html_page_begin(struct buf *b, const struct html_page *p);
void html_page_end(struct buf *b, const struct html_page *p);

/* html_error_summary -- the accessible error summary (role=alert, a link
 * to each field by id).  ids[i]/msgs[i], n entries. */
void html_error_summary(struct buf *b, enum html_lang l, const char *const *ids,
			const char *const *msgs, int n);

#endif
