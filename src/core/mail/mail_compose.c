/*
 * mail_compose.c -- address grammar, text checks and the composition of a
 * message per RFC 5322 + MIME (RFC 2045, 2047): see mail.h.
 *
 * Invariants: every header line written here is printable ASCII ended by
 * CRLF, of at most 76 characters except those holding an address or the
 * Message-ID (at most 998 by RFC 5322; an address is <= 254 bytes); a
 * value that came from a caller is written only after mail_addr_valid()
 * or mail_text_check() accepted it, and non-ASCII text only as base64
 * (encoded-words or the body), so no caller's byte can end a header line.
 */
#include "core/mail/mail.h"
#include "jp/date.h"
#include "core/mail/mail_int.h"
#include "base/buf.h"
#include "base/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

size_t mail_utf8_next(uint32_t *cp, const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

int mail_text_check(const char *s, size_t max, int allow_lines,
		    const char *what, struct err *e)
{
	if (!s)
		return err_set(e, ERR_INVALID, "%s missing", what);
	size_t n = strlen(s);
	if (n > max)
		return err_set(e, ERR_LIMIT, "%s longer than %zu bytes", what, max);
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = mail_utf8_next(&cp, p + i, n - i);
		if (!l)
			return err_set(e, ERR_INVALID, "%s: invalid UTF-8 at byte %zu", what, i);
		int ctl = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
		if (ctl && allow_lines &&
		    (cp == '\t' || cp == '\n' || (cp == '\r' && i + 1 < n && p[i + 1] == '\n')))
			ctl = 0;
		if (ctl)
			return err_set(e, ERR_INVALID, "%s: control character at byte %zu", what, i);
		i += l;
	}
	return 0;
}

static int is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int is_ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

int mail_addr_valid(const char *a)
{
	if (!a)
		return 0;
	size_t n = strlen(a);
	const char *at = strchr(a, '@');
	if (n == 0 || n > MAIL_ADDR_MAX || !at || strchr(at + 1, '@'))
		return 0;
	size_t local = (size_t)(at - a);
	if (local == 0 || local > MAIL_LOCAL_MAX || a[0] == '.' || at[-1] == '.')
		return 0;
	for (const char *p = a; p < at; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return 0;
		} else if (!is_atext((unsigned char)*p)) {
			return 0;
		}
	}
	const char *d = at + 1;
	int labels = 0;
	for (;;) {
		const char *q = d;
		while (is_ldh((unsigned char)*q))
			q++;
		size_t l = (size_t)(q - d);
		if (l == 0 || l > 63 || d[0] == '-' || q[-1] == '-')
			return 0;
		labels++;
		if (*q == '\0')
			break;
		if (*q != '.')
			return 0;
		d = q + 1;
	}
	return labels >= 2;
}

const char *mail_domain_of(const char *addr)
{
	const char *at = strchr(addr, '@');
	return at ? at + 1 : addr;
}

/* ---- encoded-words ------------------------------------------------------ */

static int b64(struct buf *b, const void *p, size_t n)
{
	char tmp[4 * 64 + 1];   /* n <= 189 bytes per call */
	if (n > 189)
		return ERR_INTERNAL;
	sodium_bin2base64(tmp, sizeof tmp, p, n, sodium_base64_VARIANT_ORIGINAL);
	return buf_puts(b, tmp);
}

static int plain_ascii(const char *s, size_t room)
{
	size_t n = strlen(s);
	if (n > room)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	/* "=?" could read as the start of an encoded-word */
	return strstr(s, "=?") == NULL;
}

/* Append text as encoded-words of at most MAIL_EW_BYTES bytes each, split
 * between characters; the first on the current line, each further one on
 * a folded line (CRLF SP). */
static int put_encoded_words(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;
	int first = 1, rc = 0;
	while (i < n && !rc) {
		size_t j = i;
		while (j < n) {
			uint32_t cp;
			size_t l = mail_utf8_next(&cp, p + j, n - j);
			if (!l)
				return ERR_INVALID;
			if (j + l - i > MAIL_EW_BYTES)
				break;
			j += l;
		}
		if (!first)
			rc = buf_puts(b, "\r\n ");
		if (!rc)
			rc = buf_puts(b, "=?UTF-8?B?");
		if (!rc)
			rc = b64(b, p + i, j - i);
		if (!rc)
			rc = buf_puts(b, "?=");
		first = 0;
		i = j;
	}
	return rc;
}

