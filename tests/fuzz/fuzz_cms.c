/*
 * fuzz_cms.c -- libFuzzer target for src/core/sign: arbitrary bytes as the
 * detached CMS signature of a fixed canonical text (first byte odd), or
 * as a PEM trust bundle (first byte even, modulo 4 == 0).  The trust
 * store is a fresh test PKI made once by tests/sign/make-test-pki.sh
 * (run from the source root, as tests/run.sh does).
 * Invariants: sign_verify returns 0 exactly when the reason is SIGN_OK,
 * never anything but ERR_AUTH for a refusal; the reason is in range and
 * has a message in every language; sign_cms_der gives DER or refuses;
 * the recorded strings are
 * NUL-terminated within their arrays and valid UTF-8; nothing leaks or crashes.  Random
 * bytes never verify (a valid signature needs the test CA's key).
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sign/sign.h"

static struct sign_trust *trust;
static const char DATA[] = "{\"answers\":{},\"procedure\":\"p\",\"tenant\":\"139998\",\"version\":1}";

/* an independent check: strict UTF-8 (no overlongs, no surrogates) */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (p[0] < 0x80) { p++; continue; }
		int len = (p[0] >= 0xc2 && p[0] <= 0xdf) ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 :
			  (p[0] >= 0xf0 && p[0] <= 0xf4) ? 4 : 0;
		if (!len)
			return 0;
		for (int k = 1; k < len; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		if (len == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
			return 0;
		if (len == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
			return 0;
		p += len;
	}
	return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	char dir[] = "/tmp/madoguchi-fuzz-cms-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	char cmd[256], trust_dir[128];
	snprintf(cmd, sizeof cmd, "tests/sign/make-test-pki.sh %s > /dev/null", dir);
	snprintf(trust_dir, sizeof trust_dir, "%s/trust", dir);
	struct err e;
	if (system(cmd) != 0 || sign_trust_load(&trust, trust_dir, &e) != 0) {
		fprintf(stderr, "fuzz_cms: cannot make the test PKI (run from the source root)\n");
		abort();
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_cms: could not remove %s\n", dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	if (n < 1 || n > SIGN_CMS_MAX + 16)
		return 0;
	if (p[0] % 4 == 0) {
		struct sign_trust *t = NULL;
		int rc = sign_trust_load_pem(&t, p + 1, n - 1, NULL);
		assert((rc == 0) == (t != NULL));
		sign_trust_free(t);
		return 0;
	}
	struct sign_result r;
	struct err e;
	int rc = sign_verify(&r, trust,
			     &(struct sign_verify_in){ .data = DATA, .n = sizeof DATA - 1,
						       .cms = p + 1, .cms_len = n - 1 },
			     1893456000, &e);
	assert((rc == 0) == (r.reason == SIGN_OK));
	assert(rc == 0 || rc == ERR_AUTH);
	assert(r.reason >= SIGN_OK && r.reason <= SIGN_ERROR);
	assert(r.reason != SIGN_OK);
	assert(memchr(r.serial, 0, sizeof r.serial));
	assert(memchr(r.subject, 0, sizeof r.subject));
	assert(memchr(r.issuer, 0, sizeof r.issuer));
	assert(utf8_valid(r.subject) && utf8_valid(r.issuer));
	assert(sign_reason_message(r.reason, "en")[0]);
	assert(sign_reason_message(r.reason, "ja-easy")[0]);
	/* what gets stored: DER, or a refusal */
	struct buf der;
	buf_init(&der, SIGN_CMS_MAX * 2);
	if (sign_cms_der(&der, p + 1, n - 1, NULL) == 0)
		assert(der.len > 0 && (unsigned char)der.data[0] == 0x30);
	buf_done(&der);
	return 0;
}
