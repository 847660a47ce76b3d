/*
 * verify.c -- sign_verify: a detached CMS SignedData over given bytes,
 * checked with OpenSSL against the trust store at a given time, and the
 * resident-facing messages for each reason.
 *
 * Order of the checks (the first failing one is the reason): format,
 * signature over the data, the signer's validity period, chain + validity
 * + CRLs, key usage.  The
 * signature is checked before the chain so that "the data changed" is
 * said whenever it is true, whatever the certificate.
 *
 * Invariants: every path clears the thread's OpenSSL error queue; every
 * OpenSSL object is freed on every path; out->reason is always set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/pem.h>   /* before cms.h: its PEM_*_CMS declarations */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "core/sign/sign_int.h"

static int refuse(struct sign_result *out, enum sign_reason r, struct err *e,
		  const char *fmt, const char *arg)
{
	out->reason = r;
	ERR_clear_error();
	int code = r == SIGN_NOT_CONFIGURED ? ERR_UNAVAILABLE :
		   r == SIGN_ERROR ? ERR_INTERNAL : ERR_AUTH;
	return err_set(e, code, fmt, arg ? arg : "");
}

/* copy s into out[cap], cut at a UTF-8 character boundary */
static void copy_utf8(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = 0;
}

/* replace every byte that is not part of valid UTF-8 (overlongs,
 * surrogates and code points past U+10FFFF included) by '?': a
 * certificate's strings go into the database and onto pages */
static void utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		unsigned c = p[0];
		int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			  (c & 0xf8) == 0xf0 ? 4 : 0;
		int ok = len > 0;
		unsigned cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
		for (int k = 1; ok && k < len; k++) {
			if ((p[k] & 0xc0) != 0x80)
				ok = 0;
			else
				cp = (cp << 6) | (p[k] & 0x3fu);
		}
		if (ok && len > 1)
			ok = !((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
			       (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			       (cp >= 0xd800 && cp <= 0xdfff));
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += len;
	}
}

static void name_text(char *out, size_t cap, const X509_NAME *nm)
{
	out[0] = 0;
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		char *p;
		long n = BIO_get_mem_data(b, &p);
		if (n > 0)
			copy_utf8(out, cap, p, (size_t)n);
	}
	BIO_free(b);
	utf8_clean(out);
}

static int64_t asn1_unix(const ASN1_TIME *t)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void describe(struct sign_result *out, X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	if (hex)
		copy_utf8(out->serial, sizeof out->serial, hex, strlen(hex));
	OPENSSL_free(hex);
	BN_free(bn);
	name_text(out->subject, sizeof out->subject, X509_get_subject_name(x));
	name_text(out->issuer, sizeof out->issuer, X509_get_issuer_name(x));
	out->not_before = asn1_unix(X509_get0_notBefore(x));
	out->not_after = asn1_unix(X509_get0_notAfter(x));
}

static enum sign_reason chain_reason(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return SIGN_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return SIGN_NOT_YET_VALID;
	case X509_V_ERR_CERT_REVOKED:
		return SIGN_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
		return SIGN_NO_CRL;
	case X509_V_ERR_INVALID_PURPOSE:
	case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
		return SIGN_BAD_USAGE;
	case X509_V_ERR_OUT_OF_MEM:
		return SIGN_ERROR;
	default:
		return SIGN_UNTRUSTED;
	}
}

static CMS_ContentInfo *parse_der(const unsigned char *p, size_t n)
{
	const unsigned char *q = p;
	CMS_ContentInfo *c = d2i_CMS_ContentInfo(NULL, &q, (long)n);
	if (c && q != p + n) {             /* trailing bytes: not one DER value */
		CMS_ContentInfo_free(c);
		c = NULL;
	}
	return c;
}

/* bare base64 of the DER (what apps and text fields carry), line breaks
 * allowed; anything outside the alphabet is a bad format */
