/*
 * answers.c -- validate and normalise a submission's answers against a
 * procedure definition, and compute the next page.
 *
 * The walk: from the first shown page, fields in definition order; a
 * field whose show_if is false is dropped (its answer ignored, like
 * Form.io's clearOnHide); after each page the routes decide the next
 * page, so pages routed around are dropped too.  Conditions read the
 * normalised answers gathered so far (the schema check guarantees they
 * only read earlier fields), so one pass decides everything.
 *
 * Invariants:
 * - An error never contains the answer's value: messages are fixed
 *   texts with at most the definition's limits in them.  A 個人番号 is
 *   only ever copied into the normalised answers.
 * - The normalised answers hold only fields that were shown, each in its
 *   canonical form (ISO dates, 7-digit postal codes with "-", grouped
 *   phone numbers, katakana, integers as JSON integers).
 * - Errors are capped at FORMS_MAX_ERRORS (r->truncated says so).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <regex.h>

#include "base/util.h"
#include "core/forms/forms.h"
#include "core/forms/forms_int.h"
#include "jp/address.h"
#include "jp/checkdigit.h"
#include "jp/text.h"
#include "jp/wareki.h"

struct vctx {
	struct arena *a;
	const struct forms_def *d;
	struct forms_result *r;
	struct jp_date today;
	json_t *out;                  /* normalised answers so far */
	int nomem;
};

static void add_error(struct vctx *x, const char *path, const char *code,
		      const char *ja, const char *en, ...)
{
	struct forms_result *r = x->r;
	if (r->nerrors >= FORMS_MAX_ERRORS) {
		r->truncated = 1;
		return;
	}
	struct forms_error *er = &r->errors[r->nerrors++];
	forms_pathf(er->path, sizeof er->path, "%s", path);
	er->code = code;
	/* both formats take the same single optional argument */
	va_list ap;
	va_start(ap, en);
	va_list ap2;
	va_copy(ap2, ap);
	vsnprintf(er->ja, sizeof er->ja, ja, ap);
	vsnprintf(er->en, sizeof er->en, en, ap2);
	va_end(ap2);
	va_end(ap);
}

#define ERR_FMT(x, path, code, ja, en, ...) add_error(x, path, code, ja, en, ##__VA_ARGS__)

static void err_type(struct vctx *x, const char *path)
{
	ERR_FMT(x, path, "type", "入力の形式が正しくありません。",
		"The answer has the wrong form.");
}

/* ---- string helpers ---- */

static char *adopt(struct vctx *x, char *m)
{
	if (!m) {
		x->nomem = 1;
		return NULL;
	}
	char *s = arena_strdup(x->a, m);
	explicit_bzero(m, strlen(m));   /* it may have held a 個人番号 */
	free(m);
	if (!s)
		x->nomem = 1;
	return s;
}

static char *zen_to_han(struct vctx *x, const char *s)
{
	char *m = NULL;
	if (jp_text_zen_to_han_ascii(&m, s, strlen(s), NULL) != 0)
		return NULL;
	return adopt(x, m);
}

/* trim ASCII white space and U+3000 at both ends (in place) */
static char *trim(char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
			 (unsigned char)s[2] == 0x80)
			s += 3;
		else
			break;
	}
	size_t n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			  s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && (unsigned char)s[n - 3] == 0xe3 &&
			 (unsigned char)s[n - 2] == 0x80 && (unsigned char)s[n - 1] == 0x80)
			n -= 3;
		else
			break;
	}
	s[n] = 0;
	return s;
}

static char *trimmed_copy(struct vctx *x, const char *s)
{
	char *c = arena_strdup(x->a, s);
	if (!c) {
		x->nomem = 1;
		return NULL;
	}
	return trim(c);
}

