/*
 * create.c -- sign_create: the resident's side of a signature, a detached
 * CMS SignedData (SHA-256, signed attributes, the signer's certificate and
 * any chain included), as `madoguchi sign` and the tests make it.
 *
 * Invariant: the private key is only read, never copied anywhere but
 * OpenSSL's own object, which is freed (and cleansed by OpenSSL) before
 * returning.  An encrypted key is refused, never prompted for.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>   /* before cms.h: its PEM_*_CMS declarations */
#include <openssl/cms.h>
#include <openssl/err.h>

#include "core/sign/sign_int.h"

static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf; (void)size; (void)rwflag; (void)u;
	return -1;
}

int sign_create(struct buf *out, const struct sign_signer *by,
		const void *data, size_t n, int pem, struct err *e)
{
	const char *key_path = by->key_path, *cert_path = by->cert_path;
	const char *chain_path = by->chain_path;
	int rc = 0;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	CMS_ContentInfo *c = NULL;
	BIO *in = NULL, *mem = NULL, *f;
	const unsigned flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_NOSMIMECAP;

	ERR_clear_error();
	if (n > SIGN_DATA_MAX)
		return err_set(e, ERR_LIMIT, "sign: data larger than 2 MiB");
	if (!(f = BIO_new_file(key_path, "r")))
		return err_set(e, ERR_IO, "sign: cannot open the key file");
	key = PEM_read_bio_PrivateKey(f, NULL, no_password, NULL);
	BIO_free(f);
	if (!key) {
		rc = err_set(e, ERR_INVALID, "sign: key file unreadable or encrypted (%s)",
			     sign_openssl_reason());
		goto done;
	}
	if (!(f = BIO_new_file(cert_path, "r"))) {
		rc = err_set(e, ERR_IO, "sign: cannot open the certificate file");
		goto done;
	}
	cert = PEM_read_bio_X509(f, NULL, NULL, NULL);
	BIO_free(f);
	if (!cert) {
		rc = err_set(e, ERR_INVALID, "sign: certificate file unreadable (%s)",
			     sign_openssl_reason());
		goto done;
	}
	if (X509_check_private_key(cert, key) != 1) {
		rc = err_set(e, ERR_INVALID, "sign: the key does not match the certificate");
		goto done;
	}
	if (chain_path) {
		if (!(f = BIO_new_file(chain_path, "r"))) {
			rc = err_set(e, ERR_IO, "sign: cannot open the chain file");
			goto done;
		}
		chain = sk_X509_new_null();
		X509 *x;
		while (chain && (x = PEM_read_bio_X509(f, NULL, NULL, NULL)))
			if (!sk_X509_push(chain, x))
				X509_free(x);
		BIO_free(f);
		ERR_clear_error();
		if (!chain || sk_X509_num(chain) == 0) {
			rc = err_set(e, ERR_INVALID, "sign: no certificate in the chain file");
			goto done;
		}
	}
	in = BIO_new_mem_buf(data ? data : "", (int)n);
	c = in ? CMS_sign(NULL, NULL, chain, NULL, flags) : NULL;
	if (!c || !CMS_add1_signer(c, cert, key, EVP_sha256(), flags) ||
	    !CMS_final(c, in, NULL, flags)) {
		rc = err_set(e, ERR_INVALID, "sign: signing failed (%s)", sign_openssl_reason());
		goto done;
	}
	mem = BIO_new(BIO_s_mem());
	if (!mem || !(pem ? PEM_write_bio_CMS(mem, c) : i2d_CMS_bio(mem, c))) {
		rc = err_set(e, ERR_NOMEM, "sign: cannot encode (%s)", sign_openssl_reason());
		goto done;
	}
	char *p;
	long len = BIO_get_mem_data(mem, &p);
	rc = buf_append(out, p, (size_t)len);
	if (rc)
		err_set(e, rc, "sign: output buffer full");
done:
	BIO_free(mem);
	BIO_free(in);
	CMS_ContentInfo_free(c);
	sk_X509_pop_free(chain, X509_free);
	X509_free(cert);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return rc;
}
