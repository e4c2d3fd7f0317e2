/* SIP over TCP and TLS: accepting, connecting, timeouts and closing stream connections. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "net/sock.h"
#include "net/tls.h"
#include "sip/transport_int.h"

static void conn_destroy(void *obj)
{
	struct sip_conn *c = obj;

	/* Closed before the last ref can go: the table holds one while open. */
	buf_free(&c->in);
	buf_free(&c->out);
}

static void conn_unref_deferred(void *arg)
{
	obj_unref(arg);
}

void sip_conn_close(struct sip_conn *c, const char *why, bool defer)
{
	struct sip_transport *tp = c->tp;
	char addr[SA_ADDRSTRLEN];

	if (c->state == SIP_CONN_CLOSED)
		return;
	log_debug("sip", "%s conn %s closed: %s", sip_proto_name(c->proto),
		  sa_str(&c->addr, addr, sizeof(addr)), why);
	c->state = SIP_CONN_CLOSED;
	timer_cancel(&c->frame_timer);
	timer_cancel(&c->idle_timer);
	loop_fd_del(tp->loop, c->fd);
	if (c->ssl) {
		net_tls_shutdown(c->ssl);
		net_tls_session_free(c->ssl);
		c->ssl = NULL;
	}
	close(c->fd);
	c->fd = -1;
	sip_conn_table_remove(tp, c);
	c->tp = NULL;
	/* Callers may still be on the stack with c (its own fd callback): free later. */
	if (defer)
		loop_defer(tp->loop, conn_unref_deferred, c);
	else
		obj_unref(c);
}

static void conn_frame_timeout(void *arg)
{
	struct sip_conn *c = arg;

	c->tp->stats.conns_timed_out++;
	sip_conn_close(c, c->state == SIP_CONN_OPEN ? "frame timeout" : "connect timeout", true);
}

static void conn_idle_check(void *arg)
{
	struct sip_conn *c = arg;
	struct sip_transport *tp = c->tp;
	uint64_t idle_ms = (uint64_t)tp->cfg.idle_timeout_s * 1000;
	uint64_t quiet = loop_now(tp->loop) - c->last_ms;

	if (quiet >= idle_ms) {
		tp->stats.conns_timed_out++;
		sip_conn_close(c, "idle", true);
		return;
	}
	/* Re-armed only here, so traffic costs a timestamp instead of a timer restart. */
	loop_timer_start(tp->loop, &c->idle_timer, idle_ms - quiet, conn_idle_check, c);
}

void sip_conn_arm_deadline(struct sip_conn *c)
{
	loop_timer_start(c->tp->loop, &c->frame_timer, (uint64_t)c->tp->cfg.frame_timeout_s * 1000,
			 conn_frame_timeout, c);
}

static struct sip_conn *conn_new(struct sip_transport *tp, enum sip_proto proto, int fd,
				 const struct sa *addr, bool outgoing)
{
	struct sip_conn *c = obj_new(sizeof(*c), conn_destroy);

	c->tp = tp;
	c->proto = proto;
	c->fd = fd;
	c->addr = *addr;
	c->outgoing = outgoing;
	c->state = outgoing ? SIP_CONN_CONNECTING : SIP_CONN_OPEN;
	c->events = LOOP_READ | (outgoing ? LOOP_WRITE : 0);
	c->last_ms = loop_now(tp->loop);
	buf_init(&c->in, SIP_CONN_IN_MAX);
	buf_init(&c->out, SIP_CONN_OUT_MAX);
	timer_init(&c->frame_timer);
	timer_init(&c->idle_timer);
	if (net_sock_local(fd, &c->local) != 0 ||
	    loop_fd_add(tp->loop, fd, c->events, sip_conn_io, c) != 0) {
		close(fd);
		obj_unref(c);
		return NULL;
	}
	sip_conn_table_insert(tp, c);
	loop_timer_start(tp->loop, &c->idle_timer, (uint64_t)tp->cfg.idle_timeout_s * 1000,
			 conn_idle_check, c);
	return c;
}