static int has_control(const char *s, int allow_newline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' && allow_newline)
			continue;
		if (*p == '\t' && allow_newline)
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		/* C1 controls U+0080..U+009F are C2 80..C2 9F */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

/* kana: half-width to full-width, hiragana to katakana, then check. */
static char *to_katakana(struct vctx *x, const char *s)
{
	char *a = NULL, *b = NULL;
	if (jp_text_han_to_zen_kana(&a, s, strlen(s), NULL) != 0)
		return NULL;
	int rc = jp_text_hira_to_kata(&b, a, strlen(a), NULL);
	free(a);
	if (rc != 0)
		return NULL;
	char *k = adopt(x, b);
	if (!k)
		return NULL;
	k = trim(k);
	if (jp_text_is_katakana(NULL, k, strlen(k), NULL) != 0)
		return NULL;
	return k;
}

static int is_absent(const json_t *v)
{
	return !v || json_is_null(v) ||
	       (json_is_string(v) && json_string_length(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0);
}

static int all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* digits only: full-width to ASCII, drop spaces, hyphens and commas */
static char *digits_only(struct vctx *x, const char *s, const char *drop)
{
	char *h = zen_to_han(x, s);
	if (!h)
		return NULL;
	char *o = h;
	for (char *p = h; *p; p++) {
		if (strchr(drop, *p))
			continue;
		*o++ = *p;
	}
	*o = 0;
	return h;
}

/* ---- per type ---- */

static json_t *v_text(struct vctx *x, const struct forms_field *f,
		      const json_t *v, const char *path)
{
	if (!json_is_string(v)) {
		err_type(x, path);
		return NULL;
	}
	char *s = trimmed_copy(x, json_string_value(v));
	if (!s)
		return NULL;
	if (json_string_length(v) != strlen(json_string_value(v)) ||
	    has_control(s, f->type == FORMS_T_TEXTAREA)) {
		ERR_FMT(x, path, "control", "使用できない文字が含まれています。",
			"The answer contains characters that are not allowed.");
		return NULL;
	}
	if (f->type == FORMS_T_KANA) {
		char *k = to_katakana(x, s);
		if (!k) {
			ERR_FMT(x, path, "kana", "カタカナで入力してください。",
				"Enter this in katakana.");
			return NULL;
		}
		s = k;
	}
	int64_t maxl = f->max_length >= 0 ? f->max_length
		       : f->type == FORMS_T_TEXTAREA ? 4000 : f->type == FORMS_T_KANA ? 100 : 200;
	int64_t n = (int64_t)forms_utf8_chars(s);
	if (n > maxl) {
		ERR_FMT(x, path, "too_long", "%lld文字以内で入力してください。",
			"Enter at most %lld characters.", (long long)maxl);
		return NULL;
	}
	if (f->min_length > 0 && n < f->min_length) {
		ERR_FMT(x, path, "too_short", "%lld文字以上で入力してください。",
			"Enter at least %lld characters.", (long long)f->min_length);
		return NULL;
	}
	if (f->pattern_re && regexec(f->pattern_re, s, 0, NULL, 0) != 0) {
		ERR_FMT(x, path, "pattern", "入力の形式が正しくありません。",
			"The answer does not have the required format.");
		return NULL;
	}
	return json_string(s);
}

/* a part of a compound answer: a short string */
static char *part_str(struct vctx *x, const json_t *o, const char *key,
		      size_t maxchars, int *bad)
{
	const json_t *v = json_object_get(o, key);
	if (is_absent(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v))) {
		*bad = 1;
		return NULL;
	}
	char *s = trimmed_copy(x, json_string_value(v));
	if (!s || has_control(s, 0) || forms_utf8_chars(s) > maxchars) {
		*bad = 1;
		return NULL;
	}
	return s[0] ? s : NULL;
}

static int only_keys(const json_t *o, const char *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		char w[80];
		if (strlen(k) > 60)
			return 0;
		forms_pathf(w, sizeof w, " %s ", k);
		if (!strstr(allowed, w))
			return 0;
	}
	return 1;
}

static void subpath(char *out, size_t n, const char *path, const char *key)
{
	forms_pathf(out, n, "%s.%s", path, key);
}

static json_t *v_name(struct vctx *x, const json_t *v, const char *path)
{
	if (!json_is_object(v) || !only_keys(v, " family given family_kana given_kana ")) {
		err_type(x, path);
		return NULL;
	}
	char p[FORMS_PATH_MAX];
	int bad = 0, nerr = x->r->nerrors;
	char *fam = part_str(x, v, "family", 50, &bad);
	char *giv = part_str(x, v, "given", 50, &bad);
	if (bad) {
		err_type(x, path);
		return NULL;
	}
	if (!fam) {
		subpath(p, sizeof p, path, "family");
		ERR_FMT(x, p, "required", "姓（氏）を入力してください。",
			"Enter the family name.");
	}
	char *fk = NULL, *gk = NULL;
	const char *keys[2] = { "family_kana", "given_kana" };
	char **dst[2] = { &fk, &gk };
	for (int i = 0; i < 2; i++) {
		int b2 = 0;
		char *s = part_str(x, v, keys[i], 100, &b2);
		subpath(p, sizeof p, path, keys[i]);
		if (!s && !b2) {
			if (i == 0 || giv)
				ERR_FMT(x, p, "required", "フリガナを入力してください。",
					"Enter the name in katakana (furigana).");
			continue;
		}
		char *k = b2 ? NULL : to_katakana(x, s);
		if (!k) {
			ERR_FMT(x, p, "kana", "フリガナはカタカナで入力してください。",
				"Enter the furigana in katakana.");
			continue;
		}
		*dst[i] = k;
	}
	if (x->r->nerrors != nerr)
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "family", json_string(fam));
	json_object_set_new(o, "family_kana", json_string(fk));
	if (giv) {
		json_object_set_new(o, "given", json_string(giv));
		json_object_set_new(o, "given_kana", json_string(gk));
	}
	return o;
}

