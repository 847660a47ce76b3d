/*
 * news.h -- the public header of the news service (お知らせ): notices a
 * municipality publishes on its home page and at /news, written by staff
 * with the permission news.publish.  Domain code only: no HTTP.
 *
 * A notice has a Japanese title and body (English optional), an
 * "important" flag, the day it appears (publish_at) and optionally the
 * day it stops (until_at).  Its state is draft, published, withdrawn or
 * archived.
 *
 * Invariant (the one rule the pages, the CLI and the home page share):
 * a notice is public when, and only when, its state is published,
 * publish_at <= now, and until_at is unset or later than now
 * (news_is_public; news_list with NEWS_PUBLIC asks the database the same).
 * Every limit below is checked by news_check before anything is stored.
 */
#ifndef MADOGUCHI_SVC_NEWS_H
#define MADOGUCHI_SVC_NEWS_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "svc/notify/notify.h"   /* the categories */

struct store;

#define NEWS_TITLE_MAX 200          /* bytes of a title (UTF-8)           */
#define NEWS_BODY_MAX 8000          /* bytes of a body                     */
#define NEWS_PAGE_MAX 100           /* notices one news_list call returns   */

enum news_state { NEWS_DRAFT = 0, NEWS_PUBLISHED, NEWS_WITHDRAWN, NEWS_ARCHIVED };

/* A notice may be filed under one of the categories (分野) of the news
 * topic: svc/notify's fixed list (notify_categories), since a resident's
 * subscription to "news.<code>" names one. */
#define NEWS_CATEGORY_MAX NOTIFY_CATEGORY_MAX

struct news_item {
	int64_t id;                 /* 0: not stored yet                    */
	const char *title_ja, *title_en;   /* title_en NULL or "": none       */
	const char *body_ja, *body_en;
	int important;              /* shown first, marked 重要              */
	const char *category;       /* a notify_categories code, or NULL/"":
				       none                                 */
	int64_t publish_at;         /* seconds since the epoch              */
	int64_t until_at;           /* 0: no end                            */
	enum news_state state;
	int64_t updated_at;
};

/* which notices news_list returns */
enum news_filter {
	NEWS_PUBLIC = 0,            /* what residents see now (the invariant) */
	NEWS_ALL = 1,               /* every notice of the tenant (staff)      */
};

/* news_state_name / news_state_parse -- "draft", "published", "withdrawn",
 * "archived"; parse answers -1 for anything else */
const char *news_state_name(enum news_state s);
int news_state_parse(const char *s);

/* a problem news_check found: which field, and the message in both
 * languages (fixed texts of ours) */
struct news_problem {
	const char *field;          /* "title_ja", "body_ja", "until", ...   */
	const char *ja, *en;
};

/* news_check -- 0, or ERR_INVALID with *p naming the first problem:
 * a Japanese title and body are required (spaces alone, 全角 too, are
 * not a title); every text within its limit
 * and well-formed UTF-8; the category, when set, one of notify_categories;
 * until_at, when set, after publish_at. */
int news_check(const struct news_item *it, struct news_problem *p);

/* news_is_public -- the invariant above, for one notice at now */
int news_is_public(const struct news_item *it, int64_t now);

/* news_save -- store it (news_check first; ERR_INVALID when it fails):
 * a new notice when it->id is 0 (*id gets its id), else replaces notice
 * it->id of tenant (ERR_NOTFOUND when tenant has none such); then the
 * site search is brought in line (news_index_sync for tenant at now). */
int news_save(int64_t *id, struct store *s, const char *tenant,
	      const struct news_item *it, int64_t now, struct err *e);

/* news_get -- notice id of tenant, its texts in a; ERR_NOTFOUND */
int news_get(struct news_item *out, struct arena *a, struct store *s,
	     const char *tenant, int64_t id, struct err *e);

/* news_set_state -- move notice id to state (ERR_NOTFOUND), then
 * news_index_sync for tenant at now */
int news_set_state(struct store *s, const char *tenant, int64_t id,
		   enum news_state state, int64_t now, struct err *e);

/* Which page of which notices news_list returns. */
struct news_query {
	enum news_filter filter;    /* NEWS_PUBLIC (at now) or NEWS_ALL    */
	int limit;                  /* 0..NEWS_PAGE_MAX (ERR_INVALID)      */
	int offset;                 /* notices skipped, >= 0 (ERR_INVALID) */
	int newest;                 /* 1: by publish_at only, the important
				       ones not first (the Atom feed)      */
	const char *category;       /* NULL: every notice; else only those
				       of this category                    */
};
/* news_list -- the notices of tenant that q->filter selects, important
 * ones first (unless q->newest) then the newest publish_at, skipping q->offset and at most
 * q->limit; fn sees each (its texts live until fn returns).  Returns how
 * many there are in all (for paging), or a negative ERR_*. */
int news_list(struct store *s, const char *tenant, const struct news_query *q,
	      int64_t now, void (*fn)(const struct news_item *it, void *arg), void *arg,
	      struct err *e);

/* news_archive_due -- published notices whose until_at has passed become
 * archived (every tenant); returns how many, or a negative ERR_*.  It does
 * not touch the search: news_index_sync(NULL tenant) does (the job). */
int news_archive_due(struct store *s, int64_t now, struct err *e);

/* news_index_sync -- make the site search's collection "news" hold exactly
 * the notices public at now (of tenant, or of every tenant when tenant is
 * NULL), with their current texts (index.c): puts what became public or
 * was edited, deletes what is no longer public.  Idempotent: a second run
 * at the same now changes nothing.  Joins the caller's transaction, else
 * runs in its own.  sr NULL: a write-only handle is opened on s for the
 * run.  Returns how many documents it put or deleted, or a negative ERR_*.
 * news_save and news_set_state call it themselves (for their tenant, at
 * their now); the news.archive job calls it for every tenant at each
 * 00:00 JST, so a notice appears on its start day and goes on its end
 * day. */
/* news_next_day -- the next 00:00 in Japan after now (strictly later):
 * when the set of public notices next changes without a write */
int64_t news_next_day(int64_t now);

struct search;
int news_index_sync(struct search *sr, struct store *s, const char *tenant, int64_t now,
		    struct err *e);

extern const struct store_module_schema news_schema;

#endif
