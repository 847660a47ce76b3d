/*
 * test_template.c -- the notification service's templates
 * (src/svc/notify/template.c, defaults.c) on both backends
 * (MADOGUCHI_TEST_DB; default a fresh SQLite file; on PostgreSQL in the
 * schema mg_notify_test):
 *   - placeholder parsing: names in order of first use, repeats counted
 *     once, a "((" that opens no valid ((name)) refused, the limits on
 *     names and uses;
 *   - notify_check: ja required, en / ja-easy whole or empty, a
 *     placeholder the code does not give refused (naming it), limits on
 *     either side;
 *   - rendering: values inserted as given, a missing value and an
 *     unknown name refused, a value given twice refused, CR or LF (or
 *     any control character) in a value that lands in the subject
 *     refused while LF in the body is kept, fallback ja-easy -> ja and
 *     en -> ja when that language is empty;
 *   - versions: create, save (version + 1, in force, history newest
 *     first with the old text kept), a save edited from an old version
 *     refused and storing nothing, another municipality's template not
 *     found, the defaults installed once and each passing notify_check,
 *     a municipality without a stored template rendering the shipped one;
 *   - notify_email: a rendered message in the outbox with the id it
 *     returned, its subject and body as rendered; refused values queue
 *     nothing.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/mail/mail.h"
#include "core/tenant/tenant.h"
#include "svc/notify/notify.h"

static struct tdb db;
static struct store *s;
static struct arena *A;

#define T1 "139998"
#define T2 "131059"
#define NOW 1796000000

static void setup(void)
{
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# cannot open the database: %s\n", e.detail);
		exit(1);
	}
	if (app_migrate(s, NULL, &e) != 0) {
		printf("# migrate: %s\n", e.detail);
		exit(1);
	}
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "文京区", .name_en = "Bunkyo" };
	if (tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("# tenant: %s\n", e.detail);
		exit(1);
	}
	A = arena_new(8u << 20);
}

static struct notify_template tpl(void)
{
	return (struct notify_template){
		.slug = "test.hello", .channel = NOTIFY_EMAIL, .fields = "name receipt url",
		.text = { { "((name))様 受付((receipt))", "((name))様\n受付番号 ((receipt))\n((url))\n" },
			  { "Hello ((name))", "Dear ((name)),\nreceipt ((receipt))\n" },
			  { "", "" } },
		.author = "tester", .note = "first",
	};
}

static void test_placeholders(void)
{
	char names[NOTIFY_FIELDS_MAX][NOTIFY_NAME_MAX + 1];
	struct notify_problem p;
	int n = notify_placeholders(names, NOTIFY_FIELDS_MAX, "a ((b)) c ((d_2)) ((b)) ((e))", &p);
	T_EQ_INT(n, 3);
	T_EQ_STR(names[0], "b");
	T_EQ_STR(names[1], "d_2");
	T_EQ_STR(names[2], "e");
	T_EQ_INT(notify_placeholders(names, NOTIFY_FIELDS_MAX, "no placeholders (at all)", &p), 0);
	/* in a run of parentheses the innermost pair opens it */
	T_EQ_INT(notify_placeholders(names, NOTIFY_FIELDS_MAX, "x (((r)))", &p), 1);
	T_EQ_STR(names[0], "r");
	/* a "((" that opens nothing valid */
	const char *bad[] = { "((", "((Name))", "((1a))", "(( a ))", "((a)", "((a-b))", "((\xe5\x90\x8d))", "x((((a)" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&p, 0, sizeof p);
		int rc = notify_placeholders(names, NOTIFY_FIELDS_MAX, bad[i], &p);
		if (rc != ERR_INVALID)
			T_FAIL_("\"%s\" gave %d, want ERR_INVALID", bad[i], rc);
		T_CHECK(strstr(p.en, "((") != NULL);
	}
	/* a 32-byte name is one, 33 is not */
	char t[64];
	snprintf(t, sizeof t, "((%s))", "abcdefghijklmnopqrstuvwxyz012345");
	T_EQ_INT(notify_placeholders(names, NOTIFY_FIELDS_MAX, t, &p), 1);
	snprintf(t, sizeof t, "((%s))", "abcdefghijklmnopqrstuvwxyz0123456");
	T_EQ_INT(notify_placeholders(names, NOTIFY_FIELDS_MAX, t, &p), ERR_INVALID);
	/* at most max distinct names, at most NOTIFY_USES_MAX uses */
	char big[4096] = "";
	for (int i = 0; i < 3; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), "((n%d))", i);
	T_EQ_INT(notify_placeholders(names, 2, big, &p), ERR_INVALID);
	T_EQ_INT(notify_placeholders(names, 3, big, &p), 3);
	big[0] = 0;
	for (int i = 0; i <= NOTIFY_USES_MAX; i++)
		strcat(big, "((a))");
	T_EQ_INT(notify_placeholders(names, 3, big, &p), ERR_INVALID);
	big[strlen(big) - 5] = 0;   /* exactly NOTIFY_USES_MAX */
	T_EQ_INT(notify_placeholders(names, 3, big, &p), 1);
}

