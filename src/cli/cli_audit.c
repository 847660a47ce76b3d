/*
 * cli_audit.c -- `madoguchi audit`: verify the chain, query it, make a key,
 * checkpoint on demand (src/core/audit/).
 *
 *   madoguchi audit verify --db URL [--key-file F | --public-key HEX]
 *                          [--anchor SEQ:HASH]
 *   madoguchi audit query  --db URL [--actor LOGIN] [--actor-id N]
 *                          [--from WHEN] [--to WHEN] [--tenant CODE]
 *                          [--action A] [--object TYPE[:ID]] [--after SEQ]
 *                          [--limit N] [--json]
 *   madoguchi audit keygen --out FILE
 *   madoguchi audit checkpoint --db URL [--key-file F]
 *
 * --db falls back to $MADOGUCHI_DB; the public key to
 * $MADOGUCHI_AUDIT_PUBLIC_KEY, then the key file to
 * $MADOGUCHI_AUDIT_KEY_FILE; the signing seed (checkpoint) to
 * $MADOGUCHI_AUDIT_KEY.  WHEN is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], in
 * Japan time unless it ends in Z; a date given to --to includes that whole
 * day, a time is exclusive.  Times print in Japan time (+09:00).
 *
 * Exit status: 0 done (verify: chain intact), 1 failed (verify: the first
 * bad record is named), 2 usage.  Results on stdout, messages on stderr.
 * Values read back from the database are printed escaped (a tampered row
 * cannot put control characters on the terminal).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit/audit.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "jp/date.h"

#define JST_MS JP_JST_OFFSET_MS
#define WHEN_MAX 40

static void usage(FILE *f)
{
	fputs("usage: madoguchi audit verify --db URL [--key-file F | --public-key HEX]\n"
	      "                              [--anchor SEQ:HASH]\n"
	      "       madoguchi audit query --db URL [--actor LOGIN] [--actor-id N]\n"
	      "                              [--from WHEN] [--to WHEN] [--tenant CODE]\n"
	      "                              [--action A] [--object TYPE[:ID]]\n"
	      "                              [--after SEQ] [--limit N] [--json]\n"
	      "       madoguchi audit keygen --out FILE\n"
	      "       madoguchi audit checkpoint --db URL [--key-file F]\n"
	      "\n"
	      "verify     walk the hash chain and check every signed checkpoint;\n"
	      "           exit 0 and print the count if intact, else exit 1 and\n"
	      "           name the first bad record\n"
	      "query      print matching records, one a line (--json: JSON lines)\n"
	      "keygen     write a new signing key (mode 0600), print its public key\n"
	      "checkpoint append a signed checkpoint now; print SEQ:HASH, an anchor\n"
	      "           to keep outside the database (verify --anchor)\n"
	      "\n"
	      "WHEN: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], Japan time unless it ends\n"
	      "in Z.  --to DATE includes that day.  --db defaults to $MADOGUCHI_DB;\n"
	      "keys: $MADOGUCHI_AUDIT_PUBLIC_KEY, $MADOGUCHI_AUDIT_KEY_FILE,\n"
	      "$MADOGUCHI_AUDIT_KEY (seed hex, checkpoint only).\n", f);
}

/* options (cli/opts.h): "--name VALUE" or "--name=VALUE" */
struct opts {
	const char *db, *key_file, *public_key, *anchor, *actor, *actor_id,
		*from, *to, *tenant, *action, *object, *after, *limit, *out;
	int json;
};

static int parse_opts(struct opts *o, int argc, char **argv)
{
	struct opt t[] = {
		{ "db", 1, NULL }, { "key-file", 1, NULL }, { "public-key", 1, NULL },
		{ "anchor", 1, NULL }, { "actor", 1, NULL }, { "actor-id", 1, NULL },
		{ "from", 1, NULL }, { "to", 1, NULL }, { "tenant", 1, NULL },
		{ "action", 1, NULL }, { "object", 1, NULL }, { "after", 1, NULL },
		{ "limit", 1, NULL }, { "out", 1, NULL }, { "json", 0, NULL },
	};
	int n = (int)(sizeof t / sizeof t[0]);
	const char *pos[1];
	int np = opts_parse(t, n, argc, argv, pos, 1);
	if (np < 0)
		return CLI_USAGE;
	if (np > 0) {
		fprintf(stderr, "madoguchi: 余分な引数です / unexpected argument: %s\n", pos[0]);
		return CLI_USAGE;
	}
	memset(o, 0, sizeof *o);
	o->db = opts_db(t, n);
	o->key_file = opts_get(t, n, "key-file");
	o->public_key = opts_get(t, n, "public-key");
	o->anchor = opts_get(t, n, "anchor");
	o->actor = opts_get(t, n, "actor");
	o->actor_id = opts_get(t, n, "actor-id");
	o->from = opts_get(t, n, "from");
	o->to = opts_get(t, n, "to");
	o->tenant = opts_get(t, n, "tenant");
	o->action = opts_get(t, n, "action");
	o->object = opts_get(t, n, "object");
	o->after = opts_get(t, n, "after");
	o->limit = opts_get(t, n, "limit");
	o->out = opts_get(t, n, "out");
	o->json = opts_get(t, n, "json") != NULL;
	return 0;
}

