/*
 * mail_bounce.c -- bounces: a delivery status notification (RFC 3464,
 * a multipart/report; report-type=delivery-status, as Postfix writes it)
 * read back into the message it reports on, and that message marked
 * bounced with its status code.  See mail.h (mail_dsn_parse, mail_bounce).
 *
 * Matching: the DSN's returned headers (the text/rfc822-headers or
 * message/rfc822 part) carry our Message-ID, "<token.id@domain>"; the
 * message is the row with that id AND that msg_token AND, as the
 * recipient the DSN reports on (Original-Recipient, else
 * Final-Recipient), that row's recipient.  The domain is not compared (a
 * changed --mail-from must not orphan the bounces of older mail).
 *
 * Invariants: the parser reads at most MAIL_DSN_MAX bytes and never
 * writes past its fixed buffers (every field has its length limit); it
 * accepts only what RFC 3464 says a DSN is (refusals name the missing
 * part, never an address); stored is the status ("5.1.1") and the SMTP
 * code of the Diagnostic-Code, never its text (which quotes addresses).
 */
#include "core/mail/mail.h"
#include "core/mail/mail_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a tiny reader of header blocks --------------------------------------- */

/* the end of the line at p (before CRLF or LF) and the start of the next */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));
	if (!q) {
		*next = end;
		return end;
	}
	*next = q + 1;
	return q > p && q[-1] == '\r' ? q - 1 : q;
}

/* The value of header `name` (unfolded, trimmed) in the header block
 * [p, end) -- the block ends at the first empty line.  1 found (out holds
 * at most cap-1 bytes: longer values are refused, -1), 0 not found. */
