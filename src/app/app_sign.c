/*
 * app_sign.c -- the server's trust store for signed submissions: loaded
 * once by app_init from `serve --trust-dir DIR` (src/sign), shared
 * read-only by every worker thread, freed by app_done.
 *
 * Invariant: a configured directory that does not load stops the server
 * (fail closed: a typo must not silently turn signatures off); no
 * directory leaves app_trust() NULL, and sign_verify then refuses every
 * signature with SIGN_NOT_CONFIGURED.  CRLs are read at start-up only: a
 * refreshed CRL needs a restart (docs/signatures.md).
 */
#include <stdio.h>
#include <time.h>

#include "app/app.h"
#include "base/log.h"
#include "sign/sign.h"

int app_trust_init(struct app *a, struct err *e)
{
	a->trust = NULL;
	if (!a->cfg.trust_dir || !a->cfg.trust_dir[0]) {
		log_info("signatures not configured (no --trust-dir): signed submissions are refused");
		return 0;
	}
	int rc = sign_trust_load(&a->trust, a->cfg.trust_dir, e);
	if (rc)
		return rc;
	int certs, crls;
	sign_trust_counts(a->trust, &certs, &crls);
	char c1[12], c2[12], next[32] = "none";
	snprintf(c1, sizeof c1, "%d", certs);
	snprintf(c2, sizeof c2, "%d", crls);
	int64_t nu = sign_trust_crl_expiry(a->trust);
	time_t tt = (time_t)nu;
	struct tm tm;
	if (nu && gmtime_r(&tt, &tm))
		strftime(next, sizeof next, "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_info("signature trust store loaded", "ca_certs", c1, "crls", c2,
		 "crl_next_update", next);
	if (crls == 0)
		log_warn("the trust directory has no CRL: every signature is refused (no_crl)");
	else if (nu <= app_now())
		log_warn("a CRL of the trust directory is past its nextUpdate: signatures "
			 "that need it are refused (no_crl) until it is renewed",
			 "crl_next_update", next);
	return 0;
}

void app_trust_done(struct app *a)
{
	sign_trust_free(a->trust);
	a->trust = NULL;
}

const struct sign_trust *app_trust(struct http_req *r)
{
	struct app *a = app_of(r);
	return a ? a->trust : NULL;
}
