/*
 * test_apply.c -- the applications module on a real database: receipt
 * numbers, drafts, attachments, submission (validation errors, receipt,
 * draft gone, history), ownership (another resident and another
 * department see nothing), every transition of the table, notes,
 * expect_from, correction and resubmission, withdrawal, overdue by
 * business days, likely duplicates, paging and counts, bundles all or
 * none, the drafts purge, the departments of a staff session, and
 * numbering from two connections at once.
 *
 * Runs on the database MADOGUCHI_TEST_DB names (default: a fresh SQLite
 * file); on a shared database it drops the apply tables and removes its
 * own tenants first and last.  Procedures are the shipped definitions in
 * data/procedures/, published with forms_publish.
 */
#include "t.h"

#include <ftw.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "web/app.h"
#include "svc/apply/web/app_apply.h"
#include "svc/apply/apply.h"
#include "svc/apply/apply_int.h"
#include "svc/notify/notify.h"
#include "core/auth/auth.h"
#include "core/registry/registry.h"
#include "core/tenant/tenant.h"
#include "core/audit/audit.h"
#include "svc/payments/payments.h"

static const char *url;
static char sqlite_path[128];
/* fictional codes (valid check digits) no other suite uses */
static const char *T1 = "469815", *T2 = "469823";
/* Friday 2026-11-20 10:00 JST; Monday 11-23 is a holiday */
static const int64_t NOW = 1795136400;
static struct store *S;
static int64_t STAFF_ID;

static void cleanup(struct store *s)
{
	store_script(s, "DROP TABLE IF EXISTS apply_sign_requests;"
			"DROP TABLE IF EXISTS apply_submission_files;"
			"DROP TABLE IF EXISTS apply_events;"
			"DROP TABLE IF EXISTS apply_submissions;"
			"DROP TABLE IF EXISTS apply_files;"
			"DROP TABLE IF EXISTS apply_drafts;"
			"DROP TABLE IF EXISTS apply_bundles;"
			"DROP TABLE IF EXISTS apply_receipt_seq", NULL);
	store_exec(s, "DELETE FROM schema_migrations WHERE module = 'apply'", NULL, 0, NULL);
	struct store_val v[] = { sv_text(T1), sv_text(T2) };
	store_exec(s, "DELETE FROM payment_card_events WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM payment_card_attempts WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM payment_receipts WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM payment_imports WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM payment_events WHERE payment_id IN"
		      " (SELECT id FROM payments WHERE tenant IN ($1, $2))", v, 2, NULL);
	store_exec(s, "DELETE FROM payments WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM procedure_versions WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM procedures WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM registry_links WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM registry_my_numbers WHERE person_id IN"
		      " (SELECT id FROM registry_persons WHERE tenant IN ($1, $2))", v, 2, NULL);
	store_exec(s, "DELETE FROM registry_persons WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM residents WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM staff_roles WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM role_permissions WHERE role_id IN"
		      " (SELECT id FROM roles WHERE tenant IN ($1, $2))", v, 2, NULL);
	store_exec(s, "DELETE FROM roles WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM staff WHERE tenant IN ($1, $2)", v, 2, NULL);
	store_exec(s, "DELETE FROM tenants WHERE code IN ($1, $2)", v, 2, NULL);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	*n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[*n] = 0;
	return buf;
}

static int publish(struct store *s, const char *tenant, const char *id)
{
	char path[256];
	snprintf(path, sizeof path, "data/procedures/%s.json", id);
	size_t n = 0;
	char *text = slurp(path, &n);
	if (!text) {
		printf("# cannot read %s (run from the source tree)\n", path);
		return -1;
	}
	struct arena *a = arena_new(0);
	struct forms_def *d = NULL;
	struct err e;
	int v = 0, rc = forms_def_parse(&d, a, text, n, &e);
	if (rc == 0)
		rc = forms_publish(&v, NULL, s, tenant, d, &e);
	if (rc)
		printf("# publish %s: %s\n", id, e.detail);
	arena_free(a);
	return rc;
}

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, url, &e)) {
		printf("# open: %s\n", e.detail);
		return NULL;
	}
	return s;
}

static int setup(void)
{
	S = open_db();
	if (!S)
		return -1;
	/* on PostgreSQL, start from an empty schema: the suites before this
	 * one (and the sanitizer pass, which runs them all again on the same
	 * database) leave tables whose migrations another suite forgot */
	if (store_kind(S) == STORE_PG &&
	    store_script(S, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", NULL)) {
		printf("# could not empty the PostgreSQL schema\n");
		return -1;
	}
	/* the tables of the modules apply needs, then a clean apply */
	const struct store_module_schema base[] = { tenant_schema, auth_schema, forms_schema,
						    registry_schema, audit_schema, payments_schema, notify_schema };
	struct err e;
	if (store_migrate(S, base, 7, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		return -1;
	}
	cleanup(S);
	const struct store_module_schema mods[] = { tenant_schema, auth_schema, forms_schema,
						    registry_schema, audit_schema, payments_schema,
						    apply_schema };
	if (store_migrate(S, mods, 7, NULL, &e)) {
		printf("# migrate: %s\n", e.detail);
		return -1;
	}
	struct tenant t = { .demo = 1 };
	snprintf(t.code, sizeof t.code, "%s", T1);
	snprintf(t.name_ja, sizeof t.name_ja, "試験区");
	snprintf(t.name_en, sizeof t.name_en, "Test Ward");
	if (tenant_add(S, &t, &e)) {
		printf("# tenant: %s\n", e.detail);
		return -1;
	}
	snprintf(t.code, sizeof t.code, "%s", T2);
	snprintf(t.name_ja, sizeof t.name_ja, "第二区");
	snprintf(t.name_en, sizeof t.name_en, "Second Ward");
	tenant_add(S, &t, &e);
	const char *procs[] = { "inu-touroku", "gairotou-koshou", "jitensha-chushajo", "kumin-nouen",
				"nenkin-menjo" };
	for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++)
		if (publish(S, T1, procs[i]))
			return -1;
	static struct auth_config cfg;
	if (auth_config_init(&cfg, AUTH_HASH_TEST_ONLY, &e)) {
		printf("# auth config: %s\n", e.detail);
		return -1;
	}
	struct auth_staff_new st = { .tenant = T1, .login = "apply-tester",
				     .display_name = "試験 職員",
				     .password = "correct horse battery staple 42" };
	if (auth_staff_add(&STAFF_ID, S, &cfg, &st, NOW, NULL, &e)) {
		printf("# staff: %s\n", e.detail);
		return -1;
	}
	return 0;
}

/* ---- actors ---------------------------------------------------------- */

static struct apply_actor resident(int64_t id)
{
	return (struct apply_actor){ .kind = APPLY_RESIDENT, .id = id, .tenant = T1 };
}

static const char *const SEIKATSU[] = { "seikatsu-eisei" };
static const char *const DOBOKU[] = { "doboku" };

static struct apply_actor staff_of(const char *const *depts, int n)
{
	return (struct apply_actor){ .kind = APPLY_STAFF, .id = STAFF_ID, .tenant = T1,
				     .depts = depts, .ndepts = n };
}

/* ---- fees paid before submission --------------------------------------- */

/* the member of staff at the counter, as svc/payments records them */
static const struct pay_actor COUNTER_STAFF = { .login = "apply-tester", .source = "test" };
/* the same member of staff taking a fee with a submission at the counter
 * (signed in with a second factor) */
static const struct apply_cashier CASHIER = { .login = "apply-tester", .source = "test", .mfa_ok = 1 };

/* pay the fee of who's draft the honest way: the payment the draft's
 * pay step asks for (apply_fee_draft), marked paid by staff at the
 * counter (a counter receipt, as /staff/payments/{number}/counter does);
 * 0 when paid or nothing was due */
static int pay_draft(const struct apply_actor *who, int64_t draft_id, int64_t now)
{
	struct apply_fee_due due;
	struct payment pay;
	struct err e;
	int rc = apply_fee_draft(&due, &pay, S, who, draft_id, 1, now, &e);
	if (rc == ERR_NOTFOUND)   /* no such draft (submitted already): nothing to pay */
		return 0;
	if (rc) {
		printf("# fee: %s\n", e.detail);
		return -1;
	}
	if (due.amount_yen == 0 || due.paid)
		return 0;
	char src[64];
	snprintf(src, sizeof src, "counter:test-%s", pay.number);
	enum pay_outcome o;
	struct pay_receipt rr = { .method = PAY_M_COUNTER, .number = pay.number,
				  .amount_yen = pay.amount_yen, .via = "cash apply-tester",
				  .source = src, .final = 1, .must_apply = 1 };
	if (payments_receive(&o, S, who->tenant, &rr, now, &COUNTER_STAFF, &e) || o != PAY_O_APPLIED) {
		printf("# counter: %s\n", e.detail);
		return -1;
	}
	return 0;
}

/* ---- answers --------------------------------------------------------- */

static json_t *upload(const struct apply_actor *who, const char *field_proc,
		      const char *field, const char *salt)
{
	struct arena *a = arena_new(0);
	const struct forms_def *d = NULL;
	struct err e;
	json_t *meta = NULL;
	if (apply_load_def(&d, NULL, a, S,
			   &(struct apply_def_ref){ .tenant = T1, .procedure = field_proc },
			   &e) == 0) {
		char pdf[256];
		int n = snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% test %s\n1 0 obj <<>> endobj\n%%%%EOF\n", salt);
		if (apply_file_put(&meta, S, who,
				   &(struct apply_file_in){ .field = forms_def_field(d, field),
							    .name = "証明書.pdf", .data = pdf,
							    .n = (size_t)n },
				   NOW, &e))
			printf("# upload: %s\n", e.detail);
	}
	arena_free(a);
	return meta;
}

/* complete answers of inu-touroku for an owner (kana, birth) and a dog */
static json_t *inu_answers(const char *family_kana, const char *birth, const char *dog,
			   json_t *cert)
{
	json_error_t je;
	json_t *j = json_pack_ex(&je, 0,
		"{s:{s:s,s:s,s:s,s:s},s:s,s:{s:s,s:s,s:s,s:s},s:s,"
		"s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:o}",
		"applicant_name", "family", "区民", "given", "花子", "family_kana", family_kana,
		"given_kana", "ハナコ",
		"applicant_birth", birth,
		"applicant_address", "postal_code", "1660001", "pref", "東京都", "city", "デモ区",
		"street", "中央一丁目2番3号",
		"applicant_phone", "090-1234-5678",
		"dog_name", dog, "breed", "柴", "sex", "male", "coat", "茶",
		"dog_birth", "2024-01-10", "microchip", 0, "rabies_date", "2024-06-01",
		"rabies_cert", cert ? cert : json_null());
	if (!j)
		printf("# pack: %s\n", je.text);
	return j;
}

/* a complete submission of inu-touroku by who; 0 on failure */
static int64_t submit_inu(const struct apply_actor *who, const char *kana, const char *birth,
			  const char *dog, int64_t now, struct apply_submission *out)
{
	struct err e;
	int64_t did = 0;
	json_t *cert = upload(who, "inu-touroku", "rabies_cert", dog);
	json_t *ans = inu_answers(kana, birth, dog, cert);
	int rc = apply_draft_create(&did, S, who,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    now, &e);
	json_decref(ans);
	if (rc) {
		printf("# draft: %s\n", e.detail);
		return 0;
	}
	struct arena *a = arena_new(0);
	struct apply_submit_result res;
	T_EQ_INT(pay_draft(who, did, now), 0);
	rc = apply_submit(&res, a, S, who, &(struct apply_draft_submit){ .draft_id = did }, now,
			  &e);
	if (rc) {
		printf("# submit: %d %s (%d errors%s%s)\n", rc, e.detail, res.check.nerrors,
		       res.check.nerrors ? ": " : "", res.check.nerrors ? res.check.errors[0].path : "");
		arena_free(a);
		return 0;
	}
	if (out) {
		*out = res.sub;
		out->answers = NULL;
		out->sources = NULL;
	}
	arena_free(a);
	return res.sub.id;
}

static int64_t count(const char *sql)
{
	int64_t n = -1;
	struct store_val v[] = { sv_text(T1) };
	store_query_int(&n, S, sql, v, 1, NULL);
	return n;
}

/* ---- tests ------------------------------------------------------------ */

static void test_receipt_check(void)
{
	/* Luhn over 17 digits, pinned by an independent computation */
	T_EQ_INT(apply_receipt_check("139998-2026-00000121"), 0);
	T_EQ_INT(apply_receipt_check("469815-2026-00000016"), 0);
	T_EQ_INT(apply_receipt_check("139998-2026-00000123"), ERR_INVALID);   /* digit */
	T_EQ_INT(apply_receipt_check("139998-2026-00000211"), ERR_INVALID);   /* transposed */
	T_EQ_INT(apply_receipt_check("139989-2026-00000121"), ERR_INVALID);   /* tenant */
	T_EQ_INT(apply_receipt_check("139998-2027-00000121"), ERR_INVALID);   /* year */
	T_EQ_INT(apply_receipt_check("139998-2026-0000121"), ERR_INVALID);    /* short */
	T_EQ_INT(apply_receipt_check("139998-2026-000001210"), ERR_INVALID);  /* long */
	T_EQ_INT(apply_receipt_check("139998 2026-00000121"), ERR_INVALID);
	T_EQ_INT(apply_receipt_check("13999a-2026-00000121"), ERR_INVALID);
	T_EQ_INT(apply_receipt_check(""), ERR_INVALID);
	T_EQ_INT(apply_receipt_check(NULL), ERR_INVALID);
	/* every single-digit change of a good number is caught */
	char good[] = "469815-2026-00000016";
	int missed = 0;
	for (int i = 0; i < APPLY_RECEIPT_LEN; i++) {
		if (good[i] == '-')
			continue;
		char keep = good[i];
		for (char c = '0'; c <= '9'; c++) {
			if (c == keep)
				continue;
			good[i] = c;
			missed += apply_receipt_check(good) == 0;
		}
		good[i] = keep;
	}
	T_EQ_INT(missed, 0);
}

static void test_draft(void)
{
	struct apply_actor a1 = resident(101), b1 = resident(102);
	struct err e;
	int64_t id = 0;
	json_t *pre = json_pack("{s:s}", "dog_name", "ポチ");
	json_t *src = json_pack("{s:s}", "dog_name", "previous_submission");
	T_EQ_INT(apply_draft_create(&id, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = pre, .sources = src },
				    NOW, &e), 0);
	T_CHECK(id > 0);
	json_decref(pre);
	json_decref(src);
	T_EQ_INT(apply_draft_create(&id, S, &a1,
				    &(struct apply_draft_start){ .procedure = "no-such-procedure" },
				    NOW, &e),
		 ERR_NOTFOUND);
	T_EQ_INT(apply_draft_create(&id, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku" }, NOW,
				    &e), 0);
	int64_t second = id;
	struct arena *a = arena_new(0);
	struct apply_draft d;
	/* resume */
	json_t *ans = json_pack("{s:s,s:s}", "dog_name", "ハチ", "breed", "秋田");
	T_EQ_INT(apply_draft_save(S, &a1, second, ans, 1, NOW + 60, &e), 0);
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, second, &e), 0);
	T_EQ_INT(d.page, 1);
	T_EQ_STR(json_string_value(json_object_get(d.answers, "breed")), "秋田");
	T_EQ_STR(d.procedure, "inu-touroku");
	T_EQ_INT(d.version, 1);
	T_EQ_INT(d.updated_at, NOW + 60);
	/* somebody else's draft does not exist for them */
	T_EQ_INT(apply_draft_get(&d, a, S, &b1, second, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_draft_save(S, &b1, second, ans, 0, NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_draft_delete(S, &b1, second, &e), ERR_NOTFOUND);
	struct apply_actor other_tenant = { .kind = APPLY_RESIDENT, .id = 101, .tenant = T2 };
	T_EQ_INT(apply_draft_get(&d, a, S, &other_tenant, second, &e), ERR_NOTFOUND);
	json_decref(ans);
	struct apply_draft *list;
	int n = 0;
	T_EQ_INT(apply_drafts_list(&list, &n, a, S, &a1, &e), 0);
	T_EQ_INT(n, 2);
	if (n == 2) {
		T_EQ_INT(list[0].id, second);   /* newest first */
		T_EQ_STR(json_string_value(json_object_get(list[1].sources, "dog_name")),
			 "previous_submission");
	}
	T_EQ_INT(apply_drafts_list(&list, &n, a, S, &b1, &e), 0);
	T_EQ_INT(n, 0);
	/* too big */
	json_t *big = json_object();
	char *s = malloc(APPLY_ANSWERS_MAX + 10);
	memset(s, 'x', APPLY_ANSWERS_MAX + 9);
	s[APPLY_ANSWERS_MAX + 9] = 0;
	json_object_set_new(big, "dog_name", json_string(s));
	free(s);
	T_EQ_INT(apply_draft_save(S, &a1, second, big, 0, NOW, &e), ERR_LIMIT);
	json_decref(big);
	T_EQ_INT(apply_draft_delete(S, &a1, second, &e), 0);
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, second, &e), ERR_NOTFOUND);
	/* the open-drafts limit */
	struct apply_actor c1 = resident(103);
	int rc = 0, k;
	for (k = 0; k < APPLY_MAX_DRAFTS && rc == 0; k++)
		rc = apply_draft_create(&id, S, &c1,
					&(struct apply_draft_start){ .procedure = "gairotou-koshou" },
					NOW, &e);
	T_EQ_INT(rc, 0);
	T_EQ_INT(apply_draft_create(&id, S, &c1,
				    &(struct apply_draft_start){ .procedure = "gairotou-koshou" },
				    NOW, &e), ERR_LIMIT);
	arena_free(a);
}