static int open_db(struct store **s, const char *db)
{
	struct err e = { 0 };
	if (!db || !*db) {
		fputs("madoguchi: --db か MADOGUCHI_DB が必要です /"
		      " --db or MADOGUCHI_DB is required\n", stderr);
		return CLI_USAGE;
	}
	if (store_open(s, db, &e))
		return cli_error(&e, "データベースに接続できません",
				 "cannot open the database");
	return 0;
}

/* ---- times ----------------------------------------------------------- */

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* WHEN -> ms since epoch; is_to: a bare date means the end of that day */
static int parse_when(int64_t *out, const char *s, int is_to)
{
	size_t n = strlen(s);
	if (n < 10 || n > WHEN_MAX)
		return ERR_INVALID;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	struct jp_date d;
	if (jp_date_parse_iso(&d, date, NULL))
		return ERR_INVALID;
	int64_t ms = (int64_t)jp_date_to_days(d) * 86400000LL;
	const char *t = s + 10;
	if (*t == '\0') {
		if (is_to)
			ms += 86400000LL;
		*out = ms - JST_MS;
		return 0;
	}
	if ((*t != 'T' && *t != ' ') || !digits(t + 1, 2) || t[3] != ':' ||
	    !digits(t + 4, 2))
		return ERR_INVALID;
	int hh = (t[1] - '0') * 10 + t[2] - '0';
	int mi = (t[4] - '0') * 10 + t[5] - '0';
	int ss = 0;
	t += 6;
	if (*t == ':') {
		if (!digits(t + 1, 2))
			return ERR_INVALID;
		ss = (t[1] - '0') * 10 + t[2] - '0';
		t += 3;
	}
	if (hh > 23 || mi > 59 || ss > 59)
		return ERR_INVALID;
	ms += ((int64_t)hh * 3600 + mi * 60 + ss) * 1000;
	if (strcmp(t, "Z") == 0)
		*out = ms;
	else if (*t == '\0' || strcmp(t, "+09:00") == 0)
		*out = ms - JST_MS;
	else
		return ERR_INVALID;
	return 0;
}

static void format_jst(char out[40], int64_t ms)
{
	int64_t local = ms + JST_MS;
	int64_t secs = local >= 0 ? local / 1000 : (local - 999) / 1000;
	int milli = (int)(local - secs * 1000);
	time_t t = (time_t)secs;
	struct tm tm;
	gmtime_r(&t, &tm);
	char base[24];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 40, "%s.%03d+09:00", base, milli);
}

/* ---- verify ------------------------------------------------------------ */

static int get_public_key(unsigned char pk[32], const struct opts *o)
{
	struct err e = { 0 };
	const char *hex = o->public_key, *file = o->key_file;
	if (!hex && !file) {
		hex = getenv("MADOGUCHI_AUDIT_PUBLIC_KEY");
		if (!hex || !*hex) {
			hex = NULL;
			file = getenv("MADOGUCHI_AUDIT_KEY_FILE");
		}
	}
	if (hex) {
		if (audit_public_key_from_hex(pk, hex, &e))
			return cli_error(&e, "公開鍵が正しくありません",
					 "bad public key");
		return 0;
	}
	if (!file || !*file) {
		fputs("madoguchi: --key-file か --public-key が必要です /"
		      " --key-file or --public-key is required\n", stderr);
		return CLI_USAGE;
	}
	struct audit_key k;
	if (audit_key_load(&k, file, &e))
		return cli_error(&e, "鍵ファイルを読めません",
				 "cannot read the key file");
	memcpy(pk, k.pk, 32);
	audit_key_wipe(&k);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	unsigned char pk[32];
	if ((rc = get_public_key(pk, &o)))
		return rc;
	struct audit_anchor anchor, *ap = NULL;
	if (o.anchor) {
		const char *colon = strchr(o.anchor, ':');
		char num[24];
		size_t n = colon ? (size_t)(colon - o.anchor) : 0;
		if (!colon || n == 0 || n >= sizeof num || strlen(colon + 1) != 64) {
			fputs("madoguchi: --anchor は SEQ:HASH です /"
			      " --anchor must be SEQ:HASH\n", stderr);
			return CLI_USAGE;
		}
		memcpy(num, o.anchor, n);
		num[n] = '\0';
		unsigned char raw[32];
		if (parse_i64(&anchor.seq, num, 1, INT64_MAX) ||
		    hex_decode(raw, 32, colon + 1)) {
			fputs("madoguchi: --anchor は SEQ:HASH です /"
			      " --anchor must be SEQ:HASH\n", stderr);
			return CLI_USAGE;
		}
		hex_encode(anchor.hash, raw, 32);
		ap = &anchor;
	}
	struct store *s;
	if ((rc = open_db(&s, o.db)))
		return rc;
	struct audit_verify_result v;
	struct err e = { 0 };
	rc = audit_verify(&v, s, pk, ap, &e);
	store_close(s);
	if (rc)
		return cli_error(&e, "監査ログを検証できませんでした",
				 "could not verify the audit log");
	if (v.intact) {
		printf("intact: %" PRId64 " records, %" PRId64 " checkpoints,"
		       " last checkpoint at %" PRId64 ", %" PRId64
		       " records after it\n", v.records, v.checkpoints,
		       v.last_checkpoint, v.records - v.last_checkpoint);
		if (v.records > 0 && v.checkpoints == 0)
			fputs("madoguchi: 署名付きチェックポイントがまだありません /"
			      " warning: no signed checkpoint yet\n", stderr);
		return CLI_OK;
	}
	printf("BAD seq=%" PRId64 " problem=%s: %s\n", v.bad_seq,
	       audit_problem_name(v.problem), v.what);
	struct err d;
	err_set(&d, ERR_CONFLICT, "first bad record: seq %" PRId64 " (%s); %"
		PRId64 " records before it are intact", v.bad_seq,
		audit_problem_name(v.problem), v.records);
	return cli_error(&d, "監査ログが改ざんされています",
			 "the audit log has been tampered with");
}

