/*
 * sign_int.h -- what trust.c, verify.c and create.c share inside
 * src/core/sign: the trust store's layout and small OpenSSL helpers.
 * Invariant: `store` is never modified after sign_trust_load returns.
 */
#ifndef MADOGUCHI_SIGN_SIGN_INT_H
#define MADOGUCHI_SIGN_SIGN_INT_H

#include <openssl/x509.h>

#include "core/sign/sign.h"

struct sign_trust {
	X509_STORE *store;       /* anchors + CRLs, shared read-only        */
	int ncerts, ncrls;
	int64_t crl_next_update;     /* earliest nextUpdate, Unix s; 0: none */
};

/* sign_openssl_reason -- the reason text of the last OpenSSL error (or
 * "unknown"), and the thread's error queue cleared. */
const char *sign_openssl_reason(void);

#endif
