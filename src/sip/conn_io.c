/* Stream connection I/O: reading, framing with sip_msg_frame, keep-alives and the output queue. */
#include <errno.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/obj.h"
#include "net/sock.h"
#include "net/tls.h"
#include "sip/transport_int.h"

enum { READ_CHUNK = 16384 };

void sip_conn_update_events(struct sip_conn *c)
{
	unsigned ev = LOOP_READ;

	if (c->state == SIP_CONN_CONNECTING || c->out.len || c->tls_want_write)
		ev |= LOOP_WRITE;
	if (ev != c->events && loop_fd_mod(c->tp->loop, c->fd, ev) == 0)
		c->events = ev;
}

/* Moves bytes to the socket: 0 (*n may be 0 when it would block) or EIO. */
static int conn_raw_write(struct sip_conn *c, const char *data, size_t len, size_t *n)
{
	*n = 0;
	if (c->ssl) {
		enum net_tls_status st = net_tls_write(c->ssl, data, len, n);
		c->tls_want_write = st == NET_TLS_WANT_WRITE;
		return st == NET_TLS_OK || st == NET_TLS_WANT_READ || st == NET_TLS_WANT_WRITE
			   ? 0
			   : EIO;
	}
	ssize_t r = send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r >= 0)
		*n = (size_t)r;
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return EIO;
	return 0;
}

/* Reads into buf: 0 with *n > 0, EAGAIN, or ECONNRESET (EOF, reset or TLS failure). */
static int conn_raw_read(struct sip_conn *c, char *buf, size_t size, size_t *n)
{
	*n = 0;
	if (c->ssl) {
		enum net_tls_status st = net_tls_read(c->ssl, buf, size, n);
		if (st == NET_TLS_OK && *n > 0)
			return 0;
		if (st == NET_TLS_WANT_WRITE)
			c->tls_want_write = true;
		return st == NET_TLS_WANT_READ || st == NET_TLS_WANT_WRITE ? EAGAIN : ECONNRESET;
	}
	ssize_t r = recv(c->fd, buf, size, MSG_DONTWAIT);
	if (r > 0) {
		*n = (size_t)r;
		return 0;
	}
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return EAGAIN;
	return ECONNRESET;
}

static int conn_flush(struct sip_conn *c)
{
	while (c->out.len) {
		size_t n;
		if (conn_raw_write(c, c->out.data, c->out.len, &n) != 0)
			return EIO;
		if (n == 0)
			break;
		buf_consume(&c->out, n);
		c->last_ms = loop_now(c->tp->loop);
	}
	return 0;
}

int sip_conn_write(struct sip_conn *c, const char *data, size_t len)
{
	size_t n = 0;

	if (c->state == SIP_CONN_CLOSED)
		return ENOTCONN;
	/* Write straight through when nothing is queued, keeping the order of bytes. */
	if (c->state == SIP_CONN_OPEN && c->out.len == 0) {
		if (conn_raw_write(c, data, len, &n) != 0) {
			sip_conn_close(c, "write error", true);
			return EIO;
		}
		c->last_ms = loop_now(c->tp->loop);
	}
	if (n < len && buf_append(&c->out, data + n, len - n) != 0) {
		sip_conn_close(c, "output queue full", true);
		return EIO;
	}
	sip_conn_update_events(c);
	return 0;
}

static void conn_bad_frame(struct sip_conn *c, int err)
{
	struct sip_transport *tp = c->tp;
	char addr[SA_ADDRSTRLEN];

	tp->stats.bad_frames++;
	if (log_limit_allow(&tp->bad_log, loop_now(tp->loop), 5, 10000))
		log_notice("sip", "%s conn %s: %s frame, closing", sip_proto_name(c->proto),
			   sa_str(&c->addr, addr, sizeof(addr)),
			   err == EOVERFLOW ? "oversized" : "unframeable");
	sip_conn_close(c, "bad frame", true);
}

/* Drops leading keep-alives, answering each CRLFCRLF ping with a CRLF pong (RFC 5626 4.4.1). */
static void conn_keepalives(struct sip_conn *c)
{
	while (c->state == SIP_CONN_OPEN && c->in.len >= 2 && c->in.data[0] == '\r' &&
	       c->in.data[1] == '\n') {
		if (c->in.len >= 4 && c->in.data[2] == '\r' && c->in.data[3] == '\n') {
			buf_consume(&c->in, 4);
			(void)sip_conn_write(c, "\r\n", 2);
			continue;
		}
		if (c->in.len == 2 || (c->in.len == 3 && c->in.data[2] == '\r'))
			break; /* maybe the first half of a ping */
		buf_consume(&c->in, 2);
	}
}

