/*
 * cli_serve.c -- `madoguchi serve`: run the server until SIGTERM.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/app.h"
#include "web/svc.h"
#include "base/log.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/mail/mail.h" /* --- mail (src/core/mail) --- */

#define SERVE_OPTS_MAX 96   /* the shell's options and every service's */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: madoguchi serve --db URL [options]\n"
		"  --db URL              sqlite:PATH or postgresql://... (or MADOGUCHI_DB)\n"
		"  --listen ADDR:PORT    default 127.0.0.1:8080\n"
		"  --threads N           worker threads (default: one per core)\n"
		"  --static DIR          assets served under /assets/ (default build/assets)\n"
		"  --key-dir DIR         auth.key and audit.key (default var/keys)\n"
		"  --default-tenant CODE municipality for hosts that name none\n"
		"  --tenant-path-prefix  /t/<prefix>/... selects the municipality (init --path-prefix)\n"
		"  --tls-cert PEM --tls-key PEM   serve HTTPS (HTTP/2 via ALPN)\n"
		"  --idle-timeout SECS   staff session idle timeout (default 900)\n"
		"  --max-body BYTES      request body limit (default 24 MiB: attachments)\n"
		"  --no-access-log       for benchmarks\n"
		"  --log FILE            operator log (default stderr)\n"
		/* --- open data / search --- */
		"  --search-index PATH   full-text index file (default: <sqlite file>.search,\n"
		"                        $MADOGUCHI_SEARCH_INDEX; PostgreSQL: in memory per worker)\n"
		);
	/* --- sign (app_sign.c) --- */
	fprintf(f,
		"  --trust-dir DIR       CA certificates and CRLs for signed submissions\n"
		"                        (or MADOGUCHI_TRUST_DIR; none: signatures refused)\n"
		"  --trust-reload SECONDS  how often the directory is checked for changed\n"
		"                        files (a renewed CRL) and loaded again (default 300,\n"
		"                        0: only at start-up)\n");
	/* --- mail (src/core/mail) --- */
	fprintf(f,
		"  --smtp-url URL        relay for e-mail: smtp://host[:port] or smtps://...;\n"
		"                        without it e-mail stays queued (madoguchi mail list)\n"
		"  --mail-from ADDR      sender address (required with --smtp-url)\n"
		"  --mail-from-name NAME sender display name (UTF-8)\n"
		"  --smtp-starttls P     smtp://: require (default), try or none\n"
		"  --smtp-auth-file F    key file (mode 600) with one line user:password\n"
		"  --smtp-ca-file PEM    CA bundle for the relay (default: the system's)\n"
		"  --smtp-timeout SECS   one SMTP transaction (default 30)\n"
		"  --mail-retry-base SECS  first retry delay, doubled each time (default 60)\n"
		"  --mail-max-attempts N attempts before a message fails (default 8)\n"
		"  --public-url URL      base of links in e-mail (default https://<municipality host>,\n"
		"                        else http://<listen address:port>); when https, requests for\n"
		"                        its host count as HTTPS (cookies Secure and __Host-, HSTS):\n"
		"                        for a TLS-terminating proxy\n"
		"  --no-dev-mailbox      without --smtp-url, keep e-mail queued for a later relay\n"
		"                        (default: deliver it to the development mailbox, /staff/outbox)\n");
	/* --- deployment behind a proxy, metrics --- */
	fprintf(f,
		"  --trusted-proxy ADDRS comma-separated addresses of reverse proxies whose\n"
		"                        X-Forwarded-For and X-Forwarded-Proto are believed\n"
		"  --metrics-token-file F  file (mode 600) with a token: /metrics answers only a\n"
		"                        request with 'Authorization: Bearer <token>' (or\n"
		"                        MADOGUCHI_METRICS_TOKEN); without one, /metrics\n"
		"                        answers only direct requests from loopback\n");
	/* the services' own (src/web/svc.h) */
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->noptions; j++)
			fprintf(f, "  --%s %s\n", svc_all[i]->options[j].name, svc_all[i]->options[j].help);
}

static void ready(const char *addr, void *arg)
{
	(void)arg;
	printf("madoguchi: %s で待ち受けています / listening on %s\n", addr, addr);
	fflush(stdout);
}

