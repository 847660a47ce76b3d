/*
 * feed_atom.c -- the public notices as Atom feeds (RFC 4287):
 *   GET /news/feed.atom      in Japanese
 *   GET /news/feed.en.atom   in English where a notice has English, else
 *                            its Japanese (that entry marked xml:lang="ja")
 *
 * What a feed holds is the invariant of the list page: the notices public
 * now (news_list NEWS_PUBLIC), the newest NEWS_FEED_ENTRIES by start day;
 * a draft, a withdrawn, archived or ended notice is never in it.
 *
 * Ids are the notices' permanent URLs under the municipality's link base
 * (app_mail_link_base: serve --public-url, else its host): the feed's is
 * the feed's URL, an entry's the notice's page (with "#en" in the English
 * feed, a representation of its own).  Times are RFC 3339 in UTC: an
 * entry's updated is the later of its last edit and its start day (when
 * it became public), the feed's the latest of its entries'.  Text is
 * escaped for XML (& < > " ') and characters XML 1.0 cannot carry are
 * left out.  Caching: ETag (a hash of the document) with If-None-Match
 * answered 304, Last-Modified, Cache-Control public for 5 minutes.
 */
#include "web/app.h"
#include "web/app_mail.h"
#include "svc/news/news.h"
#include "svc/news/web/news_web.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* text for XML character data and attribute values */
static void xml_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		case '\t': case '\n': buf_append(b, (const char *)p, 1); break;
		case '\r': break;                      /* CRLF -> LF */
		default:
			if (*p < 0x20 || *p == 0x7f)       /* not XML 1.0 characters */
				break;
			/* U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not either */
			if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
				p += 2;
				break;
			}
			buf_append(b, (const char *)p, 1);
		}
	}
}

static void rfc3339(char out[32], int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct feed {
	struct http_req *r;
	struct buf entries;
	const char *base;
	int en;
	int64_t updated;
};

static void entry(const struct news_item *it, void *arg)
{
	struct feed *f = arg;
	struct buf *b = &f->entries;
	int en = f->en && it->title_en && *it->title_en;
	int64_t up = it->updated_at > it->publish_at ? it->updated_at : it->publish_at;
	if (up > f->updated)
		f->updated = up;
	char u[32], pub[32];
	rfc3339(u, up);
	rfc3339(pub, it->publish_at);
	buf_puts(b, f->en && !en ? "<entry xml:lang=\"ja\">\n<id>" : "<entry>\n<id>");
	xml_text(b, f->base);
	buf_printf(b, "/news/%lld%s</id>\n<title>", (long long)it->id, f->en ? "#en" : "");
	xml_text(b, en ? it->title_en : it->title_ja);
	buf_printf(b, "</title>\n<updated>%s</updated>\n<published>%s</published>\n"
		   "<link rel=\"alternate\" type=\"text/html\" href=\"", u, pub);
	xml_text(b, f->base);
	buf_printf(b, "/news/%lld\"/>\n", (long long)it->id);
	if (it->important) {
		buf_puts(b, "<category term=\"important\" label=\"");
		xml_text(b, html_t(f->en ? HTML_EN : HTML_JA, "news.important"));
		buf_puts(b, "\"/>\n");
	}
	buf_puts(b, "<content type=\"text\">");
	xml_text(b, en && it->body_en && *it->body_en ? it->body_en : it->body_ja);
	buf_puts(b, "</content>\n</entry>\n");
}

static int send_feed(struct http_req *r, int en)
{
	struct app_req *q = app_req(r);
	char base[600];
	if (app_mail_link_base(base, sizeof base, app_of(r), &q->tenant))
		snprintf(base, sizeof base, "http://localhost");
	struct feed f = { .r = r, .base = base, .en = en };
	buf_init(&f.entries, NEWS_FEED_BYTES);
	struct err e;
	int rc = news_list(app_store(r), q->tenant.code,
			   &(struct news_query){ .filter = NEWS_PUBLIC, .limit = NEWS_FEED_ENTRIES, .newest = 1 },
			   app_now(), entry, &f, &e);
	if (rc < 0) {
		buf_done(&f.entries);
		return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	const char *self = en ? "/news/feed.en.atom" : "/news/feed.atom";
	char up[32];
	rfc3339(up, f.updated);
	struct buf b;
	buf_init(&b, NEWS_FEED_BYTES + 4096);
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		   "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n<id>", en ? "en" : "ja");
	xml_text(&b, base);
	buf_printf(&b, "%s</id>\n<title>", self);
	xml_text(&b, en ? q->tenant.name_en : q->tenant.name_ja);
	buf_puts(&b, en ? ": " : " ");
	xml_text(&b, html_t(en ? HTML_EN : HTML_JA, "news.title"));
	buf_printf(&b, "</title>\n<updated>%s</updated>\n<author><name>", up);
	xml_text(&b, en ? q->tenant.name_en : q->tenant.name_ja);
	buf_puts(&b, "</name></author>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml_text(&b, base);
	buf_printf(&b, "%s\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"", self);
	xml_text(&b, base);
	buf_puts(&b, "/news\"/>\n<generator>madoguchi</generator>\n");
	buf_append(&b, f.entries.data ? f.entries.data : "", f.entries.len);
	buf_done(&f.entries);
	buf_puts(&b, "</feed>\n");

	/* the validators: a hash of the document, the latest entry's time */
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)(b.data ? b.data : ""), b.len, NULL, 0);
	char hex[33], etag[40], lm[64];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(etag, sizeof etag, "\"%s\"", hex);
	struct tm tm;
	time_t t = (time_t)f.updated;
	gmtime_r(&t, &tm);
	strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	http_set_header(r, "etag", etag);
	http_set_header(r, "last-modified", lm);
	http_set_header(r, "cache-control", "public, max-age=300");
	const char *inm = http_header(r, "if-none-match");
	int fresh = inm && (strstr(inm, etag) || strcmp(inm, "*") == 0);
	rc = fresh ? http_send(r, 304, "application/atom+xml; charset=utf-8", "", 0)
		   : http_send(r, 200, "application/atom+xml; charset=utf-8", b.data ? b.data : "", b.len);
	buf_done(&b);
	return rc;
}

const char *news_feed_href(enum html_lang l)
{
	return l == HTML_EN ? "/news/feed.en.atom" : "/news/feed.atom";
}

int page_news_feed(struct http_req *r)
{
	return send_feed(r, 0);
}

int page_news_feed_en(struct http_req *r)
{
	return send_feed(r, 1);
}
