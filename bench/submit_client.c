/*
 * submit_client.c -- load client of bench/submit.sh: N concurrent clients
 * (one thread and one keep-alive connection each, libcurl) submit online
 * applications through the JSON API as fast as the server answers, each
 * submission being the whole resident flow:
 *
 *   POST /api/v1/drafts {procedure}          -> draft id
 *   PUT  /api/v1/drafts/ID/files/FIELD       (the attachment, raw body)
 *   PUT  /api/v1/drafts/ID {answers, page}   (the answers + the file's metadata)
 *   POST /api/v1/drafts/ID/submit            -> 201 and a receipt number
 *
 * or, with the mode "oneshot" (8th argument), one request per submission:
 *
 *   POST /api/v1/procedures/CODE/submissions  (multipart: answers + file) -> 201
 *
 * Each client uses its own resident's Bearer token (one line each in the
 * tokens file).  Every attachment differs (a counter is written into the
 * bytes after the PNG header), so that no upload is deduplicated.
 *
 * Output: the submissions completed in `seconds` after a warm-up second
 * (each counted when its last answer arrives in the window, whenever it
 * started), and their latencies:
 *   submissions N / rate PER_S / p50 MS / p99 MS / p90 / p999 / max / min MS /
 *   submit_p50 MS /
 *   submit_p99 MS / errors N / client_min N / client_max N
 * where p50/p99 are of the whole flow (four requests) and submit_* of the
 * last request alone; client_min/max are the fewest and most submissions
 * one client completed (fairness: the server's threads share the
 * connections evenly when they are close).  Exit status 1 when any request failed.
 *
 * Limits: at most 256 clients; a response body of at most 64 KiB is kept.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CLIENTS 256
#define MAX_SAMPLES (1u << 20)

struct shared {
	const char *base, *procedure, *field;
	int oneshot;
	json_t *answers;
	size_t file_size;
	double warm_at, end_at;
	pthread_mutex_t mu;
	double *flow_ms, *submit_ms;
	size_t n;
	long errors;
};

struct client {
	struct shared *sh;
	char token[300];
	int index;
	long done;               /* submissions it completed in the window */
	pthread_t th;
};

