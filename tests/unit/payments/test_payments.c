/*
 * test_payments.c -- the payments domain (src/svc/payments) on the
 * database MADOGUCHI_TEST_DB names (SQLite by default, PostgreSQL in CI):
 * idempotent creation, the states, the barcode and its check digit, the
 * slip read back by zbarimg, result files (all or nothing, line numbers,
 * no second import), the statement with a missing and a duplicate
 * payment, refunds by two people, expiry, an audit record for every
 * change of state, and each municipality's own codes for the rails.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/audit/audit.h"
#include "core/tenant/tenant.h"
#include "jp/checkdigit.h"
#include "jp/date.h"
#include "svc/payments/payments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tdb db;

#define T1 "139998"
/* 2026-12-07 10:00 JST */
#define NOW (1796569200LL + 10 * 3600)
#define DAY (24 * 3600LL)

static const struct pay_rails rails = { "99998", "999980", "00001" };
static const struct pay_actor sys = { .login = "(test)", .source = "test" };
static const struct pay_actor staff_a = { .id = 101, .login = "staff-a", .source = "127.0.0.1" };
static const struct pay_actor staff_b = { .id = 102, .login = "staff-b", .source = "127.0.0.1" };

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# open: %s\n", e.detail);
		exit(1);
	}
	return s;
}

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	int applied = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	if (app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e)) {
		printf("Bail out! setup: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
}

static struct payment make(struct store *s, const char *key, int64_t amount)
{
	struct pay_new n = { .service = "test", .key = key, .reference = "REF-1", .description = "犬の登録手数料",
			     .amount_yen = amount, .return_url = "/mypage", .account = 7 };
	struct payment p;
	int created = 0;
	struct err e;
	if (payments_create(&p, &created, s, T1, &n, NOW, &sys, &e) != 0 || !created) {
		printf("Bail out! create %s: %s\n", key, e.detail);
		exit(1);
	}
	return p;
}

static long today(void)
{
	return jp_date_to_days(jp_jst_date(NOW));
}

/* audit records of an action on an object */
struct acount {
	const char *action, *object;
	int n;
};

static int acount_cb(const struct audit_record *r, void *arg)
{
	struct acount *c = arg;
	if (strcmp(r->action, c->action) == 0 && (!c->object || (r->object_id && strcmp(r->object_id, c->object) == 0)))
		c->n++;
	return 0;
}

static int audited(struct store *s, const char *action, const char *object)
{
	struct acount c = { action, object, 0 };
	struct audit_filter f = { 0 };
	struct err e;
	if (audit_query(s, &f, acount_cb, &c, &e) < 0)
		return -1;
	return c.n;
}

static void test_create_idempotent(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "idem-1", 3000), q;
	T_CHECK(payments_number_ok(p.number));
	T_EQ_INT(p.state, PAY_CREATED);
	T_EQ_INT(p.due_day, today() + PAY_DUE_DAYS_DEFAULT);
	/* the same key: the same payment, not a second one */
	struct pay_new n = { .service = "test", .key = "idem-1", .reference = "REF-1", .description = "犬の登録手数料",
			     .amount_yen = 3000, .return_url = "/mypage", .account = 7 };
	int created = 1;
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW + 5, &sys, &e), 0);
	T_EQ_INT(created, 0);
	T_EQ_STR(q.number, p.number);
	/* the same key for another amount: refused */
	n.amount_yen = 3001;
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW, &sys, &e), ERR_CONFLICT);
	/* bad fields */
	n.amount_yen = 0;
	n.key = "idem-2";
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW, &sys, &e), ERR_INVALID);
	n.amount_yen = PAY_AMOUNT_MAX + 1;
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW, &sys, &e), ERR_INVALID);
	n.amount_yen = 100;
	n.return_url = "//evil.example/";
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW, &sys, &e), ERR_INVALID);
	n.return_url = "/ok";
	n.reference = "山田太郎";   /* a reference is an identifier, not a name */
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW, &sys, &e), ERR_INVALID);
	n.reference = "R";
	n.description = "改行\nあり";
	T_EQ_INT(payments_create(&q, &created, s, T1, &n, NOW, &sys, &e), ERR_INVALID);
	T_EQ_INT(audited(s, "payments.created", p.number), 1);
	/* the list: by number, by the start of the reference, by state */
	struct pay_filter f = { .tenant = T1, .state = -1, .method = -1, .q = p.number };
	int64_t cnt = 0;
	T_EQ_INT(payments_count(&cnt, s, &f, &e), 0);
	T_EQ_INT(cnt, 1);
	f.q = "REF-";
	T_EQ_INT(payments_count(&cnt, s, &f, &e), 0);
	T_CHECK(cnt >= 1);
	f.q = "NOPE";
	T_EQ_INT(payments_count(&cnt, s, &f, &e), 0);
	T_EQ_INT(cnt, 0);
	f.q = NULL;
	f.state = PAY_CREATED;
	f.service = "test";
	T_EQ_INT(payments_count(&cnt, s, &f, &e), 0);
	T_CHECK(cnt >= 1);
	store_close(s);
}