static void conn_deliver(struct sip_conn *c, const char *data, size_t len)
{
	struct sip_transport *tp = c->tp;
	struct sip_peer peer = {.proto = c->proto, .addr = c->addr, .local = c->local, .conn = c};

	tp->stats.rx_msgs++;
	tp->stats.rx_bytes += len;
	tp->recv(data, len, &peer, tp->arg);
}

/* Cuts and delivers every complete message in c->in; the callback may close c. */
static void conn_frames(struct sip_conn *c)
{
	size_t skip, msglen;
	int err;

	for (;;) {
		conn_keepalives(c);
		if (c->state != SIP_CONN_OPEN || c->in.len == 0)
			break;
		err = sip_msg_frame(c->in.data, c->in.len, &skip, &msglen);
		if (err == EAGAIN) {
			buf_consume(&c->in, skip < c->in.len ? skip : c->in.len);
			break;
		}
		if (err || skip > c->in.len || msglen > c->in.len - skip) {
			conn_bad_frame(c, err ? err : EBADMSG);
			return;
		}
		conn_deliver(c, c->in.data + skip, msglen);
		if (c->state != SIP_CONN_OPEN)
			return;
		buf_consume(&c->in, skip + msglen);
		timer_cancel(&c->frame_timer); /* the next message starts its own clock */
	}
	if (c->state == SIP_CONN_OPEN && c->in.len == 0)
		timer_cancel(&c->frame_timer);
	else if (c->state == SIP_CONN_OPEN && !timer_pending(&c->frame_timer) &&
		 !sip_is_crlf_only(c->in.data, c->in.len))
		sip_conn_arm_deadline(c);
}

/* Reads what is there (bounded per wake-up for fairness) and frames it. */
static void conn_read(struct sip_conn *c)
{
	char chunk[READ_CHUNK];
	size_t n, room;
	int err;

	for (int i = 0; i < SIP_READS_PER_WAKEUP && c->state == SIP_CONN_OPEN; i++) {
		room = c->in.max - c->in.len;
		if (room == 0) {
			/* sip_msg_frame reports oversize first; this is the backstop. */
			conn_bad_frame(c, EOVERFLOW);
			return;
		}
		err = conn_raw_read(c, chunk, room < sizeof(chunk) ? room : sizeof(chunk), &n);
		if (err == EAGAIN)
			return;
		if (err) {
			sip_conn_close(c, "peer closed", true);
			return;
		}
		c->last_ms = loop_now(c->tp->loop);
		if (buf_append(&c->in, chunk, n) != 0) {
			conn_bad_frame(c, EOVERFLOW);
			return;
		}
		conn_frames(c);
	}
}

static void conn_progress(struct sip_conn *c, unsigned events)
{
	if (c->state == SIP_CONN_CONNECTING) {
		int err = net_sock_error(c->fd);
		if (err || (events & LOOP_ERROR)) {
			sip_conn_close(c, "connect failed", true);
			return;
		}
		if (!(events & LOOP_WRITE))
			return;
		sip_conn_established(c);
	}
	if (c->state == SIP_CONN_HANDSHAKE) {
		enum net_tls_status st = net_tls_handshake(c->ssl);
		c->tls_want_write = st == NET_TLS_WANT_WRITE;
		if (st == NET_TLS_OK)
			sip_conn_established(c);
		else if (st != NET_TLS_WANT_READ && st != NET_TLS_WANT_WRITE)
			sip_conn_close(c, "tls handshake failed", true);
	}
}

void sip_conn_io(int fd, unsigned events, void *arg)
{
	struct sip_conn *c = arg;

	if (c->state == SIP_CONN_CLOSED)
		return;
	conn_progress(c, events);
	if (c->state != SIP_CONN_OPEN) {
		if (c->state != SIP_CONN_CLOSED)
			sip_conn_update_events(c);
		return;
	}
	if (c->out.len && conn_flush(c) != 0) {
		sip_conn_close(c, "write error", true);
		return;
	}
	/* Always try to read when open: TLS may hold decrypted bytes without a new event. */
	conn_read(c);
	if (c->state == SIP_CONN_OPEN && c->out.len && conn_flush(c) != 0)
		sip_conn_close(c, "write error", true);
	if (c->state == SIP_CONN_OPEN)
		sip_conn_update_events(c);
}