/* ---- query -------------------------------------------------------------- */

struct qctx {
	int json;
	int failed;
};

/* print v escaped: no control characters, quotes when needed */
static void put_value(const char *v)
{
	if (!v) {
		fputs("-", stdout);
		return;
	}
	int quote = !*v || strpbrk(v, " \"=\\") != NULL;
	if (quote)
		putchar('"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else if (quote && (*p == '"' || *p == '\\'))
			printf("\\%c", *p);
		else
			putchar(*p);
	}
	if (quote)
		putchar('"');
}

static void json_set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static int print_record(const struct audit_record *r, void *arg)
{
	struct qctx *q = arg;
	char when[40];
	format_jst(when, r->ts_ms);
	if (q->json) {
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer(r->seq));
		json_object_set_new(o, "ts", json_string(when));
		json_object_set_new(o, "ts_ms", json_integer(r->ts_ms));
		json_object_set_new(o, "actor_id", r->actor_id ?
				    json_integer(r->actor_id) : json_null());
		json_set_str(o, "actor_login", r->actor_login);
		json_set_str(o, "role", r->role);
		json_set_str(o, "action", r->action);
		json_set_str(o, "object_type", r->object_type);
		json_set_str(o, "object_id", r->object_id);
		json_set_str(o, "tenant", r->tenant);
		json_set_str(o, "source", r->source);
		json_set_str(o, "result", r->result);
		json_set_str(o, "hash", r->hash);
		/* strings that are not UTF-8 (a tampered row) make
		 * json_string() return NULL: report rather than drop */
		char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (!text) {
			q->failed = 1;
			return 1;
		}
		puts(text);
		free(text);
		return 0;
	}
	printf("seq=%" PRId64 " ts=%s actor=", r->seq, when);
	if (r->actor_id)
		printf("%" PRId64 "/", r->actor_id);
	put_value(r->actor_login);
	fputs(" role=", stdout);
	put_value(r->role);
	fputs(" action=", stdout);
	put_value(r->action);
	fputs(" object=", stdout);
	put_value(r->object_type);
	putchar('/');
	put_value(r->object_id);
	fputs(" tenant=", stdout);
	put_value(r->tenant);
	fputs(" source=", stdout);
	put_value(r->source);
	fputs(" result=", stdout);
	put_value(r->result);
	putchar('\n');
	return 0;
}