static CMS_ContentInfo *parse_base64(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=' ||
		      ch == '\r' || ch == '\n' || ch == ' ' || ch == '\t'))
			return NULL;
	}
	unsigned char *der = malloc(n / 4 * 3 + 3);
	EVP_ENCODE_CTX *x = EVP_ENCODE_CTX_new();
	CMS_ContentInfo *c = NULL;
	int a = 0, b = 0;
	if (der && x) {
		EVP_DecodeInit(x);
		if (EVP_DecodeUpdate(x, der, &a, p, (int)n) >= 0 &&
		    EVP_DecodeFinal(x, der + a, &b) == 1)
			c = parse_der(der, (size_t)(a + b));
	}
	EVP_ENCODE_CTX_free(x);
	free(der);
	return c;
}

static CMS_ContentInfo *parse(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (n - i >= 10 && memcmp(p + i, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(p, (int)n);
		CMS_ContentInfo *c = b ? PEM_read_bio_CMS(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
		return c;
	}
	if (n - i >= 4 && p[i] == 'M')      /* base64 of DER: 0x30 0x8x ... */
		return parse_base64(p + i, n - i);
	return parse_der(p, n);
}

int sign_verify(struct sign_result *out, const struct sign_trust *t,
		const struct sign_verify_in *in, int64_t now, struct err *e)
{
	const void *data = in->data, *cms = in->cms;
	size_t n = in->n, cms_len = in->cms_len;
	memset(out, 0, sizeof *out);
	out->reason = SIGN_ERROR;
	if (e)
		err_clear(e);
	ERR_clear_error();
	if (!t)
		return refuse(out, SIGN_NOT_CONFIGURED, e, "sign: no trust store configured%s", NULL);
	if (!cms || cms_len == 0)
		return refuse(out, SIGN_BAD_FORMAT, e, "sign: empty signature%s", NULL);
	if (cms_len > SIGN_CMS_MAX)
		return refuse(out, SIGN_BAD_FORMAT, e, "sign: signature larger than 64 KiB%s", NULL);
	if (n > SIGN_DATA_MAX)
		return refuse(out, SIGN_BAD_FORMAT, e, "sign: signed data larger than 2 MiB%s", NULL);
	if (!data)
		data = "";

	CMS_ContentInfo *c = parse(cms, cms_len);
	if (!c)
		return refuse(out, SIGN_BAD_FORMAT, e, "sign: not a CMS/PKCS#7 structure (%s)",
			      sign_openssl_reason());
	int rc = 0;
	STACK_OF(X509) *certs = NULL;
	BIO *dc = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *signer = NULL;
	STACK_OF(CMS_SignerInfo) *sis;

	if (OBJ_obj2nid(CMS_get0_type(c)) != NID_pkcs7_signed) {
		rc = refuse(out, SIGN_BAD_FORMAT, e, "sign: CMS is not SignedData%s", NULL);
		goto done;
	}
	if (CMS_is_detached(c) != 1) {
		rc = refuse(out, SIGN_BAD_FORMAT, e, "sign: CMS holds its content; "
			    "a detached signature is required%s", NULL);
		goto done;
	}
	sis = CMS_get0_SignerInfos(c);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		rc = refuse(out, SIGN_BAD_FORMAT, e, "sign: exactly one signer is required%s", NULL);
		goto done;
	}
	certs = CMS_get1_certs(c);
	for (int i = 0; certs && i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0),
					    sk_X509_value(certs, i)) == 0) {
			signer = sk_X509_value(certs, i);
			break;
		}
	if (!signer) {
		rc = refuse(out, SIGN_BAD_FORMAT, e, "sign: the signer's certificate is not "
			    "included in the CMS%s", NULL);
		goto done;
	}
	describe(out, signer);

	/* 2. the signature over the data.  The data goes in through a null
	 * filter over the memory BIO, not as the memory BIO itself: given a
	 * memory BIO, CMS_verify (OpenSSL 3.0) copies it into a BIO of its
	 * own that it does not free when CMS_dataInit fails, which an
	 * unknown digest algorithm in the SignedData makes it do (272 bytes
	 * per refused signature; fuzz_cms, corpus cms/leak-unknown-digest).
	 * For any other BIO it reads ours and frees only what it pushed. */
	BIO *mem = BIO_new_mem_buf(data, (int)n);
	dc = mem ? BIO_new(BIO_f_null()) : NULL;
	if (!dc) {
		BIO_free(mem);
		rc = refuse(out, SIGN_ERROR, e, "sign: out of memory%s", NULL);
		goto done;
	}
	BIO_push(dc, mem);
	if (CMS_verify(c, certs, NULL, dc, NULL,
		       CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		rc = refuse(out, SIGN_TAMPERED, e, "sign: signature does not verify (%s)",
			    sign_openssl_reason());
		goto done;
	}

	/* 3. the signer's own validity first: "expired" is the clearest
	 * message for an expired certificate, whatever its CRL says */
	time_t at = (time_t)now;
	if (X509_cmp_time(X509_get0_notBefore(signer), &at) >= 0) {
		rc = refuse(out, SIGN_NOT_YET_VALID, e, "sign: signer certificate not valid yet%s", NULL);
		goto done;
	}
	if (X509_cmp_time(X509_get0_notAfter(signer), &at) <= 0) {
		rc = refuse(out, SIGN_EXPIRED, e, "sign: signer certificate expired%s", NULL);
		goto done;
	}

	/* 4. chain, validity at now, CRLs of every issuer */
	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, signer, certs)) {
		rc = refuse(out, SIGN_ERROR, e, "sign: out of memory%s", NULL);
		goto done;
	}
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(vp, (time_t)now);
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	if (X509_verify_cert(ctx) != 1) {
		int ve = X509_STORE_CTX_get_error(ctx);
		char why[160];
		snprintf(why, sizeof why, "%s, depth %d", X509_verify_cert_error_string(ve),
			 X509_STORE_CTX_get_error_depth(ctx));
		rc = refuse(out, chain_reason(ve), e, "sign: certificate check failed (%s)", why);
		goto done;
	}

	/* 5. a signing certificate: key usage present with digitalSignature
	 * or nonRepudiation */
	if (!(X509_get_extension_flags(signer) & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(signer) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		rc = refuse(out, SIGN_BAD_USAGE, e, "sign: key usage allows neither "
			    "digitalSignature nor nonRepudiation%s", NULL);
		goto done;
	}
	out->reason = SIGN_OK;
done:
	X509_STORE_CTX_free(ctx);
	BIO_free_all(dc);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(c);
	ERR_clear_error();
	return rc;
}

