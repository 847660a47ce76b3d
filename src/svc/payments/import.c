/*
 * import.c -- the result files that mark payments paid: a コンビニ
 * collection agent's (速報 notice or 確報 settlement) and a bank's
 * Pay-easy payment notices.
 *
 * The layouts (the agents' own formats differ; a ward converts theirs to
 * these, documented in README.md), UTF-8, UTF-8 with BOM or CP932, with
 * a header line in English or Japanese:
 *
 *   konbini  barcode,amount_yen,paid_on,store
 *            バーコード,金額,収納日,店舗
 *   payeasy  biller,customer,confirm,amount_yen,paid_on,bank
 *            収納機関番号,お客様番号,確認番号,金額,収納日,金融機関
 *
 * paid_on is YYYY-MM-DD or YYYYMMDD.  All or nothing: every line is
 * read and checked before the first receipt is written, and the receipts
 * are written in one transaction with the import's row, so a malformed
 * line (named by its line number) or a database failure leaves nothing
 * half-applied; a file already imported (its SHA-256) is refused.
 */
#include "svc/payments/payments.h"
#include "svc/payments/payments_int.h"
#include "store/store.h"
#include "jp/csv.h"
#include "jp/date.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct line {
	long at;                              /* the file's line        */
	char barcode[PAY_BARCODE_LEN + 1];
	char number[PAY_NUMBER_LEN + 1];
	char confirm[PAY_PAYEASY_CONFIRM_LEN + 1];
	int64_t amount;
	long day;
	char via[PAY_VIA_MAX * 4 + 1];
};

struct reader {
	enum pay_file_kind kind;
	const struct pay_rails *rails;
	struct line *lines;
	int n, cap;
	int header_seen;
	int bad_line;
	const char *bad_code;
	char bad_what[200];
};

static const char *const h_konbini[2][4] = {
	{ "barcode", "amount_yen", "paid_on", "store" },
	{ "バーコード", "金額", "収納日", "店舗" },
};
static const char *const h_payeasy[2][6] = {
	{ "biller", "customer", "confirm", "amount_yen", "paid_on", "bank" },
	{ "収納機関番号", "お客様番号", "確認番号", "金額", "収納日", "金融機関" },
};

static int bad(struct reader *rd, long line, const char *code, const char *what)
{
	rd->bad_line = (int)line;
	rd->bad_code = code;
	snprintf(rd->bad_what, sizeof rd->bad_what, "%.199s", what);
	return ERR_INVALID;
}

static int header_is(int nf, const char *const *f, const char *const *names, int n)
{
	if (nf != n)
		return 0;
	for (int i = 0; i < n; i++) {
		const char *a = f[i];
		while (*a == ' ')
			a++;
		if (strcasecmp(a, names[i]) != 0)
			return 0;
	}
	return 1;
}

static int parse_day(long *out, const char *s)
{
	char iso[11];
	size_t n = strlen(s);
	if (n == 8 && pay_digits_ok(s, 8))
		snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	else if (n == 10)
		snprintf(iso, sizeof iso, "%s", s);
	else
		return ERR_INVALID;
	struct jp_date d;
	struct err e;
	if (jp_date_parse_iso(&d, iso, &e))
		return ERR_INVALID;
	*out = jp_date_to_days(d);
	return 0;
}

static int parse_amount(int64_t *out, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 8 || !pay_digits_ok(s, n))
		return ERR_INVALID;
	*out = strtoll(s, NULL, 10);
	return 0;
}

