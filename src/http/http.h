/*
 * The HTTP server: libmicrohttpd in external-loop mode on the control thread's
 * loop, a route table, whole request bodies under a cap, and replies that may
 * come later (the connection is suspended until http_reply*). No PBX knowledge.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct http_server;
struct http_req;

typedef void(http_handler_fn)(struct http_req *r, void *arg);

enum {
	HTTP_ROUTE_PREFIX = 1u << 0, /* the pattern matches the path's start (static files) */
	HTTP_ROUTE_UPLOAD = 1u << 1, /* the body may be up to max_upload (audio files), not max_body */
};

/* pattern: "/api/v1/users/{id}"; a {name} segment matches one non-empty path segment. */
struct http_route {
	const char *method;
	const char *pattern;
	http_handler_fn *fn;
	unsigned flags;
};

struct http_cfg {
	const char *listen;   /* IPv4/IPv6 literal */
	uint16_t port;        /* 0: the kernel picks one (see http_server_port) */
	const char *tls_cert; /* PEM files: HTTPS when both are set */
	const char *tls_key;
	size_t max_body;      /* bigger bodies get 413 */
	size_t max_upload;    /* the same for HTTP_ROUTE_UPLOAD routes (0: max_body) */
	unsigned timeout_s;   /* idle connection timeout */
	unsigned max_conns, max_conns_per_ip;
};

struct http_stats {
	uint64_t requests, replies_2xx, replies_4xx, replies_5xx;
	uint64_t latency_buckets[12]; /* le 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000 ms, +Inf */
	double latency_sum_ms;
};
extern const double http_latency_bounds_ms[11];

/* routes: borrowed, NULL-method terminated, matched in order. arg goes to every handler. */
int http_server_new(struct http_server **sp, struct loop *loop, const struct http_cfg *cfg,
		    const struct http_route *routes, void *arg, char *err, size_t errlen);
/* Pending replies are dropped; connections are closed. */
void http_server_destroy(struct http_server *s);
uint16_t http_server_port(const struct http_server *s);
const struct http_stats *http_server_stats(const struct http_server *s);

/* Request accessors: valid until the reply has been sent. */
const char *http_req_method(const struct http_req *r);
const char *http_req_path(const struct http_req *r);
/* The {name} segment of the matched route, or NULL. */
const char *http_req_param(const struct http_req *r, const char *name);
/* A query-string argument (decoded), or NULL. */
const char *http_req_query(const struct http_req *r, const char *name);
typedef void(http_query_fn)(const char *key, const char *value, void *arg);
/* Every query-string argument in order (value NULL for a bare key). */
void http_req_query_each(const struct http_req *r, http_query_fn *fn, void *arg);
const char *http_req_header(const struct http_req *r, const char *name);
const char *http_req_cookie(const struct http_req *r, const char *name);
const char *http_req_body(const struct http_req *r, size_t *len);
/* The client's address as text (no port). */
const char *http_req_ip(const struct http_req *r);
struct http_server *http_req_server(const struct http_req *r);

/* A header on the reply to come (Set-Cookie, Location, ...); copied. */
void http_reply_header(struct http_req *r, const char *name, const char *value);
/* Exactly one reply per request, now or from a later callback on the loop thread. */
void http_reply(struct http_req *r, unsigned status, const char *content_type, const void *body,
		size_t len);
/* Takes the reference to j. Compressed with gzip when the client accepts it and it is big. */
void http_reply_json(struct http_req *r, unsigned status, json_t *j);
/* JSON already rendered as text (gzip as above). */
void http_reply_json_text(struct http_req *r, unsigned status, const char *text, size_t len);
/* {"error":{"code":code,"message":...}} */
void http_reply_error(struct http_req *r, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* WebSocket (RFC 6455) on a request that asked for it; see http/ws.c. */
struct http_ws;
typedef void(http_ws_msg_fn)(struct http_ws *ws, const char *text, size_t len, void *arg);
typedef void(http_ws_close_fn)(struct http_ws *ws, void *arg);
typedef void(http_ws_open_fn)(struct http_ws *ws, void *arg);
bool http_req_is_websocket(const struct http_req *r);
/* Answers 101; once upgraded, on_open gets the ws object; on_close runs once at the end
 * (also when the upgrade failed, then without on_open before it, and with ws NULL when the
 * client left before the upgrade). */
int http_ws_accept(struct http_req *r, http_ws_open_fn *on_open, http_ws_msg_fn *on_msg,
		   http_ws_close_fn *on_close, void *arg);
/* Queues one text frame; EOVERFLOW when the peer reads too slowly (then it is closed). */
int http_ws_send(struct http_ws *ws, const char *text, size_t len);
void http_ws_close(struct http_ws *ws);

#endif
