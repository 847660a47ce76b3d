/*
 * sign.h -- electronic signatures over submissions (JPKI style): verify a
 * detached CMS (PKCS#7) SignedData over given bytes against configured
 * trust anchors, with the validity period, key usage and revocation (CRL)
 * checked, and record who signed (certificate serial, subject, issuer).
 * Also the signer's side (sign_create), for `madoguchi sign` and tests.
 *
 * What a resident signs is the canonical form of the submission
 * (forms_canonical, RFC 8785); this module only sees bytes.  See
 * src/core/sign/README.md and docs/signatures.md.
 *
 * Invariants:
 *   - sign_verify answers 0 only when every check passed (reason SIGN_OK);
 *     any doubt is a refusal (fail closed).  The result's reason is always
 *     set, also on failure, so the caller can show sign_reason_message().
 *   - Time is the parameter `now` (Unix seconds, UTC): nothing reads the
 *     clock.  The trust store is read-only after sign_trust_load and may be
 *     shared by every thread.
 *   - err details never hold personal data (no subject, no name): they
 *     name the check, serial numbers of CAs and OpenSSL's reason text.
 *   - No HTTP, no logging, no exit.
 *
 * Limits (each input has one):
 *   CMS signature     SIGN_CMS_MAX bytes (64 KiB), DER, PEM or bare
 *                     base64 of the DER (line breaks allowed); one signer
 *   signed data       SIGN_DATA_MAX bytes (2 MiB: forms_canonical's limit,
 *                     FORMS_ANSWERS_MAX_BYTES * 2)
 *   trust directory   SIGN_TRUST_MAX_FILES files (*.pem *.crt *.cer *.crl),
 *                     each at most SIGN_TRUST_FILE_MAX bytes (64 MiB: a full
 *                     national CRL is large)
 *   recorded strings  serial, subject, issuer truncated to their arrays
 *                     (at a UTF-8 character boundary)
 */
#ifndef MADOGUCHI_SIGN_SIGN_H
#define MADOGUCHI_SIGN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define SIGN_CMS_MAX (64u * 1024)
#define SIGN_DATA_MAX (2u << 20)
#define SIGN_TRUST_MAX_FILES 100
#define SIGN_TRUST_FILE_MAX (64u << 20)

struct sign_trust;                 /* CA certificates + CRLs (an X509_STORE) */

/*
 * sign_trust_load -- read every *.pem, *.crt, *.cer and *.crl file of dir
 * (PEM with any number of certificates and CRLs, or one DER certificate
 * or CRL).  Every certificate must be a CA certificate; every CRL must be
 * signed by one of them.  ERR_NOTFOUND (no such dir), ERR_INVALID (no CA
 * certificate, a file that parses as nothing, a non-CA certificate, a CRL
 * of no loaded CA), ERR_LIMIT (too many or too large files), ERR_IO.
 * Subdirectories and other names are ignored.
 */
int sign_trust_load(struct sign_trust **out, const char *dir, struct err *e);
/* sign_trust_load_pem -- the same from one PEM buffer (tests, fuzzing). */
int sign_trust_load_pem(struct sign_trust **out, const void *pem, size_t n,
			struct err *e);
void sign_trust_free(struct sign_trust *t);
/* sign_trust_counts -- how many CA certificates and CRLs were loaded (for
 * the start-up log line). */
void sign_trust_counts(const struct sign_trust *t, int *certs, int *crls);
/* sign_trust_crl_expiry -- the earliest nextUpdate of the loaded CRLs
 * (Unix seconds; 0 when there is none): from then on signatures whose
 * chain needs that CRL are refused with SIGN_NO_CRL until it is renewed. */
int64_t sign_trust_crl_expiry(const struct sign_trust *t);

enum sign_reason {
	SIGN_OK = 0,
	SIGN_BAD_FORMAT,     /* not a detached CMS SignedData with one signer
				and its certificate, or too large            */
	SIGN_TAMPERED,       /* the signature does not match the data       */
	SIGN_UNTRUSTED,      /* no chain to a configured trust anchor       */
	SIGN_EXPIRED,        /* a certificate of the chain expired at now   */
	SIGN_NOT_YET_VALID,  /* a certificate of the chain not valid yet    */
	SIGN_REVOKED,        /* on its issuer's CRL                         */
	SIGN_NO_CRL,         /* revocation unknown: no CRL for an issuer in
				the chain, or the CRL is past its nextUpdate */
	SIGN_BAD_USAGE,      /* key usage has neither digitalSignature nor
				nonRepudiation (not a signing certificate)  */
	SIGN_NOT_CONFIGURED, /* no trust store (serve without --trust-dir)  */
	SIGN_ERROR,          /* could not check (out of memory, a bug)      */
};