static int on_record(void *arg, long line, int nf, const char *const *f, const size_t *len)
{
	(void)len;
	struct reader *rd = arg;
	if (nf == 1 && f[0][0] == 0)
		return 0;   /* an empty line */
	if (!rd->header_seen) {
		int ok = rd->kind == PAY_FILE_KONBINI
			 ? header_is(nf, f, h_konbini[0], 4) || header_is(nf, f, h_konbini[1], 4)
			 : header_is(nf, f, h_payeasy[0], 6) || header_is(nf, f, h_payeasy[1], 6);
		if (!ok)
			return bad(rd, line, "header", rd->kind == PAY_FILE_KONBINI
				   ? "the header is not barcode,amount_yen,paid_on,store"
				   : "the header is not biller,customer,confirm,amount_yen,paid_on,bank");
		rd->header_seen = 1;
		return 0;
	}
	if (rd->n >= PAY_FILE_LINES_MAX)
		return bad(rd, line, "lines", "too many lines");
	if (rd->n == rd->cap) {
		int cap = rd->cap ? rd->cap * 2 : 64;
		struct line *p = realloc(rd->lines, (size_t)cap * sizeof *p);
		if (!p)
			return ERR_NOMEM;
		rd->lines = p;
		rd->cap = cap;
	}
	struct line *l = &rd->lines[rd->n];
	memset(l, 0, sizeof *l);
	l->at = line;
	const char *amount, *day, *via;
	if (rd->kind == PAY_FILE_KONBINI) {
		if (nf != 4)
			return bad(rd, line, "fields", "not 4 fields");
		struct err e;
		if (payments_barcode_check(f[0], NULL, NULL, &e))
			return bad(rd, line, "barcode", e.detail);
		if (memcmp(f[0] + 2, rd->rails->konbini_biller, PAY_KONBINI_BILLER_LEN) != 0)
			return bad(rd, line, "biller", "barcode: another biller's code");
		snprintf(l->barcode, sizeof l->barcode, "%s", f[0]);
		amount = f[1], day = f[2], via = f[3];
	} else {
		if (nf != 6)
			return bad(rd, line, "fields", "not 6 fields");
		if (strcmp(f[0], rd->rails->payeasy_biller) != 0)
			return bad(rd, line, "biller", "biller: not this municipality's 収納機関番号");
		const char *c = f[1];
		size_t cn = strlen(c);
		if (cn < PAY_NUMBER_LEN || cn > 20 || !pay_digits_ok(c, cn))
			return bad(rd, line, "customer", "customer: 14 to 20 digits");
		for (size_t i = 0; i + PAY_NUMBER_LEN < cn; i++)
			if (c[i] != '0')
				return bad(rd, line, "customer", "customer: not a payment number");
		c += cn - PAY_NUMBER_LEN;
		if (!payments_number_ok(c))
			return bad(rd, line, "customer", "customer: wrong check digit");
		if (!pay_digits_ok(f[2], PAY_PAYEASY_CONFIRM_LEN))
			return bad(rd, line, "confirm", "confirm: 4 digits");
		snprintf(l->number, sizeof l->number, "%s", c);
		snprintf(l->confirm, sizeof l->confirm, "%s", f[2]);
		amount = f[3], day = f[4], via = f[5];
	}
	if (parse_amount(&l->amount, amount))
		return bad(rd, line, "amount", "amount_yen: whole yen, 1 to 8 digits");
	if (parse_day(&l->day, day))
		return bad(rd, line, "day", "paid_on: YYYY-MM-DD or YYYYMMDD");
	if (!pay_text_ok(via, PAY_VIA_MAX, 0))
		return bad(rd, line, "via", "store or bank: at most 100 characters");
	snprintf(l->via, sizeof l->via, "%s", via);
	rd->n++;
	return 0;
}

