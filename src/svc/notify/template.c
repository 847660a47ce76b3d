/*
 * template.c -- message templates (contract in notify.h): names and
 * placeholders, the checks, rendering with values, and the stored
 * versions (notify_templates, notify_template_versions).
 *
 * Invariants kept here: a stored version passed notify_check against its
 * template's fields; a new version is the one in force plus one, written
 * with the template's `version` in one transaction, and a save edited from
 * an older version is refused (ERR_CONFLICT), so nobody overwrites a
 * colleague's version unseen; a rendered subject never holds a control
 * character, whatever the values; details in err never carry a value.
 */
#include "svc/notify/notify.h"
#include "store/store.h"
#include "core/mail/mail.h"
#include "jp/text.h"
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* what a rendered message may reach (the outbox's own limits) */
#define RENDERED_SUBJECT_MAX MAIL_SUBJECT_MAX
#define RENDERED_BODY_MAX MAIL_BODY_MAX

static const char *const channel_names[] = { "email", "sms", "line" };
static const char *const lang_codes[] = { "ja", "en", "ja-easy" };
/* the columns' and the form fields' suffix per language */
static const char *const lang_cols[] = { "ja", "en", "easy" };

const char *notify_channel_name(enum notify_channel c)
{
	return (unsigned)c < 3 ? channel_names[c] : "email";
}

int notify_channel_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, channel_names[i]) == 0)
			return i;
	return -1;
}

const char *notify_lang_code(enum notify_lang l)
{
	return (unsigned)l < NOTIFY_NLANG ? lang_codes[l] : "ja";
}

int notify_lang_parse(const char *s)
{
	for (int i = 0; s && i < NOTIFY_NLANG; i++)
		if (strcmp(s, lang_codes[i]) == 0)
			return i;
	return -1;
}

/* *p gets field (unless NULL) and both messages; ja and en are formats
 * taking one %s each (a placeholder's or a field's name, or "") */
static int problem2(struct notify_problem *p, const char *field, const char *ja, const char *aja,
		    const char *en, const char *aen)
{
	if (!p)
		return ERR_INVALID;
	if (field)
		snprintf(p->field, sizeof p->field, "%s", field);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(p->ja, sizeof p->ja, ja, aja ? aja : "");
	snprintf(p->en, sizeof p->en, en, aen ? aen : "");
#pragma GCC diagnostic pop
	return ERR_INVALID;
}

static int problem(struct notify_problem *p, const char *field, const char *ja,
		   const char *en, const char *arg)
{
	return problem2(p, field, ja, arg, en, arg);
}

static int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int is_word(int c)
{
	return is_lower(c) || (c >= '0' && c <= '9') || c == '_';
}

