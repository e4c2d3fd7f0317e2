/* Blocking HTTP POST with retries and back-off, for the HTTP speech backends (job workers). */
#ifndef SPEECH_HTTP_CLIENT_H
#define SPEECH_HTTP_CLIENT_H

#include <curl/curl.h>

#include "core/buf.h"

#define HTTP_MAX_RESPONSE (8u << 20)

struct http_req {
	const char *url;
	const char *api_key;   /* NULL: no Authorization header */
	const char *auth_scheme; /* "Authorization: <scheme> <key>"; NULL: Bearer */
	const char *json;      /* a JSON body, or NULL with mime or body set */
	curl_mime *mime;       /* borrowed: multipart body */
	const void *body;      /* borrowed: a raw body of body_len bytes, sent as content_type */
	size_t body_len;
	const char *content_type;
	size_t max_response;   /* 0: HTTP_MAX_RESPONSE */
	long timeout_ms;
	unsigned retries, backoff_ms;
};

/* 0 with a 2xx answer in body; ETIMEDOUT, ECONNREFUSED, EOVERFLOW (answer too big), EPROTO
 * (a non-2xx status, *status set, body holds the answer). attempts counts requests sent. */
int http_post(const struct http_req *r, struct buf *body, long *status, unsigned *attempts,
	      char *err, size_t errlen);

#endif
