/*
 * test_mail.c -- src/core/mail: composition (address grammar, RFC 2047 subject
 * that decodes back exactly and splits only between characters, base64
 * body lines, header injection refused, limits) and the outbox on both
 * backends (MADOGUCHI_TEST_DB; default a fresh SQLite file; on PostgreSQL
 * in the schema mg_mail_test): enqueue inside the caller's transaction
 * (gone on rollback, with its wake-up job) and on its own, one wake-up job
 * for many messages, list filters, unknown tenant, and delivery outcomes
 * that need no SMTP server (connection refused: retried with backoff, the
 * rest of the batch not charged, failed after max_attempts).
 */
#include "t.h"
#include "tdb.h"

#include <sodium.h>
#include <unistd.h>

#include "base/util.h"
#include "core/jobs/jobs.h"
#include "core/mail/mail.h"
#include "core/mail/mail_int.h"
#include "core/tenant/tenant.h"

static struct tdb db;   /* SQLite, or a schema of MADOGUCHI_TEST_DB */

/* ---- helpers ---------------------------------------------------------- */

/* decode one "=?UTF-8?B?...?=" starting at p; appends bytes to out */
static int decode_word(const char *p, const char **end, char *out, size_t *olen, size_t cap)
{
	if (strncmp(p, "=?UTF-8?B?", 10) != 0)
		return -1;
	p += 10;
	const char *q = strstr(p, "?=");
	if (!q)
		return -1;
	size_t bin;
	if (sodium_base642bin((unsigned char *)out + *olen, cap - *olen, p, (size_t)(q - p),
			      NULL, &bin, NULL, sodium_base64_VARIANT_ORIGINAL))
		return -1;
	*olen += bin;
	*end = q + 2;
	return (int)bin;
}

/* unfold and decode a Subject header built by mail_subject_encode; checks
 * line lengths and that every word holds whole characters */
static int decode_subject(const char *h, char *out, size_t cap, int *words, int *maxline)
{
	size_t olen = 0;
	*words = 0;
	*maxline = 0;
	const char *line = h;
	for (;;) {
		const char *eol = strstr(line, "\r\n");
		int l = eol ? (int)(eol - line) : (int)strlen(line);
		if (l > *maxline)
			*maxline = l;
		if (!eol)
			break;
		line = eol + 2;
	}
	const char *p = h + strlen("Subject: ");
	if (strncmp(p, "=?", 2) != 0) {
		snprintf(out, cap, "%s", p);
		return 0;
	}
	while (*p) {
		size_t before = olen;
		const char *end;
		if (decode_word(p, &end, out, &olen, cap - 1) < 0)
			return -1;
		(*words)++;
		/* the word alone must be well-formed UTF-8: split between characters */
		size_t i = before;
		while (i < olen) {
			uint32_t cp;
			size_t k = mail_utf8_next(&cp, (unsigned char *)out + i, olen - i);
			if (!k)
				return -2;
			i += k;
		}
		p = end;
		if (strncmp(p, "\r\n ", 3) == 0)
			p += 3;
		else if (*p)
			return -3;
	}
	out[olen] = '\0';
	return 0;
}

static const char *header_end(const char *msg)
{
	const char *p = strstr(msg, "\r\n\r\n");
	return p ? p + 4 : NULL;
}

/* ---- composition ---------------------------------------------------------- */

