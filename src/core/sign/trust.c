/*
 * trust.c -- the trust store: CA certificates (trust anchors and the
 * intermediates that may be needed) and their CRLs, read from a directory
 * once at start-up into an X509_STORE.
 *
 * Invariants: only CA certificates are accepted (a resident certificate
 * dropped into the directory by mistake never becomes trusted); a private
 * key in a trust file is refused; every CRL is signed by a certificate of
 * the same store, so a CRL nobody can check is an error at start-up and
 * not a silent SIGN_NO_CRL later.  Files are read in name order, so the
 * result does not depend on the directory's order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/sign/sign_int.h"

const char *sign_openssl_reason(void)
{
	unsigned long code = ERR_peek_last_error();
	const char *r = code ? ERR_reason_error_string(code) : NULL;
	ERR_clear_error();
	return r ? r : "unknown";
}

struct loading {
	struct sign_trust *t;
	STACK_OF(X509) *cas;
	STACK_OF(X509_CRL) *crls;
};

static int add_cert(struct loading *l, X509 *x, const char *name, struct err *e)
{
	if (X509_check_ca(x) < 1)
		return err_set(e, ERR_INVALID, "trust: %s: a certificate that is not a CA "
			       "(only CA certificates belong in the trust directory)", name);
	if (!X509_STORE_add_cert(l->t->store, x) || !X509_up_ref(x))
		return err_set(e, ERR_NOMEM, "trust: %s: %s", name, sign_openssl_reason());
	if (!sk_X509_push(l->cas, x)) {
		X509_free(x);
		return err_set(e, ERR_NOMEM, "trust: out of memory");
	}
	l->t->ncerts++;
	return 0;
}

static int add_crl(struct loading *l, X509_CRL *c, struct err *e)
{
	if (!X509_CRL_up_ref(c))
		return err_set(e, ERR_NOMEM, "trust: out of memory");
	if (!sk_X509_CRL_push(l->crls, c)) {
		X509_CRL_free(c);
		return err_set(e, ERR_NOMEM, "trust: out of memory");
	}
	return 0;
}

/* one file's bytes: PEM (any number of certificates and CRLs) or one DER
 * certificate or CRL */
static int load_buf(struct loading *l, const unsigned char *p, size_t n,
		    const char *name, struct err *e)
{
	int rc = 0, found = 0;
	if (n >= 10 && memmem(p, n, "-----BEGIN", 10)) {
		BIO *b = BIO_new_mem_buf(p, (int)n);
		if (!b)
			return err_set(e, ERR_NOMEM, "trust: out of memory");
		STACK_OF(X509_INFO) *inf = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
		BIO_free(b);
		if (!inf)
			return err_set(e, ERR_INVALID, "trust: %s: not readable PEM (%s)",
				       name, sign_openssl_reason());
		for (int i = 0; rc == 0 && i < sk_X509_INFO_num(inf); i++) {
			X509_INFO *it = sk_X509_INFO_value(inf, i);
			if (it->x_pkey) {
				rc = err_set(e, ERR_INVALID, "trust: %s: holds a private key; "
					     "only certificates and CRLs belong here", name);
				break;
			}
			if (it->x509) {
				found++;
				rc = add_cert(l, it->x509, name, e);
			}
			if (rc == 0 && it->crl) {
				found++;
				rc = add_crl(l, it->crl, e);
			}
		}
		sk_X509_INFO_pop_free(inf, X509_INFO_free);
	} else {
		const unsigned char *q = p;
		X509 *x = d2i_X509(NULL, &q, (long)n);
		if (x && q == p + n) {
			found++;
			rc = add_cert(l, x, name, e);
		} else {
			q = p;
			X509_CRL *c = d2i_X509_CRL(NULL, &q, (long)n);
			if (c && q == p + n) {
				found++;
				rc = add_crl(l, c, e);
			}
			X509_CRL_free(c);
		}
		X509_free(x);
		ERR_clear_error();
	}
	if (rc == 0 && !found)
		rc = err_set(e, ERR_INVALID, "trust: %s: neither a certificate nor a CRL", name);
	return rc;
}

/* every CRL must be signed by a loaded CA; then it goes into the store */
static int finish(struct loading *l, struct err *e)
{
	if (l->t->ncerts == 0)
		return err_set(e, ERR_INVALID, "trust: no CA certificate");
	for (int i = 0; i < sk_X509_CRL_num(l->crls); i++) {
		X509_CRL *c = sk_X509_CRL_value(l->crls, i);
		int ok = 0;
		for (int k = 0; !ok && k < sk_X509_num(l->cas); k++) {
			X509 *ca = sk_X509_value(l->cas, k);
			ok = X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_subject_name(ca)) == 0 &&
			     X509_CRL_verify(c, X509_get0_pubkey(ca)) == 1;
		}
		ERR_clear_error();
		if (!ok)
			return err_set(e, ERR_INVALID, "trust: CRL #%d is signed by no CA "
				       "certificate of the trust directory", i + 1);
		if (!X509_STORE_add_crl(l->t->store, c))
			return err_set(e, ERR_NOMEM, "trust: %s", sign_openssl_reason());
		l->t->ncrls++;
		const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(c);
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		if (nu && ASN1_TIME_to_tm(nu, &tm)) {
			int64_t at = (int64_t)timegm(&tm);
			if (!l->t->crl_next_update || at < l->t->crl_next_update)
				l->t->crl_next_update = at;
		}
	}
	return 0;
}