int notify_slug_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > NOTIFY_SLUG_MAX || !is_lower((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.' || s[i + 1] == '\0')
				return 0;
		} else if (!is_word((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

int notify_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > NOTIFY_NAME_MAX || !is_lower((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_word((unsigned char)s[i]))
			return 0;
	return 1;
}

/* the next "((" from s that may open a placeholder: in a run of
 * parentheses the last two, so "(((receipt)))" is "(" ((receipt)) ")" */
static const char *next_open(const char *s)
{
	const char *t = s ? strstr(s, "((") : NULL;
	while (t && t[2] == '(')
		t++;
	return t;
}

/* the placeholder at t ("((" there): its name's length, or -1 when it is
 * not ((name)) with a valid name */
static int placeholder_at(const char *t)
{
	size_t k = 2;
	while (is_word((unsigned char)t[k]) && k - 2 <= NOTIFY_NAME_MAX)
		k++;
	size_t n = k - 2;
	if (n == 0 || n > NOTIFY_NAME_MAX || !is_lower((unsigned char)t[2]) ||
	    t[k] != ')' || t[k + 1] != ')')
		return -1;
	return (int)n;
}

int notify_placeholders(char names[][NOTIFY_NAME_MAX + 1], int max, const char *text,
			struct notify_problem *p)
{
	int count = 0, uses = 0;
	for (const char *t = next_open(text); t; t = next_open(t)) {
		int n = placeholder_at(t);
		if (n < 0)
			return problem(p, NULL, "「((」は差し込み項目 ((名前)) にだけ使えます。名前は半角英小文字で始まる英小文字・数字・_ の%s32文字までです。",
				       "\"((\" may only open a placeholder ((name)): a name of lower-case letters, digits and _, starting with a letter, at most 32 characters%s.",
				       "");
		if (++uses > NOTIFY_USES_MAX)
			return problem(p, NULL, "差し込み項目が多すぎます（1つの文に64か所まで）。%s",
				       "Too many placeholders (at most 64 in one text).%s", "");
		char name[NOTIFY_NAME_MAX + 1];
		memcpy(name, t + 2, (size_t)n);
		name[n] = '\0';
		int seen = 0;
		for (int i = 0; i < count && !seen; i++)
			seen = strcmp(names[i], name) == 0;
		if (!seen) {
			if (count >= max)
				return problem(p, NULL, "差し込み項目の種類が多すぎます（%s16種類まで）。",
					       "Too many different placeholders (%sat most 16).", "");
			memcpy(names[count++], name, (size_t)n + 1);
		}
		t += n + 4;
	}
	return count;
}

/* whether name is one of the space-separated fields */
static int in_fields(const char *fields, const char *name)
{
	size_t n = strlen(name);
	for (const char *f = fields; f && *f;) {
		while (*f == ' ')
			f++;
		size_t k = strcspn(f, " ");
		if (k == n && k && memcmp(f, name, n) == 0)
			return 1;
		f += k;
	}
	return 0;
}

/* spaces (ASCII and the ideographic U+3000) or nothing */
static int blank(const char *s)
{
	if (!s)
		return 1;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
			 (unsigned char)s[2] == 0x80)
			s += 3;
		else
			return 0;
	}
	return 1;
}

static int utf8_ok(const char *s)
{
	size_t bad;
	return jp_text_utf8_validate(&bad, s, strlen(s), NULL) == 0;
}

/* a control character (C0 or DEL) other than those in allowed */
static int has_control(const char *s, const char *allowed)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if ((*c < 0x20 || *c == 0x7f) && !strchr(allowed, *c))
			return 1;
	return 0;
}

static const char *const lang_ja[] = { "日本語", "英語", "やさしい日本語" };
static const char *const lang_en[] = { "Japanese", "English", "Easy Japanese" };

/* one language's subject or body: limit, UTF-8, controls, placeholders */
static int check_text(const struct notify_template *t, int l, int is_body, struct notify_problem *p)
{
	const char *s = is_body ? t->text[l].body : t->text[l].subject;
	char field[24];
	snprintf(field, sizeof field, "%s_%s", is_body ? "body" : "subject", lang_cols[l]);
	if (!s)
		return 0;
	const char *what_ja = is_body ? "本文" : "件名";
	const char *what_en = is_body ? "text" : "subject";
	char ja[80], en[80];
	snprintf(ja, sizeof ja, "%s（%s）", what_ja, lang_ja[l]);
	snprintf(en, sizeof en, "The %s %s", lang_en[l], what_en);
	if (strlen(s) > (is_body ? NOTIFY_BODY_MAX : NOTIFY_SUBJECT_MAX))
		return is_body ? problem2(p, field, "%sは8000バイト（全角約2600文字）までです。", ja,
					  "%s is at most 8000 bytes (about 2,600 full-width characters).", en)
			       : problem2(p, field, "%sは200バイト（全角約66文字）までです。", ja,
					  "%s is at most 200 bytes (about 66 full-width characters).", en);
	if (!utf8_ok(s) || has_control(s, is_body ? "\t\r\n" : ""))
		return is_body ? problem2(p, field, "%sに使えない文字があります。", ja,
					  "%s holds characters that cannot be used.", en)
			       : problem2(p, field, "%sは1行で、制御文字を含まないでください。", ja,
					  "%s must be one line without control characters.", en);
	char names[NOTIFY_FIELDS_MAX][NOTIFY_NAME_MAX + 1];
	int n = notify_placeholders(names, NOTIFY_FIELDS_MAX, s, p);
	if (n < 0) {
		if (p)
			snprintf(p->field, sizeof p->field, "%s", field);
		return n;
	}
	for (int i = 0; i < n; i++)
		if (!in_fields(t->fields, names[i]))
			return problem(p, field, "差し込み項目 ((%s)) は、このお知らせを送るプログラムが渡しません。使える項目は一覧のとおりです。",
				       "The placeholder ((%s)) is not one the sending code gives: use the ones listed.",
				       names[i]);
	return 0;
}

int notify_check(const struct notify_template *t, struct notify_problem *p)
{
	if (!notify_slug_valid(t->slug))
		return problem(p, "slug", "テンプレートIDが正しくありません。%s", "The template id is not valid.%s", "");
	if ((unsigned)t->channel > NOTIFY_LINE)
		return problem(p, "channel", "送信方法が正しくありません。%s", "The channel is not valid.%s", "");
	int nf = 0;
	const char *f = t->fields ? t->fields : "";
	if (strlen(f) > NOTIFY_FIELDS_MAX * (NOTIFY_NAME_MAX + 1))
		return problem(p, "fields", "差し込み項目が多すぎます。%s", "Too many fields.%s", "");
	while (*f) {
		while (*f == ' ')
			f++;
		size_t k = strcspn(f, " ");
		if (!k)
			break;
		char name[NOTIFY_NAME_MAX + 2];
		if (k > NOTIFY_NAME_MAX)
			return problem(p, "fields", "差し込み項目の名前が長すぎます。%s", "A field's name is too long.%s", "");
		memcpy(name, f, k);
		name[k] = '\0';
		if (!notify_name_valid(name) || ++nf > NOTIFY_FIELDS_MAX)
			return problem(p, "fields", "差し込み項目の名前 %s が正しくないか、多すぎます。",
				       "The field %s is not a valid name, or there are too many.", name);
		f += k;
	}
	if (blank(t->text[NOTIFY_JA].subject))
		return problem(p, "subject_ja", "件名（日本語）を入力してください。%s", "Enter the Japanese subject.%s", "");
	if (blank(t->text[NOTIFY_JA].body))
		return problem(p, "body_ja", "本文（日本語）を入力してください。%s", "Enter the Japanese text.%s", "");
	for (int l = 0; l < NOTIFY_NLANG; l++) {
		int rc;
		if ((rc = check_text(t, l, 0, p)) || (rc = check_text(t, l, 1, p)))
			return rc;
		if (l == NOTIFY_JA)
			continue;
		int bs = blank(t->text[l].subject), bb = blank(t->text[l].body);
		if (bs != bb) {
			char field[24];
			snprintf(field, sizeof field, "%s_%s", bs ? "subject" : "body", lang_cols[l]);
			return problem2(p, field, "%sの件名と本文は、両方書くか両方空にしてください（空なら日本語で送ります）。",
					lang_ja[l], "Write both the %s subject and text, or leave both empty (Japanese is sent then).",
					lang_en[l]);
		}
	}
	if (t->author && (strlen(t->author) > NOTIFY_AUTHOR_MAX || !utf8_ok(t->author) ||
			  has_control(t->author, "")))
		return problem(p, "author", "作成者が正しくありません。%s", "The author is not valid.%s", "");
	if (t->note && (strlen(t->note) > NOTIFY_NOTE_MAX || !utf8_ok(t->note) || has_control(t->note, "")))
		return problem(p, "note", "変更メモは1行で200バイト（全角約66文字）までです。%s",
			       "The note is one line of at most 200 bytes.%s", "");
	return 0;
}

/* ---- rendering ---- */

static const struct notify_value *find_value(const struct notify_value *vals, int n, const char *name,
					     size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(vals[i].name) == len && memcmp(vals[i].name, name, len) == 0)
			return &vals[i];
	return NULL;
}