static void test_addr(void)
{
	T_CHECK(mail_addr_valid("taro@example.jp"));
	T_CHECK(mail_addr_valid("a.b+tag@mail.demo-ku.example.jp"));
	T_CHECK(mail_addr_valid("o'neil!#$%&*=?^_`{|}~-/@x.example"));
	T_CHECK(!mail_addr_valid(""));
	T_CHECK(!mail_addr_valid("taro"));
	T_CHECK(!mail_addr_valid("taro@localhost"));       /* one label */
	T_CHECK(!mail_addr_valid("@example.jp"));
	T_CHECK(!mail_addr_valid("taro@"));
	T_CHECK(!mail_addr_valid(".taro@example.jp"));
	T_CHECK(!mail_addr_valid("ta..ro@example.jp"));
	T_CHECK(!mail_addr_valid("taro.@example.jp"));
	T_CHECK(!mail_addr_valid("ta ro@example.jp"));
	T_CHECK(!mail_addr_valid("\"taro\"@example.jp"));
	T_CHECK(!mail_addr_valid("taro@exa_mple.jp"));
	T_CHECK(!mail_addr_valid("taro@-example.jp"));
	T_CHECK(!mail_addr_valid("taro@example..jp"));
	T_CHECK(!mail_addr_valid("a@b@example.jp"));
	T_CHECK(!mail_addr_valid("taro@example.jp\r\nBcc: x@example.jp"));
	T_CHECK(!mail_addr_valid("taro@example.jp>"));
	T_CHECK(!mail_addr_valid("太郎@example.jp"));
	T_CHECK(!mail_addr_valid("taro@例え.jp"));
	char big[300];
	memset(big, 'a', 64);
	snprintf(big + 64, sizeof big - 64, "@%s", "example.jp");
	T_CHECK(mail_addr_valid(big));
	memset(big, 'a', 65);
	snprintf(big + 65, sizeof big - 65, "@%s", "example.jp");
	T_CHECK(!mail_addr_valid(big));   /* local part > 64 */
	/* 255 bytes in all: labels of 60 */
	char d[300] = "a@";
	for (int i = 0; i < 4; i++) {
		size_t n = strlen(d);
		memset(d + n, 'b', 60);
		d[n + 60] = '.';
		d[n + 61] = '\0';
	}
	strcat(d, "jpxxxx");
	T_EQ_INT(strlen(d), 252);
	T_CHECK(mail_addr_valid(d));
	strcat(d, "xxx");
	T_CHECK(!mail_addr_valid(d));
}

static void test_subject_ascii(void)
{
	char *h = NULL;
	T_REQUIRE(mail_subject_encode(&h, "Your application was received", NULL) == 0);
	T_EQ_STR(h, "Subject: Your application was received");
	free(h);
	/* "=?" must not pass as plain text */
	T_REQUIRE(mail_subject_encode(&h, "a =?x?= b", NULL) == 0);
	char out[512];
	int words, maxline;
	T_CHECK(strncmp(h, "Subject: =?UTF-8?B?", 19) == 0);
	T_EQ_INT(decode_subject(h, out, sizeof out, &words, &maxline), 0);
	T_EQ_STR(out, "a =?x?= b");
	free(h);
	/* a long ASCII subject is encoded (and so folded) too */
	char longs[200];
	memset(longs, 'x', 150);
	longs[150] = '\0';
	T_REQUIRE(mail_subject_encode(&h, longs, NULL) == 0);
	T_EQ_INT(decode_subject(h, out, sizeof out, &words, &maxline), 0);
	T_EQ_STR(out, longs);
	T_CHECK(maxline <= 76);
	free(h);
}