static int loading_begin(struct loading *l, struct err *e)
{
	memset(l, 0, sizeof *l);
	l->t = calloc(1, sizeof *l->t);
	l->cas = sk_X509_new_null();
	l->crls = sk_X509_CRL_new_null();
	if (l->t)
		l->t->store = X509_STORE_new();
	if (!l->t || !l->t->store || !l->cas || !l->crls)
		return err_set(e, ERR_NOMEM, "trust: out of memory");
	return 0;
}

static int loading_end(struct sign_trust **out, struct loading *l, int rc)
{
	sk_X509_pop_free(l->cas, X509_free);
	sk_X509_CRL_pop_free(l->crls, X509_CRL_free);
	ERR_clear_error();
	if (rc) {
		sign_trust_free(l->t);
		return rc;
	}
	*out = l->t;
	return 0;
}

static int wanted(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot || name[0] == '.')
		return 0;
	return !strcasecmp(dot, ".pem") || !strcasecmp(dot, ".crt") ||
	       !strcasecmp(dot, ".cer") || !strcasecmp(dot, ".crl");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(unsigned char **out, size_t *n, const char *path,
		     const char *name, struct err *e)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "trust: cannot open %s: %s", name, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_set(e, ERR_IO, "trust: %s is not a regular file", name);
	}
	if ((unsigned long long)st.st_size > SIGN_TRUST_FILE_MAX) {
		fclose(f);
		return err_set(e, ERR_LIMIT, "trust: %s is larger than %u MiB", name,
			       SIGN_TRUST_FILE_MAX >> 20);
	}
	size_t sz = (size_t)st.st_size;
	unsigned char *p = malloc(sz ? sz : 1);
	if (!p) {
		fclose(f);
		return err_set(e, ERR_NOMEM, "trust: out of memory");
	}
	size_t got = fread(p, 1, sz, f);
	fclose(f);
	if (got != sz) {
		free(p);
		return err_set(e, ERR_IO, "trust: short read on %s", name);
	}
	*out = p;
	*n = sz;
	return 0;
}

int sign_trust_load(struct sign_trust **out, const char *dir, struct err *e)
{
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
			       "trust: cannot open the trust directory: %s", strerror(errno));
	char *names[SIGN_TRUST_MAX_FILES];
	int nn = 0, rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!wanted(de->d_name))
			continue;
		if (nn == SIGN_TRUST_MAX_FILES) {
			rc = err_set(e, ERR_LIMIT, "trust: more than %d files in the trust directory",
				     SIGN_TRUST_MAX_FILES);
			break;
		}
		if (!(names[nn] = strdup(de->d_name))) {
			rc = err_set(e, ERR_NOMEM, "trust: out of memory");
			break;
		}
		nn++;
	}
	closedir(d);
	qsort(names, (size_t)nn, sizeof names[0], cmp_names);
	struct loading l;
	if (rc == 0)
		rc = loading_begin(&l, e);
	else
		memset(&l, 0, sizeof l);
	for (int i = 0; rc == 0 && i < nn; i++) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
			rc = err_set(e, ERR_LIMIT, "trust: path too long");
			break;
		}
		unsigned char *p = NULL;
		size_t n = 0;
		rc = read_file(&p, &n, path, names[i], e);
		if (rc == 0)
			rc = load_buf(&l, p, n, names[i], e);
		free(p);
	}
	for (int i = 0; i < nn; i++)
		free(names[i]);
	if (rc == 0)
		rc = finish(&l, e);
	return loading_end(out, &l, rc);
}

int sign_trust_load_pem(struct sign_trust **out, const void *pem, size_t n,
			struct err *e)
{
	*out = NULL;
	struct loading l;
	int rc = loading_begin(&l, e);
	if (rc == 0 && n > SIGN_TRUST_FILE_MAX)
		rc = err_set(e, ERR_LIMIT, "trust: PEM larger than %u MiB", SIGN_TRUST_FILE_MAX >> 20);
	if (rc == 0)
		rc = load_buf(&l, pem, n, "(buffer)", e);
	if (rc == 0)
		rc = finish(&l, e);
	return loading_end(out, &l, rc);
}

void sign_trust_free(struct sign_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}

void sign_trust_counts(const struct sign_trust *t, int *certs, int *crls)
{
	if (certs)
		*certs = t ? t->ncerts : 0;
	if (crls)
		*crls = t ? t->ncrls : 0;
}

int64_t sign_trust_crl_expiry(const struct sign_trust *t)
{
	return t ? t->crl_next_update : 0;
}