/* date: ISO, 西暦 with / or 年月日, or 和暦 */
static int parse_any_date(struct vctx *x, struct jp_date *d, const char *in)
{
	if (strlen(in) > JP_WAREKI_INPUT_MAX)
		return -1;
	char *s = zen_to_han(x, in);
	if (!s)
		return -1;
	s = trim(s);
	if (jp_date_parse_iso(d, s, NULL) == 0)
		return 0;
	int y, m, dd, n = 0;
	if ((sscanf(s, "%4d/%2d/%2d%n", &y, &m, &dd, &n) == 3 && s[n] == 0) ||
	    (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &dd, &n) == 3 && s[n] == 0) ||
	    (sscanf(s, "%4d年%2d月%2d日%n", &y, &m, &dd, &n) == 3 && s[n] == 0)) {
		if (y >= 1000 && s[0] != '-') {
			*d = (struct jp_date){ y, m, dd };
			return jp_date_valid(*d) ? 0 : -1;
		}
		return -1;
	}
	return jp_wareki_parse(d, s, NULL) == 0 ? 0 : -1;
}

static json_t *v_date(struct vctx *x, const struct forms_field *f,
		      const json_t *v, const char *path)
{
	struct jp_date d;
	if (!json_is_string(v) || parse_any_date(x, &d, json_string_value(v)) != 0) {
		ERR_FMT(x, path, "date",
			"日付が正しくありません（例：令和8年4月1日、2026-04-01）。",
			"Enter a real date (for example 2026-04-01 or 令和8年4月1日).");
		return NULL;
	}
	char iso[JP_DATE_ISO_SIZE], lim[JP_DATE_ISO_SIZE];
	if (f->not_future && jp_date_cmp(d, x->today) > 0) {
		ERR_FMT(x, path, "date_future", "未来の日付は入力できません。",
			"The date cannot be in the future.");
		return NULL;
	}
	if (f->min_date.y && jp_date_cmp(d, f->min_date) < 0) {
		jp_date_format_iso(lim, sizeof lim, f->min_date, NULL);
		ERR_FMT(x, path, "date_min", "%s以降の日付を入力してください。",
			"Enter a date on or after %s.", lim);
		return NULL;
	}
	if (f->max_date.y && jp_date_cmp(d, f->max_date) > 0) {
		jp_date_format_iso(lim, sizeof lim, f->max_date, NULL);
		ERR_FMT(x, path, "date_max", "%s以前の日付を入力してください。",
			"Enter a date on or before %s.", lim);
		return NULL;
	}
	jp_date_format_iso(iso, sizeof iso, d, NULL);
	return json_string(iso);
}

static json_t *v_postal(struct vctx *x, const json_t *v, const char *path)
{
	char buf[JP_POSTAL_SIZE];
	if (!json_is_string(v) ||
	    jp_postal_normalize(buf, sizeof buf, json_string_value(v), NULL) != 0) {
		ERR_FMT(x, path, "postal_code", "郵便番号は7桁の数字で入力してください。",
			"Enter a 7-digit postal code.");
		return NULL;
	}
	return json_string(buf);
}

static const char *const prefectures[] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
	"新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
	"奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
	"徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
};

static json_t *v_address(struct vctx *x, const json_t *v, const char *path)
{
	if (!json_is_object(v) || !only_keys(v, " postal_code pref city street building ")) {
		err_type(x, path);
		return NULL;
	}
	char p[FORMS_PATH_MAX];
	int nerr = x->r->nerrors, bad = 0;
	json_t *o = json_object();
	const json_t *pc = json_object_get(v, "postal_code");
	if (!is_absent(pc)) {
		subpath(p, sizeof p, path, "postal_code");
		json_t *n = v_postal(x, pc, p);
		if (n)
			json_object_set_new(o, "postal_code", n);
	}
	char *pref = part_str(x, v, "pref", 10, &bad);
	int known = 0;
	for (size_t i = 0; pref && i < sizeof prefectures / sizeof prefectures[0]; i++)
		known |= strcmp(pref, prefectures[i]) == 0;
	if (!known) {
		subpath(p, sizeof p, path, "pref");
		ERR_FMT(x, p, "pref", "都道府県を選んでください。", "Choose a prefecture.");
	}
	const char *keys[3] = { "city", "street", "building" };
	for (int i = 0; i < 3; i++) {
		int b2 = 0;
		char *s = part_str(x, v, keys[i], 200, &b2);
		subpath(p, sizeof p, path, keys[i]);
		if (b2) {
			err_type(x, p);
			continue;
		}
		if (!s) {
			if (i == 0)
				ERR_FMT(x, p, "required", "市区町村を入力してください。",
					"Enter the city, ward, town or village.");
			else if (i == 1)
				ERR_FMT(x, p, "required", "町名・番地を入力してください。",
					"Enter the street and number.");
			continue;
		}
		char *nm = NULL;
		if (i > 0 && jp_address_normalize(&nm, s, strlen(s), NULL) == 0)
			s = adopt(x, nm);
		if (s)
			json_object_set_new(o, keys[i], json_string(s));
	}
	if (x->r->nerrors != nerr || x->nomem) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "pref", json_string(pref));
	return o;
}

static json_t *v_phone(struct vctx *x, const json_t *v, const char *path)
{
	char buf[JP_PHONE_SIZE];
	if (!json_is_string(v) ||
	    jp_phone_normalize(buf, sizeof buf, NULL, json_string_value(v), NULL) != 0) {
		ERR_FMT(x, path, "phone", "電話番号が正しくありません（例：03-1234-5678）。",
			"Enter a Japanese phone number (for example 03-1234-5678).");
		return NULL;
	}
	return json_string(buf);
}