static void test_submit_invalid(void)
{
	struct apply_actor a1 = resident(111);
	struct err e;
	int64_t did = 0;
	json_t *ans = json_pack("{s:s}", "dog_name", "ポチ");
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	struct arena *a = arena_new(0);
	struct apply_submit_result res;
	int64_t before = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_INVALID);
	T_CHECK(res.check.nerrors > 0);
	/* no value in the detail, nothing written, the draft kept */
	T_CHECK(strstr(e.detail, "ポチ") == NULL);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, did, &e), 0);
	/* a file answer that is not an upload of this resident */
	json_t *fake = json_pack("{s:s,s:s,s:i,s:s}", "name", "x.pdf", "type", "application/pdf",
				 "size", 100, "sha256",
				 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ans = inu_answers("クミン", "1985-04-01", "タロ", fake);
	T_EQ_INT(apply_draft_save(S, &a1, did, ans, 1, NOW, &e), 0);
	json_decref(ans);
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_INVALID);
	T_EQ_INT(res.check.nerrors, 1);
	if (res.check.nerrors == 1) {
		T_EQ_STR(res.check.errors[0].path, "rabies_cert");
		T_EQ_STR(res.check.errors[0].code, "file_missing");
	}
	/* another resident's upload is not theirs either */
	struct apply_actor b1 = resident(112);
	json_t *bcert = upload(&b1, "inu-touroku", "rabies_cert", "b-own");
	T_REQUIRE(bcert);
	ans = inu_answers("クミン", "1985-04-01", "タロ", bcert);
	T_EQ_INT(apply_draft_save(S, &a1, did, ans, 1, NOW, &e), 0);
	json_decref(ans);
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_INVALID);
	T_EQ_INT(res.check.nerrors, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	arena_free(a);
}

static void test_submit_ok(void)
{
	struct apply_actor a1 = resident(121);
	struct err e;
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "ok");
	T_REQUIRE(cert);
	char sha[65];
	snprintf(sha, sizeof sha, "%s", json_string_value(json_object_get(cert, "sha256")));
	/* the same bytes twice: stored once */
	json_t *again = upload(&a1, "inu-touroku", "rabies_cert", "ok");
	json_decref(again);
	struct store_val sv[] = { sv_text(T1), sv_text(sha) };
	int64_t nf = -1;
	store_query_int(&nf, S, "SELECT count(*) FROM apply_files WHERE tenant = $1 AND sha256 = $2",
			sv, 2, NULL);
	T_EQ_INT(nf, 1);
	json_t *ans = inu_answers("クミン", "1985-04-01", "ポチ", cert);
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	struct arena *a = arena_new(0);
	/* the bytes to sign are the canonical form */
	struct apply_canonical_result cr;
	T_EQ_INT(apply_canonical(&cr, a, S, &a1, did, NOW, &e), 0);
	char *text = cr.text;
	size_t len = cr.len;
	T_CHECK(text && strncmp(text, "{\"answers\":{", 12) == 0);
	char csha[65] = "";
	if (text)
		forms_sha256_hex(csha, text, len);
	struct apply_submit_result res;
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), 0);
	T_EQ_INT(res.check.nerrors, 0);
	T_EQ_INT(apply_receipt_check(res.sub.receipt), 0);
	T_CHECK(strncmp(res.sub.receipt, "469815-2026-", 12) == 0);
	T_EQ_STR(res.sub.status, "received");
	T_EQ_INT(res.sub.revision, 1);
	T_EQ_STR(res.sub.department, "seikatsu-eisei");
	T_EQ_STR(res.sub.sha256, csha);
	T_EQ_INT(res.sub.resident_id, 121);
	T_CHECK(res.sub.due_at > NOW);
	/* the draft is gone */
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, did, &e), ERR_NOTFOUND);
	/* read back */
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &a1, res.sub.id, &e), 0);
	T_EQ_STR(got.receipt, res.sub.receipt);
	T_EQ_STR(json_string_value(json_object_get(got.answers, "dog_name")), "ポチ");
	/* normalised: the phone as digits with hyphens, kana kept */
	T_EQ_STR(json_string_value(json_object_get(json_object_get(got.answers, "applicant_name"),
						  "family_kana")), "クミン");
	T_EQ_STR(got.sha256, csha);
	T_EQ_INT(apply_get_by_receipt(&got, a, S, &a1, res.sub.receipt, &e), 0);
	T_EQ_INT(got.id, res.sub.id);
	/* history: one "submitted" event */
	struct apply_history_item *h;
	int n = 0;
	T_EQ_INT(apply_history(&h, &n, a, S, &a1, res.sub.id, &e), 0);
	T_EQ_INT(n, 1);
	if (n == 1) {
		T_EQ_STR(h[0].kind, "submitted");
		T_EQ_STR(h[0].to, "received");
		T_EQ_INT(h[0].actor_id, 121);
	}
	/* the file is linked and readable by its owner */
	struct apply_file f;
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), 0);
	T_CHECK(f.size > 0 && memcmp(f.data, "%PDF-", 5) == 0);
	T_EQ_STR(f.type, "application/pdf");
	struct store_val lv[] = { sv_int(res.sub.id) };
	int64_t links = -1;
	store_query_int(&links, S, "SELECT count(*) FROM apply_submission_files WHERE submission_id = $1",
			lv, 1, NULL);
	T_EQ_INT(links, 1);
	/* the draft cannot be submitted twice */
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_NOTFOUND);
	/* consecutive receipts */
	struct apply_submission s2;
	T_CHECK(submit_inu(&a1, "クミン", "1985-04-01", "ハチ", NOW, &s2) > 0);
	T_CHECK(strcmp(s2.receipt, res.sub.receipt) > 0);
	arena_free(a);
}

static void test_ownership(void)
{
	struct apply_actor a1 = resident(131), b1 = resident(132);
	struct apply_submission sub;
	int64_t id = submit_inu(&a1, "アオキ", "1970-01-02", "シロ", NOW, &sub);
	T_REQUIRE(id > 0);
	struct arena *a = arena_new(0);
	struct err e;
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &b1, id, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_get_by_receipt(&got, a, S, &b1, sub.receipt, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_withdraw(S, &b1, id, NOW, &e), ERR_NOTFOUND);
	int64_t did = 0;
	T_EQ_INT(apply_correct(&did, S, &b1, id, NOW, &e), ERR_NOTFOUND);
	struct apply_history_item *h;
	int n;
	T_EQ_INT(apply_history(&h, &n, a, S, &b1, id, &e), ERR_NOTFOUND);
	/* A's file: B cannot read it, A can */
	struct apply_file f;
	char sha[65];
	struct store_val v[] = { sv_int(id) };
	char *x = NULL;
	store_query_text(&x, S, "SELECT f.sha256 FROM apply_files f JOIN apply_submission_files l"
			 " ON l.file_id = f.id WHERE l.submission_id = $1", v, 1, NULL);
	T_REQUIRE(x);
	snprintf(sha, sizeof sha, "%s", x);
	free(x);
	T_EQ_INT(apply_file_get(&f, a, S, &b1, sha, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), 0);
	/* B's list does not show it; A's does */
	struct apply_filter fl = { .assignee = -1 };
	struct apply_submission *list;
	T_EQ_INT(apply_list(&list, &n, a, S, &b1, &fl, &e), 0);
	T_EQ_INT(n, 0);
	T_EQ_INT(apply_list(&list, &n, a, S, &a1, &fl, &e), 0);
	T_EQ_INT(n, 1);
	/* the same resident id in another tenant is somebody else */
	struct apply_actor t2 = { .kind = APPLY_RESIDENT, .id = 131, .tenant = T2 };
	T_EQ_INT(apply_get(&got, a, S, &t2, id, &e), ERR_NOTFOUND);
	arena_free(a);
}

static void test_staff_scope(void)
{
	struct apply_actor a1 = resident(141);
	struct apply_submission sub;
	int64_t id = submit_inu(&a1, "イシイ", "1960-03-03", "クロ", NOW, &sub);
	T_REQUIRE(id > 0);
	struct apply_actor x = staff_of(SEIKATSU, 1), y = staff_of(DOBOKU, 1),
			   all = staff_of(NULL, -1), none = staff_of(NULL, 0);
	struct arena *a = arena_new(0);
	struct err e;
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &x, id, &e), 0);
	T_CHECK(got.answers != NULL);
	T_EQ_INT(apply_get(&got, a, S, &all, id, &e), 0);
	T_EQ_INT(apply_get(&got, a, S, &y, id, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_get(&got, a, S, &none, id, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_get_by_receipt(&got, a, S, &y, sub.receipt, &e), ERR_NOTFOUND);
	struct apply_event ev;
	T_EQ_INT(apply_transition(&ev, S, &y, &(struct apply_move){ .id = id, .to = "in_review" },
				  NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_assign(S, &y, id, STAFF_ID, NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_comment(S, &y, id, "見ました", NOW, &e), ERR_NOTFOUND);
	struct apply_history_item *h;
	int n;
	T_EQ_INT(apply_history(&h, &n, a, S, &y, id, &e), ERR_NOTFOUND);
	char *sha = NULL;
	struct store_val v[] = { sv_int(id) };
	store_query_text(&sha, S, "SELECT f.sha256 FROM apply_files f JOIN apply_submission_files l"
			 " ON l.file_id = f.id WHERE l.submission_id = $1", v, 1, NULL);
	T_REQUIRE(sha);
	struct apply_file f;
	T_EQ_INT(apply_file_get(&f, a, S, &x, sha, &e), 0);
	T_EQ_INT(apply_file_get(&f, a, S, &y, sha, &e), ERR_NOTFOUND);
	free(sha);
	/* lists: X sees it, Y does not, a department filter cannot widen */
	struct apply_filter fl = { .assignee = -1 };
	struct apply_submission *list;
	T_EQ_INT(apply_list(&list, &n, a, S, &y, &fl, &e), 0);
	T_EQ_INT(n, 0);
	fl.department = "seikatsu-eisei";
	T_EQ_INT(apply_list(&list, &n, a, S, &y, &fl, &e), 0);
	T_EQ_INT(n, 0);
	T_EQ_INT(apply_list(&list, &n, a, S, &x, &fl, &e), 0);
	T_CHECK(n >= 1);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		seen |= list[i].id == id;
		T_EQ_STR(list[i].department, "seikatsu-eisei");
		T_CHECK(list[i].answers == NULL);
	}
	T_CHECK(seen);
	struct apply_count *c;
	T_EQ_INT(apply_counts(&c, &n, a, S, &y, NULL, &e), 0);
	T_EQ_INT(n, 0);
	/* a resident is not staff */
	T_EQ_INT(apply_transition(&ev, S, &a1, &(struct apply_move){ .id = id, .to = "in_review" },
				  NOW, &e), ERR_DENIED);
	arena_free(a);
}

/* drive a new submission to state st; its id, or 0 */
static int64_t at_state(const char *st, int64_t rid)
{
	struct apply_actor a1 = resident(rid);
	struct apply_actor x = staff_of(SEIKATSU, 1);
	char dog[32];
	snprintf(dog, sizeof dog, "犬%lld", (long long)rid);
	int64_t id = submit_inu(&a1, "ウエダ", "1990-09-09", dog, NOW, NULL);
	if (!id)
		return 0;
	struct apply_event ev;
	struct err e;
	int rc = 0;
	if (strcmp(st, "in_review") == 0 || strcmp(st, "returned") == 0 ||
	    strcmp(st, "approved") == 0 || strcmp(st, "rejected") == 0)
		rc = apply_transition(&ev, S, &x,
				      &(struct apply_move){ .id = id, .expect_from = "received",
							    .to = st, .note = "理由" },
				      NOW, &e);
	else if (strcmp(st, "completed") == 0) {
		rc = apply_transition(&ev, S, &x,
				      &(struct apply_move){ .id = id, .expect_from = "received",
							    .to = "approved" },
				      NOW, &e);
		if (rc == 0)
			rc = apply_transition(&ev, S, &x,
					      &(struct apply_move){ .id = id,
								    .expect_from = "approved",
								    .to = "completed" },
					      NOW, &e);
	} else if (strcmp(st, "withdrawn") == 0)
		rc = apply_withdraw(S, &a1, id, NOW, &e);
	if (rc) {
		printf("# to %s: %s\n", st, e.detail);
		return 0;
	}
	return id;
}

static void test_transitions(void)
{
	static const char *const st[] = { "received", "in_review", "returned", "approved",
					  "rejected", "completed", "withdrawn" };
	/* staff's moves, exactly the table of apply.h */
	static const char *const allowed[] = {
		"received>in_review", "received>returned", "received>approved", "received>rejected",
		"in_review>returned", "in_review>approved", "in_review>rejected",
		"approved>completed",
	};
	struct apply_actor x = staff_of(SEIKATSU, 1);
	int64_t rid = 10000;
	for (size_t i = 0; i < 7; i++)
		for (size_t j = 0; j < 7; j++) {
			int64_t id = at_state(st[i], ++rid);
			T_REQUIRE(id > 0);
			char key[64];
			snprintf(key, sizeof key, "%s>%s", st[i], st[j]);
			int want = 0;
			for (size_t k = 0; k < sizeof allowed / sizeof allowed[0]; k++)
				want |= strcmp(allowed[k], key) == 0;
			struct apply_event ev;
			struct err e;
			int rc = apply_transition(&ev, S, &x,
						  &(struct apply_move){ .id = id, .to = st[j],
									.note = "お知らせ" },
						  NOW + 1, &e);
			if (rc != (want ? 0 : ERR_CONFLICT))
				T_FAIL_("%s: got %d, want %d", key, rc, want ? 0 : ERR_CONFLICT);
			if (want && rc == 0) {
				T_EQ_STR(ev.from, st[i]);
				T_EQ_STR(ev.to, st[j]);
				T_EQ_INT(ev.resident_id, rid);
				T_EQ_INT(ev.submission_id, id);
				T_EQ_INT(apply_receipt_check(ev.receipt), 0);
			}
		}
}

static void test_notes_and_expect(void)
{
	struct apply_actor x = staff_of(SEIKATSU, 1);
	int64_t id = at_state("received", 20001);
	T_REQUIRE(id > 0);
	struct apply_event ev;
	struct err e;
	T_EQ_INT(apply_transition(&ev, S, &x, &(struct apply_move){ .id = id, .to = "returned" },
				  NOW, &e), ERR_INVALID);
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .to = "returned", .note = "" },
				  NOW, &e), ERR_INVALID);
	T_EQ_INT(apply_transition(&ev, S, &x, &(struct apply_move){ .id = id, .to = "rejected" },
				  NOW, &e), ERR_INVALID);
	char big[APPLY_COMMENT_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .to = "returned", .note = big },
				  NOW, &e), ERR_LIMIT);
	/* the state changed meanwhile */
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .expect_from = "in_review",
							.to = "approved" },
				  NOW, &e),
		 ERR_CONFLICT);
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .expect_from = "received",
							.to = "in_review" },
				  NOW, &e), 0);
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .expect_from = "received",
							.to = "approved" },
				  NOW, &e),
		 ERR_CONFLICT);
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .expect_from = "in_review",
							.to = "returned", .note = "写真が読めません。" },
				  NOW + 5, &e), 0);
	struct arena *a = arena_new(0);
	struct apply_actor a1 = resident(20001);
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &a1, id, &e), 0);
	T_EQ_STR(got.status, "returned");
	T_EQ_STR(got.return_note, "写真が読めません。");
	arena_free(a);
	/* an unknown state is refused */
	int64_t id2 = at_state("received", 20002);
	T_EQ_INT(apply_transition(&ev, S, &x, &(struct apply_move){ .id = id2, .to = "lost" }, NOW,
				  &e), ERR_CONFLICT);
}

static void test_staff_states(void)
{
	/* gairotou-koshou lists received, in_review, completed, rejected */
	struct apply_actor a1 = resident(30001);
	struct err e;
	json_t *ans = json_pack("{s:s,s:s,s:b}", "location", "中央一丁目の公園前",
				"state", "off", "wants_reply", 0);
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "gairotou-koshou",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	struct arena *a = arena_new(0);
	struct apply_submit_result res;
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), 0);
	T_EQ_STR(res.sub.department, "doboku");
	struct apply_actor y = staff_of(DOBOKU, 1);
	struct apply_event ev;
	T_EQ_INT(apply_transition(&ev, S, &y,
				  &(struct apply_move){ .id = res.sub.id, .to = "approved" }, NOW,
				  &e), ERR_CONFLICT);
	T_EQ_INT(apply_transition(&ev, S, &y,
				  &(struct apply_move){ .id = res.sub.id, .to = "returned",
							.note = "x" },
				  NOW, &e), ERR_CONFLICT);
	T_EQ_INT(apply_transition(&ev, S, &y,
				  &(struct apply_move){ .id = res.sub.id, .to = "in_review" }, NOW,
				  &e), 0);
	T_EQ_INT(apply_transition(&ev, S, &y,
				  &(struct apply_move){ .id = res.sub.id, .to = "rejected",
							.note = "重複" },
				  NOW, &e), 0);
	arena_free(a);
}

