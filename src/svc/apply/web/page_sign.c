/*
 * page_sign.c -- signing with a signing app (docs/signatures.md §5): the
 * resident's page that hands a signing request to the app by a link and a
 * QR code, the request's own page that the app (or the resident on another
 * device) opens by its token, the bytes to sign, the signature's return,
 * and on the demo ward the demo signer that signs in the browser with the
 * fictional demo PKI (WebCrypto, assets/demo-signer.js).
 *
 * The token is the only credential of the request's pages (the phone that
 * signs has no session of the resident's): it is 32 random bytes, stored
 * hashed, bound to one draft and to the hash of its bytes, short-lived and
 * good for one signature (src/svc/apply/signreq.c).  Every read of the
 * answers by token is audited; a signature is verified when it arrives
 * (so the app can say at once that it was refused) and again when the
 * resident submits (page_apply.c), against the trust store in use then.
 */
#include "web/app.h"
#include "web/ui.h"
#include "web/app_mail.h"
#include "svc/apply/apply.h"
#include "svc/apply/web/app_apply.h"
#include "core/auth/auth.h"
#include "core/sign/sign.h"
#include "base/log.h"
#include "base/util.h"
#include "jp/date.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void css(struct buf *b)
{
	buf_puts(b, "<link rel=\"stylesheet\" href=\"/assets/apply.css\">\n");
}

/* the page's head, marked not to be cached or indexed: it carries a token */
static void begin(struct buf *b, struct html_page *p, struct http_req *r, const char *title)
{
	app_page(r, p, title);
	buf_init(b, 1u << 20);
	html_page_begin(b, p);
	css(b);
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "referrer-policy", "no-referrer");
	http_set_header(r, "x-robots-tag", "noindex");
}

/* the request's owner as an actor of src/svc/apply (residents only: the
 * counter signs nothing) */
static int owner_actor(struct apply_actor *who, struct http_req *r, const struct apply_signreq *sr,
		       struct err *e)
{
	memset(who, 0, sizeof *who);
	if (sr->owner_kind != 1)
		return err_set(e, ERR_NOTFOUND, "signreq %lld: not a resident's", (long long)sr->id);
	who->kind = APPLY_RESIDENT;
	who->id = sr->owner_id;
	who->tenant = app_req(r)->tenant.code;
	return 0;
}

/* the bytes to sign for the request as its draft or bundle is now */
static int request_bytes(struct apply_canonical_result *cr, struct http_req *r,
			 const struct apply_signreq *sr, struct err *e)
{
	struct apply_actor who;
	int rc = owner_actor(&who, r, sr, e);
	if (rc)
		return rc;
	if (sr->kind == APPLY_SIGNREQ_BUNDLE)
		return apply_bundle_canonical(cr, r->arena, app_store(r), &who, sr->target, app_now(), e);
	return apply_canonical(cr, r->arena, app_store(r), &who, sr->target, app_now(), e);
}

/* the request of the path's token, or the answer already sent: an
 * unknown and an expired one look alike (404 in words); *sent is the
 * handler's return value when the request could not be loaded */
static int load_request(struct apply_signreq *sr, int *sent, struct http_req *r)
{
	struct err e;
	err_clear(&e);
	int rc = apply_signreq_by_token(sr, r->arena, app_store(r), app_req(r)->tenant.code,
					http_param(r, "token"), app_now(), &e);
	if (rc == ERR_NOTFOUND)
		*sent = app_send_error(r, ERR_NOTFOUND, "apply.sign.gone", e.detail);
	else if (rc)
		*sent = http_send_error(r, rc, NULL, NULL, e.detail);
	return rc;
}

static int request_gone(struct http_req *r, const struct err *e)
{
	return app_send_error(r, ERR_NOTFOUND, "apply.sign.gone", e->detail);
}

/* when, in Japan: 2026-12-06 18:05 (JST) */
static const char *jst_time(struct http_req *r, int64_t t)
{
	int64_t j = t + JP_JST_OFFSET_S;
	int64_t days = j >= 0 ? j / 86400 : (j - 86399) / 86400;
	struct jp_date d = jp_date_from_days((long)days);
	int s = (int)(j - days * 86400);
	return arena_printf(r->arena, "%04d-%02d-%02d %02d:%02d", d.y, d.m, d.d, s / 3600, s / 60 % 60);
}