static void test_barcode(void)
{
	char b[PAY_BARCODE_LEN + 1], num[PAY_NUMBER_LEN + 1];
	struct err e;
	const char *number = "12345678901237";   /* 1234567890123 and its Luhn digit 7 */
	T_CHECK(payments_number_ok(number));
	T_CHECK(!payments_number_ok("12345678901238"));
	long due = jp_date_to_days((struct jp_date){ 2026, 12, 21 });
	T_EQ_INT(payments_barcode(b, &rails, number, due, 3000, &e), 0);
	T_EQ_INT((int)strlen(b), 44);
	/* 91 | biller | agent 00 number | 0 | YYMMDD | 0 | amount | check */
	T_CHECK(strncmp(b, "9199998000001001234567890123702612210003000", 43) == 0);
	int cd;
	T_EQ_INT(jp_gs1_check_digit(&cd, b, 43, &e), 0);
	T_EQ_INT(b[43] - '0', cd);
	int64_t amount = 0;
	T_EQ_INT(payments_barcode_check(b, &amount, num, &e), 0);
	T_EQ_INT(amount, 3000);
	T_EQ_STR(num, number);
	/* a digit changed is caught by the check digit */
	b[20] = b[20] == '9' ? '8' : (char)(b[20] + 1);
	T_EQ_INT(payments_barcode_check(b, NULL, NULL, &e), ERR_INVALID);
	/* above the agents' limit; a biller code from neither 9 nor 5 */
	T_EQ_INT(payments_barcode(b, &rails, number, due, PAY_KONBINI_MAX + 1, &e), ERR_INVALID);
	struct pay_rails bad = rails;
	memcpy(bad.konbini_biller, "123456", 7);
	T_EQ_INT(payments_barcode(b, &bad, number, due, 3000, &e), ERR_INVALID);
}

/* the slip's barcode read back from a 600 dpi render by zbarimg */
static void test_slip_zbar(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "slip-1", 12340);
	T_EQ_INT(payments_choose(&p, s, T1, p.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), 0);
	T_EQ_INT(p.state, PAY_PENDING);
	T_EQ_INT((int)strlen(p.barcode), 44);
	char *pdf = NULL;
	size_t len = 0;
	T_EQ_INT(payments_slip_pdf(&pdf, &len, &p, "デモ区", &e), 0);
	char dir[] = "/tmp/mg-slip-XXXXXX";
	T_REQUIRE(mkdtemp(dir) != NULL);
	char path[256], cmd[700];
	snprintf(path, sizeof path, "%s/slip.pdf", dir);
	FILE *f = fopen(path, "wb");
	T_REQUIRE(f != NULL);
	fwrite(pdf, 1, len, f);
	fclose(f);
	free(pdf);
	snprintf(cmd, sizeof cmd, "pdftoppm -r 600 -gray -png -singlefile %s/slip.pdf %s/slip && "
		 "zbarimg --quiet --raw -Scode128.enable %s/slip.png 2>/dev/null", dir, dir, dir);
	FILE *z = popen(cmd, "r");
	T_REQUIRE(z != NULL);
	char got[200] = "";
	if (!fgets(got, sizeof got, z))
		got[0] = 0;
	pclose(z);
	got[strcspn(got, "\r\n")] = 0;
	/* zbarimg drops the leading FNC1 in --raw: the 44 digits remain */
	T_EQ_STR(got, p.barcode);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	T_CHECK(system(cmd) == 0);
	/* the text of the slip: the amount and the human-readable line */
	store_close(s);
}

static const char *csv_konbini(char *out, size_t cap, const struct payment *const *ps, int n, const char *extra)
{
	size_t o = (size_t)snprintf(out, cap, "barcode,amount_yen,paid_on,store\n");
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s,%lld,2026-12-07,デモマート港町店\n", ps[i]->barcode,
				      (long long)ps[i]->amount_yen);
	if (extra)
		snprintf(out + o, cap - o, "%s", extra);
	return out;
}

