/*
 * test_bounce.c -- bounces (src/core/mail/mail_bounce.c): delivery status
 * notifications written as Postfix writes them (RFC 3464 multipart/report
 * with a text/rfc822-headers or message/rfc822 part) are parsed back to
 * our message, its first failed recipient, status and SMTP code; a hard
 * bounce marks the message bounced (state, filters, status) and flags the
 * address; a delay report, a soft failure, a DSN for another token,
 * another recipient or a message never sent change nothing or are
 * refused; malformed DSNs (not a report, no boundary, no status part, no
 * Message-ID of ours, bad Status, overlong fields, too large) are refused
 * with a detail that never holds the address.  On both engines.
 */
#include "t.h"
#include "tdb.h"

#include "core/jobs/jobs.h"
#include "core/mail/mail.h"
#include "core/tenant/tenant.h"

static struct tdb db;

/* A Postfix bounce (RET=HDRS): the recipient's server refused at RCPT.
 * %1$s the token, %2$lld the id, %3$s the recipient. */
static const char POSTFIX_HARD[] =
	"Return-Path: <>\n"
	"X-Original-To: noreply@demo-ku.example.jp\n"
	"Delivered-To: noreply@demo-ku.example.jp\n"
	"Received: by mail.demo-ku.example.jp (Postfix)\n"
	"\tid 4F1C82A0B; Mon,  7 Dec 2026 15:02:11 +0900 (JST)\n"
	"Date: Mon,  7 Dec 2026 15:02:11 +0900 (JST)\n"
	"From: MAILER-DAEMON@mail.demo-ku.example.jp (Mail Delivery System)\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"To: noreply@demo-ku.example.jp\n"
	"Auto-Submitted: auto-replied\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status;\n"
	"\tboundary=\"4F1C82A0B.1796623331/mail.demo-ku.example.jp\"\n"
	"Content-Transfer-Encoding: 8bit\n"
	"Message-Id: <20261207060211.4F1C82A0B@mail.demo-ku.example.jp>\n"
	"\n"
	"This is a MIME-encapsulated message.\n"
	"\n"
	"--4F1C82A0B.1796623331/mail.demo-ku.example.jp\n"
	"Content-Description: Notification\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: 8bit\n"
	"\n"
	"This is the mail system at host mail.demo-ku.example.jp.\n"
	"\n"
	"I'm sorry to have to inform you that your message could not\n"
	"be delivered to one or more recipients. It's attached below.\n"
	"\n"
	"                   The mail system\n"
	"\n"
	"<%3$s>: host mx.example.jp[192.0.2.25] said: 550 5.1.1\n"
	"    <%3$s>: Recipient address rejected: User unknown in virtual mailbox\n"
	"    table (in reply to RCPT TO command)\n"
	"\n"
	"--4F1C82A0B.1796623331/mail.demo-ku.example.jp\n"
	"Content-Description: Delivery report\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mail.demo-ku.example.jp\n"
	"X-Postfix-Queue-ID: 4F1C82A0B\n"
	"X-Postfix-Sender: rfc822; noreply@demo-ku.example.jp\n"
	"Arrival-Date: Mon,  7 Dec 2026 15:02:10 +0900 (JST)\n"
	"\n"
	"Final-Recipient: rfc822; %3$s\n"
	"Original-Recipient: rfc822;%3$s\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Remote-MTA: dns; mx.example.jp\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <%3$s>: Recipient address rejected: User\n"
	"    unknown in virtual mailbox table\n"
	"\n"
	"--4F1C82A0B.1796623331/mail.demo-ku.example.jp\n"
	"Content-Description: Undelivered Message Headers\n"
	"Content-Type: text/rfc822-headers\n"
	"Content-Transfer-Encoding: 8bit\n"
	"\n"
	"Return-Path: <noreply@demo-ku.example.jp>\n"
	"Received: from madoguchi.demo-ku.example.jp (localhost [127.0.0.1])\n"
	"\tby mail.demo-ku.example.jp (Postfix) with ESMTP id 4F1C82A0B\n"
	"\tfor <%3$s>; Mon,  7 Dec 2026 15:02:10 +0900 (JST)\n"
	"Date: Mon, 07 Dec 2026 15:02:09 +0900\n"
	"From: =?UTF-8?B?44OH44Oi5Yy6?= <noreply@demo-ku.example.jp>\n"
	"To: %3$s\n"
	"Subject: =?UTF-8?B?44CQ44OH44Oi5Yy644CR6YG/6Zuj5oyH56S6?=\n"
	"Message-ID: <%1$s.%2$lld@demo-ku.example.jp>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=UTF-8\n"
	"Content-Transfer-Encoding: base64\n"
	"Auto-Submitted: auto-generated\n"
	"\n"
	"--4F1C82A0B.1796623331/mail.demo-ku.example.jp--\n";