/* the hash as the resident compares it with the app: groups of 8 */
static const char *grouped(struct http_req *r, const char *hex)
{
	char out[64 + 8 + 1];
	size_t k = 0;
	for (size_t i = 0; hex[i] && k + 2 < sizeof out; i++) {
		if (i && i % 8 == 0)
			out[k++] = ' ';
		out[k++] = hex[i];
	}
	out[k] = 0;
	return arena_strdup(r->arena, out);
}

/* the request's address as the app opens it: the same base as links in
 * mail (app_mail_link_base: serve --public-url, else the municipality's
 * host, else the listen address), never the request's Host header, which
 * the caller chooses; a phone cannot reach the server's own host name
 * anyway.  Under --tenant-path-prefix the municipality's /t/<prefix>
 * follows a configured public URL. */
static const char *request_url(struct http_req *r, const char *token)
{
	char base[600];
	const char *pub = app_of(r)->cfg.public_url;
	if (app_mail_link_base(base, sizeof base, app_of(r), &app_req(r)->tenant) != 0)
		return NULL;
	return arena_printf(r->arena, "%s%s/sign/%s", base, pub && *pub ? r->base : "", token);
}

/* what a new request is for: its kind and target, and where the
 * resident goes back to when signed */
struct new_request {
	enum apply_signreq_kind kind;
	int64_t target;
	const char *back;            /* the check page or the bundle page */
};

/* make the request over the bytes as they are now and show its link, QR
 * code and check number */
static int hand_over(struct http_req *r, const struct apply_actor *who, const struct new_request *nr)
{
	enum html_lang l = app_req(r)->lang;
	struct err e;
	err_clear(&e);
	struct apply_canonical_result cr;
	int rc = nr->kind == APPLY_SIGNREQ_BUNDLE
			 ? apply_bundle_canonical(&cr, r->arena, app_store(r), who, nr->target, app_now(), &e)
			 : apply_canonical(&cr, r->arena, app_store(r), who, nr->target, app_now(), &e);
	if (rc == ERR_INVALID)   /* answers to correct first: that page says which */
		return http_redirect(r, 303, nr->back);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char sha[65], token[APPLY_SIGNREQ_TOKEN_LEN + 1];
	forms_sha256_hex(sha, cr.text, cr.len);
	rc = apply_signreq_create(token, app_store(r), who,
				  &(struct apply_signreq_new){ nr->kind, nr->target, sha }, app_now(), &e);
	if (rc == ERR_LIMIT)
		return app_send_error(r, ERR_LIMIT, "apply.sign.too_many", e.detail);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)nr->target);
	app_audit(r, "apply.sign.requested", nr->kind == APPLY_SIGNREQ_BUNDLE ? "bundle" : "draft", oid,
		  AUDIT_R_OK);
	const char *url = request_url(r, token);
	if (!url)
		return http_send_error(r, ERR_INTERNAL, NULL, NULL, "sign-request: link base too long");
	char *svg = NULL;
	if (auth_qr_svg(&svg, NULL, url, html_t(l, "apply.sign.qr_title"), &e))
		svg = NULL;
	struct html_page p;
	struct buf b;
	begin(&b, &p, r, html_t(l, "apply.sign.title"));
	html_printf(&b, "<p>%s</p><ol class=\"steps\"><li>%s</li><li>%s</li><li>%s</li></ol>",
		    html_t(l, "apply.sign.lead"), html_t(l, "apply.sign.step_open"),
		    html_t(l, "apply.sign.step_compare"), html_t(l, "apply.sign.step_back"));
	if (svg)
		html_printf(&b, "<figure class=\"sign-qr\">%S<figcaption>%s</figcaption></figure>", svg,
			    html_t(l, "apply.sign.qr_caption"));
	free(svg);
	html_printf(&b, "<p><a class=\"button\" id=\"sign-link\" href=\"%s\">%s</a></p>", url,
		    html_t(l, "apply.sign.open"));
	html_printf(&b, "<dl class=\"summary-list\"><div><dt>%s</dt><dd><code class=\"hash\">%s</code></dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div></dl>",
		    html_t(l, "apply.sign.hash"), grouped(r, sha), html_t(l, "apply.sign.expires"),
		    jst_time(r, app_now() + APPLY_SIGNREQ_TTL));
	html_printf(&b, "<p><a class=\"button secondary\" href=\"%s\">%s</a></p>", nr->back,
		    html_t(l, "apply.sign.done"));
	return app_page_send(r, 200, &b, &p);
}