static void test_import_and_statement(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment a = make(s, "imp-a", 1000), b = make(s, "imp-b", 2000), c = make(s, "imp-c", 3000);
	T_EQ_INT(payments_choose(&a, s, T1, a.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), 0);
	T_EQ_INT(payments_choose(&b, s, T1, b.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), 0);
	T_EQ_INT(payments_choose(&c, s, T1, c.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), 0);
	char buf[4096];
	const struct payment *all[] = { &a, &b, &c };
	struct pay_import_result res;

	/* a malformed line 3 (wrong check digit): nothing applied */
	char badcode[45];
	snprintf(badcode, sizeof badcode, "%s", b.barcode);
	badcode[43] = badcode[43] == '9' ? '0' : (char)(badcode[43] + 1);
	char extra[200];
	snprintf(extra, sizeof extra, "%s,2000,2026-12-07,X\n", badcode);
	csv_konbini(buf, sizeof buf, all, 1, extra);
	struct pay_file f = { PAY_FILE_KONBINI, 0, "bad.csv", buf, strlen(buf) };
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), ERR_INVALID);
	T_EQ_INT(res.bad_line, 3);
	struct payment chk;
	T_EQ_INT(payments_get(&chk, s, T1, a.number, &e), 0);
	T_EQ_INT(chk.state, PAY_PENDING);   /* line 2 was good, but nothing was applied */
	/* a bad date on line 2 */
	snprintf(buf, sizeof buf, "barcode,amount_yen,paid_on,store\n%s,1000,2026-13-01,X\n", a.barcode);
	f.data = buf, f.len = strlen(buf);
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), ERR_INVALID);
	T_EQ_INT(res.bad_line, 2);
	/* a wrong header */
	snprintf(buf, sizeof buf, "code,amount\n");
	f.data = buf, f.len = strlen(buf);
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), ERR_INVALID);
	T_EQ_INT(res.bad_line, 1);

	/* the notice (速報): a and b paid, a paid twice (a duplicate) */
	const struct payment *notice[] = { &a, &b, &a };
	csv_konbini(buf, sizeof buf, notice, 3, NULL);
	f.data = buf, f.len = strlen(buf);
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), 0);
	T_EQ_INT(res.lines, 3);
	T_EQ_INT(res.applied, 2);
	T_EQ_INT(res.duplicate, 1);
	T_EQ_INT(payments_get(&chk, s, T1, a.number, &e), 0);
	T_EQ_INT(chk.state, PAY_PAID);
	T_EQ_INT(chk.paid_yen, 1000);
	/* the same file again: refused, nothing doubled */
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), ERR_CONFLICT);
	/* c paid at the counter */
	struct pay_receipt cr = { .method = PAY_M_COUNTER, .number = c.number, .amount_yen = 3000,
				  .via = "cash staff-a", .source = "counter:1" };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	/* the settlement (確報) lists a only: b is missing from it */
	const struct payment *fin[] = { &a };
	csv_konbini(buf, sizeof buf, fin, 1, NULL);
	struct pay_file ff = { PAY_FILE_KONBINI, 1, "final.csv", buf, strlen(buf) };
	T_EQ_INT(payments_import(&res, s, T1, &ff, &rails, NOW + 60, &staff_a, &e), 0);
	T_EQ_INT(res.applied, 1);   /* confirmed */
	struct pay_statement st;
	T_EQ_INT(payments_statement(&st, s, T1, PAY_M_KONBINI, today(), &e), 0);
	T_EQ_INT(st.expected_n, 2);
	T_EQ_INT(st.expected_yen, 3000);
	T_EQ_INT(st.notice_n, 3);
	T_EQ_INT(st.final_n, 1);
	T_EQ_INT(st.settled_n, 1);
	T_EQ_INT(st.settled_yen, 1000);
	T_EQ_INT(st.missing_n, 1);
	T_EQ_INT(st.missing_yen, 2000);
	T_EQ_INT(st.duplicate_n, 1);
	T_EQ_INT(st.duplicate_yen, 1000);
	T_EQ_INT(st.unknown_n, 0);
	/* the counter payment is on the counter's statement, not here */
	struct pay_statement sc;
	T_EQ_INT(payments_statement(&sc, s, T1, PAY_M_COUNTER, today(), &e), 0);
	T_EQ_INT(sc.expected_n, 1);
	T_EQ_INT(sc.expected_yen, 3000);
	T_EQ_INT(audited(s, "payments.paid", a.number), 1);
	T_EQ_INT(audited(s, "payments.receipt_duplicate", a.number), 1);
	T_EQ_INT(audited(s, "payments.import", NULL), 2);
	store_close(s);
}