int mail_subject_encode(char **out, const char *subject, struct err *e)
{
	int rc = mail_text_check(subject, MAIL_SUBJECT_MAX, 0, "subject", e);
	if (rc)
		return rc;
	if (!*subject)
		return err_set(e, ERR_INVALID, "subject empty");
	struct buf b;
	buf_init(&b, 4096);
	rc = buf_puts(&b, "Subject: ");
	/* 76 - "Subject: " */
	if (!rc && plain_ascii(subject, 76 - 9))
		rc = buf_puts(&b, subject);
	else if (!rc)
		rc = put_encoded_words(&b, subject);
	if (rc) {
		buf_done(&b);
		return err_set(e, rc, "cannot encode the subject");
	}
	*out = buf_steal(&b);
	return *out ? 0 : err_set(e, ERR_NOMEM, "out of memory");
}

/* ---- the whole message ----------------------------------------------- */

static int put_body(struct buf *b, const char *body)
{
	/* canonical form: CRLF line ends; then base64 in 76-character lines
	 * (57 bytes each) */
	struct buf c;
	buf_init(&c, MAIL_BODY_MAX * 2 + 2);
	int rc = 0;
	for (const char *p = body; *p && !rc; p++) {
		if (*p == '\r')
			continue;   /* only the CR of CRLF gets here: re-added below */
		rc = *p == '\n' ? buf_puts(&c, "\r\n") : buf_putc(&c, *p);
	}
	const unsigned char *d = (const unsigned char *)buf_cstr(&c);
	for (size_t i = 0; i < c.len && !rc; i += 57) {
		size_t k = c.len - i < 57 ? c.len - i : 57;
		rc = b64(b, d + i, k);
		if (!rc)
			rc = buf_puts(b, "\r\n");
	}
	buf_done(&c);
	return rc;
}

int mail_compose(char **out, size_t *len, const struct mail_msg *m,
		 struct err *e)
{
	if (!mail_addr_valid(m->from))
		return err_set(e, ERR_INVALID, "from address invalid");
	if (!mail_addr_valid(m->to))
		return err_set(e, ERR_INVALID, "recipient address invalid");
	int rc = mail_text_check(m->body, MAIL_BODY_MAX, 1, "body", e);
	if (rc)
		return rc;
	if (m->from_name && *m->from_name &&
	    (rc = mail_text_check(m->from_name, MAIL_NAME_MAX, 0, "from name", e)))
		return rc;
	if (m->message_id) {
		size_t n = strlen(m->message_id);
		if (n < 5 || n > 200 || m->message_id[0] != '<' || m->message_id[n - 1] != '>')
			return err_set(e, ERR_INVALID, "message id invalid");
		for (size_t i = 0; i < n; i++)
			if (m->message_id[i] <= 0x20 || m->message_id[i] > 0x7e)
				return err_set(e, ERR_INVALID, "message id invalid");
	}
	if (m->unsubscribe && !mail_link_valid(m->unsubscribe))
		return err_set(e, ERR_INVALID, "unsubscribe link invalid");
	char *subject = NULL;
	if ((rc = mail_subject_encode(&subject, m->subject, e)))
		return rc;

	struct buf b;
	buf_init(&b, MAIL_MESSAGE_MAX);
	/* Date: in Japan time, the English names RFC 5322 requires */
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	jp_jst_tm(&tm, m->date);
	rc = buf_printf(&b, "Date: %s, %d %s %04d %02d:%02d:%02d +0900\r\n",
			wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
			tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (!rc && m->from_name && *m->from_name) {
		rc = buf_puts(&b, "From: ");
		if (!rc)
			rc = put_encoded_words(&b, m->from_name);
		if (!rc)
			rc = buf_printf(&b, "\r\n <%s>\r\n", m->from);
	} else if (!rc) {
		rc = buf_printf(&b, "From: %s\r\n", m->from);
	}
	if (!rc)
		rc = buf_printf(&b, "To: %s\r\n%s\r\n", m->to, subject);
	if (!rc && m->message_id) {
		rc = buf_printf(&b, "Message-ID: %s\r\n", m->message_id);
	} else if (!rc) {
		char tok[33];
		if (random_token(tok, 16))
			rc = ERR_IO;
		else
			rc = buf_printf(&b, "Message-ID: <%s@%s>\r\n", tok,
					mail_domain_of(m->from));
	}
	if (!rc && m->unsubscribe)   /* RFC 8058: one POST to the link unsubscribes */
		rc = buf_printf(&b, "List-Unsubscribe: <%s>\r\n"
				"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", m->unsubscribe);
	if (!rc)
		rc = buf_puts(&b, "MIME-Version: 1.0\r\n"
			      "Content-Type: text/plain; charset=UTF-8\r\n"
			      "Content-Transfer-Encoding: base64\r\n"
			      "Auto-Submitted: auto-generated\r\n"
			      "\r\n");
	if (!rc)
		rc = put_body(&b, m->body);
	free(subject);
	if (rc) {
		buf_done(&b);
		return err_set(e, rc, "cannot compose the message");
	}
	*len = b.len;
	*out = buf_steal(&b);
	return *out ? 0 : err_set(e, ERR_NOMEM, "out of memory");
}