int cli_serve(int argc, char **argv)
{
	struct opt o[SERVE_OPTS_MAX] = {
		{ "db", 1, NULL }, { "listen", 1, NULL }, { "threads", 1, NULL },
		{ "static", 1, NULL }, { "key-dir", 1, NULL }, { "default-tenant", 1, NULL },
		{ "tls-cert", 1, NULL }, { "tls-key", 1, NULL }, { "idle-timeout", 1, NULL },
		{ "max-body", 1, NULL }, { "no-access-log", 0, NULL }, { "log", 1, NULL },
		{ "help", 0, NULL }, { "hash-cost-for-tests", 1, NULL },
		{ "tenant-path-prefix", 0, NULL },
		/* --- open data / search --- */
		{ "search-index", 1, NULL },
		{ "trust-dir", 1, NULL }, { "trust-reload", 1, NULL }, /* --- sign (app_sign.c) --- */
		/* --- mail (src/core/mail) --- */
		{ "smtp-url", 1, NULL }, { "mail-from", 1, NULL }, { "mail-from-name", 1, NULL },
		{ "smtp-starttls", 1, NULL }, { "smtp-auth-file", 1, NULL }, { "smtp-ca-file", 1, NULL },
		{ "smtp-timeout", 1, NULL }, { "mail-retry-base", 1, NULL },
		{ "mail-max-attempts", 1, NULL }, { "public-url", 1, NULL },
		{ "no-dev-mailbox", 0, NULL },
		{ "trusted-proxy", 1, NULL }, { "metrics-token-file", 1, NULL },
	};
	int n = 0;
	while (n < SERVE_OPTS_MAX && o[n].name)
		n++;
	int nshell = n;
	/* then every service's options; a name declared twice (by the shell
	 * or another service) would be read by one of them only: refuse */
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->noptions; j++) {
			if (n == SERVE_OPTS_MAX)
				return cli_error(NULL, "オプションが多すぎます", "too many options");
			for (int k = 0; k < n; k++)
				if (strcmp(o[k].name, svc_all[i]->options[j].name) == 0) {
					fprintf(stderr, "madoguchi: サービス %s のオプション --%s は他と重複しています /"
						" service %s: the option --%s is declared twice\n",
						svc_all[i]->name, o[k].name, svc_all[i]->name, o[k].name);
					return CLI_FAILED;
				}
			o[n++] = (struct opt){ svc_all[i]->options[j].name, 1, NULL };
		}
	if (opts_parse(o, n, argc, argv, NULL, 0) < 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (opts_get(o, n, "help")) {
		usage(stdout);
		return CLI_OK;
	}
	struct app_config cfg = {
		.db_url = opts_db(o, n),
		.listen = opts_get(o, n, "listen"),
		.static_dir = opts_get(o, n, "static") ? opts_get(o, n, "static") : "build/assets",
		.key_dir = opts_get(o, n, "key-dir"),
		.default_tenant = opts_get(o, n, "default-tenant"),
		/* a procedure's attachments (10 MiB each by default) arrive in
		 * one multipart body */
		.max_body = 24u << 20,
		.tls_cert = opts_get(o, n, "tls-cert"),
		.tls_key = opts_get(o, n, "tls-key"),
		.access_log_off = opts_get(o, n, "no-access-log") != NULL,
		.tenant_path_prefix = opts_get(o, n, "tenant-path-prefix") != NULL,
		/* --- sign (app_sign.c) --- */
		.trust_dir = opts_get(o, n, "trust-dir") ? opts_get(o, n, "trust-dir")
							 : getenv("MADOGUCHI_TRUST_DIR"),
	};
	if (!cfg.db_url) {
		fprintf(stderr, "madoguchi: --db が必要です / --db is required\n");
		usage(stderr);
		return CLI_USAGE;
	}
	int64_t v;
	const char *s;
	if ((s = opts_get(o, n, "threads"))) {
		if (parse_i64(&v, s, 1, 256))
			return cli_error(NULL, "--threads は 1〜256 です", "--threads must be 1 to 256");
		cfg.threads = (int)v;
	}
	cfg.trust_reload_s = 300;
	if ((s = opts_get(o, n, "trust-reload"))) {
		if (parse_i64(&v, s, 0, 86400))
			return cli_error(NULL, "--trust-reload は 0〜86400 秒です",
					 "--trust-reload must be 0 to 86400 seconds");
		cfg.trust_reload_s = (int)v;
	}
	if ((s = opts_get(o, n, "idle-timeout"))) {
		if (parse_i64(&v, s, 10, 86400))
			return cli_error(NULL, "--idle-timeout は 10〜86400 秒です",
					 "--idle-timeout must be 10 to 86400 seconds");
		cfg.staff_idle_secs = v;
	}
	if ((s = opts_get(o, n, "max-body"))) {
		if (parse_i64(&v, s, 1024, 1LL << 30))
			return cli_error(NULL, "--max-body が範囲外です", "--max-body out of range");
		cfg.max_body = (size_t)v;
	}
	/* --- open data / search --- */
	cfg.search_index = opts_get(o, n, "search-index");
	/* the services' options: checked here, read by each service's init */
	static struct app_option svc_opts[SERVE_OPTS_MAX];
	int nsvc_opts = 0;
	for (int i = 0; i < svc_count; i++)
		for (int j = 0; j < svc_all[i]->noptions; j++) {
			const struct svc_option *so = &svc_all[i]->options[j];
			const char *val = opts_get(o + nshell, n - nshell, so->name);
			if (!val)
				continue;
			if (so->check && so->check(val) != 0)
				return cli_error(NULL, so->bad_ja, so->bad_en);
			svc_opts[nsvc_opts++] = (struct app_option){ so->name, val };
		}
	cfg.options = svc_opts;
	cfg.noptions = nsvc_opts;
	if ((s = opts_get(o, n, "hash-cost-for-tests")) && strcmp(s, "test") == 0)
		cfg.hash_cost = AUTH_HASH_TEST_ONLY;
	/* --- mail (src/core/mail) --- */
	static struct mail_config mail;
	int mrc = cli_mail_options(&mail, o, n);
	if (mrc)
		return mrc;
	mail.keep_queued = opts_get(o, n, "no-dev-mailbox") != NULL;
	cfg.mail = &mail;
	if ((cfg.public_url = opts_get(o, n, "public-url")) &&
	    strncmp(cfg.public_url, "https://", 8) != 0 && strncmp(cfg.public_url, "http://", 7) != 0)
		return cli_error(NULL, "--public-url は https:// で始まる URL です",
				 "--public-url must be an https:// URL");
	if ((s = opts_get(o, n, "trusted-proxy"))) {
		if (strlen(s) > 1000 || strspn(s, "0123456789abcdefABCDEF.:, ") != strlen(s))
			return cli_error(NULL, "--trusted-proxy はカンマ区切りの IP アドレスです",
					 "--trusted-proxy is a comma-separated list of IP addresses");
		cfg.trusted_proxies = s;
	}
	static char metrics_token[APP_METRICS_TOKEN_MAX + 1];
	if ((s = opts_get(o, n, "metrics-token-file"))) {
		FILE *tf = fopen(s, "r");
		size_t tl = tf ? fread(metrics_token, 1, sizeof metrics_token - 1, tf) : 0;
		if (tf)
			fclose(tf);
		metrics_token[tl] = 0;
		metrics_token[strcspn(metrics_token, "\r\n")] = 0;
		if (!tf || strlen(metrics_token) < 16)
			return cli_error(NULL, "--metrics-token-file を読めないか、トークンが 16 文字未満です",
					 "--metrics-token-file cannot be read or its token is under 16 characters");
		cfg.metrics_token = metrics_token;
	} else if ((s = getenv("MADOGUCHI_METRICS_TOKEN")) && *s) {
		if (strlen(s) < 16 || strlen(s) > APP_METRICS_TOKEN_MAX)
			return cli_error(NULL, "MADOGUCHI_METRICS_TOKEN は 16〜256 文字です",
					 "MADOGUCHI_METRICS_TOKEN must be 16 to 256 characters");
		cfg.metrics_token = s;
	}
	if ((s = opts_get(o, n, "log")) && log_open(s))
		return cli_error(NULL, "ログファイルを開けません", "cannot open the log file");
	/* SIGTERM and SIGINT are blocked before any thread exists (the job
	 * runner, a library's own), so that every thread inherits the mask
	 * and only the server's main thread takes them (sigtimedwait in
	 * http_server_run).  A job thread that had them unblocked received
	 * a SIGTERM now and then, and the process died of it instead of
	 * finishing the requests in flight. */
	sigset_t stop_sigs;
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);
	struct app a;
	struct err e;
	err_clear(&e);
	if (app_init(&a, &cfg, &e)) {
		app_done(&a); /* what app_init made before it failed */
		return cli_error(&e, "起動できませんでした（データベース、鍵、またはサービスの設定。詳細を確認してください）",
				 "could not start (the database, the keys or a service's set-up: see the detail)");
	}
	int rc = app_serve(&a, ready, NULL, &e);
	app_done(&a);
	if (rc)
		return cli_error(&e, "サーバーを起動できませんでした", "the server could not start");
	return CLI_OK;
}