static void test_resubmit(void)
{
	struct apply_actor a1 = resident(40001), x = staff_of(SEIKATSU, 1);
	struct apply_submission sub;
	int64_t id = submit_inu(&a1, "エンドウ", "1975-07-07", "モモ", NOW, &sub);
	T_REQUIRE(id > 0);
	struct err e;
	int64_t did = 0;
	T_EQ_INT(apply_correct(&did, S, &a1, id, NOW, &e), ERR_CONFLICT);   /* not returned */
	struct apply_event ev;
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .to = "returned",
							.note = "犬の名前を確認してください。" },
				  NOW + 10, &e), 0);
	T_EQ_INT(apply_correct(&did, S, &a1, id, NOW + 20, &e), 0);
	T_CHECK(did > 0);
	int64_t again = 0;
	T_EQ_INT(apply_correct(&again, S, &a1, id, NOW + 21, &e), 0);
	T_EQ_INT(again, did);                                  /* one correction draft */
	struct arena *a = arena_new(0);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, did, &e), 0);
	T_EQ_INT(d.submission_id, id);
	T_EQ_STR(json_string_value(json_object_get(d.answers, "dog_name")), "モモ");
	json_t *ans = json_deep_copy(d.answers);
	json_object_set_new(ans, "dog_name", json_string("モモコ"));
	T_EQ_INT(apply_draft_save(S, &a1, did, ans, 1, NOW + 30, &e), 0);
	json_decref(ans);
	struct apply_submit_result res;
	/* the fee was paid with the submission it corrects: nothing more */
	struct apply_fee_due due;
	struct payment none;
	T_EQ_INT(apply_fee_draft(&due, &none, S, &a1, did, 1, NOW + 35, &e), 0);
	T_EQ_INT(due.amount_yen, 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did },
			      NOW + 40, &e), 0);
	T_EQ_INT(res.sub.id, id);
	T_CHECK(sub.payment[0] != 0);
	T_EQ_STR(res.sub.payment, sub.payment);
	T_EQ_STR(res.sub.receipt, sub.receipt);
	T_EQ_INT(res.sub.revision, 2);
	T_EQ_STR(res.sub.status, "received");
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &a1, id, &e), 0);
	T_EQ_INT(got.revision, 2);
	T_EQ_STR(got.status, "received");
	T_EQ_STR(json_string_value(json_object_get(got.answers, "dog_name")), "モモコ");
	T_EQ_INT(got.submitted_at, NOW);
	T_EQ_INT(got.updated_at, NOW + 40);
	struct apply_history_item *h;
	int n = 0;
	T_EQ_INT(apply_history(&h, &n, a, S, &a1, id, &e), 0);
	T_EQ_INT(n, 3);
	if (n == 3) {
		T_EQ_STR(h[1].kind, "transition");
		T_EQ_STR(h[1].text, "犬の名前を確認してください。");
		T_EQ_STR(h[2].kind, "resubmitted");
		T_EQ_STR(h[2].from, "returned");
		T_EQ_STR(h[2].to, "received");
	}
	/* only one submission row for the receipt */
	struct store_val v[] = { sv_text(sub.receipt) };
	int64_t rows = -1;
	store_query_int(&rows, S, "SELECT count(*) FROM apply_submissions WHERE receipt = $1", v, 1, NULL);
	T_EQ_INT(rows, 1);
	arena_free(a);
}

static void test_withdraw(void)
{
	struct err e;
	int64_t id = at_state("received", 50001);
	struct apply_actor a1 = resident(50001), x = staff_of(SEIKATSU, 1);
	T_EQ_INT(apply_withdraw(S, &x, id, NOW, &e), ERR_DENIED);
	T_EQ_INT(apply_withdraw(S, &a1, id, NOW, &e), 0);
	T_EQ_INT(apply_withdraw(S, &a1, id, NOW, &e), ERR_CONFLICT);
	id = at_state("in_review", 50002);
	a1 = resident(50002);
	T_EQ_INT(apply_withdraw(S, &a1, id, NOW, &e), 0);
	id = at_state("returned", 50003);
	a1 = resident(50003);
	int64_t did = 0;
	T_EQ_INT(apply_correct(&did, S, &a1, id, NOW, &e), 0);
	T_EQ_INT(apply_withdraw(S, &a1, id, NOW, &e), 0);
	struct arena *a = arena_new(0);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, did, &e), ERR_NOTFOUND);  /* correction gone */
	struct apply_history_item *h;
	int n = 0;
	T_EQ_INT(apply_history(&h, &n, a, S, &a1, id, &e), 0);
	T_CHECK(n >= 1 && strcmp(h[n - 1].kind, "withdrawn") == 0);
	arena_free(a);
	const char *finals[] = { "approved", "rejected", "completed" };
	for (int i = 0; i < 3; i++) {
		id = at_state(finals[i], 50010 + i);
		a1 = resident(50010 + i);
		T_EQ_INT(apply_withdraw(S, &a1, id, NOW, &e), ERR_CONFLICT);
	}
}

/* 1 when submission id is in the actor's list for f, 0 when not, -1 on error */
static int in_list(struct arena *a, const struct apply_actor *who,
		   const struct apply_filter *f, int64_t id)
{
	struct apply_submission *list;
	int n = 0, found = 0;
	struct err e;
	if (apply_list(&list, &n, a, S, who, f, &e) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		found |= list[i].id == id;
	return found;
}

static void test_overdue(void)
{
	struct apply_actor a1 = resident(60001), x = staff_of(SEIKATSU, 1);
	struct apply_submission sub;
	int64_t id = submit_inu(&a1, "オオタ", "1950-05-05", "リク", NOW, &sub);
	T_REQUIRE(id > 0);
	/* inu-touroku: 10 business days from Friday 2026-11-20 (11-23 a
	 * holiday) is Monday 12-07; due at its last second in Japan */
	int64_t due = 1796655599;   /* 2026-12-07T23:59:59+09:00 */
	T_EQ_INT(sub.due_at, due);
	struct arena *a = arena_new(0);
	struct err e;
	struct apply_filter f = { .assignee = -1, .overdue = 1, .now = due };
T_EQ_INT(in_list(a, &x, &f, id), 0);
	f.now = due + 1;
	T_EQ_INT(in_list(a, &x, &f, id), 1);
	/* in review it is still overdue; completed it is not */
	struct apply_event ev;
	T_EQ_INT(apply_transition(&ev, S, &x, &(struct apply_move){ .id = id, .to = "approved" },
				  NOW, &e), 0);
	T_EQ_INT(in_list(a, &x, &f, id), 1);
	T_EQ_INT(apply_transition(&ev, S, &x, &(struct apply_move){ .id = id, .to = "completed" },
				  NOW, &e), 0);
	T_EQ_INT(in_list(a, &x, &f, id), 0);
	/* calendar days outside the holiday table, 0 without a target */
	T_EQ_INT(apply_due_at(NOW, 0), 0);
	arena_free(a);
}

static void test_duplicates(void)
{
	struct apply_actor a1 = resident(70001), b1 = resident(70002), x = staff_of(SEIKATSU, 1);
	struct apply_submission s1, s2, s3, s4, s5;
	int64_t t0 = NOW + 100000;
	T_REQUIRE(submit_inu(&a1, "ツジ", "1981-01-01", "コロ", t0, &s1));
	T_EQ_INT(s1.duplicate_of, 0);
	/* the same answers again: same canonical form */
	T_REQUIRE(submit_inu(&a1, "ツジ", "1981-01-01", "コロ", t0 + 60, &s2));
	T_EQ_INT(s2.duplicate_of, s1.id);
	/* another dog, same applicant (kana in hiragana and spaced: folded) */
	T_REQUIRE(submit_inu(&a1, "つじ", "1981-01-01", "マル", t0 + 120, &s3));
	T_EQ_INT(s3.duplicate_of, s2.id);
	/* another applicant: not a duplicate */
	T_REQUIRE(submit_inu(&b1, "ツジ", "1982-02-02", "コロ", t0 + 180, &s4));
	T_EQ_INT(s4.duplicate_of, 0);
	/* withdrawn ones and ones older than 30 days do not count */
	struct err e;
	T_EQ_INT(apply_withdraw(S, &b1, s4.id, t0 + 200, &e), 0);
	struct apply_submission s6;
	T_REQUIRE(submit_inu(&b1, "ツジ", "1982-02-02", "ポン", t0 + 240, &s6));
	T_EQ_INT(s6.duplicate_of, 0);
	T_REQUIRE(submit_inu(&a1, "ツジ", "1981-01-01", "コロ", t0 + 31 * 86400, &s5));
	T_EQ_INT(s5.duplicate_of, 0);
	/* the inbox filter */
	struct arena *a = arena_new(0);
	struct apply_filter f = { .assignee = -1, .duplicates = 1 };
	struct apply_submission *list;
	int n = 0, seen2 = 0, seen1 = 0;
	T_EQ_INT(apply_list(&list, &n, a, S, &x, &f, &e), 0);
	for (int i = 0; i < n; i++) {
		T_CHECK(list[i].duplicate_of != 0);
		seen2 |= list[i].id == s2.id;
		seen1 |= list[i].id == s1.id;
	}
	T_CHECK(seen2 && !seen1);
	arena_free(a);
}

static void test_assign_comment_history(void)
{
	struct apply_actor a1 = resident(80001), x = staff_of(SEIKATSU, 1);
	int64_t id = at_state("received", 80001);
	T_REQUIRE(id > 0);
	struct err e;
	T_EQ_INT(apply_assign(S, &x, id, 999999, NOW, &e), ERR_NOTFOUND);
	/* the assignee must see the submission in their own inbox (issue
	 * #12): no applications.read, or another department, is refused */
	T_EQ_INT(apply_assign(S, &x, id, STAFF_ID, NOW + 1, &e), ERR_DENIED);
	T_EQ_INT(auth_role_create(S, T1, "assign-other", "他課", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "assign-other", "applications.read", NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "assign-other", "dept.doboku", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_grant(S, T1, STAFF_ID, "assign-other", NULL, &e), 0);
	T_EQ_INT(apply_assign(S, &x, id, STAFF_ID, NOW + 1, &e), ERR_DENIED);
	T_EQ_INT(auth_role_create(S, T1, "assign-dept", "生活衛生の部署だけ", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "assign-dept", "dept.seikatsu_eisei", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_grant(S, T1, STAFF_ID, "assign-dept", NULL, &e), 0);
	T_EQ_INT(apply_assign(S, &x, id, STAFF_ID, NOW + 1, &e), 0);
	T_EQ_INT(apply_comment(S, &x, id, "電話で確認済み", NOW + 2, &e), 0);
	T_EQ_INT(apply_comment(S, &x, id, "", NOW + 2, &e), ERR_INVALID);
	T_EQ_INT(apply_comment(S, &a1, id, "私のコメント", NOW + 2, &e), ERR_DENIED);
	struct arena *a = arena_new(0);
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &x, id, &e), 0);
	T_EQ_INT(got.assignee, STAFF_ID);
	struct apply_history_item *h;
	int n = 0;
	T_EQ_INT(apply_history(&h, &n, a, S, &x, id, &e), 0);
	T_EQ_INT(n, 3);
	if (n == 3) {
		T_EQ_STR(h[1].kind, "assign");
		T_EQ_INT(h[1].internal, 1);
		T_EQ_STR(h[2].kind, "comment");
		T_EQ_STR(h[2].text, "電話で確認済み");
		T_EQ_INT(h[2].internal, 1);
		T_EQ_INT(h[2].actor_kind, APPLY_STAFF);
	}
	/* the resident sees no internal item */
	T_EQ_INT(apply_history(&h, &n, a, S, &a1, id, &e), 0);
	T_EQ_INT(n, 1);
	/* assignee filter */
	struct apply_filter f = { .assignee = STAFF_ID };
	struct apply_submission *list;
	T_EQ_INT(apply_list(&list, &n, a, S, &x, &f, &e), 0);
	T_EQ_INT(n, 1);
	T_EQ_INT(apply_assign(S, &x, id, 0, NOW + 3, &e), 0);
	T_EQ_INT(apply_list(&list, &n, a, S, &x, &f, &e), 0);
	T_EQ_INT(n, 0);
	arena_free(a);
	/* the tests after this one start from a member of staff without roles */
	T_EQ_INT(auth_staff_role_revoke(S, T1, STAFF_ID, "assign-other", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_revoke(S, T1, STAFF_ID, "assign-dept", NULL, &e), 0);
}

static void test_paging_counts(void)
{
	struct apply_actor x = staff_of(SEIKATSU, 1);
	struct arena *a = arena_new(0);
	struct err e;
	struct apply_filter f = { .assignee = -1, .limit = 3 };
	struct apply_submission *page;
	int n = 0, total = 0;
	int64_t last = 0, prev = INT64_MAX;
	int ordered = 1;
	for (;;) {
		f.after_id = last;
		T_EQ_INT(apply_list(&page, &n, a, S, &x, &f, &e), 0);
		T_CHECK(n <= 3);
		for (int i = 0; i < n; i++) {
			ordered &= page[i].id < prev;
			prev = page[i].id;
		}
		total += n;
		if (n < 3)
			break;
		last = page[n - 1].id;
	}
	T_CHECK(ordered);
	int64_t want = -1;
	struct store_val v[] = { sv_text(T1) };
	store_query_int(&want, S, "SELECT count(*) FROM apply_submissions WHERE tenant = $1"
			" AND department = 'seikatsu-eisei'", v, 1, NULL);
	T_EQ_INT(total, want);
	struct apply_count *c;
	T_EQ_INT(apply_counts(&c, &n, a, S, &x, NULL, &e), 0);
	int64_t sum = 0, received = -1;
	for (int i = 0; i < n; i++) {
		sum += c[i].n;
		if (strcmp(c[i].status, "received") == 0)
			received = c[i].n;
	}
	T_EQ_INT(sum, want);
	int64_t wr = -2;
	store_query_int(&wr, S, "SELECT count(*) FROM apply_submissions WHERE tenant = $1"
			" AND department = 'seikatsu-eisei' AND status = 'received'", v, 1, NULL);
	T_EQ_INT(received, wr);
	arena_free(a);
}

/* the answers a 転入 interview shares with the bundle's drafts */
static json_t *bundle_shared(void);
static void jitensha_complete(struct arena *a, const struct apply_actor *who, int64_t jit,
			      const char *registration_no);

/* a fee paid before submission (fee.c): refused until paid, the
 * payment asked for once per draft, recorded with the submission */
static void test_fee_before(void)
{
	struct apply_actor a1 = resident(41001), b1 = resident(41002);
	struct err e;
	struct arena *a = arena_new(0);
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "fee");
	json_t *ans = inu_answers("フジ", "1980-02-02", "ハチ", cert);
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	int64_t subs0 = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	int64_t pays0 = count("SELECT count(*) FROM payments WHERE tenant = $1");
	/* not paid: refused, nothing written, the draft kept */
	struct apply_submit_result res;
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_CONFLICT);
	T_EQ_INT(res.fee_unpaid, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), subs0);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, did, &e), 0);
	/* the state alone asks for nothing */
	struct apply_fee_due due;
	struct payment p1, p2;
	T_EQ_INT(apply_fee_draft(&due, &p1, S, &a1, did, 0, NOW, &e), 0);
	T_EQ_INT(due.amount_yen, 3000);
	T_EQ_INT(due.have, 0);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays0);
	/* asked for: once, by the draft's key; no personal data in it */
	T_EQ_INT(apply_fee_draft(&due, &p1, S, &a1, did, 1, NOW, &e), 0);
	T_EQ_INT(due.have, 1);
	T_EQ_INT(due.paid, 0);
	T_EQ_INT(due.bundle_id, 0);
	T_EQ_STR(p1.key, arena_printf(a, "draft:%lld:3000", (long long)did));
	T_EQ_STR(p1.reference, arena_printf(a, "draft-%lld", (long long)did));
	T_EQ_STR(p1.return_url, arena_printf(a, "/drafts/%lld/confirm", (long long)did));
	T_EQ_STR(p1.service, "apply");
	T_EQ_INT(p1.amount_yen, 3000);
	T_EQ_INT(p1.account, 41001);
	T_CHECK(strstr(p1.description, "フジ") == NULL && strstr(p1.description, "ハチ") == NULL);
	T_EQ_INT(apply_fee_draft(&due, &p2, S, &a1, did, 1, NOW + 5, &e), 0);
	T_EQ_STR(p2.number, p1.number);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays0 + 1);
	/* somebody else's draft: not found, nothing asked for */
	T_EQ_INT(apply_fee_draft(&due, &p2, S, &b1, did, 1, NOW, &e), ERR_NOTFOUND);
	/* chosen (pending) is not paid */
	static const struct pay_rails rails = { "99998", "999980", "00001" };
	T_EQ_INT(payments_choose(&p2, S, T1, p1.number, PAY_M_KONBINI, &rails, NOW + 10,
				 &COUNTER_STAFF, &e), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_CONFLICT);
	T_EQ_INT(res.fee_unpaid, 1);
	/* a resident cannot say they paid at the counter */
	T_EQ_INT(apply_submit(&res, a, S, &a1,
			      &(struct apply_draft_submit){ .draft_id = did,
							    .opts.counter_fee = &CASHIER },
			      NOW, &e), ERR_INVALID);
	/* paid (staff at the counter): submitted, naming the payment */
	T_EQ_INT(pay_draft(&a1, did, NOW + 20), 0);
	T_EQ_INT(apply_fee_draft(&due, &p2, S, &a1, did, 0, NOW + 21, &e), 0);
	T_EQ_INT(due.paid, 1);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did },
			      NOW + 30, &e), 0);
	T_EQ_STR(res.sub.payment, p1.number);
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &a1, res.sub.id, &e), 0);
	T_EQ_STR(got.payment, p1.number);
	struct payment fp;
	const struct forms_def *def = NULL;
	T_EQ_INT(apply_load_def(&def, NULL, a, S,
				&(struct apply_def_ref){ .tenant = T1, .procedure = "inu-touroku" }, &e), 0);
	T_EQ_INT(apply_fee_payment(&fp, S, T1, &got, def, &e), 0);
	T_EQ_STR(fp.number, p1.number);
	T_EQ_INT(fp.state, PAY_PAID);
	/* the inbox list carries it too */
	struct apply_actor x = staff_of(SEIKATSU, 1);
	struct apply_submission *list;
	int n = 0;
	T_EQ_INT(apply_list(&list, &n, a, S, &x,
			    &(struct apply_filter){ .assignee = -1, .limit = 5, .now = NOW + 40 }, &e), 0);
	T_CHECK(n > 0 && strcmp(list[0].payment, p1.number) == 0);
	/* a free procedure's submission names no payment */
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"
		       " AND procedure = 'gairotou-koshou' AND payment <> ''"), 0);
	arena_free(a);
}

/* a draft's payment that expired (the resident waited past its due
 * day) is not the end: the pay step asks for another; money that arrives
 * late for the expired one still pays the draft, and a bundle's withdrawn
 * payment paid late pays the bundle (nothing asked twice) */