static int email_ok(char *s)
{
	size_t n = strlen(s);
	char *at = strchr(s, '@');
	if (n > 254 || !at || strchr(at + 1, '@') || at == s || at - s > 64)
		return 0;
	for (char *p = s; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(isalnum(c) || strchr(".!#$%&'*+/=?^_`{|}~-", c)))
			return 0;
		if (c == '.' && (p == s || p + 1 == at || p[1] == '.'))
			return 0;
	}
	char *dom = at + 1;
	int labels = 0;
	size_t lab = 0;
	for (char *p = dom;; p++) {
		if (*p == '.' || *p == 0) {
			if (lab == 0 || lab > 63 || p[-1] == '-' || p[-(long)lab] == '-')
				return 0;
			labels++;
			lab = 0;
			if (*p == 0)
				break;
			continue;
		}
		unsigned char c = (unsigned char)*p;
		if (!(isalnum(c) || c == '-'))
			return 0;
		*p = (char)tolower(c);
		lab++;
	}
	return labels >= 2;
}

static json_t *v_email(struct vctx *x, const json_t *v, const char *path)
{
	char *s = json_is_string(v) ? zen_to_han(x, json_string_value(v)) : NULL;
	if (s)
		s = trim(s);
	if (!s || !email_ok(s)) {
		ERR_FMT(x, path, "email", "メールアドレスが正しくありません。",
			"Enter a valid e-mail address.");
		return NULL;
	}
	return json_string(s);
}

static json_t *v_my_number(struct vctx *x, const json_t *v, const char *path)
{
	char *s = json_is_string(v) && json_string_length(v) <= JP_CHECKDIGIT_INPUT_MAX
		  ? digits_only(x, json_string_value(v), " -") : NULL;
	if (!s || !all_digits(s, 12, 12)) {
		ERR_FMT(x, path, "my_number", "個人番号は12桁の数字で入力してください。",
			"Enter the 12 digits of the My Number.");
		return NULL;
	}
	if (jp_mynumber_validate(s, NULL) != 0) {
		ERR_FMT(x, path, "my_number_check",
			"個人番号が正しくありません。入力した番号をもう一度確かめてください。",
			"This is not a valid My Number (the check digit does not match).");
		return NULL;
	}
	json_t *o = json_string(s);
	explicit_bzero(s, strlen(s));
	return o;
}

static int to_int(struct vctx *x, int64_t *out, const json_t *v, int yen)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > 40)
		return -1;
	char *s = digits_only(x, json_string_value(v), yen ? " ,円" : " ,");
	if (!s)
		return -1;
	/* "円" is multi-byte: strip it whole */
	char *yenp = strstr(s, "円");
	if (yen && yenp && yenp[3] == 0)
		*yenp = 0;
	if (yen && s[0] == '\\')
		s++;
	else if (yen && strncmp(s, "\xef\xbf\xa5", 3) == 0)    /* ￥ */
		s += 3;
	else if (yen && strncmp(s, "\xc2\xa5", 2) == 0)        /* ¥ */
		s += 2;
	return parse_i64(out, s, -999999999999LL, 999999999999LL) == 0 ? 0 : -1;
}

static json_t *v_int(struct vctx *x, const struct forms_field *f,
		     const json_t *v, const char *path)
{
	int yen = f->type == FORMS_T_YEN;
	int64_t n;
	if (to_int(x, &n, v, yen) != 0) {
		if (yen)
			ERR_FMT(x, path, "integer", "金額を数字で入力してください（円）。",
				"Enter an amount in yen, in digits.");
		else
			ERR_FMT(x, path, "integer", "整数で入力してください。",
				"Enter a whole number.");
		return NULL;
	}
	if (f->has_min && n < f->min) {
		ERR_FMT(x, path, "min", yen ? "%lld円以上で入力してください。" : "%lld以上で入力してください。",
			yen ? "Enter %lld yen or more." : "Enter %lld or more.", (long long)f->min);
		return NULL;
	}
	if (f->has_max && n > f->max) {
		ERR_FMT(x, path, "max", yen ? "%lld円以下で入力してください。" : "%lld以下で入力してください。",
			yen ? "Enter %lld yen or less." : "Enter %lld or less.", (long long)f->max);
		return NULL;
	}
	return json_integer(n);
}

static int option_index(const struct forms_field *f, const char *s)
{
	for (int i = 0; i < f->noptions; i++)
		if (strcmp(f->options[i].value, s) == 0)
			return i;
	return -1;
}

static json_t *v_choice(struct vctx *x, const struct forms_field *f,
			const json_t *v, const char *path)
{
	if (!json_is_string(v) || option_index(f, json_string_value(v)) < 0) {
		ERR_FMT(x, path, "option", "選択肢から選んでください。",
			"Choose one of the options.");
		return NULL;
	}
	return json_string(json_string_value(v));
}