/* TLS needs a handshake before OPEN; the frame timer bounds how long it may take. */
static int conn_start_tls(struct sip_conn *c, bool server)
{
	struct sip_transport *tp = c->tp;
	SSL_CTX *ctx = server ? tp->tls_server : tp->tls_client;

	c->ssl = ctx ? net_tls_session_new(ctx, c->fd, server) : NULL;
	if (!c->ssl)
		return EPROTO;
	c->state = SIP_CONN_HANDSHAKE;
	sip_conn_arm_deadline(c);
	return 0;
}

/* Called when the TCP connect finished (client) or the TLS handshake completed. */
void sip_conn_established(struct sip_conn *c)
{
	if (c->state == SIP_CONN_CONNECTING && c->proto == SIP_PROTO_TLS) {
		if (conn_start_tls(c, false) != 0)
			sip_conn_close(c, "tls setup", true);
		return;
	}
	c->state = SIP_CONN_OPEN;
	timer_cancel(&c->frame_timer);
	sip_conn_update_events(c);
}

/* Out of descriptors: accept with the spare one and close, or the backlog spins the loop. */
static void accept_emfile(struct sip_transport *tp, int lfd)
{
	if (tp->spare_fd < 0)
		return;
	close(tp->spare_fd);
	int fd = accept(lfd, NULL, NULL);
	if (fd >= 0) {
		close(fd);
		tp->stats.conns_refused++;
	}
	tp->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void accept_one(struct sip_listener *l, int fd, const struct sa *from)
{
	struct sip_transport *tp = l->tp;
	struct sip_conn *c;
	char addr[SA_ADDRSTRLEN];

	if (sip_conn_admit(tp, from) != 0) {
		tp->stats.conns_refused++;
		if (log_limit_allow(&tp->accept_log, loop_now(tp->loop), 5, 10000))
			log_notice("sip", "refused %s conn from %s: limit reached",
				   sip_proto_name(l->proto), sa_str(from, addr, sizeof(addr)));
		close(fd);
		return;
	}
	c = conn_new(tp, l->proto, fd, from, false);
	if (c && l->proto == SIP_PROTO_TLS && conn_start_tls(c, true) != 0)
		sip_conn_close(c, "tls setup", true);
}

void sip_stream_accept(int lfd, unsigned events, void *arg)
{
	struct sip_listener *l = arg;

	for (int i = 0; i < SIP_ACCEPT_BATCH; i++) {
		struct sa from = {.len = sizeof(from.u.ss)};
		int fd = accept4(lfd, &from.u.sa, &from.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				accept_emfile(l->tp, lfd);
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		accept_one(l, fd, &from);
	}
}

static struct sip_conn *conn_connect(struct sip_transport *tp, enum sip_proto proto,
				     const struct sa *addr)
{
	struct sip_conn *c;
	int fd;

	if (proto == SIP_PROTO_TLS && !tp->tls_client &&
	    net_tls_client_ctx_new(&tp->tls_client, tp->cfg.tls_ca_file) != 0)
		return NULL;
	if (tp->stats.conns_open >= tp->cfg.max_conns || net_sock_tcp_connect(&fd, addr) != 0)
		return NULL;
	c = conn_new(tp, proto, fd, addr, true);
	if (c)
		sip_conn_arm_deadline(c);
	return c;
}

int sip_stream_send(struct sip_transport *tp, const struct sip_peer *to, const char *data,
		    size_t len)
{
	struct sip_conn *c = to->conn;

	if (len > SIP_MAX_MSG)
		return EIO; /* nobody may send us more; do not let one message kill the queue */
	if (c && c->state != SIP_CONN_CLOSED && c->proto == to->proto)
		return sip_conn_write(c, data, len);
	c = sip_conn_find(tp, to->proto, &to->addr);
	/* A request's own connection is gone: the client's ephemeral port will not answer. */
	if (!c && to->conn)
		return ENOTCONN;
	if (!c)
		c = conn_connect(tp, to->proto, &to->addr);
	if (!c)
		return ENOTCONN;
	return sip_conn_write(c, data, len);
}
