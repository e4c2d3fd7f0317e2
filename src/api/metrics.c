/* Prometheus text exposition at /metrics: HTTP, events, webhooks, workers, then the node's. */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "core/workers.h"

static void counter(struct buf *b, const char *name, const char *help, const char *type,
		    unsigned long long v)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, v);
}

static void http_metrics(struct buf *b, const struct http_stats *s)
{
	unsigned long long cum = 0;

	counter(b, "zvonar_http_requests_total", "HTTP requests received", "counter", s->requests);
	buf_puts(b, "# HELP zvonar_http_responses_total HTTP responses by status class\n"
		    "# TYPE zvonar_http_responses_total counter\n");
	buf_printf(b, "zvonar_http_responses_total{class=\"2xx\"} %llu\n",
		   (unsigned long long)s->replies_2xx);
	buf_printf(b, "zvonar_http_responses_total{class=\"4xx\"} %llu\n",
		   (unsigned long long)s->replies_4xx);
	buf_printf(b, "zvonar_http_responses_total{class=\"5xx\"} %llu\n",
		   (unsigned long long)s->replies_5xx);
	buf_puts(b, "# HELP zvonar_http_request_duration_seconds Time to the reply\n"
		    "# TYPE zvonar_http_request_duration_seconds histogram\n");
	for (int i = 0; i < 11; i++) {
		cum += s->latency_buckets[i];
		buf_printf(b, "zvonar_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			   http_latency_bounds_ms[i] / 1000, cum);
	}
	cum += s->latency_buckets[11];
	buf_printf(b, "zvonar_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	buf_printf(b, "zvonar_http_request_duration_seconds_sum %.6f\n", s->latency_sum_ms / 1000);
	buf_printf(b, "zvonar_http_request_duration_seconds_count %llu\n", cum);
}

void api_metrics_route(struct http_req *r, void *arg)
{
	struct api *a = arg;
	struct buf b;

	buf_init(&b, 1u << 20);
	http_metrics(&b, http_server_stats(a->http));
	counter(&b, "zvonar_events_clients", "WebSocket event clients connected", "gauge",
		api_events_clients(a));
	counter(&b, "zvonar_webhook_backlog", "webhook deliveries waiting to be sent", "gauge",
		api_webhooks_backlog(a));
	counter(&b, "zvonar_worker_backlog", "jobs waiting for a worker thread", "gauge",
		workers_backlog(a->workers));
	if (a->host.metrics)
		a->host.metrics(a->host.arg, &b);
	http_reply(r, 200, "text/plain; version=0.0.4", b.data ? b.data : "", b.len);
	buf_free(&b);
}