static json_t *v_checkboxes(struct vctx *x, const struct forms_field *f,
			    const json_t *v, const char *path)
{
	if (!json_is_array(v) || json_array_size(v) > (size_t)f->noptions) {
		err_type(x, path);
		return NULL;
	}
	/* the canonical order is the options' order; duplicates are refused */
	char seen[FORMS_MAX_OPTIONS] = { 0 };
	size_t i;
	json_t *it;
	json_array_foreach(v, i, it) {
		int k = json_is_string(it) ? option_index(f, json_string_value(it)) : -1;
		if (k < 0 || seen[k]) {
			ERR_FMT(x, path, "option", "選択肢から選んでください。",
				"Choose among the options.");
			return NULL;
		}
		seen[k] = 1;
	}
	int64_t n = (int64_t)json_array_size(v);
	if (f->min_selected > 0 && n < f->min_selected) {
		ERR_FMT(x, path, "too_few", "%lld個以上選んでください。",
			"Select at least %lld.", (long long)f->min_selected);
		return NULL;
	}
	if (f->max_selected > 0 && n > f->max_selected) {
		ERR_FMT(x, path, "too_many", "%lld個以内で選んでください。",
			"Select at most %lld.", (long long)f->max_selected);
		return NULL;
	}
	json_t *o = json_array();
	for (int k = 0; k < f->noptions; k++)
		if (seen[k])
			json_array_append_new(o, json_string(f->options[k].value));
	return o;
}

static json_t *v_yes_no(struct vctx *x, const json_t *v, const char *path)
{
	if (json_is_boolean(v))
		return json_boolean(json_is_true(v));
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
			return json_true();
		if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
			return json_false();
	}
	ERR_FMT(x, path, "yes_no", "「はい」か「いいえ」を選んでください。",
		"Answer yes or no.");
	return NULL;
}

static json_t *v_bank(struct vctx *x, const json_t *v, const char *path)
{
	if (!json_is_object(v) ||
	    !only_keys(v, " bank_code branch_code kind number holder_kana ")) {
		err_type(x, path);
		return NULL;
	}
	char p[FORMS_PATH_MAX];
	int nerr = x->r->nerrors, bad = 0;
	char *bank = part_str(x, v, "bank_code", 8, &bad);
	char *branch = part_str(x, v, "branch_code", 8, &bad);
	char *kind = part_str(x, v, "kind", 16, &bad);
	char *num = part_str(x, v, "number", 16, &bad);
	char *holder = part_str(x, v, "holder_kana", 100, &bad);
	if (bank)
		bank = digits_only(x, bank, " ");
	if (branch)
		branch = digits_only(x, branch, " ");
	if (num)
		num = digits_only(x, num, " -");
	subpath(p, sizeof p, path, "bank_code");
	if (!bank || !all_digits(bank, 4, 4))
		ERR_FMT(x, p, "bank_code", "金融機関コードは4桁の数字で入力してください。",
			"Enter the 4-digit bank code.");
	subpath(p, sizeof p, path, "branch_code");
	if (!branch || !all_digits(branch, 3, 3))
		ERR_FMT(x, p, "branch_code", "支店コードは3桁の数字で入力してください。",
			"Enter the 3-digit branch code.");
	subpath(p, sizeof p, path, "kind");
	if (!kind || (strcmp(kind, "ordinary") && strcmp(kind, "current") &&
		      strcmp(kind, "savings")))
		ERR_FMT(x, p, "kind", "預金種目（普通・当座・貯蓄）を選んでください。",
			"Choose the account type (ordinary, current or savings).");
	subpath(p, sizeof p, path, "number");
	if (!num || !all_digits(num, 1, 7))
		ERR_FMT(x, p, "number", "口座番号は7桁以内の数字で入力してください。",
			"Enter the account number (up to 7 digits).");
	subpath(p, sizeof p, path, "holder_kana");
	char *hk = holder ? to_katakana(x, holder) : NULL;
	if (!hk)
		ERR_FMT(x, p, "kana", "口座名義をカタカナで入力してください。",
			"Enter the account holder's name in katakana.");
	if (x->r->nerrors != nerr || x->nomem)
		return NULL;
	char num7[8];
	forms_pathf(num7, sizeof num7, "%07d", atoi(num));
	json_t *o = json_object();
	json_object_set_new(o, "bank_code", json_string(bank));
	json_object_set_new(o, "branch_code", json_string(branch));
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "number", json_string(num7));
	json_object_set_new(o, "holder_kana", json_string(hk));
	return o;
}

static int mime_ok(const struct forms_field *f, const char *t)
{
	for (int i = 0; i < f->naccept; i++) {
		const char *a = f->accept[i];
		size_t n = strlen(a);
		if (n >= 2 && strcmp(a + n - 2, "/*") == 0) {
			if (strncasecmp(t, a, n - 1) == 0)
				return 1;
		} else if (strcasecmp(t, a) == 0) {
			return 1;
		}
	}
	return 0;
}

