/* libcurl POST with a response cap, retried on 429/5xx and connection failures with back-off. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "speech/http_client.h"

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	return buf_append(b, p, size * n) ? 0 : size * n; /* 0 aborts: over HTTP_MAX_RESPONSE */
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int once(CURL *c, const struct http_req *r, struct buf *body, long *status, char *err,
		size_t errlen)
{
	struct curl_slist *h = NULL;
	char auth[1024], type[256];
	CURLcode cc;

	buf_reset(body);
	if (r->json)
		h = curl_slist_append(h, "Content-Type: application/json");
	if (r->body) {
		snprintf(type, sizeof(type), "Content-Type: %s",
			 r->content_type ? r->content_type : "application/octet-stream");
		h = curl_slist_append(h, type);
	}
	if (r->api_key) {
		snprintf(auth, sizeof(auth), "Authorization: %s %s",
			 r->auth_scheme ? r->auth_scheme : "Bearer", r->api_key);
		h = curl_slist_append(h, auth);
	}
	h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ? r->timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "zvonar");
	if (r->json) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->json);
	} else if (r->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	} else
		curl_easy_setopt(c, CURLOPT_MIMEPOST, r->mime);
	cc = curl_easy_perform(c);
	curl_slist_free_all(h);
	*status = 0;
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		return *status >= 200 && *status < 300 ? 0 : EPROTO;
	}
	snprintf(err, errlen, "%s: %s", r->url, curl_easy_strerror(cc));
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return ETIMEDOUT;
	if (cc == CURLE_WRITE_ERROR)
		return EOVERFLOW;
	return ECONNREFUSED;
}

static bool retryable(int rc, long status)
{
	return rc == ECONNREFUSED || rc == ETIMEDOUT || (rc == EPROTO && (status == 429 || status >= 500));
}

int http_post(const struct http_req *r, struct buf *body, long *status, unsigned *attempts,
	      char *err, size_t errlen)
{
	CURL *c = curl_easy_init();
	unsigned delay = r->backoff_ms ? r->backoff_ms : 500;
	int rc = EIO;

	*attempts = 0;
	if (!c) {
		snprintf(err, errlen, "curl_easy_init failed");
		return EIO;
	}
	body->max = r->max_response ? r->max_response : HTTP_MAX_RESPONSE;
	for (unsigned i = 0; i <= r->retries; i++) {
		if (i) {
			sleep_ms(delay);
			delay = delay * 2 > 8000 ? 8000 : delay * 2;
		}
		(*attempts)++;
		rc = once(c, r, body, status, err, errlen);
		if (rc == EPROTO)
			snprintf(err, errlen, "HTTP %ld from %s", *status, r->url);
		if (!retryable(rc, *status))
			break;
	}
	curl_easy_cleanup(c);
	return rc;
}
