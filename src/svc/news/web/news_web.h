/*
 * news_web.h -- the web side of the news service: its pages
 * (page_news.c), the home page's section, its route table (routes.c), and
 * the slot its init fills from `serve --news-home-count N`.
 */
#ifndef MADOGUCHI_SVC_NEWS_WEB_H
#define MADOGUCHI_SVC_NEWS_WEB_H

#include "web/app.h"

#define NEWS_HOME_COUNT_DEFAULT 3

/* the service's slot (svc_state) */
struct news_web_config {
	int home_count;             /* notices on the home page; 0: none */
};
int news_check_home_count(const char *v);
int news_web_init(void **state, struct app *a, struct err *e);
void news_web_done(void *state);
const struct news_web_config *news_web_config(struct http_req *r);

/* the Atom feeds (feed_atom.c): the newest public notices, at most this
 * many, in at most this many bytes */
#define NEWS_FEED_ENTRIES 20
#define NEWS_FEED_BYTES (2u << 20)
int page_news_feed(struct http_req *r);
int page_news_feed_en(struct http_req *r);
/* the feed's path for a page in l (the English one on English pages) */
const char *news_feed_href(enum html_lang l);

int page_news_list(struct http_req *r);
int page_news_item(struct http_req *r);
void news_home(struct buf *b, struct http_req *r);
int page_staff_news(struct http_req *r);
int page_staff_news_new(struct http_req *r);
int page_staff_news_edit(struct http_req *r);
int page_staff_news_create(struct http_req *r);
int page_staff_news_save(struct http_req *r);
int page_staff_news_withdraw(struct http_req *r);

/* the permission to send a notice to its subscribers when publishing it
 * (svc/notify's, held by whoever may send notices: notify_web.h) */
#define NEWS_PERM_NOTIFY "notify.send"

/* the permission of the staff pages */
#define NEWS_PERM_PUBLISH "news.publish"

extern const struct http_route news_routes[];
extern const struct svc svc_news;

#endif