static int resident_target(struct apply_actor *who, int64_t *id, struct http_req *r)
{
	int rc = app_apply_actor(who, r->arena, r);
	if (rc)
		return rc;
	if (parse_i64(id, http_param(r, "id"), 1, INT64_MAX))
		return ERR_NOTFOUND;
	return 0;
}

/* POST /drafts/{id}/sign-request: a request for the resident's draft */
int page_draft_sign_request(struct http_req *r)
{
	struct apply_actor who;
	int64_t id = 0;
	int rc = resident_target(&who, &id, r);
	if (rc)
		return app_send_error(r, rc, "apply.error.not_found", "sign-request: no draft");
	return hand_over(r, &who, &(struct new_request){ APPLY_SIGNREQ_DRAFT, id,
		arena_printf(r->arena, "%s/drafts/%lld/confirm", r->base, (long long)id) });
}

/* POST /bundles/{id}/sign-request: one request for a life-event bundle
 * (its manifest: one signature, one PIN entry, for every application) */
int page_bundle_sign_request(struct http_req *r)
{
	struct apply_actor who;
	int64_t id = 0;
	int rc = resident_target(&who, &id, r);
	if (rc)
		return app_send_error(r, rc, "apply.error.not_found", "sign-request: no bundle");
	return hand_over(r, &who, &(struct new_request){ APPLY_SIGNREQ_BUNDLE, id,
		arena_printf(r->arena, "%s/bundles/%lld", r->base, (long long)id) });
}

/* the demo signer's material when this ward may use it: the demo ward
 * only, and only when the server was started with --demo-signer */
static const struct app_apply_config *demo_signer(struct http_req *r)
{
	const struct app_apply_config *c = svc_state(r, &svc_apply);
	if (!c || !c->demo_key_pem || !c->demo_cert_pem || !app_req(r)->tenant.demo)
		return NULL;
	return c;
}

/* GET /sign/{token}: what is asked, the bytes, the signature's return
 * (a .p7s from a signing app or tool), the demo signer on the demo ward */