static void test_check(void)
{
	struct notify_problem p;
	struct notify_template t = tpl();
	T_EQ_INT(notify_check(&t, &p), 0);
	/* a placeholder the code does not give, named in the problem */
	t.text[NOTIFY_EN].body = "Dear ((nickname))";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "body_en");
	T_CHECK(strstr(p.ja, "((nickname))") && strstr(p.en, "((nickname))"));
	t = tpl();
	t.text[NOTIFY_JA].subject = "  \xe3\x80\x80";   /* spaces only, U+3000 too */
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "subject_ja");
	t = tpl();
	t.text[NOTIFY_JA].body = "";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "body_ja");
	/* ja-easy: subject without body */
	t = tpl();
	t.text[NOTIFY_JA_EASY].subject = "おしらせ";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "body_easy");
	/* a subject is one line */
	t = tpl();
	t.text[NOTIFY_EN].subject = "Hello\r\nBcc: x@example.com";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "subject_en");
	/* limits: 200 / 8000 bytes, the byte on either side */
	char sub[NOTIFY_SUBJECT_MAX + 2], *body = malloc(NOTIFY_BODY_MAX + 2);
	memset(sub, 'x', sizeof sub - 1);
	sub[NOTIFY_SUBJECT_MAX] = 0;
	memset(body, 'y', NOTIFY_BODY_MAX + 1);
	body[NOTIFY_BODY_MAX] = 0;
	t = tpl();
	t.text[NOTIFY_JA].subject = sub;
	t.text[NOTIFY_JA].body = body;
	T_EQ_INT(notify_check(&t, &p), 0);
	sub[NOTIFY_SUBJECT_MAX] = 'x';
	sub[NOTIFY_SUBJECT_MAX + 1] = 0;
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "subject_ja");
	sub[NOTIFY_SUBJECT_MAX] = 0;
	body[NOTIFY_BODY_MAX] = 'y';
	body[NOTIFY_BODY_MAX + 1] = 0;
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "body_ja");
	free(body);
	/* malformed UTF-8, a bad slug, a bad field, a long note */
	t = tpl();
	t.text[NOTIFY_JA].body = "\xff\xfe";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	t = tpl();
	t.slug = "Bad Slug";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "slug");
	t = tpl();
	t.fields = "name Url";
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "fields");
	char note[NOTIFY_NOTE_MAX + 2];
	memset(note, 'n', sizeof note - 1);
	note[NOTIFY_NOTE_MAX + 1] = 0;
	t = tpl();
	t.note = note;
	T_EQ_INT(notify_check(&t, &p), ERR_INVALID);
	T_EQ_STR(p.field, "note");
	note[NOTIFY_NOTE_MAX] = 0;
	T_EQ_INT(notify_check(&t, &p), 0);
	T_CHECK(notify_slug_valid("apply.state_changed"));
	T_CHECK(!notify_slug_valid("apply..x"));
	T_CHECK(!notify_slug_valid("apply."));
	T_CHECK(!notify_slug_valid(".apply"));
}