/* text with its placeholders replaced, into a; in_subject: values with
 * any control character are refused */
static int fill(const char **out, struct arena *a, const char *text, int in_subject,
		const struct notify_value *vals, int n, struct notify_problem *p)
{
	struct buf b;
	buf_init(&b, in_subject ? RENDERED_SUBJECT_MAX : RENDERED_BODY_MAX);
	const char *from = text ? text : "";
	int rc = 0;
	for (const char *t = next_open(from); t && rc == 0; t = next_open(from)) {
		int k = placeholder_at(t);
		if (k < 0) {   /* a stored text passed notify_check: cannot happen */
			rc = problem(p, "template", "テンプレートの差し込み項目が正しくありません。%s",
				     "The template has a malformed placeholder.%s", "");
			break;
		}
		char name[NOTIFY_NAME_MAX + 1];
		memcpy(name, t + 2, (size_t)k);
		name[k] = '\0';
		const struct notify_value *v = find_value(vals, n, name, (size_t)k);
		if (!v || !v->value)
			rc = problem(p, "values", "差し込み項目 ((%s)) の値がありません。",
				     "No value for the placeholder ((%s)).", name);
		else if (in_subject && has_control(v->value, ""))
			rc = problem(p, "values", "件名に入る ((%s)) の値に改行や制御文字は使えません。",
				     "The value of ((%s)) goes into the subject: no line breaks or control characters.",
				     name);
		else if (buf_append(&b, from, (size_t)(t - from)) || buf_puts(&b, v->value))
			rc = problem(p, "values", in_subject ? "差し込んだ件名が長すぎます（300バイトまで）。%s"
							     : "差し込んだ本文が長すぎます。%s",
				     in_subject ? "The subject with its values is too long (at most 300 bytes).%s"
						: "The text with its values is too long.%s", "");
		from = t + k + 4;
	}
	if (rc == 0 && buf_puts(&b, from))
		rc = problem(p, "values", in_subject ? "差し込んだ件名が長すぎます（300バイトまで）。%s"
						     : "差し込んだ本文が長すぎます。%s",
			     in_subject ? "The subject with its values is too long (at most 300 bytes).%s"
					: "The text with its values is too long.%s", "");
	if (rc == 0 && !(*out = arena_strdup(a, b.data ? b.data : "")))
		rc = ERR_NOMEM;
	buf_done(&b);
	return rc;
}