static json_t *v_file(struct vctx *x, const struct forms_field *f,
		      const json_t *v, const char *path)
{
	/* a waiver forms_prefill made: kept as it is (forms_prefill_check
	 * re-proves it against the registry at submit) */
	if (f->waive_source && forms_answer_waived(v)) {
		const json_t *w = json_object_get(v, "waived");
		if (!json_is_string(w) || strcmp(json_string_value(w), f->waive_source) != 0) {
			err_type(x, path);
			return NULL;
		}
		return json_pack("{s:s}", "waived", f->waive_source);
	}
	if (!json_is_object(v) || !only_keys(v, " name type size sha256 ")) {
		err_type(x, path);
		return NULL;
	}
	int bad = 0;
	char *name = part_str(x, v, "name", 255, &bad);
	char *type = part_str(x, v, "type", 100, &bad);
	char *sha = part_str(x, v, "sha256", 64, &bad);
	const json_t *sz = json_object_get(v, "size");
	if (bad || !name || !type || !sha || strlen(sha) != 64 || !json_is_integer(sz) ||
	    strchr(name, '/') || strchr(name, '\\')) {
		ERR_FMT(x, path, "file", "ファイルの情報が不完全です。もう一度添付してください。",
			"The attachment record is incomplete: attach the file again.");
		return NULL;
	}
	for (char *p = sha; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isxdigit((unsigned char)*p)) {
			ERR_FMT(x, path, "file", "ファイルの情報が不完全です。もう一度添付してください。",
				"The attachment record is incomplete: attach the file again.");
			return NULL;
		}
	}
	if (!mime_ok(f, type)) {
		ERR_FMT(x, path, "file_type", "この形式のファイルは添付できません。",
			"Files of this type are not accepted.");
		return NULL;
	}
	int64_t size = json_integer_value(sz);
	if (size <= 0 || size > f->max_bytes) {
		long long mb = (long long)((f->max_bytes + (1 << 20) - 1) >> 20);
		ERR_FMT(x, path, "file_size", "ファイルが大きすぎるか空です（%lld MBまで）。",
			"The file is empty or too large (at most %lld MB).", mb);
		return NULL;
	}
	json_t *o = json_object();
	for (char *p = type; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "size", json_integer(size));
	json_object_set_new(o, "sha256", json_string(sha));
	return o;
}

/* ---- fields, groups, pages ---- */

static int cond_true(const struct vctx *x, const struct forms_cond *c,
		     const json_t *item)
{
	struct forms_env env = { .root = x->out, .item = item, .today = x->today };
	return forms_cond_eval(c, &env);
}

static json_t *value_of(struct vctx *x, const struct forms_field *f,
			const json_t *v, const char *path, int depth);

static json_t *v_group(struct vctx *x, const struct forms_field *g,
		       const json_t *v, const char *path, int depth)
{
	if (!json_is_array(v)) {
		err_type(x, path);
		return NULL;
	}
	size_t n = json_array_size(v);
	if ((int64_t)n > g->max_items) {
		ERR_FMT(x, path, "too_many", "%lld件以内で入力してください。",
			"Add at most %lld entries.", (long long)g->max_items);
		return NULL;
	}
	if ((int64_t)n < g->min_items) {
		ERR_FMT(x, path, "too_few", "%lld件以上入力してください。",
			"Add at least %lld entries.", (long long)g->min_items);
		return NULL;
	}
	int nerr = x->r->nerrors;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(v, i);
		char ip[FORMS_PATH_MAX];
		forms_pathf(ip, sizeof ip, "%s[%zu]", path, i);
		if (!json_is_object(item)) {
			err_type(x, ip);
			continue;
		}
		json_t *io = json_object();
		const char *k;
		json_t *kv;
		json_object_foreach((json_t *)item, k, kv) {
			int known = 0;
			for (int j = 0; j < g->nfields; j++)
				known |= strcmp(g->fields[j].id, k) == 0 &&
					 forms_field_is_answerable(&g->fields[j]);
			if (!known) {
				char up[FORMS_PATH_MAX];
				forms_pathf(up, sizeof up, "%s.%.40s", ip, k);
				ERR_FMT(x, up, "unknown", "この項目はありません。",
					"There is no such field.");
			}
		}
		for (int j = 0; j < g->nfields; j++) {
			const struct forms_field *f = &g->fields[j];
			if (!forms_field_is_answerable(f))
				continue;
			if (f->show_if && !cond_true(x, f->show_if, io))
				continue;
			char fp[FORMS_PATH_MAX];
			forms_pathf(fp, sizeof fp, "%s.%s", ip, f->id);
			int req = f->required || (f->required_if && cond_true(x, f->required_if, io));
			const json_t *fv = json_object_get(item, f->id);
			json_t *nv = NULL;
			if (is_absent(fv) || (f->type == FORMS_T_DECLARATION && json_is_false(fv))) {
				if (req)
					ERR_FMT(x, fp, "required", "入力してください。",
						"This field is required.");
			} else {
				nv = value_of(x, f, fv, fp, depth + 1);
			}
			if (nv)
				json_object_set_new(io, f->id, nv);
		}
		json_array_append_new(arr, io);
	}
	if (x->r->nerrors != nerr) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *value_of(struct vctx *x, const struct forms_field *f,
			const json_t *v, const char *path, int depth)
{
	switch (f->type) {
	case FORMS_T_TEXT:
	case FORMS_T_TEXTAREA:
	case FORMS_T_KANA: return v_text(x, f, v, path);
	case FORMS_T_NAME_JP: return v_name(x, v, path);
	case FORMS_T_DATE: return v_date(x, f, v, path);
	case FORMS_T_POSTAL_CODE: return v_postal(x, v, path);
	case FORMS_T_ADDRESS_JP: return v_address(x, v, path);
	case FORMS_T_PHONE: return v_phone(x, v, path);
	case FORMS_T_EMAIL: return v_email(x, v, path);
	case FORMS_T_MY_NUMBER: return v_my_number(x, v, path);
	case FORMS_T_INTEGER:
	case FORMS_T_YEN: return v_int(x, f, v, path);
	case FORMS_T_RADIO:
	case FORMS_T_SELECT: return v_choice(x, f, v, path);
	case FORMS_T_CHECKBOXES: return v_checkboxes(x, f, v, path);
	case FORMS_T_YES_NO: return v_yes_no(x, v, path);
	case FORMS_T_BANK_ACCOUNT: return v_bank(x, v, path);
	case FORMS_T_FILE: return v_file(x, f, v, path);
	case FORMS_T_GROUP:
		if (depth >= FORMS_MAX_GROUP_DEPTH) {
			err_type(x, path);
			return NULL;
		}
		return v_group(x, f, v, path, depth);
	case FORMS_T_DECLARATION:
		if (json_is_true(v))
			return json_true();
		ERR_FMT(x, path, "declaration", "内容を確認し、同意してください。",
			"Read the declaration and confirm it.");
		return NULL;
	case FORMS_T_INFO:
		return NULL;
	}
	return NULL;
}