/* A Postfix delay warning (delay_warning_time): Action delayed, the whole
 * message returned as message/rfc822, CRLF line ends. */
static const char POSTFIX_DELAYED[] =
	"Date: Mon,  7 Dec 2026 19:02:11 +0900 (JST)\r\n"
	"From: MAILER-DAEMON@mail.demo-ku.example.jp (Mail Delivery System)\r\n"
	"Subject: Delayed Mail (still being retried)\r\n"
	"To: noreply@demo-ku.example.jp\r\n"
	"Auto-Submitted: auto-replied\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/report; report-type=\"delivery-status\";\r\n"
	" boundary=\"8A2D1.1796637731/mail.demo-ku.example.jp\"\r\n"
	"\r\n"
	"--8A2D1.1796637731/mail.demo-ku.example.jp\r\n"
	"Content-Description: Notification\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"This is the mail system at host mail.demo-ku.example.jp.\r\n"
	"\r\n"
	"####################################################################\r\n"
	"# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n"
	"####################################################################\r\n"
	"\r\n"
	"--8A2D1.1796637731/mail.demo-ku.example.jp\r\n"
	"Content-Description: Delivery report\r\n"
	"Content-Type: message/delivery-status\r\n"
	"\r\n"
	"Reporting-MTA: dns; mail.demo-ku.example.jp\r\n"
	"\r\n"
	"Final-Recipient: rfc822; %3$s\r\n"
	"Action: delayed\r\n"
	"Status: 4.4.1\r\n"
	"Diagnostic-Code: X-Postfix; connect to mx.example.jp[192.0.2.25]:25: Connection\r\n"
	"    timed out\r\n"
	"Will-Retry-Until: Fri, 11 Dec 2026 15:02:10 +0900 (JST)\r\n"
	"\r\n"
	"--8A2D1.1796637731/mail.demo-ku.example.jp\r\n"
	"Content-Description: Undelivered Message\r\n"
	"Content-Type: message/rfc822\r\n"
	"\r\n"
	"From: noreply@demo-ku.example.jp\r\n"
	"To: %3$s\r\n"
	"Subject: test\r\n"
	"Message-ID: <%1$s.%2$lld@demo-ku.example.jp>\r\n"
	"Content-Type: text/plain; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"44OG44K544OI\r\n"
	"\r\n"
	"--8A2D1.1796637731/mail.demo-ku.example.jp--\r\n";

/* Given up after the queue lifetime: failed with a 4.x.x status (soft),
 * two recipients of which the first was delivered. */
static const char POSTFIX_EXPIRED[] =
	"From: MAILER-DAEMON@mail.demo-ku.example.jp (Mail Delivery System)\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B-exp\"\n"
	"\n"
	"--B-exp\n"
	"Content-Type: text/plain\n"
	"\n"
	"The message could not be delivered within 5 days.\n"
	"--B-exp\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mail.demo-ku.example.jp\n"
	"\n"
	"Final-Recipient: rfc822; other@example.jp\n"
	"Action: delivered\n"
	"Status: 2.0.0\n"
	"\n"
	"Final-Recipient: rfc822; %3$s\n"
	"Action: failed\n"
	"Status: 4.4.7\n"
	"Diagnostic-Code: X-Postfix; delivery temporarily suspended\n"
	"\n"
	"--B-exp\n"
	"Content-Type: text/rfc822-headers\n"
	"\n"
	"Message-ID: <%1$s.%2$lld@old-domain.example.jp>\n"
	"\n"
	"--B-exp--\n";