int notify_render_text(struct notify_message *out, struct arena *a,
		       const struct notify_template *t, enum notify_lang l,
		       const struct notify_value *vals, int n, struct notify_problem *p)
{
	if ((unsigned)l >= NOTIFY_NLANG)
		l = NOTIFY_JA;
	if (n < 0 || n > NOTIFY_VALUES_MAX)
		return problem(p, "values", "値が多すぎます（32個まで）。%s", "Too many values (at most 32).%s", "");
	for (int i = 0; i < n; i++) {
		const char *name = vals[i].name, *v = vals[i].value;
		if (!name || !in_fields(t->fields, name))
			return problem(p, "values", "このテンプレートに ((%s)) という差し込み項目はありません。",
				       "This template has no placeholder ((%s)).", name && strlen(name) <= NOTIFY_NAME_MAX && !has_control(name, "") ? name : "?");
		for (int j = 0; j < i; j++)
			if (strcmp(vals[j].name, name) == 0)
				return problem(p, "values", "((%s)) の値が2回あります。",
					       "The value of ((%s)) is given twice.", name);
		if (v && (strlen(v) > NOTIFY_VALUE_MAX || !utf8_ok(v) || has_control(v, "\t\n")))
			return problem(p, "values", "((%s)) の値が長すぎるか、使えない文字があります（8000バイトまで）。",
				       "The value of ((%s)) is too long or holds characters that cannot be used (at most 8000 bytes).",
				       name);
	}
	if (blank(t->text[l].body))
		l = NOTIFY_JA;
	out->lang = l;
	out->version = t->version;
	out->channel = t->channel;
	int rc = fill(&out->subject, a, t->text[l].subject, 1, vals, n, p);
	return rc ? rc : fill(&out->body, a, t->text[l].body, 0, vals, n, p);
}

/* ---- stored versions ---- */

