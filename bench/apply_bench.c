/*
 * apply_bench.c -- durable submissions per second through src/svc/apply, on
 * the real store (no HTTP): THREADS threads, each with its own
 * connection, as the server's workers have.
 *
 *   build/bench/apply_bench URL THREADS PER_THREAD
 *
 * The procedure has 30 answered fields (name, birth date, address, phone,
 * e-mail and 25 text fields) and a required PDF attachment of 200 KB.
 * Untimed: publish, and one draft per submission.  Then, timed:
 *   1. every thread uploads its attachments (apply_file_put: 200 KB into
 *      the database each, durable);
 *   2. every thread submits its drafts (apply_submit: validation, receipt,
 *      one durable transaction each).
 * The ceiling is the same store's rate of one-row durable transactions
 * from the same threads (what the disk's fsync allows one at a time).
 *
 * Prints "figure NAME VALUE UNIT" lines:
 *   figure commit_ceiling N per_s
 *   figure apply_file_put_store N per_s     + apply_file_put_p99 ms
 *   figure apply_submit_store N per_s       + apply_submit_p50 / _p99 ms
 * and the ratio of apply_submit_store to the ceiling.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc/apply/apply.h"
#include "svc/apply/apply_int.h"
#include "base/util.h"
#include "core/tenant/tenant.h"

#define FILE_BYTES (200 * 1024)
static const char *TENANT = "139998";
static const char *url;
static int per;
static int64_t NOW;

static char *definition(void)
{
	static char buf[32768];
	int n = snprintf(buf, sizeof buf,
		"{\"format\":\"madoguchi-procedure/1\",\"id\":\"bench-30\","
		"\"title\":{\"ja\":\"試験の手続\",\"en\":\"Bench procedure\"},"
		"\"department\":\"bench\",\"retention_years\":5,\"target_days\":10,"
		"\"pages\":[{\"id\":\"p1\",\"title\":{\"ja\":\"申請者\",\"en\":\"Applicant\"},\"fields\":["
		"{\"id\":\"applicant_name\",\"type\":\"name_jp\",\"label\":{\"ja\":\"氏名\",\"en\":\"Name\"},\"required\":true},"
		"{\"id\":\"applicant_birth\",\"type\":\"date\",\"label\":{\"ja\":\"生年月日\",\"en\":\"Birth\"},\"required\":true},"
		"{\"id\":\"applicant_address\",\"type\":\"address_jp\",\"label\":{\"ja\":\"住所\",\"en\":\"Address\"},\"required\":true},"
		"{\"id\":\"applicant_phone\",\"type\":\"phone\",\"label\":{\"ja\":\"電話\",\"en\":\"Phone\"},\"required\":true},"
		"{\"id\":\"applicant_email\",\"type\":\"email\",\"label\":{\"ja\":\"メール\",\"en\":\"E-mail\"}}"
		"]},{\"id\":\"p2\",\"title\":{\"ja\":\"内容\",\"en\":\"Details\"},\"fields\":[");
	for (int i = 1; i <= 25; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n,
			"{\"id\":\"q%02d\",\"type\":\"text\",\"label\":{\"ja\":\"質問%d\",\"en\":\"Question %d\"},"
			"\"required\":true,\"max_length\":100},", i, i, i);
	n += snprintf(buf + n, sizeof buf - (size_t)n,
		"{\"id\":\"doc\",\"type\":\"file\",\"label\":{\"ja\":\"書類\",\"en\":\"Document\"},"
		"\"required\":true,\"accept\":[\"application/pdf\"],\"max_bytes\":1048576}]}]}");
	return buf;
}

static json_t *answers(int k, json_t *doc)
{
	json_t *a = json_pack("{s:{s:s,s:s,s:s,s:s},s:s,s:{s:s,s:s,s:s,s:s},s:s,s:s}",
		"applicant_name", "family", "区民", "given", "花子", "family_kana", "クミン",
		"given_kana", "ハナコ", "applicant_birth", "1985-04-01",
		"applicant_address", "postal_code", "1660001", "pref", "東京都", "city", "デモ区",
		"street", "中央一丁目2番3号", "applicant_phone", "090-1234-5678",
		"applicant_email", "hanako@example.jp");
	for (int i = 1; i <= 25; i++) {
		char id[16], v[64];
		snprintf(id, sizeof id, "q%02d", i);
		snprintf(v, sizeof v, "回答%d-%d　テキスト", i, k);
		json_object_set_new(a, id, json_string(v));
	}
	json_object_set(a, "doc", doc);
	return a;
}

struct worker {
	int index;
	struct store *s;
	struct apply_actor who;
	int64_t *drafts;
	unsigned char *file;
	json_t **metas;
	int64_t *put_us, *sub_us;
	int ok_put, ok_sub;
	int phase;
	int64_t ceiling_n;
};

static const struct forms_field *doc_field;
static volatile int ceiling_stop;

static void *run(void *arg)
{
	struct worker *w = arg;
	struct err e;
	if (w->phase == 0) {          /* ceiling: one-row durable transactions */
		while (!ceiling_stop) {
			struct store_val v[] = { sv_int(w->index) };
			if (store_exec(w->s, "INSERT INTO bench_ceiling (t) VALUES ($1)", v, 1, &e) < 0)
				break;
			w->ceiling_n++;
		}
	} else if (w->phase == 1) {   /* uploads */
		for (int i = 0; i < per; i++) {
			/* a PDF of 200 KB, different for every submission */
			snprintf((char *)w->file + 9, 40, "%d-%d ", w->index, i);
			int64_t t0 = mono_us();
			int rc = apply_file_put(&w->metas[i], w->s, &w->who,
						&(struct apply_file_in){ .field = doc_field,
									 .name = "doc.pdf",
									 .data = w->file,
									 .n = FILE_BYTES },
						NOW, &e);
			w->put_us[i] = mono_us() - t0;
			if (rc) {
				fprintf(stderr, "put: %s\n", e.detail);
				break;
			}
			w->ok_put++;
		}
	} else {                      /* submissions */
		struct arena *a = arena_new(0);
		for (int i = 0; i < per; i++) {
			struct apply_submit_result res;
			int64_t t0 = mono_us();
			int rc = apply_submit(&res, a, w->s, &w->who,
					      &(struct apply_draft_submit){ .draft_id = w->drafts[i] },
					      NOW, &e);
			w->sub_us[i] = mono_us() - t0;
			if (rc) {
				fprintf(stderr, "submit: %d %s\n", rc, e.detail);
				break;
			}
			w->ok_sub++;
			if (i % 16 == 15) {
				arena_free(a);
				a = arena_new(0);
			}
		}
		arena_free(a);
	}
	return NULL;
}