static void test_fee_expired_and_late(void)
{
	struct apply_actor a1 = resident(43001);
	struct err e;
	struct arena *a = arena_new(0);
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "fee-exp");
	json_t *ans = inu_answers("モモ", "1981-03-03", "ポチ", cert);
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	struct apply_fee_due due;
	struct payment p1, p2, p3;
	T_EQ_INT(apply_fee_draft(&due, &p1, S, &a1, did, 1, NOW, &e), 0);
	T_EQ_INT(payments_withdraw(S, T1, p1.number, "past its due day", NOW + 1, &COUNTER_STAFF, &e), 0);
	/* the state: nothing live, nothing paid */
	T_EQ_INT(apply_fee_draft(&due, &p2, S, &a1, did, 0, NOW + 2, &e), 0);
	T_EQ_INT(due.have, 0);
	T_EQ_INT(due.paid, 0);
	/* asked again: a new payment, the next key, payable */
	T_EQ_INT(apply_fee_draft(&due, &p2, S, &a1, did, 1, NOW + 3, &e), 0);
	T_EQ_INT(due.have, 1);
	T_CHECK(strcmp(p2.number, p1.number) != 0);
	T_EQ_STR(p2.key, arena_printf(a, "draft:%lld:3000:1", (long long)did));
	T_EQ_INT(p2.state, PAY_CREATED);
	T_EQ_INT(apply_fee_draft(&due, &p3, S, &a1, did, 1, NOW + 4, &e), 0);
	T_EQ_STR(p3.number, p2.number);   /* and the same one again */
	/* the expired one's money arrives late: the draft is paid by it */
	struct pay_receipt cr = { .method = PAY_M_COUNTER, .number = p1.number, .amount_yen = 3000,
				  .source = "counter:late-43001" };
	enum pay_outcome o;
	T_EQ_INT(payments_receive(&o, S, T1, &cr, NOW + 5, &COUNTER_STAFF, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	T_EQ_INT(apply_fee_draft(&due, &p3, S, &a1, did, 1, NOW + 6, &e), 0);
	T_EQ_INT(due.paid, 1);
	T_EQ_STR(p3.number, p1.number);
	struct apply_submit_result res;
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW + 7,
			      &e), 0);
	T_EQ_STR(res.sub.payment, p1.number);

	/* a bundle: its payment withdrawn when a draft left, then paid late
	 * (a slip already printed): the bundle is paid, nothing more asked */
	struct apply_actor b1 = resident(43002);
	const char *procs[] = { "jitensha-chushajo", "inu-touroku" };
	json_t *shared = bundle_shared();
	int64_t bid = 0;
	T_EQ_INT(apply_bundle_create(&bid, S, &b1,
				     &(struct apply_bundle_new){ .event = "move_in", .procedures = procs,
								 .nprocedures = 2, .shared = shared },
				     NOW, &e), 0);
	json_decref(shared);
	struct apply_draft *drafts;
	int n = 0;
	T_EQ_INT(apply_drafts_list(&drafts, &n, a, S, &b1, &e), 0);
	int64_t inu = 0, jit = 0;
	for (int i = 0; i < n; i++)
		if (strcmp(drafts[i].procedure, "inu-touroku") == 0)
			inu = drafts[i].id;
		else
			jit = drafts[i].id;
	T_REQUIRE(inu && jit);
	jitensha_complete(a, &b1, jit, "東京A902");
	T_EQ_INT(apply_fee_draft(&due, &p1, S, &b1, jit, 1, NOW, &e), 0);
	T_EQ_INT(p1.amount_yen, 4800);
	T_EQ_INT(apply_draft_delete(S, &b1, inu, &e), 0);
	T_EQ_INT(apply_fee_draft(&due, &p2, S, &b1, jit, 1, NOW + 1, &e), 0);
	T_EQ_INT(p2.amount_yen, 1800);
	struct pay_receipt br = { .method = PAY_M_COUNTER, .number = p1.number, .amount_yen = 4800,
				  .source = "counter:late-43002" };
	T_EQ_INT(payments_receive(&o, S, T1, &br, NOW + 2, &COUNTER_STAFF, &e), 0);
	T_EQ_INT(o, PAY_O_APPLIED);
	int64_t pays = count("SELECT count(*) FROM payments WHERE tenant = $1");
	T_EQ_INT(apply_fee_draft(&due, &p3, S, &b1, jit, 1, NOW + 3, &e), 0);
	T_EQ_INT(due.paid, 1);
	T_EQ_STR(p3.number, p1.number);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays);
	struct apply_bundle_result bres;
	T_EQ_INT(apply_bundle_submit(&bres, a, S, &b1, &(struct apply_bundle_submit_in){ .bundle_id = bid },
				     NOW + 4, &e), 0);
	T_EQ_INT(bres.n, 1);
	if (bres.n == 1)
		T_EQ_STR(bres.subs[0].payment, p1.number);
	arena_free(a);
}

/* a bundle whose drafts change after its payment is asked for: nothing
 * is paid twice */
static void test_fee_bundle_changes(void)
{
	struct apply_actor a1 = resident(42001), a2 = resident(42002);
	struct err e;
	struct arena *a = arena_new(0);
	const char *procs[] = { "jitensha-chushajo", "inu-touroku" };
	for (int who = 0; who < 2; who++) {
		struct apply_actor *me = who ? &a2 : &a1;
		json_t *shared = bundle_shared();
		int64_t bid = 0;
		struct apply_bundle_new bn = { .event = "move_in", .procedures = procs, .nprocedures = 2,
					       .shared = shared };
		T_EQ_INT(apply_bundle_create(&bid, S, me, &bn, NOW, &e), 0);
		json_decref(shared);
		struct apply_draft *drafts;
		int n = 0;
		T_EQ_INT(apply_drafts_list(&drafts, &n, a, S, me, &e), 0);
		int64_t inu = 0, jit = 0;
		for (int i = 0; i < n; i++)
			if (strcmp(drafts[i].procedure, "inu-touroku") == 0)
				inu = drafts[i].id;
			else
				jit = drafts[i].id;
		T_REQUIRE(inu && jit);
		jitensha_complete(a, me, jit, who ? "東京A901" : "東京A900");
		struct apply_fee_due due;
		struct payment p1, p2;
		T_EQ_INT(apply_fee_draft(&due, &p1, S, me, jit, 1, NOW, &e), 0);
		T_EQ_INT(p1.amount_yen, 4800);
		if (who == 0) {
			/* unpaid, then the dog's draft is dropped: that payment is
			 * withdrawn and one for the new sum asked for */
			T_EQ_INT(apply_draft_delete(S, me, inu, &e), 0);
			T_EQ_INT(apply_fee_draft(&due, &p2, S, me, jit, 0, NOW + 1, &e), 0);
			T_EQ_INT(due.amount_yen, 1800);
			T_EQ_INT(due.paid, 0);
			T_EQ_INT(apply_fee_draft(&due, &p2, S, me, jit, 1, NOW + 1, &e), 0);
			T_EQ_INT(p2.amount_yen, 1800);
			T_CHECK(strcmp(p2.number, p1.number) != 0);
			struct payment old;
			T_EQ_INT(payments_get(&old, S, T1, p1.number, &e), 0);
			T_EQ_INT(old.state, PAY_EXPIRED);
			T_EQ_INT(pay_draft(me, jit, NOW + 2), 0);
			struct apply_bundle_result br;
			T_EQ_INT(apply_bundle_submit(&br, a, S, me,
						     &(struct apply_bundle_submit_in){ .bundle_id = bid },
						     NOW + 3, &e), 0);
			T_EQ_INT(br.n, 1);
			if (br.n == 1)
				T_EQ_STR(br.subs[0].payment, p2.number);
		} else {
			/* paid for both, then the dog's draft is dropped: still
			 * paid, no second payment (the difference is refunded by
			 * staff through the payments service) */
			T_EQ_INT(pay_draft(me, jit, NOW + 1), 0);
			int64_t pays = count("SELECT count(*) FROM payments WHERE tenant = $1");
			T_EQ_INT(apply_draft_delete(S, me, inu, &e), 0);
			T_EQ_INT(apply_fee_draft(&due, &p2, S, me, jit, 1, NOW + 2, &e), 0);
			T_EQ_INT(due.amount_yen, 1800);
			T_EQ_INT(due.paid, 1);
			T_EQ_STR(p2.number, p1.number);
			T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays);
			struct apply_bundle_result br;
			T_EQ_INT(apply_bundle_submit(&br, a, S, me,
						     &(struct apply_bundle_submit_in){ .bundle_id = bid },
						     NOW + 3, &e), 0);
			T_EQ_INT(br.n, 1);
			if (br.n == 1)
				T_EQ_STR(br.subs[0].payment, p1.number);
		}
	}
	arena_free(a);
}

static json_t *bundle_shared(void)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s},s:s}",
		"applicant_name", "family", "区民", "given", "花子", "family_kana", "クミン",
		"given_kana", "ハナコ",
		"applicant_address", "postal_code", "1660001", "pref", "東京都", "city", "デモ区",
		"street", "中央一丁目2番3号",
		"applicant_phone", "090-1234-5678");
}

/* the rest of a bundle's 自転車駐車場 draft, as the resident would answer */
static void jitensha_complete(struct arena *a, const struct apply_actor *who, int64_t jit,
			      const char *registration_no)
{
	struct err e;
	struct apply_draft jd;
	T_EQ_INT(apply_draft_get(&jd, a, S, who, jit, &e), 0);
	json_t *ja = json_deep_copy(jd.answers);
	json_object_set_new(ja, "parking", json_string("station_north"));
	json_object_set_new(ja, "vehicle", json_string("bicycle"));
	json_object_set_new(ja, "months", json_string("3"));
	json_object_set_new(ja, "student", json_false());
	json_object_set_new(ja, "start_date", json_string("2026-12-01"));
	json_object_set_new(ja, "registration_no", json_string(registration_no));
	T_EQ_INT(apply_draft_save(S, who, jit, ja, 0, NOW, &e), 0);
	json_decref(ja);
}

static void test_bundle(void)
{
	struct apply_actor a1 = resident(90001), b0 = resident(90009);
	struct err e;
	json_t *shared = bundle_shared();
	const char *procs[] = { "jitensha-chushajo", "inu-touroku" };
	int64_t bid = 0;
	/* gairotou-koshou lists no life event */
	const char *bad[] = { "inu-touroku", "gairotou-koshou" };
	struct apply_bundle_new bn = { .event = "move_in", .procedures = bad, .nprocedures = 2,
				       .shared = shared };
	T_EQ_INT(apply_bundle_create(&bid, S, &a1, &bn, NOW, &e), ERR_INVALID);
	bn = (struct apply_bundle_new){ .event = "birth", .procedures = procs, .nprocedures = 2,
					.shared = shared };
	T_EQ_INT(apply_bundle_create(&bid, S, &a1, &bn, NOW, &e), ERR_INVALID);
	bn.event = "move_in";
	T_EQ_INT(apply_bundle_create(&bid, S, &a1, &bn, NOW, &e), 0);
	json_decref(shared);
	T_REQUIRE(bid > 0);
	struct arena *a = arena_new(0);
	struct apply_draft *drafts;
	int n = 0;
	T_EQ_INT(apply_drafts_list(&drafts, &n, a, S, &a1, &e), 0);
	T_EQ_INT(n, 2);
	int64_t inu = 0, jit = 0;
	for (int i = 0; i < n; i++) {
		T_EQ_INT(drafts[i].bundle_id, bid);
		T_EQ_STR(json_string_value(json_object_get(json_object_get(drafts[i].answers,
			 "applicant_name"), "family_kana")), "クミン");
		if (strcmp(drafts[i].procedure, "inu-touroku") == 0)
			inu = drafts[i].id;
		else
			jit = drafts[i].id;
	}
	T_CHECK(inu && jit);
	/* the shared answers a procedure does not ask for are left out */
	for (int i = 0; i < n; i++)
		T_CHECK(json_object_size(drafts[i].answers) == 3);
	/* a registry source goes only to the procedure whose field takes the
	 * registry: 犬の登録 prefills applicant_name from it, 自転車駐車場
	 * asks the resident (it was refused at submission when the bundle
	 * claimed the registry for it) */
	{
		struct apply_actor a2 = resident(90002);
		json_t *sh = bundle_shared(), *src = json_object();
		json_object_set_new(src, "applicant_name", json_string("juki"));
		int64_t bid2 = 0;
		struct apply_bundle_new bn2 = { .event = "move_in", .procedures = procs,
						.nprocedures = 2, .shared = sh, .sources = src };
		T_EQ_INT(apply_bundle_create(&bid2, S, &a2, &bn2, NOW, &e), 0);
		json_decref(sh);
		json_decref(src);
		struct apply_draft *d2;
		int n2 = 0;
		T_EQ_INT(apply_drafts_list(&d2, &n2, a, S, &a2, &e), 0);
		T_EQ_INT(n2, 2);
		for (int i = 0; i < n2; i++) {
			const char *sv = json_string_value(json_object_get(d2[i].sources, "applicant_name"));
			if (strcmp(d2[i].procedure, "inu-touroku") == 0)
				T_CHECK(sv && strcmp(sv, "juki") == 0);
			else
				T_CHECK(sv == NULL);
		}
	}
	/* complete the dog's draft only: nothing is submitted */
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "bundle");
	json_t *ans = inu_answers("クミン", "1985-04-01", "ソラ", cert);
	T_EQ_INT(apply_draft_save(S, &a1, inu, ans, 1, NOW, &e), 0);
	json_decref(ans);
	int64_t before = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	int64_t seq_before = count("SELECT coalesce(max(n), 0) FROM apply_receipt_seq WHERE tenant = $1");
	struct apply_bundle_result br;
	T_EQ_INT(apply_bundle_submit(&br, a, S, &a1,
				     &(struct apply_bundle_submit_in){ .bundle_id = bid }, NOW, &e),
		 ERR_INVALID);
	T_EQ_INT(br.bad_draft, jit);
	T_CHECK(br.check.nerrors > 0);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	T_EQ_INT(count("SELECT coalesce(max(n), 0) FROM apply_receipt_seq WHERE tenant = $1"),
		 seq_before);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, inu, &e), 0);
	/* complete the other one */
	jitensha_complete(a, &a1, jit, "東京A123");
	/* both fees are paid before submission: refused, nothing written,
	 * until one payment of the bundle for their sum is paid */
	T_EQ_INT(apply_bundle_submit(&br, a, S, &a1,
				     &(struct apply_bundle_submit_in){ .bundle_id = bid }, NOW, &e),
		 ERR_CONFLICT);
	T_EQ_INT(br.fee_unpaid, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	struct apply_fee_due due, due2;
	struct payment bpay, bpay2;
	T_EQ_INT(apply_fee_draft(&due, &bpay, S, &a1, inu, 0, NOW, &e), 0);
	T_EQ_INT(due.amount_yen, 3000 + 1800);
	T_EQ_INT(due.have, 0);
	T_EQ_INT(apply_fee_draft(&due, &bpay, S, &a1, inu, 1, NOW, &e), 0);
	T_EQ_INT(due.bundle_id, bid);
	T_EQ_INT(due.have, 1);
	T_EQ_INT(due.paid, 0);
	T_EQ_INT(bpay.amount_yen, 4800);
	T_EQ_STR(bpay.reference, arena_printf(a, "bundle-%lld", (long long)bid));
	T_EQ_STR(bpay.return_url, arena_printf(a, "/bundles/%lld", (long long)bid));
	/* asked for through the other draft: the same payment, not a second */
	T_EQ_INT(apply_fee_draft(&due2, &bpay2, S, &a1, jit, 1, NOW, &e), 0);
	T_EQ_STR(bpay2.number, bpay.number);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1 AND service = 'apply'"
		       " AND reference LIKE 'bundle-%'"), 1);
	/* one resident's bundle is nobody else's to pay */
	T_EQ_INT(apply_fee_draft(&due2, &bpay2, S, &b0, inu, 1, NOW, &e), ERR_NOTFOUND);
	T_EQ_INT(pay_draft(&a1, jit, NOW), 0);
	T_EQ_INT(apply_fee_draft(&due, &bpay2, S, &a1, inu, 0, NOW, &e), 0);
	T_EQ_INT(due.paid, 1);
	/* paid: both submitted, in the bundle's order, naming the payment */
	T_EQ_INT(apply_bundle_submit(&br, a, S, &a1,
				     &(struct apply_bundle_submit_in){ .bundle_id = bid }, NOW, &e), 0);
	T_EQ_INT(br.n, 2);
	for (int i = 0; i < br.n; i++)
		T_EQ_STR(br.subs[i].payment, bpay.number);
	if (br.n == 2) {
		T_EQ_STR(br.subs[0].procedure, "jitensha-chushajo");
		T_EQ_STR(br.subs[1].procedure, "inu-touroku");
		T_EQ_STR(br.subs[0].department, "doboku");
		T_EQ_INT(br.subs[0].bundle_id, bid);
		T_EQ_INT(apply_receipt_check(br.subs[0].receipt), 0);
		T_EQ_INT(apply_receipt_check(br.subs[1].receipt), 0);
		T_CHECK(strcmp(br.subs[0].receipt, br.subs[1].receipt) != 0);
	}
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before + 2);
	T_EQ_INT(apply_drafts_list(&drafts, &n, a, S, &a1, &e), 0);
	T_EQ_INT(n, 0);
	/* another resident cannot submit it */
	struct apply_actor b1 = resident(90002);
	T_EQ_INT(apply_bundle_submit(&br, a, S, &b1,
				     &(struct apply_bundle_submit_in){ .bundle_id = bid }, NOW, &e),
		 ERR_NOTFOUND);
	arena_free(a);
}

/* a bundle signed once: the manifest names each application's canonical
 * form; a signature over another manifest is refused as stale; the
 * signature and the manifest it is over are kept with every application */
