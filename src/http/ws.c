/*
 * WebSocket connections upgraded from HTTP requests: the opening handshake
 * answered through MHD, then the socket read and written on our loop. Text
 * messages only (the events feed); pings answered, close echoed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "http/http_int.h"
#include "net/ws_frame.h"

#define WS_MAX_MESSAGE 65536
#define WS_MAX_OUT (4u << 20)

struct http_ws {
	struct loop *loop;
	int fd;
	struct MHD_UpgradeResponseHandle *urh;
	struct buf in, out, msg;
	http_ws_msg_fn *on_msg;
	http_ws_close_fn *on_close;
	void *arg;
	bool closed;
};

/* Between the 101 and the upgrade handler. Two references: the request's (dropped when MHD
 * completes it) and the upgrade's (dropped by the handler), in whichever order they come; a
 * request that ends abnormally before the upgrade drops both and tells the owner. */
struct ws_pending {
	int refs;
	bool taken; /* the upgrade handler ran */
	struct loop *loop;
	http_ws_open_fn *on_open;
	http_ws_msg_fn *on_msg;
	http_ws_close_fn *on_close;
	void *arg;
};

bool http_req_is_websocket(const struct http_req *r)
{
	const char *up = http_req_header(r, "Upgrade"), *conn = http_req_header(r, "Connection");
	const char *ver = http_req_header(r, "Sec-WebSocket-Version");

	return up && !strcasecmp(up, "websocket") && conn && strcasestr(conn, "upgrade") && ver &&
	       !strcmp(ver, "13") && http_req_header(r, "Sec-WebSocket-Key");
}

static void ws_free(void *arg)
{
	struct http_ws *ws = arg;
	buf_free(&ws->in);
	buf_free(&ws->out);
	buf_free(&ws->msg);
	free(ws);
}

void http_ws_close(struct http_ws *ws)
{
	if (ws->closed)
		return;
	ws->closed = true;
	loop_fd_del(ws->loop, ws->fd);
	MHD_upgrade_action(ws->urh, MHD_UPGRADE_ACTION_CLOSE);
	if (ws->on_close)
		ws->on_close(ws, ws->arg);
	loop_defer(ws->loop, ws_free, ws);
}

static void ws_flush(struct http_ws *ws)
{
	while (ws->out.len) {
		ssize_t n = send(ws->fd, ws->out.data, ws->out.len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			http_ws_close(ws);
			return;
		}
		buf_consume(&ws->out, (size_t)n);
	}
	loop_fd_mod(ws->loop, ws->fd, LOOP_READ | (ws->out.len ? LOOP_WRITE : 0));
}

static int ws_send_frame(struct http_ws *ws, enum ws_opcode op, const void *p, size_t len)
{
	uint8_t hdr[10];
	size_t h = ws_frame_header(hdr, op, len);

	if (ws->closed)
		return EPIPE;
	if (buf_append(&ws->out, hdr, h) || buf_append(&ws->out, p, len)) {
		log_warn("http", "websocket peer reads too slowly; closing it");
		http_ws_close(ws);
		return EOVERFLOW;
	}
	ws_flush(ws);
	return 0;
}

int http_ws_send(struct http_ws *ws, const char *text, size_t len)
{
	return ws_send_frame(ws, WS_TEXT, text, len);
}

/* One complete frame from the peer; false when the connection is to end. */
static bool ws_frame(struct http_ws *ws, const struct ws_frame *f)
{
	switch (f->opcode) {
	case WS_PING:
		ws_send_frame(ws, WS_PONG, f->payload, f->len);
		return !ws->closed;
	case WS_PONG:
		return true;
	case WS_CLOSE:
		ws_send_frame(ws, WS_CLOSE, f->payload, f->len < 2 ? f->len : 2);
		return false;
	default:
		break;
	}
	if (buf_append(&ws->msg, f->payload, f->len))
		return false;
	if (f->fin) {
		if (ws->on_msg)
			ws->on_msg(ws, ws->msg.data ? ws->msg.data : "", ws->msg.len, ws->arg);
		buf_reset(&ws->msg);
	}
	return !ws->closed;
}