static void test_payeasy_import(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "pe-1", 4500), q = make(s, "pe-2", 500);
	T_EQ_INT(payments_choose(&p, s, T1, p.number, PAY_M_PAYEASY, &rails, NOW, &sys, &e), 0);
	T_EQ_STR(p.payeasy_biller, "99998");
	T_EQ_INT((int)strlen(p.payeasy_confirm), 4);
	char buf[1024];
	/* Japanese header, CP932-free UTF-8 with BOM, customer number padded to 20 digits, a wrong amount for q */
	snprintf(buf, sizeof buf, "\xEF\xBB\xBF収納機関番号,お客様番号,確認番号,金額,収納日,金融機関\r\n"
		 "99998,000000%s,%s,4500,20261207,デモ銀行\r\n99998,%s,0000,400,20261207,デモ銀行\r\n",
		 p.number, p.payeasy_confirm, q.number);
	struct pay_file f = { PAY_FILE_PAYEASY, 0, "pe.csv", buf, strlen(buf) };
	struct pay_import_result res;
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), 0);
	T_EQ_INT(res.applied, 1);
	T_EQ_INT(res.amount, 1);
	struct payment chk;
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.state, PAY_PAID);
	T_EQ_INT(chk.method, PAY_M_PAYEASY);
	T_EQ_INT(payments_get(&chk, s, T1, q.number, &e), 0);
	T_EQ_INT(chk.state, PAY_CREATED);   /* another amount does not pay it */
	/* another biller's number: refused with its line */
	snprintf(buf, sizeof buf, "biller,customer,confirm,amount_yen,paid_on,bank\n12345,%s,0000,500,2026-12-07,X\n",
		 q.number);
	f.data = buf, f.len = strlen(buf);
	T_EQ_INT(payments_import(&res, s, T1, &f, &rails, NOW, &staff_a, &e), ERR_INVALID);
	T_EQ_INT(res.bad_line, 2);
	store_close(s);
}

static void test_refund_two_people(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "ref-1", 800);
	/* not paid yet: nothing to refund */
	T_EQ_INT(payments_refund_request(s, T1, p.number, "二重に納付", NOW, &staff_a, &e), ERR_CONFLICT);
	struct pay_receipt cr = { .method = PAY_M_COUNTER, .number = p.number, .amount_yen = 800, .source = "counter:r1" };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW, &staff_a, &e), 0);
	T_EQ_INT(payments_refund_request(s, T1, p.number, "", NOW, &staff_a, &e), ERR_INVALID);
	T_EQ_INT(payments_refund_request(s, T1, p.number, "申請の取下げ", NOW, &staff_a, &e), 0);
	/* the one who asked cannot approve */
	T_EQ_INT(payments_refund_approve(s, T1, p.number, NOW, &staff_a, &e), ERR_CONFLICT);
	struct payment chk;
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.state, PAY_PAID);
	T_EQ_INT(payments_refund_approve(s, T1, p.number, NOW + 60, &staff_b, &e), 0);
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.state, PAY_REFUNDED);
	T_EQ_INT(chk.refund_by, 101);
	T_EQ_INT(chk.refund_approved_by, 102);
	struct pay_statement st;
	T_EQ_INT(payments_statement(&st, s, T1, PAY_M_COUNTER, today(), &e), 0);
	T_EQ_INT(st.refunded_n, 1);
	T_EQ_INT(st.refunded_yen, 800);
	T_EQ_INT(audited(s, "payments.refund_requested", p.number), 1);
	T_EQ_INT(audited(s, "payments.refunded", p.number), 1);

	/* through a provider: the approval is claimed first; a second approver
	 * at the same moment is refused before the provider is asked */
	static const struct pay_actor staff_c = { .id = 103, .login = "staff-c", .source = "127.0.0.1" };
	struct payment q = make(s, "ref-2", 900);
	struct pay_receipt qr = { .method = PAY_M_COUNTER, .number = q.number, .amount_yen = 900, .source = "counter:r2" };
	T_EQ_INT(payments_receive(&o, s, T1, &qr, NOW, &staff_a, &e), 0);
	T_EQ_INT(payments_refund_request(s, T1, q.number, "誤って納付", NOW, &staff_a, &e), 0);
	T_EQ_INT(payments_refund_claim(s, T1, q.number, NOW, &staff_a, &e), ERR_CONFLICT);   /* who asked */
	T_EQ_INT(payments_refund_claim(s, T1, q.number, NOW, &staff_b, &e), 0);
	T_EQ_INT(payments_refund_claim(s, T1, q.number, NOW, &staff_c, &e), ERR_CONFLICT);   /* taken */
	T_EQ_INT(payments_refund_claim(s, T1, q.number, NOW, &staff_b, &e), 0);              /* a retry */
	T_EQ_INT(payments_refund_approve(s, T1, q.number, NOW, &staff_c, &e), ERR_CONFLICT);
	/* the provider refused: given back, another may approve */
	T_EQ_INT(payments_refund_unclaim(s, T1, q.number, &staff_b, &e), 0);
	T_EQ_INT(payments_refund_claim(s, T1, q.number, NOW, &staff_c, &e), 0);
	T_EQ_INT(payments_refund_approve(s, T1, q.number, NOW, &staff_c, &e), 0);
	T_EQ_INT(payments_get(&chk, s, T1, q.number, &e), 0);
	T_EQ_INT(chk.state, PAY_REFUNDED);
	T_EQ_INT(chk.refund_approved_by, 103);
	store_close(s);
}

