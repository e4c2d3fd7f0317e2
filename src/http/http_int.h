/* Inside http/: the request and server structures shared by server.c, reply.c, ws.c. */
#ifndef HTTP_HTTP_INT_H
#define HTTP_HTTP_INT_H

#include <microhttpd.h>

#include "core/buf.h"
#include "core/timer.h"
#include "http/http.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8

struct http_server {
	struct MHD_Daemon *d; /* owned */
	struct loop *loop;    /* borrowed */
	int epfd;             /* MHD's epoll fd, watched by our loop */
	struct timer tick;
	const struct http_route *routes; /* borrowed */
	void *arg;
	size_t max_body, max_upload;
	uint16_t port;
	bool kick_pending; /* an MHD_run is deferred to serve resumed connections */
	char *cert_pem, *key_pem; /* owned; MHD reads them while running */
	struct http_req *pending; /* suspended requests awaiting a reply (list) */
	struct http_stats stats;
};

struct http_req {
	struct http_server *s;     /* NULL once detached (server gone, reply still owed) */
	struct MHD_Connection *c;  /* NULL once detached */
	struct http_req *next, **prevp; /* in s->pending while suspended */
	const char *method;        /* MHD's, valid while c */
	char *path;                /* owned */
	struct buf body;
	bool too_big, dispatched, replied, done_by_mhd;
	const struct http_route *route;
	char *pnames[HTTP_MAX_PARAMS], *pvals[HTTP_MAX_PARAMS]; /* owned */
	int nparams;
	char *hnames[HTTP_MAX_HEADERS], *hvals[HTTP_MAX_HEADERS]; /* owned, reply headers */
	int nheaders;
	struct MHD_Response *resp; /* the reply, queued when MHD next calls us */
	unsigned status;
	char ip[64];
	uint64_t start_ms;
	struct ws_pending *ws;     /* a WebSocket accepted, until MHD is done with the request */
};

/* ws.c: the request is over (why: MHD's termination code); a WebSocket accepted on it and
 * never upgraded (the client left first) is closed for its owner. */
void http_ws_request_done(struct http_req *r, int why);

/* reply.c: attaches the reply headers and counts the status. */
void http_req_finish_reply(struct http_req *r, struct MHD_Response *resp, unsigned status);
void http_stats_count(struct http_server *s, unsigned status, uint64_t start_ms);

#endif