static void test_bundle_signed(void)
{
	struct apply_actor a1 = resident(90011);
	struct err e;
	json_t *shared = bundle_shared();
	const char *procs[] = { "jitensha-chushajo", "inu-touroku" };
	int64_t bid = 0;
	struct apply_bundle_new bn = { .event = "move_in", .procedures = procs, .nprocedures = 2,
				       .shared = shared };
	T_EQ_INT(apply_bundle_create(&bid, S, &a1, &bn, NOW, &e), 0);
	json_decref(shared);
	T_REQUIRE(bid > 0);
	struct arena *a = arena_new(0);
	struct apply_draft *drafts;
	int n = 0;
	T_EQ_INT(apply_drafts_list(&drafts, &n, a, S, &a1, &e), 0);
	int64_t inu = 0, jit = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(drafts[i].procedure, "inu-touroku") == 0)
			inu = drafts[i].id;
		else
			jit = drafts[i].id;
	}
	T_REQUIRE(inu && jit);
	struct apply_canonical_result cr;
	/* not ready: the draft that needs answers is named */
	T_EQ_INT(apply_bundle_canonical(&cr, a, S, &a1, bid, NOW, &e), ERR_INVALID);
	T_CHECK(cr.bad_draft == inu || cr.bad_draft == jit);
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "bundle-signed");
	json_t *ans = inu_answers("クミン", "1985-04-01", "ハナ", cert);
	T_EQ_INT(apply_draft_save(S, &a1, inu, ans, 1, NOW, &e), 0);
	json_decref(ans);
	jitensha_complete(a, &a1, jit, "東京A124");

	T_EQ_INT(apply_bundle_canonical(&cr, a, S, &a1, bid, NOW, &e), 0);
	char *text = cr.text;
	size_t len = cr.len;
	T_REQUIRE(text && len == strlen(text));
	json_t *m = json_loads(text, 0, NULL);
	T_REQUIRE(m != NULL);
	T_EQ_STR(json_string_value(json_object_get(m, "format")), "madoguchi-bundle/1");
	T_EQ_STR(json_string_value(json_object_get(m, "event")), "move_in");
	T_EQ_INT(json_integer_value(json_object_get(m, "bundle")), bid);
	const json_t *apps = json_object_get(m, "applications");
	T_EQ_INT((int)json_array_size(apps), 2);
	/* in the bundle's order, each the SHA-256 of its own canonical form */
	const int64_t order[2] = { jit, inu };
	for (int i = 0; i < 2 && json_array_size(apps) == 2; i++) {
		struct apply_canonical_result one;
		char sha[65];
		T_EQ_INT(apply_canonical(&one, a, S, &a1, order[i], NOW, &e), 0);
		forms_sha256_hex(sha, one.text, one.len);
		T_EQ_STR(json_string_value(json_object_get(json_array_get(apps, (size_t)i), "sha256")), sha);
	}
	T_EQ_STR(json_string_value(json_object_get(json_array_get(apps, 0), "procedure")),
		 "jitensha-chushajo");
	json_decref(m);
	/* RFC 8785: the same bytes again */
	struct apply_canonical_result again;
	T_EQ_INT(apply_bundle_canonical(&again, a, S, &a1, bid, NOW, &e), 0);
	T_CHECK(again.len == len && memcmp(again.text, text, len) == 0);

	static const unsigned char cms[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct apply_signature sig = { .serial = "1A2B", .subject = "CN=区民 花子",
				       .issuer = "CN=Test CA", .not_after = NOW + 86400,
				       .cms = cms, .cms_len = sizeof cms };
	int64_t before = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	/* signed over another manifest: stale, nothing written */
	struct apply_bundle_sig bs = { .sig = &sig, .manifest_sha256 =
		"0000000000000000000000000000000000000000000000000000000000000000" };
	struct apply_bundle_result br;
	T_EQ_INT(apply_bundle_submit(&br, a, S, &a1,
				     &(struct apply_bundle_submit_in){ .bundle_id = bid,
								       .signature = bs },
				     NOW, &e), ERR_CONFLICT);
	T_EQ_INT(br.stale, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	/* over this manifest: both submitted, each with the signature and
	 * the manifest it is over */
	char msha[65];
	forms_sha256_hex(msha, text, len);
	bs.manifest_sha256 = msha;
	T_EQ_INT(pay_draft(&a1, inu, NOW), 0);   /* the bundle's fees, paid first */
	T_EQ_INT(apply_bundle_submit(&br, a, S, &a1,
				     &(struct apply_bundle_submit_in){ .bundle_id = bid,
								       .signature = bs },
				     NOW, &e), 0);
	T_EQ_INT(br.stale, 0);
	T_EQ_INT(br.n, 2);
	for (int i = 0; i < br.n; i++) {
		T_EQ_STR(br.subs[i].sig_serial, "1A2B");
		struct store_val v[] = { sv_text(br.subs[i].receipt) };
		char *data = NULL;
		T_EQ_INT(store_query_text(&data, S, "SELECT sig_data FROM apply_submissions"
					  " WHERE receipt = $1", v, 1, &e), 0);
		T_CHECK(data && strcmp(data, text) == 0);
		free(data);
	}
	arena_free(a);
}

static void test_purge(void)
{
	struct apply_actor a1 = resident(95001), b1 = resident(95002);
	struct err e;
	int64_t old = 0, fresh = 0;
	int64_t long_ago = NOW - (APPLY_DRAFT_DAYS + 1) * 86400LL;
	T_EQ_INT(apply_draft_create(&old, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku" },
				    long_ago, &e), 0);
	T_EQ_INT(apply_draft_create(&fresh, S, &b1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku" }, NOW,
				    &e), 0);
	/* an old upload of a1's, linked to nothing */
	struct arena *a = arena_new(0);
	const struct forms_def *d;
	T_EQ_INT(apply_load_def(&d, NULL, a, S,
				&(struct apply_def_ref){ .tenant = T1, .procedure = "inu-touroku" },
				&e), 0);
	json_t *meta = NULL;
	const char pdf[] = "%PDF-1.4\n% purge me\n%%EOF\n";
	T_EQ_INT(apply_file_put(&meta, S, &a1,
				&(struct apply_file_in){ .field = forms_def_field(d, "rabies_cert"),
							 .name = "a.pdf", .data = pdf,
							 .n = sizeof pdf - 1 },
				long_ago, &e), 0);
	int n = apply_drafts_purge(S, NOW, &e);
	T_CHECK(n >= 1);
	struct apply_draft dr;
	T_EQ_INT(apply_draft_get(&dr, a, S, &a1, old, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_draft_get(&dr, a, S, &b1, fresh, &e), 0);
	struct apply_file f;
	T_EQ_INT(apply_file_get(&f, a, S, &a1, json_string_value(json_object_get(meta, "sha256")), &e),
		 ERR_NOTFOUND);
	json_decref(meta);
	/* linked files survive: every submission's files are still there */
	int64_t orphans = count("SELECT count(*) FROM apply_submission_files l JOIN apply_submissions s"
				" ON s.id = l.submission_id WHERE s.tenant = $1 AND NOT EXISTS"
				" (SELECT 1 FROM apply_files f WHERE f.id = l.file_id)");
	T_EQ_INT(orphans, 0);
	arena_free(a);
}

static int on_perm(const char *perm, void *arg)
{
	char *out = arg;
	strncat(out, perm, 200);
	strncat(out, " ", 2);
	return 0;
}

static void test_session_depts(void)
{
	struct err e;
	T_EQ_INT(auth_role_create(S, T1, "inu-kakari", "犬の登録係", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "inu-kakari", "applications.read", NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "inu-kakari", "dept.seikatsu_eisei", NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "inu-kakari", "dept.doboku", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_grant(S, T1, STAFF_ID, "inu-kakari", NULL, &e), 0);
	struct auth_session ses = { .id = 1, .kind = AUTH_KIND_STAFF, .account_id = STAFF_ID,
				    .stage = AUTH_STAGE_FULL, .mfa_ok = 1 };
	snprintf(ses.tenant, sizeof ses.tenant, "%s", T1);
	char got[512] = "";
	T_EQ_INT(auth_session_permissions(S, &ses, "dept.", on_perm, got, &e), 2);
	T_EQ_STR(got, "dept.doboku dept.seikatsu_eisei ");
	/* a needs_mfa role counts only after the second factor */
	ses.mfa_ok = 0;
	got[0] = 0;
	T_EQ_INT(auth_session_permissions(S, &ses, "dept.", on_perm, got, &e), 0);
	ses.mfa_ok = 1;
	ses.kind = AUTH_KIND_RESIDENT;
	T_EQ_INT(auth_session_permissions(S, &ses, "dept.", on_perm, got, &e), 0);
}

/* ---- two connections numbering at once ------------------------------- */

#define PER_THREAD 12

struct worker {
	int64_t rid;
	char receipts[PER_THREAD][APPLY_RECEIPT_LEN + 1];
	int ok;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct store *s = open_db();
	if (!s)
		return NULL;
	struct apply_actor me = resident(w->rid);
	struct arena *a = arena_new(0);
	struct err e;
	for (int i = 0; i < PER_THREAD; i++) {
		json_t *ans = json_pack("{s:s,s:s,s:b}", "location", "駅前", "state", "flicker",
					"wants_reply", 0);
		int64_t did = 0;
		int rc = apply_draft_create(&did, s, &me,
					    &(struct apply_draft_start){ .procedure = "gairotou-koshou",
									 .prefill = ans },
					    NOW + i, &e);
		json_decref(ans);
		struct apply_submit_result res;
		for (int tries = 0; rc == 0 && tries < 50; tries++) {
			rc = apply_submit(&res, a, s, &me,
					  &(struct apply_draft_submit){ .draft_id = did }, NOW + i,
					  &e);
			if (rc != ERR_CONFLICT && rc != ERR_UNAVAILABLE && rc != ERR_DB)
				break;
			usleep(1000);   /* PostgreSQL serialisation: try again */
		}
		if (rc) {
			printf("# worker %lld: %d %s\n", (long long)w->rid, rc, e.detail);
			break;
		}
		snprintf(w->receipts[i], sizeof w->receipts[i], "%s", res.sub.receipt);
		w->ok++;
	}
	arena_free(a);
	store_close(s);
	return NULL;
}

static void test_concurrent_numbering(void)
{
	struct worker w[2] = { { .rid = 99001 }, { .rid = 99002 } };
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, work, &w[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	T_EQ_INT(w[0].ok, PER_THREAD);
	T_EQ_INT(w[1].ok, PER_THREAD);
	int dups = 0, bad = 0;
	for (int i = 0; i < 2 * PER_THREAD; i++) {
		const char *x = w[i / PER_THREAD].receipts[i % PER_THREAD];
		bad += apply_receipt_check(x) != 0;
		for (int j = i + 1; j < 2 * PER_THREAD; j++)
			dups += strcmp(x, w[j / PER_THREAD].receipts[j % PER_THREAD]) == 0;
	}
	T_EQ_INT(dups, 0);
	T_EQ_INT(bad, 0);
	/* SQLite numbers inside the submission's transaction: dense, the
	 * counter equals the number of receipts; PostgreSQL takes numbers
	 * first (receipt.c), so a failed submission may leave a gap */
	int64_t subs = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	int64_t seq = count("SELECT max(n) FROM apply_receipt_seq WHERE tenant = $1");
	if (store_kind(S) == STORE_SQLITE)
		T_EQ_INT(seq, subs);
	else
		T_CHECK(seq >= subs);
}

/* ---- group commit: four connections race to submit the same drafts ---- */

#define RACE_DRAFTS 24

struct racer {
	int64_t *drafts;
	int ok, notfound, conflict, other;
};

static void *race(void *arg)
{
	struct racer *w = arg;
	struct store *s = open_db();
	if (!s)
		return NULL;
	struct apply_actor me = resident(99100);
	struct arena *a = arena_new(0);
	struct err e;
	for (int i = 0; i < RACE_DRAFTS; i++) {
		struct apply_submit_result res;
		int rc = apply_submit(&res, a, s, &me,
				      &(struct apply_draft_submit){ .draft_id = w->drafts[i] }, NOW,
				      &e);
		if (rc == 0)
			w->ok++;
		else if (rc == ERR_NOTFOUND)
			w->notfound++;
		else if (rc == ERR_CONFLICT)
			w->conflict++;
		else {
			printf("# race: %d %s\n", rc, e.detail);
			w->other++;
		}
	}
	arena_free(a);
	store_close(s);
	return NULL;
}

static void test_group_commit(void)
{
	struct apply_actor me = resident(99100);
	static int64_t drafts[RACE_DRAFTS];
	struct err e;
	for (int i = 0; i < RACE_DRAFTS; i++) {
		json_t *ans = json_pack("{s:s,s:s,s:b}", "location", "橋の下", "state", "damaged",
					"wants_reply", 0);
		T_EQ_INT(apply_draft_create(&drafts[i], S, &me,
					    &(struct apply_draft_start){ .procedure = "gairotou-koshou",
									 .prefill = ans },
					    NOW, &e), 0);
		json_decref(ans);
	}
	int64_t c0, w0, c1, w1, b0, b1;
	apply_group_stats(&c0, &w0, &b0);
	struct racer w[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct racer){ .drafts = drafts };
		pthread_create(&th[i], NULL, race, &w[i]);
	}
	int ok = 0, lost = 0, other = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok += w[i].ok;
		lost += w[i].notfound + w[i].conflict;
		other += w[i].other;
	}
	apply_group_stats(&c1, &w1, &b1);
	/* every draft became exactly one submission; the losers got a clean
	 * refusal and left nothing behind */
	T_EQ_INT(ok, RACE_DRAFTS);
	T_EQ_INT(lost, 3 * RACE_DRAFTS);
	T_EQ_INT(other, 0);
	int64_t n = -1;
	struct store_val v[] = { sv_text(T1), sv_int(99100) };
	store_query_int(&n, S, "SELECT count(*) FROM apply_submissions WHERE tenant = $1"
			" AND resident_id = $2", v, 2, NULL);
	T_EQ_INT(n, RACE_DRAFTS);
	store_query_int(&n, S, "SELECT count(DISTINCT receipt) FROM apply_submissions WHERE tenant = $1"
			" AND resident_id = $2", v, 2, NULL);
	T_EQ_INT(n, RACE_DRAFTS);
	store_query_int(&n, S, "SELECT count(*) FROM apply_events ev JOIN apply_submissions s"
			" ON s.id = ev.submission_id WHERE s.tenant = $1 AND s.resident_id = $2", v, 2, NULL);
	T_EQ_INT(n, RACE_DRAFTS);
	/* SQLite: some commits may have carried several writes, never the
	 * reverse (PostgreSQL groups commits itself: no group here) */
	if (store_kind(S) == STORE_SQLITE)
		T_CHECK(c1 - c0 >= 1 && c1 - c0 <= w1 - w0);
	else
		T_EQ_INT(c1 - c0, 0);
}

/* ---- backup and restore keep submissions, blobs and counters ---------- */

static void test_backup_roundtrip(void)
{
	/* SQLite only (a shared database holds other suites' tables): main()
	 * runs it there only, and anywhere else it fails rather than pass */
	T_REQUIRE(strncmp(url, "sqlite:", 7) == 0);
	struct err e;
	char *dump = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&dump, &len);
	T_REQUIRE(out);
	long long rows = 0;
	/* as `madoguchi backup` does: attachment files go into the dump */
	struct store_progress pr = { NULL, NULL, apply_backup_blob, S };
	T_EQ_INT(store_backup(S, out, &pr, &rows, &e), 0);
	fclose(out);
	char path[160];
	snprintf(path, sizeof path, "sqlite:%s-restored", sqlite_path + 7);
	unlink(path + 7);
	struct store *r;
	T_REQUIRE(store_open(&r, path, &e) == 0);
	const struct store_module_schema mods[] = { tenant_schema, auth_schema, forms_schema,
						    registry_schema, audit_schema, payments_schema,
						    notify_schema, apply_schema };
	T_EQ_INT(store_migrate(r, mods, 8, NULL, &e), 0);
	FILE *in = fmemopen(dump, len, "r");
	T_REQUIRE(in);
	/* the audit migration seeds its head row (as `madoguchi restore`
	 * tells store_restore) */
	static const char *const seeded[] = { "audit_head", NULL };
	if (store_restore(r, in, seeded, NULL, &rows, &e))
		T_FAIL_("restore: %s", e.detail);
	fclose(in);
	free(dump);
	const char *checks[] = {
		"SELECT count(*) FROM apply_submissions",
		"SELECT count(*) FROM apply_files",
		"SELECT sum(size) FROM apply_files",
		"SELECT max(n) FROM apply_receipt_seq",
		"SELECT count(*) FROM apply_events",
		"SELECT count(*) FROM apply_submission_files",
	};
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		int64_t a = -1, b = -2;
		store_query_int(&a, S, checks[i], NULL, 0, NULL);
		store_query_int(&b, r, checks[i], NULL, 0, NULL);
		if (a != b || a <= 0)
			T_FAIL_("%s: %lld before, %lld after", checks[i], (long long)a, (long long)b);
	}
	/* the bytes came along: in the restored table (restored rows hold
	 * their bytes inline, which the reading side takes as they are) */
	int64_t bytes = -1, inline_after = -2;
	store_query_int(&bytes, S, "SELECT sum(size) FROM apply_files", NULL, 0, NULL);
	store_query_int(&inline_after, r, "SELECT sum(length(data)) FROM apply_files", NULL, 0, NULL);
	T_EQ_INT(inline_after, bytes);
	/* a restored submission reads back whole, its file byte for byte */
	struct arena *a = arena_new(0);
	char *sha = NULL;
	int64_t rid = 0, sid = 0;
	store_query_int(&sid, S, "SELECT min(s.id) FROM apply_submissions s JOIN apply_submission_files l"
			" ON l.submission_id = s.id", NULL, 0, NULL);
	struct store_val v[] = { sv_int(sid) };
	store_query_int(&rid, S, "SELECT resident_id FROM apply_submissions WHERE id = $1", v, 1, NULL);
	store_query_text(&sha, S, "SELECT f.sha256 FROM apply_files f JOIN apply_submission_files l"
			 " ON l.file_id = f.id WHERE l.submission_id = $1", v, 1, NULL);
	T_REQUIRE(sha && rid > 0);
	struct apply_actor who = resident(rid);
	struct apply_submission s1, s2;
	struct apply_file f1, f2;
	T_EQ_INT(apply_get(&s1, a, S, &who, sid, &e), 0);
	T_EQ_INT(apply_get(&s2, a, r, &who, sid, &e), 0);
	T_EQ_STR(s2.receipt, s1.receipt);
	T_EQ_STR(s2.sha256, s1.sha256);
	T_EQ_INT(apply_file_get(&f1, a, S, &who, sha, &e), 0);
	T_EQ_INT(apply_file_get(&f2, a, r, &who, sha, &e), 0);
	T_CHECK(f1.size == f2.size && memcmp(f1.data, f2.data, (size_t)f1.size) == 0);
	free(sha);
	arena_free(a);
	store_close(r);
	unlink(path + 7);
	char w[200];
	snprintf(w, sizeof w, "%s-wal", path + 7);
	unlink(w);
	snprintf(w, sizeof w, "%s-shm", path + 7);
	unlink(w);
}