/* a part refunded, asked for the payer: any member of staff approves;
 * the amount goes to the statement, the rest stays */
static void test_refund_part_for_payer(void)
{
	struct store *s = open_db();
	struct err e;
	static const struct pay_actor payer = { .id = 7, .source = "127.0.0.1" };      /* make()'s account */
	static const struct pay_actor stranger = { .id = 8, .source = "127.0.0.1" };
	struct payment p = make(s, "part-1", 1000);
	/* not paid: nothing to refund */
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 700, "予約の取消し", NOW, &payer, &e), ERR_CONFLICT);
	struct pay_receipt cr = { .method = PAY_M_COUNTER, .number = p.number, .amount_yen = 1000, .source = "counter:p1" };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW, &staff_a, &e), 0);
	/* amounts out of range, another resident, no reason */
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 0, "予約の取消し", NOW, &payer, &e), ERR_INVALID);
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 1001, "予約の取消し", NOW, &payer, &e), ERR_INVALID);
	T_EQ_INT(payments_refund_request_part(s, T1, p.number, 1001, "一部返金", NOW, &staff_a, &e), ERR_INVALID);
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 700, "予約の取消し", NOW, &stranger, &e), ERR_NOTFOUND);
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 700, "", NOW, &payer, &e), ERR_INVALID);
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 700, "予約の取消し（取消料 300円）", NOW, &payer, &e), 0);
	/* once: a second request (the payer's or staff's) changes nothing */
	T_EQ_INT(payments_refund_request_payer(s, T1, p.number, 500, "予約の取消し", NOW, &payer, &e), ERR_CONFLICT);
	T_EQ_INT(payments_refund_request(s, T1, p.number, "二重", NOW, &staff_a, &e), ERR_CONFLICT);
	struct payment chk;
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.refund_by, PAY_REFUND_BY_PAYER);
	T_EQ_INT(chk.refund_yen, 700);
	/* listed among the refunds to approve */
	struct pay_filter f = { .tenant = T1, .state = -1, .method = -1, .refund_asked = 1, .limit = 50 };
	int64_t n = 0;
	T_EQ_INT(payments_count(&n, s, &f, &e), 0);
	T_EQ_INT(n, 1);
	/* the payer is not staff: a resident's id cannot approve it ... */
	T_EQ_INT(payments_refund_approve(s, T1, p.number, NOW, &sys, &e), ERR_DENIED);
	/* ... one member of staff does, any of them */
	struct pay_statement st0, st;
	T_EQ_INT(payments_statement(&st0, s, T1, PAY_M_COUNTER, today(), &e), 0);
	T_EQ_INT(payments_refund_claim(s, T1, p.number, NOW, &staff_a, &e), 0);
	T_EQ_INT(payments_refund_approve(s, T1, p.number, NOW + 60, &staff_a, &e), 0);
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.state, PAY_REFUNDED);
	T_EQ_INT(chk.refund_yen, 700);
	T_EQ_INT(chk.refund_approved_by, 101);
	T_EQ_INT(payments_count(&n, s, &f, &e), 0);
	T_EQ_INT(n, 0);
	T_EQ_INT(payments_statement(&st, s, T1, PAY_M_COUNTER, today(), &e), 0);
	T_EQ_INT(st.refunded_yen - st0.refunded_yen, 700);   /* the part, not all that was paid */
	T_EQ_INT(audited(s, "payments.refund_requested", p.number), 1);
	T_EQ_INT(audited(s, "payments.refunded", p.number), 1);
	/* staff ask for a part too; the two-person rule holds for them */
	struct payment q = make(s, "part-2", 600);
	struct pay_receipt qr = { .method = PAY_M_COUNTER, .number = q.number, .amount_yen = 600, .source = "counter:p2" };
	T_EQ_INT(payments_receive(&o, s, T1, &qr, NOW, &staff_a, &e), 0);
	T_EQ_INT(payments_refund_request_part(s, T1, q.number, 200, "一部返金", NOW, &staff_a, &e), 0);
	T_EQ_INT(payments_refund_approve(s, T1, q.number, NOW, &staff_a, &e), ERR_CONFLICT);
	T_EQ_INT(payments_refund_approve(s, T1, q.number, NOW, &staff_b, &e), 0);
	T_EQ_INT(payments_get(&chk, s, T1, q.number, &e), 0);
	T_EQ_INT(chk.refund_yen, 200);
	store_close(s);
}