static int header_get(const char *p, const char *end, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	while (p < end) {
		const char *next, *le = line_end(p, end, &next);
		if (le == p)
			return 0;   /* the empty line: end of the block */
		if ((size_t)(le - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			size_t o = 0;
			const char *v = p + nl + 1;
			for (;;) {
				for (; v < le; v++) {
					if (o + 1 >= cap)
						return -1;
					out[o++] = *v == '\t' ? ' ' : *v;
				}
				/* a folded continuation line */
				if (next < end && (*next == ' ' || *next == '\t')) {
					p = next;
					le = line_end(p, end, &next);
					v = p;
					continue;
				}
				break;
			}
			out[o] = '\0';
			/* trim */
			char *s = out;
			while (*s == ' ')
				s++;
			memmove(out, s, strlen(s) + 1);
			o = strlen(out);
			while (o > 0 && out[o - 1] == ' ')
				out[--o] = '\0';
			return 1;
		}
		p = next;
	}
	return 0;
}

/* the start of the body after the header block at p */
static const char *body_of(const char *p, const char *end)
{
	while (p < end) {
		const char *next, *le = line_end(p, end, &next);
		if (le == p)
			return next;
		p = next;
	}
	return end;
}

/* a Content-Type value: its type/subtype lowercased into type, and the
 * parameter `param` (quoted or not) into val (""); -1: malformed */
static int content_type(const char *ct, char *type, size_t tcap, const char *param,
			char *val, size_t vcap)
{
	size_t i = 0;
	while (*ct && *ct != ';' && *ct != ' ') {
		if (i + 1 >= tcap)
			return -1;
		type[i++] = (char)tolower((unsigned char)*ct++);
	}
	type[i] = '\0';
	val[0] = '\0';
	size_t pl = strlen(param);
	while (*ct) {
		while (*ct == ' ' || *ct == ';')
			ct++;
		const char *name = ct;
		while (*ct && *ct != '=' && *ct != ';')
			ct++;
		if (*ct != '=')
			continue;
		size_t nlen = (size_t)(ct - name);
		ct++;
		char v[128];
		size_t o = 0;
		if (*ct == '"') {
			ct++;
			while (*ct && *ct != '"') {
				if (*ct == '\\' && ct[1])
					ct++;
				if (o + 1 >= sizeof v)
					return -1;
				v[o++] = *ct++;
			}
			if (*ct != '"')
				return -1;
			ct++;
		} else {
			while (*ct && *ct != ';' && *ct != ' ') {
				if (o + 1 >= sizeof v)
					return -1;
				v[o++] = *ct++;
			}
		}
		v[o] = '\0';
		if (nlen == pl && strncasecmp(name, param, pl) == 0) {
			if (o + 1 > vcap)
				return -1;
			memcpy(val, v, o + 1);
		}
	}
	return 0;
}

/* ---- the parts of a DSN --------------------------------------------------- */

/* "rfc822; addr" -> addr (lowercase kept as written); 0 when not rfc822 or
 * not an address by our grammar */
static int recipient_of(char *out, size_t cap, const char *v)
{
	if (strncasecmp(v, "rfc822", 6) != 0)
		return 0;
	v += 6;
	while (*v == ' ')
		v++;
	if (*v != ';')
		return 0;
	v++;
	while (*v == ' ')
		v++;
	if (*v == '<')
		v++;
	size_t n = strcspn(v, "> ");
	if (n == 0 || n >= cap)
		return 0;
	memcpy(out, v, n);
	out[n] = '\0';
	return mail_addr_valid(out);
}

/* a DSN status: class.subject.detail, class 2, 4 or 5, 1-3 digits each */
static int status_valid(const char *s)
{
	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	s += 2;
	for (int part = 0; part < 2; part++) {
		int d = 0;
		while (isdigit((unsigned char)*s) && d < 4) {
			s++;
			d++;
		}
		if (d == 0 || d > 3)
			return 0;
		if (part == 0 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

/* the message/delivery-status body [p, end): the first recipient group
 * whose Action is failed (else the first with an Action) */
static int parse_status(struct mail_dsn *d, const char *p, const char *end, struct err *e)
{
	int found = 0;
	/* the per-message group first, then one group a recipient */
	p = body_of(p, end);
	while (p < end) {
		/* skip empty lines between groups */
		const char *next, *le = line_end(p, end, &next);
		if (le == p) {
			p = next;
			continue;
		}
		char action[16], status[16], fin[MAIL_ADDR_MAX + 16], orig[MAIL_ADDR_MAX + 16];
		char diag[256];
		int ha = header_get(p, end, "Action", action, sizeof action);
		int hs = header_get(p, end, "Status", status, sizeof status);
		int hf = header_get(p, end, "Final-Recipient", fin, sizeof fin);
		int ho = header_get(p, end, "Original-Recipient", orig, sizeof orig);
		int hd = header_get(p, end, "Diagnostic-Code", diag, sizeof diag);
		if (ha < 0 || hs < 0 || hf < 0 || ho < 0)
			return err_set(e, ERR_INVALID, "DSN: a recipient field is too long");
		p = body_of(p, end);
		if (ha != 1)
			continue;
		for (char *c = action; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (found && strcmp(d->action, "failed") == 0)
			continue;   /* the first failed recipient is the one */
		if (found && strcmp(action, "failed") != 0)
			continue;
		if (strcmp(action, "failed") && strcmp(action, "delayed") && strcmp(action, "delivered") &&
		    strcmp(action, "relayed") && strcmp(action, "expanded"))
			return err_set(e, ERR_INVALID, "DSN: unknown Action");
		if (hs != 1 || !status_valid(status))
			return err_set(e, ERR_INVALID, "DSN: no valid Status for the recipient");
		if (hf != 1)
			return err_set(e, ERR_INVALID, "DSN: no Final-Recipient");
		char addr[MAIL_ADDR_MAX + 1];
		if (ho == 1 && recipient_of(addr, sizeof addr, orig))
			snprintf(d->recipient, sizeof d->recipient, "%s", addr);
		else if (recipient_of(addr, sizeof addr, fin))
			snprintf(d->recipient, sizeof d->recipient, "%s", addr);
		else
			return err_set(e, ERR_INVALID, "DSN: Final-Recipient is not an rfc822 address");
		if (ho == 1 && recipient_of(addr, sizeof addr, fin))
			snprintf(d->final_recipient, sizeof d->final_recipient, "%s", addr);
		else
			snprintf(d->final_recipient, sizeof d->final_recipient, "%s", d->recipient);
		snprintf(d->action, sizeof d->action, "%s", action);
		snprintf(d->status, sizeof d->status, "%s", status);
		d->smtp_code = 0;
		/* "smtp; 550 5.1.1 <...>: ..." -> 550 (the text is not kept) */
		if (hd == 1 && strncasecmp(diag, "smtp", 4) == 0) {
			const char *c = diag + 4;
			while (*c == ' ')
				c++;
			if (*c == ';') {
				c++;
				while (*c == ' ')
					c++;
				if (c[0] >= '2' && c[0] <= '5' && isdigit((unsigned char)c[1]) &&
				    isdigit((unsigned char)c[2]) && !isdigit((unsigned char)c[3]))
					d->smtp_code = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
			}
		}
		found = 1;
	}
	if (!found)
		return err_set(e, ERR_INVALID, "DSN: no recipient with an Action");
	return 0;
}

/* "<token.id@domain>" -> token, id */
static int message_id_parse(struct mail_dsn *d, const char *v)
{
	if (*v != '<')
		return 0;
	v++;
	size_t t = strspn(v, "0123456789abcdef");
	if (t != 32 || v[t] != '.')
		return 0;
	memcpy(d->token, v, t);
	d->token[t] = '\0';
	v += t + 1;
	int64_t id = 0;
	int digits = 0;
	while (isdigit((unsigned char)*v) && digits < 18) {
		id = id * 10 + (*v++ - '0');
		digits++;
	}
	if (digits == 0 || *v != '@' || id <= 0)
		return 0;
	const char *close = strchr(v, '>');
	if (!close || close[1] != '\0')
		return 0;
	d->id = id;
	return 1;
}

int mail_dsn_parse(struct mail_dsn *d, const char *text, size_t len, struct err *e)
{
	memset(d, 0, sizeof *d);
	if (len > MAIL_DSN_MAX)
		return err_set(e, ERR_LIMIT, "DSN larger than the limit");
	if (memchr(text, '\0', len))
		return err_set(e, ERR_INVALID, "DSN: a NUL byte");
	const char *end = text + len;
	char ct[512], type[64], boundary[128], rtype[64];
	int h = header_get(text, end, "Content-Type", ct, sizeof ct);
	if (h != 1)
		return err_set(e, ERR_INVALID, "DSN: no Content-Type");
	if (content_type(ct, type, sizeof type, "report-type", rtype, sizeof rtype) ||
	    strcmp(type, "multipart/report") != 0 || strcasecmp(rtype, "delivery-status") != 0)
		return err_set(e, ERR_INVALID,
			       "DSN: not multipart/report; report-type=delivery-status");
	if (content_type(ct, type, sizeof type, "boundary", boundary, sizeof boundary) ||
	    !boundary[0] || strlen(boundary) > 70)
		return err_set(e, ERR_INVALID, "DSN: no valid boundary");
	size_t bl = strlen(boundary);
	/* walk the lines of the body; a part starts after "--boundary" */
	const char *p = body_of(text, end), *part = NULL;
	int have_status = 0, have_id = 0, rc;
	for (;;) {
		int at_end = p >= end;
		const char *next = end, *le = end;
		if (!at_end)
			le = line_end(p, end, &next);
		int delim = !at_end && (size_t)(le - p) >= bl + 2 && p[0] == '-' && p[1] == '-' &&
			    memcmp(p + 2, boundary, bl) == 0;
		int is_close = delim && (size_t)(le - p) >= bl + 4 && p[bl + 2] == '-' &&
			       p[bl + 3] == '-';
		if (delim || at_end) {
			if (part) {
				/* the part [part, p) ends here */
				char pct[256], ptype[64], unused[8];
				int ph = header_get(part, p, "Content-Type", pct, sizeof pct);
				if (ph == 1 && content_type(pct, ptype, sizeof ptype, "x", unused,
							    sizeof unused) == 0) {
					if (strcmp(ptype, "message/delivery-status") == 0 && !have_status) {
						if ((rc = parse_status(d, part, p, e)))
							return rc;
						have_status = 1;
					} else if ((strcmp(ptype, "text/rfc822-headers") == 0 ||
						    strcmp(ptype, "message/rfc822") == 0) && !have_id) {
						char mid[MAIL_ADDR_MAX + 80];
						const char *b = body_of(part, p);
						if (header_get(b, p, "Message-ID", mid, sizeof mid) == 1 &&
						    message_id_parse(d, mid))
							have_id = 1;
					}
				}
			}
			part = delim ? next : NULL;
			if (is_close || at_end)
				break;
		}
		p = next;
	}
	if (!have_status)
		return err_set(e, ERR_INVALID, "DSN: no message/delivery-status part");
	if (!have_id)
		return err_set(e, ERR_INVALID,
			       "DSN: the returned headers hold no Message-ID of ours");
	return 0;
}

int mail_dsn_hard(const struct mail_dsn *d)
{
	return strcmp(d->action, "failed") == 0 && d->status[0] == '5';
}

int mail_bounce(struct store *s, const struct mail_dsn *d, int64_t now, struct err *e)
{
	if (strcmp(d->action, "failed") != 0)
		return err_set(e, ERR_INVALID, "DSN: not a failure (Action is not failed)");
	char error[MAIL_ERROR_MAX];
	if (d->smtp_code)
		snprintf(error, sizeof error, "bounce %s (smtp %d)", d->status, d->smtp_code);
	else
		snprintf(error, sizeof error, "bounce %s", d->status);
	/* a message still queued was never accepted by the relay: a DSN for
	 * it is not ours to believe */
	struct store_val v[] = { sv_int(now), sv_text(d->status), sv_text(error), sv_int(d->id),
				 sv_text(d->token), sv_text(d->recipient), sv_text(d->final_recipient) };
	int rc = store_exec(s,
			    "UPDATE mail_outbox SET bounced_at = $1, bounce_status = $2, last_error = $3"
			    " WHERE id = $4 AND msg_token = $5 AND state = 'sent'"
			    " AND (LOWER(recipient) = LOWER($6) OR LOWER(recipient) = LOWER($7))",
			    v, SV_N(v), e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "DSN: no sent message with that Message-ID and recipient");
	return 0;
}

int mail_bounced_addresses(struct store *s, const char *tenant, int limit,
			   int (*fn)(const struct mail_bounced *b, void *arg), void *arg,
			   struct err *e)
{
	if (limit <= 0 || limit > MAIL_LIST_MAX)
		limit = MAIL_LIST_MAX;
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT recipient, MAX(bounced_at), COUNT(*), MAX(id) FROM mail_outbox"
		 " WHERE tenant = $1 AND bounced_at IS NOT NULL AND bounce_status LIKE '5.%%'"
		 " GROUP BY recipient ORDER BY MAX(bounced_at) DESC, recipient LIMIT %d", limit);
	struct store_val v[] = { sv_text(tenant) };
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, SV_N(v), e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct mail_bounced b = { .address = store_col_text(r, 0),
					  .last_bounced_at = store_col_int(r, 1),
					  .count = (int)store_col_int(r, 2),
					  .last_id = store_col_int(r, 3) };
		n++;
		if (fn(&b, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}