static int tx_open(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int tx_close(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

static const char *orempty(const char *s)
{
	return s ? s : "";
}

/* insert version `version` of template tid with t's texts */
static int insert_version(struct store *s, int64_t tid, int version,
			  const struct notify_template *t, int64_t now, struct err *e)
{
	struct store_val v[] = {
		sv_int(tid), sv_int(version),
		sv_text(orempty(t->text[0].subject)), sv_text(orempty(t->text[0].body)),
		sv_text(orempty(t->text[1].subject)), sv_text(orempty(t->text[1].body)),
		sv_text(orempty(t->text[2].subject)), sv_text(orempty(t->text[2].body)),
		sv_text(t->author ? t->author : "(unknown)"), sv_text(orempty(t->note)), sv_int(now),
	};
	int n = store_exec(s, "INSERT INTO notify_template_versions (template_id, version,"
			   " subject_ja, body_ja, subject_en, body_en, subject_easy, body_easy,"
			   " author, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			   v, SV_N(v), e);
	return n < 0 ? n : 0;
}

int notify_create(struct store *s, const char *tenant, const struct notify_template *t,
		  int64_t now, struct err *e)
{
	struct notify_problem p;
	if (notify_check(t, &p))
		return err_set(e, ERR_INVALID, "notify: %s: %s", p.field, p.en);
	int own, rc = tx_open(s, &own, e);
	if (rc)
		return rc;
	int64_t tid = 0;
	struct store_val v[] = { sv_text(tenant), sv_text(t->slug), sv_text(notify_channel_name(t->channel)),
				 sv_text(orempty(t->fields)), sv_int(now) };
	int64_t have = 0;
	rc = store_query_int(&have, s, "SELECT count(*) FROM notify_templates WHERE tenant = $1 AND slug = $2",
			     v, 2, e);
	if (rc == 0 && have)
		rc = err_set(e, ERR_CONFLICT, "notify: template %s exists", t->slug);
	if (rc == 0)
		rc = store_query_int(&tid, s, "INSERT INTO notify_templates (tenant, slug, channel, fields,"
				     " version, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5)"
				     " RETURNING id", v, SV_N(v), e);
	if (rc == 0)
		rc = insert_version(s, tid, 1, t, now, e);
	return tx_close(s, own, rc, e);
}

#define COLS "t.slug, t.channel, t.fields, v.version, v.subject_ja, v.body_ja, v.subject_en," \
	     " v.body_en, v.subject_easy, v.body_easy, v.author, v.note, v.created_at"

/* the current row as a template; strings point into the row */
static void row_template(struct notify_template *t, struct store_rows *r)
{
	int ch = notify_channel_parse(store_col_text(r, 1));
	*t = (struct notify_template){
		.slug = store_col_text(r, 0),
		.channel = ch < 0 ? NOTIFY_EMAIL : (enum notify_channel)ch,
		.fields = store_col_text(r, 2),
		.version = (int)store_col_int(r, 3),
		.author = store_col_text(r, 10),
		.note = store_col_text(r, 11),
		.created_at = store_col_int(r, 12),
	};
	for (int l = 0; l < NOTIFY_NLANG; l++) {
		t->text[l].subject = store_col_text(r, 4 + 2 * l);
		t->text[l].body = store_col_text(r, 5 + 2 * l);
	}
}

static int copy_template(struct notify_template *out, struct arena *a, const struct notify_template *t)
{
	*out = *t;
	const char **f[] = { &out->slug, &out->fields, &out->author, &out->note,
			     &out->text[0].subject, &out->text[0].body, &out->text[1].subject,
			     &out->text[1].body, &out->text[2].subject, &out->text[2].body };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (!(*f[i] = arena_strdup(a, *f[i])))
			return ERR_NOMEM;
	return 0;
}

int notify_get(struct notify_template *out, struct arena *a, struct store *s,
	       const char *tenant, const char *slug, int version, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(slug), sv_int(version) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT " COLS " FROM notify_templates t"
			     " JOIN notify_template_versions v ON v.template_id = t.id"
			     " AND v.version = CASE WHEN $3 = 0 THEN t.version ELSE $3 END"
			     " WHERE t.tenant = $1 AND t.slug = $2", v, 3, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		struct notify_template t;
		row_template(&t, r);
		rc = copy_template(out, a, &t) ? err_set(e, ERR_NOMEM, "notify: no memory") : 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "notify: no template %s version %d", slug, version);
	}
	store_rows_free(r);
	return rc;
}

int notify_save(int *version, struct store *s, const char *tenant,
		const struct notify_template *t, int base, int64_t now,
		struct notify_problem *p, struct err *e)
{
	struct notify_problem pp;
	if (!p)
		p = &pp;
	int own, rc = tx_open(s, &own, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(t->slug) };
	struct store_rows *r;
	int64_t tid = 0;
	int cur = 0;
	struct notify_template chk = *t;
	char channel[8] = "", fields[NOTIFY_FIELDS_MAX * (NOTIFY_NAME_MAX + 1) + 1] = "";
	rc = store_query(&r, s, "SELECT id, channel, fields, version FROM notify_templates"
			 " WHERE tenant = $1 AND slug = $2", v, 2, e);
	if (rc == 0) {
		rc = store_rows_next(r, e);
		if (rc == 1) {
			tid = store_col_int(r, 0);
			snprintf(channel, sizeof channel, "%s", store_col_text(r, 1));
			snprintf(fields, sizeof fields, "%s", store_col_text(r, 2));
			cur = (int)store_col_int(r, 3);
			rc = 0;
		} else if (rc == 0) {
			rc = err_set(e, ERR_NOTFOUND, "notify: no template %s", t->slug);
		}
		store_rows_free(r);
	}
	if (rc == 0 && base != cur)
		rc = err_set(e, ERR_CONFLICT, "notify: %s edited from version %d, version %d is in force",
			     t->slug, base, cur);
	if (rc == 0) {
		int ch = notify_channel_parse(channel);
		chk.channel = ch < 0 ? NOTIFY_EMAIL : (enum notify_channel)ch;
		chk.fields = fields;
		if (notify_check(&chk, p))
			rc = err_set(e, ERR_INVALID, "notify: %s: %s", p->field, p->en);
	}
	if (rc == 0)
		rc = insert_version(s, tid, cur + 1, &chk, now, e);
	if (rc == 0) {
		struct store_val u[] = { sv_int(tid), sv_int(cur), sv_int(now) };
		int n = store_exec(s, "UPDATE notify_templates SET version = version + 1, updated_at = $3"
				   " WHERE id = $1 AND version = $2", u, 3, e);
		rc = n < 0 ? n : n == 0 ? err_set(e, ERR_CONFLICT, "notify: %s saved meanwhile", t->slug) : 0;
	}
	if (rc == 0 && version)
		*version = cur + 1;
	return tx_close(s, own, rc, e);
}

/* fn for every row of a query on COLS */
static int each(struct store *s, const char *sql, const struct store_val *v, int nv,
		void (*fn)(const struct notify_template *t, void *arg), void *arg, struct err *e)
{
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, nv, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct notify_template t;
		row_template(&t, r);
		if (fn)
			fn(&t, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int notify_list(struct store *s, const char *tenant,
		void (*fn)(const struct notify_template *t, void *arg), void *arg,
		struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(NOTIFY_LIST_MAX) };
	return each(s, "SELECT " COLS " FROM notify_templates t JOIN notify_template_versions v"
		    " ON v.template_id = t.id AND v.version = t.version WHERE t.tenant = $1"
		    " ORDER BY t.slug LIMIT $2", v, 2, fn, arg, e);
}

int notify_history(struct store *s, const char *tenant, const char *slug,
		   void (*fn)(const struct notify_template *t, void *arg), void *arg,
		   struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(slug), sv_int(NOTIFY_LIST_MAX) };
	int n = each(s, "SELECT " COLS " FROM notify_templates t JOIN notify_template_versions v"
		     " ON v.template_id = t.id WHERE t.tenant = $1 AND t.slug = $2"
		     " ORDER BY v.version DESC LIMIT $3", v, 3, fn, arg, e);
	return n == 0 ? err_set(e, ERR_NOTFOUND, "notify: no template %s", slug) : n;
}

int notify_render(struct notify_message *out, struct arena *a, struct store *s,
		  const char *tenant, const char *slug, const char *lang,
		  const struct notify_value *vals, int n, struct err *e)
{
	int l = lang ? notify_lang_parse(lang) : NOTIFY_JA;
	if (l < 0)
		return err_set(e, ERR_INVALID, "notify: unknown language");
	struct notify_template t;
	int rc = notify_get(&t, a, s, tenant, slug, 0, e);
	const struct notify_default *d = rc == ERR_NOTFOUND ? notify_default_find(slug) : NULL;
	if (d) {   /* none stored for the municipality: the shipped text, version 0 */
		t = (struct notify_template){ .slug = d->slug, .channel = d->channel, .fields = d->fields,
					      .author = "(default)", .note = "" };
		memcpy(t.text, d->text, sizeof t.text);
		err_clear(e);
		rc = 0;
	}
	if (rc)
		return rc;
	struct notify_problem p;
	rc = notify_render_text(out, a, &t, (enum notify_lang)l, vals, n, &p);
	if (rc == ERR_INVALID)
		return err_set(e, rc, "notify: %s: %s", slug, p.en);
	return rc ? err_set(e, rc, "notify: no memory") : 0;
}

int notify_template_fields(char fields[NOTIFY_VALUE_MAX], struct arena *a, struct store *s, const char *tenant,
			   const char *slug, struct err *e)
{
	struct notify_template t;
	int rc = notify_get(&t, a, s, tenant, slug, 0, e);
	const struct notify_default *d = rc == ERR_NOTFOUND ? notify_default_find(slug) : NULL;
	if (d) {
		err_clear(e);
		rc = 0;
	}
	if (rc == 0)
		snprintf(fields, NOTIFY_VALUE_MAX, " %s ", d ? d->fields : t.fields);
	return rc;
}

int notify_email(struct store *s, const char *tenant, const char *template_id,
		 const char *lang, const char *to, const struct notify_value *vals, int n,
		 int64_t *mail_id, struct err *e)
{
	if (mail_id)
		*mail_id = 0;
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	/* the one-click unsubscribe link (NOTIFY_UNSUBSCRIBE_URL): in
	 * List-Unsubscribe when it is an http(s) link, in the text when the
	 * template has the field (one stored before it was shipped has not) */
	const char *unsub = NULL;
	struct notify_value mine[NOTIFY_VALUES_MAX];
	int k = 0, rc = n < 0 || n > NOTIFY_VALUES_MAX ? err_set(e, ERR_LIMIT, "notify: too many values") : 0;
	char fields[NOTIFY_VALUE_MAX] = "";
	for (int i = 0; rc == 0 && i < n; i++)
		if (strcmp(vals[i].name, NOTIFY_UNSUBSCRIBE_URL) == 0)
			unsub = vals[i].value;
	if (rc == 0 && unsub)
		rc = notify_template_fields(fields, a, s, tenant, template_id, e);
	for (int i = 0; rc == 0 && i < n; i++)
		if (strcmp(vals[i].name, NOTIFY_UNSUBSCRIBE_URL) != 0 || strstr(fields, " " NOTIFY_UNSUBSCRIBE_URL " "))
			mine[k++] = vals[i];
	/* List-Unsubscribe-Post (RFC 8058) promises that a POST to the link
	 * unsubscribes: only a subscription's own link, http(s) and ending in
	 * /unsubscribe/{token}, goes there; any other (a page to choose on)
	 * stays in the text */
	const char *tail = unsub ? strstr(unsub, "/unsubscribe/") : NULL;
	if (unsub && (!mail_link_valid(unsub) || !tail || !notify_token_valid(tail + 13)))
		unsub = NULL;
	struct notify_message m;
	if (rc == 0)
		rc = notify_render(&m, a, s, tenant, template_id, lang, mine, k, e);
	if (rc == 0 && m.channel != NOTIFY_EMAIL)
		rc = err_set(e, ERR_INVALID, "notify: %s is not an e-mail template", template_id);
	int64_t id = 0;
	if (rc == 0)
		rc = mail_enqueue_id(&id, s, &(struct mail_new){ .tenant = tenant, .to = to,
								  .subject = m.subject, .body = m.body,
								  .unsubscribe_url = unsub },
				     (int64_t)time(NULL), e);
	if (rc == 0 && mail_id)
		*mail_id = id;
	arena_free(a);
	return rc;
}