static int render_request(struct http_req *r, int status, const struct apply_signreq *sr,
			  const char *error, const char *signed_by)
{
	enum html_lang l = app_req(r)->lang;
	const char *token = http_param(r, "token");
	struct html_page p;
	struct buf b;
	const char *title = html_t(l, "apply.sign.request_title");
	if (error)
		title = arena_printf(r->arena, "%s: %s", html_t(l, "form.error"), title);
	begin(&b, &p, r, title);
	if (error) {
		const char *ids[] = { "signature" }, *msgs[] = { error };
		html_error_summary(&b, l, ids, msgs, 1);
	}
	if (signed_by || sr->signed_at) {
		html_printf(&b, "<div class=\"notice success\" role=\"status\"><p>%s</p>",
			    html_t(l, "apply.sign.received"));
		if (signed_by)
			html_printf(&b, "<p>%s: %s</p>", html_t(l, "apply.sign.signer"), signed_by);
		html_printf(&b, "<p>%s</p></div>", html_t(l, "apply.sign.return_now"));
		/* on the resident's own device the session is there; elsewhere
		 * the link asks them to log in (it names an id, nothing more) */
		html_printf(&b, "<p><a class=\"button\" href=\"%s\">%s</a></p>",
			    sr->kind == APPLY_SIGNREQ_BUNDLE
				    ? arena_printf(r->arena, "%s/bundles/%lld", r->base, (long long)sr->target)
				    : arena_printf(r->arena, "%s/drafts/%lld/confirm", r->base, (long long)sr->target),
			    html_t(l, "apply.sign.back"));
		return app_page_send(r, status, &b, &p);
	}
	html_printf(&b, "<p>%s</p><dl class=\"summary-list\">"
		    "<div><dt>%s</dt><dd>%s</dd></div>"
		    "<div><dt>%s</dt><dd><code class=\"hash\">%s</code></dd></div>"
		    "<div><dt>%s</dt><dd>%s</dd></div></dl>",
		    html_t(l, "apply.sign.request_lead"), html_t(l, "apply.sign.municipality"),
		    l == HTML_EN ? app_req(r)->tenant.name_en : app_req(r)->tenant.name_ja,
		    html_t(l, "apply.sign.hash"), grouped(r, sr->sha256), html_t(l, "apply.sign.expires"),
		    jst_time(r, sr->expires_at));
	const char *action = arena_printf(r->arena, "%s/sign/%s", r->base, token);
	const char *data = arena_printf(r->arena, "%s/sign/%s/data", r->base, token);
	if (demo_signer(r)) {
		html_printf(&b, "<section class=\"demo-signer\" aria-labelledby=\"demo-signer-h\">"
			    "<h2 id=\"demo-signer-h\">%s</h2><p>%s</p>"
			    "<p class=\"js-only\" hidden><button type=\"button\" class=\"button\" id=\"demo-sign\""
			    " data-data=\"%s\" data-key=\"%s/sign/%s/demo-key\" data-form=\"sign-upload\""
			    " data-working=\"%s\" data-failed=\"%s\">%s</button></p>"
			    "<p id=\"demo-sign-status\" role=\"status\"></p>"
			    "<noscript><p>%s</p></noscript></section>",
			    html_t(l, "apply.sign.demo_title"), html_t(l, "apply.sign.demo_lead"), data,
			    r->base, token, html_t(l, "apply.sign.demo_working"),
			    html_t(l, "apply.sign.demo_failed"), html_t(l, "apply.sign.demo_button"),
			    html_t(l, "apply.sign.demo_nojs"));
	}
	html_printf(&b, "<section aria-labelledby=\"sign-file-h\"><h2 id=\"sign-file-h\">%s</h2><ol>"
		    "<li><a href=\"%s\" download=\"application.json\">%s</a></li><li>%s</li></ol>",
		    html_t(l, "apply.sign.file_title"), data, html_t(l, "apply.sig_download"),
		    html_t(l, "apply.sig_sign"));
	html_printf(&b, "<form method=\"post\" action=\"%s\" enctype=\"multipart/form-data\" id=\"sign-upload\" novalidate>",
		    action);
	ui_file(&b, &(struct ui_field){ .name = "signature", .id = "signature",
					.label = html_t(l, "apply.sig_file"), .required = 1,
					.error = error, .lang = l,
					.accept = ".p7s,application/pkcs7-signature",
					.required_text = html_t(l, "form.required"), .error_class = 1 });
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\">%s</button></div></form></section>",
		    html_t(l, "apply.sign.send"));
	if (demo_signer(r))
		buf_puts(&b, "<script src=\"/assets/demo-signer.js\" defer></script>\n");
	return app_page_send(r, status, &b, &p);
}

int page_sign_request(struct http_req *r)
{
	struct apply_signreq sr;
	int sent = 0;
	if (load_request(&sr, &sent, r))
		return sent;
	return render_request(r, 200, &sr, NULL, NULL);
}

/* GET /sign/{token}/data: the bytes to sign, as they are now; a change
 * since the request was made means the resident must ask again */
int page_sign_data(struct http_req *r)
{
	struct apply_signreq sr;
	int sent = 0;
	if (load_request(&sr, &sent, r))
		return sent;
	struct err e;
	err_clear(&e);
	struct apply_canonical_result cr;
	int rc = request_bytes(&cr, r, &sr, &e);
	if (rc == ERR_NOTFOUND || rc == ERR_INVALID)
		return request_gone(r, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char sha[65];
	forms_sha256_hex(sha, cr.text, cr.len);
	if (strcmp(sha, sr.sha256) != 0)
		return app_send_error(r, ERR_CONFLICT, "apply.error.changed_after_signing",
				      "signreq %lld: the answers changed since the request", (long long)sr.id);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)sr.target);
	/* the answers, read by whoever holds the token: audited as a read */
	app_audit(r, "apply.sign.data_read", sr.kind == APPLY_SIGNREQ_BUNDLE ? "bundle" : "draft", oid,
		  AUDIT_R_OK);
	http_set_header(r, "cache-control", "no-store");
	http_set_header(r, "content-disposition", "attachment; filename=\"application.json\"");
	return http_send(r, 200, "application/json", cr.text, cr.len);
}