int sign_cms_der(struct buf *out, const void *cms, size_t cms_len, struct err *e)
{
	if (!cms || cms_len == 0)
		return err_set(e, ERR_INVALID, "sign: empty signature");
	if (cms_len > SIGN_CMS_MAX)
		return err_set(e, ERR_LIMIT, "sign: signature larger than 64 KiB");
	CMS_ContentInfo *c = parse(cms, cms_len);
	ERR_clear_error();
	if (!c)
		return err_set(e, ERR_INVALID, "sign: not a CMS/PKCS#7 structure");
	unsigned char *der = NULL;
	int n = i2d_CMS_ContentInfo(c, &der);
	CMS_ContentInfo_free(c);
	ERR_clear_error();
	if (n <= 0)
		return err_set(e, ERR_NOMEM, "sign: cannot encode the signature");
	int rc = buf_append(out, der, (size_t)n);
	OPENSSL_free(der);
	if (rc)
		return err_set(e, rc, "sign: output buffer full");
	return 0;
}

/* ---- messages ---- */

struct msg {
	const char *name, *ja, *en, *easy;
};

static const struct msg msgs[] = {
	[SIGN_OK] = { "ok",
		"電子署名を確認しました。",
		"The electronic signature is valid.",
		"でんし しょめいを かくにん しました。" },
	[SIGN_BAD_FORMAT] = { "bad_format",
		"署名データの形式が正しくないため、読み取れません。署名用のアプリで、もう一度署名してください。",
		"The signature data is not in a form we can read. Please sign again with your signing app.",
		"しょめいの データが よめません。アプリで もう いちど しょめい して ください。" },
	[SIGN_TAMPERED] = { "tampered",
		"署名が申請内容と一致しません。署名の後に内容が変わったか、署名データが壊れています。もう一度署名してください。",
		"The signature does not match the application: the content changed after signing, or the signature data is damaged. Please sign again.",
		"しょめいと しんせいの ないようが あいません。もう いちど しょめい して ください。" },
	[SIGN_UNTRUSTED] = { "untrusted",
		"この電子証明書は、ここで受け付けている認証局（公的個人認証サービスなど）が発行したものではありません。マイナンバーカードの署名用電子証明書で署名してください。",
		"This certificate was not issued by a certification authority accepted here (such as the Japanese Public Key Infrastructure, JPKI). Please sign with the signature certificate of your My Number Card.",
		"この しょうめいしょは つかえません。マイナンバーカードの「しょめいよう でんし しょうめいしょ」で しょめい して ください。" },
	[SIGN_EXPIRED] = { "expired",
		"電子証明書の有効期限が切れています。お住まいの市区町村の窓口で電子証明書を更新してから、もう一度署名してください。",
		"The certificate has expired. Please renew it at your municipality's office, then sign again.",
		"でんし しょうめいしょの きげんが きれて います。しやくしょで こうしん してから、もう いちど しょめい して ください。" },
	[SIGN_NOT_YET_VALID] = { "not_yet_valid",
		"電子証明書はまだ有効期間が始まっていません。お使いの端末の日付と時刻を確かめるか、後でもう一度お試しください。",
		"The certificate is not valid yet. Please check the date and time of your device, or try again later.",
		"でんし しょうめいしょは まだ つかえません。あとで もう いちど ためして ください。" },
	[SIGN_REVOKED] = { "revoked",
		"この電子証明書は失効しているため、署名に使えません。お住まいの市区町村の窓口で新しい電子証明書の発行を受けてください。",
		"This certificate has been revoked and cannot be used to sign. Please get a new certificate at your municipality's office.",
		"この でんし しょうめいしょは もう つかえません。しやくしょで あたらしい しょうめいしょを もらって ください。" },
	[SIGN_NO_CRL] = { "no_crl",
		"電子証明書が失効していないかを、いま確認できません。時間をおいてもう一度お試しください。続く場合は窓口にお問い合わせください。",
		"We cannot check right now whether the certificate has been revoked. Please try again later; if this continues, please contact the office.",
		"いま しょうめいしょを かくにん できません。あとで もう いちど ためして ください。" },
	[SIGN_BAD_USAGE] = { "bad_usage",
		"この電子証明書は署名用ではありません。署名用電子証明書で署名してください。",
		"This certificate is not for signing. Please sign with a signature certificate.",
		"この しょうめいしょは しょめいには つかえません。「しょめいよう」の しょうめいしょで しょめい して ください。" },
	[SIGN_NOT_CONFIGURED] = { "not_configured",
		"この窓口では、電子署名の確認がまだ設定されていません。お手数ですが窓口にお問い合わせください。",
		"Electronic signatures are not set up at this office yet. Please contact the office.",
		"ここでは まだ でんし しょめいが つかえません。まどぐちに きいて ください。" },
	[SIGN_ERROR] = { "error",
		"署名を確認できませんでした。時間をおいてもう一度お試しください。",
		"The signature could not be checked. Please try again later.",
		"しょめいを かくにん できませんでした。あとで もう いちど ためして ください。" },
};

static const struct msg *msg_of(enum sign_reason r)
{
	if ((int)r < 0 || (size_t)r >= sizeof msgs / sizeof msgs[0] || !msgs[r].name)
		r = SIGN_ERROR;
	return &msgs[r];
}

const char *sign_reason_message(enum sign_reason r, const char *lang)
{
	const struct msg *m = msg_of(r);
	if (lang && strcmp(lang, "en") == 0)
		return m->en;
	if (lang && strcmp(lang, "ja-easy") == 0)
		return m->easy;
	return m->ja;
}

const char *sign_reason_name(enum sign_reason r)
{
	return msg_of(r)->name;
}
