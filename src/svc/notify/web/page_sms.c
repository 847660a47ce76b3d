/*
 * page_sms.c -- My page's SMS number (issue 20 item 6): a resident types
 * a mobile number; a code of 6 digits is sent to it by SMS (template
 * sms.verify, the emergency lane: a reply they wait for) and typed back;
 * the number is then verified (notify_contacts).
 *
 *   GET  /mypage/notifications/sms   the verified number, or the form
 *   POST /mypage/notifications/sms   action=send (phone): a code is made
 *        and sent; action=verify (code): checked (5 wrong guesses spend
 *        it); action=remove: the number is removed.  At most
 *        NOTIFY_SMS_CODES_PER_HOUR codes an hour per account (429).  CSRF; audited
 *        (notify.sms, self).  SMS off: the page says so, nothing is sent.
 *
 * A Japanese mobile number may be typed as 090-1234-5678 (hyphens,
 * spaces and full-width digits allowed): it is stored as +81 9012345678.
 * The number is shown to its owner only and never logged.
 */
#include <stdio.h>
#include <string.h>

#include "core/audit/audit.h"
#include "svc/notify/notify.h"
#include "svc/notify/web/notify_web.h"
#include "web/app.h"
#include "web/ui.h"

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

/* 0 and out in E.164, or ERR_INVALID: +81 or 0 followed by a Japanese
 * number, or any +<country> number; ASCII or full-width digits, hyphens,
 * spaces */
int notify_phone_normalise(char *out, size_t cap, const char *in)
{
	char d[24];
	size_t n = 0;
	int plus = 0;
	const unsigned char *p = (const unsigned char *)in;
	while (p && *p) {
		int c = -1;
		if (*p >= '0' && *p <= '9') {
			c = *p - '0';
			p++;
		} else if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x90 && p[2] <= 0x99) {
			c = p[2] - 0x90;   /* ０-９ */
			p += 3;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = 1;
			p++;
			continue;
		} else if (*p == '-' || *p == ' ' || *p == '(' || *p == ')') {
			p++;
			continue;
		} else if (p[0] == 0xe3 && p[1] == 0x83 && p[2] == 0xbc) {   /* ー */
			p += 3;
			continue;
		} else if (p[0] == 0xef && p[1] == 0xbc && p[2] == 0x8d) {   /* － */
			p += 3;
			continue;
		} else {
			return ERR_INVALID;
		}
		if (n + 1 >= sizeof d)
			return ERR_INVALID;
		d[n++] = (char)('0' + c);
	}
	d[n] = 0;
	if (plus)
		snprintf(out, cap, "+%s", d);
	else if (n == 11 && d[0] == '0')
		snprintf(out, cap, "+81%s", d + 1);
	else
		return ERR_INVALID;
	/* a Japanese mobile number only (070, 080, 090): a code is an SMS
	 * the ward pays for, and numbers abroad are where SMS-pumping fraud
	 * sends them */
	if (strlen(out) != 13 || strncmp(out, "+81", 3) != 0 || (out[3] != '7' && out[3] != '8' && out[3] != '9') ||
	    out[4] != '0')
		return ERR_INVALID;
	return notify_phone_valid(out) ? 0 : ERR_INVALID;
}

static int sms_page(struct http_req *r, int status, int sent, const char *notice, const char *field,
		    const char *error)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	if (!notify_sms_enabled()) {
		app_page_open(&b, &p, r, T(r, "notify.smsno.title"), NULL, NULL);
		html_printf(&b, "<p id=\"sms-off\">%s</p><p><a href=\"/mypage/notifications\">%s</a></p>",
			    T(r, "notify.smsno.off"), T(r, "notify.line.back"));
		return app_page_send(r, status, &b, &p);
	}
	char number[NOTIFY_PHONE_MAX + 1];
	struct err e = { 0 };
	int rc = notify_contact_get(number, sizeof number, app_store(r), q->tenant.code, q->ses.account_id,
				    NOTIFY_SMS, &e);
	if (rc < 0)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	app_audit(r, AUDIT_A_READ, "notify.sms", "self", AUDIT_R_OK);
	app_page_open(&b, &p, r, T(r, "notify.smsno.title"), field, error);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\" id=\"sms-notice\">%s</p>", notice);
	if (number[0]) {
		html_printf(&b, "<p id=\"sms-verified\">%s <span lang=\"en\">%s</span></p>",
			    T(r, "notify.smsno.verified"), number);
		html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications/sms\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"remove\">"
			    "<button type=\"submit\" class=\"button-secondary\" id=\"sms-remove\">%s</button></form>",
			    q->csrf, T(r, "notify.smsno.remove"));
	} else if (sent) {
		html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications/sms\" novalidate>"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"verify\">", q->csrf);
		ui_input(&b, &(struct ui_field){ .name = "code", .id = "f-code", .label = T(r, "notify.smsno.code"),
						 .hint = T(r, "notify.smsno.code.hint"), .maxlength = 6,
						 .pattern = "[0-9]{6}", .verbatim = 1, .control_class = "input-short",
						 .error = field && strcmp(field, "f-code") == 0 ? error : NULL,
						 .lang = q->lang });
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"sms-verify\">%s</button></form>",
			    T(r, "notify.smsno.verify"));
	} else {
		html_printf(&b, "<p id=\"sms-none\">%s</p>", T(r, "notify.smsno.lead"));
		html_printf(&b, "<form method=\"post\" action=\"/mypage/notifications/sms\" novalidate>"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"action\" value=\"send\">", q->csrf);
		ui_input(&b, &(struct ui_field){ .name = "phone", .id = "f-phone", .label = T(r, "notify.smsno.phone"),
						 .hint = T(r, "notify.smsno.phone.hint"), .maxlength = 20,
						 .type = "tel", .autocomplete = "tel", .verbatim = 1,
						 .error = field && strcmp(field, "f-phone") == 0 ? error : NULL,
						 .lang = q->lang });
		html_printf(&b, "<button type=\"submit\" class=\"button\" id=\"sms-send\">%s</button></form>",
			    T(r, "notify.smsno.send"));
	}
	html_printf(&b, "<p><a href=\"/mypage/notifications\">%s</a></p>", T(r, "notify.line.back"));
	return app_page_send(r, status, &b, &p);
}