static char *dsn(const char *tmpl, const char *token, int64_t id, const char *rcpt)
{
	static char buf[16384];
	snprintf(buf, sizeof buf, tmpl, token, (long long)id, rcpt);
	return buf;
}

static struct store *open_clean(void)
{
	struct store *s;
	struct err e;
	tdb_reset(&db);
	if (store_open(&s, db.url, &e)) {
		printf("# open %s: %s\n", db.url, e.detail);
		return NULL;
	}
	const struct store_module_schema mods[] = { tenant_schema, jobs_schema, mail_schema };
	if (store_migrate(s, mods, 3, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		store_close(s);
		return NULL;
	}
	store_script(s, "INSERT INTO tenants (code, name_ja, name_en, created_at)"
		     " VALUES ('139998', 'デモ区', 'Demo Ward', 0)", NULL);
	return s;
}

static const char TOK[] = "0123456789abcdef0123456789abcdef";

static void test_parse(void)
{
	struct mail_dsn d;
	struct err e;
	char *t = dsn(POSTFIX_HARD, TOK, 42, "taro.yamada@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(d.id, 42);
	T_EQ_STR(d.token, TOK);
	T_EQ_STR(d.recipient, "taro.yamada@example.jp");
	T_EQ_STR(d.action, "failed");
	T_EQ_STR(d.status, "5.1.1");
	T_EQ_INT(d.smtp_code, 550);
	T_CHECK(mail_dsn_hard(&d));

	t = dsn(POSTFIX_DELAYED, TOK, 7, "hanako@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(d.id, 7);
	T_EQ_STR(d.action, "delayed");
	T_EQ_STR(d.status, "4.4.1");
	T_EQ_INT(d.smtp_code, 0);
	T_CHECK(!mail_dsn_hard(&d));

	/* the failed recipient, not the delivered one before it */
	t = dsn(POSTFIX_EXPIRED, TOK, 9, "jiro@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_STR(d.recipient, "jiro@example.jp");
	T_EQ_STR(d.action, "failed");
	T_EQ_STR(d.status, "4.4.7");
	T_CHECK(!mail_dsn_hard(&d));
}

/* t with `from` replaced by `to` (first occurrence) */
static char *edit(const char *t, const char *from, const char *to)
{
	static char out[20000];
	const char *p = strstr(t, from);
	if (!p) {
		T_FAIL_("edit: %s not found", from);
		return out;
	}
	snprintf(out, sizeof out, "%.*s%s%s", (int)(p - t), t, to, p + strlen(from));
	return out;
}

static void refused(const char *t, int code, const char *detail_has)
{
	struct mail_dsn d;
	struct err e;
	err_clear(&e);
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), code);
	if (!strstr(e.detail, detail_has))
		T_FAIL_("detail %s lacks %s", e.detail, detail_has);
	/* never the address */
	T_CHECK(strstr(e.detail, "taro.yamada") == NULL);
}

static void test_malformed(void)
{
	char base[16384];
	snprintf(base, sizeof base, "%s", dsn(POSTFIX_HARD, TOK, 42, "taro.yamada@example.jp"));
	refused("From: someone@example.jp\nSubject: hello\n\nJust text.\n", ERR_INVALID,
		"no Content-Type");
	refused(edit(base, "multipart/report", "multipart/mixed"), ERR_INVALID,
		"report-type=delivery-status");
	refused(edit(base, "report-type=delivery-status", "report-type=disposition-notification"),
		ERR_INVALID, "report-type=delivery-status");
	refused(edit(base, "\tboundary=\"4F1C82A0B.1796623331/mail.demo-ku.example.jp\"", "\tx=y"),
		ERR_INVALID, "boundary");
	refused(edit(base, "Content-Type: message/delivery-status", "Content-Type: text/plain"),
		ERR_INVALID, "no message/delivery-status part");
	refused(edit(base, "Message-ID: <", "X-Message-ID: <"), ERR_INVALID, "Message-ID");
	/* a Message-ID that is not ours (another sender's form) */
	refused(edit(base, "Message-ID: <0123456789abcdef0123456789abcdef.42@",
		     "Message-ID: <CAF=x+Y@mail.gmail.com.42@"), ERR_INVALID, "Message-ID");
	refused(edit(base, "Status: 5.1.1", "Status: 9.1.1"), ERR_INVALID, "Status");
	refused(edit(base, "Status: 5.1.1", "Status: 5.1"), ERR_INVALID, "Status");
	refused(edit(base, "Action: failed", "Action: exploded"), ERR_INVALID, "Action");
	refused(edit(base, "Final-Recipient: rfc822; taro.yamada@example.jp\nOriginal-Recipient: rfc822;taro.yamada@example.jp",
		     "Final-Recipient: x400; taro"), ERR_INVALID, "Final-Recipient");
	/* an overlong field is refused, not cut */
	char longer[20000];
	char pad[600];
	memset(pad, 'a', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	snprintf(longer, sizeof longer, "Final-Recipient: rfc822; %s@example.jp", pad);
	refused(edit(base, "Final-Recipient: rfc822; taro.yamada@example.jp", longer), ERR_INVALID,
		"too long");
	/* the size limit */
	size_t big = MAIL_DSN_MAX + 1;
	char *huge = malloc(big + 1);
	T_REQUIRE(huge != NULL);
	memset(huge, 'x', big);
	huge[big] = '\0';
	struct mail_dsn d;
	struct err e;
	T_EQ_INT(mail_dsn_parse(&d, huge, big, &e), ERR_LIMIT);
	free(huge);
	/* an empty input, a NUL byte */
	T_EQ_INT(mail_dsn_parse(&d, "", 0, &e), ERR_INVALID);
	T_EQ_INT(mail_dsn_parse(&d, "Content-Type: a\0b", 17, &e), ERR_INVALID);
}

static int64_t count(struct store *s, const char *sql)
{
	int64_t n = -1;
	struct err e;
	if (store_query_int(&n, s, sql, NULL, 0, &e))
		printf("# %s: %s\n", sql, e.detail);
	return n;
}

struct seen {
	int n;
	char addr[MAIL_ADDR_MAX + 1];
	int count;
	int64_t last_id;
};

static int seen_cb(const struct mail_bounced *b, void *arg)
{
	struct seen *s = arg;
	if (s->n++ == 0) {
		snprintf(s->addr, sizeof s->addr, "%s", b->address);
		s->count = b->count;
		s->last_id = b->last_id;
	}
	return 0;
}

struct one {
	enum mail_state state;
	char status[16];
	char error[MAIL_ERROR_MAX];
	const char *st;
};

static int one_cb(const struct mail_info *m, void *arg)
{
	struct one *o = arg;
	o->state = m->state;
	snprintf(o->status, sizeof o->status, "%s", m->bounce_status ? m->bounce_status : "");
	snprintf(o->error, sizeof o->error, "%s", m->last_error ? m->last_error : "");
	o->st = mail_status(m, 0);
	return 1;
}

static void test_bounce_marks(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t a, b, c;
	const int64_t now = 1796600000;
	T_EQ_INT(mail_enqueue_id(&a, s, &(struct mail_new){ "139998", "Taro.Yamada@example.jp", "避難指示", "本文", 0, 0, NULL },
				 now, &e), 0);
	T_EQ_INT(mail_enqueue_id(&b, s, &(struct mail_new){ "139998", "jiro@example.jp", "お知らせ", "本文", 0, 0, NULL },
				 now, &e), 0);
	T_EQ_INT(mail_enqueue_id(&c, s, &(struct mail_new){ "139998", "saburo@example.jp", "お知らせ", "本文", 0, 0, NULL },
				 now, &e), 0);
	/* a and b were sent; c waits */
	struct store_val v[] = { sv_int(a), sv_int(b) };
	T_REQUIRE(store_exec(s, "UPDATE mail_outbox SET state = 'sent', attempts = 1, next_attempt_at = NULL,"
			     " sent_at = 1796600001 WHERE id IN ($1, $2)", v, 2, &e) == 2);
	char tok_a[64], tok_b[64], tok_c[64];
	struct store_rows *r;
	const char *ids[3] = { "a", "b", "c" };
	char *toks[3] = { tok_a, tok_b, tok_c };
	int64_t nums[3] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		struct store_val q[] = { sv_int(nums[i]) };
		T_REQUIRE(store_query(&r, s, "SELECT msg_token FROM mail_outbox WHERE id = $1", q, 1, &e) == 0);
		T_REQUIRE(store_rows_next(r, &e) == 1);
		snprintf(toks[i], 64, "%s", store_col_text(r, 0));
		store_rows_free(r);
		(void)ids[i];
	}
	struct mail_dsn d;
	/* another message's token, another recipient, a message not sent:
	 * nothing changes */
	char *t = dsn(POSTFIX_HARD, tok_b, a, "taro.yamada@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	if (strcmp(tok_a, tok_b) != 0)
		T_EQ_INT(mail_bounce(s, &d, now + 60, &e), ERR_NOTFOUND);
	t = dsn(POSTFIX_HARD, tok_a, a, "someone.else@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(mail_bounce(s, &d, now + 60, &e), ERR_NOTFOUND);
	t = dsn(POSTFIX_HARD, tok_c, c, "saburo@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(mail_bounce(s, &d, now + 60, &e), ERR_NOTFOUND);
	/* a delay report changes nothing */
	t = dsn(POSTFIX_DELAYED, tok_a, a, "taro.yamada@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(mail_bounce(s, &d, now + 60, &e), ERR_INVALID);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE bounced_at IS NOT NULL"), 0);
	/* the hard bounce: the address as the MTA wrote it (case differs) */
	t = dsn(POSTFIX_HARD, tok_a, a, "taro.yamada@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(mail_bounce(s, &d, now + 120, &e), 0);
	struct one o = { 0 };
	T_EQ_INT(mail_list(s, &(struct mail_filter){ .id = a }, one_cb, &o, &e), 1);
	T_EQ_INT(o.state, MAIL_BOUNCED);
	T_EQ_STR(o.status, "5.1.1");
	T_EQ_STR(o.error, "bounce 5.1.1 (smtp 550)");
	T_EQ_STR(o.st, "bounced");
	T_EQ_STR(mail_state_name(MAIL_BOUNCED), "bounced");
	T_EQ_INT(mail_state_parse("bounced"), MAIL_BOUNCED);
	/* the filters: bounced apart from sent */
	T_EQ_INT(mail_count(s, &(struct mail_filter){ .tenant = "139998", .state = MAIL_BOUNCED }, &e), 1);
	T_EQ_INT(mail_count(s, &(struct mail_filter){ .tenant = "139998", .state = MAIL_SENT }, &e), 1);
	T_EQ_INT(mail_count(s, &(struct mail_filter){ .tenant = "139998", .state = MAIL_QUEUED }, &e), 1);
	T_EQ_INT(mail_count(s, &(struct mail_filter){ .tenant = "139998" }, &e), 3);
	/* the soft failure of b: bounced, but the address is not flagged */
	t = dsn(POSTFIX_EXPIRED, tok_b, b, "jiro@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(mail_bounce(s, &d, now + 180, &e), 0);
	T_EQ_INT(mail_count(s, &(struct mail_filter){ .tenant = "139998", .state = MAIL_BOUNCED }, &e), 2);
	struct seen sn = { 0 };
	T_EQ_INT(mail_bounced_addresses(s, "139998", 50, seen_cb, &sn, &e), 1);
	T_EQ_STR(sn.addr, "Taro.Yamada@example.jp");
	T_EQ_INT(sn.count, 1);
	T_EQ_INT(sn.last_id, a);
	/* another municipality sees none */
	sn = (struct seen){ 0 };
	T_EQ_INT(mail_bounced_addresses(s, "131001", 50, seen_cb, &sn, &e), 0);
	/* the same DSN again: still one bounce, no error */
	t = dsn(POSTFIX_HARD, tok_a, a, "taro.yamada@example.jp");
	T_EQ_INT(mail_dsn_parse(&d, t, strlen(t), &e), 0);
	T_EQ_INT(mail_bounce(s, &d, now + 240, &e), 0);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE bounce_status = '5.1.1'"), 1);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "mail_bounce");
	T_RUN(test_parse);
	T_RUN(test_malformed);
	T_RUN(test_bounce_marks);
	tdb_end(&db);
	return t_done();
}