static void test_render(void)
{
	struct notify_template t = tpl();
	struct notify_problem p;
	struct notify_message m;
	struct notify_value v[] = { { "name", "山田 <太郎>" }, { "receipt", "R-1" }, { "url", "https://x/1" } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, v, 3, &p), 0);
	T_EQ_STR(m.subject, "山田 <太郎>様 受付R-1");
	T_EQ_STR(m.body, "山田 <太郎>様\n受付番号 R-1\nhttps://x/1\n");
	T_EQ_INT(m.lang, NOTIFY_JA);
	/* en: uses no url; the value given for it is fine */
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_EN, v, 3, &p), 0);
	T_EQ_STR(m.subject, "Hello 山田 <太郎>");
	T_EQ_INT(m.lang, NOTIFY_EN);
	/* ja-easy is empty: Japanese */
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA_EASY, v, 3, &p), 0);
	T_EQ_INT(m.lang, NOTIFY_JA);
	T_EQ_STR(m.subject, "山田 <太郎>様 受付R-1");
	/* en empty too: Japanese */
	t.text[NOTIFY_EN] = (struct notify_text){ "", "" };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_EN, v, 3, &p), 0);
	T_EQ_INT(m.lang, NOTIFY_JA);
	t = tpl();
	/* missing: url used in the ja body */
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, v, 2, &p), ERR_INVALID);
	T_CHECK(strstr(p.en, "((url))") != NULL);
	/* but en uses no url: two values suffice */
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_EN, v, 2, &p), 0);
	/* unknown name */
	struct notify_value u[] = { { "name", "a" }, { "receipt", "b" }, { "url", "c" }, { "secret", "d" } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, u, 4, &p), ERR_INVALID);
	T_CHECK(strstr(p.en, "((secret))") != NULL);
	/* twice */
	struct notify_value tw[] = { { "name", "a" }, { "name", "b" }, { "receipt", "b" }, { "url", "c" } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, tw, 4, &p), ERR_INVALID);
	/* CR / LF / other controls into the subject: refused, never a header */
	const char *evil[] = { "a\r\nBcc: victim@example.com", "a\nb", "a\rb", "a\tb", "a\x01" "b" };
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		struct notify_value ev[] = { { "name", evil[i] }, { "receipt", "R" }, { "url", "u" } };
		m.subject = NULL;
		if (notify_render_text(&m, A, &t, NOTIFY_JA, ev, 3, &p) != ERR_INVALID)
			T_FAIL_("value %zu into the subject was not refused", i);
		T_CHECK(strstr(p.en, "((name))") != NULL);
	}
	/* LF in a value that only reaches the body: kept */
	struct notify_value lf[] = { { "name", "N" }, { "receipt", "R" }, { "url", "line1\nline2" } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, lf, 3, &p), 0);
	T_CHECK(m.body && strstr(m.body, "line1\nline2") != NULL);
	/* a CR even in the body is refused (bodies are LF text) */
	struct notify_value cr[] = { { "name", "N" }, { "receipt", "R" }, { "url", "a\rb" } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, cr, 3, &p), ERR_INVALID);
	/* a value's limit */
	char *big = malloc(NOTIFY_VALUE_MAX + 2);
	memset(big, 'v', NOTIFY_VALUE_MAX + 1);
	big[NOTIFY_VALUE_MAX + 1] = 0;
	struct notify_value bv[] = { { "name", "N" }, { "receipt", "R" }, { "url", big } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, bv, 3, &p), ERR_INVALID);
	big[NOTIFY_VALUE_MAX] = 0;
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, bv, 3, &p), 0);
	free(big);
	/* a value holding "((receipt))" is text, not a placeholder */
	struct notify_value nest[] = { { "name", "((receipt))" }, { "receipt", "R" }, { "url", "u" } };
	T_EQ_INT(notify_render_text(&m, A, &t, NOTIFY_JA, nest, 3, &p), 0);
	T_EQ_STR(m.subject, "((receipt))様 受付R");
}

static int64_t count(const char *sql)
{
	int64_t n = -1;
	store_query_int(&n, s, sql, NULL, 0, NULL);
	return n;
}

struct hist {
	int n;
	int versions[8];
	char bodies[8][64];
};

static void on_version(const struct notify_template *t, void *arg)
{
	struct hist *h = arg;
	if (h->n < 8) {
		h->versions[h->n] = t->version;
		snprintf(h->bodies[h->n], sizeof h->bodies[0], "%s", t->text[NOTIFY_JA].body);
	}
	h->n++;
}

