/* Request accessors and replies: bodies, JSON (gzip when asked), the standard error body. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"
#include "http/http_int.h"

const double http_latency_bounds_ms[11] = { 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000 };

const char *http_req_method(const struct http_req *r)
{
	return r->method ? r->method : "";
}

const char *http_req_path(const struct http_req *r)
{
	return r->path;
}

const char *http_req_param(const struct http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->pnames[i], name))
			return r->pvals[i];
	return NULL;
}

const char *http_req_query(const struct http_req *r, const char *name)
{
	return r->c ? MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

struct query_iter {
	http_query_fn *fn;
	void *arg;
};

static enum MHD_Result query_one(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct query_iter *it = cls;
	it->fn(key, value, it->arg);
	return MHD_YES;
}

void http_req_query_each(const struct http_req *r, http_query_fn *fn, void *arg)
{
	struct query_iter it = { fn, arg };
	if (r->c)
		MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, query_one, &it);
}

const char *http_req_header(const struct http_req *r, const char *name)
{
	return r->c ? MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, name) : NULL;
}

const char *http_req_cookie(const struct http_req *r, const char *name)
{
	return r->c ? MHD_lookup_connection_value(r->c, MHD_COOKIE_KIND, name) : NULL;
}

const char *http_req_body(const struct http_req *r, size_t *len)
{
	*len = r->body.len;
	return r->body.data ? r->body.data : "";
}

const char *http_req_ip(const struct http_req *r)
{
	return r->ip;
}

struct http_server *http_req_server(const struct http_req *r)
{
	return r->s;
}

void http_reply_header(struct http_req *r, const char *name, const char *value)
{
	if (r->nheaders == HTTP_MAX_HEADERS)
		return;
	r->hnames[r->nheaders] = xstrdup(name);
	r->hvals[r->nheaders++] = xstrdup(value);
}

void http_stats_count(struct http_server *s, unsigned status, uint64_t start_ms)
{
	double ms = (double)(time_mono_ms() - start_ms);
	size_t i = 0;

	if (!s)
		return;
	if (status >= 500)
		s->stats.replies_5xx++;
	else if (status >= 400)
		s->stats.replies_4xx++;
	else
		s->stats.replies_2xx++;
	while (i < 11 && ms > http_latency_bounds_ms[i])
		i++;
	s->stats.latency_buckets[i]++;
	s->stats.latency_sum_ms += ms;
}

void http_reply(struct http_req *r, unsigned status, const char *content_type, const void *body,
		size_t len)
{
	struct MHD_Response *resp;

	if (r->replied) {
		log_warn("http", "second reply to %s %s dropped", http_req_method(r), r->path);
		return;
	}
	resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (content_type)
		MHD_add_response_header(resp, "Content-Type", content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	http_req_finish_reply(r, resp, status);
}

static bool accepts_gzip(const struct http_req *r)
{
	const char *ae = http_req_header(r, "Accept-Encoding");
	return ae && strcasestr(ae, "gzip");
}

/* gzip (RFC 1952) in one call; false when zlib refuses, then the body goes plain. */
static bool gzip_body(const char *in, size_t len, struct buf *out)
{
	z_stream z = { 0 };
	bool ok;

	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	buf_reserve(out, deflateBound(&z, len));
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data;
	z.avail_out = (uInt)out->cap;
	ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
	out->len = z.total_out;
	deflateEnd(&z);
	return ok;
}

void http_reply_json(struct http_req *r, unsigned status, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (!text) {
		http_reply_error(r, 500, "internal", "the reply could not be encoded");
		return;
	}
	http_reply_json_text(r, status, text, strlen(text));
	free(text);
}

void http_reply_json_text(struct http_req *r, unsigned status, const char *text, size_t len)
{
	struct buf gz;

	buf_init(&gz, 0);
	if (len > 1024 && accepts_gzip(r) && gzip_body(text, len, &gz)) {
		http_reply_header(r, "Content-Encoding", "gzip");
		http_reply_header(r, "Vary", "Accept-Encoding");
		http_reply(r, status, "application/json", gz.data, gz.len);
	} else {
		http_reply(r, status, "application/json", text, len);
	}
	buf_free(&gz);
}

void http_reply_error(struct http_req *r, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status >= 500)
		log_error("http", "%s %s from %s: %u %s", http_req_method(r), r->path, r->ip, status,
			  msg);
	else
		log_info("http", "%s %s from %s: %u %s", http_req_method(r), r->path, r->ip, status,
			 msg);
	http_reply_json(r, status,
			json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}