static void do_field(struct vctx *x, const struct forms_field *f,
		     const json_t *answers, char *shown)
{
	if (!forms_field_is_answerable(f))
		return;
	if (f->show_if && !cond_true(x, f->show_if, NULL))
		return;
	shown[f->order] = 1;
	const json_t *v = json_object_get(answers, f->id);
	int req = f->required || (f->required_if && cond_true(x, f->required_if, NULL)) ||
		  (f->type == FORMS_T_GROUP && f->min_items > 0);
	if (is_absent(v) || (f->type == FORMS_T_DECLARATION && json_is_false(v))) {
		if (!req)
			return;
		if (f->type == FORMS_T_DECLARATION)
			ERR_FMT(x, f->id, "required", "内容を確認し、同意してください。",
				"Read the declaration and confirm it.");
		else if (f->type == FORMS_T_RADIO || f->type == FORMS_T_SELECT ||
			 f->type == FORMS_T_CHECKBOXES || f->type == FORMS_T_YES_NO)
			ERR_FMT(x, f->id, "required", "選択してください。",
				"Choose an answer.");
		else if (f->type == FORMS_T_FILE)
			ERR_FMT(x, f->id, "required", "ファイルを添付してください。",
				"Attach a file.");
		else
			ERR_FMT(x, f->id, "required", "入力してください。",
				"This field is required.");
		return;
	}
	json_t *nv = value_of(x, f, v, f->id, 0);
	if (nv)
		json_object_set_new(x->out, f->id, nv);
}

int forms_first_page(const struct forms_def *d, const json_t *answers,
		     struct jp_date today)
{
	struct forms_env env = { .root = answers, .today = today };
	for (int i = 0; i < d->npages; i++)
		if (!d->pages[i].show_if || forms_cond_eval(d->pages[i].show_if, &env))
			return i;
	return FORMS_GOTO_END;
}

int forms_next_page(int *to, int *exit, const struct forms_def *d, int from,
		    const json_t *answers, struct jp_date today, struct err *e)
{
	*to = FORMS_GOTO_END;
	if (exit)
		*exit = -1;
	if (from < 0 || from >= d->npages)
		return err_set(e, ERR_INVALID, "next page: no page %d", from);
	struct forms_env env = { .root = answers, .today = today };
	for (int i = 0; i < d->nroutes; i++) {
		const struct forms_route *r = &d->routes[i];
		if (r->from != from || (r->cond && !forms_cond_eval(r->cond, &env)))
			continue;
		if (r->to >= 0 && d->pages[r->to].show_if &&
		    !forms_cond_eval(d->pages[r->to].show_if, &env)) {
			/* a hidden target: fall through from it */
			from = r->to;
			goto fallthrough;
		}
		*to = r->to;
		if (exit)
			*exit = r->exit;
		return 0;
	}
fallthrough:
	for (int i = from + 1; i < d->npages; i++)
		if (!d->pages[i].show_if || forms_cond_eval(d->pages[i].show_if, &env)) {
			*to = i;
			return 0;
		}
	return 0;
}

static void free_json(void *p)
{
	json_decref(p);
}