int page_mypage_sms(struct http_req *r)
{
	return sms_page(r, 200, 0, NULL, NULL, NULL);
}

int page_mypage_sms_post(struct http_req *r)
{
	struct app_req *q = app_req(r);
	if (!notify_sms_enabled())
		return sms_page(r, 200, 0, NULL, NULL, NULL);
	const char *action = http_param(r, "action");
	struct err e = { 0 };
	struct store *s = app_store(r);
	int rc;
	if (strcmp(action, "remove") == 0) {
		rc = notify_contact_remove(s, q->tenant.code, q->ses.account_id, NOTIFY_SMS, &e);
		app_audit(r, AUDIT_A_WRITE, "notify.sms", "self", rc < 0 ? AUDIT_R_ERROR : AUDIT_R_OK);
		if (rc < 0)
			return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
		return sms_page(r, 200, 0, T(r, "notify.smsno.removed"), NULL, NULL);
	}
	if (strcmp(action, "verify") == 0) {
		const char *code = http_param(r, "code");
		rc = notify_sms_verify_code(s, q->tenant.code, q->ses.account_id, code ? code : "", app_now(), &e);
		app_audit(r, AUDIT_A_WRITE, "notify.sms.verify", "self",
			  rc == 0 ? AUDIT_R_OK : rc == ERR_DENIED || rc == ERR_NOTFOUND ? AUDIT_R_DENIED : AUDIT_R_ERROR);
		if (rc == ERR_DENIED)
			return sms_page(r, 422, 1, NULL, "f-code", T(r, "notify.smsno.error.code"));
		if (rc == ERR_NOTFOUND)
			return sms_page(r, 422, 0, NULL, "f-phone", T(r, "notify.smsno.error.expired"));
		if (rc)
			return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
		return sms_page(r, 200, 0, T(r, "notify.smsno.done"), NULL, NULL);
	}
	char number[NOTIFY_PHONE_MAX + 8];
	const char *typed = http_param(r, "phone");
	if (!typed || notify_phone_normalise(number, sizeof number, typed))
		return sms_page(r, 422, 0, NULL, "f-phone", T(r, "notify.smsno.error.phone"));
	char code[NOTIFY_LINE_CODE_LEN + 1];
	int64_t now = app_now(), mid = 0;
	/* each code is an SMS sent: a few an hour */
	rc = notify_link_codes_recent(s, q->tenant.code, q->ses.account_id, NOTIFY_SMS, now - 3600, &e);
	if (rc < 0)
		return app_send_error(r, rc, "notify.subs.error.unavailable", e.detail);
	if (rc >= NOTIFY_SMS_CODES_PER_HOUR)
		return sms_page(r, 429, 0, NULL, "f-phone", T(r, "notify.smsno.error.too_many"));
	rc = store_begin(s, &e);
	if (rc == 0)
		rc = notify_link_code_new(code, s, q->tenant.code, q->ses.account_id, NOTIFY_SMS, number, now, &e);
	if (rc == 0) {
		struct notify_value v[] = { { "ward", q->tenant.name_ja }, { "code", code } };
		rc = notify_send(&mid, s, q->tenant.code, &(struct notify_send){
			.channel = NOTIFY_SMS, .recipient = number, .template_id = "sms.verify",
			.lang = html_lang_code(q->lang), .vals = v, .n = 2, .priority = 1 }, now, &e);
	}
	if (rc == 0)
		rc = store_commit(s, &e);
	else
		store_rollback(s);
	explicit_bzero(code, sizeof code);
	app_audit(r, AUDIT_A_WRITE, "notify.sms.code", "self", rc ? AUDIT_R_ERROR : AUDIT_R_OK);
	if (rc)
		return app_send_error(r, rc == ERR_INVALID ? ERR_INVALID : ERR_UNAVAILABLE,
				      "notify.subs.error.unavailable", e.detail);
	return sms_page(r, 200, 1, T(r, "notify.smsno.sent"), NULL, NULL);
}