/* ---- apply_submit_answers: a submission without a draft ---- */

static void test_submit_answers(void)
{
	struct apply_actor a1 = resident(97301), a2 = resident(97302);
	struct err e;
	struct arena *a = arena_new(0);
	int64_t drafts0 = count("SELECT count(*) FROM apply_drafts WHERE tenant = $1");
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "direct");
	T_REQUIRE(cert);
	json_incref(cert);
	json_t *ans = inu_answers("クミン", "1985-04-01", "モモ", cert);
	struct apply_submit_result res;
	/* 犬の登録's fee is paid before submission: a resident's submission
	 * without a draft has nothing it could have been paid for */
	int64_t subs_before = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans },
				      NOW, &e), ERR_CONFLICT);
	T_EQ_INT(res.fee_unpaid, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), subs_before);
	/* nor can a resident say they took it at the counter */
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans,
								  .opts.counter_fee = &CASHIER },
				      NOW, &e), ERR_INVALID);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), subs_before);
	/* staff entering it at the counter take the fee there and then, if
	 * they may mark a payment paid at the counter (payments.staff) */
	struct apply_actor st = staff_of(SEIKATSU, 1);
	json_t *scert = upload(&st, "inu-touroku", "rabies_cert", "direct");
	T_REQUIRE(scert);
	json_t *sans = inu_answers("クミン", "1985-04-01", "モモ", scert);
	int64_t pays_before = count("SELECT count(*) FROM payments WHERE tenant = $1");
	int64_t paid_audits = count("SELECT count(*) FROM audit_records WHERE tenant = $1"
				    " AND action = 'payments.paid'");
	/* without it (applications.write alone): refused, nothing submitted,
	 * nothing asked for or paid, the fee named for the page */
	T_EQ_INT(auth_role_create(S, T1, "counter-only", "窓口", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "counter-only", "applications.write", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_grant(S, T1, STAFF_ID, "counter-only", NULL, &e), 0);
	T_EQ_INT(apply_submit_answers(&res, a, S, &st,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = sans,
								  .opts.counter_fee = &CASHIER },
				      NOW, &e), ERR_DENIED);
	T_EQ_INT(res.fee_unpaid, 1);
	T_EQ_INT(res.fee_yen, 3000);
	T_CHECK(strstr(e.detail, "payments.staff") != NULL);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), subs_before);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays_before);
	T_EQ_INT(count("SELECT count(*) FROM audit_records WHERE tenant = $1 AND action = 'payments.paid'"),
		 paid_audits);
	/* a role that needs a second factor counts only with one */
	T_EQ_INT(auth_role_create(S, T1, "counter-cash", "窓口収納", 1, NULL, &e), 0);
	T_EQ_INT(auth_role_permission_add(S, T1, "counter-cash", "payments.staff", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_grant(S, T1, STAFF_ID, "counter-cash", NULL, &e), 0);
	struct apply_cashier no2fa = CASHIER;
	no2fa.mfa_ok = 0;
	T_EQ_INT(apply_submit_answers(&res, a, S, &st,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = sans,
								  .opts.counter_fee = &no2fa },
				      NOW, &e), ERR_DENIED);
	T_EQ_INT(res.fee_unpaid, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), subs_before);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays_before);
	/* with it: taken */
	T_EQ_INT(apply_submit_answers(&res, a, S, &st,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = sans,
								  .opts.counter_fee = &CASHIER },
				      NOW, &e), 0);
	json_decref(sans);
	T_EQ_INT(res.fee_unpaid, 0);
	T_EQ_INT((int)strlen(res.sub.payment), PAY_NUMBER_LEN);
	T_EQ_INT(count("SELECT count(*) FROM payments WHERE tenant = $1"), pays_before + 1);
	T_EQ_INT(count("SELECT count(*) FROM audit_records WHERE tenant = $1 AND action = 'payments.paid'"),
		 paid_audits + 1);
	struct payment cp;
	T_EQ_INT(payments_get(&cp, S, T1, res.sub.payment, &e), 0);
	T_EQ_INT(cp.state, PAY_PAID);
	T_EQ_INT(cp.method, PAY_M_COUNTER);
	T_EQ_INT(cp.amount_yen, 3000);
	T_EQ_STR(cp.reference, res.sub.receipt);
	T_CHECK(strstr(cp.paid_via, "apply-tester") != NULL);
	{   /* the counter's taking is audited, naming who took it */
		struct store_val av[] = { sv_text(cp.number) };
		int64_t na = -1;
		store_query_int(&na, S, "SELECT count(*) FROM audit_records WHERE object_id = $1"
				" AND action = 'payments.paid' AND actor_login = 'apply-tester'", av, 1, NULL);
		T_EQ_INT(na, 1);
	}
	T_EQ_INT(apply_receipt_check(res.sub.receipt), 0);
	T_EQ_STR(res.sub.status, "received");
	T_EQ_STR(res.sub.department, "seikatsu-eisei");
	/* no draft was made, the file is linked, the history has its event */
	T_EQ_INT(count("SELECT count(*) FROM apply_drafts WHERE tenant = $1"), drafts0);
	struct store_val lv[] = { sv_int(res.sub.id) };
	int64_t links = -1;
	store_query_int(&links, S, "SELECT count(*) FROM apply_submission_files WHERE submission_id = $1",
			lv, 1, NULL);
	T_EQ_INT(links, 1);
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &st, res.sub.id, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(got.answers, "dog_name")), "モモ");
	T_EQ_STR(got.payment, cp.number);
	/* the same validation as a draft's: a bad answer is a field error */
	json_t *bad = inu_answers("kumin", "1985-04-01", "モモ", cert);
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = bad },
				      NOW, &e),
		 ERR_INVALID);
	T_CHECK(res.check.nerrors > 0);
	json_decref(bad);
	/* another resident cannot name a's upload */
	T_EQ_INT(apply_submit_answers(&res, a, S, &a2,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans },
				      NOW, &e),
		 ERR_INVALID);
	T_CHECK(res.check.nerrors > 0 && strcmp(res.check.errors[0].code, "file_missing") == 0);
	/* an unknown procedure, answers that are not an object */
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "no-such-procedure",
								  .answers = ans },
				      NOW, &e),
		 ERR_NOTFOUND);
	json_t *arr = json_array();
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = arr },
				      NOW, &e),
		 ERR_INVALID);
	json_decref(arr);
	json_decref(ans);
	/* the attachment sent with the submission: its row is written with
	 * it, linked, and becomes the field's answer */
	char pdf[128];
	int pn = snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% direct upload\n1 0 obj <<>> endobj\n%%%%EOF\n");
	struct apply_upload up = { "rabies_cert", "証明書.pdf", pdf, (size_t)pn };
	json_t *ans2 = inu_answers("クミン", "1985-04-01", "ソラ", NULL);
	int64_t files0 = count("SELECT count(*) FROM apply_files WHERE tenant = $1");
	T_EQ_INT(apply_submit_answers(&res, a, S, &st,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans2, .uploads = &up,
								  .nuploads = 1,
								  .opts.counter_fee = &CASHIER },
				      NOW, &e), 0);
	T_EQ_INT(count("SELECT count(*) FROM apply_files WHERE tenant = $1"), files0 + 1);
	struct store_val lv2[] = { sv_int(res.sub.id) };
	links = -1;
	store_query_int(&links, S, "SELECT count(*) FROM apply_submission_files l JOIN apply_files f"
			" ON f.id = l.file_id WHERE l.submission_id = $1", lv2, 1, NULL);
	T_EQ_INT(links, 1);
	T_EQ_INT(apply_get(&got, a, S, &st, res.sub.id, &e), 0);
	const char *sha = json_string_value(json_object_get(json_object_get(got.answers, "rabies_cert"),
							     "sha256"));
	T_REQUIRE(sha);
	struct apply_file f;
	T_EQ_INT(apply_file_get(&f, a, S, &st, sha, &e), 0);
	T_CHECK(f.size == pn && memcmp(f.data, pdf, (size_t)pn) == 0);
	/* a refused type and a field that takes no file: errors, nothing written */
	int64_t subs0 = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	struct apply_upload txt = { "rabies_cert", "a.txt", "plain text", 10 };
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans2,
								  .uploads = &txt, .nuploads = 1 },
				      NOW, &e),
		 ERR_INVALID);
	T_CHECK(res.check.nerrors == 1 && strcmp(res.check.errors[0].code, "type") == 0);
	struct apply_upload notfile = { "dog_name", "a.pdf", pdf, (size_t)pn };
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans2,
								  .uploads = &notfile,
								  .nuploads = 1 },
				      NOW, &e), ERR_INVALID);
	T_CHECK(res.check.nerrors == 1 && strcmp(res.check.errors[0].code, "unknown_field") == 0);
	/* answers that do not validate: the attachment's bytes are not
	 * written at all (no file beside the database, no row) */
	char other[128];
	int on = snprintf(other, sizeof other, "%%PDF-1.4\n%% never stored\n%%%%EOF\n");
	struct apply_upload up2 = { "rabies_cert", "b.pdf", other, (size_t)on };
	json_t *incomplete = json_deep_copy(ans2);
	json_object_del(incomplete, "dog_name");
	files0 = count("SELECT count(*) FROM apply_files WHERE tenant = $1");
	T_EQ_INT(apply_submit_answers(&res, a, S, &a1,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = incomplete,
								  .uploads = &up2, .nuploads = 1 },
				      NOW, &e), ERR_INVALID);
	T_CHECK(res.check.nerrors >= 1);
	json_decref(incomplete);
	T_EQ_INT(count("SELECT count(*) FROM apply_files WHERE tenant = $1"), files0);
	char bdir[APPLY_BLOB_PATH_MAX], osha[65];
	forms_sha256_hex(osha, other, (size_t)on);
	if (apply_blob_dir(bdir, sizeof bdir, S))
		T_CHECK(!apply_blob_exists(bdir, osha, (size_t)on));
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), subs0);
	json_decref(ans2);
	/* the tests after this one start from a member of staff without roles */
	T_EQ_INT(auth_staff_role_revoke(S, T1, STAFF_ID, "counter-only", NULL, &e), 0);
	T_EQ_INT(auth_staff_role_revoke(S, T1, STAFF_ID, "counter-cash", NULL, &e), 0);
	arena_free(a);
}

/* ---- attachment bytes as files beside a SQLite database (blobs.c) ---- */

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void age_file(const char *path, time_t secs)
{
	struct timeval tv[2];
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= secs;
	tv[1] = tv[0];
	utimes(path, tv);
}

/* the attachment directory of a test database (<db>.files/xx/...) */
static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void remove_tree_files(const char *db)
{
	char dir[300];
	snprintf(dir, sizeof dir, "%s.files", db);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_blob_files(void)
{
	/* SQLite only (PostgreSQL keeps the bytes in the table): see main() */
	T_REQUIRE(strncmp(url, "sqlite:", 7) == 0);
	struct apply_actor a1 = resident(97201);
	struct err e;
	json_t *m = upload(&a1, "inu-touroku", "rabies_cert", "blob-file");
	T_REQUIRE(m);
	char sha[65];
	snprintf(sha, sizeof sha, "%s", json_string_value(json_object_get(m, "sha256")));
	json_decref(m);
	/* the bytes are in <database>.files/<2 hex>/<sha256>, the row holds none */
	char dir[300], path[400];
	snprintf(dir, sizeof dir, "%s.files", url + 7);
	snprintf(path, sizeof path, "%s/%.2s/%s", dir, sha, sha);
	struct stat st;
	T_EQ_INT(stat(path, &st), 0);
	struct store_val v[] = { sv_text(T1), sv_text(sha) };
	int64_t inline_len = -1, size = -1;
	store_query_int(&inline_len, S, "SELECT length(data) FROM apply_files WHERE tenant = $1"
			" AND sha256 = $2", v, 2, NULL);
	store_query_int(&size, S, "SELECT size FROM apply_files WHERE tenant = $1 AND sha256 = $2",
			v, 2, NULL);
	T_EQ_INT(inline_len, 0);
	T_EQ_INT((int64_t)st.st_size, size);
	struct arena *a = arena_new(0);
	struct apply_file f;
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), 0);
	T_CHECK(f.size == size && memcmp(f.data, "%PDF-1.4", 8) == 0);
	/* damaged: an error, never other bytes */
	char *good = malloc((size_t)size + 1);
	memcpy(good, f.data, (size_t)size);
	good[size] = 0;
	char bad[512];
	snprintf(bad, sizeof bad, "%s", good);
	bad[10] ^= 1;
	T_EQ_INT(write_file(path, bad), 0);
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), ERR_IO);
	T_CHECK(strstr(e.detail, "damaged") != NULL);
	/* the next upload of the same bytes writes them again (same size,
	 * other content: checked, not trusted) */
	m = upload(&a1, "inu-touroku", "rabies_cert", "blob-file");
	json_decref(m);
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), 0);
	T_CHECK(f.size == size && memcmp(f.data, good, (size_t)size) == 0);
	/* missing: an error naming the store */
	unlink(path);
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), ERR_IO);
	T_CHECK(strstr(e.detail, "missing") != NULL);
	/* the same bytes uploaded again put the file back */
	m = upload(&a1, "inu-touroku", "rabies_cert", "blob-file");
	json_decref(m);
	T_EQ_INT(apply_file_get(&f, a, S, &a1, sha, &e), 0);
	T_CHECK(f.size == size && memcmp(f.data, good, (size_t)size) == 0);
	free(good);

	/* collection: an old file no row names goes, as does an old
	 * temporary file; a young stray file and an old named one stay */
	char stray_old[480], stray_young[480], tmp_old[480], sub[340];
	const char *s1 = "00aa000000000000000000000000000000000000000000000000000000000001";
	const char *s2 = "00aa000000000000000000000000000000000000000000000000000000000002";
	snprintf(sub, sizeof sub, "%s/00", dir);
	mkdir(sub, 0700);
	snprintf(stray_old, sizeof stray_old, "%s/%s", sub, s1);
	snprintf(stray_young, sizeof stray_young, "%s/%s", sub, s2);
	snprintf(tmp_old, sizeof tmp_old, "%s/.tmp-00aa-XXXXXX", sub);
	T_EQ_INT(write_file(stray_old, "x"), 0);
	T_EQ_INT(write_file(stray_young, "y"), 0);
	T_EQ_INT(write_file(tmp_old, "partial"), 0);
	age_file(stray_old, 7200);
	age_file(tmp_old, 7200);
	age_file(path, 7200);
	int64_t removed = -1;
	T_EQ_INT(apply_files_collect(&removed, S, (int64_t)time(NULL), &e), 0);
	T_EQ_INT(removed, 2);
	T_CHECK(access(stray_old, F_OK) != 0);
	T_CHECK(access(tmp_old, F_OK) != 0);
	T_EQ_INT(access(stray_young, F_OK), 0);
	T_EQ_INT(access(path, F_OK), 0);
	unlink(stray_young);
	arena_free(a);
}

/* sizes around the direct-I/O path's block (4096) and bounce buffer
 * (1 MiB): an unaligned source, a partial last block and a file of
 * several chunks come back byte for byte, with their exact size */
static void test_blob_sizes(void)
{
	char dir[300];
	T_REQUIRE(apply_blob_dir(dir, sizeof dir, S));   /* SQLite only: see main() */
	const size_t sizes[] = { 4095, 4096, 4097, 200001, (1u << 20) + 4097, 3u << 20 };
	size_t cap = (3u << 20) + 1;
	unsigned char *src = malloc(cap);
	T_REQUIRE(src);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < cap; i++) {     /* xorshift: no run of zeros */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		src[i] = (unsigned char)x;
	}
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		const unsigned char *p = src + 1;    /* not aligned */
		char sha[65], path[400];
		forms_sha256_hex(sha, p, n);
		struct err e = { 0 };
		T_EQ_INT(apply_blob_write(dir, sha, p, n, &e), 0);
		snprintf(path, sizeof path, "%s/%.2s/%s", dir, sha, sha);
		struct stat st;
		T_EQ_INT(stat(path, &st), 0);
		T_EQ_INT((int64_t)st.st_size, (int64_t)n);
		struct arena *a = arena_new(n + 4096);
		const void *back = NULL;
		T_EQ_INT(apply_blob_read(&back, a, dir, sha, n, &e), 0);
		T_CHECK(back && memcmp(back, p, n) == 0);
		arena_free(a);
		unlink(path);
	}
	free(src);
}

/* ---- the caller's transaction: joined, so its rollback undoes ours ---- */

static void test_caller_tx(void)
{
	struct apply_actor a1 = resident(96001), x = staff_of(SEIKATSU, 1);
	int64_t id = at_state("received", 96001);
	T_REQUIRE(id > 0);
	struct err e;
	struct apply_event ev;
	struct arena *a = arena_new(0);
	struct apply_submission got;
	/* a transition and the caller's own write roll back together */
	T_EQ_INT(store_begin(S, &e), 0);
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .expect_from = "received",
							.to = "in_review" },
				  NOW, &e), 0);
	T_CHECK(store_in_tx(S));
	T_EQ_INT(apply_assign(S, &x, id, STAFF_ID, NOW, &e), 0);
	T_EQ_INT(apply_comment(S, &x, id, "確認中", NOW, &e), 0);
	store_rollback(S);
	T_EQ_INT(apply_get(&got, a, S, &x, id, &e), 0);
	T_EQ_STR(got.status, "received");
	T_EQ_INT(got.assignee, 0);
	struct apply_history_item *h;
	int n = 0;
	T_EQ_INT(apply_history(&h, &n, a, S, &x, id, &e), 0);
	T_EQ_INT(n, 1);
	/* and commit together */
	T_EQ_INT(store_begin(S, &e), 0);
	T_EQ_INT(apply_transition(&ev, S, &x,
				  &(struct apply_move){ .id = id, .expect_from = "received",
							.to = "returned", .note = "不足" },
				  NOW, &e), 0);
	T_EQ_INT(store_commit(S, &e), 0);
	/* the resident's side joins too */
	int64_t did = 0;
	T_EQ_INT(store_begin(S, &e), 0);
	T_EQ_INT(apply_correct(&did, S, &a1, id, NOW, &e), 0);
	T_EQ_INT(apply_withdraw(S, &a1, id, NOW, &e), 0);
	store_rollback(S);
	T_EQ_INT(apply_get(&got, a, S, &a1, id, &e), 0);
	T_EQ_STR(got.status, "returned");
	struct apply_draft *drafts;
	T_EQ_INT(apply_drafts_list(&drafts, &n, a, S, &a1, &e), 0);
	T_EQ_INT(n, 0);
	/* a submission inside the caller's transaction commits with it */
	int64_t d2 = 0;
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "tx");
	json_t *ans = inu_answers("ワダ", "1999-09-09", "ゴン", cert);
	T_EQ_INT(apply_draft_create(&d2, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	int64_t before = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");
	struct apply_submit_result res;
	T_EQ_INT(store_begin(S, &e), 0);
	T_EQ_INT(pay_draft(&a1, d2, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = d2 }, NOW,
			      &e), 0);
	store_rollback(S);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, d2, &e), 0);
	arena_free(a);
}