static void test_subject_japanese(void)
{
	const char *subjects[] = {
		"【デモ区】申請を受け付けました（受付番号 2026-000123）",
		"児童手当の認定請求について：審査が完了しました。通知書を郵送しますので、到着までしばらくお待ちください。ご不明な点は子ども家庭課へお問い合わせください。",
		"𠮷野家の𩸽と絵文字👨‍👩‍👧 mixed ASCII and 日本語 text, かなカナ漢字",
		"ア",
	};
	for (size_t k = 0; k < sizeof subjects / sizeof subjects[0]; k++) {
		char *h = NULL;
		struct err e;
		T_REQUIRE(mail_subject_encode(&h, subjects[k], &e) == 0);
		char out[1024];
		int words = 0, maxline = 0;
		int rc = decode_subject(h, out, sizeof out, &words, &maxline);
		T_EQ_INT(rc, 0);
		T_EQ_STR(out, subjects[k]);
		T_CHECK(maxline <= 76);
		T_CHECK(words >= (int)((strlen(subjects[k]) + MAIL_EW_BYTES - 1) / MAIL_EW_BYTES));
		for (const char *p = h; *p; p++)
			T_CHECK((*p >= 0x20 && *p <= 0x7e) || *p == '\r' || *p == '\n');
		free(h);
	}
	/* the second subject is long: several words, several lines */
	char *h = NULL;
	T_REQUIRE(mail_subject_encode(&h, subjects[1], NULL) == 0);
	int lines = 1;
	for (const char *p = h; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	T_CHECK(lines >= 5);
	free(h);
}

/* random subjects of mixed scripts: every one decodes back exactly, every
 * line stays within 76 and every word holds whole characters */
static void test_subject_random(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	static const uint32_t ranges[][2] = {
		{ 0x20, 0x7e }, { 0xa0, 0x7ff }, { 0x3041, 0x30ff }, { 0x4e00, 0x9fff },
		{ 0xff01, 0xff9f }, { 0x1f300, 0x1faff }, { 0x20000, 0x2a6df },
	};
	for (int it = 0; it < 3000; it++) {
		char subj[MAIL_SUBJECT_MAX + 1];
		size_t n = 0;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t want = 1 + x % MAIL_SUBJECT_MAX;
		while (n < want) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			const uint32_t *r = ranges[x % (sizeof ranges / sizeof ranges[0])];
			uint32_t cp = r[0] + (uint32_t)((x >> 8) % (r[1] - r[0] + 1));
			unsigned char u[4];
			size_t l = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
			if (l == 1) u[0] = (unsigned char)cp;
			else if (l == 2) u[0] = 0xc0 | (cp >> 6), u[1] = 0x80 | (cp & 0x3f);
			else if (l == 3) u[0] = 0xe0 | (cp >> 12), u[1] = 0x80 | ((cp >> 6) & 0x3f), u[2] = 0x80 | (cp & 0x3f);
			else u[0] = 0xf0 | (cp >> 18), u[1] = 0x80 | ((cp >> 12) & 0x3f), u[2] = 0x80 | ((cp >> 6) & 0x3f), u[3] = 0x80 | (cp & 0x3f);
			if (n + l > want)
				break;
			memcpy(subj + n, u, l);
			n += l;
		}
		subj[n] = '\0';
		if (n == 0)
			continue;
		char *h = NULL;
		struct err e;
		if (mail_subject_encode(&h, subj, &e) != 0) {
			T_FAIL_("iteration %d: encode failed: %s", it, e.detail);
			return;
		}
		char out[MAIL_SUBJECT_MAX + 1];
		int words, maxline;
		int rc = decode_subject(h, out, sizeof out, &words, &maxline);
		if (rc != 0 || strcmp(out, subj) != 0 || maxline > 76) {
			T_FAIL_("iteration %d: rc %d, maxline %d, roundtrip %s", it, rc, maxline,
				rc == 0 && strcmp(out, subj) == 0 ? "ok" : "differs");
			free(h);
			return;
		}
		free(h);
	}
}

static void test_injection(void)
{
	struct err e;
	char *h = NULL;
	T_EQ_INT(mail_subject_encode(&h, "件名\r\nBcc: victim@example.jp", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "件名\nBcc: victim@example.jp", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "件名\rX", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "tab\there", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "nul\x7f", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "c1 \xc2\x85 nel", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "bad \xff utf8", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "overlong \xc0\xaf", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "surrogate \xed\xa0\x80", &e), ERR_INVALID);
	T_EQ_INT(mail_subject_encode(&h, "", &e), ERR_INVALID);
	T_CHECK(h == NULL);

	struct mail_msg m = { .from = "noreply@demo-ku.example.jp", .to = "taro@example.jp",
			      .subject = "件名", .body = "本文\n", .date = 0 };
	char *msg = NULL;
	size_t len;
	m.to = "taro@example.jp\r\nBcc: victim@example.jp";
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_INVALID);
	T_CHECK(strstr(e.detail, "victim") == NULL);
	m.to = "taro@example.jp";
	m.from = "noreply@demo-ku.example.jp\nX: y";
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_INVALID);
	m.from = "noreply@demo-ku.example.jp";
	m.from_name = "デモ区\r\nBcc: victim@example.jp";
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_INVALID);
	m.from_name = NULL;
	m.message_id = "<a@b>\r\nX: y";
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_INVALID);
	m.message_id = NULL;
	m.body = "line\rcr alone";
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_INVALID);
	m.body = "bell\a";
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_INVALID);
	T_CHECK(msg == NULL);
	/* a body that looks like headers or an SMTP end-of-data goes base64:
	 * nothing of it appears raw */
	m.body = "\r\n.\r\nBcc: victim@example.jp\r\n\r\n";
	T_REQUIRE(mail_compose(&msg, &len, &m, &e) == 0);
	T_CHECK(strstr(msg, "victim") == NULL);
	T_CHECK(strstr(msg, "\r\n.\r\n") == NULL);
	free(msg);
}