static void ws_read(struct http_ws *ws)
{
	char chunk[4096];
	ssize_t n = recv(ws->fd, chunk, sizeof(chunk), 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || buf_append(&ws->in, chunk, (size_t)n)) {
		http_ws_close(ws);
		return;
	}
	while (!ws->closed && ws->in.len) {
		struct ws_frame f;
		long used = ws_frame_decode((uint8_t *)ws->in.data, ws->in.len, true, WS_MAX_MESSAGE,
					    &f);
		if (used == 0)
			break;
		if (used < 0 || !ws_frame(ws, &f)) {
			if (used < 0)
				log_info("http", "websocket protocol error from the peer; closing");
			http_ws_close(ws);
			return;
		}
		buf_consume(&ws->in, (size_t)used);
	}
}

static void ws_io(int fd, unsigned events, void *arg)
{
	struct http_ws *ws = arg;

	if (events & LOOP_WRITE)
		ws_flush(ws);
	if (!ws->closed && (events & (LOOP_READ | LOOP_ERROR)))
		ws_read(ws);
}

static void on_upgraded(void *cls, struct MHD_Connection *c, void *con_cls, const char *extra,
			size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct ws_pending *p = cls;
	struct http_ws *ws = xcalloc(1, sizeof(*ws));

	ws->loop = p->loop;
	ws->fd = sock;
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	ws->urh = urh;
	ws->on_msg = p->on_msg;
	ws->on_close = p->on_close;
	ws->arg = p->arg;
	http_ws_open_fn *on_open = p->on_open;
	p->taken = true;
	if (--p->refs == 0)
		free(p);
	buf_init(&ws->in, WS_MAX_MESSAGE + 16);
	buf_init(&ws->out, WS_MAX_OUT);
	buf_init(&ws->msg, WS_MAX_MESSAGE);
	if (extra_len)
		buf_append(&ws->in, extra, extra_len);
	if (loop_fd_add(ws->loop, sock, LOOP_READ, ws_io, ws)) {
		ws->closed = true;
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		if (ws->on_close)
			ws->on_close(ws, ws->arg);
		ws_free(ws);
		return;
	}
	if (on_open)
		on_open(ws, ws->arg);
	if (ws->in.len)
		ws_io(sock, LOOP_READ, ws);
}

void http_ws_request_done(struct http_req *r, int why)
{
	struct ws_pending *p = r->ws;

	if (!p)
		return;
	r->ws = NULL;
	if (!p->taken && why != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		/* the client left before the upgrade: it will not come */
		if (p->on_close)
			p->on_close(NULL, p->arg);
		free(p);
		return;
	}
	if (--p->refs == 0)
		free(p);
}

int http_ws_accept(struct http_req *r, http_ws_open_fn *on_open, http_ws_msg_fn *on_msg,
		   http_ws_close_fn *on_close, void *arg)
{
	struct ws_pending *p;
	struct MHD_Response *resp;
	char accept[29];

	if (!r->s || !http_req_is_websocket(r))
		return EINVAL;
	p = xcalloc(1, sizeof(*p));
	p->refs = 2;
	r->ws = p;
	p->loop = r->s->loop;
	p->on_open = on_open;
	p->on_msg = on_msg;
	p->on_close = on_close;
	p->arg = arg;
	ws_accept_key(http_req_header(r, "Sec-WebSocket-Key"), accept);
	resp = MHD_create_response_for_upgrade(on_upgraded, p);
	MHD_add_response_header(resp, "Upgrade", "websocket");
	MHD_add_response_header(resp, "Connection", "Upgrade");
	MHD_add_response_header(resp, "Sec-WebSocket-Accept", accept);
	r->replied = false;
	http_req_finish_reply(r, resp, 101);
	return 0;
}
