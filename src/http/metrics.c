/*
 * metrics.c -- process-wide counters in the Prometheus text format:
 * requests by status class, a latency histogram, requests in flight,
 * connections accepted, connections open (in all, and the fewest and
 * most on one worker thread).  Atomics, so every worker thread updates them
 * without locks.
 */
#include "http/http_int.h"

#include <stdatomic.h>

static const int64_t bucket_us[] = { 500, 1000, 2500, 5000, 10000, 25000,
				     50000, 100000, 250000, 1000000 };
#define NBUCKETS (sizeof bucket_us / sizeof bucket_us[0])

static atomic_llong by_class[6];
static atomic_llong buckets[NBUCKETS + 1];
static atomic_llong sum_us, in_flight, connections;

void metrics_connection_opened(void)
{
	atomic_fetch_add(&connections, 1);
}

void metrics_in_flight(int delta)
{
	atomic_fetch_add(&in_flight, delta);
}

void metrics_request_done(int status, int64_t micros)
{
	int c = status / 100;
	if (c < 1 || c > 5)
		c = 0;
	atomic_fetch_add(&by_class[c], 1);
	size_t b = 0;
	while (b < NBUCKETS && micros > bucket_us[b])
		b++;
	atomic_fetch_add(&buckets[b], 1);
	atomic_fetch_add(&sum_us, micros);
}

void http_metrics_write(struct buf *out, const struct http_req *r)
{
	static const char *cls[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	buf_puts(out, "# HELP madoguchi_http_requests_total Requests answered, by status class.\n"
		      "# TYPE madoguchi_http_requests_total counter\n");
	long long total = 0;
	for (int i = 0; i < 6; i++) {
		long long v = atomic_load(&by_class[i]);
		total += v;
		buf_printf(out, "madoguchi_http_requests_total{code=\"%s\"} %lld\n", cls[i], v);
	}
	buf_puts(out, "# HELP madoguchi_http_request_duration_seconds Time to answer a request.\n"
		      "# TYPE madoguchi_http_request_duration_seconds histogram\n");
	long long cum = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		cum += atomic_load(&buckets[i]);
		buf_printf(out, "madoguchi_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n",
			   (double)bucket_us[i] / 1e6, cum);
	}
	cum += atomic_load(&buckets[NBUCKETS]);
	buf_printf(out, "madoguchi_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
	buf_printf(out, "madoguchi_http_request_duration_seconds_sum %.6f\n",
		   (double)atomic_load(&sum_us) / 1e6);
	buf_printf(out, "madoguchi_http_request_duration_seconds_count %lld\n", cum);
	buf_printf(out, "# HELP madoguchi_http_in_flight Requests being handled now.\n"
		   "# TYPE madoguchi_http_in_flight gauge\nmadoguchi_http_in_flight %lld\n",
		   atomic_load(&in_flight));
	buf_printf(out, "# HELP madoguchi_http_connections_total Connections accepted.\n"
		   "# TYPE madoguchi_http_connections_total counter\n"
		   "madoguchi_http_connections_total %lld\n", atomic_load(&connections));
	int open = 0, lo = 0, hi = 0;
	http_worker_connections(r, &open, &lo, &hi);
	buf_printf(out, "# HELP madoguchi_http_open_connections Connections open now.\n"
		   "# TYPE madoguchi_http_open_connections gauge\n"
		   "madoguchi_http_open_connections %d\n"
		   "# HELP madoguchi_http_worker_connections_min Open connections of the worker"
		   " thread that has the fewest.\n"
		   "# TYPE madoguchi_http_worker_connections_min gauge\n"
		   "madoguchi_http_worker_connections_min %d\n"
		   "# HELP madoguchi_http_worker_connections_max Open connections of the worker"
		   " thread that has the most.\n"
		   "# TYPE madoguchi_http_worker_connections_max gauge\n"
		   "madoguchi_http_worker_connections_max %d\n", open, lo, hi);
	(void)total;
}