/* ---- a procedure that requires a signature ---------------------------- */

static void test_signature_required(void)
{
	struct apply_actor a1 = resident(97001);
	struct err e;
	json_t *ans = json_pack("{s:{s:s,s:s,s:s,s:s},s:s,s:{s:s,s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:b}",
		"applicant_name", "family", "区民", "given", "花子", "family_kana", "クミン",
		"given_kana", "ハナコ", "applicant_birth", "1990-04-01",
		"applicant_address", "postal_code", "1660001", "pref", "東京都", "city", "デモ区",
		"street", "中央一丁目2番3号", "applicant_phone", "090-1234-5678",
		"applicant_my_number", "123456789018", "kind", "exemption",
		"period_from", "2026-04-01", "lost_job", 0);
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "nenkin-menjo",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	struct arena *a = arena_new(0);
	/* the bytes to sign exist before there is a signature */
	struct apply_canonical_result cr;
	T_EQ_INT(apply_canonical(&cr, a, S, &a1, did, NOW, &e), 0);
	char *text = cr.text;
	size_t len = cr.len;
	T_CHECK(text && len > 0);
	struct apply_submit_result res;
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1, &(struct apply_draft_submit){ .draft_id = did }, NOW,
			      &e), ERR_AUTH);
	T_CHECK(strstr(e.detail, "signature required") != NULL);
	T_CHECK(strstr(e.detail, "123456789018") == NULL);
	static const unsigned char cms[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct apply_signature sig = { .serial = "0a1b", .subject = "CN=Kumin Hanako",
				       .issuer = "CN=Test CA", .not_after = NOW + 86400,
				       .cms = cms, .cms_len = sizeof cms };
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1,
			      &(struct apply_draft_submit){ .draft_id = did, .opts.sig = &sig },
			      NOW, &e), 0);
	T_EQ_STR(res.sub.sig_serial, "0a1b");
	struct apply_submission got;
	T_EQ_INT(apply_get(&got, a, S, &a1, res.sub.id, &e), 0);
	T_EQ_STR(got.sig_subject, "CN=Kumin Hanako");
	char csha[65];
	forms_sha256_hex(csha, text, len);
	T_EQ_STR(got.sha256, csha);                 /* signed bytes = stored bytes */
	struct store_val v[] = { sv_int(res.sub.id) };
	int64_t n = -1;
	store_query_int(&n, S, "SELECT length(sig_cms) FROM apply_submissions WHERE id = $1", v, 1, NULL);
	T_EQ_INT(n, (int64_t)sizeof cms);
	arena_free(a);
}

/* ---- apply_submit with options: the caller's write in the same transaction, and
 * the bytes that were signed ---------------------------------------------- */

struct hook_arg {
	int calls, fail;
	char receipt[APPLY_RECEIPT_LEN + 1];
};

/* a row of the caller's in the submission's transaction (a table of the
 * test's own, as the server writes its audit record) */
static int hook_write(struct store *s, const struct apply_submission *sub, void *arg,
		      struct err *e)
{
	struct hook_arg *h = arg;
	h->calls++;
	snprintf(h->receipt, sizeof h->receipt, "%s", sub->receipt);
	if (h->fail)
		return err_set(e, ERR_DB, "hook failed on purpose");
	struct store_val v[] = { sv_text(sub->receipt) };
	int rc = store_exec(s, "INSERT INTO test_submit_hook (receipt) VALUES ($1)", v, 1, e);
	return rc < 0 ? rc : 0;
}

static void test_submit_with(void)
{
	struct apply_actor a1 = resident(97101);
	struct err e;
	struct arena *a = arena_new(0);
	T_EQ_INT(store_script(S, "DROP TABLE IF EXISTS test_submit_hook;"
				 "CREATE TABLE test_submit_hook (receipt TEXT NOT NULL)", &e), 0);
	json_t *cert = upload(&a1, "inu-touroku", "rabies_cert", "with");
	T_REQUIRE(cert);
	json_incref(cert);          /* inu_answers takes a reference; used twice */
	json_t *ans = inu_answers("クミン", "1985-04-01", "タロ", cert);
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "inu-touroku",
								 .prefill = ans },
				    NOW, &e), 0);
	json_decref(ans);
	struct apply_canonical_result cr;
	T_EQ_INT(apply_canonical(&cr, a, S, &a1, did, NOW, &e), 0);
	char *text = cr.text;
	size_t len = cr.len;
	char signed_sha[65] = "";
	forms_sha256_hex(signed_sha, text, len);
	int64_t before = count("SELECT count(*) FROM apply_submissions WHERE tenant = $1");

	/* the hook fails: nothing of the submission is written */
	struct hook_arg h = { .fail = 1 };
	struct apply_submit_opts o = { .in_tx = hook_write, .in_tx_arg = &h };
	struct apply_submit_result res;
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1,
			      &(struct apply_draft_submit){ .draft_id = did, .opts = o }, NOW,
			      &e), ERR_DB);
	T_EQ_INT(h.calls, 1);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);
	struct apply_draft d;
	T_EQ_INT(apply_draft_get(&d, a, S, &a1, did, &e), 0);   /* the draft is still there */

	/* the draft is saved again after "signing": refused as stale, nothing written */
	json_t *changed = inu_answers("クミン", "1985-04-01", "ジロ", cert);
	T_EQ_INT(apply_draft_save(S, &a1, did, changed, 1, NOW + 1, &e), 0);
	json_decref(changed);
	struct apply_submit_opts o2 = { .expect_sha256 = signed_sha, .in_tx = hook_write,
					.in_tx_arg = &h };
	h = (struct hook_arg){ 0 };
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1,
			      &(struct apply_draft_submit){ .draft_id = did, .opts = o2 }, NOW,
			      &e), ERR_CONFLICT);
	T_EQ_INT(res.stale, 1);
	T_EQ_INT(h.calls, 0);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before);

	/* the bytes now in the draft: written, the hook's row with it */
	T_EQ_INT(apply_canonical(&cr, a, S, &a1, did, NOW, &e), 0);
	text = cr.text;
	len = cr.len;
	forms_sha256_hex(signed_sha, text, len);
	struct apply_submit_opts o3 = { .expect_sha256 = signed_sha, .in_tx = hook_write,
					.in_tx_arg = &h };
	T_EQ_INT(pay_draft(&a1, did, NOW), 0);
	T_EQ_INT(apply_submit(&res, a, S, &a1,
			      &(struct apply_draft_submit){ .draft_id = did, .opts = o3 }, NOW,
			      &e), 0);
	T_EQ_INT(res.stale, 0);
	T_EQ_INT(h.calls, 1);
	T_EQ_STR(h.receipt, res.sub.receipt);
	T_EQ_STR(res.sub.sha256, signed_sha);
	T_EQ_INT(count("SELECT count(*) FROM apply_submissions WHERE tenant = $1"), before + 1);
	/* the hook's rows: only the one of the written submission (the
	 * failed attempt's was rolled back with it) */
	int64_t n = -1;
	store_query_int(&n, S, "SELECT count(*) FROM test_submit_hook", NULL, 0, NULL);
	T_EQ_INT(n, 1);
	char *got = NULL;
	store_query_text(&got, S, "SELECT receipt FROM test_submit_hook", NULL, 0, NULL);
	T_EQ_STR(got ? got : "", res.sub.receipt);
	free(got);
	store_script(S, "DROP TABLE test_submit_hook", NULL);
	arena_free(a);
}

/* ---- app_apply_actor: the actor from a request's session -------------- */

static void test_app_actor(void)
{
	/* test_session_depts gave STAFF_ID dept.seikatsu_eisei and dept.doboku */
	/* a server with the default configuration (no upload limits) */
	static struct app srv_app;
	struct app_thread th = { .app = &srv_app, .store = S };
	struct app_req q;
	memset(&q, 0, sizeof q);
	struct http_req req;
	memset(&req, 0, sizeof req);
	req.app = &srv_app;
	req.thread_ctx = &th;
	req.ctx = &q;
	struct arena *a = arena_new(0);
	struct apply_actor who;
	/* anonymous */
	T_EQ_INT(app_apply_actor(&who, a, &req), ERR_AUTH);
	q.has_tenant = 1;
	snprintf(q.tenant.code, sizeof q.tenant.code, "%s", T1);
	T_EQ_INT(app_apply_actor(&who, a, &req), ERR_AUTH);
	/* a resident */
	q.has_session = 1;
	q.ses = (struct auth_session){ .id = 1, .kind = AUTH_KIND_RESIDENT, .account_id = 4242,
				       .stage = AUTH_STAGE_FULL };
	snprintf(q.ses.tenant, sizeof q.ses.tenant, "%s", T1);
	T_EQ_INT(app_apply_actor(&who, a, &req), 0);
	T_EQ_INT(who.kind, APPLY_RESIDENT);
	T_EQ_INT(who.id, 4242);
	T_EQ_STR(who.tenant, T1);
	/* not logged in yet (TOTP awaited) */
	q.ses.stage = AUTH_STAGE_TOTP;
	T_EQ_INT(app_apply_actor(&who, a, &req), ERR_AUTH);
	/* staff: departments from dept.* with '_' read back as '-' */
	q.ses = (struct auth_session){ .id = 2, .kind = AUTH_KIND_STAFF, .account_id = STAFF_ID,
				       .stage = AUTH_STAGE_FULL, .mfa_ok = 1 };
	snprintf(q.ses.tenant, sizeof q.ses.tenant, "%s", T1);
	T_EQ_INT(app_apply_actor(&who, a, &req), 0);
	T_EQ_INT(who.kind, APPLY_STAFF);
	T_EQ_INT(who.ndepts, 2);
	if (who.ndepts == 2) {
		T_EQ_STR(who.depts[0], "doboku");
		T_EQ_STR(who.depts[1], "seikatsu-eisei");
	}
	/* without the second factor the needs_mfa role does not count */
	q.ses.mfa_ok = 0;
	T_EQ_INT(app_apply_actor(&who, a, &req), 0);
	T_EQ_INT(who.ndepts, 0);
	q.ses.mfa_ok = 1;
	/* dept.all: every department */
	struct err e;
	T_EQ_INT(auth_role_permission_add(S, T1, "inu-kakari", "dept.all", NULL, &e), 0);
	T_EQ_INT(app_apply_actor(&who, a, &req), 0);
	T_EQ_INT(who.ndepts, -1);
	T_CHECK(who.depts == NULL);
	/* a session of another municipality is nobody here */
	snprintf(q.ses.tenant, sizeof q.ses.tenant, "%s", T2);
	T_EQ_INT(app_apply_actor(&who, a, &req), ERR_AUTH);
	arena_free(a);
}

/* apply_view (issue #12): one rule for masking the 個人番号 and for what
 * the caller audits, whatever the path */
static void test_view(void)
{
	struct arena *a = arena_new(0);
	const struct forms_def *d = NULL;
	struct err e;
	T_REQUIRE(apply_load_def(&d, NULL, a, S,
				 &(struct apply_def_ref){ .tenant = T1,
							  .procedure = "nenkin-menjo" },
				 &e) == 0);
	json_t *ans = json_pack("{s:s,s:s}", "applicant_my_number", "123456789018",
				"applicant_phone", "03-1234-5678");
	T_REQUIRE(apply_json_keep(a, ans));
	struct apply_actor st = staff_of(NULL, -1), pr = staff_of(NULL, -1), res = resident(90001);
	pr.personal_read = 1;
	struct apply_view v;
	/* staff without personal.read: masked, the read audited, no reveal */
	T_EQ_INT(apply_view(&v, a, &st, d, ans, APPLY_REVEAL_IF_ALLOWED, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(v.answers, "applicant_my_number")), "********9018");
	T_EQ_STR(json_string_value(json_object_get(v.answers, "applicant_phone")), "03-1234-5678");
	T_EQ_INT(v.has_my_number, 1);
	T_EQ_INT(v.revealed, 0);
	T_EQ_INT(v.may_reveal, 0);
	T_EQ_INT(v.audit_read, 1);
	T_EQ_INT(v.audit_reveal, 0);
	T_EQ_INT(apply_view(&v, a, &st, d, ans, APPLY_REVEAL_ASKED, &e), ERR_DENIED);
	/* the stored answers are never changed */
	T_EQ_STR(json_string_value(json_object_get(ans, "applicant_my_number")), "123456789018");
	/* with personal.read: masked unless asked (pages) or allowed (API) */
	T_EQ_INT(apply_view(&v, a, &pr, d, ans, APPLY_REVEAL_NO, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(v.answers, "applicant_my_number")), "********9018");
	T_EQ_INT(v.may_reveal, 1);
	T_EQ_INT(v.audit_reveal, 0);
	T_EQ_INT(apply_view(&v, a, &pr, d, ans, APPLY_REVEAL_IF_ALLOWED, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(v.answers, "applicant_my_number")), "123456789018");
	T_EQ_INT(v.revealed, 1);
	T_EQ_INT(v.audit_read, 1);
	T_EQ_INT(v.audit_reveal, 1);
	T_EQ_INT(apply_view(&v, a, &pr, d, ans, APPLY_REVEAL_ASKED, &e), 0);
	T_EQ_INT(v.revealed, 1);
	/* a resident reads their own: masked, not audited, no reveal */
	T_EQ_INT(apply_view(&v, a, &res, d, ans, APPLY_REVEAL_IF_ALLOWED, &e), 0);
	T_EQ_STR(json_string_value(json_object_get(v.answers, "applicant_my_number")), "********9018");
	T_EQ_INT(v.audit_read, 0);
	T_EQ_INT(apply_view(&v, a, &res, d, ans, APPLY_REVEAL_ASKED, &e), ERR_DENIED);
	/* attachments: staff and system reads audited, a resident's own not */
	T_EQ_INT(apply_read_audited(&st), 1);
	T_EQ_INT(apply_read_audited(&res), 0);
	arena_free(a);
}

static int64_t files_of(int64_t resident_id)
{
	int64_t n = -1;
	struct store_val v[] = { sv_text(T1), sv_int(resident_id) };
	store_query_int(&n, S, "SELECT count(*) FROM apply_files WHERE tenant = $1"
			" AND owner_kind = 1 AND owner_id = $2", v, 2, NULL);
	return n;
}

/* per-account attachment quota and upload rate (issue #12): refused
 * before anything is stored, by every way in (apply_file_put and the
 * one-request submission) */
static void test_upload_limits(void)
{
	struct arena *a = arena_new(0);
	const struct forms_def *d = NULL;
	struct err e;
	T_REQUIRE(apply_load_def(&d, NULL, a, S,
				 &(struct apply_def_ref){ .tenant = T1, .procedure = "inu-touroku" },
				 &e) == 0);
	const struct forms_field *f = forms_def_field(d, "rabies_cert");
	T_REQUIRE(f);
	char pdf[3][128];
	int len[3];
	for (int i = 0; i < 3; i++)
		len[i] = snprintf(pdf[i], sizeof pdf[i], "%%PDF-1.4\n%% limits %d ..............\n"
				  "1 0 obj <<>> endobj\n%%%%EOF\n", i);
	json_t *m = NULL;
	/* the quota: two files do not fit, the same bytes again cost nothing */
	struct apply_limits q = { .quota_bytes = len[0] + len[1] - 1 };
	struct apply_actor qa = resident(90201);
	qa.limits = &q;
	T_EQ_INT(apply_file_put(&m, S, &qa,
				&(struct apply_file_in){ .field = f, .name = "a.pdf",
							 .data = pdf[0], .n = (size_t)len[0] },
				NOW, &e), 0);
	json_decref(m);
	T_EQ_INT(apply_file_put(&m, S, &qa,
				&(struct apply_file_in){ .field = f, .name = "a.pdf",
							 .data = pdf[0], .n = (size_t)len[0] },
				NOW, &e), 0);
	json_decref(m);
	m = NULL;
	T_EQ_INT(apply_file_put(&m, S, &qa,
				&(struct apply_file_in){ .field = f, .name = "b.pdf",
							 .data = pdf[1], .n = (size_t)len[1] },
				NOW, &e), ERR_LIMIT);
	T_EQ_INT(apply_limit_hit(&e), APPLY_LIMIT_QUOTA);
	T_CHECK(m == NULL);
	T_EQ_INT(files_of(90201), 1);
	/* the one-request submission counts its uploads against the same quota */
	json_t *ans = inu_answers("クミン", "1985-04-01", "リミ", NULL);
	struct apply_upload up = { .field = "rabies_cert", .name = "b.pdf", .data = pdf[1],
				   .n = (size_t)len[1] };
	struct apply_submit_result res;
	T_EQ_INT(apply_submit_answers(&res, a, S, &qa,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans, .uploads = &up,
								  .nuploads = 1 },
				      NOW, &e),
		 ERR_LIMIT);
	T_EQ_INT(apply_limit_hit(&e), APPLY_LIMIT_QUOTA);
	T_EQ_INT(files_of(90201), 1);
	/* two uploads for one file field: refused, neither stored */
	struct apply_upload two[2] = { up, up };
	two[1].data = pdf[2];
	two[1].n = (size_t)len[2];
	struct apply_actor un = resident(90203);
	T_EQ_INT(apply_submit_answers(&res, a, S, &un,
				      &(struct apply_answers_in){ .procedure = "inu-touroku",
								  .answers = ans, .uploads = two,
								  .nuploads = 2 },
				      NOW, &e),
		 ERR_INVALID);
	T_CHECK(res.check.nerrors == 1 && strcmp(res.check.errors[0].code, "duplicate") == 0);
	T_EQ_INT(files_of(90203), 0);
	json_decref(ans);
	/* without limits (the CLI, jobs) the same upload is stored */
	struct apply_actor free_a = resident(90201);
	T_EQ_INT(apply_file_put(&m, S, &free_a,
				&(struct apply_file_in){ .field = f, .name = "b.pdf",
							 .data = pdf[1], .n = (size_t)len[1] },
				NOW, &e), 0);
	json_decref(m);
	/* the rate: two new attachments a minute, the third waits */
	struct apply_limits rl = { .uploads_per_min = 2 };
	struct apply_actor ra = resident(90202);
	ra.limits = &rl;
	for (int i = 0; i < 2; i++) {
		T_EQ_INT(apply_file_put(&m, S, &ra,
					&(struct apply_file_in){ .field = f, .name = "res.check.pdf",
								 .data = pdf[i],
								 .n = (size_t)len[i] },
					NOW, &e), 0);
		json_decref(m);
	}
	m = NULL;
	T_EQ_INT(apply_file_put(&m, S, &ra,
				&(struct apply_file_in){ .field = f, .name = "res.check.pdf",
							 .data = pdf[2], .n = (size_t)len[2] },
				NOW + 10, &e), ERR_LIMIT);
	T_EQ_INT(apply_limit_hit(&e), APPLY_LIMIT_RATE);
	T_EQ_INT(files_of(90202), 2);
	T_EQ_INT(apply_file_put(&m, S, &ra,
				&(struct apply_file_in){ .field = f, .name = "res.check.pdf",
							 .data = pdf[2], .n = (size_t)len[2] },
				NOW + 61, &e), 0);
	json_decref(m);
	T_EQ_INT(files_of(90202), 3);
	/* another error is no limit */
	struct err other;
	err_set(&other, ERR_LIMIT, "apply: file larger than 1 bytes");
	T_EQ_INT(apply_limit_hit(&other), APPLY_LIMIT_NONE);
	arena_free(a);
}