static void test_compose(void)
{
	const char *body = "デモ区役所です。\n\n申請（受付番号 2026-000123）を受け付けました。\r\n"
			   "審査の結果はこのアドレスにお知らせします。\n"
			   "This is a fictional message from the demo ward.\n";
	struct mail_msg m = { .from = "noreply@demo-ku.example.jp", .from_name = "デモ区役所",
			      .to = "taro@example.jp", .subject = "【デモ区】申請を受け付けました",
			      .body = body, .date = 1795000000, /* 2026-11-18T11:06:40Z */
			      .message_id = "<mg.42.abc@demo-ku.example.jp>" };
	char *msg = NULL;
	size_t len = 0;
	struct err e;
	T_REQUIRE(mail_compose(&msg, &len, &m, &e) == 0);
	T_EQ_INT(strlen(msg), len);
	T_CHECK(strstr(msg, "Date: Wed, 18 Nov 2026 20:06:40 +0900\r\n") == msg);
	T_CHECK(strstr(msg, "\r\nTo: taro@example.jp\r\n") != NULL);
	T_CHECK(strstr(msg, "\r\nFrom: =?UTF-8?B?") != NULL);
	T_CHECK(strstr(msg, "\r\n <noreply@demo-ku.example.jp>\r\n") != NULL);
	T_CHECK(strstr(msg, "\r\nSubject: =?UTF-8?B?") != NULL);
	T_CHECK(strstr(msg, "\r\nMessage-ID: <mg.42.abc@demo-ku.example.jp>\r\n") != NULL);
	T_CHECK(strstr(msg, "\r\nMIME-Version: 1.0\r\n") != NULL);
	T_CHECK(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n") != NULL);
	T_CHECK(strstr(msg, "\r\nContent-Transfer-Encoding: base64\r\n") != NULL);
	T_CHECK(strstr(msg, "\r\nAuto-Submitted: auto-generated\r\n") != NULL);
	/* every line ends in CRLF, no bare LF or CR; header lines <= 76 */
	const char *b = header_end(msg);
	T_REQUIRE(b != NULL);
	for (const char *p = msg; *p; p++) {
		if (*p == '\n')
			T_CHECK(p > msg && p[-1] == '\r');
		if (*p == '\r')
			T_CHECK(p[1] == '\n');
	}
	/* body: base64 lines of at most 76, decoding to the CRLF form */
	char dec[4096];
	size_t dlen = 0;
	int lines = 0;
	for (const char *p = b; *p;) {
		const char *eol = strstr(p, "\r\n");
		T_REQUIRE(eol != NULL);
		T_CHECK(eol - p <= 76);
		if (strstr(eol + 2, "\r\n"))
			T_EQ_INT(eol - p, 76);   /* all but the last are full */
		size_t bin;
		T_REQUIRE(sodium_base642bin((unsigned char *)dec + dlen, sizeof dec - dlen, p,
					    (size_t)(eol - p), NULL, &bin, NULL,
					    sodium_base64_VARIANT_ORIGINAL) == 0);
		dlen += bin;
		lines++;
		p = eol + 2;
	}
	dec[dlen] = '\0';
	T_CHECK(lines > 2);
	T_EQ_STR(dec, "デモ区役所です。\r\n\r\n申請（受付番号 2026-000123）を受け付けました。\r\n"
		      "審査の結果はこのアドレスにお知らせします。\r\n"
		      "This is a fictional message from the demo ward.\r\n");
	free(msg);

	/* without a given Message-ID one is made on the sender's domain */
	m.message_id = NULL;
	m.from_name = NULL;
	T_REQUIRE(mail_compose(&msg, &len, &m, &e) == 0);
	T_CHECK(strstr(msg, "\r\nFrom: noreply@demo-ku.example.jp\r\n") != NULL);
	const char *mid = strstr(msg, "\r\nMessage-ID: <");
	T_REQUIRE(mid != NULL);
	const char *gt = strchr(mid, '>');
	T_CHECK(gt && strncmp(gt - 19, "@demo-ku.example.jp>", 20) == 0);
	free(msg);
}

static void test_limits(void)
{
	struct err e;
	char *h = NULL;
	char *s = malloc(MAIL_SUBJECT_MAX + 10);
	/* MAIL_SUBJECT_MAX bytes of 3-byte characters: fine; one more: not */
	size_t n = 0;
	while (n + 3 <= MAIL_SUBJECT_MAX) {
		memcpy(s + n, "申", 3);
		n += 3;
	}
	s[n] = '\0';
	T_EQ_INT(mail_subject_encode(&h, s, &e), 0);
	free(h);
	h = NULL;
	memcpy(s + n, "請", 3);
	s[n + 3] = '\0';
	T_EQ_INT(mail_subject_encode(&h, s, &e), ERR_LIMIT);
	free(s);

	char *body = malloc(MAIL_BODY_MAX + 2);
	memset(body, 'a', MAIL_BODY_MAX);
	body[MAIL_BODY_MAX] = '\0';
	struct mail_msg m = { .from = "noreply@demo-ku.example.jp", .to = "taro@example.jp",
			      .subject = "s", .body = body };
	char *msg = NULL;
	size_t len;
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), 0);
	T_CHECK(len < MAIL_MESSAGE_MAX);
	free(msg);
	msg = NULL;
	/* a body of only LFs doubles in canonical form: still within bounds */
	memset(body, '\n', MAIL_BODY_MAX);
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), 0);
	T_CHECK(len < MAIL_MESSAGE_MAX);
	free(msg);
	msg = NULL;
	body[MAIL_BODY_MAX] = 'a';
	body[MAIL_BODY_MAX + 1] = '\0';
	T_EQ_INT(mail_compose(&msg, &len, &m, &e), ERR_LIMIT);
	free(body);
}

