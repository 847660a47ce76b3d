/*
 * cli_sign.c -- `madoguchi sign`: make and check detached CMS signatures
 * the way a resident's signing app and the server do (src/core/sign/).
 *
 *   madoguchi sign --key KEY.pem --cert CERT.pem [--chain CHAIN.pem]
 *                  [--out FILE.p7s] [--pem] FILE
 *   madoguchi sign verify --trust DIR [--time UNIX] FILE SIG
 *
 * `sign` writes a detached SignedData over FILE's bytes (SHA-256, signed
 * attributes, the certificate and the chain included), DER by default,
 * PEM with --pem, to --out or FILE.p7s.  The key must not be encrypted.
 * `verify` checks SIG over FILE against the CA certificates and CRLs of
 * DIR at --time (default: now) exactly as the server does, and prints
 * "result: <reason>" and, when the signer certificate is known, its
 * serial, subject, issuer and validity (UTC), one "key: value" a line;
 * a refusal also gets the resident's message in Japanese and English on
 * stderr.  Exit status: 0 valid / signed, 1 refused or failed, 2 usage.
 * Limits: FILE at most SIGN_DATA_MAX bytes, SIG at most SIGN_CMS_MAX.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/sign/sign.h"

static void usage(FILE *f)
{
	fputs("usage: madoguchi sign --key KEY.pem --cert CERT.pem [--chain CHAIN.pem]\n"
	      "                      [--out FILE.p7s] [--pem] FILE\n"
	      "       madoguchi sign verify --trust DIR [--time UNIX] FILE SIG\n"
	      "\n"
	      "sign    detached CMS signature over FILE (DER; --pem for PEM), written\n"
	      "        to --out or FILE.p7s.  ファイルに電子署名します（分離署名）。\n"
	      "verify  check SIG over FILE against the CA certificates and CRLs in DIR,\n"
	      "        as the server does.  署名を検証し、証明書の情報を表示します。\n"
	      "Exit status: 0 valid, 1 refused or failed, 2 usage.\n", f);
}

/* the whole file into b; ERR_LIMIT past b's max */
static int slurp(struct buf *b, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "cannot open %s: %s", path, strerror(errno));
	char chunk[8192];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = buf_append(b, chunk, n);
	if (rc == 0 && ferror(f))
		rc = ERR_IO;
	fclose(f);
	if (rc == ERR_LIMIT)
		return err_set(e, rc, "%s is larger than %zu bytes", path, b->max);
	if (rc)
		return err_set(e, rc, "cannot read %s", path);
	return 0;
}

static void put_time(const char *key, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32] = "?";
	if (gmtime_r(&tt, &tm))
		strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s: %s\n", key, s);
}

static int run_verify(int argc, char **argv)
{
	struct opt o[] = { { "trust", 1, NULL }, { "time", 1, NULL }, { "help", 0, NULL } };
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[2];
	int np = opts_parse(o, n, argc, argv, pos, 2);
	if (np >= 0 && opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (np != 2 || !opts_get(o, n, "trust")) {
		usage(stderr);
		return CLI_USAGE;
	}
	int64_t now = (int64_t)time(NULL);
	const char *s = opts_get(o, n, "time");
	if (s && parse_i64(&now, s, 0, 253402300799LL))
		return cli_error(NULL, "--time は Unix 時刻（秒）です", "--time must be Unix seconds");
	struct err e;
	err_clear(&e);
	struct sign_trust *t;
	if (sign_trust_load(&t, opts_get(o, n, "trust"), &e))
		return cli_error(&e, "信頼する認証局（--trust）を読み込めません",
				 "cannot load the trust directory (--trust)");
	struct buf data, sig;
	buf_init(&data, SIGN_DATA_MAX + 1);
	buf_init(&sig, SIGN_CMS_MAX + 1);
	int rc = slurp(&data, pos[0], &e);
	if (rc == 0)
		rc = slurp(&sig, pos[1], &e);
	if (rc == ERR_LIMIT)     /* one byte past the limit: sign_verify refuses it */
		rc = 0;
	if (rc) {
		buf_done(&data);
		buf_done(&sig);
		sign_trust_free(t);
		return cli_error(&e, "ファイルを読み込めません", "cannot read a file");
	}
	struct sign_result r;
	rc = sign_verify(&r, t,
			 &(struct sign_verify_in){ .data = data.data, .n = data.len,
						   .cms = sig.data, .cms_len = sig.len },
			 now, &e);
	buf_done(&data);
	buf_done(&sig);
	sign_trust_free(t);
	printf("result: %s\n", sign_reason_name(r.reason));
	if (r.serial[0]) {
		printf("serial: %s\nsubject: %s\nissuer: %s\n", r.serial, r.subject, r.issuer);
		put_time("not_before", r.not_before);
		put_time("not_after", r.not_after);
	}
	fflush(stdout);
	if (rc)
		return cli_error(&e, sign_reason_message(r.reason, "ja"),
				 sign_reason_message(r.reason, "en"));
	return CLI_OK;
}

int cli_sign(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return run_verify(argc - 1, argv + 1);
	struct opt o[] = {
		{ "key", 1, NULL }, { "cert", 1, NULL }, { "chain", 1, NULL },
		{ "out", 1, NULL }, { "pem", 0, NULL }, { "help", 0, NULL },
	};
	int n = (int)(sizeof o / sizeof o[0]);
	const char *pos[1];
	int np = opts_parse(o, n, argc, argv, pos, 1);
	if (np >= 0 && opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (np != 1 || !opts_get(o, n, "key") || !opts_get(o, n, "cert")) {
		usage(stderr);
		return CLI_USAGE;
	}
	struct err e;
	err_clear(&e);
	struct buf data, out;
	buf_init(&data, SIGN_DATA_MAX);
	buf_init(&out, SIGN_CMS_MAX * 4);
	int rc = slurp(&data, pos[0], &e);
	if (rc) {
		buf_done(&data);
		return cli_error(&e, "署名するファイルを読み込めません", "cannot read the file to sign");
	}
	rc = sign_create(&out,
			 &(struct sign_signer){ .key_path = opts_get(o, n, "key"),
						.cert_path = opts_get(o, n, "cert"),
						.chain_path = opts_get(o, n, "chain") },
			 data.data, data.len, opts_get(o, n, "pem") != NULL, &e);
	buf_done(&data);
	if (rc) {
		buf_done(&out);
		return cli_error(&e, "署名できませんでした（鍵または証明書）",
				 "could not sign (key or certificate)");
	}
	char path[4096];
	const char *op = opts_get(o, n, "out");
	if (!op) {
		if ((size_t)snprintf(path, sizeof path, "%s.p7s", pos[0]) >= sizeof path) {
			buf_done(&out);
			return cli_error(NULL, "パスが長すぎます", "path too long");
		}
		op = path;
	}
	FILE *f = fopen(op, "wb");
	if (!f || fwrite(out.data, 1, out.len, f) != out.len) {
		if (f)
			fclose(f);
		buf_done(&out);
		return cli_error(NULL, "署名ファイルを書き込めません", "cannot write the signature file");
	}
	buf_done(&out);
	if (fclose(f) != 0)
		return cli_error(NULL, "署名ファイルを書き込めません", "cannot write the signature file");
	printf("%s\n", op);
	return CLI_OK;
}