/* once only (issue #12): a waiver or a read-only registry answer is proven
 * against the submitter's own registry record inside src/svc/apply, whatever
 * the entry point: a draft, the one-request submission, a bundle */
static const char WAIVER_DEF[] =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"once-only\","
	"\"title\":{\"ja\":\"添付省略\",\"en\":\"Waiver\"},\"department\":\"kuminka\","
	"\"life_events\":[\"move_in\"],\"retention_years\":1,\"target_days\":7,"
	"\"pages\":[{\"id\":\"who\",\"title\":{\"ja\":\"申請者\",\"en\":\"Applicant\"},\"fields\":["
	"{\"id\":\"applicant_address\",\"type\":\"address_jp\",\"label\":{\"ja\":\"住所\",\"en\":\"Address\"},"
	"\"required\":true,\"prefill\":{\"source\":\"juki\",\"path\":\"address\"}},"
	"{\"id\":\"id_document\",\"type\":\"file\",\"label\":{\"ja\":\"本人確認書類\",\"en\":\"ID\"},"
	"\"required\":true,\"accept\":[\"image/png\",\"application/pdf\"],"
	"\"waive_if\":{\"source\":\"juki\",\"path\":\"address\",\"matches\":\"applicant_address\"}}]}]}";

static int once_submit(int how, const struct apply_actor *who, const json_t *answers,
		       struct forms_result *r, struct arena *a, struct err *e)
{
	int64_t id = 0;
	int rc;
	switch (how) {
	case 0: { /* a draft */
		if ((rc = apply_draft_create(&id, S, who,
					     &(struct apply_draft_start){ .procedure = "once-only",
									  .prefill = answers },
					     NOW, e)))
			return rc;
		struct apply_submit_result res;
		rc = apply_submit(&res, a, S, who, &(struct apply_draft_submit){ .draft_id = id },
				  NOW, e);
		*r = res.check;
		return rc;
	}
	case 1: { /* one request */
		json_t *c = json_deep_copy(answers);
		struct apply_submit_result res;
		rc = apply_submit_answers(&res, a, S, who,
					  &(struct apply_answers_in){ .procedure = "once-only",
								      .answers = c },
					  NOW, e);
		*r = res.check;
		json_decref(c);
		return rc;
	}
	default: { /* a life-event bundle */
		const char *procs[] = { "once-only" };
		struct apply_bundle_new bn = { .event = "move_in", .procedures = procs,
					       .nprocedures = 1, .shared = answers };
		if ((rc = apply_bundle_create(&id, S, who, &bn, NOW, e)))
			return rc;
		struct apply_bundle_result res;
		rc = apply_bundle_submit(&res, a, S, who,
					 &(struct apply_bundle_submit_in){ .bundle_id = id }, NOW, e);
		*r = res.check;
		return rc;
	}
	}
}

static void test_registry_once_only(void)
{
	struct err e;
	struct arena *a = arena_new(0);
	struct forms_def *d = NULL;
	int v = 0;
	T_REQUIRE(forms_def_parse(&d, a, WAIVER_DEF, sizeof WAIVER_DEF - 1, &e) == 0);
	T_REQUIRE(forms_publish(&v, NULL, S, T1, d, &e) == 0);
	T_EQ_INT(forms_def_uses_registry(d), 1);
	T_REQUIRE(registry_demo_seed(NULL, S, T1, &e) == 0);
	static struct auth_config cfg;
	T_REQUIRE(auth_config_init(&cfg, AUTH_HASH_TEST_ONLY, &e) == 0);
	int64_t taro = 0, nobody = 0;
	T_REQUIRE(auth_resident_add(&taro, S, &cfg,
				    &(struct auth_resident_new){ .tenant = T1,
								 .email = "once-taro@example.jp",
								 .password = "Kinmokusei-2026-x" },
				    NOW, NULL, &e) == 0);
	T_REQUIRE(auth_resident_add(&nobody, S, &cfg,
				    &(struct auth_resident_new){ .tenant = T1,
								 .email = "once-nobody@example.jp",
								 .password = "Kinmokusei-2026-y" },
				    NOW, NULL, &e) == 0);
	T_REQUIRE(registry_link(S, T1, taro, "P0001", NOW, &e) == 0);
	json_t *juki = NULL;
	T_REQUIRE(registry_person_json(&juki, S, T1, taro, &e) == 0);
	json_t *ans = json_pack("{s:O,s:{s:s}}", "applicant_address", json_object_get(juki, "address"),
				"id_document", "waived", "juki");
	json_t *moved = json_deep_copy(ans);
	json_object_set_new(json_object_get(moved, "applicant_address"), "street",
			    json_string("月見町9丁目9番9号"));
	struct apply_actor t = resident(taro), n = resident(nobody);
	struct forms_result r;
	for (int how = 0; how < 3; how++) {
		/* nobody's record proves the waiver: refused, the reason said */
		T_EQ_INT(once_submit(how, &n, ans, &r, a, &e), ERR_INVALID);
		const struct forms_error *pe = apply_registry_problem(&r);
		T_CHECK(pe && strcmp(pe->code, "waiver") == 0 && strcmp(pe->path, "id_document") == 0);
		/* a read-only registry answer changed: refused too */
		T_EQ_INT(once_submit(how, &t, moved, &r, a, &e), ERR_INVALID);
		pe = apply_registry_problem(&r);
		T_CHECK(pe && strcmp(pe->code, "prefill_readonly") == 0);
		/* 日之出 太郎's record proves it */
		T_EQ_INT(once_submit(how, &t, ans, &r, a, &e), 0);
	}
	/* staff (the counter) have no record: nothing is proven for them */
	struct apply_actor st = staff_of(NULL, -1);
	T_EQ_INT(once_submit(1, &st, ans, &r, a, &e), ERR_INVALID);
	T_CHECK(apply_registry_problem(&r) != NULL);
	/* ...unless they pass the record of the person they looked up in the
	 * register (書かない窓口): then it proves the same as for the resident */
	struct apply_submit_result cr;
	json_t *c = json_deep_copy(moved);
	T_EQ_INT(apply_submit_answers(&cr, a, S, &st,
				      &(struct apply_answers_in){ .procedure = "once-only", .answers = c,
								  .opts.registry = juki },
				      NOW, &e), ERR_INVALID);
	T_CHECK(apply_registry_problem(&cr.check) &&
		strcmp(apply_registry_problem(&cr.check)->code, "prefill_readonly") == 0);
	json_decref(c);
	c = json_deep_copy(ans);
	json_t *src = json_pack("{s:s}", "applicant_address", "juki");
	T_EQ_INT(apply_submit_answers(&cr, a, S, &st,
				      &(struct apply_answers_in){ .procedure = "once-only", .answers = c,
								  .sources = src, .opts.registry = juki },
				      NOW, &e), 0);
	T_EQ_INT(cr.sub.resident_id, 0);   /* entered at the counter */
	T_CHECK(cr.sub.sources && json_is_object(cr.sub.sources));
	json_decref(src);
	json_decref(c);
	json_decref(moved);
	json_decref(ans);
	json_decref(juki);
	arena_free(a);
}

/* signing requests (signreq.c): the token is a bearer secret stored
 * hashed, bound to owner, tenant and target; one signature, only before
 * the request expires; a cap on open requests per owner */
static void test_signreq(void)
{
	struct apply_actor a1 = resident(97101), a2 = resident(97102);
	struct err e;
	int64_t did = 0;
	T_EQ_INT(apply_draft_create(&did, S, &a1,
				    &(struct apply_draft_start){ .procedure = "nenkin-menjo" }, NOW, &e), 0);
	struct arena *a = arena_new(0);
	char sha[65];
	memset(sha, 'a', 64);
	sha[64] = 0;
	char tok[APPLY_SIGNREQ_TOKEN_LEN + 1], tok2[APPLY_SIGNREQ_TOKEN_LEN + 1];
	T_EQ_INT(apply_signreq_create(tok, S, &a1, &(struct apply_signreq_new){ APPLY_SIGNREQ_DRAFT, did, sha },
				      NOW, &e), 0);
	T_EQ_INT((int)strlen(tok), APPLY_SIGNREQ_TOKEN_LEN);
	/* only the hash is stored */
	struct store_val tv[] = { sv_text(tok) };
	int64_t plain = -1;
	T_EQ_INT(store_query_int(&plain, S, "SELECT count(*) FROM apply_sign_requests WHERE token_sha256 = $1",
				 tv, 1, &e), 0);
	T_EQ_INT((int)plain, 0);
	struct apply_signreq sr;
	T_EQ_INT(apply_signreq_by_token(&sr, a, S, T1, tok, NOW + 1, &e), 0);
	T_EQ_INT((int)sr.target, (int)did);
	T_EQ_INT((int)sr.owner_id, 97101);
	T_EQ_STR(sr.sha256, sha);
	T_EQ_INT((int)sr.signed_at, 0);
	/* another tenant, a wrong token, an expired request: not found */
	T_EQ_INT(apply_signreq_by_token(&sr, a, S, T2, tok, NOW + 1, &e), ERR_NOTFOUND);
	char wrong[APPLY_SIGNREQ_TOKEN_LEN + 1];
	memcpy(wrong, tok, sizeof wrong);
	wrong[0] = wrong[0] == '0' ? '1' : '0';
	T_EQ_INT(apply_signreq_by_token(&sr, a, S, T1, wrong, NOW + 1, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_signreq_by_token(&sr, a, S, T1, "short", NOW + 1, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_signreq_by_token(&sr, a, S, T1, tok, NOW + APPLY_SIGNREQ_TTL, &e), ERR_NOTFOUND);
	/* one signature, before expiry */
	static const unsigned char cms[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct apply_signreq_signature sig = { cms, sizeof cms, "CN=デモ 太郎" };
	T_EQ_INT(apply_signreq_sign(S, T1, tok, &sig, NOW + APPLY_SIGNREQ_TTL, &e), ERR_CONFLICT);
	T_EQ_INT(apply_signreq_sign(S, T2, tok, &sig, NOW + 2, &e), ERR_CONFLICT);
	T_EQ_INT(apply_signreq_sign(S, T1, tok, &sig, NOW + 2, &e), 0);
	T_EQ_INT(apply_signreq_sign(S, T1, tok, &sig, NOW + 3, &e), ERR_CONFLICT);
	T_EQ_INT(apply_signreq_sign(S, T1, tok, &(struct apply_signreq_signature){ cms, 0, "x" }, NOW + 3, &e),
		 ERR_INVALID);
	/* the owner finds it signed; another resident does not */
	T_EQ_INT(apply_signreq_latest(&sr, a, S, &a1, APPLY_SIGNREQ_DRAFT, did, &e), 0);
	T_EQ_INT((int)sr.signed_at, (int)(NOW + 2));
	T_CHECK(sr.cms_len == sizeof cms && memcmp(sr.cms, cms, sizeof cms) == 0);
	T_EQ_STR(sr.subject, "CN=デモ 太郎");
	T_EQ_INT(apply_signreq_latest(&sr, a, S, &a2, APPLY_SIGNREQ_DRAFT, did, &e), ERR_NOTFOUND);
	T_EQ_INT(apply_signreq_latest(&sr, a, S, &a1, APPLY_SIGNREQ_BUNDLE, did, &e), ERR_NOTFOUND);
	/* a newer request is the latest, unsigned */
	T_EQ_INT(apply_signreq_create(tok2, S, &a1, &(struct apply_signreq_new){ APPLY_SIGNREQ_DRAFT, did, sha },
				      NOW + 4, &e), 0);
	T_CHECK(strcmp(tok, tok2) != 0);
	T_EQ_INT(apply_signreq_latest(&sr, a, S, &a1, APPLY_SIGNREQ_DRAFT, did, &e), 0);
	T_EQ_INT((int)sr.signed_at, 0);
	/* at most APPLY_SIGNREQ_MAX_OPEN unexpired requests an owner */
	int made = 2, rc = 0;
	while (made < APPLY_SIGNREQ_MAX_OPEN + 1 &&
	       (rc = apply_signreq_create(tok2, S, &a1, &(struct apply_signreq_new){ APPLY_SIGNREQ_DRAFT, did, sha },
					  NOW + 5, &e)) == 0)
		made++;
	T_EQ_INT(rc, ERR_LIMIT);
	T_EQ_INT(made, APPLY_SIGNREQ_MAX_OPEN);
	/* once expired they make room again, and are deleted */
	T_EQ_INT(apply_signreq_create(tok2, S, &a1, &(struct apply_signreq_new){ APPLY_SIGNREQ_DRAFT, did, sha },
				      NOW + 5 + APPLY_SIGNREQ_TTL, &e), 0);
	/* bad input */
	T_EQ_INT(apply_signreq_create(tok2, S, &a1, &(struct apply_signreq_new){ 7, did, sha }, NOW, &e), ERR_INVALID);
	T_EQ_INT(apply_signreq_create(tok2, S, &a1, &(struct apply_signreq_new){ APPLY_SIGNREQ_DRAFT, did, "ab" },
				      NOW, &e), ERR_INVALID);
	/* forgotten after the submission */
	T_EQ_INT(apply_signreq_forget(S, &a1, APPLY_SIGNREQ_DRAFT, did, &e), 0);
	T_EQ_INT(apply_signreq_latest(&sr, a, S, &a1, APPLY_SIGNREQ_DRAFT, did, &e), ERR_NOTFOUND);
	arena_free(a);
}

int main(void)
{
	url = getenv("MADOGUCHI_TEST_DB");
	if (!url || !*url) {
		snprintf(sqlite_path, sizeof sqlite_path, "sqlite:/tmp/madoguchi-apply-%d.db",
			 (int)getpid());
		url = sqlite_path;
	}
	printf("# database: %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
	int ok = setup() == 0;
	if (!ok) {
		printf("not ok 1 - setup\n1..1\n");
		return 1;
	}
	T_RUN(test_receipt_check);
	T_RUN(test_draft);
	T_RUN(test_submit_invalid);
	T_RUN(test_submit_ok);
	T_RUN(test_ownership);
	T_RUN(test_staff_scope);
	T_RUN(test_transitions);
	T_RUN(test_notes_and_expect);
	T_RUN(test_staff_states);
	T_RUN(test_resubmit);
	T_RUN(test_withdraw);
	T_RUN(test_overdue);
	T_RUN(test_duplicates);
	T_RUN(test_assign_comment_history);
	T_RUN(test_paging_counts);
	T_RUN(test_bundle);
	T_RUN(test_fee_before);
	T_RUN(test_fee_bundle_changes);
	T_RUN(test_fee_expired_and_late);
	T_RUN(test_bundle_signed);
	T_RUN(test_purge);
	T_RUN(test_session_depts);
	T_RUN(test_app_actor);
	T_RUN(test_concurrent_numbering);
	T_RUN(test_group_commit);
	T_RUN(test_caller_tx);
	T_RUN(test_signature_required);
	T_RUN(test_submit_with);
	T_RUN(test_signreq);
	/* the SQLite-only tests are not run on PostgreSQL rather than
	 * reported "ok" there without checking anything */
	int sqlite = strncmp(url, "sqlite:", 7) == 0;
	if (sqlite) {
		T_RUN(test_blob_files);
		T_RUN(test_blob_sizes);
	}
	T_RUN(test_submit_answers);
	T_RUN(test_view);
	T_RUN(test_registry_once_only);
	T_RUN(test_upload_limits);
	if (sqlite)
		T_RUN(test_backup_roundtrip);
	else
		printf("# not run on PostgreSQL (SQLite only): test_blob_files, "
		       "test_blob_sizes, test_backup_roundtrip\n");
	cleanup(S);
	store_close(S);
	if (url == sqlite_path) {
		unlink(sqlite_path + 7);
		char w[160];
		snprintf(w, sizeof w, "%s-wal", sqlite_path + 7);
		unlink(w);
		snprintf(w, sizeof w, "%s-shm", sqlite_path + 7);
		unlink(w);
		remove_tree_files(sqlite_path + 7);
		char restored[160];
		snprintf(restored, sizeof restored, "%s-restored", sqlite_path + 7);
		remove_tree_files(restored);
	}
	return t_done();
}