/* ---- the outbox ------------------------------------------------------------ */

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

static int64_t count(struct store *s, const char *q)
{
	int64_t n = -1;
	struct err e;
	if (store_query_int(&n, s, q, NULL, 0, &e))
		printf("# count: %s\n", e.detail);
	return n;
}

#define QUEUED_JOBS "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND status = 'queued'"

static void test_enqueue_tx(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t now = 1795000000;
	/* in the caller's transaction, rolled back: no message, no job */
	T_REQUIRE(store_begin(s, &e) == 0);
	int64_t id = 0;
	T_EQ_INT(mail_enqueue_id(&id, s,
				 &(struct mail_new){ .tenant = "139998", .to = "taro@example.jp",
						     .subject = "受付", .body = "本文" },
				 now, &e), 0);
	T_CHECK(id > 0);
	T_CHECK(store_in_tx(s));          /* the caller's transaction is still open */
	store_rollback(s);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox"), 0);
	T_EQ_INT(count(s, QUEUED_JOBS), 0);
	/* committed with the caller's own write */
	T_REQUIRE(store_begin(s, &e) == 0);
	store_exec(s, "UPDATE tenants SET name_en = 'Demo' WHERE code = '139998'", NULL, 0, &e);
	T_EQ_INT(mail_enqueue(s, "139998", "taro@example.jp", "受付", "本文", now, &e), 0);
	T_REQUIRE(store_commit(s, &e) == 0);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE state = 'queued'"), 1);
	T_EQ_INT(count(s, QUEUED_JOBS), 1);
	/* on its own, twice more: still one wake-up job */
	int64_t id2 = 0, id3 = 0;
	T_EQ_INT(mail_enqueue_id(&id2, s,
				 &(struct mail_new){ .tenant = NULL, .to = "hanako@example.jp",
						     .subject = "s2", .body = "b2" },
				 now, &e), 0);
	T_EQ_INT(mail_enqueue_id(&id3, s,
				 &(struct mail_new){ .tenant = "139998", .to = "jiro@example.jp",
						     .subject = "s3", .body = "" },
				 now, &e), 0);
	T_CHECK(id3 > id2 && id2 > 0);
	T_CHECK(!store_in_tx(s));
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox"), 3);
	T_EQ_INT(count(s, QUEUED_JOBS), 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM jobs WHERE payload LIKE '%example%'"), 0);
	/* refusals write nothing */
	T_EQ_INT(mail_enqueue(s, "139998", "bad address", "s", "b", now, &e), ERR_INVALID);
	T_EQ_INT(mail_enqueue(s, "139998", "a@example.jp", "s\r\nBcc: x@example.jp", "b", now, &e),
		 ERR_INVALID);
	T_EQ_INT(mail_enqueue(s, "131016", "a@example.jp", "s", "b", now, &e), ERR_CONFLICT);
	T_CHECK(strstr(e.detail, "a@example.jp") == NULL);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox"), 3);
	/* a failed enqueue inside the caller's transaction leaves it usable */
	T_REQUIRE(store_begin(s, &e) == 0);
	T_EQ_INT(mail_enqueue(s, "139998", "bad", "s", "b", now, &e), ERR_INVALID);
	T_CHECK(store_in_tx(s));
	T_CHECK(store_commit(s, &e) == 0);
	store_close(s);
}

struct lst {
	int n;
	char to[8][64];
	enum mail_state st[8];
};

static int lst_cb(const struct mail_info *m, void *arg)
{
	struct lst *l = arg;
	if (l->n < 8) {
		snprintf(l->to[l->n], sizeof l->to[0], "%s", m->to);
		l->st[l->n] = m->state;
	}
	l->n++;
	return 0;
}

static void test_list(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	mail_enqueue(s, "139998", "a@example.jp", "s", "b", 100, &e);
	mail_enqueue(s, NULL, "b@example.jp", "s", "b", 101, &e);
	mail_enqueue(s, "139998", "c@example.jp", "s", "b", 102, &e);
	struct lst l = { 0 };
	T_EQ_INT(mail_list(s, NULL, lst_cb, &l, &e), 3);
	T_EQ_STR(l.to[0], "c@example.jp");     /* newest first */
	T_EQ_INT(l.st[0], MAIL_QUEUED);
	memset(&l, 0, sizeof l);
	struct mail_filter f = { .tenant = "139998" };
	T_EQ_INT(mail_list(s, &f, lst_cb, &l, &e), 2);
	f = (struct mail_filter){ .state = MAIL_SENT };
	T_EQ_INT(mail_list(s, &f, lst_cb, &l, &e), 0);
	f = (struct mail_filter){ .limit = 1 };
	T_EQ_INT(mail_list(s, &f, lst_cb, &l, &e), 1);
	store_close(s);
}

struct body_of {
	int n, devbox;
	char body[64], token[40];
};

static int body_cb(const struct mail_info *m, void *arg)
{
	struct body_of *b = arg;
	b->n++;
	b->devbox = m->devbox;
	snprintf(b->body, sizeof b->body, "%s", m->body ? m->body : "(null)");
	snprintf(b->token, sizeof b->token, "%s", m->msg_token ? m->msg_token : "(null)");
	return 1;
}

/* the development mailbox: every queued message delivered (sent, via
 * devbox, one attempt), sent and failed ones untouched; the summary of
 * the staff home's warning; paging and counting; one message with its body */
static void test_devbox_summary(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t a = 0, b = 0, c = 0;
	T_EQ_INT(mail_enqueue_id(&a, s, &(struct mail_new){ .tenant = "139998", .to = "a@example.jp",
							  .subject = "s", .body = "本文 https://x.example.jp/v?t=1" },
				 1000, &e), 0);
	T_EQ_INT(mail_enqueue_id(&b, s, &(struct mail_new){ .tenant = "139998", .to = "b@example.jp",
							  .subject = "s", .body = "b" }, 1001, &e), 0);
	T_EQ_INT(mail_enqueue_id(&c, s, &(struct mail_new){ .tenant = NULL, .to = "c@example.jp",
							  .subject = "s", .body = "c" }, 1002, &e), 0);
	/* b failed once already: the warning counts it as retrying */
	struct store_val v[] = { sv_int(b) };
	T_EQ_INT(store_exec(s, "UPDATE mail_outbox SET attempts = 1, last_error = 'curl 7' WHERE id = $1",
			    v, 1, &e), 1);
	struct mail_summary sum;
	T_EQ_INT(mail_summary(&sum, s, "139998", 0, 1000, &e), 0);
	T_EQ_INT(sum.queued, 2);
	T_EQ_INT(sum.retrying, 1);            /* b; a is not older than stale_before */
	T_EQ_INT(sum.failed, 0);
	T_EQ_INT(sum.oldest_queued, 1000);
	T_EQ_INT(mail_summary(&sum, s, "139998", 0, 2000, &e), 0);
	T_EQ_INT(sum.retrying, 2);            /* both waited past stale_before */
	struct mail_filter f = { .tenant = "139998" };
	T_EQ_INT(mail_count(s, &f, &e), 2);
	T_EQ_INT(mail_count(s, NULL, &e), 3);
	f = (struct mail_filter){ .limit = 1, .offset = 2 };
	struct lst l = { 0 };
	T_EQ_INT(mail_list(s, &f, lst_cb, &l, &e), 1);
	T_EQ_STR(l.to[0], "a@example.jp");   /* the oldest, third newest */
	/* delivered to the development mailbox */
	T_EQ_INT(mail_devbox_deliver(s, 3000, &e), 3);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent' AND via = 'devbox'"
		       " AND sent_at = 3000 AND next_attempt_at IS NULL AND last_error IS NULL"), 3);
	T_EQ_INT(count(s, "SELECT attempts FROM mail_outbox WHERE id = (SELECT MIN(id) FROM mail_outbox)"), 1);
	T_EQ_INT(mail_devbox_deliver(s, 3001, &e), 0);   /* nothing queued: nothing changes */
	T_EQ_INT(mail_summary(&sum, s, "139998", 0, 5000, &e), 0);
	T_EQ_INT(sum.queued, 0);
	T_EQ_INT(sum.retrying, 0);
	/* one message with its body; the list alone carries none */
	struct body_of bo = { 0 };
	f = (struct mail_filter){ .id = a, .tenant = "139998", .with_body = 1 };
	T_EQ_INT(mail_list(s, &f, body_cb, &bo, &e), 1);
	T_EQ_INT(bo.devbox, 1);
	T_EQ_STR(bo.body, "本文 https://x.example.jp/v?t=1");
	T_EQ_INT((int)strlen(bo.token), 32);
	char mid[200];
	mail_message_id(mid, sizeof mid, bo.token, a, "noreply@demo-ku.example.jp");
	T_CHECK(strncmp(mid, "<", 1) == 0 && strstr(mid, "@demo-ku.example.jp>") != NULL);
	memset(&bo, 0, sizeof bo);
	f = (struct mail_filter){ .id = a };
	T_EQ_INT(mail_list(s, &f, body_cb, &bo, &e), 1);
	T_EQ_STR(bo.body, "(null)");
	/* another municipality's filter does not find it */
	f = (struct mail_filter){ .id = c, .tenant = "139998", .with_body = 1 };
	T_EQ_INT(mail_list(s, &f, body_cb, &bo, &e), 0);
	store_close(s);
}