static void test_expire_and_late_money(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "exp-1", 600);
	int n = payments_expire_due(s, NOW + (PAY_DUE_DAYS_DEFAULT - 1) * DAY, &sys, &e);
	T_CHECK(n >= 0);
	struct payment chk;
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.state, PAY_CREATED);   /* the due day itself is still in time */
	n = payments_expire_due(s, NOW + (PAY_DUE_DAYS_DEFAULT + 1) * DAY, &sys, &e);
	T_CHECK(n >= 1);
	T_EQ_INT(payments_get(&chk, s, T1, p.number, &e), 0);
	T_EQ_INT(chk.state, PAY_EXPIRED);
	/* no method for an expired payment ... */
	T_EQ_INT(payments_choose(&chk, s, T1, p.number, PAY_M_PAYEASY, &rails, NOW, &sys, &e), ERR_CONFLICT);
	/* ... but money that arrives is never refused */
	struct pay_receipt cr = { .method = PAY_M_COUNTER, .number = p.number, .amount_yen = 600, .source = "counter:e1" };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW + 20 * DAY, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	/* the same receipt again (a retried webhook, a line re-read) changes nothing */
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW + 20 * DAY, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	T_EQ_INT(audited(s, "payments.paid", p.number), 1);
	T_EQ_INT(audited(s, "payments.expired", p.number), 1);
	store_close(s);
}

static void test_card_states(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "card-1", 1500);
	T_EQ_INT(payments_choose(&p, s, T1, p.number, PAY_M_CARD, &rails, NOW, &sys, &e), 0);
	T_EQ_INT(payments_set_provider_ref(s, T1, p.number, "psp_abc123", &sys, &e), 0);
	struct payment q;
	T_EQ_INT(payments_by_provider_ref(&q, s, T1, "psp_abc123", &e), 0);
	T_EQ_STR(q.number, p.number);
	T_EQ_INT(payments_fail(s, T1, p.number, "declined", NOW, &sys, &e), 0);
	T_EQ_INT(payments_get(&q, s, T1, p.number, &e), 0);
	T_EQ_INT(q.state, PAY_FAILED);
	/* a failed card payment may be tried again, or paid another way */
	T_EQ_INT(payments_choose(&q, s, T1, p.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), 0);
	T_EQ_INT(q.state, PAY_PENDING);
	T_EQ_INT(q.method, PAY_M_KONBINI);
	/* a counter is not a payer's choice */
	T_EQ_INT(payments_choose(&q, s, T1, p.number, PAY_M_COUNTER, &rails, NOW, &sys, &e), ERR_INVALID);
	/* コンビニ above 30万円 is refused */
	struct payment big = make(s, "big-1", 300001);
	T_EQ_INT(payments_choose(&big, s, T1, big.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), ERR_INVALID);
	store_close(s);
}

/* from review: a second taking at the counter is refused without a
 * receipt; a settlement that comes before its notice; a method is not
 * chosen past the due day; a failed payment expires */