static int cmp64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static double pct(int64_t *v, int n, int p)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp64);
	int k = (int)((double)p / 100.0 * n);
	if (k >= n)
		k = n - 1;
	return (double)v[k] / 1000.0;
}

static int start(struct worker *w, int nt, int phase)
{
	pthread_t th[256];
	for (int i = 0; i < nt; i++) {
		w[i].phase = phase;
		pthread_create(&th[i], NULL, run, &w[i]);
	}
	if (phase == 0) {
		int64_t t0 = mono_ms();
		while (mono_ms() - t0 < 3000)
			usleep(10000);
		ceiling_stop = 1;
	}
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: apply_bench URL THREADS PER_THREAD\n");
		return 2;
	}
	url = argv[1];
	int nt = atoi(argv[2]);
	per = atoi(argv[3]);
	if (nt < 1 || nt > 256 || per < 1)
		return 2;
	NOW = now_ms() / 1000;
	struct err e;
	struct store *s;
	if (store_open(&s, url, &e)) {
		fprintf(stderr, "open: %s\n", e.detail);
		return 1;
	}
	extern int app_migrate(struct store *, int *, struct err *);
	if (app_migrate(s, NULL, &e)) {
		fprintf(stderr, "migrate: %s\n", e.detail);
		return 1;
	}
	struct tenant t = { .demo = 1 };
	snprintf(t.code, sizeof t.code, "%s", TENANT);
	snprintf(t.name_ja, sizeof t.name_ja, "デモ区");
	snprintf(t.name_en, sizeof t.name_en, "Demo Ward");
	tenant_add(s, &t, NULL);
	store_script(s, "CREATE TABLE IF NOT EXISTS bench_ceiling (t BIGINT)", NULL);
	struct arena *a = arena_new(0);
	struct forms_def *d;
	const char *def = definition();
	int v = 0;
	if (forms_def_parse(&d, a, def, strlen(def), &e) || forms_publish(&v, NULL, s, TENANT, d, &e)) {
		fprintf(stderr, "publish: %s\n", e.detail);
		return 1;
	}
	doc_field = forms_def_field(d, "doc");
	struct worker *w = calloc((size_t)nt, sizeof *w);
	int64_t base = (now_ms() % 1000000) * 1000;
	for (int i = 0; i < nt; i++) {
		w[i].index = i;
		if (store_open(&w[i].s, url, &e)) {
			fprintf(stderr, "open: %s\n", e.detail);
			return 1;
		}
		w[i].who = (struct apply_actor){ .kind = APPLY_RESIDENT, .id = base + i + 1,
						 .tenant = TENANT };
		w[i].drafts = calloc((size_t)per, sizeof(int64_t));
		w[i].metas = calloc((size_t)per, sizeof(json_t *));
		w[i].put_us = calloc((size_t)per, sizeof(int64_t));
		w[i].sub_us = calloc((size_t)per, sizeof(int64_t));
		w[i].file = malloc(FILE_BYTES);
		memcpy(w[i].file, "%PDF-1.4\n", 9);
		for (int k = 9; k < FILE_BYTES; k++)
			w[i].file[k] = (unsigned char)(' ' + (k * 7 + i) % 90);
	}
	/* the ceiling */
	start(w, nt, 0);
	int64_t cn = 0;
	for (int i = 0; i < nt; i++)
		cn += w[i].ceiling_n;
	double ceiling = (double)cn / 3.0;
	printf("figure commit_ceiling %.0f per_s\n", ceiling);
	/* uploads */
	int64_t c0, w0, c1, w1, b0, b1;
	apply_group_stats(&c0, &w0, &b0);
	int64_t t0 = mono_us();
	start(w, nt, 1);
	double put_s = (double)(mono_us() - t0) / 1e6;
	int nput = 0;
	int64_t *all = calloc((size_t)(nt * per), sizeof(int64_t));
	for (int i = 0; i < nt; i++)
		for (int k = 0; k < w[i].ok_put; k++)
			all[nput++] = w[i].put_us[k];
	printf("figure apply_file_put_store %.0f per_s\n", nput / put_s);
	printf("figure apply_file_put_p99 %.1f ms\n", pct(all, nput, 99));
	apply_group_stats(&c1, &w1, &b1);
	printf("uploads: %lld commits carried %lld writes, leaders busy %.1f ms a commit\n",
	       (long long)(c1 - c0), (long long)(w1 - w0), (double)(b1 - b0) / 1e3 / (double)(c1 - c0 ? c1 - c0 : 1));
	/* drafts (untimed) */
	for (int i = 0; i < nt; i++)
		for (int k = 0; k < w[i].ok_put; k++) {
			json_t *ans = answers(k, w[i].metas[k]);
			if (apply_draft_create(&w[i].drafts[k], w[i].s, &w[i].who,
					       &(struct apply_draft_start){ .procedure = "bench-30",
									    .prefill = ans },
					       NOW, &e))
				fprintf(stderr, "draft: %s\n", e.detail);
			json_decref(ans);
			json_decref(w[i].metas[k]);
		}
	/* the uploads' log is checkpointed first, so that the submissions do
	 * not pay for copying 200 KB blobs into the database file */
	if (store_kind(s) == STORE_SQLITE)
		store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0, NULL);
	apply_group_stats(&c0, &w0, &b0);
	t0 = mono_us();
	start(w, nt, 2);
	double sub_s = (double)(mono_us() - t0) / 1e6;
	int nsub = 0;
	for (int i = 0; i < nt; i++)
		for (int k = 0; k < w[i].ok_sub; k++)
			all[nsub++] = w[i].sub_us[k];
	printf("figure apply_submit_store %.0f per_s\n", nsub / sub_s);
	printf("figure apply_submit_p50 %.1f ms\n", pct(all, nsub, 50));
	printf("figure apply_submit_p99 %.1f ms\n", pct(all, nsub, 99));
	apply_group_stats(&c1, &w1, &b1);
	printf("submissions: %lld commits carried %lld writes, leaders busy %.1f ms a commit\n",
	       (long long)(c1 - c0), (long long)(w1 - w0), (double)(b1 - b0) / 1e3 / (double)(c1 - c0 ? c1 - c0 : 1));
	printf("apply_submit_store / commit_ceiling = %.2f (%d submissions, %d threads)\n",
	       nsub / sub_s / ceiling, nsub, nt);
	for (int i = 0; i < nt; i++) {
		store_close(w[i].s);
		free(w[i].drafts);
		free(w[i].metas);
		free(w[i].put_us);
		free(w[i].sub_us);
		free(w[i].file);
	}
	free(w);
	free(all);
	arena_free(a);
	store_close(s);
	return nsub == nt * per ? 0 : 1;
}