static void test_send_unreachable(void)
{
	struct store *s = open_clean();
	T_REQUIRE(s != NULL);
	struct err e;
	int64_t now = 1795000000;
	for (int i = 0; i < 3; i++)
		mail_enqueue(s, "139998", "taro@example.jp", "件名", "本文", now, &e);
	/* port 1 on loopback: connection refused */
	struct mail_config c = { .smtp_url = "smtp://127.0.0.1:1", .from = "noreply@demo-ku.example.jp",
				 .tls = MAIL_TLS_NONE, .retry_base_secs = 10, .max_attempts = 2,
				 .connect_timeout_secs = 2, .timeout_secs = 2 };
	struct mail_sender *m = NULL;
	T_REQUIRE(mail_sender_new(&m, &c, &e) == 0);
	struct mail_send_stats st;
	T_EQ_INT(mail_send_due(&st, m, s, now, NULL, NULL, &e), 0);
	T_EQ_INT(st.claimed, 3);
	T_EQ_INT(st.retried, 1);
	T_EQ_INT(st.stopped_early, 1);
	/* only the first was charged; it waits retry_base, the others wait
	 * as long without being charged */
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE attempts = 1"
			  " AND next_attempt_at = 1795000010 AND last_error LIKE 'curl 7 %'"), 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE attempts = 0"
			  " AND next_attempt_at = 1795000010 AND last_error IS NULL"), 2);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE claimed_by IS NOT NULL"), 0);
	/* nothing is due before then */
	T_EQ_INT(mail_send_due(&st, m, s, now + 9, NULL, NULL, &e), 0);
	T_EQ_INT(st.claimed, 0);
	/* then the first (oldest due) uses its last attempt: failed */
	T_EQ_INT(mail_send_due(&st, m, s, now + 10, NULL, NULL, &e), 0);
	T_EQ_INT(st.failed, 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE state = 'failed'"
			  " AND attempts = 2 AND next_attempt_at IS NULL"), 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE state = 'queued'"
			  " AND attempts = 0 AND next_attempt_at = 1795000020"), 2);
	/* backoff doubles: second attempt of one message waits 2 * base */
	T_EQ_INT(mail_send_due(&st, m, s, now + 20, NULL, NULL, &e), 0);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE attempts = 1"
			  " AND next_attempt_at = 1795000030"), 1);
	/* the schedule covers the remaining queued ones */
	T_EQ_INT(mail_schedule_pending(s, &e), 0);
	T_CHECK(count(s, QUEUED_JOBS) >= 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE last_error LIKE '%example%'"), 0);
	/* pruning empties the bodies of old finished messages only */
	T_EQ_INT(mail_prune(s, now + MAIL_BODY_KEEP_SECS - 1, &e), 0);
	T_EQ_INT(mail_prune(s, now + MAIL_BODY_KEEP_SECS + 1, &e), 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE body = ''"), 1);
	T_EQ_INT(count(s, "SELECT COUNT(*) FROM mail_outbox WHERE body = '' AND state = 'failed'"), 1);
	T_EQ_INT(mail_prune(s, now + MAIL_BODY_KEEP_SECS + 1, &e), 0);
	mail_sender_free(m);
	store_close(s);
}

static void test_sender_config(void)
{
	struct mail_sender *m = NULL;
	struct err e;
	struct mail_config c = { .smtp_url = "http://127.0.0.1:25", .from = "noreply@demo-ku.example.jp" };
	T_EQ_INT(mail_sender_new(&m, &c, &e), ERR_INVALID);
	c.smtp_url = "smtp://127.0.0.1:25";
	c.from = "noreply";
	T_EQ_INT(mail_sender_new(&m, &c, &e), ERR_INVALID);
	c.from = "noreply@demo-ku.example.jp";
	c.auth_file = "/nonexistent/smtp.auth";
	T_EQ_INT(mail_sender_new(&m, &c, &e), ERR_NOTFOUND);
	c.auth_file = NULL;
	c.batch = MAIL_BATCH_MAX + 1;
	T_EQ_INT(mail_sender_new(&m, &c, &e), ERR_INVALID);
	c.batch = 0;
	T_EQ_INT(mail_sender_new(&m, &c, &e), 0);
	mail_sender_free(m);
	mail_sender_free(NULL);
}

int main(void)
{
	tdb_begin(&db, "mail");
	T_RUN(test_addr);
	T_RUN(test_subject_ascii);
	T_RUN(test_subject_japanese);
	T_RUN(test_subject_random);
	T_RUN(test_injection);
	T_RUN(test_compose);
	T_RUN(test_limits);
	T_RUN(test_enqueue_tx);
	T_RUN(test_list);
	T_RUN(test_devbox_summary);
	T_RUN(test_sender_config);
	T_RUN(test_send_unreachable);
	tdb_end(&db);
	return t_done();
}