static void test_review_cases(void)
{
	struct store *s = open_db();
	struct err e;
	struct payment p = make(s, "rv-1", 700);
	struct pay_receipt cr = { .method = PAY_M_COUNTER, .number = p.number, .amount_yen = 700,
				  .source = "counter:rv1", .final = 1, .must_apply = 1 };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	cr.source = "counter:rv2";
	T_EQ_INT(payments_receive(&o, s, T1, &cr, NOW, &staff_a, &e), ERR_CONFLICT);
	struct pay_statement st;
	T_EQ_INT(payments_statement(&st, s, T1, PAY_M_COUNTER, today(), &e), 0);
	T_EQ_INT(st.duplicate_n, 0);   /* nothing recorded for the refused one */
	T_EQ_INT(st.missing_n, 0);     /* the counter's taking is its own settlement */

	/* the settlement first, then its notice: confirmed, not paid twice */
	struct payment k = make(s, "rv-2", 900);
	T_EQ_INT(payments_choose(&k, s, T1, k.number, PAY_M_KONBINI, &rails, NOW, &sys, &e), 0);
	struct pay_receipt fin = { .method = PAY_M_KONBINI, .barcode = k.barcode, .amount_yen = 900,
				   .source = "file:rv:1", .final = 1 };
	T_EQ_INT(payments_receive(&o, s, T1, &fin, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	struct pay_receipt note = fin;
	note.final = 0;
	note.source = "file:rv:2";
	T_EQ_INT(payments_receive(&o, s, T1, &note, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_SETTLED);
	note.source = "file:rv:3";   /* the same slip paid again */
	T_EQ_INT(payments_receive(&o, s, T1, &note, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_DUPLICATE);

	/* past its due day no method is chosen; a failed card payment expires */
	struct payment c = make(s, "rv-3", 300);
	T_EQ_INT(payments_choose(&c, s, T1, c.number, PAY_M_CARD, &rails, NOW, &sys, &e), 0);
	T_EQ_INT(payments_fail(s, T1, c.number, "declined", NOW, &sys, &e), 0);
	T_EQ_INT(payments_choose(&c, s, T1, c.number, PAY_M_KONBINI, &rails,
				 NOW + (PAY_DUE_DAYS_DEFAULT + 1) * DAY, &sys, &e), ERR_CONFLICT);
	T_CHECK(payments_expire_due(s, NOW + (PAY_DUE_DAYS_DEFAULT + 1) * DAY, &sys, &e) >= 1);
	T_EQ_INT(payments_get(&c, s, T1, c.number, &e), 0);
	T_EQ_INT(c.state, PAY_EXPIRED);

	/* Pay-easy: a wrong 確認番号 names no payment */
	struct payment y = make(s, "rv-4", 450);
	T_EQ_INT(payments_choose(&y, s, T1, y.number, PAY_M_PAYEASY, &rails, NOW, &sys, &e), 0);
	char wrong[16];
	snprintf(wrong, sizeof wrong, "%04d", (atoi(y.payeasy_confirm) + 1) % 10000);
	struct pay_receipt pe = { .method = PAY_M_PAYEASY, .number = y.number, .confirm = wrong, .amount_yen = 450,
				  .source = "file:rv:4" };
	T_EQ_INT(payments_receive(&o, s, T1, &pe, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_UNKNOWN);
	pe.confirm = y.payeasy_confirm;
	pe.source = "file:rv:5";
	T_EQ_INT(payments_receive(&o, s, T1, &pe, NOW, &staff_a, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	store_close(s);
}

/* each municipality's own codes: set, read, refused when malformed,
 * audited; another municipality keeps the server's; a payment chosen
 * after the change carries the new codes, one chosen before keeps its */
static void test_rails_per_municipality(void)
{
	struct store *s = open_db();
	struct err e;
	struct tenant t2 = { .code = "139980", .name_ja = "デモ市", .name_en = "Demo City" };
	T_EQ_INT(tenant_add(s, &t2, &e), 0);
	struct pay_rails got;
	int own = -1;
	T_EQ_INT(payments_rails_get(&got, &own, s, T1, &rails, &e), 0);
	T_EQ_INT(own, 0);
	T_EQ_STR(got.payeasy_biller, "99998");
	struct payment before = make(s, "rails-1", 800);
	T_EQ_INT(payments_choose(&before, s, T1, before.number, PAY_M_KONBINI, &got, NOW, &sys, &e), 0);

	/* malformed: each refused, naming its field; nothing stored */
	const struct { struct pay_rails r; const char *field; } bad[] = {
		{ { "1234", "912345", "00002" }, "payeasy_biller" },
		{ { "12345", "812345", "00002" }, "konbini_biller" },
		{ { "12345", "91234", "00002" }, "konbini_biller" },
		{ { "12345", "912345", "0000a" }, "konbini_agent" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_EQ_INT(payments_rails_set(s, T1, &bad[i].r, NOW, &staff_a, &e), ERR_INVALID);
		T_CHECK(strncmp(e.detail, bad[i].field, strlen(bad[i].field)) == 0);
	}
	/* from text: a digit too many is refused, never cut to fit */
	struct pay_rails fromtext;
	T_EQ_INT(payments_rails_from(&fromtext, "123456", "912345", "00002", &e), ERR_INVALID);
	T_CHECK(strncmp(e.detail, "payeasy_biller", 14) == 0);
	T_EQ_INT(payments_rails_from(&fromtext, "12345", "9123456", "00002", &e), ERR_INVALID);
	T_CHECK(strncmp(e.detail, "konbini_biller", 14) == 0);
	T_EQ_INT(payments_rails_from(&fromtext, "12345", "912345", "000021", &e), ERR_INVALID);
	T_CHECK(strncmp(e.detail, "konbini_agent", 13) == 0);
	T_EQ_INT(payments_rails_from(&fromtext, "12345", "912345", NULL, &e), ERR_INVALID);
	T_EQ_INT(payments_rails_from(&fromtext, "12345", "912345", "00002", &e), 0);
	T_EQ_STR(fromtext.konbini_biller, "912345");
	const struct pay_rails mine = { "12345", "912345", "00002" };
	T_EQ_INT(payments_rails_set(s, T1, &mine, NOW, NULL, &e), ERR_DENIED);
	T_EQ_INT(payments_rails_get(&got, &own, s, T1, &rails, &e), 0);
	T_EQ_INT(own, 0);

	T_EQ_INT(audited(s, "payments.rails", T1), 0);
	T_EQ_INT(payments_rails_set(s, T1, &mine, NOW, &staff_a, &e), 0);
	T_EQ_INT(audited(s, "payments.rails", T1), 1);
	T_EQ_INT(payments_rails_get(&got, &own, s, T1, &rails, &e), 0);
	T_EQ_INT(own, 1);
	T_EQ_STR(got.payeasy_biller, "12345");
	T_EQ_STR(got.konbini_biller, "912345");
	T_EQ_STR(got.konbini_agent, "00002");
	/* set again: replaced, not a second row */
	const struct pay_rails again = { "54321", "512345", "00003" };
	T_EQ_INT(payments_rails_set(s, T1, &again, NOW + 1, &staff_b, &e), 0);
	T_EQ_INT(payments_rails_get(&got, &own, s, T1, &rails, &e), 0);
	T_EQ_STR(got.payeasy_biller, "54321");
	T_EQ_STR(got.konbini_agent, "00003");
	/* the other municipality: still the server's */
	T_EQ_INT(payments_rails_get(&got, &own, s, "139980", &rails, &e), 0);
	T_EQ_INT(own, 0);
	T_EQ_STR(got.konbini_biller, "999980");

	/* the slip issued before keeps its codes; one chosen now has the new */
	struct payment chk;
	T_EQ_INT(payments_get(&chk, s, T1, before.number, &e), 0);
	T_CHECK(strncmp(chk.barcode, "91999980", 8) == 0);
	T_EQ_INT(payments_rails_get(&got, NULL, s, T1, &rails, &e), 0);
	struct payment after = make(s, "rails-2", 900);
	T_EQ_INT(payments_choose(&after, s, T1, after.number, PAY_M_KONBINI, &got, NOW, &sys, &e), 0);
	T_CHECK(strncmp(after.barcode, "9151234500003", 13) == 0);
	T_EQ_INT(payments_barcode_check(after.barcode, NULL, NULL, &e), 0);
	struct payment pe = make(s, "rails-3", 1000);
	T_EQ_INT(payments_choose(&pe, s, T1, pe.number, PAY_M_PAYEASY, &got, NOW, &sys, &e), 0);
	T_EQ_STR(pe.payeasy_biller, "54321");
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "payments");
	setup();
	T_RUN(test_create_idempotent);
	T_RUN(test_barcode);
	T_RUN(test_slip_zbar);
	T_RUN(test_import_and_statement);
	T_RUN(test_payeasy_import);
	T_RUN(test_refund_two_people);
	T_RUN(test_refund_part_for_payer);
	T_RUN(test_expire_and_late_money);
	T_RUN(test_card_states);
	T_RUN(test_review_cases);
	T_RUN(test_rails_per_municipality);
	tdb_end(&db);
	return t_done();
}