static void test_versions(void)
{
	struct err e;
	struct notify_template t = tpl();
	T_EQ_INT(notify_create(s, T1, &t, NOW, &e), 0);
	T_EQ_INT(notify_create(s, T1, &t, NOW, &e), ERR_CONFLICT);
	struct notify_template g;
	T_EQ_INT(notify_get(&g, A, s, T1, "test.hello", 0, &e), 0);
	T_EQ_INT(g.version, 1);
	T_EQ_STR(g.author, "tester");
	T_EQ_INT(notify_get(&g, A, s, T2, "test.hello", 0, &e), ERR_NOTFOUND);
	/* version 2 */
	struct notify_template n2 = tpl();
	n2.text[NOTIFY_JA].subject = "((name))様へ";
	n2.text[NOTIFY_JA].body = "((name))様 新しい本文";
	n2.text[NOTIFY_JA_EASY] = (struct notify_text){ "おしらせ", "((name))さん" };
	n2.author = "hanako";
	n2.note = "やさしい日本語を追加";
	n2.fields = "whatever";   /* ignored: the stored fields count */
	int ver = 0;
	struct notify_problem p;
	T_EQ_INT(notify_save(&ver, s, T1, &n2, 1, NOW + 10, &p, &e), 0);
	T_EQ_INT(ver, 2);
	T_EQ_INT(notify_get(&g, A, s, T1, "test.hello", 0, &e), 0);
	T_EQ_INT(g.version, 2);
	T_EQ_STR(g.text[NOTIFY_JA].body, "((name))様 新しい本文");
	T_EQ_STR(g.fields, "name receipt url");
	T_EQ_STR(g.note, "やさしい日本語を追加");
	T_EQ_INT(g.created_at, NOW + 10);
	/* the old one kept */
	T_EQ_INT(notify_get(&g, A, s, T1, "test.hello", 1, &e), 0);
	T_EQ_STR(g.text[NOTIFY_JA].body, "((name))様\n受付番号 ((receipt))\n((url))\n");
	/* a save edited from version 1: refused, nothing stored */
	n2.text[NOTIFY_JA].body = "stale";
	T_EQ_INT(notify_save(&ver, s, T1, &n2, 1, NOW + 20, &p, &e), ERR_CONFLICT);
	T_EQ_INT(count("SELECT count(*) FROM notify_template_versions"), 2);
	/* an invalid one: refused, nothing stored */
	n2.text[NOTIFY_JA].body = "((nickname))";
	T_EQ_INT(notify_save(&ver, s, T1, &n2, 2, NOW + 20, &p, &e), ERR_INVALID);
	T_EQ_STR(p.field, "body_ja");
	T_EQ_INT(count("SELECT count(*) FROM notify_template_versions"), 2);
	/* another municipality's */
	n2.text[NOTIFY_JA].body = "ok";
	T_EQ_INT(notify_save(&ver, s, T2, &n2, 2, NOW + 20, &p, &e), ERR_NOTFOUND);
	/* history newest first */
	struct hist h = { 0 };
	T_EQ_INT(notify_history(s, T1, "test.hello", on_version, &h, &e), 2);
	T_EQ_INT(h.versions[0], 2);
	T_EQ_INT(h.versions[1], 1);
	T_EQ_STR(h.bodies[0], "((name))様 新しい本文");
	T_EQ_INT(notify_history(s, T2, "test.hello", on_version, &h, &e), ERR_NOTFOUND);
	/* rendering through the store uses version 2, ja-easy now exists */
	struct notify_message m;
	struct notify_value v[] = { { "name", "花子" } };
	T_EQ_INT(notify_render(&m, A, s, T1, "test.hello", "ja-easy", v, 1, &e), 0);
	T_EQ_STR(m.body, "花子さん");
	T_EQ_INT(m.version, 2);
	T_EQ_INT(notify_render(&m, A, s, T1, "test.hello", "ja", v, 1, &e), 0);
	T_EQ_STR(m.body, "花子様 新しい本文");
	T_EQ_INT(notify_render(&m, A, s, T1, "test.hello", "fr", v, 1, &e), ERR_INVALID);
	/* T1 has no shipped template stored: the shipped text, version 0;
	 * an id neither stored nor shipped is not found */
	struct notify_value w[] = { { "ward", "デモ区" }, { "url", "https://x/r" } };
	T_EQ_INT(notify_render(&m, A, s, T1, "auth.password_reset", "ja-easy", w, 2, &e), 0);
	T_EQ_INT(m.version, 0);
	T_EQ_INT(m.lang, NOTIFY_JA_EASY);
	T_EQ_STR(m.subject, "【デモ区】パスワードを あたらしく する");
	T_EQ_INT(notify_render(&m, A, s, T1, "no.such", "ja", w, 2, &e), ERR_NOTFOUND);
}