static int validate(struct forms_result *r, struct arena *a,
		    const struct forms_def *d, const json_t *answers,
		    int stop_page, struct jp_date today, struct err *e)
{
	memset(r, 0, sizeof *r);
	r->exit = -1;
	r->next = FORMS_GOTO_END;
	if (!json_is_object(answers))
		return err_set(e, ERR_INVALID, "answers: must be a JSON object");
	r->errors = arena_alloc(a, sizeof *r->errors * FORMS_MAX_ERRORS);
	r->path = arena_alloc(a, sizeof *r->path * (size_t)d->npages);
	char *shown = arena_alloc(a, FORMS_MAX_FIELDS);
	json_t *out = json_object();
	if (!r->errors || !r->path || !shown || !out ||
	    arena_cleanup_add(a, free_json, out)) {
		return err_set(e, ERR_NOMEM, "answers: arena full");
	}
	r->answers = out;
	struct vctx x = { .a = a, .d = d, .r = r, .today = today, .out = out };
	int page = forms_first_page(d, out, today);
	while (page >= 0 && r->npath < d->npages) {
		r->path[r->npath++] = page;
		const struct forms_page *pg = &d->pages[page];
		for (int i = 0; i < pg->nfields; i++)
			do_field(&x, &pg->fields[i], answers, shown);
		int to, ex;
		forms_next_page(&to, &ex, d, page, out, today, NULL);
		r->next = to;
		if (to == FORMS_GOTO_EXIT) {
			r->exit = ex;
			ERR_FMT(&x, "", "exit",
				"この回答では、この手続をオンラインで申請できません。",
				"With these answers this procedure cannot be completed online.");
			break;
		}
		if (page == stop_page)
			break;
		page = to;
	}
	/* answers to fields that do not exist */
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)answers, k, v) {
		const struct forms_field *f = forms_def_field(d, k);
		if (!f || !forms_field_is_answerable(f)) {
			char p[FORMS_PATH_MAX];
			forms_pathf(p, sizeof p, "%.60s", k);
			ERR_FMT(&x, p, "unknown", "この項目はありません。",
				"There is no such field.");
		}
	}
	/* cross-field checks, on shown fields that are themselves valid */
	for (int i = 0; i < d->nchecks; i++) {
		const struct forms_check *c = &d->checks[i];
		const struct forms_field *f = forms_def_field(d, c->field);
		if (!f || !shown[f->order] || !json_object_get(out, f->id))
			continue;
		if (c->when && !cond_true(&x, c->when, NULL))
			continue;
		if (!cond_true(&x, c->assert_, NULL)) {
			if (r->nerrors >= FORMS_MAX_ERRORS) {
				r->truncated = 1;
				continue;
			}
			struct forms_error *er = &r->errors[r->nerrors++];
			forms_pathf(er->path, sizeof er->path, "%s", f->id);
			er->code = "check";
			snprintf(er->ja, sizeof er->ja, "%s", c->message.ja);
			snprintf(er->en, sizeof er->en, "%s", c->message.en);
		}
	}
	if (x.nomem)
		return err_set(e, ERR_NOMEM, "answers: out of memory");
	return 0;
}

int forms_validate(struct forms_result *r, struct arena *a,
		   const struct forms_def *d, const json_t *answers,
		   struct jp_date today, struct err *e)
{
	return validate(r, a, d, answers, -1, today, e);
}

int forms_validate_upto(struct forms_result *r, struct arena *a,
			const struct forms_def *d, const json_t *answers,
			int last_page, struct jp_date today, struct err *e)
{
	if (last_page < 0 || last_page >= d->npages)
		return err_set(e, ERR_INVALID, "validate: no page %d", last_page);
	return validate(r, a, d, answers, last_page, today, e);
}

int forms_field_shown(const struct forms_field *f, const json_t *answers,
		      const json_t *item, struct jp_date today)
{
	struct forms_env env = { .root = answers, .item = item, .today = today };
	return !f->show_if || forms_cond_eval(f->show_if, &env);
}

int forms_field_required(const struct forms_field *f, const json_t *answers,
			 const json_t *item, struct jp_date today)
{
	struct forms_env env = { .root = answers, .item = item, .today = today };
	if (!forms_field_is_answerable(f))
		return 0;
	return f->required || (f->type == FORMS_T_GROUP && f->min_items > 0) ||
	       (f->required_if && forms_cond_eval(f->required_if, &env));
}

const char *forms_text_get(const struct forms_text *t, const char *lang)
{
	if (lang && strcmp(lang, "en") == 0 && t->en)
		return t->en;
	if (lang && strcmp(lang, "ja-easy") == 0 && t->ja_easy)
		return t->ja_easy;
	return t->ja ? t->ja : "";
}

int forms_validate_text(struct forms_result *r, struct arena *a,
			const struct forms_def *d, const char *json_text,
			size_t len, struct jp_date today, struct err *e)
{
	memset(r, 0, sizeof *r);
	r->exit = -1;
	if (len > FORMS_ANSWERS_MAX_BYTES)
		return err_set(e, ERR_LIMIT, "answers: larger than %u bytes",
			       FORMS_ANSWERS_MAX_BYTES);
	json_error_t je;
	json_t *doc = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return err_set(e, ERR_INVALID, "answers: JSON error at line %d column %d",
			       je.line, je.column);
	int rc = forms_validate(r, a, d, doc, today, e);
	json_decref(doc);
	return rc;
}