int payments_import(struct pay_import_result *out, struct store *s, const char *tenant,
		    const struct pay_file *f, const struct pay_rails *rails, int64_t now,
		    const struct pay_actor *who, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (f->kind != PAY_FILE_KONBINI && f->kind != PAY_FILE_PAYEASY)
		return err_set(e, ERR_INVALID, "import: konbini or payeasy");
	if (!f->data || f->len == 0)
		return err_set(e, ERR_INVALID, "import: the file is empty");
	if (f->len > PAY_FILE_MAX)
		return err_set(e, ERR_LIMIT, "import: at most %u bytes", PAY_FILE_MAX);
	const char *name = f->name && *f->name ? f->name : "upload.csv";
	if (!pay_text_ok(name, 200, 0))
		return err_set(e, ERR_INVALID, "import: the file's name");
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof h + 1];
	crypto_hash_sha256(h, f->data, f->len);
	for (size_t i = 0; i < sizeof h; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);

	struct reader rd = { .kind = f->kind, .rails = rails };
	struct jp_csv_reader cr;
	jp_csv_reader_init(&cr, on_record, &rd);
	int rc = jp_csv_reader_feed(&cr, f->data, f->len, e);
	if (rc == 0)
		rc = jp_csv_reader_finish(&cr, e);
	jp_csv_reader_done(&cr);
	if (rc == 0 && !rd.header_seen)
		rc = bad(&rd, 1, "header", "no header line");
	if (rc == ERR_INVALID && rd.bad_line) {
		out->bad_line = rd.bad_line;
		out->bad_code = rd.bad_code;
		snprintf(out->bad_what, sizeof out->bad_what, "%s", rd.bad_what);
		rc = err_set(e, ERR_INVALID, "line %d: %s", rd.bad_line, rd.bad_what);
	} else if (rc == ERR_INVALID || rc == ERR_LIMIT) {
		out->bad_line = (int)e->line;
		out->bad_code = "csv";
		snprintf(out->bad_what, sizeof out->bad_what, "%.199s", e->detail);
	}
	if (rc) {
		free(rd.lines);
		return rc;
	}
	int own = !store_in_tx(s);
	if (own && (rc = store_begin(s, e))) {
		free(rd.lines);
		return rc;
	}
	char *when = NULL;
	struct store_val vh[] = { sv_text(tenant), sv_text(hex) };
	rc = store_query_text(&when, s, "SELECT name FROM payment_imports WHERE tenant = $1 AND sha256 = $2",
			      vh, 2, e);
	if (rc == 0) {
		rc = err_set(e, ERR_CONFLICT, "import: this file was imported before");
		free(when);
	} else if (rc == ERR_NOTFOUND) {
		struct store_val v[] = { sv_text(tenant), sv_text(f->kind == PAY_FILE_KONBINI ? "konbini" : "payeasy"),
					 sv_int(f->final ? 1 : 0), sv_text(name), sv_text(hex), sv_int(rd.n),
					 sv_int(who ? who->id : 0), sv_int(now) };
		rc = store_exec(s, "INSERT INTO payment_imports (tenant, kind, final, name, sha256, lines,"
				" created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", v, 8, e);
		if (rc > 0) {
			int64_t id = 0;
			rc = store_query_int(&id, s, "SELECT id FROM payment_imports WHERE tenant = $1 AND sha256 = $2",
					     vh, 2, e);
			out->import_id = id;
		}
	}
	for (int i = 0; rc >= 0 && i < rd.n; i++) {
		const struct line *l = &rd.lines[i];
		char source[64];
		snprintf(source, sizeof source, "file:%lld:%ld", (long long)out->import_id, l->at);
		struct pay_receipt r = {
			.method = f->kind == PAY_FILE_KONBINI ? PAY_M_KONBINI : PAY_M_PAYEASY,
			.number = l->number[0] ? l->number : NULL,
			.barcode = l->barcode[0] ? l->barcode : NULL,
			.amount_yen = l->amount,
			.paid_day = l->day,
			.via = l->via,
			.source = source,
			.final = f->final,
			.confirm = l->confirm[0] ? l->confirm : NULL,
		};
		enum pay_outcome o;
		rc = payments_receive(&o, s, tenant, &r, now, who, e);
		if (rc == 0) {
			out->lines++;
			out->applied += o == PAY_O_APPLIED || o == PAY_O_SETTLED;
			out->duplicate += o == PAY_O_DUPLICATE;
			out->unknown += o == PAY_O_UNKNOWN;
			out->amount += o == PAY_O_AMOUNT;
		}
	}
	if (rc >= 0) {
		char detail[200];
		snprintf(detail, sizeof detail, "%s%s: %d lines, %d applied, %d duplicate, %d unknown, %d amount",
			 f->kind == PAY_FILE_KONBINI ? "konbini" : "payeasy", f->final ? " final" : "",
			 out->lines, out->applied, out->duplicate, out->unknown, out->amount);
		char id[32];
		snprintf(id, sizeof id, "import:%lld", (long long)out->import_id);
		rc = pay_record(s, tenant, 0, id, "import", detail, now, who, e);
	}
	free(rd.lines);
	rc = pay_tx_end(s, own, rc < 0 ? rc : 0, e);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}
