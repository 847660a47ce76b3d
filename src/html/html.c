/*
 * html.c -- escaping, the base layout, the error summary.  See html.h.
 */
#include "html/html.h"

#include <stdio.h>
#include <stdarg.h>
#include <string.h>

int html_lang_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "ja") == 0) return HTML_JA;
	if (strcmp(s, "en") == 0) return HTML_EN;
	if (strcmp(s, "ja-easy") == 0) return HTML_JA_EASY;
	return -1;
}

const char *html_lang_code(enum html_lang l)
{
	return l == HTML_EN ? "en" : l == HTML_JA_EASY ? "ja-easy" : "ja";
}

const char *html_lang_attr(enum html_lang l)
{
	return l == HTML_EN ? "en" : "ja";
}

static void escape(struct buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		if (rep) {
			buf_append(b, run, (size_t)(s - run));
			buf_puts(b, rep);
			run = s + 1;
		}
	}
	buf_append(b, run, (size_t)(s - run));
}

void html_text(struct buf *b, const char *s)
{
	if (s)
		escape(b, s);
}

void html_attr(struct buf *b, const char *s)
{
	if (s)
		escape(b, s);
}

void html_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		buf_append(b, run, (size_t)(p - run));
		p++;
		switch (*p) {
		case 's': html_text(b, va_arg(ap, const char *)); break;
		case 'S': buf_puts(b, va_arg(ap, const char *)); break;
		case 'd': buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'l':
			if (p[1] == 'l' && p[2] == 'd') {          /* %lld */
				buf_printf(b, "%lld", va_arg(ap, long long));
				p += 2;
			} else if (p[1] == 'd') {                  /* %ld  */
				buf_printf(b, "%ld", va_arg(ap, long));
				p++;
			} else {
				p--;
				buf_putc(b, '%');
			}
			break;
		case 'z':                                          /* %zu  */
			if (p[1] == 'u') {
				buf_printf(b, "%zu", va_arg(ap, size_t));
				p++;
			} else {
				p--;
				buf_putc(b, '%');
			}
			break;
		case '%': buf_putc(b, '%'); break;
		default: p--; buf_putc(b, '%');
		}
		run = p + 1;
	}
	buf_puts(b, run);
	va_end(ap);
}

/* the current path as a query value: percent-encoded but for unreserved
 * characters and '/', so that "&", "#", "%" or "?" in a path cannot end
 * the value or add another parameter (at most 512 bytes encoded, the
 * /lang route's limit; a longer path sends the language switch home) */
static void path_query_value(char *out, size_t cap, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *c = (const unsigned char *)(path ? path : "/"); *c; c++) {
		int keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			   (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' || *c == '_' ||
			   *c == '~' || *c == '/';
		if (o + (keep ? 1 : 3) >= cap) {
			snprintf(out, cap, "/");
			return;
		}
		if (keep) {
			out[o++] = (char)*c;
		} else {
			out[o++] = '%';
			out[o++] = hex[*c >> 4];
			out[o++] = hex[*c & 15];
		}
	}
	out[o] = 0;
}

static void lang_link(struct buf *b, const struct html_page *p, enum html_lang l,
		      const char *label)
{
	char next[513];
	path_query_value(next, sizeof next, p->path);
	html_printf(b, "<li><a href=\"/lang?to=%s&amp;next=%s\" lang=\"%s\"%S>%s</a></li>",
		    html_lang_code(l), next, html_lang_attr(l),
		    p->lang == l ? " aria-current=\"true\"" : "", label);
}

void html_page_begin(struct buf *b, const struct html_page *p)
{
	enum html_lang l = p->lang;
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%s | %s</title>\n"
		    "<link rel=\"stylesheet\" href=\"/assets/tokens.css\">\n"
		    "<link rel=\"stylesheet\" href=\"/assets/madoguchi.css\">\n"
		    "<script src=\"/assets/madoguchi.js\" defer></script>\n",
		    html_lang_attr(l), p->title, p->site_name);
	if (p->feed_href)
		html_printf(b, "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"%s\" title=\"%s\">\n",
			    p->feed_href, p->feed_title ? p->feed_title : "");
	buf_puts(b, "</head>\n");
	if (p->idle_seconds > 0)
		html_printf(b, "<body data-idle-seconds=\"%d\" data-idle-warning=\"%s\" "
			    "data-login-href=\"/login?expired=1\">\n",
			    p->idle_seconds, html_t(l, "idle.warning"));
	else
		buf_puts(b, "<body>\n");
	html_printf(b, "<a class=\"skip-link\" href=\"#main\">%s</a>\n", html_t(l, "skip"));
	html_printf(b, "<header class=\"site-header\">\n<p class=\"site-name\"><a href=\"/\">%s</a></p>\n",
		    p->site_name);
	html_printf(b, "<nav class=\"lang-switch\" aria-label=\"%s\"><ul>", html_t(l, "nav.lang"));
	lang_link(b, p, HTML_JA, "日本語");
	lang_link(b, p, HTML_JA_EASY, "やさしい日本語");
	lang_link(b, p, HTML_EN, "English");
	buf_puts(b, "</ul></nav>\n");
	if (p->user_name && p->csrf) {
		html_printf(b, "<div class=\"account\"><span>%s</span>"
			    "<form method=\"post\" action=\"/logout\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-link\">%s</button></form></div>\n",
			    p->user_name, p->csrf, html_t(l, "logout"));
	}
	buf_puts(b, "</header>\n");
	if (p->staff) {
		html_printf(b, "<nav class=\"staff-nav\" aria-label=\"%s\"><ul>"
			    "<li><a href=\"/staff\">%s</a></li>",
			    html_t(l, "nav.staff"), html_t(l, "staff.home"));
		for (int i = 0; i < p->nstaff_links; i++)
			html_printf(b, "<li><a href=\"%s\">%s</a></li>", p->staff_links[i].href,
				    p->staff_links[i].label);
		html_printf(b, "<li><a href=\"/account\">%s</a></li></ul></nav>\n",
			    html_t(l, "account"));
	}
	if (p->title_lang)
		html_printf(b, "<main id=\"main\" tabindex=\"-1\">\n<h1 lang=\"%s\">%s</h1>\n",
			    p->title_lang, p->title);
	else
		html_printf(b, "<main id=\"main\" tabindex=\"-1\">\n<h1>%s</h1>\n", p->title);
	if (p->idle_seconds > 0)
		buf_puts(b, "<div id=\"idle-warning\" class=\"notice\" role=\"alert\" hidden></div>\n");
}

void html_page_end(struct buf *b, const struct html_page *p)
{
	html_printf(b, "</main>\n<footer class=\"site-footer\"><p>%s</p><p>%s</p>",
		    p->site_name, html_t(p->lang, "footer.note"));
	if (p->demo)
		html_printf(b, "<p class=\"demo-note\">%s</p>", html_t(p->lang, "footer.demo"));
	buf_puts(b, "</footer>\n</body>\n</html>\n");
}

void html_error_summary(struct buf *b, enum html_lang l, const char *const *ids,
			const char *const *msgs, int n)
{
	if (n <= 0)
		return;
	html_printf(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
		    "aria-labelledby=\"error-summary-title\">"
		    "<h2 id=\"error-summary-title\">%s</h2><ul>", html_t(l, "errors.title"));
	for (int i = 0; i < n; i++)
		html_printf(b, "<li><a href=\"#%s\">%s</a></li>", ids[i], msgs[i]);
	buf_puts(b, "</ul></div>\n");
}