static void test_defaults(void)
{
	struct err e;
	struct notify_problem p;
	for (int i = 0; i < notify_ndefaults; i++) {
		const struct notify_default *d = &notify_defaults[i];
		struct notify_template t = { .slug = d->slug, .channel = d->channel, .fields = d->fields,
					     .author = "(default)" };
		memcpy(t.text, d->text, sizeof t.text);
		if (notify_check(&t, &p))
			T_FAIL_("default %s: %s: %s", d->slug, p.field, p.en);
		/* its samples render it in every language */
		struct notify_value v[NOTIFY_FIELDS_MAX];
		char buf[2048];
		snprintf(buf, sizeof buf, "%s", d->samples);
		int n = 0;
		for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line && n < NOTIFY_FIELDS_MAX;
		     line = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(line, '=');
			if (!eq)
				continue;
			*eq = 0;
			v[n++] = (struct notify_value){ line, eq + 1 };
		}
		for (int l = 0; l < NOTIFY_NLANG; l++) {
			struct notify_message m;
			if (notify_render_text(&m, A, &t, (enum notify_lang)l, v, n, &p))
				T_FAIL_("default %s in %d: %s", d->slug, l, p.en);
		}
	}
	T_CHECK(notify_default_find("waste.reminder") != NULL);
	T_CHECK(notify_default_find("apply.state_changed") != NULL);
	T_CHECK(notify_default_find("nope") == NULL);
	T_EQ_INT(notify_install_defaults(s, T2, NOW, &e), notify_ndefaults);
	T_EQ_INT(notify_install_defaults(s, T2, NOW, &e), 0);
	int64_t n = -1;
	struct store_val v[] = { sv_text(T2) };
	store_query_int(&n, s, "SELECT count(*) FROM notify_templates WHERE tenant = $1", v, 1, NULL);
	T_EQ_INT(n, notify_ndefaults);
}

static int on_mail(const struct mail_info *m, void *arg)
{
	struct mail_info *out = arg;
	*out = *m;
	out->subject = strdup(m->subject);
	out->body = m->body ? strdup(m->body) : NULL;
	out->to = strdup(m->to);
	return 1;
}

static void test_email(void)
{
	struct err e;
	int64_t id = -1;
	int64_t before = count("SELECT count(*) FROM mail_outbox");
	struct notify_value v[] = { { "ward", "デモ区" }, { "url", "https://demo.example.jp/r?token=1" } };
	T_REQUIRE(store_begin(s, &e) == 0);
	T_EQ_INT(notify_email(s, T2, "auth.password_reset", "en", "taro@example.com", v, 2, &id, &e), 0);
	T_EQ_INT(store_commit(s, &e), 0);
	T_CHECK(id > 0);
	struct mail_info mi = { 0 };
	T_EQ_INT(mail_list(s, &(struct mail_filter){ .id = id, .with_body = 1 }, on_mail, &mi, &e), 1);
	T_EQ_STR(mi.subject, "[デモ区] Reset your password");
	T_CHECK(mi.body && strstr(mi.body, "https://demo.example.jp/r?token=1\n") != NULL);
	T_EQ_STR(mi.to, "taro@example.com");
	T_EQ_INT(mi.state, MAIL_QUEUED);
	free((void *)mi.subject);
	free((void *)mi.body);
	free((void *)mi.to);
	/* refused: a CRLF into the subject, a missing value, an unknown
	 * template, a bad address; nothing queued */
	struct notify_value evil[] = { { "ward", "X\r\nBcc: a@example.com" }, { "url", "u" } };
	T_EQ_INT(notify_email(s, T2, "auth.password_reset", "ja", "taro@example.com", evil, 2, &id, &e),
		 ERR_INVALID);
	T_EQ_INT(id, 0);
	T_EQ_INT(notify_email(s, T2, "auth.password_reset", "ja", "taro@example.com", v, 1, &id, &e),
		 ERR_INVALID);
	T_EQ_INT(notify_email(s, T2, "no.such", "ja", "taro@example.com", v, 2, &id, &e), ERR_NOTFOUND);
	T_EQ_INT(notify_email(s, T2, "auth.password_reset", "ja", "not an address", v, 2, &id, &e),
		 ERR_INVALID);
	T_EQ_INT(count("SELECT count(*) FROM mail_outbox"), before + 1);
}

int main(void)
{
	tdb_begin(&db, "notify");
	setup();
	T_RUN(test_placeholders);
	T_RUN(test_check);
	T_RUN(test_render);
	T_RUN(test_versions);
	T_RUN(test_defaults);
	T_RUN(test_email);
	arena_free(A);
	store_close(s);
	tdb_end(&db);
	return t_done();
}