struct body {
	char data[65536];
	size_t n;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_data(char *p, size_t sz, size_t nm, void *arg)
{
	struct body *b = arg;
	size_t n = sz * nm;
	size_t room = sizeof b->data - 1 - b->n;
	memcpy(b->data + b->n, p, n < room ? n : room);
	b->n += n < room ? n : room;
	b->data[b->n] = 0;
	return n;
}

/* one request; the status, or -1 */
static long request(CURL *c, struct curl_slist *hdrs, const char *method,
		    const char *url, const void *data, size_t n, struct body *out)
{
	out->n = 0;
	out->data[0] = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (data) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (curl_easy_perform(c) != CURLE_OK)
		return -1;
	long st = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	return st;
}

static void fail(struct shared *sh, const char *what, long st, const struct body *b)
{
	pthread_mutex_lock(&sh->mu);
	if (sh->errors++ < 3)
		fprintf(stderr, "submit_client: %s: status %ld: %.300s\n", what, st, b->data);
	pthread_mutex_unlock(&sh->mu);
}

/* a submission that ended at t1 (started t0, its last request at ts),
 * counted when it ends inside the measured window */
static void record(struct client *cl, double t0, double ts, double t1)
{
	struct shared *sh = cl->sh;
	if (t1 < sh->warm_at || t1 > sh->end_at)
		return;
	pthread_mutex_lock(&sh->mu);
	cl->done++;
	if (sh->n < MAX_SAMPLES) {
		sh->flow_ms[sh->n] = (t1 - t0) * 1e3;
		sh->submit_ms[sh->n] = (t1 - ts) * 1e3;
		sh->n++;
	}
	pthread_mutex_unlock(&sh->mu);
}

static void *run(void *arg)
{
	struct client *cl = arg;
	struct shared *sh = cl->sh;
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	struct body *b = malloc(sizeof *b);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	char auth[340], url[512];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", cl->token);
	struct curl_slist *hj = curl_slist_append(NULL, auth);
	hj = curl_slist_append(hj, "Content-Type: application/json");
	hj = curl_slist_append(hj, "Expect:");
	struct curl_slist *hf = curl_slist_append(NULL, auth);
	hf = curl_slist_append(hf, "Content-Type: image/png");
	hf = curl_slist_append(hf, "Expect:");
	unsigned char *file = malloc(sh->file_size);
	static const unsigned char head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
		0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 16, 0, 0, 0, 16, 8, 6, 0, 0, 0 };
	for (size_t i = 0; i < sh->file_size; i++)
		file[i] = (unsigned char)(i * 131u + (unsigned)cl->index * 7u);
	memcpy(file, head, sizeof head);
	char draft_body[200];
	snprintf(draft_body, sizeof draft_body, "{\"procedure\":\"%s\"}", sh->procedure);
	/* oneshot: one multipart body, the file's counter rewritten in place */
	static const char B[] = "mgbench7d1f0c";
	struct curl_slist *hm = curl_slist_append(NULL, auth);
	hm = curl_slist_append(hm, "Content-Type: multipart/form-data; boundary=mgbench7d1f0c");
	hm = curl_slist_append(hm, "Expect:");
	char *mp = NULL, *mp_file = NULL;
	size_t mp_len = 0;
	if (sh->oneshot) {
		char *ans = json_dumps(sh->answers, JSON_COMPACT);
		size_t cap = strlen(ans) + sh->file_size + 1024;
		mp = malloc(cap);
		int h = snprintf(mp, cap, "--%s\r\nContent-Disposition: form-data; name=\"answers\"\r\n"
				 "Content-Type: application/json\r\n\r\n%s\r\n--%s\r\n"
				 "Content-Disposition: form-data; name=\"%s\"; filename=\"doc.png\"\r\n"
				 "Content-Type: image/png\r\n\r\n", B, ans, B, sh->field);
		free(ans);
		mp_file = mp + h;
		memcpy(mp_file, file, sh->file_size);
		mp_len = (size_t)h + sh->file_size;
		mp_len += (size_t)snprintf(mp + mp_len, cap - mp_len, "\r\n--%s--\r\n", B);
	}
	for (uint64_t k = 0;; k++) {
		double t0 = now_s();
		if (t0 >= sh->end_at)
			break;
		if (sh->oneshot) {
			uint64_t tag = ((uint64_t)cl->index << 40) ^ k;
			memcpy(mp_file + sizeof head, &tag, sizeof tag);
			snprintf(url, sizeof url, "%s/api/v1/procedures/%s/submissions", sh->base,
				 sh->procedure);
			long st1 = request(c, hm, "POST", url, mp, mp_len, b);
			double t1 = now_s();
			if (st1 != 201) {
				fail(sh, "oneshot", st1, b);
				continue;
			}
			record(cl, t0, t0, t1);
			continue;
		}
		snprintf(url, sizeof url, "%s/api/v1/drafts", sh->base);
		long st = request(c, hj, "POST", url, draft_body, strlen(draft_body), b);
		if (st != 201) {
			fail(sh, "draft", st, b);
			continue;
		}
		json_t *d = json_loads(b->data, 0, NULL);
		long long id = (long long)json_integer_value(json_object_get(d, "id"));
		json_decref(d);
		/* a different file each time: client index and counter */
		uint64_t tag = ((uint64_t)cl->index << 40) ^ k;
		memcpy(file + sizeof head, &tag, sizeof tag);
		snprintf(url, sizeof url, "%s/api/v1/drafts/%lld/files/%s?name=doc.png",
			 sh->base, id, sh->field);
		st = request(c, hf, "PUT", url, file, sh->file_size, b);
		if (st != 201) {
			fail(sh, "upload", st, b);
			continue;
		}
		json_t *up = json_loads(b->data, 0, NULL);
		json_t *ans = json_deep_copy(sh->answers);
		json_object_set(ans, sh->field, json_object_get(up, "file"));
		json_decref(up);
		json_t *save = json_pack("{s:o,s:i}", "answers", ans, "page", 1);
		char *text = json_dumps(save, JSON_COMPACT);
		json_decref(save);
		snprintf(url, sizeof url, "%s/api/v1/drafts/%lld", sh->base, id);
		st = request(c, hj, "PUT", url, text, strlen(text), b);
		free(text);
		if (st != 200) {
			fail(sh, "save", st, b);
			continue;
		}
		double ts = now_s();
		snprintf(url, sizeof url, "%s/api/v1/drafts/%lld/submit", sh->base, id);
		st = request(c, hj, "POST", url, "{}", 2, b);
		double t1 = now_s();
		if (st != 201) {
			fail(sh, "submit", st, b);
			continue;
		}
		record(cl, t0, ts, t1);
	}
	curl_slist_free_all(hj);
	curl_slist_free_all(hf);
	curl_slist_free_all(hm);
	free(mp);
	curl_easy_cleanup(c);
	free(file);
	free(b);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

int main(int argc, char **argv)
{
	if (argc != 8 && !(argc == 9 && strcmp(argv[8], "oneshot") == 0)) {
		fprintf(stderr, "usage: submit_client BASE TOKENS_FILE SECONDS ANSWERS_JSON PROCEDURE FILE_FIELD FILE_BYTES [oneshot]\n");
		return 2;
	}
	struct shared sh = { .base = argv[1], .procedure = argv[5], .field = argv[6],
			     .file_size = (size_t)strtoul(argv[7], NULL, 10), .oneshot = argc == 9 };
	pthread_mutex_init(&sh.mu, NULL);
	json_error_t je;
	sh.answers = json_load_file(argv[4], 0, &je);
	if (!json_is_object(sh.answers) || sh.file_size < 64) {
		fprintf(stderr, "submit_client: bad answers file or size\n");
		return 2;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 2;
	}
	static struct client cl[MAX_CLIENTS];
	int n = 0;
	char line[400];
	while (n < MAX_CLIENTS && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line || strlen(line) >= sizeof cl[n].token)
			continue;
		memcpy(cl[n].token, line, strlen(line) + 1);
		cl[n].sh = &sh;
		cl[n].index = n;
		n++;
	}
	fclose(f);
	sh.flow_ms = malloc(MAX_SAMPLES * sizeof(double));
	sh.submit_ms = malloc(MAX_SAMPLES * sizeof(double));
	double secs = atof(argv[3]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	double t = now_s();
	sh.warm_at = t + 1.0;
	sh.end_at = sh.warm_at + secs;
	for (int i = 0; i < n; i++)
		pthread_create(&cl[i].th, NULL, run, &cl[i]);
	for (int i = 0; i < n; i++)
		pthread_join(cl[i].th, NULL);
	qsort(sh.flow_ms, sh.n, sizeof(double), cmp);
	qsort(sh.submit_ms, sh.n, sizeof(double), cmp);
	printf("clients %d\n", n);
	printf("submissions %zu\n", sh.n);
	printf("rate %.1f\n", (double)sh.n / secs);
	printf("p50 %.2f\n", pct(sh.flow_ms, sh.n, 0.50));
	printf("p99 %.2f\n", pct(sh.flow_ms, sh.n, 0.99));
	printf("p90 %.2f\n", pct(sh.flow_ms, sh.n, 0.90));
	printf("p999 %.2f\n", pct(sh.flow_ms, sh.n, 0.999));
	printf("max %.2f\n", sh.n ? sh.flow_ms[sh.n - 1] : 0.0);
	printf("min %.2f\n", sh.n ? sh.flow_ms[0] : 0.0);
	printf("submit_p50 %.2f\n", pct(sh.submit_ms, sh.n, 0.50));
	printf("submit_p99 %.2f\n", pct(sh.submit_ms, sh.n, 0.99));
	printf("errors %ld\n", sh.errors);
	long lo = n ? cl[0].done : 0, hi = lo;
	for (int i = 1; i < n; i++) {
		lo = cl[i].done < lo ? cl[i].done : lo;
		hi = cl[i].done > hi ? cl[i].done : hi;
	}
	printf("client_min %ld\nclient_max %ld\n", lo, hi);
	json_decref(sh.answers);
	curl_global_cleanup();
	return sh.errors ? 1 : 0;
}