struct sign_result {
	enum sign_reason reason;
	char serial[80];             /* signer certificate serial, uppercase hex */
	char subject[256];           /* RFC 2253, valid UTF-8 (bad bytes: '?')   */
	char issuer[256];            /* RFC 2253, valid UTF-8                    */
	int64_t not_before, not_after;   /* Unix seconds                         */
};

/* What sign_verify checks: the signed bytes and the detached signature
 * over them, both the caller's, read during the call only. */
struct sign_verify_in {
	const void *data;            /* what was signed (the canonical form)   */
	size_t n;                    /* its length, at most SIGN_DATA_MAX      */
	const void *cms;             /* the signature: DER, PEM "CMS"/"PKCS7"
					or the DER in bare base64; NULL or
					empty: SIGN_BAD_FORMAT                 */
	size_t cms_len;              /* its length, at most SIGN_CMS_MAX       */
};

/*
 * sign_verify -- verify the detached CMS signature in->cms[0..cms_len)
 * (DER, PEM "CMS"/"PKCS7", or the DER in bare base64 as signing apps and
 * text fields carry it) over in->data[0..n) at time now, against t:
 *   1. parse: SignedData, detached, exactly one SignerInfo, the signer's
 *      certificate included (SIGN_BAD_FORMAT);
 *   2. the signature (and the messageDigest attribute when signed
 *      attributes are present) over data (SIGN_TAMPERED);
 *   3. the signer certificate's validity period at now (SIGN_EXPIRED,
 *      SIGN_NOT_YET_VALID: said first, whatever the CRL says);
 *   4. its chain to an anchor of t with the CMS's other certificates (and
 *      those of t) as intermediates, every validity period at now, the
 *      CRL of every issuer in the chain (X509_V_FLAG_CRL_CHECK |
 *      X509_V_FLAG_CRL_CHECK_ALL: a missing or outdated CRL for any of
 *      them is SIGN_NO_CRL);
 *   5. the signer's key usage (SIGN_BAD_USAGE).
 * The signer's serial, subject, issuer and validity are filled in as soon
 * as the certificate is known (also when a later check refuses it).
 * Cost: about 1.4 ms of CPU (RSA-2048 signer, one CRL; measured on the
 * shared 2-core build machine): call it on the blocking pool (http_defer),
 * not on an event loop.
 * Returns 0 when reason == SIGN_OK; otherwise ERR_AUTH (the signature is
 * refused), ERR_UNAVAILABLE (t is NULL: SIGN_NOT_CONFIGURED) or ERR_NOMEM /
 * ERR_INTERNAL (SIGN_ERROR), with out->reason set and e->detail naming
 * the check.
 */
int sign_verify(struct sign_result *out, const struct sign_trust *t,
		const struct sign_verify_in *in, int64_t now, struct err *e);

/*
 * sign_cms_der -- the signature in DER, whatever form it came in (DER,
 * PEM, base64), appended to out: what to store with the submission
 * (struct apply_signature's cms).  ERR_INVALID when it does not parse
 * (sign_verify says SIGN_BAD_FORMAT then), ERR_LIMIT past SIGN_CMS_MAX
 * input or out's limit.
 */
int sign_cms_der(struct buf *out, const void *cms, size_t cms_len, struct err *e);

/* sign_reason_message -- a clear message for the resident, lang "ja",
 * "en" or "ja-easy" (やさしい日本語); anything else gives "ja". */
const char *sign_reason_message(enum sign_reason r, const char *lang);
/* sign_reason_name -- "ok", "bad_format", "tampered", "untrusted",
 * "expired", "not_yet_valid", "revoked", "no_crl", "bad_usage",
 * "not_configured", "error" (stable: JSON API, CLI output, audit). */
const char *sign_reason_name(enum sign_reason r);

/* Who signs (sign_create): three PEM files, read during the call. */
struct sign_signer {
	const char *key_path;        /* the private key, not encrypted         */
	const char *cert_path;       /* its certificate                        */
	const char *chain_path;      /* certificates to include, or NULL       */
};

/*
 * sign_create -- the resident's side: a detached CMS SignedData over
 * data[0..n) (at most SIGN_DATA_MAX: ERR_LIMIT) with the signer's private
 * key and certificate (key not encrypted), the chain file's certificates
 * (if any) included, SHA-256, signed attributes (contentType,
 * messageDigest, signingTime).  Appends DER (pem 0) or PEM "CMS" (pem 1)
 * to out.  What `openssl cms -sign -binary -md sha256 -outform DER`
 * makes.  ERR_IO, ERR_INVALID (unreadable key or certificate, key does
 * not match).
 */
int sign_create(struct buf *out, const struct sign_signer *by,
		const void *data, size_t n, int pem, struct err *e);

#endif