/* POST /sign/{token}: the signature returned; verified now over the bytes
 * as they are now, kept for the resident's submission */
int page_sign_return(struct http_req *r)
{
	enum html_lang l = app_req(r)->lang;
	struct apply_signreq sr;
	int sent = 0;
	if (load_request(&sr, &sent, r))
		return sent;
	if (sr.signed_at)
		return render_request(r, 409, &sr, html_t(l, "apply.sign.already"), NULL);
	const struct http_part *sp = http_file(r, "signature");
	if (!sp || !sp->len)
		return render_request(r, 400, &sr, html_t(l, "apply.sign.no_file"), NULL);
	struct err e;
	err_clear(&e);
	struct apply_canonical_result cr;
	int rc = request_bytes(&cr, r, &sr, &e);
	if (rc == ERR_NOTFOUND || rc == ERR_INVALID)
		return request_gone(r, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	char sha[65];
	forms_sha256_hex(sha, cr.text, cr.len);
	if (strcmp(sha, sr.sha256) != 0)
		return render_request(r, 409, &sr, html_t(l, "apply.sig_stale"), NULL);
	struct sign_result res;
	rc = sign_verify(&res, app_trust(r),
			 &(struct sign_verify_in){ .data = cr.text, .n = cr.len, .cms = sp->data,
						   .cms_len = sp->len }, app_now(), &e);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)sr.target);
	const char *otype = sr.kind == APPLY_SIGNREQ_BUNDLE ? "bundle" : "draft";
	if (rc) {
		log_info("signature refused", "signreq", arena_printf(r->arena, "%lld", (long long)sr.id),
			 "reason", sign_reason_name(res.reason), "detail", e.detail);
		app_audit(r, "apply.sign.returned", otype, oid, AUDIT_R_DENIED);
		const char *why = html_t(l, "apply.sig_unavailable");
		if (res.reason != SIGN_OK && res.reason != SIGN_ERROR)
			why = arena_printf(r->arena, "%s %s", html_t(l, "apply.sig_refused"),
					   sign_reason_message(res.reason, html_lang_code(l)));
		return render_request(r, 400, &sr, why, NULL);
	}
	rc = apply_signreq_sign(app_store(r), app_req(r)->tenant.code, http_param(r, "token"),
				&(struct apply_signreq_signature){ sp->data, sp->len, res.subject },
				app_now(), &e);
	if (rc == ERR_CONFLICT)
		return render_request(r, 409, &sr, html_t(l, "apply.sign.already"), NULL);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	app_audit(r, "apply.sign.returned", otype, oid, AUDIT_R_OK);
	return render_request(r, 200, &sr, NULL, arena_strdup(r->arena, res.subject));
}

/* GET /sign/{token}/demo-key: the fictional demo resident's key and
 * certificate, for the demo signer only (the demo ward, --demo-signer) */
int page_sign_demo_key(struct http_req *r)
{
	const struct app_apply_config *c = demo_signer(r);
	if (!c)
		return app_send_error(r, ERR_NOTFOUND, "apply.error.not_found", "demo signer: not on");
	struct apply_signreq sr;
	int sent = 0;
	if (load_request(&sr, &sent, r))
		return sent;
	json_t *j = app_json_own(r, json_pack("{s:s,s:s,s:s}", "key", c->demo_key_pem, "cert",
					       c->demo_cert_pem, "note",
					       "fictional demo PKI (デモ区): never a real person's key"));
	if (!j)
		return ERR_NOMEM;
	char *s = json_dumps(j, JSON_COMPACT);
	if (!s)
		return ERR_NOMEM;
	http_set_header(r, "cache-control", "no-store");
	http_send_json(r, 200, s);
	free(s);
	return 0;
}