static int cmd_query(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	struct audit_filter f = { 0 };
	char objtype[AUDIT_OBJTYPE_MAX + 1];
	f.actor_login = o.actor;
	f.tenant = o.tenant;
	f.action = o.action;
	if ((o.from && parse_when(&f.from_ms, o.from, 0)) ||
	    (o.to && parse_when(&f.to_ms, o.to, 1))) {
		fputs("madoguchi: 日時は YYYY-MM-DD か YYYY-MM-DDTHH:MM[:SS] です /"
		      " dates are YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]\n", stderr);
		return CLI_USAGE;
	}
	int64_t lim = 0;
	if ((o.actor_id && parse_i64(&f.actor_id, o.actor_id, 1, INT64_MAX)) ||
	    (o.after && parse_i64(&f.after_seq, o.after, 0, INT64_MAX)) ||
	    (o.limit && parse_i64(&lim, o.limit, 1, AUDIT_QUERY_MAX))) {
		fprintf(stderr, "madoguchi: 数値が正しくありません /"
			" bad number (--limit is at most %d)\n", AUDIT_QUERY_MAX);
		return CLI_USAGE;
	}
	f.limit = (int)lim;
	if (o.object) {
		const char *colon = strchr(o.object, ':');
		size_t n = colon ? (size_t)(colon - o.object) : strlen(o.object);
		if (n == 0 || n > AUDIT_OBJTYPE_MAX) {
			fputs("madoguchi: --object は TYPE[:ID] です /"
			      " --object must be TYPE[:ID]\n", stderr);
			return CLI_USAGE;
		}
		memcpy(objtype, o.object, n);
		objtype[n] = '\0';
		f.object_type = objtype;
		f.object_id = colon ? colon + 1 : NULL;
	}
	struct store *s;
	if ((rc = open_db(&s, o.db)))
		return rc;
	struct qctx q = { .json = o.json };
	struct err e = { 0 };
	rc = audit_query(s, &f, print_record, &q, &e);
	store_close(s);
	if (fflush(stdout) != 0)
		return cli_error(NULL, "出力に書けません", "cannot write the output");
	if (rc < 0)
		return cli_error(&e, "監査ログを検索できませんでした",
				 "could not query the audit log");
	if (q.failed)
		return cli_error(NULL, "不正な文字を含む記録があります (verify を実行してください)",
				 "a record holds invalid UTF-8 (run verify)");
	return CLI_OK;
}

/* ---- keygen, checkpoint -------------------------------------------------- */

static int cmd_keygen(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	if (!o.out) {
		fputs("madoguchi: --out FILE が必要です / --out FILE is required\n",
		      stderr);
		return CLI_USAGE;
	}
	struct audit_key k;
	struct err e = { 0 };
	if (audit_key_generate(&k, &e))
		return cli_error(&e, "鍵を生成できません", "cannot generate a key");
	rc = audit_key_save(&k, o.out, &e);
	char pk[AUDIT_PK_HEX];
	audit_key_public_hex(pk, &k);
	audit_key_wipe(&k);
	if (rc)
		return cli_error(&e, rc == ERR_CONFLICT ?
				 "ファイルが既にあります (上書きしません)" :
				 "鍵ファイルを書けません",
				 rc == ERR_CONFLICT ? "the file exists (not replaced)" :
				 "cannot write the key file");
	printf("%s\n", pk);
	return CLI_OK;
}

static int cmd_checkpoint(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	struct audit_key k;
	struct err e = { 0 };
	const char *file = o.key_file, *seed = NULL;
	if (!file) {
		seed = getenv("MADOGUCHI_AUDIT_KEY");
		if (!seed || !*seed) {
			seed = NULL;
			file = getenv("MADOGUCHI_AUDIT_KEY_FILE");
		}
	}
	if (!seed && (!file || !*file)) {
		fputs("madoguchi: --key-file が必要です / --key-file is required\n",
		      stderr);
		return CLI_USAGE;
	}
	if (seed ? audit_key_from_hex(&k, seed, &e) : audit_key_load(&k, file, &e))
		return cli_error(&e, "署名鍵を読めません",
				 "cannot read the signing key");
	struct store *s;
	if ((rc = open_db(&s, o.db))) {
		audit_key_wipe(&k);
		return rc;
	}
	int64_t seq = 0;
	char hash[AUDIT_HASH_HEX];
	rc = store_begin(s, &e);
	if (rc == 0) {
		rc = audit_checkpoint(&seq, hash, s, &k, &e);
		if (rc == 0)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
	}
	audit_key_wipe(&k);
	store_close(s);
	if (rc)
		return cli_error(&e, "チェックポイントを書けませんでした",
				 "could not write the checkpoint");
	printf("%" PRId64 ":%s\n", seq, hash);
	return CLI_OK;
}

int cli_audit(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *sub = argv[1];
	if (cli_is_help(sub)) {
		usage(stdout);
		return CLI_OK;
	}
	for (int i = 2; i < argc; i++)
		if (cli_is_help(argv[i])) {
			usage(stdout);
			return CLI_OK;
		}
	if (strcmp(sub, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(sub, "query") == 0)
		return cmd_query(argc - 1, argv + 1);
	if (strcmp(sub, "keygen") == 0)
		return cmd_keygen(argc - 1, argv + 1);
	if (strcmp(sub, "checkpoint") == 0)
		return cmd_checkpoint(argc - 1, argv + 1);
	fprintf(stderr, "madoguchi: 不明なサブコマンドです / unknown subcommand:"
		" audit %s\n", sub);
	usage(stderr);
	return CLI_USAGE;
}
